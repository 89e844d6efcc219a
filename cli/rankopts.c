/* rankopts.c - the ranking options ask, chat and eval share. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_num(const char *cmd, const char *opt, const char *s, double lo,
		  double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= lo && v <= hi)) {
		cli_error("%s: %s wants a number in [%g, %g], not '%s'", cmd,
			  opt, lo, hi, s);
		return QERR_USAGE;
	}
	*out = v;
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
		double v = 0.0;
		int rc = cli_parse_num(cmd, "--feedback-min", arg, 0, 64, &v);

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
