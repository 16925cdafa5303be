#ifndef CG_DUTY_RULES_H
#define CG_DUTY_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "store/config.h"
#include "store/journal.h"
#include "store/loop.h"
#include "rules/casebook.h"

/*
 * The office's duty work (值班、消杀、物资、关爱), journal/duty.jsonl.
 * Every event has "ts", "compound" and "event":
 *
 *   on     "gate", "guard": the guard signs on at the gate
 *   off    "gate", "guard": and off again
 *   done   "task", "place", "by", "slot" (cg_duty_slot_of; absent when
 *          it falls in no slot) and free fields ("temp" for a staff
 *          temperature, "agent" for a disinfectant, ...): a task done
 *   alert  "task", "place", "by", "temp", "reason":"staff_fever",
 *          "severity":"alert": a staff temperature at or above the fever
 *          threshold (it follows its done event)
 *   stock  "item", "qty" (> 0), "unit", "op" ("receive" or "issue"),
 *          "to" (issues): supplies in and out
 *   care   "op" ("add", "update" or "remove"), "care_id", and for add and
 *          update the entry's fields ("name", "household", "phone",
 *          "contact", "contact_phone", "needs", "category", ...): the
 *          special-care ledger kept by records; add makes the entry
 *          anew, update changes the fields it names, remove drops it
 *   done with "task":"need", "place" (the household), "need_id", "need":
 *          a service request of a household under observation
 *          (cg-quarantine need) delivered; its need_done event is in
 *          journal/quarantine.jsonl, which is the truth about the need
 *
 * The plan is the "duty" section of config.json:
 *
 *   "roster": {"GATE": [["08:00","16:00"], ...]}   planned shifts per
 *             gate; an end at or before the start runs past midnight
 *   "tasks":  {"TASK": {"places": [...] | "per": "shift" | "per": "care" |
 *             "per": "observed", "times": N | "every_min": M,
 *             "hours": ["HH:MM","HH:MM"]}}
 *   "care":   {"ID": {"name", "household", "phone", "contact",
 *             "contact_phone", "needs": [...], "category"}}: the seed of
 *             the ledger, which care events change (cg_duty_ledger)
 *   "stock":  {"ITEM": {"unit": "...", "min": N}}
 *
 * Slots.  A task's day is cut into slots: "times" N splits its hours
 * (default the whole day) into N equal slots (the last takes what does
 * not divide), "every_min" M into slots of M minutes (the last may be
 * shorter); "per":"shift" has a slot per roster shift of the gate that
 * is its place.  Hours whose end is at or before their start run past
 * midnight; such a slot belongs to the day it starts.  A slot is done when
 * a done event of the task and place falls in it, missed when it has
 * ended without one, due while it runs without one.  "per":"care" makes
 * the places the care ledger's ids (default one call a day).
 * "per":"observed" makes them the households under observation
 * (cg_duty_observed): a household's slot counts (is due, done or missed)
 * when the household was under observation at some time in it.
 */

#define CG_DUTY_NAME_MAX 64
#define CG_DUTY_MAX_SHIFTS 12

/* A span of minutes of a day; end > 1440 runs into the next day. */
struct cg_duty_span {
	int start, end;
};

struct cg_duty_task {
	char name[CG_DUTY_NAME_MAX];
	const json_t *places;		/* array of strings, borrowed; NULL:
					 * per shift, care id or household
					 * under observation */
	int per_shift, per_care, per_observed;
	struct cg_duty_span hours;
	int times, every_min;		/* one of them set */
};

struct cg_duty_plan {
	const json_t *roster;		/* gate -> shifts; borrowed */
	const json_t *care;		/* id -> entry; borrowed */
	const json_t *stock;		/* item -> {"unit","min"}; borrowed */
	struct cg_duty_task *tasks;	/* owned */
	size_t ntasks;
};

/*
 * Read and check the "duty" section of cfg.  0, or -1 with *err naming
 * the key (CG_EXIT_SYSTEM, as for every configuration error).
 */
int cg_duty_plan_load(struct cg_duty_plan *p, const struct cg_config *cfg,
		      struct cg_err *err);
void cg_duty_plan_release(struct cg_duty_plan *p);

/* The shifts of a gate in the roster: how many (up to max) into out. */
int cg_duty_plan_shifts(const struct cg_duty_plan *p, const char *gate,
			struct cg_duty_span *out, int max);

/* The task named, or NULL. */
const struct cg_duty_task *cg_duty_plan_task(const struct cg_duty_plan *p,
					     const char *name);

/* ---- the fold of journal/duty.jsonl ---- */

/* A guard's time at a gate: from on to off (-1 while on). */
struct cg_duty_stint {
	char *gate, *guard;		/* owned */
	cg_time_t on, off;
};

/* A task done, as due needs it. */
struct cg_duty_done {
	uint32_t task;			/* index into book->task_names */
	uint32_t place;			/* index into book->place_names */
	cg_time_t at;
};

struct cg_duty_move {
	uint32_t item;			/* index into book->item_names */
	int issue;
	double qty;
	cg_time_t at;
};

struct cg_dutybook {
	struct cg_duty_stint *stints;
	size_t nstints, astints;
	struct cg_duty_done *done;
	size_t ndone, adone;
	struct cg_duty_move *moves;
	size_t nmoves, amoves;
	json_t *task_names, *place_names, *item_names;	/* name -> index */
	json_t *item_units;		/* item -> the unit last used */
	json_t *care;			/* care_id -> {"entry": the fields care
					 * events gave, "whole": true after an
					 * add}, or null once removed */
	unsigned long alerts;		/* alert events read */
	/* cg_dutybook_load: the journal's place folded to, the lines read
	 * past the snapshot (or all of them), whether a snapshot was used. */
	struct cg_journal_pos pos;
	unsigned long tail;
	int from_snap;
};

void cg_dutybook_init(struct cg_dutybook *b);
void cg_dutybook_release(struct cg_dutybook *b);
/* Fold one event (borrowed) in.  0, or -1 with *err. */
int cg_dutybook_apply(struct cg_dutybook *b, const json_t *ev, struct cg_err *err);
/* Fold the whole journal (duty-snap.c): the snapshot index/duty.snap
 * when the journal still holds its place, and the lines after it.  0, or
 * -1 with *err. */
int cg_dutybook_load(struct cg_dutybook *b, const struct cg_home *h, struct cg_err *err);
/* Write index/duty.snap of b, which is the fold up to pos.  Only under the
 * run lock (cg_duty_lock).  0, or -1 with *err. */
int cg_dutybook_save(const struct cg_dutybook *b, const struct cg_home *h,
		     const struct cg_journal_pos *pos, struct cg_err *err);
/* Whether the ledger (the plan's seed changed by care events) has id. */
int cg_duty_care_has(const struct cg_duty_plan *p, const struct cg_dutybook *b, const char *id);
/* The ledger: care_id -> entry, the seed's in its order, then those added
 * by records.  A new reference. */
json_t *cg_duty_ledger(const struct cg_duty_plan *p, const struct cg_dutybook *b);
/* The stint of guard open at some gate, or NULL. */
struct cg_duty_stint *cg_dutybook_on(const struct cg_dutybook *b, const char *guard);

/* ---- service requests of households under observation (duty-needs.c) ---- */

/*
 * The open needs (cg-quarantine need) of the open and escalated cases, as
 * the duty side sees and delivers them.  The cases are read when first
 * wanted (cg_duty_needs_load); with journaling, under the quarantine run
 * lock (taken then, after cg-duty's own, held to the release) and with
 * journal/quarantine.jsonl open for the need_done events.
 */
struct cg_duty_needs {
	const struct cg_home *home;	/* borrowed */
	struct cg_casebook cases;
	struct cg_journal journal;	/* quarantine; with journaling */
	json_t *pending;		/* the need_done event the rule made; owned */
	int journaling, loaded, lockfd;
};

void cg_duty_needs_init(struct cg_duty_needs *n, const struct cg_home *h, int journaling);
/* Read the cases (once).  0, or -1 with *err. */
int cg_duty_needs_load(struct cg_duty_needs *n, struct cg_err *err);
void cg_duty_needs_release(struct cg_duty_needs *n);
/* Journal (with journaling) and fold in the need_done event the last
 * delivery made, before its done event is emitted.  0, or -1 with *err. */
int cg_duty_needs_commit(struct cg_duty_needs *n, struct cg_err *err);

/* ---- households under observation (duty-observed.c) ---- */

/*
 * A household is under observation from the open event of a case of its
 * (its "ts") until the case is released or closed ("released_at",
 * "closed_at"), for as long as it stays open or escalated.  A case
 * without household stands for a household of its own, named by its
 * case id.  One span per case, sorted by household and start.
 */
struct cg_duty_watch {
	char *household;		/* owned */
	cg_time_t from, until;		/* until CG_TIME_MAX while open */
};

struct cg_duty_observed {
	struct cg_duty_watch *v;	/* owned */
	size_t n;
};

void cg_duty_observed_init(struct cg_duty_observed *o);
void cg_duty_observed_release(struct cg_duty_observed *o);
/* Whether a task of the plan is "per":"observed". */
int cg_duty_plan_observes(const struct cg_duty_plan *p);
/* The spans of the cases of cb (borrowed; any fold whose ended cases
 * carry when they ended).  0, or -1 with *err. */
int cg_duty_observed_build(struct cg_duty_observed *o, const struct cg_casebook *cb,
			   struct cg_err *err);
/* The spans of the cases that were open on local day day or after, read
 * from the case index (cg_casebook_load_since).  0, or -1 with *err. */
int cg_duty_observed_load(struct cg_duty_observed *o, const struct cg_home *h, int32_t day,
			  struct cg_err *err);
/* Whether household was under observation at some time in [from, to);
 * o NULL: never. */
int cg_duty_observed_during(const struct cg_duty_observed *o, const char *household,
			    cg_time_t from, cg_time_t to);
/* The households under observation at some time in [from, to), sorted,
 * each once: a new array of strings. */
json_t *cg_duty_observed_households(const struct cg_duty_observed *o, cg_time_t from,
				    cg_time_t to);

/* ---- the rules ---- */

struct cg_dutywork;
typedef int cg_duty_fn(struct cg_dutywork *w, const json_t *rec, json_t *events,
		       char *why, size_t whylen);

struct cg_dutywork {
	const struct cg_config *cfg;	/* borrowed */
	const struct cg_duty_plan *plan;	/* borrowed */
	struct cg_dutybook *book;	/* borrowed; events are folded in */
	cg_duty_fn *rule;
	cg_time_t now;
	int text;			/* due: aligned text for a person */
	struct cg_duty_needs *needs;	/* borrowed; NULL: no needs seen */
	/* borrowed; NULL: nobody under observation (tasks "per":"observed"
	 * have no places) */
	const struct cg_duty_observed *observed;
	unsigned long alerts;		/* alerts written */
};

/*
 * Serialise the runs that write: journal/.duty.run.lock, as
 * cg_quarantine_lock does.  The descriptor to close, or -1 with *err.
 */
int cg_duty_lock(const struct cg_home *h, const struct cg_notifier *n, struct cg_err *err);

/* The loop's fn (ctx: the struct cg_dutywork with ->rule set). */
int cg_duty_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		 char *why, size_t whylen, struct cg_err *err);

/* The rules: append the events of rec to events; 0, or 1 rejected. */
cg_duty_fn cg_duty_on;
cg_duty_fn cg_duty_off;
cg_duty_fn cg_duty_done_rule;
cg_duty_fn cg_duty_stock_rule;
cg_duty_fn cg_duty_care_rule;		/* duty-care.c */

/*
 * done with "need_id" (w->needs loaded): the need delivered, at at.  The
 * done event goes to events, the need_done event the quarantine rule
 * makes of it to w->needs->pending.  0, or 1 rejected (unknown need, done
 * already, a "task" or "place" with it).
 */
int cg_duty_need_rule(struct cg_dutywork *w, const json_t *rec, cg_time_t at,
		      json_t *events, char *why, size_t whylen);

/*
 * Sign guard on (on set) or off at gate at time at, as cg-duty on and
 * off do, for cg-checkin --ask --guard: under the run lock, journaled and
 * durable on return.  Nothing is journaled when the guard is on at that
 * gate already (on), or not on there (off); *done says whether something
 * was.  0, or -1 with *err (CG_EXIT_USAGE when the rule refuses: the
 * guard is on at another gate).
 */
int cg_duty_sign(const struct cg_home *h, const struct cg_config *cfg, const char *guard,
		 const char *gate, int on, cg_time_t at, int *done, struct cg_err *err);

/* ---- what is due (duty-due.c) ---- */

/*
 * Print through lp what is due and missed: for day (or, when day is -1,
 * yesterday and today), one record per shift that had minutes with
 * nobody on, and one per task and place with a slot due or missed, with
 * counts; then, when the days looked at include today and w->needs is
 * set, the open needs (cg_duty_needs_due).  The number printed, or -1
 * with *err.
 */
long cg_duty_due(const struct cg_dutywork *w, int32_t day, struct cg_loop *lp,
		 struct cg_err *err);

/*
 * Print through lp one record per open need (n loaded): "date" (today),
 * "task":"need", "place" (the household), "need_id", "need", "case_id",
 * "asked" (its ts), "open_min", "status" ("due" on the day it was asked,
 * "missed" once that day has ended) and "severity" ("notice",
 * "warning").  The number printed, or -1 with *err.
 */
long cg_duty_needs_due(const struct cg_dutywork *w, struct cg_loop *lp, struct cg_err *err);

/*
 * Every task and place of day, due or not, as due's records with "care"
 * (the task is per care entry): for the report.  Count, or -1 with *err.
 */
long cg_duty_slots(const struct cg_dutywork *w, int32_t day, struct cg_loop *lp,
		   struct cg_err *err);

/*
 * The slot of task t at place that at falls in, as "YYYY-MM-DD HH:MM-HH:MM"
 * (the local day it begins and its span), into out: 0, or -1 when at is
 * in none.  done records it as "slot", so that a day's slots done can be
 * counted upstream (share/clickhouse/report/duty_tasks.sql).
 * cg_duty_slot_span gives the same slot as the instants [*from, *to).
 */
#define CG_DUTY_SLOT_LEN 32
int cg_duty_slot_span(const struct cg_dutywork *w, const struct cg_duty_task *t,
		      const char *place, cg_time_t at, cg_time_t *from, cg_time_t *to);
int cg_duty_slot_of(const struct cg_dutywork *w, const struct cg_duty_task *t,
		    const char *place, cg_time_t at, char *out, size_t outlen);

/*
 * Minutes of [from, to) in which some guard was on at gate, up to now.
 */
long cg_duty_covered_min(const struct cg_dutybook *b, const char *gate,
			 cg_time_t from, cg_time_t to, cg_time_t now);

/* ---- supplies (duty-stock.c) ---- */

/*
 * Print through lp one record per item: level, issued over the 7 days
 * before now's day, per day, days remaining at that rate, and whether it
 * is under its minimum ("severity":"warning").  Count, or -1 with *err.
 * Items under their minimum are counted in *low.
 */
long cg_duty_stock_levels(const struct cg_dutywork *w, struct cg_loop *lp,
			  unsigned long *low, struct cg_err *err);

/* ---- list and the care ledger (duty-list.c) ---- */

/* The filters of list; NULL (day -1) matches everything.  guard matches
 * "guard" or "by", place "place" or "gate". */
struct cg_duty_select {
	const char *task, *place, *guard;
	int32_t day;
};

/*
 * Print through lp the journal's events that sel selects: as they are
 * (JSON lines), or with text as aligned lines for a person, names
 * masked.  The count, or -1 with *err.
 */
long cg_duty_list(const struct cg_home *h, const struct cg_duty_select *sel, int text,
		  struct cg_loop *lp, struct cg_err *err);

/*
 * Print through lp one record per entry of the care ledger
 * (cg_duty_ledger): the entry,
 * "care_id", "last_call" (of the task "per":"care"), "called_today",
 * "missed_7d" (days of the 7 before today without a call; "severity"
 * "warning" when any).  With text, aligned lines with name, phones and
 * contact masked.  Entries with a missed day are counted in *missed.
 * The count, or -1 with *err.
 */
long cg_duty_care(const struct cg_dutywork *w, int text, struct cg_loop *lp,
		  unsigned long *missed, struct cg_err *err);

/*
 * For the loop's show (ctx: the struct cg_dutywork): the care events of
 * lines (journal lines, JSON) as aligned lines for a person, name, phones
 * and contact masked.  0, or -1 with *err.
 */
int cg_duty_care_show(void *ctx, struct cg_loop *lp, const char *lines, size_t len,
		      struct cg_err *err);

/* A record of due (borrowed) as an aligned line for a person. */
int cg_duty_due_text(struct cg_loop *lp, const json_t *rec, struct cg_err *err);

/* The label a person reads for a code of cg-duty ("on", "missed", ...),
 * translated; the code itself when it has none. */
const char *cg_duty_label(const char *code);

#endif
