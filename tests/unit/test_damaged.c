/* test_damaged.c - the index reader's sticky error and its checks of the
 * numbers it reads: lookups that return 0 for "absent" leave a failure
 * in idx_status, a damaged file is QERR_DATA "index is damaged: ...",
 * and postings cursors stop (bad) instead of overflowing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"

static char dir[] = "/tmp/quarry-test-damaged-XXXXXX";
static char good[256], path[256];

static const char *const Q[] = {
	"What is dropout?", "What is backpropagation?",
	"Explain batch normalization.", "What is dropout used for?",
};
static const char *const A[] = {
	"Dropout ignores random neurons during training.",
	"Backpropagation computes the gradient of the loss.",
	"Batch normalization normalizes layer inputs.",
	"Dropout reduces overfitting.",
};

static int setup(void **state)
{
	struct idx_build *b;
	struct qerr err = {0};
	char id[16];
	int i;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(good, sizeof(good), "%s/good.db", dir);
	snprintf(path, sizeof(path), "%s/bad.db", dir);
	if (idx_build_begin(&b, good, &err) != 0 ||
	    idx_build_source(b, "t.txt", 1, 2, "h", 0) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "%d", i + 1);
		if (idx_build_add(b, id, Q[i], A[i], i + 1) != 0)
			return -1;
	}
	return idx_build_commit(b, &err);
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A copy of the good index at path, changed by sql. */
static void tamper(const char *sql)
{
	char cmd[600];
	sqlite3 *db = NULL;

	snprintf(cmd, sizeof(cmd), "cp %s %s", good, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void assert_damaged(const struct qerr *err)
{
	assert_int_equal(err->code, QERR_DATA);
	assert_non_null(strstr(err->msg, "index is damaged: "));
}

/* A df beyond the record count: idx_df reads 0, as for an absent term,
 * but idx_status tells them apart; the next read fails alike until
 * idx_pause; other terms read again after it. */
static void test_df_sticky(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	const unsigned char *data;
	size_t len;
	long df;

	(void)state;
	tamper("UPDATE vocab SET df = 1000 WHERE term = 'dropout'");
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(idx_df(x, "nosuchterm"), 0);
	assert_int_equal(idx_status(x, &err), 0);
	assert_int_equal(idx_df(x, "dropout"), 0);
	assert_int_equal(idx_status(x, &err), QERR_DATA);
	assert_damaged(&err);
	qerr_clear(&err);
	assert_int_equal(idx_postings(x, "backpropag", &df, &data, &len, &err),
			 QERR_DATA);
	assert_damaged(&err);
	idx_pause(x);
	assert_int_equal(idx_status(x, NULL), 0);
	assert_int_equal(idx_df(x, "backpropag"), 1);
	idx_close(x);
}

/* A norms row of the wrong size does not reach a question: postings
 * carry the lengths they are scored with (only an update that rewrites
 * the records' postings reads the row, and reports it). */
static void test_norms_size(void **state)
{
	struct idx *x;
	struct qerr err = {0};
	struct tok *t = tok_new(TOK_STEM);
	struct rank_query q;
	struct rank_params p;
	struct rank_hit hits[4];
	int n;

	(void)state;
	assert_non_null(t);
	tamper("UPDATE norms SET data = substr(data, 1, 3)");
	assert_int_equal(idx_open(&x, path, &err), 0);
	assert_int_equal(rank_parse(x, t, "what is dropout", &q, &err), 0);
	rank_defaults(&p);
	assert_int_equal(rank_search(x, &q, &p, 4, hits, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(idx_status(x, NULL), 0);
	idx_close(x);
	tok_free(t);
}

/* Meta counts that would size allocations are refused at open. */
static void test_meta_counts(void **state)
{
	static const char *const sql[] = {
		"UPDATE meta SET value = '9223372036854775807' WHERE key = 'maxdoc'",
		"UPDATE meta SET value = '-1' WHERE key = 'ndocs'",
		"UPDATE meta SET value = '3' WHERE key = 'ndocs'",
		"UPDATE meta SET value = '4x' WHERE key = 'maxdoc'",
		"UPDATE segments SET n = 1 << 40",
		"UPDATE segments SET ndel = 1 << 40",
		"UPDATE segments SET ndel = 1",
		"INSERT INTO dels VALUES(0, x'00ff')",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct idx *x = NULL;
		struct qerr err = {0};

		tamper(sql[i]);
		assert_int_equal(idx_open(&x, path, &err), QERR_DATA);
		assert_null(x);
		assert_damaged(&err);
	}
}

/* Doc id deltas that would overflow a long stop the cursor instead. */
static void test_cursor_overflow(void **state)
{
	/* count 2; one block: n 2, last 1, 16 body bytes, max_impact 0;
	 * postings (delta 2, tf 1, 0, norm 5) and (delta 2^63 - 1, tf 1,
	 * 0, norm 5) */
	static const unsigned char over[] = {
		0x02, 0x02, 0x01, 0x10, 0, 0, 0, 0,
		0x02, 0x01, 0x00, 0x05,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x00,
		0x05,
	};
	/* count 1; one block whose last doc is 2^64 - 1 */
	static const unsigned char last[] = {
		0x01, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x01, 0x04, 0, 0, 0, 0, 0x01, 0x01, 0x00, 0x05,
	};
	/* count 1; one block: n 1, last 0, 3 body bytes: (delta 1, tf 1, 0)
	 * lacks the norms byte its tf_q calls for */
	static const unsigned char short_norm[] = {
		0x01, 0x01, 0x00, 0x03, 0, 0, 0, 0, 0x01, 0x01, 0x00,
	};
	struct idx_cursor c;

	(void)state;
	idx_cursor_init(&c, over, sizeof(over));
	assert_int_equal(idx_cursor_next(&c), 1);
	assert_int_equal(c.docid, 1);
	assert_int_equal(c.norm[0], 5);
	assert_int_equal(idx_cursor_next(&c), 0);
	assert_int_equal(c.bad, 1);
	idx_cursor_init(&c, last, sizeof(last));
	assert_int_equal(idx_cursor_seek(&c, LONG_MAX - 1), 0);
	assert_int_equal(c.bad, 1);
	idx_cursor_init(&c, short_norm, sizeof(short_norm));
	assert_int_equal(idx_cursor_next(&c), 0);
	assert_int_equal(c.bad, 1);
	/* an empty blob, as SQLite returns it (NULL), reads as no postings */
	idx_cursor_init(&c, NULL, 0);
	assert_int_equal(idx_cursor_next(&c), 0);
	assert_int_equal(c.bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_df_sticky),
		cmocka_unit_test(test_norms_size),
		cmocka_unit_test(test_meta_counts),
		cmocka_unit_test(test_cursor_overflow),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
