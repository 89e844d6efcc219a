#!/bin/sh
# small.sh - end-to-end latency on the bundled corpus, process start
# included: `quarry ask` with a warm index against the sqlite3 shell on an
# FTS5 table (porter unicode61) of the same records, same questions, one
# run.  Prints medians over many runs (hyperfine, RUNS per command in
# ROUNDS rounds taking turns) and the ratio.
set -eu
Q=${Q:-./quarry}
RUNS=${RUNS:-200}
ROUNDS=${ROUNDS:-5}
W=$(mktemp -d /tmp/quarry-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
export XDG_CACHE_HOME="$W/cache"
command -v hyperfine >/dev/null || sh tests/deps.sh hyperfine

# The same records in FTS5, from quarry's own index.
"$Q" ask dropout >/dev/null
db="$W/cache/quarry/index.db"
sqlite3 "$W/fts.db" "ATTACH '$db' AS q;
CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, question, answer, tokenize='porter unicode61');
INSERT INTO f SELECT ext_id, question, answer FROM q.docs;"

printf '%-34s %10s %10s %7s\n' question "quarry ms" "fts5 ms" ratio
# Each figure is the median of the rounds' medians (rounds.sh).
. tests/bench/rounds.sh
for q in "how does backpropagation work" "what is dropout" \
	"difference between L1 and L2 regularization" "explain PCA" \
	"vanishing gradient problem in RNNs"; do
	m=$(echo "$q" | sed "s/[^A-Za-z0-9 ]//g; s/  */ OR /g")
	rounds "$W" "$Q ask --top 3 '$q'" \
		"sqlite3 $W/fts.db \"SELECT id, question, answer FROM f WHERE f MATCH '$m' ORDER BY bm25(f) LIMIT 3\""
	a=$(med <"$W/0")
	b=$(med <"$W/1")
	printf '%-34s %10.2f %10.2f %7.2f\n' "$q" "$a" "$b" \
		"$(echo "$a $b" | awk '{print $1 / $2}')"
done
