#ifndef CG_CLOCK_H
#define CG_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/*
 * Time is int64 seconds since the Unix epoch.  Fractions of a second in
 * input are accepted and dropped.  The local day and the printed offset
 * follow the TZ environment variable (tzset() is called by cg_clock_init).
 */
typedef int64_t cg_time_t;

#define CG_TIME_LEN 32	/* enough for "2026-01-25T08:03:11+08:00" and NUL */
#define CG_DATE_LEN 11	/* "2026-01-25" and NUL */

struct cg_clock {
	int fixed;		/* 1 when --now or $CG_NOW set the time */
	cg_time_t at;		/* the fixed time */
};

/*
 * Fix the clock from --now (now_opt, may be NULL) else $CG_NOW, else leave it
 * running.  Returns 0 or -1 with *err (CG_EXIT_USAGE) when the value does not
 * parse.
 */
int cg_clock_init(struct cg_clock *c, const char *now_opt, struct cg_err *err);

/*
 * Make tz ("Asia/Shanghai") the zone of local days and printed offsets
 * for the rest of the process, whatever TZ the machine has (config.json's
 * compound.tz; an empty tz leaves TZ as it is).  Refuses a name that is
 * not a zone of the system's tz database (glibc would silently take UTC).
 * 0, or -1 with *err (CG_EXIT_SYSTEM).
 */
int cg_clock_set_zone(const char *tz, struct cg_err *err);

/* The fixed time, or time(NULL). */
cg_time_t cg_clock_now(const struct cg_clock *c);

/* The instants cg_time_parse takes: the years 0001-9999 in UTC. */
#define CG_TIME_MIN (-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define CG_TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */

/*
 * Parse RFC 3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)"; 't', ' '
 * for 'T' and 'z' for 'Z' are accepted.  When allow_local is set, a time
 * without offset (and a bare date "YYYY-MM-DD", meaning 00:00:00) is taken
 * as local time.  Returns 0, or -1 when s is not such a time, names an
 * impossible date (30 February, 25:00, ...) or an instant outside
 * CG_TIME_MIN..CG_TIME_MAX (0001-01-01T00:00:00+01:00 is in year 0 UTC).
 */
int cg_time_parse(const char *s, int allow_local, cg_time_t *out);

/*
 * cg_time_parse(s, 0, out) of the bytes s[0..len) (a copy of them
 * NUL-terminated), through a memo of the last time parsed: a time that
 * differs from it only in HH:MM:SS (a valid clock, not :60) is that
 * time's instant moved by the difference, without parsing its date and
 * offset again (a reader of a day's journal parses hundreds of thousands
 * of such times).  len must be below CG_TIME_MEMO_TEXT (-1 otherwise).
 * Zero the memo before its first use.
 */
#define CG_TIME_MEMO_TEXT 64
struct cg_time_memo {
	char text[CG_TIME_MEMO_TEXT];	/* the time parsed last */
	size_t len;			/* its bytes; 0 none */
	cg_time_t base;			/* its instant less its clock's seconds */
};
int cg_time_parse_memo(struct cg_time_memo *m, const char *s, size_t len, cg_time_t *out);

/*
 * "2026-01-25T08:03:11+08:00" in local time (Z is never used; +00:00 is).
 * Where the local offset has seconds or the local year is not 0001-9999,
 * in UTC, so that every instant cg_time_parse takes prints as text it
 * takes back.
 */
void cg_time_format(cg_time_t t, char out[CG_TIME_LEN]);

/* The local calendar day of t, "2026-01-25". */
void cg_time_date(cg_time_t t, char out[CG_DATE_LEN]);

/* Parse "YYYY-MM-DD" (a real calendar date); returns 0 or -1. */
int cg_date_parse(const char *s, int *year, int *month, int *day);

/* 00:00:00 local time of the given calendar day. */
cg_time_t cg_date_start(int year, int month, int day);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), and back. */
int64_t cg_days_from_civil(int year, int month, int day);
void cg_civil_from_days(int64_t days, int *year, int *month, int *day);

/* 1 when year-month-day is a real calendar date, else 0. */
int cg_date_valid(int year, int month, int day);

/* ---- local days ---- */

/* The local calendar day of t (days since 1970-01-01) and, when minute is
 * not NULL, the local minute of that day. */
int32_t cg_local_day(cg_time_t t, int *minute);

/*
 * The same through a memo of days found, each as the span of seconds that
 * lie on it at one UTC offset (a day with a change of offset is never
 * kept), by the UTC day it starts on modulo CG_DAY_MEMO: a fold places
 * hundreds of thousands of checks on a few dozen days, and localtime_r
 * (which with TZ set re-reads the zone's rule at every call) was most of
 * placing one.  Zero the memo before its first use, and again if the
 * process changes its zone (cg never does after cg_clock_set_zone).
 */
#define CG_DAY_MEMO 64
struct cg_day_memo {
	cg_time_t from[CG_DAY_MEMO], to[CG_DAY_MEMO];
	long off[CG_DAY_MEMO];
	int32_t day[CG_DAY_MEMO];
};
int32_t cg_local_day_memo(struct cg_day_memo *m, cg_time_t t, int *minute);

/* cg_time_format through the memo: a decision writes two or three times
 * per record, and localtime_r was a tenth of deciding one. */
void cg_time_format_memo(struct cg_day_memo *m, cg_time_t t, char out[CG_TIME_LEN]);

/* "YYYY-MM-DD" to a day number; 0 or -1. */
int cg_day_parse(const char *s, int32_t *day);

/* A day number as "YYYY-MM-DD". */
void cg_day_format(int32_t day, char out[CG_DATE_LEN]);

#endif
