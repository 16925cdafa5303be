/* The pushes: the journals from the cursor, or lines from standard input. */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/loop.h"
#include "store/rid.h"
#include "sync/sync-batch.h"

/* ---- reading the journals ---- */

static int push_reader(struct cg_sync *s, struct cg_journal_reader *jr, const char *stream,
		       const char *day, uint64_t skip, struct cg_err *err)
{
	char rid[CG_RID_LEN], table[128];
	int st = 0, idx = 0;

	while (idx < CG_SYNC_NSTREAMS - 1 && strcmp(cg_sync_stream_names[idx], stream))
		idx++;
	cg_sync_table_for(s, stream, table, sizeof(table));
	while (!s->stop && (st = cg_journal_reader_next(jr, NULL, err)) > 0) {
		/* Halted: no new batch; the records read since the last one
		 * stay behind the cursor, for the next run. */
		if (s->halt && *s->halt) {
			s->stop = 1;
			break;
		}
		if (jr->seq <= skip)
			continue;
		if (cg_rid_format(rid, sizeof(rid), s->cfg->compound_code, stream, day,
				  jr->seq) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("compound code too long for a record id"));
		if (cg_sync_add_record(s, idx, jr->line, jr->len, rid, table, err) < 0)
			return -1;
		/* A day back-filled behind the cursor's file leaves the
		 * file and seq where they are: "days" says what was sent. */
		if (!day || strcmp(day, s->last_day) >= 0) {
			snprintf(s->last_day, sizeof(s->last_day), "%s", day ? day : "");
			s->last_seq = jr->seq;
		}
		if (!cg_sync_batch_full(s))
			continue;
		st = cg_sync_flush_batch(s, stream, err);
		if (st < 0)
			return -1;
	}
	return s->stop ? 0 : st;
}

/*
 * A check-in day's journal file as it is now: size, modification time and
 * whether it is compressed.  Taken before the day is read, so that a day
 * that grows while or after it is read never looks unchanged.
 */
struct day_stamp {
	json_int_t bytes, mtime_ns;
	int gz;
};

static int stamp_day(struct cg_sync *s, const char *day, struct day_stamp *out,
		     struct cg_err *err)
{
	int dfd = cg_home_dir(s->home, "journal/checkin", 0, err);
	char name[CG_DATE_LEN + 16];
	struct stat st;
	int found;

	if (dfd < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(name, sizeof(name), "%s.jsonl", day);
	found = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!found) {
		snprintf(name, sizeof(name), "%s.jsonl.gz", day);
		found = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		out->gz = found;
	}
	close(dfd);
	if (found) {
		out->bytes = (json_int_t)st.st_size;
		out->mtime_ns = (json_int_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	return 0;
}

/*
 * Whether check-in day `day` has records to send (1, after *skip) or not
 * (0).  Days from the cursor's file on are read as always.  Days before it
 * were read to their end, and "days" says how they looked then; one that
 * changed since, back-filled with cg-checkin --now, is read again after
 * what was sent of it, and one begun since is read whole.  A cursor from
 * before "days" (days NULL) passes them by, as it always did.
 */
static int day_todo(struct cg_sync *s, const json_t *days, const char *day,
		    const json_t *cur, struct day_stamp *stamp, uint64_t *skip,
		    struct cg_err *err)
{
	const char *from = json_string_value(json_object_get(cur, "file"));
	int c = strcmp(day, from ? from : "");
	const json_t *e;

	if (stamp_day(s, day, stamp, err) < 0)
		return -1;
	*skip = c ? 0 : (uint64_t)json_integer_value(json_object_get(cur, "seq"));
	if (c >= 0)
		return 1;
	if (!days)
		return 0;
	if (!(e = json_object_get(days, day)))
		return 1;
	if (json_integer_value(json_object_get(e, "bytes")) == stamp->bytes &&
	    json_integer_value(json_object_get(e, "mtime_ns")) == stamp->mtime_ns &&
	    json_is_true(json_object_get(e, "gz")) == stamp->gz)
		return 0;
	*skip = (uint64_t)json_integer_value(json_object_get(e, "seq"));
	return 1;
}

/* Remember that a day was read to its end, up to seq, looking as stamped. */
static void note_day_read(struct cg_sync *s, const char *day, uint64_t seq,
			  const struct day_stamp *stamp)
{
	if (s->days_read)
		json_object_set_new(s->days_read, day, json_pack("{s:I, s:I, s:I, s:b}",
			"seq", (json_int_t)seq, "bytes", stamp->bytes,
			"mtime_ns", stamp->mtime_ns, "gz", stamp->gz));
}

/* One day of check-ins, when it has records to send. */
static int push_day(struct cg_sync *s, const json_t *start, const char *day, struct cg_err *err)
{
	struct cg_journal_reader jr;
	struct day_stamp stamp;
	uint64_t skip;
	int ret = day_todo(s, json_object_get(start, "days"), day, start, &stamp, &skip, err);

	if (ret <= 0)
		return ret;
	if (cg_journal_reader_open_stream(&jr, s->home, "checkin", day, err) < 0)
		return -1;
	ret = push_reader(s, &jr, "checkin", day, skip, err);
	if (jr.notice[0])
		cg_notify(&s->notify, CG_MSG_WARNING, "%s", jr.notice);
	if (ret == 0 && !s->stop)
		note_day_read(s, day, jr.seq, &stamp);
	cg_journal_reader_release(&jr);
	return ret;
}

/* The check-in days, oldest first, from the cursor cur. */
static int push_days(struct cg_sync *s, const json_t *cur, struct cg_err *err)
{
	json_t *days, *d;
	size_t i;
	int ret = 0;
	/* A copy: settling a batch replaces the cursor's objects. */
	json_t *start = json_deep_copy(cur);

	json_decref(s->days_read);
	s->days_read = json_deep_copy(json_object_get(start, "days"));
	snprintf(s->last_day, sizeof(s->last_day), "%s",
		 json_string_value(json_object_get(start, "file")) ?: "");
	s->last_seq = (uint64_t)json_integer_value(json_object_get(start, "seq"));
	if (cg_journal_days(s->home, &days, err) < 0) {
		json_decref(start);
		return -1;
	}
	json_array_foreach(days, i, d) {
		ret = push_day(s, start, json_string_value(d), err);
		if (ret < 0 || s->stop)
			break;
	}
	json_decref(days);
	json_decref(start);
	return ret;
}

/* A journal of one file (passes, cases, duty) from the cursor cur. */
static int push_journal(struct cg_sync *s, const char *stream, const json_t *cur,
			struct cg_err *err)
{
	struct cg_journal_reader jr;
	int ret;

	if (cg_journal_reader_open_stream(&jr, s->home, stream, NULL, err) < 0)
		return -1;
	ret = push_reader(s, &jr, stream, NULL,
			  (uint64_t)json_integer_value(json_object_get(cur, "seq")), err);
	cg_journal_reader_release(&jr);
	return ret;
}

static int push_stream(struct cg_sync *s, int idx, struct cg_err *err)
{
	const char *stream = cg_sync_stream_names[idx];
	json_t *cur = json_object_get(s->cursor, stream);
	int ret;

	json_decref(s->before);
	s->before = json_deep_copy(cur);
	ret = idx == 0 ? push_days(s, cur, err) : push_journal(s, stream, cur, err);
	if (ret == 0 && !s->stop)
		ret = cg_sync_flush_batch(s, stream, err);
	/* The cursor is written at the end of each stream, and the next
	 * stream starts from it. */
	if (cg_sync_pipe_drain(s, ret < 0 ? NULL : err) < 0)
		ret = -1;
	return ret;
}

/* Add the records of a journal file after skip to *n, verifying it on the way. */
static int count_file(struct cg_sync *s, const char *stream, const char *day, uint64_t skip,
		      json_int_t *n, struct cg_err *err)
{
	struct cg_journal_reader jr;
	int ret;

	if (cg_journal_reader_open_stream(&jr, s->home, stream, day, err) < 0)
		return -1;
	ret = cg_journal_verify(&jr, err);
	if (ret == 0 && jr.seq > skip)
		*n += (json_int_t)(jr.seq - skip);
	cg_journal_reader_release(&jr);
	return ret;
}

static int count_days(struct cg_sync *s, const json_t *cur, json_int_t *n, struct cg_err *err)
{
	json_t *days, *d;
	size_t i;
	int ret = 0;

	if (cg_journal_days(s->home, &days, err) < 0)
		return -1;
	json_array_foreach(days, i, d) {
		struct day_stamp stamp;
		uint64_t skip;
		int todo = day_todo(s, json_object_get(cur, "days"), json_string_value(d), cur,
				    &stamp, &skip, err);

		if (todo < 0 ||
		    (todo && count_file(s, "checkin", json_string_value(d), skip, n, err) < 0)) {
			ret = -1;
			break;
		}
	}
	json_decref(days);
	return ret;
}

int cg_sync_count_after(struct cg_sync *s, const json_t *cursor, unsigned streams,
			json_int_t *n, struct cg_err *err)
{
	*n = 0;
	for (int i = 0; i < CG_SYNC_NSTREAMS; i++) {
		const json_t *cur = json_object_get(cursor, cg_sync_stream_names[i]);
		uint64_t skip = (uint64_t)json_integer_value(json_object_get(cur, "seq"));

		if (!(streams & (1u << i)))
			continue;
		if ((i == 0 ? count_days(s, cur, n, err) :
		     count_file(s, cg_sync_stream_names[i], NULL, skip, n, err)) < 0)
			return -1;
	}
	if (streams & CG_SYNC_CHECKPOINT)
		return cg_sync_count_checkpoints(s, cursor, n, err);
	return 0;
}

int cg_sync_push(struct cg_sync *s, struct cg_err *err)
{
	json_t *cur = NULL;
	int st;

	if (cg_sync_open_dir(s, err) < 0)
		return -1;
	s->use_outbox = !s->dry_run;
	st = cg_sync_load_cursor(s, &cur, err);
	if (st == -2 && !s->from_start)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("no cursor for target '%s' ('sync/%s/%s'); use --from-start to send every record"),
				  s->t->name, s->t->name, CURSOR);
	if (st == -1 && !s->from_start)
		return -1;
	s->cursor = cur;
	if (!s->cursor) {
		/* --from-start: a fresh cursor, made durable first. */
		s->cursor = cg_sync_fresh_cursor(s->t->name);
		if (!s->dry_run && cg_sync_save_cursor(s, err) < 0)
			return -1;
	} else if (s->from_start) {
		/* The outbox follows the old cursor: settle it first. */
		if (cg_sync_recover_outbox(s, err) < 0)
			return -1;
		if (s->stop)
			return s->status;
		for (int i = 0; i < CG_SYNC_NSTREAMS; i++)
			if (s->streams & (1u << i))
				json_object_set_new(s->cursor, cg_sync_stream_names[i],
						    i ? json_pack("{s:I}", "seq", (json_int_t)0) :
						    json_pack("{s:s, s:I, s:{}}", "file", "", "seq",
							      (json_int_t)0, "days"));
		if (s->streams & CG_SYNC_CHECKPOINT)
			json_object_set_new(s->cursor, "checkpoint", cg_sync_checkpoint_cursor());
		if (!s->dry_run && cg_sync_save_cursor(s, err) < 0)
			return -1;
	}
	/* A cursor from before the checkpoint stream: from the first. */
	if (!json_object_get(s->cursor, "checkpoint"))
		json_object_set_new(s->cursor, "checkpoint", cg_sync_checkpoint_cursor());
	else if (!cg_sync_checkpoint_cursor_ok(json_object_get(s->cursor, "checkpoint")))
		return cg_err_set(err, CG_EXIT_DAMAGED, _("'sync/%s/%s' is damaged"), s->t->name,
				  CURSOR);
	if (cg_sync_recover_outbox(s, err) < 0)
		return -1;
	if (s->progress) {
		json_int_t backlog;

		if (cg_sync_count_after(s, s->cursor, s->streams, &backlog, err) < 0)
			return -1;
		s->total = backlog;
	}
	s->lazy_cursor = 1;
	for (int i = 0; i < CG_SYNC_NSTREAMS && !s->stop; i++)
		if (s->streams & (1u << i) && push_stream(s, i, err) < 0)
			return -1;
	if (s->streams & CG_SYNC_CHECKPOINT && !s->stop && cg_sync_push_checkpoints(s, err) < 0)
		return -1;
	return s->status;
}

/* ---- standard input ---- */

/* What the loop hands each line of standard input to. */
struct stdin_job {
	struct cg_sync *s;
	char table[128];
};

static int push_line(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		     char *why, size_t whylen, struct cg_err *err)
{
	struct stdin_job *job = ctx;
	struct cg_sync *s = job->s;
	const json_t *v = json_object_get(ln->rec, "rid");
	char rid[160], hex[65];

	(void)why;
	(void)whylen;
	/* A record without a rid gets one from its content, so that
	 * sending the same line twice is still one record. */
	if (json_is_string(v)) {
		snprintf(rid, sizeof(rid), "%s", json_string_value(v));
	} else {
		cg_sync_sha256_hex(ln->text, ln->len, hex);
		snprintf(rid, sizeof(rid), "%s/stdin/%.32s", s->cfg->compound_code, hex);
	}
	if (cg_sync_add_record(s, -1, ln->text, ln->len, rid, job->table, err) < 0)
		return -1;
	if (cg_sync_batch_full(s) && cg_sync_flush_batch(s, "stdin", err) < 0)
		return -1;
	/* A batch that failed ends the push. */
	lp->quit = s->stop;
	return 0;
}

int cg_sync_push_inputs(struct cg_sync *s, char **files, int nfiles,
			const struct cg_common_opts *in, struct cg_err *err)
{
	struct stdin_job job = { s, "" };
	struct cg_loop lp;
	int st;

	if (cg_loop_init(&lp, in->rejects, 0, err) < 0)
		return -1;
	lp.fn = push_line;
	lp.ctx = &job;
	lp.parse = 1;
	lp.input_format = in->input_format;
	lp.strict = in->strict;
	lp.max_line = CG_JSONL_MAX_LINE_DEFAULT;
	lp.too_long = _("line too long");
	lp.notify = s->notify;
	s->cursor = json_pack("{s:I}", "batches", (json_int_t)0);
	cg_sync_table_for(s, "stdin", job.table, sizeof(job.table));
	/* The same loop as every command's: JSON lines or CSV (--input-format,
	 * or a FILE ending in .csv), a bad line or row reported and kept. */
	st = cg_loop_run_files(&lp, files, nfiles, err);
	if (st == 0 && !s->stop && s->nrec)
		st = cg_sync_flush_batch(s, "stdin", err);
	if (cg_sync_pipe_drain(s, st < 0 ? NULL : err) < 0)
		st = -1;
	if (st == 0)
		st = cg_loop_finish(&lp, err);
	json_decref(s->cursor);
	s->cursor = NULL;
	if (st < 0)
		return -1;
	return s->status ? s->status : cg_loop_status(&lp);
}
