/* test_analyzer.c - normalization, splitting, stemming and stop words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../index/analyzer.h"

struct collect {
	char out[1024];
	int n, stops;
};

static int collect_fn(void *ctx, const char *term, size_t len,
		      const char *word, int pos, int is_stop)
{
	struct collect *c = ctx;
	size_t l = strlen(c->out);

	(void)word;
	assert_int_equal(pos, c->n);
	assert_int_equal(strlen(term), len);
	snprintf(c->out + l, sizeof(c->out) - l, "%s%s", c->n ? " " : "", term);
	c->n++;
	c->stops += is_stop;
	return 0;
}

static void analyze(int flags, const char *text, struct collect *c)
{
	struct tok *t = tok_new(flags);

	assert_non_null(t);
	memset(c, 0, sizeof(*c));
	assert_int_equal(tok_run(t, text, strlen(text), collect_fn, c, NULL), 0);
	tok_free(t);
}

static void test_ascii_split_and_case(void **state)
{
	struct collect c;

	(void)state;
	analyze(0, "Multi-Layer Perceptrons (MLPs): L1, t-SNE!", &c);
	assert_string_equal(c.out, "multi layer perceptrons mlps l1 t sne");
	/* (longer than 16 bytes: lower-cased sixteen at a time, then the
	 * rest; the bytes around A-Z and a-z are not letters) */
	analyze(0, "@AZ[`az{ ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 abcdefghijKLM",
		&c);
	assert_string_equal(c.out, "az az abcdefghijklmnopqrstuvwxyz "
			    "0123456789 abcdefghijklm");
}

static void test_stemming(void **state)
{
	struct collect c;

	(void)state;
	analyze(TOK_STEM, "networks training normalization generative", &c);
	assert_string_equal(c.out, "network train normal generat");
}

/* Snowball keeps the 's' of "CNNs" (no vowel before it); quarry drops it,
 * but not from "TSS" or from words with vowels, which Snowball handles. */
static void test_acronym_plurals(void **state)
{
	struct collect c;

	(void)state;
	analyze(TOK_STEM, "CNNs CNN LSTMs MLPs L2s TSS GANs bus gas ms", &c);
	assert_string_equal(c.out, "cnn cnn lstm mlp l2 tss gan bus gas ms");
}

static void test_possessive_and_curly_apostrophe(void **state)
{
	struct collect c;

	(void)state;
	analyze(TOK_STEM, "the model\xe2\x80\x99s capacity, Adam's rule", &c);
	assert_string_equal(c.out, "the model capac adam rule");
}

static void test_unicode_fold_and_accents(void **state)
{
	struct collect c;

	(void)state;
	/* fullwidth letters fold by NFKC; accents are stripped; ß folds */
	analyze(0, "\xef\xbc\xa1\xef\xbc\xa9 Caf\xc3\xa9 STRASSE stra\xc3\x9f" "e", &c);
	assert_string_equal(c.out, "ai cafe strasse strasse");
}

struct spans {
	struct tok *t;
	const char *text;
	char out[1024];
};

/* Each word as the input bytes tok_span gives for it, "|"-separated. */
static int span_fn(void *ctx, const char *term, size_t len,
		   const char *word, int pos, int is_stop)
{
	struct spans *c = ctx;
	size_t l = strlen(c->out), a, b;

	(void)term, (void)len, (void)word, (void)pos, (void)is_stop;
	tok_span(c->t, &a, &b);
	snprintf(c->out + l, sizeof(c->out) - l, "%s%.*s", l ? "|" : "",
		 (int)(b - a), c->text + a);
	return 0;
}

/* ASCII runs before, between and after chunks that hold other bytes
 * (first, last, adjacent, after each kind of blank): the same terms as
 * word by word, and spans that give back each word as written. */
static void test_mixed_chunks_and_spans(void **state)
{
	static const char text[] = "\xc3\x89t\xc3\xa9 ABC Caf\xc3\xa9 "
				   "na\xc3\xafve DEF\tGHI\r\n\xc3\x9c"
				   "ber jkl x\xc3\xa9";
	struct collect c;
	struct spans sp = {0};

	(void)state;
	analyze(0, text, &c);
	assert_string_equal(c.out, "ete abc cafe naive def ghi uber jkl xe");
	sp.t = tok_new(0);
	sp.text = text;
	assert_non_null(sp.t);
	assert_int_equal(tok_run(sp.t, text, strlen(text), span_fn, &sp,
				 NULL), 0);
	assert_string_equal(sp.out, "\xc3\x89t\xc3\xa9|ABC|Caf\xc3\xa9|"
			    "na\xc3\xafve|DEF|GHI|\xc3\x9c" "ber|jkl|"
			    "x\xc3\xa9");
	tok_free(sp.t);
}

static void test_curly_quotes_are_separators(void **state)
{
	struct collect c;

	(void)state;
	analyze(0, "\xe2\x80\x9c" "curse of dimensionality" "\xe2\x80\x9d", &c);
	assert_string_equal(c.out, "curse of dimensionality");
}

static void test_stop_words_reported(void **state)
{
	struct collect c;

	(void)state;
	analyze(TOK_STEM, "what is the dropout", &c);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.stops, 3);
	assert_true(tok_is_stop("the", 3));
	assert_false(tok_is_stop("not", 3));
	assert_false(tok_is_stop("dropout", 7));
	/* verbs that ask what something is, as "what is" does */
	analyze(TOK_STEM, "Explain the dropout idea; describe it, define it",
		&c);
	assert_int_equal(c.stops, 6);
	/* and the fillers of a conversation */
	analyze(TOK_STEM, "ok but what does PCA actually do", &c);
	assert_int_equal(c.n - c.stops, 1);
}

static void test_long_word_cut(void **state)
{
	char big[300];
	struct collect c;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	analyze(0, big, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(strlen(c.out), TOK_MAX_TERM);
}

static void test_invalid_utf8_is_separator(void **state)
{
	struct collect c;

	(void)state;
	analyze(0, "abc\xff\xfe" "def \xc0\xaf ghi", &c);
	assert_string_equal(c.out, "abc def ghi");
}

static void test_empty_and_punctuation(void **state)
{
	struct collect c;

	(void)state;
	analyze(TOK_STEM, "", &c);
	assert_int_equal(c.n, 0);
	analyze(TOK_STEM, "?!... -- ''", &c);
	assert_int_equal(c.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_split_and_case),
		cmocka_unit_test(test_stemming),
		cmocka_unit_test(test_acronym_plurals),
		cmocka_unit_test(test_possessive_and_curly_apostrophe),
		cmocka_unit_test(test_unicode_fold_and_accents),
		cmocka_unit_test(test_mixed_chunks_and_spans),
		cmocka_unit_test(test_curly_quotes_are_separators),
		cmocka_unit_test(test_stop_words_reported),
		cmocka_unit_test(test_long_word_cut),
		cmocka_unit_test(test_invalid_utf8_is_separator),
		cmocka_unit_test(test_empty_and_punctuation),
	};

	return cmocka_run_group_tests_name("analyzer", tests, NULL, NULL);
}
