#!/bin/sh
# test_layers.sh - calls go one way: cli -> retrieval, llm -> index -> util.
#
# Only cli/ prints or exits, and cli/ writes no index itself: building,
# updating and rebuilding (which files to read, on which thread, what to
# record, what to drop) is index/ingest.h's policy, so cli/ never calls
# the index writer, the corpus readers or pthreads directly.  Checked on
# the sources, from the repository root.
. tests/cli/lib.sh

# includes SRC_DIRS PATTERN NAME: no #include under SRC_DIRS matches PATTERN
includes() {
	# shellcheck disable=SC2086
	hits=$(grep -nE "^#[[:space:]]*include[[:space:]]+\"$2" $1 2>/dev/null)
	if [ -z "$hits" ]; then ok "$3"; else nok "$3" "$(echo "$hits" | head -n 3)"; fi
}

# calls FILES PATTERN NAME: no line of FILES (comments aside) matches PATTERN
calls() {
	# shellcheck disable=SC2086
	hits=$(grep -nE "$2" $1 2>/dev/null | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)')
	if [ -z "$hits" ]; then ok "$3"; else nok "$3" "$(echo "$hits" | head -n 3)"; fi
}

LIB="index/*.[ch] retrieval/*.[ch] util/*.[ch] llm/*.[ch]"
includes "$LIB" '(\.\./cli/|cli\.h)' "no library file includes cli/"
includes "util/*.[ch]" '\.\./(index|retrieval|llm|cli)/' "util/ includes no other layer"
includes "index/*.[ch]" '\.\./(retrieval|llm|cli)/' "index/ includes nothing above it"
includes "retrieval/*.[ch]" '\.\./(llm|cli)/' "retrieval/ includes neither llm/ nor cli/"

W='(^|[^_[:alnum:]])'
PRINTS="${W}(printf|puts|perror|putchar|exit|abort)[[:space:]]*\\("
PRINTS="$PRINTS|fprintf[[:space:]]*\\([[:space:]]*std(err|out)"
PRINTS="$PRINTS|fputs[[:space:]]*\\(.*std(err|out)|isatty"
calls "index/*.c retrieval/*.c util/*.c llm/*.c" "$PRINTS" \
	"library code neither prints nor exits"
WRITES="idx_build_(begin|add|source|source_stat|source_kind|commit|meta)"
WRITES="$WRITES|idx_update_[a-z]+|idx_salvage_sources|idx_lock_writer"
WRITES="${W}($WRITES|corpus_read_(path|file|mem))[[:space:]]*\\("
calls "cli/*.c" "$WRITES" \
	"cli/ writes no index and reads no corpus itself (index/ingest.h does)"
calls "cli/*.c" '(^|[^_[:alnum:]])pthread_create[[:space:]]*\(' \
	"cli/ starts no reading thread (index/pipeline.h does)"

# The check can see a call: on a copy of cli/ with one planted, it fails.
mkdir "$T/cli"
cp cli/*.c "$T/cli/"
printf 'static int f(struct idx_build **b)\n{\n\treturn %s;\n}\n' \
	'idx_build_begin(b, "x", 0)' >>"$T/cli/cmd_index.c"
case $(calls "$T/cli/*.c" "$WRITES" planted) in
"not ok"*) ok "the check finds a planted idx_build_begin in cli/" ;;
*) nok "the check finds a planted idx_build_begin in cli/" ;;
esac
mkdir "$T/index"
cp index/*.c "$T/index/"
printf 'void f(void);\nvoid f(void)\n{\n\t%s;\n}\n' 'fprintf(stderr, "x")' >>"$T/index/ingest.c"
case $(calls "$T/index/*.c" "$PRINTS" planted) in
"not ok"*) ok "the check finds a planted fprintf(stderr) in index/" ;;
*) nok "the check finds a planted fprintf(stderr) in index/" ;;
esac
