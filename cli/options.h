/* options.h - the options the subcommands share, as one table.
 *
 * Every shared option (its long and short name, what argument it takes,
 * the range a value must lie in, where the value goes and, when it means
 * the same to every command, its help text) is one row of a table in
 * options.c.  A command names the groups of rows it accepts and adds its
 * own options; cli_getopt_next builds the getopt_long array from both,
 * stores and range-checks the shared values itself and hands the command
 * only its own options.  A bad value or an unknown option is one error
 * line, and the parse stops with QERR_USAGE. */
#ifndef QUARRY_OPTIONS_H
#define QUARRY_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "../retrieval/rank.h"
#include "cli.h"

/* The groups a command may accept (an OR of them). */
enum {
	CLI_G_HELP = 1 << 0,   /* -h, --help */
	CLI_G_DB = 1 << 1,     /* --db PATH */
	CLI_G_ANSWER = 1 << 2, /* -j/--json, --threshold */
	CLI_G_TOP = 1 << 3,    /* -n/--top */
	CLI_G_LLM = 1 << 4,    /* --llm, --llm-url, --llm-model, --llm-timeout,
				  --profile */
	CLI_G_RANK = 1 << 5,   /* --model, --k1, --b, ... (struct rank_params) */
	CLI_G_LOG = 1 << 6,    /* --no-log */
};

/* Where the shared options' values go.  cli_shared_init sets the
 * defaults; a command changes those it wants different before parsing. */
struct cli_shared {
	const char *db;    /* --db, NULL: the default index */
	int top;           /* --top */
	int top_given;     /* --top was on the command line */
	int json;          /* --json */
	double threshold;  /* --threshold (RANK_THRESHOLD) */
	int llm;           /* --llm */
	int no_log;        /* --no-log */
	struct cli_llm_opts llm_opts; /* --llm-url, --llm-model, --llm-timeout,
					  --profile */
	struct rank_params params;    /* the ranking options (rank_defaults) */
};

void cli_shared_init(struct cli_shared *s);

/* What a command accepts.  Its own options' val must be below
 * CLI_OPT_SHARED (a short option's letter, say) and not the letter of a
 * shared short option the command takes (-h, -j, -n); an own option with
 * the name of a shared one replaces it for this command. */
struct cli_opts_spec {
	const char *cmd;          /* "ask": names the command in messages */
	unsigned groups;          /* CLI_G_* */
	const struct option *own; /* NULL-terminated, or NULL */
	const char *own_short;    /* the own options' getopt letters, or "" */
	void (*usage)(FILE *fp);  /* printed to stdout for -h, --help */
};

#define CLI_OPT_SHARED 0x1000
#define CLI_MAX_OPTS 64

/* Parser state; set up by cli_getopt_init, then call cli_getopt_next in a
 * loop. */
struct cli_getopt {
	const struct cli_opts_spec *spec;
	struct cli_shared *val;
	struct option longopts[CLI_MAX_OPTS];
	char shortopts[2 * CLI_MAX_OPTS + 1];
	int status; /* when the loop ends: 0, CLI_HELP_SHOWN or QERR_USAGE */
};

/* status after --help was printed: the command returns QERR_OK. */
#define CLI_HELP_SHOWN (-1)

/* Build the getopt_long arrays for spec (the own options and the shared
 * table together must fit CLI_MAX_OPTS: asserted) and reset getopt. */
void cli_getopt_init(struct cli_getopt *g, const struct cli_opts_spec *spec,
		     struct cli_shared *val);

/* The next of the command's own options (its val, with optarg set), after
 * storing any shared ones met on the way.  0 when the parse stops: at the
 * first operand (optind names it) or the end with g->status 0, after the
 * usage was printed (CLI_HELP_SHOWN), or after one error line
 * (QERR_USAGE). */
int cli_getopt_next(struct cli_getopt *g, int argc, char **argv);

/* Print the help lines of the shared options in groups that carry one, in
 * table order, leaving out those own (may be NULL) replaces.  Options whose
 * meaning differs per command have none: the command's usage describes
 * them. */
void cli_opts_help(FILE *fp, unsigned groups, const struct option *own);

/* Parse a number in [lo, hi] (never NaN or infinite): 0, or QERR_USAGE
 * with one message printed naming cmd, opt and s. */
int cli_parse_num(const char *cmd, const char *opt, const char *s, double lo,
		  double hi, double *out);
/* The same for a whole number ("1e3" is one). */
int cli_parse_int(const char *cmd, const char *opt, const char *s, long lo,
		  long hi, long *out);

#endif
