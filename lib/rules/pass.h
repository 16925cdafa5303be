#ifndef CG_PASS_H
#define CG_PASS_H

#include <stddef.h>
#include <jansson.h>

#include "rules/casebook.h"
#include "core/clock.h"
#include "store/config.h"
#include "rules/passbook.h"
#include "crypto/token.h"

/*
 * Passes (出入证): issuing them from person, household or vehicle records,
 * and checking one presented at a gate, as a pass id or a signed token.
 * cg-pass and cg-checkin share this, so a gate and the office agree.
 */
struct cg_pass_ctx {
	const struct cg_config *cfg;
	struct cg_passbook *passes;	/* the fold; issuing adds to it */
	const struct cg_casebook *cases;	/* NULL offline */
	const struct cg_keyring *keys;
	const json_t *extra_revoked;	/* pass id -> reason, from an exported
					 * revocation list; may be NULL */
	int offline;			/* no journal: revocation unchecked */
};

struct cg_issue_opts {
	const char *class_;		/* --class, else the record's, else by kind */
	cg_time_t valid_until;		/* --valid-until when has_valid_until */
	int has_valid_until;
	int days;			/* --days; 0: the class's */
	const char *force_reason;	/* --force --reason: a returnee without
					 * a released case */
};

/*
 * Issue a pass for the record in (borrowed).  Returns the issue event to
 * journal (a new reference; it is also folded into c->passes so that a
 * repeat in the same input finds it), or the active pass of the same class
 * that the holder already has, with "existing": true and *existing set, or
 * NULL with the reason in why.
 */
json_t *cg_pass_issue(struct cg_pass_ctx *c, const json_t *in,
		      const struct cg_issue_opts *o, cg_time_t now, int *existing,
		      char *why, size_t whylen);

/*
 * The end of a validity given as an RFC 3339 time, or as a date meaning
 * through the end of that day.  0 or -1.
 */
int cg_pass_until(const char *s, cg_time_t *out);

enum cg_pass_reason {
	CG_PR_OK,
	CG_PR_BAD_SIGNATURE,
	CG_PR_MALFORMED,
	CG_PR_EXPIRED,
	CG_PR_NOT_YET_VALID,
	CG_PR_REVOKED,
	CG_PR_UNKNOWN,
	CG_PR_HOLDER_QUARANTINED
};

/* "ok", "bad_signature", "malformed", ... */
const char *cg_pass_reason_code(enum cg_pass_reason r);

struct cg_pass_check {
	enum cg_pass_reason reason;
	char pass_id[CG_PASSID_TEXT];	/* "" when malformed */
	const json_t *ev;	/* the issue event, when the journal knows it; borrowed */
	int is_token;
	struct cg_token tok;	/* when is_token and not malformed */
};

/*
 * 1 when the pass register (the pass journal) recorded exactly this token
 * (decoded into tok) at issue, signed by a key still in the keyring.  Its
 * signature then needs no check: the office made it.  The register lies
 * beside the secret key, in the same trust: whoever can write the one can
 * read the other and sign.  Taking a key out of the keyring still voids
 * its tokens.
 */
int cg_pass_registered(const struct cg_pass_ctx *c, const char *text,
		       const struct cg_token *tok);

/*
 * cg_token_verify_many for tokens presented to this office: the ones the
 * register vouches for are only decoded, the others have their signatures
 * checked on every core.
 */
void cg_pass_verify_many(const struct cg_pass_ctx *c, const char *const *texts, size_t n,
			 enum cg_token_status *status, struct cg_token *toks, json_t *good);

/* Check a pass id or token presented at now. */
void cg_pass_check(const struct cg_pass_ctx *c, const char *text, cg_time_t now,
		   struct cg_pass_check *out);

/* The same after the signature was checked elsewhere (cg_token_verify_many). */
void cg_pass_check_token(const struct cg_pass_ctx *c, enum cg_token_status st,
			 const struct cg_token *tok, cg_time_t now,
			 struct cg_pass_check *out);

#endif
