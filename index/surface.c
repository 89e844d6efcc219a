/* surface.c - the words as the records spell them, beside their stems.
 *
 * The postings are keyed by stems, so a question can be respelled or a
 * stem told apart only by what the corpus wrote: "activaton" is one edit
 * from the word "activation" and four from its stem "activ"; "transformer"
 * and "transform" are one stem.  The table
 *
 *   surface(word TEXT PRIMARY KEY, stem TEXT, n INT) WITHOUT ROWID
 *
 * holds every word (after normalization, before stemming) of the records
 * that is not a stop word, the stem the analyzer makes of it, and how
 * many records hold it.  An update adds the counts of the records it adds
 * and takes those of the records it deletes, dropping a word none holds
 * any more, so the table is what a full build of the same records would
 * write: a respelling never lands on a word only deleted records had, and
 * ties between words break the same way.  Its size is the number of
 * distinct words, 1.3 to 1.6 times the vocabulary's rows, each row
 * short. */
#include "idx_int.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "analyzer.h"

int idx_surface_note(struct strmap *m, const char *word, size_t n,
		     uint64_t h, long doc)
{
	struct strmap_entry *e;

	if (n == 0 || n > TOK_MAX_TERM)
		return 0;
	if ((e = strmap_get_hashed(m, word, n, h)) == NULL)
		return -1;
	if (e->aux != doc + 1) {
		e->aux = doc + 1;
		e->count++;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(const struct strmap_entry *const *)a)->key,
		      (*(const struct strmap_entry *const *)b)->key);
}

struct surface_rows {
	const struct strmap_entry **e; /* in word order */
	uint32_t *stem;                /* offset in text; UINT32_MAX: none */
	size_t n;
	struct buf text;               /* the stems, NUL-terminated */
};

void idx_surface_rows_free(struct surface_rows *r)
{
	if (r == NULL)
		return;
	free(r->e);
	free(r->stem);
	buf_free(&r->text);
	free(r);
}

struct surface_rows *idx_surface_rows(const struct strmap *m)
{
	struct surface_rows *r = calloc(1, sizeof(*r));
	char stem[TOK_MAX_TERM * 2 + 1];
	struct tok *t = tok_new(TOK_STEM);
	size_t i, n = 0;
	int bad = r == NULL || t == NULL;

	if (!bad && m->n > 0) {
		r->e = malloc(m->n * sizeof(*r->e));
		r->stem = malloc(m->n * sizeof(*r->stem));
		bad = r->e == NULL || r->stem == NULL;
	}
	for (i = 0; !bad && i < m->cap; i++)
		if (m->e[i].key != NULL)
			r->e[n++] = &m->e[i];
	/* in word order, so the table's B-tree is appended to, not split
	 * all over (a quarter of a build's instructions otherwise) */
	if (!bad && n > 0)
		qsort(r->e, n, sizeof(*r->e), cmp_entry);
	for (i = 0; !bad && i < n; i++) {
		const char *w = r->e[i]->key;
		int len = tok_stem(t, w, strlen(w), stem, sizeof(stem));

		r->stem[i] = UINT32_MAX;
		if (len == -2 || r->text.len + (size_t)len + 1 > UINT32_MAX) {
			bad = 1;
		} else if (len > 0) {
			r->stem[i] = (uint32_t)r->text.len;
			bad = buf_append(&r->text, stem, (size_t)len + 1) != 0;
		}
	}
	tok_free(t);
	if (bad) {
		idx_surface_rows_free(r);
		return NULL;
	}
	r->n = n;
	return r;
}

int idx_surface_put(sqlite3 *db, const struct surface_rows *r, int add,
		    struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = 0;

	if (r->n == 0)
		return 0;
	if (sqlite3_prepare_v2(db,
			       add ? "INSERT INTO surface VALUES(?,?,?) ON "
				     "CONFLICT(word) DO UPDATE SET n = n + "
				     "excluded.n"
				   : "INSERT INTO surface VALUES(?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return qerr_set(err, QERR_IO, "index: surface words: %s",
				sqlite3_errmsg(db));
	for (i = 0; i < r->n && rc == 0; i++) {
		if (r->stem[i] == UINT32_MAX)
			continue;
		sqlite3_bind_text(st, 1, r->e[i]->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->text.data + r->stem[i], -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->e[i]->count);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = qerr_set(err, QERR_IO, "index: surface words: %s",
				      sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Run st (bound by the caller) and hand each row (word, stem, n) to fn. */
static int visit(sqlite3_stmt *st, idx_surface_fn fn, void *ctx)
{
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *w = (const char *)sqlite3_column_text(st, 0);
		const char *s = (const char *)sqlite3_column_text(st, 1);

		if (w == NULL || s == NULL)
			continue;
		stop = fn(ctx, w, (size_t)sqlite3_column_bytes(st, 0), s,
			  (long)sqlite3_column_int64(st, 2));
	}
	if (!stop && rc != SQLITE_DONE)
		stop = -1;
	sqlite3_finalize(st);
	return stop;
}

int idx_surface_words(struct idx *x, const char *prefix, idx_surface_fn fn,
		      void *ctx)
{
	sqlite3 *db = idx_read_db(x, NULL);
	sqlite3_stmt *st = NULL;
	char hi[TOK_MAX_TERM * 2 + 2];
	size_t n = strlen(prefix);

	if (db == NULL)
		return -1;
	if (n == 0 || n + 1 >= sizeof(hi))
		return 0;
	/* the words from prefix up to prefix + 0xff, a byte no UTF-8 text
	 * holds (SQLite compares text with memcmp and does not check it) */
	memcpy(hi, prefix, n);
	hi[n] = (char)0xff;
	hi[n + 1] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT word, stem, n FROM surface WHERE "
				   "word >= ?1 AND word < ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, prefix, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, (int)n + 1, SQLITE_STATIC);
	return visit(st, fn, ctx);
}

int idx_surface_take(sqlite3 *db, const struct strmap *m, struct qerr *err)
{
	sqlite3_stmt *up = NULL, *del = NULL;
	size_t i;
	int rc = 0;

	if (m->n == 0)
		return 0;
	if (sqlite3_prepare_v2(db, "UPDATE surface SET n = n - ?1 WHERE word "
				   "= ?2 RETURNING n", -1, &up, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM surface WHERE word = ?1", -1,
			       &del, NULL) != SQLITE_OK)
		rc = qerr_set(err, QERR_IO, "index: surface words: %s",
			      sqlite3_errmsg(db));
	for (i = 0; rc == 0 && i < m->cap; i++) {
		const struct strmap_entry *e = &m->e[i];
		int left = 1, step;

		if (e->key == NULL)
			continue;
		sqlite3_bind_int64(up, 1, e->count);
		sqlite3_bind_text(up, 2, e->key, -1, SQLITE_STATIC);
		/* (no row: a word whose stem the analyzer left empty) */
		while ((step = sqlite3_step(up)) == SQLITE_ROW)
			left = sqlite3_column_int64(up, 0) > 0;
		sqlite3_reset(up);
		if (step == SQLITE_DONE && !left) {
			sqlite3_bind_text(del, 1, e->key, -1, SQLITE_STATIC);
			step = sqlite3_step(del);
			sqlite3_reset(del);
		}
		if (step != SQLITE_DONE)
			rc = qerr_set(err, QERR_IO, "index: surface words: %s",
				      sqlite3_errmsg(db));
	}
	sqlite3_finalize(up);
	sqlite3_finalize(del);
	return rc;
}
