/* synth.c - synthetic quarry records with the dictionary corpus's words.
 *
 * usage: synth [-s SEED] N DICT.jsonl > synth.jsonl
 *
 * Reads DICT.jsonl (dict2jsonl.py's records) and counts its words: a word
 * is a run of ASCII letters, digits and bytes >= 0x80 (the FTS5 query
 * words of ftsquery.c), ASCII lower-cased, shorter than MAXWORD bytes
 * (longer runs are dropped).  Then writes N records
 *   {"id":"synth:K","question":"w w w","answer":"w w w ..."}
 * where a question has 2 to 6 words (uniform) drawn with the frequencies
 * the words have in DICT's questions, and an answer as many words as a
 * DICT answer picked at random has, drawn with the frequencies of DICT's
 * answers.  So the vocabulary is DICT's, Zipf-like as DICT's is, and the
 * lengths follow DICT's.  Words are independent draws (no phrases, no
 * topics), and the vocabulary does not grow with N as real text's would.
 * The same SEED (default 1) and DICT give the same output.
 *
 * Exit status 0, or 1 with a message on stderr. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXWORD 40

struct word {
	uint32_t off;    /* in the arena */
	uint32_t len;
	uint64_t cnt[2]; /* in questions, in answers */
};

struct vocab {
	struct word *w;
	uint32_t n, cap;
	uint32_t *slot; /* hash table of w indices + 1 (0 = empty) */
	uint32_t mask;
	char *arena;
	size_t alen, acap;
};

/* Vose's alias table: draw i with probability weight[i] / sum. */
struct alias {
	uint32_t n;
	uint32_t *idx;  /* the words with a non-zero weight */
	uint32_t *alt;
	double *prob;
};

static uint64_t rng_state;

static void die(const char *msg)
{
	fprintf(stderr, "synth: %s\n", msg);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("out of memory");
	return p;
}

/* splitmix64 */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(((rng() >> 32) * (uint64_t)n) >> 32);
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void vocab_grow(struct vocab *v)
{
	uint32_t i, size = v->mask ? 2 * (v->mask + 1) : 1u << 16;

	free(v->slot);
	v->slot = calloc(size, sizeof(*v->slot));
	if (v->slot == NULL)
		die("out of memory");
	v->mask = size - 1;
	for (i = 0; i < v->n; i++) {
		uint32_t h = hash(v->arena + v->w[i].off, v->w[i].len) & v->mask;

		while (v->slot[h])
			h = (h + 1) & v->mask;
		v->slot[h] = i + 1;
	}
}

/* Count one occurrence of s[0..n-1] in field f. */
static void vocab_count(struct vocab *v, const char *s, uint32_t n, int f)
{
	uint32_t h;
	struct word *w;

	if (2 * (v->n + 1) > v->mask)
		vocab_grow(v);
	for (h = hash(s, n) & v->mask; v->slot[h]; h = (h + 1) & v->mask) {
		w = &v->w[v->slot[h] - 1];
		if (w->len == n && memcmp(v->arena + w->off, s, n) == 0) {
			w->cnt[f]++;
			return;
		}
	}
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 1u << 16;
		v->w = xrealloc(v->w, v->cap * sizeof(*v->w));
	}
	if (v->alen + n > v->acap) {
		v->acap = v->acap ? 2 * v->acap : 1u << 20;
		v->arena = xrealloc(v->arena, v->acap);
	}
	w = &v->w[v->n];
	w->off = (uint32_t)v->alen;
	w->len = n;
	w->cnt[0] = w->cnt[1] = 0;
	w->cnt[f] = 1;
	memcpy(v->arena + v->alen, s, n);
	v->alen += n;
	v->slot[h] = ++v->n;
}

static int word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* Count the words of text in field f; returns how many there were. */
static long count_words(struct vocab *v, const char *text, int f)
{
	const unsigned char *s = (const unsigned char *)text;
	char w[MAXWORD];
	long nw = 0;

	while (*s) {
		uint32_t n = 0;

		if (!word_byte(*s)) {
			s++;
			continue;
		}
		for (; word_byte(*s); s++)
			if (n < MAXWORD)
				w[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		nw++;
		/* Longer runs are noise (base64, URLs run together). */
		if (n < MAXWORD && !word_byte(*s))
			vocab_count(v, w, n, f);
	}
	return nw;
}

static void alias_build(struct alias *a, const struct vocab *v, int f)
{
	uint32_t *small, *large, ns = 0, nl = 0, i;
	double sum = 0;

	a->idx = xrealloc(NULL, (v->n + 1) * sizeof(*a->idx));
	a->n = 0;
	for (i = 0; i < v->n; i++)
		if (v->w[i].cnt[f]) {
			a->idx[a->n++] = i;
			sum += (double)v->w[i].cnt[f];
		}
	if (a->n == 0)
		die("the dictionary has no words");
	a->alt = xrealloc(NULL, a->n * sizeof(*a->alt));
	a->prob = xrealloc(NULL, a->n * sizeof(*a->prob));
	small = xrealloc(NULL, a->n * sizeof(*small));
	large = xrealloc(NULL, a->n * sizeof(*large));
	for (i = 0; i < a->n; i++) {
		a->prob[i] = (double)v->w[a->idx[i]].cnt[f] * a->n / sum;
		a->alt[i] = i;
		if (a->prob[i] < 1.0)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];

		a->alt[s] = l;
		a->prob[l] -= 1.0 - a->prob[s];
		if (a->prob[l] < 1.0) {
			nl--;
			small[ns++] = l;
		}
	}
	while (nl)
		a->prob[large[--nl]] = 1.0;
	while (ns)
		a->prob[small[--ns]] = 1.0;
	free(small);
	free(large);
}

static uint32_t alias_draw(const struct alias *a)
{
	uint64_t r = rng();
	uint32_t i = (uint32_t)(((r >> 32) * (uint64_t)a->n) >> 32);
	double u = (double)(r & 0xffffffffu) / 4294967296.0;

	return a->idx[u < a->prob[i] ? i : a->alt[i]];
}

/* Read DICT: count words, keep the answer lengths. */
static void read_dict(const char *path, struct vocab *v, long **lens,
		      long *nlens)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t len;
	long lineno = 0;

	if (fp == NULL) {
		fprintf(stderr, "synth: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	*lens = NULL;
	*nlens = 0;
	while ((len = getline(&line, &cap, fp)) != -1) {
		json_error_t je;
		json_t *o;
		const char *q, *a;

		lineno++;
		if (len <= 1)
			continue;
		o = json_loadb(line, (size_t)len, 0, &je);
		q = json_string_value(json_object_get(o, "question"));
		a = json_string_value(json_object_get(o, "answer"));
		if (q == NULL || a == NULL) {
			fprintf(stderr, "synth: %s:%ld: want a JSON object with "
				"\"question\" and \"answer\"\n", path, lineno);
			exit(1);
		}
		count_words(v, q, 0);
		if ((size_t)*nlens == lcap) {
			lcap = lcap ? 2 * lcap : 1 << 16;
			*lens = xrealloc(*lens, lcap * sizeof(**lens));
		}
		(*lens)[(*nlens)++] = count_words(v, a, 1);
		json_decref(o);
	}
	if (ferror(fp))
		die("read error");
	fclose(fp);
	free(line);
	if (*nlens == 0)
		die("no records in the dictionary");
}

/* Append n words drawn from a, space separated, to out. */
static void put_words(FILE *out, const struct vocab *v, const struct alias *a,
		      long n)
{
	long i;

	for (i = 0; i < n; i++) {
		const struct word *w = &v->w[alias_draw(a)];

		if (i)
			putc_unlocked(' ', out);
		fwrite(v->arena + w->off, 1, w->len, out);
	}
}

int main(int argc, char **argv)
{
	static char obuf[1 << 20];
	struct vocab v;
	struct alias qa, aa;
	long *lens, nlens, n, k;
	unsigned long long seed = 1;
	char *end;
	int c;

	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's')
			die("usage: synth [-s SEED] N DICT.jsonl");
		seed = strtoull(optarg, &end, 10);
		if (*end)
			die("-s wants a number");
	}
	if (optind + 2 != argc)
		die("usage: synth [-s SEED] N DICT.jsonl");
	n = strtol(argv[optind], &end, 10);
	if (*end || n < 0)
		die("N wants a whole number");
	memset(&v, 0, sizeof(v));
	read_dict(argv[optind + 1], &v, &lens, &nlens);
	alias_build(&qa, &v, 0);
	alias_build(&aa, &v, 1);
	fprintf(stderr, "synth: %u words (%u in questions, %u in answers) "
		"from %ld records\n", v.n, qa.n, aa.n, nlens);
	rng_state = seed;
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	for (k = 1; k <= n; k++) {
		long alen = lens[rng_below((uint32_t)nlens)];

		printf("{\"id\":\"synth:%ld\",\"question\":\"", k);
		put_words(stdout, &v, &qa, 2 + (long)rng_below(5));
		fputs("\",\"answer\":\"", stdout);
		put_words(stdout, &v, &aa, alen ? alen : 1);
		fputs("\"}\n", stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error");
	return 0;
}
