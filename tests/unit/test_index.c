/* test_index.c - the SQLite index: build, postings, cursors, atomic swap,
 * foreign files; and BM25F ranking over it. */
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

static char dir[] = "/tmp/quarry-test-index-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/i.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void build(const char *p, int ndocs, const char *const *q,
		  const char *const *a)
{
	struct idx_build *b;
	struct qerr err = {0};
	char id[16];
	int i;

	assert_int_equal(idx_build_begin(&b, p, &err), 0);
	assert_int_equal(idx_build_source(b, "t.txt", 1, 2, "h", 0), 0);
	for (i = 0; i < ndocs; i++) {
		snprintf(id, sizeof(id), "%d", i + 1);
		assert_int_equal(idx_build_add(b, id, q[i], a[i], i * 3 + 1), 0);
	}
	assert_int_equal(idx_build_commit(b, &err), 0);
}

static const char *const Q[] = {
	"What is dropout?", "What is backpropagation?",
	"Explain batch normalization.", "What is dropout used for?",
};
static const char *const A[] = {
	"Dropout ignores random neurons during training.",
	"Backpropagation computes the gradient of the loss.",
	"Batch normalization normalizes layer inputs.",
	"Regularization against overfitting.",
};

static void test_build_and_stats(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	struct idx_doc d;

	(void)state;
	build(path, 4, Q, A);
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_ndocs(x), 4);
	assert_int_equal(idx_df(x, "dropout"), 2);
	assert_int_equal(idx_df(x, "normal"), 1);
	assert_int_equal(idx_df(x, "nonexistent"), 0);
	/* lengths count the terms that are not stop words: questions
	 * dropout, backpropagation, batch normalization, dropout used ("what",
	 * "is", "explain", "for" do not count); answers 5 + 4 + 5 + 3
	 * ("during", "the", "of" do not count, "against" does) */
	assert_true(idx_avglen(x, IDX_Q) == 6.0 / 4);
	assert_true(idx_avglen(x, IDX_A) == 17.0 / 4);
	assert_int_equal(idx_get_doc(x, 2, &d, &err), 0);
	assert_string_equal(d.ext_id, "3");
	assert_string_equal(d.question, Q[2]);
	assert_string_equal(d.source, "t.txt");
	assert_int_equal(d.line, 7);
	idx_doc_clear(&d);
	idx_close(x);
}

static void test_postings_cursor_and_seek(void **state)
{
	enum { N = 1000 };
	const char **q = calloc(N, sizeof(*q)), **a = calloc(N, sizeof(*a));
	struct idx *x;
	struct qerr err = {0};
	struct idx_cursor c;
	const unsigned char *data;
	size_t len;
	long df, n = 0, expect;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		q[i] = i % 3 == 0 ? "common rare" : "common";
		a[i] = i % 7 == 0 ? "common common" : "other";
	}
	build(path, N, q, a);
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_postings(x, "rare", &df, &data, &len, &err), 0);
	assert_int_equal(df, (N + 2) / 3);
	idx_cursor_init(&c, data, len);
	for (expect = 0; idx_cursor_next(&c); expect += 3, n++) {
		assert_int_equal(c.docid, expect);
		assert_int_equal(c.tf[0], 1);
		assert_int_equal(c.tf[1], 0);
		/* the lengths of the fields the term is in, "common rare" */
		assert_int_equal(c.norm[0], idx_norm_encode(2));
		assert_int_equal(c.norm[1], 0);
	}
	assert_int_equal(n, df);
	assert_false(c.bad);
	/* seek across block boundaries lands on the first doc >= target */
	assert_int_equal(idx_postings(x, "common", &df, &data, &len, &err), 0);
	assert_int_equal(df, N);
	idx_cursor_init(&c, data, len);
	assert_true(idx_cursor_seek(&c, 5));
	assert_int_equal(c.docid, 5);
	assert_true(idx_cursor_seek(&c, 700));
	assert_int_equal(c.docid, 700);
	assert_int_equal(c.tf[1], 2); /* 700 = 7 * 100 */
	assert_int_equal(c.norm[0], idx_norm_encode(1));
	assert_int_equal(c.norm[1], idx_norm_encode(2));
	assert_true(c.block_max > 0.0f && c.block_max < 1.0f);
	assert_false(idx_cursor_seek(&c, N));
	idx_close(x);
	free(q);
	free(a);
}

/* A block tells whether any of its postings has the term in a question
 * field (block_noq), whatever its max_impact: "word" heads records 0..9
 * and is in the answers of the rest, so its first block has question
 * postings and the others none. */
static void test_block_question_flag(void **state)
{
	enum { N = 1000 };
	const char **q = calloc(N, sizeof(*q)), **a = calloc(N, sizeof(*a));
	struct idx *x;
	struct qerr err = {0};
	struct idx_cursor c;
	const unsigned char *data;
	size_t len;
	long df, blocks = 0, last = -1;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		q[i] = i < 10 ? "word" : "other";
		a[i] = i < 10 ? "text" : "word text";
	}
	build(path, N, q, a);
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_postings(x, "word", &df, &data, &len, &err), 0);
	assert_int_equal(df, N);
	idx_cursor_init(&c, data, len);
	while (idx_cursor_next(&c)) {
		if (c.block_last == last)
			continue;
		last = c.block_last;
		assert_int_equal(c.block_noq, blocks > 0);
		assert_true(c.block_max > 0.0f && c.block_max < 1.0f);
		blocks++;
	}
	assert_int_equal(blocks, (N + IDX_BLOCK - 1) / IDX_BLOCK);
	assert_false(c.bad);
	idx_close(x);
	free(q);
	free(a);
}

static void test_ranking_order_and_ties(void **state)
{
	struct idx *x;
	struct tok *t = tok_new(TOK_STEM);
	struct qerr err = {0};
	struct rank_params p;
	struct rank_query rq;
	struct rank_hit hits[4];
	int n;

	(void)state;
	build(path, 4, Q, A);
	assert_int_equal(idx_open(&x, path, &err), 0);
	rank_defaults(&p);
	assert_int_equal(rank_parse(x, t, "how does backprop work? backpropagation",
				    &rq, &err), 0);
	assert_int_equal(rank_search(x, &rq, &p, 4, hits, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].doc, 1);
	/* "dropout" is in docs 0 and 3; doc 0 also has it in the answer */
	assert_int_equal(rank_parse(x, t, "dropout", &rq, &err), 0);
	assert_int_equal(rank_search(x, &rq, &p, 4, hits, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].doc, 0);
	assert_true(hits[0].score > hits[1].score);
	/* only stop words: kept, so the query is not empty */
	assert_int_equal(rank_parse(x, t, "what is", &rq, &err), 0);
	assert_int_equal(rq.nterms, 2);
	assert_int_equal(rank_search(x, &rq, &p, 1, hits, &n, &err), 0);
	assert_int_equal(n, 1);
	/* equal scores break ties on the lower doc id */
	p.w[IDX_A] = 0.0;
	assert_int_equal(rank_parse(x, t, "what", &rq, &err), 0);
	assert_int_equal(rank_search(x, &rq, &p, 4, hits, &n, &err), 0);
	assert_true(n >= 2);
	if (hits[0].score == hits[1].score)
		assert_true(hits[0].doc < hits[1].doc);
	/* tf-idf also ranks */
	rank_defaults(&p);
	p.model = RANK_TFIDF;
	assert_int_equal(rank_parse(x, t, "batch norm", &rq, &err), 0);
	assert_int_equal(rank_search(x, &rq, &p, 4, hits, &n, &err), 0);
	assert_int_equal(hits[0].doc, 2);
	tok_free(t);
	idx_close(x);
}

static void test_abort_keeps_old_index(void **state)
{
	struct idx_build *b;
	struct idx *x;
	struct qerr err = {0};

	(void)state;
	build(path, 4, Q, A);
	assert_int_equal(idx_build_begin(&b, path, &err), 0);
	assert_int_equal(idx_build_add(b, "1", "new", "new", 1), 0);
	idx_build_abort(b);
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_ndocs(x), 4);
	idx_close(x);
}

static void test_foreign_and_missing_files(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	char p2[300];
	FILE *fp;

	(void)state;
	snprintf(p2, sizeof(p2), "%s/foreign.db", dir);
	fp = fopen(p2, "w");
	assert_non_null(fp);
	fputs("this is not a database at all, just some text\n", fp);
	fclose(fp);
	assert_int_equal(idx_open(&x, p2, &err), QERR_DATA);
	assert_null(x);
	qerr_clear(&err);
	snprintf(p2, sizeof(p2), "%s/nope.db", dir);
	assert_int_equal(idx_open(&x, p2, &err), QERR_IO);
	assert_non_null(strstr(err.msg, "nope.db"));
	qerr_clear(&err);
	assert_int_equal(idx_build_begin(&(struct idx_build *){NULL},
					 "/nonexistent-dir/x.db", &err),
			 QERR_IO);
}

struct blob_ctx {
	struct idx *other;
	int terms, mismatches;
};

static int same_postings(void *ctx, const char *term, long df)
{
	struct blob_ctx *c = ctx;
	const unsigned char *d2;
	size_t l2;
	long df2;

	c->terms++;
	/* Copy: the first blob lives in the other handle's statement. */
	if (idx_postings(c->other, term, &df2, &d2, &l2, NULL) != 0 ||
	    df2 != df)
		c->mismatches++;
	return 0;
}

static void test_spilled_runs_merge_exactly(void **state)
{
	enum { N = 3000 };
	struct idx_build *b;
	struct idx *x, *y;
	struct qerr err = {0};
	char p2[300], id[16], q[64], a[128];
	struct blob_ctx c = {0};
	const unsigned char *d1, *d2;
	size_t l1, l2;
	long df1, df2;
	int i, pass;

	(void)state;
	snprintf(p2, sizeof(p2), "%s/spilled.db", dir);
	for (pass = 0; pass < 2; pass++) {
		assert_int_equal(idx_build_begin(&b, pass ? p2 : path, &err), 0);
		if (pass)
			idx_build_set_memory(b, 512); /* a run every few docs */
		assert_int_equal(idx_build_source(b, "t", 1, 1, "h", 0), 0);
		for (i = 0; i < N; i++) {
			snprintf(id, sizeof(id), "%d", i);
			snprintf(q, sizeof(q), "question w%d w%d common", i % 7,
				 i % 101);
			snprintf(a, sizeof(a), "answer w%d w%d w%d common common",
				 i % 13, i % 1009, i);
			assert_int_equal(idx_build_add(b, id, q, a, i), 0);
		}
		assert_int_equal(idx_build_commit(b, &err), 0);
	}
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_open(&y, p2, &err), 0);
	assert_int_equal(idx_nterms(x), idx_nterms(y));
	c.other = y;
	idx_vocab_scan(x, "", same_postings, &c);
	assert_int_equal(c.mismatches, 0);
	assert_true(c.terms > 3000);
	/* byte-identical blobs for a frequent and a rare term */
	for (i = 0; i < 2; i++) {
		const char *t = i ? "w1008" : "common";
		unsigned char *copy;

		assert_int_equal(idx_postings(x, t, &df1, &d1, &l1, &err), 0);
		copy = malloc(l1);
		memcpy(copy, d1, l1);
		assert_int_equal(idx_postings(y, t, &df2, &d2, &l2, &err), 0);
		assert_int_equal(df1, df2);
		assert_int_equal(l1, l2);
		assert_memory_equal(copy, d2, l1);
		free(copy);
	}
	idx_close(x);
	idx_close(y);
}

static void test_norm_codes(void **state)
{
	long n;

	(void)state;
	for (n = 0; n < 64; n++)
		assert_true(idx_norm_decode(idx_norm_encode(n)) == (double)n);
	for (n = 64; n < 100000; n = n * 3 / 2) {
		double d = idx_norm_decode(idx_norm_encode(n));

		assert_true(d > n * 0.97 && d < n * 1.03);
	}
}

/* Confidence: the user's words found in the record, by idf mass and by
 * count.  A respelled word counts half, a split compound only when the
 * record has both halves. */
static double top_confidence(struct idx *x, struct tok *t, const char *q,
			     int *origin)
{
	struct rank_params p;
	struct rank_query rq;
	struct rank_hit hit;
	struct qerr err = {0};
	int n, i;

	rank_defaults(&p);
	assert_int_equal(rank_parse(x, t, q, &rq, &err), 0);
	assert_int_equal(rank_search(x, &rq, &p, 1, &hit, &n, &err), 0);
	assert_int_equal(n, 1);
	*origin = -1;
	for (i = 0; i < rq.nterms; i++)
		if (rq.terms[i].origin != RANK_USER)
			*origin = rq.terms[i].origin;
	return rank_confidence(x, &rq, &hit);
}

static void test_confidence(void **state)
{
	struct idx *x;
	struct tok *t = tok_new(TOK_STEM);
	struct qerr err = {0};
	double exact, typo, split;
	int o;

	(void)state;
	build(path, 4, Q, A);
	assert_int_equal(idx_open(&x, path, &err), 0);
	exact = top_confidence(x, t, "dropout", &o);
	assert_true(exact > 0.99 && exact <= 1.0);
	typo = top_confidence(x, t, "dropuot", &o);
	assert_int_equal(o, RANK_FUZZY);
	assert_true(typo > 0.0 && typo < 0.5);
	/* no record has both "dropout" and "backpropagation" */
	split = top_confidence(x, t, "dropoutbackpropagation", &o);
	assert_int_equal(o, RANK_SPLIT);
	assert_true(split == 0.0);
	tok_free(t);
	idx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_stats),
		cmocka_unit_test(test_postings_cursor_and_seek),
		cmocka_unit_test(test_block_question_flag),
		cmocka_unit_test(test_ranking_order_and_ties),
		cmocka_unit_test(test_abort_keeps_old_index),
		cmocka_unit_test(test_foreign_and_missing_files),
		cmocka_unit_test(test_norm_codes),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_spilled_runs_merge_exactly),
	};

	return cmocka_run_group_tests_name("index", tests, setup, teardown);
}
