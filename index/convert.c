/* convert.c - run a converter command on a file and collect its output.
 *
 * The child gets its own process group, so a converter that starts helpers
 * (man runs groff, which runs troff) is stopped whole when a limit is hit.
 * The parent polls the pipe against a deadline, stops reading past the
 * byte limit, and reaps the child before returning. */
#include "convert.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/fileio.h"

void conv_init(struct conv *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = CONV_TIMEOUT_MS;
	c->max_bytes = CONV_MAX_BYTES;
}

void conv_free(struct conv *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->rules[i].ext);
		free(c->rules[i].cmd);
	}
	free(c->rules);
	c->rules = NULL;
	c->n = 0;
}

static int find_rule(const struct conv *c, const char *ext, size_t n)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strlen(c->rules[i].ext) == n &&
		    strncasecmp(c->rules[i].ext, ext, n) == 0)
			return i;
	return -1;
}

int conv_set(struct conv *c, const char *ext, const char *cmd)
{
	struct conv_rule *r;
	char *e, *m;
	int i;

	while (*ext == '.')
		ext++;
	i = find_rule(c, ext, strlen(ext));
	if (*cmd == '\0') {
		if (i >= 0) {
			free(c->rules[i].ext);
			free(c->rules[i].cmd);
			c->rules[i] = c->rules[--c->n];
		}
		return 0;
	}
	if ((m = strdup(cmd)) == NULL)
		return -1;
	if (i >= 0) {
		free(c->rules[i].cmd);
		c->rules[i].cmd = m;
		return 0;
	}
	r = realloc(c->rules, (size_t)(c->n + 1) * sizeof(*r));
	if (r == NULL || (e = strdup(ext)) == NULL) {
		if (r)
			c->rules = r;
		free(m);
		return -1;
	}
	for (i = 0; e[i]; i++)
		e[i] = (char)tolower((unsigned char)e[i]);
	c->rules = r;
	c->rules[c->n].ext = e;
	c->rules[c->n].cmd = m;
	c->n++;
	return 0;
}

/* An extension: letters, digits, '.', '_', '-', '+' and not empty. */
static int good_ext(const char *s, size_t n)
{
	size_t i;

	while (n > 0 && *s == '.') {
		s++;
		n--;
	}
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-+", s[i]))
			return 0;
	return n > 0;
}

static int blank_str(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

int conv_parse_spec(struct conv *c, const char *spec, struct qerr *err)
{
	const char *eq = strchr(spec, '=');
	char ext[64];

	if (eq == NULL || !good_ext(spec, (size_t)(eq - spec)) ||
	    (size_t)(eq - spec) >= sizeof(ext))
		return qerr_set(err, QERR_USAGE, "--convert wants EXT=COMMAND, "
				"got '%s'", spec);
	memcpy(ext, spec, (size_t)(eq - spec));
	ext[eq - spec] = '\0';
	if (conv_set(c, ext, blank_str(eq + 1) ? "" : eq + 1) != 0)
		return qerr_set(err, QERR_IO, "out of memory");
	return 0;
}

/* Is an executable named prog on PATH? */
static int on_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *e;
	char full[4096];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (snprintf(full, sizeof(full), "%.*s/%s", (int)(e - p), p,
			     prog) < (int)sizeof(full) &&
		    access(full, X_OK) == 0)
			return 1;
	}
	return 0;
}

int conv_defaults(struct conv *c)
{
	char ext[8];
	int i, rc = 0;

	if (on_path("pdftotext"))
		rc |= conv_set(c, "pdf", "pdftotext -q -enc UTF-8 %s -");
	if (!on_path("man"))
		return rc;
	for (i = 1; i <= 9; i++) {
		snprintf(ext, sizeof(ext), "%d", i);
		rc |= conv_set(c, ext, "man --nj --nh -l %s");
		snprintf(ext, sizeof(ext), "%d.gz", i);
		rc |= conv_set(c, ext, "man --nj --nh -l %s");
	}
	return rc;
}

/* ---- the config file ------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A value without its " # comment". */
static char *value(char *v)
{
	char *p;

	for (p = v; *p; p++)
		if (*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	return trim(v);
}

static int number(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* One `key = value` line; 0, or the QERR code for a bad one. */
static int config_line(struct conv *c, char *key, char *val)
{
	long v;

	if (strncmp(key, "convert.", 8) == 0) {
		if (!good_ext(key + 8, strlen(key + 8)))
			return QERR_DATA;
		return conv_set(c, key + 8, val) ? QERR_IO : 0;
	}
	if (strcmp(key, "convert_timeout") == 0) {
		if (number(val, 86400, &v) != 0)
			return QERR_DATA;
		c->timeout_ms = v * 1000;
	} else if (strcmp(key, "convert_max_mb") == 0) {
		if (number(val, 4096, &v) != 0)
			return QERR_DATA;
		c->max_bytes = (size_t)v << 20;
	}
	return 0;
}

int conv_load_config(struct conv *c, const char *path, struct qerr *err)
{
	struct stat st;
	/* A FIFO or device there is refused, never waited on. */
	int fd = fio_open_regular(path, &st), lineno = 0, rc = 0, e;
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char line[4096];

	if (fd == FIO_NOT_REGULAR)
		return qerr_set(err, QERR_IO, "%s: not a regular file", path);
	if (f == NULL) {
		e = errno;
		if (fd >= 0)
			close(fd);
		if (e == ENOENT || e == ENOTDIR)
			return 0;
		return qerr_set(err, QERR_IO, "%s: %s", path, strerror(e));
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line), *eq;

		lineno++;
		if (*s == '\0' || *s == '#' || (eq = strchr(s, '=')) == NULL)
			continue; /* malformed lines are the LLM reader's to report */
		*eq = '\0';
		rc = config_line(c, trim(s), value(eq + 1));
		if (rc == QERR_DATA)
			qerr_set(err, rc, "%s:%d: bad value for %s", path,
				 lineno, trim(s));
		else if (rc != 0)
			qerr_set(err, rc, "out of memory");
	}
	fclose(f);
	return rc;
}

const struct conv_rule *conv_find(const struct conv *c, const char *path)
{
	const char *base = strrchr(path, '/'), *last, *p;
	int i;

	base = base ? base + 1 : path;
	last = strrchr(base, '.');
	if (last == NULL || last == base || c == NULL)
		return NULL;
	for (p = last - 1; p > base && *p != '.'; p--)
		;
	if (p > base && (i = find_rule(c, p + 1, strlen(p + 1))) >= 0)
		return &c->rules[i];
	i = find_rule(c, last + 1, strlen(last + 1));
	return i >= 0 ? &c->rules[i] : NULL;
}

/* ---- running a converter --------------------------------------------------- */

/* The template's words, "%s" replaced by path; NULL-terminated. */
static char **make_argv(const char *cmd, const char *path)
{
	size_t cap = 8, n = 0, i;
	char **av = calloc(cap, sizeof(*av));
	const char *p = cmd;
	int used = 0;

	while (av) {
		struct buf w = BUF_INIT;
		int bad = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (; *p && *p != ' ' && *p != '\t'; p++) {
			if (p[0] == '%' && p[1] == 's') {
				bad |= buf_puts(&w, path);
				used = 1;
				p++;
			} else if (p[0] == '%' && p[1] == '%') {
				bad |= buf_putc(&w, '%');
				p++;
			} else {
				bad |= buf_putc(&w, *p);
			}
		}
		if (n + 2 >= cap) {
			char **na = realloc(av, cap * 2 * sizeof(*av));

			if (na == NULL)
				bad = 1;
			else
				av = na, cap *= 2;
		}
		if (bad || (av[n] = buf_detach(&w)) == NULL) {
			buf_free(&w);
			goto fail;
		}
		av[++n] = NULL;
	}
	if (av == NULL || n == 0)
		goto fail;
	if (!used && (av[n] = strdup(path)) == NULL)
		goto fail;
	return av;
fail:
	for (i = 0; av && av[i]; i++)
		free(av[i]);
	free(av);
	return NULL;
}

static void free_argv(char **av)
{
	size_t i;

	for (i = 0; av && av[i]; i++)
		free(av[i]);
	free(av);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: stdout to the pipe, stdin and stderr to /dev/null. */
static void child(int wfd, char **av)
{
	int null = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 2) < 0 ||
	    dup2(wfd, 1) < 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execvp(av[0], av);
	_exit(errno == ENOENT ? 127 : 126);
}

enum { END_EOF, END_TIME, END_SIZE, END_READ };

/* Read the child's output until EOF, the deadline or the byte limit. */
static int drain(const struct conv *c, int fd, long deadline, struct buf *out)
{
	char chunk[65536];

	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};
		long left = deadline - now_ms();
		ssize_t got;
		int r;

		if (left <= 0)
			return END_TIME;
		r = poll(&pf, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return END_READ;
		if (r == 0)
			continue;
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0)
			return END_READ;
		if (got == 0)
			return END_EOF;
		if (out->len + (size_t)got > c->max_bytes)
			return END_SIZE;
		if (buf_append(out, chunk, (size_t)got) != 0)
			return END_READ;
	}
}

/* Reap pid, killing its group at the deadline; its wait status. */
static int reap(pid_t pid, long deadline, int kill_now)
{
	int st = 0;

	if (kill_now)
		kill(-pid, SIGKILL);
	for (;;) {
		pid_t r = waitpid(pid, &st, kill_now ? 0 : WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill_now = 1;
		} else if (r == 0) {
			struct timespec ts = {0, 10 * 1000000};

			nanosleep(&ts, NULL);
		}
	}
	if (kill_now)
		kill(-pid, SIGKILL); /* helpers it left behind */
	return st;
}

int conv_run(const struct conv *c, const struct conv_rule *r,
	     const char *path, char **out, size_t *len, struct qerr *err)
{
	char **av = make_argv(r->cmd, path);
	struct buf b = BUF_INIT;
	long deadline;
	int fds[2], end, st, e, rc = 0;
	pid_t pid;

	*out = NULL;
	*len = 0;
	if (av == NULL)
		return qerr_set(err, QERR_DATA, "%s: converter for .%s is empty, "
				"skipped", path, r->ext);
	if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
		e = errno;
		free_argv(av);
		return qerr_set(err, QERR_IO, "converter pipe: %s", strerror(e));
	}
	pid = fork();
	if (pid == 0)
		child(fds[1], av);
	e = errno;
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		free_argv(av);
		return qerr_set(err, QERR_IO, "converter: %s", strerror(e));
	}
	setpgid(pid, pid); /* also here: no race with the kill below */
	deadline = now_ms() + c->timeout_ms;
	end = drain(c, fds[0], deadline, &b);
	close(fds[0]);
	st = reap(pid, deadline, end != END_EOF);
	if (end == END_EOF && now_ms() >= deadline)
		end = END_TIME;
	if (end == END_TIME)
		rc = qerr_set(err, QERR_DATA, "%s: converter '%s' timed out after "
			 "%ld s, skipped", path, av[0], c->timeout_ms / 1000);
	else if (end == END_SIZE)
		rc = qerr_set(err, QERR_DATA, "%s: converter '%s' printed over %zu "
			 "MB, skipped", path, av[0], c->max_bytes >> 20);
	else if (end == END_READ || st < 0)
		rc = qerr_set(err, QERR_IO, "%s: reading converter '%s' failed", path,
			 av[0]);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		rc = qerr_set(err, QERR_DATA, "%s: converter '%s' not found, skipped",
			 path, av[0]);
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		rc = qerr_set(err, QERR_DATA, "%s: converter '%s' failed (%s %d), "
			 "skipped", path, av[0],
			 WIFEXITED(st) ? "exit" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	free_argv(av);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	if (buf_reserve(&b, 1) != 0) {
		buf_free(&b);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	*len = b.len;
	*out = b.data;
	return 0;
}
