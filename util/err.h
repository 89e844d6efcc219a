/* err.h - the error type every fallible quarry function fills.
 *
 * Functions return an int status (QERR_OK on success) and, when the caller
 * passes a non-NULL struct qerr, copy a one-line message into its fixed
 * buffer, so out-of-memory can still be reported.  The status values double
 * as the CLI's exit codes (see README "Exit codes"). */
#ifndef QUARRY_ERR_H
#define QUARRY_ERR_H

#include <stddef.h>

enum qerr_code {
	QERR_OK = 0,      /* success */
	QERR_NOMATCH = 1, /* nothing matched / no good answer */
	QERR_USAGE = 2,   /* bad command line or bad argument */
	QERR_DATA = 3,    /* bad data: corpus, index file, JSON */
	QERR_IO = 4,      /* I/O: open, read, write, network */
};

struct qerr {
	int code;
	char msg[512];
};

#if defined(__GNUC__)
#define QERR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define QERR_PRINTF(a, b)
#endif

/* Record code and a printf-style message in err (which may be NULL).
 * Returns code, so callers can write `return qerr_set(err, QERR_IO, ...)`.
 * The first error wins: a later call does not overwrite a set message. */
int qerr_set(struct qerr *err, int code, const char *fmt, ...) QERR_PRINTF(3, 4);

/* Reset err to "no error". Accepts NULL. */
void qerr_clear(struct qerr *err);

#endif
