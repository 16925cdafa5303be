/* Passes: the events counted, and the passes active at the end. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "crypto/passid.h"
#include "report/report-counters.h"

/* ---- the fold: a pass per normal id, in the order first issued ---- */

void cg_report_passes_release(struct cg_report_passes *p)
{
	free(p->list);
	free(p->slot);
	free(p->ids);
	json_decref(p->classes);
	memset(p, 0, sizeof(*p));
}

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of id: its pass's, or the empty one where it would go. */
static size_t find_slot(const struct cg_report_passes *p, const char *id)
{
	size_t i = (size_t)hash_id(id) & (p->nslots - 1);

	while (p->slot[i] && strcmp(p->ids + p->list[p->slot[i] - 1].id, id))
		i = (i + 1) & (p->nslots - 1);
	return i;
}

/* Room for one more pass: the table kept at most half full.  0 or -1. */
static int grow(struct cg_report_passes *p)
{
	if (p->n == p->alloc) {
		size_t alloc = p->alloc ? p->alloc * 2 : 1024;
		struct cg_report_pass *l = realloc(p->list, alloc * sizeof(*l));

		if (!l)
			return -1;
		p->list = l;
		p->alloc = alloc;
	}
	if (2 * (p->n + 1) > p->nslots) {
		size_t nslots = p->nslots ? p->nslots * 2 : 2048;
		uint32_t *old = p->slot;

		if (!(p->slot = calloc(nslots, sizeof(*p->slot)))) {
			p->slot = old;
			return -1;
		}
		p->nslots = nslots;
		for (size_t k = 0; k < p->n; k++)
			p->slot[find_slot(p, p->ids + p->list[k].id)] = (uint32_t)k + 1;
		free(old);
	}
	return 0;
}

static int add_id(struct cg_report_passes *p, const char *id, uint32_t *off)
{
	size_t n = strlen(id) + 1;

	if (p->ids_len + n > p->ids_alloc) {
		size_t alloc = p->ids_alloc ? p->ids_alloc * 2 : 65536;
		char *b;

		while (alloc < p->ids_len + n)
			alloc *= 2;
		if (alloc > UINT32_MAX || !(b = realloc(p->ids, alloc)))
			return -1;
		p->ids = b;
		p->ids_alloc = alloc;
	}
	memcpy(p->ids + p->ids_len, id, n);
	*off = (uint32_t)p->ids_len;
	p->ids_len += n;
	return 0;
}

static uint16_t class_of(struct cg_report_passes *p, const char *cls)
{
	size_t i;
	json_t *v;

	json_array_foreach(p->classes, i, v)
		if (!strcmp(json_string_value(v), cls))
			return (uint16_t)i;
	json_array_append_new(p->classes, json_string(cls));
	return (uint16_t)(json_array_size(p->classes) - 1);
}

/*
 * As cg_passbook_apply did: an issue (again) sets the pass, a revoke of a
 * known pass marks it.  0, or -1 out of memory.
 */
static int fold_pass(struct cg_report_passes *p, const json_t *rec, const char *event,
		     const char *raw, const char *cls)
{
	char id[CG_PASS_ID_LEN];
	struct cg_report_pass *ps;
	size_t i;

	cg_pass_id_normalise(raw, id);
	i = p->nslots ? find_slot(p, id) : 0;
	if (strcmp(event, "issue")) {
		if (p->nslots && p->slot[i] && !strcmp(event, "revoke"))
			p->list[p->slot[i] - 1].revoked = 1;
		return 0;
	}
	if (!p->nslots || !p->slot[i]) {
		if (grow(p) < 0)
			return -1;
		i = find_slot(p, id);
		if (add_id(p, id, &p->list[p->n].id) < 0)
			return -1;
		p->slot[i] = (uint32_t)++p->n;
	}
	ps = &p->list[p->slot[i] - 1];
	cg_time_parse(json_string_value(json_object_get(rec, "valid_from")), 0, &ps->from);
	cg_time_parse(json_string_value(json_object_get(rec, "valid_until")), 0, &ps->until);
	ps->cls = class_of(p, cls);
	ps->revoked = 0;
	return 0;
}

int cg_report_pass_event(struct cg_report *r, const json_t *rec, const char *event,
			 char *why, size_t whylen, struct cg_err *err)
{
	const char *id, *cls = NULL;
	cg_time_t at, t;
	int32_t day;
	int place;

	if (cg_report_event_time(r, rec, &at, &day, why, whylen) ||
	    cg_report_string_of(rec, "pass_id", &id, why, whylen))
		return 1;
	if (!strcmp(event, "issue")) {
		const json_t *c = json_object_get(rec, "class");

		if (c && !json_is_string(c))
			return cg_report_bad(why, whylen, _("'%s' must be a string"), "class");
		cls = c ? json_string_value(c) : "resident";
		if (cg_time_parse(json_string_value(json_object_get(rec, "valid_from")), 0, &t) < 0 ||
		    cg_time_parse(json_string_value(json_object_get(rec, "valid_until")), 0, &t) < 0)
		{
			char show[80];
			struct field f = { CG_SCAN_STRING, id, strlen(id) };

			return cg_report_bad(why, whylen, _("pass '%s' has no valid_from or valid_until"),
				   cg_report_shown(&f, show, sizeof(show)));
		}
	}
	if ((place = cg_report_event_place(r, day)) < 0)
		return 0;
	r->pass_events++;
	if (place) {
		if (cls) {
			json_int_t n = json_integer_value(json_object_get(r->issued, cls));

			json_object_set_new(r->issued, cls, json_integer(n + 1));
		} else {
			r->revoked++;
		}
	}
	if (fold_pass(&r->passes, rec, event, id, cls ? cls : "resident") < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	return 0;
}

static void add_count(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

json_t *cg_report_passes_section(struct cg_report *r, cg_time_t cutoff)
{
	json_t *issued = json_object(), *active = json_object();
	const char *cls;
	json_t *v;
	json_int_t total = 0, active_total = 0;

	/* Every configured class, in order, so the shape stays the same. */
	json_object_foreach((json_t *)r->cfg->pass_classes, cls, v) {
		json_object_set_new(issued, cls, json_integer(0));
		json_object_set_new(active, cls, json_integer(0));
	}
	json_object_foreach(r->issued, cls, v) {
		add_count(issued, cls, json_integer_value(v));
		total += json_integer_value(v);
	}
	for (size_t k = 0; k < r->passes.n; k++) {
		const struct cg_report_pass *ps = &r->passes.list[k];

		/* Active just before the cutoff, as cg_passbook_status says. */
		if (ps->revoked || cutoff - 1 < ps->from || cutoff - 1 >= ps->until)
			continue;
		add_count(active, json_string_value(json_array_get(r->passes.classes, ps->cls)), 1);
		active_total++;
	}
	return json_pack("{s:o, s:I, s:I, s:o, s:I}",
			 "issued", issued,
			 "issued_total", total,
			 "revoked", (json_int_t)r->revoked,
			 "active", active,
			 "active_total", active_total);
}
