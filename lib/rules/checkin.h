#ifndef CG_CHECKIN_H
#define CG_CHECKIN_H

#include <stddef.h>
#include <jansson.h>

#include "rules/casebook.h"
#include "rules/dayindex.h"
#include "core/clock.h"
#include "rules/exitquota.h"
#include "store/config.h"
#include "rules/pass.h"
#include "rules/passbook.h"

/*
 * The gate rules (一问二测三登记): a gate event in, a decision out.
 *
 * The decision record is the event's fields with "ts" (from the clock when
 * absent) and "compound" first, then "decision" ("admit", "deny" or
 * "refer") and "reasons" (codes in enum cg_reason order, empty when
 * admitted), and "visit_until" for an admitted visitor.  The most severe
 * reason decides: deny over refer over admit.  An exit refused by the
 * household quota carries "next_exit", when the household may go out again.
 */
struct cg_checkin {
	const struct cg_config *cfg;		/* borrowed */
	const struct cg_passbook *passes;	/* borrowed */
	const struct cg_casebook *cases;	/* borrowed */
	json_t *first_high;	/* person key -> time of a high reading awaiting
				 * its re-measurement; owned */
	const struct cg_pass_ctx *pass;	/* checks signed tokens too; may be NULL */
	struct cg_exit_ledger exits;	/* the households' recent exits */
	/* Readings of earlier runs, looked up when first_high does not know
	 * the person; may be NULL (then cg_checkin_note feeds first_high). */
	struct cg_dayindex *days;
	/* Shared by every record: */
	json_t *absent;		/* the head's value for a member not given */
	json_t *compound;	/* the compound's code */
	json_t *verdicts[3];	/* "admit", "refer", "deny" */
	struct cg_day_memo local_days;	/* for the times a record carries */
};

void cg_checkin_init(struct cg_checkin *c, const struct cg_config *cfg,
		     const struct cg_passbook *passes,
		     const struct cg_casebook *cases);
void cg_checkin_release(struct cg_checkin *c);

/*
 * Decide one event (borrowed, not modified).  Returns the decision record
 * (a new reference), or NULL with a reason in why when the event is not a
 * valid gate record (wrong types, unknown dir/kind/gate, bad ID number...).
 */
json_t *cg_checkin_decide(struct cg_checkin *c, const json_t *ev, cg_time_t now,
			  char *why, size_t whylen);

/*
 * The same without copying the event: cg_checkin_record_head gives a new
 * object to parse a line into (cg_jsonl_parse_into: ts and compound come
 * first in every decision), and cg_checkin_decide_record makes the record
 * so parsed (borrowed, changed) the decision, returned as a new
 * reference; on NULL it holds part of one and is only fit to be dropped.
 */
json_t *cg_checkin_record_head(struct cg_checkin *c);
json_t *cg_checkin_decide_record(struct cg_checkin *c, json_t *rec, cg_time_t now,
				 char *why, size_t whylen);

/*
 * Learn from a decision already in the journal (borrowed), so that a
 * re-measurement in a new run follows a high reading of an earlier one,
 * and the exit quota counts the exits of earlier runs.  Every decision
 * is noted so; with ->days, also for the day index.
 */
void cg_checkin_note(struct cg_checkin *c, const json_t *decided);

/* Learn only the exits of a journaled decision (borrowed), for the exit
 * quota. */
void cg_checkin_note_exit(struct cg_checkin *c, const json_t *decided);

/* How far back (seconds before now) the journaled decisions reach that
 * cg_checkin_note must be given. */
cg_time_t cg_checkin_reach(const struct cg_checkin *c);

#endif
