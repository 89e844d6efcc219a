/* retrieve.c - from a question to the records to show: parse, rank, fetch.
 * Shared by ask and chat. */
#include <stdlib.h>

#include "cli.h"

int cli_retrieve(struct idx *x, struct tok *t, const struct rank_params *p,
		 const char *q, int top, struct cli_result *res, int *n,
		 struct rank_query *rq, struct qerr *err)
{
	struct rank_query local;
	struct rank_hit *hits;
	int i, rc;

	*n = 0;
	if (rq == NULL)
		rq = &local;
	hits = calloc((size_t)top, sizeof(*hits));
	if (hits == NULL)
		return qerr_set(err, QERR_IO, "out of memory");
	/* (idx_status: lookups that read as "absent" may have failed) */
	rc = rank_parse_ex(x, t, q, p->expand, rq, err);
	if (rc == 0)
		rc = idx_status(x, err);
	if (rc == 0)
		rc = rank_feedback(x, rq, p, err);
	if (rc == 0)
		rc = rank_search(x, rq, p, top, hits, n, err);
	if (rc == 0)
		rc = idx_status(x, err);
	for (i = 0; rc == 0 && i < *n; i++) {
		res[i].rank = i + 1;
		res[i].score = hits[i].score;
		res[i].confidence = rank_confidence(x, rq, &hits[i]);
		rc = idx_get_doc(x, hits[i].doc, &res[i].doc, err);
	}
	if (rc != 0) {
		cli_results_clear(res, i);
		*n = 0;
	}
	free(hits);
	return rc;
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

void cli_results_clear(struct cli_result *res, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		idx_doc_clear(&res[i].doc);
		free(res[i].contrib);
		res[i].contrib = NULL;
	}
}
