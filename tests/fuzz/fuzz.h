/* fuzz.h - helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each target defines LLVMFuzzerTestOneInput (and, when it needs state built
 * once, sets it up lazily on the first call).  The same sources build with
 * libFuzzer's main (run.sh) or with replay_main.c (replay.sh).  A broken
 * contract that the sanitizers cannot see (a record that is not valid
 * UTF-8, say) is turned into a crash with FUZZ_CHECK so the fuzzer keeps
 * the input. */
#ifndef QUARRY_FUZZ_H
#define QUARRY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false (the input broke a contract). */
#define FUZZ_CHECK(cond)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s:%d: contract broken: %s\n",     \
				__FILE__, __LINE__, #cond);                 \
			abort();                                            \
		}                                                           \
	} while (0)

/* Non-zero when the cosmetic checks are on (QUARRY_FUZZ_STRICT set and
 * not "0").  replay.sh turns them on; run.sh leaves them off, so that a
 * known cosmetic finding (a message with a leading blank, say) does not
 * stop the fuzzer before it reaches deeper bugs. */
static inline int fuzz_strict(void)
{
	static int strict = -1;

	if (strict < 0) {
		const char *v = getenv("QUARRY_FUZZ_STRICT");

		strict = v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
	}
	return strict;
}

/* A cosmetic check (message text): enforced only in strict mode. */
#define FUZZ_COSMETIC(cond)                                                 \
	do {                                                                \
		if (fuzz_strict())                                          \
			FUZZ_CHECK(cond);                                   \
	} while (0)

/* Non-zero when s[0..n) is valid UTF-8. */
static inline int fuzz_utf8_ok(const char *s, size_t n)
{
	return utf8_valid_prefix(s, n) == n;
}

/* A NUL-terminated heap copy of data[0..size) (the caller frees); aborts
 * when memory runs out, which libFuzzer's rss limit reports anyway. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
