/* test_wordlist.c - the word list: whole lines only, any line ending, the
 * first and last lines, capitalized entries, unsorted files, bad paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../util/wordlist.h"

static char dir[] = "/tmp/quarry-test-wordlist-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/words", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static struct wordlist *list_of(const char *text)
{
	FILE *f = fopen(path, "wb");
	struct wordlist *w;

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	w = wordlist_open(path);
	assert_non_null(w);
	return w;
}

static int has(struct wordlist *w, const char *s)
{
	return wordlist_has(w, s, strlen(s));
}

static void test_whole_lines(void **state)
{
	/* not sorted, a capitalized name, no newline at the end */
	struct wordlist *w = list_of("thing\nanything\nthings\nUbuntu\nzebra\n"
				     "apple\nthin");

	(void)state;
	assert_true(has(w, "thing"));
	assert_true(has(w, "things"));
	assert_true(has(w, "anything"));
	assert_true(has(w, "thin"));   /* last line, no newline */
	assert_true(has(w, "apple"));  /* 'a' lines are not contiguous */
	assert_true(has(w, "ubuntu")); /* lower case finds the name */
	assert_true(has(w, "Ubuntu"));
	assert_false(has(w, "thi"));    /* a prefix of lines */
	assert_false(has(w, "hing"));   /* a suffix of a line */
	assert_false(has(w, "nything"));
	assert_false(has(w, "thingss"));
	assert_true(has(w, "zebra"));
	assert_false(has(w, "Zebra")); /* only a lower-case word folds */
	assert_false(has(w, "lerning"));
	assert_false(has(w, ""));
	assert_false(wordlist_has(w, "thing\nthings", 12));
	wordlist_close(w);
}

static void test_first_line_and_crlf(void **state)
{
	struct wordlist *w = list_of("graph\r\ngradient\r\ngrape\r\n");

	(void)state;
	assert_true(has(w, "graph")); /* first line of the file */
	assert_true(has(w, "gradient"));
	assert_true(has(w, "grape"));
	assert_false(has(w, "grap"));
	assert_false(has(w, "graph\r"));
	wordlist_close(w);
	w = list_of("one");
	assert_true(has(w, "one"));
	assert_false(has(w, "on"));
	wordlist_close(w);
	/* one-letter lines and words */
	w = list_of("x\nxy\nI\n");
	assert_true(has(w, "x"));
	assert_true(has(w, "xy"));
	assert_true(has(w, "i"));
	assert_false(has(w, "xz"));
	assert_false(has(w, "y"));
	wordlist_close(w);
}

static void test_empty_and_long(void **state)
{
	char longw[80];
	struct wordlist *w = list_of("");

	(void)state;
	assert_false(has(w, "anything"));
	wordlist_close(w);
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	w = list_of(longw);
	assert_false(has(w, longw)); /* longer than the longest word kept */
	wordlist_close(w);
	wordlist_close(NULL);
	assert_false(wordlist_has(NULL, "a", 1));
}

static void test_bad_paths(void **state)
{
	(void)state;
	errno = 0;
	assert_null(wordlist_open("/nonexistent/quarry/words"));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(wordlist_open(dir)); /* a directory */
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_lines),
		cmocka_unit_test(test_first_line_and_crlf),
		cmocka_unit_test(test_empty_and_long),
		cmocka_unit_test(test_bad_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
