/* A witness of other logs' checkpoints (witness.h). */

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
#include "crypto/tlogproof.h"
#include "store/witness.h"

#define STATE_MAX (64 * 1024)

/* What the witness holds for one origin. */
struct held {
	uint64_t size;
	unsigned char root[CG_HASH_LEN];
};

static void state_name(const char *origin, char *out, size_t size)
{
	size_t i;

	for (i = 0; origin[i] && i + 6 < size; i++)
		out[i] = origin[i] == '/' ? '~' : origin[i];
	snprintf(out + i, size - i, ".json");
}

/* 0 with *held (size 0 when the origin is new), or -1 with *err. */
static int load_held(int dirfd, const char *name, struct held *held, struct cg_err *err)
{
	char *text, label[300];
	const char *root;
	json_t *j;
	size_t len;
	int st;

	memset(held, 0, sizeof(*held));
	snprintf(label, sizeof(label), "witness/%s", name);
	st = cg_read_file(dirfd, name, STATE_MAX, &text, &len, label, err);
	if (st == -2)
		return 0;
	if (st < 0)
		return -1;
	j = json_loadb(text, len, 0, NULL);
	free(text);
	root = json_string_value(json_object_get(j, "root"));
	st = j && json_integer_value(json_object_get(j, "size")) > 0 && root &&
		cg_hash_unb64(root, strlen(root), held->root) == 0 ? 0 : -1;
	if (st == 0)
		held->size = (uint64_t)json_integer_value(json_object_get(j, "size"));
	json_decref(j);
	return st == 0 ? 0 : cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is damaged"), label);
}

static int save_held(int dirfd, const char *name, const struct cg_checkpoint *cp,
		     const char *note, size_t len, cg_time_t now, struct cg_err *err)
{
	char b64[CG_HASH_B64], ts[CG_TIME_LEN], label[300], *text, *copy = strndup(note, len);
	json_t *j;
	int ret;

	if (!copy)
		abort();
	cg_hash_b64(cp->root, b64);
	cg_time_format(now, ts);
	j = json_pack("{s:s, s:s, s:I, s:s, s:s}", "ts", ts, "origin", cp->origin,
		      "size", (json_int_t)cp->size, "root", b64, "checkpoint", copy);
	free(copy);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		abort();
	snprintf(label, sizeof(label), "witness/%s", name);
	ret = cg_replace_file(dirfd, name, text, strlen(text), label, err);
	free(text);
	return ret;
}

/* Whether cp, with the proof from old, extends what is held. */
static int extends_held(const struct held *held, uint64_t old, const struct cg_checkpoint *cp,
			const unsigned char (*proof)[CG_HASH_LEN], size_t n, struct cg_err *err)
{
	if (cp->size < held->size)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("%s: a checkpoint of %llu records after one of %llu: rolled back; not cosigned"),
				  cp->origin, (unsigned long long)cp->size,
				  (unsigned long long)held->size);
	if (old != held->size)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("%s: the proof is from size %llu, the witness holds size %llu; not cosigned"),
				  cp->origin, (unsigned long long)old, (unsigned long long)held->size);
	if (cg_merkle_verify_consistency(held->size, cp->size, held->root, cp->root, proof, n) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("%s: the checkpoint of %llu records does not extend the one of %llu the witness holds; not cosigned"),
				  cp->origin, (unsigned long long)cp->size,
				  (unsigned long long)held->size);
	return 0;
}

static int lock_dir(int dirfd, struct cg_err *err)
{
	int fd = cg_openat(dirfd, ".lock", O_RDWR | O_CREAT);

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open lock file for '%s'"),
				    "witness");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot lock '%s'"),
					    "witness/.lock");
		}
	}
	return fd;
}

/* Under the lock: check against what is held, keep, cosign. */
static int witness_locked(int dirfd, const struct cg_checkpoint *cp, uint64_t old,
			  const unsigned char (*proof)[CG_HASH_LEN], size_t n, const char *note,
			  size_t note_len, const struct cg_note_key *w, cg_time_t now,
			  struct cg_buf *cosig, struct cg_err *err)
{
	char name[CG_ORIGIN_MAX + 8];
	struct held held;
	size_t tlen = (size_t)(strstr(note, "\n\n") + 1 - note);

	state_name(cp->origin, name, sizeof(name));
	if (load_held(dirfd, name, &held, err) < 0 ||
	    extends_held(&held, old, cp, proof, n, err) < 0 ||
	    save_held(dirfd, name, cp, note, note_len, now, err) < 0)
		return -1;
	if (cg_note_cosign(w, (uint64_t)now, note, tlen, cosig) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("cannot cosign"));
	return 0;
}

int cg_witness_add(const struct cg_home *h, const struct cg_note_key *trust, size_t ntrust,
		   const struct cg_note_key *w, cg_time_t now, const char *body, size_t len,
		   struct cg_buf *cosig, struct cg_err *err)
{
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
	struct cg_checkpoint cp;
	const char *why;
	size_t n, at, signer;
	uint64_t old;
	int dirfd, lockfd, ret;

	if (cg_tlog_consistency_parse(body, len, &old, proof, &n, &at, &why) < 0 ||
	    cg_tlog_checkpoint_check(body + at, len - at, trust, ntrust, &cp, &signer, &why) < 0)
		return cg_err_set(err, CG_EXIT_REJECTED, "%s", _(why));
	if (old > cp.size)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("%s: a checkpoint of %llu records after one of %llu: rolled back; not cosigned"),
				  cp.origin, (unsigned long long)cp.size, (unsigned long long)old);
	dirfd = cg_home_dir(h, "witness", 1, err);
	if (dirfd < 0)
		return -1;
	lockfd = lock_dir(dirfd, err);
	ret = lockfd < 0 ? -1 :
		witness_locked(dirfd, &cp, old, (const unsigned char (*)[CG_HASH_LEN])proof, n,
			       body + at, len - at, w, now, cosig, err);
	if (lockfd >= 0)
		close(lockfd);
	close(dirfd);
	return ret;
}

int cg_witness_held(const struct cg_home *h, const char *origin, struct cg_checkpoint *cp,
		    struct cg_err *err)
{
	char name[CG_ORIGIN_MAX + 8];
	struct held held;
	int dirfd = cg_home_dir(h, "witness", 0, err), st;

	if (dirfd < 0)
		return dirfd;
	state_name(origin, name, sizeof(name));
	st = load_held(dirfd, name, &held, err);
	close(dirfd);
	if (st < 0)
		return -1;
	if (held.size == 0)
		return -2;
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->origin, sizeof(cp->origin), "%s", origin);
	cp->size = held.size;
	memcpy(cp->root, held.root, CG_HASH_LEN);
	return 0;
}
