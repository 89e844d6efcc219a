/* options.c - the options the subcommands share: one table, one parser.
 *
 * As in curl's tool_getparam.c, each shared option is a row, sorted by
 * long name: what it takes, the range its value must lie in and where
 * the value goes (an offset into struct cli_shared).  Values are parsed
 * and range-checked here only, so every command says a bad value the same
 * way, in one line.
 *
 * To add an option several commands share: give it a field in struct
 * cli_shared (options.h) and a row here, in name order, in a group; the
 * commands that name the group take it.  An option of one command stays
 * in that command's own struct option array and switch. */
#include <assert.h>
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "../retrieval/proximity.h"

enum arg_kind {
	ARG_SET,     /* no argument: store val (an int) */
	ARG_NUM,     /* a number in [lo, hi] (a double) */
	ARG_INT,     /* a whole number in [lo, hi] (an int) */
	ARG_STR,     /* the argument itself (a const char *) */
	ARG_SECONDS, /* seconds in [lo, hi], stored as milliseconds (a long) */
	ARG_MODEL,   /* bm25 or tfidf (an int, enum rank_model) */
	ARG_HELP,    /* print the command's usage and stop */
};

struct opt_row {
	const char *name; /* long name, without the dashes */
	char shortc;      /* short option letter, or 0 */
	enum arg_kind kind;
	double lo, hi;    /* ARG_NUM, ARG_INT, ARG_SECONDS */
	int val;          /* ARG_SET */
	unsigned group;   /* CLI_G_* */
	size_t off;       /* where the value goes in struct cli_shared */
	long given;       /* offset of an int set to 1 when given, or -1 */
	const char *arg;  /* the argument's name in the help, or NULL */
	const char *help; /* NULL: the command describes the option itself */
};

#define AT(field) offsetof(struct cli_shared, field)
#define P(field) offsetof(struct cli_shared, params.field)

/* Sorted by long name. */
static const struct opt_row rows[] = {
	{"b", 0, ARG_NUM, 0, 1, 0, CLI_G_RANK, P(b), -1, "X",
	 "BM25 length normalization (default 0.75)"},
	{"db", 0, ARG_STR, 0, 0, 0, CLI_G_DB, AT(db), -1, "PATH", NULL},
	{"exhaustive", 0, ARG_SET, 0, 0, 1, CLI_G_RANK, P(exhaustive), -1, NULL,
	 "score every posting instead of MaxScore pruning\n"
	 "(same results, slower; for checking)"},
	{"feedback", 0, ARG_NUM, 0, 10, 0, CLI_G_RANK, P(feedback), -1, "X",
	 "add terms from the best records, weighted X\n"
	 "(pseudo-relevance feedback; default 0 = off)"},
	{"feedback-min", 0, ARG_INT, 0, RANK_MAX_TERMS, 0, CLI_G_RANK,
	 P(feedback_min), -1, "N",
	 "use --feedback only for questions of N words\n"
	 "or more (default 4)"},
	{"help", 'h', ARG_HELP, 0, 0, 0, CLI_G_HELP, 0, -1, NULL, NULL},
	{"json", 'j', ARG_SET, 0, 0, 1, CLI_G_ANSWER, AT(json), -1, NULL, NULL},
	{"k1", 0, ARG_NUM, 0, 100, 0, CLI_G_RANK, P(k1), -1, "X",
	 "BM25 term saturation (default 1.2)"},
	{"llm", 0, ARG_SET, 0, 0, 1, CLI_G_LLM, AT(llm), -1, NULL, NULL},
	{"llm-model", 0, ARG_STR, 0, 0, 0, CLI_G_LLM, AT(llm_opts.model), -1,
	 "NAME", "model (else QUARRY_LLM_MODEL or the config)"},
	{"llm-timeout", 0, ARG_SECONDS, 0, 86400, 0, CLI_G_LLM,
	 AT(llm_opts.timeout_ms), -1, "S",
	 "give up on an LLM reply after S seconds in all\n"
	 "(default total_timeout in the config, 120; 0: never)"},
	{"llm-url", 0, ARG_STR, 0, 0, 0, CLI_G_LLM, AT(llm_opts.url), -1, "URL",
	 "endpoint base URL (else QUARRY_LLM_URL,\n"
	 "OPENAI_BASE_URL, or url in the config file)"},
	{"model", 0, ARG_MODEL, 0, 0, 0, CLI_G_RANK, P(model), -1, "M",
	 "bm25 (default) or tfidf"},
	{"no-expand", 0, ARG_SET, 0, 0, 0, CLI_G_RANK, P(expand), -1, NULL,
	 "no prefix, spelling, compound or acronym\n"
	 "expansion of query words"},
	{"no-log", 0, ARG_SET, 0, 0, 1, CLI_G_LOG, AT(no_log), -1, NULL,
	 "do not write this conversation to the log\n"
	 "($XDG_STATE_HOME/quarry/log.db; see quarry log)"},
	{"phrase", 0, ARG_NUM, 0, 100, 0, CLI_G_RANK, P(phrase), -1, "X",
	 "bonus for query word pairs found together\n"
	 "(default 0 = off)"},
	{"profile", 0, ARG_STR, 0, 0, 0, CLI_G_LLM, AT(llm_opts.profile), -1,
	 "NAME", "use the config file's [NAME] endpoint section\n"
	 "(else QUARRY_PROFILE, or default = NAME)"},
	{"proximity", 0, ARG_NUM, 0, 100, 0, CLI_G_RANK, P(proximity), -1, "X",
	 "weight of how closely the question's words sit\n"
	 "in a passage (default " RANK_PROX_W_TEXT "; 0 turns it off)"},
	{"qmatch", 0, ARG_NUM, 0, 100, 0, CLI_G_RANK, P(qmatch), -1, "X",
	 "bonus for covering a record's whole question\n"
	 "(default 1; 0 turns it off)"},
	{"semantic", 0, ARG_NUM, 0, 100, 0, CLI_G_RANK, P(semantic), -1, "X",
	 "weight of the word-vector similarity\n"
	 "(default " RANK_SEMANTIC_TEXT "; 0 turns it off; see QUARRY_VECTORS)"},
	{"threshold", 0, ARG_NUM, 0, 1, 0, CLI_G_ANSWER, AT(threshold), -1, "X",
	 NULL},
	{"top", 'n', ARG_INT, 1, 1000, 0, CLI_G_TOP, AT(top),
	 (long)AT(top_given), "N", NULL},
	{"wa", 0, ARG_NUM, 0, 1000, 0, CLI_G_RANK, P(w[IDX_A]), -1, "X",
	 "answer field weight (default 1)"},
	{"wq", 0, ARG_NUM, 0, 1000, 0, CLI_G_RANK, P(w[IDX_Q]), -1, "X",
	 "question field weight (default 3)"},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

void cli_shared_init(struct cli_shared *s)
{
	memset(s, 0, sizeof(*s));
	s->top = 3;
	s->threshold = RANK_THRESHOLD;
	s->llm_opts.timeout_ms = -1;
	rank_defaults(&s->params);
}

/* Both parsers refuse what strtod and strtol would skip or stop at
 * (leading space, trailing text), so the value is the whole argument. */
int cli_parse_num(const char *cmd, const char *opt, const char *s, double lo,
		  double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	/* (the range test is false for NaN, and out of range for inf) */
	if (end == s || *end != '\0' || isspace((unsigned char)*s) ||
	    !(v >= lo && v <= hi)) {
		cli_error("%s: %s wants a number in [%g, %g], not '%s'", cmd,
			  opt, lo, hi, s);
		return QERR_USAGE;
	}
	*out = v;
	return 0;
}

int cli_parse_int(const char *cmd, const char *opt, const char *s, long lo,
		  long hi, long *out)
{
	char *end;
	double v = strtod(s, &end);

	/* (written as a number: "1e3" is 1000) */
	if (end == s || *end != '\0' || isspace((unsigned char)*s) ||
	    !(v >= (double)lo && v <= (double)hi) || v != (double)(long)v) {
		cli_error("%s: %s wants a whole number in [%ld, %ld], not '%s'",
			  cmd, opt, lo, hi, s);
		return QERR_USAGE;
	}
	*out = (long)v;
	return 0;
}

/* Whether the command's own options have one called name. */
static int own_has(const struct option *own, const char *name)
{
	for (; own && own->name; own++)
		if (strcmp(own->name, name) == 0)
			return 1;
	return 0;
}

/* The row a short option letter stands for, among those in groups. */
static int short_row(int c, unsigned groups)
{
	size_t i;

	for (i = 0; i < NROWS; i++)
		if (rows[i].shortc == c && (rows[i].group & groups))
			return (int)i;
	return -1;
}

void cli_getopt_init(struct cli_getopt *g, const struct cli_opts_spec *spec,
		     struct cli_shared *val)
{
	const struct option *o;
	size_t i, n = 0, ns;

	memset(g, 0, sizeof(*g));
	g->spec = spec;
	g->val = val;
	for (o = spec->own; o && o->name; o++) {
		/* (getopt_long returns the val of a long option as it returns
		 * a short one's letter: the two must not be mistaken) */
		assert(n + NROWS < CLI_MAX_OPTS && o->val < CLI_OPT_SHARED &&
		       short_row(o->val, spec->groups) < 0);
		g->longopts[n++] = *o;
	}
	ns = strlen(spec->own_short);
	assert(ns + 2 * NROWS < sizeof(g->shortopts));
	memcpy(g->shortopts, spec->own_short, ns);
	for (i = 0; i < NROWS; i++) {
		const struct opt_row *r = &rows[i];
		int has_arg = r->kind == ARG_SET || r->kind == ARG_HELP
				      ? no_argument
				      : required_argument;

		if (!(r->group & spec->groups) || own_has(spec->own, r->name))
			continue;
		g->longopts[n].name = r->name;
		g->longopts[n].has_arg = has_arg;
		g->longopts[n].flag = NULL;
		g->longopts[n++].val = CLI_OPT_SHARED + (int)i;
		if (r->shortc) {
			g->shortopts[ns++] = r->shortc;
			if (has_arg == required_argument)
				g->shortopts[ns++] = ':';
		}
	}
	/* (longopts[n] and shortopts[ns] are zero: the terminators) */
	optind = 1;
	opterr = 0; /* cli_bad_option says it our way */
}

/* Store row r's value from arg; 0 or QERR_USAGE (one line printed). */
static int store(const struct cli_getopt *g, const struct opt_row *r,
		 const char *arg)
{
	char *base = (char *)g->val;
	const char *cmd = g->spec->cmd;
	char opt[64];
	double d;
	long l;

	snprintf(opt, sizeof(opt), "--%s", r->name);
	switch (r->kind) {
	case ARG_SET:
		*(int *)(base + r->off) = r->val;
		break;
	case ARG_NUM:
		if (cli_parse_num(cmd, opt, arg, r->lo, r->hi, &d))
			return QERR_USAGE;
		*(double *)(base + r->off) = d;
		break;
	case ARG_INT:
		if (cli_parse_int(cmd, opt, arg, (long)r->lo, (long)r->hi, &l))
			return QERR_USAGE;
		*(int *)(base + r->off) = (int)l;
		break;
	case ARG_STR:
		*(const char **)(base + r->off) = arg;
		break;
	case ARG_SECONDS:
		if (cli_parse_num(cmd, opt, arg, r->lo, r->hi, &d))
			return QERR_USAGE;
		*(long *)(base + r->off) = (long)(d * 1000.0 + 0.5);
		break;
	case ARG_MODEL:
		if (strcmp(arg, "bm25") == 0)
			*(int *)(base + r->off) = RANK_BM25;
		else if (strcmp(arg, "tfidf") == 0)
			*(int *)(base + r->off) = RANK_TFIDF;
		else {
			cli_error("%s: --model is bm25 or tfidf, not '%s'", cmd,
				  arg);
			return QERR_USAGE;
		}
		break;
	case ARG_HELP:
		break;
	}
	if (r->given >= 0)
		*(int *)(base + r->given) = 1;
	return 0;
}

int cli_getopt_next(struct cli_getopt *g, int argc, char **argv)
{
	const struct opt_row *r;
	int c, i;

	while ((c = getopt_long(argc, argv, g->shortopts, g->longopts,
				NULL)) != -1) {
		if (c == '?') {
			cli_bad_option(g->spec->cmd, argv);
			g->status = QERR_USAGE;
			return 0;
		}
		if (c >= CLI_OPT_SHARED)
			i = c - CLI_OPT_SHARED;
		else if (strchr(g->spec->own_short, c) == NULL)
			i = short_row(c, g->spec->groups);
		else
			return c;
		if (i < 0)
			return c;
		r = &rows[i];
		if (r->kind == ARG_HELP) {
			g->spec->usage(stdout);
			g->status = CLI_HELP_SHOWN;
			return 0;
		}
		if (store(g, r, optarg) != 0) {
			g->status = QERR_USAGE;
			return 0;
		}
	}
	g->status = 0;
	return 0;
}

void cli_opts_help(FILE *fp, unsigned groups, const struct option *own)
{
	size_t i;

	for (i = 0; i < NROWS; i++) {
		const struct opt_row *r = &rows[i];
		const char *h = r->help, *nl;
		char left[64];

		if (!(r->group & groups) || h == NULL || own_has(own, r->name))
			continue;
		if (r->shortc)
			snprintf(left, sizeof(left), "  -%c, --%s%s%s",
				 r->shortc, r->name, r->arg ? " " : "",
				 r->arg ? r->arg : "");
		else
			snprintf(left, sizeof(left), "  --%s%s%s", r->name,
				 r->arg ? " " : "", r->arg ? r->arg : "");
		fprintf(fp, "%-18s  ", left);
		while ((nl = strchr(h, '\n')) != NULL) {
			fprintf(fp, "%.*s\n%20s", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fprintf(fp, "%s\n", h);
	}
}
