/*
 * cg_json_parse must accept exactly what json_loadb accepts (with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY) and build equal values: checked
 * on hand-picked cases and on many random mutations of real records.
 */
#include <stdlib.h>

#include "json/jsonparse.h"
#include "json/jsonl.h"
#include "unit.h"

static const char *const cases[] = {
	"{}", "[]", "{\"a\":1}", "{\"a\":-0}", "{\"a\":0.5e-3}", "{\"a\":1E+2}",
	"{\"a\":[1,2,{\"b\":null}]}", "{\"a\":true,\"b\":false}", "  {\"a\" : 1 }  ",
	"{\"a\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\"}", "{\"张\":\"三\"}",
	"{\"a\":9223372036854775807}", "{\"a\":-9223372036854775808}",
	"{\"a\":9223372036854775808}", "{\"a\":1e400}", "{\"a\":1e-400}",
	"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":-}",
	"{\"a\":1x}", "{\"a\":truex}", "{\"a\":tru}", "{\"a\":nul}",
	"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}",
	"{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\u0000\"}",
	"{\"a\":\"tab\there\"}", "{\"a\":\"unterminated}", "{\"a\" 1}",
	"{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "[1,]", "[1 2]", "{\"a\":1}}",
	"{\"a\":1} x", "{\"a\":1,\"a\":2}", "{1:2}", "", " ", "{", "[", "\"s\"",
	"42", "null", "{\"a\":[[[[[]]]]]}", "{\"\":0}", "{\"a\":\"\\/\"}",
	"{\"a\":1.5e+10,\"b\":-0.0}", "{\"a\":\"\\uD834\\uDD1E\"}",
	"{\"a\":123456789012345678901234567890}",
};

static int report(const char *s, size_t len, json_t *mine, json_t *theirs,
		  const char *why)
{
	int ok = (!mine && !theirs) || (mine && theirs && json_equal(mine, theirs));

	if (!ok)
		printf("# disagree on '%.*s': cg %s, jansson %s\n", (int)len, s,
		       mine ? "accepts" : why, theirs ? "accepts" : "rejects");
	json_decref(mine);
	json_decref(theirs);
	return ok;
}

/* 1 when both parsers agree on s (both reject, or equal values). */
static int agree(const char *s, size_t len)
{
	char why[256];
	json_t *mine = cg_json_parse(s, len, 64, why, sizeof(why));

	return report(s, len, mine,
		      json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL), why);
}

TEST(hand_picked_cases)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(agree(cases[i], strlen(cases[i])));
}

TEST(errors_name_a_column)
{
	char why[256];

	CHECK(!cg_json_parse("{\"a\":1,\"a\":2}", 13, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 8: duplicate object key");
	CHECK(!cg_json_parse("{\"a\":tru}", 9, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 6: unexpected character");
	CHECK(!cg_json_parse("[[[1]]]", 7, 2, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 3: nesting too deep");
	/* A key seen before is the first fault, whatever its value. */
	CHECK(!cg_json_parse("{\"a\":1,\"a\":tru}", 15, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 8: duplicate object key");
	CHECK(!cg_json_parse("{\"a\":1,\"a\" 2}", 14, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 8: duplicate object key");
	CHECK(!cg_json_parse("{\"a\":1,\"a\":[[1]]}", 17, 2, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 8: duplicate object key");
	CHECK(!cg_json_parse("{\"a\":1,\"b\":tru}", 15, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 12: unexpected character");
	/* Strings are checked to be UTF-8 (bytes past ASCII elsewhere are
	 * unexpected characters). */
	CHECK(!cg_json_parse("{\"a\":\"\xe5\xbc\"}", 11, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 7: invalid UTF-8");
	CHECK(!cg_json_parse("{\"a\\n\xff\":1}", 11, 64, why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 6: invalid UTF-8");
}

TEST(integers_stay_integers_reals_stay_reals)
{
	char why[256];
	const char *s = "{\"i\":42,\"r\":37.3,\"e\":1e2}";
	json_t *v = cg_json_parse(s, strlen(s), 64, why, sizeof(why));

	CHECK(v && json_is_integer(json_object_get(v, "i")));
	CHECK(v && json_is_real(json_object_get(v, "r")));
	CHECK(v && json_is_real(json_object_get(v, "e")));
	CHECK(json_real_value(json_object_get(v, "r")) == 37.3);
	json_decref(v);
}

TEST(key_order_is_kept)
{
	char why[256];
	json_t *v = cg_json_parse("{\"z\":1,\"a\":2,\"m\":3}", 19, 64, why, sizeof(why));
	struct cg_buf out = CG_BUF_INIT(1024);

	CHECK(v && cg_jsonl_dump(v, &out) == 0);
	CHECK_STR(out.buf, "{\"z\":1,\"a\":2,\"m\":3}\n");
	cg_buf_release(&out);
	json_decref(v);
}

/* Parsed into a head: its members keep their places and take the line's
 * values once; the rest follow in the line's order. */
static const char *into(const char *line, char *why, size_t whylen)
{
	static char text[256];
	json_t *head = json_pack("{s:n,s:n}", "ts", "compound");
	json_t *v = cg_json_parse_into(head, line, strlen(line), 64, why, whylen);
	struct cg_buf out = CG_BUF_INIT(1024);

	text[0] = '\0';
	if (v && cg_jsonl_dump(v, &out) == 0)
		snprintf(text, sizeof(text), "%s", out.buf);
	cg_buf_release(&out);
	json_decref(v);
	json_decref(head);
	return v ? text : NULL;
}

TEST(parsed_into_a_head)
{
	char why[256];

	CHECK_STR(into("{\"gate\":\"n\",\"ts\":\"t\",\"x\":1}", why, sizeof(why)),
		  "{\"ts\":\"t\",\"compound\":null,\"gate\":\"n\",\"x\":1}\n");
	CHECK_STR(into("{}", why, sizeof(why)), "{\"ts\":null,\"compound\":null}\n");
	CHECK_STR(into("{\"compound\":\"c\",\"ts\":[1]}", why, sizeof(why)),
		  "{\"ts\":[1],\"compound\":\"c\"}\n");
	/* A head member given twice is a duplicate, as any other. */
	CHECK(!into("{\"ts\":\"a\",\"ts\":\"b\"}", why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 11: duplicate object key");
	CHECK(!into("{\"a\":1,\"compound\":2,\"compound\":3}", why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 21: duplicate object key");
	CHECK(!into("{\"a\":1,\"a\":2}", why, sizeof(why)));
	CHECK(!into("{\"ts\":\"a\",\"ts\":tru}", why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 11: duplicate object key");
	CHECK(!into("{\"ts\":tru}", why, sizeof(why)));
	CHECK_STR(why, "invalid JSON at column 7: unexpected character");
	/* Nested objects are objects of their own. */
	CHECK_STR(into("{\"o\":{\"ts\":1,\"ts\":2}}", why, sizeof(why)) ? "parsed" : why,
		  "invalid JSON at column 14: duplicate object key");
	CHECK_STR(into("{\"o\":{\"ts\":1}}", why, sizeof(why)),
		  "{\"ts\":null,\"compound\":null,\"o\":{\"ts\":1}}\n");
	/* Not an object: the value, never the head. */
	{
		json_t *head = json_object();
		json_t *v = cg_json_parse_into(head, "[{}]", 4, 64, why, sizeof(why));

		CHECK(v && v != head && json_is_array(v));
		CHECK(v && json_array_get(v, 0) != head);
		json_decref(v);
		json_decref(head);
	}
}

static const char seed[] =
	"{\"ts\":\"2026-01-25T08:03:11+08:00\",\"gate\":\"north\",\"dir\":\"in\","
	"\"kind\":\"resident\",\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\",\"id_no\":\"110101199003074514\","
	"\"temp\":36.5,\"mask\":true,\"symptoms\":[\"cough\",\"\\u53d1\\u70ed\"],"
	"\"x\":{\"n\":-1.5e3,\"z\":null,\"f\":false}}";

/*
 * The whole line check (UTF-8, NUL, depth, then the parser) against
 * Jansson, which validates UTF-8 itself, plus the object check.
 */
static int agree_line(const char *s, size_t len)
{
	char why[256];
	json_t *mine = cg_jsonl_parse(s, len, why, sizeof(why));
	json_t *theirs = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL);

	if (theirs && !json_is_object(theirs)) {
		json_decref(theirs);
		theirs = NULL;
	}
	return report(s, len, mine, theirs, why);
}

/* Replace, insert or delete a byte with one of JSON's own characters. */
static size_t mutate(char *buf, size_t len, size_t cap, unsigned *rng)
{
	static const char alphabet[] = "{}[]\":,\\/-+.0123456789eEtrufalsn \tu";
	unsigned r = (*rng = *rng * 1103515245u + 12345u) >> 8;
	size_t at = len ? r % len : 0;
	char c = alphabet[(r >> 8) % (sizeof(alphabet) - 1)];

	switch ((r >> 16) % 3) {
	case 0:
		if (len)
			buf[at] = c;
		break;
	case 1:
		if (len + 1 < cap) {
			memmove(buf + at + 1, buf + at, len - at);
			buf[at] = c;
			len++;
		}
		break;
	default:
		if (len) {
			memmove(buf + at, buf + at + 1, len - at - 1);
			len--;
		}
	}
	return len;
}

TEST(random_mutations_of_a_record)
{
	char buf[512];
	unsigned rng = 12345;
	int bad = 0;

	for (int round = 0; round < 20000 && bad < 5; round++) {
		size_t len = sizeof(seed) - 1;

		memcpy(buf, seed, len);
		for (int k = 1 + round % 4; k > 0; k--)
			len = mutate(buf, len, sizeof(buf), &rng);
		if (!agree_line(buf, len))
			bad++;
	}
	CHECK_INT(bad, 0);
}

/*
 * cg_jsonl_parse checks a line whole (cg_jsonl_prescan) only when the
 * parser refuses it: the same result and the same reason as checking
 * every line first, on mutations that put NUL bytes, broken UTF-8 and
 * deep nesting anywhere, in strings and out.
 */
static int same_as_checked_first(const char *s, size_t len, json_t *head)
{
	char why[256], want[256];
	json_t *got = head ? cg_jsonl_parse_into(head, s, len, why, sizeof(why)) :
			     cg_jsonl_parse(s, len, why, sizeof(why));
	json_t *ref = NULL, *ref_head = head ? json_pack("{s:n,s:n}", "ts", "compound") : NULL;
	int ok;

	if (cg_jsonl_prescan(s, len, want, sizeof(want)) == 0) {
		ref = ref_head ? cg_json_parse_into(ref_head, s, len, CG_JSONL_MAX_DEPTH,
						    want, sizeof(want)) :
				 cg_json_parse(s, len, CG_JSONL_MAX_DEPTH, want, sizeof(want));
		if (ref && !json_is_object(ref)) {
			json_decref(ref);
			ref = NULL;
			snprintf(want, sizeof(want), "not a JSON object");
		}
	}
	ok = got ? ref && json_equal(got, ref) : !ref && !strcmp(why, want);
	if (!ok)
		printf("# '%.*s': got %s, checked first %s\n", (int)len, s,
		       got ? "a value" : why, ref ? "a value" : want);
	json_decref(got);
	json_decref(ref);
	json_decref(ref_head);
	return ok;
}

static size_t mutate_bytes(char *buf, size_t len, size_t cap, unsigned *rng)
{
	/* JSON's characters, and bytes UTF-8 and NUL checks are about. */
	static const char alphabet[] = "{}[]\":,\\u0\xe5\xbc\xa0\x80\xbf\xc0\xc3\xed\xa0"
				       "\xf0\x9f\xf4\x90\xff";
	unsigned r = (*rng = *rng * 1103515245u + 12345u) >> 8;
	size_t at = len ? r % len : 0;
	char c = r & 0x80 ? '\0' : alphabet[(r >> 8) % (sizeof(alphabet) - 1)];

	if ((r >> 16) % 2 && len + 1 < cap) {
		memmove(buf + at + 1, buf + at, len - at);
		buf[at] = c;
		return len + 1;
	}
	if (len)
		buf[at] = c;
	return len;
}

TEST(lines_checked_whole_only_when_refused)
{
	static const char deep[] = "{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}";
	char buf[512];
	unsigned rng = 4242;
	int bad = 0;

	CHECK(same_as_checked_first(deep, sizeof(deep) - 1, NULL));
	CHECK(same_as_checked_first(deep + 6, sizeof(deep) - 8, NULL));
	for (int round = 0; round < 20000 && bad < 5; round++) {
		size_t len = sizeof(seed) - 1;
		json_t *head = round % 2 ? json_pack("{s:n,s:n}", "ts", "compound") : NULL;

		memcpy(buf, seed, len);
		for (int k = 1 + round % 3; k > 0; k--)
			len = round % 5 ? mutate_bytes(buf, len, sizeof(buf), &rng) :
					  mutate(buf, len, sizeof(buf), &rng);
		if (!same_as_checked_first(buf, len, head))
			bad++;
		json_decref(head);
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	RUN(hand_picked_cases);
	RUN(errors_name_a_column);
	RUN(integers_stay_integers_reals_stay_reals);
	RUN(key_order_is_kept);
	RUN(parsed_into_a_head);
	RUN(random_mutations_of_a_record);
	RUN(lines_checked_whole_only_when_refused);
	return UNIT_DONE();
}
