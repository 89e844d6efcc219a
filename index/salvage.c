/* salvage.c - what an index that cannot be used says about its sources.
 *
 * An index made by another quarry version, or damaged, can still name the
 * files it was built from: sources(path, bundled) has kept those two
 * columns since the first schema.  Reading them, and nothing else, is what
 * lets such an index be rebuilt from all it held instead of being replaced
 * by the bundled corpus alone. */
#include "idx.h"
#include "idx_int.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int idx_salvage_sources(const char *path, struct idx_source **out, int *n,
			struct qerr *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct idx_source *s = NULL;
	struct stat sb;
	long app = 0;
	int cap = 0, k = 0, rc = 0, step;

	*out = NULL;
	*n = 0;
	/* A FIFO or device would block SQLite's open or read. */
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return qerr_set(err, QERR_DATA, "%s: not an index file", path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
	    idx_int_query(db, "PRAGMA application_id", &app) != 0 ||
	    app != IDX_APP_ID ||
	    sqlite3_prepare_v2(db, "SELECT path, bundled FROM sources "
			       "ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		rc = qerr_set(err, QERR_DATA, "%s: the list of its sources "
			      "cannot be read", path);
		goto done;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(st, 0);

		if (p == NULL || *p == '\0')
			continue;
		if (k == cap) {
			int c = cap ? cap * 2 : 16;
			struct idx_source *ns =
				realloc(s, (size_t)c * sizeof(*ns));

			if (ns == NULL) {
				rc = qerr_set(err, QERR_IO, "out of memory");
				goto done;
			}
			s = ns;
			cap = c;
		}
		memset(&s[k], 0, sizeof(s[k]));
		if ((s[k].path = strdup((const char *)p)) == NULL) {
			rc = qerr_set(err, QERR_IO, "out of memory");
			goto done;
		}
		s[k].bundled = sqlite3_column_int(st, 1) != 0;
		k++;
	}
	if (step != SQLITE_DONE)
		rc = qerr_set(err, QERR_DATA, "%s: the list of its sources "
			      "cannot be read", path);
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc != 0) {
		idx_sources_free(s, k);
		return rc;
	}
	*out = s;
	*n = k;
	return 0;
}
