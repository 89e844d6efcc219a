/* config.c - where the endpoint settings come from.
 *
 * Layers, later ones winning: built-in defaults, the config file's
 * top-level settings ($XDG_CONFIG_HOME/quarry/config, else
 * ~/.config/quarry/config; format util/conffile.h), one of its [NAME]
 * sections (a profile), and the environment; the caller applies flags.
 * Each setting remembers where it came from.  Unknown keys are ignored
 * here, since other parts of quarry share the file; cli/ warns about
 * them.  An API key is only taken from a file that nobody else can read. */
#include "../llm/llm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/conffile.h"
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

static const char *const keys[] = {
	"url", "model", "api_key", "connect_timeout", "stall_timeout",
	"total_timeout", "retries", "context_budget", "system_prompt",
	"key_env",
};

int llm_config_key_known(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
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
	if (strcmp(key, "system_prompt") == 0)
		return set_str(&cfg->system_prompt, val, 0) ? -2 : 0;
	if (strcmp(key, "api_key") == 0) {
		*saw_key = val[0] != '\0';
		return set_str(&cfg->key, val, 1) ? -2 : 0;
	}
	if (strcmp(key, "key_env") == 0) {
		const char *k = getenv(val);

		if (k == NULL || k[0] == '\0') { /* no key there: none */
			free_secret(cfg->key);
			cfg->key = NULL;
			return 0;
		}
		return set_str(&cfg->key, k, 1) ? -2 : 0;
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

/* The setting a key fills, or -1. */
static int setting_of(const char *key)
{
	static const char *const names[LLM_S_COUNT] = {
		"url", "model", "api_key", "connect_timeout", "stall_timeout",
		"total_timeout", "retries", "context_budget", "system_prompt",
	};
	int i;

	if (strcmp(key, "key_env") == 0)
		return LLM_S_KEY;
	for (i = 0; i < LLM_S_COUNT; i++)
		if (strcmp(key, names[i]) == 0)
			return i;
	return -1;
}

/* Apply the entries of section (NULL: top-level) in file order. */
static int apply_section(struct llm_config *cfg, const struct conffile *cf,
			 const char *section, int *saw_key, struct qerr *err)
{
	int i, rc, s;

	for (i = 0; i < cf->n; i++) {
		const struct conf_entry *e = &cf->e[i];

		if (!(e->section == section ||
		      (e->section && section && strcmp(e->section, section) == 0)))
			continue;
		rc = apply(cfg, e->key, e->value, saw_key);
		if (rc == -1)
			return qerr_set(err, QERR_DATA,
					"%s:%d: bad value for %s", cf->shown,
					e->line, e->key);
		if (rc == -2)
			return qerr_set(err, QERR_IO, "out of memory");
		if (rc == 0 && (s = setting_of(e->key)) >= 0) {
			if (section)
				snprintf(cfg->from[s], LLM_FROM_SIZE,
					 "profile %s in %s:%d", section,
					 cf->shown, e->line);
			else
				snprintf(cfg->from[s], LLM_FROM_SIZE,
					 "config %s:%d", cf->shown, e->line);
		}
	}
	return QERR_OK;
}

/* Which profile to use: the flag, else $QUARRY_PROFILE, else the file's
 * default.  NULL: none.  QERR_USAGE / QERR_DATA when the one named is
 * not in the file. */
static int pick_profile(struct llm_config *cfg, const struct conffile *cf,
			const char *flag, const char **out, struct qerr *err)
{
	const char *env = getenv("QUARRY_PROFILE");
	const struct conf_entry *def = conf_get(cf, NULL, "default");

	*out = NULL;
	if (flag != NULL && flag[0] != '\0')
		*out = flag;
	else if (env != NULL && env[0] != '\0')
		*out = env;
	else if (def != NULL && def->value[0] != '\0')
		*out = def->value;
	if (*out == NULL)
		return QERR_OK;
	if (!conf_has_section(cf, *out)) {
		if (*out == flag || *out == env)
			return qerr_set(err, QERR_USAGE, "no profile '%s' in %s "
					"(from %s)", *out,
					cf ? cf->shown : "the config file",
					*out == flag ? "--profile"
						     : "QUARRY_PROFILE");
		return qerr_set(err, QERR_DATA, "%s:%d: default = %s names no "
				"[%s] section", cf->shown, def->line, *out,
				*out);
	}
	return set_str(&cfg->profile, *out, 0)
		       ? qerr_set(err, QERR_IO, "out of memory")
		       : QERR_OK;
}

/* Load the config file if there is one, and the profile. */
static int load_file(struct llm_config *cfg, const char *flag,
		     char **warning, struct qerr *err)
{
	char *path = fio_config_path();
	struct conffile *cf = NULL;
	const char *profile = NULL;
	int saw_key = 0, rc;

	rc = path ? conf_load(path, &cf, err) : QERR_OK;
	free(path);
	if (rc == QERR_OK)
		rc = pick_profile(cfg, cf, flag, &profile, err);
	if (rc == QERR_OK && cf != NULL)
		rc = apply_section(cfg, cf, NULL, &saw_key, err);
	if (rc == QERR_OK && cf != NULL && profile != NULL)
		rc = apply_section(cfg, cf, profile, &saw_key, err);
	if (rc == QERR_OK && saw_key && cf->others) {
		free_secret(cfg->key);
		cfg->key = NULL;
		strcpy(cfg->from[LLM_S_KEY], "default");
		if (warning != NULL) {
			struct buf w = BUF_INIT;

			buf_puts(&w, "config file ");
			buf_puts(&w, cf->shown);
			buf_puts(&w, " holds an API key but is readable by "
				     "others (chmod 600 it); key ignored");
			*warning = buf_detach(&w);
		}
	}
	conf_free(cf);
	return rc;
}

/* Environment overrides; empty variables count as unset. */
static int load_env(struct llm_config *cfg, struct qerr *err)
{
	const char *url = getenv("QUARRY_LLM_URL");
	const char *model = getenv("QUARRY_LLM_MODEL");
	const char *key = getenv("OPENAI_API_KEY");
	const char *url_var = "QUARRY_LLM_URL";

	if (url == NULL || url[0] == '\0') {
		url = getenv("OPENAI_BASE_URL");
		url_var = "OPENAI_BASE_URL";
	}
	if ((url && url[0] && set_str(&cfg->url, url, 0)) ||
	    (model && model[0] && set_str(&cfg->model, model, 0)) ||
	    (key && key[0] && set_str(&cfg->key, key, 1)))
		return qerr_set(err, QERR_IO, "out of memory");
	if (url && url[0])
		snprintf(cfg->from[LLM_S_URL], LLM_FROM_SIZE, "env %s", url_var);
	if (model && model[0])
		strcpy(cfg->from[LLM_S_MODEL], "env QUARRY_LLM_MODEL");
	if (key && key[0])
		strcpy(cfg->from[LLM_S_KEY], "env OPENAI_API_KEY");
	return QERR_OK;
}

int llm_config_load_profile(struct llm_config *cfg, const char *profile,
			    char **warning, struct qerr *err)
{
	int rc, i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
	cfg->stall_timeout_ms = 30000;
	cfg->total_timeout_ms = 120000;
	cfg->max_retries = 3;
	cfg->context_budget = 6000;
	for (i = 0; i < LLM_S_COUNT; i++)
		strcpy(cfg->from[i], "default");
	if (warning != NULL)
		*warning = NULL;
	rc = load_file(cfg, profile, warning, err);
	if (rc != QERR_OK)
		return rc;
	return load_env(cfg, err);
}

void llm_key_mask(const char *key, char *out, size_t size)
{
	size_t n = key ? strlen(key) : 0;

	if (n == 0)
		snprintf(out, size, "%s", "");
	else if (n < 12)
		snprintf(out, size, "%s", "***");
	else if (key[2] == '-')
		snprintf(out, size, "%.3s...%s", key, key + n - 4);
	else
		snprintf(out, size, "...%s", key + n - 4);
}

int llm_config_load(struct llm_config *cfg, char **warning, struct qerr *err)
{
	return llm_config_load_profile(cfg, NULL, warning, err);
}

void llm_config_free(struct llm_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->url);
	free(cfg->model);
	free(cfg->system_prompt);
	free(cfg->profile);
	free_secret(cfg->key);
	cfg->url = cfg->model = cfg->key = NULL;
	cfg->system_prompt = cfg->profile = NULL;
}

int llm_configured(const struct llm_config *cfg)
{
	return cfg != NULL && cfg->url != NULL && cfg->url[0] != '\0';
}
