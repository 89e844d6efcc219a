/* test_term.c - the terminal sanitizer: every control character becomes
 * visible, in names newlines are escaped, printable text and valid UTF-8
 * pass unchanged, and a stream cut anywhere gives what the whole text
 * gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/term.h"

static char *clean(const char *s, size_t n, enum term_mode mode)
{
	struct buf b = BUF_INIT;

	assert_int_equal(term_clean(&b, s, n, mode), 0);
	assert_int_equal(buf_putc(&b, 0), 0);
	return buf_detach(&b);
}

static void expect(const char *in, size_t n, enum term_mode mode,
		   const char *want)
{
	char *got = clean(in, n, mode);

	assert_string_equal(got, want);
	free(got);
}

#define EXPECT(lit, mode, want) expect(lit, sizeof(lit) - 1, mode, want)

static void test_c0_and_del(void **state)
{
	(void)state;
	EXPECT("\033]0;PWNED\007", TERM_TEXT, "^[]0;PWNED^G");
	EXPECT("\033]52;c;aGk=\033\\", TERM_TEXT, "^[]52;c;aGk=^[\\");
	EXPECT("a\0b", TERM_TEXT, "a^@b");
	EXPECT("del\177", TERM_TEXT, "del^?");
	EXPECT("cr\rhere", TERM_TEXT, "cr^Mhere");
	EXPECT("\b\f\v", TERM_NAME, "^H^L^K");
}

static void test_layout(void **state)
{
	(void)state;
	EXPECT("line 1\n\tline 2", TERM_TEXT, "line 1\n\tline 2");
	EXPECT("evil\nquarry: error: forged", TERM_NAME,
	       "evil\\nquarry: error: forged");
	EXPECT("a\tb\rc", TERM_NAME, "a\\tb\\rc");
}

static void test_c1(void **state)
{
	(void)state;
	/* U+009B (CSI) and U+0085 (NEL) in UTF-8 */
	EXPECT("x\xc2\x9b" "31m\xc2\x85y", TERM_TEXT, "x<U+009B>31m<U+0085>y");
	EXPECT("\xc2\x80\xc2\x9f", TERM_NAME, "<U+0080><U+009F>");
	/* a lone 8-bit CSI byte is not UTF-8: U+FFFD */
	EXPECT("a\x9b" "2Jb", TERM_TEXT, "a\xef\xbf\xbd" "2Jb");
}

static void test_printable_passes(void **state)
{
	const char *s = "caf\xc3\xa9 \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x98\x80 "
			"\xc2\xa0nbsp \xef\xbf\xbd ~!";

	(void)state;
	expect(s, strlen(s), TERM_TEXT, s);
	expect(s, strlen(s), TERM_NAME, s);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	EXPECT("\xc0\xaf", TERM_TEXT, "\xef\xbf\xbd\xef\xbf\xbd"); /* overlong */
	EXPECT("\xed\xa0\x80", TERM_TEXT,
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	EXPECT("end\xe4\xb8", TERM_TEXT, "end\xef\xbf\xbd"); /* cut at end */
	EXPECT("\xc2\x1b", TERM_TEXT, "\xef\xbf\xbd^[");
}

static void test_dup(void **state)
{
	char *s = term_dup("a\033b", TERM_NAME), *e = term_dup(NULL, TERM_TEXT);

	(void)state;
	assert_string_equal(s, "a^[b");
	assert_string_equal(e, "");
	free(s);
	free(e);
}

/* Every way of cutting the text in two or three pieces gives the same
 * output as the whole. */
static void test_stream_cuts(void **state)
{
	static const char text[] = "ok \xc2\x9b" "1m \033]0;t\007 \xe4\xb8\x96"
				   "\xf0\x9f\x98\x80 \xc2\x85\n\xe4\xb8 \xc3";
	size_t n = sizeof(text) - 1, i, j;
	char *whole = clean(text, n, TERM_TEXT);

	(void)state;
	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			struct term_stream st = TERM_STREAM_INIT(TERM_TEXT);
			struct buf b = BUF_INIT;

			assert_int_equal(term_stream_feed(&st, &b, text, i), 0);
			assert_int_equal(term_stream_feed(&st, &b, text + i, j - i),
					 0);
			assert_int_equal(term_stream_feed(&st, &b, text + j, n - j),
					 0);
			assert_int_equal(term_stream_end(&st, &b), 0);
			assert_int_equal(buf_putc(&b, 0), 0);
			assert_string_equal(b.data, whole);
			buf_free(&b);
		}
	}
	free(whole);
}

/* Byte by byte, a C1 control in UTF-8 form is still caught. */
static void test_stream_bytewise(void **state)
{
	static const char text[] = "\xc2\x9b" "2J\xc2";
	struct term_stream st = TERM_STREAM_INIT(TERM_TEXT);
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(text) - 1; i++)
		assert_int_equal(term_stream_feed(&st, &b, text + i, 1), 0);
	assert_int_equal(term_stream_end(&st, &b), 0);
	assert_int_equal(buf_putc(&b, 0), 0);
	assert_string_equal(b.data, "<U+009B>2J\xef\xbf\xbd");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_printable_passes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_stream_cuts),
		cmocka_unit_test(test_stream_bytewise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
