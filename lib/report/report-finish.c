/* The end: the report as one JSON document. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
void cg_report_sort_by_ts(json_t *list)
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

static void count_warning(json_t *warn, const char *code, unsigned long n)
{
	if (n)
		json_array_append_new(warn, json_pack("{s:s, s:I}", "code", code,
						      "count", (json_int_t)n));
}

/* An alert about cases: how many, and which (the first 100). */
static void cases_warning(json_t *warn, const char *code, unsigned long n, json_t *cases)
{
	if (n)
		json_array_append_new(warn, json_pack("{s:s, s:I, s:O}", "code", code,
						      "count", (json_int_t)n, "cases", cases));
}

/* The warnings of the report as a whole, after the journals', the gates'
 * and the cases'. */
static void report_warnings(struct cg_report *r)
{
	size_t i;
	json_t *w;

	cg_report_sort_by_ts(r->fever_alerts);
	json_array_foreach(r->fever_alerts, i, w)
		json_array_append(r->warnings, w);
	json_array_foreach(r->exit_overdue, i, w)
		json_array_append(r->warnings, w);
	cases_warning(r->warnings, "observation_alert", r->alerts, r->alert_cases);
	cases_warning(r->warnings, "case_escalated", r->escalated, r->escalated_cases);
	count_warning(r->warnings, "visitor_overstay", r->overstay_n);
	cg_report_late_warning(r);
	cg_report_stray_warning(r);
	if (!r->events)
		json_array_append_new(r->warnings, json_pack("{s:s}", "code", "no_checkins"));
	count_warning(r->warnings, "rejected_records", r->rejected);
	if (r->foreign)
		json_array_append_new(r->warnings,
				      json_pack("{s:s, s:I, s:s}", "code", "foreign_records",
						"count", (json_int_t)r->foreign,
						"foreign", r->foreign_code));
}

/* The period: given, else the days of the records, else today. */
static void period_of(struct cg_report *r, struct period *p)
{
	cg_time_t end;

	p->since = r->since;
	p->until = r->until;
	if (!r->fixed && cg_report_span_period(r, &p->since, &p->until) < 0)
		p->since = p->until = cg_local_day(r->o.now, NULL);
	p->start = cg_report_day_start(p->since);
	end = cg_report_day_start(p->until + 1);
	p->cutoff = r->o.now < end ? r->o.now : end;
	if (p->cutoff < p->start)
		p->cutoff = p->start;
}

/* rep with key (its value stolen) placed after the key after. */
static json_t *insert_after(json_t *rep, const char *after, const char *key, json_t *val)
{
	json_t *out = json_object(), *v;
	const char *k;

	json_object_foreach(rep, k, v) {
		json_object_set(out, k, v);
		if (!strcmp(k, after))
			json_object_set_new(out, key, val);
	}
	json_decref(rep);
	return out;
}

json_t *cg_report_finish(struct cg_report *r, const char *generator)
{
	const struct cg_policy *pol = &r->cfg->policy;
	json_t *visitors, *gates, *hours, *cases, *duty_sec, *rep;
	char since[CG_DATE_LEN], until[CG_DATE_LEN], now[CG_TIME_LEN], duty[2][8], night[2][8];
	json_int_t omitted_cases;
	struct period p;

	period_of(r, &p);
	cg_day_format(p.since, since);
	cg_day_format(p.until, until);
	cg_time_format(r->o.now, now);
	hhmm(pol->duty_start_min, duty[0]);
	hhmm(pol->duty_end_min, duty[1]);
	hhmm(pol->night_start_min, night[0]);
	hhmm(pol->night_end_min, night[1]);
	visitors = cg_report_visitors_section(r, p.cutoff);
	cg_report_exits_settle(r, &p);
	cg_report_sort_by_ts(r->fevers);
	cg_report_sort_by_ts(r->denials);
	/* Warnings in a fixed order: the journals' (already there), then
	 * the gates', then the cases', then the rest. */
	gates = cg_report_gates_section(r, &p, &hours);
	cases = cg_report_cases_section(r, &p, &omitted_cases);
	duty_sec = cg_report_duty_section(r, &p);
	report_warnings(r);
	cg_report_warnings_order(r->warnings);

	rep = json_pack("{s:b, s:{s:s, s:s}, s:s*, s:s, s:s, s:s, s:s, s:b,"
			 " s:{s:f, s:[ss], s:i, s:[ss], s:i, s:i, s:i},"
			 " s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o,"
			 " s:o, s:o, s:o, s:o, s:O, s:O, s:o, s:o, s:o, s:O, s:O, s:O,"
			 " s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I}",
			 "merged", 0,
			 "compound", "code", r->cfg->compound_code, "name", r->cfg->compound_name,
			 "date", p.since == p.until ? since : NULL,
			 "since", since,
			 "until", until,
			 "generated_at", now,
			 "generator", generator,
			 "masked", r->o.mask,
			 "policy", "fever_threshold", pol->fever_threshold,
				   "duty_hours", duty[0], duty[1],
				   "duty_gap_max_min", pol->duty_gap_max_min,
				   "night_hours", night[0], night[1],
				   "night_gap_max_min", pol->night_gap_max_min,
				   "visit_max_min", pol->visit_max_min,
				   "visit_grace_min", pol->visit_grace_min,
			 "totals", "events", (json_int_t)r->events,
				   "in", (json_int_t)r->in,
				   "out", (json_int_t)r->out,
				   "admit", (json_int_t)r->dec[D_ADMIT],
				   "deny", (json_int_t)r->dec[D_DENY],
				   "refer", (json_int_t)r->dec[D_REFER],
			 "kinds", counts_object(r->kinds, cg_report_kinds, NKINDS),
			 "reasons", cg_report_reasons_object(r->reasons, 1),
			 "gates", gates,
			 "hours", hours,
			 "temperatures", cg_report_temperatures_section(r),
			 "fever", cg_report_fever_section(r),
			 "fevers", r->fevers,
			 "denials", r->denials,
			 "visitors", visitors,
			 "cases", cases,
			 "passes", cg_report_passes_section(r, p.cutoff),
			 "corrections", r->corrections,
			 "journals", r->journals,
			 "warnings", r->warnings,
			 "omitted", "fevers", (json_int_t)r->omit_fevers,
				    "denials", (json_int_t)r->omit_denials,
				    "overstays", (json_int_t)r->omit_overstays,
				    "cases", omitted_cases,
				    "corrections", (json_int_t)r->omit_corrections,
			 "unknown", (json_int_t)r->unknown,
			 "rejected", (json_int_t)r->rejected,
			 "outside", (json_int_t)r->outside);
	/* Only a compound that keeps a duty journal has the section. */
	return duty_sec && rep ? insert_after(rep, "passes", "duty", duty_sec) : rep;
}
