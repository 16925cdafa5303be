#include <stdlib.h>
#include <string.h>

#include "casebook.h"
#include "unit.h"

#define ID_A "110101199003074514"
#define ID_B "310104198506151237"
#define KEY_A "id:" ID_A
#define KEY_B "id:" ID_B

static json_t *open_ev(const char *case_id, const char *id_no, const char *name)
{
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s}",
			       "ts", "2026-01-25T09:00:00+08:00",
			       "compound", "DEMO-0001", "event", "open",
			       "case_id", case_id, "name", name, "id_no", id_no,
			       "reason", "returnee", "from", "湖北省武汉市",
			       "start", "2026-01-25", "days", 14,
			       "end", "2026-02-08", "seq", 17, "chain", "abcdef");

	if (!ev)
		abort();
	return ev;
}

static json_t *ev_of(const char *event, const char *case_id)
{
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s}", "ts", "2026-01-26T09:00:00+08:00",
			       "compound", "DEMO-0001", "event", event,
			       "case_id", case_id);

	if (!ev)
		abort();
	return ev;
}

static int apply(struct cg_casebook *cb, json_t *ev)
{
	struct cg_err err = CG_ERR_INIT;
	int ret = cg_casebook_apply(cb, ev, &err);

	json_decref(ev);
	return ret;
}

/* "CASE_ID/STATUS" of the person's active case, or "none". */
static const char *active(const struct cg_casebook *cb, const char *key)
{
	static char out[128];
	const json_t *c = cg_casebook_active(cb, key);

	if (!c)
		return "none";
	snprintf(out, sizeof(out), "%s/%s",
		 json_string_value(json_object_get(c, "case_id")),
		 json_string_value(json_object_get(c, "status")));
	return out;
}

/* The status of a case whether active or not. */
static const char *case_status(const struct cg_casebook *cb, const char *id)
{
	const char *s = json_string_value(json_object_get(json_object_get(cb->cases, id),
							  "status"));

	return s ? s : "(no case)";
}

TEST(open_makes_active)
{
	struct cg_casebook cb;
	const json_t *c;

	cg_casebook_init(&cb);
	CHECK_STR(active(&cb, KEY_A), "none");
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	CHECK_STR(active(&cb, KEY_B), "none");
	CHECK_STR(active(&cb, "phone:13812348000"), "none");
	c = cg_casebook_active(&cb, KEY_A);
	CHECK(c != NULL);
	CHECK_STR(json_string_value(json_object_get(c, "name")), "张三");
	CHECK_STR(json_string_value(json_object_get(c, "end")), "2026-02-08");
	CHECK_STR(json_string_value(json_object_get(c, "from")), "湖北省武汉市");
	/* Journal bookkeeping is not part of the case. */
	CHECK(json_object_get(c, "seq") == NULL);
	CHECK(json_object_get(c, "chain") == NULL);
	cg_casebook_release(&cb);
}

TEST(open_by_phone_or_name)
{
	struct cg_casebook cb;
	json_t *ev = open_ev("Q1", ID_A, "张三");
	json_t *ev2 = open_ev("Q2", ID_A, "李四");

	json_object_del(ev, "id_no");
	json_object_set_new(ev, "phone", json_string("13812348000"));
	json_object_del(ev2, "id_no");
	json_object_set_new(ev2, "household", json_string("3-2-501"));
	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, ev), 0);
	CHECK_INT(apply(&cb, ev2), 0);
	CHECK_STR(active(&cb, "phone:13812348000"), "Q1/open");
	CHECK_STR(active(&cb, "name:李四@3-2-501"), "Q2/open");
	cg_casebook_release(&cb);
}

TEST(open_does_not_modify_event)
{
	struct cg_casebook cb;
	struct cg_err err = CG_ERR_INIT;
	json_t *ev = open_ev("Q1", ID_A, "张三");
	json_t *before = json_deep_copy(ev);

	cg_casebook_init(&cb);
	CHECK_INT(cg_casebook_apply(&cb, ev, &err), 0);
	CHECK(json_equal(ev, before));
	CHECK(json_object_get(ev, "status") == NULL);
	CHECK(cg_casebook_active(&cb, KEY_A) != ev);
	CHECK_INT(apply(&cb, ev_of("escalate", "Q1")), 0);
	CHECK(json_equal(ev, before));
	cg_casebook_release(&cb);
	json_decref(ev);
	json_decref(before);
}

TEST(escalate_stays_active)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("escalate", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/escalated");
	CHECK_STR(case_status(&cb, "Q1"), "escalated");
	cg_casebook_release(&cb);
}

TEST(release_and_close_end_it)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_B, "李四")), 0);
	CHECK_INT(apply(&cb, ev_of("release", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "none");
	CHECK_STR(case_status(&cb, "Q1"), "released");
	CHECK_INT(apply(&cb, ev_of("escalate", "Q2")), 0);
	CHECK_INT(apply(&cb, ev_of("close", "Q2")), 0);
	CHECK_STR(active(&cb, KEY_B), "none");
	CHECK_STR(case_status(&cb, "Q2"), "closed");
	cg_casebook_release(&cb);
}

TEST(extend_changes_end)
{
	struct cg_casebook cb;
	json_t *ext = ev_of("extend", "Q1");
	const json_t *c;

	json_object_set_new(ext, "end", json_string("2026-02-15"));
	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ext), 0);
	c = cg_casebook_active(&cb, KEY_A);
	CHECK(c != NULL);
	CHECK_STR(json_string_value(json_object_get(c, "end")), "2026-02-15");
	CHECK_STR(json_string_value(json_object_get(c, "status")), "open");
	/* An extend without an end changes nothing. */
	CHECK_INT(apply(&cb, ev_of("extend", "Q1")), 0);
	CHECK_STR(json_string_value(json_object_get(cg_casebook_active(&cb, KEY_A), "end")),
		  "2026-02-15");
	cg_casebook_release(&cb);
}

TEST(unknown_cases_ignored)
{
	struct cg_casebook cb;
	json_t *ext = ev_of("extend", "Q9");

	json_object_set_new(ext, "end", json_string("2026-03-01"));
	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("release", "Q9")), 0);
	CHECK_INT(apply(&cb, ev_of("close", "Q9")), 0);
	CHECK_INT(apply(&cb, ev_of("escalate", "Q9")), 0);
	CHECK_INT(apply(&cb, ext), 0);
	CHECK_INT(apply(&cb, ev_of("check", "Q9")), 0);
	CHECK_INT(json_object_size(cb.cases), 1);
	CHECK_STR(case_status(&cb, "Q9"), "(no case)");
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	/* Unknown event types and events without a case id likewise. */
	CHECK_INT(apply(&cb, ev_of("reopen", "Q1")), 0);
	CHECK_INT(apply(&cb, json_pack("{s:s}", "event", "release")), 0);
	CHECK_INT(apply(&cb, json_pack("{s:s}", "case_id", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	/* Checks and needs do not change the status. */
	CHECK_INT(apply(&cb, ev_of("check", "Q1")), 0);
	CHECK_INT(apply(&cb, ev_of("need", "Q1")), 0);
	CHECK_INT(apply(&cb, ev_of("need_done", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	cg_casebook_release(&cb);
}

TEST(second_person_independent)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_B, "李四")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	CHECK_STR(active(&cb, KEY_B), "Q2/open");
	CHECK_INT(apply(&cb, ev_of("escalate", "Q2")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	CHECK_INT(apply(&cb, ev_of("release", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "none");
	CHECK_STR(active(&cb, KEY_B), "Q2/escalated");
	CHECK_INT(apply(&cb, ev_of("close", "Q2")), 0);
	CHECK_STR(active(&cb, KEY_B), "none");
	cg_casebook_release(&cb);
}

TEST(reopen_after_release)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("release", "Q1")), 0);
	CHECK_INT(apply(&cb, open_ev("Q3", ID_A, "张三")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q3/open");
	CHECK_STR(case_status(&cb, "Q1"), "released");
	cg_casebook_release(&cb);
}

/*
 * "A person is under observation while a case of theirs is open or
 * escalated": ending one case of a person must not end another that is
 * still open (a second case opened before the first was released, or a
 * late close of an old case after a new one was opened).
 */
TEST(ending_old_case_keeps_newer_active)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_A, "张三")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q2/open");
	CHECK_INT(apply(&cb, ev_of("release", "Q1")), 0);
	CHECK_STR(case_status(&cb, "Q1"), "released");
	CHECK_STR(case_status(&cb, "Q2"), "open");
	CHECK_STR(active(&cb, KEY_A), "Q2/open");
	cg_casebook_release(&cb);

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("close", "Q1")), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("close", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "Q2/open");
	cg_casebook_release(&cb);
}

/*
 * The other half of the same rule: releasing the newer of two open cases
 * of a person leaves them under observation by the older one.
 */
TEST(ending_newer_case_keeps_older_active)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("release", "Q2")), 0);
	CHECK_STR(case_status(&cb, "Q1"), "open");
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	cg_casebook_release(&cb);
}

/* A case opened with ID number and phone is found by either. */
TEST(active_by_every_key)
{
	struct cg_casebook cb;
	json_t *ev = open_ev("Q1", ID_A, "张三");

	json_object_set_new(ev, "phone", json_string("13812348000"));
	json_object_set_new(ev, "household", json_string("3-2-501"));
	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, ev), 0);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	CHECK_STR(active(&cb, "phone:13812348000"), "Q1/open");
	CHECK_STR(active(&cb, "name:张三@3-2-501"), "Q1/open");
	CHECK_INT(apply(&cb, ev_of("close", "Q1")), 0);
	CHECK_STR(active(&cb, KEY_A), "none");
	CHECK_STR(active(&cb, "phone:13812348000"), "none");
	CHECK_STR(active(&cb, "name:张三@3-2-501"), "none");
	cg_casebook_release(&cb);
}

static const char *active_for(const struct cg_casebook *cb, const char *person)
{
	json_t *p = json_loads(person, 0, NULL);
	const json_t *c = p ? cg_casebook_active_for(cb, p) : NULL;
	const char *id = json_string_value(json_object_get(c, "case_id"));

	json_decref(p);
	return c ? (id ? id : "(no case_id)") : "none";
}

TEST(active_for_person)
{
	struct cg_casebook cb;
	json_t *ev = open_ev("Q1", ID_A, "张三");

	json_object_set_new(ev, "phone", json_string("13812348000"));
	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, ev), 0);
	CHECK_STR(active_for(&cb, "{\"id_no\":\"" ID_A "\"}"), "Q1");
	CHECK_STR(active_for(&cb, "{\"phone\":\"13812348000\"}"), "Q1");
	CHECK_STR(active_for(&cb, "{\"phone\":\"13812348000\",\"id_no\":\"" ID_A "\"}"),
		  "Q1");
	/* Another person sharing the phone is not under observation. */
	CHECK_STR(active_for(&cb, "{\"phone\":\"13812348000\",\"id_no\":\"" ID_B "\"}"),
		  "none");
	CHECK_STR(active_for(&cb, "{\"phone\":\"13900001111\"}"), "none");
	CHECK_STR(active_for(&cb, "{}"), "none");
	cg_casebook_release(&cb);
}

int main(void)
{
	RUN(open_makes_active);
	RUN(open_by_phone_or_name);
	RUN(open_does_not_modify_event);
	RUN(escalate_stays_active);
	RUN(release_and_close_end_it);
	RUN(extend_changes_end);
	RUN(unknown_cases_ignored);
	RUN(second_person_independent);
	RUN(reopen_after_release);
	RUN(ending_old_case_keeps_newer_active);
	RUN(ending_newer_case_keeps_older_active);
	RUN(active_by_every_key);
	RUN(active_for_person);
	return UNIT_DONE();
}
