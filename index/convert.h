/* convert.h - other formats read through converter commands.
 *
 * A rule maps a file extension ("pdf", "1.gz") to a command template whose
 * standard output is read as plain text ("pdftotext -layout %s -").  The
 * template is split at blanks into an argument vector and run with
 * fork/exec, never through a shell: "%s" in an argument is replaced by the
 * file's path (as part of that one argument), "%%" is a '%', and a
 * template without "%s" gets the path as its last argument.  The command
 * runs with stdin and stderr on /dev/null, in a process group of its own,
 * under a time limit and a limit on the bytes it may print; either limit
 * kills the group.
 *
 * Ownership: struct conv owns its rules; conv_free releases them. */
#ifndef QUARRY_CONVERT_H
#define QUARRY_CONVERT_H

#include <stddef.h>

#include "../util/err.h"

#define CONV_TIMEOUT_MS 30000L
#define CONV_MAX_BYTES ((size_t)64 << 20)

struct conv_rule {
	char *ext; /* lower case, no leading dot */
	char *cmd;
};

struct conv {
	struct conv_rule *rules;
	int n;
	long timeout_ms;
	size_t max_bytes;
};

/* No rules, the default limits. */
void conv_init(struct conv *c);
void conv_free(struct conv *c); /* accepts NULL */

/* Map ext to cmd, replacing an earlier rule; an empty cmd removes the
 * rule.  -1 when memory runs out. */
int conv_set(struct conv *c, const char *ext, const char *cmd);

/* "EXT=COMMAND", as --convert takes it.  QERR_USAGE when malformed. */
int conv_parse_spec(struct conv *c, const char *spec, struct qerr *err);

/* The shipped rules, each only when its program is on PATH: pdf with
 * pdftotext (poppler-utils), man pages (.1 to .9, also gzipped) with
 * `man --nj --nh -l` (no justification or hyphenation, which would
 * leave double spaces and split words in the text). */
int conv_defaults(struct conv *c);

/* Read `convert.EXT = COMMAND`, `convert_timeout = SECONDS` and
 * `convert_max_mb = N` lines from the config file at path (other keys are
 * someone else's; a missing file is no error).  QERR_DATA names the line
 * of a bad value, QERR_IO an unreadable file. */
int conv_load_config(struct conv *c, const char *path, struct qerr *err);

/* The rule for path's extension (the last two parts first, "1.gz", then
 * the last), or NULL. */
const struct conv_rule *conv_find(const struct conv *c, const char *path);

/* Run rule r on path; *out (malloc'd, NUL-terminated, the caller's) and
 * *len receive its output.  QERR_DATA with the reason when the command is
 * missing, fails, times out or prints too much (the file is to be
 * skipped); QERR_IO when no process or pipe could be made. */
int conv_run(const struct conv *c, const struct conv_rule *r,
	     const char *path, char **out, size_t *len, struct qerr *err);

#endif
