/* sources.h - has a file the index recorded changed since it was read?
 *
 * An index records, per source file, the size, mtime (nanoseconds; whole
 * seconds in indexes older than meta mtime_ref) and content hash of the
 * bytes it read (idx.h, "sources").  These functions compare that record
 * with the file on disk now.  They never print.  src_changed and
 * src_changed_docs also refresh the record of files found touched
 * (idx_restat), so that only the first check after a touch hashes. */
#ifndef QUARRY_SOURCES_H
#define QUARRY_SOURCES_H

#include "corpus.h"
#include "idx.h"

/* How a recorded source compares with the file on disk now. */
enum src_state {
	SRC_SAME,    /* size and mtime as recorded, and not racy */
	SRC_TOUCHED, /* same content (hashed), another mtime: now says it */
	SRC_CHANGED, /* other content, or it cannot be read as it was */
	SRC_GONE,    /* no file there */
};

/* Compare s with its file.  ref is the index's meta mtime_ref: mtimes are
 * nanoseconds, and a source whose mtime is not older than ref is racy (it
 * may have changed in the same clock tick it was read in), so its content
 * is hashed as when its mtime differs; ref < 0: an index that recorded
 * whole seconds, compared as such.  now is filled when the file was
 * hashed (zeroed otherwise). */
enum src_state src_compare(const struct idx_source *s, long long ref,
			   struct corpus_file *now);

/* The index's mtime_ref from its meta value (-1 when it has none, or it
 * is not a number: whole-second mtimes). */
long long src_mtime_ref(const char *value);

/* A reference time for the files about to be read: the file-system
 * clock now, in whole seconds (as nanoseconds), so that a file written
 * after this call has an mtime no older than it; SOURCE_DATE_EPOCH when
 * earlier (util/clock.h). */
long long src_mtime_now(void);

/* Called by src_changed for each source that changed or is gone. */
typedef void (*src_changed_fn)(void *ctx, const char *path,
			       enum src_state st);

/* Visit, in recorded order, every source of x that is not the embedded
 * corpus and is SRC_CHANGED or SRC_GONE now; record the new mtime of
 * those SRC_TOUCHED when the index can be written (which ends x's read
 * transaction, as idx_pause).  0, or the error of reading the sources
 * (err set; nothing visited). */
int src_changed(struct idx *x, src_changed_fn fn, void *ctx,
		struct qerr *err);
/* src_changed over the sources of records docs[0..ndocs) only: what a
 * one-shot question checks, the files its answers came from (a stat per
 * file shown, not per file indexed). */
int src_changed_docs(struct idx *x, const long *docs, int ndocs,
		     src_changed_fn fn, void *ctx, struct qerr *err);

/* A recorded path (absolute, resolved) as shown to a person: relative to
 * the current directory when it is under it, else as it is.  Caller
 * frees; NULL when out of memory. */
char *src_show_path(const char *path);

#endif
