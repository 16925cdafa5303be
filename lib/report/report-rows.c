/*
 * The compound rows of a roll-up (cg-report --merge): one row per compound
 * code, with the days it covers, its flows summed and its stocks (cases
 * open, cases ending, needs open, passes valid by class, visitors inside,
 * cases open per day) from its latest day.  A stock added up over seven
 * days would count the same people seven times; a stock is the state at
 * the end of the period, so per compound it is taken from the report that
 * ends last, and only then summed over compounds.
 *
 * Every operation here is a sum, a minimum or maximum, a union of days or
 * "the one that ends later", so merging stays associative.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "report/report-counters.h"

/* The flows of a row, summed when two rows of one compound meet. */
static const char *const row_flows[] = {
	"events", "in", "out", "admit", "deny", "refer", "fevers", "fever_readings",
	"fever_persons", "visitors", "overstays", "warnings", "alerts", NULL
};

static json_int_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The dates from since to until, as strings. */
static json_t *dates_of(const char *since, const char *until)
{
	json_t *a = json_array();
	int32_t s, u;
	char d[CG_DATE_LEN];

	if (!since || !until || cg_day_parse(since, &s) || cg_day_parse(until, &u))
		return a;
	for (int32_t i = s; i <= u && json_array_size(a) < 3660; i++) {
		cg_day_format(i, d);
		json_array_append_new(a, json_string(d));
	}
	return a;
}

/* The stocks of a single compound's report, at its end. */
static json_t *stocks_of(const json_t *rep)
{
	const json_t *c = json_object_get(rep, "cases"), *p = json_object_get(rep, "passes");
	const json_t *active = json_object_get(p, "active"), *by_day = json_object_get(c, "by_day");
	const json_t *inside = json_object_get(json_object_get(rep, "visitors"), "inside_list");
	const char *code = json_string_value(json_object_get(json_object_get(rep, "compound"), "code"));
	json_t *list = json_array(), *e;
	size_t i;

	json_array_foreach(inside, i, e) {
		json_t *x = json_pack("{s:s}", "compound", code ?: "");

		json_object_update(x, e);
		json_array_append_new(list, x);
	}
	const json_t *f = json_object_get(c, "followup");

	/* "o": every value a new reference, so that a report without the
	 * section (one made from ClickHouse has no cases.by_day) leaks no
	 * stand-in. */
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:o, s:o}",
			 "cases_open", int_of(c, "open"),
			 "cases_ending_today", int_of(c, "ending_today"),
			 "cases_ending_tomorrow", int_of(c, "ending_tomorrow"),
			 "needs_open", int_of(c, "needs_open"),
			 "cases_followed", int_of(f, "followed"),
			 "cases_missed", int_of(f, "missed"),
			 "cases_lost", int_of(f, "lost"),
			 "passes_active", json_is_object(active) ? json_incref((json_t *)active) :
								   json_object(),
			 "passes_active_total", int_of(p, "active_total"),
			 "visitors_inside", int_of(json_object_get(rep, "visitors"), "inside"),
			 "visitors_inside_list", list,
			 "cases_by_day", json_is_array(by_day) ? json_incref((json_t *)by_day) :
								 json_array());
}

/* A report of a cg-report before the fever section: its list of fevers. */
static json_int_t old_fevers(const json_t *rep)
{
	return (json_int_t)json_array_size(json_object_get(rep, "fevers")) +
	       int_of(json_object_get(rep, "omitted"), "fevers");
}

static json_int_t count_severity(const json_t *warnings, const char *severity)
{
	json_int_t n = 0;
	const json_t *w;
	size_t i;

	json_array_foreach(warnings, i, w)
		if (!strcmp(json_string_value(json_object_get(w, "severity")) ?: "", severity))
			n++;
	return n;
}

json_t *cg_merge_row_of(const json_t *rep)
{
	const json_t *c = json_object_get(rep, "compound"), *t = json_object_get(rep, "totals");
	const json_t *visitors = json_object_get(rep, "visitors"), *g;
	const json_t *f = json_object_get(rep, "fever");
	const json_t *warnings = json_object_get(rep, "warnings");
	json_int_t longest = -1;
	int verified = 1;
	const char *k;
	size_t i;
	json_t *dates = dates_of(json_string_value(json_object_get(rep, "since")),
				 json_string_value(json_object_get(rep, "until")));

	json_object_foreach(json_object_get(rep, "gates"), k, g)
		if (json_is_integer(json_object_get(g, "longest_gap_min")) &&
		    int_of(g, "longest_gap_min") > longest)
			longest = int_of(g, "longest_gap_min");
	json_array_foreach(json_object_get(rep, "journals"), i, g)
		if (!json_is_true(json_object_get(g, "verified")))
			verified = 0;
	return json_pack("{s:O*, s:O*, s:O*, s:O*, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:b, s:o}",
			 "code", json_object_get(c, "code"),
			 "name", json_object_get(c, "name"),
			 "since", json_object_get(rep, "since"),
			 "until", json_object_get(rep, "until"),
			 "days", (json_int_t)json_array_size(dates),
			 "dates", dates,
			 "events", int_of(t, "events"),
			 "in", int_of(t, "in"),
			 "out", int_of(t, "out"),
			 "admit", int_of(t, "admit"),
			 "deny", int_of(t, "deny"),
			 "refer", int_of(t, "refer"),
			 "fevers", f ? int_of(f, "persons") : old_fevers(rep),
			 "fever_readings", int_of(f, "readings"),
			 "fever_persons", int_of(f, "persons"),
			 "visitors", int_of(visitors, "count"),
			 "overstays", int_of(visitors, "overstay_count"),
			 "cases_open", int_of(json_object_get(rep, "cases"), "open"),
			 "passes_active", int_of(json_object_get(rep, "passes"), "active_total"),
			 "longest_gap_min", longest >= 0 ? json_integer(longest) : json_null(),
			 "warnings", (json_int_t)json_array_size(warnings),
			 "alerts", count_severity(warnings, "alert"),
			 "verified", verified,
			 "stocks", stocks_of(rep));
}

static json_t *find_row(const json_t *rows, const char *code)
{
	const json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "code")) ?: "", code))
			return (json_t *)r;
	return NULL;
}

int cg_merge_rows_overlap(const json_t *rows, const json_t *row, char *why, size_t whylen)
{
	const char *code = json_string_value(json_object_get(row, "code"));
	const json_t *have = code ? find_row(rows, code) : NULL, *d, *e;
	size_t i, k;

	json_array_foreach(json_object_get(row, "dates"), i, d)
		json_array_foreach(json_object_get(have, "dates"), k, e)
			if (json_equal((json_t *)d, (json_t *)e)) {
				snprintf(why, whylen,
					 _("compound %s is already in the roll-up for %s (the same report twice?)"),
					 code, json_string_value(d) ?: "");
				return 1;
			}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The union of two sorted lists of dates, sorted. */
static json_t *union_dates(const json_t *a, const json_t *b)
{
	size_t n = json_array_size(a) + json_array_size(b), m = 0, i;
	const char **s = calloc(n ? n : 1, sizeof(*s));
	json_t *out = json_array(), *v;

	if (!s)
		return out;
	json_array_foreach(a, i, v)
		s[m++] = json_string_value(v) ?: "";
	json_array_foreach(b, i, v)
		s[m++] = json_string_value(v) ?: "";
	qsort(s, m, sizeof(*s), cmp_str);
	for (i = 0; i < m; i++)
		if (!i || strcmp(s[i], s[i - 1]))
			json_array_append_new(out, json_string(s[i]));
	free(s);
	return out;
}

/*
 * Cases open per day: per date, the figure of the report that ends later
 * (it saw the case events of that day that came in late), at most the
 * last 14 dates.
 */
static json_t *by_day_latest(const json_t *older, const json_t *newer)
{
	json_t *by = json_object(), *out = json_array(), *e;
	const char **dates;
	const char *k;
	size_t i, n = 0;

	json_array_foreach(older, i, e)
		if (json_string_value(json_object_get(e, "date")))
			json_object_set(by, json_string_value(json_object_get(e, "date")), e);
	json_array_foreach(newer, i, e)
		if (json_string_value(json_object_get(e, "date")))
			json_object_set(by, json_string_value(json_object_get(e, "date")), e);
	dates = calloc(json_object_size(by) + 1, sizeof(*dates));
	if (dates) {
		json_object_foreach(by, k, e)
			dates[n++] = k;
		qsort(dates, n, sizeof(*dates), cmp_str);
		for (i = n > 14 ? n - 14 : 0; i < n; i++)
			json_array_append(out, json_object_get(by, dates[i]));
		free(dates);
	}
	json_decref(by);
	return out;
}

/* row (borrowed) into the existing row of its compound, have. */
static void merge_into(json_t *have, const json_t *row)
{
	const char *hs = json_string_value(json_object_get(have, "since")) ?: "";
	const char *hu = json_string_value(json_object_get(have, "until")) ?: "";
	const char *rs = json_string_value(json_object_get(row, "since")) ?: "";
	const char *ru = json_string_value(json_object_get(row, "until")) ?: "";
	const json_t *lg = json_object_get(row, "longest_gap_min");
	json_t *dates, *new_stocks;
	int later = strcmp(ru, hu) > 0;

	for (int i = 0; row_flows[i]; i++)
		json_object_set_new(have, row_flows[i], json_integer(int_of(have, row_flows[i]) +
								     int_of(row, row_flows[i])));
	if (json_is_integer(lg) && (!json_is_integer(json_object_get(have, "longest_gap_min")) ||
				    json_integer_value(lg) > int_of(have, "longest_gap_min")))
		json_object_set(have, "longest_gap_min", (json_t *)lg);
	if (!json_is_true(json_object_get(row, "verified")))
		json_object_set_new(have, "verified", json_false());
	dates = union_dates(json_object_get(have, "dates"), json_object_get(row, "dates"));
	json_object_set_new(have, "days", json_integer((json_int_t)json_array_size(dates)));
	json_object_set_new(have, "dates", dates);
	new_stocks = json_deep_copy(json_object_get(later ? row : have, "stocks"));
	if (new_stocks)
		json_object_set_new(new_stocks, "cases_by_day", by_day_latest(
			json_object_get(json_object_get(later ? have : row, "stocks"), "cases_by_day"),
			json_object_get(json_object_get(later ? row : have, "stocks"), "cases_by_day")));
	if (later) {
		json_object_set(have, "until", json_object_get(row, "until"));
		json_object_set(have, "cases_open", json_object_get(row, "cases_open"));
		json_object_set(have, "passes_active", json_object_get(row, "passes_active"));
	}
	if (strcmp(rs, hs) < 0)
		json_object_set(have, "since", json_object_get(row, "since"));
	if (new_stocks)
		json_object_set_new(have, "stocks", new_stocks);
}

void cg_merge_row_add(json_t *rows, const json_t *row)
{
	const char *code = json_string_value(json_object_get(row, "code"));
	json_t *have = code ? find_row(rows, code) : NULL;

	if (have)
		merge_into(have, row);
	else
		json_array_append_new(rows, json_deep_copy(row));
}

const char *cg_merge_row_until(const json_t *rows, const char *code)
{
	const json_t *r = code ? find_row(rows, code) : NULL;

	return json_string_value(json_object_get(r, "until"));
}

static void add_counts(json_t *dst, const json_t *src)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)src, k, v)
		json_object_set_new(dst, k, json_integer(int_of(dst, k) + json_integer_value(v)));
}

json_t *cg_merge_stocks(const json_t *rows)
{
	static const char *const ints[] = {
		"cases_open", "cases_ending_today", "cases_ending_tomorrow", "needs_open",
		"cases_followed", "cases_missed", "cases_lost", "passes_active_total",
		"visitors_inside", NULL
	};
	json_t *sum = json_object(), *active = json_object(), *by = json_object();
	json_t *inside = json_array();
	const json_t *r, *e;
	size_t i, k;

	for (int j = 0; ints[j]; j++)
		json_object_set_new(sum, ints[j], json_integer(0));
	json_array_foreach(rows, i, r) {
		const json_t *s = json_object_get(r, "stocks");

		for (int j = 0; ints[j]; j++)
			json_object_set_new(sum, ints[j], json_integer(int_of(sum, ints[j]) +
								       int_of(s, ints[j])));
		add_counts(active, json_object_get(s, "passes_active"));
		json_array_foreach(json_object_get(s, "visitors_inside_list"), k, e)
			if (json_array_size(inside) < CG_REPORT_LIST_MAX)
				json_array_append(inside, (json_t *)e);
		json_array_foreach(json_object_get(s, "cases_by_day"), k, e) {
			const char *d = json_string_value(json_object_get(e, "date"));

			if (d)
				json_object_set_new(by, d, json_integer(int_of(by, d) + int_of(e, "open")));
		}
	}
	json_object_set_new(sum, "passes_active", active);
	json_object_set_new(sum, "cases_by_day", by);
	json_object_set_new(sum, "visitors_inside_list", inside);
	return sum;
}
