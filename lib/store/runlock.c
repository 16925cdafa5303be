#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/runlock.h"

int cg_run_lock(const struct cg_home *h, const char *name, const char *waiting,
		const struct cg_notifier *n, struct cg_err *err)
{
	int dirfd = cg_home_dir(h, "journal", 1, err);
	char file[64];
	int fd;

	if (dirfd < 0)
		return -1;
	snprintf(file, sizeof(file), ".%s.run.lock", name);
	fd = cg_openat(dirfd, file, O_RDWR | O_CREAT);
	close(dirfd);
	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open lock file for '%s'"), name);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK)
		cg_notify(n, CG_MSG_WARNING, "%s", waiting);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot lock 'journal/%s'"),
					    file);
		}
	}
	return fd;
}
