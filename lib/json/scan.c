#include <string.h>

#include "json/jsonl.h"
#include "json/scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void cg_scan_keys_init(struct cg_scan_keys *k, const char *const *names, size_t n)
{
	memset(k, 0, sizeof(*k));
	k->names = names;
	k->n = n;
	for (size_t i = 0; i < n && i < 254; i++) {
		size_t len = strlen(names[i]);
		unsigned char c = (unsigned char)names[i][0];
		uint8_t *slot;

		if (len < 1 || len > 32 || c >= 128)
			continue;
		/* At the end of the chain of its length and first byte. */
		for (slot = &k->index[len][c]; *slot; slot = &k->next[*slot - 1])
			;
		*slot = (uint8_t)(i + 1);
	}
}

static int lookup(const struct cg_scan_keys *k, const char *s, size_t len)
{
	unsigned char c;
	int i;

	if (len < 1 || len > 32 || (c = (unsigned char)s[0]) >= 128)
		return -1;
	for (i = k->index[len][c]; i; i = k->next[i - 1])
		if (cg_scan_same(k->names[i - 1], s, len))
			return i - 1;
	return -1;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Any byte of w zero / below 0x20 (as a whole-word test). */
static inline uint64_t has_zero(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

static inline uint64_t has_less_0x20(uint64_t w)
{
	return (w - ONES * 0x20) & ~w & HIGHS;
}

/*
 * A string after its opening quote: *pp moves past the closing quote.
 * 0 for an escape, a control character, invalid UTF-8 or no end.
 */
static inline __attribute__((always_inline)) int string(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	for (;;) {
#if defined(__SSE2__)
		/* 16 bytes at a time: a signed compare below 0x20 also
		 * catches every byte from 0x80 (UTF-8, checked below). */
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			__m128i x = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
			unsigned mask = (unsigned)_mm_movemask_epi8(x);

			if (mask) {
				p += __builtin_ctz(mask);
				goto at_special;
			}
			p += 16;
		}
#endif
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (has_zero(w ^ (ONES * '"')) | has_zero(w ^ (ONES * '\\')) |
			    has_less_0x20(w) | (w & HIGHS))
				break;
			p += 8;
		}
		if (p >= end)
			return 0;
#if defined(__SSE2__)
at_special:
#endif
		if (*p == '"') {
			*pp = p + 1;
			return 1;
		}
		if (*p == '\\' || *p < 0x20)
			return 0;
		if (*p >= 0xE1 && *p <= 0xEC && end - p >= 3 &&
		    (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
			/* CJK characters, as most non-ASCII text here (a
			 * name): the lead bytes with no overlong or surrogate
			 * form, the run of them at once rather than one
			 * search for the next special byte each. */
			do
				p += 3;
			while (end - p >= 3 && *p >= 0xE1 && *p <= 0xEC &&
			       (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80);
			if (p < end && *p == '"') {	/* a name's end */
				*pp = p + 1;
				return 1;
			}
		} else if (*p >= 0x80) {
			size_t n = cg_utf8_seq(p, (size_t)(end - p));

			if (!n)
				return 0;
			p += n;
		} else {
			p++;
		}
	}
}

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
	/* Compact lines have none: one test for the usual case. */
	if (__builtin_expect(p < end && *p > ' ', 1))
		return p;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A number: no exponent, at most 18 integer digits, at most 40 bytes. */
static inline int number(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp, *start = p, *digits;

	if (p < end && *p == '-')
		p++;
	digits = p;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && is_digit(*p))
			p++;
	else
		return 0;
	if (p - digits > 18)
		return 0;
	if (p < end && *p == '.') {
		if (++p >= end || !is_digit(*p))
			return 0;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E'))
		return 0;
	if (p - start > 40)
		return 0;
	*pp = p;
	return 1;
}

/* A scalar value at *pp; its type in *type.  0 when not simple. */
static inline __attribute__((always_inline)) int scalar(const unsigned char **pp,
						     const unsigned char *end,
		  enum cg_scan_type *type)
{
	const unsigned char *p = *pp;

	if (p >= end)
		return 0;
	switch (*p) {
	case '"':
		*pp = p + 1;
		*type = CG_SCAN_STRING;
		return string(pp, end);
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4))
			return 0;
		*pp = p + 4;
		*type = CG_SCAN_TRUE;
		return 1;
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5))
			return 0;
		*pp = p + 5;
		*type = CG_SCAN_FALSE;
		return 1;
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4))
			return 0;
		*pp = p + 4;
		*type = CG_SCAN_NULL;
		return 1;
	default:
		*type = CG_SCAN_NUMBER;
		return number(pp, end);
	}
}

/* An array of scalars after its '['; *pp moves past the ']'. */
static int array(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = skip_ws(*pp, end);
	enum cg_scan_type t;

	if (p < end && *p == ']') {
		*pp = p + 1;
		return 1;
	}
	for (;;) {
		p = skip_ws(p, end);
		if (!scalar(&p, end, &t))
			return 0;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == ']') {
			*pp = p + 1;
			return 1;
		}
		return 0;
	}
}

struct key {
	const unsigned char *p;
	uint32_t len;
};

/* Any two keys equal?  Buckets by length and edge bytes first. */
static int duplicates(const struct key *keys, size_t n)
{
	uint64_t seen = 0, clash = 0;
	unsigned char bucket[CG_SCAN_MAX_KEYS];

	for (size_t i = 0; i < n; i++) {
		unsigned h = keys[i].len * 7u;

		if (keys[i].len)
			h += keys[i].p[0] * 3u + keys[i].p[keys[i].len - 1];
		bucket[i] = (unsigned char)(h & 63);
		if (seen & (1ULL << bucket[i]))
			clash |= 1ULL << bucket[i];
		seen |= 1ULL << bucket[i];
	}
	if (!clash)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!(clash & (1ULL << bucket[i])))
			continue;
		for (size_t j = i + 1; j < n; j++)
			if (bucket[j] == bucket[i] && keys[j].len == keys[i].len &&
			    cg_scan_same((const char *)keys[j].p, (const char *)keys[i].p, keys[i].len))
				return 1;
	}
	return 0;
}

void cg_scan_order_init(struct cg_scan_order *o, const struct cg_scan_keys *k)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < k->n && i < CG_SCAN_ORDER_MAX; i++) {
		size_t len = strlen(k->names[i]);

		o->want[i] = (int16_t)i;
		if (len < 1 || len > 32 || (unsigned char)k->names[i][0] >= 128)
			continue;	/* never found (not indexed): never expected */
		o->text[i][0] = '"';
		memcpy(o->text[i] + 1, k->names[i], len);
		memcpy(o->text[i] + 1 + len, "\":", 2);
		o->len[i] = (uint8_t)(len + 3);
	}
	o->n = (uint8_t)(k->n < CG_SCAN_ORDER_MAX ? k->n : CG_SCAN_ORDER_MAX);
}

/*
 * The entry of a key read the general way (want its position in the
 * keys, or -1), learnt when new and there is room; -1 when none.
 */
static int order_entry(struct cg_scan_order *o, const struct cg_scan_keys *k, int want,
		       const unsigned char *kp, size_t klen)
{
	size_t first = k->n < CG_SCAN_ORDER_MAX ? k->n : CG_SCAN_ORDER_MAX;

	if (want >= 0)
		return want < CG_SCAN_ORDER_MAX && o->len[want] ? want : -1;
	if (klen > 32)
		return -1;
	for (size_t i = first; i < o->n; i++)
		if (o->len[i] == klen + 3 && cg_scan_same(o->text[i] + 1, (const char *)kp, klen))
			return (int)i;
	if (o->n == CG_SCAN_ORDER_MAX)
		return -1;
	o->text[o->n][0] = '"';
	memcpy(o->text[o->n] + 1, kp, klen);
	memcpy(o->text[o->n] + 1 + klen, "\":", 2);
	o->len[o->n] = (uint8_t)(klen + 3);
	o->want[o->n] = -1;
	return o->n++;
}

/*
 * A key and its ':' at p (past any space before it): the expected one of
 * o in place, or read the general way.  *want is its position in the
 * keys or -1, *prev the entry it is (learnt as the one after *prev), or
 * -1.  0 when the line must take the strict path.
 */
static inline __attribute__((always_inline)) int key(const struct cg_scan_keys *k,
						   struct cg_scan_order *o,
						   const unsigned char **pp,
						   const unsigned char *end, struct key *out,
						   int *want, int *prev)
{
	const unsigned char *p = *pp;
	int e;

	if (o && *prev >= 0 && (e = o->next[*prev] - 1) >= 0 &&
	    end - p > o->len[e] && cg_scan_same(o->text[e], (const char *)p, o->len[e])) {
		out->p = p + 1;
		out->len = (uint32_t)(o->len[e] - 3);
		*want = o->want[e];
		*prev = e;
		*pp = p + o->len[e];
		return 1;
	}
	if (p >= end || *p != '"')
		return 0;
	out->p = ++p;
	if (!string(&p, end))
		return 0;
	out->len = (uint32_t)(p - 1 - out->p);
	*want = lookup(k, (const char *)out->p, out->len);
	p = skip_ws(p, end);
	if (p >= end || *p != ':')
		return 0;
	*pp = p + 1;
	if (o) {
		e = order_entry(o, k, *want, out->p, out->len);
		if (*prev >= 0)
			o->next[*prev] = (uint8_t)(e + 1);
		*prev = e;
	}
	return 1;
}

/*
 * closed: line[0..len) is an object without its closing '}', which is
 * taken to be at end (a '}' before it is an object closed too soon).
 */
static inline __attribute__((always_inline)) int scan(const struct cg_scan_keys *k,
						    struct cg_scan_order *o,
						    const char *line, size_t len,
						    struct cg_scan_val *vals, int closed)
{
	const unsigned char *p = (const unsigned char *)line, *end = p + len;
	struct key keys[CG_SCAN_MAX_KEYS];
	size_t nkeys = 0, nunwanted = 0;
	int prev = CG_SCAN_ORDER_MAX;	/* the start */
	uint32_t entries = 0;		/* the order's unwanted keys met */

	for (size_t i = 0; i < k->n; i++)
		vals[i].type = CG_SCAN_ABSENT;
	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return 0;
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}') {
		if (closed)
			return 0;
		p++;
		goto done;
	}
	for (;;) {
		const unsigned char *vp;
		enum cg_scan_type type;
		int want;

		p = skip_ws(p, end);
		if (nkeys == CG_SCAN_MAX_KEYS || !key(k, o, &p, end, &keys[nunwanted], &want, &prev))
			return 0;
		nkeys++;
		/* A wanted key met twice is a duplicate; so is a key of the
		 * order met twice (its entry is its text: prev is the entry
		 * of this key).  The others are checked for duplicates among
		 * themselves at the end (none of them can equal a wanted key
		 * or an entry's). */
		if (want >= 0) {
			if (vals[want].type != CG_SCAN_ABSENT)
				return 0;
		} else if (o && prev >= 0) {
			if (entries & (1u << prev))
				return 0;
			entries |= 1u << prev;
		} else {
			nunwanted++;
		}
		p = skip_ws(p, end);
		vp = p;
		if (p < end && *p == '[') {
			p++;
			if (!array(&p, end))
				return 0;
			type = CG_SCAN_ARRAY;
		} else if (!scalar(&p, end, &type)) {
			return 0;
		}
		if (want >= 0) {
			vals[want].type = type;
			if (type == CG_SCAN_STRING) {
				vals[want].p = (const char *)vp + 1;
				vals[want].len = (size_t)(p - vp - 2);
			} else {
				vals[want].p = (const char *)vp;
				vals[want].len = (size_t)(p - vp);
			}
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}' && !closed) {
			p++;
			break;
		}
		/* The member the caller took off counts too. */
		if (closed && p == end && nkeys < CG_SCAN_MAX_KEYS)
			break;
		return 0;
	}
done:
	p = skip_ws(p, end);
	if (p != end)
		return 0;
	return !duplicates(keys, nunwanted);
}

int cg_scan_line(const struct cg_scan_keys *k, const char *line, size_t len,
		 struct cg_scan_val *vals)
{
	return scan(k, NULL, line, len, vals, 0);
}

int cg_scan_line_ordered(const struct cg_scan_keys *k, struct cg_scan_order *o,
			 const char *line, size_t len, struct cg_scan_val *vals)
{
	return scan(k, o, line, len, vals, 0);
}

#define CHAIN_TAIL_LEN (sizeof(CG_SCAN_CHAIN_MEMBER) - 1 + CG_SCAN_CHAIN_HEX + 2)

int cg_scan_line_chained(const struct cg_scan_keys *k, struct cg_scan_order *o,
			 size_t chain, const char *line, size_t len, struct cg_scan_val *vals)
{
	const char *tail = line + len - CHAIN_TAIL_LEN;

	if (len <= CHAIN_TAIL_LEN ||
	    memcmp(tail, CG_SCAN_CHAIN_MEMBER, sizeof(CG_SCAN_CHAIN_MEMBER) - 1) ||
	    line[len - 2] != '"' || line[len - 1] != '}' ||
	    !cg_scan_hex64(line + len - 2 - CG_SCAN_CHAIN_HEX))
		return scan(k, o, line, len, vals, 0);
	/* Before the chain, an object whose '}' comes after it; a "chain"
	 * there too is a duplicate key. */
	if (!scan(k, o, line, (size_t)(tail - line), vals, 1) ||
	    vals[chain].type != CG_SCAN_ABSENT)
		return 0;
	vals[chain].type = CG_SCAN_STRING;
	vals[chain].p = line + len - 2 - CG_SCAN_CHAIN_HEX;
	vals[chain].len = CG_SCAN_CHAIN_HEX;
	return 1;
}

int cg_scan_array_next(const struct cg_scan_val *arr, size_t *pos,
		       struct cg_scan_val *v)
{
	const unsigned char *base = (const unsigned char *)arr->p;
	const unsigned char *end = base + arr->len - 1;	/* at ']' */
	const unsigned char *p = base + (*pos ? *pos : 1), *vp;
	enum cg_scan_type type;

	p = skip_ws(p, end);
	if (p < end && *p == ',')
		p = skip_ws(p + 1, end);
	if (p >= end)
		return 0;
	vp = p;
	if (!scalar(&p, end, &type))
		return 0;	/* cannot happen on a scanned array */
	v->type = type;
	if (type == CG_SCAN_STRING) {
		v->p = (const char *)vp + 1;
		v->len = (size_t)(p - vp - 2);
	} else {
		v->p = (const char *)vp;
		v->len = (size_t)(p - vp);
	}
	*pos = (size_t)(p - base);
	return 1;
}
