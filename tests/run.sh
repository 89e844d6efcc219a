#!/bin/sh
# run.sh TEST... - run cmocka unit test binaries and TAP-like CLI scripts
# (tests/cli/*.sh, run with sh), then print one summary line:
# "N passed, N failed, N skipped".
#
# A skip is counted as a skip, never as a pass: cmocka's skip() and TAP
# lines "ok N - name # SKIP reason" (shown with their reason).  A test that
# exits non-zero without reporting a failure, or reports no check at all,
# counts as one failure.  Each test's time goes on a "#" line.  Exits 1 when
# anything failed.
pass=0
fail=0
skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# count PATTERN: sum of the numbers cmocka prints on its summary lines
count() { sed -n "s/^\[  $1 *\] \([0-9]*\) test.*/\1/p" "$log" | awk '{s+=$1} END {print s+0}'; }

for t in "$@"; do
	t0=$(date +%s)
	case $t in
	*.sh)
		sh "$t" >"$log" 2>&1
		rc=$?
		s=$(grep -c '^ok .*# *SKIP' "$log")
		p=$(($(grep -c '^ok ' "$log") - s))
		f=$(grep -c '^not ok ' "$log")
		grep -v '^ok ' "$log"
		grep '^ok .*# *SKIP' "$log"
		;;
	*)
		"$t" >"$log" 2>&1
		rc=$?
		p=$(count PASSED)
		f=$(count FAILED)
		s=$(count SKIPPED)
		if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then cat "$log"; fi
		grep '^\[  SKIPPED \] [^0-9]' "$log" | sort -u
		;;
	esac
	why=
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why=" (exit $rc without reporting a failure)"
		f=1
	elif [ $((p + f + s)) -eq 0 ]; then
		why=" (reported no check)"
		f=1
	fi
	[ "$f" -eq 0 ] || echo "FAIL: $t$why"
	echo "# $t: $p passed, $f failed, $s skipped ($(($(date +%s) - t0)) s)"
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
