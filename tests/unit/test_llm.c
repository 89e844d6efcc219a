/* test_llm.c - unit and integration tests for the LLM client (llm/).
 *
 * Group "llm_unit" tests the pure parts: SSE parser, error-body messages,
 * request body, config loading (in a temporary XDG_CONFIG_HOME).  Group
 * "llm_server" starts tests/llm/server.py on a free 127.0.0.1 port and
 * drives every server behaviour through llm_complete().  Run from the
 * repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../llm/llm.h"

extern char **environ;

#define KEY "sk-test-SECRET-1234"

/* ---- helpers ------------------------------------------------------------ */

/* Collects text passed to an llm_text_fn. */
struct sink {
	struct buf text;
	int calls;
	int abort_after; /* >0: return 1 on this call */
};

static int collect(void *ctx, const char *text, size_t len)
{
	struct sink *s = ctx;

	assert_true(len > 0);
	assert_int_equal(buf_append(&s->text, text, len), 0);
	s->calls++;
	return s->abort_after > 0 && s->calls >= s->abort_after;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- SSE parser --------------------------------------------------------- */

static const char sample[] =
	": a comment line\n"
	"event: message\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n"
	"\n"
	"data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n"
	"\n"
	"id: 7\n"
	"retry: 1000\n"
	"data:{\"choices\":[{\"delta\":{\"content\":\", wor\"}}]}\n"
	"\n"
	"data: {\"choices\":[{\"delta\":{\"content\":\"ld \\u00e9 [8]\"}}]}\n"
	"\n"
	"data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n"
	"\n"
	"data: {\"choices\":[{\"delta\":{\"content\":null}}]}\n"
	"\n"
	"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n"
	"\n"
	"data: {\"choices\":[],\"usage\":{\"total_tokens\":3}}\n"
	"\n"
	"data: [DONE]\n"
	"\n";
static const char sample_text[] = "Hello, world \xc3\xa9 [8]";

/* sample with every "\n" replaced by eol. Caller frees. */
static char *with_eol(const char *eol)
{
	struct buf b = BUF_INIT;
	const char *p;

	for (p = sample; *p; p++) {
		if (*p == '\n')
			assert_int_equal(buf_puts(&b, eol), 0);
		else
			assert_int_equal(buf_putc(&b, *p), 0);
	}
	return buf_detach(&b);
}

/* Feed s in pieces cut at the given points (sorted, within len). */
static void feed_cuts(const char *s, size_t len, const size_t *cuts, int n,
		      const char *want)
{
	struct sink sk = {BUF_INIT, 0, 0};
	struct llm_sse *p = llm_sse_new(collect, &sk);
	struct qerr err = {0, ""};
	size_t at = 0;
	int i;

	assert_non_null(p);
	for (i = 0; i <= n; i++) {
		size_t end = i < n ? cuts[i] : len;

		assert_int_equal(llm_sse_feed(p, s + at, end - at, &err), 0);
		at = end;
	}
	assert_true(llm_sse_done(p));
	assert_string_equal(sk.text.data, want);
	assert_int_equal(err.code, QERR_OK);
	llm_sse_free(p);
	buf_free(&sk.text);
}

static void test_sse_whole(void **state)
{
	(void)state;
	feed_cuts(sample, strlen(sample), NULL, 0, sample_text);
}

/* Every two-piece split, and one byte at a time, for LF, CRLF and CR. */
static void test_sse_split_everywhere(void **state)
{
	const char *eols[] = {"\n", "\r\n", "\r"};
	size_t e, i, len;

	(void)state;
	for (e = 0; e < 3; e++) {
		char *s = with_eol(eols[e]);
		size_t *all;

		len = strlen(s);
		for (i = 0; i <= len; i++)
			feed_cuts(s, len, &i, 1, sample_text);
		all = malloc(len * sizeof(*all));
		assert_non_null(all);
		for (i = 0; i < len; i++)
			all[i] = i;
		feed_cuts(s, len, all, (int)len, sample_text);
		free(all);
		free(s);
	}
}

static void test_sse_crlf(void **state)
{
	char *s = with_eol("\r\n");

	(void)state;
	feed_cuts(s, strlen(s), NULL, 0, sample_text);
	free(s);
}

static void test_sse_missing_content(void **state)
{
	static const char s[] =
		"data: {\"choices\":[{\"delta\":{}}]}\n\n"
		"data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n"
		"data: {\"choices\":[{\"delta\":{\"content\":null}}]}\n\n"
		"data: {\"choices\":[{\"index\":0}]}\n\n"
		"data: {\"choices\":[{\"delta\":null}]}\n\n"
		"data: {\"choices\":[]}\n\n"
		"data: {\"object\":\"chat.completion.chunk\"}\n\n"
		"data: {\"error\":null,\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
		"data: [DONE]\n\n";
	struct sink sk = {BUF_INIT, 0, 0};
	struct llm_sse *p = llm_sse_new(collect, &sk);
	struct qerr err = {0, ""};

	(void)state;
	assert_int_equal(llm_sse_feed(p, s, strlen(s), &err), QERR_OK);
	assert_true(llm_sse_done(p));
	assert_int_equal(sk.calls, 1);
	assert_string_equal(sk.text.data, "x");
	llm_sse_free(p);
	buf_free(&sk.text);
}

/* [DONE] ends the stream: later bytes are ignored; an event that lacks its
 * blank line before [DONE] still counts; not done before it. */
static void test_sse_done(void **state)
{
	static const char s[] =
		"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n"
		"data: [DONE]\n"
		"data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n";
	struct sink sk = {BUF_INIT, 0, 0};
	struct llm_sse *p = llm_sse_new(collect, &sk);
	struct qerr err = {0, ""};

	(void)state;
	assert_int_equal(llm_sse_feed(p, s, 50, &err), QERR_OK);
	assert_false(llm_sse_done(p));
	assert_int_equal(llm_sse_feed(p, s + 50, strlen(s) - 50, &err), 0);
	assert_true(llm_sse_done(p));
	assert_string_equal(sk.text.data, "a");
	assert_int_equal(llm_sse_feed(p, "garbage\n\n", 9, &err), 0);
	llm_sse_free(p);
	buf_free(&sk.text);
}

/* Data lines of one event are joined with newlines. */
static void test_sse_multiline_data(void **state)
{
	static const char s[] = "data: {\"choices\":\n"
				"data: [{\"delta\":{\"content\":\"joined\"}}]}\n"
				"\n"
				"data: [DONE]\n";
	struct sink sk = {BUF_INIT, 0, 0};
	struct llm_sse *p = llm_sse_new(collect, &sk);

	(void)state;
	assert_int_equal(llm_sse_feed(p, s, strlen(s), NULL), QERR_OK);
	assert_string_equal(sk.text.data, "joined");
	assert_true(llm_sse_done(p));
	llm_sse_free(p);
	buf_free(&sk.text);
}

static void test_sse_malformed(void **state)
{
	static const char s[] =
		"data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n"
		"data: {\"choices\": [oops\n\n";
	struct sink sk = {BUF_INIT, 0, 0};
	struct llm_sse *p = llm_sse_new(collect, &sk);
	struct qerr err = {0, ""};
	struct qerr again = {0, ""};

	(void)state;
	assert_int_equal(llm_sse_feed(p, s, strlen(s), &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "malformed"));
	assert_string_equal(sk.text.data, "ok");
	/* sticky */
	assert_int_equal(llm_sse_feed(p, "data: [DONE]\n", 13, &again),
			 QERR_DATA);
	assert_false(llm_sse_done(p));
	llm_sse_free(p);
	buf_free(&sk.text);
}

static void test_sse_error_object(void **state)
{
	static const char s[] =
		"data: {\"error\":{\"message\":\"model overloaded\","
		"\"type\":\"server_error\"}}\n\n";
	struct llm_sse *p = llm_sse_new(NULL, NULL);
	struct qerr err = {0, ""};

	(void)state;
	assert_int_equal(llm_sse_feed(p, s, strlen(s), &err), QERR_IO);
	assert_non_null(strstr(err.msg, "model overloaded"));
	llm_sse_free(p);
}

static void test_sse_abort(void **state)
{
	struct sink sk = {BUF_INIT, 0, 1};
	struct llm_sse *p = llm_sse_new(collect, &sk);
	struct qerr err = {0, ""};

	(void)state;
	assert_int_not_equal(llm_sse_feed(p, sample, strlen(sample), &err), 0);
	assert_int_equal(sk.calls, 1);
	llm_sse_free(p);
	buf_free(&sk.text);
}

/* ---- error bodies ------------------------------------------------------- */

static void check_message(const char *body, const char *want)
{
	char *m = llm_error_message(body, strlen(body));

	assert_non_null(m);
	assert_string_equal(m, want);
	free(m);
}

static void test_error_message(void **state)
{
	char long_body[600];
	char *m;

	(void)state;
	check_message("{\"error\":{\"message\":\"Incorrect API key provided\","
		      "\"type\":\"invalid_request_error\"}}",
		      "Incorrect API key provided");
	check_message("{\"error\":\"model 'x' not found\"}",
		      "model 'x' not found");
	check_message("\n  Bad Gateway  \r\n<html>more</html>\n",
		      "Bad Gateway");
	check_message("{\"detail\":\"Not Found\"}", "Not Found");
	check_message("", "");
	check_message("{\"error\":{\"code\":1}}", "{\"error\":{\"code\":1}}");
	/* capped at 200 bytes, not inside a UTF-8 sequence */
	memset(long_body, 'x', sizeof(long_body));
	memcpy(long_body + 199, "\xc3\xa9", 2);
	long_body[sizeof(long_body) - 1] = '\0';
	m = llm_error_message(long_body, strlen(long_body));
	assert_int_equal(strlen(m), 199);
	free(m);
}

/* ---- request body ------------------------------------------------------- */

static const struct llm_entry entries[] = {
	{"8", "What is dropout?", "Randomly zeroing activations.", "a.txt", 0, NULL},
	{"12", "What is batch norm?", "Normalizing layer inputs.", "b.txt", 0, NULL},
	{"15", "What is a GAN?", "Two networks in a game.", "c.txt", 0, NULL},
};

static struct llm_config test_config(const char *url, const char *model)
{
	struct llm_config c;

	memset(&c, 0, sizeof(c));
	c.url = (char *)url;
	c.model = (char *)model;
	c.key = (char *)KEY;
	c.connect_timeout_ms = 1000;
	c.stall_timeout_ms = 500;
	c.max_retries = 3;
	c.context_budget = 6000;
	return c;
}

/* Parse body and return the content of its last message (borrowed from
 * *root, which the caller frees). */
static const char *last_content(const char *body, json_t **root)
{
	json_t *msgs;

	*root = json_loads(body, 0, NULL);
	assert_non_null(*root);
	msgs = json_object_get(*root, "messages");
	assert_true(json_is_array(msgs));
	return json_string_value(json_object_get(
		json_array_get(msgs, json_array_size(msgs) - 1), "content"));
}

/* Length of the context part of a user message. */
static size_t context_len(const char *user)
{
	const char *a = strstr(user, "Context:\n"), *b;

	assert_non_null(a);
	a += strlen("Context:\n");
	b = strstr(a, "\n\nQuestion: ");
	assert_non_null(b);
	return (size_t)(b - a);
}

static void test_request_body(void **state)
{
	struct llm_config c = test_config("http://x", "m1");
	struct llm_turn hist[] = {{"earlier question", "earlier answer [3]"}};
	struct llm_request r = {"What is dropout?", entries, 3, hist, 1, 1,
				NULL};
	char *body = llm_request_body(&c, &r);
	json_t *root, *msgs;
	const char *user;

	(void)state;
	assert_non_null(body);
	assert_null(strstr(body, KEY));
	user = last_content(body, &root);
	assert_string_equal(json_string_value(json_object_get(root, "model")),
			    "m1");
	assert_true(json_is_true(json_object_get(root, "stream")));
	msgs = json_object_get(root, "messages");
	assert_int_equal(json_array_size(msgs), 4);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(msgs, 0), "role")),
			    "system");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(msgs, 1), "content")),
			    "earlier question");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(msgs, 2), "role")),
			    "assistant");
	assert_non_null(strstr(user, "Context:\n[8] a.txt\nQ: What is dropout?\n"
				     "A: Randomly zeroing activations.\n\n"
				     "[12] b.txt\nQ: "));
	assert_non_null(strstr(user, "[15] c.txt\nQ: What is a GAN?"));
	assert_non_null(strstr(user, "\n\nQuestion: What is dropout?"));
	json_decref(root);
	free(body);

	r.stream = 0;
	r.history = NULL;
	body = llm_request_body(&c, &r);
	root = json_loads(body, 0, NULL);
	assert_true(json_is_false(json_object_get(root, "stream")));
	assert_int_equal(json_array_size(json_object_get(root, "messages")), 2);
	json_decref(root);
	free(body);
}

static void test_request_body_budget(void **state)
{
	struct llm_config c = test_config("http://x", "m");
	struct llm_request r = {"q?", entries, 3, NULL, 0, 0, NULL};
	struct llm_entry utf[1] = {{"1", "\xc3\xa9\xc3\xa9\xc3\xa9",
				    "\xe4\xb8\x96\xe4\xb8\x96\xe4\xb8\x96", NULL, 0, NULL}};
	size_t first = strlen("[8] a.txt\nQ: What is dropout?\nA: Randomly "
			      "zeroing activations.");
	const char *user;
	char *body;
	json_t *root;
	size_t budget;

	(void)state;
	/* room for the first two, not the third */
	c.context_budget = first + 2 + strlen("[12] b.txt\nQ: What is batch "
					      "norm?\nA: Normalizing layer "
					      "inputs.") + 10;
	body = llm_request_body(&c, &r);
	user = last_content(body, &root);
	assert_non_null(strstr(user, "[8]"));
	assert_non_null(strstr(user, "[12]"));
	assert_null(strstr(user, "[15]"));
	assert_true(context_len(user) <= c.context_budget);
	json_decref(root);
	free(body);

	/* the first entry alone is too big: it is cut, the rest dropped */
	c.context_budget = 20;
	body = llm_request_body(&c, &r);
	user = last_content(body, &root);
	assert_int_equal(context_len(user), 20);
	assert_non_null(strstr(user, "Context:\n[8] a.txt\nQ: What is\n\n"));
	assert_null(strstr(user, "[12]"));
	json_decref(root);
	free(body);

	/* cuts never split a UTF-8 sequence: the body stays valid JSON */
	r.entries = utf;
	r.nentries = 1;
	for (budget = 1; budget < 30; budget++) {
		c.context_budget = budget;
		body = llm_request_body(&c, &r);
		assert_non_null(body);
		user = last_content(body, &root);
		assert_true(context_len(user) <= budget);
		json_decref(root);
		free(body);
	}
}

/* Snippets first: every entry that fits goes as its snippet, then whole
 * texts replace snippets in rank order while the budget allows; the
 * location goes with each entry. */
static void test_request_body_snippets_first(void **state)
{
	static const char a1[] = "First long text. It has the answer here.",
			  a2[] = "Second long text, with more words in it.";
	struct llm_entry e[2] = {
		{"1", "Q one", a1, "x.md", 12, "It has the answer here."},
		{"2", "Q two", a2, "y.txt", 3, "Second long text..."},
	};
	struct llm_config c = test_config("http://x", "m");
	struct llm_request r = {"q?", e, 2, NULL, 0, 0, NULL};
	size_t s1 = strlen("[1] x.md:12\nQ: Q one\nA: ") + strlen(e[0].snippet),
	       s2 = strlen("[2] y.txt:3\nQ: Q two\nA: ") + strlen(e[1].snippet),
	       more1 = strlen(a1) - strlen(e[0].snippet);
	const char *user;
	char *body;
	json_t *root;

	(void)state;
	/* both snippets fit, and the first entry's whole text, not both */
	c.context_budget = s1 + 2 + s2 + more1;
	body = llm_request_body(&c, &r);
	user = last_content(body, &root);
	assert_non_null(strstr(user, "[1] x.md:12\nQ: Q one\nA: First long "));
	assert_non_null(strstr(user, "[2] y.txt:3\nQ: Q two\nA: Second long "
				     "text...\n\nQuestion: "));
	assert_int_equal(context_len(user), c.context_budget);
	json_decref(root);
	free(body);

	/* one byte less: both stay snippets */
	c.context_budget--;
	body = llm_request_body(&c, &r);
	user = last_content(body, &root);
	assert_non_null(strstr(user, "A: It has the answer here.\n\n[2] "));
	assert_non_null(strstr(user, "A: Second long text...\n\nQuestion"));
	json_decref(root);
	free(body);

	/* room for the first snippet only: the second entry is left out,
	 * even though the first entry's whole text would have fitted */
	c.context_budget = s1 + 2 + s2 - 1;
	body = llm_request_body(&c, &r);
	user = last_content(body, &root);
	assert_null(strstr(user, "[2]"));
	assert_non_null(strstr(user, "A: First long text."));
	json_decref(root);
	free(body);
}

static void test_request_body_bad_utf8(void **state)
{
	struct llm_config c = test_config("http://x", "m");
	struct llm_entry bad[1] = {{"1", "bad \xff byte", "ok", NULL, 0, NULL}};
	struct llm_request r = {"why \xc3?", bad, 1, NULL, 0, 0, NULL};
	char *body = llm_request_body(&c, &r);
	json_t *root;

	(void)state;
	assert_non_null(body);
	assert_non_null(strstr(last_content(body, &root), "bad \xef\xbf\xbd byte"));
	json_decref(root);
	free(body);
}

/* ---- config ------------------------------------------------------------- */

static char cfg_dir[64];

static void clear_env(void)
{
	unsetenv("QUARRY_LLM_URL");
	unsetenv("OPENAI_BASE_URL");
	unsetenv("QUARRY_LLM_MODEL");
	unsetenv("OPENAI_API_KEY");
}

/* Write $XDG_CONFIG_HOME/quarry/config with the given mode. */
static void write_config(const char *text, mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/quarry", cfg_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/quarry/config", cfg_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void remove_config(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/quarry/config", cfg_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/quarry", cfg_dir);
	rmdir(path);
}

static int config_setup(void **state)
{
	(void)state;
	snprintf(cfg_dir, sizeof(cfg_dir), "/tmp/quarry-test-XXXXXX");
	if (mkdtemp(cfg_dir) == NULL)
		return -1;
	setenv("XDG_CONFIG_HOME", cfg_dir, 1);
	clear_env();
	return 0;
}

static int config_teardown(void **state)
{
	(void)state;
	remove_config();
	rmdir(cfg_dir);
	clear_env();
	return 0;
}

static void test_config_defaults(void **state)
{
	struct llm_config c;
	struct qerr err = {0, ""};
	char *warn = (char *)"x";

	(void)state;
	clear_env();
	assert_int_equal(llm_config_load(&c, &warn, &err), QERR_OK);
	assert_null(warn);
	assert_null(c.url);
	assert_null(c.key);
	assert_false(llm_configured(&c));
	assert_int_equal(c.connect_timeout_ms, 5000);
	assert_int_equal(c.stall_timeout_ms, 30000);
	assert_int_equal(c.max_retries, 3);
	assert_int_equal(c.context_budget, 6000);
	llm_config_free(&c);
	llm_config_free(NULL);
}

static const char good_config[] =
	"# quarry settings\n"
	"\n"
	"url = http://file.example/v1   # trailing comment\n"
	"  model=file-model\n"
	"api_key = \"sk-file-key\"\n"
	"connect_timeout = 0.5\n"
	"stall_timeout = 2\n"
	"retries = 1\n"
	"context_budget = 1234\n"
	"colour = blue\n";

static void test_config_file(void **state)
{
	struct llm_config c;
	struct qerr err = {0, ""};
	char *warn = NULL;

	(void)state;
	clear_env();
	write_config(good_config, 0600);
	assert_int_equal(llm_config_load(&c, &warn, &err), QERR_OK);
	assert_null(warn);
	assert_string_equal(c.url, "http://file.example/v1");
	assert_string_equal(c.model, "file-model");
	assert_string_equal(c.key, "sk-file-key");
	assert_int_equal(c.connect_timeout_ms, 500);
	assert_int_equal(c.stall_timeout_ms, 2000);
	assert_int_equal(c.max_retries, 1);
	assert_int_equal(c.context_budget, 1234);
	assert_true(llm_configured(&c));
	llm_config_free(&c);
}

static void test_config_env_precedence(void **state)
{
	struct llm_config c;
	struct qerr err = {0, ""};

	(void)state;
	clear_env();
	write_config(good_config, 0600);
	setenv("OPENAI_BASE_URL", "http://openai-base/v1", 1);
	setenv("OPENAI_API_KEY", "sk-env-key", 1);
	assert_int_equal(llm_config_load(&c, NULL, &err), QERR_OK);
	assert_string_equal(c.url, "http://openai-base/v1");
	assert_string_equal(c.model, "file-model");
	assert_string_equal(c.key, "sk-env-key");
	llm_config_free(&c);

	setenv("QUARRY_LLM_URL", "http://quarry-url/v1", 1);
	setenv("QUARRY_LLM_MODEL", "env-model", 1);
	assert_int_equal(llm_config_load(&c, NULL, &err), QERR_OK);
	assert_string_equal(c.url, "http://quarry-url/v1");
	assert_string_equal(c.model, "env-model");
	llm_config_free(&c);
}

static void test_config_readable_key_refused(void **state)
{
	struct llm_config c;
	struct qerr err = {0, ""};
	char *warn = NULL;

	(void)state;
	clear_env();
	write_config(good_config, 0644);
	assert_int_equal(llm_config_load(&c, &warn, &err), QERR_OK);
	assert_null(c.key);
	assert_string_equal(c.url, "http://file.example/v1");
	assert_non_null(warn);
	assert_non_null(strstr(warn, "readable by others"));
	assert_non_null(strstr(warn, "chmod 600"));
	assert_non_null(strstr(warn, "/quarry/config"));
	assert_null(strstr(warn, "sk-file-key"));
	free(warn);
	llm_config_free(&c);

	/* the same mode without a key is fine */
	write_config("url = http://u/v1\n", 0644);
	warn = NULL;
	assert_int_equal(llm_config_load(&c, &warn, &err), QERR_OK);
	assert_null(warn);
	llm_config_free(&c);
}

/* Without XDG_CONFIG_HOME the file is ~/.config/quarry/config, shown
 * with a tilde. */
static void test_config_home(void **state)
{
	char dir[128], path[160];
	struct llm_config c;
	struct qerr err = {0, ""};
	char *warn = NULL, *home = getenv("HOME");
	char *saved = home ? strdup(home) : NULL;
	FILE *f;

	(void)state;
	clear_env();
	snprintf(dir, sizeof(dir), "%s/.config", cfg_dir);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/.config/quarry", cfg_dir);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/config", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("api_key = sk-home\nmodel = home\n", f);
	fclose(f);
	chmod(path, 0640);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", cfg_dir, 1);
	assert_int_equal(llm_config_load(&c, &warn, &err), QERR_OK);
	assert_string_equal(c.model, "home");
	assert_null(c.key);
	assert_non_null(warn);
	assert_non_null(strstr(warn, "config file ~/.config/quarry/config "));
	free(warn);
	llm_config_free(&c);
	unlink(path);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/.config", cfg_dir);
	rmdir(dir);
	if (saved != NULL)
		setenv("HOME", saved, 1);
	free(saved);
	setenv("XDG_CONFIG_HOME", cfg_dir, 1);
}

static void test_config_malformed(void **state)
{
	struct llm_config c;
	struct qerr err = {0, ""};

	(void)state;
	clear_env();
	write_config("url = http://u\nthis line has no equals\n", 0600);
	assert_int_equal(llm_config_load(&c, NULL, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, ":2:"));
	llm_config_free(&c);

	qerr_clear(&err);
	write_config("stall_timeout = soon\n", 0600);
	assert_int_equal(llm_config_load(&c, NULL, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "stall_timeout"));
	llm_config_free(&c);

	qerr_clear(&err);
	write_config("retries = -1\n", 0600);
	assert_int_equal(llm_config_load(&c, NULL, &err), QERR_DATA);
	llm_config_free(&c);
}

/* Nothing above may have loaded libcurl. */
static void test_curl_not_loaded(void **state)
{
	(void)state;
	assert_null(dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD));
}

/* ---- against tests/llm/server.py --------------------------------------- */

static pid_t server_pid;
static int server_port;
static char server_url[64];

static int server_setup(void **state)
{
	char *argv[] = {(char *)"/usr/bin/python3",
			(char *)"tests/llm/server.py", NULL};
	posix_spawn_file_actions_t fa;
	int fds[2];
	char line[32];
	FILE *f;

	(void)state;
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	if (posix_spawn(&server_pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		kill(server_pid, SIGTERM);
		return -1;
	}
	fclose(f);
	server_port = atoi(line);
	snprintf(server_url, sizeof(server_url), "http://127.0.0.1:%d/v1",
		 server_port);
	return server_port > 0 ? 0 : -1;
}

static int server_teardown(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	return 0;
}

/* GET /last from the server, parsed. Caller decrefs. */
static json_t *server_last(void)
{
	struct sockaddr_in sa;
	struct buf b = BUF_INIT;
	const char *req = "GET /last HTTP/1.0\r\n\r\n", *body;
	char tmp[4096];
	ssize_t n;
	json_t *j;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)server_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_append(&b, tmp, (size_t)n);
	close(fd);
	body = strstr(b.data, "\r\n\r\n");
	assert_non_null(body);
	j = json_loads(body + 4, 0, NULL);
	assert_non_null(j);
	buf_free(&b);
	return j;
}

/* Requests the server saw for model. */
static int server_count(const char *model)
{
	json_t *j = server_last();
	int n = (int)json_integer_value(
		json_object_get(json_object_get(j, "count"), model));

	json_decref(j);
	return n;
}

/* The result of one llm_complete() call. */
struct run {
	int rc;
	struct qerr err;
	struct sink sink;
	struct buf reply;
	double secs;
};

static const struct llm_request ask = {"What is dropout?", entries, 2, NULL,
				       0, 0, NULL};

static void run_cfg(struct run *r, const struct llm_config *c, int stream)
{
	struct llm_request req = ask;
	double t0 = now_s();

	memset(r, 0, sizeof(*r));
	req.stream = stream;
	r->rc = llm_complete(c, &req, collect, &r->sink, &r->reply, &r->err);
	r->secs = now_s() - t0;
	/* the key never shows, whatever happened */
	assert_null(strstr(r->err.msg, KEY));
	assert_null(strstr(r->err.msg, "SECRET"));
	if (r->rc == QERR_OK)
		assert_int_equal(r->err.code, QERR_OK);
	else
		assert_int_equal(r->err.code, r->rc);
}

static void run_model(struct run *r, const char *model, int stream)
{
	struct llm_config c = test_config(server_url, model);

	run_cfg(r, &c, stream);
}

static void run_free(struct run *r)
{
	buf_free(&r->sink.text);
	buf_free(&r->reply);
}

static void test_srv_plain(void **state)
{
	struct llm_config c = test_config(server_url, "plain");
	struct llm_request req = ask;
	struct run r;
	json_t *last;
	char *body;

	(void)state;
	run_model(&r, "plain", 0);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(r.reply.data, "Hello from plain [1].");
	assert_string_equal(r.sink.text.data, "Hello from plain [1].");
	assert_int_equal(r.sink.calls, 1);
	last = server_last();
	assert_string_equal(json_string_value(json_object_get(last,
							      "authorization")),
			    "Bearer " KEY);
	body = llm_request_body(&c, &req);
	assert_string_equal(json_string_value(json_object_get(last, "body")),
			    body);
	free(body);
	json_decref(last);
	run_free(&r);
}

static void test_srv_no_key(void **state)
{
	struct llm_config c = test_config(server_url, "plain#nokey");
	struct run r;
	json_t *last;

	(void)state;
	c.key = NULL;
	run_cfg(&r, &c, 0);
	assert_int_equal(r.rc, QERR_OK);
	last = server_last();
	assert_true(json_is_null(json_object_get(last, "authorization")));
	json_decref(last);
	run_free(&r);
}

static void test_srv_trailing_slash(void **state)
{
	char url[80];
	struct llm_config c;
	struct run r;

	(void)state;
	snprintf(url, sizeof(url), "%s//", server_url);
	c = test_config(url, "plain#slash");
	run_cfg(&r, &c, 0);
	assert_int_equal(r.rc, QERR_OK);
	run_free(&r);
}

static const char stream_text[] = "Hello, stream world [2]. \xc3\xa9\xe4\xb8\x96";

static void test_srv_stream(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "stream", 1);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(r.sink.text.data, stream_text);
	assert_string_equal(r.reply.data, stream_text);
	assert_int_equal(r.sink.calls, 7);
	run_free(&r);
}

static void test_srv_stream_split(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "stream-split", 1);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(r.sink.text.data, stream_text);
	run_free(&r);
}

static void test_srv_stream_error(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "stream-error", 1);
	assert_int_equal(r.rc, QERR_IO);
	assert_non_null(strstr(r.err.msg, "the model is overloaded"));
	assert_string_equal(r.reply.data, "partial");
	run_free(&r);
}

static void test_srv_stream_json(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "stream-json", 1);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(r.sink.text.data, "Not streamed [3].");
	run_free(&r);
}

static void test_srv_stream_abort(void **state)
{
	struct llm_config c = test_config(server_url, "stream#abort");
	struct llm_request req = ask;
	struct sink sk = {BUF_INIT, 0, 2};
	struct qerr err = {0, ""};

	(void)state;
	req.stream = 1;
	assert_int_equal(llm_complete(&c, &req, collect, &sk, NULL, &err),
			 QERR_IO);
	assert_int_equal(sk.calls, 2);
	assert_non_null(strstr(err.msg, "aborted"));
	buf_free(&sk.text);
}

static void test_srv_429(void **state)
{
	struct llm_config c = test_config(server_url, "429");
	struct llm_request req = ask;
	struct run r;
	json_t *last;
	char *body;

	(void)state;
	run_model(&r, "429", 0);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(r.reply.data, "after 429");
	assert_true(r.secs >= 0.9); /* Retry-After: 1 was honoured */
	assert_true(r.secs < 5);
	/* the retry sent the whole body again */
	last = server_last();
	body = llm_request_body(&c, &req);
	assert_string_equal(json_string_value(json_object_get(last, "body")),
			    body);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(last, "count"), "429")),
			 2);
	free(body);
	json_decref(last);
	run_free(&r);
}

static void test_srv_429_no_retries(void **state)
{
	struct llm_config c = test_config(server_url, "429#none");
	struct run r;

	(void)state;
	c.max_retries = 0;
	run_cfg(&r, &c, 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_string_equal(r.err.msg, "HTTP 429: Rate limit reached");
	assert_true(r.secs < 0.9);
	run_free(&r);
}

static void test_srv_500x2(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "500x2", 1);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(r.reply.data, "after 500x2");
	assert_int_equal(server_count("500x2"), 3);
	assert_true(r.secs >= 1.4); /* backoff 0.5 s + 1 s */
	run_free(&r);
}

static void test_srv_500_gives_up(void **state)
{
	struct llm_config c = test_config(server_url, "500x2#b");
	struct run r;

	(void)state;
	c.max_retries = 1;
	run_cfg(&r, &c, 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_string_equal(r.err.msg, "HTTP 500: Internal Server Error");
	assert_int_equal(server_count("500x2#b"), 2);
	run_free(&r);
}

static void test_srv_401(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "401", 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_string_equal(r.err.msg,
			    "HTTP 401: Incorrect API key provided: sk-te****1234.");
	assert_int_equal(server_count("401"), 1); /* no retry */
	run_free(&r);
}

static void test_srv_ollama_error(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "ollama-error", 1);
	assert_int_equal(r.rc, QERR_IO);
	assert_string_equal(r.err.msg, "HTTP 404: model 'x' not found");
	assert_int_equal(server_count("ollama-error"), 1);
	run_free(&r);
}

static void test_srv_malformed(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "malformed", 0);
	assert_int_equal(r.rc, QERR_DATA);
	assert_non_null(strstr(r.err.msg, "malformed reply"));
	run_free(&r);
}

static void test_srv_stall(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "stall", 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_non_null(strstr(r.err.msg, "stall timeout"));
	assert_true(r.secs < 2.8);
	run_free(&r);
}

static void test_srv_stall_mid_stream(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "stall-mid", 1);
	assert_int_equal(r.rc, QERR_IO);
	assert_non_null(strstr(r.err.msg, "stream cut before completion"));
	assert_string_equal(r.reply.data, "early ");
	assert_true(r.secs < 2.8);
	run_free(&r);
}

static void test_srv_cut(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "cut", 1);
	assert_int_equal(r.rc, QERR_IO);
	assert_string_equal(r.err.msg, "stream cut before completion");
	assert_string_equal(r.reply.data, "cut short");
	run_free(&r);

	run_model(&r, "cut-hard", 1);
	assert_int_equal(r.rc, QERR_IO);
	assert_non_null(strstr(r.err.msg, "stream cut before completion"));
	assert_string_equal(r.reply.data, "cut ");
	run_free(&r);
}

static void test_srv_big(void **state)
{
	struct run r;
	size_t i;

	(void)state;
	run_model(&r, "big", 0);
	assert_int_equal(r.rc, QERR_OK);
	assert_int_equal(r.reply.len, 10u * 1024 * 1024);
	for (i = 0; i < r.reply.len; i += 4099)
		assert_int_equal(r.reply.data[i], "0123456789abcdef"[i % 16]);
	run_free(&r);
}

static void test_srv_echo_key(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "echo-key", 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_non_null(strstr(r.err.msg, "HTTP 401: Invalid credentials"));
	assert_non_null(strstr(r.err.msg, "[redacted]"));
	run_free(&r);
}

static void test_srv_unknown_model(void **state)
{
	struct run r;

	(void)state;
	run_model(&r, "no-such-model", 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_string_equal(r.err.msg,
			    "HTTP 404: model 'no-such-model' not found");
	run_free(&r);
}

/* A port nobody listens on: a transfer error, at once, no retry. */
static void test_srv_refused(void **state)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char url[64];
	struct llm_config c;
	struct run r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1", ntohs(sa.sin_port));
	c = test_config(url, "plain");
	run_cfg(&r, &c, 0);
	assert_int_equal(r.rc, QERR_IO);
	assert_true(strlen(r.err.msg) > 0);
	assert_true(r.secs < 1.0);
	run_free(&r);
}

static void test_not_configured(void **state)
{
	struct llm_config c = test_config(NULL, "plain");
	struct qerr err = {0, ""};

	(void)state;
	assert_int_not_equal(llm_complete(&c, &ask, NULL, NULL, NULL, &err), 0);
	assert_true(strlen(err.msg) > 0);
}

int main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_sse_whole),
		cmocka_unit_test(test_sse_split_everywhere),
		cmocka_unit_test(test_sse_crlf),
		cmocka_unit_test(test_sse_missing_content),
		cmocka_unit_test(test_sse_done),
		cmocka_unit_test(test_sse_multiline_data),
		cmocka_unit_test(test_sse_malformed),
		cmocka_unit_test(test_sse_error_object),
		cmocka_unit_test(test_sse_abort),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_request_body),
		cmocka_unit_test(test_request_body_budget),
		cmocka_unit_test(test_request_body_snippets_first),
		cmocka_unit_test(test_request_body_bad_utf8),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_env_precedence),
		cmocka_unit_test(test_config_readable_key_refused),
		cmocka_unit_test(test_config_home),
		cmocka_unit_test(test_config_malformed),
		cmocka_unit_test(test_curl_not_loaded),
	};
	const struct CMUnitTest server[] = {
		cmocka_unit_test(test_not_configured),
		cmocka_unit_test(test_srv_plain),
		cmocka_unit_test(test_srv_no_key),
		cmocka_unit_test(test_srv_trailing_slash),
		cmocka_unit_test(test_srv_stream),
		cmocka_unit_test(test_srv_stream_split),
		cmocka_unit_test(test_srv_stream_error),
		cmocka_unit_test(test_srv_stream_json),
		cmocka_unit_test(test_srv_stream_abort),
		cmocka_unit_test(test_srv_429),
		cmocka_unit_test(test_srv_429_no_retries),
		cmocka_unit_test(test_srv_500x2),
		cmocka_unit_test(test_srv_500_gives_up),
		cmocka_unit_test(test_srv_401),
		cmocka_unit_test(test_srv_ollama_error),
		cmocka_unit_test(test_srv_malformed),
		cmocka_unit_test(test_srv_stall),
		cmocka_unit_test(test_srv_stall_mid_stream),
		cmocka_unit_test(test_srv_cut),
		cmocka_unit_test(test_srv_big),
		cmocka_unit_test(test_srv_echo_key),
		cmocka_unit_test(test_srv_unknown_model),
		cmocka_unit_test(test_srv_refused),
	};
	int failed;

	failed = cmocka_run_group_tests_name("llm_unit", unit, config_setup,
					     config_teardown);
	failed += cmocka_run_group_tests_name("llm_server", server,
					      server_setup, server_teardown);
	return failed ? 1 : 0;
}
