/* docana.h - one record analysed apart from any index.
 *
 * What the builder needs from a record's text, computed without touching
 * the index: its distinct terms with their frequency per field (in the
 * order they first occur), its field lengths, its surface words, the
 * acronyms it defines and the runs of question words that could be read
 * as one, and its word vector.  docana_run depends only on the record and
 * the analyzer, so records can be analysed on any thread, in any order;
 * the builder (idx_build_add_analysed, idx.h) then adds them in order.
 *
 * Ownership: a struct docana owns everything it holds; the strings it
 * hands out are borrowed until the next docana_run or docana_free. */
#ifndef QUARRY_DOCANA_H
#define QUARRY_DOCANA_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/err.h"
#include "idx.h"
#include "vectors.h"

struct tok;
struct docana_work;

/* A distinct term of the record. */
struct docana_term {
	uint32_t off;  /* its text in docana.text, NUL-terminated */
	uint32_t len;
	uint32_t hash; /* low bits of str_hash of the text */
	unsigned tf[IDX_NFIELDS];
};

/* A distinct word of the record. */
struct docana_word {
	uint64_t hash; /* str_hash of the text */
	uint32_t off;  /* its text in docana.text, NUL-terminated */
	uint32_t len;
};

struct docana {
	struct buf text; /* the strings below, each NUL-terminated */
	struct docana_term *terms;
	size_t nterms, cap_terms;
	/* the distinct words (normalized, unstemmed, not stop words) for
	 * the surface table */
	struct docana_word *words;
	/* offsets in text of: "acr\tterms" of each acronym definition;
	 * "initials\tterms" of each run of two or three question words
	 * (each as often as it occurs) */
	uint32_t *aliases, *grams;
	size_t nwords, naliases, ngrams, cap_words, cap_aliases, cap_grams;
	long len[IDX_NFIELDS]; /* terms that are not stop words */
	int nvec;              /* words the vector was made of; 0: none */
	signed char vec[VEC_MAX_DIMS];
	struct docana_work *w; /* borrowed during docana_run */
};

/* An empty analysis; NULL when memory runs out.  Free with docana_free
 * (accepts NULL). */
struct docana *docana_new(void);
void docana_free(struct docana *d);

/* What analysing needs besides the analyser and keeps from record to
 * record (the sets that find a record's distinct terms and words): one
 * per thread, so that it stays in that core's cache while the analyses
 * it fills, one per record in flight, come and go.  NULL when memory
 * runs out; docana_work_free accepts NULL. */
struct docana_work *docana_work_new(void);
void docana_work_free(struct docana_work *w);

/* Analyse a record's question and answer with t and w (used by one
 * thread at a time), and, when v is not NULL, make its vector with v
 * (idx_vst_text).  Replaces what d held.  0, or QERR_IO when memory runs
 * out (err set). */
int docana_run(struct docana *d, struct docana_work *w, struct tok *t,
	       const struct vec *v, const char *question, const char *answer,
	       struct qerr *err);

/* The NUL-terminated string at offset off of d's text. */
static inline const char *docana_str(const struct docana *d, uint32_t off)
{
	return d->text.data + off;
}

/* Bytes d holds, for a memory budget. */
size_t docana_size(const struct docana *d);

#endif
