#ifndef CG_PRESENTED_H
#define CG_PRESENTED_H

#include <stddef.h>
#include <jansson.h>

#include "core/clock.h"
#include "rules/pass.h"

/*
 * A pass presented to cg-pass verify or revoke, as a token, a pass id or
 * a record carrying one, and what it gets: a verify result or a revoke
 * event.  Lines and the pass fold in, new records out; the command writes
 * them.
 */
struct cg_presented {
	json_t *rec;	/* the input record (owned), NULL for a bare line */
	char *text;	/* the pass text (owned) */
};

/*
 * One input line of verify or revoke (len bytes, NUL-terminated as the
 * record loop reads it): a token or id alone, or a record presenting one
 * in its "pass" (what a gate event carries), else its "token", else its
 * "pass_id" (what issue and list print).  0 with *p filled (release it
 * with cg_presented_release), or 1 with why and *p empty.
 */
int cg_presented_parse(struct cg_presented *p, const char *line, size_t len,
		       char *why, size_t whylen);
void cg_presented_release(struct cg_presented *p);

/*
 * Verify the n passes presented at now: results[i] is the result record of
 * items[i], a new reference.  The result is the input record (or
 * {"pass":TEXT} for a bare line) with "pass_id", "valid", "reason"
 * (cg_pass_reason_code), "class", "household" or "plate", "valid_until"
 * as far as they are known, and "revocation": "checked" against the
 * journal, "list" against an exported list only, or "unchecked".
 * Signatures are checked on every core; good is as for
 * cg_token_verify_many (may be NULL).
 */
void cg_pass_verify(const struct cg_pass_ctx *c, const struct cg_presented *items,
		    size_t n, cg_time_t now, json_t *good, json_t **results);

/*
 * The revoke event for the pass a text names (a pass id, or a token
 * scanned from a card, signed or not: revoking needs only its pass id),
 * stamped now, with the reason given.  Returns the event to journal (a new
 * reference; it is also folded into c->passes), or the revocation the
 * pass already has, {"pass_id","revoked","existing":true}, with *existing
 * set, or NULL with why when the text names no pass of the fold.
 */
json_t *cg_pass_revoke(struct cg_pass_ctx *c, const char *text, const char *reason,
		       cg_time_t now, int *existing, char *why, size_t whylen);

#endif
