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
#include "report/report-counters.h"
#include "report/report-trust.h"

struct cg_merge {
	int mask;
	size_t n;		/* reports added */
	json_t *out;		/* the sections being summed */
	json_t *rows;
	json_t *policy;		/* the common policy, NULL before the first,
				 * json_null() once two differ */
	char since[16], until[16];
	json_int_t omit_fevers, omit_denials, omit_overstays, omit_cases, omit_corrections;
	json_t *cases_seen;	/* "CODE/case_id" -> {"i": index in the list,
				 * "until": the end of the report it is from} */
	struct cg_trust *trust;	/* borrowed; NULL: checkpoints not checked */
};

struct cg_merge *cg_merge_new(int mask)
{
	struct cg_merge *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->mask = mask;
	m->out = json_object();
	m->rows = json_array();
	m->cases_seen = json_object();
	return m;
}

void cg_merge_set_trust(struct cg_merge *m, struct cg_trust *t)
{
	m->trust = t;
}

void cg_merge_free(struct cg_merge *m)
{
	if (!m)
		return;
	json_decref(m->out);
	json_decref(m->rows);
	json_decref(m->policy);
	json_decref(m->cases_seen);
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
	const char *s, *k;
	char buf[256];
	json_t *c;

	if ((s = json_string_value(json_object_get(e, "name"))))
		json_object_set_new(e, "name", json_string(cg_mask_name(s, buf, sizeof(buf))));
	if ((s = json_string_value(json_object_get(e, "phone"))))
		json_object_set_new(e, "phone", json_string(cg_mask_phone(s, buf, sizeof(buf))));
	if ((s = json_string_value(json_object_get(e, "id_no"))))
		json_object_set_new(e, "id_no", json_string(cg_mask_id_no(s, buf, sizeof(buf))));
	/* A correction's changes: the old and new values of person fields,
	 * and any ID or phone number typed into a reason. */
	json_object_foreach(json_object_get(e, "changed"), k, c) {
		json_object_set_new(c, "from", cg_report_mask_value(k, json_object_get(c, "from")));
		json_object_set_new(c, "to", cg_report_mask_value(k, json_object_get(c, "to")));
	}
	if ((s = json_string_value(json_object_get(e, "reason"))))
		json_object_set_new(e, "reason", json_string(cg_mask_message(s, buf, sizeof(buf))));
	/* The records a late_registration warning lists: a copy, masked. */
	if (json_is_array(json_object_get(e, "records"))) {
		json_t *copy = json_deep_copy(json_object_get(e, "records")), *r;
		size_t i;

		json_array_foreach(copy, i, r)
			if (json_is_object(r))
				mask_entry(r);
		json_object_set_new(e, "records", copy);
	}
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

/* The rows of the compounds rep covers, one per code, after checking
 * that none of their days is in already (a compound's day summed twice
 * would count its people twice). */
static int add_rows(struct cg_merge *m, const json_t *rep, const char *code,
		    char *why, size_t whylen)
{
	json_t *rows = code ? json_pack("[o]", cg_merge_row_of(rep)) :
			      json_incref(json_object_get(rep, "compounds"));
	const json_t *v;
	size_t i;
	int ret = 0;

	json_array_foreach(rows, i, v)
		if (cg_merge_rows_overlap(m->rows, v, why, whylen)) {
			ret = 1;
			goto out;
		}
	json_array_foreach(rows, i, v) {
		json_t *e;
		size_t k;

		/* the visitors inside name people */
		if (m->mask && !json_is_true(json_object_get(rep, "masked")))
			json_array_foreach(json_object_get(json_object_get(v, "stocks"),
							   "visitors_inside_list"), k, e)
				mask_entry(e);
		cg_merge_row_add(m->rows, v);
	}
out:
	json_decref(rows);
	return ret;
}

/* The period (the union of all) and the policy (when all agree). */
static void add_period(struct cg_merge *m, const json_t *rep, const char *since,
		       const char *until)
{
	const json_t *v = json_object_get(rep, "policy");

	if (!m->n || strcmp(since, m->since) < 0)
		snprintf(m->since, sizeof(m->since), "%s", since);
	if (!m->n || strcmp(until, m->until) > 0)
		snprintf(m->until, sizeof(m->until), "%s", until);
	if (!m->policy)
		m->policy = v ? json_deep_copy(v) : json_null();
	else if (!json_is_null(m->policy) && (!v || !json_equal(m->policy, (json_t *)v))) {
		json_decref(m->policy);
		m->policy = json_null();
	}
	m->n++;
}

/* dst[key] += src[key] */
static void add_int(json_t *dst, const json_t *src, const char *key)
{
	json_object_set_new(dst, key, json_integer(int_of(dst, key) + int_of(src, key)));
}

static void add_temperatures(json_t *c, const json_t *v)
{
	add_int(c, v, "measured");
	json_object_set_new(c, "from", json_real(CG_TEMP_FROM10 / 10.0));
	json_object_set_new(c, "step", json_real(0.1));
	sum_array(arr(c, "counts"), json_object_get(v, "counts"));
	add_int(c, v, "below");
	add_int(c, v, "above");
}

/*
 * The list of cases: a case once per compound, as the report that ends
 * later shows it (the seven daily reports of a week list the same case
 * seven times).
 */
static void add_case_list(struct cg_merge *m, json_t *list, const json_t *rep, const char *code)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(rep, "cases"), "list"), i, v) {
		const char *c = code ?: json_string_value(json_object_get(v, "compound")) ?: "";
		const char *until = code ? json_string_value(json_object_get(rep, "until")) :
				    cg_merge_row_until(json_object_get(rep, "compounds"), c);
		json_t *seen, *e;
		char key[512];

		snprintf(key, sizeof(key), "%s/%s", c,
			 json_string_value(json_object_get(v, "case_id")) ?: "");
		seen = json_object_get(m->cases_seen, key);
		if (seen && strcmp(until ?: "", json_string_value(json_object_get(seen, "until")) ?: "") <= 0)
			continue;
		if (!seen && json_array_size(list) >= CG_REPORT_LIST_MAX) {
			m->omit_cases++;
			continue;
		}
		e = json_pack("{s:s}", "compound", c);
		json_object_update(e, (json_t *)v);
		json_object_set_new(e, "compound", json_string(c));
		if (m->mask && !json_is_true(json_object_get(rep, "masked")))
			mask_entry(e);
		if (seen) {
			json_array_set_new(list, (size_t)int_of(seen, "i"), e);
		} else {
			json_array_append_new(list, e);
			seen = json_pack("{s:I}", "i", (json_int_t)json_array_size(list) - 1);
			json_object_set_new(m->cases_seen, key, seen);
		}
		json_object_set_new(seen, "until", json_string(until ?: ""));
	}
}

/* The gate_unattended warning of a compound's gate already in list. */
static json_t *gate_row(json_t *list, const json_t *w)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (json_equal(json_object_get(v, "code"), json_object_get(w, "code")) &&
		    json_equal(json_object_get(v, "compound"), json_object_get(w, "compound")) &&
		    json_equal(json_object_get(v, "gate"), json_object_get(w, "gate")))
			return v;
	return NULL;
}

/* The gaps of w added to the row of its gate: one row per gate. */
static void merge_gaps(json_t *row, const json_t *w)
{
	json_t *gaps = arr(row, "gaps"), *g;
	size_t i;

	add_int(row, w, "count");
	if (int_of(w, "gap_min") > int_of(row, "gap_min")) {
		json_object_set(row, "from", json_object_get(w, "from"));
		json_object_set(row, "to", json_object_get(w, "to"));
		json_object_set(row, "gap_min", json_object_get(w, "gap_min"));
	}
	json_array_foreach(json_object_get(w, "gaps"), i, g)
		if (json_array_size(gaps) < CG_REPORT_LIST_MAX)
			json_array_append(gaps, g);
}

/* The warnings of rep, each with its compound; the gaps of one gate of
 * one compound in one row however many days are merged. */
static void add_warnings(struct cg_merge *m, json_t *list, const json_t *ws, const char *code,
			 int unmasked)
{
	json_t *mine = json_array(), *w, *row;
	size_t i;

	/* a fever_at_gate alert names the person */
	append_list(m, mine, ws, code, 0, unmasked);
	json_array_foreach(mine, i, w) {
		if (!strcmp(json_string_value(json_object_get(w, "code")) ?: "", "gate_unattended") &&
		    (row = gate_row(list, w)))
			merge_gaps(row, w);
		else
			json_array_append(list, w);
	}
	json_decref(mine);
}

/* Fevers add up across days: persons are counted once a day each. */
static void add_fever(json_t *f, const json_t *v)
{
	const json_t *t = json_object_get(v, "threshold");

	if (json_is_number(t) && !json_object_get(f, "threshold"))
		json_object_set(f, "threshold", (json_t *)t);
	else if (!json_is_number(t) || !json_equal(json_object_get(f, "threshold"), (json_t *)t))
		json_object_set_new(f, "threshold", json_null());
	add_int(f, v, "persons");
	add_int(f, v, "readings");
	add_int(f, v, "decisions");
}

/* The flows of the cases (the stocks come from the rows). */
static void add_cases(struct cg_merge *m, json_t *c, const json_t *rep, const char *code)
{
	static const char *const flows[] = {
		"opened", "escalated", "released", "closed", "extended", "checks", "alerts",
		"missed_windows", NULL
	};
	const json_t *v = json_object_get(rep, "cases");

	for (int i = 0; flows[i]; i++)
		add_int(c, v, flows[i]);
	add_int(sub(c, "followup"), json_object_get(v, "followup"), "released");
	add_int(sub(c, "followup"), json_object_get(v, "followup"), "released_followed");
	add_case_list(m, arr(c, "list"), rep, code);
}

static void add_passes(json_t *c, const json_t *v)
{
	sum_ints(sub(c, "issued"), json_object_get(v, "issued"));
	add_int(c, v, "issued_total");
	add_int(c, v, "revoked");
}

/* The sections of rep summed into m->out; code is the compound of a
 * single report (its gates, hours and list entries are marked with it),
 * NULL for a roll-up. */
static void add_sections(struct cg_merge *m, const json_t *rep, const char *code, int unmasked)
{
	json_t *o = m->out;
	const json_t *v = json_object_get(rep, "omitted");

	sum_ints(sub(o, "totals"), json_object_get(rep, "totals"));
	sum_ints(sub(o, "kinds"), json_object_get(rep, "kinds"));
	sum_ints(sub(o, "reasons"), json_object_get(rep, "reasons"));
	merge_keyed(sub(o, "gates"), json_object_get(rep, "gates"), code, 0);
	merge_keyed(sub(o, "hours"), json_object_get(rep, "hours"), code, 1);
	add_temperatures(sub(o, "temperatures"), json_object_get(rep, "temperatures"));
	add_fever(sub(o, "fever"), json_object_get(rep, "fever"));

	m->omit_fevers += int_of(v, "fevers");
	m->omit_denials += int_of(v, "denials");
	m->omit_overstays += int_of(v, "overstays");
	m->omit_cases += int_of(v, "cases");
	m->omit_corrections += int_of(v, "corrections");
	m->omit_corrections += append_list(m, arr(o, "corrections"),
					   json_object_get(rep, "corrections"), code, 1, unmasked);
	m->omit_fevers += append_list(m, arr(o, "fevers"), json_object_get(rep, "fevers"), code, 1, unmasked);
	m->omit_denials += append_list(m, arr(o, "denials"), json_object_get(rep, "denials"), code, 1, unmasked);

	v = json_object_get(rep, "visitors");
	add_int(sub(o, "visitors"), v, "count");
	add_int(sub(o, "visitors"), v, "refused");
	add_int(sub(o, "visitors"), v, "out");
	add_int(sub(o, "visitors"), v, "overstay_count");
	m->omit_overstays += append_list(m, arr(sub(o, "visitors"), "overstays"),
					 json_object_get(v, "overstays"), code, 1, unmasked);
	add_cases(m, sub(o, "cases"), rep, code);
	add_passes(sub(o, "passes"), json_object_get(rep, "passes"));
	if (json_object_get(rep, "duty"))
		cg_report_duty_merge(sub(o, "duty"), json_object_get(rep, "duty"), code);

	append_list(m, arr(o, "journals"), json_object_get(rep, "journals"), code, 0, 0);
	add_warnings(m, arr(o, "warnings"), json_object_get(rep, "warnings"), code, unmasked);
	add_int(o, rep, "unknown");
	add_int(o, rep, "rejected");
	add_int(o, rep, "outside");
}

int cg_merge_add(struct cg_merge *m, const json_t *rep, char *why, size_t whylen)
{
	const char *gen = json_string_value(json_object_get(rep, "generator"));
	const json_t *merged = json_object_get(rep, "merged");
	const char *since = json_string_value(json_object_get(rep, "since"));
	const char *until = json_string_value(json_object_get(rep, "until"));
	const char *code = NULL;

	if (!gen || strncmp(gen, "cg-report", 9) || !json_is_boolean(merged) ||
	    !json_is_object(json_object_get(rep, "totals")) || !since || !until)
		goto not_a_report;
	if (!json_is_true(merged)) {
		code = json_string_value(json_object_get(json_object_get(rep, "compound"), "code"));
		if (!code)
			goto not_a_report;
	}
	if (add_rows(m, rep, code, why, whylen))
		return 1;
	add_period(m, rep, since, until);
	add_sections(m, rep, code, !json_is_true(json_object_get(rep, "masked")));
	if (m->trust && code)
		cg_trust_add(m->trust, code, json_object_get(rep, "journals"));
	return 0;
not_a_report:
	snprintf(why, whylen, "%s", _("not a report of cg-report"));
	return 1;
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

/* The temperatures summed, or all zero when no report had any. */
static json_t *temperatures_of(json_t *o)
{
	json_t *c = sub(o, "temperatures"), *zeros;

	if (json_object_get(c, "counts"))
		return json_incref(c);
	zeros = json_array();
	for (int i = 0; i < CG_TEMP_BINS; i++)
		json_array_append_new(zeros, json_integer(0));
	return json_pack("{s:i, s:f, s:f, s:o, s:i, s:i}", "measured", 0,
			 "from", CG_TEMP_FROM10 / 10.0, "step", 0.1,
			 "counts", zeros, "below", 0, "above", 0);
}

static json_t *visitors_of(json_t *o, const json_t *stocks)
{
	json_t *v = sub(o, "visitors");

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:O, s:O}",
			 "count", int_of(v, "count"),
			 "refused", int_of(v, "refused"),
			 "out", int_of(v, "out"),
			 "inside", int_of(stocks, "visitors_inside"),
			 "overstay_count", int_of(v, "overstay_count"),
			 "overstays", arr(v, "overstays"),
			 "inside_list", json_object_get(stocks, "visitors_inside_list"));
}

static json_t *cases_of(struct cg_merge *m, const json_t *stocks)
{
	json_t *c = sub(m->out, "cases");

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:O}",
			 "open", int_of(stocks, "cases_open"),
			 "opened", int_of(c, "opened"),
			 "escalated", int_of(c, "escalated"),
			 "released", int_of(c, "released"),
			 "closed", int_of(c, "closed"),
			 "extended", int_of(c, "extended"),
			 "checks", int_of(c, "checks"),
			 "alerts", int_of(c, "alerts"),
			 "missed_windows", int_of(c, "missed_windows"),
			 "ending_today", int_of(stocks, "cases_ending_today"),
			 "ending_tomorrow", int_of(stocks, "cases_ending_tomorrow"),
			 "needs_open", int_of(stocks, "needs_open"),
			 "followup", "followed", int_of(stocks, "cases_followed"),
				     "missed", int_of(stocks, "cases_missed"),
				     "lost", int_of(stocks, "cases_lost"),
				     "released", int_of(sub(c, "followup"), "released"),
				     "released_followed", int_of(sub(c, "followup"), "released_followed"),
			 "by_day", by_day_list(json_object_get(stocks, "cases_by_day")),
			 "list", arr(c, "list"));
}

static json_t *passes_of(json_t *o, const json_t *stocks)
{
	json_t *p = sub(o, "passes");

	return json_pack("{s:O, s:I, s:I, s:O, s:I}",
			 "issued", sub(p, "issued"),
			 "issued_total", int_of(p, "issued_total"),
			 "revoked", int_of(p, "revoked"),
			 "active", json_object_get(stocks, "passes_active"),
			 "active_total", int_of(stocks, "passes_active_total"));
}

/*
 * Everything summed is an integer (sum_ints() and add_int() only ever set
 * integers), so a figure no report had is 0.
 */
json_t *cg_merge_finish(struct cg_merge *m, cg_time_t now, const char *generator)
{
	json_t *o = m->out, *t = sub(o, "totals");
	json_t *temperatures, *visitors, *cases, *passes, *stocks, *fever = sub(o, "fever");
	json_t *rep, *duty = json_object_get(o, "duty");
	char at[CG_TIME_LEN];

	if (!m->n) {
		cg_time_date(now, m->since);
		cg_time_date(now, m->until);
	}
	cg_time_format(now, at);
	if (m->trust)
		cg_trust_finish(m->trust, arr(o, "warnings"), m->rows);
	cg_report_warnings_order(arr(o, "warnings"));
	temperatures = temperatures_of(o);
	stocks = cg_merge_stocks(m->rows);
	visitors = visitors_of(o, stocks);
	cases = cases_of(m, stocks);
	passes = passes_of(o, stocks);
	json_decref(stocks);
	rep = json_pack("{s:b, s:{s:I}, s:s*, s:s, s:s, s:s, s:s, s:b, s:O*,"
			 " s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:O, s:O, s:O, s:O, s:o,"
			 " s:{s:O*, s:I, s:I, s:I}, s:O, s:O,"
			 " s:o, s:o, s:o, s:O, s:O, s:O, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:O}",
			 "merged", 1,
			 "compound", "count", (json_int_t)json_array_size(m->rows),
			 "date", strcmp(m->since, m->until) ? NULL : m->since,
			 "since", m->since,
			 "until", m->until,
			 "generated_at", at,
			 "generator", generator,
			 "masked", m->mask,
			 "policy", m->policy && !json_is_null(m->policy) ? m->policy : NULL,
			 "totals", "events", int_of(t, "events"),
				   "in", int_of(t, "in"),
				   "out", int_of(t, "out"),
				   "admit", int_of(t, "admit"),
				   "deny", int_of(t, "deny"),
				   "refer", int_of(t, "refer"),
			 "kinds", sub(o, "kinds"),
			 "reasons", sub(o, "reasons"),
			 "gates", sub(o, "gates"),
			 "hours", sub(o, "hours"),
			 "temperatures", temperatures,
			 "fever", "threshold", json_is_number(json_object_get(fever, "threshold")) ?
					       json_object_get(fever, "threshold") : NULL,
				  "persons", int_of(fever, "persons"),
				  "readings", int_of(fever, "readings"),
				  "decisions", int_of(fever, "decisions"),
			 "fevers", arr(o, "fevers"),
			 "denials", arr(o, "denials"),
			 "visitors", visitors,
			 "cases", cases,
			 "passes", passes,
			 "corrections", arr(o, "corrections"),
			 "journals", arr(o, "journals"),
			 "warnings", arr(o, "warnings"),
			 "omitted", "fevers", m->omit_fevers,
				    "denials", m->omit_denials,
				    "overstays", m->omit_overstays,
				    "cases", m->omit_cases,
				    "corrections", m->omit_corrections,
			 "unknown", int_of(o, "unknown"),
			 "rejected", int_of(o, "rejected"),
			 "outside", int_of(o, "outside"),
			 "compounds", m->rows);
	/* The duty section when a report had one (report-duty.c). */
	if (duty && rep) {
		json_t *out = json_object(), *v;
		const char *k;

		json_object_foreach(rep, k, v) {
			json_object_set(out, k, v);
			if (!strcmp(k, "passes"))
				json_object_set_new(out, "duty", cg_report_duty_merged(duty));
		}
		json_decref(rep);
		rep = out;
	}
	return rep;
}
