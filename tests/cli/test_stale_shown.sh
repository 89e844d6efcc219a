#!/bin/sh
# test_stale_shown.sh - a one-shot `ask` checks the files its shown answers
# came from (a stat each), not every indexed file; a batch on stdin and
# `stats` check them all.
. tests/cli/lib.sh

mkdir -p "$T/c"
printf '{"id":"a","question":"What is a widget?","answer":"A small gadget."}\n' >"$T/c/a.jsonl"
printf '{"id":"b","question":"What is a wombat?","answer":"A marsupial."}\n' >"$T/c/b.jsonl"
"$Q" index -q --db "$T/i.db" "$T/c/a.jsonl" "$T/c/b.jsonl" 2>/dev/null
printf '{"id":"b","question":"What is a wombat?","answer":"A burrowing marsupial."}\n' >"$T/c/b.jsonl"
touch -d '2001-01-01' "$T/c/b.jsonl"

run "$Q" ask --db "$T/i.db" --top 1 widget
expect_rc "one-shot ask, answer from an unchanged file" 0
if [ -s "$T/err" ]; then nok "no warning about a file it does not show" "$(cat "$T/err")"
else ok "no warning about a file it does not show"; fi
run "$Q" ask --db "$T/i.db" --top 1 wombat
expect_rc "one-shot ask, answer from the changed file" 0
expect_err "warns about the changed file it shows" 'b\.jsonl changed since it was indexed; run quarry index --db .*i\.db --update'
rm "$T/c/a.jsonl"
run "$Q" ask --db "$T/i.db" --top 1 widget
expect_err "warns about the gone file it shows" 'a\.jsonl was indexed but is gone'
if [ "$(grep -c . "$T/err")" = 1 ]; then ok "and only about that one"
else nok "and only about that one" "$(cat "$T/err")"; fi
printf 'wombat\n' | "$Q" ask --db "$T/i.db" --top 1 --json >"$T/out" 2>"$T/err"
if grep -q 'a\.jsonl was indexed but is gone' "$T/err" && grep -q 'b\.jsonl changed' "$T/err"; then
	ok "a batch on stdin checks every file once"
else nok "a batch on stdin checks every file once" "$(cat "$T/err")"; fi
run "$Q" stats --db "$T/i.db"
if grep -q 'a\.jsonl was indexed but is gone' "$T/err" && grep -q 'b\.jsonl changed' "$T/err"; then
	ok "stats checks every file"
else nok "stats checks every file" "$(cat "$T/err")"; fi
