#!/bin/sh
# test_trust_records.sh - no command drops records the user indexed (issue 14,
# class 2, and the damaged default index of class 5): the default index
# keeps the user's files through a bundled-corpus or format change and
# through damage, updates work from any directory and never empty an index,
# one file named twice is indexed once, writers take turns, and a
# symlinked --db stays a symlink.
. tests/cli/lib.sh

D="$T/cache/quarry/index.db"
mkdir -p "$T/notes" "$T/elsewhere"
printf '1. What is a zorblax?\nAns: A zorblax is a gadget made of brass.\n' \
	>"$T/notes/zorb.txt"
printf '1. What is a quuxling?\nAns: A quuxling is a small quux.\n' \
	>"$T/notes/quux.txt"

# answers QUESTION [DB]: `ask` answers it (exit 0) from the user's file
answers() {
	if [ -n "${2:-}" ]; then run "$Q" ask --db "$2" --json "$1"
	else run "$Q" ask --json "$1"; fi
	[ "$rc" -eq 0 ] && grep -q '"answered": *true' "$T/out" &&
		grep -q 'notes/' "$T/out"
}

# A default index holding the bundled corpus and a file of the user's.
default_with_notes() {
	rm -rf "$T/cache"
	"$Q" ask "what is dropout" >/dev/null 2>&1
	(cd "$T" && "$Q" index -q --update notes/zorb.txt) || nok "setup: update"
}

# ---- a new bundled corpus on a default index holding the user's files
default_with_notes
sqlite3 "$D" "update meta set value='0000000000000000' where key='bundled_hash'"
if answers "what is a zorblax"; then
	ok "bundled corpus changed: the user's file is still indexed"
else
	nok "bundled corpus changed: the user's file is still indexed" \
		"exit $rc; $(head -c 300 "$T/err")"
fi
if [ "$(grep -c 'rebuilding it from its 2 recorded sources' "$T/err")" -eq 1 ]; then
	ok "bundled corpus changed: one warning says the index is rebuilt"
else
	nok "bundled corpus changed: one warning says the index is rebuilt" \
		"$(head -c 300 "$T/err")"
fi
run "$Q" ask --json "what is dropout"
expect_out "bundled corpus changed: the bundled corpus is still there" \
	'"answered": *true'

# ---- another index format on a default index holding the user's files
default_with_notes
sqlite3 "$D" "PRAGMA user_version=3"
if answers "what is a zorblax"; then
	ok "format changed: default index rebuilt with the user's file"
else
	nok "format changed: default index rebuilt with the user's file" \
		"exit $rc; $(head -c 300 "$T/err")"
fi

# ---- another format on an index of the user's: the error says the command
(cd "$T" && "$Q" index -q --db u.db notes/)
sqlite3 "$T/u.db" "PRAGMA user_version=3"
run "$Q" ask --db "$T/u.db" "what is a zorblax"
expect_rc "format changed on --db: refused" 3
expect_err "format changed on --db: the error gives the command" \
	"quarry index --db $T/u.db --rebuild"
run "$Q" index --db "$T/u.db" --rebuild
expect_rc "--rebuild from another directory" 0
if answers "what is a quuxling" "$T/u.db"; then
	ok "--rebuild: the user's files are indexed again"
else
	nok "--rebuild: the user's files are indexed again" "exit $rc"
fi

# ---- update from another directory than the one the paths were given in
(cd "$T" && "$Q" index -q --db r.db notes/ ./notes/zorb.txt)
printf '2. What is a frobnitz?\nAns: A frobnitz turns brass into gold.\n' \
	>>"$T/notes/zorb.txt"
touch -d '+2 seconds' "$T/notes/zorb.txt"
(cd "$T/elsewhere" && "$Q" ask --db ../r.db "what is a zorblax" \
	>/dev/null 2>"$T/warn")
cmd=$(sed -n 's/.*; run \(quarry index .*--update\)$/\1/p' "$T/warn" | head -n 1)
if [ -n "$cmd" ]; then
	ok "ask warns about the changed file with a command"
else
	nok "ask warns about the changed file with a command" "$(cat "$T/warn")"
fi
# The recommended command, run where the warning was given.
(cd "$T/elsewhere" && eval "\"$Q\" ${cmd#quarry }" >/dev/null 2>"$T/err")
rc=$?
expect_rc "the recommended update works from another directory" 0
(cd "$T/elsewhere" && "$Q" ask --db ../r.db --json "what is a frobnitz" >"$T/out" 2>"$T/err")
expect_out "update from another directory: the edit is indexed" '"answered": *true'
run "$Q" stats --db "$T/r.db"
expect_out "update from another directory: every file kept" '^sources: +2 files$'

# ---- an index of an older quarry, which recorded paths as given
(cd "$T" && "$Q" index -q --db old.db notes/)
sqlite3 "$T/old.db" "update sources set path = replace(path, '$T/', '')"
(cd "$T/elsewhere" && "$Q" index --db ../old.db --update >"$T/out" 2>"$T/err")
rc=$?
expect_rc "old relative paths, update from elsewhere: done" 0
if grep -q 'notes/zorb.txt is not found from here.*kept' "$T/err" &&
	answers "what is a zorblax" "$T/old.db"; then
	ok "old relative paths, update from elsewhere: kept, with a warning"
else
	nok "old relative paths, update from elsewhere: kept, with a warning" \
		"$(head -c 300 "$T/err")"
fi
(cd "$T/elsewhere" && "$Q" index --db ../old.db --rebuild >"$T/out" 2>"$T/err")
rc=$?
expect_rc "old relative paths, --rebuild from elsewhere: refused" 4
(cd "$T" && "$Q" index -q --db old.db --rebuild >"$T/out" 2>"$T/err")
rc=$?
expect_rc "old relative paths, --rebuild from where they were given" 0
run "$Q" stats --db "$T/old.db"
expect_out "old relative paths: recorded resolved after --rebuild" "  $T/notes/zorb.txt"

# ---- one file under two spellings (and a symbolic link) is indexed once
ln -s zorb.txt "$T/notes/alias.txt"
(cd "$T" && "$Q" index -q --db s.db notes/zorb.txt ./notes/zorb.txt \
	notes/alias.txt "$T/notes/zorb.txt")
run "$Q" stats --db "$T/s.db"
if grep -Eq '^sources: +1 file$' "$T/out" && grep -Eq '^records: +2$' "$T/out"; then
	ok "one file named four ways is indexed once"
else
	nok "one file named four ways is indexed once" "$(head -c 300 "$T/out")"
fi
(cd "$T" && "$Q" index -q --db s2.db notes/)
run "$Q" stats --db "$T/s2.db"
expect_out "a directory holding a link to one of its files: indexed once" \
	'^records: +3$'
rm "$T/notes/alias.txt"

# ---- an update that would drop every file of an index is refused
mv "$T/notes" "$T/notes.away"
run "$Q" index --db "$T/r.db" --update
expect_rc "update dropping every file: refused" 4
expect_err "update dropping every file: says nothing changed" \
	'drop all 2 files.*nothing changed'
mv "$T/notes.away" "$T/notes"
if answers "what is a frobnitz" "$T/r.db"; then
	ok "update dropping every file: the index is as it was"
else
	nok "update dropping every file: the index is as it was" "exit $rc"
fi
# Dropping some of them is an ordinary update.
mv "$T/notes/quux.txt" "$T/quux.away"
run "$Q" index --db "$T/r.db" --update
expect_rc "update dropping one of two files: done" 0
mv "$T/quux.away" "$T/notes/quux.txt"

# ---- one writer at a time: a held lock makes writers wait, then refuse
(cd "$T" && "$Q" index -q --db w.db notes/)
rm -f "$T/held"
flock "$T/.w.db.lock" -c "touch '$T/held'; sleep 5" &
holder=$!
i=0
while [ ! -f "$T/held" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -f "$T/held" ] || nok "the test holds the writer lock"
QUARRY_LOCK_TIMEOUT=1 run "$Q" index --db "$T/w.db" "$T/notes"
expect_rc "full build while another writer holds the lock: refused" 4
expect_err "refused build: says another quarry is writing" \
	'being written by another quarry'
QUARRY_LOCK_TIMEOUT=1 run "$Q" index --db "$T/w.db" --update
expect_rc "update while another writer holds the lock: refused" 4
QUARRY_LOCK_TIMEOUT=1 run "$Q" index --db "$T/w.db" --rebuild
expect_rc "rebuild while another writer holds the lock: refused" 4
run "$Q" ask --db "$T/w.db" "what is a zorblax"
expect_rc "readers are not blocked by the writer lock" 0
start=$(date +%s)
QUARRY_LOCK_TIMEOUT=30 run "$Q" index -q --db "$T/w.db" --update "$T/notes"
end=$(date +%s)
if [ "$rc" -eq 0 ] && kill -0 "$holder" 2>/dev/null; then
	nok "a waiting writer waits for the lock" "it finished while the lock was held"
elif [ "$rc" -eq 0 ] && [ $((end - start)) -ge 1 ]; then
	ok "a waiting writer waits for the lock, then writes (exit 0)"
else
	nok "a waiting writer waits for the lock, then writes (exit 0)" \
		"exit $rc after $((end - start)) s; $(head -c 300 "$T/err")"
fi
wait "$holder"

# ---- a symlinked --db stays a symlink, written through to its target
mkdir -p "$T/real"
ln -s real/x.db "$T/link.db"
(cd "$T" && "$Q" index -q --db link.db notes/ && "$Q" index -q --db link.db notes/)
if [ -L "$T/link.db" ] && [ -f "$T/real/x.db" ] && [ ! -L "$T/real/x.db" ]; then
	ok "rebuilding a symlinked --db keeps the link and writes its target"
else
	nok "rebuilding a symlinked --db keeps the link and writes its target" \
		"$(ls -l "$T/link.db" "$T/real" 2>&1)"
fi
if answers "what is a zorblax" "$T/link.db"; then
	ok "the index behind the link answers"
else
	nok "the index behind the link answers" "exit $rc"
fi
if ls "$T" | grep -q 'link.db.tmp'; then
	nok "no temporary file left beside the link"
else
	ok "no temporary file left beside the link"
fi

# ---- a damaged default index is rebuilt from its recorded sources
default_with_notes
sqlite3 "$D" "DROP TABLE segments"
if answers "what is a zorblax"; then
	ok "damaged default index: rebuilt, the user's file still indexed"
else
	nok "damaged default index: rebuilt, the user's file still indexed" \
		"exit $rc; $(head -c 300 "$T/err")"
fi
expect_err "damaged default index: one warning" 'cannot be used as it is.*damaged'
# Not even its list of sources can be read: the bundled corpus, said so.
printf 'this is not an index\n' >"$D"
run "$Q" ask "what is dropout"
expect_rc "unreadable default index: rebuilt from the bundled corpus" 0
expect_err "unreadable default index: one warning saying so" \
	'rebuilding it from the bundled corpus'
# Any other damaged index: the error gives the command that recovers it.
(cd "$T" && "$Q" index -q --db dmg.db notes/)
sqlite3 "$T/dmg.db" "DROP TABLE segments"
run "$Q" ask --db "$T/dmg.db" "what is a zorblax"
expect_rc "damaged --db index: refused" 3
expect_err "damaged --db index: the error gives the command" \
	"damaged.*quarry index --db $T/dmg.db --rebuild"
run "$Q" index -q --db "$T/dmg.db" --rebuild
if [ "$rc" -eq 0 ] && answers "what is a zorblax" "$T/dmg.db"; then
	ok "damaged --db index: the command recovers it"
else
	nok "damaged --db index: the command recovers it" "exit $rc"
fi
