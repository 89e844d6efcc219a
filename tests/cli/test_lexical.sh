#!/bin/sh
# test_lexical.sh - words the tool should know (issue 13): a word of the
# word list is not read as another word by completing it; spelling is
# compared with the words the records spell, not with their stems, and
# British and American spellings find each other; a
# declined question that may hold a typo says "did you mean".  Questions
# against the bundled corpus, with a small word list of our own so the
# result does not hang on the machine's.
. tests/cli/lib.sh

printf '%s\n' top ten cat net lost loss function what is a the neural network \
	>"$T/words"
export QUARRY_DICT="$T/words"

# first_q REGEX: the first result's question matches REGEX (case aside)
first_q() {
	if jq -e --arg re "$2" '.results[0].question | test($re; "i")' "$T/out" >/dev/null; then
		ok "$1"
	else
		nok "$1" "first: $(jq -c '[.answered, .results[0].question]' "$T/out")"
	fi
}
# jq_ok NAME FILTER: the JSON answer satisfies FILTER
jq_ok() {
	if jq -e "$2" "$T/out" >/dev/null; then ok "$1"; else nok "$1" "$(head -c 400 "$T/out")"; fi
}

# --- a word of the language is not completed into another at full weight ---
run "$Q" ask --json --explain "what is top"
jq_ok "'top' (a word): its completion weighs half" \
	'[.results[0].explain[] | select(.origin == "prefix") | .weight] | length > 0 and all(. <= 0.5)'
jq_ok "'what is top': confidence at most 0.5, not 1.0" '.results[0].confidence <= 0.5'
run "$Q" ask --json "what is ten"
jq_ok "'what is ten': confidence at most 0.5" '.results[0].confidence <= 0.5'
run "$Q" ask --json "what is a cat"
expect_rc "'what is a cat' is declined" 1
# without a word list, 'top' is completed as a clip would be
QUARRY_DICT= run "$Q" ask --json --explain "what is top"
jq_ok "no word list: 'top' completed at full weight" \
	'[.results[0].explain[] | select(.origin == "prefix") | .weight] | all(. == 1)'
# a word of the list that clips a term of a phrase the corpus defines an
# acronym for ("Convolutional Neural Network (CNN)") is completed in full
run "$Q" ask --json --explain "neural net definition"
jq_ok "'net' -> network at full weight (a defined phrase's word)" \
	'[.results[0].explain[] | select(.term == "network" and .origin == "prefix") | .weight] == [1]'
# a clip that is not a word is completed as before
run "$Q" ask --json "what is backprop"
expect_rc "'backprop' answered" 0
first_q "'backprop': the backpropagation record" 'backpropagation'

# --- spelling on words, not stems ---
run "$Q" ask --json "what is an activaton function"
expect_rc "'activaton function' answered" 0
first_q "'activaton function': an activation function record" 'activation function'
run "$Q" ask --json "reccurent neural network"
expect_rc "'reccurent neural network' answered" 0
first_q "'reccurent': the recurrent network record" 'recurrent|rnn'
run "$Q" ask --json --explain "optimisation"
expect_rc "British 'optimisation' answered" 0
jq_ok "'optimisation' read as 'optimization', the word itself" \
	'[.results[0].explain[] | select(.origin == "variant") | .term] == ["optim"] and .results[0].confidence == 1'
# where the records spell the word both ways, either finds both
run "$Q" ask --json --explain "regularisation"
jq_ok "'regularisation' also searches 'regularization'" \
	'[.results[0].explain[] | select(.origin == "variant") | .term] == ["regular"]'
run "$Q" ask --json --explain "regularization"
jq_ok "'regularization' also searches 'regularisation'" \
	'[.results[0].explain[] | select(.origin == "variant") | .term] == ["regularis"]'
run "$Q" ask --json "backpropogation"
first_q "'backpropogation' still fixed" 'backpropagation'
run "$Q" ask --json "dropuot"
first_q "'dropuot' still fixed" 'dropout'

# --- did you mean ---
run "$Q" ask "what is a lost function"
expect_rc "'lost function' declined" 1
if grep -qx 'quarry: did you mean: what is a loss function' "$T/err"; then
	ok "declined: 'did you mean' on stderr"
else
	nok "declined: 'did you mean' on stderr" "$(cat "$T/err")"
fi
run "$Q" ask --json "What is a LOST function?"
jq_ok "JSON: did_you_mean keeps the rest of the question" \
	'.answered == false and .did_you_mean == "What is a loss function?"'
run "$Q" ask --json "what is dropout"
jq_ok "answered: no did_you_mean" '.answered == true and (has("did_you_mean") | not)'

# --- the words table follows updates ---
mkdir -p "$T/docs"
printf '{"id": "a", "question": "How do I reset my password?", "answer": "Open the settings page."}\n' >"$T/docs/a.jsonl"
run "$Q" index -q --db "$T/u.db" "$T/docs"; expect_rc "index a small file" 0
printf '{"id": "b", "question": "Where are the configuration files?", "answer": "In the home folder."}\n' >"$T/docs/b.jsonl"
run "$Q" index -q --db "$T/u.db" --update "$T/docs"; expect_rc "update adds a file" 0
# ("configuraton" is one edit from the word, four from its stem configur)
run "$Q" ask --db "$T/u.db" --json --explain "configuraton"
jq_ok "a word added by the update is a respelling target" \
	'.results[0].id == "b" and ([.results[0].explain[] | select(.origin == "spelling") | .term] == ["configur"])'
if [ "$(sqlite3 "$T/u.db" "select stem from surface where word = 'configuration'")" = configur ]; then
	ok "surface table: word and stem"
else
	nok "surface table: word and stem" "$(sqlite3 "$T/u.db" 'select * from surface' 2>&1 | head -5)"
fi

# --- FAQ records: a long answer does not outweigh the question ---
# One record, question "alpha" (1 term), the answer's 10 words 3 times
# (30 terms, 30 times the question): the answer field weighs 12/30 of wa,
# so "omicron" (tf 3) scores idf * 1.2 * 2.2 / (1.2 + 1.2) = 0.3164
# rather than idf * 3 * 2.2 / 4.2 = 0.4521 (idf = ln(4/3), length
# normalization 1).  Answers 10 times the question keep wa: 0.2877.
W="beta gamma delta epsilon zeta theta kappa lambda omicron sigma"
printf '{"id":"x","question":"alpha","answer":"%s %s %s"}\n' "$W" "$W" "$W" >"$T/long.jsonl"
printf '{"id":"x","question":"alpha","answer":"%s"}\n' "$W" >"$T/short.jsonl"
for f in long short; do
	run "$Q" index -q --db "$T/$f.db" "$T/$f.jsonl"; expect_rc "index one $f-answer record" 0
done
run "$Q" ask --db "$T/long.db" --json "omicron"
jq_ok "answers 30x the question: the answer field weighs 12/30" \
	'.results[0].score > 0.3159 and .results[0].score < 0.3169'
run "$Q" ask --db "$T/short.db" --json "omicron"
jq_ok "answers 10x the question: the answer field keeps its weight" \
	'.results[0].score > 0.2872 and .results[0].score < 0.2882'
