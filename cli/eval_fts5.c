/* eval_fts5.c - the anchors quarry eval ranks against: SQLite FTS5's
 * bm25() with the porter tokenizer, over the same records (corpus.jsonl's
 * title and text) in an in-memory table, queried with the question's
 * words joined by OR; in the second set-up without English stop words and
 * with the title weighted 2.  See eval.h. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/buf.h"
#include "eval.h"

struct eval_fts5 {
	sqlite3 *db;
	sqlite3_stmt *ins, *sel;
	struct buf expr;
	int stop; /* drop stop words from queries (EVAL_FTS5_STOP) */
	char *ids[EVAL_K]; /* the last query's results */
	int nids;
};

/* A string member of o, or "" when it is missing or null. */
static const char *json_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static int sql_fail(struct eval_fts5 *f, struct qerr *err)
{
	int code = sqlite3_errcode(f->db) == SQLITE_NOMEM ? QERR_IO : QERR_DATA;

	return qerr_set(err, code, "fts5: %s", sqlite3_errmsg(f->db));
}

static void drop_ids(struct eval_fts5 *f)
{
	int i;

	for (i = 0; i < f->nids; i++)
		free(f->ids[i]);
	f->nids = 0;
}

void eval_fts5_close(struct eval_fts5 *f)
{
	if (f == NULL)
		return;
	drop_ids(f);
	sqlite3_finalize(f->ins);
	sqlite3_finalize(f->sel);
	sqlite3_close(f->db);
	buf_free(&f->expr);
	free(f);
}

static int create_table(struct eval_fts5 *f, struct qerr *err)
{
	static const char create[] =
		"CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, text, "
		"tokenize='porter unicode61');";
	/* bm25()'s weights are per column: id (unindexed), title, text */
	const char *select = f->stop ? "SELECT id FROM f WHERE f MATCH ? "
				       "ORDER BY bm25(f, 1.0, 2.0, 1.0), rowid "
				       "LIMIT 100"
				     : "SELECT id FROM f WHERE f MATCH ? "
				       "ORDER BY bm25(f), rowid LIMIT 100";

	if (sqlite3_open(":memory:", &f->db) != SQLITE_OK)
		return f->db ? sql_fail(f, err)
			     : qerr_set(err, QERR_IO, "out of memory");
	if (sqlite3_exec(f->db, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db,
			       "INSERT INTO f(id, title, text) VALUES (?, ?, ?)",
			       -1, &f->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db, select, -1, &f->sel, NULL) != SQLITE_OK)
		return sql_fail(f, err);
	return 0;
}

/* Insert one corpus.jsonl line. */
static int fts_add(void *ctx, char *s, size_t n, const char *path,
		   long lineno, struct qerr *err)
{
	struct eval_fts5 *f = ctx;
	json_error_t je;
	json_t *o = json_loadb(s, n, 0, &je);
	char *id;
	int bad, rc = 0;

	if (!json_is_object(o)) {
		json_decref(o);
		return qerr_set(err, QERR_DATA, "%s:%ld: %s", path, lineno,
				o ? "not a JSON object" : je.text);
	}
	id = eval_json_id(json_object_get(o, "_id"), &bad);
	if (id == NULL) {
		json_decref(o);
		if (!bad)
			return qerr_set(err, QERR_IO, "out of memory");
		return qerr_set(err, QERR_DATA, "%s:%ld: no \"_id\"", path,
				lineno);
	}
	sqlite3_bind_text(f->ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(f->ins, 2, json_text(o, "title"), -1, SQLITE_STATIC);
	sqlite3_bind_text(f->ins, 3, json_text(o, "text"), -1, SQLITE_STATIC);
	if (sqlite3_step(f->ins) != SQLITE_DONE)
		rc = sql_fail(f, err);
	sqlite3_reset(f->ins);
	sqlite3_clear_bindings(f->ins);
	free(id);
	json_decref(o);
	return rc;
}

int eval_fts5_open(const char *corpus, enum eval_fts5_setup setup,
		   struct eval_fts5 **out, struct qerr *err)
{
	struct eval_fts5 *f = calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (f == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	f->stop = setup == EVAL_FTS5_STOP;
	rc = create_table(f, err);
	if (rc == 0 &&
	    sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(f, err);
	if (rc == 0)
		rc = eval_each_line(corpus, fts_add, f, err);
	if (rc == 0 &&
	    sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(f, err);
	if (rc != 0) {
		eval_fts5_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

static int word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* The Snowball English stop word list (snowballstem.org, the list beside
 * the English stemmer) without its contractions: 127 words, as PostgreSQL
 * ships it in tsearch_data/english.stop.  Sorted for bsearch. */
static const char *const stop_words[] = {
	"a", "about", "above", "after", "again", "against", "all", "am", "an",
	"and", "any", "are", "as", "at", "be", "because", "been", "before",
	"being", "below", "between", "both", "but", "by", "can", "did", "do",
	"does", "doing", "don", "down", "during", "each", "few", "for", "from",
	"further", "had", "has", "have", "having", "he", "her", "here", "hers",
	"herself", "him", "himself", "his", "how", "i", "if", "in", "into",
	"is", "it", "its", "itself", "just", "me", "more", "most", "my",
	"myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
	"or", "other", "our", "ours", "ourselves", "out", "over", "own", "s",
	"same", "she", "should", "so", "some", "such", "t", "than", "that",
	"the", "their", "theirs", "them", "themselves", "then", "there",
	"these", "they", "this", "those", "through", "to", "too", "under",
	"until", "up", "very", "was", "we", "were", "what", "when", "where",
	"which", "while", "who", "whom", "why", "will", "with", "you", "your",
	"yours", "yourself", "yourselves",
};

static int cmp_word(const void *key, const void *elem)
{
	const char *k = key, *const *w = elem;

	return strcasecmp(k, *w);
}

/* Is s[0 .. n) a stop word (ASCII case ignored)? */
static int is_stop(const unsigned char *s, size_t n)
{
	char w[16];

	if (n >= sizeof(w))
		return 0;
	memcpy(w, s, n);
	w[n] = '\0';
	return bsearch(w, stop_words, sizeof(stop_words) / sizeof(*stop_words),
		       sizeof(*stop_words), cmp_word) != NULL;
}

/* Append s[0 .. n) as an FTS5 string ("..." with '"' doubled), after " OR "
 * unless it is the first. */
static int put_word(struct buf *b, const unsigned char *s, size_t n)
{
	int rc = 0;
	size_t i;

	if (b->len)
		rc |= buf_puts(b, " OR ");
	rc |= buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			rc |= buf_putc(b, '"');
		rc |= buf_putc(b, s[i]);
	}
	return rc | buf_putc(b, '"');
}

/* The query's words joined by " OR ", without stop words when stop is set
 * (all of them when every word is one).  A word is a run of ASCII letters
 * and digits and bytes >= 0x80; everything else separates words.  b is ""
 * when there are none. */
static int fts_expr(const char *text, int stop, struct buf *b)
{
	const unsigned char *s = (const unsigned char *)text, *w;
	int rc = 0, pass;

	for (pass = stop ? 1 : 0; pass >= 0; pass--) {
		buf_reset(b);
		rc |= buf_reserve(b, 0);
		for (s = (const unsigned char *)text; *s && rc == 0;) {
			if (!word_byte(*s)) {
				s++;
				continue;
			}
			for (w = s; word_byte(*s); s++)
				;
			if (!pass || !is_stop(w, (size_t)(s - w)))
				rc |= put_word(b, w, (size_t)(s - w));
		}
		if (rc != 0 || b->len > 0)
			break;
	}
	return rc;
}

int eval_fts5_search(struct eval_fts5 *f, const char *text,
		     const char **ranked, int *n, struct qerr *err)
{
	int rc = 0, step;

	drop_ids(f);
	*n = 0;
	if (fts_expr(text, f->stop, &f->expr) != 0)
		return qerr_set(err, QERR_IO, "out of memory");
	if (f->expr.len == 0)
		return 0;
	sqlite3_bind_text(f->sel, 1, f->expr.data, (int)f->expr.len,
			  SQLITE_STATIC);
	while (rc == 0 && f->nids < EVAL_K &&
	       (step = sqlite3_step(f->sel)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(f->sel, 0);
		char *copy = id ? strdup(id) : NULL;

		if (id && copy == NULL)
			rc = qerr_set(err, QERR_IO, "out of memory");
		ranked[f->nids] = copy;
		f->ids[f->nids++] = copy;
	}
	if (rc == 0 && f->nids < EVAL_K && step != SQLITE_DONE)
		rc = sql_fail(f, err);
	sqlite3_reset(f->sel);
	sqlite3_clear_bindings(f->sel);
	*n = rc == 0 ? f->nids : 0;
	return rc;
}
