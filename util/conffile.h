/* conffile.h - read quarry's config file: `key = value` lines, grouped in
 * optional `[name]` sections.
 *
 * Lines before the first section header are top-level.  `#` starts a
 * comment at the start of a line or after a blank; a value may be
 * "quoted" (then kept as written, `#` and all).  Section names are
 * letters, digits, '-', '_' and '.'.  The reader knows no keys: what a key
 * means, and whether it is known, is its users' business.
 *
 * Ownership: a struct conffile owns its strings; conf_free wipes them
 * (values may hold an API key) and frees them. */
#ifndef QUARRY_CONFFILE_H
#define QUARRY_CONFFILE_H

#include "err.h"

struct conf_entry {
	const char *section; /* NULL: top-level */
	const char *key;
	const char *value;
	int line;
};

struct conffile {
	char *shown;   /* the path for messages, $HOME shown as ~ */
	int others;    /* group or others may read the file */
	struct conf_entry *e;
	int n;
};

/* Read the file at path (a regular file only; never waits on a FIFO).
 * 0 with *out NULL when there is no file; 0 with *out set; or QERR_DATA
 * ("FILE:LINE: ..." for a malformed line) / QERR_IO with err set and
 * *out NULL. */
int conf_load(const char *path, struct conffile **out, struct qerr *err);
void conf_free(struct conffile *c);

/* The last entry for key in section (NULL: top-level), or NULL. */
const struct conf_entry *conf_get(const struct conffile *c,
				  const char *section, const char *key);
/* Whether the file has a [section] header. */
int conf_has_section(const struct conffile *c, const char *section);

/* path with $HOME shown as ~, for messages.  Caller frees; NULL: out of
 * memory. */
char *conf_display_path(const char *path);

#endif
