#!/bin/sh
# test_trust_inputs.sh - files that change, never end, never come, or
# cannot be read (issue 14, classes 5, 6 and 8): an index never goes
# silently stale, no input hangs `index` or grows it without bound, and
# the messages say what is wrong.  mtimes are set with `touch -d`, never
# by waiting; every command runs under `timeout` (a hang is exit 124).
. tests/cli/lib.sh

QTXT='1. What is a widget?\nAns: A small gadget.\n'
# recs DB: the records DB holds
recs() { "$Q" stats --db "$1" 2>/dev/null | sed -n 's/^records: *//p'; }
# answer DB Q: the best answer's text
answer() { "$Q" ask --db "$1" --json "$2" 2>/dev/null | jq -r '.results[0].answer'; }
# as_nobody CMD...: run CMD as an unprivileged user when we are root
# (root reads mode 000 files and writes read-only directories)
as_nobody() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}
tq() { timeout 20 "$Q" "$@"; }

# ---- class 6: inputs that never end or never come ----
mkfifo "$T/fifo.txt"
run tq index --db "$T/f.db" "$T/fifo.txt"; expect_rc "a FIFO with no writer: refused, no hang" 4
expect_err "a FIFO: one line, not a regular file" 'fifo\.txt: not a regular file'
run tq index --db "$T/f.db" /dev/zero; expect_rc "/dev/zero: refused at once" 4
expect_err "/dev/zero: not a regular file" '/dev/zero: not a regular file'
if ls "$T"/f.db* >/dev/null 2>&1; then
	nok "a refused build leaves no file" "$(ls "$T")"
else ok "a refused build leaves no file"; fi

# Siblings: the other files quarry reads as data.
mkdir -p "$T/config/quarry" "$T/coll/qrels"
mkfifo "$T/config/quarry/config"
"$Q" index -q --db "$T/w.db" tests/fixtures/corpus 2>/dev/null
run tq ask --llm --db "$T/w.db" "what is a letter"
expect_rc "a FIFO as the config file: ask --llm still answers" 0
expect_err "a FIFO as the config file: one warning" \
	'config: not a regular file; showing the retrieved answer'
rm -f "$T/config/quarry/config"
cp tests/devset/corpus.jsonl "$T/coll/"
cp tests/devset/qrels/test.tsv "$T/coll/qrels/"
mkfifo "$T/coll/queries.jsonl"
run tq eval --no-fts5 "$T/coll"; expect_rc "a FIFO in an eval collection: refused, no hang" 4
expect_err "eval: not a regular file" 'queries\.jsonl: not a regular file'

mkdir -p "$T/six"
printf "$QTXT" >"$T/six/a.txt"
truncate -s 1100M "$T/six/big.txt" # sparse: over the limit for a file read whole
run tq index --db "$T/six.db" "$T/six/big.txt"; expect_rc "a file too big to read whole" 3
expect_err "too big: one line naming the limit" \
	'big\.txt: too big to read whole \(1153433600 bytes, the limit is 1024 MiB'
run tq index --db "$T/six.db" "$T/six"
expect_rc "a too-big file in a directory: the rest is indexed" 0
if grep -q 'big\.txt: too big to read whole.*skipped' "$T/err" &&
	[ "$(recs "$T/six.db")" = 1 ]; then
	ok "the too-big file is skipped with a warning"
else nok "the too-big file is skipped with a warning" "$(cat "$T/err")"; fi
rm -f "$T/six/big.txt"

# ---- class 8: messages about files ----
mkdir -p "$T/u16"
{ printf '\377\376'; printf "$QTXT" | iconv -f UTF-8 -t UTF-16LE; } >"$T/u16/bom.txt"
printf "$QTXT" | iconv -f UTF-8 -t UTF-16BE >"$T/u16/nobom.txt"
run tq index --db "$T/u.db" "$T/u16/bom.txt"; expect_rc "UTF-16 with a BOM" 3
expect_err "UTF-16 with a BOM: says how to convert" \
	'bom\.txt: UTF-16 text: convert it to UTF-8 \(iconv -f UTF-16 -t UTF-8\)'
run tq index --db "$T/u.db" "$T/u16/nobom.txt"; expect_rc "UTF-16BE without a BOM" 3
expect_err "UTF-16 without a BOM: recognised by its NUL bytes" \
	'nobom\.txt: UTF-16 text: convert it to UTF-8'

mkdir -p "$T/ur"
printf "$QTXT" >"$T/ur/a.txt"
printf '1. What is a gizmo?\nAns: A tool.\n' >"$T/ur/b.txt"
chmod 000 "$T/ur/a.txt"
chmod 777 "$T"
run as_nobody timeout 20 "$Q" index --db "$T/ur.db" "$T/ur"
expect_rc "an unreadable file in a directory does not abort the build" 0
if grep -q 'a\.txt: Permission denied, skipped' "$T/err" && [ "$(grep -c warning "$T/err")" = 1 ] &&
	[ "$(recs "$T/ur.db")" = 1 ]; then
	ok "the unreadable file: one warning, the others indexed"
else nok "the unreadable file: one warning, the others indexed" "$(cat "$T/err")"; fi
run as_nobody timeout 20 "$Q" index --db "$T/ur2.db" "$T/ur/a.txt"
expect_rc "an unreadable file named on the command line is an error" 4
expect_err "named unreadable file: Permission denied" 'a\.txt: Permission denied'

mkdir -p "$T/ro"
chmod 555 "$T/ro"
run as_nobody timeout 20 "$Q" index --db "$T/ro/x.db" "$T/ur/b.txt"
expect_rc "an index in a read-only directory" 4
expect_err "read-only directory: the real cause, on the index's path" \
	'ro/\.?x\.db[^ ]*: Permission denied'

mkdir -p "$T/rou"
"$Q" index -q --db "$T/rou/x.db" "$T/ur/b.txt" 2>/dev/null
chmod 666 "$T/rou/x.db"
chmod 555 "$T/rou"
run as_nobody timeout 20 "$Q" index --db "$T/rou/x.db" --update "$T/ur/b.txt"
expect_rc "--update of an index in a read-only directory" 4
expect_err "--update, read-only directory: says the directory" \
	'cannot update index .*rou/x\.db: its directory .*rou: Permission denied'
chmod 444 "$T/rou/x.db"
run as_nobody timeout 20 "$Q" index --db "$T/rou/x.db" --update "$T/ur/b.txt"
expect_rc "--update of a read-only index" 4
expect_err "--update, read-only index: says the file" \
	'cannot update index .*rou/x\.db: Permission denied'

mkdir -p "$T/here"
printf "$QTXT" >"$T/here/a.txt"
: >"$T/here/idx.db-journal"
printf 'junk\n' >"$T/here/idx.db.tmp-99999"
(cd "$T/here" && tq index --db idx.db . && tq index --db idx.db .) >"$T/out" 2>"$T/err"
if [ "$(grep -c . "$T/err")" = 2 ] && ! grep -q warning "$T/err"; then
	ok "index . with the index inside: its own files are not read"
else nok "index . with the index inside: its own files are not read" "$(cat "$T/err")"; fi
if [ "$(recs "$T/here/idx.db")" = 1 ]; then
	ok "index .: the record is there once"
else nok "index .: the record is there once"; fi

# ---- class 5: an index never silently goes stale ----
# A same-size edit that keeps the mtime in whole seconds (nanoseconds
# differ) is noticed.
mkdir -p "$T/ns"
printf "$QTXT" >"$T/ns/a.txt"
touch -d @1700000000.100000000 "$T/ns/a.txt"
tq index -q --db "$T/ns.db" "$T/ns" 2>/dev/null
printf '1. What is a widget?\nAns: A large gadget.\n' >"$T/ns/a.txt"
touch -d @1700000000.900000000 "$T/ns/a.txt"
run tq ask --db "$T/ns.db" widget
if grep -q 'a\.txt changed since it was indexed' "$T/err"; then
	ok "ns: ask notices a same-second edit"
else nok "ns: ask notices a same-second edit" "$(cat "$T/err")"; fi
run tq index --db "$T/ns.db" --update
expect_err "ns: --update reads the file again" '1 records from 1 new or changed file, 0 unchanged'
if [ "$(answer "$T/ns.db" widget)" = "A large gadget." ]; then
	ok "ns: the new text is indexed"
else nok "ns: the new text is indexed"; fi

# Racy: a file whose mtime is not older than the index; an edit of the
# same size leaving the very same mtime is still noticed (by content).
mkdir -p "$T/racy"
printf "$QTXT" >"$T/racy/a.txt"
fut=$(($(date +%s) + 30))
touch -d "@$fut" "$T/racy/a.txt"
tq index -q --db "$T/racy.db" "$T/racy" 2>/dev/null
run tq ask --db "$T/racy.db" widget
if [ -s "$T/err" ]; then
	nok "racy: an unchanged racy file is not reported" "$(cat "$T/err")"
else ok "racy: an unchanged racy file is not reported"; fi
printf '1. What is a widget?\nAns: A large gadget.\n' >"$T/racy/a.txt"
touch -d "@$fut" "$T/racy/a.txt"
run tq ask --db "$T/racy.db" widget
if grep -q 'a\.txt changed since it was indexed' "$T/err"; then
	ok "racy: ask notices the edit"
else nok "racy: ask notices the edit" "$(cat "$T/err")"; fi
run tq index --db "$T/racy.db" --update
expect_err "racy: --update reads the file again" '1 records from 1 new or changed file, 0 unchanged'
if [ "$(answer "$T/racy.db" widget)" = "A large gadget." ]; then
	ok "racy: the new text is indexed"
else nok "racy: the new text is indexed"; fi

# An index from before nanoseconds (mtimes in whole seconds, no
# mtime_ref) still works, and is converted by an update: the entries the
# update did not check are compared by content later, so an edit that
# keeps the second is found even for a file outside the update's PATH.
mkdir -p "$T/old/x" "$T/old/y"
printf "$QTXT" >"$T/old/x/a.txt"
printf '1. What is a gizmo?\nAns: A tool.\n' >"$T/old/y/b.txt"
touch -d @1700000000.200000000 "$T/old/x/a.txt" "$T/old/y/b.txt"
tq index -q --db "$T/old.db" "$T/old" 2>/dev/null
sqlite3 "$T/old.db" "DELETE FROM meta WHERE key = 'mtime_ref';
	UPDATE sources SET mtime = 1700000000"
run tq ask --db "$T/old.db" widget
if [ -s "$T/err" ] || [ "$(answer "$T/old.db" widget)" != "A small gadget." ]; then
	nok "old index: answers, no warning for unchanged files" "$(cat "$T/err")"
else ok "old index: answers, no warning for unchanged files"; fi
run tq index --db "$T/old.db" --update "$T/old/y"
expect_rc "old index: an update of another directory" 0
printf '1. What is a widget?\nAns: A large gadget.\n' >"$T/old/x/a.txt"
touch -d @1700000000.200000000 "$T/old/x/a.txt"
run tq index --db "$T/old.db" --update
expect_err "old index: a same-second edit outside the last update's PATH is found" \
	'1 records from 1 new or changed file'
if [ "$(answer "$T/old.db" widget)" = "A large gadget." ]; then
	ok "old index: the new text is indexed"
else nok "old index: the new text is indexed"; fi

# An indexed file that now holds no records: --update without PATH drops
# it with a warning (it blocked every update, exit 3).
mkdir -p "$T/gone"
printf "$QTXT" >"$T/gone/a.txt"
printf '1. What is a gizmo?\nAns: A tool.\n' >"$T/gone/b.txt"
tq index -q --db "$T/gone.db" "$T/gone" 2>/dev/null
printf ' \n\t\n' >"$T/gone/b.txt"
run tq index --db "$T/gone.db" --update; expect_rc "--update without PATH, a file with no records" 0
if grep -Eq 'b\.txt: (empty file|no records found|no Q&A records found), skipped' "$T/err" && grep -q '1 removed' "$T/err" &&
	[ "$(grep -c warning "$T/err")" = 1 ]; then
	ok "the record-less file: one warning, dropped"
else nok "the record-less file: one warning, dropped" "$(cat "$T/err")"; fi
if [ "$(recs "$T/gone.db")" = 1 ]; then
	ok "the record-less file's records are gone"
else nok "the record-less file's records are gone"; fi
run tq index --db "$T/gone.db" --update; expect_rc "and the next --update works" 0

# chat's history file as a FIFO: chat on a terminal (tmux) still starts.
sock="quarrytrust-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
mkdir -p "$T/hstate/quarry"
mkfifo "$T/hstate/quarry/history"
TERM=${TERM:-xterm} tm new-session -d -s qt -x 200 -y 30 \
	"env XDG_STATE_HOME='$T/hstate' NO_COLOR=1 '$Q' chat --db '$T/w.db' 2>&1; sleep 60"
i=0
while [ $i -lt 100 ] && ! tm capture-pane -p -J -t qt 2>/dev/null | grep -q '^quarry> '; do
	sleep 0.1
	i=$((i + 1))
done
if tm capture-pane -p -J -t qt | grep -q '^quarry> ' &&
	tm capture-pane -p -J -t qt | grep -q 'history .* is not a regular file'; then
	ok "a FIFO as chat's history: one warning, the prompt appears"
else
	nok "a FIFO as chat's history: one warning, the prompt appears" \
		"$(tm capture-pane -p -J -t qt | head -5)"
fi
tm kill-server >/dev/null 2>&1
