/*
 * c2sp.org/tlog-proof and the add-checkpoint body of c2sp.org/tlog-witness,
 * written from those texts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "crypto/sha256.h"
#include "crypto/tlogproof.h"
#include "json/jsonl.h"

#define LINE_B64_MAX(n) sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL)

static int add_hashes(struct cg_buf *out, const unsigned char (*proof)[CG_HASH_LEN], size_t n)
{
	char b64[CG_HASH_B64];

	for (size_t i = 0; i < n; i++) {
		cg_hash_b64(proof[i], b64);
		if (cg_buf_addf(out, "%s\n", b64) < 0)
			return -1;
	}
	return 0;
}

int cg_tlog_proof_format(uint64_t index, const char *line, size_t len,
			 const unsigned char (*proof)[CG_HASH_LEN], size_t n,
			 const char *note, size_t note_len, struct cg_buf *out)
{
	size_t b64len = LINE_B64_MAX(len);
	char *b64 = malloc(b64len);
	int ret;

	if (!b64)
		abort();
	sodium_bin2base64(b64, b64len, (const unsigned char *)line, len,
			  sodium_base64_VARIANT_ORIGINAL);
	ret = cg_buf_addf(out, "%s\nextra %s\nindex %llu\n", CG_TLOG_PROOF_HEADER, b64,
			  (unsigned long long)index);
	free(b64);
	if (ret < 0 || add_hashes(out, proof, n) < 0 || cg_buf_addch(out, '\n') < 0)
		return -1;
	return cg_buf_add(out, note, note_len);
}

int cg_tlog_consistency_format(uint64_t old, const unsigned char (*proof)[CG_HASH_LEN],
			       size_t n, const char *note, size_t note_len,
			       struct cg_buf *out)
{
	if (cg_buf_addf(out, "old %llu\n", (unsigned long long)old) < 0 ||
	    add_hashes(out, proof, n) < 0 || cg_buf_addch(out, '\n') < 0)
		return -1;
	return cg_buf_add(out, note, note_len);
}

int cg_tlog_checkpoint_check(const char *note, size_t len, const struct cg_note_key *keys,
			     size_t nkeys, struct cg_checkpoint *cp, size_t *signer,
			     const char **why)
{
	size_t tlen, n;

	if (cg_note_verify(note, len, keys, nkeys, &tlen, signer, why) < 0 ||
	    cg_checkpoint_parse(note, tlen, cp, why) < 0)
		return -1;
	n = strlen(keys[*signer].name);
	/* A log key speaks for its own origins only. */
	if (strncmp(cp->origin, keys[*signer].name, n) || cp->origin[n] != '/') {
		*why = N_("the checkpoint's origin is not one of the key's");
		return -1;
	}
	return 0;
}

/* "WORD NUMBER" as the C2SP texts write numbers: 0, or -1. */
static int parse_number_line(const char *l, size_t n, const char *word, uint64_t *v)
{
	size_t w = strlen(word);

	*v = 0;
	if (n <= w + 1 || strncmp(l, word, w) || l[w] != ' ' || n - w - 1 > 20 ||
	    (l[w + 1] == '0' && n - w - 1 > 1))
		return -1;
	for (size_t i = w + 1; i < n; i++) {
		if (l[i] < '0' || l[i] > '9' || *v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(l[i] - '0');
	}
	return 0;
}

/* The next line of [*p, end) without its newline: 0, or -1 at the end. */
static int next_line(const char **p, const char *end, const char **l, size_t *n)
{
	const char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;

	if (!nl)
		return -1;
	*l = *p;
	*n = (size_t)(nl - *p);
	*p = nl + 1;
	return 0;
}

static int parse_extra(const char *l, size_t n, struct cg_buf *extra)
{
	unsigned char *bin;
	size_t got = 0;
	int ret;

	if (n < 6 || strncmp(l, "extra ", 6))
		return -1;
	bin = malloc(n);
	if (!bin)
		abort();
	ret = cg_b64_decode(l + 6, n - 6, bin, n, &got) == 0 &&
		cg_buf_add(extra, bin, got) == 0 ? 0 : -1;
	free(bin);
	return ret;
}

int cg_tlog_consistency_parse(const char *text, size_t len, uint64_t *old,
			      unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
			      size_t *n, size_t *note_at, const char **why)
{
	const char *p = text, *end = text + len, *l;
	size_t ln;

	*n = 0;
	*why = N_("not an add-checkpoint body: a bad old size line");
	if (next_line(&p, end, &l, &ln) < 0 || parse_number_line(l, ln, "old", old) < 0)
		return -1;
	*why = N_("not an add-checkpoint body: a bad hash line");
	for (;;) {
		if (next_line(&p, end, &l, &ln) < 0)
			return -1;
		if (ln == 0)
			break;
		/* tlog-witness: at most 63 proof lines. */
		if (*n == 63 || cg_hash_unb64(l, ln, proof[(*n)++]) < 0)
			return -1;
	}
	*note_at = (size_t)(p - text);
	return 0;
}

/* cg_tlog_checkpoint_check, once per note for the notes in cache. */
static int checkpoint_check_cached(const char *note, size_t len, const struct cg_note_key *keys,
				   size_t nkeys, struct cg_note_cache *cache,
				   struct cg_checkpoint *cp, size_t *signer, const char **why)
{
	unsigned char digest[CG_HASH_LEN];
	struct cg_sha256 s;
	size_t i;

	if (!cache)
		return cg_tlog_checkpoint_check(note, len, keys, nkeys, cp, signer, why);
	cg_sha256_init(&s);
	cg_sha256_update(&s, note, len);
	cg_sha256_final(&s, digest);
	for (i = 0; i < cache->n; i++)
		if (!memcmp(cache->digest[i], digest, CG_HASH_LEN)) {
			*cp = cache->cp[i];
			*signer = cache->signer[i];
			return 0;
		}
	if (cg_tlog_checkpoint_check(note, len, keys, nkeys, cp, signer, why) < 0)
		return -1;
	i = cache->next;
	memcpy(cache->digest[i], digest, CG_HASH_LEN);
	cache->cp[i] = *cp;
	cache->signer[i] = *signer;
	cache->next = (i + 1) % CG_NOTE_CACHE_MAX;
	if (cache->n < CG_NOTE_CACHE_MAX)
		cache->n++;
	return 0;
}

int cg_tlog_proof_check(const char *text, size_t len, const struct cg_note_key *keys,
			size_t nkeys, struct cg_note_cache *cache,
			struct cg_tlog_proof_result *r, const char **why)
{
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN], leaf[CG_HASH_LEN];
	const char *p = text, *end = text + len, *l;
	size_t n, np = 0;

	memset(&r->cp, 0, sizeof(r->cp));
	cg_buf_init(&r->extra, len);
	*why = N_("not a tlog proof: a bad first line");
	if (next_line(&p, end, &l, &n) < 0 || n != strlen(CG_TLOG_PROOF_HEADER) ||
	    memcmp(l, CG_TLOG_PROOF_HEADER, n))
		return -1;
	*why = N_("not a proof of a journal line: no extra line");
	if (next_line(&p, end, &l, &n) < 0 || parse_extra(l, n, &r->extra) < 0)
		return -1;
	*why = N_("not a tlog proof: a bad index line");
	if (next_line(&p, end, &l, &n) < 0 || parse_number_line(l, n, "index", &r->index) < 0)
		return -1;
	*why = N_("not a tlog proof: a bad hash line");
	while (next_line(&p, end, &l, &n) == 0 && n > 0)
		if (np == CG_MERKLE_MAX_PROOF || cg_hash_unb64(l, n, proof[np++]) < 0)
			return -1;
	if (checkpoint_check_cached(p, (size_t)(end - p), keys, nkeys, cache, &r->cp,
				    &r->signer, why) < 0)
		return -1;
	cg_merkle_leaf(r->extra.buf, r->extra.len, leaf);
	if (cg_merkle_verify_inclusion(r->index, r->cp.size, leaf,
				       (const unsigned char (*)[CG_HASH_LEN])proof, np,
				       r->cp.root) < 0) {
		*why = N_("the inclusion proof does not lead to the signed root");
		return -1;
	}
	return 0;
}

#define NOTES_FILE_MAX (64 * 1024 * 1024)

static int notes_of_lines(const char *path, char *text, size_t len, cg_note_fn *fn,
			  void *ctx, struct cg_err *err)
{
	unsigned long lineno = 0;
	char *p = text, *end = text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), why[256];
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *j;
		const char *note;
		int st;

		lineno++;
		if (n == 0 || strspn(p, " \t\r") == n) {
			p += n + 1;
			continue;
		}
		j = cg_jsonl_parse(p, n, why, sizeof(why));
		note = json_string_value(json_object_get(j, "checkpoint"));
		if (!note) {
			json_decref(j);
			return cg_err_set(err, CG_EXIT_REJECTED, _("%s:%lu: not a checkpoint line: %s"),
					  path, lineno, j ? _("no \"checkpoint\" field") : why);
		}
		st = fn(ctx, note, strlen(note), lineno, err);
		json_decref(j);
		if (st < 0)
			return -1;
		p += n + 1;
	}
	return 0;
}

int cg_tlog_notes_read(const char *path, cg_note_fn *fn, void *ctx, struct cg_err *err)
{
	char *text;
	size_t len;
	int st = cg_read_file(AT_FDCWD, path, NOTES_FILE_MAX, &text, &len, path, err);

	if (st == -2)
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOENT, _("cannot open '%s'"), path);
	if (st < 0)
		return -1;
	if (len > 0 && text[strspn(text, " \t\r\n")] == '{')
		st = notes_of_lines(path, text, len, fn, ctx, err);
	else
		st = fn(ctx, text, len, 1, err);
	free(text);
	return st;
}
