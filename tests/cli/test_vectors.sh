#!/bin/sh
# test_vectors.sh - the semantic channel: which vectors file is used and
# what stats and --explain say; without it (or with a damaged one, after
# one warning) quarry answers exactly as with the channel turned off; an
# update keeps the record vectors in step with the records.
. tests/cli/lib.sh

V=$PWD/vectors/words.qvec
DB=$T/v.db
C=$T/c
mkdir -p "$C"
cp corpus/deep-learning-interview-qa.txt "$C/dl.txt"
printf '{"id": "q1", "question": "What is a quokka?", "answer": "A small marsupial."}\n' >"$C/animals.jsonl"

# ans DB Q [ENV...]: the JSON answer (id, score) to Q
ans() { db=$1 q=$2; shift 2; env "$@" "$Q" ask --db "$db" --json --top 5 "$q" 2>/dev/null | jq -c '[.results[] | [.id, .score]]'; }
QS="what is dropout|pros and cons of relu|the file that tells a network what to forget|vanishing gradient|what is a quokka|benefits of batch normalisation"

export QUARRY_VECTORS="$V"
run "$Q" index -q --db "$DB" "$C"; expect_rc "index with vectors" 0
run "$Q" stats --db "$DB"; expect_out "stats names the vectors file" "^vectors: +$V \\(50077 words, 100 dimensions\\)"
run "$Q" ask --db "$DB" --explain "benefits of dropout"
expect_out "--explain says the vectors are used" "^vectors: $V \\(weight 1: the words it knows cover 100% of the question\\)"
run "$Q" ask --db "$DB" --explain --semantic 0 "benefits of dropout"
expect_out "--explain with --semantic 0" "^vectors: not used \\(turned off\\)"
run "$Q" ask --db "$DB" --explain "what is dropout zzqxv"
expect_out "--explain: a word without a vector lowers the weight" "^vectors: .*cover [0-9]%|^vectors: .*cover [1-8][0-9]%"

# Off, missing, damaged: the answers of --semantic 0, and one warning when damaged.
head -c 100000 "$V" >"$T/trunc.qvec"
cp "$V" "$T/flip.qvec"
printf 'X' | dd of="$T/flip.qvec" bs=1 seek=300000 conv=notrunc 2>/dev/null
bad=
IFS='|'
for q in $QS; do
	want=$(env QUARRY_VECTORS="$V" "$Q" ask --db "$DB" --json --top 5 --semantic 0 "$q" 2>/dev/null | jq -c '[.results[] | [.id, .score]]')
	[ -n "$want" ] || bad="$bad [$q: no answer]"
	[ "$(ans "$DB" "$q" QUARRY_VECTORS=)" = "$want" ] || bad="$bad [$q: off]"
	[ "$(ans "$DB" "$q" QUARRY_VECTORS="$T/none.qvec")" = "$want" ] || bad="$bad [$q: missing]"
	[ "$(ans "$DB" "$q" QUARRY_VECTORS="$T/trunc.qvec")" = "$want" ] || bad="$bad [$q: truncated]"
	[ "$(ans "$DB" "$q" QUARRY_VECTORS=/etc/passwd)" = "$want" ] || bad="$bad [$q: foreign]"
done
unset IFS
if [ -z "$bad" ]; then ok "no usable vectors: the answers of --semantic 0"; else nok "no usable vectors: the answers of --semantic 0" "differs:$bad"; fi
run env QUARRY_VECTORS="$T/trunc.qvec" "$Q" ask --db "$DB" "what is dropout"; expect_rc "a truncated vectors file still answers" 0
expect_err "a truncated vectors file: one warning" "warning: vectors file is damaged: .*trunc.qvec: .*; working without word vectors"
run env QUARRY_VECTORS="$T/trunc.qvec" "$Q" stats --db "$DB"
expect_out "stats with a damaged file" "^vectors: +not in use \\(vectors file is damaged: .*trunc.qvec: size does not match"
run env QUARRY_VECTORS="$T/none.qvec" "$Q" stats --db "$DB"
expect_out "stats with a missing file" "^vectors: +not in use \\(.*none.qvec: No such file"
run env QUARRY_VECTORS= "$Q" stats --db "$DB"
expect_out "stats with the vectors turned off" "^vectors: +not in use \\(no vectors file\\)"
# A damaged body (header intact) is caught by the checksum at build time.
run env QUARRY_VECTORS="$T/flip.qvec" "$Q" index -q --db "$T/flip.db" "$C"; expect_rc "index with a damaged vectors body" 0
expect_err "the damaged body: one warning" "vectors file is damaged: .*flip.qvec: checksum mismatch"
run env QUARRY_VECTORS="$T/flip.qvec" "$Q" stats --db "$T/flip.db"
expect_out "built without the damaged file" "^vectors: +not in use \\(the index was built without them\\)"
run env QUARRY_VECTORS= "$Q" index -q --db "$T/plain.db" "$C"
run "$Q" stats --db "$T/plain.db"
expect_out "an index built without vectors says so" "^vectors: +not in use \\(the index was built without them\\)"

# Updates: the record vectors follow the records, and an update without
# the file drops them; one with it again brings them all back.
rows() { sqlite3 "$1" "SELECT (SELECT count(*) FROM docvec) || ' ' || (SELECT count(*) FROM docs)"; }
if [ "$(rows "$DB")" = "91 91" ]; then ok "a vector per record"; else nok "a vector per record" "$(rows "$DB")"; fi
printf '{"id": "q2", "question": "What is a wombat?", "answer": "A burrowing marsupial."}\n' >"$C/more.jsonl"
rm "$C/animals.jsonl"
run "$Q" index -q --db "$DB" --update "$C"; expect_rc "update" 0
if [ "$(rows "$DB")" = "91 91" ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM docvec WHERE id NOT IN (SELECT id FROM docs)")" = 0 ]; then
	ok "update: the vectors of removed records go, added ones come"; else nok "update: vectors follow the records" "$(rows "$DB")"; fi
run env QUARRY_VECTORS= "$Q" index -q --db "$DB" --update "$C" "$C/dl.txt"
touch -d '+1 minute' "$C/more.jsonl"
run env QUARRY_VECTORS= "$Q" index -q --db "$DB" --update "$C"; expect_rc "update without the file" 0
run "$Q" stats --db "$DB"
expect_out "update without the file drops the vectors" "^vectors: +not in use \\(the index was built without them\\)"
touch -d '+2 minute' "$C/more.jsonl"
run "$Q" index -q --db "$DB" --update "$C"; expect_rc "update with the file again" 0
rm -f "$T/fresh.db"; "$Q" index -q --db "$T/fresh.db" "$C" 2>/dev/null
bad=
IFS='|'
for q in $QS "what is a wombat"; do
	[ "$(ans "$DB" "$q")" = "$(ans "$T/fresh.db" "$q")" ] || bad="$bad [$q]"
done
unset IFS
if [ -z "$bad" ]; then ok "update with the file again answers as a full build"; else nok "update with the file again answers as a full build" "differs on$bad"; fi
# An older quarry updating the records leaves the rows behind: unused
# until an update with the file makes them again.
sqlite3 "$DB" "UPDATE meta SET value = value + 1 WHERE key = 'generation'"
run "$Q" stats --db "$DB"
expect_out "rows of another generation are not used" "^vectors: +not in use \\(an older quarry updated the index since"
touch -d '+3 minute' "$C/more.jsonl"
run "$Q" index -q --db "$DB" --update "$C"; expect_rc "update after an older quarry's" 0
run "$Q" stats --db "$DB"
expect_out "the update makes them again" "^vectors: +$V "
if [ "$(ans "$DB" "what is dropout")" = "$(ans "$T/fresh.db" "what is dropout")" ]; then ok "and answers as a full build"; else nok "and answers as a full build"; fi
