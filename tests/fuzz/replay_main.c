/* replay_main.c - a main() for the fuzz targets without libFuzzer.
 *
 * Calls LLVMFuzzerTestOneInput once per file named on the command line,
 * each read into an exact-size heap buffer (as libFuzzer does, so ASan sees
 * reads past the end).  A sanitizer report or contract check aborts the
 * process; replay.sh runs one file per process to tell them apart.
 * Exits 0 when every file ran, 2 when one could not be read. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read path into a new exact-size buffer. Returns 0, or -1 with errno. */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL, *p;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return -1;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((p = realloc(data, cap)) == NULL) {
				free(data);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			data = p;
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(data);
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	/* Shrink to size so the bytes end exactly at the allocation's end. */
	*out = malloc(n ? n : 1);
	if (*out == NULL) {
		free(data);
		errno = ENOMEM;
		return -1;
	}
	if (n > 0)
		memcpy(*out, data, n);
	free(data);
	*len = n;
	return 0;
}

int main(int argc, char **argv)
{
	int i, status = 0;

	for (i = 1; i < argc; i++) {
		uint8_t *data;
		size_t len;

		if (slurp(argv[i], &data, &len) != 0) {
			int e = errno;

			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(e));
			status = 2;
			continue;
		}
		LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	return status;
}
