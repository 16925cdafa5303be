#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/config.h"
#include "core/clock.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "core/prefix.h"
#include "core/suggest.h"

#ifndef CG_DATADIR
#define CG_DATADIR "/usr/local/share"
#endif

/* config.json: identity, gates, policy and targets, a few KiB; a file
 * larger than this is not a configuration. */
#define CONFIG_FILE_MAX (1024 * 1024)

extern const char cg_default_config[];

static const struct {
	const char *code;
	int denies;
} reasons[CG_R_COUNT] = {
	[CG_R_FEVER] = { "fever", 1 },
	[CG_R_SYMPTOMS] = { "symptoms", 1 },
	[CG_R_NO_MASK] = { "no_mask", 1 },
	[CG_R_COURIER] = { "courier", 1 },
	[CG_R_VISITOR_NO_HOST] = { "visitor_no_host", 1 },
	[CG_R_VEHICLE_UNREGISTERED] = { "vehicle_unregistered", 1 },
	[CG_R_PASS_INVALID] = { "pass_invalid", 1 },
	[CG_R_QUARANTINED] = { "quarantined", 1 },
	[CG_R_IDENTITY_CHECK] = { "identity_check", 0 },
	[CG_R_REMEASURE] = { "remeasure", 0 },
	[CG_R_NO_PASS] = { "no_pass", 0 },
	[CG_R_RISK_AREA] = { "risk_area", 0 },
	[CG_R_EXIT_QUOTA] = { "exit_quota", 1 },
	[CG_R_HOUSEHOLD_UNKNOWN] = { "household_unknown", 0 },
};

const char *cg_reason_code(enum cg_reason r)
{
	return (unsigned)r < CG_R_COUNT ? reasons[r].code : NULL;
}

int cg_reason_denies(enum cg_reason r)
{
	return (unsigned)r < CG_R_COUNT && reasons[r].denies;
}

/*
 * The shape every configuration must have is the shape of the shipped
 * defaults: the same keys with values of the same JSON types.  Overlaying
 * a user's file therefore validates it too.
 */
static int same_kind(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return 1;
	if (json_is_boolean(a) && json_is_boolean(b))
		return 1;
	return json_typeof(a) == json_typeof(b);
}

static int overlay(json_t *base, json_t *over, char *path, size_t pathlen,
		   const char *label, struct cg_err *err)
{
	const char *key;
	json_t *val;
	size_t used = strlen(path);
	/*
	 * An office may define pass classes and upstream targets of its own;
	 * read_passes and read_targets check their shape.  path is made of
	 * keys of the defaults here (only they are descended into), which
	 * have no dots, so it names these objects and nothing else.  The
	 * "duty" plan is cg-duty's to check (rules/duty.h).
	 */
	int open = !strcmp(path, "passes.classes") || !strcmp(path, "targets") ||
		   !strcmp(path, "policy.gate_duty") || !strcmp(path, "duty");

	json_object_foreach(over, key, val) {
		json_t *cur = json_object_get(base, key);

		snprintf(path + used, pathlen - used, "%s%s", used ? "." : "", key);
		if (!cur && open) {
			json_object_set(base, key, val);
			path[used] = '\0';
			continue;
		}
		if (!cur)
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: unknown key '%s'"), label, path);
		if (!same_kind(cur, val))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: '%s' has the wrong type"), label, path);
		if (json_is_object(cur)) {
			if (overlay(cur, val, path, pathlen, label, err) < 0)
				return -1;
		} else {
			json_object_set(base, key, val);
		}
		path[used] = '\0';
	}
	return 0;
}

static int get_num(const json_t *obj, const char *key, double lo, double hi,
		   double *out, const char *section, const char *label,
		   struct cg_err *err)
{
	double v = json_number_value(json_object_get(obj, key));

	if (!(v >= lo && v <= hi))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: '%s.%s' must be between %g and %g"),
				  label, section, key, lo, hi);
	*out = v;
	return 0;
}

static int get_int(const json_t *obj, const char *key, int lo, int hi,
		   int *out, const char *section, const char *label,
		   struct cg_err *err)
{
	double v;

	if (get_num(obj, key, lo, hi, &v, section, label, err) < 0)
		return -1;
	if (v != (int)v)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: '%s.%s' must be a whole number"), label, section, key);
	*out = (int)v;
	return 0;
}

static int all_strings(const json_t *arr, const char *what, const char *label,
		       struct cg_err *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!json_is_string(v) || !json_string_length(v))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: '%s' must be a list of names"), label, what);
	return 0;
}

/* An array of non-empty strings. */
static int names_only(const json_t *arr)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, v)
		if (!json_is_string(v) || !json_string_length(v))
			return 0;
	return 1;
}

int cg_config_hhmm(const json_t *v, int *minutes)
{
	unsigned h, m;
	char extra;
	const char *s = json_string_value(v);

	if (!s || sscanf(s, "%2u:%2u%c", &h, &m, &extra) != 2 || m > 59 ||
	    h * 60 + m > 24 * 60)
		return -1;
	*minutes = (int)(h * 60 + m);
	return 0;
}

/* policy.exit_quota: {"persons": N, "days": N, "hours": N}; persons 0 is off. */
static int read_exit_quota(const json_t *pol, struct cg_policy *p, const char *label,
			   struct cg_err *err)
{
	const json_t *q = json_object_get(pol, "exit_quota");

	return get_int(q, "persons", 0, 100, &p->exit_quota_persons,
		       "policy.exit_quota", label, err) < 0 ||
	       get_int(q, "days", 1, 30, &p->exit_quota_days,
		       "policy.exit_quota", label, err) < 0 ||
	       get_int(q, "hours", 1, 24 * 30, &p->exit_quota_hours,
		       "policy.exit_quota", label, err) < 0 ? -1 : 0;
}

/* The reasons with a switch of their own, not in policy.rules. */
static const unsigned own_switch = (1u << CG_R_NO_PASS) | (1u << CG_R_PASS_INVALID) |
				   (1u << CG_R_IDENTITY_CHECK) | (1u << CG_R_EXIT_QUOTA) |
				   (1u << CG_R_HOUSEHOLD_UNKNOWN);

/* [start, end] of a duty (start before end) or a night (any two). */
static int parse_span(const json_t *v, int night, int *start, int *end)
{
	if (json_array_size(v) != 2 || cg_config_hhmm(json_array_get(v, 0), start) < 0 ||
	    cg_config_hhmm(json_array_get(v, 1), end) < 0)
		return -1;
	return night || *start < *end ? 0 : -1;
}

/* duty with what over (an object of the shape of a gate_duty entry,
 * already checked) sets. */
static void duty_overlay(struct cg_duty *d, const json_t *over)
{
	const json_t *v;

	if ((v = json_object_get(over, "duty_hours")))
		parse_span(v, 0, &d->start_min, &d->end_min);
	if ((v = json_object_get(over, "night_hours")))
		parse_span(v, 1, &d->night_start_min, &d->night_end_min);
	if (json_is_integer(v = json_object_get(over, "duty_gap_max_min")))
		d->gap_max_min = (int)json_integer_value(v);
	if (json_is_integer(v = json_object_get(over, "night_gap_max_min")))
		d->night_gap_max_min = (int)json_integer_value(v);
}

void cg_config_gate_duty(const struct cg_config *cfg, const char *gate, struct cg_duty *d)
{
	const struct cg_policy *p = &cfg->policy;

	d->start_min = p->duty_start_min;
	d->end_min = p->duty_end_min;
	d->gap_max_min = p->duty_gap_max_min;
	d->night_start_min = p->night_start_min;
	d->night_end_min = p->night_end_min;
	d->night_gap_max_min = p->night_gap_max_min;
	duty_overlay(d, json_object_get(p->gate_duty, gate));
}

/* policy.gate_duty: gate -> {duty_hours, duty_gap_max_min, night_hours,
 * night_gap_max_min}, each optional. */
static int read_gate_duty(struct cg_policy *p, const char *label, struct cg_err *err)
{
	const char *gate, *key;
	json_t *o, *v;
	int a, b;

	json_object_foreach((json_t *)p->gate_duty, gate, o) {
		if (!json_is_object(o))
			goto bad;
		json_object_foreach(o, key, v) {
			if (!strcmp(key, "duty_hours") || !strcmp(key, "night_hours")) {
				if (parse_span(v, key[0] == 'n', &a, &b) < 0)
					goto bad;
			} else if (!strcmp(key, "duty_gap_max_min") ||
				   !strcmp(key, "night_gap_max_min")) {
				if (!json_is_integer(v) || json_integer_value(v) < 1 ||
				    json_integer_value(v) > 24 * 60)
					goto bad;
			} else {
				goto bad;
			}
		}
	}
	return 0;
bad:
	return cg_err_set(err, CG_EXIT_SYSTEM,
			  _("%s: 'policy.gate_duty.%s' must be an object of duty_hours, "
			    "duty_gap_max_min, night_hours and night_gap_max_min"), label, gate);
}

static int read_policy(struct cg_config *cfg, const char *label, struct cg_err *err)
{
	const json_t *pol = json_object_get(cfg->root, "policy");
	const json_t *rules = json_object_get(pol, "rules");
	const json_t *duty = json_object_get(pol, "duty_hours");
	struct cg_policy *p = &cfg->policy;
	const char *key;
	json_t *val;

	if (get_num(pol, "fever_threshold", 35, 43, &p->fever_threshold, "policy", label, err) < 0 ||
	    get_num(pol, "temp_min", 25, 45, &p->temp_min, "policy", label, err) < 0 ||
	    get_num(pol, "temp_max", 25, 45, &p->temp_max, "policy", label, err) < 0 ||
	    get_int(pol, "remeasure_wait_min", 0, 24 * 60, &p->remeasure_wait_min,
		    "policy", label, err) < 0 ||
	    get_int(pol, "visit_max_min", 1, 7 * 24 * 60, &p->visit_max_min,
		    "policy", label, err) < 0 ||
	    get_int(pol, "visit_grace_min", 0, 24 * 60, &p->visit_grace_min,
		    "policy", label, err) < 0 ||
	    get_int(pol, "late_grace_min", 0, 7 * 24 * 60, &p->late_grace_min,
		    "policy", label, err) < 0 ||
	    get_int(pol, "duty_gap_max_min", 1, 24 * 60, &p->duty_gap_max_min,
		    "policy", label, err) < 0 ||
	    read_exit_quota(pol, p, label, err) < 0 ||
	    get_int(pol, "night_gap_max_min", 1, 24 * 60, &p->night_gap_max_min,
		    "policy", label, err) < 0)
		return -1;
	if (parse_span(json_object_get(pol, "night_hours"), 1, &p->night_start_min,
		       &p->night_end_min) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'policy.night_hours' must be [\"HH:MM\", \"HH:MM\"]"), label);
	p->gate_duty = json_object_get(pol, "gate_duty");
	if (read_gate_duty(p, label, err) < 0)
		return -1;
	if (p->temp_min >= p->temp_max)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'policy.temp_min' must be below 'policy.temp_max'"), label);
	p->pass_check = json_is_true(json_object_get(pol, "pass_check"));
	p->risk_areas = json_object_get(pol, "risk_areas");
	if (all_strings(p->risk_areas, "policy.risk_areas", label, err) < 0)
		return -1;
	if (json_array_size(duty) != 2 ||
	    cg_config_hhmm(json_array_get(duty, 0), &p->duty_start_min) < 0 ||
	    cg_config_hhmm(json_array_get(duty, 1), &p->duty_end_min) < 0 ||
	    p->duty_start_min >= p->duty_end_min)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'policy.duty_hours' must be [\"HH:MM\", \"HH:MM\"], start before end"),
				  label);
	/* Pass checking and the exit quota have their own switches;
	 * identity_check goes with both pass_check and quarantined.  The
	 * rules table holds the rest. */
	p->rules = own_switch;
	json_object_foreach((json_t *)rules, key, val) {
		int r;

		for (r = 0; r < CG_R_COUNT; r++)
			if (!strcmp(key, reasons[r].code))
				break;
		if (r == CG_R_COUNT || (1u << r) & own_switch)
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: unknown key 'policy.rules.%s'"), label, key);
		if (json_is_true(val))
			p->rules |= 1u << r;
	}
	return 0;
}

static int read_quarantine(struct cg_config *cfg, const char *label, struct cg_err *err)
{
	const json_t *q = json_object_get(cfg->root, "quarantine");
	const json_t *windows = json_object_get(q, "check_windows");
	struct cg_quarantine_policy *p = &cfg->quarantine;
	size_t i;
	json_t *w;

	if (get_int(q, "days", 1, 365, &p->days, "quarantine", label, err) < 0 ||
	    get_int(q, "min_days", 1, 365, &p->min_days, "quarantine", label, err) < 0 ||
	    get_int(q, "lost_after_days", 1, 365, &p->lost_after_days, "quarantine", label, err) < 0 ||
	    get_int(q, "release_checks_normal", 0, 100, &p->release_checks_normal,
		    "quarantine", label, err) < 0)
		return -1;
	p->release_needs_final_day_check =
		json_is_true(json_object_get(q, "release_needs_final_day_check"));
	if (p->min_days > p->days)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'quarantine.min_days' must not exceed 'quarantine.days'"), label);
	p->nwindows = (int)json_array_size(windows);
	if (p->nwindows > CG_MAX_CHECK_WINDOWS)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'quarantine.check_windows' has more than %d windows"),
				  label, CG_MAX_CHECK_WINDOWS);
	json_array_foreach(windows, i, w) {
		int *start = &p->window_start_min[i], *end = &p->window_end_min[i];

		if (json_array_size(w) != 2 ||
		    cg_config_hhmm(json_array_get(w, 0), start) < 0 ||
		    cg_config_hhmm(json_array_get(w, 1), end) < 0 || *start >= *end ||
		    (i > 0 && *start < p->window_end_min[i - 1]))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: 'quarantine.check_windows' must be [[\"HH:MM\", \"HH:MM\"], ...] in order, without overlap"),
					  label);
	}
	return 0;
}

static int read_trace(struct cg_config *cfg, const char *label, struct cg_err *err)
{
	const json_t *t = json_object_get(cfg->root, "trace");
	struct cg_trace_policy *p = &cfg->trace;

	if (get_int(t, "days", 1, 60, &p->days, "trace", label, err) < 0 ||
	    get_int(t, "window_min", 0, 24 * 60, &p->window_min, "trace", label, err) < 0)
		return -1;
	p->households = json_is_true(json_object_get(t, "households"));
	p->staff = json_is_true(json_object_get(t, "staff"));
	p->couriers = json_is_true(json_object_get(t, "couriers"));
	return 0;
}

static int read_passes(struct cg_config *cfg, const char *label, struct cg_err *err)
{
	const json_t *classes = json_object_get(json_object_get(cfg->root, "passes"), "classes");
	const char *name;
	json_t *cls;
	int days;

	json_object_foreach((json_t *)classes, name, cls) {
		char section[96];
		const json_t *colour = json_object_get(cls, "colour");

		snprintf(section, sizeof(section), "passes.classes.%s", name);
		if (!json_is_object(cls) || json_object_size(cls) != 2 ||
		    !json_is_string(colour) || !json_string_length(colour))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: '%s' must be {\"colour\": NAME, \"days\": N}"),
					  label, section);
		if (get_int(cls, "days", 1, 3660, &days, section, label, err) < 0)
			return -1;
	}
	cfg->pass_classes = classes;
	return 0;
}

/* Upstream targets of cg-sync: "targets": {"NAME": {"url": ..., ...}}. */
static int read_targets(struct cg_config *cfg, const char *label, struct cg_err *err)
{
	const json_t *targets = json_object_get(cfg->root, "targets");
	const char *name, *key;
	json_t *t, *v;

	json_object_foreach((json_t *)targets, name, t) {
		char section[96];
		const char *url = json_string_value(json_object_get(t, "url"));
		int n;

		snprintf(section, sizeof(section), "targets.%s", name);
		if (!*name || name[0] == '.' || strlen(name) > 63 ||
		    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789-_.") != strlen(name))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: '%s': a target name is letters, digits, '-', '_' or '.'"),
					  label, section);
		if (!json_is_object(t) || !url ||
		    (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: '%s' needs \"url\": \"http(s)://...\""), label, section);
		json_object_foreach(t, key, v) {
			int ok;

			if (!strcmp(key, "url"))
				ok = 1;
			else if (!strcmp(key, "format"))
				ok = json_is_string(v) &&
					(!strcmp(json_string_value(v), "ndjson") ||
					 !strcmp(json_string_value(v), "clickhouse") ||
					 !strcmp(json_string_value(v), "es-bulk"));
			else if (!strcmp(key, "table") || !strcmp(key, "token_file") ||
				 !strcmp(key, "redact_key_file"))
				ok = json_is_string(v);
			else if (!strcmp(key, "redact"))
				ok = json_is_boolean(v);
			else if (!strcmp(key, "allow_fields"))
				ok = names_only(v);
			else if (!strcmp(key, "headers")) {
				const char *h;
				json_t *hv;

				ok = json_is_object(v);
				json_object_foreach(v, h, hv)
					if (!json_is_string(hv) || !*h || strpbrk(h, ":\r\n") ||
					    strpbrk(json_string_value(hv), "\r\n"))
						ok = 0;
			} else if (!strcmp(key, "batch_records")) {
				if (get_int(t, key, 1, 1000000, &n, section, label, err) < 0)
					return -1;
				ok = 1;
			} else if (!strcmp(key, "batch_bytes")) {
				if (get_int(t, key, 1024, 1 << 30, &n, section, label, err) < 0)
					return -1;
				ok = 1;
			} else if (!strcmp(key, "gzip_level")) {
				if (get_int(t, key, 0, 9, &n, section, label, err) < 0)
					return -1;
				ok = 1;
			} else if (!strcmp(key, "follow_interval_ms")) {
				if (get_int(t, key, 10, 3600000, &n, section, label, err) < 0)
					return -1;
				ok = 1;
			} else {
				return cg_err_set(err, CG_EXIT_SYSTEM, _("%s: unknown key '%s.%s'"),
						  label, section, key);
			}
			if (!ok)
				return cg_err_set(err, CG_EXIT_SYSTEM, _("%s: '%s.%s' has the wrong type"),
						  label, section, key);
		}
	}
	return 0;
}

/* ASCII letters without case: gate names are typed at a gate. */
static int same_ignoring_case(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

int cg_config_gate_name_ok(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	if (!*s || strlen(name) > CG_GATE_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s == 0x7f || strchr(",\"'\\/", *s))
			return 0;
	return 1;
}

/* gates: names a guard can type and a list can hold, none twice (they
 * compare without case, as cg_config_gate does). */
static int read_gates(const json_t *gates, const char *label, struct cg_err *err)
{
	size_t i, k;
	json_t *v;

	if (all_strings(gates, "gates", label, err) < 0)
		return -1;
	json_array_foreach(gates, i, v) {
		const char *name = json_string_value(v);

		if (!cg_config_gate_name_ok(name))
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("%s: 'gates': bad gate name '%s' (at most %d bytes, "
					    "without spaces, commas, quotes or slashes)"),
					  label, name, CG_GATE_NAME_MAX);
		for (k = 0; k < i; k++)
			if (same_ignoring_case(json_string_value(json_array_get(gates, k)), name))
				return cg_err_set(err, CG_EXIT_SYSTEM,
						  _("%s: 'gates': gate '%s' named twice"),
						  label, name);
	}
	return 0;
}

/* A street or district code goes on every row upstream: one word. */
static int code_bad(const char *s)
{
	return strlen(s) > 63 || strpbrk(s, " \t\r\n\"\\'") != NULL;
}

static int read_identity(struct cg_config *cfg, const char *label, struct cg_err *err)
{
	const json_t *comp = json_object_get(cfg->root, "compound");
	const char *hh;

	cfg->compound_code = json_string_value(json_object_get(comp, "code"));
	cfg->compound_name = json_string_value(json_object_get(comp, "name"));
	/* The code goes into record ids upstream: keep it plain. */
	if (!cfg->compound_code || !*cfg->compound_code ||
	    strspn(cfg->compound_code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789-_.") != strlen(cfg->compound_code))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'compound.code' must be letters, digits, '-', '_' or '.'"),
				  label);
	hh = json_string_value(json_object_get(comp, "household"));
	if (!hh || cg_household_form_parse(hh, &cfg->household) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'compound.household' must be \"building-unit-room\", \"building-room\" or \"any\""),
				  label);
	cfg->compound_tz = json_string_value(json_object_get(comp, "tz"));
	cfg->street_code = json_string_value(json_object_get(comp, "street"));
	cfg->district_code = json_string_value(json_object_get(comp, "district"));
	if (code_bad(cfg->street_code) || code_bad(cfg->district_code))
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("%s: 'compound.street' and 'compound.district' must be codes of at most 63 bytes without spaces or quotes"),
				  label);
	cfg->gates = json_object_get(cfg->root, "gates");
	return read_gates(cfg->gates, label, err);
}

/* One layer of configuration text laid over cfg->root. */
static int lay_over(struct cg_config *cfg, const char *text, size_t len,
		    const char *label, struct cg_err *err)
{
	json_error_t jerr;
	json_t *over;
	char path[256] = "";
	int ret;

	over = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!over)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("%s:%d: %s"),
				  label, jerr.line, jerr.text);
	if (!json_is_object(over)) {
		json_decref(over);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("%s: not a JSON object"), label);
	}
	ret = overlay(cfg->root, over, path, sizeof(path), label, err);
	json_decref(over);
	return ret;
}

/* The layers that are there (sys: the installed defaults) over the
 * built-in ones, then checked as a whole. */
static int parse_into(struct cg_config *cfg, const struct cg_layer *sys,
		      const char *text, size_t len, const char *label, struct cg_err *err)
{
	json_error_t jerr;

	memset(cfg, 0, sizeof(*cfg));
	cfg->root = json_loads(cg_default_config, 0, &jerr);
	if (!cfg->root)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("built-in configuration is invalid: %s"), jerr.text);
	if (sys && sys->text && lay_over(cfg, sys->text, sys->len, sys->path, err) < 0)
		return -1;
	if (text && lay_over(cfg, text, len, label, err) < 0)
		return -1;
	if (read_identity(cfg, label, err) < 0 || read_policy(cfg, label, err) < 0 ||
	    read_quarantine(cfg, label, err) < 0 || read_trace(cfg, label, err) < 0 ||
	    read_passes(cfg, label, err) < 0 ||
	    read_targets(cfg, label, err) < 0)
		return -1;
	return 0;
}

int cg_config_parse_layers(struct cg_config *cfg, const struct cg_layer *sys,
			   const char *text, size_t len, const char *label,
			   struct cg_err *err)
{
	if (parse_into(cfg, sys, text, len, label, err) < 0) {
		cg_config_release(cfg);
		return -1;
	}
	return 0;
}

int cg_config_parse(struct cg_config *cfg, const char *text, size_t len,
		    const char *label, struct cg_err *err)
{
	return cg_config_parse_layers(cfg, NULL, text, len, label, err);
}

/* One candidate for the installed defaults: 0 read (or not there: then
 * l->text stays NULL), -1 with *err. */
static int read_layer(const char *path, struct cg_layer *l, struct cg_err *err)
{
	int st;

	snprintf(l->path, sizeof(l->path), "%s", path);
	st = cg_read_file(AT_FDCWD, path, CONFIG_FILE_MAX, &l->text, &l->len, path, err);
	return st == -1 ? -1 : 0;
}

int cg_config_system(struct cg_layer *l, struct cg_err *err)
{
	char path[sizeof(l->path)];

	memset(l, 0, sizeof(*l));
	if (cg_beside_program("../share/cg/config.json", path, sizeof(path)) == 0 &&
	    (read_layer(path, l, err) < 0 || l->text))
		return l->text ? 0 : -1;
	return read_layer(CG_DATADIR "/cg/config.json", l, err);
}

void cg_layer_release(struct cg_layer *l)
{
	free(l->text);
	l->text = NULL;
}

/* compound.tz made the process's zone; its error names the key. */
static int set_zone(const struct cg_config *cfg, const char *label, struct cg_err *err)
{
	char why[sizeof(err->msg)];

	if (cg_clock_set_zone(cfg->compound_tz, err) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", err->msg);
	return cg_err_set(err, CG_EXIT_SYSTEM, _("%s: 'compound.tz': %s"), label, why);
}

int cg_config_load(struct cg_config *cfg, const struct cg_home *h,
		   struct cg_err *err)
{
	struct cg_layer sys;
	char *text = NULL;
	size_t len = 0;
	int st = -2, ret;

	memset(cfg, 0, sizeof(*cfg));
	if (cg_config_system(&sys, err) < 0)
		return -1;
	if (h) {
		st = cg_read_file(h->fd, "config.json", CONFIG_FILE_MAX, &text, &len,
				  "config.json", err);
		if (st == -1) {
			cg_layer_release(&sys);
			return -1;
		}
	}
	ret = cg_config_parse_layers(cfg, &sys, st == 0 ? text : NULL, len, "config.json", err);
	cg_layer_release(&sys);
	free(text);
	if (ret == 0 && set_zone(cfg, "config.json", err) < 0) {
		cg_config_release(cfg);
		return -1;
	}
	return ret;
}

int cg_config_check(const char *text, size_t len, const char *label, struct cg_err *err)
{
	struct cg_config cfg;
	struct cg_layer sys;
	int ret;

	if (cg_config_system(&sys, err) < 0)
		return -1;
	ret = cg_config_parse_layers(&cfg, &sys, text, len, label, err);
	cg_layer_release(&sys);
	if (ret < 0)
		return -1;
	ret = set_zone(&cfg, label, err);
	cg_config_release(&cfg);
	return ret;
}

void cg_config_release(struct cg_config *cfg)
{
	json_decref(cfg->root);
	memset(cfg, 0, sizeof(*cfg));
}

const char *cg_config_gate(const struct cg_config *cfg, const char *gate)
{
	size_t i;
	json_t *v;

	if (!json_array_size(cfg->gates))
		return gate;
	json_array_foreach(cfg->gates, i, v)
		if (!strcmp(json_string_value(v), gate))
			return json_string_value(v);
	json_array_foreach(cfg->gates, i, v)
		if (same_ignoring_case(json_string_value(v), gate))
			return json_string_value(v);
	return NULL;
}

int cg_config_has_gate(const struct cg_config *cfg, const char *gate)
{
	return cg_config_gate(cfg, gate) != NULL;
}

#define CHOICES_MAX 64

void cg_config_unknown(const json_t *set, const char *what, const char *value,
		       char *why, size_t whylen)
{
	const char *names[CHOICES_MAX], *key, *near;
	char list[256];
	size_t n = 0, i;
	json_t *v;

	if (json_is_array(set)) {
		json_array_foreach(set, i, v)
			if (n < CHOICES_MAX && json_is_string(v))
				names[n++] = json_string_value(v);
	} else if (json_is_object(set)) {
		json_object_foreach((json_t *)set, key, v)
			if (n < CHOICES_MAX)
				names[n++] = key;
	}
	cg_choices_join(names, n, list, sizeof(list));
	near = cg_suggest(value, names, n);
	if (near)
		snprintf(why, whylen, _("unknown %s '%s' (%s); did you mean '%s'?"),
			 what, value, list, near);
	else
		snprintf(why, whylen, _("unknown %s '%s' (%s)"), what, value, list);
}
