/* test_wordnet.c - the WordNet reader on a small database written here in
 * wndb(5)'s format: synonyms, hypernyms, hyponyms, lexical (derivation)
 * pointers, glosses, multi-word lemmas, morphy's suffix rules and
 * exception lists, the sense limit, and files that are missing, empty or
 * point past their end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../retrieval/wordnet.h"

static char dir[] = "/tmp/quarry-test-wordnet-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Synsets as templates: "@N" stands for the offset of synset N (every
 * offset is 8 digits, so line lengths do not depend on them). */
static void put_data(const char *name, const char *const *tmpl, int n)
{
	char out[4096] = "  1 license text\n", line[512];
	long off[16];
	size_t len = strlen(out);
	int i, pass;

	for (pass = 0; pass < 2; pass++) {
		size_t at = len;

		for (i = 0; i < n; i++) {
			const char *s = tmpl[i];
			char *o = line;

			while (*s) {
				if (*s == '@' && s[1] >= '0' && s[1] <= '9') {
					o += sprintf(o, "%08ld",
						     pass ? off[s[1] - '0'] : 0L);
					s += 2;
				} else {
					*o++ = *s++;
				}
			}
			*o = '\0';
			if (pass == 0)
				off[i] = (long)at;
			else
				strcat(out, line);
			at += strlen(line);
		}
	}
	put(name, out);
}

static int setup(void **state)
{
	static const char *const noun[] = {
		/* 0 */ "@0 07 n 01 disadvantage 0 002 ~ @1 n 0000 + @0 v 0000 "
			"| the quality of having an inferior position  \n",
		/* 1 */ "@1 07 n 02 defect 0 shortcoming 0 002 @ @0 n 0000 "
			"+ @0 v 0202 | a failing or deficiency; \"an example\"  \n",
		/* 2 */ "@2 06 n 03 mobile_phone 0 cellular_telephone 0 "
			"cellphone 0 000 | a hand-held telephone  \n",
		/* 3 */ "@3 05 n 01 goose 0 000 | a web-footed bird  \n",
		/* 4 */ "@4 07 n 01 shortcoming 0 000 | a second sense  \n",
	};
	static const char *const verb[] = {
		/* 0 */ "@0 30 v 02 fall_short 0 fail 0 001 + @1 n 0202 "
			"00 | be unable  \n",
	};

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	put_data("data.noun", noun, 5);
	put_data("data.verb", verb, 1);
	put("data.adj", "");
	put("data.adv", "");
	put("index.adj", "");
	put("index.adv", "");
	put("index.verb", "");
	put("noun.exc", "geese goose\n");
	return 0;
}

static int teardown(void **state)
{
	static const char *const names[] = {
		"data.noun", "data.verb", "data.adj", "data.adv", "index.noun",
		"index.verb", "index.adj", "index.adv", "noun.exc"};
	char path[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

/* The index lines need the data offsets: read them back from data.noun. */
static long offset_of(const char *word)
{
	char path[512], line[512];
	long off = -1, at = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/data.noun", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] != ' ' && strstr(line, word) &&
		    strncmp(line + 17, word, strlen(word)) == 0 && off < 0)
			off = at;
		at += (long)strlen(line);
	}
	fclose(f);
	return off;
}

static void put_indexes(int senses_of_shortcoming)
{
	char buf[2048];
	long dis = offset_of("disadvantage"), def = offset_of("defect"),
	     mob = offset_of("mobile_phone"), goo = offset_of("goose"),
	     sc2 = offset_of("shortcoming 0 000");
	char path[512], line[512];
	long vb = 0;
	FILE *f;

	/* the verb's offset: the first line after the license */
	snprintf(path, sizeof(path), "%s/data.verb", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	vb = (long)strlen(line);
	fclose(f);
	snprintf(buf, sizeof(buf),
		 "  1 license text\n"
		 "cellular_telephone n 1 0 1 0 %08ld  \n"
		 "defect n 1 1 @ 1 0 %08ld  \n"
		 "disadvantage n 1 1 ~ 1 0 %08ld  \n"
		 "goose n 1 0 1 0 %08ld  \n"
		 "mobile_phone n 1 0 1 0 %08ld  \n"
		 "shortcoming n %d 1 @ %d 0 %08ld %08ld  \n",
		 mob, def, dis, goo, mob, senses_of_shortcoming,
		 senses_of_shortcoming, def, sc2);
	put("index.noun", buf);
	snprintf(buf, sizeof(buf), "fail v 1 1 + 1 0 %08ld  \n", vb);
	put("index.verb", buf);
}

struct seen {
	char got[32][64];
	int rel[32], sense[32], n;
};

static int collect(void *ctx, const char *lemma, int rel, int sense)
{
	struct seen *s = ctx;

	if (s->n < 32) {
		snprintf(s->got[s->n], sizeof(s->got[0]), "%s", lemma);
		s->rel[s->n] = rel;
		s->sense[s->n++] = sense;
	}
	return 0;
}

static int has(const struct seen *s, const char *lemma, int rel)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->got[i], lemma) == 0 && s->rel[i] == rel)
			return 1;
	return 0;
}

static struct seen related(struct wn *w, const char *word, int rels,
			   int senses)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(wn_related(w, word, strlen(word), rels, senses,
				    collect, &s),
			 1);
	return s;
}

static void test_relations(void **state)
{
	struct wn *w;
	struct seen s;
	int all = WN_SYNONYM | WN_DERIVED | WN_HYPERNYM | WN_HYPONYM |
		  WN_GLOSS | WN_SIMILAR;

	(void)state;
	put_indexes(2);
	w = wn_open(dir);
	assert_non_null(w);
	/* a plural through the suffix rules; synonym, hypernym, the lexical
	 * pointer from word 2 (shortcoming) to word 2 of the verb synset
	 * (fail), the definition without its example */
	s = related(w, "shortcomings", all, 1);
	assert_true(has(&s, "defect", WN_SYNONYM));
	assert_false(has(&s, "shortcoming", WN_SYNONYM));
	assert_true(has(&s, "disadvantage", WN_HYPERNYM));
	assert_true(has(&s, "fail", WN_DERIVED));
	assert_false(has(&s, "fall short", WN_DERIVED));
	assert_true(has(&s, "a failing or deficiency", WN_GLOSS));
	assert_false(has(&s, "a second sense", WN_GLOSS));
	/* the second sense only when asked for */
	s = related(w, "shortcoming", WN_GLOSS, 2);
	assert_true(has(&s, "a second sense", WN_GLOSS));
	assert_int_equal(s.sense[1], 2);
	/* hyponyms; only the relations asked for */
	s = related(w, "disadvantage", WN_HYPONYM, 3);
	assert_true(has(&s, "defect", WN_HYPONYM));
	assert_true(has(&s, "shortcoming", WN_HYPONYM));
	assert_int_equal(s.n, 2);
	/* a lexical pointer from another word of the synset is not ours */
	s = related(w, "defect", WN_DERIVED, 1);
	assert_int_equal(s.n, 0);
	/* multi-word lemmas, given with spaces or underscores */
	s = related(w, "cellular telephone", WN_SYNONYM, 1);
	assert_true(has(&s, "mobile phone", WN_SYNONYM));
	assert_true(has(&s, "cellphone", WN_SYNONYM));
	s = related(w, "cellular_telephone", WN_SYNONYM, 1);
	assert_true(has(&s, "mobile phone", WN_SYNONYM));
	/* the exception list */
	assert_true(wn_knows(w, "geese", 5));
	assert_true(wn_knows(w, "fails", 5));
	/* unknown words and prefixes of known ones */
	assert_false(wn_knows(w, "zebra", 5));
	assert_false(wn_knows(w, "defec", 5));
	assert_false(wn_knows(w, "defects ", 8));
	assert_int_equal(wn_related(w, "zebra", 5, all, 3, collect, &s), 0);
	wn_close(w);
	wn_close(NULL);
	assert_int_equal(wn_related(NULL, "defect", 6, all, 3, collect, &s),
			 0);
}

static void test_damaged(void **state)
{
	struct wn *w;
	struct seen s;
	char path[512];

	(void)state;
	/* offsets past the end of data.noun, a garbled count */
	put("index.noun", "defect n 1 1 @ 1 0 99999999  \n"
			  "disadvantage n x 1 ~ 1 0 00000000  \n"
			  "shortcoming n 1 1 @ 1 0 00000017  \n");
	w = wn_open(dir);
	assert_non_null(w);
	memset(&s, 0, sizeof(s));
	assert_int_equal(wn_related(w, "defect", 6, 63, 3, collect, &s), 1);
	assert_int_equal(wn_related(w, "disadvantage", 12, 63, 3, collect, &s),
			 1);
	assert_int_equal(wn_related(w, "shortcoming", 11, 63, 3, collect, &s),
			 1);
	wn_close(w);
	/* a missing data file: no database */
	snprintf(path, sizeof(path), "%s/data.adv", dir);
	unlink(path);
	errno = 0;
	assert_null(wn_open(dir));
	assert_int_equal(errno, ENOENT);
	put("data.adv", "");
	/* a missing exception list is an empty one */
	snprintf(path, sizeof(path), "%s/noun.exc", dir);
	unlink(path);
	w = wn_open(dir);
	assert_non_null(w);
	assert_false(wn_knows(w, "geese", 5));
	wn_close(w);
	put("noun.exc", "geese goose\n");
	assert_null(wn_open("/nonexistent/wordnet"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
