/* retrieve.c - from a question to the records to show: rank (rank_run),
 * then fetch.  Shared by ask and chat. */
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"

#include "../index/vectors.h"
#include "cli.h"

char *cli_question(const char *s, size_t n, const char *where)
{
	size_t bad = 0, nul = 0;
	char *copy = malloc(n + 1), *q, *z;

	if (copy == NULL)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	for (z = memchr(copy, '\0', n); z; z = memchr(z, '\0', n - (size_t)(z - copy))) {
		*z++ = ' ';
		nul++;
	}
	q = utf8_repair(copy, n, &bad);
	free(copy);
	if (q && nul)
		cli_warn("%s: question contains a NUL byte, read as a space",
			 where);
	if (q && bad)
		cli_warn("%s: invalid UTF-8 replaced", where);
	return q;
}

void cli_warn_cut(const struct rank_query *rq)
{
	if (rq->cut_words > 0)
		cli_warn("long question: %d of its words not searched (a "
			 "question searches at most %d terms; --explain lists "
			 "them)", rq->cut_words, RANK_MAX_TERMS);
	else if (rq->cut_expansions > 0)
		cli_warn("long question: %d expansions of its words not "
			 "searched (a question searches at most %d terms)",
			 rq->cut_expansions, RANK_MAX_TERMS);
}

void cli_warn_vectors(void)
{
	static int warned;

	if (!warned && vec_problem() != NULL) {
		cli_warn("%s; working without word vectors", vec_problem());
		warned = 1;
	}
}

int cli_retrieve(struct idx *x, struct tok *t, const struct rank_params *p,
		 const char *q, struct rank_run *run, struct cli_result *res,
		 int *n, struct qerr *err)
{
	int i, rc;

	*n = 0;
	rc = rank_run(x, t, p, q, run, err);
	if (rc == 0)
		cli_warn_cut(&run->q);
	cli_warn_vectors();
	for (i = 0; rc == 0 && i < run->nhits; i++) {
		res[i].rank = i + 1;
		res[i].score = run->hits[i].score;
		res[i].lexical = run->hits[i].lexical;
		res[i].confidence = i < run->nconf ? run->confidence[i] : 0.0;
		rc = idx_get_doc(x, run->hits[i].doc, &res[i].doc, err);
		if (rc == 0 && res[i].doc.source[0] == '/') {
			/* Recorded resolved; shown from here. */
			char *show = src_show_path(res[i].doc.source);

			if (show == NULL) {
				rc = qerr_set(err, QERR_IO, "out of memory");
				i++;
				break;
			}
			free(res[i].doc.source);
			res[i].doc.source = show;
		}
	}
	if (rc != 0) {
		cli_results_clear(res, i);
		return rc;
	}
	*n = run->nhits;
	return 0;
}

int cli_explain(struct idx *x, const struct rank_query *rq,
		const struct rank_params *p, struct cli_result *res, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		res[i].contrib = calloc((size_t)rq->nterms + 1, sizeof(double));
		if (res[i].contrib == NULL)
			return QERR_IO;
		rank_explain(x, rq, p, res[i].doc.id, res[i].contrib);
	}
	return 0;
}

int cli_snippets(const struct rank_query *rq, struct cli_result *res, int n,
		 const struct cli_out *o, int all, struct qerr *err)
{
	int i, rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		const char *a = res[i].doc.answer ? res[i].doc.answer : "";
		int shown = cli_shows_snippet(o, &res[i]);

		if (all || shown)
			rc = snip_make(rq, res[i].doc.question, a, strlen(a),
				       SNIP_CHARS, SNIP_MORE_CHARS, &res[i].snip,
				       err);
		if (rc == 0 && o->color && !shown)
			rc = snip_make(rq, NULL, a, strlen(a), 0, 0,
				       &res[i].marked, err);
	}
	return rc;
}

void cli_results_clear(struct cli_result *res, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		snip_clear(&res[i].snip);
		snip_clear(&res[i].marked);
		idx_doc_clear(&res[i].doc);
		free(res[i].contrib);
		res[i].contrib = NULL;
	}
}
