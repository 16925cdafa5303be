#ifndef CG_REPORT_CHECKPOINT_H
#define CG_REPORT_CHECKPOINT_H

#include "core/home.h"
#include "report/report.h"

/*
 * The report's journals entries carry the last checkpoint the compound
 * signed of each journal (cg-journal(1)), so that whoever gets the report
 * can hold the compound to it:
 *
 *   "checkpoint": {"origin", "size", "root", "note", "consistency"}
 *
 * note is the C2SP signed note; consistency, {"old","proof"}, proves it
 * extends the checkpoint signed before it (absent for the first).  Added
 * to the entry just appended for the stream's journal (day for
 * "checkin"); nothing when it was never signed or the store cannot be
 * read: the report is not the verifier.
 */
void cg_report_journal_checkpoint(struct cg_report *r, const struct cg_home *h,
				  const char *stream, const char *day);

#endif
