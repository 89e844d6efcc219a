/* test_sources.c - what the corpus reader says about a file it read
 * (index/corpus.c: corpus_read_file's on_file, corpus_file_info).
 *
 * The size, mtime and hash an index records must describe the bytes that
 * were parsed, taken from the descriptor they were read through: a file
 * replaced or grown while it is read is described as it was read, never
 * as the file found afterwards.  The replacement happens inside the
 * reader's own callbacks, so the interleaving is fixed.  Special files
 * are refused at once instead of blocking the open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../index/corpus.h"
#include "../../util/strmap.h"

struct seen {
	char dir[64];
	const char *path;     /* the file being read */
	const char *replace;  /* content to rename over it, or NULL */
	const char *append;   /* content to append to it, or NULL */
	int acted, nfiles;
	long nrecs;
	struct corpus_file info;
};

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* Rename a new file with other content over s->path, or append to it:
 * the reader holds the old descriptor. */
static void act(struct seen *s)
{
	char tmp[128];
	FILE *fp;

	if (s->acted++)
		return;
	if (s->replace) {
		snprintf(tmp, sizeof(tmp), "%s/new", s->dir);
		put_file(tmp, s->replace);
		assert_int_equal(rename(tmp, s->path), 0);
	}
	if (s->append) {
		fp = fopen(s->path, "ab");
		assert_non_null(fp);
		fputs(s->append, fp);
		assert_int_equal(fclose(fp), 0);
	}
}

static int on_rec(void *ctx, const struct corpus_rec *r)
{
	struct seen *s = ctx;

	(void)r;
	s->nrecs++;
	act(s);
	return 0;
}

/* A warning comes after the file was read and before its first record. */
static void on_warn(void *ctx, const char *msg)
{
	(void)msg;
	act(ctx);
}

static int on_file(void *ctx, const char *path, const struct corpus_file *f)
{
	struct seen *s = ctx;

	(void)path;
	s->nfiles++;
	s->info = *f;
	return 0;
}

static void hash_of(const char *text, size_t n, char out[17])
{
	snprintf(out, 17, "%016llx",
		 (unsigned long long)str_hash_more(STR_HASH_INIT, text, n));
}

static long long mtime_ns(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
}

static void setup_dir(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/quarry-src.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
}

static void cleanup_dir(struct seen *s, const char *file)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", s->dir, file);
	unlink(p);
	rmdir(s->dir);
}

/* Read path with every callback, checking the status. */
static void read_it(struct seen *s, const char *path, int want_rc)
{
	struct corpus_reader r = {.on_rec = on_rec, .on_warn = on_warn, .ctx = s,
				  .on_file = on_file};
	struct qerr err;
	long n = 0;

	qerr_clear(&err);
	s->path = path;
	assert_int_equal(corpus_read_file(&r, path, &n, &err), want_rc);
}

/* A text file (read whole) replaced after it was read, before its first
 * record: recorded as the old bytes with the old mtime. */
static void test_replaced_while_read(void **state)
{
	const char *old = "1. What is a widget?\nAns: A small \xff gadget.\n";
	const char *new = "1. What is a widget?\nAns: Something else entirely now.\n";
	struct seen s;
	char path[128], want[17];
	long long m;

	(void)state;
	setup_dir(&s);
	snprintf(path, sizeof(path), "%s/a.txt", s.dir);
	put_file(path, old);
	m = mtime_ns(path);
	s.replace = new;
	read_it(&s, path, 0);
	assert_true(s.acted > 0);
	assert_int_equal(s.nfiles, 1);
	hash_of(old, strlen(old), want);
	assert_string_equal(s.info.hash, want);
	assert_int_equal(s.info.size, (long long)strlen(old));
	assert_true(s.info.mtime_ns == m);
	/* and what is there now is another file */
	hash_of(new, strlen(new), want);
	{
		struct corpus_file now;
		struct qerr err;

		qerr_clear(&err);
		assert_int_equal(corpus_file_info(path, &now, &err), 0);
		assert_string_equal(now.hash, want);
		assert_int_equal(now.size, (long long)strlen(new));
	}
	cleanup_dir(&s, "a.txt");
}

/* A JSON Lines file (streamed) replaced at its first record: the rest is
 * read from the old file, and described as such. */
static void test_stream_replaced(void **state)
{
	struct seen s;
	char path[128], want[17], *old;
	size_t cap = 300000, n = 0;
	long i;
	long long m;

	(void)state;
	setup_dir(&s);
	snprintf(path, sizeof(path), "%s/a.jsonl", s.dir);
	old = malloc(cap);
	assert_non_null(old);
	for (i = 0; n + 100 < cap; i++)
		n += (size_t)snprintf(old + n, cap - n, "{\"question\": \"What is "
				      "thing %ld?\", \"answer\": \"It is %ld.\"}\n",
				      i, i);
	put_file(path, old);
	m = mtime_ns(path);
	s.replace = "{\"question\": \"What is new?\", \"answer\": \"New.\"}\n";
	read_it(&s, path, 0);
	assert_int_equal(s.nrecs, i);
	hash_of(old, n, want);
	assert_string_equal(s.info.hash, want);
	assert_int_equal(s.info.size, (long long)n);
	assert_true(s.info.mtime_ns == m);
	free(old);
	cleanup_dir(&s, "a.jsonl");
}

/* A file that grows while it is read is read as it was at open. */
static void test_grows_while_read(void **state)
{
	struct seen s;
	char path[128], want[17], *old;
	size_t cap = 300000, n = 0;
	long i;

	(void)state;
	setup_dir(&s);
	snprintf(path, sizeof(path), "%s/a.jsonl", s.dir);
	old = malloc(cap);
	assert_non_null(old);
	for (i = 0; n + 100 < cap; i++)
		n += (size_t)snprintf(old + n, cap - n, "{\"question\": \"What is "
				      "thing %ld?\", \"answer\": \"It is %ld.\"}\n",
				      i, i);
	put_file(path, old);
	s.append = "{\"question\": \"What came later?\", \"answer\": \"Later.\"}\n";
	read_it(&s, path, 0);
	assert_int_equal(s.nrecs, i);
	hash_of(old, n, want);
	assert_string_equal(s.info.hash, want);
	assert_int_equal(s.info.size, (long long)n);
	free(old);
	cleanup_dir(&s, "a.jsonl");
}

/* A FIFO with no writer is refused at once, by both entry points. */
static void test_fifo_refused(void **state)
{
	struct corpus_file f;
	struct qerr err;
	struct seen s;
	char path[128];

	(void)state;
	setup_dir(&s);
	snprintf(path, sizeof(path), "%s/f.txt", s.dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	read_it(&s, path, QERR_IO);
	qerr_clear(&err);
	assert_int_equal(corpus_file_info(path, &f, &err), QERR_IO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	assert_int_equal(s.nfiles, 0);
	cleanup_dir(&s, "f.txt");
}

/* Nothing is described for a file that gave no records. */
static void test_no_info_without_records(void **state)
{
	struct seen s;
	char path[128];

	(void)state;
	setup_dir(&s);
	snprintf(path, sizeof(path), "%s/a.txt", s.dir);
	put_file(path, " \n\t\n");
	read_it(&s, path, QERR_DATA);
	assert_int_equal(s.nfiles, 0);
	cleanup_dir(&s, "a.txt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replaced_while_read),
		cmocka_unit_test(test_stream_replaced),
		cmocka_unit_test(test_grows_while_read),
		cmocka_unit_test(test_fifo_refused),
		cmocka_unit_test(test_no_info_without_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
