#!/bin/sh
# test_log.sh - the conversation log: written by ask and chat (mode 0600,
# no key), kept out by --no-log and `log = off`, listed, searched and
# filtered by quarry log, resumed by chat -c / --cid; and a log that is
# damaged, locked, read-only or on a full disk never stops an answer (one
# warning, the answer printed, the usual exit status).
. tests/cli/lib.sh

SPID=
HOLD=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	[ -n "$HOLD" ] && kill "$HOLD" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

LOG="$XDG_STATE_HOME/quarry/log.db"
count() { sqlite3 "$LOG" 'SELECT count(*) FROM exchange'; }

run "$Q" ask what is dropout
expect_rc "ask answers with the log on" 0
if [ ! -s "$T/err" ]; then ok "writing the log says nothing"; else nok "writing the log says nothing" "$(cat "$T/err")"; fi
if [ "$(stat -c %a "$LOG")" = 600 ] && [ "$(stat -c %a "$XDG_STATE_HOME/quarry")" = 700 ]; then ok "log 0600 in a 0700 directory"; else nok "log modes" "$(ls -la "$XDG_STATE_HOME/quarry")"; fi
if [ "$(stat -c %a "$LOG-wal" 2>/dev/null || echo 600)" = 600 ]; then ok "its WAL file is 0600 too"; else nok "WAL mode"; fi
run "$Q" log --json
if jq -e -s 'length == 1 and .[0].question == "what is dropout" and .[0].command == "ask" and .[0].answered and .[0].results[0].id == "18" and .[0].results[0].source == "corpus/deep-learning-interview-qa.txt" and .[0].results[0].line == 74 and (.[0].time|test("^20[0-9-]+T[0-9:]+Z$"))' "$T/out" >/dev/null; then ok "log --json: question, time, ids with source and line"; else nok "log --json" "$(head -c 400 "$T/out")"; fi

run "$Q" ask --no-log what is a convolution
if [ "$rc" -eq 0 ] && [ "$(count)" -eq 1 ]; then ok "--no-log writes nothing"; else nok "--no-log" "rc $rc, $(count) exchanges"; fi
mkdir -p "$XDG_CONFIG_HOME/quarry"
printf 'log = off\n' >"$XDG_CONFIG_HOME/quarry/config"
run "$Q" ask what is a convolution
if [ "$rc" -eq 0 ] && [ "$(count)" -eq 1 ] && [ ! -s "$T/err" ]; then ok "log = off in the config writes nothing"; else nok "log = off" "rc $rc, $(count) exchanges, $(cat "$T/err")"; fi
printf 'log = maybe\n' >"$XDG_CONFIG_HOME/quarry/config"
run "$Q" ask what is a convolution
expect_err "a bad log value is one warning" 'config:1: log is on or off'
if [ "$(count)" -eq 2 ]; then ok "... and the log stays on"; else nok "bad log value keeps the log on" "$(count)"; fi
rm "$XDG_CONFIG_HOME/quarry/config"

# a question nothing matches, alone in its run
run "$Q" ask '?!?'
if [ "$rc" -eq 1 ] && [ ! -s "$T/err" ] && [ "$(sqlite3 "$LOG" "SELECT count(*) FROM exchange WHERE question = '?!?' AND hits = ''")" -eq 1 ]; then ok "a question with no results is logged too, silently"; else nok "no results logged" "rc $rc; $(cat "$T/err")"; fi

# a batch of questions is one conversation
printf 'what is batch normalization\nwhat is an autoencoder\nzzzqqq\n' | "$Q" ask >/dev/null 2>&1
run "$Q" log --json -n 3
if jq -e -s 'length == 3 and (map(.cid)|unique|length) == 1 and .[0].cid > 1 and .[2].question == "zzzqqq" and (.[2].results|length) == 0 and (.[2].answered|not)' "$T/out" >/dev/null; then ok "a stdin batch is one conversation, unmatched questions too"; else nok "batch" "$(head -c 400 "$T/out")"; fi
run "$Q" log -n 1
if grep -q 'asked: zzzqqq' "$T/out" && ! grep -q 'autoencoder' "$T/out" && grep -q '(nothing matched)' "$T/out"; then ok "log -n 1 shows only the latest"; else nok "log -n 1" "$(cat "$T/out")"; fi
run "$Q" log AUTOENCODER
if [ "$rc" -eq 0 ] && [ "$(grep -c '^#' "$T/out")" -eq 1 ] && grep -q 'asked: what is an autoencoder' "$T/out"; then ok "log TERM filters, ignoring case"; else nok "log TERM" "$(cat "$T/out")"; fi
run "$Q" log 'no such words'
expect_rc "log with nothing to list" 1
run "$Q" log --cid 1 -n 0
if [ "$(grep -c '^#' "$T/out")" -eq 1 ] && grep -q 'conversation 1$' "$T/out"; then ok "log --cid lists one conversation"; else nok "log --cid" "$(cat "$T/out")"; fi
run "$Q" log -n x
expect_rc "log -n x is a usage error" 2
run "$Q" log --path
if [ "$(cat "$T/out")" = "$LOG" ]; then ok "log --path"; else nok "log --path" "$(cat "$T/out")"; fi

# chat: logged per turn, with the query searched; -c resumes the topic
printf 'what is dropout\nand its advantages?\n' | "$Q" chat --json >/dev/null 2>&1
run "$Q" log --json -n 1
if jq -e '.command == "chat" and .question == "and its advantages?" and .resolved == "and its advantages? dropout"' "$T/out" >/dev/null; then ok "chat logs the query actually searched"; else nok "chat logged" "$(cat "$T/out")"; fi
CID=$(jq -r .cid "$T/out")
printf 'and its disadvantages?\n' >"$T/in"
run sh -c "\"$Q\" chat --json -c <\"$T/in\""
if jq -e '.resolved == "and its disadvantages? dropout advantages"' "$T/out" >/dev/null; then ok "chat -c resumes the last conversation's topic"; else nok "chat -c" "$(cat "$T/out" "$T/err")"; fi
run "$Q" log --json -n 1
if [ "$(jq -r .cid "$T/out")" = "$CID" ]; then ok "chat -c goes on in the same conversation"; else nok "chat -c cid" "$(cat "$T/out")"; fi
printf 'what is an autoencoder\n' | "$Q" chat >/dev/null 2>&1
printf 'and its disadvantages?\n' >"$T/in"
run sh -c "\"$Q\" chat --json --cid $CID <\"$T/in\""
# (as one uninterrupted session would have searched it)
want=$(printf 'what is dropout\nand its advantages?\nand its disadvantages?\nand its disadvantages?\n' | "$Q" chat --no-log --json | tail -n 1 | jq -r .resolved)
if [ "$(jq -r .resolved "$T/out")" = "$want" ] && [ -n "$want" ]; then ok "chat --cid resumes a given conversation"; else nok "chat --cid" "want $want; $(cat "$T/out" "$T/err")"; fi
run sh -c "echo hi | \"$Q\" chat --cid 999"
expect_rc "chat --cid of no conversation" 2; expect_err "... says so" 'no conversation 999'
run sh -c "echo hi | \"$Q\" chat -c --no-log"
expect_rc "chat -c with the log off" 2

# an LLM reply and its model are logged, the key never
if "$Q" ask --llm --dry-run dropout 2>&1 >/dev/null | grep -q 'without LLM support'; then
	skip "LLM reply logged" "built without LLM support"
else
	python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
	SPID=$!
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	KEY=sk-test-LOGKEY-4242
	QUARRY_LLM_URL="http://127.0.0.1:$(head -n 1 "$T/port")/v1" OPENAI_API_KEY=$KEY QUARRY_LLM_MODEL=plain \
		run "$Q" ask --llm what is dropout
	run "$Q" log --json -n 1
	if jq -e '.reply == "Hello from plain [1]." and .model == "plain" and .results[0].id == "18"' "$T/out" >/dev/null; then ok "ask --llm logs the reply and the model"; else nok "LLM reply logged" "$(cat "$T/out")"; fi
	sqlite3 "$LOG" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	if ! grep -rqa "$KEY" "$XDG_STATE_HOME" && ! grep -rqa "LOGKEY" "$XDG_STATE_HOME"; then ok "the key is nowhere in the log"; else nok "key in the log"; fi
	printf 'what is dropout\n/llm on\nwhat is dropout\n' >"$T/in"
	QUARRY_LLM_URL="http://127.0.0.1:$(head -n 1 "$T/port")/v1" QUARRY_LLM_MODEL=stream \
		run sh -c "\"$Q\" chat <\"$T/in\""
	printf 'and its advantages?\n' >"$T/in"
	QUARRY_LLM_URL="http://127.0.0.1:$(head -n 1 "$T/port")/v1" QUARRY_LLM_MODEL=stream \
		run sh -c "\"$Q\" chat -c --llm <\"$T/in\""
	curl -s "http://127.0.0.1:$(head -n 1 "$T/port")/last" >"$T/last" 2>/dev/null
	if jq -e '.body | fromjson | .messages | length == 4 and .[2].role == "assistant" and (.[2].content|test("stream world"))' "$T/last" >/dev/null 2>&1; then ok "chat -c sends the resumed conversation's LLM turns"; else nok "chat -c LLM turns" "$(head -c 400 "$T/last")"; fi
fi

# A log that cannot be written: one warning, the answer, exit 0.
check_broken() { # NAME REGEX
	if [ "$rc" -eq 0 ] && grep -q '#18' "$T/out" && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "conversation log not written: .*$2" "$T/err"; then
		ok "$1: one warning, the answer printed, exit 0"
		sed 's/^/# /' "$T/err"
	else nok "$1" "rc $rc; stderr: $(cat "$T/err"); stdout: $(head -c 100 "$T/out")"; fi
}

# locked: another process holds a write transaction
python3 -c "
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN IMMEDIATE')
print('held', flush=True)
time.sleep(30)" "$LOG" >"$T/held" &
HOLD=$!
i=0; while [ ! -s "$T/held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
before=$(sqlite3 "$LOG" 'SELECT count(*) FROM exchange')
run "$Q" ask what is dropout
check_broken "locked log" 'locked'
kill $HOLD; wait $HOLD 2>/dev/null; HOLD=
if [ "$(count)" -eq "$before" ]; then ok "nothing half-written while locked"; else nok "locked: rows changed"; fi
run "$Q" ask what is dropout
if [ ! -s "$T/err" ] && [ "$(count)" -eq $((before + 1)) ]; then ok "written again once the lock is gone"; else nok "after the lock" "$(cat "$T/err")"; fi

# damaged: a file that is not SQLite, and a SQLite file torn in the middle
cp "$LOG" "$T/good.db"
mv "$LOG" "$T/saved.db"; rm -f "$LOG-wal" "$LOG-shm"
head -c 9000 /dev/urandom >"$T/junk"; cp "$T/junk" "$LOG"
run "$Q" ask what is dropout
check_broken "log that is not SQLite" 'damaged'
if cmp -s "$LOG" "$T/junk"; then ok "the damaged file is left as it was"; else nok "damaged file changed"; fi
sqlite3 "$T/good.db" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE' >/dev/null
head -c 4096 "$T/good.db" >"$LOG"; head -c 4096 /dev/urandom >>"$LOG"; tail -c +8193 "$T/good.db" >>"$LOG"
run "$Q" ask what is dropout
check_broken "log damaged inside" 'damaged|malformed|not a quarry log'
run "$Q" log
if [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ]; then ok "log on a damaged file fails (exit $rc)"; else nok "log on damaged" "rc $rc"; fi
rm -f "$LOG" "$LOG-wal" "$LOG-shm"

# read-only and full: a read-only bind mount and a tiny tmpfs, in a user
# namespace (so root cannot write past the permissions either)
mkdir -p "$T/probe"
if unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && mount -t tmpfs -o size=64k tmpfs "$1"' sh "$T/probe" 2>/dev/null; then
	mkdir -p "$T/ro/quarry"
	cp "$T/saved.db" "$T/ro/quarry/log.db"
	XDG_STATE_HOME="$T/ro" run unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" ask what is dropout' sh "$T/ro" "$Q"
	check_broken "log in a read-only directory" 'read-only|readonly|unable to open|Read-only'
	mkdir -p "$T/full"
	XDG_STATE_HOME="$T/full" run unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && { dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; exec "$2" ask what is dropout; }' sh "$T/full" "$Q"
	check_broken "log on a full disk" 'disk full|No space|full'
else
	skip "log in a read-only directory" "no mounts in a user namespace (unshare -rm)"
	skip "log on a full disk" "no mounts in a user namespace (unshare -rm)"
fi
