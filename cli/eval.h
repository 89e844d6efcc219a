/* eval.h - what the files of quarry eval share.
 *
 * eval_coll.c reads a judged collection in BEIR layout (qrels/test.tsv,
 * queries.jsonl); eval_fts5.c is the anchor, SQLite FTS5's bm25() over the
 * collection's corpus.jsonl; cmd_eval.c parses the options, ranks every
 * judged query with quarry (rank_run) and the anchor, and reports. */
#ifndef QUARRY_EVAL_H
#define QUARRY_EVAL_H

#include <jansson.h>
#include <stddef.h>

#include "../retrieval/metrics.h"
#include "../util/err.h"

#define EVAL_K 100 /* results ranked per query */

/* One judged query; qr points into its collection's judgments. */
struct eval_query {
	char *id, *text;
	struct metrics_qrels qr;
};

struct eval_qline;
struct eval_group;

/* A collection's judgments and queries.  The caller sets dir and name and
 * zeroes the rest; eval_coll_load fills it. */
struct eval_coll {
	const char *dir, *name;
	struct eval_query *q; /* judged queries, in file order */
	int nq;
	int unjudged;         /* queries without judgments */
	char **utext;         /* their texts */

	/* the judgments, private to eval_coll.c */
	struct eval_qline *lines;
	int nlines;
	struct metrics_rel *rels; /* the lines' judgments, same order */
	struct eval_group *groups;
	int ngroups;
};

/* Read c->dir's qrels/test.tsv (query-id TAB corpus-id TAB score, an
 * optional header first) and queries.jsonl ({"_id","text"} a line).  A
 * query with judgments goes to c->q, one without to c->utext.  Warns
 * (cli_warn) about a judged query that appears twice (scored once) and
 * about judged queries that queries.jsonl lacks.  Returns 0, QERR_DATA (a
 * malformed line; err names file:line) or QERR_IO (a file that cannot be
 * read, memory).  Free c with eval_coll_clear whatever it returned. */
int eval_coll_load(struct eval_coll *c, struct qerr *err);
void eval_coll_clear(struct eval_coll *c);

/* dir/name, malloc'ed; NULL when memory runs out. */
char *eval_path_join(const char *dir, const char *name);

/* A JSON id (string or integer) as a malloc'ed string; NULL if absent or
 * of another type (*bad = 1), or when memory runs out (*bad = 0). */
char *eval_json_id(json_t *v, int *bad);

/* Receives each non-blank line of a file, without its line ending. */
typedef int (*eval_line_fn)(void *ctx, char *line, size_t len,
			    const char *path, long lineno, struct qerr *err);

/* Call fn for each line of path that holds more than spaces and tabs,
 * until it returns non-zero.  Returns 0, fn's status, or QERR_IO (path
 * cannot be opened or read; err set). */
int eval_each_line(const char *path, eval_line_fn fn, void *ctx,
		   struct qerr *err);

/* ---- the FTS5 anchors (eval_fts5.c) ---- */

struct eval_fts5;

/* The two FTS5 set-ups quarry is compared with.  PLAIN: bm25() with
 * FTS5's default weights, every word of the question.  STOP: the words of
 * the Snowball English stop word list (127 words, without
 * its contractions) dropped from the question, unless that leaves none,
 * and the title column weighted 2 (bm25(f, 1, 2, 1)). */
enum eval_fts5_setup { EVAL_FTS5_PLAIN, EVAL_FTS5_STOP };

/* Load corpus, a corpus.jsonl ({"_id","title","text"} a line), into a new
 * in-memory FTS5 table (tokenizer porter unicode61) ranked as setup says.
 * 0 with *out set, or QERR_DATA (a bad line, err names file:line; an
 * SQLite error) or QERR_IO with *out NULL. */
int eval_fts5_open(const char *corpus, enum eval_fts5_setup setup,
		   struct eval_fts5 **out, struct qerr *err);

/* The best EVAL_K records for text by bm25(), ties in corpus order; the
 * query is text's words (runs of ASCII letters, digits and non-ASCII
 * bytes; for EVAL_FTS5_STOP without the stop words) joined by OR.
 * ranked[0 .. *n) receive their "_id"s, borrowed until the next call or
 * eval_fts5_close.  0 or an error code (err set; *n is 0). */
int eval_fts5_search(struct eval_fts5 *f, const char *text,
		     const char **ranked, int *n, struct qerr *err);

/* Free f (NULL is fine). */
void eval_fts5_close(struct eval_fts5 *f);

#endif
