/*
 * Corrections of observation checks (a wrong temperature): a void or an
 * amended check that names the rid of the check it replaces.  The fold
 * (casebook.c) drops the replaced check, so alerts, due and missed
 * windows and release follow the corrected readings.
 */

#include <stdio.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/rid.h"
#include "rules/correction.h"
#include "rules/quarantine.h"

/* The journal line at seq: 1 with *rec, 0 when there is none, -1.  From
 * the case index when the book reads it, else from the journal. */
static int read_at(struct cg_casebook *cb, const struct cg_home *h, uint64_t seq,
		   json_t **rec, struct cg_err *err)
{
	struct cg_journal_reader jr;
	char why[256];
	int st = cg_casebook_read_seq(cb, h, seq, rec, err);

	if (st != -2)
		return st;
	if (cg_journal_reader_open_stream(&jr, h, "quarantine", NULL, err) < 0)
		return -1;
	while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0 && jr.seq < seq)
		;
	if (st > 0 && !(*rec = cg_jsonl_parse(jr.line, jr.len, why, sizeof(why))))
		st = cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%llu: journal damaged: %s"),
				jr.label, (unsigned long long)jr.seq, why);
	cg_journal_reader_release(&jr);
	return st;
}

static int refuse(struct cg_err *err, const char *fmt, const char *a)
{
	return cg_err_set(err, CG_EXIT_REJECTED, fmt, a);
}

/* The check named, still counting, and its case. */
static int named_check(struct cg_quarantine *q, const struct cg_home *h, const char *target,
		       struct cg_rid *rid, json_t **rec, struct cg_case **c, struct cg_err *err)
{
	const char *why;
	int st;

	*rec = NULL;
	if (cg_rid_resolve(target, q->cfg->compound_code, "quarantine", "", rid, &why) < 0)
		return cg_err_set(err, CG_EXIT_REJECTED, _("invalid record id '%s': %s"), target, why);
	if ((st = read_at(q->cb, h, rid->seq, rec, err)) <= 0)
		return st < 0 ? -1 : refuse(err, _("no record '%s' in the quarantine journal"), target);
	if (strcmp(json_string_value(json_object_get(*rec, "event")) ?: "", "check"))
		return refuse(err, _("record '%s' is not a check: only checks are corrected"), target);
	*c = cg_casebook_find(q->cb, json_string_value(json_object_get(*rec, "case_id")) ?: "");
	if (!*c || !cg_case_check_at(*c, rid->seq))
		return refuse(err, _("check '%s' was already voided or amended"), target);
	return 0;
}

/* The correction's fields, in cg-checkin's order; changed is stolen. */
static void correction_fields(json_t *ev, const struct cg_correction_req *req,
			      const char *rid, const json_t *rec, cg_time_t now, json_t *changed)
{
	const json_t *root = json_object_get(rec, "correction_of");

	json_object_set_new(ev, req->amend ? "amends" : "voids", json_string(rid));
	json_object_set_new(ev, "correction_of", root ? json_incref((json_t *)root) : json_string(rid));
	if (changed)
		json_object_set_new(ev, "changed", changed);
	json_object_set_new(ev, "correction_reason", json_string(req->reason));
	json_object_set_new(ev, "corrected_by", json_string(req->by));
	cg_json_set_time(ev, "corrected_at", now);
}

/* The fields of the check that go into the rule again. */
static json_t *check_input(const json_t *rec, const json_t *set)
{
	static const char *const drop[] = {
		"compound", "event", "seq", "chain", "day", "window", "result", "amends",
		"correction_of", "changed", "correction_reason", "corrected_by",
		"corrected_at", NULL
	};
	json_t *in = json_deep_copy(rec);

	for (const char *const *d = drop; *d; d++)
		json_object_del(in, *d);
	cg_correction_apply(in, set);
	return in;
}

/* The amended check's events (the check, and an alert when it raises
 * one), the check marked as the correction. */
static int amend(struct cg_quarantine *q, const struct cg_correction_req *req, const char *rid,
		 const json_t *rec, struct cg_quarantine_result *res, struct cg_err *err)
{
	json_t *in = check_input(rec, req->set), *ev, *was = json_object(), *v;
	const char *key;
	char why[256];
	size_t i;
	int r;

	if (json_object_get(req->set, "case_id") || json_object_get(req->set, "ts")) {
		json_decref(in);
		json_decref(was);
		return refuse(err, _("a check's case and time cannot be corrected: void it (%s) and record the right one"), rid);
	}
	r = cg_quarantine_check(q, in, res, why, sizeof(why));
	json_decref(in);
	if (r) {
		json_decref(was);
		return cg_err_set(err, CG_EXIT_REJECTED, _("the amended record of '%s' is not valid: %s"),
				  req->target, why);
	}
	json_array_foreach(res->events, i, ev) {
		if (strcmp(json_string_value(json_object_get(ev, "event")), "check"))
			continue;
		json_object_foreach((json_t *)req->set, key, v)
			if (!json_equal(json_object_get(rec, key), json_object_get(ev, key)))
				json_object_set_new(was, key, json_object_get(rec, key) ?
						    json_incref(json_object_get(rec, key)) : json_null());
		if (!json_equal(json_object_get(rec, "result"), json_object_get(ev, "result")))
			json_object_set(was, "result", json_object_get(rec, "result"));
		if (!json_object_size(was))
			break;
		correction_fields(ev, req, rid, rec, q->now, was);
		return 0;
	}
	json_decref(was);
	return cg_err_set(err, CG_EXIT_REJECTED, _("the amendment of '%s' changes nothing"), req->target);
}

int cg_quarantine_correct(struct cg_quarantine *q, const struct cg_home *h,
			  const struct cg_correction_req *req, struct cg_loop *lp,
			  struct cg_err *err)
{
	struct cg_quarantine_result res;
	char rid_s[CG_RID_LEN];
	struct cg_rid rid;
	struct cg_case *c = NULL;
	json_t *rec = NULL, *ev;
	size_t i;
	int ret = -1;

	if (named_check(q, h, req->target, &rid, &rec, &c, err) < 0)
		goto out;
	cg_rid_string(&rid, rid_s, sizeof(rid_s));
	cg_quarantine_result_init(&res);
	if (req->amend) {
		/* The rule sees the case without the reading it replaces. */
		cg_case_drop_check(c, rid.seq);
		if (amend(q, req, rid_s, rec, &res, err) < 0)
			goto done;
		/* Corrected, not registered again: registered when the check was. */
		json_array_foreach(res.events, i, ev)
			if (json_object_get(rec, "registered_at"))
				json_object_set(ev, "registered_at", json_object_get(rec, "registered_at"));
			else
				json_object_del(ev, "registered_at");
	} else {
		ev = json_object();
		cg_json_set_time(ev, "ts", q->now);
		json_object_set_new(ev, "compound", json_string(q->cfg->compound_code));
		json_object_set_new(ev, "event", json_string("void"));
		json_object_set(ev, "case_id", json_object_get(rec, "case_id"));
		correction_fields(ev, req, rid_s, rec, q->now, NULL);
		json_array_append_new(res.events, ev);
	}
	ret = 0;
	json_array_foreach(res.events, i, ev)
		if (cg_loop_emit(lp, ev, err) < 0 || cg_casebook_apply(q->cb, ev, err) < 0) {
			ret = -1;
			break;
		}
done:
	cg_quarantine_result_release(&res);
out:
	json_decref(rec);
	return ret;
}
