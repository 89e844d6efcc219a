/* test_cursor.c - the index hides deleted records from ranking: a cursor
 * opened with idx_cursor_open never stops on a record an update deleted
 * (next and seek alike), while idx_cursor_init still reads every posting
 * of the blob; and the bound such a cursor reports is the blob's largest
 * block bound scaled for today's average lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../index/idx.h"

static char dir[] = "/tmp/quarry-test-cursor-XXXXXX";
static char path[200];

/* Records of a.txt (doc ids 0..299) and b.txt (300..599); every one has
 * "shared", so its postings span both files. */
#define PER_FILE 300

static void add_file(struct idx_build *b, const char *name, int n, int len)
{
	char id[32], q[64], a[4096];
	int i, j;

	assert_int_equal(idx_build_source(b, name, 1, 1, "h", 0), 0);
	for (i = 0; i < n; i++) {
		char *w = a;

		snprintf(id, sizeof(id), "%s-%d", name, i);
		snprintf(q, sizeof(q), "question shared k%d", i % 17);
		w += sprintf(w, "answer shared");
		for (j = 0; j < len; j++)
			w += sprintf(w, " filler%d", (i + j) % 50);
		assert_int_equal(idx_build_add(b, id, q, a, i + 1), 0);
	}
}

static int setup(void **state)
{
	struct idx_build *b;
	struct qerr err = {0};

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/c.db", dir);
	if (idx_build_begin(&b, path, &err) != 0)
		return -1;
	add_file(b, "a.txt", PER_FILE, 2);
	add_file(b, "b.txt", PER_FILE, 2);
	if (idx_build_commit(b, &err) != 0)
		return -1;
	/* Drop a.txt and add long records: the base segment's bounds were
	 * computed at a shorter average answer length than today's. */
	if (idx_update_begin(&b, path, &err) != 0)
		return -1;
	if (idx_update_remove(b, "a.txt") != 0)
		return -1;
	add_file(b, "c.txt", 40, 200);
	return idx_update_commit(b, &err) != 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void postings(struct idx *x, const char *term, long *df,
		     const unsigned char **data, size_t *len)
{
	struct qerr err = {0};

	assert_int_equal(idx_postings(x, term, df, data, len, &err), 0);
	assert_true(*df > 0);
}

static void test_next_skips_deleted(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	struct idx_cursor raw, live;
	const unsigned char *data;
	size_t len;
	long df, nraw = 0, nlive = 0, nseg, ndel;

	(void)state;
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_segment_stats(x, &nseg, &ndel), 0);
	assert_int_equal(ndel, PER_FILE);
	postings(x, "share", &df, &data, &len);
	/* the blob still lists a.txt's records ... */
	idx_cursor_init(&raw, data, len);
	while (idx_cursor_next(&raw)) {
		if (raw.docid < PER_FILE)
			nraw++;
	}
	assert_false(raw.bad);
	assert_int_equal(nraw, PER_FILE);
	/* ... which the ranking cursor never shows: it reads df postings,
	 * all of b.txt and c.txt */
	idx_cursor_open(x, &live, data, len);
	while (idx_cursor_next(&live)) {
		assert_true(live.docid >= PER_FILE);
		nlive++;
	}
	assert_false(live.bad);
	assert_int_equal(nlive, df);
	assert_int_equal(df, PER_FILE + 40);
	idx_close(x);
}

static void test_seek_skips_deleted(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	struct idx_cursor c;
	const unsigned char *data;
	size_t len;
	long df;

	(void)state;
	assert_int_equal(idx_open(&x, path, &err), 0);
	postings(x, "share", &df, &data, &len);
	/* a seek to a deleted record lands on the first live one after */
	idx_cursor_open(x, &c, data, len);
	assert_true(idx_cursor_seek(&c, 5));
	assert_int_equal(c.docid, PER_FILE);
	/* from the start, the first posting is the first live record */
	idx_cursor_open(x, &c, data, len);
	assert_true(idx_cursor_next(&c));
	assert_int_equal(c.docid, PER_FILE);
	/* the raw cursor stops on the deleted record */
	idx_cursor_init(&c, data, len);
	assert_true(idx_cursor_seek(&c, 5));
	assert_int_equal(c.docid, 5);
	idx_close(x);
}

static void test_bound_scaled(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	struct idx_cursor raw, live;
	const unsigned char *data;
	size_t len;
	long df;
	double m;

	(void)state;
	assert_int_equal(idx_open(&x, path, &err), 0);
	postings(x, "share", &df, &data, &len);
	m = idx_postings_max(data, len);
	assert_true(m > 0.0);
	idx_cursor_init(&raw, data, len);
	assert_true(idx_cursor_bound(&raw) == m);
	/* the long records raised the average answer length well above the
	 * one the base segment was bounded at */
	idx_cursor_open(x, &live, data, len);
	assert_true(idx_cursor_bound(&live) > 1.5 * m);
	idx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_skips_deleted),
		cmocka_unit_test(test_seek_skips_deleted),
		cmocka_unit_test(test_bound_scaled),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
