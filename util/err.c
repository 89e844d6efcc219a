/* err.c - fill a struct qerr with a status and message. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* A message cut at the buffer's end must not end inside a UTF-8
 * character: drop an incomplete last sequence. */
static void trim_partial(char *m)
{
	size_t n = strlen(m), j = n;
	unsigned char c;

	while (j > 0 && n - j < 4 && ((unsigned char)m[j - 1] & 0xc0) == 0x80)
		j--;
	if (j == 0)
		return;
	c = (unsigned char)m[j - 1];
	if (c >= 0xc0 && utf8_valid_prefix(m + j - 1, n - j + 1) == 0)
		m[j - 1] = '\0';
}

int qerr_set(struct qerr *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != QERR_OK)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	trim_partial(err->msg);
	return code;
}

void qerr_clear(struct qerr *err)
{
	if (err == NULL)
		return;
	err->code = QERR_OK;
	err->msg[0] = '\0';
}
