#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ui/ask.h"
#include "ui/keys.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "core/mask.h"
#include "crypto/passid.h"
#include "crypto/token.h"
#include "rules/validate.h"

#define RED "\033[1;31m"
#define GREEN "\033[1;32m"
#define YELLOW "\033[1;33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* Decisions in the order the shift's summary counts them. */
enum { D_ADMIT, D_DENY, D_REFER, D_COUNT };

struct asker {
	struct cg_checkin *c;
	struct cg_journal *j;
	const struct cg_clock *clock;
	const char *gate;
	int colour;
	struct cg_keys keys;
	json_t *last;		/* the last event registered (remeasure); owned */
	unsigned long decided[D_COUNT];
	unsigned long discarded;
};

/* The entry being asked: the event so far and what the answers chose. */
struct entry {
	json_t *ev;		/* owned */
	int remeasure;		/* the last person again: only the temperature */
	int from_pass;		/* the holder's fields came from a pass */
	int symptoms;		/* the temperature answer asked for symptoms */
};

/* What a question's answer does to the entry. */
enum step_result { ST_NEXT, ST_SKIP, ST_BACK, ST_STOP, ST_EOF };

static void say(const struct asker *a, const char *colour, const char *text)
{
	fprintf(stderr, "  %s%s%s\n", a->colour ? colour : "", text, a->colour ? RESET : "");
}

/*
 * Ask one question.  An empty answer takes the default.  A scanned token
 * may end in a space (base45 has one): it is part of the signed text;
 * anything else loses its trailing spaces.
 */
static enum step_result ask(struct asker *a, const char *question, const char *def,
			    const char *single, const char **answer)
{
	enum cg_key_result r;
	char *s;
	size_t n;

	if (def)
		fprintf(stderr, "> %s [%s]: ", question, _(def));
	else
		fprintf(stderr, "> %s: ", question);
	fflush(stderr);
	r = cg_keys_read(&a->keys, single, answer);
	if (r != CG_KEY_ANSWER)
		return r == CG_KEY_BACK ? ST_BACK : r == CG_KEY_STOP ? ST_STOP : ST_EOF;
	s = (char *)*answer;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ' && !cg_token_is_token(s))
		s[--n] = '\0';
	if (!n && def)
		*answer = def;
	return ST_NEXT;
}

typedef int checker(struct asker *a, const char *answer, json_t **value,
		    const char **why);

static int any_text(struct asker *a, const char *s, json_t **v, const char **why)
{
	(void)a;
	(void)why;
	*v = json_string(s);
	return 0;
}

static int id_no(struct asker *a, const char *s, json_t **v, const char **why)
{
	char out[CG_ID_NO_LEN];

	if (cg_valid_id_no(s, cg_clock_now(a->clock), out, why) < 0)
		return -1;
	*v = json_string(out);
	return 0;
}

static int phone(struct asker *a, const char *s, json_t **v, const char **why)
{
	char out[CG_PHONE_LEN];

	(void)a;
	if (cg_valid_phone(s, out, why) < 0)
		return -1;
	*v = json_string(out);
	return 0;
}

static int household(struct asker *a, const char *s, json_t **v, const char **why)
{
	char out[CG_HOUSEHOLD_LEN];

	if (cg_valid_household(s, a->c->cfg->household, out, why) < 0)
		return -1;
	*v = json_string(out);
	return 0;
}

static int symptoms(struct asker *a, const char *s, json_t **v, const char **why)
{
	/* ASCII and full-width commas, the enumeration comma, spaces. */
	static const char *const seps[] = { "，", "、", ",", " ", NULL };
	const char *p = s;

	(void)a;
	(void)why;
	*v = json_array();
	while (*p) {
		size_t n = 0, skip = 0;

		while (p[n] && !skip) {
			for (int i = 0; seps[i]; i++)
				if (!strncmp(p + n, seps[i], strlen(seps[i])))
					skip = strlen(seps[i]);
			if (!skip)
				n++;
		}
		if (n)
			json_array_append_new(*v, json_stringn(p, n));
		p += n + skip;
	}
	return 0;
}

/*
 * A choice: its code, the keys that pick it alone (a letter and a digit,
 * no Enter on a terminal) and every other word a guard may type for it,
 * English or Chinese, as the translated prompts offer them.
 */
struct choice {
	const char *code, *keys;
	const char *words[6];
};

static const struct choice dirs[] = {
	{ "in", "i1", { "进", "入", "进入", "进门", "进来", NULL } },
	{ "out", "o2", { "出", "外出", "出门", "出去", NULL } },
	{ NULL, NULL, { NULL } }
};

static const struct choice kinds[] = {
	{ "resident", "r1", { "居民", "住户", "业主", NULL } },
	{ "tenant", "t2", { "租户", "租客", NULL } },
	{ "visitor", "v3", { "访客", "来访", "来访人员", NULL } },
	{ "courier", "c4", { "快递", "外卖", "快递外卖", "快递员", "外卖员", NULL } },
	{ "staff", "s5", { "工作人员", "员工", "物业", NULL } },
	{ "vehicle", "a6", { "车辆", "车", "汽车", NULL } },
	{ NULL, NULL, { NULL } }
};

/* The choice s names (its code, a key or a word), or NULL. */
static const struct choice *pick(const char *s, const struct choice *allowed)
{
	for (; allowed->code; allowed++) {
		if (!strcasecmp(s, allowed->code) ||
		    (strlen(s) == 1 && strchr(allowed->keys, s[0])))
			return allowed;
		for (int i = 0; allowed->words[i]; i++)
			if (!strcmp(s, allowed->words[i]))
				return allowed;
	}
	return NULL;
}

static const char *keys_of(const struct choice *c, char *out, size_t len)
{
	size_t n = 0;

	for (; c->code && n + 3 < len; c++) {
		out[n++] = c->keys[0];
		out[n++] = c->keys[1];
	}
	out[n] = '\0';
	return out;
}

/* A single-key question; the choice is stored under field. */
static enum step_result choose(struct asker *a, struct entry *e, const char *field,
			       const char *question, const struct choice *allowed,
			       const char *def)
{
	char keys[32];

	keys_of(allowed, keys, sizeof(keys));
	for (;;) {
		const char *s;
		const struct choice *c;
		enum step_result r = ask(a, question, def, keys, &s);

		if (r != ST_NEXT)
			return r;
		if ((c = pick(s, allowed))) {
			json_object_set_new(e->ev, field, json_string(c->code));
			return ST_NEXT;
		}
		say(a, RED, _("not one of the choices"));
	}
}

/*
 * A question whose answer passes check, stored in the event under field.
 * An empty answer to an optional question stores nothing.
 */
static enum step_result text(struct asker *a, struct entry *e, const char *field,
			     const char *question, int optional, checker *check)
{
	for (;;) {
		const char *s, *why = NULL;
		json_t *v = NULL;
		enum step_result r = ask(a, question, NULL, NULL, &s);

		if (r != ST_NEXT)
			return r;
		if (!*s && optional)
			return ST_NEXT;
		if (*s && check(a, s, &v, &why) == 0) {
			json_object_set_new(e->ev, field, v);
			return ST_NEXT;
		}
		say(a, RED, why ? why : _("an answer is needed"));
	}
}

static const char *str(const json_t *ev, const char *field)
{
	return json_string_value(json_object_get(ev, field));
}

static int is_kind(const struct entry *e, const char *k)
{
	const char *kind = str(e->ev, "kind");

	return kind && !strcmp(kind, k);
}

static int person(const struct entry *e)
{
	return !is_kind(e, "vehicle");
}


static void copy_missing(json_t *to, const json_t *from, const char *const *fields)
{
	for (; *fields; fields++) {
		json_t *v = json_object_get(from, *fields);

		if (v && !json_object_get(to, *fields))
			json_object_set_new(to, *fields, json_deep_copy(v));
	}
}

/* The kind of a pass's holder, from its class; NULL for a class of the
 * office's own (the guard says). */
static const char *kind_of_class(const char *cls)
{
	static const char *const map[][2] = {
		{ "resident", "resident" }, { "returnee", "resident" },
		{ "tenant", "tenant" }, { "temporary", "tenant" },
		{ "visitor", "visitor" }, { "vehicle", "vehicle" },
		{ "staff", "staff" },
	};

	for (size_t i = 0; cls && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(cls, map[i][0]))
			return map[i][1];
	return NULL;
}

/* Who the entry is about, masked, for the guard to compare with the
 * person in front of them. */
static void show_holder(const struct asker *a, const char *label, const json_t *ev)
{
	const char *name = str(ev, "name"), *hh = str(ev, "household"),
		   *plate = str(ev, "plate"), *kind = str(ev, "kind");
	char mname[128] = "", line[512];

	if (name)
		cg_mask_name(name, mname, sizeof(mname));
	snprintf(line, sizeof(line), "%s: %s %s %s", label, mname,
		 hh ? hh : plate ? plate : "", kind ? _(kind) : "");
	say(a, BOLD, line);
}

/*
 * A pass shown, its id typed or its QR code scanned: the holder's fields
 * (those not given already) and kind come from the passbook, which looks
 * the one pass up in the pass index.  The rules still check the pass and
 * that it is this person's.
 */
static void fill_from_pass(struct asker *a, struct entry *e, const char *s)
{
	static const char *const holder[] = {
		"name", "id_no", "phone", "household", "plate", NULL
	};
	struct cg_pass_check pc;
	const char *cls = NULL, *kind;
	char label[64];

	json_object_set_new(e->ev, "pass", json_string(s));
	if (!a->c->pass)
		return;
	cg_pass_check(a->c->pass, s, cg_clock_now(a->clock), &pc);
	if (pc.ev) {
		copy_missing(e->ev, pc.ev, holder);
		cls = str(pc.ev, "class");
		e->from_pass = 1;
	} else if (pc.is_token && pc.reason != CG_PR_MALFORMED &&
		   pc.reason != CG_PR_BAD_SIGNATURE) {
		/* A token the register does not hold (issued elsewhere):
		 * it carries the class and the household or plate. */
		cls = pc.tok.class_;
		if (pc.tok.ref[0] && !json_object_get(e->ev, "household") &&
		    !json_object_get(e->ev, "plate"))
			json_object_set_new(e->ev, strcmp(cls, "vehicle") ? "household" : "plate",
					    json_string(pc.tok.ref));
		e->from_pass = 1;
	}
	kind = kind_of_class(cls);
	if (kind && !json_object_get(e->ev, "kind"))
		json_object_set_new(e->ev, "kind", json_string(kind));
	if (e->from_pass) {
		snprintf(label, sizeof(label), _("pass %s"), pc.pass_id);
		show_holder(a, label, e->ev);
	}
	if (pc.reason != CG_PR_OK)
		say(a, YELLOW, _("pass not valid (unknown, expired, revoked or not theirs)"));
}

/*
 * One strong identifier, whichever the person gives: an ID number, a
 * mobile number, or a pass (its id typed, or a token scanned), each
 * stored in its own field.
 */
static int strong_id(struct asker *a, struct entry *e, const char *s, const char **why)
{
	const char *dummy;
	json_t *v;
	uint64_t id;

	*why = NULL;
	if (strlen(s) >= 15 && id_no(a, s, &v, why) == 0) {
		json_object_set_new(e->ev, "id_no", v);
		return 0;
	}
	if (phone(a, s, &v, &dummy) == 0) {
		json_object_set_new(e->ev, "phone", v);
		return 0;
	}
	if (cg_token_is_token(s) || cg_passid_parse(s, &id) == 0) {
		fill_from_pass(a, e, s);
		return 0;
	}
	if (!*why || strlen(s) < 15)
		*why = _("not an ID number, a mobile number or a pass");
	return -1;
}

/* ---- the questions of an entry, in order; ST_SKIP when one does not
 * apply to it ---- */

static enum step_result ask_dir(struct asker *a, struct entry *e)
{
	return choose(a, e, "dir", _("Direction (i in, o out)"), dirs, "in");
}

static int is_remeasure(const char *s)
{
	return !strcmp(s, "m") || !strcasecmp(s, "remeasure") ||
	       !strcmp(s, "复测") || !strcmp(s, "重测");
}

/* remeasure: the last person registered again, for a new temperature. */
static int remeasure(struct asker *a, struct entry *e)
{
	static const char *const person_fields[] = {
		"kind", "name", "id_no", "phone", "household", "host", "from",
		"pass", "plate", NULL
	};

	if (!a->last) {
		say(a, RED, _("nobody to measure again yet"));
		return -1;
	}
	copy_missing(e->ev, a->last, person_fields);
	e->remeasure = 1;
	show_holder(a, _("measuring again"), e->ev);
	return 0;
}

/*
 * Who: a pass or its QR code (which fills in the holder), an ID or
 * mobile number, a kind, or remeasure; Enter when the person has none.
 */
static enum step_result ask_who(struct asker *a, struct entry *e)
{
	for (;;) {
		const char *s, *why;
		const struct choice *k;
		enum step_result r = ask(a, _("Pass or QR code, ID or mobile number (Enter: none, m: remeasure)"),
					 NULL, NULL, &s);

		if (r != ST_NEXT || !*s)
			return r;
		if (is_remeasure(s)) {
			if (remeasure(a, e) == 0)
				return ST_NEXT;
			continue;
		}
		if ((k = pick(s, kinds))) {
			json_object_set_new(e->ev, "kind", json_string(k->code));
			return ST_NEXT;
		}
		if (strong_id(a, e, s, &why) == 0)
			return ST_NEXT;
		say(a, RED, why);
	}
}

static enum step_result ask_kind(struct asker *a, struct entry *e)
{
	if (json_object_get(e->ev, "kind"))
		return ST_SKIP;
	return choose(a, e, "kind",
		      _("Kind (r resident, t tenant, v visitor, c courier, s staff, a vehicle)"),
		      kinds, "resident");
}

static enum step_result ask_plate(struct asker *a, struct entry *e)
{
	if (person(e) || json_object_get(e->ev, "plate"))
		return ST_SKIP;
	return text(a, e, "plate", _("Plate"), 0, any_text);
}

/* Asked of a person not known from a pass, nor measured again. */
static int unknown_person(const struct entry *e)
{
	return person(e) && !e->from_pass && !e->remeasure;
}

static enum step_result ask_name(struct asker *a, struct entry *e)
{
	if (!unknown_person(e) || json_object_get(e->ev, "name"))
		return ST_SKIP;
	return text(a, e, "name", _("Name"), 1, any_text);
}

static int going_in(const struct entry *e)
{
	return !strcmp(str(e->ev, "dir"), "in");
}

/* The exit quota counts households: going out, the household is needed,
 * or the gate could only refer. */
static enum step_result ask_household(struct asker *a, struct entry *e)
{
	int need = cg_exit_quota_applies(&a->c->cfg->policy, str(e->ev, "kind"), going_in(e));

	if (!person(e) || e->remeasure || json_object_get(e->ev, "household"))
		return ST_SKIP;
	return text(a, e, "household", need ? _("Household, building-unit-room") :
		    _("Household, building-unit-room (optional)"), !need, household);
}

static enum step_result ask_host(struct asker *a, struct entry *e)
{
	if (!is_kind(e, "visitor") || e->remeasure || json_object_get(e->ev, "host"))
		return ST_SKIP;
	return text(a, e, "host", _("Household visited (building-unit-room; optional)"), 1, household);
}

static enum step_result ask_from(struct asker *a, struct entry *e)
{
	if (!unknown_person(e) || json_object_get(e->ev, "from"))
		return ST_SKIP;
	return text(a, e, "from", _("Coming from (city or district; optional)"), 1, any_text);
}

/*
 * A resident or tenant going out must be known by an ID number, a mobile
 * number or a pass, not by a name a guard may mistype or a person may
 * borrow: when none was given, ask for one until it is (an empty answer
 * is not taken).
 */
static enum step_result ask_strong(struct asker *a, struct entry *e)
{
	if (going_in(e) || (!is_kind(e, "resident") && !is_kind(e, "tenant")) ||
	    json_object_get(e->ev, "id_no") || json_object_get(e->ev, "phone") ||
	    json_object_get(e->ev, "pass"))
		return ST_SKIP;
	say(a, YELLOW, _("going out: an ID number, mobile number or pass is needed"));
	for (;;) {
		const char *s, *why;
		enum step_result r = ask(a, _("ID number, mobile number or pass"), NULL, NULL, &s);

		if (r != ST_NEXT)
			return r;
		if (*s && strong_id(a, e, s, &why) == 0)
			return ST_NEXT;
		say(a, RED, *s ? why : _("an answer is needed"));
	}
}

/*
 * The temperature, and on the same line what the guard sees: "n" for no
 * mask, "s" for symptoms to list next.  Three digits are tenths (365 is
 * 36.5), the fastest form on a keypad.  *temp is NULL when none is given.
 */
static int temperature(const char *s, json_t **temp, int *mask, int *sym,
		       const char **why)
{
	char num[16], *end;
	size_t n = 0;
	double t;

	*temp = NULL;
	*mask = 1;
	*sym = 0;
	for (; *s; s++) {
		if (*s == 'n' || *s == 'N')
			*mask = 0;
		else if (*s == 's' || *s == 'S')
			*sym = 1;
		else if (((*s >= '0' && *s <= '9') || *s == '.') && n + 1 < sizeof(num))
			num[n++] = *s;
		else if (*s != ' ')
			goto bad;
	}
	num[n] = '\0';
	if (!n)
		return 0;
	t = strtod(num, &end);
	if (n == 3 && !strchr(num, '.'))
		t /= 10;
	if (*end || t < 20 || t > 50)
		goto bad;
	*temp = json_real(t);
	return 0;
bad:
	*why = _("a temperature in °C, e.g. 36.5 or 365; then n for no mask, s for symptoms");
	return -1;
}

/* Measured going in; going out, only when the guard does.  None going in
 * is taken: the rules refer it (remeasure). */
static enum step_result ask_temp(struct asker *a, struct entry *e)
{
	int in = going_in(e);

	if (!person(e))
		return ST_SKIP;
	fprintf(stderr, "%s\n", _("-- 2. measure --"));
	for (;;) {
		const char *s, *why = NULL;
		json_t *t;
		int mask, sym;
		enum step_result r = ask(a, in ? _("Temperature °C (n: no mask, s: symptoms)") :
					 _("Temperature °C, optional going out (n: no mask, s: symptoms)"),
					 NULL, NULL, &s);

		if (r != ST_NEXT)
			return r;
		if (temperature(s, &t, &mask, &sym, &why) == 0) {
			json_object_del(e->ev, "temp");
			if (t)
				json_object_set_new(e->ev, "temp", t);
			json_object_set_new(e->ev, "mask", json_boolean(mask));
			e->symptoms = sym;
			return ST_NEXT;
		}
		say(a, RED, why);
	}
}

static enum step_result ask_symptoms(struct asker *a, struct entry *e)
{
	if (!e->symptoms)
		return ST_SKIP;
	return text(a, e, "symptoms", _("Symptoms (fever, cough, fatigue...)"), 0, symptoms);
}

typedef enum step_result step_fn(struct asker *a, struct entry *e);

static step_fn *const steps[] = {
	ask_dir, ask_who, ask_kind, ask_plate, ask_name, ask_household,
	ask_host, ask_from, ask_strong, ask_temp, ask_symptoms
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* Ctrl-C or Ctrl-D during an entry: 1 to finish it first, 0 to discard
 * it (x, or Ctrl-C or Ctrl-D again). */
static int finish_or_discard(struct asker *a)
{
	for (;;) {
		const char *s;
		enum step_result r = ask(a, _("An entry is in progress: Enter finishes it, x discards it"),
					 NULL, "x", &s);

		if (r == ST_STOP || r == ST_EOF)
			return 0;
		if (r == ST_NEXT && !*s)
			return 1;
		if (r == ST_NEXT && (!strcasecmp(s, "x") || !strcmp(s, "放弃")))
			return 0;
		say(a, RED, _("not one of the choices"));
	}
}

static struct entry entry_copy(const struct entry *from)
{
	struct entry e = *from;

	e.ev = json_deep_copy(from->ev);
	return e;
}

/*
 * One entry, question by question, each answered state kept so that
 * "back" returns to the question before.  Returns the event (a new
 * reference), or NULL when the shift ends; *last is set when the guard
 * asked to end the shift once this entry is registered.
 */
static json_t *ask_entry(struct asker *a, int *last)
{
	struct entry before[NSTEPS], cur = { json_object(), 0, 0, 0 };
	size_t asked[NSTEPS], depth = 0, i = 0;

	*last = 0;
	fprintf(stderr, "\n%s%s%s\n", a->colour ? BOLD : "", _("-- 1. ask --"), a->colour ? RESET : "");
	json_object_set_new(cur.ev, "gate", json_string(a->gate));
	while (i < NSTEPS) {
		enum step_result r;

		before[depth] = entry_copy(&cur);
		r = steps[i](a, &cur);
		if (r == ST_NEXT || r == ST_SKIP) {
			if (r == ST_NEXT)
				asked[depth++] = i;
			else
				json_decref(before[depth].ev);
			i++;
			continue;
		}
		/* The question not answered leaves the entry as it was. */
		json_decref(cur.ev);
		cur = before[depth];
		if (r == ST_BACK) {
			if (!depth) {
				say(a, YELLOW, _("this is the first question"));
				continue;
			}
			json_decref(cur.ev);
			cur = before[--depth];
			i = asked[depth];
			continue;
		}
		if (r == ST_STOP && !depth && !*last)
			break;
		if (r == ST_STOP && !*last && finish_or_discard(a)) {
			*last = 1;
			continue;
		}
		if (depth || *last) {
			a->discarded++;
			say(a, YELLOW, _("the entry in progress is discarded"));
		}
		*last = 1;
		break;
	}
	for (size_t k = 0; k < depth; k++)
		json_decref(before[k].ev);
	if (i < NSTEPS) {
		json_decref(cur.ev);
		return NULL;
	}
	return cur.ev;
}

static const char *reason_text(const char *code)
{
	static const struct { const char *code, *text; } texts[] = {
		{ "fever", N_("fever: temperature at or above the threshold") },
		{ "remeasure", N_("measure the temperature again") },
		{ "symptoms", N_("symptoms reported") },
		{ "no_mask", N_("no mask") },
		{ "courier", N_("couriers and deliveries wait at the gate") },
		{ "visitor_no_host", N_("visitor without a household to visit") },
		{ "vehicle_unregistered", N_("vehicle without a vehicle pass") },
		{ "no_pass", N_("no valid pass: check with the office") },
		{ "pass_invalid", N_("pass not valid (unknown, expired, revoked or not theirs)") },
		{ "quarantined", N_("under home observation: may not go out") },
		{ "identity_check", N_("check identity: ask for their ID card or pass "
				       "(matched only on a weaker identifier)") },
		{ "risk_area", N_("arriving from a risk area: register for observation") },
		{ "exit_quota", N_("the household's exit quota is used up") },
		{ "household_unknown", N_("the exit quota needs the household: ask for it") },
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(code, texts[i].code))
			return _(texts[i].text);
	return code;
}

static int decision_index(const char *decision)
{
	return !strcmp(decision, "admit") ? D_ADMIT : !strcmp(decision, "deny") ? D_DENY : D_REFER;
}

/*
 * "  36.5 °C  visit until 12:30": what the guard tells the person.  A
 * visit that ends on another day shows its date.
 */
static void verdict_details(const json_t *d, char *out, size_t len)
{
	const json_t *t = json_object_get(d, "temp");
	const char *until = str(d, "visit_until"), *ts = str(d, "ts");
	size_t n = 0;

	out[0] = '\0';
	if (json_is_number(t))
		n = (size_t)snprintf(out, len, "  %.1f °C", json_number_value(t));
	if (until && strlen(until) >= 16 && n < len) {
		char when[20];

		if (ts && !strncmp(ts, until, 10))
			snprintf(when, sizeof(when), "%.5s", until + 11);
		else
			snprintf(when, sizeof(when), "%.10s %.5s", until, until + 11);
		snprintf(out + n, len - n, "  %s", "");
		n += 2;
		snprintf(out + n, len - n, _("visit until %s"), when);
	}
}

static void show(struct asker *a, const json_t *d)
{
	int which = decision_index(str(d, "decision"));
	static const char *const colours[D_COUNT] = { GREEN, RED, YELLOW };
	const char *words[D_COUNT] = { _("ADMIT"), _("DENY"), _("REFER") };
	const char *name = str(d, "name"), *id = str(d, "id_no");
	char mname[128] = "", mid[CG_ID_NO_LEN + 1] = "", details[128];
	size_t i;
	json_t *r;

	if (name)
		cg_mask_name(name, mname, sizeof(mname));
	if (id)
		cg_mask_id_no(id, mid, sizeof(mid));
	verdict_details(d, details, sizeof(details));
	fprintf(stderr, "%s\n%s%s%s  %s%s%s%s\n", _("-- 3. register --"),
		a->colour ? colours[which] : "", words[which], a->colour ? RESET : "",
		mname, *mname && *mid ? " " : "", mid, details);
	json_array_foreach(json_object_get(d, "reasons"), i, r)
		fprintf(stderr, "  - %s\n", reason_text(json_string_value(r)));
	if (json_array_size(json_object_get(d, "cases"))) {
		fprintf(stderr, "    %s", _("cases:"));
		json_array_foreach(json_object_get(d, "cases"), i, r)
			fprintf(stderr, " %s", json_string_value(r));
		fputc('\n', stderr);
	}
	if (json_object_get(d, "next_exit"))
		fprintf(stderr, "  %s %s\n", _("next exit allowed from"), str(d, "next_exit"));
}

static int record(struct asker *a, const json_t *d, struct cg_err *err)
{
	char day[CG_DATE_LEN];
	/* A decision printed unjournaled (--dry-run) is a journal line. */
	struct cg_buf line = CG_BUF_INIT(CG_JOURNAL_MAX_LINE);
	const char *out;
	size_t len;
	int ret = 0;

	if (a->j) {
		cg_time_date(cg_clock_now(a->clock), day);
		if (cg_journal_set_day(a->j, day, err) < 0 ||
		    cg_journal_add(a->j, d, err) < 0 || cg_journal_commit(a->j, err) < 0)
			return -1;
		if (a->j->notice[0]) {
			cg_warning("%s", a->j->notice);
			a->j->notice[0] = '\0';
		}
		out = a->j->committed.buf;
		len = a->j->committed.len;
		/* What the guard types to correct a mistake in it. */
		fprintf(stderr, _("  journaled as %s/%llu; to correct it: cg-checkin --amend %s/%llu --set FIELD=VALUE --reason TEXT\n"),
			day, (unsigned long long)a->j->seq, day, (unsigned long long)a->j->seq);
	} else {
		if (cg_jsonl_dump(d, &line) < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot write a record"));
		out = line.buf;
		len = line.len;
	}
	if (!isatty(STDOUT_FILENO) &&
	    (fwrite(out, 1, len, stdout) != len || fflush(stdout) == EOF))
		ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				   _("cannot write to standard output"));
	cg_buf_release(&line);
	/* The decision is out: compressing finished days never delays it. */
	if (ret == 0 && a->j && cg_journal_tidy_start(a->j, err) < 0) {
		cg_warning("%s", err->msg);
		ret = 0;
	}
	return ret;
}

/* Decide, show and register one event; 0 when it was not a valid one
 * (said), -1 with *err. */
static int register_event(struct asker *a, json_t *ev, struct cg_err *err)
{
	char why[512];
	json_t *d = cg_checkin_decide(a->c, ev, cg_clock_now(a->clock), why, sizeof(why));
	int ret;

	if (!d) {
		cg_mask_message(why, why, sizeof(why));
		say(a, RED, why);
		return 0;
	}
	show(a, d);
	ret = record(a, d, err);
	if (ret == 0)
		a->decided[decision_index(str(d, "decision"))]++;
	json_decref(d);
	return ret;
}

static void summary(const struct asker *a)
{
	unsigned long all = a->decided[D_ADMIT] + a->decided[D_DENY] + a->decided[D_REFER];

	fprintf(stderr, _("\nShift ended at gate '%s': %lu registered (%lu admitted, %lu denied, %lu referred), %lu discarded\n"),
		a->gate, all, a->decided[D_ADMIT], a->decided[D_DENY], a->decided[D_REFER],
		a->discarded);
}

static int check_gate(struct asker *a, struct cg_err *err)
{
	const struct cg_config *cfg = a->c->cfg;
	char why[512];

	if (!a->gate)
		a->gate = json_string_value(json_array_get(cfg->gates, 0));
	if (!a->gate)
		return cg_err_set(err, CG_EXIT_USAGE, _("no gate: use --gate NAME"));
	if (!cg_config_gate(cfg, a->gate)) {
		cg_config_unknown(cfg->gates, _("gate"), a->gate, why, sizeof(why));
		return cg_err_set(err, CG_EXIT_USAGE, "%s", why);
	}
	a->gate = cg_config_gate(cfg, a->gate);
	return 0;
}

int cg_ask_run(struct cg_checkin *c, struct cg_journal *j,
	       const struct cg_clock *clock, const char *gate,
	       struct cg_err *err)
{
	struct asker a = { .c = c, .j = j, .clock = clock, .gate = gate,
			   .colour = isatty(STDERR_FILENO) };
	int ret = CG_EXIT_OK, last = 0;
	json_t *ev;

	if (check_gate(&a, err) < 0)
		return -1;
	fprintf(stderr, _("Gate '%s'. Ctrl-D or Ctrl-C ends the shift; < or Backspace goes back a field.\n"),
		a.gate);
	cg_keys_open(&a.keys);
	while (!last && (ev = ask_entry(&a, &last))) {
		if (register_event(&a, ev, err) < 0) {
			json_decref(ev);
			ret = -1;
			break;
		}
		json_decref(a.last);
		a.last = ev;
	}
	/* Every way out of the session passes here: the terminal as it was. */
	cg_keys_close(&a.keys);
	summary(&a);
	json_decref(a.last);
	return ret;
}
