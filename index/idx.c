/* idx.c - write and read the SQLite BM25 index (format in idx.h).
 *
 * The builder analyzes each record as it arrives, writes the record row at
 * once, and keeps postings in memory per term (a growable varint stream);
 * commit sorts the vocabulary, cuts each stream into blocks with their
 * max-impact bound, and writes everything in one transaction to a temporary
 * file that is renamed over the old index. */
#include "idx.h"
#include "idx_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/strmap.h"
#include "alias.h"
#include "analyzer.h"

/* ---- shared helpers ---- */

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

/* ---- building ---- */

static int spill(struct idx_build *b);

#define TERM_BLOCK 4096
#define TERM(b, i) (&(b)->tblocks[(i) / TERM_BLOCK][(i) % TERM_BLOCK])

/* Distinct question word runs counted before the rare ones are dropped. */
#define IDX_MAX_GRAMS 300000
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

/* Index of term t[0..n), added if new; -1 on out-of-memory. */
static long term_id(struct idx_build *b, const char *t, size_t n)
{
	uint32_t hv = (uint32_t)str_hash(t, n);
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
	e->cur_doc = -1;
	sl->hash = hv;
	sl->id = (uint32_t)(b->nterms + 1);
	return (long)b->nterms++;
}

static int on_term(void *ctx, const char *term, size_t len, const char *word,
		   int pos, int is_stop)
{
	struct idx_build *b = ctx;
	long id = term_id(b, term, len);
	struct term *e;

	(void)pos;
	if (id < 0)
		return QERR_IO;
	e = TERM(b, (size_t)id);
	if (e->cur_doc != b->ndocs) {
		/* first occurrence in this doc: list it for flush_hits */
		if (b->nhits == b->cap_hits) {
			size_t c = b->cap_hits ? b->cap_hits * 2 : 256;
			struct hit *nh = realloc(b->hits, c * sizeof(*nh));

			if (nh == NULL)
				return QERR_IO;
			b->hits = nh;
			b->cap_hits = c;
		}
		b->hits[b->nhits].term = (unsigned)id;
		b->nhits++;
		e->cur_doc = b->ndocs;
		e->cur_tf[0] = e->cur_tf[1] = 0;
	}
	e->cur_tf[b->field]++;
	b->len_doc[b->field] += !is_stop;
	if (b->field == IDX_Q) {
		if (b->nqtok == b->cap_qtok) {
			size_t c = b->cap_qtok ? b->cap_qtok * 2 : 64;
			struct qtoken *nq = realloc(b->qtok, c * sizeof(*nq));

			if (nq == NULL)
				return QERR_IO;
			b->qtok = nq;
			b->cap_qtok = c;
		}
		b->qtok[b->nqtok].term = (unsigned)id;
		b->qtok[b->nqtok].initial =
			word[0] >= 'a' && word[0] <= 'z' ? word[0] : 0;
		b->qtok[b->nqtok].stop = (char)is_stop;
		b->nqtok++;
	}
	return 0;
}

int idx_exec(sqlite3 *db, const char *sql, struct qerr *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		qerr_set(err, QERR_IO, "index: %s", msg ? msg : "SQL error");
		sqlite3_free(msg);
		return QERR_IO;
	}
	return 0;
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
	" avg_q REAL, avg_a REAL, del BLOB);"
	"CREATE TABLE segpost(seg INT, term TEXT, data BLOB);"
	"CREATE INDEX segpost_term ON segpost(term, seg);"
	"CREATE INDEX segpost_seg ON segpost(seg);"
	"CREATE TABLE aliases(short TEXT PRIMARY KEY, long TEXT, n INT,"
	" kind INT) WITHOUT ROWID;" VB_SCHEMA ";";

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

int idx_build_source_stat(struct idx_build *b, long long size,
			  long long mtime, const char *hash)
{
	sqlite3_stmt *st = NULL;

	if (build_failed(b))
		return b->err.code;
	if (sqlite3_prepare_v2(b->db, "UPDATE sources SET size = ?, mtime = ?, "
				      "hash = ? WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_int64(st, 2, mtime);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, b->src_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	sqlite3_finalize(st);
	return b->err.code;
}

int idx_build_source_kind(struct idx_build *b, int kind, const char *format)
{
	sqlite3_stmt *st = NULL;

	if (build_failed(b))
		return b->err.code;
	if (b->src_row == 0)
		return 0;
	if (sqlite3_prepare_v2(b->db, "UPDATE sources SET kind = ?, format = ? "
				      "WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, b->src_row);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	qerr_set(&b->err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	sqlite3_finalize(st);
	return b->err.code;
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

/* Append a posting for every term of the current doc (in the order they
 * first occurred: each term's list only grows by doc id). */
static int flush_hits(struct idx_build *b)
{
	size_t i;

	for (i = 0; i < b->nhits; i++) {
		struct term *e = TERM(b, b->hits[i].term);
		unsigned *tf = e->cur_tf;
		size_t before = e->post.cap;

		if (buf_put_varint(&e->post, (uint64_t)(b->ndocs - e->last)) ||
		    buf_put_varint(&e->post, tf[0]) ||
		    buf_put_varint(&e->post, tf[1]))
			return -1;
		b->post_bytes += e->post.cap - before; /* what it really holds */
		e->last = b->ndocs;
		e->df++;
		e->cf += tf[0] + tf[1];
	}
	b->nhits = 0;
	return 0;
}

/* Analyzed form of a raw phrase: terms joined by spaces. */
static int join_term(void *ctx, const char *term, size_t len, const char *word,
		     int pos, int is_stop)
{
	struct buf *out = ctx;

	(void)word;
	(void)is_stop;
	if (pos > 0 && buf_putc(out, ' ') != 0)
		return QERR_IO;
	return buf_append(out, term, len) != 0 ? QERR_IO : 0;
}

static int on_alias(void *ctx, const char *acr, size_t an, const char *words,
		    size_t wn)
{
	struct idx_build *b = ctx;
	struct buf a = BUF_INIT, e = BUF_INIT;
	struct strmap_entry *m;
	int rc = QERR_IO;

	if (tok_run(b->tok, acr, an, join_term, &a, NULL) != 0 ||
	    tok_run(b->tok, words, wn, join_term, &e, NULL) != 0)
		goto done;
	rc = 0;
	if (a.len == 0 || e.len == 0 || strchr(a.data, ' ') ||
	    !strchr(e.data, ' '))
		goto done; /* one term for the short form, several for the long */
	if (buf_putc(&a, '\t') != 0 || buf_append(&a, e.data, e.len) != 0 ||
	    (m = strmap_get(&b->aliases, a.data, a.len)) == NULL)
		rc = QERR_IO;
	else
		m->count++;
done:
	buf_free(&a);
	buf_free(&e);
	return rc;
}

/* Count the question's runs of two or three content words by their
 * initials ("deep neural network" under "dnn"): an acronym the corpus
 * uses without defining it can still be read (see write_aliases). */
static int count_grams(struct idx_build *b)
{
	struct buf k = BUF_INIT;
	size_t i, n, j;
	int rc = 0;

	for (i = 0; i < b->nqtok && rc == 0; i++)
		for (n = 2; n <= 3 && i + n <= b->nqtok && rc == 0; n++) {
			struct strmap_entry *m;

			for (j = i; j < i + n; j++)
				if (b->qtok[j].stop || !b->qtok[j].initial)
					break;
			if (j < i + n)
				break;
			buf_reset(&k);
			for (j = i; j < i + n; j++)
				buf_putc(&k, b->qtok[j].initial);
			buf_putc(&k, '\t');
			for (j = i; j < i + n; j++) {
				if (j > i)
					buf_putc(&k, ' ');
				buf_puts(&k, TERM(b, b->qtok[j].term)->text);
			}
			if (k.data == NULL ||
			    (m = strmap_get(&b->grams, k.data, k.len)) == NULL)
				rc = QERR_IO;
			else
				m->count++;
		}
	buf_free(&k);
	b->nqtok = 0;
	/* Word runs seen once are most of a big corpus's: keep the map
	 * bounded by forgetting the rarest now and then, raising the bar
	 * while that is not enough (only runs seen twice become aliases). */
	if (rc == 0 && b->grams.n > IDX_MAX_GRAMS)
		while (b->grams.n > IDX_MAX_GRAMS / 2) {
			if (strmap_prune(&b->grams, b->gram_min) < 0)
				return QERR_IO;
			if (b->grams.n > IDX_MAX_GRAMS / 2)
				b->gram_min++; /* still too many: raise the bar */
		}
	return rc;
}

int idx_build_add(struct idx_build *b, const char *ext_id,
		  const char *question, const char *answer, long line)
{
	const long *len = b->len_doc;
	unsigned char nb[2];
	sqlite3_stmt *st = b->ins_doc;

	if (build_failed(b))
		return b->err.code;
	if (b->ndocs >= IDX_MAX_DOCS - 1) /* (what a reader would refuse) */
		return qerr_set(&b->err, QERR_DATA, "too many records for one "
				"index (%ld)", IDX_MAX_DOCS - 1);
	b->nhits = 0;
	b->nqtok = 0;
	b->len_doc[IDX_Q] = b->len_doc[IDX_A] = 0;
	b->field = IDX_Q;
	if (tok_run(b->tok, question, strlen(question), on_term, b, &b->err))
		return qerr_set(&b->err, QERR_IO, "out of memory");
	b->field = IDX_A;
	if (tok_run(b->tok, answer, strlen(answer), on_term, b, &b->err))
		return qerr_set(&b->err, QERR_IO, "out of memory");
	if (count_grams(b) != 0 || flush_hits(b) != 0 ||
	    alias_scan(question, strlen(question), on_alias, b) != 0 ||
	    alias_scan(answer, strlen(answer), on_alias, b) != 0)
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

/* Saturated impact of one posting at the default parameters. */
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
			if (buf_put_varint(body, (uint64_t)(doc - prev)) ||
			    buf_put_varint(body, q) || buf_put_varint(body, a))
				return -1;
			prev = doc;
		}
		if (buf_put_varint(out, (uint64_t)n) ||
		    buf_put_varint(out, (uint64_t)doc) ||
		    buf_put_varint(out, body->len))
			return -1;
		put_float(out, maxi);
		if (buf_append(out, body->data, body->len))
			return -1;
		left -= n;
	}
	return 0;
}

/* Average length of field f once the build is committed (all live
 * records): what the new blocks' bounds are computed with. */
double idx_build_avg(const struct idx_build *b, int f)
{
	long n = b->live + (b->ndocs - b->doc0);
	double a = n ? (double)(b->live_len[f] + b->len[f]) / (double)n : 1.0;

	return a > 0.0 ? a : 1.0;
}

/* ---- vocabulary buckets (see vbuckets in idx.h) ---- */

static size_t vb_slot2(const char *t)
{
	return (size_t)(unsigned char)t[0] << 8 | (unsigned char)t[1];
}

/* Accumulates the pending two-byte bucket and the pending first-byte
 * bucket as terms come in order; each is written when its key changes. */
struct vb_out {
	sqlite3_stmt *put, *del;
	struct buf two, one;
	unsigned char k[2]; /* the two-byte bucket's key */
	int has2;           /* a two-byte bucket is pending */
	int c;              /* the first-byte bucket's byte, -1 none */
};

static int vb_begin(sqlite3 *db, struct vb_out *v)
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

static int vb_flush(struct vb_out *v)
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
static int vb_add(struct vb_out *v, const char *t, size_t n)
{
	if (n == 0 || n > 255)
		return 0;
	if ((unsigned char)t[0] != v->c) {
		if (vb_flush(v) != 0)
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

static void vb_end(struct vb_out *v)
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
static int vb_rebuild_all(struct idx_build *b, struct vb_out *v)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_exec(b->db, "DELETE FROM vbuckets", NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT term FROM vocab ORDER BY term",
			       -1, &st, NULL) != SQLITE_OK)
		rc = -1;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = vb_add(v, (const char *)sqlite3_column_text(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return rc == 0 ? vb_flush(v) : rc;
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
static int vb_rebuild_touched(struct idx_build *b, struct vb_out *v)
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
	if (vb_begin(b->db, &v) != 0)
		rc = -1;
	else if (have != b->gen || b->vb_all)
		rc = vb_rebuild_all(b, &v);
	else if (b->vb_touched)
		rc = vb_rebuild_touched(b, &v);
	vb_end(&v);
	if (rc != 0)
		return qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	snprintf(text, sizeof(text), "%lld", b->gen + 1);
	idx_build_meta(b, "vbuckets", text);
	return 0;
}

/* Writes vocabulary and postings rows in term order. */
struct term_out {
	sqlite3_stmt *sv, *su, *sp;
	struct buf blob, body;
	double avg[IDX_NFIELDS];
	long next_id;
	struct vb_out vb; /* a full build's buckets, written as it goes */
};

static int term_out_begin(struct idx_build *b, struct term_out *o,
			  struct qerr *err)
{
	int i;

	memset(o, 0, sizeof(*o));
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
	if (!b->update && vb_begin(b->db, &o->vb) != 0)
		return qerr_set(err, QERR_IO, "index: %s",
				sqlite3_errmsg(b->db));
	return 0;
}

/* Finish the terms (the last bucket), release o; returns rc or the error
 * finishing met. */
static int term_out_end(struct idx_build *b, struct term_out *o, int rc,
			struct qerr *err)
{
	if (rc == 0 && !b->update && vb_flush(&o->vb) != 0)
		rc = qerr_set(err, QERR_IO, "index: %s", sqlite3_errmsg(b->db));
	vb_end(&o->vb);
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
	} else if (vb_add(&o->vb, text, strlen(text)) != 0)
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

/* ---- runs: postings spilled to disk and merged at commit ----
 *
 * A run file holds, per term in strcmp order: varint text length, text,
 * varint df, varint cf (both within the run), varint raw byte count, the
 * raw stream (docid deltas from -1, tf_q, tf_a).  Runs cover consecutive doc id ranges, in run order. */

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

static int spill(struct idx_build *b)
{
	char path[4200];
	size_t i, n;
	struct term **order = sorted_terms(b, &n);
	FILE *fp;
	int e = 0;

	if (order == NULL)
		return qerr_set(&b->err, QERR_IO, "out of memory");
	run_path(b, b->nruns, path, sizeof(path));
	fp = fopen(path, "wb");
	if (fp == NULL) {
		free(order);
		return qerr_set(&b->err, QERR_IO, "cannot create %s: %s", path,
				strerror(errno));
	}
	b->nruns++;
	for (i = 0; i < n; i++) {
		struct term *t = order[i];
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
	free(order);
	/* Everything is in the run now: start an empty term table, so the
	 * vocabulary held in memory is bounded too. */
	clear_terms(b);
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

static int write_terms_merge(struct idx_build *b, struct qerr *err)
{
	struct run *runs = calloc((size_t)b->nruns, sizeof(*runs));
	struct buf merged = BUF_INIT;
	struct term_out o;
	char path[4200];
	int i, rc;

	if (runs == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	rc = term_out_begin(b, &o, err);
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
				rc = put_term(b, &o, term, df, (long)cf,
					      &merged, err);
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
	return rc;
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

int idx_write_tail(struct idx_build *b, struct qerr *err)
{
	char num[32];
	long n = b->ndocs - b->doc0;
	double avg[IDX_NFIELDS];
	int f;

	for (f = 0; f < IDX_NFIELDS; f++)
		avg[f] = idx_build_avg(b, f);
	if (idx_finish_source(b) != 0)
		return idx_build_status(b, err);
	/* The base segment always has its row; an update's only when it
	 * added records. */
	if ((n > 0 || !b->update) &&
	    (put_row(b, "INSERT INTO norms VALUES(?,?)", "ib",
		     (long long)b->seg + 1, b->norms.data, (int)b->norms.len) ||
	     put_row(b, "INSERT INTO segments VALUES(?,?,?,?,?,NULL)", "iiidd",
		     (long long)b->seg, (long long)b->doc0, (long long)n,
		     avg[0], avg[1])))
		return idx_build_status(b, err);
	if (write_aliases(b, err) != 0)
		return QERR_IO;
	if (b->update) {
		if (vb_refresh(b, err) != 0)
			return QERR_IO;
	} else {
		snprintf(num, sizeof(num), "%lld", b->gen + 1);
		idx_build_meta(b, "vbuckets", num);
	}
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
	snprintf(num, sizeof(num), "%d", TOK_VERSION);
	idx_build_meta(b, "analyzer", num);
	snprintf(num, sizeof(num), "%lld", (long long)time(NULL));
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

int idx_build_commit(struct idx_build *b, struct qerr *err)
{
	char dir[4096];
	int rc;

	if (idx_build_status(b, err) != 0) {
		idx_build_abort(b);
		return err ? err->code : QERR_IO;
	}
	sqlite3_finalize(b->ins_doc);
	b->ins_doc = NULL;
	rc = idx_write_terms(b, err);
	if (rc == 0)
		rc = idx_write_tail(b, err);
	if (rc == 0 && b->update)
		rc = idx_update_finish(b, err);
	if (rc == 0 && idx_exec(b->db, "COMMIT;", err) != 0)
		rc = QERR_IO;
	if (b->update) {
		/* In place: the transaction was the whole of it. */
		if (rc == 0 && sqlite3_close(b->db) != SQLITE_OK)
			rc = qerr_set(err, QERR_IO, "index: close failed");
		else if (rc == 0)
			b->db = NULL;
		idx_build_abort(b);
		return rc;
	}
	if (rc == 0 && sqlite3_close(b->db) != SQLITE_OK)
		rc = qerr_set(err, QERR_IO, "index: close failed");
	else if (rc == 0)
		b->db = NULL;
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
	if (b == NULL)
		return;
	sqlite3_finalize(b->ins_doc);
	if (b->db)
		sqlite3_close(b->db);
	if (b->tmp) {
		char path[4200];
		int r;

		unlink(b->tmp); /* no-op after a successful rename */
		for (r = 0; r < b->nruns; r++) {
			run_path(b, r, path, sizeof(path));
			unlink(path);
		}
	}
	clear_terms(b);
	idx_update_free(b);
	strmap_free(&b->aliases);
	strmap_free(&b->grams);
	free(b->qtok);
	free(b->hits);
	buf_free(&b->norms);
	tok_free(b->tok);
	free(b->path);
	free(b->tmp);
	idx_unlock_writer(b->lock_fd);
	free(b);
}

/* ---- reading ---- */

struct idx {
	sqlite3 *db;
	sqlite3_stmt *get_doc, *get_meta, *scan, *begin, *commit;
	sqlite3_stmt *get_vocab, *get_base, *get_seg, *vb_one;
	char *path;
	int vb;           /* vbuckets are up to date */
	int in_txn;       /* a read transaction is open */
	int loaded;       /* the statistics below are of generation gen */
	long long gen;
	long ndocs, maxdoc;
	long nseg, ndel;  /* segments besides the base; deleted records */
	double avg[IDX_NFIELDS];
	double scale;     /* see idx_bound_scale */
	unsigned char *norms;
	unsigned char *del;
	char *meta_val;
	struct idx_alias *aliases;
	int naliases; /* -1 until loaded */
	/* vocab rows looked up (a question looks most terms up twice: its
	 * df, then its postings), by hash; of generation gen */
	struct vslot {
		char term[TOK_MAX_TERM * 2 + 2];
		long df, id;
		int used;
	} vcache[256];
	/* small vocabulary buckets read (a batch of questions meets the
	 * same first letters again and again), by key; of generation gen */
	struct vbslot {
		unsigned char key[2];
		int klen;            /* 0: empty */
		unsigned char *blob; /* as vb_terminate leaves it */
	} vbcache[64];
	/* short postings rows read (the common terms of a batch of
	 * questions), by vocab id; of generation gen */
	struct pslot {
		long id;
		unsigned char *blob; /* NULL: empty */
		size_t len;
	} pcache[128];
	struct buf blocks, cat; /* a term's postings assembled */
	/* sticky: the first error a read met since the last idx_pause;
	 * every read fails with it until then (idx_status reports it) */
	struct qerr err;
};

static char *col_dup(sqlite3_stmt *st, int i);

/* Record a failure in x's sticky error (the first one wins) and in err;
 * returns its code. */
static int fail(struct idx *x, struct qerr *err, int code, const char *fmt,
		...) QERR_PRINTF(4, 5);

static int fail(struct idx *x, struct qerr *err, int code, const char *fmt,
		...)
{
	char msg[sizeof(x->err.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	qerr_set(&x->err, code, "%s", msg);
	return qerr_set(err, x->err.code, "%s", x->err.msg);
}

/* A damaged index: one line, "index is damaged: PATH: what". */
#define DAMAGED(x, err, ...) \
	fail(x, err, QERR_DATA, "index is damaged: " __VA_ARGS__)

/* A failed SQLite call on x->db: the file is damaged (SQLite found it
 * corrupt, or a table or column is missing: the schema version matched),
 * or it could not be read (busy, I/O, out of memory). */
static int db_fail(struct idx *x, struct qerr *err)
{
	int e = sqlite3_errcode(x->db);

	if (e == SQLITE_CORRUPT || e == SQLITE_NOTADB || e == SQLITE_ERROR ||
	    e == SQLITE_MISMATCH || e == SQLITE_RANGE)
		return DAMAGED(x, err, "%s: %s", x->path,
			       sqlite3_errmsg(x->db));
	return fail(x, err, QERR_IO, "%s: %s", x->path,
		    sqlite3_errmsg(x->db));
}

/* Parse a whole decimal integer in [lo, hi]; -1 when v is not one. */
static int parse_int(const char *v, long long lo, long long hi,
		     long long *out)
{
	char *end;
	long long n;

	if (v == NULL || *v == '\0' || *v == ' ')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Prepare *st on first use; statements live as long as x. */
static sqlite3_stmt *prep(struct idx *x, const char *sql, sqlite3_stmt **st)
{
	if (*st == NULL &&
	    sqlite3_prepare_v3(x->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
			       NULL) != SQLITE_OK)
		return NULL;
	return *st;
}

#define SQL_VOCAB "SELECT df, id FROM vocab WHERE term = ?"
#define SQL_BASE "SELECT data FROM postings WHERE id = ?"
#define SQL_SEG "SELECT data FROM segpost WHERE term = ? ORDER BY seg"
#define SQL_DOC "SELECT d.ext_id, d.question, d.answer, s.path, d.line, " \
		"s.kind " \
		"FROM docs d LEFT JOIN sources s ON s.id = d.source " \
		"WHERE d.id = ?"
#define SQL_META "SELECT value FROM meta WHERE key = ?"
#define SQL_SCAN "SELECT term, df FROM vocab WHERE term >= ? ORDER BY term"

int idx_int_query(sqlite3 *db, const char *sql, long *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = (long)sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A meta value, without beginning a read (borrowed as idx_meta's). */
static const char *meta_get(struct idx *x, const char *key)
{
	sqlite3_stmt *st = prep(x, SQL_META, &x->get_meta);
	const unsigned char *v;

	free(x->meta_val);
	x->meta_val = NULL;
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = sqlite3_column_text(st, 0)) != NULL)
		x->meta_val = strdup((const char *)v);
	sqlite3_reset(st);
	return x->meta_val;
}

static void drop_caches(struct idx *x)
{
	int i;

	for (i = 0; i < (int)(sizeof(x->vcache) / sizeof(*x->vcache)); i++)
		x->vcache[i].used = 0;
	for (i = 0; i < (int)(sizeof(x->vbcache) / sizeof(*x->vbcache)); i++) {
		free(x->vbcache[i].blob);
		x->vbcache[i].blob = NULL;
		x->vbcache[i].klen = 0;
	}
	for (i = 0; i < (int)(sizeof(x->pcache) / sizeof(*x->pcache)); i++) {
		free(x->pcache[i].blob);
		x->pcache[i].blob = NULL;
	}
	free(x->norms);
	free(x->del);
	x->norms = x->del = NULL;
	for (i = 0; i < x->naliases; i++) {
		free(x->aliases[i].acr);
		free(x->aliases[i].exp);
	}
	free(x->aliases);
	x->aliases = NULL;
	x->naliases = -1;
}

/* Is column i of st an integer in [lo, hi]?  (A damaged row may hold
 * text, a real or NULL where the writer put an integer.) */
static int col_int(sqlite3_stmt *st, int i, long lo, long hi, long *out)
{
	sqlite3_int64 v;

	if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
		return -1;
	v = sqlite3_column_int64(st, i);
	if (v < lo || v > hi)
		return -1;
	*out = (long)v;
	return 0;
}

/* Merge segment row st's deletion bitmap (docs base..base+n-1) into
 * x->del; -1 when it is not (n + 7) / 8 bytes, -2 when memory is short. */
static int load_deleted(struct idx *x, sqlite3_stmt *st, long base, long n)
{
	const unsigned char *del;
	long dn, i, k;

	if (sqlite3_column_type(st, 5) == SQLITE_NULL)
		return 0;
	del = sqlite3_column_blob(st, 5);
	dn = (long)sqlite3_column_bytes(st, 5);
	if (sqlite3_column_type(st, 5) != SQLITE_BLOB || dn != (n + 7) / 8)
		return -1;
	if (x->del == NULL &&
	    (x->del = calloc((size_t)x->maxdoc / 8 + 1, 1)) == NULL)
		return -2;
	/* A byte at a time: most are zero. */
	for (i = 0; i < n; i += 8) {
		if (del[i / 8] == 0)
			continue;
		for (k = i; k < i + 8 && k < n; k++)
			if (del[k / 8] >> (k % 8) & 1) {
				x->del[(base + k) / 8] |=
					(unsigned char)(1u << ((base + k) % 8));
				x->ndel++;
			}
	}
	return 0;
}

/* Segments: how many besides the base, the bound scale, deletions.  The
 * rows must be the base (id 0, from doc 0) and then segments of
 * increasing, disjoint doc ranges within maxdoc, holding ndocs live
 * records between them; x->maxdoc becomes the end of the last one (no
 * posting can name a doc beyond).  0, or a DAMAGED error. */
static int load_segments(struct idx *x, struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	long end = 0, live = 0, nrows = 0, maxdoc = x->maxdoc;
	const char *bad = NULL;
	char msg[200];
	int rc;

	x->nseg = x->ndel = 0;
	x->scale = 1.0;
	if (sqlite3_prepare_v2(x->db, "SELECT id, base, n, avg_q, avg_a, del "
				      "FROM segments ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return DAMAGED(x, err, "%s: segments: %s", x->path,
			       sqlite3_errmsg(x->db));
	while (bad == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		long id, base, n, ndel = x->ndel;
		int f;

		if (col_int(st, 0, 0, LONG_MAX, &id) || (nrows == 0) != (id == 0) ||
		    col_int(st, 1, end, maxdoc, &base) || (id == 0 && base != 0) ||
		    col_int(st, 2, 0, maxdoc - base, &n)) {
			bad = "a segment row is out of order or out of range";
			break;
		}
		nrows++;
		if (id > 0)
			x->nseg++;
		end = base + n;
		for (f = 0; f < IDX_NFIELDS; f++) {
			double a = sqlite3_column_double(st, 3 + f);

			if (a > 0.0 && x->avg[f] / a > x->scale)
				x->scale = x->avg[f] / a;
		}
		if ((rc = load_deleted(x, st, base, n)) != 0) {
			bad = rc == -2 ? "out of memory"
				       : "a segment's deletion bitmap has the "
					 "wrong size";
			break;
		}
		live += n - (x->ndel - ndel);
	}
	if (bad == NULL && rc != SQLITE_DONE) {
		/* (copied: finalize may free the message) */
		snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(x->db));
		bad = msg;
	}
	if (bad == NULL && nrows == 0)
		bad = "no base segment";
	if (bad == NULL && live != x->ndocs)
		bad = "segments hold another number of records than ndocs";
	sqlite3_finalize(st);
	if (bad != NULL && strcmp(bad, "out of memory") == 0)
		return fail(x, err, QERR_IO, "out of memory");
	if (bad != NULL)
		return DAMAGED(x, err, "%s: %s", x->path, bad);
	x->maxdoc = end;
	return 0;
}

/* A meta value that must be an integer in [lo, hi]; dflt when absent. */
static int meta_int(struct idx *x, const char *key, long long lo,
		    long long hi, long long dflt, long long *out,
		    struct qerr *err)
{
	const char *v = meta_get(x, key);

	if (v == NULL) {
		*out = dflt;
		return 0;
	}
	if (parse_int(v, lo, hi, out) != 0)
		return DAMAGED(x, err, "%s: meta %s is '%.40s', not a count "
			       "in %lld..%lld", x->path, key, v, lo, hi);
	return 0;
}

static int load_stats(struct idx *x, struct qerr *err)
{
	const char *v;
	long long n, tot[IDX_NFIELDS];
	int i;

	if (meta_get(x, "ndocs") == NULL)
		return DAMAGED(x, err, "%s: no record count (meta ndocs)",
			       x->path);
	if (meta_int(x, "ndocs", 0, IDX_MAX_DOCS, 0, &n, err) != 0)
		return QERR_DATA;
	x->ndocs = (long)n;
	if (meta_int(x, "maxdoc", x->ndocs, IDX_MAX_DOCS, x->ndocs, &n,
		     err) != 0)
		return QERR_DATA;
	x->maxdoc = (long)n;
	if (meta_int(x, "len_q", 0, IDX_MAX_LEN, 0, &tot[0], err) != 0 ||
	    meta_int(x, "len_a", 0, IDX_MAX_LEN, 0, &tot[1], err) != 0)
		return QERR_DATA;
	for (i = 0; i < IDX_NFIELDS; i++) {
		x->avg[i] = x->ndocs ? (double)tot[i] / (double)x->ndocs : 1.0;
		if (x->avg[i] <= 0.0)
			x->avg[i] = 1.0;
	}
	v = meta_get(x, "analyzer");
	if (v == NULL || atol(v) != TOK_VERSION)
		return fail(x, err, QERR_DATA,
			    "%s: index made by another quarry version; "
			    "run quarry index again", x->path);
	return load_segments(x, err);
}

/* End the read transaction, if one is open. */
static void end_read(struct idx *x)
{
	sqlite3_stmt *st = NULL;

	if (!x->in_txn)
		return;
	while ((st = sqlite3_next_stmt(x->db, st)) != NULL)
		sqlite3_reset(st);
	if ((st = prep(x, "COMMIT", &x->commit)) != NULL) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	x->in_txn = 0;
}

/* Begin a read transaction unless one is open; reload the statistics
 * when an update committed since they were read.  Fails with the sticky
 * error while one is set. */
static int ensure_read(struct idx *x, struct qerr *err)
{
	sqlite3_stmt *st;
	const char *v;
	long long gen;
	int rc;

	if (x->err.code != QERR_OK)
		return qerr_set(err, x->err.code, "%s", x->err.msg);
	if (x->in_txn)
		return 0;
	/* (prepared once: a question begins and ends a read) */
	st = prep(x, "BEGIN", &x->begin);
	rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(x, err);
	x->in_txn = 1;
	/* The first read takes the shared lock (and may meet a hot journal). */
	v = meta_get(x, "generation");
	rc = sqlite3_errcode(x->db);
	if (v == NULL && rc != SQLITE_OK && rc != SQLITE_DONE &&
	    rc != SQLITE_ROW) {
		rc = db_fail(x, err);
		end_read(x);
		return rc;
	}
	gen = v ? atoll(v) : 0;
	if (x->loaded && gen == x->gen)
		return 0;
	drop_caches(x);
	x->loaded = 0;
	if ((rc = load_stats(x, err)) != 0) {
		end_read(x);
		return rc;
	}
	v = meta_get(x, "vbuckets");
	x->vb = v && atoll(v) == gen;
	x->gen = gen;
	x->loaded = 1;
	return 0;
}

void idx_pause(struct idx *x)
{
	if (x == NULL)
		return;
	end_read(x);
	qerr_clear(&x->err);
}

int idx_status(struct idx *x, struct qerr *err)
{
	if (x == NULL || x->err.code == QERR_OK)
		return 0;
	return qerr_set(err, x->err.code, "%s", x->err.msg);
}

/* Open an index file read-only, reading through a memory map.  Updates
 * change the file in place under SQLite's locks (a full build renames a
 * new file over it), so locking stays on.  A reader is used by one thread
 * at a time, so the connection goes without its mutexes. */
static int open_reader(const char *path, sqlite3 **db)
{
	int rc = sqlite3_open_v2(path, db,
				 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(*db, 1);
		sqlite3_busy_timeout(*db, 10000);
		sqlite3_exec(*db, "PRAGMA mmap_size=1073741824", NULL, NULL,
			     NULL);
	}
	return rc;
}

/* An update killed mid-way leaves a hot journal that a read-only
 * connection may not roll back: do it with a writable one. */
static void recover(const char *path)
{
	sqlite3 *db = NULL;
	long n;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK) {
		sqlite3_busy_timeout(db, 10000);
		idx_int_query(db, "SELECT count(*) FROM meta", &n);
	}
	sqlite3_close(db);
}

int idx_open(struct idx **out, const char *path, struct qerr *err)
{
	struct idx *x;
	struct stat sb;
	long app = 0, ver = 0;
	int tries;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return qerr_set(err, QERR_IO, "cannot open index %s: %s", path,
				strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return qerr_set(err, QERR_IO, "cannot open index %s: %s", path,
				strerror(EISDIR));
	if (!S_ISREG(sb.st_mode))
		return qerr_set(err, QERR_DATA, "%s: not a quarry index (not a "
				"regular file)", path);
	for (tries = 0;; tries++) {
		x = calloc(1, sizeof(*x));
		if (x == NULL || (x->path = strdup(path)) == NULL) {
			idx_close(x);
			return qerr_set(err, QERR_IO, "out of memory");
		}
		x->naliases = -1;
		if (open_reader(path, &x->db) != SQLITE_OK) {
			qerr_set(err, QERR_IO, "cannot open index %s: %s", path,
				 sqlite3_errmsg(x->db));
			idx_close(x);
			return QERR_IO;
		}
		if (idx_int_query(x->db, "PRAGMA application_id", &app) == 0 ||
		    tries > 0 ||
		    (sqlite3_extended_errcode(x->db) & 0xff) != SQLITE_READONLY)
			break;
		idx_close(x);
		recover(path);
	}
	if (app != IDX_APP_ID) {
		if (sqlite3_errcode(x->db) == SQLITE_BUSY ||
		    (sqlite3_errcode(x->db) == SQLITE_READONLY))
			qerr_set(err, QERR_IO, "cannot read index %s: %s", path,
				 sqlite3_errmsg(x->db));
		else
			qerr_set(err, QERR_DATA, "%s: not a quarry index", path);
		idx_close(x);
		return err ? err->code : QERR_DATA;
	}
	if (idx_int_query(x->db, "PRAGMA user_version", &ver) != 0 ||
	    ver != IDX_SCHEMA) {
		qerr_set(err, QERR_DATA,
			 "%s: index schema %ld, expected %d; run quarry index "
			 "again", path, ver, IDX_SCHEMA);
		idx_close(x);
		return QERR_DATA;
	}
	if (prep(x, SQL_META, &x->get_meta) == NULL) {
		qerr_set(err, QERR_DATA, "%s: not a quarry index (%s)", path,
			 sqlite3_errmsg(x->db));
		idx_close(x);
		return QERR_DATA;
	}
	if (ensure_read(x, err) != 0) {
		idx_close(x);
		return err ? err->code : QERR_DATA;
	}
	*out = x;
	return 0;
}

void idx_close(struct idx *x)
{
	if (x == NULL)
		return;
	idx_pause(x);
	sqlite3_finalize(x->begin);
	sqlite3_finalize(x->commit);
	sqlite3_finalize(x->get_doc);
	sqlite3_finalize(x->get_meta);
	sqlite3_finalize(x->scan);
	sqlite3_finalize(x->get_vocab);
	sqlite3_finalize(x->get_base);
	sqlite3_finalize(x->get_seg);
	sqlite3_finalize(x->vb_one);
	sqlite3_close(x->db);
	drop_caches(x);
	free(x->meta_val);
	free(x->path);
	buf_free(&x->blocks);
	buf_free(&x->cat);
	free(x);
}

/* Read the aliases table into x->aliases; 0, or the sticky error. */
static int load_aliases(struct idx *x)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc;

	x->naliases = 0;
	if (sqlite3_prepare_v2(x->db, "SELECT short, long, kind FROM aliases",
			       -1, &st, NULL) != SQLITE_OK)
		return DAMAGED(x, NULL, "%s: aliases: %s", x->path,
			       sqlite3_errmsg(x->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idx_alias *a;

		if (x->naliases == cap) {
			int c = cap ? cap * 2 : 32;
			struct idx_alias *na = c < cap ? NULL : realloc(
				x->aliases, (size_t)c * sizeof(*na));

			if (na == NULL)
				break;
			x->aliases = na;
			cap = c;
		}
		a = &x->aliases[x->naliases];
		a->acr = col_dup(st, 0);
		a->exp = col_dup(st, 1);
		a->kind = sqlite3_column_int(st, 2);
		if (!a->acr || !a->exp) {
			free(a->acr);
			free(a->exp);
			break;
		}
		x->naliases++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return fail(x, NULL, QERR_IO, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(x, NULL);
	return 0;
}

int idx_aliases(struct idx *x, const struct idx_alias **out)
{
	*out = NULL;
	if (ensure_read(x, NULL) != 0)
		return 0;
	if (x->naliases < 0)
		load_aliases(x);
	*out = x->aliases;
	return x->naliases;
}

int idx_is_bundled(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long app = 0;
	int yes = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
	    idx_int_query(db, "PRAGMA application_id", &app) == 0 &&
	    app == IDX_APP_ID &&
	    sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = "
				   "'bundled_hash'", -1, &st, NULL) == SQLITE_OK)
		yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return yes;
}

long idx_ndocs(struct idx *x)
{
	ensure_read(x, NULL);
	return x->ndocs;
}

long idx_maxdoc(struct idx *x)
{
	ensure_read(x, NULL);
	return x->maxdoc;
}

double idx_avglen(struct idx *x, int field)
{
	ensure_read(x, NULL);
	return x->avg[field];
}

const unsigned char *idx_deleted(struct idx *x)
{
	ensure_read(x, NULL);
	return x->del;
}

double idx_bound_scale(struct idx *x)
{
	ensure_read(x, NULL);
	return x->scale;
}

int idx_segment_stats(struct idx *x, long *nseg, long *ndeleted)
{
	if (ensure_read(x, NULL) != 0)
		return -1;
	*nseg = x->nseg + 1;
	*ndeleted = x->ndel;
	return 0;
}

long idx_nterms(struct idx *x)
{
	long n = 0;

	if (ensure_read(x, NULL) != 0)
		return -1;
	if (idx_int_query(x->db, "SELECT count(*) FROM vocab", &n) != 0) {
		db_fail(x, NULL);
		return -1;
	}
	return n;
}

const char *idx_meta(struct idx *x, const char *key)
{
	ensure_read(x, NULL);
	return meta_get(x, key);
}

/* Append the postings blob p[0..len) to blocks (the blocks of a blob
 * being assembled, whose last doc is *last, -1 when empty), rebasing its
 * first doc id delta; *count adds its postings.  -1 on a malformed blob,
 * one whose docs do not follow *last or reach maxdoc. */
static int concat_postings(struct buf *blocks, const unsigned char *p,
			   size_t len, long maxdoc, long *last, long *count)
{
	const unsigned char *end = p ? p + len : p;
	uint64_t df, n, blast, bytes, d;
	int first = 1;

	if (p == NULL || varint_get(&p, end, &df) != 0 ||
	    df > (uint64_t)(maxdoc - *count))
		return -1;
	*count += (long)df;
	while (p < end) {
		const unsigned char *h = p, *body, *bend, *q;

		if (varint_get(&p, end, &n) || varint_get(&p, end, &blast) ||
		    varint_get(&p, end, &bytes) || end - p < 4 ||
		    (uint64_t)(end - p - 4) < bytes || n == 0 ||
		    blast >= (uint64_t)maxdoc)
			return -1;
		body = p + 4;
		bend = body + bytes;
		if (!first) {
			if (buf_append(blocks, h, (size_t)(bend - h)) != 0)
				return -1;
		} else {
			/* The first delta counts from -1: rebase it on *last. */
			struct buf v = BUF_INIT;
			long doc;
			int rc;

			q = body;
			if (varint_get(&q, bend, &d) != 0 || d == 0 ||
			    d > (uint64_t)maxdoc)
				return -1;
			doc = (long)d - 1;
			if (doc <= *last || (long)blast < doc)
				return -1;
			rc = buf_put_varint(&v, (uint64_t)(doc - *last)) ||
			     buf_put_varint(blocks, n) ||
			     buf_put_varint(blocks, blast) ||
			     buf_put_varint(blocks, (uint64_t)(v.len +
							      (size_t)(bend - q))) ||
			     buf_append(blocks, p, 4) ||
			     buf_append(blocks, v.data, v.len) ||
			     buf_append(blocks, q, (size_t)(bend - q));
			buf_free(&v);
			if (rc)
				return -1;
			first = 0;
		}
		*last = (long)blast;
		p = bend;
	}
	return 0;
}

/* Finish an assembled blob: out = varint count + blocks. */
static int concat_finish(struct buf *out, const struct buf *blocks,
			 long count)
{
	buf_reset(out);
	return buf_put_varint(out, (uint64_t)count) ||
			       buf_append(out, blocks->data ? blocks->data : "",
					  blocks->len)
		       ? -1
		       : 0;
}

/* A term's df and base postings row (0 and 0 when absent); non-zero
 * (the sticky error set) when the index cannot be read or the row is
 * damaged.  Inside a read (ensure_read). */
static int vocab_lookup(struct idx *x, const char *term, long *df, long *id)
{
	size_t n = strlen(term);
	struct vslot *v = &x->vcache[str_hash(term, n) %
				     (sizeof(x->vcache) / sizeof(*x->vcache))];
	sqlite3_stmt *st;
	int rc;

	if (v->used && strcmp(v->term, term) == 0) {
		*df = v->df;
		*id = v->id;
		return 0;
	}
	*df = *id = 0;
	if ((st = prep(x, SQL_VOCAB, &x->get_vocab)) == NULL)
		return db_fail(x, NULL);
	sqlite3_bind_text(st, 1, term, (int)n, SQLITE_STATIC);
	rc = sqlite3_step(st);
	/* (df counts live records; id is a postings row or 0) */
	if (rc == SQLITE_ROW && (col_int(st, 0, 0, x->ndocs, df) != 0 ||
				 col_int(st, 1, 0, LONG_MAX, id) != 0)) {
		sqlite3_reset(st);
		*df = *id = 0;
		return DAMAGED(x, NULL, "%s: vocabulary row of '%s' out "
			       "of range", x->path, term);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(x, NULL);
	if (n < sizeof(v->term)) {
		memcpy(v->term, term, n + 1);
		v->df = *df;
		v->id = *id;
		v->used = 1;
	}
	return 0;
}

/* A term's postings when updates added segments: the base blob and the
 * segments' ones, concatenated into x->cat. */
static int postings_segmented(struct idx *x, const char *term, long *df,
			      const unsigned char **data, size_t *len,
			      struct qerr *err)
{
	sqlite3_stmt *bs = prep(x, SQL_BASE, &x->get_base);
	sqlite3_stmt *sg = prep(x, SQL_SEG, &x->get_seg);
	long id, last = -1, count = 0;
	int rc, bad = 0;

	if (bs == NULL || sg == NULL)
		return db_fail(x, err);
	if (vocab_lookup(x, term, df, &id) != 0)
		return idx_status(x, err);
	if (*df == 0)
		return 0;
	buf_reset(&x->blocks);
	if (id > 0) {
		sqlite3_reset(bs);
		sqlite3_bind_int64(bs, 1, id);
		if (sqlite3_step(bs) == SQLITE_ROW)
			bad = concat_postings(&x->blocks,
						  sqlite3_column_blob(bs, 0),
						  (size_t)sqlite3_column_bytes(bs, 0),
						  x->maxdoc, &last, &count);
		sqlite3_reset(bs);
	}
	sqlite3_reset(sg);
	sqlite3_bind_text(sg, 1, term, -1, SQLITE_TRANSIENT);
	while (!bad && (rc = sqlite3_step(sg)) == SQLITE_ROW)
		bad = concat_postings(&x->blocks, sqlite3_column_blob(sg, 0),
					  (size_t)sqlite3_column_bytes(sg, 0),
					  x->maxdoc, &last, &count);
	sqlite3_reset(sg);
	if (bad)
		return DAMAGED(x, err, "%s: postings of '%s'", x->path, term);
	if (concat_finish(&x->cat, &x->blocks, count) != 0)
		return fail(x, err, QERR_IO, "out of memory");
	*data = (const unsigned char *)x->cat.data;
	*len = x->cat.len;
	return 0;
}

/* Postings rows up to this size are kept between reads. */
#define POST_CACHE_MAX 4096

int idx_postings(struct idx *x, const char *term, long *df,
		 const unsigned char **data, size_t *len, struct qerr *err)
{
	struct pslot *ps;
	sqlite3_stmt *st;
	long v, id;
	int rc;

	*df = 0;
	*data = NULL;
	*len = 0;
	if ((rc = ensure_read(x, err)) != 0)
		return rc;
	if (x->nseg > 0)
		return postings_segmented(x, term, df, data, len, err);
	st = prep(x, SQL_BASE, &x->get_base);
	if (st == NULL)
		return db_fail(x, err);
	if (vocab_lookup(x, term, &v, &id) != 0)
		return idx_status(x, err);
	if (v == 0)
		return 0;
	ps = &x->pcache[(unsigned long)id %
			(sizeof(x->pcache) / sizeof(*x->pcache))];
	if (ps->blob != NULL && ps->id == id) {
		*df = v;
		*data = ps->blob;
		*len = ps->len;
		return 0;
	}
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0; /* a term without postings reads as absent */
	if (rc != SQLITE_ROW)
		return db_fail(x, err);
	if (sqlite3_column_type(st, 0) != SQLITE_BLOB)
		return DAMAGED(x, err, "%s: postings of '%s' are not a "
			       "blob", x->path, term);
	*df = v;
	*data = sqlite3_column_blob(st, 0);
	*len = (size_t)sqlite3_column_bytes(st, 0);
	/* (a slot is replaced only here: what an earlier call returned
	 * stays valid until this call, as promised) */
	if (*len > 0 && *len <= POST_CACHE_MAX) {
		unsigned char *copy = malloc(*len);

		if (copy != NULL) {
			memcpy(copy, *data, *len);
			free(ps->blob);
			ps->blob = copy;
			ps->len = *len;
			ps->id = id;
			*data = copy;
		}
	}
	return 0;
}

long idx_df(struct idx *x, const char *term)
{
	long df, id;

	if (ensure_read(x, NULL) != 0 || vocab_lookup(x, term, &df, &id) != 0)
		return 0;
	return df;
}

/* Copy each segment's norms row into x->norms at its first doc id: two
 * bytes for each of its n records, exactly. */
static int load_norms(struct idx *x)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(x->db, "SELECT s.base, s.n, n.data FROM "
				      "segments s LEFT JOIN norms n ON n.id = "
				      "s.id + 1", -1, &st, NULL) != SQLITE_OK)
		return DAMAGED(x, NULL, "%s: norms: %s", x->path,
			       sqlite3_errmsg(x->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long base, n;
		int type = sqlite3_column_type(st, 2);
		const void *p = sqlite3_column_blob(st, 2);
		size_t len = (size_t)sqlite3_column_bytes(st, 2);

		/* (load_segments checked base + n <= maxdoc) */
		if (col_int(st, 0, 0, x->maxdoc, &base) != 0 ||
		    col_int(st, 1, 0, x->maxdoc - base, &n) != 0 ||
		    (type != SQLITE_BLOB && !(type == SQLITE_NULL && n == 0)) ||
		    len != (size_t)n * 2)
			break;
		if (len > 0)
			memcpy(x->norms + (size_t)base * 2, p, len);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return DAMAGED(x, NULL, "%s: a segment's norms do not match "
			       "its records", x->path);
	return 0;
}

const unsigned char *idx_norms(struct idx *x)
{
	if (ensure_read(x, NULL) != 0)
		return NULL;
	if (x->norms)
		return x->norms;
	/* (maxdoc <= IDX_MAX_DOCS: no overflow) */
	x->norms = calloc((size_t)x->maxdoc * 2 + 2, 1);
	if (x->norms == NULL) {
		fail(x, NULL, QERR_IO, "out of memory");
		return NULL;
	}
	if (load_norms(x) != 0) {
		free(x->norms);
		x->norms = NULL;
	}
	return x->norms;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return strdup(v ? (const char *)v : "");
}

int idx_get_doc(struct idx *x, long id, struct idx_doc *d, struct qerr *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = ensure_read(x, err)) != 0)
		return rc;
	st = prep(x, SQL_DOC, &x->get_doc);
	if (st == NULL)
		return DAMAGED(x, err, "%s: records: %s", x->path,
			       sqlite3_errmsg(x->db));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return DAMAGED(x, err, "%s: record %ld missing",
				       x->path, id);
		return db_fail(x, err);
	}
	d->id = id;
	d->ext_id = col_dup(st, 0);
	d->question = col_dup(st, 1);
	d->answer = col_dup(st, 2);
	d->source = col_dup(st, 3);
	d->line = (long)sqlite3_column_int64(st, 4);
	d->kind = sqlite3_column_int(st, 5) == IDX_KIND_PASSAGE
			  ? IDX_KIND_PASSAGE : IDX_KIND_QA;
	sqlite3_reset(st);
	if (!d->ext_id || !d->question || !d->answer || !d->source) {
		idx_doc_clear(d);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	return 0;
}

void idx_doc_clear(struct idx_doc *d)
{
	if (d == NULL)
		return;
	free(d->ext_id);
	free(d->question);
	free(d->answer);
	free(d->source);
	memset(d, 0, sizeof(*d));
}

/* vocab row by row from prefix, to fn_df (term, df) or fn_len (term,
 * length). */
static int vocab_rows(struct idx *x, const char *prefix,
		      int (*fn_df)(void *ctx, const char *term, long df),
		      int (*fn_len)(void *ctx, const char *term, size_t len),
		      void *ctx)
{
	sqlite3_stmt *st;
	size_t n = strlen(prefix);
	int rc = 0, step;

	if (ensure_read(x, NULL) != 0)
		return -1;
	st = prep(x, SQL_SCAN, &x->scan);
	if (st == NULL) {
		DAMAGED(x, NULL, "%s: vocabulary: %s", x->path,
			sqlite3_errmsg(x->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		long df;

		if (t == NULL || strncmp(t, prefix, n) != 0)
			break;
		if (col_int(st, 1, 0, x->ndocs, &df) != 0) {
			DAMAGED(x, NULL, "%s: a vocabulary row is out of "
				"range", x->path);
			rc = -1;
			break;
		}
		rc = fn_df ? fn_df(ctx, t, df)
			   : fn_len(ctx, t, (size_t)sqlite3_column_bytes(st, 0));
	}
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(x, NULL);
		rc = -1;
	}
	sqlite3_reset(st);
	return rc;
}

int idx_vocab_scan(struct idx *x, const char *prefix,
		   int (*fn)(void *ctx, const char *term, long df), void *ctx)
{
	return vocab_rows(x, prefix, fn, NULL, ctx);
}

/* The entries of one bucket blob that start with prefix[0..n). */
static int vb_visit(const unsigned char *p, size_t len, const char *prefix,
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
static unsigned char *vb_terminate(const unsigned char *p, size_t len)
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
static int vb_visit_z(const unsigned char *p, const char *prefix, size_t n,
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

/* Buckets up to this size are kept between reads (all of a corpus like
 * the bundled one; on a large one, the two-byte buckets most often). */
#define VB_CACHE_MAX (64 * 1024)

int idx_vocab_words(struct idx *x, const char *prefix,
		    int (*fn)(void *ctx, const char *term, size_t len),
		    void *ctx)
{
	size_t n = strlen(prefix);
	const unsigned char *key;
	struct vbslot *slot;
	sqlite3_stmt *st;
	int rc = 0, klen;

	if (ensure_read(x, NULL) != 0)
		return -1;
	if (!x->vb || n == 0)
		return vocab_rows(x, prefix, NULL, fn, ctx);
	/* the two-byte bucket, or for one byte the first-byte bucket */
	klen = n >= 2 ? 2 : 1;
	key = (const unsigned char *)prefix;
	slot = &x->vbcache[(key[0] * 31u + (klen > 1 ? key[1] : 0u)) %
			   (sizeof(x->vbcache) / sizeof(*x->vbcache))];
	if (slot->klen == klen && memcmp(slot->key, key, (size_t)klen) == 0)
		return vb_visit_z(slot->blob, prefix, n, (size_t)klen, fn, ctx);
	st = prep(x, "SELECT terms FROM vbuckets WHERE k = ?", &x->vb_one);
	if (st == NULL) {
		DAMAGED(x, NULL, "%s: vocabulary buckets: %s", x->path,
			sqlite3_errmsg(x->db));
		return -1;
	}
	sqlite3_bind_blob(st, 1, prefix, klen, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		/* (no bucket: no term with these bytes, remembered too) */
		const void *b = rc == SQLITE_ROW ? sqlite3_column_blob(st, 0)
						  : NULL;
		size_t len = b ? (size_t)sqlite3_column_bytes(st, 0) : 0;
		unsigned char *copy = NULL;

		if (len <= VB_CACHE_MAX && (copy = vb_terminate(b, len)) != NULL) {
			free(slot->blob);
			slot->blob = copy;
			memcpy(slot->key, key, (size_t)klen);
			slot->klen = klen;
			rc = vb_visit_z(copy, prefix, n, (size_t)klen, fn, ctx);
		} else {
			/* (vb_terminate fails on a damaged bucket, and
			 * vb_visit returns -1 on one) */
			rc = vb_visit(b, len, prefix, n, fn, ctx);
			if (rc == -1)
				DAMAGED(x, NULL, "%s: a vocabulary bucket",
					x->path);
		}
	} else {
		db_fail(x, NULL);
		rc = -1;
	}
	sqlite3_reset(st);
	return rc;
}

int idx_sources(struct idx *x, struct idx_source **out, int *n,
		struct qerr *err)
{
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ensure_read(x, err)) != 0)
		return rc;
	return idx_read_sources(x->db, out, n, err);
}

int idx_read_sources(sqlite3 *db, struct idx_source **out, int *n,
		     struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	struct idx_source *s = NULL;
	int cnt = 0, cap = 0, rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT path, size, mtime, hash, bundled, n, kind, "
			       "coalesce(format, '') FROM sources ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return qerr_set(err, QERR_DATA, "index: %s",
				sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			int c = cap ? cap * 2 : 8;
			struct idx_source *ns = realloc(s, (size_t)c * sizeof(*s));

			if (ns == NULL) {
				idx_sources_free(s, cnt);
				sqlite3_finalize(st);
				return qerr_set(err, QERR_IO, "out of memory");
			}
			s = ns;
			cap = c;
		}
		s[cnt].path = col_dup(st, 0);
		s[cnt].size = sqlite3_column_int64(st, 1);
		s[cnt].mtime = sqlite3_column_int64(st, 2);
		s[cnt].hash = col_dup(st, 3);
		s[cnt].bundled = sqlite3_column_int(st, 4);
		s[cnt].n = (long)sqlite3_column_int64(st, 5);
		s[cnt].kind = sqlite3_column_int(st, 6);
		s[cnt].format = col_dup(st, 7);
		if (s[cnt].path == NULL || s[cnt].hash == NULL ||
		    s[cnt].format == NULL) {
			idx_sources_free(s, cnt + 1);
			sqlite3_finalize(st);
			return qerr_set(err, QERR_IO, "out of memory");
		}
		cnt++;
	}
	if (rc != SQLITE_DONE) {
		qerr_set(err, QERR_DATA, "index is damaged: sources: %s",
			 sqlite3_errmsg(db));
		idx_sources_free(s, cnt);
		sqlite3_finalize(st);
		return QERR_DATA;
	}
	sqlite3_finalize(st);
	*out = s;
	*n = cnt;
	return 0;
}

void idx_sources_free(struct idx_source *s, int n)
{
	int i;

	for (i = 0; s && i < n; i++) {
		free(s[i].path);
		free(s[i].hash);
		free(s[i].format);
	}
	free(s);
}

/* ---- postings decoding ---- */

void idx_cursor_init(struct idx_cursor *c, const unsigned char *data,
		     size_t len)
{
	uint64_t df;

	memset(c, 0, sizeof(*c));
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
	c->p += 4;
	c->bend = c->p + bytes;
	c->left_in_block = (long)n;
	c->block_last = (long)last;
	return 1;
}

int idx_cursor_next(struct idx_cursor *c)
{
	uint64_t d, q, a;

	if (c->left_in_block == 0) {
		c->p = c->bend;
		if (!next_block(c))
			return 0;
	}
	if (varint_get(&c->p, c->bend, &d) || varint_get(&c->p, c->bend, &q) ||
	    varint_get(&c->p, c->bend, &a) || d == 0 ||
	    d > (uint64_t)LONG_MAX - (uint64_t)(c->docid + 1)) {
		c->bad = 1;
		c->p = c->bend = c->end;
		c->left_in_block = 0;
		return 0;
	}
	c->docid += (long)d;
	c->tf[0] = (unsigned)q;
	c->tf[1] = (unsigned)a;
	c->left_in_block--;
	return 1;
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

int idx_cursor_seek(struct idx_cursor *c, long target)
{
	while (c->docid < target) {
		if (c->left_in_block > 0 && c->block_last >= target) {
			if (!idx_cursor_next(c))
				return 0;
			continue;
		}
		/* The rest of this block lies below target: skip it. */
		c->p = c->bend;
		c->left_in_block = 0;
		if (c->block_last > c->docid)
			c->docid = c->block_last;
		if (!next_block(c))
			return 0;
	}
	return 1;
}

void idx_build_set_memory(struct idx_build *b, size_t bytes)
{
	b->budget = bytes;
}

long long idx_build_bytes(const struct idx_build *b)
{
	return b->in_bytes;
}

long idx_build_count(const struct idx_build *b)
{
	return b->ndocs;
}
