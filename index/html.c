/* html.c - walk the tree libxml2's HTML parser builds and feed its text
 * to a passage builder.
 *
 * Block elements (p, li, td, div...) start a new block, inline ones add to
 * the open one; white space between text nodes is kept as one space, so
 * "<b>bold</b>face" stays one word.  The headers are included for the
 * tree's types only: the two functions used are resolved at run time. */
#include "html.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "../util/dl.h"
#include "../util/utf8.h"

#define XML_SONAME "libxml2.so.2"
#define MAX_DEPTH 512 /* the parser nests no deeper than 256 by default */

static htmlDocPtr (*read_memory)(const char *, int, const char *,
				 const char *, int);
static void (*free_doc)(xmlDocPtr);
static int api_ok;
static char api_error[256];
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *lib = dl_open(XML_SONAME, api_error, sizeof(api_error));

	if (lib == NULL)
		return;
	if (dl_sym(lib, XML_SONAME, "htmlReadMemory", &read_memory, api_error,
		   sizeof(api_error)) != 0 ||
	    dl_sym(lib, XML_SONAME, "xmlFreeDoc", &free_doc, api_error,
		   sizeof(api_error)) != 0) {
		dlclose(lib);
		return;
	}
	api_ok = 1;
}

enum role { R_INLINE, R_DROP, R_BLOCK, R_PRE, R_HEADING, R_TITLE, R_BREAK };

static enum role role_of(const char *name, int *level)
{
	static const char *const drop[] = {
		"script", "style", "nav", "footer", "noscript", "template",
		"svg", "iframe", "object", "select", "button", NULL,
	};
	static const char *const block[] = {
		"p", "li", "dd", "dt", "td", "th", "tr", "div", "section",
		"article", "main", "aside", "header", "blockquote", "ul", "ol",
		"dl", "table", "figure", "figcaption", "form", "address",
		"caption", "details", "summary", "body", "hr", NULL,
	};
	size_t i;

	if ((name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
	    name[1] <= '6' && name[2] == '\0') {
		*level = name[1] - '0';
		return R_HEADING;
	}
	if (strcasecmp(name, "title") == 0)
		return R_TITLE;
	if (strcasecmp(name, "pre") == 0)
		return R_PRE;
	if (strcasecmp(name, "br") == 0)
		return R_BREAK;
	for (i = 0; drop[i]; i++)
		if (strcasecmp(name, drop[i]) == 0)
			return R_DROP;
	for (i = 0; block[i]; i++)
		if (strcasecmp(name, block[i]) == 0)
			return R_BLOCK;
	return R_INLINE;
}

struct walk {
	struct psg *p;
	struct buf text; /* a heading's or the title's text */
	int in_pre, in_head, space, brk, depth;
	int got_title;
	long line;
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Every text node below n, concatenated (a heading's text). */
static void gather(struct walk *w, xmlNodePtr n, int depth)
{
	for (; n && depth < MAX_DEPTH; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *s = (const char *)n->content;

			if (s && (buf_putc(&w->text, ' ') != 0 ||
				  buf_puts(&w->text, s) != 0))
				return;
		} else if (n->type == XML_ELEMENT_NODE) {
			int lv;

			if (role_of((const char *)n->name, &lv) != R_DROP)
				gather(w, n->children, depth + 1);
		}
	}
}

/* The text of one text node into the open block. */
static void text_node(struct walk *w, const char *s, long line)
{
	size_t n = strlen(s), i = 0, j;
	char *fixed = NULL;

	if (utf8_valid_prefix(s, n) != n) {
		fixed = utf8_repair(s, n, NULL);
		if (fixed == NULL)
			return;
		s = fixed;
		n = strlen(s);
	}
	if (w->in_pre) {
		/* lines kept: the first goes on the open line */
		for (j = 0; j <= n; j++) {
			if (j < n && s[j] != '\n')
				continue;
			psg_text(w->p, s + i, j - i, line,
				 i == 0 ? PSG_GLUE : PSG_NEWLINE);
			i = j + 1;
			line++;
		}
	} else {
		int lead = n > 0 && is_ws(s[0]), trail = n > 0 && is_ws(s[n - 1]);

		for (j = 0; j < n; j++)
			if (!is_ws(s[j]))
				break;
		if (j < n)
			psg_text(w->p, s, n, line,
				 w->brk ? PSG_NEWLINE
					: lead || w->space ? PSG_SPACE : PSG_GLUE);
		if (j < n)
			w->brk = 0;
		if (j < n)
			w->space = trail;
		else if (n > 0)
			w->space = 1;
	}
	free(fixed);
}

static void walk(struct walk *w, xmlNodePtr n, int depth);

/* The gathered text as heading level, repaired if the parser passed
 * bytes through that are not UTF-8. */
static void heading(struct walk *w, int level)
{
	char *fixed = NULL;
	const char *s = w->text.data;

	if (utf8_valid_prefix(s, w->text.len) != w->text.len) {
		fixed = utf8_repair(s, w->text.len, NULL);
		if (fixed == NULL)
			return;
		s = fixed;
	}
	psg_heading(w->p, level, s, strlen(s));
	free(fixed);
}

static void element(struct walk *w, xmlNodePtr n, int depth)
{
	int level = 0;
	enum role r = role_of((const char *)n->name, &level);
	long line = n->line > 0 ? (long)n->line : w->line;

	switch (r) {
	case R_DROP:
		return;
	case R_TITLE:
	case R_HEADING:
		if (r == R_TITLE && w->got_title)
			return;
		buf_reset(&w->text);
		gather(w, n->children, depth + 1);
		if (w->text.len > 0)
			heading(w, r == R_TITLE ? 0 : level);
		w->got_title |= r == R_TITLE;
		w->space = 0;
		return;
	case R_BREAK:
		w->brk = 1; /* the next text starts a line */
		w->space = 0;
		return;
	case R_PRE:
		psg_block(w->p, PSG_VERBATIM, line);
		w->in_pre++;
		walk(w, n->children, depth + 1);
		w->in_pre--;
		psg_end_block(w->p);
		return;
	case R_BLOCK:
		if (!w->in_pre) {
			psg_end_block(w->p);
			w->space = 0;
			w->brk = 0;
		}
		walk(w, n->children, depth + 1);
		if (!w->in_pre)
			psg_end_block(w->p);
		return;
	default:
		walk(w, n->children, depth + 1);
	}
}

static void walk(struct walk *w, xmlNodePtr n, int depth)
{
	if (depth >= MAX_DEPTH)
		return;
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			int head = strcasecmp((const char *)n->name, "head") == 0;

			if (n->line > 0)
				w->line = (long)n->line;
			w->in_head += head;
			element(w, n, depth);
			w->in_head -= head;
		} else if ((n->type == XML_TEXT_NODE ||
			    n->type == XML_CDATA_SECTION_NODE) &&
			   n->content && !w->in_head) {
			if (n->line > 0)
				w->line = (long)n->line;
			text_node(w, (const char *)n->content, w->line);
		}
	}
}

int html_sniff(const char *data, size_t len)
{
	size_t i = 0;

	while (i < len && is_ws(data[i]))
		i++;
	if (len - i >= 14 && strncasecmp(data + i, "<!doctype html", 14) == 0)
		return 1;
	return len - i >= 5 && strncasecmp(data + i, "<html", 5) == 0;
}

int html_read(struct psg *p, const char *name, const char *data, size_t len,
	      struct qerr *err)
{
	struct walk w;
	htmlDocPtr doc;

	pthread_once(&api_once, load);
	if (!api_ok)
		return qerr_set(err, QERR_DATA,
				"%s: HTML needs libxml2 (%s), skipped", name,
				api_error);
	if (len > (size_t)0x7fffffff)
		return qerr_set(err, QERR_DATA, "%s: too large for the HTML "
				"parser, skipped", name);
	doc = read_memory(data, (int)len, NULL, NULL,
			  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				  HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
				  HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return 0; /* nothing the parser could read: no passages */
	memset(&w, 0, sizeof(w));
	w.p = p;
	w.line = 1;
	walk(&w, doc->children, 0);
	free_doc(doc);
	buf_free(&w.text);
	return 0;
}
