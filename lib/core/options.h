#ifndef CG_OPTIONS_H
#define CG_OPTIONS_H

#include "core/cmd.h"

/*
 * One description per option (issue 11).  A command describes its options,
 * and its subcommands with theirs, in static tables; from them come the
 * getopt_long tables, --help (the whole, and per subcommand), and, through
 * the hidden --dump-options and scripts/gen-docs, the OPTIONS and SYNOPSIS
 * of the man page and the bash, zsh and fish completions.
 *
 * The options every command shares (--home, --now, -q, -v, -V, -h and, for
 * commands that read records, --line-buffered, --rejects, --strict) are
 * described once, in options.c; a command picks them with CG_COMMON_* and
 * may give one of them its own help or man text by listing an entry of the
 * same name (and id 0) in its table.
 */
struct cg_option {
	const char *name;	/* long name, without "--" */
	int letter;		/* short option, or 0 */
	int id;			/* what cg_parse_next returns: the letter, else >= 256 */
	const char *arg;	/* argument name ("FILE"), NULL: takes none */
	const char *help;	/* N_(): one line for --help; "\n" goes on below */
	/*
	 * What completes the argument, and what a test may give it: "file",
	 * "dir", "time", "date" (YYYY-MM-DD), "day" (today, yesterday or a
	 * date), "journal-day" (a day with a check-in journal), "number",
	 * "seconds", "size", "text", "url", "gate", "class", "household",
	 * "pass", "case", "target", or "choice:a b c".
	 */
	const char *complete;
	const char *operands;	/* what the operands become once given ("journal-day", "none") */
	const char *subs;	/* command-level option: the subcommands that take it
				   ("open check"), NULL: all */
	const char *man;	/* mdoc of its man page item; NULL: the help */
};

#define CG_OPTION_END { NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/* Which of the shared options a command or a subcommand takes. */
enum {
	CG_COMMON_BASIC = 1,		/* --home --now -q -v -h -V */
	CG_COMMON_LINE_BUFFERED = 2,	/* --line-buffered */
	CG_COMMON_INPUT = 4,		/* --rejects --strict */
	CG_COMMON_RECORD = 7
};

struct cg_subcommand {
	const char *name;
	/* The usage lines, untranslated, each starting with the program
	 * name; a line starting with a space goes on from the one before. */
	const char *usage;
	const char *help;	/* N_(): what it does, one line ("\n" goes on) */
	const struct cg_option *options;	/* its own, CG_OPTION_END last */
	unsigned common;	/* the shared options it takes */
	const char *operands;	/* what its operands are: "file", "case", "choice:..." */
};

struct cg_command {
	const char *name;
	const char *usage;	/* as a subcommand's; NULL with subcommands */
	const char *summary;	/* N_(): the paragraph under the usage */
	const struct cg_option *options;	/* of every subcommand (but .subs) */
	const struct cg_subcommand *subs;	/* NULL, or ended by a NULL name */
	unsigned common;	/* the shared options of the command */
	const char *operands;	/* without subcommands: what operands are */
	const char *footer;	/* N_(): exit status and examples */
};

struct cg_parse {
	const struct cg_command *cmd;
	const struct cg_subcommand *sub;	/* the subcommand named, or NULL */
	struct cg_common_opts *common;
	int argc;
	char **argv;
	char **operands;	/* after cg_parse_end: the operands after the subcommand */
	int noperands;
	struct option *longopts;
	const struct cg_option **described;	/* longopts[i] comes from described[i] */
	size_t nlong;
	char shortopts[64];
	const char *sub_word;	/* the word that should name the subcommand */
};

/*
 * Get ready to parse argv for cmd: the shared options go to *common.  With
 * subcommands, the first operand names one; options may come before or
 * after it.
 */
void cg_parse_init(struct cg_parse *p, const struct cg_command *cmd,
		   int argc, char **argv, struct cg_common_opts *common);

/*
 * The id of the next option, its argument (or NULL) in *arg; -1 at the
 * end.  The shared options, --help, --version and --dump-options are dealt
 * with here; an unknown option, or one the subcommand does not take, is a
 * usage error.
 */
int cg_parse_next(struct cg_parse *p, const char **arg);

/*
 * After the last option: the subcommand (a usage error when missing or
 * unknown) and the operands.
 */
void cg_parse_end(struct cg_parse *p);

/* "cg-NAME: message", the hint, exit 2. */
void cg_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * The output format of a listing command, in its one spelling: --format's
 * arg (NULL: not given) when it is one of allowed (names apart by single
 * spaces: "text json html"), "txt" being "text"; with no --format, text
 * when standard output is a terminal, else JSON lines as for a pipe.
 * Another name is a usage error that lists the allowed ones.
 */
const char *cg_format_pick(const char *arg, const char *allowed);

/*
 * --help: of the whole command (sub NULL) or of one subcommand, on
 * standard output; exits 0, or 3 when it cannot be written.
 */
void cg_help_print(const struct cg_command *cmd, const struct cg_subcommand *sub)
	__attribute__((noreturn));

/* --dump-options: the description as JSON lines, for scripts/gen-docs. */
void cg_options_dump(const struct cg_command *cmd) __attribute__((noreturn));

/* Flush and close standard output and exit 0; 3 with a message when it
 * cannot be written (quietly 0 when the reader has gone: EPIPE). */
void cg_exit_closing_stdout(void) __attribute__((noreturn));

#endif
