#ifndef CG_CORRECTION_H
#define CG_CORRECTION_H

#include <stddef.h>
#include <string.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "json/scan.h"
#include "rules/checkin.h"

/*
 * Corrections of check-in records (issue 13): the journal is never
 * edited; a correction is a record of its own, journaled on the day it is
 * made, that names the record it corrects by rid (store/rid.h).
 *
 *   void    {"ts":NOW,"compound":C,"voids":RID,"correction_of":ROOT,
 *            "correction_reason":TEXT,"corrected_by":NAME,
 *            "corrected_at":NOW}
 *   amend   the corrected record: the fields of the record it replaces
 *           with the changes made, decided again by the gate rules, its
 *           "ts" kept (so it belongs to the event's day), then
 *           "amends":RID,"correction_of":ROOT,"changed":{FIELD:OLD,...}
 *           (the values replaced, "decision" and "reasons" too when they
 *           changed),"correction_reason","corrected_by","corrected_at"
 *
 * RID is the version it replaces (the original, or its latest amendment);
 * ROOT the original record's rid, whatever was named: every correction of
 * one event carries it, so the event's state is that of its latest
 * correction, in journal order: voided, or the latest amendment.  Voiding
 * an amendment voids the event; a voided event cannot be corrected again.
 *
 * Corrections are accepted only for records of the last
 * CG_CORRECTION_DAYS days before today's journal, so that a report for
 * day D finds every correction of D's records in D and the days up to
 * D + CG_CORRECTION_DAYS.
 */

#define CG_CORRECTION_DAYS 7

/*
 * Whether a line may be a correction, at the cost of a look at its end:
 * cg-checkin and cg-quarantine write "corrected_at" as the last field
 * before seq and chain, so only the last CG_CORRECTION_TAIL_BYTES are
 * searched (a report reads millions of lines that are not).  A record
 * whose fields were reordered on the way is not seen as one.
 */
#define CG_CORRECTION_TAIL "\"corrected_at\":\""
#define CG_CORRECTION_TAIL_BYTES 256

static inline int cg_correction_maybe(const char *line, size_t len)
{
	/* What memmem() over the tail answers, found by the needle's '_'
	 * (rare in a record's tail) with memchr(): glibc's memmem took a
	 * tenth of the report of a big day. */
	enum { K = sizeof(CG_CORRECTION_TAIL) - 1, AT = 10 };
	size_t n = len < CG_CORRECTION_TAIL_BYTES ? len : CG_CORRECTION_TAIL_BYTES;
	const char *p, *last;

	if (n < K)
		return 0;
	p = line + len - n + AT;
	last = line + len - K + AT;	/* the '_' of a needle ending the line */
	while (p <= last && (p = memchr(p, '_', (size_t)(last - p) + 1))) {
		if (!memcmp(p - AT, CG_CORRECTION_TAIL, K))
			return 1;
		p++;
	}
	return 0;
}

/*
 * cg_correction_maybe of a line the fast scan read (v: the value it found
 * for "corrected_at"), without searching it: in such a line every '"'
 * opens or closes a string without escapes, so the text "corrected_at":"
 * can only be that key (once: no duplicates) with a string value right
 * after its colon.
 */
static inline int cg_correction_maybe_scanned(const char *line, size_t len,
					      const struct cg_scan_val *v)
{
	enum { K = sizeof(CG_CORRECTION_TAIL) - 1 };
	size_t n = len < CG_CORRECTION_TAIL_BYTES ? len : CG_CORRECTION_TAIL_BYTES;
	size_t at;

	if (v->type != CG_SCAN_STRING)
		return 0;
	at = (size_t)(v->p - line) - K;	/* after a key: >= 1 */
	return at >= len - n && !memcmp(line + at, CG_CORRECTION_TAIL, K);
}

/* 1 when rec (borrowed) is a correction, else 0. */
int cg_correction_is(const json_t *rec);

/*
 * The corrections read so far, the fold of the correction lines of a
 * range of journal days: per original rid, its state.
 */
struct cg_corrections {
	json_t *events;	/* ROOT -> {"rid":own rid,"void":bool,"line":text of
			 * the latest correction, an amendment without its
			 * correction fields, seq and chain}; owned */
	json_t *list;	/* every correction record, in journal order, with
			 * its own "rid" added; owned */
};

void cg_corrections_init(struct cg_corrections *c);
void cg_corrections_release(struct cg_corrections *c);

/*
 * Fold one correction line (journaled at day/seq in compound).  Lines
 * that are not corrections are ignored.  0, or -1 with *err (a damaged
 * line: CG_EXIT_DAMAGED).
 */
int cg_corrections_add(struct cg_corrections *c, const char *compound, const char *day,
		       uint64_t seq, const char *line, size_t len, struct cg_err *err);

/*
 * Read the corrections of the check-in days from..to (local days) into c.
 * 0, or -1 with *err.
 */
int cg_corrections_load(struct cg_corrections *c, const struct cg_home *h,
			const char *compound, int32_t from, int32_t to, struct cg_err *err);

/*
 * The state of the event whose original rid is root: NULL when it was
 * never corrected, else the borrowed state object ("void" true when it is
 * voided, else "line": the text of the record that counts now, "rid" its
 * rid).
 */
const json_t *cg_corrections_state(const struct cg_corrections *c, const char *root);

/* What a person asks for: void or amend the record they name. */
struct cg_correction_req {
	const char *target;	/* as typed: a rid, DATE/SEQ or SEQ (today) */
	int amend;		/* else void */
	const json_t *set;	/* amend: field -> new value; borrowed */
	const char *reason;	/* why; not empty */
	const char *by;		/* who */
};

/*
 * Make the correction record asked for, to be journaled in today's
 * check-in journal (the day of now).  The caller holds that journal's
 * lock (cg_journal_lock), so that what was journaled before is all there
 * is: two voids of one record at once journal one.  An amendment is
 * decided again by ck's rules.  Returns a new reference, or NULL with *err:
 * CG_EXIT_REJECTED for a request that is refused (a malformed or unknown
 * rid, another compound's, a record too old, one voided, a void named, a
 * field that cannot be set, an amended record the rules reject),
 * CG_EXIT_DAMAGED or CG_EXIT_SYSTEM otherwise.
 */
json_t *cg_correction_make(const struct cg_correction_req *q, struct cg_checkin *ck,
			   const struct cg_home *h, cg_time_t now, struct cg_err *err);

/*
 * Read "FIELD=VALUE" into set (FIELD -> VALUE as typed).  0, or -1 with
 * why: a field that is not a record's own (ts, compound, decision,
 * reasons, seq, chain, the correction fields).
 */
int cg_correction_parse_set(json_t *set, const char *arg, const char **why);

/*
 * Set the fields of set (from cg_correction_parse_set) in rec: as text
 * where rec has text or the field is text (name, id_no, phone, gate, ...:
 * a phone typed as digits stays a string), else as JSON when the value is
 * JSON (temp=36.6, mask=true, symptoms=[]), else as text.
 */
void cg_correction_apply(json_t *rec, const json_t *set);

#endif
