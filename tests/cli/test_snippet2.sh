#!/bin/sh
# test_snippet2.sh - the snippet's second fragment as users and scripts see
# it: the best window first, then " … " and the best window of the rest;
# JSON highlights that are byte offsets into the whole snippet (past the
# ellipsis and a non-ASCII letter) and spell the query's words in both
# fragments; the same text in plain output, bold on a terminal in both
# fragments and never with NO_COLOR; a passage whose best window is its
# start runs on instead, with no ellipsis inside.
. tests/cli/lib.sh
C="$T/corpus" DB="$T/s.db" ESC=$(printf '\033')
mkdir -p "$C"
# A long answer (shown as its snippet): the query's three words in one
# sentence, then five sentences without them, then one of them again.
python3 - "$C/reserve.jsonl" <<'PY'
import json, sys
a = ("The reserve lies on a high plateau between two wide rivers. "
     "Its grassland is grazed by large herds through the dry months. "
     "Rangers count the animals from light aircraft twice a year. "
     "Fences were taken down along the eastern edge long ago. "
     "Old tracks still cross the hills where the first camps stood. "
     "The migration of the wildebeest begins when the first rains fall in the south. "
     "Calves are born on the short-grass plains in February. "
     "Predators gather along the route and follow the herds for weeks. "
     "Tourists visit mostly in July and August, when the river crossings draw crowds. "
     "Guides at the gate serve the best coffee for miles around. "
     "Nobody remembers who first planted the fig trees by the lodge. "
     "Elephants keep to the swamps in the west and rarely leave them. "
     "A school for the children of the staff opened near the airstrip. "
     "Hot springs by the caf\u00e9 in the north draw flamingos after the floods. "
     "Late in the year the rains bring the wildebeest back north. "
     "Visitors need a permit.")
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "herds", "question": "The reserve", "answer": a},
                       ensure_ascii=False) + "\n")
PY
# Prose whose first sentence holds the query's words: one passage.
cat >"$C/notes.txt" <<'TXT'
Notes

Zebra stripes confuse biting flies, field trials suggest. Herds move slowly while the grass
is still wet with dew, and the young stay close to their mothers. Lions watch from the shade of
the acacia trees and wait for the heat of the day to pass. The rains come late in the season
and the rivers rise within a few days. Wildebeest follow the rains north in long columns.
Calving happens on the southern plains early in the year, and hyenas follow the herds.
Elephants keep to the swamps in the west and rarely leave them in the dry season. A school
for the children of the staff opened near the airstrip. Hot springs in the north draw
flamingos after the floods.
TXT
run "$Q" index -q --db "$DB" "$C/reserve.jsonl" "$C/notes.txt"
expect_rc "index the fixture" 0

Qn="when does the wildebeest migration begin"
# --- JSON: two fragments, highlights in both, byte offsets ---
run "$Q" ask --db "$DB" --json --top 1 "$Qn"
expect_rc "ask --json" 0
if python3 - "$T/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))["results"][0]
s = r["snippet"]
assert r["id"] == "herds", r["id"]
first, second = s.split(" \u2026 ")  # exactly one ellipsis between
assert first == ("\u2026 The migration of the wildebeest begins when the "
                 "first rains fall in the south." + first.split("south.")[1]), s
assert "Tourists" in first and "Guides" not in s, s
assert "rains bring the wildebeest back north. Visitors need a permit." in second, s
assert second.startswith("Elephants") or second.startswith("A school"), s
b = s.encode("utf-8")
words, cut = [], len((first + " \u2026 ").encode("utf-8"))
for start, length in r["highlights"]:
    assert 0 <= start and length > 0 and start + length <= len(b), r["highlights"]
    words.append((start >= cut, b[start:start + length].decode("utf-8").lower()))
assert words == [(False, "migration"), (False, "wildebeest"), (False, "begins"),
                 (True, "wildebeest")], words
# the last mark is a byte offset: two ellipses and "café" before it take
# two and one bytes more than their characters
last = r["highlights"][-1][0]
assert last == s.rindex("wildebeest") + 2 + 2 + 1, (last, s.rindex("wildebeest"))
PY
then ok "JSON: best window, ' … ', second fragment; byte-offset highlights in both"
else nok "JSON second fragment and highlights" "$(head -c 900 "$T/out")"; fi

# --- plain output in a pipe: the same snippet, no escapes ---
run "$Q" ask --db "$DB" --top 1 "$Qn"
if grep -q "^   … The migration of the wildebeest begins .* crowds\. … .*rains bring the wildebeest back north\. Visitors need a permit\.$" "$T/out" &&
	! grep -q "$ESC" "$T/out"; then
	ok "plain output: both fragments, no escapes"
else nok "plain output: both fragments" "$(head -c 900 "$T/out")"; fi

# --- a terminal: bold words in both fragments; none with NO_COLOR ---
if ! command -v script >/dev/null 2>&1; then
	nok "terminal checks need script(1) (bsdutils)"
else
	script -qc "COLUMNS=2000 \"$Q\" ask --db \"$DB\" --top 1 \"$Qn\"" /dev/null >"$T/tty" 2>&1
	if grep -q "The ${ESC}\[1mmigration${ESC}\[0m of the ${ESC}\[1mwildebeest${ESC}\[0m ${ESC}\[1mbegins${ESC}\[0m when" "$T/tty" &&
		grep -q "… .*rains bring the ${ESC}\[1mwildebeest${ESC}\[0m back north" "$T/tty" &&
		! grep -q "${ESC}\[1mrains" "$T/tty"; then
		ok "terminal: the query's words bold in both fragments"
	else nok "terminal: bold in both fragments" "$(od -c "$T/tty" | head -c 900)"; fi
	NO_COLOR=1 script -qc "COLUMNS=2000 \"$Q\" ask --db \"$DB\" --top 1 \"$Qn\"" /dev/null >"$T/tty" 2>&1
	if grep -q "crowds\. … .*the wildebeest back north" "$T/tty" && ! grep -q "$ESC" "$T/tty"
	then ok "terminal with NO_COLOR: both fragments, no bold"
	else nok "NO_COLOR: no bold" "$(od -c "$T/tty" | head -c 600)"; fi
fi

# --- a best window at the passage's start runs on: no ellipsis inside ---
run "$Q" ask --db "$DB" --json --top 1 "do zebra stripes confuse flies"
if python3 - "$T/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))["results"][0]
s = r["snippet"]
assert r["kind"] == "passage", r
assert s.startswith("Zebra stripes confuse biting flies"), s
assert s.endswith("\u2026") and s.count("\u2026") == 1, s
assert 280 < len(s) <= 280 + 280 + 2, len(s)
assert len(s) < len(r["answer"]), s
PY
then ok "a best window at the start runs on past the first bound, one ellipsis"
else nok "first window at the start runs on" "$(head -c 900 "$T/out")"; fi
