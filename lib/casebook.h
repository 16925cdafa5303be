#ifndef CG_CASEBOOK_H
#define CG_CASEBOOK_H

#include <jansson.h>

#include "error.h"
#include "home.h"

/*
 * Home-observation cases (居家观察) as the fold of journal/quarantine.jsonl.
 * Every event has "ts", "compound", "event" and "case_id":
 *
 *   open      person fields (name, id_no, phone, household), "reason",
 *             "from", "start", "end", "days", "officer"; the case is "open"
 *   check     "temp", "symptoms", "by", "result" ("ok" or "alert")
 *   escalate  "reason"; the case becomes "escalated"
 *   release   the case becomes "released"
 *   close     "reason"; the case becomes "closed"
 *   extend    "end": the new end
 *   need      "need_id", "need"      (a service request)
 *   need_done "need_id"
 *
 * A person is under observation while a case of theirs is open or
 * escalated.
 */

struct cg_casebook {
	json_t *cases;	/* case_id -> the open event plus "status" and "end" */
	json_t *active;	/* person key -> ids of open/escalated cases, oldest first */
};

void cg_casebook_init(struct cg_casebook *cb);
void cg_casebook_release(struct cg_casebook *cb);

int cg_casebook_load(struct cg_casebook *cb, const struct cg_home *h,
		     struct cg_err *err);

/* Fold one event (borrowed).  Unknown event types are ignored. */
int cg_casebook_apply(struct cg_casebook *cb, const json_t *ev,
		      struct cg_err *err);

/* The open or escalated case of the person with that key, or NULL.
 * Borrowed. */
const json_t *cg_casebook_active(const struct cg_casebook *cb, const char *key);

/* The same, trying every identity key of person (borrowed); a case whose
 * person differs (another ID number under the same phone) is no match. */
const json_t *cg_casebook_active_for(const struct cg_casebook *cb,
				     const json_t *person);

#endif
