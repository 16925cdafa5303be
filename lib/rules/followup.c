/*
 * Follow-up of home observation: see followup.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "rules/followup.h"

int cg_followup_days_not_seen(const struct cg_case *c, int32_t day)
{
	int32_t seen = c->opened_day;

	for (size_t i = 0; i < c->nchecks && c->checks[i].day <= day; i++)
		seen = c->checks[i].day;
	return seen == CG_CASE_NO_DAY || seen > day ? 0 : (int)(day - seen);
}

int cg_followup_lost(const struct cg_quarantine_policy *p, const struct cg_case *c,
		     int32_t day)
{
	return cg_followup_days_not_seen(c, day) >= p->lost_after_days;
}

unsigned long cg_followup_missed_on(const struct cg_quarantine *q, const struct cg_case *c,
				    int32_t day)
{
	/* Counted, not listed: stats asks it of every case for every day. */
	return cg_quarantine_missed_on(q, c, day);
}

int cg_followup_released_followed(const struct cg_case *c, cg_time_t released_at)
{
	int32_t first = c->start_day != CG_CASE_NO_DAY ? c->start_day : c->opened_day;
	int32_t last = cg_local_day(released_at, NULL);
	size_t k = 0;

	if (c->end_day != CG_CASE_NO_DAY && c->end_day < last)
		last = c->end_day;
	for (int32_t d = first; d <= last; d++) {
		while (k < c->nchecks && c->checks[k].day < d)
			k++;
		if (k == c->nchecks || c->checks[k].day != d)
			return 0;
	}
	return 1;
}

/* When c ended (released or closed), 0 while it has not; *released 1 for
 * a release. */
static cg_time_t ended_at(const struct cg_case *c, int *released)
{
	const char *key = c->status == CG_CASE_RELEASED ? "released_at" : "closed_at";
	cg_time_t t;

	*released = c->status == CG_CASE_RELEASED;
	if (c->status == CG_CASE_OPEN || c->status == CG_CASE_ESCALATED)
		return 0;
	if (cg_time_parse(json_string_value(json_object_get(c->rec, key)), 0, &t) == 0)
		return t;
	return 1;	/* ended, time unknown: long ago */
}

/* 00:00 local time of day. */
static cg_time_t day_start(int32_t day)
{
	int y, m, d;

	cg_civil_from_days(day, &y, &m, &d);
	return cg_date_start(y, m, d);
}

/* The cutoff of day: its end, or now when earlier. */
static cg_time_t day_cutoff(int32_t day, cg_time_t now)
{
	cg_time_t cutoff = day_start(day + 1);

	return now < cutoff ? now : cutoff;
}

/* What case c adds to f, the figures of f->day; q's clock at the
 * cutoff of that day. */
static void tally_case(const struct cg_quarantine *q, const struct cg_case *c,
		       struct cg_followup_day *f)
{
	cg_time_t start = day_start(f->day), cutoff = q->now;
	int released;
	cg_time_t ended = ended_at(c, &released);

	if (released && ended >= start && ended < cutoff) {
		f->released++;
		f->released_followed += cg_followup_released_followed(c, ended);
	}
	if (c->opened_at >= cutoff || (ended && ended < cutoff))
		return;
	f->open++;
	if (cg_followup_missed_on(q, c, f->day))
		f->missed++;
	else
		f->followed++;
	f->lost += cg_followup_lost(&q->cfg->quarantine, c, f->day);
}

void cg_followup_tally(const struct cg_config *cfg, struct cg_casebook *cb, cg_time_t now,
		       int32_t day, struct cg_followup_day *f)
{
	struct cg_quarantine q;

	memset(f, 0, sizeof(*f));
	f->day = day;
	cg_quarantine_init(&q, cfg, cb, day_cutoff(day, now));
	for (size_t i = 0; i < cb->ncases; i++)
		tally_case(&q, cb->list[i], f);
}

struct tally_days {
	struct cg_quarantine *q;	/* one a day, clock at its cutoff */
	struct cg_followup_day *f;
	size_t ndays;
};

static int tally_each(void *ctx, struct cg_case *c, struct cg_err *err)
{
	struct tally_days *t = ctx;

	(void)err;
	for (size_t i = 0; i < t->ndays; i++)
		tally_case(&t->q[i], c, &t->f[i]);
	return 0;
}

int cg_followup_tally_days(const struct cg_config *cfg, struct cg_casebook *cb,
			   const struct cg_home *h, cg_time_t now, int32_t since,
			   int32_t until, struct cg_followup_day *f, struct cg_err *err)
{
	struct tally_days t = { NULL, f, (size_t)(until - since + 1) };
	int ret;

	if (!(t.q = calloc(t.ndays, sizeof(*t.q))))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	for (size_t i = 0; i < t.ndays; i++) {
		int32_t day = since + (int32_t)i;

		memset(&f[i], 0, sizeof(f[i]));
		f[i].day = day;
		cg_quarantine_init(&t.q[i], cfg, cb, day_cutoff(day, now));
	}
	ret = cg_casebook_each(cb, h, tally_each, &t, err);
	free(t.q);
	return ret;
}

static json_t *share(unsigned long part, unsigned long whole)
{
	/* Three decimals, rounded: a share, not a measurement. */
	return whole ? json_real((double)((part * 2000 + whole) / (2 * whole)) / 1000.0) :
		       json_null();
}

json_t *cg_followup_record(const struct cg_followup_day *f)
{
	json_t *rec = json_object();

	cg_json_set_day(rec, "date", f->day);
	json_object_set_new(rec, "open", json_integer((json_int_t)f->open));
	json_object_set_new(rec, "followed", json_integer((json_int_t)f->followed));
	json_object_set_new(rec, "missed", json_integer((json_int_t)f->missed));
	json_object_set_new(rec, "lost", json_integer((json_int_t)f->lost));
	json_object_set_new(rec, "released", json_integer((json_int_t)f->released));
	json_object_set_new(rec, "released_followed",
			    json_integer((json_int_t)f->released_followed));
	json_object_set_new(rec, "shares",
			    json_pack("{s:o, s:o, s:o, s:o}",
				      "followed", share(f->followed, f->open),
				      "missed", share(f->missed, f->open),
				      "lost", share(f->lost, f->open),
				      "released_followed", share(f->released_followed, f->released)));
	return rec;
}
