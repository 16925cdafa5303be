/*
 * cg-duty's plan (config "duty"), its fold and the rules of on, off, done
 * and stock.  What is due is in duty-due.c, the supplies in duty-stock.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/runlock.h"
#include "core/mask.h"
#include "rules/duty.h"
#include "rules/person.h"
#include "rules/validate.h"
#include "store/journal.h"

/* How far ahead of the clock an event may be dated: a device's clock. */
#define FUTURE_SLACK 300

/* Fields no input sets: the command writes them. */
static const char *const reserved[] = {
	"ts", "compound", "event", "seq", "chain", "severity", "reason", "slot", NULL
};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* ---- the plan ---- */

/* ["HH:MM","HH:MM"]: an end at or before the start is the next day's. */
static int read_span(const json_t *v, struct cg_duty_span *s)
{
	if (json_array_size(v) != 2 || cg_config_hhmm(json_array_get(v, 0), &s->start) < 0 ||
	    cg_config_hhmm(json_array_get(v, 1), &s->end) < 0 || s->start == 24 * 60)
		return -1;
	if (s->end <= s->start)
		s->end += 24 * 60;
	return 0;
}

static int bad_key(struct cg_err *err, const char *what, const char *key)
{
	return cg_err_set(err, CG_EXIT_SYSTEM, _("config.json: 'duty.%s.%s' %s"),
			  what, key, _("is not valid (see cg-duty(1), THE PLAN)"));
}

static int read_roster(const struct cg_duty_plan *p, const struct cg_config *cfg,
		       struct cg_err *err)
{
	const char *gate;
	json_t *shifts, *s;
	size_t i;

	if (p->roster && !json_is_object(p->roster))
		return bad_key(err, "roster", "");
	json_object_foreach((json_t *)p->roster, gate, shifts) {
		struct cg_duty_span span;

		if (!cg_config_has_gate(cfg, gate) || !json_is_array(shifts) ||
		    json_array_size(shifts) > CG_DUTY_MAX_SHIFTS)
			return bad_key(err, "roster", gate);
		json_array_foreach(shifts, i, s)
			if (read_span(s, &span) < 0)
				return bad_key(err, "roster", gate);
	}
	return 0;
}

static int read_count(const json_t *v, int lo, int hi, int *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return -1;
	*out = (int)json_integer_value(v);
	return 0;
}

static int read_task(struct cg_duty_task *t, const char *name, const json_t *v)
{
	const char *key, *per;
	json_t *val, *place;
	size_t i;

	memset(t, 0, sizeof(*t));
	/* "need" is the task of the deliveries of cg-quarantine's needs. */
	if (!json_is_object(v) || strlen(name) >= sizeof(t->name) || !*name ||
	    !strcmp(name, "need"))
		return -1;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->hours.start = 0;
	t->hours.end = 24 * 60;
	json_object_foreach((json_t *)v, key, val) {
		if (!strcmp(key, "places")) {
			if (!json_is_array(val) || !json_array_size(val))
				return -1;
			json_array_foreach(val, i, place)
				if (!json_is_string(place) || !json_string_length(place))
					return -1;
			t->places = val;
		} else if (!strcmp(key, "per")) {
			per = json_string_value(val);
			t->per_shift = per && !strcmp(per, "shift");
			t->per_care = per && !strcmp(per, "care");
			t->per_observed = per && !strcmp(per, "observed");
			if (!t->per_shift && !t->per_care && !t->per_observed)
				return -1;
		} else if (!strcmp(key, "times")) {
			if (read_count(val, 1, 96, &t->times) < 0)
				return -1;
		} else if (!strcmp(key, "every_min")) {
			if (read_count(val, 5, 1440, &t->every_min) < 0)
				return -1;
		} else if (!strcmp(key, "hours")) {
			if (read_span(val, &t->hours) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	/* One way to name the places, one way to cut the day. */
	if (!!t->places + t->per_shift + t->per_care + t->per_observed != 1 ||
	    (t->per_shift && (t->times || t->every_min)) || (t->times && t->every_min))
		return -1;
	if (!t->per_shift && !t->times && !t->every_min)
		t->times = 1;
	return 0;
}

static int read_tasks(struct cg_duty_plan *p, const json_t *tasks, struct cg_err *err)
{
	const char *name;
	json_t *v;

	if (tasks && !json_is_object(tasks))
		return bad_key(err, "tasks", "");
	p->tasks = calloc(json_object_size(tasks) + 1, sizeof(*p->tasks));
	if (!p->tasks)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	json_object_foreach((json_t *)tasks, name, v)
		if (read_task(&p->tasks[p->ntasks++], name, v) < 0)
			return bad_key(err, "tasks", name);
	return 0;
}

static int read_care_stock(const struct cg_duty_plan *p, struct cg_err *err)
{
	const char *key;
	json_t *v, *min;

	if (p->care && !json_is_object(p->care))
		return bad_key(err, "care", "");
	json_object_foreach((json_t *)p->care, key, v)
		if (!json_is_object(v) || !*key)
			return bad_key(err, "care", key);
	if (p->stock && !json_is_object(p->stock))
		return bad_key(err, "stock", "");
	json_object_foreach((json_t *)p->stock, key, v) {
		min = json_object_get(v, "min");
		if (!json_is_object(v) || !*key ||
		    (min && (!json_is_number(min) || json_number_value(min) < 0)) ||
		    (json_object_get(v, "unit") && !json_is_string(json_object_get(v, "unit"))))
			return bad_key(err, "stock", key);
	}
	return 0;
}

int cg_duty_plan_load(struct cg_duty_plan *p, const struct cg_config *cfg,
		      struct cg_err *err)
{
	const json_t *duty = json_object_get(cfg->root, "duty");
	const char *key;
	json_t *v;

	memset(p, 0, sizeof(*p));
	json_object_foreach((json_t *)duty, key, v)
		if (strcmp(key, "roster") && strcmp(key, "tasks") && strcmp(key, "care") &&
		    strcmp(key, "stock"))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("config.json: unknown key 'duty.%s'"), key);
	p->roster = json_object_get(duty, "roster");
	p->care = json_object_get(duty, "care");
	p->stock = json_object_get(duty, "stock");
	if (read_roster(p, cfg, err) < 0 || read_tasks(p, json_object_get(duty, "tasks"), err) < 0 ||
	    read_care_stock(p, err) < 0) {
		cg_duty_plan_release(p);
		return -1;
	}
	return 0;
}

void cg_duty_plan_release(struct cg_duty_plan *p)
{
	free(p->tasks);
	memset(p, 0, sizeof(*p));
}

int cg_duty_plan_shifts(const struct cg_duty_plan *p, const char *gate,
			struct cg_duty_span *out, int max)
{
	const json_t *shifts = json_object_get(p->roster, gate);
	int n = 0;

	for (size_t i = 0; i < json_array_size(shifts) && n < max; i++)
		if (read_span(json_array_get(shifts, i), &out[n]) == 0)
			n++;
	return n;
}

const struct cg_duty_task *cg_duty_plan_task(const struct cg_duty_plan *p, const char *name)
{
	for (size_t i = 0; i < p->ntasks; i++)
		if (!strcmp(p->tasks[i].name, name))
			return &p->tasks[i];
	return NULL;
}

/* ---- the fold ---- */

void cg_dutybook_init(struct cg_dutybook *b)
{
	memset(b, 0, sizeof(*b));
	b->task_names = json_object();
	b->place_names = json_object();
	b->item_names = json_object();
	b->item_units = json_object();
	b->care = json_object();
}

void cg_dutybook_release(struct cg_dutybook *b)
{
	for (size_t i = 0; i < b->nstints; i++) {
		free(b->stints[i].gate);
		free(b->stints[i].guard);
	}
	free(b->stints);
	free(b->done);
	free(b->moves);
	json_decref(b->task_names);
	json_decref(b->place_names);
	json_decref(b->item_names);
	json_decref(b->item_units);
	json_decref(b->care);
	memset(b, 0, sizeof(*b));
}

/* The index of name in names, added when new. */
static uint32_t intern(json_t *names, const char *name)
{
	json_t *v = json_object_get(names, name);
	size_t n;

	if (v)
		return (uint32_t)json_integer_value(v);
	n = json_object_size(names);
	json_object_set_new(names, name, json_integer((json_int_t)n));
	return (uint32_t)n;
}

/* Room for one more of an array of size elements. */
static int grow(void **arr, size_t *alloc, size_t n, size_t size, struct cg_err *err)
{
	void *p;
	size_t a;

	if (n < *alloc)
		return 0;
	a = *alloc ? *alloc * 2 : 64;
	if (!(p = realloc(*arr, a * size)))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	*arr = p;
	*alloc = a;
	return 0;
}

struct cg_duty_stint *cg_dutybook_on(const struct cg_dutybook *b, const char *guard)
{
	for (size_t i = b->nstints; i > 0; i--) {
		struct cg_duty_stint *s = &b->stints[i - 1];

		if (s->off < 0 && !strcmp(s->guard, guard))
			return s;
	}
	return NULL;
}

static int event_time(const json_t *ev, cg_time_t *at)
{
	return cg_time_parse(json_string_value(json_object_get(ev, "ts")) ?
			     json_string_value(json_object_get(ev, "ts")) : "", 0, at);
}

static int apply_stint(struct cg_dutybook *b, const json_t *ev, int on, cg_time_t at,
		       struct cg_err *err)
{
	const char *gate = json_string_value(json_object_get(ev, "gate"));
	const char *guard = json_string_value(json_object_get(ev, "guard"));
	struct cg_duty_stint *s;

	if (!gate || !guard)
		return cg_err_set(err, CG_EXIT_DAMAGED, "%s",
				  _("journal/duty.jsonl: an on or off event without gate or guard"));
	if (!on) {
		if ((s = cg_dutybook_on(b, guard)))
			s->off = at;
		return 0;
	}
	if (grow((void **)&b->stints, &b->astints, b->nstints, sizeof(*b->stints), err) < 0)
		return -1;
	s = &b->stints[b->nstints];
	if (!(s->gate = strdup(gate)) || !(s->guard = strdup(guard))) {
		free(s->gate);
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	}
	s->on = at;
	s->off = -1;
	b->nstints++;
	return 0;
}

static int apply_done(struct cg_dutybook *b, const json_t *ev, cg_time_t at,
		      struct cg_err *err)
{
	const char *task = json_string_value(json_object_get(ev, "task"));
	const char *place = json_string_value(json_object_get(ev, "place"));
	struct cg_duty_done *d;

	if (!task || !place)
		return 0;
	if (grow((void **)&b->done, &b->adone, b->ndone, sizeof(*b->done), err) < 0)
		return -1;
	d = &b->done[b->ndone++];
	d->task = intern(b->task_names, task);
	d->place = intern(b->place_names, place);
	d->at = at;
	return 0;
}

static int apply_stock(struct cg_dutybook *b, const json_t *ev, cg_time_t at,
		       struct cg_err *err)
{
	const char *item = json_string_value(json_object_get(ev, "item"));
	const char *op = json_string_value(json_object_get(ev, "op"));
	const json_t *unit = json_object_get(ev, "unit");
	struct cg_duty_move *m;

	if (!item || !op)
		return 0;
	if (grow((void **)&b->moves, &b->amoves, b->nmoves, sizeof(*b->moves), err) < 0)
		return -1;
	m = &b->moves[b->nmoves++];
	m->item = intern(b->item_names, item);
	m->issue = !strcmp(op, "issue");
	m->qty = json_number_value(json_object_get(ev, "qty"));
	m->at = at;
	if (json_is_string(unit))
		json_object_set(b->item_units, item, (json_t *)unit);
	return 0;
}

/* Fields of a care event that are not the entry's. */
static const char *const care_meta[] = {
	"ts", "compound", "event", "op", "care_id", "seq", "chain", NULL
};

static int apply_care(struct cg_dutybook *b, const json_t *ev)
{
	const char *id = json_string_value(json_object_get(ev, "care_id"));
	const char *op = json_string_value(json_object_get(ev, "op"));
	json_t *cur, *entry, *val;
	const char *key;

	if (!id || !op)
		return 0;
	if (!strcmp(op, "remove"))
		return json_object_set_new(b->care, id, json_null());
	cur = json_object_get(b->care, id);
	if (!strcmp(op, "add") || !json_is_object(cur)) {
		cur = json_pack("{s:o, s:b}", "entry", json_object(), "whole", !strcmp(op, "add"));
		json_object_set_new(b->care, id, cur);
	}
	entry = json_object_get(cur, "entry");
	json_object_foreach((json_t *)ev, key, val)
		if (!in_list(key, care_meta))
			json_object_set(entry, key, val);
	return 0;
}

int cg_duty_care_has(const struct cg_duty_plan *p, const struct cg_dutybook *b, const char *id)
{
	const json_t *v = json_object_get(b->care, id);

	if (v)
		return !json_is_null(v);
	return json_object_get(p->care, id) != NULL;
}

json_t *cg_duty_ledger(const struct cg_duty_plan *p, const struct cg_dutybook *b)
{
	json_t *out = p->care ? json_deep_copy(p->care) : json_object(), *v, *e;
	const char *id;

	json_object_foreach(b->care, id, v) {
		if (json_is_null(v)) {
			json_object_del(out, id);
			continue;
		}
		e = json_object_get(out, id);
		if (e && !json_is_true(json_object_get(v, "whole"))) {
			json_object_update(e, json_object_get(v, "entry"));
			continue;
		}
		/* Added (again): after the others, wherever the seed had it,
		 * so that the order is the book's alone, snapshot or not. */
		json_object_del(out, id);
		json_object_set_new(out, id, json_deep_copy(json_object_get(v, "entry")));
	}
	return out;
}

int cg_dutybook_apply(struct cg_dutybook *b, const json_t *ev, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(ev, "event"));
	cg_time_t at;

	if (!event || event_time(ev, &at) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED, "%s",
				  _("journal/duty.jsonl: an event without event or ts"));
	if (!strcmp(event, "on") || !strcmp(event, "off"))
		return apply_stint(b, ev, !strcmp(event, "on"), at, err);
	if (!strcmp(event, "done"))
		return apply_done(b, ev, at, err);
	if (!strcmp(event, "stock"))
		return apply_stock(b, ev, at, err);
	if (!strcmp(event, "care"))
		return apply_care(b, ev);
	if (!strcmp(event, "alert"))
		b->alerts++;
	return 0;
}

/* ---- locking ---- */

int cg_duty_lock(const struct cg_home *h, const struct cg_notifier *n, struct cg_err *err)
{
	return cg_run_lock(h, "duty", _("waiting for another cg-duty that writes to finish"),
			   n, err);
}

/* ---- the loop's side ---- */

int cg_duty_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		 char *why, size_t whylen, struct cg_err *err)
{
	struct cg_dutywork *w = ctx;
	json_t *events, *v;
	size_t i;
	int ret;

	/* A delivery of a need reads the cases, once, when first met. */
	if (w->needs && w->rule == cg_duty_done_rule && json_object_get(ln->rec, "need_id") &&
	    cg_duty_needs_load(w->needs, err) < 0)
		return -1;
	events = json_array();
	ret = w->rule(w, ln->rec, events, why, whylen);
	/* The need is closed where it lives first: a crash between leaves
	 * it delivered without the duty side's done, never the reverse. */
	if (ret == 0 && w->needs && cg_duty_needs_commit(w->needs, err) < 0)
		ret = -1;
	if (ret == 0)
		json_array_foreach(events, i, v) {
			if ((ret = cg_loop_emit(lp, v, err)) < 0 ||
			    (ret = cg_dutybook_apply(w->book, v, err)) < 0)
				break;
			if (!strcmp(json_string_value(json_object_get(v, "event")), "alert"))
				w->alerts++;
		}
	json_decref(events);
	return ret;
}

/* ---- checking input ---- */

static int fail(char *why, size_t whylen, const char *fmt, const char *a)
{
	snprintf(why, whylen, fmt, a);
	return 1;
}

static int get_str(const json_t *rec, const char *field, const char **out,
		   int required, char *why, size_t whylen)
{
	return cg_field_string(rec, field, required, out, why, whylen) < 0;
}

/* The record's ts (RFC 3339 with offset), else the clock; not ahead of it. */
static int get_ts(const struct cg_dutywork *w, const json_t *rec, cg_time_t *at,
		  char *why, size_t whylen)
{
	const json_t *v = json_object_get(rec, "ts");

	*at = w->now;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(why, whylen, _("'%s' must be a string"), "ts");
	if (cg_time_parse(json_string_value(v), 0, at) < 0)
		return fail(why, whylen, _("'ts' is not an RFC 3339 time: '%s'"),
			    json_string_value(v));
	if (*at > w->now + FUTURE_SLACK)
		return fail(why, whylen, _("'ts' %s is in the future (see --now)"),
			    json_string_value(v));
	return 0;
}

static json_t *event_new(const struct cg_dutywork *w, const char *event, cg_time_t at)
{
	json_t *ev = json_object();

	cg_json_set_time(ev, "ts", at);
	json_object_set_new(ev, "compound", json_string(w->cfg->compound_code));
	json_object_set_new(ev, "event", json_string(event));
	return ev;
}

/* Every field of in not reserved and not yet in out, in order. */
static void pass_through(json_t *out, const json_t *in)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)in, key, val)
		if (!in_list(key, reserved) && !json_object_get(out, key))
			json_object_set(out, key, val);
}

static const char *masked(const char *name, char *buf, size_t len)
{
	return cg_mask_name(name, buf, len);
}

/* ---- on, off ---- */

int cg_duty_on(struct cg_dutywork *w, const json_t *rec, json_t *events,
	       char *why, size_t whylen)
{
	const char *gate, *guard;
	const struct cg_duty_stint *s;
	char m[128];
	cg_time_t at;
	json_t *ev;

	if (get_str(rec, "guard", &guard, 1, why, whylen) ||
	    get_str(rec, "gate", &gate, 1, why, whylen) || get_ts(w, rec, &at, why, whylen))
		return 1;
	if (!cg_config_has_gate(w->cfg, gate))
		return fail(why, whylen, _("unknown gate '%s' (config.json 'gates')"), gate);
	if ((s = cg_dutybook_on(w->book, guard))) {
		snprintf(why, whylen, _("guard '%s' is already on duty at gate '%s'"),
			 masked(guard, m, sizeof(m)), s->gate);
		return 1;
	}
	ev = event_new(w, "on", at);
	json_object_set_new(ev, "gate", json_string(gate));
	json_object_set_new(ev, "guard", json_string(guard));
	pass_through(ev, rec);
	json_array_append_new(events, ev);
	return 0;
}

int cg_duty_off(struct cg_dutywork *w, const json_t *rec, json_t *events,
		char *why, size_t whylen)
{
	const char *gate, *guard;
	const struct cg_duty_stint *s;
	char m[128];
	cg_time_t at;
	json_t *ev;

	if (get_str(rec, "guard", &guard, 1, why, whylen) ||
	    get_str(rec, "gate", &gate, 0, why, whylen) || get_ts(w, rec, &at, why, whylen))
		return 1;
	if (!(s = cg_dutybook_on(w->book, guard)) || (gate && strcmp(gate, s->gate))) {
		snprintf(why, whylen, _("guard '%s' is not on duty at gate '%s'"),
			 masked(guard, m, sizeof(m)), gate ? gate : "-");
		return 1;
	}
	if (at < s->on)
		return fail(why, whylen, _("'ts' %s is before the guard signed on"),
			    json_string_value(json_object_get(rec, "ts")));
	ev = event_new(w, "off", at);
	json_object_set_new(ev, "gate", json_string(s->gate));
	json_object_set_new(ev, "guard", json_string(guard));
	pass_through(ev, rec);
	json_array_append_new(events, ev);
	return 0;
}

/* ---- done ---- */

/* A household under observation in the slot of t that at falls in, or
 * at at when it falls in none. */
static int observed_at(const struct cg_dutywork *w, const struct cg_duty_task *t,
		       const char *place, cg_time_t at)
{
	cg_time_t from = at, to = at + 1;

	cg_duty_slot_span(w, t, place, at, &from, &to);
	return cg_duty_observed_during(w->observed, place, from, to);
}

static int place_ok(const struct cg_dutywork *w, const struct cg_duty_task *t,
		    const char *place, cg_time_t at)
{
	size_t i;
	json_t *v;

	if (t->per_observed)
		return observed_at(w, t, place, at);
	if (t->per_shift)
		return json_object_get(w->plan->roster, place) != NULL;
	if (t->per_care)
		return cg_duty_care_has(w->plan, w->book, place);
	json_array_foreach(t->places, i, v)
		if (!strcmp(json_string_value(v), place))
			return 1;
	return 0;
}

/* A temperature, when given: a number a person can have.  *fever set. */
static int check_temp(const struct cg_dutywork *w, json_t *rec, int *fever,
		      char *why, size_t whylen)
{
	const struct cg_policy *pol = &w->cfg->policy;
	const json_t *temp = json_object_get(rec, "temp");
	double t;

	*fever = 0;
	if (!temp)
		return 0;
	if (!json_is_number(temp))
		return fail(why, whylen, _("'%s' must be a number"), "temp");
	t = cg_temp_round(json_number_value(temp));
	if (t < pol->temp_min || t > pol->temp_max) {
		snprintf(why, whylen,
			 _("implausible temperature %.1f (policy.temp_min %.1f to policy.temp_max %.1f): measure again"),
			 t, pol->temp_min, pol->temp_max);
		return 1;
	}
	json_object_set_new(rec, "temp", json_real(t));
	*fever = t >= pol->fever_threshold;
	return 0;
}

static json_t *fever_alert(const struct cg_dutywork *w, const json_t *done, cg_time_t at)
{
	json_t *ev = event_new(w, "alert", at);
	static const char *const keep[] = { "task", "place", "by", "temp", NULL };

	for (const char *const *k = keep; *k; k++)
		if (json_object_get(done, *k))
			json_object_set(ev, *k, json_object_get(done, *k));
	json_object_set_new(ev, "reason", json_string("staff_fever"));
	json_object_set_new(ev, "severity", json_string("alert"));
	return ev;
}

int cg_duty_done_rule(struct cg_dutywork *w, const json_t *in, json_t *events,
		      char *why, size_t whylen)
{
	json_t *rec = json_copy((json_t *)in), *ev;
	const struct cg_duty_task *t;
	const char *task, *place, *by;
	char slot[CG_DUTY_SLOT_LEN];
	cg_time_t at;
	int fever, r;

	if (json_object_get(rec, "need_id")) {
		if (!(r = get_str(rec, "by", &by, 0, why, whylen)) &&
		    !(r = get_ts(w, rec, &at, why, whylen)))
			r = cg_duty_need_rule(w, rec, at, events, why, whylen);
		goto out;
	}
	if ((r = get_str(rec, "task", &task, 1, why, whylen)) ||
	    (r = get_str(rec, "place", &place, 1, why, whylen)) ||
	    (r = get_str(rec, "by", &by, 0, why, whylen)) ||
	    (r = get_ts(w, rec, &at, why, whylen)))
		goto out;
	if (!(t = cg_duty_plan_task(w->plan, task))) {
		r = fail(why, whylen, _("unknown task '%s' (config.json 'duty.tasks')"), task);
		goto out;
	}
	if (!place_ok(w, t, place, at)) {
		r = fail(why, whylen, t->per_observed ?
			 _("household '%s' was not under observation then") :
			 _("unknown place '%s' for this task"), place);
		goto out;
	}
	if ((r = check_temp(w, rec, &fever, why, whylen)))
		goto out;
	ev = event_new(w, "done", at);
	json_object_set(ev, "task", json_object_get(rec, "task"));
	json_object_set(ev, "place", json_object_get(rec, "place"));
	if (by)
		json_object_set(ev, "by", json_object_get(rec, "by"));
	if (cg_duty_slot_of(w, t, place, at, slot, sizeof(slot)) == 0)
		json_object_set_new(ev, "slot", json_string(slot));
	pass_through(ev, rec);
	json_array_append_new(events, ev);
	if (fever)
		json_array_append_new(events, fever_alert(w, ev, at));
out:
	json_decref(rec);
	return r;
}

/* ---- stock ---- */

static double level_of(const struct cg_dutybook *b, const char *item)
{
	const json_t *v = json_object_get(b->item_names, item);
	double level = 0;

	if (!v)
		return 0;
	for (size_t i = 0; i < b->nmoves; i++)
		if (b->moves[i].item == (uint32_t)json_integer_value(v))
			level += b->moves[i].issue ? -b->moves[i].qty : b->moves[i].qty;
	return level;
}

static int check_qty(const json_t *rec, double *qty, char *why, size_t whylen)
{
	const json_t *v = json_object_get(rec, "qty");

	if (!v)
		return fail(why, whylen, _("missing field '%s'"), "qty");
	if (!json_is_number(v) || !(json_number_value(v) > 0) ||
	    !isfinite(json_number_value(v)) || json_number_value(v) > 1e12)
		return fail(why, whylen, _("'%s' must be a number above 0"), "qty");
	*qty = json_number_value(v);
	return 0;
}

int cg_duty_stock_rule(struct cg_dutywork *w, const json_t *rec, json_t *events,
		       char *why, size_t whylen)
{
	const char *item, *op, *unit, *to;
	double qty, level;
	cg_time_t at;
	json_t *ev;

	if (get_str(rec, "item", &item, 1, why, whylen) ||
	    get_str(rec, "op", &op, 1, why, whylen) ||
	    get_str(rec, "unit", &unit, 0, why, whylen) ||
	    get_str(rec, "to", &to, 0, why, whylen) || get_ts(w, rec, &at, why, whylen) ||
	    check_qty(rec, &qty, why, whylen))
		return 1;
	if (strcmp(op, "receive") && strcmp(op, "issue"))
		return fail(why, whylen, _("'op' must be \"receive\" or \"issue\", not '%s'"), op);
	level = level_of(w->book, item);
	if (!strcmp(op, "issue") && qty > level + 1e-9) {
		snprintf(why, whylen, _("cannot issue %g of '%s': %g in stock"), qty, item, level);
		return 1;
	}
	if (!unit)
		unit = json_string_value(json_object_get(json_object_get(w->plan->stock, item), "unit"));
	if (!unit)
		unit = json_string_value(json_object_get(w->book->item_units, item));
	ev = event_new(w, "stock", at);
	json_object_set_new(ev, "item", json_string(item));
	json_object_set_new(ev, "op", json_string(op));
	json_object_set(ev, "qty", json_object_get(rec, "qty"));
	if (unit)
		json_object_set_new(ev, "unit", json_string(unit));
	pass_through(ev, rec);
	json_array_append_new(events, ev);
	return 0;
}

/* ---- the care ledger by records ---- */

/* A phone of the entry, when given: normalised, else 1 (why says it). */
static int care_phone(json_t *ev, const json_t *rec, const char *field, char *why,
		      size_t whylen)
{
	const char *s, *bad = NULL;
	char out[CG_PHONE_LEN];

	if (get_str(rec, field, &s, 0, why, whylen))
		return 1;
	if (!s)
		return 0;
	if (cg_valid_phone(s, out, &bad) < 0) {
		char m[64];

		/* No whole phone number in a message. */
		snprintf(why, whylen, _("invalid %s '%s': %s"), field,
			 cg_mask_phone(s, m, sizeof(m)), bad);
		return 1;
	}
	json_object_set_new(ev, field, json_string(out));
	return 0;
}

/* The entry's own fields of rec into ev, checked. */
static int care_fields(const struct cg_dutywork *w, json_t *ev, const json_t *rec, int added,
		       char *why, size_t whylen)
{
	static const char *const texts[] = { "name", "contact", "category", NULL };
	const json_t *needs = json_object_get(rec, "needs"), *v;
	const char *s, *bad = NULL;
	char hh[CG_HOUSEHOLD_LEN];
	size_t i;

	for (const char *const *k = texts; *k; k++) {
		if (get_str(rec, *k, &s, added && !strcmp(*k, "name"), why, whylen))
			return 1;
		if (s)
			json_object_set_new(ev, *k, json_string(s));
	}
	if (get_str(rec, "household", &s, 0, why, whylen))
		return 1;
	if (s && cg_valid_household(s, w->cfg->household, hh, &bad) < 0) {
		snprintf(why, whylen, _("invalid %s '%s': %s"), "household", s, bad);
		return 1;
	}
	if (s)
		json_object_set_new(ev, "household", json_string(hh));
	if (care_phone(ev, rec, "phone", why, whylen) ||
	    care_phone(ev, rec, "contact_phone", why, whylen))
		return 1;
	if (needs && !json_is_array(needs))
		return fail(why, whylen, _("'%s' must be an array of strings"), "needs");
	json_array_foreach(needs, i, v)
		if (!json_is_string(v))
			return fail(why, whylen, _("'%s' must be an array of strings"), "needs");
	if (needs)
		json_object_set(ev, "needs", (json_t *)needs);
	return 0;
}

int cg_duty_care_rule(struct cg_dutywork *w, const json_t *in, json_t *events,
		      char *why, size_t whylen)
{
	const json_t *remove = json_object_get(in, "remove");
	json_t *rec = json_copy((json_t *)in), *ev;
	const char *id;
	cg_time_t at;
	int r, has;

	if ((r = get_str(rec, "care_id", &id, 1, why, whylen)) ||
	    (r = get_ts(w, rec, &at, why, whylen)))
		goto out;
	if (strlen(id) >= CG_DUTY_NAME_MAX) {
		r = fail(why, whylen, _("'%s' is too long"), "care_id");
		goto out;
	}
	if (remove && !json_is_boolean(remove)) {
		r = fail(why, whylen, _("'%s' must be true or false"), "remove");
		goto out;
	}
	has = cg_duty_care_has(w->plan, w->book, id);
	if (json_is_true(remove) && !has) {
		r = fail(why, whylen, _("unknown care entry '%s'"), id);
		goto out;
	}
	ev = event_new(w, "care", at);
	json_object_set_new(ev, "op", json_string(json_is_true(remove) ? "remove" :
						 has ? "update" : "add"));
	json_object_set_new(ev, "care_id", json_string(id));
	if (!json_is_true(remove) && (r = care_fields(w, ev, rec, !has, why, whylen))) {
		json_decref(ev);
		goto out;
	}
	json_object_del(rec, "remove");
	pass_through(ev, rec);
	json_array_append_new(events, ev);
out:
	json_decref(rec);
	return r;
}

/* ---- one sign-on or sign-off from elsewhere (cg-checkin --ask) ---- */

int cg_duty_sign(const struct cg_home *h, const struct cg_config *cfg, const char *guard,
		 const char *gate, int on, cg_time_t at, int *done, struct cg_err *err)
{
	struct cg_duty_plan plan;
	struct cg_dutybook book;
	struct cg_journal j;
	struct cg_dutywork w;
	const struct cg_duty_stint *s;
	json_t *rec = json_pack("{s:s, s:s}", "guard", guard, "gate", gate), *events = json_array();
	char why[CG_LOOP_WHY_MAX];
	int lockfd, ret = -1;

	*done = 0;
	if ((lockfd = cg_duty_lock(h, NULL, err)) < 0)
		goto out_json;
	if (cg_duty_plan_load(&plan, cfg, err) < 0)
		goto out_lock;
	cg_dutybook_init(&book);
	if (cg_dutybook_load(&book, h, err) < 0)
		goto out_book;
	/* Already signed on here, or not on at all: nothing to journal. */
	s = cg_dutybook_on(&book, guard);
	if (on ? s && !strcmp(s->gate, gate) : !s || strcmp(s->gate, gate)) {
		ret = 0;
		goto out_book;
	}
	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.plan = &plan;
	w.book = &book;
	w.now = at;
	if ((on ? cg_duty_on : cg_duty_off)(&w, rec, events, why, sizeof(why))) {
		cg_err_set(err, CG_EXIT_USAGE, "%s", why);
		goto out_book;
	}
	if (cg_journal_open(&j, h, "duty", err) < 0)
		goto out_book;
	if (cg_journal_add(&j, json_array_get(events, 0), err) == 0 &&
	    cg_journal_commit(&j, err) == 0) {
		struct cg_err ignored;

		*done = 1;
		ret = 0;
		/* The snapshot follows, as after every run that writes; a
		 * failure only leaves it behind. */
		if (cg_dutybook_apply(&book, json_array_get(events, 0), &ignored) == 0)
			cg_dutybook_save(&book, h, &j.commit_to, &ignored);
	}
	cg_journal_release(&j);
out_book:
	cg_dutybook_release(&book);
	cg_duty_plan_release(&plan);
out_lock:
	close(lockfd);
out_json:
	json_decref(rec);
	json_decref(events);
	return ret;
}
