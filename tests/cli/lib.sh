# lib.sh - helpers for the CLI scenario tests (sourced, POSIX sh).
# Each check prints "ok N - name" or "not ok N - name"; run.sh counts them.
Q=${Q:-$PWD/quarry}
T=$(mktemp -d /tmp/quarry-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME="$T/cache" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state"
unset QUARRY_LLM_URL OPENAI_BASE_URL QUARRY_LLM_MODEL OPENAI_API_KEY NO_COLOR
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '#   %s\n' "$2"; }

# run CMD...: runs it, keeping stdout in $T/out, stderr in $T/err, status in $rc
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }

# expect_rc NAME CODE: the last run exited with CODE
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1 (exit $2)"; else nok "$1 (exit $2)" "got exit $rc; stderr: $(head -c 300 "$T/err")"; fi
}
# expect_err NAME REGEX: stderr is one line matching REGEX
expect_err() {
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "$2" "$T/err"; then ok "$1"; else nok "$1" "stderr: $(head -c 300 "$T/err")"; fi
}
# expect_out NAME REGEX: stdout matches REGEX
expect_out() {
	if grep -Eq "$2" "$T/out"; then ok "$1"; else nok "$1" "stdout: $(head -c 300 "$T/out")"; fi
}
