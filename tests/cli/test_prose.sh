#!/bin/sh
# test_prose.sh - any folder of documents: prose read as passages, HTML,
# converters (with the ways they fail), --as, --convert, stats by kind and
# format, and --update re-running a converter only for changed files.
. tests/cli/lib.sh

D=$T/docs
# jqt FILTER: the last output is not empty and FILTER holds on it
jqt() { [ -s "$T/out" ] && jq -e "$1" "$T/out" >/dev/null; }
mkdir -p "$D" "$XDG_CONFIG_HOME/quarry"
SQUAD=../shared/eval-prose/squad/docs

# --- the documents: a Debian README, Markdown, broken HTML, an article ---
if [ -r /usr/share/doc/apt/README.md.gz ]; then
	zcat /usr/share/doc/apt/README.md.gz >"$D/apt-README.md"
else
	# apt is on every Debian system; this copy keeps its layout
	printf 'APT\n===\n\napt is the package manager.\n\nDebugging\n---------\n\nUse -o Debug::pkgProblemResolver=yes to see why.\n' >"$D/apt-README.md"
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
printf 'Lighthouse keeping\n\nThe keeper trims the wick every evening.\nThe lamp burns whale oil.\n\nStorms break the glass twice a year.\n' >"$D/lighthouse.txt"
printf '1. What is a quokka?\nAns:\nA small wallaby.\n' >"$D/qa.txt"

# --- converters: one that works, and each way one can fail ---
CV=$T/conv
mkdir -p "$CV"
printf '#!/bin/sh\necho "$1" >>%s/ran.log\nprintf "Converted\\n\\nThe zebrafish glows under blue light.\\n"\n' "$T" >"$CV/ok.sh"
printf '#!/bin/sh\necho started >>%s/hang.log\nsleep 60\n' "$T" >"$CV/hang.sh"
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
run "$Q" index --db "$T/p.db" --convert "big=$CV/big.sh %s" --convert "gone=quarry-no-such-tool %s" "$D"
took=$(( $(date +%s) - start ))
rc0=$rc
expect_rc "a folder with prose, HTML and converters indexes" 0
for e in hang fail bin big gone; do
	c=$(grep -c "doc\.$e" "$T/err")
	if [ "$c" = 1 ]; then ok "one warning for the .$e converter"; else nok "one warning for the .$e converter" "$c lines: $(cat "$T/err")"; fi
done
grep -q 'doc\.hang.*timed out after 2 s, skipped' "$T/err" && ok "hang: timed out" || nok "hang: timed out" "$(cat "$T/err")"
grep -q "doc\.fail.*failed (exit 7), skipped" "$T/err" && ok "fail: exit status named" || nok "fail: exit status named" "$(cat "$T/err")"
grep -q 'doc\.bin.*looks binary, skipped' "$T/err" && ok "binary output refused" || nok "binary output refused" "$(cat "$T/err")"
grep -q 'doc\.big.*printed over 8 MB, skipped' "$T/err" && ok "100 MB output stopped at the limit" || nok "100 MB output stopped" "$(cat "$T/err")"
grep -q "doc\.gone.*'quarry-no-such-tool' not found, skipped" "$T/err" && ok "missing converter named" || nok "missing converter named" "$(cat "$T/err")"
[ "$rc0" = 0 ] && [ "$took" -lt 30 ] && ok "limits keep the build short (${took}s)" || nok "limits keep the build short" "${took}s"
if [ -s "$T/hang.log" ] && ! pgrep -f "$CV/hang.sh" >/dev/null; then ok "the hanging converter was killed"; else nok "the hanging converter was killed"; fi

run "$Q" stats --db "$T/p.db"
# the README has headings: Q&A by heading, as before; qa.txt one more
expect_out "stats: records by kind" '^kinds: +[1-9][0-9]+ Q&A, 3 passages'
for f in 'md [1-9][0-9]*' 'html 1' 'good 1' 'txt 2'; do
	expect_out "stats: format $f" "^formats: .*$f(,|\$)"
done

# --- what the passages hold ---
run "$Q" ask --db "$T/p.db" --json --top 1 "how to calibrate the frobnicator"
if jqt '.results[0].question == "Widget manual > Calibration" and (.results[0].answer|test("knob & wait for the green\u00a0light")) and .results[0].line == 7 and .results[0].id == "page.html:7"'; then
	ok "HTML: heading path, entities, reflowed text, file:line id"
else nok "HTML passage" "$(head -c 400 "$T/out")"; fi
h=$(sqlite3 "$T/p.db" "SELECT count(*) FROM docs d JOIN sources s ON s.id = d.source WHERE s.path LIKE '%page.html'" 2>/dev/null)
for w in zzspyword zznavword zzfooterword; do
	c=$(sqlite3 "$T/p.db" "SELECT count(*) FROM docs WHERE answer LIKE '%$w%' OR question LIKE '%$w%'" 2>/dev/null)
	if [ "${h:-0}" -gt 0 ] && [ "$c" = 0 ]; then ok "HTML: $w dropped"; else nok "HTML: $w dropped" "page records $h, with the word $c"; fi
done
run "$Q" ask --db "$T/p.db" --json --top 1 "debugging: no central debug mode"
if jqt '.results[0].question == "Debugging" and (.results[0].answer|startswith("APT does many things, so there is no central debug mode which could be activated. Instead"))'; then
	ok "README from /usr/share/doc: setext heading, paragraph reflowed"
else nok "README setext heading" "$(head -c 400 "$T/out")"; fi
run "$Q" ask --db "$T/p.db" --json --top 1 "tests failed ctest verbose"
if jqt '(.results[0].answer|test("Debugging")|not) and (.results[0].answer|test("ctest --verbose"))'; then
	ok "README: the setext heading is not left in the answer above it"
else nok "README: setext heading in the previous answer" "$(head -c 400 "$T/out")"; fi
ln=$(grep -n 'Storms break' "$D/lighthouse.txt" | cut -d: -f1)
run "$Q" ask --db "$T/p.db" --json --top 1 "how does the keeper trim the wick"
if jqt '.results[0].question == "Lighthouse keeping" and .results[0].line == 3 and .results[0].answer == "The keeper trims the wick every evening. The lamp burns whale oil.\n\nStorms break the glass twice a year."' && [ "$ln" = 6 ]; then
	ok "plain text: title line, paragraphs packed, first line number"
else nok "plain text passage" "$(head -c 400 "$T/out")"; fi
run "$Q" ask --db "$T/p.db" --json --top 1 "what is a quokka"
if jqt '.results[0].id == "1" and .results[0].question == "What is a quokka?"'; then ok "Q&A file in the folder stays Q&A"; else nok "Q&A stays Q&A" "$(head -c 300 "$T/out")"; fi
run "$Q" ask --db "$T/p.db" --json --top 1 "zebrafish glows"
if jqt '.results[0].source|endswith("doc.good")'; then ok "converter output indexed under the original file"; else nok "converter output" "$(head -c 300 "$T/out")"; fi

# --- ids are stable across runs ---
"$Q" index -q --db "$T/p2.db" "$D" 2>/dev/null
a=$("$Q" ask --db "$T/p.db" --json --top 5 "keeper lamp widget" | jq -c '[.results[].id]')
b=$("$Q" ask --db "$T/p2.db" --json --top 5 "keeper lamp widget" | jq -c '[.results[].id]')
[ -n "$a" ] && [ "$a" = "$b" ] && ok "passage ids stable across builds" || nok "passage ids stable" "$a vs $b"

# --- --update re-runs a converter only for a changed file ---
before=$(wc -l <"$T/ran.log")
run "$Q" index --db "$T/p.db" --update "$D"
after=$(wc -l <"$T/ran.log")
[ "$before" -ge 1 ] && [ "$before" = "$after" ] && ok "--update: unchanged file not converted again" || nok "--update unchanged" "$before -> $after"
sleep 1; printf 'changed\n' >>"$D/doc.good"
run "$Q" index --db "$T/p.db" --update "$D"
after2=$(wc -l <"$T/ran.log")
[ "$after2" = $((after + 1)) ] && ok "--update: changed file converted once" || nok "--update changed" "$after -> $after2"

# --- --as forces a reading; bad values are usage errors ---
mkdir -p "$T/prose"; cp "$D/lighthouse.txt" "$T/prose/"
run "$Q" index --db "$T/q.db" --as qa "$T/prose"; expect_rc "--as qa on prose: nothing to index" 3
grep -q 'error: .*prose: no Q&A records found' "$T/err" && ok "--as qa message" || nok "--as qa message" "$(cat "$T/err")"
run "$Q" index --db "$T/q.db" --as passages corpus/deep-learning-interview-qa.txt; expect_rc "--as passages on the bundled Q&A" 0
run "$Q" stats --db "$T/q.db"; expect_out "--as passages: all passages" '^kinds: +0 Q&A, [1-9][0-9]* passages'
run "$Q" index --db "$T/q.db" --as poems "$T/prose"; expect_rc "--as with a bad value" 2
run "$Q" index --db "$T/q.db" --convert "nonsense" "$T/prose"; expect_rc "--convert without =" 2; expect_err "--convert message" 'EXT=COMMAND'

# --- the squad articles: every file gives passages within the bound ---
if [ -d "$SQUAD" ]; then
	run "$Q" index --db "$T/s.db" "$SQUAD"; expect_rc "squad articles index" 0
	c=$(sqlite3 "$T/s.db" "SELECT count(*) FROM docs WHERE length(CAST(answer AS BLOB)) > 800")
	[ "$c" = 0 ] && ok "no passage over 800 bytes" || nok "no passage over 800 bytes" "$c"
	c=$(sqlite3 -separator ' ' "$T/s.db" "SELECT d.ext_id, s.path, d.line FROM docs d JOIN sources s ON s.id = d.source" |
		awk '{ k = split($2, p, "/"); w = p[k] ":" $3; if ($1 != w && index($1, w ".") != 1) c++ } END { print NR ? c + 0 : "no rows" }')
	[ "$c" = 0 ] && ok "passage ids are file:line" || nok "passage ids are file:line" "$c"
else
	echo "# skip: squad articles: $SQUAD missing (not counted)"
fi

# --- PDF through pdftotext, when it is installed ---
if command -v pdftotext >/dev/null && command -v groff >/dev/null && groff -Tpdf </dev/null >/dev/null 2>&1; then
	printf '.TL\nOtters\n.PP\nSea otters hold hands while sleeping.\n' | groff -ms -Tpdf >"$T/prose/otters.pdf"
	run "$Q" index --db "$T/pdf.db" "$T/prose"; expect_rc "PDF indexed" 0
	run "$Q" ask --db "$T/pdf.db" --json --top 1 "otters hold hands"
	if jqt '.results[0].source|endswith("otters.pdf")'; then ok "PDF text found"; else nok "PDF text found"; fi
else
	echo "# skip: PDF through pdftotext: pdftotext (poppler-utils) or groff -Tpdf not installed (not counted)"
fi
