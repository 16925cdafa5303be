#ifndef CG_SCAN_H
#define CG_SCAN_H

#include <stddef.h>
#include <stdint.h>

/*
 * A fast, non-allocating scan of one JSON-lines record for a few top-level
 * fields, for readers that go through millions of lines and look at a
 * handful of fields in each (cg-report).
 *
 * The scan accepts only a simple subset of JSON, and only when it is sure
 * that cg_jsonl_parse() would accept the line too and decode the same
 * values: one object; strings without backslash escapes (so their bytes
 * are their value), valid UTF-8 without control characters; numbers
 * without an exponent and of at most 18 integer digits; true, false, null;
 * arrays of those scalars (no nesting); no duplicate keys; at most
 * CG_SCAN_MAX_KEYS keys.  Anything else -- an escape, a nested object, a
 * syntax error -- returns 0, and the caller takes the strict path
 * (cg_jsonl_parse and Jansson), which reports errors.  So the scan never
 * rejects a line itself and never changes what a command accepts:
 * tests/unit/test-report-scan.c holds the two paths to that on real and on
 * mutated lines.
 */

#define CG_SCAN_MAX_KEYS 64

enum cg_scan_type {
	CG_SCAN_ABSENT = 0,
	CG_SCAN_STRING,
	CG_SCAN_NUMBER,
	CG_SCAN_TRUE,
	CG_SCAN_FALSE,
	CG_SCAN_NULL,
	CG_SCAN_ARRAY,
	CG_SCAN_OBJECT		/* set only by callers filling a view from Jansson */
};

/* A value found: for a string its bytes (no quotes), for a number its
 * text, for an array its text from '[' to ']'.  Borrowed from the line. */
struct cg_scan_val {
	enum cg_scan_type type;
	const char *p;
	size_t len;
};

/* The keys a caller wants, looked up by length and first byte. */
struct cg_scan_keys {
	const char *const *names;
	size_t n;
	uint8_t index[33][128];	/* [len][first byte] -> position + 1, 0 none */
	uint8_t next[254];	/* [position] -> the next key of the same len
				 * and first byte, position + 1, 0 none */
};

/* Index names[0..n) (n <= 254, names of 1-32 ASCII bytes). */
void cg_scan_keys_init(struct cg_scan_keys *k, const char *const *names, size_t n);

/*
 * Scan line[0..len) (need not be NUL-terminated).  Returns 1 with vals[i]
 * set for every wanted key present (CG_SCAN_ABSENT for the others), or 0
 * when the line must take the strict path.
 */
int cg_scan_line(const struct cg_scan_keys *k, const char *line, size_t len,
		 struct cg_scan_val *vals);

/*
 * The order keys came in, learnt from the lines scanned: records written
 * by cg keep their keys in the writer's order, so the key expected next is
 * tried first as one compare of its bytes `"key":` in place, instead of
 * reading the key as a string and looking it up.  A line whose next key is
 * not the one expected (another kind of record, keys out of order,
 * whitespace, escapes) reads that key the general way and the order learns
 * it: the result is always that of cg_scan_line, only the cost differs.
 * Mutable state of one reader (one thread): zero it with
 * cg_scan_order_init.
 */
#define CG_SCAN_ORDER_MAX 32

struct cg_scan_order {
	uint8_t n;				/* entries in use */
	uint8_t next[CG_SCAN_ORDER_MAX + 1];	/* [entry, or MAX for the start]
						 * -> the entry expected next, + 1 */
	int16_t want[CG_SCAN_ORDER_MAX];	/* its position in the keys, -1 none */
	uint8_t len[CG_SCAN_ORDER_MAX];		/* bytes of text */
	char text[CG_SCAN_ORDER_MAX][40];	/* "key": */
};

/* The wanted keys of k (the first CG_SCAN_ORDER_MAX) are entries 0..n-1. */
void cg_scan_order_init(struct cg_scan_order *o, const struct cg_scan_keys *k);

/* cg_scan_line, with the key order o learns and uses: same result. */
int cg_scan_line_ordered(const struct cg_scan_keys *k, struct cg_scan_order *o,
			 const char *line, size_t len, struct cg_scan_val *vals);

/*
 * How a journal's record ends (store/journal.h writes it): its chain, the
 * last member, ,"chain":"<64 lowercase hex digits>"}.
 */
#define CG_SCAN_CHAIN_MEMBER ",\"chain\":\""
#define CG_SCAN_CHAIN_HEX 64

/* s[0..64) lowercase hex digits?  Without a branch per digit, so that
 * the compiler checks 16 at a time: every journal line read passes here
 * (a quarter of a checkpoint's time when it branched). */
static inline int cg_scan_hex64(const char *s)
{
	unsigned char bad = 0;

	for (int i = 0; i < CG_SCAN_CHAIN_HEX; i++) {
		unsigned char c = (unsigned char)s[i];

		bad |= (unsigned char)((unsigned char)(c - '0') > 9) &
		       (unsigned char)((unsigned char)(c - 'a') > 5);
	}
	return !bad;
}

/*
 * cg_scan_line_ordered, for lines that end as a journal's records do:
 * ,"chain":"<64 lowercase hex digits>"}.  Such a member needs no
 * scanning (hex digits are a plain string), so only the text before it
 * is scanned, as an object closed at its end, and vals[chain] is set to
 * the 64 digits; chain is the position of "chain" among k's names.  A
 * fifth of a record's bytes is not looked at twice.  The result is
 * always that of cg_scan_line on the whole line, as
 * tests/unit/test-report-scan.c holds on real and mutated lines.
 */
int cg_scan_line_chained(const struct cg_scan_keys *k, struct cg_scan_order *o,
			 size_t chain, const char *line, size_t len, struct cg_scan_val *vals);

/*
 * The next element of an array value found by cg_scan_line: *pos starts
 * at 0.  Returns 1 with *v set, 0 after the last.
 */
int cg_scan_array_next(const struct cg_scan_val *arr, size_t *pos,
		       struct cg_scan_val *v);

/*
 * Whether a[0..len) and b[0..len) are equal, for the short keys and values
 * of a record (read as two loads that may overlap, and whole words
 * between): memcmp() is a call, and a loop of bytes mispredicts on
 * lengths that vary.
 */
static inline int cg_scan_same(const char *a, const char *b, size_t len)
{
	uint64_t x, y;
	uint32_t u, v;
	uint16_t s, t;

	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			__builtin_memcpy(&x, a + i, 8);
			__builtin_memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		__builtin_memcpy(&x, a + len - 8, 8);
		__builtin_memcpy(&y, b + len - 8, 8);
		return x == y;
	}
	if (len >= 4) {
		__builtin_memcpy(&u, a, 4);
		__builtin_memcpy(&v, b, 4);
		if (u != v)
			return 0;
		__builtin_memcpy(&u, a + len - 4, 4);
		__builtin_memcpy(&v, b + len - 4, 4);
		return u == v;
	}
	if (len >= 2) {
		__builtin_memcpy(&s, a, 2);
		__builtin_memcpy(&t, b, 2);
		if (s != t)
			return 0;
		__builtin_memcpy(&s, a + len - 2, 2);
		__builtin_memcpy(&t, b + len - 2, 2);
		return s == t;
	}
	return !len || a[0] == b[0];
}

#endif
