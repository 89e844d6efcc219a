/* cli.h - what the subcommands share: options, index location, output.
 *
 * Only cli/ prints or exits.  Every cmd_* returns an exit status (the
 * enum qerr_code values, documented in --help and README). */
#ifndef QUARRY_CLI_H
#define QUARRY_CLI_H

#include <stdio.h>

#include "../index/corpus.h"
#include "../index/idx.h"
#include "../index/ingest.h"
#include "../index/sources.h"
#include "../retrieval/rank.h"
#include "../retrieval/run.h"
#include "../retrieval/snippet.h"
#include "../util/err.h"
#include "../util/term.h"

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
int cmd_log(int argc, char **argv);
int cmd_config(int argc, char **argv);

/* "quarry: error: ..." / "quarry: warning: ..." / "quarry: ..." (a
 * note: what a command did) on stderr, one line, made safe for a terminal. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);
void cli_note(const char *fmt, ...) CLI_PRINTF(1, 2);
/* After getopt_long returned '?': one line naming the bad option. */
void cli_bad_option(const char *cmd, char **argv);

/* Print err's message and return its code (QERR_IO if unset). */
int cli_fail(const struct qerr *err);

/* Default index path: $XDG_CACHE_HOME/quarry/index.db, else
 * ~/.cache/quarry/index.db.  Returns a malloc'ed string, or NULL. */
char *cli_default_db(void);
/* Open the index for querying (ingest_open): db, or with db == NULL the
 * default index, built or rebuilt as it needs.  Warns on stderr when an
 * indexed file changed since.  Returns 0 or an exit status (message
 * printed). */
int cli_open_index(const char *db, struct idx **out);
/* cli_open_index without the check of the indexed files (a stat each):
 * for one question, whose caller checks the files of the answers it
 * shows with cli_warn_changed. */
int cli_open_index_unchecked(const char *db, struct idx **out);

/* The query analyzer (stemming English), with the language's word list
 * for spelling: $QUARRY_DICT when set (empty: none), else
 * WORDLIST_DEFAULT when it exists.  A QUARRY_DICT that cannot be read is
 * warned about (once) and the analyzer goes without.  NULL: out of
 * memory. */
struct tok *cli_query_tok(void);

/* Print msg as a warning: the on_warn of the library's callbacks
 * (corpus readers, index/ingest.h). */
void cli_on_warn(void *ctx, const char *msg);

/* ---- LLM replies (llm_glue.c) ---- */

struct cli_llm_opts {
	const char *url;   /* --llm-url, overrides config and environment */
	const char *model; /* --llm-model */
	long budget;       /* --context-budget bytes, 0 = configured */
	int dry_run;       /* print the request body instead of sending */
	int stream;        /* ask for a streamed reply (SSE) */
	long timeout_ms;   /* --llm-timeout (total per request); -1: configured */
	int eof_cancels;   /* chat on a terminal: Ctrl-D cancels a request too */
	const char *profile; /* --profile: a [NAME] section of the config */
	int width;         /* the streamed reply wrapped at this many columns
			      at word boundaries; 0: written as it comes */
	int markdown;      /* its Markdown shown with attributes (render.h) */
};

/* Exit status of a command the user interrupted (Ctrl-C), as shells
 * report a program killed by SIGINT (128 + 2). */
#define CLI_EXIT_INTERRUPTED 130

struct cli_llm_turn {
	const char *user;
	const char *assistant;
};

/* Have the configured endpoint rewrite res[0..n) into a cited reply to
 * question (hist: earlier turns, may be NULL).  With o->stream the reply
 * is requested as a stream and written to stream as it arrives.  *reply receives the whole reply
 * (or, with dry_run, the request body that would be sent); caller frees.
 * The reply shown on stream is made safe for a terminal (util/term.h),
 * then laid out as o->width and o->markdown say; *reply is exact.  While
 * no reply has arrived, "waiting for MODEL..." shows on stderr when it is
 * a terminal.  During the request Ctrl-C (SIGINT) cancels it, as does
 * Ctrl-D with o->eof_cancels (the terminal's quit character is set to its
 * EOF character for the while); see cli_llm_interrupted.
 * Errors: QERR_USAGE (not configured, or built without the client),
 * QERR_IO / QERR_DATA from the endpoint, with err set; the API key never
 * appears in messages. */
int cli_llm_reply(const struct cli_llm_opts *o, const char *question,
		  const struct cli_result *res, int n,
		  const struct cli_llm_turn *hist, int nhist, FILE *stream,
		  char **reply, struct qerr *err);

/* Non-zero when the last cli_llm_reply ended because the user pressed
 * Ctrl-C (or, with eof_cancels, Ctrl-D) during the request. */
int cli_llm_interrupted(void);

/* The model the last cli_llm_reply asked ("" when none was set); borrowed
 * until the next call. */
const char *cli_llm_model(void);

/* 0 when LLM replies can be had with o (an endpoint is configured and the
 * client is built in); else QERR_USAGE / QERR_DATA with err saying why. */
int cli_llm_check(const struct cli_llm_opts *o, struct qerr *err);

/* Non-zero when the last configuration loaded (cli_llm_check,
 * cli_llm_reply) had no endpoint at all, or the client is not built in. */
int cli_llm_unconfigured(void);

/* For `quarry config`: call row once per LLM setting in effect with o
 * (profile, url, model, api_key masked, timeouts, retries, budget, system
 * prompt) and where it came from.  0, or the error loading the
 * configuration (err set). */
int cli_llm_settings(const struct cli_llm_opts *o,
		     void (*row)(void *ctx, const char *name,
				 const char *value, const char *from),
		     void *ctx, struct qerr *err);

/* The options the commands share: options.h. */

/* ---- output ---- */

struct cli_result {
	int rank;
	double score;
	double lexical;    /* the score without the word vectors' share */
	double confidence; /* rank_confidence: share of the query covered */
	double *contrib;   /* with explain: per query term score, else NULL */
	struct idx_doc doc;
	struct snippet snip;   /* the best window of the answer (cli_snippets) */
	struct snippet marked; /* the whole answer with the query's words
				  marked, when asked for; else empty */
};

/* Q&A answers longer than this many bytes show their snippet in plain
 * output (unless --full); shorter ones are shown whole.  Passages always
 * show their snippet. */
/* Warn on stderr about each file the records res[0..n) came from that
 * changed since it was indexed or is gone (db as given to
 * cli_open_index_unchecked: NULL for the default index). */
void cli_warn_changed(struct idx *x, const char *db,
		      const struct cli_result *res, int n);

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
	int trim;                      /* plain: leave a weak tail out */
	double answerable;             /* rank_run's probability that the
					  corpus answers; -1: not known */
	int explain;                   /* show per-term contributions */
	const char *reply;             /* LLM reply, or NULL */
	const char *reply_error;       /* why there is no reply, or NULL */
	const char *did_you_mean;      /* declined: the question respelled
					  (rank_did_you_mean), or NULL */
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
/* The question in s[0..n) as text to search: a NUL byte reads as a word
 * break and invalid UTF-8 is replaced (U+FFFD), each with a warning
 * naming where ("stdin:3").  Caller frees; NULL when memory runs out. */
char *cli_question(const char *s, size_t n, const char *where);
/* One warning on stderr when rq left out some of the question's words or
 * their expansions (RANK_MAX_TERMS); nothing otherwise.  cli_retrieve
 * calls it. */
void cli_warn_cut(const struct rank_query *rq);
/* Warn once that the vectors file exists but cannot be used (damaged,
 * unreadable): quarry then works without it. */
void cli_warn_vectors(void);
/* Fill res[i].contrib for --explain (allocates; freed by
 * cli_results_clear).  0 or QERR_IO. */
int cli_explain(struct idx *x, const struct rank_query *rq,
		const struct rank_params *p, struct cli_result *res, int n);
/* Does plain output on o show r's snippet rather than its whole text?
 * (A passage, or a Q&A answer over CLI_LONG_ANSWER bytes, unless --full.) */
int cli_shows_snippet(const struct cli_out *o, const struct cli_result *r);
/* Fill res[i].snip for rq (snip_make, SNIP_CHARS and SNIP_MORE_CHARS)
 * where it is shown: for every result when all is set (JSON, LLM
 * context), else where
 * cli_shows_snippet; and, on a colour terminal, res[i].marked for a whole
 * text that is shown (to print it with highlights).  Freed by
 * cli_results_clear.  0 or QERR_IO with err set. */
int cli_snippets(const struct rank_query *rq, struct cli_result *res, int n,
		 const struct cli_out *o, int all, struct qerr *err);
void cli_results_clear(struct cli_result *res, int n);

/* Decide colour and width for fp (isatty, NO_COLOR, COLUMNS). */
void cli_out_init(struct cli_out *o, FILE *fp, int json);

/* Write s to fp made safe for a terminal (util/term.h): TERM_NAME for file
 * names, ids and other one-line values, TERM_TEXT for text whose line
 * breaks are layout.  Everything from a file, an index or an endpoint goes
 * through this or cli_print_wrapped on its way to a person. */
void cli_put(FILE *fp, const char *s, enum term_mode mode);

/* Wrap text at o->width with the given indent (columns), keeping the
 * text's own line breaks; control characters are made visible. */
void cli_print_wrapped(const struct cli_out *o, const char *text, int indent);

/* How plain output labels results. */
struct cli_show {
	int uncertain;    /* the question was declined: say so on each */
	int score;        /* show the BM25 score too (--explain) */
};

/* A result's confidence is the share of the question it covers; under
 * CLI_WEAK_COVER it is called low, from CLI_HIGH_COVER high.  (Whether
 * the question is declined is a separate judgement, rank_answerable.) */
#define CLI_WEAK_COVER 0.4
#define CLI_HIGH_COVER 0.8

/* "high", "medium" or "low": confidence c in words. */
const char *cli_confidence_word(double c);

/* Print the plain-text form of r[0..n): rank, where it came from, how
 * sure (cli_confidence_word and a five-cell bar), question, answer. */
void cli_print_results(const struct cli_out *o, const struct cli_result *r,
		       int n, const struct cli_show *how);

/* Plain output of an answer leaves out a weak tail (when trim is set):
 * results after the first whose lexical score is under this share of the
 * first's (the vectors' share lifts every record alike)
 * or whose confidence is under CLI_WEAK_COVER. */
#define CLI_WEAK_SCORE 0.5

/* A JSON string for s, invalid UTF-8 (a file name, say) repaired rather
 * than the value lost; NULL for NULL or out of memory. */
struct json_t *cli_json_str(const char *s);

/* Print an answer for people: the results (a weak tail left out when
 * a->trim, with a line saying how many and how to see them), or for a
 * declined question a "no good answer" line and the nearest candidates,
 * each marked uncertain; the explanation. */
void cli_print_answer(const struct cli_out *o, const struct cli_answer *a);

/* After an LLM reply: "Sources:" and the results it may cite, one line
 * each ("  [rank] source #id (line N)  question"). */
void cli_print_sources(const struct cli_out *o, const struct cli_result *r,
		       int n);

/* Set lo's layout of a streamed reply for o: wrapped at o's width on a
 * terminal, Markdown rendered where o has colour; as it comes when piped. */
void cli_llm_layout(struct cli_llm_opts *lo, const struct cli_out *o);

/* The JSON writers (answer.c) repair invalid UTF-8 in every string
 * rather than lose the line.
 *
 * Print an answer as one JSON line (the contract in README "JSON"):
 * {"query","answered","results":[{"rank","id","score","confidence",
 * "question","answer","source","line","kind","snippet","highlights"
 * [,"explain"]}][,"resolved"]
 * [,"reply"][,"reply_error"]}.  0 or QERR_IO. */
int cli_print_json(FILE *fp, const struct cli_answer *a);
/* chat's /sources as one JSON line: {"command":"sources","resolved",
 * "results":[{"rank","id","score","question","source","line",
 * "kind"}]} (the answers are in the turn's own line).  0 or QERR_IO. */
int cli_print_sources_json(FILE *fp, const char *resolved,
			   const struct cli_result *r, int n);
/* A command's reply as one JSON line: {"command": command, key: value}.
 * 0 or QERR_IO. */
int cli_print_command_json(FILE *fp, const char *command, const char *key,
			   const char *value);

/* Flush and check fp; 0 or QERR_IO with a message printed. */
int cli_check_output(FILE *fp);

#endif
