/* test_corpus.c - unit tests for the corpus readers (index/corpus.c).
 *
 * Records and warnings are collected into a struct got and checked.  The
 * fixtures live in tests/fixtures/corpus; directory, binary and symlink
 * cases are built in a temporary directory.  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../index/corpus.h"

#define FIX "tests/fixtures/corpus/"
#define BUNDLED "corpus/deep-learning-interview-qa.txt"
#define MAXR 256

struct got {
	long n, nwarn, stop_after;
	char *id[MAXR], *q[MAXR], *a[MAXR], *src[MAXR];
	long line[MAXR];
	char *warn[MAXR];
};

static int on_rec(void *ctx, const struct corpus_rec *rec)
{
	struct got *g = ctx;

	assert_true(g->n < MAXR);
	g->id[g->n] = strdup(rec->id);
	g->q[g->n] = strdup(rec->question);
	g->a[g->n] = strdup(rec->answer);
	g->src[g->n] = strdup(rec->source);
	g->line[g->n] = rec->line;
	g->n++;
	return g->stop_after && g->n >= g->stop_after ? 99 : 0;
}

static void on_warn(void *ctx, const char *msg)
{
	struct got *g = ctx;

	if (g->nwarn < MAXR)
		g->warn[g->nwarn++] = strdup(msg);
}

static void got_free(struct got *g)
{
	long i;

	for (i = 0; i < g->n; i++) {
		free(g->id[i]);
		free(g->q[i]);
		free(g->a[i]);
		free(g->src[i]);
	}
	for (i = 0; i < g->nwarn; i++)
		free(g->warn[i]);
	free(g);
}

static struct got *got_new(struct corpus_reader *r)
{
	struct got *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	memset(r, 0, sizeof(*r));
	r->on_rec = on_rec;
	r->on_warn = on_warn;
	r->ctx = g;
	r->want = NULL;
	r->opts = NULL;
	return g;
}

/* Read path with corpus_read_path; returns the status. */
static int read_path(const char *path, struct got **out, struct qerr *err)
{
	struct corpus_reader r;
	long n = -1;
	int rc;

	*out = got_new(&r);
	qerr_clear(err);
	rc = corpus_read_path(&r, path, &n, err);
	assert_int_equal(n, (*out)->n);
	return rc;
}

static int read_mem(const char *name, const char *hint, const char *data,
		    size_t len, struct got **out, struct qerr *err)
{
	struct corpus_reader r;
	long n = -1;
	int rc;

	*out = got_new(&r);
	qerr_clear(err);
	rc = corpus_read_mem(&r, name, hint, data, len, &n, err);
	assert_int_equal(n, (*out)->n);
	return rc;
}

static int find_warn(const struct got *g, const char *needle)
{
	long i;

	for (i = 0; i < g->nwarn; i++)
		if (strstr(g->warn[i], needle) != NULL)
			return 1;
	return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* ---- numbered text ----------------------------------------------------- */

static void test_bundled(void **state)
{
	struct got *g;
	struct qerr err;
	char want[24];
	long i;

	(void)state;
	assert_int_equal(read_path(BUNDLED, &g, &err), 0);
	assert_int_equal(g->n, 90);
	assert_int_equal(g->nwarn, 0);
	for (i = 0; i < g->n; i++) {
		snprintf(want, sizeof(want), "%ld", i + 1);
		assert_string_equal(g->id[i], want);
		assert_false(g->q[i][0] >= '0' && g->q[i][0] <= '9');
		assert_true(g->q[i][0] != '\0');
		assert_string_equal(g->src[i], BUNDLED);
	}
	assert_int_equal(g->line[0], 4);
	assert_string_equal(g->q[0], "Explain deep learning.");
	assert_true(strncmp(g->q[38], "How do you choose", 17) == 0);
	assert_true(strncmp(g->a[62], "L2 Regularization", 17) == 0);
	assert_non_null(strstr(g->a[9], "Deep Learning:"));
	assert_non_null(strstr(g->a[40], "Aspect | Deep learning |"));
	assert_non_null(strstr(g->a[6], "- TensorFlow\n- PyTorch"));
	assert_int_equal(g->line[89], 385);
	got_free(g);
}

/* The whole file in memory (malloc'd, NUL-terminated). */
static char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

/* Replace the first occurrence of from in *doc by to. */
static void edit(char **doc, size_t *len, const char *from, const char *to)
{
	char *at = strstr(*doc, from), *out;
	size_t fl = strlen(from), tl = strlen(to), pre;

	assert_non_null(at);
	pre = (size_t)(at - *doc);
	out = malloc(*len - fl + tl + 1);
	assert_non_null(out);
	memcpy(out, *doc, pre);
	memcpy(out + pre, to, tl);
	memcpy(out + pre + tl, at + fl, *len - pre - fl + 1);
	free(*doc);
	*doc = out;
	*len = *len - fl + tl;
}

/* The bundled document made messier: question 63 repeated before a blank
 * line, a numbered list inside answer 70, and "74.Why" with no space. */
static void test_bundled_messier(void **state)
{
	static const char q63[] = "63. Describe one of the best approaches";
	size_t len;
	char *doc = load(BUNDLED, &len);
	char *nl, line[512];
	struct got *g;
	struct qerr err;

	(void)state;
	nl = strchr(strstr(doc, q63), '\n');
	snprintf(line, sizeof(line), "\n%.*s\n\nAns:\nL2 Regularization",
		 (int)(nl - strstr(doc, q63)), strstr(doc, q63));
	edit(&doc, &len, "\nAns:\nL2 Regularization", line);
	edit(&doc, &len, "graph?\nAns:\n- Nodes",
	     "graph?\nAns:\nSteps:\n1. build\n2. run\n71. not yet\n- Nodes");
	edit(&doc, &len, "74. What", "74.What");
	assert_int_equal(read_mem("m.txt", "txt", doc, len, &g, &err), 0);
	assert_int_equal(g->n, 90);
	assert_string_equal(g->id[62], "63");
	assert_true(strncmp(g->a[62], "L2 Regularization", 17) == 0);
	assert_int_equal(g->line[62], g->line[61] + 3);
	assert_string_equal(g->id[89], "90");
	assert_true(strncmp(g->q[73], "What are a few", 14) == 0);
	assert_non_null(strstr(g->a[69], "1. build\n2. run\n71. not yet\n"));
	got_free(g);
	free(doc);
}

static void test_messy_text(void **state)
{
	struct got *g;
	struct qerr err;
	static const char *const ids[] = {"1", "2", "3", "4", "5", "7"};
	long i;

	(void)state;
	assert_int_equal(read_path(FIX "messy.txt", &g, &err), 0);
	assert_int_equal(g->n, 6);
	for (i = 0; i < 6; i++)
		assert_string_equal(g->id[i], ids[i]);
	assert_int_equal(g->line[0], 5);
	assert_string_equal(g->q[0], "What is alpha?");
	assert_string_equal(g->a[0], "Alpha is the first letter.");
	assert_string_equal(g->a[1], "Beta is the second letter.\n"
				     "It has a list:\n1. first item\n"
				     "2. second item");
	assert_string_equal(g->q[2], "Why \u201cgamma\u201d?");
	assert_string_equal(g->a[2], "Because \u2013 it\u2019s third.\n"
				     "| a | b |\n|---|---|\n| 1 | 2 |");
	assert_int_equal(g->line[3], 19);
	assert_string_equal(g->q[3], "Repeated question?");
	assert_string_equal(g->a[3], "The real answer.\n1. step one\n"
				     "5. step five is not a question\n"
				     "- a bullet");
	assert_string_equal(g->q[4], "What is epsilon, a question that wraps "
				     "onto a second line?");
	assert_string_equal(g->a[4], "Epsilon.");
	assert_string_equal(g->a[5], "Seven.");
	got_free(g);
}

static void test_unmarked_text(void **state)
{
	static const char doc[] = "Intro.\n1. First?\nOne.\n\n"
				  "More one.\n\n\n2. Second?\nTwo.\n";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("u.txt", "txt", doc, strlen(doc), &g, &err),
			 0);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->a[0], "One.\n\nMore one.");
	assert_string_equal(g->q[1], "Second?");
	assert_string_equal(g->a[1], "Two.");
	got_free(g);
}

static void test_qa_labels(void **state)
{
	static const char doc[] = "Q: First?\nA: One.\nQ: Second?\nA:\nTwo.\n";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("qa", NULL, doc, strlen(doc), &g, &err), 0);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->id[1], "2");
	assert_string_equal(g->q[0], "First?");
	assert_string_equal(g->a[0], "One.");
	assert_string_equal(g->a[1], "Two.");
	got_free(g);
}

static void test_crlf_bom(void **state)
{
	static const char doc[] = "\xef\xbb\xbf"
				  "1. Q one\r\nAns:\r\nA one\r\n\r\n"
				  "2. Q two\rAns: A two\rmore\r";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("c.txt", "txt", doc, strlen(doc), &g, &err),
			 0);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->id[0], "1");
	assert_string_equal(g->q[0], "Q one");
	assert_string_equal(g->a[0], "A one");
	assert_int_equal(g->line[1], 5);
	assert_string_equal(g->a[1], "A two\nmore");
	got_free(g);
}

static void test_invalid_utf8(void **state)
{
	static const char doc[] = "1. Q\nAns:\nbad \xff byte\nnul\0ok\n"
				  "cut \xc3\n";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(
		read_mem("bad.txt", "txt", doc, sizeof(doc) - 1, &g, &err), 0);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->nwarn, 2);
	assert_string_equal(g->warn[0], "bad.txt:3: invalid UTF-8 replaced");
	assert_string_equal(g->warn[1], "bad.txt:5: invalid UTF-8 replaced");
	assert_string_equal(g->a[0], "bad \xef\xbf\xbd byte\nnulok\n"
				     "cut \xef\xbf\xbd");
	got_free(g);
}

static void test_no_records(void **state)
{
	static const char doc[] = "Just some prose.\nNo questions here.\n";
	struct got *g;
	struct qerr err;

	struct corpus_opts qa = {CORPUS_AS_QA, 0, NULL};
	struct corpus_reader r;
	long n = -1;

	(void)state;
	/* read as prose by default: one passage */
	assert_int_equal(read_mem("p.txt", "txt", doc, strlen(doc), &g, &err),
			 0);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->id[0], "p.txt:1");
	assert_string_equal(g->a[0], "Just some prose. No questions here.");
	got_free(g);
	/* forced to Q&A: refused */
	g = got_new(&r);
	r.opts = &qa;
	qerr_clear(&err);
	assert_int_equal(corpus_read_mem(&r, "p.txt", "txt", doc, strlen(doc),
					 &n, &err),
			 QERR_DATA);
	assert_int_equal(n, 0);
	assert_string_equal(err.msg, "p.txt: no Q&A records found");
	got_free(g);
}

static void test_callback_stops(void **state)
{
	struct corpus_reader r;
	struct got *g = got_new(&r);
	struct qerr err;
	long n = 0;

	(void)state;
	g->stop_after = 2;
	qerr_clear(&err);
	assert_int_equal(corpus_read_file(&r, BUNDLED, &n, &err), 99);
	assert_int_equal(n, 2);
	assert_int_equal(g->n, 2);
	got_free(g);
}

/* ---- JSON Lines and BEIR ------------------------------------------------ */

static void test_jsonl(void **state)
{
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_path(FIX "qa.jsonl", &g, &err), 0);
	assert_int_equal(g->n, 3);
	assert_string_equal(g->id[0], "a1");
	assert_string_equal(g->q[0], "What is A?");
	assert_string_equal(g->a[0], "A is a letter.");
	assert_string_equal(g->id[1], "42");
	assert_string_equal(g->q[1], "What is B?");
	assert_string_equal(g->id[2], "5"); /* 5th non-blank line */
	assert_int_equal(g->line[2], 6);
	assert_int_equal(g->nwarn, 4);
	assert_true(strncmp(g->warn[0],
			    FIX "qa.jsonl:4: skipped: invalid JSON: ", 48) == 0);
	assert_string_equal(g->warn[1],
			    FIX "qa.jsonl:5: skipped: not a JSON object");
	assert_true(strncmp(g->warn[2], FIX "qa.jsonl:7: skipped: ", 33) == 0);
	assert_string_equal(g->warn[3], FIX "qa.jsonl:8: skipped: id is not a "
					    "string or integer");
	got_free(g);
}

static void test_beir(void **state)
{
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_path(FIX "beir.jsonl", &g, &err), 0);
	assert_int_equal(g->n, 3);
	assert_string_equal(g->id[0], "doc1");
	assert_string_equal(g->q[0], "Title one");
	assert_string_equal(g->a[0], "Body one.");
	assert_string_equal(g->id[1], "7");
	assert_true(strlen(g->q[1]) <= 80 && strlen(g->q[1]) > 40);
	assert_true(strncmp(g->q[1], "A long text without any title", 29) == 0);
	assert_true(strlen(g->a[1]) > 80);
	assert_string_equal(g->q[2], "No title field at all.");
	assert_int_equal(g->nwarn, 0);
	got_free(g);
}

static void test_json_sniff_and_array(void **state)
{
	static const char arr[] = "\n[{\"question\":\"Q1\",\"answer\":\"A1\"},\n"
				  " {\"question\":\"Q2\",\"answer\":\"A2\"}]\n";
	static const char obj[] = "{\"question\":\"Q\",\"answer\":\"A\"}";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("a.json", "json", arr, strlen(arr), &g, &err),
			 0);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->id[1], "2");
	assert_int_equal(g->line[1], 2);
	got_free(g);
	assert_int_equal(read_mem("noext", NULL, obj, strlen(obj), &g, &err),
			 0);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->q[0], "Q");
	got_free(g);
}

static void test_jsonl_nothing(void **state)
{
	static const char doc[] = "{\"a\":1}\nnot json\n";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("x.jsonl", "jsonl", doc, strlen(doc), &g,
				  &err),
			 QERR_DATA);
	assert_string_equal(err.msg, "x.jsonl: no Q&A records found");
	assert_int_equal(g->nwarn, 2);
	got_free(g);
}

/* ---- Markdown ----------------------------------------------------------- */

static void test_markdown(void **state)
{
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_path(FIX "guide.md", &g, &err), 0);
	assert_int_equal(g->n, 3);
	assert_string_equal(g->id[0], "1");
	assert_string_equal(g->q[0], "What is X?");
	assert_int_equal(g->line[0], 7);
	assert_string_equal(g->a[0], "X is a thing.\n\n```sh\n# not a heading\n"
				     "echo hi\n```");
	assert_string_equal(g->id[1], "2");
	assert_string_equal(g->q[1], "What is Y?");
	assert_string_equal(g->a[1], "Y is another.");
	assert_string_equal(g->q[2], "What is Z?");
	assert_string_equal(g->a[2], "Z.\n\n~~~\n## still code\n~~~");
	got_free(g);
}

static void test_markdown_sniffed(void **state)
{
	static const char doc[] = "# Q one\nA one\n#nospace\n## Q two #\nA two";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("README", NULL, doc, strlen(doc), &g, &err),
			 0);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->a[0], "A one #nospace"); /* reflowed */
	assert_string_equal(g->q[1], "Q two");
	got_free(g);
}

/* A heading over nothing but a rule has no answer once reflowed: no
 * record, and the next heading's record is whole. */
static void test_markdown_rule_only(void **state)
{
	static const char doc[] = "# What is a rule?\n\n***\n\n# Second\n\n"
				  "Text.\n";
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_mem("r.md", NULL, doc, strlen(doc), &g, &err),
			 0);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->q[0], "Second");
	assert_string_equal(g->a[0], "Text.");
	got_free(g);
}

/* ---- bad input ---------------------------------------------------- */

static void test_empty(void **state)
{
	struct got *g;
	struct qerr err;
	char path[] = "/tmp/quarry_corpus_empty_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(read_path(path, &g, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, ": empty file"));
	assert_true(strncmp(err.msg, path, strlen(path)) == 0);
	got_free(g);
	assert_int_equal(read_mem("e.md", "md", " \n\t\n", 4, &g, &err),
			 QERR_DATA);
	assert_string_equal(err.msg, "e.md: empty file");
	got_free(g);
	unlink(path);
}

static void fill_binary(unsigned char *b, size_t n)
{
	size_t i;
	uint32_t x = 12345;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
	b[10] = 0;
}

static void test_binary(void **state)
{
	unsigned char bin[4096];
	struct got *g;
	struct qerr err;

	(void)state;
	fill_binary(bin, sizeof(bin));
	assert_int_equal(read_mem("b.txt", "txt", (const char *)bin,
				  sizeof(bin), &g, &err),
			 QERR_DATA);
	assert_string_equal(err.msg, "b.txt: looks binary, skipped");
	got_free(g);
}

static void test_missing(void **state)
{
	struct got *g;
	struct qerr err;

	(void)state;
	assert_int_equal(read_path(FIX "no-such-file.txt", &g, &err), QERR_IO);
	assert_string_equal(err.msg,
			    FIX "no-such-file.txt: No such file or directory");
	got_free(g);
}

static void test_long_line(void **state)
{
	size_t n = 8u << 20, pre = strlen("1. Big?\nAns: ");
	char *doc = malloc(pre + n + 2);
	struct got *g;
	struct qerr err;

	(void)state;
	assert_non_null(doc);
	memcpy(doc, "1. Big?\nAns: ", pre);
	memset(doc + pre, 'x', n);
	doc[pre + n] = '\n';
	assert_int_equal(read_mem("big.txt", "txt", doc, pre + n + 1, &g, &err),
			 0);
	assert_int_equal(g->n, 1);
	assert_int_equal(strlen(g->a[0]), n);
	got_free(g);
	free(doc);
}

/* ---- directories -------------------------------------------------- */

struct tmpdir {
	char root[64];
	char path[256];
};

static const char *at(struct tmpdir *t, const char *rel)
{
	snprintf(t->path, sizeof(t->path), "%s/%s", t->root, rel);
	return t->path;
}

static void put(struct tmpdir *t, const char *rel, const char *text)
{
	write_file(at(t, rel), text, strlen(text));
}

static void make_tree(struct tmpdir *t)
{
	unsigned char bin[2048];

	strcpy(t->root, "/tmp/quarry_corpus_dir_XXXXXX");
	assert_non_null(mkdtemp(t->root));
	assert_int_equal(mkdir(at(t, "b"), 0755), 0);
	put(t, "z.txt", "1. Zed?\nAns:\nZ.\n");
	put(t, "a.txt", "1. Aye?\nAns:\nA.\n2. Bee?\nAns:\nB.\n");
	put(t, "b/c.md", "# Sea?\nC.\n");
	put(t, "b/d.jsonl", "{\"question\":\"Dee?\",\"answer\":\"D.\"}\n");
	put(t, "b/empty.txt", "");
	put(t, ".hidden.txt", "1. Hidden?\nAns:\nH.\n");
	fill_binary(bin, sizeof(bin));
	write_file(at(t, "bin.dat"), bin, sizeof(bin));
	assert_int_equal(symlink("..", at(t, "b/up")), 0);
	assert_int_equal(symlink("nowhere", at(t, "dangling")), 0);
}

static void remove_tree(struct tmpdir *t)
{
	static const char *const rel[] = {
		"z.txt", "a.txt",    "b/c.md",   "b/d.jsonl", "b/empty.txt",
		"b/up",  "bin.dat",  "dangling", ".hidden.txt", "b",
	};
	size_t i;

	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
		remove(at(t, rel[i]));
	rmdir(t->root);
}

static void test_directory(void **state)
{
	struct tmpdir t;
	struct got *g;
	struct qerr err;
	static const char *const qs[] = {"Aye?", "Bee?", "Sea?", "Dee?",
					 "Zed?"};
	char want[300];
	long i;

	(void)state;
	make_tree(&t);
	assert_int_equal(read_path(t.root, &g, &err), 0);
	assert_int_equal(g->n, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(g->q[i], qs[i]);
	assert_string_equal(g->src[0], at(&t, "a.txt"));
	assert_string_equal(g->src[2], at(&t, "b/c.md"));
	snprintf(want, sizeof(want), "%s: looks binary, skipped",
		 at(&t, "bin.dat"));
	assert_true(find_warn(g, want));
	snprintf(want, sizeof(want), "%s: empty file, skipped",
		 at(&t, "b/empty.txt"));
	assert_true(find_warn(g, want));
	snprintf(want, sizeof(want), "%s: directory loop, skipped",
		 at(&t, "b/up"));
	assert_true(find_warn(g, want));
	assert_true(find_warn(g, "dangling: No such file or directory"));
	assert_false(find_warn(g, "hidden"));
	got_free(g);

	/* an explicitly named bad file is fatal */
	assert_int_equal(read_path(at(&t, "bin.dat"), &g, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "looks binary"));
	got_free(g);
	remove_tree(&t);
}

static void test_directory_empty(void **state)
{
	struct tmpdir t;
	struct got *g;
	struct qerr err;
	char want[300];

	(void)state;
	strcpy(t.root, "/tmp/quarry_corpus_dir_XXXXXX");
	assert_non_null(mkdtemp(t.root));
	put(&t, "notes.txt", "\n  \n"); /* prose would be read as passages */
	assert_int_equal(symlink(".", at(&t, "self")), 0);
	assert_int_equal(read_path(t.root, &g, &err), QERR_DATA);
	snprintf(want, sizeof(want), "%s: no Q&A records found", t.root);
	assert_string_equal(err.msg, want);
	assert_int_equal(g->nwarn, 2);
	got_free(g);
	remove(at(&t, "notes.txt"));
	remove(at(&t, "self"));
	rmdir(t.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled),
		cmocka_unit_test(test_bundled_messier),
		cmocka_unit_test(test_messy_text),
		cmocka_unit_test(test_unmarked_text),
		cmocka_unit_test(test_qa_labels),
		cmocka_unit_test(test_crlf_bom),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_no_records),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_beir),
		cmocka_unit_test(test_json_sniff_and_array),
		cmocka_unit_test(test_jsonl_nothing),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_sniffed),
		cmocka_unit_test(test_markdown_rule_only),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_directory_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
