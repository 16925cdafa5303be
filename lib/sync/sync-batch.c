/* A batch being made: records added, the payload gzipped, sealed into the outbox. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/rid.h"
#include "sync/sync-batch.h"

/* Take n bytes written past the end (after cg_buf_grow) into the buffer. */
static void buf_extend(struct cg_buf *b, size_t n)
{
	b->len += n;
	b->buf[b->len] = '\0';
}

/* Add one record line (with its newline) in the target's format. */
/*
 * The day of a check-in void's row: the local day of the ts of the
 * check-in it voids (an amendment keeps that ts), read from the journal
 * its rid names.  A back-filled check-in (cg-checkin --now, a register
 * typed in later) sits in the journal of the day it was registered, with
 * the ts of the day it happened; its rows are on that day, and its void
 * must be too, or a day's report would count it.  Voids are few: one
 * read of a journal each.  "" when it cannot be found (the rid's day is
 * used then).
 */
static void voided_day(const struct cg_sync *s, const char *line, size_t len,
		       char day[CG_DATE_LEN])
{
	struct cg_err ignored = CG_ERR_INIT;
	struct cg_journal_reader jr;
	json_t *rec, *orig = NULL;
	struct cg_rid rid;
	const char *of, *ts, *bad;
	char why[256];
	cg_time_t t;
	int st;

	day[0] = '\0';
	if (!memmem(line, len, "\"voids\":", 8) ||
	    !(rec = cg_jsonl_parse(line, len, why, sizeof(why))))
		return;
	of = json_string_value(json_object_get(rec, "correction_of"));
	if (json_is_string(json_object_get(rec, "voids")) && of &&
	    cg_rid_parse(of, &rid, &bad) == 0 && rid.day[0] &&
	    cg_journal_reader_open_stream(&jr, s->home, "checkin", rid.day, &ignored) == 0) {
		while ((st = cg_journal_reader_next(&jr, NULL, &ignored)) > 0 && jr.seq < rid.seq)
			;
		if (st > 0 && jr.seq == rid.seq)
			orig = cg_jsonl_parse(jr.line, jr.len, why, sizeof(why));
		cg_journal_reader_release(&jr);
	}
	ts = json_string_value(json_object_get(orig, "ts"));
	if (ts && cg_time_parse(ts, 0, &t) == 0)
		cg_day_format(cg_local_day(t, NULL), day);
	json_decref(orig);
	json_decref(rec);
}

int cg_sync_add_record(struct cg_sync *s, int stream, const char *line, size_t len,
		       const char *rid, const char *table, struct cg_err *err)
{
	struct cg_sync_shape *sh = &s->shape;
	const char *tz = s->cfg->compound_tz;

	if (!*tz)
		tz = getenv("TZ");
	sh->stream = stream;
	sh->format = s->t->format;
	sh->allow = s->t->allow;
	sh->redact_key = s->redact ? s->redact_key : NULL;
	/* ":/etc/localtime" and the like name no zone upstream. */
	sh->tz = tz && *tz != ':' ? tz : NULL;
	sh->street = s->cfg->street_code;
	sh->district = s->cfg->district_code;
	sh->keys = NULL;
	sh->void_day[0] = '\0';
	if (stream == 0)
		voided_day(s, line, len, sh->void_day);
	if (stream >= 0) {
		if (!(s->keys_ready & (1u << stream)))
			cg_sync_shape_keys(&s->shape_keys[stream], s->shape_names[stream], stream);
		s->keys_ready |= 1u << stream;
		sh->keys = &s->shape_keys[stream];
	}
	if (cg_sync_add_action(s, table, rid, err) < 0)
		return -1;
	if (cg_sync_record(&s->body, line, len, rid, s->cfg->compound_code, sh, err) < 0)
		return -1;
	if (!s->nrec++)
		snprintf(s->first_rid, sizeof(s->first_rid), "%s", rid);
	snprintf(s->last_rid, sizeof(s->last_rid), "%s", rid);
	return 0;
}

int cg_sync_batch_full(const struct cg_sync *s)
{
	return s->nrec >= s->t->batch_records || s->body.len >= s->t->batch_bytes;
}

/* Append the payload (gzip of body, or body itself) to s->file. */
static int encode_payload(struct cg_sync *s, const struct cg_buf *body, struct cg_err *err)
{
	size_t bound;
	int zr;

	if (!s->t->gzip_level)
		return cg_buf_add(&s->file, body->buf, body->len) < 0 ?
			cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory")) : 0;
	if (!s->z_ready) {
		memset(&s->z, 0, sizeof(s->z));
		if (deflateInit2(&s->z, s->t->gzip_level, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot initialise zlib"));
		s->z_ready = 1;
	} else {
		deflateReset(&s->z);
	}
	bound = deflateBound(&s->z, (uLong)body->len) + 64;
	if (cg_buf_grow(&s->file, bound) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	s->z.next_in = (Bytef *)body->buf;
	s->z.avail_in = (uInt)body->len;
	s->z.next_out = (Bytef *)s->file.buf + s->file.len;
	s->z.avail_out = (uInt)bound;
	zr = deflate(&s->z, Z_FINISH);
	if (zr != Z_STREAM_END)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("gzip failed"));
	buf_extend(&s->file, bound - s->z.avail_out);
	return 0;
}

static int gunzip(const char *data, size_t len, struct cg_buf *out, struct cg_err *err)
{
	z_stream z;
	char chunk[65536];
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot initialise zlib"));
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	while (zr != Z_STREAM_END) {
		z.next_out = (Bytef *)chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			inflateEnd(&z);
			return cg_err_set(err, CG_EXIT_DAMAGED, _("a stored batch does not decompress"));
		}
		if (cg_buf_add(out, chunk, sizeof(chunk) - z.avail_out) < 0) {
			inflateEnd(&z);
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot decompress a stored batch"));
		}
	}
	inflateEnd(&z);
	return 0;
}

/*
 * Append the body of a stored batch, as it was before any gzip (by its
 * metadata's "encoding"), to out.  0; -1 with *err when it does not
 * decompress; -2 with errno when out cannot take it.
 */
int cg_sync_unpack(const json_t *meta, const char *payload, size_t len, struct cg_buf *out,
		   struct cg_err *err)
{
	const char *enc = json_string_value(json_object_get(meta, "encoding"));

	if (enc && !strcmp(enc, "gzip"))
		return gunzip(payload, len, out, err);
	return cg_buf_add(out, payload, len) < 0 ? -2 : 0;
}

/* Where the stream's cursor goes once the batch is acknowledged (a new
 * reference); null for standard input, which has no cursor. */
static json_t *cursor_after(const struct cg_sync *s)
{
	if (!s->use_outbox)
		return json_null();
	if (s->ckpt_files)
		return json_pack("{s:I, s:O}", "seq", (json_int_t)s->last_seq,
				 "files", s->ckpt_files);
	if (s->last_day[0])
		return json_pack("{s:s, s:I, s:o*}", "file", s->last_day,
				 "seq", (json_int_t)s->last_seq, "days", json_deep_copy(s->days_read));
	return json_pack("{s:I}", "seq", (json_int_t)s->last_seq);
}

/*
 * The batch's metadata (a new reference), with s->file made its outbox:
 * the metadata on one line, then the payload, which starts at *off.
 */
static json_t *seal(struct cg_sync *s, const struct batch_job *job, size_t *off,
		    struct cg_err *err)
{
	char key[65];
	json_t *meta;
	char *text;
	size_t metalen;

	cg_sync_sha256_hex(job->body.buf, job->body.len, key);
	meta = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:O?, s:O, s:s, s:s}",
			 "batch", (json_int_t)json_integer_value(json_object_get(s->cursor, "batches")) + 1,
			 "stream", job->stream, "format", cg_sync_format_name(s->t->format),
			 "key", key, "records", (json_int_t)job->nrec,
			 "bytes", (json_int_t)job->body.len,
			 "encoding", s->t->gzip_level ? "gzip" : "identity",
			 "before", job->before, "after", job->after,
			 "first_rid", job->first_rid, "last_rid", job->last_rid);
	cg_buf_reset(&s->file);
	/* The payload's size goes in the metadata before the payload exists:
	 * encode after a placeholder, then write the real line in front. */
	if (encode_payload(s, &job->body, err) < 0) {
		json_decref(meta);
		return NULL;
	}
	json_object_set_new(meta, "gzip_bytes", json_integer((json_int_t)s->file.len));
	text = json_dumps(meta, JSON_COMPACT);
	if (!text) {
		json_decref(meta);
		cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		return NULL;
	}
	metalen = strlen(text);
	if (cg_buf_grow(&s->file, metalen + 1) < 0)
		abort();
	memmove(s->file.buf + metalen + 1, s->file.buf, s->file.len);
	memcpy(s->file.buf, text, metalen);
	s->file.buf[metalen] = '\n';
	buf_extend(&s->file, metalen + 1);
	free(text);
	*off = metalen + 1;
	return meta;
}

int cg_sync_send_job(struct cg_sync *s, struct batch_job *job, struct cg_err *err)
{
	char label[128];
	size_t off;
	json_t *meta = seal(s, job, &off, err);
	int ret = 0;

	if (!meta)
		return -1;
	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, OUTBOX);
	if (s->use_outbox) {
		/* The outbox of the batch before, acknowledged or not, is
		 * replaced by this one. */
		s->outbox_acked = 0;
		ret = cg_replace_file(s->dirfd, OUTBOX, s->file.buf, s->file.len, label, err);
	}
	if (ret == 0)
		ret = cg_sync_settle(s, meta, s->file.buf + off, s->file.len - off,
				     job->body.buf, job->body.len, err);
	if (!s->use_outbox)
		json_object_set_new(s->cursor, "batches", json_integer(
			json_integer_value(json_object_get(s->cursor, "batches")) + 1));
	json_decref(meta);
	return ret;
}

/* An empty batch next; it begins where the one just sealed ends. */
static void next_batch(struct cg_sync *s, json_t *after)
{
	cg_buf_reset(&s->body);
	s->nrec = 0;
	json_decref(s->before);
	s->before = json_deep_copy(after);
}

/* Move the batch being made into job (whose body must be empty), and
 * start an empty one in s. */
static void hand_over(struct cg_sync *s, const char *stream, json_t *after,
		      struct batch_job *job)
{
	struct cg_buf tmp = job->body;

	job->body = s->body;
	s->body = tmp;
	job->nrec = s->nrec;
	memcpy(job->first_rid, s->first_rid, sizeof(job->first_rid));
	memcpy(job->last_rid, s->last_rid, sizeof(job->last_rid));
	snprintf(job->stream, sizeof(job->stream), "%s", stream);
	job->before = s->before;
	s->before = NULL;
	job->after = json_deep_copy(after);
	next_batch(s, after);
}

/* Seal the batch in s->body and send it (with --dry-run, print it). */
int cg_sync_flush_batch(struct cg_sync *s, const char *stream, struct cg_err *err)
{
	struct batch_job *job;
	json_t *after;
	int ret = 0;

	if (!s->nrec)
		return 0;
	after = cursor_after(s);
	if (s->dry_run) {
		ret = cg_out_line(s->out, s->body.buf, s->body.len, err);
		json_object_set(s->cursor, stream, after);
		next_batch(s, after);
	} else if (!(job = cg_sync_pipe_idle(s, err))) {
		ret = -1;
	} else if (s->stop) {
		/* The batch before failed: this one is not sent; the
		 * next run makes it again from the cursor. */
		next_batch(s, after);
	} else {
		hand_over(s, stream, after, job);
		ret = cg_sync_pipe_start(s, err);
	}
	json_decref(after);
	return ret;
}
