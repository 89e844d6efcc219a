/* ftsload.c - load quarry JSONL records into a new SQLite FTS5 table.
 *
 * usage: ftsload DB FILE.jsonl
 *
 * DB must not exist.  Creates
 *   f USING fts5(id UNINDEXED, question, answer,
 *                tokenize='porter unicode61')
 * and inserts {"id","question","answer"} of every line in one transaction
 * through one prepared statement, with the pragmas quarry's own builder
 * uses (journal_mode=OFF, synchronous=OFF) and FTS5's defaults otherwise
 * (no 'optimize' merge afterwards: the table as a plain load leaves it).
 * Prints "ftsload: N records" to stderr.  Exit status 0, or 1 with a
 * message. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char setup[] =
	"PRAGMA journal_mode=OFF;"
	"PRAGMA synchronous=OFF;"
	"CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, question, answer, "
	"tokenize='porter unicode61');"
	"BEGIN;";

static void die_db(sqlite3 *db, const char *what)
{
	fprintf(stderr, "ftsload: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* The string member key of o, or "" when absent or not a string. */
static const char *member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Insert one JSONL line; exits on error. */
static void add(sqlite3 *db, sqlite3_stmt *ins, const char *s, size_t n,
		const char *path, long lineno)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, 0, &je);

	if (!json_is_object(o)) {
		fprintf(stderr, "ftsload: %s:%ld: %s\n", path, lineno,
			o ? "not a JSON object" : je.text);
		exit(1);
	}
	sqlite3_bind_text(ins, 1, member(o, "id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, member(o, "question"), -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, member(o, "answer"), -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		die_db(db, "insert");
	sqlite3_reset(ins);
	json_decref(o);
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, nrec = 0;
	FILE *fp;

	if (argc != 3) {
		fprintf(stderr, "usage: ftsload DB FILE.jsonl\n");
		return 1;
	}
	if (stat(argv[1], &st) == 0) {
		fprintf(stderr, "ftsload: %s exists; remove it first\n", argv[1]);
		return 1;
	}
	if ((fp = fopen(argv[2], "r")) == NULL) {
		fprintf(stderr, "ftsload: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die_db(db, argv[1]);
	if (sqlite3_exec(db, setup, NULL, NULL, NULL) != SQLITE_OK)
		die_db(db, "create");
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO f(id, question, answer) "
			       "VALUES (?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK)
		die_db(db, "prepare");
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		add(db, ins, line, (size_t)len, argv[2], lineno);
		nrec++;
	}
	if (ferror(fp)) {
		fprintf(stderr, "ftsload: %s: read error\n", argv[2]);
		return 1;
	}
	fclose(fp);
	free(line);
	sqlite3_finalize(ins);
	if (sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		die_db(db, "commit");
	if (sqlite3_close(db) != SQLITE_OK)
		die_db(db, "close");
	fprintf(stderr, "ftsload: %ld records\n", nrec);
	return 0;
}
