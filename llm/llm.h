/* llm.h - optional client for an OpenAI-compatible chat-completions endpoint.
 *
 * The client is only reached when the user asks for an LLM reply; libcurl is
 * loaded with dlopen() on first use so the offline path never pays for it.
 * jansson objects never leave this module.
 *
 * Ownership: strings in struct llm_config are owned by the config and freed
 * by llm_config_free.  Returned char * are the caller's to free(). */
#ifndef QUARRY_LLM_H
#define QUARRY_LLM_H

#include <signal.h>
#include <stddef.h>

#include "../util/buf.h"
#include "../util/err.h"

/* The settings a config carries, for struct llm_config's from[]. */
enum llm_setting {
	LLM_S_URL,
	LLM_S_MODEL,
	LLM_S_KEY,
	LLM_S_CONNECT_TIMEOUT,
	LLM_S_STALL_TIMEOUT,
	LLM_S_TOTAL_TIMEOUT,
	LLM_S_RETRIES,
	LLM_S_CONTEXT_BUDGET,
	LLM_S_SYSTEM_PROMPT,
	LLM_S_COUNT
};

/* Where a setting's value came from, for `quarry config`: "default",
 * "config FILE:LINE", "profile NAME in FILE:LINE", "env VAR",
 * "flag --OPTION". */
#define LLM_FROM_SIZE 160

struct llm_config {
	char *url;             /* base URL, e.g. http://localhost:11434/v1 */
	char *model;           /* model name */
	char *key;             /* API key or NULL; never printed */
	long connect_timeout_ms; /* default 5000; 0: libcurl's default */
	long stall_timeout_ms;   /* no byte for this long aborts; default 30000;
				  * checked about once a second; 0: never */
	long total_timeout_ms;   /* the whole request, retries and their
				  * waits included, ends after this long;
				  * default 120000; 0: never */
	int max_retries;         /* on 429/5xx; default 3 */
	size_t context_budget;   /* max bytes of context; default 6000: spent
				    on snippets first, then whole texts */
	char *system_prompt;     /* replaces the built-in one; NULL: built-in */
	char *profile;           /* the profile used, or NULL */
	char from[LLM_S_COUNT][LLM_FROM_SIZE]; /* where each setting came from */
};

/* One retrieved record offered to the model as numbered context: its
 * label, where it comes from (source:line), its question or title, and
 * its text, whole or as a snippet. */
struct llm_entry {
	const char *id; /* shown to the model as [id]; unique per request */
	const char *question;
	const char *answer;
	const char *source;  /* may be NULL */
	long line;           /* of the record in source; 0: not shown */
	const char *snippet; /* a short extract of answer, or NULL */
};

/* One earlier conversation turn (chat). */
struct llm_turn {
	const char *user;
	const char *assistant;
};

struct llm_request {
	const char *question;
	const struct llm_entry *entries;
	int nentries;
	const struct llm_turn *history; /* may be NULL */
	int nhistory;
	int stream; /* 1: stream SSE and call on_text as text arrives */
	/* When non-NULL, the request gives up soon (within about a second)
	 * after *cancel becomes non-zero, e.g. from a SIGINT handler. */
	const volatile sig_atomic_t *cancel;
};

/* Receives reply text as it arrives. Return non-zero to abort. */
typedef int (*llm_text_fn)(void *ctx, const char *text, size_t len);

/* Fill cfg, later layers winning: defaults; the config file's top-level
 * settings ($XDG_CONFIG_HOME/quarry/config, else ~/.config/quarry/config);
 * a profile, the file's [NAME] section, chosen by profile (the --profile
 * flag), else $QUARRY_PROFILE, else the file's `default = NAME`; the
 * environment (QUARRY_LLM_URL, else OPENAI_BASE_URL; QUARRY_LLM_MODEL;
 * OPENAI_API_KEY).  Flags are applied by the caller afterwards.  Keys:
 * url, model, api_key, key_env (the name of a variable holding the key),
 * connect_timeout, stall_timeout, total_timeout (seconds), retries,
 * context_budget (bytes), system_prompt.  A config file readable by
 * group/others that holds a key is refused: its key is ignored and
 * *warning receives a message (caller frees).  Returns QERR_OK,
 * QERR_DATA/QERR_IO for an unreadable or malformed file, or QERR_USAGE
 * for a profile the file does not have.  Unknown keys are ignored here.
 * cfg is initialised even on failure, so llm_config_free(cfg) is always
 * right. */
int llm_config_load_profile(struct llm_config *cfg, const char *profile,
			    char **warning, struct qerr *err);
/* llm_config_load_profile with no --profile. */
int llm_config_load(struct llm_config *cfg, char **warning, struct qerr *err);
/* Whether key is one of the settings above (a profile may hold it). */
int llm_config_key_known(const char *key);
/* The key as it may be shown: "sk-...WXYZ" (its first three bytes when
 * they end in '-', and its last four) for a key of 12 bytes or more,
 * else "***"; "" for none.  Written to out (at least 16 bytes). */
void llm_key_mask(const char *key, char *out, size_t size);
void llm_config_free(struct llm_config *cfg);

/* Non-zero when an endpoint is configured (cfg->url set). */
int llm_configured(const struct llm_config *cfg);

/* The exact JSON request body that would be POSTed (the key is never part
 * of it). NULL on out-of-memory. Caller frees. */
char *llm_request_body(const struct llm_config *cfg,
		       const struct llm_request *req);

/* POST {url}/chat/completions.  With req->stream, text is passed to on_text
 * as it arrives (without it, or when the server answers with plain JSON,
 * on_text gets the whole text in one call); on_text may be NULL.  The
 * reply text is also appended to reply (may be NULL); after a failure it
 * holds whatever text arrived.  Returns QERR_USAGE when cfg has no url.
 * A non-zero return from on_text aborts with QERR_IO "reply aborted";
 * req->cancel aborts with QERR_IO "interrupted"; the total timeout with
 * QERR_IO "no complete reply within N s (total timeout)".  Every buffer
 * fed by the network is capped (an event, a reply, an error body).  An
 * API key of 8 bytes or more that the server echoes is replaced by
 * "[redacted]" in the text given to on_text and reply, even when split
 * between chunks.
 * Retries 429/5xx with backoff honouring Retry-After; no retry on other
 * 4xx.  On failure returns QERR_IO (network, timeout, HTTP error, cut
 * stream) or QERR_DATA (malformed reply) with the server's own message in
 * err when it gave one; the key never appears in err. */
int llm_complete(const struct llm_config *cfg, const struct llm_request *req,
		 llm_text_fn on_text, void *ctx, struct buf *reply,
		 struct qerr *err);

/* Incremental SSE parser for streamed chat completions (exposed for tests
 * and fuzzing).  Feed arbitrary byte chunks; on_text gets each non-empty
 * delta.content.  done is set once "data: [DONE]" was seen. */
struct llm_sse;
/* NULL when memory runs out; on_text may be NULL. */
struct llm_sse *llm_sse_new(llm_text_fn on_text, void *ctx);
/* Returns 0, or QERR_DATA for a malformed event, or QERR_IO for an
 * {"error":...} event or an on_text abort; err explains.  Errors are
 * sticky: later feeds return the same one.  Bytes after [DONE] are
 * ignored. */
int llm_sse_feed(struct llm_sse *p, const char *data, size_t len,
		 struct qerr *err);
int llm_sse_done(const struct llm_sse *p);
void llm_sse_free(struct llm_sse *p);

/* Extract the human message from an error body: OpenAI-style
 * {"error":{"message":...}}, Ollama-style {"error":"..."}, or the plain
 * body (trimmed, first line, at most 200 bytes). Caller frees. */
char *llm_error_message(const char *body, size_t len);

#endif
