#!/bin/sh
# targets.sh - the fuzz targets, one per line (seed and regress dirs drop
# the fuzz_ prefix: fuzz_jsonl uses seeds/jsonl).
for t in numbered jsonl markdown passage analyzer query update index sse llm_body wordlist term snippet; do
	echo "fuzz_$t"
done
