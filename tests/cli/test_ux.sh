#!/bin/sh
# test_ux.sh - output a person reads first: confidence in words, weak
# tails left out, declined questions with their candidates, batches with
# each question, hints on a terminal, chat's bare commands, LLM replies
# laid out for a terminal (a pseudo-terminal from script(1), util-linux).
. tests/cli/lib.sh

check() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "stdout: $(head -c 300 "$T/out")"; fi; }
jqo() { jq -e "$1" "$T/out" >/dev/null; }
# pty CMD: run the shell command CMD on a 60-column pseudo-terminal,
# stdin at its end; what the terminal shows (stdout and stderr) in $T/out
# and, without the carriage returns and the erased waiting line, in $T/tty
pty() {
	script -qec "stty cols 60 rows 40; $1" /dev/null </dev/null >"$T/out" 2>&1
	tr -d '\r' <"$T/out" | sed 's/^waiting for [^ ]*\.\.\.\x1b\[K//' >"$T/tty"
}

# --- how sure an answer is, instead of the BM25 score ---
run "$Q" ask "what is dropout"; expect_rc "answered" 0
expect_out "confidence in words and a bar" '^1\. corpus/deep-learning-interview-qa.txt #18 \(line 74\)  high confidence \[#####\]$'
check "no raw score in plain output" test "$(grep -c 'score' "$T/out")" = 0
run "$Q" ask --explain "what is dropout"
expect_out "--explain shows the score too" '^1\. .*high confidence \[#####\], score [0-9]+\.[0-9]+$'

# --- weak tails: left out unless --top asks for them ---
run "$Q" ask "what is batch normalization"
check "weak tail left out: one answer" test "$(grep -c '^[0-9]\. corpus' "$T/out")" = 1
expect_out "a line says what was left out and how to see it" '^\(2 weaker answers not shown: --top 3 shows them\)$'
run "$Q" ask --top 3 "what is batch normalization"
check "--top 3 shows them" test "$(grep -c '^[0-9]\. corpus' "$T/out")" = 3
check "--top: no line about left-out answers" test "$(grep -c 'not shown' "$T/out")" = 0
run "$Q" ask --json "what is batch normalization"
check "JSON keeps every result and field" jqo '(.results | length) == 3 and (.results[2] | has("score") and has("confidence") and has("snippet"))' "$T/out"

# --- a declined question: its nearest candidates, marked uncertain ---
run "$Q" ask "how does a cat sleep"; expect_rc "declined" 1
expect_out "declined: says so" '^The corpus has no good answer to: how does a cat sleep$'
check "declined: three candidates, each uncertain" test "$(grep -c '^[0-9]\. .*uncertain, [a-z]* confidence \[' "$T/out")" = 3
run "$Q" ask --top 1 "how does a cat sleep"
check "declined --top 1: one candidate" test "$(grep -c 'uncertain' "$T/out")" = 1

# --- a batch from a file: each question before its answers ---
printf 'what is dropout\n\nhow does a cat sleep\n' >"$T/q"
run sh -c "\"$Q\" ask <\"$T/q\""; expect_rc "batch" 0
check "batch: each question printed, in order" test "$(grep '^? ' "$T/out" | tr '\n' '|')" = "? what is dropout|? how does a cat sleep|"
check "batch: the first line is the first question" test "$(head -n 1 "$T/out")" = "? what is dropout"
check "batch: a blank line before the next question" grep -B1 '^? how does' "$T/out" | head -n 1 | grep -q '^$'
run sh -c "\"$Q\" ask --json <\"$T/q\""
check "batch --json: two lines, no question lines" test "$(wc -l <"$T/out") $(grep -c '^?' "$T/out")" = "2 0"

# --- ask alone on a terminal says what it expects ---
pty "'$Q' ask"
check "ask on a terminal: a hint" grep -q 'type a question and press Enter' "$T/tty"
check "ask on a terminal: EOF without a question is a usage error" grep -q 'no question given' "$T/tty"
run sh -c "\"$Q\" ask </dev/null"
check "ask from /dev/null: no hint" test "$(grep -c 'type a question' "$T/err")" = 0

# --- chat: help, quit, exit without the slash; unknown /commands ---
printf 'what is dropout\nhelp\n/frobnicate\nquit\nwhat is PCA\n' >"$T/in"
run sh -c "\"$Q\" chat <\"$T/in\""; expect_rc "chat" 0
expect_out "bare 'help' is /help" '^  /sources '
check "bare 'quit' leaves (PCA not asked)" test "$(grep -c '#56' "$T/out")" = 0
expect_err "unknown /command: a one-line hint, no error" "^quarry: unknown command '/frobnicate'; /help lists the commands$"
printf 'exit\nwhat is PCA\n' | "$Q" chat >"$T/out" 2>&1
check "bare 'exit' leaves" test ! -s "$T/out"
printf 'quit now\n' | "$Q" chat >"$T/out" 2>&1
check "'quit now' is a question, not a command" grep -Eq 'for: quit now|^1\. ' "$T/out"

# --- stats: in words, records per file, --json ---
mkdir -p "$T/notes"
printf 'Q: What is a zebra?\nA: A striped horse.\n\nQ: What is a yak?\nA: A shaggy ox.\n' >"$T/notes/animals.txt"
printf 'Q: What is tea?\nA: A drink.\n' >"$T/notes/drinks.txt"
"$Q" index -q --db "$T/s.db" "$T/notes" >/dev/null 2>&1
printf 'Q: What is coffee?\nA: A drink.\n' >>"$T/notes/drinks.txt"
"$Q" index -q --update --db "$T/s.db" "$T/notes" >/dev/null 2>&1
run "$Q" stats --db "$T/s.db"; expect_rc "stats" 0
expect_out "stats: records per file" 'animals\.txt: 2 records \([0-9]+ bytes\)$'
expect_out "stats: records per file (updated)" 'drinks\.txt: 2 records'
expect_out "stats: segments explained" '^segments: +2 \(the last full build and the updates since'
expect_out "stats: deleted explained" '^deleted: +1 \(old records of changed or removed files'
run "$Q" stats --json --db "$T/s.db"; expect_rc "stats --json" 0
check "stats --json: one object with the counts and files" jqo '.records == 4 and .segments == 2 and .deleted == 1 and (.sources | map(.records) | add) == 4 and (.sources[0] | has("path") and has("bytes") and has("kind") and has("format") and has("bundled"))'
check "stats --json: one line" test "$(wc -l <"$T/out")" = 1
run "$Q" stats --json --db "$T/s.db" -h
expect_out "stats --help explains segments and deleted" '^deleted: records of changed'
run sh -c "\"$Q\" stats --json --db \"$T/s.db\" >/dev/full"; expect_rc "stats --json to a full disk" 4

# --- progress on a terminal: after each file (converters), updates too ---
mkdir -p "$T/zz"
printf '#!/bin/sh\nsleep 0.3\ncat "$1"\n' >"$T/slow.sh"; chmod +x "$T/slow.sh"
for i in 1 2 3; do printf 'Zebra number %s grazes on the open plain.\n' $i >"$T/zz/z$i.zz"; done
pty "'$Q' index --db '$T/z.db' --convert 'zz=$T/slow.sh %s' '$T/zz'"
check "index through a converter: progress after each file" grep -q "$(printf '\rquarry: 2 files, 2 records')" "$T/out"
printf 'A fourth zebra.\n' >"$T/zz/z4.zz"
pty "'$Q' index --update --db '$T/z.db' --convert 'zz=$T/slow.sh %s' '$T/zz'"
check "index --update: progress line" grep -q "$(printf '\rquarry: 1 file, ')" "$T/out"
check "index --update: the summary" grep -q 'updated .*1 new or changed file' "$T/tty"
printf 'A fifth zebra.\n' >"$T/zz/z5.zz"
pty "'$Q' index -q --update --db '$T/z.db' --convert 'zz=$T/slow.sh %s' '$T/zz'"
check "index -q on a terminal: no progress" test ! -s "$T/tty"
run "$Q" index --db "$T/z2.db" --convert "zz=$T/slow.sh %s" "$T/zz"
check "index piped: no progress line" test "$(grep -c 'files,' "$T/err")" = 0

# --- building the default index from one's own files ---
run "$Q" index "$T/notes"; expect_rc "index notes into the default index" 0
check "index: the summary says the bundled corpus was replaced, and how to keep or restore it" \
	grep -q "the bundled corpus is no longer in .*index --update PATH.*delete that file" "$T/err"
run "$Q" ask "what is dropout"; expect_rc "then the bundled corpus is not searched" 1
run "$Q" index "$T/notes"
check "index again: nothing replaced, no note" test "$(grep -c 'bundled corpus' "$T/err")" = 0
rm -f "$XDG_CACHE_HOME/quarry/index.db"
run "$Q" ask "what is dropout"; expect_rc "index file deleted: the bundled corpus is back" 0
rm -f "$XDG_CACHE_HOME/quarry/index.db"
run "$Q" index --update "$T/notes"; expect_rc "index --update on no default index yet" 0
check "index --update: no replaced note" test "$(grep -c 'no longer' "$T/err")" = 0
run "$Q" ask -n 1 "what is dropout"; expect_rc "--update kept the bundled corpus" 0
run "$Q" ask -n 1 "what is a zebra"
expect_out "--update added the notes beside it" 'animals\.txt #1'
run "$Q" index --db "$T/own.db" "$T/notes"
check "an index of one's own (--db): no note" test "$(grep -c 'bundled' "$T/err")" = 0

# --- LLM replies on a terminal ---
"$Q" ask --llm --dry-run dropout >/dev/null 2>"$T/err"
if grep -q 'without LLM support' "$T/err"; then
	ok "# SKIP LLM layout: built without LLM support"
	exit 0
fi
python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$T"' EXIT
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
export QUARRY_LLM_URL="http://127.0.0.1:$(head -n 1 "$T/port")/v1" QUARRY_LLM_MODEL=markdown

pty "'$Q' ask --llm 'what is dropout'"
check "terminal: the reply arrives" grep -q 'Done\.' "$T/tty"
check "terminal: waiting line shown, then erased" grep -q "$(printf 'waiting for markdown\\.\\.\\.\r\033\\[K')" "$T/out"
sed 's/\x1b\[[0-9;]*m//g' "$T/tty" >"$T/vis"
check "terminal: no line wider than 60 columns" test "$(sed '/^Sources:/,$d' "$T/vis" | LC_ALL=C.UTF-8 wc -L)" -le 60
check "terminal: a long word is never split" grep -q '^supercalifragilisticexpialidocious words' "$T/vis"
check "terminal: **bold** shown bold, marks gone" grep -q "$(printf '\033\\[1mregularization technique\033\\[0m')" "$T/tty"
check "terminal: code span in cyan" grep -q "$(printf '\033\\[36mnn.Dropout(p=0.5)\033\\[0m')" "$T/tty"
check "terminal: list item as a bullet, wrapped under its text" grep -A1 '^• first point' "$T/vis" | tail -n 1 | grep -q '^  [a-z]'
check "terminal: code block indented, spacing kept, fences gone" test "$(grep -c '^    layer = nn.Dropout(0.5)  # keep   spacing$' "$T/vis") $(grep -c '```' "$T/vis")" = "1 0"
check "terminal: sources after the reply" grep -q '^  \[1\] corpus/deep-learning-interview-qa.txt #18' "$T/vis"

pty "NO_COLOR=1 '$Q' ask --llm 'what is dropout'"
check "NO_COLOR: no attributes, marks kept" test "$(grep -c "$(printf '\033\\[[0-9]*m')" "$T/tty") $(grep -c '\*\*regularization' "$T/tty")" = "0 1"
check "NO_COLOR: still wrapped at 60" test "$(sed '/^Sources:/,$d' "$T/tty" | LC_ALL=C.UTF-8 wc -L)" -le 60

run "$Q" ask --llm "what is dropout"
check "piped: the reply's bytes as they came" grep -qx 'Dropout is a \*\*regularization technique\*\* that randomly ignores neurons \[1\]\. Use `nn.Dropout(p=0.5)` in PyTorch; supercalifragilisticexpialidocious words stay whole\.' "$T/out"
check "piped: no waiting line" test "$(grep -c waiting "$T/err")" = 0

printf 'what is dropout\n/llm on\nwhat is dropout\n' >"$T/in"
pty "'$Q' chat <'$T/in'"
sed 's/\x1b\[[0-9;]*m//g' "$T/tty" >"$T/vis"
check "chat: the reply laid out as ask --llm's (bullet, Sources)" test "$(grep -c '^• second point$' "$T/vis") $(grep -c '^Sources:$' "$T/vis")" = "1 1"

# escape sequences in a reply stay visible with the layout on
QUARRY_LLM_MODEL=stream-escape pty "'$Q' ask --llm 'what is dropout'"
check "terminal: the reply's escapes made visible" test "$(grep -c '\^\[\]0;PWNED' "$T/tty") $(grep -c "$(printf '\033]')" "$T/tty")" = "1 0"

# --- chat on a terminal (tmux): Ctrl-L clears the screen ---
if ! command -v tmux >/dev/null 2>&1; then
	nok "chat Ctrl-L: tmux is not installed (tests/deps.sh --test)"
	exit 0
fi
sock="quarryux-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'kill $spid 2>/dev/null; tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
# visible: the pane as it shows now (no scrollback)
visible() { tm capture-pane -p -J -t qt 2>/dev/null; }
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(visible | grep -Ec -- "$1")" -ge "${2:-1}" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
mkdir -p "$T/home"
rm -f "$XDG_CACHE_HOME/quarry/index.db"
TERM=${TERM:-xterm} tm new-session -d -s qt -x 100 -y 40 \
	"env HOME='$T/home' XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' NO_COLOR=1 '$Q' chat; echo EXITED \$?; sleep 60"
wait_for '^quarry> ' >/dev/null
tm send-keys -t qt 'what is dropout' Enter
if wait_for '#18 \(line'; then ok "tty chat: answered"; else nok "tty chat: answered" "$(visible | tail -n 5)"; fi
wait_for '^quarry> ' 2 >/dev/null
tm send-keys -t qt 'half typed' C-l
if wait_for '^quarry> half typed' && [ "$(visible | grep -c '#18')" = 0 ]; then ok "tty chat: Ctrl-L clears the screen, keeps the line"; else nok "tty chat: Ctrl-L" "$(visible | head -n 5)"; fi
tm send-keys -t qt C-u 'quit' Enter
if wait_for '^EXITED 0$'; then ok "tty chat: bare 'quit' leaves"; else nok "tty chat: quit" "$(visible | tail -n 5)"; fi
