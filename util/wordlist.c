/* wordlist.c - see wordlist.h. */
#include "wordlist.h"

#include "strmap.h"

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
#define KEY(b0, b1)                                                        \
	((unsigned)(unsigned char)(b0) << 5 | ((unsigned char)(b1) & 31))

#define NKEYS (256 * 32)

struct wordlist {
	int fd;           /* open until the first lookup maps the file */
	int state;        /* 0 not mapped yet, 1 ready, -1 unusable */
	const char *data; /* the mapped file; NULL when it is empty */
	size_t size;
	/* lines whose first two bytes have key k (KEY) lie in [lo[k], hi[k]);
	 * lo[k] == hi[k] when there are none */
	uint32_t *lo, *hi;
	/* built on a key's first lookup: a hash table of its lines, each
	 * slot a line's offset + 1 (0 = empty), mask[k] + 1 slots */
	uint32_t **tab;
	uint32_t *mask;
};

static struct wordlist *fail(int fd, int e)
{
	close(fd);
	errno = e;
	return NULL;
}

/* Only checked here: what a lookup needs (the mapping, 160 KB of tables)
 * waits for the first lookup, so a run that respells nothing pays three
 * system calls. */
struct wordlist *wordlist_open(const char *path)
{
	struct wordlist *w;
	struct stat st;
	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one
	 * (it is then refused as not a regular file). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0)
		return fail(fd, errno);
	if (!S_ISREG(st.st_mode))
		return fail(fd, EINVAL);
	if (st.st_size < 0 || (uint64_t)st.st_size > WORDLIST_MAX_SIZE)
		return fail(fd, EFBIG);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return fail(fd, ENOMEM);
	w->fd = fd;
	w->size = (size_t)st.st_size;
	return w;
}

void wordlist_close(struct wordlist *w)
{
	int k;

	if (w == NULL)
		return;
	if (w->state == 0)
		close(w->fd);
	if (w->data)
		munmap((void *)w->data, w->size);
	for (k = 0; w->tab && k < NKEYS; k++)
		free(w->tab[k]);
	free(w->tab);
	free(w->lo);
	free(w);
}

/* The length of the line at off, without its LF or CR LF. */
static size_t line_len(const struct wordlist *w, size_t off)
{
	const char *p = w->data + off;
	const char *nl = memchr(p, '\n', w->size - off);
	size_t n = nl ? (size_t)(nl - p) : w->size - off;

	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

static size_t next_line(const struct wordlist *w, size_t i)
{
	const char *nl = memchr(w->data + i, '\n', w->size - i);

	return nl ? (size_t)(nl - w->data) + 1 : w->size;
}

/* The first lookup: map the file and find where the lines of each key
 * begin and end (one pass).  -1 when that cannot be done (the list then
 * holds no words). */
static int prepare(struct wordlist *w)
{
	size_t i = 0;
	void *p = NULL;

	w->state = -1;
	if (w->size > 0) {
		p = mmap(NULL, w->size, PROT_READ, MAP_PRIVATE, w->fd, 0);
		if (p == MAP_FAILED)
			p = NULL;
	}
	close(w->fd);
	w->fd = -1;
	if (w->size > 0 && p == NULL)
		return -1;
	w->data = p;
	w->lo = calloc(3 * (size_t)NKEYS, sizeof(*w->lo));
	w->tab = calloc(NKEYS, sizeof(*w->tab));
	if (w->lo == NULL || w->tab == NULL)
		return -1;
	w->hi = w->lo + NKEYS;
	w->mask = w->hi + NKEYS;
	while (i < w->size) {
		size_t end = next_line(w, i);
		/* a second byte that ends the line is a one-byte line's */
		char b1 = i + 1 < end ? w->data[i + 1] : '\n';
		unsigned k = KEY(w->data[i], b1 == '\r' && (i + 2 == end ||
				 w->data[i + 2] == '\n') ? '\n' : b1);

		if (w->lo[k] == w->hi[k])
			w->lo[k] = (uint32_t)i;
		w->hi[k] = (uint32_t)end;
		i = end;
	}
	w->state = 1;
	return 0;
}

/* Hash the lines of key k.  -1 when memory runs out. */
static int build_tab(struct wordlist *w, unsigned k)
{
	size_t i, n = 0, cap = 4;
	uint32_t *t;

	for (i = w->lo[k]; i < w->hi[k]; i = next_line(w, i)) {
		size_t len = line_len(w, i);

		n += KEY(w->data[i], len > 1 ? w->data[i + 1] : '\n') == k;
	}
	while (cap < 2 * n)
		cap *= 2;
	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = w->lo[k]; i < w->hi[k]; i = next_line(w, i)) {
		size_t len = line_len(w, i), h;

		if (KEY(w->data[i], len > 1 ? w->data[i + 1] : '\n') != k)
			continue;
		h = (size_t)str_hash(w->data + i, len) & (cap - 1);
		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = (uint32_t)i + 1;
	}
	w->tab[k] = t;
	w->mask[k] = (uint32_t)(cap - 1);
	return 0;
}

/* Is word[0..n) a line of its key? */
static int has_line(struct wordlist *w, const char *word, size_t n)
{
	unsigned k = KEY(word[0], n > 1 ? word[1] : '\n');
	size_t h;
	uint32_t *t;

	if (w->lo[k] == w->hi[k])
		return 0;
	if (w->tab[k] == NULL && build_tab(w, k) != 0)
		return 0; /* out of memory: taken as no word */
	t = w->tab[k];
	for (h = (size_t)str_hash(word, n) & w->mask[k]; t[h];
	     h = (h + 1) & w->mask[k])
		if (line_len(w, t[h] - 1) == n &&
		    memcmp(w->data + t[h] - 1, word, n) == 0)
			return 1;
	return 0;
}

int wordlist_has(struct wordlist *w, const char *word, size_t n)
{
	char cap[WORDLIST_MAX_WORD];

	if (w == NULL || n == 0 || n > WORDLIST_MAX_WORD ||
	    memchr(word, '\n', n) || memchr(word, '\r', n) ||
	    (w->state == 0 && prepare(w) != 0) || w->state < 0 ||
	    w->data == NULL)
		return 0;
	if (has_line(w, word, n))
		return 1;
	if (word[0] < 'a' || word[0] > 'z')
		return 0;
	memcpy(cap, word, n);
	cap[0] = (char)(word[0] - 'a' + 'A');
	return has_line(w, cap, n);
}
