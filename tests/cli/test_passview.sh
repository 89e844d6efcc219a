#!/bin/sh
# test_passview.sh - what a reader is shown of a passage and of a Q&A
# record: plain output shows a passage's snippet even when the passage is
# short, a short Q&A answer whole, --full the whole passage; JSON says
# which kind each result is ("qa" or "passage"), in ask and in chat's
# /sources, for a full build and for files added by --update.
. tests/cli/lib.sh

C="$T/corpus"
mkdir -p "$C"
# Prose of 444 bytes (one passage, under the 600 bytes after which a Q&A
# answer is cut to its snippet) whose last sentence alone holds the
# question's words; a Q&A answer of 314 bytes shaped the same way.
cat >"$C/notes.txt" <<'EOF'
Field notes

Zebras graze on the open plain every single morning of the year. Herds move slowly while the
grass is still wet with dew. Lions watch from the shade of the acacia trees and wait. The rains
come late in the season and the rivers rise within a few days. Wildebeest follow the rains north
in long columns. Calving happens on the southern plains early in the year. The flamingo colony
nests on the soda lake when the water is shallow.
EOF
python3 - "$C/qa.jsonl" <<'EOF'
import json, sys
a = ("Zebras graze on the open plain every single morning of the year. Herds move "
     "slowly while the grass is still wet with dew. Lions watch from the shade of the "
     "acacia trees and wait. The rains come late in the season and the rivers rise "
     "within a few days. A pelican colony nests on the salt marsh when the tide is low.")
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "p1", "question": "Birds of the marsh", "answer": a}) + "\n")
EOF
DB="$T/p.db"
run "$Q" index -q --db "$DB" "$C/notes.txt" "$C/qa.jsonl"; expect_rc "index prose and Q&A" 0

# --- plain output: a short passage is shown as its snippet ---
run "$Q" ask --db "$DB" --top 1 "where does the flamingo colony nest"
expect_rc "ask, a passage first" 0
expect_out "the passage's matching sentence is shown" "flamingo colony nests on the soda lake"
# (the snippet's best window comes first, cut from the text before it;
# what else it shows is the second fragment, after " … ")
if grep -q "^   … .*flamingo colony nests.*shallow\. … " "$T/out" &&
	! grep -q "^   Zebras graze" "$T/out"; then
	ok "a 444-byte passage shows its snippet, not its whole text"
else
	nok "a 444-byte passage shows its snippet, not its whole text" "$(cat "$T/out")"
fi
run "$Q" ask --db "$DB" --top 1 --full "where does the flamingo colony nest"
if grep -q "Zebras graze" "$T/out" && grep -q "soda lake" "$T/out" && ! grep -q "…" "$T/out"
then ok "--full shows the whole passage"
else nok "--full shows the whole passage" "$(cat "$T/out")"; fi

# --- plain output: a short Q&A answer is still shown whole ---
run "$Q" ask --db "$DB" --top 1 "where does the pelican colony nest"
expect_rc "ask, a Q&A record first" 0
if grep -q "Zebras graze" "$T/out" && grep -q "salt marsh" "$T/out" && ! grep -q "…" "$T/out"
then ok "a 314-byte Q&A answer is shown whole"
else nok "a 314-byte Q&A answer is shown whole" "$(cat "$T/out")"; fi

# --- JSON: "kind" on every result ---
# kinds_are FILE EXPECTED: the results' "id:kind" pairs, space separated
kinds_are() {
	got=$(jq -r '[.results[] | .id + ":" + (.kind // "none")] | join(" ")' "$1" 2>&1)
	if [ "$got" = "$3" ]; then ok "$2"; else nok "$2" "got '$got', want '$3'"; fi
}
run "$Q" ask --db "$DB" --json --top 2 "where does the flamingo colony nest"
kinds_are "$T/out" "ask --json: kind passage, then qa" "notes.txt:3:passage p1:qa"
run "$Q" ask --db "$DB" --json --top 2 "where does the pelican colony nest"
kinds_are "$T/out" "ask --json: kind qa, then passage" "p1:qa notes.txt:3:passage"
printf 'pelican colony\n/sources\n' >"$T/in"
"$Q" chat --db "$DB" --json <"$T/in" >"$T/out" 2>"$T/err"
tail -n 1 "$T/out" >"$T/last"
kinds_are "$T/last" "chat /sources --json: kind on each source" "p1:qa notes.txt:3:passage"

# --- the kind follows the reading of each file, --update included ---
cat >"$C/guide.md" <<'EOF'
# What is a heron?

A heron is a wading bird with a long neck that fishes in shallow water.
EOF
DB2="$T/m.db"
run "$Q" index -q --db "$DB2" "$C/guide.md"; expect_rc "index Markdown with a question" 0
run "$Q" ask --db "$DB2" --json --top 1 "heron wading bird"
kinds_are "$T/out" "Markdown read as Q&A: kind qa" "1:qa"
run "$Q" index -q --db "$DB2" --as passages "$C/guide.md"
expect_rc "index the same file --as passages" 0
run "$Q" ask --db "$DB2" --json --top 1 "heron wading bird"
id=$(jq -r '.results[0].id' "$T/out")
kinds_are "$T/out" "Markdown read as passages: kind passage" "$id:passage"
run "$Q" index -q --db "$DB2" --update "$C/notes.txt"; expect_rc "--update adds prose" 0
run "$Q" ask --db "$DB2" --json --top 1 "flamingo colony soda lake"
kinds_are "$T/out" "a passage added by --update: kind passage" "notes.txt:3:passage"
