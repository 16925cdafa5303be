/*
 * The checkpoint stream: every checkpoint the compound signed of its
 * journals (checkpoints/KEY.jsonl, see store/tlog.h), sent once each with
 * the records, so that the city holds what the compound has shown.
 *
 * Its cursor is {"seq":N,"files":{"KEY":LINES,...}}: the lines of each
 * store acknowledged (N in all).  A checkpoint's rid is
 * CODE/checkpoint/KEY/LINE: a store is append-only and a checkpoint once
 * signed keeps its line.  The record sent is the stored line with the
 * consistency proof flattened, "old" (0 for the first) and "proof" (the
 * hashes), so that a table keeps it in plain columns.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/rid.h"
#include "sync/sync-batch.h"

#define STORE_MAX (256 * 1024 * 1024)	/* as store/tlog.c */

json_t *cg_sync_checkpoint_cursor(void)
{
	return json_pack("{s:I, s:{}}", "seq", (json_int_t)0, "files");
}

int cg_sync_checkpoint_cursor_ok(const json_t *c)
{
	const json_t *files = json_object_get(c, "files"), *v;
	const char *k;

	if (!json_is_integer(json_object_get(c, "seq")) || !json_is_object(files))
		return 0;
	json_object_foreach((json_t *)files, k, v)
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return 0;
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stores' keys ("pass", "checkin-2026-01-25"), sorted, into *keys
 * (malloc'd strings).  0, or -1 with *err. */
static int list_stores(int dirfd, char ***keys, size_t *n, struct cg_err *err)
{
	DIR *d = fdopendir(dup(dirfd));
	struct dirent *e;
	size_t alloc = 0;

	*keys = NULL;
	*n = 0;
	if (!d)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), "checkpoints");
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len <= 6 || strcmp(e->d_name + len - 6, ".jsonl"))
			continue;
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*keys = realloc(*keys, alloc * sizeof(**keys));
			if (!*keys)
				abort();
		}
		if (!((*keys)[(*n)++] = strndup(e->d_name, len - 6)))
			abort();
	}
	closedir(d);
	qsort(*keys, *n, sizeof(**keys), by_name);
	return 0;
}

/*
 * A store read whole under its shared lock, so that a checkpoint being
 * signed (or taken back when its write failed) is not seen half way.
 * Only whole lines count: *len ends after the last newline.
 */
static int read_store(int dirfd, const char *key, char **text, size_t *len,
		      struct cg_err *err)
{
	char name[300];
	struct stat st;
	ssize_t got;
	int fd;

	snprintf(name, sizeof(name), "%s.jsonl", key);
	fd = cg_openat(dirfd, name, O_RDONLY);
	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), name);
	while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
		;
	if (fstat(fd, &st) < 0 || st.st_size > STORE_MAX) {
		close(fd);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot read 'checkpoints/%s'"), name);
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text)
		abort();
	got = pread(fd, *text, (size_t)st.st_size, 0);
	close(fd);
	if (got != st.st_size) {
		free(*text);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot read 'checkpoints/%s'"), name);
	}
	*len = (size_t)got;
	while (*len && (*text)[*len - 1] != '\n')
		(*len)--;
	return 0;
}

/* The record sent for one stored checkpoint line, into out (no newline). */
static int shape(const char *line, size_t len, const char *key, unsigned long lineno,
		 struct cg_buf *out, struct cg_err *err)
{
	char why[256];
	json_t *j = cg_jsonl_parse(line, len, why, sizeof(why)), *c, *proof;
	int ret;

	if (!json_is_object(j) || !json_is_string(json_object_get(j, "checkpoint"))) {
		json_decref(j);
		return cg_err_set(err, CG_EXIT_DAMAGED, "checkpoints/%s.jsonl:%lu: %s", key,
				  lineno, _("not a stored checkpoint"));
	}
	c = json_object_get(j, "consistency");
	proof = json_object_get(c, "proof");
	json_object_set_new(j, "old", json_integer(json_integer_value(json_object_get(c, "old"))));
	json_object_set_new(j, "proof", json_is_array(proof) ? json_incref(proof) : json_array());
	json_object_del(j, "consistency");
	cg_buf_reset(out);
	ret = cg_jsonl_dump(j, out);
	json_decref(j);
	if (ret < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	/* cg_jsonl_dump ends the line; cg_sync_add_record adds its own. */
	out->len--;
	return 0;
}

/* The lines of store key after those the cursor has, into the batches. */
static int push_store(struct cg_sync *s, int dirfd, const char *key, const char *table,
		      struct cg_err *err)
{
	json_int_t done = json_integer_value(json_object_get(s->ckpt_files, key));
	struct cg_buf rec = CG_BUF_INIT(STORE_MAX);
	char *text, *p, *end, rid[CG_RID_LEN];
	unsigned long lineno = 0;
	size_t len;
	int st = 0;

	if (read_store(dirfd, key, &text, &len, err) < 0)
		return -1;
	for (p = text, end = text + len; p < end && st == 0 && !s->stop; p++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((json_int_t)++lineno > done) {
			snprintf(rid, sizeof(rid), "%s/checkpoint/%s/%lu", s->cfg->compound_code, key,
				 lineno);
			st = shape(p, (size_t)(nl - p), key, lineno, &rec, err);
			if (st == 0)
				/* Not a journal's stream: a checkpoint names no
				 * person, so it goes as shaped above (as input
				 * records do, persons and tokens dropped). */
				st = cg_sync_add_record(s, -1, rec.buf, rec.len, rid, table, err);
			json_object_set_new(s->ckpt_files, key, json_integer((json_int_t)lineno));
			s->last_seq++;
			if (st == 0 && cg_sync_batch_full(s))
				st = cg_sync_flush_batch(s, "checkpoint", err);
		}
		p = nl;
	}
	cg_buf_release(&rec);
	free(text);
	return st;
}

int cg_sync_push_checkpoints(struct cg_sync *s, struct cg_err *err)
{
	const json_t *cur = json_object_get(s->cursor, "checkpoint");
	char table[128], **keys;
	size_t n = 0;
	int dirfd = cg_home_dir(s->home, "checkpoints", 0, err), st = 0;

	if (dirfd == -2)
		return 0;	/* nothing ever signed */
	if (dirfd < 0 || list_stores(dirfd, &keys, &n, err) < 0) {
		if (dirfd >= 0)
			close(dirfd);
		return -1;
	}
	cg_sync_table_for(s, "checkpoint", table, sizeof(table));
	json_decref(s->before);
	s->before = json_deep_copy(cur);
	s->ckpt_files = json_deep_copy(json_object_get(cur, "files"));
	s->last_seq = (uint64_t)json_integer_value(json_object_get(cur, "seq"));
	for (size_t i = 0; i < n; i++) {
		if (st == 0 && !s->stop)
			st = push_store(s, dirfd, keys[i], table, err);
		free(keys[i]);
	}
	free(keys);
	close(dirfd);
	if (st == 0 && !s->stop)
		st = cg_sync_flush_batch(s, "checkpoint", err);
	if (cg_sync_pipe_drain(s, st < 0 ? NULL : err) < 0)
		st = -1;
	json_decref(s->ckpt_files);
	s->ckpt_files = NULL;
	return st;
}

int cg_sync_count_checkpoints(struct cg_sync *s, const json_t *cursor, json_int_t *n,
			      struct cg_err *err)
{
	const json_t *files = json_object_get(json_object_get(cursor, "checkpoint"), "files");
	int dirfd = cg_home_dir(s->home, "checkpoints", 0, err), st = 0;
	char **keys;
	size_t nkeys = 0;

	if (dirfd == -2)
		return 0;
	if (dirfd < 0 || list_stores(dirfd, &keys, &nkeys, err) < 0) {
		if (dirfd >= 0)
			close(dirfd);
		return -1;
	}
	for (size_t i = 0; i < nkeys; i++) {
		char *text, *p;
		size_t len;
		json_int_t lines = 0;

		if (st == 0 && (st = read_store(dirfd, keys[i], &text, &len, err)) == 0) {
			for (p = text; (p = memchr(p, '\n', (size_t)(text + len - p))); p++)
				lines++;
			lines -= json_integer_value(json_object_get(files, keys[i]));
			*n += lines > 0 ? lines : 0;
			free(text);
		}
		free(keys[i]);
	}
	free(keys);
	close(dirfd);
	return st;
}
