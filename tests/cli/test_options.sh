#!/bin/sh
# test_options.sh - the shared option table (cli/options.c): which command
# takes which option, the range each value must lie in, that a bad value is
# one error line with exit 2, that --help lists every option a command
# takes, and that each ranking option's value reaches the ranker (a value
# stored in the wrong field changes the wrong score).
. tests/cli/lib.sh

# check NAME CMD...: ok when CMD succeeds (its output is dropped)
check() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"
	else nok "$name" "stdout: $(head -c 200 "$T/out")"; fi
}

# Options and the value each is tried with; "-" for a flag.
OPTS='db=x.db top=2 json=- threshold=0.5 explain=- llm=- llm-url=http://h
llm-model=m llm-timeout=5 dry-run=- context-budget=500 model=bm25 k1=1 b=0.5
wq=2 wa=2 qmatch=1 phrase=1 feedback=1 feedback-min=2 exhaustive=-
no-expand=- no-fts5=- per-query=x.tsv check-pruning=- quiet=- update=-
rebuild=- full=- as=qa convert=txt=cat'

# What each command takes (the rest it refuses as a bad option).
takes() {
	rank='model k1 b wq wa qmatch phrase feedback feedback-min exhaustive no-expand'
	llm='llm llm-url llm-model llm-timeout'
	case $1 in
	ask) echo "db top json threshold explain dry-run context-budget full $llm $rank" ;;
	chat) echo "db top json threshold full $llm $rank" ;;
	eval) echo "json threshold no-fts5 per-query check-pruning $rank" ;;
	index) echo "db quiet update rebuild as convert" ;;
	stats) echo "db json" ;;
	esac
}

# The option before --help: a command that takes it prints its usage (exit
# 0); one that does not stops at it with one error line (exit 2).
for c in ask chat eval index stats; do
	for kv in $OPTS; do
		o=${kv%%=*} v=${kv#*=}
		if [ "$v" = - ]; then run "$Q" "$c" "--$o" --help
		else run "$Q" "$c" "--$o" "$v" --help; fi
		case " $(takes "$c") " in
		*" $o "*)
			expect_rc "$c takes --$o" 0 ;;
		*)
			expect_rc "$c refuses --$o" 2
			expect_err "$c --$o: one line naming it" \
				"^quarry: error: $c: bad option '--$o' or missing argument" ;;
		esac
	done
done

# Every option a command takes is in its --help, with -h, -n, -j where
# they exist.
for c in ask chat eval index stats; do
	run "$Q" "$c" --help
	miss=
	for o in $(takes "$c") help; do
		grep -Eq -- "--$o([ ,=]|$)" "$T/out" || miss="$miss --$o"
	done
	if [ -z "$miss" ]; then ok "$c --help lists every option it takes"
	else nok "$c --help lists every option it takes" "missing:$miss"; fi
	if [ "$(awk 'length > 80' "$T/out" | wc -l)" -eq 0 ]; then
		ok "$c --help fits 80 columns"
	else nok "$c --help fits 80 columns" "$(awk 'length > 80' "$T/out")"; fi
done
for s in "ask -h" "ask -n 2 --help" "ask -j --help" "chat -n 2 -h" "chat -j -h" \
	"eval -j -h" "index -q -u -h" "stats -h"; do
	# shellcheck disable=SC2086
	run "$Q" $s; expect_rc "short options: $s" 0
done

# Ranges, at both ends: the bound is taken, a step beyond it is one error
# line (exit 2) naming the command, the option and the value.
while read -r o lo hi below above kind; do
	for c in ask chat eval; do
		case " $(takes "$c") " in *" $o "*) ;; *) continue ;; esac
		for v in "$lo" "$hi"; do
			run "$Q" "$c" "--$o" "$v" --help
			expect_rc "$c --$o $v is taken" 0
		done
		for v in "$below" "$above" abc; do
			run "$Q" "$c" "--$o" "$v" --help
			expect_rc "$c --$o $v is refused" 2
			re="^quarry: error: $c: --$o wants a $kind( number)?"
			expect_err "$c --$o $v: one line" "$re in \[$lo, $hi\], not '$v'$"
		done
	done
done <<'R'
top 1 1000 0 1001 whole
threshold 0 1 -0.1 1.1 number
llm-timeout 0 86400 -1 86401 number
k1 0 100 -0.5 100.5 number
b 0 1 -0.1 1.1 number
wq 0 1000 -1 1001 number
wa 0 1000 -1 1001 number
qmatch 0 100 -1 101 number
phrase 0 100 -1 101 number
feedback 0 10 -1 11 number
feedback-min 0 64 -1 65 whole
R
for c in ask chat; do
	run "$Q" "$c" --model bm2 --help; expect_rc "$c --model bm2 is refused" 2
	expect_err "$c --model bm2: one line" \
		"^quarry: error: $c: --model is bm25 or tfidf, not 'bm2'$"
done
run "$Q" eval --model both --help; expect_rc "eval --model both is taken" 0

# index's own values: a bad --as or --convert is one error line (exit 2),
# even before --help; good ones reach the reader.
run "$Q" index --as prose --help; expect_rc "index --as prose is refused" 2
expect_err "index --as prose: one line" \
	"^quarry: error: index: --as takes qa or passages, not 'prose'$"
for v in txt =cat t/x=cat; do
	run "$Q" index --convert "$v" --help; expect_rc "index --convert $v is refused" 2
	expect_err "index --convert $v: one line" \
		"^quarry: error: --convert wants EXT=COMMAND, got '$v'$"
done
for v in txt= 1.gz=zcat; do
	run "$Q" index --convert "$v" --help; expect_rc "index --convert $v is taken" 0
done
run "$Q" index -q --db "$T/as.db" --as passages corpus/deep-learning-interview-qa.txt
run "$Q" stats --db "$T/as.db"
expect_out "--as passages reaches the reader" '^kinds: +0 Q&A, [1-9][0-9]* passages'
# (a file of an unknown extension is sniffed as text: format txt; through a
# converter its format is the extension; --convert comes after the config)
mkdir "$T/conv"
printf 'Zebras graze on the open plain.\n' >"$T/conv/a.zz"
run "$Q" index -q --db "$T/conv.db" --convert zz=cat "$T/conv"
run "$Q" stats --db "$T/conv.db"
expect_out "--convert reaches the reader" '^formats: +zz 1$'
mkdir -p "$T/config/quarry"
printf 'convert.zz = cat\n' >"$T/config/quarry/config"
run "$Q" index -q --db "$T/conv.db" --convert zz= "$T/conv"
run "$Q" stats --db "$T/conv.db"
expect_out "--convert zz= drops the config file's rule" '^formats: +txt 1$'
rm -r "$T/config/quarry"

# Each value reaches its own field: the best answer's score to one
# question differs from the default's under every setting, and the
# settings, each giving its option the same value, all score differently
# (a value stored in another option's field scores as that option does).
QS="how does dropout prevent overfitting in neural networks"
score() { "$Q" ask --json --top 1 "$@" "$QS" | jq -r '.results[0].score'; }
def=$(score)
check "default score $def" test "${def:-null}" != null
seen="$def"
for s in "--k1 0.5" "--b 0.5" "--wq 0.5" "--wa 0.5" "--qmatch 0.5" "--phrase 0.5" \
	"--feedback 0.5 --feedback-min 0" "--model tfidf"; do
	# shellcheck disable=SC2086
	v=$(score $s)
	case " $seen " in
	*" $v "*) nok "$s scores apart from the rest" "got $v, seen: $seen" ;;
	*) ok "$s scores apart from the rest ($def -> $v)" ;;
	esac
	seen="$seen $v"
done
run "$Q" ask --json --top 4 --exhaustive "$QS"
ids=$(jq -c '[.results[].id]' "$T/out")
check "--top 4 gives 4 results" [ "$(jq '.results | length' "$T/out")" = 4 ]
check "--exhaustive ranks as MaxScore does" \
	[ "$ids" = "$("$Q" ask --json --top 4 "$QS" | jq -c '[.results[].id]')" ]
run "$Q" ask --json --threshold 1 "what is the capital of the moon"
check "--threshold 1 declines" jq -e '.answered == false' "$T/out"
# A question the corpus has no good answer to lists its nearest
# candidates, up to --top (default 3), each marked uncertain.
run "$Q" ask --top 2 "network of the moon cheese"
expect_out "declined with --top: candidates shown" '^Nearest candidates'
check "declined with --top 2: two candidates" test "$(grep -c 'uncertain, low confidence' "$T/out")" = 2
run "$Q" ask "network of the moon cheese"
check "declined without --top: three uncertain candidates" test "$(grep -c 'uncertain, low confidence' "$T/out")" = 3
run "$Q" ask --db "$T/none/x.db" x
expect_rc "--db names the index" 4
expect_err "--db names the index: one line" "$T/none/x.db"
run "$Q" ask --dry-run --llm-model probe-model --llm-url http://127.0.0.1:9 dropout
check "--llm-model reaches the request" grep -q '"model": *"probe-model"' "$T/out"
