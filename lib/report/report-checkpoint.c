/* The signed checkpoint of each journal read (report-checkpoint.h). */

#include <string.h>

#include "crypto/note.h"
#include "report/report-checkpoint.h"
#include "report/report-counters.h"
#include "store/tlog.h"

void cg_report_journal_checkpoint(struct cg_report *r, const struct cg_home *h,
				  const char *stream, const char *day)
{
	struct cg_err ignored = CG_ERR_INIT;
	struct cg_tlog_signed s;
	struct cg_tlog_id id;
	json_t *entry = json_array_get(r->journals, json_array_size(r->journals) - 1), *cp;
	char b64[CG_HASH_B64];

	const char *journal = json_string_value(json_object_get(entry, "journal"));

	/* A day compressed since it was signed is the same journal. */
	if (!entry || cg_tlog_id_parse(!strcmp(stream, "checkin") ? day : stream, &id) < 0 ||
	    !journal || strncmp(journal, id.label, strlen(id.label)) ||
	    (journal[strlen(id.label)] && strcmp(journal + strlen(id.label), ".gz")) ||
	    cg_tlog_last(h, &id, &s, &ignored) != 0)
		return;
	cg_hash_b64(s.cp.root, b64);
	cp = json_pack("{s:s, s:I, s:s, s:s}", "origin", s.cp.origin,
		       "size", (json_int_t)s.cp.size, "root", b64, "note", s.note);
	if (s.consistency)
		json_object_set(cp, "consistency", s.consistency);
	json_object_set_new(entry, "checkpoint", cp);
	cg_tlog_signed_release(&s);
}
