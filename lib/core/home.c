#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"

int cg_openat(int dirfd, const char *name, int flags)
{
	int fd;

	do
		fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	while (fd < 0 && errno == EINTR);
	return fd;
}

int cg_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cg_fsync_dir(int dirfd)
{
	/* Some filesystems refuse fsync on directories; that is not a failure
	 * of durability we can do anything about. */
	if (fsync(dirfd) < 0 && errno != EINVAL && errno != EROFS)
		return -1;
	return 0;
}

/*
 * The system mode: the Debian package makes a "cg" system user whose home
 * in the passwd database is this directory, and the commands, run as that
 * user (by a systemd unit, sudo -u cg, runuser), take it as their data
 * directory rather than a ~/.local/state/cg below it.  Decided by the
 * passwd entry, not by $HOME, which sudo and su may or may not reset.
 */
#define CG_SYSTEM_HOME "/var/lib/cg"

static int is_system_user(void)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) != 0 || !found)
		return 0;
	return strcmp(found->pw_dir, CG_SYSTEM_HOME) == 0 ||
	       strcmp(found->pw_dir, CG_SYSTEM_HOME "/") == 0;
}

static int resolve(struct cg_buf *path, const char *opt)
{
	const char *env;

	if (opt && *opt)
		return cg_buf_addstr(path, opt);
	if ((env = getenv("CG_HOME")) && *env)
		return cg_buf_addstr(path, env);
	if (is_system_user())
		return cg_buf_addstr(path, CG_SYSTEM_HOME);
	if ((env = getenv("XDG_STATE_HOME")) && *env == '/')
		return cg_buf_addf(path, "%s/cg", env);
	if ((env = getenv("HOME")) && *env)
		return cg_buf_addf(path, "%s/.local/state/cg", env);
	return -1;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int make_dirs(char *path)
{
	char *p = path;

	while ((p = strchr(p + 1, '/'))) {
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int check_owner_mode(int fd, const char *label, struct cg_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot stat '%s'"), label);
	if (!S_ISDIR(st.st_mode))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("'%s' is not a directory"), label);
	if (st.st_uid != geteuid())
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("refusing data directory '%s': owned by another user"),
				  label);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("refusing data directory '%s': writable by group or others (chmod 700 it)"),
				  label);
	return 0;
}

int cg_home_open(struct cg_home *h, const char *opt, struct cg_err *err)
{
	struct cg_buf path = CG_BUF_INIT(PATH_MAX);

	h->path = NULL;
	h->fd = -1;
	if (resolve(&path, opt) < 0) {
		cg_buf_release(&path);
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("no data directory: use --home or set CG_HOME"));
	}
	while (path.len > 1 && path.buf[path.len - 1] == '/')
		cg_buf_setlen(&path, path.len - 1);
	h->path = cg_buf_detach(&path, NULL);
	if (make_dirs(h->path) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot create data directory '%s'"), h->path);
	h->fd = open(h->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (h->fd < 0) {
		struct stat st;

		if ((errno == ELOOP || errno == ENOTDIR) && lstat(h->path, &st) == 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, S_ISLNK(st.st_mode) ?
					  _("refusing data directory '%s': it is a symbolic link, which is not followed") :
					  _("refusing data directory '%s': it is not a directory"),
					  h->path);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open data directory '%s'"), h->path);
	}
	return check_owner_mode(h->fd, h->path, err);
}

void cg_home_release(struct cg_home *h)
{
	if (h->fd >= 0)
		close(h->fd);
	free(h->path);
	h->path = NULL;
	h->fd = -1;
}

int cg_home_dir(const struct cg_home *h, const char *rel, int create,
		struct cg_err *err)
{
	char part[PATH_MAX];
	const char *p = rel;
	int fd = dup(h->fd);

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), rel);
	while (*p) {
		size_t n = strcspn(p, "/");
		int next;

		if (n == 0 || n >= sizeof(part)) {
			close(fd);
			return cg_err_set(err, CG_EXIT_SYSTEM, _("bad directory name '%s'"), rel);
		}
		memcpy(part, p, n);
		part[n] = '\0';
		if (create && mkdirat(fd, part, 0700) < 0 && errno != EEXIST) {
			close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot create '%s/%s'"), h->path, rel);
		}
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0) {
			if (errno == ENOENT && !create)
				return -2;
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot open '%s/%s'"), h->path, rel);
		}
		fd = next;
		p += n;
		while (*p == '/')
			p++;
	}
	return fd;
}

int cg_replace_file(int dirfd, const char *name, const void *data, size_t len,
		    const char *label, struct cg_err *err)
{
	char tmp[NAME_MAX + 1];
	int fd;

	if (snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >= (int)sizeof(tmp))
		return cg_err_set(err, CG_EXIT_SYSTEM, _("name too long: '%s'"), label);
	fd = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot create '%s'"), label);
	if (cg_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		unlinkat(dirfd, tmp, 0);
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot write '%s'"), label);
	}
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;

		unlinkat(dirfd, tmp, 0);
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot replace '%s'"), label);
	}
	if (cg_fsync_dir(dirfd) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync '%s'"), label);
	return 0;
}

int cg_read_file(int dirfd, const char *name, size_t limit, char **data,
		 size_t *len, const char *label, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT(limit);
	char chunk[8192];
	int fd = cg_openat(dirfd, name, O_RDONLY);

	if (fd < 0) {
		if (errno == ENOENT)
			return -2;
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), label);
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			if (n < 0) {
				cg_buf_release(&b);
				return cg_err_errno(err, CG_EXIT_SYSTEM, e,
						    _("cannot read '%s'"), label);
			}
			break;
		}
		if (cg_buf_add(&b, chunk, (size_t)n) < 0) {
			close(fd);
			cg_buf_release(&b);
			return cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is too large"), label);
		}
	}
	*data = cg_buf_detach(&b, len);
	return 0;
}
