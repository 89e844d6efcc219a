/* spill.c - postings spilled to run files when a build outgrows its memory
 * budget, and their merge at commit.
 *
 * A run file holds, per term in strcmp order: varint text length, text,
 * varint df, varint cf (both within the run), varint raw byte count, the
 * raw stream (docid deltas from -1, tf_q, tf_a).  Runs cover consecutive
 * doc id ranges, in run order, so merging a term's streams is appending
 * them.  The builder hands a run its sorted terms and takes the merged
 * terms back through a callback: this file calls nothing of the builder. */
#include "idx.h"
#include "idx_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/buf.h"

static void run_path(const struct idx_build *b, int i, char *out, size_t n)
{
	snprintf(out, n, "%s.run%d", b->tmp, i);
}

static int put_varint_file(FILE *fp, uint64_t v)
{
	do {
		int c = (int)(v & 0x7f);

		v >>= 7;
		if (putc(v ? c | 0x80 : c, fp) == EOF)
			return -1;
	} while (v);
	return 0;
}

static int get_varint_file(FILE *fp, uint64_t *v)
{
	uint64_t r = 0;
	int shift = 0, c;

	while ((c = getc(fp)) != EOF && shift < 64) {
		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

int idx_spill_write(struct idx_build *b, struct term *const *order, size_t n)
{
	char path[4200];
	size_t i;
	FILE *fp;
	int e = 0;

	run_path(b, b->nruns, path, sizeof(path));
	fp = fopen(path, "wb");
	if (fp == NULL)
		return qerr_set(&b->err, QERR_IO, "cannot create %s: %s", path,
				strerror(errno));
	b->nruns++;
	for (i = 0; i < n; i++) {
		const struct term *t = order[i];
		size_t len = strlen(t->text);

		if (put_varint_file(fp, len) || fwrite(t->text, 1, len, fp) != len ||
		    put_varint_file(fp, (uint64_t)t->df) ||
		    put_varint_file(fp, (uint64_t)t->cf) ||
		    put_varint_file(fp, t->post.len) ||
		    fwrite(t->post.data, 1, t->post.len, fp) != t->post.len)
			break;
	}
	if (i < n || fflush(fp) != 0 || ferror(fp))
		e = errno ? errno : EIO;
	if (fclose(fp) != 0 && e == 0)
		e = errno ? errno : EIO;
	if (e)
		return qerr_set(&b->err, QERR_IO, "cannot write %s: %s", path,
				strerror(e));
	return 0;
}

struct run {
	FILE *fp;
	char *text;      /* current term, NULL at the end */
	long df, cf;
	struct buf raw;  /* its raw stream */
};

/* Read the run's next term; 0, or -1 on a damaged file (text NULL at end). */
static int run_next(struct run *r)
{
	uint64_t len, df, cf, bytes;

	free(r->text);
	r->text = NULL;
	buf_reset(&r->raw);
	if (get_varint_file(r->fp, &len) != 0)
		return feof(r->fp) ? 0 : -1;
	if (len > 4096 || (r->text = malloc(len + 1)) == NULL ||
	    fread(r->text, 1, len, r->fp) != len ||
	    get_varint_file(r->fp, &df) != 0 ||
	    get_varint_file(r->fp, &cf) != 0 ||
	    get_varint_file(r->fp, &bytes) != 0 || bytes > (1ULL << 40) ||
	    buf_reserve(&r->raw, bytes) != 0 ||
	    fread(r->raw.data, 1, bytes, r->fp) != bytes)
		return -1;
	r->text[len] = '\0';
	r->raw.len = bytes;
	r->df = (long)df;
	r->cf = (long)cf;
	return 0;
}

/* Append a run's stream (deltas from -1) to merged (deltas running on from
 * *last). */
static int append_stream(struct buf *merged, const struct buf *raw, long df,
			 long *last)
{
	const unsigned char *p = (const unsigned char *)raw->data;
	const unsigned char *end = p + raw->len;
	long doc = -1, i;

	for (i = 0; i < df; i++) {
		uint64_t d, q, a;

		if (varint_get(&p, end, &d) || varint_get(&p, end, &q) ||
		    varint_get(&p, end, &a))
			return -1;
		doc += (long)d;
		if (buf_put_varint(merged, (uint64_t)(doc - *last)) ||
		    buf_put_varint(merged, q) || buf_put_varint(merged, a))
			return -1;
		*last = doc;
	}
	return 0;
}

int idx_spill_merge(struct idx_build *b, idx_spill_fn put, void *ctx,
		    struct qerr *err)
{
	struct run *runs = calloc((size_t)b->nruns, sizeof(*runs));
	struct buf merged = BUF_INIT;
	char path[4200];
	int i, rc;

	if (runs == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = 0;
	for (i = 0; rc == 0 && i < b->nruns; i++) {
		run_path(b, i, path, sizeof(path));
		runs[i].fp = fopen(path, "rb");
		if (runs[i].fp == NULL || run_next(&runs[i]) != 0)
			rc = qerr_set(err, QERR_IO, "cannot read %s", path);
	}
	while (rc == 0) {
		const char *min = NULL;
		long df = 0, last = -1;
		int64_t cf = 0;

		for (i = 0; i < b->nruns; i++)
			if (runs[i].text &&
			    (min == NULL || strcmp(runs[i].text, min) < 0))
				min = runs[i].text;
		if (min == NULL)
			break;
		buf_reset(&merged);
		{
			char *term = strdup(min);

			if (term == NULL) {
				rc = qerr_set(err, QERR_IO, "out of memory");
				break;
			}
			for (i = 0; rc == 0 && i < b->nruns; i++) {
				if (runs[i].text == NULL ||
				    strcmp(runs[i].text, term) != 0)
					continue;
				df += runs[i].df;
				cf += runs[i].cf;
				if (append_stream(&merged, &runs[i].raw,
						  runs[i].df, &last) != 0 ||
				    run_next(&runs[i]) != 0)
					rc = qerr_set(err, QERR_IO,
						      "index: damaged run file");
			}
			if (rc == 0)
				rc = put(ctx, term, df, (long)cf, &merged, err);
			free(term);
		}
	}
	for (i = 0; i < b->nruns; i++) {
		if (runs[i].fp)
			fclose(runs[i].fp);
		free(runs[i].text);
		buf_free(&runs[i].raw);
	}
	free(runs);
	buf_free(&merged);
	return rc;
}

void idx_spill_remove(const struct idx_build *b)
{
	char path[4200];
	int r;

	for (r = 0; r < b->nruns; r++) {
		run_path(b, r, path, sizeof(path));
		unlink(path);
	}
}
