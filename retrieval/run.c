/* run.c - the ranking pipeline in one place: parse, expand, feedback,
 * search, confidence, decline.  See run.h. */
#include <stdlib.h>
#include <string.h>

#include "run.h"

void rank_run_init(struct rank_run *r, int k, double threshold)
{
	memset(r, 0, sizeof(*r));
	r->k = k;
	r->nconf = k;
	r->threshold = threshold;
	r->declined = 1;
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

/* Room for r->k hits and their confidences; 0 or -1 (memory). */
static int reserve(struct rank_run *r)
{
	struct rank_hit *h;
	double *c;

	if (r->cap >= r->k)
		return 0;
	h = realloc(r->hits, (size_t)r->k * sizeof(*h));
	if (h == NULL)
		return -1;
	r->hits = h;
	c = realloc(r->confidence, (size_t)r->k * sizeof(*c));
	if (c == NULL)
		return -1;
	r->confidence = c;
	r->cap = r->k;
	return 0;
}

int rank_run(struct idx *x, struct tok *t, const struct rank_params *p,
	     const char *text, struct rank_run *r, struct qerr *err)
{
	int i, nconf, rc;

	r->nhits = 0;
	r->declined = 1;
	if (r->k < 1)
		return qerr_set(err, QERR_USAGE, "rank_run: k is %d", r->k);
	if (reserve(r) != 0)
		return qerr_set(err, QERR_IO, "out of memory");
	/* (idx_status: index lookups that read as "absent" may have
	 * failed; the reader keeps the first error) */
	rc = rank_parse_ex(x, t, text, p->expand, &r->q, err);
	if (rc == 0)
		rc = idx_status(x, err);
	if (rc == 0)
		rc = rank_feedback(x, &r->q, p, err);
	if (rc == 0)
		rc = rank_search_fused(x, &r->q, p, text, r->k, r->hits,
				       &r->nhits, &r->q.sem, err);
	if (rc == 0)
		rc = idx_status(x, err);
	if (rc != 0) {
		r->nhits = 0;
		return rc;
	}
	nconf = r->nconf < 1 ? 1 : r->nconf;
	for (i = 0; i < r->nhits && i < nconf; i++)
		r->confidence[i] = rank_confidence(x, &r->q, &r->hits[i]);
	r->declined = r->nhits == 0 || r->confidence[0] < r->threshold;
	return 0;
}
