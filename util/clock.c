/* clock.c - the time quarry records in the files it writes (clock.h). */
#include "clock.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

long long clk_clamp(long long now)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (v == NULL || *v < '0' || *v > '9')
		return now;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || t > now)
		return now;
	return t;
}

long long clk_stamp(void)
{
	return clk_clamp((long long)time(NULL));
}
