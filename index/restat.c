/* restat.c - refresh the recorded stat of sources whose content was
 * found unchanged under a new mtime (touched, checked out again).
 *
 * Without it every check hashes such a file again until the next update.
 * The write is a cache refresh, not an update: records, counts and the
 * generation stay as they are, so open readers keep what they loaded.  It
 * runs in a transaction of its own on a second connection that waits for
 * nobody (a reader that cannot write now just hashes again next time),
 * and skips the writer lock file: a full build racing with it writes a
 * new file with stats of its own, so losing the refresh costs nothing. */
#include "idx.h"
#include "idx_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* A busy index is skipped, not waited for: long enough for a reader's
 * lookups to end, short against a question's time. */
#define RESTAT_BUSY_MS 20

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Is the mtime_ref of db (inside its write transaction) still ref?  It
 * is written as "%lld" (ingest_note_mtime_ref), so the text compares. */
static int same_ref(sqlite3 *db, long long ref)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	char num[32];
	int same = 0;

	snprintf(num, sizeof(num), "%lld", ref);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = "
				   "'mtime_ref'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    (v = sqlite3_column_text(st, 0)) != NULL)
		same = strcmp((const char *)v, num) == 0;
	sqlite3_finalize(st);
	return same;
}

/* Move mtime_ref from ref to now, smudging what that would settle. */
static int advance_ref(sqlite3 *db, long long ref, long long now)
{
	sqlite3_stmt *st = NULL;
	char num[32];
	int rc = -1;

	if (sqlite3_prepare_v2(db, "UPDATE sources SET mtime = -1 WHERE "
				   "bundled = 0 AND mtime >= ? AND mtime < ?",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int64(st, 2, now);
	if (step_done(st) != 0)
		goto out;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "UPDATE meta SET value = ? WHERE key = "
				   "'mtime_ref'", -1, &st, NULL) != SQLITE_OK)
		goto out;
	snprintf(num, sizeof(num), "%lld", now);
	sqlite3_bind_text(st, 1, num, -1, SQLITE_TRANSIENT);
	rc = step_done(st);
out:
	sqlite3_finalize(st);
	return rc;
}

/* Set the new mtime of each r[i] whose row is as recorded (or was just
 * smudged by advance_ref). */
static int set_mtimes(sqlite3 *db, const struct idx_restat *r, int n)
{
	sqlite3_stmt *st = NULL;
	int i, rc = 0;

	if (sqlite3_prepare_v2(db, "UPDATE sources SET mtime = ?1 WHERE "
				   "path = ?2 AND size = ?3 AND hash = ?4 AND "
				   "(mtime = ?5 OR mtime = -1)",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, r[i].now);
		sqlite3_bind_text(st, 2, r[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r[i].size);
		sqlite3_bind_text(st, 4, r[i].hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, r[i].mtime);
		rc = step_done(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int idx_restat(struct idx *x, long long ref, long long now,
	       const struct idx_restat *r, int n)
{
	sqlite3 *db = NULL;
	int ok;

	if (n <= 0 || ref < 0)
		return 0;
	idx_pause(x);
	if (sqlite3_open_v2(idx_path(x), &db, SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK ||
	    sqlite3_db_readonly(db, "main") != 0) {
		sqlite3_close(db);
		return QERR_IO;
	}
	sqlite3_busy_timeout(db, RESTAT_BUSY_MS);
	ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
		     SQLITE_OK &&
	     same_ref(db, ref) &&
	     (now <= ref || advance_ref(db, ref, now) == 0) &&
	     set_mtimes(db, r, n) == 0 &&
	     sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (!ok && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return ok ? 0 : QERR_IO;
}
