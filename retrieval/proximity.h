/* proximity.h - rerank prose passages by how closely the question's
 * words sit together in them (term proximity, as BM25TP and Tao & Zhai's
 * span measures add to BM25).
 *
 * BM25F scores a passage by which words it holds, not where: a passage
 * that names the subject in one sentence and the asked-for relation in
 * another scores as well as the one sentence that states the answer.
 * The proximity of a record is the score of its best short window
 * (snip_score over RANK_PROX_CHARS characters, the snippet's own
 * measure: the query words it covers at idf times weight, plus what
 * neighbouring matches add) over the most a window can cover (the
 * query's words at idf times weight, each word and its expansions once).
 * The best RANK_PROX_CANDIDATES hits are rescored
 * score * (1 + RANK_PROX_W * proximity) and sorted again.
 *
 * Only records of kind passage are rescored: a Q&A record's question
 * field says what it answers, and its BM25F score already ranks it. */
#ifndef QUARRY_PROXIMITY_H
#define QUARRY_PROXIMITY_H

#include "rank.h"

#define RANK_PROX_CANDIDATES 10
#define RANK_PROX_CHARS 200
#define RANK_PROX_W 1.0
#define RANK_PROX_W_TEXT "1"

/* The proximity of text[0..len) (title: the record's title or NULL) for
 * q into *prox: 1 when one window holds every word of the query (none in
 * the title), more when they sit close or repeat, less for what it
 * lacks; 0 when no word matches or the query has no weight.  q->tok must
 * be q's analyzer.  Returns 0 or QERR_IO (memory) with err set. */
int rank_proximity(const struct rank_query *q, const char *title,
		   const char *text, size_t len, double *prox,
		   struct qerr *err);

/* How many hits to rank for k: RANK_PROX_CANDIDATES when weight is not
 * 0, the index holds passages and k is smaller, else k. */
int rank_prox_depth(struct idx *x, double weight, int k);

/* Rescore the first RANK_PROX_CANDIDATES of hits[0..n) that are passages
 * by their proximity (see the top) and sort hits[0..n) again, best first,
 * the lower doc id on a tie.  Nothing changes when weight is 0 or the
 * index holds no passages.  Returns 0, or an error code with err set
 * (QERR_IO: memory or reading a record); hits are then unchanged. */
int rank_prox_rerank(struct idx *x, const struct rank_query *q, double weight,
		     struct rank_hit *hits, int n, struct qerr *err);

#endif
