/* A sealed batch sent and settled: cursor, outbox, result line; the outbox a crash left. */

#include <errno.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

static int stream_index(const char *name)
{
	for (int i = 0; i < CG_SYNC_NSTREAMS; i++)
		if (!strcmp(name, cg_sync_stream_names[i]))
			return i;
	return strcmp(name, "checkpoint") ? -1 : CG_SYNC_NSTREAMS;
}

int cg_sync_print_result(struct cg_sync *s, const struct batch *b, enum outcome oc,
			 struct cg_err *err)
{
	const json_t *meta = b->meta;
	const char *result = oc == SENT ? "sent" : oc == DEAD ? "dead" : "failed";
	json_t *o = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:I, s:i, s:I, s:s}",
			      "target", s->t->name, "batch", json_object_get(meta, "batch"),
			      "stream", json_object_get(meta, "stream"),
			      "records", json_object_get(meta, "records"),
			      "bytes", json_object_get(meta, "bytes"),
			      "gzip_bytes", json_object_get(meta, "gzip_bytes"),
			      "status", (json_int_t)b->resp.status, "attempts", b->attempts,
			      "ms", (json_int_t)b->ms, "result", result);
	struct cg_buf line = CG_BUF_INIT(RESULT_LINE_MAX);
	int ret;

	s->sent += json_integer_value(json_object_get(meta, "records"));
	if (s->progress)
		s->progress(s->progress_ctx, s->sent, s->total);
	ret = cg_jsonl_dump(o, &line);
	json_decref(o);
	if (ret == 0)
		ret = cg_out_line(s->out, line.buf, line.len, err);
	cg_buf_release(&line);
	return ret;
}

/* A batch acknowledged or dead-lettered: the cursor moves past it, then the outbox goes. */
static int advance_cursor(struct cg_sync *s, const struct batch *b, const char *stream,
			  enum outcome oc, struct cg_err *err)
{
	char ts[CG_TIME_LEN];

	if (!s->use_outbox)
		return 0;
	json_object_set(s->cursor, stream, json_object_get(b->meta, "after"));
	json_object_set(s->cursor, "batches", json_object_get(b->meta, "batch"));
	if (oc == SENT) {
		cg_time_format(cg_clock_now(&s->clock), ts);
		json_object_set_new(s->cursor, "last_success", json_string(ts));
	}
	/* The next batch's outbox says that this one was taken: the cursor
	 * can wait for cg_sync_pipe_drain() (see sync.h). */
	if (oc == SENT && s->lazy_cursor) {
		s->cursor_dirty = 1;
		s->outbox_acked = 1;
		return 0;
	}
	if (cg_sync_save_cursor(s, err) < 0 || cg_sync_remove_outbox(s, err) < 0)
		return -1;
	s->cursor_dirty = s->outbox_acked = 0;
	return 0;
}

/* A batch not delivered: the exit status, whether the push goes on, the message. */
static void not_delivered(struct cg_sync *s, const struct batch *b, enum outcome oc)
{
	long long batch = (long long)json_integer_value(json_object_get(b->meta, "batch"));

	s->status = CG_EXIT_UPSTREAM;
	if (oc == FAILED || !s->keep_going)
		s->stop = 1;
	if (oc == DEAD)
		cg_notify(&s->notify, CG_MSG_ERROR, _("batch %lld refused (%s); kept in 'sync/%s/dead'"),
			  batch, b->why, s->t->name);
	else
		cg_notify(&s->notify, CG_MSG_ERROR,
			  _("batch %lld not delivered: %s; it stays in the outbox"), batch, b->why);
}

/*
 * Send a batch whose outbox is on disk (meta, payload) and settle it:
 * cursor, outbox, result line.  Returns 0 (look at s->stop) or -1.
 */
int cg_sync_settle(struct cg_sync *s, json_t *meta, const char *payload, size_t len,
		   const char *body, size_t body_len, struct cg_err *err)
{
	struct batch b;
	const char *stream = json_string_value(json_object_get(meta, "stream"));
	enum outcome oc;
	int ret;

	cg_sync_batch_init(&b, meta, payload, len, body, body_len);
	oc = cg_sync_deliver(s, &b, stream, err);
	if ((oc == FAILED && !b.attempts) ||
	    (oc == DEAD && cg_sync_write_dead(s, &b, err) < 0) ||
	    (oc != FAILED && advance_cursor(s, &b, stream, oc, err) < 0)) {
		ret = -1;
	} else {
		if (oc != SENT)
			not_delivered(s, &b, oc);
		ret = cg_sync_print_result(s, &b, oc, err);
	}
	cg_sync_batch_release(&b);
	return ret;
}

/*
 * Whether the outbox is a batch sealed after batches whose cursor was not
 * written yet (a run ended by a crash within a stream, see sync.h): its
 * number more than one past the cursor's, its "before" a cursor of the
 * same shape.
 */
static int outbox_ahead(const struct cg_sync *s, const json_t *meta)
{
	const json_t *before = json_object_get(meta, "before");
	json_int_t batch = json_integer_value(json_object_get(meta, "batch"));

	return batch - 1 > json_integer_value(json_object_get(s->cursor, "batches")) &&
	       json_is_object(before) && json_is_integer(json_object_get(before, "seq"));
}

/* Move the cursor to where the outbox's batch begins and write it.  1 (the
 * outbox is still to be sent) or -1 with *err. */
static int catch_up(struct cg_sync *s, const json_t *meta, const char *stream,
		    struct cg_err *err)
{
	json_object_set(s->cursor, stream, json_object_get(meta, "before"));
	json_object_set_new(s->cursor, "batches", json_integer(
		json_integer_value(json_object_get(meta, "batch")) - 1));
	return cg_sync_save_cursor(s, err) < 0 ? -1 : 1;
}

/*
 * Whether the outbox's batch is still to be sent: 1; 0 when the cursor
 * shows it was acknowledged before a crash (only the unlink was missing:
 * the outbox goes now); -1 with *err when it is in another format or
 * does not follow the cursor.
 */
static int outbox_pending(struct cg_sync *s, const json_t *meta, struct cg_err *err)
{
	const char *stream = json_string_value(json_object_get(meta, "stream"));
	const json_t *cur;

	if (stream_index(stream ? stream : "") < 0 ||
	    strcmp(json_string_value(json_object_get(meta, "format")),
		   cg_sync_format_name(s->t->format)))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("the outbox of '%s' holds a batch in another format; push it with that format first"),
				  s->t->name);
	cur = json_object_get(s->cursor, stream);
	if (s->cursor && json_equal(cur, json_object_get(meta, "after")))
		return cg_sync_remove_outbox(s, err);
	if (s->cursor && !json_equal(cur, json_object_get(meta, "before"))) {
		if (outbox_ahead(s, meta))
			return catch_up(s, meta, stream, err);
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("the outbox of '%s' does not follow its cursor"), s->t->name);
	}
	return 1;
}

static int unpack_outbox(struct cg_sync *s, const json_t *meta, const char *payload, size_t len,
			 struct cg_buf *body, struct cg_err *err)
{
	int st = cg_sync_unpack(meta, payload, len, body, err);

	if (st == -2)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read 'sync/%s/%s'"),
				    s->t->name, OUTBOX);
	return st;
}

/* --dry-run: print what the next push sends first, and go on as if it had gone. */
static int show_outbox(struct cg_sync *s, json_t *meta, const char *payload, size_t len,
		       struct cg_err *err)
{
	struct cg_buf body = CG_BUF_INIT(BATCH_MAX);
	int st = unpack_outbox(s, meta, payload, len, &body, err);

	if (st == 0 && body.len)
		st = cg_out_line(s->out, body.buf, body.len, err);
	cg_buf_release(&body);
	json_object_set(s->cursor, json_string_value(json_object_get(meta, "stream")),
			json_object_get(meta, "after"));
	return st;
}

/* Send the outbox's batch again, byte for byte; _bulk's answer is matched
 * against the plain body. */
static int resend_outbox(struct cg_sync *s, json_t *meta, const char *payload, size_t len,
			 struct cg_err *err)
{
	struct cg_buf body = CG_BUF_INIT(BATCH_MAX);
	int st = 0;

	if (s->t->format == CG_SYNC_ES_BULK)
		st = unpack_outbox(s, meta, payload, len, &body, err);
	if (st == 0)
		st = cg_sync_settle(s, meta, payload, len, body.buf, body.len, err);
	cg_buf_release(&body);
	return st;
}

int cg_sync_recover_outbox(struct cg_sync *s, struct cg_err *err)
{
	json_t *meta;
	size_t off;
	int st = cg_sync_read_outbox(s, &meta, &off, err);

	if (st == -2)
		return 0;
	if (st < 0)
		return -1;
	st = outbox_pending(s, meta, err);
	if (st > 0 && s->dry_run)
		st = show_outbox(s, meta, s->file.buf + off, s->file.len - off, err);
	else if (st > 0)
		st = resend_outbox(s, meta, s->file.buf + off, s->file.len - off, err);
	json_decref(meta);
	return st;
}
