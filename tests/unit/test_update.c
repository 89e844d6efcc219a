/* test_update.c - updating an index in place gives what a full build of
 * the same records gives: the same statistics, the same scores for every
 * query (pruned or exhaustive), after removals, replacements, additions,
 * dropped and merged segments; an aborted update changes nothing; an
 * open reader picks the update up after idx_pause. */
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

#include <sqlite3.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"

static char dir[] = "/tmp/quarry-test-update-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A file of the test corpus: name, version (its content), size. */
struct file {
	int name, version, n;
};

/* Record i of file f: words shared across files (w*), words of the file
 * (f*), words of the version (v*), so that removing or replacing a file
 * changes document frequencies everywhere. */
static void record(const struct file *f, int i, char *id, char *q, char *a)
{
	int s = f->name * 31 + f->version * 7 + i;

	sprintf(id, "f%d-%d", f->name, i);
	sprintf(q, "question w%d w%d f%d common", s % 7, s % 23, f->name);
	sprintf(a, "answer w%d w%d v%d f%d w%d %s", s % 13, s % 101, f->version,
		f->name, i, i % 3 ? "common common" : "rare");
}

static void add_file(struct idx_build *b, const struct file *f)
{
	char src[32], id[32], q[128], a[160];
	int i;

	sprintf(src, "f%d.txt", f->name);
	assert_int_equal(idx_build_source(b, src, f->n, f->version, "h", 0), 0);
	for (i = 0; i < f->n; i++) {
		record(f, i, id, q, a);
		assert_int_equal(idx_build_add(b, id, q, a, i + 1), 0);
	}
}

static void full_build(const char *path, const struct file *fs, int n)
{
	struct idx_build *b;
	struct qerr err = {0};
	int i;

	assert_int_equal(idx_build_begin(&b, path, &err), 0);
	for (i = 0; i < n; i++)
		add_file(b, &fs[i]);
	assert_int_equal(idx_build_commit(b, &err), 0);
}

/* Replace file f (or add it), removing file `drop` (-1: none). */
static void update(const char *path, const struct file *f, int drop)
{
	struct idx_build *b;
	struct qerr err = {0};
	char src[32];

	assert_int_equal(idx_update_begin(&b, path, &err), 0);
	if (drop >= 0) {
		sprintf(src, "f%d.txt", drop);
		assert_int_equal(idx_update_remove(b, src), 0);
	}
	if (f) {
		sprintf(src, "f%d.txt", f->name);
		assert_int_equal(idx_update_remove(b, src), 0);
		add_file(b, f);
	}
	assert_int_equal(idx_update_commit(b, &err), 0);
}

struct scored {
	char id[32];
	double score;
};

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The top k of query text, as (record id, score), in a canonical order. */
static int top(struct idx *x, const char *text, int exhaustive,
	       struct scored *out)
{
	struct tok *t = tok_new(TOK_STEM);
	struct qerr err = {0};
	struct rank_params p;
	struct rank_query rq;
	struct rank_hit hits[20];
	int n, i;

	rank_defaults(&p);
	p.exhaustive = exhaustive;
	assert_int_equal(rank_parse(x, t, text, &rq, &err), 0);
	assert_int_equal(rank_search(x, &rq, &p, 20, hits, &n, &err), 0);
	for (i = 0; i < n; i++) {
		struct idx_doc d;

		assert_int_equal(idx_get_doc(x, hits[i].doc, &d, &err), 0);
		snprintf(out[i].id, sizeof(out[i].id), "%s", d.ext_id);
		out[i].score = hits[i].score;
		idx_doc_clear(&d);
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_scored);
	tok_free(t);
	return n;
}

struct df_ctx {
	struct idx *other;
	long terms, mismatches;
};

static int same_df(void *ctx, const char *term, long df)
{
	struct df_ctx *c = ctx;

	c->terms++;
	if (idx_df(c->other, term) != df)
		c->mismatches++;
	return 0;
}

/* ---- vocabulary buckets ---- */

struct words {
	char (*t)[160];
	int n, cap;
	const char *prefix; /* for filtering a full scan */
};

static int add_word(struct words *w, const char *term)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->t = realloc(w->t, (size_t)w->cap * sizeof(*w->t));
		assert_non_null(w->t);
	}
	snprintf(w->t[w->n++], sizeof(w->t[0]), "%s", term);
	return 0;
}

static int on_scan(void *ctx, const char *term, long df)
{
	struct words *w = ctx;

	(void)df;
	if (strncmp(term, w->prefix, strlen(w->prefix)) == 0)
		add_word(w, term);
	return 0;
}

static int on_word(void *ctx, const char *term, size_t len)
{
	assert_int_equal(strlen(term), len);
	return add_word(ctx, term);
}

/* Are the buckets written for the index's current generation? */
static int buckets_current(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT (SELECT value FROM meta WHERE key = "
				   "'vbuckets') = (SELECT value FROM meta WHERE "
				   "key = 'generation')", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

/* idx_vocab_words gives, for every prefix of one, two and three bytes of
 * the vocabulary's terms (and some no term has), exactly the terms a
 * scan of vocab gives, in the same order. */
static void check_words(struct idx *x)
{
	static const char *const absent[] = {"q", "zz", "zzz", "\xc3\xa9t"};
	struct words all = {NULL, 0, 0, ""};
	int i, len;
	size_t a;

	idx_vocab_scan(x, "", on_scan, &all);
	assert_true(all.n > 0);
	for (i = 0; i < all.n + (int)(sizeof(absent) / sizeof(*absent)); i++)
		for (len = 1; len <= 3; len++) {
			struct words scan = {NULL, 0, 0, NULL};
			struct words got = {NULL, 0, 0, NULL};
			char prefix[8];
			int j;

			a = (size_t)(i - all.n);
			snprintf(prefix, sizeof(prefix), "%.*s", len,
				 i < all.n ? all.t[i] : absent[a]);
			if ((int)strlen(prefix) < len)
				continue;
			scan.prefix = prefix;
			idx_vocab_scan(x, prefix, on_scan, &scan);
			assert_int_equal(idx_vocab_words(x, prefix, on_word,
							 &got), 0);
			assert_int_equal(got.n, scan.n);
			for (j = 0; j < got.n; j++)
				assert_string_equal(got.t[j], scan.t[j]);
			free(scan.t);
			free(got.t);
		}
	free(all.t);
}

/* The updated index answers as the fresh one: statistics, vocabulary,
 * and the top 20 of many queries (the 20th place may differ only in
 * which of equal scores made it, so scores are compared everywhere and
 * ids where the score is not tied with the last). */
static void assert_same(const char *updated, const char *fresh)
{
	static const char *const queries[] = {
		"common", "rare", "question w3", "answer w5 w77", "f0 f1 f2",
		"v1 v2 v3 v4", "w1 w2 w3 w4 w5 w6", "f3 rare", "w12 common",
		"w100 w0 answer", "f7", "f12 v5",
	};
	struct idx *x, *y;
	struct qerr err = {0};
	struct df_ctx c = {0};
	struct scored a[20], b[20];
	size_t qi;
	int ex, n, m, i;

	assert_int_equal(idx_open(&x, updated, &err), 0);
	assert_int_equal(idx_open(&y, fresh, &err), 0);
	assert_int_equal(idx_ndocs(x), idx_ndocs(y));
	assert_true(fabs(idx_avglen(x, IDX_Q) - idx_avglen(y, IDX_Q)) < 1e-9);
	assert_true(fabs(idx_avglen(x, IDX_A) - idx_avglen(y, IDX_A)) < 1e-9);
	assert_int_equal(idx_nterms(x), idx_nterms(y));
	c.other = y;
	idx_vocab_scan(x, "", same_df, &c);
	assert_int_equal(c.mismatches, 0);
	assert_int_equal(c.terms, idx_nterms(y));
	assert_true(buckets_current(updated));
	check_words(x);
	check_words(y);
	for (qi = 0; qi < sizeof(queries) / sizeof(*queries); qi++)
		for (ex = 0; ex < 2; ex++) {
			n = top(x, queries[qi], ex, a);
			m = top(y, queries[qi], ex, b);
			assert_int_equal(n, m);
			for (i = 0; i < n; i++) {
				assert_true(fabs(a[i].score - b[i].score) <=
					    1e-9 * b[i].score);
				if (a[i].score > b[n - 1].score)
					assert_string_equal(a[i].id, b[i].id);
			}
		}
	idx_close(x);
	idx_close(y);
}

static void test_update_equals_rebuild(void **state)
{
	char p1[300], p2[300];
	struct file before[] = {{0, 1, 200}, {1, 1, 60}, {2, 1, 40}};
	struct file after[] = {{0, 1, 200}, {2, 1, 40}, {1, 2, 45}, {3, 1, 25}};

	(void)state;
	snprintf(p1, sizeof(p1), "%s/u.db", dir);
	snprintf(p2, sizeof(p2), "%s/f.db", dir);
	full_build(p1, before, 3);
	update(p1, &after[2], -1); /* f1 replaced by its version 2 */
	update(p1, &after[3], -1); /* f3 added */
	full_build(p2, after, 4);
	assert_same(p1, p2);
	/* removing a whole file of the base segment, adding nothing */
	update(p1, NULL, 0);
	full_build(p2, after + 1, 3);
	assert_same(p1, p2);
}

static void test_many_updates_merge(void **state)
{
	char p1[300], p2[300];
	struct file fs[40];
	long nseg = 0, ndel = 0;
	struct idx *x;
	struct qerr err = {0};
	int nf = 0, round;

	(void)state;
	snprintf(p1, sizeof(p1), "%s/m.db", dir);
	snprintf(p2, sizeof(p2), "%s/mf.db", dir);
	fs[nf++] = (struct file){0, 1, 150};
	fs[nf++] = (struct file){1, 1, 30};
	full_build(p1, fs, nf);
	for (round = 0; round < 14; round++) {
		/* a new file each round (its segment stays live) and the
		 * same file edited again (its old segment dies) */
		fs[nf] = (struct file){2 + round, 1, 5 + round};
		update(p1, &fs[nf], -1);
		nf++;
		fs[1].version++;
		update(p1, &fs[1], -1);
		if (round == 5 || round == 13) {
			struct file cur[40];
			int i, k = 0;

			/* the fresh build reads f1 where the update put it:
			 * last */
			for (i = 0; i < nf; i++)
				if (i != 1)
					cur[k++] = fs[i];
			cur[k++] = fs[1];
			full_build(p2, cur, k);
			assert_same(p1, p2);
		}
	}
	assert_int_equal(idx_open(&x, p1, &err), 0);
	assert_int_equal(idx_segment_stats(x, &nseg, &ndel), 0);
	assert_true(nseg <= 1 + IDX_MAX_SEGMENTS);
	assert_true(ndel > 0); /* f1's first version, in the base */
	idx_close(x);
}

static void test_abort_and_reader_refresh(void **state)
{
	char p[300];
	struct file fs[] = {{0, 1, 50}, {1, 1, 20}};
	struct file more = {5, 1, 10};
	struct idx_build *b;
	struct idx *x, *y;
	struct qerr err = {0};
	FILE *fp;
	long df, nseg, ndel;

	(void)state;
	snprintf(p, sizeof(p), "%s/a.db", dir);
	full_build(p, fs, 2);
	/* an aborted update leaves everything as it was */
	assert_int_equal(idx_update_begin(&b, p, &err), 0);
	assert_int_equal(idx_update_remove(b, "f0.txt"), 0);
	idx_build_abort(b);
	assert_int_equal(idx_open(&x, p, &err), 0);
	assert_int_equal(idx_ndocs(x), 70);
	/* an open reader sees the update once it paused, its caches of
	 * document frequencies and vocabulary buckets included */
	check_words(x);
	df = idx_df(x, "common");
	assert_true(df > 0);
	idx_pause(x);
	update(p, &more, 1);
	assert_int_equal(idx_open(&y, p, &err), 0);
	assert_int_equal(idx_df(x, "common"), idx_df(y, "common"));
	assert_true(idx_df(x, "common") != df);
	idx_close(y);
	check_words(x);
	assert_int_equal(idx_ndocs(x), 60);
	assert_int_equal(idx_maxdoc(x), 80);
	assert_int_equal(idx_segment_stats(x, &nseg, &ndel), 0);
	assert_int_equal(ndel, 20);
	idx_close(x);
	/* an update of a file that is not an index is refused */
	snprintf(p, sizeof(p), "%s/foreign.txt", dir);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("not an index, though long enough to be read as a header\n", fp);
	fclose(fp);
	assert_int_equal(idx_update_begin(&b, p, &err), QERR_DATA);
}

/* An index whose vocabulary changed without its buckets (as an older
 * quarry's update would leave it) is read through vocab, and the next
 * update writes the buckets anew. */
static void test_stale_buckets(void **state)
{
	char p[300];
	struct file fs[] = {{0, 1, 30}, {1, 1, 20}};
	struct file more = {4, 1, 10};
	struct words got = {NULL, 0, 0, NULL};
	struct qerr err = {0};
	struct idx *x;
	sqlite3 *db;

	(void)state;
	snprintf(p, sizeof(p), "%s/stale.db", dir);
	full_build(p, fs, 2);
	assert_true(buckets_current(p));
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = value + 1 "
				      "WHERE key = 'generation'; INSERT INTO "
				      "vocab VALUES('zzznew', 0, 1, 1)", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_false(buckets_current(p));
	assert_int_equal(idx_open(&x, p, &err), 0);
	assert_int_equal(idx_vocab_words(x, "zz", on_word, &got), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.t[0], "zzznew");
	check_words(x);
	idx_close(x);
	update(p, &more, -1);
	assert_true(buckets_current(p));
	assert_int_equal(idx_open(&x, p, &err), 0);
	check_words(x);
	idx_close(x);
	free(got.t);
}

/* Records added later can be much longer than the first ones, so the
 * base blocks' bounds were computed with averages that have grown since:
 * the reader scales them, and pruning still returns what exhaustive
 * scoring returns. */
static void test_bounds_after_growth(void **state)
{
	char p[300], id[32], q[64], a[1200];
	struct idx_build *b;
	struct qerr err = {0};
	struct idx *x;
	struct scored s1[20], s2[20];
	struct idx_cursor c;
	const unsigned char *data;
	size_t len;
	long df;
	int i, j, n, m, t;

	(void)state;
	snprintf(p, sizeof(p), "%s/g.db", dir);
	assert_int_equal(idx_build_begin(&b, p, &err), 0);
	assert_int_equal(idx_build_source(b, "short.txt", 1, 1, "h", 0), 0);
	for (i = 0; i < 400; i++) {
		sprintf(id, "s%d", i);
		sprintf(q, "%s k%d", i % 2 ? "apple" : "pear", i % 50);
		sprintf(a, "k%d%s", i % 40, i % 5 ? "" : " apple pear");
		assert_int_equal(idx_build_add(b, id, q, a, i + 1), 0);
	}
	assert_int_equal(idx_build_commit(b, &err), 0);
	assert_int_equal(idx_update_begin(&b, p, &err), 0);
	assert_int_equal(idx_build_source(b, "long.txt", 1, 1, "h", 0), 0);
	for (i = 0; i < 400; i++) {
		char *w = a;

		sprintf(id, "l%d", i);
		sprintf(q, "filler question %d", i);
		for (j = 0; j < 120; j++)
			w += sprintf(w, "z%d ", (i + j) % 300);
		if (i % 7 == 0)
			sprintf(w, "apple pear k%d", i % 50);
		assert_int_equal(idx_build_add(b, id, q, a, i + 1), 0);
	}
	assert_int_equal(idx_update_commit(b, &err), 0);
	assert_int_equal(idx_open(&x, p, &err), 0);
	/* the long records raised the average answer length: the first
	 * segment's bounds understate today's impacts, and the bound a
	 * cursor reports allows for that */
	assert_int_equal(idx_postings(x, "appl", &df, &data, &len, &err), 0);
	assert_true(df > 0);
	idx_cursor_open(x, &c, data, len);
	assert_true(idx_cursor_bound(&c) > 1.5 * idx_postings_max(data, len));
	for (t = 0; t < 50; t++) {
		sprintf(q, "apple pear k%d", t);
		n = top(x, q, 0, s1);
		m = top(x, q, 1, s2);
		assert_int_equal(n, m);
		for (i = 0; i < n; i++)
			assert_true(fabs(s1[i].score - s2[i].score) <=
				    1e-9 * s2[i].score);
	}
	idx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_equals_rebuild),
		cmocka_unit_test(test_stale_buckets),
		cmocka_unit_test(test_many_updates_merge),
		cmocka_unit_test(test_abort_and_reader_refresh),
		cmocka_unit_test(test_bounds_after_growth),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
