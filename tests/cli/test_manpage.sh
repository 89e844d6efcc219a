#!/bin/sh
# test_manpage.sh - the manual page (doc/quarry.1) renders without a
# warning from mandoc -T lint or from groff -ww (what man runs), and names
# every command `quarry --help` lists, every option each command's --help
# shows (its usage lines and its option rows) and chat's /commands, so the
# page and the program cannot drift apart.  The lists are read from --help
# itself: a new option or command fails here until the page has it.  Run
# by `make check` (and, as every tests/cli/test_*.sh, by `make test`).
. tests/cli/lib.sh
. tests/cli/help_options.sh
PAGE=${PAGE:-doc/quarry.1}

if ! command -v mandoc >/dev/null 2>&1; then
	nok "mandoc is installed (sh tests/deps.sh --test)"
	exit 1
fi

# Warnings and errors; "style" messages are left out, since one of them
# (a referenced page not installed) depends on the machine.
if mandoc -T lint -W warning "$PAGE" >"$T/lint" 2>&1; then
	ok "mandoc -T lint -W warning: nothing"
else
	nok "mandoc -T lint -W warning: nothing" "$(head -c 600 "$T/lint")"
fi

# What man(1) runs on Debian: groff with every warning on.
if command -v groff >/dev/null 2>&1; then
	if groff -mandoc -ww -z -Tutf8 "$PAGE" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then
		ok "groff -mandoc -ww: no warning"
	else
		nok "groff -mandoc -ww: no warning" "$(head -c 600 "$T/lint")"
	fi
else
	nok "groff is installed (sh tests/deps.sh --test)"
fi

# The page as a reader sees it: plain text, one paragraph a line (no wrap
# can split an option from its dashes), overstrike removed.
bs=$(printf '\b')
mandoc -T ascii -O width=1000 "$PAGE" | sed "s/.$bs//g" >"$T/page"
if [ -s "$T/page" ]; then ok "the page renders"; else nok "the page renders"; fi

# in_page WORD: WORD is in the page as a word of its own (--db, not --dbx)
in_page() {
	grep -Eq -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" "$T/page"
}

"$Q" --help >"$T/help" 2>&1
cmds=$(help_commands)
if [ -n "$cmds" ]; then ok "quarry --help lists commands: $(echo $cmds)"
else nok "quarry --help lists commands" "$(head -c 300 "$T/help")"; fi

missing=
for o in $(help_options <"$T/help"); do in_page "$o" || missing="$missing $o"; done
if [ -z "$missing" ]; then ok "quarry --help: every option in the page"
else nok "quarry --help: every option in the page" "missing:$missing"; fi

for c in $cmds; do
	if grep -Eq "^ +quarry $c( |\$)" "$T/page"; then ok "$c: in the SYNOPSIS"
	else nok "$c: in the SYNOPSIS"; fi
	"$Q" "$c" --help >"$T/help" 2>&1
	opts=$(help_options <"$T/help")
	if [ -z "$opts" ]; then
		nok "$c --help: options found" "$(head -c 300 "$T/help")"
		continue
	fi
	missing=
	for o in $opts; do in_page "$o" || missing="$missing $o"; done
	if [ -z "$missing" ]; then ok "$c --help: all $(echo $opts | wc -w) options in the page"
	else nok "$c --help: every option in the page" "missing:$missing"; fi
done

# chat's own commands, from the rows of its help's "commands:" list
"$Q" chat --help >"$T/help" 2>&1
slash=$(awk '/^commands:/ { c = 1; next } c && /^$/ { c = 0 }
	c && /^  \// { gsub(/,/, ""); for (i = 1; i <= NF && $i ~ /^\//; i++) print $i }' "$T/help")
missing=
for s in $slash; do in_page "$s" || missing="$missing $s"; done
if [ -n "$slash" ] && [ -z "$missing" ]; then ok "chat's commands in the page: $(echo $slash)"
else nok "chat's commands in the page" "found: $(echo $slash); missing:$missing"; fi

# The check itself: an option the page lacks is caught.
printf 'usage: quarry x [--no-such-option]\n\noptions:\n  -Z, --zz-top N  x\n' >"$T/help"
opts=$(help_options <"$T/help" | tr '\n' ' ')
missing=
for o in $opts; do in_page "$o" || missing="$missing $o"; done
if [ "$missing" = " --no-such-option --zz-top -Z" ]; then ok "a missing option is caught"
else nok "a missing option is caught" "options: $opts; missing:$missing"; fi
