#ifndef CG_LOOKTHROUGH_H
#define CG_LOOKTHROUGH_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/home.h"

/*
 * Looking through check-in journal days for the few lines that matter to
 * an earlier day: corrections of its records (a correction is journaled on
 * the day it is made), and, later, records back-filled into a later day.
 *
 * Every line of the days from..to (local days, ascending; missing days are
 * skipped) that contains needle (a byte string, such as
 * "\"corrected_at\":\"") goes to fn with its journal day and seq (the
 * line's own "seq").  The files are read in blocks and searched with
 * memmem: lines without the needle are never looked at one by one.  The days are not verified
 * here (their own reports and cg-checkin --verify do that); a torn last
 * line is skipped, and so is a line longer than CG_JOURNAL_MAX_LINE (no
 * record, wherever a read begins).  fn returns 0 to go on or -1 with *err to stop.
 */
typedef int cg_lookthrough_fn(void *ctx, const char *day, uint64_t seq,
			      const char *line, size_t len, struct cg_err *err);

int cg_lookthrough_days(const struct cg_home *h, int32_t from, int32_t to,
			const char *needle, cg_lookthrough_fn *fn, void *ctx,
			struct cg_err *err);

/*
 * The same, for needles that only odd lines have: lines of another day
 * than their journal's (a record registered after its day, whose "ts"
 * does not begin with the journal's day) and corrections (lines with
 * CG_LOOKTHROUGH_CORRECTED).  A finished (compressed) day never changes,
 * so its odd lines are kept in index/lookthrough/DAY.jsonl the first time
 * it is looked through, and taken from there afterwards: a day costs a
 * small read instead of decompressing it.  What is kept names the
 * compressed file it was found in (inode, size, modification time) and
 * ends with a line saying it is complete; anything else (another file, a
 * cut-short or missing copy) is found again from the journal and kept
 * anew.  A plain day (today's, still growing) keeps its odd lines up to
 * its last whole line in index/lookthrough/DAY.open.jsonl, with that
 * line's offset, seq and chain: the next look-through reads only what
 * was appended after it, while the journal's line there ends with the
 * same seq and chain (the chain commits to every byte before it).  The
 * kept lines are derived: deleting them loses nothing, and a data
 * directory where they cannot be written is read as before.
 */
#define CG_LOOKTHROUGH_CORRECTED "\"corrected_at\":\""

int cg_lookthrough_odd(const struct cg_home *h, int32_t from, int32_t to,
		       const char *needle, cg_lookthrough_fn *fn, void *ctx,
		       struct cg_err *err);

#endif
