#!/bin/sh
# targets.sh - the fuzz targets, one per line (seed and regress dirs drop
# the fuzz_ prefix: fuzz_jsonl uses seeds/jsonl).
for t in numbered jsonl markdown analyzer query update index sse llm_body wordlist; do
	echo "fuzz_$t"
done
