/* corpus.c - read question/answer records from numbered text, JSON Lines
 * (including the BEIR corpus layout) and Markdown, and pick the reading of
 * each file: Q&A records, passages of prose (passage.c, html.c), or a
 * converter's output (convert.c) read as text.
 *
 * Every input takes one path: the file is read whole, a UTF-8 BOM is
 * stripped, empty and binary data are rejected, and the bytes are normalised
 * into '\n'-terminated lines (CRLF and lone CR become '\n', invalid UTF-8 is
 * replaced by U+FFFD with one warning per line, NUL bytes are dropped).  A
 * parser for the chosen format then walks those lines and hands each record
 * to the caller's callback.  corpus_read_path adds a sorted directory walk
 * that follows symlinks and detects loops by (st_dev, st_ino).
 *
 * A file is opened once, without blocking (util/fileio.h: regular files
 * only), and read through that descriptor up to the size it had when
 * opened: what the caller records about it (size, mtime, hash of the
 * bytes read, see corpus_file) describes exactly what was parsed, even
 * when the file is replaced or grows meanwhile. */
#include "corpus.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../util/buf.h"
#include "../util/fileio.h"
#include "../util/strmap.h"
#include "../util/utf8.h"
#include "convert.h"
#include "html.h"
#include "mdline.h"
#include "passage.h"

#define SNIFF_BYTES 8192 /* how much of a file the binary check looks at */
#define TITLE_BYTES 80   /* question length made from an untitled BEIR text */

enum fmt { FMT_TEXT, FMT_JSONL, FMT_MD, FMT_HTML };

static const char *const fmt_name[] = {"txt", "jsonl", "md", "html"};

/* One input being parsed: where records go and how many went. */
struct src {
	const struct corpus_reader *r;
	const char *name;
	struct qerr *err;
	long nrecs;
	int kind;           /* CORPUS_QA or CORPUS_PASSAGE */
	const char *format; /* NULL: the format read */
	long last_line, dup; /* passage ids: a line's second passage */
	long first_line;     /* of the first record */
};

/* A cursor over normalised text; lineno is the line last returned. */
struct cur {
	const char *p, *end;
	long lineno;
};

/* ---- small helpers ---------------------------------------------------- */

static void warn(const struct corpus_reader *r, const char *fmt, ...)
	QERR_PRINTF(2, 3);

/* Format a warning and pass it to r->on_warn, if there is one. */
static void warn(const struct corpus_reader *r, const char *fmt, ...)
{
	char msg[4608];
	va_list ap;

	if (r->on_warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->on_warn(r->ctx, msg);
}

static int nomem(struct src *sp)
{
	return qerr_set(sp->err, QERR_IO, "%s: out of memory", sp->name);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Next line of normalised text, without its '\n'; 0 at the end. */
static int next_line(struct cur *c, const char **s, size_t *n)
{
	const char *nl;

	if (c->p >= c->end)
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (nl == NULL)
		nl = c->end;
	*s = c->p;
	*n = (size_t)(nl - c->p);
	c->p = nl < c->end ? nl + 1 : nl;
	c->lineno++;
	return 1;
}

/* Append s[0..n) trimmed to b, after a space if b is not empty. */
static int put_trimmed(struct buf *b, const char *s, size_t n)
{
	mdl_trim(&s, &n);
	if (b->len > 0 && n > 0 && buf_putc(b, ' ') != 0)
		return -1;
	return buf_append(b, s, n);
}

static int put_line(struct buf *b, const char *s, size_t n)
{
	if (buf_append(b, s, n) != 0 || buf_putc(b, '\n') != 0)
		return -1;
	return 0;
}

/* The text of an answer buffer without leading blank lines and trailing
 * white space; NUL-terminated in place.  "" for an empty buffer. */
static const char *answer_text(struct buf *a)
{
	size_t start = 0, i = 0;

	if (a->data == NULL)
		return "";
	while (a->len > 0 && is_space(a->data[a->len - 1]))
		a->len--;
	a->data[a->len] = '\0';
	for (; i < a->len && is_space(a->data[i]); i++)
		if (a->data[i] == '\n')
			start = i + 1;
	return a->data + (i == a->len ? a->len : start);
}

/* Hand one record to the callback (a NULL on_rec only counts). */
static int deliver(struct src *sp, const char *id, const char *q,
		   const char *a, long line)
{
	struct corpus_rec rec;

	rec.id = id;
	rec.question = q;
	rec.answer = a;
	rec.source = sp->name;
	rec.line = line;
	rec.kind = sp->kind;
	rec.format = sp->format;
	if (sp->nrecs++ == 0)
		sp->first_line = line;
	return sp->r->on_rec ? sp->r->on_rec(sp->r->ctx, &rec) : 0;
}

/* ---- numbered Q&A text ------------------------------------------------- */

/* Match one of the NULL-terminated words (any case), optional blanks and a
 * ':' at the start of a line; *t and *tn get the trimmed rest. */
static int label(const char *s, size_t n, const char *const *words,
		 const char **t, size_t *tn)
{
	size_t i = 0, j, w;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (; *words; words++) {
		w = strlen(*words);
		if (n - i < w || strncasecmp(s + i, *words, w) != 0)
			continue;
		for (j = i + w; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j < n && s[j] == ':') {
			*t = s + j + 1;
			*tn = n - j - 1;
			mdl_trim(t, tn);
			return 1;
		}
	}
	return 0;
}

static const char *const ans_words[] = {"answer", "ans", "a", NULL};
static const char *const q_words[] = {"question", "q", NULL};

static int is_marker(const char *s, size_t n, const char **t, size_t *tn)
{
	return label(s, n, ans_words, t, tn);
}

/* "N. text", "N.text" or "N) text": the number and the trimmed text. */
static int parse_num(const char *s, size_t n, long *num, const char **t,
		     size_t *tn)
{
	size_t i = 0, d;
	long v = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (d = i; i < n && isdigit((unsigned char)s[i]) && i - d < 9; i++)
		v = v * 10 + (s[i] - '0');
	if (i == d || i >= n || (s[i] != '.' && s[i] != ')'))
		return 0;
	if (i + 1 < n && isdigit((unsigned char)s[i + 1]))
		return 0; /* "3.5", a decimal number */
	*t = s + i + 1;
	*tn = n - i - 1;
	mdl_trim(t, tn);
	*num = v;
	return *tn > 0;
}

static int same_text(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* Whether an answer marker follows within the next two non-blank lines
 * after p.  A repeat of the same question line counts as one of them;
 * another numbered line ends the search. */
static int marked(const char *p, const char *end, long num, const char *t,
		  size_t tn)
{
	struct cur c = {p, end, 0};
	const char *s, *ct;
	size_t n, ctn;
	long cn;
	int seen = 0;

	while (seen < 2 && next_line(&c, &s, &n)) {
		if (mdl_blank(s, n))
			continue;
		if (is_marker(s, n, &ct, &ctn))
			return 1;
		if (parse_num(s, n, &cn, &ct, &ctn) &&
		    !(cn == num && same_text(ct, ctn, t, tn)))
			return 0;
		seen++;
	}
	return 0;
}

/* Whether the next non-blank line after p is an answer marker. */
static int marker_next(const char *p, const char *end)
{
	struct cur c = {p, end, 0};
	const char *s, *t;
	size_t n, tn;

	while (next_line(&c, &s, &n))
		if (!mdl_blank(s, n))
			return is_marker(s, n, &t, &tn);
	return 0;
}

enum { NT_NONE, NT_PENDING, NT_ANSWER };

struct nt {
	struct src *src;
	struct cur c;
	struct buf q, a;
	long num, qline, last;
	int state, has_text;
	const char *scan_at; /* cache for next_marked */
	long scan_num;
};

/* Number of the first numbered line after the current one that an answer
 * marker follows, or -1.  The walk only moves forward, so the answer is
 * cached until the cursor passes the line found: linear overall. */
static long next_marked(struct nt *st)
{
	struct cur c = st->c;
	const char *s, *t;
	size_t n, tn;
	long num;

	if (st->scan_at != NULL && st->scan_at >= st->c.p)
		return st->scan_num;
	st->scan_at = st->c.end;
	st->scan_num = -1;
	while (next_line(&c, &s, &n)) {
		if (parse_num(s, n, &num, &t, &tn) &&
		    marked(c.p, c.end, num, t, tn)) {
			st->scan_at = s;
			st->scan_num = num;
			break;
		}
	}
	return st->scan_num;
}

/* Whether numbered line N starts a question: N is the expected next
 * number (unless the real N, marked by "Ans:", comes later), or an answer
 * marker follows it. */
static int nt_accept(struct nt *st, long num, const char *t, size_t tn)
{
	int mk = marked(st->c.p, st->c.end, num, t, tn);

	if (mk)
		return 1;
	return num == st->last + 1 && next_marked(st) != num;
}

static int nt_emit(struct nt *st)
{
	char id[24];

	if (st->state == NT_NONE)
		return 0;
	snprintf(id, sizeof(id), "%ld", st->num);
	if (buf_reserve(&st->q, 0) != 0)
		return nomem(st->src);
	return deliver(st->src, id, st->q.data, answer_text(&st->a), st->qline);
}

static int nt_start(struct nt *st, long num, const char *t, size_t tn)
{
	int rc = nt_emit(st);

	if (rc != 0)
		return rc;
	buf_reset(&st->q);
	buf_reset(&st->a);
	st->num = st->last = num;
	st->qline = st->c.lineno;
	st->state = NT_PENDING;
	st->has_text = 0;
	return put_trimmed(&st->q, t, tn) != 0 ? nomem(st->src) : 0;
}

/* A line that does not start a question: marker, answer or question text. */
static int nt_text(struct nt *st, const char *s, size_t n)
{
	const char *t;
	size_t tn;

	if (st->state == NT_NONE)
		return 0; /* text before the first question */
	if (!st->has_text && is_marker(s, n, &t, &tn)) {
		st->state = NT_ANSWER;
		s = t;
		n = tn;
		if (n == 0)
			return 0;
	} else if (mdl_blank(s, n)) {
		if (st->state == NT_ANSWER && buf_putc(&st->a, '\n') != 0)
			return nomem(st->src);
		return 0;
	} else if (st->state == NT_PENDING && marker_next(st->c.p, st->c.end)) {
		return put_trimmed(&st->q, s, n) != 0 ? nomem(st->src) : 0;
	}
	st->state = NT_ANSWER;
	st->has_text = 1;
	return put_line(&st->a, s, n) != 0 ? nomem(st->src) : 0;
}

static int nt_line(struct nt *st, const char *s, size_t n)
{
	const char *t;
	size_t tn;
	long num;

	if (parse_num(s, n, &num, &t, &tn)) {
		if (st->state != NT_NONE && num == st->num &&
		    same_text(t, tn, st->q.data, st->q.len))
			return 0; /* the question line repeated: merge */
		if (nt_accept(st, num, t, tn))
			return nt_start(st, num, t, tn);
	} else if (label(s, n, q_words, &t, &tn) && tn > 0 &&
		   marked(st->c.p, st->c.end, -1, t, tn)) {
		return nt_start(st, st->last + 1, t, tn);
	}
	return nt_text(st, s, n);
}

/* Numbered Q&A: "N. question", "Ans:", answer lines (also "Q:"/"A:"). */
static int parse_text(struct src *sp, const char *text, size_t len)
{
	struct nt st;
	const char *s;
	size_t n;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.src = sp;
	st.c.p = text;
	st.c.end = text + len;
	while (rc == 0 && next_line(&st.c, &s, &n))
		rc = nt_line(&st, s, n);
	if (rc == 0)
		rc = nt_emit(&st);
	buf_free(&st.q);
	buf_free(&st.a);
	return rc;
}

/* ---- Markdown ---------------------------------------------------------- */

struct md {
	struct src *src;
	struct buf q, a, r;
	long qline, ord;
	int inq, fence_len;
	char fence_ch;
	/* a one-line paragraph a setext underline may turn into a heading */
	int start, cand;
	const char *cand_s;
	size_t cand_n, cand_off;
	long cand_no;
};

/* Track ``` and ~~~ fences; a line inside one is never a heading. */
static void md_fence(struct md *m, const char *s, size_t n)
{
	char ch;
	size_t fl = mdl_fence(s, n, &ch), end = mdl_indent(s, n) + fl;

	if (fl == 0)
		return;
	if (m->fence_len == 0) {
		m->fence_ch = ch;
		m->fence_len = (int)fl;
	} else if (ch == m->fence_ch && (int)fl >= m->fence_len &&
		   mdl_blank(s + end, n - end)) {
		m->fence_len = 0;
	}
}

/* Deliver the current heading unless it has no text under it. */
static int md_emit(struct md *m)
{
	const char *a;
	char id[24];

	if (!m->inq)
		return 0;
	m->inq = 0;
	a = answer_text(&m->a);
	if (*a == '\0')
		return 0; /* a section title, not a question */
	buf_reset(&m->r);
	/* (the append makes the text a string even when the reflow added
	 * nothing to a buffer never written) */
	if (psg_reflow_md(a, strlen(a), &m->r) != 0 ||
	    buf_append(&m->r, "", 0) != 0)
		return nomem(m->src);
	if (m->r.len == 0)
		return 0; /* nothing but rules: no answer either */
	snprintf(id, sizeof(id), "%ld", ++m->ord);
	return deliver(m->src, id, m->q.data, m->r.data, m->qline);
}

/* Could s be the text of a setext heading (a plain paragraph line)? */
static int md_plain(const char *s, size_t n)
{
	size_t i = mdl_indent(s, n);

	if (i >= n || strchr("-*+>|`~<", s[i]) != NULL)
		return 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return !(i < n && (s[i] == '.' || s[i] == ')') && i + 1 < n &&
		 s[i + 1] == ' ');
}

/* An underline below a one-line paragraph: that line was a heading. */
static int md_setext(struct md *m)
{
	int rc;

	if (m->inq)
		m->a.len = m->cand_off; /* take the line back from the answer */
	rc = md_emit(m);
	if (rc != 0)
		return rc;
	buf_reset(&m->q);
	buf_reset(&m->a);
	m->inq = 1;
	m->qline = m->cand_no;
	m->cand = 0;
	m->start = 1;
	return put_trimmed(&m->q, m->cand_s, m->cand_n) != 0 ? nomem(m->src) : 0;
}

static int md_line(struct md *m, const char *s, size_t n, long lineno)
{
	const char *t;
	size_t tn;
	int rc, infence = m->fence_len > 0, start = m->start;

	if (!infence && m->cand && mdl_setext(s, n) > 0)
		return md_setext(m);
	m->cand = 0;
	if (infence || !mdl_atx(s, n, NULL, &t, &tn)) {
		md_fence(m, s, n);
		m->start = mdl_blank(s, n) && m->fence_len == 0;
		if (!infence && m->fence_len == 0 && start && md_plain(s, n)) {
			m->cand = 1;
			m->cand_s = s;
			m->cand_n = n;
			m->cand_off = m->a.len;
			m->cand_no = lineno;
		}
		if (m->inq && put_line(&m->a, s, n) != 0)
			return nomem(m->src);
		return 0;
	}
	m->start = 1;
	rc = md_emit(m);
	if (rc != 0)
		return rc;
	buf_reset(&m->q);
	buf_reset(&m->a);
	m->inq = tn > 0;
	m->qline = lineno;
	return buf_append(&m->q, t, tn) != 0 ? nomem(m->src) : 0;
}

/* Markdown: each heading with text under it is a question. */
static int parse_md(struct src *sp, const char *text, size_t len)
{
	struct md m;
	struct cur c = {text, text + len, 0};
	const char *s;
	size_t n;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	m.src = sp;
	m.start = 1;
	while (rc == 0 && next_line(&c, &s, &n))
		rc = md_line(&m, s, n, c.lineno);
	if (rc == 0)
		rc = md_emit(&m);
	buf_free(&m.q);
	buf_free(&m.a);
	buf_free(&m.r);
	return rc;
}

/* ---- JSON Lines ---------------------------------------------------------- */

/* The fields of one JSON record, borrowed from the json_t. */
struct jrec {
	const char *id, *q, *a;
	size_t qn, an;
	int untitled; /* BEIR without a title: question made from the text */
	char idbuf[32];
};

/* Fill jr->id from an "id"/"_id" value; NULL or "" means the ordinal. */
static const char *j_id(struct jrec *jr, json_t *v, long ord)
{
	if (v == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0)) {
		snprintf(jr->idbuf, sizeof(jr->idbuf), "%ld", ord);
	} else if (json_is_integer(v)) {
		snprintf(jr->idbuf, sizeof(jr->idbuf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	} else if (json_is_string(v)) {
		jr->id = json_string_value(v);
		return NULL;
	} else {
		return "id is not a string or integer";
	}
	jr->id = jr->idbuf;
	return NULL;
}

/* A string field: its value or NULL when missing or not a string. */
static const char *j_str(json_t *o, const char *key, size_t *n)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	*n = json_string_length(v);
	return json_string_value(v);
}

/* {"question","answer"[,"id"]} or BEIR {"_id","title","text"}.  Returns
 * NULL or why the object is not a record. */
static const char *j_fields(struct jrec *jr, json_t *o, long ord)
{
	memset(jr, 0, sizeof(*jr));
	if (json_object_get(o, "question") != NULL) {
		jr->q = j_str(o, "question", &jr->qn);
		jr->a = j_str(o, "answer", &jr->an);
		if (jr->q == NULL || jr->a == NULL)
			return "\"question\" and \"answer\" must be strings";
		return j_id(jr, json_object_get(o, "id"), ord);
	}
	if (json_object_get(o, "text") == NULL)
		return "no \"question\"/\"answer\" or \"_id\"/\"text\" fields";
	jr->a = j_str(o, "text", &jr->an);
	if (jr->a == NULL)
		return "\"text\" must be a string";
	jr->q = j_str(o, "title", &jr->qn);
	if (jr->q == NULL || mdl_blank(jr->q, jr->qn)) {
		jr->untitled = 1;
		jr->q = jr->a;
		jr->qn = jr->an;
	}
	return j_id(jr, json_object_get(o, "_id"), ord);
}

/* At most TITLE_BYTES of s, cut at a character and, if possible, a word. */
static size_t title_len(const char *s, size_t n)
{
	size_t k;

	if (n <= TITLE_BYTES)
		return n;
	k = TITLE_BYTES;
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	for (n = k; n > TITLE_BYTES / 2; n--)
		if (is_space(s[n]))
			return n;
	return k;
}

/* Deliver one JSON value as a record, or warn why it is skipped. */
static int j_value(struct src *sp, json_t *o, long line, long ord)
{
	struct jrec jr;
	struct buf q = BUF_INIT, a = BUF_INIT;
	const char *why = json_is_object(o) ? j_fields(&jr, o, ord)
					    : "not a JSON object";
	int rc = 0;

	if (why == NULL && jr.untitled) {
		mdl_trim(&jr.q, &jr.qn);
		jr.qn = title_len(jr.q, jr.qn);
	}
	if (why == NULL && mdl_blank(jr.q, jr.qn))
		why = "empty question";
	if (why != NULL) {
		warn(sp->r, "%s:%ld: skipped: %s", sp->name, line, why);
		return 0;
	}
	if (put_trimmed(&q, jr.q, jr.qn) != 0 ||
	    put_trimmed(&a, jr.a, jr.an) != 0 || buf_reserve(&a, 0) != 0)
		rc = nomem(sp);
	else
		rc = deliver(sp, jr.id, q.data, a.data, line);
	buf_free(&q);
	buf_free(&a);
	return rc;
}

static int j_line(struct src *sp, const char *s, size_t n, long line,
		  long ord)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, 0, &je);
	int rc;

	if (o == NULL) {
		warn(sp->r, "%s:%ld: skipped: invalid JSON: %.*s", sp->name,
		     line, (int)utf8_valid_prefix(je.text, strlen(je.text)),
		     je.text);
		return 0;
	}
	rc = j_value(sp, o, line, ord);
	json_decref(o);
	return rc;
}

/* A whole-file JSON array of records (a .json file) starting at line;
 * 1 if it was one, with *rc the status. */
static int j_array(struct src *sp, const char *text, size_t len, long line,
		   int *rc)
{
	json_t *arr = json_loadb(text, len, 0, NULL), *v;
	size_t i;

	if (!json_is_array(arr)) {
		json_decref(arr);
		return 0;
	}
	*rc = 0;
	json_array_foreach(arr, i, v)
	{
		*rc = j_value(sp, v, line, (long)i + 1);
		if (*rc != 0)
			break;
	}
	json_decref(arr);
	return 1;
}

/* JSON Lines: one object per non-blank line; the ordinal used as default
 * id is the line's position among the non-blank lines.  A file that is one
 * JSON array of records is read as such. */
static int parse_jsonl(struct src *sp, const char *text, size_t len)
{
	struct cur c = {text, text + len, 0};
	const char *s = text, *t;
	size_t n = 0, tn;
	long ord = 0;
	int rc = 0;

	while (next_line(&c, &s, &n) && mdl_blank(s, n))
		;
	t = s;
	tn = n;
	mdl_trim(&t, &tn);
	if (tn > 0 && *t == '[' &&
	    j_array(sp, t, len - (size_t)(t - text), c.lineno, &rc))
		return rc;
	c.p = text;
	c.lineno = 0;
	while (rc == 0 && next_line(&c, &s, &n))
		if (!mdl_blank(s, n))
			rc = j_line(sp, s, n, c.lineno, ++ord);
	return rc;
}

/* ---- input checks and normalisation -------------------------------------- */

static int is_ctl(unsigned char c)
{
	return (c < 0x20 && !is_space((char)c)) || c == 0x7f;
}

/* In the first SNIFF_BYTES: NUL bytes with over 10% control bytes, or over
 * 30% bytes that are control bytes or not valid UTF-8. */
static int looks_binary(const char *data, size_t len)
{
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	size_t i = 0, j, nul = 0, ctl = 0, bad = 0;

	while (i < n) {
		size_t k = utf8_valid_prefix(data + i, n - i);

		for (j = i; j < i + k; j++) {
			nul += data[j] == '\0';
			ctl += is_ctl((unsigned char)data[j]);
		}
		i += k;
		if (i < n) {
			bad++;
			i++;
		}
	}
	if (nul > 0 && ctl * 10 > n)
		return 1;
	return (ctl + bad) * 10 > n * 3;
}

#define UTF16_MSG "UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"

/* A UTF-16 byte order mark, or (without one) text whose every other byte
 * is NUL beside ASCII: at least 8 of the first pairs, 9 in 10 of them. */
static int looks_utf16(const char *data, size_t len)
{
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, i, pairs = 0;
	size_t odd = 0, even = 0;

	if (len >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') ||
			 (data[0] == '\xfe' && data[1] == '\xff')))
		return 1;
	for (i = 0; i + 1 < n; i += 2, pairs++) {
		unsigned char a = (unsigned char)data[i];
		unsigned char b = (unsigned char)data[i + 1];

		even += a != 0 && a < 0x80 && b == 0;
		odd += a == 0 && b != 0 && b < 0x80;
	}
	return pairs >= 8 && (even * 10 >= pairs * 9 || odd * 10 >= pairs * 9);
}

/* Append one line, repaired if needed, and a '\n' to out. */
static int norm_line(struct src *sp, const char *s, size_t n, long lineno,
		     struct buf *out)
{
	int bad = utf8_valid_prefix(s, n) != n;
	char *fixed;
	int rc;

	if (!bad && memchr(s, '\0', n) == NULL)
		return put_line(out, s, n);
	fixed = utf8_repair(s, n, NULL);
	if (fixed == NULL)
		return -1;
	if (bad)
		warn(sp->r, "%s:%ld: invalid UTF-8 replaced", sp->name, lineno);
	rc = put_line(out, fixed, strlen(fixed));
	free(fixed);
	return rc;
}

/* Copy data into out as valid UTF-8 lines, each ending in '\n'. */
static int normalise(struct src *sp, const char *data, size_t len,
		     struct buf *out)
{
	size_t i = 0, j;
	long lineno = 0;

	out->data = malloc(len + 2); /* exact: no growth unless repaired */
	if (out->data == NULL)
		return nomem(sp);
	out->cap = len + 2;
	out->data[0] = '\0';
	while (i < len) {
		j = i;
		while (j < len && data[j] != '\n' && data[j] != '\r')
			j++;
		if (norm_line(sp, data + i, j - i, ++lineno, out) != 0)
			return nomem(sp);
		if (j < len && data[j] == '\r' && j + 1 < len && data[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	return 0;
}

/* The format named by an extension ("txt", ".md"), or -1. */
static int fmt_of_ext(const char *ext)
{
	static const struct {
		const char *ext;
		enum fmt fmt;
	} tab[] = {
		{"htm", FMT_HTML},       {"html", FMT_HTML},   {"json", FMT_JSONL},
		{"jsonl", FMT_JSONL},    {"markdown", FMT_MD}, {"md", FMT_MD},
		{"ndjson", FMT_JSONL},   {"text", FMT_TEXT},   {"txt", FMT_TEXT},
		{"xhtml", FMT_HTML},
	};
	size_t i;

	if (ext == NULL)
		return -1;
	if (*ext == '.')
		ext++;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcasecmp(ext, tab[i].ext) == 0)
			return (int)tab[i].fmt;
	return -1;
}

/* Guess from content: '{' or '[' first means JSONL, a leading '#' line
 * Markdown, anything else numbered text. */
static enum fmt sniff(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && is_space(text[i]))
		i++;
	if (i < len && (text[i] == '{' || text[i] == '['))
		return FMT_JSONL;
	if (i < len && text[i] == '#')
		return FMT_MD;
	return FMT_TEXT;
}

/* ---- prose ------------------------------------------------------------------ */

/* A passage as a record: id "file:line" ("file:line.2" for the second
 * passage starting on a line). */
static int on_passage(void *ctx, const char *title, const char *text,
		      long line)
{
	struct src *sp = ctx;
	const char *base = strrchr(sp->name, '/');
	char id[4200];

	base = base ? base + 1 : sp->name;
	if (line == sp->last_line) {
		snprintf(id, sizeof(id), "%s:%ld.%ld", base, line, ++sp->dup);
	} else {
		snprintf(id, sizeof(id), "%s:%ld", base, line);
		sp->dup = 1;
	}
	sp->last_line = line;
	return deliver(sp, id, title, text, line);
}

/* A builder for sp's passages, titled by the file name less extension. */
static struct psg *prose_builder(struct src *sp)
{
	const char *base = strrchr(sp->name, '/'), *dot;
	size_t max = sp->r->opts ? sp->r->opts->passage_bytes : 0;
	char title[256];

	base = base ? base + 1 : sp->name;
	dot = strrchr(base, '.');
	snprintf(title, sizeof(title), "%.*s",
		 (int)(dot && dot != base ? (size_t)(dot - base) : strlen(base)),
		 base);
	sp->kind = CORPUS_PASSAGE;
	sp->last_line = 0;
	return psg_new(max, *title ? title : base, on_passage, sp);
}

static int prose_done(struct src *sp, struct psg *p)
{
	int rc = psg_finish(p);

	psg_free(p);
	return rc == -1 ? nomem(sp) : rc;
}

/* Text or Markdown read as prose. */
static int parse_prose(struct src *sp, enum fmt f, const char *text,
		       size_t len)
{
	struct psg *p = prose_builder(sp);

	if (p == NULL)
		return nomem(sp);
	if (f == FMT_MD)
		psg_read_md(p, text, len);
	else
		psg_read_text(p, text, len);
	return prose_done(sp, p);
}

static int parse_html(struct src *sp, const char *data, size_t len)
{
	struct psg *p = prose_builder(sp);
	int rc;

	if (p == NULL)
		return nomem(sp);
	rc = html_read(p, sp->name, data, len, sp->err);
	if (rc != 0) {
		psg_free(p);
		return rc;
	}
	return prose_done(sp, p);
}

/* Answer marker lines in text (at most stop of them). */
static long count_markers(const char *text, size_t len, long stop)
{
	struct cur c = {text, text + len, 0};
	const char *s, *t;
	size_t n, tn;
	long k = 0;

	while (k < stop && next_line(&c, &s, &n))
		k += is_marker(s, n, &t, &tn);
	return k;
}

static int count_asked(void *ctx, const struct corpus_rec *rec)
{
	size_t n = strlen(rec->question);

	*(long *)ctx += n > 0 && rec->question[n - 1] == '?';
	return 0;
}

/* Is numbered text Q&A?  When at least half its records are marked as
 * such: by an answer marker ("Ans:") or a question ending in '?'.  A
 * numbered list in prose, or a stray "A:" line in a long document, makes
 * a few records of which most are neither. */
static int qa_text(struct src *sp, const char *text, size_t len)
{
	struct corpus_reader count = *sp->r;
	struct src dry = *sp;
	long asked = 0, marked;

	count.on_rec = count_asked;
	count.ctx = &asked;
	dry.r = &count;
	dry.nrecs = 0;
	if (parse_text(&dry, text, len) != 0 || dry.nrecs == 0)
		return 0;
	marked = count_markers(text, len, dry.nrecs);
	return 2 * (marked > asked ? marked : asked) >= dry.nrecs;
}

static int parse(struct src *sp, enum fmt f, const char *text, size_t len)
{
	switch (f) {
	case FMT_JSONL:
		return parse_jsonl(sp, text, len);
	case FMT_MD:
		return parse_md(sp, text, len);
	default:
		return parse_text(sp, text, len);
	}
}

/* Normalised text in format f: Q&A records, else (unless forced to Q&A)
 * passages. */
static int read_text(struct src *sp, enum fmt f, const char *text,
		     size_t len)
{
	enum corpus_as as = sp->r->opts ? sp->r->opts->as : CORPUS_AS_AUTO;
	int rc = 0;

	if (sp->format == NULL)
		sp->format = fmt_name[f];
	if (f == FMT_JSONL || as == CORPUS_AS_QA ||
	    (as == CORPUS_AS_AUTO && (f != FMT_TEXT || qa_text(sp, text, len))))
		rc = parse(sp, f, text, len);
	if (rc == 0 && sp->nrecs == 0 && f != FMT_JSONL && as != CORPUS_AS_QA)
		rc = parse_prose(sp, f, text, len);
	if (rc == 0 && sp->nrecs == 0)
		rc = qerr_set(sp->err, QERR_DATA, "%s: no Q&A records %sfound",
			      sp->name, f == FMT_JSONL || as == CORPUS_AS_QA
						? "" : "or text ");
	return rc;
}

/* Checks, normalisation and parsing of one in-memory file. */
static int read_mem(struct src *sp, const char *hint, const char *data,
		    size_t len)
{
	struct buf text = BUF_INIT;
	int f, rc;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (mdl_blank(data, len) && memchr(data, '\0', len) == NULL)
		return qerr_set(sp->err, QERR_DATA, "%s: empty file", sp->name);
	if (looks_utf16(data, len))
		return qerr_set(sp->err, QERR_DATA, "%s: %s", sp->name, UTF16_MSG);
	if (looks_binary(data, len))
		return qerr_set(sp->err, QERR_DATA, "%s: looks binary, skipped",
				sp->name);
	f = fmt_of_ext(hint);
	if (f == FMT_HTML || (f < 0 && html_sniff(data, len))) {
		sp->format = sp->format ? sp->format : fmt_name[FMT_HTML];
		rc = parse_html(sp, data, len);
		if (rc == 0 && sp->nrecs == 0)
			rc = qerr_set(sp->err, QERR_DATA, "%s: no text found",
				      sp->name);
		return rc;
	}
	rc = normalise(sp, data, len, &text);
	if (rc == 0)
		rc = read_text(sp, f < 0 ? sniff(text.data, text.len) : (enum fmt)f,
			       text.data, text.len);
	buf_free(&text);
	return rc;
}

int corpus_read_mem(const struct corpus_reader *r, const char *name,
		    const char *fmt_hint, const char *data, size_t len,
		    long *nrecs, struct qerr *err)
{
	struct src sp;
	int rc;

	memset(&sp, 0, sizeof(sp));
	sp.r = r;
	sp.name = name;
	sp.err = err;
	rc = read_mem(&sp, fmt_hint, data, len);
	if (nrecs)
		*nrecs = sp.nrecs;
	return rc;
}

/* ---- files and directories -------------------------------------------- */

static const char *extension(const char *path);

/* A file being read: its descriptor, what fstat said when it was opened,
 * and what has been consumed so far. */
struct input {
	const char *path;
	int fd;
	struct stat st;
	long long limit; /* bytes to read at most: the size at open */
	long long got;
	uint64_t hash;
	int unreadable; /* failed before any record: a walk skips it */
};

static int input_fail(struct input *in, struct qerr *err, int e)
{
	in->unreadable = 1;
	return qerr_set(err, QERR_IO, "%s: %s", in->path, strerror(e));
}

/* Open a regular file without blocking (a FIFO or device would block the
 * open or never end) and take its size and mtime from the descriptor. */
static int input_open(struct input *in, const char *path, struct qerr *err)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->hash = STR_HASH_INIT;
	in->fd = fio_open_regular(path, &in->st);
	if (in->fd == FIO_NOT_REGULAR) {
		in->unreadable = 1;
		return qerr_set(err, QERR_IO, "%s: not a regular file", path);
	}
	if (in->fd < 0)
		return input_fail(in, err, errno);
	in->limit = (long long)in->st.st_size;
	return 0;
}

/* Read up to n bytes (fewer at the limit or the end) into p, hashing
 * them; -1 with errno set on an error. */
static ssize_t input_read(struct input *in, char *p, size_t n)
{
	ssize_t got;

	if ((long long)n > in->limit - in->got)
		n = (size_t)(in->limit - in->got);
	if (n == 0)
		return 0;
	do
		got = read(in->fd, p, n);
	while (got < 0 && errno == EINTR);
	if (got > 0) {
		in->got += got;
		in->hash = str_hash_more(in->hash, p, (size_t)got);
	}
	return got;
}

static void input_info(const struct input *in, struct corpus_file *f)
{
	f->size = in->got;
	f->mtime_ns = (long long)in->st.st_mtim.tv_sec * 1000000000LL +
		      (long long)in->st.st_mtim.tv_nsec;
	snprintf(f->hash, sizeof(f->hash), "%016llx",
		 (unsigned long long)in->hash);
}

int corpus_file_info(const char *path, struct corpus_file *f,
		     struct qerr *err)
{
	struct input in;
	char chunk[65536];
	ssize_t got;
	int rc = input_open(&in, path, err), e;

	memset(f, 0, sizeof(*f));
	if (rc != 0)
		return rc;
	while ((got = input_read(&in, chunk, sizeof(chunk))) > 0)
		;
	e = errno;
	close(in.fd);
	if (got < 0)
		return input_fail(&in, err, e);
	input_info(&in, f);
	return 0;
}

/* Read the whole file into *out (malloc'd, NUL-terminated), *len bytes. */
static int slurp(struct input *in, char **out, size_t *len, struct qerr *err)
{
	size_t n = 0;
	char *data;
	ssize_t got = 1;

	if (in->limit > CORPUS_MAX_WHOLE)
		return qerr_set(err, QERR_DATA, "%s: too big to read whole (%lld "
				"bytes, the limit is %lld MiB; JSON Lines have "
				"none)", in->path, in->limit,
				CORPUS_MAX_WHOLE >> 20);
	data = malloc((size_t)in->limit + 1);
	if (data == NULL)
		return qerr_set(err, QERR_IO, "%s: out of memory", in->path);
	while (got > 0 && (got = input_read(in, data + n,
					    (size_t)in->limit - n)) > 0)
		n += (size_t)got;
	if (got < 0) {
		int e = errno;

		free(data);
		return input_fail(in, err, e);
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	return 0;
}

/* The extension of path's last component, or NULL. */
static const char *extension(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : NULL;
}

/* One physical line of a streamed JSONL file: split it at lone CRs,
 * repair it, and parse each non-blank piece. */
static int stream_line(struct src *sp, char *line, size_t n, long *lineno,
		       long *ord, struct buf *norm)
{
	size_t i = 0, j;
	int rc = 0;

	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	while (rc == 0 && i <= n) {
		for (j = i; j < n && line[j] != '\r'; j++)
			;
		++*lineno;
		buf_reset(norm);
		if (norm_line(sp, line + i, j - i, *lineno, norm) != 0)
			return nomem(sp);
		if (!mdl_blank(norm->data, norm->len - 1))
			rc = j_line(sp, norm->data, norm->len - 1, *lineno, ++*ord);
		i = j + 1;
	}
	return rc;
}

/* The next line of in (up to and with its '\n') into *line; its length,
 * 0 at the end, -1 on an error (errno set). */
static ssize_t input_line(struct input *in, struct buf *rd, size_t *pos,
			  char **line)
{
	char *nl;
	ssize_t got;

	for (;;) {
		nl = rd->len > *pos ? memchr(rd->data + *pos, '\n',
					       rd->len - *pos) : NULL;
		if (nl != NULL || in->got == in->limit) {
			size_t end = nl ? (size_t)(nl - rd->data) + 1 : rd->len;
			size_t n = end - *pos;

			*line = rd->data + *pos;
			*pos = end;
			return (ssize_t)n;
		}
		if (*pos > 0) {
			memmove(rd->data, rd->data + *pos, rd->len - *pos);
			rd->len -= *pos;
			*pos = 0;
		}
		if (buf_reserve(rd, 65536) != 0) {
			errno = ENOMEM;
			return -1;
		}
		got = input_read(in, rd->data + rd->len, rd->cap - rd->len - 1);
		if (got < 0)
			return -1;
		if (got == 0)
			in->limit = in->got; /* shorter than it was: its end */
		rd->len += (size_t)got;
	}
}

/* JSON Lines are read a line at a time: memory holds one line, whatever
 * the file's size.  head holds its first bytes for the checks read_mem
 * makes. */
static int stream_jsonl(struct src *sp, struct input *in, const char *head,
			size_t hlen)
{
	struct buf norm = BUF_INIT, rd = BUF_INIT;
	char *line;
	size_t pos = 0;
	ssize_t n;
	long lineno = 0, ord = 0;
	int rc = 0, first = 1;

	if (looks_utf16(head, hlen))
		return qerr_set(sp->err, QERR_DATA, "%s: %s", sp->name, UTF16_MSG);
	if (looks_binary(head, hlen))
		return qerr_set(sp->err, QERR_DATA, "%s: looks binary, skipped",
				sp->name);
	while (rc == 0 && (n = input_line(in, &rd, &pos, &line)) > 0) {
		char *l = line;

		if (first && n >= 3 && memcmp(l, "\xef\xbb\xbf", 3) == 0) {
			l += 3;
			n -= 3;
		}
		first = 0;
		rc = stream_line(sp, l, (size_t)n, &lineno, &ord, &norm);
	}
	if (rc == 0 && n < 0)
		rc = qerr_set(sp->err, QERR_IO, "%s: %s", sp->name,
			      strerror(errno));
	buf_free(&rd);
	buf_free(&norm);
	if (rc == 0 && sp->nrecs == 0)
		rc = qerr_set(sp->err, QERR_DATA, "%s: %s", sp->name,
			      ord == 0 ? "empty file" : "no Q&A records found");
	return rc;
}

/* Whether a JSONL file starts (after a BOM and blanks) with an object:
 * then it is streamed, else read whole.  Reads the head without moving
 * the descriptor's offset. */
static int streamable(struct input *in, char *head, size_t *hlen)
{
	ssize_t got;
	size_t i = 0, want = SNIFF_BYTES;

	if (fmt_of_ext(extension(in->path)) != FMT_JSONL)
		return 0;
	if ((long long)want > in->limit)
		want = (size_t)in->limit;
	do
		got = pread(in->fd, head, want, 0);
	while (got < 0 && errno == EINTR);
	if (got <= 0)
		return 0; /* empty, or the read whole reports the error */
	*hlen = (size_t)got;
	if (*hlen >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < *hlen && is_space(head[i]))
		i++;
	return i < *hlen && head[i] == '{';
}

/* A file read through its converter: the output as text, the source and
 * format those of the file.  What is recorded of it (size, mtime, hash)
 * is the file's, taken before the converter runs, so that an update
 * converts it again only when it changed. */
static int read_converted(const struct corpus_reader *r,
			  const struct conv_rule *cr, const char *path,
			  long *nrecs, struct qerr *err, int *unreadable)
{
	struct corpus_file info;
	struct src sp;
	char *data;
	size_t len;
	int rc = corpus_file_info(path, &info, err);

	if (rc != 0) {
		*unreadable = 1;
		return rc;
	}
	if ((rc = conv_run(r->opts->conv, cr, path, &data, &len, err)) != 0)
		return rc;
	memset(&sp, 0, sizeof(sp));
	sp.r = r;
	sp.name = path;
	sp.err = err;
	sp.format = cr->ext;
	rc = read_mem(&sp, "txt", data, len);
	free(data);
	*nrecs = sp.nrecs;
	if (rc == 0 && r->on_file && sp.nrecs > 0)
		rc = r->on_file(r->ctx, path, &info);
	return rc;
}

/* corpus_read_file; *unreadable set when it failed before any record
 * because the file could not be opened or read. */
static int read_file(const struct corpus_reader *r, const char *path,
		     long *nrecs, struct qerr *err, int *unreadable)
{
	char head[SNIFF_BYTES];
	const struct conv_rule *cr;
	struct corpus_file info;
	struct input in;
	struct src sp;
	char *data = NULL;
	size_t len = 0, hlen = 0;
	int rc;

	*nrecs = 0;
	*unreadable = 0;
	if (r->opts && (cr = conv_find(r->opts->conv, path)) != NULL)
		return read_converted(r, cr, path, nrecs, err, unreadable);
	if ((rc = input_open(&in, path, err)) != 0) {
		*unreadable = in.unreadable;
		return rc;
	}
	memset(&sp, 0, sizeof(sp));
	sp.r = r;
	sp.name = path;
	sp.err = err;
	sp.nrecs = 0;
	if (streamable(&in, head, &hlen)) {
		sp.format = fmt_name[FMT_JSONL];
		rc = stream_jsonl(&sp, &in, head, hlen);
		*nrecs = sp.nrecs;
	} else if ((rc = slurp(&in, &data, &len, err)) == 0) {
		rc = corpus_read_mem(r, path, extension(path), data, len, nrecs,
				     err);
		free(data);
	}
	*unreadable = in.unreadable && *nrecs == 0;
	close(in.fd);
	if (rc == 0 && r->on_file) {
		input_info(&in, &info);
		rc = r->on_file(r->ctx, path, &info);
	}
	return rc;
}

int corpus_read_file(const struct corpus_reader *r, const char *path,
		     long *nrecs, struct qerr *err)
{
	long n = 0;
	int unreadable, rc = read_file(r, path, &n, err, &unreadable);

	if (nrecs)
		*nrecs = n;
	return rc;
}

/* A directory on the current walk path, for loop detection. */
struct frame {
	dev_t dev;
	ino_t ino;
	const struct frame *up;
};

struct walk {
	const struct corpus_reader *r;
	struct qerr *err;
	long nrecs, nskipped; /* records read; files want declined */
	/* the directory holding r->exclude, and its name there */
	dev_t xdev;
	ino_t xino;
	const char *xbase;
};

static int walk_entry(struct walk *w, const char *path, const struct frame *up);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* Append a copy of name to the growable array *names. */
static int add_name(char ***names, size_t *n, size_t *cap, const char *name)
{
	char **p;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p = realloc(*names, *cap * sizeof(*p));
		if (p == NULL)
			return -1;
		*names = p;
	}
	(*names)[*n] = strdup(name);
	if ((*names)[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* The sorted names of dir's entries that do not start with '.'. */
static int list_dir(const char *dir, char ***out, size_t *n, struct qerr *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	int e = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL) {
		e = errno;
		return qerr_set(err, QERR_IO, "%s: %s", dir, strerror(e));
	}
	while (e == 0 && (errno = 0, de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && add_name(out, n, &cap, de->d_name))
			e = ENOMEM;
	if (e == 0)
		e = errno;
	closedir(d);
	if (e != 0) {
		free_names(*out, *n);
		return qerr_set(err, QERR_IO, "%s: %s", dir, strerror(e));
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_names);
	return 0;
}

/* Is name, in the directory of frame f, the excluded file or one of its
 * companions (NAME-journal, -wal, -shm, NAME.tmp-PID...)?  Its lock file
 * (.NAME.lock) is hidden, and hidden entries are never read. */
static int excluded(const struct walk *w, const struct frame *f,
		    const char *name)
{
	static const char *const tails[] = {"", "-journal", "-wal", "-shm",
					    NULL};
	size_t n;
	int i;

	if (w->xbase == NULL || f->dev != w->xdev || f->ino != w->xino)
		return 0;
	n = strlen(w->xbase);
	if (strncmp(name, w->xbase, n) != 0)
		return 0;
	for (i = 0; tails[i]; i++)
		if (strcmp(name + n, tails[i]) == 0)
			return 1;
	return strncmp(name + n, ".tmp-", 5) == 0;
}

static int walk_dir(struct walk *w, const char *dir, const struct frame *f)
{
	char **names;
	size_t n, i, dn = strlen(dir);
	struct buf path = BUF_INIT;
	int rc = list_dir(dir, &names, &n, w->err);

	for (i = 0; rc == 0 && i < n; i++) {
		if (excluded(w, f, names[i]))
			continue;
		buf_reset(&path);
		if (buf_append(&path, dir, dn) != 0 ||
		    (dn > 0 && dir[dn - 1] != '/' && buf_putc(&path, '/') != 0) ||
		    buf_puts(&path, names[i]) != 0)
			rc = qerr_set(w->err, QERR_IO, "%s: out of memory", dir);
		else
			rc = walk_entry(w, path.data, f);
	}
	buf_free(&path);
	free_names(names, n);
	return rc;
}

/* One file of a walk: data problems, and a file that cannot be opened or
 * read, become warnings (the file is skipped). */
static int walk_file(struct walk *w, const char *path)
{
	struct qerr e;
	long n = 0;
	int rc, unreadable;
	size_t ml;

	qerr_clear(&e);
	if (w->r->want && !w->r->want(w->r->ctx, path)) {
		w->nskipped++;
		return 0;
	}
	rc = read_file(w->r, path, &n, &e, &unreadable);
	w->nrecs += n;
	if ((rc == QERR_DATA && e.code == QERR_DATA) || unreadable) {
		ml = strlen(e.msg);
		warn(w->r, "%s%s", e.msg,
		     ml >= 7 && strcmp(e.msg + ml - 7, "skipped") == 0
			     ? ""
			     : ", skipped");
		return 0;
	}
	if (rc != 0 && e.code != QERR_OK)
		qerr_set(w->err, e.code, "%s", e.msg);
	return rc;
}

static int on_path(const struct frame *f, const struct stat *st)
{
	for (; f != NULL; f = f->up)
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return 1;
	return 0;
}

static int walk_entry(struct walk *w, const char *path, const struct frame *up)
{
	struct stat st;
	struct frame f;
	int e;

	if (stat(path, &st) != 0) {
		e = errno;
		if (e != ENOENT && e != ELOOP)
			return qerr_set(w->err, QERR_IO, "%s: %s", path,
					strerror(e));
		warn(w->r, "%s: %s, skipped", path, strerror(e));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (on_path(up, &st)) {
			warn(w->r, "%s: directory loop, skipped", path);
			return 0;
		}
		f.dev = st.st_dev;
		f.ino = st.st_ino;
		f.up = up;
		return walk_dir(w, path, &f);
	}
	if (!S_ISREG(st.st_mode)) {
		warn(w->r, "%s: not a regular file, skipped", path);
		return 0;
	}
	return walk_file(w, path);
}

/* Note where r->exclude lives, for excluded(). */
static void walk_exclude(struct walk *w)
{
	const char *x = w->r->exclude, *slash;
	char *dir;
	struct stat st;

	w->xbase = NULL;
	if (x == NULL || *x == '\0')
		return;
	slash = strrchr(x, '/');
	dir = slash == NULL ? strdup(".")
			    : strndup(x, slash == x ? 1 : (size_t)(slash - x));
	if (dir != NULL && stat(dir, &st) == 0) {
		w->xdev = st.st_dev;
		w->xino = st.st_ino;
		w->xbase = slash ? slash + 1 : x;
	}
	free(dir);
}

int corpus_read_path(const struct corpus_reader *r, const char *path,
		     long *nrecs, struct qerr *err)
{
	struct stat st;
	struct frame f;
	struct walk w;
	int rc, e;

	if (nrecs)
		*nrecs = 0;
	if (stat(path, &st) != 0) {
		e = errno;
		return qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
	}
	w.r = r;
	w.err = err;
	w.nrecs = 0;
	w.nskipped = 0;
	walk_exclude(&w);
	if (!S_ISDIR(st.st_mode) && !r->lenient) {
		if (r->want && !r->want(r->ctx, path))
			return 0;
		return corpus_read_file(r, path, nrecs, err);
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = walk_file(&w, path); /* asks r->want itself */
		if (nrecs)
			*nrecs = w.nrecs;
		return rc;
	}
	f.dev = st.st_dev;
	f.ino = st.st_ino;
	f.up = NULL;
	rc = walk_dir(&w, path, &f);
	if (nrecs)
		*nrecs = w.nrecs;
	if (rc == 0 && w.nrecs == 0 && w.nskipped == 0)
		rc = qerr_set(err, QERR_DATA, "%s: no Q&A records found", path);
	return rc;
}
