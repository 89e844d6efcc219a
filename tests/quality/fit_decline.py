#!/usr/bin/env python3
"""fit_decline.py - fit the decline rule's logistic model on the devset.

    quarry eval --no-fts5 --features dev.tsv tests/devset
    python3 tests/quality/fit_decline.py dev.tsv [heldout.tsv]

Reads the features `quarry eval --features` writes (collection, query-id,
answerable 1/0, found 1/0, then RANK_NFEAT features, the bias first), fits
P(answerable) = 1 / (1 + exp(-w.f)) by Newton's method with a small L2
penalty (not on the bias; its size chosen by 5-fold cross-validation on
the same file), the two classes weighted equally, and prints
RANK_DECLINE_COEF for retrieval/rank.h.  Then, for each threshold, the share
of answerable and of unanswerable questions declined on each file given
(a question nothing matched is always declined), and the threshold the
default should take: the highest that declines at most 3% of the devset's
answerable questions.  Fit on the devset only; the held-out file is for
reporting.  Standard library only.
"""
import math
import sys

# L2 penalties tried; the one with the least 5-fold cross-validated log
# loss on the devset is used.
L2S = [0.01, 0.1, 0.3, 1, 3, 10, 30]
NAMES = ["bias", "words", "mass", "unknown", "nwords", "gap", "score", "rare",
         "got"]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            rows.append((int(p[2]), int(p[3]), [float(v) for v in p[4:]]))
    return rows


def solve(a, b):
    """Gaussian elimination with partial pivoting: a x = b."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[piv] = m[piv], m[c]
        for r in range(n):
            if r != c and m[c][c] != 0:
                k = m[r][c] / m[c][c]
                for j in range(c, n + 1):
                    m[r][j] -= k * m[c][j]
    return [m[i][n] / m[i][i] for i in range(n)]


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows, l2):
    data = [(y, f) for y, found, f in rows if found]
    npos = sum(y for y, _ in data)
    nneg = len(data) - npos
    cw = {1: len(data) / (2 * npos), 0: len(data) / (2 * nneg)}
    d = len(data[0][1])
    w = [0.0] * d
    for _ in range(50):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for y, f in data:
            p = sigmoid(sum(wi * fi for wi, fi in zip(w, f)))
            c = cw[y]
            for i in range(d):
                g[i] += c * (p - y) * f[i]
                for j in range(d):
                    h[i][j] += c * p * (1 - p) * f[i] * f[j]
        for i in range(1, d):
            g[i] += l2 * w[i]
            h[i][i] += l2
        step = solve(h, g)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w


def cv_loss(rows, l2, k=5):
    """Mean log loss (classes weighted equally) over k folds."""
    data = [r for r in rows if r[1]]
    loss = 0.0
    for fold in range(k):
        train = [r for i, r in enumerate(data) if i % k != fold]
        test = [r for i, r in enumerate(data) if i % k == fold]
        w = fit(train, l2)
        npos = sum(y for y, _, _ in test) or 1
        nneg = (len(test) - npos) or 1
        for y, _, f in test:
            p = sigmoid(sum(wi * fi for wi, fi in zip(w, f)))
            p = min(max(p, 1e-9), 1 - 1e-9)
            loss -= (math.log(p) / npos if y else math.log(1 - p) / nneg)
    return loss / (2 * k)


def declined(rows, w, t):
    ans = una = na = nu = 0
    for y, found, f in rows:
        p = sigmoid(sum(wi * fi for wi, fi in zip(w, f))) if found else 0.0
        d = p < t
        if y:
            na += 1
            ans += d
        else:
            nu += 1
            una += d
    return ans / na, una / nu


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    files = [(p, load(p)) for p in sys.argv[1:]]
    losses = [(cv_loss(files[0][1], l2), l2) for l2 in L2S]
    for loss, l2 in losses:
        print("# L2 %-5g cross-validated log loss %.4f" % (l2, loss))
    l2 = min(losses)[1]
    w = fit(files[0][1], l2)
    print("#define RANK_DECLINE_COEF {%s}" %
          ", ".join("%.4g" % v for v in w))
    for n, v in zip(NAMES, w):
        print("  %-8s %+.4f" % (n, v))
    best = 0.0
    for i in range(1, 100):
        t = i / 100
        if declined(files[0][1], w, t)[0] <= 0.03:
            best = t
    print("threshold (devset answerable declined <= 3%%): %.2f" % best)
    print("threshold  " + "  ".join("%-28s" % p for p, _ in files))
    for t in sorted(set([i / 20 for i in range(1, 20)] + [best])):
        cells = []
        for _, rows in files:
            a, u = declined(rows, w, t)
            cells.append("ans %5.1f%%  unans %5.1f%%     " % (100 * a, 100 * u))
        print("%.2f       %s" % (t, "  ".join(cells)))


if __name__ == "__main__":
    main()
