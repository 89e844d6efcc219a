/* pipeline.h - read documents on a second thread while this one indexes.
 *
 * Parsing (JSON above all) is a third of an index build.  pipeline_read
 * runs the corpus readers (corpus.h) on a thread of its own and hands
 * the records, in order, to a consumer on the calling thread, which
 * analyzes them and writes the index. */
#ifndef QUARRY_PIPELINE_H
#define QUARRY_PIPELINE_H

#include "../util/err.h"
#include "corpus.h"

/* Receives each record in order (r set; first: the first record of its
 * file) and, after the last record of a file, what was read of it (r
 * NULL, done set: size, mtime and hash from the descriptor it was read
 * through).  Non-zero stops the reading (and is returned). */
typedef int (*pipeline_consume_fn)(void *ctx, const struct corpus_rec *r,
				   int first, const struct corpus_file *done);

/* Read paths (corpus_read_path) on a second thread, handing the records
 * to consume on this one.  how gives the reader's on_warn, want, exclude,
 * lenient and opts (its on_rec, on_file and ctx are not used); on_warn
 * and want are called on the reading thread, with ctx, never at the same
 * time as each other.  *total (may be NULL) receives the records read.
 * Returns 0, consume's status, or the reader's error (err set). */
int pipeline_read(char **paths, int npaths, const struct corpus_reader *how,
		  pipeline_consume_fn consume, void *ctx, long *total,
		  struct qerr *err);

#endif
