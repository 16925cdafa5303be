#include <stdio.h>
#include <string.h>

#include "rules/checkin.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "rules/person.h"
#include "rules/validate.h"

static const char *const kinds[] = {
	"resident", "tenant", "visitor", "courier", "staff", "vehicle", NULL
};

/* Fields the decision sets; an event's own values of these are replaced. */
static const char *const verdict_names[3] = { "admit", "refer", "deny" };

static const char *const decided_fields[] = {
	"ts", "compound", "decision", "reasons", "cases", "visit_until", "next_exit",
	"registered_at", "seq", "chain", NULL
};

static int in_list(const char *s, const char *const *list)
{
	/* Two bytes first: every key of every record is looked up.  (s[1]
	 * exists when s[0] matched, which is never the NUL.) */
	for (; *list; list++)
		if (**list == *s && (*list)[1] == s[1] && !strcmp(s, *list))
			return 1;
	return 0;
}

void cg_checkin_init(struct cg_checkin *c, const struct cg_config *cfg,
		     const struct cg_passbook *passes,
		     const struct cg_casebook *cases)
{
	c->cfg = cfg;
	c->passes = passes;
	c->cases = cases;
	c->first_high = json_object();
	c->pass = NULL;
	cg_exit_ledger_init(&c->exits);
	c->days = NULL;
	c->absent = json_object();
	c->compound = json_string(cfg->compound_code);
	for (int i = 0; i < 3; i++)
		c->verdicts[i] = json_string(verdict_names[i]);
	memset(&c->local_days, 0, sizeof(c->local_days));
}

void cg_checkin_release(struct cg_checkin *c)
{
	json_decref(c->first_high);
	c->first_high = NULL;
	cg_exit_ledger_release(&c->exits);
	json_decref(c->absent);
	json_decref(c->compound);
	c->absent = c->compound = NULL;
	for (int i = 0; i < 3; i++) {
		json_decref(c->verdicts[i]);
		c->verdicts[i] = NULL;
	}
}

/* The parsed, checked fields of one gate event. */
struct event {
	cg_time_t at;
	const char *gate, *dir, *kind;
	int in, person;
	const json_t *temp, *mask, *symptoms;
	const char *from, *pass, *plate;
	const json_t *rec;	/* the normalised event, for identity */
	char key[CG_PERSON_KEY_LEN];
	int has_key, has_host;
	cg_time_t next_exit;	/* refused by the exit quota: allowed from */
};

static int fail(char *why, size_t whylen, const char *fmt, const char *field)
{
	snprintf(why, whylen, fmt, field);
	return -1;
}

static int get_str(const json_t *ev, const char *field, const char **out,
		   int required, char *why, size_t whylen)
{
	return cg_field_string(ev, field, required, out, why, whylen);
}

/*
 * Check the fields of ev (the decision record being built, holding the
 * event's fields) and normalise them in place; ts is the event's own.
 */
static int parse_event(struct cg_checkin *c, json_t *ev, const json_t *ts_field,
		       cg_time_t now, struct event *e, char *why, size_t whylen)
{
	const char *ts = json_string_value(ts_field), *host, *gate;

	memset(e, 0, sizeof(*e));
	if (ts_field && !ts)
		return fail(why, whylen, _("'%s' must be a string"), "ts");
	if (get_str(ev, "gate", &e->gate, 1, why, whylen) < 0 ||
	    get_str(ev, "dir", &e->dir, 1, why, whylen) < 0 ||
	    get_str(ev, "kind", &e->kind, 1, why, whylen) < 0 ||
	    get_str(ev, "from", &e->from, 0, why, whylen) < 0 ||
	    get_str(ev, "pass", &e->pass, 0, why, whylen) < 0 ||
	    get_str(ev, "plate", &e->plate, 0, why, whylen) < 0 ||
	    get_str(ev, "host", &host, 0, why, whylen) < 0)
		return -1;
	e->at = now;
	if (ts && cg_time_parse(ts, 0, &e->at) < 0)
		return fail(why, whylen, _("'ts' is not an RFC 3339 time: '%s'"), ts);
	if (strcmp(e->dir, "in") && strcmp(e->dir, "out"))
		return fail(why, whylen, _("'dir' must be \"in\" or \"out\", not '%s'"), e->dir);
	if (!in_list(e->kind, kinds))
		return fail(why, whylen,
			    _("unknown kind '%s' (resident, tenant, visitor, courier, staff, vehicle)"),
			    e->kind);
	gate = cg_config_gate(c->cfg, e->gate);
	if (!gate) {
		cg_config_unknown(c->cfg->gates, _("gate"), e->gate, why, whylen);
		return -1;
	}
	if (strcmp(gate, e->gate)) {
		/* Recorded as configured, so every report counts one gate. */
		json_object_set_new(ev, "gate", json_string(gate));
		e->gate = gate;
	}
	e->in = !strcmp(e->dir, "in");
	e->person = strcmp(e->kind, "vehicle") != 0;
	if (!e->person && !e->plate)
		return fail(why, whylen, _("missing field '%s'"), "plate");
	e->temp = json_object_get(ev, "temp");
	if (e->temp && !json_is_number(e->temp))
		return fail(why, whylen, _("'%s' must be a number"), "temp");
	if (json_is_real(e->temp)) {
		/* Stored as decided: the rules below see only the rounded value. */
		json_object_set_new(ev, "temp", json_real(cg_temp_round(json_real_value(e->temp))));
		e->temp = json_object_get(ev, "temp");
	}
	e->mask = json_object_get(ev, "mask");
	if (e->mask && !json_is_boolean(e->mask))
		return fail(why, whylen, _("'%s' must be true or false"), "mask");
	e->symptoms = json_object_get(ev, "symptoms");
	if (cg_field_symptoms(e->symptoms, 1, why, whylen) < 0)
		return -1;
	if (cg_person_normalise(ev, now, c->cfg->household, why, whylen) < 0)
		return -1;
	if (host) {
		char hh[CG_HOUSEHOLD_LEN];
		const char *reason;

		if (cg_valid_household(host, c->cfg->household, hh, &reason) < 0) {
			snprintf(why, whylen, _("invalid %s '%s': %s"), "host", host, reason);
			return -1;
		}
		json_object_set_new(ev, "host", json_string(hh));
		e->has_host = 1;
	}
	e->rec = ev;
	e->has_key = cg_person_key(ev, e->key) == 0;
	return 0;
}

/* The temperature rules; may hold a first high reading for re-measuring. */

/* Whether a reading of this temperature, held or not, awaits its second. */
static int awaits_second(const struct cg_policy *p, double temp, int held)
{
	return held && temp >= p->fever_threshold && temp <= p->temp_max;
}

/*
 * The time of key's high reading awaiting re-measurement, or NULL: what
 * this process noted (false: nothing awaits), else the last reading in
 * the day index, remembered here.
 */
static const json_t *first_high_of(struct cg_checkin *c, const char *key)
{
	json_t *v = json_object_get(c->first_high, key);
	cg_time_t at;
	double temp;
	int held;

	if (!v && c->days) {
		if (cg_dayindex_reading(c->days, key, &at, &temp, &held) &&
		    awaits_second(&c->cfg->policy, temp, held))
			v = json_integer(at);
		else
			v = json_false();
		json_object_set_new(c->first_high, key, v);
	}
	return json_is_integer(v) ? v : NULL;
}

static void temperature(struct cg_checkin *c, const struct event *e, unsigned *r)
{
	const struct cg_policy *p = &c->cfg->policy;
	double t;
	const json_t *first;

	if (!e->temp) {
		if (e->in && cg_rule_on(p, CG_R_REMEASURE))
			*r |= 1u << CG_R_REMEASURE;
		return;
	}
	t = json_number_value(e->temp);
	if (t < p->temp_min || t > p->temp_max) {
		if (cg_rule_on(p, CG_R_REMEASURE))
			*r |= 1u << CG_R_REMEASURE;
		return;
	}
	if (!cg_rule_on(p, CG_R_FEVER) || t < p->fever_threshold)
		return;
	if (!p->remeasure_wait_min || !cg_rule_on(p, CG_R_REMEASURE) || !e->has_key) {
		*r |= 1u << CG_R_FEVER;
		return;
	}
	first = first_high_of(c, e->key);
	if (first && e->at - json_integer_value(first) <= p->remeasure_wait_min * 60 &&
	    e->at >= json_integer_value(first))
		*r |= 1u << CG_R_FEVER;
	else
		*r |= 1u << CG_R_REMEASURE;
}

static int risky_origin(const struct cg_policy *p, const char *from)
{
	size_t i;
	json_t *area;

	json_array_foreach(p->risk_areas, i, area)
		if (strstr(from, json_string_value(area)))
			return 1;
	return 0;
}

/*
 * A presented pass, id or signed token, checked as cg-pass verify does
 * (with only a passbook, ids alone are known).  A holder under
 * observation may still come in (home is where they belong); going out,
 * the cases decide (identity_rules).
 */
static int pass_valid(struct cg_checkin *c, const char *pass, cg_time_t at,
		      struct cg_pass_check *pc)
{
	if (!c->pass) {
		memset(pc, 0, sizeof(*pc));
		return cg_passbook_check(c->passes, pass, at, &pc->ev) == CG_PASS_OK;
	}
	cg_pass_check(c->pass, pass, at, pc);
	return pc->reason == CG_PR_OK || pc->reason == CG_PR_HOLDER_QUARANTINED;
}

static int resident(const struct event *e)
{
	return !strcmp(e->kind, "resident") || !strcmp(e->kind, "tenant");
}

/*
 * A pass on the event is checked whatever policy.pass_check says: the
 * guard scanned it, so the result counts, and a malformed, forged,
 * unknown, revoked, expired, not yet valid or someone else's pass is
 * pass_invalid.  pass_check only makes a pass required of residents and
 * tenants coming in; then a pass found by identity must be the person's
 * on the strongest identifier it was issued to, or the guard checks
 * (identity_check).  *holder is the issue event of a valid pass shown.
 */
static void pass_rules(struct cg_checkin *c, const struct event *e, unsigned *r,
		       const json_t **holder)
{
	struct cg_pass_check pc;
	const json_t *ev;

	if (e->pass) {
		if (!pass_valid(c, e->pass, e->at, &pc) ||
		    (pc.ev && !cg_person_same(pc.ev, e->rec)))
			*r |= 1u << CG_R_PASS_INVALID;
		else
			*holder = pc.ev;
		return;
	}
	if (!e->in || !c->cfg->policy.pass_check || !resident(e))
		return;
	ev = cg_passbook_for_person(c->passes, e->rec, e->at);
	if (!ev)
		*r |= 1u << CG_R_NO_PASS;
	else if (cg_person_match(ev, e->rec) != CG_MATCH_STRONG)
		*r |= 1u << CG_R_IDENTITY_CHECK;
}

/* A vehicle pass shown at the gate, valid, for this plate. */
static int vehicle_pass(struct cg_checkin *c, const struct event *e)
{
	struct cg_pass_check pc;
	char a[CG_PLATE_LEN], b[CG_PLATE_LEN];
	const char *plate, *class_;

	if (!pass_valid(c, e->pass, e->at, &pc) || (c->pass && pc.reason != CG_PR_OK))
		return 0;
	class_ = pc.is_token ? pc.tok.class_ : json_string_value(json_object_get(pc.ev, "class"));
	if (strcmp(class_ ? class_ : "", "vehicle"))
		return 0;
	plate = pc.is_token ? pc.tok.ref : json_string_value(json_object_get(pc.ev, "plate"));
	cg_plate_normalise(plate ? plate : "", a);
	cg_plate_normalise(e->plate, b);
	return !strcmp(a, b);
}

/* A pass shown for a vehicle must be a valid vehicle pass for its plate:
 * any other is not its own (pass_invalid), whatever pass_check says. */
static void vehicle_rules(struct cg_checkin *c, const struct event *e, unsigned *r)
{
	int shown = e->pass && vehicle_pass(c, e);

	if (e->pass && !shown)
		*r |= 1u << CG_R_PASS_INVALID;
	if (e->in && cg_rule_on(&c->cfg->policy, CG_R_VEHICLE_UNREGISTERED) &&
	    !shown && !cg_passbook_for_plate(c->passes, e->plate, e->at))
		*r |= 1u << CG_R_VEHICLE_UNREGISTERED;
}

/* The household exit quota, for a resident or tenant going out. */
static void quota_rules(struct cg_checkin *c, struct event *e, unsigned *r)
{
	const char *hh = json_string_value(json_object_get(e->rec, "household"));

	if (!cg_exit_quota_applies(&c->cfg->policy, e->kind, e->in))
		return;
	if (!hh)
		*r |= 1u << CG_R_HOUSEHOLD_UNKNOWN;
	else if (cg_exit_quota_full(&c->exits, &c->cfg->policy, hh, e->at, &e->next_exit))
		*r |= 1u << CG_R_EXIT_QUOTA;
}


/*
 * Who is going out: the event's person, completed with the holder of the
 * valid pass they showed (a scan identifies its holder).  A new reference.
 */
static json_t *going_out(const struct event *e, const json_t *holder)
{
	static const char *const fields[] = { "name", "id_no", "phone", "household" };
	json_t *who = json_object();

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_t *v = json_object_get(e->rec, fields[i]);

		if (!v && holder)
			v = json_object_get(holder, fields[i]);
		if (json_is_string(v))
			json_object_set(who, fields[i], v);
	}
	return who;
}

/*
 * 1 when who names nobody: no ID number, no phone and no name (a name of
 * spaces alone is none); a household alone is a flat, not a person.
 */
static int names_nobody(const json_t *who)
{
	const char *name = json_string_value(json_object_get(who, "name"));
	char norm[CG_PERSON_NAME_LEN];

	return !json_object_get(who, "id_no") && !json_object_get(who, "phone") &&
	       (!name || !*cg_person_name_normalise(name, norm));
}

/*
 * A person going out against the open and escalated cases: a match on
 * the strongest identifier a case carries is quarantined (deny); a match
 * only on a weaker one (the name, or name and household, or the phone of
 * a case opened with an ID number, ...) is identity_check (refer), with
 * the ids of those cases in *cases (a new array), for the guard to
 * settle.  A person going out with no identifier at all (no ID number,
 * phone, name or valid pass) is identity_check too while any case is
 * open or escalated, without case ids: it could be any of them.  Never
 * a silent admit.
 */
static void identity_rules(struct cg_checkin *c, const struct event *e,
			   const json_t *holder, unsigned *r, json_t **cases)
{
	const json_t *found[CG_CASES_SHARING_MAX];
	json_t *who = holder ? going_out(e, holder) : NULL;
	size_t n = cg_casebook_active_sharing(c->cases, who ? who : e->rec, found,
					      CG_CASES_SHARING_MAX);
	int strong = 0;

	/* Anyone at all, while someone is under observation: the guard asks. */
	if (names_nobody(who ? who : e->rec)) {
		json_decref(who);
		if (cg_casebook_any_active(c->cases))
			*r |= 1u << CG_R_IDENTITY_CHECK;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		enum cg_person_match m = cg_person_match(found[i], who ? who : e->rec);

		if (m == CG_MATCH_STRONG)
			strong = 1;
		if (m != CG_MATCH_WEAK)
			continue;
		if (!*cases)
			*cases = json_array();
		json_array_append(*cases, json_object_get(found[i], "case_id"));
	}
	json_decref(who);
	if (strong) {
		*r |= 1u << CG_R_QUARANTINED;
		json_decref(*cases);
		*cases = NULL;
	} else if (*cases) {
		*r |= 1u << CG_R_IDENTITY_CHECK;
	}
}

/* The reasons; *cases gets the ids behind an identity_check (or NULL). */
static unsigned apply_rules(struct cg_checkin *c, struct event *e, json_t **cases)
{
	const struct cg_policy *p = &c->cfg->policy;
	const json_t *holder = NULL;
	unsigned r = 0;

	if (!e->person) {
		vehicle_rules(c, e, &r);
		return r & p->rules;
	}
	temperature(c, e, &r);
	if (json_array_size(e->symptoms))
		r |= 1u << CG_R_SYMPTOMS;
	if (!json_is_true(e->mask))
		r |= 1u << CG_R_NO_MASK;
	if (e->in && !strcmp(e->kind, "courier"))
		r |= 1u << CG_R_COURIER;
	if (e->in && !strcmp(e->kind, "visitor") && !e->has_host)
		r |= 1u << CG_R_VISITOR_NO_HOST;
	pass_rules(c, e, &r, &holder);
	if (!e->in && cg_rule_on(p, CG_R_QUARANTINED))
		identity_rules(c, e, holder, &r, cases);
	quota_rules(c, e, &r);
	if (e->in && e->from && risky_origin(p, e->from))
		r |= 1u << CG_R_RISK_AREA;
	return r & p->rules;
}

static json_t *reason_list(unsigned r)
{
	json_t *arr = json_array();

	for (int i = 0; i < CG_R_COUNT; i++)
		if (r & (1u << i))
			json_array_append_new(arr, json_string(cg_reason_code(i)));
	return arr;
}

/* An index into verdict_names. */
static int verdict(unsigned r)
{
	for (int i = 0; i < CG_R_COUNT; i++)
		if ((r & (1u << i)) && cg_reason_denies(i))
			return 2;
	return r ? 1 : 0;
}

/*
 * The record starts as ts (a placeholder, so that it comes first) and
 * compound, then the event's own fields in their order; the rules then
 * normalise it in place, which saves copying the event twice.
 */
static json_t *start_record(struct cg_checkin *c, const json_t *in)
{
	json_t *out = json_object();
	const char *key;
	json_t *val;

	json_object_set_new(out, "ts", json_null());
	json_object_set(out, "compound", c->compound);
	json_object_foreach((json_t *)in, key, val)
		if (!in_list(key, decided_fields))
			json_object_set(out, key, val);
	return out;
}

static void set_time(struct cg_checkin *c, json_t *out, const char *key, cg_time_t t)
{
	char buf[CG_TIME_LEN];
	const char *had = json_string_value(json_object_get(out, key));

	cg_time_format_memo(&c->local_days, t, buf);
	/* A gate device's ts is mostly in this form already: kept. */
	if (had && !strcmp(had, buf))
		return;
	json_object_set_new(out, key, json_string(buf));
}

static void finish_record(struct cg_checkin *c, json_t *out, const struct event *e,
			  unsigned r, json_t *cases, cg_time_t now)
{
	int v = verdict(r);

	/* Every ts in a journal has one form, local time with its offset,
	 * so that reports and tools can compare them as text. */
	set_time(c, out, "ts", e->at);
	json_object_set(out, "decision", c->verdicts[v]);
	json_object_set_new(out, "reasons", reason_list(r));
	if (cases)
		json_object_set(out, "cases", cases);
	if (v == 0 && !strcmp(e->kind, "visitor") && e->in)
		set_time(c, out, "visit_until", e->at + (cg_time_t)c->cfg->policy.visit_max_min * 60);
	if (r & (1u << CG_R_EXIT_QUOTA))
		set_time(c, out, "next_exit", e->next_exit);
	/* A record of a day already ended goes into today's journal: when it
	 * was registered is what an inspector asks of a back-filled register
	 * (cg-report lists it as a late registration). */
	if (cg_local_day_memo(&c->local_days, e->at, NULL) <
	    cg_local_day_memo(&c->local_days, now, NULL))
		set_time(c, out, "registered_at", now);
}

static void note(struct cg_checkin *c, const json_t *d, int known, const char *key_in);

/* Decide into out (taken over), which holds the event's fields after ts
 * and compound; ts is the event's own (borrowed) or NULL. */
static json_t *decide(struct cg_checkin *c, json_t *out, const json_t *ts, cg_time_t now,
		      char *why, size_t whylen)
{
	json_t *cases = NULL;
	struct event e;
	unsigned r;

	if (parse_event(c, out, ts, now, &e, why, whylen) < 0) {
		json_decref(out);
		return NULL;
	}
	r = apply_rules(c, &e, &cases);
	/* A reason switched off by the policy takes its case ids with it. */
	finish_record(c, out, &e, r, r & (1u << CG_R_IDENTITY_CHECK) ? cases : NULL, now);
	json_decref(cases);
	/* The person's fields are as parse_event left them: its key holds. */
	note(c, out, e.has_key, e.key);
	return out;
}

json_t *cg_checkin_decide(struct cg_checkin *c, const json_t *in, cg_time_t now,
			  char *why, size_t whylen)
{
	return decide(c, start_record(c, in), json_object_get(in, "ts"), now, why, whylen);
}

json_t *cg_checkin_record_head(struct cg_checkin *c)
{
	json_t *head = json_object();

	/* Made for every line: keys known to be UTF-8 are not checked again. */
	json_object_setn_new_nocheck(head, "ts", 2, json_incref(c->absent));
	json_object_setn_new_nocheck(head, "compound", 8, json_incref(c->absent));
	return head;
}

json_t *cg_checkin_decide_record(struct cg_checkin *c, json_t *rec, cg_time_t now,
				 char *why, size_t whylen)
{
	json_t *ts = json_incref(json_object_get(rec, "ts"));
	const char *key;
	json_t *val, *tmp;
	json_t *out;

	/* The event's own values of what the decision sets are not kept;
	 * ts is read below, and both it and compound keep their places. */
	json_object_foreach_safe(rec, tmp, key, val)
		if (in_list(key, decided_fields) && strcmp(key, "ts") && strcmp(key, "compound"))
			json_object_del(rec, key);
	json_object_set(rec, "compound", c->compound);
	out = decide(c, json_incref(rec), ts == c->absent ? NULL : ts, now, why, whylen);
	json_decref(ts);
	return out;
}

/* cg_checkin_note, with the person's key when the caller has it (known:
 * 1, key_in[0] the key; 0, none) or not (-1). */
static void note(struct cg_checkin *c, const json_t *d, int known, const char *key_in)
{
	const struct cg_policy *p = &c->cfg->policy;
	const json_t *temp = json_object_get(d, "temp");
	char own[CG_PERSON_KEY_LEN];
	const char *key = key_in;
	cg_time_t at;
	size_t i;
	json_t *r;
	int held = 0;

	cg_exit_ledger_note(&c->exits, p, d);
	if (!p->remeasure_wait_min || !json_is_number(temp))
		return;
	if (known < 0) {
		known = cg_person_key(d, own) == 0;
		key = own;
	}
	if (!known)
		return;
	if (cg_time_parse(json_string_value(json_object_get(d, "ts")), 0, &at) < 0)
		return;
	/* A high reading that was referred, not denied, awaits its second. */
	json_array_foreach(json_object_get(d, "reasons"), i, r)
		if (!strcmp(json_string_value(r), "remeasure"))
			held = 1;
	if (c->days)
		cg_dayindex_note(c->days, key, at, json_number_value(temp), held);
	if (awaits_second(p, json_number_value(temp), held))
		json_object_set_new(c->first_high, key, json_integer(at));
	else if (c->days)
		json_object_set_new(c->first_high, key, json_false());	/* over the index */
	else
		json_object_del(c->first_high, key);
}

void cg_checkin_note(struct cg_checkin *c, const json_t *d)
{
	note(c, d, -1, NULL);
}

void cg_checkin_note_exit(struct cg_checkin *c, const json_t *d)
{
	cg_exit_ledger_note(&c->exits, &c->cfg->policy, d);
}

cg_time_t cg_checkin_reach(const struct cg_checkin *c)
{
	cg_time_t remeasure = (cg_time_t)c->cfg->policy.remeasure_wait_min * 60,
		  quota = cg_exit_quota_reach(&c->cfg->policy);

	return remeasure > quota ? remeasure : quota;
}
