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
		if (g->len == len && !memcmp(g->name, name, len))
			return g;
	}
	for (size_t i = 0; i < r->ngates; i++) {
		g = r->gates[i];
		if (g->len == len && !memcmp(g->name, name, len)) {
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
	for (size_t i = 0; i < g->ndays; i++)
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
	for (int i = 0; i < CG_R_COUNT; i++)
		if (c->reasons & (1u << i)) {
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

static json_t *time_or_null(int have, cg_time_t t)
{
	char buf[CG_TIME_LEN];

	if (!have)
		return json_null();
	cg_time_format(t, buf);
	return json_string(buf);
}

json_t *cg_report_gates_section(struct cg_report *r, const struct period *p, json_t **hours)
{
	json_t *gates = json_object();

	*hours = json_object();
	for (size_t i = 0; i < r->ngates; i++) {
		struct gate *g = r->gates[i];
		json_t *o = json_object(), *h = json_object(), *hi = json_array(), *ho = json_array();

		cg_report_duty_gaps(r, g, p->since, p->until, p->cutoff, r->warnings);
		json_object_set_new(o, "in", json_integer((json_int_t)g->in));
		json_object_set_new(o, "out", json_integer((json_int_t)g->out));
		for (int d = 0; d < 3; d++)
			json_object_set_new(o, cg_report_decisions[d], json_integer((json_int_t)g->dec[d]));
		json_object_set_new(o, "reasons", cg_report_reasons_object(g->reasons, 0));
		json_object_set_new(o, "first", time_or_null(g->any, g->first));
		json_object_set_new(o, "last", time_or_null(g->any, g->last));
		json_object_set_new(o, "longest_gap_min", g->longest >= 0 ?
				    json_integer(g->longest) : json_null());
		json_object_set_new(o, "longest_gap_from", time_or_null(g->longest >= 0, g->gap_from));
		json_object_set_new(o, "longest_gap_to", time_or_null(g->longest >= 0, g->gap_to));
		json_object_set_new(gates, g->name, o);
		for (int k = 0; k < 24; k++) {
			json_array_append_new(hi, json_integer((json_int_t)g->hours_in[k]));
			json_array_append_new(ho, json_integer((json_int_t)g->hours_out[k]));
		}
		json_object_set_new(h, "in", hi);
		json_object_set_new(h, "out", ho);
		json_object_set_new(*hours, g->name, h);
	}
	return gates;
}
