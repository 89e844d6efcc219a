#!/bin/sh
# startup.sh - what loading libcurl would cost at start-up, and what
# quarry's offline path pays: a trivial main linked against nothing but
# libc, the same main linked against libcurl (and so its ~37 shared
# libraries), and `quarry ask` on the bundled corpus with a warm index
# (libcurl is only dlopen'ed when an endpoint is used).  Medians of RUNS
# runs per command in ROUNDS rounds taking turns (hyperfine -N).
set -eu
Q=${Q:-./quarry}
RUNS=${RUNS:-300}
ROUNDS=${ROUNDS:-5}
CC=${CC:-cc}
W=$(mktemp -d /tmp/quarry-startup.XXXXXX)
trap 'rm -rf "$W"' EXIT
export XDG_CACHE_HOME="$W/cache"
command -v hyperfine >/dev/null || sh tests/deps.sh hyperfine

# The same trivial main twice; --no-as-needed keeps libcurl a dependency
# although main calls nothing in it.
printf 'int main(void) { return 0; }\n' >"$W/t.c"
$CC -O2 -o "$W/plain" "$W/t.c"
$CC -O2 -o "$W/curl" "$W/t.c" -Wl,--no-as-needed -lcurl
"$Q" ask dropout >/dev/null # build the index once

. tests/bench/rounds.sh
rounds "$W" "$W/plain" "$W/curl" "$Q ask --top 3 'what is dropout'"
printf '%-44s %9s %5s\n' command "median ms" libs
printf '%-44s %9.2f %5d\n' "trivial main" "$(med <"$W/0")" \
	"$(ldd "$W/plain" | wc -l)"
printf '%-44s %9.2f %5d\n' "trivial main linked with -lcurl" \
	"$(med <"$W/1")" "$(ldd "$W/curl" | wc -l)"
printf '%-44s %9.2f %5d\n' "quarry ask --top 3 'what is dropout'" \
	"$(med <"$W/2")" "$(ldd "$Q" | wc -l)"
