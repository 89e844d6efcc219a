/* alias.c - spot "Expansion Words (ACR)" and "ACR (Expansion Words)". */
#include "alias.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define MAX_ACR 10
#define MAX_WORDS 16

static int is_alnum(int c)
{
	return c < 0x80 && isalnum(c);
}

/* Is s[0..n) an acronym? Sets *core to its length without a plural 's'. */
static int acronym(const char *s, size_t n, size_t *core)
{
	size_t i, caps = 0;

	if (n < 2 || n > MAX_ACR + 1)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_alnum((unsigned char)s[i]))
			return 0;
		caps += isupper((unsigned char)s[i]) != 0;
	}
	*core = n;
	if (s[n - 1] == 's' && n > 2)
		*core = n - 1;
	return caps >= 2 && *core <= MAX_ACR && isalpha((unsigned char)s[0]);
}

static int small_word(const char *w, size_t n)
{
	static const char *const words[] = {"of", "and", "for", "the", "to",
					    "in", "on", "with", "a", "an"};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
			return 1;
	return 0;
}

struct word {
	const char *s;
	size_t n;
};

/* Split s[0..n) into words (letters/digits; '-' splits too). */
static int split(const char *s, size_t n, struct word *w, int max)
{
	size_t i = 0;
	int k = 0;

	while (i < n && k < max) {
		size_t st;

		while (i < n && !is_alnum((unsigned char)s[i]))
			i++;
		st = i;
		while (i < n && is_alnum((unsigned char)s[i]))
			i++;
		if (i > st) {
			w[k].s = s + st;
			w[k].n = i - st;
			k++;
		}
	}
	return k;
}

/* Do the initials of w[from..to) spell acr (case-insensitive), allowing
 * small words to be skipped? */
static int spells(const struct word *w, int from, int to, const char *acr0,
		  size_t an0)
{
	char acr[MAX_ACR + 1];
	size_t a = 0, an = 0, i0;
	int i, mixed = 0;

	/* "ReLU": a mixed-case acronym spells with its capitals only. */
	for (i0 = 0; i0 < an0; i0++)
		mixed |= islower((unsigned char)acr0[i0]) != 0;
	for (i0 = 0; i0 < an0 && an < MAX_ACR; i0++)
		if (!mixed || !islower((unsigned char)acr0[i0]))
			acr[an++] = acr0[i0];

	for (i = from; i < to; i++) {
		if (a < an && tolower((unsigned char)w[i].s[0]) ==
				      tolower((unsigned char)acr[a])) {
			a++;
			continue;
		}
		if (!small_word(w[i].s, w[i].n))
			return 0;
	}
	return a == an;
}

/* "Words Words (ACR)": find the shortest run of words ending right before
 * the bracket whose initials spell the acronym. */
static int before(const char *text, size_t open, const char *acr, size_t an,
		  alias_fn fn, void *ctx)
{
	size_t start = open > 200 ? open - 200 : 0;
	struct word w[64];
	int k, from;

	/* Only words on the same sentence: stop at '.', ':' or newline. */
	for (size_t i = open; i > start; i--)
		if (text[i - 1] == '.' || text[i - 1] == '\n' ||
		    text[i - 1] == ':' || text[i - 1] == '(' ||
		    text[i - 1] == ')') {
			start = i;
			break;
		}
	k = split(text + start, open - start, w, 64);
	for (from = k - 1; from >= 0 && k - from <= MAX_WORDS; from--) {
		if (tolower((unsigned char)w[from].s[0]) !=
		    tolower((unsigned char)acr[0]))
			continue;
		if (spells(w, from, k, acr, an))
			return fn(ctx, acr, an, w[from].s,
				  (size_t)(w[k - 1].s + w[k - 1].n - w[from].s));
	}
	return 0;
}

/* "ACR (Words Words)". */
static int after(const char *inner, size_t n, const char *acr, size_t an,
		 alias_fn fn, void *ctx)
{
	struct word w[MAX_WORDS + 1];
	int k = split(inner, n, w, MAX_WORDS + 1);

	if (k < 2 || k > MAX_WORDS || !spells(w, 0, k, acr, an))
		return 0;
	return fn(ctx, acr, an, w[0].s,
		  (size_t)(w[k - 1].s + w[k - 1].n - w[0].s));
}

int alias_scan(const char *text, size_t len, alias_fn fn, void *ctx)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		size_t close, core, j;
		const char *open = memchr(text + i, '(', len - i);

		if (open == NULL)
			break;
		i = (size_t)(open - text);
		for (close = i + 1; close < len && close - i < 200; close++)
			if (text[close] == ')' || text[close] == '(' ||
			    text[close] == '\n')
				break;
		if (close >= len || text[close] != ')')
			continue;
		if (acronym(text + i + 1, close - i - 1, &core)) {
			rc = before(text, i, text + i + 1, core, fn, ctx);
			continue;
		}
		/* the word right before the bracket may be the acronym */
		j = i;
		while (j > 0 && text[j - 1] == ' ')
			j--;
		{
			size_t e = j;

			while (j > 0 && is_alnum((unsigned char)text[j - 1]))
				j--;
			if (e > j && acronym(text + j, e - j, &core))
				rc = after(text + i + 1, close - i - 1, text + j,
					   core, fn, ctx);
		}
	}
	return rc;
}
