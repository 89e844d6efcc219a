/* qtime.c - per-question latency of a command that answers questions.
 *
 * usage: qtime [-o TIMES] QUESTIONS -- CMD [ARG...]
 *        qtime -e N [-o TIMES] QUESTIONS -- CMD [ARG...]
 *
 * Default (warm, one process): starts CMD once with pipes on its stdin and
 * stdout; for each line of QUESTIONS writes the line, reads through the
 * next newline of CMD's output and records the time in between.  CMD must
 * answer every line with exactly one line, flushed (`quarry ask --json`
 * does).  Only question time counts: the first WARMUP questions are asked
 * once untimed, so start-up, index opening and whatever CMD defers to its
 * first question stay out of the samples.
 *
 * -e N (end to end): for N questions spread evenly over QUESTIONS, runs
 * CMD ARG... QUESTION as a fresh process (stdout to /dev/null, stderr
 * kept) and times spawn to exit.  Exit status 0 and 1 ("nothing matched")
 * count as answers; anything else is a failure.
 *
 * -o TIMES writes "MS<TAB>QUESTION" per question, in order.
 * Prints the summary line of lat.h to stdout.  Exit status 0, or 1 with a
 * message on stderr (CMD failed, stopped answering, or bad usage). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lat.h"

#define WARMUP 10

extern char **environ;

struct rbuf {
	char data[1 << 16];
	size_t start, end; /* unread bytes */
};

static void die(const char *msg)
{
	fprintf(stderr, "qtime: %s\n", msg);
	exit(1);
}

static void die_errno(const char *what, int e)
{
	fprintf(stderr, "qtime: %s: %s\n", what, strerror(e));
	exit(1);
}

/* Write all of s[0..n-1]. Returns 0, or an errno value. */
static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Consume input through the next newline. Returns 0, -1 at end of input
 * before a newline, or an errno value. */
static int skip_line(int fd, struct rbuf *r)
{
	for (;;) {
		char *nl = memchr(r->data + r->start, '\n', r->end - r->start);
		ssize_t got;

		if (nl != NULL) {
			r->start = (size_t)(nl - r->data) + 1;
			return 0;
		}
		r->start = r->end = 0;
		got = read(fd, r->data, sizeof(r->data));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno;
		if (got == 0)
			return -1;
		r->end = (size_t)got;
	}
}

/* Start argv with its stdin and stdout on new pipes. */
static pid_t spawn_piped(char **argv, int *to, int *from)
{
	posix_spawn_file_actions_t fa;
	int in[2], out[2], e;
	pid_t pid;

	if (pipe(in) != 0 || pipe(out) != 0)
		die_errno("pipe", errno);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0)
		die_errno(argv[0], e);
	close(in[0]);
	close(out[1]);
	*to = in[1];
	*from = out[0];
	return pid;
}

/* Wait for pid; returns its exit status, or 128 + signal. */
static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid", errno);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Warm mode: one process, one question at a time, WARMUP untimed first. */
static void time_piped(struct lines *q, char **argv, double *ms)
{
	static struct rbuf r;
	char *line = NULL;
	size_t i, k = 0, cap = 0, warm = q->n < WARMUP ? q->n : WARMUP;
	int to, from, e = 0, st;
	pid_t pid = spawn_piped(argv, &to, &from);

	for (i = 0; i < warm + q->n && e == 0; i++) {
		size_t n;
		double t0;

		k = i < warm ? i : i - warm;
		n = strlen(q->v[k]);

		if (n + 2 > cap) {
			cap = 2 * (n + 2);
			if ((line = realloc(line, cap)) == NULL)
				die("out of memory");
		}
		memcpy(line, q->v[k], n);
		line[n] = '\n';
		t0 = lat_now_ms();
		e = write_all(to, line, n + 1);
		if (e == 0)
			e = skip_line(from, &r);
		if (i >= warm)
			ms[k] = lat_now_ms() - t0;
	}
	free(line);
	close(to);
	close(from);
	st = reap(pid);
	if (e != 0) {
		fprintf(stderr,
			"qtime: %s stopped answering at question %zu (%s); "
			"exit status %d\n",
			argv[0], k + 1, e < 0 ? "end of output" : strerror(e),
			st);
		exit(1);
	}
	if (st != 0 && st != 1) {
		fprintf(stderr, "qtime: %s exited with status %d\n", argv[0], st);
		exit(1);
	}
}

/* End-to-end mode: a fresh process per question; argv has a free slot
 * at argc for the question. */
static void time_spawned(struct lines *q, size_t nq, char **argv, int argc,
			 double *ms, size_t *picked)
{
	posix_spawn_file_actions_t fa;
	size_t i;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < nq; i++) {
		size_t k = i * q->n / nq;
		double t0 = lat_now_ms();
		pid_t pid;
		int e, st;

		argv[argc] = q->v[k];
		e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
		if (e != 0)
			die_errno(argv[0], e);
		st = reap(pid);
		ms[i] = lat_now_ms() - t0;
		picked[i] = k;
		if (st != 0 && st != 1) {
			fprintf(stderr, "qtime: %s exited with status %d on: %s\n",
				argv[0], st, q->v[k]);
			exit(1);
		}
	}
	posix_spawn_file_actions_destroy(&fa);
}

static void usage(void)
{
	die("usage: qtime [-e N] [-o TIMES] QUESTIONS -- CMD [ARG...]");
}

int main(int argc, char **argv)
{
	const char *times = NULL;
	struct lines q;
	double *ms;
	size_t *picked, nq, i;
	long e2e = 0;
	char **cmd;
	int c, ncmd;

	/* "+": stop at QUESTIONS (glibc would otherwise permute CMD's options
	 * in front of it). */
	while ((c = getopt(argc, argv, "+e:o:")) != -1) {
		if (c == 'e')
			e2e = strtol(optarg, NULL, 10);
		else if (c == 'o')
			times = optarg;
		else
			usage();
	}
	if (optind + 3 > argc || strcmp(argv[optind + 1], "--") != 0 || e2e < 0)
		usage();
	if (lines_read(&q, argv[optind]) != 0)
		die_errno(argv[optind], errno);
	if (q.n == 0)
		die("no questions");
	optind += 2;
	ncmd = argc - optind;
	/* One spare slot for the question, one for the NULL. */
	cmd = calloc((size_t)ncmd + 2, sizeof(*cmd));
	nq = e2e && (size_t)e2e < q.n ? (size_t)e2e : q.n;
	ms = calloc(nq, sizeof(*ms));
	picked = calloc(nq, sizeof(*picked));
	if (cmd == NULL || ms == NULL || picked == NULL)
		die("out of memory");
	memcpy(cmd, argv + optind, (size_t)ncmd * sizeof(*cmd));
	signal(SIGPIPE, SIG_IGN);
	if (e2e) {
		time_spawned(&q, nq, cmd, ncmd, ms, picked);
	} else {
		time_piped(&q, cmd, ms);
		for (i = 0; i < nq; i++)
			picked[i] = i;
	}
	if (times != NULL) {
		FILE *fp = fopen(times, "w");

		if (fp == NULL)
			die_errno(times, errno);
		for (i = 0; i < nq; i++)
			fprintf(fp, "%.3f\t%s\n", ms[i], q.v[picked[i]]);
		if (fclose(fp) != 0)
			die_errno(times, errno);
	}
	lat_print(stdout, ms, nq);
	free(picked);
	free(ms);
	free(cmd);
	lines_free(&q);
	return fflush(stdout) == 0 ? 0 : 1;
}
