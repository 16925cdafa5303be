#ifndef CG_ERROR_H
#define CG_ERROR_H

#include <stdarg.h>

/*
 * Library functions never print.  They return -1 and fill a struct cg_err
 * with a message and the exit status main should pick; main prints it.
 */
/* Longest message a struct cg_err holds; a copy of one needs this room. */
#define CG_ERR_MSG_MAX 1024

struct cg_err {
	int status;		/* an enum cg_exit value */
	char msg[CG_ERR_MSG_MAX];
};

#define CG_ERR_INIT { 0, "" }

/* Fill *err (when not NULL) and return -1, so callers write
 * "return cg_err_set(err, CG_EXIT_SYSTEM, ...)". */
int cg_err_set(struct cg_err *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As cg_err_set, appending ": strerror(errnum)". */
int cg_err_errno(struct cg_err *err, int status, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The program name used as the prefix of every message; main sets it once
 * from a string literal before anything else.
 */
void cg_set_progname(const char *name);
const char *cg_progname(void);

/* "cg-NAME: message" on stderr, then exit(status). */
void cg_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* "cg-NAME: message" on stderr; returns -1. */
int cg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* With quiet set (by main, from -q) warnings are not shown. */
void cg_set_quiet(int quiet);

/* "cg-NAME: warning: message" on stderr. */
void cg_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print err->msg with the program prefix and exit with err->status; when
 * the status is CG_EXIT_PIPE (the reader of standard output went away),
 * exit 0 without a word, as a filter in a pipeline should.
 */
void cg_die_err(const struct cg_err *err) __attribute__((noreturn));

/*
 * What a library function has to say besides its result, handed to its
 * caller instead of printed: a rejected line, a warning, a retry, a trace
 * line, a progress line.  main passes cg_notify_stderr, the one place that
 * prints them; a test passes a function of its own; a NULL fn says
 * nothing.
 */
enum cg_msg_kind {
	CG_MSG_ERROR,		/* "PROG: msg" */
	CG_MSG_WARNING,		/* "PROG: warning: msg", not under -q */
	CG_MSG_TRACE,		/* msg as it is, its newline included: what
				 * -v asked for */
	CG_MSG_PROGRESS		/* msg on a line that the next one replaces;
				 * "" clears it */
};

struct cg_notifier {
	void (*fn)(void *ctx, enum cg_msg_kind kind, const char *msg);
	void *ctx;
};

/* Format a message and hand it to n (n or n->fn may be NULL). */
void cg_notify(const struct cg_notifier *n, enum cg_msg_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* main's notifier function: prints each kind as its comment above says. */
void cg_notify_stderr(void *ctx, enum cg_msg_kind kind, const char *msg);

#define CG_NOTIFIER_STDERR ((struct cg_notifier){ cg_notify_stderr, NULL })

#endif
