/* fuzz_passage.c - the prose readers (plain text, Markdown, HTML) on
 * arbitrary bytes.
 *
 * The first byte picks the reader and the passage bound (64 to 319
 * bytes); the rest is the document, read through corpus_read_mem with
 * --as passages, so normalisation and the HTML parser's recovery are
 * exercised too.  Every passage must be non-empty valid UTF-8 within twice
 * the bound (a code block may take up to that), with a trimmed valid title,
 * a passage kind, an id "fuzz-input:LINE[.N]" and a line at least 1. */
#include "../../index/corpus.h"
#include "fuzz.h"

#define FUZZ_SOURCE "fuzz-input"

static size_t bound;

static int is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int on_rec(void *ctx, const struct corpus_rec *rec)
{
	size_t qn = strlen(rec->question), an = strlen(rec->answer);
	char want[64];
	int k;

	(void)ctx;
	FUZZ_CHECK(rec->kind == CORPUS_PASSAGE);
	FUZZ_CHECK(an > 0 && an <= 2 * bound);
	FUZZ_CHECK(fuzz_utf8_ok(rec->answer, an));
	FUZZ_CHECK(fuzz_utf8_ok(rec->question, qn));
	FUZZ_CHECK(qn == 0 || (!is_blank_byte(rec->question[0]) &&
			       !is_blank_byte(rec->question[qn - 1])));
	FUZZ_CHECK(rec->line >= 1);
	k = snprintf(want, sizeof(want), "%s:%ld", FUZZ_SOURCE, rec->line);
	FUZZ_CHECK(strncmp(rec->id, want, (size_t)k) == 0 &&
		   (rec->id[k] == '\0' || rec->id[k] == '.'));
	return 0;
}

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(msg != NULL && strlen(msg) < 65536);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hints[] = {"txt", "md", "html", NULL};
	struct corpus_opts o = {CORPUS_AS_PASSAGES, 0, NULL};
	struct corpus_reader r = {.on_rec = on_rec, .on_warn = on_warn, .opts = &o};
	struct qerr err = {0, ""};
	long n = -1;
	int rc;

	if (size < 1)
		return 0;
	bound = 64 + (size_t)(data[0] >> 2) * 4;
	o.passage_bytes = bound;
	rc = corpus_read_mem(&r, FUZZ_SOURCE, hints[data[0] & 3],
			     (const char *)data + 1, size - 1, &n, &err);
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK(rc == 0 || err.code == rc);
	FUZZ_CHECK(rc != 0 || n > 0);
	return 0;
}
