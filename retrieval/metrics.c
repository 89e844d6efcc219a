/* metrics.c - nDCG, AP, RR, precision and recall of one ranked list.
 *
 * Judgments are kept sorted by document id, so a ranked document's gain is
 * one binary search.  The ideal DCG walks the distinct gains from the
 * largest down instead of sorting a copy, so nothing allocates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static int rel_cmp(const void *a, const void *b)
{
	const struct metrics_rel *x = a, *y = b;

	return strcmp(x->doc, y->doc);
}

void metrics_qrels_prepare(struct metrics_qrels *q)
{
	int i, out = 0;

	if (q->n > 1)
		qsort(q->rel, (size_t)q->n, sizeof(*q->rel), rel_cmp);
	for (i = 0; i < q->n; i++) {
		if (out > 0 && strcmp(q->rel[out - 1].doc, q->rel[i].doc) == 0) {
			if (q->rel[i].gain > q->rel[out - 1].gain)
				q->rel[out - 1].gain = q->rel[i].gain;
			continue;
		}
		q->rel[out++] = q->rel[i];
	}
	q->n = out;
	q->nrel = 0;
	for (i = 0; i < q->n; i++)
		q->nrel += q->rel[i].gain > 0;
}

double metrics_gain(const struct metrics_qrels *q, const char *doc)
{
	struct metrics_rel key, *hit;

	if (doc == NULL || q->n == 0)
		return 0;
	key.doc = doc;
	key.gain = 0;
	hit = bsearch(&key, q->rel, (size_t)q->n, sizeof(*q->rel), rel_cmp);
	return hit && hit->gain > 0 ? hit->gain : 0;
}

/* Discount of rank i (1-based). */
static double discount(int i)
{
	return 1.0 / log2((double)i + 1.0);
}

/* DCG of the best possible ranking, cut at k: the distinct relevant gains
 * from the largest down, each as many times as it occurs. */
static double ideal_dcg(const struct metrics_qrels *q, int k)
{
	double prev = INFINITY, dcg = 0;
	int rank = 0, i;

	while (rank < k) {
		double g = 0;

		for (i = 0; i < q->n; i++)
			if (q->rel[i].gain > g && q->rel[i].gain < prev)
				g = q->rel[i].gain;
		if (g <= 0)
			break;
		for (i = 0; i < q->n && rank < k; i++)
			if (q->rel[i].gain == g)
				dcg += g * discount(++rank);
		prev = g;
	}
	return dcg;
}

double metrics_ndcg(const char *const *ranked, int n,
		    const struct metrics_qrels *q, int k)
{
	double dcg = 0, ideal;
	int i;

	if (q->nrel == 0)
		return 0;
	for (i = 0; i < n && i < k; i++)
		dcg += metrics_gain(q, ranked[i]) * discount(i + 1);
	ideal = ideal_dcg(q, k);
	return ideal > 0 ? dcg / ideal : 0;
}

double metrics_ap(const char *const *ranked, int n,
		  const struct metrics_qrels *q, int k)
{
	double sum = 0;
	int i, hits = 0;

	if (q->nrel == 0)
		return 0;
	for (i = 0; i < n && i < k; i++)
		if (metrics_gain(q, ranked[i]) > 0)
			sum += (double)++hits / (i + 1);
	return sum / q->nrel;
}

double metrics_rr(const char *const *ranked, int n,
		  const struct metrics_qrels *q, int k)
{
	int i;

	for (i = 0; i < n && i < k; i++)
		if (metrics_gain(q, ranked[i]) > 0)
			return 1.0 / (i + 1);
	return 0;
}

/* Relevant documents among the first k of ranked. */
static int relevant_in(const char *const *ranked, int n,
		       const struct metrics_qrels *q, int k)
{
	int i, hits = 0;

	for (i = 0; i < n && i < k; i++)
		hits += metrics_gain(q, ranked[i]) > 0;
	return hits;
}

double metrics_precision(const char *const *ranked, int n,
			 const struct metrics_qrels *q, int k)
{
	return k > 0 ? (double)relevant_in(ranked, n, q, k) / k : 0;
}

double metrics_recall(const char *const *ranked, int n,
		      const struct metrics_qrels *q, int k)
{
	if (q->nrel == 0)
		return 0;
	return (double)relevant_in(ranked, n, q, k) / q->nrel;
}

void metrics_score(const char *const *ranked, int n,
		   const struct metrics_qrels *q, struct metrics_scores *s)
{
	s->ndcg10 = metrics_ndcg(ranked, n, q, 10);
	s->map100 = metrics_ap(ranked, n, q, 100);
	s->mrr10 = metrics_rr(ranked, n, q, 10);
	s->p1 = metrics_precision(ranked, n, q, 1);
	s->recall100 = metrics_recall(ranked, n, q, 100);
}

void metrics_add(struct metrics_scores *sum, const struct metrics_scores *s)
{
	sum->ndcg10 += s->ndcg10;
	sum->map100 += s->map100;
	sum->mrr10 += s->mrr10;
	sum->p1 += s->p1;
	sum->recall100 += s->recall100;
}

void metrics_div(struct metrics_scores *s, double n)
{
	if (n <= 0)
		return;
	s->ndcg10 /= n;
	s->map100 /= n;
	s->mrr10 /= n;
	s->p1 /= n;
	s->recall100 /= n;
}
