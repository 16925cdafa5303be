#ifndef CG_TOKEN_H
#define CG_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "crypto/passid.h"

/*
 * Signed pass tokens, what a pass's QR code carries, verified at a gate
 * with the public key alone.
 *
 *   token   = "CG1:" base45(payload || Ed25519 signature of payload)
 *   payload = version (1) | key id (4) | pass id (5, 40 bits)
 *           | valid_from (4) | valid_until (4, seconds, big-endian)
 *           | class, holder reference (household or plate), compound:
 *             each a length byte and UTF-8
 *
 * Keys live in the data directory's keys/ folder: one JSON file per key
 * pair, pass-KEYID.json (0600), and "current" naming the signing key.
 * Rotation adds a key and keeps the old ones for verification.
 */

#define CG_TOKEN_PREFIX "CG1:"
#define CG_KEY_ID_LEN 9		/* 8 hex digits and NUL */
#define CG_TOKEN_FIELD 64	/* longest class, reference or compound + NUL */

struct cg_key {
	char id[CG_KEY_ID_LEN];	/* hex of the first 4 bytes of SHA-256(pk) */
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	int has_secret;
	char created[CG_TIME_LEN];
};

struct cg_keyring {
	struct cg_key *keys;	/* owned */
	size_t n;
	int current;		/* index of the signing key, -1 when none */
};

void cg_keyring_init(struct cg_keyring *kr);
void cg_keyring_release(struct cg_keyring *kr);	/* wipes secret keys */

/* What a caller of cg_keyring_load needs. */
enum cg_keys_need {
	CG_KEYS_READ = 0,	/* the keys there are, if any (verifying) */
	CG_KEYS_SIGN = 1,	/* a signing key: see below */
	CG_KEYS_REPAIR = 2	/* the keys there are; a missing, damaged or
				 * dangling keys/current is no error (rotating) */
};

/*
 * Load the data directory's keys.  CG_KEYS_SIGN makes the first key pair
 * when keys/ has none (now stamps it), under keys/.lock so that a process
 * starting at the same time waits and then finds that pair; the pair is
 * written before keys/current, each atomically, and taken back when
 * keys/current cannot be written.  A keys/ left without a signing key (a
 * pair but no keys/current, after a crash) is then an error whose message
 * names the repair, "cg-pass key rotate".  0 or -1 with *err.
 */
int cg_keyring_load(struct cg_keyring *kr, const struct cg_home *h, int need,
		    cg_time_t now, struct cg_err *err);

/* Load public keys exported by "cg-pass key export" (JSON lines). */
int cg_keyring_load_public(struct cg_keyring *kr, const char *path,
			   struct cg_err *err);

/* Make a new key pair the signing key (under keys/.lock); the old ones
 * stay for verifying. */
int cg_keyring_rotate(struct cg_keyring *kr, const struct cg_home *h,
		      cg_time_t now, struct cg_err *err);

/* {"key_id","alg":"Ed25519","public_key":BASE64,"created","current"}: a
 * new reference, without the secret. */
json_t *cg_key_export(const struct cg_keyring *kr, size_t i);

struct cg_token {
	char key_id[CG_KEY_ID_LEN];
	uint64_t pass_value;
	char pass_id[CG_PASSID_TEXT];
	cg_time_t valid_from, valid_until;
	char class_[CG_TOKEN_FIELD];
	char ref[CG_TOKEN_FIELD];	/* household or plate */
	char compound[CG_TOKEN_FIELD];
};

/* Sign t with the current key (t->key_id is filled in) and append the
 * token text to out.  0 or -1 with *err. */
int cg_token_sign(const struct cg_keyring *kr, struct cg_token *t,
		  struct cg_buf *out, struct cg_err *err);

enum cg_token_status {
	CG_TOKEN_OK,
	CG_TOKEN_MALFORMED,	/* not a token of ours */
	CG_TOKEN_BAD_SIGNATURE	/* unknown key, or the signature fails */
};

/* 1 when s looks like a token rather than a pass id. */
int cg_token_is_token(const char *s);

/* Decode a token without checking its signature: 0, or -1 when malformed. */
int cg_token_decode(const char *s, struct cg_token *t);

/* 1 when the keyring holds the key with that id. */
int cg_keyring_has(const struct cg_keyring *kr, const char *key_id);

/* Decode and verify one token (t is filled in when not malformed). */
enum cg_token_status cg_token_verify(const struct cg_keyring *kr, const char *s,
				     struct cg_token *t);

/*
 * Verify many tokens on several threads (signature checks are most of the
 * cost of a verification).  texts[i] -> status[i], toks[i].
 *
 * vouched, when not NULL, marks the tokens whose signature the caller
 * already knows to be good (vouched[i] nonzero): they are only decoded.
 *
 * good, when not NULL, is a JSON object used as a set of token texts whose
 * signature was found good: a gate scanning the same passes all day checks
 * each signature once.  Only the signature is remembered; validity and
 * revocation are for the caller to check every time.  It grows to at most
 * CG_TOKEN_CACHE_MAX entries.
 */
#define CG_TOKEN_CACHE_MAX 50000
void cg_token_verify_many(const struct cg_keyring *kr, const char *const *texts,
			  size_t n, enum cg_token_status *status,
			  struct cg_token *toks, const unsigned char *vouched,
			  json_t *good);

#endif
