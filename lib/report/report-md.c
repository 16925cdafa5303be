/*
 * cg-report's Markdown format: the title and headings as ATX headings,
 * tables as pipe tables.
 */
#include <stdio.h>

#include "report/report-doc.h"

static void md_text(FILE *fp, const char *s)
{
	cg_doc_plain(fp, s, 1);
}

static void md_title(struct doc *d, const char *title, const char *meta)
{
	fprintf(d->fp, "# ");
	cg_doc_text(d, title);
	fprintf(d->fp, "\n\n");
	cg_doc_text(d, meta);
	fprintf(d->fp, "\n");
}

static void md_heading(struct doc *d, const char *h)
{
	fprintf(d->fp, "## ");
	cg_doc_text(d, h);
	fprintf(d->fp, "\n\n");
}

static void md_para(struct doc *d, const char *s)
{
	cg_doc_text(d, s);
	fprintf(d->fp, "\n\n");
}

static void md_table(struct doc *d, const struct table *t)
{
	size_t i, r;
	json_t *row;

	fprintf(d->fp, "|");
	for (i = 0; i < t->ncols; i++) {
		fprintf(d->fp, " ");
		cg_doc_text(d, t->head[i]);
		fprintf(d->fp, " |");
	}
	fprintf(d->fp, "\n|");
	for (i = 0; i < t->ncols; i++)
		fprintf(d->fp, t->align[i] == 'r' ? " ---: |" : " --- |");
	fprintf(d->fp, "\n");
	json_array_foreach(t->rows, r, row) {
		fprintf(d->fp, "|");
		for (i = 0; i < t->ncols; i++) {
			fprintf(d->fp, " ");
			cg_doc_text(d, json_string_value(json_array_get(row, i)));
			fprintf(d->fp, " |");
		}
		fprintf(d->fp, "\n");
	}
	fprintf(d->fp, "\n");
}

const struct doc_format cg_doc_md_format = {
	DOC_MD, md_text, md_title, md_heading, md_para, md_table
};
