/* vocab.c - vocabulary buckets (see vbuckets in idx.h), both sides: the
 * writer a full build feeds its terms in order and an update rewrites the
 * buckets it touched with, and the visitors the reader lists a bucket's
 * terms with.  Calls nothing else in index/. */
#include "idx.h"
#include "idx_int.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

/* ---- writing ---- */

static size_t vb_slot2(const char *t)
{
	return (size_t)(unsigned char)t[0] << 8 | (unsigned char)t[1];
}

int idx_vb_begin(sqlite3 *db, struct vb_out *v)
{
	memset(v, 0, sizeof(*v));
	v->c = -1;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO vbuckets "
				   "VALUES(?,?)", -1, &v->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM vbuckets WHERE k = ?", -1,
			       &v->del, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

/* Write bucket key (or, empty, delete its row). */
static int vb_write(struct vb_out *v, const unsigned char *key, int kl,
		    const struct buf *terms)
{
	sqlite3_stmt *st = terms->len ? v->put : v->del;
	int rc;

	sqlite3_bind_blob(st, 1, key, kl, SQLITE_STATIC);
	if (st == v->put)
		sqlite3_bind_blob(st, 2, terms->data, (int)terms->len,
				  SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

static int vb_flush_two(struct vb_out *v)
{
	int rc = 0;

	if (v->has2)
		rc = vb_write(v, v->k, 2, &v->two);
	buf_reset(&v->two);
	v->has2 = 0;
	return rc;
}

int idx_vb_flush(struct vb_out *v)
{
	unsigned char c = (unsigned char)v->c;
	int rc = vb_flush_two(v);

	if (rc == 0 && v->c >= 0)
		rc = vb_write(v, &c, 1, &v->one);
	buf_reset(&v->one);
	v->c = -1;
	return rc;
}

static int vb_entry(struct buf *b, const char *t, size_t n)
{
	return buf_putc(b, (int)n) != 0 || buf_append(b, t, n) != 0 ? -1 : 0;
}

/* Add a term (terms come in order) to its buckets. */
int idx_vb_add(struct vb_out *v, const char *t, size_t n)
{
	if (n == 0 || n > 255)
		return 0;
	if ((unsigned char)t[0] != v->c) {
		if (idx_vb_flush(v) != 0)
			return -1;
		v->c = (unsigned char)t[0];
	}
	if (vb_entry(&v->one, t, n) != 0)
		return -1;
	if (n < 2)
		return 0;
	if (v->has2 && memcmp(v->k, t, 2) != 0 && vb_flush_two(v) != 0)
		return -1;
	if (!v->has2) {
		memcpy(v->k, t, 2);
		v->has2 = 1;
	}
	return vb_entry(&v->two, t, n);
}

void idx_vb_end(struct vb_out *v)
{
	sqlite3_finalize(v->put);
	sqlite3_finalize(v->del);
	buf_free(&v->two);
	buf_free(&v->one);
}

void idx_vb_touch(struct idx_build *b, const char *t)
{
	size_t s;

	if (t[0] == '\0')
		return;
	if (b->vb_touched == NULL &&
	    (b->vb_touched = calloc(VB_SLOTS / 8, 1)) == NULL) {
		b->vb_all = 1; /* rebuild them all instead */
		return;
	}
	/* slots 0..65535: two-byte buckets; 65536 + c: the one-byte term c
	 * (its first-byte bucket is rewritten when that or one of its
	 * two-byte buckets changed) */
	s = t[1] != '\0' ? vb_slot2(t) : (size_t)65536 + (unsigned char)t[0];
	b->vb_touched[s / 8] |= (unsigned char)(1u << (s % 8));
}

static int vb_is_touched(const struct idx_build *b, size_t s)
{
	return b->vb_touched[s / 8] >> (s % 8) & 1;
}

/* Rebuild every bucket from vocab. */
int idx_vb_rebuild_all(struct idx_build *b, struct vb_out *v)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_exec(b->db, "DELETE FROM vbuckets", NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT term FROM vocab ORDER BY term",
			       -1, &st, NULL) != SQLITE_OK)
		rc = -1;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = idx_vb_add(v, (const char *)sqlite3_column_text(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return rc == 0 ? idx_vb_flush(v) : rc;
}

/* Does bucket k (two bytes) hold exactly terms (no row: empty)? */
static int vb_same(sqlite3_stmt *old, const unsigned char k[2],
		   const struct buf *terms)
{
	int same;

	sqlite3_bind_blob(old, 1, k, 2, SQLITE_STATIC);
	if (sqlite3_step(old) == SQLITE_ROW)
		same = (size_t)sqlite3_column_bytes(old, 0) == terms->len &&
		       (terms->len == 0 || /* (an empty blob reads as NULL) */
			memcmp(sqlite3_column_blob(old, 0), terms->data,
			       terms->len) == 0);
	else
		same = terms->len == 0;
	sqlite3_reset(old);
	return same;
}

/* Rebuild the touched two-byte buckets from vocab, then the first-byte
 * buckets whose one-byte term or two-byte buckets changed, from those. */
int idx_vb_rebuild_touched(struct idx_build *b, struct vb_out *v)
{
	sqlite3_stmt *range = NULL, *one = NULL, *twos = NULL, *old = NULL;
	struct buf acc = BUF_INIT;
	unsigned char letter[256];
	size_t s;
	int rc = 0;

	for (s = 0; s < 256; s++)
		letter[s] = (unsigned char)vb_is_touched(b, 65536 + s);
	if (sqlite3_prepare_v2(b->db, "SELECT terms FROM vbuckets WHERE k = ?",
			       -1, &old, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT term FROM vocab WHERE term >= ?1 "
				      "AND term < ?2 ORDER BY term", -1, &range,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT 1 FROM vocab WHERE term = ?", -1,
			       &one, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT terms FROM vbuckets WHERE k > ?1 "
				      "AND k < ?2 ORDER BY k", -1, &twos,
			       NULL) != SQLITE_OK)
		rc = -1;
	for (s = 0; rc == 0 && s < 65536; s++) {
		unsigned char k[2] = {(unsigned char)(s >> 8),
				      (unsigned char)(s & 0xff)};
		unsigned char hi[2] = {k[0], (unsigned char)(k[1] + 1)};

		if (!vb_is_touched(b, s))
			continue;
		buf_reset(&acc);
		/* [k, k+1): the terms starting with the two bytes */
		sqlite3_bind_text(range, 1, (const char *)k, 2, SQLITE_STATIC);
		if (k[1] < 0xff)
			sqlite3_bind_text(range, 2, (const char *)hi, 2,
					  SQLITE_STATIC);
		else {
			hi[0] = (unsigned char)(k[0] + 1);
			sqlite3_bind_text(range, 2, (const char *)hi, 1,
					  SQLITE_STATIC);
		}
		while (rc == 0 && sqlite3_step(range) == SQLITE_ROW)
			rc = vb_entry(&acc,
				      (const char *)sqlite3_column_text(range, 0),
				      (size_t)sqlite3_column_bytes(range, 0));
		sqlite3_reset(range);
		/* An edited file's terms often leave and come back: write
		 * only a bucket that changed. */
		if (rc == 0 && !vb_same(old, k, &acc)) {
			rc = vb_write(v, k, 2, &acc);
			letter[k[0]] = 1;
		}
	}
	for (s = 0; rc == 0 && s < 256; s++) {
		unsigned char c = (unsigned char)s, hi = (unsigned char)(s + 1);

		if (!letter[s])
			continue;
		buf_reset(&acc);
		sqlite3_bind_text(one, 1, (const char *)&c, 1, SQLITE_STATIC);
		if (sqlite3_step(one) == SQLITE_ROW)
			rc = vb_entry(&acc, (const char *)&c, 1);
		sqlite3_reset(one);
		/* two-byte keys of c: above the one-byte key c, below c+1
		 * (or, for c = ff, below ff ff ff) */
		sqlite3_bind_blob(twos, 1, &c, 1, SQLITE_STATIC);
		if (s < 255)
			sqlite3_bind_blob(twos, 2, &hi, 1, SQLITE_STATIC);
		else
			sqlite3_bind_blob(twos, 2, "\xff\xff\xff", 3,
					  SQLITE_STATIC);
		while (rc == 0 && sqlite3_step(twos) == SQLITE_ROW)
			rc = buf_append(&acc, sqlite3_column_blob(twos, 0),
					(size_t)sqlite3_column_bytes(twos, 0));
		sqlite3_reset(twos);
		if (rc == 0)
			rc = vb_write(v, &c, 1, &acc);
	}
	sqlite3_finalize(range);
	sqlite3_finalize(one);
	sqlite3_finalize(twos);
	sqlite3_finalize(old);
	buf_free(&acc);
	return rc;
}


/* ---- reading ---- */

/* The entries of one bucket blob that start with prefix[0..n). */
int idx_vb_visit(const unsigned char *p, size_t len, const char *prefix,
		    size_t n, int (*fn)(void *ctx, const char *term, size_t len),
		    void *ctx)
{
	char t[256];
	size_t i = 0;
	int rc;

	while (i < len) {
		size_t l = p[i++];

		if (l == 0 || l > len - i)
			return -1; /* damaged */
		if (l >= n && memcmp(p + i, prefix, n) == 0) {
			memcpy(t, p + i, l);
			t[l] = '\0';
			if ((rc = fn(ctx, t, l)) != 0)
				return rc;
		}
		i += l;
	}
	return 0;
}

/* A bucket's entries with a NUL after each (for vb_visit_z), or NULL
 * when it is damaged or memory is short. */
unsigned char *idx_vb_terminate(const unsigned char *p, size_t len)
{
	unsigned char *z = malloc(len + len / 2 + 1), *o = z;
	size_t i = 0;

	if (z == NULL)
		return NULL;
	while (i < len) {
		size_t l = p[i++];

		/* (every entry has at least one byte, so len / 2 NULs fit) */
		if (l == 0 || l > len - i) {
			free(z);
			return NULL;
		}
		*o++ = (unsigned char)l;
		memcpy(o, p + i, l);
		o += l;
		*o++ = '\0';
		i += l;
	}
	*o = 0; /* a zero length ends the entries */
	return z;
}

/* vb_visit over vb_terminate's form: no copying.  Every entry begins
 * with the bucket's key, the first klen bytes of prefix. */
int idx_vb_visit_z(const unsigned char *p, const char *prefix, size_t n,
		      size_t klen,
		      int (*fn)(void *ctx, const char *term, size_t len),
		      void *ctx)
{
	size_t l;
	int rc;

	while ((l = *p++) != 0) {
		if (l >= n &&
		    (n <= klen ||
		     memcmp(p + klen, prefix + klen, n - klen) == 0) &&
		    (rc = fn(ctx, (const char *)p, l)) != 0)
			return rc;
		p += l + 1;
	}
	return 0;
}
