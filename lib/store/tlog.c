/*
 * Trees over the journals and the checkpoints signed of them (tlog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "store/journal.h"
#include "store/tlog.h"

#define STORE_MAX (256 * 1024 * 1024)	/* checkpoints/KEY.jsonl */
#define FRONTIER_MAX (64 * 1024)	/* index/tlog/KEY.json */

/* ---- naming journals ---- */

static int is_date(const char *s)
{
	int y, m, d;

	return strlen(s) == 10 && cg_date_parse(s, &y, &m, &d) == 0;
}

static void set_id(struct cg_tlog_id *id, const char *stream, const char *day)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->stream, sizeof(id->stream), "%s", stream);
	if (day) {
		snprintf(id->day, sizeof(id->day), "%s", day);
		snprintf(id->key, sizeof(id->key), "checkin-%s", day);
		snprintf(id->tail, sizeof(id->tail), "checkin/%s", day);
		snprintf(id->label, sizeof(id->label), "journal/checkin/%s.jsonl", day);
	} else {
		snprintf(id->key, sizeof(id->key), "%s", stream);
		snprintf(id->tail, sizeof(id->tail), "%s", stream);
		snprintf(id->label, sizeof(id->label), "journal/%s.jsonl", stream);
	}
}

int cg_tlog_id_parse(const char *text, struct cg_tlog_id *id)
{
	if (!strcmp(text, "pass") || !strcmp(text, "quarantine")) {
		set_id(id, text, NULL);
		return 0;
	}
	if (!strncmp(text, "checkin/", 8))
		text += 8;
	if (!is_date(text))
		return -1;
	set_id(id, "checkin", text);
	return 0;
}

int cg_tlog_id_from_origin(const char *origin, const char *name, struct cg_tlog_id *id)
{
	size_t n = strlen(name);

	if (strncmp(origin, name, n) || origin[n] != '/')
		return -1;
	return cg_tlog_id_parse(origin + n + 1, id);
}

void cg_tlog_origin(const struct cg_tlog_id *id, const char *name,
		    char out[CG_ORIGIN_MAX])
{
	snprintf(out, CG_ORIGIN_MAX, "%s/%s", name, id->tail);
}

static int exists(const struct cg_home *h, const char *rel)
{
	struct stat st;

	return fstatat(h->fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int cg_tlog_list(const struct cg_home *h, struct cg_tlog_id **ids, size_t *n,
		 struct cg_err *err)
{
	static const char *const single[] = { "pass", "quarantine" };
	json_t *days;
	size_t i;
	json_t *v;

	*n = 0;
	if (cg_journal_days(h, &days, err) < 0) {
		json_decref(days);
		return -1;
	}
	*ids = calloc(2 + json_array_size(days), sizeof(**ids));
	if (!*ids)
		abort();
	for (i = 0; i < 2; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "journal/%s.jsonl", single[i]);
		if (exists(h, rel))
			set_id(&(*ids)[(*n)++], single[i], NULL);
	}
	json_array_foreach(days, i, v)
		set_id(&(*ids)[(*n)++], "checkin", json_string_value(v));
	json_decref(days);
	return 0;
}

/* ---- reading a journal's leaves ---- */

static int open_reader(const struct cg_home *h, const struct cg_tlog_id *id,
		       struct cg_journal_reader *jr, struct cg_err *err)
{
	return cg_journal_reader_open_stream(jr, h, id->stream, id->day[0] ? id->day : NULL, err);
}

int cg_tlog_read(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t want,
		 struct cg_tlog_leaves *l, struct cg_err *err)
{
	struct cg_journal_reader jr;
	size_t alloc = 0;
	int st;

	memset(l, 0, sizeof(*l));
	cg_buf_init(&l->line, CG_JOURNAL_MAX_LINE + 1);
	if (open_reader(h, id, &jr, err) < 0)
		return -1;
	while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0) {
		if (l->n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			l->hash = realloc(l->hash, alloc * CG_HASH_LEN);
			if (!l->hash)
				abort();
		}
		cg_merkle_leaf(jr.line, jr.len, l->hash + l->n * CG_HASH_LEN);
		l->n++;
		if (jr.seq == want && cg_buf_add(&l->line, jr.line, jr.len) < 0)
			abort();
	}
	l->torn = jr.torn;
	l->missing = jr.missing;
	memcpy(l->chain, jr.chain, sizeof(l->chain));
	snprintf(l->label, sizeof(l->label), "%s", jr.label);
	cg_journal_reader_release(&jr);
	return st < 0 ? -1 : 0;
}

static int leaves_save(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t from,
		       const unsigned char *hashes, uint64_t n);

void cg_tlog_leaves_keep(const struct cg_home *h, const struct cg_tlog_id *id,
			 const struct cg_tlog_leaves *l)
{
	leaves_save(h, id, 0, l->hash, l->n);
}

/* The first size kept leaf hashes into l->hash: 0, or -2. */
static int read_kept(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t size,
		     struct cg_tlog_leaves *l)
{
	struct cg_err ignored;
	int dirfd = cg_home_dir(h, "index/tlog", 0, &ignored), fd;
	size_t len = (size_t)size * CG_HASH_LEN;
	char name[64];
	ssize_t got = -1;

	if (dirfd < 0)
		return -2;
	snprintf(name, sizeof(name), "%s.leaves", id->key);
	fd = cg_openat(dirfd, name, O_RDONLY);
	close(dirfd);
	if (fd < 0)
		return -2;
	l->hash = malloc(len ? len : 1);
	if (!l->hash)
		abort();
	got = len ? pread(fd, l->hash, len, 0) : 0;
	close(fd);
	l->n = size;
	l->kept = 1;
	return got == (ssize_t)len ? 0 : -2;
}

int cg_tlog_read_kept(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t size,
		      uint64_t want, struct cg_tlog_leaves *l, struct cg_err *err)
{
	struct cg_journal_reader jr;
	unsigned char leaf[CG_HASH_LEN];
	char *line = NULL;
	size_t len = 0;
	int st = 0;

	memset(l, 0, sizeof(*l));
	cg_buf_init(&l->line, CG_JOURNAL_MAX_LINE + 1);
	if (want < 1 || want > size || read_kept(h, id, size, l) < 0)
		return -2;
	if (open_reader(h, id, &jr, err) < 0)
		return -1;
	/* Every line is a record: the want-th line is record want. */
	while (!jr.missing && jr.in.lineno < want &&
	       (st = cg_jsonl_next(&jr.in, &line, &len, err)) == CG_JSONL_LINE)
		;
	if (st < 0) {
		cg_journal_reader_release(&jr);
		return -1;
	}
	if (st == CG_JSONL_LINE && jr.in.lineno == want && !jr.in.unterminated) {
		cg_merkle_leaf(line, len, leaf);
		if (!memcmp(leaf, l->hash + (want - 1) * CG_HASH_LEN, CG_HASH_LEN) &&
		    cg_buf_add(&l->line, line, len) == 0)
			st = 0;
		else
			st = -2;
	} else {
		st = -2;
	}
	snprintf(l->label, sizeof(l->label), "%s", jr.label);
	cg_journal_reader_release(&jr);
	return st;
}

void cg_tlog_leaves_release(struct cg_tlog_leaves *l)
{
	free(l->hash);
	cg_buf_release(&l->line);
	memset(l, 0, sizeof(*l));
}

int cg_tlog_extends(const struct cg_tlog_leaves *l, const struct cg_checkpoint *cp,
		    const char **why)
{
	unsigned char root[CG_HASH_LEN];

	if (cp->size > l->n) {
		*why = N_("the journal is shorter than the checkpoint: lines were removed");
		return -1;
	}
	cg_merkle_root(l->hash, cp->size, root);
	if (memcmp(root, cp->root, CG_HASH_LEN)) {
		*why = N_("the journal's first lines are not those the checkpoint signed: lines were changed");
		return -1;
	}
	return 0;
}

/* ---- the signed checkpoints of a journal ---- */

void cg_tlog_signed_release(struct cg_tlog_signed *s)
{
	free(s->note);
	json_decref(s->consistency);
	memset(s, 0, sizeof(*s));
}

/* One line of checkpoints/KEY.jsonl into *s: 0 or -1. */
static int parse_stored(const char *line, size_t len, struct cg_tlog_signed *s)
{
	char why[128];
	json_t *j = cg_jsonl_parse(line, len, why, sizeof(why));
	const char *note = json_string_value(json_object_get(j, "checkpoint"));
	const char *ts = json_string_value(json_object_get(j, "ts"));
	const char *sep, *reason;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	sep = note ? strstr(note, "\n\n") : NULL;
	if (sep && cg_checkpoint_parse(note, (size_t)(sep + 1 - note), &s->cp, &reason) == 0) {
		s->note = strdup(note);
		s->len = strlen(note);
		snprintf(s->ts, sizeof(s->ts), "%s", ts ? ts : "");
		s->consistency = json_incref(json_object_get(j, "consistency"));
		ret = s->note ? 0 : -1;
	}
	json_decref(j);
	return ret;
}

/*
 * The last whole line of the store open at fd: 0 with *s, -2 when there is
 * none, -1 with *err.  *whole is the size up to the end of the last whole
 * line (a torn tail, a checkpoint whose write was cut, lies beyond).
 */
static int read_last(int fd, const char *label, struct cg_tlog_signed *s, off_t *whole,
		     struct cg_err *err)
{
	struct stat st;
	char *text, *end, *start;
	ssize_t got;

	*whole = 0;
	if (fstat(fd, &st) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), label);
	if (st.st_size == 0)
		return -2;
	if (st.st_size > STORE_MAX)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is too big"), label);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		abort();
	got = pread(fd, text, (size_t)st.st_size, 0);
	if (got != st.st_size) {
		free(text);
		return cg_err_errno(err, CG_EXIT_SYSTEM, got < 0 ? errno : EIO,
				    _("cannot read '%s'"), label);
	}
	end = memrchr(text, '\n', (size_t)got);
	if (!end) {
		free(text);
		return -2;
	}
	*whole = end + 1 - text;
	*end = '\0';
	start = memrchr(text, '\n', (size_t)(end - text));
	start = start ? start + 1 : text;
	if (parse_stored(start, (size_t)(end - start), s) < 0) {
		free(text);
		return cg_err_set(err, CG_EXIT_DAMAGED, _("'%s': the last checkpoint is damaged"), label);
	}
	free(text);
	return 0;
}

/* checkpoints/KEY.jsonl, opened for reading and appending (create: made
 * when missing).  The descriptor, -2 when missing, or -1 with *err. */
static int open_store(const struct cg_home *h, const struct cg_tlog_id *id, int create,
		      char label[128], struct cg_err *err)
{
	int dirfd = cg_home_dir(h, "checkpoints", create, err), fd;
	char name[64];

	snprintf(name, sizeof(name), "%s.jsonl", id->key);
	snprintf(label, 128, "checkpoints/%s", name);
	if (dirfd < 0)
		return dirfd;
	fd = cg_openat(dirfd, name, O_RDWR | O_APPEND | (create ? O_CREAT : 0));
	if (fd < 0 && errno == ENOENT && !create) {
		close(dirfd);
		return -2;
	}
	if (fd < 0) {
		int e = errno;

		close(dirfd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot open '%s'"), label);
	}
	if (create && cg_fsync_dir(dirfd) < 0) {
		close(dirfd);
		close(fd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync '%s'"), "checkpoints");
	}
	close(dirfd);
	return fd;
}

int cg_tlog_last(const struct cg_home *h, const struct cg_tlog_id *id,
		 struct cg_tlog_signed *s, struct cg_err *err)
{
	char label[128];
	int fd = open_store(h, id, 0, label, err), st;
	off_t whole;

	memset(s, 0, sizeof(*s));
	if (fd < 0)
		return fd;
	/* Shared: a checkpoint being appended is read whole or not at all. */
	while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
		;
	st = read_last(fd, label, s, &whole, err);
	close(fd);
	return st;
}

/* Append one line to the store under its lock: whole, durable, or not at
 * all (a short or failed write is cut off again). */
static int append_stored(int fd, off_t whole, const char *label, const char *line,
			 size_t len, struct cg_err *err)
{
	int e;

	/* A line a crash cut short is no checkpoint anyone was shown. */
	if (ftruncate(fd, whole) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot write '%s'"), label);
	if (cg_write_all(fd, line, len) == 0 && fdatasync(fd) == 0)
		return 0;
	e = errno;
	if (ftruncate(fd, whole) == 0)
		fdatasync(fd);
	return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot write '%s'"), label);
}

/* ---- the frontier at the last checkpoint (index/tlog/KEY.json) ---- */

struct front {
	struct cg_merkle_frontier t;
	off_t end;		/* just after the last line in the tree */
	uint64_t seq;
	char chain[CG_CHAIN_HEX + 1];
};

static void front_init(struct front *f)
{
	cg_merkle_frontier_init(&f->t);
	f->end = 0;
	f->seq = 0;
	memset(f->chain, '0', CG_CHAIN_HEX);
	f->chain[CG_CHAIN_HEX] = '\0';
}

static int front_parse(struct front *f, const json_t *j)
{
	const char *chain = json_string_value(json_object_get(j, "chain"));
	const json_t *nodes = json_object_get(j, "frontier");
	json_int_t size = json_integer_value(json_object_get(j, "size"));
	json_int_t end = json_integer_value(json_object_get(j, "end"));
	size_t i = 0;

	front_init(f);
	if (!chain || strlen(chain) != CG_CHAIN_HEX || size < 0 || end < 0 ||
	    json_array_size(nodes) != (size_t)__builtin_popcountll((unsigned long long)size))
		return -1;
	f->t.size = (uint64_t)size;
	f->end = (off_t)end;
	f->seq = (uint64_t)size;
	memcpy(f->chain, chain, sizeof(f->chain));
	/* The nodes, largest subtree first. */
	for (int level = 63; level >= 0; level--) {
		const char *b;

		if (!(f->t.size >> level & 1))
			continue;
		b = json_string_value(json_array_get(nodes, i++));
		if (!b || cg_hash_unb64(b, strlen(b), f->t.node[level]) < 0)
			return -1;
	}
	return 0;
}

/* index/tlog/KEY.SUFFIX into f: 0, or -1 (missing or damaged). */
static int front_read(const struct cg_home *h, const struct cg_tlog_id *id,
		      const char *suffix, struct front *f)
{
	struct cg_err ignored;
	int dirfd = cg_home_dir(h, "index/tlog", 0, &ignored), ok = -1;
	char name[64], *text = NULL;
	size_t len;

	front_init(f);
	if (dirfd < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.%s", id->key, suffix);
	if (cg_read_file(dirfd, name, FRONTIER_MAX, &text, &len, name, &ignored) == 0) {
		json_t *j = json_loadb(text, len, 0, NULL);

		ok = j ? front_parse(f, j) : -1;
		json_decref(j);
		free(text);
	}
	close(dirfd);
	if (ok < 0)
		front_init(f);
	return ok;
}

/* The frontier stored for id if it is that of checkpoint cp: 0, else -1
 * (missing, damaged or another: it is rebuilt). */
static int front_load(const struct cg_home *h, const struct cg_tlog_id *id,
		      const struct cg_checkpoint *cp, struct front *f)
{
	unsigned char root[CG_HASH_LEN];
	int ok = front_read(h, id, "json", f);

	if (ok == 0) {
		cg_merkle_frontier_root(&f->t, root);
		if (f->t.size != cp->size || memcmp(root, cp->root, CG_HASH_LEN))
			ok = -1;
	}
	if (ok < 0)
		front_init(f);
	return ok;
}

/*
 * Replace dirfd/name with text by a rename, without waiting for the disk:
 * the file is derived, and one that a crash left empty or half written
 * does not parse and is rebuilt.  The checkpoint's own append is what is
 * made durable.
 */
static void write_derived(int dirfd, const char *name, const char *text)
{
	char tmp[80];
	int fd, ok;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return;
	ok = cg_write_all(fd, text, strlen(text)) == 0;
	if (close(fd) < 0)
		ok = 0;
	if (!ok || renameat(dirfd, tmp, dirfd, name) < 0)
		unlinkat(dirfd, tmp, 0);
}

/* Keep the frontier for the next checkpoint.  Derived: a failure only
 * costs that checkpoint a re-read of the journal. */
static void front_save_as(const struct cg_home *h, const struct cg_tlog_id *id,
			  const struct front *f, const char *suffix)
{
	struct cg_err ignored;
	int dirfd = cg_home_dir(h, "index/tlog", 1, &ignored);
	json_t *j, *nodes = json_array();
	char name[64], b64[CG_HASH_B64], *text;

	if (dirfd < 0) {
		json_decref(nodes);
		return;
	}
	for (int level = 63; level >= 0; level--) {
		if (!(f->t.size >> level & 1))
			continue;
		cg_hash_b64(f->t.node[level], b64);
		json_array_append_new(nodes, json_string(b64));
	}
	j = json_pack("{s:s, s:I, s:I, s:s, s:o}", "journal", id->label,
		      "size", (json_int_t)f->t.size, "end", (json_int_t)f->end,
		      "chain", f->chain, "frontier", nodes);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	snprintf(name, sizeof(name), "%s.%s", id->key, suffix);
	if (text)
		write_derived(dirfd, name, text);
	free(text);
	close(dirfd);
}

static void front_save(const struct cg_home *h, const struct cg_tlog_id *id,
		       const struct front *f)
{
	front_save_as(h, id, f, "json");
}

/*
 * index/tlog/KEY.leaves: the leaf hash of every line, 32 bytes each, so
 * that prove need not read and hash the journal.  Derived: the hashes
 * read from leaf from on are written there, after the first from of the
 * file; a file with fewer, or one that cannot be written, is removed
 * (-1).  prove checks what it takes from it against the signed root.
 */
static int leaves_save(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t from,
		       const unsigned char *hashes, uint64_t n)
{
	struct cg_err ignored;
	int dirfd = cg_home_dir(h, "index/tlog", 1, &ignored), fd, ok;
	off_t at = (off_t)(from * CG_HASH_LEN);
	size_t len = (size_t)n * CG_HASH_LEN;
	char name[64];
	struct stat st;

	if (dirfd < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.leaves", id->key);
	fd = cg_openat(dirfd, name, O_RDWR | O_CREAT);
	ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= at && ftruncate(fd, at) == 0 &&
		(len == 0 || pwrite(fd, hashes, len, at) == (ssize_t)len);
	if (fd >= 0)
		close(fd);
	if (!ok)
		unlinkat(dirfd, name, 0);
	close(dirfd);
	return ok ? 0 : -1;
}

/*
 * Put jr at f's place in a plain journal file: 0, or -1 when it cannot be
 * (compressed, shorter than f, or its line there no longer has the chain
 * f has: the caller reads from the start).  The chain of a line commits to
 * every line before it, so that one look at the line ending at f->end
 * tells a journal rewritten before it, chain recomputed or not.
 */
static int seek_to(struct cg_journal_reader *jr, const struct front *f)
{
	char tail[CG_CHAIN_HEX + 3];
	struct stat st;

	if (f->t.size == 0)
		return 0;
	if (jr->missing || jr->in.gz || fstat(jr->in.fd, &st) < 0 || st.st_size < f->end ||
	    f->end < (off_t)sizeof(tail) ||
	    pread(jr->in.fd, tail, sizeof(tail), f->end - (off_t)sizeof(tail)) != (ssize_t)sizeof(tail) ||
	    memcmp(tail, f->chain, CG_CHAIN_HEX) || memcmp(tail + CG_CHAIN_HEX, "\"}\n", 3) ||
	    lseek(jr->in.fd, f->end, SEEK_SET) < 0)
		return -1;
	jr->in.lineno = (unsigned long)f->seq;
	jr->seq = f->seq;
	memcpy(jr->chain, f->chain, sizeof(jr->chain));
	return 0;
}

static int not_extended(const struct cg_tlog_id *id, const struct cg_checkpoint *cp,
			const char *why, struct cg_err *err)
{
	return cg_err_set(err, CG_EXIT_DAMAGED,
			  _("%s no longer extends the checkpoint signed at size %llu: %s; nothing signed"),
			  id->label, (unsigned long long)cp->size, _(why));
}

/*
 * What a new checkpoint needs to prove itself consistent with the last
 * one (of size m): the frontier at m, and the leaves read after it.
 */
struct growth {
	struct cg_merkle_frontier at;
	int have_at;
	uint64_t from;		/* the index of fresh[0]: where reading began */
	unsigned char *fresh;	/* every leaf read */
	uint64_t nfresh, alloc;
	uint64_t grown;		/* of them, those in the tree already (the
				 * head's, taken from KEY.leaves) */
};

static void growth_reset(struct growth *g)
{
	free(g->fresh);
	memset(g, 0, sizeof(*g));
}

static void growth_add(struct growth *g, const unsigned char leaf[CG_HASH_LEN])
{
	if (g->nfresh == g->alloc) {
		g->alloc = g->alloc ? g->alloc * 2 : 1024;
		g->fresh = realloc(g->fresh, g->alloc * CG_HASH_LEN);
		if (!g->fresh)
			abort();
	}
	memcpy(g->fresh + g->nfresh++ * CG_HASH_LEN, leaf, CG_HASH_LEN);
}

/*
 * The leaves read from g->fresh[*next] on into f's tree; -1 with *err when
 * the tree reaches cp's size with another root.
 */
static int grow_tree(const struct cg_tlog_id *id, struct front *f, struct growth *g,
		     uint64_t *next, const struct cg_checkpoint *cp, struct cg_err *err)
{
	unsigned char root[CG_HASH_LEN];

	for (; *next < g->nfresh; (*next)++) {
		cg_merkle_frontier_add(&f->t, g->fresh + *next * CG_HASH_LEN);
		if (f->t.size != cp->size)
			continue;
		cg_merkle_frontier_root(&f->t, root);
		if (memcmp(root, cp->root, CG_HASH_LEN))
			return not_extended(id, cp, N_("the journal's first lines are not those the checkpoint signed: lines were changed"), err);
		g->at = f->t;
		g->have_at = 1;
	}
	return 0;
}

/*
 * The leaves of the lines read, hashed beside the reading: the reader
 * verifies each line's chain (a hash of the line too) while a second
 * thread hashes the leaves of the lines before, so that a checkpoint of a
 * day from nothing takes one pass of the two cores instead of two of one.
 * The lines are handed over as copies, so that the leaves are those of
 * the very bytes whose chain was verified.
 */
#define HASH_BATCH (1 << 20)		/* bytes of lines handed over at a time */
#define HASH_THREAD_MIN (8 << 20)	/* less to read than this: no thread */

struct leaf_batch {
	char *text;		/* the lines, back to back */
	size_t len, cap;
	size_t *lens;
	size_t n, ncap;
};

struct hasher {
	struct growth *g;	/* written by the thread, when there is one */
	/* The tree grown from the leaves as they come, in the same thread
	 * (f->t only; the reader keeps the rest of f): */
	struct front *f;
	const struct cg_tlog_id *id;
	const struct cg_checkpoint *cp;
	uint64_t next;		/* the first leaf of g not in f->t yet */
	int failed;		/* the tree met cp with another root: err */
	struct cg_err err;
	struct leaf_batch b[2];
	int full[2];		/* handed over, not hashed yet */
	int cur;		/* the batch being filled */
	int threaded, done;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void batch_hash(struct hasher *h, struct leaf_batch *b)
{
	unsigned char leaf[CG_HASH_LEN];
	const char *p = b->text;

	for (size_t i = 0; i < b->n; i++) {
		cg_merkle_leaf(p, b->lens[i], leaf);
		growth_add(h->g, leaf);
		p += b->lens[i];
	}
	b->len = b->n = 0;
	/* Here rather than after the reading: the node hashes are a tenth
	 * of a checkpoint from nothing, done beside the chain's. */
	if (!h->failed && grow_tree(h->id, h->f, h->g, &h->next, h->cp, &h->err) < 0)
		h->failed = 1;
}

/* The thread: the batches in the order they are handed over. */
static void *hasher_run(void *arg)
{
	struct hasher *h = arg;
	int k = 0;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->full[k] && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->full[k])
			break;
		pthread_mutex_unlock(&h->mu);
		batch_hash(h, &h->b[k]);
		pthread_mutex_lock(&h->mu);
		h->full[k] = 0;
		pthread_cond_broadcast(&h->cv);
		k ^= 1;
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void hasher_start(struct hasher *h, struct growth *g, struct front *f,
			 const struct cg_tlog_id *id, const struct cg_checkpoint *cp,
			 int threaded)
{
	memset(h, 0, sizeof(*h));
	h->g = g;
	h->f = f;
	h->id = id;
	h->cp = cp;
	h->next = g->grown;
	h->err = (struct cg_err)CG_ERR_INIT;
	if (!threaded)
		return;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	/* Without a thread, the same work is done in this one. */
	h->threaded = pthread_create(&h->th, NULL, hasher_run, h) == 0;
	if (!h->threaded) {
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
	}
}

/* Hand the batch being filled over, and wait for the other to be free. */
static void hasher_flush(struct hasher *h)
{
	if (!h->b[h->cur].n)
		return;
	if (!h->threaded) {
		batch_hash(h, &h->b[h->cur]);
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->full[h->cur] = 1;
	pthread_cond_broadcast(&h->cv);
	h->cur ^= 1;
	while (h->full[h->cur])
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

static void hasher_put(struct hasher *h, const char *line, size_t len)
{
	struct leaf_batch *b = &h->b[h->cur];

	if (b->len + len > b->cap) {
		b->cap = b->len + len > 2 * b->cap ? b->len + len : 2 * b->cap;
		if (!(b->text = realloc(b->text, b->cap)))
			abort();
	}
	if (b->n == b->ncap) {
		b->ncap = b->ncap ? 2 * b->ncap : 4096;
		if (!(b->lens = realloc(b->lens, b->ncap * sizeof(*b->lens))))
			abort();
	}
	memcpy(b->text + b->len, line, len);
	b->len += len;
	b->lens[b->n++] = len;
	if (b->len >= HASH_BATCH)
		hasher_flush(h);
}

/* Every leaf in g once this returns. */
static void hasher_end(struct hasher *h)
{
	hasher_flush(h);
	if (h->threaded) {
		pthread_mutex_lock(&h->mu);
		h->done = 1;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->th, NULL);
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
	}
	for (int i = 0; i < 2; i++) {
		free(h->b[i].text);
		free(h->b[i].lens);
	}
}

/* Whether what is left to read of jr is worth a second thread. */
static int worth_a_thread(const struct cg_journal_reader *jr, const struct front *f)
{
	struct stat st;

	return !jr->missing && !jr->in.gz && fstat(jr->in.fd, &st) == 0 &&
		st.st_size - f->end >= HASH_THREAD_MIN;
}

/*
 * Bring f up to the journal's end.  When f is empty but cp (the last
 * signed checkpoint) is not, the journal is read from its start and its
 * first cp->size lines must give cp->root.
 */
static int extend(const struct cg_home *h, const struct cg_tlog_id *id, struct front *f,
		  struct growth *g, const struct cg_checkpoint *cp, struct cg_err *err)
{
	struct cg_journal_reader jr;
	struct hasher hs;
	int st;

	if (open_reader(h, id, &jr, err) < 0)
		return -1;
	if (jr.missing && cp->size == 0) {
		cg_journal_reader_release(&jr);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("no journal '%s'"), id->label);
	}
	if (seek_to(&jr, f) < 0) {
		front_init(f);	/* compressed since, or cut: from the start */
		growth_reset(g);
	}
	if (!g->grown) {
		g->from = f->t.size;
		if (cp->size > 0 && f->t.size == cp->size) {
			g->at = f->t;
			g->have_at = 1;
		}
	}
	hasher_start(&hs, g, f, id, cp, worth_a_thread(&jr, f));
	while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0) {
		hasher_put(&hs, jr.line, jr.len);
		f->end += (off_t)jr.len + 1;
		f->seq = jr.seq;
		memcpy(f->chain, jr.chain, sizeof(f->chain));
	}
	hasher_end(&hs);
	cg_journal_reader_release(&jr);
	if (st == 0 && hs.failed) {
		*err = hs.err;
		st = -1;
	}
	if (st == 0 && f->t.size < cp->size)
		st = not_extended(id, cp, N_("the journal is shorter than the checkpoint: lines were removed"), err);
	return st < 0 ? -1 : 0;
}

/* {"old":M,"proof":[BASE64...]}: the new tree of f extends the last. */
static json_t *consistency_json(const struct front *f, const struct growth *g)
{
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
	char b64[CG_HASH_B64];
	json_t *hashes;
	size_t n;

	if (!g->have_at ||
	    cg_merkle_consistency_frontier(&g->at, g->fresh + (g->at.size - g->from) * CG_HASH_LEN,
					   f->t.size, proof, &n) < 0)
		return NULL;
	hashes = json_array();
	for (size_t i = 0; i < n; i++) {
		cg_hash_b64(proof[i], b64);
		json_array_append_new(hashes, json_string(b64));
	}
	return json_pack("{s:I, s:o}", "old", (json_int_t)g->at.size, "proof", hashes);
}

/* Sign the checkpoint of f for id and append it to the store at fd. */
static int sign_new(const struct cg_tlog_id *id, const struct cg_note_key *key,
		    cg_time_t now, const struct front *f, json_t *consistency, int fd,
		    off_t whole, const char *label, struct cg_tlog_signed *out,
		    struct cg_err *err)
{
	struct cg_buf text = CG_BUF_INIT(4096), note = CG_BUF_INIT(8192);
	char b64[CG_HASH_B64], *line;
	json_t *j;
	size_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	out->consistency = consistency;	/* owned from here on */
	cg_tlog_origin(id, key->name, out->cp.origin);
	out->cp.size = f->t.size;
	cg_merkle_frontier_root(&f->t, out->cp.root);
	cg_time_format(now, out->ts);
	if (cg_checkpoint_text(&out->cp, &text) < 0 ||
	    cg_note_sign(key, text.buf, text.len, &note) < 0) {
		cg_buf_release(&text);
		cg_buf_release(&note);
		cg_tlog_signed_release(out);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot sign the checkpoint of '%s'"),
				  id->label);
	}
	cg_hash_b64(out->cp.root, b64);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "ts", out->ts, "journal", id->label,
		      "origin", out->cp.origin, "size", (json_int_t)out->cp.size,
		      "root", b64, "checkpoint", note.buf);
	if (consistency)
		json_object_set(j, "consistency", consistency);
	line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(j);
	cg_buf_release(&text);
	/* One line: the newline goes with it, in the same write. */
	if (!line || !(line = realloc(line, (n = strlen(line)) + 2)))
		abort();
	line[n] = '\n';
	line[n + 1] = '\0';
	ret = append_stored(fd, whole, label, line, n + 1, err);
	free(line);
	out->note = cg_buf_detach(&note, &out->len);
	if (ret < 0)
		cg_tlog_signed_release(out);
	return ret;
}

/*
 * The tree kept current by the appends (cg_tlog_appended): the head, the
 * frontier of the journal as last appended (index/tlog/KEY.head.json),
 * and the leaves after the last checkpoint's, in KEY.leaves.
 */

/* Whether index/tlog/KEY.head.json is there. */
static int head_held(const struct cg_home *h, const struct cg_tlog_id *id)
{
	struct front head;

	return front_read(h, id, "head.json", &head) == 0;
}

/* How many leaves KEY.leaves holds (0 when it is missing). */
static uint64_t leaves_held(const struct cg_home *h, const struct cg_tlog_id *id)
{
	struct cg_err ignored;
	int dirfd = cg_home_dir(h, "index/tlog", 0, &ignored);
	char name[64];
	struct stat st;
	uint64_t n = 0;

	if (dirfd < 0)
		return 0;
	snprintf(name, sizeof(name), "%s.leaves", id->key);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		n = (uint64_t)st.st_size / CG_HASH_LEN;
	close(dirfd);
	return n;
}

/* Leaves [from, to) of KEY.leaves into a malloc'd *out: 0, or -1. */
static int leaves_read(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t from,
		       uint64_t to, unsigned char **out)
{
	struct cg_err ignored;
	int dirfd = cg_home_dir(h, "index/tlog", 0, &ignored), fd;
	size_t len = (size_t)(to - from) * CG_HASH_LEN;
	char name[64];
	ssize_t got = -1;

	*out = NULL;
	if (dirfd < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.leaves", id->key);
	fd = cg_openat(dirfd, name, O_RDONLY);
	close(dirfd);
	if (fd < 0)
		return -1;
	*out = malloc(len ? len : 1);
	if (!*out)
		abort();
	got = pread(fd, *out, len, (off_t)(from * CG_HASH_LEN));
	close(fd);
	if (got == (ssize_t)len)
		return 0;
	free(*out);
	*out = NULL;
	return -1;
}

/*
 * From f, the frontier at the last checkpoint, to the head, without
 * reading the journal: the head's leaves after f's, added to f, must give
 * the head's root.  Then f is the head and g holds those leaves (grown).
 * 0, or -1 when there is no head ahead of f that agrees (f and g are as
 * they were: the journal is read).  The head's place in the journal is
 * checked by extend(), as f's always was.
 */
static int fast_forward(const struct cg_home *h, const struct cg_tlog_id *id, struct front *f,
			struct growth *g)
{
	unsigned char *leaves, a[CG_HASH_LEN], b[CG_HASH_LEN];
	struct cg_merkle_frontier t = f->t;
	struct front head;
	uint64_t k;

	if (front_read(h, id, "head.json", &head) < 0 || head.t.size <= f->t.size ||
	    leaves_read(h, id, f->t.size, head.t.size, &leaves) < 0)
		return -1;
	k = head.t.size - f->t.size;
	for (uint64_t i = 0; i < k; i++)
		cg_merkle_frontier_add(&t, leaves + i * CG_HASH_LEN);
	cg_merkle_frontier_root(&t, a);
	cg_merkle_frontier_root(&head.t, b);
	if (memcmp(a, b, CG_HASH_LEN)) {
		free(leaves);
		return -1;
	}
	g->at = f->t;
	g->have_at = f->t.size > 0;
	g->from = f->t.size;
	g->fresh = leaves;
	g->nfresh = g->alloc = g->grown = k;
	*f = head;
	return 0;
}

/* After a checkpoint: keep the leaves read and the head, unless the head
 * was taken as it was and nothing more read (an append may be moving it
 * on this very moment, under the journal's lock, not ours). */
static void keep_after(const struct cg_home *h, const struct cg_tlog_id *id,
		       const struct front *f, const struct growth *g)
{
	if (g->grown && g->nfresh == g->grown)
		return;
	if (leaves_save(h, id, g->from, g->fresh, g->nfresh) == 0)
		front_save_as(h, id, f, "head.json");
}

void cg_tlog_appended(const struct cg_home *h, const char *stream, const char *day,
		      const struct cg_journal_pos *from, const struct cg_journal_pos *to,
		      const char *lines, size_t len)
{
	struct cg_err ignored;
	struct cg_tlog_id id;
	struct front head;
	unsigned char *leaves;
	const char *p = lines, *end = lines + len;
	uint64_t n = to->seq - from->seq, i = 0;
	int dirfd, fd, ok;
	char name[64];
	struct stat st;

	set_id(&id, stream, day && *day ? day : NULL);
	/* Only a head that stands where this commit began is moved on. */
	if (front_read(h, &id, "head.json", &head) < 0 || head.end != from->end ||
	    head.t.size != from->seq || memcmp(head.chain, from->chain, CG_CHAIN_HEX) ||
	    (dirfd = cg_home_dir(h, "index/tlog", 0, &ignored)) < 0)
		return;
	leaves = malloc(n ? n * CG_HASH_LEN : 1);
	if (!leaves)
		abort();
	for (; p < end && i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;
		cg_merkle_leaf(p, (size_t)(nl - p), leaves + i * CG_HASH_LEN);
		cg_merkle_frontier_add(&head.t, leaves + i * CG_HASH_LEN);
		p = nl + 1;
	}
	snprintf(name, sizeof(name), "%s.leaves", id.key);
	fd = cg_openat(dirfd, name, O_WRONLY);
	/* The leaves first, then the head that counts them. */
	ok = i == n && p == end && fd >= 0 && fstat(fd, &st) == 0 &&
		st.st_size == (off_t)(from->seq * CG_HASH_LEN) &&
		pwrite(fd, leaves, n * CG_HASH_LEN, st.st_size) == (ssize_t)(n * CG_HASH_LEN);
	if (fd >= 0)
		close(fd);
	head.end = to->end;
	head.seq = to->seq;
	memcpy(head.chain, to->chain, sizeof(head.chain));
	if (ok) {
		front_save_as(h, &id, &head, "head.json");
	} else {
		/* Out of step: gone; the next checkpoint makes it again. */
		snprintf(name, sizeof(name), "%s.head.json", id.key);
		unlinkat(dirfd, name, 0);
	}
	close(dirfd);
	free(leaves);
}

static int lock_store(int fd, const char *label, struct cg_err *err)
{
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot lock '%s'"), label);
	return 0;
}

int cg_tlog_checkpoint(const struct cg_home *h, const struct cg_tlog_id *id,
		       const struct cg_note_key *key, cg_time_t now,
		       struct cg_tlog_signed *out, int *fresh, struct cg_err *err)
{
	struct cg_tlog_signed last;
	struct growth g;
	struct front f;
	char label[128];
	off_t whole = 0;
	int fd, st, have_front;

	*fresh = 0;
	memset(out, 0, sizeof(*out));
	fd = open_store(h, id, 0, label, err);
	if (fd == -2) {
		char gz[80];

		/* No store is made for a journal that is not there. */
		snprintf(gz, sizeof(gz), "%s.gz", id->label);
		if (!exists(h, id->label) && !exists(h, gz))
			return cg_err_set(err, CG_EXIT_SYSTEM, _("no journal '%s'"), id->label);
		fd = open_store(h, id, 1, label, err);
	}
	if (fd < 0)
		return -1;
	/* One signer at a time per journal: the last checkpoint stays the
	 * last until the new one is written. */
	if (lock_store(fd, label, err) < 0 ||
	    ((st = read_last(fd, label, &last, &whole, err)) < 0 && st != -2)) {
		close(fd);
		return -1;
	}
	if (st == -2)
		memset(&last, 0, sizeof(last));
	have_front = front_load(h, id, &last.cp, &f) == 0;
	/* Without the leaves before the frontier, KEY.leaves cannot be
	 * continued: read from the start once, and keep them all. */
	if (have_front && leaves_held(h, id) < f.t.size) {
		front_init(&f);
		have_front = 0;
	}
	memset(&g, 0, sizeof(g));
	/* The head the appends kept: no line read but those after it. */
	if (have_front && last.note)
		fast_forward(h, id, &f, &g);
	if (extend(h, id, &f, &g, &last.cp, err) < 0) {
		st = -1;
	} else if (last.note && f.t.size == last.cp.size) {
		*out = last;
		memset(&last, 0, sizeof(last));
		if (!have_front) {
			front_save(h, id, &f);
			keep_after(h, id, &f, &g);
		} else if (!g.nfresh && !head_held(h, id) && leaves_held(h, id) == f.t.size) {
			/* Nothing new: the head the appends are to keep. */
			front_save_as(h, id, &f, "head.json");
		}
		st = 0;
	} else {
		st = sign_new(id, key, now, &f, consistency_json(&f, &g), fd, whole, label,
			      out, err);
		if (st == 0) {
			*fresh = 1;
			front_save(h, id, &f);
			keep_after(h, id, &f, &g);
		}
	}
	cg_tlog_signed_release(&last);
	free(g.fresh);
	close(fd);
	return st;
}
