/* wordlist.c - see wordlist.h. */
#define _GNU_SOURCE /* memmem (glibc and musl have it) */
#include "wordlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WORDLIST_MAX_WORD 64

/* The first byte and five bits of the second (of the newline, for a
 * one-byte line). */
#define KEY(b0, b1) ((unsigned)(unsigned char)(b0) << 5 | ((unsigned char)(b1) & 31))

struct wordlist {
	const char *data; /* the mapped file; NULL when it is empty */
	size_t size;
	int indexed;
	/* lines whose first two bytes have key k (KEY) lie in [lo[k], hi[k]);
	 * lo[k] == hi[k] when there are none */
	uint32_t lo[256 * 32], hi[256 * 32];
};

static struct wordlist *fail(int fd, struct wordlist *w, int e)
{
	close(fd);
	free(w);
	errno = e;
	return NULL;
}

struct wordlist *wordlist_open(const char *path)
{
	struct wordlist *w;
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0)
		return fail(fd, NULL, errno);
	if (!S_ISREG(st.st_mode))
		return fail(fd, NULL, EINVAL);
	if ((uint64_t)st.st_size >= UINT32_MAX)
		return fail(fd, NULL, EFBIG);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return fail(fd, NULL, ENOMEM);
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return fail(fd, w, errno);
		w->data = p;
		w->size = (size_t)st.st_size;
	}
	close(fd);
	return w;
}

void wordlist_close(struct wordlist *w)
{
	if (w == NULL)
		return;
	if (w->data)
		munmap((void *)w->data, w->size);
	free(w);
}

/* One pass: where the lines of each key begin and end. */
static void build_index(struct wordlist *w)
{
	size_t i = 0;

	w->indexed = 1;
	while (i < w->size) {
		const char *nl = memchr(w->data + i, '\n', w->size - i);
		size_t end = nl ? (size_t)(nl - w->data) + 1 : w->size;
		unsigned k = KEY(w->data[i], i + 1 < end ? w->data[i + 1] : '\n');

		if (w->lo[k] == w->hi[k])
			w->lo[k] = (uint32_t)i;
		w->hi[k] = (uint32_t)end;
		i = end;
	}
}

/* Does a line that matched up to q end there? */
static int line_ends(const char *q, const char *end)
{
	return q == end || *q == '\n' ||
	       (*q == '\r' && (q + 1 == end || q[1] == '\n'));
}

/* Is word[0..n) a whole line within [lo, hi) (lo a line start)? */
static int find_line(const struct wordlist *w, size_t lo, size_t hi,
		     const char *word, size_t n)
{
	char needle[WORDLIST_MAX_WORD + 1];
	const char *s = w->data + lo, *end = w->data + hi, *p;

	if ((size_t)(end - s) >= n && memcmp(s, word, n) == 0 &&
	    line_ends(s + n, end))
		return 1;
	needle[0] = '\n';
	memcpy(needle + 1, word, n);
	for (p = s; (p = memmem(p, (size_t)(end - p), needle, n + 1)) != NULL;
	     p++)
		if (line_ends(p + 1 + n, end))
			return 1;
	return 0;
}

/* Is word[0..n) a line of the stretch its key indexes? */
static int has_line(const struct wordlist *w, const char *word, size_t n)
{
	unsigned k = KEY(word[0], n > 1 ? word[1] : '\n');

	return w->lo[k] < w->hi[k] && find_line(w, w->lo[k], w->hi[k], word, n);
}

int wordlist_has(struct wordlist *w, const char *word, size_t n)
{
	char cap[WORDLIST_MAX_WORD];

	if (w == NULL || w->data == NULL || n == 0 ||
	    n > WORDLIST_MAX_WORD || memchr(word, '\n', n) ||
	    memchr(word, '\r', n))
		return 0;
	if (!w->indexed)
		build_index(w);
	if (has_line(w, word, n))
		return 1;
	if (word[0] < 'a' || word[0] > 'z')
		return 0;
	memcpy(cap, word, n);
	cap[0] = (char)(word[0] - 'a' + 'A');
	return has_line(w, cap, n);
}
