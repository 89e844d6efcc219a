#!/bin/sh
# make_seeds.sh - (re)create tests/fuzz/seeds/<target>/ from real files.
#
# Seeds are small slices of what quarry really reads: the bundled corpus,
# the fixtures, the judged collections in ../shared/eval (a few lines of
# each), the devset queries, and the SSE streams and error bodies that
# tests/llm/server.py sends.  Run from the repository root; the result is
# checked in, so this only needs running when the sources change.  Each
# target's seeds stay well under 200 KB.
set -eu
S=tests/fuzz/seeds
EVAL=${EVAL:-../shared/eval}
[ -d "$EVAL" ] || EVAL=/work/shared/eval
BUNDLED=corpus/deep-learning-interview-qa.txt
FIX=tests/fixtures/corpus
rm -rf "$S"
for t in numbered jsonl markdown passage analyzer query update sse llm_body; do
	mkdir -p "$S/$t"
done

# lines A-B of file F into out
slice() { sed -n "$2,$3p" "$1" >"$4"; }

# --- numbered text: the bundled corpus in pieces, the messy fixture ---
slice "$BUNDLED" 1 40 "$S/numbered/bundled-head.txt"
slice "$BUNDLED" 100 160 "$S/numbered/bundled-mid.txt"
tail -n 40 "$BUNDLED" >"$S/numbered/bundled-tail.txt"
cp "$FIX/messy.txt" "$S/numbered/messy.txt"
printf '1. What is A?\r\nAns: A.\r\n2. What is B?\rAns:\rB.\r' >"$S/numbered/crlf.txt"
printf '\357\273\2771. Question with BOM?\nAns:\nYes \377 bad byte.\n' >"$S/numbered/bom-bad-utf8.txt"
printf '1. Q?\nAnswer:\nA\n\n3.No space?\nAns: x\n10. Ten?\nAns:\n' >"$S/numbered/edge.txt"

# --- JSON Lines: fixtures, a few lines of every judged collection ---
cp "$FIX/qa.jsonl" "$FIX/beir.jsonl" "$S/jsonl/"
for d in "$EVAL"/*/; do
	name=$(basename "$d")
	[ -f "$d/corpus.jsonl" ] && head -n 3 "$d/corpus.jsonl" | cut -c1-3000 >"$S/jsonl/$name.jsonl"
done
head -n 5 tests/devset/corpus.jsonl >"$S/jsonl/devset.jsonl"
printf '{"question":"\\u00e9t\\u00e9 \\ud83d\\ude00?","answer":"\\u0000nul","id":null}\n{"_id":1e400,"text":"x"}\n[1,2]\n{"question":"q","answer":{"a":1}}\n' >"$S/jsonl/escapes.jsonl"

# --- Markdown: the fixture, the devset notes, the bundled corpus as headings ---
cp "$FIX/guide.md" "$S/markdown/guide.md"
cp tests/devset/README.md "$S/markdown/devset-README.md"
slice "$BUNDLED" 4 60 /dev/stdout | awk '
	/^[0-9]+\. / { sub(/^[0-9]+\. /, ""); print "## " $0; next }
	/^Ans:/ { next }
	{ print }' >"$S/markdown/bundled-as-headings.md"
printf 'Setext?\n=======\nbody\n\n#No space\n####### seven\n# Q? #\n\n```\n# fenced\n' >"$S/markdown/edge.md"

# --- analyzer: prose, acronyms, Unicode, invalid bytes ---
slice "$BUNDLED" 20 30 "$S/analyzer/bundled.txt"
grep -h 'Ans\|(' "$BUNDLED" | grep '([A-Z][A-Za-z]*s\?)' | head -n 20 >"$S/analyzer/acronyms.txt"
printf 'ReLU (Rectified Linear Unit) and Long Short-Term Memory (LSTM) networks; GANs (Generative Adversarial Networks).\n' >"$S/analyzer/alias.txt"
printf 'Ｆｕｌｌｗｉｄｔｈ ﬁ ligature, Straße, İstanbul, ÅNGSTRÖM, naïve café, network’s, 正则化, Ελληνικά, ١٢٣\n' >"$S/analyzer/unicode.txt"
printf 'drop\377out \300\200 overlong \355\240\200 surrogate \364\220\200\200 big \0 nul caf\303' >"$S/analyzer/invalid.bin"
head -c 300 /dev/zero | tr '\0' 'a' >"$S/analyzer/long-word.txt"

# --- queries: the devset questions, one per file ---
i=0
jq -r '.text' tests/devset/queries.jsonl | head -n 40 | while IFS= read -r q; do
	i=$((i + 1))
	printf '%s' "$q" >"$S/query/devset-$i.txt"
done
for d in "$EVAL"/*/; do
	[ -f "$d/queries.jsonl" ] && jq -r '.text' "$d/queries.jsonl" | head -n 1 | cut -c1-400 | tr -d '\n' >"$S/query/$(basename "$d").txt"
done
printf 'what is an LSTM' >"$S/query/alias.txt"
printf 'backprop multilayer percptron' >"$S/query/expand.txt"
printf 'the of and' >"$S/query/stop.txt"

# --- SSE streams, as tests/llm/server.py sends them ---
if command -v python3 >/dev/null 2>&1; then
	python3 - "$S/sse" <<'PY'
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("server", "tests/llm/server.py")
srv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(srv)
out = sys.argv[1]
def put(name, text):
    with open(os.path.join(out, name), "wb") as f:
        f.write(text.encode() if isinstance(text, str) else text)
full = srv.sse_events(srv.STREAM_PIECES)
put("stream.sse", full)
put("stream-crlf.sse", full.replace("\n", "\r\n"))
put("stream-cr.sse", full.replace("\n", "\r"))
put("cut.sse", srv.sse_events(["cut ", "short"], done=False))
put("stream-error.sse", srv.sse_events(["partial"], done=False).split("\n\n")[2]
    + '\n\ndata: {"error":{"message":"the model is overloaded","type":"server_error"}}\n\n')
put("multiline.sse", 'data: {"choices":\ndata: [{"delta":{"content":"two lines"}}]}\n\ndata:[DONE]\n\nignored')
put("ollama-error.sse", 'data: {"error":"model \'x\' not found"}\n\n')
put("malformed.sse", 'data: {"choices": [ {"delta": \n\n')
PY
fi

# --- whole replies and error bodies, as tests/llm/server.py sends them ---
B=$S/llm_body
printf '{"id":"chatcmpl-test","object":"chat.completion","model":"plain","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello from plain [1]."}}]}' >"$B/plain.json"
printf '{"error":{"message":"Incorrect API key provided: sk-te****1234.","type":"invalid_request_error","code":"invalid_api_key"}}' >"$B/401.json"
printf '{"error":"model '"'"'x'"'"' not found"}' >"$B/ollama-error.json"
printf '{"error":{"message":"Rate limit reached"}}' >"$B/429.json"
printf 'Internal Server Error\nTraceback...' >"$B/500.txt"
printf '{"choices": [ {"message": ' >"$B/malformed.json"
printf '{"detail":"Not Found"}' >"$B/detail.json"
printf '{"choices":[{"message":{"content":"caf\\u00e9 \\u4e16 \\ud83d\\ude00\\n\\ttab"}}]}' >"$B/unicode.json"
printf '  \t\r\n<html>\r\n<body>502 Bad Gateway</body></html>' >"$B/html.txt"

# --- updates: parts f0, f1, f1 replaced, f2 added (fuzz_update.c) ---
printf 'What is dropout?\tDropout ignores random neurons.\nWhat is a CNN?\tA convolutional neural network (CNN) shares weights.\n---\nWhat is backpropagation?\tIt computes gradients with the chain rule.\nExplain batch norm\tBatch normalization (BN) normalizes layer inputs.\n---\nWhat is backpropagation?\tThe chain rule, applied backwards through the layers.\nWhat is ReLU?\tmax(0, x)\n---\nWhat is an LSTM?\tA recurrent network with gates.\nlearning rate\n' >"$S/update/basic.txt"
head -c 3000 "$BUNDLED" | tr -d '\t' >"$S/update/prose.txt"
printf -- '---\n---\nonly\there\n---\n' >"$S/update/empty_parts.txt"
printf 'caf\303\251 na\303\257ve\tr\303\251sum\303\251 \377\376 bad\n---\ncaf\303\251\tcaf\303\251 caf\303\251\n---\n\346\255\243\345\210\231\tx\n' >"$S/update/unicode.txt"

# --- prose (fuzz_passage.c): the first byte picks the reader and bound ---
P=$S/passage
{ printf '\000'; head -c 3000 ../shared/eval-prose/squad/docs/Normans.txt 2>/dev/null ||
	head -c 3000 /work/shared/eval-prose/squad/docs/Normans.txt; } >"$P/normans.txt"
{ printf '\001'; zcat /usr/share/doc/apt/README.md.gz | head -c 4000; } >"$P/apt-readme.md"
{ printf '\002'; printf '<!DOCTYPE html><html><head><title>T &amp; x</title><script>x</script></head><body><h1>A</h1><p>One <b>two</b>&nbsp;three<p>Unclosed<ul><li>a<li>b</ul><pre>x  y\n z</pre><h3>C</h3><div>d</div><footer>f</footer>\n'; } >"$P/broken.html"
{ printf '\003'; printf 'Title\n=====\n\nSub\n---\n\n```\ncode\n```\n\n| a | b |\n\n- x\n  y\n'; } >"$P/sniffed.md"
