#!/bin/sh
# buildcmp.sh - index the same corpus with several quarry binaries in
# turn, ROUNDS times (interleaved, so the machine's drift falls on all of
# them alike), and print each one's median wall, user and system seconds
# and peak RSS; then check that they all wrote the same index (cmp, with
# SOURCE_DATE_EPOCH fixed).
#
#   tests/bench/buildcmp.sh ROUNDS CORPUS BINARY...
#
# A binary finds its word vectors beside it (vectors/words.qvec) as an
# installed one does: copy that directory next to each binary compared.
set -eu
[ $# -ge 3 ] || {
	echo "usage: tests/bench/buildcmp.sh ROUNDS CORPUS BINARY..." >&2
	exit 2
}
rounds=$1 corpus=$2
shift 2
command -v /usr/bin/time >/dev/null || {
	echo "buildcmp: needs /usr/bin/time (Debian package time)" >&2
	exit 2
}
T=$(mktemp -d "${TMPDIR:-/tmp}/buildcmp.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export SOURCE_DATE_EPOCH=1700000000
r=0
while [ $r -lt "$rounds" ]; do
	i=0
	for b in "$@"; do
		i=$((i + 1))
		rm -f "$T/$i.db"
		/usr/bin/time -f "$i %e %U %S %M" -a -o "$T/times" \
			"$b" index -q --db "$T/$i.db" "$corpus"
	done
	r=$((r + 1))
done
i=0
for b in "$@"; do
	i=$((i + 1))
	awk -v k="$i" -v name="$b" '
	$1 == k { n++; w[n] = $2; u[n] = $3; s[n] = $4; m[n] = $5 }
	function med(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		printf "%-40s wall %6.2f s  user %6.2f s  sys %5.2f s  peak %5.0f MB  (%d builds)\n",
			name, med(w, n), med(u, n), med(s, n), med(m, n) / 1024, n
	}' "$T/times"
done
i=0
same=0
for b in "$@"; do
	i=$((i + 1))
	if cmp -s "$T/1.db" "$T/$i.db"; then
		same=$((same + 1))
	else
		echo "buildcmp: $b wrote a different index than $1" >&2
	fi
done
echo "$same of $# indexes the same bytes"
[ "$same" -eq $# ]
