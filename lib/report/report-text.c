/*
 * cg-report's text format, for a terminal or a mail from cron: the width
 * of text on a terminal, headings and paragraphs, and tables in aligned
 * columns.
 */
#include <stdio.h>
#include <string.h>

#include "report/report-doc.h"
#include "report/report.h"

/* ---- display width ---- */

static unsigned utf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned c = *p;

	if (c < 0x80) {
		*pp = p + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
		*pp = p + 2;
		return (c & 0x1F) << 6 | (p[1] & 0x3F);
	}
	if ((c & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		*pp = p + 3;
		return (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	}
	if ((c & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
	    (p[3] & 0xC0) == 0x80) {
		*pp = p + 4;
		return (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	}
	*pp = p + 1;
	return 0xFFFD;
}

/* East Asian Wide and Fullwidth (Unicode 15, the ranges that matter). */
static int wide(unsigned c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
	       (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	       (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

static int zero_width(unsigned c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}

size_t cg_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		unsigned c = utf8_next(&p);

		w += zero_width(c) ? 0 : wide(c) ? 2 : 1;
	}
	return w;
}

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
