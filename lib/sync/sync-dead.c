/* Dead letters: batches the upstream refused for good, kept, listed, retried, dropped. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

/* A dead letter's metadata: the batch's (META_MAX), the upstream's
 * response (BULK_RESP_MAX, JSON-escaped: twice that covers mostly-ASCII
 * answers) and the refused items of a _bulk batch. */
#define DEAD_META_MAX (META_MAX * 2 + BULK_RESP_MAX * 2)

static int dead_dir(struct cg_sync *s, int create, struct cg_err *err)
{
	char rel[96];

	snprintf(rel, sizeof(rel), "sync/%s/dead", s->t->name);
	return cg_home_dir(s->home, rel, create, err);
}

/* Write one file of dead letter id: ID.body or ID.json. */
static int write_part(struct cg_sync *s, int dfd, const char *id, const char *ext,
		      const char *data, size_t len, struct cg_err *err)
{
	char name[128], label[256];

	snprintf(name, sizeof(name), "%s.%s", id, ext);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	return cg_replace_file(dfd, name, data, len, label, err);
}

/* Of a _bulk batch only the refused items are kept: a new body with its
 * own key and counts, and the upstream's error for each item. */
static void only_refused(json_t *meta, const struct batch *b)
{
	char key[65];

	cg_sync_sha256_hex(b->dead_body.buf, b->dead_body.len, key);
	json_object_update_new(meta, json_pack("{s:s, s:I, s:I, s:s, s:I, s:O}", "key", key,
		"records", (json_int_t)json_array_size(b->dead_items),
		"bytes", (json_int_t)b->dead_body.len, "encoding", "identity",
		"gzip_bytes", (json_int_t)b->dead_body.len, "items", b->dead_items));
}

int cg_sync_write_dead(struct cg_sync *s, struct batch *b, struct cg_err *err)
{
	const struct cg_http_resp *r = &b->resp;
	char id[96], *text;
	json_t *meta;
	int dfd, ret;

	if (cg_sync_open_dir(s, err) < 0 || (dfd = dead_dir(s, 1, err)) < 0)
		return -1;
	meta = json_deep_copy(b->meta);
	snprintf(id, sizeof(id), "%08lld-%.12s",
		 (long long)json_integer_value(json_object_get(meta, "batch")),
		 json_string_value(json_object_get(meta, "key")));
	if (b->dead_items)
		only_refused(meta, b);
	/* An answer or a message that is not UTF-8 is left out. */
	json_object_update_new(meta, json_pack("{s:s, s:I, s:o*, s:o*}", "id", id,
		"status", (json_int_t)r->status,
		"response", json_stringn(r->body.buf, r->body.len),
		"error", json_string(b->why)));
	if (b->dead_items)
		ret = write_part(s, dfd, id, "body", b->dead_body.buf, b->dead_body.len, err);
	else
		ret = write_part(s, dfd, id, "body", b->payload, b->len, err);
	text = json_dumps(meta, JSON_COMPACT);
	if (ret == 0)
		ret = text ? write_part(s, dfd, id, "json", text, strlen(text), err) :
			cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	free(text);
	json_decref(meta);
	close(dfd);
	return ret;
}

/* The ids (file stems) of the dead letters, sorted. */
static json_t *dead_ids(int dfd)
{
	json_t *ids = json_array();
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return ids;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && de->d_name[0] != '.' && !strcmp(de->d_name + l - 5, ".json"))
			json_array_append_new(ids, json_stringn(de->d_name, l - 5));
	}
	closedir(d);
	/* Batch numbers are zero-padded: name order is batch order. */
	for (size_t i = 1; i < json_array_size(ids); i++)
		for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(ids, j - 1)),
						   json_string_value(json_array_get(ids, j))) > 0; j--) {
			json_t *a = json_incref(json_array_get(ids, j - 1));

			json_array_remove(ids, j - 1);
			json_array_insert_new(ids, j, a);
		}
	return ids;
}

static int read_dead(struct cg_sync *s, int dfd, const char *id, json_t **meta,
		     char **body, size_t *len, struct cg_err *err)
{
	char name[128], label[256], *text;
	size_t tl;
	json_error_t jerr;
	int st;

	*meta = NULL;
	if (body)
		*body = NULL;
	if (!cg_sync_name_ok(id))
		return cg_err_set(err, CG_EXIT_USAGE, _("invalid dead letter id '%s'"), id);
	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	st = cg_read_file(dfd, name, DEAD_META_MAX, &text, &tl, label, err);
	if (st == -2)
		return cg_err_set(err, CG_EXIT_USAGE, _("no dead letter '%s' for target '%s'"),
				  id, s->t->name);
	if (st < 0)
		return -1;
	*meta = json_loadb(text, tl, 0, &jerr);
	free(text);
	if (!*meta)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("'%s' is damaged"), label);
	if (!body)
		return 0;
	snprintf(name, sizeof(name), "%s.body", id);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	st = cg_read_file(dfd, name, BATCH_MAX, body, len, label, err);
	if (st < 0) {
		json_decref(*meta);
		*meta = NULL;
		return st == -2 ? cg_err_set(err, CG_EXIT_DAMAGED, _("'%s' is missing"), label) : -1;
	}
	return 0;
}

int cg_sync_dead_list(struct cg_sync *s, struct cg_err *err)
{
	int dfd = dead_dir(s, 0, err);
	json_t *ids, *id;
	size_t i;
	int ret = 0;

	if (dfd == -2)
		return CG_EXIT_OK;
	if (dfd < 0)
		return -1;
	ids = dead_ids(dfd);
	json_array_foreach(ids, i, id) {
		json_t *meta, *o;
		char *body;
		size_t len;
		struct cg_buf line = CG_BUF_INIT(RESULT_LINE_MAX);

		if (read_dead(s, dfd, json_string_value(id), &meta, NULL, &len, err) < 0) {
			ret = -1;
			break;
		}
		(void)body;
		o = json_pack("{s:s, s:O, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
			      "target", s->t->name, "id", id,
			      "batch", json_object_get(meta, "batch"),
			      "stream", json_object_get(meta, "stream"),
			      "records", json_object_get(meta, "records"),
			      "status", json_object_get(meta, "status"),
			      "error", json_object_get(meta, "error"),
			      "first_rid", json_object_get(meta, "first_rid"),
			      "last_rid", json_object_get(meta, "last_rid"));
		if (s->collect && json_array_append(s->collect, o) < 0)
			ret = cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
		else if (!s->collect && (ret = cg_jsonl_dump(o, &line)) == 0)
			ret = cg_out_line(s->out, line.buf, line.len, err);
		cg_buf_release(&line);
		json_decref(o);
		json_decref(meta);
		if (ret < 0)
			break;
	}
	json_decref(ids);
	close(dfd);
	return ret < 0 ? -1 : CG_EXIT_OK;
}

static int drop_one(struct cg_sync *s, int dfd, const char *id, struct cg_err *err)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.body", id);
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot remove '%s'"), name);
	snprintf(name, sizeof(name), "%s.json", id);
	if (unlinkat(dfd, name, 0) < 0)
		return errno == ENOENT ?
			cg_err_set(err, CG_EXIT_REJECTED, _("no dead letter '%s' for target '%s'"),
				   id, s->t->name) :
			cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot remove '%s'"), name);
	return cg_fsync_dir(dfd) < 0 ?
		cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync 'sync/%s/dead'"), s->t->name) : 0;
}

int cg_sync_dead_drop(struct cg_sync *s, char **ids, int n, struct cg_err *err)
{
	int dfd = dead_dir(s, 0, err);

	if (dfd == -2)
		return cg_err_set(err, CG_EXIT_REJECTED, _("no dead letter '%s' for target '%s'"),
				  ids[0], s->t->name);
	if (dfd < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (!cg_sync_name_ok(ids[i]) || drop_one(s, dfd, ids[i], err) < 0) {
			if (!cg_sync_name_ok(ids[i]))
				cg_err_set(err, CG_EXIT_USAGE, _("invalid dead letter id '%s'"), ids[i]);
			close(dfd);
			return -1;
		}
	close(dfd);
	return CG_EXIT_OK;
}

/* What follows a dead letter's new attempt: dropped once delivered, else
 * the exit status and a message; then its result line. */
static int retried(struct cg_sync *s, int dfd, const char *id, const struct batch *b,
		   enum outcome oc, struct cg_err *err)
{
	int ret = 0;

	if (oc == SENT)
		ret = drop_one(s, dfd, id, err);
	else
		s->status = CG_EXIT_UPSTREAM;
	if (oc == FAILED)
		s->stop = 1;
	if (oc != SENT)
		cg_notify(&s->notify, CG_MSG_ERROR, _("dead letter '%s' not delivered: %s"),
			  id, b->why);
	return ret == 0 ? cg_sync_print_result(s, b, oc, err) : ret;
}

/* Send dead letter id again.  0 (look at s->stop) or -1. */
static int retry_one(struct cg_sync *s, int dfd, const char *id, struct cg_err *err)
{
	struct cg_buf plain = CG_BUF_INIT(BATCH_MAX);
	struct batch b;
	json_t *meta;
	char *body;
	size_t len;
	enum outcome oc;
	int ret = 0;

	if (read_dead(s, dfd, id, &meta, &body, &len, err) < 0)
		return -1;
	/* _bulk's answer is matched against the plain body. */
	if (s->t->format == CG_SYNC_ES_BULK &&
	    (ret = cg_sync_unpack(meta, body, len, &plain, err)) == -2)
		ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read dead letter '%s'"), id);
	if (ret == 0) {
		cg_sync_batch_init(&b, meta, body, len, plain.buf, plain.len);
		oc = cg_sync_deliver(s, &b, json_string_value(json_object_get(meta, "stream")), err);
		ret = oc == FAILED && !b.attempts ? -1 : retried(s, dfd, id, &b, oc, err);
		cg_sync_batch_release(&b);
	}
	cg_buf_release(&plain);
	json_decref(meta);
	free(body);
	return ret;
}

int cg_sync_dead_retry(struct cg_sync *s, char **ids, int n, struct cg_err *err)
{
	int dfd = dead_dir(s, 0, err);
	json_t *all = NULL;
	int ret = 0;

	if (dfd == -2)
		return n ? cg_err_set(err, CG_EXIT_USAGE, _("no dead letter '%s' for target '%s'"),
				      ids[0], s->t->name) : CG_EXIT_OK;
	if (dfd < 0)
		return -1;
	if (!n)
		all = dead_ids(dfd);
	for (int i = 0; ret == 0 && !s->stop && i < (all ? (int)json_array_size(all) : n); i++)
		ret = retry_one(s, dfd, all ? json_string_value(json_array_get(all, (size_t)i)) : ids[i],
				err);
	json_decref(all);
	close(dfd);
	return ret < 0 ? -1 : s->status;
}
