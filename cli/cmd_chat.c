/* cmd_chat.c - quarry chat [--db PATH] [--top N] [--json]
 *
 * A conversation over the index.  On a terminal: a libedit prompt with
 * line editing and a history kept in $XDG_STATE_HOME/quarry/history;
 * otherwise one question per line from stdin, answered in order.  Each
 * question is first resolved against the topic of the previous turns
 * (retrieval/followup.h), so "and its disadvantages?" searches for the
 * disadvantages of what was asked before.  Lines starting with '/' are
 * commands (a sorted table, as in curl's tool). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <histedit.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../retrieval/followup.h"
#include "../util/buf.h"
#include "../util/fileio.h"
#include "cli.h"
#include "log.h"
#include "options.h"

#define MAX_TOP 1000
#define SOURCES_MIN 5     /* a turn retrieves at least this many */
#define HISTORY_SIZE 1000 /* entries kept in the history file */
#define PROMPT "quarry> "

/* Earlier question/reply pairs sent along with an LLM request. */
#define CHAT_HISTORY 4

struct chat {
	struct idx *x;
	struct tok *t;
	struct rank_params params;
	struct cli_out out;
	int top;                 /* answers shown per turn */
	double threshold;        /* confidence below which nothing is good */
	int llm;                 /* /llm on: add an LLM reply to each turn */
	struct cli_llm_opts llm_opts;
	struct cli_llm_turn hist[CHAT_HISTORY]; /* earlier turns for the LLM */
	int nhist;
	int quit;                /* /quit seen */
	int status;              /* first retrieval error, the exit status */
	struct followup topic;   /* what follow-ups refer to */
	char *last_query;        /* what the last turn searched */
	struct cli_result *last; /* what it retrieved, for /sources */
	long last_top;           /* internal id of the first answer it showed,
				    or -1 */
	int nlast;
	struct cli_log log;      /* the conversation log */
	const char *turn_reply;  /* this turn's LLM reply (in hist), or NULL */
	int resume;              /* --continue */
	long resume_cid;         /* --cid */
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry chat [options]\n\n"
		"Hold a conversation: answer each question typed, reading\n"
		"follow-ups in the light of the previous ones.\n\n"
		"options:\n"
		"  --db PATH         index file (default $XDG_CACHE_HOME/quarry/index.db,\n"
		"                    built from the bundled corpus when missing)\n"
		"  -n, --top N       show the N best answers per turn (default 1)\n"
		"  --full            show whole answers, not a long one's best passage\n"
		"  -j, --json        one JSON object per input line: questions give\n"
		"                    what 'quarry ask --json' gives plus \"resolved\",\n"
		"                    the query actually searched (\"\" when there was\n"
		"                    nothing to continue); commands give\n"
		"                    {\"command\",\"message\"} or, for /sources,\n"
		"                    {\"command\",\"resolved\",\"results\"}\n"
		"  --threshold X     probability of an answer, in [0, 1], below which\n"
		"                    the corpus is taken to have none (default "
		RANK_THRESHOLD_TEXT ")\n"
		"  --llm             start with LLM replies on (as /llm on)\n");
	cli_opts_help(fp, CLI_G_LLM, NULL);
	cli_opts_help(fp, CLI_G_RANK | CLI_G_LOG, NULL);
	fprintf(fp,
		"  -c, --continue    continue the last conversation in the log: its\n"
		"                    topic and, for the LLM, its last replies\n"
		"  --cid ID          continue conversation ID (see quarry log)\n"
		"  -h, --help        this help\n\n"
		"On a terminal there is a prompt with line editing (emacs keys,\n"
		"~/.editrc) and a history of the last %d lines in\n"
		"$XDG_STATE_HOME/quarry/history (else ~/.local/state/quarry/history).\n"
		"Ctrl-C discards the line being typed; Ctrl-D leaves.  Otherwise\n"
		"questions are read one per line from stdin.\n\n"
		"Follow-ups: a question that leans on the previous one (\"and its\n"
		"disadvantages?\", \"what about CNNs\", \"how is it different from\n"
		"an RNN?\", \"why?\") is searched together with the topic's words;\n"
		"\"tell me more\" (or \"more\", \"go on\", \"next\") shows the next best\n"
		"answer to the same question.  A self-contained question starts a\n"
		"new topic.\n\n"
		"commands:\n"
		"  /help            the commands\n"
		"  /sources         what the last turn retrieved, with scores\n"
		"  /top N           show N answers per turn\n"
		"  /llm on|off      add an LLM reply (needs an endpoint: QUARRY_LLM_URL\n"
		"                   or url in the config file)\n"
		"  /reset           forget the topic\n"
		"  /quit, /exit     leave\n"
		"help, quit and exit alone on a line act as /help, /quit, /exit;\n"
		"Ctrl-L clears the screen.\n\n"
		"exit status: 0 at the end of input or /quit, 2 usage, 3 bad index,\n"
		"4 I/O error.  NO_COLOR turns colour off.\n",
		HISTORY_SIZE);
}

/* Parse a whole number in [1, MAX_TOP]; -1 when s is not one. */
static int parse_top(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno || v < 1 || v > MAX_TOP)
		return -1;
	return (int)v;
}

static const struct option own_opts[] = {
	{"cid", required_argument, NULL, 'I'},
	{"continue", no_argument, NULL, 'c'},
	{"full", no_argument, NULL, 'F'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"chat",
	CLI_G_HELP | CLI_G_DB | CLI_G_ANSWER | CLI_G_TOP | CLI_G_LLM | CLI_G_RANK |
		CLI_G_LOG,
	own_opts, "c", usage,
};

/* The shared options go into c, and *db; --full into c->out.full.
 * Returns 0, CLI_HELP_SHOWN, or QERR_USAGE (message printed). */
static int parse_opts(int argc, char **argv, struct chat *c,
		      const char **db)
{
	struct cli_shared s;
	struct cli_getopt g;
	int ch;

	cli_shared_init(&s);
	s.top = 1;
	cli_getopt_init(&g, &spec, &s);
	while ((ch = cli_getopt_next(&g, argc, argv)) != 0) {
		long cid;

		switch (ch) {
		case 'F': c->out.full = 1; break;
		case 'c': c->resume = 1; break;
		case 'I':
			if (cli_parse_int("chat", "--cid", optarg, 1, 1L << 53,
					  &cid))
				return QERR_USAGE;
			c->resume_cid = cid;
			break;
		}
	}
	if (g.status != 0)
		return g.status;
	c->log.off = s.no_log; /* (cli_log_init reads it) */
	*db = s.db;
	c->top = s.top;
	c->out.json = s.json;
	c->threshold = s.threshold;
	c->llm = s.llm;
	c->llm_opts = s.llm_opts;
	c->params = s.params;
	if (optind < argc) {
		cli_error("chat: unexpected argument '%s' (questions are read "
			  "from the terminal or stdin)", argv[optind]);
		return QERR_USAGE;
	}
	return 0;
}

/* ---- output ---- */

/* Flush stdout; QERR_IO (message printed) when writing failed. */
static int flush_out(struct chat *c)
{
	if (fflush(c->out.fp) == 0 && !ferror(c->out.fp))
		return 0;
	return cli_check_output(c->out.fp);
}

/* After a JSON writer returned rc: flush, or report what failed. */
static int json_done(struct chat *c, int rc)
{
	if (rc != 0 && !ferror(c->out.fp)) {
		cli_error("out of memory");
		return rc;
	}
	return flush_out(c);
}

/* A command's reply: one line of text, or {"command","message"}. */
static int say(struct chat *c, const char *cmd, const char *fmt, ...)
	CLI_PRINTF(3, 4);
static int say(struct chat *c, const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->out.json)
		return json_done(c, cli_print_command_json(c->out.fp, cmd,
							   "message", msg));
	cli_put(c->out.fp, msg, TERM_TEXT);
	fputs("\n\n", c->out.fp);
	return flush_out(c);
}

/* One turn's answers, as ask prints them.  resolved is NULL when there
 * was nothing to continue; declined is rank_run's verdict on the question;
 * more marks a "tell me more" turn, which shows the next answers whatever
 * their confidence. */
static int print_turn(struct chat *c, const char *q, const char *resolved,
		      const struct cli_result *r, int n, int more,
		      int declined)
{
	struct cli_answer a;

	memset(&a, 0, sizeof(a));
	a.query = q;
	a.resolved = resolved ? resolved : "";
	a.res = r;
	a.n = n;
	a.answered = n > 0 && (more || !declined);
	a.show_candidates = 1;
	a.answerable = -1;
	if (c->out.json)
		return json_done(c, cli_print_json(c->out.fp, &a));
	if (resolved == NULL)
		fprintf(c->out.fp,
			"Nothing to continue yet: ask a question first.\n");
	else if (more && n == 0)
	{
		fputs("No more answers for: ", c->out.fp);
		cli_put(c->out.fp, resolved, TERM_NAME);
		fputc('\n', c->out.fp);
	}
	else
		cli_print_answer(&c->out, &a);
	fputc('\n', c->out.fp);
	return flush_out(c);
}

/* ---- the LLM hook ----
 *
 * Where LLM replies plug in.  /llm on asks llm_ready, which fills why and
 * returns 0 when replies cannot be had; once on, turn() calls llm_reply
 * after each turn's answers are printed, with the question as typed, the
 * query searched and the answers shown.  Wiring it to llm_glue.c means:
 * llm_ready checks the configuration (QUARRY_LLM_URL, config file), and
 * llm_reply calls cli_llm_reply(&opts, q, r, n, turns, nturns, stdout,
 * &reply, &err) with the chat's earlier question/reply pairs as turns,
 * keeps the reply for the next turn's history and, on failure, warns once
 * and leaves the retrieved answers standing.  Until then replies are
 * never available. */
static int llm_ready(struct chat *c, char *why, size_t n)
{
	struct qerr err = {0};

	if (cli_llm_check(&c->llm_opts, &err) != 0) {
		snprintf(why, n, "%s", err.msg);
		return 0;
	}
	return 1;
}

/* Remember a question and its reply for the next request's history
 * (takes reply).  0, or -1 when memory ran out (reply freed). */
static int add_history(struct chat *c, const char *q, char *reply)
{
	int i;

	if (c->nhist == CHAT_HISTORY) {
		free((char *)c->hist[0].user);
		free((char *)c->hist[0].assistant);
		for (i = 1; i < CHAT_HISTORY; i++)
			c->hist[i - 1] = c->hist[i];
		c->nhist--;
	}
	c->hist[c->nhist].user = strdup(q);
	c->hist[c->nhist].assistant = reply;
	if (c->hist[c->nhist].user == NULL) {
		free(reply);
		return -1;
	}
	c->nhist++;
	return 0;
}

/* cli_log_resume's hand-over of a resumed conversation's turns. */
static void resume_turn(void *ctx, const char *q, char *reply)
{
	add_history(ctx, q, reply);
}

static void clear_history(struct chat *c)
{
	while (c->nhist > 0) {
		c->nhist--;
		free((char *)c->hist[c->nhist].user);
		free((char *)c->hist[c->nhist].assistant);
	}
}

/* The LLM's reply to the question: as text, laid out as ask --llm lays
 * it out (the reply streamed, then the sources it may cite), or after the
 * turn's answers as {"command":"llm","reply"} with --json.  A failure is
 * one warning, and *failed stays set (as when there was nothing to
 * send): plain output then shows the retrieved
 * answers instead (JSON output has shown them already). */
static int llm_reply(struct chat *c, const char *q, const char *resolved,
		     const struct cli_result *r, int n, int *failed)
{
	struct cli_llm_opts o = c->llm_opts;
	struct qerr err = {0};
	char *reply = NULL;

	(void)resolved;
	*failed = 1;
	if (n == 0)
		return 0;
	o.stream = !c->out.json;
	cli_llm_layout(&o, &c->out);
	if (cli_llm_reply(&o, q, r, n, c->hist, c->nhist,
			  c->out.json ? NULL : c->out.fp, &reply, &err) != 0) {
		if (cli_llm_interrupted()) /* Ctrl-C or Ctrl-D: back to the prompt */
			cli_warn("LLM reply interrupted; showing the retrieved "
				 "answer");
		else
			cli_warn("LLM reply failed: %s; showing the retrieved "
				 "answer", err.msg);
		return flush_out(c);
	}
	*failed = 0;
	if (c->out.json) {
		if (json_done(c, cli_print_command_json(c->out.fp, "llm",
							"reply", reply)) != 0) {
			free(reply);
			return QERR_IO;
		}
	} else {
		if (reply[0] && reply[strlen(reply) - 1] != '\n')
			fputc('\n', c->out.fp);
		cli_print_sources(&c->out, r, n);
		fputc('\n', c->out.fp);
	}
	if (add_history(c, q, reply) == 0)
		c->turn_reply = c->hist[c->nhist - 1].assistant;
	return flush_out(c);
}

/* ---- turns ---- */

/* Write the turn to the conversation log, as print_turn showed it. */
static void log_turn(struct chat *c, const char *q, const char *resolved,
		     const struct cli_result *r, int n, int kind, int declined)
{
	struct cli_answer a;

	memset(&a, 0, sizeof(a));
	a.query = q;
	a.resolved = resolved;
	a.res = r;
	a.n = n;
	a.answered = n > 0 && (kind == FOLLOWUP_MORE || !declined);
	a.reply = c->turn_reply;
	cli_log_answer(&c->log, &a, kind, n);
}

/* Keep what a turn retrieved for /sources; takes res and resolved. */
static void remember(struct chat *c, char *resolved, struct cli_result *res,
		     int n)
{
	cli_results_clear(c->last, c->nlast);
	free(c->last);
	free(c->last_query);
	c->last = res;
	c->nlast = n;
	c->last_query = resolved;
}

/* Words (positions, stop words counted) tok gives text. */
static int on_count(void *ctx, const char *term, size_t len, const char *word,
		    int pos, int is_stop)
{
	int *n = ctx;

	(void)term, (void)len, (void)word, (void)is_stop;
	*n = pos + 1;
	return 0;
}

/* A related follow-up that names a subject of its own ("what does the
 * pooling layer do in it", "what about the adam variant") is one the
 * corpus answers by itself: then the carried topic, which follows its
 * words in resolved, weighs RANK_TOPIC_WEIGHT beside them (run->topic_pos
 * set).  One that names nothing the corpus answers alone ("why?", "and
 * its disadvantages?") carries the topic whole.  Returns 0 or an error
 * code (err set). */
static int weigh_topic(struct chat *c, const char *q, struct rank_run *run,
		       struct qerr *err)
{
	struct rank_run alone;
	int n = 0, rc;

	if (followup_content_count(q) == 0)
		return 0;
	rank_run_init(&alone, 1, c->threshold);
	rc = rank_run(c->x, c->t, &c->params, q, &alone, err);
	if (rc == 0 && !alone.declined &&
	    (rc = tok_run(c->t, q, strlen(q), on_count, &n, err)) == 0) {
		run->topic_pos = n;
		run->topic_weight = RANK_TOPIC_WEIGHT;
	}
	rank_run_clear(&alone);
	return rc;
}

/* A related follow-up that asks about another aspect ("and where is it
 * used?") is not answered again with the answer the last turn showed
 * first when that one holds none of the follow-up's own words and the
 * next one does: they swap.  (The record shown may well answer the aspect
 * too: "why is it so popular?" after "what is a GAN".)  The follow-up's
 * words are the user's terms before topic_pos. */
static void not_again(struct chat *c, const struct rank_run *run,
		      int topic_pos, struct cli_result *res, int n)
{
	struct cli_result tmp;
	uint64_t own = 0;
	int i;

	if (n < 2 || run->nhits < 2 || c->last_top < 0 ||
	    res[0].doc.id != c->last_top)
		return;
	for (i = 0; i < run->q.nterms; i++)
		if (run->q.terms[i].origin == RANK_USER &&
		    !run->q.terms[i].is_stop && run->q.terms[i].pos < topic_pos)
			own |= (uint64_t)1 << i;
	if (own == 0 || (run->hits[0].terms & own) ||
	    !(run->hits[1].terms & own))
		return;
	tmp = res[0];
	res[0] = res[1];
	res[1] = tmp;
	res[0].rank = 1;
	res[1].rank = 2;
}

/* How many words (positions, stop words counted) tok gives q. */
static int count_words(struct chat *c, const char *q)
{
	int n = 0;

	if (tok_run(c->t, q, strlen(q), on_count, &n, NULL) != 0)
		return 0;
	return n;
}

/* Answer question q (non-blank, valid UTF-8).  Returns 0, or QERR_IO when
 * output or memory failed; retrieval errors are reported and recorded in
 * c->status, and the chat goes on. */
static int turn(struct chat *c, const char *q)
{
	struct qerr err = {0};
	struct cli_result *res;
	struct rank_run run;
	char *resolved;
	int kind, first, want, n = 0, shown, declined, rc, failed;

	kind = followup_resolve(&c->topic, q, &resolved);
	if (kind < 0)
		goto oom;
	if (resolved == NULL)
		return print_turn(c, q, NULL, NULL, 0, 1, 1);
	first = kind == FOLLOWUP_MORE ? c->topic.shown : 0;
	want = first + c->top > SOURCES_MIN ? first + c->top : SOURCES_MIN;
	if ((res = calloc((size_t)want, sizeof(*res))) == NULL) {
		free(resolved);
		goto oom;
	}
	rank_run_init(&run, want, c->threshold);
	rc = kind == FOLLOWUP_RELATED ? weigh_topic(c, q, &run, &err) : 0;
	if (rc == 0)
		rc = cli_retrieve(c->x, c->t, &c->params, resolved, &run, res,
				  &n, &err);
	if (rc == 0 && kind == FOLLOWUP_RELATED)
		not_again(c, &run, count_words(c, q), res, n);
	if (rc == 0)
		rc = cli_snippets(&run.q, res, n, &c->out, c->out.json || c->llm,
				  &err);
	declined = run.declined;
	rank_run_clear(&run);
	if (rc != 0) {
		cli_fail(&err);
		if (c->status == 0)
			c->status = rc;
		free(res);
		free(resolved);
		return rc == QERR_IO ? rc : 0;
	}
	shown = n > first ? n - first : 0;
	if (shown > c->top)
		shown = c->top;
	c->last_top = shown > 0 ? res[first].doc.id : -1;
	c->turn_reply = NULL;
	failed = 1;
	if (c->llm && !c->out.json) /* the reply first, the answers if none */
		rc = llm_reply(c, q, resolved, res + first, shown, &failed);
	if (rc == 0 && failed)
		rc = print_turn(c, q, resolved, res + first, shown,
				kind == FOLLOWUP_MORE, declined);
	if (rc == 0 && c->llm && c->out.json)
		rc = llm_reply(c, q, resolved, res + first, shown, &failed);
	if (rc == 0)
		log_turn(c, q, resolved, res + first, shown, kind, declined);
	if (followup_update(&c->topic, kind, q, resolved, shown) != 0) {
		remember(c, resolved, res, n);
		goto oom;
	}
	remember(c, resolved, res, n);
	return rc;
oom:
	cli_error("out of memory");
	return QERR_IO;
}

/* ---- commands ---- */

static int do_help(struct chat *c, const char *arg);

static int do_llm(struct chat *c, const char *arg)
{
	char why[600];

	if (*arg == '\0')
		return say(c, "llm", "LLM replies are %s.",
			   c->llm ? "on" : "off");
	if (strcmp(arg, "off") == 0) {
		c->llm = 0;
		return say(c, "llm", "LLM replies are off.");
	}
	if (strcmp(arg, "on") != 0) {
		cli_error("chat: /llm takes on or off, not '%s'", arg);
		return 0;
	}
	if (!llm_ready(c, why, sizeof(why)))
		return say(c, "llm", "%s", why);
	c->llm = 1;
	return say(c, "llm", "LLM replies are on.");
}

static int do_quit(struct chat *c, const char *arg)
{
	(void)arg;
	c->quit = 1;
	return 0;
}

static int do_reset(struct chat *c, const char *arg)
{
	(void)arg;
	followup_clear(&c->topic);
	return say(c, "reset", "Topic forgotten; the next question starts afresh.");
}

static int do_sources(struct chat *c, const char *arg)
{
	int i;

	(void)arg;
	if (c->last_query == NULL)
		return say(c, "sources", "No sources yet: ask a question first.");
	if (c->out.json)
		return json_done(c, cli_print_sources_json(c->out.fp,
							   c->last_query,
							   c->last, c->nlast));
	fputs("Sources for: ", c->out.fp);
	cli_put(c->out.fp, c->last_query, TERM_NAME);
	fputc('\n', c->out.fp);
	if (c->nlast == 0)
		fprintf(c->out.fp, "  (nothing matched)\n");
	for (i = 0; i < c->nlast; i++) {
		const struct idx_doc *d = &c->last[i].doc;

		fprintf(c->out.fp, "%3d. ", c->last[i].rank);
		cli_put(c->out.fp, d->source, TERM_NAME);
		fputs(" #", c->out.fp);
		cli_put(c->out.fp, d->ext_id, TERM_NAME);
		fprintf(c->out.fp, " (line %ld)  score %.2f\n", d->line,
			c->last[i].score);
		cli_print_wrapped(&c->out, d->question, 5);
	}
	fputc('\n', c->out.fp);
	return flush_out(c);
}

static int do_top(struct chat *c, const char *arg)
{
	int v;

	if (*arg == '\0')
		return say(c, "top", "Showing %d answer%s per turn.", c->top,
			   c->top == 1 ? "" : "s");
	if ((v = parse_top(arg)) < 0) {
		cli_error("chat: /top wants a whole number in [1, %d], not '%s'",
			  MAX_TOP, arg);
		return 0;
	}
	c->top = v;
	return say(c, "top", "Showing %d answer%s per turn.", v,
		   v == 1 ? "" : "s");
}

struct chat_cmd {
	const char *name;
	int (*fn)(struct chat *c, const char *arg);
	const char *args, *summary;
};

/* Sorted by name. */
static const struct chat_cmd chat_cmds[] = {
	{"exit", do_quit, "", "leave (also /quit, Ctrl-D)"},
	{"help", do_help, "", "this list"},
	{"llm", do_llm, " on|off", "add an LLM reply to each answer"},
	{"quit", do_quit, "", "leave (also /exit, Ctrl-D)"},
	{"reset", do_reset, "", "forget the topic of the conversation"},
	{"sources", do_sources, "", "what the last turn retrieved, with scores"},
	{"top", do_top, " N", "show N answers per turn"},
};

#define NCMDS (sizeof(chat_cmds) / sizeof(*chat_cmds))

static int do_help(struct chat *c, const char *arg)
{
	struct buf b = BUF_INIT;
	char line[160];
	size_t i;
	int rc;

	(void)arg;
	buf_puts(&b, "Ask a question; follow-ups such as \"and its "
		     "advantages?\" or \"tell me more\"\nbuild on the "
		     "previous one.  Commands:\n");
	for (i = 0; i < NCMDS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "/%s%s", chat_cmds[i].name,
			 chat_cmds[i].args);
		snprintf(line, sizeof(line), "  %-12s %s%s", name,
			 chat_cmds[i].summary, i + 1 < NCMDS ? "\n" : "");
		buf_puts(&b, line);
	}
	if (b.data == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	rc = say(c, "help", "%s", b.data);
	buf_free(&b);
	return rc;
}

static int cmp_cmd(const void *key, const void *elem)
{
	return strcmp(key, ((const struct chat_cmd *)elem)->name);
}

/* Run the command in line (which starts with '/'). */
static int command(struct chat *c, char *line)
{
	const struct chat_cmd *cmd;
	char *arg = line + 1 + strcspn(line + 1, " \t");

	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	cmd = bsearch(line + 1, chat_cmds, NCMDS, sizeof(*chat_cmds),
		      cmp_cmd);
	if (cmd == NULL) {
		cli_note("unknown command '%s'; /help lists the commands", line);
		return 0;
	}
	return cmd->fn(c, arg);
}

/* help, quit and exit typed without the slash, the line that word alone:
 * nobody asks the corpus those. */
static int is_bare_command(const char *q)
{
	return strcmp(q, "help") == 0 || strcmp(q, "quit") == 0 ||
	       strcmp(q, "exit") == 0;
}

/* Handle one input line of len bytes (no newline).  Returns 0 or QERR_IO. */
static int chat_line(struct chat *c, const char *line, size_t len,
		     const char *where)
{
	size_t n;
	char *s = cli_question(line, len, where), *q;
	int rc;

	if (s == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	q = s + strspn(s, " \t\r\n");
	n = strlen(q);
	while (n > 0 && strchr(" \t\r\n", q[n - 1]))
		q[--n] = '\0';
	if (is_bare_command(q)) {
		char slashed[8];

		snprintf(slashed, sizeof(slashed), "/%s", q);
		rc = command(c, slashed);
	} else {
		rc = n == 0 ? 0 : q[0] == '/' ? command(c, q) : turn(c, q);
	}
	free(s);
	return rc;
}

/* ---- stdin, one question per line ---- */

static int chat_stdin(struct chat *c)
{
	char *line = NULL, where[64];
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	for (;;) {
		idx_pause(c->x); /* an update may commit between questions */
		if (rc != 0 || c->quit ||
		    (len = getline(&line, &cap, stdin)) == -1)
			break;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		snprintf(where, sizeof(where), "stdin:%ld", lineno);
		rc = chat_line(c, line, (size_t)len, where);
	}
	free(line);
	if (rc == 0 && ferror(stdin)) {
		cli_error("reading stdin failed");
		rc = QERR_IO;
	}
	return rc;
}

/* ---- the terminal: libedit and its history file ---- */

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static char *prompt(EditLine *el)
{
	(void)el;
	return (char *)PROMPT;
}

/* $XDG_STATE_HOME/quarry/history, else ~/.local/state/quarry/history.
 * NULL when neither is known or memory runs out.  Caller frees. */
static char *history_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (xdg && *xdg == '/') {
		buf_puts(&b, xdg);
	} else if (home && *home) {
		buf_puts(&b, home);
		buf_puts(&b, "/.local/state");
	} else {
		return NULL;
	}
	if (buf_puts(&b, "/quarry/history") != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}


/* Write the history to path atomically, mode 0600.  0 or -1, errno set. */
static int history_write(History *h, const char *path)
{
	HistEvent ev;
	struct buf tmp = BUF_INIT;
	FILE *fp = NULL;
	int fd = -1, rc = -1, e = 0;

	if (fio_mkdir_parents(path, 0700, NULL) != 0)
		return -1;
	if (buf_puts(&tmp, path) != 0 || buf_puts(&tmp, ".tmp") != 0) {
		buf_free(&tmp);
		errno = ENOMEM;
		return -1;
	}
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && (fp = fdopen(fd, "w")) == NULL)
		close(fd);
	if (fp != NULL) {
		errno = 0;
		rc = history(h, &ev, H_SAVE_FP, fp) < 0 ? -1 : 0;
		e = errno;
		if (fclose(fp) != 0 && rc == 0) {
			rc = -1;
			e = errno;
		}
		if (rc == 0 && rename(tmp.data, path) != 0) {
			rc = -1;
			e = errno;
		}
		if (rc != 0)
			unlink(tmp.data);
	} else {
		e = errno;
	}
	buf_free(&tmp);
	errno = e ? e : EIO;
	return rc;
}

static History *history_open(const char *path)
{
	History *h = history_init();
	HistEvent ev;
	struct stat st;

	if (h == NULL)
		return NULL;
	history(h, &ev, H_SETSIZE, HISTORY_SIZE);
	/* A FIFO or device there would hang the load: regular files only. */
	if (path && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		cli_warn("history %s is not a regular file; not read", path);
	else if (path && access(path, F_OK) == 0 &&
		 history(h, &ev, H_LOAD, path) < 0)
		cli_warn("cannot read history from %s", path);
	return h;
}

/* Read lines with libedit until EOF or /quit. */
static int chat_tty(struct chat *c)
{
	struct sigaction sa, old;
	char *hpath = history_path();
	History *h = history_open(hpath);
	EditLine *el = el_init(cli_progname, stdin, stdout, stderr);
	HistEvent ev;
	int rc = 0, count;

	if (h == NULL || el == NULL) {
		if (el)
			el_end(el);
		if (h)
			history_end(h);
		free(hpath);
		cli_error("cannot start line editing");
		return QERR_IO;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint; /* no SA_RESTART: el_gets returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_SIGNAL, 1); /* libedit restores the tty on ^Z, resizes */
	el_set(el, EL_HIST, history, h);
	el_set(el, EL_PROMPT, prompt);
	/* Ctrl-L clears the screen and redraws the line being typed, as in
	 * a shell (before ~/.editrc, which may bind it otherwise). */
	el_set(el, EL_BIND, "^L", "ed-clear-screen", NULL);
	el_source(el, NULL); /* ~/.editrc */
	c->llm_opts.eof_cancels = 1; /* Ctrl-D during a request cancels it */
	if (!c->out.json)
		printf("Ask a question (/help for commands, Ctrl-D to leave).\n");
	while (rc == 0 && !c->quit) {
		const char *line;
		size_t len;

		got_sigint = 0;
		errno = 0;
		idx_pause(c->x);
		line = el_gets(el, &count);
		if (line == NULL && count < 0 && errno == EINTR) {
			if (got_sigint) { /* ^C: drop the line, fresh prompt */
				fputc('\n', stdout);
				fflush(stdout);
				el_reset(el);
			}
			continue;
		}
		if (line == NULL || count <= 0) {
			fputc('\n', stdout); /* EOF: end the prompt's line */
			break;
		}
		len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (strspn(line, " \t\r\n") < len) {
			char *entry = strndup(line, len);

			if (entry)
				history(h, &ev, H_ENTER, entry);
			free(entry);
		}
		rc = chat_line(c, line, len, "input");
	}
	el_end(el);
	sigaction(SIGINT, &old, NULL);
	if (hpath == NULL)
		cli_warn("history not saved: neither XDG_STATE_HOME nor HOME "
			 "is set");
	else if (history_write(h, hpath) != 0)
		cli_warn("cannot save history to %s: %s", hpath,
			 strerror(errno));
	history_end(h);
	free(hpath);
	return rc;
}

int cmd_chat(int argc, char **argv)
{
	struct chat c;
	const char *db = NULL;
	int rc, full;

	memset(&c, 0, sizeof(c));
	followup_init(&c.topic);
	c.last_top = -1;
	rc = parse_opts(argc, argv, &c, &db);
	if (rc != 0)
		return rc < 0 ? QERR_OK : rc;
	if (c.llm) {
		char why[600];

		if (!llm_ready(&c, why, sizeof(why))) {
			cli_warn("%s; LLM replies are off", why);
			c.llm = 0;
		}
	}
	if ((rc = cli_open_index(db, &c.x)) != 0)
		return rc;
	cli_log_init(&c.log, "chat", c.log.off);
	if (c.resume || c.resume_cid) {
		int nex;

		rc = cli_log_resume(&c.log, c.resume_cid, &c.topic,
				    CHAT_HISTORY, resume_turn, &c, &nex);
		if (rc == 0 && !c.out.json && isatty(STDIN_FILENO) &&
		    isatty(STDOUT_FILENO))
			printf("Continuing conversation %ld (%d exchange%s).\n",
			       c.log.cid, nex, nex == 1 ? "" : "s");
	}
	if (rc != 0) {
		/* (nothing to continue: said; the chat does not start) */
	} else if ((c.t = cli_query_tok()) == NULL) {
		cli_error("out of memory");
		rc = QERR_IO;
	} else {
		full = c.out.full;
		cli_out_init(&c.out, stdout, c.out.json);
		c.out.full = full;
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			rc = chat_tty(&c);
		else
			rc = chat_stdin(&c);
	}
	remember(&c, NULL, NULL, 0);
	cli_log_close(&c.log);
	clear_history(&c);
	followup_clear(&c.topic);
	tok_free(c.t);
	idx_close(c.x);
	return rc ? rc : c.status;
}
