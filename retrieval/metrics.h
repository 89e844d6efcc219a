/* metrics.h - ranking quality measures with trec_eval's definitions.
 *
 * Pure functions over one query: a ranked list of document ids (best
 * first, distinct, as the system returned them; a NULL entry counts as a
 * non-relevant document) and the query's judgments.  A judgment's score is
 * its gain; a score <= 0 means non-relevant.  Nothing here allocates,
 * touches SQLite or fails.
 *
 *   nDCG@k  sum over ranks i = 1..k of gain_i / log2(i + 1), divided by
 *           the same sum for the ideal list: every relevant judged
 *           document, largest gain first
 *   AP@k    sum of precision@i over the relevant documents at ranks
 *           i <= k, divided by the number of relevant documents judged
 *   RR@k    1 / rank of the first relevant document at rank <= k, else 0
 *   P@k     relevant documents in the top k, divided by k
 *   R@k     relevant documents in the top k, divided by the number judged
 * A query with no relevant judged document scores 0 on all of them.
 *
 * Ownership: the functions only read what they are given; struct
 * metrics_qrels borrows its array and the strings in it. */
#ifndef QUARRY_METRICS_H
#define QUARRY_METRICS_H

/* One judgment: document id and graded relevance score. */
struct metrics_rel {
	const char *doc;
	double gain;
};

/* All judgments of one query.  Call metrics_qrels_prepare before use. */
struct metrics_qrels {
	struct metrics_rel *rel;
	int n;    /* judgments in rel */
	int nrel; /* of which relevant (gain > 0); set by prepare */
};

/* Sort q->rel by document id, merge judgments of the same document (the
 * larger gain wins; q->n shrinks) and count the relevant ones. */
void metrics_qrels_prepare(struct metrics_qrels *q);

/* The gain of doc: its score when relevant, else 0 (unjudged, score <= 0
 * or NULL).  q must be prepared. */
double metrics_gain(const struct metrics_qrels *q, const char *doc);

/* The measures above, for the first n entries of ranked cut at k >= 1. */
double metrics_ndcg(const char *const *ranked, int n,
		    const struct metrics_qrels *q, int k);
double metrics_ap(const char *const *ranked, int n,
		  const struct metrics_qrels *q, int k);
double metrics_rr(const char *const *ranked, int n,
		  const struct metrics_qrels *q, int k);
double metrics_precision(const char *const *ranked, int n,
			 const struct metrics_qrels *q, int k);
double metrics_recall(const char *const *ranked, int n,
		      const struct metrics_qrels *q, int k);

/* The set `quarry eval` reports. */
struct metrics_scores {
	double ndcg10, map100, mrr10, p1, recall100;
};

/* Fill s with nDCG@10, AP@100, RR@10, P@1 and R@100 of one query. */
void metrics_score(const char *const *ranked, int n,
		   const struct metrics_qrels *q, struct metrics_scores *s);

/* Add s into sum, field by field (for averaging over queries). */
void metrics_add(struct metrics_scores *sum, const struct metrics_scores *s);

/* Divide every field of s by n (no-op when n <= 0). */
void metrics_div(struct metrics_scores *s, double n);

#endif
