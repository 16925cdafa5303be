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
	{ "gate_unattended", N_("gate unattended") },
	{ "missed_checks", N_("missed checks") },
	{ "lost_to_followup", N_("lost to follow-up") },
	{ "visitor_overstay", N_("visitor overstay") },
	{ "rejected_records", N_("rejected records") },
	{ "foreign_records", N_("records of another compound") },
	{ "no_checkins", N_("no check-ins") },
};

const char *cg_report_label(const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(code, labels[i].code))
			return _(labels[i].label);
	return code;	/* a class of the office's own: its name is its label */
}
