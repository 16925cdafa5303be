#ifndef CG_PASSBOOK_H
#define CG_PASSBOOK_H

#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "crypto/passid.h"

struct cg_journal;
struct cg_journal_pos;
struct cg_index;

/*
 * Passes (出入证) as the fold of journal/pass.jsonl.  Its events:
 *
 *   {"ts":T,"compound":C,"event":"issue","pass_id":"K3F9-2XQ7-M",
 *    "class":"resident","colour":"pink", holder fields (name, id_no,
 *    phone, household), "plate" for vehicles,
 *    "valid_from":T,"valid_until":T, ...}
 *   {"ts":T,"compound":C,"event":"revoke","pass_id":P,"reason":TEXT}
 *
 * A pass is valid from valid_from (inclusive) until valid_until
 * (exclusive), unless revoked.  Pass ids compare in Crockford base32
 * normal form: case, hyphens and spaces do not matter, O reads as 0 and
 * I and L as 1.
 */

enum cg_pass_status {
	CG_PASS_OK,
	CG_PASS_UNKNOWN,
	CG_PASS_EXPIRED,
	CG_PASS_NOT_YET_VALID,
	CG_PASS_REVOKED
};

/* "ok", "unknown", "expired", "not_yet_valid", "revoked". */
const char *cg_pass_status_code(enum cg_pass_status s);

/*
 * The holder and plate indexes are built on the first lookup that needs
 * them: checking a pass by id or token, most of what a gate does, needs
 * only passes.
 */
struct cg_passbook_index {
	json_t *holders;	/* person key -> array of normal ids */
	json_t *plates;		/* normal plate -> array of normal ids */
};

/*
 * A book loaded from a data directory is answered from the pass index
 * (index/pass.db, see store/index.h): a lookup reads the rows it needs.
 * Only what this process folds itself (cg_passbook_apply, catch-up) is
 * held in ->passes, and it wins over the index.  A book filled only by
 * cg_passbook_apply, or whose index cannot be opened, holds every pass in
 * ->passes.  The issue events lookups return live in ->passes or in a
 * cache freed at release.
 */
struct cg_passbook {
	json_t *passes;		/* normal id -> issue event, plus "revoked" */
	struct cg_passbook_index *index;	/* owned; empty until needed */
	struct cg_journal_pos *pos;	/* how far the journal was folded; owned */
	struct cg_index *ix;	/* owned; NULL when ->passes holds every pass */
	int ix_rows;		/* ix held a pass when loaded: worth asking */
	json_t *cache;		/* normal id -> issue event read from ix */
};

void cg_passbook_init(struct cg_passbook *pb);
void cg_passbook_release(struct cg_passbook *pb);

/*
 * Open the data directory's pass index, bringing it up to the journal (or,
 * when the index cannot be used, fold the journal into memory).  0 or -1
 * with *err.
 */
int cg_passbook_load(struct cg_passbook *pb, const struct cg_home *h,
		     struct cg_err *err);

/*
 * Bring the index up to the journal after a commit, so that the next
 * process finds the index current.  0 or -1 with *err.
 */
int cg_passbook_sync(struct cg_passbook *pb, struct cg_err *err);

/*
 * Every pass in the order issued, as cg_passbook_get would return it
 * (ev borrowed for the call).  Stops at the first fn that does not return
 * 0 and returns that; -1 with *err when the index fails.
 */
typedef int cg_passbook_each_fn(void *ctx, const char *id, const json_t *ev);
int cg_passbook_each(const struct cg_passbook *pb, cg_passbook_each_fn *fn,
		     void *ctx, struct cg_err *err);

/*
 * Take the pass journal's lock (j, open for appending) and fold what other
 * processes journaled since this passbook was loaded or last caught up:
 * an issue or revoke decided now, and queued on j before j commits, sees
 * every pass journaled before it.  See cg_journal_catch_up.  0 or -1.
 */
int cg_passbook_catch_up(struct cg_passbook *pb, struct cg_journal *j,
			 struct cg_err *err);

/* Fold one event (borrowed).  Unknown event types are ignored. */
int cg_passbook_apply(struct cg_passbook *pb, const json_t *ev,
		      struct cg_err *err);

#define CG_PLATE_LEN 32
void cg_plate_normalise(const char *in, char out[CG_PLATE_LEN]);

/* Status of the pass with that id at now; *ev (may be NULL) is set to its
 * issue event, borrowed, when the id is known. */
enum cg_pass_status cg_passbook_check(const struct cg_passbook *pb,
				      const char *pass_id, cg_time_t now,
				      const json_t **ev);

/* A pass valid at now held by the person with that key / for that plate
 * (class "vehicle"), or NULL.  Borrowed. */
const json_t *cg_passbook_for_holder(const struct cg_passbook *pb,
				     const char *key, cg_time_t now);
/* As cg_passbook_for_holder, trying every identity key of person and
 * skipping passes whose holder differs. */
const json_t *cg_passbook_for_person(const struct cg_passbook *pb,
				     const json_t *person, cg_time_t now);
/*
 * A pass of class_ (any class when NULL) valid at now for the holder
 * described by the record holder: a person (any identity key), else a
 * vehicle (plate), else a household with nobody named.  Borrowed.
 */
const json_t *cg_passbook_find(const struct cg_passbook *pb, const json_t *holder,
			       const char *class_, cg_time_t now);

/* The issue event of a pass id (any spelling), or NULL.  Borrowed, until
 * cg_passbook_forget. */
const json_t *cg_passbook_get(const struct cg_passbook *pb, const char *pass_id);

/*
 * Let go of the passes read from the index for cg_passbook_get and the
 * other lookups (they stay borrowed until then), once there are more than
 * a few thousand: a command that looks up many passes calls it between
 * records, where it holds none, so that its memory does not grow with
 * the number of passes it meets.
 */
void cg_passbook_forget(struct cg_passbook *pb);

/* The status at now of a pass given its issue event. */
enum cg_pass_status cg_passbook_status(const json_t *ev, cg_time_t now);

const json_t *cg_passbook_for_plate(const struct cg_passbook *pb,
				    const char *plate, cg_time_t now);

#endif
