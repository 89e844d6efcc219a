/* conffile.c - the config file reader (format: conffile.h). */
#include "conffile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"

/* Entries a file may hold: more is not a config file. */
#define CONF_MAX_ENTRIES 4096

char *conf_display_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;
	struct buf b = BUF_INIT;

	if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/') {
		if (buf_putc(&b, '~') != 0 || buf_puts(&b, path + n) != 0) {
			buf_free(&b);
			return NULL;
		}
		return buf_detach(&b);
	}
	return strdup(path);
}

/* Strip blanks at both ends of s in place; returns the new start. */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Cut a trailing comment and surrounding quotes off a value in place. */
static char *clean_value(char *v)
{
	char *p;

	v = trim(v);
	if (v[0] == '"' || v[0] == '\'') {
		p = strchr(v + 1, v[0]);
		if (p != NULL) {
			*p = '\0';
			return v + 1;
		}
	}
	for (p = v; *p; p++) {
		if (*p == '#' && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	return trim(v);
}

static int good_section(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

static void wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void conf_free(struct conffile *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		/* (a section name is shared by its entries: freed once, by
		 * the first) */
		if (c->e[i].section &&
		    (i == 0 || c->e[i - 1].section != c->e[i].section))
			free((char *)c->e[i].section);
		free((char *)c->e[i].key);
		wipe_free((char *)c->e[i].value);
	}
	free(c->e);
	free(c->shown);
	free(c);
}

/* Add one entry (copies key and value; section is shared). */
static int add(struct conffile *c, int *cap, const char *section,
	       const char *key, const char *value, int line)
{
	struct conf_entry *e;

	if (c->n == *cap) {
		int ncap = *cap ? 2 * *cap : 16;

		if (c->n >= CONF_MAX_ENTRIES)
			return QERR_DATA;
		e = realloc(c->e, (size_t)ncap * sizeof(*e));
		if (e == NULL)
			return QERR_IO;
		c->e = e;
		*cap = ncap;
	}
	e = &c->e[c->n];
	e->section = section;
	e->line = line;
	e->key = strdup(key);
	e->value = strdup(value);
	if (e->key == NULL || e->value == NULL) {
		free((char *)e->key);
		wipe_free((char *)e->value);
		return QERR_IO;
	}
	c->n++;
	return 0;
}

static int parse(struct conffile *c, FILE *f, struct qerr *err)
{
	char line[4096], *section = NULL;
	int lineno = 0, cap = 0, rc = 0;

	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *end;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f))
			return qerr_set(err, QERR_DATA, "%s:%d: line too long",
					c->shown, lineno);
		s = trim(line);
		if (s[0] == '\0' || s[0] == '#')
			continue;
		if (s[0] == '[') {
			end = strchr(s, ']');
			if (end == NULL || *trim(end + 1) != '\0' ||
			    (*end = '\0', !good_section(trim(s + 1))))
				return qerr_set(err, QERR_DATA,
						"%s:%d: expected `[name]`",
						c->shown, lineno);
			/* (an empty section still owns its name: kept as an
			 * entry-less string until a key uses it) */
			if (section && (c->n == 0 || c->e[c->n - 1].section !=
							     section))
				free(section);
			if ((section = strdup(trim(s + 1))) == NULL)
				return qerr_set(err, QERR_IO, "out of memory");
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			rc = qerr_set(err, QERR_DATA,
				      "%s:%d: expected `key = value`",
				      c->shown, lineno);
			break;
		}
		*eq = '\0';
		rc = add(c, &cap, section, trim(s), clean_value(eq + 1),
			 lineno);
		if (rc == QERR_IO)
			qerr_set(err, rc, "out of memory");
		else if (rc != 0)
			qerr_set(err, rc, "%s: too many lines", c->shown);
	}
	if (section && (c->n == 0 || c->e[c->n - 1].section != section))
		free(section);
	if (rc == 0 && ferror(f))
		rc = qerr_set(err, QERR_IO, "%s: read error", c->shown);
	return rc;
}

int conf_load(const char *path, struct conffile **out, struct qerr *err)
{
	struct conffile *c;
	struct stat st;
	FILE *f = NULL;
	int fd, e, rc;

	*out = NULL;
	fd = fio_open_regular(path, &st);
	e = errno;
	if (fd == FIO_NOT_REGULAR)
		return qerr_set(err, QERR_IO, "cannot read %s: not a regular "
				"file", path);
	if (fd >= 0 && (f = fdopen(fd, "r")) == NULL) {
		e = errno;
		close(fd);
	}
	if (f == NULL)
		return e == ENOENT || e == ENOTDIR
			       ? 0
			       : qerr_set(err, QERR_IO, "cannot read %s: %s",
					  path, strerror(e));
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->shown = conf_display_path(path)) == NULL) {
		free(c);
		fclose(f);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	c->others = (st.st_mode & 077) != 0;
	rc = parse(c, f, err);
	fclose(f);
	if (rc != 0) {
		conf_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

const struct conf_entry *conf_get(const struct conffile *c,
				  const char *section, const char *key)
{
	int i;

	for (i = c ? c->n - 1 : -1; i >= 0; i--)
		if (same(c->e[i].section, section) &&
		    strcmp(c->e[i].key, key) == 0)
			return &c->e[i];
	return NULL;
}

int conf_has_section(const struct conffile *c, const char *section)
{
	int i;

	for (i = 0; c && i < c->n; i++)
		if (same(c->e[i].section, section))
			return 1;
	return 0;
}
