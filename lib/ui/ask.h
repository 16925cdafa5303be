#ifndef CG_ASK_H
#define CG_ASK_H

#include "rules/checkin.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/journal.h"

/*
 * Interactive guard mode (一问二测三登记): ask on standard error for one
 * gate event after another, read the answers from standard input (key by
 * key on a terminal, see ui/keys.h; a line at a time otherwise), decide,
 * journal at once (j may be NULL for a dry run) and show the decision in
 * colour.  The decision record goes to standard output when that is not a
 * terminal.  A pass shown fills in its holder from c's passbook; "m"
 * repeats the last person for a new temperature; one key goes back a
 * question.  Ctrl-C or Ctrl-D (end of input off a terminal) ends the shift,
 * after the guard finishes or discards the entry in progress, with a
 * summary by decision.  The terminal is as it was when this returns.
 * Returns CG_EXIT_OK, or -1 with *err on a system error.
 */
int cg_ask_run(struct cg_checkin *c, struct cg_journal *j,
	       const struct cg_clock *clock, const char *gate,
	       struct cg_err *err);

#endif
