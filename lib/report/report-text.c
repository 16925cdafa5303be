/*
 * cg-report's text format, for a terminal or a mail from cron: headings
 * and paragraphs, and tables in aligned columns (measured as core/table.h
 * measures).
 */
#include <stdio.h>
#include <string.h>

#include "core/table.h"
#include "report/report-doc.h"
#include "report/report.h"

/* Text for a terminal or Markdown: no control characters. */
void cg_doc_plain(FILE *fp, const char *s, int md)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7F)
			fputc(' ', fp);
		else if (md && (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`' ||
				c == '<' || c == '[' || c == ']'))
			fprintf(fp, "\\%c", c);
		else
			fputc(c, fp);
	}
}

static void pad(FILE *fp, size_t n)
{
	while (n--)
		fputc(' ', fp);
}

/* Columns padded to their widest cell, two spaces apart. */
static void text_table(struct doc *d, const struct table *t)
{
	size_t width[MAX_COLS] = { 0 }, i, r;
	json_t *row;

	for (i = 0; i < t->ncols; i++)
		width[i] = cg_text_width(t->head[i]);
	json_array_foreach(t->rows, r, row)
		for (i = 0; i < t->ncols; i++) {
			size_t w = cg_text_width(json_string_value(json_array_get(row, i)));

			if (w > width[i])
				width[i] = w;
		}
	for (r = 0; r <= json_array_size(t->rows); r++) {
		size_t pending = 2;	/* spaces owed: none at the end of a line */

		for (i = 0; i < t->ncols; i++) {
			const char *s = r ? json_string_value(json_array_get(json_array_get(t->rows, r - 1), i))
					  : t->head[i];
			size_t w = cg_text_width(s), fill = width[i] - w;

			if (t->align[i] == 'r')
				pending += fill;
			if (*s) {
				pad(d->fp, pending);
				pending = 0;
				cg_doc_text(d, s);
			}
			if (t->align[i] != 'r')
				pending += fill;
			pending += 2;
		}
		fprintf(d->fp, "\n");
	}
}

static void text_plain(FILE *fp, const char *s)
{
	cg_doc_plain(fp, s, 0);
}

static void text_title(struct doc *d, const char *title, const char *meta)
{
	cg_doc_text(d, title);
	fprintf(d->fp, "\n");
	cg_doc_text(d, meta);
	fprintf(d->fp, "\n");
}

static void text_heading(struct doc *d, const char *h)
{
	fprintf(d->fp, "\n");
	cg_doc_text(d, h);
	fprintf(d->fp, "\n");
}

static void text_para(struct doc *d, const char *s)
{
	fprintf(d->fp, "  ");
	cg_doc_text(d, s);
	fprintf(d->fp, "\n");
}

const struct doc_format cg_doc_text_format = {
	DOC_TEXT, text_plain, text_title, text_heading, text_para, text_table
};
