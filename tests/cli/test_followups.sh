#!/bin/sh
# test_followups.sh - tests/quality/followups.py, the runner of the scripted
# chat conversations: it reads the 20 conversations, counts a follow-up
# right only when it is answered with an expected id at rank 1, names the
# failures, and --min sets the exit status.  The checks do not depend on
# how good the ranking is: one conversation accepts any record, one none.
. tests/cli/lib.sh
F=tests/quality/followups.py

run python3 $F --quarry "$Q"
expect_rc "the 20 conversations" 0
expect_out "summary line" '^([0-9]|1[0-9]|20) of 20 right at rank 1 \(carry [0-9]+/10, subject [0-9]+/10\)$'
expect_out "repeat count" '^[0-9]+ follow-ups? repeats? the answer already shown$'

all=$(seq 1 90 | sed 's/.*/"&"/' | paste -sd, -)
cat >"$T/conv.jsonl" <<EOF2
{"id": "any", "kind": "carry", "turns": [{"q": "what is a perceptron"}, {"q": "and the multi-layer one?", "expect": [$all]}]}
{"id": "none", "kind": "subject", "turns": [{"q": "what is a perceptron"}, {"q": "what does the bias do in it", "expect": ["999"]}]}
EOF2
run python3 $F --quarry "$Q" --file "$T/conv.jsonl" --min 1
expect_rc "one of two right meets --min 1" 0
expect_out "one of two right" '^1 of 2 right at rank 1 \(carry 1/1, subject 0/1\)$'
expect_out "the failure named with what was shown" "^  wrong: none turn 2 'what does the bias do in it' \(searched '.*'\): [0-9]+ at rank 1, (answered|declined); expected 999$"
run python3 $F --quarry "$Q" --file "$T/conv.jsonl" --min 2
expect_rc "--min 2 not met" 1
run python3 $F --quarry /nonexistent/quarry --file "$T/conv.jsonl"
expect_rc "a missing quarry fails" 2
expect_err "one error line" "^followups: cannot run /nonexistent/quarry: "
