/* docana.c - one record analysed apart from any index (see docana.h).
 *
 * The analyzer calls back once per token; the record's distinct terms
 * and words are found with small hash sets that live as long as the
 * struct docana, stamped per record so that starting the next record
 * clears nothing.  Acronym definitions and question word runs are turned
 * into the keys the builder counts them under, so the builder only looks
 * them up. */
#include "docana.h"

#include <stdlib.h>
#include <string.h>

#include "../util/strmap.h"
#include "alias.h"
#include "analyzer.h"
#include "vecstore.h"

/* A set of strings of the record being analysed: slot -> index + 1 in
 * the caller's array, valid when its stamp is the set's. */
struct docana_set {
	struct dslot {
		uint32_t stamp, id;
	} *s;
	size_t n;       /* slots, a power of two */
	uint32_t stamp; /* the current record's */
};

/* A term of the question in order, for the word runs. */
struct docana_qtok {
	uint32_t term;
	char initial; /* first letter of the word, 0 if none */
	char stop;
};

/* The scratch of analysing, kept from record to record. */
struct docana_work {
	struct docana_set tset, wset;
	struct docana_qtok *qtok;
	size_t nqtok, cap_qtok;
	struct tok *tok;
	int field;
};

struct docana *docana_new(void)
{
	return calloc(1, sizeof(struct docana));
}

void docana_free(struct docana *d)
{
	if (d == NULL)
		return;
	buf_free(&d->text);
	free(d->terms);
	free(d->words);
	free(d->aliases);
	free(d->grams);
	free(d);
}

struct docana_work *docana_work_new(void)
{
	return calloc(1, sizeof(struct docana_work));
}

void docana_work_free(struct docana_work *w)
{
	if (w == NULL)
		return;
	free(w->tset.s);
	free(w->wset.s);
	free(w->qtok);
	free(w);
}

size_t docana_size(const struct docana *d)
{
	return sizeof(*d) + d->text.cap +
	       d->cap_terms * sizeof(*d->terms) +
	       d->cap_words * sizeof(*d->words) +
	       (d->cap_aliases + d->cap_grams) * sizeof(uint32_t);
}

/* Grow *p (of *cap elements of size sz) to hold one more than n. */
static int grow(void *p, size_t *cap, size_t n, size_t sz)
{
	void **pp = p;
	size_t c;
	void *np;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	if ((np = realloc(*pp, c * sz)) == NULL)
		return -1;
	*pp = np;
	*cap = c;
	return 0;
}

/* Append s[0..n) and a NUL to d's text; its offset, or -1. */
static long put_str(struct docana *d, const char *s, size_t n)
{
	size_t off = d->text.len;

	/* (one reservation for the string and its NUL: a term or word is
	 * put for most tokens) */
	if (off + n + 1 > UINT32_MAX || buf_reserve(&d->text, n + 1) != 0)
		return -1;
	memcpy(d->text.data + off, s, n);
	d->text.data[off + n] = '\0';
	d->text.len = off + n + 1;
	d->text.data[d->text.len] = '\0'; /* (what a struct buf keeps) */
	return (long)off;
}

/* Rehash set s into twice the slots: hashes[i] is the hash of its
 * element i, of n. */
static int set_grow(struct docana_set *s, const uint32_t *hashes, size_t n)
{
	size_t cap = s->n ? s->n * 2 : 256, i;
	struct dslot *ns = calloc(cap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		size_t h = hashes[i] & (cap - 1);

		while (ns[h].stamp == s->stamp && ns[h].id)
			h = (h + 1) & (cap - 1);
		ns[h].stamp = s->stamp;
		ns[h].id = (uint32_t)(i + 1);
	}
	free(s->s);
	s->s = ns;
	s->n = cap;
	return 0;
}

/* The slot of w[0..n) (hash hv) in set s, over d's terms or words: its
 * own, or the empty one where it belongs. */
static struct dslot *set_find(const struct docana *d,
			      const struct docana_set *s, const char *w,
			      size_t n, uint32_t hv, int terms)
{
	size_t h = hv & (s->n - 1);

	for (;; h = (h + 1) & (s->n - 1)) {
		struct dslot *sl = &s->s[h];
		uint32_t eh, el, eoff;

		if (sl->stamp != s->stamp || sl->id == 0)
			return sl;
		if (terms) {
			eh = d->terms[sl->id - 1].hash;
			el = d->terms[sl->id - 1].len;
			eoff = d->terms[sl->id - 1].off;
		} else {
			eh = (uint32_t)d->words[sl->id - 1].hash;
			el = d->words[sl->id - 1].len;
			eoff = d->words[sl->id - 1].off;
		}
		/* (lengths first: a stored string may be shorter than n and
		 * end the buffer) */
		if (eh == hv && el == n && memcmp(docana_str(d, eoff), w, n) == 0)
			return sl;
	}
}

/* The hashes of the n elements of a set, to rehash it. */
static uint32_t *hashes_of(const struct docana *d, int terms, size_t n)
{
	uint32_t *h = malloc((n ? n : 1) * sizeof(*h));
	size_t i;

	if (h == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		h[i] = terms ? d->terms[i].hash : (uint32_t)d->words[i].hash;
	return h;
}

/* Make room in set s for one more of its n elements. */
static int set_room(struct docana *d, struct docana_set *s, int terms,
		    size_t n)
{
	uint32_t *h;
	int rc;

	if ((n + 1) * 2 <= s->n)
		return 0;
	if ((h = hashes_of(d, terms, n)) == NULL)
		return -1;
	rc = set_grow(s, h, n);
	free(h);
	return rc;
}

/* The record's term t[0..n) (added if new): its index, or -1. */
static long add_term(struct docana *d, const char *t, size_t n)
{
	uint32_t hv = (uint32_t)str_hash(t, n);
	struct dslot *sl;
	struct docana_term *e;
	long off;

	if (set_room(d, &d->w->tset, 1, d->nterms) != 0)
		return -1;
	sl = set_find(d, &d->w->tset, t, n, hv, 1);
	if (sl->stamp == d->w->tset.stamp && sl->id)
		return (long)sl->id - 1;
	if (grow(&d->terms, &d->cap_terms, d->nterms, sizeof(*d->terms)) ||
	    (off = put_str(d, t, n)) < 0)
		return -1;
	e = &d->terms[d->nterms];
	e->off = (uint32_t)off;
	e->len = (uint32_t)n;
	e->hash = hv;
	e->tf[0] = e->tf[1] = 0;
	sl->stamp = d->w->tset.stamp;
	sl->id = (uint32_t)++d->nterms;
	return (long)d->nterms - 1;
}

/* Note the surface word w[0..n) once per record. */
static int add_word(struct docana *d, const char *w, size_t n)
{
	uint64_t h;
	uint32_t hv;
	struct dslot *sl;
	long off;

	if (n == 0 || n > TOK_MAX_TERM)
		return 0; /* (what the surface table keeps) */
	h = str_hash(w, n);
	hv = (uint32_t)h;
	if (set_room(d, &d->w->wset, 0, d->nwords) != 0)
		return -1;
	sl = set_find(d, &d->w->wset, w, n, hv, 0);
	if (sl->stamp == d->w->wset.stamp && sl->id)
		return 0;
	if (grow(&d->words, &d->cap_words, d->nwords, sizeof(*d->words)) ||
	    (off = put_str(d, w, n)) < 0)
		return -1;
	d->words[d->nwords].hash = h;
	d->words[d->nwords].off = (uint32_t)off;
	d->words[d->nwords].len = (uint32_t)n;
	sl->stamp = d->w->wset.stamp;
	sl->id = (uint32_t)++d->nwords;
	return 0;
}

static int on_term(void *ctx, const char *term, size_t len, const char *word,
		   int pos, int is_stop)
{
	struct docana *d = ctx;
	long id = add_term(d, term, len);

	(void)pos;
	if (id < 0)
		return QERR_IO;
	d->terms[id].tf[d->w->field]++;
	d->len[d->w->field] += !is_stop;
	if (!is_stop && add_word(d, word, strlen(word)) != 0)
		return QERR_IO;
	if (d->w->field == IDX_Q) {
		struct docana_qtok *q;

		if (grow(&d->w->qtok, &d->w->cap_qtok, d->w->nqtok,
			 sizeof(*d->w->qtok)))
			return QERR_IO;
		q = &d->w->qtok[d->w->nqtok++];
		q->term = (uint32_t)id;
		q->initial = word[0] >= 'a' && word[0] <= 'z' ? word[0] : 0;
		q->stop = (char)is_stop;
	}
	return 0;
}

/* Append the key in k to the list *list. */
static int put_key(struct docana *d, const struct buf *k, uint32_t **list,
		   size_t *n, size_t *cap)
{
	long off;

	if (k->data == NULL || grow(list, cap, *n, sizeof(**list)) ||
	    (off = put_str(d, k->data, k->len)) < 0)
		return -1;
	(*list)[(*n)++] = (uint32_t)off;
	return 0;
}

/* The question's runs of two or three content words as keyed by their
 * initials ("dnn\tdeep neural network"): an acronym the corpus uses
 * without defining it can still be read. */
static int find_grams(struct docana *d)
{
	struct buf k = BUF_INIT;
	size_t i, n, j;
	int rc = 0;

	for (i = 0; i < d->w->nqtok && rc == 0; i++)
		for (n = 2; n <= 3 && i + n <= d->w->nqtok && rc == 0; n++) {
			for (j = i; j < i + n; j++)
				if (d->w->qtok[j].stop ||
				    !d->w->qtok[j].initial)
					break;
			if (j < i + n)
				break;
			buf_reset(&k);
			for (j = i; j < i + n; j++)
				buf_putc(&k, d->w->qtok[j].initial);
			buf_putc(&k, '\t');
			for (j = i; j < i + n; j++) {
				if (j > i)
					buf_putc(&k, ' ');
				buf_puts(&k, docana_str(d,
					d->terms[d->w->qtok[j].term].off));
			}
			rc = put_key(d, &k, &d->grams, &d->ngrams,
				     &d->cap_grams);
		}
	buf_free(&k);
	return rc;
}

/* Analyzed form of a raw phrase: terms joined by spaces. */
static int join_term(void *ctx, const char *term, size_t len, const char *word,
		     int pos, int is_stop)
{
	struct buf *out = ctx;

	(void)word;
	(void)is_stop;
	if (pos > 0 && buf_putc(out, ' ') != 0)
		return QERR_IO;
	return buf_append(out, term, len) != 0 ? QERR_IO : 0;
}

static int on_alias(void *ctx, const char *acr, size_t an, const char *words,
		    size_t wn)
{
	struct docana *d = ctx;
	struct buf a = BUF_INIT, e = BUF_INIT;
	int rc = QERR_IO;

	if (tok_run(d->w->tok, acr, an, join_term, &a, NULL) != 0 ||
	    tok_run(d->w->tok, words, wn, join_term, &e, NULL) != 0)
		goto done;
	rc = 0;
	if (a.len == 0 || e.len == 0 || strchr(a.data, ' ') ||
	    !strchr(e.data, ' '))
		goto done; /* one term for the short form, several for the long */
	if (buf_putc(&a, '\t') != 0 || buf_append(&a, e.data, e.len) != 0 ||
	    put_key(d, &a, &d->aliases, &d->naliases, &d->cap_aliases) != 0)
		rc = QERR_IO;
done:
	buf_free(&a);
	buf_free(&e);
	return rc;
}

/* Forget the previous record. */
static void reset(struct docana *d)
{
	buf_reset(&d->text);
	d->nterms = d->nwords = d->naliases = d->ngrams = d->w->nqtok = 0;
	d->len[IDX_Q] = d->len[IDX_A] = 0;
	d->nvec = 0;
	/* a new stamp empties the sets; at wrap-around, clear them */
	if (++d->w->tset.stamp == 0 && d->w->tset.s)
		memset(d->w->tset.s, 0,
		       d->w->tset.n * sizeof(struct dslot));
	if (++d->w->wset.stamp == 0 && d->w->wset.s)
		memset(d->w->wset.s, 0,
		       d->w->wset.n * sizeof(struct dslot));
}

int docana_run(struct docana *d, struct docana_work *w, struct tok *t,
	       const struct vec *v, const char *question, const char *answer,
	       struct qerr *err)
{
	size_t nq = strlen(question), na = strlen(answer);
	int n;

	d->w = w;
	reset(d);
	d->w->tok = t;
	d->w->field = IDX_Q;
	if (tok_run(t, question, nq, on_term, d, err) != 0)
		goto oom;
	d->w->field = IDX_A;
	if (tok_run(t, answer, na, on_term, d, err) != 0 ||
	    find_grams(d) != 0 ||
	    alias_scan(question, nq, on_alias, d) != 0 ||
	    alias_scan(answer, na, on_alias, d) != 0)
		goto oom;
	if (v != NULL) {
		if ((n = idx_vst_text(v, question, answer, d->vec)) < 0)
			goto oom;
		d->nvec = n;
	}
	d->w = NULL;
	return 0;
oom:
	d->w = NULL;
	return qerr_set(err, QERR_IO, "out of memory");
}
