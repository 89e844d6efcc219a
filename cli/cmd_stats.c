/* cmd_stats.c - quarry stats [--db PATH] [--json]: what the index holds,
 * in words for a person or as one JSON object for a script. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../index/vecstore.h"
#include "cli.h"
#include "options.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: quarry stats [--db PATH] [--json]\n\n"
		    "Show the index location, record and term counts, average\n"
		    "field lengths, and each indexed file with its records.\n\n"
		    "options:\n"
		    "  --db PATH   index file (default $XDG_CACHE_HOME/quarry/index.db)\n"
		    "  -j, --json  one JSON object: {\"index\",\"bytes\",\"records\",\n"
		    "              \"terms\",\"avg_terms\":{\"question\",\"answer\"},\n"
		    "              \"segments\",\"deleted\",\"sources\":[{\"path\",\n"
		    "              \"bytes\",\"records\",\"kind\",\"format\",\"bundled\"}]}\n"
		    "  -h, --help  this help\n\n"
		    "segments: the parts the index is stored in, one from the last\n"
		    "full build and one per 'quarry index --update' since; a few\n"
		    "are merged now and then, and --rebuild makes one again.\n"
		    "deleted: records of changed or removed files that updates\n"
		    "replaced; they are never found, and their space is reclaimed\n"
		    "when their segment is merged or the index rebuilt.\n");
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

static void print_sources(const struct idx_source *s, int n)
{
	int i;

	printf("sources:   %d file%s\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		char *show = src_show_path(s[i].path);

		fputs("  ", stdout);
		cli_put(stdout, show ? show : s[i].path, TERM_NAME);
		printf(": %ld record%s (%lld bytes%s)\n", s[i].n,
		       s[i].n == 1 ? "" : "s", s[i].size,
		       s[i].bundled ? ", bundled" : "");
		free(show);
	}
}

static json_t *sources_json(const struct idx_source *s, int n)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; arr && i < n; i++) {
		char *show = src_show_path(s[i].path);

		json_array_append_new(
			arr, json_pack("{s:o, s:I, s:I, s:s, s:s, s:b}", "path",
				       cli_json_str(show ? show : s[i].path), "bytes",
				       (json_int_t)s[i].size, "records",
				       (json_int_t)s[i].n, "kind",
				       s[i].kind == IDX_KIND_PASSAGE ? "passage"
								     : "qa",
				       "format", s[i].format ? s[i].format : "",
				       "bundled", s[i].bundled));
		free(show);
	}
	return arr;
}

/* The whole report as one JSON line.  0 or QERR_IO. */
static int print_json(struct idx *x, const char *db, long long bytes,
		      long nseg, long ndel, const struct idx_source *s, int n)
{
	json_t *o = json_pack(
		"{s:o, s:I, s:I, s:I, s:{s:f, s:f}, s:I, s:I, s:o}", "index",
		cli_json_str(db), "bytes", (json_int_t)bytes, "records",
		(json_int_t)idx_ndocs(x), "terms", (json_int_t)idx_nterms(x),
		"avg_terms", "question", idx_avglen(x, IDX_Q), "answer",
		idx_avglen(x, IDX_A), "segments", (json_int_t)nseg, "deleted",
		(json_int_t)ndel, "sources", sources_json(s, n));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = text ? 0 : QERR_IO;

	if (text)
		printf("%s\n", text);
	else
		cli_error("out of memory");
	free(text);
	json_decref(o);
	return rc;
}

static void print_vectors(struct idx *x);

static void print_text(struct idx *x, const char *db, long long bytes,
		       int segs_ok, long nseg, long ndel,
		       const struct idx_source *s, int n)
{
	fputs("index:     ", stdout);
	cli_put(stdout, db, TERM_NAME);
	printf(" (%lld bytes)\n", bytes);
	printf("records:   %ld\n", idx_ndocs(x));
	printf("terms:     %ld\n", idx_nterms(x));
	printf("avg terms: question %.1f, answer %.1f (stop words not "
	       "counted)\n",
	       idx_avglen(x, IDX_Q), idx_avglen(x, IDX_A));
	print_vectors(x);
	if (segs_ok) {
		printf("segments:  %ld (the last full build%s)\n", nseg,
		       nseg > 1 ? " and the updates since; merged now and then"
				: "; updates add more");
		printf("deleted:   %ld (old records of changed or removed files: "
		       "never found,\n           their space reclaimed when "
		       "segments merge)\n", ndel);
	}
	if (s != NULL) {
		print_kinds(s, n);
		print_sources(s, n);
	}
}

static const struct option own_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"stats", CLI_G_HELP | CLI_G_DB, own_opts, "j", usage,
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
	struct idx_source *s = NULL;
	struct stat sb;
	const char *db;
	char *def = NULL;
	int n = 0, rc, c, json = 0, segs_ok;
	long nseg = 0, ndel = 0;
	long long bytes;

	cli_shared_init(&sh);
	cli_getopt_init(&g, &spec, &sh);
	while ((c = cli_getopt_next(&g, argc, argv)) != 0)
		if (c == 'j')
			json = 1;
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
	if (db == NULL)
		db = "?";
	bytes = stat(db, &sb) == 0 ? (long long)sb.st_size : 0LL;
	segs_ok = idx_segment_stats(x, &nseg, &ndel) == 0;
	if (idx_sources(x, &s, &n, NULL) != 0) {
		s = NULL;
		n = 0;
	}
	rc = idx_status(x, &err); /* (a read above may have failed) */
	if (rc == 0 && json)
		rc = print_json(x, db, bytes, nseg, ndel, s, n);
	else if (rc == 0)
		print_text(x, db, bytes, segs_ok, nseg, ndel, s, n);
	else
		rc = cli_fail(&err);
	if (s)
		idx_sources_free(s, n);
	free(def);
	idx_close(x);
	if (rc == 0)
		rc = cli_check_output(stdout);
	return rc;
}
