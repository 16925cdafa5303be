#include <string.h>

#include "rules/exitquota.h"

void cg_exit_ledger_init(struct cg_exit_ledger *l)
{
	l->by_household = json_object();
}

void cg_exit_ledger_release(struct cg_exit_ledger *l)
{
	json_decref(l->by_household);
	l->by_household = NULL;
}

int cg_exit_quota_applies(const struct cg_policy *p, const char *kind, int in)
{
	return p->exit_quota_persons > 0 && !in &&
	       (!strcmp(kind, "resident") || !strcmp(kind, "tenant"));
}

cg_time_t cg_exit_quota_reach(const struct cg_policy *p)
{
	return p->exit_quota_persons > 0 ? (cg_time_t)p->exit_quota_days * 86400 : 0;
}

static const char *str(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

/*
 * Insert t in the ascending array.  Times older than two windows before
 * the newest are dropped: memory stays bounded over a long batch, and an
 * event back-dated by less than a window still sees every exit its own
 * window holds.
 */
static void insert_time(json_t *times, cg_time_t t, cg_time_t reach)
{
	size_t i = json_array_size(times);

	while (i > 0 && json_integer_value(json_array_get(times, i - 1)) > t)
		i--;
	/* The same exit read twice (a day read for two rules) counts once. */
	if (i > 0 && json_integer_value(json_array_get(times, i - 1)) == t)
		return;
	json_array_insert_new(times, i, json_integer(t));
	t = json_integer_value(json_array_get(times, json_array_size(times) - 1));
	while (json_array_size(times) &&
	       json_integer_value(json_array_get(times, 0)) <= t - 2 * reach)
		json_array_remove(times, 0);
}

void cg_exit_ledger_note(struct cg_exit_ledger *l, const struct cg_policy *p,
			 const json_t *d)
{
	const char *dir = str(d, "dir"), *kind = str(d, "kind"),
		   *decision = str(d, "decision"), *hh = str(d, "household");
	json_t *times;
	cg_time_t at;

	/* Off (the default): nothing to count, and every decision comes by. */
	if (p->exit_quota_persons <= 0)
		return;
	if (!dir || !kind || !decision || !hh || strcmp(decision, "admit") ||
	    !cg_exit_quota_applies(p, kind, !strcmp(dir, "in")) ||
	    cg_time_parse(str(d, "ts"), 0, &at) < 0)
		return;
	times = json_object_get(l->by_household, hh);
	if (!times) {
		times = json_array();
		json_object_set_new(l->by_household, hh, times);
	}
	insert_time(times, at, cg_exit_quota_reach(p));
}

int cg_exit_quota_full(const struct cg_exit_ledger *l, const struct cg_policy *p,
		       const char *household, cg_time_t at, cg_time_t *next)
{
	const json_t *times = json_object_get(l->by_household, household);
	cg_time_t reach = cg_exit_quota_reach(p);
	size_t n = 0, i;
	json_t *v;

	/* The exits within the window that ends at `at`. */
	json_array_foreach(times, i, v) {
		cg_time_t t = json_integer_value(v);

		n += t > at - reach && t <= at;
	}
	if (n < (size_t)p->exit_quota_persons)
		return 0;
	/* Allowed again once enough of them have left the window: when the
	 * (n - persons + 1)th oldest of them does. */
	n -= (size_t)p->exit_quota_persons;
	json_array_foreach(times, i, v) {
		cg_time_t t = json_integer_value(v);

		if (t > at - reach && t <= at && n-- == 0) {
			*next = t + reach;
			break;
		}
	}
	return 1;
}
