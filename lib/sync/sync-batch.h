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

extern const char *const cg_sync_stream_names[];

enum outcome {
	SENT,		/* acknowledged */
	DEAD,		/* refused for good: dead letter */
	FAILED		/* gave up or cannot send: keep the outbox, stop */
};

struct batch {
	json_t *meta;		/* borrowed */
	const char *payload;
	size_t len;
	const char *body;	/* uncompressed (es-bulk item errors) */
	size_t body_len;
	/* results */
	struct cg_http_resp resp;	/* the last answer */
	int attempts;
	long ms;
	char why[512];
	struct cg_buf dead_body;	/* es-bulk: the records refused */
	json_t *dead_items;		/* es-bulk: their errors */
};

enum verdict { V_OK, V_RETRY, V_DEAD, V_STOP, V_PARTIAL };

/* sync-state.c */
json_t *cg_sync_fresh_cursor(const char *target);
int cg_sync_open_dir(struct cg_sync *s, struct cg_err *err);
int cg_sync_load_cursor(struct cg_sync *s, json_t **out, struct cg_err *err);
int cg_sync_save_cursor(struct cg_sync *s, struct cg_err *err);
int cg_sync_remove_outbox(struct cg_sync *s, struct cg_err *err);
int cg_sync_read_outbox(struct cg_sync *s, json_t **meta, size_t *off, struct cg_err *err);

/* sync-batch.c */
int cg_sync_add_record(struct cg_sync *s, const char *line, size_t len, const char *rid,
		       const char *table, struct cg_err *err);
int cg_sync_batch_full(const struct cg_sync *s);
int cg_sync_unpack(const json_t *meta, const char *payload, size_t len, struct cg_buf *out,
		   struct cg_err *err);
int cg_sync_flush_batch(struct cg_sync *s, const char *stream, struct cg_err *err);

/* sync-format.c */
void cg_sync_table_for(const struct cg_sync *s, const char *stream, char *out, size_t outlen);
int cg_sync_build_url(const struct cg_sync *s, const char *table, char *out, size_t outlen);
const char *cg_sync_content_type(const struct cg_sync *s);
int cg_sync_add_action(struct cg_sync *s, const char *table, const char *rid,
		       struct cg_err *err);
enum verdict cg_sync_judge_2xx(const struct cg_sync *s, struct batch *b);
int cg_sync_fatal_500(const struct cg_sync *s, const struct cg_http_resp *r);

/* sync-deliver.c */
void cg_sync_batch_init(struct batch *b, json_t *meta, const char *payload, size_t len,
			const char *body, size_t body_len);
void cg_sync_batch_release(struct batch *b);
enum outcome cg_sync_deliver(struct cg_sync *s, struct batch *b, const char *stream,
			     struct cg_err *err);

/* sync-settle.c */
int cg_sync_print_result(struct cg_sync *s, const struct batch *b, enum outcome oc,
			 struct cg_err *err);
int cg_sync_settle(struct cg_sync *s, json_t *meta, const char *payload, size_t len,
		   const char *body, size_t body_len, struct cg_err *err);
int cg_sync_recover_outbox(struct cg_sync *s, struct cg_err *err);

/* sync-dead.c */
int cg_sync_write_dead(struct cg_sync *s, struct batch *b, struct cg_err *err);

/* sync-push.c */
int cg_sync_count_after(struct cg_sync *s, const json_t *cursor, unsigned streams,
			json_int_t *n, struct cg_err *err);

#endif
