#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "store/filter.h"
#include "core/home.h"
#include "core/i18n.h"

/*
 * A batch is committed when input would block (so an interactive line is
 * synced at once) or when this much is queued, which bounds memory and
 * keeps fsyncs to a few dozen for a million lines.
 */
#define BATCH_BYTES (1024 * 1024)

int cg_filter_init(struct cg_filter *f, const char *rejects_path,
		   int line_buffered, struct cg_err *err)
{
	memset(f, 0, sizeof(*f));
	cg_out_init(&f->out, stdout, line_buffered);
	f->batch_bytes = BATCH_BYTES;
	f->max_line = CG_JSONL_MAX_LINE_DEFAULT;
	if (rejects_path) {
		int fd = open(rejects_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd < 0 || !(f->rejects = fdopen(fd, "a"))) {
			if (fd >= 0)
				close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot open '%s'"), rejects_path);
		}
		f->rejects_name = rejects_path;
	}
	return 0;
}

void cg_filter_reject(struct cg_filter *f, const struct cg_jsonl_reader *in,
		      const char *line, size_t len, const char *why)
{
	cg_error("%s:%lu: %s", in->name, in->lineno, why);
	if (f->rejects && line) {
		fwrite(line, 1, len, f->rejects);
		fputc('\n', f->rejects);
	}
	f->rejected++;
	if (f->strict)
		f->stopped = 1;
}

/* An over-long line goes to the rejects file piece by piece. */
static void overflow(void *ctx, const char *data, size_t len, int end)
{
	struct cg_filter *f = ctx;

	if (!f->rejects)
		return;
	fwrite(data, 1, len, f->rejects);
	if (end)
		fputc('\n', f->rejects);
}

void cg_filter_watch(struct cg_filter *f, struct cg_jsonl_reader *in)
{
	in->overflow = overflow;
	in->overflow_ctx = f;
}

static int print_lines(struct cg_filter *f, const char *p, size_t len,
		       struct cg_err *err)
{
	const char *end = p + len;

	if (!f->out.line_buffered)
		return cg_out_line(&f->out, p, len, err);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (cg_out_line(&f->out, p, (size_t)(nl - p) + 1, err) < 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

static int sync_rejects(struct cg_filter *f, struct cg_err *err)
{
	if (!f->rejects)
		return 0;
	if (fflush(f->rejects) == EOF || fdatasync(fileno(f->rejects)) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot write '%s'"), f->rejects_name);
	return 0;
}

/* Compressing old days is housekeeping: a failure is a warning. */
static int tidy(struct cg_journal *j)
{
	struct cg_err err = CG_ERR_INIT;

	if (cg_journal_tidy(j, &err) < 0)
		cg_warning("%s", err.msg);
	return 0;
}

int cg_filter_flush(struct cg_filter *f, struct cg_err *err)
{
	struct cg_journal *j = f->journal;
	char day[CG_DATE_LEN];

	if (sync_rejects(f, err) < 0)
		return -1;
	if (!j || !j->npending)
		return 0;
	cg_time_date(cg_clock_now(f->clock), day);
	if (cg_journal_set_day(j, day, err) < 0 || cg_journal_commit(j, err) < 0)
		return -1;
	if (j->notice[0]) {
		cg_warning("%s", j->notice);
		j->notice[0] = '\0';
	}
	if (print_lines(f, j->committed.buf, j->committed.len, err) < 0)
		return -1;
	return tidy(j);
}

int cg_filter_print(struct cg_filter *f, const json_t *rec, struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(SIZE_MAX);
	int ret;

	f->accepted++;
	if (f->collect)
		return json_array_append(f->collect, (json_t *)rec);
	if (cg_filter_flush(f, err) < 0)
		return -1;
	if (cg_jsonl_dump(rec, &line) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM, _("cannot write a record"));
	ret = cg_out_line(&f->out, line.buf, line.len, err);
	cg_buf_release(&line);
	return ret;
}

int cg_filter_emit(struct cg_filter *f, const json_t *rec, struct cg_err *err)
{
	if (!f->journal)
		return cg_filter_print(f, rec, err);
	f->accepted++;
	return cg_journal_add(f->journal, rec, err);
}

static int one_line(struct cg_filter *f, struct cg_jsonl_reader *in,
		    char *line, size_t len, struct cg_err *err)
{
	char why[512];
	json_t *rec, *out;
	int ret;

	rec = cg_jsonl_parse(line, len, why, sizeof(why));
	if (!rec) {
		cg_filter_reject(f, in, line, len, why);
		return 0;
	}
	f->print_only = 0;
	out = f->process(f->ctx, rec, why, sizeof(why));
	json_decref(rec);
	if (!out) {
		cg_filter_reject(f, in, line, len, why);
		return 0;
	}
	ret = f->print_only ? cg_filter_print(f, out, err) : cg_filter_emit(f, out, err);
	json_decref(out);
	return ret;
}

int cg_filter_run(struct cg_filter *f, struct cg_jsonl_reader *in,
		  struct cg_err *err)
{
	char *line;
	size_t len;
	int st;

	cg_filter_watch(f, in);
	while (!f->stopped && (st = cg_jsonl_next(in, &line, &len, err)) != CG_JSONL_EOF) {
		char why[128];
		int waiting;

		if (st < 0)
			return -1;
		if (st == CG_JSONL_TOO_LONG) {
			snprintf(why, sizeof(why), _("line longer than %zu bytes"), in->max_line);
			cg_filter_reject(f, in, NULL, 0, why);
		} else if (one_line(f, in, line, len, err) < 0) {
			return -1;
		}
		/* Before waiting for input, everything decided so far is
		 * made durable and handed on: a program that sent one line
		 * is waiting for its answer. */
		waiting = cg_jsonl_would_block(in);
		if (f->journal && f->journal->npending &&
		    (waiting || cg_journal_pending_bytes(f->journal) >= f->batch_bytes) &&
		    cg_filter_flush(f, err) < 0)
			return -1;
		if (waiting && cg_out_flush(&f->out, err) < 0)
			return -1;
	}
	return cg_filter_flush(f, err);
}

int cg_filter_run_files(struct cg_filter *f, char **files, int nfiles,
			struct cg_err *err)
{
	struct cg_jsonl_reader in;
	int ret = 0;

	if (nfiles == 0) {
		cg_jsonl_reader_init_fd(&in, STDIN_FILENO, "stdin", f->max_line);
		ret = cg_filter_run(f, &in, err);
		cg_jsonl_reader_release(&in);
		return ret;
	}
	for (int i = 0; i < nfiles && ret == 0 && !f->stopped; i++) {
		if (!strcmp(files[i], "-")) {
			cg_jsonl_reader_init_fd(&in, STDIN_FILENO, "stdin", f->max_line);
		} else if (cg_jsonl_reader_open(&in, AT_FDCWD, files[i], files[i],
						f->max_line, err) < 0) {
			return -1;
		}
		ret = cg_filter_run(f, &in, err);
		cg_jsonl_reader_release(&in);
	}
	return ret;
}

int cg_filter_finish(struct cg_filter *f, struct cg_err *err)
{
	int ret = cg_filter_flush(f, err);

	if (ret == 0)
		ret = cg_out_close(&f->out, err);
	if (f->rejects) {
		if (fclose(f->rejects) == EOF && ret == 0)
			ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					   _("cannot write '%s'"), f->rejects_name);
		f->rejects = NULL;
	}
	return ret;
}

int cg_filter_status(const struct cg_filter *f)
{
	return f->rejected ? CG_EXIT_REJECTED : CG_EXIT_OK;
}
