/* ftsquery.c - top-10 questions against an ftsload table, timed in process.
 *
 * usage: ftsquery [-o TIMES] DB QUESTIONS    latency over every question
 *        ftsquery -1 DB QUESTION...          answer one question (for
 *                                            qtime -e, end to end)
 *
 * A question becomes what `quarry eval` asks FTS5 (cli/eval_fts5.c,
 * fts_expr): its words, each a quoted FTS5 string, joined by OR, a word
 * being a run of ASCII letters, digits and bytes >= 0x80 (so no quote to
 * escape).  Then
 *   SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 10
 * and, like quarry answering, the 10 records' id, question and answer by
 * rowid.  Both statements are prepared once; the first 10 questions are
 * asked once untimed before the timed pass.
 *
 * Prints the summary line of lat.h (or, with -1, "id<TAB>question" per
 * result).  -o TIMES writes "MS<TAB>QUESTION" per question.  Exit status
 * 0, or 1 with a message. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <sqlite3.h>
#include <unistd.h>

#include "lat.h"

#define TOP 10
#define WARMUP 10

struct fq {
	sqlite3 *db;
	sqlite3_stmt *sel, *get;
	char *expr;
	size_t cap;
};

static void die_db(sqlite3 *db, const char *what)
{
	fprintf(stderr, "ftsquery: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static int word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* The FTS5 expression for text into f->expr ("" when it has no words). */
static void make_expr(struct fq *f, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = 0, need = 6 * strlen(text) + 1;

	if (need > f->cap) {
		f->cap = need;
		if ((f->expr = realloc(f->expr, need)) == NULL) {
			fprintf(stderr, "ftsquery: out of memory\n");
			exit(1);
		}
	}
	/* Worst case: one-byte words one separator apart, ` OR "x"` = 7
	 * bytes per 2 input bytes.  A '"' never is a word byte, so none needs
	 * doubling. */
	while (*s) {
		if (!word_byte(*s)) {
			s++;
			continue;
		}
		if (n) {
			memcpy(f->expr + n, " OR ", 4);
			n += 4;
		}
		f->expr[n++] = '"';
		for (; word_byte(*s); s++)
			f->expr[n++] = (char)*s;
		f->expr[n++] = '"';
	}
	f->expr[n] = '\0';
}

static void fq_open(struct fq *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		die_db(f->db, path);
	if (sqlite3_prepare_v2(f->db,
			       "SELECT rowid FROM f WHERE f MATCH ? "
			       "ORDER BY bm25(f) LIMIT 10",
			       -1, &f->sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db,
			       "SELECT id, question, answer FROM f "
			       "WHERE rowid = ?",
			       -1, &f->get, NULL) != SQLITE_OK)
		die_db(f->db, "prepare");
}

static void fq_close(struct fq *f)
{
	sqlite3_finalize(f->sel);
	sqlite3_finalize(f->get);
	sqlite3_close(f->db);
	free(f->expr);
}

/* Answer text; prints the results to out when it is not NULL. Returns the
 * number of results. */
static int ask(struct fq *f, const char *text, FILE *out)
{
	sqlite3_int64 ids[TOP];
	int n = 0, i, rc;

	make_expr(f, text);
	if (f->expr[0] == '\0')
		return 0;
	sqlite3_bind_text(f->sel, 1, f->expr, -1, SQLITE_STATIC);
	while (n < TOP && (rc = sqlite3_step(f->sel)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(f->sel, 0);
	if (n < TOP && rc != SQLITE_DONE)
		die_db(f->db, "match");
	sqlite3_reset(f->sel);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(f->get, 1, ids[i]);
		if (sqlite3_step(f->get) != SQLITE_ROW)
			die_db(f->db, "fetch");
		/* Touch the answer as quarry's reply does. */
		(void)sqlite3_column_bytes(f->get, 2);
		if (out != NULL)
			fprintf(out, "%s\t%s\n", sqlite3_column_text(f->get, 0),
				sqlite3_column_text(f->get, 1));
		sqlite3_reset(f->get);
	}
	return n;
}

static void usage(void)
{
	fprintf(stderr, "usage: ftsquery [-o TIMES] DB QUESTIONS\n"
			"       ftsquery -1 DB QUESTION...\n");
	exit(1);
}

/* -1: answer the words after DB as one question. */
static int one(int argc, char **argv)
{
	struct fq f;
	char *q;
	size_t len = 1;
	int i, n;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((q = calloc(1, len)) == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strcat(q, " ");
		strcat(q, argv[i]);
	}
	fq_open(&f, argv[0]);
	n = ask(&f, q, stdout);
	fq_close(&f);
	free(q);
	if (fflush(stdout) != 0)
		return 1;
	return n > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *times = NULL;
	struct lines q;
	struct fq f;
	double *ms;
	size_t i;
	int c, single = 0;

	while ((c = getopt(argc, argv, "+1o:")) != -1) {
		if (c == '1')
			single = 1;
		else if (c == 'o')
			times = optarg;
		else
			usage();
	}
	if (single)
		return optind + 2 <= argc ? one(argc - optind, argv + optind)
					  : (usage(), 1);
	if (optind + 2 != argc)
		usage();
	if (lines_read(&q, argv[optind + 1]) != 0) {
		fprintf(stderr, "ftsquery: %s: %s\n", argv[optind + 1],
			strerror(errno));
		return 1;
	}
	if ((ms = calloc(q.n ? q.n : 1, sizeof(*ms))) == NULL)
		return 1;
	fq_open(&f, argv[optind]);
	for (i = 0; i < q.n && i < WARMUP; i++)
		ask(&f, q.v[i], NULL);
	for (i = 0; i < q.n; i++) {
		double t0 = lat_now_ms();

		ask(&f, q.v[i], NULL);
		ms[i] = lat_now_ms() - t0;
	}
	fq_close(&f);
	if (times != NULL) {
		FILE *fp = fopen(times, "w");

		if (fp == NULL) {
			fprintf(stderr, "ftsquery: %s: %s\n", times,
				strerror(errno));
			return 1;
		}
		for (i = 0; i < q.n; i++)
			fprintf(fp, "%.3f\t%s\n", ms[i], q.v[i]);
		fclose(fp);
	}
	lat_print(stdout, ms, q.n);
	free(ms);
	lines_free(&q);
	return fflush(stdout) == 0 ? 0 : 1;
}
