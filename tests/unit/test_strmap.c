/* test_strmap.c - the string map: every key counted under its own entry
 * through growth, keys that share slots and hash bits, prefixes of each
 * other, looked up with and without the caller's hash; pruning keeps the
 * rest findable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../util/strmap.h"

#define N 5000

/* Key i: "k<i/2>" and "k<i/2>x" in turn, each the other's prefix, so
 * that equal leading bytes never make a match. */
static size_t key(char *out, size_t cap, int i)
{
	return (size_t)snprintf(out, cap, i % 2 ? "k%d" : "k%dx", i / 2);
}

static void test_counts(void **state)
{
	struct strmap m = STRMAP_INIT;
	char k[32];
	int i, pass;

	(void)state;
	/* twice over: the first pass adds (and grows the map), the second
	 * finds; half of the lookups bring their own hash */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < N; i++) {
			size_t n = key(k, sizeof(k), i);
			struct strmap_entry *e =
				i % 2 ? strmap_get_hashed(&m, k, n,
							  str_hash(k, n))
				      : strmap_get(&m, k, n);

			assert_non_null(e);
			assert_string_equal(e->key, k);
			assert_true(e->hash == str_hash(k, n));
			e->count++;
		}
	assert_int_equal(m.n, N);
	for (i = 0; i < N; i++) {
		const struct strmap_entry *e;

		key(k, sizeof(k), i);
		e = strmap_find(&m, k);
		assert_non_null(e);
		assert_int_equal(e->count, 2);
	}
	assert_null(strmap_find(&m, "k"));
	assert_null(strmap_find(&m, "k10xx"));
	assert_null(strmap_find(&m, ""));
	strmap_free(&m);
}

/* A key given with part of its length is the shorter key. */
static void test_lengths(void **state)
{
	struct strmap m = STRMAP_INIT;
	struct strmap_entry *a, *b;

	(void)state;
	a = strmap_get(&m, "network", 7);
	a->count = 7;
	b = strmap_get(&m, "networks", 7);
	assert_ptr_equal(a, b);
	b = strmap_get_hashed(&m, "net", 3, str_hash("net", 3));
	assert_string_equal(b->key, "net");
	assert_int_equal(b->count, 0);
	assert_int_equal(strmap_find(&m, "network")->count, 7);
	assert_int_equal(m.n, 2);
	strmap_free(&m);
}

/* Pruning rehashes what it keeps from the stored hashes. */
static void test_prune(void **state)
{
	struct strmap m = STRMAP_INIT;
	char k[32];
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		size_t n = key(k, sizeof(k), i);

		strmap_get(&m, k, n)->count = i % 3;
	}
	assert_int_equal(strmap_prune(&m, 2), N / 3);
	for (i = 0; i < N; i++) {
		const struct strmap_entry *e;

		key(k, sizeof(k), i);
		e = strmap_find(&m, k);
		if (i % 3 == 2) {
			assert_non_null(e);
			assert_int_equal(e->count, 2);
		} else {
			assert_null(e);
		}
	}
	/* and the map still adds after it */
	assert_non_null(strmap_get(&m, "new", 3));
	assert_int_equal(m.n, N / 3 + 1);
	strmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
