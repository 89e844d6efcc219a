/* ingest.c - full builds from files and the embedded corpus, rebuilds
 * from an index's recorded sources, and opening quarry's default index.
 *
 * A build reads and analyses its files on other threads (pipeline.h),
 * writes a new index beside the old one (idx_build_*), recording each file
 * resolved, with the size, mtime and hash of the bytes read.  Updates in
 * place are ingest_update.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/fileio.h"
#include "ingest_int.h"
#include "pipeline.h"
#include "sources.h"

/* The embedded corpus (the build's corpus_data.c, tests/embed.sh). */
extern const unsigned char quarry_bundled[];
extern const size_t quarry_bundled_len;
extern const char quarry_bundled_name[];
extern const char quarry_bundled_hash[];

/* ---- what ingest.c and ingest_update.c share ---- */

static const struct ingest_cb no_cb;

const struct ingest_cb *ingest_cb_or_none(const struct ingest_cb *cb)
{
	return cb ? cb : &no_cb;
}

void ingest_warnf(const struct ingest_cb *cb, const char *fmt, ...)
{
	char small[512], *msg = small;
	va_list ap;
	int n;

	if (cb->on_warn == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (msg == NULL)
		msg = small; /* out of memory: the message cut short */
	if (n >= 0)
		cb->on_warn(cb->ctx, msg);
	if (msg != small)
		free(msg);
}

void ingest_reader_warn(void *ctx, const char *msg)
{
	struct ingest_ctx *c = ctx;

	if (++c->nwarn <= INGEST_MAX_WARN && c->cb->on_warn)
		c->cb->on_warn(c->cb->ctx, msg);
}

void ingest_warn_summary(struct ingest_ctx *c)
{
	if (c->nwarn > INGEST_MAX_WARN)
		ingest_warnf(c->cb, "%ld more warnings like these not shown",
			     c->nwarn - INGEST_MAX_WARN);
	c->nwarn = 0;
}

double ingest_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ingest_progress(struct ingest_ctx *c, int final)
{
	struct ingest_progress p;

	if (c->cb->on_progress == NULL)
		return;
	p.records = idx_build_count(c->b);
	p.bytes = idx_build_bytes(c->b);
	p.total_bytes = c->total_bytes;
	p.seconds = ingest_now() - c->start;
	p.files = c->files;
	c->cb->on_progress(c->cb->ctx, &p, final);
}

void ingest_file_done(struct ingest_ctx *c)
{
	c->files++;
	ingest_progress(c, 0);
}

int ingest_add(struct ingest_ctx *c, const struct corpus_rec *r,
	       const struct docana *a)
{
	int rc = a ? idx_build_add_analysed(c->b, r->id, r->question,
					    r->answer, r->line, a)
		   : idx_build_add(c->b, r->id, r->question, r->answer,
				   r->line);

	if ((idx_build_count(c->b) & 1023) == 0)
		ingest_progress(c, 0);
	return rc;
}

void ingest_note_mtime_ref(struct idx_build *b, long long ref)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", ref);
	idx_build_meta(b, "mtime_ref", num);
}

char *ingest_canon(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : strdup(path);
}

/* ---- building ---- */

/* mkdir -p the directory holding path. 0 or QERR_IO (err set). */
static int mkdir_parents(const char *path, struct qerr *err)
{
	char *bad;
	int e;

	if (fio_mkdir_parents(path, 0755, &bad) == 0)
		return 0;
	e = errno;
	qerr_set(err, QERR_IO, "cannot create %s: %s", bad ? bad : path,
		 strerror(e));
	free(bad);
	return QERR_IO;
}


void ingest_machine(struct ingest_ctx *c, struct pipeline_opts *po)
{
	size_t mem = c->cb->memory ? c->cb->memory : INGEST_MEMORY;

	po->threads = c->cb->threads ? c->cb->threads
				     : pipeline_default_threads();
	po->memory = mem / 8;
	idx_build_set_memory(c->b, mem - mem / 8);
	idx_build_set_threads(c->b, po->threads);
}

/* A record of the embedded corpus, the only source of its build. */
static int on_bundled(void *ctx, const struct corpus_rec *r)
{
	struct ingest_ctx *c = ctx;

	if (c->bundled_path == NULL) {
		if ((c->bundled_path = strdup(r->source)) == NULL)
			return QERR_IO;
		if (idx_build_source(c->b, r->source,
				     (long long)quarry_bundled_len, 0,
				     quarry_bundled_hash, 1) != 0 ||
		    idx_build_source_kind(c->b, IDX_KIND_QA, "txt") != 0)
			return QERR_IO;
	}
	return ingest_add(c, r, NULL);
}

/* A record read from the files, on the indexing thread; a new source is
 * recorded at its first record and described (size, mtime, hash) once it
 * has been read. */
static int consume(void *ctx, const struct corpus_rec *r,
		   const struct docana *a, int first,
		   const struct corpus_file *done)
{
	struct ingest_ctx *c = ctx;
	int rc = 0;

	if (r == NULL) {
		ingest_file_done(c);
		return idx_build_source_stat(c->b, done->size, done->mtime_ns,
					     done->hash);
	}
	if (first) {
		char *key = ingest_canon(r->source);

		if (key == NULL)
			return QERR_IO;
		rc = idx_build_source(c->b, key, -1, -1, "", 0);
		free(key);
		if (rc == 0)
			rc = idx_build_source_kind(c->b, r->kind, r->format);
	}
	return rc ? rc : ingest_add(c, r, a);
}

/* On the reading thread: a file named twice (faq.txt ./faq.txt, or a
 * symbolic link to it) is read once. */
static int build_want(void *ctx, const char *path)
{
	struct ingest_ctx *c = ctx;
	char *key = realpath(path, NULL);
	struct strmap_entry *e;

	if (key == NULL)
		return 1; /* the reader says why it cannot be read */
	e = strmap_get(&c->seen, key, strlen(key));
	free(key);
	return e == NULL || e->aux++ == 0;
}

/* The sizes of the named files, for an ETA; 0 when a directory is named
 * (its size is not known before the walk). */
static long long total_size(char **paths, int npaths)
{
	long long total = 0;
	int i;

	for (i = 0; i < npaths; i++) {
		struct stat sb;

		if (stat(paths[i], &sb) != 0 || !S_ISREG(sb.st_mode))
			return 0;
		total += (long long)sb.st_size;
	}
	return total;
}

/* Build db from the embedded corpus (when bundled) and then paths. */
static int build_sources(const char *db, int bundled, char **paths,
			 int npaths, const struct ingest_cb *cb,
			 struct ingest_summary *sum, struct qerr *err)
{
	struct ingest_ctx c = {0};
	struct corpus_reader r = {0}, how = {0};
	struct pipeline_opts po;
	long long ref = src_mtime_now();
	long total = 0, nb = 0;
	int rc;

	c.cb = ingest_cb_or_none(cb);
	if ((rc = mkdir_parents(db, err)) != 0)
		return rc;
	if ((rc = idx_build_begin(&c.b, db, err)) != 0)
		return rc;
	ingest_machine(&c, &po);
	if (bundled) {
		r.on_rec = on_bundled;
		r.on_warn = ingest_reader_warn;
		r.ctx = &c;
		rc = corpus_read_mem(&r, quarry_bundled_name, "txt",
				     (const char *)quarry_bundled,
				     quarry_bundled_len, &nb, err);
	}
	c.start = ingest_now();
	c.total_bytes = total_size(paths, npaths);
	c.nwarn = 0;
	how.on_warn = ingest_reader_warn;
	how.want = build_want;
	how.exclude = db;
	how.opts = c.cb->opts;
	if (rc == 0 && npaths > 0)
		rc = pipeline_read(paths, npaths, &how, &po, consume, &c,
				   &total, err);
	ingest_warn_summary(&c);
	free(c.bundled_path);
	strmap_free(&c.seen);
	if (rc != 0) {
		/* A failing callback leaves its reason in the build. */
		idx_build_status(c.b, err);
		idx_build_abort(c.b);
		return rc;
	}
	if (bundled)
		idx_build_meta(c.b, "bundled_hash", quarry_bundled_hash);
	if (npaths > 0)
		ingest_progress(&c, 1);
	ingest_note_mtime_ref(c.b, ref);
	if ((rc = idx_build_commit(c.b, err)) != 0)
		return rc;
	if (sum) {
		memset(sum, 0, sizeof(*sum));
		sum->records = total + nb;
		sum->paths = npaths + bundled;
	}
	return 0;
}

int ingest_build(const char *db, char **paths, int npaths,
		 const struct ingest_cb *cb, struct ingest_summary *sum,
		 struct qerr *err)
{
	return build_sources(db, 0, paths, npaths, cb, sum, err);
}

/* ---- rebuilding from the recorded sources ---- */

/* Rebuild with the writer lock held: sources an update adds between
 * reading the list and the build would be lost otherwise. */
static int rebuild_locked(const char *db, const struct ingest_cb *cb,
			  struct ingest_summary *sum, struct qerr *err)
{
	struct idx_source *s;
	char **paths;
	int n, i, np = 0, bundled = 0, rc;

	if ((rc = idx_salvage_sources(db, &s, &n, err)) != 0)
		return rc;
	paths = calloc((size_t)n + 1, sizeof(*paths));
	if (paths == NULL) {
		idx_sources_free(s, n);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (s[i].bundled) {
			bundled = 1;
		} else if (access(s[i].path, F_OK) == 0) {
			paths[np++] = s[i].path;
		} else if (s[i].path[0] != '/') {
			/* Recorded as given by an older quarry: it may well
			 * be there, seen from another directory. */
			rc = qerr_set(err, QERR_IO, "%s was recorded relative "
				      "to the directory it was indexed from and "
				      "is not found here; run quarry index --db "
				      "%s --rebuild from that directory",
				      s[i].path, db);
		} else {
			char *show = src_show_path(s[i].path);

			ingest_warnf(cb, "%s was indexed but is gone; left out "
				     "of the rebuild", show ? show : s[i].path);
			free(show);
		}
	}
	if (rc == 0 && np == 0 && !bundled)
		rc = qerr_set(err, QERR_IO, "none of the %d files %s was built "
			      "from can be found; nothing to rebuild it from",
			      n, db);
	if (rc == 0)
		rc = build_sources(db, bundled, paths, np, cb, sum, err);
	free(paths);
	idx_sources_free(s, n);
	return rc;
}

int ingest_rebuild(const char *db, const struct ingest_cb *cb,
		   struct ingest_summary *sum, struct qerr *err)
{
	char *target = idx_resolve_path(db);
	int fd, rc;

	cb = ingest_cb_or_none(cb);
	if (target == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = idx_lock_writer(target, &fd, err);
	if (rc == 0) {
		rc = rebuild_locked(db, cb, sum, err);
		idx_unlock_writer(fd);
	}
	free(target);
	return rc;
}

/* ---- the default index ---- */

/* Is the index built from another embedded corpus than this binary's? */
static int bundled_stale(struct idx *x)
{
	const char *h = idx_meta(x, "bundled_hash");

	if (h == NULL)
		return 0; /* a user's own index */
	return strcmp(h, quarry_bundled_hash) != 0;
}

/* The default index is quarry's own: when it cannot be used as it is
 * (another bundled corpus, another format, damage), rebuild it from what
 * it records, the user's files read again, saying so when it held more
 * than the bundled corpus or was damaged.  why: NULL for a new bundled
 * corpus, else the reason it cannot be opened.  cb has no progress. */
static int rebuild_default(const char *db, const char *why,
			   const struct ingest_cb *cb, struct qerr *err)
{
	struct idx_source *s;
	int n, i, user = 0;

	if (idx_salvage_sources(db, &s, &n, NULL) != 0) {
		char *target = idx_resolve_path(db);

		/* Nothing in it can be rebuilt, nor anyone's file lost. */
		ingest_warnf(cb, "the default index %s cannot be used (%s) and "
			     "does not say what it held; rebuilding it from the "
			     "bundled corpus (add your own files again with "
			     "quarry index --update PATH)", db,
			     why ? why : "damaged");
		if (target)
			unlink(target);
		free(target);
		return build_sources(db, 1, NULL, 0, cb, NULL, err);
	}
	for (i = 0; i < n; i++)
		user += !s[i].bundled;
	idx_sources_free(s, n);
	if (why || user > 0)
		ingest_warnf(cb, "the default index %s cannot be used as it is "
			     "(%s); rebuilding it from its %d recorded source%s",
			     db, why ? why : "the bundled corpus changed", n,
			     n == 1 ? "" : "s");
	return ingest_rebuild(db, cb, NULL, err);
}

/* A damaged or outdated index that names its sources can be rebuilt
 * from them: say how, after the error. */
static void recovery_hint(const char *db, struct qerr *err)
{
	struct idx_source *s;
	size_t len = strlen(err->msg);
	int n;

	if (idx_salvage_sources(db, &s, &n, NULL) != 0)
		return;
	idx_sources_free(s, n);
	snprintf(err->msg + len, sizeof(err->msg) - len, "; to rebuild it from "
		 "its %d recorded source%s: quarry index --db %s --rebuild", n,
		 n == 1 ? "" : "s", db);
}

/* Open the default index db, building or rebuilding it as it needs. */
static int open_default(const char *db, const struct ingest_cb *cb,
			struct idx **out, struct qerr *err)
{
	struct idx *x = NULL;
	int rc;

	if (access(db, F_OK) != 0 &&
	    (rc = build_sources(db, 1, NULL, 0, cb, NULL, err)) != 0)
		return rc;
	rc = idx_open(&x, db, err);
	if ((rc == 0 && bundled_stale(x)) || rc == QERR_DATA) {
		struct qerr why = *err;
		char *w = why.msg;
		size_t n = strlen(db);

		/* The reason alone: not the path, nor the advice after it. */
		if (strncmp(w, db, n) == 0 && w[n] == ':' && w[n + 1] == ' ')
			w += n + 2;
		w[strcspn(w, ";")] = '\0';
		idx_close(x);
		x = NULL;
		qerr_clear(err);
		if ((rc = rebuild_default(db, rc ? w : NULL, cb, err)) == 0)
			rc = idx_open(&x, db, err);
	}
	*out = x;
	return rc;
}

int ingest_open(const char *db, int is_default, const struct ingest_cb *cb,
		struct idx **out, struct qerr *err)
{
	struct ingest_cb quiet;
	struct qerr e = {0};
	int rc;

	/* Builds made to open an index do not report progress. */
	quiet = *ingest_cb_or_none(cb);
	quiet.on_progress = NULL;
	*out = NULL;
	if (is_default) {
		rc = open_default(db, &quiet, out, &e);
	} else {
		rc = idx_open(out, db, &e);
		if (rc == QERR_DATA)
			recovery_hint(db, &e);
	}
	if (rc != 0 && err)
		*err = e;
	return rc;
}
