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
	"\"seq\":17,\"chain\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}";

TEST(record_drops_chain_adds_rid)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;

	CHECK_INT(cg_sync_record(&out, line, strlen(line), "DEMO-0001/checkin/2026-01-25/17",
				 "DEMO-0001", NULL, &err), 0);
	CHECK_STR(out.buf, "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"compound\":\"DEMO-0001\","
		  "\"gate\":\"north\",\"seq\":17,\"rid\":\"DEMO-0001/checkin/2026-01-25/17\"}\n");
	cg_buf_release(&out);
}

TEST(record_adds_compound_only_when_absent)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	const char *nested = "{\"x\":{\"compound\":\"y\"}}";

	CHECK_INT(cg_sync_record(&out, nested, strlen(nested), "R", "C", NULL, &err), 0);
	CHECK_STR(out.buf, "{\"x\":{\"compound\":\"y\"},\"rid\":\"R\",\"compound\":\"C\"}\n");
	cg_buf_release(&out);
}

TEST(record_with_rid_or_redacted_goes_through_jansson)
{
	struct cg_buf out = CG_BUF_INIT((size_t)-1);
	struct cg_err err = CG_ERR_INIT;
	unsigned char key[32] = { 1 };
	const char *own = "{\"rid\":\"old\",\"name\":\"张三\",\"phone\":\"13800138000\"}";

	CHECK_INT(cg_sync_record(&out, own, strlen(own), "new", "C", NULL, &err), 0);
	CHECK_STR(out.buf, "{\"rid\":\"new\",\"name\":\"张三\",\"phone\":\"13800138000\",\"compound\":\"C\"}\n");
	cg_buf_reset(&out);
	CHECK_INT(cg_sync_record(&out, own, strlen(own), "new", "C", key, &err), 0);
	CHECK(!strstr(out.buf, "13800138000"));
	CHECK(!strstr(out.buf, "张三"));
	CHECK(strstr(out.buf, "\"phone\":\"h:") != NULL);
	cg_buf_reset(&out);
	CHECK_INT(cg_sync_record(&out, "{bad", 4, "r", "C", key, &err), -1);
	cg_buf_release(&out);
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
	RUN(record_drops_chain_adds_rid);
	RUN(record_adds_compound_only_when_absent);
	RUN(record_with_rid_or_redacted_goes_through_jansson);
	RUN(idempotency_key_is_the_sha256_of_the_body);
	RUN(names_and_formats);
	RUN(retry_after);
	RUN(redact_url);
	RUN(config_targets);
	return UNIT_DONE();
}
