/* fileio.h - open a file that must be a regular file.
 *
 * A path can name a FIFO (whose open blocks until a writer comes, maybe
 * never), a device that never ends (/dev/zero) or a terminal.  Files
 * quarry reads as data (corpora, collections, its config) are opened
 * without blocking and used only when fstat on the descriptor says they
 * are regular. */
#ifndef QUARRY_FILEIO_H
#define QUARRY_FILEIO_H

#include <sys/stat.h>

/* Returned by fio_open_regular for a path that is not a regular file. */
#define FIO_NOT_REGULAR (-2)

/* Open path read-only (close-on-exec, blocking again once open) and fill
 * *st from the descriptor.  Returns the descriptor; -1 with errno set when
 * it cannot be opened; FIO_NOT_REGULAR (nothing left open) when it is a
 * FIFO, device, socket or directory. */
int fio_open_regular(const char *path, struct stat *st);

/* mkdir -p the directories above path (not path itself), each made with
 * mode.  0, or -1 with errno set and, when bad is not NULL, *bad a copy of
 * the directory that could not be made (caller frees; NULL if out of
 * memory). */
int fio_mkdir_parents(const char *path, mode_t mode, char **bad);

/* The user's config file: $XDG_CONFIG_HOME/quarry/config (an absolute
 * XDG_CONFIG_HOME), else ~/.config/quarry/config.  NULL when neither
 * variable gives a place, or when memory runs out.  Caller frees. */
char *fio_config_path(void);

#endif
