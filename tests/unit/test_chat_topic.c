/* test_chat_topic.c - follow-up questions in chat: how a question is
 * classified, which words carry a topic, and what gets searched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../retrieval/followup.h"

static void expect_kind(const char *q, int kind)
{
	int got = followup_classify(q);

	if (got != kind)
		fail_msg("'%s': kind %d, want %d", q, got, kind);
}

static void test_self_contained(void **state)
{
	(void)state;
	expect_kind("what is dropout", FOLLOWUP_NEW);
	expect_kind("explain PCA", FOLLOWUP_NEW);
	expect_kind("What are neural networks?", FOLLOWUP_NEW);
	expect_kind("What is the vanishing gradient problem, and how does it "
		    "relate to activation functions?",
		    FOLLOWUP_NEW);
	/* "that" after a noun is a relative pronoun, not a reference */
	expect_kind("which layer that normalizes activations", FOLLOWUP_NEW);
	expect_kind("tell me more about backpropagation", FOLLOWUP_NEW);
}

static void test_related(void **state)
{
	(void)state;
	expect_kind("and its disadvantages?", FOLLOWUP_RELATED);
	expect_kind("what about its advantages", FOLLOWUP_RELATED);
	expect_kind("How about CNNs?", FOLLOWUP_RELATED);
	expect_kind("how is it different from an RNN?", FOLLOWUP_RELATED);
	expect_kind("why?", FOLLOWUP_RELATED);
	expect_kind("give an example", FOLLOWUP_RELATED);
	expect_kind("and in CNNs?", FOLLOWUP_RELATED);
	expect_kind("How does it work?", FOLLOWUP_RELATED);
	expect_kind("why is that?", FOLLOWUP_RELATED);
	expect_kind("what are these used for", FOLLOWUP_RELATED);
	expect_kind("tell me more about its advantages", FOLLOWUP_RELATED);
	expect_kind("what\xe2\x80\x99s it for?", FOLLOWUP_RELATED);
	expect_kind("", FOLLOWUP_RELATED);
}

static void test_more(void **state)
{
	(void)state;
	expect_kind("tell me more", FOLLOWUP_MORE);
	expect_kind("Tell me more!", FOLLOWUP_MORE);
	expect_kind("more", FOLLOWUP_MORE);
	expect_kind("go on", FOLLOWUP_MORE);
	expect_kind("Next.", FOLLOWUP_MORE);
	expect_kind("ok, please tell me more", FOLLOWUP_MORE);
	expect_kind("can you tell me more about it?", FOLLOWUP_MORE);
	expect_kind("more about gradients", FOLLOWUP_NEW);
}

static void test_content_words(void **state)
{
	char *s;

	(void)state;
	s = followup_content_words("Explain the advantages of Long Short-Term "
				   "Memory (LSTM) networks over conventional "
				   "RNNs.",
				   8);
	assert_non_null(s);
	assert_string_equal(s, "advantages long short term memory lstm "
			       "networks conventional");
	free(s);
	s = followup_content_words("GAN, gan and Gan", 8);
	assert_string_equal(s, "gan");
	free(s);
	s = followup_content_words("What are a few of Deep Learning\xe2\x80\x99s "
				   "drawbacks?",
				   8);
	assert_string_equal(s, "deep learning's drawbacks");
	free(s);
	s = followup_content_words("why is it so?", 8);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(followup_content_count("what is a GAN"), 1);
	assert_int_equal(followup_content_count("give an example"), 0);
}

/* One turn: resolve q against f, check the kind and the query, record it. */
static void step(struct followup *f, const char *q, int kind,
		 const char *want, int nshown)
{
	char *resolved = NULL;
	int got = followup_resolve(f, q, &resolved);

	if (got != kind)
		fail_msg("'%s': kind %d, want %d", q, got, kind);
	if (want == NULL) {
		assert_null(resolved);
		return;
	}
	assert_non_null(resolved);
	assert_string_equal(resolved, want);
	assert_int_equal(followup_update(f, got, q, resolved, nshown), 0);
	free(resolved);
}

static void test_conversation(void **state)
{
	struct followup f;

	(void)state;
	followup_init(&f);
	/* nothing to lean on yet */
	step(&f, "tell me more", FOLLOWUP_MORE, NULL, 0);
	step(&f, "and its advantages?", FOLLOWUP_NEW, "and its advantages?", 1);
	step(&f, "what is an LSTM", FOLLOWUP_NEW, "what is an LSTM", 1);
	assert_string_equal(f.subject, "lstm");
	step(&f, "and its advantages?", FOLLOWUP_RELATED,
	     "and its advantages? lstm", 1);
	assert_string_equal(f.words, "lstm advantages");
	/* the subject stays; the last follow-up's words come along */
	step(&f, "how is it different from an RNN?", FOLLOWUP_RELATED,
	     "how is it different from an RNN? lstm advantages", 1);
	assert_string_equal(f.words, "lstm rnn");
	/* "more" repeats the last query from the next unseen answer */
	step(&f, "tell me more", FOLLOWUP_MORE,
	     "how is it different from an RNN? lstm advantages", 1);
	assert_int_equal(f.shown, 2);
	step(&f, "go on", FOLLOWUP_MORE,
	     "how is it different from an RNN? lstm advantages", 2);
	assert_int_equal(f.shown, 4);
	/* a self-contained question starts over */
	step(&f, "what are neural networks", FOLLOWUP_NEW,
	     "what are neural networks", 1);
	assert_int_equal(f.shown, 1);
	step(&f, "what are its advantages and disadvantages",
	     FOLLOWUP_RELATED,
	     "what are its advantages and disadvantages neural networks", 1);
	followup_clear(&f);
	assert_null(f.words);
	assert_null(f.query);
	step(&f, "why?", FOLLOWUP_NEW, "why?", 0);
	followup_clear(&f);
	followup_clear(NULL);
}

static void test_long_question(void **state)
{
	size_t n = 100000;
	char *q = malloc(n + 1);

	(void)state;
	assert_non_null(q);
	memset(q, 'a', n);
	q[n] = '\0';
	expect_kind(q, FOLLOWUP_NEW);
	memset(q, ' ', n);
	memcpy(q, "and it", 6);
	expect_kind(q, FOLLOWUP_RELATED);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_contained),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_more),
		cmocka_unit_test(test_content_words),
		cmocka_unit_test(test_conversation),
		cmocka_unit_test(test_long_question),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
