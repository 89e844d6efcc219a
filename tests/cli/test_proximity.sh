#!/bin/sh
# test_proximity.sh - passages are reranked by how closely the question's
# words sit together: of two passages, the one that says "the volcano
# erupted" in one sentence comes before the one that BM25F prefers (it
# says "volcano" twice, then "erupt" three sentences on), and
# --proximity 0 gives BM25F's order back.  Q&A records holding the same
# texts keep BM25F's order: only passages are reranked.
. tests/cli/lib.sh
C="$T/corpus" DB="$T/p.db" QDB="$T/q.db"
ASK="when did the volcano erupt"
mkdir -p "$C"
cat >"$C/scattered.txt" <<'TXT'
Sumbawa

The volcano dominates the island of Sumbawa, and the volcano slopes are farmed by villages that
grow rice, coffee and maize. The island lies east of Lombok and west of Flores, and ferries cross
the straits every day. The coast road is paved and buses run around the island twice a day.
Walkers come each year in the dry season. Records from the colonial archives say that ash fell
for days after it began to erupt, and the harvest failed.
TXT
cat >"$C/together.txt" <<'TXT'
Tambora

Tambora is the mountain that towers over the north of the island. In April 1815 the volcano erupted
with a force heard two thousand kilometres away, and the summer that followed in Europe and North
America was the coldest in living memory. Crops failed across New England, grain prices rose in
the markets of Switzerland, and the cold and the hunger drove families west in search of new land.
Painters of the time recorded the red sunsets in their work, and writers remembered the gloom.
TXT

# ids PROXIMITY DB: the ids of the results, in order, on one line
ids() {
	"$Q" ask --db "$2" --json --top 2 --proximity "$1" "$ASK" |
		python3 -c 'import json, sys
print(" ".join(r["id"] for r in json.load(sys.stdin)["results"]))'
}

run "$Q" index -q --db "$DB" "$C/scattered.txt" "$C/together.txt"
expect_rc "index two prose files" 0
got=$(ids 0 "$DB")
if [ "$got" = "scattered.txt:3 together.txt:3" ]; then
	ok "--proximity 0: BM25F puts the passage with the scattered words first"
else
	nok "--proximity 0: BM25F puts the passage with the scattered words first" "got: $got"
fi
got=$(ids 1 "$DB")
if [ "$got" = "together.txt:3 scattered.txt:3" ]; then
	ok "--proximity 1: the passage with the words together comes first"
else
	nok "--proximity 1: the passage with the words together comes first" "got: $got"
fi
run "$Q" ask --db "$DB" "$ASK"
if [ "$(grep -m1 '^1\.' "$T/out" | grep -o "together.txt #")" = "together.txt #" ]; then
	ok "by default too (plain output)"
else
	nok "by default too (plain output)" "$(head -c 300 "$T/out")"
fi

# The same texts as Q&A records (title as question): BM25F's order stays.
python3 - "$C" "$C/qa.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for name in ("scattered", "together"):
        with open("%s/%s.txt" % (sys.argv[1], name), encoding="utf-8") as f:
            title, _, body = f.read().partition("\n\n")
        out.write(json.dumps({"id": name, "question": title,
                              "answer": " ".join(body.split())}) + "\n")
PY
run "$Q" index -q --db "$QDB" "$C/qa.jsonl"
expect_rc "index the same texts as Q&A records" 0
a=$(ids 0 "$QDB") b=$(ids 1 "$QDB")
if [ "$a" = "scattered together" ] && [ "$b" = "$a" ]; then
	ok "Q&A records are not reranked"
else
	nok "Q&A records are not reranked" "proximity 0: $a; 1: $b"
fi

run "$Q" ask --db "$DB" --proximity -1 "$ASK"
expect_rc "--proximity -1 is refused" 2
