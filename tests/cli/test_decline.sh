#!/bin/sh
# test_decline.sh - the calibrated decline rule: the coefficients in
# retrieval/rank.h are what tests/quality/fit_decline.py fits on the
# devset's features (quarry eval --features), the default threshold is the
# one it chooses, and ask follows the rule at the edges.
. tests/cli/lib.sh
unset QUARRY_WORDNET

run "$Q" eval --no-fts5 --features "$T/dev.tsv" tests/devset
expect_rc "eval --features" 0
cols=$(awk -F'\t' '{print NF}' "$T/dev.tsv" | sort -u)
nf=$(sed -n '/^enum rank_feature {/,/RANK_NFEAT$/p' retrieval/rank.h | grep -c '^	RANK_F_')
if [ "$cols" = "$((nf + 4))" ] &&
	[ "$(awk -F'\t' '$3 == 1' "$T/dev.tsv" | wc -l)" -eq 223 ] &&
	[ "$(awk -F'\t' '$3 == 0 && $2 == ""' "$T/dev.tsv" | wc -l)" -eq 82 ]; then
	ok "features: one line per question, $nf features, 223 answerable, 82 not"
else
	nok "features file" "columns $cols (want $((nf + 4))); $(head -2 "$T/dev.tsv")"
fi

python3 tests/quality/fit_decline.py "$T/dev.tsv" >"$T/fit" 2>"$T/err"
want=$(grep '^#define RANK_DECLINE_COEF' "$T/fit" | sed 's/.*{//; s/}.*//; s/ //g')
have=$(sed -n '/^#define RANK_DECLINE_COEF/,/}/p' retrieval/rank.h | tr -d ' \t\\\n' | sed 's/.*{//; s/}.*//')
if [ -n "$want" ] && [ "$want" = "$have" ]; then
	ok "RANK_DECLINE_COEF is what fit_decline.py fits on the devset"
else
	nok "RANK_DECLINE_COEF refit" "fit: $want; rank.h: $have"
fi
t=$(sed -n 's/^threshold (devset answerable declined <= 3%): //p' "$T/fit")
if grep -q "^#define RANK_THRESHOLD $t\$" retrieval/run.h; then
	ok "RANK_THRESHOLD is the threshold fit_decline.py chooses ($t)"
else
	nok "RANK_THRESHOLD" "fit chooses '$t'; run.h: $(grep '^#define RANK_THRESHOLD ' retrieval/run.h)"
fi
if grep -Eq "declined at threshold $t in devset: answerable [0-6]/223 .*unanswerable (6[6-9]|7[0-9]|8[0-2])/82" "$T/out"; then
	ok "devset: at most 3% of answerable declined, over 80% of unanswerable"
else
	nok "devset decline rates" "$(grep declined "$T/out")"
fi

# the edges of the rule, and questions of the kinds the devset has
DB="$T/dev.db"
run "$Q" index -q --db "$DB" tests/devset/corpus.jsonl; expect_rc "index the devset" 0
run "$Q" ask --db "$DB" "what is dropout"; expect_rc "a plain question answered" 0
run "$Q" ask --db "$DB" "hi, how are you today"; expect_rc "chit-chat declined" 1
run "$Q" ask --db "$DB" "what is the capital of france"; expect_rc "off-topic declined" 1
run "$Q" ask --db "$DB" --threshold 1 "what is dropout"; expect_rc "--threshold 1 declines everything" 1
run "$Q" ask --db "$DB" "dropout in quantum chemistry"; expect_rc "near-topic declined" 1
run "$Q" ask --db "$DB" --threshold 0 "dropout in quantum chemistry"; expect_rc "--threshold 0 answers what matched" 0
run "$Q" ask --db "$DB" --json --threshold 0 "zyxwv qqqqq"
if [ "$rc" -eq 1 ] && jq -e '.answered == false and .results == []' "$T/out" >/dev/null; then
	ok "nothing matched: declined even at --threshold 0"
else
	nok "nothing matched at --threshold 0" "rc $rc; $(head -c 200 "$T/out")"
fi
run "$Q" eval --no-fts5 --declines tests/devset
if grep -Eq '^ *0\.00 +[0-9]+ +[0-9.]+% +0 +0\.0%$' "$T/out" &&
	grep -Eq '^ *1\.00 +82 +100\.0% +223 +100\.0%$' "$T/out"; then
	ok "eval --declines: nothing declined at 0 but what is unmatched, everything at 1"
else
	nok "eval --declines trade-off" "$(grep -A3 'threshold  unans' "$T/out")"
fi
