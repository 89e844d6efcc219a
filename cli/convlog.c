/* convlog.c - the conversation log's storage (schema: convlog.h).
 *
 * One process writes a few exchanges at most, so the cost that matters is
 * opening and one commit: the file is created 0600 before SQLite sees it
 * (SQLite gives its journal the database file's mode), the schema is only
 * created when user_version says the file is new, and commits go through
 * a rollback journal with synchronous=OFF: no fsync.  Not WAL: the first
 * connection of every process rebuilds the WAL index by reading the
 * whole WAL, and folding the WAL back at close costs fsyncs.  What
 * synchronous=OFF risks is a log torn by a power cut (an interrupted
 * process is rolled back as usual); such a log is reported as damaged
 * and never stops an answer. */
#include "convlog.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/fileio.h"

#define CLOG_VERSION 1

struct clog {
	sqlite3 *db;
	sqlite3_stmt *exch; /* the insert, prepared once */
	struct buf hits;    /* the hits column being written */
	int ready;          /* the schema was checked (and made) */
	char *path;
};

static const char schema[] =
	"CREATE TABLE exchange(id INTEGER PRIMARY KEY, cid INTEGER NOT NULL,"
	" command TEXT NOT NULL, time TEXT NOT NULL, question TEXT NOT NULL,"
	" resolved TEXT, kind INTEGER NOT NULL, shown INTEGER NOT NULL,"
	" answered INTEGER NOT NULL, hits TEXT NOT NULL, reply TEXT,"
	" model TEXT);"
	"PRAGMA user_version = 1;";

char *clog_default_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;
	int rc;

	if (xdg != NULL && xdg[0] == '/')
		rc = buf_puts(&b, xdg);
	else if (home != NULL && home[0] != '\0')
		rc = buf_puts(&b, home) | buf_puts(&b, "/.local/state");
	else
		return NULL;
	if (rc != 0 || buf_puts(&b, "/quarry/log.db") != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* The error on db as one message about l's file; returns a QERR code.
 * A busy database is "locked"; a full disk says so. */
static int db_fail(struct clog *l, int rc, struct qerr *err)
{
	int base = rc & 0xff;

	if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
		return qerr_set(err, QERR_IO, "%s is locked by another "
				"process", l->path);
	if (base == SQLITE_NOTADB || base == SQLITE_CORRUPT)
		return qerr_set(err, QERR_DATA, "%s is damaged or not a quarry "
				"log (move it away to start a new one)",
				l->path);
	if (base == SQLITE_NOMEM)
		return qerr_set(err, QERR_IO, "out of memory");
	if (base == SQLITE_FULL)
		return qerr_set(err, QERR_IO, "%s: disk full", l->path);
	return qerr_set(err, QERR_IO, "%s: %s", l->path,
			l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
}


/* Create path 0600 (and its directory) if it is missing.  0 or -1. */
static int create_private(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0 && errno == ENOENT && fio_mkdir_parents(path, 0700, NULL) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* PRAGMA user_version, or -1 with *rc set. */
static int user_version(sqlite3 *db, int *rc)
{
	sqlite3_stmt *st;
	int v = -1;

	*rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int(st, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return v;
}

/* Check the file's format once per open, and create the schema in a new
 * (empty) file when create is set: the caller then holds a write
 * transaction.  0; 1 for a new file left as it is; or a QERR code with
 * err set. */
static int check_schema(struct clog *l, int create, struct qerr *err)
{
	int rc, v;

	if (l->ready)
		return 0;
	v = user_version(l->db, &rc);
	if (rc == SQLITE_OK && v == 0 && !create)
		return 1;
	if (rc == SQLITE_OK && v == 0) {
		rc = sqlite3_exec(l->db, schema, NULL, NULL, NULL);
		v = CLOG_VERSION;
	}
	if (rc != SQLITE_OK)
		return db_fail(l, rc, err);
	if (v != CLOG_VERSION)
		return qerr_set(err, QERR_DATA, "%s: %s", l->path,
				v > CLOG_VERSION ? "written by a newer quarry"
						 : "not a quarry log");
	l->ready = 1;
	return 0;
}

/* Open path; a reader checks the format at once, a writer in its first
 * write transaction (one lock taken fewer). */
static int open_db(const char *path, int writable, struct clog **out,
		   struct qerr *err)
{
	struct clog *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (l == NULL || (l->path = strdup(path)) == NULL) {
		free(l);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	if (writable && create_private(path) != 0) {
		int e = errno;

		qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
		clog_close(l);
		return QERR_IO;
	}
	rc = sqlite3_open_v2(path, &l->db,
			     writable ? SQLITE_OPEN_READWRITE
				      : SQLITE_OPEN_READONLY,
			     NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(l->db, CLOG_BUSY_MS);
		rc = sqlite3_exec(l->db, writable ? "PRAGMA journal_mode=TRUNCATE;"
						    "PRAGMA synchronous=OFF"
						  : "PRAGMA query_only=1",
				  NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK)
		rc = db_fail(l, rc, err);
	else if (!writable && (rc = check_schema(l, 0, err)) == 1)
		rc = qerr_set(err, QERR_NOMATCH, "the conversation log is "
			      "empty (%s)", path);
	if (rc != 0) {
		clog_close(l);
		return rc;
	}
	*out = l;
	return QERR_OK;
}

int clog_open(const char *path, struct clog **out, struct qerr *err)
{
	return open_db(path, 1, out, err);
}

int clog_open_read(const char *path, struct clog **out, struct qerr *err)
{
	if (access(path, F_OK) != 0) {
		*out = NULL;
		return qerr_set(err, QERR_NOMATCH, "no conversation log yet "
				"(%s)", path);
	}
	return open_db(path, 0, out, err);
}

void clog_close(struct clog *l)
{
	if (l == NULL)
		return;
	sqlite3_finalize(l->exch);
	buf_free(&l->hits);
	sqlite3_close(l->db);
	free(l->path);
	free(l);
}

/* The time now as "YYYY-MM-DDTHH:MM:SSZ", by arithmetic: glibc's gmtime
 * reads the time zone file first, which UTC has no use for.  (The civil
 * date from days since 1970, as in Howard Hinnant's days_from_civil.) */
static void now_utc(char out[96])
{
	long long t = (long long)time(NULL), days, secs, era, doe, yoe, doy, mp;
	long long y, m, d;

	days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	secs = t - days * 86400;
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(out, 96, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m, d,
		 secs / 3600, secs / 60 % 60, secs % 60);
}

static int prepare(struct clog *l, sqlite3_stmt **st, const char *sql)
{
	if (*st != NULL) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return SQLITE_OK;
	}
	return sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
				  NULL);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
		 : sqlite3_bind_null(st, i);
}

/* Run an insert whose values are bound; SQLITE_OK or the error. */
static int run_insert(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Append s to b with backslash, tab and newline escaped. */
static void put_escaped(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *s);
	}
}

/* e's hits as the hits column (convlog.h).  0 or -1 (out of memory). */
static int encode_hits(struct buf *b, const struct clog_exchange *e)
{
	char num[96];
	int i;

	buf_reset(b);
	for (i = 0; i < e->nhits; i++) {
		const struct clog_hit *h = &e->hits[i];

		snprintf(num, sizeof(num), "%d\t%ld\t%.17g\t", h->rank, h->line,
			 h->score);
		buf_puts(b, num);
		put_escaped(b, h->id);
		buf_putc(b, '\t');
		put_escaped(b, h->source);
		buf_putc(b, '\n');
	}
	return buf_putc(b, '\0') != 0 ? -1 : 0; /* (also for no hits: "") */
}

static int add_row(struct clog *l, struct clog_exchange *e, const char *now)
{
	int rc;

	if (encode_hits(&l->hits, e) != 0)
		return SQLITE_NOMEM;
	/* A new conversation's id is its first exchange's: the rowid this
	 * insert gets, one more than the largest so far. */
	rc = prepare(l, &l->exch,
		     "INSERT INTO exchange(cid, command, time, question, "
		     "resolved, kind, shown, answered, hits, reply, model) "
		     "VALUES(CASE WHEN ?1 > 0 THEN ?1 ELSE (SELECT ifnull(max(id), "
		     "0) + 1 FROM exchange) END, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		     "?10, ?11)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(l->exch, 1, e->cid);
	bind_text(l->exch, 2, e->command);
	bind_text(l->exch, 3, now);
	bind_text(l->exch, 4, e->question);
	bind_text(l->exch, 5, e->resolved);
	sqlite3_bind_int(l->exch, 6, e->kind);
	sqlite3_bind_int(l->exch, 7, e->shown);
	sqlite3_bind_int(l->exch, 8, e->answered);
	bind_text(l->exch, 9, l->hits.data);
	bind_text(l->exch, 10, e->reply);
	bind_text(l->exch, 11, e->model);
	if ((rc = run_insert(l->exch)) != SQLITE_OK)
		return rc;
	e->id = (long)sqlite3_last_insert_rowid(l->db);
	if (e->cid <= 0)
		e->cid = e->id;
	return SQLITE_OK;
}

int clog_add(struct clog *l, struct clog_exchange *e, struct qerr *err)
{
	char now[96];
	long cid = e->cid;
	int rc;

	now_utc(now);
	rc = sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK && check_schema(l, 1, err) != 0)
		rc = -1; /* (err set) */
	if (rc == SQLITE_OK)
		rc = add_row(l, e, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return QERR_OK;
	if (rc != -1)
		db_fail(l, rc, err);
	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	e->cid = cid;
	return err && err->code ? err->code : QERR_IO;
}

/* One integer from sql with ?1 bound to arg; -2 when there is no row,
 * -1 on error (err set). */
static long one_int(struct clog *l, const char *sql, long arg,
		    struct qerr *err)
{
	sqlite3_stmt *st;
	long v = -2;
	int rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		db_fail(l, rc, err);
		return -1;
	}
	sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		v = -1;
	if (v == -1)
		db_fail(l, rc, err);
	sqlite3_finalize(st);
	return v;
}

long clog_last_cid(struct clog *l, struct qerr *err)
{
	int c = check_schema(l, 0, err);
	long v;

	if (c != 0)
		return c == 1 ? 0 : -1;
	v = one_int(l, "SELECT cid FROM exchange WHERE ?1 = ?1 ORDER BY "
			    "id DESC LIMIT 1", 0, err);
	return v == -2 ? 0 : v;
}

int clog_has_cid(struct clog *l, long cid, struct qerr *err)
{
	int c = check_schema(l, 0, err);
	long v;

	if (c != 0)
		return c == 1 ? 0 : -1;
	v = one_int(l, "SELECT 1 FROM exchange WHERE cid = ?1 LIMIT 1",
			 cid, err);
	return v == -1 ? -1 : v == 1;
}

/* '%term%' for LIKE, with its own % _ and \ escaped.  Caller frees. */
static char *like_pattern(const char *term)
{
	struct buf b = BUF_INIT;
	const char *p;

	buf_putc(&b, '%');
	for (p = term; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	if (buf_putc(&b, '%') != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Undo put_escaped in place on s[0..n); returns the new length. */
static size_t unescape(char *s, size_t n)
{
	size_t i, j;

	for (i = j = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			s[j++] = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i];
		} else {
			s[j++] = s[i];
		}
	}
	s[j] = '\0';
	return j;
}

/* Split the hits column text (copied into pool) into *out.  0, or -1
 * when memory ran out. */
static int decode_hits(const char *text, struct clog_hit **out, int *n,
		       struct buf *pool)
{
	struct clog_hit *h;
	char *line, *next, *f[5];
	int cap = 0, k;

	*out = NULL;
	*n = 0;
	buf_reset(pool);
	if (text == NULL || *text == '\0')
		return 0;
	if (buf_puts(pool, text) != 0 || buf_putc(pool, '\0') != 0)
		return -1;
	for (line = pool->data; *line; line++)
		cap += *line == '\n';
	if ((*out = h = calloc((size_t)cap + 1, sizeof(*h))) == NULL)
		return -1;
	for (line = pool->data; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		f[0] = line;
		for (k = 1; k < 5 && f[k - 1]; k++) {
			f[k] = strchr(f[k - 1], '\t');
			if (f[k])
				*f[k]++ = '\0';
		}
		if (f[4] == NULL)
			continue; /* (not written by clog_add) */
		h[*n].rank = (int)strtol(f[0], NULL, 10);
		h[*n].line = strtol(f[1], NULL, 10);
		h[*n].score = strtod(f[2], NULL);
		unescape(f[3], strlen(f[3]));
		unescape(f[4], strlen(f[4]));
		h[*n].id = f[3];
		h[*n].source = f[4];
		(*n)++;
	}
	return 0;
}

int clog_list(struct clog *l, const struct clog_filter *f,
	      int (*fn)(void *ctx, const struct clog_exchange *e), void *ctx,
	      struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	struct buf pool = BUF_INIT;
	char *pat = f->term ? like_pattern(f->term) : NULL;
	int rc, ret = 0;

	if (f->term && pat == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	if ((rc = check_schema(l, 0, err)) != 0) {
		free(pat);
		return rc == 1 ? 0 : rc;
	}
	rc = sqlite3_prepare_v2(
		l->db,
		"SELECT * FROM (SELECT id, cid, command, time, question, "
		"resolved, kind, shown, answered, reply, model, hits FROM "
		"exchange WHERE (?1 = 0 OR cid = ?1) AND (?2 IS NULL OR "
		"question LIKE ?2 ESCAPE '\\' OR resolved LIKE ?2 ESCAPE '\\' "
		"OR reply LIKE ?2 ESCAPE '\\') ORDER BY id DESC LIMIT ?3) "
		"ORDER BY id",
		-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, f->cid);
		bind_text(st, 2, pat);
		sqlite3_bind_int64(st, 3, f->limit > 0 ? f->limit : -1);
	}
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		struct clog_exchange e;
		struct clog_hit *hits = NULL;

		if (ret != 0 || (rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		memset(&e, 0, sizeof(e));
		e.id = (long)sqlite3_column_int64(st, 0);
		e.cid = (long)sqlite3_column_int64(st, 1);
		e.command = col(st, 2);
		e.time = col(st, 3);
		e.question = col(st, 4);
		e.resolved = col(st, 5);
		e.kind = sqlite3_column_int(st, 6);
		e.shown = sqlite3_column_int(st, 7);
		e.answered = sqlite3_column_int(st, 8);
		e.reply = col(st, 9);
		e.model = col(st, 10);
		if (decode_hits(col(st, 11), &hits, &e.nhits, &pool) != 0) {
			free(hits);
			rc = SQLITE_NOMEM;
			break;
		}
		e.hits = hits;
		ret = fn(ctx, &e);
		free(hits);
	}
	if (ret == 0 && rc == SQLITE_NOMEM)
		ret = qerr_set(err, QERR_IO, "out of memory");
	else if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(l, rc, err);
	sqlite3_finalize(st);
	buf_free(&pool);
	free(pat);
	return ret;
}
