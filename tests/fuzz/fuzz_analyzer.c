/* fuzz_analyzer.c - the analyzer, UTF-8 repair and acronym scan on
 * arbitrary bytes (not only valid UTF-8).
 *
 * tok_run runs with and without the stemmer on the raw bytes and on their
 * repaired copy; every term must be a non-empty, NUL-terminated, valid
 * UTF-8 string of at most 2 * TOK_MAX_TERM bytes (the stemmed buffer), the
 * word at most TOK_MAX_TERM, positions increasing.  utf8_repair must give
 * valid UTF-8 without NUL bytes; alias_scan's pairs must lie inside the
 * text. */
#include "../../index/alias.h"
#include "../../index/analyzer.h"
#include "fuzz.h"

struct run {
	int last_pos;
	long nterms;
};

struct span {
	const char *text;
	size_t len;
};

static struct tok *stem_tok, *plain_tok;

static int on_term(void *ctx, const char *term, size_t len, const char *word,
		   int pos, int is_stop)
{
	struct run *r = ctx;

	FUZZ_CHECK(len > 0 && len <= 2 * TOK_MAX_TERM);
	FUZZ_CHECK(strlen(term) == len);
	FUZZ_CHECK(fuzz_utf8_ok(term, len));
	FUZZ_CHECK(strlen(word) <= TOK_MAX_TERM);
	FUZZ_CHECK(fuzz_utf8_ok(word, strlen(word)));
	FUZZ_CHECK(pos > r->last_pos);
	FUZZ_CHECK(is_stop == 0 || is_stop == 1);
	r->last_pos = pos;
	r->nterms++;
	return 0;
}

static int on_alias(void *ctx, const char *acr, size_t acr_len,
		    const char *words, size_t words_len)
{
	const struct span *s = ctx;

	FUZZ_CHECK(acr_len >= 2 && acr_len <= 10);
	FUZZ_CHECK(acr >= s->text && acr + acr_len <= s->text + s->len);
	FUZZ_CHECK(words_len > 0);
	FUZZ_CHECK(words >= s->text && words + words_len <= s->text + s->len);
	return 0;
}

static void analyze(struct tok *t, const char *text, size_t len)
{
	struct run r = {-1, 0};
	struct qerr err = {0, ""};

	FUZZ_CHECK(tok_run(t, text, len, on_term, &r, &err) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct span s = {text, size};
	size_t nbad = 0, rlen;
	char *fixed;

	if (stem_tok == NULL) {
		stem_tok = tok_new(TOK_STEM);
		plain_tok = tok_new(0);
		FUZZ_CHECK(stem_tok != NULL && plain_tok != NULL);
	}
	analyze(stem_tok, text, size);
	analyze(plain_tok, text, size);

	fixed = utf8_repair(text, size, &nbad);
	FUZZ_CHECK(fixed != NULL);
	rlen = strlen(fixed);
	FUZZ_CHECK(fuzz_utf8_ok(fixed, rlen));
	FUZZ_CHECK(nbad <= size);
	FUZZ_CHECK(nbad > 0 || rlen <= size);
	FUZZ_CHECK(utf8_valid_prefix(text, size) <= size);
	analyze(stem_tok, fixed, rlen);
	free(fixed);

	alias_scan(text, size, on_alias, &s);
	(void)tok_is_stop(text, size);
	return 0;
}
