#ifndef CG_TABLE_H
#define CG_TABLE_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Text for a person at a terminal: the columns a string takes there, and
 * tables in aligned columns.  Every listing command's text format (and
 * cg-report's) measures with cg_text_width, so that Chinese names and
 * labels line up: an East Asian wide or full-width character takes two
 * columns, a combining mark none.  It does not depend on the locale.
 */

/* Display columns of UTF-8 text; a byte that is not UTF-8 counts one. */
size_t cg_text_width(const char *s);

#define CG_TABLE_MAX_COLS 16

/*
 * A table collected row by row, then written with each column padded to
 * its widest cell, two spaces apart, no spaces at the end of a line.  The
 * table owns copies of the cells; the headings and the alignment are
 * borrowed and must outlive it.  Control characters in a cell are written
 * as spaces, so a record's field cannot move the cursor or break a line.
 */
struct cg_table {
	size_t ncols;
	const char *const *head;	/* ncols headings, or NULL: no heading line */
	const char *align;		/* 'l' or 'r' per column, or NULL: all left */
	char **cells;			/* nrows * ncols, owned */
	size_t nrows, alloc;
};

void cg_table_init(struct cg_table *t, size_t ncols, const char *const *head,
		   const char *align);
/* Add a row of ncols cells (NULL is an empty cell), copied.  0, or -1 when
 * out of memory (the table unchanged). */
int cg_table_add(struct cg_table *t, const char *const *cells);
/* Append the table's lines to out, each ended by "\n" (nothing for a table
 * with neither rows nor headings).  0, or -1 (errno) when out is full. */
int cg_table_write(const struct cg_table *t, struct cg_buf *out);
void cg_table_release(struct cg_table *t);

#endif
