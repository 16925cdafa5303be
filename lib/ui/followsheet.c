/*
 * The daily follow-up sheet: see followsheet.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "core/mask.h"
#include "report/report-doc.h"
#include "report/report.h"
#include "rules/quarantine.h"
#include "ui/followsheet.h"

static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

/* Building, unit and room as numbers, for sorting "10-1-101" after
 * "9-2-602"; a household that is not one sorts last. */
static void household_order(const char *hh, long parts[3])
{
	char *end;

	parts[0] = parts[1] = parts[2] = LONG_MAX;
	for (int i = 0; i < 3 && *hh; i++) {
		parts[i] = strtol(hh, &end, 10);
		if (end == hh)
			break;
		hh = *end == '-' ? end + 1 : end;
	}
}

static int by_officer_household(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *ox = str(x, "officer"), *oy = str(y, "officer");
	long hx[3], hy[3];
	int c;

	if (!*ox != !*oy)
		return *ox ? -1 : 1;
	if ((c = strcmp(ox, oy)))
		return c;
	household_order(str(x, "household"), hx);
	household_order(str(y, "household"), hy);
	for (int i = 0; i < 3; i++)
		if (hx[i] != hy[i])
			return hx[i] < hy[i] ? -1 : 1;
	return strcmp(str(x, "case_id"), str(y, "case_id"));
}

static void head(FILE *fp, const struct cg_config *cfg, const char *date)
{
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", fp);
	cg_html_escape(fp, cfg->compound_name ? cfg->compound_name : "");
	fprintf(fp, " %s %s</title><style>\n", _("Daily follow-up"), date);
	fputs("@page{size:A4;margin:12mm}\n"
	      "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;"
	      "font-size:10pt;margin:0}\n"
	      "section{break-after:page;page-break-after:always}\n"
	      "section:last-child{break-after:auto;page-break-after:auto}\n"
	      "h1{font-size:15pt;margin:0 0 1mm}p.meta{margin:0 0 3mm}\n"
	      "table{width:100%;border-collapse:collapse;table-layout:fixed}\n"
	      "th,td{border:0.3mm solid #000;padding:1.5mm;vertical-align:top;"
	      "word-wrap:break-word}\n"
	      "th{background:#eee;font-size:9pt}tr{break-inside:avoid;page-break-inside:avoid}\n"
	      ".box{display:block;height:6mm;border:0.3mm solid #000;margin-top:1mm;"
	      "font-size:7pt;color:#666;padding-left:0.5mm}\n"
	      ".done{color:#444}.flag{font-weight:bold}\n"
	      "p.sign{margin-top:6mm}\n"
	      "@media screen{body{margin:8mm}section{margin-bottom:12mm}}\n"
	      "</style></head><body>\n", fp);
}

static void section_head(FILE *fp, const struct cg_config *cfg, const struct cg_quarantine_policy *p,
			 const char *date, const char *officer, size_t n)
{
	char label[CG_WINDOW_LABEL_LEN];

	fputs("<section><h1>", fp);
	cg_html_escape(fp, cfg->compound_name ? cfg->compound_name : "");
	fprintf(fp, " %s</h1><p class=\"meta\">%s %s &middot; %s ", _("Daily follow-up"),
		_("Date:"), date, _("Officer:"));
	cg_html_escape(fp, *officer ? officer : _("(none)"));
	fprintf(fp, " &middot; ");
	fprintf(fp, _("%zu cases"), n);
	fprintf(fp, "</p>\n<table><thead><tr><th style=\"width:14mm\">%s</th>"
		"<th style=\"width:16mm\">%s</th><th style=\"width:22mm\">%s</th>"
		"<th style=\"width:12mm\">%s</th>",
		_("Household"), _("Name"), _("Case"), _("Day"));
	for (int w = 0; w < p->nwindows; w++) {
		cg_quarantine_window_label(p, w, label);
		fprintf(fp, "<th>%s<br>%s</th>", label, _("time, &deg;C"));
	}
	fprintf(fp, "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		_("Symptoms"), _("Service requests"), _("Notes"));
}

static int has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

static void row(FILE *fp, const struct cg_quarantine_policy *p, const json_t *rec)
{
	char masked[256], label[CG_WINDOW_LABEL_LEN];
	const json_t *needs = json_object_get(rec, "needs_open"), *n;
	size_t i;

	fputs("<tr><td>", fp);
	cg_html_escape(fp, str(rec, "household"));
	fputs("</td><td>", fp);
	cg_html_escape(fp, cg_mask_name(str(rec, "name"), masked, sizeof(masked)));
	fputs("</td><td>", fp);
	cg_html_escape(fp, str(rec, "case_id"));
	fprintf(fp, "</td><td>%lld/%lld", json_integer_value(json_object_get(rec, "day_number")),
		json_integer_value(json_object_get(rec, "days")));
	if (json_is_true(json_object_get(rec, "lost")))
		fprintf(fp, "<br><span class=\"flag\">%s</span>", _("lost to follow-up"));
	else if (json_integer_value(json_object_get(rec, "missed")))
		fprintf(fp, "<br><span class=\"flag\">%s %lld</span>", _("missed"),
			json_integer_value(json_object_get(rec, "missed")));
	fputs("</td>", fp);
	for (int w = 0; w < p->nwindows; w++) {
		cg_quarantine_window_label(p, w, label);
		if (has(json_object_get(rec, "windows_done"), label))
			fprintf(fp, "<td class=\"done\">%s</td>", _("done"));
		else
			fprintf(fp, "<td><span class=\"box\">%s</span><span class=\"box\">&deg;C</span></td>",
				_("time"));
	}
	fputs("<td></td><td>", fp);
	json_array_foreach(needs, i, n) {
		if (i)
			fputs("<br>", fp);
		/* A code of the man page is read as its label; the office's
		 * own text as it was typed. */
		cg_html_escape(fp, cg_report_label(str(n, "need")));
	}
	fputs("</td><td></td></tr>\n", fp);
}

int cg_followsheet_html(FILE *fp, const struct cg_config *cfg, const json_t *due,
			int32_t day)
{
	size_t n = json_array_size(due), k = 0, m = 0;
	const json_t **list = malloc((n + 1) * sizeof(*list));
	char date[CG_DATE_LEN];

	if (!list)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!json_is_true(json_object_get(json_array_get(due, i), "period_over")))
			list[m++] = json_array_get(due, i);
	qsort(list, m, sizeof(*list), by_officer_household);
	cg_day_format(day, date);
	head(fp, cfg, date);
	if (!m)
		fprintf(fp, "<section><p>%s</p></section>\n", _("No case to follow up today."));
	while (k < m) {
		const char *officer = str(list[k], "officer");
		size_t end = k;

		while (end < m && !strcmp(str(list[end], "officer"), officer))
			end++;
		section_head(fp, cfg, &cfg->quarantine, date, officer, end - k);
		for (; k < end; k++)
			row(fp, &cfg->quarantine, list[k]);
		fprintf(fp, "</tbody></table><p class=\"sign\">%s ____________</p></section>\n",
			_("Signature:"));
	}
	fputs("</body></html>\n", fp);
	free((void *)list);
	return ferror(fp) ? -1 : 0;
}
