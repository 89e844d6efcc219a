/* passage.h - prose cut into passages of bounded size.
 *
 * A document without question/answer structure (notes, READMEs, articles,
 * HTML pages, a converter's output) is read as a sequence of blocks under
 * a heading path.  A block is prose (its source lines are reflowed into
 * one paragraph) or verbatim (code, tables, lists: lines kept as they are).
 * Blocks of one section are packed into passages of at most max bytes; a
 * block longer than that is cut at sentence boundaries (prose) or line
 * boundaries (verbatim; a code block up to twice the bound stays whole),
 * and a sentence longer than the bound at a space.  A heading ends the
 * passage before it.  Each passage is delivered with its title (the
 * heading path, "Install > Debian > From source", or the document's
 * default title when it has no heading) and the source line where it
 * starts.
 *
 * The builder keeps a sticky status: after a failure (out of memory or a
 * non-zero emit result) every call is a no-op and psg_finish returns it. */
#ifndef QUARRY_PASSAGE_H
#define QUARRY_PASSAGE_H

#include <stddef.h>

#include "../util/buf.h"

/* Default passage bound in bytes (see README, "Prose"). */
#define PSG_MAX_BYTES 800
#define PSG_LEVELS 7 /* 0: the document title, 1..6: h1..h6 */

enum psg_kind { PSG_PROSE, PSG_VERBATIM };

/* How a line joins the block so far (prose blocks; verbatim lines always
 * start a new line). */
enum psg_join { PSG_SPACE, PSG_GLUE, PSG_NEWLINE };

/* Receives each passage; strings are borrowed until it returns.  Non-zero
 * stops the builder (sticky) and is returned by psg_finish. */
typedef int (*psg_emit_fn)(void *ctx, const char *title, const char *text,
			   long line);

struct psg;

/* A builder cutting passages of at most max bytes (0: PSG_MAX_BYTES).
 * title is used when no heading is set (copied; may be NULL).  NULL when
 * memory runs out. */
struct psg *psg_new(size_t max, const char *title, psg_emit_fn emit,
		    void *ctx);
void psg_free(struct psg *p); /* accepts NULL */

/* Set heading level (0..6) to s[0..n) (trimmed, white space collapsed),
 * clearing deeper levels; ends the current passage. */
void psg_heading(struct psg *p, int level, const char *s, size_t n);
/* Start a block of the given kind at a source line (ends an open one). */
void psg_block(struct psg *p, enum psg_kind kind, long line);
/* Append a line of text to the open block (opening a prose block if none
 * is).  Prose text is trimmed and its white space collapsed. */
void psg_text(struct psg *p, const char *s, size_t n, long line,
	      enum psg_join join);
/* End the open block, if any. */
void psg_end_block(struct psg *p);
/* Deliver what is pending; returns the sticky status (0, -1 out of
 * memory, or the emit function's result). */
int psg_finish(struct psg *p);
/* Passages delivered so far. */
long psg_count(const struct psg *p);

/* Feed normalised text ('\n'-terminated lines, valid UTF-8) to p, read as
 * plain text: blank lines separate paragraphs; a paragraph's lines are
 * joined, except lines that start with white space or a list bullet.
 * The first line is the document title when it stands alone (a short line
 * followed by a blank line, without a final period) and more follows. */
void psg_read_text(struct psg *p, const char *text, size_t len);

/* Feed normalised text read as Markdown: ATX and setext headings make the
 * heading path; paragraphs are reflowed (a line ending in two spaces or a
 * backslash keeps its break); fenced and indented code, tables, lists and
 * block quotes are verbatim blocks. */
void psg_read_md(struct psg *p, const char *text, size_t len);

/* Markdown text (no headings expected) reflowed as psg_read_md shows it:
 * blocks separated by a blank line.  Appended to out; -1 when memory runs
 * out. */
int psg_reflow_md(const char *text, size_t len, struct buf *out);

#endif
