#ifndef CG_RUNLOCK_H
#define CG_RUNLOCK_H

#include "core/error.h"
#include "core/home.h"

/*
 * Serialise the runs of a command that decide against a journal and then
 * append to it: an exclusive lock on journal/.NAME.run.lock, so that what
 * a run checks against stays true until its events are journaled.  Waits
 * while another run holds it, telling n once with waiting (translated).
 * Returns the descriptor to close to release it, or -1 with *err.
 */
int cg_run_lock(const struct cg_home *h, const char *name, const char *waiting,
		const struct cg_notifier *n, struct cg_err *err);

#endif
