#ifndef CG_SYNC_BATCH_H
#define CG_SYNC_BATCH_H

#include <stddef.h>
#include <jansson.h>

#include "core/error.h"
#include "sync/http.h"
#include "sync/sync.h"

/*
 * A batch on its way upstream, and the steps the files of lib/sync take
 * it through.  Internal to lib/sync: commands and tests use sync.h.
 */

#define OUTBOX "outbox"
#define CURSOR "cursor.json"
#define META_MAX (64 * 1024)

/*
 * A batch: --batch-bytes is at most 1 GiB and a batch is sealed once it
 * reaches it, so its body holds at most one more record (a journal line,
 * 4 MiB at most); gzip never makes it much bigger, and the outbox adds a
 * line of metadata.  2 GiB bounds the body, the outbox, a dead letter and
 * a stored batch decompressed.
 */
#define BATCH_MAX ((size_t)1 << 31)

/*
 * A line cg-sync prints: a batch result, a dead letter, or a target's
 * status with its cursor (one entry per day of check-ins: ten years is
 * some 150 KiB) and outbox metadata (META_MAX).
 */
#define RESULT_LINE_MAX (1024 * 1024)

/*
 * The part of a response kept: an Elasticsearch _bulk answer lists every
 * item with its status, which a batch's thousands of records need; more
 * than this is cut (see cg_http_resp).
 */
#define BULK_RESP_MAX (16 * 1024 * 1024)

/* "checkin", "pass", "quarantine", "duty": the streams, in CG_SYNC_* bit order. */
extern const char *const cg_sync_stream_names[];

/* How a batch ended: cg_sync_deliver()'s answer. */
enum outcome {
	SENT,		/* acknowledged */
	DEAD,		/* refused for good: dead letter */
	FAILED		/* gave up or cannot send: keep the outbox, stop */
};

/* A sealed batch being sent, made by cg_sync_batch_init(). */
struct batch {
	json_t *meta;		/* borrowed */
	const char *payload;	/* as sent (gzip or not); borrowed */
	size_t len;
	const char *body;	/* uncompressed (es-bulk item errors); borrowed */
	size_t body_len;
	/* results */
	struct cg_http_resp resp;	/* the last answer */
	int attempts;
	long ms;
	char why[512];
	struct cg_buf dead_body;	/* es-bulk: the records refused */
	json_t *dead_items;		/* es-bulk: their errors */
};

/*
 * A batch handed from the reader (the main thread) to the sender (see
 * sync-pipe.c): everything the sender needs of it, so that the reader can
 * go on making the next one in s->body.
 */
struct batch_job {
	struct cg_buf body;	/* the records, uncompressed */
	size_t nrec;
	char first_rid[160], last_rid[160];
	char stream[16];
	json_t *before, *after;	/* the stream's cursor around the batch; owned */
};

/* What one answer means for a batch. */
enum verdict {
	V_OK,		/* acknowledged */
	V_RETRY,	/* try again after a wait */
	V_DEAD,		/* refused for good */
	V_STOP,		/* the target or its credentials are wrong: keep it, stop */
	V_PARTIAL	/* _bulk: some items refused for good (in dead_body), the rest taken */
};

/* ---- sync-state.c: the cursor and the outbox on disk ---- */

/* A cursor at the start of every journal (a new reference). */
json_t *cg_sync_fresh_cursor(const char *target);

/* Open (creating) sync/NAME as s->dirfd, once.  0 or -1 with *err. */
int cg_sync_open_dir(struct cg_sync *s, struct cg_err *err);

/* The cursor into *out (a new reference): 0; -2 when there is none; -1
 * with *err when it cannot be read or is damaged. */
int cg_sync_load_cursor(struct cg_sync *s, json_t **out, struct cg_err *err);

/* Replace cursor.json atomically with s->cursor.  0 or -1 with *err. */
int cg_sync_save_cursor(struct cg_sync *s, struct cg_err *err);

/* Remove the outbox (no error when it is gone).  0 or -1 with *err. */
int cg_sync_remove_outbox(struct cg_sync *s, struct cg_err *err);

/* The outbox read into s->file: its metadata into *meta (a new reference)
 * and where the payload starts into *off.  0; -2 when there is none; -1
 * with *err when it cannot be read or is damaged. */
int cg_sync_read_outbox(struct cg_sync *s, json_t **meta, size_t *off, struct cg_err *err);

/* ---- sync-batch.c: a batch being made, gzip, sealing ---- */

/* Add one record (line is its JSON, from the journal of stream 0-2, or
 * the input: -1) to the batch in s->body, in the target's format.  0 or
 * -1 with *err. */
int cg_sync_add_record(struct cg_sync *s, int stream, const char *line, size_t len,
		       const char *rid, const char *table, struct cg_err *err);

/* Whether the batch holds --batch-records records or --batch-bytes bytes. */
int cg_sync_batch_full(const struct cg_sync *s);

/* Append the plain body of a stored payload (meta's "encoding" says
 * whether it is gzip) to out.  0; -1 with *err when it does not
 * decompress; -2 with errno when out cannot take it. */
int cg_sync_unpack(const json_t *meta, const char *payload, size_t len, struct cg_buf *out,
		   struct cg_err *err);

/* Seal the batch of stream (nothing when it is empty) and hand it to the
 * sender, which writes its outbox for a journal push, sends and settles it;
 * with --dry-run print it.  0 (look at s->stop) or -1 with *err: an error
 * of the batch before, or of this one when there is no sender thread. */
int cg_sync_flush_batch(struct cg_sync *s, const char *stream, struct cg_err *err);

/* Seal job (gzip it into s->file), write its outbox for a journal push,
 * send and settle it.  The sender's work.  0 (look at s->stop) or -1. */
int cg_sync_send_job(struct cg_sync *s, struct batch_job *job, struct cg_err *err);

/* ---- sync-pipe.c: the sender thread ---- */

/* Wait until the sender is idle; its empty job to fill (borrowed), or NULL
 * with *err when the batch it sent last ended in a local error. */
struct batch_job *cg_sync_pipe_idle(struct cg_sync *s, struct cg_err *err);

/* Let the sender take the job that cg_sync_pipe_idle() gave and filled;
 * without a thread, send it now.  0 or -1 with *err. */
int cg_sync_pipe_start(struct cg_sync *s, struct cg_err *err);

/* Wait for the sender, then write the cursor it kept in memory and remove
 * an outbox it left acknowledged.  0 or -1 with *err. */
int cg_sync_pipe_drain(struct cg_sync *s, struct cg_err *err);

/* End the sender thread, if any (after cg_sync_pipe_drain). */
void cg_sync_pipe_release(struct cg_sync *s);

/* ---- sync-format.c: what NDJSON, ClickHouse and es-bulk differ in ---- */

/* The table (ClickHouse) or index (es-bulk) of stream: --table with
 * "{stream}" replaced, else cg_{stream} or cg-{stream}. */
void cg_sync_table_for(const struct cg_sync *s, const char *stream, char *out, size_t outlen);

/* The URL a batch goes to: ClickHouse's with its INSERT query, es-bulk's
 * ending in /_bulk.  0, or -1 when out of memory. */
int cg_sync_build_url(const struct cg_sync *s, const char *table, char *out, size_t outlen);

/* The Content-Type header line of a batch (a constant string). */
const char *cg_sync_content_type(const struct cg_sync *s);

/* es-bulk: append the action line of a record to s->body; nothing for the
 * other formats.  0 or -1 with *err. */
int cg_sync_add_action(struct cg_sync *s, const char *table, const char *rid,
		       struct cg_err *err);

/* What a 2xx answer in b->resp means; b->why says why when not V_OK. */
enum verdict cg_sync_judge_2xx(const struct cg_sync *s, struct batch *b);

/* Whether an answer of 500 is a ClickHouse error no retry can mend. */
int cg_sync_fatal_500(const struct cg_sync *s, const struct cg_http_resp *r);

/* ---- sync-deliver.c: one batch to the upstream, retries included ---- */

/* A batch to send: meta, payload and body are borrowed and must outlive
 * it; cg_sync_batch_release() frees what it gathers. */
void cg_sync_batch_init(struct batch *b, json_t *meta, const char *payload, size_t len,
			const char *body, size_t body_len);
void cg_sync_batch_release(struct batch *b);

/*
 * POST the batch until it is acknowledged, refused for good or given up
 * (--max-retries, --max-time), waiting with backoff and Retry-After.
 * The results are in b.  FAILED with b->attempts 0 is a local error,
 * with *err.
 */
enum outcome cg_sync_deliver(struct cg_sync *s, struct batch *b, const char *stream,
			     struct cg_err *err);

/* ---- sync-settle.c: after a batch was sent; the outbox a crash left ---- */

/* The result line of a batch on s->out, and the progress callback.  0 or
 * -1 with *err. */
int cg_sync_print_result(struct cg_sync *s, const struct batch *b, enum outcome oc,
			 struct cg_err *err);

/*
 * Send a batch whose outbox is on disk (meta borrowed, payload, body for
 * es-bulk) and settle it: dead letter, cursor, outbox, message, result
 * line.  0 (look at s->stop) or -1 with *err.
 */
int cg_sync_settle(struct cg_sync *s, json_t *meta, const char *payload, size_t len,
		   const char *body, size_t body_len, struct cg_err *err);

/* Settle the outbox a run before left, if any: remove it when the cursor
 * already passed it, else send it again (with --dry-run, print it).  0
 * (look at s->stop) or -1 with *err. */
int cg_sync_recover_outbox(struct cg_sync *s, struct cg_err *err);

/* ---- sync-dead.c ---- */

/* Keep a batch refused for good as sync/NAME/dead/ID.json and ID.body
 * (only the refused items of a _bulk batch).  0 or -1 with *err. */
int cg_sync_write_dead(struct cg_sync *s, struct batch *b, struct cg_err *err);

/* ---- sync-checkpoint.c: the checkpoint stream ---- */

/* The checkpoint stream's cursor at its start (a new reference). */
json_t *cg_sync_checkpoint_cursor(void);
/* Whether c is a checkpoint stream's cursor. */
int cg_sync_checkpoint_cursor_ok(const json_t *c);
/* Push the checkpoints after the cursor's, then write the cursor.  0
 * (look at s->stop) or -1 with *err. */
int cg_sync_push_checkpoints(struct cg_sync *s, struct cg_err *err);
/* Add the checkpoints after cursor's to *n.  0 or -1 with *err. */
int cg_sync_count_checkpoints(struct cg_sync *s, const json_t *cursor, json_int_t *n,
			      struct cg_err *err);

/* ---- sync-push.c ---- */

/* The records of the journals in streams (CG_SYNC_* bits) after cursor,
 * verifying them on the way, into *n.  0 or -1 with *err. */
int cg_sync_count_after(struct cg_sync *s, const json_t *cursor, unsigned streams,
			json_int_t *n, struct cg_err *err);

#endif
