#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/correction.h"
#include "unit.h"

/* What cg_correction_maybe stands for: memmem over the line's tail. */
static int by_memmem(const char *line, size_t len)
{
	size_t n = len < CG_CORRECTION_TAIL_BYTES ? len : CG_CORRECTION_TAIL_BYTES;

	return memmem(line + len - n, n, CG_CORRECTION_TAIL, strlen(CG_CORRECTION_TAIL)) != NULL;
}

TEST(tail_cases)
{
	static const char *const lines[] = {
		"",
		"\"corrected_at\":\"",
		"\"corrected_at\":",
		"corrected_at\":\"",
		"{\"ts\":\"2026-01-25T08:00:00+08:00\",\"corrected_at\":\"2026-01-25T09:00:00+08:00\",\"seq\":3,\"chain\":\"ab\"}",
		"{\"ts\":\"2026-01-25T08:00:00+08:00\",\"id_no\":\"x\",\"corrected_by\":\"a\",\"seq\":3}",
		"{\"a\":\"__________\\\"corrected_at\\\":\"}",
		"_corrected_at\":\"_\"corrected__at\":\"",
		"{\"x\":\"\"corrected_at\":\"\"}",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK_INT(cg_correction_maybe(lines[i], strlen(lines[i])),
			  by_memmem(lines[i], strlen(lines[i])));
	CHECK_INT(cg_correction_maybe(lines[1], strlen(lines[1])), 1);
	CHECK_INT(cg_correction_maybe(lines[4], strlen(lines[4])), 1);
	CHECK_INT(cg_correction_maybe(lines[5], strlen(lines[5])), 0);
}

/* The needle at every place in and around the tail of lines of every
 * length up to twice the tail, on a background of its own bytes. */
TEST(needle_everywhere)
{
	const char *needle = CG_CORRECTION_TAIL;
	size_t k = strlen(needle), max = 2 * CG_CORRECTION_TAIL_BYTES + 20;
	char *line = malloc(max + 1);
	unsigned seed = 1;
	int bad = 0;

	for (size_t len = 0; len <= max && line; len++) {
		for (size_t at = 0; at + k <= len + k; at++) {
			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				line[i] = "_\"corrected_at:x"[(seed >> 16) % 16];
			}
			if (at + k <= len)
				memcpy(line + at, needle, k);
			else if (at < len)
				memcpy(line + at, needle, len - at);	/* cut by the end */
			if (cg_correction_maybe(line, len) != by_memmem(line, len))
				bad++;
		}
	}
	CHECK(line != NULL);
	CHECK_INT(bad, 0);
	free(line);
}

int main(void)
{
	RUN(tail_cases);
	RUN(needle_everywhere);
	return UNIT_DONE();
}
