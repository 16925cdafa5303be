/*
 * Late registrations: a record whose day had ended (plus the policy's
 * grace, late_grace_min, 60 minutes by default) when it was registered.
 * cg-checkin and cg-quarantine stamp such a record with registered_at;
 * the report counts it on its own day (the reader looks through the later
 * days' check-in journals for it, cg_report_read_backfilled; the case
 * journal is read whole) and lists it here, since a register filled in
 * afterwards is what an inspector looks for.
 */
#include <string.h>

#include "core/mask.h"
#include "json/jsonl.h"
#include "report/report-counters.h"

void cg_report_count_late(struct cg_report *r, const struct checkin *c, int32_t day)
{
	cg_time_t end = cg_report_day_start(day + 1) + (cg_time_t)r->cfg->policy.late_grace_min * 60;
	char buf[256], m[256];
	json_t *e;

	if (c->registered <= end)
		return;
	if (r->late_n++ >= CG_REPORT_LATE_MAX)
		return;
	e = json_object();
	cg_json_set_time(e, "ts", c->at);
	cg_json_set_time(e, "registered_at", c->registered);
	json_object_set_new(e, "gate", json_string(c->gate));
	json_object_set_new(e, "dir", json_string(c->in ? "in" : "out"));
	json_object_set_new(e, "kind", json_string(cg_report_kinds[c->kind]));
	if (c->name) {
		cg_report_copy_str(c->name, buf, sizeof(buf));
		json_object_set_new(e, "name", json_string(r->o.mask ?
				    cg_mask_name(buf, m, sizeof(m)) : buf));
	}
	if (c->household[0])
		json_object_set_new(e, "household", json_string(c->household));
	json_object_set_new(e, "decision", json_string(cg_report_decisions[c->decision]));
	json_array_append_new(r->late, e);
}

void cg_report_case_late(struct cg_report *r, const json_t *rec, int32_t day)
{
	cg_time_t end = cg_report_day_start(day + 1) + (cg_time_t)r->cfg->policy.late_grace_min * 60;
	const json_t *reg = json_object_get(rec, "registered_at");
	cg_time_t at;

	/* A correction is listed with its record already (registered_at is
	 * the record's). */
	if (!json_is_string(reg) || json_object_get(rec, "correction_of") ||
	    cg_time_parse(json_string_value(reg), 0, &at) < 0 || at <= end)
		return;
	if (r->late_n++ >= CG_REPORT_LATE_MAX)
		return;
	json_array_append_new(r->late, json_pack("{s:O, s:O, s:O, s:O}",
						 "ts", json_object_get(rec, "ts"),
						 "registered_at", reg,
						 "case_id", json_object_get(rec, "case_id"),
						 "event", json_object_get(rec, "event")));
}

void cg_report_late_warning(struct cg_report *r)
{
	if (!r->late_n)
		return;
	cg_report_sort_by_ts(r->late);
	json_array_append_new(r->warnings,
			      json_pack("{s:s, s:I, s:i, s:O}", "code", "late_registration",
					"count", (json_int_t)r->late_n,
					"grace_min", r->cfg->policy.late_grace_min,
					"records", r->late));
}
