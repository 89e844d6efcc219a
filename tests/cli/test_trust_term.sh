#!/bin/sh
# test_trust_term.sh - nothing from a file, an index or an endpoint reaches
# the terminal raw (escape sequences, C1 controls, newlines in names, an
# echoed API key), every LLM wait has an end (total deadline, capped
# buffers), Ctrl-C / Ctrl-D cancel a request, and a base URL's query stays
# after the path.  The endpoint is tests/llm/server.py.
. tests/cli/lib.sh

ESC=$(printf '\033')
# clean FILE: no control byte but \t and \n, and no C1 control in UTF-8
clean() {
	[ "$(LC_ALL=C tr -cd '\000-\010\013-\037\177' <"$1" | wc -c)" -eq 0 ] &&
		! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"
}
expect_clean() {
	if clean "$T/out" && clean "$T/err"; then ok "$1"; else nok "$1" "$(cat -v "$T/out" "$T/err" | head -c 400)"; fi
}
# elapsed since mark, in whole seconds
mark() { t0=$(date +%s); }
took() { echo $(($(date +%s) - t0)); }

# --- names and text from files and the index ---
mkdir -p "$T/evil"
name="$(printf 'ev\033]0;PWNED\007il\nquarry: error: forged.txt')"
printf '1. What is dropout?\nAns: Dropout \302\233 2J drops \033[31munits\033[0m.\n' >"$T/evil/$name"
run "$Q" index --db "$T/e.db" "$T/evil"; expect_rc "index a file whose name holds ESC, BEL, newline" 0
expect_clean "index messages clean"
run "$Q" stats --db "$T/e.db"; expect_clean "stats: the source name is shown without raw controls"
if grep -qF 'ev^[]0;PWNED^Gil\nquarry: error: forged.txt' "$T/out" && ! grep -q '^quarry: error: forged' "$T/out"; then
	ok "stats: the newline in the name is escaped, no forged line"; else nok "stats: newline escaped" "$(cat -v "$T/out")"; fi
run "$Q" ask --db "$T/e.db" "what is dropout"; expect_rc "ask on that index" 0
expect_clean "ask: source, id and record text shown without raw controls"
if grep -qF 'Dropout <U+009B> 2J drops ^[[31munits^[[0m.' "$T/out"; then ok "ask: C1 and ESC in record text shown visibly"; else nok "ask: visible controls" "$(cat -v "$T/out")"; fi
run "$Q" ask --db "$T/e.db" --json "what is dropout"
if jq -e --arg n "$T/evil/$name" '.results[0].source == $n and (.results[0].answer | test("\u009b 2J drops \u001b\\[31m"))' "$T/out" >/dev/null; then
	ok "--json keeps names and text exact"; else nok "--json exact" "$(cat -v "$T/out" | head -c 300)"; fi
printf 'what is dropout\n/sources\n' >"$T/chat.in"
run sh -c "\"$Q\" chat --db \"$T/e.db\" <\"$T/chat.in\""
expect_clean "chat /sources: names shown without raw controls"
if grep -qF 'il\nquarry: error: forged.txt #1' "$T/out"; then ok "chat /sources: the name's newline escaped"; else nok "chat /sources escaped" "$(cat -v "$T/out")"; fi
run "$Q" index --db "$T/x.db" "$T/no$(printf '\033]0;PWNED\007')such
quarry: error: forged"
expect_err "an error naming a file is one line" 'no\^\[\]0;PWNED\^Gsuch\\nquarry: error: forged'
expect_clean "an error naming a file has no raw controls"
run "$Q" ask --db "$T/e.db" "zzqqxx $(printf '\033]0;PWNED\007')"
expect_clean "a question echoed back is shown without raw controls"

# --- the endpoint ---
KEY=sk-test-SECRET-9876
python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
spid=$!
sock="quarrytrust-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; kill $spid 2>/dev/null; rm -rf "$T"' EXIT
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(head -n 1 "$T/port")
export QUARRY_LLM_URL="http://127.0.0.1:$PORT/v1" OPENAI_API_KEY="$KEY"
mkdir -p "$XDG_CONFIG_HOME/quarry"
printf 'connect_timeout = 2\nstall_timeout = 10\nretries = 0\n' >"$XDG_CONFIG_HOME/quarry/config"
llm() { m=$1; shift; QUARRY_LLM_MODEL=$m run timeout 60 "$Q" ask --llm "$@"; }
WANT='A ^[]0;PWNED^G B ^[]52;c;SGVsbG8=^G C ^[[2J D <U+009B>31m E ^? F [18].'

llm escape "what is dropout"; expect_rc "reply with escape sequences" 0
expect_clean "reply: no raw controls reach the terminal"
if grep -qF "$WANT" "$T/out"; then ok "reply: controls shown visibly"; else nok "reply visible" "$(cat -v "$T/out" | head -c 300)"; fi
llm stream-escape "what is dropout"; expect_clean "streamed reply cut inside each sequence: no raw controls"
if grep -qF "$WANT" "$T/out"; then ok "streamed reply: controls shown visibly"; else nok "streamed visible" "$(cat -v "$T/out" | head -c 300)"; fi
QUARRY_LLM_MODEL=escape run "$Q" ask --llm --json "what is dropout"
if jq -e '.reply == "A \u001b]0;PWNED\u0007 B \u001b]52;c;SGVsbG8=\u0007 C \u001b[2J D \u009b31m E \u007f F [18]."' "$T/out" >/dev/null; then
	ok "--json reply stays exact"; else nok "--json reply exact" "$(head -c 300 "$T/out")"; fi
llm escape-error "what is dropout"; expect_err "error message with escapes is one warning line" 'HTTP 400: bad model .*PWNED'
expect_clean "error message: no raw controls"
for m in echo-key-reply echo-key-stream; do
	llm $m "what is dropout"
	if ! grep -qF "$KEY" "$T/out" "$T/err" && grep -qF 'Your key is [redacted], see [18].' "$T/out"; then
		ok "$m: the echoed key is redacted"; else nok "$m: key redacted" "$(head -c 300 "$T/out")"; fi
	QUARRY_LLM_MODEL=$m run "$Q" ask --llm --json "what is dropout"
	if ! grep -qF "$KEY" "$T/out" && jq -e '.reply == "Your key is [redacted], see [18]."' "$T/out" >/dev/null; then
		ok "$m: redacted in --json too"; else nok "$m: --json redacted" "$(head -c 300 "$T/out")"; fi
done

# deadlines: keep-alive comments, a drip, endless bodies
mark; llm keepalive --llm-timeout 2 "what is dropout"; s=$(took)
expect_rc "keep-alive comments forever: ends" 0
expect_err "keep-alive: one warning naming the total timeout" 'LLM reply failed: no complete reply within 2\.0 s \(total timeout\)'
expect_out "keep-alive: the retrieved answer is shown" '#18 \(line'
[ "$s" -le 6 ] && ok "keep-alive: ended at the deadline (${s} s)" || nok "keep-alive deadline" "took $s s"
printf 'connect_timeout = 2\nstall_timeout = 10\nretries = 0\ntotal_timeout = 2.5\n' >"$XDG_CONFIG_HOME/quarry/config"
mark; llm drip "what is dropout"; s=$(took)
expect_err "a byte a second: total_timeout from the config ends it" 'within 2\.5 s \(total timeout\)'
expect_out "drip: the retrieved answer is shown" '#18 \(line'
[ "$s" -le 6 ] && ok "drip: ended at the deadline (${s} s)" || nok "drip deadline" "took $s s"
printf 'connect_timeout = 2\nstall_timeout = 10\nretries = 0\n' >"$XDG_CONFIG_HOME/quarry/config"
mark; llm error-endless --llm-timeout 30 "what is dropout"; s=$(took)
expect_err "endless error body: read to its cap, then the HTTP error" 'HTTP 400: .*bad request x+'
expect_out "endless error body: the retrieved answer is shown" '#18 \(line'
[ "$s" -le 10 ] && ok "endless error body: did not wait for the deadline (${s} s)" || nok "endless error body" "took $s s"
llm data-endless --llm-timeout 50 "what is dropout"
expect_rc "endless data: lines: ends" 0
expect_err "endless data: lines: capped" 'malformed stream: event larger than 16777216 bytes'
expect_out "endless data: the retrieved answer is shown" '#18 \(line'
QUARRY_LLM_MODEL=plain run "$Q" ask --llm --llm-timeout soon "what is dropout"
expect_rc "--llm-timeout wants a number" 2
QUARRY_LLM_MODEL=plain run "$Q" chat --llm-timeout -1 </dev/null
expect_rc "chat --llm-timeout wants a number >= 0" 2

# a base URL with a query: the path goes before it
QUARRY_LLM_URL="http://127.0.0.1:$PORT/v1/?api-version=2024-06-01" QUARRY_LLM_MODEL=plain run "$Q" ask --llm "what is dropout"
expect_out "URL with a query string: the reply arrives" 'Hello from plain'
curl -s "http://127.0.0.1:$PORT/last" >"$T/last"
if jq -e '.path == "/v1/chat/completions?api-version=2024-06-01"' "$T/last" >/dev/null; then ok "URL with a query: path inserted before it"; else nok "URL query" "$(cat "$T/last" | head -c 200)"; fi

# --- Ctrl-C and Ctrl-D during a request, on a terminal (tmux) ---
# seen MODEL: wait (10 s at most) until the server got a request for MODEL
seen() {
	i=0
	while [ $i -lt 100 ]; do
		curl -s "http://127.0.0.1:$PORT/last" | jq -e --arg m "$1" '.count[$m] >= 1' >/dev/null 2>&1 && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
screen() { tm capture-pane -p -J -S -1000 -t qt 2>/dev/null; }
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(screen | grep -Ec -- "$1")" -ge "${2:-1}" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
wait_exit() {
	i=0
	while [ $i -lt 100 ] && [ ! -s "$T/ttyrc" ]; do sleep 0.1; i=$((i + 1)); done
	rc=$(cat "$T/ttyrc" 2>/dev/null || echo none)
}
start() { # start MODEL COMMAND...: in a fresh 100x50 terminal
	rm -f "$T/ttyrc"
	m=$1; shift
	TERM=${TERM:-xterm} tm new-session -d -s qt -x 100 -y 50 \
		"env HOME='$T/home' XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' QUARRY_LLM_URL='$QUARRY_LLM_URL' OPENAI_API_KEY='$KEY' QUARRY_LLM_MODEL='$m' NO_COLOR=1 $*; echo \$? >'$T/ttyrc'; sleep 60"
}
check() { if "$@"; then ok "$name"; else nok "$name" "$(screen | tail -n 15)"; fi; }
mkdir -p "$T/home"

mark
start keepalive#ask "'$Q' ask --llm --llm-timeout 60 'what is dropout'"
seen keepalive#ask
tm send-keys -t qt C-c
wait_exit; s=$(took)
expect_rc "ask: Ctrl-C during the request" 130
name="ask: Ctrl-C shows the retrieved answer"; check wait_for '#18 \(line'
name="ask: Ctrl-C says the reply was interrupted"; check wait_for 'LLM reply interrupted; showing the retrieved answer'
[ "$s" -le 8 ] && ok "ask: Ctrl-C ended the request at once (${s} s)" || nok "ask Ctrl-C" "took $s s"
tm kill-session -t qt >/dev/null 2>&1

start keepalive#chat "'$Q' chat --llm --llm-timeout 60"
name="chat: the prompt appears"; check wait_for '^quarry> '
tm send-keys -t qt 'what is dropout' Enter
seen keepalive#chat
tm send-keys -t qt C-c
name="chat: Ctrl-C during a request: back to the prompt"; check wait_for '^quarry> ' 2
name="chat: Ctrl-C says the reply was interrupted"; check wait_for 'LLM reply interrupted; showing the retrieved answer'
tm send-keys -t qt 'what is a GAN' Enter
i=0; while [ $i -lt 100 ] && ! curl -s "http://127.0.0.1:$PORT/last" | jq -e '.count["keepalive#chat"] >= 2' >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
# (chat lays a turn out as ask --llm: the reply, or when it is cut off the
# retrieved answers; the keepalive reply never comes, so Ctrl-C again)
tm send-keys -t qt C-c
name="chat: the next question is answered after Ctrl-C"; check wait_for '#78 \(line'
wait_for '^quarry> ' 3 >/dev/null
tm send-keys -t qt 'what is PCA' Enter
i=0; while [ $i -lt 100 ] && ! curl -s "http://127.0.0.1:$PORT/last" | jq -e '.count["keepalive#chat"] >= 3' >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
tm send-keys -t qt C-d
name="chat: Ctrl-D during a request: back to the prompt"; check wait_for '^quarry> ' 4
name="chat: Ctrl-D interrupted the reply"; check wait_for 'LLM reply interrupted' 3
[ ! -s "$T/ttyrc" ] && ok "chat: still running after Ctrl-D during a request" || nok "chat survived Ctrl-D" "exit $(cat "$T/ttyrc")"
tm send-keys -t qt '/quit' Enter
wait_exit
expect_rc "chat: /quit after the interruptions" 0
hist="$XDG_STATE_HOME/quarry/history"
if grep -qx 'what\\040is\\040dropout' "$hist" && grep -qx 'what\\040is\\040a\\040GAN' "$hist"; then ok "chat: history kept across interruptions"; else nok "chat history" "$(head -c 300 "$hist" 2>/dev/null)"; fi
