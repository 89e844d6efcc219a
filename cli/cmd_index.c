/* cmd_index.c - quarry index [--db PATH] [--update] PATH... */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "options.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry index [--db PATH] PATH...\n"
		"       quarry index [--db PATH] --update [PATH...]\n"
		"       quarry index [--db PATH] --rebuild\n\n"
		"Read documents and replace the index with them.  PATH is a file\n"
		"or a directory (read recursively).  Formats, by extension:\n"
		"  .txt    numbered Q&A text ('1. question', 'Ans:', answer)\n"
		"  .jsonl  {\"question\",\"answer\"[,\"id\"]} or BEIR "
		"{\"_id\",\"title\",\"text\"}\n"
		"  .md     Markdown: each heading a question, the text under it the answer\n\n"
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

static const struct option own_opts[] = {
	{"quiet", no_argument, NULL, 'q'},
	{"rebuild", no_argument, NULL, 'r'},
	{"update", no_argument, NULL, 'u'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"index", CLI_G_HELP | CLI_G_DB, own_opts, "qu", usage,
};

int cmd_index(int argc, char **argv)
{
	struct cli_shared s;
	struct cli_getopt g;
	struct qerr err = {0};
	const char *db;
	char *def = NULL;
	int c, quiet = 0, update = 0, rebuild = 0, rc;

	cli_shared_init(&s);
	cli_getopt_init(&g, &spec, &s);
	while ((c = cli_getopt_next(&g, argc, argv)) != 0) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'u': update = 1; break;
		case 'r': rebuild = 1; break;
		}
	}
	if (g.status != 0)
		return g.status == CLI_HELP_SHOWN ? QERR_OK : g.status;
	db = s.db;
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
