#!/bin/sh
# qwork.sh - the work each question's ranking takes on an index, counted
# (tests/bench/qwork.c: postings decoded, block headers read, records
# scored, lists), and its distribution: p50/p90/p99/max of each count
# and the costliest 1% of questions.  Counts, not times, so that builds
# can be compared on a busy machine.
#
#   tests/bench/qwork.sh DB QUESTIONS [K]   (K: results per question, 10)
set -eu
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: tests/bench/qwork.sh DB QUESTIONS [K]" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/qwork.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
LIBS="-Wl,-Bstatic -lsqlite3 -lz -lutf8proc -ljansson -lstemmer -Wl,-Bdynamic -lm -lpthread -ldl"
make -s quarry >&2
B=build/llm1
[ -d "$B" ] || B=build/llm0
# shellcheck disable=SC2086
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -o "$T/qwork" \
	tests/bench/qwork.c $B/util/*.o $B/index/*.o $B/retrieval/*.o \
	$(ls $B/llm/*.o 2>/dev/null) $B/corpus_data.o $LIBS
"$T/qwork" -k "${3:-10}" "$1" "$2" >"$T/counts"
awk -F'\t' '{ split($1, v, " "); print v[1], v[2], v[3], v[4] }' "$T/counts" |
awk '
{ for (i = 1; i <= 4; i++) c[i, NR] = $i }
END {
	split("postings blocks docs lists", name, " ")
	printf "%d questions\n%-9s %9s %9s %9s %9s\n", NR, "count", "p50", "p90", "p99", "max"
	for (i = 1; i <= 4; i++) {
		n = 0
		for (r = 1; r <= NR; r++) x[++n] = c[i, r]
		asort_n(x, n)
		printf "%-9s %9d %9d %9d %9d\n", name[i], x[pc(n, .5)], x[pc(n, .9)], x[pc(n, .99)], x[n]
	}
}
function pc(n, p,  k) { k = int(p * n) + 1; return k > n ? n : k }
function asort_n(a, n,  i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}'
echo "costliest 1% (postings blocks docs lists terms user-terms, question):"
n=$(wc -l <"$T/counts")
sort -rn "$T/counts" | head -n $(( (n + 99) / 100 )) | cut -c1-160
