/* Looking through check-in days for matching lines (see lookthrough.h). */

#include <string.h>

#include "core/clock.h"
#include "store/journal.h"
#include "store/lookthrough.h"

static int look_day(const struct cg_home *h, const char *day, const char *needle,
		    size_t nlen, cg_lookthrough_fn *fn, void *ctx, struct cg_err *err)
{
	struct cg_journal_reader jr;
	char *line;
	size_t len;
	int st, ret = 0;

	if (cg_journal_reader_open_stream(&jr, h, "checkin", day, err) < 0)
		return -1;
	if (jr.missing)
		return 0;
	while ((st = cg_jsonl_next(&jr.in, &line, &len, err)) != CG_JSONL_EOF) {
		if (st < 0) {
			ret = -1;
			break;
		}
		if (st != CG_JSONL_LINE || jr.in.unterminated || !memmem(line, len, needle, nlen))
			continue;
		if (fn(ctx, day, jr.in.lineno, line, len, err) < 0) {
			ret = -1;
			break;
		}
	}
	cg_journal_reader_release(&jr);
	return ret;
}

int cg_lookthrough_days(const struct cg_home *h, int32_t from, int32_t to,
			const char *needle, cg_lookthrough_fn *fn, void *ctx,
			struct cg_err *err)
{
	size_t nlen = strlen(needle);
	char day[CG_DATE_LEN];

	for (int32_t d = from; d <= to; d++) {
		cg_day_format(d, day);
		if (look_day(h, day, needle, nlen, fn, ctx, err) < 0)
			return -1;
	}
	return 0;
}
