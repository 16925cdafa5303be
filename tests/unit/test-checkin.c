#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/checkin.h"
#include "json/jsonl.h"
#include "unit.h"

/* 2026-01-25T08:00:00+08:00 */
#define NOW 1769299200LL
#define TS "2026-01-25T08:00:00+08:00"
#define MIN 60

#define ID_A "110101199003074514"
#define ID_B "310104198506151237"
#define ID_C "510107200012298761"
#define ID_D "11010519491231002X"

/* A resident of 3-2-501 going in, healthy, masked. */
#define BASE "{\"ts\":\"" TS "\",\"gate\":\"north\",\"dir\":\"in\"," \
	"\"kind\":\"resident\",\"name\":\"张三\",\"id_no\":\"" ID_A "\"," \
	"\"household\":\"3-2-501\",\"temp\":36.5,\"mask\":true}"

#define CAR "{\"ts\":\"" TS "\",\"gate\":\"south\",\"dir\":\"in\"," \
	"\"kind\":\"vehicle\",\"plate\":\"京A·12345\"}"

struct world {
	struct cg_config cfg;
	struct cg_passbook pb;
	struct cg_casebook cb;
	struct cg_checkin ck;
};

static void world_init(struct world *w, const char *config)
{
	struct cg_err err = CG_ERR_INIT;

	if (cg_config_parse(&w->cfg, config, config ? strlen(config) : 0,
			    "test", &err) < 0) {
		printf("# config: %s\n", err.msg);
		abort();
	}
	cg_passbook_init(&w->pb);
	cg_casebook_init(&w->cb);
	cg_checkin_init(&w->ck, &w->cfg, &w->pb, &w->cb);
}

static void world_release(struct world *w)
{
	cg_checkin_release(&w->ck);
	cg_casebook_release(&w->cb);
	cg_passbook_release(&w->pb);
	cg_config_release(&w->cfg);
}

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	if (!j) {
		printf("# bad test JSON: %s: %s\n", text, jerr.text);
		abort();
	}
	return j;
}

/*
 * The event base with the fields of extra laid over it: a field set to
 * null in extra is removed, others replace the base's (in place) or are
 * appended.
 */
static json_t *event(const char *base, const char *extra)
{
	json_t *ev = load(base), *over = load(extra);
	const char *key;
	json_t *val;

	json_object_foreach(over, key, val) {
		if (json_is_null(val))
			json_object_del(ev, key);
		else
			json_object_set(ev, key, val);
	}
	json_decref(over);
	return ev;
}

/* "decision reason,reason" of a decision record, as cg-checkin's tests. */
static const char *summary(const json_t *d)
{
	static char out[512];
	const json_t *reasons = json_object_get(d, "reasons");
	const char *decision = json_string_value(json_object_get(d, "decision"));
	size_t i, n = 0;
	json_t *r;

	if (!decision || !json_is_array(reasons))
		return "(no decision or reasons)";
	n = (size_t)snprintf(out, sizeof(out), "%s", decision);
	json_array_foreach(reasons, i, r)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : " ",
				      json_string_value(r));
	return out;
}

/* Decide ev (the reference is dropped) at now; the summary or the error. */
static const char *decide_ev(struct world *w, json_t *ev, cg_time_t now)
{
	static char out[512];
	char why[256] = "(why not set)";
	json_t *d = cg_checkin_decide(&w->ck, ev, now, why, sizeof(why));

	json_decref(ev);
	if (!d) {
		snprintf(out, sizeof(out), "error: %s", why);
		return out;
	}
	snprintf(out, sizeof(out), "%s", summary(d));
	json_decref(d);
	return out;
}

/* The base resident with extra fields, decided at NOW. */
static const char *verdict(struct world *w, const char *extra)
{
	return decide_ev(w, event(BASE, extra), NOW);
}

static const char *verdict_from(struct world *w, const char *base, const char *extra)
{
	return decide_ev(w, event(base, extra), NOW);
}

/* The base resident with extra at a time ts minutes after TS. */
static const char *verdict_after(struct world *w, int minutes, const char *extra)
{
	char ts[CG_TIME_LEN];
	json_t *ev = event(BASE, extra);

	cg_time_format(NOW + minutes * MIN, ts);
	json_object_set_new(ev, "ts", json_string(ts));
	return decide_ev(w, ev, NOW + minutes * MIN);
}

/* The whole decision record, dumped as cg writes it, or the error. */
static const char *record(struct world *w, const char *text, cg_time_t now)
{
	static struct cg_buf out = CG_BUF_INIT(1 << 16);
	char why[256] = "(why not set)";
	json_t *ev = load(text);
	json_t *d = cg_checkin_decide(&w->ck, ev, now, why, sizeof(why));

	json_decref(ev);
	cg_buf_release(&out);
	if (!d) {
		cg_buf_addf(&out, "error: %s", why);
		return out.buf;
	}
	if (cg_jsonl_dump(d, &out) < 0)
		cg_buf_addstr(&out, "(dump failed)");
	else
		cg_buf_setlen(&out, out.len - 1);	/* the newline */
	json_decref(d);
	return out.buf;
}

/* The same through the line parsed into a record head, as cg-checkin
 * decides: the record is made of the event itself. */
static const char *record_in_place(struct world *w, const char *text, cg_time_t now)
{
	static struct cg_buf out = CG_BUF_INIT(1 << 16);
	char why[256] = "(why not set)";
	json_t *head = cg_checkin_record_head(&w->ck);
	json_t *ev = cg_jsonl_parse_into(head, text, strlen(text), why, sizeof(why));
	json_t *d = ev ? cg_checkin_decide_record(&w->ck, ev, now, why, sizeof(why)) : NULL;

	json_decref(head);
	json_decref(ev);
	cg_buf_release(&out);
	if (!d) {
		cg_buf_addf(&out, "error: %s", why);
		return out.buf;
	}
	if (cg_jsonl_dump(d, &out) < 0)
		cg_buf_addstr(&out, "(dump failed)");
	else
		cg_buf_setlen(&out, out.len - 1);
	json_decref(d);
	return out.buf;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* ---- passes and cases -------------------------------------------------- */

#define FROM "2026-01-20T00:00:00+08:00"
#define UNTIL "2026-02-20T00:00:00+08:00"

static void issue(struct world *w, const char *pass_id, const char *class_,
		  const char *holder, const char *from, const char *until)
{
	struct cg_err err = CG_ERR_INIT;
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			       "ts", "2026-01-19T10:00:00+08:00", "compound", "DEMO-0001",
			       "event", "issue", "pass_id", pass_id, "class", class_,
			       "valid_from", from, "valid_until", until);
	json_t *h = load(holder);

	json_object_update(ev, h);
	if (cg_passbook_apply(&w->pb, ev, &err) < 0) {
		printf("# issue: %s\n", err.msg);
		abort();
	}
	json_decref(h);
	json_decref(ev);
}

static void revoke_pass(struct world *w, const char *pass_id)
{
	struct cg_err err = CG_ERR_INIT;
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s}", "ts", "2026-01-22T09:00:00+08:00",
			       "compound", "DEMO-0001", "event", "revoke",
			       "pass_id", pass_id);

	cg_passbook_apply(&w->pb, ev, &err);
	json_decref(ev);
}

static void case_event(struct world *w, const char *text)
{
	struct cg_err err = CG_ERR_INIT;
	json_t *ev = load(text);

	cg_casebook_apply(&w->cb, ev, &err);
	json_decref(ev);
}

/* The passes of the pass tests. */
static void some_passes(struct world *w)
{
	issue(w, "K3F9-2XQ7-MC", "resident", "{\"name\":\"张三\",\"id_no\":\"" ID_A "\"}",
	      FROM, UNTIL);
	issue(w, "EXP1-0000-01", "resident", "{\"id_no\":\"" ID_D "\"}",
	      "2025-01-01T00:00:00+08:00", "2025-12-31T00:00:00+08:00");
	issue(w, "REV1-0000-01", "resident", "{\"id_no\":\"" ID_A "\"}", FROM, UNTIL);
	revoke_pass(w, "REV1-0000-01");
	issue(w, "FUT1-0000-01", "resident", "{\"id_no\":\"" ID_A "\"}",
	      "2026-02-01T00:00:00+08:00", "2026-03-01T00:00:00+08:00");
	issue(w, "BBBB-0000-01", "tenant", "{\"id_no\":\"" ID_B "\"}", FROM, UNTIL);
	issue(w, "CAR1-0000-01", "vehicle", "{\"plate\":\"京A·12345\"}", FROM, UNTIL);
	issue(w, "CAR2-0000-01", "resident", "{\"plate\":\"京B·00001\"}", FROM, UNTIL);
	issue(w, "PH01-0000-01", "resident",
	      "{\"id_no\":\"" ID_C "\",\"phone\":\"13900001111\"}", FROM, UNTIL);
}

/* ---- the rules --------------------------------------------------------- */

TEST(admit_healthy)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{}"), "admit");
	CHECK_STR(verdict(&w, "{\"dir\":\"out\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"kind\":\"staff\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"kind\":\"tenant\"}"), "admit");
	/* Nobody identified is still decided on what was measured. */
	CHECK_STR(verdict(&w, "{\"name\":null,\"id_no\":null,\"household\":null}"), "admit");
	world_release(&w);
}

TEST(fever_boundary)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"temp\":37.2}"), "admit");
	/* Decided on the reading rounded to 0.1 (cg_temp_round). */
	CHECK_STR(verdict(&w, "{\"temp\":37.24999}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":37.25}"), "deny fever");
	CHECK_STR(verdict(&w, "{\"temp\":37.29}"), "deny fever");
	CHECK_STR(verdict(&w, "{\"temp\":37.3}"), "deny fever");
	CHECK_STR(verdict(&w, "{\"temp\":38}"), "deny fever");
	CHECK_STR(verdict(&w, "{\"temp\":37}"), "admit");
	/* Going out, too. */
	CHECK_STR(verdict(&w, "{\"temp\":38.0,\"dir\":\"out\"}"), "deny fever");
	world_release(&w);

	world_init(&w, "{\"policy\":{\"fever_threshold\":37.5}}");
	CHECK_STR(verdict(&w, "{\"temp\":37.4}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":37.5}"), "deny fever");
	world_release(&w);
}

TEST(temp_range)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"temp\":34.9}"), "refer remeasure");
	CHECK_STR(verdict(&w, "{\"temp\":35.0}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":42.5}"), "deny fever");
	CHECK_STR(verdict(&w, "{\"temp\":42.6}"), "refer remeasure");
	CHECK_STR(verdict(&w, "{\"temp\":-1}"), "refer remeasure");
	/* An implausible reading is re-measured going out as well. */
	CHECK_STR(verdict(&w, "{\"temp\":99,\"dir\":\"out\"}"), "refer remeasure");
	world_release(&w);

	world_init(&w, "{\"policy\":{\"temp_min\":36.0,\"temp_max\":40.0}}");
	CHECK_STR(verdict(&w, "{\"temp\":35.9}"), "refer remeasure");
	CHECK_STR(verdict(&w, "{\"temp\":36.0}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":40.0}"), "deny fever");
	CHECK_STR(verdict(&w, "{\"temp\":40.1}"), "refer remeasure");
	world_release(&w);
}

TEST(no_temp)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"temp\":null}"), "refer remeasure");
	CHECK_STR(verdict(&w, "{\"temp\":null,\"dir\":\"out\"}"), "admit");
	world_release(&w);
}

TEST(symptoms)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"symptoms\":[\"cough\"]}"), "deny symptoms");
	CHECK_STR(verdict(&w, "{\"symptoms\":[\"cough\",\"fatigue\"]}"), "deny symptoms");
	CHECK_STR(verdict(&w, "{\"symptoms\":[]}"), "admit");
	CHECK_STR(verdict(&w, "{\"symptoms\":[\"cough\"],\"dir\":\"out\"}"), "deny symptoms");
	world_release(&w);
}

TEST(mask)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"mask\":false}"), "deny no_mask");
	CHECK_STR(verdict(&w, "{\"mask\":null}"), "deny no_mask");
	CHECK_STR(verdict(&w, "{\"mask\":false,\"dir\":\"out\"}"), "deny no_mask");
	CHECK_STR(verdict(&w, "{\"mask\":true}"), "admit");
	world_release(&w);
}

TEST(courier)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"kind\":\"courier\"}"), "deny courier");
	CHECK_STR(verdict(&w, "{\"kind\":\"courier\",\"dir\":\"out\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"kind\":\"courier\",\"name\":null,\"id_no\":null,"
			  "\"household\":null}"), "deny courier");
	world_release(&w);
}

TEST(visitor)
{
	static const char *const want =
		"{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
		"\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"王五\",\"temp\":36.5,"
		"\"mask\":true,\"host\":\"A3-1-1102\",\"decision\":\"admit\","
		"\"reasons\":[],\"visit_until\":\"2026-01-25T10:00:00+08:00\"}";
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"kind\":\"visitor\"}"), "deny visitor_no_host");
	CHECK_STR(verdict(&w, "{\"kind\":\"visitor\",\"host\":\"3-2-501\"}"), "admit");
	/* Admitted: visit_until is ts + visit_max_min; host normalised. */
	CHECK_STR(record(&w, "{\"ts\":\"" TS "\",\"gate\":\"north\",\"dir\":\"in\","
			 "\"kind\":\"visitor\",\"name\":\"王五\",\"temp\":36.5,"
			 "\"mask\":true,\"host\":\"a3-1-1102\"}", NOW), want);
	/* Leaving, or refused: no visit_until. */
	CHECK(!strstr(record(&w, "{\"ts\":\"" TS "\",\"gate\":\"north\",\"dir\":\"out\","
			     "\"kind\":\"visitor\",\"temp\":36.5,\"mask\":true,"
			     "\"host\":\"3-2-501\"}", NOW), "visit_until"));
	CHECK(!strstr(record(&w, "{\"ts\":\"" TS "\",\"gate\":\"north\",\"dir\":\"in\","
			     "\"kind\":\"visitor\",\"temp\":38.5,\"mask\":true,"
			     "\"host\":\"3-2-501\"}", NOW), "visit_until"));
	CHECK_STR(verdict(&w, "{\"kind\":\"visitor\",\"dir\":\"out\"}"), "admit");
	/* A resident with a host field gets no visit_until either. */
	CHECK(!strstr(record(&w, "{\"ts\":\"" TS "\",\"gate\":\"north\",\"dir\":\"in\","
			     "\"kind\":\"resident\",\"temp\":36.5,\"mask\":true,"
			     "\"host\":\"3-2-501\"}", NOW), "visit_until"));
	world_release(&w);

	world_init(&w, "{\"policy\":{\"visit_max_min\":30}}");
	CHECK(strstr(record(&w, "{\"ts\":\"2026-01-25T23:50:00+08:00\",\"gate\":\"north\","
			    "\"dir\":\"in\",\"kind\":\"visitor\",\"temp\":36.5,"
			    "\"mask\":true,\"host\":\"3-2-501\"}", NOW),
		     "\"visit_until\":\"2026-01-26T00:20:00+08:00\"}") != NULL);
	world_release(&w);
}

TEST(vehicle)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict_from(&w, CAR, "{}"), "deny vehicle_unregistered");
	CHECK_STR(verdict_from(&w, CAR, "{\"dir\":\"out\"}"), "admit");
	some_passes(&w);
	CHECK_STR(verdict_from(&w, CAR, "{}"), "admit");
	CHECK_STR(verdict_from(&w, CAR, "{\"plate\":\"京a 12345\"}"), "admit");
	CHECK_STR(verdict_from(&w, CAR, "{\"plate\":\"京A12346\"}"),
		  "deny vehicle_unregistered");
	/* A plate on a pass that is not a vehicle pass does not register it. */
	CHECK_STR(verdict_from(&w, CAR, "{\"plate\":\"京B00001\"}"),
		  "deny vehicle_unregistered");
	/* Person rules do not apply to a vehicle: no temp, no mask. */
	CHECK_STR(verdict_from(&w, CAR, "{\"plate\":\"京A12345\",\"from\":\"武汉\"}"), "admit");
	/* Outside the pass's window the vehicle is unregistered again. */
	CHECK_STR(decide_ev(&w, event(CAR, "{\"ts\":\"2026-02-20T00:00:00+08:00\"}"), NOW),
		  "deny vehicle_unregistered");
	revoke_pass(&w, "CAR1-0000-01");
	CHECK_STR(verdict_from(&w, CAR, "{}"), "deny vehicle_unregistered");
	world_release(&w);
}

TEST(pass_check_off)
{
	struct world w;

	world_init(&w, NULL);
	some_passes(&w);
	/* pass_check off: no pass needed, but one shown is checked all the
	 * same: the guard scanned it, the result counts. */
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_C "\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"pass\":\"K3F9-2XQ7-MC\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"pass\":\"ZZZZ-ZZZZ-ZZ\"}"), "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"pass\":\"not a pass\"}"), "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"pass\":\"REV1-0000-01\"}"), "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"pass\":\"FUT1-0000-01\"}"), "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_D "\",\"pass\":\"EXP1-0000-01\"}"),
		  "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_C "\",\"pass\":\"K3F9-2XQ7-MC\"}"),
		  "deny pass_invalid");
	/* Going out, and for any kind of person. */
	CHECK_STR(verdict(&w, "{\"pass\":\"REV1-0000-01\",\"dir\":\"out\"}"),
		  "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"pass\":\"REV1-0000-01\",\"kind\":\"staff\"}"),
		  "deny pass_invalid");
	/* A vehicle's pass must be a vehicle pass for its plate. */
	CHECK_STR(verdict_from(&w, CAR, "{\"pass\":\"CAR1-0000-01\"}"), "admit");
	CHECK_STR(verdict_from(&w, CAR, "{\"pass\":\"CAR1-0000-01\",\"plate\":\"京A12346\"}"),
		  "deny vehicle_unregistered,pass_invalid");
	CHECK_STR(verdict_from(&w, CAR, "{\"pass\":\"K3F9-2XQ7-MC\",\"dir\":\"out\"}"),
		  "deny pass_invalid");
	world_release(&w);
}

TEST(pass_check_on)
{
	struct world w;

	world_init(&w, "{\"policy\":{\"pass_check\":true}}");
	/* Nothing issued yet: residents and tenants are referred. */
	CHECK_STR(verdict(&w, "{}"), "refer no_pass");
	CHECK_STR(verdict(&w, "{\"kind\":\"tenant\"}"), "refer no_pass");
	some_passes(&w);
	/* A valid pass presented, in any written form. */
	CHECK_STR(verdict(&w, "{\"pass\":\"K3F9-2XQ7-MC\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"pass\":\"k3f9 2xq7 mc\"}"), "admit");
	/* Unknown, expired, revoked, not yet valid. */
	CHECK_STR(verdict(&w, "{\"pass\":\"ZZZZ-ZZZZ-ZZ\"}"), "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_D "\",\"pass\":\"EXP1-0000-01\"}"),
		  "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"pass\":\"REV1-0000-01\"}"), "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"pass\":\"FUT1-0000-01\"}"), "deny pass_invalid");
	/* Someone else's pass. */
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_C "\",\"pass\":\"K3F9-2XQ7-MC\"}"),
		  "deny pass_invalid");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_A "\",\"pass\":\"BBBB-0000-01\"}"),
		  "deny pass_invalid");
	/* No pass field: a valid pass of theirs, found by id_no, is enough. */
	CHECK_STR(verdict(&w, "{}"), "admit");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"kind\":\"tenant\"}"), "admit");
	/* Only an expired one: referred. */
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_D "\"}"), "refer no_pass");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_C "\",\"name\":\"赵六\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"id_no\":\"510107200012298761\",\"pass\":null,"
			  "\"name\":null,\"household\":null}"), "admit");
	/* Only going in, and only residents and tenants. */
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_D "\",\"dir\":\"out\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_D "\",\"kind\":\"staff\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_D "\",\"kind\":\"visitor\","
			  "\"host\":\"3-2-501\"}"), "admit");
	/* Unidentified residents cannot show they hold one. */
	CHECK_STR(verdict(&w, "{\"id_no\":null,\"name\":null}"), "refer no_pass");
	world_release(&w);
}

/*
 * The holder of a pass is the person its issue event names.  A resident
 * who shows their own pass and is recorded at the gate by phone only
 * (the pass was issued with id_no and that phone) is that holder: the
 * pass is not someone else's.
 */
TEST(pass_own_pass_recorded_by_phone)
{
	struct world w;

	world_init(&w, "{\"policy\":{\"pass_check\":true}}");
	some_passes(&w);
	CHECK_STR(verdict(&w, "{\"id_no\":null,\"name\":null,\"household\":null,"
			  "\"phone\":\"139 0000 1111\",\"pass\":\"PH01-0000-01\"}"),
		  "admit");
	/* While a different phone still is someone else's pass. */
	CHECK_STR(verdict(&w, "{\"id_no\":null,\"name\":null,\"household\":null,"
			  "\"phone\":\"13900002222\",\"pass\":\"PH01-0000-01\"}"),
		  "deny pass_invalid");
	world_release(&w);
}

TEST(quarantined)
{
	struct world w;

	world_init(&w, NULL);
	case_event(&w, "{\"ts\":\"2026-01-20T09:00:00+08:00\",\"event\":\"open\","
		   "\"case_id\":\"Q1\",\"name\":\"李四\",\"id_no\":\"" ID_B "\","
		   "\"start\":\"2026-01-20\",\"end\":\"2026-02-03\"}");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"dir\":\"out\"}"), "deny quarantined");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"dir\":\"in\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_A "\",\"dir\":\"out\"}"), "admit");
	case_event(&w, "{\"event\":\"escalate\",\"case_id\":\"Q1\"}");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"dir\":\"out\"}"), "deny quarantined");
	case_event(&w, "{\"event\":\"release\",\"case_id\":\"Q1\"}");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"dir\":\"out\"}"), "admit");
	world_release(&w);

	world_init(&w, "{\"policy\":{\"rules\":{\"quarantined\":false}}}");
	case_event(&w, "{\"event\":\"open\",\"case_id\":\"Q1\",\"id_no\":\"" ID_B "\"}");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"dir\":\"out\"}"), "admit");
	world_release(&w);
}

/*
 * Likewise for a case: opened with id_no and phone, the person is under
 * observation when the gate records them by that phone only.  Letting
 * them out because the guard typed the phone rather than the ID number
 * defeats home observation.
 */
TEST(quarantined_recorded_by_phone)
{
	struct world w;

	world_init(&w, NULL);
	case_event(&w, "{\"event\":\"open\",\"case_id\":\"Q1\",\"name\":\"李四\","
		   "\"id_no\":\"" ID_B "\",\"phone\":\"13700001111\"}");
	/* The phone is weaker than the ID number the case has: the guard
	 * checks (identity_check), never a silent admit. */
	CHECK_STR(verdict(&w, "{\"id_no\":null,\"name\":null,\"household\":null,"
			  "\"phone\":\"137 0000 1111\",\"dir\":\"out\"}"),
		  "refer identity_check");
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_B "\",\"phone\":\"13700001111\","
			  "\"dir\":\"out\"}"), "deny quarantined");
	world_release(&w);
}

/* The "cases" of a decision record, joined, or "-". */
static const char *cases_of(struct world *w, const char *extra)
{
	static char out[256];
	json_t *ev = event(BASE, extra);
	char why[256];
	json_t *d = cg_checkin_decide(&w->ck, ev, NOW, why, sizeof(why));
	size_t i, n = 0;
	json_t *v;

	json_decref(ev);
	strcpy(out, "-");
	json_array_foreach(json_object_get(d, "cases"), i, v)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "",
				      json_string_value(v));
	json_decref(d);
	return out;
}

/*
 * Identity at the gate: a match on a weaker identifier than a case
 * carries is referred with the case ids; on its strongest, denied.
 */
TEST(identity_check)
{
	struct world w;

	world_init(&w, NULL);
	case_event(&w, "{\"event\":\"open\",\"case_id\":\"Q1\",\"name\":\"胡建华\","
		   "\"id_no\":\"" ID_B "\",\"household\":\"3-2-502\"}");
	case_event(&w, "{\"event\":\"open\",\"case_id\":\"Q2\",\"name\":\"胡建华\","
		   "\"phone\":\"13700001111\",\"household\":\"5-1-101\"}");
#define OUT_ANON "\"dir\":\"out\",\"id_no\":null,\"household\":null,"
	CHECK_STR(verdict(&w, "{" OUT_ANON "\"name\":\"胡建华\"}"), "refer identity_check");
	CHECK_STR(cases_of(&w, "{" OUT_ANON "\"name\":\"胡建华\"}"), "Q1,Q2");
	CHECK_STR(cases_of(&w, "{" OUT_ANON "\"name\":\"胡　建 华\"}"), "Q1,Q2");
	CHECK_STR(cases_of(&w, "{" OUT_ANON "\"name\":\"胡建华\",\"household\":\"3-2-502\"}"),
		  "Q1");
	/* Another household's 胡建华 is another person. */
	CHECK_STR(verdict(&w, "{" OUT_ANON "\"name\":\"胡建华\",\"household\":\"9-9-909\"}"),
		  "admit");
	/* The strongest identifier: denied, no case ids needed. */
	CHECK_STR(verdict(&w, "{\"dir\":\"out\",\"id_no\":\"" ID_B "\"}"), "deny quarantined");
	CHECK_STR(cases_of(&w, "{\"dir\":\"out\",\"id_no\":\"" ID_B "\"}"), "-");
	CHECK_STR(verdict(&w, "{" OUT_ANON "\"phone\":\"13700001111\",\"name\":\"胡建华\"}"),
		  "deny quarantined");
	/* Another ID number under the same name: not them. */
	CHECK_STR(verdict(&w, "{\"dir\":\"out\",\"name\":\"胡建华\",\"household\":null}"),
		  "refer identity_check");
	CHECK_STR(cases_of(&w, "{\"dir\":\"out\",\"name\":\"胡建华\",\"household\":null}"),
		  "Q2");
	/* Coming in is not checked: home is where they belong. */
	CHECK_STR(verdict(&w, "{\"id_no\":null,\"name\":\"胡建华\"}"), "admit");
	/* An event's own "cases" is not kept. */
	CHECK_STR(cases_of(&w, "{\"cases\":[\"Q9\"]}"), "-");
	/* Ended cases do not count. */
	case_event(&w, "{\"event\":\"release\",\"case_id\":\"Q1\"}");
	case_event(&w, "{\"event\":\"close\",\"case_id\":\"Q2\"}");
	CHECK_STR(verdict(&w, "{" OUT_ANON "\"name\":\"胡建华\"}"), "admit");
	world_release(&w);

	/* Off with the quarantined rule. */
	world_init(&w, "{\"policy\":{\"rules\":{\"quarantined\":false}}}");
	case_event(&w, "{\"event\":\"open\",\"case_id\":\"Q1\",\"name\":\"胡建华\","
		   "\"id_no\":\"" ID_B "\"}");
	CHECK_STR(verdict(&w, "{" OUT_ANON "\"name\":\"胡建华\"}"), "admit");
	CHECK_STR(cases_of(&w, "{" OUT_ANON "\"name\":\"胡建华\"}"), "-");
	world_release(&w);
}

/* A valid pass shown going out identifies its holder to the cases. */
TEST(identity_by_pass)
{
	struct world w;

	world_init(&w, NULL);
	some_passes(&w);
	case_event(&w, "{\"event\":\"open\",\"case_id\":\"Q1\",\"name\":\"张三\","
		   "\"id_no\":\"" ID_A "\"}");
	CHECK_STR(verdict(&w, "{" OUT_ANON "\"name\":null,\"pass\":\"K3F9-2XQ7-MC\"}"),
		  "deny quarantined");
	/* Coming in with it is fine. */
	CHECK_STR(verdict(&w, "{\"pass\":\"K3F9-2XQ7-MC\"}"), "admit");
	world_release(&w);
}

/*
 * Same care for pass holders: with pass_check, a pass found by identity
 * (none shown) counts only on the strongest identifier it was issued to.
 */
TEST(identity_pass_holder)
{
	struct world w;

	world_init(&w, "{\"policy\":{\"pass_check\":true}}");
	some_passes(&w);
	CHECK_STR(verdict(&w, "{\"id_no\":\"" ID_C "\",\"name\":null}"), "admit");
	CHECK_STR(verdict(&w, "{\"id_no\":null,\"name\":null,\"phone\":\"13900001111\"}"),
		  "refer identity_check");
	CHECK_STR(cases_of(&w, "{\"id_no\":null,\"name\":null,\"phone\":\"13900001111\"}"),
		  "-");
	world_release(&w);
}

TEST(risk_area)
{
	struct world w;

	world_init(&w, "{\"policy\":{\"risk_areas\":[\"武汉\",\"黄冈\"]}}");
	CHECK_STR(verdict(&w, "{\"from\":\"湖北省武汉市\"}"), "refer risk_area");
	CHECK_STR(verdict(&w, "{\"from\":\"黄冈\"}"), "refer risk_area");
	CHECK_STR(verdict(&w, "{\"from\":\"北京市朝阳区\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"from\":\"湖北省武汉市\",\"dir\":\"out\"}"), "admit");
	world_release(&w);

	/* No risk areas configured: nobody is referred for where they are from. */
	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"from\":\"湖北省武汉市\"}"), "admit");
	world_release(&w);
}

TEST(deny_outranks_refer)
{
	struct world w;

	world_init(&w, "{\"policy\":{\"risk_areas\":[\"武汉\"]}}");
	CHECK_STR(verdict(&w, "{\"temp\":38.0,\"from\":\"湖北省武汉市\"}"),
		  "deny fever,risk_area");
	/* Reasons come in enum order, whatever the order of the fields. */
	CHECK_STR(verdict(&w, "{\"from\":\"武汉\",\"mask\":false,\"symptoms\":[\"cough\"],"
			  "\"temp\":39.0}"),
		  "deny fever,symptoms,no_mask,risk_area");
	CHECK_STR(verdict(&w, "{\"temp\":null,\"from\":\"武汉\"}"), "refer remeasure,risk_area");
	CHECK_STR(verdict(&w, "{\"kind\":\"courier\",\"mask\":false}"), "deny no_mask,courier");
	CHECK_STR(verdict(&w, "{\"kind\":\"visitor\",\"temp\":null}"),
		  "deny visitor_no_host,remeasure");
	world_release(&w);
}

TEST(rules_switched_off)
{
	struct world w;

	world_init(&w, "{\"policy\":{\"rules\":{\"no_mask\":false,\"courier\":false,"
		   "\"fever\":false,\"remeasure\":false,\"symptoms\":false,"
		   "\"visitor_no_host\":false,\"vehicle_unregistered\":false}}}");
	CHECK_STR(verdict(&w, "{\"mask\":false}"), "admit");
	CHECK_STR(verdict(&w, "{\"kind\":\"courier\"}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":39.0}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":null}"), "admit");
	CHECK_STR(verdict(&w, "{\"temp\":20.0}"), "admit");
	CHECK_STR(verdict(&w, "{\"symptoms\":[\"cough\"]}"), "admit");
	CHECK_STR(verdict(&w, "{\"kind\":\"visitor\"}"), "admit");
	CHECK_STR(verdict_from(&w, CAR, "{}"), "admit");
	world_release(&w);
}

/* ---- re-measuring ------------------------------------------------------ */

#define WAIT10 "{\"policy\":{\"remeasure_wait_min\":10}}"

TEST(remeasure_second_high_denies)
{
	struct world w;

	world_init(&w, WAIT10);
	CHECK_STR(verdict_after(&w, 0, "{\"temp\":37.5}"), "refer remeasure");
	CHECK_STR(verdict_after(&w, 5, "{\"temp\":37.6}"), "deny fever");
	/* Denied: the next high reading starts over. */
	CHECK_STR(verdict_after(&w, 7, "{\"temp\":37.6}"), "refer remeasure");
	world_release(&w);
}

TEST(remeasure_second_normal_admits)
{
	struct world w;

	world_init(&w, WAIT10);
	CHECK_STR(verdict_after(&w, 0, "{\"temp\":37.5}"), "refer remeasure");
	CHECK_STR(verdict_after(&w, 5, "{\"temp\":36.8}"), "admit");
	/* The normal reading cleared the first high one. */
	CHECK_STR(verdict_after(&w, 6, "{\"temp\":37.5}"), "refer remeasure");
	world_release(&w);
}

TEST(remeasure_wait_boundary)
{
	struct world w;

	world_init(&w, WAIT10);
	CHECK_STR(verdict_after(&w, 0, "{\"temp\":37.5}"), "refer remeasure");
	CHECK_STR(verdict_after(&w, 11, "{\"temp\":37.5}"), "refer remeasure");
	/* That one is the new first reading. */
	CHECK_STR(verdict_after(&w, 21, "{\"temp\":37.5}"), "deny fever");
	world_release(&w);

	world_init(&w, WAIT10);
	CHECK_STR(verdict_after(&w, 0, "{\"temp\":37.5}"), "refer remeasure");
	CHECK_STR(verdict_after(&w, 10, "{\"temp\":37.5}"), "deny fever");
	world_release(&w);
}

TEST(remeasure_per_person)
{
	struct world w;

	world_init(&w, WAIT10);
	CHECK_STR(verdict_after(&w, 0, "{\"temp\":37.5}"), "refer remeasure");
	CHECK_STR(verdict_after(&w, 1, "{\"id_no\":\"" ID_B "\",\"temp\":37.5}"),
		  "refer remeasure");
	CHECK_STR(verdict_after(&w, 2, "{\"temp\":37.5}"), "deny fever");
	CHECK_STR(verdict_after(&w, 3, "{\"id_no\":\"" ID_B "\",\"temp\":37.5}"), "deny fever");
	/* Nobody to wait for: a high reading decides at once. */
	CHECK_STR(verdict_after(&w, 4, "{\"id_no\":null,\"name\":null,\"temp\":37.5}"),
		  "deny fever");
	/* The same person written differently is the same person. */
	CHECK_STR(verdict_after(&w, 20, "{\"id_no\":\"11010519491231002x\",\"temp\":37.5}"),
		  "refer remeasure");
	CHECK_STR(verdict_after(&w, 21, "{\"id_no\":\"" ID_D "\",\"temp\":37.5}"),
		  "deny fever");
	world_release(&w);
}

TEST(remeasure_off_by_default)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict_after(&w, 0, "{\"temp\":37.5}"), "deny fever");
	world_release(&w);
}

TEST(note_learns_journaled_refer)
{
	static const char refer[] =
		"{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
		"\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"" ID_A "\","
		"\"temp\":37.5,\"mask\":true,\"decision\":\"refer\","
		"\"reasons\":[\"remeasure\"],\"seq\":41,\"chain\":\"x\"}";
	static const char deny[] =
		"{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
		"\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"" ID_A "\","
		"\"temp\":37.5,\"mask\":true,\"decision\":\"deny\","
		"\"reasons\":[\"fever\"]}";
	struct world w;
	json_t *d;

	world_init(&w, WAIT10);
	d = load(refer);
	cg_checkin_note(&w.ck, d);
	json_decref(d);
	CHECK_STR(verdict_after(&w, 5, "{\"temp\":37.6}"), "deny fever");
	world_release(&w);

	/* A denial is not waiting for a second reading. */
	world_init(&w, WAIT10);
	d = load(deny);
	cg_checkin_note(&w.ck, d);
	json_decref(d);
	CHECK_STR(verdict_after(&w, 5, "{\"temp\":37.6}"), "refer remeasure");
	world_release(&w);

	/* A later normal reading in the journal clears the earlier one. */
	world_init(&w, WAIT10);
	d = load(refer);
	cg_checkin_note(&w.ck, d);
	json_decref(d);
	d = event(refer, "{\"ts\":\"2026-01-25T08:02:00+08:00\",\"temp\":36.6,"
		  "\"decision\":\"admit\",\"reasons\":[]}");
	cg_checkin_note(&w.ck, d);
	json_decref(d);
	CHECK_STR(verdict_after(&w, 5, "{\"temp\":37.6}"), "refer remeasure");
	world_release(&w);

	/* Without a wait, nothing is held. */
	world_init(&w, NULL);
	d = load(refer);
	cg_checkin_note(&w.ck, d);
	json_decref(d);
	CHECK_INT(json_object_size(w.ck.first_high), 0);
	world_release(&w);
}

/* ---- the record -------------------------------------------------------- */

TEST(output_key_order)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(record(&w, "{\"name\":\"张三\",\"gate\":\"north\",\"dir\":\"in\","
			 "\"kind\":\"resident\",\"id_no\":\"" ID_A "\",\"temp\":36.5,"
			 "\"mask\":true,\"ts\":\"" TS "\",\"x_custom\":{\"b\":1,\"a\":2}}",
			 NOW),
		  "{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"name\":\"张三\","
		  "\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\","
		  "\"id_no\":\"" ID_A "\",\"temp\":36.5,\"mask\":true,"
		  "\"x_custom\":{\"b\":1,\"a\":2},\"decision\":\"admit\",\"reasons\":[]}");
	CHECK_STR(record(&w, "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\","
			 "\"temp\":37.3,\"mask\":false,\"ts\":\"" TS "\"}", NOW),
		  "{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
		  "\"dir\":\"in\",\"kind\":\"resident\",\"temp\":37.3,\"mask\":false,"
		  "\"decision\":\"deny\",\"reasons\":[\"fever\",\"no_mask\"]}");
	world_release(&w);
}

TEST(output_normalised_fields)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(record(&w, "{\"ts\":\"" TS "\",\"gate\":\"north\",\"dir\":\"in\","
			 "\"kind\":\"resident\",\"id_no\":\"11010519491231002x\","
			 "\"phone\":\"+86 138-1234-8000\",\"household\":\"a3-1-1102\","
			 "\"temp\":36.5,\"mask\":true}", NOW),
		  "{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
		  "\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"" ID_D "\","
		  "\"phone\":\"13812348000\",\"household\":\"A3-1-1102\","
		  "\"temp\":36.5,\"mask\":true,\"decision\":\"admit\",\"reasons\":[]}");
	world_release(&w);
}

TEST(ts_filled_from_now)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(record(&w, "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\","
			 "\"temp\":36.5,\"mask\":true}", NOW + 3 * 3600 + 11),
		  "{\"ts\":\"2026-01-25T11:00:11+08:00\",\"compound\":\"DEMO-0001\","
		  "\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\","
		  "\"temp\":36.5,\"mask\":true,\"decision\":\"admit\",\"reasons\":[]}");
	/* A given ts is the time, whatever now is, written in the one
	 * form of every journal: local time with its offset. */
	CHECK(starts(record(&w, "{\"ts\":\"2026-01-24T23:59:59Z\",\"gate\":\"north\","
			    "\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,"
			    "\"mask\":true}", NOW),
		     "{\"ts\":\"2026-01-25T07:59:59+08:00\",\"compound\":"));
	CHECK(starts(record(&w, "{\"ts\":\"2026-01-25T09:30:00.250+08:00\",\"gate\":\"north\","
			    "\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,"
			    "\"mask\":true}", NOW),
		     "{\"ts\":\"2026-01-25T09:30:00+08:00\",\"compound\":"));
	/* A visitor's visit_until counts from the filled-in time. */
	CHECK(strstr(record(&w, "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\","
			    "\"temp\":36.5,\"mask\":true,\"host\":\"3-2-501\"}", NOW),
		     "\"visit_until\":\"2026-01-25T10:00:00+08:00\"") != NULL);

	/* In UTC the offset is +00:00.  (A process keeps one zone: the
	 * decider remembers the days it met, so a new one is made.) */
	setenv("TZ", "UTC0", 1);
	tzset();
	world_release(&w);
	world_init(&w, NULL);
	CHECK(starts(record(&w, "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\","
			    "\"temp\":36.5,\"mask\":true}", NOW),
		     "{\"ts\":\"2026-01-25T00:00:00+00:00\",\"compound\":"));
	setenv("TZ", "CST-8", 1);
	tzset();
	world_release(&w);
}

/* Deciding the event in place writes what deciding a copy writes, line
 * for line, with the state the lines before left. */
TEST(decided_in_place_as_copied)
{
	static const char *const lines[] = {
		"{\"seq\":5,\"ts\":\"" TS "\",\"compound\":\"OTHER-9\",\"gate\":\"north\","
		"\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[\"x\"],"
		"\"temp\":38.1,\"mask\":true,\"chain\":\"dead\",\"visit_until\":\"2099\","
		"\"note\":\"x\",\"registered_at\":\"z\",\"cases\":[1],\"next_exit\":\"q\","
		"\"phone\":\"13812348000\",\"household\":\"3-1-1102\"}",
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":37.6,"
		"\"mask\":true,\"phone\":\"13812348000\",\"household\":\"3-1-1102\"}",
		"{\"ts\":null,\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\"}",
		"{\"ts\":5,\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\"}",
		"{\"compound\":[],\"gate\":\"NORTH\",\"dir\":\"in\",\"kind\":\"visitor\","
		"\"temp\":36.6,\"mask\":true,\"host\":\"3-1-1102\",\"phone\":\"13912345678\"}",
		"{\"gate\":\"north\",\"dir\":\"sideways\",\"kind\":\"resident\"}",
		"{\"ts\":\"2026-01-20T08:00:00+08:00\",\"gate\":\"north\",\"dir\":\"out\","
		"\"kind\":\"resident\",\"temp\":37,\"phone\":\"+86 138 1234 8000\"}",
	};
	struct world a, b;

	world_init(&a, NULL);
	world_init(&b, NULL);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char copied[4096];

		snprintf(copied, sizeof(copied), "%s", record(&a, lines[i], NOW + (cg_time_t)i * 60));
		CHECK_STR(record_in_place(&b, lines[i], NOW + (cg_time_t)i * 60), copied);
	}
	world_release(&a);
	world_release(&b);
}

TEST(decided_fields_replaced)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(record(&w, "{\"seq\":5,\"ts\":\"" TS "\",\"compound\":\"OTHER-9\","
			 "\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\","
			 "\"decision\":\"admit\",\"reasons\":[\"nothing\"],\"temp\":38.1,"
			 "\"mask\":true,\"chain\":\"deadbeef\","
			 "\"visit_until\":\"2099-01-01T00:00:00+08:00\",\"note\":\"x\"}", NOW),
		  "{\"ts\":\"" TS "\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
		  "\"dir\":\"in\",\"kind\":\"resident\",\"temp\":38.1,\"mask\":true,"
		  "\"note\":\"x\",\"decision\":\"deny\",\"reasons\":[\"fever\"]}");
	world_release(&w);

	/* The compound is the configured one. */
	world_init(&w, "{\"compound\":{\"code\":\"BJ-CY-0042\"}}");
	CHECK(starts(record(&w, "{\"compound\":\"DEMO-0001\",\"ts\":\"" TS "\","
			    "\"gate\":\"north\",\"dir\":\"out\",\"kind\":\"staff\","
			    "\"mask\":true}", NOW),
		     "{\"ts\":\"" TS "\",\"compound\":\"BJ-CY-0042\",\"gate\":"));
	world_release(&w);
}

TEST(input_not_modified)
{
	struct world w;
	json_t *ev = load("{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\","
			  "\"id_no\":\"11010519491231002x\",\"host\":\"a3-1-1102\","
			  "\"phone\":\"+86 138-1234-8000\",\"temp\":36.5,\"mask\":true,"
			  "\"decision\":\"deny\",\"seq\":3}");
	json_t *before = json_deep_copy(ev), *d;
	char why[256] = "";

	world_init(&w, NULL);
	d = cg_checkin_decide(&w.ck, ev, NOW, why, sizeof(why));
	CHECK(d != NULL);
	CHECK(d != ev);
	CHECK(json_equal(ev, before));
	CHECK_STR(json_string_value(json_object_get(ev, "id_no")), "11010519491231002x");
	CHECK_STR(json_string_value(json_object_get(d, "id_no")), ID_D);
	CHECK_STR(json_string_value(json_object_get(d, "host")), "A3-1-1102");
	CHECK(json_object_get(ev, "ts") == NULL);
	json_decref(d);
	json_decref(ev);
	json_decref(before);
	world_release(&w);
}

/* ---- rejected records -------------------------------------------------- */

TEST(rejected)
{
	struct world w;

	world_init(&w, NULL);
	CHECK_STR(verdict(&w, "{\"gate\":null}"), "error: missing field 'gate'");
	CHECK_STR(verdict(&w, "{\"dir\":null}"), "error: missing field 'dir'");
	CHECK_STR(verdict(&w, "{\"kind\":null}"), "error: missing field 'kind'");
	CHECK_STR(verdict(&w, "{\"gate\":\"\"}"), "error: 'gate' must not be empty");
	CHECK_STR(verdict(&w, "{\"gate\":5}"), "error: 'gate' must be a string");
	CHECK_STR(verdict(&w, "{\"dir\":\"sideways\"}"),
		  "error: 'dir' must be \"in\" or \"out\", not 'sideways'");
	CHECK_STR(verdict(&w, "{\"dir\":\"IN\"}"),
		  "error: 'dir' must be \"in\" or \"out\", not 'IN'");
	CHECK_STR(verdict(&w, "{\"kind\":\"alien\"}"),
		  "error: unknown kind 'alien' (resident, tenant, visitor, courier, staff, vehicle)");
	CHECK_STR(verdict(&w, "{\"gate\":\"east\"}"),
		  "error: unknown gate 'east' (north, south)");
	CHECK_STR(verdict(&w, "{\"temp\":\"36.5\"}"), "error: 'temp' must be a number");
	CHECK_STR(verdict(&w, "{\"temp\":true}"), "error: 'temp' must be a number");
	CHECK_STR(verdict(&w, "{\"mask\":\"yes\"}"), "error: 'mask' must be true or false");
	CHECK_STR(verdict(&w, "{\"mask\":1}"), "error: 'mask' must be true or false");
	CHECK_STR(verdict(&w, "{\"symptoms\":\"cough\"}"),
		  "error: 'symptoms' must be an array of strings");
	CHECK_STR(verdict(&w, "{\"symptoms\":[\"cough\",1]}"),
		  "error: 'symptoms' must be an array of strings");
	CHECK_STR(verdict(&w, "{\"id_no\":\"110101199003074515\"}"),
		  "error: invalid id_no '1101**********4515': wrong check character");
	CHECK_STR(verdict(&w, "{\"id_no\":110101199003074514}"),
		  "error: 'id_no' must be a string");
	CHECK(strstr(verdict(&w, "{\"phone\":\"12345\"}"), "12345") == NULL);
	CHECK(starts(verdict(&w, "{\"phone\":\"12345\"}"), "error: invalid phone '"));
	CHECK_STR(verdict(&w, "{\"name\":\"\"}"), "error: 'name' must be a non-empty string");
	CHECK_STR(verdict(&w, "{\"kind\":\"visitor\",\"host\":\"3\"}"),
		  "error: invalid host '3': must be building-unit-room or building-room, "
		  "e.g. 3-2-501 or 12-301");
	CHECK_STR(verdict(&w, "{\"host\":7}"), "error: 'host' must be a string");
	CHECK_STR(verdict(&w, "{\"pass\":7}"), "error: 'pass' must be a string");
	CHECK_STR(verdict(&w, "{\"from\":[\"武汉\"]}"), "error: 'from' must be a string");
	CHECK_STR(verdict_from(&w, CAR, "{\"plate\":null}"), "error: missing field 'plate'");
	CHECK_STR(verdict(&w, "{\"ts\":\"2026-01-25 8am\"}"),
		  "error: 'ts' is not an RFC 3339 time: '2026-01-25 8am'");
	CHECK_STR(verdict(&w, "{\"ts\":\"2026-01-25T08:00:00\"}"),
		  "error: 'ts' is not an RFC 3339 time: '2026-01-25T08:00:00'");
	CHECK_STR(verdict(&w, "{\"ts\":\"2026-02-30T08:00:00+08:00\"}"),
		  "error: 'ts' is not an RFC 3339 time: '2026-02-30T08:00:00+08:00'");
	CHECK_STR(verdict(&w, "{\"ts\":1769299200}"), "error: 'ts' must be a string");
	world_release(&w);
}

int main(void)
{
	setenv("TZ", "CST-8", 1);
	tzset();

	RUN(admit_healthy);
	RUN(fever_boundary);
	RUN(temp_range);
	RUN(no_temp);
	RUN(symptoms);
	RUN(mask);
	RUN(courier);
	RUN(visitor);
	RUN(vehicle);
	RUN(pass_check_off);
	RUN(pass_check_on);
	RUN(pass_own_pass_recorded_by_phone);
	RUN(quarantined);
	RUN(quarantined_recorded_by_phone);
	RUN(identity_check);
	RUN(identity_by_pass);
	RUN(identity_pass_holder);
	RUN(risk_area);
	RUN(deny_outranks_refer);
	RUN(rules_switched_off);
	RUN(remeasure_second_high_denies);
	RUN(remeasure_second_normal_admits);
	RUN(remeasure_wait_boundary);
	RUN(remeasure_per_person);
	RUN(remeasure_off_by_default);
	RUN(note_learns_journaled_refer);
	RUN(output_key_order);
	RUN(output_normalised_fields);
	RUN(ts_filled_from_now);
	RUN(decided_in_place_as_copied);
	RUN(decided_fields_replaced);
	RUN(input_not_modified);
	RUN(rejected);
	return UNIT_DONE();
}
