/* fuzz_snippet.c - snippets and highlights on arbitrary bytes.
 *
 * Input: one byte choosing the bound (0: the whole text, else 1..255
 * characters; its bit 2 also asks for a second fragment of half that),
 * then the query's words up to the first newline, then the text.  The query is built without an index: each of its terms a user's
 * word, weighted by its position.  Whatever the bytes, the snippet is
 * NUL-terminated at its length, at most the bounds plus the ellipses and
 * their blanks (or, whole, the text byte for byte), and its marks are sorted,
 * disjoint, non-empty and inside it; when the text is valid UTF-8 the
 * snippet is too and every mark starts and ends on a character. */
#include "../../index/analyzer.h"
#include "../../retrieval/snippet.h"
#include "fuzz.h"

static struct tok *tok;

static int add_term(void *ctx, const char *term, size_t len, const char *word,
		    int pos, int is_stop)
{
	struct rank_query *q = ctx;
	struct rank_term *t;

	(void)word, (void)is_stop;
	if (q->nterms == RANK_MAX_TERMS || len >= sizeof(t->text))
		return 0;
	t = &q->terms[q->nterms++];
	memset(t, 0, sizeof(*t));
	memcpy(t->text, term, len);
	t->weight = 1.0;
	t->idf = 0.5 + pos % 7;
	t->df = 1;
	t->from = -1;
	return 0;
}

static size_t nchars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static int on_char(const char *s, size_t len, size_t off)
{
	return off == len || ((unsigned char)s[off] & 0xc0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rank_query q;
	const char *in = (const char *)data, *text, *nl;
	size_t max, more, tlen, prev = 0;
	struct snippet sn;
	struct qerr err = {0, ""};
	int i, valid;

	if (tok == NULL) {
		tok = tok_new(TOK_STEM);
		FUZZ_CHECK(tok != NULL);
	}
	if (size == 0)
		return 0;
	max = data[0];
	more = max & 2 ? max / 2 : 0;
	nl = memchr(in + 1, '\n', size - 1);
	text = nl ? nl + 1 : in + size;
	tlen = (size_t)(in + size - text);
	memset(&q, 0, sizeof(q));
	q.tok = tok;
	FUZZ_CHECK(tok_run(tok, in + 1, (size_t)(text - in - 1), add_term, &q,
			   &err) == 0);
	FUZZ_CHECK(snip_make(&q, max & 1 ? "" : NULL, text, tlen, max, more,
			     &sn, &err) == 0);
	valid = fuzz_utf8_ok(text, tlen);
	FUZZ_CHECK(sn.text != NULL && sn.text[sn.len] == '\0');
	if (max == 0)
		FUZZ_CHECK(sn.len == tlen && memcmp(sn.text, text, tlen) == 0);
	else
		FUZZ_CHECK(nchars(sn.text, sn.len) <= max + more + 7);
	if (valid)
		FUZZ_CHECK(fuzz_utf8_ok(sn.text, sn.len));
	for (i = 0; i < sn.nmarks; i++) {
		const struct snip_mark *m = &sn.marks[i];

		FUZZ_CHECK(m->len > 0 && m->start >= prev);
		FUZZ_CHECK(m->start + m->len <= sn.len);
		prev = m->start + m->len;
		if (valid)
			FUZZ_CHECK(on_char(sn.text, sn.len, m->start) &&
				   on_char(sn.text, sn.len, prev));
	}
	snip_clear(&sn);
	return 0;
}
