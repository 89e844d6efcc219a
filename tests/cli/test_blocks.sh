#!/bin/sh
# test_blocks.sh - the per-record arrays stored in blocks of 1024 records
# (norms and deletion marks, idx.h): an update completes the block the
# index ended in exactly as a full build writes it, a query reads no
# norms row (postings carry the lengths) while an update that rewrites
# postings reads them and reports a damaged one, and deletions are marked
# in the block of the record.
. tests/cli/lib.sh

# recs FIRST LAST: JSONL records FIRST..LAST, each with a word of its own
# ("w" and the number in letters) and a length that varies with it.
recs() {
	awk -v a="$1" -v b="$2" 'function word(n,  s) {
		s = ""
		do { s = substr("abcdefghijklmnopqrstuvwxyz", n % 26 + 1, 1) s; n = int(n / 26) } while (n > 0)
		return "w" s
	}
	BEGIN {
		for (i = a; i <= b; i++) {
			ans = "An answer about " word(i)
			for (k = 0; k < i % 9; k++) ans = ans " and more text"
			printf "{\"id\":\"r%d\",\"question\":\"What is %s?\",\"answer\":\"%s.\"}\n", i, word(i), ans
		}
	}'
}
# The word of record N, as recs spells it.
word() {
	awk -v n="$1" 'BEGIN { s = ""; do { s = substr("abcdefghijklmnopqrstuvwxyz", n % 26 + 1, 1) s; n = int(n / 26) } while (n > 0); print "w" s }'
}
top_id() { "$Q" ask --db "$1" --json --top 1 "$2" | jq -r '.results[0].id // "none"'; }

mkdir -p "$T/c"
recs 0 1499 >"$T/c/a.jsonl"
recs 1500 2599 >"$T/c/b.jsonl"

# A full build of both files, and the first then the second as an update
# (its records start at 1500, inside the second block).
"$Q" index -q --db "$T/full.db" "$T/c/a.jsonl" "$T/c/b.jsonl" 2>/dev/null
"$Q" index -q --db "$T/upd.db" "$T/c/a.jsonl" 2>/dev/null
"$Q" index -q --db "$T/upd.db" --update "$T/c/b.jsonl" 2>/dev/null
if [ "$(sqlite3 "$T/full.db" 'select id, length(data) from norms' | tr '\n' ' ')" = \
	"0|2048 1|2048 2|1104 " ]; then
	ok "norms: rows of 1024 records, the last one short"
else nok "norms: rows of 1024 records, the last one short" "$(sqlite3 "$T/full.db" 'select id, length(data) from norms' | tr '\n' ' ')"; fi
if [ "$(sqlite3 "$T/full.db" 'select id, hex(data) from norms' | cksum)" = \
	"$(sqlite3 "$T/upd.db" 'select id, hex(data) from norms' | cksum)" ]; then
	ok "an update completes the short block as a full build writes it"
else nok "an update completes the short block as a full build writes it"; fi
if [ "$(top_id "$T/upd.db" "what is $(word 1600)")" = r1600 ] &&
	[ "$(top_id "$T/upd.db" "what is $(word 1400)")" = r1400 ]; then
	ok "the updated index answers from both sides of the boundary"
else nok "the updated index answers from both sides of the boundary"; fi

# A query reads no norms row: each posting carries its record's lengths.
cp "$T/full.db" "$T/bad.db"
sqlite3 "$T/bad.db" "update norms set data = x'0101' where id = 2; delete from norms where id = 1"
if [ "$(top_id "$T/bad.db" "what is $(word 2100)")" = r2100 ] &&
	[ "$(top_id "$T/bad.db" "what is $(word 1200)")" = r1200 ]; then
	ok "damaged and missing norms rows: questions on their records still answer"
else nok "damaged and missing norms rows: questions on their records still answer"; fi
# An update that merges the first segment with its own reads the rows.
"$Q" index -q --db "$T/bad.db" "$T/c/a.jsonl" 2>/dev/null
sqlite3 "$T/bad.db" "update norms set data = x'0101' where id = 1"
run "$Q" index -q --db "$T/bad.db" --update "$T/c/b.jsonl"
expect_rc "an update that rewrites records of a damaged norms row: exit 3" 3
expect_err "and one line: index is damaged" '^quarry: error: index is damaged: .*norms of records 1024\.\.1499'

# Deletions: a record removed from a.jsonl is marked in its block's row.
grep -v '"r1100"' "$T/c/a.jsonl" >"$T/c/a2" && mv "$T/c/a2" "$T/c/a.jsonl"
touch -d '2001-01-01' "$T/c/a.jsonl"
run "$Q" index --db "$T/upd.db" --update "$T/c/a.jsonl"
expect_rc "update with a removed record" 0
if [ "$(sqlite3 "$T/upd.db" 'select id from dels' | tr '\n' ' ')" = "0 1 " ] &&
	[ "$(sqlite3 "$T/upd.db" 'select sum(ndel) from segments')" = 1500 ]; then
	ok "deletion marks: the re-read file's old records, in blocks 0 and 1"
else nok "deletion marks: the re-read file's old records, in blocks 0 and 1" "$(sqlite3 "$T/upd.db" 'select id from dels; select id, base, n, ndel from segments' | tr '\n' ' ')"; fi
if [ "$(top_id "$T/upd.db" "what is $(word 1100)")" != r1100 ] &&
	[ "$(top_id "$T/upd.db" "what is $(word 1101)")" = r1101 ] &&
	[ "$(top_id "$T/upd.db" "what is $(word 2000)")" = r2000 ]; then
	ok "the removed record is gone, its neighbours answer"
else nok "the removed record is gone, its neighbours answer"; fi
# every norms row as long as its records below maxdoc need
md=$(sqlite3 "$T/upd.db" "select value from meta where key = 'maxdoc'")
if [ "$(sqlite3 "$T/upd.db" "select count(*) from norms where length(data) != 2 * min(1024, $md - id * 1024)")" = 0 ] &&
	[ "$(sqlite3 "$T/upd.db" 'select count(*), max(id) from norms')" = "$(( (md + 1023) / 1024 ))|$(( (md - 1) / 1024 ))" ]; then
	ok "norms rows after updates: one per block below maxdoc, each whole"
else nok "norms rows after updates: one per block below maxdoc, each whole" "maxdoc $md: $(sqlite3 "$T/upd.db" 'select id, length(data) from norms' | tr '\n' ' ')"; fi

# Several small updates merge segments; the marks and counts follow.
i=0
while [ $i -lt 5 ]; do
	recs $((3000 + i * 10)) $((3009 + i * 10)) >"$T/c/s$i.jsonl"
	"$Q" index -q --db "$T/upd.db" --update "$T/c/s$i.jsonl" 2>/dev/null
	i=$((i + 1))
done
grep -v '"r3012"' "$T/c/s1.jsonl" >"$T/c/s1x" && mv "$T/c/s1x" "$T/c/s1.jsonl"
touch -d '2001-01-02' "$T/c/s1.jsonl"
"$Q" index -q --db "$T/upd.db" --update "$T/c/s1.jsonl" 2>/dev/null
run "$Q" stats --db "$T/upd.db"
expect_rc "stats after merges" 0
if grep -q "^terms: *$(sqlite3 "$T/upd.db" 'select count(*) from vocab')\$" "$T/out"; then
	ok "stats: the term count kept in meta is the vocabulary's after updates"
else nok "stats: the term count kept in meta is the vocabulary's after updates" "$(grep '^terms' "$T/out")"; fi
nd=$(sqlite3 "$T/upd.db" 'select sum(ndel) from segments')
marks=$(sqlite3 "$T/upd.db" 'select hex(data) from dels' | awk '{
	for (i = 1; i <= length($0); i++) {
		v = index("0123456789ABCDEF", substr($0, i, 1)) - 1
		while (v > 0) { n += v % 2; v = int(v / 2) }
	}
} END { print n + 0 }')
if [ "$nd" = "$marks" ] && [ "$nd" -gt 1500 ]; then
	ok "after merges the marks in dels add up to the segments' counts ($nd)"
else nok "after merges the marks in dels add up to the segments' counts" "ndel $nd, marks $marks"; fi
# the same answers as a fresh build of the files as they are now
"$Q" index -q --db "$T/fresh.db" "$T/c/a.jsonl" "$T/c/b.jsonl" "$T"/c/s*.jsonl 2>/dev/null
diff=
for r in 5 1099 1101 2000 3011 3013 3041; do
	a=$(top_id "$T/upd.db" "what is $(word $r)") b=$(top_id "$T/fresh.db" "what is $(word $r)")
	[ "$a" = "$b" ] || diff="$diff $r: $a vs $b;"
done
if [ "$(top_id "$T/upd.db" "what is $(word 3012)")" != r3012 ] && [ -z "$diff" ]; then
	ok "after merges: deleted records stay hidden, the others answer as from a fresh build"
else nok "after merges: deleted records stay hidden, the others answer as from a fresh build" "$diff"; fi
