/* postings.c - the postings format: field-length norms, the encoder that
 * cuts a raw postings stream into blocks with their max-impact bound, and
 * the cursor that reads them back (format in idx.h).
 *
 * The lowest layer of the index: it calls nothing else in index/, so the
 * builder, updates and the reader all share one encoder and one decoder. */
#include "idx.h"
#include "idx_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strmap.h"

/* ---- hashes and norms ---- */

void idx_hash(const void *data, size_t len, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)str_hash(data, len));
}

/* Lengths below 64 are exact; above, a 4% geometric scale up to ~114k. */
unsigned char idx_norm_encode(long len)
{
	double c;

	if (len < 64)
		return (unsigned char)(len < 0 ? 0 : len);
	c = 64.0 + floor(log((double)len / 64.0) / log(1.04) + 0.5);
	return (unsigned char)(c > 255.0 ? 255.0 : c);
}

const double *idx_norm_table(void)
{
	static double table[256];
	static int ready;
	int i;

	if (!ready) {
		for (i = 0; i < 256; i++)
			table[i] = i < 64 ? (double)i
					  : 64.0 * pow(1.04, (double)(i - 64));
		ready = 1;
	}
	return table;
}

double idx_norm_decode(unsigned char c)
{
	return idx_norm_table()[c];
}

/* ---- encoding ---- */

static void put_float(struct buf *b, float f)
{
	unsigned char t[4];
	uint32_t u;

	memcpy(&u, &f, 4);
	t[0] = (unsigned char)u;
	t[1] = (unsigned char)(u >> 8);
	t[2] = (unsigned char)(u >> 16);
	t[3] = (unsigned char)(u >> 24);
	buf_append(b, t, 4);
}

static float get_float(const unsigned char *p)
{
	uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/* Saturated impact of one posting at the default parameters; norms holds
 * the lengths of docs base, base+1, ... */
static float impact(const unsigned char *norms, long base, long doc,
		    unsigned tfq, unsigned tfa, const double avg[IDX_NFIELDS])
{
	const unsigned char *nb = norms + 2 * (doc - base);
	double t = 0.0;

	if (tfq)
		t += IDX_WQ * tfq /
		     (1.0 - IDX_B + IDX_B * idx_norm_decode(nb[0]) / avg[0]);
	if (tfa)
		t += IDX_WA * tfa /
		     (1.0 - IDX_B + IDX_B * idx_norm_decode(nb[1]) / avg[1]);
	return (float)(t / (t + IDX_K1));
}

int idx_encode_postings(const unsigned char *norms, long base,
			const struct buf *raw, long df,
			const double avg[IDX_NFIELDS], struct buf *out,
			struct buf *body)
{
	const unsigned char *p = (const unsigned char *)raw->data;
	const unsigned char *end = p + raw->len;
	long doc = -1, prev = -1, left = df;

	buf_reset(out);
	if (buf_put_varint(out, (uint64_t)df))
		return -1;
	while (left > 0) {
		long n = left < IDX_BLOCK ? left : IDX_BLOCK, i;
		float maxi = 0.0f;
		int anyq = 0;

		buf_reset(body);
		for (i = 0; i < n; i++) {
			uint64_t d, q, a;
			float im;

			if (varint_get(&p, end, &d) || varint_get(&p, end, &q) ||
			    varint_get(&p, end, &a))
				return -1;
			doc += (long)d;
			im = impact(norms, base, doc, (unsigned)q, (unsigned)a,
				    avg);
			if (im > maxi)
				maxi = im;
			anyq |= q > 0;
			if (buf_put_varint(body, (uint64_t)(doc - prev)) ||
			    buf_put_varint(body, q) || buf_put_varint(body, a) ||
			    (q && buf_putc(body, norms[2 * (doc - base)])) ||
			    (a && buf_putc(body, norms[2 * (doc - base) + 1])))
				return -1;
			prev = doc;
		}
		if (buf_put_varint(out, (uint64_t)n) ||
		    buf_put_varint(out, (uint64_t)doc) ||
		    buf_put_varint(out, body->len))
			return -1;
		put_float(out, anyq ? maxi : -maxi);
		if (buf_append(out, body->data, body->len))
			return -1;
		left -= n;
	}
	return 0;
}

/* ---- postings decoding ---- */

void idx_cursor_init(struct idx_cursor *c, const unsigned char *data,
		     size_t len)
{
	uint64_t df;

	memset(c, 0, sizeof(*c));
	c->data = data;
	c->len = len;
	c->scale = 1.0;
	c->p = data;
	c->end = data ? data + len : data;
	c->docid = -1;
	c->block_last = -1;
	if (data == NULL || varint_get(&c->p, c->end, &df) != 0)
		c->p = c->end;
	c->bend = c->p;
}

/* Read the next block header; 0 at the end. */
static int next_block(struct idx_cursor *c)
{
	uint64_t n, last, bytes;

	if (c->p >= c->end)
		return 0;
	if (varint_get(&c->p, c->end, &n) || varint_get(&c->p, c->end, &last) ||
	    varint_get(&c->p, c->end, &bytes) || c->end - c->p < 4 ||
	    (uint64_t)(c->end - c->p - 4) < bytes || n == 0 ||
	    last > (uint64_t)LONG_MAX) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	c->block_max = get_float(c->p);
	c->block_noq = signbit(c->block_max) != 0;
	c->block_max = fabsf(c->block_max);
	c->nblocks++;
	c->p += 4;
	c->bend = c->p + bytes;
	c->left_in_block = (long)n;
	c->block_last = (long)last;
	return 1;
}

/* The tfs of a posting whose delta is d and whose tfs begin at p, and
 * its norms bytes after them; the posting's end. */
static inline const unsigned char *take(struct idx_cursor *c, uint64_t d,
					const unsigned char *p, unsigned q,
					unsigned a)
{
	unsigned hq = q != 0, ha = a != 0;

	c->docid += (long)d;
	c->nsteps++;
	c->tf[0] = q;
	c->tf[1] = a;
	c->norm[0] = hq ? p[0] : 0;
	c->norm[1] = ha ? p[hq] : 0;
	c->left_in_block--;
	return p + hq + ha;
}

/* Decode the next posting, deleted or not; 0 at the end. */
static int step(struct idx_cursor *c)
{
	const unsigned char *p;
	uint64_t d, q, a;

	if (c->left_in_block == 0) {
		c->p = c->bend;
		if (!next_block(c))
			return 0;
	}
	p = c->p;
	/* Nearly every posting is a delta of one or two bytes, two one-byte
	 * tfs and its norms bytes, all within the six bytes tested. */
	if (c->bend - p >= 6 && c->docid < LONG_MAX - 0x4000) {
		if (((p[0] | p[1] | p[2]) & 0x80) == 0 && p[0] != 0) {
			c->p = take(c, p[0], p + 3, p[1], p[2]);
			return 1;
		}
		/* (a zero second byte is no shortest varint: a delta of 0,
		 * which the checked way refuses, could hide there) */
		if ((p[0] & 0x80) && p[1] != 0 &&
		    ((p[1] | p[2] | p[3]) & 0x80) == 0) {
			c->p = take(c, (p[0] & 0x7fu) | (unsigned)p[1] << 7,
				    p + 4, p[2], p[3]);
			return 1;
		}
	}
	if (varint_get(&p, c->bend, &d) || varint_get(&p, c->bend, &q) ||
	    varint_get(&p, c->bend, &a) || d == 0 ||
	    d > (uint64_t)LONG_MAX - (uint64_t)(c->docid + 1) ||
	    c->bend - p < (q != 0) + (a != 0)) {
		c->bad = 1;
		c->p = c->bend = c->end;
		c->left_in_block = 0;
		return 0;
	}
	c->p = take(c, d, p, (unsigned)q, (unsigned)a);
	return 1;
}

/* Is c's current doc a deleted one? */
static int hidden(struct idx_cursor *c)
{
	long i;

	if (c->del_fetch == NULL)
		return 0;
	if ((c->docid < c->del_lo || c->docid >= c->del_hi) &&
	    c->del_fetch(c->del_ctx, c->docid, &c->del, &c->del_lo,
			 &c->del_hi) != 0) {
		/* (stops: the next step finds the end) */
		c->bad = 1;
		c->p = c->bend = c->end;
		c->left_in_block = 0;
		return 1;
	}
	i = c->docid - c->del_lo;
	return c->del && (c->del[i / 8] >> (i % 8) & 1);
}

int idx_cursor_next(struct idx_cursor *c)
{
	while (step(c))
		if (!hidden(c))
			return 1;
	return 0;
}

float idx_postings_max(const unsigned char *data, size_t len)
{
	struct idx_cursor c;
	float m = 0.0f;

	idx_cursor_init(&c, data, len);
	while (next_block(&c)) {
		if (c.block_max > m)
			m = c.block_max;
		c.p = c.bend;
	}
	return m;
}

/* Leave the rest of the current block undecoded and read the next
 * block's header; 0 at the end.  The doc id becomes the skipped block's
 * last, which the next block's first delta counts from. */
static int skip_block(struct idx_cursor *c)
{
	c->p = c->bend;
	c->left_in_block = 0;
	if (c->block_last > c->docid)
		c->docid = c->block_last;
	return next_block(c);
}

int idx_cursor_seek(struct idx_cursor *c, long target)
{
	while (c->docid < target) {
		if (c->left_in_block > 0 && c->block_last >= target) {
			if (!idx_cursor_next(c))
				return 0;
			continue;
		}
		/* The rest of this block lies below target: skip it. */
		if (!skip_block(c))
			return 0;
	}
	return 1;
}

int idx_cursor_shallow(struct idx_cursor *c, long target)
{
	while (c->block_last < target)
		if (!skip_block(c))
			return 0;
	return 1;
}

double idx_cursor_bound(const struct idx_cursor *c)
{
	return (double)idx_postings_max(c->data, c->len) * c->scale;
}
