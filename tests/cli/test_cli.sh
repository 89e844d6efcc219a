#!/bin/sh
# test_cli.sh - behaviour of quarry's commands: exit codes, stdin batch mode,
# the JSON contract, colour, output errors, bad input.
. tests/cli/lib.sh

# --- help, version, usage ---
run "$Q" --version; expect_rc "--version" 0; expect_out "--version prints it" '^quarry [0-9]'
run "$Q" --help; expect_rc "--help" 0; expect_out "--help documents exit codes" '4  I/O error'
for c in ask index stats eval chat; do
	run "$Q" $c --help; expect_rc "$c --help" 0
done
run "$Q"; expect_rc "no command" 2
run "$Q" frobnicate; expect_rc "unknown command" 2; expect_err "unknown command message" "unknown command 'frobnicate'"
run "$Q" ask --top 0 dropout; expect_rc "ask --top 0" 2; expect_err "--top 0 message" 'top'
run "$Q" ask --bogus dropout; expect_rc "unknown option" 2
run "$Q" ask "   "; expect_rc "empty question" 2; expect_err "empty question message" 'empty question'
run "$Q" index; expect_rc "index without path" 2

# --- answering from the bundled corpus ---
run "$Q" ask "what is dropout"; expect_rc "ask answers" 0
expect_out "plain output cites source and number" 'corpus/deep-learning-interview-qa.txt #18'
if grep -q "$(printf '\033')" "$T/out"; then nok "no colour in a pipe"; else ok "no colour in a pipe"; fi
run "$Q" ask --json "what is dropout"
if jq -e '.query == "what is dropout" and .results[0].id == "18" and .results[0].rank == 1 and (.results[0].score|type) == "number" and .results[0].source == "corpus/deep-learning-interview-qa.txt" and (.results[0].line|type) == "number" and (.results[0].answer|test("regularization"))' "$T/out" >/dev/null; then ok "JSON contract"; else nok "JSON contract" "$(head -c 300 "$T/out")"; fi
run "$Q" ask --json --top 5 "gradient"
if [ "$(jq '.results|length' "$T/out")" = 5 ] && jq -e '[.results[].score] == ([.results[].score]|sort|reverse)' "$T/out" >/dev/null; then ok "--top 5 gives 5 results, best first"; else nok "--top 5"; fi
run "$Q" ask --json "xyzzyq plugh"; expect_rc "nothing matched" 1
if jq -e '.results == [] and .answered == false' "$T/out" >/dev/null; then ok "no-match JSON"; else nok "no-match JSON" "$(cat "$T/out")"; fi

# --- stdin batch mode: one object per line, in order ---
printf 'what is a GAN\n\nexplain PCA\nwhat is backpropagation\n' >"$T/qs"
run sh -c "\"$Q\" ask --json --top 1 < \"$T/qs\""; expect_rc "batch" 0
if [ "$(jq -r '.query' "$T/out" | tr '\n' '|')" = "what is a GAN|explain PCA|what is backpropagation|" ]; then ok "batch keeps input order, skips blank lines"; else nok "batch order" "$(cat "$T/out")"; fi
if [ "$(jq -r '.results[0].id' "$T/out" | tr '\n' ' ')" = "78 56 8 " ] || [ "$(jq -r '.results[0].id' "$T/out" | sed -n 2p)" = 56 ]; then ok "batch answers"; else nok "batch answers" "$(jq -c '[.query,.results[0].id]' "$T/out")"; fi
printf 'what is dropout\r\n' >"$T/crlf"
run sh -c "\"$Q\" ask --json < \"$T/crlf\""; if jq -e '.query == "what is dropout"' "$T/out" >/dev/null; then ok "CRLF question lines"; else nok "CRLF question lines"; fi
run sh -c "printf '' | \"$Q\" ask"; expect_rc "empty stdin" 2
printf 'drop\377out regularization\n' >"$T/bad"
run sh -c "\"$Q\" ask --json < \"$T/bad\""; expect_rc "invalid UTF-8 question" 0; expect_err "invalid UTF-8 warning names the line" 'stdin:1: invalid UTF-8 replaced'
head -c 1048576 /dev/zero | tr '\0' 'a' >"$T/big"; printf ' dropout\n' >>"$T/big"
# (half the question is a word the index lacks: declined, not an error)
run sh -c "\"$Q\" ask --json < \"$T/big\""; expect_rc "1 MB question line" 1

# --- colour: only on a terminal, never with NO_COLOR ---
if command -v script >/dev/null 2>&1; then
	script -qc "\"$Q\" ask dropout" /dev/null >"$T/tty" 2>&1
	if grep -q "$(printf '\033')\[" "$T/tty"; then ok "colour on a terminal"; else nok "colour on a terminal"; fi
	NO_COLOR=1 script -qc "\"$Q\" ask dropout" /dev/null >"$T/tty" 2>&1
	if grep -q "$(printf '\033')\[" "$T/tty"; then nok "NO_COLOR honoured"; else ok "NO_COLOR honoured"; fi
fi
run env COLUMNS=40 "$Q" ask dropout
if awk '/^   / && length > 40 { bad = 1 } END { exit bad }' "$T/out" && [ "$(wc -l <"$T/out")" -gt 4 ]; then ok "COLUMNS wraps answers at 40"; else nok "COLUMNS wraps"; fi

# --- output errors ---
if [ -w /dev/full ]; then
	"$Q" ask dropout >/dev/full 2>"$T/err"; rc=$?
	expect_rc "ask > /dev/full" 4; expect_err "/dev/full message" 'write error'
	"$Q" ask --json dropout >/dev/full 2>"$T/err"; rc=$?
	expect_rc "ask --json > /dev/full" 4
fi

# --- indexing user documents ---
mkdir -p "$T/docs/sub"
cat >"$T/docs/faq.jsonl" <<'J'
{"id": "pw", "question": "How do I reset my password?", "answer": "Open settings and choose reset."}
{"id": "vpn", "question": "How do I connect to the VPN?", "answer": "Install the client and sign in."}
J
printf '# Where is the office?\nOn the third floor.\n' >"$T/docs/sub/notes.md"
run "$Q" index --db "$T/u.db" "$T/docs"; expect_rc "index a directory of mixed files" 0
expect_err "index summary line" 'indexed 3 records'
run "$Q" ask --db "$T/u.db" --json "vpn connection"
if jq -e '.results[0].id == "vpn" and (.results[0].source|endswith("faq.jsonl")) and .results[0].line == 2' "$T/out" >/dev/null; then ok "user index answers with id, source, line"; else nok "user index answers" "$(cat "$T/out")"; fi
run "$Q" stats --db "$T/u.db"; expect_rc "stats" 0; expect_out "stats counts records" 'records: +3'
echo '{"question": "new?", "answer": "yes"}' >>"$T/docs/faq.jsonl"; touch -d '+1 minute' "$T/docs/faq.jsonl"
run "$Q" ask --db "$T/u.db" "vpn"; expect_rc "changed source still answers" 0; expect_err "changed source warning" 'faq.jsonl changed since it was indexed; run quarry index --db .*u.db --update'

# --- bad input loses nothing ---
cp "$T/u.db" "$T/u.before"
run "$Q" index --db "$T/u.db" "$T/missing.txt"; expect_rc "missing path" 4; expect_err "missing path message" 'missing.txt'
cmp -s "$T/u.db" "$T/u.before" && ok "index intact after missing path" || nok "index intact after missing path"
: >"$T/empty.txt"
run "$Q" index --db "$T/u.db" "$T/empty.txt"; expect_rc "empty file" 3; expect_err "empty file message" 'empty'
head -c 4096 /dev/urandom >"$T/bin.dat"; printf '\0\0\0' >>"$T/bin.dat"
run "$Q" index --db "$T/u.db" "$T/bin.dat"; expect_rc "binary file" 3
printf 'just some prose without any questions\n' >"$T/prose.txt"
run "$Q" index --as qa --db "$T/u.db" "$T/prose.txt"; expect_rc "no Q&A records" 3; expect_err "no records message" 'no Q&A records'
cmp -s "$T/u.db" "$T/u.before" && ok "index intact after bad data" || nok "index intact after bad data"
ls "$T"/u.db.tmp-* >/dev/null 2>&1 && nok "no temporary files left" || ok "no temporary files left"
mkdir -p "$T/ro"; chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	run "$Q" index --db "$T/ro/x.db" "$T/docs"; expect_rc "unwritable index location" 4
fi
run "$Q" index --db /proc/nope/x.db "$T/docs"; expect_rc "unwritable index location" 4; expect_err "unwritable message" 'cannot create /proc/nope'
printf 'SQLite format 3\000garbage garbage garbage' >"$T/corrupt.db"
run "$Q" ask --db "$T/corrupt.db" dropout; expect_rc "corrupt --db" 3; expect_err "corrupt message" 'corrupt.db'
sqlite3 "$T/foreign.db" 'create table t(x); insert into t values(1);'
run "$Q" ask --db "$T/foreign.db" dropout; expect_rc "foreign --db" 3; expect_err "foreign message" 'not a quarry index'
run "$Q" ask --db "$T/nonexistent.db" dropout; expect_rc "missing --db" 4

# --- the bundled index rebuilds itself when the embedded corpus changed ---
db="$XDG_CACHE_HOME/quarry/index.db"
sqlite3 "$db" "update meta set value='0000000000000000' where key='bundled_hash'; delete from docs;"
run "$Q" ask --json dropout
if jq -e '.results[0].id == "18"' "$T/out" >/dev/null; then ok "stale bundled index rebuilt"; else nok "stale bundled index rebuilt" "$(head -c 200 "$T/err")"; fi

# --- knowing when there is no answer ---
run "$Q" ask --json "how do i reset my router password"; expect_rc "unanswerable question declined" 1
if jq -e '.answered == false and (.results|length) > 0' "$T/out" >/dev/null; then ok "declined JSON keeps candidates"; else nok "declined JSON keeps candidates" "$(head -c 300 "$T/out")"; fi
run "$Q" ask "how do i reset my router password"; expect_out "declined plainly" 'no good answer'
if grep -q '^1\..*uncertain' "$T/out"; then ok "candidates marked uncertain without --top"; else nok "candidates marked uncertain without --top"; fi
run "$Q" ask --top 2 "how do i reset my router password"; expect_out "--top lists nearest candidates" '^2\. '
run "$Q" ask --json --threshold 0 "how do i reset my router password"; expect_rc "--threshold 0 answers" 0
run "$Q" ask --threshold 2 dropout; expect_rc "--threshold out of range" 2
run "$Q" ask --json "what is dropout"
if jq -e '.answered == true and ([.results[].confidence] | all(. >= 0 and . <= 1))' "$T/out" >/dev/null; then ok "confidence in [0, 1]"; else nok "confidence in [0, 1]"; fi
run "$Q" ask --explain "how does backprop work"; expect_out "--explain names expansions" "prefix of 'backprop'"
expect_out "--explain shows term scores" 'backpropag=[0-9]'

# --- the word list: only words that are not words are respelled ---
printf 'thing\nworld\nwhats\ndeep\n' >"$T/words"
run env QUARRY_DICT="$T/words" "$Q" ask --explain --threshold 0 "what is the world of deep lerning"
expect_out "a misspelling is respelled" "learn \(spelling of 'lerning'"
if grep -q "spelling of 'world'" "$T/out"; then nok "a word of the list is not respelled" "$(head -c 300 "$T/out")"; else ok "a word of the list is not respelled"; fi
run env QUARRY_DICT= "$Q" ask --explain --threshold 0 "what is the world of deep lerning"
expect_out "QUARRY_DICT empty: no list, any word may be respelled" "spelling of 'world'"
run env QUARRY_DICT="$T/no-such-words" "$Q" ask --threshold 0 "what is the world of deep lerning"
expect_rc "an unreadable QUARRY_DICT still answers" 0
expect_err "an unreadable QUARRY_DICT: one warning" "warning: QUARRY_DICT='.*no-such-words' ignored: No such file"
run "$Q" ask --json --explain --top 1 "what is a CNN"
if jq -e '[.results[0].explain[] | select(.origin == "acronym")] | length > 0' "$T/out" >/dev/null; then ok "acronym expansion learned from the corpus"; else nok "acronym expansion" "$(head -c 300 "$T/out")"; fi
run "$Q" ask --json --explain --top 1 --feedback 0.5 "how does dropout prevent overfitting in networks"
if jq -e '[.results[0].explain[] | select(.origin == "feedback")] | length > 0 and all(.word == "")' "$T/out" >/dev/null; then ok "--feedback terms named as such in the JSON, from no word of the user's"; else nok "--feedback terms in the JSON" "$(head -c 300 "$T/out")"; fi
run "$Q" ask --explain --top 1 --feedback 0.5 "how does dropout prevent overfitting in networks"
expect_out "--explain names feedback terms" "[(]feedback, weight 0.5[)]"
run "$Q" ask --explain --top 1 "which regularization gives sparse weights"
expect_out "--explain names a derivation the stemmer leaves apart" "sparsiti .variant of 'sparse', weight 0.5"
run "$Q" ask --json --explain --top 1 "how is a CNN different from a feed-forward network"
if jq -e '[.results[0].explain[] | select(.origin == "joined" and .word == "feed-forward" and .term == "feedforward")] | length == 1' "$T/out" >/dev/null; then ok "a hyphenated word finds its closed-up form (JSON origin joined)"; else nok "hyphenated word closed up" "$(head -c 300 "$T/out")"; fi
run "$Q" ask --json --model tfidf "what is dropout"
if jq -e '.results[0].id == "18"' "$T/out" >/dev/null; then ok "--model tfidf ranks"; else nok "--model tfidf ranks"; fi
