/* mdline.c - Markdown line primitives (mdline.h): headings, setext
 * underlines and fences recognised one line at a time, for the Q&A
 * reader and the passage reader alike. */
#include "mdline.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

void mdl_trim(const char **s, size_t *n)
{
	while (*n > 0 && is_ws(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_ws((*s)[*n - 1]))
		(*n)--;
}

int mdl_blank(const char *s, size_t n)
{
	mdl_trim(&s, &n);
	return n == 0;
}

size_t mdl_indent(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 4 && s[i] == ' ')
		i++;
	return i < 4 ? i : n;
}

int mdl_atx(const char *s, size_t n, int *level, const char **t, size_t *tn)
{
	size_t i = mdl_indent(s, n), h = 0;

	while (i < n && s[i] == '#' && h < 7) {
		i++;
		h++;
	}
	if (h == 0 || h > 6 || (i < n && s[i] != ' ' && s[i] != '\t'))
		return 0;
	*t = s + i;
	*tn = n - i;
	mdl_trim(t, tn);
	for (i = *tn; i > 0 && (*t)[i - 1] == '#'; i--)
		;
	if (i == 0 || (*t)[i - 1] == ' ' || (*t)[i - 1] == '\t') {
		*tn = i; /* a closing run of '#'s */
		mdl_trim(t, tn);
	}
	if (level)
		*level = (int)h;
	return 1;
}

int mdl_setext(const char *s, size_t n)
{
	size_t i = mdl_indent(s, n), k;
	char c;

	if (i >= n || (s[i] != '=' && s[i] != '-'))
		return 0;
	c = s[i];
	for (k = i; k < n && s[k] == c; k++)
		;
	if (!mdl_blank(s + k, n - k) || (c == '-' && k - i < 2))
		return 0;
	return c == '=' ? 1 : 2;
}

size_t mdl_fence(const char *s, size_t n, char *ch)
{
	size_t i = mdl_indent(s, n), k;

	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	for (k = i; k < n && s[k] == s[i]; k++)
		;
	if (k - i < 3)
		return 0;
	*ch = s[i];
	return k - i;
}
