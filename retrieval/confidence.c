/* confidence.c - how much of the query a ranked record covers, the
 * figure ask declines on (see rank_confidence in rank.h). */
#include "rank_int.h"

#include <math.h>

/* The share of the user's words h covers (*words) and of the query's idf
 * mass (*mass); the share of the user's words that the index lacks and
 * nothing replaced (*unknown).  0, or -1 when the query has nothing but
 * stop words. */
static int coverage(struct idx *x, const struct rank_query *q,
		    const struct rank_hit *h, double *wshare, double *mass,
		    double *unknown)
{
	double lost = 0.0;
	double total = 0.0, got = 0.0, maxidf = bm25_idf(idx_ndocs(x), 0);
	double words = 0.0, found = 0.0;
	int has[RANK_MAX_TERMS] = {0}, hit[RANK_MAX_TERMS];
	int i, j;

	for (i = 0; i < q->nterms; i++)
		has[i] = (h->terms >> i) & 1;
	/* Another form of the user's word (a variant, or a closed-up word
	 * that stands for all its parts) is the word found: its idf counts
	 * as the word's, not beside it. */
	for (i = 0; i < q->nterms; i++)
		hit[i] = has[i];
	for (j = 0; j < q->nterms; j++) {
		const struct rank_term *e = &q->terms[j];

		if (!has[j] || (e->origin != RANK_JOIN &&
				e->origin != RANK_VARIANT))
			continue;
		for (i = 0; i < q->nterms; i++)
			if (q->terms[i].origin == RANK_USER &&
			    (i == e->from ||
			     (e->origin == RANK_JOIN &&
			      q->terms[i].pos >= e->pos &&
			      q->terms[i].pos < e->pos + e->span)))
				hit[i] = 1;
	}
	for (i = 0; i < q->nterms; i++) {
		const struct rank_term *t = &q->terms[i];
		double missing = 1.0, credit = hit[i], idf;

		if (t->origin == RANK_JOIN || t->origin == RANK_VARIANT ||
		    t->origin == RANK_LEXICAL)
			continue;

		if (t->origin == RANK_USER && !t->is_stop) {
			/* the user's word counts as found when it or what
			 * replaced it is in the record: a completion of it; a
			 * compound's halves or an acronym's expansion (of a
			 * word the index lacks) only all together; a
			 * respelling only half */
			int part[RANK_SPLIT + 1] = {0}, part_has[RANK_SPLIT + 1] = {0};

			for (j = 0; j < q->nterms; j++) {
				int o = q->terms[j].origin;

				if (q->terms[j].from != i)
					continue;
				if (o == RANK_ALIAS || o == RANK_SPLIT) {
					part[o]++;
					part_has[o] += has[j];
				} else if (has[j]) {
					double c = o == RANK_FUZZY     ? 0.5
						   : o == RANK_LEXICAL ? RANK_LEX_CREDIT
						   : o == RANK_PREFIX  ? q->terms[j].weight
								       : 1.0;

					if (c > credit)
						credit = c;
				}
			}
			for (j = RANK_ALIAS; j <= RANK_SPLIT; j++)
				if (part[j] > 0 && part_has[j] == part[j])
					credit = 1.0;
			words += 1.0;
			found += credit;
		}
		idf = t->idf;
		if (t->df == 0) {
			/* A completed, split or spelled-out word is found; a
			 * respelled one only perhaps; one the index spells
			 * the other way is there, with that spelling's idf. */
			for (j = 0; j < q->nterms; j++) {
				const struct rank_term *e = &q->terms[j];

				if (e->from != i || e->origin == RANK_LEXICAL)
					continue;
				if (e->origin == RANK_VARIANT) {
					idf = e->idf;
					break;
				}
				missing = e->origin == RANK_FUZZY ? 0.5
					  : e->origin == RANK_PREFIX
						  ? 1.0 - e->weight
						  : 0.0;
			}
			if (j == q->nterms) {
				if (t->origin == RANK_USER) {
					total += missing * t->weight * maxidf;
					lost += !t->is_stop && missing == 1.0;
				}
				continue;
			}
		}
		total += t->weight * idf;
		if (hit[i])
			got += t->weight * idf;
	}
	if (total <= 0.0 || words <= 0.0)
		return -1;
	*wshare = found / words;
	*mass = got / total;
	*unknown = lost / words;
	return 0;
}

double rank_confidence(struct idx *x, const struct rank_query *q,
		       const struct rank_hit *h)
{
	double w, m, u;

	if (coverage(x, q, h, &w, &m, &u) != 0)
		return 0.0; /* nothing but stop words: no evidence of a match */
	return sqrt(w * m);
}

void rank_decline_features(struct idx *x, const struct rank_query *q,
			   const struct rank_hit *hits, int nhits,
			   double *f)
{
	double w = 0.0, m = 0.0, u = 1.0, mass = 0.0, rare = 0.0, got = 0.0;
	double maxidf = bm25_idf(idx_ndocs(x), 0);
	int i, n = 0;

	memset(f, 0, RANK_NFEAT * sizeof(*f));
	f[RANK_F_BIAS] = 1.0;
	if (nhits < 1 || coverage(x, q, &hits[0], &w, &m, &u) != 0)
		return;
	for (i = 0; i < q->nterms; i++)
		if (q->terms[i].origin == RANK_USER && !q->terms[i].is_stop) {
			mass += q->terms[i].weight * q->terms[i].idf;
			n++;
			if ((hits[0].terms >> i) & 1) {
				got += q->terms[i].idf;
				if (q->terms[i].idf > rare)
					rare = q->terms[i].idf;
			}
		}
	f[RANK_F_WORDS] = w;
	f[RANK_F_MASS] = m;
	f[RANK_F_UNKNOWN] = u;
	/* (clamped to the lengths the model was fitted on: a logistic model
	 * extrapolates a weight without bound, and 64 random words are not
	 * more answerable than 16) */
	f[RANK_F_NWORDS] = log(1.0 + (n < RANK_NWORDS_MAX ? n : RANK_NWORDS_MAX));
	f[RANK_F_GAP] = nhits > 1 && hits[0].score > 0.0
				? (hits[0].score - hits[1].score) / hits[0].score
				: 1.0;
	f[RANK_F_SCORE] = mass > 0.0 ? hits[0].score / mass : 0.0;
	f[RANK_F_RARE] = maxidf > 0.0 ? rare / maxidf : 0.0;
	f[RANK_F_GOT] = maxidf > 0.0 ? got / maxidf : 0.0;
}

double rank_answerable(const double *f)
{
	static const double coef[RANK_NFEAT] = RANK_DECLINE_COEF;
	double z = 0.0;
	int i;

	for (i = 0; i < RANK_NFEAT; i++)
		z += coef[i] * f[i];
	return 1.0 / (1.0 + exp(-z));
}
