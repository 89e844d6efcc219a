/* render.c - an LLM reply laid out for a terminal as it streams in.
 *
 * Words are held until they end (a blank or a line break arrives), then
 * written, wrapped at the width so that no word is split; a list item or
 * quote wraps under its own text.  With colour, Markdown shows as glow and
 * mods show it: **bold** bold, `code` in cyan, *emphasis* in italics,
 * headings bold, "- item" as a bullet, ``` blocks indented in cyan (a code
 * line is written when it ends, and never wrapped).  Without colour the
 * marks stay as they are and only the wrapping applies.
 *
 * The text fed here is already safe for a terminal (util/term.h): the only
 * escape sequences written are this file's own SGR codes. */
#include <string.h>
#include <utf8proc.h>

#include "render.h"

#define SGR_OFF "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_ITALIC "\033[3m"
#define SGR_CODE "\033[36m"
#define SGR_DIM "\033[2m"

int cli_text_width(const char *s, size_t n)
{
	utf8proc_ssize_t i = 0;
	int w = 0;

	while ((size_t)i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(
			(const utf8proc_uint8_t *)s + i,
			(utf8proc_ssize_t)n - i, &c);

		if (k <= 0) {
			i++;
			w++;
			continue;
		}
		i += k;
		w += c < 0x80 ? 1 : utf8proc_charwidth(c);
	}
	return w;
}

void cli_render_init(struct cli_render *r, FILE *fp, int width, int color)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->width = width;
	r->color = color;
	r->line_start = 1;
	r->word = (struct buf)BUF_INIT;
	r->line = (struct buf)BUF_INIT;
}

/* Turn every attribute off and back on as the state says. */
static void sgr(struct cli_render *r)
{
	fputs(SGR_OFF, r->fp);
	if (r->bold || r->heading)
		fputs(SGR_BOLD, r->fp);
	if (r->em)
		fputs(SGR_ITALIC, r->fp);
	if (r->code)
		fputs(SGR_CODE, r->fp);
}

static void attrs_off(struct cli_render *r)
{
	if (r->color && (r->bold || r->em || r->code || r->heading))
		fputs(SGR_OFF, r->fp);
	r->bold = r->em = r->code = r->heading = 0;
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	       c >= 0x80;
}

/* Write w[0..n) with its inline marks turned into attributes (with
 * colour), else as it is.  Returns the display width written. */
static int put_inline(struct cli_render *r, const char *w, size_t n)
{
	size_t i = 0, from = 0;
	int width = 0;

	if (!r->color) {
		fwrite(w, 1, n, r->fp);
		return cli_text_width(w, n);
	}
	while (i < n) {
		size_t mark = 0;
		int *flag = NULL;

		if (w[i] == '`') {
			mark = 1;
			flag = &r->code;
		} else if (r->code) {
			mark = 0; /* no marks inside a code span */
		} else if (i + 1 < n && (w[i] == '*' || w[i] == '_') &&
			   w[i + 1] == w[i]) {
			mark = 2;
			flag = &r->bold;
		} else if (w[i] == '*' || w[i] == '_') {
			/* an emphasis mark opens before a letter at the start
			 * of a word and closes after one; 2*3 and snake_case
			 * stay as they are */
			int opens = !r->em && i == from && i + 1 < n &&
				    is_alnum((unsigned char)w[i + 1]);
			int closes = r->em && i > 0 &&
				     is_alnum((unsigned char)w[i - 1]) &&
				     (i + 1 == n ||
				      !is_alnum((unsigned char)w[i + 1]));

			if (opens || closes) {
				mark = 1;
				flag = &r->em;
			}
		}
		if (mark == 0) {
			i++;
			continue;
		}
		fwrite(w + from, 1, i - from, r->fp);
		width += cli_text_width(w + from, i - from);
		*flag = !*flag;
		sgr(r);
		i += mark;
		from = i;
	}
	fwrite(w + from, 1, n - from, r->fp);
	return width + cli_text_width(w + from, n - from);
}

static void newline(struct cli_render *r, int indent)
{
	fprintf(r->fp, "\n%*s", indent, "");
	r->col = indent;
}

/* Display width of w[0..n) as put_inline would write it (marks are not
 * counted with colour, which may overcount a word by a mark or two). */
static int word_width(const struct cli_render *r, const char *w, size_t n)
{
	int marks = 0;
	size_t i;

	if (r->color)
		for (i = 0; i < n; i++)
			marks += w[i] == '`' || w[i] == '*' || w[i] == '_';
	return cli_text_width(w, n) - marks;
}

/* The first word of a line: a block mark (heading, list item, quote,
 * code fence) sets the line up and is consumed (1), else 0. */
static int block_mark(struct cli_render *r, const char *w, size_t n)
{
	size_t k = 0;

	if (n >= 3 && memcmp(w, "```", 3) == 0) {
		r->fence = 1;
		r->fence_open = 1;
		buf_reset(&r->line);
		for (k = 0; k < (size_t)r->lead; k++)
			r->oom |= buf_putc(&r->line, ' ') != 0;
		r->oom |= buf_append(&r->line, w, n) != 0;
		return 1;
	}
	fprintf(r->fp, "%*s", r->lead, "");
	r->col = r->indent = r->lead;
	while (k < n && w[k] == '#')
		k++;
	if (k == n && k <= 6 && r->color) {
		r->heading = 1;
		sgr(r);
		return 1;
	}
	if (n == 1 && (w[0] == '-' || w[0] == '*' || w[0] == '+')) {
		fputs(r->color ? "\xe2\x80\xa2 " : w, r->fp); /* U+2022 */
		if (!r->color)
			fputc(' ', r->fp);
		r->col = r->indent = r->lead + 2;
		return 1;
	}
	for (k = 0; k < n && w[k] >= '0' && w[k] <= '9'; k++)
		;
	if (k > 0 && k + 1 == n && (w[k] == '.' || w[k] == ')')) {
		fwrite(w, 1, n, r->fp);
		fputc(' ', r->fp);
		r->col = r->indent = r->lead + (int)n + 1;
		return 1;
	}
	if (n == 1 && w[0] == '>') {
		fputs(r->color ? SGR_DIM "\xe2\x94\x82" SGR_OFF " " : "> ",
		      r->fp); /* U+2502 */
		if (r->color)
			sgr(r);
		r->col = r->indent = r->lead + 2;
		return 1;
	}
	return 0;
}

/* Write the word held in r->word, wrapping before it when it would run
 * past the width. */
static void flush_word(struct cli_render *r)
{
	const char *w = r->word.data;
	size_t n = r->word.len;
	int width;

	if (n == 0)
		return;
	if (r->line_start) {
		r->line_start = 0;
		if (block_mark(r, w, n)) {
			buf_reset(&r->word);
			r->space = 0;
			return;
		}
		r->space = 0;
	}
	width = word_width(r, w, n);
	if (r->width > 0 && r->col > r->indent &&
	    r->col + r->space + width > r->width)
		newline(r, r->indent);
	else if (r->space && r->col > r->indent) {
		fputc(' ', r->fp);
		r->col++;
	}
	r->col += put_inline(r, w, n);
	r->space = 0;
	buf_reset(&r->word);
}

/* A line of a code block has ended (or the fence line opening it). */
static void end_code_line(struct cli_render *r)
{
	const char *s = r->line.data ? r->line.data : "";
	size_t n = r->line.len, lead = strspn(s, " ");
	int closing = !r->fence_open && n - lead >= 3 &&
		      memcmp(s + lead, "```", 3) == 0;

	if (!r->color) {
		fwrite(s, 1, n, r->fp);
		fputc('\n', r->fp);
	} else if (!r->fence_open && !closing) {
		fputs("    " SGR_CODE, r->fp);
		fwrite(s, 1, n, r->fp);
		fputs(SGR_OFF "\n", r->fp);
	}
	if (closing)
		r->fence = 0;
	r->fence_open = 0;
	buf_reset(&r->line);
	r->col = 0;
}

static void end_line(struct cli_render *r)
{
	flush_word(r);
	if (r->fence) { /* a fence opened on this line */
		end_code_line(r);
		r->line_start = 1;
		r->lead = 0;
		return;
	}
	if (r->line_start) /* a blank line ends a paragraph */
		attrs_off(r);
	if (r->heading) {
		r->heading = 0;
		if (r->color)
			sgr(r);
	}
	fputc('\n', r->fp);
	r->col = r->indent = r->lead = 0;
	r->line_start = 1;
	r->space = 0;
}

int cli_render_feed(struct cli_render *r, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (r->fence) {
			if (c == '\n')
				end_code_line(r);
			else
				r->oom |= buf_putc(&r->line, c) != 0;
		} else if (c == '\n') {
			end_line(r);
		} else if (c == ' ' || c == '\t') {
			if (r->line_start && r->word.len == 0)
				r->lead += c == '\t' ? 4 : 1;
			else {
				flush_word(r);
				r->space = 1;
			}
		} else {
			r->oom |= buf_putc(&r->word, c) != 0;
		}
	}
	return r->oom || ferror(r->fp) ? -1 : 0;
}

int cli_render_end(struct cli_render *r)
{
	flush_word(r);
	if (r->fence && r->line.len > 0)
		end_code_line(r);
	attrs_off(r);
	buf_free(&r->word);
	buf_free(&r->line);
	return r->oom || ferror(r->fp) ? -1 : 0;
}
