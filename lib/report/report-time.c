/* Local time for the report, cached per quarter hour. */

#include <stdio.h>
#include <time.h>

#include "report/report-counters.h"

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Local day of t and seconds since local midnight (wall clock). */
void cg_report_local_of(struct ltcache *c, cg_time_t t, int32_t *day, int *sec)
{
	int64_t slot = floor_div(t, 900);
	struct tm tm;
	time_t tt;

	if (c->valid && slot == c->slot) {
		*day = c->day;
		*sec = c->base + (int)(t - slot * 900);
		return;
	}
	/* Every real offset is a multiple of 15 minutes, and so is every
	 * change of offset: within a quarter hour local time runs evenly. */
	tt = (time_t)(slot * 900);
	if (!localtime_r(&tt, &tm) || tm.tm_gmtoff % 900) {
		tt = (time_t)t;
		c->valid = 0;
		if (!localtime_r(&tt, &tm)) {
			*day = 0;
			*sec = 0;
			return;
		}
		*day = (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		*sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
		return;
	}
	c->slot = slot;
	c->day = (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	c->base = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	c->valid = 1;
	*day = c->day;
	*sec = c->base + (int)(t - slot * 900);
}

cg_time_t cg_report_day_start(int32_t day)
{
	int y, m, d;

	cg_civil_from_days(day, &y, &m, &d);
	return cg_date_start(y, m, d);
}

/* Local time of minute (0-1440) of day. */
cg_time_t cg_report_local_at(int32_t day, int minute)
{
	char buf[40], date[CG_DATE_LEN];
	cg_time_t t;

	if (minute >= 24 * 60)
		return cg_report_day_start(day + 1);
	cg_day_format(day, date);
	snprintf(buf, sizeof(buf), "%sT%02d:%02d:00", date, minute / 60, minute % 60);
	if (cg_time_parse(buf, 1, &t) < 0)
		return cg_report_day_start(day) + minute * 60;
	return t;
}
