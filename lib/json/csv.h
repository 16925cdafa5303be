#ifndef CG_CSV_H
#define CG_CSV_H

#include <stddef.h>
#include <iconv.h>

#include "core/buf.h"

/*
 * Records as CSV with a header row, as Excel and WPS write them: UTF-8
 * with or without a BOM, or GB18030 (Excel on Chinese Windows), commas
 * between cells, cells in double quotes when they hold a comma, a quote
 * ("" inside) or a newline, CRLF or LF.  Each row becomes the JSON object
 * its JSON-lines twin would be, so that every command takes either.
 *
 * The header names the record's fields, in English (name, id_no, ...) or
 * in Chinese (姓名, 身份证号, 手机号, 房号, 体温, ...: see csv.c); a
 * column it does not know keeps its header as the field name.  An empty
 * cell is an absent field.  Cells are strings, but for the fields a record
 * types otherwise: temp and days numbers, mask a boolean (true/false,
 * yes/no, 是/否, 1/0), symptoms and reasons arrays (cells split at , ;
 * 、; an empty reasons cell is []).  Values
 * of dir and kind may be written in Chinese (进/出, 居民, 访客, ...).
 *
 * The caller reads physical lines as they are (no CR or BOM skipping) and
 * feeds them one by one; a row is numbered as a spreadsheet numbers it,
 * the header being row 1.
 */

struct cg_csv {
	unsigned long row;	/* the row last completed (or being read) */
	int encoding;		/* 0 not yet known, 1 UTF-8, 2 GB18030 */
	iconv_t gb;		/* GB18030 to UTF-8, (iconv_t)-1 until needed */
	char **fields;		/* the header's field names; owned */
	size_t nfields;
	int bad_header;		/* the header was refused: every row is */
	int in_quotes;		/* a quoted cell goes on to the next line */
	struct cg_buf record;	/* the row's text so far, UTF-8 */
	struct cg_buf json;	/* the row as a JSON object line */
};

enum cg_csv_status {
	CG_CSV_MORE,		/* inside a quoted cell: feed the next line */
	CG_CSV_SKIP,		/* the header, or a row of empty cells */
	CG_CSV_ROW,		/* a row: the JSON line in ->json */
	CG_CSV_BAD		/* a bad row (its text in ->record): why */
};

/* max: the longest row, in bytes. */
void cg_csv_init(struct cg_csv *c, size_t max);
void cg_csv_release(struct cg_csv *c);

/* Feed one physical line (without its '\n'; line[len] may be changed). */
enum cg_csv_status cg_csv_feed(struct cg_csv *c, char *line, size_t len,
			       char *why, size_t whylen);

/* At the end of the input: CG_CSV_BAD when a quoted cell was left open
 * (the row's text in ->record), else CG_CSV_SKIP. */
enum cg_csv_status cg_csv_end(struct cg_csv *c, char *why, size_t whylen);

/* 1 when path names a CSV file (ends in ".csv", any case). */
int cg_csv_path(const char *path);

#endif
