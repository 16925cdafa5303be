/*
 * cg-duty stock with no input: the level of each item, what was issued
 * per day over the last week, and the days it lasts at that rate.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "rules/duty.h"

#define WEEK 7

static cg_time_t day_start(int32_t day)
{
	int y, m, d;

	cg_civil_from_days(day, &y, &m, &d);
	return cg_date_start(y, m, d);
}

struct level {
	double level, issued_week, min;
	int has_min;
};

/* Receipts less issues up to now; issues of the WEEK days before today. */
static void level_of(const struct cg_dutywork *w, const char *item, struct level *lv)
{
	const json_t *idx = json_object_get(w->book->item_names, item);
	const json_t *min = json_object_get(json_object_get(w->plan->stock, item), "min");
	int32_t today = cg_local_day(w->now, NULL);
	cg_time_t from = day_start(today - WEEK), to = day_start(today);

	memset(lv, 0, sizeof(*lv));
	lv->has_min = json_is_number(min);
	lv->min = json_number_value(min);
	for (size_t i = 0; idx && i < w->book->nmoves; i++) {
		const struct cg_duty_move *m = &w->book->moves[i];

		if (m->item != (uint32_t)json_integer_value(idx) || m->at > w->now)
			continue;
		lv->level += m->issue ? -m->qty : m->qty;
		if (m->issue && m->at >= from && m->at < to)
			lv->issued_week += m->qty;
	}
}

static json_t *level_record(const struct cg_dutywork *w, const char *item,
			    const struct level *lv)
{
	json_t *rec = json_object();
	const char *unit = json_string_value(json_object_get(json_object_get(w->plan->stock, item),
							     "unit"));
	double per_day = lv->issued_week / WEEK;
	int low = lv->has_min && lv->level < lv->min;

	if (!unit)
		unit = json_string_value(json_object_get(w->book->item_units, item));
	json_object_set_new(rec, "item", json_string(item));
	json_object_set_new(rec, "level", json_real(lv->level));
	if (unit)
		json_object_set_new(rec, "unit", json_string(unit));
	if (lv->has_min)
		json_object_set_new(rec, "min", json_real(lv->min));
	json_object_set_new(rec, "issued_7d", json_real(lv->issued_week));
	json_object_set_new(rec, "per_day", json_real(round(per_day * 100) / 100));
	json_object_set_new(rec, "days_left", per_day > 0 ?
			    json_integer((json_int_t)floor(lv->level / per_day)) : json_null());
	json_object_set_new(rec, "low", json_boolean(low));
	if (low)
		json_object_set_new(rec, "severity", json_string("warning"));
	return rec;
}

long cg_duty_stock_levels(const struct cg_dutywork *w, struct cg_loop *lp,
			  unsigned long *low, struct cg_err *err)
{
	json_t *items = json_object(), *v, *rec;
	const char *item;
	struct level lv;
	long n = 0;
	int ret = 0;

	/* The plan's items first, in its order, then the others met. */
	json_object_foreach((json_t *)w->plan->stock, item, v)
		json_object_set_new(items, item, json_true());
	json_object_foreach(w->book->item_names, item, v)
		json_object_set_new(items, item, json_true());
	json_object_foreach(items, item, v) {
		level_of(w, item, &lv);
		rec = level_record(w, item, &lv);
		if (json_is_true(json_object_get(rec, "low"))) {
			(*low)++;
			cg_notify(&lp->notify, CG_MSG_WARNING,
				  _("'%s' is under its minimum: %g left, minimum %g"),
				  item, lv.level, lv.min);
		}
		ret = cg_loop_print(lp, rec, err);
		json_decref(rec);
		if (ret < 0)
			break;
		n++;
	}
	json_decref(items);
	return ret < 0 ? -1 : n;
}
