/*
 * C2SP signed notes and checkpoints, written from the texts of
 * c2sp.org/signed-note and c2sp.org/tlog-checkpoint.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "crypto/note.h"

#define EM_DASH "\xe2\x80\x94"
#define SIG_BYTES (4 + crypto_sign_BYTES)
#define B64(n) sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL)

int cg_note_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= CG_NOTE_NAME_MAX)
		return 0;
	/* Printable ASCII and UTF-8 beyond it; no space, '+' or control. */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= 0x20 || *p == '+' || *p == 0x7f)
			return 0;
	return 1;
}

uint32_t cg_note_key_id(const char *name, unsigned char type,
			const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	const unsigned char sep[2] = { 0x0a, type ? type : CG_NOTE_ED25519 };
	crypto_hash_sha256_state s;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&s, sep, sizeof(sep));
	crypto_hash_sha256_update(&s, pk, crypto_sign_PUBLICKEYBYTES);
	crypto_hash_sha256_final(&s, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

void cg_note_key_finish(struct cg_note_key *k)
{
	k->id = cg_note_key_id(k->name, k->type, k->pk);
}

int cg_note_vkey(const struct cg_note_key *k, struct cg_buf *out)
{
	unsigned char raw[1 + crypto_sign_PUBLICKEYBYTES];
	char b64[B64(sizeof(raw))];

	raw[0] = k->type ? k->type : CG_NOTE_ED25519;
	memcpy(raw + 1, k->pk, crypto_sign_PUBLICKEYBYTES);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	return cg_buf_addf(out, "%s+%08x+%s", k->name, (unsigned)k->id, b64);
}

int cg_note_parse_vkey(const char *text, struct cg_note_key *k)
{
	unsigned char raw[1 + crypto_sign_PUBLICKEYBYTES];
	const char *p1, *p2, *end;
	size_t n = 0, blen;
	char *idend, hex[9];

	memset(k, 0, sizeof(*k));
	text += strspn(text, " \t");
	end = text + strcspn(text, " \t\r\n");
	p1 = memchr(text, '+', (size_t)(end - text));
	p2 = p1 ? memchr(p1 + 1, '+', (size_t)(end - p1 - 1)) : NULL;
	if (!p1 || !p2 || p2 - p1 - 1 != 8 || (size_t)(p1 - text) >= sizeof(k->name))
		return -1;
	memcpy(k->name, text, (size_t)(p1 - text));
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	k->id = (uint32_t)strtoul(hex, &idend, 16);
	blen = (size_t)(end - p2 - 1);
	if (*idend || strspn(hex, "0123456789abcdef") != 8 || !cg_note_name_ok(k->name) ||
	    sodium_base642bin(raw, sizeof(raw), p2 + 1, blen, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) < 0 ||
	    n != sizeof(raw) || (raw[0] != CG_NOTE_ED25519 && raw[0] != CG_NOTE_COSIGNATURE))
		return -1;
	k->type = raw[0];
	memcpy(k->pk, raw + 1, crypto_sign_PUBLICKEYBYTES);
	/* The id must be the one the name, type and key give. */
	return cg_note_key_id(k->name, k->type, k->pk) == k->id ? 0 : -1;
}

int cg_note_sign(const struct cg_note_key *k, const char *text, size_t len,
		 struct cg_buf *out)
{
	unsigned char sig[SIG_BYTES];
	char b64[B64(SIG_BYTES)];

	if (!k->has_secret || len == 0 || text[len - 1] != '\n')
		return -1;
	sig[0] = (unsigned char)(k->id >> 24);
	sig[1] = (unsigned char)(k->id >> 16);
	sig[2] = (unsigned char)(k->id >> 8);
	sig[3] = (unsigned char)k->id;
	crypto_sign_detached(sig + 4, NULL, (const unsigned char *)text, len, k->sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	if (cg_buf_add(out, text, len) < 0)
		return -1;
	return cg_buf_addf(out, "\n" EM_DASH " %s %s\n", k->name, b64);
}

int cg_note_cosign(const struct cg_note_key *w, uint64_t time, const char *text,
		   size_t len, struct cg_buf *out)
{
	unsigned char sig[4 + 8 + crypto_sign_BYTES];
	char b64[B64(sizeof(sig))], head[64];
	unsigned char *msg;
	int hl;

	if (!w->has_secret || w->type != CG_NOTE_COSIGNATURE || time > INT64_MAX)
		return -1;
	for (int i = 0; i < 4; i++)
		sig[i] = (unsigned char)(w->id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		sig[4 + i] = (unsigned char)(time >> (56 - 8 * i));
	hl = snprintf(head, sizeof(head), "cosignature/v1\ntime %llu\n", (unsigned long long)time);
	/* One message, the two header lines then the note text, signed
	 * whole (plain Ed25519). */
	msg = malloc((size_t)hl + len);
	if (!msg)
		abort();
	memcpy(msg, head, (size_t)hl);
	memcpy(msg + hl, text, len);
	crypto_sign_detached(sig + 12, NULL, msg, (size_t)hl + len, w->sk);
	free(msg);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	return cg_buf_addf(out, EM_DASH " %s %s\n", w->name, b64);
}

/* A note's bytes: UTF-8 (checked loosely) without controls but newline. */
static int note_chars_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * One signature line (without its newline): -1 when malformed, else 0
 * with *match set to the key it names (or -1 when unknown) and *ok to
 * whether that key's signature holds.
 */
static int check_sig_line(const char *line, size_t len, const char *text, size_t tlen,
			  const struct cg_note_key *keys, size_t nkeys, long *match, int *ok)
{
	const char *name, *sp;
	unsigned char sig[SIG_BYTES + 8];
	size_t n = 0, nlen;
	uint32_t id;

	*match = -1;
	*ok = 0;
	if (len < 4 || memcmp(line, EM_DASH " ", 4))
		return -1;
	name = line + 4;
	sp = memchr(name, ' ', len - 4);
	if (!sp || sp == name)
		return -1;
	nlen = (size_t)(sp - name);
	if (sodium_base642bin(sig, sizeof(sig), sp + 1, len - 4 - nlen - 1, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) < 0 || n < 5)
		return -1;
	id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].type == CG_NOTE_COSIGNATURE || keys[i].id != id ||
		    strlen(keys[i].name) != nlen ||
		    memcmp(keys[i].name, name, nlen))
			continue;
		*match = (long)i;
		*ok = n == SIG_BYTES &&
			crypto_sign_verify_detached(sig + 4, (const unsigned char *)text, tlen,
						    keys[i].pk) == 0;
		break;
	}
	return 0;
}

int cg_note_verify(const char *note, size_t len, const struct cg_note_key *keys,
		   size_t nkeys, size_t *text_len, size_t *signer, const char **why)
{
	const char *sep = NULL, *p, *end = note + len;
	int good = 0;

	if (len == 0 || note[len - 1] != '\n' || !note_chars_ok(note, len)) {
		*why = N_("not a signed note: a control character, or no final newline");
		return -1;
	}
	/* The text ends at the last blank line. */
	for (p = note; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			sep = p;
	if (!sep || sep + 2 >= end) {
		*why = N_("not a signed note: no signature lines");
		return -1;
	}
	*text_len = (size_t)(sep + 1 - note);
	for (p = sep + 2; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		long match;
		int ok;

		if (check_sig_line(p, (size_t)(nl - p), note, *text_len, keys, nkeys,
				   &match, &ok) < 0) {
			*why = N_("not a signed note: a malformed signature line");
			return -1;
		}
		if (match >= 0 && !ok) {
			*why = N_("a signature does not verify");
			return -1;
		}
		if (match >= 0 && !good++)
			*signer = (size_t)match;
		p = nl + 1;
	}
	if (!good) {
		*why = N_("not signed by a known key");
		return -1;
	}
	return 0;
}

void cg_hash_b64(const unsigned char h[CG_HASH_LEN], char out[CG_HASH_B64])
{
	sodium_bin2base64(out, CG_HASH_B64, h, CG_HASH_LEN, sodium_base64_VARIANT_ORIGINAL);
}

/* The value of each base64 digit; 64 for any other byte. */
static const unsigned char b64_value[256] = {
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 62, 64, 64, 64, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 64, 64, 64, 64, 64, 64,
	64,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 64, 64, 64, 64, 64,
	64, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
};

int cg_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t pad = 0, o = 0;
	uint32_t acc = 0;

	if (len % 4)
		return -1;
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	if (len / 4 * 3 - pad > cap)
		return -1;
	for (size_t i = 0; i < len - pad; i++) {
		unsigned v = b64_value[(unsigned char)s[i]];

		if (v == 64)
			return -1;
		acc = acc << 6 | v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	/* The last group: 2 digits for 1 byte, 3 for 2; the rest zero. */
	if (pad == 2) {
		if (acc & 0xf)
			return -1;
		out[o++] = (unsigned char)(acc >> 4);
	} else if (pad == 1) {
		if (acc & 0x3)
			return -1;
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	*outlen = o;
	return 0;
}

int cg_hash_unb64(const char *s, size_t len, unsigned char h[CG_HASH_LEN])
{
	size_t n = 0;

	return len == CG_HASH_B64 - 1 && cg_b64_decode(s, len, h, CG_HASH_LEN, &n) == 0 &&
		n == CG_HASH_LEN ? 0 : -1;
}

int cg_checkpoint_text(const struct cg_checkpoint *c, struct cg_buf *out)
{
	char b64[CG_HASH_B64];

	cg_hash_b64(c->root, b64);
	return cg_buf_addf(out, "%s\n%llu\n%s\n", c->origin, (unsigned long long)c->size, b64);
}

/* The next line of [*p, end), without its newline; -1 when none. */
static int next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;

	if (!nl)
		return -1;
	*line = *p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return 0;
}

int cg_checkpoint_parse(const char *text, size_t len, struct cg_checkpoint *c,
			const char **why)
{
	const char *p = text, *end = text + len, *l;
	size_t n;

	memset(c, 0, sizeof(*c));
	*why = N_("not a checkpoint: no origin line");
	if (next_line(&p, end, &l, &n) < 0 || n == 0 || n >= sizeof(c->origin))
		return -1;
	memcpy(c->origin, l, n);
	*why = N_("not a checkpoint: a bad tree size");
	if (next_line(&p, end, &l, &n) < 0 || n == 0 || n > 20 ||
	    strspn(l, "0123456789") < n || (n > 1 && l[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (c->size > (UINT64_MAX - 9) / 10)
			return -1;
		c->size = c->size * 10 + (uint64_t)(l[i] - '0');
	}
	*why = N_("not a checkpoint: a bad root hash");
	if (next_line(&p, end, &l, &n) < 0 || cg_hash_unb64(l, n, c->root) < 0)
		return -1;
	*why = N_("not a checkpoint: an empty extension line");
	while (p < end)
		if (next_line(&p, end, &l, &n) < 0 || n == 0)
			return -1;
	return 0;
}
