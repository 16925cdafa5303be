#ifndef CG_CMD_H
#define CG_CMD_H

#include <getopt.h>

/*
 * What every command's main does first: program name for messages, locale
 * and message catalog, umask 077 so every file created is private, SIGPIPE
 * ignored (EPIPE is handled at the write), descriptors 0-2 open so a file
 * opened later never lands on one of them, and libsodium initialised (it
 * exits 3 when libsodium cannot be).
 */
void cg_cmd_setup(const char *progname);

/* "Try 'PROG --help' for more information." on stderr, then exit 2. */
void cg_usage_hint(void) __attribute__((noreturn));

/* Print "PROG (cg) VERSION" on stdout and exit 0. */
void cg_print_version(void) __attribute__((noreturn));

/*
 * Whether a command frees its folds (passes, cases) before it exits.
 * Handing a large fold back to malloc piece by piece costs a quarter of a
 * big verify; the kernel takes it all back at once.  Sanitizer builds
 * free, so that leak checks still see every allocation.
 */
#ifdef CG_LEAK_CHECKS
#define CG_FREE_AT_EXIT 1
#else
#define CG_FREE_AT_EXIT 0
#endif

/*
 * The options the commands share, parsed in one place so that they mean
 * the same everywhere.  Their ids; lib/core/options.c describes them, and
 * cg_parse_next hands them to cg_common_option.
 */
enum {
	CG_OPT_HOME = 0x1000,
	CG_OPT_LINE_BUFFERED,
	CG_OPT_NOW,
	CG_OPT_REJECTS,
	CG_OPT_STRICT,
	CG_OPT_INPUT_FORMAT
};

/* --input-format: records as JSON lines or CSV, or by the file's name
 * (CSV for a file whose name ends in ".csv"). */
enum cg_input_format {
	CG_INPUT_AUTO,
	CG_INPUT_JSON,
	CG_INPUT_CSV
};

struct cg_common_opts {
	const char *home;	/* --home; NULL: $CG_HOME, then the default */
	const char *now;	/* --now; NULL: the clock */
	const char *rejects;	/* --rejects FILE */
	enum cg_input_format input_format;	/* --input-format */
	int line_buffered, quiet, strict, verbose;
};

/*
 * Take option c (its argument arg) into o: 1 when it is a common option,
 * 0 when not.  -V prints the version and exits.
 */
int cg_common_option(int c, const char *arg, struct cg_common_opts *o);

/*
 * The one spelling of an output format name (--format): "text" is also
 * accepted as "txt", "md" as "markdown"; every other name is returned as
 * it is.
 */
const char *cg_format_name(const char *s);

/* Parse a size with an optional k/M/G suffix; 0 or -1. */
int cg_parse_size(const char *s, size_t *out);

#endif
