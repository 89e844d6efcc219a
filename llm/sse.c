/* sse.c - incremental parser for streamed chat completions.
 *
 * A streamed reply is a text/event-stream: lines ending in LF, CRLF or CR,
 * `field: value` pairs, events ended by a blank line, `:` comments.  Only
 * `data` matters; the data lines of one event are joined with newlines and
 * parsed as one JSON chunk whose choices[0].delta.content, when a
 * non-empty string, is passed on.  `data: [DONE]` ends the stream.  Bytes
 * may arrive split anywhere, so a partial line is kept between feeds. */
#include "llm.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/utf8.h"

#define MAX_LINE (16u * 1024 * 1024) /* one line larger than this is junk */
#define MAX_EVENT MAX_LINE           /* and so is one event's data */

struct llm_sse {
	llm_text_fn on_text;
	void *ctx;
	struct buf line;  /* the line being read */
	struct buf data;  /* data lines of the current event */
	int has_data;     /* data holds at least one data line */
	int skip_lf;      /* last byte was CR: an LF right after it is eaten */
	int done;         /* [DONE] seen */
	struct qerr fail; /* sticky: the first error, returned ever after */
};

struct llm_sse *llm_sse_new(llm_text_fn on_text, void *ctx)
{
	struct llm_sse *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->on_text = on_text;
	p->ctx = ctx;
	return p;
}

void llm_sse_free(struct llm_sse *p)
{
	if (p == NULL)
		return;
	buf_free(&p->line);
	buf_free(&p->data);
	free(p);
}

int llm_sse_done(const struct llm_sse *p)
{
	return p->done;
}

/* Pass on the text of one parsed chunk. */
static int chunk(struct llm_sse *p, json_t *root)
{
	json_t *e = json_object_get(root, "error"), *choices, *content;

	if (e != NULL && !json_is_null(e)) {
		const char *msg = llm_json_error(root);
		char *text = msg ? llm_clean_line(msg, strlen(msg), 300, 0)
				 : NULL;

		qerr_set(&p->fail, QERR_IO, "server error in stream: %s",
			 text ? text : "(no message)");
		free(text);
		return QERR_IO;
	}
	choices = json_object_get(root, "choices");
	if (!json_is_array(choices) || json_array_size(choices) == 0)
		return QERR_OK; /* e.g. the final usage-only chunk */
	content = json_object_get(
		json_object_get(json_array_get(choices, 0), "delta"), "content");
	if (!json_is_string(content) || json_string_length(content) == 0)
		return QERR_OK;
	if (p->on_text != NULL &&
	    p->on_text(p->ctx, json_string_value(content),
		       json_string_length(content)) != 0)
		return qerr_set(&p->fail, QERR_IO, "reply aborted");
	return QERR_OK;
}

/* End of an event: parse its data, if any. */
static int dispatch(struct llm_sse *p)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if (!p->has_data)
		return QERR_OK;
	root = json_loadb(p->data.data, p->data.len, 0, &jerr);
	buf_reset(&p->data);
	p->has_data = 0;
	if (!json_is_object(root)) {
		const char *why = root ? "not a JSON object" : jerr.text;

		json_decref(root);
		/* jansson may quote a character cut in half: keep whole ones */
		return qerr_set(&p->fail, QERR_DATA,
				"malformed event in stream: %.*s",
				(int)utf8_valid_prefix(why, strlen(why)), why);
	}
	rc = chunk(p, root);
	json_decref(root);
	return rc;
}

/* One complete line (without its terminator). */
static int line(struct llm_sse *p, const char *s, size_t n)
{
	const char *colon, *val;
	size_t vlen;

	if (n == 0)
		return dispatch(p);
	if (s[0] == ':')
		return QERR_OK; /* comment, e.g. a keep-alive */
	colon = memchr(s, ':', n);
	if (colon == NULL || (size_t)(colon - s) != 4 ||
	    memcmp(s, "data", 4) != 0)
		return QERR_OK; /* event, id, retry, unknown fields */
	val = colon + 1;
	vlen = n - 5;
	if (vlen > 0 && val[0] == ' ') {
		val++;
		vlen--;
	}
	if (vlen == 6 && memcmp(val, "[DONE]", 6) == 0) {
		int rc = dispatch(p); /* a last event missing its blank line */

		p->done = 1;
		return rc;
	}
	if (p->data.len + vlen + 1 > MAX_EVENT)
		return qerr_set(&p->fail, QERR_DATA,
				"malformed stream: event larger than %u bytes",
				MAX_EVENT);
	if ((p->has_data && buf_putc(&p->data, '\n') != 0) ||
	    buf_append(&p->data, val, vlen) != 0)
		return qerr_set(&p->fail, QERR_IO, "out of memory");
	p->has_data = 1;
	return QERR_OK;
}

/* Append s[0..n) to the pending line, within MAX_LINE. */
static int grow_line(struct llm_sse *p, const char *s, size_t n)
{
	if (p->line.len + n > MAX_LINE)
		return qerr_set(&p->fail, QERR_DATA,
				"malformed stream: line longer than %u bytes",
				MAX_LINE);
	if (buf_append(&p->line, s, n) != 0)
		return qerr_set(&p->fail, QERR_IO, "out of memory");
	return QERR_OK;
}

/* The parse proper; errors land in p->fail. */
static int feed(struct llm_sse *p, const char *data, size_t len)
{
	size_t i = 0;
	int rc;

	while (i < len && !p->done) {
		size_t j = i;

		if (p->skip_lf) {
			p->skip_lf = 0;
			if (data[i] == '\n') {
				i++;
				continue;
			}
		}
		while (j < len && data[j] != '\n' && data[j] != '\r')
			j++;
		if (j == len)
			return grow_line(p, data + i, j - i);
		if (p->line.len == 0) {
			rc = line(p, data + i, j - i);
		} else {
			rc = grow_line(p, data + i, j - i);
			if (rc == QERR_OK)
				rc = line(p, p->line.data, p->line.len);
			buf_reset(&p->line);
		}
		if (rc != QERR_OK)
			return rc;
		p->skip_lf = data[j] == '\r';
		i = j + 1;
	}
	return QERR_OK;
}

int llm_sse_feed(struct llm_sse *p, const char *data, size_t len,
		 struct qerr *err)
{
	if (p->fail.code == QERR_OK)
		feed(p, data, len);
	if (p->fail.code != QERR_OK) {
		qerr_set(err, p->fail.code, "%s", p->fail.msg);
		return p->fail.code;
	}
	return QERR_OK;
}
