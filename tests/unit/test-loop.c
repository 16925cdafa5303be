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
#include "core/home.h"
#include "store/journal.h"
#include "store/loop.h"
#include "scratch.h"
#include "unit.h"

/* 2026-01-25T08:00:00+08:00 */
#define NOW 1769299200LL

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

/* ---- fixtures ---- */

/*
 * The loop's fn: reject "bad":true; emit nothing for "skip":true, two
 * records for "twice":true, else one: a copy with "ok":true added.
 * "shown":true prints the copy without journaling it, "warn":true says a
 * warning about the line.
 */
static int take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		char *why, size_t whylen, struct cg_err *err)
{
	int *calls = ctx;
	int n = 1, ret = 0;
	json_t *out;

	(*calls)++;
	if (json_is_true(json_object_get(ln->rec, "bad"))) {
		snprintf(why, whylen, "bad record");
		return 1;
	}
	if (json_is_true(json_object_get(ln->rec, "warn")))
		cg_loop_warning(lp, "look at %s", "this");
	if (json_is_true(json_object_get(ln->rec, "skip")))
		n = 0;
	if (json_is_true(json_object_get(ln->rec, "twice")))
		n = 2;
	for (int i = 0; i < n && ret == 0; i++) {
		out = json_deep_copy(ln->rec);
		json_object_set_new(out, "ok", json_true());
		if (n == 2)
			json_object_set_new(out, "copy", json_integer(i + 1));
		ret = json_is_true(json_object_get(ln->rec, "shown")) ?
			cg_loop_print(lp, out, err) : cg_loop_emit(lp, out, err);
		json_decref(out);
	}
	return ret;
}

/* The notifier of the tests: every message on a line of ->said. */
struct said {
	char text[8192];
	size_t len;
};

static void hear(void *ctx, enum cg_msg_kind kind, const char *msg)
{
	struct said *s = ctx;
	int n = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s%s\n",
			 kind == CG_MSG_WARNING ? "warning: " : "", msg);

	if (n > 0 && (size_t)n < sizeof(s->text) - s->len)
		s->len += (size_t)n;
}

struct fx {
	struct cg_err err;
	struct cg_home h;
	struct cg_journal j;
	int have_journal;
	struct cg_clock clock;
	struct cg_loop lp;
	int calls;
	struct said said;
	int status;		/* of the run */
	char *out, *rejects, *journal;
	const char *errs;
};

/* A data directory with a journal of stream (none when NULL), and a loop
 * printing to the file "stdout", with the rejects file "rejects.jsonl"
 * when asked. */
static int fx_open_with(struct fx *x, const char *stream, int rejects)
{
	memset(x, 0, sizeof(*x));
	tmp_make();
	x->clock.fixed = 1;
	x->clock.at = NOW;
	if (cg_home_open(&x->h, at("home"), &x->err) < 0 ||
	    (stream && cg_journal_open(&x->j, &x->h, stream, &x->err) < 0) ||
	    cg_loop_init(&x->lp, rejects ? at("rejects.jsonl") : NULL, 0, &x->err) < 0) {
		printf("# open: %s\n", x->err.msg);
		return -1;
	}
	x->have_journal = stream != NULL;
	x->lp.out.fp = fopen(at("stdout"), "w");
	x->lp.out.line_buffered = 0;
	if (!x->lp.out.fp)
		return -1;
	x->lp.fn = take;
	x->lp.ctx = &x->calls;
	x->lp.parse = 1;
	x->lp.notify = (struct cg_notifier){ hear, &x->said };
	x->lp.journal = stream ? &x->j : NULL;
	x->lp.clock = &x->clock;
	return 0;
}

static int fx_open(struct fx *x, const char *stream)
{
	return fx_open_with(x, stream, 1);
}

/* After a run: what was printed, said, rejected and journaled. */
static void fx_collect(struct fx *x, const char *journal)
{
	struct cg_err err = CG_ERR_INIT;

	if (cg_loop_finish(&x->lp, &err) < 0)
		printf("# finish: %s\n", err.msg);
	if (x->lp.out.fp) {
		fclose(x->lp.out.fp);
		x->lp.out.fp = NULL;
	}
	x->out = slurp(at("stdout"), NULL);
	x->errs = x->said.text;
	x->rejects = slurp(at("rejects.jsonl"), NULL);
	x->journal = slurp(at(journal ? journal : "home/journal/pass.jsonl"), NULL);
}

static void fx_close(struct fx *x)
{
	if (x->lp.rejects)
		fclose(x->lp.rejects);
	if (x->lp.out.fp)
		fclose(x->lp.out.fp);
	if (x->have_journal)
		cg_journal_release(&x->j);
	cg_home_release(&x->h);
	free(x->out);
	free(x->rejects);
	free(x->journal);
	tmp_remove();
}

/* Run the loop over text read from a temporary file named "input". */
static int run_file(struct fx *x, const char *text, size_t len, size_t max_line)
{
	struct cg_jsonl_reader in;

	spew(at("input"), text, len);
	if (cg_jsonl_reader_open(&in, AT_FDCWD, at("input"), "input", max_line,
				 &x->err) < 0)
		return -2;
	x->status = cg_loop_run(&x->lp, &in, &x->err);
	cg_jsonl_reader_release(&in);
	return x->status;
}

/* The same over a pipe (text must fit in the pipe buffer). */
static int run_pipe(struct fx *x, const char *text, size_t max_line)
{
	struct cg_jsonl_reader in;
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
	x->status = cg_loop_run(&x->lp, &in, &x->err);
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
	CHECK_INT(x.lp.emitted, 3);
	CHECK_INT(x.lp.rejected, 2);
	CHECK_INT(x.lp.stopped, 0);
	CHECK_INT(x.calls, 4);	/* not for the line that does not parse */
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_REJECTED);
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
	x.lp.strict = 1;
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);

	CHECK_INT(x.lp.stopped, 1);
	CHECK_INT(x.lp.emitted, 2);
	CHECK_INT(x.lp.rejected, 1);
	CHECK_INT(x.calls, 3);
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_REJECTED);
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
	CHECK_INT(x.lp.emitted, 3);
	CHECK_INT(x.lp.rejected, 0);
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_OK);
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
	x.lp.batch_bytes = 1;	/* a commit after every record */
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

	/* Through cg_loop_run_files, which takes ->max_line. */
	x.lp.max_line = 100;
	snprintf(path, sizeof(path), "%s", at("input"));
	files[0] = path;
	x.status = cg_loop_run_files(&x.lp, files, 1, &x.err);
	CHECK_INT(x.status, 0);
	fx_collect(&x, NULL);

	CHECK_INT(x.lp.emitted, 3);
	CHECK_INT(x.lp.rejected, 2);
	CHECK_INT(x.calls, 3);
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_REJECTED);
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
	CHECK_INT(x.lp.emitted, 1);
	CHECK_INT(x.lp.rejected, 1);
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
	CHECK_INT(x.lp.emitted, 2);
	CHECK_INT(x.lp.rejected, 1);
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_REJECTED);
	CHECK_STR(x.rejects, BAD "\n");
	CHECK(strstr(x.errs, "pipe:2: bad record") != NULL);
	CHECK(!exists(at("home/journal")));
	fx_close(&x);
}

/* ---- what a callback emits ---- */

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

TEST(callback_emits_zero_one_two)
{
	const char input[] = "{\"n\":1,\"skip\":true}\n" G2 "\n{\"n\":3,\"twice\":true}\n";
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.calls, 3);
	CHECK_INT(x.lp.taken, 3);
	CHECK_INT(x.lp.emitted, 3);
	CHECK_INT(x.lp.rejected, 0);
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_OK);
	CHECK_INT(count_lines(x.out), 3);
	CHECK_STR(x.out, x.journal);
	CHECK(starts(line_n(x.out, 1), "{\"n\":2,\"ok\":true,\"seq\":1,"));
	CHECK(starts(line_n(x.out, 2), "{\"n\":3,\"twice\":true,\"ok\":true,\"copy\":1,\"seq\":2,"));
	CHECK(starts(line_n(x.out, 3), "{\"n\":3,\"twice\":true,\"ok\":true,\"copy\":2,\"seq\":3,"));
	CHECK_STR(x.errs, "");
	CHECK_STR(x.rejects, "");
	fx_close(&x);
}

TEST(printed_only_after_what_is_queued)
{
	const char input[] = G1 "\n{\"n\":2,\"shown\":true}\n" G3 "\n";
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(count_lines(x.out), 3);
	CHECK(has_seq(line_n(x.out, 1), 1));
	CHECK_STR(line_n(x.out, 2), "{\"n\":2,\"shown\":true,\"ok\":true}");
	CHECK(has_seq(line_n(x.out, 3), 2));
	CHECK_INT(count_lines(x.journal), 2);
	CHECK_INT(x.lp.emitted, 3);
	fx_close(&x);
}

TEST(warning_names_the_line)
{
	const char input[] = G1 "\n{\"n\":2,\"warn\":true}\n";
	struct fx x;

	if (fx_open(&x, NULL) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	cg_loop_warning(&x.lp, "after the input");
	fx_collect(&x, NULL);
	CHECK_STR(x.errs, "warning: input:2: look at this\nwarning: after the input\n");
	CHECK_INT(count_lines(x.out), 2);
	fx_close(&x);
}

/* ---- rejects ---- */

TEST(rejects_never_through_a_link)
{
	struct cg_loop lp;
	struct cg_err err = CG_ERR_INIT;
	char *kept;

	tmp_make();
	spew(at("target"), "kept\n", 5);
	if (symlink(at("target"), at("link")) < 0) {
		printf("# symlink: %s\n", strerror(errno));
		CHECK(0);
	}
	CHECK_INT(cg_loop_init(&lp, at("link"), 0, &err), -1);
	CHECK_INT(err.status, CG_EXIT_SYSTEM);
	CHECK(strstr(err.msg, "cannot open '") != NULL);
	CHECK(strstr(err.msg, strerror(ELOOP)) != NULL);
	kept = slurp(at("target"), NULL);
	CHECK_STR(kept, "kept\n");
	free(kept);
	/* A plain file is appended to, and created private. */
	spew(at("rejects"), "old\n", 4);
	CHECK_INT(cg_loop_init(&lp, at("rejects"), 0, &err), 0);
	cg_loop_reject(&lp, "x", 7, "{bad", 4, "why");
	CHECK_INT(lp.rejected, 1);
	CHECK_INT(cg_loop_finish(&lp, &err), 0);
	kept = slurp(at("rejects"), NULL);
	CHECK_STR(kept, "old\n{bad\n");
	free(kept);
	tmp_remove();
}

TEST(without_rejects_file)
{
	const char input[] = G1 "\n" BAD "\n";
	struct fx x;

	if (fx_open_with(&x, NULL, 0) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.lp.rejected, 1);
	CHECK_STR(x.errs, "input:2: bad record\n");
	CHECK(!exists(at("rejects.jsonl")));
	fx_close(&x);
}

TEST(torn_last_line)
{
	const char torn[] = G1 "\n" NOTJSON;
	const char whole[] = G1 "\n" G2;
	struct fx x;

	if (fx_open(&x, NULL) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	/* Cut short: rejected, and kept with a newline like any other. */
	CHECK_INT(run_file(&x, torn, strlen(torn), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.lp.taken, 1);
	CHECK_INT(x.lp.rejected, 1);
	CHECK(!strncmp(x.errs, "input:2: ", 9));
	CHECK_STR(x.rejects, NOTJSON "\n");
	CHECK_STR(x.out, "{\"n\":1,\"ok\":true}\n");
	fx_close(&x);

	/* Only its newline missing: taken. */
	if (fx_open(&x, NULL) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, whole, strlen(whole), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.lp.taken, 2);
	CHECK_INT(x.lp.rejected, 0);
	CHECK_STR(x.out, "{\"n\":1,\"ok\":true}\n{\"n\":2,\"ok\":true}\n");
	fx_close(&x);
}

TEST(too_long_reason_of_the_caller)
{
	char input[512];
	struct fx x;

	if (fx_open(&x, NULL) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	x.lp.too_long = "line too long";
	snprintf(input, sizeof(input), "{\"pad\":\"%0*d\"}\n%s\n", 200, 0, G2);
	CHECK_INT(run_file(&x, input, strlen(input), 100), 0);
	fx_collect(&x, NULL);
	CHECK_STR(x.errs, "input:1: line too long\n");
	CHECK_INT(x.lp.too_long_lines, 1);
	CHECK_INT(x.calls, 1);
	CHECK_INT(strlen(x.rejects), 211);	/* 200 digits, the rest, a newline */
	fx_close(&x);
}

TEST(empty_input)
{
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	CHECK_INT(run_file(&x, "", 0, 0), 0);
	CHECK_INT(run_pipe(&x, "\n  \r\n\n", 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(x.calls, 0);
	CHECK_INT(x.lp.taken, 0);
	CHECK_INT(x.lp.rejected, 0);
	CHECK_INT(cg_loop_status(&x.lp), CG_EXIT_OK);
	CHECK_STR(x.out, "");
	CHECK_STR(x.errs, "");
	CHECK_STR(x.rejects, "");
	CHECK_STR(x.journal, "");
	fx_close(&x);
}

/* ---- callbacks that hold lines back, stop early, or see raw lines ---- */

struct held {
	json_t *recs;
	int drains;
};

static int hold(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		char *why, size_t whylen, struct cg_err *err)
{
	struct held *h = ctx;

	(void)why;
	(void)whylen;
	(void)err;
	if (json_is_true(json_object_get(ln->rec, "stop")))
		lp->quit = 1;
	json_array_append(h->recs, (json_t *)ln->rec);
	return 0;
}

static int release_held(void *ctx, struct cg_loop *lp, struct cg_err *err)
{
	struct held *h = ctx;
	size_t i;
	json_t *r;

	h->drains++;
	json_array_foreach(h->recs, i, r)
		if (cg_loop_emit(lp, r, err) < 0)
			return -1;
	json_array_clear(h->recs);
	return 0;
}

TEST(drain_and_quit)
{
	const char input[] = G1 "\n{\"n\":2,\"stop\":true}\n" G3 "\n";
	struct held h = { json_array(), 0 };
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	x.lp.fn = hold;
	x.lp.drain = release_held;
	x.lp.ctx = &h;
	CHECK_INT(run_file(&x, input, strlen(input), 0), 0);
	fx_collect(&x, NULL);
	CHECK_INT(h.drains, 1);
	CHECK_INT(x.lp.taken, 2);
	CHECK_INT(count_lines(x.out), 2);
	CHECK_STR(x.out, x.journal);
	CHECK(strstr(x.out, "\"n\":3") == NULL);
	json_decref(h.recs);
	fx_close(&x);
}

static int raw(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
	       char *why, size_t whylen, struct cg_err *err)
{
	(void)ctx;
	(void)lp;
	(void)err;
	CHECK(ln->rec == NULL);
	if (strcmp(ln->text, "ok")) {
		snprintf(why, whylen, "not ok: %.*s", (int)ln->len, ln->text);
		return 1;
	}
	return 0;
}

TEST(raw_lines_and_lines_from_elsewhere)
{
	char line[] = "nope";
	struct fx x;

	if (fx_open(&x, NULL) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	x.lp.fn = raw;
	x.lp.parse = 0;
	CHECK_INT(run_pipe(&x, "ok\n{\n", 0), 0);
	CHECK_INT(cg_loop_take(&x.lp, "journal/pass.jsonl", 42, line, 4, &x.err), 0);
	cg_loop_refuse(&x.lp, "an operand refused");
	fx_collect(&x, NULL);
	CHECK_STR(x.errs, "pipe:2: not ok: {\njournal/pass.jsonl:42: not ok: nope\n"
		  "an operand refused\n");
	CHECK_STR(x.rejects, "{\nnope\n");
	CHECK_INT(x.lp.taken, 1);
	CHECK_INT(x.lp.rejected, 3);
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
	RUN(callback_emits_zero_one_two);
	RUN(printed_only_after_what_is_queued);
	RUN(warning_names_the_line);
	RUN(rejects_never_through_a_link);
	RUN(without_rejects_file);
	RUN(torn_last_line);
	RUN(too_long_reason_of_the_caller);
	RUN(empty_input);
	RUN(drain_and_quit);
	RUN(raw_lines_and_lines_from_elsewhere);
	return UNIT_DONE();
}
