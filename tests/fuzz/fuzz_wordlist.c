/* fuzz_wordlist.c - the word list against a plain reading of the same
 * bytes.
 *
 * The input is a word list file (any bytes: CR LF, CR alone, NUL, empty
 * lines, no final newline, lines longer than a word may be).  Every line,
 * every line less its last byte, and every line with its first letter
 * changed in case is looked up; wordlist_has must agree with the
 * reference: a word of 1 to 64 bytes without CR or LF is found when it is
 * a line (a line's one trailing CR not counted), or when it starts with a
 * lower-case ASCII letter and its capitalized form is a line. */
#include <unistd.h>

#include "../../util/wordlist.h"
#include "fuzz.h"

static char path[64];

struct line {
	const char *s;
	size_t n;
};

static size_t split(const char *d, size_t size, struct line *out)
{
	size_t i = 0, n = 0;

	while (i < size) {
		const char *nl = memchr(d + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - d) : size;

		out[n].s = d + i;
		out[n].n = end - i;
		if (out[n].n > 0 && d[end - 1] == '\r')
			out[n].n--;
		n++;
		i = end + 1;
	}
	return n;
}

static int is_line(const struct line *l, size_t nl, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < nl; i++)
		if (l[i].n == n && memcmp(l[i].s, w, n) == 0)
			return 1;
	return 0;
}

static int reference(const struct line *l, size_t nl, const char *w, size_t n)
{
	char cap[64];

	if (n == 0 || n > 64 || memchr(w, '\n', n) || memchr(w, '\r', n))
		return 0;
	if (is_line(l, nl, w, n))
		return 1;
	if (w[0] < 'a' || w[0] > 'z')
		return 0;
	memcpy(cap, w, n);
	cap[0] = (char)(w[0] - 'a' + 'A');
	return is_line(l, nl, cap, n);
}

static void probe(struct wordlist *w, const struct line *l, size_t nl,
		  const char *s, size_t n)
{
	FUZZ_CHECK(!wordlist_has(w, s, n) == !reference(l, nl, s, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct line *lines;
	struct wordlist *w;
	size_t nl, i;
	FILE *f;

	if (path[0] == '\0') {
		int fd;

		snprintf(path, sizeof(path), "/tmp/quarry-fuzz-words-XXXXXX");
		fd = mkstemp(path);
		FUZZ_CHECK(fd >= 0);
		close(fd);
	}
	if (size > 1 << 16)
		return 0;
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(d, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);
	w = wordlist_open(path);
	FUZZ_CHECK(w != NULL);
	lines = malloc((size + 1) * sizeof(*lines));
	FUZZ_CHECK(lines != NULL);
	nl = split(d, size, lines);
	for (i = 0; i < nl; i++) {
		char other[80];
		size_t n = lines[i].n;

		probe(w, lines, nl, lines[i].s, n);
		if (n > 1)
			probe(w, lines, nl, lines[i].s, n - 1);
		if (n > 0 && n <= sizeof(other)) {
			memcpy(other, lines[i].s, n);
			if (other[0] >= 'a' && other[0] <= 'z')
				other[0] = (char)(other[0] - 'a' + 'A');
			else if (other[0] >= 'A' && other[0] <= 'Z')
				other[0] = (char)(other[0] - 'A' + 'a');
			probe(w, lines, nl, other, n);
		}
	}
	free(lines);
	wordlist_close(w);
	return 0;
}
