#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/exitcode.h"
#include "sync/http.h"
#include "core/i18n.h"

#define RESP_BODY_MAX (64 * 1024)

int cg_http_global_init(struct cg_err *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot initialise libcurl"));
	return 0;
}

void cg_http_global_cleanup(void)
{
	curl_global_cleanup();
}

void cg_http_resp_init(struct cg_http_resp *r)
{
	memset(r, 0, sizeof(*r));
	cg_buf_init(&r->body, RESP_BODY_MAX);
	r->retry_after = -1;
}

void cg_http_resp_release(struct cg_http_resp *r)
{
	cg_buf_release(&r->body);
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct cg_http_resp *r = ctx;
	size_t len = size * n, room = r->body.limit - r->body.len;

	/* Keep the start of a long answer; read the rest and drop it. */
	cg_buf_add(&r->body, data, len < room ? len : room);
	return len;
}

double cg_http_retry_after(const char *v, long long now)
{
	char *end;
	double secs;
	time_t t;

	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		secs = strtod(v, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
			end++;
		return *end ? -1 : secs;
	}
	t = curl_getdate(v, NULL);
	if (t == -1)
		return -1;
	return t > now ? (double)(t - now) : 0;
}

static void header_value(const char *line, size_t len, const char *name,
			 char *out, size_t outlen)
{
	size_t nl = strlen(name), vl;
	const char *v;

	if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return;
	v = line + nl + 1;
	vl = len - nl - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
		vl--;
	if (vl >= outlen)
		vl = outlen - 1;
	memcpy(out, v, vl);
	out[vl] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct cg_http_resp *r = ctx;
	size_t len = size * n;
	char v[128] = "";

	/* A new status line (after a 100 Continue) starts over. */
	if (len > 5 && !strncmp(data, "HTTP/", 5)) {
		r->retry_after = -1;
		r->location[0] = r->ch_exception[0] = '\0';
	}
	header_value(data, len, "Retry-After", v, sizeof(v));
	if (v[0])
		r->retry_after = cg_http_retry_after(v, (long long)time(NULL));
	header_value(data, len, "Location", r->location, sizeof(r->location));
	header_value(data, len, "X-ClickHouse-Exception-Code", r->ch_exception,
		     sizeof(r->ch_exception));
	return len;
}

void cg_http_redact_url(const char *url, char *out, size_t outlen)
{
	const char *scheme = strstr(url, "://"), *at, *colon, *slash;

	snprintf(out, outlen, "%s", url);
	if (!scheme)
		return;
	slash = strchr(scheme + 3, '/');
	at = strchr(scheme + 3, '@');
	if (!at || (slash && at > slash))
		return;
	colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
	if (!colon)
		return;
	snprintf(out, outlen, "%.*s:***%s", (int)(colon - url), url, at);
}

static int trace(CURL *c, curl_infotype type, char *data, size_t size, void *ctx)
{
	const struct cg_http *h = ctx;

	(void)c;
	if (type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN &&
	    type != CURLINFO_TEXT)
		return 0;
	while (size) {
		const char *nl = memchr(data, '\n', size);
		size_t len = nl ? (size_t)(nl - data) + 1 : size;
		size_t show = len;
		const char *mark = type == CURLINFO_HEADER_OUT ? "> " :
			type == CURLINFO_HEADER_IN ? "< " : "* ";

		while (show && (data[show - 1] == '\n' || data[show - 1] == '\r'))
			show--;
		if (show) {
			if (!strncasecmp(data, "Authorization:", 14) ||
			    !strncasecmp(data, "Proxy-Authorization:", 20) ||
			    !strncasecmp(data, "X-ClickHouse-Key:", 17)) {
				const char *colon = memchr(data, ':', show);

				cg_notify(&h->o.trace, CG_MSG_TRACE, "%s%.*s: [redacted]\n", mark,
					  (int)(colon - data), data);
			} else {
				cg_notify(&h->o.trace, CG_MSG_TRACE, "%s%.*s\n", mark, (int)show, data);
			}
		}
		data += len;
		size -= len;
	}
	return 0;
}

int cg_http_init(struct cg_http *h, const struct cg_http_opts *o, struct cg_err *err)
{
	CURL *c = curl_easy_init();

	memset(h, 0, sizeof(*h));
	if (!c)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot initialise libcurl"));
	h->curl = c;
	h->o = *o;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	if (o->pin)
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, o->pin);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 o->connect_timeout_ms ? o->connect_timeout_ms : 10000L);
	/* A trickle slower than 1 byte/s for 30 s is a dead peer. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cg-sync/" CG_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	if (o->verbose) {
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, trace);
		curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
	}
	return 0;
}

void cg_http_release(struct cg_http *h)
{
	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
}

void cg_http_post(struct cg_http *h, const char *url, const struct curl_slist *headers,
		  const void *body, size_t len, struct cg_http_resp *r)
{
	CURL *c = h->curl;
	CURLcode rc;
	double secs = 0;

	cg_buf_reset(&r->body);
	r->status = 0;
	r->error[0] = r->location[0] = r->ch_exception[0] = '\0';
	r->retry_after = -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
	rc = curl_easy_perform(c);
	r->curl_code = (int)rc;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else if (!r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &secs);
	r->ms = (long)(secs * 1000);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
}
