#ifndef CG_LOOP_H
#define CG_LOOP_H

#include <stdio.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/cmd.h"
#include "core/error.h"
#include "json/jsonl.h"
#include "store/journal.h"

/*
 * The input loop of every command that reads records: JSON lines, or CSV
 * with a header row (json/csv.h: each row taken as the JSON line it
 * stands for, numbered as a spreadsheet numbers its rows), from files or
 * standard input.  CSV is read with ->input_format CG_INPUT_CSV, or for a
 * file whose name ends in ".csv" unless it is CG_INPUT_JSON.
 *
 * Each line goes to ->fn with its FILE:LINE, as text or, with ->parse, as
 * a JSON object.  fn emits zero or more records, with cg_loop_emit
 * (journaled with group commit, printed once durable) or cg_loop_print
 * (printed only), or rejects the line with a reason.  A rejected line
 * never stops the stream (unless ->strict: then the loop stops after it)
 * and is never lost: "FILE:LINE: why" goes to ->notify and the line, whole,
 * to the rejects file.  So does a line longer than ->max_line, which is
 * never held in memory, and a torn last line (no newline) that does not
 * parse; a last line without a newline that does parse is taken.
 *
 * Records are flushed one by one on a terminal or with --line-buffered;
 * and before the loop waits for input, everything decided is made durable
 * and handed on: a program that sent one line is waiting for its answer.
 * The loop prints nothing but records: messages go to ->notify.
 */

/* A rejection's reason, at most this long: a message, not a dump. */
#define CG_LOOP_WHY_MAX 512

/*
 * Queued journal records are committed when this much is pending, at
 * least: it bounds memory and keeps fsyncs to a few dozen for a million
 * lines.
 */
#define CG_LOOP_BATCH_BYTES (1024 * 1024)

struct cg_loop;

/* One input line as fn sees it. */
struct cg_loop_line {
	const char *name;	/* the input, for messages: "stdin" or the path */
	unsigned long lineno;	/* from 1 */
	char *text;		/* without its line ending; NUL-terminated when
				 * the loop read it (cg_loop_take: as given);
				 * fn may change it in place, but a line it
				 * rejects is kept as it leaves it */
	size_t len;
	json_t *rec;		/* with ->parse, the line's object (fn may
				 * change it: the loop drops it after); else NULL */
};

/*
 * Take one line: 0 when taken, 1 when rejected (the reason in why, and
 * nothing emitted), -1 with *err on a system error, which ends the loop.
 */
typedef int cg_loop_fn(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		       char *why, size_t whylen, struct cg_err *err);

/*
 * For an fn that holds lines back (cg-pass verify checks signatures in
 * batches): called before the loop waits for input and at the end of each
 * input, to emit what is held.  0, or -1 with *err.
 */
typedef int cg_loop_drain_fn(void *ctx, struct cg_loop *lp, struct cg_err *err);

struct cg_loop {
	/* Set by the caller after cg_loop_init. */
	cg_loop_fn *fn;
	cg_loop_drain_fn *drain;	/* may be NULL */
	void *ctx;
	int parse;			/* hand fn objects; reject what is not one */
	/* With parse, a new object whose members come first in every
	 * record (the line's own values replacing theirs in place), so that
	 * fn can make the record it writes out of the line's object itself;
	 * NULL: plain objects.  May be NULL. */
	json_t *(*record_head)(void *ctx);
	enum cg_input_format input_format;	/* core/cmd.h */
	int strict;			/* stop after the first rejected line */
	size_t max_line;		/* longer lines are rejected */
	const char *too_long;		/* the reason given for one; NULL:
					 * "line longer than MAX bytes" */
	struct cg_journal *journal;	/* NULL: print without journaling */
	const struct cg_clock *clock;	/* picks the day of daily journals */
	json_t *collect;		/* when set, records are gathered here
					 * instead of printed; borrowed */
	size_t batch_bytes;		/* commit at least this often */
	struct cg_notifier notify;	/* rejections and warnings */
	int quit;			/* fn sets it to read no further */
	/* Called after each commit (derived state kept current), before
	 * the next is decided: in a batch, maybe before its sync is done
	 * and its records printed.  A failure is a warning.  May be NULL. */
	int (*committed)(void *ctx, const struct cg_journal *j, struct cg_err *err);
	/* Prints the committed lines for a person instead (a masked text
	 * form); may be NULL. */
	int (*show)(void *ctx, struct cg_loop *lp, const char *lines, size_t len,
		    struct cg_err *err);

	/* Read by the caller. */
	struct cg_out out;		/* standard output; main closes it */
	unsigned long taken, rejected;	/* input lines */
	unsigned long too_long_lines;	/* of the rejected */
	unsigned long emitted;		/* records journaled or printed */
	int stopped;			/* strict met a rejected line */

	/* private */
	int holding;			/* the journal's last commit is printed
					 * once its sync, running behind, is done */
	FILE *rejects;
	const char *rejects_name;
	const char *name;		/* the line being taken, for warnings */
	unsigned long lineno;
};

/*
 * Set up with stdout as output.  rejects_path (may be NULL) is opened for
 * appending, never through a symbolic link.  0, or -1 with *err.
 */
int cg_loop_init(struct cg_loop *lp, const char *rejects_path, int line_buffered,
		 struct cg_err *err);

/* Read one input through.  0, or -1 with *err. */
int cg_loop_run(struct cg_loop *lp, struct cg_jsonl_reader *in, struct cg_err *err);

/* Read the named inputs through (none, or "-": standard input).  0 or -1. */
int cg_loop_run_files(struct cg_loop *lp, char **files, int nfiles,
		      struct cg_err *err);

/*
 * Take one line that was read elsewhere (a journal checked on a thread of
 * its own), as cg_loop_run takes each of its lines.  0 or -1.
 */
int cg_loop_take(struct cg_loop *lp, const char *name, unsigned long lineno,
		 char *text, size_t len, struct cg_err *err);

/* Reject a line as the loop does: reported, kept whole, counted. */
void cg_loop_reject(struct cg_loop *lp, const char *name, unsigned long lineno,
		    const char *line, size_t len, const char *why);

/* Refuse a command-line operand (not a line): "why" is reported and
 * counted as rejected; nothing is kept and strict does not stop. */
void cg_loop_refuse(struct cg_loop *lp, const char *why);

/* A warning about the line being taken: "FILE:LINE: msg" to ->notify. */
void cg_loop_warning(struct cg_loop *lp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Journal rec (borrowed) and print it once durable; without a journal,
 * print it now. */
int cg_loop_emit(struct cg_loop *lp, const json_t *rec, struct cg_err *err);

/* Print rec (borrowed) without journaling it, after what is queued. */
int cg_loop_print(struct cg_loop *lp, const json_t *rec, struct cg_err *err);

/* Print a record already encoded (one JSON line of len bytes with its
 * newline, borrowed) as cg_loop_print prints one. */
int cg_loop_print_line(struct cg_loop *lp, const char *line, size_t len,
		       struct cg_err *err);

/* Commit what is queued once it reaches ->batch_bytes, for callers that
 * emit outside the loop (a release of every finished case). */
int cg_loop_commit_due(struct cg_loop *lp, struct cg_err *err);

/* Commit what is queued and print it (and what an earlier commit still
 * holds back); sync the rejects file. */
int cg_loop_flush(struct cg_loop *lp, struct cg_err *err);

/* Flush, and close the rejects file (stdout stays open for main). */
int cg_loop_finish(struct cg_loop *lp, struct cg_err *err);

/* CG_EXIT_OK, or CG_EXIT_REJECTED when any line was rejected. */
int cg_loop_status(const struct cg_loop *lp);

#endif
