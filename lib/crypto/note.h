#ifndef CG_NOTE_H
#define CG_NOTE_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "core/buf.h"
#include "crypto/merkle.h"

/*
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519, and the
 * transparency-log checkpoints they carry (c2sp.org/tlog-checkpoint):
 *
 *   ORIGIN\n SIZE\n BASE64(ROOT)\n \n — NAME BASE64(KEYID || SIGNATURE)\n
 *
 * KEYID is the first four bytes of SHA-256(NAME || 0x0A || 0x01 || PK),
 * big-endian; the signature is Ed25519 over the note text, its final
 * newline included.  A verifier key ("vkey") is NAME+HEX(KEYID)+
 * BASE64(0x01 || PK).  Everything here works on caller-owned memory.
 */

#define CG_NOTE_NAME_MAX 128	/* key names, NUL included */
#define CG_ORIGIN_MAX 256	/* checkpoint origins, NUL included */
#define CG_NOTE_ED25519 0x01
#define CG_NOTE_COSIGNATURE 0x04	/* c2sp.org/tlog-cosignature, Ed25519 */

struct cg_note_key {
	char name[CG_NOTE_NAME_MAX];
	unsigned char type;	/* CG_NOTE_ED25519 (0 means it too) or CG_NOTE_COSIGNATURE */
	uint32_t id;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	int has_secret;
};

/* A name fit for a key or an origin: non-empty, printable, no space or '+'. */
int cg_note_name_ok(const char *name);

uint32_t cg_note_key_id(const char *name, unsigned char type,
			const unsigned char pk[crypto_sign_PUBLICKEYBYTES]);

/* Fill k->id from k->name, k->type and k->pk. */
void cg_note_key_finish(struct cg_note_key *k);

/* Append the verifier key text of k (no newline) to out.  0 or -1. */
int cg_note_vkey(const struct cg_note_key *k, struct cg_buf *out);

/* Parse a verifier key of either type (surrounding blanks allowed): 0,
 * or -1. */
int cg_note_parse_vkey(const char *text, struct cg_note_key *k);

/*
 * Append to out the signed note of text (len bytes, ending in a newline):
 * the text, a blank line, and k's signature line.  0 or -1.
 */
int cg_note_sign(const struct cg_note_key *k, const char *text, size_t len,
		 struct cg_buf *out);

/*
 * A witness's cosignature of a checkpoint (c2sp.org/tlog-cosignature,
 * Ed25519): appends "— NAME BASE64(KEYID || TIME || SIG)\n" to out, SIG
 * over "cosignature/v1\ntime TIME\n" and the checkpoint's note text.
 * w must be a CG_NOTE_COSIGNATURE key with its secret.  0 or -1.
 */
int cg_note_cosign(const struct cg_note_key *w, uint64_t time, const char *text,
		   size_t len, struct cg_buf *out);

/*
 * Verify a signed note with the keys known to the verifier (Ed25519 keys;
 * cosigner keys among them are skipped).  Signatures
 * of unknown keys are ignored; one of a known key that fails rejects the
 * note; at least one known key must have signed.  On success *text_len
 * is the length of the note text (from note on) and *signer the index of
 * a key that signed.  0, or -1 with what is wrong in *why (untranslated,
 * for N_()).
 */
int cg_note_verify(const char *note, size_t len, const struct cg_note_key *keys,
		   size_t nkeys, size_t *text_len, size_t *signer, const char **why);

struct cg_checkpoint {
	char origin[CG_ORIGIN_MAX];
	uint64_t size;
	unsigned char root[CG_HASH_LEN];
};

/* Append the checkpoint's note text (three lines) to out.  0 or -1. */
int cg_checkpoint_text(const struct cg_checkpoint *c, struct cg_buf *out);

/* Parse a checkpoint's note text (extension lines are allowed and
 * ignored).  0, or -1 with *why. */
int cg_checkpoint_parse(const char *text, size_t len, struct cg_checkpoint *c,
			const char **why);

/*
 * Decode base64 (RFC 4648 section 4, padded, canonical: the bits the
 * padding leaves must be zero) of len bytes into out (room for cap):
 * 0 with *outlen, or -1.  By table, for the proofs a street checks by the
 * thousand; the data is public, so it need not take constant time.
 */
int cg_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *outlen);

/* Base64 (RFC 4648 section 4) of a hash, 45 bytes with the NUL. */
#define CG_HASH_B64 45
void cg_hash_b64(const unsigned char h[CG_HASH_LEN], char out[CG_HASH_B64]);
/* 0, or -1 when s (len bytes) is not the base64 of 32 bytes. */
int cg_hash_unb64(const char *s, size_t len, unsigned char h[CG_HASH_LEN]);

#endif
