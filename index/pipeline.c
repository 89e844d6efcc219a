/* pipeline.c - read and analyse documents on several threads while this
 * one indexes them, in order (see pipeline.h).
 *
 * The reader thread copies the records the corpus readers give, and after
 * each file what was read of it, into chunks (one ends with each file),
 * numbered in reading order and published to a ring of chunks in flight.
 * Workers take the oldest chunk nobody has taken and analyse its records;
 * the indexing thread consumes the oldest chunk of all once it is
 * analysed, and while it is not, analyses the next chunk nobody has taken
 * (so one thread per core is busy whatever share of the work the indexing
 * is).  Consumed chunks go back to the reader to be filled again, so
 * their buffers are reused.  The reader waits while the ring is full or
 * the chunks in flight hold more than the memory allowed.  Either side
 * can stop the other: a consumer error stops the reader at its next
 * chunk, a reader error ends the ring. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/buf.h"
#include "analyzer.h"
#include "pipeline.h"
#include "vecstore.h"

#define RING 64 /* chunks in flight at most (also 2 per thread, below) */

/* A record, or the end of a file, inside a chunk. */
struct item {
	size_t id, question, answer, source; /* offsets in the chunk's text */
	long line;
	int kind;
	const char *format; /* static, or owned by the reader's opts */
	int new_source;     /* first record of this source file */
	int file_done;      /* no record: the file read, as info */
	struct corpus_file info;
};

enum { QUEUED, TAKEN, READY };

struct chunk {
	struct chunk *next; /* in the free list */
	struct buf text;    /* the records' strings, NUL-terminated */
	struct item *items;
	size_t n, cap;
	struct docana **ana; /* ana[i]: item i's analysis (records only) */
	size_t cap_ana;
	size_t bytes;  /* what it holds, as counted against the memory */
	size_t abytes; /* of which its analyses */
	int state;
	int rc; /* the analysis's status (err) */
	struct qerr err;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_get, can_work;
	struct chunk *ring[RING];
	long head, work, tail; /* oldest in flight, next to analyse, next
				* to publish: head <= work <= tail */
	size_t bytes, memory;
	long max_flight;
	int done, stop;
	struct chunk *free;
	const struct vec *vec;
	/* the reader's side */
	char **paths;
	int npaths;
	const struct corpus_reader *how;
	void *ctx; /* the caller's, for how->want and how->on_warn */
	struct chunk *fill;
	char *last_source;
	long total;
	int rc;
	struct qerr err;
};

static void chunk_free(struct chunk *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->cap_ana; i++)
		docana_free(c->ana[i]);
	free(c->ana);
	free(c->items);
	buf_free(&c->text);
	free(c);
}

/* Analyse the records of c with t and w, setting c->abytes; 0, or
 * c->rc (c->err set). */
static int analyse(struct pipeline *p, struct chunk *c, struct tok *t,
		   struct docana_work *w)
{
	size_t i;

	c->abytes = 0;
	if (c->n > c->cap_ana) {
		struct docana **na = realloc(c->ana, c->n * sizeof(*na));

		if (na == NULL)
			goto oom;
		memset(na + c->cap_ana, 0,
		       (c->n - c->cap_ana) * sizeof(*na));
		c->ana = na;
		c->cap_ana = c->n;
	}
	for (i = 0; i < c->n && c->rc == 0; i++) {
		const struct item *it = &c->items[i];

		if (it->file_done)
			continue;
		if (c->ana[i] == NULL && (c->ana[i] = docana_new()) == NULL)
			goto oom;
		c->rc = docana_run(c->ana[i], w, t, p->vec,
				   c->text.data + it->question,
				   c->text.data + it->answer, &c->err);
		c->abytes += docana_size(c->ana[i]);
	}
	return c->rc;
oom:
	return c->rc = qerr_set(&c->err, QERR_IO, "out of memory");
}

/* ---- the reader's side ---- */

/* A chunk to fill: a consumed one, or a new one; NULL on OOM. */
static struct chunk *take_free(struct pipeline *p)
{
	struct chunk *c;

	pthread_mutex_lock(&p->mu);
	if ((c = p->free) != NULL)
		p->free = c->next;
	pthread_mutex_unlock(&p->mu);
	if (c == NULL)
		return calloc(1, sizeof(*c));
	buf_reset(&c->text);
	c->n = 0;
	c->bytes = 0;
	c->rc = 0;
	c->state = QUEUED;
	return c;
}

/* Publish the chunk being filled (waiting for room); QERR_USAGE when the
 * consumer has stopped. */
static int publish(struct pipeline *p)
{
	struct chunk *c = p->fill;

	if (c == NULL || c->n == 0)
		return 0;
	c->bytes = c->text.cap + c->cap * sizeof(*c->items);
	pthread_mutex_lock(&p->mu);
	while (!p->stop && (p->tail - p->head >= p->max_flight ||
			    (p->bytes > p->memory && p->tail > p->head)))
		pthread_cond_wait(&p->can_put, &p->mu);
	if (p->stop) {
		pthread_mutex_unlock(&p->mu);
		return QERR_USAGE; /* stopped by the consumer: not our error */
	}
	c->state = QUEUED;
	p->ring[p->tail++ % RING] = c;
	p->bytes += c->bytes;
	p->fill = NULL;
	pthread_cond_signal(&p->can_work);
	pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* A new item at the end of the chunk being filled; NULL on OOM. */
static struct item *new_item(struct pipeline *p)
{
	struct chunk *c = p->fill;

	if (c == NULL && (c = p->fill = take_free(p)) == NULL)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct item *ni = realloc(c->items, cap * sizeof(*ni));

		if (ni == NULL)
			return NULL;
		c->items = ni;
		c->cap = cap;
	}
	memset(&c->items[c->n], 0, sizeof(c->items[0]));
	return &c->items[c->n++];
}

/* Copy s into the chunk's text; its offset into *off. */
static int put_str(struct chunk *c, const char *s, size_t *off)
{
	*off = c->text.len;
	return buf_append(&c->text, s, strlen(s) + 1);
}

static int put(void *ctx, const struct corpus_rec *r)
{
	struct pipeline *p = ctx;
	struct item *it = new_item(p);
	struct chunk *c = p->fill;

	if (it == NULL || put_str(c, r->id, &it->id) ||
	    put_str(c, r->question, &it->question) ||
	    put_str(c, r->answer, &it->answer) ||
	    put_str(c, r->source, &it->source))
		return QERR_IO;
	it->line = r->line;
	it->kind = r->kind;
	it->format = r->format;
	if (p->last_source == NULL || strcmp(p->last_source, r->source) != 0) {
		free(p->last_source);
		if ((p->last_source = strdup(r->source)) == NULL)
			return QERR_IO;
		it->new_source = 1;
	}
	if (c->n >= PIPELINE_CHUNK_RECS || c->text.len >= PIPELINE_CHUNK_BYTES)
		return publish(p);
	return 0;
}

static int put_file(void *ctx, const char *path, const struct corpus_file *f)
{
	struct pipeline *p = ctx;
	struct item *it = new_item(p);

	(void)path;
	if (it == NULL)
		return QERR_IO;
	it->file_done = 1;
	it->info = *f;
	/* (a file that went through a slow converter shows in the progress
	 * at once, not when the chunk has filled) */
	return publish(p);
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
	if (rc == 0)
		rc = publish(p);
	if (rc == QERR_IO && p->err.code == QERR_OK)
		qerr_set(&p->err, QERR_IO, "out of memory");
	pthread_mutex_lock(&p->mu);
	p->rc = rc;
	p->done = 1;
	pthread_cond_broadcast(&p->can_work);
	pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Count the analyses of c, just made, in flight (p locked). */
static void analysed(struct pipeline *p, struct chunk *c)
{
	c->state = READY;
	c->bytes += c->abytes;
	p->bytes += c->abytes;
}

/* ---- the workers ---- */

/* A thread's analyser and scratch. */
struct worker {
	struct pipeline *p;
	struct tok *tok;
	struct docana_work *work;
	pthread_t th;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pipeline *p = w->p;
	struct chunk *c;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && !p->done && p->work == p->tail)
			pthread_cond_wait(&p->can_work, &p->mu);
		if (p->stop || p->work == p->tail)
			break;
		c = p->ring[p->work++ % RING];
		c->state = TAKEN;
		pthread_mutex_unlock(&p->mu);
		analyse(p, c, w->tok, w->work);
		pthread_mutex_lock(&p->mu);
		analysed(p, c);
		pthread_cond_signal(&p->can_get);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the indexing thread ---- */

/* The oldest chunk, analysed (this thread analysing chunks nobody has
 * taken meanwhile), or NULL when the reader is done and every chunk
 * consumed. */
static struct chunk *next_chunk(struct pipeline *p, struct worker *me)
{
	struct chunk *c = NULL;

	pthread_mutex_lock(&p->mu);
	while (p->head < p->tail || !p->done) {
		if (p->head == p->tail) {
			pthread_cond_wait(&p->can_get, &p->mu);
			continue;
		}
		c = p->ring[p->head % RING];
		if (c->state == READY)
			break;
		c = NULL;
		if (p->work < p->tail) {
			/* While the oldest is not ready, help with the next
			 * one nobody has taken (the oldest itself, first). */
			struct chunk *h = p->ring[p->work++ % RING];

			h->state = TAKEN;
			pthread_mutex_unlock(&p->mu);
			analyse(p, h, me->tok, me->work);
			pthread_mutex_lock(&p->mu);
			analysed(p, h);
			continue;
		}
		pthread_cond_wait(&p->can_get, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return c;
}

/* Give back the consumed oldest chunk c. */
static void recycle(struct pipeline *p, struct chunk *c)
{
	pthread_mutex_lock(&p->mu);
	p->head++;
	p->bytes -= c->bytes;
	c->next = p->free;
	p->free = c;
	pthread_cond_signal(&p->can_put);
	pthread_mutex_unlock(&p->mu);
}

/* Hand c's items to consume; its status. */
static int consume_chunk(struct chunk *c, pipeline_consume_fn consume,
			 void *ctx)
{
	const char *s = c->text.data;
	size_t i;
	int rc = 0;

	for (i = 0; i < c->n && rc == 0; i++) {
		const struct item *it = &c->items[i];
		struct corpus_rec r;

		/* (a chunk holding only a file's end has no text: s is NULL) */
		if (it->file_done) {
			rc = consume(ctx, NULL, NULL, 0, &it->info);
			continue;
		}
		r = (struct corpus_rec){s + it->id,	s + it->question,
					s + it->answer, s + it->source,
					it->line,	it->kind,
					it->format};
		rc = consume(ctx, &r, c->ana[i], it->new_source, NULL);
	}
	return rc;
}

static void stop(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->can_put);
	pthread_cond_broadcast(&p->can_work);
	pthread_mutex_unlock(&p->mu);
}

/* Free what p holds once its threads are joined. */
static void pipeline_free(struct pipeline *p)
{
	struct chunk *c;

	while (p->head < p->tail)
		chunk_free(p->ring[p->head++ % RING]);
	while ((c = p->free) != NULL) {
		p->free = c->next;
		chunk_free(c);
	}
	chunk_free(p->fill);
	free(p->last_source);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->can_put);
	pthread_cond_destroy(&p->can_get);
	pthread_cond_destroy(&p->can_work);
	free(p);
}

/* Give w an analyser and scratch of its own; -1 on OOM. */
static int worker_init(struct worker *w, struct pipeline *p)
{
	w->p = p;
	w->tok = tok_new(TOK_STEM);
	w->work = docana_work_new();
	return w->tok && w->work ? 0 : -1;
}

static void worker_free(struct worker *w)
{
	tok_free(w->tok);
	docana_work_free(w->work);
}

/* Start the workers w[1..nw] (w[0] is this thread's); how many
 * started. */
static int start_workers(struct pipeline *p, struct worker *w, int nw)
{
	int i;

	for (i = 1; i <= nw; i++) {
		if (worker_init(&w[i], p) != 0 ||
		    pthread_create(&w[i].th, NULL, work, &w[i]) != 0) {
			worker_free(&w[i]);
			break;
		}
	}
	return i - 1;
}

/* Join the started workers w[1..n] and free every worker's analyser. */
static void join_workers(struct worker *w, int n)
{
	int i;

	for (i = 1; i <= n; i++) {
		pthread_join(w[i].th, NULL);
		worker_free(&w[i]);
	}
	worker_free(&w[0]);
}

int pipeline_read(char **paths, int npaths, const struct corpus_reader *how,
		  const struct pipeline_opts *po, pipeline_consume_fn consume,
		  void *ctx, long *total, struct qerr *err)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct worker w[PIPELINE_MAX_THREADS];
	int nw = po->threads - 1, started, rc = 0;
	struct chunk *c;
	struct vec *vec;
	pthread_t th;

	memset(w, 0, sizeof(w));
	if (p == NULL || worker_init(&w[0], p) != 0) {
		free(p);
		worker_free(&w[0]);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	nw = nw < 0 ? 0 : nw >= PIPELINE_MAX_THREADS ? PIPELINE_MAX_THREADS - 1
						      : nw;
	p->paths = paths;
	p->npaths = npaths;
	p->how = how;
	p->ctx = ctx;
	p->memory = po->memory;
	p->max_flight = 2L * (nw + 1) + 2;
	/* What the threads share is made before they start: the vectors
	 * file (verified once) with its hash table of words (on
	 * out-of-memory lookups stay binary searches), and the analyzer's
	 * stop word table. */
	if ((vec = idx_vst_vec()) != NULL)
		(void)vec_hash_words(vec);
	p->vec = vec;
	tok_is_stop("the", 3);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_get, NULL);
	pthread_cond_init(&p->can_work, NULL);
	started = start_workers(p, w, nw);
	if (started < nw || pthread_create(&th, NULL, reader, p) != 0) {
		stop(p);
		join_workers(w, started);
		pipeline_free(p);
		return qerr_set(err, QERR_IO, "cannot start a thread");
	}
	while (rc == 0 && (c = next_chunk(p, &w[0])) != NULL) {
		if ((rc = c->rc) != 0)
			qerr_set(err, c->err.code ? c->err.code : rc, "%s",
				 c->err.msg);
		else
			rc = consume_chunk(c, consume, ctx);
		recycle(p, c);
	}
	stop(p);
	pthread_join(th, NULL);
	join_workers(w, started);
	if (rc == 0 && p->rc != 0) {
		rc = p->rc;
		qerr_set(err, p->err.code ? p->err.code : rc, "%s", p->err.msg);
	}
	if (total)
		*total = p->total;
	pipeline_free(p);
	return rc;
}

int pipeline_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > PIPELINE_MAX_THREADS ? PIPELINE_MAX_THREADS
						    : (int)n;
}
