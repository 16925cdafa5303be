/*
 * Looking through check-in days for matching lines (see lookthrough.h):
 * the files are read in blocks and searched with memmem, so that a day
 * without a match costs little more than reading it.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/lookthrough.h"

#define BLOCK (1024 * 1024)
#define BUF_MAX (CG_JOURNAL_MAX_LINE + BLOCK)

struct look {
	const char *day, *needle;
	size_t nlen;
	cg_lookthrough_fn *fn;
	void *ctx;
};

/* The seq of a journal line: the number after its last "seq":, else 0. */
static uint64_t line_seq(const char *line, size_t len)
{
	const char *p = line + len;
	uint64_t seq = 0;

	while (p - line > 7 && memcmp(p - 7, ",\"seq\":", 7))
		if (line + len - p > 128)
			return 0;
		else
			p--;
	if (p - line <= 7)
		return 0;
	for (; p < line + len && *p >= '0' && *p <= '9'; p++)
		seq = seq * 10 + (uint64_t)(*p - '0');
	return seq;
}

/* The matches among whole lines buf[0..len). */
static int scan(const struct look *lk, const char *buf, size_t len, struct cg_err *err)
{
	const char *p = buf, *end = buf + len, *hit;

	while ((hit = memmem(p, (size_t)(end - p), lk->needle, lk->nlen))) {
		const char *start = hit, *stop = memchr(hit, '\n', (size_t)(end - hit));
		uint64_t seq;

		while (start > p && start[-1] != '\n')
			start--;
		if (!stop)
			stop = end;
		seq = line_seq(start, (size_t)(stop - start));
		if (seq && lk->fn(lk->ctx, lk->day, seq, start, (size_t)(stop - start), err) < 0)
			return -1;
		p = stop < end ? stop + 1 : end;
	}
	return 0;
}

static int look_file(const struct look *lk, struct cg_journal_reader *jr, struct cg_err *err)
{
	char *buf = malloc(BUF_MAX);
	size_t have = 0;
	int skipping = 0, ret = 0;
	ssize_t n;

	if (!buf)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	while ((n = cg_jsonl_reader_read_block(&jr->in, buf + have, BLOCK, err)) > 0) {
		const char *nl;
		size_t whole;

		have += (size_t)n;
		if (!(nl = memrchr(buf, '\n', have))) {
			/* A line longer than a journal line is no record. */
			if (have + BLOCK > BUF_MAX)
				have = 0, skipping = 1;
			continue;
		}
		whole = (size_t)(nl - buf) + 1;
		if (skipping) {
			const char *first = memchr(buf, '\n', have);

			memmove(buf, first + 1, have - (size_t)(first + 1 - buf));
			have -= (size_t)(first + 1 - buf);
			whole -= (size_t)(first + 1 - buf);
			skipping = 0;
		}
		if ((ret = scan(lk, buf, whole, err)) < 0)
			break;
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	/*
	 * A damaged archive is looked through up to its damage: damage is
	 * the business of whoever verifies that day (the report does for its
	 * own days, --verify for all), not a reason to give up the others.
	 */
	if (n < 0 && ret == 0)
		ret = jr->in.damaged ? 0 : -1;
	/* What is left has no newline: a torn last line, skipped. */
	free(buf);
	return ret;
}

int cg_lookthrough_days(const struct cg_home *h, int32_t from, int32_t to,
			const char *needle, cg_lookthrough_fn *fn, void *ctx,
			struct cg_err *err)
{
	struct look lk = { NULL, needle, strlen(needle), fn, ctx };
	struct cg_journal_reader jr;
	char day[CG_DATE_LEN];
	int ret;

	for (int32_t d = from; d <= to; d++) {
		cg_day_format(d, day);
		lk.day = day;
		if (cg_journal_reader_open_stream(&jr, h, "checkin", day, err) < 0)
			return -1;
		if (jr.missing)
			continue;
		ret = look_file(&lk, &jr, err);
		cg_journal_reader_release(&jr);
		if (ret < 0)
			return -1;
	}
	return 0;
}
