/*
 * The listing commands' text for a person (ui/listing.h): aligned tables
 * and blocks of labelled lines, translated and masked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/mask.h"
#include "core/table.h"
#include "report/report.h"
#include "ui/listing.h"

/* ---- labels ---- */

/*
 * The codes of listings that the report's labels (report-labels.c) do not
 * hold, or hold with another meaning: "domain:code" first, then the code.
 */
static const struct {
	const char *code, *label;
} labels[] = {
	/* a pass as verify and list judge it */
	{ "pass:ok", N_("valid") },
	{ "expired", N_("expired") },
	{ "not_yet_valid", N_("not yet valid") },
	{ "revoked", N_("revoked") },
	{ "pass:unknown", N_("unknown pass") },
	{ "bad_signature", N_("bad signature") },
	{ "malformed", N_("unreadable") },
	{ "holder_quarantined", N_("holder under observation") },
	/* why a case was opened or closed */
	{ "risk_area_return", N_("back from a risk area") },
	{ "other", N_("other") },
	{ "transferred", N_("transferred") },
	{ "hospital", N_("to hospital") },
	{ "moved_out", N_("moved out") },
	{ "cancelled", N_("cancelled") },
	{ "error", N_("opened by mistake") },
	/* a check's result */
	{ "result:ok", N_("normal") },
	/* the events of a case's history */
	{ "event:open", N_("opened") },
	{ "event:check", N_("check") },
	{ "event:escalate", N_("escalated") },
	{ "event:release", N_("released") },
	{ "event:close", N_("closed") },
	{ "event:extend", N_("extended") },
	{ "event:need", N_("need") },
	{ "event:need_done", N_("need done") },
	{ "event:void", N_("voided") },
	{ "event:amend", N_("amended") },
	/* symptoms (free words; these the common ones) */
	{ "cough", N_("cough") },
	{ "fatigue", N_("fatigue") },
	{ "sore_throat", N_("sore throat") },
	{ "diarrhea", N_("diarrhoea") },
	{ "shortness_of_breath", N_("shortness of breath") },
	/* needs */
	{ "supplies", N_("supplies") },
	{ "garbage", N_("garbage") },
	{ "repair", N_("repair") },
	{ "medical", N_("medical") },
};

const char *cg_listing_label(const char *domain, const char *code)
{
	char key[64];
	size_t n = sizeof(labels) / sizeof(labels[0]);

	if (!code || !*code)
		return "";
	snprintf(key, sizeof(key), "%s:%s", domain ? domain : "", code);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i].code, key))
			return _(labels[i].label);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i].code, code))
			return _(labels[i].label);
	return cg_report_label(code);
}

/* ---- fields ---- */

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* A number as text: a temperature with one decimal; "" when absent. */
static const char *num(const json_t *o, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%.1f", json_real_value(v));
	else
		snprintf(buf, size, "%s", str(o, key));
	return buf;
}

/* "2026-01-25T08:03:11+08:00" as "2026-01-25 08:03", in its own offset. */
static const char *short_time(const char *ts, char out[32])
{
	if (strlen(ts) >= 16 && ts[10] == 'T')
		snprintf(out, 32, "%.10s %.5s", ts, ts + 11);
	else
		snprintf(out, 32, "%s", ts);
	return out;
}

static const char *masked(const json_t *o, const char *key, char *buf, size_t size)
{
	const char *s = str(o, key);

	if (!*s)
		return "";
	if (!strcmp(key, "phone"))
		return cg_mask_phone(s, buf, size);
	if (!strcmp(key, "id_no"))
		return cg_mask_id_no(s, buf, size);
	return cg_mask_name(s, buf, size);
}

/* The strings of an array, labelled in domain, joined by sep. */
static const char *joined(const json_t *a, const char *domain, const char *sep,
			  char *buf, size_t size)
{
	size_t i, n = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		const char *s = json_is_string(v) ? cg_listing_label(domain, json_string_value(v)) : "";

		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? sep : "", s);
	}
	return buf;
}

/* A table written, or a line that says there is nothing to list. */
static int finish(struct cg_table *t, struct cg_buf *out)
{
	int ret = t->nrows ? cg_table_write(t, out) : cg_buf_addf(out, "%s\n", _("(nothing to list)"));

	cg_table_release(t);
	return ret;
}

/* Rows of an array of records, each made by row(). */
typedef int row_fn(struct cg_table *t, const json_t *rec);

static int rows(struct cg_table *t, const json_t *recs, row_fn *row, struct cg_buf *out)
{
	size_t i;
	json_t *rec;

	json_array_foreach(recs, i, rec)
		if (row(t, rec) < 0) {
			cg_table_release(t);
			errno = ENOMEM;
			return -1;
		}
	return finish(t, out);
}

/* ---- cg-quarantine ---- */

static int case_row(struct cg_table *t, const json_t *c)
{
	char name[64], officer[64], checks[24], last[32], needs[24];
	const char *cells[] = {
		str(c, "case_id"), cg_listing_label(NULL, str(c, "status")),
		masked(c, "name", name, sizeof(name)), str(c, "household"),
		cg_listing_label(NULL, str(c, "reason")), str(c, "start"), str(c, "end"),
		masked(c, "officer", officer, sizeof(officer)),
		num(c, "check_count", checks, sizeof(checks)),
		short_time(str(c, "last_check"), last), num(c, "needs_open", needs, sizeof(needs)),
	};

	return cg_table_add(t, cells);
}

int cg_listing_cases(const json_t *cases, struct cg_buf *out)
{
	const char *head[] = {
		_("case"), _("status"), _("name"), _("household"), _("reason"), _("start"),
		_("end"), _("officer"), _("checks"), _("last check"), _("needs"),
	};
	struct cg_table t;

	cg_table_init(&t, sizeof(head) / sizeof(head[0]), head, "llllllllrlr");
	return rows(&t, cases, case_row, out);
}

/* What a person should know of a case's day beyond its windows. */
static const char *due_note(const json_t *d, char *buf, size_t size)
{
	json_int_t unseen = json_integer_value(json_object_get(d, "days_not_seen"));
	size_t n = 0;

	buf[0] = '\0';
	if (json_is_true(json_object_get(d, "period_over")))
		n += (size_t)snprintf(buf, size, "%s", _("period over"));
	else if (json_is_true(json_object_get(d, "ending_today")))
		n += (size_t)snprintf(buf, size, "%s", _("ends today"));
	else if (json_is_true(json_object_get(d, "ending_tomorrow")))
		n += (size_t)snprintf(buf, size, "%s", _("ends tomorrow"));
	if (unseen > 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				      json_is_true(json_object_get(d, "lost")) ?
				      _("lost to follow-up") : _("not seen"));
	if (unseen > 0 && n < size)
		snprintf(buf + n, size - n, _(" (%lld days)"), (long long)unseen);
	return buf;
}

static int due_row(struct cg_table *t, const json_t *d)
{
	char name[64], officer[64], day[32], missed[24], needs[24];
	char todo[128], done[128], note[160];
	const char *cells[11];

	snprintf(day, sizeof(day), "%lld/%lld",
		 (long long)json_integer_value(json_object_get(d, "day_number")),
		 (long long)json_integer_value(json_object_get(d, "days")));
	snprintf(needs, sizeof(needs), "%zu", json_array_size(json_object_get(d, "needs_open")));
	cells[0] = str(d, "case_id");
	cells[1] = masked(d, "name", name, sizeof(name));
	cells[2] = str(d, "household");
	cells[3] = day;
	cells[4] = cg_listing_label(NULL, str(d, "status"));
	cells[5] = joined(json_object_get(d, "windows_due"), NULL, " ", todo, sizeof(todo));
	cells[6] = joined(json_object_get(d, "windows_done"), NULL, " ", done, sizeof(done));
	cells[7] = num(d, "missed", missed, sizeof(missed));
	cells[8] = needs;
	cells[9] = due_note(d, note, sizeof(note));
	cells[10] = masked(d, "officer", officer, sizeof(officer));
	return cg_table_add(t, cells);
}

int cg_listing_due(const json_t *due, struct cg_buf *out)
{
	const char *head[] = {
		_("case"), _("name"), _("household"), _("day"), _("status"), _("due"),
		_("done"), _("missed"), _("needs"), _("note"), _("officer"),
	};
	struct cg_table t;

	cg_table_init(&t, sizeof(head) / sizeof(head[0]), head, "lllrllllrll");
	return rows(&t, due, due_row, out);
}

/* A share of a day's figures in per cent, "-" for none. */
static const char *percent(const json_t *shares, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(shares, key);

	if (json_is_number(v))
		snprintf(buf, size, "%d%%", (int)(json_number_value(v) * 100 + 0.5));
	else
		snprintf(buf, size, "-");
	return buf;
}

static int followup_row(struct cg_table *t, const json_t *f)
{
	const json_t *sh = json_object_get(f, "shares");
	char n[6][24], p[4][8];
	const char *cells[] = {
		str(f, "date"), num(f, "open", n[0], 24),
		num(f, "followed", n[1], 24), percent(sh, "followed", p[0], 8),
		num(f, "missed", n[2], 24), percent(sh, "missed", p[1], 8),
		num(f, "lost", n[3], 24), percent(sh, "lost", p[2], 8),
		num(f, "released", n[4], 24),
		num(f, "released_followed", n[5], 24), percent(sh, "released_followed", p[3], 8),
	};

	return cg_table_add(t, cells);
}

int cg_listing_followup(const json_t *days, struct cg_buf *out)
{
	const char *head[] = {
		_("date"), _("open"), _("followed"), "", _("missed"), "", _("lost"), "",
		_("released"), _("followed all"), "",
	};
	struct cg_table t;

	cg_table_init(&t, 11, head, "lrrrrrrrrrr");
	return rows(&t, days, followup_row, out);
}

/* A case that cannot be released: a row a reason, the case on the first. */
static int unreleasable_row(struct cg_table *t, const json_t *c)
{
	const json_t *why = json_object_get(c, "why");
	char name[64];
	const char *cells[] = {
		str(c, "case_id"), masked(c, "name", name, sizeof(name)), str(c, "household"),
		cg_listing_label(NULL, str(c, "status")), str(c, "end"),
		json_string_value(json_array_get(why, 0)),
	};
	int ret = cg_table_add(t, cells);

	for (size_t i = 1; i < json_array_size(why) && ret == 0; i++) {
		const char *more[] = { "", "", "", "", "", json_string_value(json_array_get(why, i)) };

		ret = cg_table_add(t, more);
	}
	return ret;
}

int cg_listing_unreleasable(const json_t *cases, struct cg_buf *out)
{
	const char *head[] = {
		_("case"), _("name"), _("household"), _("status"), _("end"), _("why not released"),
	};
	struct cg_table t;

	cg_table_init(&t, 6, head, NULL);
	return rows(&t, cases, unreleasable_row, out);
}

/* A "label  value" line of a block; none for an empty value. */
static int field(struct cg_table *t, const char *label, const char *value)
{
	const char *cells[2] = { label, value };

	return value && *value ? cg_table_add(t, cells) : 0;
}

/* A time and, when there is one, why: "2026-01-25 17:00 (fever)". */
static const char *when_why(const json_t *c, const char *at, const char *why, char *buf,
			    size_t size)
{
	char t[32];

	if (!*str(c, at))
		return "";
	if (*str(c, why))
		snprintf(buf, size, "%s (%s)", short_time(str(c, at), t),
			 cg_listing_label(NULL, str(c, why)));
	else
		snprintf(buf, size, "%s", short_time(str(c, at), t));
	return buf;
}

static int case_block(const json_t *c, struct cg_buf *out)
{
	char name[64], phone[32], id_no[32], officer[64], period[96], checks[64];
	char opened[96], escalated[96], released[96], closed[96];
	struct cg_table t;
	int ret = 0;

	snprintf(period, sizeof(period), _("%s to %s (%lld days)"), str(c, "start"), str(c, "end"),
		 (long long)json_integer_value(json_object_get(c, "days")));
	snprintf(checks, sizeof(checks), _("%lld (alerts %lld, needs open %lld)"),
		 (long long)json_integer_value(json_object_get(c, "check_count")),
		 (long long)json_integer_value(json_object_get(c, "alert_count")),
		 (long long)json_integer_value(json_object_get(c, "needs_open")));
	cg_table_init(&t, 2, NULL, NULL);
	ret |= field(&t, _("case"), str(c, "case_id"));
	ret |= field(&t, _("status"), cg_listing_label(NULL, str(c, "status")));
	ret |= field(&t, _("name"), masked(c, "name", name, sizeof(name)));
	ret |= field(&t, _("phone"), masked(c, "phone", phone, sizeof(phone)));
	ret |= field(&t, _("ID number"), masked(c, "id_no", id_no, sizeof(id_no)));
	ret |= field(&t, _("household"), str(c, "household"));
	ret |= field(&t, _("reason"), cg_listing_label(NULL, str(c, "reason")));
	ret |= field(&t, _("came from"), str(c, "from"));
	ret |= field(&t, _("period"), period);
	ret |= field(&t, _("officer"), masked(c, "officer", officer, sizeof(officer)));
	ret |= field(&t, _("opened"), when_why(c, "opened_at", "", opened, sizeof(opened)));
	ret |= field(&t, _("escalated"), when_why(c, "escalated_at", "escalate_reason",
						   escalated, sizeof(escalated)));
	ret |= field(&t, _("released"), when_why(c, "released_at", "", released, sizeof(released)));
	ret |= field(&t, _("closed"), when_why(c, "closed_at", "close_reason", closed, sizeof(closed)));
	ret |= field(&t, _("checks"), checks);
	if (ret) {
		cg_table_release(&t);
		errno = ENOMEM;
		return -1;
	}
	return finish(&t, out);
}

static int check_row(struct cg_table *t, const json_t *k)
{
	char at[32], temp[24], day[24], symptoms[256];
	const char *window = str(k, "window");
	const char *cells[] = {
		short_time(str(k, "ts"), at), num(k, "day", day, sizeof(day)),
		*window ? window : "-", num(k, "temp", temp, sizeof(temp)),
		joined(json_object_get(k, "symptoms"), NULL, ", ", symptoms, sizeof(symptoms)),
		cg_listing_label("result", str(k, "result")),
	};

	return cg_table_add(t, cells);
}

static int need_row(struct cg_table *t, const json_t *n)
{
	char at[32];
	const char *cells[] = {
		short_time(str(n, "ts"), at), str(n, "need_id"),
		cg_listing_label(NULL, str(n, "need")), str(n, "what"),
		json_is_true(json_object_get(n, "done")) ? _("handled") : _("open need"),
	};

	return cg_table_add(t, cells);
}

/* An event of the history: its time, what it was, and why or what. */
static int history_row(struct cg_table *t, const json_t *h)
{
	char at[32], temp[24], reasons[256], detail[400];
	const char *cells[3];

	snprintf(detail, sizeof(detail), "%s", cg_listing_label(NULL, str(h, "reason")));
	if (json_object_get(h, "temp"))
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s °C",
			 *detail ? ", " : "", num(h, "temp", temp, sizeof(temp)));
	if (json_array_size(json_object_get(h, "reasons")))
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s",
			 *detail ? ", " : "",
			 joined(json_object_get(h, "reasons"), NULL, ", ", reasons, sizeof(reasons)));
	cells[0] = short_time(str(h, "ts"), at);
	cells[1] = cg_listing_label("event", str(h, "event"));
	cells[2] = detail;
	return cg_table_add(t, cells);
}

/* A part of show: its title, then its table. */
static int part(const char *title, const json_t *recs, size_t ncols, const char *const *head,
		row_fn *row, struct cg_buf *out)
{
	struct cg_table t;

	/* TRANSLATORS: the title of a part of a case shown, "Checks:". */
	if (cg_buf_addch(out, '\n') < 0 || cg_buf_addf(out, _("%s:"), title) < 0 ||
	    cg_buf_addch(out, '\n') < 0)
		return -1;
	cg_table_init(&t, ncols, head, NULL);
	return rows(&t, recs, row, out);
}

int cg_listing_case_show(const json_t *c, struct cg_buf *out)
{
	const char *checks[] = {
		_("time"), _("day"), _("window"), _("temp"), _("symptoms"), _("result"),
	};
	const char *needs[] = { _("time"), _("need id"), _("need"), _("what"), _("status") };
	const char *history[] = { _("time"), _("event"), _("detail") };

	if (case_block(c, out) < 0 ||
	    part(_("Checks"), json_object_get(c, "checks"), 6, checks, check_row, out) < 0 ||
	    part(_("Needs"), json_object_get(c, "needs"), 5, needs, need_row, out) < 0 ||
	    part(_("History"), json_object_get(c, "history"), 3, history, history_row, out) < 0)
		return -1;
	return cg_buf_addch(out, '\n');
}

/* ---- cg-pass ---- */

static int pass_row(struct cg_table *t, const json_t *p)
{
	char holder[64], from[32], until[32];
	const char *cells[] = {
		str(p, "pass_id"), cg_listing_label(NULL, str(p, "class")),
		cg_listing_label("pass", str(p, "status")),
		*str(p, "name") ? masked(p, "name", holder, sizeof(holder)) : str(p, "plate"),
		str(p, "household"), short_time(str(p, "valid_from"), from),
		short_time(str(p, "valid_until"), until),
	};

	return cg_table_add(t, cells);
}

int cg_listing_passes(const json_t *passes, struct cg_buf *out)
{
	const char *head[] = {
		_("pass"), _("class"), _("status"), _("holder"), _("household"),
		_("valid from"), _("valid until"),
	};
	struct cg_table t;

	cg_table_init(&t, 7, head, NULL);
	return rows(&t, passes, pass_row, out);
}

/* s and spaces up to width columns, then two more (after a longer s too):
 * a column of a line printed on its own. */
static int padded(struct cg_buf *out, const char *s, size_t width)
{
	size_t w = cg_text_width(s), end = (w > width ? w : width) + 2;

	if (cg_buf_addstr(out, s) < 0)
		return -1;
	for (; w < end; w++)
		if (cg_buf_addch(out, ' ') < 0)
			return -1;
	return 0;
}

int cg_listing_verdict(const json_t *res, struct cg_buf *out)
{
	int valid = json_is_true(json_object_get(res, "valid"));
	const char *reason = str(res, "reason");
	char until[32], line[256];
	size_t start = out->len;

	if (padded(out, valid ? _("VALID") : _("INVALID"), 8) < 0 ||
	    padded(out, valid ? "" : cg_listing_label("pass", reason), 14) < 0 ||
	    padded(out, *str(res, "pass_id") ? str(res, "pass_id") : "-", 11) < 0 ||
	    padded(out, cg_listing_label(NULL, str(res, "class")), 8) < 0 ||
	    padded(out, str(res, "household"), 10) < 0)
		return -1;
	if (*str(res, "valid_until"))
		snprintf(line, sizeof(line), _("until %s"), short_time(str(res, "valid_until"), until));
	else
		line[0] = '\0';
	if (cg_buf_addstr(out, line) < 0)
		return -1;
	while (out->len > start && out->buf[out->len - 1] == ' ')
		cg_buf_setlen(out, out->len - 1);
	return cg_buf_addch(out, '\n');
}

/* ---- cg-duty ---- */

/* A quantity as a person writes it: 380, 2.5. */
static const char *qty(const json_t *o, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_number(v))
		snprintf(buf, size, "%g", json_number_value(v));
	else
		buf[0] = '\0';
	return buf;
}

static int stock_row(struct cg_table *t, const json_t *it)
{
	char level[32], min[32], week[32], day[32], left[32];
	const char *cells[] = {
		str(it, "item"), qty(it, "level", level, sizeof(level)), str(it, "unit"),
		qty(it, "min", min, sizeof(min)), qty(it, "issued_7d", week, sizeof(week)),
		qty(it, "per_day", day, sizeof(day)), qty(it, "days_left", left, sizeof(left)),
		json_is_true(json_object_get(it, "low")) ? cg_listing_label(NULL, "stock_low") : "",
	};

	return cg_table_add(t, cells);
}

int cg_listing_stock(const json_t *items, struct cg_buf *out)
{
	const char *head[] = {
		_("item"), _("level"), _("unit"), _("minimum"), _("issued in 7 days"),
		_("a day"), _("days left"), "",
	};
	struct cg_table t;

	cg_table_init(&t, 8, head, "lrlrrrrl");
	return rows(&t, items, stock_row, out);
}

/* ---- cg-journal ---- */

int cg_listing_verified(const json_t *v, struct cg_buf *out)
{
	json_int_t records = json_integer_value(json_object_get(v, "records"));
	size_t start = out->len;
	char what[256];

	if (padded(out, json_is_true(json_object_get(v, "ok")) ? _("OK") : _("FAILED"), 6) < 0 ||
	    padded(out, str(v, "journal"), 32) < 0)
		return -1;
	snprintf(what, sizeof(what), ngettext("%lld record", "%lld records", (unsigned long)records),
		 (long long)records);
	if (json_integer_value(json_object_get(v, "torn")))
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s",
			 _(", a torn last line set aside"));
	if (json_is_true(json_object_get(v, "extends")))
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 _(", extends its checkpoint of %lld (%lld since)"),
			 (long long)json_integer_value(json_object_get(v, "checkpoint_size")),
			 (long long)json_integer_value(json_object_get(v, "unsigned")));
	else if (json_object_get(v, "extends"))
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 _(", does not extend its checkpoint of %lld"),
			 (long long)json_integer_value(json_object_get(v, "checkpoint_size")));
	if (cg_buf_addstr(out, what) < 0)
		return -1;
	while (out->len > start && out->buf[out->len - 1] == ' ')
		cg_buf_setlen(out, out->len - 1);
	return cg_buf_addch(out, '\n');
}

/* ---- cg-sync ---- */

/* Where the cursor stands in each journal: "checkin 120, pass 4". */
static const char *positions(const json_t *cur, char *buf, size_t size)
{
	static const char *const streams[] = { "checkin", "pass", "quarantine", "duty", "checkpoint" };
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]) && n < size; i++) {
		const json_t *seq = json_object_get(json_object_get(cur, streams[i]), "seq");

		if (json_is_integer(seq))
			n += (size_t)snprintf(buf + n, size - n, "%s%s %lld", n ? ", " : "",
					      streams[i], (long long)json_integer_value(seq));
	}
	return buf;
}

static int sync_block(const json_t *st, struct cg_buf *out)
{
	const json_t *outbox = json_object_get(st, "outbox");
	json_int_t n = json_integer_value(json_object_get(st, "backlog"));
	char backlog[64], last[32], box[128], dead[32], cursor[256];
	struct cg_table t;
	int ret = 0;

	snprintf(backlog, sizeof(backlog), ngettext("%lld record", "%lld records", (unsigned long)n),
		 (long long)n);
	if (json_is_object(outbox))
		snprintf(box, sizeof(box), _("batch %lld of %lld records, waiting to be sent"),
			 (long long)json_integer_value(json_object_get(outbox, "batch")),
			 (long long)json_integer_value(json_object_get(outbox, "records")));
	else
		snprintf(box, sizeof(box), "%s", _("empty"));
	num(st, "dead", dead, sizeof(dead));
	cg_table_init(&t, 2, NULL, NULL);
	ret |= field(&t, _("target"), str(st, "target"));
	ret |= field(&t, _("url"), *str(st, "url") ? str(st, "url") : "-");
	ret |= field(&t, _("format"), str(st, "format"));
	ret |= field(&t, _("backlog"), backlog);
	ret |= field(&t, _("last success"), *str(st, "last_success") ?
		     short_time(str(st, "last_success"), last) : _("never"));
	ret |= field(&t, _("outbox"), box);
	ret |= field(&t, _("dead letters"), dead);
	ret |= field(&t, _("cursor"), positions(json_object_get(st, "cursor"), cursor,
						sizeof(cursor)));
	if (ret) {
		cg_table_release(&t);
		errno = ENOMEM;
		return -1;
	}
	return finish(&t, out);
}

int cg_listing_sync_status(const json_t *st, struct cg_buf *out)
{
	return sync_block(st, out) < 0 ? -1 : cg_buf_addch(out, '\n');
}

static int dead_row(struct cg_table *t, const json_t *d)
{
	char batch[24], records[24], status[24], error[512];
	const char *cells[] = {
		str(d, "id"), str(d, "stream"), num(d, "batch", batch, sizeof(batch)),
		num(d, "records", records, sizeof(records)), num(d, "status", status, sizeof(status)),
		cg_mask_message(str(d, "error"), error, sizeof(error)),
		str(d, "first_rid"), str(d, "last_rid"),
	};

	return cg_table_add(t, cells);
}

int cg_listing_dead(const json_t *dead, struct cg_buf *out)
{
	const char *head[] = {
		_("dead letter"), _("stream"), _("batch"), _("records"), _("status"), _("error"),
		_("first record"), _("last record"),
	};
	struct cg_table t;

	cg_table_init(&t, 8, head, "llrrrlll");
	return rows(&t, dead, dead_row, out);
}
