/* output.c - results for people: rank, source, question, wrapped answer.
 *
 * Colour only when the stream is a terminal and NO_COLOR is unset
 * (no-color.org).  Wrapping counts display columns with utf8proc, so CJK
 * and combining characters line up. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utf8proc.h>

#include "../util/term.h"
#include "cli.h"
#include "render.h"

#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_CYAN "\033[36m"
#define C_OFF "\033[0m"

void cli_out_init(struct cli_out *o, FILE *fp, int json)
{
	const char *nc = getenv("NO_COLOR");
	const char *cols = getenv("COLUMNS");
	int fd = fileno(fp), tty = isatty(fd);
	struct winsize ws;

	o->fp = fp;
	o->json = json;
	o->color = tty && !(nc && *nc) && !json;
	o->width = 0;
	if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		o->width = ws.ws_col;
	else if (cols && atoi(cols) > 0)
		o->width = atoi(cols);
	if (o->width > 0 && o->width < 20)
		o->width = 20;
}

void cli_put(FILE *fp, const char *s, enum term_mode mode)
{
	struct buf b = BUF_INIT;

	if (s == NULL)
		return;
	if (term_clean(&b, s, strlen(s), mode) == 0)
		fwrite(b.data, 1, b.len, fp);
	else
		fputs("(out of memory)", fp);
	buf_free(&b);
}

/* Write s[0..n), a piece of record text (never a cut UTF-8 sequence:
 * pieces end at blanks and at marks), with every control character made
 * visible (util/term.h) and tabs read as blanks. */
static void put_clean(FILE *fp, const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (term_clean(&b, s, n, TERM_TEXT) != 0) {
		fputs("(out of memory)", fp);
		buf_free(&b);
		return;
	}
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '\t')
			b.data[i] = ' ';
	fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
}

/* Write s[0..n), which sits at byte base of a text marked by mk (may be
 * NULL), through put_clean, the marked words bold when o->color. */
static void put_marked(const struct cli_out *o, const char *s, size_t n,
		       size_t base, const struct snippet *mk)
{
	size_t i = 0;
	int k;

	for (k = 0; o->color && mk && k < mk->nmarks && i < n; k++) {
		size_t ms = mk->marks[k].start, me = ms + mk->marks[k].len;

		if (me <= base + i)
			continue;
		if (ms >= base + n)
			break;
		if (ms > base + i) {
			put_clean(o->fp, s + i, ms - base - i);
			i = ms - base;
		}
		if (me > base + n)
			me = base + n;
		fputs(C_BOLD, o->fp);
		put_clean(o->fp, s + i, me - base - i);
		fputs(C_OFF, o->fp);
		i = me - base;
	}
	put_clean(o->fp, s + i, n - i);
}

/* Wrap one line (no '\n' inside) at o->width; the line starts at byte
 * base of the text mk marks (mk may be NULL). */
static void wrap_line(const struct cli_out *o, const char *s, size_t n,
		      int indent, size_t base, const struct snippet *mk)
{
	int col = indent, avail = o->width - indent;
	size_t i = 0;

	fprintf(o->fp, "%*s", indent, "");
	if (o->width <= 0 || avail < 10) {
		put_marked(o, s, n, base, mk);
		fputc('\n', o->fp);
		return;
	}
	while (i < n) {
		size_t j = i, ws;
		int w;

		while (j < n && s[j] != ' ')
			j++;
		w = cli_text_width(s + i, j - i);
		if (col > indent && col + 1 + w > o->width) {
			fprintf(o->fp, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', o->fp);
			col++;
		}
		put_marked(o, s + i, j - i, base + i, mk);
		col += w;
		for (ws = j; ws < n && s[ws] == ' '; ws++)
			;
		i = ws;
	}
	fputc('\n', o->fp);
}

/* cli_print_wrapped with the words mk marks in bold (mk may be NULL). */
static void print_marked(const struct cli_out *o, const char *text,
			 int indent, const struct snippet *mk)
{
	const char *s = text;

	/* Record text comes from files quarry does not control: each piece
	 * goes out through put_clean, so marks keep the text's offsets. */
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		wrap_line(o, s, n, indent, (size_t)(s - text), mk);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

void cli_print_wrapped(const struct cli_out *o, const char *text, int indent)
{
	print_marked(o, text, indent, NULL);
}

/* The answer as plain output shows it unless --full: a passage's
 * snippet (the passage is the document's, not an answer written for a
 * question), a Q&A record's whole answer unless it is long; with --full
 * the whole text (marked when cli_snippets was asked to). */
int cli_shows_snippet(const struct cli_out *o, const struct cli_result *r)
{
	const char *a = r->doc.answer ? r->doc.answer : "";

	return !o->full &&
	       (r->doc.kind == IDX_KIND_PASSAGE || strlen(a) > CLI_LONG_ANSWER);
}

static void print_answer_text(const struct cli_out *o,
			      const struct cli_result *r)
{
	const char *a = r->doc.answer ? r->doc.answer : "";

	if (r->snip.text && cli_shows_snippet(o, r))
		print_marked(o, r->snip.text, 3, &r->snip);
	else
		print_marked(o, a, 3, r->marked.text ? &r->marked : NULL);
}

const char *cli_confidence_word(double c)
{
	if (c >= CLI_HIGH_COVER)
		return "high";
	if (c >= CLI_WEAK_COVER)
		return "medium";
	return "low";
}

/* "high confidence [####-]": the word, and a bar of five cells. */
static void print_confidence(const struct cli_out *o, double c,
			     int uncertain)
{
	int i, cells = (int)(c * 5.0 + 0.5);

	if (uncertain)
		fputs("uncertain, ", o->fp);
	fprintf(o->fp, "%s confidence [", cli_confidence_word(c));
	for (i = 0; i < 5; i++)
		fputc(i < cells ? '#' : '-', o->fp);
	fputc(']', o->fp);
}

void cli_print_results(const struct cli_out *o, const struct cli_result *r,
		       int n, const struct cli_show *how)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct idx_doc *d = &r[i].doc;

		if (i > 0)
			fputc('\n', o->fp);
		fprintf(o->fp, "%s%d.%s %s", o->color ? C_BOLD C_CYAN : "",
			r[i].rank, o->color ? C_OFF : "", o->color ? C_DIM : "");
		cli_put(o->fp, d->source, TERM_NAME);
		fputs(" #", o->fp);
		cli_put(o->fp, d->ext_id, TERM_NAME);
		fprintf(o->fp, " (line %ld)%s  %s", d->line,
			o->color ? C_OFF : "", o->color ? C_DIM : "");
		print_confidence(o, r[i].confidence, how->uncertain);
		if (how->score)
			fprintf(o->fp, ", score %.2f", r[i].score);
		fprintf(o->fp, "%s\n", o->color ? C_OFF : "");
		if (o->color)
			fputs(C_BOLD, o->fp);
		cli_print_wrapped(o, d->question, 3);
		if (o->color)
			fputs(C_OFF, o->fp);
		print_answer_text(o, &r[i]);
	}
}

void cli_print_sources(const struct cli_out *o, const struct cli_result *r,
		       int n)
{
	int i;

	fprintf(o->fp, "\n%sSources:%s\n", o->color ? C_BOLD : "",
		o->color ? C_OFF : "");
	for (i = 0; i < n; i++) {
		const struct idx_doc *d = &r[i].doc;

		fprintf(o->fp, "  [%d] ", r[i].rank);
		cli_put(o->fp, d->source, TERM_NAME);
		fputs(" #", o->fp);
		cli_put(o->fp, d->ext_id, TERM_NAME);
		fprintf(o->fp, " (line %ld)  ", d->line);
		cli_put(o->fp, d->question, TERM_NAME);
		fputc('\n', o->fp);
	}
}

void cli_llm_layout(struct cli_llm_opts *lo, const struct cli_out *o)
{
	lo->width = !o->json && isatty(fileno(o->fp)) ? o->width : 0;
	lo->markdown = o->color;
}
