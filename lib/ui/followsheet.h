#ifndef CG_FOLLOWSHEET_H
#define CG_FOLLOWSHEET_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "store/config.h"

/*
 * The daily follow-up sheet (as Go.Data's daily follow-up form), printable
 * on A4: a page per responsible officer ("officer" of the cases; those
 * without one last), the cases to call or visit on day in building, unit
 * and room order, each with its day number, a box to write the reading of
 * each check window not yet done (time and temperature), its status (lost
 * to follow-up, windows missed), its open service requests, and room for
 * symptoms and notes.  Names are masked.  due is an array of the due
 * records of that day (rules/quarantine.h, borrowed); cases whose period
 * is over wait for release, not for a visit, and are left out.  Labels
 * follow the locale (gettext).  0, or -1 when writing to fp failed.
 */
int cg_followsheet_html(FILE *fp, const struct cg_config *cfg, const json_t *due,
			int32_t day);

#endif
