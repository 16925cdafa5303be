/* One batch to the upstream: the request, its verdict, retries with backoff. */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_secs(double secs)
{
	struct timespec ts;

	if (secs <= 0)
		return;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* What the last answer means for the batch; b->why says why when not V_OK. */
static enum verdict judge(struct cg_sync *s, struct batch *b)
{
	const struct cg_http_resp *r = &b->resp;
	long st = r->status;

	if (r->curl_code != CURLE_OK) {
		snprintf(b->why, sizeof(b->why), "%s", r->error);
		switch (r->curl_code) {
		case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_URL_MALFORMAT:
		case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH: case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_ISSUER_ERROR:
			return V_STOP;
		default:
			return V_RETRY;
		}
	}
	if (st >= 200 && st < 300)
		return cg_sync_judge_2xx(s, b);
	snprintf(b->why, sizeof(b->why), "HTTP %ld: %.300s", st, r->body.buf);
	if (st >= 300 && st < 400) {
		snprintf(b->why, sizeof(b->why), _("HTTP %ld redirect to '%s' not followed"),
			 st, r->location);
		return V_STOP;
	}
	if (st == 408 || st == 429 || st >= 500)
		return cg_sync_fatal_500(s, r) ? V_DEAD : V_RETRY;
	/* The target or the credentials are wrong, not this batch: stop
	 * with the batch kept, so that no batch is dead-lettered for it. */
	if (st == 401 || st == 403 || st == 404 || st == 405 || st == 407)
		return V_STOP;
	return V_DEAD;
}

void cg_sync_batch_init(struct batch *b, json_t *meta, const char *payload, size_t len,
			const char *body, size_t body_len)
{
	memset(b, 0, sizeof(*b));
	b->meta = meta;
	b->payload = payload;
	b->len = len;
	b->body = body;
	b->body_len = body_len;
	cg_buf_init(&b->dead_body, BATCH_MAX);
	cg_http_resp_init(&b->resp);
	b->resp.body.limit = BULK_RESP_MAX;
}

void cg_sync_batch_release(struct batch *b)
{
	cg_buf_release(&b->dead_body);
	json_decref(b->dead_items);
	cg_http_resp_release(&b->resp);
}

/* The headers of every attempt at a batch: Authorization and the target's own last. */
static struct curl_slist *request_headers(const struct cg_sync *s, const json_t *meta)
{
	struct curl_slist *h = NULL;
	const char *enc = json_string_value(json_object_get(meta, "encoding"));
	char line[256];

	h = curl_slist_append(h, cg_sync_content_type(s));
	if (!strcmp(enc, "gzip"))
		h = curl_slist_append(h, "Content-Encoding: gzip");
	snprintf(line, sizeof(line), "Idempotency-Key: %s",
		 json_string_value(json_object_get(meta, "key")));
	h = curl_slist_append(h, line);
	h = curl_slist_append(h, "Expect:");
	if (s->auth)
		h = curl_slist_append(h, s->auth);
	for (const struct curl_slist *e = s->t->headers; e; e = e->next)
		h = curl_slist_append(h, e->data);
	return h;
}

/*
 * How long to wait before the next attempt: capped exponential backoff
 * with full jitter, but never sooner than the upstream asked.  -1, with
 * b->why saying so, when the batch gives up: out of retries, or past
 * --max-time (counted from start) by the time it would be sent.
 */
static double next_wait(const struct cg_sync *s, struct batch *b, double start)
{
	double wait, cap;

	if (b->attempts > s->max_retries) {
		char more[64];

		snprintf(more, sizeof(more), _(" (gave up after %d attempts)"), b->attempts);
		strncat(b->why, more, sizeof(b->why) - strlen(b->why) - 1);
		return -1;
	}
	cap = s->backoff_base * pow(2, b->attempts - 1);
	if (cap > s->backoff_cap)
		cap = s->backoff_cap;
	wait = cap * (double)randombytes_uniform(1000001) / 1e6;
	if (b->resp.retry_after >= 0 && wait < b->resp.retry_after)
		wait = b->resp.retry_after;
	if (now_secs() - start + wait > s->max_time) {
		char more[96];

		snprintf(more, sizeof(more), _(" (gave up: --max-time %gs reached)"), s->max_time);
		strncat(b->why, more, sizeof(b->why) - strlen(b->why) - 1);
		return -1;
	}
	return wait;
}

/* POST the batch until an answer settles it or it gives up. */
static enum outcome post_until_settled(struct cg_sync *s, struct batch *b, const char *url,
				       const struct curl_slist *h, double start)
{
	for (b->attempts = 1;; b->attempts++) {
		double wait;

		cg_http_post(&s->http, url, h, b->payload, b->len, &b->resp);
		switch (judge(s, b)) {
		case V_OK:
			return SENT;
		case V_DEAD: case V_PARTIAL:
			return DEAD;
		case V_STOP:
			return FAILED;
		case V_RETRY:
			break;
		}
		wait = next_wait(s, b, start);
		if (wait < 0)
			return FAILED;
		if (s->halt && *s->halt) {
			snprintf(b->why + strlen(b->why), sizeof(b->why) - strlen(b->why), "%s",
				 _(" (stopped: no retry)"));
			return FAILED;
		}
		if (s->verbose)
			cg_notify(&s->notify, CG_MSG_TRACE, _("%s: batch %lld: %s; retrying in %.2fs\n"),
				  cg_progname(),
				  (long long)json_integer_value(json_object_get(b->meta, "batch")),
				  b->why, wait);
		sleep_secs(wait);
	}
}

/* Messages end at the text: no newline or space of the upstream's answer. */
static void trim_why(char *why)
{
	for (size_t n = strlen(why); n && (why[n - 1] == '\n' || why[n - 1] == '\r' ||
					   why[n - 1] == ' '); n--)
		why[n - 1] = '\0';
}

enum outcome cg_sync_deliver(struct cg_sync *s, struct batch *b, const char *stream,
			     struct cg_err *err)
{
	struct curl_slist *h;
	char url[4096], table[128];
	double start = now_secs();
	enum outcome res;

	cg_sync_table_for(s, stream, table, sizeof(table));
	if (!s->http_ready) {
		if (cg_http_init(&s->http, &s->http_opts, err) < 0)
			return FAILED;
		s->http_ready = 1;
	}
	if (cg_sync_build_url(s, table, url, sizeof(url)) < 0) {
		cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		return FAILED;
	}
	h = request_headers(s, b->meta);
	res = post_until_settled(s, b, url, h, start);
	b->ms = (long)((now_secs() - start) * 1000);
	trim_why(b->why);
	curl_slist_free_all(h);
	return res;
}
