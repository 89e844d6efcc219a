/* idx_int.h - what the files of the index share.  Not for the rest of
 * quarry: use idx.h.
 *
 * Layers, each calling only those below it:
 *   update.c  changes an index in place (its own begin and commit)
 *   build.c   the builder: term table, records, commit of a full build
 *   spill.c   run files and their merge       reader.c  reading
 *   vocab.c   vocabulary buckets, both sides
 *   postings.c  norms, the postings encoder and cursor;  db.c  SQLite helpers
 */
#ifndef QUARRY_IDX_INT_H
#define QUARRY_IDX_INT_H

#include <sqlite3.h>

#include "../util/buf.h"
#include "../util/strmap.h"
#include "idx.h"

struct tok;
struct docana;
struct docana_work;

struct term {
	char *text;
	struct buf post; /* n x (docid delta, tf_q, tf_a) varints, this run */
	long df, cf, last; /* since the last spill (or ever, without one) */
};

struct idx_build {
	char *path, *tmp; /* path resolved through symbolic links */
	int lock_fd;      /* the writer lock (idx_lock_writer), or -1 */
	sqlite3 *db;
	sqlite3_stmt *ins_doc;
	struct tok *tok;
	struct qerr err; /* sticky */
	long ndocs, src_id;
	long long len[IDX_NFIELDS];
	struct buf norms;
	/* open-addressing table of term indexes (+1; 0 = empty) */
	struct slot {
		uint32_t hash; /* low bits of the term's hash */
		uint32_t id;   /* term index + 1; 0 = empty */
	} *slots;
	size_t nslots;
	/* terms in blocks of TERM_BLOCK, so growing never copies them */
	struct term **tblocks;
	size_t nterms, cap_terms, nblocks;
	/* acronyms defined in the text: "acr\texpansion" -> count */
	struct strmap aliases;
	/* the words of the records, unstemmed -> count (surface.c) */
	struct strmap surface;
	/* word pairs and triples of questions: "initials\tterms" -> count */
	struct strmap grams;
	long gram_min; /* counts below this are pruned (lossy counting) */
	/* the record being added by idx_build_add (docana.h) */
	struct docana *ana;
	struct docana_work *work;
	/* Postings spill to sorted run files when they outgrow the budget. */
	size_t post_bytes, budget;
	int threads; /* it may run at once (idx_build_set_threads) */
	int nruns;
	/* progress, for idx_build_progress */
	long long in_bytes;
	/* An update in place (idx_update_begin) writes one new segment: doc
	 * ids from doc0 (ndocs is the next id in both modes). */
	int update;
	long doc0, seg;
	long live;                       /* live records outside the segment */
	long long live_len[IDX_NFIELDS]; /* and their lengths */
	long long gen;                   /* meta generation read at begin */
	long src_row;                    /* sources row being filled, 0 none */
	struct segrow *segs;             /* the segments there were */
	int nsegs;
	/* vocabulary buckets an update changed: a bit per key (VB_SLOTS),
	 * or vb_all when that could not be tracked */
	unsigned char *vb_touched;
	int vb_all;
	/* record vectors being written (vecstore.c), NULL until the first */
	struct vst *vst;
};

#define SURFACE_SCHEMA                                                       \
	"CREATE TABLE IF NOT EXISTS surface(word TEXT PRIMARY KEY, stem TEXT, " \
	"n INT) WITHOUT ROWID"

#define VB_SCHEMA "CREATE TABLE IF NOT EXISTS vbuckets(k BLOB PRIMARY KEY, " \
		  "terms BLOB) WITHOUT ROWID"
#define VB_SLOTS (256 + 65536)

/* Doc ids an index may hold lie below this: a segment's norms (two
 * bytes a record) must fit in one SQLite blob (at most 1e9 bytes), and
 * a reader allocates a few bytes per doc id, so a larger id can only
 * come from a damaged file. */
#define IDX_MAX_DOCS (1L << 28)
/* And a total of field lengths (terms) at most this. */
#define IDX_MAX_LEN (1LL << 60)

/* A segment of an index being updated (see segments in idx.h). */
struct segrow {
	long id, base, n;
	double avg[IDX_NFIELDS];
	unsigned char *del; /* (n + 7) / 8 bytes, or NULL: none deleted */
	int dirty;          /* del changed */
};


/* ---- surface.c (see its opening comment for the table) ---- */

/* Count word[0..n) (a normalized word, not a stop word; h its str_hash)
 * of record doc in m, once a record (records come in order); -1 on
 * out-of-memory. */
int idx_surface_note(struct strmap *m, const char *word, size_t n,
		     uint64_t h, long doc);
/* m's words in order with their stems, made apart from any database
 * (on a thread of its own while the build writes its terms: m must not
 * change meanwhile); NULL when memory runs out.  Free with
 * idx_surface_rows_free (accepts NULL). */
struct surface_rows;
struct surface_rows *idx_surface_rows(const struct strmap *m);
void idx_surface_rows_free(struct surface_rows *r);
/* Write r to db's surface table: into an empty one, or with add set,
 * adding to the counts there.  0 or QERR_IO (err set). */
int idx_surface_put(sqlite3 *db, const struct surface_rows *r, int add,
		    struct qerr *err);
/* Take m's counts (words of deleted records, noted as idx_surface_note
 * does) from db's surface table, dropping the words no record holds any
 * more.  0 or QERR_IO (err set). */
int idx_surface_take(sqlite3 *db, const struct strmap *m, struct qerr *err);

/* ---- reader.c ---- */

/* x's database inside its read transaction of the current generation
 * (begun if need be), for the index's other readers (vecstore.c,
 * surface.c); NULL when it cannot be read, with the sticky error set (and
 * copied to err when not NULL). */
sqlite3 *idx_read_db(struct idx *x, struct qerr *err);

/* ---- db.c ---- */

/* Run SQL, setting err (QERR_IO) on failure. */
int idx_exec(sqlite3 *db, const char *sql, struct qerr *err);
/* The first column of the first row of sql as an integer; -1 on error. */
int idx_int_query(sqlite3 *db, const char *sql, long *v);
/* Column i of st as a new string ("" for NULL); NULL on out-of-memory. */
char *idx_col_dup(sqlite3_stmt *st, int i);
/* Read the sources table of db: the rows where (SQL text such as "WHERE
 * id IN (...)", trusted) selects, or every row when where is NULL. */
int idx_read_sources(sqlite3 *db, const char *where,
		     struct idx_source **out, int *n, struct qerr *err);

/* ---- postings.c ---- */

/* Encode raw (df postings: varint doc delta from the previous, -1 at
 * first, tf_q, tf_a) as a postings blob into out, with block bounds from
 * norms (the lengths of docs base, base+1, ...) and averages avg. */
int idx_encode_postings(const unsigned char *norms, long base,
			const struct buf *raw, long df,
			const double avg[IDX_NFIELDS], struct buf *out,
			struct buf *body);

/* ---- vocab.c ---- */

/* Accumulates the pending two-byte bucket and the pending first-byte
 * bucket as terms come in order; each is written when its key changes. */
struct vb_out {
	sqlite3_stmt *put, *del;
	struct buf two, one;
	unsigned char k[2]; /* the two-byte bucket's key */
	int has2;           /* a two-byte bucket is pending */
	int c;              /* the first-byte bucket's byte, -1 none */
};

/* Start writing buckets into db; -1 when its statements cannot be made
 * (then idx_vb_end still releases v). */
int idx_vb_begin(sqlite3 *db, struct vb_out *v);
/* Add a term (terms come in order) to its buckets; -1 on failure. */
int idx_vb_add(struct vb_out *v, const char *t, size_t n);
/* Write the pending buckets. */
int idx_vb_flush(struct vb_out *v);
void idx_vb_end(struct vb_out *v);
/* Note that the bucket of term t changed (an update added or dropped t). */
void idx_vb_touch(struct idx_build *b, const char *t);
/* Rebuild every bucket of b's index from vocab; or only those
 * idx_vb_touch marked (and the first-byte buckets above them).  -1 on
 * failure (the message is sqlite3_errmsg of b->db). */
int idx_vb_rebuild_all(struct idx_build *b, struct vb_out *v);
int idx_vb_rebuild_touched(struct idx_build *b, struct vb_out *v);
/* Visit the entries of bucket blob p[0..len) that start with
 * prefix[0..n); fn's non-zero return stops and is returned, -1 on a
 * damaged bucket. */
int idx_vb_visit(const unsigned char *p, size_t len, const char *prefix,
		 size_t n, int (*fn)(void *ctx, const char *term, size_t len),
		 void *ctx);
/* A bucket's entries with a NUL after each (for idx_vb_visit_z), or NULL
 * when it is damaged or memory is short; the caller frees it. */
unsigned char *idx_vb_terminate(const unsigned char *p, size_t len);
/* idx_vb_visit over idx_vb_terminate's form: no copying.  Every entry
 * begins with the bucket's key, the first klen bytes of prefix. */
int idx_vb_visit_z(const unsigned char *p, const char *prefix, size_t n,
		   size_t klen,
		   int (*fn)(void *ctx, const char *term, size_t len),
		   void *ctx);

/* ---- spill.c ---- */

/* Write the terms order[0..n) (sorted, with their postings of this run)
 * to b's next run file; 0, or b's sticky error. */
int idx_spill_write(struct idx_build *b, struct term *const *order,
		    size_t n);
/* What idx_spill_merge hands each term to: its df and cf over all runs
 * and raw, its whole postings stream (deltas from -1). */
typedef int (*idx_spill_fn)(void *ctx, const char *term, long df, long cf,
			    const struct buf *raw, struct qerr *err);
/* Merge b's run files, calling put once per term in strcmp order; stops
 * at put's first non-zero return and returns it. */
int idx_spill_merge(struct idx_build *b, idx_spill_fn put, void *ctx,
		    struct qerr *err);
/* Remove b's run files. */
void idx_spill_remove(const struct idx_build *b);

/* ---- build.c ---- */

/* A builder for path with nothing open yet (NULL, err set, on OOM). */
struct idx_build *idx_build_new(const char *path, struct qerr *err);
/* Write the terms (vocab and postings rows, or an update's segpost rows)
 * of b. */
int idx_write_terms(struct idx_build *b, struct qerr *err);
/* Write the rows after the terms: the new segment's norms and segments
 * rows (a full build's always, an update's when it added records), the
 * aliases and the surface words (rows: idx_surface_rows of b->surface). */
int idx_write_segment(struct idx_build *b, const struct surface_rows *rows,
		      struct qerr *err);
/* A commit's first steps, full build or update alike: the sticky status,
 * then the pending terms (idx_write_terms) and the new segment
 * (idx_write_segment).  0, or the error in err; the caller aborts b after
 * its own steps either way. */
int idx_write_pending(struct idx_build *b, struct qerr *err);
/* Write the meta counts and stamps of b; "created" or "updated" by
 * b->update. */
int idx_write_meta(struct idx_build *b, struct qerr *err);
/* Average length of field f once b is committed (all live records). */
double idx_build_avg(const struct idx_build *b, int f);
/* Close the current source row (its record count). */
int idx_finish_source(struct idx_build *b);
/* COMMIT b's transaction and close its connection (b->db NULL after). */
int idx_build_close_db(struct idx_build *b, struct qerr *err);

#endif
