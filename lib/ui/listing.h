#ifndef CG_LISTING_H
#define CG_LISTING_H

#include <jansson.h>

#include "core/buf.h"

/*
 * The listing commands' text for a person (--format text, the default on
 * a terminal): the records they print as JSON lines, laid out as aligned
 * tables (core/table.h) or blocks of "label  value" lines, with the
 * headings and every code (status, reason, class, result, event)
 * translated, times shortened to "YYYY-MM-DD HH:MM", and names, phone
 * and ID numbers masked (core/mask.h).
 *
 * Each takes its records borrowed, appends lines ending in "\n" to out,
 * and returns 0, or -1 (errno) when out is full.
 */

/* cg-quarantine list: one line a case (cg_quarantine_case_record). */
int cg_listing_cases(const json_t *cases, struct cg_buf *out);

/* cg-quarantine due: one line a case (cg_quarantine_due_record). */
int cg_listing_due(const json_t *due, struct cg_buf *out);

/* cg-quarantine release --explain: a case a line with its first reason,
 * a line for each further reason (cg_quarantine_release_event). */
int cg_listing_unreleasable(const json_t *cases, struct cg_buf *out);

/* cg-quarantine show: a case's fields, then its checks, needs and
 * history as tables (cg_quarantine_show_record). */
int cg_listing_case_show(const json_t *c, struct cg_buf *out);

/* cg-quarantine stats: a line a day, counts and shares in per cent
 * (cg_followup_record). */
int cg_listing_followup(const json_t *days, struct cg_buf *out);

/* cg-pass list: one line a pass (cg_pass_list_record). */
int cg_listing_passes(const json_t *passes, struct cg_buf *out);

/*
 * cg-pass verify: one line, the verdict first, in columns of a fixed
 * width, so that a gate's screen shows each pass as it is scanned.
 */
int cg_listing_verdict(const json_t *res, struct cg_buf *out);

/* cg-duty stock with no input: a line an item, its level, minimum, use
 * and the days it lasts (the level records of cg_duty_stock_levels). */
int cg_listing_stock(const json_t *items, struct cg_buf *out);

/* cg-journal verify: a journal a line, its verdict first (the record of
 * a journal verified, with or without a checkpoint). */
int cg_listing_verified(const json_t *v, struct cg_buf *out);

/* cg-sync status: a block a target, a blank line after it. */
int cg_listing_sync_status(const json_t *st, struct cg_buf *out);

/* cg-sync dead list: one line a dead letter. */
int cg_listing_dead(const json_t *dead, struct cg_buf *out);

/* The label of a code a person reads in a listing (translated); an
 * unknown code is its own label.  domain ("pass", "result", "event" or
 * NULL) tells apart codes spelt alike ("ok"). */
const char *cg_listing_label(const char *domain, const char *code);

#endif
