#!/bin/sh
# test_wordnet.sh - WordNet expansions (opt-in through QUARRY_WORDNET):
# a word the index lacks brings in what WordNet relates to it, single
# words and multi-word lemmas, only where the index holds them, below the
# user's weight; without the variable, or with a directory that is not a
# usable WordNet, quarry ranks as before.  Needs Debian's wordnet-base
# (tests/deps.sh --test installs it).
. tests/cli/lib.sh
WN=/usr/share/wordnet
if [ ! -r "$WN/index.noun" ]; then
	nok "wordnet-base installed ($WN/index.noun)" "run sh tests/deps.sh --test"
	exit 0
fi
unset QUARRY_WORDNET

mkdir -p "$T/c"
cat >"$T/c/faq.jsonl" <<'J'
{"id": "limits", "question": "What are the defects of the design?", "answer": "Each defect of the plan is listed with its fix."}
{"id": "phone", "question": "How long does a mobile phone battery last?", "answer": "About a day of use."}
{"id": "laptop", "question": "How long does a laptop battery last?", "answer": "About eight hours."}
{"id": "plan", "question": "Who wrote the design?", "answer": "The design team wrote the plan."}
J
run "$Q" index -q --db "$T/c.db" "$T/c/faq.jsonl"; expect_rc "index" 0

# a word the index lacks: its WordNet synonym ("shortcomings" -> defect)
run env QUARRY_WORDNET=$WN "$Q" ask --db "$T/c.db" --json --explain "shortcomings of the design"
[ "$rc" -le 1 ] && ok "shortcomings: ranked (exit $rc)" || nok "shortcomings: ranked" "exit $rc"
if jq -e '.results[0].id == "limits" and
	([.results[0].explain[] | select(.origin == "wordnet" and .term == "defect" and .word == "shortcomings" and .weight < 1)] | length == 1)' \
	"$T/out" >/dev/null; then
	ok "shortcomings -> defect (origin wordnet, below the user's weight)"
else
	nok "shortcomings -> defect" "$(head -c 400 "$T/out")"
fi
run env QUARRY_WORDNET=$WN "$Q" ask --db "$T/c.db" --explain "shortcomings of the design"
expect_out "--explain names the WordNet term" "defect \(wordnet of 'shortcomings', weight 0\.3\)"

# multi-word lemmas: "cellular telephone" -> "mobile phone" (both words
# indexed); without WordNet the laptop's battery ties with the phone's
run env QUARRY_WORDNET=$WN "$Q" ask --db "$T/c.db" --json --explain "cellular telephone battery"
if jq -e '.results[0].id == "phone" and
	([.results[0].explain[] | select(.origin == "wordnet") | .term] | (index(["mobil"]) != null and index(["phone"]) != null))' \
	"$T/out" >/dev/null; then
	ok "cellular telephone -> mobile phone (multi-word lemmas)"
else
	nok "cellular telephone -> mobile phone" "$(head -c 400 "$T/out")"
fi

# a related term the index lacks is not added ("shortcomings" -> "flaw"?
# the index has no "flaw"), nor anything for a word the index has
run env QUARRY_WORDNET=$WN "$Q" ask --db "$T/c.db" --json --explain "design defects"
if jq -e '[.results[].explain[]? | select(.origin == "wordnet")] | length == 0' "$T/out" >/dev/null; then
	ok "no WordNet terms for words the index holds"
else
	nok "no WordNet terms for words the index holds" "$(head -c 400 "$T/out")"
fi

# off (unset, empty, a directory that is no WordNet, damaged files): the
# same ranking as without, and no error
run "$Q" ask --db "$T/c.db" --json --explain "shortcomings of the design"
cp "$T/out" "$T/plain.json"
if jq -e '[.results[]?.explain[]? | select(.origin == "wordnet")] | length == 0' "$T/plain.json" >/dev/null; then
	ok "unset: no WordNet terms"
else
	nok "unset: no WordNet terms" "$(head -c 400 "$T/plain.json")"
fi
mkdir -p "$T/empty" "$T/damaged"
for f in index.noun index.verb index.adj index.adv data.noun data.verb data.adj data.adv; do
	head -c 3000 "$WN/$f" >"$T/damaged/$f"  # offsets point past the end
done
printf 'shortcoming n 1 1 @ 1 0 99999999\nzzz x\n' >>"$T/damaged/index.noun"
printf '99999999 07 n ff shortcoming\n' >>"$T/damaged/data.noun"
for dir in "" "$T/empty" "$T/c/faq.jsonl" "$T/damaged"; do
	run env QUARRY_WORDNET="$dir" "$Q" ask --db "$T/c.db" --json --explain "shortcomings of the design"
	if [ "$rc" -le 1 ] && [ ! -s "$T/err" ] && cmp -s "$T/out" "$T/plain.json"; then
		ok "QUARRY_WORDNET='${dir#$T/}': ranked as without it"
	else
		nok "QUARRY_WORDNET='${dir#$T/}'" "rc $rc; $(head -c 300 "$T/err")"
	fi
done
