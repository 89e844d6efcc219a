/* passage.c - cut prose into passages: the builder (heading path, blocks,
 * packing and splitting) and the plain-text and Markdown block readers.
 *
 * The builder holds one open block and one pending passage.  A closed
 * block joins the pending passage when both fit in the bound; otherwise the
 * passage is delivered and the block starts the next one, cut first into
 * sentences (prose) or lines (verbatim) when it is too long itself.  Every
 * line appended to a block leaves a (byte offset, source line) mark, so a
 * piece cut out of a long block knows the line it starts on. */
#include "passage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mdline.h"

struct mark {
	size_t off;
	long line;
};

struct psg {
	size_t max;
	char *deftitle;
	struct buf head[PSG_LEVELS];
	struct buf title;
	psg_emit_fn emit;
	void *ctx;
	int rc;
	long count;
	/* the open block */
	int open;
	enum psg_kind kind;
	struct buf blk;
	struct mark *mk;
	size_t nmk, capmk;
	/* the pending passage */
	struct buf pas;
	long pline;
};

static int is_ws(char c)
{
	/* (\t \n \v \f \r are 9 to 13) */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Append s[0..n) with runs of white space as one space; -1 on no memory.
 * (One reservation, then a byte at a time: the text of every passage
 * goes through here.) */
static int put_collapsed(struct buf *b, const char *s, size_t n)
{
	size_t i;
	char *o;
	int in_ws = 0;

	if (buf_reserve(b, n) != 0)
		return -1;
	o = b->data + b->len;
	for (i = 0; i < n; i++) {
		if (!is_ws(s[i]))
			*o++ = s[i];
		else if (!in_ws)
			*o++ = ' ';
		in_ws = is_ws(s[i]);
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
	return 0;
}

static void fail(struct psg *p, int rc)
{
	if (p->rc == 0)
		p->rc = rc;
}

struct psg *psg_new(size_t max, const char *title, psg_emit_fn emit,
		    void *ctx)
{
	struct psg *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->max = max ? max : PSG_MAX_BYTES;
	p->emit = emit;
	p->ctx = ctx;
	if (title && (p->deftitle = strdup(title)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void psg_free(struct psg *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < PSG_LEVELS; i++)
		buf_free(&p->head[i]);
	buf_free(&p->title);
	buf_free(&p->blk);
	buf_free(&p->pas);
	free(p->mk);
	free(p->deftitle);
	free(p);
}

long psg_count(const struct psg *p)
{
	return p->count;
}

/* ---- delivering ---------------------------------------------------------- */

/* The heading path, levels joined by " > ", a level equal to the one
 * above it (an h1 repeating the page title) shown once. */
static const char *title_of(struct psg *p)
{
	const char *prev = NULL;
	int i;

	buf_reset(&p->title);
	for (i = 0; i < PSG_LEVELS; i++) {
		const struct buf *h = &p->head[i];

		if (h->len == 0 || (prev && strcmp(prev, h->data) == 0))
			continue;
		if ((p->title.len > 0 && buf_puts(&p->title, " > ") != 0) ||
		    buf_append(&p->title, h->data, h->len) != 0) {
			fail(p, -1);
			return "";
		}
		prev = h->data;
	}
	if (p->title.len == 0)
		return p->deftitle ? p->deftitle : "";
	return p->title.data;
}

static void flush(struct psg *p)
{
	int rc;

	if (p->rc != 0 || p->pas.len == 0)
		return;
	rc = p->emit(p->ctx, title_of(p), p->pas.data, p->pline);
	p->count++;
	buf_reset(&p->pas);
	if (rc != 0)
		fail(p, rc);
}

/* Add piece s[0..n) starting at line to the pending passage, joined by
 * sep, delivering the passage first when the piece does not fit. */
static void pack(struct psg *p, const char *s, size_t n, long line,
		 const char *sep)
{
	size_t sl = strlen(sep);

	if (p->pas.len > 0 && p->pas.len + sl + n > p->max)
		flush(p);
	if (p->rc != 0)
		return;
	if (p->pas.len == 0)
		p->pline = line;
	else if (buf_append(&p->pas, sep, sl) != 0)
		fail(p, -1);
	if (p->rc == 0 && buf_append(&p->pas, s, n) != 0)
		fail(p, -1);
}

/* ---- cutting long blocks --------------------------------------------------- */

/* Source line of block offset off: the last mark at or before it. */
static long line_at(const struct psg *p, size_t off)
{
	size_t lo = 0, hi = p->nmk;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->mk[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return p->nmk ? p->mk[lo].line : 0;
}

static int is_abbrev(const char *w, size_t n)
{
	static const char *const tab[] = {
		"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "no",
		"fig", "cf", "inc", "ltd", "co", "gen", "col", "lt", "sgt",
		"capt", "rev", "prof", "approx", "vol", "pp", "ca", NULL,
	};
	size_t i;

	if (n == 1)
		return 1; /* an initial: "J. Smith" */
	if (memchr(w, '.', n) != NULL)
		return 1; /* "U.S.", "e.g." */
	for (i = 0; tab[i]; i++)
		if (strlen(tab[i]) == n && strncasecmp(w, tab[i], n) == 0)
			return 1;
	return 0;
}

static int is_closer(char c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']';
}

/* End of the sentence starting at s[i] in s[0..n): the offset after its
 * terminator and closing quotes (a '\n' also ends one), or n. */
static size_t sentence_end(const char *s, size_t n, size_t i)
{
	for (; i < n; i++) {
		size_t j = i + 1, w;

		if (s[i] == '\n')
			return i;
		if (s[i] != '.' && s[i] != '!' && s[i] != '?')
			continue;
		while (j < n && is_closer(s[j]))
			j++;
		if (j >= n)
			return n;
		if (s[j] != ' ' || j + 1 >= n ||
		    (s[j + 1] >= 'a' && s[j + 1] <= 'z'))
			continue;
		if (s[i] == '.') {
			for (w = i; w > 0 && s[w - 1] != ' ' && s[w - 1] != '\n';)
				w--;
			if (w < i && (s[w] == '(' || s[w] == '"'))
				w++;
			if (is_abbrev(s + w, i - w))
				continue;
		}
		return j;
	}
	return n;
}

/* Cut s[a..b) (no bound on its length) into pieces of at most max bytes at
 * spaces, or at a character boundary when a word is longer. */
static void pack_words(struct psg *p, const char *s, size_t a, size_t b,
		       const char *sep)
{
	while (a < b && p->rc == 0) {
		size_t e = b, k;

		if (b - a > p->max) {
			e = a + p->max;
			for (k = e; k > a && s[k] != ' ' && s[k] != '\n'; k--)
				;
			if (k > a) {
				e = k;
			} else {
				while (e > a + 1 &&
				       ((unsigned char)s[e] & 0xc0) == 0x80)
					e--;
			}
		}
		pack(p, s + a, e - a, line_at(p, a), sep);
		a = e;
		while (a < b && (s[a] == ' ' || s[a] == '\n'))
			a++;
		sep = " ";
	}
}

/* A block over the bound: sentences (prose) or lines (verbatim), packed. */
static void split_block(struct psg *p)
{
	const char *s = p->blk.data;
	size_t n = p->blk.len, a = 0, e;
	const char *sep = "\n\n";

	while (a < n && p->rc == 0) {
		if (p->kind == PSG_PROSE) {
			e = sentence_end(s, n, a);
		} else {
			const char *nl = memchr(s + a, '\n', n - a);

			e = nl ? (size_t)(nl - s) : n;
		}
		if (e - a > p->max)
			pack_words(p, s, a, e, sep);
		else if (e > a)
			pack(p, s + a, e - a, line_at(p, a), sep);
		sep = p->kind == PSG_PROSE ? " " : "\n";
		a = e;
		while (a < n && (s[a] == ' ' || (p->kind == PSG_PROSE &&
						 s[a] == '\n')))
			a++;
		if (a < n && s[a] == '\n')
			a++;
	}
}

void psg_end_block(struct psg *p)
{
	size_t n;

	if (!p->open)
		return;
	p->open = 0;
	n = p->blk.len;
	while (n > 0 && is_ws(p->blk.data[n - 1]))
		n--;
	p->blk.len = n;
	if (n == 0 || p->rc != 0)
		return;
	p->blk.data[n] = '\0';
	if (p->pas.len + 2 + n <= p->max) {
		pack(p, p->blk.data, n, p->mk[0].line, "\n\n");
		return;
	}
	flush(p);
	if (n <= p->max || (p->kind == PSG_VERBATIM && n <= 2 * p->max))
		pack(p, p->blk.data, n, p->mk[0].line, "\n\n");
	else
		split_block(p);
}

/* ---- building blocks ------------------------------------------------------- */

void psg_block(struct psg *p, enum psg_kind kind, long line)
{
	psg_end_block(p);
	(void)line;
	p->open = 1;
	p->kind = kind;
	buf_reset(&p->blk);
	p->nmk = 0;
}

static int add_mark(struct psg *p, size_t off, long line)
{
	if (p->nmk == p->capmk) {
		size_t c = p->capmk ? p->capmk * 2 : 16;
		struct mark *m = realloc(p->mk, c * sizeof(*m));

		if (m == NULL)
			return -1;
		p->mk = m;
		p->capmk = c;
	}
	p->mk[p->nmk].off = off;
	p->mk[p->nmk].line = line;
	p->nmk++;
	return 0;
}

void psg_text(struct psg *p, const char *s, size_t n, long line,
	      enum psg_join join)
{
	struct buf *b = &p->blk;
	int r = 0;

	if (p->rc != 0)
		return;
	if (!p->open)
		psg_block(p, PSG_PROSE, line);
	if (p->kind == PSG_VERBATIM && join != PSG_SPACE) {
		while (join == PSG_NEWLINE && n > 0 && is_ws(s[n - 1]))
			n--;
		if (b->len > 0 && join == PSG_NEWLINE)
			r = buf_putc(b, '\n');
		if (r == 0)
			r = add_mark(p, b->len, line);
		if (r == 0)
			r = buf_append(b, s, n);
	} else {
		mdl_trim(&s, &n);
		if (n == 0)
			return;
		if (b->len > 0 && join != PSG_GLUE)
			r = buf_putc(b, join == PSG_NEWLINE ? '\n' : ' ');
		if (r == 0 && (p->nmk == 0 || p->mk[p->nmk - 1].line != line))
			r = add_mark(p, b->len, line);
		if (r == 0)
			r = put_collapsed(b, s, n);
	}
	if (r != 0)
		fail(p, -1);
}

void psg_heading(struct psg *p, int level, const char *s, size_t n)
{
	int i;

	psg_end_block(p);
	flush(p);
	if (level < 0 || level >= PSG_LEVELS || p->rc != 0)
		return;
	for (i = level; i < PSG_LEVELS; i++)
		buf_reset(&p->head[i]);
	mdl_trim(&s, &n);
	if (put_collapsed(&p->head[level], s, n) != 0)
		fail(p, -1);
}

int psg_finish(struct psg *p)
{
	psg_end_block(p);
	flush(p);
	return p->rc;
}

/* ---- plain text ------------------------------------------------------------ */

/* Next line of s[*i..n) without its '\n'. */
static int next_line(const char *s, size_t n, size_t *i, const char **l,
		     size_t *ln)
{
	const char *nl;

	if (*i >= n)
		return 0;
	nl = memchr(s + *i, '\n', n - *i);
	*l = s + *i;
	*ln = nl ? (size_t)(nl - *l) : n - *i;
	*i += *ln + (nl != NULL);
	return 1;
}

static size_t indent_of(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* "- ", "* ", "+ ", "• " or "12. ", "3) " after any indentation: the
 * offset of the item's text, else 0. */
static size_t bullet(const char *s, size_t n)
{
	size_t i = indent_of(s, n), d = i;

	if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t'))
		return i + 2;
	if (i + 3 < n && memcmp(s + i, "\xe2\x80\xa2", 3) == 0 && s[i + 3] == ' ')
		return i + 4;
	while (i < n && i - d < 9 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i > d && i + 1 < n && (s[i] == '.' || s[i] == ')') &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t'))
		return i + 2;
	return 0;
}

#define TITLE_MAX 120

/* The first line as a title: short, alone, no final period, text after. */
static int text_title(struct psg *p, const char *s, size_t n, size_t *at,
		      long *lineno)
{
	size_t i = 0, ln, ln2, save;
	const char *l, *l2;
	long no = 0;

	while (next_line(s, n, &i, &l, &ln)) {
		no++;
		if (!mdl_blank(l, ln))
			break;
	}
	if (i == 0 || mdl_blank(l, ln))
		return 0;
	mdl_trim(&l, &ln);
	save = i;
	if (ln > TITLE_MAX || l[ln - 1] == '.' || l[ln - 1] == ',' ||
	    !next_line(s, n, &i, &l2, &ln2) || !mdl_blank(l2, ln2))
		return 0;
	while (next_line(s, n, &i, &l2, &ln2))
		if (!mdl_blank(l2, ln2))
			break;
	if (mdl_blank(l2, ln2))
		return 0; /* nothing follows: the line is the text */
	psg_heading(p, 0, l, ln);
	*at = save;
	*lineno = no;
	return 1;
}

void psg_read_text(struct psg *p, const char *s, size_t n)
{
	size_t i = 0, ln, ind = 0;
	const char *l;
	long no = 0;

	text_title(p, s, n, &i, &no);
	while (p->rc == 0 && next_line(s, n, &i, &l, &ln)) {
		size_t in = indent_of(l, ln);

		no++;
		if (mdl_blank(l, ln)) {
			psg_end_block(p);
			continue;
		}
		if (!p->open) {
			psg_block(p, PSG_PROSE, no);
			psg_text(p, l, ln, no, PSG_SPACE);
		} else {
			psg_text(p, l, ln, no,
				 in != ind || bullet(l, ln) ? PSG_NEWLINE
							    : PSG_SPACE);
		}
		ind = in;
	}
}

/* ---- Markdown -------------------------------------------------------------- */

enum mdb { MD_NONE, MD_PARA, MD_LIST, MD_CODE, MD_FENCE, MD_TABLE, MD_QUOTE };

struct mdr {
	struct psg *p;
	enum mdb blk;
	int para_lines, hard;
	char fence_ch;
	size_t fence_len;
	const char *prev; /* the open one-line paragraph's text (setext) */
	size_t prevn;
};

/* "***", "---", "___" (three or more, spaces allowed between). */
static int md_rule(const char *s, size_t n)
{
	size_t i = mdl_indent(s, n), cnt = 0;
	char c;

	if (i >= n || (s[i] != '*' && s[i] != '-' && s[i] != '_'))
		return 0;
	c = s[i];
	for (; i < n; i++) {
		if (s[i] == c)
			cnt++;
		else if (s[i] != ' ' && s[i] != '\t')
			return 0;
	}
	return cnt >= 3;
}

static void md_open(struct mdr *m, enum mdb b, long no)
{
	if (m->blk == b)
		return;
	psg_block(m->p, b == MD_PARA ? PSG_PROSE : PSG_VERBATIM, no);
	m->blk = b;
	m->para_lines = 0;
	m->hard = 0;
}

static void md_close(struct mdr *m)
{
	psg_end_block(m->p);
	m->blk = MD_NONE;
}

/* A paragraph line; ends in two spaces or '\\': a hard break follows. */
static void md_para(struct mdr *m, const char *l, size_t ln, long no)
{
	int hard = 0;

	if (ln >= 2 && l[ln - 1] == ' ' && l[ln - 2] == ' ')
		hard = 1;
	else if (ln >= 1 && l[ln - 1] == '\\')
		hard = 1, ln--;
	psg_text(m->p, l, ln, no, m->hard ? PSG_NEWLINE : PSG_SPACE);
	m->hard = hard;
	m->para_lines++;
	m->prev = l;
	m->prevn = ln;
}

static void md_line(struct mdr *m, const char *l, size_t ln, long no,
		    int after_blank)
{
	const char *t;
	size_t tn, in = indent_of(l, ln), fl;
	int level;
	char ch;

	if (m->blk == MD_FENCE) {
		psg_text(m->p, l, ln, no, PSG_NEWLINE);
		if (mdl_fence(l, ln, &ch) >= m->fence_len && ch == m->fence_ch &&
		    mdl_blank(l + indent_of(l, ln) + m->fence_len,
			  ln - indent_of(l, ln) - m->fence_len))
			md_close(m);
		return;
	}
	if (m->blk == MD_PARA && m->para_lines == 1 &&
	    (level = mdl_setext(l, ln)) > 0) {
		t = m->prev;
		tn = m->prevn;
		m->p->open = 0; /* the paragraph was the heading */
		m->blk = MD_NONE;
		psg_heading(m->p, level, t, tn);
		return;
	}
	if (mdl_atx(l, ln, &level, &t, &tn)) {
		md_close(m);
		psg_heading(m->p, level, t, tn);
		return;
	}
	if ((fl = mdl_fence(l, ln, &ch)) > 0) {
		md_close(m);
		md_open(m, MD_FENCE, no);
		m->fence_ch = ch;
		m->fence_len = fl;
		psg_text(m->p, l, ln, no, PSG_NEWLINE);
		return;
	}
	if (m->blk != MD_PARA && md_rule(l, ln)) {
		md_close(m);
		return;
	}
	if (in >= 4 && m->blk != MD_PARA && m->blk != MD_LIST &&
	    (after_blank || m->blk == MD_CODE)) {
		md_open(m, MD_CODE, no);
		psg_text(m->p, l, ln, no, PSG_NEWLINE);
		return;
	}
	if (in < 4 && l[in] == '|') {
		md_open(m, MD_TABLE, no);
		psg_text(m->p, l, ln, no, PSG_NEWLINE);
		return;
	}
	if (in < 4 && l[in] == '>') {
		md_open(m, MD_QUOTE, no);
		psg_text(m->p, l, ln, no, PSG_NEWLINE);
		return;
	}
	if (bullet(l, ln) && (m->blk != MD_PARA || in < 4)) {
		if (m->blk != MD_LIST)
			md_close(m);
		md_open(m, MD_LIST, no);
		psg_text(m->p, l, ln, no, PSG_NEWLINE);
		return;
	}
	if (m->blk == MD_LIST && !after_blank) {
		psg_text(m->p, l, ln, no, PSG_SPACE); /* the item goes on */
		return;
	}
	if (m->blk != MD_PARA)
		md_close(m);
	md_open(m, MD_PARA, no);
	md_para(m, l, ln, no);
}

void psg_read_md(struct psg *p, const char *s, size_t n)
{
	struct mdr m;
	size_t i = 0, ln;
	const char *l;
	long no = 0;
	int after_blank = 1;

	memset(&m, 0, sizeof(m));
	m.p = p;
	while (p->rc == 0 && next_line(s, n, &i, &l, &ln)) {
		no++;
		if (m.blk != MD_FENCE && mdl_blank(l, ln)) {
			if (m.blk != MD_LIST && m.blk != MD_CODE)
				md_close(&m);
			else if (m.blk == MD_CODE)
				psg_text(p, "", 0, no, PSG_NEWLINE);
			after_blank = 1;
			continue;
		}
		if (m.blk == MD_LIST && after_blank && indent_of(l, ln) == 0 &&
		    !bullet(l, ln))
			md_close(&m);
		if (m.blk == MD_CODE && indent_of(l, ln) < 4)
			md_close(&m);
		md_line(&m, l, ln, no, after_blank);
		after_blank = 0;
	}
	md_close(&m);
}

/* ---- reflowing a Markdown answer ------------------------------------------- */

static int collect(void *ctx, const char *title, const char *text, long line)
{
	struct buf *out = ctx;

	(void)title;
	(void)line;
	if (out->len > 0 && buf_puts(out, "\n\n") != 0)
		return -1;
	return buf_puts(out, text) != 0 ? -1 : 0;
}

int psg_reflow_md(const char *text, size_t len, struct buf *out)
{
	struct psg *p = psg_new(SIZE_MAX / 4, NULL, collect, out);
	int rc;

	if (p == NULL)
		return -1;
	psg_read_md(p, text, len);
	rc = psg_finish(p);
	psg_free(p);
	return rc;
}
