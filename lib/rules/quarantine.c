#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/runlock.h"
#include "rules/person.h"
#include "rules/quarantine.h"
#include "rules/followup.h"
#include "rules/validate.h"

/* How far ahead of the clock a check may be dated: a device's clock. */
#define FUTURE_SLACK 300
#define MAX_DAYS 365

static const char *const open_reasons[] = {
	"risk_area_return", "close_contact", "secondary_contact", "other", NULL
};

static const char *const close_reasons[] = {
	"transferred", "hospital", "moved_out", "cancelled", "error", NULL
};

/* Fields no input sets: the commands write them. */
#define RESERVED "ts", "compound", "event", "case_id", "seq", "chain", \
	"status", "existing", "registered_at"
#define PERSON "name", "id_no", "phone", "household"
/* The fields of the records list, show and due print: a transition fed
 * from them (list | close) keeps none of them. */
#define CASE_FIELDS "reason", "from", "start", "end", "days", "officer", \
	"opened_at", "escalated_at", "escalate_reason", "released_at", \
	"closed_at", "close_reason", "check_count", "alert_count", \
	"last_check", "needs_open", "date", "day", "day_number", \
	"windows_due", "windows_done", "missed", "missed_windows", \
	"ending_today", "ending_tomorrow", "period_over", "checks", "needs", \
	"history", "class"

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

int cg_quarantine_close_reason_ok(const char *s)
{
	return in_list(s, close_reasons);
}

int cg_quarantine_open_reason_ok(const char *s)
{
	return in_list(s, open_reasons);
}

void cg_quarantine_init(struct cg_quarantine *q, const struct cg_config *cfg,
			struct cg_casebook *cb, cg_time_t now)
{
	memset(q, 0, sizeof(*q));
	q->cfg = cfg;
	q->cb = cb;
	q->now = now;
	q->today = cg_local_day(now, &q->now_minute);
	q->final_day_check = cfg->quarantine.release_needs_final_day_check;
}

/* ---- locking ---- */

int cg_quarantine_lock(const struct cg_home *h, const struct cg_notifier *n,
		       struct cg_err *err)
{
	return cg_run_lock(h, "quarantine",
			   _("waiting for another cg-quarantine that changes cases to finish"),
			   n, err);
}

/* ---- windows ---- */

int cg_quarantine_window_of(const struct cg_quarantine_policy *p, int minute)
{
	for (int w = 0; w < p->nwindows; w++)
		if (minute >= p->window_start_min[w] && minute < p->window_end_min[w])
			return w;
	return -1;
}

void cg_quarantine_window_label(const struct cg_quarantine_policy *p, int w,
				char out[CG_WINDOW_LABEL_LEN])
{
	unsigned v[4] = {
		(unsigned)p->window_start_min[w] / 60 % 100, (unsigned)p->window_start_min[w] % 60,
		(unsigned)p->window_end_min[w] / 60 % 100, (unsigned)p->window_end_min[w] % 60
	};

	/* "%02u:%02u-%02u:%02u" by hand: due writes one per window and day
	 * of every case. */
	for (int i = 0; i < 4; i++) {
		out[3 * i] = (char)('0' + v[i] / 10);
		out[3 * i + 1] = (char)('0' + v[i] % 10);
		out[3 * i + 2] = i == 1 ? '-' : ':';
	}
	out[11] = '\0';
}

/* ---- results ---- */

void cg_quarantine_result_init(struct cg_quarantine_result *res)
{
	res->events = json_array();
	res->shown = NULL;
	res->warnings = json_array();
}

void cg_quarantine_result_release(struct cg_quarantine_result *res)
{
	json_decref(res->events);
	json_decref(res->shown);
	json_decref(res->warnings);
	res->events = res->shown = res->warnings = NULL;
}

/* An event for the result (stolen). */
static int add_event(struct cg_quarantine_result *res, json_t *ev)
{
	json_array_append_new(res->events, ev);
	return 0;
}

static void add_warning(struct cg_quarantine_result *res, const char *msg)
{
	json_array_append_new(res->warnings, json_string(msg));
}

/* Journal (unless dry run) and print ev (borrowed), and fold it in. */
static int write_event(struct cg_quarantine *q, struct cg_loop *lp, const json_t *ev,
		       struct cg_err *err)
{
	if (cg_loop_emit(lp, ev, err) < 0)
		return -1;
	return cg_casebook_apply(q->cb, ev, err);
}

/* ---- the loop's side ---- */

int cg_quarantine_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		       char *why, size_t whylen, struct cg_err *err)
{
	struct cg_quarantine *q = ctx;
	struct cg_quarantine_result res;
	size_t i;
	json_t *v;
	int ret;

	cg_quarantine_result_init(&res);
	ret = q->rule(q, ln->rec, &res, why, whylen);
	if (ret == 0) {
		json_array_foreach(res.warnings, i, v)
			cg_loop_warning(lp, "%s", json_string_value(v));
		if (res.shown) {
			q->existing++;
			ret = cg_loop_print(lp, res.shown, err);
		}
		json_array_foreach(res.events, i, v) {
			if (ret < 0 || (ret = write_event(q, lp, v, err)) < 0)
				break;
			if (!strcmp(json_string_value(json_object_get(v, "event")), "alert"))
				q->alerts++;
		}
	}
	cg_quarantine_result_release(&res);
	return ret;
}

/* ---- checking input fields ---- */

static int fail(char *why, size_t whylen, const char *fmt, const char *a)
{
	snprintf(why, whylen, fmt, a);
	return 1;
}

/* A string field: absent (NULL) unless required, else non-empty; 1 rejects. */
static int get_str(const json_t *rec, const char *field, const char **out,
		   int required, char *why, size_t whylen)
{
	return cg_field_string(rec, field, required, out, why, whylen) < 0;
}

/* A whole number field, absent (0 in *out, returns 0) or from lo to hi. */
static int get_int(const json_t *rec, const char *field, int lo, int hi, int *out,
		   char *why, size_t whylen)
{
	const json_t *v = json_object_get(rec, field);
	json_int_t n;

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return fail(why, whylen, _("'%s' must be a whole number"), field);
	n = json_integer_value(v);
	if (n < lo || n > hi) {
		snprintf(why, whylen, _("'%s' must be from %d to %d, not %lld"),
			 field, lo, hi, (long long)n);
		return 1;
	}
	*out = (int)n;
	return 0;
}

/* The record's ts (RFC 3339 with offset), else the clock. */
static int get_ts(const struct cg_quarantine *q, const json_t *rec, cg_time_t *at,
		  char *why, size_t whylen)
{
	const json_t *v = json_object_get(rec, "ts");

	*at = q->now;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(why, whylen, _("'%s' must be a string"), "ts");
	if (cg_time_parse(json_string_value(v), 0, at) < 0)
		return fail(why, whylen, _("'ts' is not an RFC 3339 time: '%s'"),
			    json_string_value(v));
	return 0;
}

/* ---- building events ---- */

static json_t *event_new(const struct cg_quarantine *q, const char *event,
			 const char *case_id, cg_time_t at)
{
	json_t *ev = json_object();

	cg_json_set_time(ev, "ts", at);
	json_object_set_new(ev, "compound", json_string(q->cfg->compound_code));
	json_object_set_new(ev, "event", json_string(event));
	if (case_id)
		json_object_set_new(ev, "case_id", json_string(case_id));
	/* A check of a day already ended (a paper sheet typed in later):
	 * when it was registered, for cg-report's late registrations. */
	if (cg_local_day(at, NULL) < cg_local_day(q->now, NULL))
		cg_json_set_time(ev, "registered_at", q->now);
	return ev;
}

/* Copy from src the field key to dst when present. */
static void copy_field(json_t *dst, const json_t *src, const char *key)
{
	json_t *v = json_object_get(src, key);

	if (v)
		json_object_set(dst, key, v);
}

/* Every field of in that is not in skip and not yet in out, in order. */
static void pass_through(json_t *out, const json_t *in, const char *const *skip)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)in, key, val)
		if (!in_list(key, skip) && !json_object_get(out, key))
			json_object_set(out, key, val);
}

static void copy_person(json_t *dst, const json_t *src)
{
	copy_field(dst, src, "name");
	copy_field(dst, src, "id_no");
	copy_field(dst, src, "phone");
	copy_field(dst, src, "household");
}

/* ---- finding the case a record is about ---- */

static const char *status_name(const struct cg_case *c)
{
	return cg_case_status_name(c->status);
}

static int is_active(const struct cg_case *c)
{
	return c->status == CG_CASE_OPEN || c->status == CG_CASE_ESCALATED;
}

/*
 * The case of rec (a working copy whose person fields are normalised in
 * place): by "case_id", else the person's open or escalated case.
 */
static int find_case(const struct cg_quarantine *q, json_t *rec, struct cg_case **cp,
		     char *why, size_t whylen)
{
	char key[CG_PERSON_KEY_LEN];
	const char *id;
	const json_t *active;
	struct cg_case *c;

	*cp = NULL;
	if (get_str(rec, "case_id", &id, 0, why, whylen))
		return 1;
	if (cg_person_normalise(rec, q->now, q->cfg->household, why, whylen) < 0)
		return 1;
	if (id) {
		if (!(c = cg_casebook_find(q->cb, id)))
			return fail(why, whylen, _("unknown case '%s'"), id);
		if (!cg_person_same(c->rec, rec))
			return fail(why, whylen,
				    _("case '%s' is someone else's (the person's fields differ)"), id);
		*cp = c;
		return 0;
	}
	if (cg_person_key(rec, key) < 0)
		return fail(why, whylen,
			    _("missing field '%s' (or the person's id_no, phone, or name and household)"),
			    "case_id");
	active = cg_casebook_active_for(q->cb, rec);
	if (active) {
		*cp = cg_casebook_find(q->cb, json_string_value(json_object_get(active, "case_id")));
		return 0;
	}
	c = cg_casebook_latest_for(q->cb, rec);
	if (c) {
		snprintf(why, whylen, _("no open case for this person (their case '%s' is %s)"),
			 c->id, status_name(c));
		return 1;
	}
	return fail(why, whylen, "%s", _("no case for this person"));
}

/* ---- open ---- */

/* "start": a date, or a time whose local date is day 1; default: ts. */
static int get_start(const json_t *rec, cg_time_t at, int32_t *day, char *why,
		     size_t whylen)
{
	const char *s;
	cg_time_t t;

	if (get_str(rec, "start", &s, 0, why, whylen))
		return 1;
	if (!s) {
		*day = cg_local_day(at, NULL);
		return 0;
	}
	if (cg_day_parse(s, day) == 0)
		return 0;
	if (cg_time_parse(s, 0, &t) == 0) {
		*day = cg_local_day(t, NULL);
		return 0;
	}
	return fail(why, whylen, _("'start' is not a date (YYYY-MM-DD) or an RFC 3339 time: '%s'"), s);
}

/*
 * An open of a person whose case is open, with a start after the case's:
 * a new exposure.  Its period moves the case's end later (an extend event
 * with "reexposure", the new start), never earlier; either way a warning
 * says so.  Returns -1 when it wrote an event, 0 when the case is only to
 * be shown.
 */
static int reexposure(const struct cg_quarantine *q, const struct cg_case *c,
		      const json_t *rec, cg_time_t at, int32_t start, int days,
		      struct cg_quarantine_result *res)
{
	char msg[256], from[CG_DATE_LEN], end[CG_DATE_LEN], was[CG_DATE_LEN];
	int32_t new_end = start + days - 1;
	json_t *out;

	if (c->start_day == CG_CASE_NO_DAY || c->end_day == CG_CASE_NO_DAY ||
	    start <= c->start_day)
		return 0;
	cg_day_format(start, from);
	cg_day_format(c->end_day, was);
	cg_day_format(new_end > c->end_day ? new_end : c->end_day, end);
	if (new_end <= c->end_day) {
		snprintf(msg, sizeof(msg),
			 _("re-exposure on %s: case '%s' still ends on %s (an end never moves earlier)"),
			 from, c->id, end);
		add_warning(res, msg);
		return 0;
	}
	snprintf(msg, sizeof(msg), _("re-exposure on %s: case '%s' now ends on %s, not %s"),
		 from, c->id, end, was);
	add_warning(res, msg);
	out = event_new(q, "extend", c->id, at);
	json_object_set_new(out, "days", json_integer(new_end - c->start_day + 1));
	cg_json_set_day(out, "end", new_end);
	cg_json_set_day(out, "previous_end", c->end_day);
	cg_json_set_day(out, "reexposure", start);
	copy_field(out, rec, "reason");
	add_event(res, out);
	return -1;
}

int cg_quarantine_open(const struct cg_quarantine *q, const json_t *in,
		       struct cg_quarantine_result *res, char *why, size_t whylen)
{
	static const char *const skip[] = {
		RESERVED, PERSON, "reason", "from", "start", "days", "end", "officer",
		"by", NULL
	};
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	json_t *rec = json_copy((json_t *)in), *out;
	const char *name, *reason, *from, *officer, *by;
	char key[CG_PERSON_KEY_LEN], id[CG_CASE_ID_LEN], date[CG_DATE_LEN];
	const json_t *active;
	int32_t start;
	cg_time_t at;
	int days, r;

	if ((r = get_ts(q, rec, &at, why, whylen)) ||
	    (r = get_str(rec, "name", &name, 1, why, whylen)))
		goto out;
	if (cg_person_normalise(rec, q->now, q->cfg->household, why, whylen) < 0) {
		r = 1;
		goto out;
	}
	if (cg_person_key(rec, key) < 0) {
		r = fail(why, whylen, "%s",
			 _("missing field 'id_no', 'phone' or 'household' (one identifies the person)"));
		goto out;
	}
	if ((r = get_str(rec, "reason", &reason, !q->reason, why, whylen)) ||
	    (r = get_str(rec, "from", &from, 0, why, whylen)) ||
	    (r = get_str(rec, "officer", &officer, 0, why, whylen)) ||
	    (r = get_str(rec, "by", &by, 0, why, whylen)) ||
	    (r = get_start(rec, at, &start, why, whylen)) ||
	    (r = get_int(rec, "days", 1, MAX_DAYS, &days, why, whylen)))
		goto out;
	if (!reason)
		reason = q->reason;	/* open --reason: for records without one */
	if (!cg_quarantine_open_reason_ok(reason)) {
		r = fail(why, whylen,
			 _("unknown reason '%s' (risk_area_return, close_contact, secondary_contact, other)"),
			 reason);
		goto out;
	}
	if (!days)
		days = q->days ? q->days : p->days;
	if (days < p->min_days) {
		snprintf(why, whylen, _("'days' must be at least %d (quarantine.min_days), not %d"),
			 p->min_days, days);
		r = 1;
		goto out;
	}
	if ((active = cg_casebook_active_for(q->cb, rec))) {
		struct cg_case *c = cg_casebook_find(q->cb,
				json_string_value(json_object_get(active, "case_id")));

		if (json_object_get(rec, "start") &&
		    (r = reexposure(q, c, rec, at, start, days, res)) != 0) {
			r = r < 0 ? 0 : r;
			goto out;
		}
		res->shown = cg_quarantine_case_record(q, c);
		json_object_set_new(res->shown, "existing", json_true());
		goto out;
	}
	cg_time_date(at, date);
	cg_casebook_next_id(q->cb, date, id);
	out = event_new(q, "open", id, at);
	copy_person(out, rec);
	json_object_set_new(out, "reason", json_string(reason));
	copy_field(out, rec, "from");
	cg_json_set_day(out, "start", start);
	json_object_set_new(out, "days", json_integer(days));
	cg_json_set_day(out, "end", start + days - 1);
	copy_field(out, rec, "officer");
	copy_field(out, rec, "by");
	pass_through(out, rec, skip);
	json_object_set_new(out, "status", json_string("open"));
	r = add_event(res, out);
out:
	json_decref(rec);
	return r;
}

/* ---- check ---- */

static int check_exists(const struct cg_case *c, cg_time_t at)
{
	for (size_t i = c->nchecks; i > 0; i--) {
		if (c->checks[i - 1].at == at)
			return 1;
		if (c->checks[i - 1].at < at)
			break;
	}
	return 0;
}

/* A check as read: its case, its time, and what was measured. */
struct check {
	json_t *rec;		/* a working copy of the input; owned */
	struct cg_case *c;
	cg_time_t at;
	int32_t day;		/* the local day and minute of at */
	int minute;
	const json_t *temp, *symptoms;	/* borrowed from rec */
	double t;
};

/* The temperature: given, a number, and one a person can have. */
static int check_temp(const struct cg_quarantine *q, struct check *k, char *why,
		      size_t whylen)
{
	const struct cg_policy *pol = &q->cfg->policy;

	k->temp = json_object_get(k->rec, "temp");
	if (!k->temp)
		return fail(why, whylen, _("missing field '%s'"), "temp");
	if (!json_is_number(k->temp))
		return fail(why, whylen, _("'%s' must be a number"), "temp");
	if (json_is_real(k->temp)) {
		/* Stored as decided (cg_temp_round): rec is a copy of in. */
		json_object_set_new(k->rec, "temp",
				    json_real(cg_temp_round(json_real_value(k->temp))));
		k->temp = json_object_get(k->rec, "temp");
	}
	k->t = json_number_value(k->temp);
	if (k->t < pol->temp_min || k->t > pol->temp_max) {
		snprintf(why, whylen,
			 _("implausible temperature %.1f (policy.temp_min %.1f to policy.temp_max %.1f): measure again"),
			 k->t, pol->temp_min, pol->temp_max);
		return 1;
	}
	return 0;
}

/* The time: not before day 1 of the case, not in the future, and not
 * that of a check the case has already. */
static int check_time(const struct cg_quarantine *q, struct check *k, char *why,
		      size_t whylen)
{
	const struct cg_case *c = k->c;
	char date[CG_DATE_LEN], start[CG_DATE_LEN], ts[CG_TIME_LEN];

	k->day = cg_local_day(k->at, &k->minute);
	if (c->start_day != CG_CASE_NO_DAY && k->day < c->start_day) {
		cg_time_date(k->at, date);
		cg_day_format(c->start_day, start);
		snprintf(why, whylen, _("check on %s is before day 1 of case '%s' (%s)"),
			 date, c->id, start);
		return 1;
	}
	if (k->at > q->now + FUTURE_SLACK) {
		cg_time_format(k->at, ts);
		return fail(why, whylen, _("check at %s is in the future (see --now)"), ts);
	}
	if (check_exists(c, k->at)) {
		cg_time_format(k->at, ts);
		snprintf(why, whylen, _("case '%s' already has a check at %s"), c->id, ts);
		return 1;
	}
	return 0;
}

/* Read a check record: its time and active case, the measurement, "by",
 * then whether the time fits the case.  0, or 1 with why. */
static int read_check(const struct cg_quarantine *q, struct check *k, char *why,
		      size_t whylen)
{
	const char *by;
	int r;

	if ((r = get_ts(q, k->rec, &k->at, why, whylen)) ||
	    (r = find_case(q, k->rec, &k->c, why, whylen)))
		return r;
	if (!is_active(k->c)) {
		snprintf(why, whylen, _("case '%s' is %s: no checks after a case has ended"),
			 k->c->id, status_name(k->c));
		return 1;
	}
	k->symptoms = json_object_get(k->rec, "symptoms");
	if ((r = check_temp(q, k, why, whylen)) ||
	    (r = cg_field_symptoms(k->symptoms, 0, why, whylen) < 0) ||
	    (r = get_str(k->rec, "by", &by, 0, why, whylen)))
		return r;
	return check_time(q, k, why, whylen);
}

/* The measurement in an event: "temp", and "symptoms" ([] when none). */
static void set_measured(json_t *out, const struct check *k)
{
	json_object_set(out, "temp", (json_t *)k->temp);
	json_object_set_new(out, "symptoms",
			    k->symptoms ? json_incref((json_t *)k->symptoms) : json_array());
}

/* The check event: the measurement, the day of the case, the window (w,
 * or null for none) and "result": "alert" or "ok". */
static json_t *check_event(const struct cg_quarantine *q, const struct check *k, int w,
			   int alert)
{
	static const char *const skip[] = {
		RESERVED, PERSON, "temp", "symptoms", "by", "day", "window", "result", NULL
	};
	const struct cg_case *c = k->c;
	json_t *out = event_new(q, "check", c->id, k->at);
	char label[CG_WINDOW_LABEL_LEN];

	set_measured(out, k);
	copy_field(out, k->rec, "by");
	pass_through(out, k->rec, skip);
	json_object_set_new(out, "day", json_integer(c->start_day == CG_CASE_NO_DAY ? 0 :
						     k->day - c->start_day + 1));
	if (w >= 0) {
		cg_quarantine_window_label(&q->cfg->quarantine, w, label);
		json_object_set_new(out, "window", json_string(label));
	} else {
		json_object_set_new(out, "window", json_null());
	}
	json_object_set_new(out, "result", json_string(alert ? "alert" : "ok"));
	return out;
}

/* What to say of a check that is recorded all the same: its case is
 * escalated, or it falls in no check window. */
static void check_warnings(const struct cg_quarantine *q, const struct check *k, int w,
			   struct cg_quarantine_result *res)
{
	char msg[256];

	if (k->c->status == CG_CASE_ESCALATED) {
		snprintf(msg, sizeof(msg), _("case '%s' is escalated; the check is recorded"),
			 k->c->id);
		add_warning(res, msg);
	}
	if (w < 0 && q->cfg->quarantine.nwindows) {
		snprintf(msg, sizeof(msg),
			 _("check at %02u:%02u is outside every check window: it counts for its day, not for a window"),
			 (unsigned)k->minute / 60 % 100, (unsigned)k->minute % 60);
		add_warning(res, msg);
	}
}

/* After a check with a fever or symptoms: escalate the case (unless it
 * is already), and alert its officer with the reasons (stolen). */
static int check_alert(const struct cg_quarantine *q, const struct check *k, int fever,
		       json_t *reasons, struct cg_quarantine_result *res)
{
	const struct cg_case *c = k->c;
	json_t *out;

	if (c->status != CG_CASE_ESCALATED) {
		out = event_new(q, "escalate", c->id, k->at);
		json_object_set_new(out, "reason", json_string(fever ? "fever" : "symptoms"));
		copy_field(out, k->rec, "by");
		set_measured(out, k);
		add_event(res, out);
	}
	out = event_new(q, "alert", c->id, k->at);
	copy_person(out, c->rec);
	copy_field(out, c->rec, "officer");
	set_measured(out, k);
	copy_field(out, k->rec, "by");
	json_object_set_new(out, "reasons", reasons);
	/* Escalated by now: it was, or the event above escalates it. */
	json_object_set_new(out, "status", json_string(cg_case_status_name(CG_CASE_ESCALATED)));
	return add_event(res, out);
}

int cg_quarantine_check(const struct cg_quarantine *q, const json_t *in,
			struct cg_quarantine_result *res, char *why, size_t whylen)
{
	struct check k = { .rec = json_copy((json_t *)in) };
	json_t *reasons;
	int w, fever, r;

	if ((r = read_check(q, &k, why, whylen)))
		goto out;
	w = cg_quarantine_window_of(&q->cfg->quarantine, k.minute);
	fever = k.t >= q->cfg->policy.fever_threshold;
	reasons = json_array();
	if (fever)
		json_array_append_new(reasons, json_string("fever"));
	if (json_array_size(k.symptoms))
		json_array_append_new(reasons, json_string("symptoms"));
	check_warnings(q, &k, w, res);
	r = add_event(res, check_event(q, &k, w, json_array_size(reasons) != 0));
	if (json_array_size(reasons))
		r = check_alert(q, &k, fever, reasons, res);
	else
		json_decref(reasons);
out:
	json_decref(k.rec);
	return r;
}

/* ---- escalate, close, extend ---- */

static const char *const transition_skip[] = {
	RESERVED, PERSON, CASE_FIELDS, "by", "add_days", "need", "need_id", "done", NULL
};

/*
 * What escalate, close and extend read first: a copy of the input (*rec,
 * for the caller to release, even on failure), its time, its case, and a
 * "by" that is a string if given.
 */
static int case_input(const struct cg_quarantine *q, const json_t *in, json_t **rec,
		      struct cg_case **c, cg_time_t *at, char *why, size_t whylen)
{
	const char *by;
	int r;

	*rec = json_copy((json_t *)in);
	if ((r = get_ts(q, *rec, at, why, whylen)) ||
	    (r = find_case(q, *rec, c, why, whylen)))
		return r;
	return get_str(*rec, "by", &by, 0, why, whylen);
}

/* The event out for the result, with the input's "by" and the fields of
 * its own that skip does not name. */
static int add_event_from(struct cg_quarantine_result *res, json_t *out, const json_t *rec,
			  const char *const *skip)
{
	copy_field(out, rec, "by");
	pass_through(out, rec, skip);
	return add_event(res, out);
}

int cg_quarantine_escalate(const struct cg_quarantine *q, const json_t *in,
		            struct cg_quarantine_result *res, char *why, size_t whylen)
{
	json_t *rec, *out;
	const char *reason;
	struct cg_case *c;
	cg_time_t at;
	int r;

	if ((r = case_input(q, in, &rec, &c, &at, why, whylen)) ||
	    (r = get_str(rec, "reason", &reason, 0, why, whylen)))
		goto out;
	if (c->status != CG_CASE_OPEN) {
		if (c->status == CG_CASE_ESCALATED)
			r = fail(why, whylen, _("case '%s' is already escalated"), c->id);
		else
			snprintf(why, whylen, _("case '%s' is %s: only open cases can be escalated"),
				 c->id, status_name(c)), r = 1;
		goto out;
	}
	reason = q->reason ? q->reason : json_string_value(json_object_get(rec, "reason"));
	out = event_new(q, "escalate", c->id, at);
	json_object_set_new(out, "reason", json_string(reason ? reason : "manual"));
	r = add_event_from(res, out, rec, transition_skip);
out:
	json_decref(rec);
	return r;
}

int cg_quarantine_close(const struct cg_quarantine *q, const json_t *in,
		         struct cg_quarantine_result *res, char *why, size_t whylen)
{
	json_t *rec, *out;
	const char *reason;
	struct cg_case *c;
	cg_time_t at;
	int r;

	if ((r = case_input(q, in, &rec, &c, &at, why, whylen)))
		goto out;
	reason = q->reason;
	if (!reason && (r = get_str(rec, "reason", &reason, 1, why, whylen)))
		goto out;
	if (!cg_quarantine_close_reason_ok(reason)) {
		r = fail(why, whylen,
			 _("unknown close reason '%s' (transferred, hospital, moved_out, cancelled, error)"),
			 reason);
		goto out;
	}
	if (!is_active(c)) {
		snprintf(why, whylen, _("case '%s' is already %s"), c->id, status_name(c));
		r = 1;
		goto out;
	}
	out = event_new(q, "close", c->id, at);
	json_object_set_new(out, "reason", json_string(reason));
	r = add_event_from(res, out, rec, transition_skip);
out:
	json_decref(rec);
	return r;
}

int cg_quarantine_extend(const struct cg_quarantine *q, const json_t *in,
		          struct cg_quarantine_result *res, char *why, size_t whylen)
{
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	json_t *rec, *out;
	struct cg_case *c;
	int32_t served;
	cg_time_t at;
	int days, add, cur, r;

	if ((r = case_input(q, in, &rec, &c, &at, why, whylen)) ||
	    (r = get_int(rec, "days", 1, MAX_DAYS, &days, why, whylen)) ||
	    (r = get_int(rec, "add_days", 1, MAX_DAYS, &add, why, whylen)))
		goto out;
	if (days && add) {
		r = fail(why, whylen, "%s", _("give 'days' (the new length) or 'add_days', not both"));
		goto out;
	}
	if (!days && !add) {
		days = q->days;
		add = q->add_days;
	}
	if (!days && !add) {
		r = fail(why, whylen, "%s",
			 _("missing field 'days' (the new length) or 'add_days' (see --days)"));
		goto out;
	}
	if (!is_active(c)) {
		snprintf(why, whylen, _("case '%s' is %s: only open or escalated cases can be extended"),
			 c->id, status_name(c));
		r = 1;
		goto out;
	}
	if (c->start_day == CG_CASE_NO_DAY || c->end_day == CG_CASE_NO_DAY) {
		r = fail(why, whylen, _("case '%s' has no start or end date in the journal"), c->id);
		goto out;
	}
	cur = (int)(c->end_day - c->start_day + 1);
	if (add)
		days = cur + add;
	served = cg_local_day(at, NULL) - c->start_day + 1;
	if (days > MAX_DAYS) {
		snprintf(why, whylen, _("case '%s' would last %d days, more than %d"),
			 c->id, days, MAX_DAYS);
		r = 1;
	} else if (days < p->min_days) {
		snprintf(why, whylen, _("case '%s' cannot be shorter than %d days (quarantine.min_days), asked %d"),
			 c->id, p->min_days, days);
		r = 1;
	} else if (days < served) {
		snprintf(why, whylen, _("case '%s' is on day %d: it cannot end after %d days"),
			 c->id, (int)served, days);
		r = 1;
	} else if (days == cur) {
		snprintf(why, whylen, _("case '%s' already lasts %d days"), c->id, days);
		r = 1;
	}
	if (r)
		goto out;
	out = event_new(q, "extend", c->id, at);
	json_object_set_new(out, "days", json_integer(days));
	cg_json_set_day(out, "end", c->start_day + days - 1);
	cg_json_set_day(out, "previous_end", c->end_day);
	r = add_event_from(res, out, rec, transition_skip);
out:
	json_decref(rec);
	return r;
}

/* ---- need ---- */

int cg_quarantine_need(const struct cg_quarantine *q, const json_t *in,
		        struct cg_quarantine_result *res, char *why, size_t whylen)
{
	json_t *rec = json_copy((json_t *)in), *out, *need;
	const json_t *done = json_object_get(rec, "done");
	const char *need_id, *what, *by;
	char nid[CG_CASE_ID_LEN + 16];
	struct cg_case *c;
	cg_time_t at;
	int r;

	if ((r = get_ts(q, rec, &at, why, whylen)) ||
	    (r = get_str(rec, "need_id", &need_id, 0, why, whylen)) ||
	    (r = get_str(rec, "by", &by, 0, why, whylen)))
		goto out;
	if (done && !json_is_boolean(done)) {
		r = fail(why, whylen, _("'%s' must be true or false"), "done");
		goto out;
	}
	if (json_is_true(done)) {
		static const char *const skip[] = {
			RESERVED, PERSON, CASE_FIELDS, "need_id", "need", "done", "by", NULL
		};

		if (!need_id) {
			r = fail(why, whylen, _("missing field '%s'"), "need_id");
			goto out;
		}
		if (!(need = cg_casebook_find_need(q->cb, need_id, &c))) {
			r = fail(why, whylen, _("unknown need '%s'"), need_id);
			goto out;
		}
		if (json_is_true(json_object_get(need, "done"))) {
			r = fail(why, whylen, _("need '%s' is already done"), need_id);
			goto out;
		}
		out = event_new(q, "need_done", c->id, at);
		json_object_set_new(out, "need_id", json_string(need_id));
		copy_field(out, need, "need");
		r = add_event_from(res, out, rec, skip);
		goto out;
	}
	if (need_id) {
		r = fail(why, whylen, "%s", _("'need_id' names a need to close: add \"done\":true"));
		goto out;
	}
	if ((r = find_case(q, rec, &c, why, whylen)) ||
	    (r = get_str(rec, "need", &what, 1, why, whylen)))
		goto out;
	if (!is_active(c)) {
		snprintf(why, whylen, _("case '%s' is %s: no new needs after a case has ended"),
			 c->id, status_name(c));
		r = 1;
		goto out;
	}
	snprintf(nid, sizeof(nid), "%s-N%zu", c->id, json_array_size(c->needs) + 1);
	out = event_new(q, "need", c->id, at);
	json_object_set_new(out, "need_id", json_string(nid));
	json_object_set_new(out, "need", json_string(what));
	r = add_event_from(res, out, rec, transition_skip);
out:
	json_decref(rec);
	return r;
}

/* ---- windows of a case ---- */

/* Window w of day d is expected of c: within its days, closing after it
 * was opened. */
static int expected(const struct cg_quarantine_policy *p, const struct cg_case *c,
		    int32_t d, int w)
{
	if (d < c->start_day || d > c->end_day)
		return 0;
	if (c->opened_day == CG_CASE_NO_DAY || d > c->opened_day)
		return 1;
	return d == c->opened_day && p->window_end_min[w] > c->opened_minute;
}

static int closed(const struct cg_quarantine *q, int32_t d, int w)
{
	return d < q->today ||
	       (d == q->today && q->now_minute >= q->cfg->quarantine.window_end_min[w]);
}

/* Bit w of done[d - from] for every window of from..to with a check. */
static void windows_done(const struct cg_quarantine_policy *p, const struct cg_case *c,
			 int32_t from, int32_t to, unsigned char *done)
{
	memset(done, 0, (size_t)(to - from + 1));
	for (size_t i = 0; i < c->nchecks; i++) {
		const struct cg_case_check *k = &c->checks[i];
		int w;

		if (k->day < from || k->day > to)
			continue;
		if ((w = cg_quarantine_window_of(p, k->minute)) >= 0)
			done[k->day - from] |= (unsigned char)(1u << w);
	}
}

static int has_check_on(const struct cg_case *c, int32_t day)
{
	for (size_t i = 0; i < c->nchecks; i++)
		if (c->checks[i].day == day)
			return 1;
	return 0;
}

/* "DATE LABEL": a window of a day, from its parts. */
static json_t *window_name(const char *date, const char *label)
{
	char buf[CG_DATE_LEN + CG_WINDOW_LABEL_LEN + 1];
	size_t dl = strlen(date), ll = strlen(label);

	memcpy(buf, date, dl);
	buf[dl] = ' ';
	memcpy(buf + dl + 1, label, ll);
	return json_stringn(buf, dl + 1 + ll);
}

static json_t *window_at(const struct cg_quarantine_policy *p, int32_t d, int w)
{
	char date[CG_DATE_LEN], label[CG_WINDOW_LABEL_LEN];

	cg_day_format(d, date);
	cg_quarantine_window_label(p, w, label);
	return window_name(date, label);
}

static json_t *open_needs(const struct cg_case *c)
{
	json_t *arr = json_array(), *n;
	size_t i;

	json_array_foreach(c->needs, i, n) {
		json_t *o;

		if (json_is_true(json_object_get(n, "done")))
			continue;
		o = json_object();
		copy_field(o, n, "need_id");
		copy_field(o, n, "need");
		copy_field(o, n, "ts");
		json_array_append_new(arr, o);
	}
	return arr;
}

/* ---- due ---- */

unsigned long cg_quarantine_missed_on(const struct cg_quarantine *q, const struct cg_case *c,
				      int32_t day)
{
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	unsigned char done;
	unsigned long n = 0;

	/* The days cg_quarantine_due_record lists windows of: day 1 to
	 * the end, and no later than day. */
	if (c->start_day == CG_CASE_NO_DAY || c->end_day == CG_CASE_NO_DAY ||
	    c->start_day > day || c->end_day < day)
		return 0;
	windows_done(p, c, day, day, &done);
	for (int w = 0; w < p->nwindows; w++)
		n += expected(p, c, day, w) && !(done & (1u << w)) && closed(q, day, w);
	return n;
}

json_t *cg_quarantine_due_record(const struct cg_quarantine *q,
				 const struct cg_case *c, int32_t day)
{
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	json_t *out, *due, *done_w, *missed;
	int32_t last;
	unsigned char *done;
	char buf[64], date[CG_DATE_LEN];
	char labels[CG_MAX_CHECK_WINDOWS][CG_WINDOW_LABEL_LEN];

	if (!is_active(c) || c->start_day == CG_CASE_NO_DAY ||
	    c->end_day == CG_CASE_NO_DAY || c->start_day > day || c->end_day < c->start_day)
		return NULL;
	last = day < c->end_day ? day : c->end_day;
	if (!(done = malloc((size_t)(last - c->start_day + 1))))
		return NULL;
	windows_done(p, c, c->start_day, last, done);
	due = json_array();
	done_w = json_array();
	missed = json_array();
	/* Each label once, each date once: a case has a missed window or two
	 * a day for weeks, and due lists every case. */
	for (int w = 0; w < p->nwindows; w++)
		cg_quarantine_window_label(p, w, labels[w]);
	for (int32_t d = c->start_day; d <= last; d++) {
		date[0] = '\0';
		for (int w = 0; w < p->nwindows; w++) {
			if (!expected(p, c, d, w))
				continue;
			if (done[d - c->start_day] & (1u << w)) {
				if (d == day)
					json_array_append_new(done_w, json_string(labels[w]));
			} else if (closed(q, d, w)) {
				if (!date[0])
					cg_day_format(d, date);
				json_array_append_new(missed, window_name(date, labels[w]));
			} else if (d == day) {
				json_array_append_new(due, json_string(labels[w]));
			}
		}
	}
	free(done);

	out = json_object();
	json_object_set_new(out, "compound", json_string(q->cfg->compound_code));
	cg_json_set_day(out, "date", day);
	json_object_set_new(out, "case_id", json_string(c->id));
	copy_person(out, c->rec);
	copy_field(out, c->rec, "officer");
	json_object_set_new(out, "status", json_string(status_name(c)));
	cg_json_set_day(out, "start", c->start_day);
	cg_json_set_day(out, "end", c->end_day);
	snprintf(buf, sizeof(buf), "%d of %d", (int)(day - c->start_day + 1),
		 (int)(c->end_day - c->start_day + 1));
	json_object_set_new(out, "day", json_string(buf));
	json_object_set_new(out, "day_number", json_integer(day - c->start_day + 1));
	json_object_set_new(out, "days", json_integer(c->end_day - c->start_day + 1));
	json_object_set_new(out, "windows_due", due);
	json_object_set_new(out, "windows_done", done_w);
	json_object_set_new(out, "missed", json_integer((json_int_t)json_array_size(missed)));
	json_object_set_new(out, "missed_windows", missed);
	json_object_set_new(out, "ending_today", json_boolean(c->end_day == day));
	json_object_set_new(out, "ending_tomorrow", json_boolean(c->end_day == day + 1));
	json_object_set_new(out, "period_over", json_boolean(c->end_day < day));
	json_object_set_new(out, "days_not_seen", json_integer(cg_followup_days_not_seen(c, day)));
	json_object_set_new(out, "lost", json_boolean(cg_followup_lost(p, c, day)));
	json_object_set_new(out, "needs_open", open_needs(c));
	return out;
}

/* Print rec (stolen) through the loop, not journaled. */
static int print_only(struct cg_loop *lp, json_t *rec, struct cg_err *err)
{
	int ret = cg_loop_print(lp, rec, err);

	json_decref(rec);
	return ret;
}

/* The due record of c printed when there is one: 1, 0 when not, -1. */
static int due_one(const struct cg_quarantine *q, const struct cg_case *c, int32_t day,
		   struct cg_loop *lp, struct cg_err *err)
{
	json_t *rec = cg_quarantine_due_record(q, c, day);

	if (!rec)
		return 0;
	return print_only(lp, rec, err) < 0 ? -1 : 1;
}

long cg_quarantine_due(const struct cg_quarantine *q, int32_t day, struct cg_loop *lp,
		       struct cg_err *err)
{
	long n = 0;

	for (size_t i = 0; i < q->cb->ncases; i++) {
		int r = due_one(q, q->cb->list[i], day, lp, err);

		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}

/* What due and release do to each case read from the index. */
struct each {
	struct cg_quarantine *q;
	struct cg_loop *lp;
	int32_t day;
	int explain;
	long n;
};

static int due_each(void *ctx, struct cg_case *c, struct cg_err *err)
{
	struct each *e = ctx;
	int r = due_one(e->q, c, e->day, e->lp, err);

	e->n += r > 0;
	return r < 0 ? -1 : 0;
}

long cg_quarantine_due_each(struct cg_quarantine *q, const struct cg_home *h, int32_t day,
			    struct cg_loop *lp, struct cg_err *err)
{
	struct each e = { q, lp, day, 0, 0 };

	return cg_casebook_each_active(q->cb, h, due_each, &e, err) < 0 ? -1 : e.n;
}

/* ---- release ---- */

/* The windows of the final day that are expected and have no check. */
static json_t *final_day_missed(const struct cg_quarantine *q, const struct cg_case *c)
{
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	json_t *missed = json_array();
	unsigned char done;

	windows_done(p, c, c->end_day, c->end_day, &done);
	for (int w = 0; w < p->nwindows; w++)
		if (expected(p, c, c->end_day, w) && !(done & (1u << w)))
			json_array_append_new(missed, window_at(p, c->end_day, w));
	return missed;
}

json_t *cg_quarantine_release_reasons(const struct cg_quarantine *q,
				      const struct cg_case *c, int32_t day)
{
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	json_t *r = json_array();
	size_t n = (size_t)p->release_checks_normal;

	if (c->status == CG_CASE_RELEASED || c->status == CG_CASE_CLOSED)
		json_array_append_new(r, json_string(status_name(c)));
	if (c->status == CG_CASE_ESCALATED)
		json_array_append_new(r, json_string("escalated"));
	if (c->end_day == CG_CASE_NO_DAY || c->end_day >= day)
		json_array_append_new(r, json_string("period_not_over"));
	if (c->nchecks < n) {
		json_array_append_new(r, json_string("too_few_checks"));
	} else {
		for (size_t i = c->nchecks - n; i < c->nchecks; i++)
			if (c->checks[i].alert) {
				json_array_append_new(r, json_string("abnormal_check"));
				break;
			}
	}
	if (q->final_day_check && c->end_day != CG_CASE_NO_DAY) {
		json_t *missed = final_day_missed(q, c);

		if (json_array_size(missed) ||
		    (!p->nwindows && !has_check_on(c, c->end_day)))
			json_array_append_new(r, json_string("final_day_missed"));
		json_decref(missed);
	}
	return r;
}

/* The reason codes in words, for --explain. */
static json_t *explain_text(const struct cg_quarantine *q, const struct cg_case *c,
			    const json_t *codes)
{
	const struct cg_quarantine_policy *p = &q->cfg->quarantine;
	json_t *out = json_array(), *v;
	char buf[512];
	size_t i;

	json_array_foreach(codes, i, v) {
		const char *code = json_string_value(v);

		if (!strcmp(code, "escalated")) {
			snprintf(buf, sizeof(buf), "%s",
				 _("the case is escalated: close it (transferred, hospital) once dealt with"));
		} else if (!strcmp(code, "too_few_checks")) {
			snprintf(buf, sizeof(buf),
				 _("%zu check(s) recorded, the policy wants the last %d normal"),
				 c->nchecks, p->release_checks_normal);
		} else if (!strcmp(code, "abnormal_check")) {
			snprintf(buf, sizeof(buf),
				 _("one of the last %d checks was an alert"), p->release_checks_normal);
		} else if (!strcmp(code, "final_day_missed")) {
			json_t *missed = final_day_missed(q, c);
			char list[256] = "";
			size_t k;
			json_t *m;

			json_array_foreach(missed, k, m)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 k ? ", " : "", json_string_value(m));
			json_decref(missed);
			if (*list)
				snprintf(buf, sizeof(buf),
					 _("no check in the final day's window(s) %s (see --no-final-day-check)"),
					 list);
			else
				snprintf(buf, sizeof(buf), "%s",
					 _("no check on the final day (see --no-final-day-check)"));
		} else if (!strcmp(code, "period_not_over")) {
			snprintf(buf, sizeof(buf), "%s", _("the period is not over"));
		} else {
			snprintf(buf, sizeof(buf), _("the case is %s"), code);
		}
		json_array_append_new(out, json_string(buf));
	}
	return out;
}

static json_t *explain_record(const struct cg_quarantine *q, const struct cg_case *c,
			      int32_t day, json_t *codes)
{
	json_t *out = json_object();

	json_object_set_new(out, "compound", json_string(q->cfg->compound_code));
	cg_json_set_day(out, "date", day);
	json_object_set_new(out, "case_id", json_string(c->id));
	copy_person(out, c->rec);
	copy_field(out, c->rec, "officer");
	json_object_set_new(out, "status", json_string(status_name(c)));
	cg_json_set_day(out, "start", c->start_day);
	cg_json_set_day(out, "end", c->end_day);
	json_object_set_new(out, "releasable", json_false());
	json_object_set_new(out, "why", explain_text(q, c, codes));
	json_object_set_new(out, "reasons", codes);
	return out;
}

json_t *cg_quarantine_release_event(const struct cg_quarantine *q, const struct cg_case *c,
				    int32_t day, int explain)
{
	json_t *codes, *out;

	if (!is_active(c) || c->end_day == CG_CASE_NO_DAY || c->end_day >= day)
		return NULL;
	codes = cg_quarantine_release_reasons(q, c, day);
	if (explain) {
		if (json_array_size(codes))
			return explain_record(q, c, day, codes);
		json_decref(codes);
		return NULL;
	}
	if (json_array_size(codes)) {
		json_decref(codes);
		return NULL;
	}
	json_decref(codes);
	out = event_new(q, "release", c->id, q->now);
	copy_person(out, c->rec);
	json_object_set_new(out, "class", json_string("returnee"));
	cg_json_set_time(out, "released_at", q->now);
	return out;
}

/* Release c (journaled, printed, folded in), or with explain print why
 * not: 1, 0 when there is nothing to do or say, -1. */
static int release_one(struct cg_quarantine *q, const struct cg_case *c, int32_t day,
		       int explain, struct cg_loop *lp, struct cg_err *err)
{
	json_t *out = cg_quarantine_release_event(q, c, day, explain);
	int ret;

	if (!out)
		return 0;
	if (explain) {
		ret = print_only(lp, out, err);
	} else {
		ret = write_event(q, lp, out, err);
		json_decref(out);
		if (ret == 0)
			ret = cg_loop_commit_due(lp, err);
	}
	return ret < 0 ? -1 : 1;
}

long cg_quarantine_release(struct cg_quarantine *q, int32_t day, int explain,
			   struct cg_loop *lp, struct cg_err *err)
{
	long n = 0;

	for (size_t i = 0; i < q->cb->ncases; i++) {
		int r = release_one(q, q->cb->list[i], day, explain, lp, err);

		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}

static int release_each(void *ctx, struct cg_case *c, struct cg_err *err)
{
	struct each *e = ctx;
	int r = release_one(e->q, c, e->day, e->explain, e->lp, err);

	e->n += r > 0;
	return r < 0 ? -1 : 0;
}

long cg_quarantine_release_each(struct cg_quarantine *q, const struct cg_home *h,
				int32_t day, int explain, struct cg_loop *lp,
				struct cg_err *err)
{
	struct each e = { q, lp, day, explain, 0 };

	return cg_casebook_each_active(q->cb, h, release_each, &e, err) < 0 ? -1 : e.n;
}

/* ---- list and show ---- */

json_t *cg_quarantine_case_record(const struct cg_quarantine *q, const struct cg_case *c)
{
	static const char *const order[] = {
		"name", "id_no", "phone", "household", "reason", "from", "start", "end",
		"days", "officer", NULL
	};
	static const char *const later[] = {
		"escalated_at", "escalate_reason", "released_at", "closed_at",
		"close_reason", NULL
	};
	static const char *const skip[] = {
		"ts", "event", "compound", "case_id", "status", "seq", "chain", NULL
	};
	json_t *out = json_object();
	const char *key;
	json_t *val;

	json_object_set_new(out, "compound", json_string(q->cfg->compound_code));
	json_object_set_new(out, "case_id", json_string(c->id));
	json_object_set_new(out, "status", json_string(status_name(c)));
	for (const char *const *k = order; *k; k++)
		copy_field(out, c->rec, *k);
	json_object_set(out, "opened_at", json_object_get(c->rec, "ts") ?
			json_object_get(c->rec, "ts") : json_null());
	for (const char *const *k = later; *k; k++)
		copy_field(out, c->rec, *k);
	json_object_foreach(c->rec, key, val)
		if (!in_list(key, skip) && !json_object_get(out, key))
			json_object_set(out, key, val);
	json_object_set_new(out, "check_count", json_integer((json_int_t)c->nchecks));
	json_object_set_new(out, "alert_count", json_integer((json_int_t)c->nalerts));
	if (c->nchecks)
		cg_json_set_time(out, "last_check", c->checks[c->nchecks - 1].at);
	else
		json_object_set_new(out, "last_check", json_null());
	json_object_set_new(out, "needs_open", json_integer((json_int_t)c->needs_open));
	return out;
}

/* ev without the fields its case already says. */
static json_t *event_entry(const json_t *ev, int keep_event)
{
	json_t *o;

	if (!strcmp(json_string_value(json_object_get(ev, "event")), "open")) {
		/* The case record holds the rest. */
		o = json_object();
		copy_field(o, ev, "ts");
		copy_field(o, ev, "event");
		return o;
	}
	o = json_copy((json_t *)ev);

	json_object_del(o, "compound");
	json_object_del(o, "case_id");
	json_object_del(o, "seq");
	json_object_del(o, "chain");
	if (!keep_event)
		json_object_del(o, "event");
	return o;
}

json_t *cg_quarantine_show_record(const struct cg_quarantine *q, const struct cg_case *c)
{
	json_t *out = cg_quarantine_case_record(q, c);
	json_t *checks = json_array(), *history = json_array(), *ev;
	size_t i;

	json_array_foreach(c->events, i, ev) {
		const char *event = json_string_value(json_object_get(ev, "event"));

		const json_t *seq = json_object_get(ev, "seq");

		/* A check voided or amended since is history, not a check. */
		if (!strcmp(event, "check") &&
		    (!json_is_integer(seq) || cg_case_check_at(c, (uint64_t)json_integer_value(seq))))
			json_array_append_new(checks, event_entry(ev, 0));
		else if (!strcmp(event, "check"))
			json_array_append_new(history, event_entry(ev, 1));
		else if (strcmp(event, "need") && strcmp(event, "need_done"))
			json_array_append_new(history, event_entry(ev, 1));
	}
	json_object_set_new(out, "checks", checks);
	json_object_set_new(out, "needs", json_deep_copy(c->needs));
	json_object_set_new(out, "history", history);
	return out;
}

static int selected(const struct cg_case *c, const struct cg_quarantine_select *sel)
{
	const char *s;

	if (sel->status) {
		if (!strcmp(sel->status, "active")) {
			if (!is_active(c))
				return 0;
		} else if (strcmp(sel->status, status_name(c))) {
			return 0;
		}
	}
	if (sel->officer && (!(s = json_string_value(json_object_get(c->rec, "officer"))) ||
			     strcmp(s, sel->officer)))
		return 0;
	if (sel->household && (!(s = json_string_value(json_object_get(c->rec, "household"))) ||
			       strcmp(s, sel->household)))
		return 0;
	return 1;
}

long cg_quarantine_list(const struct cg_quarantine *q, const struct cg_quarantine_select *sel,
			struct cg_loop *lp, struct cg_err *err)
{
	long n = 0;

	for (size_t i = 0; i < q->cb->ncases; i++) {
		struct cg_case *c = q->cb->list[i];

		if (!selected(c, sel))
			continue;
		n++;
		if (print_only(lp, cg_quarantine_case_record(q, c), err) < 0)
			return -1;
	}
	return n;
}

struct list_each {
	const struct cg_quarantine *q;
	const struct cg_quarantine_select *sel;
	struct cg_loop *lp;
	long n;
};

static int list_one(void *ctx, struct cg_case *c, struct cg_err *err)
{
	struct list_each *e = ctx;

	if (!selected(c, e->sel))
		return 0;
	e->n++;
	return print_only(e->lp, cg_quarantine_case_record(e->q, c), err);
}

long cg_quarantine_list_each(struct cg_quarantine *q, const struct cg_home *h,
			     const struct cg_quarantine_select *sel, struct cg_loop *lp,
			     struct cg_err *err)
{
	struct list_each e = { q, sel, lp, 0 };

	return cg_casebook_each(q->cb, h, list_one, &e, err) < 0 ? -1 : e.n;
}
