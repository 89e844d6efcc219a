#!/bin/sh
# test_update.sh - `quarry index --update`: what it reads, skips, replaces
# and drops, what it says, and that the result answers as a full build of
# the same files does.
. tests/cli/lib.sh

DB=$T/u.db
C=$T/c
mkdir -p "$C/sub"
cp corpus/deep-learning-interview-qa.txt "$C/dl.txt"
printf '{"id": "q1", "question": "What is a quokka?", "answer": "A small marsupial."}\n{"id": "q2", "question": "What is a wombat?", "answer": "A burrowing marsupial (not an activaton)."}\n' >"$C/animals.jsonl"
printf '# What is a kettle?\n\nA pot for boiling water.\n\n# What is a ladle?\n\nA deep spoon.\n' >"$C/sub/kitchen.md"

# ans DB Q: the JSON answer (id, question, answer, score) to Q
ans() { "$Q" ask --db "$1" --json --top 3 "$2" 2>/dev/null | jq -c '[.results[] | [.id, .question, .answer, .score]]'; }
# same NAME: $DB and a fresh build of $C answer a fixed set of questions
# alike ("activaton", a typo only a removed record wrote, must be respelled
# to "activation" as a fresh build does)
same() {
	rm -f "$T/fresh.db"
	"$Q" index -q --db "$T/fresh.db" "$C" 2>/dev/null
	bad=
	for q in "what is a quokka" "marsupial" "boiling water" "what is dropout" \
		"vanishing gradient" "kettle or ladle" "what is a numbat" "burrowing" \
		"activaton function"; do
		[ "$(ans "$DB" "$q")" = "$(ans "$T/fresh.db" "$q")" ] || bad="$bad [$q]"
	done
	if [ -z "$bad" ]; then ok "$1: answers as a full build of the same files"; else nok "$1: answers as a full build" "differs on$bad"; fi
}

run "$Q" index --db "$DB" --update; expect_rc "--update without an index or PATH" 2
expect_err "--update without PATH says what to do" 'name the files'
run "$Q" index --db "$DB" --update "$C"; expect_rc "--update with no index builds one" 0
expect_err "a first --update reports a build" 'indexed 94 records'

run "$Q" index --db "$DB" --update "$C"; expect_rc "--update, nothing changed" 0
expect_err "nothing changed: nothing read" 'updated .*: 0 records from 0 new or changed files, 3 unchanged, 0 removed'

printf '{"id": "q1", "question": "What is a quokka?", "answer": "A small marsupial from Rottnest Island."}\n{"id": "q3", "question": "What is a numbat?", "answer": "A termite-eating marsupial."}\n' >"$C/animals.jsonl"
touch -d '+1 minute' "$C/animals.jsonl" # a new mtime, whatever the clock's resolution
run "$Q" index --db "$DB" --update "$C"; expect_rc "--update, one file changed" 0
expect_err "one file changed: only it is read" '2 records from 1 new or changed file, 2 unchanged, 0 removed'
run "$Q" ask --db "$DB" --json "what is a numbat"
if jq -e '.results[0].id == "q3"' "$T/out" >/dev/null; then ok "a changed file's new record is found"; else nok "a changed file's new record is found" "$(head -c 200 "$T/out")"; fi
run "$Q" ask --db "$DB" --json "wombat"
if jq -e '.answered == false or ([.results[].id] | index("q2") == null)' "$T/out" >/dev/null; then ok "a changed file's removed record is gone"; else nok "a changed file's removed record is gone" "$(head -c 200 "$T/out")"; fi
same "after a changed file"

touch "$C/dl.txt"
run "$Q" index --db "$DB" --update "$C/dl.txt"; expect_rc "--update, touched but same content" 0
expect_err "same content: not read again" '0 records from 0 new or changed files, 1 unchanged'
run "$Q" ask --db "$DB" dropout
if grep -q 'changed since' "$T/err"; then nok "the touched file's new mtime is recorded" "$(cat "$T/err")"; else ok "the touched file's new mtime is recorded"; fi

printf '# What is a whisk?\n\nA tool for beating eggs.\n' >"$C/sub/more.md"
rm "$C/sub/kitchen.md"
run "$Q" index --db "$DB" --update "$C/sub"; expect_rc "--update of a directory: a file added, one gone" 0
expect_err "added and gone files are counted" '1 records from 1 new or changed file, 0 unchanged, 1 removed'
same "after a file added and one removed"

run "$Q" ask --db "$DB" --json "whisk eggs"
if jq -e '[.results[].question | test("whisk")] | any' "$T/out" >/dev/null; then ok "the added file's record is found"; else nok "the added file's record is found"; fi
printf 'no questions in here at all\n' >"$C/sub/more.md"
run "$Q" index --db "$DB" --update "$C"; expect_rc "--update, a file that now holds no records" 0
run "$Q" ask --db "$DB" --json "whisk eggs"
if jq -e '[.results[].question | test("whisk")] | any | not' "$T/out" >/dev/null; then ok "a file emptied of records is dropped"; else nok "a file emptied of records is dropped" "$(head -c 200 "$T/out")"; fi
rm "$C/sub/more.md"

# Without PATH: every file the index holds is checked.
printf '{"id": "q1", "question": "What is a quokka?", "answer": "A marsupial that seems to smile."}\n' >"$C/animals.jsonl"
touch -d '+2 minutes' "$C/animals.jsonl"
run "$Q" index --db "$DB" --update; expect_rc "--update without PATH" 0
expect_err "without PATH: the changed file is found" '1 records from 1 new or changed file, 1 unchanged'
run "$Q" ask --db "$DB" --json "quokka"
if jq -e '.results[0].answer | test("smile")' "$T/out" >/dev/null; then ok "without PATH: the new text is indexed"; else nok "without PATH: the new text is indexed"; fi
same "after --update without PATH"

run "$Q" stats --db "$DB"
if grep -q '^segments: ' "$T/out" && grep -q '^deleted: ' "$T/out"; then ok "stats shows segments and deleted records"; else nok "stats shows segments" "$(cat "$T/out")"; fi

# Many updates: segments stay few, answers stay right.
i=0
while [ $i -lt 12 ]; do
	i=$((i + 1))
	printf '{"id": "n%d", "question": "What is gadget number %d?", "answer": "Gadget %d is a widget."}\n' $i $i $i >"$C/new$i.jsonl"
	"$Q" index -q --db "$DB" --update "$C/new$i.jsonl" 2>/dev/null || nok "update $i"
done
run "$Q" stats --db "$DB"
segs=$(awk '/^segments:/ { print $2 }' "$T/out")
if [ "${segs:-99}" -le 9 ]; then ok "12 more updates: $segs segments (merged as they grow)"; else nok "segments are merged" "$segs segments"; fi
same "after 12 more updates and a merge"

# Bad input changes nothing.
cp "$DB" "$T/before.db"
ans "$DB" "what is dropout" >"$T/before.ans"
printf '\000\001\002binary' >"$C/bad.txt"
run "$Q" index --db "$DB" --update "$C/bad.txt"; expect_rc "--update with a bad file" 3
if [ "$(ans "$DB" "what is dropout")" = "$(cat "$T/before.ans")" ] && cmp -s "$DB" "$T/before.db"; then ok "a failed update leaves the index as it was, byte for byte"; else nok "a failed update leaves the index as it was"; fi
rm "$C/bad.txt"
printf 'not an index\n' >"$T/foreign.db"
run "$Q" index --db "$T/foreign.db" --update "$C"; expect_rc "--update of a foreign file" 3
expect_err "foreign file: one error line" 'not a quarry index'
if [ "$(cat "$T/foreign.db")" = "not an index" ]; then ok "the foreign file is untouched"; else nok "the foreign file is untouched"; fi
