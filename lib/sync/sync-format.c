/*
 * What the target formats differ in: the table, the URL, the content type,
 * the _bulk action line, and what an answer means.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

void cg_sync_table_for(const struct cg_sync *s, const char *stream, char *out, size_t outlen)
{
	const char *tpl = s->t->table && *s->t->table ? s->t->table :
		s->t->format == CG_SYNC_ES_BULK ? "cg-{stream}" : "cg_{stream}";
	const char *mark = strstr(tpl, "{stream}");

	if (mark)
		snprintf(out, outlen, "%.*s%s%s", (int)(mark - tpl), tpl, stream, mark + 8);
	else
		snprintf(out, outlen, "%s", tpl);
}

int cg_sync_build_url(const struct cg_sync *s, const char *table, char *out, size_t outlen)
{
	const char *url = s->t->url;

	if (s->t->format == CG_SYNC_CLICKHOUSE) {
		char q[300];
		char *esc;

		snprintf(q, sizeof(q), "INSERT INTO %s FORMAT JSONEachRow", table);
		esc = curl_easy_escape(NULL, q, 0);
		if (!esc)
			return -1;
		snprintf(out, outlen, "%s%squery=%s&input_format_skip_unknown_fields=1",
			 url, strchr(url, '?') ? "&" : "?", esc);
		curl_free(esc);
	} else if (s->t->format == CG_SYNC_ES_BULK) {
		size_t n = strlen(url);

		if (n >= 6 && !strcmp(url + n - 6, "/_bulk"))
			snprintf(out, outlen, "%s", url);
		else
			snprintf(out, outlen, "%s%s_bulk", url, n && url[n - 1] == '/' ? "" : "/");
	} else {
		snprintf(out, outlen, "%s", url);
	}
	return 0;
}

/* The Content-Type header line of a batch. */
const char *cg_sync_content_type(const struct cg_sync *s)
{
	return s->t->format == CG_SYNC_CLICKHOUSE ? "Content-Type: text/plain; charset=utf-8" :
		"Content-Type: application/x-ndjson";
}

/* es-bulk: the action line in front of each record; none in the others. */
int cg_sync_add_action(struct cg_sync *s, const char *table, const char *rid,
		       struct cg_err *err)
{
	json_t *act;

	if (s->t->format != CG_SYNC_ES_BULK)
		return 0;
	act = json_pack("{s:{s:s, s:s}}", "create", "_index", table, "_id", rid);
	if (!act || cg_jsonl_dump(act, &s->body) < 0) {
		json_decref(act);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	}
	json_decref(act);
	return 0;
}

/* ClickHouse error codes that mean the data or the table is wrong: a
 * retry cannot help. */
static int ch_code_permanent(long code)
{
	static const long codes[] = { 6, 16, 26, 27, 38, 41, 53, 60, 62, 69, 70, 72, 81,
				      117, 130, 131, 173, 192, 193, 194, 195, 497, 516 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == code)
			return 1;
	return 0;
}

static long ch_code(const struct cg_http_resp *r)
{
	const char *p;

	if (r->ch_exception[0])
		return strtol(r->ch_exception, NULL, 10);
	p = strstr(r->body.buf, "Code: ");
	return p ? strtol(p + 6, NULL, 10) : 0;
}

/* es-bulk: per item: 2xx and 409 delivered, 429/5xx retry, others dead. */
static enum verdict es_items(struct batch *b, char *why, size_t whylen)
{
	const struct cg_http_resp *r = &b->resp;
	json_error_t jerr;
	json_t *resp = json_loadb(r->body.buf, r->body.len, 0, &jerr), *items, *it;
	size_t i;
	int retry = 0, dead = 0;
	const char *p = b->body, *end = b->body + b->body_len;

	items = json_object_get(resp, "items");
	if (!json_is_array(items)) {
		json_decref(resp);
		snprintf(why, whylen, "%s", _("_bulk answer without items"));
		return V_RETRY;
	}
	if (!json_is_true(json_object_get(resp, "errors"))) {
		json_decref(resp);
		return V_OK;
	}
	json_array_foreach(items, i, it) {
		const char *act = p, *rec, *next;
		json_t *res = json_object_iter_value(json_object_iter(it));
		long st = (long)json_integer_value(json_object_get(res, "status"));

		/* Each item is two lines of the body: action, record. */
		rec = memchr(act, '\n', (size_t)(end - act));
		next = rec ? memchr(rec + 1, '\n', (size_t)(end - rec - 1)) : NULL;
		if (!next)
			break;
		p = next + 1;
		if ((st >= 200 && st < 300) || st == 409)
			continue;
		if (st == 429 || st >= 500) {
			retry++;
			continue;
		}
		dead++;
		cg_buf_add(&b->dead_body, act, (size_t)(next + 1 - act));
		if (!b->dead_items)
			b->dead_items = json_array();
		json_array_append(b->dead_items, res);
	}
	json_decref(resp);
	if (retry) {
		snprintf(why, whylen, _("%d items to retry"), retry);
		cg_buf_reset(&b->dead_body);
		json_decref(b->dead_items);
		b->dead_items = NULL;
		return V_RETRY;
	}
	if (dead) {
		snprintf(why, whylen, _("%d items refused"), dead);
		return V_PARTIAL;
	}
	return V_OK;
}

/* What a 2xx answer means: ClickHouse may report an exception in it, and
 * _bulk answers item by item. */
enum verdict cg_sync_judge_2xx(const struct cg_sync *s, struct batch *b)
{
	const struct cg_http_resp *r = &b->resp;

	if (s->t->format == CG_SYNC_CLICKHOUSE &&
	    (r->ch_exception[0] || strstr(r->body.buf, "DB::Exception"))) {
		long code = ch_code(r);

		snprintf(b->why, sizeof(b->why), _("HTTP %ld with an exception: %.300s"),
			 r->status, r->body.buf);
		return ch_code_permanent(code) ? V_DEAD : V_RETRY;
	}
	if (s->t->format == CG_SYNC_ES_BULK)
		return es_items(b, b->why, sizeof(b->why));
	return V_OK;
}

/* Whether an HTTP 500 reports a ClickHouse error that no retry mends. */
int cg_sync_fatal_500(const struct cg_sync *s, const struct cg_http_resp *r)
{
	return s->t->format == CG_SYNC_CLICKHOUSE && r->status == 500 &&
		ch_code_permanent(ch_code(r));
}
