/* test_expand.c - what a query word the index lacks becomes: a word of
 * the language is not respelled (with a word list), a misspelling is; a
 * clipped term of a defined acronym's phrase ("conv") completes to it
 * where plain completion would give up; a blend ("convnets") reads as the
 * phrase; a hyphenated word finds its closed-up form; derivations the
 * stemmer leaves apart ("sparse", "sparsity") find each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#include "../../util/wordlist.h"

static char dir[] = "/tmp/quarry-test-expand-XXXXXX";
static char db[256], words[256];
static struct idx *x;

static const char *const Q[] = {
	"What is a convolutional neural network?",
	"When does training converge?",
	"What is a conventional feature pipeline?",
	"Why convert labels to one-hot vectors?",
	"What is a convex loss?",
	"Should you think about the learning rate first?",
	"How do I flag urgent mail?",
	"What is a feedforward network?",
	"How is classification scored?",
};
static const char *const A[] = {
	"A Convolutional Neural Network (CNN) slides learned filters over "
	"an image.",
	"Training has converged when the loss stops falling; convergence "
	"is faster with a good learning rate.",
	"Conventional pipelines extract features by hand.",
	"Convert class labels so the loss can compare distributions.",
	"A convex loss has a single minimum.",
	"Think about it: the learning rate matters most.",
	"Star it.",
	"Layers pass inputs on; L1 keeps weights sparse.",
	"Feed the scores forward to classify them; sparsity helps (C).",
};

static int setup(void **state)
{
	struct idx_build *b;
	struct qerr err = {0};
	char id[16];
	FILE *f;
	int i;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/i.db", dir);
	snprintf(words, sizeof(words), "%s/words", dir);
	if ((f = fopen(words, "w")) == NULL)
		return -1;
	fputs("a\nthing\nthink\nthe\nurgency\nworld\n", f);
	if (fclose(f) != 0)
		return -1;
	if (idx_build_begin(&b, db, &err) != 0 ||
	    idx_build_source(b, "t.txt", 1, 2, "h", 0) != 0)
		return -1;
	for (i = 0; i < (int)(sizeof(Q) / sizeof(*Q)); i++) {
		snprintf(id, sizeof(id), "%d", i + 1);
		if (idx_build_add(b, id, Q[i], A[i], i * 3 + 1) != 0)
			return -1;
	}
	if (idx_build_commit(b, &err) != 0)
		return -1;
	return idx_open(&x, db, &err);
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	idx_close(x);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Term text of q, or NULL when q does not have it. */
static const struct rank_term *term_of(const struct rank_query *q,
				       const char *text)
{
	int i;

	for (i = 0; i < q->nterms; i++)
		if (strcmp(q->terms[i].text, text) == 0)
			return &q->terms[i];
	return NULL;
}

/* The origin of term text in q, or -1 when q does not have it. */
static int origin_of(const struct rank_query *q, const char *text)
{
	const struct rank_term *e = term_of(q, text);

	return e ? e->origin : -1;
}

static void parse(struct tok *t, const char *text, struct rank_query *q)
{
	struct qerr err = {0};

	assert_int_equal(rank_parse(x, t, text, q, &err), 0);
}

static void test_words_are_not_respelled(void **state)
{
	struct tok *t = tok_new(TOK_STEM);
	struct rank_query q;
	struct wordlist *w;

	(void)state;
	assert_non_null(t);
	/* without a word list, "thing" is read as a misspelt "think" */
	parse(t, "thing", &q);
	assert_int_equal(tok_is_word(t, "thing", 5), -1);
	assert_int_equal(origin_of(&q, "think"), RANK_FUZZY);
	w = wordlist_open(words);
	assert_non_null(w);
	tok_set_words(t, w);
	assert_int_equal(tok_is_word(t, "thing", 5), 1);
	assert_int_equal(tok_is_word(t, "thinkk", 6), 0);
	/* with one, it is a word the corpus lacks */
	parse(t, "thing", &q);
	assert_int_equal(q.nterms, 1);
	assert_int_equal(origin_of(&q, "think"), -1);
	/* ...but a long stem may take another ending: urgenc -> urgent */
	parse(t, "urgency", &q);
	assert_int_equal(origin_of(&q, "urgent"), RANK_FUZZY);
	/* a misspelling still is respelled */
	parse(t, "thnik", &q);
	assert_int_equal(origin_of(&q, "think"), RANK_FUZZY);
	/* prefixes complete whether or not they are words */
	parse(t, "conver", &q);
	assert_int_equal(origin_of(&q, "converg"), RANK_PREFIX);
	tok_set_words(t, NULL);
	assert_int_equal(tok_is_word(t, "thing", 5), -1);
	tok_free(t);
}

static void test_clipped_terms(void **state)
{
	struct tok *t = tok_new(TOK_STEM);
	struct rank_query q;

	(void)state;
	assert_non_null(t);
	/* "conv" begins five index words: convolut, converg, convent,
	 * convert, convex.  Only "convolutional" belongs to a phrase the
	 * corpus defines an acronym for. */
	parse(t, "conv filters", &q);
	assert_int_equal(origin_of(&q, "convolut"), RANK_PREFIX);
	assert_int_equal(origin_of(&q, "converg"), -1);
	assert_int_equal(origin_of(&q, "convex"), -1);
	/* three letters are too few to clip ("cons" stems to "con") */
	parse(t, "pros and cons", &q);
	assert_int_equal(origin_of(&q, "convolut"), -1);
	/* a blend of the phrase's words stands for the phrase */
	parse(t, "what are convnets", &q);
	assert_int_equal(origin_of(&q, "cnn"), RANK_SPLIT);
	assert_int_equal(origin_of(&q, "convolut"), RANK_SPLIT);
	assert_int_equal(origin_of(&q, "network"), RANK_SPLIT);
	/* ...only in the phrase's order */
	parse(t, "netconv", &q);
	assert_int_equal(origin_of(&q, "cnn"), -1);
	/* without expansion, nothing of this */
	{
		struct qerr err = {0};

		assert_int_equal(rank_parse_ex(x, t, "conv convnets", 0, &q,
					       &err),
				 0);
		assert_int_equal(q.nterms, 2);
	}
	tok_free(t);
}

static void test_hyphens_and_variants(void **state)
{
	struct tok *t = tok_new(TOK_STEM);
	struct rank_query q;
	struct rank_params p;
	struct rank_hit h[2];
	struct qerr err = {0};
	const struct rank_term *e;
	int n = 0;

	(void)state;
	assert_non_null(t);
	/* the user's hyphen: the closed-up word joins the parts */
	parse(t, "a feed-forward network", &q);
	assert_int_equal(origin_of(&q, "feed"), RANK_USER);
	assert_int_equal(origin_of(&q, "forward"), RANK_USER);
	e = term_of(&q, "feedforward");
	assert_non_null(e);
	assert_int_equal(e->origin, RANK_JOIN);
	assert_string_equal(e->word, "feed-forward");
	assert_int_equal(e->span, 2);
	/* ...which finds all of it: the record that has only the closed-up
	 * word is as sure an answer as one with both parts would be */
	rank_defaults(&p);
	assert_int_equal(rank_search(x, &q, &p, 2, h, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true(rank_confidence(x, &q, &h[0]) > 0.999 ||
		    rank_confidence(x, &q, &h[1]) > 0.999);
	/* U+2010 HYPHEN too; two words without one are two words */
	parse(t, "feed\xe2\x80\x90" "forward", &q);
	assert_int_equal(origin_of(&q, "feedforward"), RANK_JOIN);
	parse(t, "feed forward", &q);
	assert_int_equal(origin_of(&q, "feedforward"), -1);
	parse(t, "feed- forward -feed", &q);
	assert_int_equal(origin_of(&q, "feedforward"), -1);
	/* -ity and -ify/-ification, both ways, below the user's word */
	parse(t, "sparse", &q);
	e = term_of(&q, "sparsiti");
	assert_non_null(e);
	assert_int_equal(e->origin, RANK_VARIANT);
	assert_true(e->weight < 1.0);
	parse(t, "classifier", &q);
	assert_int_equal(origin_of(&q, "classif"), RANK_VARIANT);
	parse(t, "sparsity", &q);
	assert_int_equal(origin_of(&q, "sparsiti"), RANK_USER);
	assert_int_equal(origin_of(&q, "spars"), RANK_VARIANT);
	/* a short stem is no -ity: "city" is not C plus -ity */
	assert_true(idx_df(x, "c") > 0);
	parse(t, "city", &q);
	assert_int_equal(origin_of(&q, "c"), -1);
	/* without expansion, none of it */
	assert_int_equal(rank_parse_ex(x, t, "feed-forward sparse", 0, &q,
				       &err),
			 0);
	assert_int_equal(q.nterms, 3);
	tok_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_are_not_respelled),
		cmocka_unit_test(test_clipped_terms),
		cmocka_unit_test(test_hyphens_and_variants),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
