#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/exitcode.h"
#include "core/i18n.h"

int cg_clock_init(struct cg_clock *c, const char *now_opt, struct cg_err *err)
{
	const char *s = now_opt;
	cg_time_t t;

	tzset();
	c->fixed = 0;
	c->at = 0;
	if (!s) {
		s = getenv("CG_NOW");
		/* An empty $CG_NOW is how a script unsets it for a command. */
		if (s && !*s)
			s = NULL;
	}
	if (!s)
		return 0;
	if (cg_time_parse(s, 1, &t) < 0)
		return cg_err_set(err, CG_EXIT_USAGE,
				  _("invalid time '%s' (expected RFC 3339, e.g. 2026-01-25T08:00:00+08:00)"),
				  s);
	c->fixed = 1;
	c->at = t;
	return 0;
}

/* A zone name: letters, digits, '_', '-', '+', '/' between parts, no "..". */
static int zone_name_ok(const char *tz)
{
	size_t n = strlen(tz);

	return n && n < 128 && tz[0] != '/' && tz[0] != '.' && !strstr(tz, "..") &&
		strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789_-+/") == n;
}

int cg_clock_set_zone(const char *tz, struct cg_err *err)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (!tz || !*tz)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	if (!zone_name_ok(tz) || access(path, R_OK) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("unknown time zone '%s' (a name such as Asia/Shanghai)"), tz);
	if (setenv("TZ", tz, 1) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	tzset();
	return 0;
}

cg_time_t cg_clock_now(const struct cg_clock *c)
{
	if (c->fixed)
		return c->at;
	return (cg_time_t)time(NULL);
}

/* ctype's isdigit follows the locale and takes int; input is bytes. */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly n ASCII digits at *sp, advancing past them. */
static int get_num(const char **sp, int n, int *val)
{
	const char *s = *sp;
	int v = 0;

	while (n-- > 0) {
		if (!is_digit(*s))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	*val = v;
	*sp = s;
	return 0;
}

static int get_char(const char **sp, char c)
{
	if (**sp != c)
		return -1;
	(*sp)++;
	return 0;
}

static int get_date(const char **sp, int *year, int *month, int *day)
{
	if (get_num(sp, 4, year) < 0 || get_char(sp, '-') < 0 ||
	    get_num(sp, 2, month) < 0 || get_char(sp, '-') < 0 ||
	    get_num(sp, 2, day) < 0)
		return -1;
	if (*year < 1 || !cg_date_valid(*year, *month, *day))
		return -1;
	return 0;
}

/*
 * mktime() returns -1 both for errors and for 1969-12-31T23:59:59Z, so
 * success is told by tm_wday, which it sets only when it succeeds.
 */
static int local_time(int year, int month, int day, int hour, int min,
		      int sec, cg_time_t *out)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	tm.tm_wday = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 && tm.tm_wday == -1)
		return -1;
	*out = (cg_time_t)t;
	return 0;
}

/* Z, z or +HH:MM / -HH:MM, as seconds east of UTC. */
static int get_offset(const char **sp, int *offset)
{
	int sign, hh, mm;

	if (**sp == 'Z' || **sp == 'z') {
		(*sp)++;
		*offset = 0;
		return 0;
	}
	if (**sp != '+' && **sp != '-')
		return -1;
	sign = **sp == '-' ? -1 : 1;
	(*sp)++;
	if (get_num(sp, 2, &hh) < 0 || get_char(sp, ':') < 0 ||
	    get_num(sp, 2, &mm) < 0 || hh > 23 || mm > 59)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

static int get_clock(const char **sp, int *hour, int *min, int *sec)
{
	if (get_num(sp, 2, hour) < 0 || get_char(sp, ':') < 0 ||
	    get_num(sp, 2, min) < 0 || get_char(sp, ':') < 0 ||
	    get_num(sp, 2, sec) < 0)
		return -1;
	if (*hour > 23 || *min > 59 || *sec > 60)
		return -1;
	/*
	 * Neither time_t nor mktime() knows leap seconds; :60 is the last
	 * second of its minute as far as ordering goes.
	 */
	if (*sec == 60)
		*sec = 59;
	if (**sp == '.') {
		(*sp)++;
		if (!is_digit(**sp))
			return -1;
		while (is_digit(**sp))
			(*sp)++;
	}
	return 0;
}

/* An offset or the local zone can take year 1 or 9999 out of range. */
static int in_range(cg_time_t t, cg_time_t *out)
{
	if (t < CG_TIME_MIN || t > CG_TIME_MAX)
		return -1;
	*out = t;
	return 0;
}

int cg_time_parse(const char *s, int allow_local, cg_time_t *out)
{
	int year, month, day, hour, min, sec, offset;
	cg_time_t t;

	if (!s || get_date(&s, &year, &month, &day) < 0)
		return -1;
	if (!*s) {
		if (!allow_local)
			return -1;
		return in_range(cg_date_start(year, month, day), out);
	}
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (get_clock(&s, &hour, &min, &sec) < 0)
		return -1;
	if (!*s) {
		if (!allow_local || local_time(year, month, day, hour, min, sec, &t) < 0)
			return -1;
		return in_range(t, out);
	}
	if (get_offset(&s, &offset) < 0 || *s)
		return -1;
	return in_range(cg_days_from_civil(year, month, day) * 86400 +
			hour * 3600 + min * 60 + sec - offset, out);
}

/* The seconds of "HH:MM:SS" at p (hour 0-23, minute and second 0-59),
 * or -1. */
static long clock_seconds(const char *p)
{
	int hour, min, sec;

	if (get_num(&p, 2, &hour) < 0 || get_char(&p, ':') < 0 || get_num(&p, 2, &min) < 0 ||
	    get_char(&p, ':') < 0 || get_num(&p, 2, &sec) < 0 || hour > 23 || min > 59 ||
	    sec > 59)
		return -1;
	return hour * 3600L + min * 60L + sec;
}

/* The clock of a parsed time is at 11..18 ("YYYY-MM-DDTHH:MM:SS"). */
#define MEMO_CLOCK 11
#define MEMO_REST 19

int cg_time_parse_memo(struct cg_time_memo *m, const char *s, size_t len, cg_time_t *out)
{
	char text[CG_TIME_MEMO_TEXT];
	long clock;

	if (len >= sizeof(text))
		return -1;
	if (m->len && len == m->len && !memcmp(s, m->text, MEMO_CLOCK) &&
	    !memcmp(s + MEMO_REST, m->text + MEMO_REST, len - MEMO_REST) &&
	    (clock = clock_seconds(s + MEMO_CLOCK)) >= 0)
		return in_range(m->base + clock, out);
	memcpy(text, s, len);
	text[len] = '\0';
	if (cg_time_parse(text, 0, out) < 0)
		return -1;
	/* Parsed as days * 86400 + clock - offset: the same date, separator
	 * and rest with another valid clock parse as base + that clock. */
	if (len >= MEMO_REST && (clock = clock_seconds(s + MEMO_CLOCK)) >= 0) {
		memcpy(m->text, s, len);
		m->len = len;
		m->base = *out - clock;
	}
	return 0;
}

/* v as exactly width decimal digits; v is known to fit. */
static char *put_digits(char *p, long v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/*
 * "YYYY-MM-DD" without the NUL.  RFC 3339 has four-digit years only, so
 * a year outside 0000-9999 (only from absurd input) becomes 0000-00-00
 * rather than text that would not parse back.
 */
static char *put_date(char *p, const struct tm *tm)
{
	long year = (long)tm->tm_year + 1900;

	if (year < 0 || year > 9999) {
		memcpy(p, "0000-00-00", 10);
		return p + 10;
	}
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, tm->tm_mon + 1, 2);
	*p++ = '-';
	return put_digits(p, tm->tm_mday, 2);
}

/* tm with its offset off (whole minutes) as RFC 3339 text. */
static void put_time(char *p, const struct tm *tm, long off)
{
	p = put_date(p, tm);
	*p++ = 'T';
	p = put_digits(p, tm->tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm->tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm->tm_sec, 2);
	*p++ = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	p = put_digits(p, off / 3600, 2);
	*p++ = ':';
	p = put_digits(p, off / 60 % 60, 2);
	*p = '\0';
}

void cg_time_format(cg_time_t t, char out[CG_TIME_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;

	/* Fails only for years past INT_MAX: show 0000-00-00T00:00:00+00:00. */
	if (!localtime_r(&tt, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = -1901;
	}
	off = tm.tm_gmtoff;
	/*
	 * RFC 3339 offsets have no seconds (local mean time before 1901 in
	 * many zones does), and cg_time_parse takes the years 0001-9999; a
	 * time in year 1 UTC may be in year 0 east of Greenwich.  Print those
	 * in UTC so the text still parses back to the same instant.
	 */
	if (off % 60 || tm.tm_year < 1 - 1900 || tm.tm_year > 9999 - 1900) {
		struct tm utc;

		if (gmtime_r(&tt, &utc))
			tm = utc;
		off = 0;
	}
	put_time(out, &tm, off);
}

void cg_time_date(cg_time_t t, char out[CG_DATE_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = -1901;
	}
	*put_date(out, &tm) = '\0';
}

int cg_date_parse(const char *s, int *year, int *month, int *day)
{
	int y, m, d;

	if (!s || get_date(&s, &y, &m, &d) < 0 || *s)
		return -1;
	*year = y;
	*month = m;
	*day = d;
	return 0;
}

/* Days since 1970-01-01 of the local day of t. */
static int64_t local_day(cg_time_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return INT64_MIN;
	return cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/*
 * Where a DST change skips midnight, mktime() moves into the hour that
 * does exist, which is when that day starts.  Where a change of the
 * standard offset skips it (Asia/Kathmandu went from +05:30 to +05:45 at
 * 1986-01-01T00:00), glibc's mktime() reads 00:00 with the offset before
 * the change, an instant of the day before: the day starts at the change,
 * the first instant of that local day, found by bisection.
 */
cg_time_t cg_date_start(int year, int month, int day)
{
	int64_t want = cg_days_from_civil(year, month, day);
	cg_time_t t, lo, hi;

	if (local_time(year, month, day, 0, 0, 0, &t) < 0)
		return want * 86400;
	if (local_day(t) >= want || local_day(t + 86400) < want)
		return t;
	/* local_day(lo) < want <= local_day(hi) */
	for (lo = t, hi = t + 86400; hi - lo > 1;) {
		cg_time_t mid = lo + (hi - lo) / 2;

		if (local_day(mid) >= want)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
int64_t cg_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 +
		      day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void cg_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = m;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

static int is_leap(int year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int cg_date_valid(int year, int month, int day)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int n;

	if (month < 1 || month > 12 || day < 1)
		return 0;
	n = mdays[month - 1] + (month == 2 && is_leap(year));
	return day <= n;
}

/* ---- local days ---- */

int32_t cg_local_day(cg_time_t t, int *minute)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm)) {
		if (minute)
			*minute = 0;
		return 0;
	}
	if (minute)
		*minute = tm.tm_hour * 60 + tm.tm_min;
	return (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Whether t is at local midnight (from) or in the last second of the day
 * (!from) with the UTC offset off. */
static int day_edge(cg_time_t t, long off, int from)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || tm.tm_gmtoff != off)
		return 0;
	return from ? !tm.tm_hour && !tm.tm_min && !tm.tm_sec :
		      tm.tm_hour == 23 && tm.tm_min == 59 && tm.tm_sec == 59;
}

static unsigned memo_slot(cg_time_t t)
{
	int64_t d = t / 86400 - (t % 86400 < 0);

	return (unsigned)((uint64_t)d % CG_DAY_MEMO);
}

/* The slot of the day memoised with t on it, or -1. */
static int memo_find(const struct cg_day_memo *m, cg_time_t t)
{
	/* A day is kept in the slot of the UTC day it starts on: t's, or
	 * the one before.  (Kept in the slots of both UTC days it lies on,
	 * each day overwrote the one before it, and a fold going through the
	 * days of case after case missed every time.) */
	for (int k = 0; k < 2; k++) {
		unsigned i = memo_slot(t - k * 86400);

		if (t >= m->from[i] && t < m->to[i])
			return (int)i;
	}
	return -1;
}

int32_t cg_local_day_memo(struct cg_day_memo *m, cg_time_t t, int *minute)
{
	time_t tt = (time_t)t;
	struct tm tm;
	cg_time_t from;
	int i = memo_find(m, t);

	if (i >= 0) {
		if (minute)
			*minute = (int)((t - m->from[i]) / 60);
		return m->day[i];
	}
	if (!localtime_r(&tt, &tm))
		return cg_local_day(t, minute);
	from = t - (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
	if (day_edge(from, tm.tm_gmtoff, 1) && day_edge(from + 86399, tm.tm_gmtoff, 0)) {
		i = (int)memo_slot(from);
		m->from[i] = from;
		m->to[i] = from + 86400;
		m->off[i] = tm.tm_gmtoff;
		m->day[i] = (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
							tm.tm_mday);
	}
	if (minute)
		*minute = tm.tm_hour * 60 + tm.tm_min;
	return (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void cg_time_format_memo(struct cg_day_memo *m, cg_time_t t, char out[CG_TIME_LEN])
{
	struct tm tm;
	int secs, i = memo_find(m, t);

	if (i < 0) {
		cg_local_day_memo(m, t, NULL);
		i = memo_find(m, t);
	}
	/* What cg_time_format prints in UTC instead is never memoised
	 * usefully: leave it to cg_time_format. */
	if (i < 0 || m->off[i] % 60 || m->day[i] < cg_days_from_civil(1, 1, 1) ||
	    m->day[i] > cg_days_from_civil(9999, 12, 31)) {
		cg_time_format(t, out);
		return;
	}
	memset(&tm, 0, sizeof(tm));
	cg_civil_from_days(m->day[i], &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	secs = (int)(t - m->from[i]);
	tm.tm_hour = secs / 3600;
	tm.tm_min = secs / 60 % 60;
	tm.tm_sec = secs % 60;
	put_time(out, &tm, m->off[i]);
}

int cg_day_parse(const char *s, int32_t *day)
{
	int y, m, d;

	if (cg_date_parse(s, &y, &m, &d) < 0)
		return -1;
	*day = (int32_t)cg_days_from_civil(y, m, d);
	return 0;
}

void cg_day_format(int32_t day, char out[CG_DATE_LEN])
{
	int y, m, d;
	char *p = out;

	cg_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = m = d = 0;
	for (int div = 1000; div; div /= 10)
		*p++ = (char)('0' + y / div % 10);
	*p++ = '-';
	*p++ = (char)('0' + m / 10);
	*p++ = (char)('0' + m % 10);
	*p++ = '-';
	*p++ = (char)('0' + d / 10);
	*p++ = (char)('0' + d % 10);
	*p = '\0';
}
