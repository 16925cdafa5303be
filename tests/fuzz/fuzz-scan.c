/*
 * libFuzzer target: cg-report's fast scanner (lib/scan.h) against the
 * strict parser, on the same lines.  Built by "make fuzz"; its corpus,
 * tests/fuzz/corpus/scan, is replayed by make check.
 *
 * The input is split into lines.  On each line:
 *  - cg_scan_line either defers to the strict path (returns 0: anything
 *    outside its simple subset, as scan.h documents; that is never a
 *    disagreement) or takes the line, and then cg_jsonl_parse must take
 *    it too and hold the same value for every key looked up: absent as
 *    absent, the same string bytes, the same number (strtod of the text),
 *    true, false and null as such, and arrays element by element;
 *  - the line goes into two reports of a fixed week, one with the fast
 *    path and one without: they must take or reject it alike, with the
 *    same reason, and the two reports at the end must be the same.
 *
 * The keys looked up are cg-report's, and a few more, among them three of
 * one length and first byte ("phone", "plate", "place"), which
 * cg_scan_keys_init must still tell apart.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "store/config.h"
#include "fuzz.h"
#include "json/jsonl.h"
#include "report/report.h"
#include "json/scan.h"

static const char *const keys[] = {
	"ts", "compound", "gate", "dir", "kind", "decision", "reasons", "temp",
	"visit_until", "name", "id_no", "phone", "household", "host", "plate",
	"event", "place", "seq", "chain", "case_id", "pass_id", "x"
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static struct cg_scan_keys scan_keys;
static struct cg_scan_order scan_order, chained_order;
#define CHAIN_KEY 18		/* "chain" in keys[] */
static struct cg_config cfg;

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	/* Four reports an input, each with a memo of 4 MB: mapped afresh
	 * (zero pages as touched), not taken back from the heap and
	 * cleared whole, which was most of the replay's time. */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	if (setenv("TZ", "Asia/Shanghai", 1) < 0)
		abort();
	tzset();
	if (cg_config_parse(&cfg, NULL, 0, "defaults", NULL) < 0)
		abort();
	cg_scan_keys_init(&scan_keys, keys, NKEYS);
	cg_scan_order_init(&scan_order, &scan_keys);
	cg_scan_order_init(&chained_order, &scan_keys);
}

static int same_string(const struct cg_scan_val *v, const json_t *j)
{
	return json_is_string(j) && json_string_length(j) == v->len &&
	       !memcmp(json_string_value(j), v->p, v->len);
}

static int same_number(const struct cg_scan_val *v, const json_t *j)
{
	char num[64];

	if (v->len >= sizeof(num))
		return 0;
	memcpy(num, v->p, v->len);
	num[v->len] = '\0';
	return json_is_number(j) && strtod(num, NULL) == json_number_value(j);
}

static int same_scalar(const struct cg_scan_val *v, const json_t *j)
{
	switch (v->type) {
	case CG_SCAN_STRING: return same_string(v, j);
	case CG_SCAN_NUMBER: return same_number(v, j);
	case CG_SCAN_TRUE: return json_is_true(j);
	case CG_SCAN_FALSE: return json_is_false(j);
	case CG_SCAN_NULL: return json_is_null(j);
	default: return 0;
	}
}

static int same_value(const struct cg_scan_val *v, const json_t *j)
{
	struct cg_scan_val e;
	size_t pos = 0, i = 0;

	if (v->type == CG_SCAN_ABSENT)
		return !j;
	if (v->type != CG_SCAN_ARRAY)
		return same_scalar(v, j);
	if (!json_is_array(j) || v->len < 2 || v->p[0] != '[' || v->p[v->len - 1] != ']')
		return 0;
	while (cg_scan_array_next(v, &pos, &e))
		if (!same_scalar(&e, json_array_get(j, i++)))
			return 0;
	return i == json_array_size(j);
}

/* The scanner takes a line only as the strict parser reads it. */
static void scan_line(const char *line, size_t len)
{
	struct cg_scan_val vals[NKEYS], ordered[NKEYS], chained[NKEYS];
	int taken = cg_scan_line(&scan_keys, line, len, vals);
	char why[256];
	json_t *rec;

	/* The ordered scan (its order learnt from the lines before) and the
	 * chained one (a journal line's chain not scanned) find what the
	 * plain one finds. */
	if (cg_scan_line_ordered(&scan_keys, &scan_order, line, len, ordered) != taken ||
	    cg_scan_line_chained(&scan_keys, &chained_order, CHAIN_KEY, line, len, chained) != taken)
		abort();
	for (size_t k = 0; taken && k < NKEYS; k++)
		if (vals[k].type != ordered[k].type || (vals[k].type != CG_SCAN_ABSENT &&
		    (vals[k].p != ordered[k].p || vals[k].len != ordered[k].len)) ||
		    vals[k].type != chained[k].type || (vals[k].type != CG_SCAN_ABSENT &&
		    (vals[k].p != chained[k].p || vals[k].len != chained[k].len)))
			abort();
	if (!taken)
		return;
	if (!(rec = cg_jsonl_parse(line, len, why, sizeof(why))))
		abort();
	for (size_t k = 0; k < NKEYS; k++)
		if (!same_value(&vals[k], json_object_get(rec, keys[k])))
			abort();
	json_decref(rec);
}

/*
 * The week up to 2026-01-25, 20:00 in Shanghai (fixed), or the period
 * the records give.  That period once ran from the earliest record to
 * the latest, and one mutated year made it centuries (seconds per gate
 * in cg_report_finish); it is now the run of days holding most records,
 * at most ten years (report-span.c), and the corpus has lines of 0816
 * and 2926 to keep it so.
 */
static struct cg_report *new_report(int fast, int fixed)
{
	struct cg_report_opts o = { &cfg, 1769342400,
				    fixed ? (int32_t)cg_days_from_civil(2026, 1, 19) : CG_REPORT_NO_DAY,
				    fixed ? (int32_t)cg_days_from_civil(2026, 1, 25) : CG_REPORT_NO_DAY,
				    1, fast };
	struct cg_report *r = cg_report_new(&o);

	if (!r)
		abort();
	return r;
}

static void both_reports(struct cg_report *a, struct cg_report *b,
			 const char *line, size_t len)
{
	char wa[512] = "", wb[512] = "";
	struct cg_err ea = CG_ERR_INIT, eb = CG_ERR_INIT;
	int ra = cg_report_line(a, line, len, wa, sizeof(wa), &ea);
	int rb = cg_report_line(b, line, len, wb, sizeof(wb), &eb);

	if (ra != rb || (ra == 1 && strcmp(wa, wb)) || (ra < 0 && strcmp(ea.msg, eb.msg)))
		abort();
}

/* The fast report and the strict one agree at the end; both freed. */
static void same_reports(struct cg_report *fast, struct cg_report *strict)
{
	json_t *ja = cg_report_finish(fast, "cg-report fuzz");
	json_t *jb = cg_report_finish(strict, "cg-report fuzz");

	if (!json_equal(ja, jb))
		abort();
	json_decref(ja);
	json_decref(jb);
	cg_report_free(fast);
	cg_report_free(strict);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct cg_report *fast, *strict, *fast_any, *strict_any;

	setup();
	fast = new_report(1, 1);
	strict = new_report(0, 1);
	fast_any = new_report(1, 0);
	strict_any = new_report(0, 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		scan_line(p, len);
		both_reports(fast, strict, p, len);
		both_reports(fast_any, strict_any, p, len);
		p += len + 1;
	}
	same_reports(fast, strict);
	same_reports(fast_any, strict_any);
	return 0;
}
