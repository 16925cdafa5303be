/*
 * cg-report --merge: the roll-up of many compounds' reports, itself a
 * report of the same shape ("merged": true) with a row per compound.
 * Everything is a sum, a minimum or maximum, or a concatenation, so that
 * merging merged reports gives the same result as merging their inputs
 * (tests/cmd/t0430-cg-report-merge.sh holds it to that).
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "json/jsonl.h"
#include "core/mask.h"
#include "report/report.h"

struct cg_merge {
	int mask;
	size_t n;		/* reports added */
	json_t *out;		/* the sections being summed */
	json_t *rows;
	json_t *policy;		/* the common policy, NULL before the first,
				 * json_null() once two differ */
	char since[16], until[16];
	json_int_t omit_fevers, omit_denials, omit_overstays, omit_cases;
	json_t *by_day;		/* date -> open */
	json_t *periods;	/* compound code -> [[since, until], ...] */
};

struct cg_merge *cg_merge_new(int mask)
{
	struct cg_merge *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->mask = mask;
	m->out = json_object();
	m->rows = json_array();
	m->by_day = json_object();
	m->periods = json_object();
	return m;
}

void cg_merge_free(struct cg_merge *m)
{
	if (!m)
		return;
	json_decref(m->out);
	json_decref(m->rows);
	json_decref(m->policy);
	json_decref(m->by_day);
	json_decref(m->periods);
	free(m);
}

static json_int_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The object at key of o, created empty when missing. */
static json_t *sub(json_t *o, const char *key)
{
	json_t *s = json_object_get(o, key);

	if (!json_is_object(s)) {
		s = json_object();
		json_object_set_new(o, key, s);
	}
	return s;
}

static json_t *arr(json_t *o, const char *key)
{
	json_t *s = json_object_get(o, key);

	if (!json_is_array(s)) {
		s = json_array();
		json_object_set_new(o, key, s);
	}
	return s;
}

/* dst[k] += src[k] for every integer member of src. */
static void sum_ints(json_t *dst, const json_t *src)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)src, k, v)
		if (json_is_integer(v))
			json_object_set_new(dst, k, json_integer(int_of(dst, k) + json_integer_value(v)));
}

static void sum_array(json_t *dst, const json_t *src)
{
	size_t i;
	json_t *v;

	json_array_foreach(src, i, v) {
		json_int_t n = json_integer_value(v);

		if (i < json_array_size(dst))
			json_array_set_new(dst, i, json_integer(json_integer_value(json_array_get(dst, i)) + n));
		else
			json_array_append_new(dst, json_integer(n));
	}
}

static int earlier(const json_t *a, const json_t *b)
{
	cg_time_t ta, tb;

	if (!json_is_string(a))
		return 0;
	if (!json_is_string(b))
		return 1;
	if (cg_time_parse(json_string_value(a), 0, &ta) < 0 ||
	    cg_time_parse(json_string_value(b), 0, &tb) < 0)
		return strcmp(json_string_value(a), json_string_value(b)) < 0;
	return ta < tb;
}

static void merge_gate(json_t *dst, const json_t *src)
{
	static const char *const counts[] = { "in", "out", "admit", "deny", "refer", NULL };
	const json_t *v;

	for (int i = 0; counts[i]; i++)
		json_object_set_new(dst, counts[i],
				    json_integer(int_of(dst, counts[i]) + int_of(src, counts[i])));
	sum_ints(sub(dst, "reasons"), json_object_get(src, "reasons"));
	v = json_object_get(src, "first");
	if (earlier(v, json_object_get(dst, "first")) || !json_object_get(dst, "first"))
		json_object_set(dst, "first", json_is_string(v) ? (json_t *)v : json_null());
	v = json_object_get(src, "last");
	if (earlier(json_object_get(dst, "last"), v) || !json_object_get(dst, "last"))
		json_object_set(dst, "last", json_is_string(v) ? (json_t *)v : json_null());
	v = json_object_get(src, "longest_gap_min");
	if (json_is_integer(v) && (!json_is_integer(json_object_get(dst, "longest_gap_min")) ||
				   json_integer_value(v) > int_of(dst, "longest_gap_min"))) {
		json_object_set(dst, "longest_gap_min", (json_t *)v);
		json_object_set(dst, "longest_gap_from", json_object_get(src, "longest_gap_from"));
		json_object_set(dst, "longest_gap_to", json_object_get(src, "longest_gap_to"));
	} else if (!json_object_get(dst, "longest_gap_min")) {
		json_object_set_new(dst, "longest_gap_min", json_null());
		json_object_set_new(dst, "longest_gap_from", json_null());
		json_object_set_new(dst, "longest_gap_to", json_null());
	}
}

/* Gates and hours are keyed "CODE/gate" in a roll-up. */
static void merge_keyed(json_t *dst, const json_t *src, const char *code, int hours)
{
	const char *k;
	json_t *v;
	char key[256];

	json_object_foreach((json_t *)src, k, v) {
		json_t *d;

		if (code)
			snprintf(key, sizeof(key), "%s/%s", code, k);
		else
			snprintf(key, sizeof(key), "%s", k);
		d = sub(dst, key);
		if (hours) {
			sum_array(arr(d, "in"), json_object_get(v, "in"));
			sum_array(arr(d, "out"), json_object_get(v, "out"));
		} else {
			merge_gate(d, v);
		}
	}
}

static void mask_entry(json_t *e)
{
	const char *s;
	char buf[256];

	if ((s = json_string_value(json_object_get(e, "name"))))
		json_object_set_new(e, "name", json_string(cg_mask_name(s, buf, sizeof(buf))));
	if ((s = json_string_value(json_object_get(e, "phone"))))
		json_object_set_new(e, "phone", json_string(cg_mask_phone(s, buf, sizeof(buf))));
	if ((s = json_string_value(json_object_get(e, "id_no"))))
		json_object_set_new(e, "id_no", json_string(cg_mask_id_no(s, buf, sizeof(buf))));
}

/* Append the entries of src to dst, each with its compound, up to the
 * cap; returns how many did not fit. */
static json_int_t append_list(struct cg_merge *m, json_t *dst, const json_t *src,
			      const char *code, int cap, int unmasked)
{
	json_int_t left = 0;
	size_t i;
	json_t *v;

	json_array_foreach(src, i, v) {
		json_t *e;
		const char *k;
		json_t *x;

		if (cap && json_array_size(dst) >= CG_REPORT_LIST_MAX) {
			left++;
			continue;
		}
		e = json_object();
		if (code)
			json_object_set_new(e, "compound", json_string(code));
		json_object_foreach(v, k, x)
			if (!code || strcmp(k, "compound"))
				json_object_set(e, k, x);
		if (m->mask && unmasked)
			mask_entry(e);
		json_array_append_new(dst, e);
	}
	return left;
}

static json_int_t list_count(const json_t *rep, const char *list, const char *omitted)
{
	return (json_int_t)json_array_size(json_object_get(rep, list)) +
	       int_of(json_object_get(rep, "omitted"), omitted);
}

static json_t *row_of(const json_t *rep)
{
	const json_t *c = json_object_get(rep, "compound"), *t = json_object_get(rep, "totals");
	json_t *row = json_object(), *g;
	json_int_t longest = -1;
	int verified = 1;
	const char *k;
	size_t i;

	json_object_set(row, "code", json_object_get(c, "code"));
	json_object_set(row, "name", json_object_get(c, "name"));
	json_object_set(row, "since", json_object_get(rep, "since"));
	json_object_set(row, "until", json_object_get(rep, "until"));
	json_object_set_new(row, "events", json_integer(int_of(t, "events")));
	json_object_set_new(row, "in", json_integer(int_of(t, "in")));
	json_object_set_new(row, "out", json_integer(int_of(t, "out")));
	json_object_set_new(row, "admit", json_integer(int_of(t, "admit")));
	json_object_set_new(row, "deny", json_integer(int_of(t, "deny")));
	json_object_set_new(row, "refer", json_integer(int_of(t, "refer")));
	json_object_set_new(row, "fevers", json_integer(list_count(rep, "fevers", "fevers")));
	json_object_set_new(row, "visitors", json_integer(int_of(json_object_get(rep, "visitors"), "count")));
	json_object_set_new(row, "overstays",
			    json_integer(int_of(json_object_get(rep, "visitors"), "overstay_count")));
	json_object_set_new(row, "cases_open", json_integer(int_of(json_object_get(rep, "cases"), "open")));
	json_object_set_new(row, "passes_active",
			    json_integer(int_of(json_object_get(rep, "passes"), "active_total")));
	json_object_foreach(json_object_get(rep, "gates"), k, g)
		if (json_is_integer(json_object_get(g, "longest_gap_min")) &&
		    int_of(g, "longest_gap_min") > longest)
			longest = int_of(g, "longest_gap_min");
	json_object_set_new(row, "longest_gap_min", longest >= 0 ? json_integer(longest) : json_null());
	json_object_set_new(row, "warnings",
			    json_integer((json_int_t)json_array_size(json_object_get(rep, "warnings"))));
	json_array_foreach(json_object_get(rep, "journals"), i, g)
		if (!json_is_true(json_object_get(g, "verified")))
			verified = 0;
	json_object_set_new(row, "verified", json_boolean(verified));
	return row;
}

/*
 * The compounds and periods a report covers: itself, or the rows of a
 * roll-up.  A compound's days summed twice would count its people twice,
 * so a report whose days overlap ones already in is refused (1, why).
 */
static int check_periods(struct cg_merge *m, const json_t *rep, const char *code,
			 char *why, size_t whylen)
{
	json_t *rows = code ? json_pack("[{s:s, s:O, s:O}]", "code", code,
					"since", json_object_get(rep, "since"),
					"until", json_object_get(rep, "until")) :
			      json_incref(json_object_get(rep, "compounds"));
	json_t *row, *p;
	size_t i, k;
	int ret = 0;

	json_array_foreach(rows, i, row) {
		const char *c = json_string_value(json_object_get(row, "code"));
		const char *since = json_string_value(json_object_get(row, "since"));
		const char *until = json_string_value(json_object_get(row, "until"));

		if (!c || !since || !until)
			continue;
		json_array_foreach(json_object_get(m->periods, c), k, p) {
			const char *s0 = json_string_value(json_array_get(p, 0));
			const char *u0 = json_string_value(json_array_get(p, 1));

			if (strcmp(since, u0) <= 0 && strcmp(s0, until) <= 0) {
				snprintf(why, whylen,
					 _("compound %s is already in the roll-up for %s to %s (the same report twice?)"),
					 c, s0, u0);
				ret = 1;
				goto out;
			}
		}
	}
	json_array_foreach(rows, i, row) {
		const char *c = json_string_value(json_object_get(row, "code"));

		if (!c)
			continue;
		if (!json_object_get(m->periods, c))
			json_object_set_new(m->periods, c, json_array());
		json_array_append_new(json_object_get(m->periods, c),
				      json_pack("[O, O]", json_object_get(row, "since"),
						json_object_get(row, "until")));
	}
out:
	json_decref(rows);
	return ret;
}

int cg_merge_add(struct cg_merge *m, const json_t *rep, char *why, size_t whylen)
{
	const char *gen = json_string_value(json_object_get(rep, "generator"));
	const json_t *merged = json_object_get(rep, "merged"), *v;
	const char *since = json_string_value(json_object_get(rep, "since"));
	const char *until = json_string_value(json_object_get(rep, "until"));
	const char *code = NULL;
	int unmasked = !json_is_true(json_object_get(rep, "masked"));
	json_t *o = m->out, *c;
	size_t i;

	if (!gen || strncmp(gen, "cg-report", 9) || !json_is_boolean(merged) ||
	    !json_is_object(json_object_get(rep, "totals")) || !since || !until) {
		snprintf(why, whylen, "%s", _("not a report of cg-report"));
		return 1;
	}
	if (!json_is_true(merged)) {
		code = json_string_value(json_object_get(json_object_get(rep, "compound"), "code"));
		if (!code) {
			snprintf(why, whylen, "%s", _("not a report of cg-report"));
			return 1;
		}
		if (check_periods(m, rep, code, why, whylen))
			return 1;
		json_array_append_new(m->rows, row_of(rep));
	} else {
		if (check_periods(m, rep, NULL, why, whylen))
			return 1;
		json_array_foreach(json_object_get(rep, "compounds"), i, v)
			json_array_append(m->rows, (json_t *)v);
	}
	if (!m->n || strcmp(since, m->since) < 0)
		snprintf(m->since, sizeof(m->since), "%s", since);
	if (!m->n || strcmp(until, m->until) > 0)
		snprintf(m->until, sizeof(m->until), "%s", until);
	v = json_object_get(rep, "policy");
	if (!m->policy)
		m->policy = v ? json_deep_copy(v) : json_null();
	else if (!json_is_null(m->policy) && (!v || !json_equal(m->policy, (json_t *)v))) {
		json_decref(m->policy);
		m->policy = json_null();
	}
	m->n++;

	sum_ints(sub(o, "totals"), json_object_get(rep, "totals"));
	sum_ints(sub(o, "kinds"), json_object_get(rep, "kinds"));
	sum_ints(sub(o, "reasons"), json_object_get(rep, "reasons"));
	merge_keyed(sub(o, "gates"), json_object_get(rep, "gates"), code, 0);
	merge_keyed(sub(o, "hours"), json_object_get(rep, "hours"), code, 1);

	v = json_object_get(rep, "temperatures");
	c = sub(o, "temperatures");
	json_object_set_new(c, "measured", json_integer(int_of(c, "measured") + int_of(v, "measured")));
	json_object_set_new(c, "from", json_real(CG_TEMP_FROM10 / 10.0));
	json_object_set_new(c, "step", json_real(0.1));
	sum_array(arr(c, "counts"), json_object_get(v, "counts"));
	json_object_set_new(c, "below", json_integer(int_of(c, "below") + int_of(v, "below")));
	json_object_set_new(c, "above", json_integer(int_of(c, "above") + int_of(v, "above")));

	v = json_object_get(rep, "omitted");
	m->omit_fevers += int_of(v, "fevers");
	m->omit_denials += int_of(v, "denials");
	m->omit_overstays += int_of(v, "overstays");
	m->omit_cases += int_of(v, "cases");
	m->omit_fevers += append_list(m, arr(o, "fevers"), json_object_get(rep, "fevers"), code, 1, unmasked);
	m->omit_denials += append_list(m, arr(o, "denials"), json_object_get(rep, "denials"), code, 1, unmasked);

	v = json_object_get(rep, "visitors");
	c = sub(o, "visitors");
	sum_ints(c, v);
	m->omit_overstays += append_list(m, arr(c, "overstays"), json_object_get(v, "overstays"),
					 code, 1, unmasked);

	v = json_object_get(rep, "cases");
	c = sub(o, "cases");
	sum_ints(c, v);
	json_array_foreach(json_object_get(v, "by_day"), i, merged) {
		const char *d = json_string_value(json_object_get(merged, "date"));

		if (d)
			json_object_set_new(m->by_day, d, json_integer(int_of(m->by_day, d) +
								       int_of(merged, "open")));
	}
	m->omit_cases += append_list(m, arr(c, "list"), json_object_get(v, "list"), code, 1, unmasked);

	v = json_object_get(rep, "passes");
	c = sub(o, "passes");
	sum_ints(sub(c, "issued"), json_object_get(v, "issued"));
	sum_ints(sub(c, "active"), json_object_get(v, "active"));
	json_object_set_new(c, "issued_total", json_integer(int_of(c, "issued_total") + int_of(v, "issued_total")));
	json_object_set_new(c, "revoked", json_integer(int_of(c, "revoked") + int_of(v, "revoked")));
	json_object_set_new(c, "active_total", json_integer(int_of(c, "active_total") + int_of(v, "active_total")));

	append_list(m, arr(o, "journals"), json_object_get(rep, "journals"), code, 0, 0);
	append_list(m, arr(o, "warnings"), json_object_get(rep, "warnings"), code, 0, 0);
	json_object_set_new(o, "unknown", json_integer(int_of(o, "unknown") + int_of(rep, "unknown")));
	json_object_set_new(o, "rejected", json_integer(int_of(o, "rejected") + int_of(rep, "rejected")));
	json_object_set_new(o, "outside", json_integer(int_of(o, "outside") + int_of(rep, "outside")));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The last 14 dates of the union, in order. */
static json_t *by_day_list(const json_t *by_day)
{
	size_t n = json_object_size(by_day), i = 0, from;
	const char **dates = calloc(n ? n : 1, sizeof(*dates));
	json_t *out = json_array(), *v;
	const char *k;

	if (!dates)
		return out;
	json_object_foreach((json_t *)by_day, k, v)
		dates[i++] = k;
	qsort(dates, n, sizeof(*dates), cmp_str);
	from = n > 14 ? n - 14 : 0;
	for (i = from; i < n; i++)
		json_array_append_new(out, json_pack("{s:s, s:I}", "date", dates[i], "open",
						     int_of(by_day, dates[i])));
	free(dates);
	return out;
}

/* Copy key of src into dst (in this order), or a default. */
static void put(json_t *dst, const char *key, json_t *src, json_t *dflt)
{
	json_t *v = json_object_get(src, key);

	json_object_set(dst, key, v ? v : dflt);
	json_decref(dflt);
}

json_t *cg_merge_finish(struct cg_merge *m, cg_time_t now, const char *generator)
{
	json_t *rep = json_object(), *o = m->out, *s, *c;
	static const char *const case_keys[] = {
		"open", "opened", "escalated", "released", "closed", "extended", "checks",
		"alerts", "missed_windows", "ending_today", "ending_tomorrow", "needs_open", NULL
	};
	static const char *const visitor_keys[] = {
		"count", "refused", "out", "inside", "overstay_count", NULL
	};

	json_object_set_new(rep, "merged", json_true());
	json_object_set_new(rep, "compound", json_pack("{s:I}", "count",
						       (json_int_t)json_array_size(m->rows)));
	if (m->n && !strcmp(m->since, m->until))
		json_object_set_new(rep, "date", json_string(m->since));
	if (!m->n) {
		cg_time_date(now, m->since);
		cg_time_date(now, m->until);
		json_object_set_new(rep, "date", json_string(m->since));
	}
	json_object_set_new(rep, "since", json_string(m->since));
	json_object_set_new(rep, "until", json_string(m->until));
	cg_json_set_time(rep, "generated_at", now);
	json_object_set_new(rep, "generator", json_string(generator));
	json_object_set_new(rep, "masked", json_boolean(m->mask));
	if (m->policy && !json_is_null(m->policy))
		json_object_set(rep, "policy", m->policy);

	s = json_object();
	put(s, "events", sub(o, "totals"), json_integer(0));
	put(s, "in", sub(o, "totals"), json_integer(0));
	put(s, "out", sub(o, "totals"), json_integer(0));
	put(s, "admit", sub(o, "totals"), json_integer(0));
	put(s, "deny", sub(o, "totals"), json_integer(0));
	put(s, "refer", sub(o, "totals"), json_integer(0));
	json_object_set_new(rep, "totals", s);
	json_object_set(rep, "kinds", sub(o, "kinds"));
	json_object_set(rep, "reasons", sub(o, "reasons"));
	json_object_set(rep, "gates", sub(o, "gates"));
	json_object_set(rep, "hours", sub(o, "hours"));
	c = sub(o, "temperatures");
	if (!json_object_get(c, "counts")) {
		json_t *zeros = json_array();

		for (int i = 0; i < CG_TEMP_BINS; i++)
			json_array_append_new(zeros, json_integer(0));
		json_object_set_new(c, "measured", json_integer(0));
		json_object_set_new(c, "from", json_real(CG_TEMP_FROM10 / 10.0));
		json_object_set_new(c, "step", json_real(0.1));
		json_object_set_new(c, "counts", zeros);
		json_object_set_new(c, "below", json_integer(0));
		json_object_set_new(c, "above", json_integer(0));
	}
	json_object_set(rep, "temperatures", c);
	json_object_set(rep, "fevers", arr(o, "fevers"));
	json_object_set(rep, "denials", arr(o, "denials"));

	s = json_object();
	for (int i = 0; visitor_keys[i]; i++)
		put(s, visitor_keys[i], sub(o, "visitors"), json_integer(0));
	json_object_set(s, "overstays", arr(sub(o, "visitors"), "overstays"));
	json_object_set_new(rep, "visitors", s);

	s = json_object();
	for (int i = 0; case_keys[i]; i++)
		put(s, case_keys[i], sub(o, "cases"), json_integer(0));
	json_object_set_new(s, "by_day", by_day_list(m->by_day));
	json_object_set(s, "list", arr(sub(o, "cases"), "list"));
	json_object_set_new(rep, "cases", s);

	c = sub(o, "passes");
	s = json_object();
	json_object_set(s, "issued", sub(c, "issued"));
	put(s, "issued_total", c, json_integer(0));
	put(s, "revoked", c, json_integer(0));
	json_object_set(s, "active", sub(c, "active"));
	put(s, "active_total", c, json_integer(0));
	json_object_set_new(rep, "passes", s);

	json_object_set(rep, "journals", arr(o, "journals"));
	json_object_set(rep, "warnings", arr(o, "warnings"));
	json_object_set_new(rep, "omitted", json_pack("{s:I, s:I, s:I, s:I}",
						      "fevers", m->omit_fevers,
						      "denials", m->omit_denials,
						      "overstays", m->omit_overstays,
						      "cases", m->omit_cases));
	put(rep, "unknown", o, json_integer(0));
	put(rep, "rejected", o, json_integer(0));
	put(rep, "outside", o, json_integer(0));
	json_object_set(rep, "compounds", m->rows);
	return rep;
}
