#!/usr/bin/env python3
"""halves.py - a ranking's figures on fixed halves of each collection.

    quarry eval --no-fts5 --per-query run.tsv ../shared/eval/* tests/devset tests/heldout
    python3 tests/quality/halves.py run.tsv [after.tsv]

Each judged collection's queries are split once and for all by sha1(query
id): even = tune (what weights may be chosen on, with tests/devset), odd =
report (what a change is judged on, with tests/heldout, never tuned on).
prose_eval.py splits the SQuAD questions the same way.  For each
collection and half: the queries, mean nDCG@10 and P@1 of each quarry
system in the file (and of the FTS5 set-ups when the run had them); with
a second file, the change in nDCG@10 per half and how many queries went
up and down.  The "judged" rows average the collections of ../shared/eval
(not devset or heldout), each collection weighing one.  Standard library
only.
"""
import collections
import hashlib
import sys

OWN = ("devset", "heldout")


def half(qid):
    """The fixed half a query belongs to: tune or report."""
    h = int(hashlib.sha1(qid.encode()).hexdigest(), 16)
    return "tune" if h % 2 == 0 else "report"


def load(path):
    """{(collection, system): {query-id: (ndcg10, p1)}}"""
    runs = collections.defaultdict(dict)
    with open(path) as f:
        for line in f:
            col, system, qid, ndcg, _rr, p1 = line.rstrip("\n").split("\t")[:6]
            if ndcg == "ndcg10":
                continue
            runs[(col, system)][qid] = (float(ndcg), float(p1))
    return runs


def part(scores, which):
    """The queries of one half (or all), as {query-id: (ndcg10, p1)}."""
    if which == "all":
        return scores
    return {q: s for q, s in scores.items() if half(q) == which}


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def table(runs):
    """Rows (collection, system, half, n, nDCG@10, P@1) and the judged means."""
    rows, judged = [], collections.defaultdict(list)
    for (col, system), scores in sorted(runs.items()):
        for which in ("tune", "report", "all"):
            s = part(scores, which)
            nd = mean([v[0] for v in s.values()])
            p1 = mean([v[1] for v in s.values()])
            rows.append((col, system, which, len(s), nd, p1))
            if col not in OWN:
                judged[(system, which)].append((nd, p1))
    for (system, which), v in sorted(judged.items()):
        rows.append(("judged", system, which, len(v),
                     mean([x[0] for x in v]), mean([x[1] for x in v])))
    return rows


def show(runs):
    print("%-10s %-12s %-7s %5s %8s %7s"
          % ("collection", "system", "half", "n", "nDCG@10", "P@1"))
    for col, system, which, n, nd, p1 in table(runs):
        print("%-10s %-12s %-7s %5d %8.4f %7.4f" % (col, system, which, n, nd, p1))


def compare(before, after):
    print("%-10s %-12s %-7s %5s %8s %8s %8s %4s %4s"
          % ("collection", "system", "half", "n", "before", "after",
             "change", "up", "down"))
    judged = collections.defaultdict(lambda: [0.0, 0.0, 0])
    for key in sorted(before):
        if key not in after or not key[1].startswith("quarry"):
            continue
        for which in ("tune", "report"):
            b, a = part(before[key], which), part(after[key], which)
            qs = [q for q in b if q in a]
            if not qs:
                continue
            d = [a[q][0] - b[q][0] for q in qs]
            mb = mean([b[q][0] for q in qs])
            ma = mean([a[q][0] for q in qs])
            print("%-10s %-12s %-7s %5d %8.4f %8.4f %+8.4f %4d %4d"
                  % (key[0], key[1], which, len(qs), mb, ma, ma - mb,
                     sum(x > 1e-9 for x in d), sum(x < -1e-9 for x in d)))
            if key[0] not in OWN:
                j = judged[(key[1], which)]
                j[0] += mb
                j[1] += ma
                j[2] += 1
    for (system, which), (mb, ma, n) in sorted(judged.items()):
        print("%-10s %-12s %-7s %5d %8.4f %8.4f %+8.4f"
              % ("judged", system, which, n, mb / n, ma / n, (ma - mb) / n))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: halves.py RUN.tsv [AFTER.tsv]")
    if len(sys.argv) == 2:
        show(load(sys.argv[1]))
    else:
        compare(load(sys.argv[1]), load(sys.argv[2]))


if __name__ == "__main__":
    main()
