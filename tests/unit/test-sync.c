/* Unit tests of lib/sync: record lines, keys, names, targets, Retry-After, redacted URLs. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store/config.h"
#include "sync/http.h"
#include "sync/sync.h"
#include "unit.h"

static const char line[] =
	"{\"ts\":\"2026-01-25T08:00:00+08:00\",\"compound\":\"DEMO-0001\",\"gate\":\"north\","
	"\"name\":\"张三\",\"id_no\":\"11010519491231002X\",\"phone\":\"13800138000\","
	"\"pass\":\"CG1:ABC\",\"own\":1,"
	"\"seq\":17,\"chain\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}";

static const struct cg_sync_shape checkin_ch = { 0, CG_SYNC_CLICKHOUSE, NULL, NULL,
						  "Asia/Shanghai", "S01", "D1", NULL, "" };

TEST(record_keeps_the_allowlist_adds_rid_and_stamps)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;

	CHECK_INT(cg_clock_set_zone("Asia/Shanghai", &err), 0);
	CHECK_INT(cg_sync_record(&out, line, strlen(line), "DEMO-0001/checkin/2026-01-25/17",
				 "DEMO-0001", &checkin_ch, &err), 0);
	CHECK_STR(out.buf, "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"compound\":\"DEMO-0001\","
		  "\"gate\":\"north\",\"seq\":17,\"rid\":\"DEMO-0001/checkin/2026-01-25/17\","
		  "\"day\":\"2026-01-25\",\"tz\":\"Asia/Shanghai\",\"street\":\"S01\","
		  "\"district\":\"D1\"}\n");
	cg_buf_release(&out);
}

TEST(record_personal_fields_only_when_allowed_tokens_never)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	struct cg_sync_shape sh = checkin_ch;
	json_t *allow = json_pack("[s,s,s,s]", "name", "phone", "pass", "own");

	sh.allow = allow;
	sh.format = CG_SYNC_NDJSON;
	sh.street = sh.district = "";
	CHECK_INT(cg_sync_record(&out, line, strlen(line), "R", "DEMO-0001", &sh, &err), 0);
	CHECK_STR(out.buf, "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"compound\":\"DEMO-0001\","
		  "\"gate\":\"north\",\"seq\":17,\"name\":\"张三\",\"phone\":\"13800138000\","
		  "\"own\":1,\"rid\":\"R\",\"day\":\"2026-01-25\",\"tz\":\"Asia/Shanghai\"}\n");
	json_decref(allow);
	cg_buf_release(&out);
}

TEST(record_redacted_hashes_the_persons_not_the_token)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	unsigned char key[32] = { 1 };
	struct cg_sync_shape sh = checkin_ch;

	sh.redact_key = key;
	CHECK_INT(cg_sync_record(&out, line, strlen(line), "R", "C", &sh, &err), 0);
	CHECK(!strstr(out.buf, "13800138000"));
	CHECK(!strstr(out.buf, "张三"));
	CHECK(!strstr(out.buf, "CG1:"));
	CHECK(!strstr(out.buf, "\"pass\""));
	CHECK(strstr(out.buf, "\"phone\":\"h:") != NULL);
	CHECK(strstr(out.buf, "\"id_no\":\"h:") != NULL);
	cg_buf_reset(&out);
	CHECK_INT(cg_sync_record(&out, "{bad", 4, "r", "C", &sh, &err), -1);
	cg_buf_release(&out);
}

/* The duty stream's guard, by and to: persons there, hashed with a key,
 * else only when allowed; the allowlist keeps the rest. */
TEST(record_duty_guard_by_to_are_persons)
{
	static const char duty[] = "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"event\":\"stock\","
		"\"item\":\"mask\",\"op\":\"issue\",\"qty\":5,\"to\":\"钱\",\"by\":\"乙\","
		"\"guard\":\"王\",\"note\":\"n\",\"seq\":3}";
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	unsigned char key[32] = { 3 };
	json_t *allow = json_pack("[s]", "guard");
	struct cg_sync_shape sh = checkin_ch;

	sh.stream = CG_SYNC_STREAM_DUTY;
	CHECK_INT(cg_sync_record(&out, duty, strlen(duty), "C/duty/3", "C", &sh, &err), 0);
	CHECK(!strstr(out.buf, "钱") && !strstr(out.buf, "乙") && !strstr(out.buf, "王"));
	CHECK(!strstr(out.buf, "\"note\""));
	CHECK(strstr(out.buf, "\"qty\":5,\"seq\":3,\"rid\":\"C/duty/3\"") != NULL);
	cg_buf_reset(&out);
	sh.redact_key = key;
	CHECK_INT(cg_sync_record(&out, duty, strlen(duty), "C/duty/3", "C", &sh, &err), 0);
	CHECK(strstr(out.buf, "\"guard\":\"h:") && strstr(out.buf, "\"by\":\"h:") &&
	      strstr(out.buf, "\"to\":\"h:"));
	cg_buf_reset(&out);
	sh.redact_key = NULL;
	sh.allow = allow;
	CHECK_INT(cg_sync_record(&out, duty, strlen(duty), "C/duty/3", "C", &sh, &err), 0);
	CHECK(strstr(out.buf, "\"guard\":\"王\"") && !strstr(out.buf, "钱"));
	json_decref(allow);
	cg_buf_release(&out);
}

TEST(record_quarantine_day_is_case_day_and_void_goes_on_its_day)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	struct cg_sync_shape sh = checkin_ch;
	const char *check = "{\"ts\":\"2026-01-25T23:30:00+08:00\",\"event\":\"check\","
		"\"case_id\":\"Q1\",\"day\":3,\"seq\":2}";
	const char *voids = "{\"ts\":\"2026-01-27T09:00:00+08:00\",\"compound\":\"C\","
		"\"voids\":\"C/checkin/2026-01-25/4\",\"correction_of\":\"C/checkin/2026-01-25/4\"}";

	CHECK_INT(cg_clock_set_zone("Asia/Shanghai", &err), 0);
	sh.stream = 2;
	sh.street = sh.district = NULL;
	CHECK_INT(cg_sync_record(&out, check, strlen(check), "C/quarantine/2", "C", &sh, &err), 0);
	CHECK_STR(out.buf, "{\"ts\":\"2026-01-25T23:30:00+08:00\",\"event\":\"check\","
		  "\"case_id\":\"Q1\",\"case_day\":3,\"seq\":2,\"rid\":\"C/quarantine/2\","
		  "\"compound\":\"C\",\"day\":\"2026-01-25\",\"tz\":\"Asia/Shanghai\"}\n");
	cg_buf_reset(&out);
	sh.stream = 0;
	CHECK_INT(cg_sync_record(&out, voids, strlen(voids), "C/checkin/2026-01-27/1", "C", &sh,
				 &err), 0);
	CHECK(strstr(out.buf, "\"day\":\"2026-01-25\"") != NULL);
	/* The voided check-in found back-filled, its ts of the 24th: there. */
	cg_buf_reset(&out);
	memcpy(sh.void_day, "2026-01-24", CG_DATE_LEN);
	CHECK_INT(cg_sync_record(&out, voids, strlen(voids), "C/checkin/2026-01-27/1", "C", &sh,
				 &err), 0);
	CHECK(strstr(out.buf, "\"day\":\"2026-01-24\"") != NULL);
	cg_buf_release(&out);
}

TEST(record_clickhouse_leaves_a_null_out)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	struct cg_sync_shape sh = checkin_ch;
	const char *check = "{\"ts\":\"2026-01-25T10:00:00+08:00\",\"event\":\"check\","
		"\"case_id\":\"Q1\",\"temp\":36.6,\"window\":null,\"result\":\"ok\",\"seq\":4}";

	CHECK_INT(cg_clock_set_zone("Asia/Shanghai", &err), 0);
	sh.stream = 2;
	CHECK_INT(cg_sync_record(&out, check, strlen(check), "C/quarantine/4", "C", &sh, &err), 0);
	CHECK(strstr(out.buf, "window") == NULL && strstr(out.buf, "\"result\":\"ok\"") != NULL);
	cg_buf_reset(&out);
	sh.format = CG_SYNC_NDJSON;
	CHECK_INT(cg_sync_record(&out, check, strlen(check), "C/quarantine/4", "C", &sh, &err), 0);
	CHECK(strstr(out.buf, "\"window\":null") != NULL);
	cg_buf_release(&out);
}

TEST(record_from_stdin_keeps_all_but_persons_and_tokens)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	struct cg_sync_shape sh = { -1, CG_SYNC_NDJSON, NULL, NULL, "Asia/Shanghai", "", "", NULL, "" };
	const char *own = "{\"rid\":\"old\",\"x\":{\"name\":\"y\"},\"name\":\"张三\",\"token\":\"CG1:X\"}";

	CHECK_INT(cg_sync_record(&out, own, strlen(own), "new", "C", &sh, &err), 0);
	CHECK_STR(out.buf, "{\"x\":{\"name\":\"y\"},\"rid\":\"new\",\"compound\":\"C\"}\n");
	cg_buf_release(&out);
}

/* The scanner's path and Jansson's send the same bytes. */
TEST(record_fast_path_equals_the_general_one)
{
	static const struct {
		int stream;
		const char *line;
	} cases[] = {
		{ 0, "{\"ts\":\"2026-01-25T23:59:00+08:00\",\"compound\":\"C\",\"gate\":\"n\",\"dir\":\"in\","
		     "\"kind\":\"visitor\",\"name\":\"张三\",\"id_no\":\"11010519491231002X\","
		     "\"phone\":\"13800138000\",\"pass\":\"CG1:X\",\"temp\":36.5,\"mask\":true,"
		     "\"symptoms\":[\"cough\"],\"decision\":\"admit\",\"reasons\":[],\"x\":null,\"seq\":3,"
		     "\"chain\":\"00\"}" },
		{ 0, "{\"ts\":\"2026-01-27T09:00:00+08:00\",\"voids\":\"C/checkin/2026-01-25/4\","
		     "\"correction_of\":\"C/checkin/2026-01-25/4\",\"pass\":\"QSFC-XPN4-8\",\"seq\":1}" },
		{ 0, "{\"gate\":\"n\",\"temp\":null,\"plate\":\"京A12345\"}" },
		{ 2, "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"compound\":\"C\",\"event\":\"check\","
		     "\"case_id\":\"Q1\",\"temp\":36.6,\"symptoms\":[],\"day\":1,\"window\":null,"
		     "\"seq\":2}" },
		{ 1, "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"event\":\"issue\",\"pass_id\":\"P\","
		     "\"name\":\"张三\",\"token\":\"CG1:Y\",\"seq\":1}" },
		{ 3, "{\"ts\":\"2026-01-25T08:30:30+08:00\",\"compound\":\"C\",\"event\":\"on\","
		     "\"gate\":\"north\",\"guard\":\"王师傅\",\"note\":\"x\",\"seq\":4,\"chain\":\"00\"}" },
		{ 3, "{\"ts\":\"2026-01-25T08:40:00+08:00\",\"event\":\"alert\",\"task\":\"staff_temp\","
		     "\"place\":\"north\",\"by\":\"乙\",\"temp\":37.8,\"reason\":\"staff_fever\","
		     "\"severity\":\"alert\",\"agent\":\"84\",\"seq\":5}" },
		{ 3, "{\"event\":\"stock\",\"item\":\"mask\",\"op\":\"issue\",\"qty\":150,"
		     "\"unit\":\"piece\",\"to\":\"钱\",\"seq\":6}" },
	};
	struct cg_err err = CG_ERR_INIT;
	unsigned char key[32] = { 7 };

	CHECK_INT(cg_clock_set_zone("Asia/Shanghai", &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int k = 0; k < 4; k++) {
			struct cg_buf fast = CG_BUF_INIT((size_t)-1), slow = CG_BUF_INIT((size_t)-1);
			struct cg_scan_keys keys;
			const char *names[CG_SCAN_MAX_KEYS];
			struct cg_sync_shape sh = checkin_ch;

			sh.stream = cases[i].stream;
			sh.format = k & 1 ? CG_SYNC_NDJSON : CG_SYNC_CLICKHOUSE;
			sh.redact_key = k & 2 ? key : NULL;
			cg_sync_shape_keys(&keys, names, sh.stream);
			CHECK_INT(cg_sync_record(&slow, cases[i].line, strlen(cases[i].line), "R", "C",
						 &sh, &err), 0);
			sh.keys = &keys;
			CHECK_INT(cg_sync_record(&fast, cases[i].line, strlen(cases[i].line), "R", "C",
						 &sh, &err), 0);
			CHECK_STR(fast.buf, slow.buf);
			cg_buf_release(&fast);
			cg_buf_release(&slow);
		}
}

TEST(idempotency_key_is_the_sha256_of_the_body)
{
	enum { BIG = (1 << 20) + 37 };	/* not a whole number of blocks */
	unsigned char *big = malloc(BIG), h[crypto_hash_sha256_BYTES];
	char hex[65], want[65];

	cg_sync_sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cg_sync_sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (size_t i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	cg_sync_sha256_hex(big, BIG, hex);
	crypto_hash_sha256(h, big, BIG);
	sodium_bin2hex(want, sizeof(want), h, sizeof(h));
	CHECK_STR(hex, want);
	free(big);
}

TEST(names_and_formats)
{
	unsigned m;

	CHECK(cg_sync_name_ok("city-1.main"));
	CHECK(!cg_sync_name_ok(".."));
	CHECK(!cg_sync_name_ok("a/b"));
	CHECK(!cg_sync_name_ok(""));
	CHECK_INT(cg_sync_format_parse("es-bulk"), CG_SYNC_ES_BULK);
	CHECK_INT(cg_sync_format_parse("xml"), -1);
	CHECK_INT(cg_sync_streams_parse("pass,cases", &m), 0);
	CHECK_INT(m, CG_SYNC_PASS | CG_SYNC_QUARANTINE);
	CHECK_INT(cg_sync_streams_parse("gates", &m), -1);
	CHECK_INT(cg_sync_streams_parse("duty,checkpoint", &m), 0);
	CHECK_INT(m, CG_SYNC_DUTY | CG_SYNC_CHECKPOINT);
	CHECK_INT(cg_sync_streams_parse("all", &m), 0);
	CHECK_INT(m, CG_SYNC_ALL);
	CHECK_INT(CG_SYNC_ALL, (1u << (CG_SYNC_NSTREAMS + 1)) - 1);
}

TEST(retry_after)
{
	CHECK(cg_http_retry_after("120", 0) == 120);
	CHECK(cg_http_retry_after(" 3 ", 0) == 3);
	CHECK(cg_http_retry_after("soon", 0) == -1);
	/* Wed, 21 Oct 2015 07:28:00 GMT is 1445412480. */
	CHECK(cg_http_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10);
	CHECK(cg_http_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == 0);
}

TEST(redact_url)
{
	char out[256];

	cg_http_redact_url("https://user:pw@host/x", out, sizeof(out));
	CHECK_STR(out, "https://user:***@host/x");
	cg_http_redact_url("https://host/x?a=b@c", out, sizeof(out));
	CHECK_STR(out, "https://host/x?a=b@c");
}

TEST(config_targets)
{
	struct cg_config cfg;
	struct cg_err err = CG_ERR_INIT;
	struct cg_sync_target t;
	int found;
	const char *good = "{\"targets\":{\"city\":{\"url\":\"https://c.example/in\","
		"\"format\":\"clickhouse\",\"batch_records\":10,\"headers\":{\"X-A\":\"b\"}}}}";
	const char *bad[] = {
		"{\"targets\":{\"city\":{\"format\":\"ndjson\"}}}",
		"{\"targets\":{\"city\":{\"url\":\"ftp://x\"}}}",
		"{\"targets\":{\"city\":{\"url\":\"http://x\",\"format\":\"xml\"}}}",
		"{\"targets\":{\"city\":{\"url\":\"http://x\",\"gzip_level\":12}}}",
		"{\"targets\":{\"city\":{\"url\":\"http://x\",\"colour\":1}}}",
		"{\"targets\":{\"a/b\":{\"url\":\"http://x\"}}}",
	};

	CHECK_INT(cg_config_parse(&cfg, good, strlen(good), "config.json", &err), 0);
	CHECK_INT(cg_sync_target_load(&t, &cfg, "city", &found, &err), 0);
	CHECK(found);
	CHECK_STR(t.url, "https://c.example/in");
	CHECK_INT(t.format, CG_SYNC_CLICKHOUSE);
	CHECK_INT(t.batch_records, 10);
	CHECK_STR(t.headers->data, "X-A: b");
	cg_sync_target_release(&t);
	cg_config_release(&cfg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(cg_config_parse(&cfg, bad[i], strlen(bad[i]), "config.json", &err), -1);
		CHECK(strstr(err.msg, "targets") != NULL);
	}
}

int main(void)
{
	RUN(record_keeps_the_allowlist_adds_rid_and_stamps);
	RUN(record_personal_fields_only_when_allowed_tokens_never);
	RUN(record_redacted_hashes_the_persons_not_the_token);
	RUN(record_duty_guard_by_to_are_persons);
	RUN(record_quarantine_day_is_case_day_and_void_goes_on_its_day);
	RUN(record_clickhouse_leaves_a_null_out);
	RUN(record_from_stdin_keeps_all_but_persons_and_tokens);
	RUN(record_fast_path_equals_the_general_one);
	RUN(idempotency_key_is_the_sha256_of_the_body);
	RUN(names_and_formats);
	RUN(retry_after);
	RUN(redact_url);
	RUN(config_targets);
	return UNIT_DONE();
}
