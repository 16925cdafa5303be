#ifndef CG_JOURNAL_H
#define CG_JOURNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "json/jsonl.h"
#include "json/scan.h"

/*
 * Append-only JSON-lines journals in the data directory:
 *
 *   journal/checkin/DATE.jsonl   "checkin", one file per local day; days
 *                                before the one being written are gzipped
 *   journal/pass.jsonl           "pass"
 *   journal/quarantine.jsonl     "quarantine"
 *
 * Every line is a record followed by two fields the journal adds:
 *
 *   {...,"seq":N,"chain":"HEX"}
 *
 * seq counts the lines of the file from 1 without gaps; chain is the hex
 * SHA-256 of the previous line's chain (64 zeros for the first line)
 * followed by this line's text up to and including the "seq" field, closed
 * with '}'.  Editing, inserting or deleting a line breaks the chain.
 *
 * Appends happen under an exclusive flock() of a lock file beside the
 * journal, as one write() of whole lines followed by fdatasync(); only then
 * does the caller print them.  A torn last line left by a crash is moved to
 * NAME.torn at the next append; damage before the last line is refused with
 * CG_EXIT_DAMAGED.
 */

#define CG_CHAIN_HEX CG_SCAN_CHAIN_HEX	/* the record's end: json/scan.h */
#define CG_JOURNAL_MAX_LINE (4 * 1024 * 1024)

/*
 * What may be queued before a commit: the loop commits every
 * CG_LOOP_BATCH_BYTES (1 MiB) and the guard's terminal every record, so
 * 64 MiB only stops a caller that never commits.  A commit's lines are
 * the queued bodies with seq and chain (some 90 bytes) added to each:
 * four times as much covers records down to 30 bytes.
 */
#define CG_JOURNAL_MAX_PENDING (64 * 1024 * 1024)
#define CG_JOURNAL_MAX_COMMIT (4 * CG_JOURNAL_MAX_PENDING)

/*
 * A place in a journal file: the byte offset just after a line, and that
 * line's seq and chain (0 and 64 zeros before the first line).  What a
 * fold has read so far, so that it can read on from there.
 */
struct cg_journal_pos {
	off_t end;
	uint64_t seq;
	char chain[CG_CHAIN_HEX + 1];
};

/* The start of every journal. */
void cg_journal_pos_init(struct cg_journal_pos *pos);

/* What a fold does with each record (borrowed): 0, or -1 with *err. */
typedef int cg_fold_fn(void *ctx, const json_t *rec, struct cg_err *err);

struct cg_journal {
	int dirfd;		/* directory of the file; owned */
	int lockfd;		/* owned */
	int fd;			/* append descriptor, -1 until opened */
	int daily;		/* a check-in journal: one file per day */
	char stream[16];	/* "checkin", "pass", "quarantine" */
	char day[CG_DATE_LEN];	/* daily: the day selected by cg_journal_set_day */
	char name[64];		/* file name in dirfd */
	char label[128];	/* path below the data directory, for messages */
	dev_t dev;
	ino_t ino;
	off_t size;		/* size after our last look, -1 when unknown */
	uint64_t seq;
	char chain[CG_CHAIN_HEX + 1];

	struct cg_buf pending;	/* bodies without seq/chain, one per line */
	size_t npending;
	struct cg_buf committed;	/* the lines the last commit wrote */
	char notice[512];	/* a warning for main to print, "" when none */
	int tidy_due;		/* daily: a new day was opened since the last tidy */
	int compress;		/* daily: enum cg_compress_mode, for cg_journal_tidy_start */
	int locked;		/* cg_journal_catch_up took the lock */
	/* Where the last commit started and ended: a fold that stood at its
	 * start had its lines already (see cg_journal_catch_up). */
	struct cg_journal_pos commit_from, commit_to;
	/* The fdatasync of a commit made with cg_journal_commit_behind, on
	 * a thread of its own (over a copy of fd) until cg_journal_settle. */
	pthread_t syncer;
	int syncing;		/* the thread runs or is not joined yet */
	int sync_fd;		/* its descriptor; it closes it */
	int sync_errno;		/* its outcome: 0 or the errno of the sync */
	/* The data directory, for the tree each commit keeps current
	 * (store/tlog.h); owned copies, fd -1 when there is none. */
	struct cg_home home;
};

/* Open a stream ("checkin", "pass" or "quarantine") for appending. */
int cg_journal_open(struct cg_journal *j, const struct cg_home *h,
		    const char *stream, struct cg_err *err);
void cg_journal_release(struct cg_journal *j);

/* Daily journals: the day ("YYYY-MM-DD") the next commit writes to. */
int cg_journal_set_day(struct cg_journal *j, const char *day, struct cg_err *err);

/* Queue one record (serialised now; rec is not kept). 0 or -1. */
int cg_journal_add(struct cg_journal *j, const json_t *rec, struct cg_err *err);

static inline size_t cg_journal_pending_bytes(const struct cg_journal *j)
{
	return j->pending.len;
}

/*
 * Write every queued record under the lock and make it durable.  On return
 * j->committed holds the lines as written, to be printed by the caller.
 * 0 or -1 with *err; on error nothing queued may be reported as journaled.
 */
int cg_journal_commit(struct cg_journal *j, struct cg_err *err);

/*
 * Commit as cg_journal_commit does, but return once the lines are written:
 * the fdatasync that makes them durable runs on a thread meanwhile, so
 * that a batch's records can be decided while the disk takes the last
 * one's.  j->committed's lines must not be handed on (printed) before
 * cg_journal_settle returns 0.  Readers may see the lines before they are
 * durable, as they may between any commit's write and its sync.
 */
int cg_journal_commit_behind(struct cg_journal *j, struct cg_err *err);

/*
 * Wait for the sync of the last cg_journal_commit_behind: 0 when it is
 * done (or none runs), -1 with *err when it failed (its lines must then
 * never be reported as journaled).  Every commit settles the one before.
 */
int cg_journal_settle(struct cg_journal *j, struct cg_err *err);

/*
 * Deciding under the lock, for what must not be journaled twice (a pass
 * for a person who has one, a second revoke of a pass): take the journal's
 * lock and keep it until the next cg_journal_commit (or cg_journal_unlock),
 * set a torn tail aside, and fold through fn every line other processes
 * appended since *pos, which then is the journal's end.  What the caller
 * decides now and queues is checked against all that was journaled before
 * it, and nothing can come in between until the commit.
 *
 * The lines of this journal's own last commit are skipped when *pos stood
 * where that commit started: the caller folded them when it queued them.
 * Called again while the lock is held, it only reads what it must (nothing,
 * as the caller is the only writer then).  Only for journals of one file
 * ("pass", "quarantine").  0, or -1 with *err (the lock is let go).
 */
int cg_journal_catch_up(struct cg_journal *j, struct cg_journal_pos *pos,
			cg_fold_fn *fn, void *ctx, struct cg_err *err);

/*
 * Daily journals: select day and take the journal's lock, kept until the
 * next cg_journal_commit (or cg_journal_unlock), setting a torn tail
 * aside, so that the caller can read what others appended and decide
 * knowing nothing can come in between.  *fresh is 1 when the lock was
 * taken now (read what others appended), 0 when it was held already for
 * that day.  0, or -1 with *err.
 */
int cg_journal_lock_day(struct cg_journal *j, const char *day, int *fresh,
			struct cg_err *err);

/*
 * Take the journal's lock and keep it until the next cg_journal_commit
 * (or cg_journal_unlock), for a caller that reads the journal itself
 * before deciding what to queue (a correction of a check-in, which reads
 * several days).  0, or -1 with *err.
 */
int cg_journal_lock(struct cg_journal *j, struct cg_err *err);

/* Let go of the lock cg_journal_catch_up, cg_journal_lock_day or
 * cg_journal_lock took, if it holds it. */
void cg_journal_unlock(struct cg_journal *j);

/*
 * Daily journals: gzip the finished days (plain files of days before the
 * current one).  Each day is compressed into a temporary file, made
 * durable, read back and checked to end on the plain file's last seq and
 * chain, renamed into place (the directory synced) and only then is the
 * plain file removed: a crash at any point leaves a day every reader
 * reads whole.  A day that is damaged, or found compressed as well with
 * other records, is left as it is (an error, CG_EXIT_DAMAGED).  Finished
 * days are compressed by one process at a time (journal/checkin/
 * .compress.lock).
 *
 * cg_journal_tidy: once per new day opened, here and now, unless another
 * process is compressing.  cg_journal_compress: every finished day, now,
 * after waiting for any other compression to end (cg-checkin --compress).
 * 0, or -1 with *err; a failure leaves the day plain, which every reader
 * accepts.
 */
int cg_journal_tidy(struct cg_journal *j, struct cg_err *err);
int cg_journal_compress(struct cg_journal *j, struct cg_err *err);

/*
 * When a command that appends compresses the finished days
 * ($CG_COMPRESS): in a detached process started once the caller has
 * handed over its output (the default), in the process itself
 * (cg_journal_tidy), or never (left to cg-checkin --compress from cron).
 */
enum cg_compress_mode {
	CG_COMPRESS_BACKGROUND = 0,
	CG_COMPRESS_WAIT,
	CG_COMPRESS_OFF
};

/* "background" (or NULL or ""), "wait", "off": the mode, or -1. */
int cg_journal_compress_mode(const char *s);

/*
 * Once per new day opened, to be called only after the records of the
 * commit have been written and flushed to whoever waits for them: compress
 * the finished days as j->compress says.  In the background, a process of
 * its own (in its own session, standard input and output on /dev/null)
 * does it, holding the compression lock from before this returns, and
 * nobody waits for it; it is started only when a finished day is plain.
 * 0, or -1 with *err (housekeeping: callers warn).
 */
int cg_journal_tidy_start(struct cg_journal *j, struct cg_err *err);

/*
 * Reading a journal file with verification of seq and chain.  A missing
 * file reads as empty (->missing set).  A torn last line is skipped and
 * counted in ->torn: only a plain file being appended to can have one.
 * Any other damage is an error with CG_EXIT_DAMAGED and "LABEL:LINE: ..."
 * in the message; for a compressed day that includes a file that does not
 * decompress to its end (cut short, bad CRC, bytes after the data) and a
 * last line without its newline.
 *
 * A day found both plain and compressed: the plain file counts, and the
 * compressed one must be a leftover of an interrupted compression, its
 * records the first of the plain file's (same last seq and chain).  Then
 * ->leftover names it and ->notice says so, for the caller to warn;
 * otherwise (it is damaged itself, or differs) the day is damaged.
 */
/* Lines a reader hashes ahead of the one it checks, with it: as many as
 * SHA-256 runs side by side, less that one (crypto/sha256.h). */
#define CG_JOURNAL_AHEAD 3

struct cg_journal_reader {
	struct cg_jsonl_reader in;
	char label[128];
	int missing;
	int torn;
	uint64_t seq;		/* last seq read */
	char chain[CG_CHAIN_HEX + 1];	/* last chain read */
	char *line;		/* raw text of the last record; valid until next */
	size_t len;
	int archive;		/* reading a compressed day */
	char leftover[136];	/* label of a compressed copy beside it, or "" */
	uint64_t leftover_seq;	/* its last seq and chain */
	char leftover_chain[CG_CHAIN_HEX + 1];
	char notice[512];	/* a warning for the caller to print, or "" */
	char damage[CG_ERR_MSG_MAX];	/* damage found at open, returned by the first next */
	int ended;		/* damage reported: nothing more is read */
	/* The chains of the lines after the last one read, hashed with it
	 * (cg_journal_reader_next): ahead[iahead..nahead). */
	struct cg_journal_ahead {
		const char *line;	/* its text and length, its number */
		size_t len;
		unsigned long lineno;
		uint64_t seq;		/* its seq, where its chain field starts */
		size_t hashed;
		char prev[CG_CHAIN_HEX];	/* the chain it was hashed from */
		char chain[CG_CHAIN_HEX + 1];
	} ahead[CG_JOURNAL_AHEAD];
	int nahead, iahead;
};

/*
 * Open dirfd/name, or dirfd/name.gz when only that exists (both: see
 * above).  label is used in messages (e.g. "journal/pass.jsonl").
 */
int cg_journal_reader_open(struct cg_journal_reader *jr, int dirfd,
			   const char *name, const char *label,
			   struct cg_err *err);

/* Open a stream's journal below the data directory; for "checkin" day
 * names the file. */
int cg_journal_reader_open_stream(struct cg_journal_reader *jr,
				  const struct cg_home *h, const char *stream,
				  const char *day, struct cg_err *err);

/* 1 with a new reference in *rec (when rec is not NULL), 0 at the end, -1. */
int cg_journal_reader_next(struct cg_journal_reader *jr, json_t **rec,
			   struct cg_err *err);
void cg_journal_reader_release(struct cg_journal_reader *jr);

/*
 * Check one line against the seq and chain of the line before it (64
 * zeros and 0 before the first); on success they become the line's own.
 * Returns 0, or -1 with what is wrong in why.
 */
int cg_journal_check_line(const char *line, size_t len, uint64_t *seq,
			  char chain[CG_CHAIN_HEX + 1], const char **why);

/* Read a journal through, verifying it; ->seq and ->chain are its head. */
int cg_journal_verify(struct cg_journal_reader *jr, struct cg_err *err);

/*
 * Read a whole stream ("pass" or "quarantine") through fn, record by record
 * in journal order (rec is borrowed).  A missing journal is empty.  The
 * fold stops at the first error of fn or of the journal.
 */
int cg_journal_fold(const struct cg_home *h, const char *stream,
		    cg_fold_fn *fn, void *ctx, struct cg_err *err);

/*
 * The same from *pos on (cg_journal_pos_init: from the start), leaving
 * *pos at the end of the last whole line read, so that a later call (or
 * cg_journal_catch_up) reads only what was appended since.  A torn last
 * line is left for later.  Only for "pass" and "quarantine", which are
 * never compressed.  While fn runs, pos->end is where the line it is
 * handed starts (the case index points back at lines with it).
 */
int cg_journal_fold_from(const struct cg_home *h, const char *stream,
			 struct cg_journal_pos *pos, cg_fold_fn *fn, void *ctx,
			 struct cg_err *err);

/*
 * The same for one day's check-in journal: from *pos on, which must be 0
 * (the start) when the day is compressed.
 */
int cg_journal_fold_day_from(const struct cg_home *h, const char *day,
			     struct cg_journal_pos *pos, cg_fold_fn *fn, void *ctx,
			     struct cg_err *err);

/*
 * Whether a stream's journal (day for "checkin") still holds *pos: it is at
 * least pos->end bytes long and the line ending there carries pos->seq and
 * pos->chain, which stand for every line before it.  1 yes; 0 no (the file
 * is shorter, was replaced or rewritten, or is compressed); -1 with *err.
 * *sb is the file's status now (zeros when missing).  A missing file holds
 * only the start.
 */
struct stat;
int cg_journal_pos_holds(const struct cg_home *h, const char *stream,
			 const char *day, const struct cg_journal_pos *pos,
			 struct stat *sb, struct cg_err *err);

/*
 * The days ("YYYY-MM-DD", ascending) that have a check-in journal, plain or
 * compressed.  *days is a new JSON array of strings.
 */
int cg_journal_days(const struct cg_home *h, json_t **days, struct cg_err *err);

#endif
