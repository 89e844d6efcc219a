/* log.c - write each exchange to the conversation log, resume a
 * conversation from it, and read the config file's shared settings
 * (`log`, and which keys exist at all). */
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "../util/fileio.h"
#include "convlog.h"
#if WITH_LLM
#include "../llm/llm.h"
#endif

/* ---- the config file ---- */

/* Top-level keys other parts of quarry read (the LLM's are llm/'s). */
static const char *const top_keys[] = {
	"convert_max_mb", "convert_timeout", "default", "log",
};

static int llm_key(const char *key)
{
#if WITH_LLM
	return llm_config_key_known(key);
#else
	static const char *const keys[] = {
		"url", "model", "api_key", "key_env", "connect_timeout",
		"stall_timeout", "total_timeout", "retries", "context_budget",
		"system_prompt",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
#endif
}

static int known(const struct conf_entry *e)
{
	size_t i;

	if (llm_key(e->key))
		return 1;
	if (e->section != NULL)
		return 0;
	if (strncmp(e->key, "convert.", 8) == 0)
		return 1;
	for (i = 0; i < sizeof(top_keys) / sizeof(*top_keys); i++)
		if (strcmp(e->key, top_keys[i]) == 0)
			return 1;
	return 0;
}

const struct conffile *cli_config_file(void)
{
	static struct conffile *cf;
	static int loaded;
	char *path;
	int i;

	if (loaded)
		return cf;
	loaded = 1;
	if ((path = fio_config_path()) == NULL)
		return NULL;
	if (conf_load(path, &cf, NULL) != 0)
		cf = NULL;
	free(path);
	for (i = 0; cf && i < cf->n; i++)
		if (!known(&cf->e[i]))
			cli_warn("%s:%d: unknown key '%s'%s ignored", cf->shown,
				 cf->e[i].line, cf->e[i].key,
				 cf->e[i].section ? " in a profile;" : ";");
	return cf;
}

/* `log = on|off` (default on); a bad value is warned about once. */
static int log_setting_on(void)
{
	const struct conf_entry *e = conf_get(cli_config_file(), NULL, "log");
	static int warned;

	if (e == NULL || strcmp(e->value, "on") == 0)
		return 1;
	if (strcmp(e->value, "off") == 0)
		return 0;
	if (!warned)
		cli_warn("%s:%d: log is on or off, not '%s'; the log stays on",
			 cli_config_file()->shown, e->line, e->value);
	warned = 1;
	return 1;
}

/* ---- writing ---- */

void cli_log_init(struct cli_log *lg, const char *command, int no_log)
{
	memset(lg, 0, sizeof(*lg));
	lg->command = command;
	lg->off = no_log || !log_setting_on();
}

/* One warning, and no more writing this run. */
static void give_up(struct cli_log *lg, const struct qerr *err)
{
	cli_warn("conversation log not written: %s", err->msg);
	clog_close(lg->db);
	lg->db = NULL;
	lg->off = 1;
}

/* Open the log if it is not open yet.  0, or -1 after give_up. */
static int ensure_open(struct cli_log *lg)
{
	struct qerr err = {0};
	char *path;

	if (lg->db != NULL)
		return 0;
	if ((path = clog_default_path()) == NULL) {
		qerr_set(&err, QERR_IO, "neither XDG_STATE_HOME nor HOME is "
			 "set");
		give_up(lg, &err);
		return -1;
	}
	if (clog_open(path, &lg->db, &err) != 0) {
		free(path);
		give_up(lg, &err);
		return -1;
	}
	free(path);
	return 0;
}

void cli_log_answer(struct cli_log *lg, const struct cli_answer *a, int kind,
		    int shown)
{
	struct clog_hit small[8], *h = small;
	struct clog_exchange e;
	struct qerr err = {0};
	int i;

	if (lg == NULL || lg->off || ensure_open(lg) != 0)
		return;
	if (a->n > (int)(sizeof(small) / sizeof(*small)) &&
	    (h = calloc((size_t)a->n, sizeof(*h))) == NULL) {
		qerr_set(&err, QERR_IO, "out of memory");
		give_up(lg, &err);
		return;
	}
	for (i = 0; i < a->n; i++) {
		h[i].rank = a->res[i].rank;
		h[i].id = a->res[i].doc.ext_id;
		h[i].source = a->res[i].doc.source;
		h[i].line = a->res[i].doc.line;
		h[i].score = a->res[i].score;
	}
	memset(&e, 0, sizeof(e));
	e.cid = lg->cid;
	e.command = lg->command;
	e.question = a->query;
	/* (ask searches what was asked; chat says what it searched) */
	e.resolved = a->resolved ? (a->resolved[0] ? a->resolved : NULL)
				 : a->query;
	e.kind = kind;
	e.shown = shown;
	e.answered = a->answered;
	e.reply = a->reply;
	e.model = a->reply ? cli_llm_model() : NULL;
	e.hits = h;
	e.nhits = a->n;
	if (clog_add(lg->db, &e, &err) != 0)
		give_up(lg, &err);
	else
		lg->cid = e.cid;
	if (h != small)
		free(h);
}

void cli_log_close(struct cli_log *lg)
{
	if (lg == NULL)
		return;
	clog_close(lg->db);
	lg->db = NULL;
}

/* ---- resuming ---- */

struct replay {
	struct followup *topic;
	int max, n, oom;
	/* the last max question/reply pairs, a ring */
	char **q, **reply;
	int nturns;
};

static int replay_one(void *ctx, const struct clog_exchange *e)
{
	struct replay *r = ctx;
	int slot;

	r->n++;
	if (e->resolved != NULL &&
	    followup_update(r->topic, e->kind, e->question, e->resolved,
			    e->shown) != 0)
		return r->oom = 1;
	if (e->reply == NULL || r->max == 0)
		return 0;
	slot = r->nturns % r->max;
	free(r->q[slot]);
	free(r->reply[slot]);
	r->q[slot] = strdup(e->question);
	r->reply[slot] = strdup(e->reply);
	r->nturns++;
	if (r->q[slot] == NULL || r->reply[slot] == NULL)
		return r->oom = 1;
	return 0;
}

int cli_log_resume(struct cli_log *lg, long cid, struct followup *topic,
		   int max, void (*add)(void *ctx, const char *q, char *reply),
		   void *ctx, int *nex)
{
	struct clog_filter f = {0, NULL, 0};
	struct replay r;
	struct qerr err = {0};
	int rc, i, first;
	long has;

	*nex = 0;
	if (lg->off) {
		cli_error("%s: the conversation log is off (--no-log or log = "
			  "off), so there is nothing to continue", lg->command);
		return QERR_USAGE;
	}
	if (ensure_open(lg) != 0)
		return QERR_IO;
	has = cid == 0 ? clog_last_cid(lg->db, &err)
		       : clog_has_cid(lg->db, cid, &err);
	if (has < 0) {
		cli_error("%s", err.msg);
		return err.code ? err.code : QERR_IO;
	}
	if (has == 0) {
		if (cid == 0)
			cli_error("%s: no conversation to continue yet",
				  lg->command);
		else
			cli_error("%s: no conversation %ld in the log",
				  lg->command, cid);
		return QERR_USAGE;
	}
	f.cid = cid == 0 ? has : cid;
	memset(&r, 0, sizeof(r));
	r.topic = topic;
	r.max = max;
	r.q = calloc((size_t)max + 1, sizeof(*r.q));
	r.reply = calloc((size_t)max + 1, sizeof(*r.reply));
	rc = r.q && r.reply ? clog_list(lg->db, &f, replay_one, &r, &err)
			    : qerr_set(&err, QERR_IO, "out of memory");
	if (r.oom)
		rc = qerr_set(&err, QERR_IO, "out of memory");
	first = r.nturns > max ? r.nturns - max : 0;
	for (i = first; i < r.nturns; i++) {
		int slot = i % max;

		if (rc == 0) {
			add(ctx, r.q[slot], r.reply[slot]);
			r.reply[slot] = NULL;
		}
	}
	for (i = 0; r.q && r.reply && i < max; i++) {
		free(r.q[i]);
		free(r.reply[i]);
	}
	free(r.q);
	free(r.reply);
	if (rc != 0) {
		cli_error("%s", err.msg);
		return rc;
	}
	lg->cid = f.cid;
	*nex = r.n;
	return 0;
}
