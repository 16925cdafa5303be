#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "crypto/base45.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "crypto/token.h"

#define TOKEN_VERSION 1
#define FIXED_PART (1 + 4 + 5 + 4 + 4)
#define MAX_PAYLOAD (FIXED_PART + 3 * CG_TOKEN_FIELD)
#define MAX_TOKEN (sizeof(CG_TOKEN_PREFIX) + (MAX_PAYLOAD + crypto_sign_BYTES) * 3 / 2 + 3)

/* keys/current names a key id (8 hex digits and a newline). */
#define CURRENT_FILE_MAX 64
/* keys/pass-ID.json: a key pair in hex and its dates, well under 1 KiB. */
#define KEY_FILE_MAX (64 * 1024)

void cg_keyring_init(struct cg_keyring *kr)
{
	kr->keys = NULL;
	kr->n = 0;
	kr->current = -1;
}

void cg_keyring_release(struct cg_keyring *kr)
{
	if (kr->keys)
		sodium_memzero(kr->keys, kr->n * sizeof(*kr->keys));
	free(kr->keys);
	cg_keyring_init(kr);
}

static void key_id(const unsigned char *pk, char out[CG_KEY_ID_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
	sodium_bin2hex(out, CG_KEY_ID_LEN, h, 4);
}

static struct cg_key *add_key(struct cg_keyring *kr)
{
	struct cg_key *k = realloc(kr->keys, (kr->n + 1) * sizeof(*k));

	if (!k)
		abort();
	kr->keys = k;
	memset(&k[kr->n], 0, sizeof(*k));
	return &k[kr->n++];
}

static int find_key(const struct cg_keyring *kr, const char *id)
{
	for (size_t i = 0; i < kr->n; i++)
		if (!strcmp(kr->keys[i].id, id))
			return (int)i;
	return -1;
}

static int b64_decode(const char *s, unsigned char *out, size_t want)
{
	size_t n = 0;

	return s && sodium_base642bin(out, want, s, strlen(s), NULL, &n, NULL,
				      sodium_base64_VARIANT_ORIGINAL) == 0 && n == want ? 0 : -1;
}

/* One key from its JSON form; the secret is optional. */
static int parse_key(struct cg_keyring *kr, const json_t *j, const char *label,
		     struct cg_err *err)
{
	const char *pub = json_string_value(json_object_get(j, "public_key"));
	const char *sec = json_string_value(json_object_get(j, "secret_key"));
	const char *created = json_string_value(json_object_get(j, "created"));
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char id[CG_KEY_ID_LEN];
	struct cg_key *k;

	if (b64_decode(pub, pk, sizeof(pk)) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("%s: no valid public_key"), label);
	key_id(pk, id);
	if (find_key(kr, id) >= 0)
		return 0;
	k = add_key(kr);
	memcpy(k->pk, pk, sizeof(pk));
	memcpy(k->id, id, sizeof(id));
	snprintf(k->created, sizeof(k->created), "%s", created ? created : "");
	if (sec) {
		unsigned char check[crypto_sign_PUBLICKEYBYTES];

		if (b64_decode(sec, k->sk, sizeof(k->sk)) < 0 ||
		    crypto_sign_ed25519_sk_to_pk(check, k->sk) < 0 ||
		    memcmp(check, pk, sizeof(pk)))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: the secret key does not match the public key"), label);
		k->has_secret = 1;
	}
	return 0;
}

static json_t *key_json(const struct cg_key *k, int with_secret)
{
	char pub[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
	char sec[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
	json_t *j;

	sodium_bin2base64(pub, sizeof(pub), k->pk, sizeof(k->pk), sodium_base64_VARIANT_ORIGINAL);
	j = json_pack("{s:s, s:s, s:s, s:s}", "key_id", k->id, "alg", "Ed25519",
		      "public_key", pub, "created", k->created);
	if (with_secret) {
		sodium_bin2base64(sec, sizeof(sec), k->sk, sizeof(k->sk),
				  sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(j, "secret_key", json_string(sec));
		sodium_memzero(sec, sizeof(sec));
	}
	return j;
}

json_t *cg_key_export(const struct cg_keyring *kr, size_t i)
{
	json_t *j = key_json(&kr->keys[i], 0);

	json_object_set_new(j, "current", json_boolean((int)i == kr->current));
	return j;
}

static int open_keys_dir(const struct cg_home *h, int create, struct cg_err *err)
{
	return cg_home_dir(h, "keys", create, err);
}

/* The key id keys/current names: 0, -2 when there is none, -3 when it is
 * damaged, or -1 with *err. */
static int read_current(int dirfd, char id[CG_KEY_ID_LEN], struct cg_err *err)
{
	char *text = NULL;
	size_t len;
	int st = cg_read_file(dirfd, "current", CURRENT_FILE_MAX, &text, &len, "keys/current", err);

	if (st < 0)
		return st;
	len = strcspn(text, "\n");
	if (len != CG_KEY_ID_LEN - 1) {
		free(text);
		return -3;
	}
	memcpy(id, text, len);
	id[len] = '\0';
	free(text);
	return 0;
}

static int load_dir(struct cg_keyring *kr, int dirfd, struct cg_err *err)
{
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot list '%s'"), "keys");
	}
	/* The copy shares its offset with dirfd: read keys/ from its start. */
	rewinddir(d);
	while (ret == 0 && (de = readdir(d))) {
		char label[300], *text;
		size_t len;
		json_t *j;

		if (strncmp(de->d_name, "pass-", 5) || !strstr(de->d_name, ".json"))
			continue;
		snprintf(label, sizeof(label), "keys/%s", de->d_name);
		if (cg_read_file(dirfd, de->d_name, KEY_FILE_MAX, &text, &len, label, err) < 0) {
			ret = -1;
			break;
		}
		j = json_loadb(text, len, 0, NULL);
		sodium_memzero(text, len);
		free(text);
		ret = j ? parse_key(kr, j, label, err) :
			cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is damaged"), label);
		json_decref(j);
	}
	closedir(d);
	return ret;
}

/*
 * keys/.lock: the first key pair and rotations are made by one process at
 * a time.  The locked descriptor, or -1 with *err.
 */
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

/*
 * The temporary files of a key pair or of keys/current that a crash left
 * (a secret key may be in one).  Only under the lock: nobody is writing.
 */
static void remove_leftovers(int dirfd)
{
	int fd = dup(dirfd);
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if ((!strncmp(de->d_name, ".pass-", 6) || !strcmp(de->d_name, ".current.tmp")) &&
		    n > 4 && !strcmp(de->d_name + n - 4, ".tmp"))
			unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
}

/*
 * Write a new key pair and make it current, under keys/.lock: the pair
 * first (a temporary file, fsync, rename, fsync of keys/), keys/current
 * last, the same way.  When keys/current cannot be written the new pair
 * is taken away again, so that a full disk leaves keys/ as it was.
 */
static int new_key(struct cg_keyring *kr, int dirfd, cg_time_t now, struct cg_err *err)
{
	struct cg_key *k = add_key(kr);
	char name[64], label[80];
	json_t *j;
	char *text;
	int ret;

	remove_leftovers(dirfd);
	crypto_sign_keypair(k->pk, k->sk);
	k->has_secret = 1;
	key_id(k->pk, k->id);
	cg_time_format(now, k->created);
	snprintf(name, sizeof(name), "pass-%s.json", k->id);
	snprintf(label, sizeof(label), "keys/%s", name);
	j = key_json(k, 1);
	text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	ret = cg_replace_file(dirfd, name, text, strlen(text), label, err);
	sodium_memzero(text, strlen(text));
	free(text);
	if (ret == 0) {
		char line[CG_KEY_ID_LEN + 1];

		snprintf(line, sizeof(line), "%s\n", k->id);
		ret = cg_replace_file(dirfd, "current", line, strlen(line), "keys/current", err);
		if (ret < 0 && unlinkat(dirfd, name, 0) == 0)
			cg_fsync_dir(dirfd);
	}
	if (ret == 0) {
		kr->current = (int)(kr->n - 1);
	} else {
		sodium_memzero(k, sizeof(*k));
		kr->n--;
	}
	return ret;
}

/*
 * The keys of keys/ and the signing key keys/current names: 0, -2 when
 * there is no keys/current (with CG_KEYS_REPAIR also when it is damaged
 * or names a key that is not there), or -1 with *err.
 */
static int load_keys(struct cg_keyring *kr, int dirfd, int need, struct cg_err *err)
{
	char id[CG_KEY_ID_LEN];
	/* keys/current first: the pair it names was in place before it. */
	int cur = read_current(dirfd, id, err);
	int st = cur == -1 ? -1 : load_dir(kr, dirfd, err);

	if (st == 0)
		st = cur;
	if (st == 0 && (kr->current = find_key(kr, id)) < 0)
		st = need == CG_KEYS_REPAIR ? -2 :
			cg_err_set(err, CG_EXIT_SYSTEM,
				   _("keys/current names key %s, whose file 'keys/pass-%s.json' is missing: restore it from a backup, or run 'cg-pass key rotate' to sign with a new key"),
				   id, id);
	if (st == -3)
		st = need == CG_KEYS_REPAIR ? -2 :
			cg_err_set(err, CG_EXIT_SYSTEM, "%s",
				   _("'keys/current' is damaged: run 'cg-pass key rotate' to make a new signing key"));
	return st;
}

int cg_keyring_load(struct cg_keyring *kr, const struct cg_home *h, int need,
		    cg_time_t now, struct cg_err *err)
{
	int dirfd = open_keys_dir(h, need == CG_KEYS_SIGN, err), lockfd, st;

	if (dirfd == -2)
		return 0;
	if (dirfd < 0)
		return -1;
	st = load_keys(kr, dirfd, need, err);
	if (st != 0 && need == CG_KEYS_SIGN) {
		/*
		 * No signing key yet, or another process is making it right
		 * now: look again under the lock, and make the first pair
		 * only if keys/ is still empty.
		 */
		if ((lockfd = lock_keys(dirfd, err)) < 0) {
			st = -1;
		} else {
			cg_keyring_release(kr);
			st = load_keys(kr, dirfd, need, err);
			if (st == -2 && kr->n == 0)
				st = new_key(kr, dirfd, now, err);
			else if (st == -2)
				st = cg_err_set(err, CG_EXIT_SYSTEM, "%s",
						_("no signing key: 'keys/current' is missing, the making of a key pair stopped half-way (a full disk or a crash); run 'cg-pass key rotate' to make a new signing key"));
			close(lockfd);
		}
	} else if (st == -2) {
		st = 0;
	}
	close(dirfd);
	return st;
}

int cg_keyring_rotate(struct cg_keyring *kr, const struct cg_home *h,
		      cg_time_t now, struct cg_err *err)
{
	int dirfd = open_keys_dir(h, 1, err), lockfd, st;

	if (dirfd < 0)
		return -1;
	lockfd = lock_keys(dirfd, err);
	st = lockfd < 0 ? -1 : new_key(kr, dirfd, now, err);
	if (lockfd >= 0)
		close(lockfd);
	close(dirfd);
	return st;
}

int cg_keyring_load_public(struct cg_keyring *kr, const char *path,
			   struct cg_err *err)
{
	struct cg_jsonl_reader in;
	char *line, why[256];
	size_t len;
	int st, ret = 0;

	if (cg_jsonl_reader_open(&in, AT_FDCWD, path, path, 0, err) < 0)
		return -1;
	while (ret == 0 && (st = cg_jsonl_next(&in, &line, &len, err)) != CG_JSONL_EOF) {
		json_t *j;
		char label[300];

		if (st < 0) {
			ret = -1;
			break;
		}
		snprintf(label, sizeof(label), "%s:%lu", path, in.lineno);
		j = st == CG_JSONL_LINE ? cg_jsonl_parse(line, len, why, sizeof(why)) : NULL;
		if (!j) {
			ret = cg_err_set(err, CG_EXIT_SYSTEM, _("%s: not a public key"), label);
			break;
		}
		json_object_del(j, "secret_key");	/* a gate needs none */
		ret = parse_key(kr, j, label, err);
		json_decref(j);
	}
	cg_jsonl_reader_release(&in);
	if (ret == 0 && kr->n == 0)
		ret = cg_err_set(err, CG_EXIT_SYSTEM, _("%s: no public keys"), path);
	return ret;
}

/* ---- tokens ---- */

static void put32(unsigned char *p, uint64_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint64_t get32(const unsigned char *p)
{
	return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
}

static int put_field(unsigned char *buf, size_t *n, const char *s)
{
	size_t len = strlen(s);

	if (len >= CG_TOKEN_FIELD)
		return -1;
	buf[(*n)++] = (unsigned char)len;
	memcpy(buf + *n, s, len);
	*n += len;
	return 0;
}

static int get_field(const unsigned char *buf, size_t end, size_t *n, char out[CG_TOKEN_FIELD])
{
	size_t len;

	if (*n >= end)
		return -1;
	len = buf[(*n)++];
	if (len >= CG_TOKEN_FIELD || *n + len > end || memchr(buf + *n, 0, len))
		return -1;
	memcpy(out, buf + *n, len);
	out[len] = '\0';
	*n += len;
	return 0;
}

int cg_token_sign(const struct cg_keyring *kr, struct cg_token *t,
		  struct cg_buf *out, struct cg_err *err)
{
	unsigned char buf[MAX_PAYLOAD + crypto_sign_BYTES];
	const struct cg_key *k;
	unsigned char kid[4];
	size_t n = 0;

	if (kr->current < 0 || !kr->keys[kr->current].has_secret)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("no signing key (keys/current)"));
	k = &kr->keys[kr->current];
	memcpy(t->key_id, k->id, sizeof(t->key_id));
	if (t->valid_from < 0 || t->valid_until > 0xFFFFFFFFLL || t->valid_from > t->valid_until)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("validity out of the token's range"));
	sodium_hex2bin(kid, sizeof(kid), k->id, 8, NULL, NULL, NULL);
	buf[n++] = TOKEN_VERSION;
	memcpy(buf + n, kid, 4);
	n += 4;
	for (int i = 4; i >= 0; i--)
		buf[n++] = (unsigned char)(t->pass_value >> (8 * i));
	put32(buf + n, (uint64_t)t->valid_from);
	put32(buf + n + 4, (uint64_t)t->valid_until);
	n += 8;
	if (put_field(buf, &n, t->class_) < 0 || put_field(buf, &n, t->ref) < 0 ||
	    put_field(buf, &n, t->compound) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("a pass field is too long for a token"));
	crypto_sign_detached(buf + n, NULL, buf, n, k->sk);
	n += crypto_sign_BYTES;
	if (cg_buf_addstr(out, CG_TOKEN_PREFIX) < 0 || cg_base45_encode(buf, n, out) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM, _("cannot make a token"));
	return 0;
}

int cg_token_is_token(const char *s)
{
	return !strncmp(s, CG_TOKEN_PREFIX, sizeof(CG_TOKEN_PREFIX) - 1);
}

static int decode_into(const char *s, struct cg_token *t, unsigned char *buf, size_t *payload)
{
	size_t len, n = 0;
	long got;

	if (!cg_token_is_token(s))
		return -1;
	s += sizeof(CG_TOKEN_PREFIX) - 1;
	len = strlen(s);
	if (len > MAX_TOKEN)
		return -1;
	got = cg_base45_decode(s, len, buf);
	if (got < (long)(FIXED_PART + 3 + crypto_sign_BYTES) || buf[0] != TOKEN_VERSION)
		return -1;
	*payload = (size_t)got - crypto_sign_BYTES;
	sodium_bin2hex(t->key_id, sizeof(t->key_id), buf + 1, 4);
	t->pass_value = 0;
	for (int i = 0; i < 5; i++)
		t->pass_value = t->pass_value << 8 | buf[5 + i];
	cg_passid_format(t->pass_value, t->pass_id);
	t->valid_from = (cg_time_t)get32(buf + 10);
	t->valid_until = (cg_time_t)get32(buf + 14);
	n = FIXED_PART;
	if (get_field(buf, *payload, &n, t->class_) < 0 ||
	    get_field(buf, *payload, &n, t->ref) < 0 ||
	    get_field(buf, *payload, &n, t->compound) < 0 || n != *payload)
		return -1;
	return 0;
}

int cg_token_decode(const char *s, struct cg_token *t)
{
	unsigned char buf[MAX_TOKEN];
	size_t payload;

	return decode_into(s, t, buf, &payload);
}

int cg_keyring_has(const struct cg_keyring *kr, const char *key_id)
{
	return find_key(kr, key_id) >= 0;
}

enum cg_token_status cg_token_verify(const struct cg_keyring *kr, const char *s,
				     struct cg_token *t)
{
	unsigned char buf[MAX_TOKEN];
	size_t payload;
	int k;

	if (decode_into(s, t, buf, &payload) < 0)
		return CG_TOKEN_MALFORMED;
	k = find_key(kr, t->key_id);
	if (k < 0 || crypto_sign_verify_detached(buf + payload, buf, payload,
						 kr->keys[k].pk) != 0)
		return CG_TOKEN_BAD_SIGNATURE;
	return CG_TOKEN_OK;
}

struct verify_job {
	const struct cg_keyring *kr;
	const char *const *texts;
	enum cg_token_status *status;
	struct cg_token *toks;
	size_t from, to;
};

/* A status of -1 marks a token whose signature is already known good. */
static void *verify_range(void *arg)
{
	struct verify_job *job = arg;

	for (size_t i = job->from; i < job->to; i++)
		if ((int)job->status[i] != -1)
			job->status[i] = cg_token_verify(job->kr, job->texts[i], &job->toks[i]);
	return NULL;
}

/* Decode the tokens the caller or the cache vouches for; their signatures
 * need no check. */
static void vouched_for(const char *const *texts, size_t n, enum cg_token_status *status,
			struct cg_token *toks, const unsigned char *vouched,
			const json_t *good)
{
	for (size_t i = 0; i < n; i++) {
		status[i] = CG_TOKEN_MALFORMED;
		if (((vouched && vouched[i]) || (good && json_object_get(good, texts[i]))) &&
		    cg_token_decode(texts[i], &toks[i]) == 0)
			status[i] = (enum cg_token_status)-1;
	}
}

static void to_cache(const char *const *texts, size_t n, enum cg_token_status *status,
		     json_t *good)
{
	for (size_t i = 0; i < n; i++) {
		if ((int)status[i] == -1)
			status[i] = CG_TOKEN_OK;
		else if (good && status[i] == CG_TOKEN_OK &&
			 json_object_size(good) < CG_TOKEN_CACHE_MAX)
			json_object_set_new(good, texts[i], json_true());
	}
}

void cg_token_verify_many(const struct cg_keyring *kr, const char *const *texts,
			  size_t n, enum cg_token_status *status,
			  struct cg_token *toks, const unsigned char *vouched,
			  json_t *good)
{
	enum { MAX_THREADS = 8 };
	struct verify_job jobs[MAX_THREADS];
	pthread_t threads[MAX_THREADS];
	int running[MAX_THREADS] = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = cpus > 1 ? (size_t)cpus : 1;

	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	vouched_for(texts, n, status, toks, vouched, good);
	/* A thread is worth it only for a good handful of signatures. */
	if (n < 64)
		nthreads = 1;
	/* The last range runs here, as does any whose thread will not start. */
	for (size_t i = 0; i < nthreads; i++) {
		jobs[i] = (struct verify_job){ kr, texts, status, toks,
					       n * i / nthreads, n * (i + 1) / nthreads };
		running[i] = i + 1 < nthreads &&
			     pthread_create(&threads[i], NULL, verify_range, &jobs[i]) == 0;
		if (!running[i])
			verify_range(&jobs[i]);
	}
	for (size_t i = 0; i < nthreads; i++)
		if (running[i])
			pthread_join(threads[i], NULL);
	to_cache(texts, n, status, good);
}
