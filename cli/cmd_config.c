/* cmd_config.c - quarry config [options]
 *
 * The settings in effect, each with where it came from (a flag, the
 * environment, a profile or the top of the config file, with FILE:LINE,
 * or the default), as `git config --show-origin` shows them.  An API key
 * is shown masked (llm_key_mask: "sk-...WXYZ" at most). */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fileio.h"
#include "cli.h"
#include "convlog.h"
#include "log.h"
#include "options.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry config [options]\n\n"
		"Show the LLM endpoint settings and the conversation log setting\n"
		"in effect, and where each comes from: a flag, the environment, a\n"
		"profile (a [NAME] section of the config file), the top of the\n"
		"config file, or the default.  An API key shows as sk-...WXYZ at\n"
		"most.  Precedence: flag > environment > profile > config > default.\n\n"
		"options:\n");
	cli_opts_help(fp, CLI_G_LLM, NULL);
	fprintf(fp,
		"  -j, --json        one JSON object: {\"NAME\":{\"value\",\"from\"}}\n"
		"  -h, --help        this help\n\n"
		"The config file is $XDG_CONFIG_HOME/quarry/config (else\n"
		"~/.config/quarry/config): `key = value` lines; a [NAME] line starts\n"
		"a profile; `default = NAME` picks one.  Profile keys: url, model,\n"
		"api_key (file mode 0600 only), key_env (a variable holding the\n"
		"key), connect_timeout, stall_timeout, total_timeout (seconds),\n"
		"retries, context_budget (bytes), system_prompt.  Top-level only:\n"
		"default, log (on|off), convert.EXT, convert_timeout,\n"
		"convert_max_mb.  Unknown keys are warned about.\n\n"
		"exit status: 0 shown, 2 usage (no such profile), 3 bad config\n"
		"file, 4 I/O error.\n");
}

static const struct option own_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"config", CLI_G_HELP | CLI_G_LLM, own_opts, "j", usage,
};

struct show {
	int json;
	json_t *obj;
};

static void row(void *ctx, const char *name, const char *value,
		const char *from)
{
	struct show *s = ctx;

	if (s->json) {
		json_object_set_new(s->obj, name,
				    json_pack("{s:s?, s:s?}", "value", value,
					      "from", from));
		return;
	}
	printf("%-16s ", name);
	cli_put(stdout, value[0] ? value : "(none)", TERM_NAME);
	fputs("  (", stdout);
	cli_put(stdout, from, TERM_NAME);
	fputs(")\n", stdout);
}

/* `log`, and the two files. */
static void other_rows(struct show *s)
{
	const struct conffile *cf = cli_config_file();
	const struct conf_entry *e = conf_get(cf, NULL, "log");
	char *cpath = fio_config_path(), *lpath = clog_default_path();
	char from[600];

	if (e != NULL)
		snprintf(from, sizeof(from), "config %s:%d", cf->shown, e->line);
	row(s, "log", e ? e->value : "on", e ? from : "default");
	row(s, "log_file", lpath ? lpath : "", "XDG_STATE_HOME or HOME");
	row(s, "config_file", cpath ? cpath : "",
	    cf ? "XDG_CONFIG_HOME or HOME" : "XDG_CONFIG_HOME or HOME (no file)");
	free(cpath);
	free(lpath);
}

int cmd_config(int argc, char **argv)
{
	struct cli_shared sh;
	struct cli_getopt g;
	struct show s = {0, NULL};
	struct qerr err = {0};
	int c, rc;

	cli_shared_init(&sh);
	cli_getopt_init(&g, &spec, &sh);
	while ((c = cli_getopt_next(&g, argc, argv)) != 0)
		if (c == 'j')
			s.json = 1;
	if (g.status != 0)
		return g.status < 0 ? QERR_OK : g.status;
	if (optind < argc) {
		cli_error("config: unexpected argument '%s'", argv[optind]);
		return QERR_USAGE;
	}
	if (s.json && (s.obj = json_object()) == NULL) {
		cli_error("out of memory");
		return QERR_IO;
	}
	rc = cli_llm_settings(&sh.llm_opts, row, &s, &err);
	if (rc != 0 && !cli_llm_unconfigured()) {
		cli_fail(&err);
		json_decref(s.obj);
		return rc;
	}
	if (rc != 0)
		cli_note("%s", err.msg); /* built without the client */
	other_rows(&s);
	if (s.json) {
		rc = json_dumpf(s.obj, stdout, JSON_COMPACT) != 0 ||
		     putchar('\n') == EOF;
		json_decref(s.obj);
		return rc ? QERR_IO : QERR_OK;
	}
	return QERR_OK;
}
