/* Passes: the events counted, and the passes active at the end. */

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "report/report-counters.h"

int cg_report_pass_event(struct cg_report *r, const json_t *rec, const char *event,
			 char *why, size_t whylen, struct cg_err *err)
{
	const char *id, *cls = NULL;
	cg_time_t at, t;
	int32_t day;
	int place;

	if (cg_report_event_time(r, rec, &at, &day, why, whylen) ||
	    cg_report_string_of(rec, "pass_id", &id, why, whylen))
		return 1;
	if (!strcmp(event, "issue")) {
		const json_t *c = json_object_get(rec, "class");

		if (c && !json_is_string(c))
			return cg_report_bad(why, whylen, _("'%s' must be a string"), "class");
		cls = c ? json_string_value(c) : "resident";
		if (cg_time_parse(json_string_value(json_object_get(rec, "valid_from")), 0, &t) < 0 ||
		    cg_time_parse(json_string_value(json_object_get(rec, "valid_until")), 0, &t) < 0)
		{
			char show[80];
			struct field f = { CG_SCAN_STRING, id, strlen(id) };

			return cg_report_bad(why, whylen, _("pass '%s' has no valid_from or valid_until"),
				   cg_report_shown(&f, show, sizeof(show)));
		}
	}
	if ((place = cg_report_event_place(r, day)) < 0)
		return 0;
	r->pass_events++;
	if (place) {
		if (cls) {
			json_int_t n = json_integer_value(json_object_get(r->issued, cls));

			json_object_set_new(r->issued, cls, json_integer(n + 1));
		} else {
			r->revoked++;
		}
	}
	if (cg_passbook_apply(&r->passes, rec, err) < 0) {
		snprintf(why, whylen, "%s", err->msg);
		return 1;
	}
	return 0;
}

static void add_count(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

json_t *cg_report_passes_section(struct cg_report *r, cg_time_t cutoff)
{
	json_t *issued = json_object(), *active = json_object();
	const char *cls;
	json_t *v, *ev;
	json_int_t total = 0, active_total = 0;

	/* Every configured class, in order, so the shape stays the same. */
	json_object_foreach((json_t *)r->cfg->pass_classes, cls, v) {
		json_object_set_new(issued, cls, json_integer(0));
		json_object_set_new(active, cls, json_integer(0));
	}
	json_object_foreach(r->issued, cls, v) {
		add_count(issued, cls, json_integer_value(v));
		total += json_integer_value(v);
	}
	json_object_foreach(r->passes.passes, cls, ev) {
		const char *c = json_string_value(json_object_get(ev, "class"));

		if (cg_passbook_status(ev, cutoff - 1) != CG_PASS_OK)
			continue;
		add_count(active, c ? c : "resident", 1);
		active_total++;
	}
	return json_pack("{s:o, s:I, s:I, s:o, s:I}",
			 "issued", issued,
			 "issued_total", total,
			 "revoked", (json_int_t)r->revoked,
			 "active", active,
			 "active_total", active_total);
}
