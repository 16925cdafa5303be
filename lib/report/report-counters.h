#ifndef CG_REPORT_COUNTERS_H
#define CG_REPORT_COUNTERS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "json/scan.h"
#include "rules/casebook.h"
#include "rules/passbook.h"
#include "rules/validate.h"
#include "store/config.h"
#include "report/report.h"

/*
 * The counters of a report being made, and what the files of lib/report
 * that fill and finish them share.  Internal to lib/report: commands and
 * tests use report.h.
 */

/* ---- the fields a report reads ---- */

enum {
	K_TS, K_COMPOUND, K_GATE, K_DIR, K_KIND, K_DECISION, K_REASONS, K_TEMP,
	K_VISIT_UNTIL, K_NAME, K_ID_NO, K_PHONE, K_HOUSEHOLD, K_HOST, K_PLATE,
	K_EVENT, K_PASS, K_REGISTERED_AT,
	K_CORRECTED_AT,		/* only to tell a correction by its scan */
	K_CHAIN,		/* only so that a journal line's is not scanned */
	K_COUNT
};

extern const char *const cg_report_kinds[];
#define NKINDS 6
#define KIND_VISITOR 2

extern const char *const cg_report_decisions[];
enum { D_ADMIT, D_DENY, D_REFER };

/*
 * Slots of the memo of valid person fields (a power of two), one value
 * each, direct-mapped.  The bench's day of a million check-ins holds
 * some 110k distinct IDs, phones and households: at 65536 slots (4 MiB)
 * they collided so often that values seen before were validated again;
 * 131072 (8 MiB) took 4% off the report's CPU time, 262144 nothing more.
 */
#define CG_REPORT_KNOWN 131072

/* A field as either path saw it; strings are their decoded bytes. */
struct field {
	enum cg_scan_type type;
	const char *p;
	size_t len;
};

/* A check-in line, from the scanner or from Jansson: the same either way. */
struct view {
	union {
		struct field f[K_COUNT];
		struct cg_scan_val vals[K_COUNT];	/* the scanner fills f as
							 * these (the same layout) */
	};
	double temp;		/* when f[K_TEMP] is a number */
	size_t nreasons;
	struct field reasons[CG_REPORT_MAX_REASONS];
	int too_many_reasons;
	int fast;		/* from the scanner: its times may be read
				 * fast (the slow view is what the fast
				 * one is tested against) */
};

/* ---- checking a check-in ---- */

struct checkin {
	cg_time_t at;
	int32_t day;
	int sec;
	size_t gate_len;
	int in, kind, decision;
	unsigned reasons;
	int has_temp;
	double temp;
	int has_until;
	cg_time_t until;
	int has_registered;
	cg_time_t registered;	/* registered_at: journaled after its day */
	const struct field *name, *plate, *pass;
	const struct field *compound;	/* NULL when not a string */
	/* The strings last: a record is checked by zeroing what comes
	 * before them and emptying them (zeroing all, a million times, was
	 * a measurable part of a report). */
	char gate[CG_REPORT_GATE_LEN];
	char id_no[CG_ID_NO_LEN], phone[CG_PHONE_LEN];
	char household[CG_HOUSEHOLD_LEN], host[CG_HOUSEHOLD_LEN];
};

/* ---- local time, cached per quarter hour ---- */

struct ltcache {
	int64_t slot;
	int32_t day;
	int32_t base;
	int valid;
};

/* ---- gates ---- */

#define DAY_MINUTES 1500	/* 25 hours: the longest local day */

/* When a gate saw events on one day: per minute since local midnight,
 * the first and last second (0xFF: none). */
struct daymap {
	int32_t day;
	cg_time_t start;
	unsigned char first[DAY_MINUTES], last[DAY_MINUTES];
};

struct gate {
	char name[CG_REPORT_GATE_LEN];
	size_t len;
	unsigned long in, out, dec[3];
	unsigned long reasons[CG_R_COUNT];
	unsigned long hours_in[24], hours_out[24];
	cg_time_t first, last;
	int any;
	struct daymap **days;
	size_t ndays, alloc;
	size_t last_day;	/* index of the day used last */
	int32_t max_day;	/* the latest of days, when ndays */
	/* filled at the end */
	long longest;		/* minutes, -1 when no duty time was looked at */
	unsigned long unguarded;	/* check-ins with no guard signed on (cg-duty) */
	cg_time_t gap_from, gap_to;
};

/* ---- visitors ---- */

/*
 * An admitted visitor with a visit_until, until an exit is matched.  A
 * visitor is found again by any of its identity keys (ID number, phone,
 * name with the household visited, as the gate's person matcher has
 * them, the pass shown, and the name alone for an exit that has nothing
 * else), hashed.  Visits whose exit came
 * in time are dropped at the next sweep; so are, as overstays, those whose
 * visit ended more than a day before the latest record read, which keeps
 * the table at about a day's visitors however long the input.
 */
#define VISIT_KEYS 5	/* ID number, phone, name@host, pass, name alone */

struct visit {
	uint64_t key[VISIT_KEYS];
	int nkeys;
	uint64_t id;		/* hash of the ID number, 0 none */
	cg_time_t at, until, out_at;
	int state;		/* 0 inside, 1 left in time, 2 left late */
	int gate;
	char name[40], phone[CG_PHONE_LEN], id_no[CG_ID_NO_LEN], host[27];
};

/* An admitted exit of a resident or tenant under the exit quota, until
 * the person is back (report-exits.c). */
struct exit_out {
	uint64_t key[VISIT_KEYS];
	int nkeys;
	uint64_t id;
	cg_time_t at, back;	/* back 0: not back */
	char gate[CG_REPORT_GATE_LEN];
	char name[40], phone[CG_PHONE_LEN], id_no[CG_ID_NO_LEN];
	char household[CG_HOUSEHOLD_LEN];
};

/*
 * What the report needs of every pass: whether it is active at the end of
 * the period, and of what class.  Some 40 bytes a pass, where the issue
 * event as a JSON object took some 3 KB (100k passes were 294 MB).
 */
struct cg_report_pass {
	cg_time_t from, until;
	uint32_t id;		/* offset of the normal id in ids */
	uint16_t cls;		/* index in classes */
	uint8_t revoked;
};

struct cg_report_passes {
	struct cg_report_pass *list;	/* in the order first issued */
	size_t n, alloc;
	uint32_t *slot;		/* open addressing: index + 1, 0 empty */
	size_t nslots;
	char *ids;		/* the normal ids, NUL-terminated */
	size_t ids_len, ids_alloc;
	json_t *classes;	/* array of class names */
};

/* A run of records of one day, when the records give the period
 * (report-span.c): how many, and where the first came from. */
struct dayspan {
	int32_t day;
	uint32_t name;		/* index in span_names */
	unsigned long n, seq, line;
};

/* The period taken from the records: at most this many days after its
 * first (the ten years --since allows), with no more than
 * CG_REPORT_SPAN_GAP days in a row without a record. */
#define CG_REPORT_SPAN_MAX 3660
#define CG_REPORT_SPAN_GAP 366

struct cg_report {
	struct cg_report_opts o;
	const struct cg_config *cfg;
	struct cg_scan_keys keys;
	struct cg_scan_order order;	/* the key order of the lines read */
	size_t code_len;		/* of cfg->compound_code */
	char ts_day[10];	/* the date of the last time read fast */
	cg_time_t ts_day_start;	/* its 00:00:00Z */
	struct ltcache lt;
	int fixed;		/* the period was given */
	int32_t since, until;	/* when fixed, else the records' range */
	struct dayspan *days;	/* when not fixed: the records' days */
	size_t ndays, adays;
	unsigned long span_seq;
	json_t *span_names;	/* the inputs' names */
	/* Where the line being read comes from (cg_report_where). */
	const char *where_name;	/* borrowed, for the line only */
	unsigned long where_line;
	int32_t journal_day;	/* its check-in journal's day, or NO_DAY */
	char journal_day_text[CG_DATE_LEN];
	unsigned long strays;	/* records of ts_outside_period */
	json_t *stray_list;
	cg_time_t period_start, period_end;	/* when fixed */
	cg_time_t watermark;	/* latest check-in time read */

	unsigned long events, in, out, dec[3];
	unsigned long reasons[CG_R_COUNT];
	unsigned long kinds[NKINDS];
	unsigned long unknown, outside, rejected, foreign;
	unsigned long checkins, pass_events, case_events;
	char foreign_code[64];

	struct gate *gates[CG_REPORT_MAX_GATES];
	size_t ngates, last_gate;
	size_t daymaps;		/* minute maps of all gates */

	unsigned long temps[CG_TEMP_BINS], temps_below, temps_above, measured;

	json_t *fevers, *denials, *overstays;
	/* One definition of a fever (cg-report(1)): readings at or above
	 * the threshold, persons with such a reading (once a day each, so
	 * that days add up), and decisions with the fever reason. */
	unsigned long fever_readings, fever_persons, fever_decisions;
	uint64_t *fever_set;	/* day and person key hashed, 0 empty */
	size_t fever_set_size, fever_set_n;
	json_t *fever_alerts;	/* a fever_at_gate alert per person */
	unsigned long fevers_n, denials_n;
	unsigned long omit_fevers, omit_denials, omit_overstays;

	unsigned long visitors_in, visitors_refused, visitors_out;
	unsigned long overstay_n;
	unsigned long inside_n;	/* admitted, no exit recorded */
	json_t *inside;		/* those, at most CG_REPORT_LIST_MAX */
	struct visit *visits;
	size_t nvisits, avisits, sweep_at;
	uint64_t *map_key;
	uint32_t *map_val;
	size_t map_size;

	/* The exit quota's exits (report-exits.c), until settled. */
	struct exit_out *exits;
	size_t nexits, aexits;
	json_t *exit_overdue;	/* settled late, at most CG_REPORT_LIST_MAX */
	unsigned long exit_overdue_n;

	/* Records registered after their day ended (late_registration). */
	json_t *late;		/* the first CG_REPORT_LATE_MAX */
	unsigned long late_n;

	struct cg_casebook cases;
	struct cg_report_passes passes;
	unsigned long opened, escalated, released, closed, extended;
	unsigned long checks, alerts, needs, needs_done;
	json_t *alert_cases, *escalated_cases;	/* what those alerts are about */
	json_t *issued;		/* class -> count in the period */
	unsigned long revoked;

	json_t *journals, *warnings;
	/* The duty journal's fold (report-duty.c), NULL until a duty event. */
	struct cg_dutybook *duty;
	unsigned long duty_events;

	/* Corrections of check-ins (report-corrections.c): listed; with
	 * corrections_applied the reader applies them and correction lines
	 * are not listed again as they are read. */
	json_t *corrections;
	unsigned long omit_corrections;
	int corrections_applied;

	/* Person fields found valid (the same people come again and again):
	 * the field, the value as read and its normal form. */
	struct known {
		unsigned char field, len, nlen;
		char raw[29];
		char norm[32];
	} *known;		/* CG_REPORT_KNOWN, each on a cache line of its own */
	void *known_mem;	/* the mapping known is in; owned */
	size_t known_size;	/* its size */
};

/* The days a report covers, and how far into them it looks. */
struct period {
	int32_t since, until;	/* local days */
	cg_time_t start;	/* the start of since */
	cg_time_t cutoff;	/* the end of until, or now when that is earlier */
};

/*
 * What each file does for the others.  A json_t * returned is a new
 * reference; none of these steals an argument.
 */

/* ---- report-checkin.c: a check-in line read and checked ---- */

/* The fields above, for the fast scanner. */
void cg_report_keys_init(struct cg_scan_keys *keys);
/* f's bytes in buf as a C string, cut at size - 1 bytes on a UTF-8
 * boundary; and the same, shortened and made printable, for a message. */
char *cg_report_copy_str(const struct field *f, char *buf, size_t size);
const char *cg_report_shown(const struct field *f, char *buf, size_t size);
/* why = fmt with a; returns 1, a rejected line. */
int cg_report_bad(char *why, size_t whylen, const char *fmt, const char *a);
/* The view of a scanned line: vals may be v->vals (no copy). */
void cg_report_fast_view(struct view *v, const struct cg_scan_val *vals);
void cg_report_slow_view(struct view *v, const json_t *rec);
/* 0 with c filled, or 1 with why when the check-in is not one cg-checkin
 * would write. */
int cg_report_check_checkin(struct cg_report *r, const struct view *v, struct checkin *c,
			    char *why, size_t whylen);

/* ---- report-time.c: local time ---- */

/* Local day of t and seconds since local midnight, through the cache. */
void cg_report_local_of(struct ltcache *c, cg_time_t t, int32_t *day, int *sec);
cg_time_t cg_report_day_start(int32_t day);
/* Local time of minute (0-1440) of day. */
cg_time_t cg_report_local_at(int32_t day, int minute);

/* ---- report.c: what pass and case events share ---- */

/* rec[key] as a non-empty string, else 1 with why. */
int cg_report_string_of(const json_t *rec, const char *key, const char **out,
			char *why, size_t whylen);
/* rec's "ts" and its local day, else 1 with why. */
int cg_report_event_time(struct cg_report *r, const json_t *rec, cg_time_t *at,
			 int32_t *day, char *why, size_t whylen);
/* -1 after the period (ignored), 0 before it (state only), 1 in it. */
int cg_report_event_place(struct cg_report *r, int32_t day);

/* ---- report-gates.c: traffic at the gates ---- */

/* A gate (named by len bytes of name) added; NULL past the maximum. */
struct gate *cg_report_gate_new(struct cg_report *r, const char *name, size_t len);
/* A check-in in the totals and its gate's counts; -1 with *err when
 * there are too many gates or gate-days. */
int cg_report_count_traffic(struct cg_report *r, const struct checkin *c, int32_t day,
			    int sec, struct cg_err *err);
/* The gates section, and the hours section in *hours; adds the
 * gate_unattended warnings to r->warnings. */
json_t *cg_report_gates_section(struct cg_report *r, const struct period *p, json_t **hours);

/* ---- report-gaps.c: duty coverage ---- */

/* g's longest gap within duty hours, and gate_unattended warnings in warn. */
void cg_report_duty_gaps(struct cg_report *r, struct gate *g, int32_t since,
			 int32_t until, cg_time_t cutoff, json_t *warn);

/* ---- report-fevers.c: temperatures, fevers and denials ---- */

/* -1 when out of memory. */
int cg_report_count_fevers(struct cg_report *r, const struct checkin *c, int32_t day);
json_t *cg_report_temperatures_section(struct cg_report *r);
/* The fever section: threshold, readings, persons, decisions. */
json_t *cg_report_fever_section(struct cg_report *r);

/* ---- report-visitors.c: visits and overstays ---- */

/* The identity keys of c, hashed, strongest first: ID number, phone,
 * name at the household (host for a visitor), the pass shown, and last,
 * when c has a name, the name alone (a weak key).  The hash of the ID
 * number in *id (0 none).  Returns how many. */
int cg_report_person_keys(const struct checkin *c, uint64_t key[VISIT_KEYS], uint64_t *id);
/* A visitor's check-in at r->gates[gate]; -1 when out of memory. */
int cg_report_count_visitor(struct cg_report *r, const struct checkin *c, int gate);
/* The visitors section; call once, at the end: it settles every visit
 * still open against cutoff. */
json_t *cg_report_visitors_section(struct cg_report *r, cg_time_t cutoff);

/* ---- report-exits.c: the household exit quota's returns ---- */

/* A resident's or tenant's check-in, with the exit quota on: an exit
 * noted (one of before the period too, carried in by the reader), or a
 * return matched; -1 when out of memory. */
int cg_report_count_exit(struct cg_report *r, const struct checkin *c);
/* The exit_overdue warnings of the exits whose time to be back falls in
 * the period (p), in r->exit_overdue; call once, at the end. */
void cg_report_exits_settle(struct cg_report *r, const struct period *p);

/* ---- report-late.c: late registrations ---- */

#define CG_REPORT_LATE_MAX 100

/* A check-in of day (in the period): listed when it was registered after
 * its day ended plus policy.late_grace_min. */
void cg_report_count_late(struct cg_report *r, const struct checkin *c, int32_t day);
/* The same for a case event (borrowed) of day. */
void cg_report_case_late(struct cg_report *r, const json_t *rec, int32_t day);
/* The late_registration warning, in r->warnings; once, at the end. */
void cg_report_late_warning(struct cg_report *r);

/* ---- report-passes.c: passes ---- */

/* The passes' fold, freed here. */
void cg_report_passes_release(struct cg_report_passes *p);

/* As cg_report_line: 0 taken, 1 rejected (why), -1 error (*err). */
int cg_report_pass_event(struct cg_report *r, const json_t *rec, const char *event,
			 char *why, size_t whylen, struct cg_err *err);
json_t *cg_report_passes_section(struct cg_report *r, cg_time_t cutoff);

/* ---- report-cases.c: home observation ---- */

/* As cg_report_line: 0 taken, 1 rejected (why), -1 error (*err). */
int cg_report_case_event(struct cg_report *r, const json_t *rec, const char *event,
			 char *why, size_t whylen, struct cg_err *err);
/* The cases section, the cases left out of its list in *omitted; adds
 * the missed_checks warning to r->warnings. */
json_t *cg_report_cases_section(struct cg_report *r, const struct period *p,
				json_int_t *omitted);

/* ---- report-duty.c: the duty section (cg-duty) ---- */
struct cg_dutybook;
/* 1 when rec (with this event) is one of cg-duty's events. */
int cg_report_is_duty_event(const char *event, const json_t *rec);
/* As cg_report_line: 0 taken, 1 rejected (why), -1 error (*err). */
int cg_report_duty_event(struct cg_report *r, const json_t *rec, char *why, size_t whylen,
			 struct cg_err *err);
/* A check-in at a gate where guards sign on, with nobody on: counted. */
void cg_report_duty_checkin(struct cg_report *r, const struct checkin *c);
/* The duty section, or NULL when no duty event was read; adds the
 * gate_unstaffed, register_without_guard, care_call_missed and
 * stock_low warnings, and drops gate_unattended where guards sign on. */
json_t *cg_report_duty_section(struct cg_report *r, const struct period *p);
void cg_report_duty_free(struct cg_report *r);
/* --merge: a report's duty section (may be NULL) summed into acc, its
 * gates as CODE/GATE when code is set; the merged section from acc. */
void cg_report_duty_merge(json_t *acc, const json_t *duty, const char *code);
json_t *cg_report_duty_merged(const json_t *acc);
/* ---- report-rows.c: the compound rows of a roll-up ---- */

/* The row of a single compound's report, with its stocks. */
json_t *cg_merge_row_of(const json_t *rep);
/* 1 with why when row covers a day its compound has in rows already. */
int cg_merge_rows_overlap(const json_t *rows, const json_t *row, char *why, size_t whylen);
/* row (borrowed) added to rows: into its compound's row, else appended. */
void cg_merge_row_add(json_t *rows, const json_t *row);
/* The last day of code's row in rows (borrowed), NULL when none. */
const char *cg_merge_row_until(const json_t *rows, const char *code);
/* The stocks of all rows summed: cases_open, cases_ending_today,
 * cases_ending_tomorrow, needs_open, passes_active (class -> n),
 * passes_active_total, visitors_inside, cases_by_day (date -> n). */
json_t *cg_merge_stocks(const json_t *rows);

/* ---- report-span.c: the period of the records, and strays ---- */

/* A record of day read when the period is not given; -1 out of memory. */
int cg_report_span_add(struct cg_report *r, int32_t day);
/* The period the records give: 0, or -1 when there were none.  Lists
 * the days left out as strays.  Once, at the end. */
int cg_report_span_period(struct cg_report *r, int32_t *since, int32_t *until);
/* A check-in of day outside a given period: a stray when it came from
 * a check-in journal that no report of its day reads. */
void cg_report_stray_checkin(struct cg_report *r, int32_t day);
/* The ts_outside_period warning, in r->warnings; once, at the end. */
void cg_report_stray_warning(struct cg_report *r);

/* ---- report-finish.c: the document ---- */

/* Reason code -> count, every reason or only those counted. */
/* report-corrections.c: a correction line read as input: 0 taken, 1
 * rejected, 2 not a check-in's (a case event's: read on as one). */
int cg_report_correction_line(struct cg_report *r, const char *line, size_t len,
			      char *why, size_t whylen);

json_t *cg_report_reasons_object(const unsigned long *n, int all);
/* The entries of list (objects with "ts") in time order, stably. */
void cg_report_sort_by_ts(json_t *list);

#endif
