#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/ask.h"
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

struct asker {
	struct cg_checkin *c;
	struct cg_journal *j;
	const struct cg_clock *clock;
	const char *gate;
	int colour;
	char *line;
	size_t alloc;
};

/* Ask one question; NULL at end of input.  Empty answers take the default. */
static const char *ask(struct asker *a, const char *question, const char *def)
{
	ssize_t n;

	if (def)
		fprintf(stderr, "%s [%s]: ", question, def);
	else
		fprintf(stderr, "%s: ", question);
	fflush(stderr);
	n = getline(&a->line, &a->alloc, stdin);
	if (n < 0)
		return NULL;
	while (n > 0 && (a->line[n - 1] == '\n' || a->line[n - 1] == '\r'))
		a->line[--n] = '\0';
	/* A scanned token may end in a space (base45 has one): it is part
	 * of the signed text.  Anything else loses its trailing spaces. */
	while (n > 0 && a->line[n - 1] == ' ' && !cg_token_is_token(a->line))
		a->line[--n] = '\0';
	if (!n && def)
		return def;
	return a->line;
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

static int temperature(struct asker *a, const char *s, json_t **v, const char **why)
{
	char *end;
	double t = strtod(s, &end);

	(void)a;
	if (end == s || *end || t < 20 || t > 50) {
		*why = _("a temperature in °C, e.g. 36.5");
		return -1;
	}
	*v = json_real(t);
	return 0;
}

static int yes_no(struct asker *a, const char *s, json_t **v, const char **why)
{
	(void)a;
	if (!strcmp(s, "y") || !strcmp(s, "yes") || !strcmp(s, "是") || !strcmp(s, "Y")) {
		*v = json_true();
		return 0;
	}
	if (!strcmp(s, "n") || !strcmp(s, "no") || !strcmp(s, "否") || !strcmp(s, "N")) {
		*v = json_false();
		return 0;
	}
	*why = _("answer y or n");
	return -1;
}

/* A code, or its Chinese name, since a guard may type either. */
struct choice {
	const char *code, *alias;
};

static int one_of(const char *s, const struct choice *allowed, json_t **v,
		  const char **why)
{
	for (; allowed->code; allowed++)
		if (!strcmp(s, allowed->code) || !strcmp(s, allowed->alias)) {
			*v = json_string(allowed->code);
			return 0;
		}
	*why = _("not one of the choices");
	return -1;
}

static int direction(struct asker *a, const char *s, json_t **v, const char **why)
{
	static const struct choice dirs[] = {
		{ "in", "进" }, { "out", "出" }, { NULL, NULL }
	};

	(void)a;
	return one_of(s, dirs, v, why);
}

static int kind(struct asker *a, const char *s, json_t **v, const char **why)
{
	static const struct choice kinds[] = {
		{ "resident", "居民" }, { "tenant", "租户" }, { "visitor", "访客" },
		{ "courier", "快递" }, { "staff", "工作人员" }, { "vehicle", "车辆" },
		{ NULL, NULL }
	};

	(void)a;
	return one_of(s, kinds, v, why);
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
 * Ask until the answer passes check; store it in ev under field.  An empty
 * answer to an optional question stores nothing.  Returns -1 at end of
 * input.
 */
static int field(struct asker *a, json_t *ev, const char *field,
		 const char *question, const char *def, int optional, checker *check)
{
	for (;;) {
		const char *s = ask(a, question, def);
		const char *why = NULL;
		json_t *v = NULL;

		if (!s)
			return -1;
		if (!*s && optional)
			return 0;
		if (*s && check(a, s, &v, &why) == 0) {
			json_object_set_new(ev, field, v);
			return 0;
		}
		fprintf(stderr, "  %s%s%s\n", a->colour ? RED : "",
			why ? why : _("an answer is needed"), a->colour ? RESET : "");
	}
}

/*
 * One strong identifier, whichever the person gives: an ID number, a
 * mobile number, or a pass (its id typed, or a token scanned), each
 * stored in its own field.
 */
static int strong_id(struct asker *a, json_t *ev, const char *s, const char **why)
{
	const char *dummy;
	json_t *v;
	uint64_t id;

	if (strlen(s) >= 15 && id_no(a, s, &v, why) == 0) {
		json_object_set_new(ev, "id_no", v);
		return 0;
	}
	if (phone(a, s, &v, &dummy) == 0) {
		json_object_set_new(ev, "phone", v);
		return 0;
	}
	if (cg_token_is_token(s) || cg_passid_parse(s, &id) == 0) {
		json_object_set_new(ev, "pass", json_string(s));
		return 0;
	}
	if (!*why || strlen(s) < 15)
		*why = _("not an ID number, a mobile number or a pass");
	return -1;
}

/*
 * A resident or tenant going out must be known by an ID number, a mobile
 * number or a pass, not by a name a guard may mistype or a person may
 * borrow: when none was given, ask for one until it is (an empty answer
 * is not taken).  Only end of input leaves without it.
 */
static int ask_strong_id(struct asker *a, json_t *ev, const char *k)
{
	if (strcmp(json_string_value(json_object_get(ev, "dir")), "out") ||
	    (strcmp(k, "resident") && strcmp(k, "tenant")) ||
	    json_object_get(ev, "id_no") || json_object_get(ev, "phone") ||
	    json_object_get(ev, "pass"))
		return 0;
	fprintf(stderr, "  %s%s%s\n", a->colour ? YELLOW : "",
		_("going out: an ID number, mobile number or pass is needed"),
		a->colour ? RESET : "");
	for (;;) {
		const char *s = ask(a, _("ID number, mobile number or pass"), NULL);
		const char *why = NULL;

		if (!s)
			return -1;
		if (*s && strong_id(a, ev, s, &why) == 0)
			return 0;
		fprintf(stderr, "  %s%s%s\n", a->colour ? RED : "",
			why ? why : _("an answer is needed"), a->colour ? RESET : "");
	}
}

static int ask_person(struct asker *a, json_t *ev, const char *k)
{
	/* The exit quota counts households: going out, the household is
	 * needed, or the gate could only refer. */
	int need_household = cg_exit_quota_applies(&a->c->cfg->policy, k,
		!strcmp(json_string_value(json_object_get(ev, "dir")), "in"));

	if (field(a, ev, "name", _("Name"), NULL, 1, any_text) < 0 ||
	    field(a, ev, "id_no", _("ID number (optional)"), NULL, 1, id_no) < 0 ||
	    field(a, ev, "phone", _("Mobile number (optional)"), NULL, 1, phone) < 0 ||
	    field(a, ev, "household", need_household ? _("Household, building-unit-room") :
		  _("Household, building-unit-room (optional)"), NULL, !need_household,
		  household) < 0)
		return -1;
	if (!strcmp(k, "visitor") &&
	    field(a, ev, "host", _("Household visited (building-unit-room; optional)"), NULL, 1, household) < 0)
		return -1;
	if (field(a, ev, "from", _("Coming from (city or district; optional)"), NULL, 1, any_text) < 0 ||
	    field(a, ev, "pass", _("Pass number (optional)"), NULL, 1, any_text) < 0 ||
	    ask_strong_id(a, ev, k) < 0)
		return -1;
	fprintf(stderr, "%s\n", _("-- 2. measure --"));
	if (field(a, ev, "temp", _("Temperature (°C; optional going out)"), NULL, 1, temperature) < 0 ||
	    field(a, ev, "mask", _("Wearing a mask? (y/n)"), "y", 0, yes_no) < 0 ||
	    field(a, ev, "symptoms", _("Symptoms (fever, cough, fatigue...; empty for none)"),
		  NULL, 1, symptoms) < 0)
		return -1;
	return 0;
}

/* One event, asked field by field; NULL at end of input. */
static json_t *ask_event(struct asker *a)
{
	json_t *ev = json_object();
	const char *k;

	fprintf(stderr, "\n%s%s%s\n", a->colour ? BOLD : "",
		_("-- 1. ask --"), a->colour ? RESET : "");
	json_object_set_new(ev, "gate", json_string(a->gate));
	if (field(a, ev, "dir", _("Direction (in/out)"), "in", 0, direction) < 0 ||
	    field(a, ev, "kind", _("Kind (resident/tenant/visitor/courier/staff/vehicle)"),
		  "resident", 0, kind) < 0)
		goto eof;
	k = json_string_value(json_object_get(ev, "kind"));
	if (!strcmp(k, "vehicle")) {
		if (field(a, ev, "plate", _("Plate"), NULL, 0, any_text) < 0)
			goto eof;
	} else if (ask_person(a, ev, k) < 0) {
		goto eof;
	}
	return ev;
eof:
	json_decref(ev);
	return NULL;
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

static void show(struct asker *a, const json_t *d)
{
	const char *decision = json_string_value(json_object_get(d, "decision"));
	const char *name = json_string_value(json_object_get(d, "name"));
	const char *id = json_string_value(json_object_get(d, "id_no"));
	const char *colour = !strcmp(decision, "admit") ? GREEN :
			     !strcmp(decision, "deny") ? RED : YELLOW;
	const char *word = !strcmp(decision, "admit") ? _("ADMIT") :
			   !strcmp(decision, "deny") ? _("DENY") : _("REFER");
	char mname[128] = "", mid[CG_ID_NO_LEN + 1] = "";
	size_t i;
	json_t *r;

	if (name)
		cg_mask_name(name, mname, sizeof(mname));
	if (id)
		cg_mask_id_no(id, mid, sizeof(mid));
	fprintf(stderr, "%s\n%s%s%s  %s %s\n", _("-- 3. register --"),
		a->colour ? colour : "", word, a->colour ? RESET : "", mname, mid);
	json_array_foreach(json_object_get(d, "reasons"), i, r)
		fprintf(stderr, "  - %s\n", reason_text(json_string_value(r)));
	if (json_array_size(json_object_get(d, "cases"))) {
		fprintf(stderr, "    %s", _("cases:"));
		json_array_foreach(json_object_get(d, "cases"), i, r)
			fprintf(stderr, " %s", json_string_value(r));
		fputc('\n', stderr);
	}
	if (json_object_get(d, "next_exit"))
		fprintf(stderr, "  %s %s\n", _("next exit allowed from"),
			json_string_value(json_object_get(d, "next_exit")));
}

static int record(struct asker *a, const json_t *d, struct cg_err *err)
{
	char day[CG_DATE_LEN];
	/* A decision printed unjournaled (--dry-run) is a journal line. */
	struct cg_buf line = CG_BUF_INIT(CG_JOURNAL_MAX_LINE);
	const char *text;
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
		text = a->j->committed.buf;
		len = a->j->committed.len;
		/* What the guard types to correct a mistake in it. */
		fprintf(stderr, _("  journaled as %s/%llu; to correct it: cg-checkin --amend %s/%llu --set FIELD=VALUE --reason TEXT\n"),
			day, (unsigned long long)a->j->seq, day, (unsigned long long)a->j->seq);
	} else {
		if (cg_jsonl_dump(d, &line) < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot write a record"));
		text = line.buf;
		len = line.len;
	}
	if (!isatty(STDOUT_FILENO) &&
	    (fwrite(text, 1, len, stdout) != len || fflush(stdout) == EOF))
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

int cg_ask_run(struct cg_checkin *c, struct cg_journal *j,
	       const struct cg_clock *clock, const char *gate,
	       struct cg_err *err)
{
	struct asker a = { c, j, clock, gate, isatty(STDERR_FILENO), NULL, 0 };
	json_t *ev;
	int ret = CG_EXIT_OK;

	if (!a.gate)
		a.gate = json_string_value(json_array_get(c->cfg->gates, 0));
	if (!a.gate)
		return cg_err_set(err, CG_EXIT_USAGE, _("no gate: use --gate NAME"));
	if (!cg_config_gate(c->cfg, a.gate)) {
		char why[512];

		cg_config_unknown(c->cfg->gates, _("gate"), a.gate, why, sizeof(why));
		return cg_err_set(err, CG_EXIT_USAGE, "%s", why);
	}
	a.gate = cg_config_gate(c->cfg, a.gate);
	fprintf(stderr, _("Gate '%s'. Ctrl-D ends.\n"), a.gate);
	while ((ev = ask_event(&a))) {
		char why[512];
		json_t *d = cg_checkin_decide(c, ev, cg_clock_now(clock), why, sizeof(why));

		json_decref(ev);
		if (!d) {
			cg_mask_message(why, why, sizeof(why));
			fprintf(stderr, "%s%s%s\n", a.colour ? RED : "", why, a.colour ? RESET : "");
			continue;
		}
		show(&a, d);
		ret = record(&a, d, err);
		json_decref(d);
		if (ret < 0)
			break;
	}
	fputc('\n', stderr);
	free(a.line);
	return ret;
}
