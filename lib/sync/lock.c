#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/lock.h"

/* How often a waiting run tries the lock again. */
#define POLL_NS (50 * 1000 * 1000L)

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cg_sync_lock_target(const struct cg_home *h, const char *name, double wait,
			const struct cg_notifier *n, struct cg_err *err)
{
	char rel[96], label[112];
	double deadline = monotonic() + wait;
	int dirfd, fd, e;

	snprintf(rel, sizeof(rel), "sync/%s", name);
	snprintf(label, sizeof(label), "sync/%s/lock", name);
	dirfd = cg_home_dir(h, rel, 1, err);
	if (dirfd < 0)
		return -1;
	fd = cg_openat(dirfd, "lock", O_RDWR | O_CREAT);
	e = errno;
	close(dirfd);
	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot open lock file for '%s'"),
				    rel);
	for (int said = 0;; said = 1) {
		double left = deadline - monotonic();
		struct timespec pause = { 0, POLL_NS };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			e = errno;
			close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot lock '%s'"), label);
		}
		if (left <= 0)
			break;
		if (!said)
			cg_notify(n, CG_MSG_WARNING,
				  _("target '%s' is busy: waiting up to %g seconds for the run that holds '%s'"),
				  name, wait, label);
		if (left < 0.05)
			pause.tv_nsec = (long)(left * 1e9);
		nanosleep(&pause, NULL);
	}
	close(fd);
	if (wait > 0)
		return cg_err_set(err, CG_EXIT_BUSY,
				  _("target '%s' is still busy after %g seconds: another run holds '%s'"),
				  name, wait, label);
	return cg_err_set(err, CG_EXIT_BUSY,
			  _("target '%s' is busy: another run holds '%s' (--wait SECONDS waits for it)"),
			  name, label);
}
