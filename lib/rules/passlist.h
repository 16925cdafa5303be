#ifndef CG_PASSLIST_H
#define CG_PASSLIST_H

#include <jansson.h>

#include "core/clock.h"
#include "rules/passbook.h"

/*
 * The passes of the fold as cg-pass list and revocations print them: a
 * pass's issue event as folded (borrowed) in, the record to print out.
 */

/* Which passes to list; zero for all. */
struct cg_pass_filter {
	int active, expired, revoked;	/* only passes with that status now */
	const char *class_;		/* only passes of that class, or NULL */
	const char *household;		/* only that household's (normalised), or NULL */
};

/* 1 when the pass ev is one f asks for at now. */
int cg_pass_filter_match(const struct cg_pass_filter *f, const json_t *ev, cg_time_t now);

/* The pass as listed: its fields without "seq" and "chain", and its
 * "status" at now (cg_pass_status_code).  A new reference. */
json_t *cg_pass_list_record(const json_t *ev, cg_time_t now);

/* The pass's line of the revocation list: {"pass_id","revoked"} and the
 * "reason" when there is one.  A new reference, or NULL when the pass is
 * not revoked. */
json_t *cg_pass_revocation_record(const json_t *ev);

#endif
