/*
 * The duty section (cg-duty's journal): per gate the minutes of duty
 * hours with a guard signed on, the check-ins with nobody signed on, the
 * tasks done and missed, the stock, the care calls; and the alerts
 * gate_unstaffed and register_without_guard, which replace the guess from
 * traffic (gate_unattended) at the gates where guards sign on.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "report/report-counters.h"
#include "rules/duty.h"

static const char *const duty_events[] = { "on", "off", "done", "alert", "stock", NULL };

int cg_report_is_duty_event(const char *event, const json_t *rec)
{
	if (json_object_get(rec, "case_id") || json_object_get(rec, "pass_id"))
		return 0;
	for (int i = 0; duty_events[i]; i++)
		if (!strcmp(event, duty_events[i]))
			return json_object_get(rec, "guard") || json_object_get(rec, "task") ||
			       json_object_get(rec, "item");
	return !strcmp(event, "care") && json_object_get(rec, "care_id");
}

int cg_report_duty_event(struct cg_report *r, const json_t *rec, char *why, size_t whylen,
			 struct cg_err *err)
{
	cg_time_t at;
	int32_t day;

	if (cg_report_event_time(r, rec, &at, &day, why, whylen))
		return 1;
	if (!r->duty) {
		if (!(r->duty = calloc(1, sizeof(*r->duty))))
			return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
		cg_dutybook_init(r->duty);
	}
	r->duty_events++;
	if (cg_dutybook_apply(r->duty, rec, err) < 0) {
		/* A record the fold cannot take is a bad line here. */
		snprintf(why, whylen, "%s", err->msg);
		return 1;
	}
	return 0;
}

void cg_report_duty_free(struct cg_report *r)
{
	if (r->duty)
		cg_dutybook_release(r->duty);
	free(r->duty);
}

static int gate_signs_on(const struct cg_dutybook *b, const char *gate)
{
	for (size_t i = 0; b && i < b->nstints; i++)
		if (!strcmp(b->stints[i].gate, gate))
			return 1;
	return 0;
}

/* At a check-in: is somebody signed on at its gate?  Only gates where
 * guards sign on are looked at (and the duty journal is read first). */
void cg_report_duty_checkin(struct cg_report *r, const struct checkin *c)
{
	const struct cg_dutybook *b = r->duty;

	if (!b || !gate_signs_on(b, c->gate))
		return;
	for (size_t i = 0; i < b->nstints; i++) {
		const struct cg_duty_stint *s = &b->stints[i];

		if (!strcmp(s->gate, c->gate) && s->on <= c->at && (s->off < 0 || c->at < s->off))
			return;
	}
	for (size_t i = 0; i < r->ngates; i++)
		if (!strcmp(r->gates[i]->name, c->gate)) {
			r->gates[i]->unguarded++;
			break;
		}
}

/* ---- the section ---- */

/* Minutes of duty hours of the period up to cutoff at g, and of them
 * those with a guard on. */
static void gate_minutes(const struct cg_report *r, const char *gate, const struct period *p,
			 long *duty_min, long *staffed_min)
{
	struct cg_duty duty;

	cg_config_gate_duty(r->cfg, gate, &duty);
	*duty_min = *staffed_min = 0;
	for (int32_t d = p->since; d <= p->until; d++) {
		cg_time_t s = cg_report_local_at(d, duty.start_min);
		cg_time_t e = cg_report_local_at(d, duty.end_min);

		if (e > p->cutoff)
			e = p->cutoff;
		if (e <= s)
			continue;
		*duty_min += (long)((e - s) / 60);
		*staffed_min += cg_duty_covered_min(r->duty, gate, s, e, p->cutoff);
	}
}

/* Drop the gate_unattended warning of gate: sign-ons say it exactly. */
static void drop_gap_warning(json_t *warnings, const char *gate)
{
	for (size_t i = json_array_size(warnings); i > 0; i--) {
		const json_t *w = json_array_get(warnings, i - 1);
		const char *code = json_string_value(json_object_get(w, "code"));
		const char *g = json_string_value(json_object_get(w, "gate"));

		if (code && g && !strcmp(code, "gate_unattended") && !strcmp(g, gate))
			json_array_remove(warnings, i - 1);
	}
}

static json_t *gates_part(struct cg_report *r, const struct period *p)
{
	json_t *gates = json_object();

	for (size_t i = 0; i < r->ngates; i++) {
		const struct gate *g = r->gates[i];
		long duty_min, staffed;

		if (!gate_signs_on(r->duty, g->name))
			continue;
		gate_minutes(r, g->name, p, &duty_min, &staffed);
		json_object_set_new(gates, g->name,
				    json_pack("{s:I, s:I, s:I, s:I}",
					      "duty_min", (json_int_t)duty_min,
					      "staffed_min", (json_int_t)staffed,
					      "unstaffed_min", (json_int_t)(duty_min - staffed),
					      "checkins_without_guard", (json_int_t)g->unguarded));
		drop_gap_warning(r->warnings, g->name);
		if (duty_min > staffed)
			json_array_append_new(r->warnings,
					      json_pack("{s:s, s:s, s:s, s:I}", "code", "gate_unstaffed",
							"severity", "alert", "gate", g->name,
							"unstaffed_min", (json_int_t)(duty_min - staffed)));
		if (g->unguarded)
			json_array_append_new(r->warnings,
					      json_pack("{s:s, s:s, s:s, s:I}", "code",
							"register_without_guard", "severity", "alert",
							"gate", g->name, "count", (json_int_t)g->unguarded));
	}
	return gates;
}

static void add_to(json_t *sum, const json_t *rec, const char *key)
{
	json_object_set_new(sum, key, json_integer(json_integer_value(json_object_get(sum, key)) +
						   json_integer_value(json_object_get(rec, key))));
}

/* The levels at the end of the period, as cg-duty stock prints them. */
static json_t *stock_part(const struct cg_dutywork *w, unsigned long *low)
{
	json_t *items = json_array();
	struct cg_loop lp;
	struct cg_err err;

	memset(&lp, 0, sizeof(lp));
	lp.collect = items;
	if (cg_duty_stock_levels(w, &lp, low, &err) < 0)
		json_array_clear(items);
	return items;
}

/* The slots of the period's days up to cutoff, done and missed, per task
 * (summed over its places), by cg-duty due's own rules. */
static void tasks_part(const struct cg_dutywork *w, const struct period *p, json_t *tasks,
		       long *care_done, long *care_missed)
{
	for (int32_t d = p->since; d <= p->until; d++) {
		json_t *recs = json_array(), *rec;
		struct cg_loop lp;
		struct cg_err err;
		size_t i;

		memset(&lp, 0, sizeof(lp));
		lp.collect = recs;
		cg_duty_slots(w, d, &lp, &err);
		json_array_foreach(recs, i, rec) {
			const char *task = json_string_value(json_object_get(rec, "task"));
			json_t *t = json_object_get(tasks, task);

			if (!t) {
				t = json_pack("{s:I, s:I, s:I}", "slots", (json_int_t)0,
					      "done", (json_int_t)0, "missed", (json_int_t)0);
				json_object_set_new(tasks, task, t);
			}
			add_to(t, rec, "slots");
			add_to(t, rec, "done");
			add_to(t, rec, "missed");
			if (json_is_true(json_object_get(rec, "care"))) {
				*care_done += json_integer_value(json_object_get(rec, "done"));
				*care_missed += json_integer_value(json_object_get(rec, "missed"));
			}
		}
		json_decref(recs);
	}
}

/* A time field of a need, or when: 0, or -1 when it has none. */
static int need_time(const json_t *need, const char *key, cg_time_t *when)
{
	const char *ts = json_string_value(json_object_get(need, key));

	return ts && cg_time_parse(ts, 0, when) == 0 ? 0 : -1;
}

/*
 * The needs of households under observation (cg-quarantine need), as
 * cg-duty due and done see them: open at the end of the period (of the
 * cases open or escalated then), delivered on a day of the period, and
 * missed: asked on a day of the period that has ended without delivery.
 */
static json_t *needs_part(const struct cg_report *r, const struct period *p)
{
	json_int_t open = 0, delivered = 0, missed = 0;

	for (size_t i = 0; i < r->cases.ncases; i++) {
		const struct cg_case *c = r->cases.list[i];
		int active = c->status == CG_CASE_OPEN || c->status == CG_CASE_ESCALATED;
		const json_t *need;
		size_t k;

		json_array_foreach(c->needs, k, need) {
			int done = json_is_true(json_object_get(need, "done"));
			cg_time_t asked, at = CG_TIME_MAX, day_end;
			int32_t day;

			if (need_time(need, "ts", &asked) < 0)
				continue;
			if (done && need_time(need, "done_at", &at) < 0)
				at = asked;
			open += !done && active;
			day = done ? cg_local_day(at, NULL) : 0;
			delivered += done && day >= p->since && day <= p->until;
			day = cg_local_day(asked, NULL);
			day_end = cg_report_local_at(day + 1, 0);
			missed += day >= p->since && day <= p->until && day_end <= p->cutoff &&
				  at >= day_end;
		}
	}
	return json_pack("{s:I, s:I, s:I}", "open", open, "delivered", delivered,
			 "missed", missed);
}

json_t *cg_report_duty_section(struct cg_report *r, const struct period *p)
{
	struct cg_duty_plan plan;
	struct cg_duty_observed observed;
	struct cg_dutywork w;
	struct cg_err err;
	json_t *sec, *tasks, *ledger;
	long care_done = 0, care_missed = 0;
	unsigned long low = 0;

	if (!r->duty)
		return NULL;
	tasks = json_object();
	if (cg_duty_plan_load(&plan, r->cfg, &err) < 0)
		memset(&plan, 0, sizeof(plan));
	memset(&w, 0, sizeof(w));
	w.cfg = r->cfg;
	w.plan = &plan;
	w.book = r->duty;
	w.now = p->cutoff;
	/* Who was under observation: the cases as folded to the period's end. */
	cg_duty_observed_init(&observed);
	if (cg_duty_plan_observes(&plan) && cg_duty_observed_build(&observed, &r->cases, &err) == 0)
		w.observed = &observed;
	tasks_part(&w, p, tasks, &care_done, &care_missed);
	cg_duty_observed_release(&observed);
	ledger = cg_duty_ledger(&plan, r->duty);
	sec = json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I}, s:o, s:I}",
			"gates", gates_part(r, p),
			"tasks", tasks,
			"stock", stock_part(&w, &low),
			"care", "entries", (json_int_t)json_object_size(ledger),
				"calls", (json_int_t)care_done, "missed", (json_int_t)care_missed,
			"needs", needs_part(r, p),
			"staff_fevers", (json_int_t)r->duty->alerts);
	if (care_missed)
		json_array_append_new(r->warnings, json_pack("{s:s, s:s, s:I}", "code",
							     "care_call_missed", "severity", "warning",
							     "count", (json_int_t)care_missed));
	if (low)
		json_array_append_new(r->warnings, json_pack("{s:s, s:s, s:I}", "code", "stock_low",
							     "severity", "warning",
							     "count", (json_int_t)low));
	json_decref(ledger);
	cg_duty_plan_release(&plan);
	return sec;
}

/* ---- --merge ---- */

static void sum_obj(json_t *dst, const json_t *src)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)src, k, v)
		if (json_is_integer(v))
			json_object_set_new(dst, k, json_integer(json_integer_value(json_object_get(dst, k)) +
							       json_integer_value(v)));
}

static json_t *obj_of(json_t *o, const char *key)
{
	json_t *s = json_object_get(o, key);

	if (!s) {
		s = json_object();
		json_object_set_new(o, key, s);
	}
	return s;
}

/* An item's levels summed over the compounds; per day and days left
 * follow from the sums, and "low" counts the compounds under minimum. */
static void sum_stock(json_t *items, const json_t *stock)
{
	size_t i;
	json_t *v;

	json_array_foreach(stock, i, v) {
		const char *item = json_string_value(json_object_get(v, "item"));
		json_t *s;
		double level, issued;

		if (!item)
			continue;
		s = obj_of(items, item);
		level = json_number_value(json_object_get(s, "level")) +
			json_number_value(json_object_get(v, "level"));
		issued = json_number_value(json_object_get(s, "issued_7d")) +
			 json_number_value(json_object_get(v, "issued_7d"));
		json_object_set_new(s, "item", json_string(item));
		json_object_set_new(s, "level", json_real(level));
		if (json_is_string(json_object_get(v, "unit")))
			json_object_set(s, "unit", json_object_get(v, "unit"));
		json_object_set_new(s, "issued_7d", json_real(issued));
		json_object_set_new(s, "per_day", json_real(round(issued / 7 * 100) / 100));
		json_object_set_new(s, "days_left", issued > 0 ?
				    json_integer((json_int_t)floor(level / (issued / 7))) : json_null());
		/* A compound's "low", or a roll-up's count of them. */
		json_object_set_new(s, "low_compounds",
				    json_integer(json_integer_value(json_object_get(s, "low_compounds")) +
						 json_is_true(json_object_get(v, "low")) +
						 json_integer_value(json_object_get(v, "low_compounds"))));
	}
}

void cg_report_duty_merge(json_t *acc, const json_t *duty, const char *code)
{
	const char *k;
	json_t *v;
	char key[256];

	if (!duty)
		return;
	json_object_foreach(json_object_get(duty, "gates"), k, v) {
		snprintf(key, sizeof(key), "%s%s%s", code ? code : "", code ? "/" : "", k);
		sum_obj(obj_of(obj_of(acc, "gates"), key), v);
	}
	json_object_foreach(json_object_get(duty, "tasks"), k, v)
		sum_obj(obj_of(obj_of(acc, "tasks"), k), v);
	sum_stock(obj_of(acc, "stock_items"), json_object_get(duty, "stock"));
	sum_obj(obj_of(acc, "care"), json_object_get(duty, "care"));
	/* A report made before the needs were in the section has none. */
	if (json_object_get(duty, "needs"))
		sum_obj(obj_of(acc, "needs"), json_object_get(duty, "needs"));
	json_object_set_new(acc, "staff_fevers",
			    json_integer(json_integer_value(json_object_get(acc, "staff_fevers")) +
					 json_integer_value(json_object_get(duty, "staff_fevers"))));
}

json_t *cg_report_duty_merged(const json_t *acc)
{
	json_t *stock = json_array(), *v;
	const char *k;

	json_t *out;

	json_object_foreach(json_object_get(acc, "stock_items"), k, v)
		json_array_append(stock, v);
	out = json_pack("{s:O, s:O, s:o, s:O}",
			"gates", obj_of((json_t *)acc, "gates"),
			"tasks", obj_of((json_t *)acc, "tasks"),
			"stock", stock,
			"care", obj_of((json_t *)acc, "care"));
	if (json_object_get(acc, "needs"))
		json_object_set(out, "needs", json_object_get(acc, "needs"));
	json_object_set_new(out, "staff_fevers",
			    json_integer(json_integer_value(json_object_get(acc, "staff_fevers"))));
	return out;
}
