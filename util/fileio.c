/* fileio.c - open a regular file without ever blocking on a special one. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

int fio_open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int fl, e;

	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return FIO_NOT_REGULAR;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

char *fio_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;
	int rc;

	if (xdg != NULL && xdg[0] == '/')
		rc = buf_puts(&b, xdg) | buf_puts(&b, "/quarry/config");
	else if (home != NULL && home[0] != '\0')
		rc = buf_puts(&b, home) | buf_puts(&b, "/.config/quarry/config");
	else
		return NULL;
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

int fio_mkdir_parents(const char *path, mode_t mode, char **bad)
{
	char *dir = strdup(path), *s;
	int e;

	if (bad)
		*bad = NULL;
	if (dir == NULL)
		return -1;
	for (s = dir + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(dir, mode) != 0 && errno != EEXIST) {
			e = errno;
			if (bad)
				*bad = dir;
			else
				free(dir);
			errno = e;
			return -1;
		}
		*s = '/';
	}
	free(dir);
	return 0;
}
