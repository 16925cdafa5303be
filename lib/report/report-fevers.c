/* Fevers and denials: the temperature histogram and the two lists. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "json/jsonl.h"
#include "report/report-counters.h"

/* The person fields of a list entry, masked unless asked otherwise. */
static void person_fields(struct cg_report *r, json_t *e, const struct checkin *c)
{
	char buf[256];

	if (c->name) {
		cg_report_copy_str(c->name, buf, sizeof(buf));
		if (r->o.mask) {
			char m[256];

			json_object_set_new(e, "name", json_string(cg_mask_name(buf, m, sizeof(m))));
		} else {
			json_object_set_new(e, "name", json_string(buf));
		}
	}
	if (c->id_no[0])
		json_object_set_new(e, "id_no", json_string(r->o.mask ?
				    cg_mask_id_no(c->id_no, buf, sizeof(buf)) : c->id_no));
	if (c->phone[0])
		json_object_set_new(e, "phone", json_string(r->o.mask ?
				    cg_mask_phone(c->phone, buf, sizeof(buf)) : c->phone));
	if (c->household[0])
		json_object_set_new(e, "household", json_string(c->household));
	if (c->host[0])
		json_object_set_new(e, "host", json_string(c->host));
	if (c->plate)
		json_object_set_new(e, "plate", json_string(cg_report_copy_str(c->plate, buf, sizeof(buf))));
}

static json_t *reason_list(unsigned bits)
{
	json_t *a = json_array();

	for (int i = 0; i < CG_R_COUNT; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(cg_reason_code(i)));
	return a;
}

static void list_entry(struct cg_report *r, json_t *list, const struct checkin *c)
{
	json_t *e = json_object();

	cg_json_set_time(e, "ts", c->at);
	json_object_set_new(e, "gate", json_string(c->gate));
	json_object_set_new(e, "dir", json_string(c->in ? "in" : "out"));
	json_object_set_new(e, "kind", json_string(cg_report_kinds[c->kind]));
	person_fields(r, e, c);
	if (c->has_temp)
		json_object_set_new(e, "temp", json_real(c->temp));
	json_object_set_new(e, "decision", json_string(cg_report_decisions[c->decision]));
	json_object_set_new(e, "reasons", reason_list(c->reasons));
	json_array_append_new(list, e);
}

static uint64_t mix(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

/* The person key of c on day, hashed: the ID number, else the phone,
 * else the name and household (as the gate and report/totals.sql say who
 * a person is); 0 when the check-in names nobody. */
static uint64_t person_hash(const struct checkin *c, int32_t day)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = mix(h, (const char *)&day, sizeof(day));
	if (c->id_no[0])
		return mix(mix(h, "id:", 3), c->id_no, strlen(c->id_no));
	if (c->phone[0])
		return mix(mix(h, "phone:", 6), c->phone, strlen(c->phone));
	if (c->name && c->household[0])
		return mix(mix(mix(h, "name:", 5), c->name->p, c->name->len),
			   c->household, strlen(c->household));
	return 0;
}

/* 1 when key was not in the set yet (now it is), 0 when it was, -1 when
 * out of memory. */
static int set_add(struct cg_report *r, uint64_t key)
{
	size_t mask, i;

	if (2 * (r->fever_set_n + 1) > r->fever_set_size) {
		size_t size = r->fever_set_size ? 2 * r->fever_set_size : 64;
		uint64_t *t = calloc(size, sizeof(*t));

		if (!t)
			return -1;
		for (size_t k = 0; k < r->fever_set_size; k++) {
			uint64_t v = r->fever_set[k];

			if (!v)
				continue;
			for (i = (size_t)v & (size - 1); t[i]; i = (i + 1) & (size - 1))
				;
			t[i] = v;
		}
		free(r->fever_set);
		r->fever_set = t;
		r->fever_set_size = size;
	}
	mask = r->fever_set_size - 1;
	for (i = (size_t)key & mask; r->fever_set[i]; i = (i + 1) & mask)
		if (r->fever_set[i] == key)
			return 0;
	r->fever_set[i] = key;
	r->fever_set_n++;
	return 1;
}

/*
 * A fever at a gate: an alert, once per person and day, saying who, where
 * and how hot (a list entry without direction, kind and reasons).  Past
 * CG_REPORT_LIST_MAX alerts the rest are only counted, in fever.persons.
 */
static void fever_alert(struct cg_report *r, const struct checkin *c)
{
	json_t *list, *w;

	if (json_array_size(r->fever_alerts) >= CG_REPORT_LIST_MAX)
		return;
	list = json_array();
	list_entry(r, list, c);
	w = json_pack("{s:s, s:s}", "code", "fever_at_gate", "severity", "alert");
	json_object_update(w, json_array_get(list, 0));
	json_object_del(w, "dir");
	json_object_del(w, "kind");
	json_object_del(w, "reasons");
	json_array_append_new(r->fever_alerts, w);
	json_decref(list);
}

/*
 * A check-in's temperature in the histogram and in the fever figures, and
 * the check-in in the list of fevers (a fever reason, or a reading from
 * the threshold up) or else, when denied, in the list of denials.
 */
int cg_report_count_fevers(struct cg_report *r, const struct checkin *c, int32_t day)
{
	const struct cg_policy *p = &r->cfg->policy;
	int reading = c->has_temp && c->temp >= p->fever_threshold && c->temp <= p->temp_max;
	int decision = (c->reasons & (1u << CG_R_FEVER)) != 0;

	if (c->has_temp) {
		/* A reading far out of range must not reach lround(). */
		long bin = c->temp < 30 ? -1 : c->temp > 50 ? CG_TEMP_BINS :
			   lround(c->temp * 10) - CG_TEMP_FROM10;

		r->measured++;
		if (bin < 0)
			r->temps_below++;
		else if (bin >= CG_TEMP_BINS)
			r->temps_above++;
		else
			r->temps[bin]++;
	}
	r->fever_decisions += decision;
	if (reading) {
		uint64_t key = person_hash(c, day);
		int fresh = key ? set_add(r, key) : 1;

		if (fresh < 0)
			return -1;
		r->fever_readings++;
		if (fresh) {
			r->fever_persons++;
			fever_alert(r, c);
		}
	}
	if (reading || decision) {
		if (json_array_size(r->fevers) < CG_REPORT_LIST_MAX)
			list_entry(r, r->fevers, c);
		else
			r->omit_fevers++;
		r->fevers_n++;
	} else if (c->decision == D_DENY) {
		if (json_array_size(r->denials) < CG_REPORT_LIST_MAX)
			list_entry(r, r->denials, c);
		else
			r->omit_denials++;
		r->denials_n++;
	}
	return 0;
}

json_t *cg_report_fever_section(struct cg_report *r)
{
	return json_pack("{s:f, s:I, s:I, s:I}",
			 "threshold", r->cfg->policy.fever_threshold,
			 "persons", (json_int_t)r->fever_persons,
			 "readings", (json_int_t)r->fever_readings,
			 "decisions", (json_int_t)r->fever_decisions);
}

json_t *cg_report_temperatures_section(struct cg_report *r)
{
	json_t *counts = json_array();

	for (int i = 0; i < CG_TEMP_BINS; i++)
		json_array_append_new(counts, json_integer((json_int_t)r->temps[i]));
	return json_pack("{s:I, s:f, s:f, s:o, s:I, s:I}",
			 "measured", (json_int_t)r->measured,
			 "from", CG_TEMP_FROM10 / 10.0,
			 "step", 0.1,
			 "counts", counts,
			 "below", (json_int_t)r->temps_below,
			 "above", (json_int_t)r->temps_above);
}
