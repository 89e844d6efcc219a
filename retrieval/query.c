/* query.c - a question into a query: the user's distinct terms, the
 * RANK_MAX_TERMS slots they take first (and what did not fit), words the
 * user hyphenated closed up, then the expansions of expand.c. */
#include "rank_int.h"

#include "../util/strmap.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The user's distinct terms as the analyzer gives them, before the
 * slots are handed out (see RANK_MAX_TERMS). */
struct cand {
	char text[TOK_MAX_TERM * 2 + 1];
	char word[TOK_MAX_TERM + 8];
	double weight; /* occurrences */
	long df;
	double idf;
	int pos, is_stop;
};

struct parse_ctx {
	struct cand *c;
	int n, cap;
	struct strmap seen; /* term -> its candidate's index + 1 (aux) */
	long beyond;        /* occurrences of new terms past RANK_MAX_WORDS */
};

static int add_term(void *ctx, const char *term, size_t len, const char *word,
		    int pos, int is_stop)
{
	struct parse_ctx *p = ctx;
	struct strmap_entry *e;
	struct cand *c;

	if (p->n == RANK_MAX_WORDS) {
		e = strmap_find(&p->seen, term);
		if (e)
			p->c[e->aux - 1].weight += 1.0;
		else
			p->beyond++;
		return 0;
	}
	if ((e = strmap_get(&p->seen, term, len)) == NULL)
		return QERR_IO;
	if (e->aux > 0) {
		p->c[e->aux - 1].weight += 1.0;
		return 0;
	}
	if (p->n == p->cap) {
		int nc = p->cap ? 2 * p->cap : 32;
		struct cand *m = realloc(p->c, (size_t)nc * sizeof(*m));

		if (m == NULL)
			return QERR_IO; /* (the entry stays, aux 0: unused) */
		p->c = m;
		p->cap = nc;
	}
	e->aux = p->n + 1;
	c = &p->c[p->n++];
	memset(c, 0, sizeof(*c));
	copy_str(c->text, sizeof(c->text), term);
	copy_str(c->word, sizeof(c->word), word);
	c->weight = 1.0;
	c->is_stop = is_stop;
	c->pos = pos;
	return 0;
}

/* The term a piece of text analyzes to, when it is exactly one. */
struct one_term {
	char text[TOK_MAX_TERM * 2 + 1];
	int n;
};

static int on_one_term(void *ctx, const char *term, size_t len,
		       const char *word, int pos, int is_stop)
{
	struct one_term *o = ctx;

	(void)len, (void)word, (void)pos, (void)is_stop;
	if (o->n++ == 0)
		copy_str(o->text, sizeof(o->text), term);
	return 0;
}

static int one_term(struct tok *t, const char *s, size_t n,
		    struct one_term *o)
{
	memset(o, 0, sizeof(*o));
	return tok_run(t, s, n, on_one_term, o, NULL) == 0 && o->n == 1;
}

/* Length of the hyphen at s (ASCII '-', U+2010 or U+2011), else 0. */
static size_t hyphen_len(const char *s, const char *end)
{
	if (*s == '-')
		return 1;
	if (end - s >= 3 && (unsigned char)s[0] == 0xe2 &&
	    (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x90 || (unsigned char)s[2] == 0x91))
		return 3;
	return 0;
}

static int word_byte(const char *s, const char *end)
{
	unsigned char c = (unsigned char)*s;

	return c < 0x80 ? isalnum(c) != 0 : hyphen_len(s, end) == 0;
}

/* A word the user hyphenated ("feed-forward") that the index holds closed
 * up ("feedforward") joins the query as a term of its own beside its
 * parts, expanding the first part the query kept and covering the parts
 * after it (span).  Only a hyphen the user typed says the parts make one
 * word: two words merely next to each other often do not, and joining
 * them ("data base" in a catalogue) adds a term the user did not mean. */
static void join_hyphens(struct idx *x, struct tok *t, const char *text,
			 struct rank_query *q, int nuser)
{
	const char *p = text, *end = text + strlen(text);

	while (p < end) {
		const char *start = p, *first_end = NULL;
		char joined[TOK_MAX_TERM * 2];
		size_t jn = 0, h;
		int parts = 1, from;
		struct one_term o, f;
		long df;

		if (!word_byte(p, end)) {
			p++;
			continue;
		}
		for (;;) {
			while (p < end && word_byte(p, end)) {
				if (jn < sizeof(joined))
					joined[jn++] = *p;
				p++;
			}
			if (first_end == NULL)
				first_end = p;
			h = p < end ? hyphen_len(p, end) : 0;
			if (h == 0 || p + h >= end || !word_byte(p + h, end))
				break;
			p += h;
			parts++;
		}
		if (parts < 2 || jn >= sizeof(joined) ||
		    !one_term(t, joined, jn, &o) ||
		    (df = idx_df(x, o.text)) <= 0 ||
		    !one_term(t, start, (size_t)(first_end - start), &f))
			continue;
		/* (terms are distinct, the user's first) */
		from = rank_term_index(q, f.text);
		if (from < 0 || from >= nuser ||
		    rank_term_index(q, o.text) >= 0)
			continue;
		if (q->nterms == RANK_MAX_TERMS) {
			q->cut_expansions++;
			continue;
		}
		rank_add_expansion(x, q, o.text, df, RANK_JOIN, from,
				   RANK_W_JOIN);
		q->terms[q->nterms - 1].pos = q->terms[from].pos;
		q->terms[q->nterms - 1].span = parts;
		snprintf(q->terms[q->nterms - 1].word,
			 sizeof(q->terms[0].word), "%.*s",
			 (int)(p - start), start);
	}
}

/* Which candidate keeps a slot first: one the index holds (a word it
 * lacks comes in only through an expansion), then the larger weight times
 * idf (what BM25 can score it), then the earlier word. */
static int cmp_keep(const void *a, const void *b, void *ctx)
{
	const struct cand *c = ctx, *x = &c[*(const int *)a],
			  *y = &c[*(const int *)b];
	double wx = x->weight * x->idf, wy = y->weight * y->idf;

	if ((x->df > 0) != (y->df > 0))
		return x->df > 0 ? -1 : 1;
	if (wx != wy)
		return wx > wy ? -1 : 1;
	return x->pos - y->pos;
}

/* Insertion sort with a context (qsort has none; n is at most
 * RANK_MAX_WORDS and runs only for questions over the limit). */
static void sort_keep(int *order, int n, const struct cand *c)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp_keep(&order[j], &order[j - 1],
					      (void *)c) < 0; j--) {
			int tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
}

/* Give the user's terms (stop words dropped unless nothing else is left)
 * the slots, in the order they were typed; when there are more than
 * RANK_MAX_TERMS, those cmp_keep puts first, and note the others. */
static int place_user_terms(struct idx *x, struct parse_ctx *p,
			    struct rank_query *q, struct qerr *err)
{
	int i, n = 0, content = 0, *order = NULL;
	char keep[RANK_MAX_WORDS];

	for (i = 0; i < p->n; i++)
		content += !p->c[i].is_stop;
	memset(keep, 0, sizeof(keep));
	for (i = 0; i < p->n; i++) {
		if (content > 0 && p->c[i].is_stop) {
			q->dropped_stop++;
			continue;
		}
		p->c[i].df = idx_df(x, p->c[i].text);
		p->c[i].idf = bm25_idf(idx_ndocs(x), p->c[i].df);
		keep[i] = 1;
		n++;
	}
	if (n > RANK_MAX_TERMS) {
		if ((order = malloc((size_t)n * sizeof(*order))) == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
		for (i = n = 0; i < p->n; i++)
			if (keep[i])
				order[n++] = i;
		sort_keep(order, n, p->c);
		for (i = RANK_MAX_TERMS; i < n; i++)
			keep[order[i]] = 0;
		q->cut_words = n - RANK_MAX_TERMS;
		free(order);
	}
	for (i = 0; i < p->n; i++) {
		struct rank_term *t = &q->terms[q->nterms];

		if (!keep[i]) {
			if ((content == 0 || !p->c[i].is_stop) &&
			    q->ncut_shown < RANK_CUT_SHOWN)
				copy_str(q->cut[q->ncut_shown++],
					 sizeof(q->cut[0]), p->c[i].word);
			continue;
		}
		memset(t, 0, sizeof(*t));
		memcpy(t->text, p->c[i].text, sizeof(t->text));
		memcpy(t->word, p->c[i].word, sizeof(t->word));
		t->weight = p->c[i].weight;
		t->df = p->c[i].df;
		t->idf = p->c[i].idf;
		t->is_stop = p->c[i].is_stop;
		t->pos = p->c[i].pos;
		t->from = -1;
		q->nterms++;
	}
	if (p->beyond > 0)
		q->cut_words += p->beyond > INT_MAX - q->cut_words
					? INT_MAX - q->cut_words
					: (int)p->beyond;
	return 0;
}

int rank_parse(struct idx *x, struct tok *t, const char *text,
	       struct rank_query *q, struct qerr *err)
{
	return rank_parse_ex(x, t, text, RANK_EXP_ALL, q, err);
}

int rank_parse_ex(struct idx *x, struct tok *t, const char *text, int flags,
		  struct rank_query *q, struct qerr *err)
{
	struct parse_ctx c;
	int i, nuser, rc;

	memset(&c, 0, sizeof(c));
	/* (the terms are cleared as they are added) */
	q->nterms = 0;
	q->dropped_stop = 0;
	q->cut_words = q->cut_expansions = q->ncut_shown = 0;
	q->tok = t;
	rc = tok_run(t, text, strlen(text), add_term, &c, err);
	if (rc == QERR_IO && (err == NULL || err->code == 0))
		rc = qerr_set(err, QERR_IO, "out of memory");
	if (rc == 0)
		rc = place_user_terms(x, &c, q, err);
	strmap_free(&c.seen);
	free(c.c);
	if (rc != 0) {
		q->nterms = 0;
		return rc;
	}
	nuser = q->nterms;
	for (i = 0; i < nuser; i++)
		if (q->terms[i].df == 0 && !q->terms[i].is_stop)
			rank_expand_missing(x, t, q, i, flags);
	if (flags & RANK_EXP_SPLIT) {
		join_hyphens(x, t, text, q, nuser);
		for (i = 0; i < nuser; i++)
			rank_add_variants(x, q, i);
	}
	if (flags & RANK_EXP_ALIAS)
		rank_expand_aliases(x, q, nuser);
	if (flags & RANK_EXP_LEXICAL)
		rank_expand_lexical(x, t, text, q, nuser);
	return 0;
}
