/* update.c - change an index in place: drop a source's records, add a
 * file's records as a new segment, keep the segments few.
 *
 * A full build rewrites the whole index; an update costs time in
 * proportion to the files it touches.  Everything happens inside one
 * SQLite write transaction on the index itself (rollback journal), so a
 * reader sees the index before or after, and a killed update is rolled
 * back by the next one to open the file.
 *
 * Deleting a record takes its terms back from vocab and its words from
 * surface (re-analyzing its text, so df, cf and word counts stay exact)
 * and its lengths from the totals, and sets its bit in its segment's del
 * bitmap; the postings keep it until its segment is merged (or the next
 * full build) and the reader's cursors skip it (idx_cursor_open).  Adding
 * records writes a new segment (segpost rows, absolute doc ids from
 * maxdoc).  A segment whose records are all deleted is dropped; the newest
 * segments merge as in log-structured merging (see finish_segments), their
 * live postings blocked anew and the deleted ones dropped: a merge costs
 * the merged segments' size, never the base's.  Acronyms learned from
 * added records join the table (those of removed records stay until a
 * full build). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "idx_int.h"

static int db_fail(struct idx_build *b)
{
	return qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
}

static const char *meta_text(sqlite3 *db, const char *key, char *out,
			     size_t n)
{
	sqlite3_stmt *st = NULL;
	const char *r = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL) {
			snprintf(out, n, "%s", sqlite3_column_text(st, 0));
			r = out;
		}
	}
	sqlite3_finalize(st);
	return r;
}

static long popcount(const unsigned char *p, long nbits)
{
	long i, c = 0;

	for (i = 0; i < nbits; i++)
		c += p[i / 8] >> (i % 8) & 1;
	return c;
}

/* Or the deletion marks of dels (format in idx.h) into the segments'
 * bitmaps, and check that each segment has ndel of them; 0, or b's
 * sticky error. */
static int load_dels(struct idx_build *b, const long *ndel)
{
	sqlite3_stmt *st = NULL;
	int i, rc;

	if (sqlite3_prepare_v2(b->db, "SELECT id, data FROM dels ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long k = (long)sqlite3_column_int64(st, 0), d;
		const unsigned char *p = sqlite3_column_blob(st, 1);

		if (sqlite3_column_bytes(st, 1) != IDX_NORM_BLOCK / 8 ||
		    p == NULL || k < 0 || k > b->ndocs >> IDX_NORM_SHIFT)
			break;
		for (i = 0; i < b->nsegs; i++) {
			struct segrow *s = &b->segs[i];

			for (d = k * IDX_NORM_BLOCK; d < (k + 1) * IDX_NORM_BLOCK;
			     d++) {
				long j = d - k * IDX_NORM_BLOCK, r = d - s->base;

				if (r < 0 || r >= s->n || !(p[j / 8] >> (j % 8) & 1))
					continue;
				if (s->del == NULL &&
				    (s->del = calloc(((size_t)s->n + 7) / 8, 1)) ==
					    NULL) {
					sqlite3_finalize(st);
					return qerr_set(&b->err, QERR_IO,
							"out of memory");
				}
				s->del[r / 8] |= (unsigned char)(1u << (r % 8));
			}
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return qerr_set(&b->err, QERR_DATA, "index is damaged: a row "
				"of deletion marks is out of range or of another "
				"size");
	if (rc != SQLITE_DONE)
		return db_fail(b);
	for (i = 0; i < b->nsegs; i++)
		if ((b->segs[i].del ? popcount(b->segs[i].del, b->segs[i].n)
				    : 0) != ndel[i])
			return qerr_set(&b->err, QERR_DATA, "index is damaged: "
					"a segment's deletion count does not "
					"match its marks");
	return 0;
}

static int load_segments(struct idx_build *b)
{
	sqlite3_stmt *st = NULL;
	long *ndel = NULL;
	int cap = 0, rc;

	if (sqlite3_prepare_v2(b->db, "SELECT id, base, n, avg_q, avg_a, ndel "
				      "FROM segments ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(b);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct segrow *s;

		if (b->nsegs == cap) {
			int c = cap ? cap * 2 : 8;
			struct segrow *ns = realloc(b->segs, (size_t)c * sizeof(*ns));
			long *nd = realloc(ndel, (size_t)c * sizeof(*nd));

			if (nd != NULL)
				ndel = nd;
			if (ns != NULL)
				b->segs = ns;
			if (ns == NULL || nd == NULL) {
				qerr_set(&b->err, QERR_IO, "out of memory");
				break;
			}
			cap = c;
		}
		s = &b->segs[b->nsegs];
		memset(s, 0, sizeof(*s));
		s->id = (long)sqlite3_column_int64(st, 0);
		s->base = (long)sqlite3_column_int64(st, 1);
		s->n = (long)sqlite3_column_int64(st, 2);
		s->avg[0] = sqlite3_column_double(st, 3);
		s->avg[1] = sqlite3_column_double(st, 4);
		ndel[b->nsegs] = (long)sqlite3_column_int64(st, 5);
		b->nsegs++;
		/* (in id order: increasing, disjoint ranges below maxdoc) */
		if (s->base < (b->nsegs > 1 ? s[-1].base + s[-1].n : 0) ||
		    s->base > b->ndocs || s->n < 0 || s->n > b->ndocs - s->base ||
		    ndel[b->nsegs - 1] < 0 || ndel[b->nsegs - 1] > s->n) {
			qerr_set(&b->err, QERR_DATA, "index is damaged: a "
				 "segment row is out of range");
			break;
		}
	}
	if (sqlite3_finalize(st) != SQLITE_OK || b->err.code != QERR_OK ||
	    sqlite3_errcode(b->db) != SQLITE_OK) {
		if (b->err.code == QERR_OK)
			qerr_set(&b->err, QERR_DATA, "index is damaged: "
				 "segments");
		free(ndel);
		return b->err.code;
	}
	rc = load_dels(b, ndel);
	free(ndel);
	return rc;
}

/* An update writes the index and creates its rollback journal beside it:
 * say which of the two cannot be written (SQLite would only say "attempt
 * to write a readonly database", and only at the first write). */
static int check_writable(const char *path, struct qerr *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int e;

	if (access(path, W_OK) != 0 && errno != ENOENT) {
		e = errno;
		return qerr_set(err, QERR_IO, "cannot update index %s: %s", path,
				strerror(e));
	}
	dir = slash == NULL ? strdup(".")
			    : strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	if (access(dir, W_OK) != 0) {
		e = errno;
		qerr_set(err, QERR_IO, "cannot update index %s: its directory %s: "
			 "%s", path, dir, strerror(e));
		free(dir);
		return QERR_IO;
	}
	free(dir);
	return 0;
}

int idx_update_begin(struct idx_build **out, const char *path,
		     struct qerr *err)
{
	struct idx_build *b;
	long app = 0, ver = 0, v = 0;
	char text[64];

	*out = NULL;
	if (check_writable(path, err) != 0)
		return QERR_IO;
	if ((b = idx_build_new(path, err)) == NULL)
		return QERR_IO;
	b->update = 1; /* a large update spills run files like a build */
	if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		int e = b->db ? sqlite3_system_errno(b->db) : ENOMEM;

		qerr_set(err, QERR_IO, "cannot open index %s for update: %s",
			 path, e ? strerror(e) : sqlite3_errmsg(b->db));
		idx_build_abort(b);
		return QERR_IO;
	}
	sqlite3_busy_timeout(b->db, 10000);
	if (idx_int_query(b->db, "PRAGMA application_id", &app) != 0 ||
	    app != IDX_APP_ID) {
		qerr_set(err, QERR_DATA, "%s: not a quarry index", path);
		idx_build_abort(b);
		return QERR_DATA;
	}
	if (idx_int_query(b->db, "PRAGMA user_version", &ver) != 0 ||
	    ver != IDX_SCHEMA ||
	    meta_text(b->db, "analyzer", text, sizeof(text)) == NULL ||
	    atol(text) != TOK_VERSION) {
		qerr_set(err, QERR_DATA, "%s: index made by another quarry "
			 "version; run quarry index without --update", path);
		idx_build_abort(b);
		return QERR_DATA;
	}
	if (idx_exec(b->db, "PRAGMA cache_size=-16384; BEGIN IMMEDIATE;",
		     err) != 0) {
		qerr_set(err, QERR_IO, "%s: index busy (another update is "
			 "running?): %s", path, sqlite3_errmsg(b->db));
		idx_build_abort(b);
		return QERR_IO;
	}
	b->live = meta_text(b->db, "ndocs", text, sizeof(text)) ? atol(text) : 0;
	b->live_len[0] = meta_text(b->db, "len_q", text, sizeof(text))
				 ? atoll(text) : 0;
	b->live_len[1] = meta_text(b->db, "len_a", text, sizeof(text))
				 ? atoll(text) : 0;
	b->gen = meta_text(b->db, "generation", text, sizeof(text))
			 ? atoll(text) : 0;
	b->ndocs = meta_text(b->db, "maxdoc", text, sizeof(text))
			   ? atol(text) : -1;
	b->doc0 = b->ndocs;
	/* (stored numbers: bounded before any arithmetic on them) */
	if (b->ndocs < b->live || b->live < 0 || b->ndocs > IDX_MAX_DOCS ||
	    b->gen < 0 || b->gen >= LLONG_MAX || b->live_len[0] < 0 ||
	    b->live_len[0] > IDX_MAX_LEN || b->live_len[1] < 0 ||
	    b->live_len[1] > IDX_MAX_LEN ||
	    idx_int_query(b->db, "SELECT coalesce(max(id), 0) FROM sources",
			  &v) != 0 || v < 0 || v >= LONG_MAX) {
		qerr_set(err, QERR_DATA, "index is damaged: %s: record counts "
			 "or ids out of range", path);
		idx_build_abort(b);
		return QERR_DATA;
	}
	b->src_id = v;
	/* (a segment id INT64_MAX makes max + 1 a real, read as INT64_MAX) */
	if (idx_int_query(b->db, "SELECT coalesce(max(id), -1) + 1 FROM "
				 "segments", &v) != 0 || v < 1 || v >= LONG_MAX ||
	    load_segments(b) != 0) {
		qerr_set(err, QERR_DATA, "index is damaged: %s: segments", path);
		idx_build_abort(b);
		return QERR_DATA;
	}
	b->seg = v;
	if (sqlite3_prepare_v2(b->db, "INSERT INTO docs VALUES(?,?,?,?,?,?,?,?)",
			       -1, &b->ins_doc, NULL) != SQLITE_OK) {
		qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		idx_build_abort(b);
		return QERR_IO;
	}
	*out = b;
	return 0;
}

int idx_update_sources(struct idx_build *b, struct idx_source **out, int *n,
		       struct qerr *err)
{
	return idx_read_sources(b->db, NULL, out, n, err);
}

int idx_update_touch(struct idx_build *b, const char *path, long long mtime)
{
	sqlite3_stmt *st = NULL;

	if (b->err.code)
		return b->err.code;
	if (sqlite3_prepare_v2(b->db, "UPDATE sources SET mtime = ? WHERE "
				      "path = ?", -1, &st, NULL) != SQLITE_OK)
		return db_fail(b);
	sqlite3_bind_int64(st, 1, mtime);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(b);
	}
	sqlite3_finalize(st);
	return 0;
}

const char *idx_update_meta(struct idx_build *b, const char *key, char *out,
			    size_t n)
{
	return meta_text(b->db, key, out, n);
}

/* ---- removing a source ---- */

/* Terms of the records being removed: df (count) and, in a second map,
 * cf; aux is the last doc counted, so a doc counts once per term; and
 * their surface words, counted as the build counts them. */
struct dec {
	struct strmap df, cf, words;
	long doc;
};

static int dec_term(void *ctx, const char *term, size_t len, const char *word,
		    int pos, int is_stop)
{
	struct dec *d = ctx;
	struct strmap_entry *e = strmap_get(&d->df, term, len);

	(void)pos;
	if (e == NULL)
		return QERR_IO;
	if (e->aux != d->doc + 1) {
		e->aux = d->doc + 1;
		e->count++;
	}
	if ((e = strmap_get(&d->cf, term, len)) == NULL)
		return QERR_IO;
	e->count++;
	if (!is_stop) {
		size_t n = strlen(word);

		if (idx_surface_note(&d->words, word, n, str_hash(word, n),
				     d->doc) != 0)
			return QERR_IO;
	}
	return 0;
}

static int mark_deleted(struct idx_build *b, long doc)
{
	int i;

	for (i = 0; i < b->nsegs; i++) {
		struct segrow *s = &b->segs[i];

		if (doc < s->base || doc >= s->base + s->n)
			continue;
		if (s->del == NULL &&
		    (s->del = calloc(((size_t)s->n + 7) / 8, 1)) == NULL)
			return qerr_set(&b->err, QERR_IO, "out of memory");
		s->del[(doc - s->base) / 8] |=
			(unsigned char)(1u << ((doc - s->base) % 8));
		s->dirty = 1;
		return 0;
	}
	return qerr_set(&b->err, QERR_DATA, "index: record %ld is in no "
			"segment", doc);
}

/* Analyze the records first..first+n-1 into d, mark them deleted and take
 * their lengths from the totals. */
static int collect(struct idx_build *b, long first, long n, struct dec *d)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	if (sqlite3_prepare_v2(b->db, "SELECT id, question, answer, len_q, "
				      "len_a FROM docs WHERE id >= ? AND id < ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(b);
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, first + n);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *q = (const char *)sqlite3_column_text(st, 1);
		const char *a = (const char *)sqlite3_column_text(st, 2);

		d->doc = (long)sqlite3_column_int64(st, 0);
		if (tok_run(b->tok, q ? q : "", q ? strlen(q) : 0, dec_term, d,
			    NULL) != 0 ||
		    tok_run(b->tok, a ? a : "", a ? strlen(a) : 0, dec_term, d,
			    NULL) != 0) {
			rc = qerr_set(&b->err, QERR_IO, "out of memory");
			break;
		}
		if ((rc = mark_deleted(b, d->doc)) != 0)
			break;
		if (sqlite3_column_int64(st, 3) < 0 ||
		    sqlite3_column_int64(st, 3) > b->live_len[0] ||
		    sqlite3_column_int64(st, 4) < 0 ||
		    sqlite3_column_int64(st, 4) > b->live_len[1]) {
			rc = qerr_set(&b->err, QERR_DATA, "index is damaged: "
				      "record %ld has lengths out of range",
				      d->doc);
			break;
		}
		b->live--;
		b->live_len[0] -= sqlite3_column_int64(st, 3);
		b->live_len[1] -= sqlite3_column_int64(st, 4);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(b);
	sqlite3_finalize(st);
	return rc;
}

/* Subtract d from vocab; drop the terms no live record has. */
static int apply_dec(struct idx_build *b, struct dec *d)
{
	sqlite3_stmt *up = NULL, *del[3] = {NULL, NULL, NULL};
	size_t i;
	int rc = 0;

	if (sqlite3_prepare_v2(b->db, "UPDATE vocab SET df = df - ?, cf = cf - "
				      "? WHERE term = ? RETURNING df, id", -1,
			       &up, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "DELETE FROM vocab WHERE term = ?1", -1,
			       &del[0], NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "DELETE FROM segpost WHERE term = ?1", -1,
			       &del[1], NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "DELETE FROM postings WHERE id = ?2", -1,
			       &del[2], NULL) != SQLITE_OK)
		rc = db_fail(b);
	for (i = 0; rc == 0 && i < d->df.cap; i++) {
		const struct strmap_entry *e = &d->df.e[i];
		const struct strmap_entry *c;
		long df = -1, id = 0;
		int j;

		if (e->key == NULL)
			continue;
		c = strmap_find(&d->cf, e->key);
		sqlite3_bind_int64(up, 1, e->count);
		sqlite3_bind_int64(up, 2, c ? c->count : 0);
		sqlite3_bind_text(up, 3, e->key, -1, SQLITE_STATIC);
		if (sqlite3_step(up) == SQLITE_ROW) {
			df = (long)sqlite3_column_int64(up, 0);
			id = (long)sqlite3_column_int64(up, 1);
		}
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = db_fail(b);
			break;
		}
		sqlite3_reset(up);
		if (df > 0)
			continue;
		if (df == 0)
			idx_vb_touch(b, e->key);
		if (df < 0) {
			rc = qerr_set(&b->err, QERR_DATA, "index: term '%s' of "
				      "a record is not in the vocabulary",
				      e->key);
			break;
		}
		for (j = 0; j < 3 && rc == 0; j++) {
			if (j == 2 && id <= 0)
				break;
			sqlite3_bind_text(del[j], 1, e->key, -1, SQLITE_STATIC);
			if (j == 2)
				sqlite3_bind_int64(del[j], 2, id);
			if (sqlite3_step(del[j]) != SQLITE_DONE)
				rc = db_fail(b);
			sqlite3_reset(del[j]);
		}
	}
	sqlite3_finalize(up);
	for (i = 0; i < 3; i++)
		sqlite3_finalize(del[i]);
	return rc;
}

int idx_update_remove(struct idx_build *b, const char *path)
{
	sqlite3_stmt *st = NULL;
	struct dec d;
	long ids[64];
	int nids = 0, i, rc = 0;

	if (b->err.code)
		return b->err.code;
	if (idx_finish_source(b) != 0)
		return b->err.code;
	memset(&d, 0, sizeof(d));
	if (sqlite3_prepare_v2(b->db, "SELECT id, first, n FROM sources WHERE "
				      "path = ?", -1, &st, NULL) != SQLITE_OK)
		return db_fail(b);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	while (rc == 0 && nids < 64 && sqlite3_step(st) == SQLITE_ROW) {
		long first = (long)sqlite3_column_int64(st, 1);
		long n = (long)sqlite3_column_int64(st, 2);

		ids[nids++] = (long)sqlite3_column_int64(st, 0);
		if (first < 0 || n < 0 || first > b->doc0 ||
		    n > b->doc0 - first)
			rc = qerr_set(&b->err, QERR_DATA, "index is damaged: "
				      "source row for %s", path);
		else
			rc = collect(b, first, n, &d);
		if (rc == 0 && n > 0) {
			sqlite3_stmt *del = NULL;

			if (sqlite3_prepare_v2(b->db, "DELETE FROM docs WHERE id "
						      ">= ? AND id < ?", -1, &del,
					       NULL) != SQLITE_OK)
				rc = db_fail(b);
			else {
				sqlite3_bind_int64(del, 1, first);
				sqlite3_bind_int64(del, 2, first + n);
				if (sqlite3_step(del) != SQLITE_DONE)
					rc = db_fail(b);
			}
			sqlite3_finalize(del);
		}
	}
	sqlite3_finalize(st);
	for (i = 0; rc == 0 && i < nids; i++) {
		if (sqlite3_prepare_v2(b->db, "DELETE FROM sources WHERE id = ?",
				       -1, &st, NULL) != SQLITE_OK)
			rc = db_fail(b);
		else {
			sqlite3_bind_int64(st, 1, ids[i]);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = db_fail(b);
		}
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = apply_dec(b, &d);
	if (rc == 0 && idx_surface_take(b->db, &d.words, &b->err) != 0)
		rc = b->err.code;
	strmap_free(&d.df);
	strmap_free(&d.cf);
	strmap_free(&d.words);
	return rc;
}

/* ---- segments at commit ---- */

static int exec_id(struct idx_build *b, const char *sql, long id)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(b);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(b);
	sqlite3_finalize(st);
	return rc;
}

/* Append the live postings of blob p[0..len) to raw (doc deltas from
 * *last, tf_q, tf_a), counting them in *count; del marks the deleted docs
 * of base..base+n-1.  -1 on a damaged blob. */
static int keep_live(struct buf *raw, const unsigned char *p, size_t len,
		     long base, long n, const unsigned char *del, long *last,
		     long *count)
{
	struct idx_cursor c;

	idx_cursor_init(&c, p, len);
	while (idx_cursor_next(&c)) {
		long r = c.docid - base;

		if (r < 0 || r >= n || c.docid <= *last)
			return -1;
		if (del[r / 8] >> (r % 8) & 1)
			continue;
		if (buf_put_varint(raw, (uint64_t)(c.docid - *last)) ||
		    buf_put_varint(raw, c.tf[IDX_Q]) ||
		    buf_put_varint(raw, c.tf[IDX_A]))
			return -1;
		*last = c.docid;
		(*count)++;
	}
	return c.bad ? -1 : 0;
}

/* Copy the norms of docs base..base+n-1 into out (2 bytes each) from
 * their rows (format in idx.h); ids below base+n are below maxdoc, so
 * every row must be there, whole. */
static int read_norms(struct idx_build *b, long base, long n,
		      unsigned char *out)
{
	sqlite3_stmt *st = NULL;
	long k, want = base >> IDX_NORM_SHIFT;
	int rc;

	if (n <= 0)
		return 0;
	if (sqlite3_prepare_v2(b->db, "SELECT id, data FROM norms WHERE id "
				      "BETWEEN ? AND ? ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(b);
	sqlite3_bind_int64(st, 1, want);
	sqlite3_bind_int64(st, 2, (base + n - 1) >> IDX_NORM_SHIFT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long lo, hi, len = sqlite3_column_bytes(st, 1) / 2;
		const unsigned char *p = sqlite3_column_blob(st, 1);

		k = (long)sqlite3_column_int64(st, 0);
		lo = k * IDX_NORM_BLOCK;
		hi = lo + len; /* docs lo..hi-1 */
		if (k != want || p == NULL ||
		    (hi < base + n && len != IDX_NORM_BLOCK))
			break;
		if (lo < base)
			lo = base;
		if (hi > base + n)
			hi = base + n;
		memcpy(out + (lo - base) * 2, p + (lo - k * IDX_NORM_BLOCK) * 2,
		       (size_t)(hi - lo) * 2);
		want++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || want <= (base + n - 1) >> IDX_NORM_SHIFT)
		return qerr_set(&b->err, QERR_DATA, "index is damaged: %s: "
				"norms of records %ld..%ld missing or of another "
				"size", b->path, base, base + n - 1);
	if (rc != SQLITE_DONE)
		return db_fail(b);
	return 0;
}

/* Merge the adjacent non-base segments first..last into one that keeps
 * the first's id (so segment order stays doc id order): per term, the
 * live postings of their blobs, blocked anew (deleted records are
 * dropped, as Lucene's merges expunge deletes), their impacts bounded
 * with the window's norms (read, not moved: doc ids stay); deletions
 * side by side.  Doc ids
 * between them that no segment holds count as deleted.  b->segs is
 * updated to match. */
static int merge_segments(struct idx_build *b, int first, int last_seg)
{
	struct segrow *s = &b->segs[first], *e = &b->segs[last_seg];
	long base = s->base, n = e->base + e->n - base, id = s->id, i;
	long lo = s->id, hi = e->id;
	struct buf norms = BUF_INIT, blocks = BUF_INIT, blob = BUF_INIT;
	struct buf body = BUF_INIT;
	unsigned char *del = calloc((size_t)n / 8 + 1, 1);
	double cur[IDX_NFIELDS], *avg = cur;
	sqlite3_stmt *rd = NULL, *wr = NULL;
	char *term = NULL;
	long last = -1, count = 0;
	int k, f, rc = 0;

	if (del == NULL || buf_reserve(&norms, (size_t)n * 2) != 0) {
		free(del);
		return qerr_set(&b->err, QERR_IO, "out of memory");
	}
	/* Blocks are encoded anew, bounded at today's averages. */
	for (f = 0; f < IDX_NFIELDS; f++)
		cur[f] = idx_build_avg(b, f);
	memset(norms.data, 0, (size_t)n * 2);
	norms.len = (size_t)n * 2;
	for (i = 0; i < n; i++)
		del[i / 8] |= (unsigned char)(1u << (i % 8));
	for (k = first; k <= last_seg && rc == 0; k++) {
		struct segrow *g = &b->segs[k];

		for (i = 0; i < g->n; i++)
			if (g->del == NULL || !(g->del[i / 8] >> (i % 8) & 1))
				del[(g->base - base + i) / 8] &= (unsigned char)~(
					1u << ((g->base - base + i) % 8));
		rc = exec_id(b, "DELETE FROM segments WHERE id = ?", g->id);
	}
	if (rc == 0)
		rc = read_norms(b, base, n, (unsigned char *)norms.data);
	if (rc == 0 &&
	    idx_exec(b->db, "CREATE TEMP TABLE merged(term TEXT, data BLOB)",
		     &b->err) != 0)
		rc = b->err.code;
	if (rc == 0 &&
	    (sqlite3_prepare_v2(b->db, "SELECT term, data FROM segpost WHERE seg "
				       "BETWEEN ?1 AND ?2 ORDER BY term, seg", -1,
				&rd, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(b->db, "INSERT INTO merged VALUES(?,?)", -1,
				&wr, NULL) != SQLITE_OK))
		rc = db_fail(b);
	if (rc == 0) {
		sqlite3_bind_int64(rd, 1, lo);
		sqlite3_bind_int64(rd, 2, hi);
	}
	for (;;) {
		int step = rc == 0 ? sqlite3_step(rd) : SQLITE_DONE;
		const char *t = step == SQLITE_ROW
					? (const char *)sqlite3_column_text(rd, 0)
					: NULL;

		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = db_fail(b);
		if (term && (t == NULL || strcmp(t, term) != 0) && rc == 0) {
			/* The term's live postings, blocked anew (a term with
			 * none left in the window gets no row). */
			if (count > 0 &&
			    idx_encode_postings((const unsigned char *)norms.data,
						base, &blocks, count, cur, &blob,
						&body) != 0)
				rc = qerr_set(&b->err, QERR_IO, "out of memory");
			sqlite3_bind_text(wr, 1, term, -1, SQLITE_STATIC);
			sqlite3_bind_blob(wr, 2, blob.data, (int)blob.len,
					  SQLITE_STATIC);
			if (rc == 0 && count > 0 && sqlite3_step(wr) != SQLITE_DONE)
				rc = db_fail(b);
			sqlite3_reset(wr);
			free(term);
			term = NULL;
		}
		if (t == NULL || rc != 0)
			break;
		if (term == NULL) {
			if ((term = strdup(t)) == NULL) {
				rc = qerr_set(&b->err, QERR_IO, "out of memory");
				break;
			}
			buf_reset(&blocks);
			last = -1;
			count = 0;
		}
		if (keep_live(&blocks, sqlite3_column_blob(rd, 1),
			      (size_t)sqlite3_column_bytes(rd, 1), base, n, del,
			      &last, &count) != 0)
			rc = qerr_set(&b->err, QERR_DATA, "index: damaged "
				      "postings for '%s'", term);
	}
	free(term);
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	if (rc == 0) {
		char sql[160];

		snprintf(sql, sizeof(sql), "DELETE FROM segpost WHERE seg BETWEEN "
			 "%ld AND %ld; INSERT INTO segpost SELECT %ld, term, data "
			 "FROM merged;", lo, hi, id);
		if (idx_exec(b->db, sql, &b->err) != 0)
			rc = b->err.code;
	}
	idx_exec(b->db, "DROP TABLE IF EXISTS temp.merged", NULL);
	if (rc == 0) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(b->db, "INSERT INTO segments VALUES(?,?,?,"
					      "?,?,?)", -1, &st, NULL) != SQLITE_OK)
			rc = db_fail(b);
		else {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, base);
			sqlite3_bind_int64(st, 3, n);
			sqlite3_bind_double(st, 4, avg[0]);
			sqlite3_bind_double(st, 5, avg[1]);
			sqlite3_bind_int64(st, 6, popcount(del, n));
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = db_fail(b);
		}
		sqlite3_finalize(st);
	}
	if (rc == 0) {
		/* The window becomes its first segment. */
		for (k = first; k <= last_seg; k++) {
			free(b->segs[k].del);
			b->segs[k].del = NULL;
		}
		s->n = n;
		s->avg[0] = avg[0];
		s->avg[1] = avg[1];
		s->del = del;
		s->dirty = 0;
		del = NULL;
		memmove(&b->segs[first + 1], &b->segs[last_seg + 1],
			(size_t)(b->nsegs - last_seg - 1) * sizeof(*b->segs));
		b->nsegs -= last_seg - first;
	}
	free(del);
	buf_free(&norms);
	buf_free(&blocks);
	buf_free(&blob);
	buf_free(&body);
	return rc;
}

/* Rewrite the rows of dels from the block of doc lo on, from the
 * segments' bitmaps (a block may hold docs of two segments). */
static int write_dels(struct idx_build *b, long lo)
{
	sqlite3_stmt *st = NULL;
	unsigned char row[IDX_NORM_BLOCK / 8];
	long k, end = 0, d;
	int i, rc;

	for (i = 0; i < b->nsegs; i++)
		if (b->segs[i].n > 0 && b->segs[i].base + b->segs[i].n > end)
			end = b->segs[i].base + b->segs[i].n;
	if ((rc = exec_id(b, "DELETE FROM dels WHERE id >= ?",
			  lo >> IDX_NORM_SHIFT)) != 0)
		return rc;
	if (sqlite3_prepare_v2(b->db, "INSERT INTO dels VALUES(?,?)", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(b);
	for (k = lo >> IDX_NORM_SHIFT; k * IDX_NORM_BLOCK < end && rc == 0; k++) {
		int any = 0;

		memset(row, 0, sizeof(row));
		for (i = 0; i < b->nsegs; i++) {
			const struct segrow *s = &b->segs[i];

			if (s->del == NULL || s->n <= 0)
				continue;
			for (d = k * IDX_NORM_BLOCK; d < (k + 1) * IDX_NORM_BLOCK;
			     d++) {
				long r = d - s->base, j = d - k * IDX_NORM_BLOCK;

				if (r >= 0 && r < s->n && (s->del[r / 8] >> (r % 8) & 1)) {
					row[j / 8] |= (unsigned char)(1u << (j % 8));
					any = 1;
				}
			}
		}
		if (!any)
			continue;
		sqlite3_bind_int64(st, 1, k);
		sqlite3_bind_blob(st, 2, row, (int)sizeof(row), SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(b);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Write deletions, drop dead segments, merge the newest as in
 * log-structured merging. */
static int finish_segments(struct idx_build *b, struct qerr *err)
{
	int i, rc = 0, left = 0, first = -1;
	long n = b->ndocs - b->doc0, lo = LONG_MAX; /* marks from lo changed */

	for (i = 0; i < b->nsegs && rc == 0; i++) {
		struct segrow *s = &b->segs[i];

		if (s->dirty && s->base < lo)
			lo = s->base;
		/* Only a segment this update deleted from can have died. */
		if (s->id > 0 && s->dirty && popcount(s->del, s->n) == s->n) {
			/* Nothing of it is live: drop it. */
			rc = exec_id(b, "DELETE FROM segpost WHERE seg = ?", s->id);
			if (rc == 0)
				rc = exec_id(b, "DELETE FROM segments WHERE id = ?",
					     s->id);
			s->n = -1; /* gone */
			continue;
		}
		if (s->dirty) {
			sqlite3_stmt *st = NULL;

			if (sqlite3_prepare_v2(b->db, "UPDATE segments SET ndel = ? "
						      "WHERE id = ?", -1, &st,
					       NULL) != SQLITE_OK) {
				rc = db_fail(b);
				break;
			}
			sqlite3_bind_int64(st, 1, popcount(s->del, s->n));
			sqlite3_bind_int64(st, 2, s->id);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = db_fail(b);
			sqlite3_finalize(st);
		}
	}
	/* Keep the segments that are left, the new one last. */
	for (i = 0; i < b->nsegs; i++)
		if (b->segs[i].n >= 0) {
			if (i != left) {
				free(b->segs[left].del);
				b->segs[left] = b->segs[i];
				b->segs[i].del = NULL;
			}
			left++;
		}
	for (i = left; i < b->nsegs; i++) {
		free(b->segs[i].del);
		b->segs[i].del = NULL;
	}
	b->nsegs = left;
	if (rc == 0 && n > 0) {
		struct segrow *ns = realloc(b->segs, (size_t)(b->nsegs + 1) *
							     sizeof(*ns));

		if (ns == NULL)
			rc = qerr_set(&b->err, QERR_IO, "out of memory");
		else {
			b->segs = ns;
			memset(&ns[b->nsegs], 0, sizeof(*ns));
			ns[b->nsegs].id = b->seg;
			ns[b->nsegs].base = b->doc0;
			ns[b->nsegs].n = n;
			ns[b->nsegs].avg[0] = idx_build_avg(b, 0);
			ns[b->nsegs].avg[1] = idx_build_avg(b, 1);
			b->nsegs++;
		}
	}
	/* Merge policy, as in log-structured merging: the newest two
	 * non-base segments merge while the newer holds at least half as
	 * many records as the older (so sizes stay roughly geometric and a
	 * record is rewritten O(log n) times), and while there are more than
	 * IDX_MAX_SEGMENTS.  A merge costs the merged segments' size; the
	 * base is never rewritten by an update. */
	for (i = 0; i < b->nsegs; i++)
		if (b->segs[i].id > 0 && first < 0)
			first = i;
	while (rc == 0 && first >= 0 && b->nsegs - first >= 2) {
		struct segrow *o = &b->segs[b->nsegs - 2];
		struct segrow *nw = &b->segs[b->nsegs - 1];

		if (b->nsegs - first <= IDX_MAX_SEGMENTS && nw->n * 2 < o->n)
			break;
		if (o->base < lo)
			lo = o->base;
		rc = merge_segments(b, b->nsegs - 2, b->nsegs - 1);
	}
	if (rc == 0 && lo != LONG_MAX)
		rc = write_dels(b, lo);
	if (rc != 0)
		return idx_build_status(b, err);
	return 0;
}

/* An update's buckets: the touched ones rewritten from vocab, or all of
 * them when they were not kept up to date (made by an older quarry, or by
 * an update that could not track what it touched). */
static int vb_refresh(struct idx_build *b, struct qerr *err)
{
	struct vb_out v;
	char text[32];
	long have = -1;
	int rc = 0;

	if (idx_exec(b->db, VB_SCHEMA, err) != 0)
		return QERR_IO;
	if (idx_int_query(b->db, "SELECT value FROM meta WHERE key = "
				 "'vbuckets'", &have) != 0)
		have = -1;
	if (idx_vb_begin(b->db, &v) != 0)
		rc = -1;
	else if (have != b->gen || b->vb_all)
		rc = idx_vb_rebuild_all(b, &v);
	else if (b->vb_touched)
		rc = idx_vb_rebuild_touched(b, &v);
	idx_vb_end(&v);
	if (rc != 0)
		return qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	snprintf(text, sizeof(text), "%lld", b->gen + 1);
	idx_build_meta(b, "vbuckets", text);
	return 0;
}

int idx_update_commit(struct idx_build *b, struct qerr *err)
{
	int rc;

	rc = idx_write_pending(b, err);
	if (rc == 0 && vb_refresh(b, err) != 0)
		rc = QERR_IO;
	if (rc == 0)
		rc = idx_write_meta(b, err);
	if (rc == 0)
		rc = finish_segments(b, err);
	/* In place: the transaction was the whole of it. */
	if (rc == 0)
		rc = idx_build_close_db(b, err);
	idx_build_abort(b);
	return rc;
}
