/*
 * The period of a report whose records give it (FILEs without --date or
 * --since), and the records whose ts lies outside what a report covers.
 *
 * A report walks the days of its period (duty gaps, duty hours, tasks),
 * so a period taken as the first to the last day of the records could be
 * stretched over centuries by one line dated 0816 or 2926: minutes of
 * work, and a gap of 1100 years.  So the period is the run of the
 * records' days that holds most records (of runs as long, the one
 * nearest the clock), where no two successive days with records are
 * more than CG_REPORT_SPAN_GAP days apart and the last is at most
 * CG_REPORT_SPAN_MAX days after the first (the ten years --since allows).  A record of
 * a day outside it is counted (its figures were added as it was read)
 * but walks nothing, and is named in a ts_outside_period warning.
 *
 * Reading journals for a given period, a check-in of a day's journal
 * whose day is after the journal's (no report ever reads it: back-filled
 * records are looked for in later journals only) or more than
 * CG_REPORT_SPAN_MAX days before it is counted outside the period as
 * before, and named in the same warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-counters.h"

#define STRAYS_MAX 100		/* entries the warning lists */

void cg_report_where(struct cg_report *r, const char *name, unsigned long line,
		     const char *journal_day)
{
	r->where_name = name;
	r->where_line = line;
	if (!journal_day) {
		r->journal_day = CG_REPORT_NO_DAY;
		r->journal_day_text[0] = '\0';
		return;
	}
	/* Every line passes here: a compare of the day and its NUL, of a
	 * size known here, is two loads, where strcmp is a call. */
	if (memcmp(journal_day, r->journal_day_text, CG_DATE_LEN)) {
		snprintf(r->journal_day_text, sizeof(r->journal_day_text), "%s", journal_day);
		if (cg_day_parse(r->journal_day_text, &r->journal_day) < 0)
			r->journal_day = CG_REPORT_NO_DAY;
	}
}

/* The index of the current input's name in r->span_names. */
static uint32_t name_index(struct cg_report *r)
{
	size_t n = json_array_size(r->span_names);
	const char *name = r->where_name ? r->where_name : "";

	if (n && !strcmp(json_string_value(json_array_get(r->span_names, n - 1)) ?: "", name))
		return (uint32_t)(n - 1);
	/* A file's name need not be UTF-8: kept as it is, and a warning
	 * entry that cannot be written as JSON is left out of the list. */
	json_array_append_new(r->span_names, json_string_nocheck(name));
	return (uint32_t)n;
}

static int by_day(const void *a, const void *b)
{
	const struct dayspan *x = a, *y = b;

	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sort the days and merge each day's entries into its first. */
static void compact(struct cg_report *r)
{
	size_t m = 0;

	if (r->ndays)
		qsort(r->days, r->ndays, sizeof(*r->days), by_day);
	for (size_t i = 0; i < r->ndays; i++) {
		if (m && r->days[m - 1].day == r->days[i].day)
			r->days[m - 1].n += r->days[i].n;
		else
			r->days[m++] = r->days[i];
	}
	r->ndays = m;
}

int cg_report_span_add(struct cg_report *r, int32_t day)
{
	struct dayspan *e;

	/* Records mostly come a day at a time: one entry per run. */
	if (r->ndays && r->days[r->ndays - 1].day == day) {
		r->days[r->ndays - 1].n++;
		return 0;
	}
	if (r->ndays == r->adays) {
		compact(r);
		if (!r->adays || r->ndays > r->adays / 2) {
			size_t a = r->adays ? r->adays * 2 : 64;
			struct dayspan *d = realloc(r->days, a * sizeof(*d));

			if (!d)
				return -1;
			r->days = d;
			r->adays = a;
		}
	}
	e = &r->days[r->ndays++];
	e->day = day;
	e->n = 1;
	e->seq = r->span_seq++;
	e->name = name_index(r);
	e->line = r->where_line;
	return 0;
}

/* The best run of days[lo..hi) into *from, *to (indexes), and its count. */
static unsigned long best_window(const struct dayspan *d, size_t lo, size_t hi,
				 size_t *from, size_t *to)
{
	unsigned long sum = 0, best = 0;

	for (size_t i = lo, j = lo; j < hi; j++) {
		sum += d[j].n;
		while (d[j].day - d[i].day > CG_REPORT_SPAN_MAX)
			sum -= d[i++].n;
		if (sum >= best) {	/* a tie goes to the later */
			best = sum;
			*from = i;
			*to = j;
		}
	}
	return best;
}

/* One listed entry of the warning: where, which day, how many. */
static void stray(struct cg_report *r, const char *name, unsigned long line, int32_t day,
		  unsigned long n)
{
	char date[CG_DATE_LEN], where[300];
	json_t *e;

	r->strays += n;
	if (json_array_size(r->stray_list) >= STRAYS_MAX)
		return;
	cg_day_format(day, date);
	snprintf(where, sizeof(where), "%s:%lu", name, line);
	e = json_pack("{s:s, s:s, s:I}", "line", where, "day", date, "count", (json_int_t)n);
	if (e)
		json_array_append_new(r->stray_list, e);
}

/* How far the days from..until are from today: 0 when they hold it. */
static int64_t distance(int32_t from, int32_t until, int32_t today)
{
	if (today < from)
		return (int64_t)from - today;
	return today > until ? (int64_t)today - until : 0;
}

int cg_report_span_period(struct cg_report *r, int32_t *since, int32_t *until)
{
	int32_t today = cg_local_day(r->o.now, NULL);
	size_t from = 0, to = 0, lo = 0;
	unsigned long best = 0;

	if (!r->ndays)
		return -1;
	compact(r);
	for (size_t k = 1; k <= r->ndays; k++) {
		size_t f = lo, t = lo;
		unsigned long n;

		if (k < r->ndays && r->days[k].day - r->days[k - 1].day <= CG_REPORT_SPAN_GAP)
			continue;
		n = best_window(r->days, lo, k, &f, &t);
		/* Of runs as long, the one nearest the clock. */
		if (n > best || (n == best &&
				 distance(r->days[f].day, r->days[t].day, today) <
				 distance(r->days[from].day, r->days[to].day, today))) {
			best = n;
			from = f;
			to = t;
		}
		lo = k;
	}
	*since = r->days[from].day;
	*until = r->days[to].day;
	for (size_t k = 0; k < r->ndays; k++) {
		const struct dayspan *e = &r->days[k];

		if (k < from || k > to)
			stray(r, json_string_value(json_array_get(r->span_names, e->name)) ?: "",
			      e->line, e->day, e->n);
	}
	return 0;
}

void cg_report_stray_checkin(struct cg_report *r, int32_t day)
{
	int32_t j = r->journal_day;

	if (j == CG_REPORT_NO_DAY || (day <= j && j - day <= CG_REPORT_SPAN_MAX))
		return;
	stray(r, r->where_name ? r->where_name : "", r->where_line, day, 1);
}

void cg_report_stray_warning(struct cg_report *r)
{
	if (!r->strays)
		return;
	json_array_append_new(r->warnings, json_pack("{s:s, s:I, s:O}", "code", "ts_outside_period",
						     "count", (json_int_t)r->strays,
						     "records", r->stray_list));
}
