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
#include "../util/wordlist.h"
#include "cli.h"

extern const unsigned char quarry_bundled[];
extern const size_t quarry_bundled_len;
extern const char quarry_bundled_name[];
extern const char quarry_bundled_hash[];

/* The format attribute lets -Wformat=2 check callers' formats (clang asks
 * for it on every function that passes its format on to vfprintf). */
static void vmsg(const char *kind, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: ", cli_progname, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
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

/* ---- building ---- */

struct build_ctx {
	struct idx_build *b;
	const char *last_source;
	char *last_copy;
	int bundled;
	const char *bundled_hash;
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
	return idx_build_source(c->b, path, (long long)quarry_bundled_len, 0,
				c->bundled_hash, 1);
}

static int add_rec(struct build_ctx *c, const struct corpus_rec *r)
{
	int rc = idx_build_add(c->b, r->id, r->question, r->answer, r->line);

	if (c->progress && (idx_build_count(c->b) & 1023) == 0)
		show_progress(c, 0);
	return rc;
}

/* A record read from the user's files, on the indexing thread. */
static int consume(void *ctx, const struct corpus_rec *r,
		   const struct cli_source_info *si)
{
	struct build_ctx *c = ctx;
	int rc = 0;

	if (si)
		rc = idx_build_source(c->b, r->source, si->size, si->mtime,
				      si->hash, 0);
	return rc ? rc : add_rec(c, r);
}

/* A record of the embedded corpus. */
static int on_rec(void *ctx, const struct corpus_rec *r)
{
	struct build_ctx *c = ctx;
	int rc = note_bundled(c, r->source);

	return rc ? rc : add_rec(c, r);
}

int cli_build_bundled(const char *path, struct qerr *err)
{
	struct build_ctx c = {0};
	struct corpus_reader r = {on_rec, on_warn, &c, NULL};
	const char *hash = quarry_bundled_hash;
	int rc;

	c.bundled = 1;
	c.bundled_hash = hash;
	if ((rc = cli_make_parent(path, err)) != 0)
		return rc;
	if ((rc = idx_build_begin(&c.b, path, err)) != 0)
		return rc;
	rc = corpus_read_mem(&r, quarry_bundled_name, "txt",
			     (const char *)quarry_bundled, quarry_bundled_len,
			     NULL, err);
	free(c.last_copy);
	if (rc != 0) {
		idx_build_status(c.b, err);
		idx_build_abort(c.b);
		return rc;
	}
	idx_build_meta(c.b, "bundled_hash", hash);
	return idx_build_commit(c.b, err);
}

int cli_build_paths(const char *db, char **paths, int npaths, int quiet,
		    long *nrecs, struct qerr *err)
{
	struct build_ctx c = {0};
	long total = 0;
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
	rc = cli_read_parallel(paths, npaths, on_warn, NULL, consume, &c, &total,
			       err);
	warn_summary();
	free(c.last_copy);
	if (rc != 0) {
		/* A failing callback leaves its reason in the build. */
		idx_build_status(c.b, err);
		idx_build_abort(c.b);
		return rc;
	}
	show_progress(&c, 1);
	rc = idx_build_commit(c.b, err);
	if (rc == 0 && !quiet)
		fprintf(stderr, "%s: indexed %ld records from %d path%s into %s\n",
			cli_progname, total, npaths, npaths == 1 ? "" : "s", db);
	if (nrecs)
		*nrecs = total;
	return rc;
}

/* ---- updating in place ---- */

struct update_ctx {
	struct build_ctx c;
	struct idx_source *src; /* what the index holds */
	int nsrc;
	struct strmap known;    /* canonical path -> aux: index into src */
	/* the reading thread's (want), read once it has ended */
	struct strmap seen;     /* files asked about; count 1: to be read */
	struct strmap touched;  /* same content, new mtime: aux = mtime */
	long unchanged;
	/* the indexing thread's */
	struct strmap delivered; /* canonical paths that gave records */
	long files, removed;
};

/* realpath, or the path itself when it does not resolve (gone). */
static char *canon(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : strdup(path);
}

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
	struct strmap_entry *e;
	struct cli_source_info si;
	struct stat sb;
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
	if (s == NULL || stat(path, &sb) != 0 ||
	    (long long)sb.st_size != s->size) {
		want = 1; /* new, or changed for sure: no need to hash it here */
	} else if ((long long)sb.st_mtime == s->mtime) {
		u->unchanged++;
	} else {
		cli_source_info(path, &si);
		if (si.hash[0] && strcmp(si.hash, s->hash) == 0) {
			struct strmap_entry *t =
				strmap_get(&u->touched, key, strlen(key));

			if (t)
				t->aux = (long)si.mtime;
			u->unchanged++;
		} else {
			want = 1;
		}
	}
	e->count = want;
	free(key);
	return want;
}

/* On the indexing thread: a changed file's old records go first. */
static int update_consume(void *ctx, const struct corpus_rec *r,
			  const struct cli_source_info *si)
{
	struct update_ctx *u = ctx;
	int rc = 0;

	if (si) {
		char *key = canon(r->source);
		const struct idx_source *s = key ? known_source(u, key) : NULL;

		if (key == NULL ||
		    strmap_get(&u->delivered, key, strlen(key)) == NULL) {
			free(key);
			return QERR_IO;
		}
		free(key);
		u->files++;
		if (s && (rc = idx_update_remove(u->c.b, s->path)) != 0)
			return rc;
		rc = idx_build_source(u->c.b, r->source, si->size, si->mtime,
				      si->hash, 0);
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

/* After reading: new mtimes, and the sources that are gone. */
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
			rc = idx_update_touch(u->c.b, s->path, t->aux);
		else if (seen && seen->count == 1 &&
			 !strmap_find(&u->delivered, key))
			drop = 1; /* changed, and no records in it now */
		else if (!seen && !s->bundled && stat(s->path, &sb) != 0 &&
			 (nargs == 0 || under_args(s->path, args, nargs)))
			drop = 1; /* gone from disk */
		if (drop && rc == 0) {
			rc = idx_update_remove(u->c.b, s->path);
			u->removed++;
		}
		free(key);
	}
	return rc;
}

static void update_free(struct update_ctx *u)
{
	idx_sources_free(u->src, u->nsrc);
	strmap_free(&u->known);
	strmap_free(&u->seen);
	strmap_free(&u->touched);
	strmap_free(&u->delivered);
	free(u->c.last_copy);
}

int cli_update_paths(const char *db, char **paths, int npaths, int quiet,
		     struct qerr *err)
{
	struct update_ctx u;
	char **all = NULL;
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
	rc = cli_read_parallel(npaths ? paths : all, npaths ? npaths : nall,
			       on_warn, update_want, update_consume, &u, &total,
			       err);
	warn_summary();
	if (rc == 0)
		rc = update_finish(&u, paths, npaths);
	if (rc != 0) {
		idx_build_status(u.c.b, err);
		goto fail;
	}
	show_progress(&u.c, 1);
	rc = idx_build_commit(u.c.b, err);
	u.c.b = NULL;
	if (rc == 0 && !quiet)
		fprintf(stderr, "%s: updated %s: %ld records from %ld new or "
			"changed file%s, %ld unchanged, %ld removed\n",
			cli_progname, db, total, u.files,
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
	int n, i;

	if (idx_sources(x, &s, &n, NULL) != 0)
		return;
	for (i = 0; i < n; i++) {
		struct stat sb;
		const char *what;

		if (s[i].bundled)
			continue;
		if (stat(s[i].path, &sb) != 0)
			what = "was indexed but is gone";
		else if ((long long)sb.st_size != s[i].size ||
			 (long long)sb.st_mtime != s[i].mtime)
			what = "changed since it was indexed";
		else
			continue;
		cli_warn("%s %s; run quarry index%s%s --update", s[i].path, what,
			 db ? " --db " : "", db ? db : "");
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
		cli_warn("QUARRY_DICT='%s' ignored: %s", path, strerror(errno));
	tok_set_words(t, w);
	return t;
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
	if (def && ((rc == 0 && bundled_stale(x)) ||
		    (rc == QERR_DATA && idx_is_bundled(db)))) {
		/* The embedded corpus or the index format changed. */
		idx_close(x);
		x = NULL;
		qerr_clear(&err);
		if ((rc = cli_build_bundled(db, &err)) == 0)
			rc = idx_open(&x, db, &err);
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
