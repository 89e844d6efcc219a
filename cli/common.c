/* common.c - diagnostics, the index location, the query analyzer, and
 * opening the index the subcommands query (its policy: index/ingest.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/term.h"
#include "../util/wordlist.h"
#include "cli.h"

/* The one printer of diagnostics.  A message names files, records and
 * replies that quarry does not control, so it is made safe as a whole: one
 * line, every control character visible (util/term.h). */
static void vmsg(const char *kind, const char *fmt, va_list ap)
	CLI_PRINTF(2, 0);
static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char small[512], *msg = small, *clean;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	va_end(again);
	if (msg == NULL)
		msg = small; /* out of memory: the message cut short */
	clean = n < 0 ? NULL : term_dup(msg, TERM_NAME);
	fflush(stdout);
	fprintf(stderr, "%s: %s%s%s\n", cli_progname, kind ? kind : "",
		kind ? ": " : "", clean ? clean : "(message withheld: out of memory)");
	free(clean);
	if (msg != small)
		free(msg);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void cli_bad_option(const char *cmd, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (optopt && strncmp(opt, "--", 2) != 0)
		cli_error("%s: bad option '-%c' or missing argument (see quarry "
			  "%s --help)", cmd, optopt, cmd);
	else
		cli_error("%s: bad option '%s' or missing argument (see quarry "
			  "%s --help)", cmd, opt, cmd);
}

int cli_fail(const struct qerr *err)
{
	if (err->code == QERR_OK) {
		cli_error("unknown failure");
		return QERR_IO;
	}
	cli_error("%s", err->msg);
	return err->code;
}

int cli_check_output(FILE *fp)
{
	int e;

	if (fflush(fp) == 0 && !ferror(fp))
		return 0;
	e = errno;
	cli_error("write error: %s", strerror(e ? e : EIO));
	clearerr(fp);
	return QERR_IO;
}

char *cli_default_db(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (xdg && *xdg == '/') {
		buf_puts(&b, xdg);
	} else {
		buf_puts(&b, home && *home ? home : ".");
		buf_puts(&b, "/.cache");
	}
	if (buf_puts(&b, "/quarry/index.db") != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

void cli_on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}

/* An indexed file that changed since it was indexed, or is gone. */
static void warn_changed(void *ctx, const char *path, enum src_state st)
{
	const char *db = ctx;
	char *show = src_show_path(path);

	cli_warn("%s %s; run quarry index%s%s --update", show ? show : path,
		 st == SRC_GONE ? "was indexed but is gone"
				: "changed since it was indexed",
		 db ? " --db " : "", db ? db : "");
	free(show);
}

struct tok *cli_query_tok(void)
{
	static int warned;
	struct tok *t = tok_new(TOK_STEM);
	const char *path = getenv("QUARRY_DICT");
	struct wordlist *w;

	if (t == NULL || (path && *path == '\0'))
		return t;
	w = wordlist_open(path ? path : WORDLIST_DEFAULT);
	if (w == NULL && errno == ENOMEM) {
		tok_free(t);
		return NULL;
	}
	if (w == NULL && path && !warned++)
		cli_warn("QUARRY_DICT='%s' ignored: %s", path,
			 errno == EINVAL ? "not a regular file" : strerror(errno));
	tok_set_words(t, w);
	return t;
}

/* Open as cli_open_index does; check every source when all is set. */
static int open_index(const char *db, int all, struct idx **out)
{
	struct ingest_cb cb = {cli_on_warn, NULL, NULL, NULL, 0, 0};
	struct qerr err = {0};
	char *def = NULL;
	int rc;

	*out = NULL;
	if (db == NULL && (def = cli_default_db()) == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	rc = ingest_open(def ? def : db, def != NULL, &cb, out, &err);
	if (rc == 0 && all)
		src_changed(*out, warn_changed, def ? NULL : (void *)db, NULL);
	free(def);
	return rc ? cli_fail(&err) : 0;
}

int cli_open_index(const char *db, struct idx **out)
{
	return open_index(db, 1, out);
}

int cli_open_index_unchecked(const char *db, struct idx **out)
{
	return open_index(db, 0, out);
}

void cli_warn_changed(struct idx *x, const char *db,
		      const struct cli_result *res, int n)
{
	long docs[64];
	int i;

	for (i = 0; i < n; i += 64) {
		int k, m = n - i < 64 ? n - i : 64;

		for (k = 0; k < m; k++)
			docs[k] = res[i + k].doc.id;
		src_changed_docs(x, docs, m, warn_changed, (void *)db, NULL);
	}
}
