/* editdist.h - optimal string alignment distance (Levenshtein plus
 * adjacent transpositions), bounded, on bytes. */
#ifndef QUARRY_EDITDIST_H
#define QUARRY_EDITDIST_H

/* Longest string osa_distance compares; longer ones are max + 1 apart. */
#define OSA_MAX_LEN 128

/* The distance of a[0..la) and b[0..lb) when it is at most max, else
 * max + 1.  For max <= 1 it runs in one pass without a table. */
int osa_distance(const char *a, int la, const char *b, int lb, int max);

#endif
