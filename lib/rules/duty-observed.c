/*
 * Who was under observation when: the households of the cases of the
 * quarantine journal (rules/casebook.h) with the spans of their cases,
 * for the tasks "per":"observed" of cg-duty's plan.
 */
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "rules/duty.h"

void cg_duty_observed_init(struct cg_duty_observed *o)
{
	memset(o, 0, sizeof(*o));
}

void cg_duty_observed_release(struct cg_duty_observed *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].household);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static int cmp_watch(const void *a, const void *b)
{
	const struct cg_duty_watch *x = a, *y = b;
	int c = strcmp(x->household, y->household);

	if (c)
		return c;
	return (x->from > y->from) - (x->from < y->from);
}

/* When case c ended (released or closed), else CG_TIME_MAX. */
static cg_time_t case_until(const struct cg_case *c)
{
	const char *key = c->status == CG_CASE_RELEASED ? "released_at" :
			  c->status == CG_CASE_CLOSED ? "closed_at" : NULL;
	const char *ts = key ? json_string_value(json_object_get(c->rec, key)) : NULL;
	cg_time_t at;

	if (!key)
		return CG_TIME_MAX;
	/* An ended case whose end is not known ended when it began. */
	return ts && cg_time_parse(ts, 0, &at) == 0 ? at : c->opened_at;
}

int cg_duty_observed_build(struct cg_duty_observed *o, const struct cg_casebook *cb,
			   struct cg_err *err)
{
	cg_duty_observed_release(o);
	if (cb->ncases && !(o->v = calloc(cb->ncases, sizeof(*o->v))))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	for (size_t i = 0; i < cb->ncases; i++) {
		const struct cg_case *c = cb->list[i];
		const char *hh = json_string_value(json_object_get(c->rec, "household"));
		struct cg_duty_watch *wt = &o->v[o->n];

		/* A case without household is a place of its own, as its needs
		 * are (duty-needs.c). */
		if (!(wt->household = strdup(hh && *hh ? hh : c->id))) {
			cg_duty_observed_release(o);
			return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
		}
		wt->from = c->opened_at;
		wt->until = case_until(c);
		if (wt->until <= wt->from) {
			free(wt->household);
			continue;
		}
		o->n++;
	}
	/* qsort wants an array even of nothing. */
	if (o->n)
		qsort(o->v, o->n, sizeof(*o->v), cmp_watch);
	return 0;
}

int cg_duty_observed_load(struct cg_duty_observed *o, const struct cg_home *h, int32_t day,
			  struct cg_err *err)
{
	struct cg_casebook cb;
	int ret;

	cg_casebook_init(&cb);
	cb.ids_only = 1;
	ret = cg_casebook_load_since(&cb, h, day, err);
	if (ret == 0)
		ret = cg_duty_observed_build(o, &cb, err);
	cg_casebook_release(&cb);
	return ret;
}

/* The first span of household, or o->n. */
static size_t first_of(const struct cg_duty_observed *o, const char *household)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(o->v[mid].household, household) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int cg_duty_observed_during(const struct cg_duty_observed *o, const char *household,
			    cg_time_t from, cg_time_t to)
{
	if (!o)
		return 0;
	for (size_t i = first_of(o, household);
	     i < o->n && !strcmp(o->v[i].household, household); i++)
		if (o->v[i].from < to && o->v[i].until > from)
			return 1;
	return 0;
}

json_t *cg_duty_observed_households(const struct cg_duty_observed *o, cg_time_t from,
				    cg_time_t to)
{
	json_t *out = json_array();
	const char *last = NULL;

	for (size_t i = 0; o && i < o->n; i++) {
		const struct cg_duty_watch *wt = &o->v[i];

		if (wt->from >= to || wt->until <= from || (last && !strcmp(last, wt->household)))
			continue;
		json_array_append_new(out, json_string(wt->household));
		last = wt->household;
	}
	return out;
}

int cg_duty_plan_observes(const struct cg_duty_plan *p)
{
	for (size_t i = 0; i < p->ntasks; i++)
		if (p->tasks[i].per_observed)
			return 1;
	return 0;
}
