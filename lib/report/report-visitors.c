/* Visitors: who came in, who left late or is still inside. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "crypto/passid.h"
#include "crypto/token.h"
#include "rules/person.h"
#include "report/report-counters.h"

static uint64_t hash(const char *tag, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *tag; tag++)
		h = (h ^ (unsigned char)*tag) * 0x100000001b3ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

static void map_put(struct cg_report *r, uint64_t key, uint32_t val)
{
	size_t mask = r->map_size - 1, i = (size_t)key & mask;

	while (r->map_key[i] && r->map_key[i] != key)
		i = (i + 1) & mask;
	r->map_key[i] = key;
	r->map_val[i] = val;
}

static int map_get(const struct cg_report *r, uint64_t key, uint32_t *val)
{
	size_t mask, i;

	if (!r->map_size)
		return 0;
	mask = r->map_size - 1;
	for (i = (size_t)key & mask; r->map_key[i]; i = (i + 1) & mask)
		if (r->map_key[i] == key) {
			*val = r->map_val[i];
			return 1;
		}
	return 0;
}

/*
 * Make the index fit n visits (load at most a half) and fill it anew.  It
 * never shrinks: a sweep leaves few visits, and the next thousands would
 * grow it again through every size, each a new allocation whose pages
 * the kernel zeroes (a tenth of a million-record report's time).  Its
 * size stays bounded by VISITS_MAX.
 */
static int map_rebuild(struct cg_report *r, size_t n)
{
	size_t size = r->map_size ? r->map_size : 1024;

	while (size < 2 * VISIT_KEYS * n)	/* load <= 1/2 */
		size *= 2;
	if (size != r->map_size) {
		uint64_t *k = calloc(size, sizeof(*k));
		uint32_t *v = calloc(size, sizeof(*v));

		if (!k || !v) {
			free(k);
			free(v);
			return -1;
		}
		free(r->map_key);
		free(r->map_val);
		r->map_key = k;
		r->map_val = v;
		r->map_size = size;
	} else {
		memset(r->map_key, 0, size * sizeof(*r->map_key));
	}
	for (size_t i = 0; i < r->nvisits; i++)
		for (int k = 0; k < r->visits[i].nkeys; k++)
			map_put(r, r->visits[i].key[k], (uint32_t)i);
	return 0;
}

/* The grace after visit_until before a visit is an overstay. */
static cg_time_t grace(const struct cg_report *r)
{
	return (cg_time_t)r->cfg->policy.visit_grace_min * 60;
}

/* A visitor with no exit recorded, in the list of those inside. */
static void inside_entry(struct cg_report *r, const struct visit *v, int over)
{
	char at[CG_TIME_LEN], until[CG_TIME_LEN];

	r->inside_n++;
	if (json_array_size(r->inside) >= CG_REPORT_LIST_MAX)
		return;
	cg_time_format(v->at, at);
	cg_time_format(v->until, until);
	json_array_append_new(r->inside,
			      json_pack("{s:s, s:s, s:s*, s:s*, s:s*, s:s*, s:s, s:b}",
					"ts", at,
					"gate", r->gates[v->gate]->name,
					"name", v->name[0] ? v->name : NULL,
					"id_no", v->id_no[0] ? v->id_no : NULL,
					"phone", v->phone[0] ? v->phone : NULL,
					"host", v->host[0] ? v->host : NULL,
					"visit_until", until,
					"overstay", over));
}

static void overstay(struct cg_report *r, const struct visit *v)
{
	char at[CG_TIME_LEN], until[CG_TIME_LEN], out[CG_TIME_LEN];

	r->overstay_n++;
	if (v->state != 2)
		inside_entry(r, v, 1);	/* no exit: still inside, as far as anyone knows */
	if (json_array_size(r->overstays) >= CG_REPORT_LIST_MAX) {
		r->omit_overstays++;
		return;
	}
	cg_time_format(v->at, at);
	cg_time_format(v->until, until);
	if (v->state == 2)
		cg_time_format(v->out_at, out);
	json_array_append_new(r->overstays,
			      json_pack("{s:s, s:s, s:s*, s:s*, s:s*, s:s*, s:s, s:s?}",
					"ts", at,
					"gate", r->gates[v->gate]->name,
					"name", v->name[0] ? v->name : NULL,
					"id_no", v->id_no[0] ? v->id_no : NULL,
					"phone", v->phone[0] ? v->phone : NULL,
					"host", v->host[0] ? v->host : NULL,
					"visit_until", until,
					"out", v->state == 2 ? out : NULL));
}

#define VISITS_MAX 65536

static int by_until(const void *a, const void *b)
{
	const struct visit *x = a, *y = b;

	return (x->until > y->until) - (x->until < y->until);
}

/*
 * Drop visits that left in time, and settle as overstays those that left
 * late or whose visit ended a day before the latest record (no exit can
 * still be on its way).  Past VISITS_MAX visits still open, those whose
 * visit ended before the latest record are settled too, earliest first:
 * the memory stays bounded whatever the input.  With all set, settle
 * every visit against cutoff.
 */
static int sweep(struct cg_report *r, int all, cg_time_t cutoff, unsigned long *inside)
{
	size_t keep = 0, k = 0;

	for (size_t i = 0; i < r->nvisits; i++) {
		struct visit *v = &r->visits[i];

		if (v->state == 1)
			continue;
		if (v->state == 2 || (all && v->until + grace(r) < cutoff) ||
		    (!all && v->until < r->watermark - 86400)) {
			overstay(r, v);
			continue;
		}
		if (all) {
			(*inside)++;
			inside_entry(r, v, 0);
			continue;
		}
		r->visits[keep++] = *v;
	}
	r->nvisits = keep;
	if (all)
		return 0;
	if (keep > VISITS_MAX) {
		qsort(r->visits, keep, sizeof(*r->visits), by_until);
		while (keep - k > VISITS_MAX / 2 && r->visits[k].until < r->watermark)
			overstay(r, &r->visits[k++]);
		memmove(r->visits, r->visits + k, (keep - k) * sizeof(*r->visits));
		r->nvisits = keep -= k;
	}
	r->sweep_at = keep + 16384;
	return map_rebuild(r, keep);
}

/*
 * The pass a check-in shows, as the gate knows it: the pass id of a
 * token (decoded, not verified: cg-checkin checked it and wrote its
 * decision), else the pass id itself in its normal form.
 */
static const char *pass_of(const struct checkin *c, char out[CG_PASS_ID_LEN])
{
	char text[512];
	struct cg_token t;
	uint64_t value;

	cg_report_copy_str(c->pass, text, sizeof(text));
	if (cg_token_is_token(text) && cg_token_decode(text, &t) == 0)
		value = t.pass_value;
	else if (cg_passid_parse(text, &value) < 0) {
		cg_pass_id_normalise(text, out);
		return out;
	}
	cg_passid_format(value, out);
	return out;
}

/*
 * The identity keys of a visitor's check-in, hashed: those of the gate's
 * person matcher (cg_person_keys: ID number, phone, name at the household
 * visited), the pass shown (a token and the pass id it carries are one
 * key: a scan identifies its holder, as at the gate), then the name
 * alone, a weak key an exit is matched on only when it carries nothing
 * stronger (a guard who wrote down the name on the way out and not the
 * phone).
 */
int cg_report_person_keys(const struct checkin *c, uint64_t key[VISIT_KEYS], uint64_t *id)
{
	char keys[3][CG_PERSON_KEY_LEN], name[256];
	const char *hh = c->host[0] ? c->host : c->household[0] ? c->household : NULL;
	int n;

	*id = 0;
	if (c->name)
		cg_report_copy_str(c->name, name, sizeof(name));
	n = cg_person_keys_of(c->id_no[0] ? c->id_no : NULL, c->phone[0] ? c->phone : NULL,
			      c->name ? name : NULL, hh, keys);
	for (int k = 0; k < n; k++)
		key[k] = hash("", keys[k]);
	if (c->id_no[0])
		*id = key[0];
	if (c->pass) {
		char pass[CG_PASS_ID_LEN];

		key[n++] = hash("pass:", pass_of(c, pass));
	}
	if (c->name)
		key[n++] = hash("weak-name:", name);
	return n;
}

static int visitor_in(struct cg_report *r, const struct checkin *c, int gate)
{
	struct visit *v;
	char buf[256];

	if (r->nvisits >= r->sweep_at && sweep(r, 0, 0, NULL) < 0)
		return -1;
	if (r->nvisits == r->avisits) {
		size_t alloc = r->avisits ? r->avisits * 2 : 256;
		struct visit *p = realloc(r->visits, alloc * sizeof(*p));

		if (!p)
			return -1;
		r->visits = p;
		r->avisits = alloc;
	}
	if (2 * VISIT_KEYS * (r->nvisits + 1) > r->map_size &&
	    map_rebuild(r, r->nvisits * 2 + 1) < 0)
		return -1;
	v = &r->visits[r->nvisits];
	memset(v, 0, sizeof(*v));
	v->nkeys = cg_report_person_keys(c, v->key, &v->id);
	v->at = c->at;
	v->until = c->until;
	v->gate = gate;
	if (c->name) {
		cg_report_copy_str(c->name, buf, sizeof(buf));
		if (r->o.mask)
			cg_mask_name(buf, v->name, sizeof(v->name));
		else
			cg_report_copy_str(c->name, v->name, sizeof(v->name));
	}
	if (c->phone[0]) {
		if (r->o.mask)
			cg_mask_phone(c->phone, v->phone, sizeof(v->phone));
		else
			snprintf(v->phone, sizeof(v->phone), "%s", c->phone);
	}
	if (c->id_no[0]) {
		if (r->o.mask)
			cg_mask_id_no(c->id_no, v->id_no, sizeof(v->id_no));
		else
			snprintf(v->id_no, sizeof(v->id_no), "%s", c->id_no);
	}
	/* A normal household is at most 26 characters (8-8-8). */
	memcpy(v->host, c->host, sizeof(v->host) - 1);
	v->host[sizeof(v->host) - 1] = '\0';
	for (int k = 0; k < v->nkeys; k++)
		map_put(r, v->key[k], (uint32_t)r->nvisits);
	r->nvisits++;
	return 0;
}

static void visitor_out(struct cg_report *r, const struct checkin *c)
{
	uint64_t key[VISIT_KEYS], id;
	int n = cg_report_person_keys(c, key, &id);
	uint32_t i;

	for (int k = 0; k < n; k++) {
		struct visit *v;

		/* the name alone only when the exit says nothing stronger */
		if (k == n - 1 && k > 0 && c->name)
			break;
		if (!map_get(r, key[k], &i) || i >= r->nvisits)
			continue;
		v = &r->visits[i];
		if (v->state || (id && v->id && id != v->id) || c->at < v->at)
			continue;
		v->state = c->at <= v->until + grace(r) ? 1 : 2;
		v->out_at = c->at;
		return;
	}
}

/* A visitor's check-in at gate (an index of r->gates): in, out or refused. */
int cg_report_count_visitor(struct cg_report *r, const struct checkin *c, int gate)
{
	if (!c->in) {
		r->visitors_out++;
		visitor_out(r, c);
	} else if (c->decision == D_ADMIT) {
		r->visitors_in++;
		if (c->has_until && visitor_in(r, c, gate) < 0)
			return -1;
	} else {
		r->visitors_refused++;
	}
	return 0;
}

/* The visitors section, at the end: the visits still open are settled. */
json_t *cg_report_visitors_section(struct cg_report *r, cg_time_t cutoff)
{
	unsigned long inside = 0;

	sweep(r, 1, cutoff, &inside);
	cg_report_sort_by_ts(r->overstays);
	cg_report_sort_by_ts(r->inside);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:O, s:O}",
			 "count", (json_int_t)r->visitors_in,
			 "refused", (json_int_t)r->visitors_refused,
			 "out", (json_int_t)r->visitors_out,
			 "inside", (json_int_t)r->inside_n,
			 "overstay_count", (json_int_t)r->overstay_n,
			 "overstays", r->overstays,
			 "inside_list", r->inside);
}
