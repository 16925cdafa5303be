/*
 * Replays a fuzz target's corpus without libFuzzer, so that make check
 * runs every committed input through every target in every build, as
 * SQLite replays its fuzz findings: a target can never rot.  Linked with
 * tests/fuzz/fuzz-NAME.c as tests/test-fuzz-NAME (CG_FUZZ_TARGET is
 * "NAME").
 *
 *   test-fuzz-NAME [DIR | FILE]...
 *
 * Without arguments it replays tests/fuzz/corpus/NAME, relative to the
 * repository root where tests/run starts it.  One line for each argument:
 * "ok - N fuzz-NAME: K inputs replayed", or "not ok - ..." and exit 1 when
 * it cannot be read or holds no input.  A target that finds a fault
 * aborts (or a sanitizer stops the program): "not ok - N fuzz-NAME:
 * crashed on FILE" is printed on the way down, and the exit status is the
 * crash's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef CG_FUZZ_TARGET
#error "build with -DCG_FUZZ_TARGET='\"NAME\"'"
#endif

#define LABEL "fuzz-" CG_FUZZ_TARGET

/* What to print should the input being replayed crash the program. */
static char crash_line[PATH_MAX + 128];
static size_t crash_len;

static void say_crashed(void)
{
	if (crash_len && write(STDOUT_FILENO, crash_line, crash_len) < 0)
		crash_len = 0;
}

static void on_signal(int sig)
{
	say_crashed();
	raise(sig);	/* SA_RESETHAND: the default action, a core and the status */
}

/* Sanitizers report and exit by themselves; they call this first. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void catch_crashes(void)
{
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	/* Leave a sanitizer's own handlers in place. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_crashed);
}

/* Run one file through the target: 1, or 0 (with errno) when unreadable. */
static int replay_file(int n, const char *path)
{
	struct stat st;
	unsigned char *data;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > SIZE_MAX - 1) {
		close(fd);
		return 0;
	}
	/* Exactly the size of the input, as libFuzzer gives it: ASan then
	 * sees a read past its end. */
	data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!data)
		abort();
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			free(data);
			close(fd);
			if (r == 0)
				errno = EIO;	/* it shrank */
			return 0;
		}
		got += (size_t)r;
	}
	close(fd);
	crash_len = (size_t)snprintf(crash_line, sizeof(crash_line),
				     "not ok - %d %s: crashed on %s\n", n, LABEL, path);
	if (crash_len >= sizeof(crash_line))
		crash_len = sizeof(crash_line) - 1;
	LLVMFuzzerTestOneInput(data, got);
	crash_len = 0;
	free(data);
	return 1;
}

static int no_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Replay a directory (its files in name order) or one file: the number
 * of inputs, or -1 with a reason in why. */
static long replay(int n, const char *path, char *why, size_t whylen)
{
	struct dirent **names;
	struct stat st;
	char file[PATH_MAX];
	long count = 0;
	int k;

	if (stat(path, &st) < 0) {
		snprintf(why, whylen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(n, path))
			return 1;
		snprintf(why, whylen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if ((k = scandir(path, &names, no_dot, alphasort)) < 0) {
		snprintf(why, whylen, "cannot list '%s': %s", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < k; i++) {
		if (count >= 0 &&
		    (size_t)snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name) < sizeof(file) &&
		    stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(n, file)) {
				count++;
			} else {
				snprintf(why, whylen, "cannot read '%s': %s", file, strerror(errno));
				count = -1;
			}
		}
		free(names[i]);
	}
	free(names);
	if (count == 0)
		snprintf(why, whylen, "no inputs in '%s'", path);
	return count;
}

int main(int argc, char **argv)
{
	static char *const fallback[] = { "tests/fuzz/corpus/" CG_FUZZ_TARGET, NULL };
	char *const *paths = argc > 1 ? argv + 1 : fallback;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_crashes();
	for (int i = 0; paths[i]; i++) {
		char why[PATH_MAX + 64];
		long count = replay(i + 1, paths[i], why, sizeof(why));

		if (count > 0) {
			printf("ok - %d %s: %ld input%s replayed\n", i + 1, LABEL, count,
			       count == 1 ? "" : "s");
		} else {
			printf("not ok - %d %s: %s\n", i + 1, LABEL, why);
			failed = 1;
		}
	}
	/* A leak check at exit is the sanitizer's: its report says which. */
	return failed;
}
