/* The end: the report as one JSON document. */

#include <stdio.h>
#include <stdlib.h>

#include "json/jsonl.h"
#include "report/report-counters.h"

struct entry {
	json_t *v;
	cg_time_t t;
	size_t i;
};

static int by_ts(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->i > y->i) - (x->i < y->i);	/* stable */
}

/* A list of entries in time order (they are settled in another). */
static void sort_by_ts(json_t *list)
{
	size_t n = json_array_size(list);
	struct entry *e = malloc((n ? n : 1) * sizeof(*e));

	if (!e)
		return;
	for (size_t i = 0; i < n; i++) {
		e[i].v = json_incref(json_array_get(list, i));
		e[i].i = i;
		e[i].t = 0;
		cg_time_parse(json_string_value(json_object_get(e[i].v, "ts")), 0, &e[i].t);
	}
	qsort(e, n, sizeof(*e), by_ts);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, e[i].v);
	free(e);
}

/* ---- the end: the sections ---- */

static json_t *counts_object(const unsigned long *n, const char *const *names, int count)
{
	json_t *o = json_object();

	for (int i = 0; i < count; i++)
		json_object_set_new(o, names[i], json_integer((json_int_t)n[i]));
	return o;
}

json_t *cg_report_reasons_object(const unsigned long *n, int all)
{
	json_t *o = json_object();

	for (int i = 0; i < CG_R_COUNT; i++)
		if (all || n[i])
			json_object_set_new(o, cg_reason_code(i), json_integer((json_int_t)n[i]));
	return o;
}

static void hhmm(int minute, char out[8])
{
	snprintf(out, 8, "%02u:%02u", (unsigned)minute / 60 % 100, (unsigned)minute % 60);
}

static json_t *policy_section(const struct cg_config *cfg)
{
	const struct cg_policy *p = &cfg->policy;
	json_t *o = json_object();
	char a[8], b[8];

	hhmm(p->duty_start_min, a);
	hhmm(p->duty_end_min, b);
	json_object_set_new(o, "fever_threshold", json_real(p->fever_threshold));
	json_object_set_new(o, "duty_hours", json_pack("[ss]", a, b));
	json_object_set_new(o, "duty_gap_max_min", json_integer(p->duty_gap_max_min));
	json_object_set_new(o, "visit_max_min", json_integer(p->visit_max_min));
	return o;
}

static void count_warning(json_t *warn, const char *code, unsigned long n)
{
	json_t *w;

	if (!n)
		return;
	w = json_object();
	json_object_set_new(w, "code", json_string(code));
	json_object_set_new(w, "count", json_integer((json_int_t)n));
	json_array_append_new(warn, w);
}

json_t *cg_report_finish(struct cg_report *r, const char *generator)
{
	json_t *rep = json_object(), *o, *hours, *gates, *visitors, *cases, *warn;
	int32_t since = r->since, until = r->until;
	cg_time_t pstart, pend, cutoff;
	unsigned long inside = 0;
	char date[CG_DATE_LEN];

	if (!r->fixed) {
		if (r->min_day <= r->max_day) {
			since = r->min_day;
			until = r->max_day;
		} else {
			since = until = cg_local_day(r->o.now, NULL);
		}
	}
	pstart = cg_report_day_start(since);
	pend = cg_report_day_start(until + 1);
	cutoff = r->o.now < pend ? r->o.now : pend;
	if (cutoff < pstart)
		cutoff = pstart;

	/* Warnings in a fixed order: the journals' (already there), then
	 * the gates', then the rest. */
	warn = r->warnings;
	cg_report_sweep(r, 1, cutoff, &inside);
	sort_by_ts(r->overstays);
	sort_by_ts(r->fevers);
	sort_by_ts(r->denials);

	json_object_set_new(rep, "merged", json_false());
	o = json_object();
	json_object_set_new(o, "code", json_string(r->cfg->compound_code));
	json_object_set_new(o, "name", json_string(r->cfg->compound_name));
	json_object_set_new(rep, "compound", o);
	if (since == until) {
		cg_day_format(since, date);
		json_object_set_new(rep, "date", json_string(date));
	}
	cg_json_set_day(rep, "since", since);
	cg_json_set_day(rep, "until", until);
	cg_json_set_time(rep, "generated_at", r->o.now);
	json_object_set_new(rep, "generator", json_string(generator));
	json_object_set_new(rep, "masked", json_boolean(r->o.mask));
	json_object_set_new(rep, "policy", policy_section(r->cfg));

	o = json_object();
	json_object_set_new(o, "events", json_integer((json_int_t)r->events));
	json_object_set_new(o, "in", json_integer((json_int_t)r->in));
	json_object_set_new(o, "out", json_integer((json_int_t)r->out));
	for (int d = 0; d < 3; d++)
		json_object_set_new(o, cg_report_decisions[d], json_integer((json_int_t)r->dec[d]));
	json_object_set_new(rep, "totals", o);
	json_object_set_new(rep, "kinds", counts_object(r->kinds, cg_report_kinds, NKINDS));
	json_object_set_new(rep, "reasons", cg_report_reasons_object(r->reasons, 1));

	gates = cg_report_gates_section(r, since, until, cutoff, &hours);
	json_object_set_new(rep, "gates", gates);
	json_object_set_new(rep, "hours", hours);
	json_object_set_new(rep, "temperatures", cg_report_temperatures_section(r));
	json_object_set_new(rep, "fevers", json_incref(r->fevers));
	json_object_set_new(rep, "denials", json_incref(r->denials));

	visitors = json_object();
	json_object_set_new(visitors, "count", json_integer((json_int_t)r->visitors_in));
	json_object_set_new(visitors, "refused", json_integer((json_int_t)r->visitors_refused));
	json_object_set_new(visitors, "out", json_integer((json_int_t)r->visitors_out));
	json_object_set_new(visitors, "inside", json_integer((json_int_t)inside));
	json_object_set_new(visitors, "overstay_count", json_integer((json_int_t)r->overstay_n));
	json_object_set_new(visitors, "overstays", json_incref(r->overstays));
	json_object_set_new(rep, "visitors", visitors);

	cases = cg_report_cases_section(r, since, until, pstart, cutoff, warn);
	json_object_set_new(rep, "cases", cases);
	json_object_set_new(rep, "passes", cg_report_passes_section(r, cutoff));
	json_object_set_new(rep, "journals", json_incref(r->journals));

	count_warning(warn, "visitor_overstay", r->overstay_n);
	if (!r->events) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("no_checkins"));
		json_array_append_new(warn, w);
	}
	count_warning(warn, "rejected_records", r->rejected);
	if (r->foreign) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("foreign_records"));
		json_object_set_new(w, "count", json_integer((json_int_t)r->foreign));
		json_object_set_new(w, "foreign", json_string(r->foreign_code));
		json_array_append_new(warn, w);
	}
	json_object_set_new(rep, "warnings", json_incref(warn));

	o = json_object();
	json_object_set_new(o, "fevers", json_integer((json_int_t)r->omit_fevers));
	json_object_set_new(o, "denials", json_integer((json_int_t)r->omit_denials));
	json_object_set_new(o, "overstays", json_integer((json_int_t)r->omit_overstays));
	json_object_set_new(o, "cases", json_incref(json_object_get(cases, "omitted")));
	json_object_del(cases, "omitted");
	json_object_set_new(rep, "omitted", o);
	json_object_set_new(rep, "unknown", json_integer((json_int_t)r->unknown));
	json_object_set_new(rep, "rejected", json_integer((json_int_t)r->rejected));
	json_object_set_new(rep, "outside", json_integer((json_int_t)r->outside));
	return rep;
}
