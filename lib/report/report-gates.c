/* Traffic at the gates: counts, hours, and when each gate saw events. */

#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "report/report-counters.h"

struct gate *cg_report_gate_new(struct cg_report *r, const char *name, size_t len)
{
	struct gate *g;

	if (r->ngates == CG_REPORT_MAX_GATES || !(g = calloc(1, sizeof(*g))))
		return NULL;
	memcpy(g->name, name, len);
	g->name[len] = '\0';
	g->len = len;
	g->longest = -1;
	r->gates[r->ngates++] = g;
	return g;
}

/* ---- counting a check-in ---- */

static struct gate *gate_of(struct cg_report *r, const char *name, size_t len)
{
	struct gate *g;

	if (r->last_gate < r->ngates) {
		g = r->gates[r->last_gate];
		if (g->len == len && cg_scan_same(g->name, name, len))
			return g;
	}
	for (size_t i = 0; i < r->ngates; i++) {
		g = r->gates[i];
		if (g->len == len && cg_scan_same(g->name, name, len)) {
			r->last_gate = i;
			return g;
		}
	}
	if (!(g = cg_report_gate_new(r, name, len)))
		return NULL;
	r->last_gate = r->ngates - 1;
	return g;
}

/* Minute maps in all (3 kB each): a period of years at many gates is
 * refused rather than let grow. */
#define DAYMAPS_MAX 8192

static struct daymap *daymap_of(struct cg_report *r, struct gate *g, int32_t day)
{
	struct daymap *m;

	if (g->last_day < g->ndays && g->days[g->last_day]->day == day)
		return g->days[g->last_day];
	/* Records come a day after another: a day after every day the gate
	 * has is new, without a search (a ten-year period was quadratic). */
	for (size_t i = 0; g->ndays && day <= g->max_day && i < g->ndays; i++)
		if (g->days[i]->day == day) {
			g->last_day = i;
			return g->days[i];
		}
	if (g->ndays == g->alloc) {
		size_t alloc = g->alloc ? g->alloc * 2 : 4;
		struct daymap **d = realloc(g->days, alloc * sizeof(*d));

		if (!d)
			return NULL;
		g->days = d;
		g->alloc = alloc;
	}
	if (r->daymaps >= DAYMAPS_MAX || !(m = malloc(sizeof(*m))))
		return NULL;
	r->daymaps++;
	m->day = day;
	m->start = cg_report_day_start(day);
	memset(m->first, 0xFF, sizeof(m->first));
	memset(m->last, 0xFF, sizeof(m->last));
	g->last_day = g->ndays;
	if (!g->ndays || day > g->max_day)
		g->max_day = day;
	g->days[g->ndays++] = m;
	return m;
}

static int mark_time(struct cg_report *r, struct gate *g, int32_t day, cg_time_t at)
{
	struct daymap *m = daymap_of(r, g, day);
	int64_t e;
	int min, sec;

	if (!m)
		return -1;
	e = at - m->start;
	if (e < 0 || e >= DAY_MINUTES * 60)
		return 0;
	min = (int)(e / 60);
	sec = (int)(e % 60);
	if (m->first[min] == 0xFF) {
		m->first[min] = m->last[min] = (unsigned char)sec;
	} else {
		if (sec < m->first[min])
			m->first[min] = (unsigned char)sec;
		if (sec > m->last[min])
			m->last[min] = (unsigned char)sec;
	}
	return 0;
}

/* A check-in in the totals and in its gate's counts, hours and minutes. */
int cg_report_count_traffic(struct cg_report *r, const struct checkin *c, int32_t day,
			    int sec, struct cg_err *err)
{
	struct gate *g = gate_of(r, c->gate, c->gate_len);
	int hour = sec / 3600 > 23 ? 23 : sec / 3600;

	if (!g)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("more than %d gates"), CG_REPORT_MAX_GATES);
	if (c->in) {
		r->in++;
		g->in++;
		g->hours_in[hour]++;
	} else {
		r->out++;
		g->out++;
		g->hours_out[hour]++;
	}
	r->dec[c->decision]++;
	g->dec[c->decision]++;
	r->kinds[c->kind]++;
	/* The reasons given, most records none: by their bits. */
	for (unsigned m = c->reasons; m; m &= m - 1) {
		int i = __builtin_ctz(m);

		r->reasons[i]++;
		g->reasons[i]++;
	}
	if (!g->any || c->at < g->first)
		g->first = c->at;
	if (!g->any || c->at > g->last)
		g->last = c->at;
	g->any = 1;
	if (mark_time(r, g, day, c->at) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("more than %d gate-days: report a shorter period (--since, --until)"),
				  DAYMAPS_MAX);
	return 0;
}

/* t as text in buf, or NULL when there is none. */
static const char *time_or_null(int have, cg_time_t t, char buf[CG_TIME_LEN])
{
	if (!have)
		return NULL;
	cg_time_format(t, buf);
	return buf;
}

static json_t *gate_object(const struct gate *g)
{
	char first[CG_TIME_LEN], last[CG_TIME_LEN], from[CG_TIME_LEN], to[CG_TIME_LEN];
	int gap = g->longest >= 0;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:s?, s:s?, s:o, s:s?, s:s?}",
			 "in", (json_int_t)g->in,
			 "out", (json_int_t)g->out,
			 "admit", (json_int_t)g->dec[D_ADMIT],
			 "deny", (json_int_t)g->dec[D_DENY],
			 "refer", (json_int_t)g->dec[D_REFER],
			 "reasons", cg_report_reasons_object(g->reasons, 0),
			 "first", time_or_null(g->any, g->first, first),
			 "last", time_or_null(g->any, g->last, last),
			 "longest_gap_min", gap ? json_integer(g->longest) : json_null(),
			 "longest_gap_from", time_or_null(gap, g->gap_from, from),
			 "longest_gap_to", time_or_null(gap, g->gap_to, to));
}

static json_t *hour_counts(const unsigned long n[24])
{
	json_t *a = json_array();

	for (int k = 0; k < 24; k++)
		json_array_append_new(a, json_integer((json_int_t)n[k]));
	return a;
}

json_t *cg_report_gates_section(struct cg_report *r, const struct period *p, json_t **hours)
{
	json_t *gates = json_object();

	*hours = json_object();
	for (size_t i = 0; i < r->ngates; i++) {
		struct gate *g = r->gates[i];

		cg_report_duty_gaps(r, g, p->since, p->until, p->cutoff, r->warnings);
		json_object_set_new(gates, g->name, gate_object(g));
		json_object_set_new(*hours, g->name, json_pack("{s:o, s:o}",
							       "in", hour_counts(g->hours_in),
							       "out", hour_counts(g->hours_out)));
	}
	return gates;
}
