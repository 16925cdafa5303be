#ifndef CG_FILTER_H
#define CG_FILTER_H

#include <stdio.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "store/journal.h"
#include "json/jsonl.h"

/*
 * The loop every record-in, record-out command runs: read JSON lines,
 * hand each object to ->process, journal what it returns with group commit
 * and print it once durable.  A bad line is reported on stderr as
 * "PROG: FILE:LINE: reason", copied whole to the rejects file, and the
 * stream goes on (or stops, with strict).
 */
struct cg_filter {
	/*
	 * Decide one input record (borrowed).  Returns the record to journal
	 * and print (a new reference), or NULL with a reason in why to
	 * reject the line.
	 */
	json_t *(*process)(void *ctx, const json_t *rec, char *why, size_t whylen);
	void *ctx;
	/*
	 * Set by process (through cg_filter_print_only) for a record to print
	 * without journaling, such as a pass that already existed; it is
	 * printed in its place among the others.
	 */
	int print_only;
	json_t *collect;		/* when set, records are gathered here
					 * instead of printed; borrowed */

	struct cg_journal *journal;	/* NULL: print without journaling */
	const struct cg_clock *clock;	/* picks the day of daily journals */
	struct cg_out out;
	FILE *rejects;			/* NULL when not kept; owned */
	const char *rejects_name;
	size_t max_line;
	size_t batch_bytes;		/* commit at least this often */
	int strict;
	int stopped;			/* strict mode met a bad line */
	unsigned long accepted, rejected;
};

/*
 * Set up with stdout as output.  rejects_path may be NULL.  0 or -1 with
 * *err when the rejects file cannot be opened.
 */
int cg_filter_init(struct cg_filter *f, const char *rejects_path,
		   int line_buffered, struct cg_err *err);

/* Read one input through.  -1 with *err on a system error. */
int cg_filter_run(struct cg_filter *f, struct cg_jsonl_reader *in,
		  struct cg_err *err);

/*
 * Run over the named inputs ("-" or none for stdin).  -1 with *err on a
 * system error.
 */
int cg_filter_run_files(struct cg_filter *f, char **files, int nfiles,
			struct cg_err *err);

/* Have an over-long line of in copied whole to the rejects file as it is
 * skipped, as the loop does. */
void cg_filter_watch(struct cg_filter *f, struct cg_jsonl_reader *in);

/* Report a bad line as the loop does (for commands with their own loop). */
void cg_filter_reject(struct cg_filter *f, const struct cg_jsonl_reader *in,
		      const char *line, size_t len, const char *why);

/* Called from ->process: the record it returns is printed, not journaled. */
static inline void cg_filter_print_only(struct cg_filter *f)
{
	f->print_only = 1;
}

/* Print rec now without journaling it, after the records queued before. */
int cg_filter_print(struct cg_filter *f, const json_t *rec, struct cg_err *err);

/* Journal and print one record now (steals nothing; rec is borrowed). */
int cg_filter_emit(struct cg_filter *f, const json_t *rec, struct cg_err *err);

/* Commit what is queued and print it. */
int cg_filter_flush(struct cg_filter *f, struct cg_err *err);

/* Flush, close stdout and the rejects file. */
int cg_filter_finish(struct cg_filter *f, struct cg_err *err);

/* CG_EXIT_OK, or CG_EXIT_REJECTED when any line was rejected. */
int cg_filter_status(const struct cg_filter *f);

#endif
