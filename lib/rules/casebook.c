#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/casebook.h"
#include "rules/caseindex.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/rid.h"
#include "rules/person.h"

const char *cg_case_status_name(enum cg_case_status s)
{
	static const char *const names[] = { "open", "escalated", "released", "closed" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "open";
}

void cg_casebook_init(struct cg_casebook *cb)
{
	memset(cb, 0, sizeof(*cb));
	cb->cases = json_object();
	cb->active = json_object();
	cb->latest = json_object();
	cb->index = json_object();
	cb->serials = json_object();
}

static void case_free(struct cg_case *c)
{
	free(c->checks);
	json_decref(c->needs);
	json_decref(c->events);
	free(c);
}

void cg_casebook_release(struct cg_casebook *cb)
{
	for (size_t i = 0; i < cb->ncases; i++)
		case_free(cb->list[i]);
	free(cb->list);
	json_decref(cb->cases);
	json_decref(cb->active);
	json_decref(cb->latest);
	json_decref(cb->index);
	json_decref(cb->serials);
	json_decref(cb->keep);
	json_decref(cb->cache);
	json_decref(cb->ix_serials);
	if (cb->ix)
		cg_caseindex_close(cb);
	memset(cb, 0, sizeof(*cb));
}

void cg_casebook_forget(struct cg_casebook *cb)
{
	for (size_t i = 0; i < cb->ncases; i++)
		case_free(cb->list[i]);
	cb->ncases = 0;
	json_object_clear(cb->cases);
	json_object_clear(cb->index);
}

void cg_casebook_keep_events(struct cg_casebook *cb, const char *id)
{
	if (!cb->keep)
		cb->keep = json_object();
	json_object_set_new(cb->keep, id, json_true());
}

/* A date, or (leniently, for journals written by hand) a time's local date. */
static int32_t day_of(const json_t *v)
{
	const char *s = json_string_value(v);
	int32_t day;
	cg_time_t t;

	if (s && cg_day_parse(s, &day) == 0)
		return day;
	if (s && cg_time_parse(s, 0, &t) == 0)
		return cg_local_day(t, NULL);
	return CG_CASE_NO_DAY;
}

/* ---- the person indexes ---- */

/*
 * cb->active maps each identity key to the ids of that person's open or
 * escalated cases, oldest first: one normally, but a fold must stay right
 * whatever the journal holds.
 */
static void activate(struct cg_casebook *cb, const char *key, const char *id)
{
	json_t *ids = json_object_get(cb->active, key);

	if (!ids) {
		ids = json_array();
		json_object_set_new(cb->active, key, ids);
	}
	json_array_append_new(ids, json_string(id));
}

static void deactivate(struct cg_casebook *cb, const char *key, const char *id)
{
	json_t *ids = json_object_get(cb->active, key);
	size_t i;
	json_t *v;

	json_array_foreach(ids, i, v)
		if (!strcmp(json_string_value(v), id)) {
			json_array_remove(ids, i);
			break;
		}
	if (ids && !json_array_size(ids))
		json_object_del(cb->active, key);
}

/*
 * The keys a case is active under: its identity keys, and "norm:" and its
 * name as cg_person_name_normalise writes it, for
 * cg_casebook_active_sharing (cg_person_key never makes such a key).
 */
static int active_keys(const json_t *rec, char keys[4][CG_PERSON_KEY_LEN])
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	int n = cg_person_keys(rec, keys);
	char norm[CG_PERSON_NAME_LEN];

	/* A name of spaces alone names nobody. */
	if (name && *cg_person_name_normalise(name, norm))
		snprintf(keys[n++], CG_PERSON_KEY_LEN, "norm:%s", norm);
	return n;
}

static void set_status(struct cg_casebook *cb, struct cg_case *c,
		       enum cg_case_status status)
{
	char keys[4][CG_PERSON_KEY_LEN];

	if (c->status == CG_CASE_RELEASED || c->status == CG_CASE_CLOSED)
		return;		/* ended cases stay ended */
	c->status = status;
	json_object_set_new(c->rec, "status", json_string(cg_case_status_name(status)));
	if (status != CG_CASE_RELEASED && status != CG_CASE_CLOSED)
		return;
	for (int i = active_keys(c->rec, keys) - 1; i >= 0; i--)
		deactivate(cb, keys[i], c->id);
}

/* ---- case ids ---- */

/* The number of an id "QYYMMDD-N...", with its prefix in pre; 0 if none. */
static long serial_of(const char *id, char pre[8])
{
	long n = 0;
	const char *p;

	if (id[0] != 'Q' || strspn(id + 1, "0123456789") != 6 || id[7] != '-')
		return 0;
	p = id + 8;
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 6)
		return 0;
	n = strtol(p, NULL, 10);
	memcpy(pre, id, 7);
	pre[7] = '\0';
	return n;
}

static void note_serial(struct cg_casebook *cb, const char *id)
{
	char pre[8];
	long n = serial_of(id, pre);

	if (n > 0 && n > json_integer_value(json_object_get(cb->serials, pre)))
		json_object_set_new(cb->serials, pre, json_integer(n));
}

void cg_casebook_next_id(const struct cg_casebook *cb, const char *date,
			 char out[CG_CASE_ID_LEN])
{
	char pre[8];
	long n;

	/* "2026-01-25" -> "Q260125" */
	snprintf(pre, sizeof(pre), "Q%.2s%.2s%.2s", date + 2, date + 5, date + 8);
	n = (long)json_integer_value(json_object_get(cb->serials, pre));
	if (cb->lookup) {
		long m = cg_caseindex_serial(cb, pre);

		if (m > n)
			n = m;
	}
	n++;
	snprintf(out, CG_CASE_ID_LEN, "%s-%03ld", pre, n);
}

/* ---- the fold ---- */

/*
 * Add the case whose record is rec (a new reference, stolen): "status"
 * set to "open", the dates read.  With people, also what finds it by
 * person (cb->latest, cb->active) and its serial.
 */
static int add_case(struct cg_casebook *cb, json_t *rec, int people, uint64_t ord)
{
	char keys[4][CG_PERSON_KEY_LEN];
	struct cg_case *c;
	const char *id;
	cg_time_t at;

	if (cb->ncases == cb->alloc) {
		size_t n = cb->alloc ? cb->alloc * 2 : 64;
		struct cg_case **l = realloc(cb->list, n * sizeof(*l));

		if (!l) {
			json_decref(rec);
			return -1;
		}
		cb->list = l;
		cb->alloc = n;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		json_decref(rec);
		return -1;
	}
	json_object_set_new(rec, "status", json_string("open"));
	c->id = json_string_value(json_object_get(rec, "case_id"));
	json_object_set_new(cb->cases, c->id, rec);
	c->rec = rec;
	c->ord = ord;
	c->status = CG_CASE_OPEN;
	c->start_day = day_of(json_object_get(rec, "start"));
	c->end_day = day_of(json_object_get(rec, "end"));
	c->needs = json_array();
	if (cg_time_parse(json_string_value(json_object_get(rec, "ts")), 0, &at) == 0) {
		int minute;

		c->opened_at = at;
		c->opened_day = cg_local_day_memo(&cb->days, at, &minute);
		c->opened_minute = (int16_t)minute;
	} else {
		c->opened_day = CG_CASE_NO_DAY;
	}
	json_object_set_new(cb->index, c->id, json_integer((json_int_t)cb->ncases));
	cb->list[cb->ncases++] = c;
	id = c->id;
	if (people && !cb->ids_only) {
		for (int i = cg_person_keys(rec, keys) - 1; i >= 0; i--)
			json_object_set_new(cb->latest, keys[i], json_string(id));
		for (int i = active_keys(rec, keys) - 1; i >= 0; i--)
			activate(cb, keys[i], id);
		note_serial(cb, id);
	}
	if (cb->keep && json_object_get(cb->keep, id))
		c->events = json_array();
	return 0;
}

static int open_case(struct cg_casebook *cb, const json_t *ev)
{
	/* A shallow copy: the values are shared with the event, never
	 * changed in place, only replaced in the case. */
	json_t *rec = json_copy((json_t *)ev);
	const json_t *seq = json_object_get(ev, "seq");

	if (!rec)
		return -1;
	json_object_del(rec, "seq");
	json_object_del(rec, "chain");
	return add_case(cb, rec, 1, json_is_integer(seq) ? (uint64_t)json_integer_value(seq) :
			CG_CASE_ORD_NEW + cb->ncases);
}

int cg_case_add_check(struct cg_casebook *cb, struct cg_case *c, cg_time_t at,
		      int alert, uint64_t seq)
{
	struct cg_case_check k;
	int minute;
	size_t i;

	k.at = at;
	k.seq = seq;
	k.day = cg_local_day_memo(&cb->days, at, &minute);
	k.minute = (int16_t)minute;
	k.alert = (unsigned char)alert;
	if (c->nchecks == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 32;
		struct cg_case_check *p = realloc(c->checks, n * sizeof(*p));

		if (!p)
			return -1;
		c->checks = p;
		c->alloc = n;
	}
	/* Checks come in time order but for back-fills. */
	for (i = c->nchecks; i > 0 && c->checks[i - 1].at > at; i--)
		;
	memmove(c->checks + i + 1, c->checks + i, (c->nchecks - i) * sizeof(k));
	c->checks[i] = k;
	c->nchecks++;
	c->nalerts += k.alert;
	return 0;
}

const struct cg_case_check *cg_case_check_at(const struct cg_case *c, uint64_t seq)
{
	for (size_t i = 0; seq && i < c->nchecks; i++)
		if (c->checks[i].seq == seq)
			return &c->checks[i];
	return NULL;
}

int cg_case_drop_check(struct cg_case *c, uint64_t seq)
{
	const struct cg_case_check *k = cg_case_check_at(c, seq);
	size_t i;

	if (!k)
		return 0;
	i = (size_t)(k - c->checks);
	c->nalerts -= k->alert;
	memmove(c->checks + i, c->checks + i + 1, (c->nchecks - i - 1) * sizeof(*k));
	c->nchecks--;
	return 1;
}

uint64_t cg_casebook_corrected_seq(const json_t *ev)
{
	const char *s = json_string_value(json_object_get(ev, "voids"));
	struct cg_rid rid;
	const char *why;

	if (!s)
		s = json_string_value(json_object_get(ev, "amends"));
	if (!s || cg_rid_parse(s, &rid, &why) < 0 || strcmp(rid.stream, "quarantine"))
		return 0;
	return rid.seq;
}

static int add_check(struct cg_casebook *cb, struct cg_case *c, const json_t *ev)
{
	const char *result = json_string_value(json_object_get(ev, "result"));
	const json_t *seq = json_object_get(ev, "seq");
	cg_time_t at;

	/* An amendment replaces the check it names. */
	cg_case_drop_check(c, cg_casebook_corrected_seq(ev));
	if (cg_time_parse(json_string_value(json_object_get(ev, "ts")), 0, &at) < 0)
		return 0;	/* not a check the fold can place */
	return cg_case_add_check(cb, c, at, result && !strcmp(result, "alert"),
			  json_is_integer(seq) ? (uint64_t)json_integer_value(seq) : 0);
}

int cg_case_needs_add(json_t *needs, const json_t *ev)
{
	const char *id = json_string_value(json_object_get(ev, "need_id"));
	json_t *n;

	if (!id)
		return 0;
	n = json_copy((json_t *)ev);
	json_object_del(n, "seq");
	json_object_del(n, "chain");
	json_object_del(n, "compound");
	json_object_del(n, "event");
	json_object_del(n, "case_id");
	json_object_set_new(n, "done", json_false());
	json_array_append_new(needs, n);
	return 1;
}

static json_t *need_in(const json_t *needs, const char *need_id)
{
	size_t i;
	json_t *n;

	json_array_foreach(needs, i, n)
		if (!strcmp(json_string_value(json_object_get(n, "need_id")), need_id))
			return n;
	return NULL;
}

int cg_case_needs_done(json_t *needs, const json_t *ev)
{
	const char *id = json_string_value(json_object_get(ev, "need_id"));
	json_t *n = id ? need_in(needs, id) : NULL;

	if (!n || json_is_true(json_object_get(n, "done")))
		return 0;
	json_object_set_new(n, "done", json_true());
	json_object_set(n, "done_at", json_object_get(ev, "ts"));
	return 1;
}

/* Copy ev's field from into the case's record as to, when present. */
static void note(json_t *rec, const char *to, const json_t *ev, const char *from)
{
	json_t *v = json_object_get(ev, from);

	if (v)
		json_object_set(rec, to, v);
}

/* Shared by the fold in memory and the case index. */
enum cg_case_status cg_case_event(json_t *rec, enum cg_case_status st,
				  const char *event, const json_t *ev)
{
	int ended = st == CG_CASE_RELEASED || st == CG_CASE_CLOSED;

	if (!strcmp(event, "escalate")) {
		if (!ended && st != CG_CASE_ESCALATED) {
			note(rec, "escalated_at", ev, "ts");
			note(rec, "escalate_reason", ev, "reason");
		}
		return ended ? st : CG_CASE_ESCALATED;
	}
	if (!strcmp(event, "release")) {
		if (!ended)
			note(rec, "released_at", ev, "ts");
		return ended ? st : CG_CASE_RELEASED;
	}
	if (!strcmp(event, "close")) {
		if (!ended) {
			note(rec, "closed_at", ev, "ts");
			note(rec, "close_reason", ev, "reason");
		}
		return ended ? st : CG_CASE_CLOSED;
	}
	if (!strcmp(event, "extend") && json_object_get(ev, "end")) {
		json_object_set(rec, "end", json_object_get(ev, "end"));
		note(rec, "days", ev, "days");
	}
	return st;
}

int cg_casebook_apply(struct cg_casebook *cb, const json_t *ev, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "case_id"));
	struct cg_case *c;

	(void)err;
	if (!event || !id)
		return 0;
	if (!strcmp(event, "open")) {
		if (json_object_get(cb->cases, id))
			return 0;	/* a case id is opened once */
		if (open_case(cb, ev) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		c = cg_casebook_find(cb, id);
		if (c->events)
			json_array_append(c->events, (json_t *)ev);
		return 0;
	}
	if (!(c = cg_casebook_find(cb, id)))
		return 0;
	if (c->events)
		json_array_append(c->events, (json_t *)ev);
	if (!strcmp(event, "check")) {
		if (add_check(cb, c, ev) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	} else if (!strcmp(event, "need")) {
		c->needs_open += (size_t)cg_case_needs_add(c->needs, ev);
	} else if (!strcmp(event, "need_done")) {
		c->needs_open -= (size_t)cg_case_needs_done(c->needs, ev);
	} else if (!strcmp(event, "void")) {
		cg_case_drop_check(c, cg_casebook_corrected_seq(ev));
	} else {
		enum cg_case_status st = cg_case_event(c->rec, c->status, event, ev);

		if (st != c->status || !strcmp(event, "escalate"))
			set_status(cb, c, st);
		if (!strcmp(event, "extend"))
			c->end_day = day_of(json_object_get(c->rec, "end"));
	}
	return 0;
}

struct cg_case *cg_casebook_add(struct cg_casebook *cb, json_t *rec,
				enum cg_case_status st, json_t *needs)
{
	const char *id = json_string_value(json_object_get(rec, "case_id"));
	struct cg_case *c;
	size_t i;
	json_t *n;

	if (!id || json_object_get(cb->cases, id)) {
		json_decref(rec);
		json_decref(needs);
		return NULL;
	}
	if (add_case(cb, rec, 0, 0) < 0) {
		json_decref(needs);
		return NULL;
	}
	c = cg_casebook_find(cb, id);
	if (st != CG_CASE_OPEN) {
		c->status = st;
		json_object_set_new(c->rec, "status", json_string(cg_case_status_name(st)));
	}
	if (needs) {
		json_decref(c->needs);
		c->needs = needs;
		json_array_foreach(needs, i, n)
			c->needs_open += !json_is_true(json_object_get(n, "done"));
	}
	return c;
}

/* The ord of held case id (0 when not held). */
static uint64_t ord_of(const struct cg_casebook *cb, const char *id)
{
	json_t *pos = json_object_get(cb->index, id);

	return pos ? cb->list[json_integer_value(pos)]->ord : 0;
}

void cg_casebook_hold(struct cg_casebook *cb, struct cg_case *c)
{
	char keys[4][CG_PERSON_KEY_LEN];
	int n;

	for (int i = cg_person_keys(c->rec, keys) - 1; i >= 0; i--) {
		const char *was = json_string_value(json_object_get(cb->latest, keys[i]));

		if (!was || ord_of(cb, was) < c->ord)
			json_object_set_new(cb->latest, keys[i], json_string(c->id));
	}
	if (c->status != CG_CASE_OPEN && c->status != CG_CASE_ESCALATED)
		return;
	n = active_keys(c->rec, keys);
	for (int i = 0; i < n; i++) {
		json_t *ids;
		size_t at;

		activate(cb, keys[i], c->id);	/* last, then moved to its place */
		ids = json_object_get(cb->active, keys[i]);
		for (at = json_array_size(ids) - 1;
		     at > 0 && ord_of(cb, json_string_value(json_array_get(ids, at - 1))) > c->ord;
		     at--)
			;
		if (at != json_array_size(ids) - 1) {
			json_array_insert_new(ids, at, json_string(c->id));
			json_array_remove(ids, json_array_size(ids) - 1);
		}
	}
}

/* At p the text lit, then a string without escapes, copied to out; the
 * position after its closing quote, or NULL. */
static const char *lit_string(const char *p, const char *end, const char *lit,
			      char *out, size_t outlen)
{
	size_t n = strlen(lit);
	const char *q;

	if (!p || (size_t)(end - p) < n || memcmp(p, lit, n))
		return NULL;
	p += n;
	q = memchr(p, '"', (size_t)(end - p));
	if (!q || memchr(p, '\\', (size_t)(q - p)) || (size_t)(q - p) >= outlen)
		return NULL;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return q + 1;
}

#define TAIL_CHAIN ",\"chain\":\""
#define TAIL_LEN (sizeof(TAIL_CHAIN) - 1 + 64 + 2)	/* ,"chain":"HEX"} */

/*
 * A check line as cg-quarantine writes it, read without building JSON
 * (checks are most of a journal, and parsing them was most of a fold):
 *
 *   {"ts":"T","compound":"C","event":"check","case_id":"ID",...,
 *    "result":"ok","seq":N,"chain":"HEX"}
 *
 * where T, C and ID have no escapes.  Every quote in that text is a
 * delimiter (an unescaped quote cannot be inside a string) and the line
 * ends the top-level object, so these are the top-level fields.  0 with
 * the case id, time and result; -1 for any other line, which is parsed.
 */
int cg_casebook_quick_check(const char *line, size_t len, char id[CG_CASE_ID_LEN],
			    cg_time_t *at, int *alert)
{
	const char *end = line + len, *p, *s;
	char ts[CG_TIME_LEN + 16], compound[128];

	p = lit_string(line, end, "{\"ts\":\"", ts, sizeof(ts));
	p = lit_string(p, end, ",\"compound\":\"", compound, sizeof(compound));
	if (!p || (size_t)(end - p) < 16 || memcmp(p, ",\"event\":\"check\"", 16))
		return -1;
	p = lit_string(p + 16, end, ",\"case_id\":\"", id, CG_CASE_ID_LEN);
	if (!p || (size_t)(end - p) < TAIL_LEN)
		return -1;
	s = end - TAIL_LEN;
	if (memcmp(s, TAIL_CHAIN, sizeof(TAIL_CHAIN) - 1) || memcmp(end - 2, "\"}", 2))
		return -1;
	while (s > p && s[-1] >= '0' && s[-1] <= '9')
		s--;
	if (s - p < 7 || memcmp(s - 7, ",\"seq\":", 7))
		return -1;
	s -= 7;
	if (s - p >= 17 && !memcmp(s - 17, ",\"result\":\"alert\"", 17))
		*alert = 1;
	else if (s - p >= 14 && !memcmp(s - 14, ",\"result\":\"ok\"", 14))
		*alert = 0;
	else
		return -1;
	if (cg_time_parse(ts, 0, at) < 0)
		return -1;
	return 0;
}

/* One journal line (verified, not parsed). */
static int fold_line(struct cg_casebook *cb, const struct cg_journal_reader *jr,
		     struct cg_err *err)
{
	char id[CG_CASE_ID_LEN], why[256];
	struct cg_case *c;
	cg_time_t at;
	json_t *rec;
	int alert, st;

	if (cg_casebook_quick_check(jr->line, jr->len, id, &at, &alert) == 0 &&
	    (!cb->keep || !json_object_get(cb->keep, id))) {
		c = cg_casebook_find(cb, id);
		if (c && cg_case_add_check(cb, c, at, alert, jr->seq) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		return 0;
	}
	rec = cg_jsonl_parse(jr->line, jr->len, why, sizeof(why));
	if (!rec)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
				  jr->label, jr->in.lineno, why);
	st = cg_casebook_apply(cb, rec, err);
	json_decref(rec);
	return st;
}

int cg_casebook_refresh(struct cg_casebook *cb, const struct cg_home *h,
			struct cg_err *err)
{
	struct cg_journal_reader jr;
	int st;

	if (cb->ix)
		return cg_caseindex_refresh(cb, err);
	if (cg_journal_reader_open_stream(&jr, h, "quarantine", NULL, err) < 0)
		return -1;
	/* The lines folded already are verified, not read again. */
	while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0) {
		if (jr.seq <= cb->seq)
			continue;
		if ((st = fold_line(cb, &jr, err)) < 0)
			break;
		cb->seq = jr.seq;
	}
	cg_journal_reader_release(&jr);
	return st < 0 ? -1 : 0;
}

int cg_casebook_load(struct cg_casebook *cb, const struct cg_home *h,
		     struct cg_err *err)
{
	return cg_casebook_refresh(cb, h, err);
}

/* ---- lookups ---- */

struct cg_case *cg_casebook_find(const struct cg_casebook *cb, const char *id)
{
	json_t *pos = json_object_get(cb->index, id);

	if (pos)
		return cb->list[json_integer_value(pos)];
	/* A book of cg_casebook_open_lookup reads the case in: what it
	 * holds changes, what it answers does not. */
	return cb->lookup ? cg_caseindex_find((struct cg_casebook *)cb, id) : NULL;
}

json_t *cg_casebook_find_need(const struct cg_casebook *cb, const char *need_id,
			      struct cg_case **cp)
{
	char id[CG_CASE_ID_LEN];
	const char *dash = strrchr(need_id, '-');
	struct cg_case *c;
	size_t len;

	*cp = NULL;
	if (!dash || dash[1] != 'N' || (len = (size_t)(dash - need_id)) >= sizeof(id))
		return NULL;
	memcpy(id, need_id, len);
	id[len] = '\0';
	if (!(c = cg_casebook_find(cb, id)))
		return NULL;
	*cp = c;
	return need_in(c->needs, need_id);
}

const json_t *cg_casebook_active(const struct cg_casebook *cb, const char *key)
{
	const json_t *ids;
	const char *id;

	/* The newest case in the index not held yet is held, then the
	 * book's newest is the answer. */
	if (cb->lookup && cg_caseindex_newest((struct cg_casebook *)cb, key, 1) < 0)
		return NULL;
	if (cb->ix && !cb->lookup)
		return cg_caseindex_active(cb, key);
	ids = json_object_get(cb->active, key);
	id = json_string_value(json_array_get(ids, json_array_size(ids) - 1));
	return id ? json_object_get(cb->cases, id) : NULL;
}

const json_t *cg_casebook_active_for(const struct cg_casebook *cb, const json_t *person)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(person, keys);

	if (cb->ix && !cb->lookup)
		return cg_caseindex_active_for(cb, person);
	for (int i = 0; i < n; i++) {
		const json_t *c = cg_casebook_active(cb, keys[i]);

		if (c && cg_person_same(c, person))
			return c;
	}
	return NULL;
}

int cg_casebook_any_active(const struct cg_casebook *cb)
{
	if (cb->ix)
		return cg_caseindex_any_active(cb);
	for (size_t i = 0; i < cb->ncases; i++)
		if (cb->list[i]->status == CG_CASE_OPEN || cb->list[i]->status == CG_CASE_ESCALATED)
			return 1;
	return 0;
}

/* Add the ids under key in cb->active to ids (n so far, at most max). */
static size_t add_ids(const struct cg_casebook *cb, const char *key, size_t *pos,
		      size_t n, size_t max)
{
	size_t i, k;
	json_t *v;

	json_array_foreach(json_object_get(cb->active, key), i, v) {
		size_t p = (size_t)json_integer_value(json_object_get(cb->index, json_string_value(v)));

		for (k = 0; k < n && pos[k] != p; k++)
			;
		if (k == n && n < max)
			pos[n++] = p;
	}
	return n;
}

static int by_position(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t cg_casebook_active_sharing(const struct cg_casebook *cb, const json_t *person,
				  const json_t **out, size_t max)
{
	static const char *const fields[] = { "id_no", "phone", "name" };
	size_t pos[CG_CASES_SHARING_MAX], n = 0;

	if (cb->ix)
		return cg_caseindex_active_sharing(cb, person, out, max);
	if (!json_object_size(cb->active))
		return 0;
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		const char *v = json_string_value(json_object_get(person, fields[f]));
		char key[CG_PERSON_KEY_LEN], norm[CG_PERSON_NAME_LEN];

		if (!v)
			continue;
		if (f == 0)
			cg_person_key_join(key, "id:", v, NULL);
		else if (f == 1)
			cg_person_key_join(key, "phone:", v, NULL);
		else if (*cg_person_name_normalise(v, norm))
			cg_person_key_join(key, "norm:", norm, NULL);
		else
			continue;
		n = add_ids(cb, key, pos, n, CG_CASES_SHARING_MAX);
	}
	qsort(pos, n, sizeof(pos[0]), by_position);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = cb->list[pos[i]]->rec;
	return n;
}

struct cg_case *cg_casebook_latest_for(const struct cg_casebook *cb,
				       const json_t *person)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(person, keys);

	for (int i = 0; i < n; i++) {
		const char *id;
		struct cg_case *c;

		if (cb->lookup && cg_caseindex_newest((struct cg_casebook *)cb, keys[i], 0) < 0)
			return NULL;
		id = json_string_value(json_object_get(cb->latest, keys[i]));
		c = id ? cg_casebook_find(cb, id) : NULL;

		if (c && cg_person_same(c->rec, person))
			return c;
	}
	return NULL;
}

int cg_casebook_released_for(const struct cg_casebook *cb, const json_t *person)
{
	char a[3][CG_PERSON_KEY_LEN], b[3][CG_PERSON_KEY_LEN];
	int nb = cg_person_keys(person, b);
	const char *id;
	json_t *cs;

	if (cb->ix)
		return cg_caseindex_released_for(cb, person);
	json_object_foreach(cb->cases, id, cs) {
		int na;

		if (strcmp(json_string_value(json_object_get(cs, "status")) ?: "", "released"))
			continue;
		na = cg_person_keys(cs, a);
		for (int i = 0; i < na; i++)
			for (int k = 0; k < nb; k++)
				if (!strcmp(a[i], b[k]) && cg_person_same(cs, person))
					return 1;
	}
	return 0;
}
