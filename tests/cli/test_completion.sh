#!/bin/sh
# test_completion.sh - the shell completions (completions/): the bash one
# driven through bash (the script sourced, COMP_WORDS and COMP_CWORD set,
# _quarry called, COMPREPLY read) for commands, options, fixed option
# values and file names; every command and option --help shows is offered
# by bash, fish and zsh (zsh through an interactive shell on a pty,
# tests/cli/zsh_complete.zsh), read from --help, so a new one fails here
# until the scripts have it; the zsh and fish scripts parse (zsh -n, fish
# --no-execute).
. tests/cli/lib.sh
. tests/cli/help_options.sh
top=$PWD
BASHC=${BASHC:-$top/completions/quarry.bash}

# comp WORD...: the completions bash offers for the command line WORD...
# (the last word is the one being completed), sorted, on one line; run in
# $T/files so that file names are those made below.
comp() {
	(cd "$T/files" && bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_quarry
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$BASHC" "$@")
}

# expect_comp NAME WANT WORD...: the completions are exactly WANT
expect_comp() {
	name=$1 want=$2
	shift 2
	got=$(comp "$@")
	if [ "$got" = "$want" ]; then ok "$name"
	else nok "$name" "want '$want', got '$got'"; fi
}

mkdir -p "$T/files/docs/sub" "$T/files/data"
: >"$T/files/docs/a.md"
: >"$T/files/docs/b.txt"
: >"$T/files/index.db"

expect_comp "quarry a -> ask" "ask " quarry a
expect_comp "quarry s -> stats" "stats " quarry s
expect_comp "quarry -- -> --help --version" "--help --version " quarry --
expect_comp "ask --model -> bm25 tfidf" "bm25 tfidf " quarry ask --model ""
expect_comp "chat --model t -> tfidf" "tfidf " quarry chat --model t
expect_comp "eval --model -> bm25 both tfidf" "bm25 both tfidf " quarry eval --model ""
expect_comp "ask --model=b (split at =) -> bm25" "bm25 " quarry ask --model = b
expect_comp "index --as -> passages qa" "passages qa " quarry index --as ""
expect_comp "ask --db i -> index.db" "index.db " quarry ask --db i
expect_comp "index docs/ -> its files and directory" \
	"docs/a.md docs/b.txt docs/sub " quarry index docs/
expect_comp "index --update d -> data docs" "data docs " quarry index --update d
expect_comp "eval: directories only" "data docs " quarry eval d
expect_comp "eval --per-query i -> index.db" "index.db " quarry eval --per-query i
expect_comp "ask --top: no completion (a number)" "" quarry ask --top ""
expect_comp "ask QUESTION: no file names" "" quarry ask what ""
expect_comp "index --no: nothing (index has no --no-*)" "" quarry index --no
expect_comp "ask --no -> --no-expand --no-log" "--no-expand --no-log " quarry ask --no
expect_comp "after the option's value, options again" "--json " \
	quarry ask --db index.db --js

# --profile reads the config file's [sections]
mkdir -p "$T/config/quarry"
printf 'default = ollama\n[ollama]\nurl = http://localhost:11434/v1\n[openai]\nmodel = x\n' \
	>"$T/config/quarry/config"
expect_comp "ask --profile -> the config's sections" "ollama openai " quarry ask --profile ""

# Every command quarry --help lists, and every option each command's --help
# shows, is offered.
cmds=$(help_commands)
if [ -n "$cmds" ]; then ok "quarry --help lists commands"; else nok "quarry --help lists commands"; fi
offered=$(comp quarry "")
missing=
for c in $cmds; do
	case " $offered" in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
if [ -z "$missing" ]; then ok "every command offered: $offered"
else nok "every command offered" "missing:$missing"; fi
for c in $cmds; do
	offered=$(comp quarry "$c" -)
	missing=
	for o in $("$Q" "$c" --help 2>&1 | help_options); do
		case " $offered" in *" $o "*) ;; *) missing="$missing $o" ;; esac
	done
	if [ -n "$offered" ] && [ -z "$missing" ]; then ok "$c -: every option of $c --help offered"
	else nok "$c -: every option of $c --help offered" "missing:$missing"; fi
done

# zsh and fish: the scripts parse.
if command -v zsh >/dev/null 2>&1; then
	if zsh -n "$top/completions/_quarry" 2>"$T/err"; then ok "zsh -n _quarry"
	else nok "zsh -n _quarry" "$(head -c 300 "$T/err")"; fi
	# (zsh's specs are shared between commands: checked as a whole)
	missing=
	for c in $cmds; do
		grep -q "^      '$c:" "$top/completions/_quarry" || missing="$missing $c"
		for o in $("$Q" "$c" --help 2>&1 | help_options); do
			grep -Eq -- "['{,)*]$o[]=+[,}]" "$top/completions/_quarry" ||
				missing="$missing $c:$o"
		done
	done
	if [ -z "$missing" ]; then ok "zsh: _quarry names every command and option of --help"
	else nok "zsh: _quarry names every command and option of --help" "missing:$missing"; fi
	# and, in an interactive zsh on a pseudo-terminal, TAB lists them (one
	# zsh for every line; the line zsh redraws after a listing follows its
	# last item without a newline: split before it)
	set -- "quarry eval --model " "quarry index --as " "quarry "
	for c in $cmds; do set -- "$@" "quarry $c -"; done
	zsh -f "$top/tests/cli/zsh_complete.zsh" "$top/completions" "$@" 2>&1 |
		sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; /^=== /!s/quarry /\n&/g' | tr -d '\r' >"$T/zsh"
	# zshc LINE: the words zsh listed for LINE, one a line
	zshc() {
		awk -v want="=== $1" 'index($0, "=== ") == 1 {
			if ($0 == want) { printf "%s", buf; exit }
			buf = ""; next
		} { buf = buf $0 "\n" }' "$T/zsh" | tr -s ' \t' '\n\n'
	}
	got=$(zshc "quarry eval --model " | grep -Ex 'bm25|both|tfidf' | sort | tr '\n' ' ')
	if [ "$got" = "bm25 both tfidf " ]; then ok "zsh: eval --model -> bm25 both tfidf"
	else nok "zsh: eval --model -> bm25 both tfidf" "got '$got'; $(head -c 300 "$T/zsh")"; fi
	got=$(zshc "quarry index --as " | grep -Ex 'qa|passages' | sort | tr '\n' ' ')
	if [ "$got" = "passages qa " ]; then ok "zsh: index --as -> passages qa"
	else nok "zsh: index --as -> passages qa" "got '$got'"; fi
	offered=" $(zshc "quarry " | tr '\n' ' ')"
	missing=
	for c in $cmds; do
		case $offered in *" $c "*) ;; *) missing="$missing $c" ;; esac
	done
	if [ -z "$missing" ]; then ok "zsh: every command listed"
	else nok "zsh: every command listed" "missing:$missing; got:$(echo "$offered" | head -c 300)"; fi
	for c in $cmds; do
		offered=" $(zshc "quarry $c -" | tr '\n' ' ')"
		missing=
		for o in $("$Q" "$c" --help 2>&1 | help_options); do
			case $offered in *" $o "*) ;; *) missing="$missing $o" ;; esac
		done
		if [ -z "$missing" ]; then ok "zsh: $c -: every option of $c --help listed"
		else nok "zsh: $c -: every option of $c --help listed" "missing:$missing"; fi
	done
else
	nok "zsh is installed (sh tests/deps.sh --test)"
fi
if command -v fish >/dev/null 2>&1; then
	if fish --no-execute "$top/completions/quarry.fish" 2>"$T/err"; then
		ok "fish --no-execute quarry.fish"
	else nok "fish --no-execute quarry.fish" "$(head -c 300 "$T/err")"; fi
	# and, loaded, it offers the commands and --model's values
	got=$(HOME=$T fish -c "source $top/completions/quarry.fish; complete -C 'quarry eval --model '" 2>&1 |
		cut -f1 | sort | tr '\n' ' ')
	if [ "$got" = "bm25 both tfidf " ]; then ok "fish: eval --model -> bm25 both tfidf"
	else nok "fish: eval --model -> bm25 both tfidf" "got '$got'"; fi
	# every command and every option of each command's --help
	fishc() {
		HOME=$T fish -c "source $top/completions/quarry.fish; complete -C '$1'" 2>&1 |
			cut -f1 | tr '\n' ' '
	}
	offered=" $(fishc 'quarry ')"
	missing=
	for c in $cmds; do
		case $offered in *" $c "*) ;; *) missing="$missing $c" ;; esac
	done
	if [ -z "$missing" ]; then ok "fish: every command offered"
	else nok "fish: every command offered" "missing:$missing"; fi
	for c in $cmds; do
		offered=" $(fishc "quarry $c -")"
		missing=
		for o in $("$Q" "$c" --help 2>&1 | help_options); do
			case $offered in *" $o "*) ;; *) missing="$missing $o" ;; esac
		done
		if [ -z "$missing" ]; then ok "fish: $c -: every option of $c --help offered"
		else nok "fish: $c -: every option of $c --help offered" "missing:$missing"; fi
	done
else
	nok "fish is installed (sh tests/deps.sh --test)"
fi
