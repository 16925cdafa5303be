#ifndef CG_LOGKEY_H
#define CG_LOGKEY_H

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "crypto/note.h"

/*
 * The compound's log key: the Ed25519 key pair that signs its journals'
 * checkpoints, apart from the pass key.  keys/log.json (0600) holds
 *
 *   {"name":NAME,"key_id":HEX,"alg":"Ed25519","public_key":B64,
 *    "secret_key":B64,"created":TIME}
 *
 * NAME is the signed-note key name, the compound's code when the key was
 * made: one key signs every journal of the compound, whose origins are
 * NAME/checkin/DAY, NAME/pass, NAME/quarantine.
 */

/*
 * Load the log key into *k.  With create set, the first one is made when
 * there is none (named name, stamped now), under keys/.lock so that two
 * processes starting at once make one key, written atomically (temporary
 * file, fsync, rename, fsync of keys/).  0; -2 when there is none and
 * create is 0; -1 with *err.
 */
int cg_logkey_load(struct cg_note_key *k, const struct cg_home *h, int create,
		   const char *name, cg_time_t now, struct cg_err *err);

/*
 * The same for a witness's cosigning key, keys/witness.json (its type
 * CG_NOTE_COSIGNATURE): a street that witnesses compounds' checkpoints
 * keeps it in its own data directory.
 */
int cg_witnesskey_load(struct cg_note_key *k, const struct cg_home *h, int create,
		       const char *name, cg_time_t now, struct cg_err *err);

/*
 * Load verifier keys from a trust file: one vkey per line (blank lines and
 * lines starting with '#' skipped).  *keys is malloc'd, the caller frees
 * it.  0, or -1 with "FILE:LINE: ..." in *err.
 */
int cg_logkey_load_trust(const char *path, struct cg_note_key **keys, size_t *n,
			 struct cg_err *err);

#endif
