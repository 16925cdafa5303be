#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/exitcode.h"
#include "store/filter.h"
#include "core/home.h"
#include "store/journal.h"
#include "scratch.h"
#include "unit.h"

/* 2026-01-25T08:00:00+08:00 */
#define NOW 1769299200LL

/* The whole file, malloc'd and NUL-terminated ("" when missing). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, alloc = 0, n;

	if (fp) {
		do {
			if (alloc - len < 65536) {
				alloc = alloc ? alloc * 2 : 131072;
				data = realloc(data, alloc + 1);
				if (!data)
					abort();
			}
			n = fread(data + len, 1, alloc - len, fp);
			len += n;
		} while (n > 0);
		fclose(fp);
	}
	if (!data) {
		data = malloc(1);
		if (!data)
			abort();
	}
	data[len] = '\0';
	return data;
}

static void spew(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) == EOF)
		printf("# cannot write %s\n", path);
}

static int count_lines(const char *text)
{
	int n = 0;

	for (const char *p = text; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* Line n (from 1) of text, without its newline, in a static buffer. */
static const char *line_n(const char *text, int n)
{
	static char out[4096];
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n'))) {
		if (--n == 0) {
			size_t len = (size_t)(nl - p);

			if (len >= sizeof(out))
				len = sizeof(out) - 1;
			memcpy(out, p, len);
			out[len] = '\0';
			return out;
		}
		p = nl + 1;
	}
	return "(no such line)";
}

/* 1 when line ends with ,"seq":SEQ,"chain":"<64 hex>"} */
static int has_seq(const char *line, int seq)
{
	char want[64];
	size_t len = strlen(line), n;

	n = (size_t)snprintf(want, sizeof(want), ",\"seq\":%d,\"chain\":\"", seq);
	if (len < n + 66 || memcmp(line + len - 66 - n, want, n) ||
	    memcmp(line + len - 2, "\"}", 2))
		return 0;
	for (size_t i = len - 66; i < len - 2; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return 0;
	return 1;
}

/* ---- stdout and stderr into files while the filter runs ---- */

struct capture {
	int saved_out, saved_err;
};

static void capture_start(struct capture *c)
{
	int out, err;

	fflush(stdout);
	fflush(stderr);
	c->saved_out = dup(STDOUT_FILENO);
	c->saved_err = dup(STDERR_FILENO);
	out = open(at("stdout"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	err = open(at("stderr"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c->saved_out < 0 || c->saved_err < 0 || out < 0 || err < 0) {
		printf("# cannot capture output: %s\n", strerror(errno));
		exit(1);
	}
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	close(out);
	close(err);
}

static void capture_end(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_out, STDOUT_FILENO);
	dup2(c->saved_err, STDERR_FILENO);
	close(c->saved_out);
	close(c->saved_err);
}

/* ---- fixtures ---- */

struct calls {
	int n;
};

/* Reject "bad":true; otherwise a copy with "ok":true added. */
static json_t *process(void *ctx, const json_t *rec, char *why, size_t whylen)
{
	struct calls *c = ctx;
	json_t *out;

	c->n++;
	if (json_is_true(json_object_get(rec, "bad"))) {
		snprintf(why, whylen, "bad record");
		return NULL;
	}
	out = json_deep_copy(rec);
	json_object_set_new(out, "ok", json_true());
	return out;
}

struct fx {
	struct cg_err err;
	struct cg_home h;
	struct cg_journal j;
	int have_journal;
	struct cg_clock clock;
	struct cg_filter f;
	struct calls calls;
	int status;		/* of the run */
	char *out, *errs, *rejects, *journal;
};

/* A data directory with a "pass" journal (when stream is not NULL). */
static int fx_open(struct fx *x, const char *stream)
{
	memset(x, 0, sizeof(*x));
	tmp_make();
	x->clock.fixed = 1;
	x->clock.at = NOW;
	if (cg_home_open(&x->h, at("home"), &x->err) < 0 ||
	    (stream && cg_journal_open(&x->j, &x->h, stream, &x->err) < 0) ||
	    cg_filter_init(&x->f, at("rejects.jsonl"), 0, &x->err) < 0) {
		printf("# open: %s\n", x->err.msg);
		return -1;
	}
	x->have_journal = stream != NULL;
	x->f.process = process;
	x->f.ctx = &x->calls;
	x->f.journal = stream ? &x->j : NULL;
	x->f.clock = &x->clock;
	return 0;
}

/* After a run: what was printed, said, rejected and journaled. */
static void fx_collect(struct fx *x, const char *journal)
{
	if (x->f.rejects) {
		fclose(x->f.rejects);
		x->f.rejects = NULL;
	}
	x->out = slurp(at("stdout"));
	x->errs = slurp(at("stderr"));
	x->rejects = slurp(at("rejects.jsonl"));
	x->journal = slurp(at(journal ? journal : "home/journal/pass.jsonl"));
}

static void fx_close(struct fx *x)
{
	if (x->f.rejects)
		fclose(x->f.rejects);
	if (x->have_journal)
		cg_journal_release(&x->j);
	cg_home_release(&x->h);
	free(x->out);
	free(x->errs);
	free(x->rejects);
	free(x->journal);
	tmp_remove();
}

/* Run the filter over text read from a temporary file named "input". */
static int run_file(struct fx *x, const char *text, size_t len, size_t max_line)
{
	struct cg_jsonl_reader in;
	struct capture c;

	spew(at("input"), text, len);
	if (cg_jsonl_reader_open(&in, AT_FDCWD, at("input"), "input", max_line,
				 &x->err) < 0)
		return -2;
	capture_start(&c);
	x->status = cg_filter_run(&x->f, &in, &x->err);
	capture_end(&c);
	cg_jsonl_reader_release(&in);
	return x->status;
}

/* The same over a pipe (text must fit in the pipe buffer). */
static int run_pipe(struct fx *x, const char *text, size_t max_line)
{
	struct cg_jsonl_reader in;
	struct capture c;
	int p[2];

	if (pipe(p) < 0)
		return -2;
	if (write(p[1], text, strlen(text)) != (ssize_t)strlen(text)) {
		close(p[0]);
		close(p[1]);
		return -2;
	}
	close(p[1]);
	cg_jsonl_reader_init_fd(&in, p[0], "pipe", max_line);
	capture_start(&c);
	x->status = cg_filter_run(&x->f, &in, &x->err);
	capture_end(&c);
	cg_jsonl_reader_release(&in);
	close(p[0]);
	return x->status;
}

#define G1 "{\"n\":1}"
#define G2 "{\"n\":2}"
#define G3 "{\"n\":3}"
#define BAD "{\"n\":9,\"bad\":true}"
#define NOTJSON "{\"n\":8,"

/* ---- with a journal ---- */

TEST(journaled_lines_printed)
{
	const char input[] = G1 "\n" BAD "\n" G2 "\n" NOTJSON "\n" G3 "\n";
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);

	/* stdout is exactly what was journaled. */
	CHECK_INT(count_lines(x.out), 3);
	CHECK_STR(x.out, x.journal);
	for (int i = 1; i <= 3; i++) {
		char want[64];

		CHECK(has_seq(line_n(x.out, i), i));
		snprintf(want, sizeof(want), "{\"n\":%d,\"ok\":true,\"seq\":%d,", i, i);
		CHECK(!strncmp(line_n(x.out, i), want, strlen(want)));
	}
	CHECK_INT(x.f.accepted, 3);
	CHECK_INT(x.f.rejected, 2);
	CHECK_INT(x.f.stopped, 0);
	CHECK_INT(x.calls.n, 4);	/* not for the line that does not parse */
	CHECK_INT(cg_filter_status(&x.f), CG_EXIT_REJECTED);
	/* The bad lines as they came, and a message for each. */
	CHECK_STR(x.rejects, BAD "\n" NOTJSON "\n");
	CHECK(strstr(x.errs, "input:2: bad record") != NULL);
	CHECK(strstr(x.errs, "input:4: ") != NULL);
	CHECK_INT(count_lines(x.errs), 2);
	fx_close(&x);
}

TEST(strict_stops_after_first_bad)
{
	const char input[] = G1 "\n" G2 "\n" BAD "\n" G3 "\n" BAD "\n";
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	x.f.strict = 1;
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);

	CHECK_INT(x.f.stopped, 1);
	CHECK_INT(x.f.accepted, 2);
	CHECK_INT(x.f.rejected, 1);
	CHECK_INT(x.calls.n, 3);
	CHECK_INT(cg_filter_status(&x.f), CG_EXIT_REJECTED);
	/* The good lines before it are journaled and printed. */
	CHECK_INT(count_lines(x.out), 2);
	CHECK_STR(x.out, x.journal);
	CHECK(has_seq(line_n(x.out, 1), 1));
	CHECK(has_seq(line_n(x.out, 2), 2));
	CHECK(strstr(x.out, "\"n\":3") == NULL);
	CHECK_STR(x.rejects, BAD "\n");
	CHECK_INT(count_lines(x.errs), 1);
	fx_close(&x);
}

TEST(all_accepted_over_pipe)
{
	const char input[] = G1 "\n" G2 "\n" G3 "\n";
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_pipe(&x, input, 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.f.accepted, 3);
	CHECK_INT(x.f.rejected, 0);
	CHECK_INT(cg_filter_status(&x.f), CG_EXIT_OK);
	CHECK_INT(count_lines(x.out), 3);
	CHECK_STR(x.out, x.journal);
	CHECK(has_seq(line_n(x.out, 3), 3));
	CHECK_STR(x.rejects, "");
	CHECK_STR(x.errs, "");
	fx_close(&x);
}

TEST(small_batches_same_output)
{
	const char input[] = G1 "\n" G2 "\n" BAD "\n" G3 "\n";
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	x.f.batch_bytes = 1;	/* a commit after every record */
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(count_lines(x.out), 3);
	CHECK_STR(x.out, x.journal);
	for (int i = 1; i <= 3; i++)
		CHECK(has_seq(line_n(x.out, i), i));
	fx_close(&x);
}

TEST(over_long_lines_rejected_whole)
{
	static char input[300000];
	char *longline, *huge, *want;
	size_t n = 0;
	struct fx x;
	struct capture c;
	char path[256], *files[1];

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	/* 300 bytes of otherwise good JSON, and 200000: bigger than the
	 * reader's first buffer, so skipped piece by piece. */
	longline = malloc(301);
	huge = malloc(200001);
	if (!longline || !huge)
		abort();
	snprintf(longline, 301, "{\"n\":5,\"pad\":\"%0*d\"}", 300 - 16, 0);
	CHECK_INT(strlen(longline), 300);
	memset(huge, 'y', 200000);
	memcpy(huge, "{\"n\":6,\"pad\":\"", 14);
	memcpy(huge + 200000 - 2, "\"}", 2);
	huge[200000] = '\0';
	n += (size_t)snprintf(input + n, sizeof(input) - n, "%s\n%s\n%s\n", G1, longline, G2);
	n += (size_t)snprintf(input + n, sizeof(input) - n, "%s\n%s\n", huge, G3);
	spew(at("input"), input, n);

	/* Through cg_filter_run_files, which takes ->max_line. */
	x.f.max_line = 100;
	snprintf(path, sizeof(path), "%s", at("input"));
	files[0] = path;
	capture_start(&c);
	x.status = cg_filter_run_files(&x.f, files, 1, &x.err);
	capture_end(&c);
	CHECK_INT(x.status, 0);
	fx_collect(&x, NULL);

	CHECK_INT(x.f.accepted, 3);
	CHECK_INT(x.f.rejected, 2);
	CHECK_INT(x.calls.n, 3);
	CHECK_INT(cg_filter_status(&x.f), CG_EXIT_REJECTED);
	CHECK_INT(count_lines(x.out), 3);
	CHECK_STR(x.out, x.journal);
	CHECK(has_seq(line_n(x.out, 3), 3));
	want = malloc(300 + 200000 + 3);
	if (!want)
		abort();
	snprintf(want, 300 + 200000 + 3, "%s\n%s\n", longline, huge);
	CHECK_INT(strlen(x.rejects), strlen(want));
	CHECK(!strcmp(x.rejects, want));
	CHECK(strstr(x.errs, ":2: line longer than 100 bytes") != NULL);
	CHECK(strstr(x.errs, ":4: line longer than 100 bytes") != NULL);
	free(want);
	free(longline);
	free(huge);
	fx_close(&x);
}

TEST(over_long_last_line_unterminated)
{
	char input[512];
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	snprintf(input, sizeof(input), "%s\n{\"n\":7,\"pad\":\"%0*d\"}", G1, 200, 0);
	CHECK_INT(run_file(&x, input, strlen(input), 100), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.f.accepted, 1);
	CHECK_INT(x.f.rejected, 1);
	/* Whole, and ended with a newline like every other rejected line. */
	strcat(input, "\n");
	CHECK_STR(x.rejects, strchr(input, '\n') + 1);
	CHECK_INT(count_lines(x.out), 1);
	fx_close(&x);
}

TEST(daily_journal_day_from_clock)
{
	const char input[] = G1 "\n" G2 "\n";
	char day[CG_DATE_LEN], rel[128];
	struct fx x;

	if (fx_open(&x, "checkin") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	cg_time_date(NOW, day);
	snprintf(rel, sizeof(rel), "home/journal/checkin/%s.jsonl", day);
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, rel);
	CHECK_INT(count_lines(x.out), 2);
	CHECK_STR(x.out, x.journal);
	CHECK(has_seq(line_n(x.out, 2), 2));
	CHECK_STR(x.j.day, day);
	fx_close(&x);
}

/* ---- without a journal ---- */

TEST(no_journal_prints_records)
{
	const char input[] = G1 "\n" BAD "\n" "\n" G3 "\n";
	struct fx x;

	if (fx_open(&x, NULL) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_pipe(&x, input, 0), 0);
	fx_collect(&x, NULL);
	CHECK_STR(x.out, "{\"n\":1,\"ok\":true}\n{\"n\":3,\"ok\":true}\n");
	CHECK(strstr(x.out, "seq") == NULL);
	CHECK(strstr(x.out, "chain") == NULL);
	CHECK_INT(x.f.accepted, 2);
	CHECK_INT(x.f.rejected, 1);
	CHECK_INT(cg_filter_status(&x.f), CG_EXIT_REJECTED);
	CHECK_STR(x.rejects, BAD "\n");
	CHECK(strstr(x.errs, "pipe:2: bad record") != NULL);
	CHECK(!exists(at("home/journal")));
	fx_close(&x);
}

int main(void)
{
	RUN(journaled_lines_printed);
	RUN(strict_stops_after_first_bad);
	RUN(all_accepted_over_pipe);
	RUN(small_batches_same_output);
	RUN(over_long_lines_rejected_whole);
	RUN(over_long_last_line_unterminated);
	RUN(daily_journal_day_from_clock);
	RUN(no_journal_prints_records);
	return UNIT_DONE();
}
