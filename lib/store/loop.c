#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/csv.h"
#include "store/loop.h"

/* The longest record the loop prints by itself: what a journal line may
 * hold. */
#define PRINT_MAX CG_JOURNAL_MAX_LINE

int cg_loop_init(struct cg_loop *lp, const char *rejects_path, int line_buffered,
		 struct cg_err *err)
{
	memset(lp, 0, sizeof(*lp));
	cg_out_init(&lp->out, stdout, line_buffered);
	lp->batch_bytes = CG_LOOP_BATCH_BYTES;
	lp->max_line = CG_JSONL_MAX_LINE_DEFAULT;
	if (rejects_path) {
		/* Rejected lines are personal data: never through a link. */
		int fd = open(rejects_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
			      O_NOFOLLOW, 0600);

		if (fd < 0 || !(lp->rejects = fdopen(fd, "a"))) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot open '%s'"),
					    rejects_path);
		}
		lp->rejects_name = rejects_path;
	}
	return 0;
}

void cg_loop_reject(struct cg_loop *lp, const char *name, unsigned long lineno,
		    const char *line, size_t len, const char *why)
{
	cg_notify(&lp->notify, CG_MSG_ERROR, "%s:%lu: %s", name, lineno, why);
	if (lp->rejects && line) {
		fwrite(line, 1, len, lp->rejects);
		fputc('\n', lp->rejects);
	}
	lp->rejected++;
	if (lp->strict)
		lp->stopped = 1;
}

void cg_loop_refuse(struct cg_loop *lp, const char *why)
{
	cg_notify(&lp->notify, CG_MSG_ERROR, "%s", why);
	lp->rejected++;
}

void cg_loop_warning(struct cg_loop *lp, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lp->name)
		cg_notify(&lp->notify, CG_MSG_WARNING, "%s:%lu: %s", lp->name, lp->lineno, msg);
	else
		cg_notify(&lp->notify, CG_MSG_WARNING, "%s", msg);
}

/* An over-long line goes to the rejects file piece by piece, as the
 * reader skips it. */
static void overflow(void *ctx, const char *data, size_t len, int end)
{
	struct cg_loop *lp = ctx;

	if (!lp->rejects)
		return;
	fwrite(data, 1, len, lp->rejects);
	if (end)
		fputc('\n', lp->rejects);
}

/* Print committed lines, one flush per record when line buffered. */
static int print_lines(struct cg_loop *lp, const char *p, size_t len, struct cg_err *err)
{
	const char *end = p + len;

	if (lp->show)
		return lp->show(lp->ctx, lp, p, len, err);
	if (!lp->out.line_buffered)
		return cg_out_line(&lp->out, p, len, err);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (cg_out_line(&lp->out, p, (size_t)(nl - p) + 1, err) < 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

static int sync_rejects(struct cg_loop *lp, struct cg_err *err)
{
	if (!lp->rejects)
		return 0;
	if (fflush(lp->rejects) == EOF || fdatasync(fileno(lp->rejects)) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot write '%s'"), lp->rejects_name);
	return 0;
}

/*
 * A journal locked to decide under its lock (cg_journal_catch_up) is let
 * go once nothing is queued: never held while the loop waits for input or
 * writes to a reader that may be waiting for the same lock.
 */
static void let_go(struct cg_loop *lp)
{
	if (lp->journal && !lp->journal->npending)
		cg_journal_unlock(lp->journal);
}

/*
 * Print the lines of a commit made behind (commit_behind) once its sync is
 * done: then, and only then, are they journaled.  They are still the
 * journal's committed lines, as nothing commits before this is called.
 */
static int hand_on(struct cg_loop *lp, struct cg_err *err)
{
	struct cg_journal *j = lp->journal;

	if (!lp->holding)
		return 0;
	lp->holding = 0;
	if (cg_journal_settle(j, err) < 0)
		return -1;
	return print_lines(lp, j->committed.buf, j->committed.len, err);
}

/* Commit what is queued, its sync behind or not, and pass on its notice. */
static int commit_queued(struct cg_loop *lp, int behind, struct cg_err *err)
{
	struct cg_journal *j = lp->journal;
	char day[CG_DATE_LEN];

	cg_time_date(cg_clock_now(lp->clock), day);
	if (cg_journal_set_day(j, day, err) < 0 ||
	    (behind ? cg_journal_commit_behind(j, err) : cg_journal_commit(j, err)) < 0)
		return -1;
	if (j->notice[0]) {
		cg_notify(&lp->notify, CG_MSG_WARNING, "%s", j->notice);
		j->notice[0] = '\0';
	}
	return 0;
}

/* After a commit: derived state follows the journal (a failure is a
 * warning: the next run catches up from the journal). */
static void follow_commit(struct cg_loop *lp)
{
	struct cg_err tidy = CG_ERR_INIT;

	if (lp->committed && lp->committed(lp->ctx, lp->journal, &tidy) < 0)
		cg_notify(&lp->notify, CG_MSG_WARNING, "%s", tidy.msg);
}

/*
 * Compressing old days is housekeeping, and may take seconds on a big
 * day: the decisions go out first, whoever waits for them gets them now,
 * and a failure is a warning.
 */
static int tidy_if_due(struct cg_loop *lp, struct cg_err *err)
{
	struct cg_err tidy = CG_ERR_INIT;

	if (!lp->journal->tidy_due)
		return 0;
	if (cg_out_flush(&lp->out, err) < 0)
		return -1;
	if (cg_journal_tidy_start(lp->journal, &tidy) < 0)
		cg_notify(&lp->notify, CG_MSG_WARNING, "%s", tidy.msg);
	return 0;
}

int cg_loop_flush(struct cg_loop *lp, struct cg_err *err)
{
	struct cg_journal *j = lp->journal;

	if (sync_rejects(lp, err) < 0 || hand_on(lp, err) < 0)
		return -1;
	let_go(lp);
	if (!j || !j->npending)
		return 0;
	if (commit_queued(lp, 0, err) < 0 ||
	    print_lines(lp, j->committed.buf, j->committed.len, err) < 0)
		return -1;
	follow_commit(lp);
	return tidy_if_due(lp, err);
}

/*
 * A full batch with more input to come: commit it, and while the disk
 * makes it durable decide the next records; its lines are printed by the
 * next flush, before anything else (hand_on).  Durable before printed, as
 * always; the sync and the deciding overlap instead of taking turns.
 */
static int flush_behind(struct cg_loop *lp, struct cg_err *err)
{
	if (sync_rejects(lp, err) < 0 || hand_on(lp, err) < 0 ||
	    commit_queued(lp, 1, err) < 0)
		return -1;
	follow_commit(lp);
	lp->holding = 1;
	if (lp->journal->tidy_due)
		return hand_on(lp, err) < 0 ? -1 : tidy_if_due(lp, err);
	return 0;
}

int cg_loop_print(struct cg_loop *lp, const json_t *rec, struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(PRINT_MAX);
	char small[8192];
	size_t n;
	int ret;

	lp->emitted++;
	if (lp->collect)
		return json_array_append(lp->collect, (json_t *)rec) < 0 ?
			cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) : 0;
	if (lp->journal && (lp->journal->npending || lp->holding) && cg_loop_flush(lp, err) < 0)
		return -1;
	let_go(lp);
	/* Most records fit on the stack: no allocation, encoded once. */
	n = cg_json_dumpb(rec, small, sizeof(small) - 1);
	if (n > 0 && n < sizeof(small)) {
		small[n] = '\n';
		return print_lines(lp, small, n + 1, err);
	}
	if (cg_jsonl_dump(rec, &line) < 0) {
		cg_buf_release(&line);
		if (errno == E2BIG)
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("cannot write a record longer than %d bytes"), PRINT_MAX);
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM, _("cannot write a record"));
	}
	ret = print_lines(lp, line.buf, line.len, err);
	cg_buf_release(&line);
	return ret;
}

int cg_loop_print_line(struct cg_loop *lp, const char *line, size_t len,
		       struct cg_err *err)
{
	char why[256];
	json_t *rec;
	int ret;

	if (lp->collect) {
		if (!(rec = cg_jsonl_parse(line, len && line[len - 1] == '\n' ? len - 1 : len,
					   why, sizeof(why))))
			return cg_err_set(err, CG_EXIT_SYSTEM, "%s", why);
		ret = cg_loop_print(lp, rec, err);
		json_decref(rec);
		return ret;
	}
	lp->emitted++;
	if (lp->journal && (lp->journal->npending || lp->holding) && cg_loop_flush(lp, err) < 0)
		return -1;
	let_go(lp);
	return cg_out_line(&lp->out, line, len, err);
}

int cg_loop_emit(struct cg_loop *lp, const json_t *rec, struct cg_err *err)
{
	if (!lp->journal || lp->collect)
		return cg_loop_print(lp, rec, err);
	lp->emitted++;
	return cg_journal_add(lp->journal, rec, err);
}

int cg_loop_commit_due(struct cg_loop *lp, struct cg_err *err)
{
	if (lp->journal && lp->journal->npending &&
	    cg_journal_pending_bytes(lp->journal) >= lp->batch_bytes)
		return cg_loop_flush(lp, err);
	return 0;
}

int cg_loop_take(struct cg_loop *lp, const char *name, unsigned long lineno,
		 char *text, size_t len, struct cg_err *err)
{
	struct cg_loop_line ln = { name, lineno, text, len, NULL };
	char why[CG_LOOP_WHY_MAX];
	json_t *rec = NULL;
	int st;

	why[0] = '\0';
	if (lp->parse) {
		json_t *head = lp->record_head ? lp->record_head(lp->ctx) : NULL;

		rec = cg_jsonl_parse_into(head, text, len, why, sizeof(why));
		json_decref(head);
		if (!rec) {
			cg_loop_reject(lp, name, lineno, text, len, why);
			return 0;
		}
	}
	ln.rec = rec;
	lp->name = name;
	lp->lineno = lineno;
	st = lp->fn(lp->ctx, lp, &ln, why, sizeof(why), err);
	lp->name = NULL;
	json_decref(rec);
	if (st < 0)
		return -1;
	if (st > 0)
		cg_loop_reject(lp, name, lineno, text, len, why);
	else
		lp->taken++;
	return 0;
}

/* One physical line of CSV input: a row once it is whole. */
static int take_csv(struct cg_loop *lp, struct cg_csv *csv, const char *name,
		    char *line, size_t len, int at_end, struct cg_err *err)
{
	char why[CG_LOOP_WHY_MAX];

	why[0] = '\0';
	switch (at_end ? cg_csv_end(csv, why, sizeof(why)) :
		cg_csv_feed(csv, line, len, why, sizeof(why))) {
	case CG_CSV_ROW:
		return cg_loop_take(lp, name, csv->row, csv->json.buf, csv->json.len, err);
	case CG_CSV_BAD:
		cg_loop_reject(lp, name, csv->row, csv->record.buf, csv->record.len, why);
		return 0;
	default:
		return 0;
	}
}

/* The loop over in's lines; each goes to csv when set.  0 or -1. */
static int run(struct cg_loop *lp, struct cg_jsonl_reader *in, struct cg_csv *csv,
	       struct cg_err *err)
{
	char *line;
	size_t len;
	int st;

	in->overflow = overflow;
	in->overflow_ctx = lp;
	while (!lp->stopped && !lp->quit &&
	       (st = cg_jsonl_next(in, &line, &len, err)) != CG_JSONL_EOF) {
		int waiting;

		if (st < 0)
			return -1;
		if (st == CG_JSONL_TOO_LONG) {
			char why[CG_LOOP_WHY_MAX];

			if (lp->too_long)
				snprintf(why, sizeof(why), "%s", lp->too_long);
			else
				snprintf(why, sizeof(why), _("line longer than %zu bytes"),
					 in->max_line);
			lp->too_long_lines++;
			cg_loop_reject(lp, in->name, in->lineno, NULL, 0, why);
		} else if (csv ? take_csv(lp, csv, in->name, line, len, 0, err) < 0 :
			   cg_loop_take(lp, in->name, in->lineno, line, len, err) < 0) {
			return -1;
		}
		/* Before waiting for input, everything decided so far is
		 * made durable and handed on. */
		waiting = cg_jsonl_would_block(in);
		if (waiting && lp->drain && lp->drain(lp->ctx, lp, err) < 0)
			return -1;
		if (waiting)
			let_go(lp);
		if (lp->journal && (lp->journal->npending || lp->holding) && waiting &&
		    cg_loop_flush(lp, err) < 0)
			return -1;
		if (lp->journal && !waiting &&
		    cg_journal_pending_bytes(lp->journal) >= lp->batch_bytes &&
		    flush_behind(lp, err) < 0)
			return -1;
		if (waiting && cg_out_flush(&lp->out, err) < 0)
			return -1;
	}
	if (lp->drain && lp->drain(lp->ctx, lp, err) < 0)
		return -1;
	return 0;
}

int cg_loop_run(struct cg_loop *lp, struct cg_jsonl_reader *in, struct cg_err *err)
{
	struct cg_csv csv;
	int ret;

	if (lp->input_format == CG_INPUT_CSV ||
	    (lp->input_format == CG_INPUT_AUTO && cg_csv_path(in->name))) {
		cg_csv_init(&csv, lp->max_line);
		in->raw = 1;
		ret = run(lp, in, &csv, err);
		if (ret == 0 && !lp->stopped && !lp->quit)
			ret = take_csv(lp, &csv, in->name, NULL, 0, 1, err);
		if (ret == 0)
			ret = cg_loop_flush(lp, err);
		cg_csv_release(&csv);
		return ret;
	}
	return run(lp, in, NULL, err) < 0 ? -1 : cg_loop_flush(lp, err);
}

int cg_loop_run_files(struct cg_loop *lp, char **files, int nfiles, struct cg_err *err)
{
	struct cg_jsonl_reader in;
	int ret = 0;

	for (int i = 0; i < (nfiles ? nfiles : 1) && ret == 0 && !lp->stopped && !lp->quit; i++) {
		if (!nfiles || !strcmp(files[i], "-"))
			cg_jsonl_reader_init_fd(&in, STDIN_FILENO, "stdin", lp->max_line);
		else if (cg_jsonl_reader_open(&in, AT_FDCWD, files[i], files[i],
					      lp->max_line, err) < 0)
			return -1;
		ret = cg_loop_run(lp, &in, err);
		cg_jsonl_reader_release(&in);
	}
	return ret;
}

int cg_loop_finish(struct cg_loop *lp, struct cg_err *err)
{
	int ret = cg_loop_flush(lp, err);

	if (lp->rejects) {
		if (fclose(lp->rejects) == EOF && ret == 0)
			ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					   _("cannot write '%s'"), lp->rejects_name);
		lp->rejects = NULL;
	}
	return ret;
}

int cg_loop_status(const struct cg_loop *lp)
{
	return lp->rejected ? CG_EXIT_REJECTED : CG_EXIT_OK;
}
