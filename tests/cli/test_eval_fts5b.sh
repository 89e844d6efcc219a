#!/bin/sh
# test_eval_fts5b.sh - quarry eval's second FTS5 set-up (English stop
# words dropped from the query, title weighted 2), the best-fts5 row and
# quarry's gain against each collection's better set-up, and --declines
# (the decline trade-off), on a tiny collection made so that each of the
# set-up's two changes decides a query, and on tests/heldout.
. tests/cli/lib.sh
export LC_ALL=C

C="$T/tiny"
mkdir -p "$C/qrels"
# q1 "the zebra": "the" (rare here, so weighty) only in 1, "zebra" (in
#    half the records, so nearly weightless) in 2, 7, 8; the plain set-up
#    ranks 1 first, the stop set-up does not match 1 at all and ranks the
#    shortest zebra record, 2, first.
# q2 "apple": in 3's text and 4's title, same lengths; the plain set-up
#    ties them (3 first by rowid), title weight 2 puts 4 first.
# q3 "to be or not to be": every word a stop word; they are kept.
# q4 "which of yourselves zebra": as q1, with stop words from the middle
#    and the end of the sorted list.
cat >"$C/corpus.jsonl" <<'J'
{"_id":"1","title":"the of the","text":"the the the the which which which yourselves yourselves"}
{"_id":"2","title":"animals","text":"zebra grazing"}
{"_id":"3","title":"fruit bowl","text":"apple pear"}
{"_id":"4","title":"apple orchard","text":"pear plum"}
{"_id":"5","title":"hamlet","text":"to be or not to be"}
{"_id":"6","title":"filler","text":"nothing here"}
{"_id":"7","title":"stripes","text":"a zebra has black and white stripes"}
{"_id":"8","title":"savanna","text":"zebra herds cross rivers every year"}
J
cat >"$C/queries.jsonl" <<'J'
{"_id":"q1","text":"the zebra"}
{"_id":"q2","text":"apple"}
{"_id":"q3","text":"to be or not to be"}
{"_id":"q4","text":"Which of YOURSELVES zebra"}
{"_id":"u1","text":"quantum chromodynamics"}
J
printf 'query-id\tcorpus-id\tscore\nq1\t2\t2\nq2\t4\t2\nq3\t5\t2\nq4\t2\t2\n' >"$C/qrels/test.tsv"

run "$Q" eval --per-query "$T/pq.tsv" "$C"
expect_rc "eval, both FTS5 set-ups" 0
expect_out "plain FTS5 row" '^tiny +fts5 +0\.[0-9]{4}'
expect_out "stop-word FTS5 row" '^tiny +fts5-stop +1\.0000 '
expect_out "best-fts5 mean row" '^mean +best-fts5 +1\.0000 '
expect_out "the better set-up named" '^better FTS5 set-up on tiny: fts5-stop \(nDCG@10 1\.0000\)$'
expect_out "quarry against the better set-up" '^quarry-bm25 vs best-fts5: tiny [+-][0-9.]+%; ahead on [01], behind on [01]; mean nDCG@10 [+-][0-9.]+%$'
top1() { awk -F'\t' -v s="$1" -v q="$2" '$2 == s && $3 == q { print $7 }' "$T/pq.tsv"; }
if [ "$(top1 fts5 q1)" = 1 ] && [ "$(top1 fts5-stop q1)" = 2 ] &&
	[ "$(top1 fts5 q4)" = 1 ] && [ "$(top1 fts5-stop q4)" = 2 ]; then
	ok "stop words dropped from the query, any case (fts5 1, fts5-stop 2)"
else
	nok "stop words dropped" "q1: fts5 $(top1 fts5 q1), fts5-stop $(top1 fts5-stop q1); q4: fts5 $(top1 fts5 q4), fts5-stop $(top1 fts5-stop q4)"
fi
if [ "$(top1 fts5 q2)" = 3 ] && [ "$(top1 fts5-stop q2)" = 4 ]; then
	ok "title weighted 2 (apple: fts5 3, fts5-stop 4)"
else
	nok "title weighted 2" "fts5 $(top1 fts5 q2), fts5-stop $(top1 fts5-stop q2)"
fi
if [ "$(top1 fts5-stop q3)" = 5 ]; then
	ok "a question of stop words only keeps them"
else
	nok "a question of stop words only keeps them" "fts5-stop top 1: '$(top1 fts5-stop q3)'"
fi

run "$Q" eval --json "$C"
expect_rc "eval --json" 0
if tail -n 1 "$T/out" | jq -e '([.collections[].system] | index("fts5-stop")) != null
	and .best_fts5 == [{"name":"tiny","system":"fts5-stop","ndcg10":1}]
	and ([.mean[] | select(.system == "best-fts5")] | length) == 1
	and ([.mean[] | select(.system == "quarry-bm25") | has("ndcg10_vs_best_fts5")] == [true])' >/dev/null; then
	ok "JSON: fts5-stop rows, best_fts5, ndcg10_vs_best_fts5"
else
	nok "JSON: fts5-stop rows, best_fts5" "$(tail -n 1 "$T/out" | head -c 400)"
fi

run "$Q" eval --no-fts5 "$C"
if grep -q fts5 "$T/out"; then nok "--no-fts5 skips both set-ups" "$(cat "$T/out")"; else ok "--no-fts5 skips both set-ups"; fi

# --declines on the held-out set: 21 thresholds, counts that never fall as
# the threshold rises, and the 0.40 row equal to the summary line
run "$Q" eval --no-fts5 --declines tests/heldout
expect_rc "eval --declines tests/heldout" 0
expect_out "trade-off header" '^declines in heldout \(42 unanswerable, 187 answerable\):$'
awk '/^threshold +unanswerable declined +answerable declined$/ { on = 1; next }
     on && NF == 5 { print }' "$T/out" >"$T/curve"
nrow=$(wc -l <"$T/curve")
mono=$(awk '{ if (NR > 1 && ($2 < u || $4 < a)) bad = 1; u = $2; a = $4 }
	END { print bad ? "no" : "yes" }' "$T/curve")
line=$(sed -n 's/^declined at threshold 0\.40 in heldout: answerable \([0-9]*\)\/187 .*unanswerable \([0-9]*\)\/42 .*/\2 \1/p' "$T/out")
at40=$(awk '$1 == "0.40" { print $2, $4 }' "$T/curve")
if [ "$nrow" -eq 21 ] && [ "$mono" = yes ] && [ -n "$line" ] && [ "$line" = "$at40" ]; then
	ok "trade-off: 21 thresholds, monotone, 0.40 as the summary ($at40)"
else
	nok "trade-off" "rows $nrow, monotone $mono, summary '$line', 0.40 row '$at40'"
fi
run "$Q" eval --json --no-fts5 --declines tests/heldout
if tail -n 1 "$T/out" | jq -e '.collections[0].declines | length == 21
	and .[0].threshold == 0 and .[20].threshold == 1
	and ([.[].unanswerable] | . == sort) and ([.[].answerable] | . == sort)' >/dev/null; then
	ok "JSON: declines, 21 thresholds, monotone"
else
	nok "JSON: declines" "$(tail -n 1 "$T/out" | head -c 400)"
fi
run "$Q" eval --no-fts5 tests/heldout
if grep -q '^declines in' "$T/out"; then nok "no trade-off without --declines"; else ok "no trade-off without --declines"; fi
