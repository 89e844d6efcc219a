/* fuzz_index.c - a whole index file as untrusted input: the fuzz input
 * changes cells of a real index, which is then read as `ask` and `stats`
 * read it, and updated in place.
 *
 * A small index is built once per process (a full build of two sources,
 * then two updates: one adds a source as a new segment, one drops a
 * source, leaving deleted records in the base, and adds another), and
 * its bytes kept.  Each input starts from a fresh copy of them and is a
 * list of edits, five bytes and more each:
 *
 *   table, row, column, kind, then what the kind needs
 *
 * table picks one of the schema's tables, row one of its rows (in key
 * order, modulo the count), column one of its columns; kind is one of
 * delete the row, NULL, an interesting integer, any 64-bit integer, the
 * old integer plus a small delta, text, a real, a new blob, or an edit
 * of the old blob (cut, set, insert or append bytes).  Then the copy is
 * opened and queried (pruned and exhaustive ranking, explain, records,
 * sources, aliases, the vocabulary), updated (a source dropped, one
 * added) and queried again.  Any error return is fine; a crash, a
 * sanitizer report, a leak or a hit outside the index is a finding. */
#include <sqlite3.h>
#include <unistd.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#include "fuzz.h"

/* The tables of idx.h, each with the column rows are picked by. */
static const struct table {
	const char *name, *key;
	const char *cols[8];
} tables[] = {
	{"meta", "key", {"value", "key"}},
	{"segments", "id", {"base", "n", "ndel", "id", "avg_q", "avg_a"}},
	{"norms", "id", {"data", "id"}},
	{"dels", "id", {"data", "id"}},
	{"vocab", "term", {"df", "id", "cf", "term"}},
	{"postings", "id", {"data", "id"}},
	{"segpost", "rowid", {"data", "seg", "term"}},
	{"docs", "id",
	 {"id", "source", "line", "question", "answer", "ext_id", "len_q",
	  "len_a"}},
	{"sources", "id",
	 {"first", "n", "path", "size", "mtime", "hash", "bundled", "id"}},
	{"vbuckets", "k", {"terms", "k"}},
	{"aliases", "short", {"long", "short", "kind", "n"}},
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static const long long interesting[] = {
	0, 1, -1, 2, 3, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 90, 127, 128,
	255, 256, 65535, 65536, 2147483647LL, -2147483647LL - 1,
	4294967295LL, 4294967296LL, 1LL << 28, (1LL << 28) - 1,
	(1LL << 28) + 1, 1LL << 31, 1LL << 62, 9223372036854775807LL,
	-9223372036854775807LL - 1,
};

static const char *const recs[][2] = {
	{"What is dropout?", "Dropout ignores random neurons in training."},
	{"What is backpropagation?", "The chain rule gives the gradient."},
	{"What is a Long Short-Term Memory (LSTM) network?",
	 "An LSTM is a recurrent neural network (RNN) with gates."},
	{"Explain batch normalization.",
	 "Batch normalization (BN) normalizes layer inputs per mini batch."},
	{"What is a multi layer perceptron?",
	 "A multi layer perceptron (MLP) stacks dense layers."},
	{"What is the learning rate?", "The step size of gradient descent."},
	{"What are Generative Adversarial Networks (GANs)?",
	 "A generator and a discriminator trained together."},
	{"Explain principal component analysis (PCA).",
	 "PCA projects data onto directions of largest variance."},
	{"What is a convolutional neural network (CNN)?",
	 "A CNN shares weights across positions."},
	{"Qu'est-ce que la régularisation?", "Une pénalité L2 sur les poids."},
	{"What is stochastic gradient descent (SGD)?",
	 "SGD updates weights one mini batch at a time."},
	{"Why does dropout reduce overfitting?",
	 "Dropout averages many thinned networks."},
};
#define NRECS (sizeof(recs) / sizeof(recs[0]))

static const char *const questions[] = {
	"what is dropout", "dropou", "lstm gates", "convnet", "gradient descnt",
	"multilayer perceptron", "batch norm", "régularisation",
};

static unsigned char *image; /* the index file, as built */
static size_t image_len;
static char dir[64];
static char path[80];
static struct tok *tok;

/* Add records recs[from..to) as source src to b. */
static void add(struct idx_build *b, const char *src, size_t from, size_t to)
{
	size_t i;

	FUZZ_CHECK(idx_build_source(b, src, 1, 1, "0", 0) == 0);
	for (i = from; i < to; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%zu", i + 1);
		FUZZ_CHECK(idx_build_add(b, id, recs[i][0], recs[i][1],
					 (long)i + 1) == 0);
	}
}

static void cleanup(void)
{
	rmdir(dir);
}

/* Build the index (aborts on failure: a setup bug, not a finding) and
 * keep its bytes. */
static void setup(void)
{
	struct qerr err = {0, ""};
	struct idx_build *b = NULL;
	FILE *f;
	long n;

	/* (in memory when there is a tmpfs: an update syncs the file) */
	snprintf(dir, sizeof(dir), "%s/quarry-fuzz-index-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/i.db", dir);
	FUZZ_CHECK(idx_build_begin(&b, path, &err) == 0);
	add(b, "a.txt", 0, 6);
	add(b, "b.txt", 6, 8);
	FUZZ_CHECK(idx_build_commit(b, &err) == 0);
	FUZZ_CHECK(idx_update_begin(&b, path, &err) == 0);
	add(b, "c.txt", 8, 10);
	FUZZ_CHECK(idx_update_commit(b, &err) == 0);
	FUZZ_CHECK(idx_update_begin(&b, path, &err) == 0);
	FUZZ_CHECK(idx_update_remove(b, "b.txt") == 0);
	add(b, "d.txt", 10, NRECS);
	FUZZ_CHECK(idx_update_commit(b, &err) == 0);
	f = fopen(path, "rb");
	FUZZ_CHECK(f != NULL && fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	FUZZ_CHECK(n > 0 && fseek(f, 0, SEEK_SET) == 0);
	image_len = (size_t)n;
	image = malloc(image_len);
	FUZZ_CHECK(image != NULL && fread(image, 1, image_len, f) == image_len);
	fclose(f);
	tok = tok_new(TOK_STEM);
	FUZZ_CHECK(tok != NULL);
}

/* Bytes of the input, consumed in order (0 past its end). */
struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned get(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static long long get64(struct in *in)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | get(in);
	return (long long)v;
}

/* The key of row r (modulo the count) of table t, or NULL. */
static sqlite3_value *row_key(sqlite3 *db, const struct table *t, unsigned r)
{
	char sql[160];
	sqlite3_stmt *st = NULL;
	sqlite3_value *v = NULL;
	long long count = 0;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t->name);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (count <= 0)
		return NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY 1 LIMIT 1 "
		 "OFFSET %lld", t->key, t->name, (long long)r % count);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_value_dup(sqlite3_column_value(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* The old value of the cell, for the kinds that change it. */
static void old_cell(sqlite3 *db, const struct table *t, const char *col,
		     sqlite3_value *key, unsigned char *buf, size_t *len,
		     long long *num)
{
	char sql[160];
	sqlite3_stmt *st = NULL;

	*len = 0;
	*num = 0;
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s = ?", col,
		 t->name, t->key);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_value(st, 1, key) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);

		*num = sqlite3_column_int64(st, 0);
		if (n > 4096)
			n = 4096;
		if (b != NULL && n > 0)
			memcpy(buf, b, n);
		*len = n;
	}
	sqlite3_finalize(st);
}

/* Apply one edit read from in. */
static void edit(sqlite3 *db, struct in *in)
{
	const struct table *t = &tables[get(in) % NTABLES];
	unsigned row = get(in), c = get(in), kind = get(in) % 9, ncol = 0;
	unsigned char buf[4096 + 512];
	size_t len = 0, pos, i;
	long long num = 0;
	sqlite3_value *key = row_key(db, t, row);
	sqlite3_stmt *st = NULL;
	const char *col;
	char sql[160];
	int rc = SQLITE_OK;

	if (key == NULL)
		return;
	while (ncol < 8 && t->cols[ncol] != NULL)
		ncol++;
	col = t->cols[c % ncol];
	if (kind == 0)
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?2",
			 t->name, t->key);
	else
		snprintf(sql, sizeof(sql), "UPDATE OR IGNORE %s SET %s = ?1 "
			 "WHERE %s = ?2", t->name, col, t->key);
	old_cell(db, t, col, key, buf, &len, &num);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_value_free(key);
		return;
	}
	switch (kind) {
	case 0: /* delete the row */
	case 1: /* NULL */
		break;
	case 2:
		rc = sqlite3_bind_int64(st, 1, interesting[get(in) %
			(sizeof(interesting) / sizeof(interesting[0]))]);
		break;
	case 3:
		rc = sqlite3_bind_int64(st, 1, get64(in));
		break;
	case 4: /* (unsigned: a delta on INT64_MAX must not overflow) */
		rc = sqlite3_bind_int64(st, 1, (long long)((unsigned long long)num +
					      (unsigned long long)(long long)(int8_t)get(in)));
		break;
	case 5:
	case 7: /* text, or a new blob, of up to 255 bytes */
		len = get(in);
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)get(in);
		rc = kind == 5 ? sqlite3_bind_text(st, 1, (const char *)buf,
						   (int)len, SQLITE_TRANSIENT)
			       : sqlite3_bind_blob(st, 1, buf, (int)len,
						   SQLITE_TRANSIENT);
		break;
	case 6: {
		long long bits = get64(in);
		double d;

		memcpy(&d, &bits, sizeof(d));
		rc = sqlite3_bind_double(st, 1, d);
		break;
	}
	default: /* the old blob, cut, set, with bytes inserted or appended */
		pos = len ? (get(in) << 8 | get(in)) % (len + 1) : 0;
		switch (get(in) % 4) {
		case 0:
			len = pos;
			break;
		case 1:
			if (pos < len)
				buf[pos] = (unsigned char)get(in);
			break;
		case 2:
			memmove(buf + pos + 1, buf + pos, len - pos);
			buf[pos] = (unsigned char)get(in);
			len++;
			break;
		default:
			for (i = get(in) % 64; i > 0; i--)
				buf[len++] = (unsigned char)get(in);
		}
		rc = sqlite3_bind_blob(st, 1, buf, (int)len, SQLITE_TRANSIENT);
	}
	if (rc == SQLITE_OK && sqlite3_bind_value(st, 2, key) == SQLITE_OK)
		sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_value_free(key);
}

/* A fresh copy of the index with the input's edits. */
static void prepare(const uint8_t *data, size_t size)
{
	struct in in = {data, size};
	sqlite3 *db = NULL;
	FILE *f;
	int k;

	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(image, 1, image_len, f) == image_len);
	FUZZ_CHECK(fclose(f) == 0);
	FUZZ_CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
		   SQLITE_OK);
	for (k = 0; k < 16 && in.n >= 5; k++)
		edit(db, &in);
	sqlite3_close(db);
}

static int count_term(void *ctx, const char *term, long df)
{
	(void)term;
	(void)df;
	return ++*(long *)ctx > 100000;
}

/* Ask question s as `ask` does: rank, confidence, records, explain. */
static void ask(struct idx *x, const char *s, int model)
{
	struct rank_query q;
	struct rank_params p;
	struct rank_hit hits[5];
	struct qerr err = {0, ""};
	double contrib[RANK_MAX_TERMS];
	int n = 0, i;

	rank_defaults(&p);
	p.model = model;
	if (rank_parse(x, tok, s, &q, &err) != 0 ||
	    rank_search(x, &q, &p, 5, hits, &n, &err) != 0)
		return;
	for (i = 0; i < n; i++) {
		struct idx_doc d;

		FUZZ_CHECK(hits[i].doc >= 0 && hits[i].doc < idx_maxdoc(x));
		(void)rank_confidence(x, &q, &hits[i]);
		(void)rank_explain(x, &q, &p, hits[i].doc, contrib);
		if (idx_get_doc(x, hits[i].doc, &d, &err) == 0)
			idx_doc_clear(&d);
	}
	(void)idx_status(x, &err);
}

/* Read the index at path as ask and stats do. */
static void read_all(void)
{
	struct qerr err = {0, ""};
	struct idx *x = NULL;
	struct idx_source *src;
	const struct idx_alias *al;
	long terms = 0, nseg, ndel;
	int n;
	size_t i;

	if (idx_open(&x, path, &err) != 0)
		return;
	for (i = 0; i < sizeof(questions) / sizeof(questions[0]); i++) {
		ask(x, questions[i], i % 2 ? RANK_TFIDF : RANK_BM25);
		idx_pause(x);
	}
	ask(x, questions[0], RANK_BM25); /* (the caches, warm) */
	(void)idx_ndocs(x);
	(void)idx_nterms(x);
	(void)idx_segment_stats(x, &nseg, &ndel);
	(void)idx_meta(x, "created");
	(void)idx_aliases(x, &al);
	(void)idx_vocab_scan(x, "", count_term, &terms);
	if (idx_sources(x, &src, &n, &err) == 0)
		idx_sources_free(src, n);
	(void)idx_status(x, &err);
	idx_close(x);
}

/* Update the index in place: drop a source, add one. */
static void update(void)
{
	struct qerr err = {0, ""};
	struct idx_build *b = NULL;

	if (idx_update_begin(&b, path, &err) != 0)
		return;
	if (idx_update_remove(b, "a.txt") != 0 ||
	    idx_build_source(b, "e.txt", 1, 1, "0", 0) != 0 ||
	    idx_build_add(b, "e1", recs[0][0], recs[1][1], 1) != 0) {
		idx_build_abort(b);
		return;
	}
	(void)idx_update_commit(b, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char journal[96];

	if (image == NULL)
		setup();
	prepare(data, size);
	read_all();
	update();
	read_all();
	unlink(path);
	snprintf(journal, sizeof(journal), "%s-journal", path);
	unlink(journal);
	return 0;
}
