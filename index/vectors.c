/* vectors.c - word vectors from a file mapped read-only: open and check
 * the header, find a word (by binary search, or in a hash table of the
 * words once vec_hash_words has built one), the vector of a text, and
 * the process's default file.  See vectors.h for the format. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/fileio.h"
#include "../util/strmap.h"
#include "vectors.h"

#define HEADER 64
#define VERSION 1
/* The rank below which a word's weight stays small: log(1 + rank/RANK0). */
#define RANK0 50.0

struct vec {
	const unsigned char *map;
	size_t size;
	uint32_t dims, count, words_len, stride;
	const unsigned char *index, *words, *vecs;
	uint64_t checksum;
	char *path;
	char id[40];
	/* vec_hash_words's table: mask + 1 slots, a power of two at least
	 * twice count; slot.entry is the word's entry + 1, 0 for empty */
	struct vec_slot {
		uint32_t tag;   /* the high half of the word's str_hash */
		uint32_t entry;
	} *slots;
	uint32_t mask;
	/* per entry, what add_entry needs without reading the record's
	 * header: the weight of its rank, and that weight times its scale
	 * (0 for a damaged record) */
	double *weight;
	float *wscale;
	/* and each entry's vector as floats (count x dims), which add up
	 * four at a time without converting bytes each time */
	float *fvec;
};

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static float getf(const unsigned char *p)
{
	uint32_t u = get32(p);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* Does [off, off + len) lie inside a file of size bytes? */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Check the header against the file; 0, or a message. */
static const char *check_header(struct vec *v)
{
	const unsigned char *h = v->map;
	uint32_t index_off, words_off, vecs_off;

	if (v->size < HEADER || memcmp(h, "QVEC", 4) != 0)
		return "not a vectors file";
	if (get32(h + 4) != VERSION)
		return "unknown version";
	v->dims = get32(h + 8);
	v->count = get32(h + 12);
	index_off = get32(h + 16);
	words_off = get32(h + 20);
	v->words_len = get32(h + 24);
	vecs_off = get32(h + 28);
	v->stride = get32(h + 32);
	if (get32(h + 36) != v->size)
		return "size does not match the header (truncated?)";
	v->checksum = (uint64_t)get32(h + 40) | (uint64_t)get32(h + 44) << 32;
	if (v->dims < 1 || v->dims > VEC_MAX_DIMS || v->stride != v->dims + 8)
		return "bad dimensions";
	if (!inside(index_off, (uint64_t)v->count * 4, v->size) ||
	    !inside(words_off, v->words_len, v->size) ||
	    !inside(vecs_off, (uint64_t)v->count * v->stride, v->size) ||
	    index_off < HEADER || words_off < HEADER || vecs_off < HEADER)
		return "a table lies outside the file";
	if (v->count > 0 && (v->words_len == 0 ||
			     h[words_off + v->words_len - 1] != '\0'))
		return "the words do not end with a NUL";
	v->index = h + index_off;
	v->words = h + words_off;
	v->vecs = h + vecs_off;
	return NULL;
}

int vec_open(struct vec **out, const char *path, struct qerr *err)
{
	struct vec *v;
	struct stat st;
	const char *why;
	void *map;
	int fd, e;

	*out = NULL;
	fd = fio_open_regular(path, &st);
	if (fd == FIO_NOT_REGULAR)
		return qerr_set(err, QERR_IO, "%s: not a regular file", path);
	if (fd < 0) {
		e = errno;
		return qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
	}
	if (st.st_size < HEADER || (uint64_t)st.st_size > UINT32_MAX) {
		close(fd);
		return qerr_set(err, QERR_DATA, "vectors file is damaged: %s: "
				"%s", path, st.st_size < HEADER ? "too short" :
				"too large");
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;
	close(fd);
	if (map == MAP_FAILED)
		return qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
	v = calloc(1, sizeof(*v));
	if (v == NULL || (v->path = strdup(path)) == NULL) {
		free(v);
		munmap(map, (size_t)st.st_size);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	v->map = map;
	v->size = (size_t)st.st_size;
	if ((why = check_header(v)) != NULL) {
		qerr_set(err, QERR_DATA, "vectors file is damaged: %s: %s", path,
			 why);
		vec_close(v);
		return QERR_DATA;
	}
	snprintf(v->id, sizeof(v->id), "%016llx %u",
		 (unsigned long long)v->checksum, (unsigned)v->dims);
	*out = v;
	return 0;
}

/* Free vec_hash_words's tables: lookups go back to binary search. */
static void free_tables(struct vec *v)
{
	free(v->slots);
	free(v->weight);
	free(v->wscale);
	free(v->fvec);
	v->slots = NULL;
	v->weight = NULL;
	v->wscale = NULL;
	v->fvec = NULL;
}

void vec_close(struct vec *v)
{
	if (v == NULL)
		return;
	if (v->map)
		munmap((void *)v->map, v->size);
	free_tables(v);
	free(v->path);
	free(v);
}

uint64_t vec_checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL, w;
	size_t i, k;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (w = 0, k = 0; i + k < n; k++)
		w |= (uint64_t)p[i + k] << (8 * k);
	if (k > 0)
		h = (h ^ w) * 0x100000001b3ULL;
	return h;
}

int vec_verify(const struct vec *v, struct qerr *err)
{
	if (vec_checksum(v->map + HEADER, v->size - HEADER) != v->checksum)
		return qerr_set(err, QERR_DATA, "vectors file is damaged: %s: "
				"checksum mismatch", v->path);
	return 0;
}

int vec_dims(const struct vec *v)
{
	return (int)v->dims;
}

long vec_count(const struct vec *v)
{
	return (long)v->count;
}

const char *vec_path(const struct vec *v)
{
	return v->path;
}

const char *vec_id(const struct vec *v)
{
	return v->id;
}

/* Compare w (n bytes) with word i; a damaged offset compares as
 * greater, so the search goes on safely (and finds nothing there). */
static int cmp_word(const struct vec *v, uint32_t i, const char *w, size_t n)
{
	uint32_t off = get32(v->index + 4 * (size_t)i);
	const unsigned char *s;
	size_t left, k;

	if (off >= v->words_len)
		return -1;
	s = v->words + off;
	left = v->words_len - off; /* the blob ends with a NUL */
	for (k = 0; k < n; k++) {
		if (k >= left || s[k] == '\0')
			return 1; /* word i is a prefix of w */
		if (s[k] != (unsigned char)w[k])
			return (unsigned char)w[k] < s[k] ? -1 : 1;
	}
	return (k < left && s[k] == '\0') ? 0 : -1;
}

/* vec_find in the hash table, h being w's str_hash. */
static long find_hashed(const struct vec *v, const char *w, size_t n,
			uint64_t h)
{
	uint32_t tag = (uint32_t)(h >> 32), i = (uint32_t)h & v->mask, off;
	const struct vec_slot *sl;

	for (;; i = (i + 1) & v->mask) {
		sl = &v->slots[i];
		if (sl->entry == 0)
			return -1;
		if (sl->tag != tag)
			continue;
		/* (hash_entry filed only offsets inside the blob, which
		 * ends with a NUL) */
		off = get32(v->index + 4 * (size_t)(sl->entry - 1));
		if (n < v->words_len - off && v->words[off + n] == '\0' &&
		    memcmp(v->words + off, w, n) == 0)
			return (long)sl->entry - 1;
	}
}

long vec_find(const struct vec *v, const char *w, size_t n)
{
	uint32_t lo = 0, hi = v->count, mid;
	int c;

	if (v->slots != NULL)
		return find_hashed(v, w, n, str_hash(w, n));
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = cmp_word(v, mid, w, n);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* The weight of a word of frequency rank r. */
static double rank_weight(double r)
{
	return log(1.0 + r / RANK0);
}

/* The weight of entry i into *w, and that weight times the entry's
 * scale as a float (what its int8 vector is multiplied by); 0 for a
 * damaged record, whose vector is not added. */
static float entry_weight(const struct vec *v, uint32_t i, double *w)
{
	const unsigned char *r = v->vecs + (size_t)i * v->stride;
	float scale = getf(r);

	*w = rank_weight(get32(r + 4));
	if (!isfinite(scale) || scale <= 0.0f || scale > 1.0f) {
		*w = 0;
		return 0; /* (a damaged record) */
	}
	return (float)*w * scale;
}

/* Four floats as one value, which compilers turn into one vector
 * instruction per operation (GCC at -O2 does not vectorise the plain loop
 * over a run-time dims); each lane is computed as the plain loop would,
 * so the sums are the same to the bit. */
typedef float vec_f4 __attribute__((vector_size(4 * sizeof(float))));

/* acc[d] += ws * f[d] for d < dims. */
static void accumulate(float *acc, const float *f, float ws, uint32_t dims)
{
	uint32_t d;
	vec_f4 a, b;

	for (d = 0; d + 4 <= dims; d += 4) {
		memcpy(&a, acc + d, sizeof(a));
		memcpy(&b, f + d, sizeof(b));
		a += ws * b;
		memcpy(acc + d, &a, sizeof(a));
	}
	for (; d < dims; d++)
		acc[d] += ws * f[d];
}

/* Add the weighted unit vector of entry i to acc; returns the weight (0
 * for a damaged record). */
static double add_entry(const struct vec *v, long i, float *acc)
{
	const signed char *q;
	double w;
	float ws;
	uint32_t d;

	if (v->fvec != NULL) {
		/* (adding ws * f = 0 would change nothing: skipped) */
		if (v->wscale[i] != 0.0f)
			accumulate(acc, v->fvec + (size_t)i * v->dims,
				   v->wscale[i], v->dims);
		return v->weight[i];
	}
	ws = entry_weight(v, (uint32_t)i, &w);
	q = (const signed char *)(v->vecs + (size_t)i * v->stride + 8);
	if (ws != 0.0f)
		for (d = 0; d < v->dims; d++)
			acc[d] += ws * (float)q[d];
	return w;
}

/* Put entry i's word in the hash table (a damaged offset: nowhere, as
 * the binary search finds it nowhere). */
static void hash_entry(struct vec *v, uint32_t i)
{
	uint32_t off = get32(v->index + 4 * (size_t)i), k;
	const char *w;
	uint64_t h;

	if (off >= v->words_len)
		return;
	w = (const char *)v->words + off;
	h = str_hash(w, strlen(w)); /* (the blob ends with a NUL) */
	for (k = (uint32_t)h & v->mask; v->slots[k].entry != 0;
	     k = (k + 1) & v->mask)
		;
	v->slots[k].tag = (uint32_t)(h >> 32);
	v->slots[k].entry = i + 1;
}

/* Entry i's weights and float vector into the tables. */
static void unpack_entry(struct vec *v, uint32_t i)
{
	const signed char *q =
		(const signed char *)(v->vecs + (size_t)i * v->stride + 8);
	float *f = v->fvec + (size_t)i * v->dims;
	uint32_t d;

	v->wscale[i] = entry_weight(v, i, &v->weight[i]);
	for (d = 0; d < v->dims; d++)
		f[d] = (float)q[d];
}

int vec_hash_words(struct vec *v)
{
	uint32_t cap = 2, i;

	if (v->slots != NULL)
		return 0;
	while (cap < 2 * v->count)
		cap *= 2;
	v->slots = calloc(cap, sizeof(*v->slots));
	v->weight = malloc(((size_t)v->count + 1) * sizeof(*v->weight));
	v->wscale = malloc(((size_t)v->count + 1) * sizeof(*v->wscale));
	v->fvec = malloc(((size_t)v->count * v->dims + 1) * sizeof(*v->fvec));
	if (v->slots == NULL || v->weight == NULL || v->wscale == NULL ||
	    v->fvec == NULL) {
		free_tables(v);
		return -1;
	}
	v->mask = cap - 1;
	for (i = 0; i < v->count; i++) {
		unpack_entry(v, i);
		hash_entry(v, i);
	}
	return 0;
}

/* Which bytes make words: letters and digits (ASCII). */
static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

int vec_text(const struct vec *v, const char *text, size_t len, float *out,
	     double *cover)
{
	char w[64];
	uint64_t h;
	size_t i = 0, n;
	double norm = 0, known = 0, unknown = 0, rare = rank_weight(VEC_RARE);
	uint32_t d;
	long e;
	int found = 0;

	memset(out, 0, v->dims * sizeof(*out));
	while (i < len) {
		while (i < len && !word_byte((unsigned char)text[i]))
			i++;
		h = STR_HASH_INIT;
		for (n = 0; i < len && word_byte((unsigned char)text[i]);
		     i++)
			if (n < sizeof(w)) {
				w[n] = (char)(text[i] | 0x20);
				h = STR_HASH_STEP(h, w[n]);
				n++;
			}
		if (n == 0 || n == sizeof(w) || w[0] < 'a')
			continue;
		e = v->slots ? find_hashed(v, w, n, h) : vec_find(v, w, n);
		if (e >= 0) {
			known += add_entry(v, e, out);
			found++;
		} else {
			unknown += rare;
		}
	}
	if (cover != NULL)
		*cover = known > 0 ? known / (known + unknown) : 0;
	for (d = 0; d < v->dims; d++)
		norm += (double)out[d] * out[d];
	if (norm <= 0)
		return 0;
	norm = sqrt(norm);
	for (d = 0; d < v->dims; d++)
		out[d] = (float)(out[d] / norm);
	return found;
}

/* ---- the default file ---- */

static struct vec *dflt;
static int dflt_tried, dflt_verified;
static char dflt_problem[sizeof(((struct qerr *)0)->msg)];

/* The directory of the running binary into out[n]; 0 or -1. */
static int exe_dir(char *out, size_t n)
{
	ssize_t k = readlink("/proc/self/exe", out, n - 1);
	char *s;

	if (k <= 0 || (size_t)k >= n - 1)
		return -1;
	out[k] = '\0';
	s = strrchr(out, '/');
	if (s == NULL)
		return -1;
	*s = '\0';
	return 0;
}

/* Open path as the default; a missing file is silently none. */
static void try_open(const char *path, int must)
{
	struct qerr err;
	struct stat st;

	qerr_clear(&err);
	if (!must && stat(path, &st) != 0)
		return;
	if (vec_open(&dflt, path, &err) != 0)
		snprintf(dflt_problem, sizeof(dflt_problem), "%s", err.msg);
}

struct vec *vec_default(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	const char *env;

	if (dflt_tried)
		return dflt;
	dflt_tried = 1;
	env = getenv("QUARRY_VECTORS");
	if (env != NULL) {
		if (*env != '\0')
			try_open(env, 1);
		return dflt;
	}
	if (exe_dir(dir, sizeof(dir)) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/vectors/words.qvec", dir);
	try_open(path, 0);
	if (dflt == NULL && dflt_problem[0] == '\0') {
		snprintf(path, sizeof(path), "%s/../share/quarry/words.qvec",
			 dir);
		try_open(path, 0);
	}
	return dflt;
}

struct vec *vec_default_verified(void)
{
	struct qerr err;

	if (vec_default() == NULL || dflt_verified)
		return dflt;
	dflt_verified = 1;
	qerr_clear(&err);
	if (vec_verify(dflt, &err) != 0) {
		snprintf(dflt_problem, sizeof(dflt_problem), "%s", err.msg);
		vec_close(dflt);
		dflt = NULL;
		return NULL;
	}
	return dflt;
}

const char *vec_problem(void)
{
	return dflt_problem[0] ? dflt_problem : NULL;
}

void vec_default_reset(void)
{
	vec_close(dflt);
	dflt = NULL;
	dflt_tried = 0;
	dflt_verified = 0;
	dflt_problem[0] = '\0';
}
