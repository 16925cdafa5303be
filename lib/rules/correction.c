/* Corrections of check-in records: their fold (see correction.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "store/journal.h"
#include "store/lookthrough.h"
#include "store/rid.h"
#include "rules/correction.h"

int cg_correction_is(const json_t *rec)
{
	return json_is_string(json_object_get(rec, "correction_of")) &&
	       (json_is_string(json_object_get(rec, "voids")) ||
		json_is_string(json_object_get(rec, "amends")));
}

void cg_corrections_init(struct cg_corrections *c)
{
	c->events = json_object();
	c->list = json_array();
}

void cg_corrections_release(struct cg_corrections *c)
{
	json_decref(c->events);
	json_decref(c->list);
	c->events = c->list = NULL;
}

int cg_corrections_add(struct cg_corrections *c, const char *compound, const char *day,
		       uint64_t seq, const char *line, size_t len, struct cg_err *err)
{
	char rid[CG_RID_LEN], why[256];
	json_t *rec = cg_jsonl_parse(line, len, why, sizeof(why));
	const char *root, *cut;
	int is_void;

	if (!rec)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%llu: journal damaged: %s"),
				  day, (unsigned long long)seq, why);
	if (!cg_correction_is(rec)) {
		json_decref(rec);
		return 0;
	}
	cg_rid_format(rid, sizeof(rid), compound, "checkin", day, seq);
	root = json_string_value(json_object_get(rec, "correction_of"));
	is_void = json_object_get(rec, "voids") != NULL;
	/* What counts is the amended record without the correction's own
	 * fields, which cg-checkin writes last, from "amends" on. */
	cut = memmem(line, len, ",\"amends\":\"", 11);
	json_object_set_new(c->events, root,
			    json_pack("{s:s, s:b, s:s%}", "rid", rid, "void", is_void,
				      "line", line, cut ? (size_t)(cut - line) : len));
	if (cut) {
		json_t *l = json_object_get(json_object_get(c->events, root), "line");
		char *t = malloc(json_string_length(l) + 2);

		memcpy(t, json_string_value(l), json_string_length(l));
		memcpy(t + json_string_length(l), "}", 2);
		json_string_set(l, t);
		free(t);
	}
	json_object_set_new(rec, "rid", json_string(rid));
	json_array_append_new(c->list, rec);
	return 0;
}

struct load_ctx {
	struct cg_corrections *c;
	const char *compound;
};

static int load_line(void *ctx, const char *day, uint64_t seq, const char *line,
		     size_t len, struct cg_err *err)
{
	struct load_ctx *lc = ctx;

	return cg_corrections_add(lc->c, lc->compound, day, seq, line, len, err);
}

int cg_corrections_load(struct cg_corrections *c, const struct cg_home *h,
			const char *compound, int32_t from, int32_t to, struct cg_err *err)
{
	struct load_ctx lc = { c, compound };

	/* Corrections are odd lines: finished days' are kept, not re-read. */
	return cg_lookthrough_odd(h, from, to, CG_CORRECTION_TAIL, load_line, &lc, err);
}

const json_t *cg_corrections_state(const struct cg_corrections *c, const char *root)
{
	return json_object_get(c->events, root);
}

/* ---- making a correction ---- */

/* Fields a correction may not set: the decision's and the journal's. */
static const char *const fixed_fields[] = {
	"ts", "compound", "decision", "reasons", "visit_until", "seq", "chain", "rid",
	"voids", "amends", "correction_of", "changed", "correction_reason",
	"corrected_by", "corrected_at", NULL
};

static int is_fixed(const char *key)
{
	for (const char *const *f = fixed_fields; *f; f++)
		if (!strcmp(key, *f))
			return 1;
	return 0;
}

int cg_correction_parse_set(json_t *set, const char *arg, const char **why)
{
	const char *eq = strchr(arg, '=');
	char key[64];
	json_t *v;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
		*why = _("not FIELD=VALUE");
		return -1;
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	if (is_fixed(key)) {
		*why = _("this field is set by cg-checkin, not by a correction");
		return -1;
	}
	/* Kept as typed: its type follows the field's (cg_correction_apply). */
	if (!(v = json_string(eq + 1))) {
		*why = _("the value is not UTF-8");
		return -1;
	}
	json_object_set_new(set, key, v);
	return 0;
}

/* Fields that are text whatever they look like: a phone or an ID number
 * typed as digits stays a string. */
static const char *const text_fields[] = {
	"name", "id_no", "phone", "household", "host", "plate", "gate", "pass", "from",
	"event_id", "case_id", "by", "kind", "dir", NULL
};

void cg_correction_apply(json_t *rec, const json_t *set)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)set, key, v) {
		const char *raw = json_string_value(v);
		int text = json_is_string(json_object_get(rec, key));
		json_t *typed = NULL;

		for (const char *const *f = text_fields; *f && !text; f++)
			text = !strcmp(key, *f);
		if (!text)
			typed = json_loads(raw, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
		json_object_set_new(rec, key, typed ? typed : json_string(raw));
	}
}

static json_t *refuse(struct cg_err *err, const char *fmt, const char *arg)
{
	cg_err_set(err, CG_EXIT_REJECTED, fmt, arg);
	return NULL;
}

/* The record at rid: 1 with a new reference in *rec, 0 when there is
 * none, -1 with *err. */
static int find_record(const struct cg_home *h, const struct cg_rid *rid, json_t **rec,
		       struct cg_err *err)
{
	struct cg_journal_reader jr;
	int st;

	if (cg_journal_reader_open_stream(&jr, h, "checkin", rid->day, err) < 0)
		return -1;
	while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0 && jr.seq < rid->seq)
		;
	if (st > 0) {
		char why[256];

		*rec = cg_jsonl_parse(jr.line, jr.len, why, sizeof(why));
		if (!*rec)
			st = cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%llu: journal damaged: %s"),
					jr.label, (unsigned long long)jr.seq, why);
	}
	cg_journal_reader_release(&jr);
	return st;
}

/* The record named, checked: there, of the last days, not a void. */
static json_t *named_record(const struct cg_correction_req *q, const char *compound,
			    const struct cg_home *h, cg_time_t now, struct cg_rid *rid,
			    struct cg_err *err)
{
	int32_t today = cg_local_day(now, NULL), day;
	char today_s[CG_DATE_LEN];
	const char *why;
	json_t *rec = NULL;
	int st;

	cg_day_format(today, today_s);
	if (cg_rid_resolve(q->target, compound, "checkin", today_s, rid, &why) < 0) {
		cg_err_set(err, CG_EXIT_REJECTED, _("invalid record id '%s': %s"), q->target, why);
		return NULL;
	}
	cg_day_parse(rid->day, &day);
	if (day > today || day < today - CG_CORRECTION_DAYS) {
		cg_err_set(err, CG_EXIT_REJECTED,
			   _("record '%s' is not of the last %d days: it can no longer be corrected"),
			   q->target, CG_CORRECTION_DAYS);
		return NULL;
	}
	st = find_record(h, rid, &rec, err);
	if (st < 0)
		return NULL;
	if (st == 0)
		return refuse(err, _("no record '%s' in the check-in journal"), q->target);
	if (json_object_get(rec, "voids")) {
		json_decref(rec);
		return refuse(err, _("record '%s' is a void: it cannot be corrected"), q->target);
	}
	if (!json_object_get(rec, "decision")) {
		json_decref(rec);
		return refuse(err, _("record '%s' is not a gate decision"), q->target);
	}
	return rec;
}

/* The event as it stands now: its latest amendment, else the original. */
static json_t *current_version(const struct cg_corrections *book, const char *root,
			       json_t *named, char rid[CG_RID_LEN], const struct cg_home *h,
			       struct cg_err *err)
{
	const json_t *state = cg_corrections_state(book, root);
	const char *line;
	struct cg_rid r;
	const char *why;
	json_t *rec = NULL;
	int st;

	if (state) {
		snprintf(rid, CG_RID_LEN, "%s", json_string_value(json_object_get(state, "rid")));
		line = json_string_value(json_object_get(state, "line"));
		return json_loads(line, 0, NULL);
	}
	snprintf(rid, CG_RID_LEN, "%s", root);
	if (!json_object_get(named, "correction_of"))
		return json_incref(named);
	/* An amendment named, and no later one: impossible, unless the
	 * look-through missed it; read the original. */
	if (cg_rid_parse(root, &r, &why) < 0 || (st = find_record(h, &r, &rec, err)) == 0)
		return refuse(err, _("no record '%s' in the check-in journal"), root);
	return st < 0 ? NULL : rec;
}

static json_t *make_void(const struct cg_correction_req *q, const char *compound,
			 const char *replaces, const char *root, cg_time_t now)
{
	json_t *v = json_object();

	cg_json_set_time(v, "ts", now);
	json_object_set_new(v, "compound", json_string(compound));
	json_object_set_new(v, "voids", json_string(replaces));
	json_object_set_new(v, "correction_of", json_string(root));
	json_object_set_new(v, "correction_reason", json_string(q->reason));
	json_object_set_new(v, "corrected_by", json_string(q->by));
	cg_json_set_time(v, "corrected_at", now);
	return v;
}

/* The old values of what the amendment changes, decision included. */
static json_t *changes(const json_t *set, const json_t *old, const json_t *new)
{
	json_t *was = json_object(), *v;
	const char *key;
	const char *const decided[] = { "decision", "reasons", NULL };

	json_object_foreach((json_t *)set, key, v) {
		json_t *o = json_object_get(old, key);

		if (!o || !json_equal(o, json_object_get(new, key)))
			json_object_set_new(was, key, o ? json_incref(o) : json_null());
	}
	for (const char *const *d = decided; *d; d++)
		if (!json_equal(json_object_get(old, *d), json_object_get(new, *d)))
			json_object_set(was, *d, json_object_get(old, *d));
	return was;
}

static json_t *make_amend(const struct cg_correction_req *q, struct cg_checkin *ck,
			  const json_t *cur, const char *replaces, const char *root,
			  cg_time_t now, struct cg_err *err)
{
	json_t *in = json_deep_copy(cur), *out, *v;
	char why[256];

	for (const char *const *f = fixed_fields; *f; f++)
		if (strcmp(*f, "ts"))
			json_object_del(in, *f);
	cg_correction_apply(in, q->set);
	out = cg_checkin_decide(ck, in, now, why, sizeof(why));
	json_decref(in);
	if (!out) {
		cg_err_set(err, CG_EXIT_REJECTED, _("the amended record of '%s' is not valid: %s"),
			   q->target, why);
		return NULL;
	}
	/* An amendment corrects a record; it does not register it again:
	 * the record was registered when the one it amends was. */
	if ((v = json_object_get(cur, "registered_at")))
		json_object_set(out, "registered_at", v);
	else
		json_object_del(out, "registered_at");
	json_object_set_new(out, "amends", json_string(replaces));
	json_object_set_new(out, "correction_of", json_string(root));
	v = changes(q->set, cur, out);
	if (!json_object_size(v)) {
		json_decref(v);
		json_decref(out);
		cg_err_set(err, CG_EXIT_REJECTED, _("the amendment of '%s' changes nothing"), q->target);
		return NULL;
	}
	json_object_set_new(out, "changed", v);
	json_object_set_new(out, "correction_reason", json_string(q->reason));
	json_object_set_new(out, "corrected_by", json_string(q->by));
	cg_json_set_time(out, "corrected_at", now);
	return out;
}

json_t *cg_correction_make(const struct cg_correction_req *q, struct cg_checkin *ck,
			   const struct cg_home *h, cg_time_t now, struct cg_err *err)
{
	const char *compound = ck->cfg->compound_code;
	struct cg_corrections book;
	struct cg_rid rid, root_rid;
	char named_rid[CG_RID_LEN], root[CG_RID_LEN], replaces[CG_RID_LEN];
	json_t *named, *cur = NULL, *out = NULL;
	const json_t *state;
	const char *why;
	int32_t from;

	if (!(named = named_record(q, compound, h, now, &rid, err)))
		return NULL;
	cg_rid_string(&rid, named_rid, sizeof(named_rid));
	snprintf(root, sizeof(root), "%s", json_object_get(named, "correction_of") ?
		 json_string_value(json_object_get(named, "correction_of")) : named_rid);
	if (cg_rid_parse(root, &root_rid, &why) < 0 || cg_day_parse(root_rid.day, &from) < 0) {
		json_decref(named);
		return refuse(err, _("record '%s' names no valid original"), q->target);
	}
	cg_corrections_init(&book);
	if (cg_corrections_load(&book, h, compound, from, cg_local_day(now, NULL), err) < 0)
		goto out;
	state = cg_corrections_state(&book, root);
	if (state && json_is_true(json_object_get(state, "void"))) {
		refuse(err, _("record '%s' is already voided"), q->target);
		goto out;
	}
	if (!(cur = current_version(&book, root, named, replaces, h, err)))
		goto out;
	if (q->amend)
		out = make_amend(q, ck, cur, replaces, root, now, err);
	else
		out = make_void(q, compound, replaces, root, now);
out:
	json_decref(cur);
	json_decref(named);
	cg_corrections_release(&book);
	return out;
}
