#!/bin/sh
# deps.sh [--test | deb] [PACKAGE...] - install the Debian 12 packages
# quarry needs, when any are missing: the compiler, make, pkg-config and the
# libraries to build it; with --test, also what `make test`, `make asan` and
# `make fuzz` run (cmocka, jq, python3, tmux, valgrind, clang, mandoc, zsh,
# fish...); with deb, also what building the Debian package and checking it
# take (dpkg-buildpackage, debhelper, lintian).  Further PACKAGEs (the
# benchmarks') are installed too.
#
# Needs nothing but dpkg and apt-get, so it runs first on a fresh machine
# (a minbase chroot has neither a compiler nor make).  Runs apt-get directly
# as root, else through sudo.  Quiet when everything is there.  Exits
# non-zero when a package cannot be installed.
set -eu

build="gcc make libc6-dev pkg-config libsqlite3-dev libutf8proc-dev
libjansson-dev libcurl4-openssl-dev libstemmer-dev libedit-dev libbsd-dev
libmd-dev libncurses-dev zlib1g-dev libxml2-dev wamerican ca-certificates"
test="libcmocka-dev sqlite3 jq python3 curl tmux valgrind clang
libclang-rt-14-dev binutils util-linux mandoc groff-base zsh fish wordnet-base
strace poppler-utils groff"
deb="dpkg-dev debhelper fakeroot lintian"

pkgs=$build
case ${1:-} in
--test) pkgs="$pkgs $test"; shift ;;
deb | --deb) pkgs="$pkgs $deb"; shift ;;
esac
pkgs="$pkgs $*"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1; then
	as_root=sudo
else
	echo "deps.sh: missing packages:$missing; run this as root (no sudo here)" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
# (env, not export: sudo would drop it)
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086 # one word a package
$as_root env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
