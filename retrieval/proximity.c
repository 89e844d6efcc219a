/* proximity.c - rerank prose passages by term proximity.  See
 * proximity.h. */
#include "proximity.h"

#include <stdlib.h>
#include <string.h>

#include "snippet.h"

/* The most a window can cover: each of the user's words once, at the
 * largest idf times weight among it and its expansions (feedback terms
 * are not the user's; the snippet does not count them either). */
static double cover_mass(const struct rank_query *q)
{
	double best[RANK_MAX_TERMS] = {0}, sum = 0.0;
	int i;

	for (i = 0; i < q->nterms; i++) {
		const struct rank_term *t = &q->terms[i];
		int slot = t->from >= 0 && t->from < q->nterms ? t->from : i;
		double w = t->weight * t->idf;

		if (t->origin != RANK_FEEDBACK && best[slot] < w)
			best[slot] = w;
	}
	for (i = 0; i < q->nterms; i++)
		sum += best[i];
	return sum;
}

int rank_proximity(const struct rank_query *q, const char *title,
		   const char *text, size_t len, double *prox,
		   struct qerr *err)
{
	double mass = cover_mass(q), s;
	int rc;

	*prox = 0.0;
	if (mass <= 0.0)
		return 0;
	rc = snip_score(q, title, text, len, RANK_PROX_CHARS, &s, err);
	if (rc == 0)
		*prox = s / mass;
	return rc;
}

/* Best first; the lower doc id (the record read first) on a tie. */
static int by_score(const void *a, const void *b)
{
	const struct rank_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

int rank_prox_depth(struct idx *x, double weight, int k)
{
	return weight != 0.0 && k < RANK_PROX_CANDIDATES && idx_has_passages(x)
		       ? RANK_PROX_CANDIDATES
		       : k;
}

int rank_prox_rerank(struct idx *x, const struct rank_query *q, double weight,
		     struct rank_hit *hits, int n, struct qerr *err)
{
	double f[RANK_PROX_CANDIDATES];
	int i, m = n < RANK_PROX_CANDIDATES ? n : RANK_PROX_CANDIDATES;
	int rc = 0;

	if (weight == 0.0 || m < 2 || !idx_has_passages(x))
		return 0;
	for (i = 0; rc == 0 && i < m; i++) {
		struct idx_doc d;
		double p = 0.0;

		memset(&d, 0, sizeof(d));
		rc = idx_get_doc(x, hits[i].doc, &d, err);
		if (rc == 0 && d.kind == IDX_KIND_PASSAGE && d.answer)
			rc = rank_proximity(q, d.question, d.answer,
					    strlen(d.answer), &p, err);
		f[i] = 1.0 + weight * p;
		idx_doc_clear(&d);
	}
	if (rc != 0)
		return rc;
	for (i = 0; i < m; i++)
		hits[i].score *= f[i];
	qsort(hits, (size_t)n, sizeof(*hits), by_score);
	return 0;
}
