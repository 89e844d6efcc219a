/* ingest_int.h - what ingest.c (builds, rebuilds, the default index) and
 * ingest_update.c (updates in place) share.  Not for the rest of quarry:
 * use ingest.h. */
#ifndef QUARRY_INGEST_INT_H
#define QUARRY_INGEST_INT_H

#include "../util/err.h"
#include "../util/strmap.h"
#include "corpus.h"
#include "idx.h"
#include "ingest.h"
#include "pipeline.h"

/* One build or update under way. */
struct ingest_ctx {
	struct idx_build *b;
	const struct ingest_cb *cb; /* never NULL (ingest_cb_or_none) */
	char *bundled_path;         /* the embedded corpus, once recorded */
	struct strmap seen;         /* reading thread: resolved paths asked */
	long nwarn;                 /* reader warnings so far */
	long long total_bytes;      /* sum of input sizes, 0 if unknown */
	double start;               /* monotonic seconds when reading began */
	long files;                 /* files read whole so far */
};

/* A file has been read whole (its records consumed): count it and
 * report progress, so a build of slow files (converters) shows each. */
void ingest_file_done(struct ingest_ctx *c);

/* cb, or a set of callbacks that hear nothing. */
const struct ingest_cb *ingest_cb_or_none(const struct ingest_cb *cb);

/* A formatted warning to cb->on_warn. */
void ingest_warnf(const struct ingest_cb *cb, const char *fmt, ...)
	QERR_PRINTF(2, 3);

/* The file readers' on_warn (ctx: a struct ingest_ctx): the first
 * INGEST_MAX_WARN passed on; ingest_warn_summary counts the rest once
 * the reading has ended, and starts the count again. */
void ingest_reader_warn(void *ctx, const char *msg);
void ingest_warn_summary(struct ingest_ctx *c);

/* Monotonic seconds. */
double ingest_now(void);
/* Report progress (final: the files have been read). */
void ingest_progress(struct ingest_ctx *c, int final);
/* Add r to the build (analysed as a when a is not NULL, see docana.h),
 * reporting progress every 1024 records. */
int ingest_add(struct ingest_ctx *c, const struct corpus_rec *r,
	       const struct docana *a);
/* The pipeline's threads and memory for c's build (ingest_cb's), and
 * the postings' share of the memory set on c->b. */
void ingest_machine(struct ingest_ctx *c, struct pipeline_opts *po);
/* Record when reading began, for the racy check (meta mtime_ref). */
void ingest_note_mtime_ref(struct idx_build *b, long long ref);

/* realpath, or the path itself when it does not resolve (gone).  Caller
 * frees; NULL when out of memory. */
char *ingest_canon(const char *path);

#endif
