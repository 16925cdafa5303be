#ifndef CG_CASEBOOK_H
#define CG_CASEBOOK_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"

/*
 * Home-observation cases (居家观察) as the fold of journal/quarantine.jsonl.
 * Every event has "ts", "compound", "event" and "case_id":
 *
 *   open      person fields (name, id_no, phone, household), "reason",
 *             "from", "start", "days", "end", "officer", "status":"open";
 *             the case is "open"
 *   check     "temp", "symptoms", "by", "day", "window", "result" ("ok" or
 *             "alert")
 *   escalate  "reason"; the case becomes "escalated"
 *   alert     the person, "temp", "symptoms", "reasons": what a check in
 *             alert raised (for mail); changes nothing
 *   release   the person, "class":"returnee", "released_at"; the case
 *             becomes "released"
 *   close     "reason"; the case becomes "closed"
 *   extend    "days", "end": the new length and end
 *   need      "need_id", "need"      (a service request)
 *   need_done "need_id"
 *   void      "voids": the rid (store/rid.h) of a check, which no longer
 *             counts; "correction_of", "correction_reason",
 *             "corrected_by", "corrected_at" (rules/correction.h)
 *
 * A check with "amends" (a rid) replaces that check: the corrected
 * reading, with the original's ts.  So the checks of a case are those
 * neither voided nor amended, and everything computed from them (alerts,
 * due and missed windows, release) follows the corrections.
 *
 * "start" and "end" are local dates (YYYY-MM-DD): day 1 is the start date,
 * day "days" is the end date, and the case's period is over at the end of
 * the end date.  Case ids are "Q" YYMMDD "-" NNN, the date of the open
 * event and a running number of that date (cg_casebook_next_id).  Need ids
 * are the case id, "-N" and a running number of the case.
 *
 * A person is under observation while a case of theirs is open or
 * escalated.  Released and closed cases stay ended.
 */

enum cg_case_status {
	CG_CASE_OPEN,
	CG_CASE_ESCALATED,
	CG_CASE_RELEASED,
	CG_CASE_CLOSED
};

/* "open", "escalated", "released", "closed". */
const char *cg_case_status_name(enum cg_case_status s);

/* A check as the fold keeps it: what due and release need, no JSON. */
struct cg_case_check {
	cg_time_t at;
	uint64_t seq;		/* its journal line; 0 before it is journaled */
	int32_t day;		/* local calendar day (days since 1970-01-01) */
	int16_t minute;		/* local minute of that day, 0-1439 */
	unsigned char alert;	/* "result":"alert" */
};

#define CG_CASE_NO_DAY INT32_MIN

struct cg_case {
	const char *id;		/* borrowed from rec */
	json_t *rec;		/* the case (see cg_casebook.cases); borrowed */
	enum cg_case_status status;
	int32_t start_day, end_day;	/* CG_CASE_NO_DAY when unknown */
	cg_time_t opened_at;		/* ts of the open event, 0 unknown */
	int32_t opened_day;
	int16_t opened_minute;
	struct cg_case_check *checks;	/* in time order; owned */
	size_t nchecks, alloc;
	size_t nalerts;
	/* Service requests: {"need_id","need","ts",...,"done":bool,
	 * "done_at"} in the order asked; owned. */
	json_t *needs;
	size_t needs_open;
	/* With cg_casebook_keep_events: the case's events as read (new
	 * references), else NULL. */
	json_t *events;
	/* The seq of its open event (CG_CASE_ORD_NEW and up for a case
	 * opened by this run, whose events have no seq yet): which case of
	 * a person's is the newest, in a book of cg_casebook_open_lookup. */
	uint64_t ord;
};

#define CG_CASE_ORD_NEW ((uint64_t)1 << 62)

struct cg_index;

struct cg_casebook {
	json_t *cases;	/* case_id -> the open event (without seq, chain) plus
			 * "status", the current "end" and "days", and
			 * "escalated_at", "escalate_reason", "released_at",
			 * "closed_at", "close_reason" once they happen */
	json_t *active;	/* person key, or "norm:" and the normalised name,
			 * -> ids of open/escalated cases, oldest first */
	json_t *latest;	/* person key -> id of the person's latest case */
	json_t *index;	/* case_id -> position in list */
	json_t *serials;	/* "QYYMMDD" -> highest number used */
	json_t *keep;	/* case ids whose events are kept, or NULL */
	struct cg_case **list;	/* every case in the order opened; owned */
	size_t ncases, alloc;
	uint64_t seq;		/* the journal lines folded by load/refresh */
	struct cg_index *ix;	/* owned; set by cg_casebook_open_index */
	int ix_rows;		/* ix held a case when opened or refreshed */
	json_t *cache;		/* case_id -> record read from ix; owned */
	struct cg_day_memo days;	/* the local days of checks */
	/* Set by a reader that finds cases by id only (cg-report): the
	 * person keys (active, latest) are not kept, a fifth of the memory
	 * of 10k cases. */
	int ids_only;
	/* A book of cg_casebook_open_lookup: cases are read from ix as
	 * they are asked for. */
	int lookup;
	json_t *ix_serials;	/* "QYYMMDD" -> highest number in ix; owned */
};

void cg_casebook_init(struct cg_casebook *cb);
void cg_casebook_release(struct cg_casebook *cb);

int cg_casebook_load(struct cg_casebook *cb, const struct cg_home *h,
		     struct cg_err *err);

/*
 * For the gate (cg-checkin, cg-pass): instead of folding the journal, open
 * the case index (index/quarantine.db, see store/index.h), brought up to
 * the journal, and answer cg_casebook_active, cg_casebook_active_for and
 * cg_casebook_released_for from it with indexed lookups; cg_casebook_refresh
 * folds what was appended since into the index.  Such a book holds no
 * cases in memory: the other lookups find nothing and cg_casebook_apply is
 * not for it.  When the index cannot be opened, the journal is folded as
 * cg_casebook_load does; when there is no case journal at all, nothing is
 * opened and the book is empty (cg_casebook_refresh reads a journal that
 * appears later).  0 or -1 with *err.
 */
int cg_casebook_open_index(struct cg_casebook *cb, const struct cg_home *h,
			   struct cg_err *err);

/*
 * For cg-quarantine's subcommands that touch a few cases (open, check,
 * escalate, close, extend, need, void, amend, show): open the case index
 * (brought up to the journal) and hold no case at first.
 * cg_casebook_find reads the case asked for from the index into the book,
 * as cg_casebook_load would hold it (record, checks, needs);
 * cg_casebook_active, cg_casebook_active_for, cg_casebook_latest_for and
 * cg_casebook_next_id answer from the index and the cases held, the book
 * winning for a case it holds (what cg_casebook_apply folded in since).
 * Memory grows with the cases touched, not with the journal.  The other
 * lookups (cg_casebook_active_sharing, _any_active, _released_for) are
 * not for such a book.  cg_casebook_refresh folds what was appended
 * since into the index (a writer does so under its lock, after its
 * commit).  When the index cannot be opened, the journal is folded as
 * cg_casebook_load does.  0 or -1 with *err.
 */
int cg_casebook_open_lookup(struct cg_casebook *cb, const struct cg_home *h,
			    struct cg_err *err);

/*
 * In a book of cg_casebook_open_lookup: read case id with its events
 * (cg_case.events, as cg_casebook_keep_events keeps them) from the
 * journal lines the index points at, instead of the whole journal.
 * Nothing happens when the book has no index (the fold kept the events)
 * or no such case.  0, or -1 with *err (CG_EXIT_DAMAGED when a line is
 * not where the index says).
 */
int cg_casebook_read_case(struct cg_casebook *cb, const struct cg_home *h,
			  const char *id, struct cg_err *err);

/*
 * In a book of cg_casebook_open_lookup: the journal line of seq (a new
 * reference in *rec), found by bisecting the journal as far as the index
 * has verified it (its lines are in seq order) instead of reading it from
 * the start.  1, 0 when there is none, -1 with *err, or -2 when cb is no
 * such book (read the journal).
 */
int cg_casebook_read_seq(struct cg_casebook *cb, const struct cg_home *h, uint64_t seq,
			 json_t **rec, struct cg_err *err);

/*
 * For cg-quarantine due and release: the open and escalated cases with
 * their checks and needs, read from the case index (brought up to the
 * journal first) instead of folding the whole journal.  The book then
 * holds those cases only, in memory, as cg_casebook_load would hold them
 * but for their records, which keep the person, "officer", "ts", "start",
 * "end" and "status" only;
 * released and closed cases are not in it, and nothing finds a case by
 * person (cg_casebook_add), so it is only for what goes through the
 * active cases.  When the index cannot be opened, the journal is
 * folded as cg_casebook_load does.  0 or -1 with *err.
 */
int cg_casebook_load_active(struct cg_casebook *cb, const struct cg_home *h,
			    struct cg_err *err);

/*
 * For cg-duty due: as cg_casebook_load_active, and besides the open and
 * escalated cases those released or closed on local day day or after
 * (and some of the day before), their records with "released_at" or
 * "closed_at": who was under observation on the days from day on.  When
 * the index cannot be opened, the journal is folded as cg_casebook_load
 * does.  0 or -1 with *err.
 */
int cg_casebook_load_since(struct cg_casebook *cb, const struct cg_home *h,
			   int32_t day, struct cg_err *err);

/*
 * The same cases as cg_casebook_load_active, in the same order, handed to
 * fn one at a time as they are read from the case index: cb (initialised,
 * nothing loaded) holds that case alone while fn runs (fn may fold events
 * of it in with cg_casebook_apply), and forgets it after, so that memory
 * does not grow with the number of cases.  When the index cannot be
 * opened, the journal is folded as cg_casebook_load does and fn is called
 * for every case of the book.  0, or -1 with *err (fn's failure stops the
 * reading).
 */
typedef int cg_case_fn(void *ctx, struct cg_case *c, struct cg_err *err);
int cg_casebook_each_active(struct cg_casebook *cb, const struct cg_home *h,
			    cg_case_fn *fn, void *ctx, struct cg_err *err);

/* The same for every case, whatever its status, in the order opened,
 * with its whole record (cg-quarantine list and stats). */
int cg_casebook_each(struct cg_casebook *cb, const struct cg_home *h,
		     cg_case_fn *fn, void *ctx, struct cg_err *err);

/* For cg_casebook_each_active: drop every case of cb (not the journal
 * position, nor what finds cases by person, which such a book never
 * holds). */
void cg_casebook_forget(struct cg_casebook *cb);

/*
 * What escalate, release, close and extend do to a case's record rec (in
 * status st): the fields they note there ("escalated_at", ...); returns
 * the status they lead to.  Ended cases stay ended.  Other events change
 * nothing.
 */
enum cg_case_status cg_case_event(json_t *rec, enum cg_case_status st,
				  const char *event, const json_t *ev);

/* Whether the person (borrowed) has a case that ended in release. */
int cg_casebook_released_for(const struct cg_casebook *cb, const json_t *person);

/*
 * Fold the journal lines appended since the last load or refresh: another
 * process may have journaled since (cg-pass reading the output of
 * "cg-quarantine release" loads before the releases are written).  Only for
 * a casebook whose events all come from the journal, not from
 * cg_casebook_apply.  0 or -1 with *err.
 */
int cg_casebook_refresh(struct cg_casebook *cb, const struct cg_home *h,
			struct cg_err *err);

/* Fold one event (borrowed).  Unknown event types are ignored. */
int cg_casebook_apply(struct cg_casebook *cb, const json_t *ev,
		      struct cg_err *err);

/* Keep the events of case id (in ->events) when they are folded; call
 * before loading. */
void cg_casebook_keep_events(struct cg_casebook *cb, const char *id);

/*
 * For the case index (caseindex.c): a case as the index keeps it, rec
 * (stolen) being its record as in cb->cases ("status" and what events
 * noted included) or the part of it that due and release read, added to cb with status st as the fold would have left
 * it, with needs (stolen; NULL: none) as the fold keeps them.  Its checks
 * are added with cg_case_add_check.  What finds a case by person
 * (cg_casebook_active..., cg_casebook_latest_for) and the serials of case
 * ids are not kept for such a case.  The case, or NULL (no case id, one
 * already there, out of memory).
 */
struct cg_case *cg_casebook_add(struct cg_casebook *cb, json_t *rec,
				enum cg_case_status st, json_t *needs);

/* For the case index: what finds c (a case of cb read by
 * cg_casebook_open_lookup's book, ord set) by person, as for a case the
 * fold opened: the newest case of a person wins, by ord. */
void cg_casebook_hold(struct cg_casebook *cb, struct cg_case *c);

/* Add a check to c (a case of cb) in time order; 0, or -1 out of memory. */
int cg_case_add_check(struct cg_casebook *cb, struct cg_case *c, cg_time_t at,
		      int alert, uint64_t seq);

/*
 * The service requests of a case as the fold keeps them (cg_case.needs):
 * add what a "need" event (borrowed) asks, mark what a "need_done" event
 * finishes.  Each returns 1 when needs changed, else 0.
 */
int cg_case_needs_add(json_t *needs, const json_t *ev);
int cg_case_needs_done(json_t *needs, const json_t *ev);

/* The check of c journaled at seq, or NULL (voided, amended, never). */
const struct cg_case_check *cg_case_check_at(const struct cg_case *c, uint64_t seq);

/* Drop the check of c journaled at seq, as a void does: 1 when it was
 * there, 0 when not. */
int cg_case_drop_check(struct cg_case *c, uint64_t seq);

/* The seq a correction event (borrowed) takes away ("voids" or "amends"
 * of a quarantine rid), else 0. */
uint64_t cg_casebook_corrected_seq(const json_t *ev);

/* The case with that id, or NULL.  Borrowed. */
struct cg_case *cg_casebook_find(const struct cg_casebook *cb, const char *id);

/* The need with that id (borrowed) and its case in *c, or NULL. */
json_t *cg_casebook_find_need(const struct cg_casebook *cb, const char *need_id,
			      struct cg_case **c);

/* The open or escalated case of the person with that key, or NULL.
 * Borrowed. */
const json_t *cg_casebook_active(const struct cg_casebook *cb, const char *key);

/* The same, trying every identity key of person (borrowed); a case whose
 * person differs (another ID number under the same phone) is no match. */
const json_t *cg_casebook_active_for(const struct cg_casebook *cb,
				     const json_t *person);

/*
 * The open or escalated cases that share an identifier with person
 * (borrowed, fields normalised): the same id_no, the same phone, or the
 * same name once both are normalised (cg_person_name_normalise), whatever
 * else differs.  The first max of them, in the order they were opened,
 * are stored in out (case records as in cb->cases, borrowed); returns how
 * many there are, at most CG_CASES_SHARING_MAX.  What a match means is
 * the caller's (cg_person_match).
 */
#define CG_CASES_SHARING_MAX 32
size_t cg_casebook_active_sharing(const struct cg_casebook *cb, const json_t *person,
				  const json_t **out, size_t max);

/* 1 when any case is open or escalated, else 0. */
int cg_casebook_any_active(const struct cg_casebook *cb);

/* The person's latest case whatever its status, or NULL.  Borrowed. */
struct cg_case *cg_casebook_latest_for(const struct cg_casebook *cb,
				       const json_t *person);

#define CG_CASE_ID_LEN 32

/*
 * Read a journal line of a check as cg-quarantine writes it without
 * building JSON (see casebook.c): 0 with the case id, time and result
 * (*alert 1 for "alert"), or -1 when the line has another shape.
 */
int cg_casebook_quick_check(const char *line, size_t len, char id[CG_CASE_ID_LEN],
			    cg_time_t *at, int *alert);

/* The id the next case opened on local date "YYYY-MM-DD" gets:
 * "Q260125-001", "Q260125-002", ... (four digits past 999). */
void cg_casebook_next_id(const struct cg_casebook *cb, const char *date,
			 char out[CG_CASE_ID_LEN]);

#endif
