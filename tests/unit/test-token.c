/*
 * base45 (RFC 9285 vectors), pass ids (Crockford base32 with check symbol)
 * and signed tokens.
 */
#include <stdlib.h>

#include "crypto/base45.h"
#include "rules/pass.h"
#include "crypto/passid.h"
#include "crypto/token.h"
#include "unit.h"

static const struct { const char *raw, *enc; } vectors[] = {
	{ "AB", "BB8" },
	{ "Hello!!", "%69 VD92EX0" },
	{ "base-45", "UJCLQE7W581" },
	{ "ietf!", "QED8WEX0" },
	{ "", "" },
};

TEST(base45_rfc_vectors)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct cg_buf out = CG_BUF_INIT(256);
		unsigned char back[64];
		long n;

		CHECK(cg_base45_encode((const unsigned char *)vectors[i].raw,
				       strlen(vectors[i].raw), &out) == 0);
		CHECK_STR(out.buf, vectors[i].enc);
		n = cg_base45_decode(vectors[i].enc, strlen(vectors[i].enc), back);
		CHECK_INT(n, (long)strlen(vectors[i].raw));
		CHECK(n >= 0 && !memcmp(back, vectors[i].raw, (size_t)n));
		cg_buf_release(&out);
	}
}

TEST(base45_rejects_bad_input)
{
	unsigned char out[16];

	CHECK(cg_base45_decode("GGW", 3, out) < 0);	/* 65536 + */
	CHECK(cg_base45_decode("A", 1, out) < 0);	/* a lone character */
	CHECK(cg_base45_decode("ab8", 3, out) < 0);	/* lower case */
	CHECK(cg_base45_decode("B_8", 3, out) < 0);
	CHECK(cg_base45_decode(":Z", 2, out) < 0);	/* one byte > 255 */
}

TEST(base45_rejects_every_byte_outside_the_alphabet)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	unsigned char out[4];
	int accepted = 0;

	for (int c = 1; c < 256; c++) {
		char in[3] = { (char)c, '0', '0' };
		int ok = cg_base45_decode(in, 3, out) == 2;

		CHECK_INT(ok, strchr(alphabet, c) != NULL);
		if (ok)
			CHECK_INT(out[0] * 256 + out[1], (int)(strchr(alphabet, c) - alphabet));
		accepted += ok;
	}
	CHECK_INT(accepted, 45);
}

TEST(passid_round_trip_and_spelling)
{
	char id[CG_PASSID_TEXT];
	uint64_t v;

	cg_passid_format(0x123456789AULL, id);
	CHECK_INT(strlen(id), 11);
	CHECK(id[4] == '-' && id[9] == '-');
	CHECK(cg_passid_parse(id, &v) == 0 && v == 0x123456789AULL);
	for (char *p = id; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	CHECK(cg_passid_parse(id, &v) == 0 && v == 0x123456789AULL);
	cg_passid_format(0, id);
	CHECK_STR(id, "0000-0000-0");
	CHECK(cg_passid_parse("oooo oooo 0", &v) == 0 && v == 0);
	CHECK(cg_passid_parse("0000-0000", &v) < 0);
	CHECK(cg_passid_parse("0000-0000-00", &v) < 0);
	CHECK(cg_passid_parse("", &v) < 0);
}

TEST(passid_check_catches_every_single_change_and_swap)
{
	static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int missed = 0;

	for (int round = 0; round < 50; round++) {
		char id[CG_PASSID_TEXT], bad[CG_PASSID_TEXT];
		uint64_t v;

		cg_passid_format((uint64_t)round * 0x9E3779B97ULL, id);
		for (int pos = 0; pos < 11; pos++) {
			if (id[pos] == '-' || pos == 10)
				continue;
			for (int s = 0; s < 32; s++) {
				if (symbols[s] == id[pos])
					continue;
				memcpy(bad, id, sizeof(id));
				bad[pos] = symbols[s];
				missed += cg_passid_parse(bad, &v) == 0;
			}
			if (pos < 8 && id[pos + 1] != '-' && id[pos + 1] != id[pos]) {
				memcpy(bad, id, sizeof(id));
				bad[pos] = id[pos + 1];
				bad[pos + 1] = id[pos];
				missed += cg_passid_parse(bad, &v) == 0;
			}
		}
	}
	CHECK_INT(missed, 0);
}

static void make_ring(struct cg_keyring *kr)
{
	struct cg_key *k;

	cg_keyring_init(kr);
	kr->keys = calloc(1, sizeof(*kr->keys));
	kr->n = 1;
	kr->current = 0;
	k = &kr->keys[0];
	crypto_sign_keypair(k->pk, k->sk);
	k->has_secret = 1;
	strcpy(k->id, "00000000");
}

static void sample(struct cg_token *t)
{
	memset(t, 0, sizeof(*t));
	t->pass_value = 0x1F2E3D4C5BULL;
	t->valid_from = 1769299200;
	t->valid_until = 1800835200;
	strcpy(t->class_, "resident");
	strcpy(t->ref, "3-2-501");
	strcpy(t->compound, "DEMO-0001");
}

TEST(token_sign_and_verify)
{
	struct cg_keyring kr, other;
	struct cg_buf tok = CG_BUF_INIT(4096);
	struct cg_token t, back;

	if (sodium_init() < 0)
		abort();
	make_ring(&kr);
	make_ring(&other);
	sample(&t);
	CHECK(cg_token_sign(&kr, &t, &tok, NULL) == 0);
	CHECK(cg_token_is_token(tok.buf));
	CHECK_INT(cg_token_verify(&kr, tok.buf, &back), CG_TOKEN_OK);
	CHECK(back.pass_value == t.pass_value);
	CHECK_STR(back.class_, "resident");
	CHECK_STR(back.ref, "3-2-501");
	CHECK_STR(back.compound, "DEMO-0001");
	CHECK(back.valid_from == t.valid_from && back.valid_until == t.valid_until);
	/* The same key id but another key: the signature fails. */
	CHECK_INT(cg_token_verify(&other, tok.buf, &back), CG_TOKEN_BAD_SIGNATURE);
	cg_keyring_release(&kr);
	cg_keyring_release(&other);
	cg_buf_release(&tok);
}

TEST(token_every_changed_character_fails)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	struct cg_keyring kr;
	struct cg_buf tok = CG_BUF_INIT(4096);
	struct cg_token t, back;
	int accepted = 0;

	make_ring(&kr);
	sample(&t);
	CHECK(cg_token_sign(&kr, &t, &tok, NULL) == 0);
	for (size_t pos = 4; pos < tok.len; pos++) {
		char saved = tok.buf[pos];

		for (int k = 0; k < 45; k += 7) {
			if (alphabet[k] == saved)
				continue;
			tok.buf[pos] = alphabet[k];
			accepted += cg_token_verify(&kr, tok.buf, &back) == CG_TOKEN_OK;
		}
		tok.buf[pos] = saved;
	}
	for (size_t cut = 4; cut < tok.len; cut++) {
		char saved = tok.buf[cut];

		tok.buf[cut] = '\0';
		accepted += cg_token_verify(&kr, tok.buf, &back) == CG_TOKEN_OK;
		tok.buf[cut] = saved;
	}
	CHECK_INT(accepted, 0);
	CHECK_INT(cg_token_verify(&kr, tok.buf, &back), CG_TOKEN_OK);
	cg_keyring_release(&kr);
	cg_buf_release(&tok);
}

TEST(token_many_matches_one_by_one)
{
	enum { N = 300 };
	struct cg_keyring kr;
	struct cg_buf bufs[N];
	const char *texts[N];
	enum cg_token_status st[N];
	struct cg_token toks[N], t;

	make_ring(&kr);
	for (int i = 0; i < N; i++) {
		cg_buf_init(&bufs[i], 4096);
		sample(&t);
		t.pass_value = (uint64_t)i;
		cg_token_sign(&kr, &t, &bufs[i], NULL);
		if (i % 3 == 1)
			bufs[i].buf[bufs[i].len - 2] ^= 1;	/* break some */
		texts[i] = i % 3 == 2 ? "not a token" : bufs[i].buf;
	}
	cg_token_verify_many(&kr, texts, N, st, toks, NULL, NULL);
	for (int i = 0; i < N; i++) {
		struct cg_token one;

		CHECK_INT(st[i], cg_token_verify(&kr, texts[i], &one));
		if (st[i] == CG_TOKEN_OK)
			CHECK(toks[i].pass_value == (uint64_t)i);
		cg_buf_release(&bufs[i]);
	}
	CHECK_INT(st[0], CG_TOKEN_OK);
	CHECK_INT(st[2], CG_TOKEN_MALFORMED);
	cg_keyring_release(&kr);
}

TEST(token_cache_remembers_only_good_signatures)
{
	enum { N = 80 };
	struct cg_keyring kr;
	struct cg_buf bufs[N];
	const char *texts[N];
	enum cg_token_status st[N], again[N];
	struct cg_token toks[N], toks2[N], t;
	json_t *good = json_object();

	make_ring(&kr);
	for (int i = 0; i < N; i++) {
		cg_buf_init(&bufs[i], 4096);
		sample(&t);
		t.pass_value = (uint64_t)i;
		cg_token_sign(&kr, &t, &bufs[i], NULL);
		if (i % 4 == 1)
			bufs[i].buf[bufs[i].len - 2] ^= 1;
		texts[i] = bufs[i].buf;
	}
	cg_token_verify_many(&kr, texts, N, st, toks, NULL, good);
	CHECK_INT(json_object_size(good), N - N / 4);
	cg_token_verify_many(&kr, texts, N, again, toks2, NULL, good);
	for (int i = 0; i < N; i++) {
		CHECK_INT(again[i], st[i]);
		if (st[i] == CG_TOKEN_OK)
			CHECK(toks2[i].pass_value == (uint64_t)i && toks2[i].valid_until == toks[i].valid_until);
		cg_buf_release(&bufs[i]);
	}
	json_decref(good);
	cg_keyring_release(&kr);
}

/*
 * Change one character of a token's signature to another that still
 * decodes, so that the token is well formed and its signature wrong.  A
 * flipped bit may leave the base45 alphabet; this never does.
 */
static void break_signature(struct cg_buf *tok)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	struct cg_token t;

	for (size_t pos = tok->len - 1; pos > tok->len - 40; pos--) {
		char was = tok->buf[pos];

		for (const char *a = alphabet; *a; a++) {
			if (*a == was)
				continue;
			tok->buf[pos] = *a;
			if (cg_token_decode(tok->buf, &t) == 0)
				return;
		}
		tok->buf[pos] = was;
	}
	abort();
}

TEST(token_vouched_are_only_decoded)
{
	struct cg_keyring kr;
	struct cg_buf a = CG_BUF_INIT(4096), b = CG_BUF_INIT(4096);
	struct cg_token t, toks[3];
	enum cg_token_status st[3];
	const unsigned char vouched[3] = { 1, 0, 1 };
	const char *texts[3];

	make_ring(&kr);
	sample(&t);
	cg_token_sign(&kr, &t, &a, NULL);
	cg_token_sign(&kr, &t, &b, NULL);
	break_signature(&b);
	texts[0] = b.buf;	/* the caller's word is taken */
	texts[1] = b.buf;	/* not vouched for: checked, and bad */
	texts[2] = "CG1:%%%";	/* still has to decode */
	cg_token_verify_many(&kr, texts, 3, st, toks, vouched, NULL);
	CHECK_INT(st[0], CG_TOKEN_OK);
	CHECK(toks[0].pass_value == t.pass_value);
	CHECK_INT(st[1], CG_TOKEN_BAD_SIGNATURE);
	CHECK_INT(st[2], CG_TOKEN_MALFORMED);
	cg_keyring_release(&kr);
	cg_buf_release(&a);
	cg_buf_release(&b);
}

/* The issue event the pass journal would hold for token text. */
static json_t *issued(const struct cg_token *t, const char *text)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event", "issue",
			 "pass_id", t->pass_id, "class", "resident",
			 "valid_from", "2026-01-25T08:00:00+08:00",
			 "valid_until", "2027-01-25T00:00:00+08:00", "token", text);
}

TEST(pass_register_vouches_only_for_its_own_tokens)
{
	struct cg_keyring kr, other;
	struct cg_passbook pb;
	struct cg_buf tok = CG_BUF_INIT(4096), foreign = CG_BUF_INIT(4096);
	struct cg_token t, back;
	struct cg_pass_ctx ctx = { 0 };
	char saved[4096];
	json_t *ev;

	make_ring(&kr);
	make_ring(&other);
	strcpy(other.keys[0].id, "11111111");
	sample(&t);
	cg_token_sign(&kr, &t, &tok, NULL);
	cg_token_sign(&other, &t, &foreign, NULL);
	cg_passbook_init(&pb);
	ctx.passes = &pb;
	ctx.keys = &kr;
	CHECK(cg_token_decode(tok.buf, &back) == 0);
	CHECK_INT(cg_pass_registered(&ctx, tok.buf, &back), 0);	/* not issued yet */
	ev = issued(&back, tok.buf);
	CHECK(cg_passbook_apply(&pb, ev, NULL) == 0);
	json_decref(ev);
	CHECK_INT(cg_pass_registered(&ctx, tok.buf, &back), 1);
	/* One character of the signature changed: it decodes, but is not
	 * what was issued. */
	memcpy(saved, tok.buf, tok.len + 1);
	break_signature(&tok);
	CHECK(cg_token_decode(tok.buf, &back) == 0);
	CHECK_INT(cg_pass_registered(&ctx, tok.buf, &back), 0);
	memcpy(tok.buf, saved, tok.len + 1);
	/* Same pass id, another key: not what the office recorded. */
	CHECK(cg_token_decode(foreign.buf, &back) == 0);
	CHECK_INT(cg_pass_registered(&ctx, foreign.buf, &back), 0);
	/* A key taken out of the keyring voids its tokens. */
	CHECK(cg_token_decode(tok.buf, &back) == 0);
	ctx.keys = &other;
	CHECK_INT(cg_pass_registered(&ctx, tok.buf, &back), 0);
	ctx.keys = NULL;
	CHECK_INT(cg_pass_registered(&ctx, tok.buf, &back), 0);
	cg_passbook_release(&pb);
	cg_keyring_release(&kr);
	cg_keyring_release(&other);
	cg_buf_release(&tok);
	cg_buf_release(&foreign);
}

int main(void)
{
	RUN(base45_rfc_vectors);
	RUN(base45_rejects_bad_input);
	RUN(base45_rejects_every_byte_outside_the_alphabet);
	RUN(passid_round_trip_and_spelling);
	RUN(passid_check_catches_every_single_change_and_swap);
	RUN(token_sign_and_verify);
	RUN(token_every_changed_character_fails);
	RUN(token_many_matches_one_by_one);
	RUN(token_cache_remembers_only_good_signatures);
	RUN(token_vouched_are_only_decoded);
	RUN(pass_register_vouches_only_for_its_own_tokens);
	return UNIT_DONE();
}
