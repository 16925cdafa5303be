/*
 * cg-report's CSV: the report as metric,value rows, or one of its lists
 * as a table (--table).
 */
#include <stdio.h>
#include <string.h>

#include "report/report-doc.h"
#include "report/report.h"

/* ---- CSV ---- */

static void csv_cell(FILE *fp, const char *s)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else {
		fputs(s, fp);
	}
}

/* A header row: each column as a person reads it (the key itself in
 * English, 时间 for ts in Chinese); the rows below keep the codes. */
static void csv_head(FILE *fp, const char *const *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		csv_cell(fp, cg_report_column(cols[i]));
	}
	fputs("\r\n", fp);
}

static void csv_row(FILE *fp, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		csv_cell(fp, cells[i]);
	}
	fputs("\r\n", fp);
}

static void scalar_text(const json_t *v, char *buf, size_t size)
{
	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%.15g", json_real_value(v));
	else if (json_is_true(v))
		snprintf(buf, size, "true");
	else if (json_is_false(v))
		snprintf(buf, size, "false");
	else
		buf[0] = '\0';
}

/* The lists (they have --table) and the per-hour arrays are left out. */
static int csv_skip(const char *path)
{
	static const char *const skip[] = {
		"hours", "temperatures.counts", "fevers", "denials", "visitors.overstays",
		"visitors.inside_list",
		"cases.by_day", "cases.list", "corrections", "journals", "warnings", "compounds",
		NULL
	};

	for (int i = 0; skip[i]; i++)
		if (!strcmp(path, skip[i]))
			return 1;
	return 0;
}

static void csv_flat(FILE *fp, const char *path, const json_t *v)
{
	char buf[1024], sub_path[1024];

	if (csv_skip(path))
		return;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;

		json_object_foreach((json_t *)v, k, x) {
			snprintf(sub_path, sizeof(sub_path), "%s%s%s", path, *path ? "." : "", k);
			csv_flat(fp, sub_path, x);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;

		json_array_foreach(v, i, x) {
			snprintf(sub_path, sizeof(sub_path), "%s.%zu", path, i);
			csv_flat(fp, sub_path, x);
		}
	} else {
		const char *cells[2] = { path, buf };

		scalar_text(v, buf, sizeof(buf));
		csv_row(fp, cells, 2);
	}
}

/* A list of objects as a table: the given columns, "compound" first when
 * the entries have one. */
static void csv_list(FILE *fp, const json_t *list, const char *const *cols, int with_compound)
{
	const char *cells[24];
	char bufs[24][512];
	size_t n = 0, i;
	json_t *e;

	if (with_compound)
		cells[n++] = "compound";
	for (size_t k = 0; cols[k]; k++)
		cells[n++] = cols[k];
	csv_head(fp, cells, n);
	json_array_foreach(list, i, e) {
		for (size_t k = 0; k < n; k++) {
			const json_t *v = json_object_get(e, cells[k]);

			if (json_is_array(v))
				cg_doc_join(v, bufs[k], sizeof(bufs[k]), 0);
			else if (json_is_object(v))
				cg_doc_changes(v, bufs[k], sizeof(bufs[k]));
			else
				scalar_text(v, bufs[k], sizeof(bufs[k]));
		}
		{
			const char *row[24];

			for (size_t k = 0; k < n; k++)
				row[k] = bufs[k];
			csv_row(fp, row, n);
		}
	}
}

static void csv_table(FILE *fp, const json_t *rep, const char *table)
{
	static const char *const person[] = {
		"ts", "gate", "dir", "kind", "name", "id_no", "phone", "household", "host",
		"plate", "temp", "decision", "reasons", NULL
	};
	static const char *const overstay[] = {
		"ts", "gate", "name", "id_no", "phone", "host", "visit_until", "out", NULL
	};
	static const char *const cases[] = {
		"case_id", "name", "household", "status", "start", "end", "missed",
		"needs_open", "ending_tomorrow", NULL
	};
	static const char *const warning[] = {
		"code", "severity", "gate", "ts", "name", "household", "temp", "from", "to",
		"gap_min", "journal", "line", "reason", "count", "back", "hours_out", NULL
	};
	static const char *const journal[] = {
		"journal", "records", "seq", "chain", "verified", "torn", "damaged_line", "reason",
		"leftover", NULL
	};
	static const char *const compound[] = {
		"code", "name", "since", "until", "days", "events", "in", "out", "admit", "deny",
		"refer", "fevers", "visitors", "overstays", "cases_open", "passes_active",
		"longest_gap_min", "warnings", "alerts", "verified", NULL
	};
	static const char *const correction[] = {
		"rid", "action", "replaces", "original", "ts", "gate", "changed", "decision",
		"reason", "by", "at", NULL
	};
	int m = merged(rep);

	if (!strcmp(table, "corrections")) {
		csv_list(fp, json_object_get(rep, "corrections"), correction, m);
	} else if (!strcmp(table, "fevers") || !strcmp(table, "denials")) {
		csv_list(fp, json_object_get(rep, table), person, m);
	} else if (!strcmp(table, "overstays")) {
		csv_list(fp, json_object_get(json_object_get(rep, "visitors"), "overstays"), overstay, m);
	} else if (!strcmp(table, "cases")) {
		csv_list(fp, json_object_get(json_object_get(rep, "cases"), "list"), cases, m);
	} else if (!strcmp(table, "warnings")) {
		csv_list(fp, json_object_get(rep, "warnings"), warning, m);
	} else if (!strcmp(table, "journals")) {
		csv_list(fp, json_object_get(rep, "journals"), journal, m);
	} else if (!strcmp(table, "compounds")) {
		csv_list(fp, json_object_get(rep, "compounds"), compound, 0);
	} else if (!strcmp(table, "gates")) {
		static const char *const head[] = {
			"gate", "in", "out", "admit", "deny", "refer", "first", "last",
			"longest_gap_min", "longest_gap_from", "longest_gap_to"
		};
		const char *name;
		json_t *g;

		csv_head(fp, head, 11);
		json_object_foreach(json_object_get(rep, "gates"), name, g) {
			char b[11][128];
			const char *cells[11];

			cells[0] = name;
			for (int k = 1; k < 11; k++) {
				scalar_text(json_object_get(g, head[k]), b[k], sizeof(b[k]));
				cells[k] = b[k];
			}
			csv_row(fp, cells, 11);
		}
	} else if (!strcmp(table, "hours")) {
		static const char *const head[] = { "gate", "hour", "in", "out" };
		const char *name;
		json_t *h;

		csv_head(fp, head, 4);
		json_object_foreach(json_object_get(rep, "hours"), name, h)
			for (size_t hr = 0; hr < 24; hr++) {
				char a[16], b[32], c[32];
				const char *cells[4] = { name, a, b, c };

				snprintf(a, sizeof(a), "%zu", hr);
				num(b, json_integer_value(json_array_get(json_object_get(h, "in"), hr)));
				num(c, json_integer_value(json_array_get(json_object_get(h, "out"), hr)));
				csv_row(fp, cells, 4);
			}
	}
}

void cg_report_write_csv(FILE *fp, const json_t *rep, const char *table)
{
	static const char *const head[] = { "metric", "value" };
	json_t *counts;
	char n[32];

	if (table) {
		csv_table(fp, rep, table);
		return;
	}
	csv_head(fp, head, 2);
	csv_flat(fp, "", rep);
	/* The lists as counts. */
	counts = json_pack("{s:I, s:I, s:I, s:I}",
			   "fevers", (json_int_t)json_array_size(json_object_get(rep, "fevers")) +
				     ival(json_object_get(rep, "omitted"), "fevers"),
			   "denials", (json_int_t)json_array_size(json_object_get(rep, "denials")) +
				      ival(json_object_get(rep, "omitted"), "denials"),
			   "warnings", (json_int_t)json_array_size(json_object_get(rep, "warnings")),
			   "journals", (json_int_t)json_array_size(json_object_get(rep, "journals")));
	{
		const char *k;
		json_t *v;

		json_object_foreach(counts, k, v) {
			const char *cells[2] = { k, num(n, json_integer_value(v)) };

			csv_row(fp, cells, 2);
		}
	}
	json_decref(counts);
}
