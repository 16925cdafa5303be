/* The line sent for one record: without its chain, with its rid, maybe redacted. */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "sync/sync.h"

#define CHAIN_SUFFIX_LEN (sizeof(",\"chain\":\"") - 1 + CG_CHAIN_HEX + 2)

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
