#!/bin/sh
# test_chat.sh - quarry chat: scripted conversations through a pipe
# (follow-ups, "tell me more", slash commands, JSON) and, through a
# pseudo-terminal driven by tmux, the prompt, line editing, history and
# Ctrl-C / Ctrl-D.
. tests/cli/lib.sh

# chat_json NAME INPUT: run `quarry chat --json` on INPUT (printf format)
chat_json() { printf "$2" >"$T/in"; run sh -c "\"$Q\" chat --json <\"$T/in\""; }
# jq_ok NAME FILTER: the output, slurped into an array, satisfies FILTER
jq_ok() {
	if jq -se "$2" "$T/out" >/dev/null 2>&1; then ok "$1"; else nok "$1" "$(jq -c '[.query, .resolved, [.results[]?.id]]' "$T/out" 2>/dev/null | tr '\n' ' ' | head -c 400)"; fi
}

# --- options ---
run "$Q" chat --help; expect_rc "chat --help" 0
expect_out "--help documents follow-ups" 'tell me more'
expect_out "--help documents the commands" '/sources'
expect_out "--help documents exit status" '4 I/O error'
run "$Q" chat --top 0 </dev/null; expect_rc "chat --top 0" 2; expect_err "--top 0 message" 'top'
run "$Q" chat "what is dropout" </dev/null; expect_rc "chat takes no question arguments" 2
run "$Q" chat --bogus </dev/null; expect_rc "chat unknown option" 2

# --- a conversation through a pipe ---
chat_json "" 'what is an LSTM\nand its advantages?\n'
expect_rc "scripted chat" 0
jq_ok "JSON: one object per question, query as typed" 'length == 2 and .[1].query == "and its advantages?"'
jq_ok "first question searched as typed" '.[0].resolved == "what is an LSTM"'
jq_ok "follow-up searched with the topic" '.[1].resolved | test("advantages.*lstm"; "i")'
jq_ok "LSTM, then its advantages: entry 51 or 73" '.[1].results[0].id == "51" or .[1].results[0].id == "73"'
jq_ok "one answer per turn by default" 'all(.[]; (.results | length) == 1)'
jq_ok "results as in ask --json" '.[1].results[0] | has("rank") and has("id") and has("score") and has("question") and has("answer") and has("source") and has("line")'

chat_json "" 'what is a GAN\ntell me more\ntell me more\n'
jq_ok "tell me more: a different entry" '.[0].results[0].id != .[1].results[0].id'
jq_ok "tell me more: the same query, next rank" '.[1].resolved == "what is a GAN" and .[1].results[0].rank == 2 and .[2].results[0].rank == 3'
jq_ok "tell me more again: yet another entry" '([.[].results[0].id] | unique | length) == 3'

chat_json "" 'what are neural networks\nwhat are its advantages and disadvantages\n'
jq_ok "neural networks, then its pros and cons: entry 3" '.[1].results[0].id == "3"'

chat_json "" 'what is an LSTM\nwhat is dropout\n'
jq_ok "a self-contained question starts a new topic" '.[1].resolved == "what is dropout" and .[1].results[0].id == "18"'

chat_json "" 'what is an LSTM\n/reset\nand its advantages?\n'
jq_ok "/reset forgets the topic" '.[1].command == "reset" and .[2].resolved == "and its advantages?"'

chat_json "" 'tell me more\n'
jq_ok "tell me more with no topic" '.[0].resolved == "" and .[0].answered == false and .[0].results == []'

chat_json "" '/top 2\nwhat is dropout\n/sources\n'
jq_ok "/top 2 shows two answers" '.[0].command == "top" and (.[1].results | length) == 2'
jq_ok "/sources lists what the turn retrieved" '.[2].command == "sources" and .[2].resolved == "what is dropout" and (.[2].results | length) >= 2 and .[2].results[0].id == "18" and (.[2].results[0] | has("score") and has("line") and has("source") and has("question"))'

printf 'what is dropout\n/frobnicate\n\nwhat is a GAN\r\n/quit\nwhat is PCA\n' >"$T/in"
run sh -c "\"$Q\" chat --json <\"$T/in\""
expect_rc "unknown command does not end the chat" 0
expect_err "unknown command: one line" "unknown command '/frobnicate'"
jq_ok "blank lines skipped, CRLF, /quit stops reading" 'length == 2 and .[1].query == "what is a GAN" and .[1].results[0].id == "78"'

chat_json "" '/llm on\n'
jq_ok "/llm on without an endpoint says so" '.[0].command == "llm" and (.[0].message | contains("no LLM endpoint configured (set QUARRY_LLM_URL") or contains("without LLM support"))'

# plain text: the answer printed as ask prints it
printf 'what is dropout\n/top 2\nand in CNNs?\n/sources\n/help\n' >"$T/in"
run sh -c "\"$Q\" chat <\"$T/in\""
expect_rc "plain chat" 0
expect_out "plain answer cites source and number" '^1\. corpus/deep-learning-interview-qa.txt #18 \(line [0-9]+\)'
if [ "$(grep -c '^1\. ' "$T/out")" = 2 ] && [ "$(grep -c '^2\. ' "$T/out")" = 1 ]; then ok "plain: one answer, then two after /top 2"; else nok "plain: one answer, then two after /top 2" "$(grep '^[0-9]\. ' "$T/out")"; fi
expect_out "plain /sources" '^Sources for: and in CNNs\? dropout'
expect_out "plain /sources lines" '^  1\. corpus/deep-learning-interview-qa.txt #[0-9]+ \(line [0-9]+\)  score [0-9.]+'
expect_out "plain /help" '/reset'
if grep -q "$(printf '\033')" "$T/out"; then nok "no colour in a pipe"; else ok "no colour in a pipe"; fi
[ -e "$XDG_STATE_HOME/quarry/history" ] && nok "no history file without a terminal" || ok "no history file without a terminal"

if [ -w /dev/full ]; then
	printf 'what is dropout\n' | "$Q" chat >/dev/full 2>"$T/err"; rc=$?
	expect_rc "chat > /dev/full" 4
fi
run sh -c "\"$Q\" chat </dev/null"; expect_rc "empty input" 0

# --- on a terminal, through tmux ---
if ! command -v tmux >/dev/null 2>&1; then
	ok "# SKIP terminal tests: tmux is not installed"
	exit 0
fi
sock="quarrytest-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
mkdir -p "$T/home"
hist="$XDG_STATE_HOME/quarry/history"
# screen: the pane's text, scrollback included
screen() { tm capture-pane -p -J -S -1000 -t qt 2>/dev/null; }
# wait_for REGEX [COUNT]: poll the pane (10 s at most) until COUNT lines
# (default 1) match REGEX
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(screen | grep -Ec -- "$1")" -ge "${2:-1}" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_exit: wait for the chat to leave; its status in $rc
wait_exit() {
	i=0
	while [ $i -lt 300 ] && [ ! -s "$T/ttyrc" ]; do sleep 0.1; i=$((i + 1)); done
	rc=$(cat "$T/ttyrc" 2>/dev/null || echo 999)
}
# start: a chat in a fresh 100x50 terminal
start() {
	rm -f "$T/ttyrc"
	TERM=${TERM:-xterm} tm new-session -d -s qt -x 100 -y 50 \
		"env HOME='$T/home' XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' NO_COLOR=1 '$Q' chat; echo \$? >'$T/ttyrc'; sleep 60"
}
check() { if "$@"; then ok "$name"; else nok "$name" "$(screen | tail -n 15)"; fi; }

start
name="tty: the prompt appears"; check wait_for '^quarry> '
tm send-keys -t qt 'what is dropout' Enter
name="tty: a question is answered"; check wait_for '#18 \(line'
# "ropuot": Ctrl-A, "d", Ctrl-E, two Lefts, Backspace, Right, "u" -> "dropout"
tm send-keys -t qt 'ropuot' C-a 'd' C-e Left Left BSpace Right 'u' Enter
name="tty: line editing (Ctrl-A, Ctrl-E, arrows, Backspace)"; check wait_for '^quarry> dropout *$'
name="tty: the edited question is answered"; check wait_for '#18 \(line' 2
tm send-keys -t qt 'explain PCA' Enter
wait_for '#56 \(line' >/dev/null
tm send-keys -t qt Up Up Enter
name="tty: Up recalls earlier questions"; check wait_for '#18 \(line' 3
tm send-keys -t qt 'half a question'
wait_for '^quarry> half a question' >/dev/null
p0=$(screen | grep -c '^quarry>')
tm send-keys -t qt C-c
name="tty: Ctrl-C gives a fresh prompt"; check wait_for '^quarry>' $((p0 + 1))
tm send-keys -t qt C-c
name="tty: a second Ctrl-C gives another"; check wait_for '^quarry>' $((p0 + 2))
tm send-keys -t qt 'what is a GAN' Enter
name="tty: the chat goes on after Ctrl-C"; check wait_for '#78 \(line'
name="tty: Ctrl-C discarded the line"; check wait_for '^quarry> what is a GAN *$'
a0=$(screen | grep -c '^1\. corpus')
p0=$(screen | grep -c '^quarry>')
tm send-keys -t qt 'and its advantages?' Enter
name="tty: follow-ups on a terminal too"; check wait_for '^1\. corpus' $((a0 + 1))
# the next prompt first: keys typed before libedit reads again may be lost
wait_for '^quarry>' $((p0 + 1)) >/dev/null
tm send-keys -t qt C-d
wait_exit
expect_rc "tty: Ctrl-D leaves" 0
if [ -f "$hist" ] && grep -qx 'dropout' "$hist" && grep -qx 'explain\\040PCA' "$hist" && ! grep -q half "$hist"; then ok "tty: history written, Ctrl-C'd line left out"; else nok "tty: history written" "$(cat "$hist" 2>/dev/null | head -c 300)"; fi
mode="$(stat -c %a "$hist" 2>/dev/null) $(stat -c %a "$(dirname "$hist")" 2>/dev/null)"
[ "$mode" = "600 700" ] && ok "tty: history file 0600 in a 0700 directory" || nok "tty: history modes" "$mode"
tm kill-server >/dev/null 2>&1
# the next session on a server of its own: the old one exits with its last
# session, and a client that reaches it meanwhile finds "no server running"
sock="$sock-2"

start
wait_for '^quarry> ' >/dev/null
tm send-keys -t qt Up
wait_for '^quarry> and its advantages\?' >/dev/null
tm send-keys -t qt Up
wait_for '^quarry> what is a GAN' >/dev/null
tm send-keys -t qt Enter
name="tty: history is loaded in the next session"; check wait_for '#78 \(line'
tm send-keys -t qt '/quit' Enter
wait_exit
expect_rc "tty: /quit leaves" 0
