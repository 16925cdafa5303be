#include <stdio.h>
#include <string.h>

#include "ui/cards.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/mask.h"
#include "ui/qr.h"

#define PAGE_W 210.0
#define PAGE_H 297.0
#define CARD_W 85.6
#define CARD_H 54.0
#define COLS 2
#define ROWS 4

const char *cg_colour_hex(const char *name)
{
	static const struct { const char *name, *hex; } colours[] = {
		{ "pink", "#f4a6c6" }, { "green", "#8fd19e" }, { "blue", "#8ab8e6" },
		{ "yellow", "#f3dc72" }, { "orange", "#f5ad6b" }, { "grey", "#bdbdbd" },
		{ "gray", "#bdbdbd" }, { "purple", "#bba5dc" }, { "red", "#ef8f8f" },
		{ "cyan", "#86d4dc" }, { "white", "#ffffff" },
	};

	if (name && name[0] == '#' && strlen(name) == 7)
		return name;
	for (size_t i = 0; name && i < sizeof(colours) / sizeof(colours[0]); i++)
		if (!strcmp(name, colours[i].name))
			return colours[i].hex;
	return "#dddddd";
}

static const char *str(const json_t *pass, const char *key)
{
	const char *s = json_string_value(json_object_get(pass, key));

	return s ? s : "";
}

/* Text for XML: the five characters that need escaping. */
static int add_xml(struct cg_buf *out, const char *s)
{
	int ret = 0;

	for (; *s; s++) {
		switch (*s) {
		case '<': ret |= cg_buf_addstr(out, "&lt;"); break;
		case '>': ret |= cg_buf_addstr(out, "&gt;"); break;
		case '&': ret |= cg_buf_addstr(out, "&amp;"); break;
		case '"': ret |= cg_buf_addstr(out, "&quot;"); break;
		case '\'': ret |= cg_buf_addstr(out, "&#39;"); break;
		default: ret |= cg_buf_addch(out, *s);
		}
	}
	return ret;
}

static const char *class_label(const char *cls)
{
	static const struct { const char *code, *label; } labels[] = {
		{ "resident", N_("Resident") }, { "returnee", N_("Returnee") },
		{ "tenant", N_("Tenant") }, { "temporary", N_("Temporary") },
		{ "visitor", N_("Visitor") }, { "vehicle", N_("Vehicle") },
		{ "staff", N_("Staff") },
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(cls, labels[i].code))
			return _(labels[i].label);
	return cls;
}

/* Who a card names: the masked holder, else the plate, else the household. */
static void holder_line(const json_t *pass, char *out, size_t len)
{
	const char *name = str(pass, "name"), *plate = str(pass, "plate");
	const char *hh = str(pass, "household");
	char masked[128];

	if (*name)
		snprintf(out, len, "%s  %s", cg_mask_name(name, masked, sizeof(masked)), hh);
	else if (*plate)
		snprintf(out, len, "%s", plate);
	else
		snprintf(out, len, "%s", hh);
}

/* The last day a pass is good for: valid_until is the instant it ends. */
static void last_day(const json_t *pass, char out[CG_DATE_LEN])
{
	cg_time_t until;

	if (cg_time_parse(str(pass, "valid_until"), 0, &until) < 0)
		snprintf(out, CG_DATE_LEN, "?");
	else
		cg_time_date(until - 1, out);
}

static int text_el(struct cg_buf *out, double x, double y, double size,
		   const char *weight, const char *family, const char *s)
{
	/* A negative x is measured from the card's right edge. */
	int ret = cg_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\" "
			      "font-weight=\"%s\" font-family=\"%s\"%s>",
			      x < 0 ? CARD_W + x : x, y, size, weight, family,
			      x < 0 ? " text-anchor=\"end\"" : "");

	ret |= add_xml(out, s);
	return ret | cg_buf_addstr(out, "</text>");
}

#define SANS "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
#define MONO "DejaVu Sans Mono, monospace"

static int card(const struct cg_config *cfg, const json_t *pass, double x, double y,
		struct cg_buf *out)
{
	char line[256], until[CG_DATE_LEN];
	const char *cls = str(pass, "class");
	int ret = 0;

	ret |= cg_buf_addf(out, "<g transform=\"translate(%.2f %.2f)\">"
			   "<rect width=\"%.1f\" height=\"%.1f\" rx=\"3\" fill=\"#fff\" "
			   "stroke=\"#888\" stroke-width=\"0.3\" stroke-dasharray=\"2 1\"/>"
			   "<rect width=\"%.1f\" height=\"11\" rx=\"3\" fill=\"%s\"/>",
			   x, y, CARD_W, CARD_H, CARD_W, cg_colour_hex(str(pass, "colour")));
	snprintf(line, sizeof(line), "%s %s", cfg->compound_name ? cfg->compound_name : "",
		 _("Pass"));
	ret |= text_el(out, 4, 7.5, 4.2, "bold", SANS, line);
	ret |= text_el(out, -4, 7.5, 4.2, "bold", SANS, class_label(cls));
	ret |= text_el(out, 4, 22, 5.4, "bold", MONO, str(pass, "pass_id"));
	holder_line(pass, line, sizeof(line));
	ret |= text_el(out, 4, 30, 3.6, "normal", SANS, line);
	snprintf(line, sizeof(line), _("Valid from %.10s"), str(pass, "valid_from"));
	ret |= text_el(out, 4, 37, 3.0, "normal", SANS, line);
	last_day(pass, until);
	snprintf(line, sizeof(line), _("through %s"), until);
	ret |= text_el(out, 4, 41.5, 3.0, "normal", SANS, line);
	ret |= text_el(out, 4, 49, 2.6, "normal", SANS, cfg->compound_code);
	if (cg_qr_svg(str(pass, "token"), CARD_W - 36.5, 13.5, 34, out) < 0)
		return -1;
	return ret | cg_buf_addstr(out, "</g>");
}

/*
 * One sheet as an <svg> element: on its own (page 0) an A4 document, or
 * page n (from 1) of a document of several, nested at its place in
 * millimetres, the parent's user unit.
 */
static int sheet(const struct cg_config *cfg, const json_t *passes, size_t first,
		 int page, struct cg_buf *out)
{
	double mx = (PAGE_W - COLS * CARD_W) / (COLS + 1);
	double my = (PAGE_H - ROWS * CARD_H) / (ROWS + 1);
	int ret = page ?
		cg_buf_addf(out, "<svg x=\"0\" y=\"%g\" width=\"%g\" height=\"%g\" "
			    "viewBox=\"0 0 %g %g\">", (page - 1) * PAGE_H, PAGE_W, PAGE_H,
			    PAGE_W, PAGE_H) :
		cg_buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			    "width=\"%gmm\" height=\"%gmm\" viewBox=\"0 0 %g %g\">",
			    PAGE_W, PAGE_H, PAGE_W, PAGE_H);

	for (size_t i = 0; i < CG_CARDS_PER_PAGE && first + i < json_array_size(passes); i++) {
		double x = mx + (double)(i % COLS) * (CARD_W + mx);
		double y = my + (double)(i / COLS) * (CARD_H + my);

		if (card(cfg, json_array_get(passes, first + i), x, y, out) < 0)
			return -1;
	}
	return ret | cg_buf_addstr(out, "</svg>\n");
}

int cg_cards_svg(const struct cg_config *cfg, const json_t *passes, struct cg_buf *out)
{
	size_t n = json_array_size(passes);
	int pages = (int)((n + CG_CARDS_PER_PAGE - 1) / CG_CARDS_PER_PAGE), ret;

	if (!pages)
		return 0;
	ret = cg_buf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (pages == 1)
		return ret | sheet(cfg, passes, 0, 0, out);
	/* One document of sheets one under another, one <svg> each: XML
	 * allows one root, so several documents in a row are no SVG. */
	ret |= cg_buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			   "width=\"%gmm\" height=\"%gmm\" viewBox=\"0 0 %g %g\">\n",
			   PAGE_W, PAGE_H * pages, PAGE_W, PAGE_H * pages);
	for (int p = 0; p < pages; p++)
		if (sheet(cfg, passes, (size_t)p * CG_CARDS_PER_PAGE, p + 1, out) < 0)
			return -1;
	return ret | cg_buf_addstr(out, "</svg>\n");
}

int cg_cards_html(const struct cg_config *cfg, const json_t *passes, struct cg_buf *out)
{
	int ret = cg_buf_addstr(out,
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");

	ret |= add_xml(out, cfg->compound_name ? cfg->compound_name : "");
	ret |= cg_buf_addf(out, " %s</title><style>"
		"@page{size:A4;margin:0}body{margin:0;background:#eee}"
		".sheet{width:210mm;height:297mm;margin:0 auto 8mm;background:#fff;"
		"page-break-after:always;break-after:page}"
		".sheet svg{display:block;width:210mm;height:297mm}"
		"@media print{body{background:none}.sheet{margin:0}}"
		"</style></head><body>\n", _("Passes"));
	for (size_t i = 0; i < json_array_size(passes); i += CG_CARDS_PER_PAGE) {
		ret |= cg_buf_addstr(out, "<div class=\"sheet\">");
		if (sheet(cfg, passes, i, 0, out) < 0)
			return -1;
		ret |= cg_buf_addstr(out, "</div>\n");
	}
	return ret | cg_buf_addstr(out, "</body></html>\n");
}

int cg_cards_txt(const struct cg_config *cfg, const json_t *passes, struct cg_buf *out)
{
	size_t i;
	json_t *pass;
	int ret = 0;

	json_array_foreach(passes, i, pass) {
		char who[256], until[CG_DATE_LEN];

		holder_line(pass, who, sizeof(who));
		ret |= cg_buf_addf(out, "%s %s  %s  %s\n%s\n", cfg->compound_name ? cfg->compound_name : "",
				   _("Pass"), str(pass, "pass_id"), class_label(str(pass, "class")), who);
		last_day(pass, until);
		ret |= cg_buf_addf(out, _("Valid from %.10s"), str(pass, "valid_from"));
		ret |= cg_buf_addf(out, " %s %s\n", _("through"), until);
		if (cg_qr_text(str(pass, "token"), out) < 0)
			return -1;
		ret |= cg_buf_addch(out, '\n');
	}
	return ret;
}
