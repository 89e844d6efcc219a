/* convlog.h - the conversation log: every ask and chat exchange, kept in
 * SQLite so it can be listed, searched and resumed.
 *
 * The file ($XDG_STATE_HOME/quarry/log.db, else ~/.local/state/quarry/
 * log.db) is created mode 0600 in a directory created 0700.  One table
 * (PRAGMA user_version = 1), one row per question:
 *
 *   exchange(id INTEGER PRIMARY KEY, cid INTEGER, command TEXT,
 *            time TEXT, question TEXT, resolved TEXT, kind INTEGER,
 *            shown INTEGER, answered INTEGER, hits TEXT, reply TEXT,
 *            model TEXT)
 *
 * cid is the conversation (one `quarry ask` run or one chat session): the
 * id of its first exchange.  resolved is the query searched (NULL when
 * there was nothing to continue), kind how the question was read (enum
 * followup_kind), shown how many answers were shown, answered whether the
 * corpus had a good one; reply and model the LLM's, if any.  hits are the
 * results shown, one line each: "RANK\tLINE\tSCORE\tID\tSOURCE", with
 * backslash, tab and newline in ID and SOURCE written \\, \t, \n.  (One
 * table and one insert per exchange: SQLite parses a file's whole schema
 * at every open, and that parse is most of what writing costs.)
 *
 * Times are UTC, ISO 8601 ("2026-12-02T15:50:01Z").  No API key, no
 * endpoint URL and no request body is ever stored.  Writes are one
 * transaction each, journal_mode=TRUNCATE with synchronous=OFF (no fsync:
 * see convlog.c), and a writer waits at most CLOG_BUSY_MS for another.
 *
 * Nothing here prints; errors come back as a status with err filled.
 * Strings handed to callbacks are borrowed for the call only. */
#ifndef QUARRY_CONVLOG_H
#define QUARRY_CONVLOG_H

#include "../util/err.h"

#define CLOG_BUSY_MS 200

struct clog;

struct clog_hit {
	int rank;
	const char *id;
	const char *source;
	long line;
	double score;
};

struct clog_exchange {
	long id;              /* set by clog_add; read by clog_list */
	long cid;             /* conversation; clog_add: 0 starts a new one */
	const char *command;  /* "ask" or "chat" (the conversation's) */
	const char *time;     /* clog_list only */
	const char *question;
	const char *resolved; /* query searched; NULL: nothing to continue */
	int kind;             /* enum followup_kind */
	int shown;
	int answered;
	const char *reply;    /* NULL: no LLM reply */
	const char *model;    /* NULL: no LLM reply */
	const struct clog_hit *hits;
	int nhits;
};

/* The default log path, malloc'ed; NULL when neither XDG_STATE_HOME (an
 * absolute one) nor HOME is set, or memory runs out. */
char *clog_default_path(void);

/* Open (creating, with its directory) the log at path for writing and
 * reading.  0, or QERR_IO / QERR_DATA (not a quarry log, damaged, newer
 * format) with err set and *out NULL. */
int clog_open(const char *path, struct clog **out, struct qerr *err);
/* Open an existing log to read only; QERR_NOMATCH (err set) when there is
 * none. */
int clog_open_read(const char *path, struct clog **out, struct qerr *err);
void clog_close(struct clog *l);

/* Append e (e->cid 0: in a new conversation, whose id is stored in
 * e->cid) in one transaction; e->id receives its id.  0 or QERR_IO /
 * QERR_DATA with err set; nothing is written then. */
int clog_add(struct clog *l, struct clog_exchange *e, struct qerr *err);

/* The newest conversation's id, 0 when the log is empty, -1 on error
 * (err set). */
long clog_last_cid(struct clog *l, struct qerr *err);
/* Whether conversation cid exists: 1, 0, or -1 on error (err set). */
int clog_has_cid(struct clog *l, long cid, struct qerr *err);

struct clog_filter {
	long cid;         /* only this conversation; 0: all */
	const char *term; /* only exchanges whose question, query or reply
			     contains it (case-insensitive in ASCII); NULL:
			     all */
	long limit;       /* the newest limit of them; 0: no limit */
};

/* Call fn for each exchange f selects, oldest first (hits filled).  fn
 * returning non-zero stops the walk and is returned.  0, fn's value, or
 * QERR_IO / QERR_DATA with err set. */
int clog_list(struct clog *l, const struct clog_filter *f,
	      int (*fn)(void *ctx, const struct clog_exchange *e), void *ctx,
	      struct qerr *err);

#endif
