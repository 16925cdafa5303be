/* Fevers and denials: the temperature histogram and the two lists. */

#include <math.h>

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

/*
 * A check-in's temperature in the histogram, and the check-in in the list
 * of fevers (a fever reason, or a reading from the threshold up) or else,
 * when denied, in the list of denials.
 */
void cg_report_count_fevers(struct cg_report *r, const struct checkin *c)
{
	const struct cg_policy *p = &r->cfg->policy;
	int fever;

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
	fever = (c->reasons & (1u << CG_R_FEVER)) ||
		(c->has_temp && c->temp >= p->fever_threshold && c->temp <= p->temp_max);
	if (fever) {
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
