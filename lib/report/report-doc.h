#ifndef CG_REPORT_DOC_H
#define CG_REPORT_DOC_H

#include <stdio.h>
#include <jansson.h>

/*
 * Inside cg-report's output: the HTML page's frame and its SVG charts
 * (report-html.c), used by the section writer of report-format.c.  Every
 * function writes to fp and reads the report rep (borrowed).
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

#endif
