/* test_render.c - an LLM reply laid out for a terminal (cli/render.c):
 * wrapped without splitting words, Markdown marks as attributes with
 * colour and kept without, and the same output however the stream is cut.
 * (render.c is compiled in: the unit tests link the library, not cli/.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/render.c"

/* text laid out at width, fed in pieces of step bytes (0: whole).
 * Caller frees. */
static char *lay(const char *text, int width, int color, size_t step)
{
	char *out = NULL;
	size_t len = 0, n = strlen(text), i;
	FILE *fp = open_memstream(&out, &len);
	struct cli_render r;

	assert_non_null(fp);
	cli_render_init(&r, fp, width, color);
	if (step == 0)
		step = n ? n : 1;
	for (i = 0; i < n; i += step)
		assert_int_equal(cli_render_feed(&r, text + i,
						 n - i < step ? n - i : step),
				 0);
	assert_int_equal(cli_render_end(&r), 0);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static const char *const REPLY =
	"Dropout is a **regularization technique** that randomly ignores "
	"neurons [1]. Use `nn.Dropout(p=0.5)`; supercalifragilisticexpialidocious "
	"stays whole, and so does caf\xc3\xa9 \xe4\xb8\x96\xe7\x95\x8c.\n\n"
	"# Heading\n"
	"- first point about *overfitting*, long enough to wrap onto a second "
	"line\n"
	"  - nested point\n"
	"1. numbered\n"
	"> quoted text\n"
	"```c\nint  x = 2*3;   /* keep */\n```\n"
	"snake_case and 2*3 stay.";

/* Every line of out at most width columns (SGR codes not counted), but
 * for a line holding one word wider than that. */
static void assert_wrapped(const char *out, int width)
{
	const char *s = out;

	while (*s) {
		size_t n = strcspn(s, "\n"), i;
		char *line = malloc(n + 1), *d = line;

		assert_non_null(line);
		for (i = 0; i < n; i++) {
			if (s[i] == '\033') {
				while (i < n && s[i] != 'm')
					i++;
				continue;
			}
			*d++ = s[i];
		}
		*d = '\0';
		/* (a word wider than the line stands alone on it) */
		if (cli_text_width(line, strlen(line)) > width)
			assert_null(strchr(line + strspn(line, " "), ' '));
		free(line);
		s += n + (s[n] == '\n');
	}
}

static void test_plain_wrap(void **state)
{
	char *out = lay(REPLY, 30, 0, 0);

	(void)state;
	assert_wrapped(out, 30);
	/* marks kept, words whole, the list wraps under its text */
	assert_non_null(strstr(out, "**regularization\ntechnique**"));
	assert_non_null(strstr(out, "\nsupercalifragilisticexpialidocious"));
	assert_non_null(strstr(out, "\n- first point about\n  *overfitting*"));
	assert_non_null(strstr(out, "\n  - nested point\n"));
	assert_non_null(strstr(out, "\n1. numbered\n"));
	assert_non_null(strstr(out, "\n```c\nint  x = 2*3;   /* keep */\n```\n"));
	assert_null(strchr(out, '\033'));
	free(out);
}

static void test_color(void **state)
{
	char *out = lay(REPLY, 30, 1, 0);

	(void)state;
	assert_wrapped(out, 30);
	assert_non_null(strstr(out, SGR_BOLD "regularization"));
	assert_null(strstr(out, "**"));
	assert_non_null(strstr(out, SGR_CODE "nn.Dropout(p=0.5)" SGR_OFF));
	assert_non_null(strstr(out, SGR_ITALIC "overfitting" SGR_OFF ","));
	assert_non_null(strstr(out, "\xe2\x80\xa2 first point")); /* bullet */
	assert_non_null(strstr(out, "    " SGR_CODE "int  x = 2*3;   /* keep */"));
	assert_null(strstr(out, "```"));
	assert_non_null(strstr(out, "snake_case and 2*3 stay."));
	assert_non_null(strstr(out, SGR_BOLD "Heading"));
	assert_null(strstr(out, "# Heading"));
	free(out);
}

/* However the stream is cut, the same bytes come out. */
static void test_cuts(void **state)
{
	char *whole = lay(REPLY, 40, 1, 0);
	size_t step;

	(void)state;
	for (step = 1; step < 12; step++) {
		char *cut = lay(REPLY, 40, 1, step);

		assert_string_equal(cut, whole);
		free(cut);
	}
	free(whole);
}

/* Width 0 wraps nothing; text without marks passes unchanged. */
static void test_nowrap(void **state)
{
	const char *t = "one two  three\nfour\n\nfive";
	char *out = lay(t, 0, 0, 3);

	(void)state;
	assert_string_equal(out, "one two three\nfour\n\nfive");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_wrap),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_nowrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
