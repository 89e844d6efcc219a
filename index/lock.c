/* lock.c - one writer at a time, and where a writer writes.
 *
 * Every writer (a full build, an update in place) first takes an exclusive
 * flock on a lock file beside the index, .NAME.lock (hidden, so indexing
 * the index's own directory does not read it).  SQLite's own locks cover
 * an update against readers, but not a full build, which writes a new
 * file and renames it over the old one: without this lock, a build that
 * began before an update committed would silently discard it.  Readers
 * never take it.  The lock file stays (removing a flock file races with
 * the next locker); the lock goes with the descriptor, so a killed writer
 * never leaves it held.
 *
 * The index path is resolved through symbolic links first, so the lock,
 * the temporary file and the rename all happen beside the link's target
 * and a symlinked index stays a symlink. */
#include "idx.h"
#include "idx_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double lock_wait = IDX_LOCK_WAIT;
/* The lock this process holds, so that a caller holding it across a
 * build (read the sources, then rebuild from them) is not blocked by the
 * build's own locking: flock locks of two descriptors exclude each other
 * even within one process. */
static struct {
	char *path;
	int fd, refs;
} held = {NULL, -1, 0};

void idx_set_lock_wait(double seconds)
{
	lock_wait = seconds >= 0 ? seconds : 0;
}

/* The directory part of path ("." when none), as a new string. */
static char *dir_part(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

char *idx_resolve_path(const char *path)
{
	char *cur = strdup(path);
	int hops;

	/* Follow the chain by hand: realpath fails on a dangling link,
	 * whose target a build may well create. */
	for (hops = 0; cur && hops < 40; hops++) {
		struct stat sb;
		char target[PATH_MAX], *next, *dir;
		ssize_t n;

		if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode))
			return cur;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			return cur;
		target[n] = '\0';
		if (target[0] == '/') {
			next = strdup(target);
		} else {
			dir = dir_part(cur);
			next = dir ? malloc(strlen(dir) + (size_t)n + 2) : NULL;
			if (next)
				sprintf(next, "%s/%s", dir, target);
			free(dir);
		}
		free(cur);
		cur = next;
	}
	return cur; /* a loop: opening it will say ELOOP */
}

int idx_lock_writer(const char *path, int *fd_out, struct qerr *err)
{
	char *dir = dir_part(path), *lock;
	const char *base = strrchr(path, '/');
	struct timespec nap = {0, 50 * 1000 * 1000};
	double waited = 0;
	int fd, e, rc = 0;

	*fd_out = -1;
	if (held.refs > 0 && strcmp(held.path, path) == 0) {
		free(dir);
		held.refs++;
		*fd_out = held.fd;
		return 0;
	}
	base = base ? base + 1 : path;
	lock = dir ? malloc(strlen(dir) + strlen(base) + 8) : NULL;
	if (lock == NULL) {
		free(dir);
		return qerr_set(err, QERR_IO, "out of memory");
	}
	sprintf(lock, "%s/.%s.lock", dir, base);
	free(dir);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		qerr_set(err, QERR_IO, "cannot create lock file %s: %s", lock,
			 strerror(e));
		free(lock);
		return QERR_IO;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		if (e != EWOULDBLOCK && e != EINTR) {
			rc = qerr_set(err, QERR_IO, "cannot lock %s: %s", lock,
				      strerror(e));
			break;
		}
		if (waited >= lock_wait) {
			rc = qerr_set(err, QERR_IO, "%s is being written by "
				      "another quarry (waited %.0f s for %s); "
				      "try again when it is done", path,
				      lock_wait, lock);
			break;
		}
		nanosleep(&nap, NULL);
		waited += 0.05;
	}
	if (rc != 0) {
		close(fd);
		free(lock);
		return QERR_IO;
	}
	free(lock);
	if (held.refs == 0 && (held.path = strdup(path)) != NULL) {
		held.fd = fd;
		held.refs = 1;
	}
	*fd_out = fd;
	return 0;
}

void idx_unlock_writer(int fd)
{
	if (fd < 0)
		return;
	if (held.refs > 0 && fd == held.fd) {
		if (--held.refs > 0)
			return;
		free(held.path);
		held.path = NULL;
		held.fd = -1;
	}
	close(fd); /* releases the flock */
}
