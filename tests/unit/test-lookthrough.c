#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/clock.h"
#include "core/home.h"
#include "store/lookthrough.h"
#include "scratch.h"
#include "unit.h"

#define LINES 30001	/* LINES + 1, the torn line, has the needle */

struct seen {
	unsigned long n;
	uint64_t sum;
	int bad;
	char day[16];
};

static int note(void *ctx, const char *day, uint64_t seq, const char *line, size_t len,
		struct cg_err *err)
{
	struct seen *s = ctx;
	char want[64];

	(void)err;
	snprintf(want, sizeof(want), "\"x\":%llu,", (unsigned long long)seq);
	if (!memmem(line, len, want, strlen(want)) || line[0] != '{' || line[len - 1] != '}')
		s->bad++;
	snprintf(s->day, sizeof(s->day), "%s", day);
	s->n++;
	s->sum += seq;
	return 0;
}

/*
 * A day of LINES journal-shaped lines of varying length, every 7th with
 * the needle, so that many straddle the 1 MiB blocks the look-through
 * reads, and every 7th from the 3rd with a near miss (the two bytes the
 * search tests first, not the rest); a torn last line with the needle is
 * not seen.  gz: compressed.
 */
static void write_day(const char *path, int gz)
{
	gzFile g = gz ? gzopen(path, "wb") : NULL;
	FILE *f = gz ? NULL : fopen(path, "w");
	char line[512];

	if (!g && !f)
		abort();
	for (int i = 1; i <= LINES + 1; i++) {
		int n = snprintf(line, sizeof(line),
				 "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"x\":%d,\"pad\":\"%.*s\"%s,\"seq\":%d,"
				 "\"chain\":\"%064d\"}%s", i, i % 97,
				 "................................................................"
				 "..................................",
				 i % 7 == 0 ? ",\"mark\":\"here\"" : i % 7 == 3 ? ",\"mark\":\"hexe\"" : "",
				 i, 0, i <= LINES ? "\n" : "");
		if (gz)
			gzwrite(g, line, (unsigned)n);
		else
			fwrite(line, 1, (size_t)n, f);
	}
	if (gz)
		gzclose(g);
	else
		fclose(f);
}

TEST(every_match_across_blocks)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home h;
	struct seen s;
	unsigned long want_n = LINES / 7;
	uint64_t want_sum = 7ULL * want_n * (want_n + 1) / 2;
	int32_t d25, d26;

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("home"), &err), 0);
	{
		int fd = cg_home_dir(&h, "journal/checkin", 1, &err);

		CHECK(fd >= 0);
		close(fd);
	}
	write_day(at("home/journal/checkin/2026-01-25.jsonl"), 0);
	write_day(at("home/journal/checkin/2026-01-27.jsonl.gz"), 1);
	cg_day_parse("2026-01-25", &d25);
	cg_day_parse("2026-01-26", &d26);
	for (int k = 0; k < 2; k++) {
		memset(&s, 0, sizeof(s));
		CHECK_INT(cg_lookthrough_days(&h, k ? d26 : d25, k ? d26 + 1 : d25,
					      "\"mark\":\"here\"", note, &s, &err), 0);
		CHECK_INT(s.n, want_n);
		CHECK(s.sum == want_sum);
		CHECK_INT(s.bad, 0);
		CHECK_STR(s.day, k ? "2026-01-27" : "2026-01-25");
	}
	memset(&s, 0, sizeof(s));
	CHECK_INT(cg_lookthrough_days(&h, d25, d25 + 2, "nowhere", note, &s, &err), 0);
	CHECK_INT(s.n, 0);
	/* Centuries (a report of a day in 0816 looks through to today):
	 * the days the directory has, not every day between. */
	cg_day_parse("0816-01-25", &d25);
	cg_day_parse("2926-01-25", &d26);
	memset(&s, 0, sizeof(s));
	CHECK_INT(cg_lookthrough_days(&h, d25, d26, "\"mark\":\"here\"", note, &s, &err), 0);
	CHECK_INT(s.n, 2 * want_n);
	CHECK_STR(s.day, "2026-01-27");
	/* The odd lines: the 27th's, of the 25th. */
	memset(&s, 0, sizeof(s));
	CHECK_INT(cg_lookthrough_odd(&h, d25, d26, "\"mark\":\"here\"", note, &s, &err), 0);
	CHECK_INT(s.n, want_n);
	CHECK_STR(s.day, "2026-01-27");
	memset(&s, 0, sizeof(s));
	CHECK_INT(cg_lookthrough_odd(&h, d25, d25 + 1000, "\"mark\":\"here\"", note, &s, &err), 0);
	CHECK_INT(s.n, 0);
	cg_home_release(&h);
	tmp_remove();
}

/* Lines from..to (seq) of a plain day, appended: every 3rd of another
 * day (odd), every 7th of those with the needle; the last one torn when
 * torn (without its newline). */
static void append_lines(const char *path, int from, int to, int torn)
{
	FILE *f = fopen(path, "a");

	if (!f)
		abort();
	for (int i = from; i <= to; i++)
		fprintf(f, "{\"ts\":\"2026-01-%sT08:00:00+08:00\",\"x\":%d%s,\"seq\":%d,"
			"\"chain\":\"%064d\"}%s", i % 3 ? "28" : "25", i,
			i % 21 ? "" : ",\"mark\":\"here\"", i, i, torn && i == to ? "" : "\n");
	fclose(f);
}

static unsigned long odd_hits(struct cg_home *h, int32_t day)
{
	struct cg_err err = CG_ERR_INIT;
	struct seen s;

	memset(&s, 0, sizeof(s));
	if (cg_lookthrough_odd(h, day, day, "\"mark\":\"here\"", note, &s, &err) < 0 || s.bad)
		return (unsigned long)-1;
	return s.n;
}

/*
 * Today's plain day: its odd lines are kept up to its last whole line,
 * and the next look-through reads only what came after; what is kept is
 * used only while the journal's line there ends with the same seq and
 * chain.
 */
TEST(plain_day_kept_up_to_a_line)
{
	struct cg_err err = CG_ERR_INIT;
	const char *kept = "home/index/lookthrough/2026-01-28.open.jsonl";
	const char *day = "home/journal/checkin/2026-01-28.jsonl";
	struct cg_home h;
	int32_t d28;
	FILE *f;

	tmp_make();
	CHECK_INT(cg_home_open(&h, at("home"), &err), 0);
	{
		int fd = cg_home_dir(&h, "journal/checkin", 1, &err);

		CHECK(fd >= 0);
		close(fd);
	}
	cg_day_parse("2026-01-28", &d28);
	append_lines(at(day), 1, 2100, 0);	/* 2100 / 21: 100 hits */
	CHECK_INT(odd_hits(&h, d28), 100);
	CHECK(access(at(kept), F_OK) == 0);
	CHECK_INT(odd_hits(&h, d28), 100);
	/* What is kept is what is read: a line added to it is seen. */
	{
		char *text = NULL;
		size_t n = 0;
		FILE *k = fopen(at(kept), "r");

		CHECK(k != NULL);
		CHECK(getdelim(&text, &n, '\0', k) > 0);
		fclose(k);
		k = fopen(at(kept), "w");
		fwrite(text, 1, (size_t)(strchr(text, '\n') + 1 - text), k);
		fprintf(k, "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"x\":9,\"mark\":\"here\","
			"\"seq\":9,\"chain\":\"%064d\"}\n", 9);
		fputs(strchr(text, '\n') + 1, k);
		fclose(k);
		free(text);
	}
	CHECK_INT(odd_hits(&h, d28), 101);
	/* Appended lines are read, a torn one only once whole. */
	append_lines(at(day), 2101, 2121, 1);
	CHECK_INT(odd_hits(&h, d28), 101);
	f = fopen(at(day), "a");
	fputs("\n", f);
	fclose(f);
	CHECK_INT(odd_hits(&h, d28), 102);
	CHECK_INT(odd_hits(&h, d28), 102);
	/* Another journal, whose line where the kept lines end has another
	 * chain: found anew (the line added to what was kept is gone). */
	CHECK_INT(unlink(at(day)), 0);
	append_lines(at(day), 1, 2121, 0);
	f = fopen(at(day), "r+");
	fseek(f, -4, SEEK_END);
	fputs("f", f);
	fclose(f);
	CHECK_INT(odd_hits(&h, d28), 101);
	CHECK_INT(odd_hits(&h, d28), 101);
	/* The day finished (compressed): what was kept of it while it grew
	 * goes once its odd lines are kept as a finished day's. */
	{
		char buf[4096];
		size_t n;
		FILE *in = fopen(at(day), "r");
		gzFile g = gzopen(at("home/journal/checkin/2026-01-28.jsonl.gz"), "wb");

		CHECK(in != NULL && g != NULL);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			gzwrite(g, buf, (unsigned)n);
		fclose(in);
		gzclose(g);
		CHECK_INT(unlink(at(day)), 0);
	}
	CHECK(access(at(kept), F_OK) == 0);
	CHECK_INT(odd_hits(&h, d28), 101);
	CHECK(access(at(kept), F_OK) != 0);
	CHECK(access(at("home/index/lookthrough/2026-01-28.jsonl"), F_OK) == 0);
	cg_home_release(&h);
	tmp_remove();
}

int main(void)
{
	RUN(every_match_across_blocks);
	RUN(plain_day_kept_up_to_a_line);
	return UNIT_DONE();
}
