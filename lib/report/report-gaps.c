/*
 * Duty coverage: the gaps between the events of a gate within its duty
 * hours, and its gate_unattended warning (one per gate, listing its gaps).
 *
 * A gap is flagged when the part of it outside the night hours is longer
 * than the duty limit, or the whole of it longer than the night limit: a
 * gate nobody walks through at 3 a.m. is normal, an evening without a
 * single event, or a whole night, is not.
 */

#include <stdlib.h>

#include "report/report-counters.h"

/* Seconds of [a, b] within the night hours of d. */
static long night_seconds(const struct cg_duty *d, cg_time_t a, cg_time_t b)
{
	int32_t first = cg_local_day(a, NULL) - 1, last = cg_local_day(b, NULL);
	long n = 0;

	if (d->night_start_min == d->night_end_min)
		return 0;
	for (int32_t day = first; day <= last; day++) {
		cg_time_t s = cg_report_local_at(day, d->night_start_min);
		cg_time_t e = cg_report_local_at(day + (d->night_start_min > d->night_end_min),
						 d->night_end_min);

		if (s < a)
			s = a;
		if (e > b)
			e = b;
		if (e > s)
			n += (long)(e - s);
	}
	return n;
}

struct gaps {
	const struct cg_duty *duty;
	json_t *list;		/* the flagged gaps */
	unsigned long count;
	long longest;		/* the longest flagged, minutes */
	cg_time_t from, to;
};

static void gap(struct gate *g, struct gaps *gs, cg_time_t a, cg_time_t b)
{
	long mins = (long)((b - a) / 60), day_mins;
	char from[CG_TIME_LEN], to[CG_TIME_LEN];

	if (b < a)
		return;
	if (mins > g->longest) {
		g->longest = mins;
		g->gap_from = a;
		g->gap_to = b;
	}
	if (mins <= gs->duty->gap_max_min && mins <= gs->duty->night_gap_max_min)
		return;		/* short: no need to look at the clock */
	day_mins = (long)((b - a) - night_seconds(gs->duty, a, b)) / 60;
	if (day_mins <= gs->duty->gap_max_min && mins <= gs->duty->night_gap_max_min)
		return;
	gs->count++;
	if (mins > gs->longest) {
		gs->longest = mins;
		gs->from = a;
		gs->to = b;
	}
	if (json_array_size(gs->list) >= CG_REPORT_LIST_MAX)
		return;
	cg_time_format(a, from);
	cg_time_format(b, to);
	json_array_append_new(gs->list, json_pack("{s:s, s:s, s:I}", "from", from, "to", to,
						  "gap_min", (json_int_t)mins));
}

/* g's warning, when it has gaps, into warn. */
static void gate_warning(const struct gate *g, struct gaps *gs, json_t *warn)
{
	char from[CG_TIME_LEN], to[CG_TIME_LEN];

	if (!gs->count) {
		json_decref(gs->list);
		return;
	}
	cg_time_format(gs->from, from);
	cg_time_format(gs->to, to);
	json_array_append_new(warn, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:o}",
					      "code", "gate_unattended",
					      "severity", cg_report_severity("gate_unattended"),
					      "gate", g->name,
					      "count", (json_int_t)gs->count,
					      "from", from, "to", to,
					      "gap_min", (json_int_t)gs->longest,
					      "gaps", gs->list));
}

static int by_day(const void *a, const void *b)
{
	int32_t x = (*(struct daymap *const *)a)->day, y = (*(struct daymap *const *)b)->day;

	return (x > y) - (x < y);
}

/* The map of day d, walking g's days (sorted) up from *k: the period's
 * days are asked in order, so the walk is linear, not a search a day. */
static struct daymap *day_of(const struct gate *g, int32_t d, size_t *k)
{
	while (*k < g->ndays && g->days[*k]->day < d)
		(*k)++;
	return *k < g->ndays && g->days[*k]->day == d ? g->days[*k] : NULL;
}

/*
 * Duty coverage of a gate: within its duty hours of every day of the
 * period, up to cutoff, the gaps from the start of duty to the first
 * event, between events, and from the last event to the end of duty, in
 * whole minutes.  Duty windows that touch (24-hour duty) make one stretch.
 */
void cg_report_duty_gaps(struct cg_report *r, struct gate *g, int32_t since,
			 int32_t until, cg_time_t cutoff, json_t *warn)
{
	struct cg_duty duty;
	struct gaps gs = { &duty, json_array(), 0, -1, 0, 0 };
	cg_time_t prev = 0, open_end = 0, open_eff = 0;
	size_t k = 0;
	int open = 0;

	cg_config_gate_duty(r->cfg, g->name, &duty);
	/* Sorted once: no more check-ins are counted after this. */
	if (g->ndays)
		qsort(g->days, g->ndays, sizeof(*g->days), by_day);
	g->last_day = g->ndays;
	for (int32_t d = since; d <= until; d++) {
		cg_time_t s = cg_report_local_at(d, duty.start_min);
		cg_time_t e = cg_report_local_at(d, duty.end_min);
		cg_time_t eff = e < cutoff ? e : cutoff;
		struct daymap *m;

		if (s >= cutoff)
			break;
		if (open && open_end != s) {
			gap(g, &gs, prev, open_eff);
			open = 0;
		}
		if (!open)
			prev = s;
		open = 1;
		open_end = e;
		open_eff = eff;
		if (!(m = day_of(g, d, &k)))
			continue;
		for (int min = 0; min < DAY_MINUTES; min++) {
			cg_time_t tf, tl;

			if (m->first[min] == 0xFF)
				continue;
			tf = m->start + min * 60 + m->first[min];
			tl = m->start + min * 60 + m->last[min];
			if (tl < s)
				continue;
			if (tf >= eff)
				break;
			if (tf < s)
				tf = s;
			gap(g, &gs, prev, tf);
			prev = tl < eff ? tl : tf;
		}
	}
	if (open)
		gap(g, &gs, prev, open_eff);
	gate_warning(g, &gs, warn);
}
