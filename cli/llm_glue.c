/* llm_glue.c - between retrieval and the optional LLM client: load the
 * configuration, turn results into numbered context, stream or collect the
 * reply.  The reply reaches the terminal through util/term's stream
 * sanitizer; Ctrl-C (and in chat Ctrl-D) cancels a request in flight.
 * Built without the client (WITH_LLM=0) it says so.  Only this file and
 * llm/ know the client exists. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "render.h"

static int last_interrupted;
static char last_model[256];
static int last_unconfigured = !WITH_LLM; /* built without: never */

int cli_llm_unconfigured(void)
{
	return last_unconfigured;
}

int cli_llm_interrupted(void)
{
	return last_interrupted;
}

const char *cli_llm_model(void)
{
	return last_model;
}

#if WITH_LLM
#include "../llm/llm.h"

struct stream_ctx {
	FILE *fp;
	int wrote;
	struct term_stream term; /* escape sequences cut between chunks */
	struct buf clean;
	int render;              /* laid out for a terminal (render.h) */
	struct cli_render out;
	int waiting;             /* the "waiting for" line is on stderr */
};

/* "waiting for MODEL..." on stderr, a terminal, until the first words of
 * the reply arrive (or the request ends): then it is erased. */
static void wait_show(struct stream_ctx *c, const char *model)
{
	if (!isatty(STDERR_FILENO))
		return;
	fputs("waiting for ", stderr);
	cli_put(stderr, model && *model ? model : "the LLM", TERM_NAME);
	fputs("...", stderr);
	fflush(stderr);
	c->waiting = 1;
}

static void wait_erase(struct stream_ctx *c)
{
	if (!c->waiting)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	c->waiting = 0;
}

/* Clean text on its way out: laid out, or as it came. */
static int put_text(struct stream_ctx *c)
{
	if (c->render)
		return cli_render_feed(&c->out, c->clean.data, c->clean.len);
	return fwrite(c->clean.data, 1, c->clean.len, c->fp) == c->clean.len
		       ? 0
		       : -1;
}

static int on_text(void *ctx, const char *text, size_t len)
{
	struct stream_ctx *c = ctx;

	wait_erase(c);
	buf_reset(&c->clean);
	if (term_stream_feed(&c->term, &c->clean, text, len) != 0)
		return 1;
	if (put_text(c) != 0 || fflush(c->fp) != 0)
		return 1; /* aborts the request */
	c->wrote = 1;
	return 0;
}

/* The end of a streamed reply: a UTF-8 sequence cut short is shown. */
static void stream_end(struct stream_ctx *c)
{
	buf_reset(&c->clean);
	if (term_stream_end(&c->term, &c->clean) == 0 && c->clean.len > 0)
		put_text(c);
	if (c->render)
		cli_render_end(&c->out);
	buf_free(&c->clean);
}

/* ---- cancelling a request from the keyboard ----
 *
 * While a request runs, SIGINT sets a flag the client polls from libcurl's
 * progress callback (about once a second).  In chat on a terminal Ctrl-D
 * should cancel too, but the line discipline reads it as end of input only
 * when something reads the terminal; so for the while the terminal's QUIT
 * character is set to its EOF character, and SIGQUIT sets the same flag.
 * SA_RESTART keeps the reply's writes from failing with EINTR; libcurl's
 * poll() returns early anyway. */
static volatile sig_atomic_t cancel_flag;

static void on_cancel(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

struct guard {
	struct sigaction old_int, old_quit;
	struct termios saved;
	int tty; /* the terminal's QUIT character was changed */
};

static void guard_on(struct guard *g, int eof_cancels)
{
	struct sigaction sa;
	struct termios t;

	cancel_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_cancel;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* an ignored SIGINT (a background job) stays ignored */
	sigaction(SIGINT, NULL, &g->old_int);
	if (g->old_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	g->tty = 0;
	if (eof_cancels && tcgetattr(STDIN_FILENO, &g->saved) == 0) {
		sigaction(SIGQUIT, &sa, &g->old_quit);
		t = g->saved;
		t.c_cc[VQUIT] = t.c_cc[VEOF];
		t.c_lflag |= ISIG;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
			g->tty = 1;
		else
			sigaction(SIGQUIT, &g->old_quit, NULL);
	}
}

static void guard_off(struct guard *g)
{
	if (g->tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &g->saved);
		sigaction(SIGQUIT, &g->old_quit, NULL);
	}
	sigaction(SIGINT, &g->old_int, NULL);
	last_interrupted = cancel_flag != 0;
}

/* Replace *slot with a copy of v, noting where it came from. */
static int override(char **slot, const char *v, char *from, const char *flag)
{
	char *copy = strdup(v);

	if (copy == NULL)
		return -1;
	free(*slot);
	*slot = copy;
	snprintf(from, LLM_FROM_SIZE, "flag %s", flag);
	return 0;
}

/* Load the configuration (warning about unknown keys in the file) and
 * apply the command line's overrides. */
static int load_config(const struct cli_llm_opts *o, struct llm_config *cfg,
		       struct qerr *err)
{
	static int warned;
	char *warning = NULL;
	int rc;

	last_unconfigured = 0;
	cli_config_file();
	rc = llm_config_load_profile(cfg, o->profile, &warning, err);
	if (warning && !warned) /* (once, however often it is loaded) */
		cli_warn("%s", warning);
	warned |= warning != NULL;
	free(warning);
	if (rc != 0)
		return rc;
	if ((o->url && override(&cfg->url, o->url, cfg->from[LLM_S_URL],
				"--llm-url")) ||
	    (o->model && override(&cfg->model, o->model,
				  cfg->from[LLM_S_MODEL], "--llm-model")))
		return qerr_set(err, QERR_IO, "out of memory");
	if (o->budget > 0) {
		cfg->context_budget = (size_t)o->budget;
		strcpy(cfg->from[LLM_S_CONTEXT_BUDGET], "flag --context-budget");
	}
	if (o->timeout_ms >= 0) {
		cfg->total_timeout_ms = o->timeout_ms;
		strcpy(cfg->from[LLM_S_TOTAL_TIMEOUT], "flag --llm-timeout");
	}
	if (!llm_configured(cfg) && !o->dry_run) {
		last_unconfigured = 1;
		return qerr_set(err, QERR_USAGE,
				"no LLM endpoint configured (set QUARRY_LLM_URL "
				"or url in the config file)");
	}
	if ((cfg->model == NULL || cfg->model[0] == '\0') && !o->dry_run)
		return qerr_set(err, QERR_USAGE,
				"no LLM model set (--llm-model, QUARRY_LLM_MODEL "
				"or model in the config file)");
	return 0;
}

int cli_llm_settings(const struct cli_llm_opts *o,
		     void (*row)(void *ctx, const char *name,
				 const char *value, const char *from),
		     void *ctx, struct qerr *err)
{
	static const char *const names[LLM_S_COUNT] = {
		"url", "model", "api_key", "connect_timeout", "stall_timeout",
		"total_timeout", "retries", "context_budget", "system_prompt",
	};
	struct cli_llm_opts all = *o;
	struct llm_config cfg;
	char v[LLM_S_COUNT][64];
	const char *val[LLM_S_COUNT];
	int rc, i;

	all.dry_run = 1; /* (show what is set, even if it is not enough) */
	rc = load_config(&all, &cfg, err);
	if (rc == 0) {
		llm_key_mask(cfg.key, v[LLM_S_KEY], sizeof(v[0]));
		snprintf(v[LLM_S_CONNECT_TIMEOUT], sizeof(v[0]), "%g",
			 cfg.connect_timeout_ms / 1000.0);
		snprintf(v[LLM_S_STALL_TIMEOUT], sizeof(v[0]), "%g",
			 cfg.stall_timeout_ms / 1000.0);
		snprintf(v[LLM_S_TOTAL_TIMEOUT], sizeof(v[0]), "%g",
			 cfg.total_timeout_ms / 1000.0);
		snprintf(v[LLM_S_RETRIES], sizeof(v[0]), "%d", cfg.max_retries);
		snprintf(v[LLM_S_CONTEXT_BUDGET], sizeof(v[0]), "%zu",
			 cfg.context_budget);
		val[LLM_S_URL] = cfg.url ? cfg.url : "";
		val[LLM_S_MODEL] = cfg.model ? cfg.model : "";
		val[LLM_S_SYSTEM_PROMPT] =
			cfg.system_prompt ? cfg.system_prompt : "(built-in)";
		for (i = 0; i < LLM_S_COUNT; i++) {
			if (i != LLM_S_URL && i != LLM_S_MODEL &&
			    i != LLM_S_SYSTEM_PROMPT)
				val[i] = v[i];
		}
		row(ctx, "profile", cfg.profile ? cfg.profile : "",
		    cfg.profile ? (o->profile ? "flag --profile"
				   : getenv("QUARRY_PROFILE") &&
						   *getenv("QUARRY_PROFILE")
					   ? "env QUARRY_PROFILE"
					   : "config default")
				: "default");
		for (i = 0; i < LLM_S_COUNT; i++)
			row(ctx, names[i], val[i], cfg.from[i]);
	}
	llm_config_free(&cfg);
	return rc;
}

int cli_llm_check(const struct cli_llm_opts *o, struct qerr *err)
{
	struct llm_config cfg;
	struct cli_llm_opts strict = *o;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	strict.dry_run = 0;
	rc = load_config(&strict, &cfg, err);
	llm_config_free(&cfg);
	return rc;
}

int cli_llm_reply(const struct cli_llm_opts *o, const char *question,
		  const struct cli_result *res, int n,
		  const struct cli_llm_turn *hist, int nhist, FILE *stream,
		  char **reply, struct qerr *err)
{
	struct llm_config cfg;
	struct llm_entry *e = calloc((size_t)n + 1, sizeof(*e));
	char (*label)[16] = calloc((size_t)n + 1, sizeof(*label));
	struct llm_turn *t = calloc((size_t)nhist + 1, sizeof(*t));
	struct llm_request req = {0};
	struct buf out = BUF_INIT;
	struct stream_ctx sc;
	struct guard g;
	int i, rc;

	*reply = NULL;
	last_interrupted = 0;
	memset(&cfg, 0, sizeof(cfg));
	memset(&sc, 0, sizeof(sc));
	sc.fp = stream;
	sc.term = (struct term_stream)TERM_STREAM_INIT(TERM_TEXT);
	sc.clean = (struct buf)BUF_INIT;
	sc.render = stream && (o->width > 0 || o->markdown);
	if (sc.render)
		cli_render_init(&sc.out, stream, o->width, o->markdown);
	if (e == NULL || t == NULL || label == NULL) {
		free(e);
		free(label);
		free(t);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	/* Labels are the results' ranks, unique in a request (record ids
	 * repeat across files), as the Sources lists show them. */
	for (i = 0; i < n; i++) {
		snprintf(label[i], sizeof(label[i]), "%d", res[i].rank);
		e[i].id = label[i];
		e[i].question = res[i].doc.question;
		e[i].answer = res[i].doc.answer;
		e[i].source = res[i].doc.source;
		e[i].line = res[i].doc.line;
		e[i].snippet = res[i].snip.text && !res[i].snip.whole
				       ? res[i].snip.text
				       : NULL;
	}
	for (i = 0; i < nhist; i++) {
		t[i].user = hist[i].user;
		t[i].assistant = hist[i].assistant;
	}
	req.question = question;
	req.entries = e;
	req.nentries = n;
	req.history = t;
	req.nhistory = nhist;
	req.stream = o->stream && (stream != NULL || o->dry_run);
	req.cancel = &cancel_flag;
	rc = load_config(o, &cfg, err);
	snprintf(last_model, sizeof(last_model), "%s",
		 cfg.model ? cfg.model : "");
	if (rc == 0 && o->dry_run) {
		*reply = llm_request_body(&cfg, &req);
		if (*reply == NULL)
			rc = qerr_set(err, QERR_IO, "out of memory");
	} else if (rc == 0) {
		guard_on(&g, o->eof_cancels);
		wait_show(&sc, cfg.model);
		rc = llm_complete(&cfg, &req, req.stream ? on_text : NULL, &sc,
				  &out, err);
		wait_erase(&sc);
		guard_off(&g);
		if (sc.wrote)
			stream_end(&sc);
		else if (sc.render)
			cli_render_end(&sc.out);
		if (rc == 0)
			*reply = buf_detach(&out);
		else if (sc.wrote)
			fputc('\n', stream); /* end the cut-off reply's line */
	}
	buf_free(&out);
	buf_free(&sc.clean);
	llm_config_free(&cfg);
	free(e);
	free(label);
	free(t);
	return rc;
}

#else /* !WITH_LLM */

int cli_llm_settings(const struct cli_llm_opts *o,
		     void (*row)(void *ctx, const char *name,
				 const char *value, const char *from),
		     void *ctx, struct qerr *err)
{
	(void)o;
	(void)row;
	(void)ctx;
	return qerr_set(err, QERR_USAGE,
			"quarry was built without LLM support (make WITH_LLM=1)");
}

int cli_llm_check(const struct cli_llm_opts *o, struct qerr *err)
{
	(void)o;
	return qerr_set(err, QERR_USAGE,
			"quarry was built without LLM support (make WITH_LLM=1)");
}

int cli_llm_reply(const struct cli_llm_opts *o, const char *question,
		  const struct cli_result *res, int n,
		  const struct cli_llm_turn *hist, int nhist, FILE *stream,
		  char **reply, struct qerr *err)
{
	(void)o;
	(void)question;
	(void)res;
	(void)n;
	(void)hist;
	(void)nhist;
	(void)stream;
	*reply = NULL;
	return qerr_set(err, QERR_USAGE,
			"quarry was built without LLM support (make WITH_LLM=1)");
}

#endif
