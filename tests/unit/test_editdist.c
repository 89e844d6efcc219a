/* test_editdist.c - the bounded edit distance: its one-pass path for
 * max <= 1 agrees with the full table on every pair of short strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../util/editdist.h"

#define ALPHA 3
#define MAXLEN 5

/* Every string over "abc" of 0..MAXLEN bytes, NUL-separated in s. */
static int all_strings(char s[][MAXLEN + 1])
{
	int n = 0, len, k, i;

	for (len = 0; len <= MAXLEN; len++) {
		int count = 1;

		for (i = 0; i < len; i++)
			count *= ALPHA;
		for (k = 0; k < count; k++) {
			int v = k;

			for (i = 0; i < len; i++) {
				s[n][i] = (char)('a' + v % ALPHA);
				v /= ALPHA;
			}
			s[n][len] = '\0';
			n++;
		}
	}
	return n;
}

static void test_known(void **state)
{
	(void)state;
	assert_int_equal(osa_distance("abc", 3, "abc", 3, 1), 0);
	assert_int_equal(osa_distance("abc", 3, "abd", 3, 1), 1);
	assert_int_equal(osa_distance("abc", 3, "acb", 3, 1), 1);
	assert_int_equal(osa_distance("abc", 3, "ab", 2, 1), 1);
	assert_int_equal(osa_distance("ab", 2, "xab", 3, 1), 1);
	assert_int_equal(osa_distance("abc", 3, "cab", 3, 1), 2);
	assert_int_equal(osa_distance("ca", 2, "abc", 3, 2), 3); /* OSA, not Damerau */
	assert_int_equal(osa_distance("dropout", 7, "droupot", 7, 2), 2);
	assert_int_equal(osa_distance("a", 1, "abcd", 4, 2), 3);
	assert_int_equal(osa_distance("", 0, "", 0, 0), 0);
}

static void test_fast_path_agrees(void **state)
{
	static char s[400][MAXLEN + 1];
	int n = all_strings(s), i, j, max;

	(void)state;
	assert_int_equal(n, 364);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int la = (int)strlen(s[i]), lb = (int)strlen(s[j]);
			int full = osa_distance(s[i], la, s[j], lb, 2 * MAXLEN);

			for (max = 0; max <= 1; max++) {
				int want = full > max ? max + 1 : full;

				if (osa_distance(s[i], la, s[j], lb, max) != want)
					fail_msg("'%s' '%s' max %d: %d, want %d",
						 s[i], s[j], max,
						 osa_distance(s[i], la, s[j],
							      lb, max),
						 want);
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_fast_path_agrees),
	};

	return cmocka_run_group_tests_name("editdist", tests, NULL, NULL);
}
