/* pipeline.c - read documents on a second thread while this one indexes.
 *
 * Parsing (JSON above all) is a third of an index build; the reader thread
 * runs the corpus readers and hands copies of the records, and after each
 * file what was read of it (size, mtime, hash: from the descriptor it was
 * read through), through a bounded queue to the calling thread, which does
 * the analysis and writes the index.  Order is kept.  Either side can stop
 * the other: a consumer error stops the reader at its next record, a reader
 * error ends the queue. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

#define QUEUE 1024

struct item {
	char *id, *question, *answer, *source; /* one allocation: id first */
	long line;
	int kind;
	const char *format;       /* static, or owned by the reader's opts */
	int new_source;           /* first record of this source file */
	int file_done;            /* no record: the file read, as info */
	struct corpus_file info;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_get;
	struct item q[QUEUE];
	size_t head, n;
	int done, stop;
	/* the reader's side */
	char **paths;
	int npaths;
	const struct corpus_reader *how;
	void *ctx; /* the caller's, for how->want and how->on_warn */
	char *last_source;
	long total;
	int rc;
	struct qerr err;
};

/* Copy a record into one allocation. */
static int fill(struct item *it, const struct corpus_rec *r)
{
	size_t a = strlen(r->id) + 1, b = strlen(r->question) + 1,
	       c = strlen(r->answer) + 1, d = strlen(r->source) + 1;
	char *p = malloc(a + b + c + d);

	if (p == NULL)
		return -1;
	it->id = memcpy(p, r->id, a);
	it->question = memcpy(p + a, r->question, b);
	it->answer = memcpy(p + a + b, r->answer, c);
	it->source = memcpy(p + a + b + c, r->source, d);
	it->line = r->line;
	it->kind = r->kind;
	it->format = r->format;
	return 0;
}

/* Queue an item (waiting for room); QERR_USAGE when the consumer has
 * stopped. */
static int enqueue(struct pipeline *p, struct item *it)
{
	pthread_mutex_lock(&p->mu);
	while (p->n == QUEUE && !p->stop)
		pthread_cond_wait(&p->can_put, &p->mu);
	if (p->stop) {
		pthread_mutex_unlock(&p->mu);
		free(it->id);
		return QERR_USAGE; /* stopped by the consumer: not our error */
	}
	p->q[(p->head + p->n) % QUEUE] = *it;
	if (p->n++ == 0)
		pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static int put(void *ctx, const struct corpus_rec *r)
{
	struct pipeline *p = ctx;
	struct item it;

	memset(&it, 0, sizeof(it));
	if (fill(&it, r) != 0)
		return QERR_IO;
	if (p->last_source == NULL || strcmp(p->last_source, r->source) != 0) {
		free(p->last_source);
		p->last_source = strdup(r->source);
		it.new_source = 1;
	}
	return enqueue(p, &it);
}

static int put_file(void *ctx, const char *path, const struct corpus_file *f)
{
	struct pipeline *p = ctx;
	struct item it;

	(void)path;
	memset(&it, 0, sizeof(it));
	it.file_done = 1;
	it.info = *f;
	return enqueue(p, &it);
}

static int want(void *ctx, const char *path)
{
	struct pipeline *p = ctx;

	return p->how->want(p->ctx, path);
}

static void warn(void *ctx, const char *msg)
{
	struct pipeline *p = ctx;

	p->how->on_warn(p->ctx, msg);
}

static void *reader(void *arg)
{
	struct pipeline *p = arg;
	struct corpus_reader r = *p->how;
	int i, rc = 0;

	r.on_rec = put;
	r.on_file = put_file;
	r.ctx = p;
	r.want = p->how->want ? want : NULL;
	r.on_warn = p->how->on_warn ? warn : NULL;

	for (i = 0; i < p->npaths && rc == 0; i++) {
		long n = 0;

		rc = corpus_read_path(&r, p->paths[i], &n, &p->err);
		p->total += n;
	}
	if (rc == QERR_IO && p->err.code == QERR_OK)
		qerr_set(&p->err, QERR_IO, "out of memory");
	pthread_mutex_lock(&p->mu);
	p->rc = rc;
	p->done = 1;
	pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Next record, or 0 when the reader is done and the queue empty. */
static int get(struct pipeline *p, struct item *it)
{
	int got = 0;

	pthread_mutex_lock(&p->mu);
	while (p->n == 0 && !p->done)
		pthread_cond_wait(&p->can_get, &p->mu);
	if (p->n > 0) {
		*it = p->q[p->head];
		p->head = (p->head + 1) % QUEUE;
		if (p->n-- == QUEUE)
			pthread_cond_signal(&p->can_put);
		got = 1;
	}
	pthread_mutex_unlock(&p->mu);
	return got;
}

int pipeline_read(char **paths, int npaths, const struct corpus_reader *how,
		  pipeline_consume_fn consume, void *ctx, long *total,
		  struct qerr *err)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct item it;
	pthread_t th;
	int rc = 0;

	if (p == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	p->paths = paths;
	p->npaths = npaths;
	p->how = how;
	p->ctx = ctx;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_get, NULL);
	if (pthread_create(&th, NULL, reader, p) != 0) {
		free(p);
		return qerr_set(err, QERR_IO, "cannot start a thread");
	}
	while (get(p, &it)) {
		struct corpus_rec r = {it.id,   it.question, it.answer, it.source,
				       it.line, it.kind,     it.format};

		if (rc == 0)
			rc = it.file_done ? consume(ctx, NULL, 0, &it.info)
					  : consume(ctx, &r, it.new_source, NULL);
		free(it.id);
		if (rc != 0) {
			pthread_mutex_lock(&p->mu);
			p->stop = 1;
			pthread_cond_signal(&p->can_put);
			pthread_mutex_unlock(&p->mu);
		}
	}
	pthread_join(th, NULL);
	if (rc == 0 && p->rc != 0) {
		rc = p->rc;
		qerr_set(err, p->err.code ? p->err.code : rc, "%s", p->err.msg);
	}
	if (total)
		*total = p->total;
	free(p->last_source);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->can_put);
	pthread_cond_destroy(&p->can_get);
	free(p);
	return rc;
}
