/* cli.h - what the subcommands share: options, index location, output.
 *
 * Only cli/ prints or exits.  Every cmd_* returns an exit status (the
 * enum qerr_code values, documented in --help and README). */
#ifndef QUARRY_CLI_H
#define QUARRY_CLI_H

#include <stdio.h>

#include "../index/corpus.h"
#include "../index/idx.h"
#include "../retrieval/rank.h"
#include "../retrieval/run.h"
#include "../retrieval/snippet.h"
#include "../util/err.h"

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

struct cli_result;

extern const char *cli_progname;

int cmd_index(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_chat(int argc, char **argv);

/* "quarry: error: ..." / "quarry: warning: ..." on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);
/* After getopt_long returned '?': one line naming the bad option. */
void cli_bad_option(const char *cmd, char **argv);

/* Print err's message and return its code (QERR_IO if unset). */
int cli_fail(const struct qerr *err);

/* Default index path: $XDG_CACHE_HOME/quarry/index.db, else
 * ~/.cache/quarry/index.db.  Returns a malloc'ed string, or NULL. */
char *cli_default_db(void);
/* mkdir -p the directory holding path. 0 or QERR_IO (err set). */
int cli_make_parent(const char *path, struct qerr *err);

/* Open the index for querying.  With db == NULL the default index is used
 * and (re)built from the embedded corpus when it is missing or was built
 * from an older embedded corpus.  Warns on stderr when an indexed file
 * changed since.  Returns 0 or an exit status (message printed). */
int cli_open_index(const char *db, struct idx **out);

/* The query analyzer (stemming English), with the language's word list
 * for spelling: $QUARRY_DICT when set (empty: none), else
 * WORDLIST_DEFAULT when it exists.  A QUARRY_DICT that cannot be read is
 * warned about (once) and the analyzer goes without.  NULL: out of
 * memory. */
struct tok *cli_query_tok(void);

/* Build an index at path from the embedded corpus. */
int cli_build_bundled(const char *path, struct qerr *err);

/* What the index records about a source file. */
struct cli_source_info {
	long long size, mtime;
	char hash[17]; /* FNV-1a 64 of the content; "" if not a regular file */
};
void cli_source_info(const char *path, struct cli_source_info *si);

/* Receives each record in order; si is set for a source's first record.
 * Non-zero stops the reading (and is returned). */
typedef int (*cli_consume_fn)(void *ctx, const struct corpus_rec *r,
			      const struct cli_source_info *si);

/* Read paths on a second thread (corpus_read_path), handing the records
 * to consume on this one.  want (may be NULL) is asked on the reading
 * thread, with ctx, whether to read each file.  *total receives the
 * records read.  Returns 0, consume's status, or the reader's error (err
 * set). */
int cli_read_parallel(char **paths, int npaths, corpus_warn_fn warn,
		      corpus_want_fn want, cli_consume_fn consume, void *ctx,
		      long *total, struct qerr *err);

/* Index the given paths into db (atomically). quiet: no summary line. */
int cli_build_paths(const char *db, char **paths, int npaths, int quiet,
		    long *nrecs, struct qerr *err);
/* Update db in place from paths (all recorded sources when npaths is 0):
 * new and changed files are (re)indexed, unchanged ones skipped, files
 * gone from disk dropped.  Builds db from paths when it does not exist. */
int cli_update_paths(const char *db, char **paths, int npaths, int quiet,
		     struct qerr *err);

/* ---- LLM replies (llm_glue.c) ---- */

struct cli_llm_opts {
	const char *url;   /* --llm-url, overrides config and environment */
	const char *model; /* --llm-model */
	long budget;       /* --context-budget bytes, 0 = configured */
	int dry_run;       /* print the request body instead of sending */
	int stream;        /* ask for a streamed reply (SSE) */
};

struct cli_llm_turn {
	const char *user;
	const char *assistant;
};

/* Have the configured endpoint rewrite res[0..n) into a cited reply to
 * question (hist: earlier turns, may be NULL).  With o->stream the reply
 * is requested as a stream and written to stream as it arrives.  *reply receives the whole reply
 * (or, with dry_run, the request body that would be sent); caller frees.
 * Errors: QERR_USAGE (not configured, or built without the client),
 * QERR_IO / QERR_DATA from the endpoint, with err set; the API key never
 * appears in messages. */
int cli_llm_reply(const struct cli_llm_opts *o, const char *question,
		  const struct cli_result *res, int n,
		  const struct cli_llm_turn *hist, int nhist, FILE *stream,
		  char **reply, struct qerr *err);

/* 0 when LLM replies can be had with o (an endpoint is configured and the
 * client is built in); else QERR_USAGE / QERR_DATA with err saying why. */
int cli_llm_check(const struct cli_llm_opts *o, struct qerr *err);

/* ---- ranking options shared by ask, chat and eval ---- */

enum {
	CLI_OPT_K1 = 1000,
	CLI_OPT_B,
	CLI_OPT_WQ,
	CLI_OPT_WA,
	CLI_OPT_QMATCH,
	CLI_OPT_NOEXPAND,
	CLI_OPT_MODEL,
	CLI_OPT_PHRASE,
	CLI_OPT_FEEDBACK,
	CLI_OPT_FEEDBACK_MIN,
	CLI_OPT_EXHAUSTIVE,
};

/* getopt_long entries for the options above (put them in a table). */
#define CLI_RANK_LONGOPTS                                                  \
	{"b", required_argument, NULL, CLI_OPT_B},                         \
	{"k1", required_argument, NULL, CLI_OPT_K1},                       \
	{"no-expand", no_argument, NULL, CLI_OPT_NOEXPAND},                \
	{"phrase", required_argument, NULL, CLI_OPT_PHRASE},               \
	{"feedback", required_argument, NULL, CLI_OPT_FEEDBACK},           \
	{"exhaustive", no_argument, NULL, CLI_OPT_EXHAUSTIVE},             \
	{"feedback-min", required_argument, NULL, CLI_OPT_FEEDBACK_MIN},   \
	{"qmatch", required_argument, NULL, CLI_OPT_QMATCH},               \
	{"wa", required_argument, NULL, CLI_OPT_WA},                       \
	{"wq", required_argument, NULL, CLI_OPT_WQ}

#define CLI_RANK_HELP                                                      \
	"  --k1 X, --b X     BM25 parameters (default 1.2, 0.75)\n"          \
	"  --wq X, --wa X    question / answer field weights (default 3, 1)\n" \
	"  --qmatch X        bonus for covering a record's whole question\n"  \
	"                    (default 1; 0 turns it off)\n"                 \
	"  --phrase X        bonus for query word pairs found together\n"     \
	"                    (default 0 = off: it lost on med)\n"                 \
	"  --feedback X      add terms from the best records, weighted X\n"  \
	"                    (pseudo-relevance feedback; default 0 = off)\n" \
	"  --feedback-min N  ...only for questions of N words or more (4)\n" \
	"  --exhaustive      score every posting instead of MaxScore pruning\n" \
	"                    (same results, slower; for checking)\n"          \
	"  --no-expand       no prefix, spelling, compound or acronym\n"     \
	"                    expansion of query words\n"

/* Handle option c (a CLI_OPT_* value) into p. Returns 0, QERR_USAGE with a
 * message printed, or -1 when c is not a ranking option. */
int cli_rank_opt(const char *cmd, int c, const char *arg,
		 struct rank_params *p);
/* Parse a number in [lo, hi]; 0 or QERR_USAGE with a message printed. */
int cli_parse_num(const char *cmd, const char *opt, const char *s, double lo,
		  double hi, double *out);

/* ---- output ---- */

struct cli_result {
	int rank;
	double score;
	double confidence; /* rank_confidence: share of the query covered */
	double *contrib;   /* with explain: per query term score, else NULL */
	struct idx_doc doc;
	struct snippet snip;   /* the best window of the answer (cli_snippets) */
	struct snippet marked; /* the whole answer with the query's words
				  marked, when asked for; else empty */
};

/* Answers longer than this many bytes show their snippet in plain
 * output (unless --full); shorter ones are shown whole. */
#define CLI_LONG_ANSWER 600

/* One answered (or declined) question, ready to print. */
struct cli_answer {
	const char *query;
	const char *resolved;          /* chat: the query searched, or NULL */
	const struct rank_query *rq;   /* the parsed query (for explain) */
	const struct cli_result *res;
	int n;
	int answered;                  /* not declined (see rank_run) */
	int show_candidates;           /* plain: list results even if declined */
	int explain;                   /* show per-term contributions */
	const char *reply;             /* LLM reply, or NULL */
	const char *reply_error;       /* why there is no reply, or NULL */
};

struct cli_out {
	FILE *fp;
	int json;
	int color;   /* ANSI colour: only on a terminal, never with NO_COLOR */
	int full;    /* --full: whole answers, never snippets */
	int width;   /* wrap width in columns; 0 = no wrapping */
};

/* Rank question q with params p as run wants (rank_run) and fetch the
 * hits into res[0..*n) (res has room for run->k); res[i].confidence is
 * set for i < run->nconf, else 0.  Returns 0 or an error code with err
 * set (then *n is 0).  Free the results with cli_results_clear. */
int cli_retrieve(struct idx *x, struct tok *t, const struct rank_params *p,
		 const char *q, struct rank_run *run, struct cli_result *res,
		 int *n, struct qerr *err);
/* Fill res[i].contrib for --explain (allocates; freed by
 * cli_results_clear).  0 or QERR_IO. */
int cli_explain(struct idx *x, const struct rank_query *rq,
		const struct rank_params *p, struct cli_result *res, int n);
/* Fill res[i].snip for rq (snip_make, SNIP_CHARS), and res[i].marked as
 * well when marked is set (the whole answer, for printing it with
 * highlights).  Freed by cli_results_clear.  0 or QERR_IO with err set. */
int cli_snippets(const struct rank_query *rq, struct cli_result *res, int n,
		 int marked, struct qerr *err);
void cli_results_clear(struct cli_result *res, int n);

/* Decide colour and width for fp (isatty, NO_COLOR, COLUMNS). */
void cli_out_init(struct cli_out *o, FILE *fp, int json);

/* Wrap text at o->width with the given indent (columns), keeping the
 * text's own line breaks. */
void cli_print_wrapped(const struct cli_out *o, const char *text, int indent);

/* Print the plain-text form of results for query. */
void cli_print_results(const struct cli_out *o, const char *query,
		       const struct cli_result *r, int n);

/* Print an answer for people (results, or a plain "no good answer" line
 * and, when asked, the nearest candidates; the explanation). */
void cli_print_answer(const struct cli_out *o, const struct cli_answer *a);

/* The JSON writers (answer.c) repair invalid UTF-8 in every string
 * rather than lose the line.
 *
 * Print an answer as one JSON line (the contract in README "JSON"):
 * {"query","answered","results":[{"rank","id","score","confidence",
 * "question","answer","source","line","snippet","highlights"
 * [,"explain"]}][,"resolved"]
 * [,"reply"][,"reply_error"]}.  0 or QERR_IO. */
int cli_print_json(FILE *fp, const struct cli_answer *a);
/* chat's /sources as one JSON line: {"command":"sources","resolved",
 * "results":[{"rank","id","score","question","source","line"}]} (the
 * answers are in the turn's own line).  0 or QERR_IO. */
int cli_print_sources_json(FILE *fp, const char *resolved,
			   const struct cli_result *r, int n);
/* A command's reply as one JSON line: {"command": command, key: value}.
 * 0 or QERR_IO. */
int cli_print_command_json(FILE *fp, const char *command, const char *key,
			   const char *value);

/* Flush and check fp; 0 or QERR_IO with a message printed. */
int cli_check_output(FILE *fp);

#endif
