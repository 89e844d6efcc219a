/* build.c - the builder of a full index (format in idx.h).
 *
 * It analyzes each record as it arrives, writes the record row at once,
 * and keeps postings in memory per term (a growable varint stream),
 * spilling them to run files (spill.c) past its memory budget; commit
 * sorts the vocabulary, cuts each stream into blocks with their
 * max-impact bound (postings.c), and writes everything in one
 * transaction to a temporary file that is renamed over the old index.
 * An update (update.c) reuses the pieces below commit; this file never
 * calls into update.c. */
#include "idx.h"
#include "idx_int.h"
#include "vecstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/strmap.h"
#include "alias.h"
#include "analyzer.h"
#include "docana.h"

/* ---- the term table ---- */

#define TERM_BLOCK 4096
#define TERM(b, i) (&(b)->tblocks[(i) / TERM_BLOCK][(i) % TERM_BLOCK])

/* Distinct question word runs counted before the rare ones are dropped. */
#define IDX_MAX_GRAMS 300000

static int spill(struct idx_build *b);
static void dir_of(const char *path, char *out, size_t n);

static int grow_slots(struct idx_build *b)
{
	size_t n = b->nslots ? b->nslots * 2 : 4096, i;
	struct slot *s = calloc(n, sizeof(*s));

	if (s == NULL)
		return -1;
	for (i = 0; i < b->nslots; i++) {
		size_t h;

		if (b->slots[i].id == 0)
			continue;
		h = b->slots[i].hash & (n - 1);
		while (s[h].id)
			h = (h + 1) & (n - 1);
		s[h] = b->slots[i];
	}
	free(b->slots);
	b->slots = s;
	b->nslots = n;
	return 0;
}

/* The slot for term t[0..n) with hash hv: its own, or the empty one where
 * it belongs. */
static struct slot *find_slot(const struct idx_build *b, const char *t,
			      size_t n, uint32_t hv)
{
	size_t h = hv & (b->nslots - 1);

	while (b->slots[h].id) {
		const char *x = TERM(b, b->slots[h].id - 1)->text;

		if (b->slots[h].hash == hv && memcmp(x, t, n) == 0 &&
		    x[n] == '\0')
			break;
		h = (h + 1) & (b->nslots - 1);
	}
	return &b->slots[h];
}

/* Forget every term (after a spill): the table starts over empty. */
static void clear_terms(struct idx_build *b)
{
	size_t i;

	for (i = 0; i < b->nterms; i++) {
		free(TERM(b, i)->text);
		buf_free(&TERM(b, i)->post);
	}
	for (i = 0; i < b->nblocks; i++)
		free(b->tblocks[i]);
	free(b->tblocks);
	free(b->slots);
	b->tblocks = NULL;
	b->slots = NULL;
	b->nterms = b->cap_terms = b->nslots = b->nblocks = 0;
	b->post_bytes = 0;
}

/* What the postings and the term table hold in memory, roughly. */
static size_t build_memory(const struct idx_build *b)
{
	return b->post_bytes + b->cap_terms * sizeof(struct term) +
	       b->nslots * sizeof(*b->slots) + b->nterms * 16;
}

/* Index of term t[0..n) (hv: the low bits of its str_hash), added if
 * new; -1 on out-of-memory. */
static long term_id(struct idx_build *b, const char *t, size_t n, uint32_t hv)
{
	struct slot *sl;
	struct term *e;

	if ((b->nterms + 1) * 2 > b->nslots && grow_slots(b) != 0)
		return -1;
	sl = find_slot(b, t, n, hv);
	if (sl->id)
		return (long)sl->id - 1;
	if (b->nterms == b->cap_terms) {
		struct term **nb = realloc(b->tblocks,
					   (b->nblocks + 1) * sizeof(*nb));

		if (nb == NULL)
			return -1;
		b->tblocks = nb;
		nb[b->nblocks] = malloc(TERM_BLOCK * sizeof(struct term));
		if (nb[b->nblocks] == NULL)
			return -1;
		b->nblocks++;
		b->cap_terms += TERM_BLOCK;
	}
	e = TERM(b, b->nterms);
	memset(e, 0, sizeof(*e));
	e->text = strndup(t, n);
	if (e->text == NULL)
		return -1;
	e->last = -1;
	sl->hash = hv;
	sl->id = (uint32_t)(b->nterms + 1);
	return (long)b->nterms++;
}

static const char schema_sql[] =
	"PRAGMA journal_mode=OFF;"
	"PRAGMA cache_size=-16384;"
	"PRAGMA cache_spill=ON;"
	"PRAGMA synchronous=OFF;"
	"PRAGMA locking_mode=EXCLUSIVE;"
	"PRAGMA page_size=8192;"
	"BEGIN;"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT, size INT,"
	" mtime INT, hash TEXT, bundled INT, first INT, n INT, kind INT,"
	" format TEXT);"
	"CREATE TABLE docs(id INTEGER PRIMARY KEY, ext_id TEXT, source INT,"
	" line INT, question TEXT, answer TEXT, len_q INT, len_a INT);"
	"CREATE TABLE vocab(term TEXT PRIMARY KEY, id INT, df INT, cf INT)"
	" WITHOUT ROWID;"
	"CREATE TABLE postings(id INTEGER PRIMARY KEY, data BLOB);"
	"CREATE TABLE norms(id INTEGER PRIMARY KEY, data BLOB);"
	"CREATE TABLE segments(id INTEGER PRIMARY KEY, base INT, n INT,"
	" avg_q REAL, avg_a REAL, ndel INT);"
	"CREATE TABLE dels(id INTEGER PRIMARY KEY, data BLOB);"
	"CREATE TABLE segpost(seg INT, term TEXT, data BLOB);"
	"CREATE INDEX segpost_term ON segpost(term, seg);"
	"CREATE INDEX segpost_seg ON segpost(seg);"
	"CREATE TABLE aliases(short TEXT PRIMARY KEY, long TEXT, n INT,"
	" kind INT) WITHOUT ROWID;"
	"CREATE INDEX aliases_kind ON aliases(kind, short, long);" VB_SCHEMA
	";" SURFACE_SCHEMA ";";

/* May a build replace path?  Yes when it is missing, empty, or a quarry
 * index (of any schema version); never another file. */
static int replaceable(const char *path)
{
	struct stat sb;
	sqlite3 *db = NULL;
	long app = 0;
	int ok;

	if (stat(path, &sb) != 0)
		return errno == ENOENT;
	if (S_ISREG(sb.st_mode) && sb.st_size == 0)
		return 1;
	if (!S_ISREG(sb.st_mode))
		return 0;
	ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	     sqlite3_busy_timeout(db, 10000) == SQLITE_OK && /* an update */
	     idx_int_query(db, "PRAGMA application_id", &app) == 0 &&
	     app == IDX_APP_ID;
	sqlite3_close(db);
	return ok;
}

/* Remove what builds killed before they could clean up left beside path:
 * PATH.tmp-PID and its run files, when process PID is gone. */
static void remove_stale(const char *path)
{
	char dir[4096], prefix[4200], full[8400];
	const char *base = strrchr(path, '/');
	size_t plen;
	DIR *d;
	struct dirent *e;

	dir_of(path, dir, sizeof(dir));
	snprintf(prefix, sizeof(prefix), "%s.tmp-", base ? base + 1 : path);
	plen = strlen(prefix);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || pid <= 0 ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		unlink(full);
	}
	closedir(d);
}

struct idx_build *idx_build_new(const char *path, struct qerr *err)
{
	struct idx_build *b = calloc(1, sizeof(*b));
	size_t n;

	if (b)
		b->lock_fd = -1;
	if (b == NULL || (b->path = idx_resolve_path(path)) == NULL ||
	    (b->tmp = malloc(n = strlen(b->path) + 32)) == NULL ||
	    (b->tok = tok_new(TOK_STEM)) == NULL) {
		idx_build_abort(b);
		qerr_set(err, QERR_IO, "out of memory");
		return NULL;
	}
	if (idx_lock_writer(b->path, &b->lock_fd, err) != 0) {
		idx_build_abort(b);
		return NULL;
	}
	path = b->path;
	/* The temporary index (and run files) go beside the index. */
	snprintf(b->tmp, n, "%s.tmp-%ld", path, (long)getpid());
	b->budget = IDX_BUILD_MEMORY;
	b->threads = 1;
	b->gram_min = 2;
	return b;
}

int idx_build_begin(struct idx_build **out, const char *path,
		    struct qerr *err)
{
	struct idx_build *b;
	char pragma[64];

	*out = NULL;
	if ((b = idx_build_new(path, err)) == NULL)
		return QERR_IO;
	path = b->path;
	if (!replaceable(path)) {
		struct stat sb;

		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			qerr_set(err, QERR_IO, "cannot replace %s: %s", path,
				 strerror(EISDIR));
		else
			qerr_set(err, QERR_DATA, "%s exists and is not a quarry "
				 "index; refusing to replace it", path);
		idx_build_abort(b);
		return err ? err->code : QERR_DATA;
	}
	remove_stale(path);
	unlink(b->tmp);
	if (sqlite3_open_v2(b->tmp, &b->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		/* SQLite's own errno is from its last try (a read-only
		 * open: ENOENT); creating the file says why it failed. */
		int fd = open(b->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      0644), e = fd < 0 ? errno : 0;

		if (fd >= 0) {
			close(fd);
			unlink(b->tmp);
		}

		qerr_set(err, QERR_IO, "cannot create index %s: %s", b->tmp,
			 e ? strerror(e) : sqlite3_errmsg(b->db));
		idx_build_abort(b);
		return QERR_IO;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA application_id=%d;"
		 "PRAGMA user_version=%d;", IDX_APP_ID, IDX_SCHEMA);
	if (idx_exec(b->db, schema_sql, err) || idx_exec(b->db, pragma, err) ||
	    sqlite3_prepare_v2(b->db,
			       "INSERT INTO docs VALUES(?,?,?,?,?,?,?,?)", -1,
			       &b->ins_doc, NULL) != SQLITE_OK) {
		if (err && err->code == 0)
			qerr_set(err, QERR_IO, "index: %s",
				 sqlite3_errmsg(b->db));
		idx_build_abort(b);
		return QERR_IO;
	}
	*out = b;
	return 0;
}

static int build_failed(struct idx_build *b)
{
	return b->err.code != QERR_OK;
}

int idx_build_source(struct idx_build *b, const char *path, long long size,
		     long long mtime, const char *hash, int bundled)
{
	sqlite3_stmt *st = NULL;

	if (build_failed(b))
		return b->err.code;
	if (idx_finish_source(b) != 0)
		return b->err.code;
	b->src_id++;
	if (sqlite3_prepare_v2(b->db,
			       "INSERT INTO sources VALUES(?,?,?,?,?,?,?,0,0,NULL)", -1,
			       &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, b->src_id);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, size);
	sqlite3_bind_int64(st, 4, mtime);
	sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, bundled);
	sqlite3_bind_int64(st, 7, b->ndocs);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	b->src_row = b->src_id;
	return 0;
fail:
	qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	sqlite3_finalize(st);
	return b->err.code;
}

/* Prepare sql on b's database; NULL, with the builder's sticky error
 * set, on failure. */
static sqlite3_stmt *prepare(struct idx_build *b, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK) {
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Step a bound one-shot statement to its end and finalize it: 0, or the
 * builder's sticky error. */
static int run_once(struct idx_build *b, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		sqlite3_finalize(st);
		return b->err.code;
	}
	sqlite3_finalize(st);
	return 0;
}

int idx_build_source_stat(struct idx_build *b, long long size,
			  long long mtime, const char *hash)
{
	sqlite3_stmt *st;

	if (build_failed(b))
		return b->err.code;
	st = prepare(b, "UPDATE sources SET size = ?, mtime = ?, hash = ? "
			"WHERE id = ?");
	if (st == NULL)
		return b->err.code;
	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_int64(st, 2, mtime);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, b->src_id);
	return run_once(b, st);
}

int idx_build_source_kind(struct idx_build *b, int kind, const char *format)
{
	sqlite3_stmt *st;

	if (build_failed(b))
		return b->err.code;
	if (b->src_row == 0)
		return 0;
	st = prepare(b, "UPDATE sources SET kind = ?, format = ? WHERE id = ?");
	if (st == NULL)
		return b->err.code;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, b->src_row);
	return run_once(b, st);
}

int idx_finish_source(struct idx_build *b)
{
	sqlite3_stmt *st = NULL;
	long first;

	if (b->src_row == 0)
		return 0;
	if (sqlite3_prepare_v2(b->db, "UPDATE sources SET n = ? - first "
				      "WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		return -1;
	}
	first = b->ndocs;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, b->src_row);
	if (sqlite3_step(st) != SQLITE_DONE) {
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	b->src_row = 0;
	return 0;
}

/* Append a posting for every term of the record (each term's list only
 * grows by doc id). */
static int add_postings(struct idx_build *b, const struct docana *d)
{
	size_t i;

	for (i = 0; i < d->nterms; i++) {
		const struct docana_term *t = &d->terms[i];
		long id = term_id(b, docana_str(d, t->off), t->len, t->hash);
		struct term *e;
		size_t before;

		if (id < 0)
			return -1;
		e = TERM(b, (size_t)id);
		before = e->post.cap;
		if (buf_put_varint(&e->post, (uint64_t)(b->ndocs - e->last)) ||
		    buf_put_varint(&e->post, t->tf[0]) ||
		    buf_put_varint(&e->post, t->tf[1]))
			return -1;
		b->post_bytes += e->post.cap - before; /* what it really holds */
		e->last = b->ndocs;
		e->df++;
		e->cf += t->tf[0] + t->tf[1];
	}
	return 0;
}

/* Count each of the keys list[0..n) of d once more in m. */
static int count_keys(struct strmap *m, const struct docana *d,
		      const uint32_t *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *k = docana_str(d, list[i]);
		struct strmap_entry *e = strmap_get(m, k, strlen(k));

		if (e == NULL)
			return -1;
		e->count++;
	}
	return 0;
}

/* Note the record's words, acronyms and question word runs. */
static int count_words(struct idx_build *b, const struct docana *d)
{
	size_t i;

	for (i = 0; i < d->nwords; i++) {
		const struct docana_word *w = &d->words[i];

		if (idx_surface_note(&b->surface, docana_str(d, w->off),
				     w->len, w->hash, b->ndocs))
			return -1;
	}
	if (count_keys(&b->grams, d, d->grams, d->ngrams) != 0 ||
	    count_keys(&b->aliases, d, d->aliases, d->naliases) != 0)
		return -1;
	/* Word runs seen once are most of a big corpus's: keep the map
	 * bounded by forgetting the rarest now and then, raising the bar
	 * while that is not enough (only runs seen twice become aliases). */
	if (b->grams.n > IDX_MAX_GRAMS)
		while (b->grams.n > IDX_MAX_GRAMS / 2) {
			if (strmap_prune(&b->grams, b->gram_min) < 0)
				return -1;
			if (b->grams.n > IDX_MAX_GRAMS / 2)
				b->gram_min++; /* still too many: raise the bar */
		}
	return 0;
}

int idx_build_add(struct idx_build *b, const char *ext_id,
		  const char *question, const char *answer, long line)
{
	if (build_failed(b))
		return b->err.code;
	if ((b->ana == NULL && (b->ana = docana_new()) == NULL) ||
	    (b->work == NULL && (b->work = docana_work_new()) == NULL))
		return qerr_set(&b->err, QERR_IO, "out of memory");
	if (docana_run(b->ana, b->work, b->tok, idx_vst_vec(), question,
		       answer, &b->err) != 0)
		return b->err.code;
	return idx_build_add_analysed(b, ext_id, question, answer, line,
				      b->ana);
}

int idx_build_add_analysed(struct idx_build *b, const char *ext_id,
			   const char *question, const char *answer,
			   long line, const struct docana *d)
{
	const long *len = d->len;
	unsigned char nb[2];
	sqlite3_stmt *st = b->ins_doc;

	if (build_failed(b))
		return b->err.code;
	if (b->ndocs >= IDX_MAX_DOCS - 1) /* (what a reader would refuse) */
		return qerr_set(&b->err, QERR_DATA, "too many records for one "
				"index (%ld)", IDX_MAX_DOCS - 1);
	if (add_postings(b, d) != 0 || count_words(b, d) != 0)
		return qerr_set(&b->err, QERR_IO, "out of memory");
	nb[0] = idx_norm_encode(len[0]);
	nb[1] = idx_norm_encode(len[1]);
	if (buf_append(&b->norms, nb, 2) != 0)
		return qerr_set(&b->err, QERR_IO, "out of memory");
	b->len[0] += len[0];
	b->len[1] += len[1];
	sqlite3_bind_int64(st, 1, b->ndocs);
	sqlite3_bind_text(st, 2, ext_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, b->src_id);
	sqlite3_bind_int64(st, 4, line);
	sqlite3_bind_text(st, 5, question, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, answer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, len[0]);
	sqlite3_bind_int64(st, 8, len[1]);
	if (sqlite3_step(st) != SQLITE_DONE) {
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		sqlite3_reset(st);
		return b->err.code;
	}
	sqlite3_reset(st);
	if (idx_vst_add(b, b->ndocs, d->vec, d->nvec) != 0)
		return b->err.code;
	b->ndocs++;
	b->in_bytes += (long long)(strlen(question) + strlen(answer));
	if (build_memory(b) > b->budget)
		return spill(b);
	return 0;
}

void idx_build_meta(struct idx_build *b, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;

	if (build_failed(b))
		return;
	if (sqlite3_prepare_v2(b->db,
			       "INSERT OR REPLACE INTO meta VALUES(?,?)", -1,
			       &st, NULL) != SQLITE_OK) {
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
		return;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	sqlite3_finalize(st);
}

int idx_build_status(const struct idx_build *b, struct qerr *err)
{
	if (b->err.code != QERR_OK)
		qerr_set(err, b->err.code, "%s", b->err.msg);
	return b->err.code;
}

static int cmp_term_ptr(const void *a, const void *b)
{
	const struct term *x = *(const struct term *const *)a;
	const struct term *y = *(const struct term *const *)b;

	return strcmp(x->text, y->text);
}

/* Average length of field f once the build is committed (all live
 * records): what the new blocks' bounds are computed with. */
double idx_build_avg(const struct idx_build *b, int f)
{
	long n = b->live + (b->ndocs - b->doc0);
	double a = n ? (double)(b->live_len[f] + b->len[f]) / (double)n : 1.0;

	return a > 0.0 ? a : 1.0;
}

/* Writes vocabulary and postings rows in term order. */
struct term_out {
	sqlite3_stmt *sv, *su, *sp;
	struct buf blob, body;
	double avg[IDX_NFIELDS];
	long next_id;
	struct idx_build *b;
	struct vb_out vb; /* a full build's buckets, written as it goes */
};

static int term_out_begin(struct idx_build *b, struct term_out *o,
			  struct qerr *err)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->b = b;
	for (i = 0; i < IDX_NFIELDS; i++)
		o->avg[i] = idx_build_avg(b, i);
	if (b->update &&
	    /* (INSERT OR IGNORE then UPDATE tells a new term from one the
	     * vocabulary had: an UPSERT with RETURNING would, but it makes
	     * SQLite keep a statement journal, a third of an update's time) */
	    (sqlite3_prepare_v2(b->db, "INSERT OR IGNORE INTO vocab "
				       "VALUES(?1,0,?3,?4)", -1, &o->sv,
				NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(b->db, "UPDATE vocab SET df = df + ?2, "
				       "cf = cf + ?3 WHERE term = ?1", -1,
				&o->su, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(b->db, "INSERT INTO segpost VALUES(?2,?1,?3)",
				-1, &o->sp, NULL) != SQLITE_OK))
		return qerr_set(err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	if (!b->update &&
	    (sqlite3_prepare_v2(b->db, "INSERT INTO vocab VALUES(?,?,?,?)", -1,
				&o->sv, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(b->db, "INSERT INTO postings VALUES(?,?)", -1,
				&o->sp, NULL) != SQLITE_OK))
		return qerr_set(err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	if (!b->update && idx_vb_begin(b->db, &o->vb) != 0)
		return qerr_set(err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	return 0;
}

/* Finish the terms (the last bucket), release o; returns rc or the error
 * finishing met. */
static int term_out_end(struct idx_build *b, struct term_out *o, int rc,
			struct qerr *err)
{
	if (rc == 0 && !b->update && idx_vb_flush(&o->vb) != 0)
		rc = qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	idx_vb_end(&o->vb);
	sqlite3_finalize(o->sv);
	sqlite3_finalize(o->su);
	sqlite3_finalize(o->sp);
	buf_free(&o->blob);
	buf_free(&o->body);
	return rc;
}

/* One term: raw is its whole postings stream (deltas from -1). */
static int put_term(struct idx_build *b, struct term_out *o, const char *text,
		    long df, long cf, const struct buf *raw, struct qerr *err)
{
	long id = ++o->next_id;
	int step = SQLITE_ERROR, fresh = 0;

	if (idx_encode_postings((const unsigned char *)b->norms.data, b->doc0,
				raw, df, o->avg, &o->blob, &o->body) != 0)
		return qerr_set(err, QERR_IO, "out of memory");
	sqlite3_bind_text(o->sv, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(o->sv, 2, id);
	sqlite3_bind_int64(o->sv, 3, df);
	sqlite3_bind_int64(o->sv, 4, cf);
	if (b->update) {
		sqlite3_bind_text(o->sp, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(o->sp, 2, b->seg);
		sqlite3_bind_blob(o->sp, 3, o->blob.data, (int)o->blob.len,
				  SQLITE_STATIC);
	} else {
		sqlite3_bind_int64(o->sp, 1, id);
		sqlite3_bind_blob(o->sp, 2, o->blob.data, (int)o->blob.len,
				  SQLITE_STATIC);
	}
	step = sqlite3_step(o->sv);
	/* An update adds to a term the vocabulary has; a new one changes
	 * its bucket. */
	if (b->update && step == SQLITE_DONE &&
	    !(fresh = sqlite3_changes(b->db) > 0)) {
		sqlite3_bind_text(o->su, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(o->su, 2, df);
		sqlite3_bind_int64(o->su, 3, cf);
		step = sqlite3_step(o->su);
		sqlite3_reset(o->su);
	}
	if (step != SQLITE_DONE || sqlite3_step(o->sp) != SQLITE_DONE) {
		sqlite3_reset(o->sv);
		sqlite3_reset(o->sp);
		return qerr_set(err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	}
	sqlite3_reset(o->sv);
	sqlite3_reset(o->sp);
	if (b->update) {
		if (fresh)
			idx_vb_touch(b, text);
	} else if (idx_vb_add(&o->vb, text, strlen(text)) != 0)
		return qerr_set(err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	return 0;
}

/* Terms with postings in the current run, sorted; NULL on out-of-memory. */
static struct term **sorted_terms(struct idx_build *b, size_t *n)
{
	struct term **order = malloc((b->nterms + 1) * sizeof(*order));
	size_t i;

	if (order == NULL)
		return NULL;
	for (i = *n = 0; i < b->nterms; i++)
		if (TERM(b, i)->df > 0)
			order[(*n)++] = TERM(b, i);
	qsort(order, *n, sizeof(*order), cmp_term_ptr);
	return order;
}

/* Spill the term table to a run file (spill.c), then start it over
 * empty, so the vocabulary held in memory is bounded too. */
static int spill(struct idx_build *b)
{
	size_t n;
	struct term **order = sorted_terms(b, &n);
	int rc;

	if (order == NULL)
		return qerr_set(&b->err, QERR_IO, "out of memory");
	rc = idx_spill_write(b, order, n);
	free(order);
	clear_terms(b);
	return rc;
}

static int write_terms_memory(struct idx_build *b, struct qerr *err)
{
	struct term_out o;
	size_t i, n;
	struct term **order = sorted_terms(b, &n);
	int rc;

	if (order == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = term_out_begin(b, &o, err);
	for (i = 0; rc == 0 && i < n; i++)
		rc = put_term(b, &o, order[i]->text, order[i]->df, order[i]->cf,
			      &order[i]->post, err);
	rc = term_out_end(b, &o, rc, err);
	free(order);
	return rc;
}

static int put_merged(void *ctx, const char *term, long df, long cf,
		      const struct buf *raw, struct qerr *err)
{
	struct term_out *o = ctx;

	return put_term(o->b, o, term, df, cf, raw, err);
}

/* The terms of every run, merged (spill.c) as they are written. */
static int write_terms_merge(struct idx_build *b, struct qerr *err)
{
	struct term_out o;
	int rc = term_out_begin(b, &o, err);

	if (rc == 0)
		rc = idx_spill_merge(b, put_merged, &o, err);
	return term_out_end(b, &o, rc, err);
}


int idx_write_terms(struct idx_build *b, struct qerr *err)
{
	if (b->nruns == 0)
		return write_terms_memory(b, err);
	if (spill(b) != 0)
		return idx_build_status(b, err);
	return write_terms_merge(b, err);
}

/* For each key before the tab, the entry with the highest count (ties: the
 * smaller text), among entries counted at least min times. */
static int best_per_key(const struct strmap *m, long min, struct strmap *best)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		const struct strmap_entry *e = &m->e[i];
		struct strmap_entry *b;
		const char *tab;

		if (e->key == NULL || e->count < min ||
		    (tab = strchr(e->key, '\t')) == NULL)
			continue;
		b = strmap_get(best, e->key, (size_t)(tab - e->key));
		if (b == NULL)
			return -1;
		if (b->count < e->count ||
		    (b->count == e->count &&
		     strcmp(e->key, m->e[b->aux].key) < 0)) {
			b->count = e->count;
			b->aux = (long)i;
		}
	}
	return 0;
}

static int insert_aliases(sqlite3_stmt *st, const struct strmap *m,
			  const struct strmap *best, int kind)
{
	size_t i;

	for (i = 0; i < best->cap; i++) {
		const char *key, *tab;

		if (best->e[i].key == NULL)
			continue;
		key = m->e[best->e[i].aux].key;
		tab = strchr(key, '\t');
		sqlite3_bind_text(st, 1, key, (int)(tab - key), SQLITE_STATIC);
		sqlite3_bind_text(st, 2, tab + 1, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, best->e[i].count);
		sqlite3_bind_int(st, 4, kind);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
	}
	return 0;
}

/* The defined aliases (kind IDX_ALIAS_DEFINED), short form order, as one
 * blob in meta alias_defs: "short\0long\0" each.  Every question reads
 * them, and one blob is a few pages where the table's rows cost a step
 * each (idx_aliases_defined). */
static int write_alias_defs(struct idx_build *b, struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	struct buf pack = BUF_INIT;
	int rc = SQLITE_ERROR, bad = 0, i;

	if (sqlite3_prepare_v2(b->db, "SELECT short, long FROM aliases WHERE "
				      "kind = ?1 ORDER BY short", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, IDX_ALIAS_DEFINED);
		while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW)
			for (i = 0; i < 2; i++) {
				const unsigned char *v =
					sqlite3_column_text(st, i);

				bad |= buf_append(&pack, v ? (const char *)v
							   : "",
						  v ? (size_t)sqlite3_column_bytes(
							      st, i)
						    : 0) |
				       buf_putc(&pack, 0);
			}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (bad)
		rc = qerr_set(err, QERR_IO, "out of memory");
	else if (rc != SQLITE_DONE ||
		 sqlite3_prepare_v2(b->db, "INSERT OR REPLACE INTO meta "
				    "VALUES('alias_defs', ?)", -1, &st,
				    NULL) != SQLITE_OK)
		rc = qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	else {
		/* (a zero-length blob, not NULL, when there are none) */
		sqlite3_bind_zeroblob(st, 1, 0);
		if (pack.len > 0)
			sqlite3_bind_blob(st, 1, pack.data, (int)pack.len,
					  SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE
			     ? 0
			     : qerr_set(err, QERR_IO, "index: %s",
					sqlite3_errmsg(b->db));
	}
	sqlite3_finalize(st);
	buf_free(&pack);
	return rc;
}

/* Acronyms the text defines win; initials of word runs that questions use
 * at least twice fill in the others. */
static int write_aliases(struct idx_build *b, struct qerr *err)
{
	struct strmap best = STRMAP_INIT, gbest = STRMAP_INIT;
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(b->db, "INSERT OR IGNORE INTO aliases "
				      "VALUES(?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		rc = qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	else if (best_per_key(&b->aliases, 1, &best) != 0 ||
		 best_per_key(&b->grams, 2, &gbest) != 0)
		rc = qerr_set(err, QERR_IO, "out of memory");
	else if (insert_aliases(st, &b->aliases, &best, IDX_ALIAS_DEFINED) ||
		 insert_aliases(st, &b->grams, &gbest, IDX_ALIAS_INITIALS))
		rc = qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	sqlite3_finalize(st);
	strmap_free(&best);
	strmap_free(&gbest);
	return rc ? rc : write_alias_defs(b, err);
}

/* Insert (or replace) one row of values: "i" an integer, "d" a double,
 * "b" a blob (pointer, then length) bound in order. */
static int put_row(struct idx_build *b, const char *sql, const char *types,
		   ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int i, rc = 0;

	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		return qerr_set(&b->err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		if (types[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
		} else if (types[i] == 'd') {
			sqlite3_bind_double(st, i + 1, va_arg(ap, double));
		} else {
			const void *p = va_arg(ap, const void *);
			int n = va_arg(ap, int);

			sqlite3_bind_blob(st, i + 1, p ? p : "", n,
					  SQLITE_STATIC);
		}
	}
	va_end(ap);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = qerr_set(&b->err, QERR_IO, "index: %s",
			      sqlite3_errmsg(b->db));
	sqlite3_finalize(st);
	return rc;
}

/* Write the norms of docs doc0..ndocs-1 (b->norms) into their rows of
 * IDX_NORM_BLOCK docs (format in idx.h).  A segment that begins inside a
 * block (an update) completes the row its predecessor left short, which
 * must end at doc0. */
static int write_norms(struct idx_build *b)
{
	const unsigned char *p = (const unsigned char *)b->norms.data;
	long doc = b->doc0, k = b->doc0 >> IDX_NORM_SHIFT;
	long have = b->doc0 - k * IDX_NORM_BLOCK;
	unsigned char row[2 * IDX_NORM_BLOCK];
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (have > 0) {
		if (sqlite3_prepare_v2(b->db, "SELECT data FROM norms WHERE id "
					      "= ?", -1, &st, NULL) != SQLITE_OK)
			return qerr_set(&b->err, QERR_IO, "index: %s",
					sqlite3_errmsg(b->db));
		sqlite3_bind_int64(st, 1, k);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    sqlite3_column_bytes(st, 0) != (int)have * 2)
			rc = qerr_set(&b->err, QERR_DATA, "index is damaged: "
				      "%s: norms of records %ld..%ld missing or "
				      "of another size", b->path, k * IDX_NORM_BLOCK,
				      b->doc0 - 1);
		else
			memcpy(row, sqlite3_column_blob(st, 0), (size_t)have * 2);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == 0 &&
	    sqlite3_prepare_v2(b->db, "INSERT OR REPLACE INTO norms VALUES(?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		rc = qerr_set(&b->err, QERR_IO, "index: %s",
			      sqlite3_errmsg(b->db));
	while (rc == 0 && doc < b->ndocs) {
		long m = IDX_NORM_BLOCK - have;

		if (m > b->ndocs - doc)
			m = b->ndocs - doc;
		memcpy(row + have * 2, p + (doc - b->doc0) * 2, (size_t)m * 2);
		sqlite3_bind_int64(st, 1, k);
		sqlite3_bind_blob(st, 2, row, (int)(have + m) * 2, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = qerr_set(&b->err, QERR_IO, "index: %s",
				      sqlite3_errmsg(b->db));
		sqlite3_reset(st);
		doc += m;
		k++;
		have = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int idx_write_segment(struct idx_build *b, const struct surface_rows *rows,
		      struct qerr *err)
{
	long n = b->ndocs - b->doc0;
	double avg[IDX_NFIELDS];
	int f;

	for (f = 0; f < IDX_NFIELDS; f++)
		avg[f] = idx_build_avg(b, f);
	if (idx_finish_source(b) != 0)
		return idx_build_status(b, err);
	/* The base segment always has its row; an update's only when it
	 * added records (norms rows: one per block of records). */
	if ((n > 0 || !b->update) &&
	    (write_norms(b) ||
	     put_row(b, "INSERT INTO segments VALUES(?,?,?,?,?,0)", "iiidd",
		     (long long)b->seg, (long long)b->doc0, (long long)n,
		     avg[0], avg[1])))
		return idx_build_status(b, err);
	if (write_aliases(b, err) != 0 ||
	    idx_surface_put(b->db, rows, b->update, err))
		return QERR_IO;
	return 0;
}

int idx_write_meta(struct idx_build *b, struct qerr *err)
{
	char num[32];
	long n = b->ndocs - b->doc0;

	if (idx_vst_finish(b) != 0)
		return idx_build_status(b, err);
	snprintf(num, sizeof(num), "%ld", b->live + n);
	idx_build_meta(b, "ndocs", num);
	snprintf(num, sizeof(num), "%ld", b->ndocs);
	idx_build_meta(b, "maxdoc", num);
	snprintf(num, sizeof(num), "%lld", b->live_len[0] + b->len[0]);
	idx_build_meta(b, "len_q", num);
	snprintf(num, sizeof(num), "%lld", b->live_len[1] + b->len[1]);
	idx_build_meta(b, "len_a", num);
	snprintf(num, sizeof(num), "%lld", b->gen + 1);
	idx_build_meta(b, "generation", num);
	/* (counted once here, so that stats need not scan the vocabulary) */
	if (idx_int_query(b->db, "SELECT count(*) FROM vocab", &n) != 0)
		return qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	snprintf(num, sizeof(num), "%ld", n);
	idx_build_meta(b, "nterms", num);
	snprintf(num, sizeof(num), "%d", TOK_VERSION);
	idx_build_meta(b, "analyzer", num);
	snprintf(num, sizeof(num), "%lld", clk_stamp());
	idx_build_meta(b, b->update ? "updated" : "created", num);
	return idx_build_status(b, err);
}

static int sync_path(const char *path, int dir)
{
	int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static void dir_of(const char *path, char *out, size_t n)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		snprintf(out, n, ".");
	else if (s == path)
		snprintf(out, n, "/");
	else
		snprintf(out, n, "%.*s", (int)(s - path), path);
}

int idx_build_close_db(struct idx_build *b, struct qerr *err)
{
	int rc = 0;

	if (idx_exec(b->db, "COMMIT;", err) != 0)
		rc = QERR_IO;
	else if (sqlite3_close(b->db) != SQLITE_OK)
		rc = qerr_set(err, QERR_IO, "index: close failed");
	else
		b->db = NULL;
	return rc;
}

struct rows_job {
	const struct strmap *m;
	struct surface_rows *rows;
};

static void *make_rows(void *arg)
{
	struct rows_job *j = arg;

	j->rows = idx_surface_rows(j->m);
	return NULL;
}

int idx_write_pending(struct idx_build *b, struct qerr *err)
{
	struct rows_job job = {&b->surface, NULL};
	pthread_t th;
	int rc, threaded;

	if (idx_build_status(b, err) != 0)
		return err ? err->code : QERR_IO;
	sqlite3_finalize(b->ins_doc);
	b->ins_doc = NULL;
	/* The surface words are sorted and stemmed while the terms are
	 * written: the commit is the one part of a build no other thread
	 * shares, and the words do not change meanwhile. */
	threaded = b->threads > 1 &&
		   pthread_create(&th, NULL, make_rows, &job) == 0;
	rc = idx_write_terms(b, err);
	if (threaded)
		pthread_join(th, NULL);
	else
		make_rows(&job);
	if (rc == 0 && job.rows == NULL)
		rc = qerr_set(err, QERR_IO, "out of memory");
	if (rc == 0)
		rc = idx_write_segment(b, job.rows, err);
	idx_surface_rows_free(job.rows);
	return rc;
}

int idx_build_commit(struct idx_build *b, struct qerr *err)
{
	char dir[4096], num[32];
	int rc;

	if (b->update) {
		/* (an update commits in place: idx_update_commit) */
		qerr_set(err, QERR_IO, "index: an update commits with "
			 "idx_update_commit");
		idx_build_abort(b);
		return QERR_IO;
	}
	rc = idx_write_pending(b, err);
	if (rc == 0) {
		/* (the buckets were written with the terms) */
		snprintf(num, sizeof(num), "%lld", b->gen + 1);
		idx_build_meta(b, "vbuckets", num);
		rc = idx_write_meta(b, err);
	}
	if (rc == 0)
		rc = idx_build_close_db(b, err);
	if (rc == 0 && sync_path(b->tmp, 0) != 0)
		rc = qerr_set(err, QERR_IO, "cannot sync %s: %s", b->tmp,
			      strerror(errno));
	if (rc == 0 && rename(b->tmp, b->path) != 0)
		rc = qerr_set(err, QERR_IO, "cannot replace %s: %s", b->path,
			      strerror(errno));
	if (rc == 0) {
		dir_of(b->path, dir, sizeof(dir));
		sync_path(dir, 1);
	}
	idx_build_abort(b);
	return rc;
}

void idx_build_abort(struct idx_build *b)
{
	int i;

	if (b == NULL)
		return;
	sqlite3_finalize(b->ins_doc);
	idx_vst_free(b);
	if (b->db)
		sqlite3_close(b->db);
	if (b->tmp) {
		unlink(b->tmp); /* no-op after a successful rename */
		idx_spill_remove(b);
	}
	clear_terms(b);
	/* what an update (update.c) read of the index */
	for (i = 0; i < b->nsegs; i++)
		free(b->segs[i].del);
	free(b->segs);
	free(b->vb_touched);
	strmap_free(&b->aliases);
	strmap_free(&b->surface);
	strmap_free(&b->grams);
	buf_free(&b->norms);
	tok_free(b->tok);
	docana_free(b->ana);
	docana_work_free(b->work);
	free(b->path);
	free(b->tmp);
	idx_unlock_writer(b->lock_fd);
	free(b);
}

void idx_build_set_memory(struct idx_build *b, size_t bytes)
{
	b->budget = bytes;
}

void idx_build_set_threads(struct idx_build *b, int n)
{
	b->threads = n;
}

long long idx_build_bytes(const struct idx_build *b)
{
	return b->in_bytes;
}

long idx_build_count(const struct idx_build *b)
{
	return b->ndocs;
}
