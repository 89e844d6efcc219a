#!/bin/sh
# test_trust_query.sh - the question side of issue 14: long questions keep
# the user's words and say what they leave out (class 7), a QUARRY_DICT
# that is no regular file never hangs ask (class 6), one clear error for a
# bad option value, and a NUL byte in a stdin question (class 8).
. tests/cli/lib.sh

# The bundled corpus has two dropout records: #18 (the dropout idea) and
# #52 (augmentation versus dropout, which "what is dropout and would it
# help?" alone ranks first).
dropout_first() {
	if jq -e '.results[0].question | test("dropout"; "i")' "$T/out" >/dev/null; then
		ok "$1"
	else
		nok "$1" "first: $(jq -c '[.results[0].id, .results[0].question]' "$T/out")"
	fi
}

# --- class 7: a pasted paragraph ending in the question ---
# 107 words, fewer than 64 kept terms once stop words take no slot: today
# the stop words fill the slots and the question at the end is cut.
P1="Some background first, sorry for the long message. I am building a small network for a hobby project that predicts tomorrow's bike rentals in our town from weather, holidays and the day of the week. After a few epochs my numbers on the training data keep getting better, but on the months I held back they get worse and worse, which my colleague says is the classic sign of memorising rather than learning. I already shuffled everything, tried a smaller learning rate and stopped early, with little change. Somebody on a forum said to switch off random units while training. What is dropout and would it help?"
run "$Q" ask --json "$P1"
dropout_first "a 107-word paragraph: the dropout answer first"
if [ -s "$T/err" ]; then nok "a paragraph that fits: no warning" "$(cat "$T/err")"; else ok "a paragraph that fits: no warning"; fi

# 146 words, more than 64 terms: the words left out are the chatter the
# index lacks, the question stays, and one warning says so.
P2="Hello everyone, greetings from rainy Manchester, where my flatmate Giorgio keeps baking sourdough, our landlord Phil repaints hallways, the cat Biscuit ignores everybody, kettles whistle constantly, umbrellas vanish mysteriously, buses crawl, and the pub quiz on Thursdays remains sacred. $P1"
run "$Q" ask --json --explain "$P2"
dropout_first "a 146-word paragraph: the dropout answer first"
expect_err "a paragraph over the limit: one warning" 'warning: long question: [0-9]+ of its words not searched \(a question searches at most 64 terms'
if jq -e '.not_searched.words > 0 and (.not_searched.shown | length) > 0 and
	  ([.results[0].explain[].word] | index("dropout") != null)' "$T/out" >/dev/null; then
	ok "--explain JSON: what was left out, and dropout kept"
else
	nok "--explain JSON: what was left out, and dropout kept" "$(jq -c .not_searched "$T/out")"
fi
run "$Q" ask --explain --top 1 "$P2"
expect_out "--explain lists the words not searched" '^not searched \(over 64 terms\): [0-9]+ words: '
run "$Q" ask --json "what is dropout"
if [ -s "$T/err" ] || jq -e 'has("not_searched")' "$T/out" >/dev/null; then
	nok "a short question: no warning, no not_searched" "$(cat "$T/err")"
else
	ok "a short question: no warning, no not_searched"
fi
printf '%s\n' "$P2" | "$Q" chat --json >"$T/out" 2>"$T/err"; rc=$?
expect_rc "chat: a long question" 0
expect_err "chat: the same warning" 'warning: long question: [0-9]+ of its words not searched'

# --- class 6: QUARRY_DICT at a FIFO, a device, a directory ---
mkfifo "$T/fifo"
for d in "$T/fifo" /dev/zero "$T"; do
	run env QUARRY_DICT="$d" timeout 20 "$Q" ask --json "what is dropout"
	expect_rc "QUARRY_DICT=$d: ask still answers" 0
	expect_err "QUARRY_DICT=$d: one warning" "warning: QUARRY_DICT='.*' ignored: not a regular file"
	if jq -e '.results[0].id == "18"' "$T/out" >/dev/null; then ok "QUARRY_DICT=$d: the answer"; else nok "QUARRY_DICT=$d: the answer"; fi
done
# the list a writer feeds is not read either (a FIFO is never a list)
sleep 30 >"$T/fifo" & w=$!
run env QUARRY_DICT="$T/fifo" timeout 20 "$Q" ask --json "what is dropout"
expect_rc "QUARRY_DICT at a FIFO with a writer: answers" 0
kill "$w" 2>/dev/null; wait "$w" 2>/dev/null

# --- class 8: one error line, exit 2, for a bad option value ---
bad_opt() { # CMD OPT VALUE
	case $1 in
	eval) run "$Q" eval "$2" "$3" tests/devset ;;
	chat) run "$Q" chat "$2" "$3" </dev/null ;;
	*) run "$Q" ask "$2" "$3" dropout ;;
	esac
	expect_rc "$1 $2 '$3'" 2
	expect_err "$1 $2 '$3': one error line naming it" "error: $1: $2 wants a (whole )?number in \[.*\], not '$3'"
}
for c in ask chat eval; do
	for v in abc nan inf -inf 1e400 ''; do bad_opt "$c" --k1 "$v"; done
	bad_opt "$c" --b -1
	bad_opt "$c" --b nan
	bad_opt "$c" --wq nan
	bad_opt "$c" --qmatch inf
	bad_opt "$c" --feedback nan
	bad_opt "$c" --feedback-min 2.5
	bad_opt "$c" --threshold nan
	bad_opt "$c" --threshold ' 0.5'
done
for c in ask chat; do
	for v in 0 99999999999 1.5 nan ' 3'; do bad_opt "$c" --top "$v"; done
done
bad_opt ask --context-budget nan
run "$Q" ask --json --top 1e1 --threshold 0 "what is it"
if [ "$rc" -eq 0 ] && jq -e '.results | length == 10' "$T/out" >/dev/null; then ok "--top 1e1 is 10"; else nok "--top 1e1 is 10" "exit $rc"; fi

# --- class 8: a NUL byte in a stdin question ---
printf 'what is\000dropout\n' >"$T/nul"
run "$Q" ask --json <"$T/nul"
expect_rc "ask: a NUL in a stdin question" 0
if jq -e '.query == "what is dropout" and .results[0].id == "18"' "$T/out" >/dev/null; then
	ok "ask: the NUL reads as a space"
else
	nok "ask: the NUL reads as a space" "$(head -c 200 "$T/out")"
fi
expect_err "ask: one warning naming the line and the NUL" '^quarry: warning: stdin:1: question contains a NUL byte'
run "$Q" chat --json <"$T/nul"
if jq -e '.query == "what is dropout" and .results[0].id == "18"' "$T/out" >/dev/null; then
	ok "chat: the NUL reads as a space"
else
	nok "chat: the NUL reads as a space" "$(head -c 200 "$T/out")"
fi
expect_err "chat: the same warning" '^quarry: warning: stdin:1: question contains a NUL byte'
printf 'what is \377 dropout\n' | "$Q" ask --json >"$T/out" 2>"$T/err"; rc=$?
expect_err "invalid UTF-8 is still named as such" 'stdin:1: invalid UTF-8 replaced'
