/* run.h - one question through the whole ranking, and whether to answer it.
 *
 * rank_run is the pipeline every caller (ask, chat, eval, the benchmarks)
 * uses: parse the question with the expansions p->expand allows
 * (rank_parse_ex), add pseudo-relevance feedback terms (rank_feedback),
 * rank (rank_search), take the confidence of the best hits
 * (rank_confidence), and apply the decline rule: a question is declined
 * when nothing matched or the best hit's confidence is below the
 * threshold.  Callers set what they want (rank_run_init), call rank_run as
 * often as they like with the same struct, and free it once with
 * rank_run_clear. */
#ifndef QUARRY_RUN_H
#define QUARRY_RUN_H

#include "rank.h"

/* How much a carried topic's words weigh beside a follow-up's own
 * (quarry chat, when the follow-up names a subject of its own). */
#define RANK_TOPIC_WEIGHT 0.5

/* Default confidence below which a question is declined (quarry ask
 * --threshold); how it was chosen is in README, "Knowing when there is
 * no answer".  The _TEXT form is for help texts. */
#define RANK_THRESHOLD 0.34
#define RANK_THRESHOLD_TEXT "0.34"

struct rank_run {
	/* What the caller wants (rank_run_init sets all three). */
	int k;            /* hits to rank, >= 1 */
	int nconf;        /* hits that get a confidence, 1..k (the best one
			     always: the decline rule needs it) */
	double threshold; /* the decline rule's, in [0, 1] */
	/* A carried topic (quarry chat): the terms of the text's words from
	 * word topic_pos on, and what expands them, weigh topic_weight times
	 * as much, unless the words before also have them.  rank_run_init
	 * sets topic_pos to -1: none. */
	int topic_pos;
	double topic_weight;

	/* What rank_run found; valid until the next rank_run or clear. */
	struct rank_query q;  /* the query as searched, feedback included */
	struct rank_hit *hits; /* hits[0 .. nhits), best first */
	double *confidence;   /* confidence[i] of hits[i], i < nhits and
				 i < nconf */
	int nhits;
	double feat[RANK_NFEAT]; /* the decline rule's features of the best
				    hits (rank_decline_features) */
	double answerable; /* rank_answerable(feat): the probability that
			      the corpus answers the question; 0 when
			      nothing matched */
	int declined;  /* nothing matched, or confidence[0] < threshold;
			  q.cut_words and q.cut_expansions say what the
			  RANK_MAX_TERMS limit left out */

	int cap;       /* room in hits and confidence (private) */
};

/* Set what r wants: k hits, each with a confidence, declined below
 * threshold.  Lower r->nconf afterwards when fewer confidences will do. */
void rank_run_init(struct rank_run *r, int k, double threshold);

/* Rank text with p into r (see above).  Returns 0, or an error code with
 * err set: QERR_IO (memory, reading the index) or QERR_DATA (a damaged
 * index); then r->nhits is 0 and r->declined 1. */
int rank_run(struct idx *x, struct tok *t, const struct rank_params *p,
	     const char *text, struct rank_run *r, struct qerr *err);

/* Free what rank_run allocated; r may be NULL.  r can be initialized and
 * used again afterwards. */
void rank_run_clear(struct rank_run *r);

#endif
