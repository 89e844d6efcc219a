/* cmd_index.c - quarry index [--db PATH] [--update] PATH... */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry index [--db PATH] PATH...\n"
		"       quarry index [--db PATH] --update [PATH...]\n"
		"       quarry index [--db PATH] --rebuild\n\n"
		"Read documents and replace the index with them.  PATH is a file\n"
		"or a directory (read recursively).  Formats, by extension:\n"
		"  .txt    numbered Q&A text ('1. question', 'Ans:', answer)\n"
		"  .jsonl  {\"question\",\"answer\"[,\"id\"]} or BEIR {\"_id\",\"title\",\"text\"}\n"
		"  .md     Markdown: each heading a question, the text under it the answer\n\n"
		"Only regular files are read (not FIFOs or devices), each as it was\n"
		"when opened; a file read whole may hold at most 1 GiB (JSON Lines\n"
		"are streamed).  In a directory, files that cannot be read or hold\n"
		"no records are skipped with a warning.\n\n"
		"The new index is written beside the old one and swapped in only\n"
		"when complete.\n\n"
		"With --update the index is changed in place instead, in time\n"
		"proportional to what changed: files new to it are added, files\n"
		"whose content changed are indexed again, unchanged ones are left\n"
		"alone, and indexed files under PATH that are gone are dropped.\n"
		"Without PATH every file the index holds is checked.  Queries\n"
		"running meanwhile see the index before or after, never between.\n"
		"An update that would drop every file of the index is refused.\n\n"
		"With --rebuild the index is built again from the files it records\n"
		"(after a quarry upgrade, or damage).  Paths are recorded resolved,\n"
		"so updates work from any directory.  One writer at a time: a\n"
		"second one waits up to $QUARRY_LOCK_TIMEOUT seconds (10), then\n"
		"fails (exit 4).\n\n"
		"options:\n"
		"  --db PATH   index file (default $XDG_CACHE_HOME/quarry/index.db)\n"
		"  -u, --update  update in place (see above)\n"
		"  --rebuild   build again from the recorded sources\n"
		"  -q, --quiet no summary line\n"
		"  -h, --help  this help\n");
}

int cmd_index(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{"update", no_argument, NULL, 'u'},
		{"rebuild", no_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	struct qerr err = {0};
	char *db = NULL, *def = NULL;
	int c, quiet = 0, update = 0, rebuild = 0, rc;

	optind = 1;
	opterr = 0; /* cli_bad_option says it our way */
	while ((c = getopt_long(argc, argv, "hqu", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'u':
			update = 1;
			break;
		case 'r':
			rebuild = 1;
			break;
		case 'h':
			usage(stdout);
			return QERR_OK;
		default:
			cli_bad_option("index", argv);
			return QERR_USAGE;
		}
	}
	if (rebuild && (update || optind < argc)) {
		cli_error("index: --rebuild takes no PATH and no --update (see "
			  "quarry index --help)");
		return QERR_USAGE;
	}
	if (optind >= argc && !update && !rebuild) {
		cli_error("index: no PATH given (see quarry index --help)");
		return QERR_USAGE;
	}
	if (db && *db == '\0') {
		cli_error("index: --db needs a file name");
		return QERR_USAGE;
	}
	if (db == NULL && (db = def = cli_default_db()) == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	if (rebuild)
		rc = cli_rebuild(db, quiet, &err);
	else if (update)
		rc = cli_update_paths(db, argv + optind, argc - optind, quiet,
				      &err);
	else
		rc = cli_build_paths(db, argv + optind, argc - optind, quiet,
				     NULL, &err);
	free(def);
	return rc ? cli_fail(&err) : QERR_OK;
}
