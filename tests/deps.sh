#!/bin/sh
# deps.sh - install the Debian packages quarry needs, if any are missing.
# Used by `make` and `make test`; quiet when everything is there.  Extra
# package names given as arguments are installed too (the benchmarks').
pkgs="pkg-config libsqlite3-dev sqlite3 libutf8proc-dev libjansson-dev
libcurl4-openssl-dev libstemmer-dev libedit-dev libncurses-dev libbsd-dev
libmd-dev libcmocka-dev libxml2-dev jq python3 curl wamerican $*"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "quarry: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing >/dev/null
