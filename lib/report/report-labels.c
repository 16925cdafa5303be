/*
 * The labels of the codes a person reads in the human formats (text,
 * Markdown, HTML, CSV headers): reasons, kinds, directions, decisions,
 * case statuses, pass classes, warnings and severities.  JSON keeps the
 * codes; these are what a committee member reads, translated (zh_CN).
 */
#include <string.h>

#include "core/i18n.h"
#include "report/report.h"

static const struct {
	const char *code, *label;
} labels[] = {
	/* reasons of cg-checkin */
	{ "fever", N_("fever") },
	{ "symptoms", N_("symptoms") },
	{ "no_mask", N_("no mask") },
	{ "courier", N_("courier") },
	{ "visitor_no_host", N_("visitor without host") },
	{ "vehicle_unregistered", N_("unregistered vehicle") },
	{ "pass_invalid", N_("pass invalid") },
	{ "quarantined", N_("under observation") },
	{ "remeasure", N_("measure again") },
	{ "no_pass", N_("no pass") },
	{ "risk_area", N_("from a risk area") },
	{ "identity_check", N_("identity to check") },
	{ "exit_quota", N_("household exit quota used") },
	{ "household_unknown", N_("household not given") },
	/* why a person is a contact (cg-quarantine trace), and the reasons
	 * their cases are opened with */
	{ "same_household", N_("same household") },
	{ "hosted_visitor", N_("visited the household") },
	{ "visited_by_index", N_("visited by the index person") },
	{ "same_gate_window", N_("same gate, same time") },
	{ "close_contact", N_("close contact") },
	{ "secondary_contact", N_("contact of a contact") },
	/* service requests of cases under observation (cg-quarantine need) */
	{ "supplies", N_("supplies to bring") },
	{ "garbage", N_("garbage to take out") },
	{ "repair", N_("repair needed") },
	{ "medical", N_("medical help") },
	/* kinds, and pass classes */
	{ "resident", N_("resident") },
	{ "tenant", N_("tenant") },
	{ "visitor", N_("visitor") },
	{ "staff", N_("staff") },
	{ "vehicle", N_("vehicle") },
	{ "returnee", N_("returnee") },
	{ "temporary", N_("temporary") },
	/* directions and decisions */
	{ "in", N_("in") },
	{ "out", N_("out") },
	{ "admit", N_("admit") },
	{ "deny", N_("deny") },
	{ "refer", N_("refer") },
	/* case statuses */
	{ "open", N_("open") },
	{ "escalated", N_("escalated") },
	{ "released", N_("released") },
	{ "closed", N_("closed") },
	/* severities and warnings */
	{ "alert", N_("alert") },
	{ "warning", N_("warning") },
	{ "notice", N_("notice") },
	{ "fever_at_gate", N_("fever at the gate") },
	{ "observation_alert", N_("observation alert") },
	{ "case_escalated", N_("case escalated") },
	{ "journal_damaged", N_("journal damaged") },
	{ "checkpoint_unverifiable", N_("checkpoint unverifiable") },
	{ "checkpoint_unknown_key", N_("checkpoint signed by an unknown key") },
	{ "checkpoint_inconsistent", N_("checkpoint inconsistent") },
	{ "gate_unattended", N_("gate unattended") },
	{ "gate_unstaffed", N_("gate without a guard") },
	{ "register_without_guard", N_("register without a guard") },
	{ "care_call_missed", N_("care call missed") },
	{ "stock_low", N_("supplies low") },
	{ "missed_checks", N_("missed checks") },
	{ "lost_to_followup", N_("lost to follow-up") },
	{ "visitor_overstay", N_("visitor overstay") },
	{ "exit_overdue", N_("not back in time") },
	{ "late_registration", N_("late registration") },
	{ "ts_outside_period", N_("record outside the period") },
	{ "rejected_records", N_("rejected records") },
	{ "foreign_records", N_("records of another compound") },
	{ "no_checkins", N_("no check-ins") },
};

/* CSV columns: the keys of the report's lists and rows.  In English a
 * column is its key (what scripts read); in Chinese, what it means. */
static const struct {
	const char *key, *label;
} columns[] = {
	{ "metric", N_("metric") }, { "value", N_("value") },
	{ "compound", N_("compound") }, { "ts", N_("ts") }, { "gate", N_("gate") },
	{ "dir", N_("dir") }, { "kind", N_("kind") }, { "name", N_("name") },
	{ "id_no", N_("id_no") }, { "phone", N_("phone") }, { "household", N_("household") },
	{ "host", N_("host") }, { "plate", N_("plate") }, { "temp", N_("temp") },
	{ "decision", N_("decision") }, { "reasons", N_("reasons") },
	{ "visit_until", N_("visit_until") }, { "case_id", N_("case_id") },
	{ "status", N_("status") }, { "start", N_("start") }, { "end", N_("end") },
	{ "missed", N_("missed") }, { "needs_open", N_("needs_open") },
	{ "ending_tomorrow", N_("ending_tomorrow") }, { "code", N_("code") },
	{ "severity", N_("severity") }, { "from", N_("from") }, { "to", N_("to") },
	{ "gap_min", N_("gap_min") }, { "journal", N_("journal") }, { "line", N_("line") },
	{ "reason", N_("reason") }, { "count", N_("count") }, { "records", N_("records") },
	{ "seq", N_("seq") }, { "chain", N_("chain") }, { "verified", N_("verified") },
	{ "torn", N_("torn") }, { "damaged_line", N_("damaged_line") },
	{ "since", N_("since") }, { "until", N_("until") }, { "days", N_("days") },
	{ "events", N_("events") }, { "fevers", N_("fevers") }, { "visitors", N_("visitors") },
	{ "overstays", N_("overstays") }, { "cases_open", N_("cases_open") },
	{ "passes_active", N_("passes_active") }, { "longest_gap_min", N_("longest_gap_min") },
	{ "longest_gap_from", N_("longest_gap_from") }, { "longest_gap_to", N_("longest_gap_to") },
	{ "warnings", N_("warnings") }, { "alerts", N_("alerts") }, { "first", N_("first") },
	{ "last", N_("last") }, { "hour", N_("hour") },
	{ "back", N_("back") }, { "hours_out", N_("hours_out") },
};

const char *cg_report_column(const char *key)
{
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (!strcmp(key, columns[i].key))
			return _(columns[i].label);
	return cg_report_label(key);	/* in, out, admit, deny, refer */
}

const char *cg_report_label(const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(code, labels[i].code))
			return _(labels[i].label);
	return code;	/* a class of the office's own: its name is its label */
}
