/*
 * cg-duty due: the shifts with minutes that nobody covered, and the task
 * slots due now or missed, per task and place (rules/duty.h has the slot
 * rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "rules/duty.h"

#define MAX_SLOTS 300

/* The instant of a minute of a local day (minute may pass 1440). */
static cg_time_t local_at(int32_t day, int minute)
{
	int y, m, d;

	cg_civil_from_days(day, &y, &m, &d);
	return cg_date_start(y, m, d) + (cg_time_t)minute * 60;
}

static void span_label(struct cg_duty_span s, char *out, size_t len)
{
	snprintf(out, len, "%02u:%02u-%02u:%02u", (unsigned)(s.start / 60) % 100,
		 (unsigned)s.start % 60, (unsigned)(s.end % 1440 == 0 && s.end ? 24 : s.end / 60 % 24) % 100,
		 (unsigned)s.end % 60);
}

/* ---- guards ---- */

static int cmp_span(const void *a, const void *b)
{
	const cg_time_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

long cg_duty_covered_min(const struct cg_dutybook *b, const char *gate,
			 cg_time_t from, cg_time_t to, cg_time_t now)
{
	cg_time_t (*iv)[2], end = -1, sum = 0;
	size_t n = 0;

	if (to > now)
		to = now;
	if (to <= from || !(iv = malloc((b->nstints + 1) * sizeof(*iv))))
		return 0;
	for (size_t i = 0; i < b->nstints; i++) {
		const struct cg_duty_stint *s = &b->stints[i];
		cg_time_t a = s->on, z = s->off < 0 ? now : s->off;

		if (strcmp(s->gate, gate) || z <= from || a >= to)
			continue;
		iv[n][0] = a < from ? from : a;
		iv[n][1] = z > to ? to : z;
		n++;
	}
	qsort(iv, n, sizeof(*iv), cmp_span);
	for (size_t i = 0; i < n; i++) {
		cg_time_t a = iv[i][0] > end ? iv[i][0] : end;

		if (iv[i][1] > a)
			sum += iv[i][1] - a;
		if (iv[i][1] > end)
			end = iv[i][1];
	}
	free(iv);
	return (long)(sum / 60);
}

static int gate_manned(const struct cg_dutybook *b, const char *gate)
{
	for (size_t i = 0; i < b->nstints; i++)
		if (b->stints[i].off < 0 && !strcmp(b->stints[i].gate, gate))
			return 1;
	return 0;
}

static json_t *shift_record(const struct cg_dutywork *w, const char *gate, int32_t day,
			    struct cg_duty_span s)
{
	cg_time_t from = local_at(day, s.start), to = local_at(day, s.end);
	cg_time_t until = to < w->now ? to : w->now;
	long covered = cg_duty_covered_min(w->book, gate, from, to, w->now);
	long elapsed = (long)((until - from) / 60);
	int running = w->now < to;
	char label[16];
	json_t *rec;

	if (w->now < from || elapsed - covered <= 0)
		return NULL;
	span_label(s, label, sizeof(label));
	rec = json_object();
	cg_json_set_day(rec, "date", day);
	json_object_set_new(rec, "task", json_string("shift"));
	json_object_set_new(rec, "place", json_string(gate));
	json_object_set_new(rec, "shift", json_string(label));
	json_object_set_new(rec, "status", json_string(running ? "due" : "missed"));
	json_object_set_new(rec, "staffed_min", json_integer(covered));
	json_object_set_new(rec, "unstaffed_min", json_integer(elapsed - covered));
	json_object_set_new(rec, "nobody_on",
			    json_boolean(running && !gate_manned(w->book, gate)));
	json_object_set_new(rec, "severity", json_string("alert"));
	return rec;
}

static long due_shifts(const struct cg_dutywork *w, int32_t day, struct cg_loop *lp,
		       struct cg_err *err)
{
	struct cg_duty_span shifts[CG_DUTY_MAX_SHIFTS];
	const char *gate;
	json_t *v, *rec;
	long n = 0;

	json_object_foreach((json_t *)w->plan->roster, gate, v) {
		int ns = cg_duty_plan_shifts(w->plan, gate, shifts, CG_DUTY_MAX_SHIFTS);

		for (int i = 0; i < ns; i++) {
			if (!(rec = shift_record(w, gate, day, shifts[i])))
				continue;
			if ((w->text ? cg_duty_due_text(lp, rec, err) : cg_loop_print(lp, rec, err)) < 0) {
				json_decref(rec);
				return -1;
			}
			json_decref(rec);
			n++;
		}
	}
	return n;
}

/* ---- tasks ---- */

/* The done events of the days looked at, sorted by task, place and time. */
struct dones {
	struct cg_duty_done *d;
	size_t n;
};

static int cmp_done(const void *a, const void *b)
{
	const struct cg_duty_done *x = a, *y = b;

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

static int dones_gather(struct dones *ds, const struct cg_dutybook *b, cg_time_t from,
			cg_time_t to, struct cg_err *err)
{
	ds->n = 0;
	if (!(ds->d = malloc((b->ndone + 1) * sizeof(*ds->d))))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	for (size_t i = 0; i < b->ndone; i++)
		if (b->done[i].at >= from && b->done[i].at < to)
			ds->d[ds->n++] = b->done[i];
	qsort(ds->d, ds->n, sizeof(*ds->d), cmp_done);
	return 0;
}

/* Whether a done event of task and place falls in [from, to). */
static int dones_any(const struct dones *ds, uint32_t task, uint32_t place,
		     cg_time_t from, cg_time_t to)
{
	struct cg_duty_done key = { task, place, from };
	size_t lo = 0, hi = ds->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_done(&ds->d[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ds->n && ds->d[lo].task == task && ds->d[lo].place == place &&
	       ds->d[lo].at < to;
}

/* The slots of a task at a place on a day (minutes of that day). */
static int task_slots(const struct cg_dutywork *w, const struct cg_duty_task *t,
		      const char *place, struct cg_duty_span *out)
{
	int len = t->hours.end - t->hours.start, n = 0;

	if (t->per_shift)
		return cg_duty_plan_shifts(w->plan, place, out, CG_DUTY_MAX_SHIFTS);
	if (t->times) {
		for (n = 0; n < t->times; n++) {
			out[n].start = t->hours.start + n * len / t->times;
			out[n].end = t->hours.start + (n + 1) * len / t->times;
		}
		return n;
	}
	for (int s = t->hours.start; s < t->hours.end && n < MAX_SLOTS; s += t->every_min, n++) {
		out[n].start = s;
		out[n].end = s + t->every_min < t->hours.end ? s + t->every_min : t->hours.end;
	}
	return n;
}

/* The slot of task t at place that at falls in: its day into *day and its
 * span into *span; 0, or -1 when at is in none. */
static int slot_find(const struct cg_dutywork *w, const struct cg_duty_task *t,
		     const char *place, cg_time_t at, int32_t *day, struct cg_duty_span *span)
{
	struct cg_duty_span slots[MAX_SLOTS];
	int minute, n = task_slots(w, t, place, slots);
	int32_t today = cg_local_day(at, &minute);

	/* A slot belongs to the day it begins: the day before may hold the
	 * night's, at minute + 1440 of it.  By the local minute, not by
	 * local_at per slot: done takes 100,000 records, and a day's start
	 * costs the C library a look at the zone file (a day whose offset
	 * changes, summer time, may differ by the change). */
	for (int32_t d = today - 1; d <= today; d++) {
		int m = minute + (d < today ? 24 * 60 : 0);

		for (int i = 0; i < n; i++) {
			if (m < slots[i].start || m >= slots[i].end)
				continue;
			*day = d;
			*span = slots[i];
			return 0;
		}
	}
	return -1;
}

int cg_duty_slot_of(const struct cg_dutywork *w, const struct cg_duty_task *t,
		    const char *place, cg_time_t at, char *out, size_t outlen)
{
	struct cg_duty_span span;
	char label[16], date[CG_DATE_LEN];
	int32_t day;

	if (slot_find(w, t, place, at, &day, &span) < 0)
		return -1;
	span_label(span, label, sizeof(label));
	cg_day_format(day, date);
	snprintf(out, outlen, "%s %s", date, label);
	return 0;
}

int cg_duty_slot_span(const struct cg_dutywork *w, const struct cg_duty_task *t,
		      const char *place, cg_time_t at, cg_time_t *from, cg_time_t *to)
{
	struct cg_duty_span span;
	int32_t day;

	if (slot_find(w, t, place, at, &day, &span) < 0)
		return -1;
	*from = local_at(day, span.start);
	*to = local_at(day, span.end);
	return 0;
}

struct tally {
	int slots, done, due, missed;
	json_t *missed_slots;
	char due_slot[16];
};

static void tally_place(const struct cg_dutywork *w, const struct dones *ds,
			const struct cg_duty_task *t, const char *place, int32_t day,
			struct tally *ty)
{
	struct cg_duty_span slots[MAX_SLOTS];
	const json_t *ti = json_object_get(w->book->task_names, t->name);
	const json_t *pi = json_object_get(w->book->place_names, place);
	int n = task_slots(w, t, place, slots);
	char label[16];

	memset(ty, 0, sizeof(*ty));
	ty->missed_slots = json_array();
	for (int i = 0; i < n; i++) {
		cg_time_t from = local_at(day, slots[i].start), to = local_at(day, slots[i].end);

		if (from > w->now)
			continue;
		/* A household's slots while it was under observation only. */
		if (t->per_observed && !cg_duty_observed_during(w->observed, place, from, to))
			continue;
		ty->slots++;
		if (ti && pi && dones_any(ds, (uint32_t)json_integer_value(ti),
					  (uint32_t)json_integer_value(pi), from, to)) {
			ty->done++;
			continue;
		}
		span_label(slots[i], label, sizeof(label));
		if (to <= w->now) {
			ty->missed++;
			json_array_append_new(ty->missed_slots, json_string(label));
		} else {
			ty->due++;
			snprintf(ty->due_slot, sizeof(ty->due_slot), "%s", label);
		}
	}
}

static json_t *task_record(const struct cg_duty_task *t, const char *place, int32_t day,
			   struct tally *ty)
{
	json_t *rec = json_object();

	cg_json_set_day(rec, "date", day);
	json_object_set_new(rec, "task", json_string(t->name));
	json_object_set_new(rec, "place", json_string(place));
	json_object_set_new(rec, "status", json_string(ty->missed ? "missed" : "due"));
	json_object_set_new(rec, "slots", json_integer(ty->slots));
	json_object_set_new(rec, "done", json_integer(ty->done));
	json_object_set_new(rec, "due", json_integer(ty->due));
	json_object_set_new(rec, "missed", json_integer(ty->missed));
	json_object_set_new(rec, "missed_slots", ty->missed_slots);
	ty->missed_slots = NULL;
	if (ty->due)
		json_object_set_new(rec, "due_slot", json_string(ty->due_slot));
	json_object_set_new(rec, "severity", json_string(ty->missed ? "warning" : "notice"));
	return rec;
}

/* The places of a task on day: its list, the roster's gates, the care
 * ids or the households under observation in its hours of that day. */
static json_t *task_places(const struct cg_dutywork *w, const struct cg_duty_task *t,
			   int32_t day)
{
	json_t *obj, *out, *v;
	const char *key;

	if (t->per_observed)
		return cg_duty_observed_households(w->observed, local_at(day, t->hours.start),
						   local_at(day, t->hours.end));
	if (t->places)
		return json_incref((json_t *)t->places);
	obj = t->per_shift ? json_incref((json_t *)w->plan->roster) :
	      cg_duty_ledger(w->plan, w->book);
	out = json_array();
	json_object_foreach(obj, key, v)
		json_array_append_new(out, json_string(key));
	json_decref(obj);
	return out;
}

static long due_tasks(const struct cg_dutywork *w, const struct dones *ds, int32_t day,
		      struct cg_loop *lp, struct cg_err *err)
{
	struct tally ty;
	long n = 0;

	for (size_t i = 0; i < w->plan->ntasks; i++) {
		const struct cg_duty_task *t = &w->plan->tasks[i];
		json_t *places = task_places(w, t, day), *p, *rec;
		size_t k;
		int ret = 0;

		json_array_foreach(places, k, p) {
			tally_place(w, ds, t, json_string_value(p), day, &ty);
			if (!ty.due && !ty.missed) {
				json_decref(ty.missed_slots);
				continue;
			}
			rec = task_record(t, json_string_value(p), day, &ty);
			ret = w->text ? cg_duty_due_text(lp, rec, err) : cg_loop_print(lp, rec, err);
			json_decref(rec);
			if (ret < 0)
				break;
			n++;
		}
		json_decref(places);
		if (ret < 0)
			return -1;
	}
	return n;
}

long cg_duty_slots(const struct cg_dutywork *w, int32_t day, struct cg_loop *lp,
		   struct cg_err *err)
{
	struct dones ds;
	struct tally ty;
	long n = 0;

	if (dones_gather(&ds, w->book, local_at(day, 0), local_at(day + 2, 0), err) < 0)
		return -1;
	for (size_t i = 0; i < w->plan->ntasks; i++) {
		const struct cg_duty_task *t = &w->plan->tasks[i];
		json_t *places = task_places(w, t, day), *p, *rec;
		size_t k;
		int ret = 0;

		json_array_foreach(places, k, p) {
			tally_place(w, &ds, t, json_string_value(p), day, &ty);
			rec = task_record(t, json_string_value(p), day, &ty);
			json_object_set_new(rec, "care", json_boolean(t->per_care));
			ret = cg_loop_print(lp, rec, err);
			json_decref(rec);
			if (ret < 0)
				break;
			n++;
		}
		json_decref(places);
		if (ret < 0) {
			free(ds.d);
			return -1;
		}
	}
	free(ds.d);
	return n;
}

long cg_duty_due(const struct cg_dutywork *w, int32_t day, struct cg_loop *lp,
		 struct cg_err *err)
{
	int32_t today = cg_local_day(w->now, NULL);
	int32_t first = day < 0 ? today - 1 : day, last = day < 0 ? today : day;
	struct dones ds;
	long n = 0, k;

	if (dones_gather(&ds, w->book, local_at(first, 0), local_at(last + 2, 0), err) < 0)
		return -1;
	for (int32_t d = first; d <= last; d++) {
		if ((k = due_shifts(w, d, lp, err)) < 0 || (n += k, 0) ||
		    (k = due_tasks(w, &ds, d, lp, err)) < 0) {
			free(ds.d);
			return -1;
		}
		n += k;
	}
	free(ds.d);
	if (w->needs && first <= today && today <= last) {
		if ((k = cg_duty_needs_due(w, lp, err)) < 0)
			return -1;
		n += k;
	}
	return n;
}
