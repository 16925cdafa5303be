/* Home observation: the case events counted, and the cases at the end. */

#include <string.h>

#include "core/mask.h"
#include "json/jsonl.h"
#include "rules/quarantine.h"
#include "report/report-counters.h"

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
	if ((place = cg_report_event_place(r, day)) < 0)
		return 0;
	r->case_events++;
	if (place) {
		if (!strcmp(event, "open"))
			r->opened++;
		else if (!strcmp(event, "escalate"))
			r->escalated++;
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
				r->alerts++;
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

static void case_person(struct cg_report *r, json_t *row, const json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *hh = json_string_value(json_object_get(rec, "household"));
	char buf[256];

	if (name)
		json_object_set_new(row, "name", json_string(r->o.mask ?
				    cg_mask_name(name, buf, sizeof(buf)) : name));
	if (hh)
		json_object_set_new(row, "household", json_string(hh));
}

json_t *cg_report_cases_section(struct cg_report *r, const struct period *p,
				json_int_t *omitted_out)
{
	int32_t since = p->since, until = p->until;
	cg_time_t pstart = p->start, cutoff = p->cutoff;
	json_t *o = json_object(), *list = json_array(), *by_day = json_array();
	unsigned long open = 0, ending_today = 0, ending_tomorrow = 0, needs_open = 0;
	unsigned long missed = 0, omitted = 0;
	struct cg_quarantine q;
	char since_s[CG_DATE_LEN];

	cg_day_format(since, since_s);
	cg_quarantine_init(&q, r->cfg, &r->cases, NULL, cutoff);
	for (size_t i = 0; i < r->cases.ncases; i++) {
		struct cg_case *c = r->cases.list[i];
		cg_time_t ended = case_ended(c);
		unsigned long case_missed = 0;
		json_t *row;

		if (case_active(c)) {
			json_t *due = cg_quarantine_due_record(&q, c, until);
			size_t k;
			json_t *w;

			open++;
			ending_today += c->end_day == until;
			ending_tomorrow += c->end_day == until + 1;
			needs_open += c->needs_open;
			json_array_foreach(json_object_get(due, "missed_windows"), k, w) {
				const char *s = json_string_value(w);

				if (s && strncmp(s, since_s, 10) >= 0)
					case_missed++;
			}
			json_decref(due);
			missed += case_missed;
		} else if (ended < pstart && c->opened_at < pstart) {
			continue;	/* over before the period */
		}
		if (json_array_size(list) >= CG_REPORT_LIST_MAX) {
			omitted++;
			continue;
		}
		row = json_object();
		json_object_set_new(row, "case_id", json_string(c->id));
		case_person(r, row, c->rec);
		json_object_set_new(row, "status", json_string(cg_case_status_name(c->status)));
		if (c->start_day != CG_CASE_NO_DAY)
			cg_json_set_day(row, "start", c->start_day);
		if (c->end_day != CG_CASE_NO_DAY)
			cg_json_set_day(row, "end", c->end_day);
		json_object_set_new(row, "missed", json_integer((json_int_t)case_missed));
		json_object_set_new(row, "needs_open", json_integer((json_int_t)c->needs_open));
		json_object_set_new(row, "ending_tomorrow",
				    json_boolean(case_active(c) && c->end_day == until + 1));
		json_array_append_new(list, row);
	}
	for (int32_t d = until - 13; d <= until; d++) {
		cg_time_t at = cg_report_day_start(d + 1);
		json_t *e = json_object();
		unsigned long n = 0;

		if (at > cutoff)
			at = cutoff;
		for (size_t i = 0; i < r->cases.ncases; i++) {
			const struct cg_case *c = r->cases.list[i];
			cg_time_t ended = case_ended(c);

			if (c->opened_at < at && (!ended || ended >= at))
				n++;
		}
		cg_json_set_day(e, "date", d);
		json_object_set_new(e, "open", json_integer((json_int_t)n));
		json_array_append_new(by_day, e);
	}
	json_object_set_new(o, "open", json_integer((json_int_t)open));
	json_object_set_new(o, "opened", json_integer((json_int_t)r->opened));
	json_object_set_new(o, "escalated", json_integer((json_int_t)r->escalated));
	json_object_set_new(o, "released", json_integer((json_int_t)r->released));
	json_object_set_new(o, "closed", json_integer((json_int_t)r->closed));
	json_object_set_new(o, "extended", json_integer((json_int_t)r->extended));
	json_object_set_new(o, "checks", json_integer((json_int_t)r->checks));
	json_object_set_new(o, "alerts", json_integer((json_int_t)r->alerts));
	json_object_set_new(o, "missed_windows", json_integer((json_int_t)missed));
	json_object_set_new(o, "ending_today", json_integer((json_int_t)ending_today));
	json_object_set_new(o, "ending_tomorrow", json_integer((json_int_t)ending_tomorrow));
	json_object_set_new(o, "needs_open", json_integer((json_int_t)needs_open));
	json_object_set_new(o, "by_day", by_day);
	json_object_set_new(o, "list", list);
	if (missed) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("missed_checks"));
		json_object_set_new(w, "count", json_integer((json_int_t)missed));
		json_array_append_new(r->warnings, w);
	}
	*omitted_out = (json_int_t)omitted;
	return o;
}
