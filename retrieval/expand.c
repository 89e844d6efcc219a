/* expand.c - what the user's words add to a query: completions of a word
 * the index lacks, its splits, clips and blends of the phrases the corpus
 * defines acronyms for, its nearest spelling, the derivations the stemmer
 * leaves apart, and acronyms read both ways.  Also the term table all
 * expansions (and feedback terms) go into, within the RANK_MAX_TERMS
 * slots.  Expansions weigh no more than the user's words. */
#include "rank_int.h"

#include "../util/buf.h"
#include "../util/editdist.h"
#include "wordnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The index of term text in q, or -1. */
int rank_term_index(const struct rank_query *q, const char *text)
{
	int i;

	for (i = 0; i < q->nterms; i++)
		if (strcmp(q->terms[i].text, text) == 0)
			return i;
	return -1;
}

/* Add an expansion term (or raise the weight of an existing one); see
 * rank_int.h. */
void rank_add_expansion(struct idx *x, struct rank_query *q, const char *term,
			long df, int origin, int from, double weight)
{
	int i = rank_term_index(q, term);

	if (i >= 0) {
		if (q->terms[i].origin != RANK_USER &&
		    q->terms[i].weight < weight)
			q->terms[i].weight = weight;
		return;
	}
	if (df <= 0)
		return;
	if (q->nterms == RANK_MAX_TERMS) {
		q->cut_expansions++;
		return;
	}
	i = q->nterms;
	memset(&q->terms[i], 0, sizeof(q->terms[i]));
	copy_str(q->terms[i].text, sizeof(q->terms[i].text), term);
	memcpy(q->terms[i].word, q->terms[from].word, sizeof(q->terms[i].word));
	q->terms[i].weight = weight;
	q->terms[i].df = df;
	q->terms[i].idf = bm25_idf(idx_ndocs(x), df);
	q->terms[i].origin = origin;
	q->terms[i].from = from;
	q->nterms++;
}

/* Add the words of a phrase (space-separated terms) that are not stop
 * words as expansions of term from. */
static void add_phrase(struct idx *x, struct rank_query *q, const char *exp,
		       int origin, int from, double weight)
{
	char buf[512], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", exp);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (!tok_is_stop(tok, strlen(tok)))
			rank_add_expansion(x, q, tok, idx_df(x, tok), origin,
					   from, weight);
}

/* Completions of a missing word: kept only when there are at most
 * RANK_MAX_PREFIX (a prefix many words share, "con", says too little). */
struct prefix_ctx {
	char term[RANK_MAX_PREFIX][TOK_MAX_TERM * 2 + 1];
	long df[RANK_MAX_PREFIX];
	int n;
};

static long maxdf(const struct prefix_ctx *c)
{
	long m = 0;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->df[i] > m)
			m = c->df[i];
	return m;
}

static int on_prefix(void *ctx, const char *term, size_t len)
{
	struct prefix_ctx *c = ctx;

	if (c->n == RANK_MAX_PREFIX || len >= sizeof(c->term[0])) {
		c->n = RANK_MAX_PREFIX + 1; /* too many */
		return 1;
	}
	memcpy(c->term[c->n++], term, len + 1);
	return 0;
}

/* Which of 32 byte classes occur in s[0..n): an edit changes at most
 * two, so words whose sets differ in more than 2 * max classes are
 * farther apart than max without computing the distance. */
static uint32_t byte_set(const char *s, size_t n)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		m |= (uint32_t)1 << ((unsigned char)s[i] & 31);
	return m;
}

static int popcount32(uint32_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* The nearest spelling: least distance, then most frequent, then first
 * in term order.  Frequencies are looked up only to break ties. */
struct fuzzy_ctx {
	struct idx *x;
	const char *want;
	int wlen;
	uint32_t wset; /* byte_set of want */
	int max, best;
	long best_df; /* -1 until needed */
	char term[TOK_MAX_TERM * 2 + 1];
};

static int on_fuzzy(void *ctx, const char *term, size_t len)
{
	struct fuzzy_ctx *c = ctx;
	int d, lim;

	lim = c->best < c->max ? c->best : c->max;
	if (len >= sizeof(c->term) || abs((int)len - c->wlen) > lim ||
	    popcount32(byte_set(term, len) ^ c->wset) > 2 * lim)
		return 0;
	d = osa_distance(c->want, c->wlen, term, (int)len, lim);
	if (d > c->max || d > c->best)
		return 0;
	if (d == c->best) {
		long df = idx_df(c->x, term);

		if (c->best_df < 0)
			c->best_df = idx_df(c->x, c->term);
		if (df <= c->best_df)
			return 0;
		c->best_df = df;
	} else {
		c->best = d;
		c->best_df = -1;
	}
	memcpy(c->term, term, len + 1);
	return 0;
}

/* The nearest word the records hold (idx_surface_words), compared with
 * the word the user wrote, not with its stem: "activaton" is one edit
 * from "activation", four from its stem "activ".  Least distance, then
 * the word written most often, then the first in byte order. */
struct word_ctx {
	const char *want;
	int wlen, max, best;
	uint32_t wset;
	long best_n;
	char word[TOK_MAX_TERM + 8];
	char stem[TOK_MAX_TERM * 2 + 1];
};

static int on_word(void *ctx, const char *w, size_t len, const char *stem,
		   long count)
{
	struct word_ctx *c = ctx;
	int d, lim = c->best < c->max ? c->best : c->max;

	if (len >= sizeof(c->word) || strlen(stem) >= sizeof(c->stem) ||
	    abs((int)len - c->wlen) > lim ||
	    popcount32(byte_set(w, len) ^ c->wset) > 2 * lim)
		return 0;
	d = osa_distance(c->want, c->wlen, w, (int)len, lim);
	if (d > lim || (d == c->best && count <= c->best_n))
		return 0;
	c->best = d;
	c->best_n = count;
	memcpy(c->word, w, len + 1);
	copy_str(c->stem, sizeof(c->stem), stem);
	return 0;
}

/* Fill c with the nearest word to w[0..n) of 4 bytes or more (1 edit, 2
 * from 8 bytes on), among those sharing its first byte (first two from 8
 * bytes on: typos rarely hit them).  1 when found (the stem is then in
 * the index), else 0. */
static int nearest_word(struct idx *x, const char *w, size_t n,
			struct word_ctx *c)
{
	char first[3];

	memset(c, 0, sizeof(*c));
	if (n < 4 || n >= OSA_MAX_LEN)
		return 0;
	c->want = w;
	c->wlen = (int)n;
	c->wset = byte_set(w, n);
	c->max = n >= 8 ? 2 : 1;
	c->best = c->max + 1;
	snprintf(first, sizeof(first), "%.*s", n >= 8 ? 2 : 1, w);
	if (idx_surface_words(x, first, on_word, c) < 0 || c->best > c->max ||
	    strcmp(c->word, w) == 0)
		return 0;
	return idx_df(x, c->stem) > 0;
}

/* The vocabulary terms sharing a missing word's first two bytes, read
 * once (one bucket) and used for its completions, the first halves of its
 * splits and, for long words, its respellings. */
struct near {
	struct buf data;  /* entries: length byte, bytes, NUL */
	size_t *off;      /* entry i's text at data.data + off[i], in order */
	size_t n, cap;
	int oom;
};

static int near_add(void *ctx, const char *term, size_t len)
{
	struct near *b = ctx;
	char *p;

	if (b->n == b->cap) {
		size_t c = b->cap ? 2 * b->cap : 64;
		size_t *o = realloc(b->off, c * sizeof(*o));

		if (o == NULL) {
			b->oom = 1;
			return 1;
		}
		b->off = o;
		b->cap = c;
	}
	if (buf_reserve(&b->data, len + 2) != 0) {
		b->oom = 1;
		return 1;
	}
	p = b->data.data + b->data.len;
	*p++ = (char)len;
	memcpy(p, term, len);
	p[len] = '\0';
	b->off[b->n++] = b->data.len + 1;
	b->data.len += len + 2;
	return 0;
}

static const char *near_at(const struct near *b, size_t i, size_t *len)
{
	*len = (unsigned char)b->data.data[b->off[i] - 1];
	return b->data.data + b->off[i];
}

/* Index of the first entry not below t. */
static size_t near_lower(const struct near *b, const char *t)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->data.data + b->off[mid], t) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* df of t: 0 without a lookup when t belongs to the bucket and is not in
 * it. */
static long near_df(struct idx *x, const struct near *b, const char *key,
		    const char *t)
{
	size_t i;

	if (!b->oom && t[0] == key[0] && t[0] && t[1] == key[1]) {
		i = near_lower(b, t);
		if (i == b->n || strcmp(b->data.data + b->off[i], t) != 0)
			return 0;
	}
	return idx_df(x, t);
}

/* "multilayer" -> "multi" + "layer": split a missing word in two where
 * both halves are index terms (the rarest such split wins). */
static int split_compound(struct idx *x, struct tok *t, struct rank_query *q,
			  int i, const struct near *nb)
{
	const char *w = q->terms[i].word;
	size_t n = strlen(w), k;
	char a[TOK_MAX_TERM * 2 + 1], b[TOK_MAX_TERM * 2 + 1];
	char best_a[sizeof(a)] = "", best_b[sizeof(b)] = "";
	long best = -1, dfa = 0, dfb = 0;

	for (k = 3; k + 3 <= n; k++) {
		long da, db;

		/* the first half is looked up in the bucket, cheaply, before
		 * the second is stemmed */
		if (tok_stem(t, w, k, a, sizeof(a)) <= 0 ||
		    (da = near_df(x, nb, q->terms[i].text, a)) == 0 ||
		    tok_stem(t, w + k, n - k, b, sizeof(b)) <= 0)
			continue;
		db = idx_df(x, b);
		if (db && (best < 0 || (da < db ? da : db) < best)) {
			best = da < db ? da : db;
			snprintf(best_a, sizeof(best_a), "%s", a);
			snprintf(best_b, sizeof(best_b), "%s", b);
			dfa = da;
			dfb = db;
		}
	}
	if (best < 0)
		return 0;
	rank_add_expansion(x, q, best_a, dfa, RANK_SPLIT, i, RANK_W_SPLIT);
	rank_add_expansion(x, q, best_b, dfb, RANK_SPLIT, i, RANK_W_SPLIT);
	return 1;
}

/* Clipped words.  A prefix many index words share ("conv": convergence,
 * conventional, convert, convolutional...) says too little on its own, but
 * technical writing clips its own terms, the ones a corpus defines with an
 * acronym ("Convolutional Neural Network (CNN)"): "conv" is read as
 * "convolutional", and a blend of two words of such a phrase, "convnet",
 * as the phrase.  Only defined acronyms count, not initials, and a clip
 * standing alone needs four letters ("cons" stems to "con", which is
 * not "convolutional"). */

/* Call fn for each word of a defined acronym's expansion; stops when fn
 * returns non-zero (and returns that). */
typedef int (*phrase_word_fn)(void *ctx, const struct idx_alias *a,
			      const char *w, size_t n, int pos);

static int each_phrase_word(struct idx *x, phrase_word_fn fn, void *ctx)
{
	const struct idx_alias *a;
	int n = idx_aliases_defined(x, &a), i, rc;

	for (i = 0; i < n; i++) {
		const char *p = a[i].exp;
		int pos = 0;

		if (a[i].kind != IDX_ALIAS_DEFINED)
			continue;
		while (*p) {
			size_t k = strcspn(p, " ");

			if (k > 0 && (rc = fn(ctx, &a[i], p, k, pos++)) != 0)
				return rc;
			p += k;
			p += *p == ' ';
		}
	}
	return 0;
}

struct clip_ctx {
	const char *pre;
	size_t n;
	struct prefix_ctx pc;
};

static int on_clip(void *ctx, const struct idx_alias *a, const char *w,
		   size_t n, int pos)
{
	struct clip_ctx *c = ctx;
	int i;

	(void)a;
	(void)pos;
	if (n <= c->n || memcmp(w, c->pre, c->n) != 0 ||
	    n >= sizeof(c->pc.term[0]))
		return 0;
	for (i = 0; i < c->pc.n; i++)
		if (strncmp(c->pc.term[i], w, n) == 0 && c->pc.term[i][n] == 0)
			return 0;
	if (c->pc.n == RANK_MAX_PREFIX) {
		c->pc.n++;
		return 1;
	}
	memcpy(c->pc.term[c->pc.n], w, n);
	c->pc.term[c->pc.n++][n] = '\0';
	return 0;
}

/* Is term t a word of a phrase the corpus defines an acronym for? */
struct is_phrase_ctx {
	const char *t;
	size_t n;
};

static int on_is_phrase(void *ctx, const struct idx_alias *a, const char *w,
			size_t n, int pos)
{
	const struct is_phrase_ctx *c = ctx;

	(void)a;
	(void)pos;
	return n == c->n && memcmp(w, c->t, n) == 0;
}

static int is_phrase_word(struct idx *x, const char *t)
{
	struct is_phrase_ctx c = {t, strlen(t)};

	return each_phrase_word(x, on_is_phrase, &c) != 0;
}

/* "conv": the completions of w[0..n) among the defined phrases' words. */
static int clip_completions(struct idx *x, struct rank_query *q, int i,
			    const char *w, size_t n, double weight)
{
	struct clip_ctx c;
	int k;

	memset(&c, 0, sizeof(c));
	c.pre = w;
	c.n = n;
	each_phrase_word(x, on_clip, &c);
	if (c.pc.n > RANK_MAX_PREFIX)
		return 0;
	for (k = 0; k < c.pc.n; k++)
		rank_add_expansion(x, q, c.pc.term[k],
				   idx_df(x, c.pc.term[k]), RANK_PREFIX, i,
				   weight);
	return c.pc.n;
}

/* "convnet": a[0..na) clips an earlier word of a defined phrase and
 * b[0..nb) a later one. */
struct blend_ctx {
	const char *a, *b;
	size_t na, nb;
	const struct idx_alias *cur; /* phrase being read */
	int apos;                    /* where a matched in it, or -1 */
	const struct idx_alias *found;
};

static int on_blend(void *ctx, const struct idx_alias *al, const char *w,
		    size_t n, int pos)
{
	struct blend_ctx *c = ctx;

	if (al != c->cur) {
		c->cur = al;
		c->apos = -1;
	}
	if (c->apos < 0) {
		if (n >= c->na && memcmp(w, c->a, c->na) == 0)
			c->apos = pos;
		return 0;
	}
	if (n >= c->nb && memcmp(w, c->b, c->nb) == 0) {
		c->found = al;
		return 1;
	}
	return 0;
}

/* The longest common prefix of w and any phrase word. */
struct lcp_ctx {
	const char *w;
	size_t most;
};

static int on_lcp(void *ctx, const struct idx_alias *a, const char *e,
		  size_t n, int pos)
{
	struct lcp_ctx *c = ctx;
	size_t k = 0;

	(void)a;
	(void)pos;
	while (k < n && c->w[k] == e[k])
		k++;
	if (k > c->most)
		c->most = k;
	return 0;
}

static int split_blend(struct idx *x, struct tok *t, struct rank_query *q,
		       int i)
{
	const char *w = q->terms[i].word;
	size_t n = strlen(w), k, most;
	char b[TOK_MAX_TERM * 2 + 1];
	struct lcp_ctx lc = {w, 0};

	/* The first part must begin a phrase word: how much of w does at
	 * most?  (Most words share three letters with none, and then nothing
	 * is stemmed.) */
	each_phrase_word(x, on_lcp, &lc);
	most = lc.most;
	for (k = 3; k + 3 <= n && k <= most; k++) {
		struct blend_ctx c;
		int len = tok_stem(t, w + k, n - k, b, sizeof(b));

		if (len <= 0)
			continue;
		memset(&c, 0, sizeof(c));
		c.a = w;
		c.na = k;
		c.b = b;
		c.nb = (size_t)len;
		c.apos = -1;
		if (!each_phrase_word(x, on_blend, &c))
			continue;
		rank_add_expansion(x, q, c.found->acr,
				   idx_df(x, c.found->acr), RANK_SPLIT, i,
				   RANK_W_SPLIT);
		add_phrase(x, q, c.found->exp, RANK_SPLIT, i, RANK_W_SPLIT);
		return 1;
	}
	return 0;
}

/* The most frequent index term that is w less its last letter, with
 * another last letter, or with one more: a derived form of a word ("urgenc"
 * -> "urgent"), not another word. */
static void other_ending(struct idx *x, struct rank_query *q, int i,
			 const struct near *nb)
{
	const char *w = q->terms[i].text;
	size_t n = strlen(w), j, len;
	char best[TOK_MAX_TERM * 2 + 1] = "";
	long best_df = 0;

	for (j = near_lower(nb, w); j < nb->n; j++) {
		const char *e = near_at(nb, j, &len);
		long df;

		if (len < n - 1 || memcmp(e, w, n - 1) != 0)
			break;
		if (len > n + 1 || (len == n + 1 && e[n - 1] != w[n - 1]) ||
		    len >= sizeof(best))
			continue;
		if ((df = idx_df(x, e)) > best_df) {
			best_df = df;
			memcpy(best, e, len + 1);
		}
	}
	if (best_df > 0)
		rank_add_expansion(x, q, best, best_df, RANK_FUZZY, i,
				   RANK_W_FUZZY);
}

/* A word the index lacks: complete it, split it, or else find its nearest
 * spelling. */
void rank_expand_missing(struct idx *x, struct tok *t, struct rank_query *q,
			 int i, int flags)
{
	const char *w = q->terms[i].text;
	size_t n = strlen(w), j, len, wn;
	struct near nb;
	char key[3];
	int k, is_word;
	double wp;
	struct word_ctx wc;

	if (n < 3 || !(flags & (RANK_EXP_PREFIX | RANK_EXP_SPLIT |
				RANK_EXP_FUZZY)))
		return;
	memset(&nb, 0, sizeof(nb));
	memcpy(key, w, 2);
	key[2] = '\0';
	if (idx_vocab_words(x, key, near_add, &nb) != 0)
		nb.oom = 1; /* near_df then asks the index */
	/* A word of the language ("top", "ten", "cat") is more often what
	 * the user meant, only not in this corpus, than a clip: its
	 * completions weigh half ("topology", "tensorflow") and count half
	 * toward confidence, unless they are the corpus's own terms, the
	 * words of the phrases it defines acronyms for ("net": "network" of
	 * "Convolutional Neural Network (CNN)").  Clips and unfinished words
	 * that are not on the list ("backprop", "conv") weigh as the word. */
	wn = strlen(q->terms[i].word);
	is_word = tok_is_word(t, q->terms[i].word, wn) == 1;
	wp = is_word ? RANK_W_PREFIX_WORD : RANK_W_PREFIX;
	if ((flags & RANK_EXP_PREFIX) && !nb.oom) {
		struct prefix_ctx pc;

		memset(&pc, 0, sizeof(pc));
		for (j = near_lower(&nb, w); j < nb.n; j++) {
			const char *e = near_at(&nb, j, &len);

			if (len < n || memcmp(e, w, n) != 0 ||
			    on_prefix(&pc, e, len))
				break;
		}
		if (pc.n > RANK_MAX_PREFIX) {
			if (n >= 4 && clip_completions(x, q, i, w, n, wp) > 0)
				goto done;
			pc.n = 0;
		}
		for (k = 0; k < pc.n; k++)
			pc.df[k] = idx_df(x, pc.term[k]);
		/* Completions far rarer than the usual one are noise. */
		for (k = 0; k < pc.n; k++)
			if (pc.df[k] * 10 >= maxdf(&pc))
				rank_add_expansion(
					x, q, pc.term[k], pc.df[k], RANK_PREFIX,
					i,
					is_word && is_phrase_word(x, pc.term[k])
						? RANK_W_PREFIX
						: wp);
		if (pc.n > 0)
			goto done;
	}
	if ((flags & RANK_EXP_SPLIT) && (split_compound(x, t, q, i, &nb) ||
					 split_blend(x, t, q, i)))
		goto done;
	/* A word of the language is what the user meant ("thing", "world"),
	 * only not in this corpus: respelling it into the nearest index term
	 * ("think", "word") adds noise; only a long stem's other ending is
	 * taken ("urgency" urgenc -> urgent).  Misspellings are not words. */
	if ((flags & RANK_EXP_FUZZY) && is_word) {
		if (n >= 6 && wn >= 5 && !nb.oom)
			other_ending(x, q, i, &nb);
		/* (only named, for a question declined: "did you mean") */
		if (nearest_word(x, q->terms[i].word, wn, &wc))
			copy_str(q->terms[i].alt, sizeof(q->terms[i].alt),
				 wc.word);
	} else if ((flags & RANK_EXP_FUZZY) && n >= 4 && wn >= 5 &&
		   nearest_word(x, q->terms[i].word, wn, &wc)) {
		copy_str(q->terms[i].alt, sizeof(q->terms[i].alt), wc.word);
		rank_add_expansion(x, q, wc.stem, idx_df(x, wc.stem),
				   RANK_FUZZY, i, RANK_W_FUZZY);
	} else if ((flags & RANK_EXP_FUZZY) && n >= 4 && wn >= 5) {
		struct fuzzy_ctx fc;
		char first[8];
		int two;

		memset(&fc, 0, sizeof(fc));
		fc.x = x;
		fc.want = w;
		fc.wlen = (int)n;
		fc.wset = byte_set(w, n);
		fc.max = n >= 8 ? 2 : 1;
		fc.best = fc.max + 1;
		/* Typos rarely hit the first letter (nor, in a long word,
		 * the first two): scan the words sharing them. */
		two = (n >= 8 && (unsigned char)w[0] < 0x80 &&
		       (unsigned char)w[1] < 0x80) ||
		      (unsigned char)w[0] >= 0x80;
		if (two && !nb.oom) {
			for (j = 0; j < nb.n; j++) {
				const char *e = near_at(&nb, j, &len);

				on_fuzzy(&fc, e, len);
			}
		} else {
			snprintf(first, sizeof(first), "%.*s", two ? 2 : 1, w);
			idx_vocab_words(x, first, on_fuzzy, &fc);
		}
		if (fc.best <= fc.max)
			rank_add_expansion(x, q, fc.term,
					   fc.best_df < 0 ? idx_df(x, fc.term)
							  : fc.best_df,
					   RANK_FUZZY, i, RANK_W_FUZZY);
	}
done:
	buf_free(&nb.data);
	free(nb.off);
}

/* Does the space-separated term list exp occur among the user's terms?
 * (Walked in place: it runs for every alias on every query, and most
 * fail on their first word.) */
static int has_all(const struct rank_query *q, int nuser, const char *exp)
{
	const char *p = exp;
	int i;

	while (*p) {
		size_t n = strcspn(p, " ");

		for (i = 0; i < nuser; i++)
			if (q->terms[i].text[0] == *p &&
			    strncmp(q->terms[i].text, p, n) == 0 &&
			    q->terms[i].text[n] == '\0')
				break;
		if (n > 0 && i == nuser && !tok_is_stop(p, n))
			return 0;
		p += n;
		p += *p == ' ';
	}
	return 1;
}

/* The initials aliases (IDX_ALIAS_INITIALS) of the user's words the
 * index lacks, looked up by key, copied into ini (at most nuser) in
 * short-form order; their count, or -1 when memory is short. */
static int initials_of(struct idx *x, const struct rank_query *q, int nuser,
		       struct idx_alias *ini)
{
	int j, k, m, n = 0;

	for (j = 0; j < nuser; j++) {
		const struct idx_alias *e;

		if (q->terms[j].df != 0 ||
		    (e = idx_alias_get(x, q->terms[j].text)) == NULL ||
		    e->kind != IDX_ALIAS_INITIALS)
			continue;
		for (k = 0; k < n && strcmp(ini[k].acr, e->acr) < 0; k++)
			;
		if (k < n && strcmp(ini[k].acr, e->acr) == 0)
			continue; /* (the same word twice) */
		for (m = n; m > k; m--)
			ini[m] = ini[m - 1];
		ini[k].acr = strdup(e->acr);
		ini[k].exp = strdup(e->exp);
		ini[k].kind = e->kind;
		n++;
		if (ini[k].acr == NULL || ini[k].exp == NULL)
			return -1;
	}
	return n;
}

/* Acronyms the corpus defines, both ways; and initials, for the user's
 * words the index lacks.  Both in the order of their short forms, as
 * the table holds them. */
void rank_expand_aliases(struct idx *x, struct rank_query *q, int nuser)
{
	const struct idx_alias *a;
	struct idx_alias *ini = calloc((size_t)nuser + 1, sizeof(*ini));
	int nini = ini ? initials_of(x, q, nuser, ini) : -1;
	int n = idx_aliases_defined(x, &a), i = 0, k = 0, j;

	while (nini >= 0 && (i < n || k < nini)) {
		const struct idx_alias *e =
			k == nini || (i < n && strcmp(a[i].acr, ini[k].acr) < 0)
				? &a[i++] : &ini[k++];

		for (j = 0; j < nuser; j++)
			if (q->terms[j].text[0] == e->acr[0] &&
			    strcmp(q->terms[j].text, e->acr) == 0)
				break;
		if (j < nuser)
			add_phrase(x, q, e->exp, RANK_ALIAS, j, RANK_W_ALIAS);
		else if (e->kind == IDX_ALIAS_DEFINED && has_all(q, nuser, e->exp))
			rank_add_expansion(x, q, e->acr, idx_df(x, e->acr),
					   RANK_ALIAS, 0, RANK_W_ALIAS);
	}
	for (k = 0; ini && k < nuser + 1; k++) {
		free(ini[k].acr);
		free(ini[k].exp);
	}
	free(ini);
}

/* Derivations Snowball leaves apart, as the index has them: an adjective
 * and its noun in -ity where no suffix rule joins them ("sparse" spars,
 * "sparsity" sparsiti; "complexity" already stems to complex), and a verb
 * in -ify and its noun in -ification ("classify" classifi,
 * "classification" classif).  The other form joins the query below the
 * user's word.  Short stems are left alone: "city" citi is no -ity, and
 * a short -ify stem ("notify" notifi, "notification" notif) is joined
 * wrongly more often than rightly. */
void rank_add_variants(struct idx *x, struct rank_query *q, int i)
{
	const char *w = q->terms[i].text;
	size_t n = strlen(w);
	char v[TOK_MAX_TERM * 2 + 8];

	if (n < 4)
		return;
	if (n >= 8 && strcmp(w + n - 3, "iti") == 0)
		snprintf(v, sizeof(v), "%.*s", (int)(n - 3), w);
	else
		snprintf(v, sizeof(v), "%siti", w);
	rank_add_expansion(x, q, v, idx_df(x, v), RANK_VARIANT, i,
			   RANK_W_VARIANT);
	if (n >= 7 && strcmp(w + n - 3, "ifi") == 0)
		snprintf(v, sizeof(v), "%.*s", (int)(n - 1), w);
	else if (n >= 6 && strcmp(w + n - 2, "if") == 0)
		snprintf(v, sizeof(v), "%si", w);
	else
		return;
	rank_add_expansion(x, q, v, idx_df(x, v), RANK_VARIANT, i,
			   RANK_W_VARIANT);
}

/* What WordNet relates to the user's words and to their two- and
 * three-word phrases ("pros and cons"): synonyms, derived forms, the
 * nearest more general senses, as the index holds them ("drawbacks" ->
 * "disadvantage", "shortcomings" -> "defect").  A related phrase counts
 * only when the index holds all its words.  They weigh well below the
 * user's words (RANK_W_SYNONYM...): a relation of some sense of the word,
 * not necessarily the one meant.  Only for a word the index lacks that no
 * other expansion stands for, of four letters or more: related words of a
 * word the corpus has, or of a short one ("ml": millilitre), or beside a
 * completion ("net" -> "network"; "net" -> "income"), lost on the devset
 * and the judged collections. */

/* The user's words in text order (stop words too: phrases hold them). */
#define LEX_MAX_WORDS 32
struct lex_words {
	char w[LEX_MAX_WORDS][TOK_MAX_TERM + 8];
	char term[LEX_MAX_WORDS][TOK_MAX_TERM * 2 + 1];
	int stop[LEX_MAX_WORDS];
	int n;
};

static int on_lex_word(void *ctx, const char *term, size_t len,
		       const char *word, int pos, int is_stop)
{
	struct lex_words *l = ctx;

	(void)len, (void)pos;
	if (l->n == LEX_MAX_WORDS)
		return 1;
	copy_str(l->w[l->n], sizeof(l->w[0]), word);
	copy_str(l->term[l->n], sizeof(l->term[0]), term);
	l->stop[l->n++] = is_stop;
	return 0;
}

/* A related lemma's terms (stop words out). */
#define LEX_MAX_PARTS 6
struct lex_parts {
	char t[LEX_MAX_PARTS][TOK_MAX_TERM * 2 + 1];
	int n, over;
};

static int on_lex_part(void *ctx, const char *term, size_t len,
		       const char *word, int pos, int is_stop)
{
	struct lex_parts *p = ctx;

	(void)len, (void)word, (void)pos;
	if (is_stop)
		return 0;
	if (p->n == LEX_MAX_PARTS) {
		p->over = 1;
		return 1;
	}
	copy_str(p->t[p->n++], sizeof(p->t[0]), term);
	return 0;
}

struct lex_ctx {
	struct idx *x;
	struct tok *t;
	struct rank_query *q;
	int from;
};

static double lex_weight(int rel)
{
	switch (rel) {
	case WN_SYNONYM: return RANK_W_SYNONYM;
	case WN_DERIVED: return RANK_W_DERIVED;
	case WN_HYPERNYM: return RANK_W_HYPERNYM;
	case WN_HYPONYM: return RANK_W_HYPONYM;
	case WN_GLOSS: return RANK_W_GLOSS;
	case WN_SIMILAR: return RANK_W_SIMILAR;
	}
	return 0.0;
}

static int on_lexical(void *ctx, const char *lemma, int rel, int sense)
{
	struct lex_ctx *c = ctx;
	struct lex_parts p;
	long df[LEX_MAX_PARTS];
	double w = lex_weight(rel);
	int i;

	(void)sense;
	if (w <= 0.0)
		return 0;
	memset(&p, 0, sizeof(p));
	if (tok_run(c->t, lemma, strlen(lemma), on_lex_part, &p, NULL) < 0 ||
	    p.over || p.n == 0)
		return 0;
	for (i = 0; i < p.n; i++)
		if ((df[i] = idx_df(c->x, p.t[i])) <= 0 && rel != WN_GLOSS)
			return 0;
	for (i = 0; i < p.n; i++)
		rank_add_expansion(c->x, c->q, p.t[i], df[i], RANK_LEXICAL,
				   c->from, w);
	return 0;
}

/* The relations that weigh anything. */
static int lex_rels(void)
{
	int r = 0, b;

	for (b = WN_SYNONYM; b <= WN_SIMILAR; b <<= 1)
		if (lex_weight(b) > 0.0)
			r |= b;
	return r;
}

/* Does an expansion (an earlier one than WordNet's) stand for term i? */
static int expanded(const struct rank_query *q, int i, int nuser)
{
	int j;

	for (j = nuser; j < q->nterms; j++)
		if (q->terms[j].from == i && q->terms[j].origin != RANK_LEXICAL)
			return 1;
	return 0;
}

void rank_expand_lexical(struct idx *x, struct tok *t, const char *text,
			 struct rank_query *q, int nuser)
{
	const struct wn *wn;
	struct lex_words l;
	struct lex_ctx c = {x, t, q, -1};
	char phrase[3 * (TOK_MAX_TERM + 8) + 3];
	int i, len, k, rels = lex_rels();

	/* (most questions have no word to look up: then nothing is opened) */
	for (i = 0; i < nuser; i++)
		if (q->terms[i].df == 0 && !q->terms[i].is_stop &&
		    !expanded(q, i, nuser))
			break;
	if (i == nuser || rels == 0 || (wn = wn_shared()) == NULL)
		return;
	memset(&l, 0, sizeof(l));
	if (tok_run(t, text, strlen(text), on_lex_word, &l, NULL) < 0)
		return;
	for (i = 0; i < l.n; i++) {
		if (l.stop[i])
			continue;
		c.from = rank_term_index(q, l.term[i]);
		if (c.from < 0 || c.from >= nuser)
			continue;
		if (q->terms[c.from].df > 0 || strlen(l.w[i]) < 4 ||
		    expanded(q, c.from, nuser))
			continue;
		/* the longest phrase WordNet knows, else the word */
		for (len = 3; len >= 1; len--) {
			size_t n = 0;

			if (i + len > l.n || (len > 1 && l.stop[i + len - 1]))
				continue;
			for (k = 0; k < len; k++)
				n += (size_t)snprintf(phrase + n,
						      sizeof(phrase) - n,
						      "%s%s", k ? " " : "",
						      l.w[i + k]);
			if (wn_related(wn, phrase, n, rels, RANK_LEX_SENSES,
				       on_lexical, &c) == 1)
				break;
		}
	}
}

/* British and American spellings of one word: the endings that differ,
 * each way (the first that matches is taken). */
static const char *const spellings[][2] = {
	{"isation", "ization"}, {"isations", "izations"},
	{"ise", "ize"},         {"ised", "ized"},
	{"ises", "izes"},       {"ising", "izing"},
	{"iser", "izer"},       {"isers", "izers"},
	{"yse", "yze"},         {"ysed", "yzed"},
	{"ysing", "yzing"},     {"our", "or"},
	{"ours", "ors"},        {"tre", "ter"},
	{"tres", "ters"},       {"lled", "led"},
	{"lling", "ling"},      {"ogue", "og"},
	{"ence", "ense"},
};

/* w[0..n) with the other spelling of its ending into out[cap]; 1 when
 * there is one. */
static int other_spelling(const char *w, size_t n, char *out, size_t cap)
{
	size_t k, side;

	for (k = 0; k < sizeof(spellings) / sizeof(spellings[0]); k++)
		for (side = 0; side < 2; side++) {
			const char *from = spellings[k][side];
			const char *to = spellings[k][!side];
			size_t f = strlen(from);

			/* at least three letters before the ending */
			if (n < f + 3 || memcmp(w + n - f, from, f) != 0 ||
			    n - f + strlen(to) >= cap)
				continue;
			memcpy(out, w, n - f);
			strcpy(out + n - f, to);
			return 1;
		}
	return 0;
}

int rank_add_other_spelling(struct idx *x, struct rank_query *q, int i)
{
	const char *w = q->terms[i].word;
	char o[TOK_MAX_TERM + 8], stem[TOK_MAX_TERM * 2 + 1];
	int len, before = q->nterms;
	long df;

	if (q->tok == NULL || !other_spelling(w, strlen(w), o, sizeof(o)) ||
	    (len = tok_stem(q->tok, o, strlen(o), stem, sizeof(stem))) <= 0 ||
	    strcmp(stem, q->terms[i].text) == 0 || (df = idx_df(x, stem)) <= 0)
		return 0;
	/* Where the index has both, the word is scored twice: the other
	 * spelling weighs as a derivation's, below the word. */
	rank_add_expansion(x, q, stem, df, RANK_VARIANT, i,
			   q->terms[i].df > 0 ? RANK_W_VARIANT
					      : RANK_W_SPELLING);
	return q->nterms > before;
}
