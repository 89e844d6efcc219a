/* db.c - the few SQLite helpers the builder, updates and the reader share:
 * run SQL, read one integer, read the sources table.  Calls nothing else
 * in index/. */
#include "idx.h"
#include "idx_int.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

int idx_exec(sqlite3 *db, const char *sql, struct qerr *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		qerr_set(err, QERR_IO, "index: %s", msg ? msg : "SQL error");
		sqlite3_free(msg);
		return QERR_IO;
	}
	return 0;
}

int idx_int_query(sqlite3 *db, const char *sql, long *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = (long)sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

char *idx_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return strdup(v ? (const char *)v : "");
}

int idx_read_sources(sqlite3 *db, const char *where,
		     struct idx_source **out, int *n, struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	struct idx_source *s = NULL;
	int cnt = 0, cap = 0, rc;
	char *sql;

	*out = NULL;
	*n = 0;
	sql = sqlite3_mprintf("SELECT path, size, mtime, hash, bundled, n, "
			      "kind, coalesce(format, '') FROM sources %s "
			      "ORDER BY id", where ? where : "");
	if (sql == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return qerr_set(err, QERR_DATA, "index: %s",
				sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			int c = cap ? cap * 2 : 8;
			struct idx_source *ns = realloc(s, (size_t)c * sizeof(*s));

			if (ns == NULL) {
				idx_sources_free(s, cnt);
				sqlite3_finalize(st);
				return qerr_set(err, QERR_IO, "out of memory");
			}
			s = ns;
			cap = c;
		}
		s[cnt].path = idx_col_dup(st, 0);
		s[cnt].size = sqlite3_column_int64(st, 1);
		s[cnt].mtime = sqlite3_column_int64(st, 2);
		s[cnt].hash = idx_col_dup(st, 3);
		s[cnt].bundled = sqlite3_column_int(st, 4);
		s[cnt].n = (long)sqlite3_column_int64(st, 5);
		s[cnt].kind = sqlite3_column_int(st, 6);
		s[cnt].format = idx_col_dup(st, 7);
		if (s[cnt].path == NULL || s[cnt].hash == NULL ||
		    s[cnt].format == NULL) {
			idx_sources_free(s, cnt + 1);
			sqlite3_finalize(st);
			return qerr_set(err, QERR_IO, "out of memory");
		}
		cnt++;
	}
	if (rc != SQLITE_DONE) {
		qerr_set(err, QERR_DATA, "index is damaged: sources: %s",
			 sqlite3_errmsg(db));
		idx_sources_free(s, cnt);
		sqlite3_finalize(st);
		return QERR_DATA;
	}
	sqlite3_finalize(st);
	*out = s;
	*n = cnt;
	return 0;
}

void idx_sources_free(struct idx_source *s, int n)
{
	int i;

	for (i = 0; s && i < n; i++) {
		free(s[i].path);
		free(s[i].hash);
		free(s[i].format);
	}
	free(s);
}
