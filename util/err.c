/* err.c - fill a struct qerr with a status and message. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int qerr_set(struct qerr *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != QERR_OK)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void qerr_clear(struct qerr *err)
{
	if (err == NULL)
		return;
	err->code = QERR_OK;
	err->msg[0] = '\0';
}
