/* idx.h - the BM25 index stored in one SQLite file.
 *
 * File format (PRAGMA application_id = 0x51525259 "QRRY", user_version =
 * IDX_SCHEMA):
 *
 *   meta(key TEXT PRIMARY KEY, value)      WITHOUT ROWID
 *       ndocs         number of live records (deleted ones not counted)
 *       maxdoc        one past the largest doc id ever given (>= ndocs)
 *       len_q, len_a  total question / answer lengths in terms of the live
 *                     records (the BM25 averages are these over ndocs)
 *       generation    bumped by every commit, so an open reader notices
 *                     an update made in place
 *       analyzer      TOK_VERSION the terms were made with
 *       bundled_hash  FNV-1a 64 of the embedded corpus, when built from it
 *       created       unix time of the build
 *       nterms        rows of vocab (distinct terms)
 *       mtime_ref     when the last build or update began reading files
 *                     (nanoseconds since the epoch, whole seconds of the
 *                     file-system clock); when present, sources.mtime
 *                     are nanoseconds, else whole seconds (older
 *                     indexes).  A source whose mtime is not older is
 *                     racy: its content is compared, not only its stat.
 *   sources(id INTEGER PRIMARY KEY, path TEXT, size INT, mtime INT,
 *           hash TEXT, bundled INT, first INT, n INT, kind INT,
 *           format TEXT)
 *       every file read, so `ask` can notice it changed: size, mtime
 *       and hash of the bytes read, all from the descriptor they were
 *       read through (mtime -1: unknown, compare the content); its
 *       records are the doc ids first .. first+n-1.  kind: how the file
 *       was read (IDX_KIND_QA or IDX_KIND_PASSAGE); format: what it was
 *       read as ("txt", "md", "jsonl", "html", or a converter's extension).
 *   docs(id INTEGER PRIMARY KEY, ext_id TEXT, source INT, line INT,
 *        question TEXT, answer TEXT, len_q INT, len_a INT)
 *       the live records; id is the internal doc id, given in the order
 *       the records were read (0..maxdoc-1, with holes where records
 *       were deleted).
 *   vocab(term TEXT PRIMARY KEY, id INT, df INT, cf INT)  WITHOUT ROWID
 *       every distinct term of the live records: document frequency,
 *       collection frequency (both exact, deletions subtracted) and the
 *       row of its base segment postings (0: none).  Small rows, so
 *       scanning the vocabulary (prefix and fuzzy matching) never touches
 *       postings.
 *   segments(id INTEGER PRIMARY KEY, base INT, n INT, avg_q REAL,
 *            avg_a REAL, ndel INT)
 *       the index is a base segment (id 0, written by a full build) and
 *       the segments later updates added (`quarry index --update`), in
 *       increasing doc id order: segment s holds doc ids base..base+n-1.
 *       avg_q/avg_a are the average lengths its blocks' max_impact bounds
 *       were computed with (a reader scales the bounds when the averages
 *       have grown since); ndel counts its deleted records (marked
 *       in dels).  Deleted docs stay in the postings until
 *       their segment is merged (or the next full build); queries skip
 *       them.
 *   postings(id INTEGER PRIMARY KEY, data BLOB)
 *       the base segment: one blob per term, read in one go:
 *         varint ndocs
 *         blocks of up to IDX_BLOCK postings, each:
 *           varint n, varint last_docid, varint body_bytes,
 *           4 bytes max_impact (float, little-endian: the block's largest
 *             tf/(tf+k1) saturation at the default parameters, for
 *             block-max pruning; negated when no posting of the block
 *             has the term in the question field, so that the bound
 *             leaves out the question-match bonus there),
 *           body: n x (varint docid delta, varint tf_q, varint tf_a,
 *             then the doc's norms code (see norms) of the question when
 *             tf_q > 0 and of the answer when tf_a > 0: one byte each),
 *         docid deltas run across blocks, starting from -1.  A posting
 *         carries the lengths it is scored with, so that ranking reads
 *         no norms row: a question on a large index would otherwise read
 *         a page of norms for nearly every record it scores.
 *   segpost(seg INT, term TEXT, data BLOB), indexes on (term, seg), (seg)
 *       the other segments' postings, same format (absolute doc ids); a
 *       term's postings are the base blob followed by its segpost blobs in
 *       segment order.  An update drops a segment all of whose records
 *       were deleted, and merges the newest two while the newer is at
 *       least half the older's size or there are more than
 *       IDX_MAX_SEGMENTS (see update.c).
 *   aliases(short TEXT PRIMARY KEY, long TEXT, n INT, kind INT)
 *           WITHOUT ROWID
 *       kind 0: acronyms the corpus defines ("Long Short-Term Memory
 *       (LSTM)", see alias.h), analyzed: short is one term ("lstm"), long
 *       the terms it stands for separated by spaces ("long short term
 *       memori"); n counts the definitions seen (the most frequent wins).
 *       kind 1: runs of two or three content words that questions use at
 *       least twice, under their initials ("dnn" -> "deep neural network"),
 *       for acronyms the corpus uses without defining; defined ones win.
 *       An index on (kind, short, long) hands a question the defined
 *       ones without the rest, which it looks up by short form only.
 *   surface(word TEXT PRIMARY KEY, stem TEXT, n INT) WITHOUT ROWID
 *       every word of the records that is not a stop word, normalized
 *       but not stemmed, with its stem and the number of live records
 *       that hold it (updates add and subtract, as for df): spelling
 *       is compared with the words, not the stems (see surface.c).
 *   norms(id INTEGER PRIMARY KEY, data BLOB)
 *       row k: docs k * IDX_NORM_BLOCK .. (k + 1) * IDX_NORM_BLOCK - 1,
 *       two bytes per doc, the question and answer lengths quantized by
 *       idx_norm_encode (exact below 64, ~4% above); every row is
 *       2 * IDX_NORM_BLOCK bytes but the last, which ends at meta maxdoc
 *       (rows 0 .. (maxdoc - 1) / IDX_NORM_BLOCK, whatever the segments).
 *       A row fits in one page, so a reader fetches the rows of the docs
 *       a query scores when it first meets them, never the whole array:
 *       opening an index costs the same whatever its size.  Doc ids never
 *       change, so merging segments leaves the rows alone; ids of dropped
 *       segments keep their (unread) lengths.
 *   dels(id INTEGER PRIMARY KEY, data BLOB)
 *       row k: IDX_NORM_BLOCK / 8 bytes, bit i (of byte i / 8) set when
 *       doc k * IDX_NORM_BLOCK + i was deleted; only blocks with a
 *       deleted doc have a row (none while no segment's ndel is above 0).
 *       A reader fetches the row of a block when a query first meets a
 *       posting in it, as for norms.
 *   vbuckets(k BLOB PRIMARY KEY, terms BLOB)  WITHOUT ROWID
 *       the vocabulary's terms in buckets, each one blob of entries (a
 *       length byte, the term's bytes) in term order: k of two bytes
 *       holds the terms of two bytes or more starting with them, k of one
 *       byte all the terms starting with it.  Completing or respelling a
 *       word the index lacks reads a bucket, not hundreds of vocab rows.
 *       meta vbuckets holds the generation they were written for; readers
 *       use them only when it is the index's (an older quarry may have
 *       updated vocab alone) and scan vocab otherwise.  An update rewrites
 *       the buckets of the terms it added or dropped.
 *
 * Building is atomic: idx_build_* writes PATH.tmp-PID beside PATH (the
 * link's target when PATH is a symbolic link) and renames it over PATH
 * only when complete.  An update (idx_update_begin)
 * changes the file in place inside one SQLite transaction (rollback
 * journal): a killed update is rolled back by the next reader.  Readers
 * open read-only and read inside a transaction, so they see the index
 * either before or after an update, never half of one; long-lived
 * readers call idx_pause between questions so updates can commit.  What
 * a reader keeps between reads (statistics, norms, aliases, document
 * frequencies, small vocabulary buckets, short postings rows) belongs to
 * one generation and is dropped when a read finds another.
 *
 * An index file may come from someone else: a reader checks every
 * number it reads against the others and against the blobs before it
 * sizes an allocation or indexes an array (meta counts are whole
 * decimal integers, ndocs <= maxdoc < 2^28 doc ids; segment rows, in id
 * order, are the base from doc 0 and then disjoint ranges below maxdoc
 * holding ndocs live records, ndel in 0..n; a dels row is
 * IDX_NORM_BLOCK / 8 bytes, and there is none when nothing is deleted; a
 * norms row is exactly as long as its docs below maxdoc need; a df lies
 * in 0..ndocs; postings name docs below the last segment's end), and
 * reports a failed check as QERR_DATA "index is damaged: PATH: what"
 * (see idx_status).
 *
 * Ownership: strings returned as const char * are borrowed from the handle
 * until the next call on it; char * results are the caller's to free. */
#ifndef QUARRY_IDX_H
#define QUARRY_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define IDX_SCHEMA 9
#define IDX_APP_ID 0x51525259
#define IDX_BLOCK 128
/* Docs per norms row: 2 KB of lengths, one page of the file. */
#define IDX_NORM_SHIFT 10
#define IDX_NORM_BLOCK (1L << IDX_NORM_SHIFT)
/* Non-base segments an update leaves before merging them into one. */
#define IDX_MAX_SEGMENTS 8

enum { IDX_Q = 0, IDX_A = 1, IDX_NFIELDS = 2 };

/* Default BM25F parameters; the blocks' max_impact bounds assume them. */
#define IDX_K1 1.2
#define IDX_B 0.75
#define IDX_WQ 3.0
#define IDX_WA 1.0

struct idx;       /* an open index, read-only */
struct idx_build; /* an index being written */

struct idx_doc {
	long id;          /* internal doc id */
	char *ext_id;     /* the record's id */
	char *question;
	char *answer;
	char *source;
	long line;
	int kind;         /* its source's: IDX_KIND_QA or IDX_KIND_PASSAGE */
};

struct idx_source {
	char *path;
	long long size, mtime;
	char *hash;
	int bundled;
	long n;       /* records read from it */
	int kind;     /* IDX_KIND_QA or IDX_KIND_PASSAGE */
	char *format; /* "" when not recorded */
};

enum { IDX_KIND_QA = 0, IDX_KIND_PASSAGE = 1 };

/* ---- building ---- */

/* Start a new index that will replace path when committed.  The directory
 * must exist and be writable (QERR_IO otherwise). */
int idx_build_begin(struct idx_build **out, const char *path,
		    struct qerr *err);
/* Record a source file (path as given; size, mtime and content hash). */
int idx_build_source(struct idx_build *b, const char *path, long long size,
		     long long mtime, const char *hash, int bundled);
/* Set the size, mtime and hash of the source recorded last, known once
 * it has been read through. */
int idx_build_source_stat(struct idx_build *b, long long size,
			  long long mtime, const char *hash);
/* How the most recently added source was read (IDX_KIND_*, and its
 * format name, may be NULL). */
int idx_build_source_kind(struct idx_build *b, int kind, const char *format);
/* Add one record from the most recently added source: docana_run, then
 * idx_build_add_analysed. */
int idx_build_add(struct idx_build *b, const char *ext_id,
		  const char *question, const char *answer, long line);
/* Add one record whose text d holds analysed (docana.h, made with the
 * analyzer of TOK_STEM and idx_vst_vec's vectors). */
struct docana;
int idx_build_add_analysed(struct idx_build *b, const char *ext_id,
			   const char *question, const char *answer,
			   long line, const struct docana *d);
void idx_build_meta(struct idx_build *b, const char *key, const char *value);
/* Write everything and atomically move it into place. On failure the
 * temporary file is removed and the old index is untouched. Frees b.
 * QERR_IO for a builder from idx_update_begin (see idx_update_commit). */
int idx_build_commit(struct idx_build *b, struct qerr *err);
/* Bytes of postings and vocabulary kept in memory before a sorted run is
 * spilled to a temporary file beside the index (merged at commit). */
#define IDX_BUILD_MEMORY ((size_t)256 << 20)
/* Change the spill budget (bytes; tests use small ones). */
void idx_build_set_memory(struct idx_build *b, size_t bytes);
/* Threads the builder may run at once (default 1: none of its own); the
 * index is the same bytes whatever the number. */
void idx_build_set_threads(struct idx_build *b, int n);
/* Text bytes (questions + answers) added so far, for progress reports. */
long long idx_build_bytes(const struct idx_build *b);
long idx_build_count(const struct idx_build *b);

/* Open the index at path for an update in place.  Everything up to
 * idx_update_commit is one transaction: idx_update_remove/touch change
 * what is there, idx_build_source/idx_build_add add records (as a new
 * segment); idx_build_abort rolls it all back.  QERR_DATA when path is
 * not a quarry index of this schema. */
int idx_update_begin(struct idx_build **out, const char *path,
		     struct qerr *err);
/* The sources of the index being updated (as idx_sources). */
int idx_update_sources(struct idx_build *b, struct idx_source **out, int *n,
		       struct qerr *err);
/* Drop the source recorded as path and its records: document
 * frequencies and lengths are taken back exactly, the records marked
 * deleted.  0 also when path is not a source. */
int idx_update_remove(struct idx_build *b, const char *path);
/* A source whose content is unchanged got a new mtime. */
int idx_update_touch(struct idx_build *b, const char *path, long long mtime);
/* A meta value of the index being updated, copied into out[n]; NULL
 * when it has none. */
const char *idx_update_meta(struct idx_build *b, const char *key, char *out,
			    size_t n);
/* Write the new segment, the counts and the vocabulary buckets, merge
 * segments as the policy says, and commit the transaction.  On failure
 * the index is untouched.  Frees b. */
int idx_update_commit(struct idx_build *b, struct qerr *err);

/* A source whose content was found as recorded, under another mtime. */
struct idx_restat {
	const char *path, *hash; /* as recorded */
	long long size, mtime;   /* as recorded */
	long long now;           /* its mtime now (nanoseconds) */
};

/* Record the new mtimes of r[0..n), sources of x whose content matched
 * when checked, so that the next check is a stat instead of a hash (git
 * refreshes its index so).  ref is the mtime_ref they were checked
 * against, now a reference time (src_mtime_now) taken before they were
 * read; each r[i].now must be older than it.  mtime_ref becomes now when
 * that is later, and the sources it would make look settled without
 * their content having been compared (mtime in [ref, now), not in r)
 * get mtime -1, as an update leaves them.  A short write transaction of
 * its own, on another connection: it ends x's read transaction first
 * (as idx_pause).  Nothing is written when the index changed since it
 * was read (another mtime_ref, or a row no longer as in r).  0, or
 * QERR_IO when the index cannot be written now (read-only, busy): a
 * missed refresh only costs the next check a hash. */
int idx_restat(struct idx *x, long long ref, long long now,
	       const struct idx_restat *r, int n);

/* Writers take turns: idx_build_begin and idx_update_begin first lock
 * .NAME.lock beside the index (flock, released by commit or abort),
 * waiting up to the lock wait (IDX_LOCK_WAIT seconds unless set), then
 * failing with QERR_IO.  Readers are never blocked by it. */
#define IDX_LOCK_WAIT 10.0
void idx_set_lock_wait(double seconds);
/* Take the writer lock of the index at path (already resolved); *fd gets
 * the descriptor to pass to idx_unlock_writer.  A process that holds it
 * may take it again (a build inside a held lock), each time released
 * once. */
int idx_lock_writer(const char *path, int *fd, struct qerr *err);
void idx_unlock_writer(int fd);
/* path with symbolic links followed to the final target (which may not
 * exist yet): builds write beside it, so a symlinked index stays a link.
 * Caller frees; NULL when out of memory. */
char *idx_resolve_path(const char *path);

/* Drop the build without touching the old index. Accepts NULL. */
void idx_build_abort(struct idx_build *b);
/* Sticky status of a build: first error seen by add/source/meta. */
int idx_build_status(const struct idx_build *b, struct qerr *err);

/* ---- reading ---- */

/* Open read-only.  QERR_IO when missing/unreadable, QERR_DATA when the file
 * is not a quarry index (foreign, corrupt, or another schema version).
 * Reads happen in a read transaction begun by the first read after the
 * open or after idx_pause, so they all see one version of the index. */
int idx_open(struct idx **out, const char *path, struct qerr *err);
void idx_close(struct idx *x);
/* The path x was opened with (borrowed until idx_close). */
const char *idx_path(struct idx *x);
/* End the read transaction (between questions, so that an update can
 * commit); the next read begins a new one and, when the index changed
 * meanwhile, reloads its statistics.  Borrowed pointers (aliases,
 * deleted) are invalid after it.  A reader paused once is taken to be
 * long-lived (a batch or a conversation): it reads through a memory map
 * from then on. */
void idx_pause(struct idx *x);
/* The sticky error: the first failure a read met since idx_open or the
 * last idx_pause (functions that cannot return one, such as idx_df,
 * or idx_aliases, return 0 or NULL and leave it here), copied
 * into err; 0 when there is none.  Every read fails with it until
 * idx_pause.  A damaged index is QERR_DATA with a message beginning
 * "index is damaged: ". */
int idx_status(struct idx *x, struct qerr *err);

/* Live records. */
long idx_ndocs(struct idx *x);
/* One past the largest doc id a segment holds (>= idx_ndocs: deleted
 * ids count). */
long idx_maxdoc(struct idx *x);
/* Average field length in terms (IDX_Q or IDX_A). */
double idx_avglen(struct idx *x, int field);
/* Segments (base included) and deleted records, for stats. */
int idx_segment_stats(struct idx *x, long *nseg, long *ndeleted);
/* Number of distinct terms. */
long idx_nterms(struct idx *x);
/* Value of a meta key, or NULL. Borrowed until the next call. */
const char *idx_meta(struct idx *x, const char *key);

/* Term statistics and postings (all segments', as one blob).  *data is
 * valid until the next idx_postings call on x; returns 0 and *df = 0 when
 * the term is absent.  The blob still lists deleted records: read it with
 * idx_cursor_open, which skips them. */
int idx_postings(struct idx *x, const char *term, long *df,
		 const unsigned char **data, size_t *len, struct qerr *err);
/* Document frequency only: 0 when absent, and 0 with the sticky error
 * set (see idx_status) when the index cannot be read or is damaged. */
long idx_df(struct idx *x, const char *term);

/* Field lengths quantized into one byte (the norms codes of postings and
 * of the norms rows), and back. */
double idx_norm_decode(unsigned char c);
/* The 256 decoded lengths at once. */
const double *idx_norm_table(void);
unsigned char idx_norm_encode(long len);

/* Fetch one record. Fills d (free with idx_doc_clear). */
int idx_get_doc(struct idx *x, long id, struct idx_doc *d, struct qerr *err);
void idx_doc_clear(struct idx_doc *d);

/* Visit every vocabulary term with prefix (all when prefix is ""), in
 * order. Stops when fn returns non-zero. */
int idx_vocab_scan(struct idx *x, const char *prefix,
		   int (*fn)(void *ctx, const char *term, long df), void *ctx);

/* Visit every vocabulary term with prefix (all when prefix is ""), in
 * order, with its length: from the vocabulary buckets, a few reads,
 * when they are up to date, else row by row.  Stops when fn returns
 * non-zero and returns that, or -1 when the index cannot be read.  fn
 * may look terms up (idx_df) but not list them again. */
int idx_vocab_words(struct idx *x, const char *prefix,
		    int (*fn)(void *ctx, const char *term, size_t len),
		    void *ctx);

/* Sources recorded in the index; *n receives the count. Free with
 * idx_sources_free. */
int idx_sources(struct idx *x, struct idx_source **out, int *n,
		struct qerr *err);
void idx_sources_free(struct idx_source *s, int n);
/* 1 when some of the index's files were read as prose passages
 * (IDX_KIND_PASSAGE), 0 when all are Q&A (or it cannot be read). */
int idx_has_passages(struct idx *x);

/* The sources the records docs[0..ndocs) were read from, each once, in
 * recorded order (as idx_sources). */
int idx_doc_sources(struct idx *x, const long *docs, int ndocs,
		    struct idx_source **out, int *n, struct qerr *err);

/* Visit the words of the records as they were written that start with
 * prefix (none for ""), in byte order (see surface in the format above):
 * fn gets the word (borrowed, NUL-terminated) and its length, its stem
 * and the number of records added holding it.  Non-zero from fn stops
 * the visit and is returned; -1 when the index cannot be read. */
typedef int (*idx_surface_fn)(void *ctx, const char *word, size_t n,
			      const char *stem, long count);
int idx_surface_words(struct idx *x, const char *prefix, idx_surface_fn fn,
		      void *ctx);

enum { IDX_ALIAS_DEFINED = 0, IDX_ALIAS_INITIALS = 1 };

struct idx_alias {
	char *acr;  /* one analyzed term */
	char *exp;  /* analyzed terms, space separated */
	int kind;   /* IDX_ALIAS_DEFINED or IDX_ALIAS_INITIALS */
};

/* All aliases of the index (loaded once, borrowed for the life of x).
 * Returns the count; 0 when there are none. */
int idx_aliases(struct idx *x, const struct idx_alias **out);
/* The defined aliases alone (IDX_ALIAS_DEFINED), as idx_aliases: a
 * question reads these whole, and the others by key. */
int idx_aliases_defined(struct idx *x, const struct idx_alias **out);
/* The alias of the term (its short form), or NULL (none, or the sticky
 * error set).  Borrowed until the next call. */
const struct idx_alias *idx_alias_get(struct idx *x, const char *term);

/* The sources recorded in the index at path, of any schema version and
 * even when the rest of it is damaged: path and bundled only (size, mtime
 * and hash are left 0/NULL).  QERR_DATA when they cannot be read.  Free
 * with idx_sources_free. */
int idx_salvage_sources(const char *path, struct idx_source **out, int *n,
			struct qerr *err);

/* Is path a quarry index (of any schema version) built from the embedded
 * corpus?  Lets the default index be rebuilt after an upgrade. */
int idx_is_bundled(const char *path);

/* ---- postings decoding ---- */

struct idx_cursor {
	long nsteps, nblocks; /* postings decoded, block headers read: the
				 work done, for measuring without a clock */
	const unsigned char *data;    /* the blob */
	size_t len;
	const unsigned char *p, *end; /* rest of the blob */
	const unsigned char *bend;    /* end of the current block body */
	long left_in_block;
	long docid;      /* current doc (-1 before the first) */
	long block_last; /* last docid of the current block */
	float block_max; /* max_impact of the current block */
	int block_noq;   /* no posting of the block has a tf_q */
	unsigned tf[IDX_NFIELDS];
	/* norms codes of the current doc's fields that hold the term (0
	 * for a field with tf 0) */
	unsigned char norm[IDX_NFIELDS];
	int bad;         /* set when the blob is malformed */
	/* deleted doc ids are skipped: bit d - del_lo of del (NULL: none)
	 * for d in del_lo..del_hi-1; for a doc outside, del_fetch (NULL:
	 * nothing deleted) gives the bits of the range around it, or
	 * non-zero when they cannot be read (then the cursor is bad) */
	const unsigned char *del;
	long del_lo, del_hi;
	int (*del_fetch)(void *ctx, long doc, const unsigned char **del,
			 long *lo, long *hi);
	void *del_ctx;
	double scale;    /* see idx_cursor_bound */
};

/* Start reading a postings blob as it is: every posting, deleted or not
 * (what an update that rewrites segments needs). */
void idx_cursor_init(struct idx_cursor *c, const unsigned char *data,
		     size_t len);
/* Start reading a postings blob of x (from idx_postings) as ranking
 * should: deleted records are skipped, and idx_cursor_bound allows for
 * the average lengths of today.  Valid until idx_pause. */
void idx_cursor_open(struct idx *x, struct idx_cursor *c,
		     const unsigned char *data, size_t len);
/* Advance to the next posting; 0 at the end (or on a malformed blob, which
 * sets c->bad).  A posting naming a doc id at or past the index's end is
 * returned (never skipped), so that the caller can report the damage. */
int idx_cursor_next(struct idx_cursor *c);
/* Skip whole blocks whose last doc is below target, then advance to the
 * first posting >= target. 0 at the end. */
int idx_cursor_seek(struct idx_cursor *c, long target);
/* Skip whole blocks whose last doc is below target, decoding none of
 * their postings, so that block_max and block_last are those of the
 * block where target would be; 0 when no block reaches target.  The
 * doc id may then be below target and no posting's (the last doc of
 * the block skipped): idx_cursor_next or idx_cursor_seek go on from
 * there. */
int idx_cursor_shallow(struct idx_cursor *c, long target);

/* The largest block max_impact of a postings blob (0 when empty). */
float idx_postings_max(const unsigned char *data, size_t len);
/* The largest impact (as max_impact: saturated, at the default
 * parameters) a posting of c's blob can have: idx_postings_max scaled up
 * where segments were bounded at other average lengths than today's. */
double idx_cursor_bound(const struct idx_cursor *c);

/* FNV-1a 64 of a byte range, as 16 hex digits into out[17]. */
void idx_hash(const void *data, size_t len, char out[17]);

#endif
