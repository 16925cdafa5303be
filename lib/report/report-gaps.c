/*
 * Duty coverage: the gaps between the events of a gate within its duty
 * hours, and the gate_unattended warnings.
 */

#include "report/report-counters.h"

/* ---- the end: gaps ---- */

static void gap(struct cg_report *r, struct gate *g, cg_time_t a, cg_time_t b, json_t *warn)
{
	long mins = (long)((b - a) / 60);

	if (b < a)
		return;
	if (mins > g->longest) {
		g->longest = mins;
		g->gap_from = a;
		g->gap_to = b;
	}
	if (mins > r->cfg->policy.duty_gap_max_min) {
		char from[CG_TIME_LEN], to[CG_TIME_LEN];

		cg_time_format(a, from);
		cg_time_format(b, to);
		json_array_append_new(warn, json_pack("{s:s, s:s, s:s, s:s, s:I}",
						      "code", "gate_unattended", "gate", g->name,
						      "from", from, "to", to, "gap_min", (json_int_t)mins));
	}
}

/*
 * Duty coverage of a gate: within the policy's duty hours of every day of
 * the period, up to cutoff, the gaps from the start of duty to the first
 * event, between events, and from the last event to the end of duty, in
 * whole minutes.  Duty windows that touch (24-hour duty) make one stretch.
 */
void cg_report_duty_gaps(struct cg_report *r, struct gate *g, int32_t since,
			 int32_t until, cg_time_t cutoff, json_t *warn)
{
	const struct cg_policy *p = &r->cfg->policy;
	cg_time_t prev = 0, open_end = 0, open_eff = 0;
	int open = 0;

	for (int32_t d = since; d <= until; d++) {
		cg_time_t s = cg_report_local_at(d, p->duty_start_min);
		cg_time_t e = cg_report_local_at(d, p->duty_end_min);
		cg_time_t eff = e < cutoff ? e : cutoff;
		struct daymap *m = NULL;

		if (s >= cutoff)
			break;
		if (open && open_end != s) {
			gap(r, g, prev, open_eff, warn);
			open = 0;
		}
		if (!open)
			prev = s;
		open = 1;
		open_end = e;
		open_eff = eff;
		for (size_t i = 0; i < g->ndays; i++)
			if (g->days[i]->day == d)
				m = g->days[i];
		if (!m)
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
			gap(r, g, prev, tf, warn);
			prev = tl < eff ? tl : tf;
		}
	}
	if (open)
		gap(r, g, prev, open_eff, warn);
}
