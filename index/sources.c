/* sources.c - has an indexed file changed since it was read?
 *
 * Size and mtime decide when they can: a different size is a change, the
 * same size and mtime is none.  Otherwise the content is hashed and
 * compared: when the mtime differs (touched, or copied back), and when
 * the entry is racy, as git calls it: its mtime is not older than the
 * time the index began reading files, so an edit made in the same clock
 * tick after it was read would leave size and mtime as recorded.  A
 * file found touched has its new mtime recorded (idx_restat), so only the
 * first check after a touch hashes it. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sources.h"
#include "../util/clock.h"

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + (long long)t->tv_nsec;
}

enum src_state src_compare(const struct idx_source *s, long long ref,
			   struct corpus_file *now)
{
	struct qerr e = {0};
	struct stat sb;
	long long m;

	memset(now, 0, sizeof(*now));
	if (stat(s->path, &sb) != 0)
		return SRC_GONE;
	if ((long long)sb.st_size != s->size)
		return SRC_CHANGED;
	m = ref < 0 ? (long long)sb.st_mtime : ns_of(&sb.st_mtim);
	if (m == s->mtime && (ref < 0 || s->mtime < ref))
		return SRC_SAME;
	if (corpus_file_info(s->path, now, &e) != 0 || now->size != s->size ||
	    s->hash == NULL || strcmp(now->hash, s->hash) != 0)
		return SRC_CHANGED;
	return SRC_TOUCHED;
}

long long src_mtime_ref(const char *value)
{
	char *end;
	long long v;

	if (value == NULL || *value == '\0')
		return -1;
	v = strtoll(value, &end, 10);
	return *end == '\0' && v >= 0 ? v : -1;
}

long long src_mtime_now(void)
{
	struct timespec ts;

	/* File systems stamp files from the coarse clock, which may lag the
	 * precise one; whole seconds also cover those that keep seconds. */
#ifdef CLOCK_REALTIME_COARSE
	if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) != 0)
#endif
		clock_gettime(CLOCK_REALTIME, &ts);
	/* (an earlier reference only makes more files look racy: their
	 * content is compared, never wrongly trusted) */
	return clk_clamp((long long)ts.tv_sec) * 1000000000LL;
}

/* Visit the sources s[0..n) of x that changed or are gone, record the
 * new mtime of those found touched, and free s.  The reference time is
 * taken before any file is read: a touched file is recorded only when
 * its mtime is older, so an edit in the same clock tick after the read
 * cannot hide behind it. */
static void visit_changed(struct idx *x, struct idx_source *s, int n,
			  src_changed_fn fn, void *ctx)
{
	long long ref = src_mtime_ref(idx_meta(x, "mtime_ref"));
	long long tick = src_mtime_now();
	struct idx_restat *r = calloc((size_t)n + 1, sizeof(*r));
	int i, nr = 0;

	for (i = 0; i < n; i++) {
		struct corpus_file now;
		enum src_state st;

		if (s[i].bundled)
			continue;
		st = src_compare(&s[i], ref, &now);
		if (st == SRC_GONE || st == SRC_CHANGED)
			fn(ctx, s[i].path, st);
		else if (st == SRC_TOUCHED && r && now.mtime_ns < tick) {
			r[nr].path = s[i].path;
			r[nr].hash = s[i].hash;
			r[nr].size = s[i].size;
			r[nr].mtime = s[i].mtime;
			r[nr++].now = now.mtime_ns;
		}
	}
	idx_restat(x, ref, tick, r, nr);
	free(r);
	idx_sources_free(s, n);
}

int src_changed(struct idx *x, src_changed_fn fn, void *ctx, struct qerr *err)
{
	struct idx_source *s;
	int n, rc;

	if ((rc = idx_sources(x, &s, &n, err)) != 0)
		return rc;
	visit_changed(x, s, n, fn, ctx);
	return 0;
}

int src_changed_docs(struct idx *x, const long *docs, int ndocs,
		     src_changed_fn fn, void *ctx, struct qerr *err)
{
	struct idx_source *s;
	int n, rc;

	if ((rc = idx_doc_sources(x, docs, ndocs, &s, &n, err)) != 0)
		return rc;
	visit_changed(x, s, n, fn, ctx);
	return 0;
}

char *src_show_path(const char *path)
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
