/* convlog.c - the conversation log's storage (schema: convlog.h).
 *
 * One process writes a few exchanges at most, so the cost that matters is
 * opening: the file is created 0600 before SQLite sees it (SQLite gives
 * its -wal and -shm files the database file's mode), the schema is only
 * created when user_version says the file is new, and a commit in WAL
 * mode with synchronous=NORMAL does no fsync.  No checkpoint on close
 * either: the WAL is folded back by SQLite's autocheckpoint, now and
 * then, not by every `quarry ask`. */
#include "convlog.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"

#define CLOG_VERSION 1

struct clog {
	sqlite3 *db;
	sqlite3_stmt *conv, *exch, *hit; /* the inserts, prepared once */
	char *path;
};

static const char schema[] =
	"CREATE TABLE conversation(id INTEGER PRIMARY KEY,"
	" started TEXT NOT NULL, command TEXT NOT NULL);"
	"CREATE TABLE exchange(id INTEGER PRIMARY KEY,"
	" cid INTEGER NOT NULL REFERENCES conversation(id),"
	" time TEXT NOT NULL, question TEXT NOT NULL, resolved TEXT,"
	" kind INTEGER NOT NULL, shown INTEGER NOT NULL,"
	" answered INTEGER NOT NULL, reply TEXT, model TEXT);"
	"CREATE INDEX exchange_cid ON exchange(cid, id);"
	"CREATE TABLE hit(exchange INTEGER NOT NULL, rank INTEGER NOT NULL,"
	" id TEXT, source TEXT, line INTEGER, score REAL,"
	" PRIMARY KEY(exchange, rank)) WITHOUT ROWID;"
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
	if (base == SQLITE_FULL)
		return qerr_set(err, QERR_IO, "%s: disk full", l->path);
	return qerr_set(err, QERR_IO, "%s: %s", l->path,
			l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
}

/* mkdir -p the directory part of path, mode 0700.  0 or -1 (errno). */
static int make_parent(const char *path)
{
	char *dir = strdup(path), *s;
	int rc = 0;

	if (dir == NULL)
		return -1;
	for (s = dir + 1; rc == 0 && (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	free(dir);
	return rc;
}

/* Create path 0600 (and its directory) if it is missing.  0 or -1. */
static int create_private(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0 && errno == ENOENT && make_parent(path) == 0)
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

/* A new file: WAL (a persistent setting), then the schema. */
static int create_schema(sqlite3 *db)
{
	int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	/* (another process may have created it meanwhile) */
	if (user_version(db, &rc) == 0)
		rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int open_db(const char *path, int writable, struct clog **out,
		   struct qerr *err)
{
	struct clog *l = calloc(1, sizeof(*l));
	int rc, v;

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
		sqlite3_db_config(l->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
				  NULL);
		rc = sqlite3_exec(l->db, "PRAGMA synchronous=NORMAL", NULL,
				  NULL, NULL);
	}
	v = rc == SQLITE_OK ? user_version(l->db, &rc) : -1;
	if (rc == SQLITE_OK && v == 0 && writable) {
		rc = create_schema(l->db);
		v = rc == SQLITE_OK ? CLOG_VERSION : -1;
	}
	if (rc != SQLITE_OK) {
		db_fail(l, rc, err);
	} else if (v != CLOG_VERSION) {
		qerr_set(err, QERR_DATA, "%s: %s", path,
			 v > CLOG_VERSION ? "written by a newer quarry"
					  : "not a quarry log");
		rc = SQLITE_ERROR;
	}
	if (rc != SQLITE_OK) {
		clog_close(l);
		return err && err->code ? err->code : QERR_IO;
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
	sqlite3_finalize(l->conv);
	sqlite3_finalize(l->exch);
	sqlite3_finalize(l->hit);
	sqlite3_close(l->db);
	free(l->path);
	free(l);
}

/* The time now as "YYYY-MM-DDTHH:MM:SSZ". */
static void now_utc(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
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

static int add_rows(struct clog *l, struct clog_exchange *e, const char *now)
{
	int rc = SQLITE_OK, i;
	long id;

	if (e->cid == 0) {
		rc = prepare(l, &l->conv, "INSERT INTO conversation(started, "
					  "command) VALUES(?1, ?2)");
		if (rc == SQLITE_OK) {
			bind_text(l->conv, 1, now);
			bind_text(l->conv, 2, e->command);
			rc = run_insert(l->conv);
		}
		if (rc != SQLITE_OK)
			return rc;
		e->cid = (long)sqlite3_last_insert_rowid(l->db);
	}
	rc = prepare(l, &l->exch, "INSERT INTO exchange(cid, time, question, "
				  "resolved, kind, shown, answered, reply, "
				  "model) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(l->exch, 1, e->cid);
	bind_text(l->exch, 2, now);
	bind_text(l->exch, 3, e->question);
	bind_text(l->exch, 4, e->resolved);
	sqlite3_bind_int(l->exch, 5, e->kind);
	sqlite3_bind_int(l->exch, 6, e->shown);
	sqlite3_bind_int(l->exch, 7, e->answered);
	bind_text(l->exch, 8, e->reply);
	bind_text(l->exch, 9, e->model);
	if ((rc = run_insert(l->exch)) != SQLITE_OK)
		return rc;
	id = (long)sqlite3_last_insert_rowid(l->db);
	for (i = 0; rc == SQLITE_OK && i < e->nhits; i++) {
		const struct clog_hit *h = &e->hits[i];

		rc = prepare(l, &l->hit, "INSERT INTO hit VALUES(?1,?2,?3,?4,"
					 "?5,?6)");
		if (rc != SQLITE_OK)
			break;
		sqlite3_bind_int64(l->hit, 1, id);
		sqlite3_bind_int(l->hit, 2, h->rank);
		bind_text(l->hit, 3, h->id);
		bind_text(l->hit, 4, h->source);
		sqlite3_bind_int64(l->hit, 5, h->line);
		sqlite3_bind_double(l->hit, 6, h->score);
		rc = run_insert(l->hit);
	}
	if (rc == SQLITE_OK)
		e->id = id;
	return rc;
}

int clog_add(struct clog *l, struct clog_exchange *e, struct qerr *err)
{
	char now[32];
	long cid = e->cid;
	int rc;

	now_utc(now);
	rc = sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = add_rows(l, e, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return QERR_OK;
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
	long v = one_int(l, "SELECT ifnull(max(cid), 0) FROM exchange "
			    "WHERE ?1 = ?1", 0, err);

	return v == -2 ? 0 : v;
}

int clog_has_cid(struct clog *l, long cid, struct qerr *err)
{
	long v = one_int(l, "SELECT 1 FROM exchange WHERE cid = ?1 LIMIT 1",
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

/* Read the hits of exchange id into *out (strings copied into pool).
 * SQLITE_OK or an error. */
static int load_hits(sqlite3_stmt *st, long id,
		     struct clog_hit **out, int *n, struct buf *pool)
{
	struct clog_hit *h = NULL, *grown;
	size_t *off = NULL;
	int cap = 0, rc, i;

	*n = 0;
	buf_reset(pool);
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t *grown_off;

		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			grown = realloc(h, (size_t)cap * sizeof(*h));
			grown_off = realloc(off, (size_t)cap * 2 * sizeof(*off));
			if (grown)
				h = grown;
			if (grown_off)
				off = grown_off;
			if (!grown || !grown_off) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		h[*n].rank = sqlite3_column_int(st, 0);
		off[2 * *n] = pool->len;
		buf_puts(pool, col(st, 1) ? col(st, 1) : "");
		buf_putc(pool, '\0');
		off[2 * *n + 1] = pool->len;
		buf_puts(pool, col(st, 2) ? col(st, 2) : "");
		if (buf_putc(pool, '\0') != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		h[*n].line = (long)sqlite3_column_int64(st, 3);
		h[*n].score = sqlite3_column_double(st, 4);
		(*n)++;
	}
	/* (pointers into the pool only once it stopped moving) */
	for (i = 0; i < *n; i++) {
		h[i].id = pool->data + off[2 * i];
		h[i].source = pool->data + off[2 * i + 1];
	}
	free(off);
	*out = h;
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int clog_list(struct clog *l, const struct clog_filter *f,
	      int (*fn)(void *ctx, const struct clog_exchange *e), void *ctx,
	      struct qerr *err)
{
	sqlite3_stmt *st = NULL, *hs = NULL;
	struct buf pool = BUF_INIT;
	char *pat = f->term ? like_pattern(f->term) : NULL;
	int rc, ret = 0;

	if (f->term && pat == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = sqlite3_prepare_v2(
		l->db,
		"SELECT * FROM (SELECT e.id, e.cid, c.command, e.time, "
		"e.question, e.resolved, e.kind, e.shown, e.answered, e.reply, "
		"e.model FROM exchange e JOIN conversation c ON c.id = e.cid "
		"WHERE (?1 = 0 OR e.cid = ?1) AND (?2 IS NULL OR e.question "
		"LIKE ?2 ESCAPE '\\' OR e.resolved LIKE ?2 ESCAPE '\\' OR "
		"e.reply LIKE ?2 ESCAPE '\\') ORDER BY e.id DESC LIMIT ?3) "
		"ORDER BY id",
		-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(l->db, "SELECT rank, id, source, line, "
				       "score FROM hit WHERE exchange = ?1 "
				       "ORDER BY rank", -1, &hs, NULL);
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
		if ((rc = load_hits(hs, e.id, &hits, &e.nhits, &pool)) ==
		    SQLITE_OK) {
			e.hits = hits;
			ret = fn(ctx, &e);
		}
		free(hits);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(l, rc, err);
	sqlite3_finalize(st);
	sqlite3_finalize(hs);
	buf_free(&pool);
	free(pat);
	return ret;
}
