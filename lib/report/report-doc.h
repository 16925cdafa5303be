#ifndef CG_REPORT_DOC_H
#define CG_REPORT_DOC_H

#include <stdio.h>
#include <jansson.h>

/*
 * Inside cg-report's output, what its files share: the HTML page's frame
 * and its SVG charts (report-html.c); the document the text, Markdown and
 * HTML formats write (report-doc.c), how each writes its title, headings,
 * paragraphs and tables (struct doc_format, in report-text.c, report-md.c
 * and report-html.c), and its sections (report-sections.c); CSV
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

/* ---- report-doc.c: the document and its tables ---- */

enum { DOC_TEXT, DOC_MD, DOC_HTML };

struct doc;
struct table;

/*
 * How a format writes the parts of a document: report-text.c,
 * report-md.c and report-html.c each define one.
 */
struct doc_format {
	int mode;		/* DOC_TEXT, DOC_MD or DOC_HTML */
	void (*text)(FILE *fp, const char *s);	/* s escaped as needed */
	void (*title)(struct doc *d, const char *title, const char *meta);
	void (*heading)(struct doc *d, const char *h);
	void (*para)(struct doc *d, const char *s);
	void (*table)(struct doc *d, const struct table *t);
};

extern const struct doc_format cg_doc_text_format, cg_doc_md_format, cg_doc_html_format;

struct doc {
	FILE *fp;
	const struct doc_format *format;
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
	json_t *klasses;	/* HTML class of each row when set (strings) */
};

/* An amendment's "changed" ({FIELD:{"from","to"}}) as "gate north → south,
 * temp 38.5 → 36.6" (report-corrections.c). */
void cg_doc_changes(const json_t *changed, char *buf, size_t size);

/* The parts of a document, in its format. */
void cg_doc_text(struct doc *d, const char *s);
void cg_doc_title(struct doc *d, const char *title, const char *meta);
void cg_doc_heading(struct doc *d, const char *h);
void cg_doc_para(struct doc *d, const char *s);
/* A table of strlen(align) columns; set its head[] before writing. */
void cg_doc_table_init(struct table *t, const char *align);
/* cg_doc_table_init with the headings heads, one per letter of align;
 * in a roll-up (merged) a Compound column comes first, so each row starts
 * with the compound's code. */
void cg_doc_table_heads(struct table *t, int merged, const char *align,
			const char *const *heads);
void cg_doc_table_row(struct table *t, const char *const *cells);
/* A row with its own HTML class (an alert row stands out). */
void cg_doc_table_row_class(struct table *t, const char *const *cells, const char *klass);
/* Write the table in the document's format, and release its rows. */
void cg_doc_table_write(struct doc *d, struct table *t);

/* The values of the report as they are shown. */
static inline json_int_t ival(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static inline const char *sval(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* n in buf, which holds 32 bytes; returns buf. */
static inline char *num(char *buf, json_int_t n)
{
	snprintf(buf, 32, "%lld", (long long)n);
	return buf;
}

static inline int merged(const json_t *rep)
{
	return json_is_true(json_object_get(rep, "merged"));
}

/* A time as the reader wants it: HH:MM within one day, else MM-DD HH:MM. */
const char *cg_doc_when(const struct doc *d, const char *ts, char *buf);
/* A temperature to a tenth in buf (32 bytes); "" when v is no number. */
const char *cg_doc_temp(const json_t *v, char *buf);
/* The strings of the array a, a space apart, cut to size; with labels,
 * each code as a person reads it (cg_report_label). */
void cg_doc_join(const json_t *a, char *buf, size_t size, int labels);

/* ---- report-text.c ---- */

/* Text for a terminal or (md) Markdown: no control characters. */
void cg_doc_plain(FILE *fp, const char *s, int md);

/* ---- report-sections.c: the report as a document ---- */

void cg_report_write_doc(struct doc *d);

/* ---- report-duty-doc.c: the duty section ---- */

/* The words of a duty warning into buf: 1, or 0 when code is not one. */
int cg_report_duty_warning_text(const char *code, const json_t *w, char *buf, size_t size);
/* The duty section, when the report has one. */
void cg_report_section_duty(struct doc *d);

/* ---- report-csv.c ---- */

void cg_report_write_csv(FILE *fp, const json_t *rep, const char *table);

#endif
