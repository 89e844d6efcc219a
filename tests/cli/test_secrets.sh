#!/bin/sh
# test_secrets.sh - the API key never leaves the places it was put.
#
# With a known key (first in OPENAI_API_KEY, then only in a mode-600
# config file), every command path runs: index, ask (plain, --json,
# --explain, --llm, --llm --json, --dry-run, a failing --llm with a 401, a
# server that echoes the key), chat through a pipe and on a terminal with
# /llm on, stats, eval, --help/--version and error paths.  The key must
# appear in no stdout or stderr, in no file under $XDG_CACHE_HOME,
# $XDG_STATE_HOME (chat history), $TMPDIR, and in no index (grep, and
# strings on the SQLite files).  As a control, the test server must have
# received it in the Authorization header.
. tests/cli/lib.sh

SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

KEY=sk-test-LEAKCHECK-5555
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

if "$Q" ask --llm --dry-run dropout 2>&1 >/dev/null | grep -q 'without LLM support'; then
	LLM=0
else
	LLM=1
	python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
	SPID=$!
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(head -n 1 "$T/port")
	[ -n "$PORT" ] || { nok "secrets: test server started" "$(cat "$T/server.err")"; LLM=0; }
fi
URL="http://127.0.0.1:${PORT:-1}/v1"
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR" "$XDG_CONFIG_HOME/quarry" "$T/docs"
printf '1. What is dropout?\nAns: A regularization that drops units.\n2. What is a GAN?\nAns: Two networks that compete.\n' >"$T/docs/faq.txt"
ALL=$T/all # every stdout and stderr of the pass

# q NAME CMD...: run CMD, keep its output in $ALL, check its exit status
# is below 128 (no crash) and that the key is not in what it printed
q() {
	name=$1; shift
	"$@" >"$T/out" 2>"$T/err" </dev/null; rc=$?
	cat "$T/out" "$T/err" >>"$ALL"
	if [ "$rc" -lt 128 ] && ! grep -qF "$KEY" "$T/out" "$T/err"; then
		ok "$PASS: $name: key not in stdout/stderr (exit $rc)"
	else
		nok "$PASS: $name: key not in stdout/stderr (exit $rc)" "$(grep -F "$KEY" "$T/out" "$T/err" | head -c 200)"
	fi
}
# qin NAME INPUT CMD...: the same with INPUT (printf format) on stdin
qin() {
	name=$1; printf "$2" >"$T/in"; shift 2
	"$@" >"$T/out" 2>"$T/err" <"$T/in"; rc=$?
	cat "$T/out" "$T/err" >>"$ALL"
	if [ "$rc" -lt 128 ] && ! grep -qF "$KEY" "$T/out" "$T/err"; then
		ok "$PASS: $name: key not in stdout/stderr (exit $rc)"
	else
		nok "$PASS: $name: key not in stdout/stderr (exit $rc)" "$(grep -F "$KEY" "$T/out" "$T/err" | head -c 200)"
	fi
}
# server_saw_key NAME: the last request to the test server carried the key
server_saw_key() {
	python3 - "$PORT" "$KEY" <<'PY' && ok "$PASS: $1: the endpoint received the key (control)" || nok "$PASS: $1: the endpoint received the key (control)"
import json, sys, urllib.request
last = json.load(urllib.request.urlopen("http://127.0.0.1:%s/last" % sys.argv[1], timeout=5))
sys.exit(0 if last.get("authorization") == "Bearer " + sys.argv[2] else 1)
PY
}

# the commands of one pass
commands() {
	DB=$T/$PASS.db
	q "--version" "$Q" --version
	q "--help" "$Q" --help
	q "ask --help" "$Q" ask --help
	q "index" "$Q" index --db "$DB" "$T/docs"
	q "index of the bundled corpus (default index)" "$Q" ask dropout
	q "ask" "$Q" ask --db "$DB" "what is dropout"
	q "ask --json" "$Q" ask --db "$DB" --json "what is dropout"
	q "ask --explain" "$Q" ask --db "$DB" --explain --top 2 "what is dropout"
	qin "ask from stdin" 'what is dropout\nwhat is a GAN\n' "$Q" ask --db "$DB" --json
	q "stats" "$Q" stats --db "$DB"
	q "stats of the default index" "$Q" stats
	q "eval tests/devset --no-fts5" "$Q" eval --no-fts5 tests/devset
	q "ask with a missing --db" "$Q" ask --db "$T/missing.db" dropout
	q "index of a missing file" "$Q" index --db "$DB" "$T/missing.txt"
	q "ask with a bad option" "$Q" ask --bogus dropout
	if [ "$LLM" = 0 ]; then
		skip "$PASS: --llm paths" "built without LLM support or no test server"
		return
	fi
	export QUARRY_LLM_URL="$URL"
	q "ask --dry-run" env QUARRY_LLM_MODEL=plain "$Q" ask --db "$DB" --llm --dry-run "what is dropout"
	q "ask --llm" env QUARRY_LLM_MODEL=plain "$Q" ask --db "$DB" --llm "what is dropout"
	if grep -q 'Hello from plain' "$T/out"; then ok "$PASS: ask --llm got the reply"; else nok "$PASS: ask --llm got the reply" "$(head -c 200 "$T/err")"; fi
	server_saw_key "ask --llm"
	q "ask --llm (streamed)" env QUARRY_LLM_MODEL=stream "$Q" ask --db "$DB" --llm "what is dropout"
	q "ask --llm --json" env QUARRY_LLM_MODEL=plain "$Q" ask --db "$DB" --llm --json "what is dropout"
	q "ask --llm, HTTP 401" env QUARRY_LLM_MODEL=401 "$Q" ask --db "$DB" --llm "what is dropout"
	q "ask --llm --json, HTTP 401" env QUARRY_LLM_MODEL=401 "$Q" ask --db "$DB" --llm --json "what is dropout"
	q "ask --llm, server echoes the key" env QUARRY_LLM_MODEL=echo-key "$Q" ask --db "$DB" --llm "what is dropout"
	q "ask --llm --json, server echoes the key" env QUARRY_LLM_MODEL=echo-key "$Q" ask --db "$DB" --llm --json "what is dropout"
	q "ask --llm, endpoint refuses connections" env QUARRY_LLM_MODEL=plain "$Q" ask --db "$DB" --llm --llm-url "http://127.0.0.1:1/v1" "what is dropout"
	qin "chat through a pipe with /llm on" 'what is dropout\n/llm on\nwhat is dropout\nand its advantages?\n/sources\n' env QUARRY_LLM_MODEL=stream "$Q" chat --db "$DB"
	if grep -q '^Hello, stream world' "$T/out"; then ok "$PASS: chat /llm on got replies"; else nok "$PASS: chat /llm on got replies" "$(head -c 300 "$T/out" "$T/err")"; fi
	qin "chat --json with /llm on, HTTP 401" '/llm on\nwhat is dropout\n' env QUARRY_LLM_MODEL=401 "$Q" chat --db "$DB" --json
	qin "chat --llm, server echoes the key" 'what is dropout\n' env QUARRY_LLM_MODEL=echo-key "$Q" chat --db "$DB" --llm
	# on a terminal, so that libedit keeps a history file
	if command -v script >/dev/null 2>&1; then
		printf 'what is dropout\n/llm on\nwhat is a GAN\n/quit\n' >"$T/tty.in"
		QUARRY_LLM_MODEL=plain timeout 20 script -qec "\"$Q\" chat --db \"$DB\"" /dev/null <"$T/tty.in" >"$T/out" 2>&1
		cat "$T/out" >>"$ALL"
		if ! grep -qF "$KEY" "$T/out"; then ok "$PASS: chat on a terminal: key not in the output"; else nok "$PASS: chat on a terminal: key not in the output"; fi
	else
		skip "$PASS: chat on a terminal" "no script(1)"
	fi
	unset QUARRY_LLM_URL
}

# after a pass: the key is nowhere it should not be
check_files() {
	if grep -qF "$KEY" "$ALL"; then nok "$PASS: key in no output at all" "$(grep -F "$KEY" "$ALL" | head -c 200)"; else ok "$PASS: key in no output at all ($(wc -c <"$ALL") bytes)"; fi
	hits=$(grep -rlF "$KEY" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$TMPDIR" "$T"/*.db 2>/dev/null)
	if [ -z "$hits" ]; then ok "$PASS: key in no file under the cache, state (history) and temp directories or the indexes"; else nok "$PASS: key in no file under the cache, state and temp directories" "$hits"; fi
	found=0 ndb=0
	for f in "$T"/*.db "$XDG_CACHE_HOME"/quarry/*; do
		[ -f "$f" ] || continue
		ndb=$((ndb + 1))
		if command -v strings >/dev/null 2>&1; then strings -a "$f" | grep -qF "$KEY" && found=1
		else LC_ALL=C grep -aqF "$KEY" "$f" && found=1; fi
	done
	if [ $found -eq 0 ] && [ $ndb -ge 2 ]; then ok "$PASS: key not in the strings of $ndb index files"; else nok "$PASS: key not in the strings of the index files" "found $found in $ndb files"; fi
	if [ -d "$XDG_STATE_HOME" ] && [ -n "$(find "$XDG_STATE_HOME" -type f 2>/dev/null)" ]; then
		ok "$PASS: chat history was written (and checked): $(find "$XDG_STATE_HOME" -type f | sed "s|$T/||" | tr '\n' ' ')"
	fi
}

# ---- pass 1: the key in the environment ----
PASS=env
export OPENAI_API_KEY="$KEY"
printf 'connect_timeout = 1\nstall_timeout = 1\nretries = 1\n' >"$XDG_CONFIG_HOME/quarry/config"
: >"$ALL"
commands
check_files

# ---- pass 2: the key only in a mode-600 config file ----
PASS=config
unset OPENAI_API_KEY
rm -rf "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$TMPDIR"; mkdir -p "$TMPDIR"
printf 'url = %s\napi_key = %s\nconnect_timeout = 1\nstall_timeout = 1\nretries = 1\n' "$URL" "$KEY" >"$XDG_CONFIG_HOME/quarry/config"
chmod 600 "$XDG_CONFIG_HOME/quarry/config"
: >"$ALL"
commands
check_files

# ---- pass 3: the same file readable by others: refused, and not shown ----
PASS=readable-config
chmod 644 "$XDG_CONFIG_HOME/quarry/config"
: >"$ALL"
if [ "$LLM" = 1 ]; then
	q "ask --llm with a world-readable config" env QUARRY_LLM_MODEL=plain "$Q" ask --llm "what is dropout"
	if grep -q 'readable by others' "$T/err"; then ok "$PASS: the key of a readable config is refused"; else nok "$PASS: the key of a readable config is refused" "$(head -c 200 "$T/err")"; fi
	q "ask --llm --dry-run with a world-readable config" env QUARRY_LLM_MODEL=plain "$Q" ask --llm --dry-run "what is dropout"
	qin "chat /llm on with a world-readable config" '/llm on\nwhat is dropout\n' env QUARRY_LLM_MODEL=plain "$Q" chat
else
	skip "$PASS" "built without LLM support or no test server"
fi
check_files
