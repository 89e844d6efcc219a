/* llm_glue.c - between retrieval and the optional LLM client: load the
 * configuration, turn results into numbered context, stream or collect the
 * reply.  Built without the client (WITH_LLM=0) it says so.  Only this
 * file and llm/ know the client exists. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#if WITH_LLM
#include "../llm/llm.h"

struct stream_ctx {
	FILE *fp;
	int wrote;
};

static int on_text(void *ctx, const char *text, size_t len)
{
	struct stream_ctx *c = ctx;

	if (fwrite(text, 1, len, c->fp) != len || fflush(c->fp) != 0)
		return 1; /* aborts the request */
	c->wrote = 1;
	return 0;
}

/* Load the configuration and apply the command line's overrides. */
static int load_config(const struct cli_llm_opts *o, struct llm_config *cfg,
		       struct qerr *err)
{
	char *warning = NULL;
	int rc = llm_config_load(cfg, &warning, err);

	if (warning) {
		cli_warn("%s", warning);
		free(warning);
	}
	if (rc != 0)
		return rc;
	if (o->url) {
		free(cfg->url);
		cfg->url = strdup(o->url);
	}
	if (o->model) {
		free(cfg->model);
		cfg->model = strdup(o->model);
	}
	if (o->budget > 0)
		cfg->context_budget = (size_t)o->budget;
	if ((o->url && !cfg->url) || (o->model && !cfg->model))
		return qerr_set(err, QERR_IO, "out of memory");
	if (!llm_configured(cfg) && !o->dry_run)
		return qerr_set(err, QERR_USAGE,
				"no LLM endpoint configured (set QUARRY_LLM_URL "
				"or url in the config file)");
	return 0;
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
	struct stream_ctx sc = {stream, 0};
	int i, rc;

	*reply = NULL;
	memset(&cfg, 0, sizeof(cfg));
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
	rc = load_config(o, &cfg, err);
	if (rc == 0 && o->dry_run) {
		*reply = llm_request_body(&cfg, &req);
		if (*reply == NULL)
			rc = qerr_set(err, QERR_IO, "out of memory");
	} else if (rc == 0) {
		rc = llm_complete(&cfg, &req, req.stream ? on_text : NULL, &sc,
				  &out, err);
		if (rc == 0)
			*reply = buf_detach(&out);
		else if (sc.wrote)
			fputc('\n', stream); /* end the cut-off reply's line */
	}
	buf_free(&out);
	llm_config_free(&cfg);
	free(e);
	free(label);
	free(t);
	return rc;
}

#else /* !WITH_LLM */

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
