/* html.h - HTML pages read into passages with libxml2's HTML parser.
 *
 * The page's <title> and its h1-h6 headings make the heading path; script,
 * style, nav, footer, noscript, template and svg are dropped; paragraphs,
 * list items, table cells and the like become prose blocks, <pre> a
 * verbatim block; entities come decoded from the parser.  Broken markup is
 * read the way the parser's recovery mode reads it (as browsers do), never
 * refused.  libxml2 is loaded with dlopen on the first page, so commands
 * that read no HTML never load it. */
#ifndef QUARRY_HTML_H
#define QUARRY_HTML_H

#include <stddef.h>

#include "../util/err.h"
#include "passage.h"

/* Feed the HTML document data[0..len) (any encoding the parser detects,
 * UTF-8 by default) to p.  Returns 0, or QERR_DATA with err set when
 * libxml2 cannot be loaded or the parser gives up (out of memory). */
int html_read(struct psg *p, const char *name, const char *data, size_t len,
	      struct qerr *err);

/* Whether data looks like HTML: "<!doctype html" or "<html" first. */
int html_sniff(const char *data, size_t len);

#endif
