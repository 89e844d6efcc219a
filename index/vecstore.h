/* vecstore.h - a vector per record, stored in the index beside the
 * postings: the semantic channel's half that lives in the index file.
 *
 * Table (created by the first build or update that has a vectors file,
 * see vectors.h):
 *
 *   docvec(id INTEGER PRIMARY KEY, v BLOB)
 *       row id: a live record's doc id; v: dims signed bytes, the
 *       record's vector (vec_text of its question and answer read as
 *       one text) at unit length times 127.  Records none of whose
 *       words are known have no row.
 *   meta vectors: vec_id of the file the rows were made with and the
 *       generation of the commit that made them ("CHECKSUM DIMS GEN"); a
 *       reader uses the rows only with that file and only when GEN is
 *       the index's generation (an older quarry may have updated the
 *       records without them).
 *
 * A build writes a row per record as it is added (in the build's
 * transaction, so it is as atomic as the rest).  An update adds the rows
 * of its records and drops those of removed records; when the rows are
 * not in step (made with another vectors file, or at another
 * generation) it recomputes every row from the stored records, and when
 * there is no vectors file at all it drops the table (rows for some
 * records only would rank the others down). */
#ifndef QUARRY_VECSTORE_H
#define QUARRY_VECSTORE_H

#include "idx.h"
#include "vectors.h"

struct idx_build;

/* Store the vector of a record being added (doc id id) when there is a
 * vectors file; 0 or an error code, with the build's sticky error set.
 * Once a build has read a megabyte of text this way, it gives the
 * vectors file its hash table (vec_hash_words), which changes the file
 * object: call from the build's one thread. */
int idx_vst_add(struct idx_build *b, long id, const char *question,
		const char *answer);
/* At commit, before the meta values are written: make the table agree
 * with the records and the vectors file (see above).  0 or an error code
 * (sticky). */
int idx_vst_finish(struct idx_build *b);
/* Free what idx_vst_add kept (the build's abort and commit call it). */
void idx_vst_free(struct idx_build *b);

/* The vectors file to use with x: the default one (vec_default) when
 * the index was made with it, else NULL (no vectors in x, another file,
 * or none).  *why, when not NULL, gets the reason for NULL (static, or
 * vec_problem's). */
struct vec *idx_vectors(struct idx *x, const char **why);

/* Cosines between q (dims floats, unit length) and the vectors of
 * docs[0 .. n) into cos[i] (0 for a record without one).  With n < 0,
 * every record that has a vector: ids go to docs (room for cap) and n is
 * returned.  Returns n (>= 0), or -1 with err set (QERR_IO). */
long idx_vst_cosines(struct idx *x, const float *q, int dims, long *docs,
		     long n, long cap, double *cos, struct qerr *err);

#endif
