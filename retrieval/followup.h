/* followup.h - resolve a question in a conversation against its topic.
 *
 * A chat keeps the topic of its last turns: the content words of the last
 * self-contained question (the subject) and, after a follow-up, that
 * follow-up's own content words.  A new question is classified from its
 * text alone:
 *
 *   FOLLOWUP_MORE     "tell me more", "more", "go on", "next": the same
 *                     query again, from the first answer not yet shown;
 *   FOLLOWUP_RELATED  leans on the topic: starts with a connective ("and
 *                     its disadvantages?", "what about ..."), refers back
 *                     with a pronoun and says little else ("how is it
 *                     different from an RNN?"), or has no content words
 *                     of its own ("why?", "give an example");
 *   FOLLOWUP_NEW      anything else: searched as typed, starts a topic.
 *
 * A related question is searched as its own words followed by the topic's
 * words.  Content words are the words that are neither stop words
 * (tok_is_stop) nor question framing ("explain", "example", "difference").
 * Words are split on ASCII non-alphanumerics and lower-cased in ASCII;
 * other bytes (UTF-8) stay inside words.
 *
 * Ownership: struct followup owns its strings; followup_clear frees them.
 * Returned char * are the caller's to free.  Nothing here touches the
 * index, so every function is pure apart from memory. */
#ifndef QUARRY_FOLLOWUP_H
#define QUARRY_FOLLOWUP_H

enum followup_kind {
	FOLLOWUP_NEW = 0,
	FOLLOWUP_RELATED = 1,
	FOLLOWUP_MORE = 2,
};

/* Most words a topic takes from each of its two sources.  (Not from the
 * question field of the last answer shown as well: that pulls the same
 * answer back.) */
#define FOLLOWUP_MAX_WORDS 8

struct followup {
	char *subject; /* content words of the last new question, or NULL */
	char *words;   /* what a related question adds: the subject and the
			* last follow-up's content words; NULL = no topic */
	char *query;   /* the last query searched (for FOLLOWUP_MORE) */
	int shown;     /* answers already shown for query */
};

/* An empty topic (all NULL / 0). */
void followup_init(struct followup *f);
/* Forget the topic and free its strings; f is then empty.  Accepts NULL. */
void followup_clear(struct followup *f);

/* Classify question q from its text alone (enum followup_kind). */
int followup_classify(const char *q);

/* Number of content words in q. */
int followup_content_count(const char *q);

/* The distinct content words of text, lower-cased, space-separated, at most
 * max of them, in order of first appearance ("" when none).  NULL on
 * out-of-memory. */
char *followup_content_words(const char *text, int max);

/* Decide how to search q given topic f.  Returns the kind, or -1 when
 * memory runs out.  *resolved receives the query to search (caller frees):
 * q itself for FOLLOWUP_NEW, q plus the topic's words for
 * FOLLOWUP_RELATED, the previous query for FOLLOWUP_MORE.  Without a topic
 * a related question is new; a FOLLOWUP_MORE without a previous query
 * returns FOLLOWUP_MORE with *resolved = NULL (nothing to continue). */
int followup_resolve(const struct followup *f, const char *q,
		     char **resolved);

/* Record a finished turn: kind and resolved as returned by
 * followup_resolve for q, nshown how many answers were shown.  A new
 * question replaces the subject and the words; a related one keeps the
 * subject and adds its own content words to it; either sets the query.
 * FOLLOWUP_MORE only adds nshown to shown.  Returns 0, or -1 on
 * out-of-memory (f is then empty). */
int followup_update(struct followup *f, int kind, const char *q,
		    const char *resolved, int nshown);

#endif
