/* test_vectors.c - the word vectors file: a small file written here in
 * the format of index/vectors.h is read back (binary search, text
 * vectors, coverage, checksum), the hash table of vec_hash_words gives
 * the same answers to the bit, and every truncation and every single
 * damaged byte of it is refused at open or read without a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../index/vectors.h"

/* (not a multiple of 4: the hashed sums go four at a time, then one) */
#define DIMS 6
#define HEADER 64

/* Sorted, as the converter writes them; the vector of word i is mostly
 * along dimension i % DIMS. */
static const char *const words[] = {"ab", "abc", "b", "dropout", "net",
				    "zeta"};
#define NWORDS ((int)(sizeof(words) / sizeof(words[0])))

static unsigned char file[4096];
static size_t file_len;
static char path[64];

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Build the file in file[0 .. file_len). */
static void make_file(void)
{
	unsigned char *p = file + HEADER;
	uint32_t off[NWORDS], words_off, words_len, vecs_off;
	uint64_t h;
	float scale = 1.0f / 127.0f;
	size_t n = 0;
	int w, d;

	memset(file, 0, sizeof(file));
	p += 4 * NWORDS; /* the index, filled below */
	words_off = (uint32_t)(p - file);
	for (w = 0; w < NWORDS; w++) {
		off[w] = (uint32_t)n;
		memcpy(p + n, words[w], strlen(words[w]) + 1);
		n += strlen(words[w]) + 1;
	}
	while (n % 4)
		p[n++] = 0;
	words_len = (uint32_t)n;
	p += n;
	vecs_off = (uint32_t)(p - file);
	for (w = 0; w < NWORDS; w++) {
		put32(file + HEADER + 4 * w, off[w]);
		memcpy(p, &scale, 4);
		put32(p + 4, (uint32_t)(1000 * (w + 1)));
		for (d = 0; d < DIMS; d++)
			p[8 + d] = (unsigned char)(signed char)(d == w % DIMS
								? 127 : 10);
		p += DIMS + 8;
	}
	file_len = (size_t)(p - file);
	h = vec_checksum(file + HEADER, file_len - HEADER);
	memcpy(file, "QVEC", 4);
	put32(file + 4, 1);
	put32(file + 8, DIMS);
	put32(file + 12, NWORDS);
	put32(file + 16, HEADER);
	put32(file + 20, words_off);
	put32(file + 24, words_len);
	put32(file + 28, vecs_off);
	put32(file + 32, DIMS + 8);
	put32(file + 36, (uint32_t)file_len);
	put32(file + 40, (uint32_t)h);
	put32(file + 44, (uint32_t)(h >> 32));
}

static void write_file(const unsigned char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_vectors.%ld.qvec",
		 (long)getpid());
	make_file();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_read_back(void **state)
{
	struct vec *v = NULL;
	struct qerr err = {0};
	float out[DIMS];
	double cover = -1, norm = 0;
	int w, d;

	(void)state;
	write_file(file, file_len);
	assert_int_equal(vec_open(&v, path, &err), 0);
	assert_int_equal(vec_verify(v, &err), 0);
	assert_int_equal(vec_dims(v), DIMS);
	assert_int_equal(vec_count(v), NWORDS);
	for (w = 0; w < NWORDS; w++)
		assert_int_equal(vec_find(v, words[w], strlen(words[w])), w);
	assert_int_equal(vec_find(v, "a", 1), -1);
	assert_int_equal(vec_find(v, "abcd", 4), -1);
	assert_int_equal(vec_find(v, "zz", 2), -1);
	assert_int_equal(vec_find(v, "", 0), -1);
	/* case folded, punctuation skipped, unknown words lower the cover */
	assert_int_equal(vec_text(v, "Dropout, NET!", 13, out, &cover), 2);
	assert_true(cover > 0.999);
	for (d = 0; d < DIMS; d++)
		norm += (double)out[d] * out[d];
	assert_true(fabs(norm - 1.0) < 1e-5);
	assert_int_equal(vec_text(v, "dropout qwertyuiop", 18, out, &cover),
			 1);
	assert_true(cover > 0.0 && cover < 0.5);
	assert_int_equal(vec_text(v, "nothing here", 12, out, &cover), 0);
	assert_true(cover == 0.0);
	assert_true(out[0] == 0.0f && out[DIMS - 1] == 0.0f);
	vec_close(v);
}

/* Lookups and text vectors with the hash table equal those by binary
 * search, bit for bit. */
static void test_hashed(void **state)
{
	static const char *const texts[] = {
		"Dropout, NET!", "dropout qwertyuiop", "nothing here",
		"zeta net b abc ab dropout zeta zeta", "ab-abc ABC abcd a zz"};
	static const char *const missing[] = {"a", "abcd", "zz", "", "aa"};
	struct vec *v = NULL, *h = NULL;
	struct qerr err = {0};
	float out[DIMS], hout[DIMS];
	double cover, hcover;
	size_t i;
	int w, n;

	(void)state;
	write_file(file, file_len);
	assert_int_equal(vec_open(&v, path, &err), 0);
	assert_int_equal(vec_open(&h, path, &err), 0);
	assert_int_equal(vec_hash_words(h), 0);
	assert_int_equal(vec_hash_words(h), 0); /* (a second call keeps it) */
	for (w = 0; w < NWORDS; w++)
		assert_int_equal(vec_find(h, words[w], strlen(words[w])), w);
	for (i = 0; i < sizeof(missing) / sizeof(*missing); i++)
		assert_int_equal(vec_find(h, missing[i], strlen(missing[i])),
				 -1);
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		n = vec_text(v, texts[i], strlen(texts[i]), out, &cover);
		assert_int_equal(vec_text(h, texts[i], strlen(texts[i]), hout,
					  &hcover), n);
		assert_memory_equal(out, hout, sizeof(out));
		assert_memory_equal(&cover, &hcover, sizeof(cover));
	}
	vec_close(v);
	vec_close(h);
}

/* Known answers, as vectors/convert.py computes them. */
static void test_checksum(void **state)
{
	(void)state;
	assert_true(vec_checksum((const unsigned char *)"", 0) ==
		    0xcbf29ce484222325ULL);
	assert_true(vec_checksum((const unsigned char *)"abcdefgh", 8) ==
		    0x3919eeb00ee1e68cULL);
	assert_true(vec_checksum((const unsigned char *)"abcdefghij", 10) ==
		    0xe89d7a294942691fULL);
}

static void test_truncated(void **state)
{
	struct vec *v;
	struct qerr err = {0};
	size_t n;

	(void)state;
	for (n = 0; n < file_len; n++) {
		write_file(file, n);
		v = (struct vec *)1;
		assert_int_equal(vec_open(&v, path, &err), QERR_DATA);
		assert_null(v);
		assert_non_null(strstr(err.msg, "vectors file is damaged"));
	}
}

/* Every byte set to a few other values: refused at open, or every read
 * stays inside the file (ASan and valgrind say so) and the checksum
 * notices a change to the body. */
static void test_damaged_bytes(void **state)
{
	static const unsigned char vals[] = {0x00, 0xff, 0x7f, 0x80, 0x01};
	unsigned char bad[sizeof(file)];
	struct vec *v;
	struct qerr err = {0};
	float out[VEC_MAX_DIMS];
	double cover;
	size_t i, k;
	int w;

	(void)state;
	for (i = 0; i < file_len; i++)
		for (k = 0; k < sizeof(vals); k++) {
			if (file[i] == vals[k])
				continue;
			memcpy(bad, file, file_len);
			bad[i] = vals[k];
			write_file(bad, file_len);
			if (vec_open(&v, path, &err) != 0) {
				assert_null(v);
				continue;
			}
			for (w = 0; w < NWORDS; w++)
				vec_find(v, words[w], strlen(words[w]));
			vec_text(v, "ab abc b dropout net zeta x", 27, out,
				 &cover);
			assert_int_equal(vec_hash_words(v), 0);
			for (w = 0; w < NWORDS; w++)
				vec_find(v, words[w], strlen(words[w]));
			vec_text(v, "ab abc b dropout net zeta x", 27, out,
				 &cover);
			if (i >= HEADER)
				assert_int_equal(vec_verify(v, &err),
						 QERR_DATA);
			vec_close(v);
		}
}

static void test_missing(void **state)
{
	struct vec *v;
	struct qerr err = {0};

	(void)state;
	assert_int_equal(vec_open(&v, "/nonexistent/x.qvec", &err), QERR_IO);
	assert_null(v);
	assert_int_equal(vec_open(&v, "/tmp", &err), QERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_hashed),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_damaged_bytes),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
