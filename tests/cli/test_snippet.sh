#!/bin/sh
# test_snippet.sh - snippets and highlights as users and scripts see them:
# the JSON fields (byte offsets that spell the query's words), the snippet
# in plain output for a long answer and the whole text for a short one or
# with --full, bold matched words only on a terminal and never with
# NO_COLOR, and citation labels unique within an LLM request.
. tests/cli/lib.sh
# (the fixture's rankings are BM25's: word vectors put the short record on
# dropout first for "dropout regularization method", which --full needs)
export QUARRY_VECTORS=

ESC=$(printf '\033')
C="$T/corpus"
mkdir -p "$C"
# A long answer (over 600 bytes) with the query's words in its middle
# sentence; a short one; a non-ASCII one (byte offsets are not characters).
python3 - "$C/long.jsonl" <<'EOF'
import json, sys
filler = ("Zebras graze on the open plain every single morning of the year. "
          "Herds move slowly while the grass is still wet with dew. ")
long = (filler * 3 + "Dropout is a regularization method that randomly "
        "drops units while a network trains. " + filler * 3).strip()
recs = [
    {"id": "long", "question": "Grazing herds", "answer": long},
    {"id": "short", "question": "What is dropout regularization?",
     "answer": "Dropout\nis a regularization trick."},
    {"id": "utf8", "question": "Caf\u00e9 na\u00efve",
     "answer": "Un caf\u00e9 tr\u00e8s na\u00eff: dropout \u00e9t\u00e9 "
               "regularization."},
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
EOF
DB="$T/s.db"
run "$Q" index --db "$DB" "$C/long.jsonl"; expect_rc "index the fixture" 0

# --- JSON: snippet and highlights, byte offsets into the snippet ---
run "$Q" ask --db "$DB" --json --top 3 "dropout regularization"
expect_rc "ask --json" 0
if python3 - "$T/out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))["results"]
assert len(r) == 3, len(r)
byid = {x["id"]: x for x in r}
for x in r:
    s = x["snippet"].encode("utf-8")
    assert isinstance(x["highlights"], list) and x["highlights"], x
    words = []
    for start, length in x["highlights"]:
        assert 0 <= start and length > 0 and start + length <= len(s), x
        words.append(s[start:start + length].decode("utf-8").lower())
    assert set(words) == {"dropout", "regularization"}, words
lg = byid["long"]
assert len(lg["snippet"]) < len(lg["answer"]), lg["snippet"]
assert "Dropout is a regularization method" in lg["snippet"], lg["snippet"]
assert lg["snippet"].startswith("\u2026 "), lg["snippet"]
assert byid["short"]["snippet"] == "Dropout is a regularization trick."
# offsets are bytes: the accented letters before "dropout" count two each
u = byid["utf8"]
assert u["snippet"].encode()[u["highlights"][0][0]:].startswith(b"dropout")
assert u["highlights"][0][0] != u["snippet"].index("dropout")
EOF
then ok "JSON snippet and byte-offset highlights spell the query words"
else nok "JSON snippet and highlights" "$(head -c 600 "$T/out")"; fi

# --- plain output in a pipe: the long answer's snippet, no escapes ---
run "$Q" ask --db "$DB" --top 3 "dropout regularization"
if grep -q "^   … Dropout is a regularization method" "$T/out" &&
	! grep -q "^   Zebras graze" "$T/out" &&
	grep -q "^   Dropout$" "$T/out" && grep -q "^   is a regularization trick.$" "$T/out"; then
	ok "plain output: a long answer shows its snippet, a short one its own lines"
else nok "plain output snippet" "$(head -c 600 "$T/out")"; fi
if grep -q "$ESC" "$T/out"; then nok "no escapes in a pipe"; else ok "no escapes in a pipe"; fi

# --- --full: the whole text ---
run "$Q" ask --db "$DB" --top 1 --full "dropout method that randomly drops units"
expect_rc "ask --full" 0
if grep -q "^   Zebras graze.*Dropout is a regularization method.*dew\.$" "$T/out" &&
	! grep -q "…" "$T/out"; then ok "--full shows the whole answer"
else nok "--full shows the whole answer" "$(head -c 600 "$T/out")"; fi
printf 'dropout method that randomly drops units\n' | "$Q" chat --db "$DB" --full >"$T/out" 2>"$T/err"
if grep -q "^   Zebras graze.*Dropout is a regularization method.*dew\.$" "$T/out"
then ok "chat --full shows the whole answer"; else nok "chat --full" "$(head -c 600 "$T/out")"; fi

# --- a terminal: matched words bold, in snippets and whole answers ---
if ! command -v script >/dev/null 2>&1; then
	nok "terminal checks need script(1) (bsdutils)"
else
	script -qc "COLUMNS=200 \"$Q\" ask --db \"$DB\" --top 3 \"dropout regularization\"" \
		/dev/null >"$T/tty" 2>&1
	# the snippet line and the short answer, each with both words bold
	if grep -q "Dropout${ESC}\[0m is a ${ESC}\[1mregularization${ESC}\[0m method" "$T/tty" &&
		grep -q "${ESC}\[1mDropout${ESC}\[0m$(printf '\r')*\$" "$T/tty" &&
		grep -q "is a ${ESC}\[1mregularization${ESC}\[0m trick" "$T/tty" &&
		! grep -q "${ESC}\[1mZebras" "$T/tty"; then
		ok "terminal: the query's words bold, nothing else"
	else nok "terminal: bold words" "$(od -c "$T/tty" | head -c 900)"; fi
	NO_COLOR=1 script -qc "\"$Q\" ask --db \"$DB\" --top 3 \"dropout regularization\"" \
		/dev/null >"$T/tty" 2>&1
	if grep -q "Dropout is a regularization method" "$T/tty" && ! grep -q "$ESC" "$T/tty"
	then ok "terminal with NO_COLOR: the snippet, no bold"
	else nok "NO_COLOR: no bold" "$(od -c "$T/tty" | head -c 600)"; fi
fi

# --- LLM citation labels: unique within a request ---
"$Q" ask --llm --dry-run dropout >/dev/null 2>"$T/err"
if grep -q 'without LLM support' "$T/err"; then
	run "$Q" ask --llm dropout; expect_rc "WITH_LLM=0: --llm falls back to the answer" 0
	exit 0
fi
# two files, each with its question 2 about the same thing
printf '%s\n' '1. What is alpha?' 'Ans: The first letter.' '2. What is a kernel trick?' \
	'Ans: A kernel trick maps data implicitly.' >"$C/a.txt"
printf '%s\n' '1. What is beta?' 'Ans: The second letter.' '2. Why use a kernel trick?' \
	'Ans: The kernel trick avoids explicit features.' >"$C/b.txt"
DB2="$T/two.db"
run "$Q" index --db "$DB2" "$C/a.txt" "$C/b.txt"; expect_rc "index two numbered files" 0
run "$Q" ask --db "$DB2" --top 2 --dry-run "kernel trick"
if python3 - "$T/out" <<'EOF'
import json, re, sys
ctx = json.load(open(sys.argv[1]))["messages"][-1]["content"]
labels = re.findall(r"^\[(\d+)\] (\S+)$", ctx, re.M)
assert [l for l, _ in labels] == ["1", "2"], ctx
locs = sorted(re.sub(r".*/", "", w) for _, w in labels)
assert locs == ["a.txt:3", "b.txt:3"], labels
EOF
then ok "--dry-run: entries labelled 1 and 2, each with its file:line"
else nok "--dry-run labels" "$(head -c 600 "$T/out")"; fi

python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$T"' EXIT
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
export QUARRY_LLM_URL="http://127.0.0.1:$(head -n 1 "$T/port")/v1"
QUARRY_LLM_MODEL=plain run "$Q" ask --db "$DB2" --top 2 --llm "kernel trick"
expect_rc "ask --llm over two files" 0
if [ "$(grep -c '^  \[1\] ' "$T/out")" -eq 1 ] && [ "$(grep -c '^  \[2\] ' "$T/out")" -eq 1 ] &&
	grep -q '^  \[1\] .*/[ab]\.txt #2 (line 3)' "$T/out" &&
	grep -q '^  \[2\] .*/[ab]\.txt #2 (line 3)' "$T/out"; then
	ok "Sources: [1] and [2] once each, for the two files' question 2"
else nok "Sources labels unique" "$(cat "$T/out")"; fi
