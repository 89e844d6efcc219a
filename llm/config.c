/* config.c - where the endpoint settings come from.
 *
 * Three layers, later ones winning: built-in defaults, the config file
 * ($XDG_CONFIG_HOME/quarry/config, else ~/.config/quarry/config) and the
 * environment.  The file holds `key = value` lines; `#` starts a comment
 * at the start of a line or after a blank; values may be "quoted".
 * Unknown keys are ignored so other parts of quarry can share the file.
 * An API key is only taken from a file that nobody else can read. */
#include "../llm/llm.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/fileio.h"

#define MAX_TIMEOUT_S 86400.0 /* a day: anything larger is a typo */
#define MAX_RETRIES 20

/* Free a string that may hold a secret, wiping it first. */
static void free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Replace *slot with a copy of value. Returns 0 or -1 (out of memory). */
static int set_str(char **slot, const char *value, int secret)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return -1;
	if (secret)
		free_secret(*slot);
	else
		free(*slot);
	*slot = copy;
	return 0;
}

/* path with $HOME shown as ~, for messages. Caller frees. */
static char *display_path(const char *path)
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

/* Seconds (maybe fractional) to milliseconds. Returns 0 or -1. */
static int parse_seconds(const char *s, long *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0) ||
	    v > MAX_TIMEOUT_S)
		return -1;
	*ms = (long)(v * 1000.0 + 0.5);
	return 0;
}

/* A non-negative integer no larger than max. Returns 0 or -1. */
static int parse_count(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
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

/* Apply one key/value pair. Returns 0, 1 for an unknown key, -1 for a bad
 * value, -2 when memory ran out. */
static int apply(struct llm_config *cfg, const char *key, const char *val,
		 int *saw_key)
{
	long n;

	if (strcmp(key, "url") == 0)
		return set_str(&cfg->url, val, 0) ? -2 : 0;
	if (strcmp(key, "model") == 0)
		return set_str(&cfg->model, val, 0) ? -2 : 0;
	if (strcmp(key, "api_key") == 0) {
		*saw_key = val[0] != '\0';
		return set_str(&cfg->key, val, 1) ? -2 : 0;
	}
	if (strcmp(key, "connect_timeout") == 0)
		return parse_seconds(val, &cfg->connect_timeout_ms);
	if (strcmp(key, "stall_timeout") == 0)
		return parse_seconds(val, &cfg->stall_timeout_ms);
	if (strcmp(key, "total_timeout") == 0)
		return parse_seconds(val, &cfg->total_timeout_ms);
	if (strcmp(key, "retries") == 0) {
		if (parse_count(val, MAX_RETRIES, &n) != 0)
			return -1;
		cfg->max_retries = (int)n;
		return 0;
	}
	if (strcmp(key, "context_budget") == 0) {
		if (parse_count(val, 64L * 1024 * 1024, &n) != 0 || n == 0)
			return -1;
		cfg->context_budget = (size_t)n;
		return 0;
	}
	return 1;
}

/* Read the settings in f (already open) into cfg. *saw_key is set when
 * the file gave a non-empty api_key. */
static int read_file(struct llm_config *cfg, FILE *f, const char *shown,
		     int *saw_key, struct qerr *err)
{
	char line[4096];
	int lineno = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *key;
		int rc;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f))
			return qerr_set(err, QERR_DATA, "%s:%d: line too long",
					shown, lineno);
		s = trim(line);
		if (s[0] == '\0' || s[0] == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL)
			return qerr_set(err, QERR_DATA,
					"%s:%d: expected `key = value`",
					shown, lineno);
		*eq = '\0';
		key = trim(s);
		rc = apply(cfg, key, clean_value(eq + 1), saw_key);
		if (rc == -1)
			return qerr_set(err, QERR_DATA,
					"%s:%d: bad value for %s", shown,
					lineno, key);
		if (rc == -2)
			return qerr_set(err, QERR_IO, "out of memory");
	}
	if (ferror(f))
		return qerr_set(err, QERR_IO, "%s: read error", shown);
	return QERR_OK;
}

/* Load the config file if there is one. */
static int load_file(struct llm_config *cfg, char **warning,
		     struct qerr *err)
{
	char *path = fio_config_path(), *shown;
	struct stat st;
	int saw_key = 0, rc, e, fd;
	FILE *f = NULL;

	if (path == NULL)
		return QERR_OK;
	/* A FIFO or device there is refused, never waited on. */
	fd = fio_open_regular(path, &st);
	e = fd == FIO_NOT_REGULAR ? EINVAL : errno;
	if (fd >= 0 && (f = fdopen(fd, "r")) == NULL) {
		e = errno;
		close(fd);
	}
	if (f == NULL) {
		rc = QERR_OK;
		if (fd == FIO_NOT_REGULAR)
			rc = qerr_set(err, QERR_IO, "cannot read %s: not a "
				      "regular file", path);
		else if (e != ENOENT && e != ENOTDIR)
			rc = qerr_set(err, QERR_IO, "cannot read %s: %s", path,
				      strerror(e));
		free(path);
		return rc;
	}
	shown = display_path(path);
	free(path);
	if (shown == NULL) {
		fclose(f);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	rc = read_file(cfg, f, shown, &saw_key, err);
	if (rc == QERR_OK && saw_key && fstat(fileno(f), &st) == 0 &&
	    (st.st_mode & 077) != 0) {
		free_secret(cfg->key);
		cfg->key = NULL;
		if (warning != NULL) {
			struct buf w = BUF_INIT;

			buf_puts(&w, "config file ");
			buf_puts(&w, shown);
			buf_puts(&w, " holds an API key but is readable by "
				     "others (chmod 600 it); key ignored");
			*warning = buf_detach(&w);
		}
	}
	fclose(f);
	free(shown);
	return rc;
}

/* Environment overrides; empty variables count as unset. */
static int load_env(struct llm_config *cfg, struct qerr *err)
{
	const char *url = getenv("QUARRY_LLM_URL");
	const char *model = getenv("QUARRY_LLM_MODEL");
	const char *key = getenv("OPENAI_API_KEY");

	if (url == NULL || url[0] == '\0')
		url = getenv("OPENAI_BASE_URL");
	if ((url && url[0] && set_str(&cfg->url, url, 0)) ||
	    (model && model[0] && set_str(&cfg->model, model, 0)) ||
	    (key && key[0] && set_str(&cfg->key, key, 1)))
		return qerr_set(err, QERR_IO, "out of memory");
	return QERR_OK;
}

int llm_config_load(struct llm_config *cfg, char **warning, struct qerr *err)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
	cfg->stall_timeout_ms = 30000;
	cfg->total_timeout_ms = 120000;
	cfg->max_retries = 3;
	cfg->context_budget = 6000;
	if (warning != NULL)
		*warning = NULL;
	rc = load_file(cfg, warning, err);
	if (rc != QERR_OK)
		return rc;
	return load_env(cfg, err);
}

void llm_config_free(struct llm_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->url);
	free(cfg->model);
	free_secret(cfg->key);
	cfg->url = cfg->model = cfg->key = NULL;
}

int llm_configured(const struct llm_config *cfg)
{
	return cfg != NULL && cfg->url != NULL && cfg->url[0] != '\0';
}
