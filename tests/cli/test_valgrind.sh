#!/bin/sh
# test_valgrind.sh - representative quarry commands under valgrind: no
# invalid read/write, no use of uninitialised memory, no definite or
# indirect leak.  Each command must also exit with its documented status;
# valgrind's own findings go to $T/vg.N and are shown on failure.
# Skips when valgrind is missing or quarry was built with ASan (make asan),
# which valgrind cannot run.
. tests/cli/lib.sh

if ! command -v valgrind >/dev/null 2>&1; then
	ok "# SKIP valgrind not installed"
	exit 0
fi
if grep -q __asan_init "$Q" 2>/dev/null; then
	ok "# SKIP quarry is built with ASan (valgrind cannot run it)"
	exit 0
fi

# vg NAME EXPECTED_RC CMD...: run CMD under valgrind (stdin from $T/in)
vg() {
	name=$1
	want=$2
	shift 2
	log="$T/vg.$((n + 1))"
	valgrind --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --track-fds=no -q \
		--log-file="$log" "$@" <"$T/in" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && [ ! -s "$log" ]; then
		ok "valgrind: $name"
	elif [ "$rc" -eq 99 ] || [ -s "$log" ]; then
		nok "valgrind: $name" "valgrind errors (exit $rc): $(grep -m 12 -E '==[0-9]+== +(Invalid|Conditional|Use of|[0-9,]+ bytes|at|by) ' "$log" | tr -s ' ' | tr '\n' '|')"
	else
		nok "valgrind: $name" "exit $rc, expected $want; stderr: $(head -c 300 "$T/err")"
	fi
}

: >"$T/in"
db="$T/v.db"
vg "index a fixture directory" 0 "$Q" index --db "$db" tests/fixtures/corpus
vg "ask --json" 0 "$Q" ask --db "$db" --json "what is alpha"
vg "ask --explain" 0 "$Q" ask --db "$db" --explain --top 2 "what is beta"
printf 'what is a GAN\n\nexplain PCA\nwhat is backpropgation\ndrop\377out\n' >"$T/in"
vg "ask from stdin batch (bundled corpus)" 0 "$Q" ask --json --top 2
: >"$T/in"
vg "ask, nothing matched" 1 "$Q" ask --db "$db" "xyzzyq plugh"
vg "stats" 0 "$Q" stats --db "$db"
# an update in place: one file changed, one added, then a query over the
# segments and deleted records it leaves
mkdir -p "$T/upd"
cp -r tests/fixtures/corpus "$T/upd/c"
cp "$db" "$T/upd/u.db"
first=$(ls "$T/upd/c" | head -n 1)
printf '\n' >>"$T/upd/c/$first"
printf '{"question": "What is gamma?", "answer": "Gamma is the third letter."}\n' >"$T/upd/c/added.jsonl"
"$Q" index -q --db "$T/upd/u.db" "$T/upd/c" 2>/dev/null
printf '\n' >>"$T/upd/c/$first"
vg "index --update" 0 "$Q" index --db "$T/upd/u.db" --update "$T/upd/c"
vg "ask over updated segments" 0 "$Q" ask --db "$T/upd/u.db" --json --top 3 "what is gamma or alpha"
vg "eval tests/devset --no-fts5" 0 "$Q" eval --no-fts5 tests/devset
vg "index a missing file" 4 "$Q" index --db "$T/m.db" "$T/missing.txt"
printf 'SQLite format 3\000garbage garbage garbage' >"$T/corrupt.db"
vg "ask with a corrupt --db" 3 "$Q" ask --db "$T/corrupt.db" dropout
vg "ask --llm --dry-run" 0 "$Q" ask --db "$db" --llm --dry-run --llm-url http://127.0.0.1:9/v1 --llm-model m "what is alpha"

# The LLM client (libcurl loaded with dlopen) against the test server.
if "$Q" ask --db "$db" --llm --dry-run --llm-url http://127.0.0.1:9/v1 --llm-model m alpha >/dev/null 2>&1 &&
   command -v python3 >/dev/null 2>&1; then
	python3 tests/llm/server.py >"$T/port" 2>"$T/server.err" &
	spid=$!
	trap 'kill $spid 2>/dev/null; rm -rf "$T"' EXIT
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	url="http://127.0.0.1:$(head -n 1 "$T/port")/v1"
	vg "ask --llm, streamed reply" 0 "$Q" ask --db "$db" --llm --llm-url "$url" --llm-model stream-split "what is alpha"
	vg "ask --llm --json, HTTP 401" 0 "$Q" ask --db "$db" --json --llm --llm-url "$url" --llm-model 401 "what is alpha"
fi
