/*
 * The household exit quota's other half (policy.exit_quota.hours): a
 * resident or tenant who went out is to be back within so many hours.
 * Every admitted exit of a resident or tenant that names its household
 * is noted; an "in" of the same person (any identity key the gate's
 * matcher has, the pass included) after it is the return.  An exit whose
 * time to be back falls in the period and that had no return by then is
 * an exit_overdue warning, per person: out when, back when (or not yet),
 * hours out.  An exit of the day before whose time falls in the period
 * is carried in by the reader (cg_report_carry_exit), so that an exit at
 * 22:00 is judged by the next day's report.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "json/jsonl.h"
#include "report/report-counters.h"

static cg_time_t allowed(const struct cg_report *r)
{
	return (cg_time_t)r->cfg->policy.exit_quota_hours * 3600;
}

/* The entry of a late exit, settled at cutoff. */
static void overdue(struct cg_report *r, const struct exit_out *x, cg_time_t cutoff)
{
	cg_time_t end = x->back ? x->back : cutoff;
	json_t *w;

	r->exit_overdue_n++;
	if (json_array_size(r->exit_overdue) >= CG_REPORT_LIST_MAX)
		return;
	w = json_pack("{s:s, s:s}", "code", "exit_overdue", "severity", "warning");
	cg_json_set_time(w, "ts", x->at);
	json_object_set_new(w, "gate", json_string(x->gate));
	json_object_set_new(w, "household", json_string(x->household));
	if (x->name[0])
		json_object_set_new(w, "name", json_string(x->name));
	if (x->id_no[0])
		json_object_set_new(w, "id_no", json_string(x->id_no));
	if (x->phone[0])
		json_object_set_new(w, "phone", json_string(x->phone));
	json_object_set_new(w, "hours", json_integer(r->cfg->policy.exit_quota_hours));
	if (x->back)
		cg_json_set_time(w, "back", x->back);
	json_object_set_new(w, "hours_out", json_real(round((double)(end - x->at) / 360.0) / 10.0));
	json_array_append_new(r->exit_overdue, w);
}

/* 1 when an exit due then is this report's to judge: due in the period. */
static int judged_here(const struct cg_report *r, cg_time_t due)
{
	return !r->fixed || (due >= r->period_start && due < r->period_end);
}

/* The end of the period as far as the report sees it. */
static cg_time_t seen_until(const struct cg_report *r)
{
	if (!r->fixed)
		return r->watermark;
	return r->o.now < r->period_end ? r->o.now : r->period_end;
}

/*
 * Drop the exits settled already: back in time (dropped), back late, or
 * not back a day after their time (a return that late is not looked
 * for); the late ones of the period go to the list.  Keeps the table at
 * about a day's exits however long the input.
 */
static void sweep(struct cg_report *r)
{
	size_t keep = 0;

	for (size_t i = 0; i < r->nexits; i++) {
		struct exit_out *x = &r->exits[i];
		cg_time_t due = x->at + allowed(r);

		if (x->back && x->back <= due)
			continue;
		if (x->back || due + 86400 < r->watermark) {
			if (judged_here(r, due))
				overdue(r, x, seen_until(r));
			continue;
		}
		r->exits[keep++] = *x;
	}
	r->nexits = keep;
}

static int exit_out(struct cg_report *r, const struct checkin *c)
{
	struct exit_out *x;
	char buf[256];

	if (r->nexits == r->aexits) {
		size_t alloc;
		struct exit_out *p;

		sweep(r);
		alloc = r->nexits * 2 > 64 ? r->nexits * 2 : 64;
		if (alloc > r->aexits) {
			if (!(p = realloc(r->exits, alloc * sizeof(*p))))
				return -1;
			r->exits = p;
			r->aexits = alloc;
		}
	}
	x = &r->exits[r->nexits++];
	memset(x, 0, sizeof(*x));
	x->nkeys = cg_report_person_keys(c, x->key, &x->id);
	if (c->name)	/* a resident is matched on who they are, not a name */
		x->nkeys--;
	x->at = c->at;
	snprintf(x->gate, sizeof(x->gate), "%s", c->gate);
	snprintf(x->household, sizeof(x->household), "%s", c->household);
	if (c->name) {
		cg_report_copy_str(c->name, buf, sizeof(buf));
		if (r->o.mask)
			cg_mask_name(buf, x->name, sizeof(x->name));
		else
			cg_report_copy_str(c->name, x->name, sizeof(x->name));
	}
	if (c->phone[0])
		r->o.mask ? (void)cg_mask_phone(c->phone, x->phone, sizeof(x->phone)) :
			    (void)snprintf(x->phone, sizeof(x->phone), "%s", c->phone);
	if (c->id_no[0])
		r->o.mask ? (void)cg_mask_id_no(c->id_no, x->id_no, sizeof(x->id_no)) :
			    (void)snprintf(x->id_no, sizeof(x->id_no), "%s", c->id_no);
	return 0;
}

static int same_person(const struct exit_out *x, const uint64_t *key, int n, uint64_t id)
{
	if (id && x->id && id != x->id)
		return 0;
	for (int k = 0; k < n; k++)
		for (int j = 0; j < x->nkeys; j++)
			if (key[k] == x->key[j])
				return 1;
	return 0;
}

/* A return: the person's latest exit before it that is still open. */
static void back_in(struct cg_report *r, const struct checkin *c)
{
	uint64_t key[VISIT_KEYS], id;
	int n = cg_report_person_keys(c, key, &id);
	struct exit_out *best = NULL;

	if (c->name && n > 1)
		n--;	/* the name alone only when nothing else is given */
	for (size_t i = 0; i < r->nexits; i++) {
		struct exit_out *x = &r->exits[i];

		if (!x->back && x->at <= c->at && (!best || x->at > best->at) &&
		    same_person(x, key, n, id))
			best = x;
	}
	if (best)
		best->back = c->at;
}

int cg_report_count_exit(struct cg_report *r, const struct checkin *c)
{
	if (c->in) {
		back_in(r, c);
		return 0;
	}
	if (c->decision != D_ADMIT || !c->household[0])
		return 0;
	return exit_out(r, c);
}

void cg_report_exits_settle(struct cg_report *r, const struct period *p)
{
	for (size_t i = 0; i < r->nexits; i++) {
		const struct exit_out *x = &r->exits[i];
		cg_time_t due = x->at + allowed(r);

		if (due < p->start || due > p->cutoff || (x->back && x->back <= due) ||
		    !judged_here(r, due))
			continue;
		overdue(r, x, p->cutoff);
	}
	r->nexits = 0;
	cg_report_sort_by_ts(r->exit_overdue);
}
