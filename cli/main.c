/* main.c - quarry's entry point: global options and subcommand dispatch.
 *
 * Subcommands live in a {name, fn, summary} table, as in git.c; each cmd_*
 * parses its own options and returns an exit status.  main is the one exit
 * path and checks that stdout was really written. */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include "cli.h"

const char *cli_progname = "quarry";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"ask", cmd_ask, "answer questions from the index"},
	{"chat", cmd_chat, "hold a conversation in the terminal"},
	{"config", cmd_config, "show the settings in effect and where they come from"},
	{"eval", cmd_eval, "score ranking on a judged BEIR collection"},
	{"index", cmd_index, "index documents (Q&A, prose, Markdown, HTML, converted)"},
	{"log", cmd_log, "list the questions asked and answers given"},
	{"stats", cmd_stats, "show what the index holds"},
};

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: quarry [--help] [--version] COMMAND [ARGS]\n\n"
		    "Answers questions from documents (Q&A and prose), offline,\n"
		    "with a BM25 index in SQLite.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(fp,
		"\nRun 'quarry COMMAND --help' for a command's options.\n\n"
		"exit status:\n"
		"  0  answered (or the command succeeded)\n"
		"  1  nothing matched / no good answer\n"
		"  2  usage error\n"
		"  3  bad data or index\n"
		"  4  I/O error\n");
}

/* QUARRY_LOCK_TIMEOUT: seconds a writer waits for another to finish. */
static void lock_wait_from_env(void)
{
	const char *w = getenv("QUARRY_LOCK_TIMEOUT");
	char *end;
	double s = w ? strtod(w, &end) : 0;

	if (w == NULL)
		return;
	if (*w == '\0' || *end != '\0' || !(s >= 0 && s <= 86400))
		cli_warn("QUARRY_LOCK_TIMEOUT='%s' ignored", w);
	else
		idx_set_lock_wait(s);
}

int main(int argc, char **argv)
{
	size_t i;
	int rc = QERR_USAGE;

	/* SQLite's allocation statistics cost a global mutex per malloc;
	 * quarry never reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* No initial bulk page cache per connection: its set-up touches a
	 * page for each of its 20 slots of 8 KB, while a reader takes its
	 * pages from the memory map and a question needs a handful. */
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
#ifdef __GLIBC__
	/* A question on a large index copies postings lists of megabytes.
	 * glibc would map each such block afresh and unmap it when freed,
	 * so that every question of a batch or a chat paid a page fault per
	 * 4 KB again; below these sizes freed memory stays for the next
	 * question instead. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	lock_wait_from_env();
	if (argc < 2) {
		usage(stderr);
		return QERR_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		rc = QERR_OK;
	} else if (strcmp(argv[1], "--version") == 0) {
		printf("quarry %s\n", QUARRY_VERSION);
		rc = QERR_OK;
	} else {
		for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				break;
		if (i == sizeof(commands) / sizeof(*commands)) {
			cli_error("unknown command '%s' (see quarry --help)",
				  argv[1]);
			return QERR_USAGE;
		}
		rc = commands[i].fn(argc - 1, argv + 1);
	}
	if (cli_check_output(stdout) != 0 && rc == QERR_OK)
		rc = QERR_IO;
	return rc;
}
