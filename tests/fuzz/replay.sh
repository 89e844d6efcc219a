#!/bin/sh
# replay.sh [FILE...] - run every regression input (tests/fuzz/regress/*/)
# and seed (tests/fuzz/seeds/*/) once through its target, built without
# libFuzzer (replay_main.c) but with ASan+UBSan, one process per file, and
# print TAP lines: "ok N - fuzz_jsonl seeds/jsonl/qa.jsonl".  The strict
# (cosmetic) checks are on, see fuzz.h.  With FILEs (paths under seeds/ or
# regress/), replays only those.  Exits 1 when any input failed.
# Run from the repository root.
set -u
out=build/fuzz/replay
mkdir -p build/fuzz
REPLAY_CC=${REPLAY_CC:-clang}
command -v "$REPLAY_CC" >/dev/null 2>&1 || REPLAY_CC=gcc
export REPLAY_CC
sh tests/fuzz/build.sh replay "$out" >"$out.build.log" 2>&1 || {
	cat "$out.build.log" >&2
	echo "not ok 1 - fuzz replay build"
	exit 1
}
export QUARRY_FUZZ_STRICT=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:handle_abort=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
[ $# -gt 0 ] || set -- $(find tests/fuzz/regress tests/fuzz/seeds -type f ! -name '*.md5' ! -name 'README*' 2>/dev/null | sort)
n=0
fail=0
for f in "$@"; do
	rel=${f#tests/fuzz/}
	name=$(echo "$rel" | cut -d/ -f2)
	n=$((n + 1))
	if [ ! -x "$out/fuzz_$name" ]; then
		echo "not ok $n - $rel # no target fuzz_$name"
		fail=1
	elif "$out/fuzz_$name" "$f" >"$out.log" 2>&1; then
		echo "ok $n - fuzz_$name $rel"
	else
		echo "not ok $n - fuzz_$name $rel"
		grep -a -m 3 -E 'ERROR: |contract broken|runtime error|#[0-9] ' "$out.log" | sed 's/^/#   /'
		fail=1
	fi
done
exit $fail
