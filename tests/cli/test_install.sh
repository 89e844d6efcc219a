#!/bin/sh
# test_install.sh - `make install` into a temporary DESTDIR puts exactly the
# binary, the manual page, the three completion scripts and the word
# vectors where PREFIX, BINDIR, MANDIR, DATADIR and the completion directories say, with their modes, and
# the installed binary answers; `make uninstall` with the same variables
# leaves no file behind.  Runs the Makefile in a copy holding the quarry
# already built (make -o quarry: never rebuilt, whatever kind of build
# it is, and this tree's build stamps are left alone).
. tests/cli/lib.sh
S=$T/src
mkdir -p "$S"
cp -R Makefile quarry doc completions vectors "$S"/
MAKE="${MAKE:-make} -C $S -o quarry"

# files DIR: the files under DIR, with their modes, sorted, one a line
files() { (cd "$1" && find . -type f -exec stat -c '%a %n' {} + | sort); }

D=$T/dest
if $MAKE -s install DESTDIR="$D" PREFIX=/usr/local >"$T/out" 2>&1; then
	ok "make install DESTDIR PREFIX=/usr/local"
else
	nok "make install DESTDIR PREFIX=/usr/local" "$(tail -c 400 "$T/out")"
fi
want='644 ./usr/local/share/bash-completion/completions/quarry
644 ./usr/local/share/fish/vendor_completions.d/quarry.fish
644 ./usr/local/share/man/man1/quarry.1
644 ./usr/local/share/quarry/words.qvec
644 ./usr/local/share/zsh/site-functions/_quarry
755 ./usr/local/bin/quarry'
got=$(files "$D")
if [ "$got" = "$want" ]; then ok "installed: $(echo "$got" | tr '\n' ' ')"
else nok "installed: binary, man page, three completions" "got: $(echo "$got" | tr '\n' ' ')"; fi

if cmp -s quarry "$D/usr/local/bin/quarry" && cmp -s doc/quarry.1 "$D/usr/local/share/man/man1/quarry.1" &&
	cmp -s completions/quarry.bash "$D/usr/local/share/bash-completion/completions/quarry"; then
	ok "the installed files are the built ones"
else
	nok "the installed files are the built ones"
fi
run "$D/usr/local/bin/quarry" ask --json "what is dropout"
expect_rc "the installed binary answers" 0

if $MAKE -s uninstall DESTDIR="$D" PREFIX=/usr/local >"$T/out" 2>&1; then
	ok "make uninstall"
else
	nok "make uninstall" "$(tail -c 400 "$T/out")"
fi
got=$(files "$D")
if [ -z "$got" ]; then ok "uninstall: no file left"
else nok "uninstall: no file left" "left: $(echo "$got" | tr '\n' ' ')"; fi

# Each directory variable on its own, as a distribution's packaging sets them.
D=$T/dest2
vars="BINDIR=/opt/q/b MANDIR=/opt/q/m BASHCOMPDIR=/opt/q/bash ZSHCOMPDIR=/opt/q/zsh FISHCOMPDIR=/opt/q/fish DATADIR=/opt/q/data"
# shellcheck disable=SC2086 # one word a variable
if $MAKE -s install DESTDIR="$D" $vars >"$T/out" 2>&1; then
	ok "make install with BINDIR, MANDIR and the completion directories"
else
	nok "make install with BINDIR, MANDIR and the completion directories" "$(tail -c 400 "$T/out")"
fi
want='644 ./opt/q/bash/quarry
644 ./opt/q/data/words.qvec
644 ./opt/q/fish/quarry.fish
644 ./opt/q/m/man1/quarry.1
644 ./opt/q/zsh/_quarry
755 ./opt/q/b/quarry'
got=$(files "$D")
if [ "$got" = "$want" ]; then ok "each file where its variable says"
else nok "each file where its variable says" "got: $(echo "$got" | tr '\n' ' ')"; fi
# shellcheck disable=SC2086
$MAKE -s uninstall DESTDIR="$D" $vars >"$T/out" 2>&1
got=$(files "$D")
if [ -z "$got" ]; then ok "uninstall with the same variables: no file left"
else nok "uninstall with the same variables: no file left" "left: $(echo "$got" | tr '\n' ' ')"; fi

# Uninstall needs no compiler nor libraries, and of a tree with nothing
# installed it is a quiet success.
if PKG_CONFIG=/bin/false $MAKE -s uninstall DESTDIR="$T/none" >"$T/out" 2>&1; then
	ok "uninstall of nothing, without pkg-config's libraries"
else
	nok "uninstall of nothing, without pkg-config's libraries" "$(tail -c 400 "$T/out")"
fi
