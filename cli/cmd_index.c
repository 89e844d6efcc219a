/* cmd_index.c - quarry index [--db PATH] [--update] [--as qa|passages]
 * [--convert EXT=COMMAND] [--threads N] [--memory SIZE] PATH... */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../index/convert.h"
#include "../index/pipeline.h"
#include "../util/buf.h"
#include "../util/fileio.h"
#include "cli.h"
#include "options.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry index [--db PATH] [--as qa|passages]\n"
		"                    [--convert EXT=COMMAND]... PATH...\n"
		"       quarry index [--db PATH] [--as ...] [--convert ...] "
		"--update [PATH...]\n"
		"       quarry index [--db PATH] --rebuild\n\n"
		"Read documents and replace the index with them.  PATH is a file\n"
		"or a directory (read recursively).  Formats, by extension:\n"
		"  .txt .text  numbered Q&A text ('1. question', 'Ans:', answer)\n"
		"  .jsonl .ndjson .json  {\"question\",\"answer\"[,\"id\"]} or BEIR\n"
		"          {\"_id\",\"title\",\"text\"}\n"
		"  .md .markdown  Markdown: each heading a question, the text under\n"
		"          it the answer\n"
		"  .html .htm .xhtml  HTML pages, read as prose\n"
		"Other files are sniffed ('{' first: JSON Lines; a '#' heading:\n"
		"Markdown; '<html' or a doctype: HTML; else text).\n"
		"A text or Markdown file without Q&A records is read as prose and cut\n"
		"into passages (titled by its heading path, id file:line).  Other\n"
		"formats go through converters: PDF with pdftotext and man pages with\n"
		"man -l when installed, and `convert.EXT = COMMAND` lines of the config\n"
		"file or --convert.\n"
		"Only regular files are read (not FIFOs or devices), each as it was\n"
		"when opened; a file read whole may hold at most 1 GiB (JSON Lines\n"
		"are streamed).  In a directory, files that cannot be read or hold\n"
		"no records are skipped with a warning.\n\n"
		"The new index is written beside the old one and swapped in only\n"
		"when complete.  It holds PATH alone: building the default index\n"
		"replaces the bundled corpus (the summary says so); --update PATH\n"
		"adds PATH beside it instead, and deleting the default index file\n"
		"brings the bundled corpus back alone.\n\n"
		"With --update the index is changed in place instead, in time\n"
		"proportional to what changed: files new to it are added, files\n"
		"whose content changed are indexed again, unchanged ones are left\n"
		"alone, and indexed files under PATH that are gone are dropped.\n"
		"Without PATH every file the index holds is checked.  Queries\n"
		"running meanwhile see the index before or after, never between.\n\n"
		"options:\n"
		"  --db PATH   index file (default $XDG_CACHE_HOME/quarry/index.db)\n"
		"  -u, --update  update in place (see above)\n"
		"  --as qa|passages  read text and Markdown as Q&A records or as\n"
		"              prose, instead of deciding per file\n"
		"  --convert EXT=COMMAND  read .EXT files through COMMAND's output\n"
		"              (%%s the file; split at blanks, no shell; repeatable;\n"
		"              an empty COMMAND drops the rule)\n"
		"  --rebuild   build again from the recorded sources\n"
		"  --threads N threads that analyse records, 1-8 (default: the\n"
		"              CPUs, at most 8; $QUARRY_THREADS)\n"
		"  --memory SIZE  memory the build may use, e.g. 512M or 2G\n"
		"              (default 512M; $QUARRY_MEMORY); past it postings\n"
		"              are spilled to temporary files beside the index\n"
		"  -q, --quiet no summary line\n"
		"  -h, --help  this help\n");
}

/* The shipped converters, then the config file's; --convert comes after. */
static int load_converters(struct conv *cv, struct qerr *err)
{
	char *path = fio_config_path();
	int rc;

	if (conv_defaults(cv) != 0) {
		free(path);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	/* (no path: neither XDG_CONFIG_HOME nor HOME says where it is) */
	rc = path ? conv_load_config(cv, path, err) : 0;
	free(path);
	return rc;
}

/* QUARRY_PASSAGE_BYTES: the passage bound (default PSG_MAX_BYTES). */
static size_t passage_bytes(void)
{
	const char *v = getenv("QUARRY_PASSAGE_BYTES");
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;

	if (v && (*end != '\0' || n < 64 || n > 1L << 20)) {
		cli_warn("QUARRY_PASSAGE_BYTES='%s' ignored", v);
		return 0;
	}
	return v ? (size_t)n : 0;
}

static int parse_as(const char *v, enum corpus_as *as)
{
	if (strcmp(v, "qa") == 0)
		*as = CORPUS_AS_QA;
	else if (strcmp(v, "passages") == 0)
		*as = CORPUS_AS_PASSAGES;
	else if (strcmp(v, "auto") == 0)
		*as = CORPUS_AS_AUTO;
	else
		return -1;
	return 0;
}

/* --threads N: 1 to PIPELINE_MAX_THREADS. */
static int parse_threads(const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end != '\0' || n < 1 || n > PIPELINE_MAX_THREADS)
		return -1;
	*out = (int)n;
	return 0;
}

/* --memory SIZE: bytes, or a number with K, M or G (powers of 1024),
 * from 1M to 1T. */
static int parse_memory(const char *v, size_t *out)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10), unit = 1;

	if (end == v || *v == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': unit = 1ULL << 10; end++; break;
	case 'm': case 'M': unit = 1ULL << 20; end++; break;
	case 'g': case 'G': unit = 1ULL << 30; end++; break;
	}
	if (*end != '\0' || n > (1ULL << 40) / unit || n * unit < (1ULL << 20))
		return -1;
	*out = (size_t)(n * unit);
	return 0;
}

/* $QUARRY_THREADS and $QUARRY_MEMORY, where the options left them
 * unset; an invalid value is warned about and ignored. */
static void machine_env(int *threads, size_t *memory)
{
	const char *t = getenv("QUARRY_THREADS"), *m = getenv("QUARRY_MEMORY");

	if (*threads == 0 && t && parse_threads(t, threads) != 0)
		cli_warn("QUARRY_THREADS='%s' ignored", t);
	if (*memory == 0 && m && parse_memory(m, memory) != 0)
		cli_warn("QUARRY_MEMORY='%s' ignored", m);
}

static const struct option own_opts[] = {
	{"as", required_argument, NULL, 'a'},
	{"convert", required_argument, NULL, 'c'},
	{"memory", required_argument, NULL, 'M'},
	{"quiet", no_argument, NULL, 'q'},
	{"rebuild", no_argument, NULL, 'r'},
	{"threads", required_argument, NULL, 'T'},
	{"update", no_argument, NULL, 'u'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"index", CLI_G_HELP | CLI_G_DB, own_opts, "qu", usage,
};

struct index_opts {
	struct cli_shared s; /* --db */
	int quiet, update, rebuild;
	int threads;   /* --threads, 0 unset */
	size_t memory; /* --memory, 0 unset */
	enum corpus_as as; /* --as */
	const char **convert; /* the --convert specs, in order */
	int nconvert;
};

/* o->convert must have room for argc specs.  Returns 0, CLI_HELP_SHOWN,
 * or QERR_USAGE (QERR_IO when memory runs out; a message printed). */
static int parse_opts(int argc, char **argv, struct index_opts *o)
{
	struct cli_getopt g;
	struct qerr err = {0};
	struct conv check;
	int c, rc;

	cli_getopt_init(&g, &spec, &o->s);
	while ((c = cli_getopt_next(&g, argc, argv)) != 0) {
		switch (c) {
		case 'a':
			if (parse_as(optarg, &o->as) != 0) {
				cli_error("index: --as takes qa or passages, not '%s'",
					  optarg);
				return QERR_USAGE;
			}
			break;
		case 'c':
			/* (checked now, applied after the config file's rules) */
			conv_init(&check);
			rc = conv_parse_spec(&check, optarg, &err);
			conv_free(&check);
			if (rc != 0)
				return cli_fail(&err);
			o->convert[o->nconvert++] = optarg;
			break;
		case 'T':
			if (parse_threads(optarg, &o->threads) != 0) {
				cli_error("index: --threads takes a number from 1 "
					  "to %d, not '%s'", PIPELINE_MAX_THREADS,
					  optarg);
				return QERR_USAGE;
			}
			break;
		case 'M':
			if (parse_memory(optarg, &o->memory) != 0) {
				cli_error("index: --memory takes a size from 1M "
					  "to 1024G (512M, 2G), not '%s'", optarg);
				return QERR_USAGE;
			}
			break;
		case 'q': o->quiet = 1; break;
		case 'u': o->update = 1; break;
		case 'r': o->rebuild = 1; break;
		}
	}
	return g.status;
}

/* The shipped converters, the config file's, then the --convert specs
 * in order.  0, or the exit status with one error line printed. */
static int set_converters(struct conv *cv, const char **spec_v, int n)
{
	struct qerr err = {0};
	int i, rc;

	/* A config file that cannot be read costs its converter rules, not
	 * the build (as it costs ask only its LLM settings). */
	rc = load_converters(cv, &err);
	if (rc == QERR_IO) {
		cli_warn("%s; converters from it not used", err.msg);
		qerr_clear(&err);
	} else if (rc != 0) {
		return cli_fail(&err);
	}
	for (i = 0; i < n; i++)
		if (conv_parse_spec(cv, spec_v[i], &err) != 0)
			return cli_fail(&err);
	return 0;
}

static int run(const struct index_opts *o, char **paths, int npaths,
	       const struct corpus_opts *co);

int cmd_index(int argc, char **argv)
{
	struct index_opts o;
	struct corpus_opts co = {CORPUS_AS_AUTO, 0, NULL};
	struct conv cv;
	int rc;

	memset(&o, 0, sizeof(o));
	cli_shared_init(&o.s);
	o.as = CORPUS_AS_AUTO;
	/* (the --convert rules go after the config file's, which is read
	 * once the options are known good) */
	if ((o.convert = calloc((size_t)argc, sizeof(*o.convert))) == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	rc = parse_opts(argc, argv, &o);
	if (rc != 0) {
		free(o.convert);
		return rc == CLI_HELP_SHOWN ? QERR_OK : rc;
	}
	conv_init(&cv);
	co.as = o.as;
	co.conv = &cv;
	co.passage_bytes = passage_bytes();
	rc = set_converters(&cv, o.convert, o.nconvert);
	free(o.convert);
	machine_env(&o.threads, &o.memory);
	if (rc == 0)
		rc = run(&o, argv + optind, argc - optind, &co);
	conv_free(&cv);
	return rc;
}

/* The progress line on a terminal: files and records read, records/s,
 * MB/s and, when the input size is known, the share done and an ETA;
 * redrawn at most four times a second (after each file, so files that go
 * through a slow converter show too). */
static void show_progress(void *ctx, const struct ingest_progress *p,
			  int final)
{
	double *last_shown = ctx, el = p->seconds;
	double mbs = el > 0 ? (double)p->bytes / 1e6 / el : 0.0;

	if (!final && *last_shown >= 0 && el - *last_shown < 0.25)
		return;
	*last_shown = el;
	fprintf(stderr, "\r%s: %ld file%s, %ld records, %.0f rec/s, %.1f MB/s",
		cli_progname, p->files, p->files == 1 ? "" : "s", p->records,
		el > 0 ? p->records / el : 0.0, mbs);
	if (p->total_bytes > 0 && p->bytes > 0 && mbs > 0 && !final) {
		double left = (double)(p->total_bytes - p->bytes) / 1e6 / mbs;

		fprintf(stderr, ", %3.0f%%, ETA %.0fs",
			100.0 * (double)p->bytes / (double)p->total_bytes,
			left > 0 ? left : 0.0);
	}
	fputs(final ? "\n" : "\033[K", stderr);
	fflush(stderr);
}

/* The summary line of a build or update. */
static void note_summary(const char *db, const struct ingest_summary *s)
{
	if (s->updated)
		cli_note("updated %s: %ld records from %ld new or changed "
			 "file%s, %ld unchanged, %ld removed", db, s->records,
			 s->files, s->files == 1 ? "" : "s", s->unchanged,
			 s->removed);
	else
		cli_note("indexed %ld records from %d path%s into %s",
			 s->records, s->paths, s->paths == 1 ? "" : "s", db);
}

/* Does the index at db hold the bundled corpus?  (Not there, or not
 * readable: no.) */
static int holds_bundled(const char *db)
{
	struct idx *x = NULL;
	struct idx_source *s;
	struct qerr err = {0};
	int n, i, found = 0;

	if (access(db, F_OK) != 0 || idx_open(&x, db, &err) != 0)
		return 0;
	if (idx_sources(x, &s, &n, NULL) == 0) {
		for (i = 0; i < n; i++)
			found |= s[i].bundled;
		idx_sources_free(s, n);
	}
	idx_close(x);
	return found;
}

/* A build that replaced the bundled corpus says so, and how to keep it
 * or have it back. */
static void note_replaced(const char *db, int is_default)
{
	cli_note("the bundled corpus is no longer in %s; to search it beside "
		 "your files use 'quarry index --update PATH' instead, and to "
		 "go back to it alone %s", db,
		 is_default ? "delete that file (it is rebuilt from the bundled "
			      "corpus when next used)"
			    : "delete that file and leave --db out");
}

/* The build or update itself, options parsed. */
static int run(const struct index_opts *o, char **paths, int npaths,
	       const struct corpus_opts *co)
{
	struct qerr err = {0};
	struct ingest_summary sum = {0};
	struct ingest_cb cb = {cli_on_warn, NULL, NULL, co, o->threads,
			       o->memory};
	const char *db = o->s.db;
	int quiet = o->quiet, update = o->update, rebuild = o->rebuild;
	double last_shown = -1;
	char *def = NULL;
	int rc, replaces;

	if (rebuild && (update || npaths > 0)) {
		cli_error("index: --rebuild takes no PATH and no --update (see "
			  "quarry index --help)");
		return QERR_USAGE;
	}
	if (npaths == 0 && !update && !rebuild) {
		cli_error("index: no PATH given (see quarry index --help)");
		return QERR_USAGE;
	}
	if (db && *db == '\0') {
		cli_error("index: --db needs a file name");
		return QERR_USAGE;
	}
	if (db == NULL && (db = def = cli_default_db()) == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	if (!quiet && isatty(STDERR_FILENO)) {
		cb.on_progress = show_progress;
		cb.ctx = &last_shown;
	}
	/* The default index holds the bundled corpus until a build replaces
	 * it: an update adds to it, so it is made first when missing. */
	replaces = !update && !rebuild && (def ? access(db, F_OK) != 0 : 0);
	replaces = replaces || (!update && !rebuild && holds_bundled(db));
	if (update && def && access(db, F_OK) != 0) {
		struct idx *x = NULL;

		if ((rc = cli_open_index(NULL, &x)) != 0) {
			free(def);
			return rc;
		}
		idx_close(x);
	}
	if (rebuild)
		rc = ingest_rebuild(db, &cb, &sum, &err);
	else if (update)
		rc = ingest_update(db, paths, npaths, &cb, &sum, &err);
	else
		rc = ingest_build(db, paths, npaths, &cb, &sum, &err);
	cli_warn_vectors();
	if (rc == 0 && !quiet)
		note_summary(db, &sum);
	if (rc == 0 && !quiet && replaces)
		note_replaced(db, def != NULL);
	free(def);
	return rc ? cli_fail(&err) : QERR_OK;
}
