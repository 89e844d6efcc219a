#!/bin/sh
# quickstart.sh [--as-user] [--test] - run the README's quick start on a
# clean Debian 12 (debootstrap --variant=minbase bookworm: no compiler, no
# make, no sudo) in a chroot, the way a newcomer would: the first command
# (packages, build, one answer), and with --test the second one too (the
# test packages and make test).  The commands are read from the README's
# "Quick start" block, so the two cannot drift apart.
#
# As root inside the chroot by default; --as-user installs sudo first and
# runs them as an ordinary user who may use it (no password).
#
# Needs root (or sudo) and debootstrap (sh tests/deps.sh debootstrap).  The
# mirror is $QUICKSTART_MIRROR, else the first one the host's apt sources
# name.  The source tree is the git HEAD when there is one (else the
# working tree), copied in.  The chroot lives in a temporary directory
# under $TMPDIR and is removed at the end; nothing is cached.  Exits 0 when
# every command succeeded.  Run from the repository root.
set -eu

as_user=0
with_test=0
for a in "$@"; do
	case $a in
	--as-user) as_user=1 ;;
	--test) with_test=1 ;;
	*) echo "usage: quickstart.sh [--as-user] [--test]" >&2; exit 2 ;;
	esac
done

if [ "$(id -u)" = 0 ]; then as_root=; else as_root=sudo; fi
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || {
	echo "quickstart: no debootstrap (sh tests/deps.sh debootstrap)" >&2
	exit 2
}

# The quick start block: the ```sh fence after "## Quick start", comments
# after "   #" dropped.
cmds=$(awk '/^## Quick start/ { q = 1; next }
	q && /^```sh/ { f = 1; next }
	f && /^```/ { exit }
	f { sub(/[ \t]+#.*$/, ""); print }' README.md)
first=$(echo "$cmds" | sed -n 1p)
second=$(echo "$cmds" | sed -n 2p)
case $first in *deps.sh*make*) ;; *)
	echo "quickstart: README's first quick-start command not found: '$first'" >&2
	exit 2 ;;
esac

mirror=${QUICKSTART_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -n 's|^deb \(\[[^]]*\] \)*\(https*://[^ ]*\) .*|\2|p; s|^URIs: *\(https*://[^ ]*\).*|\1|p' |
	grep -v security | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d "${TMPDIR:-/tmp}/quarry-quickstart.XXXXXX")
chmod 755 "$root" # it becomes /, which everyone must reach
cleanup() {
	$as_root umount "$root/dev/pts" 2>/dev/null || true
	$as_root umount "$root/proc" 2>/dev/null || true
	# --one-file-system: never into a mount that failed to go
	$as_root rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

t0=$(date +%s)
echo "# debootstrap --variant=minbase bookworm from $mirror"
$as_root debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
	tail -n 20 "$root.log" >&2
	rm -f "$root.log"
	exit 1
}
rm -f "$root.log"
echo "# debootstrap took $(($(date +%s) - t0)) s"
# /proc, and terminals of their own (a new devpts instance) for the tests
# that drive quarry through tmux and script(1), as on a real machine
$as_root mount -t proc proc "$root/proc"
$as_root mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$root/dev/pts"
$as_root rm -f "$root/dev/ptmx"
$as_root ln -s pts/ptmx "$root/dev/ptmx"

$as_root mkdir -p "$root/src/quarry"
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
	git archive HEAD | $as_root tar -x -C "$root/src/quarry"
else
	tar -c --exclude=./build --exclude=./quarry --exclude=./.git . |
		$as_root tar -x -C "$root/src/quarry"
fi

# in_chroot CMD: run the shell command CMD in the tree, as root or the user
if [ $as_user = 1 ]; then
	$as_root chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends sudo >/dev/null &&
		useradd -m newcomer &&
		echo "newcomer ALL=(ALL) NOPASSWD: ALL" >/etc/sudoers.d/newcomer &&
		chown -R newcomer: /src/quarry'
	uid=$($as_root chroot "$root" id -u newcomer)
	gid=$($as_root chroot "$root" id -g newcomer)
	in_chroot() {
		$as_root chroot --userspec="$uid:$gid" "$root" /usr/bin/env -i \
			HOME=/home/newcomer USER=newcomer PATH=/usr/local/bin:/usr/bin:/bin \
			sh -c "cd /src/quarry && $1"
	}
	who="a user with sudo"
else
	in_chroot() {
		$as_root chroot "$root" /usr/bin/env -i HOME=/root \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c "cd /src/quarry && $1"
	}
	who=root
fi

status=0
# run_cmd CMD: run one quick-start command, say how it went and how long
run_cmd() {
	t0=$(date +%s)
	echo "# as $who: $1"
	if in_chroot "$1"; then
		echo "# ok ($(($(date +%s) - t0)) s): $1"
	else
		echo "# FAILED with exit $? ($(($(date +%s) - t0)) s): $1"
		status=1
	fi
}
run_cmd "$first"
[ $with_test = 0 ] || run_cmd "$second"
exit $status
