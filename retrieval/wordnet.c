/* wordnet.c - WordNet 3.0's database files read in place (see wordnet.h).
 *
 * The format is wndb(5)'s.  index.POS: one line per lemma, sorted by byte,
 * after license lines that start with a space:
 *   lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt
 *   synset_offset...   (senses most frequent first)
 * data.POS: one line per synset, starting at the byte offset that names it:
 *   offset lex_filenum ss_type w_cnt(2 hex) {word lex_id(1 hex)}...
 *   p_cnt(3 dec) {symbol offset pos source/target(4 hex)}... [frames] | gloss
 * A pointer whose source/target is not 0000 is lexical: it relates word
 * number ss (hex) of this synset to word number tt of the target.
 * POS.exc: "inflected base..." per line, sorted. */
#include "wordnet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { NOUN, VERB, ADJ, ADV, NPOS };

struct map {
	const char *p;
	size_t n;
};

struct wn {
	struct map index[NPOS], data[NPOS], exc[NPOS];
};

static const char *const pos_name[NPOS] = {"noun", "verb", "adj", "adv"};

/* Longest lemma or gloss handled; longer ones are skipped. */
#define WN_MAX 256
/* Base forms kept per part of speech. */
#define WN_MAX_BASES 4

/* Map dir/name; an empty or (when optional) missing file maps to nothing.
 * 0 or -1 with errno set. */
static int map_file(const char *dir, const char *name, int optional,
		    struct map *m)
{
	char path[4096];
	struct stat st;
	int fd, e;
	void *p;

	m->p = NULL;
	m->n = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) < 0)
		return optional && errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		e = errno;
		close(fd);
		errno = S_ISREG(st.st_mode) ? e : EINVAL;
		return -1;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (p == MAP_FAILED) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		m->p = p;
		m->n = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

static void unmap(struct map *m)
{
	if (m->p)
		munmap((void *)m->p, m->n);
	m->p = NULL;
}

void wn_close(struct wn *w)
{
	int i;

	if (w == NULL)
		return;
	for (i = 0; i < NPOS; i++) {
		unmap(&w->index[i]);
		unmap(&w->data[i]);
		unmap(&w->exc[i]);
	}
	free(w);
}

struct wn *wn_open(const char *dir)
{
	struct wn *w = calloc(1, sizeof(*w));
	char name[32];
	int i, e;

	if (w == NULL)
		return NULL;
	for (i = 0; i < NPOS; i++) {
		snprintf(name, sizeof(name), "index.%s", pos_name[i]);
		if (map_file(dir, name, 0, &w->index[i]) != 0)
			goto fail;
		snprintf(name, sizeof(name), "data.%s", pos_name[i]);
		if (map_file(dir, name, 0, &w->data[i]) != 0)
			goto fail;
		snprintf(name, sizeof(name), "%s.exc", pos_name[i]);
		if (map_file(dir, name, 1, &w->exc[i]) != 0)
			goto fail;
	}
	return w;
fail:
	e = errno;
	wn_close(w);
	errno = e;
	return NULL;
}

struct wn *wn_shared(void)
{
	static struct wn *w;
	static int tried;
	const char *dir;

	if (tried)
		return w;
	tried = 1;
	dir = getenv("QUARRY_WORDNET");
	if (dir == NULL || *dir == '\0')
		return NULL;
	w = wn_open(dir);
	return w;
}

/* Compare key[0..n) with the first field of the line at s (ended by a
 * space or newline) as bytes. */
static int cmp_field(const char *s, const char *end, const char *key,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, s++) {
		unsigned char a = s < end && *s != ' ' && *s != '\n'
					  ? (unsigned char)*s
					  : 0;

		if (a != (unsigned char)key[i])
			return a < (unsigned char)key[i] ? -1 : 1;
	}
	return s < end && *s != ' ' && *s != '\n' ? 1 : 0;
}

/* The line of m whose first field is key[0..n), or NULL.  (Binary search
 * on byte offsets, each probe moved back to its line's start.) */
static const char *find_line(const struct map *m, const char *key, size_t n)
{
	size_t lo = 0, hi = m->n;
	const char *end;

	if (m->p == NULL || m->n == 0) /* (a file missing or empty) */
		return NULL;
	end = m->p + m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, s = mid, e;
		int c;

		while (s > lo && m->p[s - 1] != '\n')
			s--;
		c = m->p[s] == ' ' ? -1 : cmp_field(m->p + s, end, key, n);
		if (c == 0)
			return m->p + s;
		if (c > 0) {
			hi = s;
			continue;
		}
		e = s;
		while (e < m->n && m->p[e] != '\n')
			e++;
		lo = e + 1;
	}
	return NULL;
}

/* The next blank-separated field after *s (up to end of line). */
static size_t field(const char **s, const char *end, const char **out)
{
	const char *p = *s;
	size_t n;

	while (p < end && *p == ' ')
		p++;
	*out = p;
	while (p < end && *p != ' ' && *p != '\n')
		p++;
	n = (size_t)(p - *out);
	*s = p;
	return n;
}

static long num(const char *s, size_t n, int base)
{
	char b[16];

	if (n == 0 || n >= sizeof(b))
		return -1;
	memcpy(b, s, n);
	b[n] = '\0';
	return strtol(b, NULL, base);
}

/* The suffix rules of morphy, per part of speech: {ending, replacement}. */
static const char *const rules[NPOS][8][2] = {
	{{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"},
	 {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	{{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"},
	 {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
	{{NULL, NULL}},
};

struct bases {
	char b[WN_MAX_BASES][WN_MAX];
	const char *line[WN_MAX_BASES]; /* its index line */
	int n;
};

static void add_base(const struct wn *w, int pos, struct bases *bs,
		     const char *s, size_t n)
{
	const char *l;
	int i;

	if (bs->n == WN_MAX_BASES || n == 0 || n >= WN_MAX)
		return;
	for (i = 0; i < bs->n; i++)
		if (strlen(bs->b[i]) == n && memcmp(bs->b[i], s, n) == 0)
			return;
	if ((l = find_line(&w->index[pos], s, n)) == NULL)
		return;
	memcpy(bs->b[bs->n], s, n);
	bs->b[bs->n][n] = '\0';
	bs->line[bs->n++] = l;
}

/* The base forms of word (underscored) that index.pos holds. */
static void morphy(const struct wn *w, int pos, const char *word, size_t n,
		   struct bases *bs)
{
	const struct map *x = &w->exc[pos];
	const char *l = x->p ? find_line(x, word, n) : NULL;
	char b[WN_MAX];
	int r;

	bs->n = 0;
	add_base(w, pos, bs, word, n);
	if (l) {
		const char *end = x->p + x->n, *f, *s = l;
		size_t k = field(&s, end, &f);

		while ((k = field(&s, end, &f)) > 0)
			add_base(w, pos, bs, f, k);
	}
	for (r = 0; r < 8 && rules[pos][r][0]; r++) {
		size_t e = strlen(rules[pos][r][0]);
		size_t a = strlen(rules[pos][r][1]);

		if (n <= e || memcmp(word + n - e, rules[pos][r][0], e) != 0 ||
		    n - e + a >= sizeof(b))
			continue;
		memcpy(b, word, n - e);
		memcpy(b + n - e, rules[pos][r][1], a);
		add_base(w, pos, bs, b, n - e + a);
	}
}

/* A data file's word as a lemma: lower case, spaces, no adjective
 * marker ("(a)"). */
static void lemma_of(const char *s, size_t n, char *out)
{
	size_t i;

	if (n >= WN_MAX)
		n = WN_MAX - 1;
	if (n > 0 && s[n - 1] == ')') {
		const char *o = memchr(s, '(', n);

		if (o)
			n = (size_t)(o - s);
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		out[i] = c == '_' ? ' ' : (c >= 'A' && c <= 'Z') ? c + 32 : c;
	}
	out[n] = '\0';
}

static int pos_of(char c)
{
	switch (c) {
	case 'n': return NOUN;
	case 'v': return VERB;
	case 'a':
	case 's': return ADJ;
	case 'r': return ADV;
	}
	return -1;
}

/* One synset line, parsed enough to walk. */
struct synset {
	const char *words; /* at the first word */
	int nwords;
	const char *ptrs;  /* at the first pointer */
	int nptrs;
	const char *gloss; /* after "| ", to the end of line */
	const char *end;   /* end of line */
};

static int read_synset(const struct wn *w, int pos, long off,
		       struct synset *ss)
{
	const struct map *m = &w->data[pos];
	const char *s, *end, *f;
	size_t k;
	int i;

	if (off < 0 || (size_t)off >= m->n)
		return -1;
	s = m->p + off;
	end = memchr(s, '\n', m->n - (size_t)off);
	if (end == NULL)
		end = m->p + m->n;
	ss->end = end;
	field(&s, end, &f); /* offset */
	field(&s, end, &f); /* lex_filenum */
	field(&s, end, &f); /* ss_type */
	k = field(&s, end, &f);
	ss->nwords = (int)num(f, k, 16);
	if (ss->nwords < 0)
		return -1;
	ss->words = s;
	for (i = 0; i < 2 * ss->nwords; i++)
		field(&s, end, &f);
	k = field(&s, end, &f);
	ss->nptrs = (int)num(f, k, 10);
	if (ss->nptrs < 0)
		return -1;
	ss->ptrs = s;
	f = memchr(s, '|', (size_t)(end - s));
	ss->gloss = f ? f + 1 : end;
	while (ss->gloss < end && *ss->gloss == ' ')
		ss->gloss++;
	return 0;
}

/* Word number k (1-based; 0: every word) of a synset, but not skip, to
 * fn. */
static int report_words(const struct synset *ss, int k, const char *skip,
			int rel, int sense, wn_fn fn, void *ctx)
{
	const char *s = ss->words, *f, *id;
	char lem[WN_MAX];
	int i, rc;

	for (i = 1; i <= ss->nwords; i++) {
		size_t n = field(&s, ss->end, &f);

		field(&s, ss->end, &id); /* lex_id */
		if (k && i != k)
			continue;
		lemma_of(f, n, lem);
		if (strcmp(lem, skip) != 0 && (rc = fn(ctx, lem, rel, sense)))
			return rc;
	}
	return 0;
}

/* Which word of the synset lemma is (1-based), or 0. */
static int word_number(const struct synset *ss, const char *lemma)
{
	const char *s = ss->words, *f, *id;
	char lem[WN_MAX];
	int i;

	for (i = 1; i <= ss->nwords; i++) {
		size_t n = field(&s, ss->end, &f);

		field(&s, ss->end, &id); /* lex_id */
		lemma_of(f, n, lem);
		if (strcmp(lem, lemma) == 0)
			return i;
	}
	return 0;
}

static int rel_of(const char *sym, size_t n)
{
	if (sym[0] == '@' && (n == 1 || (n == 2 && sym[1] == 'i')))
		return WN_HYPERNYM;
	if (sym[0] == '~' && (n == 1 || (n == 2 && sym[1] == 'i')))
		return WN_HYPONYM;
	if (n == 1 && sym[0] == '+')
		return WN_DERIVED;
	if (n == 1 && (sym[0] == '&' || sym[0] == '^'))
		return WN_SIMILAR;
	return 0;
}

/* What one sense (synset) of lemma relates, to fn. */
static int walk_sense(const struct wn *w, int pos, long off,
		      const char *lemma, int rels, int sense, wn_fn fn,
		      void *ctx)
{
	struct synset ss, t;
	const char *s, *f;
	char gl[WN_MAX];
	int i, me, rc;

	if (read_synset(w, pos, off, &ss) != 0)
		return 0;
	if ((rels & WN_SYNONYM) &&
	    (rc = report_words(&ss, 0, lemma, WN_SYNONYM, sense, fn, ctx)))
		return rc;
	me = word_number(&ss, lemma);
	s = ss.ptrs;
	for (i = 0; i < ss.nptrs; i++) {
		const char *sym, *o, *p, *st;
		size_t ns = field(&s, ss.end, &sym), no, np, nt;
		int rel = rel_of(sym, ns), tp, src, dst;

		no = field(&s, ss.end, &o);
		np = field(&s, ss.end, &p);
		nt = field(&s, ss.end, &st);
		if (!(rels & rel) || np != 1 || nt != 4 ||
		    (tp = pos_of(p[0])) < 0)
			continue;
		src = (int)num(st, 2, 16);
		dst = (int)num(st + 2, 2, 16);
		if (src != 0 && src != me)
			continue;
		if (read_synset(w, tp, num(o, no, 10), &t) != 0)
			continue;
		if ((rc = report_words(&t, dst, lemma, rel, sense, fn, ctx)))
			return rc;
	}
	if (rels & WN_GLOSS) {
		/* the definition: up to the first ';' or example */
		size_t n = 0;

		/* (bounded: the map need not end in a NUL) */
		while (ss.gloss + n < ss.end && ss.gloss[n] != ';' &&
		       ss.gloss[n] != '"')
			n++;
		while (n > 0 && ss.gloss[n - 1] == ' ')
			n--;
		if (n > 0 && n < WN_MAX) {
			memcpy(gl, ss.gloss, n);
			gl[n] = '\0';
			if ((rc = fn(ctx, gl, WN_GLOSS, sense)))
				return rc;
		}
	}
	(void)f;
	return 0;
}

/* word[0..n) with spaces as underscores into out[WN_MAX]; 0 when it does
 * not fit. */
static size_t underscored(const char *word, size_t n, char *out)
{
	size_t i;

	if (n == 0 || n >= WN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = word[i] == ' ' ? '_' : word[i];
	out[n] = '\0';
	return n;
}

int wn_related(const struct wn *w, const char *word, size_t n, int rels,
	       int max_senses, wn_fn fn, void *ctx)
{
	char u[WN_MAX], lemma[WN_MAX];
	struct bases bs;
	int pos, b, known = 0, rc;

	if (w == NULL || (n = underscored(word, n, u)) == 0)
		return 0;
	for (pos = 0; pos < NPOS; pos++) {
		morphy(w, pos, u, n, &bs);
		for (b = 0; b < bs.n; b++) {
			const struct map *m = &w->index[pos];
			const char *s = bs.line[b], *end, *f;
			long nsyn, np, i;
			size_t k;

			end = memchr(s, '\n', m->n - (size_t)(s - m->p));
			if (end == NULL)
				end = m->p + m->n;
			known = 1;
			lemma_of(bs.b[b], strlen(bs.b[b]), lemma);
			field(&s, end, &f); /* lemma */
			field(&s, end, &f); /* pos */
			/* (field sets f: called before num reads it, whatever
			 * order a compiler gives the arguments) */
			k = field(&s, end, &f);
			nsyn = num(f, k, 10);
			k = field(&s, end, &f);
			np = num(f, k, 10);
			for (i = 0; i < np; i++)
				field(&s, end, &f);
			field(&s, end, &f); /* sense_cnt */
			field(&s, end, &f); /* tagsense_cnt */
			for (i = 0; i < nsyn && i < max_senses; i++) {
				k = field(&s, end, &f);
				rc = walk_sense(w, pos, num(f, k, 10), lemma,
						rels, (int)i + 1, fn, ctx);
				if (rc)
					return rc;
			}
		}
	}
	return known;
}

int wn_knows(const struct wn *w, const char *word, size_t n)
{
	char u[WN_MAX];
	struct bases bs;
	int pos;

	if (w == NULL || (n = underscored(word, n, u)) == 0)
		return 0;
	for (pos = 0; pos < NPOS; pos++) {
		morphy(w, pos, u, n, &bs);
		if (bs.n > 0)
			return 1;
	}
	return 0;
}
