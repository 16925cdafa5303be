#ifndef CG_REPORT_DOC_H
#define CG_REPORT_DOC_H

#include <stdio.h>
#include <jansson.h>

/*
 * Inside cg-report's output, what its files share: the HTML page's frame
 * and its SVG charts (report-html.c); the document the text, Markdown and
 * HTML formats write (report-doc.c), their tables (report-text.c,
 * report-md.c, report-html.c) and its sections (report-sections.c); CSV
 * (report-csv.c).  report-format.c chooses among them.  Internal to
 * lib/report: commands and tests use report.h.  Every function writes to
 * fp and reads the report rep (borrowed).
 */

/* Text with &, <, >, " and ' escaped; control characters dropped. */
void cg_html_escape(FILE *fp, const char *s);

/* From <!DOCTYPE html> to the opening of <main>, with the inline CSS. */
void cg_report_html_head(FILE *fp, const char *title);
void cg_report_html_foot(FILE *fp);

/* The headline figures as tiles. */
void cg_report_html_kpis(FILE *fp, const json_t *rep);

/* The charts, each one <svg class="chart" data-chart="NAME">. */
void cg_report_chart_hours(FILE *fp, const json_t *rep);
void cg_report_chart_temperatures(FILE *fp, const json_t *rep);
void cg_report_chart_cases(FILE *fp, const json_t *rep);


/* ---- report-doc.c: the document ---- */

enum { DOC_TEXT, DOC_MD, DOC_HTML };

struct doc {
	FILE *fp;
	int mode;
	const json_t *rep;
	int single_day;		/* times shown as HH:MM */
};

/* A table: a header and rows of strings; align 'l' or 'r' per column. */
#define MAX_COLS 16

struct table {
	size_t ncols;
	const char *head[MAX_COLS];
	char align[MAX_COLS + 1];
	json_t *rows;
	const char *klass;	/* HTML class of warning rows, or NULL */
};

void put_text(struct doc *d, const char *s);
void heading(struct doc *d, const char *h);
void para(struct doc *d, const char *s);
void table_init(struct table *t, const char *align);
void table_row(struct table *t, const char *const *cells);
/* Write the table in the document's format, and release its rows. */
void table_write(struct doc *d, struct table *t);

/* The values of the report as they are shown. */
json_int_t ival(const json_t *o, const char *key);
const char *sval(const json_t *o, const char *key);
char *num(char *buf, json_int_t n);
/* A time as the reader wants it: HH:MM within one day, else MM-DD HH:MM. */
const char *when(const struct doc *d, const char *ts, char *buf);
const char *fmt_temp(const json_t *v, char *buf);
void join_reasons(const json_t *a, char *buf, size_t size);
int merged(const json_t *rep);

/* ---- report-text.c, report-md.c, report-html.c: tables ---- */

/* Text for a terminal or Markdown: no control characters. */
void put_plain(FILE *fp, const char *s, int md);
/* Columns padded to their widest cell, two spaces apart. */
void table_write_text(struct doc *d, const struct table *t);
void table_write_md(struct doc *d, const struct table *t);
void table_write_html(struct doc *d, const struct table *t);

/* ---- report-sections.c: the report as a document ---- */

void write_doc(struct doc *d);

/* ---- report-csv.c ---- */

void write_csv(FILE *fp, const json_t *rep, const char *table);

#endif
