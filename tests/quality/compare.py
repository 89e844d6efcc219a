#!/usr/bin/env python3
"""compare.py - is a ranking change better, query by query?

    quarry eval --no-fts5 --per-query before.tsv ../shared/eval/* tests/devset tests/heldout
    (change, rebuild)
    quarry eval --no-fts5 --per-query after.tsv ../shared/eval/* tests/devset tests/heldout
    python3 tests/quality/compare.py before.tsv after.tsv

For each collection: the mean change in nDCG@10, how many queries went up
and down, and a two-sided paired randomization test (sign flips of the
per-query differences, 5000 rounds, fixed seed) giving p; then the same
over every query of the judged collections pooled (devset, our own
development set, left out of the pool; tests/heldout, never tuned on, is
in it).  Standard library only.
"""
import collections
import random
import sys


def load(path):
    scores = {}
    with open(path) as f:
        for line in f:
            col, system, qid, ndcg = line.rstrip("\n").split("\t")[:4]
            if ndcg == "ndcg10" or not system.startswith("quarry"):
                continue
            scores[(col, system, qid)] = float(ndcg)
    return scores


def p_value(diffs, rounds=5000):
    nonzero = [d for d in diffs if abs(d) > 1e-12]
    observed = abs(sum(nonzero))
    rnd = random.Random(1)
    hits = 0
    for _ in range(rounds):
        s = sum(d if rnd.random() < 0.5 else -d for d in nonzero)
        if abs(s) >= observed - 1e-12:
            hits += 1
    return hits / rounds


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py BEFORE.tsv AFTER.tsv")
    before, after = load(sys.argv[1]), load(sys.argv[2])
    by_col = collections.defaultdict(list)
    for key in sorted(before):
        if key in after:
            by_col[key[0]].append(after[key] - before[key])
    pooled = []
    for col, diffs in sorted(by_col.items()):
        up = sum(d > 1e-9 for d in diffs)
        down = sum(d < -1e-9 for d in diffs)
        print("%-10s n=%5d  mean %+.4f  up %4d  down %4d  p=%.3f"
              % (col, len(diffs), sum(diffs) / len(diffs), up, down,
                 p_value(diffs)))
        if col != "devset":
            pooled.extend(diffs)
    if pooled:
        print("judged, pooled: n=%d  mean %+.4f  p=%.4f"
              % (len(pooled), sum(pooled) / len(pooled), p_value(pooled)))


if __name__ == "__main__":
    main()
