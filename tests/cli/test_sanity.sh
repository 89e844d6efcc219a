#!/bin/sh
# test_sanity.sh - every bundled question, asked with its own text, comes
# back first.  The questions come from tests/devset/corpus.jsonl, which a
# separate Python extractor made from the same document.
. tests/cli/lib.sh

jq -r '[._id, .title] | @tsv' tests/devset/corpus.jsonl >"$T/qs.tsv"
cut -f2 "$T/qs.tsv" | "$Q" ask --json --top 1 | jq -r '.results[0].id // "none"' >"$T/got"
total=$(wc -l <"$T/qs.tsv")
cut -f1 "$T/qs.tsv" | paste - "$T/got" | awk -F'\t' '$1 != $2' >"$T/miss"
if [ "$total" -eq 90 ] && [ ! -s "$T/miss" ]; then
	ok "all 90 bundled questions rank their own answer first"
else
	nok "all 90 bundled questions rank their own answer first" "$total questions; misses: $(tr '\n' ' ' <"$T/miss")"
fi
