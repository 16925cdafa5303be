#ifndef CG_KEYS_H
#define CG_KEYS_H

#include <signal.h>
#include <stddef.h>
#include <termios.h>

#include "core/error.h"

/*
 * The guard's keyboard (--ask).  On a terminal, answers are read key by
 * key with the terminal in raw mode (no line editing, echo or signals of
 * its own; echoed here on standard error): a key among a question's
 * single-key choices answers it at once, without Enter; Backspace on an
 * empty answer, or '<' as its first key, goes back a field; Ctrl-C and
 * Ctrl-D are keys that ask to end the shift.  Anything else (a pipe, a
 * file) is read a line at a time: a line "<" goes back, end of input
 * ends.
 *
 * The terminal's settings are those of before whenever cg_keys_close has
 * run: it is called on every path out of cg_ask_run, and SIGTERM, SIGHUP
 * and SIGINT, caught while the keys are open, end the read in progress
 * (CG_KEY_EOF) instead of the process, so that it runs then too.  On a
 * terminal they are blocked except while waiting for a key (pselect), so
 * that one arriving just before the wait still ends it.
 */
enum cg_key_result {
	CG_KEY_ANSWER,		/* the answer typed, or the single key */
	CG_KEY_BACK,		/* back one field */
	CG_KEY_STOP,		/* Ctrl-C or Ctrl-D typed on the terminal */
	CG_KEY_EOF		/* end of input, a read error or a signal */
};

struct cg_keys {
	int fd;			/* standard input */
	int raw;		/* a terminal, put in raw mode */
	struct termios saved;	/* its settings before, restored at close */
	char *line;		/* the answer; owned */
	size_t len, alloc;
	struct sigaction old[3];	/* the handlers replaced at open */
	sigset_t mask;		/* the signal mask before, restored at close */
};

/* Take standard input for answers (raw mode on a terminal). */
void cg_keys_open(struct cg_keys *k);

/* Restore the terminal and the signal handlers, free the answer. */
void cg_keys_close(struct cg_keys *k);

/*
 * Read one answer into *answer (borrowed until the next call): a whole
 * line without its end, or one key of single (ASCII characters; may be
 * NULL) typed first on a terminal.
 */
enum cg_key_result cg_keys_read(struct cg_keys *k, const char *single,
				const char **answer);

#endif
