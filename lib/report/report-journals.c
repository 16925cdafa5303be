/* The journals read, and whether each verified. */

#include "report/report-counters.h"

void cg_report_journal(struct cg_report *r, const char *label, uint64_t records,
		       uint64_t seq, const char *chain, int verified, int torn,
		       unsigned long damaged_line, const char *reason,
		       const char *leftover)
{
	json_t *j = json_pack("{s:s, s:I, s:I, s:s, s:b, s:i}",
			      "journal", label,
			      "records", (json_int_t)records,
			      "seq", (json_int_t)seq,
			      "chain", chain,
			      "verified", verified,
			      "torn", torn);

	if (!reason)
		reason = "";
	if (!verified) {
		json_object_set_new(j, "damaged_line", json_integer((json_int_t)damaged_line));
		json_object_set_new(j, "reason", json_string(reason));
		json_array_append_new(r->warnings,
				      json_pack("{s:s, s:s, s:I, s:s}", "code", "journal_damaged",
						"journal", label, "line", (json_int_t)damaged_line,
						"reason", reason));
	}
	if (leftover && *leftover)
		json_object_set_new(j, "leftover", json_string(leftover));
	json_array_append_new(r->journals, j);
}
