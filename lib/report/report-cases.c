/* Home observation: the case events counted, and the cases at the end. */

#include <string.h>

#include "core/mask.h"
#include "rules/followup.h"
#include "rules/quarantine.h"
#include "store/rid.h"
#include "report/report-counters.h"

/*
 * A correction of a check (a void, or a check that amends one), whenever
 * it was made: the check it takes away is no longer counted, and the
 * correction is listed, when that check is of the period.
 */
static void case_correction(struct cg_report *r, const json_t *rec, const char *id)
{
	const struct cg_case *c = cg_casebook_find(&r->cases, id);
	const struct cg_case_check *k = c ? cg_case_check_at(c, cg_casebook_corrected_seq(rec)) : NULL;
	const json_t *seq = json_object_get(rec, "seq");
	char rid[CG_RID_LEN];
	json_t *e;

	if (!k || cg_report_event_place(r, k->day) <= 0)
		return;
	r->checks--;
	r->alerts -= k->alert;
	e = json_copy((json_t *)rec);
	if (json_is_integer(seq) && cg_rid_format(rid, sizeof(rid), r->cfg->compound_code,
						  "quarantine", NULL,
						  (uint64_t)json_integer_value(seq)) == 0)
		json_object_set_new(e, "rid", json_string(rid));
	cg_report_correction(r, e, 0);
	json_decref(e);
}

/* The case an alert is about, in its list (once, at most 100); 1. */
static int about(json_t *list, const char *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), id))
			return 1;
	if (json_array_size(list) < 100)
		json_array_append_new(list, json_string(id));
	return 1;
}

int cg_report_case_event(struct cg_report *r, const json_t *rec, const char *event,
			 char *why, size_t whylen, struct cg_err *err)
{
	const char *id;
	cg_time_t at;
	int32_t day;
	int place;

	if (cg_report_event_time(r, rec, &at, &day, why, whylen) ||
	    cg_report_string_of(rec, "case_id", &id, why, whylen))
		return 1;
	if (cg_casebook_corrected_seq(rec))
		case_correction(r, rec, id);
	if (!strcmp(event, "void")) {
		r->case_events++;
		return cg_casebook_apply(&r->cases, rec, err) < 0 ? -1 : 0;
	}
	if ((place = cg_report_event_place(r, day)) < 0)
		return 0;
	r->case_events++;
	if (place)
		cg_report_case_late(r, rec, day);
	if (place) {
		if (!strcmp(event, "open"))
			r->opened++;
		else if (!strcmp(event, "escalate"))
			r->escalated += about(r->escalated_cases, id);
		else if (!strcmp(event, "release"))
			r->released++;
		else if (!strcmp(event, "close"))
			r->closed++;
		else if (!strcmp(event, "extend"))
			r->extended++;
		else if (!strcmp(event, "need"))
			r->needs++;
		else if (!strcmp(event, "need_done"))
			r->needs_done++;
		else if (!strcmp(event, "check")) {
			r->checks++;
			if (!strcmp(json_string_value(json_object_get(rec, "result")) ?: "", "alert"))
				r->alerts += about(r->alert_cases, id);
		}
	}
	if (cg_casebook_apply(&r->cases, rec, err) < 0)
		return -1;
	return 0;
}

static int case_active(const struct cg_case *c)
{
	return c->status == CG_CASE_OPEN || c->status == CG_CASE_ESCALATED;
}

/* When the case ended (released or closed), else 0. */
static cg_time_t case_ended(const struct cg_case *c)
{
	const char *keys[] = { "released_at", "closed_at" };
	cg_time_t t;

	if (case_active(c))
		return 0;
	for (int i = 0; i < 2; i++)
		if (cg_time_parse(json_string_value(json_object_get(c->rec, keys[i])), 0, &t) == 0)
			return t;
	return 1;	/* ended, time unknown: long ago */
}

/*
 * Windows of an open case missed from the first day of the period on.
 * Only those days are walked: a case whose "start" says 0816 would list
 * every window of eleven centuries (a window is expected by the case's
 * own days, not by where the walk begins).
 */
static unsigned long missed_windows(const struct cg_quarantine *q, struct cg_case *c,
				    const struct period *p)
{
	struct cg_case from = *c;
	json_t *due, *w;
	char since[CG_DATE_LEN];
	unsigned long n = 0;
	size_t k;

	if (from.start_day != CG_CASE_NO_DAY && from.start_day < p->since)
		from.start_day = p->since;
	due = cg_quarantine_due_record(q, &from, p->until);
	cg_day_format(p->since, since);
	json_array_foreach(json_object_get(due, "missed_windows"), k, w) {
		const char *s = json_string_value(w);

		if (s && strncmp(s, since, 10) >= 0)
			n++;
	}
	json_decref(due);
	return n;
}

/*
 * Follow-up (the WHO and SORMAS measures, defined once in
 * rules/followup.h): of the cases under observation at the end of the
 * period, those seen in every check window of its last day, those with a
 * window missed that day, and those lost to follow-up on it; of the cases
 * released in the period, those checked on every day of their observation.
 */
struct followup {
	unsigned long followed, missed, lost, released, released_followed;
};

static void follow_active(struct cg_report *r, const struct cg_quarantine *q, struct cg_case *c,
			  const struct period *p, struct followup *f)
{
	if (cg_followup_missed_on(q, c, p->until))
		f->missed++;
	else
		f->followed++;
	f->lost += cg_followup_lost(&r->cfg->quarantine, c, p->until);
}

static void follow_released(const struct cg_case *c, const struct period *p, struct followup *f)
{
	cg_time_t at = case_ended(c);

	if (c->status != CG_CASE_RELEASED || at < p->start || at >= p->cutoff)
		return;
	f->released++;
	f->released_followed += cg_followup_released_followed(c, at);
}

/*
 * Windows a case that ended in the period missed while it was still under
 * observation: those a daily report of each of its days before the end
 * counted, so that the days add up to the period.
 */
static unsigned long missed_before_end(struct cg_report *r, struct cg_case *c,
				       const struct period *p)
{
	cg_time_t at = case_ended(c);
	int32_t ended = cg_local_day(at, NULL);
	struct cg_quarantine q;
	struct cg_case was = *c;
	struct period before = *p;

	if (at < p->start || ended - 1 < p->since)
		return 0;
	was.status = CG_CASE_OPEN;	/* as it was the day before it ended */
	before.until = ended - 1;
	cg_quarantine_init(&q, r->cfg, &r->cases, cg_report_day_start(ended));
	return missed_windows(&q, &was, &before);
}

/* A row of the list of cases (a new reference). */
static json_t *case_row(struct cg_report *r, const struct cg_case *c, unsigned long missed,
			int32_t until)
{
	const char *name = json_string_value(json_object_get(c->rec, "name"));
	char masked[256], start[CG_DATE_LEN], end[CG_DATE_LEN];

	if (name && r->o.mask)
		name = cg_mask_name(name, masked, sizeof(masked));
	if (c->start_day != CG_CASE_NO_DAY)
		cg_day_format(c->start_day, start);
	if (c->end_day != CG_CASE_NO_DAY)
		cg_day_format(c->end_day, end);
	return json_pack("{s:s, s:s*, s:s*, s:s, s:s*, s:s*, s:I, s:I, s:b}",
			 "case_id", c->id,
			 "name", name,
			 "household", json_string_value(json_object_get(c->rec, "household")),
			 "status", cg_case_status_name(c->status),
			 "start", c->start_day != CG_CASE_NO_DAY ? start : NULL,
			 "end", c->end_day != CG_CASE_NO_DAY ? end : NULL,
			 "missed", (json_int_t)missed,
			 "needs_open", (json_int_t)c->needs_open,
			 "ending_tomorrow", case_active(c) && c->end_day == until + 1);
}

/* The cases open at the end of each of the last 14 days of the period. */
static json_t *open_by_day(const struct cg_report *r, const struct period *p)
{
	json_t *by_day = json_array();
	char date[CG_DATE_LEN];

	for (int32_t d = p->until - 13; d <= p->until; d++) {
		cg_time_t at = cg_report_day_start(d + 1);
		unsigned long n = 0;

		if (at > p->cutoff)
			at = p->cutoff;
		for (size_t i = 0; i < r->cases.ncases; i++) {
			const struct cg_case *c = r->cases.list[i];
			cg_time_t ended = case_ended(c);

			if (c->opened_at < at && (!ended || ended >= at))
				n++;
		}
		cg_day_format(d, date);
		json_array_append_new(by_day, json_pack("{s:s, s:I}", "date", date,
							"open", (json_int_t)n));
	}
	return by_day;
}

json_t *cg_report_cases_section(struct cg_report *r, const struct period *p,
				json_int_t *omitted)
{
	json_t *list = json_array();
	unsigned long open = 0, ending_today = 0, ending_tomorrow = 0, needs_open = 0;
	unsigned long missed = 0;
	struct cg_quarantine q;
	struct followup f = { 0 };

	*omitted = 0;
	cg_quarantine_init(&q, r->cfg, &r->cases, p->cutoff);
	for (size_t i = 0; i < r->cases.ncases; i++) {
		struct cg_case *c = r->cases.list[i];
		unsigned long case_missed = 0;

		if (case_active(c)) {
			open++;
			ending_today += c->end_day == p->until;
			ending_tomorrow += c->end_day == p->until + 1;
			needs_open += c->needs_open;
			case_missed = missed_windows(&q, c, p);
			missed += case_missed;
			follow_active(r, &q, c, p, &f);
		} else if (case_ended(c) < p->start && c->opened_at < p->start) {
			continue;	/* over before the period */
		} else {
			case_missed = missed_before_end(r, c, p);
			missed += case_missed;
		}
		follow_released(c, p, &f);
		if (json_array_size(list) >= CG_REPORT_LIST_MAX)
			(*omitted)++;
		else
			json_array_append_new(list, case_row(r, c, case_missed, p->until));
	}
	if (missed)
		json_array_append_new(r->warnings, json_pack("{s:s, s:I}", "code", "missed_checks",
							     "count", (json_int_t)missed));
	if (f.lost)
		json_array_append_new(r->warnings, json_pack("{s:s, s:I, s:i}", "code", "lost_to_followup",
							     "count", (json_int_t)f.lost, "days",
							     r->cfg->quarantine.lost_after_days));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o}",
			 "open", (json_int_t)open,
			 "opened", (json_int_t)r->opened,
			 "escalated", (json_int_t)r->escalated,
			 "released", (json_int_t)r->released,
			 "closed", (json_int_t)r->closed,
			 "extended", (json_int_t)r->extended,
			 "checks", (json_int_t)r->checks,
			 "alerts", (json_int_t)r->alerts,
			 "missed_windows", (json_int_t)missed,
			 "ending_today", (json_int_t)ending_today,
			 "ending_tomorrow", (json_int_t)ending_tomorrow,
			 "needs_open", (json_int_t)needs_open,
			 "followup", "followed", (json_int_t)f.followed,
				     "missed", (json_int_t)f.missed,
				     "lost", (json_int_t)f.lost,
				     "released", (json_int_t)f.released,
				     "released_followed", (json_int_t)f.released_followed,
			 "by_day", open_by_day(r, p),
			 "list", list);
}
