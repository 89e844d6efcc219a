#!/bin/sh
# bench.sh - `make bench`: quarry against SQLite FTS5 at scale, one run,
# side by side, on the same records and the same questions.
#
# Corpora (built once into $BENCH_DIR, reused while present):
#   dict      Debian's dictd dictionaries (gcide, wn, foldoc, jargon) as
#             JSONL, headword -> definition (dict2jsonl.py): ~368k records
#   synth-1M, synth-2M
#             synthetic records with the dictionary's vocabulary (synth.c)
# Questions: every judged query of /work/shared/eval/*/ and tests/devset
# (queries.py), deduplicated: ~1,900.
#
# For each corpus and system: build time, MB/s, peak RSS (/usr/bin/time),
# index size, per-question latency p50/p99 with the index open (qtime.c
# piping questions into one `quarry ask --json --top 10`; ftsquery.c in
# process for FTS5), and end to end, a fresh process per question
# (`quarry ask --top 10 Q`; `ftsquery -1 DB Q`).  Prints the table and the
# issue's targets, and writes both to $BENCH_DIR/latest.md.
#
# Knobs (environment):
#   QUARRY=./quarry       the binary measured (copied first, so a rebuild
#                         during the run changes nothing)
#   BENCH_DIR=/tmp/quarry-bench   corpora, tools, indexes, results
#   BENCH_CORPORA="dict synth-1M synth-2M"   any of those, or synth-Nk/M
#   BENCH_SYSTEMS="quarry fts5"   which to measure (quarry alone: minutes;
#                         FTS5 answering ~1,900 questions on 2M records:
#                         hours)
#   BENCH_QUERIES=0       questions per corpus (0 = all); evenly sampled
#   BENCH_E2E=200         questions run end to end
#   BENCH_SEED=1          synth's seed
#   BENCH_MEM_MB          address-space cap for each build (ulimit -v);
#                         default 3/4 of RAM, so a runaway build fails
#                         alone instead of waking the OOM killer
#   EVAL_DIR=/work/shared/eval   the judged collections
# A build or query run that fails is recorded as failed in the table and
# the run carries on.  Exit status 0 when the table was written.
set -eu

cd "$(dirname "$0")/../.."
QUARRY=${QUARRY:-./quarry}
BENCH_DIR=${BENCH_DIR:-/tmp/quarry-bench}
BENCH_CORPORA=${BENCH_CORPORA:-dict synth-1M synth-2M}
BENCH_SYSTEMS=${BENCH_SYSTEMS:-quarry fts5}
BENCH_QUERIES=${BENCH_QUERIES:-0}
BENCH_E2E=${BENCH_E2E:-200}
BENCH_SEED=${BENCH_SEED:-1}
EVAL_DIR=${EVAL_DIR:-/work/shared/eval}
CC=${CC:-cc}
HERE=tests/bench
BIN=$BENCH_DIR/bin
RUN=$BENCH_DIR/run
RES=$RUN/results.tsv
DICTS="gcide wn foldoc jargon"
T0=$(date +%s)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
elapsed() { echo $(($(date +%s) - T0)); }

# ---- what the run needs ----

need_packages() {
	missing=
	for p in dict-gcide dict-wn dict-foldoc dict-jargon time \
		libsqlite3-dev libjansson-dev python3; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || missing="$missing $p"
	done
	command -v "$CC" >/dev/null || missing="$missing gcc"
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	# shellcheck disable=SC2086
	$sudo apt-get install -y $missing >&2 ||
		die "could not install$missing"
}

# $cflags and $DICTS are word lists: split on purpose.
# shellcheck disable=SC2086
build_tools() {
	cflags="-O2 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes"
	cflags="$cflags -Wmissing-prototypes -Wformat=2 -std=c11"
	$CC $cflags -o "$BIN/qtime" $HERE/qtime.c -lm
	$CC $cflags -o "$BIN/ftsquery" $HERE/ftsquery.c -lsqlite3 -lm
	$CC $cflags -o "$BIN/ftsload" $HERE/ftsload.c -lsqlite3 -ljansson
	$CC $cflags -o "$BIN/synth" $HERE/synth.c -ljansson
}

# Records of a corpus name: synth-2M -> 2000000, synth-500k -> 500000.
synth_count() {
	n=${1#synth-}
	case $n in
	*[Mm]) echo $((${n%?} * 1000000)) ;;
	*[Kk]) echo $((${n%?} * 1000)) ;;
	*[!0-9]* | '') die "bad corpus name: $1" ;;
	*) echo "$n" ;;
	esac
}

# Estimated KB a corpus takes: its JSONL (when not cached) and two
# indexes of about 1.5x the JSONL each.
disk_need_kb() {
	case $1 in
	dict) mb=200 ;;
	synth-*) mb=$(($(synth_count "$1") / 1900)) ;;
	esac
	[ -s "$BENCH_DIR/$1.jsonl" ] && echo $((mb * 3 * 1024)) ||
		echo $((mb * 4 * 1024))
}

check_disk() {
	need=0
	for c in $BENCH_CORPORA; do
		need=$((need + $(disk_need_kb "$c")))
	done
	free=$(df -Pk "$BENCH_DIR" | awk 'NR == 2 { print $4 }')
	[ "$free" -ge "$need" ] ||
		die "$BENCH_DIR has $((free / 1024)) MB free; the run needs about $((need / 1024)) MB (set BENCH_DIR or BENCH_CORPORA)"
}

# shellcheck disable=SC2086
# Build corpus $1 into $BENCH_DIR/$1.jsonl unless it is there.
make_corpus() {
	case $1 in synth-*) make_corpus dict ;; esac
	out=$BENCH_DIR/$1.jsonl
	[ -s "$out" ] && return 0
	say "$1: building the corpus"
	case $1 in
	dict)
		python3 $HERE/dict2jsonl.py $DICTS >"$out.tmp" ;;
	synth-*)
		"$BIN/synth" -s "$BENCH_SEED" "$(synth_count "$1")" \
			"$BENCH_DIR/dict.jsonl" >"$out.tmp" ;;
	*) die "unknown corpus: $1 (dict, synth-1M, synth-2M, synth-Nk)" ;;
	esac
	mv "$out.tmp" "$out"
}

make_queries() {
	python3 $HERE/queries.py "$EVAL_DIR"/*/queries.jsonl \
		tests/devset/queries.jsonl >"$RUN/all-queries.txt"
	if [ "$BENCH_QUERIES" -gt 0 ]; then
		awk -v n="$BENCH_QUERIES" -v t="$(wc -l <"$RUN/all-queries.txt")" \
			'int((NR - 1) * n / t) != int(NR * n / t)' \
			"$RUN/all-queries.txt" >"$RUN/queries.txt"
	else
		cp "$RUN/all-queries.txt" "$RUN/queries.txt"
	fi
	NQ=$(wc -l <"$RUN/queries.txt")
	[ "$NQ" -ge 1000 ] ||
		say "warning: $NQ questions; the issue asks for at least 1,000"
}

# ---- measuring ----

# Run a build under /usr/bin/time and the memory cap; sets B_S, B_KB and
# returns the command's status.  $1 is the log file.
# (sh has no locals: the helpers' variables have names of their own.)
timed_build() {
	tb_log=$1
	shift
	tb_st=0
	cat "$CORPUS" >/dev/null
	# dash and bash both have ulimit -v.
	# shellcheck disable=SC3045
	(ulimit -v $((BENCH_MEM_MB * 1024)) &&
		/usr/bin/time -f '%e %M' -o "$tb_log.time" "$@") >"$tb_log" 2>&1 ||
		tb_st=$?
	B_S=$(tail -n 1 "$tb_log.time" 2>/dev/null | cut -d' ' -f1)
	B_KB=$(tail -n 1 "$tb_log.time" 2>/dev/null | cut -d' ' -f2)
	return $tb_st
}

# "n=1 p50=2 p99=3 ..." -> value of key $2.
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Append one row to $RES.  Columns: corpus records MB system build_s
# MB/s peak_MB index_MB q_p50 q_p99 e2e_p50 e2e_p99 note
row() { (IFS=$(printf '\t') && printf '%s\n' "$*") >>"$RES"; }

# Measure system $1 (quarry or fts5) on corpus $C.
measure() {
	sys=$1
	db=$RUN/$C.$sys.db
	log=$RUN/$C.$sys
	rm -f "$db"
	say "$C: $sys: building ($(elapsed) s into the run)"
	if [ "$sys" = quarry ]; then
		set -- "$BIN/quarry" index --db "$db" "$CORPUS"
	else
		set -- "$BIN/ftsload" "$db" "$CORPUS"
	fi
	if ! timed_build "$log.build.log" "$@"; then
		st=$tb_st
		say "$C: $sys: build failed with status $st (log $log.build.log):"
		tail -n 5 "$log.build.log" >&2
		why=$(grep -v '^Command' "$log.build.log" | tail -n 1 |
			tr '\t' ' ' | cut -c1-80)
		row "$C" "$RECS" "$MB" "$sys" "${B_S:--}" - \
			"$(mb_kb "${B_KB:-}")" - - - - - \
			"build failed, status $st${why:+: $why}"
		rm -f "$db" "$db".tmp-*
		return 0
	fi
	size=$(stat -c %s "$db")
	cat "$db" >/dev/null
	say "$C: $sys: $NQ questions, index open"
	note=
	if [ "$sys" = quarry ]; then
		warm=$("$BIN/qtime" -o "$log.times.tsv" "$RUN/queries.txt" -- \
			"$BIN/quarry" ask --db "$db" --json --top 10) ||
			{ warm=; note="queries failed"; }
	else
		warm=$("$BIN/ftsquery" -o "$log.times.tsv" "$db" \
			"$RUN/queries.txt") || { warm=; note="queries failed"; }
	fi
	say "$C: $sys: $BENCH_E2E questions end to end"
	if [ "$sys" = quarry ]; then
		e2e=$("$BIN/qtime" -e "$BENCH_E2E" -o "$log.e2e.tsv" \
			"$RUN/queries.txt" -- "$BIN/quarry" ask --db "$db" \
			--top 10) || { e2e=; note="${note:+$note, }e2e failed"; }
	else
		e2e=$("$BIN/qtime" -e "$BENCH_E2E" -o "$log.e2e.tsv" \
			"$RUN/queries.txt" -- "$BIN/ftsquery" -1 "$db") ||
			{ e2e=; note="${note:+$note, }e2e failed"; }
	fi
	row "$C" "$RECS" "$MB" "$sys" "$B_S" \
		"$(awk -v b="$CBYTES" -v s="$B_S" 'BEGIN { printf "%.1f", (s > 0 ? b / 1e6 / s : 0) }')" \
		"$(mb_kb "$B_KB")" \
		"$(awk -v b="$size" 'BEGIN { printf "%.0f", b / 1e6 }')" \
		"$(field "$warm" p50)" "$(field "$warm" p99)" \
		"$(field "$e2e" p50)" "$(field "$e2e" p99)" "${note:--}"
}

mb_kb() {
	[ -n "$1" ] || { echo -; return; }
	awk -v k="$1" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }'
}

# ---- reporting ----

# The results as a plain table ($1 = txt) or markdown ($1 = md).
table() {
	awk -F '\t' -v fmt="$1" '
	function cell(v) { return v == "" ? "-" : v }
	{
		for (i = 1; i <= NF; i++) v[i] = cell($i)
		if (fmt == "md") {
			line = "|"
			for (i = 1; i <= NF; i++) line = line " " v[i] " |"
			print line
			if (NR == 1) {
				line = "|"
				for (i = 1; i <= NF; i++)
					line = line (i <= 4 || i == NF ? "---|" : "---:|")
				print line
			}
		} else {
			printf "%-10s %8s %6s %-7s %8s %7s %8s %9s %9s %9s %10s %10s  %s\n",
				v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
				v[9], v[10], v[11], v[12], v[13]
		}
	}' "$RES"
}

# The issue's targets, from the results: one line each.
targets() {
	awk -F '\t' '
	function num(x) { return x ~ /^[0-9.]+$/ }
	function ratio(a, b) { return num(a) && num(b) && a > 0 ? b / a : "" }
	function check(name, val, ok, goal) {
		if (val == "") { printf "%-44s %10s  %s  (%s)\n", name, "-", "n/a ", goal; return }
		printf "%-44s %10.2f  %s  (%s)\n", name, val, ok ? "PASS" : "FAIL", goal
	}
	NR > 1 && $13 ~ /^build failed/ { seen[$1] = 1 }
	NR > 1 && $13 !~ /^build failed/ { k = $1 SUBSEP $4; build[k] = $5; peak[k] = $7; size[k] = $8
		p50[k] = $9; p99[k] = $10; e2e[k] = $11; seen[$1] = 1 }
	END {
		q = "dict" SUBSEP "quarry"; f = "dict" SUBSEP "fts5"
		if (seen["dict"]) {
			r = ratio(p50[q], p50[f]);   check("dict: fts5 p50 / quarry p50", r, r >= 8, ">= 8")
			r = ratio(p99[q], p99[f]);   check("dict: fts5 p99 / quarry p99", r, r >= 5, ">= 5")
			r = ratio(build[f], build[q]); check("dict: quarry build s / fts5 build s", r, r <= 1, "<= 1")
			r = ratio(size[f], size[q]); check("dict: quarry index MB / fts5 index MB", r, r <= 1, "<= 1")
			r = num(peak[q]) ? peak[q] : ""; check("dict: quarry peak build MB", r, r < 1000, "< 1000")
			r = num(e2e[q]) ? e2e[q] : ""; check("dict: quarry ask end to end p50 ms", r, r < 15, "< 15")
		}
		a = "synth-1M" SUBSEP "quarry"; b = "synth-2M" SUBSEP "quarry"
		if (seen["synth-1M"] && seen["synth-2M"]) {
			r = ratio(p50[a], p50[b]); check("quarry p50 synth-2M / synth-1M", r, r < 2, "< 2")
			a = "synth-1M" SUBSEP "fts5"; b = "synth-2M" SUBSEP "fts5"
			r = ratio(p50[a], p50[b]); check("fts5 p50 synth-2M / synth-1M (reference)", r, 1, "-")
		}
		for (c in seen) {
			r = ratio(p50[c SUBSEP "quarry"], p50[c SUBSEP "fts5"])
			if (c != "dict" && r != "")
				check(c ": fts5 p50 / quarry p50", r, r >= 8, ">= 8")
		}
	}' "$RES"
}

report() {
	head="$(date -u '+%Y-%m-%d %H:%M UTC'), $QREV, SQLite $(sqlite3_version), $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	q="$NQ questions (judged collections + devset), top 10; end to end: $BENCH_E2E questions, a fresh process each"
	echo
	echo "$head"
	echo "$q"
	echo
	table txt
	echo
	targets
	echo
	echo "MB = 10^6 bytes; times in seconds (build) and milliseconds (queries); run took $(elapsed) s"
	{
		echo "Benchmark: $head."
		echo "$q. MB = 10^6 bytes; build in seconds, latencies in ms."
		echo
		table md
		echo
		echo '```'
		targets
		echo '```'
		echo
		echo "Run took $(elapsed) s (\`make bench\`, tests/bench/bench.sh)."
	} >"$BENCH_DIR/latest.md"
	say "written $BENCH_DIR/latest.md"
}

sqlite3_version() {
	python3 -c 'import sqlite3; print(sqlite3.sqlite_version)' 2>/dev/null ||
		echo '?'
}

# ---- the run ----

[ -x "$QUARRY" ] || die "no $QUARRY: build it first (make quarry)"
trap 'rm -f "$BENCH_DIR"/*.jsonl.tmp' EXIT
need_packages
mkdir -p "$BIN" "$RUN"
check_disk
if [ -z "${BENCH_MEM_MB:-}" ]; then
	BENCH_MEM_MB=$(awk '/MemTotal/ { print int($2 / 1024 * 3 / 4) }' /proc/meminfo)
fi
cp "$QUARRY" "$BIN/quarry"
QREV="quarry binary of $(date -u -r "$QUARRY" '+%Y-%m-%d %H:%M UTC') (HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ', worktree dirty'))"
build_tools
make_queries
for C in $BENCH_CORPORA; do
	make_corpus "$C"
done
printf 'corpus\trecords\tMB\tsystem\tbuild_s\tMB/s\tpeak_MB\tindex_MB\tq_p50_ms\tq_p99_ms\te2e_p50_ms\te2e_p99_ms\tnote\n' >"$RES"
for C in $BENCH_CORPORA; do
	CORPUS=$BENCH_DIR/$C.jsonl
	CBYTES=$(stat -L -c %s "$CORPUS")
	RECS=$(wc -l <"$CORPUS")
	MB=$(awk -v b="$CBYTES" 'BEGIN { printf "%.0f", b / 1e6 }')
	for system in $BENCH_SYSTEMS; do
		measure "$system"
	done
done
report
