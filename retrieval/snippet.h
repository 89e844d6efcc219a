/* snippet.h - the best short window of a record's text for a query, with
 * the query's words marked (what FTS5's snippet() and highlight() do).
 *
 * The text is analyzed with the query's own analyzer; a word matches when
 * its term is one of the query's terms (the user's words and the
 * expansions that stand for them; feedback terms are not the user's and
 * are not marked).  Byte offsets come from the analyzer (tok_span), never
 * from searching the text again.
 *
 * The window is a run of whole sentences when one fits in the bound,
 * else a run of whole words inside one long sentence.  Windows are
 * scored by the query words they cover, each counted once at its idf
 * times its query weight (a word and its expansions count once, at the
 * best; a word the record's title holds, at half: the title is shown
 * anyway), then by how close the covered words sit, then a little for
 * starting a sentence; the first best window wins.  A second fragment
 * may follow the first after " … ": the best window, by the same score,
 * of the text before the first window or of the text after it (after,
 * on a tie; when it starts where the first ends, the two are one
 * window); a first window at the text's start simply runs on instead.
 * Whitespace runs become one space, and "…" marks a side where the text
 * was cut. */
#ifndef QUARRY_SNIPPET_H
#define QUARRY_SNIPPET_H

#include <stddef.h>

#include "../util/err.h"
#include "rank.h"

/* The default bound of a snippet, in characters (code points), without
 * its ellipses. */
#define SNIP_CHARS 280

/* The default bound of the second fragment, in characters. */
#define SNIP_MORE_CHARS 280

/* A marked word: text[start .. start + len) of the snippet. */
struct snip_mark {
	size_t start, len;
};

struct snippet {
	char *text;             /* NUL-terminated, owned */
	size_t len;             /* bytes in text */
	struct snip_mark *marks; /* in order, disjoint, inside text; owned */
	int nmarks;
	int whole;              /* 1: nothing of the text was left out */
};

/* The best window of text[0..len) for q (title: the record's question or
 * title, or NULL), at most max_chars characters, then a second fragment
 * of at most more_chars (none with more_chars 0), ellipses aside, into
 * *out; with max_chars 0 the whole text, kept byte for byte, with its
 * matched words marked.  q->tok must be the
 * analyzer q was parsed with.  Every mark starts and ends on a UTF-8
 * character boundary of out->text and lies inside it; when text is
 * valid UTF-8, so is out->text.  No matched word: the text's first
 * window, no marks.  Returns 0, or QERR_IO (memory) with err set and
 * *out empty.  Free with snip_clear. */
int snip_make(const struct rank_query *q, const char *title, const char *text,
	      size_t len, size_t max_chars, size_t more_chars,
	      struct snippet *out, struct qerr *err);

/* The score snip_make gives the best window of text[0..len) for q (title
 * as there), at most max_chars (> 0) characters, into *score: the
 * covered words' idf times query weight, plus what closeness and
 * repeats add (see the top); 0 when no word matches.  It measures how
 * much of the question one short stretch of the text holds, which is
 * what ranking passages by proximity needs.  Returns 0, or QERR_IO
 * (memory) with err set and *score 0. */
int snip_score(const struct rank_query *q, const char *title, const char *text,
	       size_t len, size_t max_chars, double *score, struct qerr *err);

/* Free what snip_make allocated and empty s; s may be empty already. */
void snip_clear(struct snippet *s);

#endif
