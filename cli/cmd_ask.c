/* cmd_ask.c - quarry ask [options] [QUESTION...]
 *
 * With a question on the command line, answers it; without, reads one
 * question per line from stdin and answers each in order (one JSON object
 * per line with --json, flushed as written). */
#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"
#include "cli.h"
#include "log.h"
#include "options.h"

struct ask_opts {
	struct cli_shared s; /* --db, --top, --json, --llm, ranking, ... */
	int explain;
	int full; /* --full: whole answers, not snippets */
	struct cli_log *log; /* the conversation log */
	int check_shown; /* warn about the shown answers' changed files */
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry ask [options] [QUESTION...]\n\n"
		"Print the best answers to QUESTION, or to each line of stdin.\n"
		"Each answer says how sure it is: high, medium or low confidence\n"
		"(the share of the question it covers; low is below --threshold)\n"
		"and a five-cell bar.  Without --top, answers after the first that\n"
		"score under half of it or have low confidence are left out (a\n"
		"line says how many); a question with no good answer shows its\n"
		"nearest candidates, marked uncertain.  Questions read from a file\n"
		"or pipe are each printed (\"? QUESTION\") before their answers.\n\n"
		"options:\n"
		"  --db PATH         index file (default $XDG_CACHE_HOME/quarry/index.db,\n"
		"                    built from the bundled corpus when missing)\n"
		"  -n, --top N       show the N best answers, weak ones too (default:\n"
		"                    up to 3, a weak tail left out; max 1000)\n"
		"  -j, --json        one JSON object per question:\n"
		"                    {\"query\",\"answered\",\"results\":[{\"rank\",\"id\",\n"
		"                    \"score\",\"confidence\",\"question\",\"answer\",\n"
		"                    \"source\",\"line\",\"kind\",\"snippet\",\"highlights\"}]}\n"
		"  --full            show whole answers (else one over 600 bytes shows\n"
		"                    its best passage; query words bold on a terminal)\n"
		"  --threshold X     probability of an answer, in [0, 1], below which\n"
		"                    the corpus is taken to have none (default "
		RANK_THRESHOLD_TEXT ");\n"
		"                    the nearest candidates are still shown\n"
		"  --explain         show each query term's contribution per result,\n"
		"                    its BM25 score and which expansions fired (all\n"
		"                    results, weak ones too)\n"
		"  --llm             have the configured LLM endpoint rewrite the\n"
		"                    answers into a reply citing them as [1], [2]...\n"
		"                    (streamed; with --json in \"reply\"); on any\n"
		"                    failure the retrieved answers are shown\n"
		"  --dry-run         print the request body --llm would send, send\n"
		"                    nothing\n");
	cli_opts_help(fp, CLI_G_LLM, NULL);
	fputs("  --context-budget N  bytes of retrieved text sent, snippets first\n"
	      "                    (default 6000)\n",
	      fp);
	cli_opts_help(fp, CLI_G_RANK | CLI_G_LOG, NULL);
	fputs("  -h, --help        this help\n\n"
		"exit status: 0 answered, 1 nothing matched or no good answer,\n"
		"2 usage, 3 bad index, 4 I/O error, 130 interrupted (Ctrl-C during\n"
		"an LLM request: the retrieved answers are shown first).\n"
		"NO_COLOR turns colour off.\n", fp);
}

static const struct option own_opts[] = {
	{"context-budget", required_argument, NULL, 'C'},
	{"dry-run", no_argument, NULL, 'D'},
	{"explain", no_argument, NULL, 'e'},
	{"full", no_argument, NULL, 'F'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"ask",
	CLI_G_HELP | CLI_G_DB | CLI_G_ANSWER | CLI_G_TOP | CLI_G_LLM | CLI_G_RANK |
		CLI_G_LOG,
	own_opts, "", usage,
};

/* Returns 0, CLI_HELP_SHOWN, or QERR_USAGE (message printed). */
static int parse_opts(int argc, char **argv, struct ask_opts *o)
{
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, &spec, &o->s);
	while ((c = cli_getopt_next(&g, argc, argv)) != 0) {
		switch (c) {
		case 'e': o->explain = 1; break;
		case 'F': o->full = 1; break;
		case 'D': o->s.llm = o->s.llm_opts.dry_run = 1; break;
		case 'C':
			if (cli_parse_int("ask", "--context-budget", optarg, 100,
					  100000000L, &o->s.llm_opts.budget))
				return QERR_USAGE;
			break;
		}
	}
	return g.status;
}

/* --llm: the endpoint's reply, or on any failure one warning line and the
 * retrieved answers.  Returns 0 or QERR_IO (output failed). */
static int answer_llm(const struct ask_opts *o, const struct cli_out *out,
		      struct cli_answer *a)
{
	struct cli_llm_opts lo = o->s.llm_opts;
	struct qerr err = {0};
	char *reply = NULL;
	int rc;

	lo.stream = !out->json;
	cli_llm_layout(&lo, out);
	rc = cli_llm_reply(&lo, a->query, a->res, a->n, NULL, 0,
			   out->json ? NULL : out->fp, &reply, &err);

	if (rc == 0 && o->s.llm_opts.dry_run) {
		fprintf(out->fp, "%s\n", reply);
	} else if (rc == 0 && out->json) {
		a->reply = reply;
		rc = cli_print_json(out->fp, a);
	} else if (rc == 0) {
		if (reply[0] && reply[strlen(reply) - 1] != '\n')
			fputc('\n', out->fp);
		cli_print_sources(out, a->res, a->n);
	} else {
		int stopped = cli_llm_interrupted();

		if (stopped)
			cli_warn("LLM reply interrupted; showing the retrieved "
				 "answer");
		else
			cli_warn("LLM reply failed: %s; showing the retrieved "
				 "answer", err.msg);
		a->reply_error = err.msg;
		if (out->json)
			cli_print_json(out->fp, a);
		else
			cli_print_answer(out, a);
		/* Ctrl-C: the answers are shown, the rest of a batch is not
		 * asked, and the status says the run was cut short. */
		rc = stopped ? CLI_EXIT_INTERRUPTED : 0;
	}
	if (!o->s.llm_opts.dry_run) {
		a->reply = reply;
		cli_log_answer(o->log, a, 0, a->n);
	}
	a->reply = NULL;
	a->reply_error = NULL;
	free(reply);
	if (ferror(out->fp))
		return QERR_IO;
	return rc;
}

/* Answer one question. Returns 0 answered, 1 no match, else an error. */
static int answer(struct idx *x, struct tok *t, const struct ask_opts *o,
		  const struct cli_out *out, const char *q)
{
	struct cli_result *res = calloc((size_t)o->s.top, sizeof(*res));
	struct cli_answer a = {0};
	struct rank_run run;
	struct qerr err = {0};
	char dym[1024];
	int n = 0, rc, via_llm = 0;

	if (res == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	rank_run_init(&run, o->s.top, o->s.threshold);
	rc = cli_retrieve(x, t, &o->s.params, q, &run, res, &n, &err);
	if (rc == 0 && o->explain &&
	    cli_explain(x, &run.q, &o->s.params, res, n) != 0) {
		rc = qerr_set(&err, QERR_IO, "out of memory");
	}
	if (rc == 0)
		rc = cli_snippets(&run.q, res, n, out,
				  out->json || o->s.llm, &err);
	if (rc == 0 && o->check_shown)
		cli_warn_changed(x, o->s.db, res, n);
	a.query = q;
	a.rq = &run.q;
	a.res = res;
	a.n = n;
	a.answered = rc == 0 && !run.declined;
	if (rc == 0 && !a.answered &&
	    rank_did_you_mean(&run.q, q, dym, sizeof(dym))) {
		a.did_you_mean = dym;
		if (!out->json)
			cli_note("did you mean: %s", dym);
	}
	a.show_candidates = 1;
	a.trim = !o->s.top_given && !o->explain;
	a.answerable = rc == 0 ? run.answerable : -1;
	a.explain = o->explain;
	if (rc != 0)
		cli_fail(&err);
	else if (o->s.llm && n > 0 && (a.answered || o->s.llm_opts.dry_run)) {
		rc = answer_llm(o, out, &a);
		via_llm = 1;
	}
	else if (out->json)
		rc = cli_print_json(out->fp, &a);
	else
		cli_print_answer(out, &a);
	if (rc == 0 && fflush(out->fp) != 0)
		rc = QERR_IO;
	if (rc == 0 && !via_llm) /* (answer_llm logs its reply too) */
		cli_log_answer(o->log, &a, 0, n);
	cli_results_clear(res, n);
	free(res);
	rank_run_clear(&run);
	if (rc == QERR_IO && ferror(out->fp))
		return cli_check_output(out->fp);
	return rc ? rc : (a.answered ? QERR_OK : QERR_NOMATCH);
}

static char *join_args(int argc, char **argv)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < argc; i++) {
		if (i && buf_putc(&b, ' ') != 0)
			break;
		if (buf_puts(&b, argv[i]) != 0)
			break;
	}
	if (i < argc) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* Is more input already waiting: in stdio's buffer, or on the descriptor
 * (a line, or the end of a pipe)?  Without glibc, say no. */
static int input_pending(FILE *fp)
{
#ifdef __GLIBC__
	struct pollfd p;

	if (fp->_IO_read_ptr < fp->_IO_read_end)
		return 1;
	p.fd = fileno(fp);
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 1;
#else
	(void)fp;
	return 0;
#endif
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How long a piped batch may keep one read of the index across questions
 * already waiting: an update waits at most about this long to commit. */
#define ASK_HOLD_MS 50.0

/* Plain output of a batch read from a file or pipe: the question before
 * its answers (a person typing sees it already), a blank line between
 * questions. */
static void print_question(const struct cli_out *out, const char *q,
			   int after)
{
	if (after)
		fputc('\n', out->fp);
	fputs(out->color ? "\033[1m? " : "? ", out->fp);
	cli_put(out->fp, q, TERM_NAME);
	fputs(out->color ? "\033[0m\n\n" : "\n\n", out->fp);
}

static int ask_stdin(struct idx *x, struct tok *t, const struct ask_opts *o,
		     const struct cli_out *out)
{
	double held = 0.0;
	char *line = NULL, where[64];
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int any = 0, asked = 0, rc = 0;

	if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
		fprintf(stderr, "%s ask: type a question and press Enter, one "
				"per line; Ctrl-D ends.  (quarry chat holds a "
				"conversation; quarry ask --help)\n",
			cli_progname);
	for (;;) {
		char *q;

		/* Let an update commit while we wait for the next line; lines
		 * already waiting share a read, for a while. */
		if (!input_pending(stdin) || now_ms() - held > ASK_HOLD_MS) {
			idx_pause(x);
			held = now_ms();
		}
		if (rc != 0 || (len = getline(&line, &cap, stdin)) == -1)
			break;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, (size_t)len - 2); /* a BOM */
			len -= 3;
		}
		if (blank(line))
			continue;
		snprintf(where, sizeof(where), "stdin:%ld", lineno);
		q = cli_question(line, (size_t)len, where);
		if (q == NULL) {
			cli_error("out of memory");
			rc = QERR_IO;
			break;
		}
		if (!out->json && !isatty(STDIN_FILENO))
			print_question(out, q, asked);
		asked = 1;
		rc = answer(x, t, o, out, q);
		free(q);
		if (rc == QERR_OK)
			any = 1;
		if (rc == QERR_NOMATCH)
			rc = 0;
	}
	free(line);
	if (rc != 0)
		return rc;
	if (ferror(stdin)) {
		cli_error("reading stdin failed");
		return QERR_IO;
	}
	if (!asked) {
		cli_error("ask: no question given (on the command line or stdin)");
		return QERR_USAGE;
	}
	return any ? QERR_OK : QERR_NOMATCH;
}

int cmd_ask(int argc, char **argv)
{
	struct ask_opts o;
	struct cli_log lg;
	struct cli_out out;
	struct idx *x = NULL;
	struct tok *t = NULL;
	char *q = NULL;
	int rc;

	memset(&o, 0, sizeof(o)); /* --explain, --full: off */
	cli_shared_init(&o.s);
	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? QERR_OK : rc;
	if (optind < argc) {
		char *joined = join_args(argc - optind, argv + optind);

		q = joined ? cli_question(joined, strlen(joined), "question")
			   : NULL;
		free(joined);
		if (q == NULL) {
			cli_error("out of memory");
			return QERR_IO;
		}
		if (blank(q)) {
			free(q);
			cli_error("ask: empty question");
			return QERR_USAGE;
		}
	}
	if (o.s.llm && !o.s.llm_opts.dry_run) {
		struct qerr err = {0};

		/* (no endpoint at all: the answers alone, with a warning) */
		if (cli_llm_check(&o.s.llm_opts, &err) == QERR_USAGE &&
		    !cli_llm_unconfigured()) {
			cli_error("ask: %s", err.msg);
			free(q);
			return QERR_USAGE;
		}
	}
	/* One question checks the files of its answers only (the cost of
	 * a one-shot ask stays independent of the number of files); a
	 * batch checks all of them once, at open. */
	o.check_shown = q != NULL;
	rc = q ? cli_open_index_unchecked(o.s.db, &x)
	       : cli_open_index(o.s.db, &x);
	if (rc != 0) {
		free(q);
		return rc;
	}
	cli_log_init(&lg, "ask", o.s.no_log);
	o.log = &lg;
	t = cli_query_tok();
	if (t == NULL) {
		cli_error("out of memory");
		rc = QERR_IO;
	} else {
		cli_out_init(&out, stdout, o.s.json);
		out.full = o.full;
		rc = q ? answer(x, t, &o, &out, q) : ask_stdin(x, t, &o, &out);
	}
	cli_log_close(&lg);
	tok_free(t);
	idx_close(x);
	free(q);
	return rc;
}
