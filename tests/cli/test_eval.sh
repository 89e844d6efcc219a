#!/bin/sh
# test_eval.sh - quarry eval: the table against FTS5, decline rates, the
# JSON form, errors; and MaxScore pruning gives exactly the exhaustive
# top 100 on every query of every judged collection.
. tests/cli/lib.sh

run "$Q" eval tests/devset; expect_rc "eval devset" 0
expect_out "quarry row" '^devset +quarry-bm25 +0\.[0-9]{4}'
expect_out "FTS5 anchor row in the same run" '^devset +fts5 +0\.[0-9]{4}'
expect_out "decline rates for unanswerable questions" 'declined at threshold 0\.34 in devset: answerable [0-9]+/223 .*unanswerable [0-9]+/82'
run "$Q" eval --json --model both --no-fts5 tests/devset
# the JSON object is the last line (a "declined at threshold" line may come
# before it)
if tail -n 1 "$T/out" | jq -e '[.collections[].system] == ["quarry-bm25", "quarry-tfidf"] and (.collections[0].ndcg10 > 0.5)' >/dev/null 2>&1; then ok "eval --json, both models"; else nok "eval --json" "$(head -c 300 "$T/out")"; fi
run "$Q" eval "$T/nope"; expect_rc "missing collection" 4
mkdir -p "$T/bad/qrels"; echo '{"_id":"1","title":"t","text":"x"}' >"$T/bad/corpus.jsonl"
echo '{"_id":"q1","text":"t"}' >"$T/bad/queries.jsonl"; printf 'query-id\tcorpus-id\tscore\nq1\n' >"$T/bad/qrels/test.tsv"
run "$Q" eval "$T/bad"; expect_rc "malformed qrels" 3
run "$Q" eval; expect_rc "no collection" 2

dirs=tests/devset
[ -d ../shared/eval ] && dirs="$(ls -d ../shared/eval/*/) tests/devset"
run "$Q" eval --no-fts5 --check-pruning $dirs
expect_rc "MaxScore equals exhaustive scoring on every judged query" 0
n=$(grep -c '^pruning check .*: \([0-9]*\) of \1 queries identical' "$T/out")
if [ "$n" -eq "$(echo $dirs | wc -w)" ]; then ok "pruning checked on $n collections"; else nok "pruning checked" "$(grep pruning "$T/out")"; fi
