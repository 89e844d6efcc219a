/* followup.c - classify a chat question and resolve it against the topic.
 *
 * Everything works on words: runs of ASCII letters and digits and of
 * non-ASCII bytes, lower-cased in ASCII, with an apostrophe (straight or
 * U+2019) kept between letters.  The heuristics are deliberately small
 * and general: connectives, pronouns and the amount of content, never
 * lists of subjects.  See followup.h for the rules. */
#include <stdlib.h>
#include <string.h>

#include "../index/analyzer.h"
#include "../util/buf.h"
#include "followup.h"

#define WORD_MAX 64 /* longer words are cut; enough to compare them */
#define SCAN_MAX 32 /* words of a question looked at for its shape */

/* Words that frame a question rather than name its subject, and the few
 * function words the analyzer keeps because they matter in ranking. */
static const char *const framing[] = {
	"against", "also",     "basic",     "between",     "compare",
	"compared", "concept", "define",    "definition",  "describe",
	"detail",  "details",  "differ",    "difference",  "different",
	"differs", "distinguish", "elaborate", "else",     "example",
	"examples", "exactly", "explain",   "give",        "idea",
	"important", "instance", "key",     "main",        "matter",
	"mean",    "meaning",  "means",     "no",          "not",
	"ok",      "okay",     "one",       "ones",        "over",
	"please",  "purpose",  "really",    "role",        "same",
	"show",    "tell",     "thanks",    "thing",       "things",
	"use",     "used",     "uses",      "using",       "versus",
	"vs",      "way",      "ways",      "work",        "working",
	"works",   "yes",      NULL,
};

/* Words that point back at something said before. */
static const char *const anaphora[] = {
	"it",    "it's",   "its",        "itself", "they",  "them",
	"their", "theirs", "themselves", "this",   "that",  "these",
	"those", NULL,
};

/* Words that make a question continue the previous one when it starts
 * with them. */
static const char *const connectives[] = {
	"and", "also", "but", "or", "plus", NULL,
};

/* Words dropped before matching a "tell me more" request. */
static const char *const politeness[] = {
	"and", "can", "could", "now", "ok", "okay", "please", "so",
	"then", "well", "you", NULL,
};

/* Requests for the next answer to the same question, as word sequences. */
static const char *const more_phrases[] = {
	"another",
	"another answer",
	"another one",
	"anything else",
	"continue",
	"go on",
	"keep going",
	"more",
	"more about it",
	"more about that",
	"more answers",
	"next",
	"next answer",
	"next one",
	"say more",
	"show me more",
	"show more",
	"something else",
	"tell me more",
	"tell me more about it",
	"tell me more about that",
	"what else",
	NULL,
};

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

/* Length of an apostrophe at s (1 for ', 3 for U+2019), else 0. */
static int apostrophe(const char *s)
{
	if (*s == '\'')
		return 1;
	if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x99)
		return 3;
	return 0;
}

/* Read the next word from *p into w[WORD_MAX + 1]; its length, 0 at the
 * end.  A U+2019 apostrophe is itself not a word byte here. */
static size_t next_word(const char **p, char *w)
{
	const char *s = *p;
	size_t n = 0;

	for (;;) {
		while (*s && !word_byte((unsigned char)*s))
			s++;
		if (apostrophe(s) != 3)
			break;
		s += 3;
	}
	while (*s) {
		int a = apostrophe(s);

		if (a && n > 0 && word_byte((unsigned char)s[a]) &&
		    apostrophe(s + a) == 0) {
			if (n < WORD_MAX)
				w[n++] = '\'';
			s += a;
			continue;
		}
		if (a || !word_byte((unsigned char)*s))
			break;
		if (n < WORD_MAX)
			w[n++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
		s++;
	}
	w[n] = '\0';
	*p = s;
	return n;
}

static int is_content(const char *w)
{
	return !tok_is_stop(w, strlen(w)) && !in_list(w, framing);
}

int followup_content_count(const char *q)
{
	char w[WORD_MAX + 1];
	int n = 0;

	while (next_word(&q, w) > 0)
		n += is_content(w);
	return n;
}

/* The first SCAN_MAX words of q, politeness dropped, joined by spaces,
 * for matching against more_phrases.  Empty when q is longer. */
static void more_key(const char *q, char *key, size_t cap)
{
	char w[WORD_MAX + 1];
	size_t len = 0, n;
	int count = 0;

	key[0] = '\0';
	while ((n = next_word(&q, w)) > 0) {
		if (++count > SCAN_MAX || len + n + 2 > cap) {
			key[0] = '\0';
			return;
		}
		if (in_list(w, politeness))
			continue;
		if (len)
			key[len++] = ' ';
		memcpy(key + len, w, n + 1);
		len += n;
	}
}

/* Does q point back with a pronoun?  "that" right after a content word is
 * a relative pronoun ("the layer that ..."), not a reference. */
static int has_anaphor(const char *q)
{
	char w[WORD_MAX + 1];
	int prev_content = 0, i;

	for (i = 0; i < SCAN_MAX && next_word(&q, w) > 0; i++) {
		if (in_list(w, anaphora) &&
		    !(strcmp(w, "that") == 0 && prev_content))
			return 1;
		prev_content = is_content(w);
	}
	return 0;
}

/* Does q open with a connective, "what about" or "how about"? */
static int opens_with_connective(const char *q)
{
	char w1[WORD_MAX + 1], w2[WORD_MAX + 1];

	if (next_word(&q, w1) == 0)
		return 0;
	if (in_list(w1, connectives))
		return 1;
	if (next_word(&q, w2) == 0 || strcmp(w2, "about") != 0)
		return 0;
	return strcmp(w1, "what") == 0 || strcmp(w1, "how") == 0;
}

int followup_classify(const char *q)
{
	char key[256];
	int content;

	more_key(q, key, sizeof(key));
	if (key[0] && in_list(key, more_phrases))
		return FOLLOWUP_MORE;
	if (opens_with_connective(q))
		return FOLLOWUP_RELATED;
	content = followup_content_count(q);
	if (content == 0 || (content <= 3 && has_anaphor(q)))
		return FOLLOWUP_RELATED;
	return FOLLOWUP_NEW;
}

/* Is w one of the space-separated words in b? */
static int has_word(const struct buf *b, const char *w, size_t n)
{
	const char *s = b->data;

	while (s && *s) {
		const char *e = strchr(s, ' ');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len == n && memcmp(s, w, n) == 0)
			return 1;
		s = e ? e + 1 : s + len;
	}
	return 0;
}

/* Append the distinct content words of text to b, at most max new ones. */
static int add_content(struct buf *b, const char *text, int max)
{
	char w[WORD_MAX + 1];
	size_t n;
	int added = 0;

	while (text && added < max && (n = next_word(&text, w)) > 0) {
		if (!is_content(w) || has_word(b, w, n))
			continue;
		if ((b->len && buf_putc(b, ' ') != 0) || buf_append(b, w, n))
			return -1;
		added++;
	}
	return 0;
}

char *followup_content_words(const char *text, int max)
{
	struct buf b = BUF_INIT;

	if (add_content(&b, text, max) != 0 || buf_puts(&b, "") != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

void followup_init(struct followup *f)
{
	memset(f, 0, sizeof(*f));
}

void followup_clear(struct followup *f)
{
	if (f == NULL)
		return;
	free(f->subject);
	free(f->words);
	free(f->query);
	followup_init(f);
}

static char *join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = malloc(na + nb + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, a, na);
	s[na] = ' ';
	memcpy(s + na + 1, b, nb + 1);
	return s;
}

int followup_resolve(const struct followup *f, const char *q,
		     char **resolved)
{
	int kind = followup_classify(q);

	*resolved = NULL;
	if (kind == FOLLOWUP_MORE) {
		if (f->query == NULL)
			return kind;
		*resolved = strdup(f->query);
	} else if (kind == FOLLOWUP_RELATED && f->words && *f->words) {
		*resolved = join(q, f->words);
	} else {
		kind = FOLLOWUP_NEW;
		*resolved = strdup(q);
	}
	return *resolved ? kind : -1;
}

int followup_update(struct followup *f, int kind, const char *q,
		    const char *resolved, int nshown)
{
	struct buf b = BUF_INIT;
	char *query = NULL;

	if (kind == FOLLOWUP_MORE) {
		f->shown += nshown;
		return 0;
	}
	if (kind == FOLLOWUP_NEW) {
		free(f->subject);
		f->subject = followup_content_words(q, FOLLOWUP_MAX_WORDS);
		if (f->subject == NULL)
			goto oom;
	}
	if (add_content(&b, f->subject, FOLLOWUP_MAX_WORDS) != 0 ||
	    (kind == FOLLOWUP_RELATED &&
	     add_content(&b, q, FOLLOWUP_MAX_WORDS) != 0) ||
	    buf_puts(&b, "") != 0 || (query = strdup(resolved)) == NULL)
		goto oom;
	free(f->words);
	free(f->query);
	f->words = buf_detach(&b);
	f->query = query;
	f->shown = nshown;
	return 0;
oom:
	free(query);
	buf_free(&b);
	followup_clear(f);
	return -1;
}
