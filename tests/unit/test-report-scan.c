/*
 * cg-report's fast path against the strict one: lib/scan against
 * cg_jsonl_parse (Jansson values), the whole report built both ways from
 * real journal lines and from thousands of mutations of them, and
 * lib/sha256 against libsodium.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/table.h"
#include "store/config.h"
#include "json/jsonl.h"
#include "report/report.h"
#include "json/scan.h"
#include "crypto/sha256.h"
#include "unit.h"

#define SAMPLE "tests/fixtures/report/checkin-sample.jsonl"
#define MUTATIONS 30000

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t pick(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

static char **lines;
static size_t nlines;

static void load_sample(void)
{
	FILE *fp = fopen(SAMPLE, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!fp) {
		printf("# cannot open %s (run from the source tree)\n", SAMPLE);
		return;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		lines = realloc(lines, (nlines + 1) * sizeof(*lines));
		lines[nlines++] = strdup(line);
	}
	free(line);
	fclose(fp);
}

static const char *const keys[] = {
	"ts", "gate", "dir", "kind", "decision", "reasons", "temp", "name", "id_no",
	"mask", "symptoms", "seq", "chain", "phone", "visit_until", "event", "x"
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static struct cg_scan_keys scan_keys;

/* One key order for every line a test scans, learning as it goes: lines
 * of other shapes, keys moved and mutations all meet an order learnt from
 * other lines. */
static struct cg_scan_order scan_order;

/* The order the chained scan learns: lines without their chain. */
static struct cg_scan_order chained_order;
#define CHAIN_KEY 12		/* "chain" in keys[] */

/* b says what a says, value for value. */
static int same_vals(const struct cg_scan_val *a, const struct cg_scan_val *b, int r,
		     const char *how, const char *line, size_t len)
{
	for (size_t k = 0; r && k < NKEYS; k++)
		if (a[k].type != b[k].type ||
		    (a[k].type != CG_SCAN_ABSENT && (a[k].p != b[k].p || a[k].len != b[k].len))) {
			printf("# key '%s' differs in the %s scan: %.*s\n", keys[k], how, (int)len, line);
			return 0;
		}
	return 1;
}

/* The ordered scan and the chained one (which skips a journal line's
 * chain) say what the plain one says, value for value. */
static int same_ordered(const char *line, size_t len)
{
	struct cg_scan_val a[NKEYS], b[NKEYS], c[NKEYS];
	int ra = cg_scan_line(&scan_keys, line, len, a);
	int rb = cg_scan_line_ordered(&scan_keys, &scan_order, line, len, b);
	int rc = cg_scan_line_chained(&scan_keys, &chained_order, CHAIN_KEY, line, len, c);

	if (ra != rb || ra != rc) {
		printf("# plain scan %d, ordered %d, chained %d: %.*s\n", ra, rb, rc, (int)len, line);
		return 0;
	}
	return same_vals(a, b, ra, "ordered", line, len) && same_vals(a, c, ra, "chained", line, len);
}

/* When the scan takes a line, Jansson must take it and see the same. */
static int same_as_jansson(const char *line, size_t len)
{
	struct cg_scan_val vals[NKEYS];
	char why[256];
	json_t *rec;
	int ok = 1;

	if (!same_ordered(line, len))
		return 0;
	if (!cg_scan_line(&scan_keys, line, len, vals))
		return 1;	/* the strict path decides */
	rec = cg_jsonl_parse(line, len, why, sizeof(why));
	if (!rec) {
		printf("# scan took a line Jansson refuses (%s): %.*s\n", why, (int)len, line);
		return 0;
	}
	for (size_t k = 0; k < NKEYS && ok; k++) {
		const json_t *j = json_object_get(rec, keys[k]);
		const struct cg_scan_val *v = &vals[k];

		switch (v->type) {
		case CG_SCAN_ABSENT:
			ok = !j;
			break;
		case CG_SCAN_STRING:
			ok = json_is_string(j) && json_string_length(j) == v->len &&
			     !memcmp(json_string_value(j), v->p, v->len);
			break;
		case CG_SCAN_NUMBER: {
			char num[64];

			snprintf(num, sizeof(num), "%.*s", (int)v->len, v->p);
			ok = json_is_number(j) && strtod(num, NULL) == json_number_value(j);
			break;
		}
		case CG_SCAN_TRUE: ok = json_is_true(j); break;
		case CG_SCAN_FALSE: ok = json_is_false(j); break;
		case CG_SCAN_NULL: ok = json_is_null(j); break;
		case CG_SCAN_ARRAY: {
			struct cg_scan_val e;
			size_t pos = 0, i = 0;

			ok = json_is_array(j);
			while (ok && cg_scan_array_next(v, &pos, &e)) {
				const json_t *x = json_array_get(j, i++);

				if (e.type == CG_SCAN_STRING)
					ok = json_is_string(x) && json_string_length(x) == e.len &&
					     !memcmp(json_string_value(x), e.p, e.len);
				else
					ok = x && !json_is_string(x) && !json_is_object(x) &&
					     !json_is_array(x);
			}
			ok = ok && i == json_array_size(j);
			break;
		}
		default:
			ok = 0;
		}
		if (!ok)
			printf("# key '%s' differs: %.*s\n", keys[k], (int)len, line);
	}
	json_decref(rec);
	return ok;
}

TEST(scan_simple_lines)
{
	struct cg_scan_val vals[NKEYS];
	const char *ok[] = {
		"{}", " {\"ts\":\"x\"} ", "{\"temp\":36.5,\"reasons\":[\"fever\",\"no_mask\"]}",
		"{\"temp\":-0.5,\"x\":[],\"mask\":true,\"seq\":null}", "{\"name\":\"张三\"}",
		"{\"a\":[1,true,null,\"b\"],\"b\":false}",
		/* Runs of CJK characters: to the quote, then ASCII, then
		 * other UTF-8, and a name that fills a whole SIMD load. */
		"{\"name\":\"郑刚兰\",\"x\":\"张\"}", "{\"name\":\"郑刚兰x\"}",
		"{\"name\":\"a郑刚é兰\"}", "{\"name\":\"欧阳郑刚兰娜娜张三李四\"}",
		"{\"name\":\"郑刚\xe0\xa4\x85\"}"
	};
	const char *fallback[] = {
		"", "[]", "{\"ts\":\"a\\\"b\"}", "{\"x\":{\"y\":1}}", "{\"x\":[[1]]}",
		"{\"temp\":1e5}", "{\"temp\":01}", "{\"a\":1,\"a\":2}", "{\"ts\":\"x\",\"ts\":\"x\"}",
		"{\"x\":1} x", "{\"x\":tru}", "{\"x\":\"\x01\"}", "{\"x\":\"\xff\"}",
		"{\"x\":\"\xc0\x80\"}", "{\"x\":\"\xed\xa0\x80\"}", "{\"x\":1234567890123456789}",
		"{\"x\":-}", "{\"x\":1.}", "{'x':1}", "{\"x\":1,}", "{\"x\" 1}",
		/* A run of CJK characters that ends in a bad sequence, a cut
		 * one, a surrogate, an overlong form, or no quote at all. */
		"{\"x\":\"郑刚\xe5\x88\"}", "{\"x\":\"郑刚\xed\xa0\x80\"}",
		"{\"x\":\"郑刚\xe0\x80\x80\"}", "{\"x\":\"郑刚\xe5\x88\xe5\"}", "{\"x\":\"郑刚",
		"{\"x\":\"郑刚\xe5"
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(cg_scan_line(&scan_keys, ok[i], strlen(ok[i]), vals) == 1);
		CHECK(same_as_jansson(ok[i], strlen(ok[i])));
	}
	for (size_t i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++) {
		if (cg_scan_line(&scan_keys, fallback[i], strlen(fallback[i]), vals)) {
			printf("# took: %s\n", fallback[i]);
			CHECK(0);
		}
		CHECK(same_ordered(fallback[i], strlen(fallback[i])));
	}
	CHECK(cg_scan_line(&scan_keys, "{\"temp\":36.5}", 13, vals) == 1);
	CHECK(vals[6].type == CG_SCAN_NUMBER && vals[6].len == 4 && !memcmp(vals[6].p, "36.5", 4));
	CHECK(vals[0].type == CG_SCAN_ABSENT);
}

/* Keys of one length and first byte are all found, however many. */
TEST(scan_keys_sharing_length_and_first_byte)
{
	static const char *const names[] = {
		"phone", "plate", "place", "p0", "p1", "p2", "p3", "p4", "p", "plate"
	};
	static const char line[] =
		"{\"p4\":4,\"place\":\"P1\",\"p2\":2,\"plate\":\"A1\",\"phone\":\"138\","
		"\"p0\":0,\"pl\":9,\"p\":true}";
	struct cg_scan_keys k;
	struct cg_scan_val vals[10];

	cg_scan_keys_init(&k, names, 10);
	CHECK(cg_scan_line(&k, line, strlen(line), vals) == 1);
	CHECK(vals[0].type == CG_SCAN_STRING && vals[0].len == 3 && !memcmp(vals[0].p, "138", 3));
	CHECK(vals[1].type == CG_SCAN_STRING && vals[1].len == 2 && !memcmp(vals[1].p, "A1", 2));
	CHECK(vals[2].type == CG_SCAN_STRING && vals[2].len == 2 && !memcmp(vals[2].p, "P1", 2));
	CHECK(vals[3].type == CG_SCAN_NUMBER && vals[3].len == 1 && vals[3].p[0] == '0');
	CHECK(vals[4].type == CG_SCAN_ABSENT);
	CHECK(vals[5].type == CG_SCAN_NUMBER && vals[5].p[0] == '2');
	CHECK(vals[6].type == CG_SCAN_ABSENT);
	CHECK(vals[7].type == CG_SCAN_NUMBER && vals[7].p[0] == '4');
	CHECK(vals[8].type == CG_SCAN_TRUE);
	CHECK(vals[9].type == CG_SCAN_ABSENT);	/* a name twice: the first has it */
}

/* Keys of every length 1-32 are found only when every byte is theirs. */
TEST(scan_keys_of_every_length)
{
	static char names[32][33];
	const char *name_of[32];
	struct cg_scan_keys k;
	struct cg_scan_val vals[32];
	char line[64];

	for (int i = 0; i < 32; i++) {
		for (int j = 0; j <= i; j++)
			names[i][j] = (char)('a' + (i + j) % 26);
		names[i][i + 1] = '\0';
		name_of[i] = names[i];
	}
	cg_scan_keys_init(&k, name_of, 32);
	for (int i = 0; i < 32; i++) {
		snprintf(line, sizeof(line), "{\"%.32s\":1}", names[i]);
		CHECK(cg_scan_line(&k, line, strlen(line), vals) == 1);
		CHECK(vals[i].type == CG_SCAN_NUMBER);
		for (int j = 1; j <= i; j++) {	/* the first byte picks the chain */
			line[2 + j] ^= 0x20;
			CHECK(cg_scan_line(&k, line, strlen(line), vals) == 1);
			for (int n = 0; n < 32; n++)
				if (vals[n].type != CG_SCAN_ABSENT) {
					printf("# '%s' with byte %d changed found as '%s'\n", names[i], j, names[n]);
					CHECK(0);
				}
			line[2 + j] ^= 0x20;
		}
	}
}

TEST(scan_real_lines)
{
	struct cg_scan_val vals[NKEYS];
	size_t taken = 0;

	CHECK(nlines >= 200);
	for (size_t i = 0; i < nlines; i++) {
		taken += cg_scan_line(&scan_keys, lines[i], strlen(lines[i]), vals);
		CHECK(same_as_jansson(lines[i], strlen(lines[i])));
	}
	CHECK_INT(taken, nlines);	/* every journal line takes the fast path */
}

/* A real line with its keys in another order, compact or spaced. */
static size_t shuffled(const char *line, char *buf, size_t size)
{
	json_t *rec = cg_jsonl_parse(line, strlen(line), NULL, 0), *out = json_object();
	const char *names[CG_SCAN_MAX_KEYS];
	size_t n = 0, len = 0;
	const char *key;
	json_t *val;
	char *text;

	json_object_foreach(rec, key, val)
		if (n < CG_SCAN_MAX_KEYS)
			names[n++] = key;
	for (size_t i = n; i > 1; i--) {	/* Fisher-Yates */
		size_t j = pick(i);
		const char *t = names[i - 1];

		names[i - 1] = names[j];
		names[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		json_object_set(out, names[i], json_object_get(rec, names[i]));
	text = json_dumps(out, JSON_PRESERVE_ORDER | (pick(4) ? JSON_COMPACT : 0));
	if (text && (len = strlen(text)) < size)
		memcpy(buf, text, len + 1);
	else
		len = 0, buf[0] = '\0';
	free(text);
	json_decref(out);
	json_decref(rec);
	return len;
}

/* The ordered scan on lines whose keys move, drop out and come back, and
 * on more distinct keys than it remembers. */
/* Around the edge of a journal line's chain, the chained scan decides
 * as the plain one on the whole line. */
TEST(scan_chained_edges)
{
	static const char *const heads[] = {
		"{\"ts\":\"x\",\"seq\":5",		/* a record: taken */
		"{\"ts\":\"x\"}",			/* closed before the chain */
		"{}",
		"{",
		"{\"ts\":\"x\",",
		"{\"ts\":",
		"{\"ts\":\"x",				/* a string that runs on */
		"{\"ts\":[1",
		"{\"ts\":tru",
		"{\"seq\":5 ",				/* space before the comma */
		"{\"chain\":\"a\",\"seq\":5",		/* chain twice */
		"{\"ts\":\"x\",\"seq\":5}  ",
		"",
	};
	static const char *const tails[] = {
		",\"chain\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
		",\"chain\":\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"}",
		",\"chain\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\"}",
		",\"chain\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
		",\"chain\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"} ",
	};
	char line[4096];
	struct cg_scan_val v[NKEYS];
	int n;

	for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++)
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			n = snprintf(line, sizeof(line), "%s%s", heads[h], tails[t]);
			CHECK(same_ordered(line, (size_t)n));
		}
	/* The record is taken, with its chain, and the others are not. */
	n = snprintf(line, sizeof(line), "%s%s", heads[0], tails[0]);
	CHECK_INT(cg_scan_line_chained(&scan_keys, &chained_order, CHAIN_KEY, line, (size_t)n, v), 1);
	CHECK(v[CHAIN_KEY].type == CG_SCAN_STRING && v[CHAIN_KEY].len == 64 &&
	      !memcmp(v[CHAIN_KEY].p, "0123456789abcdef", 16));
	n = snprintf(line, sizeof(line), "%s%s", heads[1], tails[0]);
	CHECK_INT(cg_scan_line_chained(&scan_keys, &chained_order, CHAIN_KEY, line, (size_t)n, v), 0);
	n = snprintf(line, sizeof(line), "%s%s", heads[10], tails[0]);
	CHECK_INT(cg_scan_line_chained(&scan_keys, &chained_order, CHAIN_KEY, line, (size_t)n, v), 0);
	/* As many keys as a line may have, the chain being the last of them,
	 * and one more. */
	for (int extra = 0; extra < 2; extra++) {
		int at = snprintf(line, sizeof(line), "{");

		for (int i = 0; i < CG_SCAN_MAX_KEYS - 1 + extra; i++)
			at += snprintf(line + at, sizeof(line) - (size_t)at, "%s\"k%d\":%d",
				       i ? "," : "", i, i);
		at += snprintf(line + at, sizeof(line) - (size_t)at, "%s", tails[0]);
		CHECK(same_ordered(line, (size_t)at));
		CHECK_INT(cg_scan_line_chained(&scan_keys, &chained_order, CHAIN_KEY, line, (size_t)at, v),
			  !extra);
	}
}

TEST(scan_ordered_keys_moved)
{
	char buf[4096], line[2048];
	size_t len;

	for (size_t i = 0; i < 1500 && nlines; i++) {
		const char *l = lines[pick(nlines)];

		len = pick(3) ? shuffled(l, buf, sizeof(buf)) : strlen(l);
		CHECK(same_as_jansson(len && buf[0] ? buf : l, len && buf[0] ? len : strlen(l)));
		CHECK(same_ordered(l, strlen(l)));	/* back to the writer's order */
	}
	/* A remembered key not wanted, twice in a line: before its place
	 * and in it. */
	for (size_t i = 0; i < nlines && i < 20; i++) {
		len = (size_t)snprintf(line, sizeof(line), "{\"compound\":\"X\",%s", lines[i] + 1);
		CHECK(same_ordered(line, len));
		CHECK(cg_scan_line_ordered(&scan_keys, &scan_order, line, len,
					   (struct cg_scan_val[NKEYS]){ 0 }) == 0);
	}
	/* A wanted name the index cannot hold (not ASCII at its start) is
	 * never found, by either scan, however often it is met. */
	{
		static const char *const names[] = { "\xc3\xa9t\xc3\xa9", "ts" };
		static const char text[] = "{\"\xc3\xa9t\xc3\xa9\":1,\"ts\":\"x\"}";
		struct cg_scan_keys k;
		struct cg_scan_order o;
		struct cg_scan_val v[2];

		cg_scan_keys_init(&k, names, 2);
		cg_scan_order_init(&o, &k);
		for (int round = 0; round < 3; round++) {
			CHECK(cg_scan_line_ordered(&k, &o, text, strlen(text), v) == 1);
			CHECK(v[0].type == CG_SCAN_ABSENT && v[1].type == CG_SCAN_STRING);
		}
	}
	/* 60 unknown keys, then the wanted ones after them, twice over. */
	for (int round = 0; round < 2; round++) {
		len = (size_t)snprintf(line, sizeof(line), "{");
		for (int k = 0; k < 60; k++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "\"u%d\":%d,", k, k);
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					"\"ts\":\"x\",\"gate\":\"n\",\"x\":1}");
		CHECK(same_ordered(line, len));
		CHECK(same_as_jansson(line, len));
		/* a duplicate of a remembered key that is not wanted */
		line[len - 1] = ',';
		len += (size_t)snprintf(line + len, sizeof(line) - len, "\"u3\":0}");
		CHECK(same_ordered(line, len));
		CHECK(cg_scan_line_ordered(&scan_keys, &scan_order, line, len,
					   (struct cg_scan_val[NKEYS]){ 0 }) == 0);
	}
}

/* A mutation of a real line, in buf. */
static size_t mutate(const char *line, char *buf, size_t size)
{
	static const char bytes[] = "\"\\{}[],: 09-.etnu\x01\x1f\x80\xc3\xe4\xffx";
	static const char *const snippets[] = {
		"\\u0041", "\\n", ",\"ts\":1", ",\"gate\":\"north\"", "[1,[2]]", "{}", "1e5",
		"-0", "01", "true", "null", ",\"reasons\":[\"fever\"]", "\"temp\":37.3,",
		"\xe5\xbc\xa0", "\\ud800", "36.50", "3.65e1", ",\"decision\":\"deny\"", "\"\"",
		",\"reasons\":[1]", ",\"temp\":\"36\"", ",\"id_no\":\"110101199003074515\"",
		",\"dir\":\"up\"", ",\"event\":\"open\"", "1234567890123456789", "0.0000000000000000001"
	};
	size_t len = strlen(line), n = 1 + pick(3);

	if (len >= size)
		len = size - 1;
	memcpy(buf, line, len);
	while (n--) {
		size_t at = pick(len + 1);

		switch (pick(5)) {
		case 0:	/* replace a byte */
			if (len)
				buf[pick(len)] = bytes[pick(sizeof(bytes) - 1)];
			break;
		case 1: {	/* delete a run */
			size_t k = 1 + pick(4);

			if (at + k <= len) {
				memmove(buf + at, buf + at + k, len - at - k);
				len -= k;
			}
			break;
		}
		case 2: {	/* insert a snippet */
			const char *s = snippets[pick(sizeof(snippets) / sizeof(snippets[0]))];
			size_t k = strlen(s);

			if (len + k < size) {
				memmove(buf + at + k, buf + at, len - at);
				memcpy(buf + at, s, k);
				len += k;
			}
			break;
		}
		case 3:	/* cut short */
			len = at;
			break;
		default:	/* a byte in the middle of a value */
			if (len > 2)
				buf[1 + pick(len - 2)] = (char)(0x20 + pick(0x60));
		}
	}
	buf[len] = '\0';
	return len;
}

static struct cg_config cfg;

static struct cg_report *new_report(int fast)
{
	struct cg_report_opts o = { &cfg, 0, CG_REPORT_NO_DAY, CG_REPORT_NO_DAY, 1, fast };

	cg_time_parse("2026-01-25T20:00:00+08:00", 0, &o.now);
	return cg_report_new(&o);
}

/* Feed a line to both reports; they must say the same of it. */
static int both(struct cg_report *a, struct cg_report *b, const char *line, size_t len)
{
	char wa[512] = "", wb[512] = "";
	struct cg_err ea = CG_ERR_INIT, eb = CG_ERR_INIT;
	int ra = cg_report_line(a, line, len, wa, sizeof(wa), &ea);
	int rb = cg_report_line(b, line, len, wb, sizeof(wb), &eb);

	if (ra != rb || (ra == 1 && strcmp(wa, wb))) {
		printf("# fast %d '%s', strict %d '%s': %.*s\n", ra, wa, rb, wb, (int)len, line);
		return 0;
	}
	return 1;
}

static int same_reports(struct cg_report *a, struct cg_report *b)
{
	json_t *ja = cg_report_finish(a, "cg-report test"), *jb = cg_report_finish(b, "cg-report test");
	char *sa = json_dumps(ja, JSON_COMPACT), *sb = json_dumps(jb, JSON_COMPACT);
	int same = sa && sb && !strcmp(sa, sb);

	if (!same)
		printf("# reports differ:\n# %.300s\n# %.300s\n", sa, sb);
	free(sa);
	free(sb);
	json_decref(ja);
	json_decref(jb);
	return same;
}

TEST(report_real_lines_both_ways)
{
	struct cg_report *a = new_report(1), *b = new_report(0);

	for (size_t i = 0; i < nlines; i++)
		CHECK(both(a, b, lines[i], strlen(lines[i])));
	CHECK(same_reports(a, b));
	cg_report_free(a);
	cg_report_free(b);
}

TEST(report_mutated_lines_both_ways)
{
	struct cg_report *a = new_report(1), *b = new_report(0);
	char buf[4096];
	size_t fast = 0, bad = 0;

	if (!nlines) {
		CHECK(0);
		return;
	}
	for (size_t i = 0; i < MUTATIONS; i++) {
		size_t len = mutate(lines[pick(nlines)], buf, sizeof(buf));
		struct cg_scan_val vals[NKEYS];

		fast += (size_t)cg_scan_line(&scan_keys, buf, len, vals);
		if (!same_as_jansson(buf, len) || !both(a, b, buf, len))
			if (++bad > 5)
				break;
	}
	CHECK_INT(bad, 0);
	CHECK(same_reports(a, b));
	/* Both paths were exercised. */
	printf("# %zu of %d mutations took the fast path\n", fast, MUTATIONS);
	CHECK(fast > MUTATIONS / 10 && fast < MUTATIONS);
	cg_report_free(a);
	cg_report_free(b);
}

/* A real line with its ts (the first key) replaced by ts, in buf. */
static size_t with_ts(const char *line, const char *ts, char *buf, size_t size)
{
	const char *rest = strchr(line + 7, '"');

	return (size_t)snprintf(buf, size, "{\"ts\":\"%s%s", ts, rest ? rest : "\"}");
}

/* Times in every form: the fast reading of cg-checkin's own form and
 * cg_time_parse() agree on what they take and what they make of it. */
TEST(report_times_both_ways)
{
	static const char *const times[] = {
		"2026-01-24T10:00:00+08:00", "2026-01-24T10:00:00-08:00",
		"2026-01-24T10:00:00+00:00", "2026-01-24T10:00:00-00:00",
		"2026-01-24T10:00:00Z", "2026-01-24t10:00:00+08:00",
		"2026-01-24 10:00:00+08:00", "2026-01-24T10:00:00.5+08:00",
		"2026-01-24T23:59:60+08:00", "2026-01-24T24:00:00+08:00",
		"2026-02-29T10:00:00+08:00", "2024-02-29T10:00:00+08:00",
		"2026-13-01T10:00:00+08:00", "2026-00-10T10:00:00+08:00",
		"0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00-01:00",
		"0000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-01:00",
		"9999-12-31T23:59:59+01:00", "2026-01-24T10:00:00+24:00",
		"2026-01-24T10:00:00+23:59", "2026-01-24T10:60:00+08:00",
		"2026-01-24T10:00:00+08:60", "2026-01-24T1a:00:00+08:00",
		"2026-01-24T10:00:00+0800", "2026-1-24T10:00:00+08:00",
		"2026-01-24T10:00:00+08:00 ", "2026-01-24T10:00:00+08:0",
		"2026-01-24T10:00:00*08:00", "2026-01-24X10:00:00+08:00",
		"2026-01-24T10-00:00+08:00", "2026/01/24T10:00:00+08:00",
		"ï¼""026-01-24T10:00:00+08:00"
	};
	static const char bytes[] = "0123456789+-:TtZz .x/";
	struct cg_report *a, *b;
	char buf[4096], ts[64];

	if (!nlines) {
		CHECK(0);
		return;
	}
	/* Each odd time in a report of its own: between years far apart a
	 * gate's gaps take a while to walk. */
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		a = new_report(1);
		b = new_report(0);
		CHECK(both(a, b, buf, with_ts(lines[i % nlines], times[i], buf, sizeof(buf))));
		CHECK(same_reports(a, b));
		cg_report_free(a);
		cg_report_free(b);
	}
	/* The day's times, a byte or two of the clock or offset changed. */
	a = new_report(1);
	b = new_report(0);
	for (size_t i = 0; i < 2000; i++) {
		snprintf(ts, sizeof(ts), "%s", times[pick(4)]);
		ts[9] = (char)('0' + pick(10));	/* another day of January */
		for (size_t n = pick(3); n--;)
			ts[10 + pick(15)] = bytes[pick(sizeof(bytes) - 1)];
		if (!both(a, b, buf, with_ts(lines[pick(nlines)], ts, buf, sizeof(buf)))) {
			CHECK(0);
			break;
		}
	}
	CHECK(same_reports(a, b));
	cg_report_free(a);
	cg_report_free(b);
}

/* Corrections told apart by the scan as by the search of the line's
 * tail: at the end, first, far from the end, with an escape, amended. */
TEST(report_corrections_both_ways)
{
	static const char *const fixes[] = {
		"{\"ts\":\"2026-01-25T09:00:00+08:00\",\"compound\":\"DEMO-0001\","
		"\"voids\":\"DEMO-0001/checkin/2026-01-25/3\",\"correction_of\":"
		"\"DEMO-0001/checkin/2026-01-25/3\",\"correction_reason\":\"wrong\","
		"\"corrected_by\":\"guard\",\"corrected_at\":\"2026-01-25T09:00:00+08:00\","
		"\"seq\":7,\"chain\":\"ab\"}",
		"{\"corrected_at\":\"2026-01-25T09:00:00+08:00\",\"ts\":\"2026-01-25T09:00:00+08:00\","
		"\"voids\":\"DEMO-0001/checkin/2026-01-25/4\",\"correction_of\":"
		"\"DEMO-0001/checkin/2026-01-25/4\",\"correction_reason\":\"wrong\","
		"\"corrected_by\":\"guard\",\"seq\":8,\"chain\":\"ab\"}",
		"{\"ts\":\"2026-01-25T09:00:00+08:00\",\"voids\":\"DEMO-0001/checkin/2026-01-25/5\","
		"\"correction_of\":\"DEMO-0001/checkin/2026-01-25/5\",\"correction_reason\":"
		"\"typed \\\"x\\\" by mistake\",\"corrected_by\":\"guard\","
		"\"corrected_at\":\"2026-01-25T09:00:00+08:00\",\"seq\":9,\"chain\":\"ab\"}",
		"{\"ts\":\"2026-01-25T09:00:00+08:00\",\"voids\":\"DEMO-0001/checkin/2026-01-25/6\","
		"\"correction_of\":\"DEMO-0001/checkin/2026-01-25/6\",\"correction_reason\":\"w\","
		"\"corrected_by\":\"guard\",\"corrected_at\":\"2026-01-25T09:00:00+08:00\","
		"\"note\":\"%0300d\",\"seq\":10,\"chain\":\"ab\"}",
		"{\"ts\":\"2026-01-25T09:00:00+08:00\",\"corrected_at\":7,\"seq\":11}",
		"{\"ts\":\"2026-01-25T09:00:00+08:00\",\"corrected_at\":\"\",\"seq\":12}",
	};
	struct cg_report *a = new_report(1), *b = new_report(0);
	char buf[4096];

	for (size_t i = 0; i < nlines && i < 20; i++)
		CHECK(both(a, b, lines[i], strlen(lines[i])));
	for (size_t i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++) {
		size_t len = (size_t)snprintf(buf, sizeof(buf), fixes[i], 0);

		CHECK(both(a, b, buf, len));
	}
	CHECK(same_reports(a, b));
	cg_report_free(a);
	cg_report_free(b);
}

/* Memory stays bounded: past 65536 visits still open, the oldest ended
 * ones are settled as overstays; every visitor is still counted once. */
TEST(many_visitors)
{
	struct cg_report *r = new_report(1);
	struct cg_err err = CG_ERR_INIT;
	char line[512], why[256];
	json_t *rep, *v;
	int n = 80000;

	for (int i = 0; i < n; i++) {
		int s = (int)((long long)i * 86000 / n);

		snprintf(line, sizeof(line),
			 "{\"ts\":\"2026-01-24T%02d:%02d:%02d+08:00\",\"gate\":\"north\",\"dir\":\"in\","
			 "\"kind\":\"visitor\",\"phone\":\"139%08d\",\"host\":\"1-1-101\",\"decision\":\"admit\","
			 "\"reasons\":[],\"visit_until\":\"2026-01-24T%02d:%02d:%02d+08:00\"}",
			 s / 3600, s / 60 % 60, s % 60, i, s / 3600, s / 60 % 60, s % 60);
		if (cg_report_line(r, line, strlen(line), why, sizeof(why), &err) != 0) {
			printf("# %s: %s\n", why, line);
			CHECK(0);
			break;
		}
	}
	rep = cg_report_finish(r, "cg-report test");
	v = json_object_get(rep, "visitors");
	CHECK_INT(json_integer_value(json_object_get(v, "count")), n);
	/* nobody left: all are inside, those whose visit is over overstay */
	CHECK_INT(json_integer_value(json_object_get(v, "inside")), n);
	CHECK(json_integer_value(json_object_get(v, "overstay_count")) > CG_REPORT_LIST_MAX);
	CHECK(json_integer_value(json_object_get(v, "overstay_count")) <= n);
	CHECK_INT(json_array_size(json_object_get(v, "inside_list")), CG_REPORT_LIST_MAX);
	CHECK_INT(json_array_size(json_object_get(v, "overstays")), CG_REPORT_LIST_MAX);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(rep, "omitted"), "overstays")),
		  json_integer_value(json_object_get(v, "overstay_count")) - CG_REPORT_LIST_MAX);
	json_decref(rep);
	cg_report_free(r);
}

TEST(sha256_matches_libsodium)
{
	unsigned char data[1200], a[32], b[32];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)next();
	for (int portable = 0; portable < 2; portable++) {
		cg_sha256_force_portable(portable);
		for (size_t n = 0; n <= sizeof(data); n += (n < 300 ? 1 : 37)) {
			struct cg_sha256 s;
			size_t cut = pick(n + 1);

			cg_sha256_init(&s);
			cg_sha256_update(&s, data, cut);
			cg_sha256_update(&s, data + cut, n - cut);
			cg_sha256_final(&s, a);
			crypto_hash_sha256(b, data, n);
			if (memcmp(a, b, 32)) {
				printf("# sha256 differs: portable %d, %zu bytes\n", portable, n);
				CHECK(0);
				break;
			}
		}
	}
	cg_sha256_force_portable(0);
	printf("# SHA extensions %s\n", cg_sha256_accelerated() ? "in use" : "not available");
}

/* One to four messages at once give each its own digest, whatever their
 * lengths and whatever each had hashed before (in step or not). */
TEST(sha256_side_by_side)
{
	unsigned char data[1200], out[CG_SHA256_LANES][CG_SHA256_BYTES], want[32];
	int bad = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)next();
	for (int portable = 0; portable < 2; portable++) {
		cg_sha256_force_portable(portable);
		for (int round = 0; round < 4000; round++) {
			struct cg_sha256 ctx[CG_SHA256_LANES], *s[CG_SHA256_LANES];
			const void *d[CG_SHA256_LANES];
			size_t pre[CG_SHA256_LANES], len[CG_SHA256_LANES], off[CG_SHA256_LANES];
			int n = 1 + round % CG_SHA256_LANES;

			for (int i = 0; i < n; i++) {
				pre[i] = pick(3) ? 64 * pick(3) : pick(100);
				len[i] = pick(3) ? 240 + pick(20) : pick(400);
				off[i] = pick(sizeof(data) - 600);
				s[i] = &ctx[i];
				d[i] = data + off[i] + pre[i];
				cg_sha256_init(s[i]);
				cg_sha256_update(s[i], data + off[i], pre[i]);
			}
			cg_sha256_update_n(s, d, len, n);
			cg_sha256_final_n(s, out, n);
			for (int i = 0; i < n; i++) {
				crypto_hash_sha256(want, data + off[i], pre[i] + len[i]);
				if (memcmp(out[i], want, 32) && !bad++)
					printf("# %d side by side differ: portable %d, message %d of %zu+%zu bytes\n",
					       n, portable, i, pre[i], len[i]);
			}
		}
	}
	cg_sha256_force_portable(0);
	CHECK_INT(bad, 0);
}

TEST(text_width)
{
	CHECK_INT(cg_text_width(""), 0);
	CHECK_INT(cg_text_width("north"), 5);
	CHECK_INT(cg_text_width("张三"), 4);
	CHECK_INT(cg_text_width("张*"), 3);
	CHECK_INT(cg_text_width("示范小区 (DEMO)"), 15);
	CHECK_INT(cg_text_width("京A12345"), 8);
	CHECK_INT(cg_text_width("ｈｉ"), 4);	/* fullwidth */
}

int main(void)
{
	struct cg_err err = CG_ERR_INIT;

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	if (sodium_init() < 0 || cg_config_parse(&cfg, "{}", 2, "test", &err) < 0) {
		printf("not ok - setup: %s\n", err.msg);
		return 1;
	}
	cg_scan_keys_init(&scan_keys, keys, NKEYS);
	cg_scan_order_init(&scan_order, &scan_keys);
	cg_scan_order_init(&chained_order, &scan_keys);
	load_sample();
	RUN(scan_simple_lines);
	RUN(scan_keys_sharing_length_and_first_byte);
	RUN(scan_keys_of_every_length);
	RUN(scan_real_lines);
	RUN(report_real_lines_both_ways);
	RUN(report_mutated_lines_both_ways);
	RUN(many_visitors);
	RUN(sha256_matches_libsodium);
	RUN(sha256_side_by_side);
	RUN(text_width);
	/* Last: the random mutations above stay the ones they always were
	 * (some make far-apart days, whose gaps are slow to walk). */
	RUN(scan_ordered_keys_moved);
	RUN(scan_chained_edges);
	RUN(report_times_both_ways);
	RUN(report_corrections_both_ways);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	cg_config_release(&cfg);
	return UNIT_DONE();
}
