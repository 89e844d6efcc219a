#!/bin/sh
# test_statrefresh.sh - a source touched without being changed is hashed
# by the first check after the touch, which records its new mtime, and
# not by the next; a real change is still seen, also one made within the
# clock tick of a check (racy) or hidden by an advanced mtime_ref.
. tests/cli/lib.sh

now=$(date +%s)
mkdir -p "$T/c"
printf '{"id":"a","question":"What is a widget?","answer":"A small gadget."}\n' >"$T/c/a.jsonl"
printf '{"id":"b","question":"What is a wombat?","answer":"A marsupial."}\n' >"$T/c/b.jsonl"
"$Q" index -q --db "$T/i.db" "$T/c/a.jsonl" "$T/c/b.jsonl" 2>/dev/null
mtime_of() { sqlite3 "$T/i.db" "SELECT mtime FROM sources WHERE path LIKE '%/$1'"; }

# opens COUNTFILE CMD...: run CMD under strace, counting its opens of a.jsonl
opens() {
	f=$1
	shift
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=open,openat -o "$T/trace" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	grep -c 'a\.jsonl"' "$T/trace" >"$f"
}

touch -d "@$((now - 100))" "$T/c/a.jsonl"
if command -v strace >/dev/null 2>&1; then
	opens "$T/n1" "$Q" ask --db "$T/i.db" --top 1 widget
	opens "$T/n2" "$Q" ask --db "$T/i.db" --top 1 widget
	if [ "$(cat "$T/n1")" = 1 ] && [ "$(cat "$T/n2")" = 0 ] && [ ! -s "$T/err" ]; then
		ok "a touched source is read by the first ask only"
	else nok "a touched source is read by the first ask only" "opens: $(cat "$T/n1") then $(cat "$T/n2"); $(cat "$T/err")"; fi
else
	"$Q" ask --db "$T/i.db" --top 1 widget >/dev/null 2>&1
	echo "ok $((n += 1)) - a touched source is read by the first ask only # SKIP strace not installed"
fi
if [ "$(mtime_of a.jsonl)" = "$((now - 100))000000000" ]; then
	ok "its new mtime is recorded"
else nok "its new mtime is recorded" "recorded $(mtime_of a.jsonl)"; fi

printf '{"id":"a","question":"What is a widget?","answer":"A small gizmo."}\n' >"$T/c/a.jsonl"
run "$Q" ask --db "$T/i.db" --top 1 widget
expect_err "then an edit is seen" 'a\.jsonl changed since it was indexed'
printf '{"id":"a","question":"What is a widget?","answer":"A small gadget."}\n' >"$T/c/a.jsonl"

# A file stamped in the future stays racy: its content is compared at
# every check, so an edit that keeps size and mtime is still seen.
touch -d "@$((now + 3600))" "$T/c/a.jsonl"
run "$Q" ask --db "$T/i.db" --top 1 widget
if [ ! -s "$T/err" ] && [ "$(mtime_of a.jsonl)" != "$((now + 3600))000000000" ]; then
	ok "a racy touched source is not recorded as settled"
else nok "a racy touched source is not recorded as settled" "recorded $(mtime_of a.jsonl); $(cat "$T/err")"; fi
printf '{"id":"a","question":"What is a widget?","answer":"A small gizmo."}\n' >"$T/c/a.jsonl"
touch -d "@$((now + 3600))" "$T/c/a.jsonl"
run "$Q" ask --db "$T/i.db" --top 1 widget
expect_err "an edit within its clock tick is seen" 'a\.jsonl changed since it was indexed'
printf '{"id":"a","question":"What is a widget?","answer":"A small gadget."}\n' >"$T/c/a.jsonl"

# An index read long ago: b is racy under its mtime_ref.  Refreshing a
# moves mtime_ref past b's mtime, so b must lose its recorded mtime
# (compared by content next time) or an edit keeping its stat would hide.
sqlite3 "$T/i.db" "UPDATE meta SET value = '$((now - 1000))000000000' WHERE key = 'mtime_ref';
	UPDATE sources SET mtime = $((now - 500))000000000 WHERE path LIKE '%/b.jsonl'"
touch -d "@$((now - 500))" "$T/c/b.jsonl"
touch -d "@$((now - 200))" "$T/c/a.jsonl"
run "$Q" ask --db "$T/i.db" --top 1 widget
if [ "$(mtime_of a.jsonl)" = "$((now - 200))000000000" ] && [ "$(mtime_of b.jsonl)" = -1 ]; then
	ok "advancing mtime_ref smudges the sources it would settle unchecked"
else nok "advancing mtime_ref smudges the sources it would settle unchecked" "a $(mtime_of a.jsonl), b $(mtime_of b.jsonl)"; fi
printf '{"id":"b","question":"What is a wombat?","answer":"A marsupiaL."}\n' >"$T/c/b.jsonl"
touch -d "@$((now - 500))" "$T/c/b.jsonl"
run "$Q" ask --db "$T/i.db" --top 1 wombat
expect_err "an edit keeping the stat of a smudged source is seen" 'b\.jsonl changed since it was indexed'

run "$Q" index -q --db "$T/i.db" --update
expect_rc "an update after refreshes" 0
run "$Q" ask --db "$T/i.db" --top 1 wombat
if [ ! -s "$T/err" ] && grep -q marsupiaL "$T/out"; then ok "and the update sees the edit"
else nok "and the update sees the edit" "$(cat "$T/err")"; fi

# An index another process is writing (here: holding SQLite's write lock)
# is not waited for: the question is answered as usual and the refresh
# left for a later one.
touch -d "@$((now - 300))" "$T/c/a.jsonl"
before=$(mtime_of a.jsonl)
# (the holder waits out the probe below, which may hold the lock at the
# moment it begins; without a timeout it failed and held nothing)
(echo ".timeout 5000"; echo "BEGIN IMMEDIATE;"; sleep 4; echo "COMMIT;") |
	sqlite3 "$T/i.db" &
held=$!
i=0
while [ $i -lt 50 ] && sqlite3 "$T/i.db" "BEGIN IMMEDIATE; COMMIT;" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
run "$Q" ask --db "$T/i.db" --top 1 widget
if [ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ "$(mtime_of a.jsonl)" = "$before" ]; then
	ok "a busy index: answered, nothing recorded"
else nok "a busy index: answered, nothing recorded" "exit $rc, recorded $(mtime_of a.jsonl) (was $before); $(cat "$T/err")"; fi
wait $held
run "$Q" ask --db "$T/i.db" --top 1 widget
if [ "$(mtime_of a.jsonl)" = "$((now - 300))000000000" ]; then ok "recorded by the next question"
else nok "recorded by the next question" "recorded $(mtime_of a.jsonl)"; fi

# A read-only index (immutable here, as root can write any file) is
# answered from as usual.
touch -d "@$((now - 400))" "$T/c/a.jsonl"
if chattr +i "$T/i.db" 2>/dev/null; then
	run "$Q" ask --db "$T/i.db" --top 1 widget
	chattr -i "$T/i.db"
	if [ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ "$(mtime_of a.jsonl)" = "$((now - 300))000000000" ]; then
		ok "a read-only index: answered, nothing recorded"
	else nok "a read-only index: answered, nothing recorded" "exit $rc, recorded $(mtime_of a.jsonl); $(cat "$T/err")"; fi
else
	echo "ok $((n += 1)) - a read-only index: answered, nothing recorded # SKIP chattr +i not possible here"
fi
