/*
 * Contact tracing over the check-in register: see trace.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "json/jsonl.h"
#include "json/scan.h"
#include "rules/person.h"
#include "rules/trace.h"
#include "store/journal.h"
#include "store/lookthrough.h"
#include "store/rid.h"

#define NONE UINT32_MAX

/* The most reasons one contact lists; the rest are counted in "more". */
#define WHY_MAX 32

enum kind { K_OTHER, K_STAFF, K_COURIER, K_VISITOR };

struct person {
	char *name, *id_no, *phone, *household;	/* owned; NULL absent */
	uint32_t hh;		/* household number, NONE */
};

struct event {
	cg_time_t at;
	uint32_t person;
	uint32_t host;		/* household a visitor named, NONE */
	uint16_t gate;
	uint8_t kind;
};

/*
 * A table of strings (person keys, households, gates): each string once,
 * numbered in the order added, with a value; open addressing on FNV-1a.
 * Millions of lookups of short keys: a JSON object costs several times
 * the time and the memory.
 */
struct strtab {
	char *arena;		/* the strings, NUL-terminated; owned */
	size_t used, arena_alloc;
	uint32_t *off;		/* number -> offset in arena; owned */
	uint32_t *vals;		/* number -> value; owned */
	uint32_t *hashes;	/* number -> its hash, low bits; owned */
	size_t n, alloc;
	uint32_t *slots;	/* 0 empty, else number + 1; owned */
	size_t nslots;		/* a power of two, at most half full */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

static const char *strtab_name(const struct strtab *t, uint32_t n)
{
	return t->arena + t->off[n];
}

/* The slot of s (hash h): where it is, or the empty one where it would
 * go. */
static size_t strtab_slot(const struct strtab *t, const char *s, uint64_t h)
{
	size_t i = (size_t)(h >> 20) & (t->nslots - 1);

	while (t->slots[i] && (t->hashes[t->slots[i] - 1] != (uint32_t)h ||
			       strcmp(strtab_name(t, t->slots[i] - 1), s)))
		i = (i + 1) & (t->nslots - 1);
	return i;
}

/* The number of s, or NONE. */
static uint32_t strtab_find(const struct strtab *t, const char *s)
{
	return t->nslots && s ? t->slots[strtab_slot(t, s, fnv1a(s))] - 1 : NONE;
}

static uint32_t strtab_get(const struct strtab *t, const char *s)
{
	uint32_t n = strtab_find(t, s);

	return n == NONE ? NONE : t->vals[n];
}

static void strtab_grow(struct strtab *t)
{
	size_t old = t->nslots;
	uint32_t *slots = t->slots;

	t->nslots = old ? 2 * old : 1024;
	if (!(t->slots = calloc(t->nslots, sizeof(*t->slots))))
		abort();
	for (size_t i = 0; i < old; i++)
		if (slots[i]) {
			const char *name = strtab_name(t, slots[i] - 1);

			t->slots[strtab_slot(t, name, fnv1a(name))] = slots[i];
		}
	free(slots);
}

/* Add s with val when it is new; its number either way. */
static uint32_t strtab_put(struct strtab *t, const char *s, uint32_t val)
{
	size_t len = strlen(s) + 1, i;
	uint64_t h = fnv1a(s);

	if (2 * (t->n + 1) > t->nslots)
		strtab_grow(t);
	i = strtab_slot(t, s, h);
	if (t->slots[i])
		return t->slots[i] - 1;
	while (t->used + len > t->arena_alloc) {
		t->arena_alloc = t->arena_alloc ? 2 * t->arena_alloc : 65536;
		if (!(t->arena = realloc(t->arena, t->arena_alloc)))
			abort();
	}
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 1024;
		if (!(t->off = realloc(t->off, t->alloc * sizeof(*t->off))) ||
		    !(t->vals = realloc(t->vals, t->alloc * sizeof(*t->vals))) ||
		    !(t->hashes = realloc(t->hashes, t->alloc * sizeof(*t->hashes))))
			abort();
	}
	memcpy(t->arena + t->used, s, len);
	t->off[t->n] = (uint32_t)t->used;
	t->vals[t->n] = val;
	t->hashes[t->n] = (uint32_t)h;
	t->used += len;
	t->slots[i] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

/* The number of s, added when new (its value is its number). */
static uint32_t strtab_intern(struct strtab *t, const char *s)
{
	return strtab_put(t, s, (uint32_t)t->n);
}

static void strtab_release(struct strtab *t)
{
	free(t->arena);
	free(t->off);
	free(t->vals);
	free(t->hashes);
	free(t->slots);
}

struct cg_trace_register {
	struct person *persons;
	size_t npersons, palloc;
	struct event *events;
	size_t nevents, ealloc;
	struct strtab keys;	/* person key -> person number */
	struct strtab hhs;	/* households, numbered */
	struct strtab gates;	/* gates, numbered */
	/* Built by finish(): events sorted by gate and time; per gate, per
	 * person and per host household the positions of theirs. */
	uint32_t *gate_off;
	uint32_t *person_off, *person_ev;
	uint32_t *member_off, *member;
	uint32_t *host_off, *host_ev;
};

struct cg_trace_index {
	json_t *who;		/* the person as printed in "index"; owned */
	char label[CG_PERSON_KEY_LEN];	/* case id or person key */
	uint32_t persons[3];	/* the register's persons that are this one */
	int npersons;
	uint32_t hh;		/* the household, NONE */
	int depth;
	cg_time_t after;	/* depth 2: what happened before does not count */
};

struct cg_trace_contact {
	unsigned char rank, depth, excluded;
	unsigned char code;	/* of the strongest reason */
	int minutes;		/* fewest minutes apart at a gate */
	cg_time_t first;	/* first exposure */
	cg_time_t last;		/* last exposure at a gate or visit, 0 none */
	unsigned char household;	/* lives with an index person */
	size_t index;		/* the index of the strongest reason */
	unsigned long more;	/* reasons past WHY_MAX */
	struct why *why;	/* nwhy of why_alloc used; owned */
	unsigned nwhy, why_alloc;
};

const char *cg_trace_why_code(enum cg_trace_why w)
{
	switch (w) {
	case CG_TRACE_HOUSEHOLD: return "same_household";
	case CG_TRACE_VISITOR: return "hosted_visitor";
	case CG_TRACE_GATE: return "same_gate_window";
	case CG_TRACE_HOST: return "visited_by_index";
	}
	return "";
}

int cg_trace_why_rank(enum cg_trace_why w)
{
	return w == CG_TRACE_HOST ? CG_TRACE_VISITOR : (int)w;
}

void cg_trace_init(struct cg_trace *t, const struct cg_config *cfg,
		   const struct cg_casebook *cb, int32_t since, int32_t until)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->cb = cb;
	t->since = since;
	t->until = until;
	t->window_min = cfg->trace.window_min;
	t->households = cfg->trace.households;
	t->staff = cfg->trace.staff;
	t->couriers = cfg->trace.couriers;
	t->depth = 1;
	t->reg = calloc(1, sizeof(*t->reg));
	if (!t->reg)
		abort();
	cg_corrections_init(&t->fix);
}

static void register_free(struct cg_trace_register *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->npersons; i++) {
		free(r->persons[i].name);
		free(r->persons[i].id_no);
		free(r->persons[i].phone);
		free(r->persons[i].household);
	}
	free(r->persons);
	free(r->events);
	strtab_release(&r->keys);
	strtab_release(&r->hhs);
	strtab_release(&r->gates);
	free(r->gate_off);
	free(r->person_off);
	free(r->person_ev);
	free(r->member_off);
	free(r->member);
	free(r->host_off);
	free(r->host_ev);
	free(r);
}

void cg_trace_release(struct cg_trace *t)
{
	for (size_t i = 0; t->contacts && t->reg && i < t->reg->npersons; i++)
		free(t->contacts[i].why);
	register_free(t->reg);
	cg_corrections_release(&t->fix);
	for (size_t i = 0; i < t->nindex; i++)
		json_decref(t->index[i].who);
	free(t->index);
	free(t->contacts);
	memset(t, 0, sizeof(*t));
}

static void *grow(void *p, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return p;
	*alloc = *alloc ? *alloc * 2 : 1024;
	if (*alloc < need)
		*alloc = need;
	if (!(p = realloc(p, *alloc * size)))
		abort();
	return p;
}

/* ---- reading the register ---- */

/* The fields of a gate event that tracing reads, NUL-terminated. */
struct fields {
	char ts[64], gate[64], kind[16], name[CG_PERSON_NAME_LEN];
	char id_no[32], phone[32], household[64], host[64];
};

enum { F_TS, F_GATE, F_KIND, F_NAME, F_ID_NO, F_PHONE, F_HOUSEHOLD, F_HOST, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"ts", "gate", "kind", "name", "id_no", "phone", "household", "host"
};

static char *field_buf(struct fields *f, int i, size_t *size)
{
	char *bufs[F_COUNT] = { f->ts, f->gate, f->kind, f->name, f->id_no,
				f->phone, f->household, f->host };
	size_t sizes[F_COUNT] = { sizeof(f->ts), sizeof(f->gate), sizeof(f->kind),
				  sizeof(f->name), sizeof(f->id_no), sizeof(f->phone),
				  sizeof(f->household), sizeof(f->host) };

	*size = sizes[i];
	return bufs[i];
}

/* Copy a string value; one too long for its field reads as absent. */
static void set_field(struct fields *f, int i, const char *s, size_t len)
{
	size_t size;
	char *buf = field_buf(f, i, &size);

	if (len >= size || !s)
		len = 0;
	if (len)
		memcpy(buf, s, len);
	buf[len] = '\0';
}

/* Fill f from a journal line: the fast scan, else the strict parser.
 * 0, or -1 when the line is not an object (a damaged-free journal's lines
 * are, so this is only a safety). */
static int read_fields(const struct cg_scan_keys *k, const char *line, size_t len,
		       struct fields *f)
{
	struct cg_scan_val v[F_COUNT];
	char reason[128];
	json_t *rec;

	if (cg_scan_line(k, line, len, v)) {
		for (int i = 0; i < F_COUNT; i++)
			set_field(f, i, v[i].p, v[i].type == CG_SCAN_STRING ? v[i].len : 0);
		return 0;
	}
	if (!(rec = cg_jsonl_parse(line, len, reason, sizeof(reason))))
		return -1;
	for (int i = 0; i < F_COUNT; i++) {
		const json_t *s = json_object_get(rec, field_names[i]);

		set_field(f, i, json_is_string(s) ? json_string_value(s) : "",
			  json_is_string(s) ? json_string_length(s) : 0);
	}
	json_decref(rec);
	return 0;
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (!*s)
		return NULL;
	if (!(d = strdup(s)))
		abort();
	return d;
}

/* Fill the fields p lacks from f. */
static void complete(struct cg_trace_register *r, struct person *p, const struct fields *f)
{
	if (!p->name)
		p->name = dup_or_null(f->name);
	if (!p->id_no)
		p->id_no = dup_or_null(f->id_no);
	if (!p->phone)
		p->phone = dup_or_null(f->phone);
	if (!p->household && (p->household = dup_or_null(f->household)))
		p->hh = strtab_intern(&r->hhs, p->household);
}

/*
 * The person of a gate event: the first person found under one of its
 * keys (strongest first) who does not carry another ID number; else a new
 * one.  Its keys not yet taken point to it.  NONE when it names nobody.
 */
static uint32_t person_of(struct cg_trace_register *r, const struct fields *f)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys_of(*f->id_no ? f->id_no : NULL, *f->phone ? f->phone : NULL,
				  *f->name ? f->name : NULL,
				  *f->household ? f->household : NULL, keys);
	uint32_t p = NONE;
	int found = -1;

	if (!n)
		return NONE;
	for (int i = 0; i < n && p == NONE; i++) {
		uint32_t q = strtab_get(&r->keys, keys[i]);

		if (q != NONE && (!*f->id_no || !r->persons[q].id_no ||
				  !strcmp(r->persons[q].id_no, f->id_no))) {
			p = q;
			found = i;
		}
	}
	/* Known by the strongest key the record carries: nothing to add
	 * unless it names a household, phone or name not yet kept. */
	if (found == 0 && (!*f->household || r->persons[p].household) &&
	    (!*f->phone || r->persons[p].phone) && (!*f->name || r->persons[p].name))
		return p;
	if (p == NONE) {
		r->persons = grow(r->persons, &r->palloc, r->npersons + 1, sizeof(*r->persons));
		p = (uint32_t)r->npersons++;
		memset(&r->persons[p], 0, sizeof(r->persons[p]));
		r->persons[p].hh = NONE;
	}
	complete(r, &r->persons[p], f);
	for (int i = 0; i < n; i++)
		strtab_put(&r->keys, keys[i], p);
	return p;
}

static uint8_t kind_of(const char *s)
{
	if (!strcmp(s, "staff"))
		return K_STAFF;
	if (!strcmp(s, "courier"))
		return K_COURIER;
	if (!strcmp(s, "visitor"))
		return K_VISITOR;
	return K_OTHER;
}

/* Take one journal line into the register: gate events of persons with a
 * time; the others (vehicles, corrections) are not passages of anyone. */
static void take_line(struct cg_trace_register *r, const struct cg_scan_keys *k,
		      const char *line, size_t len)
{
	struct fields f;
	struct event *e;
	cg_time_t at;
	uint32_t p;

	if (read_fields(k, line, len, &f) < 0 || !*f.gate ||
	    cg_time_parse(f.ts, 0, &at) < 0 || (p = person_of(r, &f)) == NONE)
		return;
	if (r->gates.n >= UINT16_MAX && strtab_find(&r->gates, f.gate) == NONE)
		return;
	r->events = grow(r->events, &r->ealloc, r->nevents + 1, sizeof(*r->events));
	e = &r->events[r->nevents++];
	e->at = at;
	e->person = p;
	e->gate = (uint16_t)strtab_intern(&r->gates, f.gate);
	e->kind = kind_of(f.kind);
	e->host = *f.host ? strtab_intern(&r->hhs, f.host) : NONE;
}

/*
 * A gate event as it stands after its corrections (the fixing pass): the
 * line itself, its latest amendment, or nothing (0: voided).
 */
static int corrected(const struct cg_trace *t, const char *day, uint64_t seq,
		     const char **line, size_t *len)
{
	char rid[CG_RID_LEN];
	const json_t *state, *text;

	if (!t->fixing)
		return 1;
	cg_rid_format(rid, sizeof(rid), t->cfg->compound_code, "checkin", day, seq);
	if (!(state = cg_corrections_state(&t->fix, rid)))
		return 1;
	if (json_is_true(json_object_get(state, "void")))
		return 0;
	text = json_object_get(state, "line");
	*line = json_string_value(text);
	*len = json_string_length(text);
	return 1;
}

/* One journal line: a correction is kept for what it corrects (on the
 * first pass), any other line taken as it stands after its corrections. */
static int read_line(struct cg_trace *t, const struct cg_scan_keys *k, const char *day,
		     uint64_t seq, const char *line, size_t len, struct cg_err *err)
{
	if (cg_correction_maybe(line, len))
		return t->fixing ? 0 : cg_corrections_add(&t->fix, t->cfg->compound_code, day,
							   seq, line, len, err);
	if (corrected(t, day, seq, &line, &len))
		take_line(t->reg, k, line, len);
	return 0;
}

static int read_day(struct cg_trace *t, const struct cg_home *h, const char *day,
		    const struct cg_scan_keys *k, const struct cg_notifier *n,
		    struct cg_err *err)
{
	struct cg_journal_reader jr;
	int st;

	if (cg_journal_reader_open_stream(&jr, h, "checkin", day, err) < 0)
		return -1;
	if (jr.notice[0] && !t->fixing)
		cg_notify(n, CG_MSG_WARNING, "%s", jr.notice);
	while ((st = cg_journal_reader_next(&jr, NULL, err)) == 1) {
		if (read_line(t, k, day, jr.seq, jr.line, jr.len, err) < 0) {
			st = -1;
			break;
		}
		t->events++;
	}
	if (st == 0 && jr.torn && !t->fixing)
		cg_notify(n, CG_MSG_WARNING, _("%s: a torn last line was set aside"), jr.label);
	cg_journal_reader_release(&jr);
	t->days++;
	return st;
}

static int by_gate_time(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->gate != y->gate)
		return x->gate < y->gate ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

/* Positions grouped by a number below n: those of g are out[off[g] ..
 * off[g + 1]) (off[g + 2] counts them first, then off[g + 1] is filled up
 * to g's end, which is g + 1's start). */
static void group(size_t n, size_t count, uint32_t (*of)(const void *, size_t),
		  const void *ctx, uint32_t **offp, uint32_t **outp)
{
	uint32_t *off = calloc(n + 2, sizeof(*off)), *out = malloc((count + 1) * sizeof(*out));

	if (!off || !out)
		abort();
	for (size_t i = 0; i < count; i++)
		if (of(ctx, i) != NONE)
			off[of(ctx, i) + 2]++;
	for (size_t g = 0; g < n; g++)
		off[g + 2] += off[g + 1];
	for (size_t i = 0; i < count; i++)
		if (of(ctx, i) != NONE)
			out[off[of(ctx, i) + 1]++] = (uint32_t)i;
	*offp = off;
	*outp = out;
}

static uint32_t event_person(const void *ctx, size_t i)
{
	return ((const struct event *)ctx)[i].person;
}

static uint32_t event_host(const void *ctx, size_t i)
{
	return ((const struct event *)ctx)[i].host;
}

static uint32_t person_hh(const void *ctx, size_t i)
{
	return ((const struct person *)ctx)[i].hh;
}

static void finish(struct cg_trace_register *r)
{
	size_t ngates = r->gates.n, nhh = r->hhs.n;

	if (r->nevents)
		qsort(r->events, r->nevents, sizeof(*r->events), by_gate_time);
	if (!(r->gate_off = calloc(ngates + 1, sizeof(*r->gate_off))))
		abort();
	for (size_t i = 0; i < r->nevents; i++)
		r->gate_off[r->events[i].gate + 1]++;
	for (size_t g = 0; g < ngates; g++)
		r->gate_off[g + 1] += r->gate_off[g];
	group(r->npersons, r->nevents, event_person, r->events, &r->person_off, &r->person_ev);
	group(nhh, r->nevents, event_host, r->events, &r->host_off, &r->host_ev);
	group(nhh, r->npersons, person_hh, r->persons, &r->member_off, &r->member);
}

static int read_days(struct cg_trace *t, const struct cg_home *h,
		     const struct cg_notifier *n, struct cg_err *err)
{
	struct cg_scan_keys k;
	json_t *days;
	size_t i;
	json_t *d;
	int ret = 0;

	cg_scan_keys_init(&k, field_names, F_COUNT);
	if (cg_journal_days(h, &days, err) < 0)
		return -1;
	json_array_foreach(days, i, d) {
		int32_t day;

		if (cg_day_parse(json_string_value(d), &day) < 0 ||
		    day < t->since || day > t->until)
			continue;
		if ((ret = read_day(t, h, json_string_value(d), &k, n, err)) < 0)
			break;
	}
	json_decref(days);
	return ret < 0 ? -1 : 0;
}

static int later_correction(void *ctx, const char *day, uint64_t seq, const char *line,
			    size_t len, struct cg_err *err)
{
	struct cg_trace *t = ctx;

	return cg_corrections_add(&t->fix, t->cfg->compound_code, day, seq, line, len, err);
}

/* Whether a correction read names a record of the period. */
static int period_corrected(const struct cg_trace *t)
{
	const char *root, *why;
	struct cg_rid rid;
	const json_t *v;
	int32_t day;

	json_object_foreach(t->fix.events, root, v)
		if (cg_rid_parse(root, &rid, &why) == 0 && cg_day_parse(rid.day, &day) == 0 &&
		    day >= t->since && day <= t->until)
			return 1;
	return 0;
}

/*
 * The register as the records stand after their corrections.  A
 * correction is journaled on the day it is made, up to
 * CG_CORRECTION_DAYS after the record's day: the corrections are gathered
 * while the period is read, then from the days after it.  Only when one
 * names a record of the period is the period read again, each record as
 * it stands (voided, or its latest amendment): who a person is and which
 * household they live in follow from the records in order, so the
 * register is built anew rather than patched.
 */
int cg_trace_read(struct cg_trace *t, const struct cg_home *h,
		  const struct cg_notifier *n, struct cg_err *err)
{
	if (read_days(t, h, n, err) < 0 ||
	    cg_lookthrough_days(h, t->until + 1, t->until + CG_CORRECTION_DAYS,
				CG_CORRECTION_TAIL, later_correction, t, err) < 0)
		return -1;
	if (period_corrected(t)) {
		register_free(t->reg);
		if (!(t->reg = calloc(1, sizeof(*t->reg))))
			abort();
		t->fixing = 1;
		t->events = t->days = 0;
		if (read_days(t, h, n, err) < 0)
			return -1;
	}
	finish(t->reg);
	if (!(t->contacts = calloc(t->reg->npersons + 1, sizeof(*t->contacts))))
		abort();
	return 0;
}

/* ---- index persons ---- */

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, json_string(s));
}

/* A register person as records carry one. */
static json_t *person_record(const struct person *p)
{
	json_t *o = json_object();

	set_str(o, "name", p->name);
	set_str(o, "id_no", p->id_no);
	set_str(o, "phone", p->phone);
	set_str(o, "household", p->household);
	return o;
}

static struct cg_trace_index *new_index(struct cg_trace *t)
{
	struct cg_trace_index *ix;

	t->index = grow(t->index, &t->index_alloc, t->nindex + 1, sizeof(*t->index));
	ix = &t->index[t->nindex++];
	memset(ix, 0, sizeof(*ix));
	ix->hh = NONE;
	ix->depth = 1;
	return ix;
}

static int reject(char *why, size_t whylen, const char *fmt, const char *a)
{
	snprintf(why, whylen, fmt, a);
	return 1;
}

/* The person of the index record, fields in the order records carry them:
 * by case id, else the record itself, normalised.  A new object in *out,
 * or 1 with why. */
static int index_person(const struct cg_trace *t, const json_t *rec, cg_time_t now,
			json_t **out, char *why, size_t whylen)
{
	static const char *const fields[] = { "name", "id_no", "phone", "household", NULL };
	const json_t *id = json_object_get(rec, "case_id");
	const struct cg_case *c = NULL;
	json_t *copy, *p;

	if (id && !json_is_string(id))
		return reject(why, whylen, _("'%s' must be a string"), "case_id");
	if (id && !(c = cg_casebook_find(t->cb, json_string_value(id))))
		return reject(why, whylen, _("unknown case '%s'"), json_string_value(id));
	copy = json_copy(c ? c->rec : (json_t *)rec);
	/* Any household shape: the register may hold either (as the report
	 * reads it). */
	if (!c && cg_person_normalise(copy, now, CG_HOUSEHOLD_ANY, why, whylen) < 0) {
		json_decref(copy);
		return 1;
	}
	p = json_object();
	for (int i = 0; fields[i]; i++)
		if (json_is_string(json_object_get(copy, fields[i])))
			json_object_set(p, fields[i], json_object_get(copy, fields[i]));
	if (c)
		json_object_set_new(p, "case_id", json_string(c->id));
	json_decref(copy);
	*out = p;
	return 0;
}

/* The fields p lacks from the register's person q, in record order. */
static void fill_from(json_t *p, const struct person *q)
{
	json_t *full = person_record(q);
	const char *key;
	json_t *v;

	json_object_foreach(p, key, v)
		json_object_set(full, key, v);
	json_object_clear(p);
	json_object_update(p, full);
	json_decref(full);
}

/* The register's persons and household of the index person p. */
static void match_index(const struct cg_trace *t, struct cg_trace_index *ix, json_t *p)
{
	const struct cg_trace_register *r = t->reg;
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(p, keys);

	for (int i = 0; i < n; i++) {
		uint32_t q = strtab_get(&r->keys, keys[i]);
		int seen = 0;

		for (int j = 0; j < ix->npersons; j++)
			seen |= ix->persons[j] == q;
		if (q != NONE && !seen)
			ix->persons[ix->npersons++] = q;
	}
	ix->hh = strtab_find(&r->hhs, json_string_value(json_object_get(p, "household")));
	for (int j = 0; j < ix->npersons && ix->hh == NONE; j++)
		ix->hh = r->persons[ix->persons[j]].hh;
	if (ix->npersons)
		fill_from(p, &r->persons[ix->persons[0]]);
	snprintf(ix->label, sizeof(ix->label), "%s",
		 json_object_get(p, "case_id") ? json_string_value(json_object_get(p, "case_id")) :
		 n ? keys[0] : "");
}

int cg_trace_add_index(struct cg_trace *t, const json_t *rec, cg_time_t now,
		       char *why, size_t whylen)
{
	struct cg_trace_index probe, *ix;
	char since[CG_DATE_LEN], until[CG_DATE_LEN], keys[3][CG_PERSON_KEY_LEN];
	json_t *p;

	if (index_person(t, rec, now, &p, why, whylen))
		return 1;
	if (!cg_person_keys(p, keys) &&
	    !json_object_get(p, "household")) {
		json_decref(p);
		return reject(why, whylen,
			      _("missing field '%s' (or the person's id_no, phone, or name and household)"),
			      "case_id");
	}
	memset(&probe, 0, sizeof(probe));
	probe.hh = NONE;
	probe.depth = 1;
	match_index(t, &probe, p);
	if (!probe.npersons && probe.hh == NONE) {
		json_decref(p);
		cg_day_format(t->since, since);
		cg_day_format(t->until, until);
		snprintf(why, whylen,
			 _("unknown person: neither they nor their household are in the register of %s..%s"),
			 since, until);
		return 1;
	}
	ix = new_index(t);
	*ix = probe;
	ix->who = p;
	return 0;
}

size_t cg_trace_add_escalated(struct cg_trace *t)
{
	size_t added = 0;
	char why[CG_ERR_MSG_MAX];

	for (size_t i = 0; i < t->cb->ncases; i++) {
		const struct cg_case *c = t->cb->list[i];
		const char *at = json_string_value(json_object_get(c->rec, "escalated_at"));
		json_t *rec;
		cg_time_t when;
		int32_t day;

		if (!at || cg_time_parse(at, 0, &when) < 0)
			continue;
		day = cg_local_day(when, NULL);
		if (day < t->since || day > t->until)
			continue;
		rec = json_pack("{ss}", "case_id", c->id);
		if (cg_trace_add_index(t, rec, when, why, sizeof(why)) == 0)
			added++;
		json_decref(rec);
	}
	return added;
}

/* ---- tracing ---- */

/* One reason noted: kept small, made JSON only when printed. */
struct why {
	cg_time_t index_at, contact_at;	/* 0: none */
	uint32_t index;			/* its index person */
	uint32_t hh;			/* household, NONE */
	int minutes;			/* -1: none */
	uint16_t gate;
	uint8_t code;			/* enum cg_trace_why */
	uint8_t has_gate;
};

static void note(struct cg_trace *t, uint32_t p, const struct why *w, cg_time_t at)
{
	struct cg_trace_contact *c = &t->contacts[p];
	int depth = t->index[w->index].depth;
	int minutes = w->minutes < 0 ? INT_MAX : w->minutes;
	int rank = cg_trace_why_rank(w->code);

	if (c->excluded || (c->depth && c->depth != depth))
		return;
	if (w->code == CG_TRACE_HOUSEHOLD)
		c->household = 1;
	else if (at > c->last)
		c->last = at;
	if (!c->rank) {
		c->rank = (unsigned char)rank;
		c->code = w->code;
		c->depth = (unsigned char)depth;
		c->minutes = minutes;
		c->first = at;
		c->index = w->index;
	} else {
		if (rank < c->rank || (rank == c->rank && minutes < c->minutes)) {
			c->rank = (unsigned char)rank;
			c->code = w->code;
			c->index = w->index;
		}
		if (minutes < c->minutes)
			c->minutes = minutes;
		if (at < c->first)
			c->first = at;
	}
	if (c->nwhy == WHY_MAX) {
		c->more++;
		return;
	}
	if (c->nwhy == c->why_alloc) {
		c->why_alloc = c->why_alloc ? 2 * c->why_alloc : 2;
		if (!(c->why = realloc(c->why, c->why_alloc * sizeof(*c->why))))
			abort();
	}
	c->why[c->nwhy++] = *w;
}

static int counts_at_gate(const struct cg_trace *t, const struct event *e)
{
	return !((e->kind == K_STAFF && !t->staff) || (e->kind == K_COURIER && !t->couriers));
}

static int is_index_person(const struct cg_trace_index *ix, uint32_t p)
{
	for (int i = 0; i < ix->npersons; i++)
		if (ix->persons[i] == p)
			return 1;
	return 0;
}

static void trace_household(struct cg_trace *t, size_t ixno)
{
	const struct cg_trace_register *r = t->reg;
	const struct cg_trace_index *ix = &t->index[ixno];
	struct why w = { 0, 0, (uint32_t)ixno, ix->hh, -1, 0, CG_TRACE_HOUSEHOLD, 0 };

	if (ix->hh == NONE)
		return;
	for (uint32_t i = r->member_off[ix->hh]; t->households && i < r->member_off[ix->hh + 1]; i++)
		if (!is_index_person(ix, r->member[i]))
			note(t, r->member[i], &w, ix->after);
	w.code = CG_TRACE_VISITOR;
	w.has_gate = 1;
	for (uint32_t i = r->host_off[ix->hh]; i < r->host_off[ix->hh + 1]; i++) {
		const struct event *e = &r->events[r->host_ev[i]];

		if (is_index_person(ix, e->person) || e->at < ix->after)
			continue;
		w.gate = e->gate;
		w.contact_at = e->at;
		note(t, e->person, &w, e->at);
	}
}

/* The first event of the gate at or after t0 (binary search). */
static uint32_t first_at(const struct cg_trace_register *r, uint16_t gate, cg_time_t t0)
{
	uint32_t lo = r->gate_off[gate], hi = r->gate_off[gate + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (r->events[mid].at < t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void trace_passage(struct cg_trace *t, size_t ixno, const struct event *e)
{
	const struct cg_trace_register *r = t->reg;
	const struct cg_trace_index *ix = &t->index[ixno];
	cg_time_t span = (cg_time_t)t->window_min * 60;
	struct why w = { e->at, 0, (uint32_t)ixno, NONE, 0, e->gate, CG_TRACE_GATE, 1 };

	for (uint32_t i = first_at(r, e->gate, e->at - span);
	     i < r->gate_off[e->gate + 1] && r->events[i].at <= e->at + span; i++) {
		const struct event *f = &r->events[i];
		cg_time_t apart = f->at > e->at ? f->at - e->at : e->at - f->at;

		if (is_index_person(ix, f->person) || !counts_at_gate(t, f))
			continue;
		w.contact_at = f->at;
		w.minutes = (int)(apart / 60);
		note(t, f->person, &w, f->at);
	}
}

/* The index person came as a visitor (e): whoever lives in the household
 * they named as host hosted them. */
static void trace_host(struct cg_trace *t, size_t ixno, const struct event *e)
{
	const struct cg_trace_register *r = t->reg;
	const struct cg_trace_index *ix = &t->index[ixno];
	struct why w = { e->at, 0, (uint32_t)ixno, e->host, -1, e->gate, CG_TRACE_HOST, 1 };

	for (uint32_t i = r->member_off[e->host]; i < r->member_off[e->host + 1]; i++)
		if (!is_index_person(ix, r->member[i]))
			note(t, r->member[i], &w, e->at);
}

static void trace_one(struct cg_trace *t, size_t ixno)
{
	const struct cg_trace_register *r = t->reg;

	trace_household(t, ixno);
	for (int j = 0; j < t->index[ixno].npersons; j++) {
		uint32_t p = t->index[ixno].persons[j];

		for (uint32_t i = r->person_off[p]; i < r->person_off[p + 1]; i++) {
			const struct event *e = &r->events[r->person_ev[i]];

			if (e->at < t->index[ixno].after)
				continue;
			trace_passage(t, ixno, e);
			if (e->host != NONE)
				trace_host(t, ixno, e);
		}
	}
}

/* Contacts in the order to act on them (ctx: the trace). */
static int by_urgency(const void *a, const void *b, void *ctx)
{
	const struct cg_trace *t = ctx;
	const struct cg_trace_contact *x = &t->contacts[*(const uint32_t *)a];
	const struct cg_trace_contact *y = &t->contacts[*(const uint32_t *)b];

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->minutes != y->minutes)
		return x->minutes < y->minutes ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (*(const uint32_t *)a > *(const uint32_t *)b) -
	       (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* The contacts of the given depth, sorted; a new array of count. */
static uint32_t *contacts_of(const struct cg_trace *t, int depth, size_t *count)
{
	uint32_t *list = malloc((t->reg->npersons + 1) * sizeof(*list));
	size_t n = 0;

	if (!list)
		abort();
	for (size_t p = 0; p < t->reg->npersons; p++)
		if (t->contacts[p].rank && t->contacts[p].depth == depth)
			list[n++] = (uint32_t)p;
	qsort_r(list, n, sizeof(*list), by_urgency, (void *)t);
	*count = n;
	return list;
}

/* Depth 2: every contact of depth 1 as an index person, exposed from its
 * first exposure on (a household contact from the period's start). */
static void trace_secondary(struct cg_trace *t)
{
	size_t n, first = t->nindex;
	uint32_t *list = contacts_of(t, 1, &n);

	for (size_t i = 0; i < n; i++) {
		const struct cg_trace_contact *c = &t->contacts[list[i]];
		const struct person *p = &t->reg->persons[list[i]];
		struct cg_trace_index *ix = new_index(t);
		char keys[3][CG_PERSON_KEY_LEN];

		ix->who = person_record(p);
		ix->persons[ix->npersons++] = list[i];
		ix->hh = p->hh;
		ix->depth = 2;
		ix->after = c->rank == CG_TRACE_HOUSEHOLD ? 0 : c->first;
		if (cg_person_keys(ix->who, keys))
			snprintf(ix->label, sizeof(ix->label), "%s", keys[0]);
	}
	free(list);
	for (size_t i = first; i < t->nindex; i++)
		trace_one(t, i);
}

static json_t *why_records(const struct cg_trace *t, const struct cg_trace_contact *c)
{
	const struct cg_trace_register *r = t->reg;
	json_t *out = json_array();

	for (unsigned i = 0; i < c->nwhy; i++) {
		const struct why *w = &c->why[i];
		json_t *o = json_pack("{ss}", "code", cg_trace_why_code(w->code));

		if (w->hh != NONE)
			json_object_set_new(o, "household", json_string(strtab_name(&r->hhs, w->hh)));
		if (w->has_gate)
			json_object_set_new(o, "gate", json_string(strtab_name(&r->gates, w->gate)));
		if (w->index_at)
			cg_json_set_time(o, "index_at", w->index_at);
		if (w->contact_at)
			cg_json_set_time(o, "contact_at", w->contact_at);
		if (w->minutes >= 0)
			json_object_set_new(o, "minutes", json_integer(w->minutes));
		json_object_set_new(o, "index", json_string(t->index[w->index].label));
		json_array_append_new(out, o);
	}
	return out;
}

static json_t *contact_record(const struct cg_trace *t, uint32_t p,
			      struct cg_trace_counts *counts)
{
	const struct cg_trace_contact *c = &t->contacts[p];
	json_t *rec = person_record(&t->reg->persons[p]);
	const json_t *active = cg_casebook_active_for(t->cb, rec);

	json_object_set_new(rec, "reason", json_string(c->depth == 1 ? "close_contact" :
						       "secondary_contact"));
	/* Observation runs from the last exposure: living together, that
	 * is the end of the period. */
	cg_json_set_day(rec, "start", c->household || !c->last ? t->until :
			cg_local_day(c->last, NULL));
	json_object_set_new(rec, "rank", json_integer(c->rank));
	json_object_set_new(rec, "why", why_records(t, c));
	if (c->more)
		json_object_set_new(rec, "more", json_integer((json_int_t)c->more));
	json_object_set(rec, "index", t->index[c->index].who);
	if (active)
		json_object_set(rec, "under_observation", json_object_get(active, "case_id"));
	counts->contacts++;
	counts->by_why[c->code]++;
	counts->secondary += c->depth == 2;
	counts->under_observation += active != NULL;
	return rec;
}

int cg_trace_run(struct cg_trace *t, struct cg_trace_counts *counts,
		 cg_trace_emit_fn *emit, void *ctx, struct cg_err *err)
{
	size_t nfirst = t->nindex;
	int ret = 0;

	memset(counts, 0, sizeof(*counts));
	counts->index = nfirst;
	for (size_t i = 0; i < nfirst; i++)
		for (int j = 0; j < t->index[i].npersons; j++)
			t->contacts[t->index[i].persons[j]].excluded = 1;
	for (size_t i = 0; i < nfirst; i++)
		trace_one(t, i);
	/* A contact of depth 1 stays one: note() keeps depths apart. */
	if (t->depth > 1)
		trace_secondary(t);
	for (int depth = 1; depth <= t->depth; depth++) {
		size_t n;
		uint32_t *list = contacts_of(t, depth, &n);

		for (size_t i = 0; i < n && ret == 0; i++) {
			json_t *rec = contact_record(t, list[i], counts);

			if (emit)
				ret = emit(ctx, rec, err);
			json_decref(rec);
		}
		free(list);
	}
	return ret;
}
