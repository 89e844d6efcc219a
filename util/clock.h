/* clock.h - the time quarry records in the files it writes.
 *
 * Two builds of the same files should give the same bytes, so that they
 * can be compared with cmp (reproducible builds): a time stamp written
 * into a file honours SOURCE_DATE_EPOCH, as the reproducible-builds.org
 * convention asks, clamped so that it never lies in the future. */
#ifndef QUARRY_CLOCK_H
#define QUARRY_CLOCK_H

/* Seconds since the epoch to record as now: $SOURCE_DATE_EPOCH when it
 * is a whole number not after now, else the real-time clock. */
long long clk_stamp(void);

/* The same for a clock already read: now (seconds), or
 * $SOURCE_DATE_EPOCH when it is valid and earlier. */
long long clk_clamp(long long now);

#endif
