#ifndef CG_HTTP_H
#define CG_HTTP_H

#include <stddef.h>
#include <curl/curl.h>

#include "core/buf.h"
#include "core/error.h"

/*
 * One HTTP(S) POST at a time over a reused libcurl handle.  TLS is always
 * verified unless ->insecure; redirects are never followed (a 3xx comes
 * back as it is, with its Location).  Nothing here prints: the verbose
 * trace goes to ->trace, and shows no secret: the Authorization header
 * and any password in a URL are redacted.
 */
struct cg_http_opts {
	const char *cacert;	/* CA bundle file, or NULL for the system's */
	const char *pin;	/* "sha256//BASE64;..." public-key pins, or NULL */
	int insecure;		/* skip certificate verification */
	long timeout_ms;	/* whole request (0: none) */
	long connect_timeout_ms;
	int verbose;		/* a trace of each request to ->trace */
	struct cg_notifier trace;	/* CG_MSG_TRACE lines */
};

struct cg_http {
	CURL *curl;		/* owned */
	struct cg_http_opts o;
};

struct cg_http_resp {
	long status;		/* HTTP status, 0 when no response came */
	int curl_code;		/* CURLE_OK or the transport error */
	char error[CURL_ERROR_SIZE];	/* transport error text, "" when none */
	struct cg_buf body;	/* the first 64 KiB of the response body */
	double retry_after;	/* seconds from Retry-After, -1 when absent */
	char location[512];	/* Location of a 3xx, "" when none */
	char ch_exception[16];	/* X-ClickHouse-Exception-Code, "" when none */
	long ms;		/* time taken */
};

/* curl_global_init / cleanup; each main that syncs calls both once. */
int cg_http_global_init(struct cg_err *err);
void cg_http_global_cleanup(void);

int cg_http_init(struct cg_http *h, const struct cg_http_opts *o, struct cg_err *err);
void cg_http_release(struct cg_http *h);

void cg_http_resp_init(struct cg_http_resp *r);
void cg_http_resp_release(struct cg_http_resp *r);

/*
 * POST body to url with the given extra headers (borrowed).  Returns 0
 * when the exchange ran (r->status set, or r->curl_code a transport
 * error).  r is reset first.
 */
void cg_http_post(struct cg_http *h, const char *url, const struct curl_slist *headers,
		  const void *body, size_t len, struct cg_http_resp *r);

/* Parse a Retry-After value (delta seconds or an HTTP date) into seconds
 * from now; -1 when it does not parse. */
double cg_http_retry_after(const char *value, long long now);

/* url without its password, for messages: "https://user:***@host/..". */
void cg_http_redact_url(const char *url, char *out, size_t outlen);

#endif
