/* fuzz_markdown.c - corpus_read_mem on arbitrary bytes read as "md". */
#include "fuzz_corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_corpus(data, size, "md");
}
