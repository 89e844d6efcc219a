#!/bin/sh
# qcost.sh - what ranking a question costs now against the foundation's
# ranking (the first quarry's, commit 313729c: plain BM25F with the
# question bonus, nothing expanded), per devset question, in process
# (tests/bench/qcost.c, top 3, as `quarry ask` ranks).  Also today's ranking with expansions and the
# question bonus off (-p), for what they add.
#
#   tests/bench/qcost.sh [REPEATS [ROUNDS]]   (default 40 and 5: each
#   question's least time over ROUNDS rounds of REPEATS rankings, the
#   three rankings taking turns round by round)
#
# Needs git (a worktree of the foundation commit) and python3.  Prints a
# line per question sorted by ratio, then the summary.
set -eu
cd "$(dirname "$0")/../.."
R=${1:-40}
ROUNDS=${2:-5}
FOUND=${QCOST_FOUNDATION:-313729c}
T=$(mktemp -d "${TMPDIR:-/tmp}/qcost.XXXXXX")
cleanup() {
	git worktree remove --force "$T/found" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

LIBS="-Wl,-Bstatic -lsqlite3 -lutf8proc -ljansson -lstemmer -Wl,-Bdynamic -lm -lpthread -ldl"
CF="-O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"

make -s quarry >&2
B=build/llm1
[ -d "$B" ] || B=build/llm0
# shellcheck disable=SC2086
cc $CF -o "$T/qcost" tests/bench/qcost.c $B/util/*.o $B/index/*.o \
	$B/retrieval/*.o $(ls $B/llm/*.o 2>/dev/null) $B/corpus_data.o $LIBS

git worktree add --detach "$T/found" "$FOUND" >/dev/null 2>&1
make -s -C "$T/found" quarry >/dev/null 2>&1
cp tests/bench/qcost.c "$T/found/tests/bench/qcost.c" 2>/dev/null ||
	{ mkdir -p "$T/found/tests/bench" &&
	  cp tests/bench/qcost.c "$T/found/tests/bench/qcost.c"; }
FB=$T/found/build
# shellcheck disable=SC2086
cc $CF -DQCOST_FOUNDATION -o "$T/qcost-found" \
	"$T/found/tests/bench/qcost.c" $FB/util/*.o $FB/index/*.o \
	$FB/retrieval/*.o $FB/corpus_data.o $LIBS

python3 -c 'import json, sys
for l in open(sys.argv[1]): print(json.loads(l)["text"])' \
	tests/devset/queries.jsonl >"$T/q.txt"
./quarry index --db "$T/now.db" corpus/deep-learning-interview-qa.txt 2>/dev/null
"$T/found/quarry" index --db "$T/found.db" \
	"$T/found/corpus/deep-learning-interview-qa.txt" 2>/dev/null

# Rounds in turn, so a machine slowing down or speeding up meets all
# three alike; each question keeps its least time over all rounds.
for i in $(seq "$ROUNDS"); do
	"$T/qcost-found" -r "$R" "$T/found.db" "$T/q.txt" >>"$T/found.tsv"
	"$T/qcost" -r "$R" "$T/now.db" "$T/q.txt" >>"$T/now.tsv"
	"$T/qcost" -r "$R" -p "$T/now.db" "$T/q.txt" >>"$T/plain.tsv"
done

python3 - "$T/found.tsv" "$T/now.tsv" "$T/plain.tsv" <<'PY'
import statistics, sys
def load(path):
    best = {}
    for l in open(path):
        us, q = l.rstrip("\n").split("\t", 1)
        best[q] = min(float(us), best.get(q, float("inf")))
    return best
found, now, plain = (load(p) for p in sys.argv[1:4])
rows = sorted((now[q] / found[q], now[q] / plain[q], found[q], now[q], q)
              for q in found)
print("%9s %9s %8s %8s  question" % ("found us", "now us", "vs found", "vs plain"))
for r, rp, f, n, q in rows:
    print("%9.2f %9.2f %7.2fx %7.2fx  %s" % (f, n, r, rp, q))
def summary(name, vals):
    vals = sorted(vals)
    print("%s: median %.2fx, p90 %.2fx, worst %.2fx, above 2x: %d of %d"
          % (name, statistics.median(vals), vals[int(len(vals) * 0.9)],
             vals[-1], sum(v > 2 for v in vals), len(vals)))
summary("now / foundation", [r[0] for r in rows])
summary("now / plain BM25F today", [r[1] for r in rows])
print("medians: foundation %.2f us, now %.2f us, plain today %.2f us"
      % (statistics.median(found.values()), statistics.median(now.values()),
         statistics.median(plain.values())))
PY
