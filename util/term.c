/* term.c - control characters made visible before text reaches a terminal
 * (see term.h for the forms chosen). */
#include "term.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Valid range of the second byte of a sequence led by c (RFC 3629). */
static void second_range(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c == 0xe0)
		*lo = 0xa0;
	else if (c == 0xed)
		*hi = 0x9f;
	else if (c == 0xf0)
		*lo = 0x90;
	else if (c == 0xf4)
		*hi = 0x8f;
}

/* Length of the sequence led by c, or 0 when c cannot lead one. */
static size_t seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Decode the code point at s[0..n).  Returns the bytes it takes, with *cp
 * set (U+FFFD and 1 byte for an invalid byte), or 0 when s[0..n) is the
 * valid start of a sequence that n cuts short. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = seq_len(s[0]), i;
	unsigned char lo, hi;
	uint32_t v;

	if (len == 1) {
		*cp = s[0];
		return 1;
	}
	*cp = 0xfffd;
	if (len == 0)
		return 1;
	second_range(s[0], &lo, &hi);
	v = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if (i == n)
			return 0;
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 1;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/* Append the visible form of code point cp (the bytes s[0..len) when it
 * needs none). */
static int emit(struct buf *out, uint32_t cp, const unsigned char *s,
		size_t len, enum term_mode mode)
{
	char tmp[16];

	if (cp == '\n' || cp == '\t' || (cp == '\r' && mode == TERM_NAME)) {
		if (mode == TERM_TEXT)
			return buf_putc(out, (int)cp);
		tmp[0] = '\\';
		tmp[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
		return buf_append(out, tmp, 2);
	}
	if (cp < 0x20 || cp == 0x7f) {
		tmp[0] = '^';
		tmp[1] = (char)(cp == 0x7f ? '?' : cp + 0x40);
		return buf_append(out, tmp, 2);
	}
	if (cp >= 0x80 && cp <= 0x9f) {
		snprintf(tmp, sizeof(tmp), "<U+%04X>", (unsigned)cp);
		return buf_puts(out, tmp);
	}
	if (cp == 0xfffd)
		return buf_puts(out, REPLACEMENT);
	return buf_append(out, s, len);
}

/* Clean s[0..n); with hold, a cut sequence at the end is not consumed.
 * Returns the bytes consumed, or (size_t)-1 when memory ran out. */
static size_t clean(struct buf *out, const unsigned char *s, size_t n,
		    enum term_mode mode, int hold)
{
	size_t i = 0, start = 0, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			i++; /* printable ASCII: copied in runs below */
			continue;
		}
		k = decode(s + i, n - i, &cp);
		if (k == 0 && hold)
			break;
		if (k == 0) {
			cp = 0xfffd;
			k = n - i;
		}
		if (cp >= 0xa0 && cp != 0xfffd) {
			i += k;
			continue;
		}
		if (buf_append(out, s + start, i - start) != 0 ||
		    emit(out, cp, s + i, k, mode) != 0)
			return (size_t)-1;
		i += k;
		start = i;
	}
	if (buf_append(out, s + start, i - start) != 0)
		return (size_t)-1;
	return i;
}

int term_clean(struct buf *out, const char *s, size_t n, enum term_mode mode)
{
	if (buf_reserve(out, n + 1) != 0)
		return -1;
	return clean(out, (const unsigned char *)s, n, mode, 0) == (size_t)-1
		       ? -1
		       : 0;
}

char *term_dup(const char *s, enum term_mode mode)
{
	struct buf b = BUF_INIT;

	if (s == NULL)
		s = "";
	if (term_clean(&b, s, strlen(s), mode) != 0 || buf_putc(&b, 0) != 0) {
		buf_free(&b);
		return NULL;
	}
	b.len--; /* the NUL was only there to make data non-NULL */
	return buf_detach(&b);
}

int term_stream_feed(struct term_stream *st, struct buf *out, const char *s,
		     size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t used;

	/* Complete a held sequence one byte at a time: it is at most 4. */
	while (st->npend > 0 && n > 0) {
		st->pend[st->npend++] = *u++;
		n--;
		used = clean(out, st->pend, st->npend, st->mode, 1);
		if (used == (size_t)-1)
			return -1;
		memmove(st->pend, st->pend + used, st->npend - used);
		st->npend -= used;
	}
	if (n == 0)
		return 0;
	used = clean(out, u, n, st->mode, 1);
	if (used == (size_t)-1)
		return -1;
	memcpy(st->pend, u + used, n - used); /* less than 4 bytes */
	st->npend = n - used;
	return 0;
}

int term_stream_end(struct term_stream *st, struct buf *out)
{
	size_t n = st->npend;

	st->npend = 0;
	if (n == 0)
		return 0;
	return clean(out, st->pend, n, st->mode, 0) == (size_t)-1 ? -1 : 0;
}
