/* prompt.c - build the chat-completions request body.
 *
 * The model gets a system prompt that restricts it to the numbered
 * context, the earlier turns of the conversation, and one user message:
 *
 *     Context:
 *     [1] guide.md:12
 *     Q: ...
 *     A: ...
 *
 *     [2] notes.txt:40
 *     Q: ...
 *     A: ...
 *
 *     Question: ...
 *
 * The budget (context_budget bytes) goes to snippets first: entries in
 * rank order, each as its snippet when it has one, until one does not
 * fit (the first is cut to fit when it alone does not); then, in rank
 * order, an entry's snippet gives way to its whole text where the budget
 * still allows.  All text is repaired to valid UTF-8 first, since JSON
 * strings must be. */
#include "llm.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"

static const char system_prompt[] =
	"You answer questions using only the numbered context entries in the "
	"user's message. Cite every entry you use by its number in square "
	"brackets, like [1]. If the context does not answer the question, say "
	"that you don't know; do not answer from outside knowledge.";

/* A valid-UTF-8 copy of s (NULL counts as ""). NULL on out-of-memory. */
static char *clean(const char *s)
{
	if (s == NULL)
		s = "";
	return utf8_repair(s, strlen(s), NULL);
}

/* One context entry as the model sees it, as valid UTF-8, with text as
 * its answer. */
static char *format_entry(const struct llm_entry *e, int i, const char *text)
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
	rc |= buf_puts(&b, "]");
	if (e->source && e->source[0]) {
		rc |= buf_puts(&b, " ") | buf_puts(&b, e->source);
		if (e->line > 0) {
			snprintf(num, sizeof(num), ":%ld", e->line);
			rc |= buf_puts(&b, num);
		}
		rc |= buf_puts(&b, "\n");
	} else {
		rc |= buf_puts(&b, " ");
	}
	rc |= buf_puts(&b, "Q: ");
	rc |= buf_puts(&b, e->question ? e->question : "");
	rc |= buf_puts(&b, "\nA: ");
	rc |= buf_puts(&b, text ? text : "");
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	out = utf8_repair(b.data, b.len, NULL);
	buf_free(&b);
	return out;
}

/* The two forms of each entry: short (its snippet, or its text when it
 * has none) and whole; NULL where memory ran out. */
struct forms {
	char *f[2];
};

static void free_forms(struct forms *fm, int n)
{
	int i;

	for (i = 0; fm && i < n; i++) {
		free(fm[i].f[0]);
		free(fm[i].f[1]);
	}
	free(fm);
}

static struct forms *make_forms(const struct llm_request *req)
{
	struct forms *fm = calloc((size_t)req->nentries + 1, sizeof(*fm));
	int i;

	for (i = 0; fm && i < req->nentries; i++) {
		const struct llm_entry *e = &req->entries[i];

		fm[i].f[1] = format_entry(e, i, e->answer);
		fm[i].f[0] = format_entry(e, i, e->snippet ? e->snippet
							   : e->answer);
		if (fm[i].f[0] == NULL || fm[i].f[1] == NULL) {
			free_forms(fm, i + 1);
			return NULL;
		}
	}
	return fm;
}

/* Append the entries that fit in budget bytes to b (see the top).
 * Returns 0 or -1. */
static int add_context(struct buf *b, const struct llm_request *req,
		       size_t budget)
{
	struct forms *fm = make_forms(req);
	int *form = calloc((size_t)req->nentries + 1, sizeof(*form));
	size_t used = 0, cut = 0;
	int i, n = 0, rc = 0;

	if (fm == NULL || form == NULL) {
		free_forms(fm, req->nentries);
		free(form);
		return -1;
	}
	for (n = 0; n < req->nentries; n++) {
		size_t need = (n ? 2 : 0) + strlen(fm[n].f[0]);

		if (used + need > budget) {
			if (n == 0) /* the best alone is too long: its start */
				cut = utf8_valid_prefix(fm[0].f[0], budget);
			break;
		}
		used += need;
	}
	for (i = 0; i < n; i++) {
		size_t more = strlen(fm[i].f[1]) - strlen(fm[i].f[0]);

		if (strlen(fm[i].f[1]) > strlen(fm[i].f[0]) &&
		    used + more <= budget) {
			form[i] = 1;
			used += more;
		}
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = buf_puts(b, i ? "\n\n" : "") |
		     buf_puts(b, fm[i].f[form[i]]);
	if (rc == 0 && n == 0 && cut > 0)
		rc = buf_append(b, fm[0].f[0], cut);
	else if (rc == 0 && n == 0)
		rc = buf_puts(b, "(no entries)");
	free_forms(fm, req->nentries);
	free(form);
	return rc ? -1 : 0;
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
		rc = add_message(msgs, "system",
				 cfg->system_prompt && cfg->system_prompt[0]
					 ? cfg->system_prompt
					 : system_prompt);
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
