/* fuzz_update.c - differential: an index updated in place must answer as
 * a full build of the same records.
 *
 * The input is up to four parts separated by lines "---"; each line of a
 * part is a record, "question<TAB>answer" (no tab: the line is both).
 * Parts 0 and 1 are files f0 and f1 of a full build; an update then
 * replaces f1 by part 2 and adds part 3 as f2.  A full build of f0, part 2
 * (as f1) and part 3 (as f2), in that order, is the reference: the same
 * record count, average lengths, vocabulary and document frequencies,
 * surface words and their counts (spelling is corrected towards them),
 * and the same top-10 scores (pruned and exhaustive) for every record's
 * question asked as a query, up to eight of them.  Acronym expansion is
 * off: an update adds the acronyms of new records but keeps those of
 * removed ones (idx.h), so that table may differ.  Both indexes live in
 * a fresh temporary directory, removed after each input. */
#include <math.h>
#include <unistd.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#include "fuzz.h"

#define MAXREC 48
#define MAXLEN 300

struct rec {
	char q[MAXLEN + 1], a[MAXLEN + 1];
};

struct part {
	struct rec r[MAXREC];
	int n;
};

/* Split the input into parts of records. */
static int parse(const uint8_t *data, size_t size, struct part *parts)
{
	size_t i = 0;
	int np = 1;

	while (i < size) {
		size_t e = i, tab;
		struct part *p = &parts[np - 1];
		struct rec *r;

		while (e < size && data[e] != '\n')
			e++;
		if (e - i == 3 && memcmp(data + i, "---", 3) == 0) {
			if (np == 4)
				break;
			np++;
		} else if (e > i && p->n < MAXREC && e - i <= MAXLEN) {
			r = &p->r[p->n];
			for (tab = i; tab < e && data[tab] != '\t'; tab++)
				;
			memcpy(r->q, data + i, tab - i);
			r->q[tab - i] = '\0';
			if (tab < e) {
				memcpy(r->a, data + tab + 1, e - tab - 1);
				r->a[e - tab - 1] = '\0';
			} else {
				memcpy(r->a, r->q, tab - i + 1);
			}
			/* NUL bytes end the strings early: fine, both builds
			 * see the same text. */
			p->n++;
		}
		i = e + 1;
	}
	return np;
}

static void add_part(struct idx_build *b, const char *name,
		     const struct part *p)
{
	char id[16];
	int i;

	FUZZ_CHECK(idx_build_source(b, name, 1, 1, "h", 0) == 0);
	for (i = 0; i < p->n; i++) {
		snprintf(id, sizeof(id), "%d", i);
		FUZZ_CHECK(idx_build_add(b, id, p->r[i].q, p->r[i].a, i + 1) ==
			   0);
	}
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The top 10 scores of text on x, best first; their count. */
static int top(struct idx *x, struct tok *t, const char *text, int exhaustive,
	       double *out)
{
	struct rank_params p;
	struct rank_query q;
	struct rank_hit hits[10];
	struct qerr err = {0, ""};
	int n = 0, i;

	rank_defaults(&p);
	p.exhaustive = exhaustive;
	FUZZ_CHECK(rank_parse_ex(x, t, text, RANK_EXP_ALL & ~RANK_EXP_ALIAS, &q,
				 &err) == 0);
	FUZZ_CHECK(rank_search(x, &q, &p, 10, hits, &n, &err) == 0);
	for (i = 0; i < n; i++)
		out[i] = hits[i].score;
	qsort(out, (size_t)n, sizeof(*out), cmp_desc);
	return n;
}

struct df_ctx {
	struct idx *other;
	long terms;
};

static int same_df(void *ctx, const char *term, long df)
{
	struct df_ctx *c = ctx;

	c->terms++;
	FUZZ_CHECK(idx_df(c->other, term) == df);
	return 0;
}

/* An order-sensitive digest of the terms idx_vocab_words lists. */
struct words_ctx {
	uint64_t h;
	long n;
};

static int on_word(void *ctx, const char *term, size_t len)
{
	struct words_ctx *w = ctx;
	size_t i;

	FUZZ_CHECK(strlen(term) == len);
	for (i = 0; i <= len; i++)
		w->h = (w->h ^ (unsigned char)term[i]) * 1099511628211u;
	w->n++;
	return 0;
}

/* An order-sensitive digest of the surface words idx_surface_words
 * lists, with their stems and counts. */
static int on_surface(void *ctx, const char *word, size_t n, const char *stem,
		      long count)
{
	struct words_ctx *w = ctx;

	on_word(ctx, word, n);
	on_word(ctx, stem, strlen(stem));
	w->h = (w->h ^ (uint64_t)count) * 1099511628211u;
	return 0;
}

/* The updated index's vocabulary buckets and surface words list, for
 * every prefix of one and two bytes of a term, what the fresh index's
 * list. */
struct prefix_ctx {
	struct idx *x, *y;
};

static int same_words(void *ctx, const char *term, long df)
{
	struct prefix_ctx *c = ctx;
	char prefix[3];
	int len;

	(void)df;
	for (len = 1; len <= 2 && term[len - 1]; len++) {
		struct words_ctx a = {14695981039346656037u, 0};
		struct words_ctx b = {14695981039346656037u, 0};

		memcpy(prefix, term, (size_t)len);
		prefix[len] = '\0';
		FUZZ_CHECK(idx_vocab_words(c->x, prefix, on_word, &a) == 0);
		FUZZ_CHECK(idx_vocab_words(c->y, prefix, on_word, &b) == 0);
		FUZZ_CHECK(a.n > 0 && a.n == b.n && a.h == b.h);
		a.h = b.h = 14695981039346656037u;
		a.n = b.n = 0;
		FUZZ_CHECK(idx_surface_words(c->x, prefix, on_surface, &a) ==
			   0);
		FUZZ_CHECK(idx_surface_words(c->y, prefix, on_surface, &b) ==
			   0);
		FUZZ_CHECK(a.n == b.n && a.h == b.h);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct part parts[4];
	char dir[] = "/tmp/quarry-fuzz-update-XXXXXX", pu[64], pf[64];
	struct qerr err = {0, ""};
	struct idx_build *b = NULL;
	struct idx *x = NULL, *y = NULL;
	struct tok *t;
	struct df_ctx c = {NULL, 0};
	struct prefix_ctx pc;
	double s1[10], s2[10];
	int i, k, n, m, nq = 0;

	memset(parts, 0, sizeof(parts));
	parse(data, size, parts);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(pu, sizeof(pu), "%s/u.db", dir);
	snprintf(pf, sizeof(pf), "%s/f.db", dir);
	FUZZ_CHECK(idx_build_begin(&b, pu, &err) == 0);
	add_part(b, "f0", &parts[0]);
	add_part(b, "f1", &parts[1]);
	FUZZ_CHECK(idx_build_commit(b, &err) == 0);
	FUZZ_CHECK(idx_update_begin(&b, pu, &err) == 0);
	FUZZ_CHECK(idx_update_remove(b, "f1") == 0);
	add_part(b, "f1", &parts[2]);
	add_part(b, "f2", &parts[3]);
	FUZZ_CHECK(idx_update_commit(b, &err) == 0);
	FUZZ_CHECK(idx_build_begin(&b, pf, &err) == 0);
	add_part(b, "f0", &parts[0]);
	add_part(b, "f1", &parts[2]);
	add_part(b, "f2", &parts[3]);
	FUZZ_CHECK(idx_build_commit(b, &err) == 0);

	FUZZ_CHECK(idx_open(&x, pu, &err) == 0);
	FUZZ_CHECK(idx_open(&y, pf, &err) == 0);
	FUZZ_CHECK(idx_ndocs(x) == idx_ndocs(y));
	for (i = 0; i < IDX_NFIELDS; i++)
		FUZZ_CHECK(fabs(idx_avglen(x, i) - idx_avglen(y, i)) <=
			   1e-9 * idx_avglen(y, i));
	FUZZ_CHECK(idx_nterms(x) == idx_nterms(y));
	c.other = y;
	idx_vocab_scan(x, "", same_df, &c);
	FUZZ_CHECK(c.terms == idx_nterms(y));
	pc.x = x;
	pc.y = y;
	idx_vocab_scan(x, "", same_words, &pc);
	t = tok_new(TOK_STEM);
	FUZZ_CHECK(t != NULL);
	for (k = 0; k < 4 && nq < 8; k++)
		for (i = 0; i < parts[k].n && nq < 8; i += 3, nq++) {
			int ex;

			for (ex = 0; ex < 2; ex++) {
				int j;

				n = top(x, t, parts[k].r[i].q, ex, s1);
				m = top(y, t, parts[k].r[i].q, ex, s2);
				FUZZ_CHECK(n == m);
				for (j = 0; j < n; j++)
					FUZZ_CHECK(fabs(s1[j] - s2[j]) <=
						   1e-9 * fabs(s2[j]) + 1e-12);
			}
		}
	tok_free(t);
	idx_close(x);
	idx_close(y);
	unlink(pu);
	unlink(pf);
	rmdir(dir);
	return 0;
}
