#ifndef CG_HOME_H
#define CG_HOME_H

#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

/*
 * The data directory: --home DIR, else $CG_HOME, else /var/lib/cg for a
 * user whose passwd home is /var/lib/cg (the package's "cg" system user),
 * else $XDG_STATE_HOME/cg, else ~/.local/state/cg.  Created 0700 on first
 * use.  Refused when it is a symbolic link, owned by another user, or
 * writable by group or others.
 * Every file below it is opened relative to ->fd with O_NOFOLLOW.
 */
struct cg_home {
	char *path;	/* owned */
	int fd;		/* O_DIRECTORY descriptor of the data directory */
};

/* opt may be NULL.  0, or -1 with *err (CG_EXIT_SYSTEM). */
int cg_home_open(struct cg_home *h, const char *opt, struct cg_err *err);
void cg_home_release(struct cg_home *h);

/*
 * Open (creating 0700 when create is set) the directory rel below the data
 * directory, e.g. "journal/checkin", component by component without
 * following links.  Returns a descriptor the caller closes, -1 with *err,
 * or -2 when it does not exist and create is 0.
 */
int cg_home_dir(const struct cg_home *h, const char *rel, int create,
		struct cg_err *err);

/* openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600). */
int cg_openat(int dirfd, const char *name, int flags);

/* Write the whole buffer, retrying short writes and EINTR.  0 or -1. */
int cg_write_all(int fd, const void *data, size_t len);

/* fsync a directory so that a rename or create in it is durable. */
int cg_fsync_dir(int dirfd);

/*
 * Replace dirfd/name atomically with data: a temporary file in the same
 * directory, fsync, rename over name, fsync of the directory.  label names
 * the file in messages.
 */
int cg_replace_file(int dirfd, const char *name, const void *data, size_t len,
		    const char *label, struct cg_err *err);

/*
 * Read dirfd/name whole (at most limit bytes).  Returns 0 with a malloc'd,
 * NUL-terminated *data the caller frees, -2 when it does not exist, or -1
 * with *err.
 */
int cg_read_file(int dirfd, const char *name, size_t limit, char **data,
		 size_t *len, const char *label, struct cg_err *err);

#endif
