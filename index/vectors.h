/* vectors.h - word vectors from a file mapped read-only.
 *
 * File format (little-endian), written by vectors/convert.py:
 *
 *   header, 64 bytes:
 *     char magic[4] "QVEC", u32 version (1), u32 dims, u32 count,
 *     u32 index_off, u32 words_off, u32 words_len, u32 vecs_off,
 *     u32 stride (dims + 8), u32 size (of the whole file),
 *     u64 checksum (vec_checksum of bytes 64 .. size), zero padding
 *   index_off: count x u32, the offset in the words blob of word i; the
 *     words are in byte order (memcmp), so a word is found by binary
 *     search
 *   words_off: words_len bytes, NUL-terminated words
 *   vecs_off: count records of stride bytes: f32 scale, u32 rank (the
 *     word's frequency rank in the source, 0 the most frequent), then
 *     dims x int8: the word's unit-length vector divided by scale
 *
 * Nothing is parsed at open: the header is checked against the file's
 * size, and every read is bounds-checked (a word offset outside the blob,
 * a word without its NUL, count or stride not fitting in the file), so a
 * damaged or truncated file is refused at open or yields no vector, never
 * a crash.  The checksum is compared only by vec_verify (reading the whole
 * file costs more than a question does); building an index verifies it.
 *
 * Ownership: a struct vec owns its mapping; const char * results are
 * borrowed until vec_close. */
#ifndef QUARRY_VECTORS_H
#define QUARRY_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define VEC_MAX_DIMS 1024

struct vec;

/* Map the file at path.  QERR_IO when it cannot be opened or mapped,
 * QERR_DATA "vectors file is damaged: PATH: what" when its header does
 * not fit the file.  *out is NULL on failure. */
int vec_open(struct vec **out, const char *path, struct qerr *err);
/* Unmap and free; v may be NULL. */
void vec_close(struct vec *v);
/* FNV-1a 64 over little-endian 64-bit words (the last one zero-padded):
 * the file's checksum, a word at a time so that checking a file of
 * megabytes costs about one instruction a byte. */
uint64_t vec_checksum(const unsigned char *p, size_t n);
/* Compare the checksum with the content: 0, or QERR_DATA. */
int vec_verify(const struct vec *v, struct qerr *err);

int vec_dims(const struct vec *v);
long vec_count(const struct vec *v);
const char *vec_path(const struct vec *v);
/* What an index records to know it was built with this file: the
 * checksum (16 hex digits), a space and the dimensions. */
const char *vec_id(const struct vec *v);

/* The entry of word w (n bytes, lower case), or -1. */
long vec_find(const struct vec *v, const char *w, size_t n);
/* Build a hash table of the words (and each entry's weight) so that
 * vec_find and vec_text cost one probe a word instead of a binary
 * search: worth it for a caller that looks up many words (a build), not
 * for one question.  It changes no result.  0, or -1 when memory runs
 * out (lookups then stay binary searches).  Not safe while another
 * thread reads v: call it before sharing v. */
int vec_hash_words(struct vec *v);

/* The vector of text: the weighted mean of the unit vectors of the words
 * the file has (letters and digits, lower-cased, beginning with a
 * letter), each weighing more the rarer it is (log(1 + rank / 50): the
 * most frequent words count for almost nothing), scaled to unit length,
 * into out[vec_dims].  Returns how many words were found; 0 leaves out
 * all zero.  *cover (when cover is not NULL) gets the share of the
 * text's weight that the vectors cover, a word the file lacks weighing
 * as one of rank VEC_RARE. */
#define VEC_RARE 400000
int vec_text(const struct vec *v, const char *text, size_t len, float *out,
	     double *cover);

/* The vectors file quarry uses, opened on first call and kept for the
 * life of the process: $QUARRY_VECTORS when set (set and empty: none),
 * else vectors/words.qvec beside the quarry binary, else
 * ../share/quarry/words.qvec from the binary's directory (installed).
 * NULL when there is none or it could not be used; then vec_problem
 * says why when it was damaged or unreadable. */
struct vec *vec_default(void);
/* vec_default, its checksum compared once (what a build uses): a file
 * that fails is closed and is no default from then on. */
struct vec *vec_default_verified(void);
/* Why vec_default gave NULL for a file that exists (damaged,
 * unreadable); NULL when it gave a file or found none. */
const char *vec_problem(void);
/* Forget the default (tests, after changing QUARRY_VECTORS). */
void vec_default_reset(void);

#endif
