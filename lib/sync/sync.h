#ifndef CG_SYNC_H
#define CG_SYNC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/clock.h"
#include "store/config.h"
#include "core/cmd.h"
#include "core/error.h"
#include "core/home.h"
#include "sync/http.h"
#include "json/jsonl.h"
#include "json/scan.h"

/*
 * Pushing records upstream exactly once, as the upstream sees it.
 *
 * Below the data directory, per target NAME:
 *
 *   sync/NAME/cursor.json   {"target","batches","last_success",
 *                            "checkin":{"file":DAY,"seq":N},
 *                            "pass":{"seq":N},"quarantine":{"seq":N},
 *                            "duty":{"seq":N},
 *                            "checkpoint":{"seq":N,"files":{KEY:N}}}
 *                           the last record of each journal the upstream
 *                           has acknowledged; replaced atomically
 *   sync/NAME/outbox        the batch in flight: one JSON line of metadata
 *                           (batch, stream, key, records, before/after
 *                           cursors, ...) then the body exactly as sent;
 *                           written durably before the first attempt
 *   sync/NAME/dead/ID.json  a batch the upstream refused for good: its
 *   sync/NAME/dead/ID.body  metadata with the response, and the body
 *
 * Order of writes: outbox, send, cursor, unlink outbox.  A crash before the
 * cursor is written re-sends the outbox byte for byte (same
 * Idempotency-Key); a crash after it finds the outbox's "after" equal to
 * the cursor and only removes it.
 *
 * Within one stream of a journal push the cursor is written once, at the
 * end (or when a batch is not delivered), not after every batch: the
 * outbox of batch N+1 is written only once batch N was acknowledged, so its
 * "before" is where the cursor stands.  A crash finds an outbox ahead of the
 * cursor ("batch" more than one past the cursor's "batches"), moves the
 * cursor to the outbox's "before" and sends the outbox again.  An
 * acknowledged outbox stays until the cursor is written.
 *
 * A journal push makes the next batch while a sender thread compresses,
 * writes, sends and settles the one before.
 */

enum cg_sync_format {
	CG_SYNC_NDJSON,
	CG_SYNC_CLICKHOUSE,
	CG_SYNC_ES_BULK
};

#define CG_SYNC_CHECKIN 1u
#define CG_SYNC_PASS 2u
#define CG_SYNC_QUARANTINE 4u
#define CG_SYNC_DUTY 8u		/* journal/duty.jsonl (cg-duty) */
#define CG_SYNC_CHECKPOINT 16u	/* the checkpoints signed (sync-checkpoint.c) */
#define CG_SYNC_ALL 31u
/* The journals pushed record by record: checkin, pass, quarantine, duty
 * (CG_SYNC_* bits 0 to 3, cg_sync_stream_names). */
#define CG_SYNC_NSTREAMS 4
#define CG_SYNC_STREAM_DUTY 3	/* the duty journal's index */

/* "ndjson", "clickhouse", "es-bulk"; -1 for anything else. */
int cg_sync_format_parse(const char *s);
const char *cg_sync_format_name(enum cg_sync_format f);

/* "checkin,pass" into a CG_SYNC_* mask ("checkpoint" too); -1 on an
 * unknown name. */
int cg_sync_streams_parse(const char *s, unsigned *mask);

/* Target names key directories: letters, digits, '-', '_', '.' (not first). */
int cg_sync_name_ok(const char *name);

struct cg_sync_target {
	char name[64];
	char *url;			/* owned */
	int format;			/* enum cg_sync_format */
	char *table;			/* owned; "{stream}" is replaced */
	struct curl_slist *headers;	/* "Name: value" from config; owned */
	char *token_file;		/* owned, or NULL */
	size_t batch_records;
	size_t batch_bytes;
	int gzip_level;			/* 0: no compression */
	const json_t *allow;		/* allow_fields: array of names the
					 * target may receive beyond the
					 * allowlists; borrowed from the config */
	int redact;			/* "redact": true: as --redact */
	char *redact_key_file;		/* owned, or NULL */
	long follow_ms;			/* "follow_interval_ms": cg_sync_follow()'s
					 * wait between rounds (default 5000) */
};

/* Defaults, then the config's targets.NAME when there is one (found is
 * set).  0 or -1 with *err. */
int cg_sync_target_load(struct cg_sync_target *t, const struct cg_config *cfg,
			const char *name, int *found, struct cg_err *err);
void cg_sync_target_release(struct cg_sync_target *t);

/* Replace a string field of a target (url, table, token_file). */
void cg_sync_set_str(char **field, const char *value);

/* What goes upstream of a record (cg-sync(1), UPSTREAM DATA). */
struct cg_sync_shape {
	int stream;			/* 0 checkin, 1 pass, 2 quarantine, 3 duty;
					 * -1 standard input */
	int format;			/* enum cg_sync_format */
	const json_t *allow;		/* the target's allow_fields, or NULL */
	const unsigned char *redact_key;	/* hash the personal fields */
	const char *tz, *street, *district;	/* stamped on journal rows */
	const struct cg_scan_keys *keys;	/* the stream's (cg_sync_shape_keys):
						 * lines the scanner takes skip
						 * Jansson; NULL: never */
	char void_day[CG_DATE_LEN];	/* a void's row day: the local day of
					 * the ts of the check-in it voids, when
					 * found in its journal; "": the day its
					 * rid names */
};

/* Index the keys of stream's allowlist and the personal fields for
 * shape->keys; names is filled with them and must live as long as keys
 * (the scanner keeps it).  0. */
int cg_sync_shape_keys(struct cg_scan_keys *keys, const char *names[CG_SCAN_MAX_KEYS],
		       int stream);

struct cg_sync {
	const struct cg_home *home;	/* borrowed */
	const struct cg_config *cfg;	/* borrowed */
	struct cg_sync_target *t;	/* borrowed */
	struct cg_out *out;		/* result lines; borrowed */
	json_t *collect;		/* when set, status and dead list gather
					 * their records here (text for a person)
					 * instead of printing them; borrowed */
	struct cg_clock clock;		/* for last_success */

	int dry_run, keep_going, from_start, verbose;
	/*
	 * Set (by a signal handler of main) when the run is to end: a
	 * journal push then makes no new batch and sends no retry; the batch
	 * in flight is settled (acknowledged, or left in the outbox), so
	 * nothing is lost or sent twice.  Borrowed; NULL: never.
	 */
	const volatile sig_atomic_t *halt;
	unsigned streams;
	int max_retries;
	double max_time;		/* seconds per batch, retries included */
	double backoff_base, backoff_cap;	/* seconds */
	struct cg_http_opts http_opts;
	char *auth;			/* the Authorization value; owned secret */
	int redact;
	unsigned char redact_key[32];
	struct cg_sync_shape shape;	/* filled by cg_sync_add_record */
	struct cg_scan_keys shape_keys[CG_SYNC_NSTREAMS];	/* per stream, when keys_ready */
	const char *shape_names[CG_SYNC_NSTREAMS][CG_SCAN_MAX_KEYS];	/* their names */
	unsigned keys_ready;		/* bit (1u << stream) */

	/*
	 * Called after each batch of a journal push when set, with the
	 * records sent so far and the backlog at the start: main draws a
	 * progress bar on a terminal.
	 */
	void (*progress)(void *ctx, long long sent, long long total);
	void *progress_ctx;
	/* Retries (with verbose), batches not delivered, bad input lines. */
	struct cg_notifier notify;

	/* private */
	long long sent, total;
	struct cg_http http;
	int http_ready;
	int dirfd;			/* sync/NAME, -1 until opened */
	json_t *cursor;			/* owned */
	struct cg_buf body;		/* uncompressed batch */
	struct cg_buf file;		/* outbox: metadata line + payload */
	z_stream z;
	int z_ready;
	size_t nrec;
	char first_rid[160], last_rid[160];
	json_t *before;			/* stream cursor before the batch; owned */
	int status;			/* worst exit status so far */
	_Atomic int stop;		/* a batch failed: no more batches (the
					 * sender sets it, the reader reads it) */
	int use_outbox;			/* journal mode: cursor and outbox */
	char last_day[16];		/* where the last record added came from */
	uint64_t last_seq;
	json_t *days_read;		/* check-in days read to their end: the
					 * cursor's "days"; NULL for a cursor
					 * from before it had them */
	int lazy_cursor;		/* write the cursor at cg_sync_pipe_drain() */
	int cursor_dirty;		/* s->cursor is ahead of cursor.json */
	int outbox_acked;		/* the outbox on disk was acknowledged */
	json_t *ckpt_files;		/* the checkpoint stream's "files" while
					 * it is pushed, else NULL; owned */
	struct cg_sync_pipe *pipe;	/* the sender thread; owned */
};

/* Set every option to its default.  s->home etc. are filled in by the
 * caller afterwards. */
void cg_sync_init(struct cg_sync *s);
void cg_sync_release(struct cg_sync *s);

/*
 * The token: from t->token_file (refused when group or others may read
 * it), else $CG_SYNC_TOKEN, else none.  A token with a space is a whole
 * Authorization value ("Basic ...", "ApiKey ..."); otherwise "Bearer ".
 */
int cg_sync_load_token(struct cg_sync *s, const char *token_file, struct cg_err *err);

/*
 * The --redact key: the target's redact_key_file (the key a city gives
 * every compound, so that one person's hashes match everywhere; 32 bytes,
 * or 64 hex digits and a newline; refused when group or others may read
 * it), else keys/sync-redact.key, this compound's own, created on first
 * use -- except with dry_run, which writes nothing and hashes with a
 * throwaway key (a warning says so).
 */
int cg_sync_load_redact_key(struct cg_sync *s, struct cg_err *err);

/*
 * Push the journals from the cursor.  Returns the exit status (0, or
 * CG_EXIT_UPSTREAM when a batch failed or was dead-lettered), or -1 with
 * *err for a local error (cursor, journal, disk).
 */
int cg_sync_push(struct cg_sync *s, struct cg_err *err);

/*
 * Push the records of files (none, or "-": standard input; no cursor, no
 * outbox) through the input loop of every command (store/loop.h): JSON
 * lines, or CSV as in->input_format or a name ending in ".csv" says; a bad
 * line or row is reported to s->notify as FILE:LINE, appended to
 * in->rejects when set, and skipped (in->strict: the push stops after
 * it).  Returns the exit status or -1.
 */
int cg_sync_push_inputs(struct cg_sync *s, char **files, int nfiles,
			const struct cg_common_opts *in, struct cg_err *err);

/*
 * cg-sync push --follow: push from the cursor as cg_sync_push() does, then
 * again every s->t->follow_ms as the journals grow (a new day's check-in
 * journal included), until *s->halt is set (s->halt must be set).  A round
 * the upstream fails (its batch stays in the outbox) is reported like a
 * push and tried again the next round.  Memory stays that of one round.
 * Returns 0 once halted, or -1 with *err for a local error.
 */
int cg_sync_follow(struct cg_sync *s, struct cg_err *err);

/* One JSON line per target: cursor, backlog, last success, outbox, dead. */
int cg_sync_status(struct cg_sync *s, struct cg_err *err);

/* Dead letters of s->t: list, retry (ids, or all when n is 0), drop. */
int cg_sync_dead_list(struct cg_sync *s, struct cg_err *err);
int cg_sync_dead_retry(struct cg_sync *s, char **ids, int n, struct cg_err *err);
int cg_sync_dead_drop(struct cg_sync *s, char **ids, int n, struct cg_err *err);

/* 1 for a personal field: name, id_no, phone, plate, pass (the duty
 * stream's guard, by and to are its own: sync-record.c). */
int cg_sync_personal(const char *key);

/*
 * The line sent for one record, appended to out with a newline.  A
 * journal record: the fields its stream's allowlist names for the format,
 * in that order (a check's "day" as case_day), then those allow_fields
 * names; "rid"; "compound" when absent; "day" (the compound's local day
 * of its ts, or for a void sh->void_day, else the day in the rid voided), "tz", "street"
 * and "district" (when set).  A line of standard input: all its fields.
 * In both, personal fields are hashed with redact_key, else sent only
 * when allow_fields names them; pass tokens, "token" and "chain" never.
 * Exposed for the unit tests.
 */
int cg_sync_record(struct cg_buf *out, const char *line, size_t len,
		   const char *rid, const char *compound,
		   const struct cg_sync_shape *shape, struct cg_err *err);

/* Hex SHA-256 of data (65 bytes with the NUL). */
void cg_sync_sha256_hex(const void *data, size_t len, char out[65]);

#endif
