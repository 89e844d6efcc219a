/* lat.h - what the bench drivers (qtime.c, ftsquery.c) share: reading the
 * question file, the monotonic clock, and the latency summary line.
 *
 * Header only, every function static inline; each driver uses them all.
 * The summary is one line a shell script can split on spaces:
 *   n=N p50=MS p99=MS mean=MS max=MS
 * Percentiles are nearest-rank: the smallest sample with at least p% of
 * the samples at or below it. */
#ifndef QUARRY_BENCH_LAT_H
#define QUARRY_BENCH_LAT_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

struct lines {
	char **v;
	size_t n, cap;
};

/* Milliseconds on CLOCK_MONOTONIC. */
static inline double lat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline void lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The non-blank lines of path, without their line ends. Returns 0, or -1
 * with errno set (l is then empty). */
static inline int lines_read(struct lines *l, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	memset(l, 0, sizeof(*l));
	if (fp == NULL)
		return -1;
	while ((len = getline(&line, &cap, fp)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (l->n == l->cap) {
			size_t ncap = l->cap ? 2 * l->cap : 1024;
			char **nv = realloc(l->v, ncap * sizeof(*nv));

			if (nv == NULL)
				break;
			l->v = nv;
			l->cap = ncap;
		}
		if ((l->v[l->n] = strdup(line)) == NULL)
			break;
		l->n++;
	}
	free(line);
	if (ferror(fp) || !feof(fp)) {
		fclose(fp);
		lines_free(l);
		return -1;
	}
	fclose(fp);
	return 0;
}

static inline int lat_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0-100] of the sorted samples v[0..n-1]. */
static inline double lat_pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p / 100.0 * (double)n);

	return n == 0 ? 0.0 : v[k ? k - 1 : 0];
}

/* Sort ms[0..n-1] and print the summary line to fp. */
static inline void lat_print(FILE *fp, double *ms, size_t n)
{
	double sum = 0;
	size_t i;

	qsort(ms, n, sizeof(*ms), lat_cmp);
	for (i = 0; i < n; i++)
		sum += ms[i];
	fprintf(fp, "n=%zu p50=%.3f p99=%.3f mean=%.3f max=%.3f\n", n,
		lat_pct(ms, n, 50), lat_pct(ms, n, 99), n ? sum / (double)n : 0.0,
		n ? ms[n - 1] : 0.0);
}

#endif
