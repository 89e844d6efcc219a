#!/bin/sh
# update.sh - what `quarry index --update` costs on a large index, against
# rebuilding it: part of `make bench`, after bench.sh built the dictionary
# corpus.
#
# The corpus (default $BENCH_DIR/dict.jsonl) is split into three files:
# main (all but the last 11,000 records), p1k (1,000) and p10k (10,000).
# One full build of the three; then, each several times, the median of:
#   - p1k edited (every answer changed) and updated in place,
#   - p10k edited and updated in place,
#   - a new 1,000-record file added,
#   - nothing changed (every file checked),
# and query latency (qtime, all questions, warm) on the updated index,
# with its extra segments and deleted records, against a fresh build of
# the same files.  Writes $BENCH_DIR/update.md.
#
# Knobs: QUARRY, BENCH_DIR, UPDATE_RUNS (default 5).
set -eu
cd "$(dirname "$0")/../.."
QUARRY=${QUARRY:-./quarry}
BENCH_DIR=${BENCH_DIR:-/tmp/quarry-bench}
RUNS=${UPDATE_RUNS:-5}
SRC=${UPDATE_CORPUS:-$BENCH_DIR/dict.jsonl}
W=$BENCH_DIR/update
BIN=$BENCH_DIR/bin

say() { printf 'update: %s\n' "$*" >&2; }
[ -s "$SRC" ] || { say "no corpus $SRC (run tests/bench/bench.sh first)"; exit 1; }
[ -x "$BIN/qtime" ] || { say "no $BIN/qtime (run tests/bench/bench.sh first)"; exit 1; }
rm -rf "$W"
mkdir -p "$W/c"
cp "$QUARRY" "$W/quarry"
Q=$W/quarry
DB=$W/u.db

total=$(wc -l <"$SRC")
head -n $((total - 11000)) "$SRC" >"$W/c/main.jsonl"
tail -n 11000 "$SRC" | head -n 1000 >"$W/c/p1k.jsonl"
tail -n 10000 "$SRC" >"$W/c/p10k.jsonl"
cp "$W/c/p1k.jsonl" "$W/p1k.orig"
cp "$W/c/p10k.jsonl" "$W/p10k.orig"

# secs CMD...: wall seconds of CMD (which must succeed)
secs() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>"$W/err" || { say "failed: $* ($(head -c 200 "$W/err"))"; exit 1; }
	t1=$(date +%s%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) / 1e9 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# edit FILE ROUND: change every answer of FILE (its records stay, with new
# text), from its original
edit() { sed "s/\"answer\": \"/\"answer\": \"(revision $2) /" "$W/$(basename "$1" .jsonl).orig" >"$1"; }

say "full build of $total records"
full=$(secs "$Q" index -q --db "$DB" "$W/c/main.jsonl" "$W/c/p1k.jsonl" "$W/c/p10k.jsonl")
: >"$W/t1k"; : >"$W/t10k"; : >"$W/tadd"; : >"$W/tnop"
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	say "round $i of $RUNS"
	edit "$W/c/p1k.jsonl" $i
	secs "$Q" index -q --db "$DB" --update "$W/c/p1k.jsonl" >>"$W/t1k"
	edit "$W/c/p10k.jsonl" $i
	secs "$Q" index -q --db "$DB" --update "$W/c/p10k.jsonl" >>"$W/t10k"
	sed "s/\"question\": \"/\"question\": \"new$i /" "$W/p1k.orig" >"$W/c/new$i.jsonl"
	secs "$Q" index -q --db "$DB" --update "$W/c/new$i.jsonl" >>"$W/tadd"
	secs "$Q" index -q --db "$DB" --update >>"$W/tnop"
done
"$Q" stats --db "$DB" >"$W/stats"
say "fresh build of the same files, and query latency on both"
secs "$Q" index -q --db "$W/fresh.db" "$W/c/main.jsonl" "$W/c/p1k.jsonl" "$W/c/p10k.jsonl" $(i=1; while [ $i -le "$RUNS" ]; do echo "$W/c/new$i.jsonl"; i=$((i + 1)); done) >/dev/null
Q_UPD=$("$BIN/qtime" "$BENCH_DIR/run/queries.txt" -- "$Q" ask --db "$DB" --json --top 10)
Q_FRESH=$("$BIN/qtime" "$BENCH_DIR/run/queries.txt" -- "$Q" ask --db "$W/fresh.db" --json --top 10)
# the summary line of lat.h: "n=N p50=MS p99=MS ..."
p50() { echo "$1" | tr " " "\n" | sed -n "s/^p50=//p"; }
p99() { echo "$1" | tr " " "\n" | sed -n "s/^p99=//p"; }
seg=$(awk '/^segments:/ { print $2 }' "$W/stats")
del=$(awk '/^deleted:/ { print $2 }' "$W/stats")
{
	echo "Updates in place on $(basename "$SRC" .jsonl) ($total records), medians of $RUNS runs:"
	echo
	echo "| operation | time |"
	echo "|---|---|"
	echo "| full build (3 files) | ${full} s |"
	echo "| 1,000-record file edited, --update | $(median <"$W/t1k") s |"
	echo "| 10,000-record file edited, --update | $(median <"$W/t10k") s |"
	echo "| new 1,000-record file, --update | $(median <"$W/tadd") s |"
	echo "| nothing changed, --update (all files checked) | $(median <"$W/tnop") s |"
	echo
	echo "Query latency after the updates ($seg segments, $del deleted records) against a fresh build: p50 $(p50 "$Q_UPD") ms vs $(p50 "$Q_FRESH") ms, p99 $(p99 "$Q_UPD") ms vs $(p99 "$Q_FRESH") ms."
} | tee "$BENCH_DIR/update.md"
