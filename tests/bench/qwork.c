/* qwork.c - the work ranking each question takes, counted, not timed.
 *
 *   qwork [-k K] [-p] DB QUESTIONS-FILE
 *
 * Ranks every question (one per line) once, as `quarry ask --top K` does
 * (default 3; the word list from $QUARRY_DICT, else
 * /usr/share/dict/words; the pipeline of rank_run), and prints per
 * question what rank_search did (struct rank_cost) and the query's size:
 *
 *   POSTINGS BLOCKS DOCS LISTS TERMS USERTERMS<TAB>QUESTION
 *
 * Counts do not depend on the machine's load, so they can be compared
 * between builds on a shared machine where times cannot.  -p ranks as
 * plain BM25F (--no-expand --qmatch 0).  Exit status 0, or 1 on a usage
 * or index error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#include "../../retrieval/run.h"
#include "../../util/wordlist.h"

int main(int argc, char **argv)
{
	static struct rank_run run;
	struct rank_params p;
	struct rank_cost cost;
	struct qerr err;
	struct idx *x = NULL;
	struct tok *t;
	const char *dict = getenv("QUARRY_DICT");
	char line[4096];
	int k = 3, plain = 0, opt, i, nuser;
	FILE *f;

	while ((opt = getopt(argc, argv, "k:p")) != -1) {
		if (opt == 'k')
			k = atoi(optarg);
		else if (opt == 'p')
			plain = 1;
		else
			goto usage;
	}
	if (argc - optind != 2 || k < 1 || k > 1000)
		goto usage;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	memset(&err, 0, sizeof(err));
	if (idx_open(&x, argv[optind], &err) != 0) {
		fprintf(stderr, "qwork: %s\n", err.msg);
		return 1;
	}
	if ((t = tok_new(TOK_STEM)) == NULL ||
	    (f = fopen(argv[optind + 1], "r")) == NULL) {
		fprintf(stderr, "qwork: cannot start\n");
		return 1;
	}
	if (dict == NULL || *dict)
		tok_set_words(t, wordlist_open(dict ? dict : WORDLIST_DEFAULT));
	rank_defaults(&p);
	p.cost = &cost;
	if (plain) {
		p.expand = 0;
		p.qmatch = 0.0;
	}
	rank_run_init(&run, k, RANK_THRESHOLD);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		memset(&cost, 0, sizeof(cost));
		if (rank_run(x, t, &p, line, &run, &err) != 0) {
			fprintf(stderr, "qwork: %s: %s\n", err.msg, line);
			return 1;
		}
		for (i = nuser = 0; i < run.q.nterms; i++)
			nuser += run.q.terms[i].origin == RANK_USER;
		printf("%ld %ld %ld %ld %d %d\t%s\n", cost.postings, cost.blocks,
		       cost.docs, cost.lists, run.q.nterms, nuser, line);
	}
	fclose(f);
	rank_run_clear(&run);
	tok_free(t);
	idx_close(x);
	return 0;
usage:
	fprintf(stderr, "usage: qwork [-k K] [-p] DB QUESTIONS-FILE\n");
	return 1;
}
