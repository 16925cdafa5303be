/* The state of a target on disk: its cursor and its outbox. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

/* ---- cursor ---- */

json_t *cg_sync_fresh_cursor(const char *target)
{
	return json_pack("{s:s, s:I, s:n, s:{s:s, s:I, s:{}}, s:{s:I}, s:{s:I}, s:{s:I}}",
			 "target", target, "batches", (json_int_t)0, "last_success",
			 "checkin", "file", "", "seq", (json_int_t)0, "days",
			 "pass", "seq", (json_int_t)0, "quarantine", "seq", (json_int_t)0,
			 "duty", "seq", (json_int_t)0);
}

/* Each entry of a check-in cursor's "days": {"seq":N,"bytes":N,"mtime_ns":N,"gz":B}. */
static int days_valid(const json_t *days)
{
	const char *day;
	json_t *e;
	int y, m, d;

	if (!days)
		return 1;
	if (!json_is_object(days))
		return 0;
	json_object_foreach((json_t *)days, day, e)
		if (cg_date_parse(day, &y, &m, &d) < 0 ||
		    !json_is_integer(json_object_get(e, "seq")) ||
		    !json_is_integer(json_object_get(e, "bytes")) ||
		    !json_is_integer(json_object_get(e, "mtime_ns")) ||
		    !json_is_boolean(json_object_get(e, "gz")))
			return 0;
	return 1;
}

static int cursor_valid(const json_t *c)
{
	const json_t *ci = json_object_get(c, "checkin");
	const char *file = json_string_value(json_object_get(ci, "file"));
	int y, m, d;

	if (!json_is_object(c) || !json_is_integer(json_object_get(c, "batches")) ||
	    !file || (*file && cg_date_parse(file, &y, &m, &d) < 0) ||
	    !days_valid(json_object_get(ci, "days")))
		return 0;
	for (int i = 0; i < CG_SYNC_NSTREAMS; i++) {
		const json_t *seq = json_object_get(json_object_get(c, cg_sync_stream_names[i]),
						    "seq");

		if (!json_is_integer(seq) || json_integer_value(seq) < 0)
			return 0;
	}
	return 1;
}

int cg_sync_open_dir(struct cg_sync *s, struct cg_err *err)
{
	char rel[96];

	if (s->dirfd >= 0)
		return 0;
	snprintf(rel, sizeof(rel), "sync/%s", s->t->name);
	/* --dry-run writes nothing: a target never pushed has no folder,
	 * and then no cursor and no outbox (dirfd stays -1). */
	s->dirfd = cg_home_dir(s->home, rel, !s->dry_run, err);
	if (s->dirfd == -2)
		s->dirfd = -1;
	else if (s->dirfd < 0)
		return -1;
	return 0;
}

/* 0 loaded, -2 missing, -1 error (corrupt included). */
int cg_sync_load_cursor(struct cg_sync *s, json_t **out, struct cg_err *err)
{
	char *text = NULL, label[128];
	size_t len;
	json_error_t jerr;
	int st;

	*out = NULL;
	if (s->dirfd < 0)
		return -2;
	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, CURSOR);
	st = cg_read_file(s->dirfd, CURSOR, META_MAX, &text, &len, label, err);
	if (st < 0)
		return st;
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	/* A cursor from before the duty stream: the duty journal from its
	 * first record (it was never sent). */
	if (json_is_object(*out) && !json_object_get(*out, "duty"))
		json_object_set_new(*out, "duty", json_pack("{s:I}", "seq", (json_int_t)0));
	if (!*out || !cursor_valid(*out)) {
		json_decref(*out);
		*out = NULL;
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("'%s' is empty or corrupt; nothing was sent (use --from-start to send everything again, the upstream drops repeats by rid)"),
				  label);
	}
	return 0;
}

int cg_sync_save_cursor(struct cg_sync *s, struct cg_err *err)
{
	char *text = json_dumps(s->cursor, JSON_COMPACT);
	char label[128];
	int ret;

	if (!text)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, CURSOR);
	ret = cg_replace_file(s->dirfd, CURSOR, text, strlen(text), label, err);
	free(text);
	return ret;
}

/* ---- the outbox ---- */

int cg_sync_remove_outbox(struct cg_sync *s, struct cg_err *err)
{
	/* No fsync of the directory: an unlink lost in a crash leaves an
	 * outbox whose "after" is the cursor, which the next run removes. */
	if (unlinkat(s->dirfd, OUTBOX, 0) < 0 && errno != ENOENT)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot remove 'sync/%s/%s'"),
				    s->t->name, OUTBOX);
	return 0;
}

/* Read the outbox: meta (new reference) and the payload inside s->file. */
int cg_sync_read_outbox(struct cg_sync *s, json_t **meta, size_t *off, struct cg_err *err)
{
	char *data = NULL, *nl, label[128];
	size_t len;
	json_error_t jerr;
	int st;

	if (s->dirfd < 0)
		return -2;
	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, OUTBOX);
	st = cg_read_file(s->dirfd, OUTBOX, BATCH_MAX, &data, &len, label, err);
	if (st < 0)
		return st;
	nl = memchr(data, '\n', len);
	*meta = nl ? json_loadb(data, (size_t)(nl - data), 0, &jerr) : NULL;
	if (!*meta || !json_is_string(json_object_get(*meta, "key")) ||
	    json_integer_value(json_object_get(*meta, "gzip_bytes")) !=
	    (json_int_t)(len - (size_t)(nl - data) - 1)) {
		json_decref(*meta);
		free(data);
		return cg_err_set(err, CG_EXIT_DAMAGED, _("'%s' is damaged"), label);
	}
	cg_buf_reset(&s->file);
	cg_buf_add(&s->file, data, len);
	free(data);
	*off = (size_t)(nl - data) + 1;
	return 0;
}
