/* log.h - the commands' side of the conversation log (storage:
 * convlog.h) and of the config file they share.
 *
 * A struct cli_log is one conversation being written: `quarry ask` (all
 * its questions) or one chat session.  The log opens at the first
 * exchange, after the answer was printed.  A log that cannot be written
 * (damaged, locked, read-only, disk full) costs one warning and is left
 * alone for the rest of the run: it never stops an answer. */
#ifndef QUARRY_CLI_LOG_H
#define QUARRY_CLI_LOG_H

#include "../retrieval/followup.h"
#include "../util/conffile.h"
#include "cli.h"

struct clog;

struct cli_log {
	const char *command; /* "ask" or "chat" */
	int off;             /* not writing: --no-log, log = off, a failure */
	struct clog *db;     /* open once written to */
	long cid;            /* the conversation; 0 before its first write */
};

/* The config file, read once per run; NULL when there is none or it
 * cannot be read (the LLM settings' loader reports that).  The first call
 * warns, one line each, about keys no part of quarry knows, with their
 * FILE:LINE. */
const struct conffile *cli_config_file(void);

/* Start a conversation for command; off with no_log or `log = off`. */
void cli_log_init(struct cli_log *lg, const char *command, int no_log);
/* Record one exchange: a as shown (query, resolved, results, answered,
 * reply), kind (enum followup_kind) and the number of answers shown; the
 * LLM's model with a reply (cli_llm_model).  Never fails: see above. */
void cli_log_answer(struct cli_log *lg, const struct cli_answer *a, int kind,
		    int shown);
void cli_log_close(struct cli_log *lg);

/* Continue conversation cid (0: the newest one) of the log: lg writes to
 * it from now on, topic is replayed from its exchanges and its last
 * question/reply pairs (at most max) are handed to add(ctx, q, reply;
 * reply malloc'ed, add owns it), oldest first.  *nex receives the number
 * of exchanges.  0; QERR_USAGE with a message printed when lg is off,
 * there is no such conversation or (cid 0) none at all; QERR_IO /
 * QERR_DATA when the log cannot be read (message printed). */
int cli_log_resume(struct cli_log *lg, long cid, struct followup *topic,
		   int max, void (*add)(void *ctx, const char *q, char *reply),
		   void *ctx, int *nex);

#endif
