#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/casebook.h"
#include "store/journal.h"
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

/* The ids cg_casebook_active_sharing finds for person, "," joined, or "-". */
static const char *sharing(const struct cg_casebook *cb, const char *person, size_t max)
{
	static char out[256];
	const json_t *found[CG_CASES_SHARING_MAX];
	json_t *p = json_loads(person, 0, NULL);
	size_t n = p ? cg_casebook_active_sharing(cb, p, found, max) : 0, k = 0;

	json_decref(p);
	snprintf(out, sizeof(out), "%zu:", n);
	for (size_t i = 0; i < n && i < max; i++) {
		k = strlen(out);
		snprintf(out + k, sizeof(out) - k, "%s%s", i ? "," : "",
			 json_string_value(json_object_get(found[i], "case_id")));
	}
	return out;
}

TEST(active_sharing)
{
	struct cg_casebook cb;
	json_t *ev = open_ev("Q1", ID_A, "胡建华");

	cg_casebook_init(&cb);
	json_object_set_new(ev, "phone", json_string("13812348000"));
	CHECK_INT(apply(&cb, ev), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_B, "胡　建华")), 0);
	/* By id, by phone, by name normalised; each case once, in order. */
	CHECK_STR(sharing(&cb, "{\"id_no\":\"" ID_A "\"}", 8), "1:Q1");
	CHECK_STR(sharing(&cb, "{\"phone\":\"13812348000\"}", 8), "1:Q1");
	CHECK_STR(sharing(&cb, "{\"name\":\" 胡建华\"}", 8), "2:Q1,Q2");
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建华\",\"id_no\":\"" ID_B "\","
			  "\"phone\":\"13812348000\"}", 8), "2:Q1,Q2");
	/* Whatever else differs: the caller judges. */
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建华\",\"household\":\"1-1-101\"}", 8),
		  "2:Q1,Q2");
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建华\"}", 1), "2:Q1");
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建国\"}", 8), "0:");
	CHECK_STR(sharing(&cb, "{}", 8), "0:");
	CHECK_INT(apply(&cb, open_ev("Q3", "11010519491231002X", "　")), 0);
	CHECK_STR(sharing(&cb, "{\"name\":\" \"}", 8), "0:");
	/* Only open and escalated cases. */
	CHECK_INT(apply(&cb, ev_of("escalate", "Q2")), 0);
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建华\"}", 8), "2:Q1,Q2");
	CHECK_INT(apply(&cb, ev_of("release", "Q1")), 0);
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建华\"}", 8), "1:Q2");
	CHECK_STR(sharing(&cb, "{\"phone\":\"13812348000\"}", 8), "0:");
	CHECK_INT(apply(&cb, ev_of("close", "Q2")), 0);
	CHECK_STR(sharing(&cb, "{\"name\":\"胡建华\"}", 8), "0:");
	cg_casebook_release(&cb);
}

static int apply_text(struct cg_casebook *cb, const char *text)
{
	json_t *ev = json_loads(text, 0, NULL);

	if (!ev)
		abort();
	return apply(cb, ev);
}

TEST(local_days)
{
	int32_t d;
	char out[CG_DATE_LEN];
	int minute;

	CHECK_INT(cg_day_parse("1970-01-01", &d), 0);
	CHECK_INT(d, 0);
	CHECK_INT(cg_day_parse("2026-01-25", &d), 0);
	cg_day_format(d + 13, out);
	CHECK_STR(out, "2026-02-07");
	cg_day_format(d + 6, out);
	CHECK_STR(out, "2026-01-31");
	CHECK_INT(cg_day_parse("2028-02-20", &d), 0);
	cg_day_format(d + 13, out);
	CHECK_STR(out, "2028-03-04");
	CHECK_INT(cg_day_parse("2026-02-29", &d), -1);
	CHECK_INT(cg_day_parse("2026-01-25T08:00:00+08:00", &d), -1);
	/* 2026-01-25T23:59:00+08:00 is 15:59 UTC: local day and minute. */
	d = cg_local_day(1769356740, &minute);
	cg_day_format(d, out);
	CHECK_STR(out, "2026-01-25");
	CHECK_INT(minute, 23 * 60 + 59);
	d = cg_local_day(1769356740 + 60, &minute);
	cg_day_format(d, out);
	CHECK_STR(out, "2026-01-26");
	CHECK_INT(minute, 0);
}

TEST(status_enum_and_times)
{
	struct cg_casebook cb;
	struct cg_case *c;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	c = cg_casebook_find(&cb, "Q1");
	CHECK(c != NULL);
	CHECK(cg_casebook_find(&cb, "Q2") == NULL);
	CHECK_INT(c->status, CG_CASE_OPEN);
	CHECK_STR(c->id, "Q1");
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T10:00:00+08:00\",\"event\":\"escalate\","
			     "\"case_id\":\"Q1\",\"reason\":\"fever\"}"), 0);
	CHECK_INT(c->status, CG_CASE_ESCALATED);
	CHECK_STR(json_string_value(json_object_get(c->rec, "escalated_at")),
		  "2026-01-26T10:00:00+08:00");
	CHECK_STR(json_string_value(json_object_get(c->rec, "escalate_reason")), "fever");
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-27T10:00:00+08:00\",\"event\":\"close\","
			     "\"case_id\":\"Q1\",\"reason\":\"hospital\"}"), 0);
	CHECK_INT(c->status, CG_CASE_CLOSED);
	CHECK_STR(json_string_value(json_object_get(c->rec, "close_reason")), "hospital");
	/* Ended stays ended, and its times stay. */
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-28T10:00:00+08:00\",\"event\":\"release\","
			     "\"case_id\":\"Q1\"}"), 0);
	CHECK_INT(c->status, CG_CASE_CLOSED);
	CHECK(json_object_get(c->rec, "released_at") == NULL);
	CHECK_STR(cg_case_status_name(CG_CASE_RELEASED), "released");
	CHECK_STR(cg_case_status_name(CG_CASE_ESCALATED), "escalated");
	cg_casebook_release(&cb);
}

TEST(days_of_a_case)
{
	struct cg_casebook cb;
	struct cg_case *c;
	char out[CG_DATE_LEN];

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	c = cg_casebook_find(&cb, "Q1");
	cg_day_format(c->start_day, out);
	CHECK_STR(out, "2026-01-25");
	cg_day_format(c->end_day, out);
	CHECK_STR(out, "2026-02-08");
	cg_day_format(c->opened_day, out);
	CHECK_STR(out, "2026-01-25");
	CHECK_INT(c->opened_minute, 9 * 60);
	CHECK_INT(apply_text(&cb, "{\"event\":\"extend\",\"case_id\":\"Q1\",\"days\":21,"
			     "\"end\":\"2026-02-14\"}"), 0);
	cg_day_format(c->end_day, out);
	CHECK_STR(out, "2026-02-14");
	CHECK_INT(json_integer_value(json_object_get(c->rec, "days")), 21);
	/* A journal written by hand without dates still folds. */
	CHECK_INT(apply_text(&cb, "{\"event\":\"open\",\"case_id\":\"Q2\",\"id_no\":\"" ID_B "\"}"), 0);
	c = cg_casebook_find(&cb, "Q2");
	CHECK_INT(c->start_day, CG_CASE_NO_DAY);
	CHECK_INT(c->end_day, CG_CASE_NO_DAY);
	CHECK_INT(c->opened_day, CG_CASE_NO_DAY);
	cg_casebook_release(&cb);
}

TEST(checks_in_time_order)
{
	struct cg_casebook cb;
	struct cg_case *c;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T17:00:00+08:00\",\"event\":\"check\","
			     "\"case_id\":\"Q1\",\"temp\":36.5,\"result\":\"ok\"}"), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T07:00:00+08:00\",\"event\":\"check\","
			     "\"case_id\":\"Q1\",\"temp\":37.9,\"result\":\"alert\"}"), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-27T07:10:00+08:00\",\"event\":\"check\","
			     "\"case_id\":\"Q1\",\"temp\":36.5,\"result\":\"ok\"}"), 0);
	/* Without a time it cannot be placed: not kept. */
	CHECK_INT(apply_text(&cb, "{\"event\":\"check\",\"case_id\":\"Q1\",\"result\":\"ok\"}"), 0);
	c = cg_casebook_find(&cb, "Q1");
	CHECK_INT(c->nchecks, 3);
	CHECK_INT(c->nalerts, 1);
	CHECK(c->checks[0].at < c->checks[1].at && c->checks[1].at < c->checks[2].at);
	CHECK_INT(c->checks[0].alert, 1);
	CHECK_INT(c->checks[0].minute, 7 * 60);
	CHECK_INT(c->checks[1].minute, 17 * 60);
	CHECK_INT(c->checks[2].minute, 7 * 60 + 10);
	CHECK_INT(c->checks[2].day - c->checks[0].day, 1);
	CHECK_INT(c->checks[0].day - c->start_day, 1);
	/* Checks do not change the status (the escalate event does). */
	CHECK_INT(c->status, CG_CASE_OPEN);
	cg_casebook_release(&cb);
}

/* A void or an amending check takes a check away by its seq. */
TEST(corrections_of_checks)
{
	struct cg_casebook cb;
	struct cg_case *c;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T07:00:00+08:00\",\"event\":\"check\","
			     "\"case_id\":\"Q1\",\"temp\":36.5,\"result\":\"ok\",\"seq\":20}"), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T17:00:00+08:00\",\"event\":\"check\","
			     "\"case_id\":\"Q1\",\"temp\":38.6,\"result\":\"alert\",\"seq\":21}"), 0);
	c = cg_casebook_find(&cb, "Q1");
	CHECK_INT(c->nchecks, 2);
	CHECK_INT(c->nalerts, 1);
	CHECK(cg_case_check_at(c, 21) != NULL);
	/* The amended reading replaces check 21, at its time. */
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T17:00:00+08:00\",\"event\":\"check\","
			     "\"case_id\":\"Q1\",\"temp\":36.8,\"result\":\"ok\","
			     "\"amends\":\"DEMO-0001/quarantine/21\",\"correction_of\":\"DEMO-0001/quarantine/21\","
			     "\"seq\":22}"), 0);
	CHECK_INT(c->nchecks, 2);
	CHECK_INT(c->nalerts, 0);
	CHECK(cg_case_check_at(c, 21) == NULL);
	CHECK(cg_case_check_at(c, 22) != NULL);
	/* A void of check 20; a second void, or a void of a check-in rid,
	 * changes nothing. */
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-27T09:00:00+08:00\",\"event\":\"void\","
			     "\"case_id\":\"Q1\",\"voids\":\"DEMO-0001/quarantine/20\",\"seq\":23}"), 0);
	CHECK_INT(c->nchecks, 1);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-27T09:00:00+08:00\",\"event\":\"void\","
			     "\"case_id\":\"Q1\",\"voids\":\"DEMO-0001/quarantine/20\",\"seq\":24}"), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-27T09:00:00+08:00\",\"event\":\"void\","
			     "\"case_id\":\"Q1\",\"voids\":\"DEMO-0001/checkin/2026-01-26/22\"}"), 0);
	CHECK_INT(c->nchecks, 1);
	CHECK_INT(c->checks[0].seq, 22);
	CHECK_INT(c->status, CG_CASE_OPEN);
	cg_casebook_release(&cb);
}

TEST(needs_and_done)
{
	struct cg_casebook cb;
	struct cg_case *c, *found;
	json_t *n;

	cg_casebook_init(&cb);
	CHECK_INT(apply(&cb, open_ev("Q260125-001", ID_A, "张三")), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T09:00:00+08:00\",\"event\":\"need\","
			     "\"case_id\":\"Q260125-001\",\"need_id\":\"Q260125-001-N1\","
			     "\"need\":\"supplies\",\"seq\":4,\"chain\":\"x\"}"), 0);
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T09:05:00+08:00\",\"event\":\"need\","
			     "\"case_id\":\"Q260125-001\",\"need_id\":\"Q260125-001-N2\","
			     "\"need\":\"garbage\"}"), 0);
	c = cg_casebook_find(&cb, "Q260125-001");
	CHECK_INT(json_array_size(c->needs), 2);
	CHECK_INT(c->needs_open, 2);
	n = json_array_get(c->needs, 0);
	CHECK(json_object_get(n, "seq") == NULL && json_object_get(n, "event") == NULL);
	CHECK_STR(json_string_value(json_object_get(n, "need")), "supplies");
	CHECK_INT(apply_text(&cb, "{\"ts\":\"2026-01-26T12:00:00+08:00\",\"event\":\"need_done\","
			     "\"case_id\":\"Q260125-001\",\"need_id\":\"Q260125-001-N1\"}"), 0);
	CHECK_INT(c->needs_open, 1);
	CHECK(json_is_true(json_object_get(n, "done")));
	CHECK_STR(json_string_value(json_object_get(n, "done_at")), "2026-01-26T12:00:00+08:00");
	/* Done twice counts once. */
	CHECK_INT(apply_text(&cb, "{\"event\":\"need_done\",\"case_id\":\"Q260125-001\","
			     "\"need_id\":\"Q260125-001-N1\"}"), 0);
	CHECK_INT(c->needs_open, 1);
	CHECK(cg_casebook_find_need(&cb, "Q260125-001-N2", &found) != NULL);
	CHECK(found == c);
	CHECK(cg_casebook_find_need(&cb, "Q260125-001-N3", &found) == NULL);
	CHECK(cg_casebook_find_need(&cb, "Q260125-002-N1", &found) == NULL);
	CHECK(found == NULL);
	CHECK(cg_casebook_find_need(&cb, "nonsense", &found) == NULL);
	cg_casebook_release(&cb);
}

TEST(next_id_from_the_journal)
{
	struct cg_casebook cb;
	char id[CG_CASE_ID_LEN];

	cg_casebook_init(&cb);
	cg_casebook_next_id(&cb, "2026-01-25", id);
	CHECK_STR(id, "Q260125-001");
	CHECK_INT(apply(&cb, open_ev("Q260125-001", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("Q260125-007", ID_B, "李四")), 0);
	CHECK_INT(apply(&cb, open_ev("Q260126-002", "110101199003074514", "王五")), 0);
	/* Ids of another form do not count. */
	CHECK_INT(apply(&cb, open_ev("Q260125-x", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("C1", ID_A, "张三")), 0);
	cg_casebook_next_id(&cb, "2026-01-25", id);
	CHECK_STR(id, "Q260125-008");
	cg_casebook_next_id(&cb, "2026-01-26", id);
	CHECK_STR(id, "Q260126-003");
	cg_casebook_next_id(&cb, "2027-12-31", id);
	CHECK_STR(id, "Q271231-001");
	CHECK_INT(apply(&cb, open_ev("Q260127-999", ID_A, "张三")), 0);
	cg_casebook_next_id(&cb, "2026-01-27", id);
	CHECK_STR(id, "Q260127-1000");
	cg_casebook_release(&cb);
}

TEST(latest_case_of_a_person)
{
	struct cg_casebook cb;
	json_t *p = json_pack("{s:s}", "id_no", ID_A);
	json_t *other = json_pack("{s:s}", "id_no", ID_B);

	cg_casebook_init(&cb);
	CHECK(cg_casebook_latest_for(&cb, p) == NULL);
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, ev_of("release", "Q1")), 0);
	CHECK_STR(cg_casebook_latest_for(&cb, p)->id, "Q1");
	CHECK(cg_casebook_active_for(&cb, p) == NULL);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_A, "张三")), 0);
	CHECK_STR(cg_casebook_latest_for(&cb, p)->id, "Q2");
	CHECK(cg_casebook_latest_for(&cb, other) == NULL);
	json_decref(p);
	json_decref(other);
	cg_casebook_release(&cb);
}

TEST(kept_events)
{
	struct cg_casebook cb;

	cg_casebook_init(&cb);
	cg_casebook_keep_events(&cb, "Q2");
	CHECK_INT(apply(&cb, open_ev("Q1", ID_A, "张三")), 0);
	CHECK_INT(apply(&cb, open_ev("Q2", ID_B, "李四")), 0);
	CHECK_INT(apply(&cb, ev_of("check", "Q1")), 0);
	CHECK_INT(apply(&cb, ev_of("check", "Q2")), 0);
	CHECK_INT(apply(&cb, ev_of("escalate", "Q2")), 0);
	CHECK(cg_casebook_find(&cb, "Q1")->events == NULL);
	CHECK_INT(json_array_size(cg_casebook_find(&cb, "Q2")->events), 3);
	CHECK_STR(json_string_value(json_object_get(
		json_array_get(cg_casebook_find(&cb, "Q2")->events, 2), "event")), "escalate");
	CHECK_INT(cb.ncases, 2);
	CHECK(cb.list[0] == cg_casebook_find(&cb, "Q1"));
	cg_casebook_release(&cb);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Journal one event; the casebook is not told. */
static void journal(struct cg_journal *j, json_t *ev)
{
	struct cg_err err = CG_ERR_INIT;

	json_object_del(ev, "seq");	/* the journal's own */
	json_object_del(ev, "chain");
	if (cg_journal_add(j, ev, &err) < 0 || cg_journal_commit(j, &err) < 0) {
		printf("# journal: %s\n", err.msg);
		abort();
	}
	json_decref(ev);
}

/*
 * What another process journals after a load is folded by a refresh, once:
 * "cg-quarantine release | cg-pass issue" loads before the releases exist.
 */
TEST(refresh_folds_what_was_appended)
{
	char tmp[64] = "/tmp/cg-test-casebook-XXXXXX", home[96];
	struct cg_err err = CG_ERR_INIT;
	struct cg_casebook cb;
	struct cg_home h;
	struct cg_journal j;

	if (!mkdtemp(tmp)) {
		printf("# mkdtemp: %s\n", strerror(errno));
		abort();
	}
	snprintf(home, sizeof(home), "%s/home", tmp);
	CHECK_INT(cg_home_open(&h, home, &err), 0);
	cg_casebook_init(&cb);
	/* No journal yet: empty. */
	CHECK_INT(cg_casebook_load(&cb, &h, &err), 0);
	CHECK_INT(cb.ncases, 0);
	CHECK_INT(cg_journal_open(&j, &h, "quarantine", &err), 0);
	journal(&j, open_ev("Q1", ID_A, "张三"));
	journal(&j, ev_of("check", "Q1"));
	CHECK_INT(cg_casebook_load(&cb, &h, &err), 0);
	CHECK_INT(cb.seq, 2);
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	journal(&j, ev_of("release", "Q1"));
	journal(&j, open_ev("Q2", ID_B, "李四"));
	CHECK_STR(active(&cb, KEY_A), "Q1/open");
	CHECK_INT(cg_casebook_refresh(&cb, &h, &err), 0);
	CHECK_INT(cb.seq, 4);
	CHECK_STR(active(&cb, KEY_A), "none");
	CHECK_STR(case_status(&cb, "Q1"), "released");
	CHECK_STR(active(&cb, KEY_B), "Q2/open");
	CHECK_INT(cb.ncases, 2);
	/* Nothing new: nothing changes. */
	CHECK_INT(cg_casebook_refresh(&cb, &h, &err), 0);
	CHECK_INT(cb.ncases, 2);
	CHECK_INT(cb.seq, 4);
	cg_journal_release(&j);
	cg_casebook_release(&cb);
	cg_home_release(&h);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A line found by its seq through the index's book bisects the journal:
 * every seq of lines of every length, and none past the end. */
TEST(read_seq_bisects_the_journal)
{
	char tmp[64] = "/tmp/cg-test-casebook-XXXXXX", home[96];
	struct cg_err err = CG_ERR_INIT;
	struct cg_casebook cb;
	struct cg_home h;
	struct cg_journal j;
	json_t *rec;
	int n = 0;

	if (!mkdtemp(tmp))
		abort();
	snprintf(home, sizeof(home), "%s/home", tmp);
	CHECK_INT(cg_home_open(&h, home, &err), 0);
	CHECK_INT(cg_journal_open(&j, &h, "quarantine", &err), 0);
	journal(&j, open_ev("Q260125-001", ID_A, "张三"));
	n++;
	for (int i = 0; i < 70; i++, n++) {
		/* From a few bytes to past the 4096 of a read. */
		size_t len = i % 9 == 4 ? 5000 : (size_t)(i * 13 % 300);
		char need[5001], id[32];
		json_t *ev = json_object();

		memset(need, 'x', len);
		need[len] = '\0';
		snprintf(id, sizeof(id), "Q260125-001-N%d", i + 1);
		json_object_set_new(ev, "event", json_string("need"));
		json_object_set_new(ev, "case_id", json_string("Q260125-001"));
		json_object_set_new(ev, "need_id", json_string(id));
		json_object_set_new(ev, "need", json_string(need));
		journal(&j, ev);
	}
	cg_casebook_init(&cb);
	CHECK_INT(cg_casebook_open_lookup(&cb, &h, &err), 0);
	CHECK_INT(cb.lookup, 1);
	for (int seq = 0; seq <= n + 1; seq++) {
		int st = cg_casebook_read_seq(&cb, &h, (uint64_t)seq, &rec, &err);

		CHECK_INT(st, seq >= 1 && seq <= n);
		if (st == 1) {
			CHECK_INT(json_integer_value(json_object_get(rec, "seq")), seq);
			json_decref(rec);
		}
	}
	cg_journal_release(&j);
	cg_casebook_release(&cb);
	cg_home_release(&h);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A book of cg_casebook_open_lookup answers as the fold does whatever it
 * holds already: a person with two active cases (the newest wins, held
 * first or not), the newest ended in the run (the older one is the
 * answer), the latest case of a person, and the next serial of a date
 * (four digits past 999).
 */
TEST(lookup_book_answers_as_the_fold)
{
	char tmp[64] = "/tmp/cg-test-casebook-XXXXXX", home[96], id[CG_CASE_ID_LEN];
	struct cg_err err = CG_ERR_INIT;
	struct cg_casebook cb, fold;
	struct cg_home h;
	struct cg_journal j;
	json_t *p = json_pack("{s:s,s:s}", "id_no", ID_A, "name", "张三");

	if (!mkdtemp(tmp))
		abort();
	snprintf(home, sizeof(home), "%s/home", tmp);
	CHECK_INT(cg_home_open(&h, home, &err), 0);
	CHECK_INT(cg_journal_open(&j, &h, "quarantine", &err), 0);
	journal(&j, open_ev("Q260125-001", ID_A, "张三"));
	journal(&j, open_ev("Q260125-999", ID_B, "李四"));
	journal(&j, open_ev("Q260125-002", ID_A, "张三"));
	journal(&j, open_ev("Q260125-1000", ID_B, "李四"));
	journal(&j, ev_of("close", "Q260125-1000"));
	cg_casebook_init(&fold);
	CHECK_INT(cg_casebook_load(&fold, &h, &err), 0);
	for (int held_first = 0; held_first < 2; held_first++) {
		cg_casebook_init(&cb);
		CHECK_INT(cg_casebook_open_lookup(&cb, &h, &err), 0);
		CHECK_INT(cb.lookup, 1);
		CHECK_INT(cb.ncases, 0);
		if (held_first)
			CHECK_STR(cg_casebook_find(&cb, "Q260125-001")->id, "Q260125-001");
		CHECK_STR(active(&cb, KEY_A), active(&fold, KEY_A));
		CHECK_STR(active(&cb, KEY_A), "Q260125-002/open");
		CHECK_STR(cg_casebook_latest_for(&cb, p)->id, "Q260125-002");
		CHECK_STR(active(&cb, KEY_B), "Q260125-999/open");
		cg_casebook_next_id(&cb, "2026-01-25", id);
		CHECK_STR(id, "Q260125-1001");
		cg_casebook_next_id(&fold, "2026-01-25", id);
		CHECK_STR(id, "Q260125-1001");
		/* The newest ended by this run: the older one is active. */
		CHECK_INT(apply(&cb, ev_of("close", "Q260125-002")), 0);
		CHECK_STR(active(&cb, KEY_A), "Q260125-001/open");
		CHECK_STR(cg_casebook_latest_for(&cb, p)->id, "Q260125-002");
		/* A case this run opens is the newest. */
		CHECK_INT(apply(&cb, open_ev("Q260126-001", ID_A, "张三")), 0);
		CHECK_STR(active(&cb, KEY_A), "Q260126-001/open");
		CHECK_STR(cg_casebook_latest_for(&cb, p)->id, "Q260126-001");
		CHECK(cg_casebook_find(&cb, "Q260125-404") == NULL);
		CHECK(cb.ncases <= 4);
		cg_casebook_release(&cb);
	}
	json_decref(p);
	cg_journal_release(&j);
	cg_casebook_release(&fold);
	cg_home_release(&h);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *quick(const char *line)
{
	static char out[128];
	char id[CG_CASE_ID_LEN];
	cg_time_t at;
	int alert;

	if (cg_casebook_quick_check(line, strlen(line), id, &at, &alert) < 0)
		return "no";
	snprintf(out, sizeof(out), "%s %lld %s", id, (long long)at, alert ? "alert" : "ok");
	return out;
}

#define CHAIN ",\"chain\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}"
#define HEAD "{\"ts\":\"2026-01-26T07:00:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"check\"," \
	"\"case_id\":\"Q260125-001\","

/* The lines of checks as cg-quarantine writes them are read without JSON;
 * anything else is left to the parser. */
TEST(quick_check_lines)
{
	CHECK_STR(quick(HEAD "\"temp\":36.5,\"symptoms\":[],\"day\":2,\"window\":\"06:00-10:00\","
			"\"result\":\"ok\",\"seq\":12" CHAIN), "Q260125-001 1769382000 ok");
	CHECK_STR(quick(HEAD "\"temp\":38.5,\"result\":\"alert\",\"seq\":1" CHAIN),
		  "Q260125-001 1769382000 alert");
	/* Not a check, not in this order, escapes, no result: parsed. */
	CHECK_STR(quick("{\"ts\":\"2026-01-26T07:00:00+08:00\",\"compound\":\"DEMO-0001\","
			"\"event\":\"open\",\"case_id\":\"Q1\",\"result\":\"ok\",\"seq\":1" CHAIN), "no");
	CHECK_STR(quick("{\"compound\":\"DEMO-0001\",\"ts\":\"2026-01-26T07:00:00+08:00\","
			"\"event\":\"check\",\"case_id\":\"Q1\",\"result\":\"ok\",\"seq\":1" CHAIN), "no");
	CHECK_STR(quick("{\"ts\":\"2026-01-26T07:00:00+08:00\",\"compound\":\"DEMO-0001\","
			"\"event\":\"check\",\"case_id\":\"Q\\u0031\",\"result\":\"ok\",\"seq\":1" CHAIN), "no");
	CHECK_STR(quick(HEAD "\"temp\":36.5,\"seq\":1" CHAIN), "no");
	/* A result inside a nested object or a string is not the check's. */
	CHECK_STR(quick(HEAD "\"x\":{\"result\":\"alert\"},\"seq\":1" CHAIN), "no");
	CHECK_STR(quick(HEAD "\"note\":\"a\\\",\\\"result\\\":\\\"alert\",\"seq\":1" CHAIN), "no");
	CHECK_STR(quick(HEAD "\"result\":\"maybe\",\"seq\":1" CHAIN), "no");
	/* Not a journal line, a time that does not parse, a long id. */
	CHECK_STR(quick(HEAD "\"result\":\"ok\"}"), "no");
	CHECK_STR(quick("{\"ts\":\"2026-01-26\",\"compound\":\"D\",\"event\":\"check\","
			"\"case_id\":\"Q1\",\"result\":\"ok\",\"seq\":1" CHAIN), "no");
	CHECK_STR(quick("{\"ts\":\"2026-01-26T07:00:00+08:00\",\"compound\":\"D\",\"event\":\"check\","
			"\"case_id\":\"Q0123456789012345678901234567890123456789\","
			"\"result\":\"ok\",\"seq\":1" CHAIN), "no");
	CHECK_STR(quick(""), "no");
	CHECK_STR(quick("{\"ts\":\""), "no");
}

static int fold_apply(void *ctx, const json_t *rec, struct cg_err *err)
{
	return cg_casebook_apply(ctx, rec, err);
}

/* A fold through the quick reading equals one through the parser. */
TEST(quick_fold_equals_parsed_fold)
{
	char tmp[64] = "/tmp/cg-test-casebook-XXXXXX", home[96];
	struct cg_err err = CG_ERR_INIT;
	struct cg_casebook quick_cb, parsed_cb;
	struct cg_home h;
	struct cg_journal j;
	static const char *const extra[] = {
		"", ",\"symptoms\":[\"cough\"]", ",\"note\":\"\\\"result\\\":\\\"alert\\\"\"",
		",\"x\":{\"result\":\"alert\"}", ",\"by\":\"王五\""
	};

	if (!mkdtemp(tmp))
		abort();
	snprintf(home, sizeof(home), "%s/home", tmp);
	CHECK_INT(cg_home_open(&h, home, &err), 0);
	CHECK_INT(cg_journal_open(&j, &h, "quarantine", &err), 0);
	journal(&j, open_ev("Q260125-001", ID_A, "张三"));
	journal(&j, open_ev("Q260125-002", ID_B, "李四"));
	for (int i = 0; i < 40; i++) {
		char text[512];
		json_t *ev;

		snprintf(text, sizeof(text),
			 "{\"ts\":\"2026-01-%02dT%02d:%02d:00+08:00\",\"compound\":\"DEMO-0001\","
			 "\"event\":\"check\",\"case_id\":\"Q260125-00%d\",\"temp\":36.5%s,"
			 "\"result\":\"%s\"}", 25 + i % 5, 6 + i % 14, i, 1 + i % 2,
			 extra[i % 5], i % 7 == 3 ? "alert" : "ok");
		ev = json_loads(text, 0, NULL);
		if (!ev)
			abort();
		journal(&j, ev);
	}
	cg_casebook_init(&quick_cb);
	cg_casebook_init(&parsed_cb);
	CHECK_INT(cg_casebook_load(&quick_cb, &h, &err), 0);
	CHECK_INT(cg_journal_fold(&h, "quarantine", fold_apply, &parsed_cb, &err), 0);
	CHECK_INT(quick_cb.ncases, 2);
	for (size_t k = 0; k < quick_cb.ncases; k++) {
		struct cg_case *a = quick_cb.list[k], *b = parsed_cb.list[k];

		CHECK_INT(a->nchecks, 20);
		CHECK_INT(a->nchecks, b->nchecks);
		CHECK_INT(a->nalerts, b->nalerts);
		CHECK(a->nalerts > 0);
		for (size_t i = 0; i < a->nchecks && i < b->nchecks; i++)
			CHECK(a->checks[i].at == b->checks[i].at &&
			      a->checks[i].day == b->checks[i].day &&
			      a->checks[i].minute == b->checks[i].minute &&
			      a->checks[i].alert == b->checks[i].alert);
	}
	cg_journal_release(&j);
	cg_casebook_release(&quick_cb);
	cg_casebook_release(&parsed_cb);
	cg_home_release(&h);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	/* Local days below are Shanghai's (a POSIX rule: no zoneinfo needed). */
	setenv("TZ", "CST-8", 1);
	tzset();
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
	RUN(active_sharing);
	RUN(local_days);
	RUN(status_enum_and_times);
	RUN(days_of_a_case);
	RUN(checks_in_time_order);
	RUN(corrections_of_checks);
	RUN(needs_and_done);
	RUN(next_id_from_the_journal);
	RUN(latest_case_of_a_person);
	RUN(kept_events);
	RUN(refresh_folds_what_was_appended);
	RUN(quick_check_lines);
	RUN(quick_fold_equals_parsed_fold);
	RUN(read_seq_bisects_the_journal);
	RUN(lookup_book_answers_as_the_fold);
	return UNIT_DONE();
}
