#!/bin/sh
# test_badinput.sh - hostile inputs, as a table: each row names a generator
# (a shell snippet that writes the input and sets F to its path), the
# command, the expected exit status, a regex the stderr must match, and an
# extra check.  For `index` rows a previous index must be left byte for
# byte as it was whenever the status is not 0, with no temporary file
# beside it; exits 3 and 4 must come with exactly one error line.  Every
# command runs under `timeout` (a hang is exit 124).
#
# Row format (fields separated by " :: ", one row per line):
#   name :: cmd :: status :: stderr regex :: check :: todo :: generator
# cmd:   index    quarry index --db $DB $F        ($DB a copy of $BASE)
#        ask      quarry ask --db $BASE --json < $F
#        askarg   quarry ask --db $BASE --json "$(cat $F)"
#        sh       the generator is the command itself (run with eval)
# stderr regex: grep -E over the whole stderr; EMPTY = no stderr; - = any
# check: a shell snippet that must succeed after the command (- = none);
#        helpers: recs N, asks QUESTION JQ, jqout JQ, jqall JQ, noctl
# todo:  - , or a known product bug: when the row fails it prints
#        "ok N - badinput: name # TODO bug" so the suite stays green.
. tests/cli/lib.sh

cleanup() {
	chmod -R u+rwx "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

TO=60
BASE=$T/base.db
export Q BASE TO
mkdir -p "$T/basedocs"
cat >"$T/basedocs/faq.jsonl" <<'J'
{"id": "pw", "question": "How do I reset my password?", "answer": "Open settings and choose reset."}
{"id": "vpn", "question": "How do I connect to the VPN?", "answer": "Install the client and sign in."}
{"id": "office", "question": "Where is the office?", "answer": "On the third floor."}
J
"$Q" index -q --db "$BASE" "$T/basedocs" tests/fixtures/corpus 2>/dev/null ||
	{ nok "badinput: base index builds"; exit 1; }

# ---- helpers for the check column ----
# recs N: the index written by the row holds N records
recs() { [ "$("$Q" stats --db "$DB" 2>/dev/null | sed -n 's/^records: *//p')" = "$1" ]; }
# asks QUESTION JQ: asking the row's index QUESTION gives JSON satisfying JQ
asks() { "$Q" ask --db "$DB" --json "$1" 2>/dev/null | jq -e "$2" >/dev/null 2>&1; }
# jqout JQ: the row's stdout is JSON satisfying JQ
jqout() { jq -e "$1" "$T/out" >/dev/null 2>&1; }
# jqall JQ: the row's stdout, slurped into an array, satisfies JQ
jqall() { jq -se "$1" "$T/out" >/dev/null 2>&1; }
# noctl QUESTION: plain `ask` of the row's index prints no control bytes
# (ESC, BEL, ...) that a terminal would act on
noctl() {
	"$Q" ask --db "$DB" "$1" 2>/dev/null >"$T/plain"
	! LC_ALL=C grep -q "$(printf '[\001-\010\013\014\016-\037\177]')" "$T/plain"
}
# py CODE: run python3 CODE (generators of big inputs)
py() { python3 -c "$1"; }

# a one-record numbered file (printf format)
QTXT='1. What is a widget?\nAns: A small gadget.\n'
export QTXT

rows() {
cat <<'ROWS'
invalid UTF-8 in .txt :: index :: 0 :: a\.txt:1: invalid UTF-8 replaced :: recs 1 :: - :: F=$D/a.txt; printf '1. What is caf\351 au lait?\nAns: Coffee with milk.\n' >"$F"
invalid UTF-8 in .jsonl :: index :: 0 :: a\.jsonl:1: invalid UTF-8 replaced :: recs 1 :: - :: F=$D/a.jsonl; printf '{"question": "What is caf\351?", "answer": "Coffee."}\n' >"$F"
invalid UTF-8 in .md :: index :: 0 :: a\.md:1: invalid UTF-8 replaced :: recs 1 :: - :: F=$D/a.md; printf '# What is caf\351?\nCoffee.\n' >"$F"
overlong encoding C0 AF :: index :: 0 :: invalid UTF-8 replaced :: asks overlong '.results[0].question | test("\ufffd")' :: - :: F=$D/a.txt; printf '1. What is an overlong \300\257 slash?\nAns: Two bytes for one.\n' >"$F"
overlong NUL C0 80 in .jsonl :: index :: 0 :: invalid UTF-8 replaced :: recs 1 :: - :: F=$D/a.jsonl; printf '{"question": "What is a \300\200 NUL?", "answer": "x"}\n' >"$F"
UTF-16 surrogate in UTF-8 (ED A0 80) :: index :: 0 :: invalid UTF-8 replaced :: asks surrogate '.results[0].question | test("\ufffd")' :: - :: F=$D/a.txt; printf '1. What is a surrogate \355\240\200 here?\nAns: Not a character.\n' >"$F"
code point above U+10FFFF :: index :: 0 :: invalid UTF-8 replaced :: recs 1 :: - :: F=$D/a.txt; printf '1. What is \364\220\200\200 beyond?\nAns: Out of range.\n' >"$F"
lone surrogate escape \ud800 in JSON :: index :: 0 :: a\.jsonl:1: skipped: invalid JSON :: recs 1 :: - :: F=$D/a.jsonl; printf '{"question": "lone \\ud800 surrogate", "answer": "x"}\n{"question": "What is fine?", "answer": "This line."}\n' >"$F"
\u0000 escape in JSON :: index :: 0 :: a\.jsonl:1: skipped :: recs 1 :: - :: F=$D/a.jsonl; printf '{"question": "nul \\u0000 escape", "answer": "x"}\n{"question": "What is fine?", "answer": "This line."}\n' >"$F"
NUL bytes in .txt :: index :: 0 :: - :: asks nul '.results[0].question == "What is a nul byte?"' :: - :: F=$D/a.txt; printf '1. What is a nul\000 byte?\nAns: A zero\000 byte.\n' >"$F"
NUL bytes in .jsonl :: index :: 0 :: - :: recs 1 :: - :: F=$D/a.jsonl; printf '{"question": "What is a nul\000 byte?", "answer": "zero"}\n' >"$F"
mostly NUL bytes (.txt) :: index :: 3 :: a\.txt: looks binary :: - :: - :: F=$D/a.txt; { printf "$QTXT"; head -c 8192 /dev/zero; } >"$F"
binary garbage with .txt extension :: index :: 3 :: a\.txt: looks binary :: - :: - :: F=$D/a.txt; head -c 20000 /dev/urandom >"$F"; printf '\000\001\002' >>"$F"
binary garbage with no extension :: index :: 3 :: looks binary :: - :: - :: F=$D/blob; head -c 5000 /dev/urandom >"$F"; printf '\000\000' >>"$F"
100 MB single line (.txt) :: index :: 0 :: EMPTY-ish :: recs 1 :: - :: F=$D/a.txt; py "import sys; w='lorem'*199+'x '; sys.stdout.write('1. What is a very long line?\nAns: '+w*(100000000//len(w))+'\n')" >"$F"
100 MB single line (.jsonl) :: index :: 0 :: EMPTY-ish :: recs 1 :: - :: F=$D/a.jsonl; py "import sys; w='lorem'*199+'x '; sys.stdout.write('{\"question\": \"What is a very long line?\", \"answer\": \"'+w*(100000000//len(w))+'\"}\n')" >"$F"
100 MB single line, no records (.txt, --as qa) :: sh :: 3 :: no Q&A records :: cmp -s "$DB" "$BASE" :: - :: F=$D/a.txt; python3 -c "import sys; sys.stdout.write('prose '*16666666+'\n')" >"$F"; "$Q" index --as qa --db "$DB" "$F"
deeply nested JSON (100k [) :: index :: 3 :: maximum parsing depth :: - :: - :: F=$D/a.jsonl; py "print('['*100000)" >"$F"
deeply nested JSON objects (100k) :: index :: 3 :: a\.jsonl:1: skipped :: - :: - :: F=$D/a.jsonl; py "print('{\"a\":'*100000 + '1' + '}'*100000)" >"$F"
huge JSON string value (50 MB) :: index :: 0 :: EMPTY-ish :: recs 1 :: - :: F=$D/a.jsonl; py "import sys; sys.stdout.write('{\"question\": \"What is huge?\", \"answer\": \"'+'x'*50000000+'\"}\n')" >"$F"
numbered list inside an answer :: index :: 0 :: EMPTY-ish :: recs 2 && asks install '.results[0].answer | test("3\\. Run make")' :: - :: F=$D/a.txt; printf '1. How do I install it?\nAns: Follow these steps:\n1. Download.\n2. Unpack.\n3. Run make.\n2. What comes next?\nAns: Nothing.\n' >"$F"
numbered questions with no Ans: lines :: index :: 0 :: EMPTY-ish :: recs 2 :: - :: F=$D/a.txt; printf '1. What is first?\n2. What is second?\n' >"$F"
Ans: lines but no questions (--as qa) :: sh :: 3 :: no Q&A records :: cmp -s "$DB" "$BASE" :: - :: F=$D/a.txt; printf 'Ans: foo\nAns: bar\nmore text\n' >"$F"; "$Q" index --as qa --db "$DB" "$F"
question number too big (--as qa) :: sh :: 3 :: no Q&A records :: cmp -s "$DB" "$BASE" :: - :: F=$D/a.txt; printf '99999999999999999999999. What is big?\nAns: x\n' >"$F"; "$Q" index --as qa --db "$DB" "$F"
CRLF line endings (.txt) :: index :: 0 :: EMPTY-ish :: recs 2 && asks widget '.results[0].answer == "A small gadget."' :: - :: F=$D/a.txt; printf '1. What is a widget?\r\nAns: A small gadget.\r\n2. What is a gizmo?\r\nAns: A tool.\r\n' >"$F"
mixed CR, LF and CRLF line endings :: index :: 0 :: EMPTY-ish :: recs 3 && asks gizmo '.results[0].answer == "A tool."' :: - :: F=$D/a.txt; printf '1. What is a widget?\rAns: A small gadget.\n2. What is a gizmo?\r\nAns: A tool.\r3. What is a doohickey?\nAns: A thing.\r\n' >"$F"
CR-only line endings (.md) :: index :: 0 :: EMPTY-ish :: recs 2 :: - :: F=$D/a.md; printf '# What is a widget?\rA small gadget.\r# What is a gizmo?\rA tool.\r' >"$F"
CRLF line endings (.jsonl) :: index :: 0 :: EMPTY-ish :: recs 2 :: - :: F=$D/a.jsonl; printf '{"question": "What is a widget?", "answer": "A gadget."}\r\n{"question": "What is a gizmo?", "answer": "A tool."}\r\n' >"$F"
UTF-8 BOM (.txt) :: index :: 0 :: EMPTY-ish :: recs 1 && asks widget '.results[0].question == "What is a widget?"' :: - :: F=$D/a.txt; printf "\357\273\277$QTXT" >"$F"
UTF-8 BOM (.jsonl) :: index :: 0 :: EMPTY-ish :: recs 1 :: - :: F=$D/a.jsonl; printf '\357\273\277{"question": "What is a widget?", "answer": "A gadget."}\n' >"$F"
UTF-8 BOM and nothing else (.md) :: index :: 3 :: empty file :: - :: - :: F=$D/a.md; printf '\357\273\277\n' >"$F"
UTF-16LE with BOM (.txt) :: index :: 3 :: a\.txt: UTF-16 text: convert it to UTF-8 \(iconv :: - :: - :: F=$D/a.txt; { printf '\377\376'; printf "$QTXT" | iconv -f UTF-8 -t UTF-16LE; } >"$F"
UTF-16BE with BOM (.jsonl) :: index :: 3 :: a\.jsonl: UTF-16 text: convert it to UTF-8 \(iconv :: - :: - :: F=$D/a.jsonl; { printf '\376\377'; printf '{"question": "What?", "answer": "x"}\n' | iconv -f UTF-8 -t UTF-16BE; } >"$F"
empty question field :: index :: 3 :: skipped: empty question.*|no Q&A records :: - :: - :: F=$D/a.jsonl; printf '{"question": "", "answer": "x"}\n' >"$F"
question of blanks only :: index :: 3 :: no Q&A records :: - :: - :: F=$D/a.jsonl; printf '{"question": "  \\t ", "answer": "x"}\n' >"$F"
empty answer field :: index :: 0 :: EMPTY-ish :: recs 1 :: - :: F=$D/a.jsonl; printf '{"question": "What is empty?", "answer": ""}\n' >"$F"
duplicate ids :: index :: 0 :: EMPTY-ish :: recs 2 :: - :: F=$D/a.jsonl; printf '{"id": "x", "question": "What is a?", "answer": "1"}\n{"id": "x", "question": "What is b?", "answer": "2"}\n' >"$F"
id of the wrong type :: index :: 0 :: id is not a string or integer :: recs 1 :: - :: F=$D/a.jsonl; printf '{"id": {"a": 1}, "question": "What is a?", "answer": "1"}\n{"id": 7, "question": "What is b?", "answer": "2"}\n' >"$F"
JSONL with a truncated last line :: index :: 0 :: a\.jsonl:3: skipped: invalid JSON :: recs 2 :: - :: F=$D/a.jsonl; printf '{"question": "What is a?", "answer": "1"}\n{"question": "What is b?", "answer": "2"}\n{"question": "What is c?", "ans' >"$F"
JSON array in a .json file :: index :: 0 :: EMPTY-ish :: recs 2 :: - :: F=$D/a.json; printf '[{"question": "What is a?", "answer": "1"}, {"question": "What is b?", "answer": "2"}]\n' >"$F"
Markdown with only headings :: index :: 3 :: no Q&A records :: - :: - :: F=$D/a.md; printf '# Title\n## Section\n### What is this?\n' >"$F"
0-byte .md :: index :: 3 :: a\.md: empty file :: - :: - :: F=$D/a.md; : >"$F"
blank lines only (.txt) :: index :: 3 :: empty file :: - :: - :: F=$D/a.txt; printf '  \n\n\t\n' >"$F"
control characters in questions :: index :: 0 :: EMPTY-ish :: noctl colours :: - :: F=$D/a.txt; printf '1. What is \033[2J\033[31mred\033[0m and a \007 bell?\nAns: Colours \033]0;pwned\007 here.\n' >"$F"
very long word (10k chars) :: index :: 0 :: EMPTY-ish :: recs 1 && asks "$(py "print('w'*10000)")" '.results | length == 1' :: - :: F=$D/a.txt; py "print('1. What is '+'w'*10000+' long?\nAns: '+'é'*10000)" >"$F"
symlink loop in a corpus directory :: index :: 0 :: directory loop, skipped :: recs 1 :: - :: F=$D/c; mkdir -p "$F/sub"; printf "$QTXT" >"$F/sub/a.txt"; ln -s .. "$F/sub/up"
symlink to itself in a directory :: index :: 0 :: self: Too many levels of symbolic links, skipped :: recs 1 :: - :: F=$D/c; mkdir -p "$F"; printf "$QTXT" >"$F/a.txt"; ln -s self "$F/self"
dangling symlink in a directory :: index :: 0 :: gone: No such file or directory, skipped :: recs 1 :: - :: F=$D/c; mkdir -p "$F"; printf "$QTXT" >"$F/a.txt"; ln -s nowhere "$F/gone"
directory of only hidden files :: index :: 3 :: c: no Q&A records :: - :: - :: F=$D/c; mkdir -p "$F/.git"; printf "$QTXT" >"$F/.a.txt"; printf "$QTXT" >"$F/.git/b.txt"
empty directory :: index :: 3 :: no Q&A records :: - :: - :: F=$D/c; mkdir -p "$F"
FIFO in a directory :: index :: 0 :: b\.txt: not a regular file, skipped :: recs 1 :: - :: F=$D/c; mkdir -p "$F"; printf "$QTXT" >"$F/a.txt"; mkfifo "$F/b.txt"
FIFO given as the file, with a writer (refused: not a regular file) :: index :: 4 :: f\.jsonl: not a regular file :: - :: - :: F=$D/f.jsonl; TO=8; mkfifo "$F"; ( timeout 20 sh -c 'printf "{\"question\": \"What is a fifo?\", \"answer\": \"A pipe.\"}\n" >"$1"' sh "$F" & )
/dev/null as the file :: index :: 4 :: /dev/null: not a regular file :: - :: - :: F=/dev/null
/dev/zero as the file (1 GB address space) :: index :: 4 :: /dev/zero: (Cannot allocate memory|not a regular file) :: - :: - :: F=/dev/zero; ! grep -q AddressSanitizer "$Q" || SKIP="ASan cannot run under ulimit -v"; ulimit -v 1000000
unreadable file in a directory (skipped) :: index :: 0 :: a\.txt: Permission denied, skipped :: recs 1 :: - :: F=$D/c; mkdir -p "$F"; printf "$QTXT" >"$F/a.txt"; printf "$QTXT" >"$F/b.txt"; chmod 000 "$F/a.txt"; [ "$(id -u)" != 0 ] || SKIP="root reads mode 000 files"
missing file :: index :: 4 :: nothing\.txt: No such file or directory :: - :: - :: F=$D/nothing.txt
one good path and one missing :: sh :: 4 :: nothing\.txt: No such file :: cmp -s "$DB" "$BASE" :: - :: printf "$QTXT" >"$D/a.txt"; "$Q" index --db "$DB" "$D/a.txt" "$D/nothing.txt"
same file given twice :: sh :: 0 :: indexed 1 records from 2 paths :: recs 1 :: - :: printf "$QTXT" >"$D/a.txt"; "$Q" index --db "$DB" "$D/a.txt" "$D/a.txt"
file name with a newline :: index :: 0 :: EMPTY-ish :: recs 1 :: - :: F="$D/$(printf 'a\nb.txt')"; printf "$QTXT" >"$F"
file name not valid UTF-8 :: index :: 0 :: EMPTY-ish :: asks widget '(.results | length) == 1 and (.results[0].source | test("b.*name"))' :: - :: F=$D/c; mkdir -p "$F"; printf "$QTXT" >"$F/$(printf 'b\377name.txt')"
--db is a directory (index) :: sh :: 4 :: Is a directory :: - :: - :: mkdir -p "$D/dir.db"; printf "$QTXT" >"$D/a.txt"; "$Q" index --db "$D/dir.db" "$D/a.txt"
--db in a nonexistent directory (index creates it) :: sh :: 0 :: EMPTY-ish :: [ -f "$D/new/sub/x.db" ] :: - :: printf "$QTXT" >"$D/a.txt"; "$Q" index --db "$D/new/sub/x.db" "$D/a.txt"
--db is an existing file that is not an index :: sh :: 3 :: not a quarry index :: cmp -s "$D/notes.txt" "$D/notes.bak" :: - :: printf 'my precious notes\n' >"$D/notes.txt"; cp "$D/notes.txt" "$D/notes.bak"; printf "$QTXT" >"$D/a.txt"; "$Q" index --db "$D/notes.txt" "$D/a.txt"
--db is empty (index) :: sh :: 2 :: --db needs a file name :: - :: - :: printf "$QTXT" >"$D/a.txt"; "$Q" index --db "" "$D/a.txt"
index without a path :: sh :: 2 :: no PATH given :: - :: - :: "$Q" index --db "$DB"
index: unknown option :: sh :: 2 :: bad option '--frobnicate' :: - :: - :: "$Q" index --frobnicate "$D"
ask: a million-term question on stdin (ranked whole, candidates kept) :: ask :: 0 :: EMPTY :: jqout '.answered == true and (.results | length > 0)' :: - :: F=$D/q; py "import random; r = random.Random(1); w = 'password reset vpn office connect settings client floor'.split(); print(' '.join(r.choice(w) for _ in range(1000000)))" >"$F"
ask: a million random terms on stdin :: ask :: 1 :: long question: [0-9]+ of its words not searched :: jqout '.answered == false' :: - :: F=$D/q; py "import random, string; r = random.Random(2); print(' '.join(''.join(r.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(1000000)))" >"$F"
ask: 100k-term question as 100k argv words (a million exceed ARG_MAX) :: sh :: 0 :: EMPTY :: jqout '.results | length > 0' :: - :: python3 -c "print(' '.join(['vpn', 'password', 'office', 'reset'] * 25000))" >"$D/q"; "$Q" ask --db "$BASE" --json $(cat "$D/q")
ask: invalid UTF-8 in the argument :: askarg :: 0 :: question: invalid UTF-8 replaced :: jqout '.query | test("\ufffd")' :: - :: F=$D/q; printf 'reset my pass\377word' >"$F"
ask: overlong and surrogate bytes on stdin :: ask :: 0 :: stdin:1: invalid UTF-8 replaced :: jqout '.results[0].id == "vpn"' :: - :: F=$D/q; printf 'connect \300\257 to the \355\240\200 vpn\n' >"$F"
ask: NUL byte at the end of a stdin line :: ask :: 0 :: - :: jqout '.results[0].id == "vpn"' :: - :: F=$D/q; printf 'connect to the vpn\000\n' >"$F"
ask: control characters in the question :: askarg :: 0 :: EMPTY :: jqout '.results[0].id == "vpn"' :: - :: F=$D/q; printf 'connect\001 to\033[31m the\177 vpn' >"$F"
ask: UTF-8 BOM before the first stdin line :: ask :: 0 :: EMPTY :: jqout '.query == "connect to the vpn"' :: - :: F=$D/q; printf '\357\273\277connect to the vpn\n' >"$F"
ask: CRLF stdin :: ask :: 0 :: EMPTY :: jqall '[.[].query] == ["where is the office", "how do I reset my password"]' :: - :: F=$D/q; printf 'where is the office\r\nhow do I reset my password\r\n' >"$F"
ask: a question of only punctuation :: askarg :: 1 :: EMPTY :: jqout '.results == []' :: - :: F=$D/q; printf '?!.,;:-()' >"$F"
ask: only stop words :: askarg :: 1 :: EMPTY :: jqout '.answered == false' :: - :: F=$D/q; printf 'what is the' >"$F"
ask: blanks other than space and tab :: askarg :: 2 :: empty question :: - :: - :: F=$D/q; printf ' \t\v\f ' >"$F"
ask: a 10k-char word :: sh :: 1 :: EMPTY :: - :: - :: "$Q" ask --db "$BASE" --json "$(python3 -c "print('w' * 10000)")"
ask: blank lines only on stdin :: ask :: 2 :: no question given :: - :: - :: F=$D/q; printf '\n\n  \n' >"$F"
ask --top huge :: sh :: 2 :: --top wants a whole number in \[1, 1000\] :: - :: - :: "$Q" ask --db "$BASE" --top 99999999999999999999 vpn
ask --top negative :: sh :: 2 :: --top wants a whole number :: - :: - :: "$Q" ask --db "$BASE" --top -5 vpn
ask --top non-numeric :: sh :: 2 :: --top wants a whole number :: - :: - :: "$Q" ask --db "$BASE" --top many vpn
ask --top fractional :: sh :: 2 :: --top wants a whole number :: - :: - :: "$Q" ask --db "$BASE" --top 2.5 vpn
ask --top empty :: sh :: 2 :: --top wants a whole number :: - :: - :: "$Q" ask --db "$BASE" --top '' vpn
ask --top nan :: sh :: 2 :: --top wants a whole number :: - :: - :: "$Q" ask --db "$BASE" --top nan vpn
ask --top 1e3 (accepted as 1000) :: sh :: 0 :: EMPTY :: jqout '.results | length > 3' :: - :: "$Q" ask --db "$BASE" --json --top 1e3 --threshold 0 what is it
ask --threshold out of range :: sh :: 2 :: threshold :: - :: - :: "$Q" ask --db "$BASE" --threshold 1.5 vpn
ask --k1 not a number :: sh :: 2 :: k1 :: - :: - :: "$Q" ask --db "$BASE" --k1 fast vpn
ask: unknown option :: sh :: 2 :: bad option '--frobnicate' :: - :: - :: "$Q" ask --db "$BASE" --frobnicate vpn
ask --db in a nonexistent directory :: sh :: 4 :: cannot open index .*: No such file or directory :: - :: - :: "$Q" ask --db "$D/no/such/dir/x.db" vpn
ask --db is a directory :: sh :: 4 :: Is a directory :: - :: - :: "$Q" ask --db "$D" vpn
ask --db is empty :: sh :: 4 :: cannot open index :: - :: - :: "$Q" ask --db "" vpn
stats --db missing :: sh :: 4 :: No such file or directory :: - :: - :: "$Q" stats --db "$D/missing.db"
ROWS
}

# ---- the runner ----
total=0 todos=0 skips=0
while IFS= read -r line; do
	case $line in *' :: '*) ;; *) continue ;; esac
	name=${line%% :: *}; rest=${line#* :: }
	cmd=${rest%% :: *}; rest=${rest#* :: }
	want=${rest%% :: *}; rest=${rest#* :: }
	errre=${rest%% :: *}; rest=${rest#* :: }
	check=${rest%% :: *}; rest=${rest#* :: }
	todo=${rest%% :: *}; gen=${rest#* :: }
	total=$((total + 1))
	D=$T/row$total
	rm -rf "$D"; mkdir -p "$D"
	DB=$T/row.db; rm -f "$DB" "$DB".tmp-*; cp "$BASE" "$DB"
	rm -f "$T/skip"
	why=
	export D DB
	if [ "$cmd" = sh ]; then
		timeout "$TO" sh -c "$gen" >"$T/out" 2>"$T/err" </dev/null
		rc=$?
	else
		# the generator runs in the subshell: it may set F, TO, SKIP
		# and limits (ulimit) for the command alone
		( F= SKIP=
		  eval "$gen"
		  if [ -n "$SKIP" ]; then echo "$SKIP" >"$T/skip"; exit 0; fi
		  case $cmd in
		  index) exec timeout "$TO" "$Q" index --db "$DB" "$F" ;;
		  ask) exec timeout "$TO" "$Q" ask --db "$BASE" --json <"$F" ;;
		  askarg) exec timeout "$TO" "$Q" ask --db "$BASE" --json "$(cat "$F")" ;;
		  esac ) >"$T/out" 2>"$T/err" </dev/null
		rc=$?
	fi
	if [ -s "$T/skip" ]; then
		n=$((n + 1)); skips=$((skips + 1)); printf 'ok %s - badinput: %s # SKIP %s\n' "$n" "$name" "$(cat "$T/skip")"
		continue
	fi
	[ "$rc" -eq "$want" ] || why="exit $rc, want $want"
	case $errre in
	-) ;;
	EMPTY) [ -s "$T/err" ] && why="${why:+$why; }stderr not empty" ;;
	EMPTY-ish) grep -q 'error:' "$T/err" && why="${why:+$why; }unexpected error line" ;;
	*) grep -Eq -- "$errre" "$T/err" || why="${why:+$why; }stderr does not match /$errre/" ;;
	esac
	if [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ]; then
		[ "$(grep -c 'error:' "$T/err")" -eq 1 ] || why="${why:+$why; }want exactly one error line"
	fi
	if [ "$cmd" = index ] || [ "$cmd" = sh ]; then
		if [ "$rc" -ne 0 ] && ! cmp -s "$DB" "$BASE"; then why="${why:+$why; }previous index changed"; fi
		ls "$DB".tmp-* >/dev/null 2>&1 && why="${why:+$why; }temporary file left"
	fi
	if [ "$check" != - ] && ! ( eval "$check" ) </dev/null >/dev/null 2>&1; then why="${why:+$why; }check failed: $check"; fi
	n=$((n + 1))
	if [ -z "$why" ]; then
		printf 'ok %s - badinput: %s\n' "$n" "$name"
	elif [ "$todo" != - ]; then
		todos=$((todos + 1))
		printf 'ok %s - badinput: %s # TODO %s\n' "$n" "$name" "$todo"
	else
		printf 'not ok %s - badinput: %s\n' "$n" "$name"
		printf '#   %s; stderr: %s\n' "$why" "$(head -c 300 "$T/err" | tr '\n' '|')"
	fi
	rm -rf "$D" "$DB" "$DB".tmp-*
done <<EOF
$(rows)
EOF
echo "# badinput: $total rows, $todos known bugs (TODO), $skips skipped"
