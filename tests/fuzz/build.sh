#!/bin/sh
# build.sh MODE OUTDIR [TARGET...] - build the fuzz targets.
#
# MODE fuzz:   clang, libFuzzer's main, ASan+UBSan (run.sh).
# MODE replay: $REPLAY_CC (default clang; gcc works too) with
#              tests/fuzz/replay_main.c, ASan+UBSan (replay.sh).
# Each target is linked straight from the library sources it needs,
# compiled with the same sanitizer flags; objects go to OUTDIR/obj.
# Run from the repository root.  Without TARGETs, builds all of them.
set -eu
mode=$1
out=$2
shift 2
[ $# -gt 0 ] || set -- $(sh tests/fuzz/targets.sh)

PKGS="sqlite3 libutf8proc jansson"
DEFS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DWITH_LLM=1"
WARN="-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2"
OPT="-g -O1 -fno-omit-frame-pointer"
LIBS="-lsqlite3 -lutf8proc -ljansson -lstemmer -lm -ldl"
PKGCFLAGS="$(pkg-config --cflags $PKGS 2>/dev/null || true) $(pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)"
case $mode in
fuzz)
	cc=${FUZZ_CC:-clang}
	san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
	main=""
	;;
replay)
	cc=${REPLAY_CC:-clang}
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	main=tests/fuzz/replay_main.c
	;;
*)
	echo "usage: build.sh fuzz|replay OUTDIR [TARGET...]" >&2
	exit 2
	;;
esac
mkdir -p "$out/obj"

# Library sources a target needs.  fuzz_llm_body includes llm/llm.c itself
# (to reach the static reply parser), so it must not link it again.
UTIL="util/buf.c util/clock.c util/editdist.c util/wordlist.c util/err.c util/fileio.c util/strmap.c util/utf8.c"
CORPUS="index/corpus.c index/passage.c index/mdline.c index/html.c index/convert.c util/dl.c"
LLM_REST="llm/sse.c llm/curl.c llm/prompt.c llm/config.c util/conffile.c util/dl.c"
IDX="index/postings.c index/db.c index/vocab.c index/spill.c index/build.c"
IDX="$IDX index/reader.c index/update.c index/lock.c index/analyzer.c index/alias.c"
IDX="$IDX index/surface.c index/vecstore.c index/docana.c index/vectors.c"
RANK="retrieval/query.c retrieval/expand.c retrieval/feedback.c retrieval/search.c"
RANK="$RANK retrieval/confidence.c retrieval/wordnet.c retrieval/semantic.c"
sources() {
	case $1 in
	fuzz_numbered | fuzz_jsonl | fuzz_markdown | fuzz_passage) echo "$UTIL $CORPUS" ;;
	fuzz_analyzer) echo "$UTIL index/analyzer.c index/alias.c" ;;
	fuzz_query | fuzz_update | fuzz_index) echo "$UTIL $IDX $RANK" ;;
	fuzz_sse) echo "$UTIL llm/llm.c $LLM_REST" ;;
	fuzz_llm_body) echo "$UTIL $LLM_REST" ;;
	fuzz_wordlist) echo "$UTIL" ;;
	fuzz_term) echo "$UTIL util/term.c" ;;
	fuzz_snippet) echo "$UTIL index/analyzer.c retrieval/snippet.c" ;;
	*) echo "build.sh: unknown target $1" >&2; return 1 ;;
	esac
}

# compile SRC: object path on stdout; rebuilt when the source or any
# header of the tree is newer than the object.
compile() {
	o="$out/obj/$(echo "$1" | tr / _).o"
	if [ ! -f "$o" ] || [ -n "$(find "$1" util index retrieval llm -name '*.[ch]' -newer "$o" 2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2086
		$cc $DEFS $PKGCFLAGS $WARN $OPT $san -c -o "$o" "$1" >&2
	fi
	echo "$o"
}

for t in "$@"; do
	objs=""
	for s in $(sources "$t"); do
		objs="$objs $(compile "$s")"
	done
	extra=""
	[ -z "$main" ] || extra=$(compile "$main")
	# shellcheck disable=SC2086
	$cc $DEFS $PKGCFLAGS $WARN $OPT $san -o "$out/$t" "tests/fuzz/$t.c" $extra $objs $LIBS
done
