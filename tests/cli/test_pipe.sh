#!/bin/sh
# test_pipe.sh - one ranking pipeline and one decline rule for every
# command, one JSON writer for ask and chat:
# - eval's decline counts are what ask --json says, question by question;
# - chat ranks and declines as ask does (each question on a fresh topic);
# - "tell me more" in chat shows the next answer even below the threshold;
# - chat --json /sources keeps a source path that is not valid UTF-8
#   (repaired to U+FFFD), as ask --json does.
. tests/cli/lib.sh
export LC_ALL=C

DEV=tests/devset
run "$Q" index -q --db "$T/dev.db" "$DEV/corpus.jsonl"
expect_rc "index the devset" 0
jq -r .text "$DEV/queries.jsonl" >"$T/q.txt"
jq -r ._id "$DEV/queries.jsonl" >"$T/ids.txt"

# ask: answered or declined, per question, with the query id and whether
# it is judged (has qrels lines, i.e. is answerable)
run "$Q" ask --json --db "$T/dev.db" <"$T/q.txt"
expect_rc "ask over the devset questions" 0
cp "$T/out" "$T/ask.json"
jq -r 'if .answered then "answered" else "declined" end' "$T/ask.json" >"$T/verdict.txt"
cut -f1 "$DEV/qrels/test.tsv" | sort -u >"$T/judged.txt"
paste "$T/ids.txt" "$T/verdict.txt" | sort >"$T/byid.txt"
ans=$(join "$T/byid.txt" "$T/judged.txt" | grep -c ' declined$')
nans=$(join "$T/byid.txt" "$T/judged.txt" | wc -l)
una=$(join -v1 "$T/byid.txt" "$T/judged.txt" | grep -c ' declined$')
nuna=$(join -v1 "$T/byid.txt" "$T/judged.txt" | wc -l)
run "$Q" eval --no-fts5 "$DEV"
want="declined at threshold 0.34 in devset: answerable $ans/$nans .*unanswerable $una/$nuna "
if [ "$nans" -gt 0 ] && [ "$nuna" -gt 0 ] && [ "$una" -gt 0 ] && grep -Eq "$want" "$T/out"; then
	ok "eval declines the questions ask declines ($ans/$nans, $una/$nuna)"
else
	nok "eval declines the questions ask declines" \
		"ask: $ans/$nans, $una/$nuna; eval: $(grep declined "$T/out")"
fi

# chat, with /reset before each question so that none is a follow-up:
# the questions it searches as typed get ask's verdict and ask's results
sed 's|^|/reset\n|' "$T/q.txt" >"$T/chat.in"
run "$Q" chat --json --top 3 --db "$T/dev.db" <"$T/chat.in"
expect_rc "chat over the devset questions" 0
jq -c 'select(.query) | select(.resolved == .query) | [.query, .answered, [.results[].id]]' \
	"$T/out" | sort >"$T/chat.cmp"
jq -c '[.query, .answered, [.results[].id]]' "$T/ask.json" | sort >"$T/ask.cmp"
same=$(comm -12 "$T/chat.cmp" "$T/ask.cmp" | wc -l)
total=$(wc -l <"$T/chat.cmp")
if [ "$total" -gt 200 ] && [ "$same" -eq "$total" ]; then
	ok "chat ranks and declines as ask does ($same questions)"
else
	nok "chat ranks and declines as ask does" \
		"$same of $total agree; $(comm -23 "$T/chat.cmp" "$T/ask.cmp" | head -3)"
fi

# tell me more: answered whatever the threshold, while the question
# itself is declined at it (the default)
printf 'dropout in quantum chemistry\ntell me more\n' >"$T/more.in"
run "$Q" chat --json --db "$T/dev.db" <"$T/more.in"
if jq -se 'length == 2 and (.[0].answered | not)
	and .[1].answered and (.[1].results | length) == 1
	and .[1].results[0].id != .[0].results[0].id' "$T/out" >/dev/null 2>&1; then
	ok "tell me more: the next answer, even below the threshold"
else
	nok "tell me more below the threshold" "$(head -c 400 "$T/out")"
fi

# a source path that is not UTF-8: ask and chat (turn and /sources) keep
# it, repaired
bad=$(printf 'caf\351.txt')
mkdir -p "$T/u8"
{ printf '1. What is dropout?\nAns: Dropout ignores random neurons.\n\n'
  printf '2. What is a GAN?\nAns: Two networks compete.\n'; } >"$T/u8/$bad"
run "$Q" index --db "$T/u8.db" "$T/u8/$bad"
if [ "$rc" -eq 0 ] && grep -q 'indexed 2 records' "$T/err"; then
	ok "index a file whose name is not UTF-8"
else
	nok "index a file whose name is not UTF-8" "exit $rc; $(head -c 300 "$T/err")"
fi
run "$Q" ask --json --db "$T/u8.db" "what is dropout"
expect_rc "ask, a source name that is not UTF-8" 0
if jq -e '.results[0].source | endswith("caf\ufffd.txt")' "$T/out" >/dev/null 2>&1; then
	ok "ask --json: the source name repaired"
else
	nok "ask --json: the source name repaired" "$(head -c 300 "$T/out")"
fi
printf 'what is dropout\n/sources\n' >"$T/src.in"
run "$Q" chat --json --db "$T/u8.db" <"$T/src.in"
expect_rc "chat /sources, a source name that is not UTF-8" 0
if [ ! -s "$T/err" ] && jq -se 'length == 2 and .[1].command == "sources"
	and (.[0].results[0].source | endswith("caf\ufffd.txt"))
	and (.[1].results[0].source == .[0].results[0].source)
	and (.[1].results[0] | keys) == ["id", "kind", "line", "question", "rank", "score", "source"]' \
	"$T/out" >/dev/null 2>&1; then
	ok "chat --json /sources: the source name repaired, the short form"
else
	nok "chat --json /sources with a source name that is not UTF-8" \
		"out: $(head -c 300 "$T/out"); err: $(head -c 200 "$T/err")"
fi
