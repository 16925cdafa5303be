#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "json/jsonparse.h"

/*
 * The scratch buffer holds one string unescaped, which is never longer
 * than its escaped text ("\\u00e9" is 6 bytes for 2), so never longer
 * than the text parsed.
 */
#define UNESCAPED_MAX(len) (len)

struct parser {
	const char *s, *p, *end;
	int depth, max_depth;
	const char *error;	/* a reason, untranslated until reported */
	const char *at;		/* where it went wrong */
	struct cg_buf scratch;	/* unescaped strings */
	json_t *into;		/* the outermost object, when given */
	size_t head;		/* its first members, each replaced once */
	uint64_t replaced;	/* which of them were */
};

static json_t *value(struct parser *ps);

static json_t *fail(struct parser *ps, const char *why, const char *at)
{
	if (!ps->error) {
		ps->error = why;
		ps->at = at;
	}
	return NULL;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct cg_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	cg_buf_add(b, u, n);
}

/* A \u escape at p (pointing at the 'u'), with its surrogate pair. */
static int unicode_escape(struct parser *ps, const char **pp)
{
	const char *p = *pp;
	unsigned cp, lo;

	if (ps->end - p < 5 || hex4(p + 1, &cp) < 0)
		return fail(ps, N_("invalid \\u escape"), p - 1), -1;
	p += 5;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(ps, N_("invalid Unicode escape (lone low surrogate)"), *pp - 1), -1;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (ps->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    hex4(p + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
			return fail(ps, N_("invalid Unicode escape (lone high surrogate)"), *pp - 1), -1;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	}
	if (cp == 0)
		return fail(ps, N_("\\u0000 is not allowed"), *pp - 1), -1;
	put_utf8(&ps->scratch, cp);
	*pp = p;
	return 0;
}

/*
 * The end of the run of eight-byte words from p with no byte that needs a
 * look (below 0x20, '"', '\\', or past ASCII), found a word at a time
 * (as jsonl.c's writer finds them; see there why each test is exact).
 */
static const char *plain_words(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;

	for (; end - p >= 8; p += 8) {
		uint64_t w, q, b;

		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if ((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high)
			break;
	}
	return p;
}

/*
 * The end of the run of string bytes from p written as they are (not '"',
 * '\\' or a control character), each UTF-8 sequence checked: the line is
 * no longer checked whole before it is parsed (cg_jsonl_parse_into), and
 * outside strings every byte past ASCII is an unexpected character anyway.
 * NULL on invalid UTF-8.
 */
static const char *string_run(struct parser *ps, const char *p)
{
	for (;;) {
		unsigned char c;
		size_t n;

		p = plain_words(p, ps->end);
		while (p < ps->end && (c = (unsigned char)*p) >= 0x20 && c < 0x80 &&
		       c != '"' && c != '\\')
			p++;
		if (p >= ps->end || (unsigned char)*p < 0x80)
			return p;
		n = cg_utf8_seq((const unsigned char *)p, (size_t)(ps->end - p));
		if (!n)
			return fail(ps, N_("invalid UTF-8"), p), NULL;
		p += n;
	}
}

/*
 * A string at ps->p (after the opening quote).  Sets *out and *len to its
 * text: straight from the input when it has no escapes, else from scratch.
 */
static int string(struct parser *ps, const char **out, size_t *len)
{
	const char *start = ps->p, *p = string_run(ps, ps->p);

	/* The common case: no escapes, one scan. */
	if (!p)
		return -1;
	if (p < ps->end && *p == '"') {
		*out = start;
		*len = (size_t)(p - start);
		ps->p = p + 1;
		return 0;
	}
	cg_buf_reset(&ps->scratch);
	cg_buf_add(&ps->scratch, start, (size_t)(p - start));
	while (p < ps->end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"') {
			*out = ps->scratch.buf;
			*len = ps->scratch.len;
			ps->p = p + 1;
			return 0;
		}
		if (c < 0x20)
			return fail(ps, N_("control character in a string"), p), -1;
		if (c != '\\') {
			const char *q = string_run(ps, p);

			if (!q)
				return -1;
			cg_buf_add(&ps->scratch, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (++p >= ps->end)
			break;
		switch (*p) {
		case '"': case '\\': case '/':
			cg_buf_addch(&ps->scratch, *p);
			break;
		case 'b': cg_buf_addch(&ps->scratch, '\b'); break;
		case 'f': cg_buf_addch(&ps->scratch, '\f'); break;
		case 'n': cg_buf_addch(&ps->scratch, '\n'); break;
		case 'r': cg_buf_addch(&ps->scratch, '\r'); break;
		case 't': cg_buf_addch(&ps->scratch, '\t'); break;
		case 'u':
			if (unicode_escape(ps, &p) < 0)
				return -1;
			continue;
		default:
			return fail(ps, N_("invalid escape in a string"), p - 1), -1;
		}
		p++;
	}
	return fail(ps, N_("unterminated string"), start - 1), -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The RFC 8259 number grammar; integers that fit stay integers. */
static json_t *number(struct parser *ps)
{
	const char *start = ps->p, *p = ps->p;
	int is_real = 0;
	char tmp[64], *copy = tmp, *end;
	size_t n;
	json_t *v = NULL;

	if (p < ps->end && *p == '-')
		p++;
	if (p < ps->end && *p == '0')
		p++;
	else if (p < ps->end && *p >= '1' && *p <= '9')
		while (p < ps->end && is_digit(*p))
			p++;
	else
		return fail(ps, N_("invalid number"), start);
	if (p < ps->end && *p == '.') {
		is_real = 1;
		if (++p >= ps->end || !is_digit(*p))
			return fail(ps, N_("invalid number"), start);
		while (p < ps->end && is_digit(*p))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		is_real = 1;
		if (++p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || !is_digit(*p))
			return fail(ps, N_("invalid number"), start);
		while (p < ps->end && is_digit(*p))
			p++;
	}
	n = (size_t)(p - start);
	if (n >= sizeof(tmp) && !(copy = malloc(n + 1)))
		return fail(ps, N_("out of memory"), start);
	memcpy(copy, start, n);
	copy[n] = '\0';
	errno = 0;
	if (!is_real) {
		long long i = strtoll(copy, &end, 10);

		if (errno == ERANGE)
			fail(ps, N_("too big integer"), start);
		else
			v = json_integer(i);
	} else {
		double d = strtod(copy, &end);

		/* As Jansson: overflow is an error, underflow is zero. */
		if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL))
			fail(ps, N_("real number overflow"), start);
		else
			v = json_real(d);
	}
	if (copy != tmp)
		free(copy);
	ps->p = p;
	return v;
}

static int literal(struct parser *ps, const char *word, size_t n)
{
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return 0;
	ps->p += n;
	return 1;
}

/* Index of the head member named k, or -1. */
static int head_index(struct parser *ps, json_t *obj, const char *k, size_t klen)
{
	const char *key;
	json_t *v;
	int i = 0;

	if (obj != ps->into)
		return -1;
	json_object_foreach(obj, key, v) {
		if ((size_t)i == ps->head)
			break;
		if (strlen(key) == klen && !memcmp(key, k, klen))
			return i;
		i++;
	}
	return -1;
}

/* A head member's first time: it takes the line's value where it stands. */
static int replaces_head(struct parser *ps, json_t *obj, const char *k, size_t klen)
{
	int i = head_index(ps, obj, k, klen);

	if (i < 0 || (ps->replaced & (1ull << i)))
		return 0;
	ps->replaced |= 1ull << i;
	return 1;
}

/* A key seen before is a duplicate, except a head member's first time. */
static int duplicate_key(struct parser *ps, json_t *obj, const char *k, size_t klen)
{
	return json_object_getn(obj, k, klen) && !replaces_head(ps, obj, k, klen);
}

/*
 * A member's ':' and value after its key k (copied first: the value may
 * need scratch for its own strings), set in obj.  A key seen before is
 * found by obj not growing, one hash lookup rather than a lookup and an
 * insert; it is still reported at the key, whatever follows, as Jansson
 * reports it (then obj holds the second value, and is dropped).
 */
static int member(struct parser *ps, json_t *obj, const char *k, size_t klen,
		  const char *key_at)
{
	char small[128], *key = klen < sizeof(small) ? small : malloc(klen + 1);
	size_t had = json_object_size(obj);
	json_t *v = NULL;
	int ret = 0;

	if (!key)
		return fail(ps, N_("out of memory"), key_at), -1;
	memcpy(key, k, klen);
	key[klen] = '\0';
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ':') {
		ps->p++;
		v = value(ps);
	} else {
		fail(ps, N_("':' expected"), ps->p);
	}
	if (!v) {
		/* The key's fault first, as before its value was read. */
		if (duplicate_key(ps, obj, key, klen)) {
			ps->error = N_("duplicate object key");
			ps->at = key_at;
		}
		ret = -1;
	} else {
		json_object_setn_new_nocheck(obj, key, klen, v);
		if (json_object_size(obj) == had && !replaces_head(ps, obj, key, klen)) {
			fail(ps, N_("duplicate object key"), key_at);
			ret = -1;
		}
	}
	if (key != small)
		free(key);
	return ret;
}

static json_t *object(struct parser *ps)
{
	json_t *obj = ps->into && ps->depth == 1 ? json_incref(ps->into) : json_object();
	const char *key_at;

	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return obj;
	}
	for (;;) {
		const char *k;
		size_t klen;

		skip_ws(ps);
		key_at = ps->p;
		if (ps->p >= ps->end || *ps->p != '"')
			goto bad_key;
		ps->p++;
		if (string(ps, &k, &klen) < 0)
			goto err;
		if (member(ps, obj, k, klen, key_at) < 0)
			goto err;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			return obj;
		}
		fail(ps, N_("',' or '}' expected"), ps->p);
		goto err;
	}
bad_key:
	fail(ps, N_("string or '}' expected"), key_at);
err:
	json_decref(obj);
	return NULL;
}

static json_t *array(struct parser *ps)
{
	json_t *arr = json_array();

	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return arr;
	}
	for (;;) {
		json_t *v = value(ps);

		if (!v)
			break;
		json_array_append_new(arr, v);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return arr;
		}
		fail(ps, N_("',' or ']' expected"), ps->p);
		break;
	}
	json_decref(arr);
	return NULL;
}

static json_t *nested(struct parser *ps, json_t *(*inner)(struct parser *))
{
	json_t *v;

	if (++ps->depth > ps->max_depth)
		return fail(ps, N_("nesting too deep"), ps->p - 1);
	v = inner(ps);
	ps->depth--;
	return v;
}

static json_t *value(struct parser *ps)
{
	const char *s;
	size_t n;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, N_("unexpected end of line"), ps->p);
	switch (*ps->p) {
	case '{':
		ps->p++;
		return nested(ps, object);
	case '[':
		ps->p++;
		return nested(ps, array);
	case '"':
		ps->p++;
		if (string(ps, &s, &n) < 0)
			return NULL;
		return json_stringn_nocheck(s, n);
	case 't':
		if (literal(ps, "true", 4))
			return json_true();
		break;
	case 'f':
		if (literal(ps, "false", 5))
			return json_false();
		break;
	case 'n':
		if (literal(ps, "null", 4))
			return json_null();
		break;
	default:
		if (*ps->p == '-' || is_digit(*ps->p))
			return number(ps);
	}
	return fail(ps, N_("unexpected character"), ps->p);
}

static json_t *parse(struct parser *ps, char *why, size_t whylen)
{
	json_t *v = value(ps);

	if (v) {
		skip_ws(ps);
		if (ps->p < ps->end) {
			json_decref(v);
			v = fail(ps, N_("end of line expected"), ps->p);
		}
	}
	if (!v)
		snprintf(why, whylen, _("invalid JSON at column %zu: %s"),
			 (size_t)(ps->at - ps->s) + 1, _(ps->error));
	cg_buf_release(&ps->scratch);
	return v;
}

json_t *cg_json_parse(const char *s, size_t len, int max_depth,
		      char *why, size_t whylen)
{
	struct parser ps = { s, s, s + len, 0, max_depth, NULL, NULL,
			     CG_BUF_INIT(UNESCAPED_MAX(len)), NULL, 0, 0 };

	return parse(&ps, why, whylen);
}

json_t *cg_json_parse_into(json_t *obj, const char *s, size_t len, int max_depth,
			   char *why, size_t whylen)
{
	struct parser ps = { s, s, s + len, 0, max_depth, NULL, NULL,
			     CG_BUF_INIT(UNESCAPED_MAX(len)), obj, json_object_size(obj), 0 };

	/* More head members than bits to mark them with: never asked for. */
	if (ps.head > 64)
		return NULL;
	return parse(&ps, why, whylen);
}
