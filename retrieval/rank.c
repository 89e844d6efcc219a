/* rank.c - query parsing and BM25F / TF-IDF scoring with a bounded heap. */
#include "rank.h"

#include "../util/buf.h"
#include "../util/editdist.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
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
}

/* Copy src into dst[cap], cut to fit. */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The index of term text in q, or -1. */
static int term_index(const struct rank_query *q, const char *text)
{
	int i;

	for (i = 0; i < q->nterms; i++)
		if (strcmp(q->terms[i].text, text) == 0)
			return i;
	return -1;
}

struct parse_ctx {
	struct rank_query *q;
};

static int add_term(void *ctx, const char *term, size_t len, const char *word,
		    int pos, int is_stop)
{
	struct rank_query *q = ((struct parse_ctx *)ctx)->q;
	int i = term_index(q, term);

	(void)len;
	if (i >= 0) {
		q->terms[i].weight += 1.0;
		return 0;
	}
	if (q->nterms == RANK_MAX_TERMS)
		return 0;
	i = q->nterms;
	memset(&q->terms[i], 0, sizeof(q->terms[i]));
	copy_str(q->terms[i].text, sizeof(q->terms[i].text), term);
	copy_str(q->terms[i].word, sizeof(q->terms[i].word), word);
	q->terms[i].weight = 1.0;
	q->terms[i].is_stop = is_stop;
	q->terms[i].from = -1;
	q->terms[i].pos = pos;
	q->nterms++;
	return 0;
}

static double bm25_idf(long n, long df)
{
	return log(1.0 + ((double)n - (double)df + 0.5) / ((double)df + 0.5));
}

/* Add an expansion term (or raise the weight of an existing one). */
static void add_expansion(struct idx *x, struct rank_query *q, const char *term,
			  long df, int origin, int from, double weight)
{
	int i = term_index(q, term);

	if (i >= 0) {
		if (q->terms[i].origin != RANK_USER &&
		    q->terms[i].weight < weight)
			q->terms[i].weight = weight;
		return;
	}
	if (q->nterms == RANK_MAX_TERMS || df <= 0)
		return;
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
			add_expansion(x, q, tok, idx_df(x, tok), origin, from,
				      weight);
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
	add_expansion(x, q, best_a, dfa, RANK_SPLIT, i, RANK_W_SPLIT);
	add_expansion(x, q, best_b, dfb, RANK_SPLIT, i, RANK_W_SPLIT);
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
	int n = idx_aliases(x, &a), i, rc;

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

/* "conv": the completions of w[0..n) among the defined phrases' words. */
static int clip_completions(struct idx *x, struct rank_query *q, int i,
			    const char *w, size_t n)
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
		add_expansion(x, q, c.pc.term[k], idx_df(x, c.pc.term[k]),
			      RANK_PREFIX, i, RANK_W_PREFIX);
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
		add_expansion(x, q, c.found->acr, idx_df(x, c.found->acr),
			      RANK_SPLIT, i, RANK_W_SPLIT);
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
		add_expansion(x, q, best, best_df, RANK_FUZZY, i, RANK_W_FUZZY);
}

/* A word the index lacks: complete it, split it, or else find its nearest
 * spelling. */
static void expand_missing(struct idx *x, struct tok *t, struct rank_query *q,
			   int i, int flags)
{
	const char *w = q->terms[i].text;
	size_t n = strlen(w), j, len, wn;
	struct near nb;
	char key[3];
	int k;

	if (n < 3 || !(flags & (RANK_EXP_PREFIX | RANK_EXP_SPLIT |
				RANK_EXP_FUZZY)))
		return;
	memset(&nb, 0, sizeof(nb));
	memcpy(key, w, 2);
	key[2] = '\0';
	if (idx_vocab_words(x, key, near_add, &nb) != 0)
		nb.oom = 1; /* near_df then asks the index */
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
			if (n >= 4 && clip_completions(x, q, i, w, n) > 0)
				goto done;
			pc.n = 0;
		}
		for (k = 0; k < pc.n; k++)
			pc.df[k] = idx_df(x, pc.term[k]);
		/* Completions far rarer than the usual one are noise. */
		for (k = 0; k < pc.n; k++)
			if (pc.df[k] * 10 >= maxdf(&pc))
				add_expansion(x, q, pc.term[k], pc.df[k], RANK_PREFIX,
				      i, RANK_W_PREFIX);
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
	wn = strlen(q->terms[i].word);
	if ((flags & RANK_EXP_FUZZY) && n >= 4 && wn >= 5 &&
	    tok_is_word(t, q->terms[i].word, wn) == 1) {
		if (n >= 6 && !nb.oom)
			other_ending(x, q, i, &nb);
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
			add_expansion(x, q, fc.term,
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

/* Acronyms the corpus defines, both ways. */
static void expand_aliases(struct idx *x, struct rank_query *q, int nuser)
{
	const struct idx_alias *a;
	int n = idx_aliases(x, &a), i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nuser; j++)
			if (q->terms[j].text[0] == a[i].acr[0] &&
			    strcmp(q->terms[j].text, a[i].acr) == 0)
				break;
		/* Initials are read only for words the index lacks. */
		if (j < nuser && a[i].kind == IDX_ALIAS_INITIALS &&
		    q->terms[j].df > 0)
			continue;
		if (j == nuser && a[i].kind == IDX_ALIAS_INITIALS)
			continue;
		if (j < nuser)
			add_phrase(x, q, a[i].exp, RANK_ALIAS, j, RANK_W_ALIAS);
		else if (has_all(q, nuser, a[i].exp))
			add_expansion(x, q, a[i].acr, idx_df(x, a[i].acr),
				      RANK_ALIAS, 0, RANK_W_ALIAS);
	}
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
 * word: two words merely next to each other often do not ("data base" in
 * a catalogue; joining those lost on cran and med). */
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
		from = term_index(q, f.text);
		if (from < 0 || from >= nuser || q->nterms == RANK_MAX_TERMS ||
		    term_index(q, o.text) >= 0)
			continue;
		add_expansion(x, q, o.text, df, RANK_JOIN, from, RANK_W_JOIN);
		q->terms[q->nterms - 1].pos = q->terms[from].pos;
		q->terms[q->nterms - 1].span = parts;
		snprintf(q->terms[q->nterms - 1].word,
			 sizeof(q->terms[0].word), "%.*s",
			 (int)(p - start), start);
	}
}

/* Derivations Snowball leaves apart, as the index has them: an adjective
 * and its noun in -ity where no suffix rule joins them ("sparse" spars,
 * "sparsity" sparsiti; "complexity" already stems to complex), and a verb
 * in -ify and its noun in -ification ("classify" classifi,
 * "classification" classif).  The other form joins the query below the
 * user's word.  Short stems are left alone: "city" citi is no -ity, and
 * "notify" and "notification" (notifi, notif) parted lost on StackFAQ. */
static void add_variants(struct idx *x, struct rank_query *q, int i)
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
	add_expansion(x, q, v, idx_df(x, v), RANK_VARIANT, i, RANK_W_VARIANT);
	if (n >= 7 && strcmp(w + n - 3, "ifi") == 0)
		snprintf(v, sizeof(v), "%.*s", (int)(n - 1), w);
	else if (n >= 6 && strcmp(w + n - 2, "if") == 0)
		snprintf(v, sizeof(v), "%si", w);
	else
		return;
	add_expansion(x, q, v, idx_df(x, v), RANK_VARIANT, i, RANK_W_VARIANT);
}

int rank_parse(struct idx *x, struct tok *t, const char *text,
	       struct rank_query *q, struct qerr *err)
{
	return rank_parse_ex(x, t, text, RANK_EXP_ALL, q, err);
}

int rank_parse_ex(struct idx *x, struct tok *t, const char *text, int flags,
		  struct rank_query *q, struct qerr *err)
{
	struct parse_ctx c = {q};
	int i, j, content = 0, nuser;

	/* (the terms are cleared as they are added) */
	q->nterms = 0;
	q->dropped_stop = 0;
	q->tok = t;
	if (tok_run(t, text, strlen(text), add_term, &c, err) != 0)
		return err ? err->code : QERR_IO;
	for (i = 0; i < q->nterms; i++)
		content += !q->terms[i].is_stop;
	/* Drop stop words unless nothing else is left. */
	if (content > 0) {
		for (i = j = 0; i < q->nterms; i++) {
			if (q->terms[i].is_stop) {
				q->dropped_stop++;
				continue;
			}
			if (i != j)
				q->terms[j] = q->terms[i];
			j++;
		}
		q->nterms = j;
	}
	for (i = 0; i < q->nterms; i++) {
		q->terms[i].df = idx_df(x, q->terms[i].text);
		q->terms[i].idf = bm25_idf(idx_ndocs(x), q->terms[i].df);
	}
	nuser = q->nterms;
	for (i = 0; i < nuser; i++)
		if (q->terms[i].df == 0 && !q->terms[i].is_stop)
			expand_missing(x, t, q, i, flags);
	if (flags & RANK_EXP_SPLIT) {
		join_hyphens(x, t, text, q, nuser);
		for (i = 0; i < nuser; i++)
			add_variants(x, q, i);
	}
	if (flags & RANK_EXP_ALIAS)
		expand_aliases(x, q, nuser);
	return 0;
}

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

			if (term_index(q, c.t[i].text) >= 0 || df < 2)
				continue;
			if (q->nterms == RANK_MAX_TERMS)
				break;
			add_expansion(x, q, c.t[i].text, df, RANK_FEEDBACK, 0,
				      p->feedback * c.t[i].w / maxw);
			/* from no word of the user's */
			q->terms[q->nterms - 1].from = -1;
			q->terms[q->nterms - 1].word[0] = '\0';
			added++;
		}
	}
	free(c.t);
	return rc;
}

double rank_confidence(struct idx *x, const struct rank_query *q,
		       const struct rank_hit *h)
{
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
		double missing = 1.0, credit = hit[i];

		if (t->origin == RANK_JOIN || t->origin == RANK_VARIANT)
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
					double c = o == RANK_FUZZY ? 0.5 : 1.0;

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
		if (t->df == 0) {
			/* A completed, split or spelled-out word is found; a
			 * respelled one only perhaps. */
			for (j = 0; j < q->nterms; j++)
				if (q->terms[j].from == i)
					missing = q->terms[j].origin == RANK_FUZZY
							  ? 0.5
							  : 0.0;
			if (t->origin == RANK_USER)
				total += missing * t->weight * maxidf;
			continue;
		}
		total += t->weight * t->idf;
		if (hit[i])
			got += t->weight * t->idf;
	}
	if (total <= 0.0 || words <= 0.0)
		return 0.0; /* nothing but stop words: no evidence of a match */
	return sqrt(got / total * found / words);
}

/* Per-field tables: the BM25 length factor for each of the 256 norm codes. */
struct scorer {
	const struct rank_params *p;
	const unsigned char *norms;
	double lenf[IDX_NFIELDS][256];
	double n;
};

static void scorer_init(struct scorer *s, struct idx *x,
			const struct rank_params *p)
{
	const double *dec = idx_norm_table();
	int f, c;

	s->p = p;
	s->norms = idx_norms(x);
	s->n = (double)idx_ndocs(x);
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

/* Contribution of one posting; idf and weight folded into w. */
static double score_posting(const struct scorer *s, long doc,
			    const unsigned tf[IDX_NFIELDS], double idf)
{
	const unsigned char *nb = s->norms + 2 * doc;
	double t = 0.0;
	int f;

	if (s->p->model == RANK_BM25) {
		for (f = 0; f < IDX_NFIELDS; f++)
			if (tf[f])
				t += s->p->w[f] * tf[f] / s->lenf[f][nb[f]];
		return idf * t * (s->p->k1 + 1.0) / (t + s->p->k1);
	}
	for (f = 0; f < IDX_NFIELDS; f++)
		if (tf[f])
			t += s->p->w[f] * (1.0 + log((double)tf[f])) /
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
};

static double qmatch_factor(const struct scorer *s, const struct qfield *f,
			    long doc, double idfsum)
{
	double len, cq, cd;

	if (s->p->qmatch <= 0.0 || f->tf == 0 || idfsum <= 0.0)
		return 1.0;
	len = idx_norm_decode(s->norms[2 * doc + IDX_Q]);
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
	struct rank_hit e = {doc, score, terms};
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
	double w;            /* weight * idf */
	double ub;           /* largest contribution any posting can make */
	double share;        /* idf share for the question-match bound */
	int done;
};

static int cmp_dterm(const void *a, const void *b)
{
	const struct dterm *x = a, *y = b;

	if (x->ub != y->ub)
		return x->ub < y->ub ? -1 : 1;
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
		       const struct rank_params *p, const struct scorer *s,
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
		e->ub = e->w * (p->k1 + 1.0) *
			(use_blocks ? (double)idx_postings_max(e->blob, len) *
					      idx_bound_scale(x) * (1.0 + 1e-6)
				    : 1.0);
		e->share = idfsum > 0.0 ? rt->weight * rt->idf / idfsum : 0.0;
		idx_cursor_init(&e->c, e->blob, len);
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
 * as the exhaustive loop does (so both give identical numbers). */
static double final_score(const struct scorer *s, const struct rank_query *q,
			  const double *contrib, const unsigned *tfq, long doc,
			  double idfsum, uint64_t *mask)
{
	struct qfield f = {0.0f, 0, 0};
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
	return sum * qmatch_factor(s, &f, doc, idfsum);
}

static int search_maxscore(struct idx *x, const struct rank_query *q,
			   const struct rank_params *p, const struct scorer *s,
			   double idfsum, struct rank_hit *top, int *ntop,
			   int kk, struct qerr *err)
{
	struct dterm d[RANK_MAX_TERMS];
	double prefix[RANK_MAX_TERMS + 1], pshare[RANK_MAX_TERMS + 1];
	double contrib[RANK_MAX_TERMS], theta = 0.0;
	unsigned tfq[RANK_MAX_TERMS];
	long ndocs = idx_maxdoc(x);
	const unsigned char *del = idx_deleted(x);
	int nd = 0, i, ness = 0, rc;

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
	}
	while (rc == 0) {
		long doc = -1;
		double partial = 0.0, share = 0.0;
		int pruned = 0, nm = 0, moved[RANK_MAX_TERMS];

		for (i = ness; i < nd; i++)
			if (!d[i].done && (doc < 0 || d[i].c.docid < doc))
				doc = d[i].c.docid;
		if (doc < 0)
			break;
		if (doc >= ndocs) {
			rc = qerr_set(err, QERR_DATA, "index is damaged: postings "
				      "name record %ld of %ld", doc, ndocs);
			break;
		}
		if (del && (del[doc / 8] >> (doc % 8) & 1)) {
			/* A deleted record: step over it. */
			for (i = ness; i < nd; i++)
				if (!d[i].done && d[i].c.docid == doc)
					d[i].done = !idx_cursor_next(&d[i].c);
			continue;
		}
		for (i = ness; i < nd; i++) {
			if (d[i].done || d[i].c.docid != doc)
				continue;
			contrib[d[i].ti] = score_posting(s, doc, d[i].c.tf, d[i].w);
			tfq[d[i].ti] = d[i].c.tf[IDX_Q];
			partial += contrib[d[i].ti];
			share += d[i].c.tf[IDX_Q] ? d[i].share : 0.0;
			d[i].done = !idx_cursor_next(&d[i].c);
			moved[nm++] = i;
		}
		for (i = ness - 1; i >= 0; i--) {
			if (*ntop == kk &&
			    bound(p, partial + prefix[i + 1],
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
			contrib[d[i].ti] = score_posting(s, doc, d[i].c.tf, d[i].w);
			tfq[d[i].ti] = d[i].c.tf[IDX_Q];
			partial += contrib[d[i].ti];
			share += d[i].c.tf[IDX_Q] ? d[i].share : 0.0;
		}
		if (!pruned) {
			uint64_t mask = 0;
			double sc = final_score(s, q, contrib, tfq, doc, idfsum,
						&mask);

			if (sc > 0.0)
				heap_offer(top, ntop, kk, doc, sc, mask);
			if (*ntop == kk) {
				theta = top[0].score;
				while (ness < nd &&
				       bound(p, prefix[ness + 1], pshare[ness + 1]) <
					       theta * (1.0 - 1e-9))
					ness++;
			}
		}
		/* only the cursors that moved can have scored or gone bad */
		while (nm > 0) {
			i = moved[--nm];
			contrib[d[i].ti] = 0.0;
			tfq[d[i].ti] = 0;
			if (!d[i].done && d[i].c.docid >= ndocs)
				d[i].c.bad = 1; /* a damaged index */
			if (d[i].c.bad)
				rc = qerr_set(err, QERR_DATA,
					      "index is damaged: postings of '%s'",
					      d[i].t->text);
		}
	}
	for (i = 0; i < nd; i++)
		free(d[i].blob);
	return rc;
}

int rank_search(struct idx *x, const struct rank_query *q,
		const struct rank_params *p, int k, struct rank_hit *hits,
		int *nhits, struct qerr *err)
{
	struct scorer s;
	long n = idx_maxdoc(x), ntouched = 0, i;
	const unsigned char *del;
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
	if (s.norms == NULL) {
		if (top != hits)
			free(top);
		rc = idx_status(x, err);
		return rc ? rc : qerr_set(err, QERR_IO, "out of memory");
	}
	idfsum = query_idf_mass(q);
	if (p->model == RANK_BM25 && !p->exhaustive && s.norms) {
		rc = search_maxscore(x, q, p, &s, idfsum, top, &ntop, kk, err);
		goto ranked;
	}
	acc = calloc((size_t)n, sizeof(*acc));
	qf = calloc((size_t)n, sizeof(*qf));
	touched = malloc((size_t)n * sizeof(*touched));
	if (s.norms == NULL || acc == NULL || touched == NULL || qf == NULL) {
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
		idx_cursor_init(&c, data, len);
		while (idx_cursor_next(&c)) {
			if (c.docid >= n) {
				c.bad = 1;
				break;
			}
			if (acc[c.docid] == 0.0)
				touched[ntouched++] = c.docid;
			acc[c.docid] += score_posting(&s, c.docid, c.tf, w);
			qf[c.docid].mask |= (uint64_t)1 << t;
			if (c.tf[IDX_Q]) {
				qf[c.docid].idf += (float)(rt->weight * rt->idf);
				qf[c.docid].tf += c.tf[IDX_Q];
			}
		}
		if (c.bad)
			rc = qerr_set(err, QERR_DATA,
				      "index is damaged: postings of '%s'",
				      rt->text);
	}
	del = idx_deleted(x);
	for (i = 0; rc == 0 && i < ntouched; i++) {
		long d = touched[i];

		if (del && (del[d / 8] >> (d % 8) & 1))
			continue;
		if (acc[d] > 0.0)
			heap_offer(top, &ntop, kk, d,
				   acc[d] * qmatch_factor(&s, &qf[d], d, idfsum),
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
		if (q->terms[t].df == 0 || s.norms == NULL ||
		    idx_postings(x, q->terms[t].text, &df, &data, &len, NULL))
			continue;
		idx_cursor_init(&c, data, len);
		if (idx_cursor_seek(&c, doc) && c.docid == doc)
			contrib[t] = score_posting(
				&s, doc, c.tf,
				q->terms[t].weight * term_idf(&s, &q->terms[t]));
		total += contrib[t];
	}
	return total;
}
