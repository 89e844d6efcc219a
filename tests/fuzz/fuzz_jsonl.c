/* fuzz_jsonl.c - corpus_read_mem on arbitrary bytes read as "jsonl". */
#include "fuzz_corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_corpus(data, size, "jsonl");
}
