#!/bin/sh
# test_pbuild.sh - a build on several threads, or spilling under a small
# memory budget, writes the same index, byte for byte, as one thread with
# room to spare; an update answers as a fresh build; bad --threads and
# --memory values are refused.
. tests/cli/lib.sh

export SOURCE_DATE_EPOCH=1700000000
unset QUARRY_THREADS QUARRY_MEMORY
C=$T/c
mkdir -p "$C/more"
cp corpus/deep-learning-interview-qa.txt "$C/dl.txt"
# Records of words drawn from a few thousand made-up ones (a fixed
# pseudo-random sequence), with acronyms defined, split over three files:
# enough postings for several chunks and, under --memory 1M, for spills.
gen() {
	awk -v first="$1" -v last="$2" 'BEGIN {
		s = 12345 + first
		for (i = first; i <= last; i++) {
			q = ""; a = ""
			for (k = 0; k < 6; k++) {
				s = (s * 1103515245 + 12345) % 2147483648
				q = q " w" (s % 3000) "x"
			}
			for (k = 0; k < 40; k++) {
				s = (s * 1103515245 + 12345) % 2147483648
				a = a " v" (s % 5000) "y"
			}
			if (i % 7 == 0)
				a = a " Long Short Term Memory (LSTM) and Gated Recurrent Unit (GRU)"
			printf "{\"id\": \"g%d\", \"question\": \"What is%s?\", \"answer\": \"%s.\"}\n", i, q, a
		}
	}'
}
gen 1 2500 >"$C/a.jsonl"
gen 2501 4000 >"$C/more/b.jsonl"
gen 4001 6000 >"$C/more/c.jsonl"
printf '# What is a kettle?\n\nA pot for boiling water.\n\n# What is a ladle?\n\nA deep spoon.\n' >"$C/more/kitchen.md"

for t in 1 2 4; do
	run "$Q" index -q --threads "$t" --db "$T/t$t.db" "$C"
	expect_rc "build with --threads $t" 0
done
if cmp -s "$T/t1.db" "$T/t2.db" && cmp -s "$T/t1.db" "$T/t4.db"; then
	ok "--threads 1, 2 and 4 write the same bytes"
else
	nok "--threads 1, 2 and 4 write the same bytes" "$(cmp "$T/t1.db" "$T/t2.db"; cmp "$T/t1.db" "$T/t4.db")"
fi
n1=$(sqlite3 "$T/t1.db" 'SELECT count(*) FROM docs')
if [ "$n1" -eq 6092 ]; then ok "every record indexed"; else nok "every record indexed" "$n1 records"; fi

# Under 1M the postings go to run files (seen opened) and come back
# merged into the same index.
ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=openat -o "$T/strace" \
	"$Q" index -q --threads 2 --memory 1M --db "$T/m.db" "$C" >"$T/out" 2>"$T/err"
rc=$?
expect_rc "build with --memory 1M" 0
if grep -q 'm\.db\.tmp-[0-9]*\.run1' "$T/strace"; then ok "--memory 1M spills runs"; else nok "--memory 1M spills runs" "no run file opened"; fi
if cmp -s "$T/t1.db" "$T/m.db"; then ok "spilled build writes the same bytes"; else nok "spilled build writes the same bytes" "$(cmp "$T/t1.db" "$T/m.db")"; fi
QUARRY_THREADS=3 QUARRY_MEMORY=2M "$Q" index -q --db "$T/e.db" "$C" 2>"$T/err"
if cmp -s "$T/t1.db" "$T/e.db" && [ ! -s "$T/err" ]; then ok "QUARRY_THREADS and QUARRY_MEMORY: the same bytes"; else nok "QUARRY_THREADS and QUARRY_MEMORY" "$(head -c 300 "$T/err")"; fi

# An update on several threads answers as a fresh build on one.
cp "$T/t1.db" "$T/u.db"
gen 6001 6400 >"$C/more/b.jsonl"
printf '{"id": "q1", "question": "What is a quokka?", "answer": "A small marsupial."}\n' >"$C/animals.jsonl"
touch -d '+1 minute' "$C/more/b.jsonl"
run "$Q" index --threads 2 --memory 1M --db "$T/u.db" --update "$C"
expect_rc "--update on two threads" 0
expect_err "--update reads the two files" '401 records from 2 new or changed files'
run "$Q" index -q --threads 1 --db "$T/fresh.db" "$C"
ans() { "$Q" ask --db "$1" --json --top 5 "$2" 2>/dev/null | jq -c '[.results[] | [.id, .score]]'; }
bad=
for q in "what is w17x" "v4999y v12y" "quokka" "what is LSTM" "boiling water" \
	"what is dropout" "w2999x w5x w100x"; do
	[ "$(ans "$T/u.db" "$q")" = "$(ans "$T/fresh.db" "$q")" ] || bad="$bad [$q]"
done
if [ -z "$bad" ]; then ok "--update answers as a fresh build"; else nok "--update answers as a fresh build" "differs on$bad"; fi

for v in 0 9 x -1 ''; do
	run "$Q" index --threads "$v" --db "$T/x.db" "$C"; expect_rc "--threads '$v' refused" 2
	expect_err "--threads '$v': one line" '^quarry: error: index: --threads takes a number from 1 to 8'
done
for v in x 0 100K 1X -5M 2000G; do
	run "$Q" index --memory "$v" --db "$T/x.db" "$C"; expect_rc "--memory '$v' refused" 2
	expect_err "--memory '$v': one line" '^quarry: error: index: --memory takes a size'
done
if [ ! -e "$T/x.db" ]; then ok "nothing built on a bad value"; else nok "nothing built on a bad value"; fi
QUARRY_THREADS=many "$Q" index -q --db "$T/w.db" "$T/c/dl.txt" 2>"$T/err"
rc=$?
expect_rc "a bad QUARRY_THREADS is ignored" 0
expect_err "a bad QUARRY_THREADS is warned about" "QUARRY_THREADS='many' ignored"
