/* The journals read, and whether each verified. */

#include "report/report-counters.h"

void cg_report_journal(struct cg_report *r, const char *label, uint64_t records,
		       uint64_t seq, const char *chain, int verified, int torn,
		       unsigned long damaged_line, const char *reason)
{
	json_t *j = json_object();

	json_object_set_new(j, "journal", json_string(label));
	json_object_set_new(j, "records", json_integer((json_int_t)records));
	json_object_set_new(j, "seq", json_integer((json_int_t)seq));
	json_object_set_new(j, "chain", json_string(chain));
	json_object_set_new(j, "verified", json_boolean(verified));
	json_object_set_new(j, "torn", json_integer(torn));
	if (!verified) {
		json_t *w = json_object();

		json_object_set_new(j, "damaged_line", json_integer((json_int_t)damaged_line));
		json_object_set_new(j, "reason", json_string(reason ? reason : ""));
		json_object_set_new(w, "code", json_string("journal_damaged"));
		json_object_set_new(w, "journal", json_string(label));
		json_object_set_new(w, "line", json_integer((json_int_t)damaged_line));
		json_object_set_new(w, "reason", json_string(reason ? reason : ""));
		json_array_append_new(r->warnings, w);
	}
	json_array_append_new(r->journals, j);
}
