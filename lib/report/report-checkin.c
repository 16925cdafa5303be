/*
 * A check-in line, from the fast scanner or from Jansson, read into the
 * same view and checked as cg-checkin would write it.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/suggest.h"
#include "core/mask.h"
#include "rules/person.h"
#include "report/report-counters.h"

static const char *const key_names[K_COUNT] = {
	"ts", "compound", "gate", "dir", "kind", "decision", "reasons", "temp",
	"visit_until", "name", "id_no", "phone", "household", "host", "plate",
	"event", "pass", "registered_at", "corrected_at", "chain"
};

const char *const cg_report_kinds[] = {
	"resident", "tenant", "visitor", "courier", "staff", "vehicle"
};

const char *const cg_report_decisions[] = { "admit", "deny", "refer" };

void cg_report_keys_init(struct cg_scan_keys *keys)
{
	cg_scan_keys_init(keys, key_names, K_COUNT);
}

/* ---- small helpers ---- */

char *cg_report_copy_str(const struct field *f, char *buf, size_t size)
{
	size_t n = f->len < size - 1 ? f->len : size - 1;

	/* Never cut a UTF-8 sequence in two. */
	if (n < f->len)
		while (n > 0 && ((unsigned char)f->p[n] & 0xC0) == 0x80)
			n--;
	memcpy(buf, f->p, n);
	buf[n] = '\0';
	return buf;
}

/* A value for a message: at most 63 bytes, "..." when cut, control
 * characters as '?' (a message goes to a terminal). */
const char *cg_report_shown(const struct field *f, char *buf, size_t size)
{
	cg_report_copy_str(f, buf, size < 64 ? size : 64);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	if (strlen(buf) < f->len && strlen(buf) + 4 <= size)
		strcat(buf, "...");
	return buf;
}

static int field_is(const struct field *f, const char *s)
{
	size_t i;

	if (f->type != CG_SCAN_STRING)
		return 0;
	for (i = 0; i < f->len; i++)
		if (f->p[i] != s[i])
			return 0;
	return s[i] == '\0';
}

static int index_of(const struct field *f, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (field_is(f, list[i]))
			return i;
	return -1;
}

/* ---- the two ways to a view ---- */

/*
 * A number the scanner accepted, as strtod() reads it: with at most 15
 * digits the digits are an exact double and so is the power of ten, and
 * one division rounds their quotient correctly, as strtod does.
 */
static double number(const char *p, size_t len)
{
	static const double tens[] = {
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
		1e13, 1e14, 1e15
	};
	char buf[48];
	int64_t n = 0;
	int digits = 0, frac = -1, neg = 0;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '-')
			neg = 1;
		else if (c == '.')
			frac = 0;
		else {
			n = n * 10 + (c - '0');
			if (n)
				digits++;
			if (frac >= 0)
				frac++;
		}
		if (digits > 15 || frac > 15)
			goto slow;
	}
	if (frac < 0)
		frac = 0;
	if (neg && !n)
		goto slow;	/* -0 */
	return (neg ? -(double)n : (double)n) / tens[frac];
slow:
	memcpy(buf, p, len);
	buf[len] = '\0';
	return strtod(buf, NULL);
}

/* A field is a scanned value, member for member: the view takes the
 * values as one copy. */
_Static_assert(sizeof(struct field) == sizeof(struct cg_scan_val) &&
	       offsetof(struct field, type) == offsetof(struct cg_scan_val, type) &&
	       offsetof(struct field, p) == offsetof(struct cg_scan_val, p) &&
	       offsetof(struct field, len) == offsetof(struct cg_scan_val, len),
	       "struct field is laid out as struct cg_scan_val");

void cg_report_fast_view(struct view *v, const struct cg_scan_val *vals)
{
	if (vals != v->vals)
		memcpy(v->f, vals, sizeof(v->f));
	v->fast = 1;
	v->temp = 0;
	if (vals[K_TEMP].type == CG_SCAN_NUMBER)
		v->temp = number(vals[K_TEMP].p, vals[K_TEMP].len);
	v->nreasons = 0;
	v->too_many_reasons = 0;
	if (vals[K_REASONS].type == CG_SCAN_ARRAY) {
		struct cg_scan_val e;
		size_t pos = 0;

		while (cg_scan_array_next(&vals[K_REASONS], &pos, &e)) {
			if (v->nreasons == CG_REPORT_MAX_REASONS) {
				v->too_many_reasons = 1;
				break;
			}
			v->reasons[v->nreasons].type = e.type;
			v->reasons[v->nreasons].p = e.p;
			v->reasons[v->nreasons].len = e.len;
			v->nreasons++;
		}
	}
}

static void json_field(struct field *f, const json_t *j)
{
	f->p = NULL;
	f->len = 0;
	switch (json_typeof(j)) {
	case JSON_STRING:
		f->type = CG_SCAN_STRING;
		f->p = json_string_value(j);
		f->len = json_string_length(j);
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		f->type = CG_SCAN_NUMBER;
		break;
	case JSON_TRUE: f->type = CG_SCAN_TRUE; break;
	case JSON_FALSE: f->type = CG_SCAN_FALSE; break;
	case JSON_NULL: f->type = CG_SCAN_NULL; break;
	case JSON_ARRAY: f->type = CG_SCAN_ARRAY; break;
	default: f->type = CG_SCAN_OBJECT; break;
	}
}

void cg_report_slow_view(struct view *v, const json_t *rec)
{
	const json_t *j;

	for (int k = 0; k < K_COUNT; k++) {
		j = json_object_get(rec, key_names[k]);
		if (j)
			json_field(&v->f[k], j);
		else
			v->f[k] = (struct field){ CG_SCAN_ABSENT, NULL, 0 };
	}
	v->fast = 0;
	j = json_object_get(rec, "temp");
	v->temp = json_is_number(j) ? json_number_value(j) : 0;
	v->nreasons = 0;
	v->too_many_reasons = 0;
	j = json_object_get(rec, "reasons");
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			if (v->nreasons == CG_REPORT_MAX_REASONS) {
				v->too_many_reasons = 1;
				break;
			}
			json_field(&v->reasons[v->nreasons++], json_array_get(j, i));
		}
	}
}

int cg_report_bad(char *why, size_t whylen, const char *fmt, const char *a)
{
	snprintf(why, whylen, fmt, a);
	return 1;
}

/* A string field: absent is fine unless required; other types are not. */
static int check_string(const struct view *v, int k, int required, char *why, size_t whylen)
{
	const struct field *f = &v->f[k];

	if (f->type == CG_SCAN_ABSENT)
		return required ? cg_report_bad(why, whylen, _("missing field '%s'"), key_names[k]) : 0;
	if (f->type != CG_SCAN_STRING)
		return cg_report_bad(why, whylen, _("'%s' must be a string"), key_names[k]);
	if (!f->len)
		return cg_report_bad(why, whylen, _("'%s' must not be empty"), key_names[k]);
	return 0;
}

/* The same, a string of some bytes (nearly every field) told without a
 * call: a dozen fields a record. */
static inline __attribute__((always_inline)) int want_string(const struct view *v, int k,
							  int required, char *why,
							  size_t whylen)
{
	if (v->f[k].type == CG_SCAN_STRING && v->f[k].len)
		return 0;
	return check_string(v, k, required, why, whylen);
}

static int two_digits(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return 0;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 1;
}

/*
 * A time as cg-checkin writes it, YYYY-MM-DDTHH:MM:SS+HH:MM (or -HH:MM),
 * read as cg_time_parse() reads it, without its calls: the date, the same
 * on most lines of a journal, is parsed once (by cg_time_parse) and
 * remembered.  0 for any other form (a fraction, Z, a leap second): the
 * caller parses it.
 */
static int fast_time(struct cg_report *r, const struct field *f, cg_time_t *t)
{
	const char *s = f->p;
	int h, mi, se, oh, om, off;
	cg_time_t v;

	if (f->len != 25 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    (s[19] != '+' && s[19] != '-') || s[22] != ':' ||
	    !two_digits(s + 11, &h) || !two_digits(s + 14, &mi) || !two_digits(s + 17, &se) ||
	    !two_digits(s + 20, &oh) || !two_digits(s + 23, &om) ||
	    h > 23 || mi > 59 || se > 59 || oh > 23 || om > 59)
		return 0;
	if (memcmp(s, r->ts_day, sizeof(r->ts_day))) {
		char day[32];
		cg_time_t start;

		memcpy(day, s, 10);
		memcpy(day + 10, "T00:00:00Z", 11);
		if (cg_time_parse(day, 0, &start) < 0)
			return 0;
		memcpy(r->ts_day, s, sizeof(r->ts_day));
		r->ts_day_start = start;
	}
	off = (oh * 3600 + om * 60) * (s[19] == '-' ? -1 : 1);
	v = r->ts_day_start + h * 3600 + mi * 60 + se - off;
	if (v < CG_TIME_MIN || v > CG_TIME_MAX)
		return 0;
	*t = v;
	return 1;
}

static int want_time(struct cg_report *r, const struct view *v, int k, int required,
		     cg_time_t *t, char *why, size_t whylen)
{
	char buf[64], show[80];

	if (want_string(v, k, required, why, whylen))
		return 1;
	if (v->f[k].type == CG_SCAN_ABSENT || (v->fast && fast_time(r, &v->f[k], t)))
		return 0;
	if (v->f[k].len >= sizeof(buf) ||
	    cg_time_parse(cg_report_copy_str(&v->f[k], buf, sizeof(buf)), 0, t) < 0) {
		snprintf(why, whylen, _("'%s' is not an RFC 3339 time: '%s'"), key_names[k],
			 cg_report_shown(&v->f[k], show, sizeof(show)));
		return 1;
	}
	return 0;
}

/*
 * n bytes (at most 32) from src to dst as a few word moves: the memo's
 * copies are short, and a memcpy() of a length unknown at compile time
 * may become a "rep movs", slow to start for so few bytes.
 */
static inline void copy_short(char *dst, const char *src, size_t n)
{
	uint64_t a, b;

	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&a, src + i, 8);
			memcpy(dst + i, &a, 8);
		}
		memcpy(&b, src + n - 8, 8);	/* the last 8, overlapping */
		memcpy(dst + n - 8, &b, 8);
		return;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* The memo slot of field k's value p[0..len), len at most 32. */
static struct known *known_slot(struct cg_report *r, int k, const char *p, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL * (uint64_t)(k + 1) ^ len, w;
	const char *end = p + len;
	uint32_t a, b;

	/* A word at a time: IDs, phones and households are 8 to 18 bytes,
	 * looked up four times a record.  The bytes after the whole words
	 * are read by loads that overlap (the last 8 bytes, or the first and
	 * the last 4), not copied into a word: a load of a word stored a
	 * byte at a time waits for the stores. */
	if (len >= 8) {
		for (; end - p > 8; p += 8) {
			memcpy(&w, p, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdULL;
			h ^= h >> 32;
		}
		memcpy(&w, end - 8, 8);
	} else if (len >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, end - 4, 4);
		w = a | (uint64_t)b << 32;
	} else if (len) {
		w = (unsigned char)p[0] | (unsigned)(unsigned char)p[len / 2] << 8 |
		    (unsigned)(unsigned char)end[-1] << 16;
	} else {
		w = 0;
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return &r->known[h & (CG_REPORT_KNOWN - 1)];
}

/* The person fields of a check-in, in the order they are checked. */
enum { P_ID_NO, P_PHONE, P_HOUSEHOLD, P_HOST, P_COUNT };
static const int person_keys[P_COUNT] = { K_ID_NO, K_PHONE, K_HOUSEHOLD, K_HOST };

/*
 * The memo slots of v's person fields (NULL for a value not memoised),
 * fetched ahead: the memo does not stay in a core's cache beside the
 * lines, and the four misses of a record overlap each other and the
 * checks before them.
 */
static void person_slots(struct cg_report *r, const struct view *v,
			 struct known *slots[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++) {
		const struct field *f = &v->f[person_keys[i]];

		slots[i] = NULL;
		if (f->type == CG_SCAN_STRING && f->len && f->len <= sizeof(slots[i]->raw)) {
			slots[i] = known_slot(r, person_keys[i], f->p, f->len);
			__builtin_prefetch(slots[i]);
		}
	}
}

/* An identifying field, checked and normalised as cg-checkin does;
 * slot from person_slots. */
static int want_person(struct cg_report *r, const struct view *v, int k,
		       struct known *slot, char *out, char *why, size_t whylen)
{
	char buf[128], masked[64];
	const char *reason;
	const struct field *f = &v->f[k];
	size_t n;

	out[0] = '\0';
	if (want_string(v, k, 0, why, whylen))
		return 1;
	if (f->type == CG_SCAN_ABSENT)
		return 0;
	if (slot) {
		if (slot->field == k + 1 && slot->len == f->len &&
		    cg_scan_same(slot->raw, f->p, f->len)) {
			copy_short(out, slot->norm, (size_t)slot->nlen + 1);
			return 0;
		}
	}
	cg_report_copy_str(&v->f[k], buf, sizeof(buf));
	/* Records were written under the household form of their day, which
	 * config may have changed since: either form is read. */
	if (v->f[k].len >= sizeof(buf) ||
	    cg_person_field_valid(k == K_ID_NO ? CG_PERSON_ID_NO : k == K_PHONE ? CG_PERSON_PHONE :
				  CG_PERSON_HOUSEHOLD, buf, r->o.now, CG_HOUSEHOLD_ANY, out, &reason) < 0) {
		if (v->f[k].len >= sizeof(buf))
			reason = _("too long");
		/* No full ID or phone number in messages. */
		if (k == K_ID_NO)
			cg_mask_id_no(buf, masked, sizeof(masked));
		else if (k == K_PHONE)
			cg_mask_phone(buf, masked, sizeof(masked));
		else
			cg_report_shown(&v->f[k], masked, sizeof(masked));
		snprintf(why, whylen, _("invalid %s '%s': %s"), key_names[k], masked, reason);
		out[0] = '\0';
		return 1;
	}
	if (slot && (n = strlen(out)) < sizeof(slot->norm)) {
		slot->field = (unsigned char)(k + 1);
		slot->len = (unsigned char)f->len;
		slot->nlen = (unsigned char)n;
		copy_short(slot->raw, f->p, f->len);
		copy_short(slot->norm, out, n + 1);
	}
	return 0;
}

int cg_report_check_checkin(struct cg_report *r, const struct view *v, struct checkin *c,
			    char *why, size_t whylen)
{
	struct known *slots[P_COUNT];
	char show[80];

	person_slots(r, v, slots);
	memset(c, 0, offsetof(struct checkin, gate));
	c->gate[0] = c->id_no[0] = c->phone[0] = c->household[0] = c->host[0] = '\0';
	if (want_time(r, v, K_TS, 1, &c->at, why, whylen) ||
	    want_string(v, K_GATE, 1, why, whylen) ||
	    want_string(v, K_DIR, 1, why, whylen) ||
	    want_string(v, K_KIND, 1, why, whylen) ||
	    want_string(v, K_DECISION, 1, why, whylen))
		return 1;
	if (v->f[K_GATE].len >= CG_REPORT_GATE_LEN)
		return cg_report_bad(why, whylen, _("'%s' is too long"), "gate");
	c->gate_len = v->f[K_GATE].len;
	memcpy(c->gate, v->f[K_GATE].p, c->gate_len);
	c->gate[c->gate_len] = '\0';
	if (field_is(&v->f[K_DIR], "in"))
		c->in = 1;
	else if (!field_is(&v->f[K_DIR], "out"))
		return cg_report_bad(why, whylen, _("'dir' must be \"in\" or \"out\", not '%s'"),
			   cg_report_shown(&v->f[K_DIR], show, sizeof(show)));
	if ((c->kind = index_of(&v->f[K_KIND], cg_report_kinds, NKINDS)) < 0)
		return cg_report_bad(why, whylen,
			   _("unknown kind '%s' (resident, tenant, visitor, courier, staff, vehicle)"),
			   cg_report_shown(&v->f[K_KIND], show, sizeof(show)));
	if ((c->decision = index_of(&v->f[K_DECISION], cg_report_decisions, 3)) < 0)
		return cg_report_bad(why, whylen, _("'decision' must be admit, deny or refer, not '%s'"),
			   cg_report_shown(&v->f[K_DECISION], show, sizeof(show)));
	if (v->f[K_REASONS].type == CG_SCAN_ABSENT)
		return cg_report_bad(why, whylen, _("missing field '%s'"), "reasons");
	if (v->f[K_REASONS].type != CG_SCAN_ARRAY)
		return cg_report_bad(why, whylen, _("'%s' must be an array of strings"), "reasons");
	if (v->too_many_reasons)
		return cg_report_bad(why, whylen, _("more than %s reasons"), "16");
	for (size_t i = 0; i < v->nreasons; i++) {
		const struct field *e = &v->reasons[i];
		int code = -1;

		if (e->type != CG_SCAN_STRING)
			return cg_report_bad(why, whylen, _("'%s' must be an array of strings"), "reasons");
		for (int k = 0; k < CG_R_COUNT && code < 0; k++)
			if (field_is(e, cg_reason_code(k)))
				code = k;
		if (code < 0) {
			const char *codes[CG_R_COUNT];
			char list[256];

			for (int k = 0; k < CG_R_COUNT; k++)
				codes[k] = cg_reason_code(k);
			snprintf(why, whylen, _("unknown reason '%s' (%s)"),
				 cg_report_shown(e, show, sizeof(show)),
				 cg_choices_join(codes, CG_R_COUNT, list, sizeof(list)));
			return 1;
		}
		c->reasons |= 1u << code;
	}
	if (v->f[K_TEMP].type != CG_SCAN_ABSENT) {
		if (v->f[K_TEMP].type != CG_SCAN_NUMBER)
			return cg_report_bad(why, whylen, _("'%s' must be a number"), "temp");
		c->has_temp = 1;
		c->temp = v->temp;
	}
	if (want_time(r, v, K_VISIT_UNTIL, 0, &c->until, why, whylen))
		return 1;
	c->has_until = v->f[K_VISIT_UNTIL].type != CG_SCAN_ABSENT;
	if (want_time(r, v, K_REGISTERED_AT, 0, &c->registered, why, whylen))
		return 1;
	c->has_registered = v->f[K_REGISTERED_AT].type != CG_SCAN_ABSENT;
	if (want_string(v, K_NAME, 0, why, whylen) || want_string(v, K_PLATE, 0, why, whylen) ||
	    want_string(v, K_COMPOUND, 0, why, whylen) ||
	    want_string(v, K_PASS, 0, why, whylen) ||
	    want_person(r, v, K_ID_NO, slots[P_ID_NO], c->id_no, why, whylen) ||
	    want_person(r, v, K_PHONE, slots[P_PHONE], c->phone, why, whylen) ||
	    want_person(r, v, K_HOUSEHOLD, slots[P_HOUSEHOLD], c->household, why, whylen) ||
	    want_person(r, v, K_HOST, slots[P_HOST], c->host, why, whylen))
		return 1;
	c->name = v->f[K_NAME].type == CG_SCAN_STRING ? &v->f[K_NAME] : NULL;
	c->plate = v->f[K_PLATE].type == CG_SCAN_STRING ? &v->f[K_PLATE] : NULL;
	c->pass = v->f[K_PASS].type == CG_SCAN_STRING ? &v->f[K_PASS] : NULL;
	c->compound = v->f[K_COMPOUND].type == CG_SCAN_STRING ? &v->f[K_COMPOUND] : NULL;
	return 0;
}
