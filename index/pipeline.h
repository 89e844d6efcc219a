/* pipeline.h - read and analyse documents on several threads while this
 * one indexes them, in order.
 *
 * A reader thread runs the corpus readers (corpus.h) and cuts what they
 * give into chunks (PIPELINE_CHUNK_RECS records or PIPELINE_CHUNK_BYTES
 * of text, whichever comes first); worker threads analyse the chunks'
 * records (docana.h); the calling thread takes the chunks strictly in
 * the order they were read, analysing chunks itself while the next is not
 * ready, and hands each record with its analysis to a consumer.  What the consumer
 * sees is the same whatever the number of threads, so the index is too. */
#ifndef QUARRY_PIPELINE_H
#define QUARRY_PIPELINE_H

#include <stddef.h>

#include "../util/err.h"
#include "corpus.h"
#include "docana.h"

#define PIPELINE_CHUNK_RECS 512
#define PIPELINE_CHUNK_BYTES ((size_t)4 << 20)
#define PIPELINE_MAX_THREADS 8

/* Receives each record in order (r set, with its analysis a; first: the
 * first record of its file) and, after the last record of a file, what
 * was read of it (r and a NULL, done set: size, mtime and hash from the
 * descriptor it was read through).  Non-zero stops the reading (and is
 * returned). */
typedef int (*pipeline_consume_fn)(void *ctx, const struct corpus_rec *r,
				   const struct docana *a, int first,
				   const struct corpus_file *done);

/* How much of the machine a pipeline may use. */
struct pipeline_opts {
	int threads;   /* analysing threads, this one included (1: no
			* workers); 1 to PIPELINE_MAX_THREADS */
	size_t memory; /* bytes of chunks read and not yet consumed; the
			* reader waits past it (one chunk is always let
			* through) */
};

/* Read paths (corpus_read_path) on a thread of their own, analyse the
 * records on po->threads threads and hand them to consume on this one.
 * how gives the reader's on_warn, want, exclude, lenient and opts (its
 * on_rec, on_file and ctx are not used); on_warn and want are called on
 * the reading thread, with ctx, never at the same time as each other.
 * *total (may be NULL) receives the records read.  Returns 0, consume's
 * status, or the reader's or analysis's error (err set). */
int pipeline_read(char **paths, int npaths, const struct corpus_reader *how,
		  const struct pipeline_opts *po, pipeline_consume_fn consume,
		  void *ctx, long *total, struct qerr *err);

/* The default number of threads: the CPUs online, at most
 * PIPELINE_MAX_THREADS. */
int pipeline_default_threads(void);

#endif
