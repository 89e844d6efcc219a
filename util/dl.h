/* dl.h - libraries loaded at run time (dlopen) and their symbols.
 *
 * quarry links neither libcurl nor libxml2; llm/curl.c and index/html.c
 * open them when first needed.  Failures are described in a caller's
 * fixed buffer, so a once-only loader can keep the reason for later. */
#ifndef QUARRY_DL_H
#define QUARRY_DL_H

#include <stddef.h>

/* dlopen(soname, RTLD_NOW | RTLD_LOCAL).  NULL on failure, with dlerror()'s
 * text (or "SONAME: cannot open") in why[0..whylen). */
void *dl_open(const char *soname, char *why, size_t whylen);

/* Resolve name in lib into *slot, a function pointer of the caller's type
 * (ISO C has no cast from void * to it: the bytes are copied).  0, or -1
 * with "SONAME: no symbol NAME" in why[0..whylen) and *slot untouched. */
int dl_sym(void *lib, const char *soname, const char *name, void *slot,
	   char *why, size_t whylen);

#endif
