#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/cmd.h"
#include "core/i18n.h"
#include "core/options.h"
#include "core/error.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "core/options.h"

#ifndef CG_VERSION
#define CG_VERSION "unknown"
#endif

void cg_cmd_setup(const char *progname)
{
	int fd;

	cg_set_progname(progname);
	/* Make sure 0, 1 and 2 are open before anything else is. */
	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2)
		fcntl(fd, F_SETFD, 0);
	if (fd > 2)
		close(fd);
	cg_i18n_init();
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	/* Pass tokens, the sync's jitter and journal keys use libsodium,
	 * some of it from threads: initialise it once, before any. */
	if (sodium_init() < 0)
		cg_die(CG_EXIT_SYSTEM, "%s", _("cannot initialise libsodium"));
}

void cg_usage_hint(void)
{
	fprintf(stderr, _("Try '%s --help' for more information.\n"), cg_progname());
	exit(CG_EXIT_USAGE);
}

void cg_print_version(void)
{
	printf("%s (cg) %s\n", cg_progname(), CG_VERSION);
	cg_exit_closing_stdout();
}

int cg_common_option(int c, const char *arg, struct cg_common_opts *o)
{
	switch (c) {
	case CG_OPT_HOME: o->home = arg; return 1;
	case CG_OPT_LINE_BUFFERED: o->line_buffered = 1; return 1;
	case CG_OPT_NOW: o->now = arg; return 1;
	case CG_OPT_REJECTS: o->rejects = arg; return 1;
	case CG_OPT_STRICT: o->strict = 1; return 1;
	case CG_OPT_INPUT_FORMAT:
		if (!strcmp(arg, "json") || !strcmp(arg, "jsonl"))
			o->input_format = CG_INPUT_JSON;
		else if (!strcmp(arg, "csv"))
			o->input_format = CG_INPUT_CSV;
		else
			cg_usage_error(_("unknown input format '%s' (json, csv)"), arg);
		return 1;
	case 'q': o->quiet = 1; return 1;
	case 'v': o->verbose = 1; return 1;
	case 'V': cg_print_version();
	default: return 0;
	}
}

const char *cg_format_name(const char *s)
{
	return !strcmp(s, "txt") ? "text" : !strcmp(s, "markdown") ? "md" : s;
}

int cg_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024ULL * 1024 * 1024; end++; break;
	}
	if (*end || v == 0 || v > (unsigned long long)SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}
