/* ingest.h - reading documents into an index: full builds, updates in
 * place, rebuilds from the recorded sources, and quarry's default index.
 *
 * This is the policy above the index writer (idx.h): which files to read
 * (corpus.h, read and analysed on other threads: pipeline.h), which to leave alone
 * because they did not change (sources.h), which to drop, and what to
 * record about each.  Nothing here prints: warnings and progress go to
 * the callbacks of struct ingest_cb, and what a build did comes back in
 * struct ingest_summary for the caller to show.
 *
 * Source paths are recorded resolved (absolute, symbolic links followed),
 * so a file named twice is read once and an update finds it from any
 * directory.  Every write takes the index's writer lock (idx.h). */
#ifndef QUARRY_INGEST_H
#define QUARRY_INGEST_H

#include "../util/err.h"
#include "corpus.h"
#include "idx.h"

/* How far a build has come, for a progress line. */
struct ingest_progress {
	long records;          /* records added so far */
	long long bytes;       /* their text bytes (questions and answers) */
	long long total_bytes; /* the named files' sizes; 0: unknown (a
				* directory was named) */
	double seconds;        /* since reading began */
	long files;            /* files read so far */
};

/* What the caller hears while a build runs.  Every member may be NULL. */
struct ingest_cb {
	/* A problem that does not stop the work, as one line without a
	 * newline: a file skipped, a source gone, a setting ignored.  Of
	 * the file readers' warnings, the first INGEST_MAX_WARN of a read
	 * are passed on, then one line counting the rest.  Called on the
	 * reading thread too, never two at once. */
	void (*on_warn)(void *ctx, const char *msg);
	/* Every 1024 records and after each file read, and once more with
	 * final set when the files have been read (not for the embedded
	 * corpus alone).  Called on the calling thread. */
	void (*on_progress)(void *ctx, const struct ingest_progress *p,
			    int final);
	void *ctx;
	/* How files are read (--as, converters): NULL detects per file and
	 * has no converters.  The embedded corpus is always detected. */
	const struct corpus_opts *opts;
	/* Threads that analyse records (0: pipeline_default_threads), and
	 * the memory a build may use (0: INGEST_MEMORY): a seventh eighth
	 * for the postings kept before a run is spilled, the rest for the
	 * records read and analysed ahead of the indexing. */
	int threads;
	size_t memory;
};

#define INGEST_MEMORY ((size_t)512 << 20)

#define INGEST_MAX_WARN 20

/* What a build, update or rebuild did. */
struct ingest_summary {
	int updated;    /* 1: updated in place; 0: built whole */
	long records;   /* records read (an update: from the files it read) */
	int paths;      /* built: the paths read, the embedded corpus one */
	long files;     /* updated: new or changed files indexed */
	long unchanged; /* updated: files left as they were */
	long removed;   /* updated: files dropped (gone, or no records now) */
};

/* Build the index db from paths (files or directories), replacing what
 * is there only when complete (idx_build_commit); the parent directories
 * of db are made as needed.  The index is the same whatever cb->threads
 * and cb->memory.  sum (may be NULL) is filled on success.  0, or an
 * error with err set; the old index stays then. */
int ingest_build(const char *db, char **paths, int npaths,
		 const struct ingest_cb *cb, struct ingest_summary *sum,
		 struct qerr *err);

/* Update db in place from paths (all its recorded sources when npaths is
 * 0), as one transaction: new and changed files are (re)indexed,
 * unchanged ones not read, recorded files under paths that are gone or
 * hold no records now dropped.  When db does not exist it is built from
 * paths (sum->updated 0), or, without paths, QERR_USAGE.  An update that
 * would drop every file and add none is refused (QERR_IO) and changes
 * nothing.  sum (may be NULL) is filled on success. */
int ingest_update(const char *db, char **paths, int npaths,
		  const struct ingest_cb *cb, struct ingest_summary *sum,
		  struct qerr *err);

/* Build db again from the sources it records (idx_salvage_sources: any
 * schema version, even damaged), read again: the embedded corpus if it
 * was one, and the files that still exist (each gone one warned about).
 * Refused (QERR_IO) when a relative path recorded by an older quarry is
 * not found, or nothing is left.  The writer lock is held throughout, so
 * no update slips in between.  The old index stays when it fails. */
int ingest_rebuild(const char *db, const struct ingest_cb *cb,
		   struct ingest_summary *sum, struct qerr *err);

/* Open db for querying (idx_open).  is_default: db is quarry's own
 * default index, which is built from the embedded corpus when missing
 * and rebuilt from all the sources it records when it was built from
 * another embedded corpus, by another format, or is damaged (warning
 * when it held more than the embedded corpus or was damaged).  Another
 * index that is damaged or outdated (QERR_DATA) and names its sources
 * gets the command that rebuilds it added to err.  Progress is never
 * reported.  *out receives the index, NULL on failure. */
int ingest_open(const char *db, int is_default, const struct ingest_cb *cb,
		struct idx **out, struct qerr *err);

#endif
