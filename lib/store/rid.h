#ifndef CG_RID_H
#define CG_RID_H

#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

/*
 * Record ids (DESIGN.md "rid"): the one place they are made and read.
 *
 *   COMPOUND/checkin/DATE/SEQ    a check-in, by its journal's day (the file
 *                                it is in, which is the day of its "ts"
 *                                unless it was back-filled) and seq
 *   COMPOUND/pass/SEQ            a pass event
 *   COMPOUND/quarantine/SEQ      a case event
 *
 * What upstream deduplicates on and what a correction names.  A rid is
 * never stored in the journal line it names (the chain covers that text):
 * it follows from where the line is.
 */

#define CG_RID_LEN 160		/* the longest rid + 1 */
#define CG_RID_COMPOUND_LEN 96	/* the longest compound code + 1 */

struct cg_rid {
	char compound[CG_RID_COMPOUND_LEN];
	char stream[16];	/* "checkin", "pass", "quarantine" */
	char day[CG_DATE_LEN];	/* checkin: the journal's day; else "" */
	uint64_t seq;		/* from 1 */
};

/*
 * Write the rid of line seq of a stream's journal (day: the check-in
 * journal's day, NULL for the others) into out.  0, or -1 when it does
 * not fit.
 */
int cg_rid_format(char *out, size_t size, const char *compound, const char *stream,
		  const char *day, uint64_t seq);

/* The same from a parsed rid. */
int cg_rid_string(const struct cg_rid *rid, char *out, size_t size);

/*
 * Read a full rid.  0, or -1 with what is wrong in why (for a message
 * "invalid record id 'S': why").
 */
int cg_rid_parse(const char *s, struct cg_rid *rid, const char **why);

/*
 * Read what a person types for a record of stream in compound: a full
 * rid, or for check-ins also "DATE/SEQ" (that day's journal) or "SEQ"
 * (today's journal: the decision just printed).  A rid of another
 * compound or stream is refused.  0, or -1 with why.
 */
int cg_rid_resolve(const char *s, const char *compound, const char *stream,
		   const char *today, struct cg_rid *rid, const char **why);

#endif
