/* cmd_stats.c - quarry stats [--db PATH]: what the index holds. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../index/vecstore.h"
#include "cli.h"
#include "options.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: quarry stats [--db PATH]\n\n"
		    "Show the index location, record and term counts, average\n"
		    "field lengths and the indexed sources.\n\n"
		    "options:\n"
		    "  --db PATH   index file (default $XDG_CACHE_HOME/quarry/index.db)\n"
		    "  -h, --help  this help\n");
}

/* Records by how their files were read, and by the files' formats. */
static void print_kinds(const struct idx_source *s, int n)
{
	const char *fmt[16];
	long nfmt[16] = {0}, qa = 0, psg = 0;
	int i, j, nf = 0;

	for (i = 0; i < n; i++) {
		const char *f = s[i].format[0] ? s[i].format : "?";

		if (s[i].kind == IDX_KIND_PASSAGE)
			psg += s[i].n;
		else
			qa += s[i].n;
		for (j = 0; j < nf && strcmp(fmt[j], f) != 0; j++)
			;
		if (j == nf && nf == 16)
			j = 15; /* the rest counted with the last */
		else if (j == nf)
			fmt[nf++] = f;
		nfmt[j] += s[i].n;
	}
	printf("kinds:     %ld Q&A, %ld passages\n", qa, psg);
	printf("formats:  ");
	for (j = 0; j < nf; j++)
		printf(" %s %ld%s", fmt[j], nfmt[j], j + 1 < nf ? "," : "");
	printf("\n");
}

static const struct cli_opts_spec spec = {
	"stats", CLI_G_HELP | CLI_G_DB, NULL, "", usage,
};

/* Whether ask uses word vectors with this index, and which file. */
static void print_vectors(struct idx *x)
{
	const char *why = NULL;
	struct vec *v;

	vec_default_verified(); /* (stats compares the checksum too) */
	v = idx_vectors(x, &why);

	cli_warn_vectors();
	if (v == NULL) {
		printf("vectors:   not in use (%s)\n", why);
		return;
	}
	fputs("vectors:   ", stdout);
	cli_put(stdout, vec_path(v), TERM_NAME);
	printf(" (%ld words, %d dimensions)\n", vec_count(v), vec_dims(v));
}

int cmd_stats(int argc, char **argv)
{
	struct cli_shared sh;
	struct cli_getopt g;
	struct idx *x;
	struct qerr err = {0};
	struct idx_source *s;
	struct stat sb;
	const char *db;
	char *def = NULL;
	int n, i, rc;
	long nseg, ndel;

	cli_shared_init(&sh);
	cli_getopt_init(&g, &spec, &sh);
	while (cli_getopt_next(&g, argc, argv) != 0)
		; /* (no own options) */
	if (g.status != 0)
		return g.status == CLI_HELP_SHOWN ? QERR_OK : g.status;
	db = sh.db;
	if (optind < argc) {
		cli_error("stats: unexpected argument '%s'", argv[optind]);
		return QERR_USAGE;
	}
	if ((rc = cli_open_index(db, &x)) != 0)
		return rc;
	if (db == NULL)
		db = def = cli_default_db();
	fputs("index:     ", stdout);
	cli_put(stdout, db ? db : "?", TERM_NAME);
	printf(" (%lld bytes)\n",
	       db && stat(db, &sb) == 0 ? (long long)sb.st_size : 0LL);
	printf("records:   %ld\n", idx_ndocs(x));
	printf("terms:     %ld\n", idx_nterms(x));
	printf("avg terms: question %.1f, answer %.1f (stop words not "
	       "counted)\n",
	       idx_avglen(x, IDX_Q), idx_avglen(x, IDX_A));
	print_vectors(x);
	if (idx_segment_stats(x, &nseg, &ndel) == 0) {
		printf("segments:  %ld\n", nseg);
		printf("deleted:   %ld\n", ndel);
	}
	if (idx_sources(x, &s, &n, NULL) == 0) {
		print_kinds(s, n);
		printf("sources:   %d\n", n);
		for (i = 0; i < n; i++) {
			char *show = src_show_path(s[i].path);

			fputs("  ", stdout);
			cli_put(stdout, show ? show : s[i].path, TERM_NAME);
			printf(" (%lld bytes%s)\n", s[i].size,
			       s[i].bundled ? ", bundled" : "");
			free(show);
		}
		idx_sources_free(s, n);
	}
	free(def);
	rc = idx_status(x, &err); /* (a read above may have failed) */
	idx_close(x);
	return rc ? cli_fail(&err) : QERR_OK;
}
