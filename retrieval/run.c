/* run.c - the ranking pipeline in one place: parse, expand, feedback,
 * search, confidence, decline.  See run.h. */
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "proximity.h"

void rank_run_init(struct rank_run *r, int k, double threshold)
{
	memset(r, 0, sizeof(*r));
	r->k = k;
	r->nconf = k;
	r->threshold = threshold;
	r->topic_pos = -1;
	r->topic_weight = 1.0;
	r->declined = 1;
}

/* Weigh the carried topic's terms (see topic_pos in run.h). */
static void weigh_topic(struct rank_query *q, int pos, double w)
{
	int i, f;

	for (i = 0; i < q->nterms; i++) {
		struct rank_term *t = &q->terms[i];

		f = t->origin == RANK_USER ? i : t->from;
		if (f >= 0 && f < q->nterms && q->terms[f].origin == RANK_USER &&
		    q->terms[f].pos >= pos)
			t->weight *= w;
	}
}

void rank_run_clear(struct rank_run *r)
{
	if (r == NULL)
		return;
	free(r->hits);
	free(r->confidence);
	r->hits = NULL;
	r->confidence = NULL;
	r->cap = 0;
	r->nhits = 0;
	r->declined = 1;
}

/* Room for k hits and their confidences; 0 or -1 (memory). */
static int reserve(struct rank_run *r, int k)
{
	struct rank_hit *h;
	double *c;

	if (r->cap >= k)
		return 0;
	h = realloc(r->hits, (size_t)k * sizeof(*h));
	if (h == NULL)
		return -1;
	r->hits = h;
	c = realloc(r->confidence, (size_t)k * sizeof(*c));
	if (c == NULL)
		return -1;
	r->confidence = c;
	r->cap = k;
	return 0;
}

int rank_run(struct idx *x, struct tok *t, const struct rank_params *p,
	     const char *text, struct rank_run *r, struct qerr *err)
{
	/* (the decline rule looks at the second hit too) */
	int i, nconf, rc, k = r->k < 2 ? 2 : r->k;

	r->nhits = 0;
	r->declined = 1;
	r->answerable = 0.0;
	if (r->k < 1)
		return qerr_set(err, QERR_USAGE, "rank_run: k is %d", r->k);
	k = rank_prox_depth(x, p->proximity, k);
	if (reserve(r, k) != 0)
		return qerr_set(err, QERR_IO, "out of memory");
	/* (idx_status: index lookups that read as "absent" may have
	 * failed; the reader keeps the first error) */
	rc = rank_parse_ex(x, t, text, p->expand, &r->q, err);
	if (rc == 0 && r->topic_pos >= 0 && r->topic_weight != 1.0)
		weigh_topic(&r->q, r->topic_pos, r->topic_weight);
	if (rc == 0)
		rc = idx_status(x, err);
	if (rc == 0)
		rc = rank_feedback(x, &r->q, p, err);
	if (rc == 0)
		rc = rank_search_fused(x, &r->q, p, text, k, r->hits,
				       &r->nhits, &r->q.sem, err);
	if (rc == 0)
		rc = rank_prox_rerank(x, &r->q, p->proximity, r->hits,
				      r->nhits, err);
	if (rc == 0)
		rc = idx_status(x, err);
	if (rc != 0) {
		r->nhits = 0;
		return rc;
	}
	rank_decline_features(x, &r->q, r->hits, r->nhits, r->feat);
	/* A best record that holds none of the question's terms (one only
	 * the word vectors found) is a neighbour, not an answer. */
	r->answerable = r->nhits > 0 && r->hits[0].terms != 0
				? rank_answerable(r->feat)
				: 0.0;
	if (r->nhits > r->k)
		r->nhits = r->k;
	nconf = r->nconf < 1 ? 1 : r->nconf;
	for (i = 0; i < r->nhits && i < nconf; i++)
		r->confidence[i] = rank_confidence(x, &r->q, &r->hits[i]);
	r->declined = r->nhits == 0 || r->answerable < r->threshold;
	return 0;
}
