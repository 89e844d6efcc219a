/* wordlist.h - is this a word of the language?  A plain word list, one
 * word per line in any order (Debian's /usr/share/dict/words, from the
 * wamerican package), mapped read-only and searched in place.
 *
 * Lookups are case-sensitive on the bytes, except that a lower-case word
 * also matches the list's capitalized form ("ubuntu" finds "Ubuntu").
 * Opening only checks the file; the first lookup maps it and indexes the
 * lines by their first two bytes (one pass, about 1 ms for Debian's
 * 100,000 words); the first lookup of a word starting like no word before
 * it hashes the lines starting that way, and lookups are then a hash
 * probe.  Files over WORDLIST_MAX_SIZE are refused (EFBIG): the largest
 * lists SCOWL makes are under 10 MB. */
#ifndef QUARRY_WORDLIST_H
#define QUARRY_WORDLIST_H

#include <stddef.h>

/* The list quarry reads when QUARRY_DICT does not name another. */
#define WORDLIST_DEFAULT "/usr/share/dict/words"

struct wordlist;

#define WORDLIST_MAX_SIZE (64u << 20)

/* Open the list at path, without blocking (a FIFO with no writer is
 * refused, not waited for).  NULL with errno set when it cannot be opened,
 * is not a regular file (EINVAL: a directory, a FIFO, a device), is too
 * large (EFBIG), or memory runs out.  An empty file is a list
 * with no words; so is a list that cannot be mapped at the first lookup.
 * wordlist_close accepts NULL. */
struct wordlist *wordlist_open(const char *path);
void wordlist_close(struct wordlist *w);

/* Non-zero when w[0..n) is a line of the list (a line may end in CR LF).
 * Words longer than 64 bytes or holding a CR or LF are never found. */
int wordlist_has(struct wordlist *w, const char *word, size_t n);

#endif
