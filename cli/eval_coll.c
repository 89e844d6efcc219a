/* eval_coll.c - a judged collection in BEIR layout, as quarry eval reads
 * it: qrels/test.tsv (query-id, corpus-id, score), sorted and grouped by
 * query, and queries.jsonl, each query kept with its judgments or, without
 * any, counted as unjudged.  See eval.h. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/fileio.h"
#include "cli.h"
#include "eval.h"

/* One qrels line. */
struct eval_qline {
	char *qid, *doc;
	double gain;
};

/* The qrels lines of one query: lines[start .. start+n) after sorting. */
struct eval_group {
	const char *qid;
	int start, n;
	int used; /* a query in queries.jsonl claimed it */
};

char *eval_path_join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	if (buf_puts(&b, dir) != 0 || buf_putc(&b, '/') != 0 ||
	    buf_puts(&b, name) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *eval_json_id(json_t *v, int *bad)
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

int eval_each_line(const char *path, eval_line_fn fn, void *ctx,
		   struct qerr *err)
{
	struct stat st;
	int fd = fio_open_regular(path, &st);
	FILE *fp = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	/* A FIFO or device is refused, never waited on. */
	if (fd == FIO_NOT_REGULAR)
		return qerr_set(err, QERR_IO, "%s: not a regular file", path);
	if (fp == NULL) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
	}
	while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		n = chomp(line, (size_t)len);
		if (!blank(line))
			rc = fn(ctx, line, n, path, lineno, err);
	}
	if (rc == 0 && ferror(fp))
		rc = qerr_set(err, QERR_IO, "%s: read error", path);
	fclose(fp);
	free(line);
	return rc;
}

/* What the line callbacks fill: the collection, and the room in the
 * array they append to. */
struct loading {
	struct eval_coll *c;
	int cap;
};

void eval_coll_clear(struct eval_coll *c)
{
	int i;

	for (i = 0; i < c->unjudged && c->utext; i++)
		free(c->utext[i]);
	free(c->utext);
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
static int qrels_line(char *s, struct eval_qline *l)
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

/* One line of qrels/test.tsv; a header line first is skipped. */
static int add_qline(void *ctx, char *s, size_t len, const char *path,
		     long lineno, struct qerr *err)
{
	struct loading *ld = ctx;
	struct eval_coll *c = ld->c;
	int *cap = &ld->cap;
	struct eval_qline l = {NULL, NULL, 0};
	int rc;

	(void)len;
	if (lineno == 1 && strncmp(s, "query-id\t", 9) == 0)
		return 0;
	if (c->nlines == *cap) {
		int ncap = *cap ? *cap * 2 : 256;
		struct eval_qline *p = realloc(c->lines, (size_t)ncap * sizeof(*p));

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
	const struct eval_qline *x = a, *y = b;

	return strcmp(x->qid, y->qid);
}

/* Sort the lines by query and cut them into groups. */
static int group_qrels(struct eval_coll *c, struct qerr *err)
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
			struct eval_group *g = &c->groups[c->ngroups++];

			g->qid = c->lines[i].qid;
			g->start = i;
			g->n = 0;
			g->used = 0;
		}
		c->groups[c->ngroups - 1].n++;
	}
	return 0;
}

/* Read qrels/test.tsv and group it by query. */
static int load_qrels(struct eval_coll *c, struct qerr *err)
{
	char *path = eval_path_join(c->dir, "qrels/test.tsv");
	struct loading ld = {c, 0};
	int rc;

	if (path == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = eval_each_line(path, add_qline, &ld, err);
	if (rc == 0)
		rc = group_qrels(c, err);
	free(path);
	return rc;
}

static int group_cmp(const void *key, const void *elem)
{
	const struct eval_group *g = elem;

	return strcmp(key, g->qid);
}

/* Keep one query when it has judgments; count it otherwise. */
static int add_query(struct eval_coll *c, int *cap, char *id, const char *text,
		     struct qerr *err)
{
	struct eval_group *g = c->ngroups ? bsearch(id, c->groups,
					       (size_t)c->ngroups,
					       sizeof(*g), group_cmp)
				     : NULL;
	struct eval_query *q;

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
		struct eval_query *p = realloc(c->q, (size_t)ncap * sizeof(*p));

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
static int query_line(void *ctx, char *s, size_t n, const char *path,
		      long lineno, struct qerr *err)
{
	struct loading *ld = ctx;
	json_error_t je;
	json_t *o = json_loadb(s, n, 0, &je);
	json_t *text = json_object_get(o, "text");
	char *id;
	int bad, rc;

	if (o == NULL)
		return qerr_set(err, QERR_DATA, "%s:%ld: %s", path, lineno,
				je.text);
	id = eval_json_id(json_object_get(o, "_id"), &bad);
	if (id == NULL || !json_is_string(text)) {
		free(id);
		json_decref(o);
		if (id == NULL && !bad)
			return qerr_set(err, QERR_IO, "out of memory");
		return qerr_set(err, QERR_DATA,
				"%s:%ld: a query needs \"_id\" and \"text\"",
				path, lineno);
	}
	rc = add_query(ld->c, &ld->cap, id, json_string_value(text), err);
	json_decref(o);
	return rc;
}

static int load_queries(struct eval_coll *c, struct qerr *err)
{
	char *path = eval_path_join(c->dir, "queries.jsonl");
	struct loading ld = {c, 0};
	int rc;

	if (path == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = eval_each_line(path, query_line, &ld, err);
	free(path);
	return rc;
}

/* Warn about judged queries that queries.jsonl does not have. */
static void warn_missing(const struct eval_coll *c)
{
	int i, missing = 0;

	for (i = 0; i < c->ngroups; i++)
		missing += !c->groups[i].used;
	if (missing)
		cli_warn("%s: %d judged quer%s not in queries.jsonl", c->name,
			 missing, missing == 1 ? "y is" : "ies are");
}

int eval_coll_load(struct eval_coll *c, struct qerr *err)
{
	int rc = load_qrels(c, err);

	if (rc == 0)
		rc = load_queries(c, err);
	if (rc == 0)
		warn_missing(c);
	return rc;
}
