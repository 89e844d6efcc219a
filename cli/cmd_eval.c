/* cmd_eval.c - quarry eval [options] DIR...
 *
 * Scores quarry's ranking on judged collections in BEIR layout
 * (corpus.jsonl, queries.jsonl, qrels/test.tsv) and, in the same run on the
 * same records, an anchor: SQLite FTS5's bm25() with the porter tokenizer.
 * Each collection is indexed into a private temporary directory that is
 * removed afterwards.  Every judged query (one with qrels lines) is ranked
 * with k = 100 and scored with retrieval/metrics; queries without qrels are
 * only counted.  Output: a table, or one JSON object, of nDCG@10, MAP@100,
 * MRR@10, P@1, R@100 and ranking time per collection and system, their
 * means, and optionally one TSV line per query for error analysis. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../retrieval/metrics.h"
#include "../util/buf.h"
#include "../util/fileio.h"
#include "cli.h"

#define EVAL_K 100 /* results ranked per query */

enum { SYS_BM25, SYS_TFIDF, SYS_FTS5, NSYS };

static const char *const sys_name[NSYS] = {"quarry-bm25", "quarry-tfidf",
					   "fts5"};

struct eval_opts {
	int run[NSYS]; /* which systems to score */
	int json;
	const char *per_query; /* TSV path or NULL */
	int check_pruning;     /* compare MaxScore with exhaustive scoring */
	double threshold;      /* confidence below which ask declines */
	struct rank_params params;
};

/* One qrels line. */
struct qline {
	char *qid, *doc;
	double gain;
};

/* The qrels lines of one query: lines[start .. start+n) after sorting. */
struct group {
	const char *qid;
	int start, n;
	int used; /* a query in queries.jsonl claimed it */
};

/* One judged query; qr points into the collection's rels. */
struct query {
	char *id, *text;
	struct metrics_qrels qr;
};

/* A collection's judgments and queries. */
struct coll {
	const char *dir, *name;
	struct qline *lines;
	int nlines;
	struct metrics_rel *rels; /* the lines' judgments, same order */
	struct group *groups;
	int ngroups;
	struct query *q; /* judged queries, in file order */
	int nq;
	int unjudged;
	char **utext;    /* the unjudged queries' texts */
};

/* One line of the result table. */
struct row {
	const char *name; /* collection, or "mean" */
	int sys;
	struct metrics_scores m; /* mean over queries (or collections) */
	int queries;
	double ms; /* total ranking time */
	int unjudged;
};

/* Ranks text; fills ranked[0..*n) with doc ids, valid until the next call.
 * Returns 0 or an error code (err set). */
typedef int (*search_fn)(void *ctx, const char *text, const char **ranked,
			 int *n, struct qerr *err);

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry eval [options] DIR...\n\n"
		"Score ranking on judged collections in BEIR layout: each DIR holds\n"
		"corpus.jsonl ({\"_id\",\"title\",\"text\"}), queries.jsonl\n"
		"({\"_id\",\"text\"}) and qrels/test.tsv (query-id, corpus-id, score;\n"
		"a header line first).  Each corpus is indexed into a temporary\n"
		"file under $TMPDIR (default /tmp) that is removed afterwards.  Every\n"
		"query with qrels is ranked (top 100) by quarry and by SQLite FTS5\n"
		"bm25() with the porter tokenizer over the same records (the\n"
		"anchor); queries without qrels are counted as unjudged.\n\n"
		"Measures, as trec_eval defines them (qrels score = gain; a score\n"
		"<= 0 is not relevant): nDCG@10, MAP@100, MRR@10, P@1, R@100, each\n"
		"the mean over a collection's judged queries, and the ranking time\n"
		"per query in ms.  The mean rows average the collections' values\n"
		"(queries: their sum; ms/query: over all queries).  Arguments that\n"
		"are not directories (a README beside the collections) are skipped\n"
		"with a warning.\n\n"
		"options:\n"
		"  --model M         bm25 (default), tfidf or both\n"
		CLI_RANK_HELP
		"  --no-fts5         skip the FTS5 anchor\n"
		"  --threshold X     confidence below which ask declines ("
		CLI_THRESHOLD_TEXT ");\n"
		"                    for collections with unjudged queries (taken\n"
		"                    as unanswerable) prints how many of each kind\n"
		"                    would be declined\n"
		"  --check-pruning   also rank every query exhaustively and check\n"
		"                    that MaxScore gave the same records and\n"
		"                    scores (exit 3 if not)\n"
		"  -j, --json        one JSON object: {\"collections\":[{\"name\",\n"
		"                    \"system\",\"ndcg10\",\"map100\",\"mrr10\",\"p1\",\n"
		"                    \"recall100\",\"queries\",\"ms_per_query\",\n"
		"                    \"unjudged\"}],\"mean\":[{\"system\",...,\n"
		"                    \"collections\"[,\"ndcg10_vs_fts5\"]}],\"unjudged\"}\n"
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

/* Returns 0, -1 after --help, or QERR_USAGE (message printed). */
static int parse_opts(int argc, char **argv, struct eval_opts *o)
{
	static const struct option opts[] = {
		CLI_RANK_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"model", required_argument, NULL, 'm'},
		{"no-fts5", no_argument, NULL, 'F'},
		{"per-query", required_argument, NULL, 'P'},
		{"check-pruning", no_argument, NULL, 'X'},
		{"threshold", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct rank_params *p = &o->params;
	int c, rc = 0;

	optind = 1;
	opterr = 0; /* cli_bad_option says it our way */
	while (rc == 0 && (c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return -1;
		case 'j': o->json = 1; break;
		case 'F': o->run[SYS_FTS5] = 0; break;
		case 'P': o->per_query = optarg; break;
		case 'X': o->check_pruning = 1; break;
		case 't':
			rc = cli_parse_num("eval", "--threshold", optarg, 0, 1,
					   &o->threshold);
			break;
		case 'm': rc = parse_model(optarg, o); break;
		default:
			rc = cli_rank_opt("eval", c, optarg, p);
			if (rc < 0) {
				cli_bad_option("eval", argv);
				return QERR_USAGE;
			}
		}
	}
	if (rc == 0 && optind >= argc) {
		cli_error("eval: no collection directory given (see quarry eval "
			  "--help)");
		return QERR_USAGE;
	}
	return rc;
}

/* ---- small helpers ---- */

/* dir/name as a malloc'ed string, or NULL when memory runs out. */
static char *path_join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	if (buf_puts(&b, dir) != 0 || buf_putc(&b, '/') != 0 ||
	    buf_puts(&b, name) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
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

/* A JSON id (string or integer) as a malloc'ed string; NULL if absent or
 * of another type, or when memory runs out (*bad tells which). */
static char *json_id(json_t *v, int *bad)
{
	char tmp[32];

	*bad = 0;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(tmp);
	}
	*bad = 1;
	return NULL;
}

/* A string member of o, or "" when it is missing or null. */
static const char *json_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* Strip a line's trailing newline / carriage return; returns the length. */
static size_t chomp(char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return n;
}

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* Open path for reading: 0, or QERR_IO with "path: reason" (a FIFO or
 * device is refused, never waited on). */
static int open_in(const char *path, FILE **fp, struct qerr *err)
{
	struct stat st;
	int fd = fio_open_regular(path, &st), e;

	*fp = NULL;
	if (fd == FIO_NOT_REGULAR)
		return qerr_set(err, QERR_IO, "%s: not a regular file", path);
	if (fd < 0 || (*fp = fdopen(fd, "r")) == NULL) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
	}
	return 0;
}

/* After a getline loop: QERR_IO when the stream failed, else 0. */
static int read_status(FILE *fp, const char *path, struct qerr *err)
{
	if (ferror(fp))
		return qerr_set(err, QERR_IO, "%s: read error", path);
	return 0;
}

/* ---- judgments and queries ---- */

static void coll_clear(struct coll *c)
{
	int u;

	for (u = 0; u < c->unjudged && c->utext; u++)
		free(c->utext[u]);
	free(c->utext);
	int i;

	for (i = 0; i < c->nlines; i++) {
		free(c->lines[i].qid);
		free(c->lines[i].doc);
	}
	for (i = 0; i < c->nq; i++) {
		free(c->q[i].id);
		free(c->q[i].text);
	}
	free(c->lines);
	free(c->rels);
	free(c->groups);
	free(c->q);
	memset(c, 0, sizeof(*c));
}

/* Parse "query-id TAB corpus-id TAB score" into l. 0, or -1 when malformed,
 * QERR_IO when memory runs out. */
static int qrels_line(char *s, struct qline *l)
{
	char *doc = strchr(s, '\t'), *score, *end;

	if (doc == NULL || (score = strchr(doc + 1, '\t')) == NULL)
		return -1;
	*doc++ = '\0';
	*score++ = '\0';
	l->gain = strtod(score, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == score || *end != '\0' || *s == '\0' || *doc == '\0')
		return -1;
	l->qid = strdup(s);
	l->doc = strdup(doc);
	return l->qid && l->doc ? 0 : QERR_IO;
}

static int add_qline(struct coll *c, int *cap, char *s, const char *path,
		     long lineno, struct qerr *err)
{
	struct qline l = {NULL, NULL, 0};
	int rc;

	if (c->nlines == *cap) {
		int ncap = *cap ? *cap * 2 : 256;
		struct qline *p = realloc(c->lines, (size_t)ncap * sizeof(*p));

		if (p == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
		c->lines = p;
		*cap = ncap;
	}
	rc = qrels_line(s, &l);
	if (rc != 0) {
		free(l.qid);
		free(l.doc);
		if (rc == QERR_IO)
			return qerr_set(err, QERR_IO, "out of memory");
		return qerr_set(err, QERR_DATA,
				"%s:%ld: expected query-id<TAB>corpus-id<TAB>score",
				path, lineno);
	}
	c->lines[c->nlines++] = l;
	return 0;
}

static int qline_cmp(const void *a, const void *b)
{
	const struct qline *x = a, *y = b;

	return strcmp(x->qid, y->qid);
}

/* Sort the lines by query and cut them into groups. */
static int group_qrels(struct coll *c, struct qerr *err)
{
	int i;

	if (c->nlines == 0)
		return 0;
	qsort(c->lines, (size_t)c->nlines, sizeof(*c->lines), qline_cmp);
	c->rels = malloc((size_t)c->nlines * sizeof(*c->rels));
	c->groups = malloc((size_t)c->nlines * sizeof(*c->groups));
	if (c->rels == NULL || c->groups == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	for (i = 0; i < c->nlines; i++) {
		c->rels[i].doc = c->lines[i].doc;
		c->rels[i].gain = c->lines[i].gain;
		if (i == 0 || strcmp(c->lines[i].qid, c->lines[i - 1].qid) != 0) {
			struct group *g = &c->groups[c->ngroups++];

			g->qid = c->lines[i].qid;
			g->start = i;
			g->n = 0;
			g->used = 0;
		}
		c->groups[c->ngroups - 1].n++;
	}
	return 0;
}

/* Read qrels/test.tsv; the first line is skipped when it is a header. */
static int load_qrels(struct coll *c, struct qerr *err)
{
	char *path = path_join(c->dir, "qrels/test.tsv"), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int lcap = 0, rc;
	FILE *fp = NULL;

	if (path == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = open_in(path, &fp, err);
	while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		chomp(line, (size_t)len);
		if (blank(line) ||
		    (lineno == 1 && strncmp(line, "query-id\t", 9) == 0))
			continue;
		rc = add_qline(c, &lcap, line, path, lineno, err);
	}
	if (rc == 0)
		rc = read_status(fp, path, err);
	if (rc == 0)
		rc = group_qrels(c, err);
	if (fp)
		fclose(fp);
	free(line);
	free(path);
	return rc;
}

static int group_cmp(const void *key, const void *elem)
{
	const struct group *g = elem;

	return strcmp(key, g->qid);
}

/* Keep one query when it has judgments; count it otherwise. */
static int add_query(struct coll *c, int *cap, char *id, const char *text,
		     struct qerr *err)
{
	struct group *g = c->ngroups ? bsearch(id, c->groups,
					       (size_t)c->ngroups,
					       sizeof(*g), group_cmp)
				     : NULL;
	struct query *q;

	if (g == NULL || g->used) {
		if (g == NULL) {
			char **u = realloc(c->utext, (size_t)(c->unjudged + 1) *
							     sizeof(*u));

			if (u == NULL || (u[c->unjudged] = strdup(text)) == NULL) {
				if (u)
					c->utext = u;
				free(id);
				return qerr_set(err, QERR_IO, "out of memory");
			}
			c->utext = u;
			c->unjudged++;
		} else
			cli_warn("%s: query %s appears twice; scored once",
				 c->name, id);
		free(id);
		return 0;
	}
	if (c->nq == *cap) {
		int ncap = *cap ? *cap * 2 : 128;
		struct query *p = realloc(c->q, (size_t)ncap * sizeof(*p));

		if (p == NULL) {
			free(id);
			return qerr_set(err, QERR_IO, "out of memory");
		}
		c->q = p;
		*cap = ncap;
	}
	q = &c->q[c->nq];
	q->id = id;
	q->text = strdup(text);
	if (q->text == NULL) {
		free(id);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	q->qr.rel = c->rels + g->start;
	q->qr.n = g->n;
	metrics_qrels_prepare(&q->qr);
	g->used = 1;
	c->nq++;
	return 0;
}

/* One line of queries.jsonl: {"_id","text"}. */
static int query_line(struct coll *c, int *cap, const char *s, size_t n,
		      const char *path, long lineno, struct qerr *err)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, 0, &je);
	json_t *text = json_object_get(o, "text");
	char *id;
	int bad, rc;

	if (o == NULL)
		return qerr_set(err, QERR_DATA, "%s:%ld: %s", path, lineno,
				je.text);
	id = json_id(json_object_get(o, "_id"), &bad);
	if (id == NULL || !json_is_string(text)) {
		free(id);
		json_decref(o);
		if (id == NULL && !bad)
			return qerr_set(err, QERR_IO, "out of memory");
		return qerr_set(err, QERR_DATA,
				"%s:%ld: a query needs \"_id\" and \"text\"",
				path, lineno);
	}
	rc = add_query(c, cap, id, json_string_value(text), err);
	json_decref(o);
	return rc;
}

static int load_queries(struct coll *c, struct qerr *err)
{
	char *path = path_join(c->dir, "queries.jsonl"), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int qcap = 0, rc;
	FILE *fp = NULL;

	if (path == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = open_in(path, &fp, err);
	while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		len = (ssize_t)chomp(line, (size_t)len);
		if (!blank(line))
			rc = query_line(c, &qcap, line, (size_t)len, path,
					lineno, err);
	}
	if (rc == 0)
		rc = read_status(fp, path, err);
	if (fp)
		fclose(fp);
	free(line);
	free(path);
	return rc;
}

/* Warn about judged queries that queries.jsonl does not have. */
static void warn_missing(const struct coll *c)
{
	int i, missing = 0;

	for (i = 0; i < c->ngroups; i++)
		missing += !c->groups[i].used;
	if (missing)
		cli_warn("%s: %d judged quer%s not in queries.jsonl", c->name,
			 missing, missing == 1 ? "y is" : "ies are");
}

/* ---- scoring one system ---- */

/* Rank every judged query with fn, average the measures into row and
 * write per-query lines to pq (when not NULL). */
static int run_system(const struct coll *c, int sys, search_fn fn, void *ctx,
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
		const struct query *q = &c->q[i];
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
	struct rank_query rq;
	struct rank_hit hits[EVAL_K];
	int check;            /* also rank exhaustively and compare */
	double threshold;
	long checked, differ; /* queries compared, and those that differed */
};

/* Would ask decline text (nothing found, or confidence below the
 * threshold)?  Returns 1 or 0, or -1 on error. */
static int declines(struct qctx *q, const char *text, struct qerr *err)
{
	struct rank_hit h[1];
	int n = 0;

	if (rank_parse_ex(q->x, q->t, text, q->params.expand, &q->rq, err) ||
	    rank_feedback(q->x, &q->rq, &q->params, err) ||
	    rank_search(q->x, &q->rq, &q->params, 1, h, &n, err))
		return -1;
	return n == 0 || rank_confidence(q->x, &q->rq, &h[0]) < q->threshold;
}

/* For collections with unanswerable (unjudged) questions: how many of
 * each kind ask would decline. */
static int report_declines(struct qctx *q, const struct coll *c,
			   struct qerr *err)
{
	int i, d, ans = 0, una = 0;

	for (i = 0; i < c->nq; i++) {
		if ((d = declines(q, c->q[i].text, err)) < 0)
			return err ? err->code : QERR_IO;
		ans += d;
	}
	for (i = 0; i < c->unjudged; i++) {
		if ((d = declines(q, c->utext[i], err)) < 0)
			return err ? err->code : QERR_IO;
		una += d;
	}
	printf("declined at threshold %.2f in %s: answerable %d/%d (%.1f%%), "
	       "unanswerable %d/%d (%.1f%%)\n", q->threshold, c->name, ans,
	       c->nq, c->nq ? 100.0 * ans / c->nq : 0.0, una, c->unjudged,
	       c->unjudged ? 100.0 * una / c->unjudged : 0.0);
	return 0;
}

/* Rank q->rq exhaustively too; count the query as differing unless both
 * rankings agree on every record and score. */
static int check_exhaustive(struct qctx *q, int n, struct qerr *err)
{
	struct rank_params p = q->params;
	struct rank_hit ex[EVAL_K];
	int m = 0, i, rc;

	p.exhaustive = 1;
	rc = rank_search(q->x, &q->rq, &p, EVAL_K, ex, &m, err);
	if (rc != 0)
		return rc;
	q->checked++;
	for (i = 0; i < n && m == n; i++)
		if (ex[i].doc != q->hits[i].doc || ex[i].score != q->hits[i].score)
			break;
	if (m != n || i < n)
		q->differ++;
	return 0;
}

static int quarry_search(void *ctx, const char *text, const char **ranked,
			 int *n, struct qerr *err)
{
	struct qctx *q = ctx;
	int i, rc = rank_parse_ex(q->x, q->t, text, q->params.expand,
				    &q->rq, err);

	if (rc == 0)
		rc = rank_feedback(q->x, &q->rq, &q->params, err);
	if (rc == 0)
		rc = rank_search(q->x, &q->rq, &q->params, EVAL_K, q->hits, n,
				 err);
	if (rc == 0 && q->check && q->params.model == RANK_BM25)
		rc = check_exhaustive(q, *n, err);
	if (rc != 0) {
		*n = 0;
		return rc;
	}
	for (i = 0; i < *n; i++) {
		long d = q->hits[i].doc;

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
		p = path_join(tmpdir, e->d_name);
		if (p)
			unlink(p);
		free(p);
	}
	closedir(d);
}

/* Index the corpus, then score each quarry model the options ask for. */
static int run_quarry(const struct coll *c, const struct eval_opts *o,
		      const char *tmpdir, FILE *pq, struct row *rows, int *nrows,
		      struct qerr *err)
{
	struct qctx q;
	char *corpus = path_join(c->dir, "corpus.jsonl");
	char *db = path_join(tmpdir, "index.db");
	long nrecs = 0;
	int rc, sys;

	memset(&q, 0, sizeof(q));
	q.params = o->params;
	q.check = o->check_pruning;
	q.threshold = o->threshold;
	if (corpus == NULL || db == NULL)
		rc = qerr_set(err, QERR_IO, "out of memory");
	else
		rc = cli_build_paths(db, &corpus, 1, 1, &nrecs, err);
	if (rc == 0)
		rc = qctx_open(&q, db, err);
	for (sys = SYS_BM25; sys <= SYS_TFIDF && rc == 0; sys++) {
		if (!o->run[sys])
			continue;
		q.params.model = sys == SYS_BM25 ? RANK_BM25 : RANK_TFIDF;
		rc = run_system(c, sys, quarry_search, &q, pq, &rows[*nrows],
				err);
		if (rc == 0)
			(*nrows)++;
	}
	if (rc == 0 && c->unjudged > 0 && o->run[SYS_BM25]) {
		q.params.model = RANK_BM25;
		rc = report_declines(&q, c, err);
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

struct fctx {
	sqlite3 *db;
	sqlite3_stmt *ins, *sel;
	struct buf expr;
	char *ids[EVAL_K]; /* the last query's results */
	int nids;
};

static int sql_fail(struct fctx *f, struct qerr *err)
{
	int code = sqlite3_errcode(f->db) == SQLITE_NOMEM ? QERR_IO : QERR_DATA;

	return qerr_set(err, code, "fts5: %s", sqlite3_errmsg(f->db));
}

static void fctx_drop_ids(struct fctx *f)
{
	int i;

	for (i = 0; i < f->nids; i++)
		free(f->ids[i]);
	f->nids = 0;
}

static void fctx_clear(struct fctx *f)
{
	fctx_drop_ids(f);
	sqlite3_finalize(f->ins);
	sqlite3_finalize(f->sel);
	sqlite3_close(f->db);
	buf_free(&f->expr);
	memset(f, 0, sizeof(*f));
}

static int fctx_open(struct fctx *f, struct qerr *err)
{
	static const char create[] =
		"CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, text, "
		"tokenize='porter unicode61');";

	if (sqlite3_open(":memory:", &f->db) != SQLITE_OK)
		return f->db ? sql_fail(f, err)
			     : qerr_set(err, QERR_IO, "out of memory");
	if (sqlite3_exec(f->db, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db,
			       "INSERT INTO f(id, title, text) VALUES (?, ?, ?)",
			       -1, &f->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db,
			       "SELECT id FROM f WHERE f MATCH ? "
			       "ORDER BY bm25(f), rowid LIMIT 100",
			       -1, &f->sel, NULL) != SQLITE_OK)
		return sql_fail(f, err);
	return 0;
}

/* Insert one corpus.jsonl line. */
static int fts_add(struct fctx *f, const char *s, size_t n, const char *path,
		   long lineno, struct qerr *err)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, 0, &je);
	char *id;
	int bad, rc = 0;

	if (!json_is_object(o)) {
		json_decref(o);
		return qerr_set(err, QERR_DATA, "%s:%ld: %s", path, lineno,
				o ? "not a JSON object" : je.text);
	}
	id = json_id(json_object_get(o, "_id"), &bad);
	if (id == NULL) {
		json_decref(o);
		if (!bad)
			return qerr_set(err, QERR_IO, "out of memory");
		return qerr_set(err, QERR_DATA, "%s:%ld: no \"_id\"", path,
				lineno);
	}
	sqlite3_bind_text(f->ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(f->ins, 2, json_text(o, "title"), -1, SQLITE_STATIC);
	sqlite3_bind_text(f->ins, 3, json_text(o, "text"), -1, SQLITE_STATIC);
	if (sqlite3_step(f->ins) != SQLITE_DONE)
		rc = sql_fail(f, err);
	sqlite3_reset(f->ins);
	sqlite3_clear_bindings(f->ins);
	free(id);
	json_decref(o);
	return rc;
}

/* Load DIR/corpus.jsonl into a new in-memory FTS5 table. */
static int fts_load(struct fctx *f, const struct coll *c, struct qerr *err)
{
	char *path = path_join(c->dir, "corpus.jsonl"), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc;
	FILE *fp = NULL;

	if (path == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = fctx_open(f, err);
	if (rc == 0)
		rc = open_in(path, &fp, err);
	if (rc == 0 && sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(f, err);
	while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		len = (ssize_t)chomp(line, (size_t)len);
		if (!blank(line))
			rc = fts_add(f, line, (size_t)len, path, lineno, err);
	}
	if (rc == 0)
		rc = read_status(fp, path, err);
	if (rc == 0 &&
	    sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(f, err);
	if (fp)
		fclose(fp);
	free(line);
	free(path);
	return rc;
}

static int word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* The query's words, each as an FTS5 string ("..." with '"' doubled),
 * joined by " OR ".  A word is a run of ASCII letters and digits and bytes
 * >= 0x80; everything else separates words.  b is "" when there are none. */
static int fts_expr(const char *text, struct buf *b)
{
	const unsigned char *s = (const unsigned char *)text;
	int rc = 0;

	buf_reset(b);
	rc |= buf_reserve(b, 0);
	while (*s && rc == 0) {
		if (!word_byte(*s)) {
			s++;
			continue;
		}
		if (b->len)
			rc |= buf_puts(b, " OR ");
		rc |= buf_putc(b, '"');
		for (; word_byte(*s); s++) {
			if (*s == '"')
				rc |= buf_putc(b, '"');
			rc |= buf_putc(b, *s);
		}
		rc |= buf_putc(b, '"');
	}
	return rc;
}

static int fts_search(void *ctx, const char *text, const char **ranked,
		      int *n, struct qerr *err)
{
	struct fctx *f = ctx;
	int rc = 0, step;

	fctx_drop_ids(f);
	*n = 0;
	if (fts_expr(text, &f->expr) != 0)
		return qerr_set(err, QERR_IO, "out of memory");
	if (f->expr.len == 0)
		return 0;
	sqlite3_bind_text(f->sel, 1, f->expr.data, (int)f->expr.len,
			  SQLITE_STATIC);
	while (rc == 0 && f->nids < EVAL_K &&
	       (step = sqlite3_step(f->sel)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(f->sel, 0);
		char *copy = id ? strdup(id) : NULL;

		if (id && copy == NULL)
			rc = qerr_set(err, QERR_IO, "out of memory");
		ranked[f->nids] = copy;
		f->ids[f->nids++] = copy;
	}
	if (rc == 0 && f->nids < EVAL_K && step != SQLITE_DONE)
		rc = sql_fail(f, err);
	sqlite3_reset(f->sel);
	sqlite3_clear_bindings(f->sel);
	*n = rc == 0 ? f->nids : 0;
	return rc;
}

static int run_fts5(const struct coll *c, FILE *pq, struct row *rows,
		    int *nrows, struct qerr *err)
{
	struct fctx f;
	int rc;

	memset(&f, 0, sizeof(f));
	rc = fts_load(&f, c, err);
	if (rc == 0)
		rc = run_system(c, SYS_FTS5, fts_search, &f, pq, &rows[*nrows],
				err);
	if (rc == 0)
		(*nrows)++;
	fctx_clear(&f);
	return rc;
}

/* ---- one collection ---- */

static int eval_dir(const char *dir, const char *name,
		    const struct eval_opts *o, const char *tmpdir, FILE *pq,
		    struct row *rows, int *nrows, struct qerr *err)
{
	struct coll c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.name = name;
	rc = load_qrels(&c, err);
	if (rc == 0)
		rc = load_queries(&c, err);
	if (rc == 0) {
		warn_missing(&c);
		if (c.nq == 0)
			cli_warn("%s: no judged queries", name);
	}
	if (rc == 0 && (o->run[SYS_BM25] || o->run[SYS_TFIDF]))
		rc = run_quarry(&c, o, tmpdir, pq, rows, nrows, err);
	if (rc == 0 && o->run[SYS_FTS5])
		rc = run_fts5(&c, pq, rows, nrows, err);
	coll_clear(&c);
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
		char *p = path_join(dir, need[i]);
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

static void print_table(FILE *fp, const struct row *rows, int nrows,
			const struct row *mean, int nmean)
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
		if (mean[i].sys == SYS_FTS5)
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
		      const struct row *mean, int nmean, int ncoll)
{
	const struct row *anchor = fts_mean(mean, nmean);
	json_t *root = json_object(), *colls = json_array(), *means = json_array();
	int i, unjudged = 0, rc = 0;

	if (root == NULL || colls == NULL || means == NULL) {
		json_decref(root);
		json_decref(colls);
		json_decref(means);
		return QERR_IO;
	}
	for (i = 0; i < nrows; i++) {
		json_t *o = row_json(&rows[i]);

		json_object_set_new(o, "unjudged", json_integer(rows[i].unjudged));
		json_array_append_new(colls, o);
		if (i == 0 || strcmp(rows[i - 1].name, rows[i].name) != 0)
			unjudged += rows[i].unjudged;
	}
	for (i = 0; i < nmean; i++) {
		json_t *o = row_json(&mean[i]);

		json_object_del(o, "name");
		json_object_set_new(o, "collections", json_integer(ncoll));
		if (anchor && mean[i].sys != SYS_FTS5 && anchor->m.ndcg10 > 0)
			json_object_set_new(
				o, "ndcg10_vs_fts5",
				json_real((mean[i].m.ndcg10 - anchor->m.ndcg10) /
					  anchor->m.ndcg10));
		json_array_append_new(means, o);
	}
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
	dir = path_join(base, "quarry-eval-XXXXXX");
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
		if (o->json)
			rc = print_json(stdout, rows, nrows, mean, nmean, ncoll);
		else
			print_table(stdout, rows, nrows, mean, nmean);
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
	rank_defaults(&o.params);
	o.threshold = CLI_THRESHOLD;
	o.run[SYS_BM25] = 1;
	o.run[SYS_FTS5] = 1;
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
	if (rc == 0)
		rc = eval_all(&o, dirs, names, ndirs, pq, &err);
	if (pq && close_per_query(pq, o.per_query, &err) != 0 && rc == 0)
		rc = QERR_IO;
	for (i = 0; names && i < argc; i++)
		free(names[i]);
	free(names);
	free(dirs);
	return rc ? cli_fail(&err) : QERR_OK;
}
