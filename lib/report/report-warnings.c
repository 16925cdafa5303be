/*
 * The severity of each warning of a report, and their order: alerts (a
 * person or a record is at risk: act now), then warnings (something the
 * office must look into), then notices (worth knowing).
 */
#include <stdlib.h>
#include <string.h>

#include "report/report-counters.h"

static const struct {
	const char *code, *severity;
} severities[] = {
	{ "fever_at_gate", "alert" },
	{ "observation_alert", "alert" },
	{ "case_escalated", "alert" },
	{ "journal_damaged", "alert" },
	/* Where guards sign on (cg-duty), duty hours with nobody on and
	 * check-ins with nobody on are alerts; elsewhere a gap in traffic
	 * is only a warning: the report cannot tell. */
	{ "gate_unstaffed", "alert" },
	{ "register_without_guard", "alert" },
	/* cg-report --merge --trust: a register the street cannot hold the
	 * compound to */
	{ "checkpoint_unverifiable", "alert" },
	{ "checkpoint_unknown_key", "alert" },
	{ "checkpoint_inconsistent", "alert" },
	{ "gate_unattended", "warning" },
	{ "care_call_missed", "warning" },
	{ "stock_low", "warning" },
	{ "missed_checks", "warning" },
	{ "lost_to_followup", "warning" },
	{ "visitor_overstay", "warning" },
	{ "exit_overdue", "warning" },
	{ "late_registration", "warning" },
	{ "ts_outside_period", "warning" },
	{ "rejected_records", "warning" },
	{ "foreign_records", "warning" },
	{ "no_checkins", "notice" },
};

const char *cg_report_severity(const char *code)
{
	for (size_t i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		if (!strcmp(code, severities[i].code))
			return severities[i].severity;
	return "warning";
}

int cg_report_severity_rank(const char *severity)
{
	if (!severity)
		return -1;
	if (!strcmp(severity, "alert"))
		return 0;
	if (!strcmp(severity, "warning"))
		return 1;
	if (!strcmp(severity, "notice"))
		return 2;
	return -1;
}

struct ranked {
	json_t *w;
	int rank;
	size_t i;
};

static int by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return (x->i > y->i) - (x->i < y->i);	/* stable */
}

/* Every warning of list with its severity (kept when it has one), then
 * alerts first, warnings, notices, each in the order they came. */
void cg_report_warnings_order(json_t *list)
{
	size_t n = json_array_size(list);
	struct ranked *e = malloc((n ? n : 1) * sizeof(*e));

	if (!e)
		return;
	for (size_t i = 0; i < n; i++) {
		json_t *w = json_array_get(list, i);
		const char *s = json_string_value(json_object_get(w, "severity"));

		if (cg_report_severity_rank(s) < 0)
			s = cg_report_severity(json_string_value(json_object_get(w, "code")) ?: "");
		/* code and severity first, as every warning reads */
		e[i].w = json_pack("{s:O, s:s}", "code", json_object_get(w, "code"), "severity", s);
		json_object_update(e[i].w, w);
		e[i].rank = cg_report_severity_rank(s);
		e[i].i = i;
	}
	qsort(e, n, sizeof(*e), by_rank);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, e[i].w);
	free(e);
}

int cg_report_fails(const json_t *rep, int level)
{
	const json_t *w;
	size_t i;

	json_array_foreach(json_object_get(rep, "warnings"), i, w) {
		int rank = cg_report_severity_rank(json_string_value(json_object_get(w, "severity")));

		if (rank < 0 || rank <= level)
			return 1;
	}
	return 0;
}
