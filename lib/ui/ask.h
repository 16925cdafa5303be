#ifndef CG_ASK_H
#define CG_ASK_H

#include "rules/checkin.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/journal.h"

/*
 * Interactive guard mode (一问二测三登记): prompt on standard error for one
 * gate event after another, read answers from standard input, decide,
 * journal at once (j may be NULL for a dry run) and show the decision in
 * colour.  The decision record goes to standard output when that is not a
 * terminal.  End of input (Ctrl-D) ends the loop.  Returns CG_EXIT_OK, or
 * -1 with *err on a system error.
 */
int cg_ask_run(struct cg_checkin *c, struct cg_journal *j,
	       const struct cg_clock *clock, const char *gate,
	       struct cg_err *err);

#endif
