/* fuzz_llm_body.c - the parsers of whole (non-streamed) server replies.
 *
 * llm_error_message reads an HTTP error body; read_body (static in
 * llm/llm.c, which is therefore compiled into this file) reads a
 * chat-completion JSON reply and hands its text on; llm_clean_line turns
 * server text into a one-line message.  Their results must be valid UTF-8
 * without control characters and within the documented lengths; error
 * messages should be valid UTF-8 (strict mode, see fuzz.h). */
#include "../../llm/llm.c"
#include "fuzz.h"

/* A one-line message: valid UTF-8, no control bytes, at most max bytes,
 * and (strict mode only, see fuzz.h) no blank at either end. */
static void check_line(const char *s, size_t max)
{
	size_t n, i;

	FUZZ_CHECK(s != NULL);
	n = strlen(s);
	FUZZ_CHECK(n <= max);
	FUZZ_CHECK(fuzz_utf8_ok(s, n));
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
	FUZZ_COSMETIC(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

static int on_text(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	FUZZ_CHECK(fuzz_utf8_ok(text, len));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct xfer x;
	struct buf reply = BUF_INIT;
	struct qerr err = {0, ""};
	char *msg;
	int rc;

	msg = llm_error_message(body, size);
	check_line(msg, 300);
	free(msg);

	/* max and first_line from the input, so short caps get exercised. */
	msg = llm_clean_line(body, size, size > 0 ? data[0] % 64 : 0,
			     size > 1 ? data[1] & 1 : 0);
	check_line(msg, size > 0 ? data[0] % 64 : 0);
	free(msg);

	memset(&x, 0, sizeof(x));
	x.on_text = on_text;
	x.reply = &reply;
	FUZZ_CHECK(buf_append(&x.body, body, size) == 0);
	rc = read_body(&x, &err);
	FUZZ_CHECK(rc == err.code);
	FUZZ_CHECK(rc == 0 || rc == QERR_DATA || rc == QERR_IO);
	FUZZ_CHECK(rc != 0 || fuzz_utf8_ok(reply.data ? reply.data : "",
					   reply.len));
	if (rc != 0) /* the message is printed as is */
		FUZZ_COSMETIC(fuzz_utf8_ok(err.msg, strlen(err.msg)));
	buf_free(&x.body);
	buf_free(&reply);
	return 0;
}
