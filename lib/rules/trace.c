/*
 * Contact tracing over the check-in register: see trace.h.
 */
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "crypto/sha256.h"
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
	char *name, *id_no, *phone, *household;	/* in the register's
							 * strings; NULL absent */
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
 * numbered in the order added, with a value; open addressing on the
 * hash of hash_bytes, whose 32 bits are kept, so that growing the table
 * reads neither the strings nor hashes them again.  Millions of lookups
 * of short keys: a JSON object costs several times the time and the
 * memory.
 */
struct strtab {
	char *arena;		/* the strings, NUL-terminated; owned */
	size_t used, arena_alloc;
	uint32_t *off;		/* number -> offset in arena; owned */
	uint32_t *vals;		/* number -> value; owned */
	uint32_t *hashes;	/* number -> its str_hash; owned */
	size_t n, alloc;
	uint32_t *slots;	/* 0 empty, else number + 1; owned */
	size_t nslots;		/* a power of two, at most half full */
};

/* A hash of s[0..len), eight bytes at a time (FNV-1a took one at a time:
 * the readers hash 700,000 ID numbers a trace). */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = len * 0x9E3779B97F4A7C15u, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	return h ^ (h >> 33);
}

static uint32_t str_hash(const char *s)
{
	uint64_t h = hash_bytes(s, strlen(s));

	return (uint32_t)(h ^ (h >> 32));
}

static const char *strtab_name(const struct strtab *t, uint32_t n)
{
	return t->arena + t->off[n];
}

/* The slot of s (hash h): where it is, or the empty one where it would
 * go. */
static size_t strtab_slot(const struct strtab *t, const char *s, uint32_t h)
{
	size_t i = h & (t->nslots - 1);

	while (t->slots[i] && (t->hashes[t->slots[i] - 1] != h ||
			       strcmp(strtab_name(t, t->slots[i] - 1), s)))
		i = (i + 1) & (t->nslots - 1);
	return i;
}

/* The number of s, or NONE. */
static uint32_t strtab_find(const struct strtab *t, const char *s)
{
	return t->nslots && s ? t->slots[strtab_slot(t, s, str_hash(s))] - 1 : NONE;
}

static uint32_t strtab_get(const struct strtab *t, const char *s)
{
	uint32_t n = strtab_find(t, s);

	return n == NONE ? NONE : t->vals[n];
}

/* Twice the slots: each string's number filed again by its kept hash
 * (the strings are distinct: the first empty slot is its). */
static void strtab_grow(struct strtab *t)
{
	t->nslots = t->nslots ? 2 * t->nslots : 1024;
	free(t->slots);
	if (!(t->slots = calloc(t->nslots, sizeof(*t->slots))))
		abort();
	for (size_t n = 0; n < t->n; n++) {
		size_t i = t->hashes[n] & (t->nslots - 1);

		while (t->slots[i])
			i = (i + 1) & (t->nslots - 1);
		t->slots[i] = (uint32_t)n + 1;
	}
}

/* Add s with val when it is new; its number either way. */
static uint32_t strtab_put(struct strtab *t, const char *s, uint32_t val)
{
	size_t len = strlen(s) + 1, i;
	uint32_t h = str_hash(s);

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
	t->hashes[t->n] = h;
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

/*
 * Persons known by their ID number (or, for a record without one, their
 * phone), a cache in front of keys: most gate records are of someone
 * already known by it and add nothing, and each strtab lookup of theirs
 * went through five cache misses (slot, hash, arena, person, their id_no).
 * One slot holds the number itself, so a hit is one miss, and the taker
 * prefetches it a few records ahead (the readers hash the numbers).  An
 * entry number -> p is made only when keys maps "id:" number (its id_no
 * being the number) or "phone:" number to p, which stays so; its flags say
 * which of household, phone and name p had then (they are only ever
 * added), so a hit returns what person_of would.
 */
#define ID_INLINE 18

struct idslot {
	uint64_t hash;
	uint32_t person;	/* + 1; 0 empty */
	uint8_t flags;		/* ID_HOUSEHOLD | ID_PHONE | ID_NAME, and
				 * BY_PHONE for a phone's entry */
	uint8_t len;
	char id[ID_INLINE];	/* not NUL-terminated */
};	/* 32 bytes: one cache line holds a slot */

enum { ID_HOUSEHOLD = 1, ID_PHONE = 2, ID_NAME = 4, BY_PHONE = 8 };

struct idcache {
	struct idslot *slots;	/* owned */
	size_t nslots, n;	/* a power of two, at most half full */
};

/*
 * The persons' strings, one after the other in blocks that are never
 * moved: some 60,000 persons' 200,000 strings, which were as many
 * malloc() calls while reading and free() calls at the end.
 */
#define STRINGS_BLOCK 65536	/* > any field's room */

struct strings {
	char **blocks;		/* each STRINGS_BLOCK bytes; owned */
	size_t n, alloc;
	size_t used;		/* of the last block */
};

struct cg_trace_register {
	struct person *persons;
	size_t npersons, palloc;
	struct strings strings;	/* of persons */
	struct event *events;
	size_t nevents, ealloc;
	struct strtab keys;	/* person key -> person number */
	struct idcache ids;	/* in front of keys */
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
	char *text;		/* who encoded, once printed; owned */
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
	for (size_t i = 0; i < r->strings.n; i++)
		free(r->strings.blocks[i]);
	free(r->strings.blocks);
	free(r->persons);
	free(r->events);
	strtab_release(&r->keys);
	free(r->ids.slots);
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
	for (size_t i = 0; i < t->nindex; i++) {
		json_decref(t->index[i].who);
		free(t->index[i].text);
	}
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

/* The fields of a gate event that tracing reads: NUL-terminated strings
 * ("" when absent) kept elsewhere (a batch's text, a line's store). */
struct fields {
	const char *ts, *gate, *kind, *name, *id_no, *phone, *household, *host;
};

enum { F_TS, F_GATE, F_KIND, F_NAME, F_ID_NO, F_PHONE, F_HOUSEHOLD, F_HOST, F_COUNT };

/* The keys scanned: the fields, and "corrected_at" to tell a correction
 * (see cg_correction_maybe_scanned). */
enum { F_CORRECTED_AT = F_COUNT, F_SCANNED };

static const char *const field_names[F_SCANNED] = {
	"ts", "gate", "kind", "name", "id_no", "phone", "household", "host", "corrected_at"
};

/* The longest value each field takes (a longer one reads as absent, as
 * when they were read into arrays of these sizes), NUL included. */
static const size_t field_room[F_COUNT] = {
	64, 64, 16, CG_PERSON_NAME_LEN, 32, 32, 64, 64
};

/* One value s[0..len) (s NULL: not a string) into out with its NUL; one
 * that does not fit room reads as absent.  Returns its length. */
static size_t pack_value(char *out, const char *s, size_t len, size_t room)
{
	size_t l = s && len < room ? len : 0;

	if (l)
		memcpy(out, s, l);
	out[l] = '\0';
	return l;
}

/*
 * The values of a line's fields (s[i][0..len[i]), s[i] NULL for one that
 * is not a string) into out, one after the other with their NULs, and
 * their places in rel.  out has room for the line's length and F_COUNT:
 * the values are parts of the line (or, decoded, no longer), one each.
 * Returns the bytes written.
 */
static size_t pack_fields(char *out, const char *const s[F_COUNT], const size_t len[F_COUNT],
			  uint16_t rel[F_COUNT])
{
	size_t n = 0;

	for (int i = 0; i < F_COUNT; i++) {
		rel[i] = (uint16_t)n;
		n += pack_value(out + n, s[i], len[i], field_room[i]) + 1;
	}
	return n;
}

/* The values of the fast scan's v (the first F_COUNT) as pack_fields
 * takes them. */
static void scanned_values(const struct cg_scan_val *v, const char *s[F_COUNT],
			   size_t len[F_COUNT])
{
	for (int i = 0; i < F_COUNT; i++) {
		s[i] = v[i].type == CG_SCAN_STRING ? v[i].p : NULL;
		len[i] = v[i].type == CG_SCAN_STRING ? v[i].len : 0;
	}
}

/* f pointing at the values packed at base. */
static void unpack_fields(struct fields *f, const char *base, const uint16_t rel[F_COUNT])
{
	f->ts = base + rel[F_TS];
	f->gate = base + rel[F_GATE];
	f->kind = base + rel[F_KIND];
	f->name = base + rel[F_NAME];
	f->id_no = base + rel[F_ID_NO];
	f->phone = base + rel[F_PHONE];
	f->household = base + rel[F_HOUSEHOLD];
	f->host = base + rel[F_HOST];
}

/* Fill f from a journal line, its values kept in store (room for len +
 * F_COUNT bytes): the fast scan, else the strict parser.  0, or -1 when
 * the line is not an object (a damage-free journal's lines are, so this
 * is only a safety). */
static int read_fields(const struct cg_scan_keys *k, const char *line, size_t len,
		       struct fields *f, char *store)
{
	struct cg_scan_val v[F_SCANNED];
	const char *s[F_COUNT];
	size_t lens[F_COUNT];
	uint16_t rel[F_COUNT];
	char reason[128];
	json_t *rec = NULL;

	if (cg_scan_line(k, line, len, v)) {
		scanned_values(v, s, lens);
	} else {
		if (!(rec = cg_jsonl_parse(line, len, reason, sizeof(reason))))
			return -1;
		for (int i = 0; i < F_COUNT; i++) {
			const json_t *j = json_object_get(rec, field_names[i]);

			s[i] = json_is_string(j) ? json_string_value(j) : NULL;
			lens[i] = json_is_string(j) ? json_string_length(j) : 0;
		}
	}
	pack_fields(store, s, lens, rel);
	unpack_fields(f, store, rel);
	json_decref(rec);
	return 0;
}

/* A copy of s (shorter than STRINGS_BLOCK) in st, or NULL for "". */
static char *dup_or_null(struct strings *st, const char *s)
{
	size_t len = strlen(s) + 1;
	char *d;

	if (len == 1)
		return NULL;
	if (len > STRINGS_BLOCK)	/* a field's room is far less */
		abort();
	if (!st->n || st->used + len > STRINGS_BLOCK) {
		st->blocks = grow(st->blocks, &st->alloc, st->n + 1, sizeof(*st->blocks));
		if (!(st->blocks[st->n++] = malloc(STRINGS_BLOCK)))
			abort();
		st->used = 0;
	}
	d = st->blocks[st->n - 1] + st->used;
	memcpy(d, s, len);
	st->used += len;
	return d;
}

/* Fill the fields p lacks from f. */
static void complete(struct cg_trace_register *r, struct person *p, const struct fields *f)
{
	if (!p->name)
		p->name = dup_or_null(&r->strings, f->name);
	if (!p->id_no)
		p->id_no = dup_or_null(&r->strings, f->id_no);
	if (!p->phone)
		p->phone = dup_or_null(&r->strings, f->phone);
	if (!p->household && (p->household = dup_or_null(&r->strings, f->household)))
		p->hh = strtab_intern(&r->hhs, p->household);
}

/*
 * The identity keys the register files a person under: cg_person_keys_of,
 * with the name as cg_person_name_normalise writes it, as names are
 * compared (cg_person_same): "张 三", "张　三" and "张三" of one household
 * are one person, as the gate and the cases take them.  A name of spaces
 * alone names nobody.
 */
static int register_keys(const char *id_no, const char *phone, const char *name,
			 const char *household, char keys[3][CG_PERSON_KEY_LEN])
{
	char norm[CG_PERSON_NAME_LEN];

	if (name && household)
		name = *cg_person_name_normalise(name, norm) ? norm : NULL;
	return cg_person_keys_of(id_no, phone, name, household, keys);
}

/*
 * The person of a gate event: the first person found under one of its
 * keys (strongest first) who does not carry another ID number; else a new
 * one.  Its keys not yet taken point to it.  NONE when it names nobody.
 */
static uint32_t person_of(struct cg_trace_register *r, const struct fields *f)
{
	char keys[3][CG_PERSON_KEY_LEN];
	uint32_t p = NONE;
	int found = -1, n;

	/* Most records are of someone already known by their ID number and
	 * add nothing: one lookup, the key made without snprintf. */
	if (*f->id_no && strlen(f->id_no) < CG_PERSON_KEY_LEN - 3) {
		memcpy(keys[0], "id:", 3);
		strcpy(keys[0] + 3, f->id_no);
		if ((p = strtab_get(&r->keys, keys[0])) != NONE &&
		    (!r->persons[p].id_no || !strcmp(r->persons[p].id_no, f->id_no)) &&
		    (!*f->household || r->persons[p].household) &&
		    (!*f->phone || r->persons[p].phone) && (!*f->name || r->persons[p].name))
			return p;
		p = NONE;
	}
	n = register_keys(*f->id_no ? f->id_no : NULL, *f->phone ? f->phone : NULL,
			  *f->name ? f->name : NULL, *f->household ? f->household : NULL, keys);
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

/* ---- the ID number cache (see struct idslot) ---- */

/* What a record is looked up by in the cache: its id_no, else its phone
 * (*tag BY_PHONE); "" for neither. */
static const char *cache_key(const struct fields *f, uint8_t *tag)
{
	*tag = *f->id_no ? 0 : BY_PHONE;
	return *f->id_no ? f->id_no : f->phone;
}

/* The hash of a record's cache key (the readers make it). */
static uint64_t id_hash(const struct fields *f)
{
	uint8_t tag;
	const char *key = cache_key(f, &tag);
	uint64_t h = hash_bytes(key, strlen(key));

	return tag ? ~h : h;
}

static size_t id_home(const struct idcache *c, uint64_t h)
{
	return (size_t)((h * 0x9E3779B97F4A7C15u) >> 32) & (c->nslots - 1);
}

/* The slot of key[0..len) with tag (hash h): where it is, or the empty one
 * where it would go. */
static struct idslot *id_slot(const struct idcache *c, const char *key, size_t len,
			      uint8_t tag, uint64_t h)
{
	for (size_t i = id_home(c, h);; i = (i + 1) & (c->nslots - 1)) {
		struct idslot *s = &c->slots[i];

		if (!s->person || (s->hash == h && s->len == len && (s->flags & BY_PHONE) == tag &&
				   !memcmp(s->id, key, len)))
			return s;
	}
}

/* Inlined: GCC finds a function of a prefetch alone without effects and
 * drops the calls. */
static inline __attribute__((always_inline)) void id_prefetch(const struct idcache *c,
							      uint64_t h)
{
	if (c->nslots)
		__builtin_prefetch(&c->slots[id_home(c, h)]);
}

static uint8_t person_flags(const struct person *p)
{
	return (uint8_t)((p->household ? ID_HOUSEHOLD : 0) | (p->phone ? ID_PHONE : 0) |
			 (p->name ? ID_NAME : 0));
}

static uint8_t fields_flags(const struct fields *f)
{
	return (uint8_t)((*f->household ? ID_HOUSEHOLD : 0) | (*f->phone ? ID_PHONE : 0) |
			 (*f->name ? ID_NAME : 0));
}

/* The person of f when the cache knows them and f adds nothing, else
 * NONE (h: id_hash of f). */
static uint32_t id_known(const struct cg_trace_register *r, const struct fields *f, uint64_t h)
{
	uint8_t tag;
	const char *key = cache_key(f, &tag);
	size_t len = strlen(key);
	const struct idslot *s;

	if (!r->ids.nslots || !len || len > ID_INLINE)
		return NONE;
	s = id_slot(&r->ids, key, len, tag, h);
	return s->person && !(fields_flags(f) & ~s->flags) ? s->person - 1 : NONE;
}

static void id_grow(struct idcache *c)
{
	struct idslot *old = c->slots;
	size_t n = c->nslots;

	c->nslots = n ? 2 * n : 4096;
	if (!(c->slots = aligned_alloc(sizeof(*c->slots), c->nslots * sizeof(*c->slots))))
		abort();
	memset(c->slots, 0, c->nslots * sizeof(*c->slots));
	for (size_t i = 0; i < n; i++)
		if (old[i].person)
			*id_slot(c, old[i].id, old[i].len, old[i].flags & BY_PHONE, old[i].hash) = old[i];
	free(old);
}

/* person_of gave p for f: remember it when keys maps f's cache key to p
 * (and for an ID number, p's is the same), with p's flags as they are. */
static void id_remember(struct cg_trace_register *r, const struct fields *f, uint64_t h,
			uint32_t p)
{
	const struct person *q = &r->persons[p];
	char key[CG_PERSON_KEY_LEN];
	uint8_t tag;
	const char *number = cache_key(f, &tag);
	size_t len = strlen(number);
	struct idslot *s;

	if (!len || len > ID_INLINE || (!tag && (!q->id_no || strcmp(q->id_no, number))) ||
	    cg_person_key_join(key, tag ? "phone:" : "id:", number, NULL) < 0 ||
	    strtab_get(&r->keys, key) != p)
		return;
	if (2 * (r->ids.n + 1) > r->ids.nslots)
		id_grow(&r->ids);
	s = id_slot(&r->ids, number, len, tag, h);
	if (!s->person) {
		s->hash = h;
		s->person = p + 1;
		s->len = (uint8_t)len;
		memcpy(s->id, number, len);
		r->ids.n++;
	}
	if (s->person == p + 1)
		s->flags = (uint8_t)(tag | person_flags(q));
}

/* The person of a gate event (h: id_hash of f). */
static uint32_t person_of_event(struct cg_trace_register *r, const struct fields *f,
				uint64_t h)
{
	uint32_t p = id_known(r, f, h);

	if (p == NONE && (p = person_of(r, f)) != NONE)
		id_remember(r, f, h, p);
	return p;
}

/* The number of a gate, added when new.  A compound has a few gates:
 * the first ones are compared in turn rather than hashed (every record
 * names one). */
#define GATES_COMPARED 8

static uint32_t gate_number(struct cg_trace_register *r, const char *gate)
{
	for (uint32_t g = 0; g < r->gates.n && g < GATES_COMPARED; g++)
		if (!strcmp(strtab_name(&r->gates, g), gate))
			return g;
	return strtab_intern(&r->gates, gate);
}

/* Take one journal line into the register: gate events of persons with a
 * time; the others (vehicles, corrections) are not passages of anyone.
 * h: id_hash of f. */
static void take_fields(struct cg_trace_register *r, const struct fields *f, cg_time_t at,
			uint8_t kind, uint64_t h)
{
	struct event *e;
	uint32_t p;

	if ((p = person_of_event(r, f, h)) == NONE)
		return;
	if (r->gates.n >= UINT16_MAX && strtab_find(&r->gates, f->gate) == NONE)
		return;
	r->events = grow(r->events, &r->ealloc, r->nevents + 1, sizeof(*r->events));
	e = &r->events[r->nevents++];
	e->at = at;
	e->person = p;
	e->gate = (uint16_t)gate_number(r, f->gate);
	e->kind = kind;
	e->host = *f->host ? strtab_intern(&r->hhs, f->host) : NONE;
}

static void take_line(struct cg_trace_register *r, const struct cg_scan_keys *k,
		      const char *line, size_t len)
{
	char *store = malloc(len + F_COUNT);
	struct fields f;
	cg_time_t at;

	if (!store)
		abort();
	if (read_fields(k, line, len, &f, store) == 0 && *f.gate &&
	    cg_time_parse(f.ts, 0, &at) == 0)
		take_fields(r, &f, at, kind_of(f.kind), id_hash(&f));
	free(store);
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

/*
 * The days are read by READERS threads, day i by reader i % READERS: each
 * opens its days in turn, verifies them line by line (inflating and
 * hashing are most of the work) and scans each line's fields into batches
 * of a ring; the calling thread takes the days in order, a batch at a
 * time, into the register (who a person is follows from the records in
 * order).  A correction, or a line the fast scan leaves to the strict
 * parser, goes over as text.  Damage stops the reader at that point; the
 * taker reports it when it gets there.
 *
 * The taker keeps pace with the reader of the day it takes; the other
 * reader works ahead only as far as its ring holds.  A ring of a few
 * batches had the two take turns rather than read at once; a ring of
 * half a day of 50,000 records still left the second reader idle for
 * the second half of the first day (its ring full, the taker still on
 * the day before: 0.13-0.17 s of 0.9 s waiting, one core unused while
 * the taker mostly waited too), so a ring holds most of such a day now
 * (a whole day, 52 batches, was a little faster again but took the
 * sweep's peak RSS from about 52 to 57-62 MB, too near the target of
 * 64).  With 40 batches the reader ahead still filled its ring about
 * once a day and waited (7 or 8 times a trace, 0.2-0.5 s in all on a
 * loaded machine).  So a batch now carries only what the taker reads (32
 * bytes of item, some 60 of values a record: a day is about 4.5 MB), and
 * a ring holds 64 batches, more than a day, in less memory than 40 did.
 * A batch's memory is taken when it is filled; once taken it is kept
 * for the next batch of either reader (struct spare), so the batches
 * hold at most what was ever ahead at once, and their pages are faulted
 * in once; all is given back when the days are read.
 */
#define READERS 2
#define RING 64
#define BATCH_LINES 1024
#define BATCH_TEXT (BATCH_LINES * 64)	/* a batch's text, to start with */
#define BATCH_TEXT_MAX ((size_t)1 << 30)	/* its offsets are 32 bits */
#define PREFETCH_AHEAD 8

enum item_type { IT_EVENT, IT_OTHER, IT_TEXT, IT_CORRECTION };

/* The fields of an event the taker reads as text, in the order packed:
 * its time and kind go over parsed. */
enum { P_GATE, P_NAME, P_ID_NO, P_PHONE, P_HOUSEHOLD, P_HOST, P_COUNT };

static const unsigned char packed_field[P_COUNT] = {
	F_GATE, F_NAME, F_ID_NO, F_PHONE, F_HOUSEHOLD, F_HOST
};

/* 32 bytes: a day of 50,000 records is some 1.6 MB of items and 2.9 MB
 * of values. */
struct item {
	cg_time_t at;		/* IT_EVENT */
	uint64_t idhash;	/* IT_EVENT: id_hash of its fields */
	uint32_t off;		/* in the batch's text: the line (IT_TEXT,
				 * IT_CORRECTION) or the values packed
				 * (IT_EVENT) */
	uint32_t len;		/* IT_TEXT, IT_CORRECTION: the line's bytes */
	uint8_t vlen[P_COUNT];	/* IT_EVENT: the values' bytes (each shorter
				 * than its field_room), each packed with a
				 * NUL after it */
	uint8_t type;
	uint8_t kind;		/* IT_EVENT */
};

/* A batch holds consecutive lines of a day: the seq of item i is seq0 + i. */
struct batch {
	struct item *items;	/* BATCH_LINES; owned */
	size_t n;
	uint64_t seq0;
	char *text;		/* owned */
	size_t len, cap;
	int day_end;		/* the last batch of its day */
	int failed;		/* the day's reading ended in err here */
	struct cg_err err;
	char notice[512];	/* day_end: warnings of the day */
	char torn[128];		/* day_end: the label of a day with a torn tail */
};

struct reader {
	pthread_t th;
	int started;
	struct batch ring[RING];
	size_t head, tail, count;
	struct cg_scan_order order;	/* the key order of its lines */
	struct cg_time_memo times;	/* of its lines' "ts" */
	pthread_cond_t ready;		/* batches for the taker (dr->mu) */
};

/* A taken batch's memory, kept for the next batch of either reader: the
 * pages of a batch freed and allocated again were faulted in again
 * (some 10,000 faults of a trace). */
struct spare {
	struct item *items;
	char *text;
	size_t cap;
};

struct days_read {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int cancel;
	const struct cg_home *h;
	json_t *days;		/* the day names in order; owned */
	struct cg_scan_keys k;
	struct reader r[READERS];
	struct spare spare[READERS * RING];	/* owned */
	size_t nspare;
};

struct reader_arg {
	struct days_read *dr;
	int no;
};

/* The batch to fill next, waiting for room; NULL when cancelled. */
static struct batch *batch_start(struct days_read *dr, struct reader *rd)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&dr->mu);
	while (rd->count == RING && !dr->cancel)
		pthread_cond_wait(&dr->cond, &dr->mu);
	if (!dr->cancel) {
		b = &rd->ring[rd->head];
		b->n = b->len = 0;
		b->day_end = b->failed = 0;
		b->notice[0] = b->torn[0] = '\0';
		if (!b->items && dr->nspare) {
			const struct spare *sp = &dr->spare[--dr->nspare];

			b->items = sp->items;
			b->text = sp->text;
			b->cap = sp->cap;
		}
	}
	pthread_mutex_unlock(&dr->mu);
	if (b && !b->items) {	/* the reader's until batch_done */
		b->items = malloc(BATCH_LINES * sizeof(*b->items));
		b->text = malloc(BATCH_TEXT);
		b->cap = BATCH_TEXT;
		if (!b->items || !b->text)
			abort();
	}
	return b;
}

/* A batch's memory given back (see READERS). */
static void batch_release(struct batch *b)
{
	free(b->items);
	free(b->text);
	b->items = NULL;
	b->text = NULL;
	b->cap = 0;
}

/* A batch taken: its memory kept for the next one (under dr->mu). */
static void batch_spare(struct days_read *dr, struct batch *b)
{
	struct spare *sp = &dr->spare[dr->nspare++];

	sp->items = b->items;
	sp->text = b->text;
	sp->cap = b->cap;
	b->items = NULL;
	b->text = NULL;
	b->cap = 0;
}

/*
 * A batch filled.  The taker, faster than a reader, is woken when
 * WAKE_AT batches wait (or a day's last, or a failed one), not for each:
 * woken for each, it took the core from a reader some 700 times a trace.
 */
#define WAKE_AT 8

static void batch_done(struct days_read *dr, struct reader *rd)
{
	const struct batch *b = &rd->ring[rd->head];

	pthread_mutex_lock(&dr->mu);
	rd->head = (rd->head + 1) % RING;
	rd->count++;
	if (rd->count >= WAKE_AT || b->day_end || b->failed)
		pthread_cond_signal(&rd->ready);
	pthread_mutex_unlock(&dr->mu);
}

/* Whether line seq (len bytes) goes into b, after its other lines. */
static int batch_takes(const struct batch *b, uint64_t seq, size_t len)
{
	return !b->n || (b->n < BATCH_LINES && seq == b->seq0 + b->n &&
			 b->len + len + P_COUNT <= BATCH_TEXT_MAX);
}

static void batch_text(struct batch *b, struct item *it, int type, const char *line, size_t len)
{
	b->text = grow(b->text, &b->cap, b->len + len, 1);
	memcpy(b->text + b->len, line, len);
	it->type = (uint8_t)type;
	it->off = (uint32_t)b->len;
	it->len = (uint32_t)len;
	b->len += len;
}

/* The values the taker reads of an event (s[i][0..len[i]), s[i] NULL for
 * one that is not a string) into out, one after the other with their
 * NULs, their lengths in vlen: one that does not fit its field_room reads
 * as absent (pack_value).  Returns the bytes written. */
static size_t pack_event(char *out, const char *const s[F_COUNT], const size_t len[F_COUNT],
			 uint8_t vlen[P_COUNT])
{
	size_t n = 0;

	for (int i = 0; i < P_COUNT; i++) {
		int fi = packed_field[i];
		size_t l = pack_value(out + n, s[fi], len[fi], field_room[fi]);

		vlen[i] = (uint8_t)l;
		n += l + 1;
	}
	return n;
}

/* f pointing at the values pack_event packed at base (no time or kind:
 * they went over parsed). */
static void unpack_event(struct fields *f, const char *base, const uint8_t vlen[P_COUNT])
{
	const char **to[P_COUNT] = { &f->gate, &f->name, &f->id_no, &f->phone, &f->household,
				     &f->host };

	f->ts = f->kind = "";
	for (int i = 0; i < P_COUNT; i++) {
		*to[i] = base;
		base += vlen[i] + 1;
	}
}

/* The time of a scanned value, as read_fields' path parses it: 0, or -1
 * for none (not a string, too long for its room, not a time).  Through
 * the reader's memo: a day's times differ in their clock alone. */
static int scanned_time(struct cg_time_memo *m, const struct cg_scan_val *v, cg_time_t *at)
{
	if (v->type != CG_SCAN_STRING || v->len >= CG_TIME_MEMO_TEXT || v->len >= field_room[F_TS])
		return -1;
	return cg_time_parse_memo(m, v->p, v->len, at);
}

/* kind_of of a scanned value ("" when not a string). */
static uint8_t scanned_kind(const struct cg_scan_val *v)
{
	static const struct { const char *s; size_t len; uint8_t kind; } kinds[] = {
		{ "staff", 5, K_STAFF }, { "courier", 7, K_COURIER }, { "visitor", 7, K_VISITOR }
	};

	for (size_t i = 0; v->type == CG_SCAN_STRING && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (v->len == kinds[i].len && !memcmp(v->p, kinds[i].s, v->len))
			return kinds[i].kind;
	return K_OTHER;
}

/* Whether a scanned record names someone: an ID number, phone or name
 * (as packed: one too long for its room is absent).  One that does not
 * (a vehicle's) is nobody's passage: person_of finds no key in it, and
 * take_fields does nothing else with it. */
static int names_someone(const struct cg_scan_val *v)
{
	static const int who[] = { F_ID_NO, F_PHONE, F_NAME };

	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
		if (v[who[i]].type == CG_SCAN_STRING && v[who[i]].len &&
		    v[who[i]].len < field_room[who[i]])
			return 1;
	return 0;
}

/* One line into the batch (batch_takes it): its fields when the fast
 * scan reads it. */
static void batch_line(struct batch *b, const struct cg_scan_keys *k, struct reader *rd,
		       uint64_t seq, const char *line, size_t len)
{
	struct item *it = &b->items[b->n];
	struct cg_scan_val v[F_SCANNED];
	int scanned = cg_scan_line_ordered(k, &rd->order, line, len, v);

	if (!b->n++)
		b->seq0 = seq;
	if (scanned ? cg_correction_maybe_scanned(line, len, &v[F_CORRECTED_AT]) :
		      cg_correction_maybe(line, len)) {
		batch_text(b, it, IT_CORRECTION, line, len);
	} else if (scanned) {
		const char *s[F_COUNT];
		size_t lens[F_COUNT];
		struct fields f;

		/* The values the taker reads, a fifth of the line, packed
		 * for it: it reads a cache line or two a record, and a ring
		 * holds a day in some 4.5 MB. */
		it->type = v[F_GATE].type == CG_SCAN_STRING && v[F_GATE].len &&
			   v[F_GATE].len < field_room[F_GATE] && names_someone(v) &&
			   scanned_time(&rd->times, &v[F_TS], &it->at) == 0 ?
			   IT_EVENT : IT_OTHER;
		if (it->type == IT_OTHER)
			return;
		scanned_values(v, s, lens);
		b->text = grow(b->text, &b->cap, b->len + len + P_COUNT, 1);
		it->off = (uint32_t)b->len;
		b->len += pack_event(b->text + b->len, s, lens, it->vlen);
		unpack_event(&f, b->text + it->off, it->vlen);
		it->kind = scanned_kind(&v[F_KIND]);
		it->idhash = id_hash(&f);
	} else {
		batch_text(b, it, IT_TEXT, line, len);
	}
}

/* Read one day into batches; 0, or -1 when the reading stops. */
static int reader_day(struct days_read *dr, struct reader *rd, const char *day)
{
	struct cg_journal_reader jr;
	struct batch *b;
	struct cg_err err;
	int st;

	if (!(b = batch_start(dr, rd)))
		return -1;
	if (cg_journal_reader_open_stream(&jr, dr->h, "checkin", day, &err) < 0) {
		b->failed = 1;
		b->err = err;
		batch_done(dr, rd);
		return -1;
	}
	while ((st = cg_journal_reader_next(&jr, NULL, &err)) == 1) {
		if (!batch_takes(b, jr.seq, jr.len)) {
			batch_done(dr, rd);
			if (!(b = batch_start(dr, rd)))
				break;
		}
		batch_line(b, &dr->k, rd, jr.seq, jr.line, jr.len);
	}
	if (b) {
		b->day_end = 1;
		b->failed = st < 0;
		b->err = err;
		snprintf(b->notice, sizeof(b->notice), "%s", jr.notice);
		if (st == 0 && jr.torn)
			snprintf(b->torn, sizeof(b->torn), "%s", jr.label);
		batch_done(dr, rd);
	}
	cg_journal_reader_release(&jr);
	return b && st == 0 ? 0 : -1;
}

static void *reader_main(void *arg)
{
	struct reader_arg *a = arg;
	struct days_read *dr = a->dr;

	for (size_t d = (size_t)a->no; d < json_array_size(dr->days); d += READERS)
		if (reader_day(dr, &dr->r[a->no], json_string_value(json_array_get(dr->days, d))) < 0)
			break;
	return NULL;
}

/* One item of a batch of day into the register (or the corrections). */
static int take_item(struct cg_trace *t, const struct batch *b, const struct item *it,
		     const char *day, const struct cg_scan_keys *k, struct cg_err *err)
{
	const char *text = it->type == IT_TEXT || it->type == IT_CORRECTION ? b->text + it->off :
			   NULL;
	const char *line = text;
	size_t len = it->len;
	uint64_t seq = b->seq0 + (uint64_t)(it - b->items);

	t->events++;
	if (it->type == IT_CORRECTION)
		return t->fixing ? 0 : cg_corrections_add(&t->fix, t->cfg->compound_code, day,
							   seq, line, len, err);
	if (t->fixing) {
		if (!corrected(t, day, seq, &line, &len))
			return 0;
		if (line != text) {	/* its latest amendment */
			take_line(t->reg, k, line, len);
			return 0;
		}
	}
	/* Not a passage of anyone as it stands (see names_someone): an
	 * amendment that makes it one was taken above. */
	if (it->type == IT_OTHER)
		return 0;
	if (it->type == IT_EVENT) {
		struct fields f;

		unpack_event(&f, b->text + it->off, it->vlen);
		take_fields(t->reg, &f, it->at, it->kind, it->idhash);
	} else {
		take_line(t->reg, k, line, len);
	}
	return 0;
}

/* Take day d's batches from its reader, in order.  0, or -1 with *err. */
static int take_day(struct cg_trace *t, struct days_read *dr, size_t d,
		    const struct cg_notifier *n, struct cg_err *err)
{
	struct reader *rd = &dr->r[d % READERS];
	const char *day = json_string_value(json_array_get(dr->days, d));
	int ret = 0, end = 0;

	while (!end && ret == 0) {
		struct batch *b;

		pthread_mutex_lock(&dr->mu);
		while (!rd->count)
			pthread_cond_wait(&rd->ready, &dr->mu);
		b = &rd->ring[rd->tail];
		pthread_mutex_unlock(&dr->mu);
		for (size_t i = 0; i < b->n && ret == 0; i++) {
			/* The cache slot and the values (written by a reader
			 * on the other core) of a record a few ahead, while
			 * this one is taken. */
			if (i + PREFETCH_AHEAD < b->n && b->items[i + PREFETCH_AHEAD].type == IT_EVENT) {
				const struct item *ahead = &b->items[i + PREFETCH_AHEAD];

				/* Its values: some 60 bytes, maybe across
				 * two cache lines. */
				id_prefetch(&t->reg->ids, ahead->idhash);
				__builtin_prefetch(b->text + ahead->off);
				__builtin_prefetch(b->text + ahead->off + 63);
			}
			ret = take_item(t, b, &b->items[i], day, &dr->k, err);
		}
		if (ret == 0 && b->failed) {
			*err = b->err;
			ret = -1;
		}
		if ((end = b->day_end) && ret == 0) {
			if (b->notice[0] && !t->fixing)
				cg_notify(n, CG_MSG_WARNING, "%s", b->notice);
			if (b->torn[0] && !t->fixing)
				cg_notify(n, CG_MSG_WARNING, _("%s: a torn last line was set aside"),
					  b->torn);
			t->days++;
		}
		pthread_mutex_lock(&dr->mu);
		batch_spare(dr, b);
		rd->tail = (rd->tail + 1) % RING;
		rd->count--;
		pthread_cond_broadcast(&dr->cond);
		pthread_mutex_unlock(&dr->mu);
	}
	return ret;
}

/* The days of the period, read by the readers into the register. */
static int read_days(struct cg_trace *t, const struct cg_home *h,
		     const struct cg_notifier *n, struct cg_err *err)
{
	struct days_read *dr;	/* its rings: 200 KB, not for the stack */
	struct reader_arg args[READERS];
	json_t *all, *d;
	size_t i;
	int ret = 0;

	if (cg_journal_days(h, &all, err) < 0)
		return -1;
	if (!(dr = calloc(1, sizeof(*dr))))
		abort();
	dr->h = h;
	dr->days = json_array();
	json_array_foreach(all, i, d) {
		int32_t day;

		if (cg_day_parse(json_string_value(d), &day) == 0 &&
		    day >= t->since && day <= t->until)
			json_array_append(dr->days, d);
	}
	json_decref(all);
	cg_scan_keys_init(&dr->k, field_names, F_SCANNED);
	for (int r = 0; r < READERS; r++)
		cg_scan_order_init(&dr->r[r].order, &dr->k);
	pthread_mutex_init(&dr->mu, NULL);
	pthread_cond_init(&dr->cond, NULL);
	for (int r = 0; r < READERS; r++)
		pthread_cond_init(&dr->r[r].ready, NULL);
	/* The hashing's CPU check, settled before the readers hash at once. */
	(void)cg_sha256_accelerated();
	for (int r = 0; r < READERS && ret == 0; r++) {
		args[r].dr = dr;
		args[r].no = r;
		if (pthread_create(&dr->r[r].th, NULL, reader_main, &args[r]))
			ret = cg_err_set(err, CG_EXIT_SYSTEM, _("cannot start a thread"));
		else
			dr->r[r].started = 1;
	}
	for (i = 0; ret == 0 && i < json_array_size(dr->days); i++)
		ret = take_day(t, dr, i, n, err);
	pthread_mutex_lock(&dr->mu);
	dr->cancel = 1;
	pthread_cond_broadcast(&dr->cond);
	pthread_mutex_unlock(&dr->mu);
	for (int r = 0; r < READERS; r++) {
		if (dr->r[r].started)
			pthread_join(dr->r[r].th, NULL);
		for (int j = 0; j < RING; j++)
			batch_release(&dr->r[r].ring[j]);
	}
	for (size_t j = 0; j < dr->nspare; j++) {
		free(dr->spare[j].items);
		free(dr->spare[j].text);
	}
	pthread_mutex_destroy(&dr->mu);
	pthread_cond_destroy(&dr->cond);
	for (int r = 0; r < READERS; r++)
		pthread_cond_destroy(&dr->r[r].ready);
	json_decref(dr->days);
	free(dr);
#ifdef __GLIBC__
	/* The batches were the readers' (their threads' arenas), up to 16 MB
	 * when the rings were full: given back, not kept beside what the
	 * tracing allocates next. */
	malloc_trim(0);
#endif
	return ret < 0 ? -1 : 0;
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

static uint32_t person_hh(const void *ctx, size_t i)
{
	return ((const struct person *)ctx)[i].hh;
}

/* off[0..n] from counts in off[1..n]: off[v] where v's start, off[n] all. */
static void starts(uint32_t *off, size_t n)
{
	for (size_t v = 0; v < n; v++)
		off[v + 1] += off[v];
}

static uint32_t *array_of(size_t n)
{
	uint32_t *a = calloc(n + 1, sizeof(*a));

	if (!a)
		abort();
	return a;
}

/* The events of a gate's run [from, to) sorted by time: they are in
 * journal order, which is time order but for back-filled records. */
static void sort_run(struct cg_trace_register *r, uint32_t from, uint32_t to)
{
	for (uint32_t i = from + 1; i < to; i++)
		if (r->events[i].at < r->events[i - 1].at) {
			qsort(r->events + from, to - from, sizeof(*r->events), by_gate_time);
			return;
		}
}

/*
 * The events by gate, then time (gate_off), and the positions of each
 * person's and each host household's in that order (person_off and
 * person_ev, host_off and host_ev): one pass counts all three, one places
 * the events by gate in journal order (a stable counting sort), and one
 * per gate sorts its run when it is not already in time order, then files
 * its positions.  Four passes over the events where sorting and grouping
 * them apart took seven (finish() is a serial 30-40 ms of a trace).
 */
static void sort_events(struct cg_trace_register *r, size_t ngates, size_t nhh)
{
	struct event *by_gate = malloc((r->nevents + 1) * sizeof(*by_gate));
	uint32_t *pos, *pcur, *hcur;

	if (!by_gate)
		abort();
	r->gate_off = array_of(ngates);
	r->person_off = array_of(r->npersons);
	r->host_off = array_of(nhh);
	for (size_t i = 0; i < r->nevents; i++) {
		r->gate_off[r->events[i].gate + 1]++;
		r->person_off[r->events[i].person + 1]++;
		if (r->events[i].host != NONE)
			r->host_off[r->events[i].host + 1]++;
	}
	starts(r->gate_off, ngates);
	starts(r->person_off, r->npersons);
	starts(r->host_off, nhh);
	pos = array_of(ngates);
	memcpy(pos, r->gate_off, (ngates + 1) * sizeof(*pos));
	for (size_t i = 0; i < r->nevents; i++)
		by_gate[pos[r->events[i].gate]++] = r->events[i];
	free(pos);
	free(r->events);
	r->events = by_gate;
	r->ealloc = r->nevents + 1;
	r->person_ev = array_of(r->nevents);
	r->host_ev = array_of(r->host_off[nhh]);
	pcur = array_of(r->npersons);
	hcur = array_of(nhh);
	memcpy(pcur, r->person_off, (r->npersons + 1) * sizeof(*pcur));
	memcpy(hcur, r->host_off, (nhh + 1) * sizeof(*hcur));
	for (size_t g = 0; g < ngates; g++) {
		sort_run(r, r->gate_off[g], r->gate_off[g + 1]);
		for (uint32_t i = r->gate_off[g]; i < r->gate_off[g + 1]; i++) {
			const struct event *e = &r->events[i];

			r->person_ev[pcur[e->person]++] = i;
			if (e->host != NONE)
				r->host_ev[hcur[e->host]++] = i;
		}
	}
	free(pcur);
	free(hcur);
}

static void finish(struct cg_trace_register *r)
{
	/* Only the reading asks it: its memory is the tracing's. */
	free(r->ids.slots);
	memset(&r->ids, 0, sizeof(r->ids));
	sort_events(r, r->gates.n, r->hhs.n);
	group(r->hhs.n, r->npersons, person_hh, r->persons, &r->member_off, &r->member);
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
	int n = register_keys(json_string_value(json_object_get(p, "id_no")),
			      json_string_value(json_object_get(p, "phone")),
			      json_string_value(json_object_get(p, "name")),
			      json_string_value(json_object_get(p, "household")), keys);

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

/*
 * One reason noted: kept small (a sweep notes hundreds of thousands),
 * made JSON only when printed.  Its times, gate, household and minutes
 * follow from the events it names (positions in r->events, NONE for none)
 * and its index person: a household or visitor reason is of the index
 * person's household, visited_by_index of the one the index person named
 * as host; the gate is that of either event.
 */
struct why {
	uint32_t index : 29;		/* its index person */
	uint32_t code : 3;		/* enum cg_trace_why */
	uint32_t index_ev, contact_ev;
};

static void note(struct cg_trace *t, uint32_t p, const struct why *w, cg_time_t at, int minutes)
{
	struct cg_trace_contact *c = &t->contacts[p];
	int depth = t->index[w->index].depth;
	int rank = cg_trace_why_rank(w->code);

	if (minutes < 0)
		minutes = INT_MAX;
	if (c->excluded || (c->depth && c->depth != depth))
		return;
	if (w->code == CG_TRACE_HOUSEHOLD)
		c->household = 1;
	else if (at > c->last)
		c->last = at;
	if (!c->rank) {
		c->rank = (unsigned char)rank;
		c->code = (unsigned char)w->code;
		c->depth = (unsigned char)depth;
		c->minutes = minutes;
		c->first = at;
		c->index = w->index;
	} else {
		if (rank < c->rank || (rank == c->rank && minutes < c->minutes)) {
			c->rank = (unsigned char)rank;
			c->code = (unsigned char)w->code;
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
	struct why w = { (uint32_t)ixno, CG_TRACE_HOUSEHOLD, NONE, NONE };

	if (ix->hh == NONE)
		return;
	for (uint32_t i = r->member_off[ix->hh]; t->households && i < r->member_off[ix->hh + 1]; i++)
		if (!is_index_person(ix, r->member[i]))
			note(t, r->member[i], &w, ix->after, -1);
	w.code = CG_TRACE_VISITOR;
	for (uint32_t i = r->host_off[ix->hh]; i < r->host_off[ix->hh + 1]; i++) {
		const struct event *e = &r->events[r->host_ev[i]];

		if (is_index_person(ix, e->person) || e->at < ix->after)
			continue;
		w.contact_ev = r->host_ev[i];
		note(t, e->person, &w, e->at, -1);
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

/* The index person's passage ev. */
static void trace_passage(struct cg_trace *t, size_t ixno, uint32_t ev)
{
	const struct cg_trace_register *r = t->reg;
	const struct cg_trace_index *ix = &t->index[ixno];
	const struct event *e = &r->events[ev];
	cg_time_t span = (cg_time_t)t->window_min * 60;
	struct why w = { (uint32_t)ixno, CG_TRACE_GATE, ev, NONE };

	for (uint32_t i = first_at(r, e->gate, e->at - span);
	     i < r->gate_off[e->gate + 1] && r->events[i].at <= e->at + span; i++) {
		const struct event *f = &r->events[i];
		cg_time_t apart = f->at > e->at ? f->at - e->at : e->at - f->at;

		if (is_index_person(ix, f->person) || !counts_at_gate(t, f))
			continue;
		w.contact_ev = i;
		note(t, f->person, &w, f->at, (int)(apart / 60));
	}
}

/* The index person came as a visitor (passage ev): whoever lives in the
 * household they named as host hosted them. */
static void trace_host(struct cg_trace *t, size_t ixno, uint32_t ev)
{
	const struct cg_trace_register *r = t->reg;
	const struct cg_trace_index *ix = &t->index[ixno];
	const struct event *e = &r->events[ev];
	struct why w = { (uint32_t)ixno, CG_TRACE_HOST, ev, NONE };

	for (uint32_t i = r->member_off[e->host]; i < r->member_off[e->host + 1]; i++)
		if (!is_index_person(ix, r->member[i]))
			note(t, r->member[i], &w, e->at, -1);
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
			trace_passage(t, ixno, r->person_ev[i]);
			if (e->host != NONE)
				trace_host(t, ixno, r->person_ev[i]);
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

/*
 * ---- contact records as text ----
 *
 * A sweep prints tens of thousands of contacts with hundreds of thousands
 * of reasons: building each as Jansson objects to encode them at once was
 * most of its time.  They are written here as the encoder would write them
 * (compact, keys in this order, text unescaped but for what JSON needs).
 */
struct text {
	char *p;
	size_t len, cap;
};

static void put(struct text *o, const char *s, size_t len)
{
	o->p = grow(o->p, &o->cap, o->len + len + 1, 1);
	memcpy(o->p + o->len, s, len);
	o->len += len;
}

static void put_lit(struct text *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A JSON string, escaped as every record's (the register's text is valid
 * UTF-8: it came from JSON). */
static void put_str(struct text *o, const char *s)
{
	size_t len = strlen(s), n;

	o->p = grow(o->p, &o->cap, o->len + 6 * len + 3, 1);
	n = cg_json_string_text(s, len, o->p + o->len, o->cap - o->len);
	if (n)
		o->len += n;
	else
		put(o, "\"\"", 2);
}

/* ,"key":"value" (first: without the comma). */
static void put_key_str(struct text *o, const char *key, const char *s, int *first)
{
	if (!s)
		return;
	if (!*first)
		put(o, ",", 1);
	*first = 0;
	put(o, "\"", 1);
	put_lit(o, key);
	put(o, "\":", 2);
	put_str(o, s);
}

static void put_key_int(struct text *o, const char *key, long long v)
{
	char num[24], *p = num + sizeof(num);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	/* As %lld: a reason's minutes are many, snprintf was a tenth of
	 * writing one. */
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(o, ",\"", 2);
	put_lit(o, key);
	put(o, "\":", 2);
	put(o, p, (size_t)(num + sizeof(num) - p));
}

/*
 * Times as cg_time_format writes them, remembered by the minute: the
 * reasons of a sweep name the same ten thousand minutes again and again,
 * and the local zone's offset is the slow part (glibc parses the zone's
 * rule again for every time past its last change): a minute not
 * remembered is made through a memo of days (cg_time_format_memo).
 * Strings printed again and again (gates, households, index persons)
 * are escaped once.
 */
#define TIME_SLOTS 32768

/* A string as JSON text, escaped once. */
struct escaped {
	char *p;		/* owned; NULL until first asked */
	size_t len;
};

struct time_memo {
	cg_time_t minute[TIME_SLOTS];
	char text[TIME_SLOTS][CG_TIME_LEN];
	unsigned char len[TIME_SLOTS];	/* of text; 0 unused */
	struct cg_day_memo days;
	struct escaped *gates, *hhs, *labels;	/* by number; owned */
};

static char *cpy(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
	return d + n;
}

#define CPY_LIT(d, s) cpy(d, s, sizeof(s) - 1)

/* t's text (see struct time_memo) at d: the end of what was written. */
static char *put_time_at(char *d, struct time_memo *m, cg_time_t t)
{
	cg_time_t minute = t - ((t % 60) + 60) % 60;
	size_t slot = (size_t)((uint64_t)(minute / 60) * 0x9E3779B97F4A7C15u >> 49) % TIME_SLOTS;
	char *text = m->text[slot];
	int sec = (int)(t - minute);

	if (!m->len[slot] || m->minute[slot] != minute) {
		cg_time_format_memo(&m->days, minute, text);
		m->minute[slot] = minute;
		m->len[slot] = (unsigned char)strlen(text);
	}
	/* YYYY-MM-DDTHH:MM:SS then the offset: only the seconds differ. */
	d = cpy(d, text, 17);
	*d++ = (char)('0' + sec / 10);
	*d++ = (char)('0' + sec % 10);
	return cpy(d, text + 19, m->len[slot] - 19u);
}

/* u in decimal at d, as %llu. */
static char *put_digits(char *d, unsigned long long u)
{
	char num[24], *p = num + sizeof(num);

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	return cpy(d, p, (size_t)(num + sizeof(num) - p));
}

/* s as a JSON string, escaped into *e the first time. */
static const struct escaped *escaped(struct escaped *e, const char *s)
{
	if (!e->p) {
		struct text x = { NULL, 0, 0 };

		put_str(&x, s);
		put(&x, "", 0);		/* room for the NUL */
		x.p[x.len] = '\0';
		e->p = x.p;
		e->len = x.len;
	}
	return e;
}

static struct escaped *memo_strings(size_t n)
{
	struct escaped *v = calloc(n + 1, sizeof(*v));

	if (!v)
		abort();
	return v;
}

static void memo_strings_free(struct escaped *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].p);
	free(v);
}

/* A reason at the end of o: its room is taken at once and its parts
 * copied in (64,000 reasons of a trace; each part's own growing and
 * strlen were half of writing one). */
static void put_why(struct text *o, struct time_memo *m, const struct cg_trace *t,
		    const struct why *w)
{
	const struct cg_trace_register *r = t->reg;
	const struct event *ie = w->index_ev == NONE ? NULL : &r->events[w->index_ev];
	const struct event *ce = w->contact_ev == NONE ? NULL : &r->events[w->contact_ev];
	uint32_t hh = w->code == CG_TRACE_HOST ? ie->host :
		      w->code == CG_TRACE_GATE ? NONE : t->index[w->index].hh;
	uint16_t g = ie || ce ? (ie ? ie : ce)->gate : 0;
	const struct escaped *household = hh == NONE ? NULL :
					  escaped(&m->hhs[hh], strtab_name(&r->hhs, hh));
	const struct escaped *gate = !ie && !ce ? NULL :
				     escaped(&m->gates[g], strtab_name(&r->gates, g));
	const struct escaped *label = escaped(&m->labels[w->index], t->index[w->index].label);
	const char *code = cg_trace_why_code(w->code);
	char *d;

	o->p = grow(o->p, &o->cap, o->len + 160 + 2 * CG_TIME_LEN + strlen(code) + label->len +
			  (household ? household->len : 0) + (gate ? gate->len : 0), 1);
	d = o->p + o->len;
	/* The codes are ASCII letters and underscores: nothing to escape. */
	d = CPY_LIT(d, "{\"code\":\"");
	d = cpy(d, code, strlen(code));
	*d++ = '"';
	if (household) {
		d = CPY_LIT(d, ",\"household\":");
		d = cpy(d, household->p, household->len);
	}
	if (gate) {
		d = CPY_LIT(d, ",\"gate\":");
		d = cpy(d, gate->p, gate->len);
	}
	if (ie && ie->at) {
		d = put_time_at(CPY_LIT(d, ",\"index_at\":\""), m, ie->at);
		*d++ = '"';
	}
	if (ce && ce->at) {
		d = put_time_at(CPY_LIT(d, ",\"contact_at\":\""), m, ce->at);
		*d++ = '"';
	}
	if (w->code == CG_TRACE_GATE)
		d = put_digits(CPY_LIT(d, ",\"minutes\":"),
			       (unsigned long long)(ce->at > ie->at ? ce->at - ie->at :
						    ie->at - ce->at) / 60);
	d = cpy(CPY_LIT(d, ",\"index\":"), label->p, label->len);
	*d++ = '}';
	o->len = (size_t)(d - o->p);
}

/* The index person of ix as text, encoded once. */
static const char *index_text(struct cg_trace_index *ix)
{
	size_t n, size = 256;

	while (!ix->text) {
		if (!(ix->text = malloc(size)))
			abort();
		if ((n = cg_json_dumpb(ix->who, ix->text, size)) < size && n) {
			ix->text[n] = '\0';
			break;
		}
		free(ix->text);
		ix->text = NULL;
		if (!n)
			abort();	/* not text Jansson would encode either */
		size = n + 1;
	}
	return ix->text;
}

/*
 * The open or escalated case of register person q, as
 * cg_casebook_active_for answers: a book folded in memory is asked by q's
 * keys first, and q made a JSON person only when one has a case (most
 * contacts have none: building and freeing one per contact was a fifth
 * of writing it).
 */
static const json_t *active_case(const struct cg_casebook *cb, const struct person *q)
{
	char keys[3][CG_PERSON_KEY_LEN];
	const json_t *c = NULL;
	json_t *who;
	int n;

	if (cb->ix || cb->lookup) {
		who = person_record(q);
		c = cg_casebook_active_for(cb, who);
		json_decref(who);
		return c;
	}
	n = cg_person_keys_of(q->id_no, q->phone, q->name, q->household, keys);
	for (int i = 0; i < n; i++)
		if ((c = cg_casebook_active(cb, keys[i]))) {
			who = person_record(q);
			c = cg_person_same(c, who) ? c : NULL;
			json_decref(who);
			if (c)
				return c;
		}
	return NULL;
}

/* The contact record of register person p, as a line (with its newline)
 * in o: see cg_trace_run. */
static void contact_text(struct cg_trace *t, uint32_t p, struct time_memo *m,
			 struct cg_trace_counts *counts, struct text *o)
{
	const struct cg_trace_contact *c = &t->contacts[p];
	const struct person *q = &t->reg->persons[p];
	const json_t *active = active_case(t->cb, q);
	char day[CG_DATE_LEN];
	int first = 1;

	o->len = 0;
	put(o, "{", 1);
	put_key_str(o, "name", q->name, &first);
	put_key_str(o, "id_no", q->id_no, &first);
	put_key_str(o, "phone", q->phone, &first);
	put_key_str(o, "household", q->household, &first);
	put_key_str(o, "reason", c->depth == 1 ? "close_contact" : "secondary_contact", &first);
	/* Observation runs from the last exposure: living together, that
	 * is the end of the period. */
	cg_day_format(c->household || !c->last ? t->until :
		      cg_local_day_memo(&m->days, c->last, NULL), day);
	put_key_str(o, "start", day, &first);
	put_key_int(o, "rank", c->rank);
	put_lit(o, ",\"why\":[");
	for (unsigned i = 0; i < c->nwhy; i++) {
		if (i)
			put(o, ",", 1);
		put_why(o, m, t, &c->why[i]);
	}
	put(o, "]", 1);
	if (c->more)
		put_key_int(o, "more", (long long)c->more);
	put_lit(o, ",\"index\":");
	put_lit(o, index_text(&t->index[c->index]));
	if (active)
		put_key_str(o, "under_observation",
			    json_string_value(json_object_get(active, "case_id")), &first);
	put(o, "}\n", 2);
	counts->contacts++;
	counts->by_why[c->code]++;
	counts->secondary += c->depth == 2;
	counts->under_observation += active != NULL;
}

static struct time_memo *memo_new(const struct cg_trace *t)
{
	struct time_memo *memo = calloc(1, sizeof(*memo));

	if (!memo)
		abort();
	memo->gates = memo_strings(t->reg->gates.n);
	memo->hhs = memo_strings(t->reg->hhs.n);
	memo->labels = memo_strings(t->nindex);
	return memo;
}

static void memo_free(const struct cg_trace *t, struct time_memo *memo)
{
	memo_strings_free(memo->gates, t->reg->gates.n);
	memo_strings_free(memo->hhs, t->reg->hhs.n);
	memo_strings_free(memo->labels, t->nindex);
	free(memo);
}

/*
 * Writing the records is what is left on one core once the register is
 * read (some 70 ms of the bench's 11,000 contacts, 1.2 KB each): a helper
 * thread writes every other chunk of FORMAT_CHUNK records while this one
 * writes the others, and this one hands them all to emit in order.  The
 * helper has its memo and counts of its own; what both read (the trace,
 * the register, the cases held in memory) is not written meanwhile: the
 * index persons' text is made first.  Not with a case index (its
 * lookups fill a cache), nor for a few records.  The helper's memo and
 * the two chunks (of 128, not more: a sweep's records are 2 KB) cost
 * some 2 MB at the sweep's peak.
 */
#define FORMAT_CHUNK 128

struct chunk {
	struct text text;	/* the records, one after the other */
	size_t ends[FORMAT_CHUNK];	/* where each ends in text */
	size_t n;
};

struct formatter {
	struct cg_trace *t;
	const uint32_t *list;
	size_t count;
	struct time_memo *memo;
	struct cg_trace_counts counts;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int ready;		/* out holds a chunk not yet emitted */
	int stop;
	struct chunk out;
};

/* Records first .. first + FORMAT_CHUNK of list (as far as count) into ch. */
static void format_chunk(struct cg_trace *t, const uint32_t *list, size_t count, size_t first,
			 struct time_memo *m, struct cg_trace_counts *counts, struct chunk *ch)
{
	struct text line = { NULL, 0, 0 };

	ch->text.len = ch->n = 0;
	for (size_t i = first; i < count && ch->n < FORMAT_CHUNK; i++) {
		contact_text(t, list[i], m, counts, &line);
		put(&ch->text, line.p, line.len);
		ch->ends[ch->n++] = ch->text.len;
	}
	free(line.p);
}

static int emit_chunk(const struct chunk *ch, cg_trace_emit_fn *emit, void *ctx,
		      struct cg_err *err)
{
	for (size_t i = 0, start = 0; emit && i < ch->n; start = ch->ends[i++])
		if (emit(ctx, ch->text.p + start, ch->ends[i] - start, err) < 0)
			return -1;
	return 0;
}

/* The helper: the odd chunks, each when the one before was emitted. */
static void *formatter_main(void *arg)
{
	struct formatter *f = arg;

	for (size_t first = FORMAT_CHUNK; first < f->count; first += 2 * FORMAT_CHUNK) {
		pthread_mutex_lock(&f->mu);
		while (f->ready && !f->stop)
			pthread_cond_wait(&f->cond, &f->mu);
		pthread_mutex_unlock(&f->mu);
		if (f->stop)
			break;
		format_chunk(f->t, f->list, f->count, first, f->memo, &f->counts, &f->out);
		pthread_mutex_lock(&f->mu);
		f->ready = 1;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

/* The helper's next chunk, emitted; then it may write the one after. */
static int emit_helpers(struct formatter *f, cg_trace_emit_fn *emit, void *ctx,
			struct cg_err *err)
{
	int ret;

	pthread_mutex_lock(&f->mu);
	while (!f->ready)
		pthread_cond_wait(&f->cond, &f->mu);
	pthread_mutex_unlock(&f->mu);
	ret = emit_chunk(&f->out, emit, ctx, err);
	pthread_mutex_lock(&f->mu);
	f->ready = 0;
	f->stop = ret < 0;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->mu);
	return ret;
}

static void counts_add(struct cg_trace_counts *to, const struct cg_trace_counts *c)
{
	to->contacts += c->contacts;
	to->under_observation += c->under_observation;
	to->secondary += c->secondary;
	for (size_t i = 0; i < sizeof(to->by_why) / sizeof(to->by_why[0]); i++)
		to->by_why[i] += c->by_why[i];
}

/* The records of list, in order, by this thread and a helper. */
static int emit_two(struct cg_trace *t, const uint32_t *list, size_t count,
		    struct time_memo *m, struct cg_trace_counts *counts,
		    cg_trace_emit_fn *emit, void *ctx, struct cg_err *err)
{
	struct formatter *f = calloc(1, sizeof(*f));
	struct chunk *mine = calloc(1, sizeof(*mine));
	pthread_t th;
	int ret = 0;

	if (!f || !mine)
		abort();
	for (size_t i = 0; i < t->nindex; i++)
		index_text(&t->index[i]);
	f->t = t;
	f->list = list;
	f->count = count;
	f->memo = memo_new(t);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cond, NULL);
	if (pthread_create(&th, NULL, formatter_main, f)) {
		f->stop = 1;	/* then all on this thread */
		for (size_t first = 0; ret == 0 && first < count; first += FORMAT_CHUNK) {
			format_chunk(t, list, count, first, m, counts, mine);
			ret = emit_chunk(mine, emit, ctx, err);
		}
	} else {
		for (size_t first = 0; ret == 0 && first < count; first += 2 * FORMAT_CHUNK) {
			format_chunk(t, list, count, first, m, counts, mine);
			ret = emit_chunk(mine, emit, ctx, err);
			if (ret == 0 && first + FORMAT_CHUNK < count)
				ret = emit_helpers(f, emit, ctx, err);
		}
		pthread_mutex_lock(&f->mu);
		f->stop = 1;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->mu);
		pthread_join(th, NULL);
	}
	counts_add(counts, &f->counts);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cond);
	memo_free(t, f->memo);
	free(f->out.text.p);
	free(f);
	free(mine->text.p);
	free(mine);
	return ret;
}

/* The records of list, in order, on this thread alone. */
static int emit_one(struct cg_trace *t, const uint32_t *list, size_t count,
		    struct time_memo *m, struct cg_trace_counts *counts,
		    cg_trace_emit_fn *emit, void *ctx, struct cg_err *err)
{
	struct text line = { NULL, 0, 0 };
	int ret = 0;

	for (size_t i = 0; i < count && ret == 0; i++) {
		contact_text(t, list[i], m, counts, &line);
		if (emit)
			ret = emit(ctx, line.p, line.len, err);
	}
	free(line.p);
	return ret;
}

int cg_trace_run(struct cg_trace *t, struct cg_trace_counts *counts,
		 cg_trace_emit_fn *emit, void *ctx, struct cg_err *err)
{
	size_t nfirst = t->nindex;
	struct time_memo *memo;
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
	memo = memo_new(t);
	for (int depth = 1; depth <= t->depth && ret == 0; depth++) {
		size_t n;
		uint32_t *list = contacts_of(t, depth, &n);

		if (!t->one_thread && !t->cb->ix && n > 2 * FORMAT_CHUNK)
			ret = emit_two(t, list, n, memo, counts, emit, ctx, err);
		else
			ret = emit_one(t, list, n, memo, counts, emit, ctx, err);
		free(list);
	}
	memo_free(t, memo);
	return ret;
}
