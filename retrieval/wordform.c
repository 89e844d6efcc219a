/* wordform.c - where one stem stands for words the corpus uses apart
 * ("transformer" and "transform" are both transform), the form the user
 * wrote counts: the best records that hold it rank above those that hold
 * only another word of the stem.
 *
 * A word's form is the word less its inflection (plural, possessive,
 * -ed, -ing: "transformers" and "transformer" are one form, "transform"
 * and "transforming" another), so inflecting a word never loses the
 * bonus; derivations the stemmer merges stay apart.  A stem counts as
 * merging words when the records spell it in two forms or more (the
 * index's surface table); the bonus is then read from the best
 * RANK_RERANK records' text, as the phrase bonus is. */
#include "rank_int.h"

#include <stdio.h>
#include <string.h>

static int vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Drop -ed/-ing from w[0..*n) when a vowel is left before it, and a
 * doubled final consonant ("stopped") with it. */
static void drop_suffix(const char *w, size_t *n, size_t k)
{
	size_t m = *n - k, i;
	int has_vowel = 0;

	for (i = 0; i < m; i++)
		has_vowel |= vowel(w[i]) || w[i] == 'y';
	if (m < 3 || !has_vowel)
		return;
	if (m >= 2 && w[m - 1] == w[m - 2] && !vowel(w[m - 1]) &&
	    w[m - 1] != 'l' && w[m - 1] != 's' && w[m - 1] != 'z')
		m--;
	*n = m;
}

size_t rank_word_form(const char *w, char *out, size_t cap)
{
	size_t n = strlen(w);

	if (n >= 2 && w[n - 2] == '\'' && w[n - 1] == 's')
		n -= 2;
	else if (n >= 5 && strncmp(w + n - 3, "ies", 3) == 0)
		n -= 3; /* "activities" -> "activit", as "activity" below */
	else if (n >= 4 && strncmp(w + n - 2, "es", 2) == 0 &&
		 (w[n - 3] == 's' || w[n - 3] == 'x' || w[n - 3] == 'z' ||
		  (n >= 5 && w[n - 3] == 'h' &&
		   (w[n - 4] == 'c' || w[n - 4] == 's'))))
		n -= 2;
	else if (n >= 4 && w[n - 1] == 's' && w[n - 2] != 's' &&
		 w[n - 2] != 'u' && w[n - 2] != 'i')
		n -= 1;
	else if (n >= 6 && strncmp(w + n - 3, "ing", 3) == 0)
		drop_suffix(w, &n, 3);
	else if (n >= 5 && strncmp(w + n - 2, "ed", 2) == 0)
		drop_suffix(w, &n, 2);
	/* "activity" and "activi(es)" meet; so do "make" and "mak(ing)" */
	if (n >= 4 && (w[n - 1] == 'y' || w[n - 1] == 'e'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, w, n);
	out[n] = '\0';
	return n;
}

/* The records holding the user's form of a stem, and those holding
 * another, as far as the words tell: the most records one word of each
 * holds (two words of a form may share records). */
struct forms_ctx {
	char form[TOK_MAX_TERM + 8];
	long mine, other;
};

static int on_stem_word(void *ctx, const char *w, size_t len,
			const char *stem, long count)
{
	struct forms_ctx *c = ctx;
	char f[TOK_MAX_TERM + 8];

	(void)len;
	(void)stem;
	rank_word_form(w, f, sizeof(f));
	if (strcmp(f, c->form) == 0 && count > c->mine)
		c->mine = count;
	else if (strcmp(f, c->form) != 0 && count > c->other)
		c->other = count;
	return 0;
}

/* A stem stands for words used apart when the records holding the user's
 * form and those holding another can be disjoint: the stem's df is at
 * least their sum.  Inflections and close derivations meet in the same records
 * ("retrieval", "retrieve"); "transformer" and "transform" do not. */
void rank_mark_forms(struct idx *x, struct rank_query *q, int nuser)
{
	int i;

	q->forms = 0;
	for (i = 0; i < nuser && i < RANK_MAX_TERMS; i++) {
		struct forms_ctx c;

		if (q->terms[i].df <= 0 || q->terms[i].is_stop)
			continue;
		memset(&c, 0, sizeof(c));
		rank_word_form(q->terms[i].word, c.form, sizeof(c.form));
		if (idx_surface_of(x, q->terms[i].text, on_stem_word, &c) >= 0 &&
		    c.mine > 0 && c.other > 0 &&
		    c.mine + c.other <= q->terms[i].df)
			q->forms |= (uint64_t)1 << i;
	}
}

/* Which of the marked terms' forms a record holds. */
struct form_scan {
	const struct rank_query *q;
	char form[RANK_MAX_TERMS][TOK_MAX_TERM + 8];
	uint64_t found;
};

/* Only words starting like a marked term's word can hold its form. */
static int form_want(void *ctx, const char *word, size_t len)
{
	const struct form_scan *c = ctx;
	int i;

	for (i = 0; i < c->q->nterms; i++)
		if (((c->q->forms >> i) & 1) && len >= 3 &&
		    memcmp(word, c->q->terms[i].word, 3) == 0)
			return 1;
	return 0;
}

static int on_form_word(void *ctx, const char *term, size_t len,
			const char *word, int pos, int is_stop)
{
	struct form_scan *c = ctx;
	char f[TOK_MAX_TERM + 8];
	int i;

	(void)pos;
	(void)is_stop;
	if (len == 0)
		return 0;
	rank_word_form(word, f, sizeof(f));
	for (i = 0; i < c->q->nterms; i++)
		if (((c->q->forms >> i) & 1) &&
		    strcmp(term, c->q->terms[i].text) == 0 &&
		    strcmp(f, c->form[i]) == 0)
			c->found |= (uint64_t)1 << i;
	return 0;
}

double rank_form_share(struct idx *x, const struct rank_query *q, long doc)
{
	struct form_scan c;
	struct idx_doc d;
	double all = 0.0, got = 0.0;
	int i;

	if (q->forms == 0 || q->tok == NULL ||
	    idx_get_doc(x, doc, &d, NULL) != 0)
		return 0.0;
	memset(&c, 0, sizeof(c));
	c.q = q;
	for (i = 0; i < q->nterms; i++)
		if ((q->forms >> i) & 1)
			rank_word_form(q->terms[i].word, c.form[i],
				       sizeof(c.form[i]));
	tok_set_filter(q->tok, form_want, &c);
	tok_run(q->tok, d.question, strlen(d.question), on_form_word, &c, NULL);
	tok_run(q->tok, d.answer, strlen(d.answer), on_form_word, &c, NULL);
	tok_set_filter(q->tok, NULL, NULL);
	idx_doc_clear(&d);
	for (i = 0; i < q->nterms; i++) {
		const struct rank_term *t = &q->terms[i];

		if (t->origin != RANK_USER || t->is_stop || t->df <= 0)
			continue;
		all += t->weight * t->idf;
		if ((c.found >> i) & 1)
			got += t->weight * t->idf;
	}
	return all > 0.0 ? got / all : 0.0;
}
