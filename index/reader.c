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
	/* open on a dels row within a read transaction: moving it
	 * to another row costs far less than a query */
	sqlite3_blob *del_bh;
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
	int long_lived;   /* paused once: reads through the memory map */
	/* the segments' doc ranges and deletion counts */
	struct rseg {
		long base, n, ndel;
	} *segs;
	int nsegs;
	/* dels rows read, by block (NULL: not yet); no_dels when the block
	 * has none */
	unsigned char **dels;
	long ndels;       /* entries of dels */
	char *meta_val;
	int has_passages; /* -1 until looked up (of generation gen) */
	struct idx_alias *aliases;
	int naliases; /* -1 until loaded */
	struct idx_alias *defs; /* the defined ones (kind 0) alone */
	int ndefs;              /* -1 until loaded */
	struct idx_alias one;   /* idx_alias_get's */
	/* vocab rows looked up (a question looks most terms up twice: its
	 * df, then its postings), by hash; of generation gen.  Terms too
	 * long for a slot, rare, are looked up each time: slots sized for
	 * the longest term would make struct idx, which a one-shot question
	 * allocates and clears, three times the pages. */
	struct vslot {
		char term[32];
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


/* How a reader reads the file.  A single question touches a few dozen
 * pages scattered over it, and each page costs more to map (a page fault,
 * then unmapping it at exit) than to read with pread into one of a few
 * buffers that are used again; fresh memory costs a page fault too, so
 * the page cache stays small.  Once the reader is long-lived (its first
 * idx_pause: a batch or a conversation asks again), it reads through a
 * memory map of as much of the file as SQLite maps (SQLITE_MAX_MMAP_SIZE,
 * 2 GB by default), where pages stay for the next questions. */
#define READER_ONE_SHOT "PRAGMA cache_size=16"
#define READER_LONG_LIVED "PRAGMA cache_size=-2000;" \
			  "PRAGMA mmap_size=1099511627776"

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

/* Copy the n bytes of blob row k of table (column data) into out through
 * *bh (opened on first use, closed by end_read); -1 when the row is not
 * there as a blob of n bytes, or cannot be read: the caller's query then
 * finds out which. */
static int blob_fetch(struct idx *x, sqlite3_blob **bh, const char *table,
		      long k, void *out, int n)
{
	int rc = *bh ? sqlite3_blob_reopen(*bh, k)
		     : sqlite3_blob_open(x->db, "main", table, "data", k, 0, bh);

	if (rc != SQLITE_OK) {
		/* (a failed reopen leaves the handle aborted) */
		sqlite3_blob_close(*bh);
		*bh = NULL;
		return -1;
	}
	if (sqlite3_blob_bytes(*bh) != n ||
	    sqlite3_blob_read(*bh, out, n, 0) != SQLITE_OK)
		return -1;
	return 0;
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

/* A block with no deleted doc (never freed). */
static unsigned char no_dels[IDX_NORM_BLOCK / 8];

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
	for (i = 0; i < x->ndels && x->dels; i++)
		if (x->dels[i] != no_dels)
			free(x->dels[i]);
	free(x->dels);
	x->dels = NULL;
	x->ndels = 0;
	free(x->segs);
	x->segs = NULL;
	x->nsegs = 0;
	free(x->aliases); /* strings included (pack_aliases) */
	x->aliases = NULL;
	x->naliases = -1;
	free(x->defs);
	x->defs = NULL;
	x->ndefs = -1;
	x->has_passages = -1;
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

/* Keep segment base..base+n-1 with ndel deleted in x->segs; -1 when
 * memory is short. */
static int add_seg(struct idx *x, long base, long n, long ndel)
{
	struct rseg *ns;

	if ((x->nsegs & (x->nsegs - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
		ns = realloc(x->segs, (size_t)(x->nsegs ? x->nsegs * 2 : 1) *
					      sizeof(*ns));
		if (ns == NULL)
			return -1;
		x->segs = ns;
	}
	x->segs[x->nsegs].base = base;
	x->segs[x->nsegs].n = n;
	x->segs[x->nsegs].ndel = ndel;
	x->nsegs++;
	return 0;
}

/* Are there dels rows?  (None may be while nothing is deleted.) */
static int has_dels(struct idx *x)
{
	long n = 0;

	return idx_int_query(x->db, "SELECT count(*) FROM (SELECT 1 FROM dels "
				    "LIMIT 1)", &n) != 0 || n != 0;
}

/* Segments: how many besides the base, the bound scale, deletion counts
 * (the deletion marks are read when a query meets them).  The rows must
 * be the base (id 0, from doc 0) and then segments of increasing,
 * disjoint doc ranges within maxdoc, holding ndocs live records between
 * them; x->maxdoc becomes the end of the last one (no posting can name a
 * doc beyond).  0, or a DAMAGED error. */
static int load_segments(struct idx *x, struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	long end = 0, live = 0, nrows = 0, maxdoc = x->maxdoc;
	const char *bad = NULL;
	char msg[200];
	int rc;

	x->nseg = x->ndel = 0;
	x->scale = 1.0;
	if (sqlite3_prepare_v2(x->db, "SELECT id, base, n, avg_q, avg_a, ndel "
				      "FROM segments ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return DAMAGED(x, err, "%s: segments: %s", x->path,
			       sqlite3_errmsg(x->db));
	while (bad == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		long id, base, n, ndel;
		int f;

		if (col_int(st, 0, 0, LONG_MAX, &id) || (nrows == 0) != (id == 0) ||
		    col_int(st, 1, end, maxdoc, &base) || (id == 0 && base != 0) ||
		    col_int(st, 2, 0, maxdoc - base, &n) ||
		    col_int(st, 5, 0, n, &ndel)) {
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
		if (add_seg(x, base, n, ndel) != 0) {
			bad = "out of memory";
			break;
		}
		x->ndel += ndel;
		live += n - ndel;
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
	if (bad == NULL && (x->ndel > 0) != has_dels(x))
		bad = x->ndel > 0 ? "deleted records without deletion marks"
				  : "deletion marks where no record is deleted";
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
	sqlite3_blob_close(x->del_bh);
	x->del_bh = NULL;
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
	if (!x->long_lived && x->db != NULL)
		sqlite3_exec(x->db, READER_LONG_LIVED, NULL, NULL, NULL);
	x->long_lived = 1;
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

/* Open an index file read-only.  Updates change the file in place under
 * SQLite's locks (a full build renames a new file over it), so locking
 * stays on.  A reader is used by one thread at a time, so the connection
 * goes without its mutexes. */
static int open_reader(const char *path, sqlite3 **db)
{
	int rc = sqlite3_open_v2(path, db,
				 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(*db, 1);
		sqlite3_busy_timeout(*db, 10000);
		sqlite3_exec(*db, READER_ONE_SHOT, NULL, NULL, NULL);
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
		x->naliases = x->ndefs = x->has_passages = -1;
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

const char *idx_path(struct idx *x)
{
	return x->path;
}

void idx_close(struct idx *x)
{
	if (x == NULL)
		return;
	end_read(x);
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
	free(x->one.acr);
	free(x->one.exp);
	free(x->meta_val);
	free(x->path);
	buf_free(&x->blocks);
	buf_free(&x->cat);
	free(x);
}

/* An alias row being read: where its strings begin in the text. */
struct alias_row {
	size_t acr, exp;
	int kind;
};

/* rows[0..n) and their strings text[0..len) as one allocation: the array
 * followed by the strings it points into, freed with one free(). */
static struct idx_alias *pack_aliases(const struct alias_row *rows, size_t n,
				      const char *text, size_t len)
{
	struct idx_alias *a = malloc(n * sizeof(*a) + len + 1);
	char *t;
	size_t i;

	if (a == NULL)
		return NULL;
	t = (char *)(a + n);
	if (len)
		memcpy(t, text, len);
	for (i = 0; i < n; i++) {
		a[i].acr = t + rows[i].acr;
		a[i].exp = t + rows[i].exp;
		a[i].kind = rows[i].kind;
	}
	return a;
}

/* Append column i of st and its NUL to text. */
static int put_col(struct buf *text, sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	int len = sqlite3_column_bytes(st, i);

	return buf_append(text, v ? (const char *)v : "", v ? (size_t)len : 0) |
	       buf_putc(text, 0);
}

/* Read the rows of the aliases table sql selects (short, long, kind, in
 * short order) into *arr (pack_aliases: the defined ones of a large
 * corpus are read by every question), *n of them; 0, or the sticky
 * error. */
static int load_aliases(struct idx *x, const char *sql,
			struct idx_alias **arr, int *n)
{
	sqlite3_stmt *st = NULL;
	struct buf text = BUF_INIT, rows = BUF_INIT;
	size_t cnt = 0;
	int rc = SQLITE_ERROR, bad = 0;

	*n = 0;
	if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK)
		return DAMAGED(x, NULL, "%s: aliases: %s", x->path,
			       sqlite3_errmsg(x->db));
	while (!bad && cnt < INT_MAX &&
	       (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct alias_row r;

		r.acr = text.len;
		bad = put_col(&text, st, 0);
		r.exp = text.len;
		bad |= put_col(&text, st, 1);
		r.kind = sqlite3_column_int(st, 2);
		bad |= buf_append(&rows, &r, sizeof(r));
		cnt++;
	}
	sqlite3_finalize(st);
	if (!bad && rc == SQLITE_DONE) {
		*arr = pack_aliases((const struct alias_row *)rows.data, cnt,
				    text.data, text.len);
		bad = *arr == NULL;
		*n = bad ? 0 : (int)cnt;
	}
	buf_free(&text);
	buf_free(&rows);
	if (bad || rc == SQLITE_ROW)
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
		load_aliases(x, "SELECT short, long, kind FROM aliases ORDER BY "
				"short", &x->aliases, &x->naliases);
	*out = x->aliases;
	return x->naliases;
}

/* The defined aliases from their blob in meta (write_alias_defs in
 * build.c) into x->defs: 0; -1 when the index has no such blob (built
 * before it was written: the table is read instead); or the sticky
 * error. */
static int load_alias_defs(struct idx *x)
{
	sqlite3_stmt *st = prep(x, SQL_META, &x->get_meta);
	struct buf rows = BUF_INIT;
	const char *p;
	size_t len, i, cnt = 0;
	int rc, bad = 0;

	if (st == NULL)
		return db_fail(x, NULL);
	sqlite3_bind_text(st, 1, "alias_defs", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? -1 : db_fail(x, NULL);
	}
	p = sqlite3_column_blob(st, 0);
	len = (size_t)sqlite3_column_bytes(st, 0);
	/* pairs of NUL-terminated strings, nothing after the last */
	if (sqlite3_column_type(st, 0) != SQLITE_BLOB ||
	    (len > 0 && p[len - 1] != '\0')) {
		sqlite3_reset(st);
		return DAMAGED(x, NULL, "%s: aliases", x->path);
	}
	for (i = 0; !bad && i < len && cnt < INT_MAX; cnt++) {
		struct alias_row r;

		r.acr = i;
		i += strlen(p + i) + 1;
		r.exp = i;
		if (i >= len) {
			i = len + 1; /* (a short form without its long one) */
			break;
		}
		i += strlen(p + i) + 1;
		r.kind = IDX_ALIAS_DEFINED;
		bad = buf_append(&rows, &r, sizeof(r));
	}
	if (!bad && i == len && cnt < INT_MAX) {
		x->defs = pack_aliases((const struct alias_row *)rows.data, cnt,
				       p, len);
		bad = x->defs == NULL;
		x->ndefs = bad ? 0 : (int)cnt;
		rc = bad ? fail(x, NULL, QERR_IO, "out of memory") : 0;
	} else {
		rc = bad ? fail(x, NULL, QERR_IO, "out of memory")
			 : DAMAGED(x, NULL, "%s: aliases", x->path);
	}
	sqlite3_reset(st);
	buf_free(&rows);
	return rc;
}

int idx_aliases_defined(struct idx *x, const struct idx_alias **out)
{
	*out = NULL;
	if (ensure_read(x, NULL) != 0)
		return 0;
	if (x->ndefs < 0 && load_alias_defs(x) == -1)
		load_aliases(x, "SELECT short, long, kind FROM aliases WHERE "
				"kind = 0 ORDER BY short", &x->defs, &x->ndefs);
	if (x->ndefs < 0)
		x->ndefs = 0; /* (failed: the sticky error says why) */
	*out = x->defs;
	return x->ndefs;
}

const struct idx_alias *idx_alias_get(struct idx *x, const char *term)
{
	sqlite3_stmt *st = NULL;
	const struct idx_alias *r = NULL;
	int rc;

	free(x->one.acr);
	free(x->one.exp);
	x->one.acr = x->one.exp = NULL;
	if (ensure_read(x, NULL) != 0)
		return NULL;
	if (sqlite3_prepare_v2(x->db, "SELECT short, long, kind FROM aliases "
				      "WHERE short = ?", -1, &st, NULL) != SQLITE_OK) {
		DAMAGED(x, NULL, "%s: aliases: %s", x->path,
			sqlite3_errmsg(x->db));
		return NULL;
	}
	sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		x->one.acr = idx_col_dup(st, 0);
		x->one.exp = idx_col_dup(st, 1);
		x->one.kind = sqlite3_column_int(st, 2);
		if (x->one.acr && x->one.exp)
			r = &x->one;
		else
			fail(x, NULL, QERR_IO, "out of memory");
	} else if (rc != SQLITE_DONE)
		db_fail(x, NULL);
	sqlite3_finalize(st);
	return r;
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

/* Read dels row k: its bits (no_dels when there is no row), or NULL with
 * the sticky error set. */
static unsigned char *load_dels(struct idx *x, long k)
{
	sqlite3_stmt *st = NULL;
	unsigned char *out = malloc(sizeof(no_dels));
	int rc;

	if (out == NULL) {
		fail(x, NULL, QERR_IO, "out of memory");
		return NULL;
	}
	if (blob_fetch(x, &x->del_bh, "dels", k, out, (int)sizeof(no_dels)) ==
	    0)
		return out;
	free(out);
	out = NULL;
	if (sqlite3_prepare_v2(x->db, "SELECT data FROM dels WHERE id = ?", -1,
			       &st, NULL) != SQLITE_OK) {
		DAMAGED(x, NULL, "%s: dels: %s", x->path, sqlite3_errmsg(x->db));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, k);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		out = no_dels;
	else if (rc == SQLITE_ROW &&
		 sqlite3_column_type(st, 0) == SQLITE_BLOB &&
		 sqlite3_column_bytes(st, 0) == (int)sizeof(no_dels)) {
		if ((out = malloc(sizeof(no_dels))) != NULL)
			memcpy(out, sqlite3_column_blob(st, 0), sizeof(no_dels));
		else
			fail(x, NULL, QERR_IO, "out of memory");
	} else if (rc == SQLITE_ROW)
		DAMAGED(x, NULL, "%s: deletion marks of records %ld..%ld are "
			"not %d bytes", x->path, k * IDX_NORM_BLOCK,
			(k + 1) * IDX_NORM_BLOCK - 1, (int)sizeof(no_dels));
	else
		db_fail(x, NULL);
	sqlite3_finalize(st);
	return out;
}

/* A cursor's del_fetch: the deletion marks of doc's block (NULL when no
 * segment with deletions overlaps it, or doc lies past the last segment,
 * which the caller reports). */
static int del_fetch(void *ctx, long doc, const unsigned char **del,
		     long *lo, long *hi)
{
	struct idx *x = ctx;
	long k = doc >> IDX_NORM_SHIFT;
	int i, any = 0;

	*del = NULL;
	*lo = k * IDX_NORM_BLOCK;
	*hi = *lo + IDX_NORM_BLOCK;
	if (doc < 0 || doc >= x->maxdoc) {
		*lo = doc < 0 ? LONG_MIN : x->maxdoc;
		*hi = doc < 0 ? 0 : LONG_MAX;
		return 0;
	}
	for (i = 0; i < x->nsegs && !any; i++)
		any = x->segs[i].ndel > 0 && x->segs[i].base < *hi &&
		      x->segs[i].base + x->segs[i].n > *lo;
	if (!any)
		return 0;
	/* (maxdoc <= IDX_MAX_DOCS: at most 2 MB of pointers, allocated,
	 * not read) */
	if (x->dels == NULL) {
		x->ndels = ((x->maxdoc - 1) >> IDX_NORM_SHIFT) + 1;
		if ((x->dels = calloc((size_t)x->ndels, sizeof(*x->dels))) ==
		    NULL) {
			x->ndels = 0;
			return fail(x, NULL, QERR_IO, "out of memory");
		}
	}
	if (x->dels[k] == NULL && (x->dels[k] = load_dels(x, k)) == NULL)
		return -1;
	*del = x->dels[k] == no_dels ? NULL : x->dels[k];
	return 0;
}

void idx_cursor_open(struct idx *x, struct idx_cursor *c,
		     const unsigned char *data, size_t len)
{
	idx_cursor_init(c, data, len);
	if (ensure_read(x, NULL) != 0)
		return;
	if (x->ndel > 0) {
		c->del_fetch = del_fetch;
		c->del_ctx = x;
	}
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
	long long c;
	long n = 0;

	if (ensure_read(x, NULL) != 0)
		return -1;
	if (meta_get(x, "nterms") != NULL) {
		if (meta_int(x, "nterms", 0, LONG_MAX, 0, &c, NULL) != 0)
			return -1;
		return (long)c;
	}
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

int idx_has_passages(struct idx *x)
{
	sqlite3_stmt *st = NULL;

	if (ensure_read(x, NULL) != 0)
		return 0;
	if (x->has_passages >= 0)
		return x->has_passages;
	x->has_passages = 0;
	if (sqlite3_prepare_v2(x->db,
			       "SELECT 1 FROM sources WHERE kind = 1 LIMIT 1",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		x->has_passages = 1;
	sqlite3_finalize(st);
	return x->has_passages;
}

long idx_df(struct idx *x, const char *term)
{
	long df, id;

	if (ensure_read(x, NULL) != 0 || vocab_lookup(x, term, &df, &id) != 0)
		return 0;
	return df;
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
	return idx_read_sources(x->db, NULL, out, n, err);
}

int idx_doc_sources(struct idx *x, const long *docs, int ndocs,
		    struct idx_source **out, int *n, struct qerr *err)
{
	struct buf w = BUF_INIT;
	char num[32];
	int i, rc, bad;

	*out = NULL;
	*n = 0;
	if ((rc = ensure_read(x, err)) != 0 || ndocs <= 0)
		return rc;
	bad = buf_puts(&w, "WHERE id IN (SELECT source FROM docs WHERE id IN (");
	for (i = 0; i < ndocs; i++) {
		snprintf(num, sizeof(num), "%s%ld", i ? "," : "", docs[i]);
		bad |= buf_puts(&w, num);
	}
	if ((bad | buf_puts(&w, "))")) != 0) {
		buf_free(&w);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	rc = idx_read_sources(x->db, w.data, out, n, err);
	buf_free(&w);
	return rc;
}

