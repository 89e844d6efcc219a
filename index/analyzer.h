/* analyzer.h - text to index terms, the same for documents and queries.
 *
 * Steps: Unicode NFKC normalization, case folding and accent stripping
 * (utf8proc; a fast path handles pure ASCII), word splitting on Unicode
 * letter/number runs (an apostrophe between letters stays in the word, so
 * "network's" stems to "network"), and English stemming with Snowball's
 * libstemmer.  Stop words are reported, not dropped: the caller decides
 * (queries drop them unless that would leave nothing). */
#ifndef QUARRY_ANALYZER_H
#define QUARRY_ANALYZER_H

#include <stddef.h>

#include "../util/err.h"

/* Bump when analysis changes in a way that invalidates stored indexes
 * (3: a field's length counts only the terms that are not stop words;
 * 4: "explain", "describe", "define" are stop words; 5: so are
 * conversational fillers, "ok", "actually"...). */
#define TOK_VERSION 5

/* Longest term kept, in bytes; longer words are cut at a character edge. */
#define TOK_MAX_TERM 64

enum tok_flags {
	TOK_STEM = 1 /* apply the English stemmer */
};

struct tok;

/* Called once per term.  term is NUL-terminated and borrowed until the
 * callback returns; word is the normalized, unstemmed word; pos counts
 * terms from 0.  Return non-zero to stop tok_run, which returns it. */
typedef int (*tok_fn)(void *ctx, const char *term, size_t len,
		      const char *word, int pos, int is_stop);

/* Inside a tok_fn callback: the byte range in[*start..*end) of the input
 * text that the word being reported came from (tok_run's text, not the
 * normalized word), as FTS5's tokenizer hands iStart and iEnd.  Both ends
 * fall on UTF-8 character boundaries of valid input.  Computed only when
 * asked, so callers that do not need offsets (indexing) pay nothing; in
 * a chunk holding non-ASCII characters the answer is found by
 * normalizing its grapheme clusters one at a time, and where that does
 * not add up, the range widens to the blank-delimited chunk. */
void tok_span(struct tok *t, size_t *start, size_t *end);

/* Create an analyzer; NULL when memory runs out or the stemmer is missing.
 * Free with tok_free (accepts NULL). */
struct tok *tok_new(int flags);
void tok_free(struct tok *t);

/* Analyze text[0..len), which should be valid UTF-8 (invalid bytes are
 * treated as word separators).  Returns 0, the callback's non-zero value,
 * or QERR_IO when memory runs out (err set). */
int tok_run(struct tok *t, const char *text, size_t len, tok_fn fn,
	    void *ctx, struct qerr *err);

/* A cheap pre-filter for callers that only care about some terms: when
 * set, a word for which want() returns 0 is not stemmed and reaches the
 * callback as the empty term "" (still counting a position).  want gets
 * the normalized word.  Pass NULL to clear. */
typedef int (*tok_want_fn)(void *ctx, const char *word, size_t len);
void tok_set_filter(struct tok *t, tok_want_fn want, void *ctx);

/* Stem one already normalized word (as tok_fn's word argument gives it)
 * into out[cap].  Returns the stem's length, -1 when it does not fit or
 * stems to nothing, -2 when the stemmer ran out of memory. */
int tok_stem(struct tok *t, const char *word, size_t n, char *out, size_t cap);

/* The word list of the language, if any (util/wordlist.h): tok takes
 * it over and closes it in tok_free or when another replaces it; NULL
 * drops it.  tok_is_word: 1 when the normalized word w[0..n) is on the
 * list, 0 when not, -1 when there is no list.  Used to respell only
 * words that are not words ("lerning", not "thing"). */
struct wordlist;
void tok_set_words(struct tok *t, struct wordlist *w);
int tok_is_word(const struct tok *t, const char *w, size_t n);

/* Non-zero when the normalized word w[0..n) is an English stop word. */
int tok_is_stop(const char *w, size_t n);

#endif
