/* test_metrics.c - the trec_eval measures against hand-computed values.
 *
 * Expected values were worked out by hand from the definitions in
 * retrieval/metrics.h (log2 discounts written out in the comments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "../../retrieval/metrics.h"

#define EPS 1e-6
#define N(a) ((int)(sizeof(a) / sizeof(*(a))))

static void assert_near(double got, double want)
{
	if (!(got > want - EPS && got < want + EPS))
		fail_msg("got %.9f, want %.9f", got, want);
}

/* Graded judgments: A 3, B 2, C 1, D 0 (non-relevant), E -1 (likewise). */
static struct metrics_rel graded_rel[] = {
	{"E", -1}, {"C", 1}, {"A", 3}, {"D", 0}, {"B", 2},
};

static struct metrics_qrels graded(void)
{
	struct metrics_qrels q = {graded_rel, N(graded_rel), 0};

	metrics_qrels_prepare(&q);
	return q;
}

static void test_prepare_and_gain(void **state)
{
	struct metrics_rel rel[] = {{"b", 1}, {"a", 2}, {"b", 3}, {"c", 0}};
	struct metrics_qrels q = {rel, N(rel), 0};

	(void)state;
	metrics_qrels_prepare(&q);
	assert_int_equal(q.n, 3); /* "b" judged twice: merged */
	assert_int_equal(q.nrel, 2);
	assert_near(metrics_gain(&q, "a"), 2);
	assert_near(metrics_gain(&q, "b"), 3); /* the larger gain wins */
	assert_near(metrics_gain(&q, "c"), 0); /* judged non-relevant */
	assert_near(metrics_gain(&q, "zz"), 0); /* unjudged */
	assert_near(metrics_gain(&q, NULL), 0);
}

/* Ranked X B D A Y: relevant B (gain 2) at rank 2, A (gain 3) at rank 4.
 * DCG  = 2/log2(3) + 3/log2(5)               = 2.553889...
 * IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4)   = 4.761859...
 * nDCG@10 = 0.536321825; AP = (1/2 + 2/4) / 3; RR = 1/2; P@1 = 0;
 * R@100 = 2/3. */
static void test_graded(void **state)
{
	const char *ranked[] = {"X", "B", "D", "A", "Y"};
	struct metrics_qrels q = graded();
	struct metrics_scores s;

	(void)state;
	metrics_score(ranked, N(ranked), &q, &s);
	assert_near(s.ndcg10, 0.5363218250);
	assert_near(s.map100, 1.0 / 3);
	assert_near(s.mrr10, 0.5);
	assert_near(s.p1, 0);
	assert_near(s.recall100, 2.0 / 3);
	assert_near(metrics_precision(ranked, N(ranked), &q, 4), 0.5);
}

/* Order of gains matters: C B A scores (1 + 2/log2(3) + 3/2) / IDCG =
 * 0.789998004; the ideal A B C scores 1. */
static void test_graded_order(void **state)
{
	const char *worst[] = {"C", "B", "A"};
	const char *best[] = {"A", "B", "C"};
	struct metrics_qrels q = graded();

	(void)state;
	assert_near(metrics_ndcg(worst, 3, &q, 10), 0.7899980042);
	assert_near(metrics_ndcg(best, 3, &q, 10), 1);
	assert_near(metrics_ap(best, 3, &q, 100), 1);
	assert_near(metrics_ap(worst, 3, &q, 100), 1); /* AP is binary */
	assert_near(metrics_rr(worst, 3, &q, 10), 1);
}

static void test_nothing_relevant_retrieved(void **state)
{
	const char *ranked[] = {"X", "D", "E", "Y"};
	struct metrics_qrels q = graded();
	struct metrics_scores s;

	(void)state;
	metrics_score(ranked, N(ranked), &q, &s);
	assert_near(s.ndcg10, 0);
	assert_near(s.map100, 0);
	assert_near(s.mrr10, 0);
	assert_near(s.p1, 0);
	assert_near(s.recall100, 0);
	metrics_score(NULL, 0, &q, &s); /* nothing retrieved at all */
	assert_near(s.ndcg10 + s.map100 + s.mrr10 + s.p1 + s.recall100, 0);
}

static void test_no_relevant_judged(void **state)
{
	struct metrics_rel rel[] = {{"a", 0}, {"b", -1}};
	struct metrics_qrels q = {rel, N(rel), 0};
	const char *ranked[] = {"a", "b"};
	struct metrics_scores s;

	(void)state;
	metrics_qrels_prepare(&q);
	assert_int_equal(q.nrel, 0);
	metrics_score(ranked, N(ranked), &q, &s);
	assert_near(s.ndcg10 + s.map100 + s.mrr10 + s.p1 + s.recall100, 0);
}

/* Binary judgments A B C: equally relevant documents are interchangeable.
 * A C and C A both give (1 + 1/log2(3)) / (1 + 1/log2(3) + 1/2) =
 * 0.765360637, and AP (1 + 1) / 3. */
static void test_tied_gains(void **state)
{
	struct metrics_rel rel[] = {{"A", 1}, {"B", 1}, {"C", 1}};
	struct metrics_qrels q = {rel, N(rel), 0};
	const char *ac[] = {"A", "C"}, *ca[] = {"C", "A"};

	(void)state;
	metrics_qrels_prepare(&q);
	assert_near(metrics_ndcg(ac, 2, &q, 10), 0.7653606370);
	assert_near(metrics_ndcg(ca, 2, &q, 10), 0.7653606370);
	assert_near(metrics_ap(ac, 2, &q, 100), 2.0 / 3);
	assert_near(metrics_ap(ca, 2, &q, 100), 2.0 / 3);
}

/* Twelve relevant documents of gain 1: the ideal list is cut at 10, so
 * IDCG@10 = sum of 1/log2(i+1), i = 1..10.  Relevant at ranks 1 and 11:
 * nDCG@10 = 1 / IDCG@10 = 0.220091766; RR@10 = 1; AP@100 =
 * (1/1 + 2/11) / 12; AP@10 = 1/12; R@100 = 2/12; R@10 = 1/12. */
static void test_cutoffs(void **state)
{
	struct metrics_rel rel[12];
	char names[12][4];
	const char *ranked[11];
	struct metrics_qrels q = {rel, 12, 0};
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "r%d", i);
		rel[i].doc = names[i];
		rel[i].gain = 1;
	}
	metrics_qrels_prepare(&q);
	ranked[0] = "r0";
	for (i = 1; i < 10; i++)
		ranked[i] = NULL; /* non-relevant */
	ranked[10] = "r5";
	assert_near(metrics_ndcg(ranked, 11, &q, 10), 0.2200917663);
	assert_near(metrics_rr(ranked, 11, &q, 10), 1);
	assert_near(metrics_ap(ranked, 11, &q, 100), (1 + 2.0 / 11) / 12);
	assert_near(metrics_ap(ranked, 11, &q, 10), 1.0 / 12);
	assert_near(metrics_recall(ranked, 11, &q, 100), 2.0 / 12);
	assert_near(metrics_recall(ranked, 11, &q, 10), 1.0 / 12);
	ranked[0] = NULL; /* first relevant now at rank 11: past RR@10 */
	assert_near(metrics_rr(ranked, 11, &q, 10), 0);
	assert_near(metrics_rr(ranked, 11, &q, 100), 1.0 / 11);
}

static void test_average(void **state)
{
	struct metrics_scores sum = {0, 0, 0, 0, 0};
	struct metrics_scores a = {1, 0.5, 1, 1, 1}, b = {0, 0.25, 0.5, 0, 0.5};

	(void)state;
	metrics_add(&sum, &a);
	metrics_add(&sum, &b);
	metrics_div(&sum, 2);
	assert_near(sum.ndcg10, 0.5);
	assert_near(sum.map100, 0.375);
	assert_near(sum.mrr10, 0.75);
	assert_near(sum.p1, 0.5);
	assert_near(sum.recall100, 0.75);
	metrics_div(&sum, 0); /* no-op */
	assert_near(sum.p1, 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_and_gain),
		cmocka_unit_test(test_graded),
		cmocka_unit_test(test_graded_order),
		cmocka_unit_test(test_nothing_relevant_retrieved),
		cmocka_unit_test(test_no_relevant_judged),
		cmocka_unit_test(test_tied_gains),
		cmocka_unit_test(test_cutoffs),
		cmocka_unit_test(test_average),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
