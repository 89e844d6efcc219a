/* sources.c - has an indexed file changed since it was read?
 *
 * Size and mtime decide when they can: a different size is a change, the
 * same size and mtime is none.  Otherwise the content is hashed and
 * compared: when the mtime differs (touched, or copied back), and when
 * the entry is racy, as git calls it: its mtime is not older than the
 * time the index began reading files, so an edit made in the same clock
 * tick after it was read would leave size and mtime as recorded. */
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + (long long)t->tv_nsec;
}

enum cli_change cli_source_change(const struct idx_source *s, long long ref,
				  struct corpus_file *now)
{
	struct qerr e = {0};
	struct stat sb;
	long long m;

	memset(now, 0, sizeof(*now));
	if (stat(s->path, &sb) != 0)
		return CLI_GONE;
	if ((long long)sb.st_size != s->size)
		return CLI_CHANGED;
	m = ref < 0 ? (long long)sb.st_mtime : ns_of(&sb.st_mtim);
	if (m == s->mtime && (ref < 0 || s->mtime < ref))
		return CLI_SAME;
	if (corpus_file_info(s->path, now, &e) != 0 || now->size != s->size ||
	    s->hash == NULL || strcmp(now->hash, s->hash) != 0)
		return CLI_CHANGED;
	return CLI_TOUCHED;
}

long long cli_mtime_ref(const char *value)
{
	char *end;
	long long v;

	if (value == NULL || *value == '\0')
		return -1;
	v = strtoll(value, &end, 10);
	return *end == '\0' && v >= 0 ? v : -1;
}

long long cli_mtime_now(void)
{
	struct timespec ts;

	/* File systems stamp files from the coarse clock, which may lag the
	 * precise one; whole seconds also cover those that keep seconds. */
#ifdef CLOCK_REALTIME_COARSE
	if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) != 0)
#endif
		clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL;
}
