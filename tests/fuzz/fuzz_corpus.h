/* fuzz_corpus.h - the body shared by the three corpus reader targets.
 *
 * Feeds the input to corpus_read_mem with a fixed format hint and checks
 * what the header promises of every record: an id, a question that is
 * valid UTF-8 and trimmed, a valid UTF-8 answer, the source name as given
 * and a 1-based line; warnings and errors should be valid UTF-8 (strict
 * mode, see fuzz.h).  The data is passed with its exact length (no NUL
 * after it), so a reader that runs past len is caught by ASan. */
#ifndef QUARRY_FUZZ_CORPUS_H
#define QUARRY_FUZZ_CORPUS_H

#include "../../index/corpus.h"
#include "fuzz.h"

#define FUZZ_SOURCE "fuzz-input"

static int is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int on_rec(void *ctx, const struct corpus_rec *rec)
{
	size_t qn, an;

	(void)ctx;
	FUZZ_CHECK(rec->id != NULL && rec->question != NULL &&
		   rec->answer != NULL);
	qn = strlen(rec->question);
	an = strlen(rec->answer);
	FUZZ_CHECK(fuzz_utf8_ok(rec->id, strlen(rec->id)));
	FUZZ_CHECK(fuzz_utf8_ok(rec->question, qn));
	FUZZ_CHECK(fuzz_utf8_ok(rec->answer, an));
	FUZZ_CHECK(qn == 0 || (!is_blank_byte(rec->question[0]) &&
			       !is_blank_byte(rec->question[qn - 1])));
	FUZZ_CHECK(rec->source != NULL && strcmp(rec->source, FUZZ_SOURCE) == 0);
	FUZZ_CHECK(rec->line >= 1);
	return 0;
}

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(msg != NULL && strlen(msg) < 65536);
	FUZZ_COSMETIC(fuzz_utf8_ok(msg, strlen(msg))); /* printed as is */
}

static int fuzz_corpus(const uint8_t *data, size_t size, const char *hint)
{
	struct corpus_reader r = {.on_rec = on_rec, .on_warn = on_warn};
	struct qerr err = {0, ""};
	long n = -1;
	int rc;

	rc = corpus_read_mem(&r, FUZZ_SOURCE, hint, (const char *)data, size,
			     &n, &err);
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK(rc == 0 || err.code == rc);
	FUZZ_CHECK(rc != 0 || n > 0);
	FUZZ_COSMETIC(fuzz_utf8_ok(err.msg, strlen(err.msg)));
	return 0;
}

#endif
