#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/lookthrough.h"
#include "report/report-checkpoint.h"
#include "store/rid.h"
#include "report/report-read.h"
#include "report/report-counters.h"

/* The loop's messages: the progress line is cleared before each. */
static void tell(void *ctx, enum cg_msg_kind kind, const char *msg)
{
	struct cg_report_reader *rd = ctx;

	cg_report_reader_done(rd);
	cg_notify(&rd->notify, kind, "%s", msg);
}

int cg_report_reader_init(struct cg_report_reader *rd, struct cg_report *r,
			  const char *rejects_path, struct cg_err *err)
{
	memset(rd, 0, sizeof(*rd));
	rd->r = r;
	if (cg_loop_init(&rd->loop, rejects_path, 0, err) < 0)
		return -1;
	rd->loop.notify = (struct cg_notifier){ tell, rd };
	return 0;
}

int cg_report_reader_finish(struct cg_report_reader *rd, struct cg_err *err)
{
	cg_report_reader_done(rd);
	if (rd->fixing)
		cg_corrections_release(&rd->fix);
	rd->fixing = 0;
	return cg_loop_finish(&rd->loop, err);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(struct cg_report_reader *rd, const char *name)
{
	double now;

	if (!rd->progress || (++rd->lines & 0xFFFF))
		return;
	now = seconds();
	if (now - rd->last_shown < 0.25)
		return;
	rd->last_shown = now;
	cg_notify(&rd->notify, CG_MSG_PROGRESS, _("%s: %s: %lu records"), cg_progname(),
		  name, rd->lines);
}

void cg_report_reader_done(struct cg_report_reader *rd)
{
	if (rd->progress && rd->last_shown > 0) {
		rd->last_shown = 0;
		cg_notify(&rd->notify, CG_MSG_PROGRESS, "%s", "");
	}
}

/* What the loop hands each line to: fn, then the progress line. */
struct lines_job {
	struct cg_report_reader *rd;
	cg_report_line_fn *fn;
	void *ctx;
	const char *day;	/* a check-in journal's day, else NULL */
};

/*
 * A line of a check-in journal as it stands after its corrections: the
 * line itself, its latest amendment, or nothing (voided).  Correction
 * lines go on as they are: the report knows them.
 */
static int corrected(const struct lines_job *job, unsigned long lineno,
		     const char **line, size_t *len)
{
	const struct cg_report_reader *rd = job->rd;
	char rid[CG_RID_LEN];
	const json_t *state, *text;

	if (!job->day || !rd->fixing || !json_object_size(rd->fix.events) ||
	    cg_correction_maybe(*line, *len))
		return 1;
	cg_rid_format(rid, sizeof(rid), rd->compound, "checkin", job->day, lineno);
	if (!(state = cg_corrections_state(&rd->fix, rid)))
		return 1;
	if (json_is_true(json_object_get(state, "void")))
		return 0;
	text = json_object_get(state, "line");
	*line = json_string_value(text);
	*len = json_string_length(text);
	return 1;
}

static int take_line(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		     char *why, size_t whylen, struct cg_err *err)
{
	struct lines_job *job = ctx;
	const char *line = ln->text;
	size_t len = ln->len;
	int st;

	/* The report names the line if its ts is outside its period. */
	if (job->rd->r)
		cg_report_where(job->rd->r, ln->name, ln->lineno, job->day);
	st = corrected(job, ln->lineno, &line, &len) ?
	     job->fn(job->ctx, line, len, why, whylen, err) : 0;

	(void)lp;
	if (st >= 0)
		progress(job->rd, ln->name);
	return st;
}

static int report_line(void *ctx, const char *line, size_t len, char *why,
		       size_t whylen, struct cg_err *err)
{
	return cg_report_line(ctx, line, len, why, whylen, err);
}

/*
 * The next verified line: 1 with *line, 0 at the end, -1 with *err:
 * CG_EXIT_DAMAGED for damage, else a system error.
 */
static int next_verified(struct cg_journal_reader *jr, char **line, size_t *len,
			 struct cg_err *err)
{
	int st = cg_journal_reader_next(jr, NULL, err);

	if (st > 0) {
		*line = jr->line;
		*len = jr->len;
	}
	return st;
}

/*
 * Journals are read in two threads: one reads and verifies lines (the
 * hashing, and the inflating of a finished day, are half of the work) and
 * hands them on in batches, the other counts them into the report.  Lines
 * keep their order; damage is a mark in the stream, where the reader
 * reports it.  The days of a period go through one pipeline, so that the
 * next day is being read while the last lines of the one before are
 * counted: a 30-day report would otherwise wait at every day's start and
 * end.
 */
#define NBATCH 4
#define BATCH_BYTES (1024 * 1024)

/* A journal read through, as the reader found it. */
struct journal_end {
	uint64_t records, seq;
	char chain[CG_CHAIN_HEX + 1];
	int torn;
	char leftover[136];
	char notice[512];
};

struct batch {
	char *buf;
	size_t len, cap;
	unsigned long *lineno;
	size_t n, ncap;
	size_t *end;		/* end offset of each line in buf */
	int damaged;		/* the damage comes after these lines */
	unsigned long damaged_line;
	char msg[1024];
	/* Whose lines: every line of a batch is of one journal. */
	char label[128];
	char day[CG_DATE_LEN];	/* a check-in journal's day, else "" */
	int ends;		/* the journal's last batch: fin is filled */
	struct journal_end fin;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_take;
	struct batch b[NBATCH];
	size_t head, tail, count;
	int done, cancel, status;
	struct cg_err err;
	char notice[512];	/* of the journal a system error stopped */
	/* What the producer reads: stream's journal, or with days the
	 * check-in journals of days first..last. */
	const struct cg_home *h;
	const char *stream;
	const char *day;	/* without days: the one day, or NULL */
	int days;
	int32_t first, last;
};

static int batch_add(struct batch *b, const char *line, size_t len, unsigned long lineno)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : BATCH_BYTES;
		char *p;

		while (cap < b->len + len)
			cap *= 2;
		if (!(p = realloc(b->buf, cap)))
			return -1;
		b->buf = p;
		b->cap = cap;
	}
	if (b->n == b->ncap) {
		size_t ncap = b->ncap ? b->ncap * 2 : 8192;
		unsigned long *l = realloc(b->lineno, ncap * sizeof(*l));
		size_t *e;

		if (l)
			b->lineno = l;
		e = l ? realloc(b->end, ncap * sizeof(*e)) : NULL;
		if (!e)
			return -1;
		b->end = e;
		b->ncap = ncap;
	}
	memcpy(b->buf + b->len, line, len);
	b->len += len;
	b->lineno[b->n] = lineno;
	b->end[b->n++] = b->len;
	return 0;
}

/* The next batch to fill, of the journal label (day), waiting for a free
 * one; NULL when cancelled. */
static struct batch *fill_start(struct pipeline *pl, const char *label, const char *day)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&pl->mu);
	while (pl->count == NBATCH && !pl->cancel)
		pthread_cond_wait(&pl->can_fill, &pl->mu);
	if (!pl->cancel) {
		b = &pl->b[pl->head];
		b->len = b->n = 0;
		b->damaged = 0;
		b->ends = 0;
	}
	pthread_mutex_unlock(&pl->mu);
	if (b) {
		snprintf(b->label, sizeof(b->label), "%s", label);
		snprintf(b->day, sizeof(b->day), "%s", day ? day : "");
	}
	return b;
}

static void fill_done(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->mu);
	pl->head = (pl->head + 1) % NBATCH;
	pl->count++;
	pthread_cond_signal(&pl->can_take);
	pthread_mutex_unlock(&pl->mu);
}

/* Hand b on and take the next batch of the same journal. */
static struct batch *fill_next(struct pipeline *pl, struct batch *b)
{
	char label[sizeof(b->label)], day[CG_DATE_LEN];

	memcpy(label, b->label, sizeof(label));
	memcpy(day, b->day, sizeof(day));
	fill_done(pl);
	return fill_start(pl, label, day);
}

/*
 * One journal's lines into batches, from *bp on (*bp moves on, NULL when
 * cancelled).  1 at its end, with its last batch handed on and marked;
 * 0 when cancelled; -1 with pl->err.
 */
static int produce_journal(struct pipeline *pl, struct cg_journal_reader *jr,
			   struct batch **bp)
{
	struct batch *b = *bp;
	uint64_t records = 0;
	char *line;
	size_t len;
	int st, verified = 1;

	while (b) {
		if (verified) {
			st = next_verified(jr, &line, &len, &pl->err);
			if (st < 0 && pl->err.status == CG_EXIT_DAMAGED) {
				/* Mark the damage; what follows is read unverified. */
				b->damaged = 1;
				b->damaged_line = jr->in.lineno;
				snprintf(b->msg, sizeof(b->msg), "%s", pl->err.msg);
				verified = 0;
				b = fill_next(pl, b);
				continue;
			}
		} else {
			st = cg_jsonl_next(&jr->in, &line, &len, &pl->err);
			if (st == CG_JSONL_LINE && jr->in.unterminated) {
				jr->torn++;
				st = 0;
			} else if (st == CG_JSONL_TOO_LONG) {
				continue;
			}
		}
		if (st < 0)
			break;
		if (st == 0) {
			struct journal_end *f = &b->fin;

			f->records = records;
			f->seq = jr->seq;
			snprintf(f->chain, sizeof(f->chain), "%s", jr->chain);
			f->torn = jr->torn;
			snprintf(f->leftover, sizeof(f->leftover), "%s", jr->leftover);
			snprintf(f->notice, sizeof(f->notice), "%s", jr->notice);
			b->ends = 1;
			fill_done(pl);
			*bp = NULL;
			return 1;
		}
		if (b->n && b->len + len > BATCH_BYTES && !(b = fill_next(pl, b)))
			break;
		if (batch_add(b, line, len, jr->in.lineno) < 0) {
			st = cg_err_set(&pl->err, CG_EXIT_SYSTEM, _("out of memory"));
			break;
		}
		records++;
	}
	*bp = b;
	if (!b)
		return 0;
	snprintf(pl->notice, sizeof(pl->notice), "%s", jr->notice);
	return -1;
}

/* The journal of day (NULL: the stream's only one) into the pipeline:
 * 1 read (or missing), 0 cancelled, -1 with pl->err. */
static int produce_one(struct pipeline *pl, const char *day)
{
	struct cg_journal_reader jr;
	struct batch *b;
	int st;

	if (cg_journal_reader_open_stream(&jr, pl->h, pl->stream, day, &pl->err) < 0)
		return -1;
	if (jr.missing) {
		cg_journal_reader_release(&jr);
		return 1;
	}
	if (!(b = fill_start(pl, jr.label, day))) {
		cg_journal_reader_release(&jr);
		return 0;
	}
	st = produce_journal(pl, &jr, &b);
	if (b)
		fill_done(pl);	/* the lines before an error */
	cg_journal_reader_release(&jr);
	return st;
}

static void *producer(void *arg)
{
	struct pipeline *pl = arg;
	int st = 1;

	if (!pl->days) {
		st = produce_one(pl, pl->day);
	} else {
		for (int32_t d = pl->first; d <= pl->last && st > 0; d++) {
			char day[CG_DATE_LEN];

			cg_day_format(d, day);
			st = produce_one(pl, day);
		}
	}
	pthread_mutex_lock(&pl->mu);
	pl->status = st < 0 ? -1 : 0;
	pl->done = 1;
	pthread_cond_signal(&pl->can_take);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* Strip "LABEL:LINE: " from a damage message. */
static void damage_reason(const char *msg, const char *label, char *out, size_t size)
{
	size_t n = strlen(label);
	const char *colon;

	snprintf(out, size, "%s", msg);
	if (!strncmp(msg, label, n) && msg[n] == ':' && (colon = strchr(msg + n + 1, ':')) &&
	    colon[1] == ' ')
		snprintf(out, size, "%s", colon + 2);
}

static void pipeline_init(struct pipeline *pl, const struct cg_home *h, const char *stream)
{
	memset(pl, 0, sizeof(*pl));
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->can_fill, NULL);
	pthread_cond_init(&pl->can_take, NULL);
	pl->h = h;
	pl->stream = stream;
}

/* After the producer has ended: its buffers, the lock and conditions. */
static void pipeline_release(struct pipeline *pl)
{
	for (int i = 0; i < NBATCH; i++) {
		free(pl->b[i].buf);
		free(pl->b[i].lineno);
		free(pl->b[i].end);
	}
	pthread_mutex_destroy(&pl->mu);
	pthread_cond_destroy(&pl->can_fill);
	pthread_cond_destroy(&pl->can_take);
}

/* The damage of the journal being counted, as its batches mark it. */
struct damage {
	int damaged;
	unsigned long line;
	char reason[1024];
};

/* Count the lines of batch b; at the end of its journal, list the
 * journal.  0, or -1 with *err. */
static int consume(struct cg_report_reader *rd, struct pipeline *pl, struct batch *b,
		   struct lines_job *job, struct damage *dm, struct cg_err *err)
{
	size_t start = 0;
	int ret = 0;

	job->day = b->day[0] ? b->day : NULL;
	for (size_t i = 0; i < b->n && ret == 0 && !rd->loop.stopped; i++) {
		ret = cg_loop_take(&rd->loop, b->label, b->lineno[i], b->buf + start,
				   b->end[i] - start, err);
		start = b->end[i];
	}
	if (ret < 0 || rd->loop.stopped)
		return ret;
	if (b->damaged) {
		cg_notify(&rd->loop.notify, CG_MSG_ERROR, "%s", b->msg);
		rd->damaged = 1;
		dm->line = b->damaged_line;
		dm->damaged = 1;
		damage_reason(b->msg, b->label, dm->reason, sizeof(dm->reason));
	}
	if (b->ends) {
		if (b->fin.notice[0])
			cg_notify(&rd->loop.notify, CG_MSG_WARNING, "%s", b->fin.notice);
		cg_report_journal(rd->r, b->label, b->fin.records, b->fin.seq, b->fin.chain,
				  !dm->damaged, b->fin.torn, dm->line, dm->reason, b->fin.leftover);
		cg_report_journal_checkpoint(rd->r, pl->h, pl->stream, b->day[0] ? b->day : NULL);
		memset(dm, 0, sizeof(*dm));
	}
	return 0;
}

/* Run the pipeline set up in pl: the producer reads, this thread counts. */
static int read_pipeline(struct cg_report_reader *rd, struct pipeline *pl, struct cg_err *err)
{
	struct lines_job job = { rd, report_line, rd->r, NULL };
	struct damage dm = { 0 };
	pthread_t th;
	int ret = 0;

	if (pthread_create(&th, NULL, producer, pl))
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot start a thread"));
	rd->loop.fn = take_line;
	rd->loop.ctx = &job;
	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&pl->mu);
		while (!pl->count && !pl->done)
			pthread_cond_wait(&pl->can_take, &pl->mu);
		if (!pl->count) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		b = &pl->b[pl->tail];
		pthread_mutex_unlock(&pl->mu);
		ret = consume(rd, pl, b, &job, &dm, err);
		pthread_mutex_lock(&pl->mu);
		pl->tail = (pl->tail + 1) % NBATCH;
		pl->count--;
		if (ret < 0 || rd->loop.stopped)
			pl->cancel = 1;
		pthread_cond_broadcast(&pl->can_fill);
		pthread_mutex_unlock(&pl->mu);
		if (ret < 0 || rd->loop.stopped)
			break;
	}
	pthread_join(th, NULL);
	rd->loop.ctx = NULL;	/* job ends here */
	if (ret == 0 && pl->status < 0 && !rd->loop.stopped) {
		if (pl->notice[0])
			cg_notify(&rd->loop.notify, CG_MSG_WARNING, "%s", pl->notice);
		*err = pl->err;
		ret = -1;
	}
	return ret;
}

int cg_report_read_journal(struct cg_report_reader *rd, const struct cg_home *h,
			   const char *stream, const char *day, struct cg_err *err)
{
	struct pipeline pl;
	int ret;

	pipeline_init(&pl, h, stream);
	pl.day = day;
	ret = read_pipeline(rd, &pl, err);
	pipeline_release(&pl);
	return ret;
}

int cg_report_read_checkins(struct cg_report_reader *rd, const struct cg_home *h,
			    int32_t first, int32_t last, struct cg_err *err)
{
	struct pipeline pl;
	int ret;

	pipeline_init(&pl, h, "checkin");
	pl.days = 1;
	pl.first = first;
	pl.last = last;
	ret = read_pipeline(rd, &pl, err);
	pipeline_release(&pl);
	return ret;
}

int cg_report_read_lines(struct cg_report_reader *rd, struct cg_jsonl_reader *in,
			 cg_report_line_fn *fn, void *ctx, struct cg_err *err)
{
	struct lines_job job = { rd, fn, ctx, NULL };
	unsigned long too_long = rd->loop.too_long_lines;
	int ret;

	rd->loop.fn = take_line;
	rd->loop.ctx = &job;
	ret = cg_loop_run(&rd->loop, in, err);
	/* An over-long line never reaches fn: the report counts it here. */
	for (; rd->r && too_long < rd->loop.too_long_lines; too_long++)
		cg_report_rejected(rd->r);
	return ret;
}

int cg_report_read_corrections(struct cg_report_reader *rd, const struct cg_home *h,
			       const char *compound, int32_t since, int32_t until,
			       int32_t today, struct cg_err *err)
{
	/*
	 * Up to today: a record of the period registered in a later day's
	 * journal (however late) may be corrected up to CG_CORRECTION_DAYS
	 * after that day.  The finished days cost the read of their kept odd
	 * lines only (store/lookthrough.h).
	 */
	int32_t to = today;
	struct cg_rid rid;
	const char *why;
	json_t *rec;
	size_t i;
	int32_t day;

	if (!rd->fixing)
		cg_corrections_init(&rd->fix);
	rd->fixing = 1;
	snprintf(rd->compound, sizeof(rd->compound), "%s", compound);
	if (to < until)
		to = until;
	if (cg_corrections_load(&rd->fix, h, compound, since, to, err) < 0)
		return -1;
	json_array_foreach(rd->fix.list, i, rec) {
		const char *root = json_string_value(json_object_get(rec, "correction_of"));

		if (cg_rid_parse(root, &rid, &why) == 0 && cg_day_parse(rid.day, &day) == 0 &&
		    day >= since && day <= until && rd->r)
			cg_report_correction(rd->r, rec, 1);
	}
	if (rd->r)
		cg_report_correction(rd->r, NULL, 1);
	return 0;
}

int cg_report_read_file(struct cg_report_reader *rd, const char *path,
			struct cg_err *err)
{
	struct cg_jsonl_reader in;
	int ret;

	if (!strcmp(path, "-"))
		cg_jsonl_reader_init_fd(&in, STDIN_FILENO, "stdin", rd->max_line);
	else if (cg_jsonl_reader_open(&in, AT_FDCWD, path, path, rd->max_line, err) < 0)
		return -1;
	ret = cg_report_read_lines(rd, &in, report_line, rd->r, err);
	cg_jsonl_reader_release(&in);
	return ret;
}

/* ---- looking through other days ---- */

static int carry_line(void *ctx, const char *day, uint64_t seq, const char *line,
		      size_t len, struct cg_err *err)
{
	struct cg_report_reader *rd = ctx;

	(void)day;
	(void)seq;
	if (cg_report_carry_exit(rd->r, line, len) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	return 0;
}

int cg_report_read_exits_before(struct cg_report_reader *rd, const struct cg_home *h,
				const struct cg_policy *p, int32_t since, struct cg_err *err)
{
	cg_time_t start = cg_report_day_start(since);
	int32_t from;

	if (!rd->r || p->exit_quota_persons <= 0)
		return 0;
	from = cg_local_day(start - (cg_time_t)p->exit_quota_hours * 3600, NULL);
	if (from >= since)
		return 0;
	return cg_lookthrough_days(h, from, since - 1, "\"dir\":\"out\"", carry_line, rd, err);
}

/* A record of one of the period's days found in a later day's journal. */
struct backfill {
	struct cg_report_reader *rd;
	int32_t since, until;
};

static int backfilled_line(void *ctx, const char *day, uint64_t seq, const char *line,
			   size_t len, struct cg_err *err)
{
	struct backfill *bf = ctx;
	struct cg_report_reader *rd = bf->rd;
	struct lines_job job = { rd, report_line, rd->r, day };
	char why[1024], label[64], date[CG_DATE_LEN];
	int32_t d;
	int st;

	/* The needle may be met inside another field: only the record's own
	 * ts, of a day of the period. */
	if (len < 18 || memcmp(line, "{\"ts\":\"", 7) || line[17] != 'T')
		return 0;
	memcpy(date, line + 7, 10);
	date[10] = '\0';
	if (cg_day_parse(date, &d) < 0 || d < bf->since || d > bf->until)
		return 0;
	if (!corrected(&job, (unsigned long)seq, &line, &len))
		return 0;	/* voided */
	snprintf(label, sizeof(label), "journal/checkin/%s.jsonl", day);
	cg_report_where(rd->r, label, (unsigned long)seq, NULL);
	why[0] = '\0';
	st = cg_report_line(rd->r, line, len, why, sizeof(why), err);
	if (st == 1) {
		cg_notify(&rd->loop.notify, CG_MSG_ERROR, "%s:%llu: %s", label,
			  (unsigned long long)seq, why);
		return 0;
	}
	return st < 0 ? -1 : 0;
}

int cg_report_read_backfilled(struct cg_report_reader *rd, const struct cg_home *h,
			      int32_t since, int32_t until, int32_t today, struct cg_err *err)
{
	struct backfill bf = { rd, since, until };

	if (!rd->r)
		return 0;
	/*
	 * Every later day up to today, however late: a record's ts does not
	 * begin with its journal's day, an odd line, so a finished day costs
	 * the read of the few lines kept of it (store/lookthrough.h).
	 */
	return cg_lookthrough_odd(h, until + 1, today, "{\"ts\":\"", backfilled_line, &bf, err);
}
