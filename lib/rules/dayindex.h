#ifndef CG_DAYINDEX_H
#define CG_DAYINDEX_H

#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "store/index.h"
#include "store/journal.h"

/*
 * What cg-checkin needs of the check-in journals at start, kept in the
 * index index/checkin.db instead of read again from the day's journal:
 *
 *   point    per day, how far its journal was verified (offset, seq and
 *            chain) and whether the readings of every line before are in
 *            "reading"
 *   reading  per person key, the last reading in journal order (days in
 *            order, then seq): its time, temperature and whether it was
 *            held for re-measuring (reason "remeasure")
 *
 * At start only what was appended since the day's point is verified and
 * folded (a day whose point no longer holds, or whose readings are
 * wanted but were not kept, is read from its start, as before); the
 * appending command moves the point and writes its readings after each
 * commit.  Damage before the point is found by cg-checkin --verify and
 * cg-report, which read whole days.
 */
struct cg_dayindex {
	struct cg_index ix;
	int open;
	int readings;		/* readings are wanted (remeasure_wait_min) */
	int track;		/* the decisions of this process are journaled */
	json_t *dirty;		/* key -> [at, temp, held] noted since the
				 * last commit; owned */
	int held;		/* a read transaction of cg_dayindex_hold */
};

/* 0, or -1 with *err (CG_EXIT_SYSTEM: the caller may read the days
 * instead). */
int cg_dayindex_open(struct cg_dayindex *d, const struct cg_home *h,
		     int readings, struct cg_err *err);
void cg_dayindex_close(struct cg_dayindex *d);

/*
 * Verify the day's journal from its point on and fold the readings of
 * what was appended; with readings, make sure the readings of the whole
 * day are in.  0, or -1 with *err (CG_EXIT_DAMAGED for a damaged journal).
 */
int cg_dayindex_catch_up(struct cg_dayindex *d, const char *day,
			 struct cg_err *err);

/* The last reading of key: 1 with its time, temperature and whether it
 * was held; 0 when there is none. */
int cg_dayindex_reading(struct cg_dayindex *d, const char *key, cg_time_t *at,
			double *temp, int *held);

/*
 * For a caller that holds the day's journal lock and has caught the day
 * up under it: keep one read transaction for the lookups that follow
 * (cg_dayindex_reading), until the next catch-up, commit or close,
 * instead of one per lookup (each began and ended a read of the
 * write-ahead log).  Nothing the lookups need can change meanwhile: no line is
 * appended to the day while the lock is held, and what others write to
 * the index was folded by the catch-up.  A failure to begin is no error:
 * the lookups then run alone.
 */
void cg_dayindex_hold(struct cg_dayindex *d);

/* A reading decided by this process, written at the next commit. */
void cg_dayindex_note(struct cg_dayindex *d, const char *key, cg_time_t at,
		      double temp, int held);

/*
 * After j committed (j->commit_from .. j->commit_to of j->day): move the
 * day's point when it stood where the commit started, and write the
 * readings noted.  0, or -1 with *err (the index is derived: a failure
 * costs the next start some reading, nothing else).
 */
int cg_dayindex_committed(struct cg_dayindex *d, const struct cg_journal *j,
			  struct cg_err *err);

#endif
