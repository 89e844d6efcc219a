#!/bin/sh
# test_llm_cli.sh - ask --llm against the repo's OpenAI-compatible test
# server: what the user sees for each server behaviour, and that the API
# key never shows up anywhere.
. tests/cli/lib.sh

"$Q" ask --llm --dry-run dropout >/dev/null 2>"$T/err"
if grep -q 'without LLM support' "$T/err"; then
	run "$Q" ask --llm dropout; expect_rc "WITH_LLM=0: --llm falls back to the answer" 0
	expect_err "WITH_LLM=0 says so" 'built without LLM support'
	exit 0
fi

KEY=sk-test-SECRET-9876
python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$T"' EXIT
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(head -n 1 "$T/port")
export QUARRY_LLM_URL="http://127.0.0.1:$PORT/v1" OPENAI_API_KEY="$KEY"
mkdir -p "$XDG_CONFIG_HOME/quarry"
printf 'connect_timeout = 1\nstall_timeout = 0.5\nretries = 3\n' >"$XDG_CONFIG_HOME/quarry/config"

llm() { m=$1; shift; QUARRY_LLM_MODEL=$m run "$Q" ask --llm "$@"; cat "$T/out" "$T/err" >>"$T/all"; }

llm plain "what is dropout"; expect_rc "plain reply" 0; expect_out "reply printed" 'Hello from plain'
expect_out "sources listed after the reply" '^  \[1\] corpus/deep-learning-interview-qa.txt #18'
llm stream "what is dropout"; expect_out "streamed reply" 'Hello, stream world'
llm stream-split "what is dropout"; expect_out "stream split at odd bytes" 'Hello, stream world \[2\]\. é世'
llm 429 "what is dropout"; expect_rc "429 then success" 0; expect_out "429 retried" "after 429"
llm 500x2 "what is dropout"; expect_out "500 twice then success" 'after 500x2'
llm 401 "what is dropout"; expect_rc "401 falls back" 0
expect_err "401 shows the server's message" 'HTTP 401: Incorrect API key'
expect_out "401 fallback is the retrieved answer" '#18'
llm ollama-error "what is dropout"; expect_err "Ollama error shape" "model 'x' not found"
llm malformed "what is dropout"; expect_err "malformed JSON" 'malformed'; expect_out "malformed falls back" '#18'
llm stall "what is dropout"; expect_err "stall times out" 'LLM reply failed'; expect_out "stall falls back" '#18'
llm cut "what is dropout"; expect_err "stream cut" 'stream cut before completion'; expect_out "cut falls back" 'Dropout is a regularization'
llm big "what is dropout"; expect_rc "10 MB reply" 0
if [ "$(wc -c <"$T/out")" -gt 10000000 ]; then ok "10 MB reply printed whole"; else nok "10 MB reply printed whole"; fi
llm echo-key "what is dropout"; expect_err "echoed key is redacted" 'LLM reply failed'
QUARRY_LLM_MODEL=plain run "$Q" ask --llm --json "what is dropout"
if jq -e '.reply == "Hello from plain [1]." and .results[0].id == "18"' "$T/out" >/dev/null; then ok "--json reply next to results"; else nok "--json reply" "$(head -c 300 "$T/out")"; fi
QUARRY_LLM_MODEL=401 run "$Q" ask --llm --json "what is dropout"
if jq -e '(.reply_error|test("401")) and (.results|length) > 0' "$T/out" >/dev/null; then ok "--json failure keeps results"; else nok "--json failure keeps results"; fi
cat "$T/out" "$T/err" >>"$T/all"
QUARRY_LLM_MODEL=plain run "$Q" ask --llm --dry-run "what is dropout"; cat "$T/out" "$T/err" >>"$T/all"
if jq -e '.stream == true and .model == "plain" and (.messages[-1].content|test("\\[1\\] corpus/deep-learning-interview-qa.txt:74\\n"))' "$T/out" >/dev/null; then ok "--dry-run prints the request body"; else nok "--dry-run body" "$(head -c 300 "$T/out")"; fi
QUARRY_LLM_MODEL=plain run "$Q" ask --llm --llm-url "http://127.0.0.1:1/v1" "what is dropout"; cat "$T/out" "$T/err" >>"$T/all"
expect_rc "connection refused falls back" 0; expect_err "connection refused warning" 'LLM reply failed'
run env -u QUARRY_LLM_URL -u OPENAI_BASE_URL "$Q" ask --llm "what is dropout"
expect_err "not configured says so" 'no LLM endpoint configured'; expect_out "not configured falls back" '#18'
# chat: /llm on adds a reply after each answer, with earlier turns sent along
printf 'connect_timeout = 1\nstall_timeout = 0.5\n' >"$XDG_CONFIG_HOME/quarry/config"
printf 'what is dropout\n/llm on\nwhat is dropout\nand its advantages?\n' >"$T/chat.in"
QUARRY_LLM_MODEL=stream run sh -c "\"$Q\" chat <\"$T/chat.in\""; cat "$T/out" "$T/err" >>"$T/all"
if [ "$(grep -c '^Hello, stream world' "$T/out")" -eq 2 ] && [ "$(grep -c '^Sources:' "$T/out")" -eq 2 ]; then ok "chat /llm on replies each turn, sources after, as ask --llm"; else nok "chat /llm on" "$(cat "$T/out" "$T/err" | head -c 400)"; fi
curl -s "http://127.0.0.1:$PORT/last" >"$T/last" 2>"$T/curl.err"
if jq -e '.body | fromjson | .messages | length == 4' "$T/last" >/dev/null 2>&1; then ok "chat sends the previous turn as history"; else nok "chat sends the previous turn as history" "GET /last: $(head -c 200 "$T/last" "$T/curl.err")"; fi
QUARRY_LLM_MODEL=401 run sh -c "\"$Q\" chat <\"$T/chat.in\""; cat "$T/out" "$T/err" >>"$T/all"
expect_rc "chat LLM failure keeps going" 0
if grep -q 'LLM reply failed' "$T/err" && grep -q '#18' "$T/out"; then ok "chat LLM failure warns, answer stands"; else nok "chat LLM failure"; fi
run env -u QUARRY_LLM_URL sh -c "printf '/llm on\n' | \"$Q\" chat"
expect_out "chat /llm on without endpoint says so" 'no LLM endpoint configured'

# a config file that others can read may not hold the key
printf 'url = %s\napi_key = %s-file\n' "$QUARRY_LLM_URL" "$KEY" >"$XDG_CONFIG_HOME/quarry/config"
chmod 644 "$XDG_CONFIG_HOME/quarry/config"
QUARRY_LLM_MODEL=plain run env -u OPENAI_API_KEY "$Q" ask --llm "what is dropout"; cat "$T/out" "$T/err" >>"$T/all"
expect_out "readable config still answers" 'Hello from plain'
if grep -q 'readable by others' "$T/err"; then ok "readable config with a key refused"; else nok "readable config refused" "$(cat "$T/err")"; fi
if grep -q "$KEY" "$T/all" "$XDG_CACHE_HOME"/quarry/* 2>/dev/null; then nok "the key appears in no output or index"; else ok "the key appears in no output or index"; fi
