#ifndef CG_FOLLOWUP_H
#define CG_FOLLOWUP_H

#include <stdint.h>

#include "core/clock.h"
#include "rules/casebook.h"
#include "rules/quarantine.h"
#include "store/config.h"

/*
 * Follow-up of home observation as the WHO measures and Go.Data count it:
 * the one definition that cg-quarantine due and stats and cg-report use.
 *
 * Days not seen on day D: D minus the day of the case's last check on or
 * before D, or of its opening when it has none (0: checked on D).  A case
 * is lost to follow-up on D when that reaches quarantine.lost_after_days
 * (3): with a check on day 1 and none after, it is lost on day 4 and
 * stops being lost at its next check.  Lost is a status, not a closure.
 *
 * On day D, of the cases under observation at its end (at q->now for
 * today): "followed" were checked in every check window expected of them
 * that day, "missed" missed one, "lost" as above.  Of the cases released
 * that day, "released_followed" were checked on every day from their start
 * to their release (or their end, when earlier).
 */

/* The days c has not been seen on day (see above). */
int cg_followup_days_not_seen(const struct cg_case *c, int32_t day);

/* 1 when c is lost to follow-up on day. */
int cg_followup_lost(const struct cg_quarantine_policy *p, const struct cg_case *c,
		     int32_t day);

/* The windows expected of c (taken as under observation) on day that
 * were missed by q->now. */
unsigned long cg_followup_missed_on(const struct cg_quarantine *q, const struct cg_case *c,
				    int32_t day);

/* Of a case that ended in release at released_at: 1 when it was checked on
 * every day from its start to its release (or its end, when earlier). */
int cg_followup_released_followed(const struct cg_case *c, cg_time_t released_at);

/* The figures of one day. */
struct cg_followup_day {
	int32_t day;
	unsigned long open, followed, missed, lost, released, released_followed;
};

/*
 * The figures of day over every case of q->cb, taking the cases as they
 * were at the end of day (or at now, when earlier): a case released or
 * closed later was under observation then.  now is the clock (it decides
 * which windows of today have closed).
 */
void cg_followup_tally(const struct cg_config *cfg, struct cg_casebook *cb, cg_time_t now,
		       int32_t day, struct cg_followup_day *f);

/*
 * The same for the days since..until (f[0] since, f[1] the day after, ...)
 * over every case of the journal, read one at a time from the case index
 * (cg_casebook_each; cb initialised, nothing loaded), so that memory
 * grows with the days, not the cases.  0 or -1 with *err.
 */
int cg_followup_tally_days(const struct cg_config *cfg, struct cg_casebook *cb,
			   const struct cg_home *h, cg_time_t now, int32_t since,
			   int32_t until, struct cg_followup_day *f, struct cg_err *err);

/* The figures as a record (a new reference): "date", the counts, and
 * "shares" of open (followed, missed, lost) and of released
 * (released_followed), null when there is nothing to share. */
json_t *cg_followup_record(const struct cg_followup_day *f);

#endif
