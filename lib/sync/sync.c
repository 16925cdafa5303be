#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/loop.h"
#include "crypto/sha256.h"
#include "sync/sync.h"

#define CHAIN_SUFFIX_LEN (sizeof(",\"chain\":\"") - 1 + CG_CHAIN_HEX + 2)
#define OUTBOX "outbox"
#define CURSOR "cursor.json"
#define META_MAX (64 * 1024)
/* A dead letter's metadata: the batch's (META_MAX), the upstream's
 * response (BULK_RESP_MAX, JSON-escaped: twice that covers mostly-ASCII
 * answers) and the refused items of a _bulk batch. */
#define DEAD_META_MAX (META_MAX * 2 + BULK_RESP_MAX * 2)
/* A token file: a bearer token or an Authorization value. */
#define TOKEN_FILE_MAX (64 * 1024)
/* keys/sync-redact.key: 32 bytes. */
#define REDACT_KEY_FILE_MAX 1024

/*
 * A batch: --batch-bytes is at most 1 GiB and a batch is sealed once it
 * reaches it, so its body holds at most one more record (a journal line,
 * 4 MiB at most); gzip never makes it much bigger, and the outbox adds a
 * line of metadata.  2 GiB bounds the body, the outbox, a dead letter and
 * a stored batch decompressed.
 */
#define BATCH_MAX ((size_t)1 << 31)

/*
 * A line cg-sync prints: a batch result, a dead letter, or a target's
 * status with its cursor (one entry per day of check-ins: ten years is
 * some 150 KiB) and outbox metadata (META_MAX).
 */
#define RESULT_LINE_MAX (1024 * 1024)

/*
 * The part of a response kept: an Elasticsearch _bulk answer lists every
 * item with its status, which a batch's thousands of records need; more
 * than this is cut (see cg_http_resp).
 */
#define BULK_RESP_MAX (16 * 1024 * 1024)

static const char *const stream_names[] = { "checkin", "pass", "quarantine" };

/* ---- small helpers ---- */

int cg_sync_format_parse(const char *s)
{
	if (!strcmp(s, "ndjson"))
		return CG_SYNC_NDJSON;
	if (!strcmp(s, "clickhouse"))
		return CG_SYNC_CLICKHOUSE;
	if (!strcmp(s, "es-bulk"))
		return CG_SYNC_ES_BULK;
	return -1;
}

const char *cg_sync_format_name(enum cg_sync_format f)
{
	return f == CG_SYNC_CLICKHOUSE ? "clickhouse" : f == CG_SYNC_ES_BULK ? "es-bulk" : "ndjson";
}

int cg_sync_streams_parse(const char *s, unsigned *mask)
{
	char buf[128], *tok, *save = NULL;

	*mask = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "checkin"))
			*mask |= CG_SYNC_CHECKIN;
		else if (!strcmp(tok, "pass"))
			*mask |= CG_SYNC_PASS;
		else if (!strcmp(tok, "quarantine") || !strcmp(tok, "cases"))
			*mask |= CG_SYNC_QUARANTINE;
		else if (!strcmp(tok, "all"))
			*mask |= CG_SYNC_ALL;
		else
			return -1;
	}
	return *mask ? 0 : -1;
}

int cg_sync_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n < 64 && name[0] != '.' &&
		strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789-_.") == n;
}

/* With the journal's SHA-256 (SHA extensions when the CPU has them):
 * libsodium's portable one was a fifth of a push. */
void cg_sync_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[CG_SHA256_BYTES];
	struct cg_sha256 ctx;

	cg_sha256_init(&ctx);
	cg_sha256_update(&ctx, data, len);
	cg_sha256_final(&ctx, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

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

void cg_sync_set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? strdup(value) : NULL;
	if (value && !*field)
		abort();
}

/* Take n bytes written past the end (after cg_buf_grow) into the buffer. */
static void buf_extend(struct cg_buf *b, size_t n)
{
	b->len += n;
	b->buf[b->len] = '\0';
}

/* ---- targets ---- */

int cg_sync_target_load(struct cg_sync_target *t, const struct cg_config *cfg,
			const char *name, int *found, struct cg_err *err)
{
	const json_t *conf = json_object_get(json_object_get(cfg->root, "targets"), name);
	const char *key;
	json_t *v;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->format = CG_SYNC_NDJSON;
	t->batch_records = 1000;
	t->batch_bytes = 4 * 1024 * 1024;
	t->gzip_level = 6;
	*found = conf != NULL;
	if (!cg_sync_name_ok(name))
		return cg_err_set(err, CG_EXIT_USAGE,
				  _("invalid target name '%s' (letters, digits, '-', '_', '.')"), name);
	if (!conf)
		return 0;
	/* The shape was checked when the config was read. */
	cg_sync_set_str(&t->url, json_string_value(json_object_get(conf, "url")));
	if ((v = json_object_get(conf, "format")))
		t->format = cg_sync_format_parse(json_string_value(v));
	cg_sync_set_str(&t->table, json_string_value(json_object_get(conf, "table")));
	cg_sync_set_str(&t->token_file, json_string_value(json_object_get(conf, "token_file")));
	if ((v = json_object_get(conf, "batch_records")))
		t->batch_records = (size_t)json_integer_value(v);
	if ((v = json_object_get(conf, "batch_bytes")))
		t->batch_bytes = (size_t)json_integer_value(v);
	if ((v = json_object_get(conf, "gzip_level")))
		t->gzip_level = (int)json_integer_value(v);
	json_object_foreach(json_object_get(conf, "headers"), key, v) {
		char line[1024];

		snprintf(line, sizeof(line), "%s: %s", key, json_string_value(v));
		t->headers = curl_slist_append(t->headers, line);
	}
	return 0;
}

void cg_sync_target_release(struct cg_sync_target *t)
{
	free(t->url);
	free(t->table);
	free(t->token_file);
	curl_slist_free_all(t->headers);
	memset(t, 0, sizeof(*t));
}

/* ---- setup ---- */

void cg_sync_init(struct cg_sync *s)
{
	memset(s, 0, sizeof(*s));
	s->streams = CG_SYNC_ALL;
	s->max_retries = 8;
	s->max_time = 300;
	s->backoff_base = 0.5;
	s->backoff_cap = 30;
	s->http_opts.timeout_ms = 60000;
	s->dirfd = -1;
	s->status = CG_EXIT_OK;
	cg_buf_init(&s->body, BATCH_MAX);
	cg_buf_init(&s->file, BATCH_MAX);
}

void cg_sync_release(struct cg_sync *s)
{
	if (s->http_ready)
		cg_http_release(&s->http);
	if (s->dirfd >= 0)
		close(s->dirfd);
	if (s->z_ready)
		deflateEnd(&s->z);
	json_decref(s->cursor);
	json_decref(s->before);
	json_decref(s->days_read);
	cg_buf_release(&s->body);
	cg_buf_release(&s->file);
	if (s->auth) {
		sodium_memzero(s->auth, strlen(s->auth));
		free(s->auth);
	}
	sodium_memzero(s->redact_key, sizeof(s->redact_key));
	s->dirfd = -1;
}

int cg_sync_load_token(struct cg_sync *s, const char *token_file, struct cg_err *err)
{
	char *text = NULL, *p;
	size_t len;
	const char *env = getenv("CG_SYNC_TOKEN");
	struct stat st;
	int fd;

	if (token_file) {
		fd = open(token_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot open token file '%s'"), token_file);
		if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
			close(fd);
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("token file '%s' is readable by group or others (chmod 600 it)"),
					  token_file);
		}
		close(fd);
		if (cg_read_file(AT_FDCWD, token_file, TOKEN_FILE_MAX, &text, &len, token_file, err) < 0)
			return -1;
	} else if (env && *env) {
		text = strdup(env);
		if (!text)
			abort();
	} else {
		return 0;
	}
	/* One line: trailing white space and newlines go. */
	p = text + strlen(text);
	while (p > text && (p[-1] == '\n' || p[-1] == '\r' || p[-1] == ' ' || p[-1] == '\t'))
		*--p = '\0';
	if (!*text || strpbrk(text, "\r\n")) {
		free(text);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("the token must be one non-empty line"));
	}
	s->auth = malloc(strlen(text) + 32);
	if (!s->auth)
		abort();
	sprintf(s->auth, "Authorization: %s%s", strchr(text, ' ') ? "" : "Bearer ", text);
	sodium_memzero(text, strlen(text));
	free(text);
	return 0;
}

int cg_sync_load_redact_key(struct cg_sync *s, struct cg_err *err)
{
	int dirfd = cg_home_dir(s->home, "keys", 1, err);
	char *data = NULL;
	size_t len;
	int st;

	if (dirfd < 0)
		return -1;
	st = cg_read_file(dirfd, "sync-redact.key", REDACT_KEY_FILE_MAX, &data, &len, "keys/sync-redact.key", err);
	if (st == -2) {
		randombytes_buf(s->redact_key, sizeof(s->redact_key));
		st = cg_replace_file(dirfd, "sync-redact.key", s->redact_key,
				     sizeof(s->redact_key), "keys/sync-redact.key", err);
	} else if (st == 0) {
		if (len != sizeof(s->redact_key))
			st = cg_err_set(err, CG_EXIT_SYSTEM,
					_("'%s' is not a 32-byte key"), "keys/sync-redact.key");
		else
			memcpy(s->redact_key, data, len);
		sodium_memzero(data, len);
		free(data);
	}
	close(dirfd);
	if (st < 0)
		return -1;
	s->redact = 1;
	return 0;
}

/* ---- records ---- */

/*
 * Whether the compact JSON object s has key at its top level (s is known
 * to be valid JSON: it passed the journal's or the input's parser).
 */
static int has_top_key(const char *s, size_t len, const char *key)
{
	size_t kl = strlen(key);
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '"') {
			size_t start = ++i;

			while (i < len && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			if (depth == 1 && i - start == kl && !memcmp(s + start, key, kl) &&
			    i + 1 < len && s[i + 1] == ':')
				return 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 0;
}

static void redact_field(json_t *rec, const char *key, const unsigned char *k)
{
	json_t *v = json_object_get(rec, key);
	unsigned char h[16];
	char hex[40] = "h:";
	const char *text;
	char num[64];

	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		text = json_string_value(v);
	} else {
		/* A number (an id typed as one) is hashed as its text. */
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_is_integer(v) ? json_integer_value(v) : 0);
		text = num;
	}
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), k, 32);
	sodium_bin2hex(hex + 2, sizeof(hex) - 2, h, sizeof(h));
	json_object_set_new(rec, key, json_string(hex));
}

int cg_sync_record(struct cg_buf *out, const char *line, size_t len,
		   const char *rid, const char *compound,
		   const unsigned char *redact_key, struct cg_err *err)
{
	size_t keep = len;
	char why[256];
	json_t *rec;
	int ret;

	/* A journal line ends with ,"chain":"HEX"}: the chain is no use
	 * upstream, and 64 random hex digits a record cost gzip dearly. */
	if (len > CHAIN_SUFFIX_LEN &&
	    !memcmp(line + len - CHAIN_SUFFIX_LEN, ",\"chain\":\"", 10))
		keep = len - CHAIN_SUFFIX_LEN;
	else if (len && line[len - 1] == '}')
		keep = len - 1;
	if (!redact_key && !memmem(line, keep, "\"rid\"", 5) && keep > 1) {
		int add_compound = !memmem(line, keep, "\"compound\"", 10) ||
			!has_top_key(line, len, "compound");

		if (cg_buf_grow(out, keep + strlen(rid) + strlen(compound) + 40) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		cg_buf_add(out, line, keep);
		cg_buf_addstr(out, ",\"rid\":\"");
		cg_buf_addstr(out, rid);
		if (add_compound) {
			cg_buf_addstr(out, "\",\"compound\":\"");
			cg_buf_addstr(out, compound);
		}
		cg_buf_add(out, "\"}\n", 3);
		return 0;
	}
	/* The general way: through Jansson. */
	rec = cg_jsonl_parse(line, len, why, sizeof(why));
	if (!rec)
		return cg_err_set(err, CG_EXIT_REJECTED, "%s", why);
	json_object_del(rec, "chain");
	json_object_set_new(rec, "rid", json_string(rid));
	if (!json_object_get(rec, "compound"))
		json_object_set_new(rec, "compound", json_string(compound));
	if (redact_key) {
		redact_field(rec, "id_no", redact_key);
		redact_field(rec, "phone", redact_key);
		redact_field(rec, "name", redact_key);
	}
	ret = cg_jsonl_dump(rec, out);
	json_decref(rec);
	if (ret < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	return 0;
}

/* ---- cursor ---- */

static json_t *fresh_cursor(const char *target)
{
	return json_pack("{s:s, s:I, s:n, s:{s:s, s:I, s:{}}, s:{s:I}, s:{s:I}}",
			 "target", target, "batches", (json_int_t)0, "last_success",
			 "checkin", "file", "", "seq", (json_int_t)0, "days",
			 "pass", "seq", (json_int_t)0, "quarantine", "seq", (json_int_t)0);
}

/* Each entry of a check-in cursor's "days": {"seq":N,"bytes":N,"mtime_ns":N,"gz":B}. */
static int days_valid(const json_t *days)
{
	const char *day;
	json_t *e;
	int y, m, d;

	if (!days)
		return 1;
	if (!json_is_object(days))
		return 0;
	json_object_foreach((json_t *)days, day, e)
		if (cg_date_parse(day, &y, &m, &d) < 0 ||
		    !json_is_integer(json_object_get(e, "seq")) ||
		    !json_is_integer(json_object_get(e, "bytes")) ||
		    !json_is_integer(json_object_get(e, "mtime_ns")) ||
		    !json_is_boolean(json_object_get(e, "gz")))
			return 0;
	return 1;
}

static int cursor_valid(const json_t *c)
{
	const json_t *ci = json_object_get(c, "checkin");
	const char *file = json_string_value(json_object_get(ci, "file"));
	int y, m, d;

	if (!json_is_object(c) || !json_is_integer(json_object_get(c, "batches")) ||
	    !file || (*file && cg_date_parse(file, &y, &m, &d) < 0) ||
	    !days_valid(json_object_get(ci, "days")))
		return 0;
	for (int i = 0; i < 3; i++) {
		const json_t *seq = json_object_get(json_object_get(c, stream_names[i]), "seq");

		if (!json_is_integer(seq) || json_integer_value(seq) < 0)
			return 0;
	}
	return 1;
}

static int open_dir(struct cg_sync *s, struct cg_err *err)
{
	char rel[96];

	if (s->dirfd >= 0)
		return 0;
	snprintf(rel, sizeof(rel), "sync/%s", s->t->name);
	s->dirfd = cg_home_dir(s->home, rel, 1, err);
	return s->dirfd < 0 ? -1 : 0;
}

/* 0 loaded, -2 missing, -1 error (corrupt included). */
static int load_cursor(struct cg_sync *s, json_t **out, struct cg_err *err)
{
	char *text = NULL, label[128];
	size_t len;
	json_error_t jerr;
	int st;

	*out = NULL;
	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, CURSOR);
	st = cg_read_file(s->dirfd, CURSOR, META_MAX, &text, &len, label, err);
	if (st < 0)
		return st;
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!*out || !cursor_valid(*out)) {
		json_decref(*out);
		*out = NULL;
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("'%s' is empty or corrupt; nothing was sent (use --from-start to send everything again, the upstream drops repeats by rid)"),
				  label);
	}
	return 0;
}

static int save_cursor(struct cg_sync *s, struct cg_err *err)
{
	char *text = json_dumps(s->cursor, JSON_COMPACT);
	char label[128];
	int ret;

	if (!text)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, CURSOR);
	ret = cg_replace_file(s->dirfd, CURSOR, text, strlen(text), label, err);
	free(text);
	return ret;
}

/* ---- batch bodies ---- */

static int stream_index(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, stream_names[i]))
			return i;
	return -1;
}

static void table_for(const struct cg_sync *s, const char *stream, char *out, size_t outlen)
{
	const char *tpl = s->t->table && *s->t->table ? s->t->table :
		s->t->format == CG_SYNC_ES_BULK ? "cg-{stream}" : "cg_{stream}";
	const char *mark = strstr(tpl, "{stream}");

	if (mark)
		snprintf(out, outlen, "%.*s%s%s", (int)(mark - tpl), tpl, stream, mark + 8);
	else
		snprintf(out, outlen, "%s", tpl);
}

/* Add one record line (with its newline) in the target's format. */
static int add_record(struct cg_sync *s, const char *line, size_t len, const char *rid,
		      const char *table, struct cg_err *err)
{
	if (s->t->format == CG_SYNC_ES_BULK) {
		json_t *act = json_pack("{s:{s:s, s:s}}", "create", "_index", table, "_id", rid);

		if (!act || cg_jsonl_dump(act, &s->body) < 0) {
			json_decref(act);
			return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		}
		json_decref(act);
	}
	if (cg_sync_record(&s->body, line, len, rid, s->cfg->compound_code,
			   s->redact ? s->redact_key : NULL, err) < 0)
		return -1;
	if (!s->nrec++)
		snprintf(s->first_rid, sizeof(s->first_rid), "%s", rid);
	snprintf(s->last_rid, sizeof(s->last_rid), "%s", rid);
	return 0;
}

static int batch_full(const struct cg_sync *s)
{
	return s->nrec >= s->t->batch_records || s->body.len >= s->t->batch_bytes;
}

/* Append the payload (gzip of s->body, or s->body itself) to s->file. */
static int encode_payload(struct cg_sync *s, struct cg_err *err)
{
	size_t bound;
	int zr;

	if (!s->t->gzip_level)
		return cg_buf_add(&s->file, s->body.buf, s->body.len) < 0 ?
			cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory")) : 0;
	if (!s->z_ready) {
		memset(&s->z, 0, sizeof(s->z));
		if (deflateInit2(&s->z, s->t->gzip_level, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot initialise zlib"));
		s->z_ready = 1;
	} else {
		deflateReset(&s->z);
	}
	bound = deflateBound(&s->z, (uLong)s->body.len) + 64;
	if (cg_buf_grow(&s->file, bound) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	s->z.next_in = (Bytef *)s->body.buf;
	s->z.avail_in = (uInt)s->body.len;
	s->z.next_out = (Bytef *)s->file.buf + s->file.len;
	s->z.avail_out = (uInt)bound;
	zr = deflate(&s->z, Z_FINISH);
	if (zr != Z_STREAM_END)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("gzip failed"));
	buf_extend(&s->file, bound - s->z.avail_out);
	return 0;
}

static int gunzip(const char *data, size_t len, struct cg_buf *out, struct cg_err *err)
{
	z_stream z;
	char chunk[65536];
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot initialise zlib"));
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	while (zr != Z_STREAM_END) {
		z.next_out = (Bytef *)chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			inflateEnd(&z);
			return cg_err_set(err, CG_EXIT_DAMAGED, _("a stored batch does not decompress"));
		}
		if (cg_buf_add(out, chunk, sizeof(chunk) - z.avail_out) < 0) {
			inflateEnd(&z);
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot decompress a stored batch"));
		}
	}
	inflateEnd(&z);
	return 0;
}

/* ---- delivery ---- */

enum outcome {
	SENT,		/* acknowledged */
	DEAD,		/* refused for good: dead letter */
	FAILED		/* gave up or cannot send: keep the outbox, stop */
};

struct batch {
	json_t *meta;		/* borrowed */
	const char *payload;
	size_t len;
	const char *body;	/* uncompressed (es-bulk item errors) */
	size_t body_len;
	/* results */
	long status;
	int attempts;
	long ms;
	char why[512];
	struct cg_buf dead_body;	/* es-bulk: the records refused */
	json_t *dead_items;		/* es-bulk: their errors */
};

static int build_url(const struct cg_sync *s, const char *table, char *out, size_t outlen)
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

enum verdict { V_OK, V_RETRY, V_DEAD, V_STOP, V_PARTIAL };

/* es-bulk: per item: 2xx and 409 delivered, 429/5xx retry, others dead. */
static enum verdict es_items(struct batch *b, const struct cg_http_resp *r, char *why, size_t whylen)
{
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

static enum verdict judge(struct cg_sync *s, struct batch *b, const struct cg_http_resp *r)
{
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
	if (st >= 200 && st < 300) {
		if (s->t->format == CG_SYNC_CLICKHOUSE &&
		    (r->ch_exception[0] || strstr(r->body.buf, "DB::Exception"))) {
			long code = ch_code(r);

			snprintf(b->why, sizeof(b->why), _("HTTP %ld with an exception: %.300s"),
				 st, r->body.buf);
			return ch_code_permanent(code) ? V_DEAD : V_RETRY;
		}
		if (s->t->format == CG_SYNC_ES_BULK)
			return es_items(b, r, b->why, sizeof(b->why));
		return V_OK;
	}
	snprintf(b->why, sizeof(b->why), "HTTP %ld: %.300s", st, r->body.buf);
	if (st >= 300 && st < 400) {
		snprintf(b->why, sizeof(b->why), _("HTTP %ld redirect to '%s' not followed"),
			 st, r->location);
		return V_STOP;
	}
	if (st == 408 || st == 429 || st >= 500) {
		if (s->t->format == CG_SYNC_CLICKHOUSE && st == 500 &&
		    ch_code_permanent(ch_code(r)))
			return V_DEAD;
		return V_RETRY;
	}
	/* The target or the credentials are wrong, not this batch: stop
	 * with the batch kept, so that no batch is dead-lettered for it. */
	if (st == 401 || st == 403 || st == 404 || st == 405 || st == 407)
		return V_STOP;
	return V_DEAD;
}

static enum outcome deliver(struct cg_sync *s, struct batch *b, const char *stream,
			    struct cg_http_resp *r, struct cg_err *err)
{
	struct curl_slist *h = NULL;
	char url[4096], line[256], table[128];
	const char *key = json_string_value(json_object_get(b->meta, "key"));
	double start = now_secs();
	enum outcome res = FAILED;

	table_for(s, stream, table, sizeof(table));
	if (!s->http_ready) {
		if (cg_http_init(&s->http, &s->http_opts, err) < 0)
			return FAILED;
		s->http_ready = 1;
	}
	if (build_url(s, table, url, sizeof(url)) < 0) {
		cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		return FAILED;
	}
	h = curl_slist_append(h, s->t->format == CG_SYNC_CLICKHOUSE ?
			      "Content-Type: text/plain; charset=utf-8" :
			      "Content-Type: application/x-ndjson");
	if (!strcmp(json_string_value(json_object_get(b->meta, "encoding")), "gzip"))
		h = curl_slist_append(h, "Content-Encoding: gzip");
	snprintf(line, sizeof(line), "Idempotency-Key: %s", key);
	h = curl_slist_append(h, line);
	h = curl_slist_append(h, "Expect:");
	if (s->auth)
		h = curl_slist_append(h, s->auth);
	for (const struct curl_slist *e = s->t->headers; e; e = e->next)
		h = curl_slist_append(h, e->data);

	for (b->attempts = 1;; b->attempts++) {
		enum verdict v;
		double wait, cap;

		cg_http_post(&s->http, url, h, b->payload, b->len, r);
		b->status = r->status;
		v = judge(s, b, r);
		if (v == V_OK) {
			res = SENT;
			break;
		}
		if (v == V_DEAD || v == V_PARTIAL) {
			res = DEAD;
			break;
		}
		if (v == V_STOP) {
			res = FAILED;
			break;
		}
		if (b->attempts > s->max_retries) {
			char more[64];

			snprintf(more, sizeof(more), _(" (gave up after %d attempts)"), b->attempts);
			strncat(b->why, more, sizeof(b->why) - strlen(b->why) - 1);
			break;
		}
		/* Capped exponential backoff with full jitter, but never
		 * sooner than the upstream asked. */
		cap = s->backoff_base * pow(2, b->attempts - 1);
		if (cap > s->backoff_cap)
			cap = s->backoff_cap;
		wait = cap * (double)randombytes_uniform(1000001) / 1e6;
		if (r->retry_after >= 0 && wait < r->retry_after)
			wait = r->retry_after;
		if (now_secs() - start + wait > s->max_time) {
			char more[96];

			snprintf(more, sizeof(more), _(" (gave up: --max-time %gs reached)"), s->max_time);
			strncat(b->why, more, sizeof(b->why) - strlen(b->why) - 1);
			break;
		}
		if (s->verbose)
			cg_notify(&s->notify, CG_MSG_TRACE, _("%s: batch %lld: %s; retrying in %.2fs\n"),
				  cg_progname(),
				  (long long)json_integer_value(json_object_get(b->meta, "batch")),
				  b->why, wait);
		sleep_secs(wait);
	}
	b->ms = (long)((now_secs() - start) * 1000);
	for (size_t n = strlen(b->why); n && (b->why[n - 1] == '\n' || b->why[n - 1] == '\r' ||
					      b->why[n - 1] == ' '); n--)
		b->why[n - 1] = '\0';
	curl_slist_free_all(h);
	return res;
}

/* ---- results, dead letters ---- */

static int print_result(struct cg_sync *s, const json_t *meta, long status, int attempts,
			long ms, const char *result, const char *why, struct cg_err *err)
{
	json_t *o = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:I, s:i, s:I, s:s}",
			      "target", s->t->name, "batch", json_object_get(meta, "batch"),
			      "stream", json_object_get(meta, "stream"),
			      "records", json_object_get(meta, "records"),
			      "bytes", json_object_get(meta, "bytes"),
			      "gzip_bytes", json_object_get(meta, "gzip_bytes"),
			      "status", (json_int_t)status, "attempts", attempts,
			      "ms", (json_int_t)ms, "result", result);
	struct cg_buf line = CG_BUF_INIT(RESULT_LINE_MAX);
	int ret;

	if (why && *why)
		json_object_set_new(o, "error", json_string(why));
	s->sent += json_integer_value(json_object_get(meta, "records"));
	if (s->progress)
		s->progress(s->progress_ctx, s->sent, s->total);
	ret = cg_jsonl_dump(o, &line);
	json_decref(o);
	if (ret == 0)
		ret = cg_out_line(s->out, line.buf, line.len, err);
	cg_buf_release(&line);
	return ret;
}

static int write_dead(struct cg_sync *s, struct batch *b, const struct cg_http_resp *r,
		      struct cg_err *err)
{
	int dfd;
	char id[96], name[128], label[256];
	json_t *meta = json_deep_copy(b->meta);
	char *text;
	int ret;
	const char *payload = b->payload;
	size_t len = b->len;

	if (open_dir(s, err) < 0)
		return -1;
	dfd = cg_home_dir(s->home, "sync", 0, err);
	if (dfd < 0)
		return -1;
	close(dfd);
	{
		char rel[96];

		snprintf(rel, sizeof(rel), "sync/%s/dead", s->t->name);
		dfd = cg_home_dir(s->home, rel, 1, err);
		if (dfd < 0)
			return -1;
	}
	snprintf(id, sizeof(id), "%08lld-%.12s",
		 (long long)json_integer_value(json_object_get(meta, "batch")),
		 json_string_value(json_object_get(meta, "key")));
	if (b->dead_items) {
		/* Only the refused items of a _bulk batch: a new body. */
		char key[65];

		cg_sync_sha256_hex(b->dead_body.buf, b->dead_body.len, key);
		json_object_set_new(meta, "key", json_string(key));
		json_object_set_new(meta, "records", json_integer((json_int_t)json_array_size(b->dead_items)));
		json_object_set_new(meta, "bytes", json_integer((json_int_t)b->dead_body.len));
		json_object_set_new(meta, "encoding", json_string("identity"));
		json_object_set_new(meta, "gzip_bytes", json_integer((json_int_t)b->dead_body.len));
		json_object_set(meta, "items", b->dead_items);
		payload = b->dead_body.buf;
		len = b->dead_body.len;
	}
	json_object_set_new(meta, "id", json_string(id));
	json_object_set_new(meta, "status", json_integer(r->status));
	json_object_set_new(meta, "response", json_stringn(r->body.buf, r->body.len));
	json_object_set_new(meta, "error", json_string(b->why));
	snprintf(name, sizeof(name), "%s.body", id);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	ret = cg_replace_file(dfd, name, payload, len, label, err);
	text = json_dumps(meta, JSON_COMPACT);
	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	if (ret == 0)
		ret = cg_replace_file(dfd, name, text, strlen(text), label, err);
	free(text);
	json_decref(meta);
	close(dfd);
	return ret;
}

/* ---- the outbox ---- */

static int remove_outbox(struct cg_sync *s, struct cg_err *err)
{
	/* No fsync of the directory: an unlink lost in a crash leaves an
	 * outbox whose "after" is the cursor, which the next run removes. */
	if (unlinkat(s->dirfd, OUTBOX, 0) < 0 && errno != ENOENT)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot remove 'sync/%s/%s'"),
				    s->t->name, OUTBOX);
	return 0;
}

/*
 * Send a batch whose outbox is on disk (meta, payload) and settle it:
 * cursor, outbox, result line.  Returns 0 (look at s->stop) or -1.
 */
static int settle(struct cg_sync *s, json_t *meta, const char *payload, size_t len,
		  const char *body, size_t body_len, struct cg_err *err)
{
	struct batch b;
	struct cg_http_resp r;
	const char *stream = json_string_value(json_object_get(meta, "stream"));
	enum outcome oc;
	int ret = 0;
	char ts[CG_TIME_LEN];

	memset(&b, 0, sizeof(b));
	b.meta = meta;
	b.payload = payload;
	b.len = len;
	b.body = body;
	b.body_len = body_len;
	cg_buf_init(&b.dead_body, BATCH_MAX);
	cg_http_resp_init(&r);
	r.body.limit = BULK_RESP_MAX;
	oc = deliver(s, &b, stream, &r, err);
	if (oc == FAILED && !b.attempts) {
		ret = -1;
		goto out;
	}
	if (oc == DEAD && write_dead(s, &b, &r, err) < 0) {
		ret = -1;
		goto out;
	}
	if (oc == SENT || oc == DEAD) {
		if (s->use_outbox) {
			json_object_set(s->cursor, stream, json_object_get(meta, "after"));
			json_object_set(s->cursor, "batches", json_object_get(meta, "batch"));
			if (oc == SENT) {
				cg_time_format(cg_clock_now(&s->clock), ts);
				json_object_set_new(s->cursor, "last_success", json_string(ts));
			}
			if (save_cursor(s, err) < 0 || remove_outbox(s, err) < 0) {
				ret = -1;
				goto out;
			}
		}
	}
	if (oc != SENT) {
		s->status = CG_EXIT_UPSTREAM;
		if (oc == FAILED || !s->keep_going)
			s->stop = 1;
		if (oc == DEAD)
			cg_notify(&s->notify, CG_MSG_ERROR,
				  _("batch %lld refused (%s); kept in 'sync/%s/dead'"),
				  (long long)json_integer_value(json_object_get(meta, "batch")),
				  b.why, s->t->name);
		else
			cg_notify(&s->notify, CG_MSG_ERROR,
				  _("batch %lld not delivered: %s; it stays in the outbox"),
				  (long long)json_integer_value(json_object_get(meta, "batch")),
				  b.why);
	}
	ret = print_result(s, meta, b.status, b.attempts, b.ms,
			   oc == SENT ? "sent" : oc == DEAD ? "dead" : "failed", NULL, err);
out:
	cg_buf_release(&b.dead_body);
	json_decref(b.dead_items);
	cg_http_resp_release(&r);
	return ret;
}

/* Read the outbox: meta (new reference) and the payload inside s->file. */
static int read_outbox(struct cg_sync *s, json_t **meta, size_t *off, struct cg_err *err)
{
	char *data = NULL, *nl, label[128];
	size_t len;
	json_error_t jerr;
	int st;

	snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, OUTBOX);
	st = cg_read_file(s->dirfd, OUTBOX, BATCH_MAX, &data, &len, label, err);
	if (st < 0)
		return st;
	nl = memchr(data, '\n', len);
	*meta = nl ? json_loadb(data, (size_t)(nl - data), 0, &jerr) : NULL;
	if (!*meta || !json_is_string(json_object_get(*meta, "key")) ||
	    json_integer_value(json_object_get(*meta, "gzip_bytes")) !=
	    (json_int_t)(len - (size_t)(nl - data) - 1)) {
		json_decref(*meta);
		free(data);
		return cg_err_set(err, CG_EXIT_DAMAGED, _("'%s' is damaged"), label);
	}
	cg_buf_reset(&s->file);
	cg_buf_add(&s->file, data, len);
	free(data);
	*off = (size_t)(nl - data) + 1;
	return 0;
}

static int recover_outbox(struct cg_sync *s, struct cg_err *err)
{
	json_t *meta;
	size_t off;
	int st;
	const char *stream;
	json_t *cur;

	st = read_outbox(s, &meta, &off, err);
	if (st == -2)
		return 0;
	if (st < 0)
		return -1;
	stream = json_string_value(json_object_get(meta, "stream"));
	if (stream_index(stream ? stream : "") < 0 ||
	    strcmp(json_string_value(json_object_get(meta, "format")),
		   cg_sync_format_name(s->t->format))) {
		json_decref(meta);
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("the outbox of '%s' holds a batch in another format; push it with that format first"),
				  s->t->name);
	}
	cur = json_object_get(s->cursor, stream);
	if (s->cursor && json_equal(cur, json_object_get(meta, "after"))) {
		/* Acknowledged before a crash: only the unlink was missing. */
		json_decref(meta);
		return remove_outbox(s, err);
	}
	if (s->cursor && !json_equal(cur, json_object_get(meta, "before"))) {
		json_decref(meta);
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("the outbox of '%s' does not follow its cursor"), s->t->name);
	}
	if (s->dry_run) {
		/* What the next push sends first. */
		struct cg_buf body = CG_BUF_INIT(BATCH_MAX);
		const char *payload = s->file.buf + off;
		size_t len = s->file.len - off;

		if (!strcmp(json_string_value(json_object_get(meta, "encoding")), "gzip"))
			st = gunzip(payload, len, &body, err);
		else
			st = cg_buf_add(&body, payload, len);
		if (st == 0 && body.len)
			st = cg_out_line(s->out, body.buf, body.len, err);
		cg_buf_release(&body);
		json_object_set(s->cursor, stream, json_object_get(meta, "after"));
		json_decref(meta);
		return st;
	}
	{
		struct cg_buf body = CG_BUF_INIT(BATCH_MAX);
		const char *payload = s->file.buf + off;
		size_t len = s->file.len - off;

		if (s->t->format == CG_SYNC_ES_BULK) {
			if (!strcmp(json_string_value(json_object_get(meta, "encoding")), "gzip")) {
				if (gunzip(payload, len, &body, err) < 0) {
					json_decref(meta);
					return -1;
				}
			} else if (cg_buf_add(&body, payload, len) < 0) {
				cg_buf_release(&body);
				json_decref(meta);
				return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
						    _("cannot read 'sync/%s/%s'"), s->t->name, OUTBOX);
			}
		}
		st = settle(s, meta, payload, len, body.buf, body.len, err);
		cg_buf_release(&body);
	}
	json_decref(meta);
	return st;
}

/* Seal the batch in s->body: key, payload, outbox, send, settle. */
static int flush_batch(struct cg_sync *s, const char *stream, struct cg_err *err)
{
	char key[65];
	json_t *meta, *after;
	char *text;
	size_t metalen;
	int ret;

	if (!s->nrec)
		return 0;
	after = !s->use_outbox ? json_null() : s->last_day[0] ?
		json_pack("{s:s, s:I, s:o*}", "file", s->last_day, "seq", (json_int_t)s->last_seq,
			  "days", json_deep_copy(s->days_read)) :
		json_pack("{s:I}", "seq", (json_int_t)s->last_seq);
	if (s->dry_run) {
		ret = cg_out_line(s->out, s->body.buf, s->body.len, err);
		json_object_set(s->cursor, stream, after);
		goto done;
	}
	cg_sync_sha256_hex(s->body.buf, s->body.len, key);
	meta = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:O?, s:O, s:s, s:s}",
			 "batch", (json_int_t)json_integer_value(json_object_get(s->cursor, "batches")) + 1,
			 "stream", stream, "format", cg_sync_format_name(s->t->format),
			 "key", key, "records", (json_int_t)s->nrec,
			 "bytes", (json_int_t)s->body.len,
			 "encoding", s->t->gzip_level ? "gzip" : "identity",
			 "before", s->before, "after", after,
			 "first_rid", s->first_rid, "last_rid", s->last_rid);
	cg_buf_reset(&s->file);
	/* The payload's size goes in the metadata before the payload exists:
	 * encode after a placeholder, then write the real line in front. */
	if (encode_payload(s, err) < 0) {
		json_decref(meta);
		return -1;
	}
	json_object_set_new(meta, "gzip_bytes", json_integer((json_int_t)s->file.len));
	text = json_dumps(meta, JSON_COMPACT);
	metalen = strlen(text);
	if (cg_buf_grow(&s->file, metalen + 1) < 0)
		abort();
	memmove(s->file.buf + metalen + 1, s->file.buf, s->file.len);
	memcpy(s->file.buf, text, metalen);
	s->file.buf[metalen] = '\n';
	buf_extend(&s->file, metalen + 1);
	free(text);
	{
		char label[128];

		snprintf(label, sizeof(label), "sync/%s/%s", s->t->name, OUTBOX);
		ret = s->use_outbox ? cg_replace_file(s->dirfd, OUTBOX, s->file.buf, s->file.len,
						  label, err) : 0;
	}
	if (ret == 0)
		ret = settle(s, meta, s->file.buf + metalen + 1, s->file.len - metalen - 1,
			     s->body.buf, s->body.len, err);
	json_decref(meta);
done:
	json_decref(after);
	if (!s->use_outbox)
		json_object_set_new(s->cursor, "batches", json_integer(
			json_integer_value(json_object_get(s->cursor, "batches")) + 1));
	cg_buf_reset(&s->body);
	s->nrec = 0;
	json_decref(s->before);
	s->before = json_deep_copy(json_object_get(s->cursor, stream));
	return ret;
}

/* ---- reading the journals ---- */

static int push_reader(struct cg_sync *s, struct cg_journal_reader *jr, const char *stream,
		       const char *day, uint64_t skip, struct cg_err *err)
{
	char rid[160], table[128];
	int st = 0;

	table_for(s, stream, table, sizeof(table));
	while (!s->stop && (st = cg_journal_reader_next(jr, NULL, err)) > 0) {
		if (jr->seq <= skip)
			continue;
		if (day)
			snprintf(rid, sizeof(rid), "%s/%s/%s/%llu", s->cfg->compound_code,
				 stream, day, (unsigned long long)jr->seq);
		else
			snprintf(rid, sizeof(rid), "%s/%s/%llu", s->cfg->compound_code,
				 stream, (unsigned long long)jr->seq);
		if (add_record(s, jr->line, jr->len, rid, table, err) < 0)
			return -1;
		/* A day back-filled behind the cursor's file leaves the
		 * file and seq where they are: "days" says what was sent. */
		if (!day || strcmp(day, s->last_day) >= 0) {
			snprintf(s->last_day, sizeof(s->last_day), "%s", day ? day : "");
			s->last_seq = jr->seq;
		}
		if (!batch_full(s))
			continue;
		st = flush_batch(s, stream, err);
		if (st < 0)
			return -1;
	}
	return s->stop ? 0 : st;
}

/*
 * A check-in day's journal file as it is now: size, modification time and
 * whether it is compressed.  Taken before the day is read, so that a day
 * that grows while or after it is read never looks unchanged.
 */
struct day_stamp {
	json_int_t bytes, mtime_ns;
	int gz;
};

static int stamp_day(struct cg_sync *s, const char *day, struct day_stamp *out,
		     struct cg_err *err)
{
	int dfd = cg_home_dir(s->home, "journal/checkin", 0, err);
	char name[CG_DATE_LEN + 16];
	struct stat st;
	int found;

	if (dfd < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(name, sizeof(name), "%s.jsonl", day);
	found = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!found) {
		snprintf(name, sizeof(name), "%s.jsonl.gz", day);
		found = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		out->gz = found;
	}
	close(dfd);
	if (found) {
		out->bytes = (json_int_t)st.st_size;
		out->mtime_ns = (json_int_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	return 0;
}

/*
 * Whether check-in day `day` has records to send (1, after *skip) or not
 * (0).  Days from the cursor's file on are read as always.  Days before it
 * were read to their end, and "days" says how they looked then; one that
 * changed since, back-filled with cg-checkin --now, is read again after
 * what was sent of it, and one begun since is read whole.  A cursor from
 * before "days" (days NULL) passes them by, as it always did.
 */
static int day_todo(struct cg_sync *s, const json_t *days, const char *day,
		    const json_t *cur, struct day_stamp *stamp, uint64_t *skip,
		    struct cg_err *err)
{
	const char *from = json_string_value(json_object_get(cur, "file"));
	int c = strcmp(day, from ? from : "");
	const json_t *e;

	if (stamp_day(s, day, stamp, err) < 0)
		return -1;
	*skip = c ? 0 : (uint64_t)json_integer_value(json_object_get(cur, "seq"));
	if (c >= 0)
		return 1;
	if (!days)
		return 0;
	if (!(e = json_object_get(days, day)))
		return 1;
	if (json_integer_value(json_object_get(e, "bytes")) == stamp->bytes &&
	    json_integer_value(json_object_get(e, "mtime_ns")) == stamp->mtime_ns &&
	    json_is_true(json_object_get(e, "gz")) == stamp->gz)
		return 0;
	*skip = (uint64_t)json_integer_value(json_object_get(e, "seq"));
	return 1;
}

/* Remember that a day was read to its end, up to seq, looking as stamped. */
static void note_day_read(struct cg_sync *s, const char *day, uint64_t seq,
			  const struct day_stamp *stamp)
{
	if (s->days_read)
		json_object_set_new(s->days_read, day, json_pack("{s:I, s:I, s:I, s:b}",
			"seq", (json_int_t)seq, "bytes", stamp->bytes,
			"mtime_ns", stamp->mtime_ns, "gz", stamp->gz));
}

static int push_stream(struct cg_sync *s, int idx, struct cg_err *err)
{
	const char *stream = stream_names[idx];
	struct cg_journal_reader jr;
	json_t *cur = json_object_get(s->cursor, stream);
	int ret = 0;

	json_decref(s->before);
	s->before = json_deep_copy(cur);
	if (idx == 0) {
		json_t *days, *d;
		size_t i;
		/* A copy: settling a batch replaces the cursor's objects. */
		json_t *start = json_deep_copy(cur);

		json_decref(s->days_read);
		s->days_read = json_deep_copy(json_object_get(start, "days"));
		snprintf(s->last_day, sizeof(s->last_day), "%s",
			 json_string_value(json_object_get(start, "file")) ?: "");
		s->last_seq = (uint64_t)json_integer_value(json_object_get(start, "seq"));
		if (cg_journal_days(s->home, &days, err) < 0) {
			json_decref(start);
			return -1;
		}
		json_array_foreach(days, i, d) {
			const char *day = json_string_value(d);
			struct day_stamp stamp;
			uint64_t skip;
			int todo = day_todo(s, json_object_get(start, "days"), day, start,
					    &stamp, &skip, err);

			if (todo <= 0) {
				ret = todo;
				if (ret < 0)
					break;
				continue;
			}
			if (cg_journal_reader_open_stream(&jr, s->home, stream, day, err) < 0) {
				ret = -1;
				break;
			}
			ret = push_reader(s, &jr, stream, day, skip, err);
			if (ret == 0 && !s->stop)
				note_day_read(s, day, jr.seq, &stamp);
			cg_journal_reader_release(&jr);
			if (ret < 0 || s->stop)
				break;
		}
		json_decref(days);
		json_decref(start);
	} else {
		if (cg_journal_reader_open_stream(&jr, s->home, stream, NULL, err) < 0)
			return -1;
		ret = push_reader(s, &jr, stream, NULL,
				  (uint64_t)json_integer_value(json_object_get(cur, "seq")), err);
		cg_journal_reader_release(&jr);
	}
	if (ret == 0 && !s->stop)
		ret = flush_batch(s, stream, err);
	return ret;
}

static int count_after(struct cg_sync *s, const json_t *cursor, unsigned streams,
		       json_int_t *n, struct cg_err *err);

int cg_sync_push(struct cg_sync *s, struct cg_err *err)
{
	json_t *cur = NULL;
	int st;

	if (open_dir(s, err) < 0)
		return -1;
	s->use_outbox = !s->dry_run;
	st = load_cursor(s, &cur, err);
	if (st == -2 && !s->from_start)
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("no cursor for target '%s' ('sync/%s/%s'); use --from-start to send every record"),
				  s->t->name, s->t->name, CURSOR);
	if (st == -1 && !s->from_start)
		return -1;
	s->cursor = cur;
	if (!s->cursor) {
		/* --from-start: a fresh cursor, made durable first. */
		s->cursor = fresh_cursor(s->t->name);
		if (!s->dry_run && save_cursor(s, err) < 0)
			return -1;
	} else if (s->from_start) {
		/* The outbox follows the old cursor: settle it first. */
		if (recover_outbox(s, err) < 0)
			return -1;
		if (s->stop)
			return s->status;
		for (int i = 0; i < 3; i++)
			if (s->streams & (1u << i))
				json_object_set_new(s->cursor, stream_names[i],
						    i ? json_pack("{s:I}", "seq", (json_int_t)0) :
						    json_pack("{s:s, s:I, s:{}}", "file", "", "seq",
							      (json_int_t)0, "days"));
		if (!s->dry_run && save_cursor(s, err) < 0)
			return -1;
	}
	if (recover_outbox(s, err) < 0)
		return -1;
	if (s->progress) {
		json_int_t backlog;

		if (count_after(s, s->cursor, s->streams, &backlog, err) < 0)
			return -1;
		s->total = backlog;
	}
	for (int i = 0; i < 3 && !s->stop; i++)
		if (s->streams & (1u << i) && push_stream(s, i, err) < 0)
			return -1;
	return s->status;
}

/* ---- standard input ---- */

/* What the loop hands each line of standard input to. */
struct stdin_job {
	struct cg_sync *s;
	char table[128];
};

static int push_line(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		     char *why, size_t whylen, struct cg_err *err)
{
	struct stdin_job *job = ctx;
	struct cg_sync *s = job->s;
	const json_t *v = json_object_get(ln->rec, "rid");
	char rid[160], hex[65];

	(void)why;
	(void)whylen;
	/* A record without a rid gets one from its content, so that
	 * sending the same line twice is still one record. */
	if (json_is_string(v)) {
		snprintf(rid, sizeof(rid), "%s", json_string_value(v));
	} else {
		cg_sync_sha256_hex(ln->text, ln->len, hex);
		snprintf(rid, sizeof(rid), "%s/stdin/%.32s", s->cfg->compound_code, hex);
	}
	if (add_record(s, ln->text, ln->len, rid, job->table, err) < 0)
		return -1;
	if (batch_full(s) && flush_batch(s, "stdin", err) < 0)
		return -1;
	/* A batch that failed ends the push. */
	lp->quit = s->stop;
	return 0;
}

int cg_sync_push_fd(struct cg_sync *s, int fd, const char *name, struct cg_err *err)
{
	struct cg_jsonl_reader in;
	struct stdin_job job = { s, "" };
	struct cg_loop lp;
	int st;

	if (cg_loop_init(&lp, NULL, 0, err) < 0)
		return -1;
	lp.fn = push_line;
	lp.ctx = &job;
	lp.parse = 1;
	lp.too_long = _("line too long");
	lp.notify = s->notify;
	cg_jsonl_reader_init_fd(&in, fd, name, CG_JSONL_MAX_LINE_DEFAULT);
	s->cursor = json_pack("{s:I}", "batches", (json_int_t)0);
	table_for(s, "stdin", job.table, sizeof(job.table));
	st = cg_loop_run(&lp, &in, err);
	if (st == 0 && !s->stop && s->nrec)
		st = flush_batch(s, "stdin", err);
	if (st == 0)
		st = cg_loop_finish(&lp, err);
	cg_jsonl_reader_release(&in);
	json_decref(s->cursor);
	s->cursor = NULL;
	if (st < 0)
		return -1;
	return s->status ? s->status : cg_loop_status(&lp);
}

/* ---- status ---- */

static int count_after(struct cg_sync *s, const json_t *cursor, unsigned streams,
		       json_int_t *n, struct cg_err *err)
{
	struct cg_journal_reader jr;

	*n = 0;
	for (int i = 0; i < 3; i++) {
		const json_t *cur = json_object_get(cursor, stream_names[i]);
		uint64_t skip = (uint64_t)json_integer_value(json_object_get(cur, "seq"));

		if (!(streams & (1u << i)))
			continue;
		if (i == 0) {
			json_t *days, *d;
			size_t k;

			if (cg_journal_days(s->home, &days, err) < 0)
				return -1;
			json_array_foreach(days, k, d) {
				struct day_stamp stamp;
				uint64_t from_seq;
				int todo = day_todo(s, json_object_get(cur, "days"),
						    json_string_value(d), cur, &stamp, &from_seq, err);

				if (todo < 0 ||
				    (todo && (cg_journal_reader_open_stream(&jr, s->home, stream_names[i],
									    json_string_value(d), err) < 0 ||
					      cg_journal_verify(&jr, err) < 0))) {
					json_decref(days);
					return -1;
				}
				if (!todo)
					continue;
				if (jr.seq > from_seq)
					*n += (json_int_t)(jr.seq - from_seq);
				cg_journal_reader_release(&jr);
			}
			json_decref(days);
		} else {
			if (cg_journal_reader_open_stream(&jr, s->home, stream_names[i], NULL, err) < 0 ||
			    cg_journal_verify(&jr, err) < 0)
				return -1;
			if (jr.seq > skip)
				*n += (json_int_t)(jr.seq - skip);
			cg_journal_reader_release(&jr);
		}
	}
	return 0;
}

static int count_dead(int dirfd, json_int_t *n)
{
	int fd = openat(dirfd, "dead", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	*n = 0;
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
			(*n)++;
	}
	closedir(d);
	return 0;
}

int cg_sync_status(struct cg_sync *s, struct cg_err *err)
{
	json_t *cur = NULL, *o, *meta = NULL;
	json_int_t backlog, dead;
	size_t off;
	int st;
	struct cg_buf line = CG_BUF_INIT(RESULT_LINE_MAX);

	if (open_dir(s, err) < 0)
		return -1;
	st = load_cursor(s, &cur, err);
	if (st == -1)
		return -1;
	if (count_after(s, cur, s->streams, &backlog, err) < 0) {
		json_decref(cur);
		return -1;
	}
	st = read_outbox(s, &meta, &off, err);
	if (st == -1) {
		json_decref(cur);
		return -1;
	}
	count_dead(s->dirfd, &dead);
	o = json_pack("{s:s, s:s?, s:s, s:O?, s:I, s:O?}", "target", s->t->name,
		      "url", s->t->url, "format", cg_sync_format_name(s->t->format),
		      "cursor", cur, "backlog", backlog,
		      "last_success", json_object_get(cur, "last_success"));
	if (meta) {
		json_object_del(meta, "before");
		json_object_del(meta, "format");
		json_object_del(meta, "encoding");
	}
	json_object_set_new(o, "outbox", meta ? meta : json_null());
	json_object_set_new(o, "dead", json_integer(dead));
	if (!cur)
		json_object_set_new(o, "cursor", json_null());
	st = cg_jsonl_dump(o, &line);
	if (st == 0)
		st = cg_out_line(s->out, line.buf, line.len, err);
	cg_buf_release(&line);
	json_decref(o);
	json_decref(cur);
	return st < 0 ? -1 : CG_EXIT_OK;
}

/* ---- dead letters ---- */

static int dead_dir(struct cg_sync *s, int create, struct cg_err *err)
{
	char rel[96];

	snprintf(rel, sizeof(rel), "sync/%s/dead", s->t->name);
	return cg_home_dir(s->home, rel, create, err);
}

/* The ids (file stems) of the dead letters, sorted. */
static json_t *dead_ids(int dfd)
{
	json_t *ids = json_array();
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return ids;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && de->d_name[0] != '.' && !strcmp(de->d_name + l - 5, ".json"))
			json_array_append_new(ids, json_stringn(de->d_name, l - 5));
	}
	closedir(d);
	/* Batch numbers are zero-padded: name order is batch order. */
	for (size_t i = 1; i < json_array_size(ids); i++)
		for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(ids, j - 1)),
						   json_string_value(json_array_get(ids, j))) > 0; j--) {
			json_t *a = json_incref(json_array_get(ids, j - 1));

			json_array_remove(ids, j - 1);
			json_array_insert_new(ids, j, a);
		}
	return ids;
}

static int read_dead(struct cg_sync *s, int dfd, const char *id, json_t **meta,
		     char **body, size_t *len, struct cg_err *err)
{
	char name[128], label[256], *text;
	size_t tl;
	json_error_t jerr;
	int st;

	*meta = NULL;
	if (body)
		*body = NULL;
	if (!cg_sync_name_ok(id))
		return cg_err_set(err, CG_EXIT_USAGE, _("invalid dead letter id '%s'"), id);
	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	st = cg_read_file(dfd, name, DEAD_META_MAX, &text, &tl, label, err);
	if (st == -2)
		return cg_err_set(err, CG_EXIT_USAGE, _("no dead letter '%s' for target '%s'"),
				  id, s->t->name);
	if (st < 0)
		return -1;
	*meta = json_loadb(text, tl, 0, &jerr);
	free(text);
	if (!*meta)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("'%s' is damaged"), label);
	if (!body)
		return 0;
	snprintf(name, sizeof(name), "%s.body", id);
	snprintf(label, sizeof(label), "sync/%s/dead/%s", s->t->name, name);
	st = cg_read_file(dfd, name, BATCH_MAX, body, len, label, err);
	if (st < 0) {
		json_decref(*meta);
		*meta = NULL;
		return st == -2 ? cg_err_set(err, CG_EXIT_DAMAGED, _("'%s' is missing"), label) : -1;
	}
	return 0;
}

int cg_sync_dead_list(struct cg_sync *s, struct cg_err *err)
{
	int dfd = dead_dir(s, 0, err);
	json_t *ids, *id;
	size_t i;
	int ret = 0;

	if (dfd == -2)
		return CG_EXIT_OK;
	if (dfd < 0)
		return -1;
	ids = dead_ids(dfd);
	json_array_foreach(ids, i, id) {
		json_t *meta, *o;
		char *body;
		size_t len;
		struct cg_buf line = CG_BUF_INIT(RESULT_LINE_MAX);

		if (read_dead(s, dfd, json_string_value(id), &meta, NULL, &len, err) < 0) {
			ret = -1;
			break;
		}
		(void)body;
		o = json_pack("{s:s, s:O, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
			      "target", s->t->name, "id", id,
			      "batch", json_object_get(meta, "batch"),
			      "stream", json_object_get(meta, "stream"),
			      "records", json_object_get(meta, "records"),
			      "status", json_object_get(meta, "status"),
			      "error", json_object_get(meta, "error"),
			      "first_rid", json_object_get(meta, "first_rid"),
			      "last_rid", json_object_get(meta, "last_rid"));
		ret = cg_jsonl_dump(o, &line);
		if (ret == 0)
			ret = cg_out_line(s->out, line.buf, line.len, err);
		cg_buf_release(&line);
		json_decref(o);
		json_decref(meta);
		if (ret < 0)
			break;
	}
	json_decref(ids);
	close(dfd);
	return ret < 0 ? -1 : CG_EXIT_OK;
}

static int drop_one(struct cg_sync *s, int dfd, const char *id, struct cg_err *err)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.body", id);
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot remove '%s'"), name);
	snprintf(name, sizeof(name), "%s.json", id);
	if (unlinkat(dfd, name, 0) < 0)
		return errno == ENOENT ?
			cg_err_set(err, CG_EXIT_REJECTED, _("no dead letter '%s' for target '%s'"),
				   id, s->t->name) :
			cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot remove '%s'"), name);
	return cg_fsync_dir(dfd) < 0 ?
		cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync 'sync/%s/dead'"), s->t->name) : 0;
}

int cg_sync_dead_drop(struct cg_sync *s, char **ids, int n, struct cg_err *err)
{
	int dfd = dead_dir(s, 0, err);

	if (dfd == -2)
		return cg_err_set(err, CG_EXIT_REJECTED, _("no dead letter '%s' for target '%s'"),
				  ids[0], s->t->name);
	if (dfd < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (!cg_sync_name_ok(ids[i]) || drop_one(s, dfd, ids[i], err) < 0) {
			if (!cg_sync_name_ok(ids[i]))
				cg_err_set(err, CG_EXIT_USAGE, _("invalid dead letter id '%s'"), ids[i]);
			close(dfd);
			return -1;
		}
	close(dfd);
	return CG_EXIT_OK;
}

int cg_sync_dead_retry(struct cg_sync *s, char **ids, int n, struct cg_err *err)
{
	int dfd = dead_dir(s, 0, err);
	json_t *all = NULL;
	int ret = 0;

	if (dfd == -2)
		return n ? cg_err_set(err, CG_EXIT_USAGE, _("no dead letter '%s' for target '%s'"),
				      ids[0], s->t->name) : CG_EXIT_OK;
	if (dfd < 0)
		return -1;
	if (!n)
		all = dead_ids(dfd);
	for (int i = 0; ret == 0 && !s->stop && i < (all ? (int)json_array_size(all) : n); i++) {
		const char *id = all ? json_string_value(json_array_get(all, (size_t)i)) : ids[i];
		json_t *meta;
		char *body;
		size_t len;
		struct batch b;
		struct cg_http_resp r;
		struct cg_buf plain = CG_BUF_INIT(BATCH_MAX);
		enum outcome oc;
		const char *enc;

		if (read_dead(s, dfd, id, &meta, &body, &len, err) < 0) {
			ret = -1;
			break;
		}
		enc = json_string_value(json_object_get(meta, "encoding"));
		/* _bulk's answer is matched against the plain body. */
		if (s->t->format == CG_SYNC_ES_BULK) {
			if (enc && !strcmp(enc, "gzip"))
				ret = gunzip(body, len, &plain, err);
			else if (cg_buf_add(&plain, body, len) < 0)
				ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
						   _("cannot read dead letter '%s'"), id);
			if (ret < 0) {
				cg_buf_release(&plain);
				json_decref(meta);
				free(body);
				break;
			}
		}
		memset(&b, 0, sizeof(b));
		b.meta = meta;
		b.payload = body;
		b.len = len;
		b.body = plain.buf;
		b.body_len = plain.len;
		cg_buf_init(&b.dead_body, BATCH_MAX);
		cg_http_resp_init(&r);
		r.body.limit = BULK_RESP_MAX;
		oc = deliver(s, &b, json_string_value(json_object_get(meta, "stream")), &r, err);
		if (oc == FAILED && !b.attempts) {
			ret = -1;
		} else {
			if (oc == SENT)
				ret = drop_one(s, dfd, id, err);
			else
				s->status = CG_EXIT_UPSTREAM;
			if (oc == FAILED)
				s->stop = 1;
			if (oc != SENT)
				cg_notify(&s->notify, CG_MSG_ERROR,
					  _("dead letter '%s' not delivered: %s"), id, b.why);
			if (ret == 0)
				ret = print_result(s, meta, b.status, b.attempts, b.ms,
						   oc == SENT ? "sent" : oc == DEAD ? "dead" : "failed",
						   NULL, err);
		}
		cg_buf_release(&b.dead_body);
		json_decref(b.dead_items);
		cg_http_resp_release(&r);
		cg_buf_release(&plain);
		json_decref(meta);
		free(body);
	}
	json_decref(all);
	close(dfd);
	return ret < 0 ? -1 : s->status;
}
