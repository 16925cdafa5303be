#ifndef CG_TLOGPROOF_H
#define CG_TLOGPROOF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/merkle.h"
#include "crypto/note.h"

/*
 * Texts other tools read (c2sp.org/tlog-proof, c2sp.org/tlog-witness):
 *
 * An inclusion proof of one journal line:
 *
 *   c2sp.org/tlog-proof@v1
 *   extra BASE64(LINE)          the journal line, without its newline
 *   index SEQ-1
 *   BASE64(HASH)...             leaf's sibling first
 *                               (an empty line)
 *   SIGNED CHECKPOINT
 *
 * The line rides in "extra", which the proof does not authenticate: its
 * leaf hash does, through the inclusion proof and the signed root.
 *
 * A consistency proof, the body of a witness's add-checkpoint request:
 *
 *   old SIZE
 *   BASE64(HASH)...
 *                               (an empty line)
 *   SIGNED CHECKPOINT
 */

#define CG_TLOG_PROOF_HEADER "c2sp.org/tlog-proof@v1"

/* Append the proof text to out.  0 or -1. */
int cg_tlog_proof_format(uint64_t index, const char *line, size_t len,
			 const unsigned char (*proof)[CG_HASH_LEN], size_t n,
			 const char *note, size_t note_len, struct cg_buf *out);

/*
 * Signed checkpoints already verified with one set of keys, so that many
 * proofs under one checkpoint (a street checking a day's proofs) verify
 * its signature once: a note with the SHA-256 of one verified is that
 * note, byte for byte.  Ed25519 was three quarters of check-proof's time.
 * The last CG_NOTE_CACHE_MAX are kept; zeroed, it is empty; nothing to
 * free.
 */
#define CG_NOTE_CACHE_MAX 16
struct cg_note_cache {
	unsigned char digest[CG_NOTE_CACHE_MAX][CG_HASH_LEN];
	struct cg_checkpoint cp[CG_NOTE_CACHE_MAX];
	size_t signer[CG_NOTE_CACHE_MAX];
	size_t n, next;
};

/* What a checked proof showed. */
struct cg_tlog_proof_result {
	struct cg_checkpoint cp;
	uint64_t index;
	struct cg_buf extra;	/* the line; the caller releases it */
	size_t signer;		/* which key signed the checkpoint */
};

/*
 * Check a proof offline: its form, the checkpoint's signature by one of
 * keys whose name starts the origin ("NAME/..."), and the line's leaf at
 * index under the signed root.  0, or -1 with why (untranslated, N_()).
 * r->extra is set up either way.  cache (NULL: none) must only ever be
 * used with the same keys.
 */
int cg_tlog_proof_check(const char *text, size_t len, const struct cg_note_key *keys,
			size_t nkeys, struct cg_note_cache *cache,
			struct cg_tlog_proof_result *r, const char **why);

/* Append the add-checkpoint body to out.  0 or -1. */
int cg_tlog_consistency_format(uint64_t old, const unsigned char (*proof)[CG_HASH_LEN],
			       size_t n, const char *note, size_t note_len,
			       struct cg_buf *out);

/*
 * Parse an add-checkpoint body: the old size, the proof hashes (at most
 * 63, into proof), and where the signed checkpoint starts in text.  0, or
 * -1 with why.
 */
int cg_tlog_consistency_parse(const char *text, size_t len, uint64_t *old,
			      unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
			      size_t *n, size_t *note_at, const char **why);

/*
 * Verify a signed checkpoint note with keys and parse it; the key that
 * signed must name the origin's first part.  0, or -1 with why.
 */
int cg_tlog_checkpoint_check(const char *note, size_t len, const struct cg_note_key *keys,
			     size_t nkeys, struct cg_checkpoint *cp, size_t *signer,
			     const char **why);

/*
 * The signed checkpoints of a file, each handed to fn with the line it is
 * on: JSON lines with a "checkpoint" field (as "cg-journal checkpoint"
 * prints them), or the whole file as one signed note (line 1).  A JSON
 * line without one is an error "FILE:LINE: ..." (CG_EXIT_REJECTED).
 * 0, or -1 with *err (also when fn fails).
 */
typedef int cg_note_fn(void *ctx, const char *note, size_t len, unsigned long lineno,
		       struct cg_err *err);
int cg_tlog_notes_read(const char *path, cg_note_fn *fn, void *ctx, struct cg_err *err);
#endif
