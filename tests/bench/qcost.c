/* qcost.c - what the ranking step costs per question, in one process.
 *
 *   qcost [-r REPEATS] [-k K] [-p] DB QUESTIONS-FILE
 *
 * Ranks every question (one per line) as `quarry ask --top K` does
 * (default 3), with the same word list ($QUARRY_DICT, else
 * /usr/share/dict/words) and the same pipeline (rank_run: parse with
 * expansions, feedback, search, confidence of each hit); REPEATS rounds
 * (default 200) over all the questions in turn, as a piped batch would ask
 * them (one read of the index held across them, so what it caches is what
 * neighbouring questions share, never the same question's earlier
 * ranking).  -p ranks as plain BM25F instead
 * (--no-expand --qmatch 0).  Prints "MICROSECONDS<TAB>QUESTION" per
 * question, the least time of its rankings: a busy machine can only raise
 * a time, never lower it.
 *
 * Built with -DQCOST_FOUNDATION against the objects of the foundation
 * (the first ranking quarry had, commit 313729c; see qcost.sh) it ranks
 * with that code's rank_parse and rank_search.
 * Exit status 0, or 1 on a usage or index error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#ifndef QCOST_FOUNDATION
#include "../../retrieval/run.h"
#include "../../util/wordlist.h"
#endif

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

#ifdef QCOST_FOUNDATION
/* One ranking; returns its time in microseconds or -1. */
static double rank_once(struct idx *x, struct tok *t,
			const struct rank_params *p, const char *text, int k,
			struct rank_query *rq, struct rank_hit *hits)
{
	struct qerr err;
	double t0 = now_us();
	int n = 0;

	memset(&err, 0, sizeof(err));
	if (rank_parse(x, t, text, rq, &err) ||
	    rank_search(x, rq, p, k, hits, &n, &err))
		return -1.0;
	return now_us() - t0;
}
#else
/* One ranking (run was set up for k hits); returns its time in
 * microseconds or -1. */
static double rank_once(struct idx *x, struct tok *t,
			const struct rank_params *p, const char *text,
			struct rank_run *run)
{
	struct qerr err;
	double t0 = now_us();

	memset(&err, 0, sizeof(err));
	if (rank_run(x, t, p, text, run, &err) != 0)
		return -1.0;
	return now_us() - t0;
}
#endif

int main(int argc, char **argv)
{
	struct rank_params p;
#ifdef QCOST_FOUNDATION
	static struct rank_query rq;
	struct rank_hit hits[64];
#else
	static struct rank_run run;
#endif
	struct qerr err;
	struct idx *x = NULL;
	struct tok *t;
	char line[4096], **qs = NULL;
	double *best = NULL;
	size_t nq = 0, cap = 0, i;
	int reps = 200, k = 3, plain = 0, opt, r;
	FILE *f;

	while ((opt = getopt(argc, argv, "r:k:p")) != -1) {
		if (opt == 'r')
			reps = atoi(optarg);
		else if (opt == 'k')
			k = atoi(optarg);
		else if (opt == 'p')
			plain = 1;
		else
			goto usage;
	}
	if (argc - optind != 2 || reps < 1 || k < 1 || k > 64)
		goto usage;
#ifndef QCOST_FOUNDATION
	/* as quarry's main does (the foundation's did not) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
#endif
	memset(&err, 0, sizeof(err));
	if (idx_open(&x, argv[optind], &err) != 0) {
		fprintf(stderr, "qcost: %s\n", err.msg);
		return 1;
	}
	if ((t = tok_new(TOK_STEM)) == NULL ||
	    (f = fopen(argv[optind + 1], "r")) == NULL) {
		fprintf(stderr, "qcost: cannot start\n");
		return 1;
	}
#ifndef QCOST_FOUNDATION
	/* the word list, as `quarry ask` reads it (cli_query_tok) */
	{
		const char *dict = getenv("QUARRY_DICT");

		if (dict == NULL || *dict)
			tok_set_words(t, wordlist_open(dict ? dict
							    : WORDLIST_DEFAULT));
	}
#endif
	rank_defaults(&p);
	if (plain) {
#ifndef QCOST_FOUNDATION
		p.expand = 0;
#endif
		p.qmatch = 0.0;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (nq == cap) {
			size_t c = cap ? 2 * cap : 256;
			char **nqs = realloc(qs, c * sizeof(*qs));
			double *nb;

			if (nqs == NULL)
				return 1;
			qs = nqs;
			if ((nb = realloc(best, c * sizeof(*best))) == NULL)
				return 1;
			best = nb;
			cap = c;
		}
		if ((qs[nq] = strdup(line)) == NULL)
			return 1;
		best[nq++] = 1e30;
	}
#ifndef QCOST_FOUNDATION
	rank_run_init(&run, k, RANK_THRESHOLD);
#endif
	for (r = 0; r < reps; r++)
		for (i = 0; i < nq; i++) {
#ifdef QCOST_FOUNDATION
			double us = rank_once(x, t, &p, qs[i], k, &rq, hits);
#else
			double us = rank_once(x, t, &p, qs[i], &run);
#endif

			if (us < 0) {
				fprintf(stderr, "qcost: ranking failed: %s\n",
					qs[i]);
				return 1;
			}
			if (us < best[i])
				best[i] = us;
		}
	for (i = 0; i < nq; i++) {
		printf("%.3f\t%s\n", best[i], qs[i]);
		free(qs[i]);
	}
	free(qs);
	free(best);
	fclose(f);
#ifndef QCOST_FOUNDATION
	rank_run_clear(&run);
#endif
	tok_free(t);
	idx_close(x);
	return 0;
usage:
	fprintf(stderr, "usage: qcost [-r REPEATS] [-k K] [-p] DB "
			"QUESTIONS-FILE\n");
	return 1;
}
