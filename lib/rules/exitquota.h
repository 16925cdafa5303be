#ifndef CG_EXITQUOTA_H
#define CG_EXITQUOTA_H

#include <jansson.h>

#include "core/clock.h"
#include "store/config.h"

/*
 * The household exit quota some 2020 notices imposed ("每户每两天可指派
 * 一名家庭成员外出采购"): at most policy.exit_quota.persons exits per
 * household in any window of exit_quota.days days (a rolling window of
 * days x 24 hours, so that the next allowed time is exact), each person
 * back within exit_quota.hours.  Off while persons is 0, the default.
 *
 * An exit is an admitted "out" of a resident or tenant that names its
 * household.  The ledger learns them from decisions, new or already
 * journaled, in any order; an exit noted twice (the same household and
 * second) counts once.
 */
struct cg_exit_ledger {
	json_t *by_household;	/* household -> array of exit times, ascending;
				 * owned */
};

void cg_exit_ledger_init(struct cg_exit_ledger *l);
void cg_exit_ledger_release(struct cg_exit_ledger *l);

/* 1 when the quota applies to a person of this kind going out. */
int cg_exit_quota_applies(const struct cg_policy *p, const char *kind, int in);

/* Learn from a decision record (borrowed); anything but a counted exit is
 * ignored. */
void cg_exit_ledger_note(struct cg_exit_ledger *l, const struct cg_policy *p,
			 const json_t *decided);

/*
 * Would one more exit of the household at `at` exceed the quota?  1 with
 * the time from which the next exit is allowed in *next, else 0.
 */
int cg_exit_quota_full(const struct cg_exit_ledger *l, const struct cg_policy *p,
		       const char *household, cg_time_t at, cg_time_t *next);

/* The seconds before `now` whose exits the quota looks at (0 when off). */
cg_time_t cg_exit_quota_reach(const struct cg_policy *p);

#endif
