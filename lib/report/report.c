/*
 * The daily report: counters fed record by record (check-in decisions,
 * pass and case events), then one JSON object.  See report.h, and
 * cg-report(1) for what every figure means.  This file makes and frees
 * a report and takes its lines; the files beside it keep one concern
 * each (report-counters.h lists them).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "rules/correction.h"
#include "report/report-counters.h"

static const char *const case_events[] = {
	"open", "check", "escalate", "alert", "release", "close", "extend",
	"need", "need_done", "void", NULL
};

/* ---- setting up ---- */

#define HUGE_PAGE (2u << 20)

/*
 * The memo of person fields, zeroed: an anonymous mapping, whose pages
 * are given as they are touched (a small report pays little for the
 * memo's eight megabytes), on a 2 MiB boundary and asked for as huge
 * pages: the memo is looked up four times a record at random places, and
 * on 4 KiB pages nearly every lookup also missed the TLB.  *mem and
 * *size are what to unmap.
 */
static struct known *known_new(void **mem, size_t *size)
{
	size_t want = (size_t)CG_REPORT_KNOWN * sizeof(struct known);
	uintptr_t at;
	void *p;

	*size = want + HUGE_PAGE;
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*mem = p;
	at = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
#ifdef MADV_HUGEPAGE
	madvise((void *)at, want, MADV_HUGEPAGE);	/* a hint: no error */
#endif
	return (struct known *)at;
}

struct cg_report *cg_report_new(const struct cg_report_opts *o)
{
	struct cg_report *r = calloc(1, sizeof(*r));
	size_t i;
	json_t *g;

	if (!r)
		return NULL;
	if (!(r->known = known_new(&r->known_mem, &r->known_size))) {
		free(r);
		return NULL;
	}
	r->o = *o;
	r->cfg = o->cfg;
	r->code_len = strlen(r->cfg->compound_code);
	cg_report_keys_init(&r->keys);
	cg_scan_order_init(&r->order, &r->keys);
	r->fixed = o->since != CG_REPORT_NO_DAY;
	r->since = o->since;
	r->until = o->until;
	r->journal_day = CG_REPORT_NO_DAY;
	r->span_names = json_array();
	r->stray_list = json_array();
	if (r->fixed) {
		r->period_start = cg_report_day_start(r->since);
		r->period_end = cg_report_day_start(r->until + 1);
	}
	r->fevers = json_array();
	r->denials = json_array();
	r->overstays = json_array();
	r->issued = json_object();
	r->journals = json_array();
	r->warnings = json_array();
	r->corrections = json_array();
	r->fever_alerts = json_array();
	r->inside = json_array();
	r->alert_cases = json_array();
	r->escalated_cases = json_array();
	r->exit_overdue = json_array();
	r->late = json_array();
	r->sweep_at = 16384;
	cg_casebook_init(&r->cases);
	r->cases.ids_only = 1;	/* looked up by case_id only */
	r->passes.classes = json_array();
	/* The configured gates come first, in their order, events or not. */
	json_array_foreach(r->cfg->gates, i, g) {
		const char *s = json_string_value(g);

		if (s && strlen(s) < CG_REPORT_GATE_LEN)
			cg_report_gate_new(r, s, strlen(s));
	}
	return r;
}

void cg_report_free(struct cg_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ngates; i++) {
		for (size_t d = 0; d < r->gates[i]->ndays; d++)
			free(r->gates[i]->days[d]);
		free(r->gates[i]->days);
		free(r->gates[i]);
	}
	json_decref(r->fevers);
	json_decref(r->denials);
	json_decref(r->overstays);
	json_decref(r->issued);
	json_decref(r->journals);
	json_decref(r->warnings);
	json_decref(r->corrections);
	json_decref(r->fever_alerts);
	json_decref(r->inside);
	json_decref(r->alert_cases);
	json_decref(r->escalated_cases);
	json_decref(r->exit_overdue);
	json_decref(r->late);
	json_decref(r->span_names);
	json_decref(r->stray_list);
	free(r->days);
	free(r->exits);
	free(r->fever_set);
	free(r->visits);
	free(r->map_key);
	free(r->map_val);
	if (r->known_mem)
		munmap(r->known_mem, r->known_size);
	cg_casebook_release(&r->cases);
	cg_report_passes_release(&r->passes);
	cg_report_duty_free(r);
	free(r);
}

/* ---- one check-in ---- */

/* 1 when day is in the period; a period not given takes it in (and is
 * found at the end, cg_report_span_period): -1 when out of memory. */
static int in_period(struct cg_report *r, int32_t day)
{
	if (r->fixed)
		return day >= r->since && day <= r->until;
	return cg_report_span_add(r, day) < 0 ? -1 : 1;
}

/* A resident or tenant, with the household exit quota on. */
static int quota_person(const struct cg_report *r, const struct checkin *c)
{
	return r->cfg->policy.exit_quota_persons > 0 && (c->kind == 0 || c->kind == 1);
}

/*
 * Whether a record's compound is the configured one, as its first 63
 * bytes (cut at a whole character) compare as a string with it: the
 * usual value is compared as it is, without a copy.
 */
static int own_compound(const struct cg_report *r, const struct field *f)
{
	char code[64];

	if (f->len < sizeof(code) && !memchr(f->p, '\0', f->len))
		return f->len == r->code_len && cg_scan_same(f->p, r->cfg->compound_code, f->len);
	return !strcmp(cg_report_copy_str(f, code, sizeof(code)), r->cfg->compound_code);
}

static int count_checkin(struct cg_report *r, const struct checkin *c, struct cg_err *err)
{
	int32_t day;
	int sec;

	cg_report_local_of(&r->lt, c->at, &day, &sec);
	switch (in_period(r, day)) {
	case -1:
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	case 0:
		r->outside++;
		cg_report_stray_checkin(r, day);
		return 0;
	}
	r->checkins++;
	r->events++;
	if (c->at > r->watermark)
		r->watermark = c->at;
	if (cg_report_count_traffic(r, c, day, sec, err) < 0)
		return -1;
	cg_report_duty_checkin(r, c);
	if (c->compound && !own_compound(r, c->compound)) {
		if (!r->foreign++) {
			char code[64];

			cg_report_copy_str(c->compound, code, sizeof(code));
			snprintf(r->foreign_code, sizeof(r->foreign_code), "%s", code);
		}
	}
	if (cg_report_count_fevers(r, c, day) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	if (c->has_registered)
		cg_report_count_late(r, c, day);
	if (c->kind == KIND_VISITOR && cg_report_count_visitor(r, c, (int)r->last_gate) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	if (quota_person(r, c) && cg_report_count_exit(r, c) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	return 0;
}

int cg_report_carry_exit(struct cg_report *r, const char *line, size_t len)
{
	cg_time_t reach = (cg_time_t)r->cfg->policy.exit_quota_hours * 3600;
	char why[256];
	struct checkin c;
	struct view v;
	json_t *rec;
	int ret = 0;

	if (!r->fixed || !(rec = cg_jsonl_parse(line, len, why, sizeof(why))))
		return 0;
	cg_report_slow_view(&v, rec);
	if (json_object_get(rec, "decision") && !cg_report_check_checkin(r, &v, &c, why, sizeof(why)) &&
	    !c.in && quota_person(r, &c) && c.at < r->period_start && c.at + reach >= r->period_start)
		ret = cg_report_count_exit(r, &c);
	json_decref(rec);
	return ret;
}

/* ---- pass and case events ---- */

int cg_report_string_of(const json_t *rec, const char *key, const char **out,
			char *why, size_t whylen)
{
	const json_t *v = json_object_get(rec, key);

	*out = NULL;
	if (!v)
		return cg_report_bad(why, whylen, _("missing field '%s'"), key);
	if (!json_is_string(v))
		return cg_report_bad(why, whylen, _("'%s' must be a string"), key);
	if (!json_string_length(v))
		return cg_report_bad(why, whylen, _("'%s' must not be empty"), key);
	*out = json_string_value(v);
	return 0;
}

int cg_report_event_time(struct cg_report *r, const json_t *rec, cg_time_t *at,
			 int32_t *day, char *why, size_t whylen)
{
	const char *ts;
	int sec;

	if (cg_report_string_of(rec, "ts", &ts, why, whylen))
		return 1;
	if (cg_time_parse(ts, 0, at) < 0) {
		char show[80];
		struct field f = { CG_SCAN_STRING, ts, strlen(ts) };

		snprintf(why, whylen, _("'%s' is not an RFC 3339 time: '%s'"), "ts",
			 cg_report_shown(&f, show, sizeof(show)));
		return 1;
	}
	cg_report_local_of(&r->lt, *at, day, &sec);
	return 0;
}

/* Where an event stands: -1 after the period (ignored), 0 before it
 * (state only), 1 in it. */
int cg_report_event_place(struct cg_report *r, int32_t day)
{
	if (!r->fixed) {
		/* Out of memory, the day is not seen: the period may
		 * leave it out, and the event is counted all the same. */
		in_period(r, day);
		return 1;
	}
	if (day > r->until)
		return -1;
	return day >= r->since;
}

static int other_record(struct cg_report *r, const json_t *rec, char *why,
			size_t whylen, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(rec, "event"));

	if (event && json_object_get(rec, "pass_id") &&
	    (!strcmp(event, "issue") || !strcmp(event, "revoke")))
		return cg_report_pass_event(r, rec, event, why, whylen, err);
	if (event && cg_report_is_duty_event(event, rec))
		return cg_report_duty_event(r, rec, why, whylen, err);
	if (event && json_object_get(rec, "case_id"))
		for (int i = 0; case_events[i]; i++)
			if (!strcmp(event, case_events[i]))
				return cg_report_case_event(r, rec, event, why, whylen, err);
	r->unknown++;
	return 0;
}

int cg_report_line(struct cg_report *r, const char *line, size_t len,
		   char *why, size_t whylen, struct cg_err *err)
{
	struct checkin c;
	struct view v;
	const struct cg_scan_val *vals = v.vals;	/* scanned into the view */
	json_t *rec;
	int ret;
	int scanned = r->o.fast &&
		      cg_scan_line_chained(&r->keys, &r->order, K_CHAIN, line, len, v.vals);

	/* A correction is not an event: the reader applies it to the
	 * record it names.  A scanned line tells without a search. */
	if ((scanned ? cg_correction_maybe_scanned(line, len, &vals[K_CORRECTED_AT]) :
		       cg_correction_maybe(line, len)) &&
	    (ret = cg_report_correction_line(r, line, len, why, whylen)) != 2)
		return ret;
	if (scanned) {
		if (vals[K_DECISION].type != CG_SCAN_ABSENT) {
			cg_report_fast_view(&v, vals);
			goto checkin;
		}
		if (vals[K_EVENT].type == CG_SCAN_ABSENT) {
			r->unknown++;
			return 0;
		}
	}
	if (!(rec = cg_jsonl_parse(line, len, why, whylen))) {
		r->rejected++;
		return 1;
	}
	if (!json_object_get(rec, "decision")) {
		ret = other_record(r, rec, why, whylen, err);
		json_decref(rec);
		if (ret == 1)
			r->rejected++;
		return ret;
	}
	cg_report_slow_view(&v, rec);
	ret = cg_report_check_checkin(r, &v, &c, why, whylen);
	if (ret == 0)
		ret = count_checkin(r, &c, err) < 0 ? -1 : 0;
	json_decref(rec);
	if (ret == 1)
		r->rejected++;
	return ret;
checkin:
	if (cg_report_check_checkin(r, &v, &c, why, whylen)) {
		r->rejected++;
		return 1;
	}
	return count_checkin(r, &c, err) < 0 ? -1 : 0;
}

void cg_report_rejected(struct cg_report *r)
{
	r->rejected++;
}

void cg_report_counts(const struct cg_report *r, struct cg_report_counts *c)
{
	c->checkins = r->checkins;
	c->passes = r->pass_events;
	c->cases = r->case_events;
	c->unknown = r->unknown;
	c->outside = r->outside;
	c->rejected = r->rejected;
}
