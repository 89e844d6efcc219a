#!/bin/sh
# test_prose.sh - any folder of documents: prose read as passages, HTML,
# converters (with the ways they fail), --as, --convert, stats by kind and
# format, and --update re-running a converter only for changed files.
. tests/cli/lib.sh

D=$T/docs
SQUAD=../shared/eval-prose/squad/docs
mkdir -p "$D" "$XDG_CONFIG_HOME/quarry"

# jqt FILTER: the last output is not empty and FILTER holds on it
jqt() { [ -s "$T/out" ] && jq -e "$1" "$T/out" >/dev/null; }
# cond && pass NAME || fail NAME [DETAIL]: DETAIL defaults to the output
pass() { ok "$1"; }
fail() { nok "$1" "${2:-$(head -c 400 "$T/out")}"; }
# errhas NAME REGEX: stderr of the last run has a line matching REGEX
errhas() { grep -Eq "$2" "$T/err" && ok "$1" || nok "$1" "$(cat "$T/err")"; }

# --- the documents: a Debian README, Markdown, broken HTML, an article ---
if [ -r /usr/share/doc/apt/README.md.gz ]; then
	zcat /usr/share/doc/apt/README.md.gz >"$D/apt-README.md"
else
	# apt is on every Debian system; this keeps the parts of its layout used below
	printf 'APT\n===\n\nTests failed, run ctest --verbose.\n\nDebugging\n---------\n\n%s\n' \
		'APT does many things, so there is no central debug mode which could be
activated. Instead, it uses options.' >"$D/apt-README.md"
fi
cat >"$D/page.html" <<'H'
<!DOCTYPE html>
<html><head><title>Widget manual</title>
<script>var tracking = "zzspyword";</script><style>.x{color:red}</style>
<body><nav>Home zznavword</nav>
<h1>Widget manual</h1>
<h2>Calibration</h2>
<p>To calibrate the frobnicator, turn the knob &amp; wait
for the <b>green</b>&nbsp;light.
<p>Unclosed <div>tags everywhere
<footer>zzfooterword</footer>
H
printf 'Lighthouse keeping\n\nThe keeper trims the wick every evening.\n%s\n\n%s\n' \
	'The lamp burns whale oil.' 'Storms break the glass twice a year.' >"$D/lighthouse.txt"
printf '1. What is a quokka?\nAns:\nA small wallaby.\n' >"$D/qa.txt"

# --- converters: one that works, and each way one can fail ---
CV=$T/conv
mkdir -p "$CV"
cat >"$CV/ok.sh" <<S
#!/bin/sh
echo "\$1" >>"$T/ran.log"
printf 'Converted\n\nThe zebrafish glows under blue light.\n'
S
printf '#!/bin/sh\necho started >>"%s/hang.log"\nsleep 60\n' "$T" >"$CV/hang.sh"
printf '#!/bin/sh\necho partial; exit 7\n' >"$CV/fail.sh"
printf '#!/bin/sh\nhead -c 65536 /dev/urandom\n' >"$CV/bin.sh"
printf '#!/bin/sh\nhead -c 104857600 /dev/zero | tr "\\000" a\n' >"$CV/big.sh"
chmod +x "$CV"/*.sh
for e in good hang fail bin big gone; do printf 'source of .%s\n' "$e" >"$D/doc.$e"; done
cat >"$XDG_CONFIG_HOME/quarry/config" <<C
convert.good = $CV/ok.sh %s
convert.hang = $CV/hang.sh %s
convert.fail = $CV/fail.sh %s
convert.bin = $CV/bin.sh
convert_timeout = 2
convert_max_mb = 8
C

start=$(date +%s)
run "$Q" index --db "$T/p.db" --convert "big=$CV/big.sh %s" \
	--convert "gone=quarry-no-such-tool %s" "$D"
took=$(($(date +%s) - start))
rc0=$rc
expect_rc "a folder with prose, HTML and converters indexes" 0
for e in hang fail bin big gone; do
	c=$(grep -c "doc\.$e" "$T/err")
	[ "$c" = 1 ] && pass "one warning for the .$e converter" ||
		fail "one warning for the .$e converter" "$c lines: $(cat "$T/err")"
done
errhas "hang: timed out" 'doc\.hang.*timed out after 2 s, skipped'
errhas "fail: exit status named" 'doc\.fail.*failed \(exit 7\), skipped'
errhas "binary output refused" 'doc\.bin.*looks binary, skipped'
errhas "100 MB output stopped at the limit" 'doc\.big.*printed over 8 MB, skipped'
errhas "missing converter named" "doc\.gone.*'quarry-no-such-tool' not found, skipped"
[ "$rc0" = 0 ] && [ "$took" -lt 30 ] && pass "limits keep the build short (${took}s)" ||
	fail "limits keep the build short" "${took}s"
[ -s "$T/hang.log" ] && ! pgrep -f "$CV/hang.sh" >/dev/null &&
	pass "the hanging converter was killed" || fail "the hanging converter was killed" "-"

run "$Q" stats --db "$T/p.db"
# the README has headings: Q&A by heading, as before; qa.txt one more
expect_out "stats: records by kind" '^kinds: +[1-9][0-9]+ Q&A, 3 passages'
for f in 'md [1-9][0-9]*' 'html 1' 'good 1' 'txt 2'; do
	expect_out "stats: format $f" "^formats: .*$f(,|\$)"
done

# --- what the passages hold ---
run "$Q" ask --db "$T/p.db" --json --top 1 "how to calibrate the frobnicator"
jqt '.results[0] | .question == "Widget manual > Calibration" and .line == 7
	and (.answer | test("knob & wait for the green\u00a0light")) and .id == "page.html:7"' &&
	pass "HTML: heading path, entities, reflowed text, file:line id" || fail "HTML passage"
h=$(sqlite3 "$T/p.db" "SELECT count(*) FROM docs d JOIN sources s ON s.id = d.source
	WHERE s.path LIKE '%page.html'" 2>/dev/null)
for w in zzspyword zznavword zzfooterword; do
	c=$(sqlite3 "$T/p.db" "SELECT count(*) FROM docs WHERE answer LIKE '%$w%'
		OR question LIKE '%$w%'" 2>/dev/null)
	[ "${h:-0}" -gt 0 ] && [ "$c" = 0 ] && pass "HTML: $w dropped" ||
		fail "HTML: $w dropped" "page records $h, with the word $c"
done
run "$Q" ask --db "$T/p.db" --json --top 1 "debugging: no central debug mode"
jqt '.results[0] | .question == "Debugging" and (.answer | startswith("APT does many things, "
	+ "so there is no central debug mode which could be activated. Instead"))' &&
	pass "README from /usr/share/doc: setext heading, paragraph reflowed" ||
	fail "README setext heading"
run "$Q" ask --db "$T/p.db" --json --top 1 "tests failed ctest verbose"
jqt '.results[0].answer | (test("Debugging") | not) and test("ctest --verbose")' &&
	pass "README: the setext heading is not left in the answer above it" ||
	fail "README: setext heading in the previous answer"
run "$Q" ask --db "$T/p.db" --json --top 1 "how does the keeper trim the wick"
jqt '.results[0] | .question == "Lighthouse keeping" and .line == 3 and .answer ==
	"The keeper trims the wick every evening. The lamp burns whale oil.\n\n"
	+ "Storms break the glass twice a year."' &&
	pass "plain text: title line, paragraphs packed, first line number" ||
	fail "plain text passage"
run "$Q" ask --db "$T/p.db" --json --top 1 "what is a quokka"
jqt '.results[0] | .id == "1" and .question == "What is a quokka?"' &&
	pass "Q&A file in the folder stays Q&A" || fail "Q&A stays Q&A"
run "$Q" ask --db "$T/p.db" --json --top 1 "zebrafish glows"
jqt '.results[0].source | endswith("doc.good")' &&
	pass "converter output indexed under the original file" || fail "converter output"

# --- ids are stable across runs ---
"$Q" index -q --db "$T/p2.db" "$D" 2>/dev/null
a=$("$Q" ask --db "$T/p.db" --json --top 5 "keeper lamp widget" | jq -c '[.results[].id]')
b=$("$Q" ask --db "$T/p2.db" --json --top 5 "keeper lamp widget" | jq -c '[.results[].id]')
[ -n "$a" ] && [ "$a" = "$b" ] && pass "passage ids stable across builds" ||
	fail "passage ids stable" "$a vs $b"

# --- --update re-runs a converter only for a changed file ---
before=$(wc -l <"$T/ran.log")
run "$Q" index --db "$T/p.db" --update "$D"
after=$(wc -l <"$T/ran.log")
[ "$before" -ge 1 ] && [ "$before" = "$after" ] &&
	pass "--update: unchanged file not converted again" ||
	fail "--update unchanged" "$before -> $after"
sleep 1
printf 'changed\n' >>"$D/doc.good"
run "$Q" index --db "$T/p.db" --update "$D"
after2=$(wc -l <"$T/ran.log")
[ "$after2" = $((after + 1)) ] && pass "--update: changed file converted once" ||
	fail "--update changed" "$after -> $after2"

# --- --as forces a reading; bad values are usage errors ---
mkdir -p "$T/prose"
cp "$D/lighthouse.txt" "$T/prose/"
run "$Q" index --db "$T/q.db" --as qa "$T/prose"
expect_rc "--as qa on prose: nothing to index" 3
errhas "--as qa message" 'error: .*prose: no Q&A records found'
run "$Q" index --db "$T/q.db" --as passages corpus/deep-learning-interview-qa.txt
expect_rc "--as passages on the bundled Q&A" 0
run "$Q" stats --db "$T/q.db"
expect_out "--as passages: all passages" '^kinds: +0 Q&A, [1-9][0-9]* passages'
run "$Q" index --db "$T/q.db" --as poems "$T/prose"
expect_rc "--as with a bad value" 2
run "$Q" index --db "$T/q.db" --convert "nonsense" "$T/prose"
expect_rc "--convert without =" 2
expect_err "--convert message" 'EXT=COMMAND'

# --- the squad articles: every file gives passages within the bound ---
if [ -d "$SQUAD" ]; then
	run "$Q" index --db "$T/s.db" "$SQUAD"
	expect_rc "squad articles index" 0
	c=$(sqlite3 "$T/s.db" "SELECT count(*) FROM docs
		WHERE length(CAST(answer AS BLOB)) > 800")
	[ "$c" = 0 ] && pass "no passage over 800 bytes" || fail "no passage over 800 bytes" "$c"
	c=$(sqlite3 -separator ' ' "$T/s.db" "SELECT d.ext_id, s.path, d.line
		FROM docs d JOIN sources s ON s.id = d.source" |
		awk '{ k = split($2, p, "/"); w = p[k] ":" $3
			if ($1 != w && index($1, w ".") != 1) c++ }
			END { print NR ? c + 0 : "no rows" }')
	[ "$c" = 0 ] && pass "passage ids are file:line" || fail "passage ids are file:line" "$c"
else
	echo "# skip: squad articles: $SQUAD missing (not counted)"
fi

# --- a man page through the shipped `man` rule ---
if [ -r /usr/share/man/man1/ls.1.gz ] && command -v man >/dev/null; then
	mkdir -p "$T/man"
	cp /usr/share/man/man1/ls.1.gz "$T/man/"
	run "$Q" index --db "$T/man.db" "$T/man"
	expect_rc "man page indexed" 0
	run "$Q" ask --db "$T/man.db" --json --top 1 "sort entries alphabetically"
	jqt '.results[0] | (.source | endswith("ls.1.gz")) and (.answer | contains("Sort entries "
		+ "alphabetically if none of -cftuvSUX nor --sort is specified."))' &&
		pass "man page text, unhyphenated and reflowed" || fail "man page text"
	run "$Q" stats --db "$T/man.db"
	expect_out "man page format" '^formats: +1\.gz [1-9]'
else
	echo "# skip: man page: man or ls.1.gz not installed (not counted)"
fi

# --- PDF through pdftotext, when it is installed ---
if command -v pdftotext >/dev/null && groff -Tpdf </dev/null >/dev/null 2>&1; then
	printf '.TL\nOtters\n.PP\nSea otters hold hands while sleeping.\n' |
		groff -ms -Tpdf >"$T/prose/otters.pdf"
	run "$Q" index --db "$T/pdf.db" "$T/prose"
	expect_rc "PDF indexed" 0
	run "$Q" ask --db "$T/pdf.db" --json --top 1 "otters hold hands"
	jqt '.results[0].source | endswith("otters.pdf")' && pass "PDF text found" ||
		fail "PDF text found"
else
	echo "# skip: PDF through pdftotext: pdftotext (poppler-utils) or groff -Tpdf" \
		"not installed (not counted)"
fi
