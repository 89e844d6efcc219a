#!/bin/sh
# test_followup.sh - quarry chat on the scripted conversations of
# tests/followup: at least 18 of 20 right at rank 1, and no follow-up on
# another aspect shown the answer of the turn before again (not_again in
# cli/cmd_chat.c).
. tests/cli/lib.sh
run python3 tests/quality/followups.py --quarry "$Q"
expect_rc "followups.py" 0
right=$(sed -n 's/^\([0-9]*\) of 20 right at rank 1.*/\1/p' "$T/out")
if [ -n "$right" ] && [ "$right" -ge 18 ]; then
	ok "scripted follow-ups: $right of 20 right at rank 1"
else
	nok "scripted follow-ups: at least 18 of 20" "$(head -5 "$T/out")"
fi
# not_again keeps a record shown before when it holds the follow-up's own
# words too (with the word vectors, s05's "what about the adam variant"
# keeps record 27, which names both "Adam" and "variants"): at most one.
rep=$(sed -n 's/^\([0-9]*\) follow-ups\{0,1\} repeat.*/\1/p' "$T/out")
if [ -n "$rep" ] && [ "$rep" -le 1 ]; then ok "at most one answer repeated for another aspect ($rep)"
else nok "at most one answer repeated for another aspect" "$(grep repeat "$T/out" | head -3)"; fi

# the case by hand: the Fourier transform, then where it is used
printf 'what is the fourier transform\nand where is it used?\n' >"$T/in"
run "$Q" chat --json <"$T/in"
if jq -se 'length == 2 and .[0].results[0].id != .[1].results[0].id' "$T/out" >/dev/null; then
	ok "'and where is it used?' gets another answer than the one just shown"
else
	nok "another aspect, another answer" "$(jq -c '.results[0].id' "$T/out" 2>&1 | head -2)"
fi
