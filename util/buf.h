/* buf.h - a growable byte buffer and LEB128-style varints.
 *
 * A struct buf owns its bytes; buf_free releases them.  Appending functions
 * return 0 or -1 when memory runs out (the buffer is then unchanged).  The
 * data is always kept NUL-terminated so it can be used as a C string. */
#ifndef QUARRY_BUF_H
#define QUARRY_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, int c);
/* Append an unsigned varint (7 bits per byte, high bit = more). */
int buf_put_varint_slow(struct buf *b, uint64_t v);
static inline int buf_put_varint(struct buf *b, uint64_t v)
{
	if (v < 0x80 && b->len + 2 <= b->cap) { /* the common case, inline */
		b->data[b->len++] = (char)v;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_put_varint_slow(b, v);
}
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Take ownership of the bytes; the buffer is left empty. Never NULL unless
 * memory ran out. */
char *buf_detach(struct buf *b);

/* Decode a varint from [*p, end). Returns 0 and advances *p, or -1 when the
 * input is truncated or longer than 10 bytes. */
int varint_get_slow(const unsigned char **p, const unsigned char *end,
		    uint64_t *v);
static inline int varint_get(const unsigned char **p, const unsigned char *end,
			     uint64_t *v)
{
	/* (one byte: nearly every postings tf and most doc id gaps, three
	 * a posting read for every question, so not through a call) */
	if (*p < end && **p < 0x80) {
		*v = *(*p)++;
		return 0;
	}
	return varint_get_slow(p, end, v);
}

#endif
