/* test_ingest.c - the build, update and rebuild policy (index/ingest.h).
 *
 * What a build did comes back in struct ingest_summary, warnings and
 * progress go to the callbacks, and nothing is written to stderr or
 * stdout: library code never prints.  Each test works in a fresh
 * directory of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../index/ingest.h"
#include "../../index/sources.h"

static char dir[64];
static char docs_dir[96]; /* dir/docs, where the documents are */

/* What the callbacks heard. */
struct heard {
	char warn[4096]; /* the warnings, one a line */
	int nwarn;
	int nprogress, nfinal;
	long last_records, last_files;
};

static void on_warn(void *ctx, const char *msg)
{
	struct heard *h = ctx;
	size_t n = strlen(h->warn);

	snprintf(h->warn + n, sizeof(h->warn) - n, "%s\n", msg);
	h->nwarn++;
}

static void on_progress(void *ctx, const struct ingest_progress *p,
			int final)
{
	struct heard *h = ctx;

	assert_true(p->records >= h->last_records);
	assert_true(p->seconds >= 0);
	h->last_records = p->records;
	h->last_files = p->files;
	h->nprogress++;
	h->nfinal += final;
}

/* stdout and stderr go to a file while the library works; quiet_end
 * says how many bytes were written there (none, if nothing printed). */
static int saved_out = -1, saved_err = -1;
static char sink[96];

static void quiet_begin(void)
{
	int fd;

	snprintf(sink, sizeof(sink), "%s/printed", dir);
	fd = open(sink, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	assert_true(saved_out >= 0 && saved_err >= 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
}

static long quiet_end(void)
{
	struct stat sb;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	assert_int_equal(stat(sink, &sb), 0);
	unlink(sink);
	return (long)sb.st_size;
}

/* dir/name, in one of four buffers that calls take in turn. */
static char *at(const char *name)
{
	static char path[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static void put(const char *name, const char *text)
{
	FILE *fp = fopen(at(name), "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/quarry-ingest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(docs_dir, sizeof(docs_dir), "%s/docs", dir);
	return mkdir(docs_dir, 0755);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char two_qa[] = "1. what is dropout\nAns: randomly zeroing "
			     "units\n\n2. what is a gan\nAns: two networks "
			     "competing\n";

/* A build counts what it read, warns through the callback about the
 * empty file it skipped, and prints nothing. */
static void test_build(void **state)
{
	struct heard h = {0};
	struct ingest_cb cb = {on_warn, NULL, &h, NULL, 0, 0};
	struct ingest_summary sum;
	struct qerr err = {0};
	char *docs = docs_dir;
	struct idx *x;
	int rc;

	(void)state;
	put("docs/a.txt", two_qa);
	put("docs/b.jsonl", "{\"question\":\"what is pca\",\"answer\":\"a "
			    "projection\"}\n");
	put("docs/empty.txt", "");
	memset(&sum, 0xff, sizeof(sum));
	quiet_begin();
	rc = ingest_build(at("sub/dir/i.db"), &docs, 1, &cb, &sum, &err);
	assert_int_equal(quiet_end(), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(sum.updated, 0);
	assert_int_equal(sum.records, 3);
	assert_int_equal(sum.paths, 1);
	assert_int_equal(h.nwarn, 1);
	assert_non_null(strstr(h.warn, "empty.txt: empty file, skipped"));
	assert_int_equal(idx_open(&x, at("sub/dir/i.db"), &err), 0);
	assert_int_equal(idx_ndocs(x), 3);
	idx_close(x);
}

/* An update reads only what changed, drops what is gone, and says so in
 * the summary; a second one finds nothing to do. */
static void test_update(void **state)
{
	struct heard h = {0};
	struct ingest_cb cb = {on_warn, NULL, &h, NULL, 0, 0};
	struct ingest_summary sum;
	struct qerr err = {0};
	char *docs = docs_dir;
	struct idx *x;

	(void)state;
	put("docs/a.txt", two_qa);
	put("docs/b.txt", "1. what is pca\nAns: a projection\n");
	put("docs/c.txt", "1. what is svd\nAns: a factorization\n");
	assert_int_equal(ingest_build(at("i.db"), &docs, 1, &cb, NULL, &err), 0);
	put("docs/a.txt", "1. what is dropout\nAns: randomly zeroing units "
			  "while training\n");
	unlink(at("docs/b.txt"));
	put("docs/d.txt", "1. what is lstm\nAns: a recurrent cell\n\n"
			  "2. what is rnn\nAns: a recurrent network\n");
	quiet_begin();
	assert_int_equal(ingest_update(at("i.db"), &docs, 1, &cb, &sum, &err),
			 0);
	assert_int_equal(quiet_end(), 0);
	assert_int_equal(sum.updated, 1);
	assert_int_equal(sum.files, 2);     /* a changed, d new */
	assert_int_equal(sum.records, 3);   /* read from a and d */
	assert_int_equal(sum.unchanged, 1); /* c */
	assert_int_equal(sum.removed, 1);   /* b */
	assert_int_equal(idx_open(&x, at("i.db"), &err), 0);
	assert_int_equal(idx_ndocs(x), 4);
	idx_close(x);

	assert_int_equal(ingest_update(at("i.db"), NULL, 0, &cb, &sum, &err),
			 0);
	assert_int_equal(sum.files, 0);
	assert_int_equal(sum.unchanged, 3);
	assert_int_equal(sum.removed, 0);
	assert_int_equal(h.nwarn, 0);
}

/* An update that would drop every file and add none is refused and
 * changes nothing; without an index and without paths there is nothing
 * to update. */
static void test_update_refused(void **state)
{
	struct ingest_summary sum = {0};
	struct qerr err = {0};
	char *docs = docs_dir;
	struct idx *x;

	(void)state;
	put("docs/a.txt", two_qa);
	assert_int_equal(ingest_build(at("i.db"), &docs, 1, NULL, NULL, &err),
			 0);
	unlink(at("docs/a.txt"));
	assert_int_equal(ingest_update(at("i.db"), NULL, 0, NULL, &sum, &err),
			 QERR_IO);
	assert_non_null(strstr(err.msg, "update would drop all 1 files"));
	assert_int_equal(idx_open(&x, at("i.db"), &err), 0);
	assert_int_equal(idx_ndocs(x), 2);
	idx_close(x);
	qerr_clear(&err);
	assert_int_equal(ingest_update(at("none.db"), NULL, 0, NULL, &sum,
				       &err),
			 QERR_USAGE);
	assert_non_null(strstr(err.msg, "does not exist"));
}

/* A rebuild reads the recorded files again and leaves out, with a
 * warning naming it, the one that is gone. */
static void test_rebuild(void **state)
{
	struct heard h = {0};
	struct ingest_cb cb = {on_warn, NULL, &h, NULL, 0, 0};
	struct ingest_summary sum = {0};
	struct qerr err = {0};
	char *docs = docs_dir;

	(void)state;
	put("docs/a.txt", two_qa);
	put("docs/b.txt", "1. what is pca\nAns: a projection\n");
	assert_int_equal(ingest_build(at("i.db"), &docs, 1, NULL, NULL, &err),
			 0);
	unlink(at("docs/b.txt"));
	quiet_begin();
	assert_int_equal(ingest_rebuild(at("i.db"), &cb, &sum, &err), 0);
	assert_int_equal(quiet_end(), 0);
	assert_int_equal(sum.records, 2);
	assert_int_equal(sum.paths, 1);
	assert_int_equal(h.nwarn, 1);
	assert_non_null(strstr(h.warn, "b.txt was indexed but is gone; left "
				       "out of the rebuild"));
}

/* Progress every 1024 records and once at the end, with the counts. */
static void test_progress(void **state)
{
	struct heard h = {0};
	struct ingest_cb cb = {on_warn, on_progress, &h, NULL, 0, 0};
	struct qerr err = {0};
	char file_path[160], *file = file_path;
	FILE *fp;
	int i;

	(void)state;
	snprintf(file_path, sizeof(file_path), "%s/docs/many.jsonl", dir);
	fp = fopen(file, "wb");
	assert_non_null(fp);
	for (i = 0; i < 2100; i++)
		fprintf(fp, "{\"question\":\"question %d\",\"answer\":\"a%d\"}\n",
			i, i);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(ingest_build(at("i.db"), &file, 1, &cb, NULL, &err),
			 0);
	/* 1024, 2048, the file read, final */
	assert_int_equal(h.nprogress, 4);
	assert_int_equal(h.nfinal, 1);
	assert_int_equal(h.last_records, 2100);
	assert_int_equal(h.last_files, 1);
}

/* More reader warnings than INGEST_MAX_WARN: the first ones, then one
 * line counting the rest. */
static void test_warning_cap(void **state)
{
	struct heard h = {0};
	struct ingest_cb cb = {on_warn, NULL, &h, NULL, 0, 0};
	struct qerr err = {0};
	char *docs = docs_dir;
	char name[32];
	int i;

	(void)state;
	put("docs/a.txt", two_qa);
	for (i = 0; i < INGEST_MAX_WARN + 5; i++) {
		snprintf(name, sizeof(name), "docs/e%02d.txt", i);
		put(name, "");
	}
	assert_int_equal(ingest_build(at("i.db"), &docs, 1, &cb, NULL, &err), 0);
	assert_int_equal(h.nwarn, INGEST_MAX_WARN + 1);
	assert_non_null(strstr(h.warn, "5 more warnings like these not shown"));
}

/* The default index is built from the embedded corpus when missing, and
 * a changed source is reported by src_changed, not printed. */
static void test_open_default(void **state)
{
	struct heard h = {0};
	struct ingest_cb cb = {on_warn, NULL, &h, NULL, 0, 0};
	struct qerr err = {0};
	struct idx *x = NULL;

	(void)state;
	quiet_begin();
	assert_int_equal(ingest_open(at("cache/index.db"), 1, &cb, &x, &err),
			 0);
	assert_int_equal(quiet_end(), 0);
	assert_non_null(x);
	assert_int_equal(idx_ndocs(x), 90);
	assert_non_null(idx_meta(x, "bundled_hash"));
	idx_close(x);
	assert_int_equal(h.nwarn, 0);
	/* Not the default: a missing index is an error, not a build. */
	assert_int_equal(ingest_open(at("other.db"), 0, &cb, &x, &err), QERR_IO);
	assert_null(x);
}

static int nchanged;
static enum src_state last_state;

static void count_changed(void *ctx, const char *path, enum src_state st)
{
	(void)ctx;
	(void)path;
	nchanged++;
	last_state = st;
}

static void test_src_changed(void **state)
{
	struct qerr err = {0};
	char *docs = docs_dir;
	struct idx *x;

	(void)state;
	put("docs/a.txt", two_qa);
	put("docs/b.txt", "1. what is pca\nAns: a projection\n");
	assert_int_equal(ingest_build(at("i.db"), &docs, 1, NULL, NULL, &err),
			 0);
	assert_int_equal(idx_open(&x, at("i.db"), &err), 0);
	nchanged = 0;
	assert_int_equal(src_changed(x, count_changed, NULL, &err), 0);
	assert_int_equal(nchanged, 0);
	unlink(at("docs/b.txt"));
	assert_int_equal(src_changed(x, count_changed, NULL, &err), 0);
	assert_int_equal(nchanged, 1);
	assert_int_equal(last_state, SRC_GONE);
	put("docs/a.txt", "1. what is dropout\nAns: something else\n");
	nchanged = 0;
	assert_int_equal(src_changed(x, count_changed, NULL, &err), 0);
	assert_int_equal(nchanged, 2);
	idx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rebuild, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warning_cap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_default, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_src_changed, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
