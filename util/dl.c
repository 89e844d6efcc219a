/* dl.c - open a shared library and resolve its symbols (dl.h), with the
 * reason for a failure written into the caller's buffer. */
#include "dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *dl_open(const char *soname, char *why, size_t whylen)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	const char *msg;

	if (lib == NULL) {
		msg = dlerror();
		if (msg)
			snprintf(why, whylen, "%s", msg);
		else
			snprintf(why, whylen, "%s: cannot open", soname);
	}
	return lib;
}

int dl_sym(void *lib, const char *soname, const char *name, void *slot,
	   char *why, size_t whylen)
{
	void *p = dlsym(lib, name);

	if (p == NULL) {
		snprintf(why, whylen, "%s: no symbol %s", soname, name);
		return -1;
	}
	memcpy(slot, &p, sizeof(p));
	return 0;
}
