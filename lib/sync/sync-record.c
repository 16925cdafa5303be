/*
 * The line sent for one record: the fields its stream's allowlist names
 * for the target's format, its rid, the compound's day, zone, street and
 * district; personal fields only as the target allows, or hashed.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/scan.h"
#include "store/rid.h"
#include "sync/sync.h"

/* Which formats a field goes to. */
#define DOC 1u		/* ndjson, es-bulk */
#define CH 2u		/* clickhouse: the columns of share/clickhouse */
#define ALL (DOC | CH)

struct field {
	const char *name;
	const char *as;		/* the name sent, when not name */
	unsigned formats;
};

/*
 * The allowlists (cg-sync(1), UPSTREAM DATA): what each journal sends,
 * in this order.  Personal fields (cg_sync_personal) are not here: they
 * follow the target's allow_fields and --redact.  Anything else a record
 * carries (changed: the old values of an amendment, an integrator's own
 * fields) stays home unless allow_fields names it.
 */
static const struct field checkin_fields[] = {
	{ "ts", NULL, ALL }, { "compound", NULL, ALL }, { "gate", NULL, ALL },
	{ "dir", NULL, ALL }, { "kind", NULL, ALL }, { "household", NULL, ALL },
	{ "temp", NULL, ALL }, { "mask", NULL, ALL }, { "symptoms", NULL, DOC },
	{ "from", NULL, DOC }, { "host", NULL, ALL }, { "visit_until", NULL, DOC },
	{ "event_id", NULL, DOC }, { "decision", NULL, ALL }, { "reasons", NULL, ALL },
	{ "seq", NULL, ALL }, { "voids", NULL, ALL }, { "amends", NULL, ALL },
	{ "correction_of", NULL, ALL }, { "correction_reason", NULL, ALL },
	{ "corrected_by", NULL, ALL }, { "corrected_at", NULL, ALL },
	{ "registered_at", NULL, ALL },
	{ NULL, NULL, 0 }
};

static const struct field pass_fields[] = {
	{ "ts", NULL, ALL }, { "compound", NULL, ALL }, { "event", NULL, ALL },
	{ "pass_id", NULL, ALL }, { "class", NULL, ALL }, { "colour", NULL, DOC },
	{ "household", NULL, ALL }, { "valid_from", NULL, ALL },
	{ "valid_until", NULL, ALL }, { "reason", NULL, ALL }, { "seq", NULL, ALL },
	{ NULL, NULL, 0 }
};

/* A check's "day" is the day of the case (1, 2, ...): it goes as
 * case_day, "day" being the compound's local day on every row. */
static const struct field quarantine_fields[] = {
	{ "ts", NULL, ALL }, { "compound", NULL, ALL }, { "event", NULL, ALL },
	{ "case_id", NULL, ALL }, { "household", NULL, ALL }, { "reason", NULL, ALL },
	{ "from", NULL, DOC }, { "start", NULL, ALL }, { "days", NULL, ALL },
	{ "end", NULL, ALL }, { "status", NULL, ALL }, { "temp", NULL, ALL },
	{ "symptoms", NULL, DOC }, { "day", "case_day", ALL }, { "window", NULL, ALL },
	{ "result", NULL, ALL }, { "need_id", NULL, ALL }, { "need", NULL, ALL },
	{ "to", NULL, DOC }, { "seq", NULL, ALL },
	{ "voids", NULL, ALL }, { "amends", NULL, ALL }, { "correction_of", NULL, ALL },
	{ "correction_reason", NULL, ALL }, { "corrected_by", NULL, ALL },
	{ "corrected_at", NULL, ALL }, { "registered_at", NULL, DOC },
	{ NULL, NULL, 0 }
};

/* cg-duty's events (rules/duty.h).  The guard, who did a task ("by")
 * and to whom supplies went ("to") are persons: they are personal fields
 * of this stream (duty_personal).  A care entry goes by its id alone:
 * its name, household, phones and contact stay home. */
static const struct field duty_fields[] = {
	{ "ts", NULL, ALL }, { "compound", NULL, ALL }, { "event", NULL, ALL },
	{ "gate", NULL, ALL }, { "task", NULL, ALL }, { "place", NULL, ALL },
	{ "slot", NULL, ALL }, { "temp", NULL, ALL }, { "agent", NULL, DOC },
	{ "item", NULL, ALL }, { "op", NULL, ALL }, { "qty", NULL, ALL },
	{ "unit", NULL, ALL }, { "care_id", NULL, ALL }, { "reason", NULL, ALL },
	{ "severity", NULL, ALL }, { "seq", NULL, ALL },
	{ NULL, NULL, 0 }
};

static const struct field *const stream_fields[CG_SYNC_NSTREAMS] = {
	checkin_fields, pass_fields, quarantine_fields, duty_fields
};

/* Personal fields: raw only when allowed, hashed with --redact. */
static const char *const personal[] = { "name", "id_no", "phone", "plate", "pass", NULL };
static const char *const duty_personal[] = {
	"name", "id_no", "phone", "plate", "pass", "guard", "by", "to", NULL
};

/* A stream's personal fields (-1, standard input: the common ones). */
static const char *const *personal_of(int stream)
{
	return stream == CG_SYNC_STREAM_DUTY ? duty_personal : personal;
}

/* Credentials: never sent. */
static const char *const never[] = { "token", "chain", NULL };

static int in_list(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (!strcmp(*list, key))
			return 1;
	return 0;
}

int cg_sync_personal(const char *key)
{
	return in_list(personal, key);
}

static int allowed(const json_t *allow, const char *key)
{
	size_t i;
	json_t *v;

	json_array_foreach(allow, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), key))
			return 1;
	return 0;
}

/* A signed pass token (cg-pass: "CG1:..."): a gate credential. */
static int is_token(const json_t *v)
{
	return json_is_string(v) && !strncmp(json_string_value(v), "CG1:", 4);
}

static json_t *keyed_hash(const json_t *v, const unsigned char *k)
{
	unsigned char h[16];
	char hex[40] = "h:";
	const char *text;
	char num[64];

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
	return json_string(hex);
}

/* A personal field: hashed with a key, else raw when allowed, else not at all. */
static void put_personal(json_t *out, const char *key, json_t *v,
			 const struct cg_sync_shape *sh)
{
	if (json_is_null(v) || is_token(v))
		return;
	if (sh->redact_key)
		json_object_set_new(out, key, keyed_hash(v, sh->redact_key));
	else if (allowed(sh->allow, key))
		json_object_set(out, key, v);
}

/* The local day a row belongs to: its ts's, but a void's is the day of
 * the check-in it voids (void_day, the day of its ts; else the day of the
 * journal its rid names), so that the rows of one event are on one day. */
static void row_day(const json_t *rec, const char *void_day, char day[CG_DATE_LEN])
{
	const char *ts = json_string_value(json_object_get(rec, "ts"));
	const char *of = json_string_value(json_object_get(rec, "correction_of"));
	struct cg_rid rid;
	const char *why;
	cg_time_t t;

	day[0] = '\0';
	if (json_object_get(rec, "voids") && *void_day) {
		memcpy(day, void_day, CG_DATE_LEN);
		return;
	}
	if (json_object_get(rec, "voids") && of && cg_rid_parse(of, &rid, &why) == 0 &&
	    rid.day[0]) {
		memcpy(day, rid.day, CG_DATE_LEN);
		return;
	}
	if (ts && cg_time_parse(ts, 0, &t) == 0)
		cg_day_format(cg_local_day(t, NULL), day);
}

static void put_str(json_t *out, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(out, key, json_string(v));
}

/* A journal record: its stream's allowlist, then allow_fields' others. */
static json_t *shape_journal(json_t *rec, const struct cg_sync_shape *sh)
{
	const struct field *f = stream_fields[sh->stream];
	unsigned fmt = sh->format == CG_SYNC_CLICKHOUSE ? CH : DOC;
	const char *const *pers = personal_of(sh->stream);
	json_t *out = json_object(), *v;
	const char *key;

	/* ClickHouse takes no null in a column that is not Nullable (a check
	 * outside the windows has "window": null): absent, it is the default. */
	for (; f->name; f++)
		if ((f->formats & fmt) && (v = json_object_get(rec, f->name)) &&
		    !(fmt == CH && json_is_null(v)))
			json_object_set(out, f->as ? f->as : f->name, v);
	for (const char *const *p = pers; *p; p++)
		if ((v = json_object_get(rec, *p)))
			put_personal(out, *p, v, sh);
	json_object_foreach(rec, key, v)
		if (!in_list(pers, key) && !in_list(never, key) &&
		    !json_object_get(out, key) && allowed(sh->allow, key))
			json_object_set(out, key, v);
	return out;
}

/* Standard input: every field but the credentials, personal ones as allowed. */
static json_t *shape_stdin(json_t *rec, const struct cg_sync_shape *sh)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach(rec, key, v) {
		if (cg_sync_personal(key))
			put_personal(out, key, v, sh);
		else if (!in_list(never, key) && strcmp(key, "rid"))
			json_object_set(out, key, v);
	}
	return out;
}

/* ---- the fast path: journal lines the scanner takes, no allow_fields ---- */

int cg_sync_shape_keys(struct cg_scan_keys *keys, const char *names[CG_SCAN_MAX_KEYS],
		       int stream)
{
	size_t n = 0;

	for (const struct field *f = stream_fields[stream]; f->name; f++)
		names[n++] = f->name;
	for (const char *const *p = personal_of(stream); *p; p++)
		names[n++] = *p;
	cg_scan_keys_init(keys, names, n);
	return 0;
}

static void add_val(struct cg_buf *out, const char *key, const struct cg_scan_val *v)
{
	cg_buf_addstr(out, out->buf[out->len - 1] == '{' ? "\"" : ",\"");
	cg_buf_addstr(out, key);
	cg_buf_addstr(out, "\":");
	switch (v->type) {
	case CG_SCAN_STRING:
		cg_buf_add(out, "\"", 1);
		cg_buf_add(out, v->p, v->len);
		cg_buf_add(out, "\"", 1);
		break;
	case CG_SCAN_TRUE: cg_buf_addstr(out, "true"); break;
	case CG_SCAN_FALSE: cg_buf_addstr(out, "false"); break;
	case CG_SCAN_NULL: cg_buf_addstr(out, "null"); break;
	default: cg_buf_add(out, v->p, v->len); break;
	}
}

static void add_str(struct cg_buf *out, const char *key, const char *text)
{
	struct cg_scan_val v = { CG_SCAN_STRING, text, text ? strlen(text) : 0 };

	/* No text (no time zone known, no street) is no field. */
	if (text && *text)
		add_val(out, key, &v);
}

/* A scanned string as a C string in buf; 0, or -1 when it does not fit. */
static int scanned_str(const struct cg_scan_val *v, char *buf, size_t size)
{
	if (v->type != CG_SCAN_STRING || v->len >= size)
		return -1;
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	return 0;
}

static void fast_day(const struct cg_scan_val *ts, const struct cg_scan_val *of, int is_void,
		     const char *void_day, char day[CG_DATE_LEN])
{
	char text[CG_RID_LEN];
	struct cg_rid rid;
	const char *why;
	cg_time_t t;

	day[0] = '\0';
	if (is_void && *void_day) {
		memcpy(day, void_day, CG_DATE_LEN);
		return;
	}
	if (is_void && scanned_str(of, text, sizeof(text)) == 0 &&
	    cg_rid_parse(text, &rid, &why) == 0 && rid.day[0]) {
		memcpy(day, rid.day, CG_DATE_LEN);
		return;
	}
	if (scanned_str(ts, text, sizeof(text)) == 0 && cg_time_parse(text, 0, &t) == 0)
		cg_day_format(cg_local_day(t, NULL), day);
}

/* A personal field: hashed with the key; without one it stays home
 * (allow_fields takes the general path).  A token is never sent. */
static int fast_personal(struct cg_buf *out, const char *key, const struct cg_scan_val *v,
			 const unsigned char *k)
{
	unsigned char h[16];
	char hex[40] = "h:";

	if (v->type == CG_SCAN_ABSENT || v->type == CG_SCAN_NULL || !k)
		return 0;
	if (v->type != CG_SCAN_STRING)
		return -1;
	if (v->len >= 4 && !memcmp(v->p, "CG1:", 4))
		return 0;
	crypto_generichash(h, sizeof(h), (const unsigned char *)v->p, v->len, k, 32);
	sodium_bin2hex(hex + 2, sizeof(hex) - 2, h, sizeof(h));
	add_str(out, key, hex);
	return 0;
}

/* 1 done, 0 not for the fast path (out unchanged). */
static int record_fast(struct cg_buf *out, const char *line, size_t len, const char *rid,
		       const char *compound, const struct cg_sync_shape *sh)
{
	struct cg_scan_val vals[CG_SCAN_MAX_KEYS];
	const struct field *f = stream_fields[sh->stream];
	const char *const *pers = personal_of(sh->stream);
	unsigned fmt = sh->format == CG_SYNC_CLICKHOUSE ? CH : DOC;
	size_t start = out->len, i, nf;
	const struct cg_scan_val *ts = NULL, *of = NULL;
	int has_compound = 0, is_void = 0;
	char day[CG_DATE_LEN];

	static const struct cg_scan_val none = { CG_SCAN_ABSENT, NULL, 0 };

	if (!sh->keys || json_array_size(sh->allow) ||
	    cg_buf_grow(out, len + strlen(rid) + strlen(compound) + 512) < 0 ||
	    !cg_scan_line(sh->keys, line, len, vals))
		return 0;
	cg_buf_add(out, "{", 1);
	for (i = 0; f[i].name; i++) {
		const struct cg_scan_val *v = &vals[i];

		if (v->type == CG_SCAN_ABSENT)
			continue;
		if (!strcmp(f[i].name, "ts"))
			ts = v;
		else if (!strcmp(f[i].name, "correction_of"))
			of = v;
		else if (!strcmp(f[i].name, "voids"))
			is_void = 1;
		else if (!strcmp(f[i].name, "compound"))
			has_compound = 1;
		if (v->type == CG_SCAN_NULL && fmt == CH)
			continue;	/* a String column takes no null: the default */
		if (f[i].formats & fmt)
			add_val(out, f[i].as ? f[i].as : f[i].name, v);
	}
	nf = i;
	for (i = 0; pers[i]; i++)
		if (fast_personal(out, pers[i], &vals[nf + i], sh->redact_key) < 0) {
			out->len = start;
			out->buf[start] = '\0';
			return 0;
		}
	add_str(out, "rid", rid);
	if (!has_compound)
		add_str(out, "compound", compound);
	fast_day(ts ? ts : &none, of ? of : &none, is_void, sh->void_day, day);
	add_str(out, "day", day);
	add_str(out, "tz", sh->tz);
	add_str(out, "street", sh->street);
	add_str(out, "district", sh->district);
	cg_buf_add(out, "}\n", 2);
	return 1;
}

int cg_sync_record(struct cg_buf *out, const char *line, size_t len,
		   const char *rid, const char *compound,
		   const struct cg_sync_shape *sh, struct cg_err *err)
{
	char why[256], day[CG_DATE_LEN];
	json_t *rec, *sent;
	int ret;

	if (sh->stream >= 0 && record_fast(out, line, len, rid, compound, sh))
		return 0;

	rec = cg_jsonl_parse(line, len, why, sizeof(why));
	if (!rec)
		return cg_err_set(err, CG_EXIT_REJECTED, "%s", why);
	if (!json_is_object(rec)) {
		json_decref(rec);
		return cg_err_set(err, CG_EXIT_REJECTED, "%s", _("not a JSON object"));
	}
	sent = sh->stream >= 0 ? shape_journal(rec, sh) : shape_stdin(rec, sh);
	json_object_set_new(sent, "rid", json_string(rid));
	if (!json_object_get(sent, "compound"))
		json_object_set_new(sent, "compound", json_string(compound));
	if (sh->stream >= 0) {
		row_day(rec, sh->void_day, day);
		put_str(sent, "day", day);
		put_str(sent, "tz", sh->tz);
		put_str(sent, "street", sh->street);
		put_str(sent, "district", sh->district);
	}
	ret = cg_jsonl_dump(sent, out);
	json_decref(sent);
	json_decref(rec);
	if (ret < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	return 0;
}
