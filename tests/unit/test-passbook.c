#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/exitcode.h"
#include "rules/passbook.h"
#include "rules/person.h"
#include "unit.h"

/*
 * Times: passes valid from 2026-01-20T00:00:00+08:00 (T_FROM) until
 * 2026-02-20T00:00:00+08:00 (T_UNTIL); NOW is 2026-01-25T08:00:00+08:00.
 */
#define FROM "2026-01-20T00:00:00+08:00"
#define UNTIL "2026-02-20T00:00:00+08:00"
#define T_FROM 1768838400LL
#define T_UNTIL 1771516800LL
#define NOW 1769299200LL

#define ID_A "110101199003074514"
#define ID_B "310104198506151237"

static json_t *issue_ev(const char *pass_id, const char *class_, const char *id_no,
			const char *from, const char *until)
{
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			       "ts", "2026-01-19T10:00:00+08:00",
			       "compound", "DEMO-0001", "event", "issue",
			       "pass_id", pass_id, "class", class_,
			       "colour", "pink", "valid_from", from,
			       "valid_until", until);

	if (!ev)
		abort();
	if (id_no)
		json_object_set_new(ev, "id_no", json_string(id_no));
	return ev;
}

static json_t *revoke_ev(const char *pass_id)
{
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s}",
			       "ts", "2026-01-22T09:30:00+08:00",
			       "compound", "DEMO-0001", "event", "revoke",
			       "pass_id", pass_id, "reason", "lost");

	if (!ev)
		abort();
	return ev;
}

/* Apply ev (then drop the test's reference); returns cg_passbook_apply's. */
static int apply(struct cg_passbook *pb, json_t *ev)
{
	struct cg_err err = CG_ERR_INIT;
	int ret = cg_passbook_apply(pb, ev, &err);

	json_decref(ev);
	return ret;
}

static const char *status(const struct cg_passbook *pb, const char *id, cg_time_t at)
{
	return cg_pass_status_code(cg_passbook_check(pb, id, at, NULL));
}

TEST(status_codes)
{
	CHECK_STR(cg_pass_status_code(CG_PASS_OK), "ok");
	CHECK_STR(cg_pass_status_code(CG_PASS_UNKNOWN), "unknown");
	CHECK_STR(cg_pass_status_code(CG_PASS_EXPIRED), "expired");
	CHECK_STR(cg_pass_status_code(CG_PASS_NOT_YET_VALID), "not_yet_valid");
	CHECK_STR(cg_pass_status_code(CG_PASS_REVOKED), "revoked");
	CHECK_STR(cg_pass_status_code((enum cg_pass_status)99), "unknown");
}

TEST(check_validity_window)
{
	struct cg_passbook pb;

	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, issue_ev("K3F9-2XQ7-MC", "resident", ID_A, FROM, UNTIL)), 0);
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", NOW), "ok");
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_FROM - 1), "not_yet_valid");
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_FROM), "ok");
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_UNTIL - 1), "ok");
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_UNTIL), "expired");
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_UNTIL + 86400), "expired");
	CHECK_STR(status(&pb, "ZZZZ-ZZZZ-ZZ", NOW), "unknown");
	CHECK_STR(status(&pb, "", NOW), "unknown");
	cg_passbook_release(&pb);
}

TEST(check_other_offsets)
{
	struct cg_passbook pb;

	/* The same instants written in UTC and with fractions of a second. */
	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, issue_ev("P1", "resident", ID_A, "2026-01-19T16:00:00Z",
				      "2026-02-19T16:00:00.999Z")), 0);
	CHECK_STR(status(&pb, "P1", T_FROM - 1), "not_yet_valid");
	CHECK_STR(status(&pb, "P1", T_FROM), "ok");
	CHECK_STR(status(&pb, "P1", T_UNTIL - 1), "ok");
	CHECK_STR(status(&pb, "P1", T_UNTIL), "expired");
	cg_passbook_release(&pb);
}

TEST(check_sets_event)
{
	struct cg_passbook pb;
	const json_t *ev = (const json_t *)&pb;

	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, issue_ev("K3F9-2XQ7-MC", "resident", ID_A, FROM, UNTIL)), 0);
	CHECK_INT(cg_passbook_check(&pb, "k3f9 2xq7 mc", NOW, &ev), CG_PASS_OK);
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(ev, "pass_id")), "K3F9-2XQ7-MC");
	CHECK_STR(json_string_value(json_object_get(ev, "id_no")), ID_A);
	/* Known but not valid: still the event. */
	ev = NULL;
	CHECK_INT(cg_passbook_check(&pb, "K3F9-2XQ7-MC", T_UNTIL, &ev), CG_PASS_EXPIRED);
	CHECK(ev != NULL);
	ev = (const json_t *)&pb;
	CHECK_INT(cg_passbook_check(&pb, "NOPE", NOW, &ev), CG_PASS_UNKNOWN);
	CHECK(ev == NULL);
	cg_passbook_release(&pb);
}

TEST(revoke)
{
	struct cg_passbook pb;
	const json_t *ev = NULL;

	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, issue_ev("K3F9-2XQ7-MC", "resident", ID_A, FROM, UNTIL)), 0);
	CHECK_INT(apply(&pb, issue_ev("AAAA-BBBB-CC", "resident", ID_B, FROM, UNTIL)), 0);
	CHECK_INT(apply(&pb, revoke_ev("k3f9-2xq7-mc")), 0);
	CHECK_INT(cg_passbook_check(&pb, "K3F9-2XQ7-MC", NOW, &ev), CG_PASS_REVOKED);
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(ev, "revoked")),
		  "2026-01-22T09:30:00+08:00");
	/* Revoked outside its window too: revocation wins. */
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_FROM - 1), "revoked");
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", T_UNTIL), "revoked");
	/* The other pass is untouched. */
	CHECK_STR(status(&pb, "AAAA-BBBB-CC", NOW), "ok");
	/* Revoking an unknown pass is ignored. */
	CHECK_INT(apply(&pb, revoke_ev("NOPE")), 0);
	CHECK_STR(status(&pb, "NOPE", NOW), "unknown");
	/* Revoking twice is harmless. */
	CHECK_INT(apply(&pb, revoke_ev("K3F9-2XQ7-MC")), 0);
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", NOW), "revoked");
	/* A new issue under the same id is a new, valid pass. */
	CHECK_INT(apply(&pb, issue_ev("K3F9-2XQ7-MC", "resident", ID_A, FROM, UNTIL)), 0);
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", NOW), "ok");
	cg_passbook_release(&pb);
}

TEST(revoke_does_not_modify_events)
{
	struct cg_passbook pb;
	struct cg_err err = CG_ERR_INIT;
	json_t *iss = issue_ev("K3F9-2XQ7-MC", "resident", ID_A, FROM, UNTIL);
	json_t *rev = revoke_ev("K3F9-2XQ7-MC");
	json_t *iss_before = json_deep_copy(iss), *rev_before = json_deep_copy(rev);
	const json_t *ev = NULL;

	cg_passbook_init(&pb);
	CHECK_INT(cg_passbook_apply(&pb, iss, &err), 0);
	CHECK_INT(cg_passbook_apply(&pb, rev, &err), 0);
	CHECK_INT(cg_passbook_check(&pb, "K3F9-2XQ7-MC", NOW, &ev), CG_PASS_REVOKED);
	/* The issue event the caller passed in (say, a journal reader's
	 * record) has not been marked, nor has the revoke event changed. */
	CHECK(json_object_get(iss, "revoked") == NULL);
	CHECK(json_equal(iss, iss_before));
	CHECK(json_equal(rev, rev_before));
	CHECK(ev != iss);
	cg_passbook_release(&pb);
	/* Both still belong to the caller and are intact after release. */
	CHECK(json_equal(iss, iss_before));
	json_decref(iss);
	json_decref(rev);
	json_decref(iss_before);
	json_decref(rev_before);
}

/*
 * A revoke with no "ts" (cg-pass stamps one, but any caller of the fold
 * may not) must still revoke: a revocation silently dropped leaves a pass
 * the office took back working at the gate.
 */
TEST(revoke_without_ts)
{
	struct cg_passbook pb;
	json_t *rev = revoke_ev("K3F9-2XQ7-MC");

	json_object_del(rev, "ts");
	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, issue_ev("K3F9-2XQ7-MC", "resident", ID_A, FROM, UNTIL)), 0);
	CHECK_INT(apply(&pb, rev), 0);
	CHECK_STR(status(&pb, "K3F9-2XQ7-MC", NOW), "revoked");
	CHECK(cg_passbook_for_holder(&pb, "id:" ID_A, NOW) == NULL);
	cg_passbook_release(&pb);
}

TEST(pass_id_normalise)
{
	char out[CG_PASS_ID_LEN];

	cg_pass_id_normalise("K3F9-2XQ7-MC", out);
	CHECK_STR(out, "K3F92XQ7MC");
	cg_pass_id_normalise("k3f9 2xq7 mc", out);
	CHECK_STR(out, "K3F92XQ7MC");
	cg_pass_id_normalise("oOiIlL", out);
	CHECK_STR(out, "001111");
	cg_pass_id_normalise("--  --", out);
	CHECK_STR(out, "");
	cg_pass_id_normalise("", out);
	CHECK_STR(out, "");
	/* Long input stays within the buffer. */
	cg_pass_id_normalise("0123456789012345678901234567890123456789"
			     "0123456789012345678901234567890123456789", out);
	CHECK_INT(strlen(out), CG_PASS_ID_LEN - 1);
}

TEST(pass_id_forms_match)
{
	static const char *const forms[] = {
		"K0F1-2XQ7-M1", "k0f1-2xq7-m1", "K0F12XQ7M1", "KOF1-2XQ7-MI",
		"kof1 2xq7 ml", "KoFi-2XQ7-mL", "K-O-F-L-2-X-Q-7-M-I", NULL
	};
	struct cg_passbook pb;
	int i;

	cg_passbook_init(&pb);
	/* Issued in a non-normal form too. */
	CHECK_INT(apply(&pb, issue_ev("kofl-2xq7-mi", "resident", ID_A, FROM, UNTIL)), 0);
	for (i = 0; forms[i]; i++)
		CHECK_STR(status(&pb, forms[i], NOW), "ok");
	CHECK_STR(status(&pb, "K0F1-2XQ7-M2", NOW), "unknown");
	CHECK_STR(status(&pb, "K0F1-2XQ7", NOW), "unknown");
	cg_passbook_release(&pb);
}

TEST(for_holder)
{
	struct cg_passbook pb;
	const json_t *ev;
	json_t *byphone;

	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, issue_ev("OLD1", "resident", ID_A, "2025-01-01T00:00:00+08:00",
				      "2025-12-31T00:00:00+08:00")), 0);
	CHECK_INT(apply(&pb, issue_ev("NEW1", "resident", ID_A, FROM, UNTIL)), 0);
	byphone = issue_ev("TEL1", "tenant", NULL, FROM, UNTIL);
	json_object_set_new(byphone, "phone", json_string("13812348000"));
	CHECK_INT(apply(&pb, byphone), 0);

	/* The expired pass is skipped for the valid one. */
	ev = cg_passbook_for_holder(&pb, "id:" ID_A, NOW);
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(ev, "pass_id")), "NEW1");
	ev = cg_passbook_for_holder(&pb, "phone:13812348000", NOW);
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(ev, "pass_id")), "TEL1");
	CHECK(cg_passbook_for_holder(&pb, "id:" ID_B, NOW) == NULL);
	CHECK(cg_passbook_for_holder(&pb, "", NOW) == NULL);
	/* Outside every window: none. */
	CHECK(cg_passbook_for_holder(&pb, "id:" ID_A, T_UNTIL) == NULL);
	CHECK(cg_passbook_for_holder(&pb, "id:" ID_A, T_FROM - 1) == NULL);
	/* Revoked: none. */
	CHECK_INT(apply(&pb, revoke_ev("NEW1")), 0);
	CHECK(cg_passbook_for_holder(&pb, "id:" ID_A, NOW) == NULL);
	cg_passbook_release(&pb);
}

TEST(for_holder_uses_person_key)
{
	struct cg_passbook pb;
	json_t *iss = issue_ev("HH01", "resident", NULL, FROM, UNTIL);
	char key[CG_PERSON_KEY_LEN];

	json_object_set_new(iss, "name", json_string("张三"));
	json_object_set_new(iss, "household", json_string("3-2-501"));
	CHECK_INT(cg_person_key(iss, key), 0);
	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, iss), 0);
	CHECK(cg_passbook_for_holder(&pb, key, NOW) != NULL);
	CHECK(cg_passbook_for_holder(&pb, "name:张三@3-2-501", NOW) != NULL);
	CHECK(cg_passbook_for_holder(&pb, "name:张三@3-2-502", NOW) == NULL);
	cg_passbook_release(&pb);
}

TEST(plate_normalise)
{
	char a[CG_PLATE_LEN], b[CG_PLATE_LEN];

	cg_plate_normalise("京A·12345", a);
	cg_plate_normalise("京a 12345", b);
	CHECK_STR(a, "京A12345");
	CHECK_STR(b, "京A12345");
	cg_plate_normalise("京A-12345", b);
	CHECK_STR(b, "京A12345");
	cg_plate_normalise("京A.12345", b);
	CHECK_STR(b, "京A12345");
	cg_plate_normalise("京A\xE2\x80\xA2" "12345", b);
	CHECK_STR(b, "京A12345");
	cg_plate_normalise("沪b d12345", b);
	CHECK_STR(b, "沪BD12345");
	cg_plate_normalise("", b);
	CHECK_STR(b, "");
}

TEST(for_plate)
{
	struct cg_passbook pb;
	json_t *car = issue_ev("CAR1", "vehicle", NULL, FROM, UNTIL);
	json_t *res = issue_ev("RES1", "resident", ID_A, FROM, UNTIL);
	const json_t *ev;

	json_object_set_new(car, "plate", json_string("京A·12345"));
	/* A resident pass that happens to carry a plate is not a vehicle pass. */
	json_object_set_new(res, "plate", json_string("京B·67890"));
	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, car), 0);
	CHECK_INT(apply(&pb, res), 0);

	ev = cg_passbook_for_plate(&pb, "京a 12345", NOW);
	CHECK(ev != NULL);
	CHECK_STR(json_string_value(json_object_get(ev, "pass_id")), "CAR1");
	CHECK(cg_passbook_for_plate(&pb, "京A12345", NOW) == ev);
	CHECK(cg_passbook_for_plate(&pb, "京A-12345", NOW) == ev);
	CHECK(cg_passbook_for_plate(&pb, "京A12346", NOW) == NULL);
	CHECK(cg_passbook_for_plate(&pb, "京B67890", NOW) == NULL);
	CHECK(cg_passbook_for_plate(&pb, "京A12345", T_UNTIL) == NULL);
	CHECK(cg_passbook_for_plate(&pb, "京A12345", T_FROM - 1) == NULL);
	CHECK_INT(apply(&pb, revoke_ev("CAR1")), 0);
	CHECK(cg_passbook_for_plate(&pb, "京A12345", NOW) == NULL);
	cg_passbook_release(&pb);
}

TEST(ignored_events)
{
	struct cg_passbook pb;
	json_t *noid = issue_ev("X", "resident", ID_A, FROM, UNTIL);

	json_object_del(noid, "pass_id");
	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, json_pack("{s:s,s:s}", "event", "print", "pass_id", "P1")), 0);
	CHECK_INT(apply(&pb, json_pack("{s:s}", "pass_id", "P1")), 0);
	CHECK_INT(apply(&pb, noid), 0);
	CHECK_INT(json_object_size(pb.passes), 0);
	CHECK(cg_passbook_for_holder(&pb, "id:" ID_A, NOW) == NULL);
	CHECK_INT(json_object_size(pb.index->holders), 0);
	cg_passbook_release(&pb);
}

TEST(issue_without_validity)
{
	struct cg_passbook pb;
	struct cg_err err = CG_ERR_INIT;
	json_t *a = issue_ev("P1", "resident", ID_A, FROM, UNTIL);
	json_t *b = issue_ev("P2", "resident", ID_A, "2026-01-20", UNTIL);

	json_object_del(a, "valid_until");
	cg_passbook_init(&pb);
	CHECK_INT(cg_passbook_apply(&pb, a, &err), -1);
	CHECK_INT(err.status, CG_EXIT_DAMAGED);
	CHECK(strstr(err.msg, "P1") != NULL);
	CHECK_STR(status(&pb, "P1", NOW), "unknown");
	/* Without an offset a time is not RFC 3339. */
	CHECK_INT(cg_passbook_apply(&pb, b, &err), -1);
	CHECK_STR(status(&pb, "P2", NOW), "unknown");
	cg_passbook_release(&pb);
	json_decref(a);
	json_decref(b);
}

static const char *person_pass(const struct cg_passbook *pb, const char *person,
			      cg_time_t at)
{
	json_t *p = json_loads(person, 0, NULL);
	const json_t *ev = p ? cg_passbook_for_person(pb, p, at) : NULL;
	const char *id = json_string_value(json_object_get(ev, "pass_id"));

	json_decref(p);
	return ev ? (id ? id : "(no pass_id)") : "none";
}

TEST(for_person)
{
	struct cg_passbook pb;
	json_t *both = issue_ev("BOTH", "resident", ID_A, FROM, UNTIL);

	json_object_set_new(both, "phone", json_string("13812348000"));
	cg_passbook_init(&pb);
	CHECK_INT(apply(&pb, both), 0);
	/* Found by any identity the pass was issued with. */
	CHECK_STR(person_pass(&pb, "{\"id_no\":\"" ID_A "\"}", NOW), "BOTH");
	CHECK_STR(person_pass(&pb, "{\"phone\":\"13812348000\"}", NOW), "BOTH");
	CHECK(cg_passbook_for_holder(&pb, "phone:13812348000", NOW) != NULL);
	/* Not by someone else sharing the phone. */
	CHECK_STR(person_pass(&pb, "{\"id_no\":\"" ID_B "\",\"phone\":\"13812348000\"}",
			     NOW), "none");
	CHECK_STR(person_pass(&pb, "{\"phone\":\"13900001111\"}", NOW), "none");
	CHECK_STR(person_pass(&pb, "{}", NOW), "none");
	CHECK_STR(person_pass(&pb, "{\"id_no\":\"" ID_A "\"}", T_UNTIL), "none");
	cg_passbook_release(&pb);
}

int main(void)
{
	setenv("TZ", "CST-8", 1);
	tzset();

	RUN(status_codes);
	RUN(check_validity_window);
	RUN(check_other_offsets);
	RUN(check_sets_event);
	RUN(revoke);
	RUN(revoke_does_not_modify_events);
	RUN(revoke_without_ts);
	RUN(pass_id_normalise);
	RUN(pass_id_forms_match);
	RUN(for_holder);
	RUN(for_holder_uses_person_key);
	RUN(for_person);
	RUN(plate_normalise);
	RUN(for_plate);
	RUN(ignored_events);
	RUN(issue_without_validity);
	return UNIT_DONE();
}
