/*
 * cg-pass list and revocations as functions: a pass of the fold in, the
 * record printed out, and which passes a filter lets through.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/passlist.h"
#include "unit.h"

/* Valid from 2026-01-20T00:00:00+08:00 until 2026-02-20T00:00:00+08:00. */
#define FROM "2026-01-20T00:00:00+08:00"
#define UNTIL "2026-02-20T00:00:00+08:00"
#define T_UNTIL 1771516800LL
#define NOW 1769299200LL	/* 2026-01-25T08:00:00+08:00 */

static void apply(struct cg_passbook *pb, json_t *ev)
{
	struct cg_err err = CG_ERR_INIT;

	if (!ev || cg_passbook_apply(pb, ev, &err) < 0) {
		printf("# apply: %s\n", err.msg);
		abort();
	}
	json_decref(ev);
}

static void issue(struct cg_passbook *pb, const char *id, const char *class_,
		  const char *household, const char *from)
{
	apply(pb, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s}",
			    "ts", "2026-01-19T10:00:00+08:00", "compound", "DEMO-0001",
			    "event", "issue", "pass_id", id, "class", class_,
			    "household", household, "valid_from", from, "valid_until", UNTIL,
			    "seq", (json_int_t)7, "chain", "abcd"));
}

/* Four passes: P1 active, P2 revoked (lost), P3 not yet valid, P4 a
 * tenant's of another household, active. */
static void fold(struct cg_passbook *pb)
{
	cg_passbook_init(pb);
	issue(pb, "P1", "resident", "3-2-501", FROM);
	issue(pb, "P2", "resident", "3-2-501", FROM);
	issue(pb, "P3", "resident", "3-2-502", "2026-02-01T00:00:00+08:00");
	issue(pb, "P4", "tenant", "1-1-101", FROM);
	apply(pb, json_pack("{s:s,s:s,s:s,s:s,s:s}", "ts", "2026-01-22T09:30:00+08:00",
			    "compound", "DEMO-0001", "event", "revoke", "pass_id", "P2",
			    "reason", "lost"));
}

/* The ids of the passes f lets through at t, in the fold's order. */
static const char *matching(const struct cg_passbook *pb, const struct cg_pass_filter *f,
			    cg_time_t t)
{
	static char buf[64];
	const char *id;
	json_t *ev;

	buf[0] = '\0';
	json_object_foreach(pb->passes, id, ev)
		if (cg_pass_filter_match(f, ev, t))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? " " : "", json_string_value(json_object_get(ev, "pass_id")));
	return buf;
}

TEST(filter)
{
	struct cg_passbook pb;
	struct cg_pass_filter f;

	fold(&pb);
	memset(&f, 0, sizeof(f));
	CHECK_STR(matching(&pb, &f, NOW), "P1 P2 P3 P4");
	f.active = 1;
	CHECK_STR(matching(&pb, &f, NOW), "P1 P4");
	CHECK_STR(matching(&pb, &f, T_UNTIL), "");
	f.active = 0;
	f.revoked = 1;
	CHECK_STR(matching(&pb, &f, NOW), "P2");
	f.revoked = 0;
	f.expired = 1;
	CHECK_STR(matching(&pb, &f, NOW), "");
	CHECK_STR(matching(&pb, &f, T_UNTIL), "P1 P3 P4");
	f.expired = 0;
	f.class_ = "tenant";
	CHECK_STR(matching(&pb, &f, NOW), "P4");
	f.class_ = NULL;
	f.household = "3-2-501";
	CHECK_STR(matching(&pb, &f, NOW), "P1 P2");
	f.active = 1;
	CHECK_STR(matching(&pb, &f, NOW), "P1");
	cg_passbook_release(&pb);
}

TEST(list_record)
{
	struct cg_passbook pb;
	json_t *j;

	fold(&pb);
	j = cg_pass_list_record(cg_passbook_get(&pb, "P1"), NOW);
	CHECK_STR(json_string_value(json_object_get(j, "status")), "ok");
	CHECK_STR(json_string_value(json_object_get(j, "household")), "3-2-501");
	CHECK(!json_object_get(j, "seq") && !json_object_get(j, "chain"));
	json_decref(j);
	/* The fold itself keeps them. */
	CHECK(json_object_get(cg_passbook_get(&pb, "P1"), "seq") != NULL);
	j = cg_pass_list_record(cg_passbook_get(&pb, "P2"), NOW);
	CHECK_STR(json_string_value(json_object_get(j, "status")), "revoked");
	json_decref(j);
	j = cg_pass_list_record(cg_passbook_get(&pb, "P3"), NOW);
	CHECK_STR(json_string_value(json_object_get(j, "status")), "not_yet_valid");
	json_decref(j);
	j = cg_pass_list_record(cg_passbook_get(&pb, "P4"), T_UNTIL);
	CHECK_STR(json_string_value(json_object_get(j, "status")), "expired");
	json_decref(j);
	cg_passbook_release(&pb);
}

TEST(revocation_record)
{
	struct cg_passbook pb;
	json_t *j;

	fold(&pb);
	CHECK(!cg_pass_revocation_record(cg_passbook_get(&pb, "P1")));
	j = cg_pass_revocation_record(cg_passbook_get(&pb, "P2"));
	CHECK_INT(json_object_size(j), 3);
	CHECK_STR(json_string_value(json_object_get(j, "pass_id")), "P2");
	CHECK_STR(json_string_value(json_object_get(j, "revoked")), "2026-01-22T09:30:00+08:00");
	CHECK_STR(json_string_value(json_object_get(j, "reason")), "lost");
	json_decref(j);
	cg_passbook_release(&pb);
}

int main(void)
{
	RUN(filter);
	RUN(list_record);
	RUN(revocation_record);
	return UNIT_DONE();
}
