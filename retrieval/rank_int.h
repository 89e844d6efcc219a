/* rank_int.h - what the files of retrieval/ share among themselves.  Not
 * for the rest of quarry: use rank.h.
 *
 * The layers, each calling only those below it:
 *   run.c         the pipeline: parse, feedback, search, confidence
 *   query.c       rank_parse: the user's words into the query's slots,
 *                 hyphenated words closed up, then the expansions
 *   feedback.c    rank_feedback: terms from the best records (searches once)
 *   confidence.c  rank_confidence: how much of the query a record covers
 *   expand.c      expansions of the user's words, and the term table they
 *                 and feedback add to
 *   search.c      rank_search, rank_explain: scoring, MaxScore, the heap,
 *                 the phrase re-rank */
#ifndef QUARRY_RANK_INT_H
#define QUARRY_RANK_INT_H

#include <math.h>
#include <string.h>

#include "rank.h"

/* Copy src into dst[cap], cut to fit. */
static inline void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* BM25's idf of a term in df of n records. */
static inline double bm25_idf(long n, long df)
{
	return log(1.0 + ((double)n - (double)df + 0.5) / ((double)df + 0.5));
}

/* ---- expand.c ---- */

/* The index of term text in q, or -1. */
int rank_term_index(const struct rank_query *q, const char *text);

/* Add term as an expansion of q->terms[from] (origin, query-side weight),
 * or raise the weight of the expansion q already holds; the user's own
 * terms keep theirs.  A term with df <= 0 is not added; when every slot
 * is taken, q->cut_expansions counts it. */
void rank_add_expansion(struct idx *x, struct rank_query *q, const char *term,
			long df, int origin, int from, double weight);

/* A word the index lacks, q->terms[i]: complete it, split it, or else
 * find its nearest spelling, as flags (enum rank_expand_flags) allow. */
void rank_expand_missing(struct idx *x, struct tok *t, struct rank_query *q,
			 int i, int flags);

/* The derivations Snowball leaves apart of q->terms[i] ("sparse",
 * "sparsity"). */
void rank_add_variants(struct idx *x, struct rank_query *q, int i);

/* What WordNet relates to the user's words and phrases in text (the
 * first nuser terms of q are theirs), where the index holds it. */
void rank_expand_lexical(struct idx *x, struct tok *t, const char *text,
			 struct rank_query *q, int nuser);

/* Acronyms the corpus defines, both ways, for the first nuser terms. */
void rank_expand_aliases(struct idx *x, struct rank_query *q, int nuser);

#endif
