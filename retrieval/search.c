/* search.c - BM25F / TF-IDF scoring of a parsed query: document at a time
 * with MaxScore pruning (or every posting), the best k in a bounded heap,
 * the phrase re-rank of the best few, and the per-term explanation. */
#include "rank_int.h"
#include "proximity.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void rank_defaults(struct rank_params *p)
{
	p->model = RANK_BM25;
	p->k1 = IDX_K1;
	p->b = IDX_B;
	p->w[IDX_Q] = IDX_WQ;
	p->w[IDX_A] = IDX_WA;
	p->qmatch = RANK_QMATCH;
	p->phrase = RANK_PHRASE;
	p->feedback = RANK_FEEDBACK_W;
	p->feedback_min = RANK_FEEDBACK_MIN;
	p->expand = RANK_EXP_ALL;
	p->exhaustive = 0;
	p->cost = NULL;
	p->semantic = RANK_SEMANTIC;
	p->proximity = RANK_PROX_W;
}

/* Add a cursor's work to p->cost, if counted. */
static void count_cursor(const struct rank_params *p,
			 const struct idx_cursor *c)
{
	if (p->cost) {
		p->cost->lists++;
		p->cost->postings += c->nsteps;
		p->cost->blocks += c->nblocks;
	}
}

/* Per-field tables: the BM25 length factor for each of the 256 norm codes
 * (a posting carries the codes of its doc's fields). */
struct scorer {
	const struct rank_params *p;
	double lenf[IDX_NFIELDS][256];
	double n;
	double w[IDX_NFIELDS]; /* field weights, the answer's capped */
};

/* Where answers run far longer than questions (FAQ records: a line of
 * question, a page of answer), a long answer holds some of almost any
 * question's words and outweighs the question that says what the record
 * is about: the answer field's weight is scaled down by how far the
 * ratio of the average lengths exceeds RANK_ANSWER_RATIO.  A lower
 * weight only lowers scores, so the blocks' bounds still hold.  Not where
 * prose passages are indexed: their question field is a heading, not
 * what the record answers, and the passage is what holds the answer. */
static double answer_cap(struct idx *x)
{
	double q = idx_avglen(x, IDX_Q), a = idx_avglen(x, IDX_A);

	if (idx_has_passages(x))
		return 1.0;
	return q > 0.0 && a > RANK_ANSWER_RATIO * q ? RANK_ANSWER_RATIO * q / a
						     : 1.0;
}

static void scorer_init(struct scorer *s, struct idx *x,
			const struct rank_params *p)
{
	const double *dec = idx_norm_table();
	int f, c;

	s->p = p;
	s->n = (double)idx_ndocs(x);
	s->w[IDX_Q] = p->w[IDX_Q];
	s->w[IDX_A] = p->w[IDX_A] * answer_cap(x);
	/* (locals, so that the stores below need not reload them) */
	for (f = 0; f < IDX_NFIELDS; f++) {
		double avg = idx_avglen(x, f), b = p->b;
		double slope = avg > 0.0 ? b / avg : 0.0; /* no division per code */
		double *lf = s->lenf[f];

		if (p->model == RANK_BM25)
			for (c = 0; c < 256; c++)
				lf[c] = 1.0 - b + slope * dec[c];
		else
			for (c = 0; c < 256; c++)
				lf[c] = sqrt(dec[c] > 0.0 ? dec[c] : 1.0);
	}
}

/* Contribution of c's current posting; idf and weight folded into idf. */
static inline double score_posting(const struct scorer *s,
				   const struct idx_cursor *c, double idf)
{
	const unsigned *tf = c->tf;
	const unsigned char *nb = c->norm;
	double t = 0.0;
	int f;

	if (s->p->model == RANK_BM25) {
		for (f = 0; f < IDX_NFIELDS; f++)
			if (tf[f])
				t += s->w[f] * tf[f] / s->lenf[f][nb[f]];
		return idf * t * (s->p->k1 + 1.0) / (t + s->p->k1);
	}
	for (f = 0; f < IDX_NFIELDS; f++)
		if (tf[f])
			t += s->w[f] * (1.0 + log((double)tf[f])) /
			     s->lenf[f][nb[f]];
	return t * idf * idf;
}

static double term_idf(const struct scorer *s, const struct rank_term *t)
{
	if (s->p->model == RANK_BM25)
		return t->idf;
	return 1.0 + log(s->n / ((double)t->df + 1.0));
}

/* Per-doc tallies for the question-match bonus. */
struct qfield {
	float idf;     /* query idf mass matched in the question field */
	unsigned tf;   /* question-field occurrences of query terms */
	uint64_t mask; /* query terms found anywhere in the record */
	unsigned char qlen; /* the question's norms code (when tf > 0) */
};

static double qmatch_factor(const struct scorer *s, const struct qfield *f,
			    double idfsum)
{
	double len, cq, cd;

	if (s->p->qmatch <= 0.0 || f->tf == 0 || idfsum <= 0.0)
		return 1.0;
	len = idx_norm_decode(f->qlen);
	cq = f->idf / idfsum;
	cd = len > 0.0 ? (double)f->tf / len : 0.0;
	if (cq > 1.0)
		cq = 1.0;
	if (cd > 1.0)
		cd = 1.0;
	return 1.0 + s->p->qmatch * cq * cd;
}

/* Is a better than b? Higher score, then lower doc id. */
static int better(const struct rank_hit *a, const struct rank_hit *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	return a->doc < b->doc;
}

/* Min-heap on "better": the root is the worst kept hit. */
static void sift_down(struct rank_hit *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, w = i;
		struct rank_hit tmp;

		if (l < n && better(&h[w], &h[l]))
			w = l;
		if (r < n && better(&h[w], &h[r]))
			w = r;
		if (w == i)
			return;
		tmp = h[i];
		h[i] = h[w];
		h[w] = tmp;
		i = w;
	}
}

static void heap_offer(struct rank_hit *h, int *n, int k, long doc,
		       double score, uint64_t terms)
{
	struct rank_hit e = {doc, score, score, terms};
	int i;

	if (*n < k) {
		i = (*n)++;
		h[i] = e;
		while (i > 0 && better(&h[(i - 1) / 2], &h[i])) {
			struct rank_hit tmp = h[i];

			h[i] = h[(i - 1) / 2];
			h[(i - 1) / 2] = tmp;
			i = (i - 1) / 2;
		}
	} else if (better(&e, &h[0])) {
		h[0] = e;
		sift_down(h, *n, 0);
	}
}

static int cmp_hits(const void *a, const void *b)
{
	const struct rank_hit *x = a, *y = b;

	if (better(x, y))
		return -1;
	return better(y, x) ? 1 : 0;
}

/* Word pairs of the query: consecutive user words (stop words between
 * them dropped) as indexes into q->terms.  Returns the count. */
static int query_pairs(const struct rank_query *q, int pairs[][2], int max)
{
	int order[RANK_MAX_TERMS], n = 0, i, j, np = 0;

	for (i = 0; i < q->nterms; i++)
		if (q->terms[i].origin == RANK_USER && q->terms[i].df > 0)
			order[n++] = i;
	for (i = 1; i < n; i++) /* by position; n is small */
		for (j = i; j > 0 && q->terms[order[j]].pos <
					   q->terms[order[j - 1]].pos; j--) {
			int tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i + 1 < n && np < max; i++) {
		pairs[np][0] = order[i];
		pairs[np][1] = order[i + 1];
		np++;
	}
	return np;
}

struct pair_scan {
	const struct rank_query *q;
	int (*pairs)[2];
	int npairs;
	int found[RANK_MAX_TERMS];
	int prev[2]; /* query term ids of the last two doc terms, -1 if none */
};

/* Could word stem to one of the paired terms?  Stems keep the word's
 * first letters, so a word that does not start like any of them is not
 * worth stemming. */
static int pair_want(void *ctx, const char *word, size_t len)
{
	const struct pair_scan *c = ctx;
	int i, k;

	for (i = 0; i < c->npairs; i++)
		for (k = 0; k < 2; k++) {
			const char *t = c->q->terms[c->pairs[i][k]].text;
			size_t n = strlen(t) < 3 ? strlen(t) : 3;

			if (len >= n && memcmp(word, t, n) == 0)
				return 1;
		}
	return 0;
}

static int on_doc_term(void *ctx, const char *term, size_t len,
		       const char *word, int pos, int is_stop)
{
	struct pair_scan *c = ctx;
	int id = -1, i;

	(void)word;
	(void)pos;
	(void)is_stop;
	for (i = 0; len > 0 && i < c->q->nterms; i++)
		if (strcmp(c->q->terms[i].text, term) == 0) {
			id = i;
			break;
		}
	if (id >= 0)
		for (i = 0; i < c->npairs; i++)
			if (c->pairs[i][1] == id &&
			    (c->prev[0] == c->pairs[i][0] ||
			     c->prev[1] == c->pairs[i][0]))
				c->found[i] = 1;
	c->prev[1] = c->prev[0];
	c->prev[0] = id;
	return 0;
}

/* Share of the query's word pairs that occur next to each other (or one
 * word apart) in doc's question or answer. */
static double pair_share(struct idx *x, const struct rank_query *q,
			 int pairs[][2], int np, long doc)
{
	struct pair_scan c;
	struct idx_doc d;
	int i, got = 0;

	if (idx_get_doc(x, doc, &d, NULL) != 0)
		return 0.0;
	memset(&c, 0, sizeof(c));
	c.q = q;
	c.pairs = pairs;
	c.npairs = np;
	c.prev[0] = c.prev[1] = -1;
	tok_set_filter(q->tok, pair_want, &c);
	tok_run(q->tok, d.question, strlen(d.question), on_doc_term, &c, NULL);
	c.prev[0] = c.prev[1] = -1;
	tok_run(q->tok, d.answer, strlen(d.answer), on_doc_term, &c, NULL);
	tok_set_filter(q->tok, NULL, NULL);
	idx_doc_clear(&d);
	for (i = 0; i < np; i++)
		got += c.found[i];
	return (double)got / np;
}

static int phrase_rerank(struct idx *x, const struct rank_query *q,
			 const struct rank_params *p, struct rank_hit *h,
			 int n, struct qerr *err)
{
	int pairs[RANK_MAX_TERMS][2], np = query_pairs(q, pairs, RANK_MAX_TERMS);
	int i;

	(void)err;
	if (np == 0)
		return 0;
	for (i = 0; i < n; i++)
		h[i].score *= 1.0 + p->phrase * pair_share(x, q, pairs, np,
							   h[i].doc);
	return 0;
}

/* ---- document at a time with MaxScore ---- */

struct dterm {
	struct idx_cursor c;
	unsigned char *blob; /* a private copy of the postings */
	const struct rank_term *t;
	int ti;              /* index in q->terms */
	int done;            /* (beside ti: no padding, a smaller stride) */
	double w;            /* weight * idf */
	double ub;           /* largest contribution any posting can make */
	double bw;           /* times a block's max_impact: the largest
				contribution of its postings (0: the blocks'
				bounds do not hold for these parameters) */
	double share;        /* idf share for the question-match bound */
};

/* The lists a record's bound can leave out (non-essential) come first:
 * those that bound little for many postings (ascending bound per
 * posting, Lucene's greedy answer to which postings to skip), so that
 * the bound left out buys the most postings not decoded. */
static int cmp_dterm(const void *a, const void *b)
{
	const struct dterm *x = a, *y = b;
	double rx = x->ub / (double)(x->t->df > 0 ? x->t->df : 1);
	double ry = y->ub / (double)(y->t->df > 0 ? y->t->df : 1);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->ti - y->ti;
}

/* Is q->terms[i] a word the index lacks that something replaced? */
static int replaced(const struct rank_query *q, int i)
{
	int j;

	if (q->terms[i].df > 0)
		return 0;
	for (j = 0; j < q->nterms; j++)
		if (q->terms[j].from == i && q->terms[j].origin != RANK_FEEDBACK)
			return 1;
	return 0;
}

/* The query's idf mass, for the question-match share: a missing word
 * counts at the largest idf unless something replaced it (the
 * replacements count instead). */
static double query_idf_mass(const struct rank_query *q)
{
	double m = 0.0;
	int t;

	for (t = 0; t < q->nterms; t++)
		if (!replaced(q, t))
			m += q->terms[t].weight * q->terms[t].idf;
	return m;
}

/* Upper bound of a record's final score from contributions summing to at
 * most sum and question-field idf share at most share. */
static double bound(const struct rank_params *p, double sum, double share)
{
	return sum * (1.0 + p->qmatch * (share < 1.0 ? share : 1.0));
}

/* Do the default parameters (which the blocks' bounds assume) hold? */
static int default_params(const struct rank_params *p)
{
	return p->k1 == IDX_K1 && p->b == IDX_B && p->w[IDX_Q] == IDX_WQ &&
	       p->w[IDX_A] == IDX_WA;
}

static int load_dterms(struct idx *x, const struct rank_query *q,
		       const struct rank_params *p, struct scorer *s,
		       double idfsum, struct dterm *d, int *nd,
		       struct qerr *err)
{
	int t, use_blocks = default_params(p);

	*nd = 0;
	for (t = 0; t < q->nterms; t++) {
		const struct rank_term *rt = &q->terms[t];
		const unsigned char *data;
		size_t len;
		long df;
		struct dterm *e = &d[*nd];

		if (rt->df == 0 || rt->weight <= 0.0)
			continue;
		if (idx_postings(x, rt->text, &df, &data, &len, err) != 0)
			return err ? err->code : QERR_DATA;
		if (df == 0)
			continue;
		memset(e, 0, sizeof(*e));
		e->blob = malloc(len ? len : 1);
		if (e->blob == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
		if (len > 0) /* (an empty blob reads as NULL) */
			memcpy(e->blob, data, len);
		(*nd)++;
		e->t = rt;
		e->ti = t;
		e->w = rt->weight * term_idf(s, rt);
		idx_cursor_open(x, &e->c, e->blob, len);
		e->bw = use_blocks ? e->w * (p->k1 + 1.0) * e->c.scale *
					     (1.0 + 1e-6)
				   : 0.0;
		e->ub = use_blocks ? e->bw * idx_postings_max(e->blob, len)
				   : e->w * (p->k1 + 1.0);
		e->share = idfsum > 0.0 ? rt->weight * rt->idf / idfsum : 0.0;
		e->done = !idx_cursor_next(&e->c);
		if (!e->done && e->c.docid >= idx_maxdoc(x))
			e->c.bad = 1;
		if (e->c.bad)
			return qerr_set(err, QERR_DATA,
					"index is damaged: postings of '%s'",
					rt->text);
	}
	return 0;
}

/* Score one record from the per-term contributions, in query order, just
 * as the exhaustive loop does (so both give identical numbers); qlen is
 * its question's norms code, from any of its postings with a tf_q. */
static double final_score(const struct scorer *s, const struct rank_query *q,
			  const double *contrib, const unsigned *tfq,
			  unsigned char qlen, double idfsum, uint64_t *mask)
{
	struct qfield f = {0.0f, 0, 0, qlen};
	double sum = 0.0;
	int t;

	for (t = 0; t < q->nterms; t++) {
		if (contrib[t] == 0.0 && tfq[t] == 0)
			continue;
		sum += contrib[t];
		*mask |= (uint64_t)1 << t;
		if (tfq[t]) {
			f.idf += (float)(q->terms[t].weight * q->terms[t].idf);
			f.tf += tfq[t];
		}
	}
	if (sum <= 0.0)
		return 0.0;
	return sum * qmatch_factor(s, &f, idfsum);
}

/* The essential lists in a binary min-heap on their current doc, so
 * that finding the next candidate costs the log of their number, not
 * their number (long questions have dozens).  An entry carries its
 * list's current doc (kept equal to d[i].c.docid by whoever moves the
 * list): sifting then reads this small array, not the lists' cursors,
 * which lie a cache line or more apart, once per posting. */
struct hent {
	long doc;
	int i; /* index into d */
};

static void heap_down(struct hent *h, int n, int i)
{
	struct hent e = h[i];

	for (;;) {
		int l = 2 * i + 1, r = l + 1, m;

		if (l >= n)
			break;
		m = r < n && h[r].doc < h[l].doc ? r : l;
		if (h[m].doc >= e.doc)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = e;
}

/* After the top list moved: its new doc, or out of the heap when done. */
static void heap_moved(const struct dterm *d, struct hent *h, int *n)
{
	if (d[h[0].i].done)
		h[0] = h[--*n];
	else
		h[0].doc = d[h[0].i].c.docid;
	heap_down(h, *n, 0);
}

/* The heap of the lists ness..nd-1 not yet done; returns its size. */
static int heap_build(const struct dterm *d, struct hent *h, int ness, int nd)
{
	int n = 0, i;

	for (i = ness; i < nd; i++)
		if (!d[i].done) {
			h[n].doc = d[i].c.docid;
			h[n++].i = i;
		}
	for (i = n / 2 - 1; i >= 0; i--)
		heap_down(h, n, i);
	return n;
}

/* A bound of the score of every record from doc (the essential lists'
 * smallest current doc) to *last, from the maxima of the blocks that
 * hold their postings: the non-essential lists' blocks where doc would
 * be (moved to without decoding; a list found to end is marked done),
 * and the essential lists' current blocks.  *last is the first of those
 * blocks to end, so the essential lists whose current doc lies beyond
 * it have no posting in the range.  bpre[i + 1] gets what lists 0..i
 * can add to the score of any record in the range (as prefix, from
 * their blocks at doc; it stays a bound while they are moved on to
 * records of the range).  A list adds its question-match share only
 * where its block has the term in a question field: in a dictionary,
 * "mean" heads a handful of records and is in the text of thousands,
 * whose blocks then bound without the bonus.  A list found damaged sets
 * c.bad. */
static double block_bound(const struct rank_params *p, struct dterm *d,
			  const struct hent *h, int nh, int ness, long doc,
			  long *last,
			  double *bpre)
{
	double sum, share = 0.0;
	int i, j;

	*last = LONG_MAX;
	bpre[0] = 0.0;
	for (i = 0; i < ness; i++) {
		bpre[i + 1] = bpre[i];
		if (d[i].done)
			continue;
		if (!idx_cursor_shallow(&d[i].c, doc)) {
			d[i].done = 1;
			continue;
		}
		if (d[i].c.block_last < *last)
			*last = d[i].c.block_last;
		bpre[i + 1] += d[i].bw * d[i].c.block_max;
		share += d[i].c.block_noq ? 0.0 : d[i].share;
	}
	sum = bpre[ness];
	for (j = 0; j < nh; j++)
		if (d[h[j].i].c.block_last < *last)
			*last = d[h[j].i].c.block_last;
	for (j = 0; j < nh; j++)
		if (h[j].doc <= *last) {
			sum += d[h[j].i].bw * d[h[j].i].c.block_max;
			share += d[h[j].i].c.block_noq ? 0.0 : d[h[j].i].share;
		}
	return bound(p, sum, share);
}

/* Is a list that moved malformed, or naming a record past the index's
 * end (a damaged index)? */
static int gone_bad(struct dterm *e, long ndocs)
{
	if (!e->done && e->c.docid >= ndocs)
		e->c.bad = 1;
	return e->c.bad;
}

static int damaged(const struct dterm *e, struct qerr *err)
{
	return qerr_set(err, QERR_DATA, "index is damaged: postings of '%s'",
			e->t->text);
}

/* Move the essential lists (the heap h of *nh) that are at or before
 * last, leaving the rest of their blocks there undecoded. */
static int skip_range(struct dterm *d, struct hent *h, int *nh, long last,
		      long ndocs, struct qerr *err)
{
	int rc = 0;

	while (*nh > 0 && h[0].doc <= last) {
		int i = h[0].i;

		d[i].done = !idx_cursor_seek(&d[i].c, last + 1);
		if (gone_bad(&d[i], ndocs))
			rc = damaged(&d[i], err);
		heap_moved(d, h, nh);
	}
	return rc;
}

/* Window at a time, for questions with many essential lists (Lucene's
 * BooleanScorer): each essential list is decoded through a window of
 * WIN_DOCS records in turn, its contributions added into the window's
 * slots, and the window's records are then taken in order as the heap
 * would give them.  A posting then costs an addition, not a heap sift
 * over dozens of lists.  The slots' sums only bound (they are added in
 * list order, not query order); a record that survives the bound is
 * scored by final_score from the contributions kept for it, so that the
 * numbers are those of the exhaustive loop.  A window is one block of
 * norms, read once. */
#define WIN_DOCS IDX_NORM_BLOCK
#define WIN_LISTS 12 /* essential lists from which windows pay */

struct went {
	double contrib;
	int next; /* the record's previous entry, or -1 */
	int ti;
	unsigned tfq;
	unsigned char qlen; /* the record's question norms code (tfq > 0) */
};

struct win {
	double acc[WIN_DOCS], share[WIN_DOCS];
	int head[WIN_DOCS];
	uint64_t seen[WIN_DOCS / 64];
	struct went *ent;
	size_t nent, cap;
};

/* What search_maxscore's loop and a window share. */
struct ms {
	struct scorer *s;
	const struct rank_query *q;
	const struct rank_params *p;
	struct dterm *d;
	int nd, ness;
	const double *prefix, *pshare;
	double theta, idfsum;
	struct rank_hit *top;
	int *ntop, kk;
	long ndocs;
	double *contrib;
	unsigned *tfq;
};

static int win_add(struct win *w, long off, const struct dterm *e,
		   double c)
{
	struct went *n;

	if (w->nent == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4096;

		if ((n = realloc(w->ent, cap * sizeof(*n))) == NULL)
			return -1;
		w->ent = n;
		w->cap = cap;
	}
	if (!(w->seen[off / 64] >> (off % 64) & 1)) {
		w->seen[off / 64] |= (uint64_t)1 << (off % 64);
		w->acc[off] = w->share[off] = 0.0;
		w->head[off] = -1;
	}
	w->acc[off] += c;
	w->share[off] += e->c.tf[IDX_Q] ? e->share : 0.0;
	n = &w->ent[w->nent];
	n->contrib = c;
	n->ti = e->ti;
	n->tfq = e->c.tf[IDX_Q];
	n->qlen = e->c.norm[IDX_Q];
	n->next = w->head[off];
	w->head[off] = (int)w->nent++;
	return 0;
}

/* A candidate of the window: the non-essential lists probed while it
 * can still make the top, then scored, as search_maxscore's loop does
 * for a record.  The steps are written out in both places rather than
 * shared: through a helper, the loop's bounds and threshold live in
 * memory instead of registers, on the path every candidate takes. */
static int win_record(struct ms *m, struct win *w, int ess, long off,
		      long doc, struct qerr *err)
{
	struct dterm *d = m->d;
	double partial = w->acc[off], share = w->share[off];
	int i, k, pruned = 0, nm = 0, moved[RANK_MAX_TERMS], rc = 0;
	unsigned char qlen = 0;

	for (i = ess - 1; i >= 0; i--) {
		if (*m->ntop == m->kk &&
		    bound(m->p, partial + m->prefix[i + 1],
			  share + m->pshare[i + 1]) < m->theta * (1.0 - 1e-9)) {
			pruned = 1;
			break;
		}
		if (d[i].done)
			continue;
		moved[nm++] = i;
		if (!idx_cursor_seek(&d[i].c, doc)) {
			d[i].done = 1;
			continue;
		}
		if (d[i].c.docid != doc)
			continue;
		m->contrib[d[i].ti] = score_posting(m->s, &d[i].c, d[i].w);
		m->tfq[d[i].ti] = d[i].c.tf[IDX_Q];
		partial += m->contrib[d[i].ti];
		if (d[i].c.tf[IDX_Q]) {
			share += d[i].share;
			qlen = d[i].c.norm[IDX_Q];
		}
	}
	if (!pruned) {
		uint64_t mask = 0;
		double sc;

		for (k = w->head[off]; k >= 0; k = w->ent[k].next) {
			m->contrib[w->ent[k].ti] = w->ent[k].contrib;
			m->tfq[w->ent[k].ti] = w->ent[k].tfq;
			if (w->ent[k].tfq)
				qlen = w->ent[k].qlen;
		}
		sc = final_score(m->s, m->q, m->contrib, m->tfq, qlen,
				 m->idfsum, &mask);
		if (m->p->cost)
			m->p->cost->docs++;
		if (sc > 0.0)
			heap_offer(m->top, m->ntop, m->kk, doc, sc, mask);
		if (*m->ntop == m->kk) {
			m->theta = m->top[0].score;
			/* (lists leave the essential ones at the next
			 * window: this one has decoded them already) */
			while (m->ness < m->nd &&
			       bound(m->p, m->prefix[m->ness + 1],
				     m->pshare[m->ness + 1]) <
				       m->theta * (1.0 - 1e-9))
				m->ness++;
		}
		for (k = w->head[off]; k >= 0; k = w->ent[k].next) {
			m->contrib[w->ent[k].ti] = 0.0;
			m->tfq[w->ent[k].ti] = 0;
		}
	}
	while (nm > 0) {
		i = moved[--nm];
		m->contrib[d[i].ti] = 0.0;
		m->tfq[d[i].ti] = 0;
		if (gone_bad(&d[i], m->ndocs))
			rc = damaged(&d[i], err);
	}
	return rc;
}

/* The window holding the essential lists' smallest current doc: decode
 * them through it, then take its records in order. */
static int win_step(struct ms *m, struct win *w, struct qerr *err)
{
	struct dterm *d = m->d;
	long base = LONG_MAX, wend, off;
	int ess = m->ness, j, rc = 0;
	size_t b;

	for (j = ess; j < m->nd; j++)
		if (!d[j].done && d[j].c.docid < base)
			base = d[j].c.docid;
	if (base >= m->ndocs)
		return qerr_set(err, QERR_DATA, "index is damaged: postings "
				"name record %ld of %ld", base, m->ndocs);
	base -= base % WIN_DOCS;
	wend = base + WIN_DOCS;
	w->nent = 0;
	if (m->p->cost)
		m->p->cost->windows++;
	for (j = ess; j < m->nd; j++) {
		struct dterm *e = &d[j];

		while (!e->done && e->c.docid < wend) {
			if (win_add(w, e->c.docid - base, e,
				    score_posting(m->s, &e->c, e->w)) != 0)
				return qerr_set(err, QERR_IO, "out of memory");
			e->done = !idx_cursor_next(&e->c);
			if (gone_bad(e, m->ndocs))
				return damaged(e, err);
		}
	}
	for (b = 0; rc == 0 && b < WIN_DOCS / 64; b++) {
		uint64_t bits = w->seen[b];

		w->seen[b] = 0;
		while (bits && rc == 0) {
			off = (long)b * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			rc = win_record(m, w, ess, off, base + off, err);
		}
	}
	memset(w->seen, 0, sizeof(w->seen));
	return rc;
}

/* Document at a time over the lists sorted by bound per posting: the
 * essential lists (ness and up, whose bounds together could still lift
 * a record into the top) give the candidates; the others are only
 * probed, while the candidate can still make it (MaxScore). */
static int search_maxscore(struct idx *x, const struct rank_query *q,
			   const struct rank_params *p, struct scorer *s,
			   double idfsum, struct rank_hit *top, int *ntop,
			   int kk, struct qerr *err)
{
	struct dterm d[RANK_MAX_TERMS];
	double prefix[RANK_MAX_TERMS + 1], pshare[RANK_MAX_TERMS + 1];
	double contrib[RANK_MAX_TERMS], theta = 0.0, bpre[RANK_MAX_TERMS + 1];
	unsigned tfq[RANK_MAX_TERMS];
	long ndocs = idx_maxdoc(x);
	struct hent h[RANK_MAX_TERMS];
	int nh = 0, nd = 0, i, ness = 0, rc;
	long last = -1; /* bpre holds up to this record */
	int blocks = 0; /* do the blocks' bounds hold? */
	struct win *w = NULL; /* made for the first window */

	rc = load_dterms(x, q, p, s, idfsum, d, &nd, err);
	if (rc == 0) {
		qsort(d, (size_t)nd, sizeof(*d), cmp_dterm);
		prefix[0] = pshare[0] = 0.0;
		for (i = 0; i < nd; i++) {
			prefix[i + 1] = prefix[i] + d[i].ub;
			pshare[i + 1] = pshare[i] + d[i].share;
		}
		memset(contrib, 0, sizeof(contrib));
		memset(tfq, 0, sizeof(tfq));
		nh = heap_build(d, h, ness, nd);
		blocks = nd > 0 && d[0].bw > 0.0;
	}
	while (rc == 0 && nh > 0) {
		long doc = h[0].doc;

		if (nh >= WIN_LISTS && *ntop == kk) {
			struct ms m = {s, q, p, d, nd, ness, prefix, pshare,
				       theta, idfsum, top, ntop, kk, ndocs,
				       contrib, tfq};

			if (w == NULL && (w = calloc(1, sizeof(*w))) == NULL) {
				rc = qerr_set(err, QERR_IO, "out of memory");
				break;
			}
			rc = win_step(&m, w, err);
			theta = m.theta;
			ness = m.ness;
			nh = heap_build(d, h, ness, nd);
			last = -1;
			continue;
		}
		double partial = 0.0, share = 0.0;
		const double *pre = prefix;
		int pruned = 0, nm = 0, moved[RANK_MAX_TERMS];
		unsigned char qlen = 0;

		if (doc >= ndocs) {
			rc = qerr_set(err, QERR_DATA, "index is damaged: postings "
				      "name record %ld of %ld", doc, ndocs);
			break;
		}
		/* Block-max MaxScore: when no record up to the end of the
		 * first block to end can enter the top, the essential lists
		 * skip to past it, leaving their blocks undecoded.  Bounded
		 * once a range, not once a record: where the bound does not
		 * prune, long questions have dozens of lists to sum. */
		if (blocks && doc > last && *ntop == kk) {
			double b = block_bound(p, d, h, nh, ness, doc, &last,
					       bpre);

			for (i = 0; i < ness; i++)
				if (d[i].c.bad)
					rc = damaged(&d[i], err);
			if (rc == 0 && b < theta * (1.0 - 1e-9)) {
				rc = skip_range(d, h, &nh, last, ndocs, err);
				continue;
			}
		}
		if (doc <= last)
			pre = bpre;
		while (nh > 0 && h[0].doc == doc) {
			i = h[0].i;
			contrib[d[i].ti] = score_posting(s, &d[i].c, d[i].w);
			tfq[d[i].ti] = d[i].c.tf[IDX_Q];
			partial += contrib[d[i].ti];
			if (d[i].c.tf[IDX_Q]) {
				share += d[i].share;
				qlen = d[i].c.norm[IDX_Q];
			}
			d[i].done = !idx_cursor_next(&d[i].c);
			moved[nm++] = i;
			heap_moved(d, h, &nh);
		}
		for (i = ness - 1; i >= 0; i--) {
			if (*ntop == kk &&
			    bound(p, partial + pre[i + 1],
				  share + pshare[i + 1]) < theta * (1.0 - 1e-9)) {
				pruned = 1;
				break;
			}
			if (d[i].done)
				continue;
			moved[nm++] = i;
			if (!idx_cursor_seek(&d[i].c, doc)) {
				d[i].done = 1;
				continue;
			}
			if (d[i].c.docid != doc)
				continue;
			contrib[d[i].ti] = score_posting(s, &d[i].c, d[i].w);
			tfq[d[i].ti] = d[i].c.tf[IDX_Q];
			partial += contrib[d[i].ti];
			if (d[i].c.tf[IDX_Q]) {
				share += d[i].share;
				qlen = d[i].c.norm[IDX_Q];
			}
		}
		if (!pruned) {
			uint64_t mask = 0;
			double sc = final_score(s, q, contrib, tfq, qlen, idfsum,
						&mask);

			if (p->cost)
				p->cost->docs++;
			if (sc > 0.0)
				heap_offer(top, ntop, kk, doc, sc, mask);
			if (*ntop == kk) {
				int was = ness;

				theta = top[0].score;
				while (ness < nd &&
				       bound(p, prefix[ness + 1], pshare[ness + 1]) <
					       theta * (1.0 - 1e-9))
					ness++;
				if (ness != was) {
					nh = heap_build(d, h, ness, nd);
					last = -1; /* bpre lacks the new lists */
				}
			}
		}
		/* only the cursors that moved can have scored or gone bad */
		while (nm > 0) {
			i = moved[--nm];
			contrib[d[i].ti] = 0.0;
			tfq[d[i].ti] = 0;
			if (gone_bad(&d[i], ndocs))
				rc = damaged(&d[i], err);
		}
	}
	for (i = 0; i < nd; i++) {
		count_cursor(p, &d[i].c);
		free(d[i].blob);
	}
	if (w)
		free(w->ent);
	free(w);
	return rc;
}

int rank_search(struct idx *x, const struct rank_query *q,
		const struct rank_params *p, int k, struct rank_hit *hits,
		int *nhits, struct qerr *err)
{
	struct scorer s;
	long n = idx_maxdoc(x), ntouched = 0, i;
	double *acc, idfsum = 0.0;
	struct qfield *qf;
	long *touched;
	struct rank_hit *top = hits;
	int t, rc = 0, ntop = 0, kk = k;

	*nhits = 0;
	if (n == 0 || idx_ndocs(x) == 0 || q->nterms == 0)
		return 0;
	if (p->phrase > 0.0 && q->tok && k < RANK_RERANK) {
		kk = RANK_RERANK;
		top = malloc((size_t)kk * sizeof(*top));
		if (top == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
	}
	scorer_init(&s, x, p);
	idfsum = query_idf_mass(q);
	if (p->model == RANK_BM25 && !p->exhaustive) {
		rc = search_maxscore(x, q, p, &s, idfsum, top, &ntop, kk, err);
		goto ranked;
	}
	acc = calloc((size_t)n, sizeof(*acc));
	qf = calloc((size_t)n, sizeof(*qf));
	touched = malloc((size_t)n * sizeof(*touched));
	if (acc == NULL || touched == NULL || qf == NULL) {
		free(acc);
		free(qf);
		free(touched);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	for (t = 0; t < q->nterms && rc == 0; t++) {
		const struct rank_term *rt = &q->terms[t];
		const unsigned char *data;
		size_t len;
		long df;
		struct idx_cursor c;
		double w;

		if (rt->df == 0 || rt->weight <= 0.0)
			continue;
		rc = idx_postings(x, rt->text, &df, &data, &len, err);
		if (rc != 0 || df == 0)
			break;
		w = rt->weight * term_idf(&s, rt);
		idx_cursor_open(x, &c, data, len);
		while (idx_cursor_next(&c)) {
			if (c.docid >= n) {
				c.bad = 1;
				break;
			}
			if (acc[c.docid] == 0.0)
				touched[ntouched++] = c.docid;
			acc[c.docid] += score_posting(&s, &c, w);
			qf[c.docid].mask |= (uint64_t)1 << t;
			if (c.tf[IDX_Q]) {
				qf[c.docid].qlen = c.norm[IDX_Q];
				qf[c.docid].idf += (float)(rt->weight * rt->idf);
				qf[c.docid].tf += c.tf[IDX_Q];
			}
		}
		count_cursor(p, &c);
		if (c.bad)
			rc = qerr_set(err, QERR_DATA,
				      "index is damaged: postings of '%s'",
				      rt->text);
	}
	if (p->cost)
		p->cost->docs += ntouched;
	for (i = 0; rc == 0 && i < ntouched; i++) {
		long d = touched[i];

		if (acc[d] > 0.0)
			heap_offer(top, &ntop, kk, d,
				   acc[d] * qmatch_factor(&s, &qf[d], idfsum),
				   qf[d].mask);
	}
	free(acc);
	free(qf);
	free(touched);
ranked:
	/* The phrase bonus re-ranks the best RANK_RERANK only (it can only
	 * raise scores, so they stay above the rest), whatever k is. */
	qsort(top, (size_t)ntop, sizeof(*top), cmp_hits);
	if (rc == 0 && p->phrase > 0.0 && q->tok) {
		int nr = ntop < RANK_RERANK ? ntop : RANK_RERANK;

		rc = phrase_rerank(x, q, p, top, nr, err);
		qsort(top, (size_t)nr, sizeof(*top), cmp_hits);
	}
	*nhits = ntop < k ? ntop : k;
	if (top != hits) {
		memcpy(hits, top, (size_t)*nhits * sizeof(*hits));
		free(top);
	}
	for (i = 0; i < *nhits; i++)
		hits[i].lexical = hits[i].score;
	return rc;
}

double rank_explain(struct idx *x, const struct rank_query *q,
		    const struct rank_params *p, long doc, double *contrib)
{
	struct scorer s;
	double total = 0.0;
	int t;

	scorer_init(&s, x, p);
	for (t = 0; t < q->nterms; t++) {
		const unsigned char *data;
		size_t len;
		long df;
		struct idx_cursor c;

		contrib[t] = 0.0;
		if (q->terms[t].df == 0 ||
		    idx_postings(x, q->terms[t].text, &df, &data, &len, NULL))
			continue;
		idx_cursor_open(x, &c, data, len);
		if (idx_cursor_seek(&c, doc) && c.docid == doc)
			contrib[t] = score_posting(
				&s, &c,
				q->terms[t].weight * term_idf(&s, &q->terms[t]));
		total += contrib[t];
	}
	return total;
}
