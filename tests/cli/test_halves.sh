#!/bin/sh
# test_halves.sh - tests/quality/halves.py: the fixed split of a
# collection's queries by sha1(query id), and the change between two runs
# counted on the right half.
. tests/cli/lib.sh
unset QUARRY_WORDNET

run "$Q" eval --no-fts5 --per-query "$T/run.tsv" tests/devset
expect_rc "eval --per-query" 0

# the half of each query, worked out here with sha1sum: even = tune
awk -F'\t' '$1 == "devset" {print $3}' "$T/run.tsv" | while read -r id; do
	h=$(printf '%s' "$id" | sha1sum | cut -c40)
	case $h in
	[02468ace]) echo "$id tune" ;;
	*) echo "$id report" ;;
	esac
done >"$T/halves"
ntune=$(grep -c ' tune$' "$T/halves")
nrep=$(grep -c ' report$' "$T/halves")

run python3 tests/quality/halves.py "$T/run.tsv"
if [ "$rc" -eq 0 ] &&
	grep -Eq "^devset +quarry-bm25 +tune +$ntune " "$T/out" &&
	grep -Eq "^devset +quarry-bm25 +report +$nrep " "$T/out" &&
	grep -Eq "^devset +quarry-bm25 +all +$((ntune + nrep)) " "$T/out"; then
	ok "halves: $ntune tune and $nrep report queries, as sha1(id) says"
else
	nok "halves split" "want tune $ntune, report $nrep; $(head -c 400 "$T/out")"
fi

# expect_change NAME TUNE REPORT AFTER: comparing run.tsv with AFTER, the
# devset's tune and report lines end as the regexes TUNE and REPORT say
expect_change() {
	run python3 tests/quality/halves.py "$T/run.tsv" "$4"
	if [ "$rc" -eq 0 ] && grep -Eq "^devset .* tune .*$2\$" "$T/out" &&
		grep -Eq "^devset .* report .*$3\$" "$T/out"; then
		ok "$1"
	else
		nok "$1" "$(head -c 400 "$T/out")"
	fi
}

expect_change "a run against itself: no change, nothing up or down" \
	'\+0\.0000 +0 +0' '\+0\.0000 +0 +0' "$T/run.tsv"

# one report-half query made worse: one down on the report half only
id=$(awk '$2 == "report" {print $1; exit}' "$T/halves")
awk -F'\t' -v OFS='\t' -v id="$id" '$1 == "devset" && $3 == id {$4 = -1} 1' \
	"$T/run.tsv" >"$T/worse.tsv"
expect_change "a report query ($id) made worse: one down on the report half" \
	' 0 +0' '-[0-9.]+ +0 +1' "$T/worse.tsv"

run python3 tests/quality/halves.py
expect_rc "no file: usage" 1
