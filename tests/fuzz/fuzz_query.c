/* fuzz_query.c - rank_parse and rank_search on arbitrary bytes against a
 * small index built once per process.
 *
 * The index is built into a fresh temporary directory, opened, then its
 * file and directory are removed (SQLite keeps the open descriptor), so
 * nothing is left behind even when the fuzzer stops on a crash.  Its
 * records define acronyms and share prefixes and compounds, so prefix,
 * fuzzy, alias and split expansion all have something to find.  Each
 * input is a question; hits must be in range and in score order. */
#include <unistd.h>

#include "../../index/idx.h"
#include "../../retrieval/rank.h"
#include "../../util/wordlist.h"
#include "fuzz.h"

static const char *const docs[][2] = {
	{"What is dropout?",
	 "Dropout ignores random neurons during training to reduce "
	 "overfitting."},
	{"What is backpropagation?",
	 "Backpropagation computes the gradient of the loss with the chain "
	 "rule."},
	{"What is a Long Short-Term Memory (LSTM) network?",
	 "An LSTM is a recurrent neural network (RNN) with gates."},
	{"Explain batch normalization.",
	 "Batch normalization (BN) normalizes layer inputs per mini batch."},
	{"What is a multi layer perceptron?",
	 "A multi layer perceptron (MLP) stacks fully connected layers."},
	{"What is ReLU (Rectified Linear Unit)?",
	 "ReLU returns max(0, x); it avoids vanishing gradients."},
	{"What are Generative Adversarial Networks (GANs)?",
	 "Two networks, a generator and a discriminator, trained together."},
	{"Explain principal component analysis (PCA).",
	 "PCA projects data onto the directions of largest variance."},
	{"What is the learning rate?",
	 "The step size of gradient descent; too large diverges."},
	{"Qu'est-ce que la régularisation?",
	 "Régularisation: pénalité L2 sur les poids. 正则化 ist Regularisierung."},
	{"What is stochastic gradient descent (SGD)?",
	 "SGD updates weights from one mini batch at a time."},
	{"What is a convolutional neural network (CNN)?",
	 "A CNN shares weights across positions with convolution kernels."},
};

static struct idx *x;
static struct tok *t;

/* Build, open and unlink the index; aborts on failure (a setup bug, not a
 * finding). */
static void setup(void)
{
	char dir[] = "/tmp/quarry-fuzz-query-XXXXXX", path[64];
	struct qerr err = {0, ""};
	struct idx_build *b = NULL;
	struct wordlist *w;
	FILE *f;
	size_t i;

	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/q.db", dir);
	FUZZ_CHECK(idx_build_begin(&b, path, &err) == 0);
	FUZZ_CHECK(idx_build_source(b, "fuzz.txt", 1, 1, "0", 0) == 0);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char id[16];

		snprintf(id, sizeof(id), "%zu", i + 1);
		FUZZ_CHECK(idx_build_add(b, id, docs[i][0], docs[i][1],
					 (long)i + 1) == 0);
	}
	FUZZ_CHECK(idx_build_commit(b, &err) == 0);
	FUZZ_CHECK(idx_open(&x, path, &err) == 0);
	unlink(path);
	t = tok_new(TOK_STEM);
	FUZZ_CHECK(t != NULL);
	/* a word list, so that words of the language are not respelled;
	 * mapped, so it can go at once */
	snprintf(path, sizeof(path), "%s/words", dir);
	f = fopen(path, "w");
	FUZZ_CHECK(f != NULL);
	fputs("network\nthing\nlayer\nnet\nbatch\nrecurrent\nweight\n", f);
	FUZZ_CHECK(fclose(f) == 0);
	w = wordlist_open(path);
	FUZZ_CHECK(w != NULL);
	tok_set_words(t, w);
	unlink(path);
	rmdir(dir);
}

/* Rank with p and check the hits. */
static void search(const struct rank_query *q, const struct rank_params *p)
{
	struct rank_hit hits[8];
	struct qerr err = {0, ""};
	double contrib[RANK_MAX_TERMS];
	int n = -1, i;

	FUZZ_CHECK(rank_search(x, q, p, 8, hits, &n, &err) == 0);
	FUZZ_CHECK(n >= 0 && n <= 8);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(hits[i].doc >= 0 && hits[i].doc < idx_ndocs(x));
		FUZZ_CHECK(i == 0 || hits[i].score <= hits[i - 1].score);
	}
	if (n > 0) {
		double c = rank_confidence(x, q, &hits[0]);

		FUZZ_CHECK(c >= 0.0 && c <= 1.0 + 1e-9);
		(void)rank_explain(x, q, p, hits[0].doc, contrib);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rank_query q;
	struct rank_params p;
	struct qerr err = {0, ""};
	char *text;
	int i;

	if (x == NULL)
		setup();
	text = fuzz_strdup(data, size);
	rank_defaults(&p);
	if (rank_parse(x, t, text, &q, &err) == 0) {
		FUZZ_CHECK(q.nterms >= 0 && q.nterms <= RANK_MAX_TERMS);
		for (i = 0; i < q.nterms; i++) {
			const struct rank_term *rt = &q.terms[i];

			FUZZ_CHECK(memchr(rt->text, '\0', sizeof(rt->text)));
			FUZZ_CHECK(memchr(rt->word, '\0', sizeof(rt->word)));
			FUZZ_CHECK(rt->from < i);
		}
		search(&q, &p);
		p.model = RANK_TFIDF;
		p.qmatch = 0.0;
		search(&q, &p);
	}
	/* Without expansion: the user's words only, and a word is left out
	 * only when the user's words fill every slot. */
	rank_defaults(&p);
	if (rank_parse_ex(x, t, text, 0, &q, &err) == 0) {
		FUZZ_CHECK(q.cut_words >= 0 && q.cut_expansions == 0);
		FUZZ_CHECK(q.ncut_shown >= 0 && q.ncut_shown <= RANK_CUT_SHOWN);
		FUZZ_CHECK(q.ncut_shown <= q.cut_words);
		FUZZ_CHECK(q.cut_words == 0 || q.nterms == RANK_MAX_TERMS);
		for (i = 0; i < q.nterms; i++)
			FUZZ_CHECK(q.terms[i].origin == RANK_USER);
		search(&q, &p);
	}
	free(text);
	return 0;
}
