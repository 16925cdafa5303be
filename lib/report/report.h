#ifndef CG_REPORT_H
#define CG_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/clock.h"
#include "store/config.h"
#include "core/error.h"

/*
 * The daily report (日报) of one compound: counters fed record by record,
 * then one JSON report (share/cg/report.schema.json describes its shape,
 * cg-report(1) every figure).  The report keeps counters, not records: its
 * memory does not grow with the number of check-ins, except for the lists
 * it shows, which stop at CG_REPORT_LIST_MAX entries each (the rest are
 * counted in "omitted"), and the visitors still inside (see visitors in
 * report-visitors.c).
 *
 * Input lines may be check-in decisions (they have "decision"), pass
 * events ("event" issue or revoke, with "pass_id") and case events
 * ("event" open, check, ... with "case_id"); any other object is counted
 * in "unknown" and ignored.
 */

#define CG_REPORT_LIST_MAX 1000
#define CG_REPORT_MAX_GATES 256
#define CG_REPORT_MAX_REASONS 16
#define CG_REPORT_GATE_LEN 64	/* longest gate name + 1 */

/* The temperature histogram: 0.1 degree bins from 35.0 to 42.5. */
#define CG_TEMP_FROM10 350
#define CG_TEMP_BINS 76

/* The period when it is not given: taken from the records' days. */
#define CG_REPORT_NO_DAY INT32_MIN

struct cg_report_opts {
	const struct cg_config *cfg;	/* borrowed; policy and identity */
	cg_time_t now;			/* generated_at, and the end of today */
	int32_t since, until;		/* local days (days since 1970-01-01),
					 * or CG_REPORT_NO_DAY for both */
	int mask;			/* mask names, phones, ID numbers */
	int fast;			/* scan check-in lines with lib/scan */
};

struct cg_report;

/* A new report, or NULL when out of memory. */
struct cg_report *cg_report_new(const struct cg_report_opts *o);
void cg_report_free(struct cg_report *r);

/*
 * One input line (need not be NUL-terminated).  Returns 0 when it was
 * taken (counted, or ignored as unknown or outside the period), 1 when it
 * is rejected with the reason in why, -1 with *err on a system error.
 */
int cg_report_line(struct cg_report *r, const char *line, size_t len,
		   char *why, size_t whylen, struct cg_err *err);

/*
 * A journal read, for the "journals" section; chain is the hex head (64
 * characters).  When it did not verify, damaged_line and reason say where
 * and why, and a journal_damaged warning is added.  leftover (NULL or ""
 * when none) names a compressed copy found beside a plain day, left by an
 * interrupted compression.
 */
void cg_report_journal(struct cg_report *r, const char *label, uint64_t records,
		       uint64_t seq, const char *chain, int verified, int torn,
		       unsigned long damaged_line, const char *reason,
		       const char *leftover);

/*
 * A correction (rules/correction.h; borrowed, with its own "rid") of a
 * check-in of the period, for the "corrections" list.  Once called with
 * applied set, correction lines fed to cg_report_line are taken as
 * already listed (the reader applies the corrections of the journals
 * itself); otherwise cg_report_line lists them as it reads them and
 * counts them nowhere else.
 */
void cg_report_correction(struct cg_report *r, const json_t *rec, int applied);
/* (rec may be NULL: only the applied mark is set.) */

/* A value of field (borrowed) masked as a person
 * field is (name, id_no, phone; any ID or phone number in other text);
 * a new reference. */
json_t *cg_report_mask_value(const char *field, const json_t *v);

/*
 * A check-in line of before the period (len bytes, need not be
 * NUL-terminated): an exit under the household exit quota whose time to
 * be back falls in the period is noted, so that the period's report says
 * whether the person came back in time.  Anything else is ignored.  0,
 * or -1 when out of memory.
 */
int cg_report_carry_exit(struct cg_report *r, const char *line, size_t len);

/*
 * Where the lines fed next come from, for the ts_outside_period warning:
 * name (borrowed until the next call or cg_report_line returns) and
 * line, and journal_day ("YYYY-MM-DD" and its NUL, CG_DATE_LEN bytes)
 * when it is a check-in journal's line, else NULL.
 */
void cg_report_where(struct cg_report *r, const char *name, unsigned long line,
		     const char *journal_day);

/* Count a rejected input line (a rejected_records warning at the end). */
void cg_report_rejected(struct cg_report *r);

/* What was counted so far, for progress and -v. */
struct cg_report_counts {
	unsigned long checkins, passes, cases, unknown, outside, rejected;
};
void cg_report_counts(const struct cg_report *r, struct cg_report_counts *c);

/*
 * The report as JSON (a new reference).  generator is "cg-report VERSION".
 * Call once, after the last line.
 */
json_t *cg_report_finish(struct cg_report *r, const char *generator);

/* ---- warnings ---- */

/* "alert", "warning" or "notice": the severity of a warning code. */
const char *cg_report_severity(const char *code);
/* 0 alert, 1 warning, 2 notice, -1 not a severity. */
int cg_report_severity_rank(const char *severity);
/* Severities filled in where missing, then alerts first, warnings,
 * notices, each kind in the order it came (a stable sort). */
void cg_report_warnings_order(json_t *list);
/* 1 when rep (borrowed) has a warning of rank level or more severe. */
int cg_report_fails(const json_t *rep, int level);

/* The label of a code (reason, kind, direction, decision, case status,
 * pass class, warning, severity) in the human formats, translated; an
 * unknown code is its own label. */
const char *cg_report_label(const char *code);
/* The header of a CSV column (a key of the report), translated. */
const char *cg_report_column(const char *key);

/* ---- merging reports of many compounds (cg-report --merge) ---- */

struct cg_merge;

struct cg_merge *cg_merge_new(int mask);
void cg_merge_free(struct cg_merge *m);

/*
 * Check the checkpoints of the compounds' reports added from now on with
 * t (report-trust.h; borrowed, it must outlive m): its alerts join the
 * roll-up's warnings.  Merged reports added are taken as they are.
 */
struct cg_trust;
void cg_merge_set_trust(struct cg_merge *m, struct cg_trust *t);

/*
 * Add one report (borrowed): a report of one compound or a merged one.
 * Returns 0, or 1 with a reason in why when rep is not a cg-report report.
 */
int cg_merge_add(struct cg_merge *m, const json_t *rep, char *why, size_t whylen);

/* The roll-up (a new reference); now is its generated_at. */
json_t *cg_merge_finish(struct cg_merge *m, cg_time_t now, const char *generator);

/* ---- output ---- */

enum cg_report_format {
	CG_REPORT_JSON,
	CG_REPORT_TEXT,
	CG_REPORT_CSV,
	CG_REPORT_MD,
	CG_REPORT_HTML,
	CG_REPORT_EXCEL		/* CSV with a UTF-8 byte order mark */
};

/* "json", "text", ... to a format; -1 when unknown. */
int cg_report_format_parse(const char *s);

/* The tables of --table: "fevers", "denials", "gates", "hours", "cases",
 * "overstays", "warnings", "journals", "compounds"; NULL-terminated. */
extern const char *const cg_report_tables[];

/*
 * Write rep (borrowed) to fp in a format; table (may be NULL) picks one
 * list for CSV.  Returns 0 or -1 with *err on a write error.
 */
int cg_report_write(const json_t *rep, enum cg_report_format fmt,
		    const char *table, FILE *fp, struct cg_err *err);

#endif
