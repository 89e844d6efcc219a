/* idx.h - the BM25 index stored in one SQLite file.
 *
 * File format (PRAGMA application_id = 0x51525259 "QRRY", user_version =
 * IDX_SCHEMA):
 *
 *   meta(key TEXT PRIMARY KEY, value)      WITHOUT ROWID
 *       ndocs         number of records
 *       len_q, len_a  total question / answer lengths in terms (the BM25
 *                     averages are these over ndocs)
 *       analyzer      TOK_VERSION the terms were made with
 *       bundled_hash  FNV-1a 64 of the embedded corpus, when built from it
 *       created       unix time of the build
 *   sources(id INTEGER PRIMARY KEY, path TEXT, size INT, mtime INT,
 *           hash TEXT, bundled INT)
 *       every file read, so `ask` can notice it changed.
 *   docs(id INTEGER PRIMARY KEY, ext_id TEXT, source INT, line INT,
 *        question TEXT, answer TEXT, len_q INT, len_a INT)
 *       the records; id is the dense internal doc id (0..ndocs-1) in the
 *       order the records were read.
 *   vocab(term TEXT PRIMARY KEY, id INT, df INT, cf INT)  WITHOUT ROWID
 *       every distinct term: document frequency, collection frequency and
 *       the row of its postings.  Small rows, so scanning the vocabulary
 *       (prefix and fuzzy matching) never touches postings.
 *   postings(id INTEGER PRIMARY KEY, data BLOB)
 *       one blob per term, read in one go:
 *         varint ndocs
 *         blocks of up to IDX_BLOCK postings, each:
 *           varint n, varint last_docid, varint body_bytes,
 *           4 bytes max_impact (float, little-endian: the block's largest
 *             tf/(tf+k1) saturation at the default parameters, for
 *             block-max pruning),
 *           body: n x (varint docid delta, varint tf_q, varint tf_a)
 *         docid deltas run across blocks, starting from -1.
 *   aliases(short TEXT PRIMARY KEY, long TEXT, n INT, kind INT)
 *           WITHOUT ROWID
 *       kind 0: acronyms the corpus defines ("Long Short-Term Memory
 *       (LSTM)", see alias.h), analyzed: short is one term ("lstm"), long
 *       the terms it stands for separated by spaces ("long short term
 *       memori"); n counts the definitions seen (the most frequent wins).
 *       kind 1: runs of two or three content words that questions use at
 *       least twice, under their initials ("dnn" -> "deep neural network"),
 *       for acronyms the corpus uses without defining; defined ones win.
 *   norms(id INTEGER PRIMARY KEY, data BLOB)
 *       row 1: two bytes per doc, the question and answer lengths
 *       quantized by idx_norm_encode (exact below 64, ~4% above), so a
 *       query reads every length it may need with one blob read.
 *
 * Building is atomic: idx_build_* writes PATH.tmp-PID beside PATH and
 * renames it over PATH only when complete.  Readers open read-only.
 *
 * Ownership: strings returned as const char * are borrowed from the handle
 * until the next call on it; char * results are the caller's to free. */
#ifndef QUARRY_IDX_H
#define QUARRY_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define IDX_SCHEMA 3
#define IDX_APP_ID 0x51525259
#define IDX_BLOCK 128

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
};

struct idx_source {
	char *path;
	long long size, mtime;
	char *hash;
	int bundled;
};

/* ---- building ---- */

/* Start a new index that will replace path when committed.  The directory
 * must exist and be writable (QERR_IO otherwise). */
int idx_build_begin(struct idx_build **out, const char *path,
		    struct qerr *err);
/* Record a source file (path as given; size, mtime and content hash). */
int idx_build_source(struct idx_build *b, const char *path, long long size,
		     long long mtime, const char *hash, int bundled);
/* Add one record from the most recently added source. */
int idx_build_add(struct idx_build *b, const char *ext_id,
		  const char *question, const char *answer, long line);
void idx_build_meta(struct idx_build *b, const char *key, const char *value);
/* Write everything and atomically move it into place. On failure the
 * temporary file is removed and the old index is untouched. Frees b. */
int idx_build_commit(struct idx_build *b, struct qerr *err);
/* Bytes of postings and vocabulary kept in memory before a sorted run is
 * spilled to a temporary file beside the index (merged at commit). */
#define IDX_BUILD_MEMORY ((size_t)256 << 20)
/* Change the spill budget (bytes; tests use small ones). */
void idx_build_set_memory(struct idx_build *b, size_t bytes);
/* Text bytes (questions + answers) added so far, for progress reports. */
long long idx_build_bytes(const struct idx_build *b);
long idx_build_count(const struct idx_build *b);

/* Drop the build without touching the old index. Accepts NULL. */
void idx_build_abort(struct idx_build *b);
/* Sticky status of a build: first error seen by add/source/meta. */
int idx_build_status(const struct idx_build *b, struct qerr *err);

/* ---- reading ---- */

/* Open read-only.  QERR_IO when missing/unreadable, QERR_DATA when the file
 * is not a quarry index (foreign, corrupt, or another schema version). */
int idx_open(struct idx **out, const char *path, struct qerr *err);
void idx_close(struct idx *x);

long idx_ndocs(const struct idx *x);
/* Average field length in terms (IDX_Q or IDX_A). */
double idx_avglen(const struct idx *x, int field);
/* Number of distinct terms. */
long idx_nterms(struct idx *x);
/* Value of a meta key, or NULL. Borrowed until the next call. */
const char *idx_meta(struct idx *x, const char *key);

/* Term statistics and postings.  *data points into SQLite's memory and is
 * valid until the next idx_postings call on x; returns 0 and *df = 0 when
 * the term is absent. */
int idx_postings(struct idx *x, const char *term, long *df,
		 const unsigned char **data, size_t *len, struct qerr *err);
/* Document frequency only (0 when absent). */
long idx_df(struct idx *x, const char *term);

/* Quantized field lengths: 2 bytes per doc (question, answer). Borrowed for
 * the life of x. */
const unsigned char *idx_norms(struct idx *x);
double idx_norm_decode(unsigned char c);
unsigned char idx_norm_encode(long len);

/* Fetch one record. Fills d (free with idx_doc_clear). */
int idx_get_doc(struct idx *x, long id, struct idx_doc *d, struct qerr *err);
void idx_doc_clear(struct idx_doc *d);

/* Visit every vocabulary term with prefix (all when prefix is ""), in
 * order. Stops when fn returns non-zero. */
int idx_vocab_scan(struct idx *x, const char *prefix,
		   int (*fn)(void *ctx, const char *term, long df), void *ctx);

/* Sources recorded in the index; *n receives the count. Free with
 * idx_sources_free. */
int idx_sources(struct idx *x, struct idx_source **out, int *n,
		struct qerr *err);
void idx_sources_free(struct idx_source *s, int n);

enum { IDX_ALIAS_DEFINED = 0, IDX_ALIAS_INITIALS = 1 };

struct idx_alias {
	char *acr;  /* one analyzed term */
	char *exp;  /* analyzed terms, space separated */
	int kind;   /* IDX_ALIAS_DEFINED or IDX_ALIAS_INITIALS */
};

/* All aliases of the index (loaded once, borrowed for the life of x).
 * Returns the count; 0 when there are none. */
int idx_aliases(struct idx *x, const struct idx_alias **out);

/* Is path a quarry index (of any schema version) built from the embedded
 * corpus?  Lets the default index be rebuilt after an upgrade. */
int idx_is_bundled(const char *path);

/* ---- postings decoding ---- */

struct idx_cursor {
	const unsigned char *p, *end; /* rest of the blob */
	const unsigned char *bend;    /* end of the current block body */
	long left_in_block;
	long docid;      /* current doc (-1 before the first) */
	long block_last; /* last docid of the current block */
	float block_max; /* max_impact of the current block */
	unsigned tf[IDX_NFIELDS];
	int bad;         /* set when the blob is malformed */
};

/* Start reading a postings blob. */
void idx_cursor_init(struct idx_cursor *c, const unsigned char *data,
		     size_t len);
/* Advance to the next posting; 0 at the end (or on a malformed blob, which
 * sets c->bad). */
int idx_cursor_next(struct idx_cursor *c);
/* Skip whole blocks whose last doc is below target, then advance to the
 * first posting >= target. 0 at the end. */
int idx_cursor_seek(struct idx_cursor *c, long target);

/* The largest block max_impact of a postings blob (0 when empty). */
float idx_postings_max(const unsigned char *data, size_t len);

/* FNV-1a 64 of a byte range, as 16 hex digits into out[17]. */
void idx_hash(const void *data, size_t len, char out[17]);

#endif
