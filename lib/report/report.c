/*
 * The daily report: counters fed record by record (check-in decisions,
 * pass and case events), then one JSON object.  See report.h, and
 * cg-report(1) for what every figure means.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/casebook.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "core/mask.h"
#include "rules/passbook.h"
#include "rules/person.h"
#include "rules/quarantine.h"
#include "report/report.h"
#include "json/scan.h"
#include "rules/validate.h"

/* ---- the fields a report reads ---- */

enum {
	K_TS, K_COMPOUND, K_GATE, K_DIR, K_KIND, K_DECISION, K_REASONS, K_TEMP,
	K_VISIT_UNTIL, K_NAME, K_ID_NO, K_PHONE, K_HOUSEHOLD, K_HOST, K_PLATE,
	K_EVENT, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"ts", "compound", "gate", "dir", "kind", "decision", "reasons", "temp",
	"visit_until", "name", "id_no", "phone", "household", "host", "plate",
	"event"
};

static const char *const kinds[] = {
	"resident", "tenant", "visitor", "courier", "staff", "vehicle"
};
#define NKINDS 6
#define KIND_VISITOR 2

static const char *const decisions[] = { "admit", "deny", "refer" };
enum { D_ADMIT, D_DENY, D_REFER };

static const char *const case_events[] = {
	"open", "check", "escalate", "alert", "release", "close", "extend",
	"need", "need_done", NULL
};

/* A field as either path saw it; strings are their decoded bytes. */
struct field {
	enum cg_scan_type type;
	const char *p;
	size_t len;
};

/* A check-in line, from the scanner or from Jansson: the same either way. */
struct view {
	struct field f[K_COUNT];
	double temp;		/* when f[K_TEMP] is a number */
	size_t nreasons;
	struct field reasons[CG_REPORT_MAX_REASONS];
	int too_many_reasons;
};

/* ---- local time, cached per quarter hour ---- */

struct ltcache {
	int64_t slot;
	int32_t day;
	int32_t base;
	int valid;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Local day of t and seconds since local midnight (wall clock). */
static void local_of(struct ltcache *c, cg_time_t t, int32_t *day, int *sec)
{
	int64_t slot = floor_div(t, 900);
	struct tm tm;
	time_t tt;

	if (c->valid && slot == c->slot) {
		*day = c->day;
		*sec = c->base + (int)(t - slot * 900);
		return;
	}
	/* Every real offset is a multiple of 15 minutes, and so is every
	 * change of offset: within a quarter hour local time runs evenly. */
	tt = (time_t)(slot * 900);
	if (!localtime_r(&tt, &tm) || tm.tm_gmtoff % 900) {
		tt = (time_t)t;
		c->valid = 0;
		if (!localtime_r(&tt, &tm)) {
			*day = 0;
			*sec = 0;
			return;
		}
		*day = (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		*sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
		return;
	}
	c->slot = slot;
	c->day = (int32_t)cg_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	c->base = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	c->valid = 1;
	*day = c->day;
	*sec = c->base + (int)(t - slot * 900);
}

static cg_time_t day_start(int32_t day)
{
	int y, m, d;

	cg_civil_from_days(day, &y, &m, &d);
	return cg_date_start(y, m, d);
}

/* Local time of minute (0-1440) of day. */
static cg_time_t local_at(int32_t day, int minute)
{
	char buf[40], date[CG_DATE_LEN];
	cg_time_t t;

	if (minute >= 24 * 60)
		return day_start(day + 1);
	cg_day_format(day, date);
	snprintf(buf, sizeof(buf), "%sT%02d:%02d:00", date, minute / 60, minute % 60);
	if (cg_time_parse(buf, 1, &t) < 0)
		return day_start(day) + minute * 60;
	return t;
}

/* ---- gates ---- */

#define DAY_MINUTES 1500	/* 25 hours: the longest local day */

/* When a gate saw events on one day: per minute since local midnight,
 * the first and last second (0xFF: none). */
struct daymap {
	int32_t day;
	cg_time_t start;
	unsigned char first[DAY_MINUTES], last[DAY_MINUTES];
};

struct gate {
	char name[CG_REPORT_GATE_LEN];
	size_t len;
	unsigned long in, out, dec[3];
	unsigned long reasons[CG_R_COUNT];
	unsigned long hours_in[24], hours_out[24];
	cg_time_t first, last;
	int any;
	struct daymap **days;
	size_t ndays, alloc;
	size_t last_day;	/* index of the day used last */
	/* filled at the end */
	long longest;		/* minutes, -1 when no duty time was looked at */
	cg_time_t gap_from, gap_to;
};

/* ---- visitors ---- */

/*
 * An admitted visitor with a visit_until, until an exit is matched.  A
 * visitor is found again by any of up to three identity keys (ID number,
 * phone, name with the household visited), hashed.  Visits whose exit came
 * in time are dropped at the next sweep; so are, as overstays, those whose
 * visit ended more than a day before the latest record read, which keeps
 * the table at about a day's visitors however long the input.
 */
struct visit {
	uint64_t key[3];
	int nkeys;
	uint64_t id;		/* hash of the ID number, 0 none */
	cg_time_t at, until, out_at;
	int state;		/* 0 inside, 1 left in time, 2 left late */
	int gate;
	char name[40], phone[CG_PHONE_LEN], id_no[CG_ID_NO_LEN], host[27];
};

struct cg_report {
	struct cg_report_opts o;
	const struct cg_config *cfg;
	struct cg_scan_keys keys;
	struct ltcache lt;
	int fixed;		/* the period was given */
	int32_t since, until;	/* when fixed, else the records' range */
	int32_t min_day, max_day;
	cg_time_t period_start, period_end;	/* when fixed */
	cg_time_t watermark;	/* latest check-in time read */

	unsigned long events, in, out, dec[3];
	unsigned long reasons[CG_R_COUNT];
	unsigned long kinds[NKINDS];
	unsigned long unknown, outside, rejected, foreign;
	unsigned long checkins, pass_events, case_events;
	char foreign_code[64];

	struct gate *gates[CG_REPORT_MAX_GATES];
	size_t ngates, last_gate;
	size_t daymaps;		/* minute maps of all gates */

	unsigned long temps[CG_TEMP_BINS], temps_below, temps_above, measured;

	json_t *fevers, *denials, *overstays;
	unsigned long fevers_n, denials_n;
	unsigned long omit_fevers, omit_denials, omit_overstays;

	unsigned long visitors_in, visitors_refused, visitors_out;
	unsigned long overstay_n;
	struct visit *visits;
	size_t nvisits, avisits, sweep_at;
	uint64_t *map_key;
	uint32_t *map_val;
	size_t map_size;

	struct cg_casebook cases;
	struct cg_passbook passes;
	unsigned long opened, escalated, released, closed, extended;
	unsigned long checks, alerts, needs, needs_done;
	json_t *issued;		/* class -> count in the period */
	unsigned long revoked;

	json_t *journals, *warnings;

	/* Person fields found valid (the same people come again and again):
	 * the field, the value as read and its normal form. */
	struct known {
		unsigned char field, len;
		char raw[30];
		char norm[32];
	} known[16384];
};

/* ---- small helpers ---- */

static char *copy_str(const struct field *f, char *buf, size_t size)
{
	size_t n = f->len < size - 1 ? f->len : size - 1;

	/* Never cut a UTF-8 sequence in two. */
	if (n < f->len)
		while (n > 0 && ((unsigned char)f->p[n] & 0xC0) == 0x80)
			n--;
	memcpy(buf, f->p, n);
	buf[n] = '\0';
	return buf;
}

/* A value for a message: at most 63 bytes, "..." when cut, control
 * characters as '?' (a message goes to a terminal). */
static const char *shown(const struct field *f, char *buf, size_t size)
{
	copy_str(f, buf, size < 64 ? size : 64);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	if (strlen(buf) < f->len && strlen(buf) + 4 <= size)
		strcat(buf, "...");
	return buf;
}

static int field_is(const struct field *f, const char *s)
{
	size_t i;

	if (f->type != CG_SCAN_STRING)
		return 0;
	for (i = 0; i < f->len; i++)
		if (f->p[i] != s[i])
			return 0;
	return s[i] == '\0';
}

static int index_of(const struct field *f, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (field_is(f, list[i]))
			return i;
	return -1;
}

static uint64_t hash(const char *tag, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *tag; tag++)
		h = (h ^ (unsigned char)*tag) * 0x100000001b3ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* ---- setting up ---- */

static struct gate *gate_new(struct cg_report *r, const char *name, size_t len)
{
	struct gate *g;

	if (r->ngates == CG_REPORT_MAX_GATES || !(g = calloc(1, sizeof(*g))))
		return NULL;
	memcpy(g->name, name, len);
	g->name[len] = '\0';
	g->len = len;
	g->longest = -1;
	r->gates[r->ngates++] = g;
	return g;
}

struct cg_report *cg_report_new(const struct cg_report_opts *o)
{
	struct cg_report *r = calloc(1, sizeof(*r));
	size_t i;
	json_t *g;

	if (!r)
		return NULL;
	r->o = *o;
	r->cfg = o->cfg;
	cg_scan_keys_init(&r->keys, key_names, K_COUNT);
	r->fixed = o->since != CG_REPORT_NO_DAY;
	r->since = o->since;
	r->until = o->until;
	r->min_day = INT32_MAX;
	r->max_day = INT32_MIN;
	if (r->fixed) {
		r->period_start = day_start(r->since);
		r->period_end = day_start(r->until + 1);
	}
	r->fevers = json_array();
	r->denials = json_array();
	r->overstays = json_array();
	r->issued = json_object();
	r->journals = json_array();
	r->warnings = json_array();
	r->sweep_at = 16384;
	cg_casebook_init(&r->cases);
	cg_passbook_init(&r->passes);
	/* The configured gates come first, in their order, events or not. */
	json_array_foreach(r->cfg->gates, i, g) {
		const char *s = json_string_value(g);

		if (s && strlen(s) < CG_REPORT_GATE_LEN)
			gate_new(r, s, strlen(s));
	}
	return r;
}

void cg_report_free(struct cg_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ngates; i++) {
		for (size_t d = 0; d < r->gates[i]->ndays; d++)
			free(r->gates[i]->days[d]);
		free(r->gates[i]->days);
		free(r->gates[i]);
	}
	json_decref(r->fevers);
	json_decref(r->denials);
	json_decref(r->overstays);
	json_decref(r->issued);
	json_decref(r->journals);
	json_decref(r->warnings);
	free(r->visits);
	free(r->map_key);
	free(r->map_val);
	cg_casebook_release(&r->cases);
	cg_passbook_release(&r->passes);
	free(r);
}

/* ---- the two ways to a view ---- */

/*
 * A number the scanner accepted, as strtod() reads it: with at most 15
 * digits the digits are an exact double and so is the power of ten, and
 * one division rounds their quotient correctly, as strtod does.
 */
static double number(const char *p, size_t len)
{
	static const double tens[] = {
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
		1e13, 1e14, 1e15
	};
	char buf[48];
	int64_t n = 0;
	int digits = 0, frac = -1, neg = 0;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '-')
			neg = 1;
		else if (c == '.')
			frac = 0;
		else {
			n = n * 10 + (c - '0');
			if (n)
				digits++;
			if (frac >= 0)
				frac++;
		}
		if (digits > 15 || frac > 15)
			goto slow;
	}
	if (frac < 0)
		frac = 0;
	if (neg && !n)
		goto slow;	/* -0 */
	return (neg ? -(double)n : (double)n) / tens[frac];
slow:
	memcpy(buf, p, len);
	buf[len] = '\0';
	return strtod(buf, NULL);
}

static void fast_view(struct view *v, const struct cg_scan_val *vals)
{
	for (int k = 0; k < K_COUNT; k++) {
		v->f[k].type = vals[k].type;
		v->f[k].p = vals[k].p;
		v->f[k].len = vals[k].len;
	}
	v->temp = 0;
	if (vals[K_TEMP].type == CG_SCAN_NUMBER)
		v->temp = number(vals[K_TEMP].p, vals[K_TEMP].len);
	v->nreasons = 0;
	v->too_many_reasons = 0;
	if (vals[K_REASONS].type == CG_SCAN_ARRAY) {
		struct cg_scan_val e;
		size_t pos = 0;

		while (cg_scan_array_next(&vals[K_REASONS], &pos, &e)) {
			if (v->nreasons == CG_REPORT_MAX_REASONS) {
				v->too_many_reasons = 1;
				break;
			}
			v->reasons[v->nreasons].type = e.type;
			v->reasons[v->nreasons].p = e.p;
			v->reasons[v->nreasons].len = e.len;
			v->nreasons++;
		}
	}
}

static void json_field(struct field *f, const json_t *j)
{
	f->p = NULL;
	f->len = 0;
	switch (json_typeof(j)) {
	case JSON_STRING:
		f->type = CG_SCAN_STRING;
		f->p = json_string_value(j);
		f->len = json_string_length(j);
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		f->type = CG_SCAN_NUMBER;
		break;
	case JSON_TRUE: f->type = CG_SCAN_TRUE; break;
	case JSON_FALSE: f->type = CG_SCAN_FALSE; break;
	case JSON_NULL: f->type = CG_SCAN_NULL; break;
	case JSON_ARRAY: f->type = CG_SCAN_ARRAY; break;
	default: f->type = CG_SCAN_OBJECT; break;
	}
}

static void slow_view(struct view *v, const json_t *rec)
{
	const json_t *j;

	for (int k = 0; k < K_COUNT; k++) {
		j = json_object_get(rec, key_names[k]);
		if (j)
			json_field(&v->f[k], j);
		else
			v->f[k] = (struct field){ CG_SCAN_ABSENT, NULL, 0 };
	}
	j = json_object_get(rec, "temp");
	v->temp = json_is_number(j) ? json_number_value(j) : 0;
	v->nreasons = 0;
	v->too_many_reasons = 0;
	j = json_object_get(rec, "reasons");
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			if (v->nreasons == CG_REPORT_MAX_REASONS) {
				v->too_many_reasons = 1;
				break;
			}
			json_field(&v->reasons[v->nreasons++], json_array_get(j, i));
		}
	}
}

/* ---- checking a check-in ---- */

struct checkin {
	cg_time_t at;
	int32_t day;
	int sec;
	char gate[CG_REPORT_GATE_LEN];
	size_t gate_len;
	int in, kind, decision;
	unsigned reasons;
	int has_temp;
	double temp;
	int has_until;
	cg_time_t until;
	const struct field *name, *plate;
	char id_no[CG_ID_NO_LEN], phone[CG_PHONE_LEN];
	char household[CG_HOUSEHOLD_LEN], host[CG_HOUSEHOLD_LEN];
	int has_compound;
	char compound[64];
};

static int bad(char *why, size_t whylen, const char *fmt, const char *a)
{
	snprintf(why, whylen, fmt, a);
	return 1;
}

/* A string field: absent is fine unless required; other types are not. */
static int want_string(const struct view *v, int k, int required, char *why, size_t whylen)
{
	const struct field *f = &v->f[k];

	if (f->type == CG_SCAN_ABSENT)
		return required ? bad(why, whylen, _("missing field '%s'"), key_names[k]) : 0;
	if (f->type != CG_SCAN_STRING)
		return bad(why, whylen, _("'%s' must be a string"), key_names[k]);
	if (!f->len)
		return bad(why, whylen, _("'%s' must not be empty"), key_names[k]);
	return 0;
}

static int want_time(const struct view *v, int k, int required, cg_time_t *t,
		     char *why, size_t whylen)
{
	char buf[64], show[80];

	if (want_string(v, k, required, why, whylen))
		return 1;
	if (v->f[k].type == CG_SCAN_ABSENT)
		return 0;
	if (v->f[k].len >= sizeof(buf) ||
	    cg_time_parse(copy_str(&v->f[k], buf, sizeof(buf)), 0, t) < 0) {
		snprintf(why, whylen, _("'%s' is not an RFC 3339 time: '%s'"), key_names[k],
			 shown(&v->f[k], show, sizeof(show)));
		return 1;
	}
	return 0;
}

/* An identifying field, checked and normalised as cg-checkin does. */
static int want_person(struct cg_report *r, const struct view *v, int k,
		       char *out, char *why, size_t whylen)
{
	char buf[128], masked[64];
	const char *reason;

	struct known *slot = NULL;

	out[0] = '\0';
	if (want_string(v, k, 0, why, whylen))
		return 1;
	if (v->f[k].type == CG_SCAN_ABSENT)
		return 0;
	if (v->f[k].len <= sizeof(slot->raw)) {
		uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)k;

		for (size_t i = 0; i < v->f[k].len; i++)
			h = (h ^ (unsigned char)v->f[k].p[i]) * 0x100000001b3ULL;
		slot = &r->known[(h ^ h >> 29) & 16383];
		if (slot->field == k + 1 && slot->len == v->f[k].len &&
		    !memcmp(slot->raw, v->f[k].p, v->f[k].len)) {
			memcpy(out, slot->norm, strlen(slot->norm) + 1);
			return 0;
		}
	}
	copy_str(&v->f[k], buf, sizeof(buf));
	if (v->f[k].len >= sizeof(buf) || cg_person_field_valid(key_names[k], buf, r->o.now, out, &reason) < 0) {
		if (v->f[k].len >= sizeof(buf))
			reason = _("too long");
		/* No full ID or phone number in messages. */
		if (k == K_ID_NO)
			cg_mask_id_no(buf, masked, sizeof(masked));
		else if (k == K_PHONE)
			cg_mask_phone(buf, masked, sizeof(masked));
		else
			shown(&v->f[k], masked, sizeof(masked));
		snprintf(why, whylen, _("invalid %s '%s': %s"), key_names[k], masked, reason);
		out[0] = '\0';
		return 1;
	}
	if (slot && strlen(out) < sizeof(slot->norm)) {
		slot->field = (unsigned char)(k + 1);
		slot->len = (unsigned char)v->f[k].len;
		memcpy(slot->raw, v->f[k].p, v->f[k].len);
		memcpy(slot->norm, out, strlen(out) + 1);
	}
	return 0;
}

static int check_checkin(struct cg_report *r, const struct view *v, struct checkin *c,
			 char *why, size_t whylen)
{
	char show[80];

	memset(c, 0, sizeof(*c));
	if (want_time(v, K_TS, 1, &c->at, why, whylen) ||
	    want_string(v, K_GATE, 1, why, whylen) ||
	    want_string(v, K_DIR, 1, why, whylen) ||
	    want_string(v, K_KIND, 1, why, whylen) ||
	    want_string(v, K_DECISION, 1, why, whylen))
		return 1;
	if (v->f[K_GATE].len >= CG_REPORT_GATE_LEN)
		return bad(why, whylen, _("'%s' is too long"), "gate");
	c->gate_len = v->f[K_GATE].len;
	memcpy(c->gate, v->f[K_GATE].p, c->gate_len);
	c->gate[c->gate_len] = '\0';
	if (field_is(&v->f[K_DIR], "in"))
		c->in = 1;
	else if (!field_is(&v->f[K_DIR], "out"))
		return bad(why, whylen, _("'dir' must be \"in\" or \"out\", not '%s'"),
			   shown(&v->f[K_DIR], show, sizeof(show)));
	if ((c->kind = index_of(&v->f[K_KIND], kinds, NKINDS)) < 0)
		return bad(why, whylen,
			   _("unknown kind '%s' (resident, tenant, visitor, courier, staff, vehicle)"),
			   shown(&v->f[K_KIND], show, sizeof(show)));
	if ((c->decision = index_of(&v->f[K_DECISION], decisions, 3)) < 0)
		return bad(why, whylen, _("'decision' must be admit, deny or refer, not '%s'"),
			   shown(&v->f[K_DECISION], show, sizeof(show)));
	if (v->f[K_REASONS].type == CG_SCAN_ABSENT)
		return bad(why, whylen, _("missing field '%s'"), "reasons");
	if (v->f[K_REASONS].type != CG_SCAN_ARRAY)
		return bad(why, whylen, _("'%s' must be an array of strings"), "reasons");
	if (v->too_many_reasons)
		return bad(why, whylen, _("more than %s reasons"), "16");
	for (size_t i = 0; i < v->nreasons; i++) {
		const struct field *e = &v->reasons[i];
		int code = -1;

		if (e->type != CG_SCAN_STRING)
			return bad(why, whylen, _("'%s' must be an array of strings"), "reasons");
		for (int k = 0; k < CG_R_COUNT && code < 0; k++)
			if (field_is(e, cg_reason_code(k)))
				code = k;
		if (code < 0)
			return bad(why, whylen, _("unknown reason '%s'"), shown(e, show, sizeof(show)));
		c->reasons |= 1u << code;
	}
	if (v->f[K_TEMP].type != CG_SCAN_ABSENT) {
		if (v->f[K_TEMP].type != CG_SCAN_NUMBER)
			return bad(why, whylen, _("'%s' must be a number"), "temp");
		c->has_temp = 1;
		c->temp = v->temp;
	}
	if (want_time(v, K_VISIT_UNTIL, 0, &c->until, why, whylen))
		return 1;
	c->has_until = v->f[K_VISIT_UNTIL].type != CG_SCAN_ABSENT;
	if (want_string(v, K_NAME, 0, why, whylen) || want_string(v, K_PLATE, 0, why, whylen) ||
	    want_string(v, K_COMPOUND, 0, why, whylen) ||
	    want_person(r, v, K_ID_NO, c->id_no, why, whylen) ||
	    want_person(r, v, K_PHONE, c->phone, why, whylen) ||
	    want_person(r, v, K_HOUSEHOLD, c->household, why, whylen) ||
	    want_person(r, v, K_HOST, c->host, why, whylen))
		return 1;
	c->name = v->f[K_NAME].type == CG_SCAN_STRING ? &v->f[K_NAME] : NULL;
	c->plate = v->f[K_PLATE].type == CG_SCAN_STRING ? &v->f[K_PLATE] : NULL;
	if (v->f[K_COMPOUND].type == CG_SCAN_STRING) {
		c->has_compound = 1;
		copy_str(&v->f[K_COMPOUND], c->compound, sizeof(c->compound));
	}
	return 0;
}

/* ---- counting a check-in ---- */

static struct gate *gate_of(struct cg_report *r, const char *name, size_t len)
{
	struct gate *g;

	if (r->last_gate < r->ngates) {
		g = r->gates[r->last_gate];
		if (g->len == len && !memcmp(g->name, name, len))
			return g;
	}
	for (size_t i = 0; i < r->ngates; i++) {
		g = r->gates[i];
		if (g->len == len && !memcmp(g->name, name, len)) {
			r->last_gate = i;
			return g;
		}
	}
	if (!(g = gate_new(r, name, len)))
		return NULL;
	r->last_gate = r->ngates - 1;
	return g;
}

/* Minute maps in all (3 kB each): a period of years at many gates is
 * refused rather than let grow. */
#define DAYMAPS_MAX 8192

static struct daymap *daymap_of(struct cg_report *r, struct gate *g, int32_t day)
{
	struct daymap *m;

	if (g->last_day < g->ndays && g->days[g->last_day]->day == day)
		return g->days[g->last_day];
	for (size_t i = 0; i < g->ndays; i++)
		if (g->days[i]->day == day) {
			g->last_day = i;
			return g->days[i];
		}
	if (g->ndays == g->alloc) {
		size_t alloc = g->alloc ? g->alloc * 2 : 4;
		struct daymap **d = realloc(g->days, alloc * sizeof(*d));

		if (!d)
			return NULL;
		g->days = d;
		g->alloc = alloc;
	}
	if (r->daymaps >= DAYMAPS_MAX || !(m = malloc(sizeof(*m))))
		return NULL;
	r->daymaps++;
	m->day = day;
	m->start = day_start(day);
	memset(m->first, 0xFF, sizeof(m->first));
	memset(m->last, 0xFF, sizeof(m->last));
	g->last_day = g->ndays;
	g->days[g->ndays++] = m;
	return m;
}

static int mark_time(struct cg_report *r, struct gate *g, int32_t day, cg_time_t at)
{
	struct daymap *m = daymap_of(r, g, day);
	int64_t e;
	int min, sec;

	if (!m)
		return -1;
	e = at - m->start;
	if (e < 0 || e >= DAY_MINUTES * 60)
		return 0;
	min = (int)(e / 60);
	sec = (int)(e % 60);
	if (m->first[min] == 0xFF) {
		m->first[min] = m->last[min] = (unsigned char)sec;
	} else {
		if (sec < m->first[min])
			m->first[min] = (unsigned char)sec;
		if (sec > m->last[min])
			m->last[min] = (unsigned char)sec;
	}
	return 0;
}

/* The person fields of a list entry, masked unless asked otherwise. */
static void person_fields(struct cg_report *r, json_t *e, const struct checkin *c)
{
	char buf[256];

	if (c->name) {
		copy_str(c->name, buf, sizeof(buf));
		if (r->o.mask) {
			char m[256];

			json_object_set_new(e, "name", json_string(cg_mask_name(buf, m, sizeof(m))));
		} else {
			json_object_set_new(e, "name", json_string(buf));
		}
	}
	if (c->id_no[0])
		json_object_set_new(e, "id_no", json_string(r->o.mask ?
				    cg_mask_id_no(c->id_no, buf, sizeof(buf)) : c->id_no));
	if (c->phone[0])
		json_object_set_new(e, "phone", json_string(r->o.mask ?
				    cg_mask_phone(c->phone, buf, sizeof(buf)) : c->phone));
	if (c->household[0])
		json_object_set_new(e, "household", json_string(c->household));
	if (c->host[0])
		json_object_set_new(e, "host", json_string(c->host));
	if (c->plate)
		json_object_set_new(e, "plate", json_string(copy_str(c->plate, buf, sizeof(buf))));
}

static json_t *reason_list(unsigned bits)
{
	json_t *a = json_array();

	for (int i = 0; i < CG_R_COUNT; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(cg_reason_code(i)));
	return a;
}

static void list_entry(struct cg_report *r, json_t *list, const struct checkin *c)
{
	json_t *e = json_object();

	cg_json_set_time(e, "ts", c->at);
	json_object_set_new(e, "gate", json_string(c->gate));
	json_object_set_new(e, "dir", json_string(c->in ? "in" : "out"));
	json_object_set_new(e, "kind", json_string(kinds[c->kind]));
	person_fields(r, e, c);
	if (c->has_temp)
		json_object_set_new(e, "temp", json_real(c->temp));
	json_object_set_new(e, "decision", json_string(decisions[c->decision]));
	json_object_set_new(e, "reasons", reason_list(c->reasons));
	json_array_append_new(list, e);
}

/* ---- visitors ---- */

static void map_put(struct cg_report *r, uint64_t key, uint32_t val)
{
	size_t mask = r->map_size - 1, i = (size_t)key & mask;

	while (r->map_key[i] && r->map_key[i] != key)
		i = (i + 1) & mask;
	r->map_key[i] = key;
	r->map_val[i] = val;
}

static int map_get(const struct cg_report *r, uint64_t key, uint32_t *val)
{
	size_t mask, i;

	if (!r->map_size)
		return 0;
	mask = r->map_size - 1;
	for (i = (size_t)key & mask; r->map_key[i]; i = (i + 1) & mask)
		if (r->map_key[i] == key) {
			*val = r->map_val[i];
			return 1;
		}
	return 0;
}

/* Make the index fit n visits (load at most a half) and fill it anew. */
static int map_rebuild(struct cg_report *r, size_t n)
{
	size_t size = 1024;

	while (size < 4 * n)	/* up to three keys a visit: load <= 3/4 */
		size *= 2;
	if (size != r->map_size) {
		uint64_t *k = calloc(size, sizeof(*k));
		uint32_t *v = calloc(size, sizeof(*v));

		if (!k || !v) {
			free(k);
			free(v);
			return -1;
		}
		free(r->map_key);
		free(r->map_val);
		r->map_key = k;
		r->map_val = v;
		r->map_size = size;
	} else {
		memset(r->map_key, 0, size * sizeof(*r->map_key));
	}
	for (size_t i = 0; i < r->nvisits; i++)
		for (int k = 0; k < r->visits[i].nkeys; k++)
			map_put(r, r->visits[i].key[k], (uint32_t)i);
	return 0;
}

static void overstay(struct cg_report *r, const struct visit *v)
{
	json_t *e;

	r->overstay_n++;
	if (json_array_size(r->overstays) >= CG_REPORT_LIST_MAX) {
		r->omit_overstays++;
		return;
	}
	e = json_object();
	cg_json_set_time(e, "ts", v->at);
	json_object_set_new(e, "gate", json_string(r->gates[v->gate]->name));
	if (v->name[0])
		json_object_set_new(e, "name", json_string(v->name));
	if (v->id_no[0])
		json_object_set_new(e, "id_no", json_string(v->id_no));
	if (v->phone[0])
		json_object_set_new(e, "phone", json_string(v->phone));
	if (v->host[0])
		json_object_set_new(e, "host", json_string(v->host));
	cg_json_set_time(e, "visit_until", v->until);
	if (v->state == 2)
		cg_json_set_time(e, "out", v->out_at);
	else
		json_object_set_new(e, "out", json_null());
	json_array_append_new(r->overstays, e);
}

#define VISITS_MAX 65536

static int by_until(const void *a, const void *b)
{
	const struct visit *x = a, *y = b;

	return (x->until > y->until) - (x->until < y->until);
}

/*
 * Drop visits that left in time, and settle as overstays those that left
 * late or whose visit ended a day before the latest record (no exit can
 * still be on its way).  Past VISITS_MAX visits still open, those whose
 * visit ended before the latest record are settled too, earliest first:
 * the memory stays bounded whatever the input.  With all set, settle
 * every visit against cutoff.
 */
static int sweep(struct cg_report *r, int all, cg_time_t cutoff, unsigned long *inside)
{
	size_t keep = 0, k = 0;

	for (size_t i = 0; i < r->nvisits; i++) {
		struct visit *v = &r->visits[i];

		if (v->state == 1)
			continue;
		if (v->state == 2 || (all && v->until < cutoff) ||
		    (!all && v->until < r->watermark - 86400)) {
			overstay(r, v);
			continue;
		}
		if (all) {
			(*inside)++;
			continue;
		}
		r->visits[keep++] = *v;
	}
	r->nvisits = keep;
	if (all)
		return 0;
	if (keep > VISITS_MAX) {
		qsort(r->visits, keep, sizeof(*r->visits), by_until);
		while (keep - k > VISITS_MAX / 2 && r->visits[k].until < r->watermark)
			overstay(r, &r->visits[k++]);
		memmove(r->visits, r->visits + k, (keep - k) * sizeof(*r->visits));
		r->nvisits = keep -= k;
	}
	r->sweep_at = keep + 16384;
	return map_rebuild(r, keep);
}

static int person_keys(const struct checkin *c, uint64_t key[3], uint64_t *id)
{
	char buf[320], name[256];
	int n = 0;

	*id = 0;
	if (c->id_no[0]) {
		key[n++] = *id = hash("i:", c->id_no);
	}
	if (c->phone[0])
		key[n++] = hash("p:", c->phone);
	if (c->name && (c->host[0] || c->household[0])) {
		copy_str(c->name, name, sizeof(name));
		snprintf(buf, sizeof(buf), "%s@%s", name, c->host[0] ? c->host : c->household);
		key[n++] = hash("n:", buf);
	}
	return n;
}

static int visitor_in(struct cg_report *r, const struct checkin *c, int gate)
{
	struct visit *v;
	char buf[256];

	if (r->nvisits >= r->sweep_at && sweep(r, 0, 0, NULL) < 0)
		return -1;
	if (r->nvisits == r->avisits) {
		size_t alloc = r->avisits ? r->avisits * 2 : 256;
		struct visit *p = realloc(r->visits, alloc * sizeof(*p));

		if (!p)
			return -1;
		r->visits = p;
		r->avisits = alloc;
	}
	if (r->nvisits >= r->map_size / 4 && map_rebuild(r, r->nvisits * 2 + 1) < 0)
		return -1;
	v = &r->visits[r->nvisits];
	memset(v, 0, sizeof(*v));
	v->nkeys = person_keys(c, v->key, &v->id);
	v->at = c->at;
	v->until = c->until;
	v->gate = gate;
	if (c->name) {
		copy_str(c->name, buf, sizeof(buf));
		if (r->o.mask)
			cg_mask_name(buf, v->name, sizeof(v->name));
		else
			copy_str(c->name, v->name, sizeof(v->name));
	}
	if (c->phone[0]) {
		if (r->o.mask)
			cg_mask_phone(c->phone, v->phone, sizeof(v->phone));
		else
			snprintf(v->phone, sizeof(v->phone), "%s", c->phone);
	}
	if (c->id_no[0]) {
		if (r->o.mask)
			cg_mask_id_no(c->id_no, v->id_no, sizeof(v->id_no));
		else
			snprintf(v->id_no, sizeof(v->id_no), "%s", c->id_no);
	}
	/* A normal household is at most 26 characters (8-8-8). */
	memcpy(v->host, c->host, sizeof(v->host) - 1);
	v->host[sizeof(v->host) - 1] = '\0';
	for (int k = 0; k < v->nkeys; k++)
		map_put(r, v->key[k], (uint32_t)r->nvisits);
	r->nvisits++;
	return 0;
}

static void visitor_out(struct cg_report *r, const struct checkin *c)
{
	uint64_t key[3], id;
	int n = person_keys(c, key, &id);
	uint32_t i;

	for (int k = 0; k < n; k++) {
		struct visit *v;

		if (!map_get(r, key[k], &i) || i >= r->nvisits)
			continue;
		v = &r->visits[i];
		if (v->state || (id && v->id && id != v->id) || c->at < v->at)
			continue;
		v->state = c->at <= v->until ? 1 : 2;
		v->out_at = c->at;
		return;
	}
}

/* ---- one check-in ---- */

static int in_period(struct cg_report *r, int32_t day)
{
	if (r->fixed)
		return day >= r->since && day <= r->until;
	if (day < r->min_day)
		r->min_day = day;
	if (day > r->max_day)
		r->max_day = day;
	return 1;
}

static int count_checkin(struct cg_report *r, const struct checkin *c, struct cg_err *err)
{
	const struct cg_policy *p = &r->cfg->policy;
	struct gate *g;
	int32_t day;
	int sec, hour, fever;

	local_of(&r->lt, c->at, &day, &sec);
	if (!in_period(r, day)) {
		r->outside++;
		return 0;
	}
	if (!(g = gate_of(r, c->gate, c->gate_len)))
		return cg_err_set(err, CG_EXIT_SYSTEM, _("more than %d gates"), CG_REPORT_MAX_GATES);
	r->checkins++;
	r->events++;
	if (c->at > r->watermark)
		r->watermark = c->at;
	hour = sec / 3600;
	if (hour > 23)
		hour = 23;
	if (c->in) {
		r->in++;
		g->in++;
		g->hours_in[hour]++;
	} else {
		r->out++;
		g->out++;
		g->hours_out[hour]++;
	}
	r->dec[c->decision]++;
	g->dec[c->decision]++;
	r->kinds[c->kind]++;
	for (int i = 0; i < CG_R_COUNT; i++)
		if (c->reasons & (1u << i)) {
			r->reasons[i]++;
			g->reasons[i]++;
		}
	if (!g->any || c->at < g->first)
		g->first = c->at;
	if (!g->any || c->at > g->last)
		g->last = c->at;
	g->any = 1;
	if (mark_time(r, g, day, c->at) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("more than %d gate-days: report a shorter period (--since, --until)"),
				  DAYMAPS_MAX);
	if (c->has_compound && strcmp(c->compound, r->cfg->compound_code)) {
		if (!r->foreign++)
			snprintf(r->foreign_code, sizeof(r->foreign_code), "%s", c->compound);
	}

	if (c->has_temp) {
		/* A reading far out of range must not reach lround(). */
		long bin = c->temp < 30 ? -1 : c->temp > 50 ? CG_TEMP_BINS :
			   lround(c->temp * 10) - CG_TEMP_FROM10;

		r->measured++;
		if (bin < 0)
			r->temps_below++;
		else if (bin >= CG_TEMP_BINS)
			r->temps_above++;
		else
			r->temps[bin]++;
	}
	fever = (c->reasons & (1u << CG_R_FEVER)) ||
		(c->has_temp && c->temp >= p->fever_threshold && c->temp <= p->temp_max);
	if (fever) {
		if (json_array_size(r->fevers) < CG_REPORT_LIST_MAX)
			list_entry(r, r->fevers, c);
		else
			r->omit_fevers++;
		r->fevers_n++;
	} else if (c->decision == D_DENY) {
		if (json_array_size(r->denials) < CG_REPORT_LIST_MAX)
			list_entry(r, r->denials, c);
		else
			r->omit_denials++;
		r->denials_n++;
	}

	if (c->kind == KIND_VISITOR) {
		if (!c->in) {
			r->visitors_out++;
			visitor_out(r, c);
		} else if (c->decision == D_ADMIT) {
			r->visitors_in++;
			if (c->has_until && visitor_in(r, c, (int)r->last_gate) < 0)
				return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		} else {
			r->visitors_refused++;
		}
	}
	return 0;
}

/* ---- pass and case events ---- */

static int string_of(const json_t *rec, const char *key, const char **out,
		     char *why, size_t whylen)
{
	const json_t *v = json_object_get(rec, key);

	*out = NULL;
	if (!v)
		return bad(why, whylen, _("missing field '%s'"), key);
	if (!json_is_string(v))
		return bad(why, whylen, _("'%s' must be a string"), key);
	if (!json_string_length(v))
		return bad(why, whylen, _("'%s' must not be empty"), key);
	*out = json_string_value(v);
	return 0;
}

static int event_time(struct cg_report *r, const json_t *rec, cg_time_t *at,
		      int32_t *day, char *why, size_t whylen)
{
	const char *ts;
	int sec;

	if (string_of(rec, "ts", &ts, why, whylen))
		return 1;
	if (cg_time_parse(ts, 0, at) < 0) {
		char show[80];
		struct field f = { CG_SCAN_STRING, ts, strlen(ts) };

		snprintf(why, whylen, _("'%s' is not an RFC 3339 time: '%s'"), "ts",
			 shown(&f, show, sizeof(show)));
		return 1;
	}
	local_of(&r->lt, *at, day, &sec);
	return 0;
}

/* Where an event stands: -1 after the period (ignored), 0 before it
 * (state only), 1 in it. */
static int event_place(struct cg_report *r, int32_t day)
{
	if (!r->fixed) {
		in_period(r, day);
		return 1;
	}
	if (day > r->until)
		return -1;
	return day >= r->since;
}

static int pass_event(struct cg_report *r, const json_t *rec, const char *event,
		      char *why, size_t whylen, struct cg_err *err)
{
	const char *id, *cls = NULL;
	cg_time_t at, t;
	int32_t day;
	int place;

	if (event_time(r, rec, &at, &day, why, whylen) ||
	    string_of(rec, "pass_id", &id, why, whylen))
		return 1;
	if (!strcmp(event, "issue")) {
		const json_t *c = json_object_get(rec, "class");

		if (c && !json_is_string(c))
			return bad(why, whylen, _("'%s' must be a string"), "class");
		cls = c ? json_string_value(c) : "resident";
		if (cg_time_parse(json_string_value(json_object_get(rec, "valid_from")), 0, &t) < 0 ||
		    cg_time_parse(json_string_value(json_object_get(rec, "valid_until")), 0, &t) < 0)
		{
			char show[80];
			struct field f = { CG_SCAN_STRING, id, strlen(id) };

			return bad(why, whylen, _("pass '%s' has no valid_from or valid_until"),
				   shown(&f, show, sizeof(show)));
		}
	}
	if ((place = event_place(r, day)) < 0)
		return 0;
	r->pass_events++;
	if (place) {
		if (cls) {
			json_int_t n = json_integer_value(json_object_get(r->issued, cls));

			json_object_set_new(r->issued, cls, json_integer(n + 1));
		} else {
			r->revoked++;
		}
	}
	if (cg_passbook_apply(&r->passes, rec, err) < 0) {
		snprintf(why, whylen, "%s", err->msg);
		return 1;
	}
	return 0;
}

static int case_event(struct cg_report *r, const json_t *rec, const char *event,
		      char *why, size_t whylen, struct cg_err *err)
{
	const char *id;
	cg_time_t at;
	int32_t day;
	int place;

	if (event_time(r, rec, &at, &day, why, whylen) ||
	    string_of(rec, "case_id", &id, why, whylen))
		return 1;
	if ((place = event_place(r, day)) < 0)
		return 0;
	r->case_events++;
	if (place) {
		if (!strcmp(event, "open"))
			r->opened++;
		else if (!strcmp(event, "escalate"))
			r->escalated++;
		else if (!strcmp(event, "release"))
			r->released++;
		else if (!strcmp(event, "close"))
			r->closed++;
		else if (!strcmp(event, "extend"))
			r->extended++;
		else if (!strcmp(event, "need"))
			r->needs++;
		else if (!strcmp(event, "need_done"))
			r->needs_done++;
		else if (!strcmp(event, "check")) {
			r->checks++;
			if (!strcmp(json_string_value(json_object_get(rec, "result")) ?: "", "alert"))
				r->alerts++;
		}
	}
	if (cg_casebook_apply(&r->cases, rec, err) < 0)
		return -1;
	return 0;
}

static int other_record(struct cg_report *r, const json_t *rec, char *why,
			size_t whylen, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(rec, "event"));

	if (event && json_object_get(rec, "pass_id") &&
	    (!strcmp(event, "issue") || !strcmp(event, "revoke")))
		return pass_event(r, rec, event, why, whylen, err);
	if (event && json_object_get(rec, "case_id"))
		for (int i = 0; case_events[i]; i++)
			if (!strcmp(event, case_events[i]))
				return case_event(r, rec, event, why, whylen, err);
	r->unknown++;
	return 0;
}

int cg_report_line(struct cg_report *r, const char *line, size_t len,
		   char *why, size_t whylen, struct cg_err *err)
{
	struct cg_scan_val vals[K_COUNT];
	struct checkin c;
	struct view v;
	json_t *rec;
	int ret;

	if (r->o.fast && cg_scan_line(&r->keys, line, len, vals)) {
		if (vals[K_DECISION].type != CG_SCAN_ABSENT) {
			fast_view(&v, vals);
			goto checkin;
		}
		if (vals[K_EVENT].type == CG_SCAN_ABSENT) {
			r->unknown++;
			return 0;
		}
	}
	if (!(rec = cg_jsonl_parse(line, len, why, whylen))) {
		r->rejected++;
		return 1;
	}
	if (!json_object_get(rec, "decision")) {
		ret = other_record(r, rec, why, whylen, err);
		json_decref(rec);
		if (ret == 1)
			r->rejected++;
		return ret;
	}
	slow_view(&v, rec);
	ret = check_checkin(r, &v, &c, why, whylen);
	if (ret == 0)
		ret = count_checkin(r, &c, err) < 0 ? -1 : 0;
	json_decref(rec);
	if (ret == 1)
		r->rejected++;
	return ret;
checkin:
	if (check_checkin(r, &v, &c, why, whylen)) {
		r->rejected++;
		return 1;
	}
	return count_checkin(r, &c, err) < 0 ? -1 : 0;
}

void cg_report_rejected(struct cg_report *r)
{
	r->rejected++;
}

void cg_report_counts(const struct cg_report *r, struct cg_report_counts *c)
{
	c->checkins = r->checkins;
	c->passes = r->pass_events;
	c->cases = r->case_events;
	c->unknown = r->unknown;
	c->outside = r->outside;
	c->rejected = r->rejected;
}

void cg_report_journal(struct cg_report *r, const char *label, uint64_t records,
		       uint64_t seq, const char *chain, int verified, int torn,
		       unsigned long damaged_line, const char *reason)
{
	json_t *j = json_object();

	json_object_set_new(j, "journal", json_string(label));
	json_object_set_new(j, "records", json_integer((json_int_t)records));
	json_object_set_new(j, "seq", json_integer((json_int_t)seq));
	json_object_set_new(j, "chain", json_string(chain));
	json_object_set_new(j, "verified", json_boolean(verified));
	json_object_set_new(j, "torn", json_integer(torn));
	if (!verified) {
		json_t *w = json_object();

		json_object_set_new(j, "damaged_line", json_integer((json_int_t)damaged_line));
		json_object_set_new(j, "reason", json_string(reason ? reason : ""));
		json_object_set_new(w, "code", json_string("journal_damaged"));
		json_object_set_new(w, "journal", json_string(label));
		json_object_set_new(w, "line", json_integer((json_int_t)damaged_line));
		json_object_set_new(w, "reason", json_string(reason ? reason : ""));
		json_array_append_new(r->warnings, w);
	}
	json_array_append_new(r->journals, j);
}

struct entry {
	json_t *v;
	cg_time_t t;
	size_t i;
};

static int by_ts(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->i > y->i) - (x->i < y->i);	/* stable */
}

/* A list of entries in time order (they are settled in another). */
static void sort_by_ts(json_t *list)
{
	size_t n = json_array_size(list);
	struct entry *e = malloc((n ? n : 1) * sizeof(*e));

	if (!e)
		return;
	for (size_t i = 0; i < n; i++) {
		e[i].v = json_incref(json_array_get(list, i));
		e[i].i = i;
		e[i].t = 0;
		cg_time_parse(json_string_value(json_object_get(e[i].v, "ts")), 0, &e[i].t);
	}
	qsort(e, n, sizeof(*e), by_ts);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, e[i].v);
	free(e);
}

/* ---- the end: gaps ---- */

static void gap(struct cg_report *r, struct gate *g, cg_time_t a, cg_time_t b, json_t *warn)
{
	long mins = (long)((b - a) / 60);

	if (b < a)
		return;
	if (mins > g->longest) {
		g->longest = mins;
		g->gap_from = a;
		g->gap_to = b;
	}
	if (mins > r->cfg->policy.duty_gap_max_min) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("gate_unattended"));
		json_object_set_new(w, "gate", json_string(g->name));
		cg_json_set_time(w, "from", a);
		cg_json_set_time(w, "to", b);
		json_object_set_new(w, "gap_min", json_integer(mins));
		json_array_append_new(warn, w);
	}
}

/*
 * Duty coverage of a gate: within the policy's duty hours of every day of
 * the period, up to cutoff, the gaps from the start of duty to the first
 * event, between events, and from the last event to the end of duty, in
 * whole minutes.  Duty windows that touch (24-hour duty) make one stretch.
 */
static void duty_gaps(struct cg_report *r, struct gate *g, int32_t since,
		      int32_t until, cg_time_t cutoff, json_t *warn)
{
	const struct cg_policy *p = &r->cfg->policy;
	cg_time_t prev = 0, open_end = 0, open_eff = 0;
	int open = 0;

	for (int32_t d = since; d <= until; d++) {
		cg_time_t s = local_at(d, p->duty_start_min), e = local_at(d, p->duty_end_min);
		cg_time_t eff = e < cutoff ? e : cutoff;
		struct daymap *m = NULL;

		if (s >= cutoff)
			break;
		if (open && open_end != s) {
			gap(r, g, prev, open_eff, warn);
			open = 0;
		}
		if (!open)
			prev = s;
		open = 1;
		open_end = e;
		open_eff = eff;
		for (size_t i = 0; i < g->ndays; i++)
			if (g->days[i]->day == d)
				m = g->days[i];
		if (!m)
			continue;
		for (int min = 0; min < DAY_MINUTES; min++) {
			cg_time_t tf, tl;

			if (m->first[min] == 0xFF)
				continue;
			tf = m->start + min * 60 + m->first[min];
			tl = m->start + min * 60 + m->last[min];
			if (tl < s)
				continue;
			if (tf >= eff)
				break;
			if (tf < s)
				tf = s;
			gap(r, g, prev, tf, warn);
			prev = tl < eff ? tl : tf;
		}
	}
	if (open)
		gap(r, g, prev, open_eff, warn);
}

/* ---- the end: the sections ---- */

static json_t *counts_object(const unsigned long *n, const char *const *names, int count)
{
	json_t *o = json_object();

	for (int i = 0; i < count; i++)
		json_object_set_new(o, names[i], json_integer((json_int_t)n[i]));
	return o;
}

static json_t *reasons_object(const unsigned long *n, int all)
{
	json_t *o = json_object();

	for (int i = 0; i < CG_R_COUNT; i++)
		if (all || n[i])
			json_object_set_new(o, cg_reason_code(i), json_integer((json_int_t)n[i]));
	return o;
}

static json_t *time_or_null(int have, cg_time_t t)
{
	char buf[CG_TIME_LEN];

	if (!have)
		return json_null();
	cg_time_format(t, buf);
	return json_string(buf);
}

static json_t *gates_section(struct cg_report *r, int32_t since, int32_t until,
			     cg_time_t cutoff, json_t **hours)
{
	json_t *gates = json_object();

	*hours = json_object();
	for (size_t i = 0; i < r->ngates; i++) {
		struct gate *g = r->gates[i];
		json_t *o = json_object(), *h = json_object(), *hi = json_array(), *ho = json_array();

		duty_gaps(r, g, since, until, cutoff, r->warnings);
		json_object_set_new(o, "in", json_integer((json_int_t)g->in));
		json_object_set_new(o, "out", json_integer((json_int_t)g->out));
		for (int d = 0; d < 3; d++)
			json_object_set_new(o, decisions[d], json_integer((json_int_t)g->dec[d]));
		json_object_set_new(o, "reasons", reasons_object(g->reasons, 0));
		json_object_set_new(o, "first", time_or_null(g->any, g->first));
		json_object_set_new(o, "last", time_or_null(g->any, g->last));
		json_object_set_new(o, "longest_gap_min", g->longest >= 0 ?
				    json_integer(g->longest) : json_null());
		json_object_set_new(o, "longest_gap_from", time_or_null(g->longest >= 0, g->gap_from));
		json_object_set_new(o, "longest_gap_to", time_or_null(g->longest >= 0, g->gap_to));
		json_object_set_new(gates, g->name, o);
		for (int k = 0; k < 24; k++) {
			json_array_append_new(hi, json_integer((json_int_t)g->hours_in[k]));
			json_array_append_new(ho, json_integer((json_int_t)g->hours_out[k]));
		}
		json_object_set_new(h, "in", hi);
		json_object_set_new(h, "out", ho);
		json_object_set_new(*hours, g->name, h);
	}
	return gates;
}

static json_t *temperatures_section(struct cg_report *r)
{
	json_t *t = json_object(), *counts = json_array();

	for (int i = 0; i < CG_TEMP_BINS; i++)
		json_array_append_new(counts, json_integer((json_int_t)r->temps[i]));
	json_object_set_new(t, "measured", json_integer((json_int_t)r->measured));
	json_object_set_new(t, "from", json_real(CG_TEMP_FROM10 / 10.0));
	json_object_set_new(t, "step", json_real(0.1));
	json_object_set_new(t, "counts", counts);
	json_object_set_new(t, "below", json_integer((json_int_t)r->temps_below));
	json_object_set_new(t, "above", json_integer((json_int_t)r->temps_above));
	return t;
}

static int case_active(const struct cg_case *c)
{
	return c->status == CG_CASE_OPEN || c->status == CG_CASE_ESCALATED;
}

/* When the case ended (released or closed), else 0. */
static cg_time_t case_ended(const struct cg_case *c)
{
	const char *keys[] = { "released_at", "closed_at" };
	cg_time_t t;

	if (case_active(c))
		return 0;
	for (int i = 0; i < 2; i++)
		if (cg_time_parse(json_string_value(json_object_get(c->rec, keys[i])), 0, &t) == 0)
			return t;
	return 1;	/* ended, time unknown: long ago */
}

static void case_person(struct cg_report *r, json_t *row, const json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *hh = json_string_value(json_object_get(rec, "household"));
	char buf[256];

	if (name)
		json_object_set_new(row, "name", json_string(r->o.mask ?
				    cg_mask_name(name, buf, sizeof(buf)) : name));
	if (hh)
		json_object_set_new(row, "household", json_string(hh));
}

static json_t *cases_section(struct cg_report *r, int32_t since, int32_t until,
			     cg_time_t pstart, cg_time_t cutoff, json_t *warn)
{
	json_t *o = json_object(), *list = json_array(), *by_day = json_array();
	unsigned long open = 0, ending_today = 0, ending_tomorrow = 0, needs_open = 0;
	unsigned long missed = 0, omitted = 0;
	struct cg_quarantine q;
	char since_s[CG_DATE_LEN];

	cg_day_format(since, since_s);
	cg_quarantine_init(&q, r->cfg, &r->cases, cutoff);
	for (size_t i = 0; i < r->cases.ncases; i++) {
		struct cg_case *c = r->cases.list[i];
		cg_time_t ended = case_ended(c);
		unsigned long case_missed = 0;
		json_t *row;

		if (case_active(c)) {
			json_t *due = cg_quarantine_due_record(&q, c, until);
			size_t k;
			json_t *w;

			open++;
			ending_today += c->end_day == until;
			ending_tomorrow += c->end_day == until + 1;
			needs_open += c->needs_open;
			json_array_foreach(json_object_get(due, "missed_windows"), k, w) {
				const char *s = json_string_value(w);

				if (s && strncmp(s, since_s, 10) >= 0)
					case_missed++;
			}
			json_decref(due);
			missed += case_missed;
		} else if (ended < pstart && c->opened_at < pstart) {
			continue;	/* over before the period */
		}
		if (json_array_size(list) >= CG_REPORT_LIST_MAX) {
			omitted++;
			continue;
		}
		row = json_object();
		json_object_set_new(row, "case_id", json_string(c->id));
		case_person(r, row, c->rec);
		json_object_set_new(row, "status", json_string(cg_case_status_name(c->status)));
		if (c->start_day != CG_CASE_NO_DAY)
			cg_json_set_day(row, "start", c->start_day);
		if (c->end_day != CG_CASE_NO_DAY)
			cg_json_set_day(row, "end", c->end_day);
		json_object_set_new(row, "missed", json_integer((json_int_t)case_missed));
		json_object_set_new(row, "needs_open", json_integer((json_int_t)c->needs_open));
		json_object_set_new(row, "ending_tomorrow",
				    json_boolean(case_active(c) && c->end_day == until + 1));
		json_array_append_new(list, row);
	}
	for (int32_t d = until - 13; d <= until; d++) {
		cg_time_t at = day_start(d + 1);
		json_t *e = json_object();
		unsigned long n = 0;

		if (at > cutoff)
			at = cutoff;
		for (size_t i = 0; i < r->cases.ncases; i++) {
			const struct cg_case *c = r->cases.list[i];
			cg_time_t ended = case_ended(c);

			if (c->opened_at < at && (!ended || ended >= at))
				n++;
		}
		cg_json_set_day(e, "date", d);
		json_object_set_new(e, "open", json_integer((json_int_t)n));
		json_array_append_new(by_day, e);
	}
	json_object_set_new(o, "open", json_integer((json_int_t)open));
	json_object_set_new(o, "opened", json_integer((json_int_t)r->opened));
	json_object_set_new(o, "escalated", json_integer((json_int_t)r->escalated));
	json_object_set_new(o, "released", json_integer((json_int_t)r->released));
	json_object_set_new(o, "closed", json_integer((json_int_t)r->closed));
	json_object_set_new(o, "extended", json_integer((json_int_t)r->extended));
	json_object_set_new(o, "checks", json_integer((json_int_t)r->checks));
	json_object_set_new(o, "alerts", json_integer((json_int_t)r->alerts));
	json_object_set_new(o, "missed_windows", json_integer((json_int_t)missed));
	json_object_set_new(o, "ending_today", json_integer((json_int_t)ending_today));
	json_object_set_new(o, "ending_tomorrow", json_integer((json_int_t)ending_tomorrow));
	json_object_set_new(o, "needs_open", json_integer((json_int_t)needs_open));
	json_object_set_new(o, "by_day", by_day);
	json_object_set_new(o, "list", list);
	json_object_set_new(o, "omitted", json_integer((json_int_t)omitted));
	if (missed) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("missed_checks"));
		json_object_set_new(w, "count", json_integer((json_int_t)missed));
		json_array_append_new(warn, w);
	}
	return o;
}

static void add_count(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

static json_t *passes_section(struct cg_report *r, cg_time_t cutoff)
{
	json_t *o = json_object(), *issued = json_object(), *active = json_object();
	const char *cls;
	json_t *v, *ev;
	json_int_t total = 0, active_total = 0;

	/* Every configured class, in order, so the shape stays the same. */
	json_object_foreach((json_t *)r->cfg->pass_classes, cls, v) {
		json_object_set_new(issued, cls, json_integer(0));
		json_object_set_new(active, cls, json_integer(0));
	}
	json_object_foreach(r->issued, cls, v) {
		add_count(issued, cls, json_integer_value(v));
		total += json_integer_value(v);
	}
	json_object_foreach(r->passes.passes, cls, ev) {
		const char *c = json_string_value(json_object_get(ev, "class"));

		if (cg_passbook_status(ev, cutoff - 1) != CG_PASS_OK)
			continue;
		add_count(active, c ? c : "resident", 1);
		active_total++;
	}
	json_object_set_new(o, "issued", issued);
	json_object_set_new(o, "issued_total", json_integer(total));
	json_object_set_new(o, "revoked", json_integer((json_int_t)r->revoked));
	json_object_set_new(o, "active", active);
	json_object_set_new(o, "active_total", json_integer(active_total));
	return o;
}

static void hhmm(int minute, char out[8])
{
	snprintf(out, 8, "%02u:%02u", (unsigned)minute / 60 % 100, (unsigned)minute % 60);
}

static json_t *policy_section(const struct cg_config *cfg)
{
	const struct cg_policy *p = &cfg->policy;
	json_t *o = json_object();
	char a[8], b[8];

	hhmm(p->duty_start_min, a);
	hhmm(p->duty_end_min, b);
	json_object_set_new(o, "fever_threshold", json_real(p->fever_threshold));
	json_object_set_new(o, "duty_hours", json_pack("[ss]", a, b));
	json_object_set_new(o, "duty_gap_max_min", json_integer(p->duty_gap_max_min));
	json_object_set_new(o, "visit_max_min", json_integer(p->visit_max_min));
	return o;
}

static void count_warning(json_t *warn, const char *code, unsigned long n)
{
	json_t *w;

	if (!n)
		return;
	w = json_object();
	json_object_set_new(w, "code", json_string(code));
	json_object_set_new(w, "count", json_integer((json_int_t)n));
	json_array_append_new(warn, w);
}

json_t *cg_report_finish(struct cg_report *r, const char *generator)
{
	json_t *rep = json_object(), *o, *hours, *gates, *visitors, *cases, *warn;
	int32_t since = r->since, until = r->until;
	cg_time_t pstart, pend, cutoff;
	unsigned long inside = 0;
	char date[CG_DATE_LEN];

	if (!r->fixed) {
		if (r->min_day <= r->max_day) {
			since = r->min_day;
			until = r->max_day;
		} else {
			since = until = cg_local_day(r->o.now, NULL);
		}
	}
	pstart = day_start(since);
	pend = day_start(until + 1);
	cutoff = r->o.now < pend ? r->o.now : pend;
	if (cutoff < pstart)
		cutoff = pstart;

	/* Warnings in a fixed order: the journals' (already there), then
	 * the gates', then the rest. */
	warn = r->warnings;
	sweep(r, 1, cutoff, &inside);
	sort_by_ts(r->overstays);
	sort_by_ts(r->fevers);
	sort_by_ts(r->denials);

	json_object_set_new(rep, "merged", json_false());
	o = json_object();
	json_object_set_new(o, "code", json_string(r->cfg->compound_code));
	json_object_set_new(o, "name", json_string(r->cfg->compound_name));
	json_object_set_new(rep, "compound", o);
	if (since == until) {
		cg_day_format(since, date);
		json_object_set_new(rep, "date", json_string(date));
	}
	cg_json_set_day(rep, "since", since);
	cg_json_set_day(rep, "until", until);
	cg_json_set_time(rep, "generated_at", r->o.now);
	json_object_set_new(rep, "generator", json_string(generator));
	json_object_set_new(rep, "masked", json_boolean(r->o.mask));
	json_object_set_new(rep, "policy", policy_section(r->cfg));

	o = json_object();
	json_object_set_new(o, "events", json_integer((json_int_t)r->events));
	json_object_set_new(o, "in", json_integer((json_int_t)r->in));
	json_object_set_new(o, "out", json_integer((json_int_t)r->out));
	for (int d = 0; d < 3; d++)
		json_object_set_new(o, decisions[d], json_integer((json_int_t)r->dec[d]));
	json_object_set_new(rep, "totals", o);
	json_object_set_new(rep, "kinds", counts_object(r->kinds, kinds, NKINDS));
	json_object_set_new(rep, "reasons", reasons_object(r->reasons, 1));

	gates = gates_section(r, since, until, cutoff, &hours);
	json_object_set_new(rep, "gates", gates);
	json_object_set_new(rep, "hours", hours);
	json_object_set_new(rep, "temperatures", temperatures_section(r));
	json_object_set_new(rep, "fevers", json_incref(r->fevers));
	json_object_set_new(rep, "denials", json_incref(r->denials));

	visitors = json_object();
	json_object_set_new(visitors, "count", json_integer((json_int_t)r->visitors_in));
	json_object_set_new(visitors, "refused", json_integer((json_int_t)r->visitors_refused));
	json_object_set_new(visitors, "out", json_integer((json_int_t)r->visitors_out));
	json_object_set_new(visitors, "inside", json_integer((json_int_t)inside));
	json_object_set_new(visitors, "overstay_count", json_integer((json_int_t)r->overstay_n));
	json_object_set_new(visitors, "overstays", json_incref(r->overstays));
	json_object_set_new(rep, "visitors", visitors);

	cases = cases_section(r, since, until, pstart, cutoff, warn);
	json_object_set_new(rep, "cases", cases);
	json_object_set_new(rep, "passes", passes_section(r, cutoff));
	json_object_set_new(rep, "journals", json_incref(r->journals));

	count_warning(warn, "visitor_overstay", r->overstay_n);
	if (!r->events) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("no_checkins"));
		json_array_append_new(warn, w);
	}
	count_warning(warn, "rejected_records", r->rejected);
	if (r->foreign) {
		json_t *w = json_object();

		json_object_set_new(w, "code", json_string("foreign_records"));
		json_object_set_new(w, "count", json_integer((json_int_t)r->foreign));
		json_object_set_new(w, "foreign", json_string(r->foreign_code));
		json_array_append_new(warn, w);
	}
	json_object_set_new(rep, "warnings", json_incref(warn));

	o = json_object();
	json_object_set_new(o, "fevers", json_integer((json_int_t)r->omit_fevers));
	json_object_set_new(o, "denials", json_integer((json_int_t)r->omit_denials));
	json_object_set_new(o, "overstays", json_integer((json_int_t)r->omit_overstays));
	json_object_set_new(o, "cases", json_incref(json_object_get(cases, "omitted")));
	json_object_del(cases, "omitted");
	json_object_set_new(rep, "omitted", o);
	json_object_set_new(rep, "unknown", json_integer((json_int_t)r->unknown));
	json_object_set_new(rep, "rejected", json_integer((json_int_t)r->rejected));
	json_object_set_new(rep, "outside", json_integer((json_int_t)r->outside));
	return rep;
}
