/* idx_int.h - what idx.c (full builds, reading) and update.c (updates in
 * place) share.  Not for the rest of quarry: use idx.h. */
#ifndef QUARRY_IDX_INT_H
#define QUARRY_IDX_INT_H

#include <sqlite3.h>

#include "../util/buf.h"
#include "../util/strmap.h"
#include "idx.h"

struct tok;

struct term {
	char *text;
	struct buf post; /* n x (docid delta, tf_q, tf_a) varints, this run */
	long df, cf, last; /* since the last spill (or ever, without one) */
	long cur_doc;      /* the doc cur_tf counts for */
	unsigned cur_tf[IDX_NFIELDS];
};

/* A term that occurs in the document being added. */
struct hit {
	unsigned term;
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
	/* word pairs and triples of questions: "initials\tterms" -> count */
	struct strmap grams;
	long gram_min; /* counts below this are pruned (lossy counting) */
	/* the question's terms in order, for grams */
	struct qtoken {
		unsigned term;
		char initial; /* first letter of the word, 0 if none */
		char stop;
	} *qtok;
	size_t nqtok, cap_qtok;
	/* hits of the document being added */
	struct hit *hits;
	size_t nhits, cap_hits;
	int field;
	/* its length per field: the terms that are not stop words (what
	 * BM25 normalizes by, as engines that drop stop words count it) */
	long len_doc[IDX_NFIELDS];
	/* Postings spill to sorted run files when they outgrow the budget. */
	size_t post_bytes, budget;
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
};

#define VB_SCHEMA "CREATE TABLE IF NOT EXISTS vbuckets(k BLOB PRIMARY KEY, " \
		  "terms BLOB) WITHOUT ROWID"
#define VB_SLOTS (256 + 65536)
/* Note that the bucket of term t changed (an update added or dropped t). */
void idx_vb_touch(struct idx_build *b, const char *t);

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


/* A builder for path with nothing open yet (NULL, err set, on OOM). */
struct idx_build *idx_build_new(const char *path, struct qerr *err);
/* Run SQL, setting err (QERR_IO) on failure. */
int idx_exec(sqlite3 *db, const char *sql, struct qerr *err);
/* The first column of the first row of sql as an integer; -1 on error. */
int idx_int_query(sqlite3 *db, const char *sql, long *v);
/* Write the terms and the tail (norms, segment, aliases, meta) of b. */
int idx_write_terms(struct idx_build *b, struct qerr *err);
int idx_write_tail(struct idx_build *b, struct qerr *err);
/* Average length of field f once b is committed (all live records). */
double idx_build_avg(const struct idx_build *b, int f);
/* Close the current source row (its record count). */
int idx_finish_source(struct idx_build *b);
/* Read the sources table of db. */
int idx_read_sources(sqlite3 *db, struct idx_source **out, int *n,
		     struct qerr *err);

/* Encode raw (df postings: varint doc delta from the previous, -1 at
 * first, tf_q, tf_a) as a postings blob into out, with block bounds from
 * norms (the lengths of docs base, base+1, ...) and averages avg. */
int idx_encode_postings(const unsigned char *norms, long base,
			const struct buf *raw, long df,
			const double avg[IDX_NFIELDS], struct buf *out,
			struct buf *body);
/* Update mode's end: write deletions, drop dead segments, merge the
 * newest as in log-structured merging (update.c). */
int idx_update_finish(struct idx_build *b, struct qerr *err);
void idx_update_free(struct idx_build *b);

#endif
