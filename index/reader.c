/* reader.c - read an index (format in idx.h): open, statistics and
 * segments, a term's postings over all segments, records, sources,
 * vocabulary listing, with small caches kept per index generation.
 *
 * The reader keeps a sticky error, as the builder does: the first failure
 * a read meets is kept until idx_pause, every read fails with it, and
 * idx_status reports it, so "unreadable" never reads as "absent". */
#include "idx.h"
#include "idx_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/buf.h"
#include "../util/strmap.h"
#include "analyzer.h"

struct idx {
	sqlite3 *db;
	sqlite3_stmt *get_doc, *get_meta, *scan, *begin, *commit;
	sqlite3_stmt *get_vocab, *get_base, *get_seg, *vb_one;
	char *path;
	int vb;           /* vbuckets are up to date */
	int in_txn;       /* a read transaction is open */
	int loaded;       /* the statistics below are of generation gen */
	long long gen;
	long ndocs, maxdoc;
	long nseg, ndel;  /* segments besides the base; deleted records */
	double avg[IDX_NFIELDS];
	double scale;     /* (>= 1) how far blocks' max_impact may understate
			   * an impact at today's average lengths (segments
			   * bounded at others): see idx_cursor_bound */
	unsigned char *norms;
	unsigned char *del;
	char *meta_val;
	struct idx_alias *aliases;
	int naliases; /* -1 until loaded */
	/* vocab rows looked up (a question looks most terms up twice: its
	 * df, then its postings), by hash; of generation gen */
	struct vslot {
		char term[TOK_MAX_TERM * 2 + 2];
		long df, id;
		int used;
	} vcache[256];
	/* small vocabulary buckets read (a batch of questions meets the
	 * same first letters again and again), by key; of generation gen */
	struct vbslot {
		unsigned char key[2];
		int klen;            /* 0: empty */
		unsigned char *blob; /* as vb_terminate leaves it */
	} vbcache[64];
	/* short postings rows read (the common terms of a batch of
	 * questions), by vocab id; of generation gen */
	struct pslot {
		long id;
		unsigned char *blob; /* NULL: empty */
		size_t len;
	} pcache[128];
	struct buf blocks, cat; /* a term's postings assembled */
	/* sticky: the first error a read met since the last idx_pause;
	 * every read fails with it until then (idx_status reports it) */
	struct qerr err;
};


/* Record a failure in x's sticky error (the first one wins) and in err;
 * returns its code. */
static int fail(struct idx *x, struct qerr *err, int code, const char *fmt,
		...) QERR_PRINTF(4, 5);

static int fail(struct idx *x, struct qerr *err, int code, const char *fmt,
		...)
{
	char msg[sizeof(x->err.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	qerr_set(&x->err, code, "%s", msg);
	return qerr_set(err, x->err.code, "%s", x->err.msg);
}

/* A damaged index: one line, "index is damaged: PATH: what". */
#define DAMAGED(x, err, ...) \
	fail(x, err, QERR_DATA, "index is damaged: " __VA_ARGS__)

/* A failed SQLite call on x->db: the file is damaged (SQLite found it
 * corrupt, or a table or column is missing: the schema version matched),
 * or it could not be read (busy, I/O, out of memory). */
static int db_fail(struct idx *x, struct qerr *err)
{
	int e = sqlite3_errcode(x->db);

	if (e == SQLITE_CORRUPT || e == SQLITE_NOTADB || e == SQLITE_ERROR ||
	    e == SQLITE_MISMATCH || e == SQLITE_RANGE)
		return DAMAGED(x, err, "%s: %s", x->path,
			       sqlite3_errmsg(x->db));
	return fail(x, err, QERR_IO, "%s: %s", x->path,
		    sqlite3_errmsg(x->db));
}

/* Parse a whole decimal integer in [lo, hi]; -1 when v is not one. */
static int parse_int(const char *v, long long lo, long long hi,
		     long long *out)
{
	char *end;
	long long n;

	if (v == NULL || *v == '\0' || *v == ' ')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Prepare *st on first use; statements live as long as x. */
static sqlite3_stmt *prep(struct idx *x, const char *sql, sqlite3_stmt **st)
{
	if (*st == NULL &&
	    sqlite3_prepare_v3(x->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
			       NULL) != SQLITE_OK)
		return NULL;
	return *st;
}

#define SQL_VOCAB "SELECT df, id FROM vocab WHERE term = ?"
#define SQL_BASE "SELECT data FROM postings WHERE id = ?"
#define SQL_SEG "SELECT data FROM segpost WHERE term = ? ORDER BY seg"
#define SQL_DOC "SELECT d.ext_id, d.question, d.answer, s.path, d.line, " \
		"s.kind " \
		"FROM docs d LEFT JOIN sources s ON s.id = d.source " \
		"WHERE d.id = ?"
#define SQL_META "SELECT value FROM meta WHERE key = ?"
#define SQL_SCAN "SELECT term, df FROM vocab WHERE term >= ? ORDER BY term"

/* A meta value, without beginning a read (borrowed as idx_meta's). */
static const char *meta_get(struct idx *x, const char *key)
{
	sqlite3_stmt *st = prep(x, SQL_META, &x->get_meta);
	const unsigned char *v;

	free(x->meta_val);
	x->meta_val = NULL;
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = sqlite3_column_text(st, 0)) != NULL)
		x->meta_val = strdup((const char *)v);
	sqlite3_reset(st);
	return x->meta_val;
}

static void drop_caches(struct idx *x)
{
	int i;

	for (i = 0; i < (int)(sizeof(x->vcache) / sizeof(*x->vcache)); i++)
		x->vcache[i].used = 0;
	for (i = 0; i < (int)(sizeof(x->vbcache) / sizeof(*x->vbcache)); i++) {
		free(x->vbcache[i].blob);
		x->vbcache[i].blob = NULL;
		x->vbcache[i].klen = 0;
	}
	for (i = 0; i < (int)(sizeof(x->pcache) / sizeof(*x->pcache)); i++) {
		free(x->pcache[i].blob);
		x->pcache[i].blob = NULL;
	}
	free(x->norms);
	free(x->del);
	x->norms = x->del = NULL;
	for (i = 0; i < x->naliases; i++) {
		free(x->aliases[i].acr);
		free(x->aliases[i].exp);
	}
	free(x->aliases);
	x->aliases = NULL;
	x->naliases = -1;
}

/* Is column i of st an integer in [lo, hi]?  (A damaged row may hold
 * text, a real or NULL where the writer put an integer.) */
static int col_int(sqlite3_stmt *st, int i, long lo, long hi, long *out)
{
	sqlite3_int64 v;

	if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
		return -1;
	v = sqlite3_column_int64(st, i);
	if (v < lo || v > hi)
		return -1;
	*out = (long)v;
	return 0;
}

/* Merge segment row st's deletion bitmap (docs base..base+n-1) into
 * x->del; -1 when it is not (n + 7) / 8 bytes, -2 when memory is short. */
static int load_deleted(struct idx *x, sqlite3_stmt *st, long base, long n)
{
	const unsigned char *del;
	long dn, i, k;

	if (sqlite3_column_type(st, 5) == SQLITE_NULL)
		return 0;
	del = sqlite3_column_blob(st, 5);
	dn = (long)sqlite3_column_bytes(st, 5);
	if (sqlite3_column_type(st, 5) != SQLITE_BLOB || dn != (n + 7) / 8)
		return -1;
	if (x->del == NULL &&
	    (x->del = calloc((size_t)x->maxdoc / 8 + 1, 1)) == NULL)
		return -2;
	/* A byte at a time: most are zero. */
	for (i = 0; i < n; i += 8) {
		if (del[i / 8] == 0)
			continue;
		for (k = i; k < i + 8 && k < n; k++)
			if (del[k / 8] >> (k % 8) & 1) {
				x->del[(base + k) / 8] |=
					(unsigned char)(1u << ((base + k) % 8));
				x->ndel++;
			}
	}
	return 0;
}

/* Segments: how many besides the base, the bound scale, deletions.  The
 * rows must be the base (id 0, from doc 0) and then segments of
 * increasing, disjoint doc ranges within maxdoc, holding ndocs live
 * records between them; x->maxdoc becomes the end of the last one (no
 * posting can name a doc beyond).  0, or a DAMAGED error. */
static int load_segments(struct idx *x, struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	long end = 0, live = 0, nrows = 0, maxdoc = x->maxdoc;
	const char *bad = NULL;
	char msg[200];
	int rc;

	x->nseg = x->ndel = 0;
	x->scale = 1.0;
	if (sqlite3_prepare_v2(x->db, "SELECT id, base, n, avg_q, avg_a, del "
				      "FROM segments ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return DAMAGED(x, err, "%s: segments: %s", x->path,
			       sqlite3_errmsg(x->db));
	while (bad == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		long id, base, n, ndel = x->ndel;
		int f;

		if (col_int(st, 0, 0, LONG_MAX, &id) || (nrows == 0) != (id == 0) ||
		    col_int(st, 1, end, maxdoc, &base) || (id == 0 && base != 0) ||
		    col_int(st, 2, 0, maxdoc - base, &n)) {
			bad = "a segment row is out of order or out of range";
			break;
		}
		nrows++;
		if (id > 0)
			x->nseg++;
		end = base + n;
		for (f = 0; f < IDX_NFIELDS; f++) {
			double a = sqlite3_column_double(st, 3 + f);

			if (a > 0.0 && x->avg[f] / a > x->scale)
				x->scale = x->avg[f] / a;
		}
		if ((rc = load_deleted(x, st, base, n)) != 0) {
			bad = rc == -2 ? "out of memory"
				       : "a segment's deletion bitmap has the "
					 "wrong size";
			break;
		}
		live += n - (x->ndel - ndel);
	}
	if (bad == NULL && rc != SQLITE_DONE) {
		/* (copied: finalize may free the message) */
		snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(x->db));
		bad = msg;
	}
	if (bad == NULL && nrows == 0)
		bad = "no base segment";
	if (bad == NULL && live != x->ndocs)
		bad = "segments hold another number of records than ndocs";
	sqlite3_finalize(st);
	if (bad != NULL && strcmp(bad, "out of memory") == 0)
		return fail(x, err, QERR_IO, "out of memory");
	if (bad != NULL)
		return DAMAGED(x, err, "%s: %s", x->path, bad);
	x->maxdoc = end;
	return 0;
}

/* A meta value that must be an integer in [lo, hi]; dflt when absent. */
static int meta_int(struct idx *x, const char *key, long long lo,
		    long long hi, long long dflt, long long *out,
		    struct qerr *err)
{
	const char *v = meta_get(x, key);

	if (v == NULL) {
		*out = dflt;
		return 0;
	}
	if (parse_int(v, lo, hi, out) != 0)
		return DAMAGED(x, err, "%s: meta %s is '%.40s', not a count "
			       "in %lld..%lld", x->path, key, v, lo, hi);
	return 0;
}

static int load_stats(struct idx *x, struct qerr *err)
{
	const char *v;
	long long n, tot[IDX_NFIELDS];
	int i;

	if (meta_get(x, "ndocs") == NULL)
		return DAMAGED(x, err, "%s: no record count (meta ndocs)",
			       x->path);
	if (meta_int(x, "ndocs", 0, IDX_MAX_DOCS, 0, &n, err) != 0)
		return QERR_DATA;
	x->ndocs = (long)n;
	if (meta_int(x, "maxdoc", x->ndocs, IDX_MAX_DOCS, x->ndocs, &n,
		     err) != 0)
		return QERR_DATA;
	x->maxdoc = (long)n;
	if (meta_int(x, "len_q", 0, IDX_MAX_LEN, 0, &tot[0], err) != 0 ||
	    meta_int(x, "len_a", 0, IDX_MAX_LEN, 0, &tot[1], err) != 0)
		return QERR_DATA;
	for (i = 0; i < IDX_NFIELDS; i++) {
		x->avg[i] = x->ndocs ? (double)tot[i] / (double)x->ndocs : 1.0;
		if (x->avg[i] <= 0.0)
			x->avg[i] = 1.0;
	}
	v = meta_get(x, "analyzer");
	if (v == NULL || atol(v) != TOK_VERSION)
		return fail(x, err, QERR_DATA,
			    "%s: index made by another quarry version; "
			    "run quarry index again", x->path);
	return load_segments(x, err);
}

/* End the read transaction, if one is open. */
static void end_read(struct idx *x)
{
	sqlite3_stmt *st = NULL;

	if (!x->in_txn)
		return;
	while ((st = sqlite3_next_stmt(x->db, st)) != NULL)
		sqlite3_reset(st);
	if ((st = prep(x, "COMMIT", &x->commit)) != NULL) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	x->in_txn = 0;
}

/* Begin a read transaction unless one is open; reload the statistics
 * when an update committed since they were read.  Fails with the sticky
 * error while one is set. */
static int ensure_read(struct idx *x, struct qerr *err)
{
	sqlite3_stmt *st;
	const char *v;
	long long gen;
	int rc;

	if (x->err.code != QERR_OK)
		return qerr_set(err, x->err.code, "%s", x->err.msg);
	if (x->in_txn)
		return 0;
	/* (prepared once: a question begins and ends a read) */
	st = prep(x, "BEGIN", &x->begin);
	rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(x, err);
	x->in_txn = 1;
	/* The first read takes the shared lock (and may meet a hot journal). */
	v = meta_get(x, "generation");
	rc = sqlite3_errcode(x->db);
	if (v == NULL && rc != SQLITE_OK && rc != SQLITE_DONE &&
	    rc != SQLITE_ROW) {
		rc = db_fail(x, err);
		end_read(x);
		return rc;
	}
	gen = v ? atoll(v) : 0;
	if (x->loaded && gen == x->gen)
		return 0;
	drop_caches(x);
	x->loaded = 0;
	if ((rc = load_stats(x, err)) != 0) {
		end_read(x);
		return rc;
	}
	v = meta_get(x, "vbuckets");
	x->vb = v && atoll(v) == gen;
	x->gen = gen;
	x->loaded = 1;
	return 0;
}

void idx_pause(struct idx *x)
{
	if (x == NULL)
		return;
	end_read(x);
	qerr_clear(&x->err);
}

sqlite3 *idx_read_db(struct idx *x, struct qerr *err)
{
	return ensure_read(x, err) == 0 ? x->db : NULL;
}

int idx_status(struct idx *x, struct qerr *err)
{
	if (x == NULL || x->err.code == QERR_OK)
		return 0;
	return qerr_set(err, x->err.code, "%s", x->err.msg);
}

/* Open an index file read-only, reading through a memory map.  Updates
 * change the file in place under SQLite's locks (a full build renames a
 * new file over it), so locking stays on.  A reader is used by one thread
 * at a time, so the connection goes without its mutexes. */
static int open_reader(const char *path, sqlite3 **db)
{
	int rc = sqlite3_open_v2(path, db,
				 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(*db, 1);
		sqlite3_busy_timeout(*db, 10000);
		sqlite3_exec(*db, "PRAGMA mmap_size=1073741824", NULL, NULL,
			     NULL);
	}
	return rc;
}

/* An update killed mid-way leaves a hot journal that a read-only
 * connection may not roll back: do it with a writable one. */
static void recover(const char *path)
{
	sqlite3 *db = NULL;
	long n;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK) {
		sqlite3_busy_timeout(db, 10000);
		idx_int_query(db, "SELECT count(*) FROM meta", &n);
	}
	sqlite3_close(db);
}

int idx_open(struct idx **out, const char *path, struct qerr *err)
{
	struct idx *x;
	struct stat sb;
	long app = 0, ver = 0;
	int tries;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return qerr_set(err, QERR_IO, "cannot open index %s: %s", path,
				strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return qerr_set(err, QERR_IO, "cannot open index %s: %s", path,
				strerror(EISDIR));
	if (!S_ISREG(sb.st_mode))
		return qerr_set(err, QERR_DATA, "%s: not a quarry index (not a "
				"regular file)", path);
	for (tries = 0;; tries++) {
		x = calloc(1, sizeof(*x));
		if (x == NULL || (x->path = strdup(path)) == NULL) {
			idx_close(x);
			return qerr_set(err, QERR_IO, "out of memory");
		}
		x->naliases = -1;
		if (open_reader(path, &x->db) != SQLITE_OK) {
			qerr_set(err, QERR_IO, "cannot open index %s: %s", path,
				 sqlite3_errmsg(x->db));
			idx_close(x);
			return QERR_IO;
		}
		if (idx_int_query(x->db, "PRAGMA application_id", &app) == 0 ||
		    tries > 0 ||
		    (sqlite3_extended_errcode(x->db) & 0xff) != SQLITE_READONLY)
			break;
		idx_close(x);
		recover(path);
	}
	if (app != IDX_APP_ID) {
		if (sqlite3_errcode(x->db) == SQLITE_BUSY ||
		    (sqlite3_errcode(x->db) == SQLITE_READONLY))
			qerr_set(err, QERR_IO, "cannot read index %s: %s", path,
				 sqlite3_errmsg(x->db));
		else
			qerr_set(err, QERR_DATA, "%s: not a quarry index", path);
		idx_close(x);
		return err ? err->code : QERR_DATA;
	}
	if (idx_int_query(x->db, "PRAGMA user_version", &ver) != 0 ||
	    ver != IDX_SCHEMA) {
		qerr_set(err, QERR_DATA,
			 "%s: index schema %ld, expected %d; run quarry index "
			 "again", path, ver, IDX_SCHEMA);
		idx_close(x);
		return QERR_DATA;
	}
	if (prep(x, SQL_META, &x->get_meta) == NULL) {
		qerr_set(err, QERR_DATA, "%s: not a quarry index (%s)", path,
			 sqlite3_errmsg(x->db));
		idx_close(x);
		return QERR_DATA;
	}
	if (ensure_read(x, err) != 0) {
		idx_close(x);
		return err ? err->code : QERR_DATA;
	}
	*out = x;
	return 0;
}

void idx_close(struct idx *x)
{
	if (x == NULL)
		return;
	idx_pause(x);
	sqlite3_finalize(x->begin);
	sqlite3_finalize(x->commit);
	sqlite3_finalize(x->get_doc);
	sqlite3_finalize(x->get_meta);
	sqlite3_finalize(x->scan);
	sqlite3_finalize(x->get_vocab);
	sqlite3_finalize(x->get_base);
	sqlite3_finalize(x->get_seg);
	sqlite3_finalize(x->vb_one);
	sqlite3_close(x->db);
	drop_caches(x);
	free(x->meta_val);
	free(x->path);
	buf_free(&x->blocks);
	buf_free(&x->cat);
	free(x);
}

/* Read the aliases table into x->aliases; 0, or the sticky error. */
static int load_aliases(struct idx *x)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc;

	x->naliases = 0;
	if (sqlite3_prepare_v2(x->db, "SELECT short, long, kind FROM aliases",
			       -1, &st, NULL) != SQLITE_OK)
		return DAMAGED(x, NULL, "%s: aliases: %s", x->path,
			       sqlite3_errmsg(x->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idx_alias *a;

		if (x->naliases == cap) {
			int c = cap ? cap * 2 : 32;
			struct idx_alias *na = c < cap ? NULL : realloc(
				x->aliases, (size_t)c * sizeof(*na));

			if (na == NULL)
				break;
			x->aliases = na;
			cap = c;
		}
		a = &x->aliases[x->naliases];
		a->acr = idx_col_dup(st, 0);
		a->exp = idx_col_dup(st, 1);
		a->kind = sqlite3_column_int(st, 2);
		if (!a->acr || !a->exp) {
			free(a->acr);
			free(a->exp);
			break;
		}
		x->naliases++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return fail(x, NULL, QERR_IO, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(x, NULL);
	return 0;
}

int idx_aliases(struct idx *x, const struct idx_alias **out)
{
	*out = NULL;
	if (ensure_read(x, NULL) != 0)
		return 0;
	if (x->naliases < 0)
		load_aliases(x);
	*out = x->aliases;
	return x->naliases;
}

int idx_is_bundled(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long app = 0;
	int yes = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
	    idx_int_query(db, "PRAGMA application_id", &app) == 0 &&
	    app == IDX_APP_ID &&
	    sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = "
				   "'bundled_hash'", -1, &st, NULL) == SQLITE_OK)
		yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return yes;
}

long idx_ndocs(struct idx *x)
{
	ensure_read(x, NULL);
	return x->ndocs;
}

long idx_maxdoc(struct idx *x)
{
	ensure_read(x, NULL);
	return x->maxdoc;
}

double idx_avglen(struct idx *x, int field)
{
	ensure_read(x, NULL);
	return x->avg[field];
}

void idx_cursor_open(struct idx *x, struct idx_cursor *c,
		     const unsigned char *data, size_t len)
{
	idx_cursor_init(c, data, len);
	if (ensure_read(x, NULL) != 0)
		return;
	c->del = x->del;
	c->del_end = x->maxdoc;
	c->scale = x->scale;
}

int idx_segment_stats(struct idx *x, long *nseg, long *ndeleted)
{
	if (ensure_read(x, NULL) != 0)
		return -1;
	*nseg = x->nseg + 1;
	*ndeleted = x->ndel;
	return 0;
}

long idx_nterms(struct idx *x)
{
	long n = 0;

	if (ensure_read(x, NULL) != 0)
		return -1;
	if (idx_int_query(x->db, "SELECT count(*) FROM vocab", &n) != 0) {
		db_fail(x, NULL);
		return -1;
	}
	return n;
}

const char *idx_meta(struct idx *x, const char *key)
{
	ensure_read(x, NULL);
	return meta_get(x, key);
}

/* Append the postings blob p[0..len) to blocks (the blocks of a blob
 * being assembled, whose last doc is *last, -1 when empty), rebasing its
 * first doc id delta; *count adds its postings.  -1 on a malformed blob,
 * one whose docs do not follow *last or reach maxdoc. */
static int concat_postings(struct buf *blocks, const unsigned char *p,
			   size_t len, long maxdoc, long *last, long *count)
{
	const unsigned char *end = p ? p + len : p;
	uint64_t df, n, blast, bytes, d;
	int first = 1;

	if (p == NULL || varint_get(&p, end, &df) != 0 ||
	    df > (uint64_t)(maxdoc - *count))
		return -1;
	*count += (long)df;
	while (p < end) {
		const unsigned char *h = p, *body, *bend, *q;

		if (varint_get(&p, end, &n) || varint_get(&p, end, &blast) ||
		    varint_get(&p, end, &bytes) || end - p < 4 ||
		    (uint64_t)(end - p - 4) < bytes || n == 0 ||
		    blast >= (uint64_t)maxdoc)
			return -1;
		body = p + 4;
		bend = body + bytes;
		if (!first) {
			if (buf_append(blocks, h, (size_t)(bend - h)) != 0)
				return -1;
		} else {
			/* The first delta counts from -1: rebase it on *last. */
			struct buf v = BUF_INIT;
			long doc;
			int rc;

			q = body;
			if (varint_get(&q, bend, &d) != 0 || d == 0 ||
			    d > (uint64_t)maxdoc)
				return -1;
			doc = (long)d - 1;
			if (doc <= *last || (long)blast < doc)
				return -1;
			rc = buf_put_varint(&v, (uint64_t)(doc - *last)) ||
			     buf_put_varint(blocks, n) ||
			     buf_put_varint(blocks, blast) ||
			     buf_put_varint(blocks, (uint64_t)(v.len +
							      (size_t)(bend - q))) ||
			     buf_append(blocks, p, 4) ||
			     buf_append(blocks, v.data, v.len) ||
			     buf_append(blocks, q, (size_t)(bend - q));
			buf_free(&v);
			if (rc)
				return -1;
			first = 0;
		}
		*last = (long)blast;
		p = bend;
	}
	return 0;
}

/* Finish an assembled blob: out = varint count + blocks. */
static int concat_finish(struct buf *out, const struct buf *blocks,
			 long count)
{
	buf_reset(out);
	return buf_put_varint(out, (uint64_t)count) ||
			       buf_append(out, blocks->data ? blocks->data : "",
					  blocks->len)
		       ? -1
		       : 0;
}

/* A term's df and base postings row (0 and 0 when absent); non-zero
 * (the sticky error set) when the index cannot be read or the row is
 * damaged.  Inside a read (ensure_read). */
static int vocab_lookup(struct idx *x, const char *term, long *df, long *id)
{
	size_t n = strlen(term);
	struct vslot *v = &x->vcache[str_hash(term, n) %
				     (sizeof(x->vcache) / sizeof(*x->vcache))];
	sqlite3_stmt *st;
	int rc;

	if (v->used && strcmp(v->term, term) == 0) {
		*df = v->df;
		*id = v->id;
		return 0;
	}
	*df = *id = 0;
	if ((st = prep(x, SQL_VOCAB, &x->get_vocab)) == NULL)
		return db_fail(x, NULL);
	sqlite3_bind_text(st, 1, term, (int)n, SQLITE_STATIC);
	rc = sqlite3_step(st);
	/* (df counts live records; id is a postings row or 0) */
	if (rc == SQLITE_ROW && (col_int(st, 0, 0, x->ndocs, df) != 0 ||
				 col_int(st, 1, 0, LONG_MAX, id) != 0)) {
		sqlite3_reset(st);
		*df = *id = 0;
		return DAMAGED(x, NULL, "%s: vocabulary row of '%s' out "
			       "of range", x->path, term);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(x, NULL);
	if (n < sizeof(v->term)) {
		memcpy(v->term, term, n + 1);
		v->df = *df;
		v->id = *id;
		v->used = 1;
	}
	return 0;
}

/* A term's postings when updates added segments: the base blob and the
 * segments' ones, concatenated into x->cat. */
static int postings_segmented(struct idx *x, const char *term, long *df,
			      const unsigned char **data, size_t *len,
			      struct qerr *err)
{
	sqlite3_stmt *bs = prep(x, SQL_BASE, &x->get_base);
	sqlite3_stmt *sg = prep(x, SQL_SEG, &x->get_seg);
	long id, last = -1, count = 0;
	int rc, bad = 0;

	if (bs == NULL || sg == NULL)
		return db_fail(x, err);
	if (vocab_lookup(x, term, df, &id) != 0)
		return idx_status(x, err);
	if (*df == 0)
		return 0;
	buf_reset(&x->blocks);
	if (id > 0) {
		sqlite3_reset(bs);
		sqlite3_bind_int64(bs, 1, id);
		if (sqlite3_step(bs) == SQLITE_ROW)
			bad = concat_postings(&x->blocks,
						  sqlite3_column_blob(bs, 0),
						  (size_t)sqlite3_column_bytes(bs, 0),
						  x->maxdoc, &last, &count);
		sqlite3_reset(bs);
	}
	sqlite3_reset(sg);
	sqlite3_bind_text(sg, 1, term, -1, SQLITE_TRANSIENT);
	while (!bad && (rc = sqlite3_step(sg)) == SQLITE_ROW)
		bad = concat_postings(&x->blocks, sqlite3_column_blob(sg, 0),
					  (size_t)sqlite3_column_bytes(sg, 0),
					  x->maxdoc, &last, &count);
	sqlite3_reset(sg);
	if (bad)
		return DAMAGED(x, err, "%s: postings of '%s'", x->path, term);
	if (concat_finish(&x->cat, &x->blocks, count) != 0)
		return fail(x, err, QERR_IO, "out of memory");
	*data = (const unsigned char *)x->cat.data;
	*len = x->cat.len;
	return 0;
}

/* Postings rows up to this size are kept between reads. */
#define POST_CACHE_MAX 4096

int idx_postings(struct idx *x, const char *term, long *df,
		 const unsigned char **data, size_t *len, struct qerr *err)
{
	struct pslot *ps;
	sqlite3_stmt *st;
	long v, id;
	int rc;

	*df = 0;
	*data = NULL;
	*len = 0;
	if ((rc = ensure_read(x, err)) != 0)
		return rc;
	if (x->nseg > 0)
		return postings_segmented(x, term, df, data, len, err);
	st = prep(x, SQL_BASE, &x->get_base);
	if (st == NULL)
		return db_fail(x, err);
	if (vocab_lookup(x, term, &v, &id) != 0)
		return idx_status(x, err);
	if (v == 0)
		return 0;
	ps = &x->pcache[(unsigned long)id %
			(sizeof(x->pcache) / sizeof(*x->pcache))];
	if (ps->blob != NULL && ps->id == id) {
		*df = v;
		*data = ps->blob;
		*len = ps->len;
		return 0;
	}
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0; /* a term without postings reads as absent */
	if (rc != SQLITE_ROW)
		return db_fail(x, err);
	if (sqlite3_column_type(st, 0) != SQLITE_BLOB)
		return DAMAGED(x, err, "%s: postings of '%s' are not a "
			       "blob", x->path, term);
	*df = v;
	*data = sqlite3_column_blob(st, 0);
	*len = (size_t)sqlite3_column_bytes(st, 0);
	/* (a slot is replaced only here: what an earlier call returned
	 * stays valid until this call, as promised) */
	if (*len > 0 && *len <= POST_CACHE_MAX) {
		unsigned char *copy = malloc(*len);

		if (copy != NULL) {
			memcpy(copy, *data, *len);
			free(ps->blob);
			ps->blob = copy;
			ps->len = *len;
			ps->id = id;
			*data = copy;
		}
	}
	return 0;
}

long idx_df(struct idx *x, const char *term)
{
	long df, id;

	if (ensure_read(x, NULL) != 0 || vocab_lookup(x, term, &df, &id) != 0)
		return 0;
	return df;
}

/* Copy each segment's norms row into x->norms at its first doc id: two
 * bytes for each of its n records, exactly. */
static int load_norms(struct idx *x)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(x->db, "SELECT s.base, s.n, n.data FROM "
				      "segments s LEFT JOIN norms n ON n.id = "
				      "s.id + 1", -1, &st, NULL) != SQLITE_OK)
		return DAMAGED(x, NULL, "%s: norms: %s", x->path,
			       sqlite3_errmsg(x->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long base, n;
		int type = sqlite3_column_type(st, 2);
		const void *p = sqlite3_column_blob(st, 2);
		size_t len = (size_t)sqlite3_column_bytes(st, 2);

		/* (load_segments checked base + n <= maxdoc) */
		if (col_int(st, 0, 0, x->maxdoc, &base) != 0 ||
		    col_int(st, 1, 0, x->maxdoc - base, &n) != 0 ||
		    (type != SQLITE_BLOB && !(type == SQLITE_NULL && n == 0)) ||
		    len != (size_t)n * 2)
			break;
		if (len > 0)
			memcpy(x->norms + (size_t)base * 2, p, len);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return DAMAGED(x, NULL, "%s: a segment's norms do not match "
			       "its records", x->path);
	return 0;
}

const unsigned char *idx_norms(struct idx *x)
{
	if (ensure_read(x, NULL) != 0)
		return NULL;
	if (x->norms)
		return x->norms;
	/* (maxdoc <= IDX_MAX_DOCS: no overflow) */
	x->norms = calloc((size_t)x->maxdoc * 2 + 2, 1);
	if (x->norms == NULL) {
		fail(x, NULL, QERR_IO, "out of memory");
		return NULL;
	}
	if (load_norms(x) != 0) {
		free(x->norms);
		x->norms = NULL;
	}
	return x->norms;
}

int idx_get_doc(struct idx *x, long id, struct idx_doc *d, struct qerr *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = ensure_read(x, err)) != 0)
		return rc;
	st = prep(x, SQL_DOC, &x->get_doc);
	if (st == NULL)
		return DAMAGED(x, err, "%s: records: %s", x->path,
			       sqlite3_errmsg(x->db));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return DAMAGED(x, err, "%s: record %ld missing",
				       x->path, id);
		return db_fail(x, err);
	}
	d->id = id;
	d->ext_id = idx_col_dup(st, 0);
	d->question = idx_col_dup(st, 1);
	d->answer = idx_col_dup(st, 2);
	d->source = idx_col_dup(st, 3);
	d->line = (long)sqlite3_column_int64(st, 4);
	d->kind = sqlite3_column_int(st, 5) == IDX_KIND_PASSAGE
			  ? IDX_KIND_PASSAGE : IDX_KIND_QA;
	sqlite3_reset(st);
	if (!d->ext_id || !d->question || !d->answer || !d->source) {
		idx_doc_clear(d);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	return 0;
}

void idx_doc_clear(struct idx_doc *d)
{
	if (d == NULL)
		return;
	free(d->ext_id);
	free(d->question);
	free(d->answer);
	free(d->source);
	memset(d, 0, sizeof(*d));
}

/* vocab row by row from prefix, to fn_df (term, df) or fn_len (term,
 * length). */
static int vocab_rows(struct idx *x, const char *prefix,
		      int (*fn_df)(void *ctx, const char *term, long df),
		      int (*fn_len)(void *ctx, const char *term, size_t len),
		      void *ctx)
{
	sqlite3_stmt *st;
	size_t n = strlen(prefix);
	int rc = 0, step;

	if (ensure_read(x, NULL) != 0)
		return -1;
	st = prep(x, SQL_SCAN, &x->scan);
	if (st == NULL) {
		DAMAGED(x, NULL, "%s: vocabulary: %s", x->path,
			sqlite3_errmsg(x->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		long df;

		if (t == NULL || strncmp(t, prefix, n) != 0)
			break;
		if (col_int(st, 1, 0, x->ndocs, &df) != 0) {
			DAMAGED(x, NULL, "%s: a vocabulary row is out of "
				"range", x->path);
			rc = -1;
			break;
		}
		rc = fn_df ? fn_df(ctx, t, df)
			   : fn_len(ctx, t, (size_t)sqlite3_column_bytes(st, 0));
	}
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(x, NULL);
		rc = -1;
	}
	sqlite3_reset(st);
	return rc;
}

int idx_vocab_scan(struct idx *x, const char *prefix,
		   int (*fn)(void *ctx, const char *term, long df), void *ctx)
{
	return vocab_rows(x, prefix, fn, NULL, ctx);
}


/* Buckets up to this size are kept between reads (all of a corpus like
 * the bundled one; on a large one, the two-byte buckets most often). */
#define VB_CACHE_MAX (64 * 1024)

int idx_vocab_words(struct idx *x, const char *prefix,
		    int (*fn)(void *ctx, const char *term, size_t len),
		    void *ctx)
{
	size_t n = strlen(prefix);
	const unsigned char *key;
	struct vbslot *slot;
	sqlite3_stmt *st;
	int rc = 0, klen;

	if (ensure_read(x, NULL) != 0)
		return -1;
	if (!x->vb || n == 0)
		return vocab_rows(x, prefix, NULL, fn, ctx);
	/* the two-byte bucket, or for one byte the first-byte bucket */
	klen = n >= 2 ? 2 : 1;
	key = (const unsigned char *)prefix;
	slot = &x->vbcache[(key[0] * 31u + (klen > 1 ? key[1] : 0u)) %
			   (sizeof(x->vbcache) / sizeof(*x->vbcache))];
	if (slot->klen == klen && memcmp(slot->key, key, (size_t)klen) == 0)
		return idx_vb_visit_z(slot->blob, prefix, n, (size_t)klen, fn, ctx);
	st = prep(x, "SELECT terms FROM vbuckets WHERE k = ?", &x->vb_one);
	if (st == NULL) {
		DAMAGED(x, NULL, "%s: vocabulary buckets: %s", x->path,
			sqlite3_errmsg(x->db));
		return -1;
	}
	sqlite3_bind_blob(st, 1, prefix, klen, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		/* (no bucket: no term with these bytes, remembered too) */
		const void *b = rc == SQLITE_ROW ? sqlite3_column_blob(st, 0)
						  : NULL;
		size_t len = b ? (size_t)sqlite3_column_bytes(st, 0) : 0;
		unsigned char *copy = NULL;

		if (len <= VB_CACHE_MAX && (copy = idx_vb_terminate(b, len)) != NULL) {
			free(slot->blob);
			slot->blob = copy;
			memcpy(slot->key, key, (size_t)klen);
			slot->klen = klen;
			rc = idx_vb_visit_z(copy, prefix, n, (size_t)klen, fn, ctx);
		} else {
			/* (vb_terminate fails on a damaged bucket, and
			 * vb_visit returns -1 on one) */
			rc = idx_vb_visit(b, len, prefix, n, fn, ctx);
			if (rc == -1)
				DAMAGED(x, NULL, "%s: a vocabulary bucket",
					x->path);
		}
	} else {
		db_fail(x, NULL);
		rc = -1;
	}
	sqlite3_reset(st);
	return rc;
}

int idx_sources(struct idx *x, struct idx_source **out, int *n,
		struct qerr *err)
{
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ensure_read(x, err)) != 0)
		return rc;
	return idx_read_sources(x->db, out, n, err);
}

