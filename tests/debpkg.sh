#!/bin/sh
# debpkg.sh [--keep] - build the Debian package (debian/) from a copy of
# the tree, check it with lintian (any error fails), install it with apt,
# answer one question with the installed /usr/bin/quarry as an ordinary
# shell would find it, check that the manual page and the completions
# arrived, and remove the package again (purge), leaving nothing behind.
#
# Needs root (or sudo) and the packaging tools (sh tests/deps.sh deb).  The
# copy is the git HEAD when there is one (else the working tree), under a
# temporary directory of $TMPDIR, removed at the end unless --keep, which
# also leaves the package installed.  Prints what it does; exits 0 when
# every step passed.  Run from the repository root; CI runs it.
set -eu

keep=0
case ${1:-} in
--keep) keep=1 ;;
'') ;;
*) echo "usage: debpkg.sh [--keep]" >&2; exit 2 ;;
esac
if [ "$(id -u)" = 0 ]; then as_root=; else as_root=sudo; fi

step() { echo "debpkg: $*" >&2; }
fail() { echo "debpkg: FAILED: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/quarry-deb.XXXXXX")
installed=0
cleanup() {
	if [ "$installed" = 1 ] && [ "$keep" = 0 ]; then
		$as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 purge -y -qq quarry \
			>/dev/null 2>&1 || true
	fi
	[ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

src=$work/quarry
mkdir -p "$src"
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
	git archive HEAD | tar -x -C "$src"
else
	tar -c --exclude=./build --exclude=./quarry --exclude=./.git . | tar -x -C "$src"
fi

step "dpkg-buildpackage -us -uc -b"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log" >&2
	fail "dpkg-buildpackage"
}
deb=$(ls "$work"/quarry_*.deb)
dpkg-deb -c "$deb" | awk '{print $1, $6}' >&2
dpkg-deb -f "$deb" Depends Recommends >&2

step "lintian (fails on errors)"
lintian --fail-on error --display-info "$deb" "$work"/quarry_*.changes >&2 || fail "lintian"

step "apt-get install $deb"
installed=1
$as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$deb" \
	>"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "install"; }

for f in /usr/bin/quarry /usr/share/man/man1/quarry.1.gz \
	/usr/share/bash-completion/completions/quarry \
	/usr/share/zsh/vendor-completions/_quarry \
	/usr/share/fish/vendor_completions.d/quarry.fish \
	/usr/share/doc/quarry/copyright; do
	[ -f "$f" ] || fail "$f not installed"
done
[ "$(command -v quarry)" = /usr/bin/quarry ] || fail "quarry is not /usr/bin/quarry on PATH"

step "quarry ask with the installed binary"
home=$work/home
mkdir -p "$home"
out=$(cd "$home" && env -i PATH=/usr/bin:/bin HOME="$home" \
	quarry ask --json "what is dropout") || fail "quarry ask"
echo "$out" | grep -q '"answered": *true' || fail "no answer: $out"
echo "$out" | grep -q 'dropout' || fail "no answer about dropout: $out"
[ -f "$home/.cache/quarry/index.db" ] || fail "no index in the user's cache"

if [ "$keep" = 0 ]; then
	step "apt-get purge quarry"
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 purge -y -qq quarry \
		>/dev/null 2>&1 || fail "purge"
	installed=0
	[ ! -e /usr/bin/quarry ] || fail "/usr/bin/quarry left after purge"
	left=$(dpkg -L quarry 2>/dev/null || true)
	[ -z "$left" ] || fail "files left: $left"
fi
step "ok"
