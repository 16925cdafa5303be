#include <stdio.h>
#include <string.h>

#include "store/rid.h"
#include "unit.h"

/* "STREAM DAY SEQ COMPOUND" of a parsed rid, or "error: why". */
static const char *parsed(const char *s)
{
	static char out[256];
	struct cg_rid rid;
	const char *why;

	if (cg_rid_parse(s, &rid, &why) < 0)
		snprintf(out, sizeof(out), "error: %s", why);
	else
		snprintf(out, sizeof(out), "%s %s %llu %s", rid.stream, rid.day[0] ? rid.day : "-",
			 (unsigned long long)rid.seq, rid.compound);
	return out;
}

static const char *resolved(const char *s, const char *stream)
{
	static char out[256];
	struct cg_rid rid;
	const char *why;
	char str[CG_RID_LEN];

	if (cg_rid_resolve(s, "DEMO-0001", stream, "2026-01-26", &rid, &why) < 0)
		snprintf(out, sizeof(out), "error: %s", why);
	else if (cg_rid_string(&rid, str, sizeof(str)) < 0)
		snprintf(out, sizeof(out), "too long");
	else
		snprintf(out, sizeof(out), "%s", str);
	return out;
}

TEST(format_and_parse)
{
	char buf[CG_RID_LEN];

	CHECK_INT(cg_rid_format(buf, sizeof(buf), "DEMO-0001", "checkin", "2026-01-25", 17), 0);
	CHECK_STR(buf, "DEMO-0001/checkin/2026-01-25/17");
	CHECK_INT(cg_rid_format(buf, sizeof(buf), "DEMO-0001", "pass", NULL, 3), 0);
	CHECK_STR(buf, "DEMO-0001/pass/3");
	CHECK_INT(cg_rid_format(buf, 10, "DEMO-0001", "pass", NULL, 3), -1);
	CHECK_STR(parsed("DEMO-0001/checkin/2026-01-25/17"), "checkin 2026-01-25 17 DEMO-0001");
	CHECK_STR(parsed("A.b_c-1/quarantine/18446744073709551615"),
		  "quarantine - 18446744073709551615 A.b_c-1");
	CHECK_STR(parsed("X/pass/1"), "pass - 1 X");
}

TEST(malformed)
{
	const char *bad[] = {
		"", "17", "/checkin/2026-01-25/1", "DEMO/checkin/2026-01-25", "DEMO/checkin/2026-02-30/1",
		"DEMO/checkin/2026-1-25/1", "DEMO/checkin/2026-01-25/0", "DEMO/checkin/2026-01-25/01",
		"DEMO/checkin/2026-01-25/-1", "DEMO/checkin/2026-01-25/1x", "DEMO/pass/2026-01-25/1",
		"DEMO/passes/1", "DEMO/quarantine/18446744073709551616", "DEMO/checkin/1", NULL
	};

	for (int i = 0; bad[i]; i++) {
		if (strncmp(parsed(bad[i]), "error: ", 7))
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		CHECK(!strncmp(parsed(bad[i]), "error: ", 7));
	}
}

TEST(what_a_person_types)
{
	CHECK_STR(resolved("17", "checkin"), "DEMO-0001/checkin/2026-01-26/17");
	CHECK_STR(resolved("2026-01-25/3", "checkin"), "DEMO-0001/checkin/2026-01-25/3");
	CHECK_STR(resolved("DEMO-0001/checkin/2026-01-25/3", "checkin"), "DEMO-0001/checkin/2026-01-25/3");
	CHECK_STR(resolved("5", "quarantine"), "DEMO-0001/quarantine/5");
	CHECK_STR(resolved("DEMO-0001/quarantine/5", "quarantine"), "DEMO-0001/quarantine/5");
	CHECK_STR(resolved("OTHER/checkin/2026-01-25/3", "checkin"), "error: a record of another compound");
	CHECK_STR(resolved("DEMO-0001/pass/3", "checkin"), "error: not a record of this journal");
	CHECK_STR(resolved("2026-01-25/3", "quarantine"),
		  "error: not COMPOUND/checkin/DATE/SEQ, COMPOUND/pass/SEQ or COMPOUND/quarantine/SEQ");
	CHECK(!strncmp(resolved("0", "checkin"), "error: ", 7));
	CHECK(!strncmp(resolved("x/1", "checkin"), "error: ", 7));
	CHECK(!strncmp(resolved("", "checkin"), "error: ", 7));
}

int main(void)
{
	RUN(format_and_parse);
	RUN(malformed);
	RUN(what_a_person_types);
	return UNIT_DONE();
}
