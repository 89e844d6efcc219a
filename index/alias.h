/* alias.h - acronyms a corpus defines for itself.
 *
 * Finds the two usual ways a text introduces an abbreviation:
 *   "Long Short-Term Memory (LSTM)"      words, then the acronym in brackets
 *   "ReLU (Rectified Linear Unit)"       the acronym, then words in brackets
 * An acronym (2-10 letters or digits, at least two capitals, an optional
 * plural 's') counts only when the initials of the words spell it, small
 * words such as "of" or "and" may be skipped.  Works on raw text; the
 * index stores the pairs analyzed (see idx.h, table aliases). */
#ifndef QUARRY_ALIAS_H
#define QUARRY_ALIAS_H

#include <stddef.h>

/* Called per pair found: the acronym (without plural 's') and the words it
 * stands for, both borrowed and not NUL-terminated. Non-zero stops. */
typedef int (*alias_fn)(void *ctx, const char *acr, size_t acr_len,
			const char *words, size_t words_len);

/* Scan text[0..len). Returns 0 or the callback's non-zero value. */
int alias_scan(const char *text, size_t len, alias_fn fn, void *ctx);

#endif
