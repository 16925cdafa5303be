#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json/jsonl.h"
#include "rules/quarantine.h"
#include "unit.h"

#define ID_A "110101199003074514"
#define ID_B "310104198506151237"

/* A compound with its configuration, cases and an output to read back. */
struct world {
	struct cg_config cfg;
	struct cg_casebook cb;
	struct cg_loop lp;
	struct cg_quarantine q;
	FILE *out;
	char why[512];
	char text[8192];
};

static cg_time_t at(const char *ts)
{
	cg_time_t t;

	if (cg_time_parse(ts, 0, &t) < 0)
		abort();
	return t;
}

static void world_init(struct world *w, const char *config, const char *now)
{
	struct cg_err err = CG_ERR_INIT;

	memset(w, 0, sizeof(*w));
	if (cg_config_parse(&w->cfg, config, config ? strlen(config) : 0, "test", &err) < 0 ||
	    cg_loop_init(&w->lp, NULL, 0, &err) < 0) {
		printf("# %s\n", err.msg);
		abort();
	}
	cg_casebook_init(&w->cb);
	w->out = tmpfile();
	w->lp.out.fp = w->out;
	cg_quarantine_init(&w->q, &w->cfg, &w->cb, at(now));
}

static void set_now(struct world *w, const char *now)
{
	struct cg_quarantine q = w->q;

	cg_quarantine_init(&w->q, &w->cfg, &w->cb, at(now));
	w->q.final_day_check = q.final_day_check;
}

static void world_release(struct world *w)
{
	fclose(w->out);
	cg_casebook_release(&w->cb);
	cg_config_release(&w->cfg);
}

/* Run one record through fn as the loop does: 0 accepted, 1 rejected
 * (w->why), -1. */
static int feed(struct world *w, cg_quarantine_fn *fn, const char *text)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_loop_line ln = { "test", 1, (char *)text, strlen(text), NULL };
	json_t *rec = json_loads(text, 0, NULL);
	int r;

	if (!rec)
		abort();
	ln.rec = rec;
	w->why[0] = '\0';
	w->q.rule = fn;
	r = cg_quarantine_take(&w->q, &w->lp, &ln, w->why, sizeof(w->why), &err);
	json_decref(rec);
	return r;
}

/* What was printed since the last call, lines joined by '\n'. */
static const char *printed(struct world *w)
{
	size_t n;

	fflush(w->out);
	rewind(w->out);
	n = fread(w->text, 1, sizeof(w->text) - 1, w->out);
	w->text[n] = '\0';
	if (n && w->text[n - 1] == '\n')
		w->text[n - 1] = '\0';
	rewind(w->out);
	if (ftruncate(fileno(w->out), 0) < 0)
		abort();
	return w->text;
}

/* The field of the last printed line as text. */
static const char *last_field(struct world *w, const char *key)
{
	static char buf[512];
	const char *p = printed(w), *nl = strrchr(p, '\n');
	json_t *rec = json_loads(nl ? nl + 1 : p, 0, NULL);
	json_t *v = json_object_get(rec, key);
	char *d;

	if (!v) {
		json_decref(rec);
		return "(none)";
	}
	d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, sizeof(buf), "%s", json_is_string(v) ? json_string_value(v) : d);
	free(d);
	json_decref(rec);
	return buf;
}

static const char *dump(json_t *rec, const char *const *keys)
{
	static char buf[2048];
	json_t *o = json_object();
	char *d;

	for (; *keys; keys++)
		if (json_object_get(rec, *keys))
			json_object_set(o, *keys, json_object_get(rec, *keys));
	d = json_dumps(o, JSON_COMPACT);
	snprintf(buf, sizeof(buf), "%s", d);
	free(d);
	json_decref(o);
	json_decref(rec);
	return buf;
}

static int32_t day(const char *date)
{
	int32_t d;

	if (cg_day_parse(date, &d) < 0)
		abort();
	return d;
}

TEST(windows)
{
	struct world w;
	const struct cg_quarantine_policy *p;
	char label[CG_WINDOW_LABEL_LEN];

	world_init(&w, NULL, "2026-01-25T08:00:00+08:00");
	p = &w.cfg.quarantine;
	CHECK_INT(p->nwindows, 2);
	CHECK_INT(cg_quarantine_window_of(p, 5 * 60 + 59), -1);
	CHECK_INT(cg_quarantine_window_of(p, 6 * 60), 0);
	CHECK_INT(cg_quarantine_window_of(p, 9 * 60 + 59), 0);
	CHECK_INT(cg_quarantine_window_of(p, 10 * 60), -1);
	CHECK_INT(cg_quarantine_window_of(p, 16 * 60), 1);
	CHECK_INT(cg_quarantine_window_of(p, 20 * 60), -1);
	cg_quarantine_window_label(p, 1, label);
	CHECK_STR(label, "16:00-20:00");
	world_release(&w);

	world_init(&w, "{\"quarantine\":{\"check_windows\":[[\"00:00\",\"00:30\"],[\"21:05\",\"24:00\"]]}}",
		   "2026-01-25T08:00:00+08:00");
	p = &w.cfg.quarantine;
	CHECK_INT(cg_quarantine_window_of(p, 0), 0);
	CHECK_INT(cg_quarantine_window_of(p, 23 * 60 + 59), 1);
	cg_quarantine_window_label(p, 1, label);
	CHECK_STR(label, "21:05-24:00");
	cg_quarantine_window_label(p, 0, label);
	CHECK_STR(label, "00:00-00:30");
	world_release(&w);
}

TEST(reason_lists)
{
	CHECK(cg_quarantine_open_reason_ok("close_contact"));
	CHECK(cg_quarantine_open_reason_ok("secondary_contact"));
	CHECK(!cg_quarantine_open_reason_ok("hospital"));
	CHECK(cg_quarantine_close_reason_ok("moved_out"));
	CHECK(cg_quarantine_close_reason_ok("error"));
	CHECK(!cg_quarantine_close_reason_ok("close_contact"));
	CHECK(!cg_quarantine_close_reason_ok(""));
}

TEST(open_case)
{
	struct world w;

	world_init(&w, NULL, "2026-01-31T23:59:00+08:00");
	CHECK_INT(feed(&w, cg_quarantine_open,
		       "{\"name\":\"张三\",\"id_no\":\"" ID_A "\",\"reason\":\"close_contact\"}"), 0);
	CHECK_STR(printed(&w),
		  "{\"ts\":\"2026-01-31T23:59:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"open\","
		  "\"case_id\":\"Q260131-001\",\"name\":\"张三\",\"id_no\":\"" ID_A "\","
		  "\"reason\":\"close_contact\",\"start\":\"2026-01-31\",\"days\":14,"
		  "\"end\":\"2026-02-13\",\"status\":\"open\"}");
	CHECK_INT(w.cb.ncases, 1);
	/* Again: the existing case, nothing new. */
	CHECK_INT(feed(&w, cg_quarantine_open,
		       "{\"name\":\"张三\",\"id_no\":\"" ID_A "\",\"reason\":\"other\"}"), 0);
	CHECK_STR(last_field(&w, "existing"), "true");
	CHECK_INT(w.cb.ncases, 1);
	CHECK_INT(w.q.existing, 1);
	/* The next id of the day. */
	CHECK_INT(feed(&w, cg_quarantine_open,
		       "{\"name\":\"李四\",\"id_no\":\"" ID_B "\",\"reason\":\"other\",\"days\":20}"), 0);
	CHECK_STR(last_field(&w, "case_id"), "Q260131-002");
	world_release(&w);
}

TEST(open_refused)
{
	struct world w;

	world_init(&w, NULL, "2026-01-25T08:00:00+08:00");
	CHECK_INT(feed(&w, cg_quarantine_open, "{\"name\":\"张三\",\"reason\":\"other\"}"), 1);
	CHECK_STR(w.why, "missing field 'id_no', 'phone' or 'household' (one identifies the person)");
	CHECK_INT(feed(&w, cg_quarantine_open, "{\"household\":\"1-1-1\",\"reason\":\"other\"}"), 1);
	CHECK_STR(w.why, "missing field 'name'");
	CHECK_INT(feed(&w, cg_quarantine_open, "{\"name\":\"甲\",\"household\":\"1-1-1\"}"), 1);
	CHECK_STR(w.why, "missing field 'reason'");
	CHECK_INT(feed(&w, cg_quarantine_open,
		       "{\"name\":\"甲\",\"household\":\"1-1-1\",\"reason\":\"other\",\"days\":13}"), 1);
	CHECK_STR(w.why, "'days' must be at least 14 (quarantine.min_days), not 13");
	CHECK_INT(feed(&w, cg_quarantine_open,
		       "{\"name\":\"甲\",\"household\":\"1-1-1\",\"reason\":\"other\",\"start\":\"tomorrow\"}"), 1);
	CHECK_STR(w.why, "'start' is not a date (YYYY-MM-DD) or an RFC 3339 time: 'tomorrow'");
	CHECK_INT(feed(&w, cg_quarantine_open,
		       "{\"name\":\"甲\",\"household\":\"1-1-1\",\"reason\":\"other\",\"ts\":\"2026-01-25\"}"), 1);
	CHECK_STR(w.why, "'ts' is not an RFC 3339 time: '2026-01-25'");
	CHECK_STR(printed(&w), "");
	CHECK_INT(w.cb.ncases, 0);
	/* --days below the minimum is refused per record too. */
	w.q.days = 10;
	CHECK_INT(feed(&w, cg_quarantine_open, "{\"name\":\"甲\",\"household\":\"1-1-1\",\"reason\":\"other\"}"), 1);
	world_release(&w);
}

/* A case of 张三 opened at opened, starting that day. */
static void one_case(struct world *w, const char *opened)
{
	char rec[256];

	set_now(w, opened);
	snprintf(rec, sizeof(rec), "{\"name\":\"张三\",\"id_no\":\"" ID_A "\",\"phone\":\"13812348000\","
		 "\"household\":\"3-2-501\",\"reason\":\"close_contact\",\"officer\":\"王五\"}");
	if (feed(w, cg_quarantine_open, rec) != 0)
		abort();
	printed(w);
}

static int check_at(struct world *w, const char *ts, const char *temp)
{
	char rec[256];

	snprintf(rec, sizeof(rec), "{\"case_id\":\"Q260125-001\",\"ts\":\"%s\",\"temp\":%s}", ts, temp);
	return feed(w, cg_quarantine_check, rec);
}

TEST(check_results)
{
	struct world w;
	struct cg_case *c;

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	set_now(&w, "2026-01-25T23:00:00+08:00");
	c = cg_casebook_find(&w.cb, "Q260125-001");
	CHECK_INT(check_at(&w, "2026-01-25T07:00:00+08:00", "37.2"), 0);
	CHECK_STR(printed(&w),
		  "{\"ts\":\"2026-01-25T07:00:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"check\","
		  "\"case_id\":\"Q260125-001\",\"temp\":37.2,\"symptoms\":[],\"day\":1,"
		  "\"window\":\"06:00-10:00\",\"result\":\"ok\"}");
	CHECK_INT(c->nchecks, 1);
	CHECK_INT(check_at(&w, "2026-01-25T12:00:00+08:00", "36.5"), 0);
	CHECK_STR(last_field(&w, "window"), "null");
	/* 37.3 is a fever: check, escalate, alert; the case is escalated. */
	CHECK_INT(check_at(&w, "2026-01-25T17:00:00+08:00", "37.3"), 0);
	CHECK_STR(printed(&w),
		  "{\"ts\":\"2026-01-25T17:00:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"check\","
		  "\"case_id\":\"Q260125-001\",\"temp\":37.3,\"symptoms\":[],\"day\":1,"
		  "\"window\":\"16:00-20:00\",\"result\":\"alert\"}\n"
		  "{\"ts\":\"2026-01-25T17:00:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"escalate\","
		  "\"case_id\":\"Q260125-001\",\"reason\":\"fever\",\"temp\":37.3,\"symptoms\":[]}\n"
		  "{\"ts\":\"2026-01-25T17:00:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"alert\","
		  "\"case_id\":\"Q260125-001\",\"name\":\"张三\",\"id_no\":\"" ID_A "\","
		  "\"phone\":\"13812348000\",\"household\":\"3-2-501\",\"officer\":\"王五\","
		  "\"temp\":37.3,\"symptoms\":[],\"reasons\":[\"fever\"],\"status\":\"escalated\"}");
	CHECK_INT(c->status, CG_CASE_ESCALATED);
	CHECK_INT(c->nalerts, 1);
	CHECK_INT(w.q.alerts, 1);
	world_release(&w);
}

/* A rule is a function: the fold in, events and warnings out, nothing
 * written or folded in until the loop does it. */
TEST(check_rule_returns_events)
{
	struct world w;
	struct cg_case *c;
	struct cg_quarantine_result res;
	json_t *rec = json_loads("{\"case_id\":\"Q260125-001\",\"ts\":\"2026-01-25T12:00:00+08:00\","
				 "\"temp\":38.0}", 0, NULL);
	size_t i;
	json_t *ev;
	const char *want[] = { "check", "escalate", "alert" };

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	set_now(&w, "2026-01-25T23:00:00+08:00");
	printed(&w);
	c = cg_casebook_find(&w.cb, "Q260125-001");
	cg_quarantine_result_init(&res);
	CHECK_INT(cg_quarantine_check(&w.q, rec, &res, w.why, sizeof(w.why)), 0);
	CHECK_INT(json_array_size(res.events), 3);
	json_array_foreach(res.events, i, ev)
		CHECK_STR(json_string_value(json_object_get(ev, "event")), want[i < 3 ? i : 0]);
	CHECK_STR(json_string_value(json_object_get(json_array_get(res.events, 2), "status")),
		  "escalated");
	/* 12:00 is outside every window: a warning, for the loop to say. */
	CHECK_INT(json_array_size(res.warnings), 1);
	CHECK(res.shown == NULL);
	CHECK_STR(printed(&w), "");
	CHECK_INT(c->nchecks, 0);
	CHECK_INT(c->status, CG_CASE_OPEN);
	cg_quarantine_result_release(&res);

	/* A rejection returns nothing. */
	cg_quarantine_result_init(&res);
	json_object_set_new(rec, "temp", json_string("hot"));
	CHECK_INT(cg_quarantine_check(&w.q, rec, &res, w.why, sizeof(w.why)), 1);
	CHECK_STR(w.why, "'temp' must be a number");
	CHECK_INT(json_array_size(res.events), 0);
	cg_quarantine_result_release(&res);
	json_decref(rec);
	world_release(&w);
}

TEST(check_refused)
{
	struct world w;

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	set_now(&w, "2026-01-25T18:00:00+08:00");
	CHECK_INT(check_at(&w, "2026-01-24T23:59:59+08:00", "36.5"), 1);
	CHECK_STR(w.why, "check on 2026-01-24 is before day 1 of case 'Q260125-001' (2026-01-25)");
	CHECK_INT(check_at(&w, "2026-01-25T18:05:00+08:00", "36.5"), 0);	/* within 5 min */
	CHECK_INT(check_at(&w, "2026-01-25T18:05:01+08:00", "36.5"), 1);
	CHECK_STR(w.why, "check at 2026-01-25T18:05:01+08:00 is in the future (see --now)");
	CHECK_INT(check_at(&w, "2026-01-25T18:05:00+08:00", "36.6"), 1);
	CHECK_STR(w.why, "case 'Q260125-001' already has a check at 2026-01-25T18:05:00+08:00");
	CHECK_INT(check_at(&w, "2026-01-25T17:00:00+08:00", "42.6"), 1);
	CHECK_STR(w.why, "implausible temperature 42.6 (policy.temp_min 35.0 to policy.temp_max 42.5): measure again");
	CHECK_INT(feed(&w, cg_quarantine_check, "{\"case_id\":\"Q9\",\"temp\":36.5}"), 1);
	CHECK_STR(w.why, "unknown case 'Q9'");
	CHECK_INT(feed(&w, cg_quarantine_check, "{\"phone\":\"13900001111\",\"temp\":36.5}"), 1);
	CHECK_STR(w.why, "no case for this person");
	CHECK_INT(feed(&w, cg_quarantine_close, "{\"case_id\":\"Q260125-001\",\"reason\":\"error\"}"), 0);
	CHECK_INT(feed(&w, cg_quarantine_check, "{\"phone\":\"13812348000\",\"temp\":36.5}"), 1);
	CHECK_STR(w.why, "no open case for this person (their case 'Q260125-001' is closed)");
	CHECK_INT(check_at(&w, "2026-01-25T17:00:00+08:00", "36.5"), 1);
	CHECK_STR(w.why, "case 'Q260125-001' is closed: no checks after a case has ended");
	world_release(&w);
}

static const char *const due_keys[] = {
	"day", "windows_due", "windows_done", "missed", "missed_windows",
	"ending_today", "ending_tomorrow", "period_over", NULL
};

TEST(due_windows)
{
	struct world w;
	struct cg_case *c;

	world_init(&w, NULL, "2026-01-25T12:00:00+08:00");
	/* Opened at 12:00: the morning window of day 1 is not owed. */
	one_case(&w, "2026-01-25T12:00:00+08:00");
	c = cg_casebook_find(&w.cb, "Q260125-001");
	CHECK_STR(dump(cg_quarantine_due_record(&w.q, c, day("2026-01-25")), due_keys),
		  "{\"day\":\"1 of 14\",\"windows_due\":[\"16:00-20:00\"],\"windows_done\":[],"
		  "\"missed\":0,\"missed_windows\":[],\"ending_today\":false,"
		  "\"ending_tomorrow\":false,\"period_over\":false}");
	/* The day before the start: not listed. */
	CHECK(cg_quarantine_due_record(&w.q, c, day("2026-01-24")) == NULL);
	set_now(&w, "2026-01-26T10:00:00+08:00");
	CHECK_STR(dump(cg_quarantine_due_record(&w.q, c, day("2026-01-26")), due_keys),
		  "{\"day\":\"2 of 14\",\"windows_due\":[\"16:00-20:00\"],\"windows_done\":[],"
		  "\"missed\":2,\"missed_windows\":[\"2026-01-25 16:00-20:00\",\"2026-01-26 06:00-10:00\"],"
		  "\"ending_today\":false,\"ending_tomorrow\":false,\"period_over\":false}");
	CHECK_INT(check_at(&w, "2026-01-26T09:59:59+08:00", "36.5"), 0);
	CHECK_STR(dump(cg_quarantine_due_record(&w.q, c, day("2026-01-26")), due_keys),
		  "{\"day\":\"2 of 14\",\"windows_due\":[\"16:00-20:00\"],\"windows_done\":[\"06:00-10:00\"],"
		  "\"missed\":1,\"missed_windows\":[\"2026-01-25 16:00-20:00\"],"
		  "\"ending_today\":false,\"ending_tomorrow\":false,\"period_over\":false}");
	CHECK_STR(dump(cg_quarantine_due_record(&w.q, c, day("2026-02-07")), due_keys),
		  "{\"day\":\"14 of 14\",\"windows_due\":[\"06:00-10:00\",\"16:00-20:00\"],\"windows_done\":[],"
		  "\"missed\":1,\"missed_windows\":[\"2026-01-25 16:00-20:00\"],"
		  "\"ending_today\":true,\"ending_tomorrow\":false,\"period_over\":false}");
	set_now(&w, "2026-02-08T10:00:00+08:00");
	{
		json_t *r = cg_quarantine_due_record(&w.q, c, day("2026-02-08"));

		CHECK_STR(json_string_value(json_object_get(r, "day")), "15 of 14");
		CHECK_INT(json_integer_value(json_object_get(r, "missed")), 26);
		CHECK(json_is_true(json_object_get(r, "period_over")));
		CHECK_INT(json_array_size(json_object_get(r, "windows_due")), 0);
		json_decref(r);
	}
	/* Ended cases are not due. */
	CHECK_INT(feed(&w, cg_quarantine_close, "{\"case_id\":\"Q260125-001\",\"reason\":\"error\"}"), 0);
	CHECK(cg_quarantine_due_record(&w.q, c, day("2026-01-26")) == NULL);
	world_release(&w);
}

/* A case with checks at 07:00 and 17:00 of its 14 days, but for skip. */
static void full_case(struct world *w, const char *skip)
{
	char ts[64];

	one_case(w, "2026-01-25T05:00:00+08:00");
	set_now(w, "2026-02-07T23:00:00+08:00");
	for (int d = 0; d < 14; d++)
		for (int h = 7; h <= 17; h += 10) {
			int64_t days = cg_days_from_civil(2026, 1, 25) + d;
			int y, m, dd;

			cg_civil_from_days(days, &y, &m, &dd);
			snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:00:00+08:00", y % 10000,
				 m % 100, dd % 100, h % 100);
			if (skip && !strcmp(ts, skip))
				continue;
			if (check_at(w, ts, "36.5") != 0)
				abort();
		}
	printed(w);
}

static const char *reasons(struct world *w, const char *date)
{
	static char buf[256];
	json_t *r = cg_quarantine_release_reasons(&w->q, cg_casebook_find(&w->cb, "Q260125-001"),
						  day(date));
	char *d = json_dumps(r, JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", d);
	free(d);
	json_decref(r);
	return buf;
}

TEST(release_rules)
{
	struct world w;

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	full_case(&w, NULL);
	CHECK_STR(reasons(&w, "2026-02-07"), "[\"period_not_over\"]");
	CHECK_STR(reasons(&w, "2026-02-08"), "[]");
	CHECK_INT(feed(&w, cg_quarantine_escalate, "{\"case_id\":\"Q260125-001\"}"), 0);
	CHECK_STR(reasons(&w, "2026-02-08"), "[\"escalated\"]");
	CHECK_INT(feed(&w, cg_quarantine_close, "{\"case_id\":\"Q260125-001\",\"reason\":\"hospital\"}"), 0);
	CHECK_STR(reasons(&w, "2026-02-08"), "[\"closed\"]");
	world_release(&w);

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	full_case(&w, "2026-02-07T17:00:00+08:00");
	CHECK_STR(reasons(&w, "2026-02-08"), "[\"final_day_missed\"]");
	w.q.final_day_check = 0;
	CHECK_STR(reasons(&w, "2026-02-08"), "[]");
	world_release(&w);

	world_init(&w, "{\"quarantine\":{\"release_checks_normal\":40}}", "2026-01-25T05:00:00+08:00");
	full_case(&w, NULL);
	CHECK_STR(reasons(&w, "2026-02-08"), "[\"too_few_checks\"]");
	world_release(&w);

	/* No windows: a check on the last day is what the final day needs. */
	world_init(&w, "{\"quarantine\":{\"check_windows\":[]}}", "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	set_now(&w, "2026-02-08T05:00:00+08:00");
	CHECK_INT(check_at(&w, "2026-02-06T12:00:00+08:00", "36.5"), 0);
	CHECK_INT(check_at(&w, "2026-02-06T13:00:00+08:00", "36.5"), 0);
	CHECK_STR(reasons(&w, "2026-02-08"), "[\"final_day_missed\"]");
	CHECK_INT(check_at(&w, "2026-02-07T13:00:00+08:00", "36.5"), 0);
	CHECK_STR(reasons(&w, "2026-02-08"), "[]");
	world_release(&w);
}

TEST(release_output)
{
	struct world w;
	struct cg_err err = CG_ERR_INIT;

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	full_case(&w, NULL);
	set_now(&w, "2026-02-08T08:00:00+08:00");
	CHECK_INT(cg_quarantine_release(&w.q, day("2026-02-08"), 1, &w.lp, &err), 0);
	CHECK_STR(printed(&w), "");
	CHECK_INT(cg_quarantine_release(&w.q, day("2026-02-08"), 0, &w.lp, &err), 1);
	CHECK_STR(printed(&w),
		  "{\"ts\":\"2026-02-08T08:00:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"release\","
		  "\"case_id\":\"Q260125-001\",\"name\":\"张三\",\"id_no\":\"" ID_A "\","
		  "\"phone\":\"13812348000\",\"household\":\"3-2-501\",\"class\":\"returnee\","
		  "\"released_at\":\"2026-02-08T08:00:00+08:00\"}");
	CHECK_INT(cg_casebook_find(&w.cb, "Q260125-001")->status, CG_CASE_RELEASED);
	CHECK_INT(cg_quarantine_release(&w.q, day("2026-02-08"), 0, &w.lp, &err), 0);
	world_release(&w);
}

TEST(extend_limits)
{
	struct world w;

	world_init(&w, "{\"quarantine\":{\"min_days\":7}}", "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	set_now(&w, "2026-02-01T08:00:00+08:00");	/* day 8 */
	CHECK_INT(feed(&w, cg_quarantine_extend, "{\"case_id\":\"Q260125-001\",\"days\":7}"), 1);
	CHECK_STR(w.why, "case 'Q260125-001' is on day 8: it cannot end after 7 days");
	CHECK_INT(feed(&w, cg_quarantine_extend, "{\"case_id\":\"Q260125-001\",\"days\":6}"), 1);
	CHECK_STR(w.why, "case 'Q260125-001' cannot be shorter than 7 days (quarantine.min_days), asked 6");
	CHECK_INT(feed(&w, cg_quarantine_extend, "{\"case_id\":\"Q260125-001\",\"days\":8}"), 0);
	CHECK_STR(last_field(&w, "end"), "2026-02-01");
	CHECK_INT(feed(&w, cg_quarantine_extend, "{\"case_id\":\"Q260125-001\",\"add_days\":2}"), 0);
	CHECK_STR(last_field(&w, "end"), "2026-02-03");
	w.q.add_days = 1;
	CHECK_INT(feed(&w, cg_quarantine_extend, "{\"case_id\":\"Q260125-001\"}"), 0);
	CHECK_STR(last_field(&w, "days"), "11");
	/* The record's own length wins over --days. */
	w.q.add_days = 0;
	w.q.days = 30;
	CHECK_INT(feed(&w, cg_quarantine_extend, "{\"case_id\":\"Q260125-001\",\"days\":12}"), 0);
	CHECK_STR(last_field(&w, "days"), "12");
	world_release(&w);
}

TEST(needs)
{
	struct world w;

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	CHECK_INT(feed(&w, cg_quarantine_need, "{\"id_no\":\"" ID_A "\",\"need\":\"supplies\"}"), 0);
	CHECK_STR(last_field(&w, "need_id"), "Q260125-001-N1");
	CHECK_INT(feed(&w, cg_quarantine_need, "{\"case_id\":\"Q260125-001\",\"need\":\"修门锁\"}"), 0);
	CHECK_STR(last_field(&w, "need_id"), "Q260125-001-N2");
	CHECK_INT(feed(&w, cg_quarantine_need, "{\"need_id\":\"Q260125-001-N1\",\"done\":true}"), 0);
	CHECK_STR(last_field(&w, "event"), "need_done");
	CHECK_INT(feed(&w, cg_quarantine_need, "{\"need_id\":\"Q260125-001-N1\",\"done\":true}"), 1);
	CHECK_STR(w.why, "need 'Q260125-001-N1' is already done");
	CHECK_INT(cg_casebook_find(&w.cb, "Q260125-001")->needs_open, 1);
	world_release(&w);
}

TEST(case_record)
{
	struct world w;
	json_t *r;
	char *d;

	world_init(&w, NULL, "2026-01-25T05:00:00+08:00");
	one_case(&w, "2026-01-25T05:00:00+08:00");
	r = cg_quarantine_case_record(&w.q, cg_casebook_find(&w.cb, "Q260125-001"));
	d = json_dumps(r, JSON_COMPACT);
	CHECK_STR(d, "{\"compound\":\"DEMO-0001\",\"case_id\":\"Q260125-001\",\"status\":\"open\","
		  "\"name\":\"张三\",\"id_no\":\"" ID_A "\",\"phone\":\"13812348000\","
		  "\"household\":\"3-2-501\",\"reason\":\"close_contact\",\"start\":\"2026-01-25\","
		  "\"end\":\"2026-02-07\",\"days\":14,\"officer\":\"王五\","
		  "\"opened_at\":\"2026-01-25T05:00:00+08:00\",\"check_count\":0,\"alert_count\":0,"
		  "\"last_check\":null,\"needs_open\":0}");
	free(d);
	json_decref(r);
	world_release(&w);
}

/* The missed windows of a day as the due record lists them. */
static unsigned long missed_listed(const struct cg_quarantine *q, const struct cg_case *c,
				   int32_t d)
{
	struct cg_case was = *c;
	char date[CG_DATE_LEN];
	unsigned long n = 0;
	json_t *due, *w;
	size_t k;

	was.status = CG_CASE_OPEN;
	if (!(due = cg_quarantine_due_record(q, &was, d)))
		return 0;
	cg_day_format(d, date);
	json_array_foreach(json_object_get(due, "missed_windows"), k, w)
		n += !strncmp(json_string_value(w), date, 10);
	json_decref(due);
	return n;
}

/*
 * cg_quarantine_missed_on counts what the due record lists, for cases
 * opened at every hour of a day with checks in some windows, out of them
 * and on no day, on every day around their period, with the clock at
 * every hour: stats and the report count with it.
 */
TEST(missed_on_counts_what_due_lists)
{
	struct world w;
	unsigned long compared = 0, missed = 0;

	world_init(&w, "{\"quarantine\":{\"check_windows\":[[\"06:00\",\"10:00\"],[\"12:00\",\"13:00\"],[\"16:00\",\"20:00\"]]}}",
		   "2026-01-25T05:00:00+08:00");
	for (int h = 0; h < 24; h += 5) {
		char rec[512], ts[64];

		snprintf(ts, sizeof(ts), "2026-01-25T%02d:30:00+08:00", h);
		set_now(&w, ts);
		snprintf(rec, sizeof(rec), "{\"name\":\"人%d\",\"household\":\"1-1-%d\",\"reason\":\"other\","
			 "\"start\":\"2026-01-%02d\",\"days\":14}", h, 101 + h, 24 + h % 3);
		if (feed(&w, cg_quarantine_open, rec) != 0)
			abort();
	}
	for (size_t i = 0; i < w.cb.ncases; i++) {
		struct cg_case *c = w.cb.list[i];

		for (int k = 0; k < (int)(i * 7 % 23); k++)
			cg_case_add_check(&w.cb, c, at("2026-01-25T00:00:00+08:00") +
					  (cg_time_t)(k * 9 + (int)i) * 3600 + 1800, 0, 0);
	}
	for (int n = 0; n < 24 * 18; n += 3) {
		struct cg_quarantine q;

		cg_quarantine_init(&q, &w.cfg, &w.cb, at("2026-01-24T00:00:00+08:00") +
				   (cg_time_t)n * 3600);
		for (size_t i = 0; i < w.cb.ncases; i++)
			for (int32_t d = day("2026-01-22"); d <= day("2026-02-12"); d++) {
				unsigned long a = cg_quarantine_missed_on(&q, w.cb.list[i], d);

				CHECK_INT(a, missed_listed(&q, w.cb.list[i], d));
				compared++;
				missed += a;
			}
	}
	CHECK(compared > 10000);
	CHECK(missed > 1000);
	world_release(&w);
}

int main(void)
{
	/* Shanghai's local days (a POSIX rule: no zoneinfo needed). */
	setenv("TZ", "CST-8", 1);
	tzset();
	cg_set_quiet(1);	/* checks outside the windows warn */
	RUN(windows);
	RUN(reason_lists);
	RUN(open_case);
	RUN(open_refused);
	RUN(check_results);
	RUN(check_rule_returns_events);
	RUN(check_refused);
	RUN(due_windows);
	RUN(release_rules);
	RUN(release_output);
	RUN(extend_limits);
	RUN(needs);
	RUN(case_record);
	RUN(missed_on_counts_what_due_lists);
	return UNIT_DONE();
}
