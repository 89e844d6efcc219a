/* prompt.c - build the chat-completions request body.
 *
 * The model gets a system prompt that restricts it to the numbered
 * context, the earlier turns of the conversation, and one user message:
 *
 *     Context:
 *     [8] Q: ...
 *     A: ...
 *
 *     [12] Q: ...
 *     A: ...
 *
 *     Question: ...
 *
 * Entries go in rank order until context_budget bytes are used; the first
 * entry is cut to fit, later ones that do not fit are dropped.  All text
 * is repaired to valid UTF-8 first, since JSON strings must be. */
#include "llm.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"

static const char system_prompt[] =
	"You answer questions using only the numbered context entries in the "
	"user's message. Cite every entry you use by its number in square "
	"brackets, like [8]. If the context does not answer the question, say "
	"that you don't know; do not answer from outside knowledge.";

/* A valid-UTF-8 copy of s (NULL counts as ""). NULL on out-of-memory. */
static char *clean(const char *s)
{
	if (s == NULL)
		s = "";
	return utf8_repair(s, strlen(s), NULL);
}

/* One context entry as the model sees it, as valid UTF-8. */
static char *format_entry(const struct llm_entry *e, int i)
{
	struct buf b = BUF_INIT;
	char num[24];
	char *out;
	int rc = 0;

	if (e->id == NULL) {
		snprintf(num, sizeof(num), "%d", i + 1);
		rc |= buf_puts(&b, "[") | buf_puts(&b, num);
	} else {
		rc |= buf_puts(&b, "[") | buf_puts(&b, e->id);
	}
	rc |= buf_puts(&b, "] Q: ");
	rc |= buf_puts(&b, e->question ? e->question : "");
	rc |= buf_puts(&b, "\nA: ");
	rc |= buf_puts(&b, e->answer ? e->answer : "");
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	out = utf8_repair(b.data, b.len, NULL);
	buf_free(&b);
	return out;
}

/* Append the entries that fit in budget bytes to b. Returns 0 or -1. */
static int add_context(struct buf *b, const struct llm_request *req,
		       size_t budget)
{
	size_t used = 0;
	int i, added = 0;

	for (i = 0; i < req->nentries; i++) {
		const char *sep = added ? "\n\n" : "";
		char *text = format_entry(&req->entries[i], i);
		size_t n, need;

		if (text == NULL)
			return -1;
		n = strlen(text);
		need = strlen(sep) + n;
		if (used + need > budget) {
			if (added) {
				free(text);
				break;
			}
			/* The best entry alone is too long: keep its start,
			 * cut on a character boundary. */
			n = utf8_valid_prefix(text, budget < n ? budget : n);
			need = n;
		}
		if (buf_puts(b, sep) != 0 || buf_append(b, text, n) != 0) {
			free(text);
			return -1;
		}
		used += need;
		added++;
		free(text);
	}
	if (!added && buf_puts(b, "(no entries)") != 0)
		return -1;
	return 0;
}

/* The final user message. NULL on out-of-memory. Caller frees. */
static char *user_message(const struct llm_config *cfg,
			  const struct llm_request *req)
{
	struct buf b = BUF_INIT;
	char *q = clean(req->question);
	int rc;

	if (q == NULL)
		return NULL;
	rc = buf_puts(&b, "Context:\n");
	rc |= add_context(&b, req, cfg->context_budget);
	rc |= buf_puts(&b, "\n\nQuestion: ");
	rc |= buf_puts(&b, q);
	free(q);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Append {"role": role, "content": text} to msgs; text is cleaned. */
static int add_message(json_t *msgs, const char *role, const char *text)
{
	char *s = clean(text);
	json_t *m;

	if (s == NULL)
		return -1;
	m = json_pack("{s:s, s:s}", "role", role, "content", s);
	free(s);
	return m == NULL ? -1 : json_array_append_new(msgs, m);
}

/* The messages array: system, history, then the user's question. */
static json_t *messages(const struct llm_config *cfg,
			const struct llm_request *req)
{
	json_t *msgs = json_array();
	char *user = user_message(cfg, req);
	int i, rc = msgs == NULL || user == NULL;

	if (!rc)
		rc = add_message(msgs, "system", system_prompt);
	for (i = 0; !rc && req->history != NULL && i < req->nhistory; i++) {
		const struct llm_turn *t = &req->history[i];

		if (t->user != NULL)
			rc = add_message(msgs, "user", t->user);
		if (!rc && t->assistant != NULL)
			rc = add_message(msgs, "assistant", t->assistant);
	}
	if (!rc)
		rc = json_array_append_new(
			msgs, json_pack("{s:s, s:s}", "role", "user",
					"content", user));
	free(user);
	if (rc) {
		json_decref(msgs);
		return NULL;
	}
	return msgs;
}

char *llm_request_body(const struct llm_config *cfg,
		       const struct llm_request *req)
{
	json_t *root = json_object(), *msgs = messages(cfg, req);
	char *out = NULL;
	int rc = root == NULL || msgs == NULL;

	if (!rc && cfg->model != NULL && cfg->model[0] != '\0') {
		char *model = clean(cfg->model);

		rc = model == NULL ||
		     json_object_set_new(root, "model", json_string(model));
		free(model);
	}
	if (!rc) {
		rc = json_object_set_new(root, "messages", msgs);
		msgs = NULL;
	}
	if (!rc)
		rc = json_object_set_new(root, "stream",
					 json_boolean(req->stream));
	if (!rc)
		out = json_dumps(root, JSON_COMPACT);
	json_decref(msgs);
	json_decref(root);
	return out;
}
