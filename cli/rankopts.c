/* rankopts.c - the ranking options ask, chat and eval share. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

static int parse_model(const char *cmd, const char *s, struct rank_params *p)
{
	if (strcmp(s, "bm25") == 0)
		p->model = RANK_BM25;
	else if (strcmp(s, "tfidf") == 0)
		p->model = RANK_TFIDF;
	else {
		cli_error("%s: --model is bm25 or tfidf, not '%s'", cmd, s);
		return QERR_USAGE;
	}
	return 0;
}

int cli_rank_opt(const char *cmd, int c, const char *arg,
		 struct rank_params *p)
{
	switch (c) {
	case CLI_OPT_K1:
		return cli_parse_num(cmd, "--k1", arg, 0, 100, &p->k1);
	case CLI_OPT_B:
		return cli_parse_num(cmd, "--b", arg, 0, 1, &p->b);
	case CLI_OPT_WQ:
		return cli_parse_num(cmd, "--wq", arg, 0, 1000, &p->w[IDX_Q]);
	case CLI_OPT_WA:
		return cli_parse_num(cmd, "--wa", arg, 0, 1000, &p->w[IDX_A]);
	case CLI_OPT_QMATCH:
		return cli_parse_num(cmd, "--qmatch", arg, 0, 100, &p->qmatch);
	case CLI_OPT_PHRASE:
		return cli_parse_num(cmd, "--phrase", arg, 0, 100, &p->phrase);
	case CLI_OPT_FEEDBACK:
		return cli_parse_num(cmd, "--feedback", arg, 0, 10, &p->feedback);
	case CLI_OPT_FEEDBACK_MIN: {
		long v = 0;
		int rc = cli_parse_int(cmd, "--feedback-min", arg, 0,
				       RANK_MAX_TERMS, &v);

		if (rc == 0)
			p->feedback_min = (int)v;
		return rc;
	}
	case CLI_OPT_EXHAUSTIVE:
		p->exhaustive = 1;
		return 0;
	case CLI_OPT_NOEXPAND:
		p->expand = 0;
		return 0;
	case CLI_OPT_MODEL:
		return parse_model(cmd, arg, p);
	default:
		return -1;
	}
}
