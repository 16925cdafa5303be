/*
 * The sections of the report as a document (text, Markdown or HTML), in
 * the order a reader wants them, from the JSON report.
 */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "report/report-doc.h"
#include "report/report.h"

static void title(struct doc *d, char *buf, size_t size)
{
	const json_t *rep = d->rep, *c = json_object_get(rep, "compound");
	const char *date = sval(rep, "date");
	char period[64];

	if (date)
		snprintf(period, sizeof(period), "%s", date);
	else
		snprintf(period, sizeof(period), "%s – %s", sval(rep, "since") ?: "",
			 sval(rep, "until") ?: "");
	if (merged(rep))
		snprintf(buf, size, _("Daily report (日报): %lld compounds, %s"),
			 (long long)ival(c, "count"), period);
	else
		snprintf(buf, size, _("Daily report (日报): %s (%s), %s"), sval(c, "name") ?: "",
			 sval(c, "code") ?: "", period);
}

static void section_head(struct doc *d)
{
	char buf[512], meta[512];

	title(d, buf, sizeof(buf));
	snprintf(meta, sizeof(meta), _("Generated %s by %s."), sval(d->rep, "generated_at") ?: "",
		 sval(d->rep, "generator") ?: "");
	cg_doc_title(d, buf, meta);
}

/* "from-to" as the reader wants it, the date once when both are on it. */
static const char *span(struct doc *d, const char *from, const char *to, char *buf, size_t size)
{
	char a[32], b[32];

	if (!d->single_day && from && to && strlen(from) >= 16 && strlen(to) >= 16 &&
	    !strncmp(from, to, 10))
		snprintf(buf, size, "%s-%.5s", cg_doc_when(d, from, a), to + 11);
	else
		snprintf(buf, size, "%s-%s", cg_doc_when(d, from, a), cg_doc_when(d, to, b));
	return buf;
}

/* The gaps of a gate_unattended warning, "08:00-10:50, 12:00-14:30",
 * the first few. */
static void gap_list(struct doc *d, const json_t *w, char *buf, size_t size)
{
	const json_t *g;
	size_t i, len = 0;
	char sp[80];

	buf[0] = '\0';
	json_array_foreach(json_object_get(w, "gaps"), i, g) {
		if (len >= size)
			break;
		if (i == 8) {
			snprintf(buf + len, size - len, ", …");
			break;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					span(d, sval(g, "from"), sval(g, "to"), sp, sizeof(sp)));
	}
}

static void gate_text(struct doc *d, const json_t *w, char *buf, size_t size)
{
	long long n = (long long)ival(w, "count");
	char sp[80], gaps[400];

	span(d, sval(w, "from"), sval(w, "to"), sp, sizeof(sp));
	if (n <= 1) {
		snprintf(buf, size, _("gate %s unattended %s (%lld min)"), sval(w, "gate") ?: "",
			 sp, (long long)ival(w, "gap_min"));
		return;
	}
	gap_list(d, w, gaps, sizeof(gaps));
	snprintf(buf, size, _("gate %s unattended %lld times, longest %s (%lld min): %s"),
		 sval(w, "gate") ?: "", n, sp, (long long)ival(w, "gap_min"), gaps);
}

static void fever_text(struct doc *d, const json_t *w, char *buf, size_t size)
{
	char a[32], t[32];
	const char *who = sval(w, "name") ?: sval(w, "household") ?: sval(w, "phone") ?: "";

	snprintf(buf, size, _("%s at gate %s at %s: %s °C, %s"), who, sval(w, "gate") ?: "",
		 cg_doc_when(d, sval(w, "ts"), a), cg_doc_temp(json_object_get(w, "temp"), t),
		 cg_report_label(sval(w, "decision")));
}

/* A time of any day: "MM-DD HH:MM". */
static const char *day_time(const char *ts, char buf[32])
{
	if (!ts || strlen(ts) < 16)
		return ts ? ts : "";
	snprintf(buf, 32, "%.5s %.5s", ts + 5, ts + 11);
	return buf;
}

static int same_day(const char *a, const char *b)
{
	return a && b && strlen(a) >= 10 && !strncmp(a, b, 10);
}

/* A resident not back within policy.exit_quota.hours. */
static void exit_text(struct doc *d, const json_t *w, char *buf, size_t size)
{
	const char *who = sval(w, "name") ?: sval(w, "phone") ?: sval(w, "id_no") ?: "";
	char a[32], b[32], hours[32];
	double out = json_number_value(json_object_get(w, "hours_out"));

	snprintf(hours, sizeof(hours), "%.1f", out);
	if (sval(w, "back"))
		snprintf(buf, size, _("%s of %s went out at %s (gate %s), back at %s: %s hours out, %lld allowed"),
			 who, sval(w, "household") ?: "", cg_doc_when(d, sval(w, "ts"), a),
			 sval(w, "gate") ?: "", same_day(sval(w, "ts"), sval(w, "back")) ?
			 cg_doc_when(d, sval(w, "back"), b) : day_time(sval(w, "back"), b), hours,
			 (long long)ival(w, "hours"));
	else
		snprintf(buf, size, _("%s of %s went out at %s (gate %s), not back: %s hours out at the end of the period, %lld allowed"),
			 who, sval(w, "household") ?: "", cg_doc_when(d, sval(w, "ts"), a),
			 sval(w, "gate") ?: "", hours, (long long)ival(w, "hours"));
}

/* A warning's text lists five records at most: at the sixth, or when the
 * list's buffer is full, it ends with ", …" and the caller stops. */
static int list_full(char *list, size_t size, size_t len, size_t i)
{
	if (i < 5 && len < size)
		return 0;
	if (len < size)
		snprintf(list + len, size - len, ", …");
	return 1;
}

/* Records registered after their day: when each was, and was registered. */
static void late_text(struct doc *d, const json_t *w, char *buf, size_t size)
{
	long long n = (long long)ival(w, "count");
	char list[400], a[32], b[32];
	size_t len = 0, i;
	const json_t *e;

	list[0] = '\0';
	json_array_foreach(json_object_get(w, "records"), i, e) {
		if (list_full(list, sizeof(list), len, i))
			break;
		len += (size_t)snprintf(list + len, sizeof(list) - len, _("%s%s %s, registered %s"),
					i ? ", " : "", cg_doc_when(d, sval(e, "ts"), a),
					sval(e, "gate") ?: sval(e, "case_id") ?: "",
					day_time(sval(e, "registered_at"), b));
	}
	snprintf(buf, size, ngettext("%lld record registered after its day ended: %s",
				     "%lld records registered after their day ended: %s",
				     (unsigned long)n), n, list);
}

/* ts_outside_period: "2 records whose ts is outside the report's
 * period: stdin:3 (0816-01-25), ..." */
static void stray_text(const json_t *w, char *buf, size_t size)
{
	long long n = (long long)ival(w, "count");
	char list[400];
	size_t len = 0, i;
	const json_t *e;

	list[0] = '\0';
	json_array_foreach(json_object_get(w, "records"), i, e) {
		if (list_full(list, sizeof(list), len, i))
			break;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s (%s)", i ? ", " : "",
					sval(e, "line") ?: "", sval(e, "day") ?: "");
	}
	snprintf(buf, size, ngettext("%lld record whose ts is outside the report's period: %s",
				     "%lld records whose ts is outside the report's period: %s",
				     (unsigned long)n), n, list);
}

/* The cases an alert is about, "Q260122-001 Q260125-002". */
static const char *cases_of(const json_t *w, char *buf, size_t size)
{
	cg_doc_join(json_object_get(w, "cases"), buf, size, 0);
	return buf;
}

static void warning_text(struct doc *d, const json_t *w, char *buf, size_t size)
{
	const char *code = sval(w, "code") ?: "";
	long long n = (long long)ival(w, "count");
	char ids[300];

	if (!strcmp(code, "gate_unattended"))
		gate_text(d, w, buf, size);
	else if (!strcmp(code, "fever_at_gate"))
		fever_text(d, w, buf, size);
	else if (!strcmp(code, "exit_overdue"))
		exit_text(d, w, buf, size);
	else if (!strcmp(code, "late_registration"))
		late_text(d, w, buf, size);
	else if (!strcmp(code, "ts_outside_period"))
		stray_text(w, buf, size);
	else if (!strcmp(code, "observation_alert"))
		snprintf(buf, size, ngettext("%lld home-observation check with an alert: %s",
					     "%lld home-observation checks with an alert: %s", (unsigned long)n),
			 n, cases_of(w, ids, sizeof(ids)));
	else if (!strcmp(code, "case_escalated"))
		snprintf(buf, size, ngettext("%lld case escalated (transfer or hospital): %s",
					     "%lld cases escalated (transfer or hospital): %s", (unsigned long)n),
			 n, cases_of(w, ids, sizeof(ids)));
	else if (!strcmp(code, "journal_damaged"))
		snprintf(buf, size, _("journal %s damaged at line %lld: %s"), sval(w, "journal") ?: "",
			 (long long)ival(w, "line"), sval(w, "reason") ?: "");
	else if (!strncmp(code, "checkpoint_", 11))
		snprintf(buf, size, _("the checkpoint of %s: %s"), sval(w, "journal") ?: "",
			 sval(w, "reason") ? _(sval(w, "reason")) : "");
	else if (!strcmp(code, "missed_checks"))
		snprintf(buf, size, ngettext("%lld home-observation check window missed",
					     "%lld home-observation check windows missed", (unsigned long)n),
			 n);
	else if (!strcmp(code, "lost_to_followup"))
		snprintf(buf, size, ngettext("%lld case under observation not checked for %lld days",
					     "%lld cases under observation not checked for %lld days",
					     (unsigned long)n), n, (long long)ival(w, "days"));
	else if (!strcmp(code, "visitor_overstay"))
		snprintf(buf, size, ngettext("%lld visitor stayed past the end of the visit",
					     "%lld visitors stayed past the end of their visit",
					     (unsigned long)n), n);
	else if (!strcmp(code, "rejected_records"))
		snprintf(buf, size, ngettext("%lld input line rejected", "%lld input lines rejected",
					     (unsigned long)n), n);
	else if (!strcmp(code, "foreign_records"))
		snprintf(buf, size, ngettext("%lld record of another compound (%s)",
					     "%lld records of another compound (%s)", (unsigned long)n),
			 n, sval(w, "foreign") ?: "");
	else if (!strcmp(code, "no_checkins"))
		snprintf(buf, size, "%s", _("no check-in recorded in the period"));
	else if (!cg_report_duty_warning_text(code, w, buf, size))
		snprintf(buf, size, "%s", code);
}

/* The notices, folded: one line (text, Markdown) or a closed <details>. */
static void notices(struct doc *d, const json_t *ws)
{
	const json_t *w;
	size_t i, n = 0, len;
	char buf[1024], text[600];

	json_array_foreach(ws, i, w)
		n += !strcmp(sval(w, "severity") ?: "", "notice");
	if (!n)
		return;
	len = (size_t)snprintf(buf, sizeof(buf), "%s:", _("Notices"));
	json_array_foreach(ws, i, w) {
		if (strcmp(sval(w, "severity") ?: "", "notice") || len >= sizeof(buf))
			continue;
		warning_text(d, w, text, sizeof(text));
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s%s%s%s;",
					merged(d->rep) ? sval(w, "compound") ?: "" : "",
					merged(d->rep) ? " " : "", text, "");
	}
	if (len < sizeof(buf) && buf[len - 1] == ';')
		buf[len - 1] = '\0';
	if (d->format->mode == DOC_HTML) {
		fprintf(d->fp, "<details class=\"notices\"><summary>%s (%zu)</summary>\n",
			_("Notices"), n);
		cg_doc_para(d, buf);
		fputs("</details>\n", d->fp);
	} else {
		cg_doc_para(d, buf);
	}
}

/* Alerts first, then warnings (the report keeps them in that order);
 * notices folded below. */
static void section_warnings(struct doc *d)
{
	const json_t *ws = json_object_get(d->rep, "warnings"), *w;
	int m = merged(d->rep);
	struct table t;
	size_t i, shown = 0;

	cg_doc_heading(d, _("Warnings"));
	cg_doc_table_init(&t, m ? "llll" : "lll");
	t.klass = "warn";
	t.head[0] = _("Severity");
	t.head[1] = _("Warning");
	t.head[t.ncols - 1] = _("What");
	if (m)
		t.head[2] = _("Compound");
	json_array_foreach(ws, i, w) {
		char text[600];
		const char *cells[4];

		if (!strcmp(sval(w, "severity") ?: "", "notice"))
			continue;
		warning_text(d, w, text, sizeof(text));
		cells[0] = cg_report_label(sval(w, "severity"));
		cells[1] = cg_report_label(sval(w, "code"));
		cells[2] = m ? sval(w, "compound") : text;
		cells[3] = text;
		cg_doc_table_row_class(&t, cells, !strcmp(sval(w, "severity") ?: "", "alert") ?
					   "alert" : "warn");
		shown++;
	}
	if (shown) {
		cg_doc_table_write(d, &t);
	} else {
		json_decref(t.rows);	/* nothing to write */
		cg_doc_para(d, _("None."));
	}
	notices(d, ws);
}

static void section_totals(struct doc *d)
{
	const json_t *rep = d->rep, *t = json_object_get(rep, "totals");
	const json_t *k = json_object_get(rep, "kinds");
	char buf[512], n[32];
	const char *key;
	json_t *v;
	size_t len;

	cg_doc_heading(d, _("Totals"));
	snprintf(buf, sizeof(buf), _("Events %lld: in %lld, out %lld; admitted %lld, denied %lld, referred %lld."),
		 (long long)ival(t, "events"), (long long)ival(t, "in"), (long long)ival(t, "out"),
		 (long long)ival(t, "admit"), (long long)ival(t, "deny"), (long long)ival(t, "refer"));
	cg_doc_para(d, buf);
	len = (size_t)snprintf(buf, sizeof(buf), "%s", _("By kind:"));
	json_object_foreach((json_t *)k, key, v)
		if (len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s %s",
						cg_report_label(key), num(n, json_integer_value(v)));
	cg_doc_para(d, buf);
}

static void section_gates(struct doc *d)
{
	const json_t *gates = json_object_get(d->rep, "gates"), *g;
	struct table t;
	const char *name;
	json_int_t sum[5] = { 0 };
	static const char *const keys[] = { "in", "out", "admit", "deny", "refer" };

	cg_doc_heading(d, _("Gates"));
	cg_doc_table_init(&t, "lrrrrrlll");
	t.head[0] = _("Gate");
	t.head[1] = _("In");
	t.head[2] = _("Out");
	t.head[3] = _("Admit");
	t.head[4] = _("Deny");
	t.head[5] = _("Refer");
	t.head[6] = _("First");
	t.head[7] = _("Last");
	t.head[8] = _("Longest gap");
	json_object_foreach((json_t *)gates, name, g) {
		char n[5][32], a[32], b[32], c[32], e[32], gap[96];
		const char *cells[9];

		for (int i = 0; i < 5; i++) {
			sum[i] += ival(g, keys[i]);
			cells[1 + i] = num(n[i], ival(g, keys[i]));
		}
		cells[0] = name;
		cells[6] = cg_doc_when(d, sval(g, "first"), a);
		cells[7] = cg_doc_when(d, sval(g, "last"), b);
		if (json_is_integer(json_object_get(g, "longest_gap_min")))
			snprintf(gap, sizeof(gap), _("%lld min (%s-%s)"),
				 (long long)ival(g, "longest_gap_min"),
				 cg_doc_when(d, sval(g, "longest_gap_from"), c),
				 cg_doc_when(d, sval(g, "longest_gap_to"), e));
		else
			gap[0] = '\0';
		cells[8] = gap;
		cg_doc_table_row(&t, cells);
	}
	{
		char n[5][32];
		const char *cells[9] = { _("Total") };

		for (int i = 0; i < 5; i++)
			cells[1 + i] = num(n[i], sum[i]);
		cells[6] = cells[7] = cells[8] = "";
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
}

static void section_reasons(struct doc *d)
{
	const json_t *rs = json_object_get(d->rep, "reasons");
	struct table t;
	const char *code;
	json_t *v;

	cg_doc_heading(d, _("Reasons"));
	cg_doc_table_init(&t, "lr");
	t.head[0] = _("Reason");
	t.head[1] = _("Count");
	json_object_foreach((json_t *)rs, code, v) {
		char n[32];
		const char *cells[2] = { cg_report_label(code), num(n, json_integer_value(v)) };

		if (json_integer_value(v))
			cg_doc_table_row(&t, cells);
	}
	if (!json_array_size(t.rows)) {
		json_decref(t.rows);
		cg_doc_para(d, _("None."));
		return;
	}
	cg_doc_table_write(d, &t);
}

static void section_hours(struct doc *d)
{
	const json_t *hours = json_object_get(d->rep, "hours"), *h;
	struct table t;
	const char *name;
	size_t ncols = 0;
	const char *names[MAX_COLS - 2];
	char align[MAX_COLS + 1] = "l";

	cg_doc_heading(d, _("Traffic per hour (in + out)"));
	if (d->format->mode == DOC_HTML)
		cg_report_chart_hours(d->fp, d->rep);
	json_object_foreach((json_t *)hours, name, h)
		if (ncols < MAX_COLS - 2)
			names[ncols++] = name;
	for (size_t i = 0; i <= ncols; i++)
		strcat(align, "r");
	cg_doc_table_init(&t, align);
	t.head[0] = _("Hour");
	for (size_t i = 0; i < ncols; i++)
		t.head[1 + i] = names[i];
	t.head[ncols + 1] = _("Total");
	for (int hr = 0; hr < 24; hr++) {
		char cell[MAX_COLS][32], label[16];
		const char *cells[MAX_COLS];
		json_int_t total = 0;

		snprintf(label, sizeof(label), "%02d:00", hr);
		cells[0] = label;
		for (size_t i = 0; i < ncols; i++) {
			h = json_object_get(hours, names[i]);
			json_int_t n = json_integer_value(json_array_get(json_object_get(h, "in"), (size_t)hr)) +
				       json_integer_value(json_array_get(json_object_get(h, "out"), (size_t)hr));

			total += n;
			cells[1 + i] = num(cell[i], n);
		}
		cells[ncols + 1] = num(cell[ncols], total);
		if (total)
			cg_doc_table_row(&t, cells);
	}
	if (!json_array_size(t.rows)) {
		json_decref(t.rows);
		cg_doc_para(d, _("No traffic."));
		return;
	}
	if (d->format->mode == DOC_HTML) {
		fputs("<details><summary>", d->fp);
		cg_doc_text(d, _("Table"));
		fputs("</summary>\n", d->fp);
	}
	cg_doc_table_write(d, &t);
	if (d->format->mode == DOC_HTML)
		fputs("</details>\n", d->fp);
}

/* Fevers, denials: the same columns. */
static void section_list(struct doc *d, const char *head, const json_t *list,
			 json_int_t omitted)
{
	int m = merged(d->rep);
	struct table t;
	size_t i;
	json_t *e;
	char buf[128];

	snprintf(buf, sizeof(buf), "%s (%lld)", head, (long long)(json_array_size(list) + (size_t)omitted));
	cg_doc_heading(d, buf);
	if (d->format->mode == DOC_HTML && !strcmp(head, _("Fevers")))
		cg_report_chart_temperatures(d->fp, d->rep);
	if (!json_array_size(list)) {
		cg_doc_para(d, _("None."));
		return;
	}
	{
		const char *h[] = { _("Time"), _("Gate"), _("Dir"), _("Kind"), _("Name"),
				    _("ID number"), _("Phone / plate"), _("Temp"), _("Decision"),
				    _("Reasons") };

		cg_doc_table_heads(&t, m, "lllllllrll", h);
	}
	json_array_foreach(list, i, e) {
		char a[32], tb[32], rs[256];
		const char *cells[11];
		size_t o = 0;

		if (m)
			cells[o++] = sval(e, "compound");
		cells[o++] = cg_doc_when(d, sval(e, "ts"), a);
		cells[o++] = sval(e, "gate");
		cells[o++] = cg_report_label(sval(e, "dir"));
		cells[o++] = cg_report_label(sval(e, "kind"));
		cells[o++] = sval(e, "name");
		cells[o++] = sval(e, "id_no");
		cells[o++] = sval(e, "phone") ?: sval(e, "plate");
		cells[o++] = cg_doc_temp(json_object_get(e, "temp"), tb);
		cells[o++] = cg_report_label(sval(e, "decision"));
		cg_doc_join(json_object_get(e, "reasons"), rs, sizeof(rs), 1);
		cells[o++] = rs;
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
	if (omitted) {
		snprintf(buf, sizeof(buf), _("… and %lld more (see the JSON report's counts)."),
			 (long long)omitted);
		cg_doc_para(d, buf);
	}
}

/* The visitors with no exit recorded: who is (as far as the register
 * knows) still in the compound. */
static void inside_table(struct doc *d, const json_t *list)
{
	int m = merged(d->rep);
	const json_t *e;
	struct table t;
	size_t i;

	if (!json_array_size(list))
		return;
	cg_doc_para(d, _("Inside, no exit recorded:"));
	{
		const char *h[] = { _("In"), _("Gate"), _("Name"), _("Phone / ID"), _("Host"),
				    _("Visit until") };

		cg_doc_table_heads(&t, m, "llllll", h);
	}
	json_array_foreach(list, i, e) {
		char a[32], b[32], until[64];
		const char *cells[7];
		size_t o = 0;

		if (m)
			cells[o++] = sval(e, "compound");
		cells[o++] = cg_doc_when(d, sval(e, "ts"), a);
		cells[o++] = sval(e, "gate");
		cells[o++] = sval(e, "name");
		cells[o++] = sval(e, "phone") ?: sval(e, "id_no");
		cells[o++] = sval(e, "host");
		snprintf(until, sizeof(until), "%s%s", cg_doc_when(d, sval(e, "visit_until"), b),
			 json_is_true(json_object_get(e, "overstay")) ? _(" (over)") : "");
		cells[o++] = until;
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
}

static void section_visitors(struct doc *d)
{
	const json_t *v = json_object_get(d->rep, "visitors"), *list, *e;
	json_int_t omitted = ival(json_object_get(d->rep, "omitted"), "overstays");
	int m = merged(d->rep);
	struct table t;
	char buf[512];
	size_t i;

	cg_doc_heading(d, _("Visitors"));
	snprintf(buf, sizeof(buf),
		 _("Admitted %lld, refused %lld, exits recorded %lld, inside with no exit %lld, overstays %lld."),
		 (long long)ival(v, "count"), (long long)ival(v, "refused"), (long long)ival(v, "out"),
		 (long long)ival(v, "inside"), (long long)ival(v, "overstay_count"));
	cg_doc_para(d, buf);
	inside_table(d, json_object_get(v, "inside_list"));
	list = json_object_get(v, "overstays");
	if (!json_array_size(list))
		return;
	cg_doc_para(d, _("Overstays (no exit by the end of the visit and its grace, or a late exit):"));
	{
		const char *h[] = { _("In"), _("Gate"), _("Name"), _("Phone / ID"), _("Host"),
				    _("Visit until"), _("Out") };

		cg_doc_table_heads(&t, m, "lllllll", h);
	}
	json_array_foreach(list, i, e) {
		char a[32], b[32], c[32];
		const char *cells[8];
		size_t o = 0;

		if (m)
			cells[o++] = sval(e, "compound");
		cells[o++] = cg_doc_when(d, sval(e, "ts"), a);
		cells[o++] = sval(e, "gate");
		cells[o++] = sval(e, "name");
		cells[o++] = sval(e, "phone") ?: sval(e, "id_no");
		cells[o++] = sval(e, "host");
		cells[o++] = cg_doc_when(d, sval(e, "visit_until"), b);
		cells[o++] = sval(e, "out") ? cg_doc_when(d, sval(e, "out"), c) : _("none");
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
	if (omitted) {
		snprintf(buf, sizeof(buf), _("… and %lld more."), (long long)omitted);
		cg_doc_para(d, buf);
	}
}

/* The follow-up figures, with the share of released cases followed every
 * day. */
static void followup_text(struct doc *d, const json_t *f, char *buf, size_t size)
{
	long long rel = (long long)ival(f, "released"), ok = (long long)ival(f, "released_followed");
	char share[32] = "-";

	(void)d;
	if (rel)
		snprintf(share, sizeof(share), "%lld%%", (ok * 100 + rel / 2) / rel);
	snprintf(buf, size,
		 _("Follow-up on the last day: seen in every window %lld, a window missed %lld, lost to follow-up %lld; released %lld, followed every day %lld (%s)."),
		 (long long)ival(f, "followed"), (long long)ival(f, "missed"), (long long)ival(f, "lost"),
		 rel, ok, share);
}

static void section_cases(struct doc *d)
{
	const json_t *c = json_object_get(d->rep, "cases"), *list, *e;
	int m = merged(d->rep);
	struct table t;
	char buf[600];
	size_t i;

	cg_doc_heading(d, _("Home observation (居家观察)"));
	if (d->format->mode == DOC_HTML)
		cg_report_chart_cases(d->fp, d->rep);
	snprintf(buf, sizeof(buf),
		 _("Under observation %lld; in the period opened %lld, released %lld, escalated %lld, closed %lld, extended %lld."),
		 (long long)ival(c, "open"), (long long)ival(c, "opened"), (long long)ival(c, "released"),
		 (long long)ival(c, "escalated"), (long long)ival(c, "closed"), (long long)ival(c, "extended"));
	cg_doc_para(d, buf);
	snprintf(buf, sizeof(buf),
		 _("Checks %lld (alerts %lld), check windows missed %lld; ending today %lld, ending tomorrow %lld; open service requests %lld."),
		 (long long)ival(c, "checks"), (long long)ival(c, "alerts"),
		 (long long)ival(c, "missed_windows"), (long long)ival(c, "ending_today"),
		 (long long)ival(c, "ending_tomorrow"), (long long)ival(c, "needs_open"));
	cg_doc_para(d, buf);
	followup_text(d, json_object_get(c, "followup"), buf, sizeof(buf));
	cg_doc_para(d, buf);
	list = json_object_get(c, "list");
	if (!json_array_size(list))
		return;
	{
		const char *h[] = { _("Case"), _("Name"), _("Household"), _("Status"), _("Start"),
				    _("End"), _("Missed"), _("Requests"), _("Ends tomorrow") };

		cg_doc_table_heads(&t, m, "llllllrrl", h);
	}
	json_array_foreach(list, i, e) {
		char a[32], b[32];
		const char *cells[10];
		size_t o = 0;

		if (m)
			cells[o++] = sval(e, "compound");
		cells[o++] = sval(e, "case_id");
		cells[o++] = sval(e, "name");
		cells[o++] = sval(e, "household");
		cells[o++] = cg_report_label(sval(e, "status"));
		cells[o++] = sval(e, "start");
		cells[o++] = sval(e, "end");
		cells[o++] = num(a, ival(e, "missed"));
		cells[o++] = num(b, ival(e, "needs_open"));
		cells[o++] = json_is_true(json_object_get(e, "ending_tomorrow")) ? _("yes") : "";
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
}

static void section_passes(struct doc *d)
{
	const json_t *p = json_object_get(d->rep, "passes");
	const json_t *issued = json_object_get(p, "issued"), *active = json_object_get(p, "active");
	struct table t;
	const char *cls;
	json_t *v;
	char buf[256];

	cg_doc_heading(d, _("Passes (出入证)"));
	snprintf(buf, sizeof(buf), _("Issued %lld, revoked %lld in the period; valid at its end %lld."),
		 (long long)ival(p, "issued_total"), (long long)ival(p, "revoked"),
		 (long long)ival(p, "active_total"));
	cg_doc_para(d, buf);
	cg_doc_table_init(&t, "lrr");
	t.head[0] = _("Class");
	t.head[1] = _("Issued");
	t.head[2] = _("Valid");
	json_object_foreach((json_t *)active, cls, v) {
		char a[32], b[32];
		const char *cells[3] = { cg_report_label(cls), num(a, ival(issued, cls)),
					 num(b, json_integer_value(v)) };

		if (ival(issued, cls) || json_integer_value(v))
			cg_doc_table_row(&t, cells);
	}
	json_object_foreach((json_t *)issued, cls, v) {
		char a[32];
		const char *cells[3] = { cg_report_label(cls), num(a, json_integer_value(v)), "0" };

		if (!json_object_get(active, cls) && json_integer_value(v))
			cg_doc_table_row(&t, cells);
	}
	if (json_array_size(t.rows))
		cg_doc_table_write(d, &t);
	else
		json_decref(t.rows);
}

static void section_journals(struct doc *d)
{
	const json_t *js = json_object_get(d->rep, "journals"), *j;
	int m = merged(d->rep), chain_col = d->format->mode == DOC_HTML;
	struct table t;
	size_t i;

	cg_doc_heading(d, _("Journals"));
	if (!json_array_size(js)) {
		cg_doc_para(d, _("No journal was read."));
		return;
	}
	/* The chain heads anchor the journals' history: shown whole, in the
	 * table on a page, on lines of their own in text. */
	cg_doc_table_init(&t, chain_col ? (m ? "llrrll" : "lrrll") : (m ? "llrrl" : "lrrl"));
	{
		const char *h[] = { _("Journal"), _("Records"), _("Seq"), _("Chain"), _("Verified") };
		size_t o = 0;

		if (m)
			t.head[o++] = _("Compound");
		for (size_t k = 0; k < 5; k++)
			if (k != 3 || chain_col)
				t.head[o++] = h[k];
	}
	json_array_foreach(js, i, j) {
		char a[32], b[32], ver[96];
		const char *cells[6];
		size_t o = 0;

		if (m)
			cells[o++] = sval(j, "compound");
		cells[o++] = sval(j, "journal");
		cells[o++] = num(a, ival(j, "records"));
		cells[o++] = num(b, ival(j, "seq"));
		if (chain_col)
			cells[o++] = sval(j, "chain");
		if (json_is_true(json_object_get(j, "verified")))
			snprintf(ver, sizeof(ver), "%s", _("yes"));
		else
			snprintf(ver, sizeof(ver), _("NO (line %lld)"), (long long)ival(j, "damaged_line"));
		cells[o++] = ver;
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
	json_array_foreach(js, i, j) {
		char buf[400];

		if (!sval(j, "leftover"))
			continue;
		snprintf(buf, sizeof(buf),
			 _("%s was also found compressed as %s, left by an interrupted "
			   "compression with the same first records: the plain file counts."),
			 sval(j, "journal") ?: "", sval(j, "leftover"));
		cg_doc_para(d, buf);
	}
	if (chain_col)
		return;
	json_array_foreach(js, i, j) {
		char buf[400];

		snprintf(buf, sizeof(buf), _("%s%s%s chain %s"), m ? sval(j, "compound") ?: "" : "",
			 m ? " " : "", sval(j, "journal") ?: "", sval(j, "chain") ?: "");
		cg_doc_para(d, buf);
	}
	if (d->format->mode == DOC_TEXT)
		fputc('\n', d->fp);
}

/* Corrections: what was voided or amended, why, by whom, when. */
static void section_corrections(struct doc *d)
{
	const json_t *list = json_object_get(d->rep, "corrections"), *e;
	json_int_t omitted = ival(json_object_get(d->rep, "omitted"), "corrections");
	int m = merged(d->rep);
	struct table t;
	size_t i;
	char buf[128];

	snprintf(buf, sizeof(buf), "%s (%lld)", _("Corrections"),
		 (long long)(json_array_size(list) + (size_t)omitted));
	cg_doc_heading(d, buf);
	if (!json_array_size(list)) {
		cg_doc_para(d, _("None."));
		return;
	}
	{
		const char *h[] = { _("Record"), _("Correction"), _("Time"), _("What changed"),
				    _("Reason"), _("By"), _("Corrected at") };

		cg_doc_table_heads(&t, m, "lllllll", h);
	}
	json_array_foreach(list, i, e) {
		char a[32], at[32], ch[512];
		const char *cells[8];
		int is_void = !strcmp(sval(e, "action") ?: "", "void");
		size_t o = 0;

		if (m)
			cells[o++] = sval(e, "compound");
		cells[o++] = sval(e, "original");
		cells[o++] = is_void ? _("void") : _("amend");
		cells[o++] = is_void ? "" : cg_doc_when(d, sval(e, "ts"), a);
		if (is_void)
			snprintf(ch, sizeof(ch), "%s", _("the record no longer counts"));
		else
			cg_doc_changes(json_object_get(e, "changed"), ch, sizeof(ch));
		cells[o++] = ch;
		cells[o++] = sval(e, "reason");
		cells[o++] = sval(e, "by");
		/* A correction is often made on a later day: its date is shown. */
		snprintf(at, sizeof(at), "%.10s %.5s", sval(e, "at") ?: "",
			 strlen(sval(e, "at") ?: "") > 11 ? sval(e, "at") + 11 : "");
		cells[o++] = at;
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
	if (omitted) {
		snprintf(buf, sizeof(buf), _("… and %lld more (see the JSON report's counts)."),
			 (long long)omitted);
		cg_doc_para(d, buf);
	}
}

/* The days of a row: "01-19 – 01-25 (7)", or the one date. */
static const char *row_days(const json_t *r, char *buf, size_t size)
{
	const char *since = sval(r, "since") ?: "", *until = sval(r, "until") ?: "";

	if (!strcmp(since, until))
		snprintf(buf, size, "%s", since);
	else if (strlen(since) == 10 && strlen(until) == 10)
		snprintf(buf, size, "%s – %s (%lld)", since + 5, until + 5, (long long)ival(r, "days"));
	else
		snprintf(buf, size, "%s – %s", since, until);
	return buf;
}

static void section_compounds(struct doc *d)
{
	const json_t *rows = json_object_get(d->rep, "compounds"), *r;
	struct table t;
	size_t i;

	cg_doc_heading(d, _("Compounds"));
	cg_doc_table_init(&t, "lllrrrrrrrrrrrl");
	{
		const char *h[] = { _("Code"), _("Name"), _("Days"), _("Events"), _("In"), _("Out"),
				    _("Deny"), _("Fevers"), _("Visitors"), _("Overstays"), _("Cases"),
				    _("Longest gap"), _("Alerts"), _("Warnings"), _("Verified") };

		for (size_t k = 0; k < 15; k++)
			t.head[k] = h[k];
	}
	json_array_foreach(rows, i, r) {
		char n[11][32], days[64];
		const char *cells[15];

		cells[0] = sval(r, "code");
		cells[1] = sval(r, "name");
		cells[2] = row_days(r, days, sizeof(days));
		cells[3] = num(n[0], ival(r, "events"));
		cells[4] = num(n[1], ival(r, "in"));
		cells[5] = num(n[2], ival(r, "out"));
		cells[6] = num(n[3], ival(r, "deny"));
		cells[7] = num(n[4], ival(r, "fevers"));
		cells[8] = num(n[5], ival(r, "visitors"));
		cells[9] = num(n[6], ival(r, "overstays"));
		cells[10] = num(n[7], ival(r, "cases_open"));
		cells[11] = json_is_integer(json_object_get(r, "longest_gap_min")) ?
			    num(n[8], ival(r, "longest_gap_min")) : "";
		cells[12] = num(n[10], ival(r, "alerts"));
		cells[13] = num(n[9], ival(r, "warnings"));
		cells[14] = json_is_true(json_object_get(r, "verified")) ? _("yes") : _("NO");
		cg_doc_table_row(&t, cells);
	}
	cg_doc_table_write(d, &t);
}

void cg_report_write_doc(struct doc *d)
{
	const json_t *rep = d->rep, *om = json_object_get(rep, "omitted");
	char buf[512];

	d->single_day = sval(rep, "date") != NULL;
	if (d->format->mode == DOC_HTML) {
		title(d, buf, sizeof(buf));
		cg_report_html_head(d->fp, buf);
	}
	section_head(d);
	section_warnings(d);
	if (merged(rep))
		section_compounds(d);
	section_totals(d);
	section_gates(d);
	section_reasons(d);
	section_hours(d);
	section_list(d, _("Fevers"), json_object_get(rep, "fevers"), ival(om, "fevers"));
	section_list(d, _("Other denials"), json_object_get(rep, "denials"), ival(om, "denials"));
	section_visitors(d);
	section_cases(d);
	section_passes(d);
	cg_report_section_duty(d);
	section_corrections(d);
	section_journals(d);
	if (ival(rep, "unknown") || ival(rep, "rejected") || ival(rep, "outside")) {
		snprintf(buf, sizeof(buf),
			 _("Records of no known type (ignored) %lld, rejected %lld, outside the period %lld."),
			 (long long)ival(rep, "unknown"), (long long)ival(rep, "rejected"),
			 (long long)ival(rep, "outside"));
		cg_doc_heading(d, _("Input"));
		cg_doc_para(d, buf);
	}
	if (d->format->mode == DOC_HTML)
		cg_report_html_foot(d->fp);
}
