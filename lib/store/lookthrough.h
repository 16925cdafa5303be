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
 * line is skipped.  fn returns 0 to go on or -1 with *err to stop.
 */
typedef int cg_lookthrough_fn(void *ctx, const char *day, uint64_t seq,
			      const char *line, size_t len, struct cg_err *err);

int cg_lookthrough_days(const struct cg_home *h, int32_t from, int32_t to,
			const char *needle, cg_lookthrough_fn *fn, void *ctx,
			struct cg_err *err);

#endif
