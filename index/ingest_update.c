/* ingest_update.c - update an index in place from the files it records.
 *
 * New and changed files are read (on other threads, pipeline.h) and
 * indexed again; unchanged ones, decided by size and mtime and, when
 * those cannot tell, by content (sources.h), are not read at all; files
 * that are gone or hold no records any more are dropped.  All of it is
 * one transaction of the index writer (idx_update_begin .. idx_update_commit). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest_int.h"
#include "pipeline.h"
#include "sources.h"

struct update_ctx {
	struct ingest_ctx c;
	struct idx_source *src; /* what the index holds */
	int nsrc;
	struct strmap known;    /* canonical path -> aux: index into src */
	long long ref;          /* the index's mtime_ref, -1: whole seconds */
	/* the reading thread's (want), read once it has ended */
	struct strmap seen;     /* files asked about; count 1: to be read */
	struct strmap touched;  /* same content, new mtime: aux = src index */
	long long *now_ns;      /* per src: the touched file's mtime */
	long unchanged;
	/* the indexing thread's */
	struct strmap delivered; /* canonical paths that gave records */
	long files, removed;
};

static const struct idx_source *known_source(struct update_ctx *u,
					     const char *key)
{
	const struct strmap_entry *e = strmap_find(&u->known, key);

	return e ? &u->src[e->aux] : NULL;
}

static void update_warn(void *ctx, const char *msg)
{
	struct update_ctx *u = ctx;

	ingest_reader_warn(&u->c, msg);
}

/* On the reading thread: read new and changed files only. */
static int update_want(void *ctx, const char *path)
{
	struct update_ctx *u = ctx;
	char *key = ingest_canon(path);
	const struct idx_source *s;
	struct strmap_entry *e, *t;
	struct corpus_file now;
	int want = 0;

	if (key == NULL || (e = strmap_get(&u->seen, key, strlen(key))) == NULL) {
		free(key);
		return 1; /* out of memory: reading it is the safe side */
	}
	if (e->aux++ > 0) {
		free(key);
		return 0; /* named twice */
	}
	s = known_source(u, key);
	switch (s ? src_compare(s, u->ref, &now) : SRC_CHANGED) {
	case SRC_SAME:
		u->unchanged++;
		break;
	case SRC_TOUCHED:
		if ((t = strmap_get(&u->touched, key, strlen(key))) != NULL) {
			t->aux = (long)(s - u->src);
			u->now_ns[s - u->src] = now.mtime_ns;
		}
		u->unchanged++;
		break;
	default:
		want = 1; /* new, changed, or to be reported by the reader */
	}
	e->count = want;
	free(key);
	return want;
}

/* On the indexing thread: a changed file's old records go first. */
static int update_consume(void *ctx, const struct corpus_rec *r,
			  const struct docana *a, int first,
			  const struct corpus_file *done)
{
	struct update_ctx *u = ctx;
	int rc = 0;

	if (r == NULL) {
		ingest_file_done(&u->c);
		return idx_build_source_stat(u->c.b, done->size, done->mtime_ns,
					     done->hash);
	}
	if (first) {
		char *key = ingest_canon(r->source);
		const struct idx_source *s = key ? known_source(u, key) : NULL;

		if (key == NULL ||
		    strmap_get(&u->delivered, key, strlen(key)) == NULL) {
			free(key);
			return QERR_IO;
		}
		u->files++;
		if (s && (rc = idx_update_remove(u->c.b, s->path)) != 0) {
			free(key);
			return rc;
		}
		rc = idx_build_source(u->c.b, key, -1, -1, "", 0);
		free(key);
		if (rc == 0)
			rc = idx_build_source_kind(u->c.b, r->kind, r->format);
	}
	return rc ? rc : ingest_add(&u->c, r, a);
}

/* Is recorded path p one of args, or under one of them? */
static int under_args(const char *p, char **args, int nargs)
{
	int i;

	for (i = 0; i < nargs; i++) {
		char *c = realpath(args[i], NULL);
		const char *forms[2] = {args[i], c};
		int j;

		for (j = 0; j < 2; j++) {
			size_t n = forms[j] ? strlen(forms[j]) : 0;

			while (n > 1 && forms[j][n - 1] == '/')
				n--;
			if (n && strncmp(p, forms[j], n) == 0 &&
			    (p[n] == '\0' || p[n] == '/')) {
				free(c);
				return 1;
			}
		}
		free(c);
	}
	return 0;
}

/* After reading: new mtimes, and the sources that are gone.  A source
 * left as it was keeps its mtime only when the new mtime_ref cannot make
 * it look settled: one racy under the old reference (or recorded in
 * whole seconds) and not checked now gets mtime -1, so that its content
 * is compared next time (git smudges such entries). */
static int update_finish(struct update_ctx *u, char **args, int nargs)
{
	int i, rc = 0;

	for (i = 0; i < u->nsrc && rc == 0; i++) {
		const struct idx_source *s = &u->src[i];
		char *key = ingest_canon(s->path);
		const struct strmap_entry *seen, *t;
		struct stat sb;
		int drop = 0;

		if (key == NULL)
			return QERR_IO;
		seen = strmap_find(&u->seen, key);
		if ((t = strmap_find(&u->touched, key)) != NULL)
			rc = idx_update_touch(u->c.b, s->path, u->now_ns[t->aux]);
		else if (seen && seen->count == 1 &&
			 !strmap_find(&u->delivered, key))
			drop = 1; /* changed, and no records in it now */
		else if (!seen && !s->bundled && stat(s->path, &sb) != 0 &&
			 s->path[0] != '/' && nargs == 0)
			/* Recorded as given by an older quarry: maybe gone,
			 * maybe only out of sight from this directory. */
			ingest_warnf(u->c.cb, "%s is not found from here (recorded "
				     "relative to the directory it was indexed "
				     "from): kept; update from there to check it",
				     s->path);
		else if (!seen && !s->bundled && stat(s->path, &sb) != 0 &&
			 (nargs == 0 || under_args(s->path, args, nargs)))
			drop = 1; /* gone from disk */
		else if (!s->bundled && !strmap_find(&u->delivered, key) &&
			 (u->ref < 0 || (!seen && s->mtime >= u->ref)))
			rc = idx_update_touch(u->c.b, s->path, -1);
		if (drop && rc == 0) {
			rc = idx_update_remove(u->c.b, s->path);
			u->removed++;
		}
		free(key);
	}
	return rc;
}

/* An update that would drop every file of an index and add none is far
 * more often a mistake (another directory, an unmounted disk) than a
 * wish; a full build is the way to replace an index. */
static int refuse_emptying(const struct update_ctx *u, const char *db,
			   struct qerr *err)
{
	const char *why = "none of them can be found";
	int i;

	for (i = 0; i < u->nsrc; i++)
		if (u->src[i].path[0] != '/')
			why = "they were recorded relative to the directory "
			      "they were indexed from: update from there";
	return qerr_set(err, QERR_IO, "update would drop all %d files of %s "
			"and leave it empty (%s); nothing changed. To index "
			"other files instead: quarry index --db %s PATH...",
			u->nsrc, db, why, db);
}

static void update_free(struct update_ctx *u)
{
	idx_sources_free(u->src, u->nsrc);
	strmap_free(&u->known);
	strmap_free(&u->seen);
	strmap_free(&u->touched);
	strmap_free(&u->delivered);
	free(u->now_ns);
}

/* Index every recorded source in u->known (canonical path -> src index). */
static int know_sources(struct update_ctx *u, struct qerr *err)
{
	int i;

	for (i = 0; i < u->nsrc; i++) {
		char *key = ingest_canon(u->src[i].path);
		struct strmap_entry *e =
			key ? strmap_get(&u->known, key, strlen(key)) : NULL;

		free(key);
		if (e == NULL)
			return qerr_set(err, QERR_IO, "out of memory");
		e->aux = i;
	}
	return 0;
}

/* Every recorded file that is still there (NULL-terminated; the strings
 * are u->src's).  NULL when out of memory. */
static char **recorded_files(const struct update_ctx *u, int *n)
{
	char **all = calloc((size_t)u->nsrc + 1, sizeof(*all));
	int i;

	*n = 0;
	if (all == NULL)
		return NULL;
	for (i = 0; i < u->nsrc; i++)
		if (!u->src[i].bundled && access(u->src[i].path, F_OK) == 0)
			all[(*n)++] = u->src[i].path;
	return all;
}

int ingest_update(const char *db, char **paths, int npaths,
		  const struct ingest_cb *cb, struct ingest_summary *sum,
		  struct qerr *err)
{
	struct update_ctx u;
	struct corpus_reader how = {0};
	struct pipeline_opts po;
	long long ref = src_mtime_now();
	char **all = NULL, text[32];
	long total = 0;
	int nall = 0, rc;

	if (access(db, F_OK) != 0) {
		if (npaths == 0)
			return qerr_set(err, QERR_USAGE, "%s does not exist; "
					"name the files to index", db);
		return ingest_build(db, paths, npaths, cb, sum, err);
	}
	memset(&u, 0, sizeof(u));
	u.c.cb = ingest_cb_or_none(cb);
	if ((rc = idx_update_begin(&u.c.b, db, err)) != 0)
		return rc;
	if ((rc = idx_update_sources(u.c.b, &u.src, &u.nsrc, err)) != 0)
		goto fail;
	u.ref = src_mtime_ref(idx_update_meta(u.c.b, "mtime_ref", text,
					      sizeof(text)));
	if ((u.now_ns = calloc((size_t)u.nsrc + 1, sizeof(*u.now_ns))) == NULL) {
		rc = qerr_set(err, QERR_IO, "out of memory");
		goto fail;
	}
	if ((rc = know_sources(&u, err)) != 0)
		goto fail;
	if (npaths == 0 && (all = recorded_files(&u, &nall)) == NULL) {
		rc = qerr_set(err, QERR_IO, "out of memory");
		goto fail;
	}
	u.c.start = ingest_now();
	how.on_warn = update_warn;
	how.want = update_want;
	how.exclude = db;
	how.opts = u.c.cb->opts;
	/* Without PATH the files are the index's own: one that holds no
	 * records any more is dropped, with a warning. */
	how.lenient = npaths == 0;
	ingest_machine(&u.c, &po);
	rc = pipeline_read(npaths ? paths : all, npaths ? npaths : nall, &how,
			   &po, update_consume, &u, &total, err);
	ingest_warn_summary(&u.c);
	if (rc == 0)
		rc = update_finish(&u, paths, npaths);
	if (rc == 0 && u.nsrc > 0 && u.removed == u.nsrc && u.files == 0)
		rc = refuse_emptying(&u, db, err);
	if (rc != 0) {
		idx_build_status(u.c.b, err);
		goto fail;
	}
	ingest_progress(&u.c, 1);
	ingest_note_mtime_ref(u.c.b, ref);
	rc = idx_update_commit(u.c.b, err);
	u.c.b = NULL;
	if (rc == 0 && sum) {
		memset(sum, 0, sizeof(*sum));
		sum->updated = 1;
		sum->records = total;
		sum->files = u.files;
		sum->unchanged = u.unchanged;
		sum->removed = u.removed;
	}
fail:
	idx_build_abort(u.c.b);
	update_free(&u);
	free(all);
	return rc;
}
