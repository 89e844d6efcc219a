/* utf8.c - strict UTF-8 validation (RFC 3629) and U+FFFD repair. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid sequence at s (1..4), or 0 if invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = seq_len(p + i, n - i);
		if (k == 0)
			break;
		i += k;
	}
	return i;
}

char *utf8_repair(const char *s, size_t n, size_t *nbad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, bad = 0;
	char *out;

	if (n > (((size_t)-1) - 1) / 3)
		return NULL;
	out = malloc(n * 3 + 1); /* each bad byte may become 3 bytes */
	if (out == NULL)
		return NULL;
	while (i < n) {
		size_t k = p[i] == 0 ? 0 : seq_len(p + i, n - i);

		if (p[i] == 0) {
			i++;
			bad++;
			continue;
		}
		if (k == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			bad++;
			continue;
		}
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	if (nbad)
		*nbad = bad;
	return out;
}
