/* common.c - diagnostics, the index location, and opening or building the
 * index the subcommands query. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../index/corpus.h"
#include "../util/buf.h"
#include "../util/strmap.h"
#include "../util/term.h"
#include "../util/wordlist.h"
#include "cli.h"

extern const unsigned char quarry_bundled[];
extern const size_t quarry_bundled_len;
extern const char quarry_bundled_name[];
extern const char quarry_bundled_hash[];

/* The one printer of diagnostics.  A message names files, records and
 * replies that quarry does not control, so it is made safe as a whole: one
 * line, every control character visible (util/term.h). */
static void vmsg(const char *kind, const char *fmt, va_list ap)
	CLI_PRINTF(2, 0);
static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char small[512], *msg = small, *clean;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	va_end(again);
	if (msg == NULL)
		msg = small; /* out of memory: the message cut short */
	clean = n < 0 ? NULL : term_dup(msg, TERM_NAME);
	fflush(stdout);
	fprintf(stderr, "%s: %s%s%s\n", cli_progname, kind ? kind : "",
		kind ? ": " : "", clean ? clean : "(message withheld: out of memory)");
	free(clean);
	if (msg != small)
		free(msg);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void cli_bad_option(const char *cmd, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (optopt && strncmp(opt, "--", 2) != 0)
		cli_error("%s: bad option '-%c' or missing argument (see quarry "
			  "%s --help)", cmd, optopt, cmd);
	else
		cli_error("%s: bad option '%s' or missing argument (see quarry "
			  "%s --help)", cmd, opt, cmd);
}

int cli_fail(const struct qerr *err)
{
	if (err->code == QERR_OK) {
		cli_error("unknown failure");
		return QERR_IO;
	}
	cli_error("%s", err->msg);
	return err->code;
}

int cli_check_output(FILE *fp)
{
	int e;

	if (fflush(fp) == 0 && !ferror(fp))
		return 0;
	e = errno;
	cli_error("write error: %s", strerror(e ? e : EIO));
	clearerr(fp);
	return QERR_IO;
}

char *cli_default_db(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (xdg && *xdg == '/') {
		buf_puts(&b, xdg);
	} else {
		buf_puts(&b, home && *home ? home : ".");
		buf_puts(&b, "/.cache");
	}
	if (buf_puts(&b, "/quarry/index.db") != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

int cli_make_parent(const char *path, struct qerr *err)
{
	char *dir = strdup(path), *s;

	if (dir == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	for (s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			int e = errno;

			qerr_set(err, QERR_IO, "cannot create %s: %s", dir,
				 strerror(e));
			free(dir);
			return QERR_IO;
		}
		*s = '/';
	}
	free(dir);
	return 0;
}

/* realpath, or the path itself when it does not resolve (gone). */
static char *canon(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : strdup(path);
}

char *cli_show_path(const char *path)
{
	char cwd[4096];
	size_t n;

	if (path[0] != '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return strdup(path);
	n = strlen(cwd);
	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' &&
	    path[n + 1] != '\0')
		return strdup(path + n + 1);
	return strdup(path);
}

/* ---- building ---- */

struct build_ctx {
	struct idx_build *b;
	const char *last_source;
	char *last_copy;
	int bundled;
	const char *bundled_hash;
	struct strmap seen; /* reading thread: resolved paths asked about */
	/* progress on a terminal: records/s, MB/s, ETA */
	int progress;
	long long total_bytes; /* sum of input sizes, 0 if unknown */
	double start, last_shown;
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Redraw the progress line at most four times a second. */
static void show_progress(struct build_ctx *c, int final)
{
	double t = now_sec(), el = t - c->start;
	long long bytes = idx_build_bytes(c->b);
	long n = idx_build_count(c->b);
	double mbs = el > 0 ? (double)bytes / 1e6 / el : 0.0;

	if (!c->progress || (!final && t - c->last_shown < 0.25))
		return;
	c->last_shown = t;
	fprintf(stderr, "\r%s: %ld records, %.0f rec/s, %.1f MB/s", cli_progname,
		n, el > 0 ? n / el : 0.0, mbs);
	if (c->total_bytes > 0 && bytes > 0 && mbs > 0 && !final) {
		double left = (double)(c->total_bytes - bytes) / 1e6 / mbs;

		fprintf(stderr, ", %3.0f%%, ETA %.0fs",
			100.0 * (double)bytes / (double)c->total_bytes,
			left > 0 ? left : 0.0);
	}
	fputs(final ? "\n" : "\033[K", stderr);
	fflush(stderr);
}

/* Reader warnings: the first MAX_WARN of a build, then a count. */
#define MAX_WARN 20
static long nwarn;

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (++nwarn <= MAX_WARN)
		cli_warn("%s", msg);
}

static void warn_summary(void)
{
	if (nwarn > MAX_WARN)
		cli_warn("%ld more warnings like these not shown",
			 nwarn - MAX_WARN);
	nwarn = 0;
}

/* The embedded corpus is the only source of a bundled build. */
static int note_bundled(struct build_ctx *c, const char *path)
{
	if (c->last_copy)
		return 0;
	c->last_copy = strdup(path);
	if (c->last_copy == NULL)
		return QERR_IO;
	if (idx_build_source(c->b, path, (long long)quarry_bundled_len, 0,
			     c->bundled_hash, 1) != 0)
		return QERR_IO;
	return idx_build_source_kind(c->b, IDX_KIND_QA, "txt");
}

static int add_rec(struct build_ctx *c, const struct corpus_rec *r)
{
	int rc = idx_build_add(c->b, r->id, r->question, r->answer, r->line);

	if (c->progress && (idx_build_count(c->b) & 1023) == 0)
		show_progress(c, 0);
	return rc;
}

/* A record read from the user's files, on the indexing thread; a new
 * source is recorded at its first record and described (size, mtime,
 * hash) once it has been read. */
static int consume(void *ctx, const struct corpus_rec *r, int first,
		   const struct corpus_file *done)
{
	struct build_ctx *c = ctx;
	int rc = 0;

	if (r == NULL)
		return idx_build_source_stat(c->b, done->size, done->mtime_ns,
					     done->hash);
	if (first) {
		/* Recorded resolved, so that it is found from anywhere. */
		char *key = canon(r->source);

		if (key == NULL)
			return QERR_IO;
		rc = idx_build_source(c->b, key, -1, -1, "", 0);
		free(key);
		if (rc == 0)
			rc = idx_build_source_kind(c->b, r->kind, r->format);
	}
	return rc ? rc : add_rec(c, r);
}

/* On the reading thread: a file named twice (faq.txt ./faq.txt, or a
 * symbolic link to it) is read once. */
static int build_want(void *ctx, const char *path)
{
	struct build_ctx *c = ctx;
	char *key = realpath(path, NULL);
	struct strmap_entry *e;

	if (key == NULL)
		return 1; /* the reader says why it cannot be read */
	e = strmap_get(&c->seen, key, strlen(key));
	free(key);
	return e == NULL || e->aux++ == 0;
}

/* Note when reading began, for the racy check of cli_source_change. */
static void note_mtime_ref(struct idx_build *b, long long ref)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", ref);
	idx_build_meta(b, "mtime_ref", num);
}

/* A record of the embedded corpus. */
static int on_rec(void *ctx, const struct corpus_rec *r)
{
	struct build_ctx *c = ctx;
	int rc = note_bundled(c, r->source);

	return rc ? rc : add_rec(c, r);
}

/* Build db from the embedded corpus (when bundled) and then paths. */
static int build_sources(const char *db, int bundled, char **paths,
			 int npaths, int quiet, long *nrecs, struct qerr *err)
{
	struct build_ctx c = {0};
	struct corpus_reader r = {0}, how = {0};
	long long ref = cli_mtime_now();
	long total = 0, nb = 0;
	int i, rc = 0;

	if ((rc = cli_make_parent(db, err)) != 0)
		return rc;
	if ((rc = idx_build_begin(&c.b, db, err)) != 0)
		return rc;
	{
		/* QUARRY_INDEX_MEMORY_MB: postings kept in memory before a run
		 * is spilled to disk (default IDX_BUILD_MEMORY). */
		const char *m = getenv("QUARRY_INDEX_MEMORY_MB");
		char *end;
		long mb = m ? strtol(m, &end, 10) : 0;

		if (m && (*end != '\0' || mb < 1))
			cli_warn("QUARRY_INDEX_MEMORY_MB='%s' ignored", m);
		else if (m)
			idx_build_set_memory(c.b, (size_t)mb << 20);
	}
	if (bundled) {
		r.on_rec = on_rec;
		r.on_warn = on_warn;
		r.ctx = &c;
		c.bundled = 1;
		c.bundled_hash = quarry_bundled_hash;
		rc = corpus_read_mem(&r, quarry_bundled_name, "txt",
				     (const char *)quarry_bundled,
				     quarry_bundled_len, &nb, err);
	}
	c.progress = !quiet && isatty(STDERR_FILENO);
	c.start = now_sec();
	for (i = 0; i < npaths; i++) {
		struct stat sb;

		if (stat(paths[i], &sb) != 0 || !S_ISREG(sb.st_mode))
			break; /* a directory: no ETA */
		c.total_bytes += (long long)sb.st_size;
	}
	if (i < npaths)
		c.total_bytes = 0;
	nwarn = 0;
	how.on_warn = on_warn;
	how.want = build_want;
	how.exclude = db;
	if (rc == 0 && npaths > 0)
		rc = cli_read_parallel(paths, npaths, &how, consume, &c, &total,
				       err);
	warn_summary();
	free(c.last_copy);
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
		show_progress(&c, 1);
	note_mtime_ref(c.b, ref);
	rc = idx_build_commit(c.b, err);
	total += nb;
	if (rc == 0 && !quiet)
		cli_note("indexed %ld records from %d path%s into %s", total,
			 npaths + bundled, npaths + bundled == 1 ? "" : "s", db);
	if (nrecs)
		*nrecs = total;
	return rc;
}

int cli_build_bundled(const char *path, struct qerr *err)
{
	return build_sources(path, 1, NULL, 0, 1, NULL, err);
}

int cli_build_paths(const char *db, char **paths, int npaths, int quiet,
		    long *nrecs, struct qerr *err)
{
	return build_sources(db, 0, paths, npaths, quiet, nrecs, err);
}

/* Rebuild with the writer lock held: sources an update adds between
 * reading the list and the build would be lost otherwise. */
static int rebuild_locked(const char *db, int quiet, struct qerr *err)
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
			char *show = cli_show_path(s[i].path);

			cli_warn("%s was indexed but is gone; left out of the "
				 "rebuild", show ? show : s[i].path);
			free(show);
		}
	}
	if (rc == 0 && np == 0 && !bundled)
		rc = qerr_set(err, QERR_IO, "none of the %d files %s was built "
			      "from can be found; nothing to rebuild it from",
			      n, db);
	if (rc == 0)
		rc = build_sources(db, bundled, paths, np, quiet, NULL, err);
	free(paths);
	idx_sources_free(s, n);
	return rc;
}

int cli_rebuild(const char *db, int quiet, struct qerr *err)
{
	char *target = idx_resolve_path(db);
	int fd, rc;

	if (target == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = idx_lock_writer(target, &fd, err);
	if (rc == 0) {
		rc = rebuild_locked(db, quiet, err);
		idx_unlock_writer(fd);
	}
	free(target);
	return rc;
}

/* ---- updating in place ---- */

struct update_ctx {
	struct build_ctx c;
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

/* On the reading thread: read new and changed files only. */
static int update_want(void *ctx, const char *path)
{
	struct update_ctx *u = ctx;
	char *key = canon(path);
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
	switch (s ? cli_source_change(s, u->ref, &now) : CLI_CHANGED) {
	case CLI_SAME:
		u->unchanged++;
		break;
	case CLI_TOUCHED:
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
static int update_consume(void *ctx, const struct corpus_rec *r, int first,
			  const struct corpus_file *done)
{
	struct update_ctx *u = ctx;
	int rc = 0;

	if (r == NULL)
		return idx_build_source_stat(u->c.b, done->size, done->mtime_ns,
					     done->hash);
	if (first) {
		char *key = canon(r->source);
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
	return rc ? rc : add_rec(&u->c, r);
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
		char *key = canon(s->path);
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
			cli_warn("%s is not found from here (recorded relative "
				 "to the directory it was indexed from): kept; "
				 "update from there to check it", s->path);
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
	free(u->c.last_copy);
}

int cli_update_paths(const char *db, char **paths, int npaths, int quiet,
		     struct qerr *err)
{
	struct update_ctx u;
	struct corpus_reader how = {0};
	long long ref = cli_mtime_now();
	char **all = NULL, text[32];
	long total = 0;
	int i, nall = 0, rc;

	if (access(db, F_OK) != 0) {
		if (npaths == 0)
			return qerr_set(err, QERR_USAGE, "%s does not exist; "
					"name the files to index", db);
		return cli_build_paths(db, paths, npaths, quiet, NULL, err);
	}
	memset(&u, 0, sizeof(u));
	if ((rc = idx_update_begin(&u.c.b, db, err)) != 0)
		return rc;
	if ((rc = idx_update_sources(u.c.b, &u.src, &u.nsrc, err)) != 0)
		goto fail;
	u.ref = cli_mtime_ref(idx_update_meta(u.c.b, "mtime_ref", text,
					      sizeof(text)));
	if ((u.now_ns = calloc((size_t)u.nsrc + 1, sizeof(*u.now_ns))) == NULL) {
		rc = qerr_set(err, QERR_IO, "out of memory");
		goto fail;
	}
	for (i = 0; i < u.nsrc; i++) {
		char *key = canon(u.src[i].path);
		struct strmap_entry *e =
			key ? strmap_get(&u.known, key, strlen(key)) : NULL;

		free(key);
		if (e == NULL) {
			rc = qerr_set(err, QERR_IO, "out of memory");
			goto fail;
		}
		e->aux = i;
	}
	if (npaths == 0) {
		/* Every recorded file that is still there. */
		all = calloc((size_t)u.nsrc + 1, sizeof(*all));
		if (all == NULL) {
			rc = qerr_set(err, QERR_IO, "out of memory");
			goto fail;
		}
		for (i = 0; i < u.nsrc; i++)
			if (!u.src[i].bundled && access(u.src[i].path, F_OK) == 0)
				all[nall++] = u.src[i].path;
	}
	u.c.progress = !quiet && isatty(STDERR_FILENO);
	u.c.start = now_sec();
	nwarn = 0;
	how.on_warn = on_warn;
	how.want = update_want;
	how.exclude = db;
	/* Without PATH the files are the index's own: one that holds no
	 * records any more is dropped, with a warning. */
	how.lenient = npaths == 0;
	rc = cli_read_parallel(npaths ? paths : all, npaths ? npaths : nall,
			       &how, update_consume, &u, &total, err);
	warn_summary();
	if (rc == 0)
		rc = update_finish(&u, paths, npaths);
	if (rc == 0 && u.nsrc > 0 && u.removed == u.nsrc && u.files == 0)
		rc = refuse_emptying(&u, db, err);
	if (rc != 0) {
		idx_build_status(u.c.b, err);
		goto fail;
	}
	show_progress(&u.c, 1);
	note_mtime_ref(u.c.b, ref);
	rc = idx_update_commit(u.c.b, err);
	u.c.b = NULL;
	if (rc == 0 && !quiet)
		cli_note("updated %s: %ld records from %ld new or changed "
			 "file%s, %ld unchanged, %ld removed", db, total, u.files,
			 u.files == 1 ? "" : "s", u.unchanged, u.removed);
fail:
	idx_build_abort(u.c.b);
	update_free(&u);
	free(all);
	return rc;
}

/* ---- opening ---- */

/* Is the default index missing or built from another embedded corpus? */
static int bundled_stale(struct idx *x)
{
	const char *h = idx_meta(x, "bundled_hash");

	if (h == NULL)
		return 0; /* a user's own index */
	return strcmp(h, quarry_bundled_hash) != 0;
}

/* Warn about indexed files that changed since they were indexed. */
static void check_sources(struct idx *x, const char *db)
{
	struct idx_source *s;
	long long ref = cli_mtime_ref(idx_meta(x, "mtime_ref"));
	int n, i;

	if (idx_sources(x, &s, &n, NULL) != 0)
		return;
	for (i = 0; i < n; i++) {
		struct corpus_file now;
		const char *what;
		char *show;

		if (s[i].bundled)
			continue;
		switch (cli_source_change(&s[i], ref, &now)) {
		case CLI_GONE:
			what = "was indexed but is gone";
			break;
		case CLI_CHANGED:
			what = "changed since it was indexed";
			break;
		default:
			continue;
		}
		show = cli_show_path(s[i].path);
		cli_warn("%s %s; run quarry index%s%s --update",
			 show ? show : s[i].path, what, db ? " --db " : "",
			 db ? db : "");
		free(show);
	}
	idx_sources_free(s, n);
}

struct tok *cli_query_tok(void)
{
	static int warned;
	struct tok *t = tok_new(TOK_STEM);
	const char *path = getenv("QUARRY_DICT");
	struct wordlist *w;

	if (t == NULL || (path && *path == '\0'))
		return t;
	w = wordlist_open(path ? path : WORDLIST_DEFAULT);
	if (w == NULL && errno == ENOMEM) {
		tok_free(t);
		return NULL;
	}
	if (w == NULL && path && !warned++)
		cli_warn("QUARRY_DICT='%s' ignored: %s", path,
			 errno == EINVAL ? "not a regular file" : strerror(errno));
	tok_set_words(t, w);
	return t;
}

/* The default index is quarry's own: when it cannot be used as it is
 * (another bundled corpus, another format, damage), rebuild it from what
 * it records, the user's files read again, saying so when it held more
 * than the bundled corpus or was damaged.  why: NULL for a new bundled
 * corpus, else the reason it cannot be opened. */
static int rebuild_default(const char *db, const char *why, struct qerr *err)
{
	struct idx_source *s;
	int n, i, user = 0;

	if (idx_salvage_sources(db, &s, &n, NULL) != 0) {
		char *target = idx_resolve_path(db);

		/* Nothing in it can be rebuilt, nor anyone's file lost. */
		cli_warn("the default index %s cannot be used (%s) and does not "
			 "say what it held; rebuilding it from the bundled "
			 "corpus (add your own files again with quarry index "
			 "--update PATH)", db, why ? why : "damaged");
		if (target)
			unlink(target);
		free(target);
		return cli_build_bundled(db, err);
	}
	for (i = 0; i < n; i++)
		user += !s[i].bundled;
	idx_sources_free(s, n);
	if (why || user > 0)
		cli_warn("the default index %s cannot be used as it is (%s); "
			 "rebuilding it from its %d recorded source%s", db,
			 why ? why : "the bundled corpus changed", n,
			 n == 1 ? "" : "s");
	return cli_rebuild(db, 1, err);
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

int cli_open_index(const char *db, struct idx **out)
{
	struct qerr err = {0};
	char *def = NULL;
	struct idx *x = NULL;
	int rc;

	*out = NULL;
	if (db == NULL) {
		def = cli_default_db();
		if (def == NULL) {
			cli_error("out of memory");
			return QERR_IO;
		}
		db = def;
		if (access(db, F_OK) != 0 &&
		    (rc = cli_build_bundled(db, &err)) != 0)
			goto fail;
	}
	rc = idx_open(&x, db, &err);
	if (def && ((rc == 0 && bundled_stale(x)) || rc == QERR_DATA)) {
		struct qerr why = err;
		char *w = why.msg;
		size_t n = strlen(db);

		/* The reason alone: not the path, nor the advice after it. */
		if (strncmp(w, db, n) == 0 && w[n] == ':' && w[n + 1] == ' ')
			w += n + 2;
		w[strcspn(w, ";")] = '\0';
		idx_close(x);
		x = NULL;
		qerr_clear(&err);
		if ((rc = rebuild_default(db, rc ? w : NULL, &err)) == 0)
			rc = idx_open(&x, db, &err);
	} else if (rc == QERR_DATA) {
		recovery_hint(db, &err);
	}
	if (rc != 0)
		goto fail;
	check_sources(x, def ? NULL : db);
	free(def);
	*out = x;
	return 0;
fail:
	free(def);
	return cli_fail(&err);
}
