/* answer.c - print one answered or declined question, for people or as a
 * JSON line (the contract scripts rely on; see README "JSON output"). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "cli.h"

/* by enum rank_origin */
static const char *const origin_name[] = {"user",     "prefix",   "spelling",
					  "acronym",  "compound", "feedback",
					  "joined",   "variant",  "wordnet"};

/* What RANK_MAX_TERMS left out, when anything was. */
static void print_cut(const struct cli_out *o, const struct rank_query *q)
{
	int i;

	if (q->cut_words > 0) {
		fprintf(o->fp, "not searched (over %d terms): %d words:",
			RANK_MAX_TERMS, q->cut_words);
		for (i = 0; i < q->ncut_shown; i++)
			fprintf(o->fp, " %s", q->cut[i]);
		fprintf(o->fp, "%s\n", q->cut_words > q->ncut_shown ? " ..." : "");
	}
	if (q->cut_expansions > 0)
		fprintf(o->fp, "not searched (over %d terms): %d expansions\n",
			RANK_MAX_TERMS, q->cut_expansions);
}

/* The query's terms, with the expansions that fired. */
static void print_terms(const struct cli_out *o, const struct rank_query *q)
{
	int i;

	fprintf(o->fp, "query terms:");
	for (i = 0; i < q->nterms; i++) {
		const struct rank_term *t = &q->terms[i];

		fputc(' ', o->fp);
		cli_put(o->fp, t->text, TERM_NAME);
		if (t->origin == RANK_FEEDBACK)
			fprintf(o->fp, " (feedback, weight %.2g)", t->weight);
		else if (t->origin != RANK_USER) {
			fprintf(o->fp, " (%s of '",
				t->origin == RANK_JOIN
					? "closed-up form"
					: origin_name[t->origin]);
			cli_put(o->fp, t->word, TERM_NAME);
			fprintf(o->fp, "', weight %.2g)", t->weight);
		}
		else if (t->df == 0)
			fprintf(o->fp, " (not in the index)");
	}
	fputc('\n', o->fp);
	print_cut(o, q);
	if (q->sem.weight > 0) {
		fputs("vectors: ", o->fp);
		cli_put(o->fp, q->sem.path, TERM_NAME);
		fprintf(o->fp, " (weight %.2g: the words it knows cover %.0f%% "
			"of the question)\n", q->sem.weight,
			100.0 * q->sem.cover);
	} else if (q->sem.why != NULL) {
		fprintf(o->fp, "vectors: not used (%s)\n", q->sem.why);
	}
}

static void print_explain(const struct cli_out *o, const struct rank_query *q,
			  const struct cli_result *r)
{
	int i;

	fprintf(o->fp, "   confidence %.2f; terms:", r->confidence);
	for (i = 0; i < q->nterms; i++)
		if (r->contrib && r->contrib[i] > 0.0)
		{
			fputc(' ', o->fp);
			cli_put(o->fp, q->terms[i].text, TERM_NAME);
			fprintf(o->fp, "=%.2f", r->contrib[i]);
		}
	fputc('\n', o->fp);
}

/* How many of a's results plain output shows: all, or with a->trim the
 * first and those after it until one is weak (CLI_WEAK_SCORE). */
static int shown(const struct cli_answer *a)
{
	int i;

	if (!a->trim || !a->answered)
		return a->n;
	for (i = 1; i < a->n; i++)
		if (a->res[i].lexical < CLI_WEAK_SCORE * a->res[0].lexical ||
		    a->res[i].confidence < CLI_WEAK_COVER)
			break;
	return i;
}

void cli_print_answer(const struct cli_out *o, const struct cli_answer *a)
{
	struct cli_show how;
	int i, n = shown(a);

	how.uncertain = !a->answered;
	how.score = a->explain;
	if (a->explain && a->rq)
		print_terms(o, a->rq);
	if (a->n == 0) {
		fputs("No answer found for: ", o->fp);
		cli_put(o->fp, a->query, TERM_NAME);
		fputc('\n', o->fp);
		return;
	}
	if (!a->answered) {
		fputs("The corpus has no good answer to: ", o->fp);
		cli_put(o->fp, a->query, TERM_NAME);
		fputc('\n', o->fp);
		if (!a->show_candidates && !a->explain)
			return;
		fprintf(o->fp, "Nearest candidates, none of them a sure "
			       "answer:\n\n");
	}
	for (i = 0; i < n; i++) {
		cli_print_results(o, &a->res[i], 1, &how);
		if (a->explain && a->rq)
			print_explain(o, a->rq, &a->res[i]);
		if (i + 1 < n)
			fputc('\n', o->fp);
	}
	if (n < a->n)
		fprintf(o->fp, "\n(%d weaker answer%s not shown: --top %d "
			       "shows %s)\n", a->n - n, a->n - n == 1 ? "" : "s",
			a->n, a->n - n == 1 ? "it" : "them");
}

json_t *cli_json_str(const char *s)
{
	json_t *v = json_string(s);
	char *fixed;

	if (v != NULL || s == NULL)
		return v;
	fixed = utf8_repair(s, strlen(s), NULL);
	v = fixed ? json_string(fixed) : NULL;
	free(fixed);
	return v;
}

static json_t *explain_json(const struct rank_query *q,
			    const struct cli_result *r)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; arr && i < q->nterms; i++) {
		const struct rank_term *t = &q->terms[i];

		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:f, s:f}", "term", t->text,
				       "word", t->word, "origin",
				       origin_name[t->origin],
				       "weight", t->weight, "score",
				       r->contrib ? r->contrib[i] : 0.0));
	}
	return arr;
}

/* The snippet's marks as [[start, length], ...]. */
static json_t *marks_json(const struct snippet *s)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; arr && i < s->nmarks; i++)
		if (json_array_append_new(
			    arr, json_pack("[I, I]",
					   (json_int_t)s->marks[i].start,
					   (json_int_t)s->marks[i].len)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}

/* One result: {"rank","id","score","confidence","question","answer",
 * "source","line","kind","snippet","highlights"}, or with brief only
 * {"rank","id","score","question","source","line","kind"}.  NULL when
 * memory runs out. */
static json_t *result_json(const struct cli_result *r, int brief)
{
	const struct idx_doc *d = &r->doc;
	const char *kind = d->kind == IDX_KIND_PASSAGE ? "passage" : "qa";
	json_t *e;

	if (brief)
		return json_pack("{s:i, s:o, s:f, s:o, s:o, s:I, s:s}", "rank",
				 r->rank, "id", cli_json_str(d->ext_id), "score",
				 r->score, "question", cli_json_str(d->question),
				 "source", cli_json_str(d->source), "line",
				 (json_int_t)d->line, "kind", kind);
	e = json_pack("{s:i, s:o, s:f, s:f, s:o, s:o, s:o, s:I, s:s}", "rank",
		      r->rank, "id", cli_json_str(d->ext_id), "score", r->score,
		      "confidence", r->confidence, "question",
		      cli_json_str(d->question), "answer", cli_json_str(d->answer), "source",
		      cli_json_str(d->source), "line", (json_int_t)d->line, "kind",
		      kind);
	if (e && (json_object_set_new(e, "snippet",
				      cli_json_str(r->snip.text ? r->snip.text : "")) ||
		  json_object_set_new(e, "highlights", marks_json(&r->snip)))) {
		json_decref(e);
		e = NULL;
	}
	return e;
}

/* Write root as one line and drop it (root may be NULL: out of memory).
 * 0 or QERR_IO. */
static int put_line(FILE *fp, json_t *root)
{
	int rc = 0;

	if (root == NULL ||
	    json_dumpf(root, fp, JSON_COMPACT | JSON_REAL_PRECISION(6)) != 0 ||
	    fputc('\n', fp) == EOF)
		rc = QERR_IO;
	json_decref(root);
	return rc;
}

/* {"words": N, "shown": [the first words], "expansions": N} */
static json_t *cut_json(const struct rank_query *q)
{
	json_t *shown = json_array();
	int i;

	for (i = 0; shown && i < q->ncut_shown; i++)
		json_array_append_new(shown, cli_json_str(q->cut[i]));
	return json_pack("{s:i, s:o, s:i}", "words", q->cut_words, "shown",
			 shown, "expansions", q->cut_expansions);
}

int cli_print_json(FILE *fp, const struct cli_answer *a)
{
	json_t *root = json_object(), *arr = json_array();
	int i;

	if (root == NULL || arr == NULL) {
		json_decref(root);
		json_decref(arr);
		return QERR_IO;
	}
	json_object_set_new(root, "query", cli_json_str(a->query));
	if (a->resolved)
		json_object_set_new(root, "resolved", cli_json_str(a->resolved));
	json_object_set_new(root, "answered", json_boolean(a->answered));
	if (a->answerable >= 0)
		json_object_set_new(root, "answerable",
				    json_real(round(a->answerable * 1e4) / 1e4));
	for (i = 0; i < a->n; i++) {
		json_t *e = result_json(&a->res[i], 0);

		if (e == NULL) {
			json_decref(root);
			json_decref(arr);
			return QERR_IO;
		}
		if (a->explain && a->rq)
			json_object_set_new(e, "explain",
					    explain_json(a->rq, &a->res[i]));
		json_array_append_new(arr, e);
	}
	json_object_set_new(root, "results", arr);
	if (a->explain && a->rq &&
	    (a->rq->cut_words > 0 || a->rq->cut_expansions > 0))
		json_object_set_new(root, "not_searched", cut_json(a->rq));
	if (a->did_you_mean)
		json_object_set_new(root, "did_you_mean", cli_json_str(a->did_you_mean));
	if (a->reply)
		json_object_set_new(root, "reply", cli_json_str(a->reply));
	if (a->reply_error)
		json_object_set_new(root, "reply_error", cli_json_str(a->reply_error));
	return put_line(fp, root);
}

int cli_print_sources_json(FILE *fp, const char *resolved,
			   const struct cli_result *r, int n)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, result_json(&r[i], 1)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	if (arr == NULL)
		return QERR_IO;
	return put_line(fp, json_pack("{s:s, s:o, s:o}", "command", "sources",
				      "resolved", cli_json_str(resolved), "results",
				      arr));
}

int cli_print_command_json(FILE *fp, const char *command, const char *key,
			   const char *value)
{
	return put_line(fp, json_pack("{s:s, s:o}", "command", command, key,
				      cli_json_str(value)));
}
