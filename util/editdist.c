/* editdist.c - bounded optimal string alignment distance. */
#include "editdist.h"

#include <stdlib.h>
#include <string.h>

/* 0 when equal, 1 when one substitution, insertion, deletion or swap of
 * neighbours apart, else 2: what the table gives with max 1, in a pass. */
static int within_one(const char *a, int la, const char *b, int lb)
{
	int i = 0, rest;

	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (i == la && i == lb)
		return 0;
	if (la == lb) {
		rest = la - i - 1;
		if (memcmp(a + i + 1, b + i + 1, (size_t)rest) == 0)
			return 1; /* substitution */
		if (rest >= 1 && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    memcmp(a + i + 2, b + i + 2, (size_t)(rest - 1)) == 0)
			return 1; /* swap */
		return 2;
	}
	if (la == lb + 1)
		return memcmp(a + i + 1, b + i, (size_t)(lb - i)) == 0 ? 1 : 2;
	if (lb == la + 1)
		return memcmp(a + i, b + i + 1, (size_t)(la - i)) == 0 ? 1 : 2;
	return 2;
}

int osa_distance(const char *a, int la, const char *b, int lb, int max)
{
	int d[OSA_MAX_LEN + 1][OSA_MAX_LEN + 1];
	int i, j;

	if (abs(la - lb) > max || la > OSA_MAX_LEN || lb > OSA_MAX_LEN)
		return max + 1;
	if (max <= 1) {
		int v = within_one(a, la, b, lb);

		return v > max ? max + 1 : v;
	}
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		int best = i; /* d[i][0] */

		for (j = 1; j <= lb; j++) {
			int c = a[i - 1] == b[j - 1] ? 0 : 1, v;

			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < v)
				v = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return d[la][lb];
}
