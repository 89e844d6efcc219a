# shellcheck shell=sh
# rounds.sh - sourced by small.sh and startup.sh: timing commands in
# rounds taking turns, so that on a shared machine every command meets its
# good and bad moments alike.  Needs hyperfine and jq; uses $RUNS and
# $ROUNDS.

# med: the median of the numbers on stdin, one per line.
med() {
	sort -n | awk '{v[NR] = $1}
		END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# rounds DIR CMD...: ROUNDS hyperfine runs of RUNS / ROUNDS each (at least
# 5) over all the commands; command i's median of each round, in ms, is
# appended to DIR/i (emptied first).  The figure to quote is `med <DIR/i`.
rounds() {
	rd=$1
	shift
	per=$((RUNS / ROUNDS))
	[ "$per" -ge 5 ] || per=5
	i=0
	while [ $i -lt $# ]; do : >"$rd/$i"; i=$((i + 1)); done
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		hyperfine -N -w 5 -r "$per" --export-json "$rd/h.json" "$@" \
			>/dev/null 2>&1
		i=0
		while [ $i -lt $# ]; do
			jq ".results[$i].median * 1000" "$rd/h.json" >>"$rd/$i"
			i=$((i + 1))
		done
		r=$((r + 1))
	done
}
