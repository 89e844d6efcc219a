/* wordnet.h - what WordNet 3.0 relates to an English word or phrase, read
 * from its documented database files (wndb(5): index.POS, data.POS and
 * POS.exc, as Debian's wordnet-base installs them in /usr/share/wordnet),
 * mapped read-only and searched in place; no WordNet library.
 *
 * A word is reduced to its base forms as WordNet's morphy does (the
 * exception lists, then the suffix rules of each part of speech), each
 * base form is looked up in the sorted index files (binary search on
 * lines), and the synsets of its first senses are read at the byte
 * offsets the index gives.  What a synset relates is reported lemma by
 * lemma, with the relation it came through.  Lemmas are lower case with
 * words separated by single spaces ("pros and cons").
 *
 * Nothing is parsed when opening: the files are only mapped. */
#ifndef QUARRY_WORDNET_H
#define QUARRY_WORDNET_H

#include <stddef.h>

/* Where Debian's wordnet-base puts the files. */
#define WN_DEBIAN_DIR "/usr/share/wordnet"

/* Relations, as a mask for wn_related. */
enum wn_rel {
	WN_SYNONYM = 1,  /* another lemma of the same synset */
	WN_DERIVED = 2,  /* derivationally related form ("+" pointer) */
	WN_HYPERNYM = 4, /* a lemma of a more general synset ("@", "@i") */
	WN_HYPONYM = 8,  /* a lemma of a more specific synset ("~", "~i") */
	WN_GLOSS = 16,   /* a word of the synset's definition */
	WN_SIMILAR = 32, /* adjectives: similar to ("&"), see also ("^") */
};

struct wn;

/* Open the database in dir: index and data files of the four parts of
 * speech (a missing exception list is an empty one).  NULL with errno set
 * when a file cannot be opened or mapped, or memory runs out.  wn_close
 * accepts NULL. */
struct wn *wn_open(const char *dir);
void wn_close(struct wn *w);

/* The database quarry uses: opened on the first call from the directory
 * $QUARRY_WORDNET names (unset or empty: none; the expansions are opt-in,
 * see rank.h, RANK_LEXICAL), and kept, read-only, for the life of the
 * process.  NULL when there is none; quarry works without it. */
struct wn *wn_shared(void);

/* Called for each lemma related to the word: rel is one enum wn_rel, sense
 * the 1-based rank of the word's sense it came through (WordNet orders a
 * word's senses by frequency).  A lemma may be reported more than once.
 * lemma is borrowed until the callback returns.  Return non-zero to
 * stop. */
typedef int (*wn_fn)(void *ctx, const char *lemma, int rel, int sense);

/* Report what rels relate to word[0..n) (lower case; words separated by
 * spaces or underscores) through its first max_senses senses of each part
 * of speech.  Returns 1 when WordNet knows the word, 0 when not (or w is
 * NULL), or the callback's non-zero value when it stopped. */
int wn_related(const struct wn *w, const char *word, size_t n, int rels,
	       int max_senses, wn_fn fn, void *ctx);

/* Non-zero when WordNet has word[0..n) as a lemma (after morphy). */
int wn_knows(const struct wn *w, const char *word, size_t n);

#endif
