/* cmd_eval.c - quarry eval [options] DIR...
 *
 * Scores quarry's ranking on judged collections in BEIR layout
 * (corpus.jsonl, queries.jsonl, qrels/test.tsv; read by eval_coll.c) and,
 * in the same run on the same records, two anchors: SQLite FTS5's bm25()
 * with the porter tokenizer, and the same with English stop words dropped
 * from the query and the title weighted 2 (eval_fts5.c); quarry is also
 * compared with the better of the two on each collection.  Each
 * collection is indexed into a private temporary directory that is
 * removed afterwards.  Every judged query (one with qrels lines) is ranked
 * with k = 100 (rank_run) and scored with retrieval/metrics; queries
 * without qrels are only counted, and with --declines give the decline
 * trade-off.  Output: a table, or one JSON object, of nDCG@10, MAP@100,
 * MRR@10, P@1, R@100 and ranking time per collection and system, their
 * means, and optionally one TSV line per query for error analysis. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../retrieval/metrics.h"
#include "cli.h"
#include "options.h"
#include "eval.h"

/* SYS_FTS5_BEST is not run: it names the mean over collections of each
 * one's better FTS5 set-up (by nDCG@10). */
enum { SYS_BM25, SYS_TFIDF, SYS_FTS5, SYS_FTS5_STOP, SYS_FTS5_BEST, NSYS };

static const char *const sys_name[NSYS] = {"quarry-bm25", "quarry-tfidf",
					   "fts5", "fts5-stop", "best-fts5"};

static int is_fts5(int sys)
{
	return sys == SYS_FTS5 || sys == SYS_FTS5_STOP;
}

/* The decline trade-off's thresholds: 0, 0.05, ..., 1. */
#define DECLINE_STEPS 21
#define DECLINE_STEP 0.05

struct eval_opts {
	int run[NSYS]; /* which systems to score */
	int declines;  /* show the decline trade-off */
	int json;
	const char *per_query; /* TSV path or NULL */
	const char *features;  /* decline features TSV path or NULL */
	FILE *features_fp;     /* ... opened */
	int check_pruning;     /* compare MaxScore with exhaustive scoring */
	double threshold;      /* confidence below which ask declines */
	struct rank_params params;
};

/* One line of the result table. */
struct row {
	const char *name; /* collection, or "mean" */
	int sys;
	struct metrics_scores m; /* mean over queries (or collections) */
	int queries;
	double ms; /* total ranking time */
	int unjudged;
	/* quarry-bm25 on a collection with unjudged queries: how many of the
	 * answerable (judged) and unanswerable (unjudged) queries would be
	 * declined at threshold i * DECLINE_STEP */
	int has_declines;
	int dec_ans[DECLINE_STEPS], dec_una[DECLINE_STEPS];
};

/* Ranks text; fills ranked[0..*n) with doc ids, valid until the next call.
 * Returns 0 or an error code (err set). */
typedef int (*search_fn)(void *ctx, const char *text, const char **ranked,
			 int *n, struct qerr *err);

/* eval's own options; its --model also takes "both". */
static const struct option own_opts[] = {
	{"check-pruning", no_argument, NULL, 'X'},
	{"declines", no_argument, NULL, 'D'},
	{"features", required_argument, NULL, 'R'},
	{"model", required_argument, NULL, 'm'},
	{"no-fts5", no_argument, NULL, 'F'},
	{"per-query", required_argument, NULL, 'P'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry eval [options] DIR...\n\n"
		"Score ranking on judged collections in BEIR layout: each DIR holds\n"
		"corpus.jsonl ({\"_id\",\"title\",\"text\"}), queries.jsonl\n"
		"({\"_id\",\"text\"}) and qrels/test.tsv (query-id, corpus-id, score;\n"
		"a header line first).  Each corpus is indexed into a temporary\n"
		"file under $TMPDIR (default /tmp) that is removed afterwards.  Every\n"
		"query with qrels is ranked (top 100) by quarry and by two SQLite\n"
		"FTS5 set-ups over the same records: fts5, bm25() with the porter\n"
		"unicode61 tokenizer and every word of the question; fts5-stop, the\n"
		"same without the 127 words of Snowball's English stop word list\n"
		"(unless the question has no other word) and with the title column\n"
		"weighted 2.  best-fts5 is the better of the two on each collection\n"
		"by nDCG@10; quarry's gain is shown against fts5 and against it.\n"
		"Queries without qrels are counted as unjudged.\n\n"
		"Measures, as trec_eval defines them (qrels score = gain; a score\n"
		"<= 0 is not relevant): nDCG@10, MAP@100, MRR@10, P@1, R@100, each\n"
		"the mean over a collection's judged queries, and the ranking time\n"
		"per query in ms.  The mean rows average the collections' values\n"
		"(queries: their sum; ms/query: over all queries).  Arguments that\n"
		"are not directories (a README beside the collections) are skipped\n"
		"with a warning.\n\n"
		"options:\n"
		"  --model M         bm25 (default), tfidf or both\n");
	cli_opts_help(fp, CLI_G_RANK, own_opts);
	fprintf(fp,
		"  --features FILE   for collections with unjudged queries, write\n"
		"                    one TSV line per query: collection, query-id\n"
		"                    (empty for unjudged), answerable (1 judged,\n"
		"                    0 not), the decline rule's features (for\n"
		"                    tests/quality/fit_decline.py)\n"
		"  --no-fts5         skip both FTS5 set-ups\n"
		"  --threshold X     probability of an answer below which ask\n"
		"                    declines (" RANK_THRESHOLD_TEXT ");\n"
		"                    for collections with unjudged queries (taken\n"
		"                    as unanswerable) prints how many of each kind\n"
		"                    would be declined\n"
		"  --declines        for those collections also the trade-off: at\n"
		"                    each threshold from 0 to 1 in steps of 0.05,\n"
		"                    the share of unanswerable and of answerable\n"
		"                    questions declined (nothing found, or the best\n"
		"                    answer's confidence below the threshold)\n"
		"  --check-pruning   also rank every query exhaustively and check\n"
		"                    that MaxScore gave the same records and\n"
		"                    scores (exit 3 if not)\n"
		"  -j, --json        one JSON object: {\"collections\":[{\"name\",\n"
		"                    \"system\",\"ndcg10\",\"map100\",\"mrr10\",\"p1\",\n"
		"                    \"recall100\",\"queries\",\"ms_per_query\",\n"
		"                    \"unjudged\"}],\"mean\":[{\"system\",...,\n"
		"                    \"collections\"[,\"ndcg10_vs_fts5\",\n"
		"                    \"ndcg10_vs_best_fts5\"]}],\"best_fts5\":[{\"name\",\n"
		"                    \"system\",\"ndcg10\"}],\"unjudged\"}; with --declines\n"
		"                    a quarry-bm25 collection entry also has\n"
		"                    \"declines\":[{\"threshold\",\"unanswerable\",\n"
		"                    \"answerable\"}] (counts declined)\n"
		"  --per-query FILE  write one TSV line per judged query and system:\n"
		"                    collection, system, query-id, ndcg10, rr (MRR@10),\n"
		"                    p1, top1-id (empty when nothing was found)\n"
		"  -h, --help        this help\n\n"
		"exit status: 0 done, 2 usage, 3 bad data (JSON, qrels), 4 I/O error\n"
		"(a missing file, say).\n");
}

/* ---- options ---- */

static int parse_model(const char *s, struct eval_opts *o)
{
	int bm25 = strcmp(s, "bm25") == 0 || strcmp(s, "both") == 0;
	int tfidf = strcmp(s, "tfidf") == 0 || strcmp(s, "both") == 0;

	if (!bm25 && !tfidf) {
		cli_error("eval: --model is bm25, tfidf or both, not '%s'", s);
		return QERR_USAGE;
	}
	o->run[SYS_BM25] = bm25;
	o->run[SYS_TFIDF] = tfidf;
	return 0;
}

static const struct cli_opts_spec spec = {
	"eval", CLI_G_HELP | CLI_G_ANSWER | CLI_G_RANK, own_opts, "", usage,
};

/* Returns 0, CLI_HELP_SHOWN, or QERR_USAGE (message printed). */
static int parse_opts(int argc, char **argv, struct eval_opts *o)
{
	struct cli_shared s;
	struct cli_getopt g;
	int c, rc = 0;

	cli_shared_init(&s);
	cli_getopt_init(&g, &spec, &s);
	while (rc == 0 && (c = cli_getopt_next(&g, argc, argv)) != 0) {
		switch (c) {
		case 'D': o->declines = 1; break;
		case 'R': o->features = optarg; break;
		case 'F': o->run[SYS_FTS5] = o->run[SYS_FTS5_STOP] = 0; break;
		case 'P': o->per_query = optarg; break;
		case 'X': o->check_pruning = 1; break;
		case 'm': rc = parse_model(optarg, o); break;
		}
	}
	if (rc == 0)
		rc = g.status;
	if (rc != 0)
		return rc;
	o->json = s.json;
	o->threshold = s.threshold;
	o->params = s.params;
	if (optind >= argc) {
		cli_error("eval: no collection directory given (see quarry eval "
			  "--help)");
		return QERR_USAGE;
	}
	return 0;
}

/* The last path component of dir, without trailing slashes; "." and ".."
 * are resolved first.  Malloc'ed, or NULL. */
static char *coll_name(const char *dir)
{
	char *s = strdup(dir), *end, *base;

	if (s == NULL)
		return NULL;
	end = s + strlen(s);
	while (end > s + 1 && end[-1] == '/')
		*--end = '\0';
	base = strrchr(s, '/');
	base = base && base[1] ? base + 1 : s;
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		char *real = realpath(dir, NULL);

		if (real != NULL) {
			free(s);
			s = real;
			base = strrchr(s, '/');
			base = base && base[1] ? base + 1 : s;
		}
	}
	memmove(s, base, strlen(base) + 1);
	return s;
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* ---- scoring one system ---- */

/* Rank every judged query with fn, average the measures into row and
 * write per-query lines to pq (when not NULL). */
static int run_system(const struct eval_coll *c, int sys, search_fn fn, void *ctx,
		      FILE *pq, struct row *row, struct qerr *err)
{
	const char *ranked[EVAL_K];
	int i, n, rc = 0;

	memset(row, 0, sizeof(*row));
	row->name = c->name;
	row->sys = sys;
	row->queries = c->nq;
	row->unjudged = c->unjudged;
	for (i = 0; i < c->nq && rc == 0; i++) {
		const struct eval_query *q = &c->q[i];
		struct metrics_scores s;
		struct timespec t0, t1;

		n = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = fn(ctx, q->text, ranked, &n, err);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc != 0)
			break;
		row->ms += elapsed_ms(&t0, &t1);
		metrics_score(ranked, n, &q->qr, &s);
		metrics_add(&row->m, &s);
		if (pq)
			fprintf(pq, "%s\t%s\t%s\t%.4f\t%.4f\t%.0f\t%s\n",
				c->name, sys_name[sys], q->id, s.ndcg10,
				s.mrr10, s.p1,
				n > 0 && ranked[0] ? ranked[0] : "");
	}
	metrics_div(&row->m, c->nq);
	return rc;
}

/* ---- quarry ---- */

struct qctx {
	struct idx *x;
	struct tok *t;
	struct rank_params params;
	char **ext; /* internal doc id -> corpus _id */
	long ndocs;
	struct rank_run run;  /* ranking: EVAL_K hits, no confidence needed */
	struct rank_run best; /* the decline rule: the best hit only */
	int check;            /* also rank exhaustively and compare */
	FILE *features;       /* --features, or NULL */
	long checked, differ; /* queries compared, and those that differed */
};

/* Would ask decline text (rank_run's rule)?  Returns 1 or 0, or -1 on
 * error. */
static int declines(struct qctx *q, const char *text, struct qerr *err)
{
	if (rank_run(q->x, q->t, &q->params, text, &q->best, err) != 0)
		return -1;
	return q->best.declined;
}

/* Count text into dec[i] for each trade-off threshold i * DECLINE_STEP
 * that declines it: nothing found, or the probability of an answer below
 * it. */
static void count_curve(const struct rank_run *r, int *dec)
{
	int i;

	for (i = 0; i < DECLINE_STEPS; i++)
		dec[i] += r->nhits == 0 ||
			  r->answerable < i * DECLINE_STEP - 1e-9;
}

/* One --features line for the last declines() run. */
static void write_features(FILE *fp, const char *coll, const char *id,
			   int answerable, const struct rank_run *r)
{
	int i;

	if (fp == NULL)
		return;
	fprintf(fp, "%s\t%s\t%d\t%d", coll, id, answerable, r->nhits > 0);
	for (i = 0; i < RANK_NFEAT; i++)
		fprintf(fp, "\t%.6g", r->feat[i]);
	fputc('\n', fp);
}

/* For collections with unanswerable (unjudged) questions: how many of
 * each kind ask would decline, and (into row) the trade-off. */
static int report_declines(struct qctx *q, const struct eval_coll *c,
			   struct row *row, struct qerr *err)
{
	int i, d, ans = 0, una = 0;

	row->has_declines = 1;
	for (i = 0; i < c->nq; i++) {
		if ((d = declines(q, c->q[i].text, err)) < 0)
			return err ? err->code : QERR_IO;
		ans += d;
		count_curve(&q->best, row->dec_ans);
		write_features(q->features, c->name, c->q[i].id, 1, &q->best);
	}
	for (i = 0; i < c->unjudged; i++) {
		if ((d = declines(q, c->utext[i], err)) < 0)
			return err ? err->code : QERR_IO;
		una += d;
		count_curve(&q->best, row->dec_una);
		write_features(q->features, c->name, "", 0, &q->best);
	}
	printf("declined at threshold %.2f in %s: answerable %d/%d (%.1f%%), "
	       "unanswerable %d/%d (%.1f%%)\n", q->best.threshold, c->name, ans,
	       c->nq, c->nq ? 100.0 * ans / c->nq : 0.0, una, c->unjudged,
	       c->unjudged ? 100.0 * una / c->unjudged : 0.0);
	return 0;
}

/* Rank the last query exhaustively too; count it as differing unless
 * both rankings agree on every record and score. */
static int check_exhaustive(struct qctx *q, const char *text,
			    struct qerr *err)
{
	const struct rank_run *r = &q->run;
	struct rank_params p = q->params;
	struct rank_hit ex[EVAL_K];
	int m = 0, n = r->nhits, i, rc;

	p.exhaustive = 1;
	rc = rank_search_fused(q->x, &r->q, &p, text, EVAL_K, ex, &m, NULL,
			       err);
	if (rc != 0)
		return rc;
	q->checked++;
	for (i = 0; i < n && m == n; i++)
		if (ex[i].doc != r->hits[i].doc || ex[i].score != r->hits[i].score)
			break;
	if (m != n || i < n)
		q->differ++;
	return 0;
}

static int quarry_search(void *ctx, const char *text, const char **ranked,
			 int *n, struct qerr *err)
{
	struct qctx *q = ctx;
	int i, rc = rank_run(q->x, q->t, &q->params, text, &q->run, err);

	if (rc == 0 && q->check && q->params.model == RANK_BM25)
		rc = check_exhaustive(q, text, err);
	*n = 0;
	if (rc != 0)
		return rc;
	*n = q->run.nhits;
	for (i = 0; i < *n; i++) {
		long d = q->run.hits[i].doc;

		ranked[i] = d >= 0 && d < q->ndocs ? q->ext[d] : NULL;
	}
	return 0;
}

static void qctx_clear(struct qctx *q)
{
	long i;

	for (i = 0; q->ext && i < q->ndocs; i++)
		free(q->ext[i]);
	free(q->ext);
	tok_free(q->t);
	idx_close(q->x);
	rank_run_clear(&q->run);
	rank_run_clear(&q->best);
	q->ext = NULL;
	q->t = NULL;
	q->x = NULL;
}

/* Open the index at db and map its doc ids to the corpus ids. */
static int qctx_open(struct qctx *q, const char *db, struct qerr *err)
{
	long i;
	int rc = idx_open(&q->x, db, err);

	if (rc != 0)
		return rc;
	q->ndocs = idx_ndocs(q->x);
	q->ext = calloc(q->ndocs > 0 ? (size_t)q->ndocs : 1, sizeof(*q->ext));
	q->t = cli_query_tok();
	if (q->ext == NULL || q->t == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	for (i = 0; i < q->ndocs && rc == 0; i++) {
		struct idx_doc d;

		rc = idx_get_doc(q->x, i, &d, err);
		if (rc == 0) {
			q->ext[i] = d.ext_id;
			d.ext_id = NULL;
			idx_doc_clear(&d);
		}
	}
	return rc;
}

/* Remove every entry of our private temporary directory (the index, its
 * journal, a build's leftovers), keeping the directory itself. */
static void empty_tmpdir(const char *tmpdir)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = eval_path_join(tmpdir, e->d_name);
		if (p)
			unlink(p);
		free(p);
	}
	closedir(d);
}

/* Index the corpus, then score each quarry model the options ask for. */
static int run_quarry(const struct eval_coll *c, const struct eval_opts *o,
		      const char *tmpdir, FILE *pq, struct row *rows, int *nrows,
		      struct qerr *err)
{
	struct qctx q;
	char *corpus = eval_path_join(c->dir, "corpus.jsonl");
	char *db = eval_path_join(tmpdir, "index.db");
	struct ingest_cb cb = {cli_on_warn, NULL, NULL, NULL, 0, 0};
	int rc, sys, bm25_row = -1;

	memset(&q, 0, sizeof(q));
	q.params = o->params;
	q.check = o->check_pruning;
	q.features = o->features_fp;
	rank_run_init(&q.run, EVAL_K, o->threshold);
	q.run.nconf = 1;
	rank_run_init(&q.best, 1, o->threshold);
	if (corpus == NULL || db == NULL)
		rc = qerr_set(err, QERR_IO, "out of memory");
	else
		rc = ingest_build(db, &corpus, 1, &cb, NULL, err);
	cli_warn_vectors();
	if (rc == 0)
		rc = qctx_open(&q, db, err);
	for (sys = SYS_BM25; sys <= SYS_TFIDF && rc == 0; sys++) {
		if (!o->run[sys])
			continue;
		q.params.model = sys == SYS_BM25 ? RANK_BM25 : RANK_TFIDF;
		rc = run_system(c, sys, quarry_search, &q, pq, &rows[*nrows],
				err);
		if (rc == 0 && sys == SYS_BM25)
			bm25_row = *nrows;
		if (rc == 0)
			(*nrows)++;
	}
	if (rc == 0 && c->unjudged > 0 && bm25_row >= 0) {
		q.params.model = RANK_BM25;
		rc = report_declines(&q, c, &rows[bm25_row], err);
	}
	if (rc == 0 && q.check) {
		printf("pruning check %s: %ld of %ld queries identical to "
		       "exhaustive scoring\n", c->name, q.checked - q.differ,
		       q.checked);
		if (q.differ)
			rc = qerr_set(err, QERR_DATA, "%s: MaxScore and exhaustive "
				      "scoring differ on %ld queries", c->name,
				      q.differ);
	}
	qctx_clear(&q);
	empty_tmpdir(tmpdir);
	free(corpus);
	free(db);
	return rc;
}

/* ---- the FTS5 anchor ---- */

static int fts5_search(void *ctx, const char *text, const char **ranked,
		       int *n, struct qerr *err)
{
	return eval_fts5_search(ctx, text, ranked, n, err);
}

/* Load the collection's records into FTS5 set up for sys (SYS_FTS5 or
 * SYS_FTS5_STOP) and score its ranking. */
static int run_fts5(const struct eval_coll *c, int sys, FILE *pq,
		    struct row *rows, int *nrows, struct qerr *err)
{
	char *corpus = eval_path_join(c->dir, "corpus.jsonl");
	struct eval_fts5 *f = NULL;
	int rc;

	if (corpus == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = eval_fts5_open(corpus,
			    sys == SYS_FTS5 ? EVAL_FTS5_PLAIN : EVAL_FTS5_STOP,
			    &f, err);
	if (rc == 0)
		rc = run_system(c, sys, fts5_search, f, pq, &rows[*nrows], err);
	if (rc == 0)
		(*nrows)++;
	eval_fts5_close(f);
	free(corpus);
	return rc;
}

/* ---- one collection ---- */

static int eval_dir(const char *dir, const char *name,
		    const struct eval_opts *o, const char *tmpdir, FILE *pq,
		    struct row *rows, int *nrows, struct qerr *err)
{
	struct eval_coll c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.name = name;
	rc = eval_coll_load(&c, err);
	if (rc == 0 && c.nq == 0)
		cli_warn("%s: no judged queries", name);
	if (rc == 0 && (o->run[SYS_BM25] || o->run[SYS_TFIDF]))
		rc = run_quarry(&c, o, tmpdir, pq, rows, nrows, err);
	if (rc == 0 && o->run[SYS_FTS5])
		rc = run_fts5(&c, SYS_FTS5, pq, rows, nrows, err);
	if (rc == 0 && o->run[SYS_FTS5_STOP])
		rc = run_fts5(&c, SYS_FTS5_STOP, pq, rows, nrows, err);
	eval_coll_clear(&c);
	return rc;
}

/* Is dir a collection?  0 (and *skip = 1 for a non-directory, which the
 * caller skips), or QERR_IO naming what is missing. */
static int check_dir(const char *dir, int *skip, struct qerr *err)
{
	static const char *const need[] = {"corpus.jsonl", "queries.jsonl",
					   "qrels/test.tsv"};
	struct stat sb;
	size_t i;

	*skip = 0;
	if (stat(dir, &sb) != 0) {
		int e = errno;

		return qerr_set(err, QERR_IO, "%s: %s", dir, strerror(e));
	}
	if (!S_ISDIR(sb.st_mode)) {
		*skip = 1;
		return 0;
	}
	for (i = 0; i < sizeof(need) / sizeof(*need); i++) {
		char *p = eval_path_join(dir, need[i]);
		int e;

		if (p == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
		if (access(p, R_OK) != 0) {
			e = errno;
			qerr_set(err, QERR_IO, "%s: %s (not a BEIR collection)",
				 p, strerror(e));
			free(p);
			return QERR_IO;
		}
		free(p);
	}
	return 0;
}

/* ---- output ---- */

/* The mean over collections of each system's row, into out[] (one per
 * system that ran); a collection without judged queries is left out.
 * Returns how many; *ncoll receives the collections averaged. */
static int mean_rows(const struct row *rows, int nrows, struct row *out,
		     int *ncoll)
{
	int sys, i, n = 0;

	for (sys = 0; sys < NSYS; sys++) {
		struct row *m = &out[n];
		int k = 0;

		memset(m, 0, sizeof(*m));
		m->name = "mean";
		m->sys = sys;
		for (i = 0; i < nrows; i++) {
			if (rows[i].sys != sys || rows[i].queries == 0)
				continue;
			metrics_add(&m->m, &rows[i].m);
			m->queries += rows[i].queries;
			m->ms += rows[i].ms;
			k++;
		}
		if (k == 0)
			continue;
		metrics_div(&m->m, k);
		*ncoll = k;
		n++;
	}
	return n;
}

static double per_query_ms(const struct row *r)
{
	return r->queries ? r->ms / r->queries : 0;
}

/* Is rows[i] the first row of its collection (rows come grouped)? */
static int first_of_coll(const struct row *rows, int i)
{
	return i == 0 || strcmp(rows[i - 1].name, rows[i].name) != 0;
}

/* The row of system sys for collection name, or NULL. */
static const struct row *find_row(const struct row *rows, int nrows,
				  const char *name, int sys)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (rows[i].sys == sys && strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

/* The better of collection name's two FTS5 rows by nDCG@10 (the plain one
 * on a tie), or NULL when neither ran. */
static const struct row *best_fts5(const struct row *rows, int nrows,
				   const char *name)
{
	const struct row *a = find_row(rows, nrows, name, SYS_FTS5);
	const struct row *b = find_row(rows, nrows, name, SYS_FTS5_STOP);

	return a == NULL || (b && b->m.ndcg10 > a->m.ndcg10) ? b : a;
}

/* Append to mean[*nmean] the mean over collections (with judged queries)
 * of each one's better FTS5 row, as system SYS_FTS5_BEST, when both FTS5
 * set-ups ran. */
static void add_best_mean(const struct row *rows, int nrows, struct row *mean,
			  int *nmean)
{
	struct row *m = &mean[*nmean];
	int i, k = 0;

	memset(m, 0, sizeof(*m));
	m->name = "mean";
	m->sys = SYS_FTS5_BEST;
	for (i = 0; i < nrows; i++) {
		const struct row *b;

		if (!first_of_coll(rows, i) ||
		    find_row(rows, nrows, rows[i].name, SYS_FTS5) == NULL ||
		    find_row(rows, nrows, rows[i].name, SYS_FTS5_STOP) == NULL)
			continue;
		b = best_fts5(rows, nrows, rows[i].name);
		if (b->queries == 0)
			continue;
		metrics_add(&m->m, &b->m);
		m->queries += b->queries;
		m->ms += b->ms;
		k++;
	}
	if (k == 0)
		return;
	metrics_div(&m->m, k);
	(*nmean)++;
}

/* The mean row of system sys, or NULL when it did not run. */
static const struct row *mean_of(const struct row *mean, int nmean, int sys)
{
	int i;

	for (i = 0; i < nmean; i++)
		if (mean[i].sys == sys)
			return &mean[i];
	return NULL;
}

/* The mean row of the FTS5 anchor, or NULL when it did not run. */
static const struct row *fts_mean(const struct row *mean, int nmean)
{
	int i;

	for (i = 0; i < nmean; i++)
		if (mean[i].sys == SYS_FTS5)
			return &mean[i];
	return NULL;
}

static void print_row(FILE *fp, int w, const struct row *r)
{
	fprintf(fp, "%-*s  %-12s %8.4f %8.4f %7.4f %7.4f %7.4f %8d %9.2f\n", w,
		r->name, sys_name[r->sys], r->m.ndcg10, r->m.map100,
		r->m.mrr10, r->m.p1, r->m.recall100, r->queries,
		per_query_ms(r));
}

static double gain(double a, double base)
{
	return base > 0 ? (a - base) / base : 0;
}

/* For each quarry system: its nDCG@10 against each collection's better
 * FTS5 set-up, the collections it is ahead on and behind on, and the gain
 * of its mean over the mean of the better set-ups. */
static void print_vs_best(FILE *fp, const struct row *rows, int nrows,
			  const struct row *mean, int nmean)
{
	const struct row *best = mean_of(mean, nmean, SYS_FTS5_BEST);
	int sys, i;

	if (best == NULL)
		return;
	for (i = 0; i < nrows; i++) {
		const struct row *b;

		if (!first_of_coll(rows, i))
			continue;
		b = best_fts5(rows, nrows, rows[i].name);
		fprintf(fp, "better FTS5 set-up on %s: %s (nDCG@10 %.4f)\n",
			rows[i].name, sys_name[b->sys], b->m.ndcg10);
	}
	for (sys = SYS_BM25; sys <= SYS_TFIDF; sys++) {
		const struct row *m = mean_of(mean, nmean, sys);
		int ahead = 0, behind = 0;

		if (m == NULL)
			continue;
		fprintf(fp, "%s vs best-fts5:", sys_name[sys]);
		for (i = 0; i < nrows; i++) {
			const struct row *q = &rows[i], *b;

			if (q->sys != sys)
				continue;
			b = best_fts5(rows, nrows, q->name);
			ahead += q->m.ndcg10 > b->m.ndcg10;
			behind += q->m.ndcg10 < b->m.ndcg10;
			fprintf(fp, " %s %+.1f%%", q->name,
				100.0 * gain(q->m.ndcg10, b->m.ndcg10));
		}
		fprintf(fp, "; ahead on %d, behind on %d; mean nDCG@10 %+.1f%%\n",
			ahead, behind, 100.0 * gain(m->m.ndcg10, best->m.ndcg10));
	}
}

/* The decline trade-off of each collection that has one. */
static void print_declines(FILE *fp, const struct row *rows, int nrows)
{
	int i, t;

	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (!r->has_declines)
			continue;
		fprintf(fp, "declines in %s (%d unanswerable, %d answerable):\n"
			    "threshold  unanswerable declined  answerable declined\n",
			r->name, r->unjudged, r->queries);
		for (t = 0; t < DECLINE_STEPS; t++)
			fprintf(fp, "%9.2f  %5d %6.1f%%            %5d %6.1f%%\n",
				t * DECLINE_STEP, r->dec_una[t],
				r->unjudged ? 100.0 * r->dec_una[t] / r->unjudged : 0.0,
				r->dec_ans[t],
				r->queries ? 100.0 * r->dec_ans[t] / r->queries : 0.0);
	}
}

static void print_table(FILE *fp, const struct row *rows, int nrows,
			const struct row *mean, int nmean, int declines)
{
	const struct row *anchor = fts_mean(mean, nmean);
	int w = 10, i;

	for (i = 0; i < nrows; i++)
		if ((int)strlen(rows[i].name) > w)
			w = (int)strlen(rows[i].name);
	fprintf(fp, "%-*s  %-12s %8s %8s %7s %7s %7s %8s %9s\n", w,
		"collection", "system", "nDCG@10", "MAP@100", "MRR@10", "P@1",
		"R@100", "queries", "ms/query");
	for (i = 0; i < nrows; i++)
		print_row(fp, w, &rows[i]);
	for (i = 0; i < nmean; i++)
		print_row(fp, w, &mean[i]);
	for (i = 0; i < nrows; i++)
		if (rows[i].unjudged &&
		    (i == 0 || strcmp(rows[i - 1].name, rows[i].name) != 0))
			fprintf(fp, "unjudged queries: %d (%s)\n",
				rows[i].unjudged, rows[i].name);
	for (i = 0; anchor && i < nmean; i++) {
		if (is_fts5(mean[i].sys) || mean[i].sys == SYS_FTS5_BEST)
			continue;
		if (anchor->m.ndcg10 > 0)
			fprintf(fp, "%s vs fts5: mean nDCG@10 %+.1f%%\n",
				sys_name[mean[i].sys],
				100.0 * (mean[i].m.ndcg10 - anchor->m.ndcg10) /
					anchor->m.ndcg10);
		else
			fprintf(fp, "%s vs fts5: mean nDCG@10 n/a (fts5 is 0)\n",
				sys_name[mean[i].sys]);
	}
	print_vs_best(fp, rows, nrows, mean, nmean);
	if (declines)
		print_declines(fp, rows, nrows);
}

/* The trade-off of r as [{"threshold","unanswerable","answerable"}], the
 * counts declined (out of "unjudged" and "queries"). */
static json_t *declines_json(const struct row *r)
{
	json_t *a = json_array();
	int t;

	for (t = 0; a && t < DECLINE_STEPS; t++)
		json_array_append_new(a, json_pack("{s:f, s:i, s:i}", "threshold",
						   t * DECLINE_STEP,
						   "unanswerable", r->dec_una[t],
						   "answerable", r->dec_ans[t]));
	return a;
}

static json_t *row_json(const struct row *r)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:i, s:f}",
			 "name", r->name, "system", sys_name[r->sys], "ndcg10",
			 r->m.ndcg10, "map100", r->m.map100, "mrr10",
			 r->m.mrr10, "p1", r->m.p1, "recall100",
			 r->m.recall100, "queries", r->queries,
			 "ms_per_query", per_query_ms(r));
}

static int print_json(FILE *fp, const struct row *rows, int nrows,
		      const struct row *mean, int nmean, int ncoll, int declines)
{
	const struct row *anchor = fts_mean(mean, nmean);
	const struct row *best = mean_of(mean, nmean, SYS_FTS5_BEST);
	json_t *root = json_object(), *colls = json_array(), *means = json_array();
	json_t *bests = json_array();
	int i, unjudged = 0, rc = 0;

	if (root == NULL || colls == NULL || means == NULL || bests == NULL) {
		json_decref(root);
		json_decref(colls);
		json_decref(means);
		json_decref(bests);
		return QERR_IO;
	}
	for (i = 0; i < nrows; i++) {
		json_t *o = row_json(&rows[i]);

		json_object_set_new(o, "unjudged", json_integer(rows[i].unjudged));
		if (declines && rows[i].has_declines)
			json_object_set_new(o, "declines", declines_json(&rows[i]));
		json_array_append_new(colls, o);
		if (i == 0 || strcmp(rows[i - 1].name, rows[i].name) != 0)
			unjudged += rows[i].unjudged;
	}
	for (i = 0; i < nmean; i++) {
		json_t *o = row_json(&mean[i]);

		json_object_del(o, "name");
		json_object_set_new(o, "collections", json_integer(ncoll));
		if (anchor && !is_fts5(mean[i].sys) &&
		    mean[i].sys != SYS_FTS5_BEST && anchor->m.ndcg10 > 0)
			json_object_set_new(
				o, "ndcg10_vs_fts5",
				json_real((mean[i].m.ndcg10 - anchor->m.ndcg10) /
					  anchor->m.ndcg10));
		if (best && mean[i].sys <= SYS_TFIDF && best->m.ndcg10 > 0)
			json_object_set_new(o, "ndcg10_vs_best_fts5",
					    json_real(gain(mean[i].m.ndcg10,
							   best->m.ndcg10)));
		json_array_append_new(means, o);
	}
	for (i = 0; best && i < nrows; i++) {
		const struct row *b;

		if (!first_of_coll(rows, i))
			continue;
		b = best_fts5(rows, nrows, rows[i].name);
		json_array_append_new(bests,
				      json_pack("{s:s, s:s, s:f}", "name",
						b->name, "system",
						sys_name[b->sys], "ndcg10",
						b->m.ndcg10));
	}
	json_object_set_new(root, "best_fts5", bests);
	json_object_set_new(root, "collections", colls);
	json_object_set_new(root, "mean", means);
	json_object_set_new(root, "unjudged", json_integer(unjudged));
	if (json_dumpf(root, fp, JSON_COMPACT | JSON_REAL_PRECISION(6)) != 0 ||
	    fputc('\n', fp) == EOF)
		rc = QERR_IO;
	json_decref(root);
	return rc;
}

/* ---- the command ---- */

/* A private directory under $TMPDIR (or /tmp); malloc'ed, or NULL with
 * err set. */
static char *make_tmpdir(struct qerr *err)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	dir = eval_path_join(base, "quarry-eval-XXXXXX");
	if (dir == NULL) {
		qerr_set(err, QERR_IO, "out of memory");
		return NULL;
	}
	if (mkdtemp(dir) == NULL) {
		int e = errno;

		qerr_set(err, QERR_IO, "cannot create a directory in %s: %s",
			 base, strerror(e));
		free(dir);
		return NULL;
	}
	return dir;
}

/* Check every DIR before any work; keeps the collections in dirs/names. */
static int collect_dirs(int argc, char **argv, const char **dirs,
			char **names, int *ndirs, struct qerr *err)
{
	int i, skip, rc;

	*ndirs = 0;
	for (i = 0; i < argc; i++) {
		if ((rc = check_dir(argv[i], &skip, err)) != 0)
			return rc;
		if (skip) {
			cli_warn("eval: skipping %s: not a directory", argv[i]);
			continue;
		}
		names[*ndirs] = coll_name(argv[i]);
		if (names[*ndirs] == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
		dirs[(*ndirs)++] = argv[i];
	}
	if (*ndirs == 0)
		return qerr_set(err, QERR_USAGE,
				"eval: no collection directory given");
	return 0;
}

/* Score every collection, then print the table or JSON. */
static int eval_all(const struct eval_opts *o, const char **dirs,
		    char **names, int ndirs, FILE *pq, struct qerr *err)
{
	struct row *rows = calloc((size_t)ndirs * NSYS, sizeof(*rows));
	struct row mean[NSYS];
	char *tmpdir = NULL;
	int i, nrows = 0, nmean, ncoll = 0, rc = 0;

	if (rows == NULL)
		rc = qerr_set(err, QERR_IO, "out of memory");
	else if ((tmpdir = make_tmpdir(err)) == NULL)
		rc = err->code;
	for (i = 0; i < ndirs && rc == 0; i++)
		rc = eval_dir(dirs[i], names[i], o, tmpdir, pq, rows, &nrows,
			      err);
	if (tmpdir) {
		empty_tmpdir(tmpdir);
		if (rmdir(tmpdir) != 0)
			cli_warn("could not remove %s: %s", tmpdir,
				 strerror(errno));
	}
	if (rc == 0) {
		nmean = mean_rows(rows, nrows, mean, &ncoll);
		add_best_mean(rows, nrows, mean, &nmean);
		if (o->json)
			rc = print_json(stdout, rows, nrows, mean, nmean, ncoll,
					o->declines);
		else
			print_table(stdout, rows, nrows, mean, nmean,
				    o->declines);
		if (rc != 0)
			qerr_set(err, rc, "writing the results failed");
	}
	free(tmpdir);
	free(rows);
	return rc;
}

/* Flush and close the per-query file; 0 or QERR_IO (err set). */
static int close_per_query(FILE *pq, const char *path, struct qerr *err)
{
	int bad = ferror(pq), e;

	if (fclose(pq) != 0 || bad) {
		e = errno;
		return qerr_set(err, QERR_IO, "%s: write error: %s", path,
				strerror(e ? e : EIO));
	}
	return 0;
}

int cmd_eval(int argc, char **argv)
{
	struct eval_opts o;
	struct qerr err = {0, ""};
	const char **dirs = NULL;
	char **names = NULL;
	FILE *pq = NULL;
	int i, ndirs = 0, rc;

	memset(&o, 0, sizeof(o));
	o.run[SYS_BM25] = 1;
	o.run[SYS_FTS5] = 1;
	o.run[SYS_FTS5_STOP] = 1;
	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? QERR_OK : rc;
	argc -= optind;
	argv += optind;
	dirs = calloc((size_t)argc, sizeof(*dirs));
	names = calloc((size_t)argc, sizeof(*names));
	if (dirs == NULL || names == NULL)
		rc = qerr_set(&err, QERR_IO, "out of memory");
	else
		rc = collect_dirs(argc, argv, dirs, names, &ndirs, &err);
	if (rc == 0 && o.per_query && (pq = fopen(o.per_query, "w")) == NULL) {
		int e = errno;

		rc = qerr_set(&err, QERR_IO, "%s: %s", o.per_query, strerror(e));
	}
	if (pq && rc == 0)
		fprintf(pq, "collection\tsystem\tquery-id\tndcg10\trr\tp1\t"
			    "top1-id\n");
	if (rc == 0 && o.features &&
	    (o.features_fp = fopen(o.features, "w")) == NULL) {
		int e = errno;

		rc = qerr_set(&err, QERR_IO, "%s: %s", o.features, strerror(e));
	}
	if (rc == 0)
		rc = eval_all(&o, dirs, names, ndirs, pq, &err);
	if (pq && close_per_query(pq, o.per_query, &err) != 0 && rc == 0)
		rc = QERR_IO;
	if (o.features_fp &&
	    close_per_query(o.features_fp, o.features, &err) != 0 && rc == 0)
		rc = QERR_IO;
	for (i = 0; names && i < argc; i++)
		free(names[i]);
	free(names);
	free(dirs);
	return rc ? cli_fail(&err) : QERR_OK;
}
