/* fuzz_term.c - the terminal sanitizer on arbitrary bytes.
 *
 * Whatever the input, the output holds no C0 control but \n and \t (none
 * at all in TERM_NAME), no DEL, no C1 control in UTF-8 form, and is valid
 * UTF-8; and the input fed as a stream cut at two points derived from its
 * first bytes gives exactly what it gives whole. */
#include "../../util/term.h"
#include "fuzz.h"

/* The contract on one clean output. */
static void check_clean(const char *s, size_t n, enum term_mode mode)
{
	size_t i;

	FUZZ_CHECK(fuzz_utf8_ok(s, n));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\t')
			FUZZ_CHECK(mode == TERM_TEXT);
		else
			FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		if (c == 0xc2 && i + 1 < n)
			FUZZ_CHECK((unsigned char)s[i + 1] >= 0xa0);
	}
}

/* Feed data[from..to) as its own allocation. */
static void feed(struct term_stream *st, struct buf *out, const uint8_t *data,
		 size_t from, size_t to)
{
	char *chunk = malloc(to - from + 1);

	FUZZ_CHECK(chunk != NULL);
	memcpy(chunk, data + from, to - from);
	FUZZ_CHECK(term_stream_feed(st, out, chunk, to - from) == 0);
	free(chunk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum term_mode mode = size > 0 && (data[0] & 1) ? TERM_NAME : TERM_TEXT;
	struct term_stream st = TERM_STREAM_INIT(mode);
	struct buf whole = BUF_INIT, split = BUF_INIT;
	size_t a = size > 1 ? data[1] % (size + 1) : 0;
	size_t b = size > 2 ? a + data[2] % (size - a + 1) : size;

	FUZZ_CHECK(term_clean(&whole, (const char *)data, size, mode) == 0);
	check_clean(whole.data ? whole.data : "", whole.len, mode);
	feed(&st, &split, data, 0, a);
	feed(&st, &split, data, a, b);
	feed(&st, &split, data, b, size);
	FUZZ_CHECK(term_stream_end(&st, &split) == 0);
	FUZZ_CHECK(split.len == whole.len);
	FUZZ_CHECK(whole.len == 0 || memcmp(split.data, whole.data, whole.len) == 0);
	buf_free(&whole);
	buf_free(&split);
	return 0;
}
