/*
 * The document cg-report writes as text, Markdown or HTML: headings,
 * paragraphs and tables in the format chosen, and the values of the
 * report as they are shown.
 */
#include <stdio.h>
#include <string.h>

#include "report/report-doc.h"

void put_text(struct doc *d, const char *s)
{
	if (d->mode == DOC_HTML)
		cg_html_escape(d->fp, s);
	else
		put_plain(d->fp, s, d->mode == DOC_MD);
}

void heading(struct doc *d, const char *h)
{
	switch (d->mode) {
	case DOC_TEXT:
		fprintf(d->fp, "\n");
		put_text(d, h);
		fprintf(d->fp, "\n");
		break;
	case DOC_MD:
		fprintf(d->fp, "## ");
		put_text(d, h);
		fprintf(d->fp, "\n\n");
		break;
	default:
		fprintf(d->fp, "<h2>");
		put_text(d, h);
		fprintf(d->fp, "</h2>\n");
	}
}

void para(struct doc *d, const char *s)
{
	switch (d->mode) {
	case DOC_TEXT:
		fprintf(d->fp, "  ");
		put_text(d, s);
		fprintf(d->fp, "\n");
		break;
	case DOC_MD:
		put_text(d, s);
		fprintf(d->fp, "\n\n");
		break;
	default:
		fprintf(d->fp, "<p>");
		put_text(d, s);
		fprintf(d->fp, "</p>\n");
	}
}

void table_init(struct table *t, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = strlen(align);
	snprintf(t->align, sizeof(t->align), "%s", align);
	t->rows = json_array();
}

void table_row(struct table *t, const char *const *cells)
{
	json_t *row = json_array();

	for (size_t i = 0; i < t->ncols; i++)
		json_array_append_new(row, json_string(cells[i] ? cells[i] : ""));
	json_array_append_new(t->rows, row);
}

/* Write the table in the document's format, and release its rows. */
void table_write(struct doc *d, struct table *t)
{
	if (d->mode == DOC_HTML)
		table_write_html(d, t);
	else if (d->mode == DOC_MD)
		table_write_md(d, t);
	else
		table_write_text(d, t);
	json_decref(t->rows);
}

/* ---- values ---- */

json_int_t ival(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

const char *sval(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

char *num(char *buf, json_int_t n)
{
	snprintf(buf, 32, "%lld", (long long)n);
	return buf;
}

/* A time as the reader wants it: HH:MM within one day, else MM-DD HH:MM. */
const char *when(const struct doc *d, const char *ts, char *buf)
{
	if (!ts || strlen(ts) < 16)
		return ts ? ts : "";
	if (d->single_day)
		snprintf(buf, 32, "%.5s", ts + 11);
	else
		snprintf(buf, 32, "%.5s %.5s", ts + 5, ts + 11);
	return buf;
}

const char *fmt_temp(const json_t *v, char *buf)
{
	if (!json_is_number(v))
		return "";
	snprintf(buf, 32, "%.1f", json_number_value(v));
	return buf;
}

void join_reasons(const json_t *a, char *buf, size_t size)
{
	size_t i, n = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", i ? " " : "",
				      json_string_value(v) ? json_string_value(v) : "");
}

int merged(const json_t *rep)
{
	return json_is_true(json_object_get(rep, "merged"));
}
