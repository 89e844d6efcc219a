/* test_run.c - rank_run, the one ranking pipeline: it ranks exactly as
 * parse, feedback, search and confidence called one after another do; it
 * declines when nothing matched or the best hit's confidence is below the
 * threshold (and only then); a struct reused with a larger k grows; a k
 * below 1 is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#include "../../retrieval/run.h"

static char dir[] = "/tmp/quarry-test-run-XXXXXX";
static char db[256];
static struct idx *x;
static struct tok *t;

static const char *const Q[] = {
	"What is dropout in neural networks?",
	"How does batch normalization help training?",
	"What is the learning rate?",
	"Why do deep networks overfit?",
	"What is a convolutional neural network?",
	"How does backpropagation compute gradients?",
	"What is weight decay?",
	"When should training stop early?",
};
static const char *const A[] = {
	"Dropout ignores randomly chosen neurons during training, which "
	"keeps the network from overfitting.",
	"Batch normalization rescales each layer's inputs, so training "
	"tolerates a larger learning rate.",
	"The learning rate scales each gradient step of training.",
	"A deep network with many weights memorizes its training data; "
	"dropout and weight decay help.",
	"A convolutional network slides learned filters over an image.",
	"Backpropagation applies the chain rule from the loss back through "
	"each layer to get every weight's gradient.",
	"Weight decay adds the squared weights to the loss, shrinking them.",
	"Early stopping ends training when the validation loss rises.",
};

#define NQ ((int)(sizeof(Q) / sizeof(*Q)))

static int setup(void **state)
{
	struct idx_build *b;
	struct qerr err = {0};
	char id[16];
	int i;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/i.db", dir);
	if (idx_build_begin(&b, db, &err) != 0 ||
	    idx_build_source(b, "t.txt", 1, 2, "h", 0) != 0)
		return -1;
	for (i = 0; i < NQ; i++) {
		snprintf(id, sizeof(id), "%d", i + 1);
		if (idx_build_add(b, id, Q[i], A[i], i * 3 + 1) != 0)
			return -1;
	}
	if (idx_build_commit(b, &err) != 0 || idx_open(&x, db, &err) != 0)
		return -1;
	t = tok_new(TOK_STEM);
	return t ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	tok_free(t);
	idx_close(x);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *const questions[] = {
	"dropout",
	"how does dropout stop overfitting in deep networks",
	"learning rate of training",
	"weight decay versus dropout",
	"backprop gradients",
};

/* rank_run against the pipeline's steps called by hand, with p. */
static void same_as_steps(const struct rank_params *p)
{
	struct rank_query *q = malloc(sizeof(*q));
	struct rank_hit hits[5];
	struct rank_run run;
	struct qerr err = {0};
	size_t i;
	int n, j;

	assert_non_null(q);
	rank_run_init(&run, 5, RANK_THRESHOLD);
	for (i = 0; i < sizeof(questions) / sizeof(*questions); i++) {
		assert_int_equal(rank_parse_ex(x, t, questions[i], p->expand, q,
					       &err),
				 0);
		assert_int_equal(rank_feedback(x, q, p, &err), 0);
		assert_int_equal(rank_search_fused(x, q, p, questions[i], 5,
						   hits, &n, NULL, &err),
				 0);
		assert_int_equal(rank_run(x, t, p, questions[i], &run, &err), 0);
		assert_true(n > 0);
		assert_int_equal(run.nhits, n);
		assert_int_equal(run.q.nterms, q->nterms);
		assert_int_equal(run.q.cut_words, 0);
		for (j = 0; j < n; j++) {
			assert_int_equal(run.hits[j].doc, hits[j].doc);
			assert_true(run.hits[j].score == hits[j].score);
			assert_true(run.hits[j].terms == hits[j].terms);
			assert_true(run.confidence[j] ==
				    rank_confidence(x, q, &hits[j]));
		}
		assert_int_equal(run.declined, run.answerable < RANK_THRESHOLD);
	}
	rank_run_clear(&run);
	free(q);
}

static void test_same_as_the_steps(void **state)
{
	struct rank_params p;

	(void)state;
	rank_defaults(&p);
	same_as_steps(&p);
	/* with feedback, which changes the query before the search */
	p.feedback = 0.5;
	p.feedback_min = 1;
	same_as_steps(&p);
	p.model = RANK_TFIDF;
	p.expand = 0;
	same_as_steps(&p);
}

static void test_decline_rule(void **state)
{
	struct rank_params p;
	struct rank_run run;
	struct qerr err = {0};
	double c;

	(void)state;
	rank_defaults(&p);
	rank_run_init(&run, 3, 0.0);
	assert_int_equal(rank_run(x, t, &p, "weight decay dropout", &run, &err),
			 0);
	assert_true(run.nhits > 0);
	c = run.answerable;
	assert_true(c > 0.0 && c < 1.0);
	assert_true(run.confidence[0] > 0.0 && run.confidence[0] <= 1.0);
	assert_int_equal(run.declined, 0);
	/* the probability is the model's on the features rank_run kept */
	assert_true(fabs(rank_answerable(run.feat) - c) < 1e-12);
	/* at exactly the probability of an answer: answered */
	run.threshold = c;
	assert_int_equal(rank_run(x, t, &p, "weight decay dropout", &run, &err),
			 0);
	assert_int_equal(run.declined, 0);
	/* just above it: declined, and the hits are still there */
	run.threshold = nextafter(c, 2.0);
	assert_int_equal(rank_run(x, t, &p, "weight decay dropout", &run, &err),
			 0);
	assert_int_equal(run.declined, 1);
	assert_true(run.nhits > 0);
	/* a partial match: the words the index lacks make an answer less
	 * likely than the full match */
	run.threshold = RANK_THRESHOLD;
	run.nconf = 1;
	assert_int_equal(rank_run(x, t, &p, "dropout zyxwv qqqqq plugh", &run,
				  &err),
			 0);
	assert_true(run.nhits > 0);
	assert_true(run.confidence[0] < 1.0);
	assert_true(run.answerable < c);
	assert_true(run.feat[RANK_F_UNKNOWN] > 0.5);
	assert_int_equal(run.declined, run.answerable < RANK_THRESHOLD);
	/* nothing matched: declined even at threshold 0 */
	run.threshold = 0.0;
	assert_int_equal(rank_run(x, t, &p, "zyxwv qqqqq", &run, &err), 0);
	assert_int_equal(run.nhits, 0);
	assert_int_equal(run.declined, 1);
	rank_run_clear(&run);
}

static void test_reuse_and_bad_k(void **state)
{
	struct rank_params p;
	struct rank_run run, fresh;
	struct qerr err = {0};
	int j;

	(void)state;
	rank_defaults(&p);
	rank_run_init(&run, 1, RANK_THRESHOLD);
	assert_int_equal(rank_run(x, t, &p, "training", &run, &err), 0);
	assert_int_equal(run.nhits, 1);
	/* the same struct, asked for more: it grows */
	run.k = run.nconf = NQ;
	assert_int_equal(rank_run(x, t, &p, "training", &run, &err), 0);
	assert_true(run.nhits > 1);
	rank_run_init(&fresh, NQ, RANK_THRESHOLD);
	assert_int_equal(rank_run(x, t, &p, "training", &fresh, &err), 0);
	assert_int_equal(fresh.nhits, run.nhits);
	for (j = 0; j < run.nhits; j++) {
		assert_int_equal(fresh.hits[j].doc, run.hits[j].doc);
		assert_true(fresh.confidence[j] == run.confidence[j]);
	}
	rank_run_clear(&fresh);
	/* k below 1 is the caller's mistake, reported, not ranked */
	run.k = 0;
	assert_int_equal(rank_run(x, t, &p, "training", &run, &err),
			 QERR_USAGE);
	assert_int_equal(err.code, QERR_USAGE);
	assert_int_equal(run.nhits, 0);
	assert_int_equal(run.declined, 1);
	rank_run_clear(&run);
	rank_run_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_the_steps),
		cmocka_unit_test(test_decline_rule),
		cmocka_unit_test(test_reuse_and_bad_k),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
