/* rank.h - turn a question into weighted terms and rank records by BM25F.
 *
 * A query is analyzed with the index's analyzer into distinct terms, each
 * with a weight (the user's own words weigh 1; stop words are dropped
 * unless the question has nothing else).  Scoring is BM25F over the
 * question and answer fields (or TF-IDF): BM25 document at a time with
 * MaxScore pruning, TF-IDF and exhaustive scoring term at a time into a
 * dense accumulator; the top k are kept in a bounded heap.  Ties go to the
 * lower internal doc id, i.e. the record read first.
 *
 * The layers, one a file, each calling only those below it: query.c
 * (rank_parse) calls expand.c (the expansions and the term table);
 * feedback.c (rank_feedback) ranks once with search.c and adds terms;
 * search.c (rank_search, rank_explain, rank_defaults) reads the index
 * only; confidence.c (rank_confidence) judges a hit.  run.h strings them
 * into the one pipeline.  What they share privately is in rank_int.h. */
#ifndef QUARRY_RANK_H
#define QUARRY_RANK_H

#include <stdint.h>

#include "../index/analyzer.h"
#include "../index/idx.h"
#include "../util/err.h"

enum rank_model { RANK_BM25 = 0, RANK_TFIDF = 1 };

enum rank_expand_flags {
	RANK_EXP_PREFIX = 1,
	RANK_EXP_FUZZY = 2,
	RANK_EXP_ALIAS = 4,
	RANK_EXP_SPLIT = 8,
	RANK_EXP_LEXICAL = 16,
	RANK_EXP_ALL = 31,
};

/* The work rank_search did, to measure its cost without a clock: posting
 * lists opened, postings decoded, block headers read, records scored in
 * full (the rest were pruned). */
struct rank_cost {
	long lists, postings, blocks, docs;
	long windows; /* windows of records taken whole (many lists) */
};

struct rank_params {
	int model;              /* RANK_BM25 or RANK_TFIDF */
	double k1, b;           /* BM25 saturation and length normalization */
	double w[IDX_NFIELDS];  /* field weights: question, answer */
	double qmatch;          /* question-match bonus (0 = off), see below */
	double phrase;          /* phrase bonus (0 = off), see below */
	double feedback;        /* weight of feedback terms (0 = off) */
	int feedback_min;       /* only for queries of at least this many
				   of the user's words */
	int expand;             /* enum rank_expand_flags for rank_parse_ex */
	int exhaustive;         /* score every posting (no pruning); for tests */
	struct rank_cost *cost; /* when not NULL, rank_search adds its work */
	double semantic;        /* weight of the word-vector cosine (0 = off),
				   see rank_search_fused */
	double proximity;       /* weight of passages' term proximity (0 =
				   off), see proximity.h */
};

/* The question-match bonus rewards a record whose question field the query
 * covers as a whole: score *= 1 + qmatch * cq * cd, where cq is the share
 * of the query's idf mass found in the question field and cd the share of
 * the question's terms that the query matched. */
#define RANK_QMATCH 1.0

/* The phrase bonus re-ranks the best RANK_RERANK records: score *= 1 +
 * phrase * (share of the query's word pairs found next to each other, or
 * with one word between, in the record).  Off by default: it did not
 * improve ranking on the judged collections (see README, Quality). */
#define RANK_PHRASE 0.0
#define RANK_RERANK 20

/* The answer field's weight is scaled by RANK_ANSWER_RATIO * avg_q /
 * avg_a where answers are on average more than RANK_ANSWER_RATIO times
 * as long as questions (see search.c, answer_cap). */
#define RANK_ANSWER_RATIO 12.0

/* The defaults (IDX_K1, IDX_B, IDX_WQ, IDX_WA, BM25). */
void rank_defaults(struct rank_params *p);

/* A query holds at most RANK_MAX_TERMS distinct terms (a bit each in
 * rank_hit.terms).  The user's words take them first: stop words are left
 * out (unless there is nothing else), and when more words remain than
 * there are slots, the ones kept are those the index holds before those
 * it lacks, the larger weight times idf first (the words that can score
 * most), then the earlier word.  Expansions take the slots left.  Only the
 * first RANK_MAX_WORDS distinct terms of a text are considered at all;
 * later new ones are left out.  What was left out is counted in
 * rank_query (cut_words, cut_expansions) for the caller to report. */
#define RANK_MAX_TERMS 64
#define RANK_MAX_WORDS 1024
/* How many of the left-out words rank_query names. */
#define RANK_CUT_SHOWN 8

/* Where a query term came from. */
enum rank_origin {
	RANK_USER = 0,   /* the user's own word */
	RANK_PREFIX = 1, /* completes a word the index lacks ("backprop") */
	RANK_FUZZY = 2,  /* nearest spelling of a word the index lacks */
	RANK_ALIAS = 3,  /* acronym <-> expansion the corpus defines */
	RANK_SPLIT = 4,  /* half of a compound the index splits ("multilayer") */
	RANK_FEEDBACK = 5, /* from the best records (pseudo-relevance feedback) */
	RANK_JOIN = 6,   /* a hyphenated word closed up ("feed-forward") */
	RANK_VARIANT = 7, /* a derivation the stemmer leaves apart ("sparsity"),
			     or the other spelling ("regularization") */
	RANK_LEXICAL = 8, /* what WordNet relates to a word or phrase
			     ("drawbacks" -> "disadvantage") */
};

/* Query-side weights of expansions (the user's words weigh 1). */
#define RANK_W_PREFIX 1.0
#define RANK_W_PREFIX_WORD 0.5 /* completing a word of the word list */
#define RANK_W_FUZZY 0.8
#define RANK_W_ALIAS 0.4
#define RANK_W_SPLIT 0.8
#define RANK_W_JOIN 1.0
#define RANK_W_VARIANT 0.5
/* WordNet's relations (RANK_LEXICAL), by enum wn_rel; see expand.c.  A
 * relation weighing 0 is not read.  (Hyponyms, gloss words and similar
 * adjectives lost on the devset when tried; see README.) */
#define RANK_W_SYNONYM 0.3
#define RANK_W_DERIVED 0.3
#define RANK_W_HYPERNYM 0.3
#define RANK_W_HYPONYM 0.0
#define RANK_W_GLOSS 0.0
#define RANK_W_SIMILAR 0.0
/* How much a related word found counts toward confidence, for the
 * user's word it relates to (the user's word itself counts 1). */
#define RANK_LEX_CREDIT 0.5
/* Senses of a word whose relations are read (most frequent first). */
#define RANK_LEX_SENSES 3
#define RANK_W_SPELLING 1.0 /* a variant: the word's other spelling */
/* At most this many completions per missing word. */
#define RANK_MAX_PREFIX 3

struct rank_term {
	char text[TOK_MAX_TERM * 2 + 1]; /* the analyzed term */
	char word[TOK_MAX_TERM + 8];     /* the word it came from */
	double weight;                   /* query-side weight */
	long df;                         /* 0 when absent from the index */
	double idf;
	int is_stop;
	int pos;                         /* position of the user's word */
	int origin;                      /* enum rank_origin */
	int from;                        /* for expansions: index of the term
					    it expands, else -1 */
	int span;                        /* RANK_JOIN: how many words it joins
					    (the user's terms at pos of from
					    and after) */
	char alt[TOK_MAX_TERM + 8];      /* a user's word the index lacks:
					    the nearest word the records
					    spell, when one is near ("" if
					    none): its respelling, or for a
					    word of the word list only a
					    "did you mean" */
};

/* What the semantic channel did with a query (rank_search_fused). */
struct rank_sem {
	double weight;    /* the cosine's weight: p->semantic times cover;
			     0 when the channel was not used */
	double cover;     /* share of the question's words the vectors know */
	const char *path; /* the vectors file, or NULL (borrowed) */
	const char *why;  /* why it was not used, or NULL (static) */
};

struct rank_query {
	struct rank_term terms[RANK_MAX_TERMS];
	int nterms;
	int dropped_stop; /* stop words that were left out */
	int cut_words;      /* the user's terms left out for want of slots */
	int cut_expansions; /* expansions and feedback terms left out */
	int ncut_shown;     /* the first of the left-out words, in text order */
	char cut[RANK_CUT_SHOWN][TOK_MAX_TERM + 8];
	struct rank_sem sem; /* set by rank_run */
	struct tok *tok;  /* the analyzer it was parsed with (borrowed) */
};

/* Analyze text into q. Duplicate terms add up in weight; the slots go
 * as RANK_MAX_TERMS says, and q counts what did not fit.  Words the index
 * lacks are completed by prefix or matched by edit distance against the
 * vocabulary, and acronyms the corpus defines are expanded both ways, as
 * the flags allow (RANK_EXP_SPLIT also closes up hyphenated words and
 * adds the derivations Snowball leaves apart); expansions weigh no more
 * than the user's words.  rank_parse uses RANK_EXP_ALL.  Returns 0 or
 * QERR_IO (memory; q then holds no terms). */
int rank_parse(struct idx *x, struct tok *t, const char *text,
	       struct rank_query *q, struct qerr *err);
int rank_parse_ex(struct idx *x, struct tok *t, const char *text, int flags,
		  struct rank_query *q, struct qerr *err);

/* "Did you mean": text with each word the index lacks replaced by the
 * nearest word the records spell (rank_term.alt of q, parsed from text),
 * into out[cap] (cut to fit).  1 when a word was replaced, else 0 and
 * out is "". */
int rank_did_you_mean(const struct rank_query *q, const char *text,
		      char *out, size_t cap);

/* Pseudo-relevance feedback (RM3-like): rank once, then add to q up to
 * RANK_FB_TERMS terms that are frequent in the best RANK_FB_DOCS records,
 * weighted by p->feedback times their share of the feedback mass.  Done
 * only when p->feedback > 0 and the query has at least p->feedback_min of
 * the user's words with postings.  Returns 0 or an error code. */
#define RANK_FB_DOCS 10
#define RANK_FB_TERMS 10
#define RANK_FEEDBACK_W 0.0
#define RANK_FEEDBACK_MIN 4
int rank_feedback(struct idx *x, struct rank_query *q,
		  const struct rank_params *p, struct qerr *err);

/* How much of the query a record covers, in [0, 1]: the geometric mean of
 * the share of the user's words it contains (directly or through what
 * replaced them) and the share of the query's idf mass it contains (a word
 * the index lacks and nothing replaced counts with the largest idf).  The
 * plain word share guards against generic words that a small corpus makes
 * look rare. */
struct rank_hit;
double rank_confidence(struct idx *x, const struct rank_query *q,
		       const struct rank_hit *h);

/* Whether a question is answered at all: the features of its best hits
 * (rank_decline_features) and the probability a logistic model gives
 * them (rank_answerable), fitted on the development questions by
 * tests/quality/fit_decline.py, which prints RANK_DECLINE_COEF. */
enum rank_feature {
	RANK_F_BIAS,    /* 1 */
	RANK_F_WORDS,   /* share of the user's words the best hit covers */
	RANK_F_MASS,    /* share of the query's idf mass it covers */
	RANK_F_UNKNOWN, /* share of the user's words the index lacks and
			   nothing replaced */
	RANK_F_NWORDS,  /* log(1 + the user's words, stop words left out) */
	RANK_F_GAP,     /* (best score - second) / best score; 1 alone */
	RANK_F_SCORE,   /* best score / the user's words' idf mass */
	RANK_F_RARE,    /* the largest idf of the user's words it holds, over
			   the largest idf there is */
	RANK_F_GOT,     /* the idf of the user's words it holds, summed, over
			   the largest idf there is */
	RANK_NFEAT
};
/* The question length the nwords feature counts at most (the devset's
 * longest has 13 words). */
#define RANK_NWORDS_MAX 16
#define RANK_DECLINE_COEF                                                     \
	{-8.681, 4.289, 0.09455, -4.137, 3.798, 1.637, 1.779, -4.606, 1.577}

struct rank_hit;
/* Features of hits[0] (nhits >= 1; hits[1] when there is one) into
 * f[RANK_NFEAT]; all but the bias 0 when nhits is 0. */
void rank_decline_features(struct idx *x, const struct rank_query *q,
			   const struct rank_hit *hits, int nhits,
			   double *f);
/* The probability, in (0, 1), that a question with features f has an
 * answer in the corpus. */
double rank_answerable(const double *f);

struct rank_hit {
	long doc;
	double score;
	double lexical; /* the BM25 (or TF-IDF) score alone: score before the
			   word vectors' share (rank_search_fused) */
	uint64_t terms; /* bit t set: q->terms[t] occurs in the record */
};

/* Rank the records containing a query term; the best k (k >= 1) go to hits
 * in order, *nhits receives how many.  BM25 uses document-at-a-time
 * MaxScore: posting lists whose bound cannot lift a record into the top are
 * only probed for records the others found; the result is exactly that of
 * scoring every posting (p->exhaustive, and TF-IDF, do that).  Returns 0,
 * QERR_DATA (corrupt postings) or QERR_IO (memory). */
int rank_search(struct idx *x, const struct rank_query *q,
		const struct rank_params *p, int k, struct rank_hit *hits,
		int *nhits, struct qerr *err);

/* rank_search with the semantic channel: when p->semantic > 0, the model
 * is BM25, the index holds record vectors made with the vectors file in
 * use (idx_vectors) and text has a word the file knows, the best
 * RANK_SEM_CANDIDATES records of rank_search (every record with a vector
 * too, when the index has at most RANK_SEM_ALL) are scored by their BM25
 * score over the best one's plus p->semantic times the cosine between
 * text's vector and the record's (vec_text), and the best k of those go
 * to hits, with score the fused score times the best BM25 score (BM25
 * plus the cosine's share, in BM25's units); records that only the
 * vectors found have no term bits.  Otherwise it is rank_search.  info, when not
 * NULL, says which it was.  Returns as rank_search does. */
#define RANK_SEMANTIC 1.0
#define RANK_SEMANTIC_TEXT "1"
#define RANK_SEM_CANDIDATES 100
#define RANK_SEM_ALL 1000
int rank_search_fused(struct idx *x, const struct rank_query *q,
		      const struct rank_params *p, const char *text, int k,
		      struct rank_hit *hits, int *nhits, struct rank_sem *info,
		      struct qerr *err);

/* Score contribution of each query term to one doc (for --explain):
 * contrib[i] for q->terms[i]. Returns the doc's total. */
double rank_explain(struct idx *x, const struct rank_query *q,
		    const struct rank_params *p, long doc, double *contrib);

#endif
