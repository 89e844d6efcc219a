/* llm.c - POST a chat completion and collect the reply.
 *
 * One easy handle per llm_complete(), reused across retries so a kept-alive
 * connection is reused.  Each attempt decides, from the first bytes of the
 * response, how to read the body: an HTTP error status keeps the (capped)
 * body for its message, text/event-stream goes through the SSE parser,
 * anything else is buffered (capped at 32 MB) and read as one JSON reply.
 * A progress callback aborts the transfer when no byte moved for the stall
 * timeout, measured in milliseconds, when the total deadline has passed,
 * or when the caller's cancel flag is set.  429 and 5xx are retried with
 * backoff (0.5 s, 1 s, 2 s, ...) or the server's Retry-After, within the
 * deadline.  The API key only
 * ever goes into the Authorization header and is scrubbed from every
 * message this file produces. */
#include "llm.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../util/utf8.h"
#include "internal.h"

#ifndef QUARRY_VERSION
#define QUARRY_VERSION "dev"
#endif

#define MAX_REPLY (32u * 1024 * 1024) /* non-streamed reply body */
#define MAX_ERROR_BODY (64u * 1024)   /* kept of an HTTP error body */
#define MAX_RETRY_AFTER_MS 30000L
#define REDACTED "[redacted]"
#define MIN_REDACT_KEY 8 /* shorter "keys" (placeholders) are common words */

enum mode { UNDECIDED, READ_ERROR, READ_SSE, READ_BODY };

/* State of one llm_complete(); the per-attempt part is reset each try. */
struct xfer {
	const struct llm_curl *c;
	CURL *h;
	llm_text_fn on_text;
	void *ctx;
	struct buf *reply;
	long stall_ms, connect_ms, total_ms;
	int64_t deadline; /* CLOCK_MONOTONIC ms; 0: none */
	const volatile sig_atomic_t *cancel;
	const char *key;  /* redacted from reply text when long enough */
	struct buf held;  /* reply text that may be the start of the key */
	size_t text_len; /* reply text delivered so far */
	int cancelled;   /* *cancel was seen */
	int timed_out;   /* the deadline passed */
	/* per attempt */
	enum mode mode;
	long status;
	struct llm_sse *sse;
	struct buf body;     /* READ_BODY / READ_ERROR bytes */
	struct qerr fail;    /* first error raised inside a callback */
	long retry_after_ms; /* -1 when the server sent none */
	int64_t last_ms;     /* when bytes last moved */
	curl_off_t last_dl, last_ul;
	int moved;   /* any byte moved yet (else still connecting) */
	int body_full; /* an error body reached its cap: read no more */
	int stalled; /* the progress callback gave up */
};

/* ---- small helpers ---------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* First occurrence of k[0..kn) in s[0..n), or NULL (memmem is GNU). */
static const char *find(const char *s, size_t n, const char *k, size_t kn)
{
	const char *end = s + n, *p;

	while ((size_t)(end - s) >= kn &&
	       (p = memchr(s, k[0], (size_t)(end - s) - kn + 1)) != NULL) {
		if (memcmp(p, k, kn) == 0)
			return p;
		s = p + 1;
	}
	return NULL;
}

/* s[0..n) with every occurrence of key replaced by REDACTED, into out.
 * Returns 0 or -1 (out of memory). */
static int redact(struct buf *out, const char *s, size_t n, const char *key)
{
	size_t klen = key ? strlen(key) : 0;
	const char *end = s + n, *hit;

	if (klen == 0)
		return buf_append(out, s, n);
	while ((hit = find(s, (size_t)(end - s), key, klen)) != NULL) {
		if (buf_append(out, s, (size_t)(hit - s)) != 0 ||
		    buf_puts(out, REDACTED) != 0)
			return -1;
		s = hit + klen;
	}
	return buf_append(out, s, (size_t)(end - s));
}

/* Remove the key from err->msg, including a start of it left at the very
 * end by truncation. */
static void scrub(struct qerr *err, const char *key)
{
	struct buf b = BUF_INIT;
	size_t klen = key ? strlen(key) : 0, len, k;

	if (err == NULL || err->code == QERR_OK || klen == 0)
		return;
	if (redact(&b, err->msg, strlen(err->msg), key) != 0) {
		snprintf(err->msg, sizeof(err->msg), "(message withheld)");
		buf_free(&b);
		return;
	}
	snprintf(err->msg, sizeof(err->msg), "%s", b.data);
	buf_free(&b);
	len = strlen(err->msg);
	for (k = klen - 1; k >= 4; k--) {
		if (k <= len && memcmp(err->msg + len - k, key, k) == 0) {
			err->msg[len - k] = '\0';
			break;
		}
	}
}

/* ---- error bodies -------------------------------------------------- */

const char *llm_json_error(const json_t *root)
{
	json_t *e = json_object_get(root, "error");
	json_t *m = json_object_get(e, "message");

	if (json_is_string(m))
		return json_string_value(m);
	if (json_is_string(e))
		return json_string_value(e);
	m = json_object_get(root, "message");
	if (json_is_string(m))
		return json_string_value(m);
	m = json_object_get(root, "detail");
	if (json_is_string(m))
		return json_string_value(m);
	return NULL;
}

char *llm_clean_line(const char *s, size_t n, size_t max, int first_line)
{
	char *r = utf8_repair(s, n, NULL), *p, *start;
	size_t len;

	if (r == NULL)
		return NULL;
	start = r;
	if (first_line) {
		/* the first non-blank line */
		while (*start == ' ' || *start == '\t' || *start == '\r' ||
		       *start == '\n')
			start++;
		start[strcspn(start, "\r\n")] = '\0';
	}
	/* Control characters become blanks before the blanks are trimmed. */
	for (p = start; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	while (*start == ' ')
		start++;
	len = strlen(start);
	if (len > max)
		len = utf8_valid_prefix(start, max);
	while (len > 0 && start[len - 1] == ' ')
		len--;
	memmove(r, start, len);
	r[len] = '\0';
	return r;
}

char *llm_error_message(const char *body, size_t len)
{
	json_t *root;
	const char *msg;
	char *out;

	if (body == NULL) {
		body = "";
		len = 0;
	}
	root = json_loadb(body, len, 0, NULL);
	msg = llm_json_error(root);

	if (msg != NULL)
		out = llm_clean_line(msg, strlen(msg), 300, 0);
	else
		out = llm_clean_line(body, len, 200, 1);
	json_decref(root);
	return out;
}

/* ---- libcurl callbacks ----------------------------------------------- */

/* Pass reply text on to the caller, within MAX_REPLY. */
static int pass_on(struct xfer *x, const char *text, size_t len)
{
	if (len == 0)
		return 0;
	x->text_len += len;
	if (x->text_len > MAX_REPLY)
		return qerr_set(&x->fail, QERR_DATA, "reply larger than %u MB",
				MAX_REPLY >> 20);
	if (x->reply != NULL && buf_append(x->reply, text, len) != 0)
		return qerr_set(&x->fail, QERR_IO, "out of memory");
	return x->on_text ? x->on_text(x->ctx, text, len) : 0;
}

/* Bytes at the end of s[0..n) that could start the key k[0..kn). */
static size_t key_start(const char *s, size_t n, const char *k, size_t kn)
{
	size_t m = n < kn - 1 ? n : kn - 1;

	for (; m > 0; m--)
		if (memcmp(s + n - m, k, m) == 0)
			return m;
	return 0;
}

/* Reply text from the SSE parser or a whole JSON reply.  With a key, text
 * is held back while its end could be the start of an echoed key, and
 * every whole occurrence is passed on as REDACTED. */
static int deliver(void *ud, const char *text, size_t len)
{
	struct xfer *x = ud;
	size_t klen = x->key ? strlen(x->key) : 0, keep;
	const char *s, *end, *hit;
	int rc = 0;

	if (klen < MIN_REDACT_KEY)
		return pass_on(x, text, len);
	if (buf_append(&x->held, text, len) != 0)
		return qerr_set(&x->fail, QERR_IO, "out of memory");
	s = x->held.data;
	end = s + x->held.len;
	while (rc == 0 &&
	       (hit = find(s, (size_t)(end - s), x->key, klen)) != NULL) {
		rc = pass_on(x, s, (size_t)(hit - s));
		if (rc == 0)
			rc = pass_on(x, REDACTED, strlen(REDACTED));
		s = hit + klen;
	}
	keep = key_start(s, (size_t)(end - s), x->key, klen);
	if (rc == 0)
		rc = pass_on(x, s, (size_t)(end - s) - keep);
	memmove(x->held.data, end - keep, keep);
	x->held.len = keep;
	x->held.data[keep] = '\0';
	return rc;
}

/* The end of the reply: text held back was not the key after all. */
static void flush_held(struct xfer *x)
{
	if (x->held.len > 0)
		pass_on(x, x->held.data, x->held.len);
	buf_reset(&x->held);
}

/* Has the caller cancelled, or the deadline passed?  Notes which. */
static int must_stop(struct xfer *x)
{
	if (x->cancel != NULL && *x->cancel)
		x->cancelled = 1;
	else if (x->deadline != 0 && now_ms() >= x->deadline)
		x->timed_out = 1;
	return x->cancelled || x->timed_out;
}

/* Pick how to read the body, once the status line and headers are in. */
static void decide(struct xfer *x)
{
	char *type = NULL;

	x->c->easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	x->c->easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &type);
	if (x->status < 200 || x->status > 299)
		x->mode = READ_ERROR;
	else if (type != NULL && strncasecmp(type, "text/event-stream", 17) == 0)
		x->mode = READ_SSE;
	else
		x->mode = READ_BODY;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;

	x->last_ms = now_ms();
	if (must_stop(x))
		return 0;
	if (x->mode == UNDECIDED)
		decide(x);
	switch (x->mode) {
	case READ_SSE:
		if (x->sse == NULL && (x->sse = llm_sse_new(deliver, x)) == NULL) {
			qerr_set(&x->fail, QERR_IO, "out of memory");
			return 0;
		}
		return llm_sse_feed(x->sse, ptr, n, &x->fail) ? 0 : n;
	case READ_ERROR:
		/* The message is at the start: past the cap, stop reading (an
		 * endless error body must not keep the request open). */
		if (x->body.len + n >= MAX_ERROR_BODY) {
			buf_append(&x->body, ptr, MAX_ERROR_BODY - x->body.len);
			x->body_full = 1;
			return 0;
		}
		buf_append(&x->body, ptr, n);
		return n;
	default:
		if (x->body.len + n > MAX_REPLY) {
			qerr_set(&x->fail, QERR_DATA,
				 "reply larger than %u MB", MAX_REPLY >> 20);
			return 0;
		}
		if (buf_append(&x->body, ptr, n) != 0) {
			qerr_set(&x->fail, QERR_IO, "out of memory");
			return 0;
		}
		return n;
	}
}

/* Header lines: remember Retry-After (delta-seconds) of the last
 * response. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	char tmp[32], *end;
	double s;

	x->last_ms = now_ms();
	if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0)
		x->retry_after_ms = -1;
	if (n > 12 && n - 12 < sizeof(tmp) &&
	    strncasecmp(ptr, "retry-after:", 12) == 0) {
		memcpy(tmp, ptr + 12, n - 12);
		tmp[n - 12] = '\0';
		s = strtod(tmp, &end) * 1000.0;
		if (end != tmp && s >= 0.0)
			x->retry_after_ms = s > (double)MAX_RETRY_AFTER_MS
						    ? MAX_RETRY_AFTER_MS
						    : (long)s;
	}
	return n;
}

/* Abort when no byte moved for stall_ms (plus connect_ms while the
 * connection is still being set up). */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = ud;
	int64_t now = now_ms(), limit;

	(void)dltotal;
	(void)ultotal;
	if (must_stop(x))
		return 1;
	if (dlnow != x->last_dl || ulnow != x->last_ul) {
		x->last_dl = dlnow;
		x->last_ul = ulnow;
		x->last_ms = now;
		x->moved = 1;
		return 0;
	}
	if (x->stall_ms <= 0)
		return 0;
	limit = x->stall_ms + (x->moved ? 0 : x->connect_ms);
	if (now - x->last_ms > limit) {
		x->stalled = 1;
		return 1;
	}
	return 0;
}

/* ---- the request ----------------------------------------------------- */

/* {url}/chat/completions with trailing slashes of url's path dropped; a
 * query or fragment (http://host/v1?api-version=x) stays after the
 * path. */
static char *endpoint(const char *url)
{
	struct buf b = BUF_INIT;
	size_t q = strcspn(url, "?#"), n = q;

	while (n > 0 && url[n - 1] == '/')
		n--;
	if (buf_append(&b, url, n) != 0 ||
	    buf_puts(&b, "/chat/completions") != 0 ||
	    buf_puts(&b, url + q) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Request headers; NULL on out-of-memory. */
static struct curl_slist *headers(const struct llm_curl *c, const char *key)
{
	struct curl_slist *l = NULL, *t;
	const char *fixed[] = {"Content-Type: application/json",
			       "Accept: application/json, text/event-stream",
			       "Expect:"};
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if ((t = c->slist_append(l, fixed[i])) == NULL)
			goto fail;
		l = t;
	}
	if (key != NULL && key[0] != '\0') {
		struct buf b = BUF_INIT;

		if (buf_puts(&b, "Authorization: Bearer ") != 0 ||
		    buf_puts(&b, key) != 0) {
			buf_free(&b);
			goto fail;
		}
		t = c->slist_append(l, b.data);
		explicit_bzero(b.data, b.len);
		buf_free(&b);
		if (t == NULL)
			goto fail;
		l = t;
	}
	return l;
fail:
	c->slist_free_all(l);
	return NULL;
}

/* Options that stay the same for every attempt. */
static void setup(struct xfer *x, const char *url, struct curl_slist *hdrs,
		  const char *body, char *errbuf)
{
	const struct llm_curl *c = x->c;
	CURL *h = x->h;

	c->easy_setopt(h, CURLOPT_URL, url);
	c->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	c->easy_setopt(h, CURLOPT_USERAGENT, "quarry/" QUARRY_VERSION);
	c->easy_setopt(h, CURLOPT_POST, 1L);
	c->easy_setopt(h, CURLOPT_POSTFIELDS, body);
	c->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	c->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (x->connect_ms > 0)
		c->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, x->connect_ms);
	c->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	c->easy_setopt(h, CURLOPT_WRITEDATA, x);
	c->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	c->easy_setopt(h, CURLOPT_HEADERDATA, x);
	c->easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	c->easy_setopt(h, CURLOPT_XFERINFODATA, x);
	c->easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
}

/* Forget what the previous attempt read. */
static void reset_attempt(struct xfer *x)
{
	x->mode = UNDECIDED;
	x->status = 0;
	llm_sse_free(x->sse);
	x->sse = NULL;
	buf_reset(&x->body);
	qerr_clear(&x->fail);
	x->retry_after_ms = -1;
	x->last_ms = now_ms();
	x->last_dl = x->last_ul = 0;
	x->moved = 0;
	x->stalled = 0;
	x->body_full = 0;
	buf_reset(&x->held);
	if (x->deadline != 0) {
		/* libcurl's own limit too, for waits without a callback */
		int64_t left = x->deadline - x->last_ms;

		x->c->easy_setopt(x->h, CURLOPT_TIMEOUT_MS,
				  (long)(left > 1 ? left : 1));
	}
}

/* Text of a whole (non-streamed) JSON reply, passed to deliver(). */
static int read_body(struct xfer *x, struct qerr *err)
{
	json_error_t jerr;
	json_t *root, *e, *content;
	const char *msg;
	int rc;

	root = json_loadb(x->body.data ? x->body.data : "", x->body.len, 0,
			  &jerr);
	if (root == NULL)
		return qerr_set(err, QERR_DATA,
				"malformed reply from server: %.*s",
				(int)utf8_valid_prefix(jerr.text, strlen(jerr.text)),
				jerr.text);
	e = json_object_get(root, "error");
	if (e != NULL && !json_is_null(e)) {
		char *line;

		msg = llm_json_error(root);
		line = msg ? llm_clean_line(msg, strlen(msg), 300, 0) : NULL;
		rc = qerr_set(err, QERR_IO, "server error: %s",
			      line ? line : "(no message)");
		free(line);
		json_decref(root);
		return rc;
	}
	content = json_object_get(
		json_object_get(json_array_get(json_object_get(root, "choices"),
					       0),
				"message"),
		"content");
	if (!json_is_string(content)) {
		json_decref(root);
		return qerr_set(err, QERR_DATA, "malformed reply from server: "
				"no choices[0].message.content");
	}
	rc = QERR_OK;
	if (deliver(x, json_string_value(content),
		    json_string_length(content)) != 0)
		rc = qerr_set(err, x->fail.code ? x->fail.code : QERR_IO, "%s",
			      x->fail.code ? x->fail.msg : "reply aborted");
	json_decref(root);
	return rc;
}

/* Report an HTTP error status with the server's message. */
static int http_error(struct xfer *x, const char *key, struct qerr *err)
{
	struct buf clean = BUF_INIT;
	char *msg = NULL;

	if (redact(&clean, x->body.data ? x->body.data : "", x->body.len,
		   key) == 0)
		msg = llm_error_message(clean.data, clean.len);
	buf_free(&clean);
	if (msg != NULL && msg[0] != '\0')
		qerr_set(err, QERR_IO, "HTTP %ld: %s", x->status, msg);
	else
		qerr_set(err, QERR_IO, "HTTP %ld", x->status);
	free(msg);
	return QERR_IO;
}

/* The request ended because of the caller or the deadline. */
static int timeout_or_cancel(const struct xfer *x, struct qerr *err)
{
	if (x->cancelled)
		return qerr_set(err, QERR_IO, "interrupted");
	return qerr_set(err, QERR_IO,
			"no complete reply within %.1f s (total timeout)",
			(double)x->total_ms / 1000.0);
}

/* Sleep ms, or less when the caller cancels or the deadline comes first.
 * Returns non-zero when the request must stop. */
static int wait_retry(struct xfer *x, long ms)
{
	int64_t until = now_ms() + ms;

	if (x->deadline != 0 && until >= x->deadline) {
		x->timed_out = 1;
		return 1;
	}
	while (!must_stop(x) && now_ms() < until)
		sleep_ms(until - now_ms() < 50 ? (long)(until - now_ms()) : 50);
	return x->cancelled || x->timed_out;
}

/* Result of one attempt. */
enum outcome { DONE, RETRY };

/* Judge an attempt that ended with rc; fills err unless RETRY. */
static enum outcome judge(struct xfer *x, CURLcode rc, const char *errbuf,
			  const char *key, struct qerr *err)
{
	const char *why = errbuf[0] ? errbuf : x->c->easy_strerror(rc);
	int cut = x->mode == READ_SSE;

	if (x->fail.code != QERR_OK) {
		qerr_set(err, x->fail.code, "%s", x->fail.msg);
		return DONE;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT && x->deadline != 0 &&
	    now_ms() >= x->deadline - 100)
		x->timed_out = 1;
	if (x->cancelled || x->timed_out) {
		timeout_or_cancel(x, err);
		return DONE;
	}
	if (rc == CURLE_WRITE_ERROR && x->body_full)
		rc = CURLE_OK; /* an error body cut at its cap: judged below */
	if (x->stalled)
		qerr_set(err, QERR_IO,
			 "%sserver sent nothing for %.1f s (stall timeout)",
			 cut ? "stream cut before completion: " : "",
			 (double)x->stall_ms / 1000.0);
	else if (rc != CURLE_OK)
		qerr_set(err, QERR_IO, "%s%s",
			 cut ? "stream cut before completion: " : "", why);
	if (x->stalled || rc != CURLE_OK)
		return DONE;
	if (x->mode == UNDECIDED)
		decide(x);
	if (x->mode == READ_ERROR) {
		if (x->status == 429 || x->status >= 500)
			return RETRY;
		http_error(x, key, err);
	} else if (x->mode == READ_SSE) {
		if (!llm_sse_done(x->sse))
			qerr_set(err, QERR_IO, "stream cut before completion");
	} else {
		read_body(x, err);
	}
	return DONE;
}

/* Run attempts until one is final. */
static int run(struct xfer *x, const struct llm_config *cfg, char *errbuf,
	       struct qerr *err)
{
	struct qerr local = {0, ""};
	int tries = 0;

	if (err == NULL)
		err = &local;
	for (;;) {
		CURLcode rc;
		long delay;

		reset_attempt(x);
		errbuf[0] = '\0';
		rc = x->c->easy_perform(x->h);
		if (judge(x, rc, errbuf, cfg->key, err) == DONE)
			return err->code;
		if (tries >= cfg->max_retries)
			return http_error(x, cfg->key, err);
		delay = x->retry_after_ms >= 0 ? x->retry_after_ms
					       : 500L << (tries < 6 ? tries : 6);
		if (delay > MAX_RETRY_AFTER_MS)
			delay = MAX_RETRY_AFTER_MS;
		if (wait_retry(x, delay)) {
			if (x->cancelled)
				return timeout_or_cancel(x, err);
			/* the deadline would pass first: the last error */
			return http_error(x, cfg->key, err);
		}
		tries++;
	}
}

int llm_complete(const struct llm_config *cfg, const struct llm_request *req,
		 llm_text_fn on_text, void *ctx, struct buf *reply,
		 struct qerr *err)
{
	struct xfer x = {0};
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	char *url = NULL, *body = NULL;
	int rc;

	if (!llm_configured(cfg))
		return qerr_set(err, QERR_USAGE, "no LLM endpoint configured");
	x.c = llm_curl_load(err);
	if (x.c == NULL)
		return QERR_IO;
	x.on_text = on_text;
	x.ctx = ctx;
	x.reply = reply;
	x.stall_ms = cfg->stall_timeout_ms;
	x.connect_ms = cfg->connect_timeout_ms;
	x.total_ms = cfg->total_timeout_ms;
	x.deadline = x.total_ms > 0 ? now_ms() + x.total_ms : 0;
	x.cancel = req->cancel;
	x.key = cfg->key;
	url = endpoint(cfg->url);
	body = llm_request_body(cfg, req);
	hdrs = headers(x.c, cfg->key);
	x.h = x.c->easy_init();
	if (url == NULL || body == NULL || hdrs == NULL || x.h == NULL) {
		rc = qerr_set(err, QERR_IO, "out of memory");
	} else {
		setup(&x, url, hdrs, body, errbuf);
		rc = run(&x, cfg, errbuf, err);
		flush_held(&x);
	}
	scrub(err, cfg->key);
	if (x.h != NULL)
		x.c->easy_cleanup(x.h);
	x.c->slist_free_all(hdrs);
	llm_sse_free(x.sse);
	buf_free(&x.body);
	buf_free(&x.held);
	free(body);
	free(url);
	return rc;
}
