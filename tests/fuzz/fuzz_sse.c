/* fuzz_sse.c - the streamed-reply (SSE) parser on arbitrary bytes.
 *
 * The input is fed twice: whole, to one parser, and cut at one or two
 * points derived from its first bytes, to another.  Where the cuts fall
 * must not matter: both parsers must deliver the same text, end in the
 * same state and report the same status.  Each chunk is an exact-size
 * heap copy so that reading past a chunk's end is caught by ASan.  After
 * an error, feeding more must return the same (sticky) status, and its
 * message should be valid UTF-8 (strict mode, see fuzz.h). */
#include "../../llm/llm.h"
#include "fuzz.h"

static int on_text(void *ctx, const char *text, size_t len)
{
	struct buf *b = ctx;

	FUZZ_CHECK(text != NULL && len > 0);
	FUZZ_CHECK(fuzz_utf8_ok(text, len));
	FUZZ_CHECK(buf_append(b, text, len) == 0);
	return 0;
}

/* Feed data[from..to) as its own allocation. */
static int feed(struct llm_sse *p, const uint8_t *data, size_t from,
		size_t to, struct qerr *err)
{
	char *chunk = malloc(to - from + 1);
	int rc;

	FUZZ_CHECK(chunk != NULL);
	memcpy(chunk, data + from, to - from);
	rc = llm_sse_feed(p, chunk, to - from, err);
	free(chunk);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole = BUF_INIT, split = BUF_INIT;
	struct qerr e1 = {0, ""}, e2 = {0, ""};
	struct llm_sse *a = llm_sse_new(on_text, &whole);
	struct llm_sse *b = llm_sse_new(on_text, &split);
	size_t cut1 = 0, cut2 = 0;
	int rc1, rc2 = 0;

	FUZZ_CHECK(a != NULL && b != NULL);
	if (size > 0) {
		cut1 = ((size_t)data[0] * 131u + size) % (size + 1);
		cut2 = size > 1 ? ((size_t)data[1] * 257u + cut1) % (size + 1)
				: size;
		if (cut2 < cut1) {
			size_t tmp = cut1;

			cut1 = cut2;
			cut2 = tmp;
		}
	}
	rc1 = feed(a, data, 0, size, &e1);
	rc2 = feed(b, data, 0, cut1, &e2);
	if (rc2 == 0)
		rc2 = feed(b, data, cut1, cut2, &e2);
	if (rc2 == 0)
		rc2 = feed(b, data, cut2, size, &e2);

	FUZZ_CHECK(rc1 == rc2);
	FUZZ_CHECK(rc1 == 0 || e1.code == rc1);
	FUZZ_COSMETIC(fuzz_utf8_ok(e1.msg, strlen(e1.msg)));
	FUZZ_CHECK(llm_sse_done(a) == llm_sse_done(b));
	FUZZ_CHECK(whole.len == split.len &&
		   (whole.len == 0 || memcmp(whole.data, split.data,
					     whole.len) == 0));
	if (rc1 != 0) /* sticky */
		FUZZ_CHECK(llm_sse_feed(a, "data: {}\n\n", 10, NULL) == rc1);
	llm_sse_free(a);
	llm_sse_free(b);
	buf_free(&whole);
	buf_free(&split);
	return 0;
}
