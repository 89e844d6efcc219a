/* internal.h - declarations shared between the files of llm/ only.
 *
 * curl.c loads libcurl with dlopen() and fills a table of the few entry
 * points the client uses; llm.c drives the transfer; sse.c and llm.c share
 * the helpers that read a chat-completion JSON object.  Nothing here is
 * part of the public contract in llm.h, and jansson types may appear here
 * because this header is never included outside llm/. */
#ifndef QUARRY_LLM_INTERNAL_H
#define QUARRY_LLM_INTERNAL_H

#include <curl/curl.h>
#include <jansson.h>

#include "../util/err.h"

/* The libcurl functions we call, resolved with dlsym(). */
struct llm_curl {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* Load libcurl.so.4 on first use (once per process) and return its table,
 * or NULL with QERR_IO "libcurl not available: ..." in err.  The table is
 * borrowed for the life of the process. */
const struct llm_curl *llm_curl_load(struct qerr *err);

/* The server's message in an error object: root.error.message (OpenAI),
 * root.error as a string (Ollama), or root.message / root.detail when
 * they are strings.  NULL when root holds none of these.  Borrowed from
 * root. */
const char *llm_json_error(const json_t *root);

/* Copy at most max bytes of s[0..n) into a new string fit for a one-line
 * message: control characters become spaces, outer blanks are trimmed,
 * a cut never splits a UTF-8 sequence, invalid UTF-8 is repaired.  With
 * first_line, only the first non-empty line is kept.  NULL on
 * out-of-memory.  Caller frees. */
char *llm_clean_line(const char *s, size_t n, size_t max, int first_line);

#endif
