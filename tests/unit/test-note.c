/*
 * C2SP signed notes and checkpoints: the example of c2sp.org/signed-note
 * (its verifier key and note), our own signatures, and what must fail.
 */
#include <string.h>

#include "crypto/note.h"
#include "unit.h"

static const char spec_vkey[] =
	"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char spec_note[] =
	"This is an example message.\n"
	"\n"
	"\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

TEST(the_example_of_the_specification)
{
	struct cg_note_key k;
	struct cg_buf b = CG_BUF_INIT(1 << 20);
	size_t tlen = 0, who = 9;
	const char *why = NULL;
	char note[sizeof(spec_note)];

	CHECK_INT(cg_note_parse_vkey(spec_vkey, &k), 0);
	CHECK_STR(k.name, "example.com/foo");
	CHECK_INT(k.id, 0x530d903a);
	CHECK_INT(cg_note_vkey(&k, &b), 0);
	CHECK_STR(b.buf, spec_vkey);
	CHECK_INT(cg_note_verify(spec_note, strlen(spec_note), &k, 1, &tlen, &who, &why), 0);
	CHECK_INT(tlen, strlen("This is an example message.\n"));
	CHECK_INT(who, 0);
	/* One byte of the text changed. */
	memcpy(note, spec_note, sizeof(note));
	note[0] = 't';
	CHECK_INT(cg_note_verify(note, strlen(note), &k, 1, &tlen, &who, &why), -1);
	CHECK_STR(why, "a signature does not verify");
	/* The id must follow from name and key. */
	CHECK_INT(cg_note_parse_vkey("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", &k), -1);
	CHECK_INT(cg_note_parse_vkey("example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", &k), -1);
	CHECK_INT(cg_note_parse_vkey("nonsense", &k), -1);
	cg_buf_release(&b);
}

TEST(sign_and_verify_a_checkpoint)
{
	struct cg_note_key k, other;
	struct cg_checkpoint c, back;
	struct cg_buf text = CG_BUF_INIT(1 << 20), note = CG_BUF_INIT(1 << 20);
	size_t tlen, who;
	const char *why;

	memset(&k, 0, sizeof(k));
	strcpy(k.name, "DEMO-0001");
	crypto_sign_keypair(k.pk, k.sk);
	k.has_secret = 1;
	cg_note_key_finish(&k);
	other = k;
	crypto_sign_keypair(other.pk, other.sk);
	cg_note_key_finish(&other);

	memset(&c, 0, sizeof(c));
	strcpy(c.origin, "DEMO-0001/checkin/2026-01-25");
	c.size = 4;
	memset(c.root, 0xab, sizeof(c.root));
	CHECK_INT(cg_checkpoint_text(&c, &text), 0);
	CHECK_STR(text.buf, "DEMO-0001/checkin/2026-01-25\n4\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n");
	CHECK_INT(cg_note_sign(&k, text.buf, text.len, &note), 0);
	CHECK(strstr(note.buf, "\n\n\xe2\x80\x94 DEMO-0001 ") != NULL);
	CHECK_INT(cg_note_verify(note.buf, note.len, &k, 1, &tlen, &who, &why), 0);
	CHECK_INT(tlen, text.len);
	CHECK_INT(cg_checkpoint_parse(note.buf, tlen, &back, &why), 0);
	CHECK_STR(back.origin, c.origin);
	CHECK_INT(back.size, 4);
	CHECK(!memcmp(back.root, c.root, CG_HASH_LEN));
	/* Another key of the same name is unknown, not a failure... */
	CHECK_INT(cg_note_verify(note.buf, note.len, &other, 1, &tlen, &who, &why), -1);
	CHECK_STR(why, "not signed by a known key");
	cg_buf_release(&text);
	cg_buf_release(&note);
}

TEST(malformed_checkpoints)
{
	struct cg_checkpoint c;
	const char *why;
	const char *bad[] = {
		"",
		"origin\n",
		"origin\n01\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n",
		"origin\n-1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n",
		"origin\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6\n",
		"origin\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n",
		"origin\n99999999999999999999\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK_INT(cg_checkpoint_parse(bad[i], strlen(bad[i]), &c, &why), -1);
	{
		const char *ok = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n";

		CHECK_INT(cg_checkpoint_parse(ok, strlen(ok), &c, &why), 0);
	}
	CHECK_INT(c.size, 0);
}

/* cg_b64_decode against libsodium's decoder, which it replaced: the
 * same bytes for every good text, and the same refusals. */
TEST(base64_as_libsodium_decodes_it)
{
	static const char *const texts[] = {
		"", "AA==", "AAA=", "AAAA", "Zm9vYmFy", "Zm9vYg==", "Zm9vYmE=",
		"+/+/", "q9Kzs9ruA/HsRxgwV+TC4J2XeguvzX3kEcxofzeqBqM=",
		/* refused: trailing bits, length, padding, digits */
		"AB==", "AAB=", "Zm9vYh==", "Zm9vYmF=", "AAA", "A===", "====", "AA=A",
		"AA A", "AA\nA", "AA-_", "=AAA", "AAAA=", "A",
	};
	unsigned char a[64], b[64];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *t = texts[i], *end = NULL;
		size_t na = 0, nb = 0;
		int sa = cg_b64_decode(t, strlen(t), a, sizeof(a), &na);
		int sb = sodium_base642bin(b, sizeof(b), t, strlen(t), NULL, &nb, &end,
					   sodium_base64_VARIANT_ORIGINAL) == 0 &&
			 end == t + strlen(t) ? 0 : -1;

		CHECK_INT(sa, sb);
		if (sa == 0) {
			CHECK_INT(na, nb);
			CHECK_INT(memcmp(a, b, na), 0);
		}
	}
	/* no more than the room given */
	{
		size_t n = 0;

		CHECK_INT(cg_b64_decode("Zm9vYmFy", 8, a, 5, &n), -1);
		CHECK_INT(cg_b64_decode("Zm9vYmFy", 8, a, 6, &n), 0);
		CHECK_INT(n, 6);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(the_example_of_the_specification);
	RUN(sign_and_verify_a_checkpoint);
	RUN(malformed_checkpoints);
	RUN(base64_as_libsodium_decodes_it);
	return UNIT_DONE();
}
