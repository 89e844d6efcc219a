/* test_alloc.c - allocation failure at every allocation site, in turn, of
 * the analyzer (tok_new + tok_run) and the index writer (idx_build_begin,
 * _source, _add x N, _meta, _commit, with and without spilled runs).
 *
 * malloc, calloc, realloc, reallocarray, free, strdup and strndup are
 * defined here, so every allocation of the library, of the static SQLite,
 * utf8proc, jansson and libstemmer archives and of glibc itself comes
 * through them.  They forward to glibc's __libc_* functions, count the
 * allocations, keep the live pointers in a hash set, and, while armed,
 * make the Nth allocation return NULL.
 *
 * For N = 1, 2, ... until a run completes without reaching its Nth
 * allocation, a forked child arms the countdown, runs the code under test
 * and checks: an error comes back as a status with a message (or the call
 * succeeds and its result equals the reference, when the failed allocation
 * was optional), no allocation outlives the cleanup, the index directory
 * holds only the previous index, which still opens.  A crash or hang of the
 * child is reported with its N.  A second kind of sweep makes allocation N
 * and every later one fail (memory gone for good), so cleanup paths that
 * allocate are tried too.
 *
 * make test samples the writer's sweeps: it fails every 11th allocation
 * (N = 6, 17, 28, ... alone; N = 1, 12, 23, ... and all after it);
 * QUARRY_SLOW=1 (make check-slow) fails every one in turn, alone, and every
 * 7th and all after it, which takes about five times longer.
 *
 * QUARRY_ALLOC_VERBOSE=1 prints every run with the return address of the
 * failed call (file+offset, for addr2line -f -e FILE OFFSET).  Known
 * product bugs are listed in known_bugs[] and print "# TODO" lines.
 * Sanitizer builds report the test as skipped (they replace malloc
 * themselves). */
#define _GNU_SOURCE /* dladdr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../index/analyzer.h"
#include "../../index/idx.h"

/* Sanitizers bring their own malloc: replacing it under them is not
 * supported, so the sanitizer build (make asan) skips this test. */
#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ALLOC_SANITIZED 1
#endif
#endif

#ifndef ALLOC_SANITIZED

/* ---- the allocator ------------------------------------------------------ */

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

void *reallocarray(void *p, size_t n, size_t size);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

#define SET_BITS 18
#define SET_SIZE ((size_t)1 << SET_BITS)
#define SET_MASK (SET_SIZE - 1)

/* volatile: GCC assumes its builtin malloc touches no global, so reads of
 * this state right after a malloc call in this file could be hoisted. */
static uintptr_t live_set[SET_SIZE];   /* 0 = empty slot */
static volatile size_t live_n;         /* pointers in live_set */
static volatile int set_full;          /* tracking gave up (too many) */

static volatile long alloc_count; /* allocations since arming */
static volatile long fail_at;     /* 0 = disarmed, else the one to fail */
static volatile int fail_after;   /* and every allocation after it too */
static volatile int injected;     /* the countdown reached fail_at */
static void *volatile fail_site;  /* return address of the failed call */

static size_t slot_of(uintptr_t k)
{
	return (size_t)(((uint64_t)(k >> 4) * 0x9E3779B97F4A7C15ull) >>
			(64 - SET_BITS));
}

static void set_add(void *p)
{
	uintptr_t k = (uintptr_t)p;
	size_t i = slot_of(k);

	if (p == NULL)
		return;
	if (live_n >= SET_SIZE / 4 * 3) {
		set_full = 1;
		return;
	}
	while (live_set[i] != 0)
		i = (i + 1) & SET_MASK;
	live_set[i] = k;
	live_n++;
}

/* Remove p (linear probing with backward shift); 0 when p is unknown. */
static int set_del(void *p)
{
	uintptr_t k = (uintptr_t)p;
	size_t i = slot_of(k), j;

	while (live_set[i] != k) {
		if (live_set[i] == 0)
			return 0;
		i = (i + 1) & SET_MASK;
	}
	for (j = i;;) {
		size_t h;

		j = (j + 1) & SET_MASK;
		if (live_set[j] == 0)
			break;
		h = slot_of(live_set[j]);
		/* move j's entry into the hole at i unless its home lies
		 * cyclically in (i, j] */
		if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
			live_set[i] = live_set[j];
			i = j;
		}
	}
	live_set[i] = 0;
	live_n--;
	return 1;
}

/* Should this allocation (called from site) fail? */
static int fail_now(void *site)
{
	if (fail_at == 0)
		return 0;
	if (++alloc_count < fail_at || (alloc_count > fail_at && !fail_after))
		return 0;
	if (!injected)
		fail_site = site;
	injected = 1;
	return 1;
}

/* Every allocating entry point funnels into these, with its caller. */
static void *alloc_at(size_t n, int zero, void *site)
{
	void *p;

	if (fail_now(site)) {
		errno = ENOMEM;
		return NULL;
	}
	p = zero ? __libc_calloc(1, n) : __libc_malloc(n);
	set_add(p);
	return p;
}

static void *realloc_at(void *old, size_t n, void *site)
{
	void *p;

	if (old == NULL)
		return alloc_at(n, 0, site);
	if (fail_now(site)) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_realloc(old, n);
	if (p != NULL || n == 0)
		set_del(old);
	set_add(p);
	return p;
}

void *malloc(size_t n)
{
	return alloc_at(n, 0, __builtin_return_address(0));
}

void *calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc_at(n * size, 1, __builtin_return_address(0));
}

void *realloc(void *old, size_t n)
{
	return realloc_at(old, n, __builtin_return_address(0));
}

void *reallocarray(void *old, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc_at(old, n * size, __builtin_return_address(0));
}

void free(void *p)
{
	if (p == NULL)
		return;
	set_del(p);
	__libc_free(p);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = alloc_at(n, 0, __builtin_return_address(0));

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = alloc_at(len + 1, 0, __builtin_return_address(0));

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static void arm(long n)
{
	alloc_count = 0;
	injected = 0;
	fail_at = n;
}

static void disarm(void)
{
	fail_at = 0;
}

/* ---- running one case per child ---------------------------------------- */

/* What a child reports through shared memory. */
struct outcome {
	int injected; /* the Nth allocation was reached (and failed) */
	int errored;  /* the code under test returned an error */
	int failed;   /* a check failed: msg says which */
	long allocs;  /* allocations the run made (when not injected) */
	void *site;   /* where the failed allocation was called from */
	char msg[400];
};

static struct outcome *shared;

static void fail_check(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void fail_check(const char *fmt, ...)
{
	va_list ap;

	if (shared->failed)
		return;
	shared->failed = 1;
	va_start(ap, fmt);
	vsnprintf(shared->msg, sizeof(shared->msg), fmt, ap);
	va_end(ap);
}

typedef void (*case_fn)(void);

/* Run fn in a child with allocation n (and, with persist, every later one)
 * failing; fill *o.  Returns 0, or -1 when the child crashed or hung
 * (o->msg says how). */
static int run_child(case_fn fn, long n, int persist, struct outcome *o)
{
	pid_t pid;
	int status;

	memset(shared, 0, sizeof(*shared));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(20);
		fail_after = persist;
		arm(n);
		fn();
		if (set_full)
			fail_check("over %zu live allocations: tracking gave up",
				   SET_SIZE / 4 * 3);
		shared->injected = injected;
		shared->allocs = alloc_count;
		shared->site = fail_site;
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*o = *shared;
	if (WIFSIGNALED(status)) {
		snprintf(o->msg, sizeof(o->msg), "child killed by signal %d%s",
			 WTERMSIG(status),
			 WTERMSIG(status) == SIGALRM ? " (hang)" : "");
		o->failed = 1;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(o->msg, sizeof(o->msg), "child exited with %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		o->failed = 1;
		return -1;
	}
	return 0;
}

/* Known product bugs: a failure whose message contains one of these (and
 * nothing else wrong) is printed as a "# TODO" line instead of failing the
 * test.  Remove an entry when its bug is fixed. */
static const char *const known_bugs[] = {
	NULL,
};

static int is_known(const char *msg)
{
	int i;

	if (strstr(msg, "not expected") || strstr(msg, "leak") ||
	    strstr(msg, "signal"))
		return 0;
	for (i = 0; known_bugs[i] != NULL; i++)
		if (strstr(msg, known_bugs[i]) != NULL)
			return 1;
	return 0;
}

/* "file+0xoffset" of a code address, for addr2line -e file. */
static const char *where(void *site)
{
	static char out[300];
	Dl_info info;

	if (site != NULL && dladdr(site, &info) != 0 && info.dli_fname)
		snprintf(out, sizeof(out), "%s+0x%lx", info.dli_fname,
			 (unsigned long)((char *)site - (char *)info.dli_fbase));
	else
		snprintf(out, sizeof(out), "%p", site);
	return out;
}

/* Fail allocation from, from + step, ... of fn until a run needs fewer;
 * every run must pass its checks.  With persist, allocation N and all later
 * ones fail (runs out of memory for good: the cleanup paths then cannot
 * allocate either).  Prints a summary line. */
static void sweep(const char *name, case_fn fn, int persist, long from,
		  long step)
{
	struct outcome o;
	long n, bad = 0, known = 0, errors = 0, runs = 0, last = 0;
	char first[600] = "";
	int verbose = getenv("QUARRY_ALLOC_VERBOSE") != NULL;

	for (n = from; n < 200000; n += step) {
		int rc = run_child(fn, n, persist, &o);

		if (verbose)
			printf("# %s: %ld: %s, %s, from %s%s%s\n", name, n,
			       o.injected ? "failed" : "not reached",
			       o.errored ? "error returned" : "success",
			       where(o.site), o.failed ? ": " : "", o.msg);

		if (o.failed) {
			if (is_known(o.msg)) {
				known++;
				if (known <= 3)
					printf("# TODO %s: allocation %ld: %s\n",
					       name, n, o.msg);
			} else {
				if (bad == 0)
					snprintf(first, sizeof(first),
						 "allocation %ld: %s", n, o.msg);
				if (bad < 10)
					printf("# %s: allocation %ld: %s\n",
					       name, n, o.msg);
				bad++;
			}
		}
		if (rc == 0 && !o.injected)
			break;
		runs++;
		last = n;
		errors += o.errored;
	}
	printf("# %s: %ld runs, allocation N failed%s for N = %ld..%ld step "
	       "%ld: %ld returned an error, %ld succeeded anyway; %ld check "
	       "failures, %ld known (TODO)\n", name, runs,
	       persist ? " (and all after it)" : "", from, last, step, errors,
	       runs - errors, bad, known);
	if (bad != 0)
		fail_msg("%s: %ld failing runs; first: %s", name, bad, first);
	assert_true(runs > 0);
	assert_true(errors > 0);
}

/* ---- the analyzer ------------------------------------------------------- */

/* The first word is long and stems to something else: the stemmer grows
 * its buffer for it, so a failure there shows in the terms. */
static const char analyzer_text[] =
	"Internationalizations Ｆｕｌｌｗｉｄｔｈ Ünïcödé naïve café: Long Short-Term Memory (LSTM) "
	"networks' training, ﬁnal ligatures, İstanbul ΣΊΣΥΦΟΣ 東京 "
	"multi-layer perceptrons don't overfit \xff broken bytes";

static char analyzer_ref[4096]; /* terms of an unarmed run */

struct terms {
	char out[4096];
	size_t len;
};

/* Collect terms without allocating. */
static int collect(void *ctx, const char *term, size_t len, const char *word,
		   int pos, int is_stop)
{
	struct terms *c = ctx;

	(void)word;
	(void)pos;
	(void)is_stop;
	if (c->len + len + 2 < sizeof(c->out)) {
		memcpy(c->out + c->len, term, len);
		c->len += len;
		c->out[c->len++] = ' ';
		c->out[c->len] = '\0';
	}
	return 0;
}

/* Is term what the stemmer would still change (a word left unstemmed)?
 * Runs unarmed. */
static int unstemmed(const char *term)
{
	struct terms c = {{0}, 0};
	struct tok *t = tok_new(TOK_STEM);
	size_t n = strlen(term);

	if (t == NULL || tok_run(t, term, n, collect, &c, NULL) != 0) {
		tok_free(t);
		return 0;
	}
	tok_free(t);
	return c.len != n + 1 || memcmp(c.out, term, n) != 0;
}

/* Say which space-separated tokens of got ("term" or "term:df") are not
 * in ref, and whether each is a word the stemmer failed on. */
static void diff_terms(const char *got, const char *ref, char *why, size_t n)
{
	char tok[300], pad[310];
	size_t len = 0;

	why[0] = '\0';
	while (*got) {
		size_t k = strcspn(got, " ");
		char *colon;

		if (k > 0 && k < sizeof(tok)) {
			memcpy(tok, got, k);
			tok[k] = '\0';
			snprintf(pad, sizeof(pad), " %s ", tok);
			if (strstr(ref, pad) == NULL &&
			    strncmp(ref, pad + 1, k + 1) != 0 && len < n) {
				if ((colon = strchr(tok, ':')) != NULL)
					*colon = '\0';
				len += (size_t)snprintf(
					why + len, n - len, "'%s' %s; ", tok,
					unstemmed(tok) ? "left unstemmed"
						       : "not expected");
			}
		}
		got += k;
		got += *got == ' ';
	}
}

static void analyzer_case(void)
{
	size_t base = live_n;
	struct qerr err = {0};
	struct terms c = {{0}, 0};
	struct tok *t = tok_new(TOK_STEM);
	int rc = -1;

	if (t != NULL)
		rc = tok_run(t, analyzer_text, sizeof(analyzer_text) - 1,
			     collect, &c, &err);
	tok_free(t);
	disarm();
	shared->errored = t == NULL || rc != 0;
	if (t == NULL && !injected)
		fail_check("tok_new returned NULL without a failed allocation");
	if (t != NULL && rc != 0 && (rc != QERR_IO || err.code != QERR_IO ||
				     err.msg[0] == '\0'))
		fail_check("tok_run returned %d (err %d '%s'), wants QERR_IO "
			   "with a message", rc, err.code, err.msg);
	if (t != NULL && rc == 0 && strcmp(c.out, analyzer_ref) != 0) {
		char why[300];

		diff_terms(c.out, analyzer_ref, why, sizeof(why));
		fail_check("tok_run succeeded with other terms: %s", why);
	}
	if (live_n != base)
		fail_check("%zu allocation(s) leaked (tok_new %s, tok_run %d)",
			   live_n - base, t ? "ok" : "failed", rc);
}

static void test_analyzer_alloc_failures(void **state)
{
	struct tok *t;
	struct terms c = {{0}, 0};

	(void)state;
	t = tok_new(TOK_STEM);
	assert_non_null(t);
	assert_int_equal(tok_run(t, analyzer_text, sizeof(analyzer_text) - 1,
				 collect, &c, NULL),
			 0);
	tok_free(t);
	assert_true(c.len > 0);
	memcpy(analyzer_ref, c.out, c.len + 1);
	sweep("analyzer", analyzer_case, 0, 1, 1);
	sweep("analyzer, persistent", analyzer_case, 1, 1, 1);
}

/* ---- the index writer --------------------------------------------------- */

static char dir[] = "/tmp/quarry-test-alloc-XXXXXX";
static char path[300];
static int spill_runs; /* 1: a tiny memory budget forces sorted runs */

/* The first word is long and stems to something else (see analyzer_text). */
static const char *const QS[] = {
	"Generalizations: what is Long Short-Term Memory (LSTM)?",
	"How does dropout regularize a deep neural network?",
	"Explain batch normalization.",
	"Qu'est-ce qu'un réseau de neurones ? (naïve café)",
	"What is a convolutional neural network (CNN)?",
};
static const char *const AS[] = {
	"An LSTM is a recurrent network with gates that keep state.",
	"Dropout ignores random units during training; a deep neural network "
	"(DNN) then overfits less.",
	"Batch normalization normalizes layer inputs over the mini-batch.",
	"Un modèle inspiré du cerveau. ﬁn.",
	"A CNN applies learned filters; Convolutional Neural Networks share "
	"weights.",
};
#define NDOCS 5
#define OLD_NDOCS 2

static char index_ref[8192]; /* fingerprint of a complete new index */

/* The files in dir other than i.db and its writer lock file (which stays,
 * by design), as "name name ", into out. */
static void stray_files(char *out, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = 0;

	out[0] = '\0';
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "i.db") == 0 ||
		    strcmp(e->d_name, ".i.db.lock") == 0)
			continue;
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s ",
					e->d_name);
		if (len >= n)
			break;
	}
	closedir(d);
}

static int vocab_fn(void *ctx, const char *term, long df)
{
	struct terms *c = ctx;
	char one[100];
	int k = snprintf(one, sizeof(one), "%s:%ld ", term, df);

	if (k > 0 && c->len + (size_t)k + 1 < sizeof(c->out)) {
		memcpy(c->out + c->len, one, (size_t)k + 1);
		c->len += (size_t)k;
	}
	return 0;
}

/* Records, vocabulary with document frequencies and aliases of the index
 * at path, as three lines of text; "" when it does not open. */
static void fingerprint(char *out, size_t n, long *ndocs)
{
	struct idx *x = NULL;
	struct qerr err = {0};
	struct terms c = {{0}, 0};
	const struct idx_alias *al;
	int na, i;

	out[0] = '\0';
	*ndocs = -1;
	if (idx_open(&x, path, &err) != 0)
		return;
	*ndocs = idx_ndocs(x);
	for (i = 0; i < *ndocs; i++) {
		struct idx_doc d;
		char one[300];
		int k;

		if (idx_get_doc(x, i, &d, &err) != 0)
			break;
		k = snprintf(one, sizeof(one), "[%s|%s|%ld|%.40s] ", d.ext_id,
			     d.source, d.line, d.question);
		idx_doc_clear(&d);
		if (k > 0 && c.len + (size_t)k + 1 < sizeof(c.out)) {
			memcpy(c.out + c.len, one, (size_t)k + 1);
			c.len += (size_t)k;
		}
	}
	c.out[c.len++] = '\n';
	c.out[c.len] = '\0';
	idx_vocab_scan(x, "", vocab_fn, &c);
	c.out[c.len++] = '\n';
	c.out[c.len] = '\0';
	na = idx_aliases(x, &al);
	for (i = 0; i < na; i++) {
		char one[200];
		int k = snprintf(one, sizeof(one), "%s=%s ", al[i].acr,
				 al[i].exp);

		if (k > 0 && c.len + (size_t)k + 1 < sizeof(c.out)) {
			memcpy(c.out + c.len, one, (size_t)k + 1);
			c.len += (size_t)k;
		}
	}
	idx_close(x);
	snprintf(out, n, "%s", c.out);
}

/* The writer's calls, as the CLI makes them; 0 or the error status. */
static int build_new(struct qerr *err)
{
	struct idx_build *b = NULL;
	char id[16];
	int i, rc;

	rc = idx_build_begin(&b, path, err);
	if (rc != 0) {
		if (b != NULL)
			return -1000; /* out must be NULL on failure */
		return rc;
	}
	if (spill_runs)
		idx_build_set_memory(b, 64);
	rc = idx_build_source(b, "docs/a.txt", 100, 1700000000, "0123456789abcdef",
			      0);
	for (i = 0; rc == 0 && i < NDOCS; i++) {
		if (i == 3)
			rc = idx_build_source(b, "docs/b.md", 50, 1700000001,
					      "fedcba9876543210", 0);
		snprintf(id, sizeof(id), "q%d", i + 1);
		if (rc == 0)
			rc = idx_build_add(b, id, QS[i], AS[i], 3 * i + 1);
	}
	if (rc == 0)
		idx_build_meta(b, "note", "allocation test");
	if (rc != 0) {
		idx_build_status(b, err);
		idx_build_abort(b);
		return rc;
	}
	return idx_build_commit(b, err);
}

/* Line i (from 0) of text into out. */
static void section(const char *text, int i, char *out, size_t n)
{
	const char *end;

	while (i-- > 0 && text != NULL)
		if ((text = strchr(text, '\n')) != NULL)
			text++;
	if (text == NULL)
		text = "";
	end = strchr(text, '\n');
	snprintf(out, n, "%.*s", end ? (int)(end - text) : (int)strlen(text),
		 text);
}

static void writer_case(void)
{
	size_t base = live_n;
	struct qerr err = {0};
	char fp[8192], stray[300];
	long nd;
	int rc = build_new(&err);

	disarm();
	shared->errored = rc != 0;
	if (rc == -1000)
		fail_check("idx_build_begin failed but left *out set");
	if (live_n != base)
		fail_check("%zu allocation(s) leaked (build returned %d: %s)",
			   live_n - base, rc, err.msg);
	stray_files(stray, sizeof(stray));
	if (stray[0])
		fail_check("files left beside the index: %s(build returned %d: "
			   "%s)", stray, rc, err.msg);
	fingerprint(fp, sizeof(fp), &nd);
	if (rc != 0) {
		if (err.code == QERR_OK || err.msg[0] == '\0')
			fail_check("build returned %d without an error message",
				   rc);
		if (rc != QERR_IO && rc != QERR_DATA)
			fail_check("build returned %d, not an error code", rc);
		if (nd != OLD_NDOCS)
			fail_check("previous index damaged after a failed build "
				   "(%ld records; %s)", nd, err.msg);
	} else if (nd != NDOCS || strcmp(fp, index_ref) != 0) {
		char got[4096], ref[4096], why[300];

		section(fp, 1, got, sizeof(got));
		section(index_ref, 1, ref, sizeof(ref));
		diff_terms(got, ref, why, sizeof(why));
		fail_check("build succeeded after a failed allocation but the "
			   "index differs (%ld records; vocabulary: %s)", nd,
			   why[0] ? why : "same");
	}
	/* put the previous index back for the next run */
	if (rc == 0) {
		struct qerr e2 = {0};
		struct idx_build *b;
		int i;

		if (idx_build_begin(&b, path, &e2) == 0) {
			idx_build_source(b, "old.txt", 1, 1, "h", 0);
			for (i = 0; i < OLD_NDOCS; i++)
				idx_build_add(b, "o", QS[i], AS[i], 1);
			idx_build_commit(b, &e2);
		}
	}
}

/* The previous index every run must leave as it was. */
static void build_old(void)
{
	struct qerr err = {0};
	struct idx_build *b;
	int i;

	assert_int_equal(idx_build_begin(&b, path, &err), 0);
	assert_int_equal(idx_build_source(b, "old.txt", 1, 1, "h", 0), 0);
	for (i = 0; i < OLD_NDOCS; i++)
		assert_int_equal(idx_build_add(b, "o", QS[i], AS[i], 1), 0);
	assert_int_equal(idx_build_commit(b, &err), 0);
}

/* The sweeps' N: see the comment at the top. */
static void writer_sweep(const char *name, int persist)
{
	int slow = getenv("QUARRY_SLOW") != NULL;
	struct qerr err = {0};
	long nd;

	build_old();
	/* the reference: an unarmed build, then the previous index again */
	assert_int_equal(build_new(&err), 0);
	fingerprint(index_ref, sizeof(index_ref), &nd);
	assert_int_equal(nd, NDOCS);
	assert_true(strstr(index_ref, "lstm=") != NULL);
	build_old();
	if (persist)
		sweep(name, writer_case, 1, 1, slow ? 7 : 11);
	else if (slow)
		sweep(name, writer_case, 0, 1, 1);
	else
		sweep(name, writer_case, 0, 6, 11);
}

static void test_writer_alloc_failures(void **state)
{
	(void)state;
	spill_runs = 0;
	writer_sweep("writer", 0);
}

static void test_writer_alloc_failures_persistent(void **state)
{
	(void)state;
	spill_runs = 0;
	writer_sweep("writer, persistent", 1);
}

static void test_writer_spill_alloc_failures(void **state)
{
	(void)state;
	spill_runs = 1;
	writer_sweep("writer with spilled runs", 0);
}

/* ---- setup -------------------------------------------------------------- */

static int setup(void **state)
{
	const char *shm = "/dev/shm";
	struct stat sb;

	(void)state;
	/* tmpfs when there is one: each run syncs the new index */
	if (stat(shm, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    access(shm, W_OK) == 0)
		memcpy(dir, "/dev/shm/quarry-alloc-XXXXXX",
		       sizeof("/dev/shm/quarry-alloc-XXXXXX"));
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/i.db", dir);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	/* one-time global allocations happen before any counting */
	if (sqlite3_initialize() != SQLITE_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_tracking_works(void **state)
{
	size_t base = live_n;
	char *p = malloc(10), *q = strdup("abc"), *r;

	(void)state;
	assert_int_equal(live_n, base + 2);
	r = realloc(p, 100000);
	assert_non_null(r);
	assert_int_equal(live_n, base + 2);
	arm(1);
	assert_null(malloc(5));
	assert_true(injected);
	assert_non_null(p = malloc(5)); /* one failure only */
	disarm();
	free(p);
	free(q);
	free(r);
	assert_int_equal(live_n, base);
	assert_false(set_full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracking_works),
		cmocka_unit_test(test_analyzer_alloc_failures),
		cmocka_unit_test(test_writer_alloc_failures),
		cmocka_unit_test(test_writer_alloc_failures_persistent),
		cmocka_unit_test(test_writer_spill_alloc_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else /* ALLOC_SANITIZED */

/* Counted as a skip (run.sh shows it), never as a pass. */
static void test_skipped_under_sanitizer(void **state)
{
	(void)state;
	printf("# allocation failure injection needs the normal build: the "
	       "sanitizers replace malloc themselves\n");
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skipped_under_sanitizer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
