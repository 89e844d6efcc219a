/* test_passage.c - unit tests for prose read as passages (index/passage.c,
 * index/html.c), the converters (index/convert.c) and how corpus.c picks
 * a reading per file.
 *
 * Passages are collected with their title and line and checked against the
 * documents' known structure; converters are real commands (sh scripts
 * written to a temporary directory).  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../index/convert.h"
#include "../../index/corpus.h"
#include "../../index/html.h"
#include "../../index/passage.h"
#include "../../util/utf8.h"

#define MAXP 512

struct got {
	long n;
	char *title[MAXP], *text[MAXP], *id[MAXP];
	long line[MAXP];
	int kind[MAXP];
	const char *format[MAXP];
	long nwarn;
	char warn[8][512];
};

static void got_free(struct got *g)
{
	long i;

	for (i = 0; i < g->n; i++) {
		free(g->title[i]);
		free(g->text[i]);
		free(g->id[i]);
	}
	free(g);
}

static int on_psg(void *ctx, const char *title, const char *text, long line)
{
	struct got *g = ctx;

	assert_true(g->n < MAXP);
	g->title[g->n] = strdup(title);
	g->text[g->n] = strdup(text);
	g->line[g->n] = line;
	g->n++;
	return 0;
}

static int on_rec(void *ctx, const struct corpus_rec *r)
{
	struct got *g = ctx;

	assert_true(g->n < MAXP);
	g->id[g->n] = strdup(r->id);
	g->title[g->n] = strdup(r->question);
	g->text[g->n] = strdup(r->answer);
	g->line[g->n] = r->line;
	g->kind[g->n] = r->kind;
	g->format[g->n] = r->format;
	g->n++;
	return 0;
}

static void on_warn(void *ctx, const char *msg)
{
	struct got *g = ctx;

	if (g->nwarn < 8)
		snprintf(g->warn[g->nwarn], sizeof(g->warn[0]), "%s", msg);
	g->nwarn++;
}

static struct got *run_text(const char *doc, size_t max, int md)
{
	struct got *g = calloc(1, sizeof(*g));
	struct psg *p;

	assert_non_null(g);
	p = psg_new(max, "deftitle", on_psg, g);
	assert_non_null(p);
	if (md)
		psg_read_md(p, doc, strlen(doc));
	else
		psg_read_text(p, doc, strlen(doc));
	assert_int_equal(psg_finish(p), 0);
	assert_int_equal(psg_count(p), g->n);
	psg_free(p);
	return g;
}

/* corpus_read_mem with the given options. */
static struct got *read_doc(const char *name, const char *hint,
			    const char *doc, size_t len,
			    const struct corpus_opts *o, int want_rc)
{
	struct got *g = calloc(1, sizeof(*g));
	struct corpus_reader r = {.on_rec = on_rec, .on_warn = on_warn, .opts = o};
	struct qerr err = {0, ""};
	long n = -1;

	assert_non_null(g);
	r.ctx = g;
	assert_int_equal(corpus_read_mem(&r, name, hint, doc, len, &n, &err),
			 want_rc);
	assert_int_equal(n, g->n);
	return g;
}

/* ---- plain text ------------------------------------------------------------ */

static void test_text_title_paragraphs_lines(void **state)
{
	static const char doc[] =
		"Huguenots\n"				/* 1 */
		"\n"					/* 2 */
		"The Huguenots were French Protestants.\n" /* 3 */
		"Their numbers peaked in 1562.\n"	/* 4 */
		"\n"					/* 5 */
		"Second paragraph, short.\n"		/* 6 */
		"\n"					/* 7 */
		"Third paragraph that is long enough to need a passage of its "
		"own because the bound is small.\n";	/* 8 */
	struct got *g = run_text(doc, 100, 0);

	(void)state;
	assert_int_equal(g->n, 2);
	assert_string_equal(g->title[0], "Huguenots");
	/* hard-wrapped lines reflowed; two paragraphs packed in one passage */
	assert_string_equal(g->text[0], "The Huguenots were French Protestants. "
					"Their numbers peaked in 1562.\n\n"
					"Second paragraph, short.");
	assert_int_equal(g->line[0], 3);
	assert_int_equal(g->line[1], 8);
	assert_string_equal(g->title[1], "Huguenots");
	got_free(g);
}

static void test_text_no_title(void **state)
{
	/* a first line ending in a period is text, not a title */
	static const char doc[] = "Just one sentence here.\n\nAnother one.\n";
	struct got *g = run_text(doc, 0, 0);

	(void)state;
	assert_int_equal(g->n, 1);
	assert_string_equal(g->title[0], "deftitle");
	assert_int_equal(g->line[0], 1);
	assert_string_equal(g->text[0],
			    "Just one sentence here.\n\nAnother one.");
	got_free(g);
}

static void test_sentence_split(void **state)
{
	/* one paragraph over the bound: cut between sentences, never after
	 * "U.S." or "Dr." (a cut there would pack "Dr." onto the first
	 * sentence), each piece within the bound, lines kept */
	static const char doc[] =
		"The U.S. Army fought there. Dr. Smith led the first\n" /* 1 */
		"company. A third sentence follows here. And a fourth\n" /* 2 */
		"one ends it.\n";					/* 3 */
	struct got *g = run_text(doc, 45, 0);
	long i;

	(void)state;
	assert_int_equal(g->n, 4);
	assert_string_equal(g->text[0], "The U.S. Army fought there.");
	assert_string_equal(g->text[1], "Dr. Smith led the first company.");
	assert_string_equal(g->text[2], "A third sentence follows here.");
	assert_string_equal(g->text[3], "And a fourth one ends it.");
	assert_int_equal(g->line[0], 1);
	assert_int_equal(g->line[1], 1);
	assert_int_equal(g->line[2], 2);
	assert_int_equal(g->line[3], 2);
	for (i = 0; i < g->n; i++)
		assert_true(strlen(g->text[i]) <= 45);
	got_free(g);
}

static void test_long_words_utf8(void **state)
{
	/* no sentence end, no space: cut at character boundaries only */
	char doc[4000];
	struct got *g;
	long i;
	size_t total = 0;

	(void)state;
	for (i = 0; i < 1000; i++)
		memcpy(doc + 3 * i, "\xe2\x82\xac", 3); /* euro signs */
	doc[3000] = '\n';
	doc[3001] = '\0';
	g = run_text(doc, 100, 0);
	assert_true(g->n >= 30);
	for (i = 0; i < g->n; i++) {
		size_t n = strlen(g->text[i]);

		assert_true(n <= 100);
		assert_int_equal(utf8_valid_prefix(g->text[i], n), n);
		total += n;
	}
	assert_int_equal(total, 3000);
	got_free(g);
}

/* ---- Markdown ---------------------------------------------------------------- */

static void test_md_heading_path_setext(void **state)
{
	static const char doc[] =
		"Install\n"			/* 1 */
		"=======\n"			/* 2 */
		"\n"				/* 3 */
		"Read this first, it is\n"	/* 4 */
		"wrapped by hand.\n"		/* 5 */
		"\n"				/* 6 */
		"Debian\n"			/* 7 */
		"------\n"			/* 8 */
		"\n"				/* 9 */
		"### From source\n"		/* 10 */
		"\n"				/* 11 */
		"- one item\n"			/* 12 */
		"  continued\n"			/* 13 */
		"- two\n"			/* 14 */
		"\n"				/* 15 */
		"```sh\n"			/* 16 */
		"make\n"			/* 17 */
		"\n"				/* 18 */
		"make install\n"		/* 19 */
		"```\n"				/* 20 */
		"\n"				/* 21 */
		"| a | b |\n"			/* 22 */
		"|---|---|\n"			/* 23 */
		"| 1 | 2 |\n"			/* 24 */
		"\n"				/* 25 */
		"# Usage\n"			/* 26 */
		"Run it.\n";			/* 27 */
	struct got *g = run_text(doc, 0, 1);

	(void)state;
	assert_int_equal(g->n, 3);
	assert_string_equal(g->title[0], "Install");
	assert_string_equal(g->text[0], "Read this first, it is wrapped by hand.");
	assert_int_equal(g->line[0], 4);
	assert_string_equal(g->title[1], "Install > Debian > From source");
	assert_string_equal(g->text[1], "- one item continued\n- two\n\n"
					"```sh\nmake\n\nmake install\n```\n\n"
					"| a | b |\n|---|---|\n| 1 | 2 |");
	assert_int_equal(g->line[1], 12);
	assert_string_equal(g->title[2], "Usage");
	assert_int_equal(g->line[2], 27);
	got_free(g);
}

static void test_md_code_stays_whole(void **state)
{
	/* a fence over the bound but under twice it stays one passage */
	char doc[600];
	struct got *g;
	int i;

	(void)state;
	strcpy(doc, "# T\n\nIntro.\n\n```\n");
	for (i = 0; i < 10; i++)
		strcat(doc, "code line number xx\n");
	strcat(doc, "```\n");
	g = run_text(doc, 150, 1);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->text[0], "Intro.");
	assert_true(strncmp(g->text[1], "```\ncode line", 13) == 0);
	assert_int_equal(g->line[1], 5);
	got_free(g);
}

static void test_md_qa_setext_ends_answer(void **state)
{
	/* apt's README: "Debugging" underlined must not end up in the answer
	 * above it */
	static const char doc[] = "# Usage\nRun apt.\n\nDebugging\n---------\n"
				  "Use -o Debug::pkgProblemResolver=yes.\n";
	struct got *g = read_doc("README.md", "md", doc, strlen(doc), NULL, 0);

	(void)state;
	assert_int_equal(g->n, 2);
	assert_string_equal(g->title[0], "Usage");
	assert_string_equal(g->text[0], "Run apt.");
	assert_string_equal(g->title[1], "Debugging");
	assert_int_equal(g->line[1], 4);
	assert_int_equal(g->kind[1], CORPUS_QA);
	got_free(g);
}

/* ---- reading choices in corpus.c ---------------------------------------------- */

static void test_detect_and_force(void **state)
{
	static const char prose[] = "Notes\n\n1. Buy milk\n2. Call Bob\n\n"
				    "Some text after the list.\n";
	static const char qa[] = "1. What is X?\nAns: A thing.\n";
	struct corpus_opts ps = {CORPUS_AS_PASSAGES, 0, NULL};
	struct corpus_opts fq = {CORPUS_AS_QA, 0, NULL};
	struct got *g;

	(void)state;
	/* a numbered list without answer markers is prose */
	g = read_doc("dir/notes.txt", "txt", prose, strlen(prose), NULL, 0);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->kind[0], CORPUS_PASSAGE);
	assert_string_equal(g->format[0], "txt");
	assert_string_equal(g->id[0], "notes.txt:3");
	assert_string_equal(g->title[0], "Notes");
	assert_string_equal(g->text[0], "1. Buy milk\n2. Call Bob\n\n"
					"Some text after the list.");
	got_free(g);
	/* nor is one stray "A:" line with a numbered list in a long text */
	{
		static const char stray[] =
			"Release notes\n\nA: the first build.\n\n"
			"1. Fixed the parser\n2. Faster start\n3. New flag\n";
		g = read_doc("n.txt", "txt", stray, strlen(stray), NULL, 0);
		assert_int_equal(g->n, 1);
		assert_int_equal(g->kind[0], CORPUS_PASSAGE);
		got_free(g);
	}
	/* Q&A stays Q&A by default ... */
	g = read_doc("qa.txt", "txt", qa, strlen(qa), NULL, 0);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->kind[0], CORPUS_QA);
	assert_string_equal(g->id[0], "1");
	got_free(g);
	/* ... and is one passage when forced */
	g = read_doc("qa.txt", "txt", qa, strlen(qa), &ps, 0);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->kind[0], CORPUS_PASSAGE);
	assert_string_equal(g->id[0], "qa.txt:1");
	got_free(g);
	/* forced to Q&A, the numbered lines are questions */
	g = read_doc("notes.txt", "txt", prose, strlen(prose), &fq, 0);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->kind[0], CORPUS_QA);
	assert_string_equal(g->title[0], "Buy milk");
	assert_string_equal(g->title[1], "Call Bob");
	got_free(g);
}

static void test_real_readme(void **state)
{
	/* a README shipped in /usr/share/doc: the reader takes the whole file
	 * in passages within the bound, lines inside the file, ids file:line */
	static const char *const cands[] = {
		"/usr/share/doc/libsqlite3-dev/README.Debian",
		"/usr/share/doc/jq/README.md", "/usr/share/doc/sqlite3/README.Debian",
		"/usr/share/doc/libjansson-dev/README.rst",
		"/usr/share/doc/python3/README.Debian", NULL,
	};
	struct corpus_opts ps = {CORPUS_AS_PASSAGES, 0, NULL};
	struct corpus_reader r = {.on_rec = on_rec, .on_warn = on_warn, .opts = &ps};
	struct qerr err = {0, ""};
	struct got *g = calloc(1, sizeof(*g));
	const char *path = NULL;
	char id[64];
	long n = 0, i, lines = 0;
	FILE *fp;
	int c;

	(void)state;
	for (i = 0; cands[i] && path == NULL; i++)
		if (access(cands[i], R_OK) == 0)
			path = cands[i];
	assert_non_null(path); /* python3 is a build dependency */
	fp = fopen(path, "r");
	assert_non_null(fp);
	while ((c = getc(fp)) != EOF)
		lines += c == '\n';
	fclose(fp);
	r.ctx = g;
	assert_int_equal(corpus_read_file(&r, path, &n, &err), 0);
	assert_true(n > 0);
	for (i = 0; i < g->n; i++) {
		assert_true(strlen(g->text[i]) <= 2 * PSG_MAX_BYTES);
		assert_true(g->line[i] >= 1 && g->line[i] <= lines + 1);
		assert_true(i == 0 || g->line[i] >= g->line[i - 1]);
		snprintf(id, sizeof(id), "%s:%ld", strrchr(path, '/') + 1,
			 g->line[i]);
		assert_true(strncmp(g->id[i], id, strlen(id)) == 0);
	}
	got_free(g);
}

/* ---- HTML --------------------------------------------------------------------- */

static void test_html_broken(void **state)
{
	static const char doc[] =
		"<!DOCTYPE html>\n"						/* 1 */
		"<html><head><title>Guide &amp; notes</title>\n"		/* 2 */
		"<style>p { color: red }</style>\n"				/* 3 */
		"<script>var secret = 'nope';</script></head>\n"		/* 4 */
		"<body><nav>Home | About</nav>\n"				/* 5 */
		"<h1>Install</h1>\n"						/* 6 */
		"<p>Run <b>make</b>&nbsp;now, caf&eacute; &lt;ok&gt;\n"		/* 7 */
		"<p>Unclosed <i>italic and <div>a div\n"			/* 8 */
		"<h2>From source</h2>\n"					/* 9 */
		"<ul><li>first<li>second</ul>\n"				/* 10 */
		"<pre>a  b\n  c</pre>\n"					/* 11 */
		"<footer>Copyright nobody</footer>\n";				/* 12 */
	struct got *g = read_doc("page.html", NULL, doc, strlen(doc), NULL, 0);
	long i;

	(void)state;
	assert_int_equal(g->n, 2);
	assert_string_equal(g->title[0], "Guide & notes > Install");
	assert_string_equal(g->text[0], "Run make\xc2\xa0now, caf\xc3\xa9 <ok>\n\n"
					"Unclosed italic and\n\na div");
	assert_int_equal(g->line[0], 7);
	assert_string_equal(g->title[1], "Guide & notes > Install > From source");
	assert_string_equal(g->text[1], "first\n\nsecond\n\na  b\n  c");
	assert_int_equal(g->line[1], 10);
	assert_string_equal(g->format[0], "html");
	for (i = 0; i < g->n; i++) {
		assert_null(strstr(g->text[i], "secret"));
		assert_null(strstr(g->text[i], "color"));
		assert_null(strstr(g->text[i], "Home"));
		assert_null(strstr(g->text[i], "Copyright"));
	}
	got_free(g);
}

static void test_html_garbage(void **state)
{
	/* markup soup is read, never refused; text-free soup gives nothing */
	static const char soup[] = "<html><<p>>a</b></i><td>cell<</x y=\"";
	static const char empty[] = "<html><script>only</script></html>";
	struct got *g;

	(void)state;
	g = read_doc("s.htm", NULL, soup, strlen(soup), NULL, 0);
	assert_true(g->n >= 1);
	assert_non_null(strstr(g->text[0], "cell"));
	got_free(g);
	g = read_doc("e.html", NULL, empty, strlen(empty), NULL, QERR_DATA);
	assert_int_equal(g->n, 0);
	got_free(g);
}

static void test_html_br(void **state)
{
	static const char doc[] = "<html><p>1 Main St<br>Springfield<br/> USA</p></html>";
	struct got *g = read_doc("a.html", NULL, doc, strlen(doc), NULL, 0);

	(void)state;
	assert_int_equal(g->n, 1);
	assert_string_equal(g->text[0], "1 Main St\nSpringfield\nUSA");
	got_free(g);
}

/* ---- converters --------------------------------------------------------------- */

struct tmp {
	char root[64];
	char path[256];
};

static const char *tmp_script(struct tmp *t, const char *name,
			      const char *body)
{
	FILE *fp;

	snprintf(t->path, sizeof(t->path), "%s/%s", t->root, name);
	fp = fopen(t->path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	assert_int_equal(chmod(t->path, 0755), 0);
	return t->path;
}

static void test_conv_spec_and_find(void **state)
{
	struct conv c;
	struct qerr err = {0, ""};

	(void)state;
	conv_init(&c);
	assert_int_equal(conv_parse_spec(&c, "PDF=pdftotext %s -", &err), 0);
	assert_int_equal(conv_parse_spec(&c, "1.gz=man -l", &err), 0);
	assert_int_equal(conv_parse_spec(&c, "=x", &err), QERR_USAGE);
	assert_int_equal(conv_parse_spec(&c, "a/b=x", &err), QERR_USAGE);
	assert_non_null(conv_find(&c, "dir.v2/Report.pdf"));
	assert_string_equal(conv_find(&c, "x.PDF")->cmd, "pdftotext %s -");
	assert_string_equal(conv_find(&c, "/usr/share/man/ls.1.gz")->ext,
			    "1.gz");
	assert_null(conv_find(&c, "x.gz"));
	assert_null(conv_find(&c, "pdf"));
	/* an empty command drops the rule */
	assert_int_equal(conv_parse_spec(&c, "pdf=", &err), 0);
	assert_null(conv_find(&c, "x.pdf"));
	conv_free(&c);
}

static void test_conv_run(void **state)
{
	struct tmp t;
	struct conv c;
	struct conv_rule r;
	struct qerr err;
	char *out, cmd[512], odd[300];
	size_t len;
	struct timespec t0, t1;
	FILE *fp;

	(void)state;
	strcpy(t.root, "/tmp/quarry_conv_XXXXXX");
	assert_non_null(mkdtemp(t.root));
	conv_init(&c);
	r.ext = "x";
	r.cmd = cmd;
	/* the path is one argument, whatever it holds: no shell */
	snprintf(odd, sizeof(odd), "%s/a b;$(touch pwned)'.x", t.root);
	fp = fopen(odd, "w");
	assert_non_null(fp);
	fputs("hello", fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "%s --file=%%s",
		 tmp_script(&t, "cat.sh", "cat \"${1#--file=}\"; echo \" $#\""));
	qerr_clear(&err);
	assert_int_equal(conv_run(&c, &r, odd, &out, &len, &err), 0);
	assert_string_equal(out, "hello 1\n");
	assert_int_equal(len, 8);
	free(out);
	snprintf(t.path, sizeof(t.path), "%s/pwned", t.root);
	assert_int_not_equal(access(t.path, F_OK), 0);
	/* fails */
	snprintf(cmd, sizeof(cmd), "%s", tmp_script(&t, "f.sh", "exit 3"));
	qerr_clear(&err);
	assert_int_equal(conv_run(&c, &r, odd, &out, &len, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "failed (exit 3), skipped"));
	assert_null(out);
	/* missing */
	snprintf(cmd, sizeof(cmd), "quarry-no-such-converter %%s");
	qerr_clear(&err);
	assert_int_equal(conv_run(&c, &r, odd, &out, &len, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "not found, skipped"));
	/* hangs: killed at the time limit, with the helpers it started */
	c.timeout_ms = 300;
	snprintf(cmd, sizeof(cmd), "%s",
		 tmp_script(&t, "h.sh", "echo start; sleep 30 & sleep 30"));
	qerr_clear(&err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(conv_run(&c, &r, odd, &out, &len, &err), QERR_DATA);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_non_null(strstr(err.msg, "timed out"));
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	/* prints without end: stopped at the size limit */
	c.timeout_ms = 20000;
	c.max_bytes = 1 << 20;
	snprintf(cmd, sizeof(cmd), "yes");
	qerr_clear(&err);
	assert_int_equal(conv_run(&c, &r, odd, &out, &len, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "printed over 1 MB"));
	conv_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t.root);
	assert_int_equal(system(cmd), 0);
}

static void test_conv_in_corpus(void **state)
{
	struct tmp t;
	struct conv c;
	struct corpus_opts o = {CORPUS_AS_AUTO, 0, NULL};
	struct corpus_reader r = {.on_rec = on_rec, .on_warn = on_warn, .opts = &o};
	struct qerr err = {0, ""};
	struct got *g = calloc(1, sizeof(*g));
	char file[300], cmd[400];
	long n = 0;
	FILE *fp;

	(void)state;
	strcpy(t.root, "/tmp/quarry_convc_XXXXXX");
	assert_non_null(mkdtemp(t.root));
	snprintf(file, sizeof(file), "%s/doc.fake", t.root);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("\x01\x02 binary \x03", fp);
	fclose(fp);
	conv_init(&c);
	snprintf(cmd, sizeof(cmd), "fake=%s",
		 tmp_script(&t, "conv.sh", "printf 'Title\\n\\nConverted text.\\n'"));
	assert_int_equal(conv_parse_spec(&c, cmd, &err), 0);
	o.conv = &c;
	r.ctx = g;
	assert_int_equal(corpus_read_file(&r, file, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(g->title[0], "Title");
	assert_string_equal(g->text[0], "Converted text.");
	assert_string_equal(g->format[0], "fake");
	assert_int_equal(g->kind[0], CORPUS_PASSAGE);
	got_free(g);
	/* binary output is refused like a binary file */
	g = calloc(1, sizeof(*g));
	r.ctx = g;
	snprintf(cmd, sizeof(cmd), "fake=%s",
		 tmp_script(&t, "bin.sh", "head -c 4096 /dev/urandom"));
	assert_int_equal(conv_parse_spec(&c, cmd, &err), 0);
	qerr_clear(&err);
	assert_int_equal(corpus_read_file(&r, file, &n, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, "looks binary"));
	got_free(g);
	conv_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t.root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_title_paragraphs_lines),
		cmocka_unit_test(test_text_no_title),
		cmocka_unit_test(test_sentence_split),
		cmocka_unit_test(test_long_words_utf8),
		cmocka_unit_test(test_md_heading_path_setext),
		cmocka_unit_test(test_md_code_stays_whole),
		cmocka_unit_test(test_md_qa_setext_ends_answer),
		cmocka_unit_test(test_detect_and_force),
		cmocka_unit_test(test_real_readme),
		cmocka_unit_test(test_html_broken),
		cmocka_unit_test(test_html_garbage),
		cmocka_unit_test(test_html_br),
		cmocka_unit_test(test_conv_spec_and_find),
		cmocka_unit_test(test_conv_run),
		cmocka_unit_test(test_conv_in_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
