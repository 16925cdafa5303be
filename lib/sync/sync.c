#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "crypto/sha256.h"
#include "sync/sync-batch.h"

/* A token file: a bearer token or an Authorization value. */
#define TOKEN_FILE_MAX (64 * 1024)
/* keys/sync-redact.key: 32 bytes. */
#define REDACT_KEY_FILE_MAX 1024

const char *const cg_sync_stream_names[] = { "checkin", "pass", "quarantine", "duty" };

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
		else if (!strcmp(tok, "duty"))
			*mask |= CG_SYNC_DUTY;
		else if (!strcmp(tok, "checkpoint"))
			*mask |= CG_SYNC_CHECKPOINT;
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

void cg_sync_set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? strdup(value) : NULL;
	if (value && !*field)
		abort();
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
	/* Batches by bytes, not records: 4 MiB make a few dozen fsyncs of
	 * the outbox for a million records, and keep memory bounded.  Level
	 * 1 is what the pipe wants: level 6 costs three times the CPU for a
	 * body a sixth smaller (see make bench). */
	t->batch_records = SIZE_MAX;
	t->batch_bytes = 4 * 1024 * 1024;
	t->gzip_level = 1;
	t->follow_ms = 5000;
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
	if ((v = json_object_get(conf, "follow_interval_ms")))
		t->follow_ms = (long)json_integer_value(v);
	t->allow = json_object_get(conf, "allow_fields");
	t->redact = json_is_true(json_object_get(conf, "redact"));
	cg_sync_set_str(&t->redact_key_file,
			json_string_value(json_object_get(conf, "redact_key_file")));
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
	free(t->redact_key_file);
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
	cg_sync_pipe_release(s);
	if (s->http_ready)
		cg_http_release(&s->http);
	if (s->dirfd >= 0)
		close(s->dirfd);
	if (s->z_ready)
		deflateEnd(&s->z);
	json_decref(s->cursor);
	json_decref(s->before);
	json_decref(s->days_read);
	json_decref(s->ckpt_files);
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

/* The city's key: 32 bytes, or 64 hex digits (a line). */
static int redact_key_from(struct cg_sync *s, const char *path, struct cg_err *err)
{
	char *data = NULL;
	size_t len, bin = 0;
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open redact key file '%s'"), path);
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		close(fd);
		return cg_err_set(err, CG_EXIT_SYSTEM,
				  _("redact key file '%s' is readable by group or others (chmod 600 it)"),
				  path);
	}
	close(fd);
	if (cg_read_file(AT_FDCWD, path, REDACT_KEY_FILE_MAX, &data, &len, path, err) < 0)
		return -1;
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len == sizeof(s->redact_key))
		memcpy(s->redact_key, data, len);
	else if (len != 2 * sizeof(s->redact_key) ||
		 sodium_hex2bin(s->redact_key, sizeof(s->redact_key), data, len, NULL, &bin, NULL) < 0 ||
		 bin != sizeof(s->redact_key))
		ret = cg_err_set(err, CG_EXIT_SYSTEM,
				 _("'%s' is not a 32-byte key (or 64 hex digits)"), path);
	sodium_memzero(data, len);
	free(data);
	return ret;
}

int cg_sync_load_redact_key(struct cg_sync *s, struct cg_err *err)
{
	char *data = NULL;
	size_t len;
	int dirfd, st;

	if (s->t && s->t->redact_key_file) {
		if (redact_key_from(s, s->t->redact_key_file, err) < 0)
			return -1;
		s->redact = 1;
		return 0;
	}
	/* --dry-run creates neither keys/ nor the key. */
	dirfd = cg_home_dir(s->home, "keys", !s->dry_run, err);
	if (dirfd == -1)
		return -1;
	st = dirfd < 0 ? -2 :
		cg_read_file(dirfd, "sync-redact.key", REDACT_KEY_FILE_MAX, &data, &len,
			     "keys/sync-redact.key", err);
	if (st == -2) {
		randombytes_buf(s->redact_key, sizeof(s->redact_key));
		if (s->dry_run) {
			cg_notify(&s->notify, CG_MSG_WARNING, "%s",
				  _("--dry-run: no redact key yet; hashes made with a throwaway key"));
			st = 0;
		} else
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
	if (dirfd >= 0)
		close(dirfd);
	if (st < 0)
		return -1;
	s->redact = 1;
	return 0;
}
