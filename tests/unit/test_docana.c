/* test_docana.c - one record's analysis: distinct terms in order with
 * their frequency per field, lengths without stop words, words once,
 * acronym and word-run keys; and the same result from any struct docana
 * and scratch, whatever came before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../index/analyzer.h"
#include "../../index/docana.h"
#include "../../util/strmap.h"

static const char *Q = "What is a Long Short-Term Memory network?";
static const char *A = "Long Short-Term Memory (LSTM) networks remember; "
		       "the network forgets what it is told to forget.";

/* The analysis of d as one line: "term:tfq/tfa ..." | lengths | words |
 * aliases | grams. */
static void describe(const struct docana *d, char *out, size_t n)
{
	size_t i, l = 0;

#define PUT(...) (l += (size_t)snprintf(out + l, n - l, __VA_ARGS__))
	for (i = 0; i < d->nterms; i++)
		PUT("%s:%u/%u ", docana_str(d, d->terms[i].off),
		    d->terms[i].tf[0], d->terms[i].tf[1]);
	PUT("| %ld %ld |", d->len[0], d->len[1]);
	for (i = 0; i < d->nwords; i++) {
		const char *w = docana_str(d, d->words[i].off);

		/* (the builder counts a word under the hash and length
		 * carried with it) */
		assert_int_equal(d->words[i].len, strlen(w));
		assert_true(d->words[i].hash == str_hash(w, strlen(w)));
		PUT(" %s", w);
	}
	PUT(" |");
	for (i = 0; i < d->naliases; i++)
		PUT(" [%s]", docana_str(d, d->aliases[i]));
	PUT(" |");
	for (i = 0; i < d->ngrams; i++)
		PUT(" [%s]", docana_str(d, d->grams[i]));
#undef PUT
}

static void test_record(void **state)
{
	struct tok *t = tok_new(TOK_STEM);
	struct docana *d = docana_new();
	struct docana_work *w = docana_work_new();
	char got[2048];
	size_t i;

	(void)state;
	assert_non_null(t);
	assert_non_null(d);
	assert_non_null(w);
	assert_int_equal(docana_run(d, w, t, NULL, Q, A, NULL), 0);
	describe(d, got, sizeof(got));
	assert_string_equal(got,
		"what:1/1 is:1/1 a:1/0 long:1/1 short:1/1 term:1/1 memori:1/1 "
		"network:1/2 lstm:0/1 rememb:0/1 the:0/1 forget:0/2 it:0/1 "
		"told:0/1 to:0/1 | 5 11 | long short term memory network "
		"lstm networks remember forgets told forget | "
		"[lstm\tlong short term memori] | [ls\tlong short] "
		"[lst\tlong short term] [st\tshort term] "
		"[stm\tshort term memori] [tm\tterm memori] "
		"[tmn\tterm memori network] [mn\tmemori network]");
	for (i = 0; i < d->nterms; i++) {
		const char *s = docana_str(d, d->terms[i].off);

		assert_int_equal(strlen(s), d->terms[i].len);
	}
	assert_int_equal(d->nvec, 0);
	docana_free(d);
	docana_work_free(w);
	tok_free(t);
}

/* A scratch used for other records before, and a new struct docana,
 * give the same analysis as fresh ones: nothing leaks from record to
 * record. */
static void test_reuse(void **state)
{
	struct tok *t = tok_new(TOK_STEM);
	struct docana *d1 = docana_new(), *d2 = docana_new();
	struct docana_work *w = docana_work_new(), *w2 = docana_work_new();
	char first[2048], again[2048], big[8192];
	int i;

	(void)state;
	assert_int_equal(docana_run(d1, w, t, NULL, Q, A, NULL), 0);
	describe(d1, first, sizeof(first));
	/* a long record grows the sets; many short ones turn the stamps */
	for (i = 0; i < (int)sizeof(big) - 8; i += 7)
		snprintf(big + i, sizeof(big) - (size_t)i, "w%05d ", i);
	assert_int_equal(docana_run(d2, w, t, NULL, "x", big, NULL), 0);
	assert_true(d2->nterms > 1000);
	for (i = 0; i < 3000; i++)
		assert_int_equal(docana_run(d2, w, t, NULL, "what", "is", NULL),
				 0);
	assert_int_equal(docana_run(d2, w, t, NULL, Q, A, NULL), 0);
	describe(d2, again, sizeof(again));
	assert_string_equal(first, again);
	assert_int_equal(docana_run(d1, w2, t, NULL, Q, A, NULL), 0);
	describe(d1, again, sizeof(again));
	assert_string_equal(first, again);
	assert_true(docana_size(d1) > sizeof(*d1));
	docana_free(d1);
	docana_free(d2);
	docana_free(NULL);
	docana_work_free(w);
	docana_work_free(w2);
	docana_work_free(NULL);
	tok_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
