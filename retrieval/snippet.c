/* snippet.c - choose and cut the best window of a text for a query.
 *
 * Three steps: the matched words (analyzer offsets), the sentences (a
 * stop with a blank and no lower-case letter after it, a blank line, a
 * line that starts a list item, heading, fence or table row), and the
 * windows: from each sentence that holds a match (and the first), as many
 * whole sentences as fit; inside a sentence too long to fit, whole words
 * around each match, a quarter of the room before it.  Room the best
 * window leaves goes to whole sentences before it, then to the words
 * after it.  The second fragment is the same choice made again over the
 * text before the first window and over the text after it. */
#include "snippet.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Score weights: a covered word counts its idf * weight; each pair of
 * neighbouring matches of different words adds PROX_W of the lighter
 * one's, divided by one plus the words between them; a repeat adds
 * REPEAT_W of the word's (at most MAX_REPEAT times); a window that starts
 * a sentence adds SENT_W, the text's first sentence START_W. */
#define PROX_W 0.3
#define REPEAT_W 0.05
#define MAX_REPEAT 2
#define SENT_W 0.02
#define START_W 0.03

/* A query word the record's title holds weighs this much of its own:
 * the title is shown above the snippet anyway. */
#define TITLE_W 0.5

/* Windows scored per text at most; past it the rest are skipped. */
#define MAX_WINDOWS 2000

struct hit {
	size_t start, end; /* the word, bytes of the text */
	int pos;           /* word position */
	int slot;          /* the user's word it stands for (a term index) */
	double w;
};

struct span {
	size_t start, end;
	size_t chars; /* characters in [start, end) */
};

struct scan {
	const struct rank_query *q;
	struct hit *hits;
	size_t nhits, cap;
	int nomem;
	unsigned char lead[256]; /* lead[c]: a query term starts with byte c */
	unsigned char in_title[RANK_MAX_TERMS]; /* the term is in the title */
};

/* tok_set_filter's test: Snowball's English stemmer keeps a word's first
 * byte (it cuts and rewrites endings; even its exceptions do: "dying"
 * die, "skies" sky), so a word whose first byte starts no query term
 * cannot match one, and is not stemmed. */
static int may_match(void *ctx, const char *word, size_t len)
{
	const struct scan *s = ctx;

	return len > 0 && s->lead[(unsigned char)word[0]];
}

struct window {
	size_t start, end;
	int at_sentence_start, at_sentence_end;
	double score;
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Characters (UTF-8 lead bytes) in s[a..b). */
static size_t nchars(const char *s, size_t a, size_t b)
{
	size_t n = 0;

	for (; a < b; a++)
		n += !is_cont((unsigned char)s[a]);
	return n;
}

/* The query term that term is, -1 if none (feedback terms are not the
 * user's and do not count). */
static int match_term(const struct rank_query *q, const char *term)
{
	int i;

	for (i = 0; i < q->nterms; i++)
		if (q->terms[i].origin != RANK_FEEDBACK &&
		    q->terms[i].text[0] == term[0] &&
		    strcmp(q->terms[i].text, term) == 0)
			return i;
	return -1;
}

static int on_title_word(void *ctx, const char *term, size_t len,
			 const char *word, int pos, int is_stop)
{
	struct scan *s = ctx;
	int i = term[0] ? match_term(s->q, term) : -1;

	(void)len, (void)word, (void)pos, (void)is_stop;
	if (i >= 0)
		s->in_title[i] = 1;
	return 0;
}

static int on_word(void *ctx, const char *term, size_t len, const char *word,
		   int pos, int is_stop)
{
	struct scan *s = ctx;
	const struct rank_term *t;
	struct hit *h;
	int i;

	(void)len, (void)word, (void)is_stop;
	i = term[0] ? match_term(s->q, term) : -1;
	if (i < 0)
		return 0;
	if (s->nhits == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct hit *g = realloc(s->hits, cap * sizeof(*g));

		if (g == NULL) {
			s->nomem = 1;
			return 1;
		}
		s->hits = g;
		s->cap = cap;
	}
	t = &s->q->terms[i];
	h = &s->hits[s->nhits++];
	tok_span(s->q->tok, &h->start, &h->end);
	h->pos = pos;
	h->slot = t->from >= 0 && t->from < s->q->nterms ? t->from : i;
	h->w = t->weight * t->idf;
	if (s->in_title[i] || s->in_title[h->slot])
		h->w *= TITLE_W;
	if (h->w < 1e-3)
		h->w = 1e-3;
	return 0;
}

/* ---- sentences ---- */

/* Words after which a stop does not end a sentence. */
static int abbreviation(const char *s, size_t n)
{
	static const char *const abbr[] = {"dr",  "e.g", "etc", "fig", "i.e",
					   "jr",  "mr",  "mrs", "ms",  "no",
					   "st",  "sr",  "vs",  "cf",  "gen",
					   "gov", "lt",  "col", "approx"};
	char low[8];
	size_t i;

	if (n == 1 && s[0] >= 'A' && s[0] <= 'Z')
		return 1; /* an initial: "John F. Kennedy" */
	if (n == 0 || n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(abbr) / sizeof(*abbr); i++)
		if (strcmp(abbr[i], low) == 0)
			return 1;
	return 0;
}

/* Does the line at s[i..) start a block of its own (list item, heading,
 * fence, table row)? */
static int block_start(const char *s, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j >= len)
		return 0;
	if (s[j] && strchr("-*+", s[j]) && j + 1 < len && s[j + 1] == ' ')
		return 1;
	if (s[j] == '#' || s[j] == '|' || s[j] == '>' ||
	    (len - j >= 3 && memcmp(s + j, "```", 3) == 0))
		return 1;
	i = j;
	while (j < len && s[j] >= '0' && s[j] <= '9')
		j++;
	return j > i && j + 1 < len && (s[j] == '.' || s[j] == ')') &&
	       s[j + 1] == ' ';
}

/* If a sentence ends at s[i] (a stop, or a line break before a blank line
 * or a block), the end of the sentence and the start of the next. */
static int sentence_break(const char *s, size_t len, size_t i, size_t *end,
			  size_t *next)
{
	size_t j = i + 1, k, w;

	if (s[i] == '\n') {
		for (k = j; k < len && (s[k] == ' ' || s[k] == '\t' ||
					s[k] == '\r');
		     k++)
			;
		if (k < len && s[k] != '\n' && !block_start(s, len, j))
			return 0;
		*end = i;
	} else if (s[i] == '.' || s[i] == '!' || s[i] == '?') {
		while (j < len && strchr(")]\"'", s[j]) && s[j] != '\0')
			j++;
		if (j < len && !is_space((unsigned char)s[j]))
			return 0;
		for (k = j; k < len && is_space((unsigned char)s[k]); k++)
			;
		if (k < len && s[k] >= 'a' && s[k] <= 'z')
			return 0;
		if (s[i] == '.') {
			for (w = i; w > 0 && ((s[w - 1] >= 'a' && s[w - 1] <= 'z') ||
					      (s[w - 1] >= 'A' && s[w - 1] <= 'Z') ||
					      s[w - 1] == '.');
			     w--)
				;
			if (abbreviation(s + w, i - w))
				return 0;
		}
		*end = j;
	} else {
		return 0;
	}
	while (*end > 0 && is_space((unsigned char)s[*end - 1]))
		--*end;
	for (k = j; k < len && is_space((unsigned char)s[k]); k++)
		;
	*next = k;
	return 1;
}

/* The sentences of s[0..len), blank-trimmed, into *out (malloc'ed).
 * Returns their number, or -1 when memory runs out. */
static long split_sentences(const char *s, size_t len, struct span **out)
{
	struct span *v = NULL;
	size_t n = 0, cap = 0, i, start, end, next;

	*out = NULL;
	for (start = 0; start < len && is_space((unsigned char)s[start]);)
		start++;
	for (i = start; start < len; i++) {
		if (i < len && !sentence_break(s, len, i, &end, &next))
			continue;
		if (i >= len) {
			end = len;
			while (end > start && is_space((unsigned char)s[end - 1]))
				end--;
			next = len;
		}
		if (end > start) {
			if (n == cap) {
				struct span *g;

				cap = cap ? 2 * cap : 16;
				g = realloc(v, cap * sizeof(*v));
				if (g == NULL) {
					free(v);
					return -1;
				}
				v = g;
			}
			v[n].start = start;
			v[n].end = end;
			v[n++].chars = nchars(s, start, end);
		}
		start = next;
		i = next > 0 ? next - 1 : 0;
		if (next >= len)
			break;
	}
	*out = v;
	return (long)n;
}

/* ---- windows ---- */

/* The score of the matches in s[w->start..w->end) (see the top). */
static double score_window(const struct scan *sc, const struct window *w)
{
	double cover[RANK_MAX_TERMS] = {0}, score = 0.0;
	int seen[RANK_MAX_TERMS] = {0};
	const struct hit *prev = NULL;
	size_t i, lo = 0, hi = sc->nhits;

	while (lo < hi) { /* the first hit at or after the window's start */
		size_t mid = lo + (hi - lo) / 2;

		if (sc->hits[mid].start < w->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < sc->nhits; i++) {
		const struct hit *h = &sc->hits[i];

		if (h->start >= w->end)
			break;
		if (seen[h->slot] > 0 && seen[h->slot] <= MAX_REPEAT)
			score += REPEAT_W * h->w;
		seen[h->slot]++;
		if (cover[h->slot] < h->w)
			cover[h->slot] = h->w;
		if (prev && prev->slot != h->slot) {
			double lw = prev->w < h->w ? prev->w : h->w;
			int gap = h->pos - prev->pos - 1;

			score += PROX_W * lw / (1.0 + (gap > 0 ? gap : 0));
		}
		prev = h;
	}
	for (i = 0; i < RANK_MAX_TERMS; i++)
		score += cover[i];
	if (w->at_sentence_start)
		score += w->start == 0 ? START_W : SENT_W;
	return score;
}

/* Whole words of sentence [ss, se) around s[at..): a quarter of the room
 * before at, the rest after; a word longer than the room is cut on a
 * character boundary. */
static void word_window(const char *s, size_t ss, size_t se, size_t at,
			size_t max, struct window *w)
{
	size_t b = at, e, room = max / 4, k, c;

	for (c = 0; b > ss && c < room;) {
		b--;
		c += !is_cont((unsigned char)s[b]);
	}
	while (b > ss && is_cont((unsigned char)s[b]))
		b--;
	if (b > ss) { /* start after a blank, not inside a word */
		for (k = b; k < at && !is_space((unsigned char)s[k]); k++)
			;
		b = k < at ? k + 1 : at;
	}
	for (e = b, c = 0; e < se && c < max; c++) {
		e++;
		while (e < se && is_cont((unsigned char)s[e]))
			e++;
	}
	if (e < se) { /* end before a blank when there is one */
		for (k = e; k > b && !is_space((unsigned char)s[k - 1]); k--)
			;
		if (k > b)
			e = k;
	}
	while (e > b && is_space((unsigned char)s[e - 1]))
		e--;
	while (b < e && is_space((unsigned char)s[b]))
		b++;
	w->start = b;
	w->end = e;
	w->at_sentence_start = b == ss;
	w->at_sentence_end = e == se;
}

/* Room left after w: the words that follow, up to the bound. */
static void fill_after(const char *s, const struct span *v, long n,
		       size_t max, struct window *w)
{
	size_t used = nchars(s, w->start, w->end), e, k, last;
	long i;

	if (used + 1 >= max)
		return;
	for (i = 0; i < n && v[i].end <= w->end; i++)
		;
	if (i >= n)
		return;
	last = v[n - 1].end;
	/* the blank between counts one */
	for (e = w->end; e < last && is_space((unsigned char)s[e]); e++)
		;
	k = e;
	for (used++; e < last && used < max;) {
		used += !is_cont((unsigned char)s[e]);
		e++;
		while (e < last && is_cont((unsigned char)s[e]))
			e++;
	}
	if (e < last && !is_space((unsigned char)s[e])) {
		while (e > k && !is_space((unsigned char)s[e - 1]))
			e--; /* not inside a word */
	}
	while (e > k && is_space((unsigned char)s[e - 1]))
		e--;
	if (e <= k)
		return;
	w->end = e;
	for (; i < n && v[i].end < e; i++)
		;
	w->at_sentence_end = i < n && v[i].end == e;
}

/* Keep w if it beats *best. */
static void consider(const struct scan *sc, struct window *w,
		     struct window *best, int *have)
{
	w->score = score_window(sc, w);
	if (!*have || w->score > best->score) {
		*best = *w;
		*have = 1;
	}
}

/* Does sentence v hold a match? *h is a cursor into the hits. */
static int holds_hit(const struct scan *sc, const struct span *v, size_t *h)
{
	while (*h < sc->nhits && sc->hits[*h].start < v->start)
		++*h;
	return *h < sc->nhits && sc->hits[*h].start < v->end;
}

/* The best window of s over sentences v[0..n). */
static void best_window(const char *s, const struct span *v, long n,
			const struct scan *sc, size_t max, struct window *best)
{
	struct window w;
	size_t h = 0, k, c;
	long i, j, tried = 0;
	int have = 0;

	for (i = 0; i < n && tried < MAX_WINDOWS; i++) {
		if (i > 0 && !holds_hit(sc, &v[i], &h))
			continue;
		if (v[i].chars > max) {
			w.at_sentence_end = 0;
			word_window(s, v[i].start, v[i].end, v[i].start, max,
				    &w);
			consider(sc, &w, best, &have);
			tried++;
			for (k = h; k < sc->nhits && sc->hits[k].start < v[i].end &&
				    tried < MAX_WINDOWS;
			     k++, tried++) {
				word_window(s, v[i].start, v[i].end,
					    sc->hits[k].start, max, &w);
				consider(sc, &w, best, &have);
			}
			continue;
		}
		/* between sentences only ASCII blanks: one character each */
		for (j = i, c = v[i].chars;
		     j + 1 < n && c + (v[j + 1].start - v[j].end) +
					  v[j + 1].chars <= max;
		     j++)
			c += (v[j + 1].start - v[j].end) + v[j + 1].chars;
		w.start = v[i].start;
		w.end = v[j].end;
		w.at_sentence_start = w.at_sentence_end = 1;
		consider(sc, &w, best, &have);
		tried++;
	}
	/* Room left: whole sentences before it, then the words after it. */
	if (best->at_sentence_start) {
		for (i = 0; i < n && v[i].start < best->start; i++)
			;
		while (i > 0 && v[i - 1].end <= best->start &&
		       nchars(s, v[i - 1].start, best->end) <= max)
			best->start = v[--i].start;
	}
	fill_after(s, v, n, max, best);
}

/* ---- the second fragment ---- */

/* Only blanks in s[a..b)? */
static int blank(const char *s, size_t a, size_t b)
{
	for (; a < b; a++)
		if (!is_space((unsigned char)s[a]))
			return 0;
	return 1;
}

/* The parts of sentences v[0..n) inside s[a..b), blank-trimmed, into r
 * (room for n).  Returns their number. */
static long clip(const char *s, const struct span *v, long n, size_t a,
		 size_t b, struct span *r)
{
	long i, k = 0;

	for (i = 0; i < n; i++) {
		size_t st = v[i].start > a ? v[i].start : a;
		size_t en = v[i].end < b ? v[i].end : b;

		while (st < en && is_space((unsigned char)s[st]))
			st++;
		while (en > st && is_space((unsigned char)s[en - 1]))
			en--;
		if (st >= en)
			continue;
		r[k].start = st;
		r[k].end = en;
		r[k].chars = st == v[i].start && en == v[i].end
				     ? v[i].chars
				     : nchars(s, st, en);
		k++;
	}
	return k;
}

/* The best window of at most max characters of the text before w and of
 * the text after it, into *w2: the one that scores more, the one after on
 * a tie.  r is scratch room for n spans.  Returns 0 when neither side
 * holds a word. */
static int second_window(const char *s, const struct span *v, long n,
			 const struct scan *sc, const struct window *w,
			 size_t max, struct span *r, struct window *w2)
{
	struct window b = {0, 0, 0, 0, -1.0}, a = b;
	long k;

	k = clip(s, v, n, 0, w->start, r);
	if (k > 0) {
		best_window(s, r, k, sc, max, &b);
		b.score = score_window(sc, &b);
	}
	k = clip(s, v, n, w->end, v[n - 1].end, r);
	if (k > 0) {
		best_window(s, r, k, sc, max, &a);
		a.score = score_window(sc, &a);
	}
	*w2 = a.score >= b.score ? a : b;
	return w2->end > w2->start;
}

/* ---- the snippet ---- */

static int add_mark(struct snippet *o, size_t start, size_t end, size_t *cap)
{
	if (end <= start)
		return 0;
	if (o->nmarks > 0 &&
	    start <= o->marks[o->nmarks - 1].start + o->marks[o->nmarks - 1].len) {
		o->marks[o->nmarks - 1].len = end - o->marks[o->nmarks - 1].start;
		return 0;
	}
	if ((size_t)o->nmarks == *cap) {
		size_t n = *cap ? 2 * *cap : 8;
		struct snip_mark *g = realloc(o->marks, n * sizeof(*g));

		if (g == NULL)
			return -1;
		o->marks = g;
		*cap = n;
	}
	o->marks[o->nmarks].start = start;
	o->marks[o->nmarks++].len = end - start;
	return 0;
}

/* Append s[w->start..w->end) to b (blank runs as one space unless keep),
 * marking in o the hits that fall in it, clipped to it. */
static int cut(const char *s, const struct window *w, const struct scan *sc,
	       int keep, struct buf *b, struct snippet *o, size_t *cap)
{
	size_t i, h = 0, mstart = 0, mend = 0, from = b->len;
	int open = 0, rc;

	/* one allocation: the copy is never longer than the window */
	rc = buf_reserve(b, w->end - w->start);
	for (i = w->start; rc == 0; i++) {
		if (open && i >= mend) {
			rc = add_mark(o, mstart, b->len, cap);
			open = 0;
		}
		if (i >= w->end || rc != 0)
			break;
		while (!open && h < sc->nhits && sc->hits[h].start <= i) {
			if (sc->hits[h].end > i) {
				open = 1;
				mstart = b->len;
				mend = sc->hits[h].end;
			}
			h++;
		}
		if (!keep && is_space((unsigned char)s[i])) {
			if (b->len == from || b->data[b->len - 1] != ' ')
				b->data[b->len++] = ' ';
		} else {
			b->data[b->len++] = s[i];
		}
	}
	if (rc == 0 && open)
		rc = add_mark(o, mstart, b->len, cap);
	return rc != 0 ? -1 : 0;
}

/* The snippet into o: w (the whole text when keep), then w2 when it is
 * set, with "…" where the text was cut: before w unless it starts at
 * first, between the two, after the last unless it ends at last; glued
 * to a window that starts or ends inside a sentence. */
static int render(const char *s, size_t first, size_t last,
		  const struct window *w, const struct window *w2,
		  const struct scan *sc, int keep, struct snippet *o)
{
	const struct window *end = w2 ? w2 : w;
	struct buf b = BUF_INIT;
	size_t cap = 0;
	int rc = 0;

	if (!keep && w->start > first)
		rc = buf_append(&b, ELLIPSIS " ",
				w->at_sentence_start ? 4 : 3);
	if (rc == 0)
		rc = cut(s, w, sc, keep, &b, o, &cap);
	if (rc == 0 && w2)
		rc = buf_append(&b, " " ELLIPSIS " ", 5);
	if (rc == 0 && w2)
		rc = cut(s, w2, sc, keep, &b, o, &cap);
	if (rc == 0 && !keep && end->end < last)
		rc = end->at_sentence_end ? buf_append(&b, " " ELLIPSIS, 4)
					  : buf_append(&b, ELLIPSIS, 3);
	if (rc == 0)
		rc = buf_append(&b, "", 0); /* the NUL */
	if (rc != 0) {
		buf_free(&b);
		return -1;
	}
	o->len = b.len;
	o->text = buf_detach(&b);
	return o->text ? 0 : -1;
}

/* Choose the windows of text[0..len) over its n sentences v for a bound
 * of max then more characters: *w, and *w2 with *two set when a second
 * fragment follows.  Returns 0, or -1 when memory runs out. */
static int choose(const char *text, const struct span *v, long n,
		  const struct scan *sc, size_t max, size_t more,
		  struct window *w, struct window *w2, int *two)
{
	struct span *r;

	*two = 0;
	best_window(text, v, n, sc, max, w);
	if (more == 0 || (w->start <= v[0].start && w->end >= v[n - 1].end))
		return 0;
	if (w->start <= v[0].start) { /* at the start: it runs on */
		fill_after(text, v, n, max + more, w);
		return 0;
	}
	r = malloc((size_t)n * sizeof(*r));
	if (r == NULL)
		return -1;
	*two = second_window(text, v, n, sc, w, more, r, w2);
	free(r);
	if (*two && w2->start >= w->end && blank(text, w->end, w2->start)) {
		w->end = w2->end; /* what follows it: one window */
		w->at_sentence_end = w2->at_sentence_end;
		*two = 0;
	}
	return 0;
}

/* The matched words of title and text[0..len) into *sc (sc->hits is
 * malloc'ed; free it even on failure).  Returns 0 or -1 (memory). */
static int scan_text(const struct rank_query *q, const char *title,
		     const char *text, size_t len, struct scan *sc,
		     struct qerr *err)
{
	int rc, i;

	sc->q = q;
	for (i = 0; i < q->nterms; i++)
		sc->lead[(unsigned char)q->terms[i].text[0]] = 1;
	tok_set_filter(q->tok, may_match, sc);
	rc = title ? tok_run(q->tok, title, strlen(title), on_title_word, sc,
			     err)
		   : 0;
	if (rc == 0)
		rc = tok_run(q->tok, text, len, on_word, sc, err);
	tok_set_filter(q->tok, NULL, NULL);
	return rc != 0 || sc->nomem ? -1 : 0;
}

int snip_score(const struct rank_query *q, const char *title, const char *text,
	       size_t len, size_t max_chars, double *score, struct qerr *err)
{
	static struct scan zero;
	struct scan sc = zero;
	struct span *v = NULL;
	struct window w = {0, 0, 1, 1, 0.0};
	long n = 0;
	int rc = 0;

	*score = 0.0;
	if (scan_text(q, title, text, len, &sc, err) != 0)
		rc = -1;
	else if (sc.nhits > 0 && (n = split_sentences(text, len, &v)) < 0)
		rc = -1;
	if (rc == 0 && n > 0) {
		best_window(text, v, n, &sc, max_chars, &w);
		*score = score_window(&sc, &w);
	}
	free(v);
	free(sc.hits);
	return rc != 0 ? qerr_set(err, QERR_IO, "out of memory") : 0;
}

int snip_make(const struct rank_query *q, const char *title, const char *text,
	      size_t len, size_t max_chars, size_t more_chars,
	      struct snippet *out, struct qerr *err)
{
	static struct scan zero;
	struct scan sc = zero;
	struct span *v = NULL;
	struct window w = {0, 0, 1, 1, 0.0}, w2 = w;
	long n = 0;
	size_t first, last;
	int rc = 0, two = 0;

	memset(out, 0, sizeof(*out));
	if (scan_text(q, title, text, len, &sc, err) != 0) {
		free(sc.hits);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	for (first = 0; first < len && is_space((unsigned char)text[first]);)
		first++;
	for (last = len; last > first && is_space((unsigned char)text[last - 1]);)
		last--;
	w.end = len;
	if (max_chars > 0) {
		n = split_sentences(text, len, &v);
		if (n < 0)
			rc = QERR_IO;
		else if (n > 0 && choose(text, v, n, &sc, max_chars, more_chars,
					 &w, &w2, &two) != 0)
			rc = QERR_IO;
		else if (n == 0)
			w.start = w.end = first;
	}
	if (rc == 0 && render(text, first, last, &w, two ? &w2 : NULL, &sc,
			      max_chars == 0, out) != 0)
		rc = QERR_IO;
	out->whole = max_chars == 0 ||
		     (!two && w.start <= first && w.end >= last) ||
		     (two && w2.start <= first && blank(text, w2.end, w.start) &&
		      w.end >= last);
	free(v);
	free(sc.hits);
	if (rc != 0) {
		snip_clear(out);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	return 0;
}

void snip_clear(struct snippet *s)
{
	free(s->text);
	free(s->marks);
	memset(s, 0, sizeof(*s));
}
