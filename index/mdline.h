/* mdline.h - Markdown line primitives shared by the Q&A reader (corpus.c)
 * and the passage reader (passage.c).
 *
 * Each function looks at one line s[0..n) (no '\n') and says what it is:
 * an ATX heading, a setext underline, a code fence.  None allocates; text
 * handed back points into s.  Indentation of up to three spaces is allowed
 * where CommonMark allows it; four or more make the line none of these. */
#ifndef QUARRY_MDLINE_H
#define QUARRY_MDLINE_H

#include <stddef.h>

/* Shrink [*s, *s + *n) to drop leading and trailing white space
 * (space, \t, \n, \r, \f, \v). */
void mdl_trim(const char **s, size_t *n);

/* 1 when s[0..n) is empty or white space only, else 0. */
int mdl_blank(const char *s, size_t n);

/* Up to three spaces of indentation: the index after them, or n when
 * there are four or more. */
size_t mdl_indent(const char *s, size_t n);

/* An ATX heading ("## Title ##"): 1 with *t, *tn set to its trimmed text
 * without the '#'s and *level (may be NULL) to 1..6; else 0 and nothing
 * set. */
int mdl_atx(const char *s, size_t n, int *level, const char **t, size_t *tn);

/* Setext underline: a line of '=' (level 1) or of at least two '-'
 * (level 2), up to three spaces of indentation, trailing blanks allowed.
 * Returns the level or 0. */
int mdl_setext(const char *s, size_t n);

/* A ``` or ~~~ fence (three or more): its length, with *ch set to its
 * character; else 0 and *ch untouched. */
size_t mdl_fence(const char *s, size_t n, char *ch);

#endif
