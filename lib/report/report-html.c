/*
 * The HTML page of cg-report: one self-contained file (inline CSS and
 * SVG, nothing fetched), with three charts: traffic per hour stacked by
 * gate, the temperature histogram with the fever threshold marked, and the
 * cases under observation over the last 14 days.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "report/report-doc.h"
#include "report/report.h"

void cg_html_escape(FILE *fp, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			if (c >= 0x20 && c != 0x7F)
				fputc(c, fp);
			else if (c == '\n' || c == '\t')
				fputc(' ', fp);
		}
	}
}

static const char css[] =
"body{margin:0;background:#f4f5f7;color:#1d2330;font:15px/1.5 \"Noto Sans CJK SC\","
"\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",\"PingFang SC\",system-ui,sans-serif}\n"
"main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}\n"
"h1{font-size:24px;margin:0 0 4px}\n"
"h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid #d0d5dd}\n"
"p{margin:6px 0}\n"
".meta{color:#5b6475;font-size:13px}\n"
"table{border-collapse:collapse;margin:8px 0 4px;font-size:14px}\n"
"th,td{padding:3px 10px;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap}\n"
"th{background:#eef1f5;font-weight:600}\n"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
"tr.warn td{background:#fff4e5}\n"
"tr.alert td{background:#fde2e1;color:#8a1c13;font-weight:600}\n"
"details.notices{margin:6px 0;color:#5b6475}\n"
"svg.chart{display:block;margin:8px 0 12px;max-width:100%;height:auto;"
"font-family:inherit}\n"
"svg.chart text{font-size:12px;fill:#3b4252}\n"
"svg.chart .axis{stroke:#8a93a3;stroke-width:1}\n"
"svg.chart .grid{stroke:#e3e6ea;stroke-width:1}\n"
"svg.chart .title{font-size:14px;font-weight:600;fill:#1d2330}\n"
".kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(112px,1fr));gap:10px;margin:16px 0 4px}\n"
".kpi{border:1px solid #d0d5dd;border-radius:6px;padding:8px 12px}\n"
".kpi b{display:block;font-size:24px;font-variant-numeric:tabular-nums}\n"
".kpi span{color:#5b6475;font-size:13px}\n"
".kpi.bad{border-color:#e8833a;background:#fff4e5}\n"
"details{margin:4px 0}summary{cursor:pointer;color:#2f6fdf}\n"
"@media print{body{background:#fff}main{padding:0}}\n";

void cg_report_html_head(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>", fp);
	cg_html_escape(fp, title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
}

static void kpi(FILE *fp, const char *label, long long n, int bad)
{
	fprintf(fp, "<div class=\"kpi%s\"><b>%lld</b><span>", bad && n ? " bad" : "", n);
	cg_html_escape(fp, label);
	fputs("</span></div>\n", fp);
}

void cg_report_html_kpis(FILE *fp, const json_t *rep)
{
	const json_t *t = json_object_get(rep, "totals");
	const json_t *w;
	long long alerts = 0, notices = 0;
	size_t i;

	json_array_foreach(json_object_get(rep, "warnings"), i, w)
	{
		const char *sev = json_string_value(json_object_get(w, "severity")) ?: "";

		alerts += !strcmp(sev, "alert");
		notices += !strcmp(sev, "notice");
	}
	fputs("<div class=\"kpis\">\n", fp);
	kpi(fp, _("events"), json_integer_value(json_object_get(t, "events")), 0);
	kpi(fp, _("in"), json_integer_value(json_object_get(t, "in")), 0);
	kpi(fp, _("out"), json_integer_value(json_object_get(t, "out")), 0);
	kpi(fp, _("denied"), json_integer_value(json_object_get(t, "deny")), 0);
	/* the headline counts persons (cg-report(1), fever) */
	kpi(fp, _("fevers"), json_integer_value(json_object_get(json_object_get(rep, "fever"),
								  "persons")), 1);
	kpi(fp, _("visitors"), json_integer_value(json_object_get(json_object_get(rep, "visitors"), "count")), 0);
	kpi(fp, _("under observation"),
	    json_integer_value(json_object_get(json_object_get(rep, "cases"), "open")), 0);
	kpi(fp, _("alerts"), alerts, 1);
	kpi(fp, _("warnings"), (long long)json_array_size(json_object_get(rep, "warnings")) - alerts - notices,
	    1);
	fputs("</div>\n", fp);
}

void cg_report_html_foot(FILE *fp)
{
	fputs("</main>\n</body>\n</html>\n", fp);
}

/* ---- charts ---- */

static const char *const palette[] = {
	"#2f6fdf", "#e8833a", "#3aa55d", "#9b59b6", "#d64545", "#1aa3a3",
	"#b7950b", "#7f8c8d", "#c0c4cc"
};
#define NCOLOURS 8	/* the ninth is "other" */

/* A round axis maximum at or above max, and its tick step. */
static void nice_scale(double max, double *top, double *step)
{
	double mag, f;

	if (max <= 0)
		max = 1;
	mag = pow(10, floor(log10(max)));
	f = max / mag;
	*step = (f <= 1 ? 0.2 : f <= 2 ? 0.5 : f <= 5 ? 1 : 2) * mag;
	if (*step < 1)
		*step = 1;
	*top = ceil(max / *step) * *step;
}

#define W 960
#define H 300
#define L 56	/* left margin */
#define R 16
#define T 36
#define B 44

static void chart_open(FILE *fp, const char *name, const char *title, int height)
{
	fprintf(fp, "<svg class=\"chart\" data-chart=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		name, W, height, W, height);
	cg_html_escape(fp, title);
	fprintf(fp, "\">\n<text class=\"title\" x=\"%d\" y=\"20\">", L);
	cg_html_escape(fp, title);
	fputs("</text>\n", fp);
}

static void y_axis(FILE *fp, double top, double step, int height)
{
	int plot = height - T - B;

	for (double v = 0; v <= top + step / 2; v += step) {
		double y = T + plot - v / top * plot;

		fprintf(fp, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
			L, y, W - R, y, L - 6, y + 4, v);
	}
	fprintf(fp, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
		L, T + plot, W - R, T + plot);
}

static void no_data(FILE *fp, int height)
{
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (L + W - R) / 2, height / 2);
	cg_html_escape(fp, _("no data"));
	fputs("</text>\n", fp);
}

static json_int_t hour_total(const json_t *h, size_t hr)
{
	return json_integer_value(json_array_get(json_object_get(h, "in"), hr)) +
	       json_integer_value(json_array_get(json_object_get(h, "out"), hr));
}

struct series {
	const char *name;
	json_int_t n[24];
	json_int_t total;
};

static int by_total(const void *a, const void *b)
{
	const struct series *x = a, *y = b;

	return (y->total > x->total) - (y->total < x->total);
}

/*
 * The series of the hours chart, busiest gate first: the busiest gates
 * get colours, the rest are "other".  *n is how many are shown; NULL when
 * out of memory.
 */
static struct series *hour_series(const json_t *hours, size_t *n)
{
	struct series *s = calloc(json_object_size(hours) + 1, sizeof(*s));
	size_t ns = 0, shown;
	const char *name;
	const json_t *h;

	if (!s)
		return NULL;
	json_object_foreach((json_t *)hours, name, h) {
		s[ns].name = name;
		for (size_t hr = 0; hr < 24; hr++) {
			s[ns].n[hr] = hour_total(h, hr);
			s[ns].total += s[ns].n[hr];
		}
		ns++;
	}
	qsort(s, ns, sizeof(*s), by_total);
	shown = ns > NCOLOURS + 1 ? NCOLOURS : ns;
	if (ns > shown) {
		for (size_t i = shown + 1; i < ns; i++)
			for (int hr = 0; hr < 24; hr++)
				s[shown].n[hr] += s[i].n[hr];
		s[shown].name = _("other");
		shown++;
	}
	*n = shown;
	return s;
}

static void hours_legend(FILE *fp, const struct series *s, size_t shown)
{
	double x = L;

	for (size_t i = 0; i < shown; i++) {
		const char *colour = i < NCOLOURS ? palette[i] : palette[NCOLOURS];

		fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\">", x, H + 4, colour, x + 16, H + 14);
		cg_html_escape(fp, s[i].name);
		fputs("</text>\n", fp);
		x += 28 + 7.5 * (double)strlen(s[i].name);
	}
}

void cg_report_chart_hours(FILE *fp, const json_t *rep)
{
	struct series *s;
	size_t shown;
	json_int_t max = 0, stack[24] = { 0 };
	double top, step, bw = (double)(W - L - R) / 24;
	int plot = H - T - B;

	chart_open(fp, "hours", _("Traffic per hour, stacked by gate"), H + 24);
	if (!(s = hour_series(json_object_get(rep, "hours"), &shown))) {
		fputs("</svg>\n", fp);
		return;
	}
	for (size_t i = 0; i < shown; i++)
		for (int hr = 0; hr < 24; hr++)
			stack[hr] += s[i].n[hr];
	for (int hr = 0; hr < 24; hr++)
		if (stack[hr] > max)
			max = stack[hr];
	nice_scale((double)max, &top, &step);
	y_axis(fp, top, step, H);
	memset(stack, 0, sizeof(stack));
	for (size_t i = 0; i < shown; i++) {
		const char *colour = i < NCOLOURS ? palette[i] : palette[NCOLOURS];

		for (int hr = 0; hr < 24; hr++) {
			double y0, hgt;

			if (!s[i].n[hr])
				continue;
			hgt = (double)s[i].n[hr] / top * plot;
			y0 = T + plot - (double)stack[hr] / top * plot - hgt;
			stack[hr] += s[i].n[hr];
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				"<title>", L + hr * bw + 2, y0, bw - 4, hgt, colour);
			cg_html_escape(fp, s[i].name);
			fprintf(fp, " %02d:00: %lld</title></rect>\n", hr, (long long)s[i].n[hr]);
		}
	}
	for (int hr = 0; hr < 24; hr += 1)
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%02d</text>\n",
			L + hr * bw + bw / 2, T + plot + 16, hr);
	hours_legend(fp, s, shown);
	if (!max)
		no_data(fp, H);
	fputs("</svg>\n", fp);
	free(s);
}

void cg_report_chart_temperatures(FILE *fp, const json_t *rep)
{
	const json_t *t = json_object_get(rep, "temperatures");
	const json_t *counts = json_object_get(t, "counts");
	const json_t *thr = json_object_get(json_object_get(rep, "policy"), "fever_threshold");
	double threshold = json_is_number(thr) ? json_number_value(thr) : 0;
	int lo = 5, hi = 35;	/* bins shown: 35.5 to 38.5 at least */
	json_int_t max = 0;
	double top, step, bw;
	int plot = H - T - B, nb;

	chart_open(fp, "temperatures", _("Temperatures measured (°C), fever threshold marked"), H);
	for (int i = 0; i < (int)json_array_size(counts); i++) {
		json_int_t n = json_integer_value(json_array_get(counts, (size_t)i));

		if (n && i < lo)
			lo = i;
		if (n && i > hi)
			hi = i;
		if (n > max)
			max = n;
	}
	if (threshold) {
		int b = (int)lround(threshold * 10) - CG_TEMP_FROM10;

		if (b >= 0 && b < CG_TEMP_BINS) {
			if (b + 3 > hi)
				hi = b + 3 < CG_TEMP_BINS ? b + 3 : CG_TEMP_BINS - 1;
			if (b - 3 < lo)
				lo = b - 3 > 0 ? b - 3 : 0;
		}
	}
	nb = hi - lo + 1;
	bw = (double)(W - L - R) / nb;
	nice_scale((double)max, &top, &step);
	y_axis(fp, top, step, H);
	for (int i = lo; i <= hi; i++) {
		json_int_t n = json_integer_value(json_array_get(counts, (size_t)i));
		double deg = (CG_TEMP_FROM10 + i) / 10.0;
		double hgt = (double)n / top * plot;
		int fever = threshold && deg >= threshold - 1e-9;

		if (n)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				"<title>%.1f °C: %lld</title></rect>\n",
				L + (i - lo) * bw + 1, T + plot - hgt, bw - 2, hgt,
				fever ? "#d64545" : "#2f6fdf", deg, (long long)n);
		if ((CG_TEMP_FROM10 + i) % (nb > 40 ? 10 : 5) == 0)
			fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n",
				L + (i - lo) * bw + bw / 2, T + plot + 16, deg);
	}
	if (threshold) {
		double x = L + (threshold * 10 - CG_TEMP_FROM10 - lo) * bw;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d64545\" "
			"stroke-width=\"2\" stroke-dasharray=\"6 4\" data-threshold=\"%.1f\"/>\n"
			"<text x=\"%.1f\" y=\"%d\" fill=\"#d64545\" style=\"fill:#d64545\">",
			x, T - 6, x, T + plot, threshold, x + 4, T + 8);
		fprintf(fp, _("fever ≥ %.1f °C"), threshold);
		fputs("</text>\n", fp);
	}
	if (!max)
		no_data(fp, H);
	fputs("</svg>\n", fp);
}

void cg_report_chart_cases(FILE *fp, const json_t *rep)
{
	const json_t *days = json_object_get(json_object_get(rep, "cases"), "by_day"), *d;
	size_t n = json_array_size(days), i;
	json_int_t max = 0;
	double top, step, bw;
	int plot = H - T - B;

	chart_open(fp, "cases", _("Cases under observation at the end of each day, last 14 days"), H);
	json_array_foreach(days, i, d)
		if (json_integer_value(json_object_get(d, "open")) > max)
			max = json_integer_value(json_object_get(d, "open"));
	nice_scale((double)max, &top, &step);
	y_axis(fp, top, step, H);
	bw = (double)(W - L - R) / (n ? (double)n : 14);
	json_array_foreach(days, i, d) {
		json_int_t v = json_integer_value(json_object_get(d, "open"));
		const char *date = json_string_value(json_object_get(d, "date"));
		double hgt = (double)v / top * plot;

		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3aa55d\">"
			"<title>%s: %lld</title></rect>\n",
			L + (double)i * bw + 4, T + plot - hgt, bw - 8, hgt, date ? date : "", (long long)v);
		if (v)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%lld</text>\n",
				L + (double)i * bw + bw / 2, T + plot - hgt - 4, (long long)v);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			L + (double)i * bw + bw / 2, T + plot + 16,
			date && strlen(date) == 10 ? date + 5 : "");
	}
	if (!max)
		no_data(fp, H);
	fputs("</svg>\n", fp);
}

/* ---- the document in HTML ---- */

static void html_title(struct doc *d, const char *title, const char *meta)
{
	fprintf(d->fp, "<h1>");
	cg_doc_text(d, title);
	fprintf(d->fp, "</h1>\n<p class=\"meta\">");
	cg_doc_text(d, meta);
	fprintf(d->fp, "</p>\n");
	cg_report_html_kpis(d->fp, d->rep);
}

static void html_heading(struct doc *d, const char *h)
{
	fprintf(d->fp, "<h2>");
	cg_doc_text(d, h);
	fprintf(d->fp, "</h2>\n");
}

static void html_para(struct doc *d, const char *s)
{
	fprintf(d->fp, "<p>");
	cg_doc_text(d, s);
	fprintf(d->fp, "</p>\n");
}

static void html_table(struct doc *d, const struct table *t)
{
	size_t i, r;
	json_t *row;

	fprintf(d->fp, "<table>\n<thead><tr>");
	for (i = 0; i < t->ncols; i++) {
		fprintf(d->fp, "<th%s>", t->align[i] == 'r' ? " class=\"n\"" : "");
		cg_doc_text(d, t->head[i]);
		fprintf(d->fp, "</th>");
	}
	fprintf(d->fp, "</tr></thead>\n<tbody>\n");
	json_array_foreach(t->rows, r, row) {
		const char *k = json_string_value(json_array_get(t->klasses, r));

		if (k && *k)
			fprintf(d->fp, "<tr class=\"%s\">", k);	/* our own class names */
		else
			fprintf(d->fp, "<tr%s>", t->klass ? " class=\"warn\"" : "");
		for (i = 0; i < t->ncols; i++) {
			fprintf(d->fp, "<td%s>", t->align[i] == 'r' ? " class=\"n\"" : "");
			cg_doc_text(d, json_string_value(json_array_get(row, i)));
			fprintf(d->fp, "</td>");
		}
		fprintf(d->fp, "</tr>\n");
	}
	fprintf(d->fp, "</tbody>\n</table>\n");
}

const struct doc_format cg_doc_html_format = {
	DOC_HTML, cg_html_escape, html_title, html_heading, html_para, html_table
};
