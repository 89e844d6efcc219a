#!/bin/sh
# test_trust_index.sh - an index file is untrusted input: every count,
# length, offset and id in it is checked before it sizes an allocation or
# indexes an array.  Each case tampers one cell (or row) of a good index
# with sqlite3 and expects exit 3 and one line "quarry: error: index is
# damaged: ...", never a crash.
. tests/cli/lib.sh

GOOD=$T/good.db
SEG=$T/seg.db
"$Q" index -q --db "$GOOD" corpus/deep-learning-interview-qa.txt 2>/dev/null
# An index with a second segment and deleted records: the bundled corpus,
# then two files added in one segment, and one of them changed.
mkdir -p "$T/c"
cp corpus/deep-learning-interview-qa.txt "$T/c/dl.txt"
printf '{"id":"a","question":"What is dropout noise?","answer":"Dropout noise is random."}\n' >"$T/c/x.jsonl"
printf '{"id":"b","question":"What is a wombat?","answer":"A marsupial."}\n' >"$T/c/y.jsonl"
"$Q" index -q --db "$SEG" "$T/c/dl.txt" 2>/dev/null
"$Q" index -q --db "$SEG" --update "$T/c/x.jsonl" "$T/c/y.jsonl" 2>/dev/null
printf '{"id":"a","question":"What is dropout noise?","answer":"Dropout noise is random noise."}\n' >"$T/c/x.jsonl"
touch -d '2001-01-01' "$T/c/x.jsonl"
"$Q" index -q --db "$SEG" --update "$T/c/x.jsonl" 2>/dev/null
if [ "$(sqlite3 "$SEG" 'select count(*) from segments')" -ge 2 ] &&
	[ -n "$(sqlite3 "$SEG" 'select 1 from segments where ndel > 0')" ] &&
	[ -n "$(sqlite3 "$SEG" 'select 1 from dels')" ]; then
	ok "setup: an index with segments and deletions"
else
	nok "setup: an index with segments and deletions" "$(sqlite3 "$SEG" 'select id, base, n, ndel from segments' | tr '\n' ' ')"
fi

# damaged NAME DB SQL [ASK-ARGS...]: a copy of DB changed by SQL makes
# `ask` (default: "what is dropout") exit 3 with the one-line message.
damaged() {
	name=$1 db=$2 sql=$3
	shift 3
	[ $# -gt 0 ] || set -- "what is dropout"
	cp "$db" "$T/bad.db"
	if ! sqlite3 "$T/bad.db" "$sql" 2>"$T/err"; then
		nok "$name: tampering failed" "$(cat "$T/err")"
		return
	fi
	run "$Q" ask --db "$T/bad.db" "$@"
	if [ "$rc" -eq 3 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
		grep -q '^quarry: error: index is damaged: ' "$T/err"; then
		ok "$name: exit 3, index is damaged"
	else
		nok "$name: exit 3, index is damaged" "exit $rc; stderr: $(head -c 300 "$T/err")"
	fi
}

M="update meta set value ="
# meta counts: huge, negative, zero, not numbers, inconsistent
damaged "maxdoc INT64_MAX" "$GOOD" "$M '9223372036854775807' where key = 'maxdoc'"
damaged "maxdoc 2^32" "$GOOD" "$M '4294967296' where key = 'maxdoc'"
damaged "maxdoc -1" "$GOOD" "$M '-1' where key = 'maxdoc'"
damaged "maxdoc 0 (below ndocs)" "$GOOD" "$M '0' where key = 'maxdoc'"
damaged "maxdoc text" "$GOOD" "$M 'lots' where key = 'maxdoc'"
damaged "maxdoc 90.5" "$GOOD" "$M '90.5' where key = 'maxdoc'"
damaged "ndocs INT64_MAX" "$GOOD" "$M '9223372036854775807' where key = 'ndocs'"
damaged "ndocs -5" "$GOOD" "$M '-5' where key = 'ndocs'"
damaged "ndocs 0" "$GOOD" "$M '0' where key = 'ndocs'"
damaged "ndocs 89 (segments hold 90)" "$GOOD" "$M '89' where key = 'ndocs'"
damaged "ndocs blob" "$GOOD" "$M x'3930ff' where key = 'ndocs'"
damaged "len_q -1" "$GOOD" "$M '-1' where key = 'len_q'"
damaged "len_a 1e400" "$GOOD" "$M '1e400' where key = 'len_a'"
damaged "len_a INT64_MAX" "$GOOD" "$M '9223372036854775807' where key = 'len_a'"
# segment rows
damaged "segment base 5" "$GOOD" "update segments set base = 5"
damaged "segment n huge" "$GOOD" "update segments set n = 9223372036854775807"
damaged "segment n -1" "$GOOD" "update segments set n = -1"
damaged "segment n text" "$GOOD" "update segments set n = 'ninety'"
damaged "segment n NULL" "$GOOD" "update segments set n = NULL"
damaged "no base segment" "$GOOD" "delete from segments"
damaged "base segment renumbered" "$GOOD" "update segments set id = 7"
damaged "deletion count above n" "$GOOD" "update segments set ndel = n + 1"
damaged "deletion count negative" "$GOOD" "update segments set ndel = -1"
damaged "deletion marks where none is deleted" "$GOOD" "insert into dels values(0, zeroblob(128))"
# (a block's marks are read when the query meets a posting in it)
damaged "deletion block too short" "$SEG" "update dels set data = x'00'" "what is dropout noise"
damaged "deletion block too long" "$SEG" "update dels set data = zeroblob(4096)" "what is dropout noise"
damaged "deletion block as text" "$SEG" "update dels set data = '000000000000'" "what is dropout noise"
damaged "overlapping segments" "$SEG" "update segments set base = base - 1 where id = (select max(id) from segments)"
damaged "segment beyond maxdoc" "$SEG" "update segments set n = n + 1 where id = (select max(id) from segments)"
damaged "segment base INT64_MAX" "$SEG" "update segments set base = 9223372036854775807 where id > 0"
damaged "deletions cleared (live count off)" "$SEG" "update segments set ndel = 0"
damaged "deletion marks missing" "$SEG" "delete from dels"
# norms rows: a question reads none (each posting carries its record's
# lengths), so it answers as from the intact index; test_blocks.sh has
# the update that reads them report the damage.
"$Q" ask --db "$GOOD" --json "what is dropout" >"$T/good.json" 2>/dev/null
intact() {
	name=$1 sql=$2
	cp "$GOOD" "$T/bad.db"
	sqlite3 "$T/bad.db" "$sql"
	run "$Q" ask --db "$T/bad.db" --json "what is dropout"
	if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/good.json"; then
		ok "$name: a question answers as from the intact index"
	else
		nok "$name: a question answers as from the intact index" "exit $rc; stderr: $(head -c 300 "$T/err")"
	fi
}
intact "norms truncated" "update norms set data = substr(data, 1, 10)"
intact "norms too long" "update norms set data = data || x'0101'"
intact "norms missing" "delete from norms"
intact "norms as text" "update norms set data = 'abc'"
# vocabulary rows, buckets and postings
damaged "df above ndocs" "$GOOD" "update vocab set df = 1000 where term = 'dropout'"
damaged "df negative" "$GOOD" "update vocab set df = -1 where term = 'dropout'"
damaged "df text" "$GOOD" "update vocab set df = 'two' where term = 'dropout'"
damaged "postings row id negative" "$GOOD" "update vocab set id = -3 where term = 'dropout'"
damaged "postings truncated" "$GOOD" "update postings set data = substr(data, 1, 3) where id = (select id from vocab where term = 'dropout')"
damaged "postings as text" "$GOOD" "update postings set data = 'xyz' where id = (select id from vocab where term = 'dropout')"
damaged "postings doc id beyond maxdoc" "$GOOD" "update postings set data = x'0101ff0f0400000000' || x'ff0f0101' where id = (select id from vocab where term = 'dropout')"
damaged "segment postings doc id beyond maxdoc" "$SEG" "update segpost set data = x'0101ff0f0400000000' || x'ff0f0101' where term = 'dropout'"
damaged "segment postings truncated" "$SEG" "update segpost set data = substr(data, 1, 4) where term = 'dropout'"
damaged "vocabulary bucket entry overruns" "$GOOD" "update vbuckets set terms = x'ff6472' where k = cast('dr' as blob)" "dropou"
damaged "vocabulary df out of range in a scan" "$GOOD" "update meta set value = '0' where key = 'vbuckets'; update vocab set df = 1000 where term = 'dropout'" "dropou"
damaged "record row missing" "$GOOD" "delete from docs where id = (select min(id) from docs where question like '%dropout idea%')"
# the defined acronyms as one blob in meta (read by every question)
damaged "acronym blob without its last NUL" "$GOOD" "$M x'636e6e00636f6e766f6c7574' where key = 'alias_defs'" "what is a cnn"
damaged "acronym blob with a short form alone" "$GOOD" "$M x'636e6e00' where key = 'alias_defs'" "what is a cnn"
damaged "acronym blob as text" "$GOOD" "$M 'cnn' where key = 'alias_defs'" "what is a cnn"
# the same checks behind the other commands and ranking paths
damaged "maxdoc INT64_MAX, tfidf" "$GOOD" "$M '9223372036854775807' where key = 'maxdoc'" --model tfidf "what is dropout"
damaged "postings beyond maxdoc, exhaustive tfidf" "$GOOD" "update postings set data = x'0101ff0f0400000000' || x'ff0f0101' where id = (select id from vocab where term = 'dropout')" --model tfidf "what is dropout"
damaged "maxdoc INT64_MAX, --json --explain" "$GOOD" "$M '9223372036854775807' where key = 'maxdoc'" --json --explain "what is dropout"
cp "$GOOD" "$T/bad.db"
sqlite3 "$T/bad.db" "$M '9223372036854775807' where key = 'maxdoc'"
run "$Q" stats --db "$T/bad.db"
expect_rc "stats on a damaged index" 3
expect_err "stats: one line" '^quarry: error: index is damaged: '
run "$Q" index --db "$T/bad.db" --update corpus/deep-learning-interview-qa.txt
expect_rc "--update of a damaged index" 3
expect_err "--update: one line" '^quarry: error: index is damaged: '
cp "$SEG" "$T/bad.db"
sqlite3 "$T/bad.db" "update segments set base = base - 1 where id = (select max(id) from segments)"
run "$Q" index --db "$T/bad.db" --update "$T/c/x.jsonl"
expect_rc "--update with overlapping segments" 3

# An index written before the acronyms were packed (no alias_defs) reads
# them from their table: the same expansion either way.
cp "$GOOD" "$T/old.db"
sqlite3 "$T/old.db" "delete from meta where key = 'alias_defs'"
run "$Q" ask --db "$GOOD" --json --explain --top 1 "what is a cnn"
cp "$T/out" "$T/packed.json"
run "$Q" ask --db "$T/old.db" --json --explain --top 1 "what is a cnn"
if [ "$rc" -eq 0 ] && grep -q '"origin":"acronym"' "$T/out" &&
	cmp -s "$T/out" "$T/packed.json"; then
	ok "acronyms without the packed blob: the same answer"
else
	nok "acronyms without the packed blob: the same answer" "exit $rc; $(head -c 300 "$T/out")"
fi

# The good indexes still answer (the checks refuse no real index).
run "$Q" ask --db "$GOOD" "what is dropout"
expect_rc "the untouched index answers" 0
run "$Q" ask --db "$SEG" "what is dropout noise"
expect_rc "the updated index answers" 0
expect_out "the updated index finds the changed record" 'random noise'
run "$Q" stats --db "$SEG"
expect_rc "stats on the updated index" 0
