/*
 * The width of text on a terminal, and aligned tables (core/table.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/table.h"

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

/* ---- tables ---- */

void cg_table_init(struct cg_table *t, size_t ncols, const char *const *head,
		   const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < CG_TABLE_MAX_COLS ? ncols : CG_TABLE_MAX_COLS;
	t->head = head;
	t->align = align;
}

int cg_table_add(struct cg_table *t, const char *const *cells)
{
	char **row;

	if (t->nrows == t->alloc) {
		size_t alloc = t->alloc ? 2 * t->alloc : 16;
		char **grown = realloc(t->cells, alloc * t->ncols * sizeof(*grown));

		if (!grown)
			return -1;
		t->cells = grown;
		t->alloc = alloc;
	}
	row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = strdup(cells[i] ? cells[i] : "");
		if (!row[i]) {
			while (i--)
				free(row[i]);
			return -1;
		}
		/* Nothing a field holds may move the cursor or break the line. */
		for (char *p = row[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7F)
				*p = ' ';
	}
	t->nrows++;
	return 0;
}

static const char *cell(const struct cg_table *t, size_t r, size_t i)
{
	/* Row 0 is the heading line when there is one. */
	if (t->head)
		return r ? t->cells[(r - 1) * t->ncols + i] : t->head[i];
	return t->cells[r * t->ncols + i];
}

static int write_row(const struct cg_table *t, size_t r, const size_t *width,
		     struct cg_buf *out)
{
	size_t pending = 0;	/* spaces owed: none at the end of a line */
	int ret = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = cell(t, r, i);
		size_t fill = width[i] - cg_text_width(s);
		int right = t->align && t->align[i] == 'r';

		if (right)
			pending += fill;
		if (*s) {
			while (pending && ret == 0) {
				ret = cg_buf_addch(out, ' ');
				pending--;
			}
			if (ret == 0)
				ret = cg_buf_addstr(out, s);
		}
		if (!right)
			pending += fill;
		pending += 2;
	}
	return ret == 0 ? cg_buf_addch(out, '\n') : -1;
}

int cg_table_write(const struct cg_table *t, struct cg_buf *out)
{
	size_t width[CG_TABLE_MAX_COLS] = { 0 };
	size_t rows = t->nrows + (t->head != NULL);

	for (size_t r = 0; r < rows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = cg_text_width(cell(t, r, i));

			if (w > width[i])
				width[i] = w;
		}
	for (size_t r = 0; r < rows; r++)
		if (write_row(t, r, width, out) < 0)
			return -1;
	return 0;
}

void cg_table_release(struct cg_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->alloc = 0;
}
