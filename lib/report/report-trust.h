#ifndef CG_REPORT_TRUST_H
#define CG_REPORT_TRUST_H

#include <stddef.h>
#include <jansson.h>

#include "core/home.h"
#include "crypto/note.h"

/*
 * cg-report --merge --trust FILE [--witness DIR]: the street holds each
 * compound to the checkpoints its report carries (report-checkpoint.h).
 * Every journals entry of a compound's report must carry a checkpoint
 * signed by that compound's key in the trust file, of that journal, with
 * the size and root the entry states.  Checkpoints of one journal met in
 * several reports must be consistent (equal sizes, equal roots; a proof
 * from the smaller where the larger carries one), and, with a witness's
 * data directory, consistent with the checkpoint the witness holds for
 * the origin: never smaller, and proved to extend it.  What fails is an
 * alert: checkpoint_unknown_key, checkpoint_unverifiable or
 * checkpoint_inconsistent.
 */

struct cg_trust;

/* keys (nkeys of them) and witness (NULL: none) are borrowed and must
 * outlive t.  NULL when out of memory. */
struct cg_trust *cg_trust_new(const struct cg_note_key *keys, size_t nkeys,
			      const struct cg_home *witness);
void cg_trust_free(struct cg_trust *t);

/* The journals entries (borrowed) of the report of compound code. */
void cg_trust_add(struct cg_trust *t, const char *code, const json_t *journals);

/* Append the alerts (new references) to warnings, and count them into
 * the rows of their compounds ("warnings", "alerts"). */
void cg_trust_finish(struct cg_trust *t, json_t *warnings, json_t *rows);

#endif
