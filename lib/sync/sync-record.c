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
	{ "result", NULL, ALL }, { "to", NULL, DOC }, { "seq", NULL, ALL },
	{ "voids", NULL, ALL }, { "amends", NULL, ALL }, { "correction_of", NULL, ALL },
	{ "correction_reason", NULL, ALL }, { "corrected_by", NULL, ALL },
	{ "corrected_at", NULL, ALL },
	{ NULL, NULL, 0 }
};

static const struct field *const stream_fields[] = {
	checkin_fields, pass_fields, quarantine_fields
};

/* Personal fields: raw only when allowed, hashed with --redact. */
static const char *const personal[] = { "name", "id_no", "phone", "plate", "pass", NULL };
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
 * the check-in it voids (its rid names that journal's day), so that the
 * rows of one event are on one day. */
static void row_day(const json_t *rec, char day[CG_DATE_LEN])
{
	const char *ts = json_string_value(json_object_get(rec, "ts"));
	const char *of = json_string_value(json_object_get(rec, "correction_of"));
	struct cg_rid rid;
	const char *why;
	cg_time_t t;

	day[0] = '\0';
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
	json_t *out = json_object(), *v;
	const char *key;

	for (; f->name; f++)
		if ((f->formats & fmt) && (v = json_object_get(rec, f->name)))
			json_object_set(out, f->as ? f->as : f->name, v);
	json_object_foreach(rec, key, v) {
		if (cg_sync_personal(key))
			put_personal(out, key, v, sh);
		else if (!in_list(never, key) && !json_object_get(out, key) &&
			 allowed(sh->allow, key))
			json_object_set(out, key, v);
	}
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

int cg_sync_record(struct cg_buf *out, const char *line, size_t len,
		   const char *rid, const char *compound,
		   const struct cg_sync_shape *sh, struct cg_err *err)
{
	char why[256], day[CG_DATE_LEN];
	json_t *rec, *sent;
	int ret;

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
		row_day(rec, day);
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
