#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/home.h"
#include "scratch.h"
#include "unit.h"

/* Permission bits of a path (not following a link), or -1. */
static int mode_of(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

static int is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	if (!fp) {
		printf("# cannot create %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

/* The environment resolve() reads, saved around the tests that change it. */
static const char *const env_names[] = { "CG_HOME", "XDG_STATE_HOME", "HOME" };
static char *env_saved[3];

static void env_save(void)
{
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(env_names[i]);

		env_saved[i] = v ? strdup(v) : NULL;
	}
}

static void env_restore(void)
{
	for (int i = 0; i < 3; i++) {
		if (env_saved[i])
			setenv(env_names[i], env_saved[i], 1);
		else
			unsetenv(env_names[i]);
		free(env_saved[i]);
		env_saved[i] = NULL;
	}
}

/* The path cg_home_open resolves opt to, or "(error: MSG)". */
static const char *opened(const char *opt)
{
	static char out[512];
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;

	if (cg_home_open(&h, opt, &err) < 0)
		snprintf(out, sizeof(out), "(error: %.400s)", err.msg);
	else
		snprintf(out, sizeof(out), "%s", h.path);
	cg_home_release(&h);
	return out;
}

/* The message cg_home_open refuses path with, or "(accepted)". */
static const char *refused(const char *path, int *status)
{
	static struct cg_err err;
	struct cg_home h;

	memset(&err, 0, sizeof(err));
	*status = -1;
	if (cg_home_open(&h, path, &err) == 0) {
		cg_home_release(&h);
		return "(accepted)";
	}
	*status = err.status;
	cg_home_release(&h);
	return err.msg;
}

/* ---- cg_home_open ---- */

TEST(open_creates_0700_with_parents)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	struct stat st;
	mode_t old = umask(0);

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("a/b/c"), &err), 0);
	CHECK_STR(h.path, at("a/b/c"));
	CHECK(h.fd >= 0);
	CHECK(fstat(h.fd, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK_INT(mode_of(at("a")), 0700);
	CHECK_INT(mode_of(at("a/b")), 0700);
	CHECK_INT(mode_of(at("a/b/c")), 0700);
	cg_home_release(&h);
	CHECK(h.path == NULL);
	CHECK_INT(h.fd, -1);

	/* Opening it again is fine and keeps the mode. */
	CHECK_INT(cg_home_open(&h, at("a/b/c"), &err), 0);
	CHECK_INT(mode_of(at("a/b/c")), 0700);
	cg_home_release(&h);
	umask(old);
	tmp_remove();
}

TEST(open_resolution_order)
{
	char opt[256], env[256], xdg[256], home[256];

	tmp_make();
	env_save();
	snprintf(opt, sizeof(opt), "%s", at("opt"));
	snprintf(env, sizeof(env), "%s", at("env"));
	snprintf(xdg, sizeof(xdg), "%s", at("xdg"));
	snprintf(home, sizeof(home), "%s", at("home"));
	setenv("CG_HOME", env, 1);
	setenv("XDG_STATE_HOME", xdg, 1);
	setenv("HOME", home, 1);

	/* --home first. */
	CHECK_STR(opened(opt), opt);
	CHECK(is_dir(opt));
	/* Then $CG_HOME. */
	CHECK_STR(opened(NULL), env);
	CHECK(is_dir(env));
	/* Then $XDG_STATE_HOME/cg. */
	unsetenv("CG_HOME");
	CHECK_STR(opened(NULL), at("xdg/cg"));
	CHECK_INT(mode_of(at("xdg/cg")), 0700);
	setenv("CG_HOME", "", 1);	/* empty counts as unset */
	CHECK_STR(opened(NULL), at("xdg/cg"));
	/* Then ~/.local/state/cg. */
	unsetenv("XDG_STATE_HOME");
	CHECK_STR(opened(NULL), at("home/.local/state/cg"));
	CHECK(is_dir(at("home/.local/state/cg")));
	/* A relative $XDG_STATE_HOME is invalid (XDG spec) and ignored. */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	CHECK_STR(opened(NULL), at("home/.local/state/cg"));
	/* Nothing at all: an error, not the current directory. */
	unsetenv("CG_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	CHECK(strstr(opened(NULL), "(error: ") != NULL);
	CHECK(strstr(opened(NULL), "no data directory") != NULL);
	/* --home still wins when the environment names something else. */
	setenv("CG_HOME", env, 1);
	CHECK_STR(opened(opt), opt);

	env_restore();
	tmp_remove();
}

TEST(open_trims_trailing_slash)
{
	char with[300];

	tmp_make();
	snprintf(with, sizeof(with), "%s/", at("d1"));
	CHECK_STR(opened(with), at("d1"));
	snprintf(with, sizeof(with), "%s///", at("d2"));
	CHECK_STR(opened(with), at("d2"));
	CHECK(is_dir(at("d2")));
	tmp_remove();
}

TEST(open_refuses_group_or_other_writable)
{
	int status;

	tmp_make();
	mkdir(at("g"), 0700);
	chmod(at("g"), 0770);
	CHECK(strstr(refused(at("g"), &status), "writable by group or others") != NULL);
	CHECK_INT(status, CG_EXIT_SYSTEM);
	mkdir(at("o"), 0700);
	chmod(at("o"), 0702);
	CHECK(strstr(refused(at("o"), &status), "writable by group or others") != NULL);
	CHECK_INT(status, CG_EXIT_SYSTEM);
	chmod(at("o"), 0777);
	CHECK(strstr(refused(at("o"), &status), "writable by group or others") != NULL);
	/* The mode is reported, not silently repaired. */
	CHECK_INT(mode_of(at("o")), 0777);
	/* Readable by others is not a reason to refuse. */
	mkdir(at("r"), 0700);
	chmod(at("r"), 0755);
	CHECK_STR(refused(at("r"), &status), "(accepted)");
	tmp_remove();
}

TEST(open_refuses_symlink)
{
	int status;

	tmp_make();
	mkdir(at("real"), 0700);
	CHECK_INT(symlink(at("real"), at("link")), 0);
	CHECK(strcmp(refused(at("link"), &status), "(accepted)") != 0);
	CHECK_INT(status, CG_EXIT_SYSTEM);
	/* With a trailing slash too (which would make open() follow it). */
	{
		char with[300];

		snprintf(with, sizeof(with), "%s/", at("link"));
		CHECK(strcmp(refused(with, &status), "(accepted)") != 0);
	}
	/* A dangling link is not turned into a directory either. */
	CHECK_INT(symlink(at("nowhere"), at("dangling")), 0);
	CHECK(strcmp(refused(at("dangling"), &status), "(accepted)") != 0);
	CHECK(!is_dir(at("nowhere")));
	tmp_remove();
}

TEST(open_refuses_regular_file)
{
	int status;

	tmp_make();
	put_file(at("file"), "x", 0600);
	CHECK(strcmp(refused(at("file"), &status), "(accepted)") != 0);
	CHECK_INT(status, CG_EXIT_SYSTEM);
	/* And a path through it. */
	CHECK(strcmp(refused(at("file/sub"), &status), "(accepted)") != 0);
	CHECK_INT(status, CG_EXIT_SYSTEM);
	tmp_remove();
}

TEST(open_refuses_other_owner)
{
	int status;

	tmp_make();
	mkdir(at("theirs"), 0700);
	CHECK_INT(chown(at("theirs"), 65534, 65534), 0);
	CHECK(strstr(refused(at("theirs"), &status), "owned by another user") != NULL);
	CHECK_INT(status, CG_EXIT_SYSTEM);
	tmp_remove();
}

/* ---- cg_home_dir ---- */

TEST(home_dir_nested)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	struct stat st;
	mode_t old = umask(0);
	int fd;

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("h"), &err), 0);

	/* Not there yet, create = 0. */
	CHECK_INT(cg_home_dir(&h, "journal/checkin", 0, &err), -2);
	CHECK(!is_dir(at("h/journal")));
	CHECK_INT(cg_home_dir(&h, "sync", 0, &err), -2);

	fd = cg_home_dir(&h, "journal/checkin", 1, &err);
	CHECK(fd >= 0);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(mode_of(at("h/journal")), 0700);
	CHECK_INT(mode_of(at("h/journal/checkin")), 0700);
	/* The descriptor is the new directory's. */
	if (fd >= 0) {
		int f = openat(fd, "probe", O_WRONLY | O_CREAT, 0600);

		CHECK(f >= 0);
		if (f >= 0)
			close(f);
		close(fd);
	}
	CHECK(access(at("h/journal/checkin/probe"), F_OK) == 0);

	/* Now it exists, create = 0 opens it; a missing leaf is -2. */
	fd = cg_home_dir(&h, "journal/checkin", 0, &err);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK_INT(cg_home_dir(&h, "journal/nope", 0, &err), -2);
	CHECK(!is_dir(at("h/journal/nope")));
	/* Doubled slashes are tolerated. */
	fd = cg_home_dir(&h, "keys//x", 1, &err);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(is_dir(at("h/keys/x")));

	cg_home_release(&h);
	umask(old);
	tmp_remove();
}

TEST(home_dir_refuses_symlink)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	int fd;

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("h"), &err), 0);
	mkdir(at("elsewhere"), 0700);
	CHECK_INT(symlink(at("elsewhere"), at("h/journal")), 0);

	fd = cg_home_dir(&h, "journal/checkin", 1, &err);
	CHECK_INT(fd, -1);
	CHECK_INT(err.status, CG_EXIT_SYSTEM);
	CHECK(!is_dir(at("elsewhere/checkin")));
	/* Existing link, create = 0: refused, not "missing". */
	memset(&err, 0, sizeof(err));
	fd = cg_home_dir(&h, "journal", 0, &err);
	CHECK_INT(fd, -1);
	CHECK_INT(err.status, CG_EXIT_SYSTEM);
	/* A link as the last component, below a real directory. */
	mkdir(at("h/sync"), 0700);
	CHECK_INT(symlink(at("elsewhere"), at("h/sync/target")), 0);
	fd = cg_home_dir(&h, "sync/target", 1, &err);
	CHECK_INT(fd, -1);
	if (fd >= 0)
		close(fd);

	cg_home_release(&h);
	tmp_remove();
}

/* ---- files ---- */

TEST(openat_does_not_follow)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	mode_t old = umask(0);
	int fd;

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("h"), &err), 0);
	put_file(at("secret"), "s", 0600);
	CHECK_INT(symlink(at("secret"), at("h/link")), 0);

	errno = 0;
	fd = cg_openat(h.fd, "link", O_RDONLY);
	CHECK_INT(fd, -1);
	CHECK_INT(errno, ELOOP);
	if (fd >= 0)
		close(fd);
	errno = 0;
	fd = cg_openat(h.fd, "link", O_WRONLY | O_CREAT | O_TRUNC);
	CHECK_INT(fd, -1);
	CHECK_INT(errno, ELOOP);
	if (fd >= 0)
		close(fd);

	/* A new file is 0600 even with umask 0, and close-on-exec. */
	fd = cg_openat(h.fd, "new", O_WRONLY | O_CREAT);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
	CHECK_INT(mode_of(at("h/new")), 0600);

	cg_home_release(&h);
	umask(old);
	tmp_remove();
}

/* Every name in a directory except . and .., joined with spaces. */
static const char *listing(const char *path)
{
	static char out[512];
	struct dirent *de;
	DIR *d = opendir(path);
	size_t n = 0;

	out[0] = '\0';
	if (!d)
		return "(cannot list)";
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
					      n ? " " : "", de->d_name);
	closedir(d);
	return out;
}

TEST(replace_file_atomic)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	char *data = NULL;
	size_t len = 0;
	mode_t old = umask(0);

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("h"), &err), 0);

	/* A new file. */
	CHECK_INT(cg_replace_file(h.fd, "cursor", "one", 3, "cursor", &err), 0);
	CHECK_INT(cg_read_file(h.fd, "cursor", 100, &data, &len, "cursor", &err), 0);
	CHECK_STR(data, "one");
	CHECK_INT(len, 3);
	free(data);
	CHECK_INT(mode_of(at("h/cursor")), 0600);

	/* Over an old, longer, too-open one. */
	put_file(at("h/state.json"), "{\"old\":\"a much longer old content\"}\n", 0644);
	CHECK_INT(cg_replace_file(h.fd, "state.json", "{\"new\":1}\n", 10,
				  "state.json", &err), 0);
	data = NULL;
	CHECK_INT(cg_read_file(h.fd, "state.json", 100, &data, &len, "state.json", &err), 0);
	CHECK_STR(data, "{\"new\":1}\n");
	CHECK_INT(len, 10);
	free(data);
	CHECK_INT(mode_of(at("h/state.json")), 0600);
	/* No temporary file is left behind. */
	CHECK(strstr(listing(at("h")), "tmp") == NULL);
	CHECK(!strcmp(listing(at("h")), "cursor state.json") ||
	      !strcmp(listing(at("h")), "state.json cursor"));

	/* Empty content is content too. */
	CHECK_INT(cg_replace_file(h.fd, "cursor", "", 0, "cursor", &err), 0);
	data = NULL;
	CHECK_INT(cg_read_file(h.fd, "cursor", 100, &data, &len, "cursor", &err), 0);
	CHECK_STR(data, "");
	CHECK_INT(len, 0);
	free(data);

	cg_home_release(&h);
	umask(old);
	tmp_remove();
}

TEST(read_file_missing_and_limit)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	char *data = NULL;
	size_t len = 0;

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("h"), &err), 0);

	CHECK_INT(cg_read_file(h.fd, "nothing", 100, &data, &len, "nothing", &err), -2);
	CHECK(data == NULL);

	put_file(at("h/ten"), "0123456789", 0600);
	/* Exactly the limit is accepted. */
	CHECK_INT(cg_read_file(h.fd, "ten", 10, &data, &len, "ten", &err), 0);
	CHECK_STR(data, "0123456789");
	CHECK_INT(len, 10);
	free(data);
	data = NULL;
	/* One byte over is refused. */
	memset(&err, 0, sizeof(err));
	CHECK_INT(cg_read_file(h.fd, "ten", 9, &data, &len, "ten", &err), -1);
	CHECK(data == NULL);
	CHECK_INT(err.status, CG_EXIT_SYSTEM);
	CHECK(strstr(err.msg, "too large") != NULL);
	CHECK(strstr(err.msg, "ten") != NULL);

	/* A file bigger than one read chunk, over the limit. */
	{
		static char big[20000];

		memset(big, 'x', sizeof(big) - 1);
		put_file(at("h/big"), big, 0600);
		CHECK_INT(cg_read_file(h.fd, "big", 16384, &data, &len, "big", &err), -1);
		CHECK_INT(cg_read_file(h.fd, "big", sizeof(big), &data, &len, "big", &err), 0);
		CHECK_INT(len, sizeof(big) - 1);
		free(data);
		data = NULL;
	}

	/* A link is not followed, and is not "missing". */
	CHECK_INT(symlink(at("h/ten"), at("h/link")), 0);
	CHECK_INT(cg_read_file(h.fd, "link", 100, &data, &len, "link", &err), -1);
	CHECK(data == NULL);

	cg_home_release(&h);
	tmp_remove();
}

int main(void)
{
	RUN(open_creates_0700_with_parents);
	RUN(open_resolution_order);
	RUN(open_trims_trailing_slash);
	RUN(open_refuses_group_or_other_writable);
	RUN(open_refuses_symlink);
	RUN(open_refuses_regular_file);
	if (geteuid() == 0)
		RUN(open_refuses_other_owner);
	else
		printf("ok - open_refuses_other_owner # skip not running as root\n");
	RUN(home_dir_nested);
	RUN(home_dir_refuses_symlink);
	RUN(openat_does_not_follow);
	RUN(replace_file_atomic);
	RUN(read_file_missing_and_limit);
	return UNIT_DONE();
}
