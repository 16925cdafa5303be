#ifndef CG_SYNC_LOCK_H
#define CG_SYNC_LOCK_H

#include "core/error.h"
#include "core/home.h"

/*
 * One run at a time per upstream target: a push (or a retry or drop of
 * dead letters) holds an exclusive flock() of sync/NAME/lock for as long as
 * it works on the target's cursor, outbox and dead letters.  An hourly cron
 * job that outlasts its hour then waits for the last one, or gives up,
 * instead of sending the same records under other Idempotency-Keys.
 */

/*
 * Take the lock of target name (a valid target name), creating sync/NAME
 * as needed.  When another process holds it, wait up to wait seconds (0:
 * not at all), saying so once to n (may be NULL).  Returns the locked
 * descriptor, which the caller keeps open as long as it works on the
 * target and then closes; or -1 with *err: CG_EXIT_BUSY when the lock was
 * still held after the wait, CG_EXIT_SYSTEM for anything else.
 */
int cg_sync_lock_target(const struct cg_home *h, const char *name, double wait,
			const struct cg_notifier *n, struct cg_err *err);

#endif
