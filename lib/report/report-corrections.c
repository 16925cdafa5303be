/* Corrections of check-ins: the "corrections" list (see report.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "json/jsonl.h"
#include "rules/correction.h"
#include "report/report-counters.h"
#include "report/report-doc.h"

/* A value as a person may read it: the person fields masked. */
static json_t *shown(const struct cg_report *r, const char *field, const json_t *v)
{
	if (!r->o.mask)
		return json_incref((json_t *)v);
	return cg_report_mask_value(field, v);
}

json_t *cg_report_mask_value(const char *field, const json_t *v)
{
	char buf[256];
	const char *s = json_string_value(v);

	if (!s)
		return v ? json_incref((json_t *)v) : json_null();
	if (!strcmp(field, "name"))
		return json_string(cg_mask_name(s, buf, sizeof(buf)));
	if (!strcmp(field, "id_no"))
		return json_string(cg_mask_id_no(s, buf, sizeof(buf)));
	if (!strcmp(field, "phone"))
		return json_string(cg_mask_phone(s, buf, sizeof(buf)));
	return json_string(cg_mask_message(s, buf, sizeof(buf)) ? buf : s);
}

/* What an amendment changed: each field from its old value to its new. */
static json_t *changes(const struct cg_report *r, const json_t *rec)
{
	json_t *out = json_object(), *old;
	const char *key;

	json_object_foreach(json_object_get(rec, "changed"), key, old) {
		json_t *new = json_object_get(rec, key);

		json_object_set_new(out, key, json_pack("{s:o, s:o}", "from", shown(r, key, old),
							"to", new ? shown(r, key, new) : json_null()));
	}
	return out;
}

static void set_str(json_t *e, const char *key, const json_t *rec, const char *from)
{
	const json_t *v = json_object_get(rec, from);

	json_object_set_new(e, key, json_is_string(v) ? json_incref((json_t *)v) : json_null());
}

void cg_report_correction(struct cg_report *r, const json_t *rec, int applied)
{
	int is_void = json_object_get(rec, "voids") != NULL;
	json_t *e;

	if (applied)
		r->corrections_applied = 1;
	if (!rec)
		return;
	if (json_array_size(r->corrections) >= CG_REPORT_LIST_MAX) {
		r->omit_corrections++;
		return;
	}
	e = json_object();
	set_str(e, "rid", rec, "rid");
	json_object_set_new(e, "action", json_string(is_void ? "void" : "amend"));
	set_str(e, "replaces", rec, is_void ? "voids" : "amends");
	set_str(e, "original", rec, "correction_of");
	if (json_object_get(rec, "case_id"))
		set_str(e, "case_id", rec, "case_id");
	if (!is_void) {
		set_str(e, "ts", rec, "ts");
		set_str(e, "gate", rec, "gate");
		json_object_set_new(e, "changed", changes(r, rec));
		set_str(e, "decision", rec, "decision");
	}
	json_object_set_new(e, "reason", shown(r, "reason", json_object_get(rec, "correction_reason")));
	set_str(e, "by", rec, "corrected_by");
	set_str(e, "at", rec, "corrected_at");
	json_array_append_new(r->corrections, e);
}

int cg_report_correction_line(struct cg_report *r, const char *line, size_t len,
			      char *why, size_t whylen)
{
	json_t *rec;

	if (!(rec = cg_jsonl_parse(line, len, why, whylen))) {
		r->rejected++;
		return 1;
	}
	/* A case event's corrections are case events (report-cases.c). */
	if (json_object_get(rec, "event")) {
		json_decref(rec);
		return 2;
	}
	if (r->corrections_applied)
		;
	else if (cg_correction_is(rec))
		cg_report_correction(r, rec, 0);
	else
		r->unknown++;
	json_decref(rec);
	return 0;
}

static void value_text(const json_t *v, char *buf, size_t size)
{
	char *dump;

	if (json_is_string(v)) {
		snprintf(buf, size, "%s", json_string_value(v));
		return;
	}
	if (json_is_real(v)) {
		snprintf(buf, size, "%.15g", json_real_value(v));
		return;
	}
	if (json_is_array(v)) {
		cg_doc_join(v, buf, size, 0);
		if (!buf[0])
			snprintf(buf, size, "-");
		return;
	}
	dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, size, "%s", dump ? dump : "");
	free(dump);
}

void cg_doc_changes(const json_t *changed, char *buf, size_t size)
{
	const char *key;
	json_t *c;
	size_t n = 0;

	buf[0] = '\0';
	json_object_foreach((json_t *)changed, key, c) {
		char from[128], to[128];
		int k;

		value_text(json_object_get(c, "from"), from, sizeof(from));
		value_text(json_object_get(c, "to"), to, sizeof(to));
		k = snprintf(buf + n, size - n, "%s%s %s \u2192 %s", n ? ", " : "", key, from, to);
		if (k < 0 || (size_t)k >= size - n)
			break;
		n += (size_t)k;
	}
}
