/*
 * cg-duty list (the journal's events, filtered) and care (the special-care
 * ledger with its calls), as JSON lines or as aligned text for a person,
 * with personal data masked.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "core/mask.h"
#include "core/table.h"
#include "rules/duty.h"
#include "store/journal.h"

#define TEXT_MAX (64 * 1024)

/* ---- text ---- */

static void pad(struct cg_buf *b, const char *s, size_t width)
{
	size_t w = cg_text_width(s);

	cg_buf_add(b, s, strlen(s));
	/* Two spaces at least, also after what overflows its column. */
	do
		cg_buf_add(b, " ", 1);
	while (++w < width + 2 || w < cg_text_width(s) + 2);
}

static int text_line(struct cg_loop *lp, const char *const *cols, const size_t *widths,
		     int ncols, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT(TEXT_MAX);
	int ret;

	for (int i = 0; i < ncols; i++) {
		if (i == ncols - 1)
			cg_buf_add(&b, cols[i], strlen(cols[i]));
		else
			pad(&b, cols[i], widths[i]);
	}
	while (b.len && b.buf[b.len - 1] == ' ')
		b.len--;
	cg_buf_add(&b, "\n", 1);
	ret = cg_out_line(&lp->out, b.buf, b.len, err);
	cg_buf_release(&b);
	return ret;
}

static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

/* "01-25 08:05" of a record's ts. */
static void short_time(const json_t *rec, char out[16])
{
	cg_time_t t;
	char full[CG_TIME_LEN];

	snprintf(out, 16, "-");
	if (cg_time_parse(str(rec, "ts"), 0, &t) < 0)
		return;
	cg_time_format(t, full);
	snprintf(out, 16, "%.5s %.5s", full + 5, full + 11);
}

const char *cg_duty_label(const char *code)
{
	static const struct { const char *code, *label; } labels[] = {
		{ "on", N_("on duty") }, { "off", N_("off duty") },
		{ "done", N_("done") }, { "alert", N_("alert") },
		{ "stock", N_("stock") }, { "receive", N_("received") },
		{ "issue", N_("issued") }, { "staff_fever", N_("staff fever") },
		{ "due", N_("due") }, { "missed", N_("not done") },
		{ "shift", N_("shift") }, { "need", N_("errand") },
		{ "add", N_("added") }, { "update", N_("updated") },
		{ "remove", N_("removed") }, { "care", N_("care ledger") },
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].code, code))
			return _(labels[i].label);
	return code;
}

/* ---- due ---- */

int cg_duty_due_text(struct cg_loop *lp, const json_t *rec, struct cg_err *err)
{
	static const size_t widths[] = { 10, 12, 10, 8, 18 };
	const char *cols[6];
	char counts[96], detail[512] = "";
	size_t i;
	json_t *v;

	if (json_object_get(rec, "need_id")) {
		const char *at = str(rec, "asked");
		char asked[16] = "-";

		/* The time as asked, in the compound's offset. */
		if (strlen(at) >= 16)
			snprintf(asked, sizeof(asked), "%.5s %.5s", at + 5, at + 11);
		snprintf(counts, sizeof(counts), "%s", str(rec, "need"));
		snprintf(detail, sizeof(detail), _("%s asked %s"), str(rec, "need_id"), asked);
	} else if (json_object_get(rec, "shift")) {
		snprintf(counts, sizeof(counts), _("%lld min nobody on"),
			 (long long)json_integer_value(json_object_get(rec, "unstaffed_min")));
		snprintf(detail, sizeof(detail), "%s%s", str(rec, "shift"),
			 json_is_true(json_object_get(rec, "nobody_on")) ? _(", nobody on now") : "");
	} else {
		snprintf(counts, sizeof(counts), _("%lld/%lld done"),
			 (long long)json_integer_value(json_object_get(rec, "done")),
			 (long long)json_integer_value(json_object_get(rec, "slots")));
		json_array_foreach(json_object_get(rec, "missed_slots"), i, v)
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s",
				 *detail ? " " : "", json_string_value(v));
		if (*str(rec, "due_slot"))
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s %s",
				 *detail ? " " : "", cg_duty_label("due"), str(rec, "due_slot"));
	}
	cols[0] = str(rec, "date");
	cols[1] = cg_duty_label(str(rec, "task"));
	cols[2] = str(rec, "place");
	cols[3] = cg_duty_label(str(rec, "status"));
	cols[4] = counts;
	cols[5] = detail;
	return text_line(lp, cols, widths, 6, err);
}

/* ---- list ---- */

struct lister {
	const struct cg_duty_select *sel;
	struct cg_loop *lp;
	int text;
	long n;
};

static int selected(const struct cg_duty_select *sel, const json_t *ev)
{
	cg_time_t t;

	if (sel->task && strcmp(str(ev, "task"), sel->task))
		return 0;
	if (sel->place && strcmp(str(ev, "place"), sel->place) && strcmp(str(ev, "gate"), sel->place))
		return 0;
	if (sel->guard && strcmp(str(ev, "guard"), sel->guard) && strcmp(str(ev, "by"), sel->guard))
		return 0;
	if (sel->day >= 0 && (cg_time_parse(str(ev, "ts"), 0, &t) < 0 ||
			      cg_local_day(t, NULL) != sel->day))
		return 0;
	return 1;
}

/* What a person reads of an event: time, what, where, task, who, detail. */
static int list_text(struct lister *ls, const json_t *ev, struct cg_err *err)
{
	static const size_t widths[] = { 11, 8, 10, 12, 8 };
	const char *event = str(ev, "event");
	char when[16], who[128], detail[256], masked[256];
	const char *cols[6];
	const json_t *temp = json_object_get(ev, "temp");

	short_time(ev, when);
	cg_mask_name(*str(ev, "guard") ? str(ev, "guard") : str(ev, "by"), who, sizeof(who));
	detail[0] = '\0';
	if (!strcmp(event, "stock"))
		snprintf(detail, sizeof(detail), "%s %g %s%s%s", cg_duty_label(str(ev, "op")),
			 json_number_value(json_object_get(ev, "qty")), str(ev, "unit"),
			 *str(ev, "to") ? " -> " : "", str(ev, "to"));
	else if (!strcmp(event, "care"))
		snprintf(detail, sizeof(detail), "%s", cg_duty_label(str(ev, "op")));
	else if (temp)
		snprintf(detail, sizeof(detail), "%.1f%s%s", json_number_value(temp),
			 *str(ev, "reason") ? " " : "",
			 *str(ev, "reason") ? cg_duty_label(str(ev, "reason")) : "");
	cg_mask_message(detail, masked, sizeof(masked));
	cols[0] = when;
	cols[1] = cg_duty_label(event);
	cols[2] = *str(ev, "gate") ? str(ev, "gate") : *str(ev, "place") ? str(ev, "place") :
		  *str(ev, "item") ? str(ev, "item") : str(ev, "care_id");
	cols[3] = str(ev, "task");
	cols[4] = *who ? who : "-";
	cols[5] = masked;
	return text_line(ls->lp, cols, widths, 6, err);
}

static int list_one(void *ctx, const json_t *ev, struct cg_err *err)
{
	struct lister *ls = ctx;

	if (!selected(ls->sel, ev))
		return 0;
	ls->n++;
	if (ls->text)
		return list_text(ls, ev, err);
	return cg_loop_print(ls->lp, ev, err);
}

long cg_duty_list(const struct cg_home *h, const struct cg_duty_select *sel, int text,
		  struct cg_loop *lp, struct cg_err *err)
{
	struct lister ls = { sel, lp, text, 0 };

	if (cg_journal_fold(h, "duty", list_one, &ls, err) < 0)
		return -1;
	return ls.n;
}

/* ---- the care ledger ---- */

static const struct cg_duty_task *care_task(const struct cg_duty_plan *p)
{
	for (size_t i = 0; i < p->ntasks; i++)
		if (p->tasks[i].per_care)
			return &p->tasks[i];
	return NULL;
}

/* The last call to id, and on how many of the 7 days before today none. */
static void care_calls(const struct cg_dutywork *w, const char *id, cg_time_t *last,
		       int *today_done, int *missed_week)
{
	const struct cg_duty_task *t = care_task(w->plan);
	const json_t *ti = t ? json_object_get(w->book->task_names, t->name) : NULL;
	const json_t *pi = json_object_get(w->book->place_names, id);
	int32_t today = cg_local_day(w->now, NULL);
	int called[8] = { 0 };

	*last = -1;
	for (size_t i = 0; ti && pi && i < w->book->ndone; i++) {
		const struct cg_duty_done *d = &w->book->done[i];
		int32_t day;

		if (d->task != (uint32_t)json_integer_value(ti) ||
		    d->place != (uint32_t)json_integer_value(pi) || d->at > w->now)
			continue;
		if (d->at > *last)
			*last = d->at;
		day = cg_local_day(d->at, NULL);
		if (day <= today && day >= today - 7)
			called[today - day] = 1;
	}
	*today_done = called[0];
	*missed_week = 0;
	for (int k = 1; k <= 7; k++)
		*missed_week += !called[k];
}

static json_t *care_record(const struct cg_dutywork *w, const char *id, const json_t *entry)
{
	json_t *rec = json_object();
	int today_done, missed;
	cg_time_t last;

	json_object_set_new(rec, "care_id", json_string(id));
	json_object_update(rec, (json_t *)entry);
	care_calls(w, id, &last, &today_done, &missed);
	if (last >= 0)
		cg_json_set_time(rec, "last_call", last);
	else
		json_object_set_new(rec, "last_call", json_null());
	json_object_set_new(rec, "called_today", json_boolean(today_done));
	json_object_set_new(rec, "missed_7d", json_integer(missed));
	if (missed)
		json_object_set_new(rec, "severity", json_string("warning"));
	return rec;
}

static int care_text(struct cg_loop *lp, const json_t *rec, struct cg_err *err)
{
	static const size_t widths[] = { 6, 8, 10, 13, 8, 13, 11, 3 };
	char name[128], phone[64], contact[128], cphone[64], last[16], missed[32];
	char needs[512] = "", masked[512];
	const char *cols[9];
	size_t i;
	json_t *v;

	cg_mask_name(str(rec, "name"), name, sizeof(name));
	cg_mask_phone(str(rec, "phone"), phone, sizeof(phone));
	cg_mask_name(str(rec, "contact"), contact, sizeof(contact));
	cg_mask_phone(str(rec, "contact_phone"), cphone, sizeof(cphone));
	snprintf(last, sizeof(last), "-");
	if (json_is_string(json_object_get(rec, "last_call")))
		snprintf(last, sizeof(last), "%.5s %.5s", str(rec, "last_call") + 5,
			 str(rec, "last_call") + 11);
	snprintf(missed, sizeof(missed), "%lld", (long long)json_integer_value(json_object_get(rec, "missed_7d")));
	json_array_foreach(json_object_get(rec, "needs"), i, v)
		snprintf(needs + strlen(needs), sizeof(needs) - strlen(needs), "%s%s",
			 i ? "," : "", json_string_value(v) ? json_string_value(v) : "");
	cg_mask_message(needs, masked, sizeof(masked));
	cols[0] = str(rec, "care_id");
	cols[1] = *name ? name : "-";
	cols[2] = *str(rec, "household") ? str(rec, "household") : "-";
	cols[3] = *phone ? phone : "-";
	cols[4] = *contact ? contact : "-";
	cols[5] = *cphone ? cphone : "-";
	cols[6] = last;
	cols[7] = missed;
	cols[8] = masked;
	return text_line(lp, cols, widths, 9, err);
}

long cg_duty_care(const struct cg_dutywork *w, int text, struct cg_loop *lp,
		  unsigned long *missed, struct cg_err *err)
{
	const char *id;
	json_t *entry, *rec;
	long n = 0;
	int ret = 0;

	json_t *ledger = cg_duty_ledger(w->plan, w->book);

	json_object_foreach(ledger, id, entry) {
		rec = care_record(w, id, entry);
		*missed += json_integer_value(json_object_get(rec, "missed_7d")) > 0;
		ret = text ? care_text(lp, rec, err) : cg_loop_print(lp, rec, err);
		json_decref(rec);
		if (ret < 0)
			break;
		n++;
	}
	json_decref(ledger);
	return ret < 0 ? -1 : n;
}

/* ---- the ledger's changes, for a person ---- */

static int care_event_text(struct cg_loop *lp, const json_t *ev, struct cg_err *err)
{
	static const size_t widths[] = { 6, 8, 8, 10, 13, 8 };
	char name[128], phone[64], contact[128], cphone[64];
	const char *cols[7];

	cg_mask_name(str(ev, "name"), name, sizeof(name));
	cg_mask_phone(str(ev, "phone"), phone, sizeof(phone));
	cg_mask_name(str(ev, "contact"), contact, sizeof(contact));
	cg_mask_phone(str(ev, "contact_phone"), cphone, sizeof(cphone));
	cols[0] = str(ev, "care_id");
	cols[1] = cg_duty_label(str(ev, "op"));
	cols[2] = *name ? name : "-";
	cols[3] = *str(ev, "household") ? str(ev, "household") : "-";
	cols[4] = *phone ? phone : "-";
	cols[5] = *contact ? contact : "-";
	cols[6] = *cphone ? cphone : "-";
	return text_line(lp, cols, widths, 7, err);
}

int cg_duty_care_show(void *ctx, struct cg_loop *lp, const char *lines, size_t len,
		      struct cg_err *err)
{
	const char *p = lines, *end = lines + len;

	(void)ctx;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *ev = json_loadb(p, n, 0, NULL);
		int ret = ev ? care_event_text(lp, ev, err) : 0;

		json_decref(ev);
		if (ret < 0)
			return -1;
		p += n + 1;
	}
	return 0;
}
