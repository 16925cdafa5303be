/*
 * libFuzzer target: RFC 3339 times and calendar dates (lib/clock.h).
 * Built by "make fuzz"; its corpus, tests/fuzz/corpus/time, is replayed by
 * make check.
 *
 * The first byte of the input picks the local time zone (TZ), the rest is
 * the text, up to a NUL.  The zones are Asia/Shanghai, where cg's
 * compounds are (with summer time 1986-1991, and local mean time of
 * +08:05:43 before 1901), and a few whose offsets have minutes, whose
 * summer time starts at midnight or runs backwards.
 *
 * - cg_time_parse: what it takes without local times it takes the same
 *   with them; what it takes is in CG_TIME_MIN..CG_TIME_MAX, and
 *   cg_time_format writes it as text that it takes back (without local
 *   times) as the same instant, and that is written again the same.
 * - cg_date_parse: a date it takes is a real date, days from civil and
 *   back give it again, the local day starts (cg_date_start) on that day
 *   (cg_time_date), and cg_time_parse takes it (with local times) as that
 *   start, unless the start is outside CG_TIME_MIN..CG_TIME_MAX.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "fuzz.h"

static const char *const zones[] = {
	"Asia/Shanghai", "UTC", "America/New_York", "America/Sao_Paulo",
	"Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Dublin",
	"America/St_Johns", "Etc/GMT+12", "Etc/GMT-14",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static void use_zone(size_t z)
{
	static size_t current = NZONES;

	if (z == current)
		return;
	current = z;
	if (setenv("TZ", zones[z], 1) < 0)
		abort();
	tzset();
}

static void times(const char *s)
{
	char text[CG_TIME_LEN], again[CG_TIME_LEN];
	cg_time_t t, t_local, back;

	if (cg_time_parse(s, 1, &t_local) < 0) {
		if (cg_time_parse(s, 0, &t) == 0)
			abort();
		return;
	}
	if (cg_time_parse(s, 0, &t) == 0 && t != t_local)
		abort();
	t = t_local;
	if (t < CG_TIME_MIN || t > CG_TIME_MAX)
		abort();
	cg_time_format(t, text);
	if (cg_time_parse(text, 0, &back) < 0 || back != t)
		abort();
	cg_time_format(back, again);
	if (strcmp(text, again))
		abort();
}

static void dates(const char *s)
{
	char day[CG_DATE_LEN];
	int y, m, d, y2, m2, d2;
	cg_time_t start, t;

	if (cg_date_parse(s, &y, &m, &d) < 0)
		return;
	if (!cg_date_valid(y, m, d) || strlen(s) != CG_DATE_LEN - 1)
		abort();
	cg_civil_from_days(cg_days_from_civil(y, m, d), &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		abort();
	start = cg_date_start(y, m, d);
	cg_time_date(start, day);
	if (strcmp(day, s))
		abort();
	/* As a time, the date is its start: unless that is out of range. */
	if (cg_time_parse(s, 1, &t) < 0) {
		if (start >= CG_TIME_MIN && start <= CG_TIME_MAX)
			abort();
	} else if (t != start) {
		abort();
	}
	if (cg_time_parse(s, 0, &t) == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (!size)
		return 0;
	use_zone(data[0] % NZONES);
	if (!(s = malloc(size)))
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	times(s);
	dates(s);
	free(s);
	return 0;
}
