/*
 * libFuzzer target: what a gate reads from a QR code.  Built by "make
 * fuzz"; its corpus, tests/fuzz/corpus/token, is replayed by make check.
 *
 * The input is read three ways:
 *  - as base45 text: cg_base45_decode writes at most len * 2 / 3 bytes
 *    (the buffer has exactly that, for ASan), and text it accepts encodes
 *    back to itself (RFC 9285 has one encoding for each byte string);
 *  - as bytes: encoded and decoded, they come back;
 *  - as a token or a pass id (the text up to the first NUL):
 *    cg_token_is_token is the "CG1:" prefix; cg_token_decode and
 *    cg_token_verify, against a keyring of two fixed test keys, agree on
 *    what is malformed and on what it says; a token decoded and signed
 *    again decodes the same; and a token verifies exactly when it is the
 *    text its key signs for what it says (Ed25519 signatures of a key are
 *    deterministic, base45 is canonical), so no other text passes for a
 *    signed pass.  cg_token_verify_many says the same as cg_token_verify.
 *    A pass id that parses is the id its value formats to.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "crypto/base45.h"
#include "core/buf.h"
#include "fuzz.h"
#include "crypto/passid.h"
#include "crypto/token.h"

#define NKEYS 2

/* Test keys from fixed seeds, made in memory: no data directory. */
static const char *const seeds[NKEYS] = {
	"cg fuzz-token test key number 1.",
	"cg fuzz-token test key number 2.",
};

static struct cg_keyring keyring;
static json_t *good;	/* cg_token_verify_many's cache */

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (sodium_init() < 0)
		abort();
	cg_keyring_init(&keyring);
	keyring.keys = calloc(NKEYS, sizeof(*keyring.keys));
	if (!keyring.keys)
		abort();
	for (int i = 0; i < NKEYS; i++) {
		struct cg_key *k = &keyring.keys[i];
		unsigned char h[crypto_hash_sha256_BYTES];

		crypto_sign_seed_keypair(k->pk, k->sk, (const unsigned char *)seeds[i]);
		crypto_hash_sha256(h, k->pk, sizeof(k->pk));
		sodium_bin2hex(k->id, sizeof(k->id), h, 4);
		k->has_secret = 1;
	}
	keyring.n = NKEYS;
	keyring.current = 0;
	if (!(good = json_object()))
		abort();
}

static int same_token(const struct cg_token *a, const struct cg_token *b)
{
	return !strcmp(a->key_id, b->key_id) && a->pass_value == b->pass_value &&
	       !strcmp(a->pass_id, b->pass_id) && a->valid_from == b->valid_from &&
	       a->valid_until == b->valid_until && !strcmp(a->class_, b->class_) &&
	       !strcmp(a->ref, b->ref) && !strcmp(a->compound, b->compound);
}

static void base45(const uint8_t *data, size_t size)
{
	struct cg_buf text = CG_BUF_INIT(2 * size + 16);
	size_t room = size * 2 / 3;
	unsigned char *out = malloc(room ? room : 1);
	long n;

	if (!out)
		abort();
	/* As text: what decodes encodes back to the same characters. */
	n = cg_base45_decode((const char *)data, size, out);
	if (n >= 0) {
		if ((size_t)n > room || cg_base45_encode(out, (size_t)n, &text) < 0 ||
		    text.len != size || memcmp(text.buf, data, size))
			abort();
	}
	free(out);

	/* As bytes: encode, then decode gives them back. */
	cg_buf_reset(&text);
	if (cg_base45_encode(data, size, &text) < 0 ||
	    text.len != size / 2 * 3 + size % 2 * 2)
		abort();
	room = text.len * 2 / 3;
	out = malloc(room ? room : 1);
	if (!out)
		abort();
	n = cg_base45_decode(text.buf, text.len, out);
	if (n < 0 || (size_t)n != size || memcmp(out, data, size))
		abort();
	free(out);
	cg_buf_release(&text);
}

/* The index of the key with that id, or -1. */
static int key_index(const char *id)
{
	for (size_t i = 0; i < keyring.n; i++)
		if (!strcmp(keyring.keys[i].id, id))
			return (int)i;
	return -1;
}

static void token(const char *s)
{
	struct cg_token dec, ver, again, many;
	enum cg_token_status st, st_many;
	int decoded, k;

	memset(&dec, 0, sizeof(dec));
	memset(&ver, 0, sizeof(ver));
	if (cg_token_is_token(s) != !strncmp(s, CG_TOKEN_PREFIX, strlen(CG_TOKEN_PREFIX)))
		abort();
	decoded = cg_token_decode(s, &dec) == 0;
	st = cg_token_verify(&keyring, s, &ver);
	if (decoded != (st != CG_TOKEN_MALFORMED) || (decoded && !cg_token_is_token(s)))
		abort();
	if (decoded && !same_token(&dec, &ver))
		abort();

	/* Many at once, with and without the cache, says the same. */
	cg_token_verify_many(&keyring, &s, 1, &st_many, &many, NULL, good);
	if (st_many != st || (decoded && !same_token(&many, &dec)))
		abort();
	if (decoded) {
		unsigned char vouched = 1;

		cg_token_verify_many(&keyring, &s, 1, &st_many, &many, &vouched, NULL);
		if (st_many != CG_TOKEN_OK || !same_token(&many, &dec))
			abort();
	}
	if (!decoded)
		return;

	/* Signed again with the key it names, if that is one of ours. */
	if ((k = key_index(dec.key_id)) < 0) {
		if (st != CG_TOKEN_BAD_SIGNATURE || cg_keyring_has(&keyring, dec.key_id))
			abort();
		return;
	}
	{
		struct cg_buf text = CG_BUF_INIT(4096);
		struct cg_err err = CG_ERR_INIT;
		struct cg_token t = dec;

		keyring.current = k;
		if (cg_token_sign(&keyring, &t, &text, &err) < 0) {
			/* Only validity the token format cannot hold is refused;
			 * such a token was never signed by us. */
			if (st == CG_TOKEN_OK || dec.valid_from <= dec.valid_until)
				abort();
		} else {
			memset(&again, 0, sizeof(again));
			if (cg_token_decode(text.buf, &again) < 0 || !same_token(&again, &dec) ||
			    cg_token_verify(&keyring, text.buf, &again) != CG_TOKEN_OK)
				abort();
			/* One text per signed pass. */
			if ((st == CG_TOKEN_OK) != !strcmp(text.buf, s))
				abort();
		}
		keyring.current = 0;
		cg_buf_release(&text);
	}
}

static void pass_id(const char *s)
{
	char text[CG_PASSID_TEXT];
	uint64_t v, back;

	if (cg_passid_parse(s, &v) < 0)
		return;
	if (v >> CG_PASSID_BITS)
		abort();
	cg_passid_format(v, text);
	if (cg_passid_parse(text, &back) < 0 || back != v)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	setup();
	base45(data, size);
	memcpy(s, data, size);
	s[size] = '\0';
	token(s);
	pass_id(s);
	free(s);
	return 0;
}
