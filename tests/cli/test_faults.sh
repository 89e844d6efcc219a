#!/bin/sh
# test_faults.sh - faults around the index file: `quarry index` killed with
# SIGKILL at random moments, the disk filling up while indexing, `ask`
# running while `index` replaces the same file, and damaged, foreign or
# unusable files where the index should be.  The previous index must always
# answer exactly as before, and a bad file must give one error line and
# exit 3 (4 when it cannot be read), never a crash.
#
# The kill delays come from a fixed seed (QUARRY_FAULT_SEED, default 1,
# printed on a "#" line); QUARRY_FAULT_KILLS sets how many builds and
# updates to kill mid-way (10, or 40 with QUARRY_SLOW=1: make check-slow).
# A check whose timing conditions do not come about (no kill left a hot
# journal, the asks saw one index only) tries again, a bounded number of
# times, and then fails: it never passes without having run.
. tests/cli/lib.sh
# Without the word vectors: the kills below aim at an update's commit, a
# window the record vectors' computation (in the same transaction) makes
# too rare to hit under ASan; that the vectors follow a build or update is
# test_vectors.sh's, that the transaction holds them test_update's.
export QUARRY_VECTORS=

MNT=
BGPIDS=
cleanup() {
	for p in $BGPIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; fi
	chmod -R u+rwx "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# skip NAME REASON
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# section NAME: a "#" line with the time the previous section took
tsec=$(date +%s%N)
section() { t=$(date +%s%N); echo "# $1 ($(( (t - tsec) / 1000000 )) ms)"; tsec=$t; }
# one_error: stderr ($T/err) holds exactly one "quarry: error:" line
one_error() { [ "$(grep -c 'error:' "$T/err")" -eq 1 ]; }

# --- corpora ----------------------------------------------------------------
# M: the judged collections (~13k records, ~9 MB, ~0.6 s to index); when they
# are not there, a synthetic corpus of the same size from the bundled one.
EVAL=${QUARRY_EVAL_DIR:-../shared/eval}
mkdir -p "$T/c"
cat "$EVAL"/*/corpus.jsonl >"$T/c/m.jsonl" 2>/dev/null
if [ "$(wc -l <"$T/c/m.jsonl")" -lt 5000 ]; then
	python3 - "$T/c/m.jsonl" <<'PY'
import json, random, re, sys
words = re.findall(r"[a-z]{3,}", open("corpus/deep-learning-interview-qa.txt").read().lower())
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    for i in range(13000):
        f.write(json.dumps({"id": str(i), "question": " ".join(r.choices(words, k=10)),
                            "answer": " ".join(r.choices(words, k=110))}) + "\n")
PY
fi
head -n 3000 "$T/c/m.jsonl" | sed 's/"_id": "/"_id": "x/; s/"id": "/"id": "x/' >"$T/c/extra.jsonl"
cat >"$T/queries" <<'EOF'
computer time sharing system
heat transfer in a boundary layer
information retrieval indexing and searching
library catalog automation
blood pressure and heart disease
cancer treatment in children
supersonic flow over a wing
programming language compilers
what is the relevance of titles to content
operating system scheduling
crystalline lens in vertebrates
electron microscopy of lung
numerical solution of differential equations
citation analysis of scientific journals
students use of the public library
sorting algorithms
matrix inversion
kidney failure
dropout regularization neural network
xyzzy plugh nothing matches this
EOF
# answers DB: the JSON answers to the fixed queries, one line each
answers() { "$Q" ask --db "$1" --json --top 5 <"$T/queries" 2>/dev/null; }

# kill_runs WHAT NEWANS CMD...: start CMD in the background and SIGKILL it
# after KLO seconds plus each fraction of $T/k/delays times KLIM ms, until
# $KILLS runs died mid-way and $WANT_ROLLED of them left a hot journal
# (or the delays run out); each run that finishes first shortens KLIM by
# a quarter.  After
# each, the index must answer byte-for-byte as before ($T/k/old.ans, with
# the same stats) or, when CMD got to its swap or commit first, as NEWANS
# (and $T/k/old.db is put back).  Sets killed, finished, bad, maxtmp (most
# DB.tmp-* files seen at once) and journals (kills that left a rollback
# journal) and rolled (those the next reader rolled back and removed: a
# hot journal; one whose header was not yet written is ignored, and the
# next writer reuses it).
kill_runs() {
	kwhat=$1 newans=$2
	shift 2
	killed=0 finished=0 bad=0 maxtmp=0 journals=0 rolled=0 i=0
	while { [ "$killed" -lt "$KILLS" ] || [ "$rolled" -lt "$WANT_ROLLED" ]; } && read -r u; do
		i=$((i + 1))
		d=$(awk -v u="$u" -v lo="$KLO" -v t="$KLIM" 'BEGIN { printf "%.3f", lo + u * t / 1000 }')
		"$@" 2>"$T/k/idx.err" &
		pid=$!
		BGPIDS="$pid"
		sleep "$d"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null # (no "Killed" message from the shell)
		st=$?
		BGPIDS=
		j=0
		[ -e "$DB-journal" ] && j=1 && journals=$((journals + 1))
		answers "$DB" >"$T/k/now.ans"
		hot=0
		[ $j -eq 1 ] && [ ! -e "$DB-journal" ] && rolled=$((rolled + 1)) && hot=1
		"$Q" stats --db "$DB" >"$T/k/now.stats" 2>"$T/err"; src=$?
		ntmp=$(ls "$DB".tmp-* 2>/dev/null | wc -l)
		[ "$ntmp" -gt "$maxtmp" ] && maxtmp=$ntmp
		if [ "$st" -eq 137 ]; then
			what=killed; killed=$((killed + 1))
			# aiming at the hot journal: a kill before it moves the
			# earliest delay up halfway to this one (the latest stays)
			if [ "$WANT_ROLLED" -gt 0 ] && [ $hot -eq 0 ]; then
				r=$(awk -v lo="$KLO" -v t="$KLIM" -v d="$d" -v lo0="$KLO0" -v t0="$KLIM0" 'BEGIN {
					top = lo * 1000 + t; lo = (lo + d) / 2; t = top - lo * 1000
					if (t < 5) { lo = lo0; t = t0 } # crossed: start again
					printf "%.3f %d\n", lo, t }')
				KLO=${r% *} KLIM=${r#* }
			fi
		else
			# it ran faster than the delays allow for (a warm cache,
			# a quieter machine): later delays come from a shorter span
			what="finished (exit $st)"; finished=$((finished + 1))
			KLIM=$((KLIM * 3 / 4 + 1))
			[ "$WANT_ROLLED" -gt 0 ] && [ "$KLIM" -lt 5 ] && KLO=$KLO0 KLIM=$KLIM0
		fi
		if cmp -s "$T/k/now.ans" "$T/k/old.ans" && [ "$src" -eq 0 ] && cmp -s "$T/k/now.stats" "$T/k/old.stats"; then
			ok "SIGKILL $kwhat run $i at ${d}s: $what, the index answers as before byte-for-byte, stats works ($ntmp temp file(s) left)"
		elif cmp -s "$T/k/now.ans" "$newans" && [ "$src" -eq 0 ]; then
			ok "SIGKILL $kwhat run $i at ${d}s: $what after the swap or commit, the index answers as the new one byte-for-byte"
			cp "$T/k/old.db" "$DB"
		else
			bad=$((bad + 1))
			nok "SIGKILL $kwhat run $i at ${d}s: $what: the index answers neither as before nor as new" "stats exit $src: $(head -c 200 "$T/err"); answers: $(head -c 200 "$T/k/now.ans")"
			cp "$T/k/old.db" "$DB"
		fi
	done <"$T/k/delays"
}

# ============================================================================
# 1. SIGKILL at random moments while indexing
# ============================================================================
DB=$T/k/index.db
mkdir -p "$T/k"
"$Q" index -q --db "$DB" "$T/c/m.jsonl" 2>/dev/null
t0=$(date +%s%N)
"$Q" index -q --db "$T/k/ref-new.db" "$T/c/m.jsonl" "$T/c/extra.jsonl" 2>/dev/null
t1=$(date +%s%N)
build_ms=$(( (t1 - t0) / 1000000 ))
answers "$DB" >"$T/k/old.ans"
answers "$T/k/ref-new.db" >"$T/k/new.ans"
"$Q" stats --db "$DB" >"$T/k/old.stats" 2>/dev/null
cp "$DB" "$T/k/old.db"
if [ -s "$T/k/old.ans" ] && ! cmp -s "$T/k/old.ans" "$T/k/new.ans" && [ "$(wc -l <"$T/k/old.ans")" -eq 20 ]; then
	ok "SIGKILL: baseline index answers the 20 queries (bigger corpus builds in ${build_ms} ms)"
else
	nok "SIGKILL: baseline index answers the 20 queries" "$(head -c 300 "$T/k/old.ans")"
fi

SEED=${QUARRY_FAULT_SEED:-1}
if [ -n "${QUARRY_SLOW:-}" ]; then KILLS=${QUARRY_FAULT_KILLS:-40}; else KILLS=${QUARRY_FAULT_KILLS:-10}; fi
WANT_ROLLED=0
RUNS=$((KILLS * 3))
echo "# SIGKILL: seed $SEED, until $KILLS builds are killed mid-way (at most $RUNS runs), kill delays uniform in [10, $build_ms] ms at first"
awk -v s="$SEED" -v n="$RUNS" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.4f\n", rand() }' >"$T/k/delays"
KLO=0.01 KLIM=$build_ms
kill_runs build "$T/k/new.ans" "$Q" index -q --db "$DB" "$T/c/m.jsonl" "$T/c/extra.jsonl"
echo "# SIGKILL: $killed killed mid-build, $finished finished before the kill (delays last up to $KLIM ms), $bad bad; at most $maxtmp DB.tmp-* file(s) at once"
if [ "$killed" -ge "$KILLS" ]; then ok "SIGKILL: $killed builds killed mid-way"; else nok "SIGKILL: $KILLS builds killed mid-way" "only $killed in $RUNS runs"; fi
# stale temporary files: one at most (each build removes those of dead
# builds), none after a build completes
if [ "$maxtmp" -le 1 ]; then ok "SIGKILL: temporary files do not accumulate (at most $maxtmp)"; else nok "SIGKILL: temporary files do not accumulate" "$maxtmp DB.tmp-* files at once"; fi
: >"$DB.tmp-999999999" # a stale file of a process that cannot exist
run "$Q" index -q --db "$DB" "$T/c/m.jsonl"
expect_rc "SIGKILL: a later build succeeds beside stale temporary files" 0
if ls "$DB".tmp-* >/dev/null 2>&1; then nok "SIGKILL: a completed build removes stale temporary files" "$(ls "$DB".tmp-*)"; else ok "SIGKILL: a completed build removes stale temporary files"; fi
answers "$DB" >"$T/k/now.ans"
if cmp -s "$T/k/now.ans" "$T/k/old.ans"; then ok "SIGKILL: rebuilt index answers as the first one"; else nok "SIGKILL: rebuilt index answers as the first one"; fi

section "SIGKILL done"
# ============================================================================
# 1b. SIGKILL at random moments while updating in place
# ============================================================================
# The index of m.jsonl gets extra.jsonl added by `index --update`: a
# killed update leaves a hot journal that the next reader rolls back.
DB=$T/k/index.db
cp "$T/k/old.db" "$DB"
cp "$DB" "$T/k/upd.db"
t0=$(date +%s%N)
"$Q" index -q --db "$T/k/upd.db" --update "$T/c/extra.jsonl" 2>/dev/null
t1=$(date +%s%N)
upd_ms=$(( (t1 - t0) / 1000000 ))
answers "$T/k/upd.db" >"$T/k/upd.ans"
if [ -s "$T/k/upd.ans" ] && ! cmp -s "$T/k/upd.ans" "$T/k/old.ans"; then ok "SIGKILL update: a finished update answers differently (${upd_ms} ms)"; else nok "SIGKILL update: a finished update answers differently"; fi
echo "# SIGKILL update: seed $SEED, until $KILLS updates are killed mid-way, kill delays uniform in [5, $upd_ms] ms at first"
awk -v s="$SEED" -v n="$RUNS" 'BEGIN { srand(s + 1); for (i = 0; i < n; i++) printf "%.4f\n", rand() }' >"$T/k/delays"
KLO=0.005 KLIM=$upd_ms
kill_runs update "$T/k/upd.ans" "$Q" index -q --db "$DB" --update "$T/c/extra.jsonl"
echo "# SIGKILL update: $killed killed mid-way, $finished finished (delays last up to $KLIM ms), $bad bad; $journals runs found a journal, $rolled rolled back by the reader"
if [ "$killed" -ge "$KILLS" ]; then ok "SIGKILL update: $killed updates killed mid-way"; else nok "SIGKILL update: $KILLS updates killed mid-way" "only $killed in $RUNS runs"; fi
# The journal is hot (its header written) only while the update commits,
# near its end: when no kill above hit that window, more kills aim at the
# second half of the update's time, up to 80 of them, until one does; each
# kill that came too early and each run that finished narrow the span
# from below and above toward the commit.
if [ "$rolled" -eq 0 ]; then
	awk -v s="$SEED" 'BEGIN { srand(s + 2); for (i = 0; i < 80; i++) printf "%.4f\n", rand() }' >"$T/k/delays"
	KILLS=0 WANT_ROLLED=1 KLO=$(awk -v t="$upd_ms" 'BEGIN { printf "%.3f", t / 2000 }') KLIM=$((upd_ms * 3 / 4 + 1))
	KLO0=$KLO KLIM0=$KLIM
	kill_runs update "$T/k/upd.ans" "$Q" index -q --db "$DB" --update "$T/c/extra.jsonl"
	echo "# SIGKILL update, aimed at the commit: $killed killed, $finished finished, $bad bad; $journals found a journal, $rolled rolled back by the reader"
	WANT_ROLLED=0
fi
if [ "$rolled" -gt 0 ]; then ok "SIGKILL update: $rolled kill(s) left a hot journal that the next reader rolled back"; else nok "SIGKILL update: a kill left a hot journal that the next reader rolled back" "none did in 80 more kills aimed at the commit"; fi
run "$Q" index -q --db "$DB" --update "$T/c/extra.jsonl"
expect_rc "SIGKILL update: a later update succeeds" 0
answers "$DB" >"$T/k/now.ans"
if cmp -s "$T/k/now.ans" "$T/k/upd.ans"; then ok "SIGKILL update: it answers as the first finished update"; else nok "SIGKILL update: it answers as the first finished update"; fi

section "SIGKILL update done"
# ============================================================================
# 2. disk full while indexing (a 2 MB tmpfs)
# ============================================================================
mkdir -p "$T/mnt" "$T/d"
if [ "$(id -u)" != 0 ]; then
	skip "disk full" "needs root to mount a tmpfs"
elif ! mount -t tmpfs -o size=2m tmpfs "$T/mnt" 2>"$T/err"; then
	skip "disk full" "mount -t tmpfs failed: $(head -c 100 "$T/err")"
else
	MNT=$T/mnt
	DB=$MNT/index.db
	head -n 200 "$T/c/m.jsonl" >"$T/d/small.jsonl"
	run "$Q" index -q --db "$DB" "$T/d/small.jsonl"
	expect_rc "disk full: a small index fits" 0
	answers "$DB" >"$T/d/small.ans"
	# (after the asks: they may record the new stat of a touched source)
	cp "$DB" "$T/d/small.db"
	# corpora that fill the disk early (the whole of M) and late, near
	# the end of the build (prefixes of M about the size of the space
	# left: some may fit, which is fine when the result is whole)
	fills=0
	for lines in 0 3200 3500 3800 4200; do
		if [ "$lines" = 0 ]; then f=$T/c/m.jsonl; name="9 MB corpus"; else
			f=$T/d/p$lines.jsonl; head -n "$lines" "$T/c/m.jsonl" >"$f"; name="first $lines records"; fi
		run "$Q" index -q --db "$DB" "$f"
		if [ "$rc" -eq 0 ]; then
			"$Q" index -q --db "$T/d/ref.db" "$f" 2>/dev/null
			answers "$T/d/ref.db" >"$T/d/ref.ans"
			answers "$DB" >"$T/d/now.ans"
			if cmp -s "$T/d/now.ans" "$T/d/ref.ans"; then ok "disk full: $name fits, the new index is whole"; else nok "disk full: $name fits but answers differ"; fi
			cp "$T/d/small.db" "$DB"
			continue
		fi
		fills=$((fills + 1))
		expect_rc "disk full: $name" 4
		if one_error && grep -Eq 'error: .*(disk is full|[Nn]o space left)' "$T/err"; then ok "disk full: $name: one clear error line"; else nok "disk full: $name: one clear error line" "$(head -c 300 "$T/err")"; fi
		if cmp -s "$DB" "$T/d/small.db"; then ok "disk full: $name: previous index unchanged"; else nok "disk full: $name: previous index unchanged"; fi
		answers "$DB" >"$T/d/now.ans"
		if cmp -s "$T/d/now.ans" "$T/d/small.ans"; then ok "disk full: $name: previous index answers as before"; else nok "disk full: $name: previous index answers as before"; fi
		cp "$DB" "$T/d/small.db"
		if [ "$(ls -A "$MNT" | grep -vx .index.db.lock)" = index.db ]; then ok "disk full: $name: temporary file removed"; else nok "disk full: $name: temporary file removed" "$(ls -A "$MNT" | tr '\n' ' ')"; fi
	done
	if [ "$fills" -ge 1 ]; then ok "disk full: $fills of 5 builds ran out of space"; else nok "disk full: no build ran out of space"; fi
	head -n 300 "$T/c/m.jsonl" >"$T/d/small2.jsonl"
	run "$Q" index -q --db "$DB" "$T/d/small2.jsonl"
	expect_rc "disk full: after the failures the space is back, a small build succeeds" 0
	umount "$MNT" && MNT=
fi

section "disk full done"
# ask_loop: 200 asks of $PROBE against $DB while something changes it;
# adds to na (answered exactly as $T/r/A.ans), nb (as B.ans), nbad (an
# error, a stray stderr line, or any other answer) and asks.  Warnings that
# probe.jsonl changed are right when an update rewrites it, and ignored.
ask_loop() {
	i=0
	asks=$((asks + 200))
	while [ $i -lt 200 ]; do
		i=$((i + 1))
		"$Q" ask --db "$DB" --json --top 3 "$PROBE" >"$T/r/out" 2>"$T/r/err.all"
		r=$?
		grep -v 'probe.jsonl changed since it was indexed' "$T/r/err.all" >"$T/r/err"
		if [ $r -eq 0 ] && [ ! -s "$T/r/err" ] && cmp -s "$T/r/out" "$T/r/A.ans"; then na=$((na + 1))
		elif [ $r -eq 0 ] && [ ! -s "$T/r/err" ] && cmp -s "$T/r/out" "$T/r/B.ans"; then nb=$((nb + 1))
		else
			nbad=$((nbad + 1))
			[ $nbad -le 3 ] && echo "#   ask $asks.$i: exit $r: $(head -c 200 "$T/r/err") $(head -c 200 "$T/r/out")"
		fi
	done
}
# ask_until_both: ask_loop until the asks saw both A and B and $T/r/nbuilds
# says 2 or more builds finished meanwhile, 800 asks at most: the writer
# may run slower or faster than the asks on a busy machine.
ask_until_both() {
	na=0 nb=0 nbad=0 asks=0
	while :; do
		ask_loop
		nbuilds=$(cat "$T/r/nbuilds" 2>/dev/null || echo 0)
		[ "$nbuilds" -ge 2 ] && [ $na -gt 0 ] && [ $nb -gt 0 ] && return
		[ $asks -ge 800 ] && return
	done
}

# ============================================================================
# 3. ask while index replaces the same file, again and again
# ============================================================================
mkdir -p "$T/r"
# A and B differ in the probe record only; a few thousand records each, so
# a build takes long enough to overlap asks but many swaps happen.
head -n 1500 "$T/c/m.jsonl" >"$T/r/base.jsonl"
printf '{"id": "probe", "question": "What colour is the zorblax widget?", "answer": "The zorblax widget is vermilion."}\n' >"$T/r/a.jsonl"
printf '{"id": "probe", "question": "What colour is the zorblax widget?", "answer": "The zorblax widget is ultramarine blue."}\n' >"$T/r/b.jsonl"
DB=$T/r/index.db
PROBE="zorblax widget colour"
"$Q" index -q --db "$T/r/A.db" "$T/r/base.jsonl" "$T/r/a.jsonl" 2>/dev/null
"$Q" index -q --db "$T/r/B.db" "$T/r/base.jsonl" "$T/r/b.jsonl" 2>/dev/null
"$Q" ask --db "$T/r/A.db" --json --top 3 "$PROBE" >"$T/r/A.ans" 2>/dev/null
"$Q" ask --db "$T/r/B.db" --json --top 3 "$PROBE" >"$T/r/B.ans" 2>/dev/null
cp "$T/r/A.db" "$DB"
if grep -q vermilion "$T/r/A.ans" && grep -q ultramarine "$T/r/B.ans"; then ok "concurrent: A and B answer the probe differently"; else nok "concurrent: A and B answer the probe differently"; fi
rm -f "$T/r/stop" "$T/r/nbuilds"
(
	i=0
	while [ ! -e "$T/r/stop" ]; do
		if [ $((i % 2)) -eq 0 ]; then x=b; else x=a; fi
		"$Q" index -q --db "$DB" "$T/r/base.jsonl" "$T/r/$x.jsonl" 2>>"$T/r/build.err" || echo "build $i failed" >>"$T/r/build.err"
		i=$((i + 1))
		echo "$i" >"$T/r/nbuilds.tmp" && mv "$T/r/nbuilds.tmp" "$T/r/nbuilds"
	done
) &
BGPIDS=$!
ask_until_both
touch "$T/r/stop"
wait $BGPIDS
BGPIDS=
nbuilds=$(cat "$T/r/nbuilds" 2>/dev/null || echo 0)
echo "# concurrent: $asks asks during $nbuilds builds: $na answered as A, $nb as B, $nbad otherwise"
if [ $nbad -eq 0 ]; then ok "concurrent: $asks asks during rebuilds all exit 0 with A's or B's answer exactly"; else nok "concurrent: $asks asks during rebuilds all exit 0 with A's or B's answer exactly" "$nbad bad"; fi
if [ -s "$T/r/build.err" ]; then nok "concurrent: every rebuild succeeded" "$(head -c 300 "$T/r/build.err")"; else ok "concurrent: every rebuild succeeded ($nbuilds builds)"; fi
if [ "$nbuilds" -ge 2 ] && [ $na -gt 0 ] && [ $nb -gt 0 ]; then ok "concurrent: the asks saw both indexes"; else nok "concurrent: the asks saw both indexes" "$asks asks during $nbuilds builds: A $na, B $nb"; fi
if ls "$DB".tmp-* >/dev/null 2>&1; then nok "concurrent: no temporary files left"; else ok "concurrent: no temporary files left"; fi

section "concurrent ask done"

# 3b. ask while `index --update` changes the same file in place
cp "$T/r/a.jsonl" "$T/r/probe.jsonl"
"$Q" index -q --db "$T/r/UA.db" "$T/r/base.jsonl" "$T/r/probe.jsonl" 2>/dev/null
cp "$T/r/b.jsonl" "$T/r/probe.jsonl"
"$Q" index -q --db "$T/r/UB.db" "$T/r/base.jsonl" "$T/r/probe.jsonl" 2>/dev/null
"$Q" ask --db "$T/r/UA.db" --json --top 3 "$PROBE" >"$T/r/A.ans" 2>/dev/null
"$Q" ask --db "$T/r/UB.db" --json --top 3 "$PROBE" >"$T/r/B.ans" 2>/dev/null
cp "$T/r/UA.db" "$DB"
cp "$T/r/a.jsonl" "$T/r/probe.jsonl"
rm -f "$T/r/stop" "$T/r/build.err" "$T/r/nbuilds"
(
	i=0
	while [ ! -e "$T/r/stop" ]; do
		if [ $((i % 2)) -eq 0 ]; then x=b; else x=a; fi
		cp "$T/r/$x.jsonl" "$T/r/probe.jsonl"
		"$Q" index -q --db "$DB" --update "$T/r/probe.jsonl" 2>>"$T/r/build.err" || echo "update $i failed" >>"$T/r/build.err"
		i=$((i + 1))
		echo "$i" >"$T/r/nbuilds.tmp" && mv "$T/r/nbuilds.tmp" "$T/r/nbuilds"
	done
) &
BGPIDS=$!
# a batch reader that stays open the whole time, one question a second
(for k in 1 2 3; do echo "$PROBE"; sleep 1; done) | "$Q" ask --db "$DB" --json --top 3 >"$T/r/batch.out" 2>"$T/r/batch.err" &
bpid=$!
# and a piped batch whose lines are all waiting (it keeps one read across
# them for up to 50 ms at a time): updates still commit
yes "$PROBE" | head -n 20000 | "$Q" ask --db "$DB" --json --top 3 >"$T/r/fast.out" 2>"$T/r/fast.err" &
fpid=$!
ask_until_both
wait $bpid; brc=$?
wait $fpid; frc=$?
touch "$T/r/stop"
wait $BGPIDS
BGPIDS=
nbuilds=$(cat "$T/r/nbuilds" 2>/dev/null || echo 0)
echo "# concurrent update: $asks asks during $nbuilds updates: $na answered as A, $nb as B, $nbad otherwise"
if [ $nbad -eq 0 ]; then ok "concurrent update: $asks asks during updates in place all exit 0 with A's or B's answer exactly"; else nok "concurrent update: $asks asks during updates all exit 0 with A's or B's answer exactly" "$nbad bad"; fi
if [ -s "$T/r/build.err" ]; then nok "concurrent update: every update succeeded, a batch reader open meanwhile" "$(head -c 300 "$T/r/build.err")"; else ok "concurrent update: every update succeeded, a batch reader open meanwhile ($nbuilds updates)"; fi
if [ $brc -eq 0 ] && [ "$(wc -l <"$T/r/batch.out")" -eq 3 ] && ! grep -v 'changed since it was indexed' "$T/r/batch.err" | grep -q .; then ok "concurrent update: the batch reader answered all 3 questions"; else nok "concurrent update: the batch reader answered all 3 questions" "exit $brc: $(head -c 200 "$T/r/batch.err")"; fi
fa=$(grep -cxF -f "$T/r/A.ans" "$T/r/fast.out")
fb=$(grep -cxF -f "$T/r/B.ans" "$T/r/fast.out")
fn=$(wc -l <"$T/r/fast.out")
echo "# concurrent update: a piped batch of 20000: $fa as A, $fb as B, of $fn lines"
if [ $frc -eq 0 ] && [ "$fn" -eq 20000 ] && [ $((fa + fb)) -eq 20000 ]; then ok "concurrent update: a piped batch of 20000 lines answered every one with A's or B's answer"; else nok "concurrent update: a piped batch of 20000 lines answered every one with A's or B's answer" "exit $frc, $fn lines, A $fa, B $fb: $(grep -v 'changed since it was indexed' "$T/r/fast.err" | head -c 200)"; fi
if [ "$nbuilds" -ge 2 ] && [ $na -gt 0 ] && [ $nb -gt 0 ]; then ok "concurrent update: the asks saw both versions"; else nok "concurrent update: the asks saw both versions" "$asks asks during $nbuilds updates: A $na, B $nb"; fi

section "concurrent update done"
# ============================================================================
# 4. damaged, foreign and unusable files where the index should be
# ============================================================================
mkdir -p "$T/x"
X=$T/x
REAL=$T/k/old.db
size=$(wc -c <"$REAL")
ver=$(sqlite3 "$REAL" 'PRAGMA user_version' 2>/dev/null || echo 3)
# bad_db NAME CODE [REGEX]: ask and stats on $X/bad.db (run as $AS, when
# set) fail with CODE, one error line (matching REGEX), no crash
AS=
bad_db() {
	for cmd in ask stats; do
		if [ $cmd = ask ]; then run timeout 20 $AS "$Q" ask --db "$X/bad.db" --json "library catalog"
		else run timeout 20 $AS "$Q" stats --db "$X/bad.db"; fi
		if [ "$rc" -eq "$2" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "^quarry: error: .*${3:-}" "$T/err" && [ ! -s "$T/out" ]; then
			ok "damaged index: $1: $cmd exits $2 with one error line"
		else
			nok "damaged index: $1: $cmd exits $2 with one error line" "exit $rc; stderr: $(head -c 300 "$T/err")"
		fi
	done
}
cp "$REAL" "$X/bad.db"; truncate -s $((size / 2)) "$X/bad.db"
bad_db "truncated to half" 3 "bad.db"
cp "$REAL" "$X/bad.db"; truncate -s $((size - 8192)) "$X/bad.db"
bad_db "last page cut off" 3 "bad.db"
head -c 100 "$REAL" >"$X/bad.db"
bad_db "cut inside the header" 3 "bad.db"
head -c "$size" /dev/zero >"$X/bad.db"
bad_db "zero-filled, same size" 3 "bad.db"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' >"$X/bad.db"
bad_db "a PNG image" 3 "bad.db"
printf 'this is a text file\nnot an index\n' >"$X/bad.db"
bad_db "a text file" 3 "bad.db"
: >"$X/bad.db"
bad_db "an empty file" 3 "bad.db"
rm -f "$X/bad.db"; sqlite3 "$X/bad.db" 'CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ("hello");'
bad_db "a SQLite database of another application" 3 "not a quarry index"
rm -f "$X/bad.db"; sqlite3 "$X/bad.db" "PRAGMA application_id=1364349529; PRAGMA user_version=$((ver + 1)); CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
bad_db "a quarry index of a newer schema" 3 "schema"
rm -f "$X/bad.db"; sqlite3 "$X/bad.db" "PRAGMA application_id=1364349529; PRAGMA user_version=$ver;"
bad_db "quarry's id and schema but no tables" 3 "bad.db"
cp "$REAL" "$X/bad.db"; sqlite3 "$X/bad.db" 'DROP TABLE postings;'
word=$(sqlite3 "$X/bad.db" "SELECT term FROM vocab WHERE length(term) > 4 ORDER BY df DESC LIMIT 1")
run "$Q" ask --db "$X/bad.db" --json "$word"
if [ "$rc" -eq 3 ] && one_error; then ok "damaged index: postings table missing: ask exits 3 with one error line"; else nok "damaged index: postings table missing: ask exits 3" "exit $rc: $(head -c 200 "$T/err")"; fi
rm -f "$X/bad.db"
bad_db "missing file" 4 "bad.db"
mkdir "$X/bad.db"
bad_db "a directory" 4 "bad.db"
rmdir "$X/bad.db"
cp "$REAL" "$X/bad.db"; chmod 000 "$X/bad.db"
if [ "$(id -u)" = 0 ]; then
	# root reads mode 000 files: ask as nobody, who may reach the file
	chmod 711 "$T" "$X"
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	bad_db "unreadable file (as nobody)" 4 "bad.db.*(Permission denied|unable to open)"
	AS=
	chmod 700 "$T"
else
	bad_db "unreadable file" 4 "bad.db"
fi
rm -f "$X/bad.db"
mkfifo "$X/bad.db"
run timeout 3 "$Q" ask --db "$X/bad.db" dropout
if [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ]; then ok "damaged index: a FIFO: ask fails at once (exit $rc)"
elif [ "$rc" -eq 124 ]; then nok "damaged index: a FIFO: ask fails at once" "ask --db FIFO hangs (opens it and blocks; want exit 3/4)"
else nok "damaged index: a FIFO: ask fails at once" "exit $rc"; fi
run timeout 3 "$Q" stats --db "$X/bad.db"
if [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ]; then ok "damaged index: a FIFO: stats fails at once (exit $rc)"
elif [ "$rc" -eq 124 ]; then nok "damaged index: a FIFO: stats fails at once" "stats --db FIFO hangs"
else nok "damaged index: a FIFO: stats fails at once" "exit $rc"; fi
rm -f "$X/bad.db"

# pages overwritten with random bytes: any answer or exit 3, never a crash
sz_pages=$((size / 8192))
for at in 1 $((sz_pages / 4)) $((sz_pages / 2)) $((sz_pages - 25)); do
	cp "$REAL" "$X/bad.db"
	dd if=/dev/urandom of="$X/bad.db" bs=8192 seek="$at" count=20 conv=notrunc 2>/dev/null
	worst=0 lines_ok=1
	while read -r q; do
		"$Q" ask --db "$X/bad.db" --json --top 5 "$q" >"$T/out" 2>"$T/err"; r=$?
		[ $r -gt $worst ] && worst=$r
		case $r in 0|1) jq -e . "$T/out" >/dev/null 2>&1 || lines_ok=0 ;; 3|4) [ "$(wc -l <"$T/err")" -eq 1 ] || lines_ok=0 ;; *) lines_ok=0 ;; esac
	done <"$T/queries"
	if [ $worst -lt 5 ] && [ $lines_ok -eq 1 ]; then ok "damaged index: 20 pages garbled at page $at: 20 asks, no crash (worst exit $worst)"; else nok "damaged index: 20 pages garbled at page $at" "worst exit $worst, output ok $lines_ok: $(head -c 200 "$T/err")"; fi
done

# meta claims fewer records than the postings name: the reader must not
# read past its arrays (checked under valgrind when there is one)
"$Q" index -q --db "$X/small.db" tests/fixtures/corpus 2>/dev/null
cp "$X/small.db" "$X/bad.db"; sqlite3 "$X/bad.db" "UPDATE meta SET value='1' WHERE key='ndocs';"
run "$Q" ask --db "$X/bad.db" --json --top 5 "what is alpha beta gamma x"
if [ "$rc" -lt 5 ]; then ok "damaged index: ndocs smaller than the postings: no crash (exit $rc)"; else nok "damaged index: ndocs smaller than the postings: no crash" "exit $rc"; fi
if nm "$Q" 2>/dev/null | grep -q __asan_init; then
	# the sanitizer build checked the ask above: it reports there
	if grep -Eq 'AddressSanitizer|runtime error' "$T/err"; then nok "damaged index: ndocs smaller than the postings: no invalid read (ASan)" "$(grep -m1 -E 'ERROR|runtime error' "$T/err")"
	else ok "damaged index: ndocs smaller than the postings: no invalid read (ASan)"; fi
elif command -v valgrind >/dev/null 2>&1; then
	valgrind -q --error-exitcode=99 --log-file="$T/vg" "$Q" ask --db "$X/bad.db" --json --top 5 "what is alpha beta gamma x" >/dev/null 2>&1; rc=$?
	if [ "$rc" -ne 99 ]; then ok "damaged index: ndocs smaller than the postings: no invalid read (valgrind)"
	else nok "damaged index: ndocs smaller than the postings: no invalid read (valgrind)" "rank.c score_posting reads norms past the idx_norms array when a posting's docid >= meta ndocs: $(grep -m1 -o 'Invalid read.*' "$T/vg")"; fi
else
	skip "damaged index: ndocs smaller than the postings: no invalid read" "no valgrind"
fi
cp "$X/small.db" "$X/bad.db"; sqlite3 "$X/bad.db" "UPDATE meta SET value='-5' WHERE key='ndocs';"
run "$Q" ask --db "$X/bad.db" --json "alpha"
if [ "$rc" -eq 3 ] && one_error; then ok "damaged index: negative record count: exit 3"
elif [ "$rc" -eq 4 ] && grep -q 'out of memory' "$T/err"; then nok "damaged index: negative record count: exit 3" "meta ndocs = -5 gives 'out of memory', exit 4 (want: exit 3, damaged index)"
else nok "damaged index: negative record count: exit 3" "exit $rc: $(head -c 200 "$T/err")"; fi
section "damaged index done"
