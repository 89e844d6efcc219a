/* test_snippet.c - the analyzer's byte offsets (tok_span) and snippets:
 * which window is chosen, which words are marked, and that marks always
 * fall on UTF-8 boundaries inside the snippet, for written, random and
 * adversarial texts; and the proximity of a passage (rank_proximity), the
 * score of its best window over the query's weight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../index/analyzer.h"
#include "../../retrieval/proximity.h"
#include "../../retrieval/snippet.h"
#include "../../util/utf8.h"

/* ---- tok_span ---- */

struct spans {
	const char *text;
	char words[16][80]; /* the input bytes of each word, as tok_span says */
	size_t start[16], end[16];
	int n;
	struct tok *t;
};

static int span_fn(void *ctx, const char *term, size_t len, const char *word,
		   int pos, int is_stop)
{
	struct spans *s = ctx;
	size_t a, b;

	(void)term, (void)len, (void)word, (void)pos, (void)is_stop;
	tok_span(s->t, &a, &b);
	assert_true(a <= b);
	assert_true(b <= strlen(s->text));
	assert_true(s->n < 16 && b - a < sizeof(s->words[0]));
	memcpy(s->words[s->n], s->text + a, b - a);
	s->words[s->n][b - a] = '\0';
	s->start[s->n] = a;
	s->end[s->n++] = b;
	return 0;
}

static void spans_of(const char *text, struct spans *s)
{
	memset(s, 0, sizeof(*s));
	s->text = text;
	s->t = tok_new(TOK_STEM);
	assert_non_null(s->t);
	assert_int_equal(tok_run(s->t, text, strlen(text), span_fn, s, NULL), 0);
	tok_free(s->t);
}

static void test_span_ascii(void **state)
{
	struct spans s;

	(void)state;
	spans_of("  The Networks'  learn,fast (CNNs).", &s);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.words[0], "The");
	assert_int_equal(s.start[0], 2);
	assert_string_equal(s.words[1], "Networks");
	assert_string_equal(s.words[2], "learn");
	assert_string_equal(s.words[3], "fast");
	assert_string_equal(s.words[4], "CNNs");
}

static void test_span_non_ascii(void **state)
{
	struct spans s;

	(void)state;
	/* a chunk whose normalized form is shorter (accent stripped) */
	spans_of("Caf\xc3\xa9 au lait, na\xc3\xafve r\xc3\xa9sum\xc3\xa9s", &s);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.words[0], "Caf\xc3\xa9");
	assert_string_equal(s.words[3], "na\xc3\xafve");
	assert_string_equal(s.words[4], "r\xc3\xa9sum\xc3\xa9s");

	/* a ligature that NFKC expands; e + combining acute; ASCII after */
	spans_of("\xef\xac\x81ne cafe\xcc\x81 ok", &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.words[0], "\xef\xac\x81ne");
	assert_string_equal(s.words[1], "cafe\xcc\x81");
	assert_string_equal(s.words[2], "ok");

	/* a no-break space splits one blank-delimited chunk in two */
	spans_of("deep\xc2\xa0learning x", &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.words[0], "deep");
	assert_string_equal(s.words[1], "learning");
	assert_string_equal(s.words[2], "x");

	/* CJK and emoji between ASCII words; full-width digits */
	spans_of("go \xe4\xb8\x96\xe7\x95\x8c\xf0\x9f\x98\x80 \xef\xbc\x91\xef\xbc\x92 end",
		 &s);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.words[1], "\xe4\xb8\x96\xe7\x95\x8c");
	assert_string_equal(s.words[2], "\xef\xbc\x91\xef\xbc\x92");
	assert_string_equal(s.words[3], "end");
}

static void test_span_invalid_utf8(void **state)
{
	struct spans s;

	(void)state;
	spans_of("ab\xff" "cd \xc3 \xe9t\xe9 zz", &s);
	/* invalid bytes separate words; the bytes are kept, so offsets hold */
	assert_string_equal(s.words[0], "ab");
	assert_string_equal(s.words[1], "cd");
	assert_string_equal(s.words[s.n - 1], "zz");
}

/* ---- queries without an index ---- */

struct one_term {
	char term[TOK_MAX_TERM * 2 + 1];
};

static int first_term(void *ctx, const char *term, size_t len,
		      const char *word, int pos, int is_stop)
{
	struct one_term *o = ctx;

	(void)len, (void)word, (void)pos, (void)is_stop;
	if (o->term[0] == '\0')
		snprintf(o->term, sizeof(o->term), "%s", term);
	return 0;
}

/* Add word (analyzed) to q as a term of the given idf and origin. */
static void add(struct rank_query *q, const char *word, double idf,
		int origin, int from)
{
	struct one_term o = {""};
	struct rank_term *t = &q->terms[q->nterms++];

	assert_int_equal(tok_run(q->tok, word, strlen(word), first_term, &o,
				 NULL), 0);
	assert_true(o.term[0] != '\0');
	memset(t, 0, sizeof(*t));
	snprintf(t->text, sizeof(t->text), "%s", o.term);
	snprintf(t->word, sizeof(t->word), "%s", word);
	t->weight = 1.0;
	t->idf = idf;
	t->df = 1;
	t->origin = origin;
	t->from = from;
}

static void query(struct rank_query *q, const char *const *words, int n)
{
	int i;

	memset(q, 0, sizeof(*q));
	q->tok = tok_new(TOK_STEM);
	assert_non_null(q->tok);
	for (i = 0; i < n; i++)
		add(q, words[i], 2.0, RANK_USER, -1);
}

static size_t nchars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static int on_boundary(const char *s, size_t len, size_t off)
{
	return off == len || ((unsigned char)s[off] & 0xc0) != 0x80;
}

/* Does mark m touch an edge where the text was cut (a word cut there
 * may analyze to another term)?  An ellipsis, glued or with a blank,
 * stands there. */
static int cut_word(const struct snippet *sn, const struct snip_mark *m)
{
	const unsigned char *t = (const unsigned char *)sn->text;
	size_t a = m->start, e = a + m->len;

	return a == 0 || e == sn->len || t[a - 1] == 0xa6 ||
	       (a >= 2 && t[a - 1] == ' ' && t[a - 2] == 0xa6) ||
	       t[e] == 0xe2 || (t[e] == ' ' && t[e + 1] == 0xe2);
}

/* The invariants every snippet keeps, for any input; when the input is
 * valid UTF-8 the snippet is too and every mark analyzes to a query
 * term. */
static void check_snippet(const struct rank_query *q, const char *text,
			  size_t len, size_t max, size_t more,
			  const struct snippet *sn)
{
	int valid = utf8_valid_prefix(text, len) == len, i;
	size_t prev_end = 0;

	assert_non_null(sn->text);
	assert_int_equal(strlen(sn->text), sn->len);
	if (max > 0) /* and three ellipses with their blanks */
		assert_true(nchars(sn->text, sn->len) <= max + more + 7);
	else
		assert_memory_equal(sn->text, text, len);
	if (valid)
		assert_int_equal(utf8_valid_prefix(sn->text, sn->len), sn->len);
	for (i = 0; i < sn->nmarks; i++) {
		const struct snip_mark *m = &sn->marks[i];
		struct one_term o = {""};

		assert_true(m->len > 0);
		assert_true(m->start >= prev_end);
		assert_true(m->start + m->len <= sn->len);
		prev_end = m->start + m->len;
		if (!valid)
			continue;
		assert_true(on_boundary(sn->text, sn->len, m->start));
		assert_true(on_boundary(sn->text, sn->len, m->start + m->len));
		assert_int_equal(tok_run(q->tok, sn->text + m->start, m->len,
					 first_term, &o, NULL), 0);
		if (o.term[0] != '\0') {
			int k, found = 0;

			for (k = 0; k < q->nterms; k++)
				found |= strcmp(q->terms[k].text, o.term) == 0;
			assert_true(found || cut_word(sn, m));
		}
	}
}

/* The marked words of sn, joined by '|'. */
static void marked(const struct snippet *sn, char *out, size_t cap)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < sn->nmarks && o < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%.*s", i ? "|" : "",
				      (int)sn->marks[i].len,
				      sn->text + sn->marks[i].start);
}

static void make2(const struct rank_query *q, const char *text, size_t max,
		  size_t more, struct snippet *sn)
{
	struct qerr err = {0};

	assert_int_equal(snip_make(q, NULL, text, strlen(text), max, more, sn,
				   &err), 0);
	check_snippet(q, text, strlen(text), max, more, sn);
}

/* One window, no second fragment. */
static void make(const struct rank_query *q, const char *text, size_t max,
		 struct snippet *sn)
{
	make2(q, text, max, 0, sn);
}

/* ---- window choice and marks ---- */

static const char article[] =
	"Neural networks are models loosely inspired by the brain. They are "
	"trained on data. Many other methods exist as well, and some of them "
	"are older than the field itself.\n\n"
	"Dropout is a regularization method: it randomly drops units during "
	"training, which keeps a network from relying on any single unit. "
	"Batch normalization rescales activations instead. Weight decay "
	"shrinks the weights a little at every step of training.";

static void test_window_covers_the_query(void **state)
{
	static const char *const w[] = {"dropout", "regularization"};
	struct rank_query q;
	struct snippet sn;
	char m[256];

	(void)state;
	query(&q, w, 2);
	make(&q, article, 120, &sn);
	/* the sentence holding both words, not the text's start */
	assert_true(strncmp(sn.text, "\xe2\x80\xa6 Dropout is a regularization",
			    strlen("\xe2\x80\xa6 Dropout is a reg")) == 0);
	marked(&sn, m, sizeof(m));
	assert_string_equal(m, "Dropout|regularization");
	assert_false(sn.whole);
	/* cut at the end as well: an ellipsis there */
	assert_true(sn.len > 3 &&
		    strcmp(sn.text + sn.len - 3, "\xe2\x80\xa6") == 0);
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_rarer_word_wins(void **state)
{
	static const char text[] =
		"Training takes time on large data. Training is slow. "
		"Training again and again with more training data. "
		"Gradient clipping stops exploding updates during training.";
	struct rank_query q;
	struct snippet sn;
	char m[256];

	(void)state;
	memset(&q, 0, sizeof(q));
	q.tok = tok_new(TOK_STEM);
	add(&q, "training", 0.2, RANK_USER, -1);
	add(&q, "clipping", 4.0, RANK_USER, -1);
	make(&q, text, 70, &sn);
	/* one rare word beats many common ones */
	assert_non_null(strstr(sn.text, "Gradient clipping stops"));
	marked(&sn, m, sizeof(m));
	assert_non_null(strstr(m, "clipping"));
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_close_words_win(void **state)
{
	static const char text[] =
		"Rate and then learning appear. A learning rate helps.";
	static const char *const w[] = {"learning", "rate"};
	struct rank_query q;
	struct snippet sn;

	(void)state;
	query(&q, w, 2);
	make(&q, text, 30, &sn);
	/* both sentences cover both words, only one fits: the adjacent
	 * pair wins over the first sentence of the text */
	assert_string_equal(sn.text, "\xe2\x80\xa6 A learning rate helps.");
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_marks_only_query_terms(void **state)
{
	static const char *const w[] = {"network", "train"};
	struct rank_query q;
	struct snippet sn;
	char m[256];

	(void)state;
	query(&q, w, 2);
	/* a feedback term is not the user's: never marked */
	add(&q, "brain", 1.0, RANK_FEEDBACK, -1);
	make(&q, article, 0, &sn);
	marked(&sn, m, sizeof(m));
	/* stems meet (networks, trained, training); stop words, other
	 * words and the feedback term are not marked */
	assert_string_equal(m, "networks|trained|training|network|training");
	assert_true(sn.whole);
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_expansion_counts_with_its_word(void **state)
{
	static const char text[] = "Backprop, or backpropagation, is old. "
				   "Backprop and gradient descent train a net.";
	struct rank_query q;
	struct snippet sn;
	char m[256];

	(void)state;
	memset(&q, 0, sizeof(q));
	q.tok = tok_new(TOK_STEM);
	add(&q, "backprop", 2.0, RANK_USER, -1);
	add(&q, "backpropagation", 2.0, RANK_PREFIX, 0);
	add(&q, "descent", 1.0, RANK_USER, -1);
	make(&q, text, 42, &sn);
	/* a word and its completion count once: the sentence with the other
	 * word wins over the one with both forms of the first */
	assert_string_equal(sn.text, "\xe2\x80\xa6 Backprop and gradient "
				     "descent train a net.");
	marked(&sn, m, sizeof(m));
	assert_string_equal(m, "Backprop|descent");
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_title_words_count_less(void **state)
{
	static const char text[] = "The zebra is here. The grass is green.";
	struct rank_query q;
	struct snippet sn;
	struct qerr err = {0};

	(void)state;
	memset(&q, 0, sizeof(q));
	q.tok = tok_new(TOK_STEM);
	add(&q, "zebra", 2.0, RANK_USER, -1);
	add(&q, "grass", 1.5, RANK_USER, -1);
	/* no title: the rarer word's sentence */
	make(&q, text, 20, &sn);
	assert_string_equal(sn.text, "The zebra is here. \xe2\x80\xa6");
	snip_clear(&sn);
	/* the title holds it: the sentence with the word it does not */
	assert_int_equal(snip_make(&q, "Zebras", text, strlen(text), 20, 0,
				   &sn, &err), 0);
	check_snippet(&q, text, strlen(text), 20, 0, &sn);
	assert_string_equal(sn.text, "\xe2\x80\xa6 The grass is green.");
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_no_terms_found(void **state)
{
	static const char *const w[] = {"zebra"};
	struct rank_query q;
	struct snippet sn;

	(void)state;
	query(&q, w, 1);
	make(&q, article, 80, &sn);
	assert_int_equal(sn.nmarks, 0);
	/* the text's first sentence, then the words that fit */
	assert_true(strncmp(sn.text, "Neural networks are models", 26) == 0);
	assert_true(strcmp(sn.text + sn.len - 3, "\xe2\x80\xa6") == 0);
	snip_clear(&sn);

	/* a short text is its own snippet, blanks collapsed */
	make(&q, "  Short\n text.\n", 80, &sn);
	assert_string_equal(sn.text, "Short text.");
	assert_true(sn.whole);
	snip_clear(&sn);

	make(&q, "", 80, &sn);
	assert_string_equal(sn.text, "");
	assert_true(sn.whole);
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_sentences(void **state)
{
	static const char *const w[] = {"kennedy"};
	static const char text[] =
		"Filler words go first in this text. Then e.g. a list follows "
		"and John F. Kennedy spoke about it. The end came soon after "
		"that, and nothing more is said here at all.";
	struct rank_query q;
	struct snippet sn;

	(void)state;
	query(&q, w, 1);
	make(&q, text, 75, &sn);
	/* "e.g." and an initial do not end the sentence */
	assert_true(strncmp(sn.text, "\xe2\x80\xa6 Then e.g. a list follows "
				     "and John F. Kennedy spoke about it.",
			    strlen("\xe2\x80\xa6 Then e.g. a list follows and "
				   "John F. Kennedy spoke about it.")) == 0);
	snip_clear(&sn);
	/* too long for the bound: words around the match, inside its
	 * sentence, the initial before it included */
	make(&q, text, 40, &sn);
	assert_non_null(strstr(sn.text, "John F. Kennedy spoke"));
	assert_true(strncmp(sn.text, "\xe2\x80\xa6", 3) == 0 && sn.text[3] != ' ');
	snip_clear(&sn);

	/* list items are sentences of their own */
	make(&q, "Intro line\n- one item\n- Kennedy item\n- last item", 14,
	     &sn);
	assert_string_equal(sn.text, "\xe2\x80\xa6 - Kennedy item \xe2\x80\xa6");
	snip_clear(&sn);
	tok_free(q.tok);
}

static void test_long_sentence_and_long_word(void **state)
{
	static const char *const w[] = {"needle"};
	struct rank_query q;
	struct snippet sn;
	char *text = malloc(20001), m[256];
	size_t i;

	(void)state;
	query(&q, w, 1);
	/* one sentence of 20,000 bytes with the match deep inside */
	for (i = 0; i < 20000; i += 5)
		memcpy(text + i, "hay  ", 5);
	memcpy(text + 15000, "needle    ", 10);
	text[20000] = '\0';
	make(&q, text, 100, &sn);
	marked(&sn, m, sizeof(m));
	assert_string_equal(m, "needle");
	/* cut inside the sentence: glued ellipses, whole words */
	assert_true(strncmp(sn.text, "\xe2\x80\xa6hay", 6) == 0);
	assert_true(strcmp(sn.text + sn.len - 6, "hay\xe2\x80\xa6") == 0);
	snip_clear(&sn);

	/* one word of 20,000 bytes (two-byte characters): cut on a
	 * character boundary, bounded */
	for (i = 0; i < 20000; i += 2)
		memcpy(text + i, "\xc3\xa9", 2);
	make(&q, text, 100, &sn);
	assert_int_equal(nchars(sn.text, sn.len), 101);
	snip_clear(&sn);
	free(text);
	tok_free(q.tok);
}

static void test_marks_in_non_ascii_text(void **state)
{
	static const char *const w[] = {"cafe", "naive"};
	static const char text[] =
		"Le caf\xc3\xa9 na\xc3\xafve\xc2\xa0" "CAFE\xcc\x81 est ouvert.";
	struct rank_query q;
	struct snippet sn;
	char m[256];

	(void)state;
	query(&q, w, 2);
	make(&q, text, 0, &sn);
	marked(&sn, m, sizeof(m));
	assert_string_equal(m, "caf\xc3\xa9|na\xc3\xafve|CAFE\xcc\x81");
	snip_clear(&sn);
	tok_free(q.tok);
}

/* ---- the second fragment ---- */

static void zebra_query(struct rank_query *q)
{
	memset(q, 0, sizeof(*q));
	q->tok = tok_new(TOK_STEM);
	assert_non_null(q->tok);
	add(q, "zebras", 2.0, RANK_USER, -1);
	add(q, "grass", 1.5, RANK_USER, -1);
	add(q, "lions", 1.0, RANK_USER, -1);
}

/* The snippet of text (bounds 30 and more) is want, its marked words
 * marks ('|'-joined). */
static void expect(const struct rank_query *q, const char *text,
		   size_t more, const char *want, const char *marks)
{
	struct snippet sn;
	char m[256];

	make2(q, text, 30, more, &sn);
	assert_string_equal(sn.text, want);
	marked(&sn, m, sizeof(m));
	assert_string_equal(m, marks);
	assert_int_equal(sn.whole, strcmp(want, text) == 0);
	snip_clear(&sn);
}

static void test_second_fragment_after(void **state)
{
	/* accented words before and inside both fragments: the marks of
	 * the second one are offsets past the first and the ellipsis */
	static const char text[] =
		"Fill\xc3\xa9r one is here today. Z\xc3\xa9" "bras eat grass on "
		"the plain. More filler text sits here. Lions hunt z\xc3\xa9"
		"bras at night. Last filler sentence ends it.";
	struct rank_query q;

	(void)state;
	zebra_query(&q);
	/* the best sentence first, then the best of the rest (after it,
	 * past a sentence without a match), each cut with an ellipsis */
	expect(&q, text, 30,
	       "\xe2\x80\xa6 Z\xc3\xa9" "bras eat grass on the plain. "
	       "\xe2\x80\xa6 Lions hunt z\xc3\xa9" "bras at night. \xe2\x80\xa6",
	       "Z\xc3\xa9" "bras|grass|Lions|z\xc3\xa9" "bras");
	/* without room for it, the first window alone */
	expect(&q, text, 0,
	       "\xe2\x80\xa6 Z\xc3\xa9" "bras eat grass on the plain. "
	       "\xe2\x80\xa6",
	       "Z\xc3\xa9" "bras|grass");
	tok_free(q.tok);
}

static void test_second_fragment_before(void **state)
{
	struct rank_query q;

	(void)state;
	zebra_query(&q);
	/* the text before scores more than the text after: it follows the
	 * first window, and more text follows it */
	expect(&q,
	       "Lions hunt zebras at night. Filler one is here today. Zebras "
	       "eat grass on the plain. More filler text sits here. Last "
	       "filler sentence ends it.", 30,
	       "\xe2\x80\xa6 Zebras eat grass on the plain. \xe2\x80\xa6 Lions "
	       "hunt zebras at night. \xe2\x80\xa6",
	       "Zebras|grass|Lions|zebras");
	tok_free(q.tok);
}

static void test_second_fragment_joins_or_runs_on(void **state)
{
	struct rank_query q;

	(void)state;
	zebra_query(&q);
	/* the best of the rest starts where the first window ends: one
	 * window, no ellipsis between */
	expect(&q, "Filler one is here today. Zebras eat grass on the plain. "
		   "Lions hunt zebras at night.", 30,
	       "\xe2\x80\xa6 Zebras eat grass on the plain. Lions hunt zebras "
	       "at night.", "Zebras|grass|Lions|zebras");
	/* a first window at the text's start runs on to both bounds */
	expect(&q, "Zebras eat grass on the plain. Filler one is here today. "
		   "More filler text sits here.", 30,
	       "Zebras eat grass on the plain. Filler one is here today. "
	       "\xe2\x80\xa6", "Zebras|grass");
	/* a text that fits is its own snippet */
	expect(&q, "Zebras eat grass. Lions too.", 30,
	       "Zebras eat grass. Lions too.", "Zebras|grass|Lions");
	tok_free(q.tok);
}

/* ---- random and adversarial texts ---- */

static const char *const pieces[] = {
	"dropout", "Dropout", "regularization", "network's", "the", "a",
	" ", "  ", "\n", "\n\n", "\t", ". ", "! ", "? ", "e.g. ", "Dr. ",
	"- ", "1. ", "```", "|", "(", ")", "\"", "'", "caf\xc3\xa9",
	"e\xcc\x81", "\xcc\x81", "\xef\xac\x81", "\xc2\xa0", "\xe4\xb8\x96",
	"\xf0\x9f\x98\x80", "\xef\xbc\x91", "\xe2\x80\x99", "\xe1\x84\x80",
	"\xe1\x85\xa1", "\xea\xb0\x80", "x", "12", "\xe2\x80\xa6",
	"\xff", "\xc3", "\x80", "\xed\xa0\x80", "\0",
};

static unsigned long rnd_state = 12345;

static unsigned long rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return rnd_state >> 33;
}

static void test_random_texts(void **state)
{
	static const char *const w[] = {"dropout", "regularization", "network",
					"cafe", "fine"};
	size_t npieces = sizeof(pieces) / sizeof(*pieces);
	struct rank_query q;
	char text[4096];
	int round;

	(void)state;
	query(&q, w, 5);
	for (round = 0; round < 3000; round++) {
		size_t len = 0, maxes[] = {0, 1, 20, 80, 280};
		size_t mores[] = {round % 3 == 0 ? 40 : 0, 1, 20, 80, 280};
		int k, valid_only = round % 2 == 0;

		while (len < sizeof(text) - 16 && rnd() % 200 != 0) {
			const char *p = pieces[rnd() % npieces];
			size_t n = strlen(p);

			if (valid_only && utf8_valid_prefix(p, n) != n)
				continue;
			if (n == 0) /* the NUL piece: a string ends there */
				continue;
			memcpy(text + len, p, n);
			len += n;
		}
		text[len] = '\0';
		for (k = 0; k < 5; k++) {
			struct snippet sn;
			struct qerr err = {0};

			assert_int_equal(snip_make(&q, k % 2 ? text : NULL,
						   text, len, maxes[k],
						   mores[k], &sn, &err), 0);
			check_snippet(&q, text, len, maxes[k], mores[k], &sn);
			snip_clear(&sn);
		}
	}
	tok_free(q.tok);
}

/* ---- proximity ---- */

static double prox(const struct rank_query *q, const char *title,
		   const char *text)
{
	struct qerr err = {0};
	double p = -1.0;

	assert_int_equal(rank_proximity(q, title, text, strlen(text), &p,
					&err), 0);
	return p;
}

static void test_proximity_close_beats_far(void **state)
{
	static const char *const w[] = {"volcano", "erupted"};
	static const char close[] = "Tambora is a volcano. The volcano "
				    "erupted in 1815 and darkened the sky.";
	/* the two words more than RANK_PROX_CHARS apart */
	static const char far[] =
		"Tambora is a volcano on Sumbawa. Its slopes are wooded and "
		"farmed by villages that grow rice, coffee and maize. The "
		"island lies east of Lombok and west of Flores. Ferries cross "
		"the straits daily, and the road around the coast is paved. "
		"In 1815 the mountain erupted.";
	struct rank_query q;
	double pc, pf;

	(void)state;
	assert_true(strstr(far, "erupted") - far > RANK_PROX_CHARS);
	query(&q, w, 2);
	pc = prox(&q, NULL, close);
	pf = prox(&q, NULL, far);
	/* both words in one window, and next to each other: the whole
	 * weight, plus what closeness adds */
	assert_true(pc > 1.0 && pc < 1.5);
	/* one word a window: half the weight, a little for repeats */
	assert_true(pf > 0.45 && pf < 0.6);
	tok_free(q.tok);
}

static void test_proximity_nothing_matches(void **state)
{
	static const char *const w[] = {"zebra"};
	struct rank_query q;

	(void)state;
	query(&q, w, 1);
	assert_true(prox(&q, NULL, "The grass is green.") == 0.0);
	assert_true(prox(&q, NULL, "") == 0.0);
	q.terms[0].weight = 0.0; /* no weight: nothing to measure against */
	assert_true(prox(&q, NULL, "The zebra is here.") == 0.0);
	tok_free(q.tok);
}

static void test_proximity_expansion_counts_once(void **state)
{
	static const char text[] = "Colour, or color, is seen by the eye.";
	struct rank_query q;
	double p;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.tok = tok_new(TOK_STEM);
	add(&q, "colour", 2.0, RANK_USER, -1);
	add(&q, "color", 2.0, RANK_VARIANT, 0);
	add(&q, "eye", 2.0, RANK_USER, -1);
	p = prox(&q, NULL, text);
	/* two words' weight found of two: near 1, not 1.5 */
	assert_true(p > 1.0 && p < 1.3);
	/* a word the title holds counts half */
	assert_true(prox(&q, "Eye", text) < p - 0.2);
	tok_free(q.tok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span_ascii),
		cmocka_unit_test(test_span_non_ascii),
		cmocka_unit_test(test_span_invalid_utf8),
		cmocka_unit_test(test_window_covers_the_query),
		cmocka_unit_test(test_rarer_word_wins),
		cmocka_unit_test(test_close_words_win),
		cmocka_unit_test(test_marks_only_query_terms),
		cmocka_unit_test(test_expansion_counts_with_its_word),
		cmocka_unit_test(test_title_words_count_less),
		cmocka_unit_test(test_no_terms_found),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_long_sentence_and_long_word),
		cmocka_unit_test(test_marks_in_non_ascii_text),
		cmocka_unit_test(test_second_fragment_after),
		cmocka_unit_test(test_second_fragment_before),
		cmocka_unit_test(test_second_fragment_joins_or_runs_on),
		cmocka_unit_test(test_random_texts),
		cmocka_unit_test(test_proximity_close_beats_far),
		cmocka_unit_test(test_proximity_nothing_matches),
		cmocka_unit_test(test_proximity_expansion_counts_once),
	};

	return cmocka_run_group_tests_name("snippet", tests, NULL, NULL);
}
