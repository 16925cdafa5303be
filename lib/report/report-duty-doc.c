/*
 * The duty section (report-duty.c) in the text, Markdown and HTML
 * documents, and the words of its warnings.
 */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "report/report-doc.h"
#include "report/report.h"

int cg_report_duty_warning_text(const char *code, const json_t *w, char *buf, size_t size)
{
	long long n = (long long)ival(w, "count");

	if (!strcmp(code, "gate_unstaffed"))
		snprintf(buf, size, _("gate %s: %lld minutes of duty hours with no guard signed on"),
			 sval(w, "gate") ?: "", (long long)ival(w, "unstaffed_min"));
	else if (!strcmp(code, "register_without_guard"))
		snprintf(buf, size, ngettext("gate %s: %lld check-in with no guard signed on",
					     "gate %s: %lld check-ins with no guard signed on",
					     (unsigned long)n), sval(w, "gate") ?: "", n);
	else if (!strcmp(code, "care_call_missed"))
		snprintf(buf, size, ngettext("%lld special-care call missed",
					     "%lld special-care calls missed", (unsigned long)n), n);
	else if (!strcmp(code, "stock_low"))
		snprintf(buf, size, ngettext("%lld supply item under its minimum",
					     "%lld supply items under their minimum", (unsigned long)n), n);
	else
		return 0;
	return 1;
}

static void duty_gates(struct doc *d, const json_t *gates)
{
	struct table t;
	const char *gate;
	json_t *g;

	cg_doc_table_init(&t, "lrrrr");
	t.head[0] = _("Gate");
	t.head[1] = _("Duty minutes");
	t.head[2] = _("Guard on");
	t.head[3] = _("Nobody on");
	t.head[4] = _("Check-ins without guard");
	json_object_foreach((json_t *)gates, gate, g) {
		char a[32], b[32], c[32], e[32];
		const char *cells[5] = { gate, num(a, ival(g, "duty_min")), num(b, ival(g, "staffed_min")),
					 num(c, ival(g, "unstaffed_min")),
					 num(e, ival(g, "checkins_without_guard")) };

		if (ival(g, "unstaffed_min") || ival(g, "checkins_without_guard"))
			cg_doc_table_row_class(&t, cells, "alert");
		else
			cg_doc_table_row(&t, cells);
	}
	if (json_array_size(t.rows))
		cg_doc_table_write(d, &t);
	else
		json_decref(t.rows);
}

static void duty_tasks(struct doc *d, const json_t *tasks)
{
	struct table t;
	const char *task;
	json_t *v;

	cg_doc_table_init(&t, "lrrr");
	t.head[0] = _("Task");
	t.head[1] = _("Slots");
	t.head[2] = _("Done");
	t.head[3] = _("Missed");
	json_object_foreach((json_t *)tasks, task, v) {
		char a[32], b[32], c[32];
		const char *cells[4] = { task, num(a, ival(v, "slots")), num(b, ival(v, "done")),
					 num(c, ival(v, "missed")) };

		cg_doc_table_row(&t, cells);
	}
	if (json_array_size(t.rows))
		cg_doc_table_write(d, &t);
	else
		json_decref(t.rows);
}

static void duty_stock(struct doc *d, const json_t *stock)
{
	struct table t;
	size_t i;
	json_t *v;

	cg_doc_table_init(&t, "lrlrr");
	t.head[0] = _("Item");
	t.head[1] = _("Level");
	t.head[2] = _("Unit");
	t.head[3] = _("Per day");
	t.head[4] = _("Days left");
	json_array_foreach(stock, i, v) {
		char a[32], b[32], c[32];
		const json_t *left = json_object_get(v, "days_left");
		const char *cells[5] = { sval(v, "item") ?: "", "", sval(v, "unit") ?: "", "", "" };

		snprintf(a, sizeof(a), "%g", json_number_value(json_object_get(v, "level")));
		snprintf(b, sizeof(b), "%g", json_number_value(json_object_get(v, "per_day")));
		snprintf(c, sizeof(c), "%lld", (long long)json_integer_value(left));
		cells[1] = a;
		cells[3] = b;
		cells[4] = json_is_integer(left) ? c : "-";
		if (json_is_true(json_object_get(v, "low")))
			cg_doc_table_row_class(&t, cells, "warning");
		else
			cg_doc_table_row(&t, cells);
	}
	if (json_array_size(t.rows))
		cg_doc_table_write(d, &t);
	else
		json_decref(t.rows);
}

void cg_report_section_duty(struct doc *d)
{
	const json_t *duty = json_object_get(d->rep, "duty"), *care, *needs;
	char buf[256];

	if (!duty)
		return;
	care = json_object_get(duty, "care");
	cg_doc_heading(d, _("Duty (值班、消杀、物资、关爱)"));
	duty_gates(d, json_object_get(duty, "gates"));
	duty_tasks(d, json_object_get(duty, "tasks"));
	duty_stock(d, json_object_get(duty, "stock"));
	snprintf(buf, sizeof(buf),
		 _("Special care: %lld entries, %lld calls made, %lld missed; staff fevers %lld."),
		 (long long)ival(care, "entries"), (long long)ival(care, "calls"),
		 (long long)ival(care, "missed"), (long long)ival(duty, "staff_fevers"));
	cg_doc_para(d, buf);
	/* Reports made before the needs were in the section have none. */
	if (!(needs = json_object_get(duty, "needs")))
		return;
	snprintf(buf, sizeof(buf),
		 _("Needs of households under observation: %lld open, %lld delivered, %lld missed."),
		 (long long)ival(needs, "open"), (long long)ival(needs, "delivered"),
		 (long long)ival(needs, "missed"));
	cg_doc_para(d, buf);
}
