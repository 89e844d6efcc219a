/* curl.c - load libcurl at run time.
 *
 * quarry does not link libcurl: the offline path (index, ask without an
 * endpoint) must start without resolving it.  The first llm_complete()
 * dlopen()s libcurl.so.4, resolves the handful of functions in struct
 * llm_curl and runs curl_global_init once.  <curl/curl.h> is included for
 * types and constants only.  The library stays loaded until exit. */
#include "internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../util/dl.h"

#define CURL_SONAME "libcurl.so.4"

static struct llm_curl api;
static int api_ok;
static char api_error[256];
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

/* Runs once: open the library and fill api, or record why not. */
static void load(void)
{
	const struct {
		const char *name;
		void *slot;
	} syms[] = {
		{"curl_global_init", &api.global_init},
		{"curl_easy_init", &api.easy_init},
		{"curl_easy_setopt", &api.easy_setopt},
		{"curl_easy_perform", &api.easy_perform},
		{"curl_easy_getinfo", &api.easy_getinfo},
		{"curl_easy_cleanup", &api.easy_cleanup},
		{"curl_easy_strerror", &api.easy_strerror},
		{"curl_slist_append", &api.slist_append},
		{"curl_slist_free_all", &api.slist_free_all},
	};
	void *lib = dl_open(CURL_SONAME, api_error, sizeof(api_error));
	size_t i;

	if (lib == NULL)
		return;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if (dl_sym(lib, CURL_SONAME, syms[i].name, syms[i].slot,
			   api_error, sizeof(api_error)) != 0) {
			dlclose(lib);
			return;
		}
	}
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(api_error, sizeof(api_error), "curl_global_init failed");
		dlclose(lib);
		return;
	}
	api_ok = 1;
}

const struct llm_curl *llm_curl_load(struct qerr *err)
{
	pthread_once(&api_once, load);
	if (!api_ok) {
		qerr_set(err, QERR_IO, "libcurl not available: %s", api_error);
		return NULL;
	}
	return &api;
}
