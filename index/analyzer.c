/* analyzer.c - normalization, word splitting, stop words and stemming.
 *
 * Text is normalized as a whole (NFKC + case fold + strip marks), then
 * scanned for words.  Pure-ASCII text skips utf8proc: lower-casing is all
 * NFKC-casefold does to it.  Each word is stemmed with Snowball English. */
#include "analyzer.h"

#include <libstemmer.h>

#include "../util/buf.h"
#include "../util/strmap.h"
#include "../util/wordlist.h"
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A direct-mapped cache of recent stems: most words recur, and Snowball
 * is the analyzer's largest cost when indexing.  It is made only once a
 * tok has stemmed STEM_CACHE_AFTER words: a question and its snippets
 * stem a few hundred, and each slot they touched in a fresh 12 MB table
 * would cost a page fault, dearer than stemming the word again. */
#define STEM_CACHE 262144
#define STEM_CACHE_AFTER 4096
#define STEM_WORD 23

struct stem_slot {
	unsigned char wlen, slen; /* wlen 0: empty */
	char word[STEM_WORD];
	char stem[STEM_WORD];
};

/* emit's out-of-memory signal; no callback returns it (they return
 * QERR_* codes, which are small and positive). */
#define TOK_NOMEM (-2)

/* Where a chunk of input holding non-ASCII bytes went in the normalized
 * text: norm[nstart..nend) came from in[istart..iend).  raw: utf8proc
 * refused it (invalid UTF-8) and the bytes were kept as they are.
 * Between such chunks the text is ASCII and maps byte for byte. */
struct tok_seg {
	size_t nstart, nend, istart, iend;
	int raw;
};

struct tok {
	struct sb_stemmer *stem; /* NULL when TOK_STEM is off */
	struct stem_slot *cache; /* STEM_CACHE slots, or NULL (see above) */
	long nstemmed;           /* words stemmed while cache is NULL */
	char word[TOK_MAX_TERM + 8];
	tok_want_fn want;        /* see tok_set_filter */
	void *want_ctx;
	struct wordlist *words;  /* owned; NULL: no word list */
	/* For tok_span: the run's input, its non-ASCII chunks, and the
	 * normalized byte range of the word being reported. */
	const char *in, *norm;
	struct tok_seg *segs;
	size_t nsegs, capsegs, seg_hint;
	size_t cur_start, cur_end;
};

void tok_set_filter(struct tok *t, tok_want_fn want, void *ctx)
{
	t->want = want;
	t->want_ctx = ctx;
}

/* Sorted.  The usual English function words (Snowball's list, its
 * contractions also typed without the apostrophe where that is not a word
 * of its own ("whats", but not "well"), less the few that carry meaning in
 * questions about models: "no", "not", "over", "between", "against",
 * "same", and the negated contractions; plus "vs" and "versus", which
 * only join what a question compares, "many" and "much" beside the
 * list's other quantifiers: "few", "more", "most", "some", the verbs
 * that ask as "what is" asks: "explain", "describe", "define", and the
 * fillers of a conversation: "ok", "okay", "actually", "basically",
 * "really", "please", "thanks"). */
static const char *const stop_words[] = {
	"a", "about", "above", "actually", "after", "again", "all", "am", "an",
	"and", "any", "are", "as", "at", "basically", "be", "because", "been",
	"before", "being", "below", "both", "but", "by", "can", "could",
	"define", "describe", "did", "do", "does", "doing", "down", "during",
	"each", "explain", "few", "for", "from", "further", "had", "has",
	"have", "having", "he", "he'd", "he'll", "he's", "her", "here",
	"here's", "hers", "herself", "him", "himself", "his", "how", "how's",
	"hows", "i", "i'd", "i'll", "i'm", "i've", "if", "im", "in", "into",
	"is", "it", "it's", "its", "itself", "ive", "just", "let's", "many",
	"me", "more", "most", "much", "my", "myself", "nor", "of", "off", "ok",
	"okay", "on", "once", "only", "or", "other", "ought", "our", "ours",
	"ourselves", "out", "own", "please", "really", "s", "she", "she'd",
	"she'll", "she's", "should", "so", "some", "such", "t", "than",
	"thanks", "that", "that's", "thats", "the", "their", "theirs", "them",
	"themselves", "then", "there", "there's", "theres", "these", "they",
	"they'd", "they'll", "they're", "they've", "theyre", "this", "those",
	"through", "to", "too", "under", "until", "up", "versus", "very", "vs",
	"was", "we", "we'd", "we'll", "we're", "we've", "were", "what",
	"what's", "whats", "when", "when's", "whens", "where", "where's",
	"wheres", "which", "while", "who", "who's", "whom", "whos", "why",
	"why's", "whys", "will", "with", "would", "you", "you'd", "you'll",
	"you're", "you've", "your", "youre", "yours", "yourself", "yourselves",
	"youve",
};

/* The stop words in an open-addressing table (index + 1; 0 empty), built
 * on first use: a lookup hashes the word once instead of comparing it
 * with every stop word of its first letter.  Called for every word
 * indexed. */
#define STOP_SLOTS 512

/* tok_is_stop with the word's str_hash already known. */
static int is_stop_hashed(const char *w, size_t n, uint64_t hash)
{
	static unsigned char slots[STOP_SLOTS];
	static unsigned char lens[sizeof(stop_words) / sizeof(*stop_words)];
	static int ready;
	size_t i, nw = sizeof(stop_words) / sizeof(*stop_words), h;

	if (!ready) {
		for (i = 0; i < nw; i++) {
			lens[i] = (unsigned char)strlen(stop_words[i]);
			h = str_hash(stop_words[i], lens[i]) & (STOP_SLOTS - 1);
			while (slots[h])
				h = (h + 1) & (STOP_SLOTS - 1);
			slots[h] = (unsigned char)(i + 1);
		}
		ready = 1;
	}
	if (n == 0 || n > 10 || w[0] < 'a' || w[0] > 'z')
		return 0;
	for (h = hash & (STOP_SLOTS - 1); slots[h];
	     h = (h + 1) & (STOP_SLOTS - 1)) {
		i = slots[h] - 1u;
		if (lens[i] == n && memcmp(stop_words[i], w, n) == 0)
			return 1;
	}
	return 0;
}

int tok_is_stop(const char *w, size_t n)
{
	if (n == 0 || n > 10 || w[0] < 'a' || w[0] > 'z')
		return 0;
	return is_stop_hashed(w, n, str_hash(w, n));
}

struct tok *tok_new(int flags)
{
	struct tok *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	if (flags & TOK_STEM) {
		t->stem = sb_stemmer_new("english", NULL);
		if (t->stem == NULL) {
			free(t);
			return NULL;
		}
	}
	return t;
}

void tok_free(struct tok *t)
{
	if (t == NULL)
		return;
	if (t->stem)
		sb_stemmer_delete(t->stem);
	wordlist_close(t->words);
	free(t->cache);
	free(t->segs);
	free(t);
}

void tok_set_words(struct tok *t, struct wordlist *w)
{
	wordlist_close(t->words);
	t->words = w;
}

int tok_is_word(const struct tok *t, const char *w, size_t n)
{
	return t->words ? wordlist_has(t->words, w, n) : -1;
}

static int blank_byte(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

#define MAP_OPTIONS                                                          \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |               \
	 UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

/* Remember that in[istart..) went to norm[nstart..) (see struct tok_seg);
 * its ends are filled in by the caller. */
static struct tok_seg *add_seg(struct tok *t, size_t nstart, size_t istart)
{
	if (t->nsegs == t->capsegs) {
		size_t cap = t->capsegs ? 2 * t->capsegs : 16;
		struct tok_seg *g = realloc(t->segs, cap * sizeof(*g));

		if (g == NULL)
			return NULL;
		t->segs = g;
		t->capsegs = cap;
	}
	t->segs[t->nsegs].nstart = nstart;
	t->segs[t->nsegs].istart = istart;
	return &t->segs[t->nsegs++];
}

/* Append the NFKC case-folded, mark-stripped form of one chunk that holds
 * non-ASCII bytes (its raw bytes if it is not valid UTF-8); *raw says
 * which. */
static int map_chunk(struct buf *b, const char *s, size_t n, int *raw)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t m;
	int rc;

	m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
			 MAP_OPTIONS);
	if (m == UTF8PROC_ERROR_NOMEM)
		return -1;
	*raw = m < 0;
	/* Invalid UTF-8: keep the bytes; the scanner treats undecodable
	 * bytes as separators. */
	rc = m < 0 ? buf_append(b, s, n) : buf_append(b, dst, (size_t)m);
	free(dst);
	return rc;
}

/* Sixteen bytes as one value, which GCC and clang turn into one vector
 * instruction per operation (neither vectorises the byte loop at -O2). */
typedef unsigned char tok_u16 __attribute__((vector_size(16)));

/* Append text[0..n), pure ASCII, lower-cased; -1 on no memory. */
static int put_lower(struct buf *b, const char *text, size_t n)
{
	char *o;
	size_t k;
	tok_u16 v;

	if (buf_reserve(b, n) != 0)
		return -1;
	o = b->data + b->len;
	for (k = 0; k + 16 <= n; k += 16) {
		memcpy(&v, text + k, sizeof(v));
		v += (tok_u16)((v >= 'A') & (v <= 'Z')) & 32;
		memcpy(o + k, &v, sizeof(v));
	}
	for (; k < n; k++) {
		char c = text[k];

		o[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Normalize into a new buffer; *out is malloc'ed. Returns its length or -1.
 * Text is taken a blank-delimited chunk at a time (a chunk ends after its
 * blank): pure-ASCII chunks are only lower-cased, the others go through
 * utf8proc (composition never spans an ASCII blank, so this equals
 * mapping the whole text) and are recorded in t->segs for tok_span.  The
 * ASCII chunks before a non-ASCII byte are lower-cased in one run. */
static long normalize(struct tok *t, const char *text, size_t len, char **out)
{
	struct buf b = BUF_INIT;
	size_t i = 0, j, k;

	if (buf_reserve(&b, len) != 0)
		return -1;
	while (i < len) {
		struct tok_seg *g;

		for (j = i; j < len && (unsigned char)text[j] < 0x80; j++)
			;
		/* k: the start of the chunk holding text[j] */
		for (k = j; k > i && !blank_byte(text[k - 1]); k--)
			;
		if (put_lower(&b, text + i, (j < len ? k : len) - i) != 0)
			goto nomem;
		if (j == len)
			break;
		for (j = k; j < len && !blank_byte(text[j]); j++)
			;
		if (j < len)
			j++; /* the blank goes with its chunk */
		g = add_seg(t, b.len, k);
		if (g == NULL || map_chunk(&b, text + k, j - k, &g->raw) != 0)
			goto nomem;
		g->nend = b.len;
		g->iend = j;
		i = j;
	}
	j = b.len;
	*out = buf_detach(&b);
	return *out ? (long)j : -1;
nomem:
	buf_free(&b);
	return -1;
}

/* Classify the code point: 2 = word character, 1 = apostrophe, 0 = other. */
static int ascii_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c >= 'A' && c <= 'Z');
}

static int char_class(utf8proc_int32_t c)
{
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z'))
			return 2;
		return c == '\'' ? 1 : 0;
	}
	if (c == 0x2019 || c == 0x02bc)
		return 1;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
		return 2;
	default:
		return 0;
	}
}

/* Decode one code point at s (n bytes left); *len gets its byte length.
 * Invalid bytes decode as -1 with length 1. */
static utf8proc_int32_t next_char(const char *s, size_t n, size_t *len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;

	if ((unsigned char)*s < 0x80) {
		*len = 1;
		return (unsigned char)*s;
	}
	k = utf8proc_iterate((const utf8proc_uint8_t *)s,
			     (utf8proc_ssize_t)n, &c);
	if (k <= 0) {
		*len = 1;
		return -1;
	}
	*len = (size_t)k;
	return c;
}

/* Copy word s[0..n) (apostrophes unified to ') into t->word, cut at
 * TOK_MAX_TERM bytes on a character edge; plain: s is one run of ASCII
 * letters and digits. Returns the copied length. */
static size_t copy_word(struct tok *t, const char *s, size_t n, int plain)
{
	size_t i = plain ? n : 0, o = 0;

	/* ASCII without apostrophes, the common case: one copy (plain: the
	 * caller saw that it is). */
	while (i < n && (unsigned char)s[i] < 0x80 && s[i] != '\'')
		i++;
	if (i == n) {
		o = n < TOK_MAX_TERM ? n : TOK_MAX_TERM;
		memcpy(t->word, s, o);
		t->word[o] = '\0';
		return o;
	}
	i = 0;

	while (i < n) {
		size_t k;
		utf8proc_int32_t c = next_char(s + i, n - i, &k);

		if (char_class(c) == 1) {
			if (o + 1 > TOK_MAX_TERM)
				break;
			t->word[o++] = '\'';
		} else {
			if (o + k > TOK_MAX_TERM)
				break;
			memcpy(t->word + o, s + i, k);
			o += k;
		}
		i += k;
	}
	t->word[o] = '\0';
	return o;
}

static int stem_hashed(struct tok *t, const char *word, size_t n,
		       uint64_t hash, char *out, size_t cap);

static int emit(struct tok *t, const char *s, size_t n, int plain, int pos,
		tok_fn fn, void *ctx)
{
	size_t wl = copy_word(t, s, n, plain);
	const char *term = t->word;
	size_t tl = wl;
	char stemmed[TOK_MAX_TERM * 2 + 1];
	uint64_t h;

	if (wl == 0)
		return 0;
	t->cur_start = (size_t)(s - t->norm);
	t->cur_end = t->cur_start + n;
	if (t->want && !t->want(t->want_ctx, t->word, wl))
		return fn(ctx, "", 0, t->word, pos, 0);
	h = str_hash(t->word, wl); /* once, for the stem cache and stop words */
	if (t->stem) {
		int r = stem_hashed(t, t->word, wl, h, stemmed, sizeof(stemmed));

		if (r == -2)
			return TOK_NOMEM;
		if (r > 0) {
			term = stemmed;
			tl = (size_t)r;
		}
	}
	/* A stemmer may strip a possessive to nothing ("'s"). */
	if (tl == 0)
		return 0;
	return fn(ctx, term, tl, t->word, pos, is_stop_hashed(t->word, wl, h));
}

int tok_stem(struct tok *t, const char *word, size_t n, char *out, size_t cap)
{
	return stem_hashed(t, word, n, n < STEM_WORD ? str_hash(word, n) : 0,
			   out, cap);
}

/* The stemmer keeps the 's' of a plural with no vowel before it:
 * "CNNs", "LSTMs", "MLPs" would not meet "CNN", "LSTM", "MLP".  An
 * English word has a vowel; such a stem is an acronym's plural, unless
 * it ends in "ss" ("TSS", Time Sharing System). */
static int acronym_plural(const char *s, int n)
{
	int i;

	if (n < 3 || s[n - 1] != 's' || s[n - 2] == 's')
		return n;
	for (i = 0; i < n - 1; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')) ||
		    strchr("aeiouy", s[i]))
			return n;
	return n - 1;
}

/* tok_stem with the word's str_hash known (when n < STEM_WORD). */
static int stem_hashed(struct tok *t, const char *word, size_t n,
		       uint64_t hash, char *out, size_t cap)
{
	const sb_symbol *r;
	struct stem_slot *slot = NULL;
	int sl;

	if (n == 0 || n > TOK_MAX_TERM || cap == 0)
		return -1;
	if (t->stem == NULL) {
		if (n >= cap)
			return -1;
		memcpy(out, word, n);
		out[n] = '\0';
		return (int)n;
	}
	if (n < STEM_WORD && t->cache == NULL &&
	    ++t->nstemmed > STEM_CACHE_AFTER)
		t->cache = calloc(STEM_CACHE, sizeof(*t->cache));
	if (n < STEM_WORD && t->cache) {
		slot = &t->cache[hash & (STEM_CACHE - 1)];
		if (slot->wlen == n && memcmp(slot->word, word, n) == 0 &&
		    slot->slen < cap) {
			memcpy(out, slot->stem, slot->slen);
			out[slot->slen] = '\0';
			return slot->slen ? slot->slen : -1;
		}
	}
	r = sb_stemmer_stem(t->stem, (const sb_symbol *)word, (int)n);
	if (r == NULL)
		return -2; /* libstemmer ran out of memory */
	sl = sb_stemmer_length(t->stem);
	if (sl <= 0 || (size_t)sl >= cap)
		return -1;
	memcpy(out, r, (size_t)sl);
	sl = acronym_plural(out, sl);
	out[sl] = '\0';
	if (slot && sl < STEM_WORD) {
		slot->wlen = (unsigned char)n;
		slot->slen = (unsigned char)sl;
		memcpy(slot->word, word, n);
		memcpy(slot->stem, out, (size_t)sl);
	}
	return sl;
}

int tok_run(struct tok *t, const char *text, size_t len, tok_fn fn,
	    void *ctx, struct qerr *err)
{
	char *norm = NULL;
	long nlen;
	size_t i = 0, start = 0, end = 0;
	int in_word = 0, pos = 0, rc = 0, plain = 0;

	t->in = text;
	t->nsegs = t->seg_hint = 0;
	nlen = normalize(t, text, len, &norm);
	if (nlen < 0)
		return qerr_set(err, QERR_IO, "out of memory");
	t->norm = norm;
	while (i <= (size_t)nlen && rc == 0) {
		size_t k = 1;
		int cls = 0;

		if (i < (size_t)nlen && (unsigned char)norm[i] < 0x80) {
			/* ASCII: a whole run of word characters at once */
			cls = char_class((unsigned char)norm[i]);
			while (cls == 2 && i + k < (size_t)nlen &&
			       (unsigned char)norm[i + k] < 0x80 &&
			       ascii_word((unsigned char)norm[i + k]))
				k++;
		} else if (i < (size_t)nlen) {
			cls = char_class(next_char(norm + i, (size_t)nlen - i, &k));
		}
		if (cls == 2) {
			/* (plain: the word is this one ASCII run so far) */
			plain = !in_word && (unsigned char)norm[i] < 0x80;
			if (!in_word)
				start = i;
			in_word = 1;
			end = i + k;
		} else if (cls == 1 && in_word) {
			/* keep the apostrophe only if a word char follows */
		} else if (in_word) {
			rc = emit(t, norm + start, end - start, plain, pos++,
				  fn, ctx);
			in_word = 0;
		}
		if (cls == 1 && in_word && i + k < (size_t)nlen) {
			size_t k2;
			utf8proc_int32_t nc = next_char(
				norm + i + k, (size_t)nlen - i - k, &k2);

			if (char_class(nc) != 2) {
				rc = emit(t, norm + start, end - start, plain,
					  pos++, fn, ctx);
				in_word = 0;
			}
		} else if (cls == 1 && in_word) {
			rc = emit(t, norm + start, end - start, plain, pos++,
				  fn, ctx);
			in_word = 0;
		}
		i += k;
	}
	free(norm);
	t->norm = NULL;
	if (rc == TOK_NOMEM)
		return qerr_set(err, QERR_IO, "out of memory");
	return rc;
}

/* The segment holding normalized offset off (as a start: nstart <= off <
 * nend; as an end: nstart < off <= nend), or the number of segments
 * before it when none holds it, negated minus one.  Lookups come in
 * text order, so the last answer is tried first. */
static long find_seg(struct tok *t, size_t off, int is_end)
{
	size_t lo = 0, hi = t->nsegs, h = t->seg_hint;

	if (h < t->nsegs && (is_end ? t->segs[h].nstart < off
				    : t->segs[h].nstart <= off))
		lo = h;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tok_seg *g = &t->segs[mid];

		if (is_end ? off <= g->nstart : off < g->nstart)
			hi = mid;
		else if (is_end ? off > g->nend : off >= g->nend)
			lo = mid + 1;
		else
			return (long)(t->seg_hint = mid);
	}
	return -(long)lo - 1;
}

/* Normalized length of one grapheme cluster alone; -1 when utf8proc
 * cannot map it. */
static long cluster_len(const char *s, size_t n)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s,
					  (utf8proc_ssize_t)n, &dst,
					  MAP_OPTIONS);

	free(dst);
	return m < 0 ? -1 : (long)m;
}

/* Input offset of normalized offset off inside the mapped segment g:
 * walk g's input a grapheme cluster at a time (normalization works
 * within clusters), adding up what each becomes.  A start goes to the
 * start of its cluster, an end to the end of its cluster; when the walk
 * does not add up (a cluster normalized alone differs from in context),
 * the segment's own edge is the answer. */
static size_t seg_offset(const struct tok *t, const struct tok_seg *g,
			 size_t off, int is_end)
{
	const char *in = t->in;
	size_t i = g->istart, n = g->nstart;
	utf8proc_int32_t state = 0, prev = -1;

	if (off <= g->nstart)
		return g->istart;
	while (i < g->iend) {
		size_t j = i, k;
		long m;

		/* one extended grapheme cluster: in[i..j) */
		do {
			utf8proc_int32_t c = -1;
			utf8proc_ssize_t r = utf8proc_iterate(
				(const utf8proc_uint8_t *)in + j,
				(utf8proc_ssize_t)(g->iend - j), &c);

			k = r > 0 ? (size_t)r : 1;
			if (j > i && (c < 0 || prev < 0 ||
				      utf8proc_grapheme_break_stateful(
					      prev, c, &state)))
				break;
			prev = c;
			j += k;
		} while (j < g->iend);
		m = cluster_len(in + i, j - i);
		if (m < 0)
			break;
		if (is_end ? off <= n + (size_t)m : off < n + (size_t)m)
			return is_end ? j : i;
		n += (size_t)m;
		i = j;
	}
	return is_end ? g->iend : g->istart;
}

/* The input offset that normalized offset off came from. */
static size_t input_offset(struct tok *t, size_t off, int is_end)
{
	long k = find_seg(t, off, is_end);
	const struct tok_seg *g;

	if (k < 0) { /* ASCII since the segment before, if any */
		k = -k - 1;
		if (k == 0)
			return off;
		g = &t->segs[k - 1];
		return g->iend + (off - g->nend);
	}
	g = &t->segs[k];
	if (g->raw)
		return g->istart + (off - g->nstart);
	return seg_offset(t, g, off, is_end);
}

void tok_span(struct tok *t, size_t *start, size_t *end)
{
	*start = input_offset(t, t->cur_start, 0);
	*end = input_offset(t, t->cur_end, 1);
	if (*end < *start)
		*end = *start;
}
