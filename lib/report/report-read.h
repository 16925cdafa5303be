#ifndef CG_REPORT_READ_H
#define CG_REPORT_READ_H

#include <stdio.h>

#include "core/error.h"
#include "core/home.h"
#include "json/jsonl.h"
#include "rules/correction.h"
#include "store/loop.h"
#include "report/report.h"

/*
 * Feeding a report from the journals of the data directory or from files.
 *
 * Journals are verified as they are read (seq without gaps, the SHA-256
 * chain; see journal.h), by cg_journal_reader_next on a thread of its own:
 * hashing is most of the cost of a big day.  A journal damaged before
 * its last line is reported ("LABEL:LINE: journal damaged: ..."), the
 * lines after the damage are still counted, unverified, and the journal is
 * listed with "verified": false.
 *
 * Every line goes through the input loop (store/loop.h), rd->loop: its
 * rejects file, strict (rd->loop.strict, .stopped, .rejected) and
 * FILE:LINE messages are those of every command.  Nothing is printed:
 * rejections, damage and the progress line go to rd->notify.
 */
struct cg_report_reader {
	struct cg_report *r;	/* NULL: lines go only to the fn given */
	struct cg_loop loop;
	struct cg_notifier notify;	/* main's */
	int progress;		/* say how far it got (CG_MSG_PROGRESS) */
	int damaged;		/* some journal did not verify */
	/* With cg_report_read_corrections: the corrections applied to the
	 * check-in journals read, and whose they are. */
	struct cg_corrections fix;
	int fixing;
	char compound[96];
	size_t max_line;	/* for files; 0: the default */
	/* progress state */
	unsigned long lines;
	double last_shown;
};

/*
 * Set up for the report r, with the rejects file rejects_path (may be
 * NULL; never through a link).  rd must stay where it is until
 * cg_report_reader_finish.  0, or -1 with *err.
 */
int cg_report_reader_init(struct cg_report_reader *rd, struct cg_report *r,
			  const char *rejects_path, struct cg_err *err);

/* Clear the progress line and close the rejects file.  0 or -1. */
int cg_report_reader_finish(struct cg_report_reader *rd, struct cg_err *err);

/*
 * Read the journal of stream ("checkin" with a day "YYYY-MM-DD", "pass"
 * or "quarantine").  A missing journal is skipped (and not listed).
 * Returns 0, or -1 with *err on a system error.
 */
int cg_report_read_journal(struct cg_report_reader *rd, const struct cg_home *h,
			   const char *stream, const char *day, struct cg_err *err);

/*
 * Read the check-in journals of the days first..last (local days), as
 * cg_report_read_journal reads each, in one pipeline: the next day is
 * read while the day before is counted.  0, or -1 with *err.
 */
int cg_report_read_checkins(struct cg_report_reader *rd, const struct cg_home *h,
			    int32_t first, int32_t last, struct cg_err *err);

/*
 * Before the check-in journals of the days since..until (local days) are
 * read: look through those days and every day after them up to today (the
 * local day of now; store/lookthrough.h) for corrections of their records
 * and of records back-filled later, list the corrections of records of the period in the
 * report, and apply them as the journals are read: a voided record is
 * not counted, an amended one is counted as its latest amendment (on the
 * day of its "ts"), and the correction records themselves are counted as
 * nothing else.  Corrections of records read from files are listed, not
 * applied (records in files carry no rid).  0, or -1 with *err.
 */
int cg_report_read_corrections(struct cg_report_reader *rd, const struct cg_home *h,
			       const char *compound, int32_t since, int32_t until,
			       int32_t today, struct cg_err *err);

/*
 * With the household exit quota on (p), before the check-in journals of
 * the period starting on day since are read: the exits of the days
 * before whose time to be back falls in the period
 * (cg_report_carry_exit), found with store/lookthrough.h.  0 or -1.
 */
int cg_report_read_exits_before(struct cg_report_reader *rd, const struct cg_home *h,
				const struct cg_policy *p, int32_t since, struct cg_err *err);

/*
 * After the check-in journals of the days since..until are read: the
 * records of those days registered later, in the journals of every day
 * after until up to today, however late: a paper register typed in the
 * next morning, or weeks later, is counted on its own day.  They are
 * found by their "ts" among the later days' odd lines (store/lookthrough.h:
 * a finished day's are kept, so it is not read again), corrected as the
 * journal's own lines are, and counted; lines the report rejects are
 * reported as "journal/checkin/DAY.jsonl:SEQ: why".  0, or -1 with *err.
 */
int cg_report_read_backfilled(struct cg_report_reader *rd, const struct cg_home *h,
			      int32_t since, int32_t until, int32_t today, struct cg_err *err);

/* Read a file of records ("-" for standard input; gzip is read as such).
 * 0, or -1 with *err. */
int cg_report_read_file(struct cg_report_reader *rd, const char *path,
			struct cg_err *err);

/* Clear the progress line, if one is shown. */
void cg_report_reader_done(struct cg_report_reader *rd);

/*
 * The line loop alone, for other readers of records (--merge): each line
 * of in goes to fn, which returns 0 taken, 1 rejected (why filled), -1
 * error.  Rejected lines are reported as "FILE:LINE: why".
 */
typedef int cg_report_line_fn(void *ctx, const char *line, size_t len,
			      char *why, size_t whylen, struct cg_err *err);
int cg_report_read_lines(struct cg_report_reader *rd, struct cg_jsonl_reader *in,
			 cg_report_line_fn *fn, void *ctx, struct cg_err *err);

#endif
