#!/bin/sh
# run.sh UNIT_BIN... - run the cmocka unit tests and the CLI scenarios,
# then print one summary line: "N passed, N failed".
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	"$t" >"$log" 2>&1
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed before reporting
	fi
	if [ "$f" -ne 0 ]; then
		cat "$log"
		echo "FAIL: $t"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
for s in tests/cli/*.sh; do
	[ -f "$s" ] || continue
	sh "$s" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^ok .*/x/p' "$log" | wc -l)
	f=$(sed -n 's/^not ok .*/x/p' "$log" | wc -l)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	grep -v '^ok ' "$log"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
