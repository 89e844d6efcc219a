/* cmd_stats.c - quarry stats [--db PATH]: what the index holds. */
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: quarry stats [--db PATH]\n\n"
		    "Show the index location, record and term counts, average\n"
		    "field lengths and the indexed sources.\n\n"
		    "options:\n"
		    "  --db PATH   index file (default $XDG_CACHE_HOME/quarry/index.db)\n"
		    "  -h, --help  this help\n");
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct idx *x;
	struct qerr err = {0};
	struct idx_source *s;
	struct stat sb;
	char *db = NULL, *def = NULL;
	int c, n, i, rc;
	long nseg, ndel;

	optind = 1;
	opterr = 0; /* cli_bad_option says it our way */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd') {
			db = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return QERR_OK;
		} else {
			cli_bad_option("stats", argv);
			return QERR_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("stats: unexpected argument '%s'", argv[optind]);
		return QERR_USAGE;
	}
	if ((rc = cli_open_index(db, &x)) != 0)
		return rc;
	if (db == NULL)
		db = def = cli_default_db();
	printf("index:     %s (%lld bytes)\n", db ? db : "?",
	       db && stat(db, &sb) == 0 ? (long long)sb.st_size : 0LL);
	printf("records:   %ld\n", idx_ndocs(x));
	printf("terms:     %ld\n", idx_nterms(x));
	printf("avg terms: question %.1f, answer %.1f (stop words not "
	       "counted)\n",
	       idx_avglen(x, IDX_Q), idx_avglen(x, IDX_A));
	if (idx_segment_stats(x, &nseg, &ndel) == 0) {
		printf("segments:  %ld\n", nseg);
		printf("deleted:   %ld\n", ndel);
	}
	if (idx_sources(x, &s, &n, NULL) == 0) {
		printf("sources:   %d\n", n);
		for (i = 0; i < n; i++)
			printf("  %s (%lld bytes%s)\n", s[i].path, s[i].size,
			       s[i].bundled ? ", bundled" : "");
		idx_sources_free(s, n);
	}
	free(def);
	rc = idx_status(x, &err); /* (a read above may have failed) */
	idx_close(x);
	return rc ? cli_fail(&err) : QERR_OK;
}
