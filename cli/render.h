/* render.h - an LLM reply laid out for a terminal while it streams:
 * wrapped at word boundaries, Markdown shown with attributes (render.c).
 *
 * Feed it text already made safe for a terminal (util/term.h); it adds
 * only its own SGR codes, and only with colour. */
#ifndef QUARRY_RENDER_H
#define QUARRY_RENDER_H

#include <stdio.h>

#include "../util/buf.h"

struct cli_render {
	FILE *fp;
	int width;      /* wrap column; 0: lines are not wrapped */
	int color;      /* Markdown as attributes; else marks kept as text */
	int col;        /* columns written on the current line */
	int indent;     /* where a wrapped line of this block starts */
	int lead;       /* blanks before the current line's first word */
	int line_start; /* no word of the current line written yet */
	int space;      /* a blank goes before the next word */
	int fence;      /* inside a ``` code block */
	int fence_open; /* the line being received opens it */
	int bold, em, code, heading; /* attributes in force */
	int oom;        /* memory ran out: cli_render_end says so */
	struct buf word; /* the word being received */
	struct buf line; /* the code line being received */
};

/* Start a reply on fp at column 0. */
void cli_render_init(struct cli_render *r, FILE *fp, int width, int color);
/* The next piece of the reply, cut anywhere (between words, inside one;
 * never inside a UTF-8 sequence: util/term's stream holds those back).
 * What ends is written; a word being received waits for its end.
 * 0, or -1 when writing failed or memory ran out. */
int cli_render_feed(struct cli_render *r, const char *s, size_t n);
/* The end of the reply: write what waits, turn attributes off, free.
 * Writes no line break of its own.  0 or -1 as cli_render_feed. */
int cli_render_end(struct cli_render *r);

/* Display width of s[0..n) in columns (utf8proc): what a
 * character takes on a terminal, so CJK and combining marks line up. */
int cli_text_width(const char *s, size_t n);

#endif
