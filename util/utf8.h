/* utf8.h - UTF-8 validation and repair. */
#ifndef QUARRY_UTF8_H
#define QUARRY_UTF8_H

#include <stddef.h>

/* Length of the longest valid UTF-8 prefix of s[0..n) (rejects overlong
 * forms, surrogates and code points above U+10FFFF). Equals n when valid. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Return a newly allocated NUL-terminated copy of s[0..n) in which every
 * invalid byte sequence is replaced by U+FFFD and NUL bytes are dropped.
 * *nbad (may be NULL) receives the number of replacements.  NULL when
 * memory runs out.  The caller frees. */
char *utf8_repair(const char *s, size_t n, size_t *nbad);

#endif
