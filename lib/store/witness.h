#ifndef CG_WITNESS_H
#define CG_WITNESS_H

#include <stddef.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "crypto/note.h"

/*
 * A witness (c2sp.org/tlog-witness), for a street that watches its
 * compounds' registers: it keeps, per origin, the last checkpoint it
 * cosigned, in witness/ORIGIN.json of its own data directory ('/' in the
 * origin written as '~'), and cosigns a new one only when a consistency
 * proof shows that it extends that one.
 */

/*
 * Take an add-checkpoint body (old size, proof, signed checkpoint):
 * verify the checkpoint with the trusted log keys, that old is the size
 * the witness holds for its origin, and the proof; then keep the new
 * checkpoint (atomically, under witness/.lock) and append its
 * cosignature line by w to cosig.  An inconsistent, rolled-back or
 * out-of-date checkpoint is CG_EXIT_DAMAGED and changes nothing; a body
 * or checkpoint that is not one, or not signed by a trusted key, is
 * CG_EXIT_REJECTED.  0 or -1 with *err.
 */
int cg_witness_add(const struct cg_home *h, const struct cg_note_key *trust, size_t ntrust,
		   const struct cg_note_key *w, cg_time_t now, const char *body, size_t len,
		   struct cg_buf *cosig, struct cg_err *err);

/*
 * The checkpoint the witness of data directory h holds for origin (read
 * only, for cg-report --merge --witness): 0 with *cp, -2 when it holds
 * none, -1 with *err.
 */
int cg_witness_held(const struct cg_home *h, const char *origin, struct cg_checkpoint *cp,
		    struct cg_err *err);

#endif
