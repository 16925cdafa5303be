/*
 * cg-report's Markdown format: tables as pipe tables.
 */
#include "report/report-doc.h"

void cg_doc_table_md(struct doc *d, const struct table *t)
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
