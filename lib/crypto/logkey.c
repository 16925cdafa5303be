#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <jansson.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "crypto/logkey.h"
#include "json/jsonl.h"

/* Which key: the log's (keys/log.json) or a witness's (keys/witness.json). */
struct which {
	const char *file, *label, *tmp;
	unsigned char type;
};

static const struct which log_key = { "log.json", "keys/log.json", ".log.json.tmp",
				      CG_NOTE_ED25519 };
static const struct which witness_key = { "witness.json", "keys/witness.json",
					  ".witness.json.tmp", CG_NOTE_COSIGNATURE };
#define KEY_FILE_MAX (64 * 1024)
#define B64(n) sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL)

static int unb64(const char *s, unsigned char *out, size_t want)
{
	size_t n = 0;

	return s && sodium_base642bin(out, want, s, strlen(s), NULL, &n, NULL,
				      sodium_base64_VARIANT_ORIGINAL) == 0 && n == want ? 0 : -1;
}

static int parse_key(const struct which *w, struct cg_note_key *k, const char *text,
		     size_t len, struct cg_err *err)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	const char *name = json_string_value(json_object_get(j, "name"));
	unsigned char check[crypto_sign_PUBLICKEYBYTES];
	int ok;

	memset(k, 0, sizeof(*k));
	ok = j && name && cg_note_name_ok(name) &&
		unb64(json_string_value(json_object_get(j, "public_key")), k->pk, sizeof(k->pk)) == 0 &&
		unb64(json_string_value(json_object_get(j, "secret_key")), k->sk, sizeof(k->sk)) == 0 &&
		crypto_sign_ed25519_sk_to_pk(check, k->sk) == 0 &&
		!memcmp(check, k->pk, sizeof(check));
	if (ok) {
		snprintf(k->name, sizeof(k->name), "%s", name);
		k->type = w->type;
		cg_note_key_finish(k);
		k->has_secret = 1;
	}
	json_decref(j);
	if (!ok) {
		sodium_memzero(k, sizeof(*k));
		return cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is damaged"), w->label);
	}
	return 0;
}

/* 0, -2 when keys/log.json is not there, or -1 with *err. */
static int read_key(const struct which *w, struct cg_note_key *k, int dirfd,
		    struct cg_err *err)
{
	char *text;
	size_t len;
	int st = cg_read_file(dirfd, w->file, KEY_FILE_MAX, &text, &len, w->label, err);

	if (st < 0)
		return st;
	st = parse_key(w, k, text, len, err);
	sodium_memzero(text, len);
	free(text);
	return st;
}

static int write_key(const struct which *w, struct cg_note_key *k, int dirfd,
		     const char *name, cg_time_t now, struct cg_err *err)
{
	char pub[B64(crypto_sign_PUBLICKEYBYTES)], sec[B64(crypto_sign_SECRETKEYBYTES)];
	char created[CG_TIME_LEN], id[9];
	json_t *j;
	char *text;
	int ret;

	if (!cg_note_name_ok(name))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("compound code '%s' cannot name a log key (no spaces or '+')"), name);
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	crypto_sign_keypair(k->pk, k->sk);
	k->has_secret = 1;
	k->type = w->type;
	cg_note_key_finish(k);
	snprintf(id, sizeof(id), "%08x", (unsigned)k->id);
	cg_time_format(now, created);
	sodium_bin2base64(pub, sizeof(pub), k->pk, sizeof(k->pk), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(sec, sizeof(sec), k->sk, sizeof(k->sk), sodium_base64_VARIANT_ORIGINAL);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "key_id", id,
		      "alg", "Ed25519", "public_key", pub, "secret_key", sec, "created", created);
	sodium_memzero(sec, sizeof(sec));
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		abort();
	ret = cg_replace_file(dirfd, w->file, text, strlen(text), w->label, err);
	sodium_memzero(text, strlen(text));
	free(text);
	return ret;
}

static int lock_keys(int dirfd, struct cg_err *err)
{
	int fd = cg_openat(dirfd, ".lock", O_RDWR | O_CREAT);

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open lock file for '%s'"), "keys");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot lock '%s'"),
					    "keys/.lock");
		}
	}
	return fd;
}

static int load(const struct which *w, struct cg_note_key *k, const struct cg_home *h,
		int create, const char *name, cg_time_t now, struct cg_err *err)
{
	int dirfd = cg_home_dir(h, "keys", create, err), lockfd, st;

	if (dirfd < 0)
		return dirfd;
	st = read_key(w, k, dirfd, err);
	if (st == -2 && create) {
		/* Look again under the lock: another process may be making it. */
		if ((lockfd = lock_keys(dirfd, err)) < 0) {
			st = -1;
		} else {
			/* A temporary file a crash left may hold a secret key. */
			unlinkat(dirfd, w->tmp, 0);
			st = read_key(w, k, dirfd, err);
			if (st == -2)
				st = write_key(w, k, dirfd, name, now, err);
			close(lockfd);
		}
	}
	close(dirfd);
	return st;
}

int cg_logkey_load(struct cg_note_key *k, const struct cg_home *h, int create,
		   const char *name, cg_time_t now, struct cg_err *err)
{
	return load(&log_key, k, h, create, name, now, err);
}

int cg_witnesskey_load(struct cg_note_key *k, const struct cg_home *h, int create,
		       const char *name, cg_time_t now, struct cg_err *err)
{
	return load(&witness_key, k, h, create, name, now, err);
}

int cg_logkey_load_trust(const char *path, struct cg_note_key **keys, size_t *n,
			 struct cg_err *err)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	unsigned long lineno = 0;

	*keys = NULL;
	*n = 0;
	if (!f)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), path);
	while (fgets(line, sizeof(line), f)) {
		struct cg_note_key k;
		const char *p = line + strspn(line, " \t");

		lineno++;
		if (*p == '\n' || *p == '\0' || *p == '#')
			continue;
		if (cg_note_parse_vkey(p, &k) < 0) {
			fclose(f);
			free(*keys);
			*keys = NULL;
			*n = 0;
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s:%lu: not a verifier key (NAME+KEYID+KEY)"), path, lineno);
		}
		*keys = realloc(*keys, (*n + 1) * sizeof(**keys));
		if (!*keys)
			abort();
		(*keys)[(*n)++] = k;
	}
	fclose(f);
	if (*n == 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("%s: no verifier keys"), path);
	return 0;
}
