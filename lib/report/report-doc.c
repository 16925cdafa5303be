/*
 * The document cg-report writes as text, Markdown or HTML: headings,
 * paragraphs and tables in the format chosen, and the values of the
 * report as they are shown.
 */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "report/report-doc.h"
#include "report/report.h"

void cg_doc_text(struct doc *d, const char *s)
{
	d->format->text(d->fp, s);
}

void cg_doc_title(struct doc *d, const char *title, const char *meta)
{
	d->format->title(d, title, meta);
}

void cg_doc_heading(struct doc *d, const char *h)
{
	d->format->heading(d, h);
}

void cg_doc_para(struct doc *d, const char *s)
{
	d->format->para(d, s);
}

void cg_doc_table_init(struct table *t, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = strlen(align);
	snprintf(t->align, sizeof(t->align), "%s", align);
	t->rows = json_array();
}

void cg_doc_table_heads(struct table *t, int merged, const char *align,
			const char *const *heads)
{
	char all[MAX_COLS + 1];
	size_t o = 0;

	snprintf(all, sizeof(all), "%s%s", merged ? "l" : "", align);
	cg_doc_table_init(t, all);
	if (merged)
		t->head[o++] = _("Compound");
	for (size_t k = 0; align[k] && o < MAX_COLS; k++)
		t->head[o++] = heads[k];
}

void cg_doc_table_row(struct table *t, const char *const *cells)
{
	json_t *row = json_array();

	for (size_t i = 0; i < t->ncols; i++)
		json_array_append_new(row, json_string(cells[i] ? cells[i] : ""));
	json_array_append_new(t->rows, row);
}

void cg_doc_table_row_class(struct table *t, const char *const *cells, const char *klass)
{
	if (!t->klasses)
		t->klasses = json_array();
	while (json_array_size(t->klasses) < json_array_size(t->rows))
		json_array_append_new(t->klasses, json_string(""));
	cg_doc_table_row(t, cells);
	json_array_append_new(t->klasses, json_string(klass ? klass : ""));
}

/* Write the table in the document's format, and release its rows. */
void cg_doc_table_write(struct doc *d, struct table *t)
{
	d->format->table(d, t);
	json_decref(t->rows);
	json_decref(t->klasses);
	t->klasses = NULL;
}

/* ---- values ---- */

/* A time as the reader wants it: HH:MM within one day, else MM-DD HH:MM. */
const char *cg_doc_when(const struct doc *d, const char *ts, char *buf)
{
	if (!ts || strlen(ts) < 16)
		return ts ? ts : "";
	if (d->single_day)
		snprintf(buf, 32, "%.5s", ts + 11);
	else
		snprintf(buf, 32, "%.5s %.5s", ts + 5, ts + 11);
	return buf;
}

const char *cg_doc_temp(const json_t *v, char *buf)
{
	if (!json_is_number(v))
		return "";
	snprintf(buf, 32, "%.1f", json_number_value(v));
	return buf;
}

void cg_doc_join(const json_t *a, char *buf, size_t size, int labels)
{
	size_t i, n = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", i ? " " : "",
				      labels ? cg_report_label(json_string_value(v)) :
				      json_string_value(v) ? json_string_value(v) : "");
}
