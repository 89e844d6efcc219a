/* vecstore.c - the docvec table: a vector per record, written as records
 * are added and made to agree with the records and the vectors file at
 * commit, and read back as cosines for the ranking.  See vecstore.h. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idx_int.h"
#include "vecstore.h"

/* Text a build reads before it gives the vectors file a hash table
 * (vec_hash_words): the table costs about as much as binary searches
 * over a few hundred kilobytes of text, and a small build (a few files)
 * should start answering without that wait. */
#define VST_HASH_AFTER (1 << 20)

struct vst {
	struct vec *v;       /* borrowed: vec_default's */
	size_t text;         /* bytes of text vectorised so far */
	sqlite3_stmt *put;   /* INSERT OR REPLACE INTO docvec */
	float f[VEC_MAX_DIMS];
	signed char q[VEC_MAX_DIMS];
};

#define DOCVEC_SCHEMA "CREATE TABLE IF NOT EXISTS docvec(id INTEGER " \
		      "PRIMARY KEY, v BLOB)"

static int db_error(struct idx_build *b)
{
	return qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
}

/* Begin writing rows with v; 0 or an error code (sticky). */
static int vst_begin(struct idx_build *b, struct vec *v)
{
	struct vst *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return qerr_set(&b->err, QERR_IO, "out of memory");
	s->v = v;
	b->vst = s;
	if (idx_exec(b->db, DOCVEC_SCHEMA, &b->err) != 0)
		return b->err.code;
	if (sqlite3_prepare_v2(b->db, "INSERT OR REPLACE INTO docvec "
			       "VALUES(?,?)", -1, &s->put, NULL) != SQLITE_OK)
		return db_error(b);
	return 0;
}

/* Write the row of one record; 0 or an error code (sticky). */
static int put(struct idx_build *b, long id, const char *question,
	       const char *answer)
{
	struct vst *s = b->vst;
	size_t nq = strlen(question), na = strlen(answer);
	int d, found, dims = vec_dims(s->v);
	char *both = malloc(nq + na + 1);

	if (both == NULL)
		return qerr_set(&b->err, QERR_IO, "out of memory");
	/* (one text: the words of both fields count alike, each as often
	 * as it comes) */
	memcpy(both, question, nq);
	both[nq] = ' ';
	memcpy(both + nq + 1, answer, na);
	/* (once: on out-of-memory the binary search still answers) */
	if (s->text < VST_HASH_AFTER && (s->text += nq + na) >= VST_HASH_AFTER)
		(void)vec_hash_words(s->v);
	found = vec_text(s->v, both, nq + na + 1, s->f, NULL);
	free(both);
	if (found == 0)
		return 0;
	for (d = 0; d < dims; d++)
		s->q[d] = (signed char)lrintf(s->f[d] * 127.0f);
	sqlite3_bind_int64(s->put, 1, id);
	sqlite3_bind_blob(s->put, 2, s->q, dims, SQLITE_STATIC);
	if (sqlite3_step(s->put) != SQLITE_DONE) {
		sqlite3_reset(s->put);
		return db_error(b);
	}
	sqlite3_reset(s->put);
	return 0;
}

int idx_vst_add(struct idx_build *b, long id, const char *question,
		const char *answer)
{
	struct vec *v;

	if (b->vst == NULL) {
		if ((v = vec_default_verified()) == NULL)
			return 0;
		if (vst_begin(b, v) != 0)
			return b->err.code;
	}
	return put(b, id, question, answer);
}

/* Recompute every row from the stored records. */
static int refill(struct idx_build *b)
{
	sqlite3_stmt *st;
	int rc;

	if (idx_exec(b->db, "DELETE FROM docvec", &b->err) != 0)
		return b->err.code;
	if (sqlite3_prepare_v2(b->db, "SELECT id, question, answer FROM docs",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *q = (const char *)sqlite3_column_text(st, 1);
		const char *a = (const char *)sqlite3_column_text(st, 2);

		if (put(b, sqlite3_column_int64(st, 0), q ? q : "",
			a ? a : "") != 0)
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW && b->err.code == QERR_OK)
		db_error(b);
	sqlite3_finalize(st);
	return b->err.code;
}

/* The meta vectors value for v written at generation gen:
 * "CHECKSUM DIMS GEN". */
static void meta_value(const struct vec *v, long long gen, char *out,
		       size_t n)
{
	snprintf(out, n, "%s %lld", vec_id(v), gen);
}

int idx_vst_finish(struct idx_build *b)
{
	struct vec *v = vec_default_verified();
	char old[96], now[96];
	const char *had;

	if (b->err.code != QERR_OK)
		return b->err.code;
	had = b->update ? idx_update_meta(b, "vectors", old, sizeof(old))
			: NULL;
	if (v == NULL) {
		/* (an update without the file: drop what there was) */
		if (had != NULL &&
		    idx_exec(b->db, "DROP TABLE IF EXISTS docvec;"
			     "DELETE FROM meta WHERE key = 'vectors'",
			     &b->err) != 0)
			return b->err.code;
		return 0;
	}
	if (b->vst == NULL && vst_begin(b, v) != 0)
		return b->err.code;
	/* The rows are in step when they were made with v by the last
	 * commit (an older quarry's update leaves them behind): then only
	 * those of removed records go, else all are made again. */
	meta_value(v, b->gen, now, sizeof(now));
	if (b->update && had != NULL && strcmp(had, now) == 0) {
		if (idx_exec(b->db, "DELETE FROM docvec WHERE id NOT IN "
			     "(SELECT id FROM docs)", &b->err) != 0)
			return b->err.code;
	} else if (b->update && refill(b) != 0) {
		return b->err.code;
	}
	meta_value(v, b->gen + 1, now, sizeof(now));
	idx_build_meta(b, "vectors", now);
	idx_vst_free(b); /* (its statement must end before the close) */
	return b->err.code;
}

void idx_vst_free(struct idx_build *b)
{
	if (b->vst == NULL)
		return;
	sqlite3_finalize(b->vst->put);
	free(b->vst);
	b->vst = NULL;
}

/* ---- reading ---- */

struct vec *idx_vectors(struct idx *x, const char **why)
{
	const char *meta = idx_meta(x, "vectors");
	const char *dummy, *gen;
	char id[96];
	struct vec *v;
	size_t n;

	if (why == NULL)
		why = &dummy;
	if (meta != NULL) /* (borrowed until the next idx_meta) */
		snprintf(id, sizeof(id), "%s", meta);
	if (meta == NULL) {
		*why = "the index was built without them";
		return NULL;
	}
	if ((v = vec_default()) == NULL) {
		*why = vec_problem() ? vec_problem() : "no vectors file";
		return NULL;
	}
	n = strlen(vec_id(v));
	if (strncmp(id, vec_id(v), n) != 0 || id[n] != ' ') {
		*why = "the index was built with another vectors file";
		return NULL;
	}
	gen = idx_meta(x, "generation");
	if (gen == NULL || strcmp(id + n + 1, gen) != 0) {
		*why = "an older quarry updated the index since; rebuild it";
		return NULL;
	}
	return v;
}

/* The cosine of q with a stored row (dims signed bytes); 0 for a row of
 * another size. */
static double cosine(const float *q, int dims, const void *blob, int len)
{
	const signed char *r = blob;
	double dot = 0, nr = 0;
	int d;

	if (blob == NULL || len != dims)
		return 0;
	for (d = 0; d < dims; d++) {
		dot += (double)q[d] * r[d];
		nr += (double)r[d] * r[d];
	}
	return nr > 0 ? dot / sqrt(nr) : 0;
}

long idx_vst_cosines(struct idx *x, const float *q, int dims, long *docs,
		     long n, long cap, double *cos, struct qerr *err)
{
	sqlite3 *db = idx_read_db(x, err);
	sqlite3_stmt *st = NULL;
	long i = 0;
	int rc;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, n < 0 ? "SELECT id, v FROM docvec ORDER "
			       "BY id" : "SELECT id, v FROM docvec WHERE id "
			       "= ?", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (n < 0) {
		while (i < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			docs[i] = (long)sqlite3_column_int64(st, 0);
			cos[i] = cosine(q, dims, sqlite3_column_blob(st, 1),
					sqlite3_column_bytes(st, 1));
			i++;
		}
		if (i < cap && rc != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		return i;
	}
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, docs[i]);
		rc = sqlite3_step(st);
		cos[i] = rc == SQLITE_ROW ? cosine(q, dims,
						   sqlite3_column_blob(st, 1),
						   sqlite3_column_bytes(st, 1))
					  : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	return n;
fail:
	qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}
