/*
 * cg-sync push --follow: a push from the cursor, then another every
 * follow_interval_ms, until a signal halts it.  Each round is a whole
 * cg_sync_push() (outbox recovered first, cursor written at the end of
 * each stream), so what a kill or an outage does to a round is what it
 * does to a push; between rounds only the round's own state is dropped.
 */
#include <errno.h>
#include <time.h>

#include "core/exitcode.h"
#include "sync/sync-batch.h"

/* What one round leaves that the next must not see; the connection, the
 * sender thread and sync/NAME stay open. */
static void round_reset(struct cg_sync *s)
{
	json_decref(s->cursor);
	s->cursor = NULL;
	json_decref(s->before);
	s->before = NULL;
	cg_buf_reset(&s->body);	/* records read after a failed batch */
	s->nrec = 0;
	s->stop = 0;
	s->status = CG_EXIT_OK;
	s->sent = s->total = 0;
	s->from_start = 0;	/* --from-start is for the first round */
}

/*
 * Wait ms, or less when halted.  The signal that sets *halt interrupts
 * nanosleep(); one that comes between the test and the sleep is seen at
 * the next slice: a stop waits at most 200 ms.
 */
static void wait_round(const volatile sig_atomic_t *halt, long ms)
{
	while (ms > 0 && !*halt) {
		long slice = ms < 200 ? ms : 200;
		struct timespec ts = { slice / 1000, (slice % 1000) * 1000000L };

		if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
			return;
		ms -= slice;
	}
}

int cg_sync_follow(struct cg_sync *s, struct cg_err *err)
{
	while (!*s->halt) {
		if (cg_sync_push(s, err) < 0)
			return -1;
		if (cg_out_flush(s->out, err) < 0)
			return -1;
		round_reset(s);
		wait_round(s->halt, s->t->follow_ms);
	}
	return CG_EXIT_OK;
}
