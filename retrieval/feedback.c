/* feedback.c - pseudo-relevance feedback (RM3-like): rank once, then add
 * the terms frequent in the best records to the query. */
#include "rank_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fb_term {
	char text[TOK_MAX_TERM * 2 + 1];
	double w;
};

struct fb_ctx {
	struct fb_term *t;
	int n, cap;
	double doc_w; /* weight of the doc being read / its length */
};

static int on_fb_term(void *ctx, const char *term, size_t len,
		      const char *word, int pos, int is_stop)
{
	struct fb_ctx *c = ctx;
	int i;

	(void)word;
	(void)pos;
	if (is_stop || len < 2)
		return 0;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->t[i].text, term) == 0) {
			c->t[i].w += c->doc_w;
			return 0;
		}
	if (c->n == c->cap) {
		int nc = c->cap ? c->cap * 2 : 256;
		struct fb_term *nt = realloc(c->t, (size_t)nc * sizeof(*nt));

		if (nt == NULL)
			return QERR_IO;
		c->t = nt;
		c->cap = nc;
	}
	snprintf(c->t[c->n].text, sizeof(c->t[c->n].text), "%.*s", (int)len,
		 term);
	c->t[c->n].w = c->doc_w;
	c->n++;
	return 0;
}

static int cmp_fb(const void *a, const void *b)
{
	const struct fb_term *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Number of terms in text (for P(t|d)). */
static int count_term(void *ctx, const char *term, size_t len,
		      const char *word, int pos, int is_stop)
{
	(void)term;
	(void)len;
	(void)word;
	(void)pos;
	(void)is_stop;
	(*(int *)ctx)++;
	return 0;
}

int rank_feedback(struct idx *x, struct rank_query *q,
		  const struct rank_params *p, struct qerr *err)
{
	struct rank_hit hits[RANK_FB_DOCS];
	struct fb_ctx c = {NULL, 0, 0, 0.0};
	double sum = 0.0, maxw;
	int nh = 0, i, users = 0, added = 0, rc;

	if (p->feedback <= 0.0 || q->tok == NULL)
		return 0;
	for (i = 0; i < q->nterms; i++)
		users += q->terms[i].origin == RANK_USER && q->terms[i].df > 0;
	if (users < p->feedback_min)
		return 0;
	rc = rank_search(x, q, p, RANK_FB_DOCS, hits, &nh, err);
	if (rc != 0 || nh == 0)
		return rc;
	for (i = 0; i < nh; i++)
		sum += hits[i].score;
	for (i = 0; i < nh && rc == 0; i++) {
		struct idx_doc d;
		int len = 0;

		if (idx_get_doc(x, hits[i].doc, &d, err) != 0)
			break;
		tok_run(q->tok, d.question, strlen(d.question), count_term,
			&len, NULL);
		tok_run(q->tok, d.answer, strlen(d.answer), count_term, &len,
			NULL);
		c.doc_w = len ? hits[i].score / sum / len : 0.0;
		rc = tok_run(q->tok, d.question, strlen(d.question), on_fb_term,
			     &c, err);
		if (rc == 0)
			rc = tok_run(q->tok, d.answer, strlen(d.answer),
				     on_fb_term, &c, err);
		idx_doc_clear(&d);
	}
	if (rc == 0 && c.n > 0) {
		qsort(c.t, (size_t)c.n, sizeof(*c.t), cmp_fb);
		maxw = c.t[0].w;
		for (i = 0; i < c.n && added < RANK_FB_TERMS; i++) {
			long df = idx_df(x, c.t[i].text);

			if (rank_term_index(q, c.t[i].text) >= 0 || df < 2)
				continue;
			if (q->nterms == RANK_MAX_TERMS) {
				q->cut_expansions++;
				added++;
				continue;
			}
			rank_add_expansion(x, q, c.t[i].text, df, RANK_FEEDBACK,
					   0, p->feedback * c.t[i].w / maxw);
			/* from no word of the user's */
			q->terms[q->nterms - 1].from = -1;
			q->terms[q->nterms - 1].word[0] = '\0';
			added++;
		}
	}
	free(c.t);
	return rc;
}
