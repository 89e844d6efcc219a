/* cmd_log.c - quarry log [options] [TERM...]
 *
 * The latest exchanges of the conversation log (cli/convlog.h), oldest
 * first so the newest is nearest the prompt, as `llm logs` shows them:
 * for people, or one JSON object per exchange. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "cli.h"
#include "convlog.h"
#include "options.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: quarry log [options] [TERM...]\n\n"
		"List the latest questions asked with ask and chat, what was\n"
		"searched, the answers shown (source and line) and any LLM reply,\n"
		"oldest first.  With TERM, only exchanges whose question, query\n"
		"or reply contains it (ignoring ASCII case).\n\n"
		"options:\n"
		"  -n, --number N    the latest N exchanges (default 10; 0: all)\n"
		"  --cid ID          only conversation ID (chat --cid ID resumes it)\n"
		"  -j, --json        one JSON object per exchange:\n"
		"                    {\"id\",\"cid\",\"command\",\"time\",\"question\",\n"
		"                    \"resolved\",\"answered\",\"results\":[{\"rank\",\n"
		"                    \"id\",\"source\",\"line\",\"score\"}][,\"reply\",\n"
		"                    \"model\"]}\n"
		"  --path            print where the log is, and nothing else\n"
		"  -h, --help        this help\n\n"
		"The log is $XDG_STATE_HOME/quarry/log.db (else\n"
		"~/.local/state/quarry/log.db), mode 0600; it holds no API key.\n"
		"ask --no-log, chat --no-log or `log = off` in the config file\n"
		"keep exchanges out of it.\n\n"
		"exit status: 0 listed, 1 nothing to list, 2 usage, 3 damaged log,\n"
		"4 I/O error.\n");
}

static const struct option own_opts[] = {
	{"cid", required_argument, NULL, 'I'},
	{"json", no_argument, NULL, 'j'},
	{"number", required_argument, NULL, 'n'},
	{"path", no_argument, NULL, 'P'},
	{NULL, 0, NULL, 0},
};

static const struct cli_opts_spec spec = {
	"log", CLI_G_HELP, own_opts, "jn:", usage,
};

struct log_opts {
	struct clog_filter f;
	int json, path;
	struct cli_out out;
	int count;
};

static int print_json(FILE *fp, const struct clog_exchange *e)
{
	json_t *o = json_object(), *hits = json_array();
	int i, rc = o == NULL || hits == NULL;

	for (i = 0; !rc && i < e->nhits; i++) {
		const struct clog_hit *h = &e->hits[i];

		rc = json_array_append_new(
			hits, json_pack("{s:i, s:o, s:o, s:I, s:f}", "rank",
					h->rank, "id", cli_json_str(h->id), "source",
					cli_json_str(h->source), "line",
					(json_int_t)h->line, "score", h->score));
	}
	if (!rc)
		rc = json_object_set_new(o, "id", json_integer(e->id)) ||
		     json_object_set_new(o, "cid", json_integer(e->cid)) ||
		     json_object_set_new(o, "command", cli_json_str(e->command)) ||
		     json_object_set_new(o, "time", cli_json_str(e->time)) ||
		     json_object_set_new(o, "question", cli_json_str(e->question)) ||
		     json_object_set_new(o, "resolved",
					 e->resolved ? cli_json_str(e->resolved)
						     : json_null()) ||
		     json_object_set_new(o, "answered",
					 json_boolean(e->answered));
	if (!rc) {
		rc = json_object_set_new(o, "results", hits);
		hits = NULL;
	}
	if (!rc && e->reply)
		rc = json_object_set_new(o, "reply", cli_json_str(e->reply)) ||
		     json_object_set_new(o, "model", cli_json_str(e->model ? e->model
								  : ""));
	if (!rc)
		rc = json_dumpf(o, fp, JSON_COMPACT | JSON_REAL_PRECISION(6)) ||
		     fputc('\n', fp) == EOF;
	json_decref(hits);
	json_decref(o);
	return rc ? QERR_IO : 0;
}

static void print_text(const struct cli_out *out, const struct clog_exchange *e)
{
	FILE *fp = out->fp;
	int i;

	fprintf(fp, "#%ld  %s  %s, conversation %ld\n", e->id,
		e->time ? e->time : "", e->command ? e->command : "", e->cid);
	fputs("  asked: ", fp);
	cli_put(fp, e->question, TERM_NAME);
	fputc('\n', fp);
	if (e->resolved && strcmp(e->resolved, e->question) != 0) {
		fputs("  searched: ", fp);
		cli_put(fp, e->resolved, TERM_NAME);
		fputc('\n', fp);
	}
	if (e->nhits == 0)
		fputs("  (nothing matched)\n", fp);
	else if (!e->answered)
		fputs("  (no good answer; nearest shown)\n", fp);
	for (i = 0; i < e->nhits; i++) {
		fprintf(fp, "  %d. ", e->hits[i].rank);
		cli_put(fp, e->hits[i].source, TERM_NAME);
		fputs(" #", fp);
		cli_put(fp, e->hits[i].id, TERM_NAME);
		fprintf(fp, " (line %ld)\n", e->hits[i].line);
	}
	if (e->reply) {
		fputs("  LLM", fp);
		if (e->model && e->model[0]) {
			fputs(" (", fp);
			cli_put(fp, e->model, TERM_NAME);
			fputc(')', fp);
		}
		fputs(":\n", fp);
		cli_print_wrapped(out, e->reply, 4);
	}
	fputc('\n', fp);
}

static int each(void *ctx, const struct clog_exchange *e)
{
	struct log_opts *o = ctx;

	o->count++;
	if (o->json)
		return print_json(o->out.fp, e);
	print_text(&o->out, e);
	return ferror(o->out.fp) ? QERR_IO : 0;
}

static int parse_opts(int argc, char **argv, struct log_opts *o, char **term)
{
	struct cli_shared s;
	struct cli_getopt g;
	struct buf b = BUF_INIT;
	long v;
	int c;

	cli_shared_init(&s);
	cli_getopt_init(&g, &spec, &s);
	while ((c = cli_getopt_next(&g, argc, argv)) != 0) {
		switch (c) {
		case 'j': o->json = 1; break;
		case 'P': o->path = 1; break;
		case 'n':
			if (cli_parse_int("log", "--number", optarg, 0,
					  1L << 30, &v))
				return QERR_USAGE;
			o->f.limit = v;
			break;
		case 'I':
			if (cli_parse_int("log", "--cid", optarg, 1, 1L << 53,
					  &v))
				return QERR_USAGE;
			o->f.cid = v;
			break;
		}
	}
	if (g.status != 0)
		return g.status;
	for (c = optind; c < argc; c++) {
		if ((c > optind && buf_putc(&b, ' ') != 0) ||
		    buf_puts(&b, argv[c]) != 0) {
			buf_free(&b);
			cli_error("out of memory");
			return QERR_IO;
		}
	}
	*term = b.len > 0 ? buf_detach(&b) : NULL;
	buf_free(&b);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	struct log_opts o;
	struct clog *l = NULL;
	struct qerr err = {0};
	char *path, *term = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.f.limit = 10;
	rc = parse_opts(argc, argv, &o, &term);
	if (rc != 0)
		return rc < 0 ? QERR_OK : rc;
	o.f.term = term;
	if ((path = clog_default_path()) == NULL) {
		free(term);
		cli_error("log: neither XDG_STATE_HOME nor HOME is set");
		return QERR_USAGE;
	}
	if (o.path) {
		cli_put(stdout, path, TERM_NAME);
		putchar('\n');
		free(path);
		free(term);
		return QERR_OK;
	}
	cli_out_init(&o.out, stdout, o.json);
	rc = clog_open_read(path, &l, &err);
	if (rc == QERR_NOMATCH)
		cli_note("%s", err.msg);
	else if (rc != 0)
		cli_fail(&err);
	else if ((rc = clog_list(l, &o.f, each, &o, &err)) != 0 &&
		 err.code != 0)
		cli_fail(&err);
	if (rc == 0 && o.count == 0)
		rc = QERR_NOMATCH;
	clog_close(l);
	free(path);
	free(term);
	return rc;
}
