#ifndef CG_QUARANTINE_H
#define CG_QUARANTINE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "rules/casebook.h"
#include "core/clock.h"
#include "store/config.h"
#include "core/error.h"
#include "core/home.h"
#include "json/jsonl.h"
#include "store/loop.h"

/*
 * The rules of home observation (居家观察) over a casebook: what
 * cg-quarantine's subcommands accept, the events they journal, and what is
 * due, missed and releasable.  The event formats are those of casebook.h.
 *
 * Day counting: day 1 is the local date of "start"; the case ends at the end
 * of day "days", its "end" date (start + days - 1).  On date D a case is on
 * day D - start + 1; it is "ending today" when end == D, and its period is
 * over on D when end < D.
 *
 * Check windows (policy "check_windows", local [start, end) minutes of
 * every day): a check belongs to the window its local time falls in, or to
 * none (it still counts as a check of its day).  Window w of date d is
 * expected of a case when d lies from start to end and the window closes
 * after the case was opened (its open event's ts); it is done when a check
 * falls in it, and missed when it is expected, not done and closed: d is
 * before today, or d is today and the clock has reached its end.
 */

struct cg_quarantine;

/*
 * What a rule makes of one record, for the loop to write: the events to
 * journal, print and fold in, in their order; a record to print only (the
 * case an open finds already open); warnings about the record.
 */
struct cg_quarantine_result {
	json_t *events;		/* array of event objects; owned */
	json_t *shown;		/* an object, or NULL; owned */
	json_t *warnings;	/* array of strings; owned */
};

void cg_quarantine_result_init(struct cg_quarantine_result *res);
void cg_quarantine_result_release(struct cg_quarantine_result *res);

/*
 * A record rule: rec (borrowed) and the fold (q->cb, which it does not
 * change) in, *res (initialised by the caller) out.  Returns 0 when the
 * record is accepted, 1 when it is rejected (the reason in why; *res is
 * left empty).  Rules neither print nor journal: cg_quarantine_take does,
 * for the loop.
 */
typedef int cg_quarantine_fn(const struct cg_quarantine *q, const json_t *rec,
			     struct cg_quarantine_result *res, char *why, size_t whylen);

struct cg_quarantine {
	const struct cg_config *cfg;	/* borrowed */
	struct cg_casebook *cb;		/* borrowed; every event written is
					 * folded into it at once */
	cg_quarantine_fn *rule;		/* what cg_quarantine_take applies */
	cg_time_t now;
	int32_t today;			/* local day of now */
	int now_minute;			/* local minute of now */

	/* Defaults from the command line for records without their own. */
	const char *reason;		/* escalate, close: wins over the record's;
					 * open: for records without one */
	int days;			/* open, extend: the length; 0: none */
	int add_days;			/* extend: lengthen by; 0: none */
	int final_day_check;		/* release: the final day's windows */

	unsigned long existing, alerts;	/* cases found open, alerts written */
};

/* Set up for now; the policy's final-day switch is taken from cfg. */
void cg_quarantine_init(struct cg_quarantine *q, const struct cg_config *cfg,
			struct cg_casebook *cb, cg_time_t now);

/*
 * Serialise the commands that change cases: an exclusive lock on
 * journal/.quarantine.run.lock, so that what a run checks against stays
 * true until its events are journaled.  Waits (with a warning to n) while
 * another run holds it.  Returns the descriptor to close, or -1 with *err.
 */
int cg_quarantine_lock(const struct cg_home *h, const struct cg_notifier *n,
		       struct cg_err *err);

/*
 * The loop's fn (ctx is the struct cg_quarantine, with ->rule set; the
 * loop parses): apply the rule to the line's record, say its warnings
 * about the line, print what it shows, and journal, print and fold in its
 * events.
 */
int cg_quarantine_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		       char *why, size_t whylen, struct cg_err *err);

/* The rules of the subcommands that read records. */
cg_quarantine_fn cg_quarantine_open;
cg_quarantine_fn cg_quarantine_check;
cg_quarantine_fn cg_quarantine_escalate;
cg_quarantine_fn cg_quarantine_close;
cg_quarantine_fn cg_quarantine_extend;
cg_quarantine_fn cg_quarantine_need;

/*
 * Correct a check (quarantine-correct.c): void it, or amend it with
 * req->set (rules/correction.h), the amended reading decided again by the
 * check rule (with an alert and escalation when it raises one).  The
 * events are journaled and printed through lp and folded into q->cb.
 * The caller holds the run lock (cg_quarantine_lock).  0, or -1 with
 * *err: CG_EXIT_REJECTED when refused (a malformed, unknown or other
 * compound's rid, a record that is not a check, a check already voided
 * or amended, an amendment the rule rejects or that changes nothing).
 */
struct cg_correction_req;
int cg_quarantine_correct(struct cg_quarantine *q, const struct cg_home *h,
			  const struct cg_correction_req *req, struct cg_loop *lp,
			  struct cg_err *err);

/* ---- over every case ---- */

/* Print through lp the due record of every open or escalated case started
 * by day.  Returns how many were printed, or -1 with *err. */
long cg_quarantine_due(const struct cg_quarantine *q, int32_t day, struct cg_loop *lp,
		       struct cg_err *err);

/*
 * The release event of c on day (a new reference), when its period is
 * over and it meets the policy; with explain instead, the record that says
 * why it is not releasable.  NULL when there is nothing to say.
 */
json_t *cg_quarantine_release_event(const struct cg_quarantine *q, const struct cg_case *c,
				    int32_t day, int explain);

/*
 * Release every case cg_quarantine_release_event releases (journaled,
 * printed and folded in through lp); with explain, release nothing and
 * print the explanations.  Returns how many, or -1 with *err.
 */
long cg_quarantine_release(struct cg_quarantine *q, int32_t day, int explain,
			   struct cg_loop *lp, struct cg_err *err);

/*
 * cg_quarantine_due and cg_quarantine_release over the open and escalated
 * cases of the case index, each read into q->cb (initialised, nothing
 * loaded) as they come and forgotten after (cg_casebook_each_active):
 * the same records in the same order, in the memory of one case however
 * many there are.  The same returns.
 */
long cg_quarantine_due_each(struct cg_quarantine *q, const struct cg_home *h, int32_t day,
			    struct cg_loop *lp, struct cg_err *err);
long cg_quarantine_release_each(struct cg_quarantine *q, const struct cg_home *h,
				int32_t day, int explain, struct cg_loop *lp,
				struct cg_err *err);

/* The filters of list: status "open", "escalated", "released", "closed" or
 * "active" (open or escalated); NULL fields match everything. */
struct cg_quarantine_select {
	const char *status, *officer, *household;
};

/* Print through lp the case record of every case selected.  Count or -1. */
long cg_quarantine_list(const struct cg_quarantine *q, const struct cg_quarantine_select *sel,
			struct cg_loop *lp, struct cg_err *err);

/* The same, the cases read one at a time from the case index (see
 * cg_casebook_each; q->cb initialised, nothing loaded): memory does not
 * grow with the number of cases. */
long cg_quarantine_list_each(struct cg_quarantine *q, const struct cg_home *h,
			     const struct cg_quarantine_select *sel, struct cg_loop *lp,
			     struct cg_err *err);

/* ---- records (new references) ---- */

/* A case as list prints it. */
json_t *cg_quarantine_case_record(const struct cg_quarantine *q, const struct cg_case *c);

/* A case as show prints it: the case record with its "checks", "needs"
 * and "history" (from c->events, see cg_casebook_keep_events). */
json_t *cg_quarantine_show_record(const struct cg_quarantine *q, const struct cg_case *c);

/* What is due of c on day, or NULL when the case is not listed then. */
json_t *cg_quarantine_due_record(const struct cg_quarantine *q,
				 const struct cg_case *c, int32_t day);

/* The windows of day that c (whatever its status) was expected to be
 * checked in and was not, closed by q->now: the missed_windows of
 * cg_quarantine_due_record on that day, counted without building it. */
unsigned long cg_quarantine_missed_on(const struct cg_quarantine *q, const struct cg_case *c,
				      int32_t day);

/*
 * Why c cannot be released on day: a new array of reason codes, in this
 * order: "released" or "closed" (it has ended), "escalated",
 * "period_not_over" (end is not before day), "too_few_checks" (fewer than
 * release_checks_normal), "abnormal_check" (an alert among the last
 * release_checks_normal checks), "final_day_missed" (with
 * q->final_day_check: an expected window of the end date without a check,
 * or no check that day when there are no windows); empty when it can.
 */
json_t *cg_quarantine_release_reasons(const struct cg_quarantine *q,
				      const struct cg_case *c, int32_t day);

/* ---- check windows ---- */

/* The window (0-based) minute of the day falls in, or -1. */
int cg_quarantine_window_of(const struct cg_quarantine_policy *p, int minute);

/* "06:00-10:00" */
#define CG_WINDOW_LABEL_LEN 16
void cg_quarantine_window_label(const struct cg_quarantine_policy *p, int w,
				char out[CG_WINDOW_LABEL_LEN]);

/* The reasons close accepts: "transferred", "hospital", "moved_out",
 * "cancelled", "error"; and open: "risk_area_return", "close_contact",
 * "secondary_contact", "other".  1 when s is one. */
int cg_quarantine_close_reason_ok(const char *s);
int cg_quarantine_open_reason_ok(const char *s);

#endif
