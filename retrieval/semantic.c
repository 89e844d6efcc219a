/* semantic.c - the semantic channel: BM25F's candidates re-ranked by their
 * score over the best one's plus a weight times the cosine between the
 * question's word vectors and the record's (see rank_search_fused in
 * rank.h).  Reads the index and the vectors file only. */
#include <stdlib.h>
#include <string.h>

#include "../index/vecstore.h"
#include "rank_int.h"

struct cand {
	struct rank_hit h;
	double fused;
};

static int by_fused(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->fused != y->fused)
		return x->fused > y->fused ? -1 : 1;
	return (x->h.doc > y->h.doc) - (x->h.doc < y->h.doc);
}

static int by_doc(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return (x->h.doc > y->h.doc) - (x->h.doc < y->h.doc);
}

/* Add the records that have a vector to c (sorted by doc, n of them)
 * with the cosines: every record, when the index is small.  Returns the
 * new count or -1 (err set). */
static long add_all(struct idx *x, const float *qv, int dims, double w,
		    struct cand *c, long n, long cap, struct qerr *err)
{
	long *docs = malloc((size_t)cap * sizeof(*docs));
	double *cos = malloc((size_t)cap * sizeof(*cos));
	long m, i, out = n;
	struct cand key, *f;

	if (docs == NULL || cos == NULL) {
		free(docs);
		free(cos);
		qerr_set(err, QERR_IO, "out of memory");
		return -1;
	}
	m = idx_vst_cosines(x, qv, dims, docs, -1, cap - n, cos, err);
	for (i = 0; i < m; i++) {
		key.h.doc = docs[i];
		f = bsearch(&key, c, (size_t)n, sizeof(*c), by_doc);
		if (f != NULL) {
			f->fused += w * cos[i];
			continue;
		}
		memset(&c[out], 0, sizeof(c[out]));
		c[out].h.doc = docs[i];
		c[out].fused = w * cos[i];
		out++;
	}
	free(docs);
	free(cos);
	return m < 0 ? -1 : out;
}

/* Cosines of the n lexical candidates, added to their fused scores. */
static int add_some(struct idx *x, const float *qv, int dims, double w,
		    struct cand *c, long n, struct qerr *err)
{
	long *docs = malloc((size_t)(n ? n : 1) * sizeof(*docs));
	double *cos = malloc((size_t)(n ? n : 1) * sizeof(*cos));
	long i, m = -1;

	if (docs != NULL && cos != NULL) {
		for (i = 0; i < n; i++)
			docs[i] = c[i].h.doc;
		m = idx_vst_cosines(x, qv, dims, docs, n, n, cos, err);
		for (i = 0; i < m; i++)
			c[i].fused += w * cos[i];
	} else {
		qerr_set(err, QERR_IO, "out of memory");
	}
	free(docs);
	free(cos);
	return m < 0 ? -1 : 0;
}

int rank_search_fused(struct idx *x, const struct rank_query *q,
		      const struct rank_params *p, const char *text, int k,
		      struct rank_hit *hits, int *nhits, struct rank_sem *info,
		      struct qerr *err)
{
	struct rank_sem dummy;
	float qv[VEC_MAX_DIMS];
	struct rank_hit *lex;
	struct cand *c;
	struct vec *v;
	long n, i, cap, ndocs = idx_ndocs(x);
	int kk, rc, dims, small;
	double top, cover, w;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if (p->semantic <= 0 || p->model != RANK_BM25) {
		info->why = p->semantic <= 0 ? "turned off" : "not with TF-IDF";
		return rank_search(x, q, p, k, hits, nhits, err);
	}
	if ((v = idx_vectors(x, &info->why)) == NULL)
		return rank_search(x, q, p, k, hits, nhits, err);
	info->path = vec_path(v);
	if (vec_text(v, text, strlen(text), qv, &cover) == 0) {
		info->why = "no word of the question has a vector";
		return rank_search(x, q, p, k, hits, nhits, err);
	}
	w = p->semantic * cover;
	info->weight = w;
	info->cover = cover;
	dims = vec_dims(v);
	small = ndocs <= RANK_SEM_ALL;
	kk = k > RANK_SEM_CANDIDATES ? k : RANK_SEM_CANDIDATES;
	cap = kk + (small ? ndocs : 0);
	lex = malloc((size_t)kk * sizeof(*lex));
	c = malloc((size_t)cap * sizeof(*c));
	if (lex == NULL || c == NULL) {
		free(lex);
		free(c);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	*nhits = 0;
	rc = rank_search(x, q, p, kk, lex, &kk, err);
	top = kk > 0 && lex[0].score > 0 ? lex[0].score : 1;
	for (i = 0; i < kk; i++) {
		c[i].h = lex[i];
		c[i].fused = lex[i].score / top;
	}
	n = kk;
	if (rc == 0 && small) {
		qsort(c, (size_t)n, sizeof(*c), by_doc);
		n = add_all(x, qv, dims, w, c, n, cap, err);
	} else if (rc == 0) {
		n = add_some(x, qv, dims, w, c, n, err) == 0 ? n : -1;
	}
	if (rc == 0 && n < 0)
		rc = err ? err->code : QERR_IO;
	if (rc == 0) {
		qsort(c, (size_t)n, sizeof(*c), by_fused);
		for (i = 0; i < n && i < k; i++) {
			hits[i] = c[i].h;
			hits[i].lexical = c[i].h.score;
			hits[i].score = c[i].fused * top; /* (BM25 units) */
		}
		*nhits = (int)i;
	}
	free(lex);
	free(c);
	return rc;
}
