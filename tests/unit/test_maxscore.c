/* test_maxscore.c - MaxScore ranks exactly as scoring every posting
 * does (same records, same scores, same order, same term masks) on an
 * index of many blocks, for queries of one to sixty words (the long ones
 * keep dozens of lists essential, and are taken a window of records at
 * a time) and several k, while decoding fewer
 * postings and scoring fewer records; and that the blocks' bounds let
 * it leave most of a list undecoded where whole-list bounds could not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"

static char dir[] = "/tmp/quarry-test-maxscore-XXXXXX";
static char path[300], path2[300];
static unsigned long seed;

#define NREC 6000
#define NWORDS 400

/* A deterministic generator, so that a failure can be replayed. */
static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(seed >> 33) % n;
}

/* A word, skewed to the common ones (w0 is in most records). */
static int word(void)
{
	unsigned r = rnd(1000);

	if (r < 300)
		return (int)rnd(4);
	if (r < 700)
		return 4 + (int)rnd(40);
	return 44 + (int)rnd(NWORDS - 44);
}

static void text(char *out, int nwords)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < nwords; i++)
		sprintf(out + strlen(out), "%sw%d", i ? " " : "", word());
}

/* Two words in every record, NSKEW of them: in the first NHIGH records
 * often and in a short question, in the rest once each in a long answer.
 * Each word's list bounds its postings by the best of them, which the
 * first records' reach, so MaxScore must decode one of the lists whole;
 * the blocks past the first bound far lower than the best ten. */
#define NSKEW 6000
#define NHIGH 200

static int build_skewed(void)
{
	struct idx_build *b;
	struct qerr err = {0};
	char id[32], a[4096];
	int i;

	snprintf(path2, sizeof(path2), "%s/skew.db", dir);
	if (idx_build_begin(&b, path2, &err) != 0 ||
	    idx_build_source(b, "s.txt", NSKEW, 1, "h", 0) != 0)
		return -1;
	for (i = 0; i < NSKEW; i++) {
		sprintf(id, "s%d", i);
		if (i < NHIGH) {
			if (idx_build_add(b, id, "alpha beta",
					  "alpha beta alpha beta", i + 1) != 0)
				return -1;
			continue;
		}
		text(a, 40 + (int)rnd(20));
		strcat(a, " alpha beta");
		if (idx_build_add(b, id, "gamma", a, i + 1) != 0)
			return -1;
	}
	return idx_build_commit(b, &err);
}

static int setup(void **state)
{
	struct idx_build *b;
	struct qerr err = {0};
	char id[32], q[4096], a[4096];
	int i;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/i.db", dir);
	seed = 17;
	if (idx_build_begin(&b, path, &err) != 0 ||
	    idx_build_source(b, "c.txt", NREC, 1, "h", 0) != 0)
		return -1;
	for (i = 0; i < NREC; i++) {
		/* lengths vary by region, so blocks' bounds differ */
		int lq = (i / 700) % 2 ? 1 + (int)rnd(3) : 5 + (int)rnd(40);

		sprintf(id, "r%d", i);
		text(q, lq);
		text(a, 3 + (int)rnd(60));
		if (idx_build_add(b, id, q, a, i + 1) != 0)
			return -1;
	}
	if (idx_build_commit(b, &err) != 0)
		return -1;
	return build_skewed();
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Rank text both ways for k; assert the same hits; add the work done. */
static void same_both_ways(struct idx *x, struct tok *t, const char *text,
			   int k, struct rank_cost *pruned,
			   struct rank_cost *all)
{
	struct qerr err = {0};
	struct rank_params p;
	struct rank_query rq;
	struct rank_hit h1[20], h2[20];
	int n1, n2, i;

	rank_defaults(&p);
	assert_int_equal(rank_parse(x, t, text, &rq, &err), 0);
	p.cost = pruned;
	assert_int_equal(rank_search(x, &rq, &p, k, h1, &n1, &err), 0);
	p.exhaustive = 1;
	p.cost = all;
	assert_int_equal(rank_search(x, &rq, &p, k, h2, &n2, &err), 0);
	assert_int_equal(n1, n2);
	for (i = 0; i < n1; i++) {
		if (h1[i].doc != h2[i].doc || h1[i].score != h2[i].score)
			fail_msg("'%s' k=%d hit %d: doc %ld %.17g, exhaustive "
				 "doc %ld %.17g", text, k, i, h1[i].doc,
				 h1[i].score, h2[i].doc, h2[i].score);
		assert_true(h1[i].terms == h2[i].terms);
	}
}

/* Ask n random questions of min to min + spread - 1 words (one in ten
 * of min to min + long_spread - 1, when long_spread) from seed s, each at
 * every k, pruned and exhaustively; the work each way is summed into
 * pruned and all. */
static void random_questions(unsigned long s, int n, int min, int spread,
			     int long_spread, struct rank_cost *pruned,
			     struct rank_cost *all)
{
	static const int ks[] = {1, 3, 10, 20};
	struct qerr err = {0};
	struct idx *x;
	struct tok *t = tok_new(TOK_STEM);
	char q[4096];
	int i, j;

	assert_int_equal(idx_open(&x, path, &err), 0);
	seed = s;
	for (i = 0; i < n; i++) {
		text(q, min + (int)rnd(long_spread && i % 10 == 0 ? long_spread
								  : spread));
		for (j = 0; j < 4; j++)
			same_both_ways(x, t, q, ks[j], pruned, all);
	}
	tok_free(t);
	idx_close(x);
}

static void test_identical(void **state)
{
	struct rank_cost pruned = {0, 0, 0, 0, 0}, all = {0, 0, 0, 0, 0};

	(void)state;
	random_questions(99, 300, 1, 12, 60, &pruned, &all);
	/* pruning did its work: fewer postings decoded, fewer records
	 * scored than when every posting is */
	assert_true(pruned.postings < all.postings);
	assert_true(pruned.docs < all.docs / 2);
	assert_true(pruned.blocks > 0 && pruned.lists == all.lists);
}

/* Questions of 30 to 60 words keep a dozen lists or more essential:
 * they are taken a window of records at a time, and still rank exactly
 * as the exhaustive loop. */
static void test_windows(void **state)
{
	struct rank_cost pruned = {0, 0, 0, 0, 0}, all = {0, 0, 0, 0, 0};

	(void)state;
	random_questions(1234, 60, 30, 31, 0, &pruned, &all);
	assert_true(pruned.windows > 0);
	assert_true(pruned.docs < all.docs);
	assert_int_equal(all.windows, 0);
}

/* Block-max MaxScore skips the blocks that cannot hold a record of the
 * top: fewer postings decoded than one list holds, yet exactly the
 * exhaustive ranking. */
static void test_block_skips(void **state)
{
	static const int ks[] = {1, 3, 10, 20};
	struct rank_cost pruned = {0, 0, 0, 0, 0}, all = {0, 0, 0, 0, 0};
	struct qerr err = {0};
	struct idx *x;
	struct tok *t = tok_new(TOK_STEM);
	int j;

	(void)state;
	assert_int_equal(idx_open(&x, path2, &err), 0);
	assert_int_equal(idx_df(x, "alpha"), NSKEW);
	assert_int_equal(idx_df(x, "beta"), NSKEW);
	for (j = 0; j < 4; j++) {
		memset(&pruned, 0, sizeof(pruned));
		memset(&all, 0, sizeof(all));
		same_both_ways(x, t, "alpha beta", ks[j], &pruned, &all);
		assert_int_equal(all.postings, 2 * NSKEW);
		assert_true(pruned.postings < NSKEW / 4);
		assert_true(pruned.docs < NHIGH + 50);
	}
	tok_free(t);
	idx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_block_skips),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
