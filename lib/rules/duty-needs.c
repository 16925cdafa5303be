/*
 * The service requests (cg-quarantine need: supplies, garbage, ...) of
 * households under observation, from the duty side: the open ones in
 * cg-duty due, and their delivery by cg-duty done.  The need lives in the
 * quarantine journal: a delivery journals its need_done event there
 * (through the quarantine rules, as cg-quarantine need would) and then a
 * done event of the task "need" in the duty journal.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "rules/duty.h"
#include "rules/quarantine.h"

void cg_duty_needs_init(struct cg_duty_needs *n, const struct cg_home *h, int journaling)
{
	memset(n, 0, sizeof(*n));
	n->home = h;
	n->journaling = journaling;
	n->lockfd = -1;
	cg_casebook_init(&n->cases);
}

int cg_duty_needs_load(struct cg_duty_needs *n, struct cg_err *err)
{
	if (n->loaded)
		return 0;
	/* The need checked must stay open until its need_done is journaled:
	 * take turns with cg-quarantine's writers, and read after the lock. */
	if (n->journaling &&
	    (n->lockfd = cg_quarantine_lock(n->home, &CG_NOTIFIER_STDERR, err)) < 0)
		return -1;
	if (cg_casebook_load_active(&n->cases, n->home, err) < 0)
		return -1;
	if (n->journaling && cg_journal_open(&n->journal, n->home, "quarantine", err) < 0)
		return -1;
	n->loaded = 1 + n->journaling;
	return 0;
}

void cg_duty_needs_release(struct cg_duty_needs *n)
{
	if (n->loaded > 1)
		cg_journal_release(&n->journal);
	if (n->lockfd >= 0)
		close(n->lockfd);
	json_decref(n->pending);
	cg_casebook_release(&n->cases);
	memset(n, 0, sizeof(*n));
	n->lockfd = -1;
}

/* ---- due ---- */

static json_t *need_record(const struct cg_dutywork *w, const struct cg_case *c,
			   const json_t *need, int32_t today)
{
	const char *household = json_string_value(json_object_get(c->rec, "household"));
	const json_t *ts = json_object_get(need, "ts");
	cg_time_t asked = w->now;
	json_t *rec = json_object();
	int missed;

	cg_time_parse(json_string_value(ts) ? json_string_value(ts) : "", 0, &asked);
	missed = cg_local_day(asked, NULL) < today;
	cg_json_set_day(rec, "date", today);
	json_object_set_new(rec, "task", json_string("need"));
	json_object_set_new(rec, "place", json_string(household ? household : c->id));
	json_object_set(rec, "need_id", json_object_get(need, "need_id"));
	json_object_set(rec, "need", json_object_get(need, "need"));
	json_object_set_new(rec, "case_id", json_string(c->id));
	if (ts)
		json_object_set(rec, "asked", (json_t *)ts);
	json_object_set_new(rec, "open_min",
			    json_integer(asked < w->now ? (json_int_t)((w->now - asked) / 60) : 0));
	json_object_set_new(rec, "status", json_string(missed ? "missed" : "due"));
	json_object_set_new(rec, "severity", json_string(missed ? "warning" : "notice"));
	return rec;
}

long cg_duty_needs_due(const struct cg_dutywork *w, struct cg_loop *lp, struct cg_err *err)
{
	const struct cg_casebook *cb = &w->needs->cases;
	int32_t today = cg_local_day(w->now, NULL);
	long n = 0;

	for (size_t i = 0; i < cb->ncases; i++) {
		const struct cg_case *c = cb->list[i];
		const json_t *need;
		size_t k;

		if (c->status != CG_CASE_OPEN && c->status != CG_CASE_ESCALATED)
			continue;
		json_array_foreach(c->needs, k, need) {
			json_t *rec;
			int ret;

			if (json_is_true(json_object_get(need, "done")))
				continue;
			rec = need_record(w, c, need, today);
			ret = w->text ? cg_duty_due_text(lp, rec, err) : cg_loop_print(lp, rec, err);
			json_decref(rec);
			if (ret < 0)
				return -1;
			n++;
		}
	}
	return n;
}

/* ---- delivery ---- */

/* Fields of a delivery the duty event does not take from the input. */
static const char *const need_skip[] = { "done", "task", "place", NULL };

int cg_duty_need_rule(struct cg_dutywork *w, const json_t *rec, cg_time_t at,
		      json_t *events, char *why, size_t whylen)
{
	const char *need_id = json_string_value(json_object_get(rec, "need_id"));
	struct cg_quarantine_result res;
	struct cg_quarantine q;
	const json_t *need, *household;
	struct cg_case *c;
	const char *key;
	json_t *qrec, *ev, *v;
	int r;

	if (!w->needs || !w->needs->loaded || !need_id || !*need_id) {
		snprintf(why, whylen, _("'%s' must be a non-empty string"), "need_id");
		return 1;
	}
	for (const char *const *k = need_skip + 1; *k; k++)
		if (json_object_get(rec, *k)) {
			snprintf(why, whylen, _("'need_id' delivers a need: no '%s'"), *k);
			return 1;
		}
	/* The quarantine rule decides: an unknown need, or one done. */
	qrec = json_deep_copy(rec);
	json_object_set_new(qrec, "done", json_true());
	cg_json_set_time(qrec, "ts", at);
	cg_quarantine_init(&q, w->cfg, &w->needs->cases, w->now);
	cg_quarantine_result_init(&res);
	r = cg_quarantine_need(&q, qrec, &res, why, whylen);
	json_decref(qrec);
	if (r || !(need = cg_casebook_find_need(&w->needs->cases, need_id, &c))) {
		cg_quarantine_result_release(&res);
		return r ? r : 1;
	}
	household = json_object_get(c->rec, "household");
	ev = json_object();
	cg_json_set_time(ev, "ts", at);
	json_object_set_new(ev, "compound", json_string(w->cfg->compound_code));
	json_object_set_new(ev, "event", json_string("done"));
	json_object_set_new(ev, "task", json_string("need"));
	json_object_set(ev, "place", json_is_string(household) ? (json_t *)household :
			json_object_get(c->rec, "case_id"));
	json_object_set_new(ev, "need_id", json_string(need_id));
	json_object_set(ev, "need", json_object_get(need, "need"));
	json_object_foreach((json_t *)rec, key, v)
		if (!json_object_get(ev, key) && strcmp(key, "done") && strcmp(key, "seq") &&
		    strcmp(key, "chain") && strcmp(key, "severity") && strcmp(key, "reason") &&
		    strcmp(key, "case_id"))
			json_object_set(ev, key, v);
	json_array_append_new(events, ev);
	json_decref(w->needs->pending);
	w->needs->pending = json_incref(json_array_get(res.events, 0));
	cg_quarantine_result_release(&res);
	return 0;
}

int cg_duty_needs_commit(struct cg_duty_needs *n, struct cg_err *err)
{
	json_t *ev = n->pending;
	int ret = 0;

	if (!ev)
		return 0;
	n->pending = NULL;
	if (n->loaded > 1 && (cg_journal_add(&n->journal, ev, err) < 0 ||
			      cg_journal_commit(&n->journal, err) < 0))
		ret = -1;
	/* Folded in also on a dry run: the same need twice is refused. */
	if (ret == 0)
		ret = cg_casebook_apply(&n->cases, ev, err);
	json_decref(ev);
	return ret;
}
