#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "json/jsonl.h"
#include "rules/pass.h"
#include "rules/person.h"

static const char *const reason_codes[] = {
	[CG_PR_OK] = "ok",
	[CG_PR_BAD_SIGNATURE] = "bad_signature",
	[CG_PR_MALFORMED] = "malformed",
	[CG_PR_EXPIRED] = "expired",
	[CG_PR_NOT_YET_VALID] = "not_yet_valid",
	[CG_PR_REVOKED] = "revoked",
	[CG_PR_UNKNOWN] = "unknown",
	[CG_PR_HOLDER_QUARANTINED] = "holder_quarantined",
};

const char *cg_pass_reason_code(enum cg_pass_reason r)
{
	return (unsigned)r < sizeof(reason_codes) / sizeof(reason_codes[0]) ?
		reason_codes[r] : "unknown";
}

/* ---- checking ---- */

static int revoked(const struct cg_pass_ctx *c, const char *pass_id, const json_t *ev)
{
	char id[CG_PASS_ID_LEN];

	if (ev && json_object_get(ev, "revoked"))
		return 1;
	cg_pass_id_normalise(pass_id, id);
	return c->extra_revoked && json_object_get(c->extra_revoked, id);
}

/* What the journal adds to a pass whose signature or id is sound. */
static enum cg_pass_reason journal_checks(const struct cg_pass_ctx *c,
					  struct cg_pass_check *out)
{
	if (revoked(c, out->pass_id, out->ev))
		return CG_PR_REVOKED;
	if (c->offline)
		return CG_PR_OK;
	if (!out->ev)
		return CG_PR_UNKNOWN;
	if (c->cases && cg_casebook_active_for(c->cases, out->ev))
		return CG_PR_HOLDER_QUARANTINED;
	return CG_PR_OK;
}

void cg_pass_check_token(const struct cg_pass_ctx *c, enum cg_token_status st,
			 const struct cg_token *tok, cg_time_t now,
			 struct cg_pass_check *out)
{
	memset(out, 0, sizeof(*out));
	out->is_token = 1;
	if (st == CG_TOKEN_MALFORMED) {
		out->reason = CG_PR_MALFORMED;
		return;
	}
	out->tok = *tok;
	memcpy(out->pass_id, tok->pass_id, sizeof(out->pass_id));
	if (st != CG_TOKEN_OK) {
		out->reason = CG_PR_BAD_SIGNATURE;
		return;
	}
	out->ev = cg_passbook_get(c->passes, tok->pass_id);
	if (revoked(c, out->pass_id, out->ev))
		out->reason = CG_PR_REVOKED;
	else if (now < tok->valid_from)
		out->reason = CG_PR_NOT_YET_VALID;
	else if (now >= tok->valid_until)
		out->reason = CG_PR_EXPIRED;
	else
		out->reason = journal_checks(c, out);
}

int cg_pass_registered(const struct cg_pass_ctx *c, const char *text,
		       const struct cg_token *tok)
{
	const json_t *ev = cg_passbook_get(c->passes, tok->pass_id);
	const char *issued = json_string_value(json_object_get(ev, "token"));

	return issued && !strcmp(issued, text) && c->keys &&
	       cg_keyring_has(c->keys, tok->key_id);
}

static enum cg_token_status verify_token(const struct cg_pass_ctx *c, const char *text,
					 struct cg_token *tok)
{
	if (!c->keys)
		return CG_TOKEN_BAD_SIGNATURE;
	if (cg_token_decode(text, tok) < 0)
		return CG_TOKEN_MALFORMED;
	if (cg_pass_registered(c, text, tok))
		return CG_TOKEN_OK;
	return cg_token_verify(c->keys, text, tok);
}

void cg_pass_verify_many(const struct cg_pass_ctx *c, const char *const *texts, size_t n,
			 enum cg_token_status *status, struct cg_token *toks, json_t *good)
{
	unsigned char *vouched = calloc(n ? n : 1, 1);

	if (!vouched)
		abort();
	for (size_t i = 0; i < n; i++)
		vouched[i] = cg_token_decode(texts[i], &toks[i]) == 0 &&
			     cg_pass_registered(c, texts[i], &toks[i]);
	cg_token_verify_many(c->keys, texts, n, status, toks, vouched, good);
	free(vouched);
}

void cg_pass_check(const struct cg_pass_ctx *c, const char *text, cg_time_t now,
		   struct cg_pass_check *out)
{
	struct cg_token tok;
	uint64_t v;

	if (cg_token_is_token(text)) {
		enum cg_token_status st = verify_token(c, text, &tok);

		memset(&tok, 0, st == CG_TOKEN_MALFORMED ? sizeof(tok) : 0);
		cg_pass_check_token(c, st, &tok, now, out);
		return;
	}
	memset(out, 0, sizeof(*out));
	if (cg_passid_parse(text, &v) < 0) {
		out->reason = CG_PR_MALFORMED;
		return;
	}
	cg_passid_format(v, out->pass_id);
	out->ev = cg_passbook_get(c->passes, out->pass_id);
	if (!out->ev) {
		out->reason = revoked(c, out->pass_id, NULL) ? CG_PR_REVOKED : CG_PR_UNKNOWN;
		return;
	}
	switch (cg_passbook_status(out->ev, now)) {
	case CG_PASS_REVOKED:
		out->reason = CG_PR_REVOKED;
		break;
	case CG_PASS_EXPIRED:
		out->reason = CG_PR_EXPIRED;
		break;
	case CG_PASS_NOT_YET_VALID:
		out->reason = CG_PR_NOT_YET_VALID;
		break;
	default:
		out->reason = journal_checks(c, out);
	}
}

/* ---- issuing ---- */

/* Fields the issue event sets; a record's own values of these are replaced. */
static const char *const issued_fields[] = {
	"ts", "compound", "event", "pass_id", "class", "colour", "valid_from",
	"valid_until", "key_id", "token", "force_reason", "existing", "seq",
	"chain", "revoked", NULL
};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static int fail(char *why, size_t whylen, const char *fmt, const char *arg)
{
	snprintf(why, whylen, fmt, arg);
	return -1;
}

/* The class asked for: --class, else the record's, else by what it holds;
 * NULL with why when the record's is not a string. */
static const char *pick_class(const json_t *in, const struct cg_issue_opts *o,
			      char *why, size_t whylen)
{
	const char *cls;
	int person = json_object_get(in, "id_no") || json_object_get(in, "phone") ||
		     json_object_get(in, "name");

	if (cg_field_string(in, "class", 0, &cls, why, whylen) < 0)
		return NULL;
	if (o->class_)
		return o->class_;
	if (cls)
		return cls;
	return json_object_get(in, "plate") && !person ? "vehicle" : "resident";
}

/* A case of this person that ended in release (the way to a returnee pass). */
static int released(const struct cg_casebook *cb, const json_t *person)
{
	return cb && cg_casebook_released_for(cb, person);
}

/* Checks on the holder: who they are, and whether they may have a pass. */
static int check_holder(struct cg_pass_ctx *c, json_t *rec, const char *cls,
			const struct cg_issue_opts *o, cg_time_t now,
			char *why, size_t whylen)
{
	const json_t *plate = json_object_get(rec, "plate");
	const json_t *cs;
	char key[CG_PERSON_KEY_LEN];

	if (cg_person_normalise(rec, now, c->cfg->household, why, whylen) < 0)
		return -1;
	if (plate && (!json_is_string(plate) || !json_string_length(plate)))
		return fail(why, whylen, _("'%s' must be a non-empty string"), "plate");
	if (!strcmp(cls, "vehicle")) {
		if (!plate)
			return fail(why, whylen, _("missing field '%s'"), "plate");
		return 0;
	}
	if (cg_person_key(rec, key) < 0 && !json_object_get(rec, "household"))
		return fail(why, whylen,
			    _("no holder: give %s"), "id_no, phone, name and household, or household");
	if (c->cases && (cs = cg_casebook_active_for(c->cases, rec)))
		return fail(why, whylen, _("under home observation (case %s): no pass until released"),
			    json_string_value(json_object_get(cs, "case_id")));
	if (!strcmp(cls, "returnee") && !released(c->cases, rec) && !o->force_reason)
		return fail(why, whylen, _("class '%s' needs a released observation case (or --force --reason)"),
			    cls);
	return 0;
}

/*
 * A time, or a bare date meaning through the end of that day, as a person
 * writing "valid until 30 June" means it.
 */
static int until_time(const char *s, cg_time_t *out)
{
	int y, m, d;

	if (strlen(s) == 10 && cg_date_parse(s, &y, &m, &d) == 0) {
		cg_civil_from_days(cg_days_from_civil(y, m, d) + 1, &y, &m, &d);
		*out = cg_date_start(y, m, d);
		return 0;
	}
	return cg_time_parse(s, 0, out);
}

int cg_pass_until(const char *s, cg_time_t *out)
{
	return until_time(s, out);
}

static int validity(const struct cg_pass_ctx *c, const json_t *rec, const char *cls,
		    const struct cg_issue_opts *o, cg_time_t now, cg_time_t *from,
		    cg_time_t *until, char *why, size_t whylen)
{
	const char *vf = json_string_value(json_object_get(rec, "valid_from"));
	const char *vu = json_string_value(json_object_get(rec, "valid_until"));
	const char *lease = json_string_value(json_object_get(rec, "lease_until"));
	int days = o->days ? o->days :
		(int)json_integer_value(json_object_get(json_object_get(c->cfg->pass_classes, cls), "days"));
	char date[CG_DATE_LEN];
	int y, m, d;

	*from = now;
	if (vf && cg_time_parse(vf, 1, from) < 0)
		return fail(why, whylen, _("'%s' is not an RFC 3339 time or a date"), "valid_from");
	if (o->has_valid_until)
		*until = o->valid_until;
	else if (!o->days && vu) {
		if (until_time(vu, until) < 0)
			return fail(why, whylen, _("'%s' is not an RFC 3339 time or a date"), "valid_until");
	} else if (!o->days && lease && !strcmp(cls, "tenant")) {
		if (until_time(lease, until) < 0)
			return fail(why, whylen, _("'%s' is not an RFC 3339 time or a date"), "lease_until");
	} else {
		/* Through the end of the last day: a one-day pass lasts
		 * until midnight, whenever it was issued. */
		cg_time_date(*from, date);
		cg_date_parse(date, &y, &m, &d);
		cg_civil_from_days(cg_days_from_civil(y, m, d) + days, &y, &m, &d);
		*until = cg_date_start(y, m, d);
	}
	if (*until <= *from)
		return fail(why, whylen, _("'%s' is not after valid_from"), "valid_until");
	return 0;
}

static const char *new_pass_id(const struct cg_passbook *pb, char id[CG_PASSID_TEXT],
			       uint64_t *value)
{
	/* Crockford's check symbols past V (* ~ $ = U) are hard to say on
	 * the phone: draw again rather than print one. */
	do {
		*value = cg_passid_random();
		cg_passid_format(*value, id);
	} while (*value % 37 >= 32 || cg_passbook_get(pb, id));
	return id;
}

/* A signed token's text: "CG1:" and the base45 of at most three 64-byte
 * fields, the fixed part and a signature, some 420 bytes; room to spare. */
#define TOKEN_TEXT_MAX 4096

static json_t *build_event(struct cg_pass_ctx *c, const json_t *rec, const char *cls,
			   cg_time_t now, cg_time_t from, cg_time_t until,
			   const struct cg_issue_opts *o, char *why, size_t whylen)
{
	const json_t *def = json_object_get(c->cfg->pass_classes, cls);
	const char *plate = json_string_value(json_object_get(rec, "plate"));
	const char *hh = json_string_value(json_object_get(rec, "household"));
	struct cg_buf token = CG_BUF_INIT(TOKEN_TEXT_MAX);
	struct cg_err err = CG_ERR_INIT;
	struct cg_token t;
	char id[CG_PASSID_TEXT];
	json_t *ev = json_object(), *val;
	const char *key;

	memset(&t, 0, sizeof(t));
	new_pass_id(c->passes, id, &t.pass_value);
	t.valid_from = from;
	t.valid_until = until;
	snprintf(t.class_, sizeof(t.class_), "%s", cls);
	snprintf(t.ref, sizeof(t.ref), "%s", plate ? plate : hh ? hh : "");
	snprintf(t.compound, sizeof(t.compound), "%s", c->cfg->compound_code);
	if (cg_token_sign(c->keys, &t, &token, &err) < 0) {
		snprintf(why, whylen, "%s", err.msg);
		json_decref(ev);
		return NULL;
	}
	cg_json_set_time(ev, "ts", now);
	json_object_set_new(ev, "compound", json_string(c->cfg->compound_code));
	json_object_set_new(ev, "event", json_string("issue"));
	json_object_set_new(ev, "pass_id", json_string(id));
	json_object_set_new(ev, "class", json_string(cls));
	json_object_set(ev, "colour", json_object_get(def, "colour"));
	json_object_foreach((json_t *)rec, key, val)
		if (!in_list(key, issued_fields))
			json_object_set(ev, key, val);
	cg_json_set_time(ev, "valid_from", from);
	cg_json_set_time(ev, "valid_until", until);
	json_object_set_new(ev, "key_id", json_string(t.key_id));
	json_object_set_new(ev, "token", json_stringn(token.buf, token.len));
	if (o->force_reason && !strcmp(cls, "returnee") && !released(c->cases, rec))
		json_object_set_new(ev, "force_reason", json_string(o->force_reason));
	cg_buf_release(&token);
	return ev;
}

json_t *cg_pass_issue(struct cg_pass_ctx *c, const json_t *in,
		      const struct cg_issue_opts *o, cg_time_t now, int *existing,
		      char *why, size_t whylen)
{
	const char *cls = pick_class(in, o, why, whylen);
	json_t *rec = json_copy((json_t *)in);	/* normalising edits a copy */
	const json_t *have;
	json_t *ev = NULL;
	cg_time_t from, until;

	*existing = 0;
	if (!cls)
		goto out;
	if (!json_object_get(c->cfg->pass_classes, cls)) {
		cg_config_unknown(c->cfg->pass_classes, _("pass class"), cls, why, whylen);
		goto out;
	}
	if (check_holder(c, rec, cls, o, now, why, whylen) < 0 ||
	    validity(c, rec, cls, o, now, &from, &until, why, whylen) < 0)
		goto out;
	/* Asking again while a pass is active gives that pass back, so that
	 * a cron job or a script can run twice without doubling passes. */
	if ((have = cg_passbook_find(c->passes, rec, cls, now))) {
		/* Found on a weaker identifier than the pass was issued to
		 * (the phone of a pass issued with an ID number): that does
		 * not hand out the pass and its token. */
		if (cg_person_match(have, rec) == CG_MATCH_WEAK) {
			fail(why, whylen, _("a '%s' pass is on file for this person under a stronger "
					    "identifier: give the ID number (or phone) it was issued to"),
			     cls);
			goto out;
		}
		ev = json_copy((json_t *)have);
		json_object_set_new(ev, "existing", json_true());
		*existing = 1;
		goto out;
	}
	ev = build_event(c, rec, cls, now, from, until, o, why, whylen);
	if (ev)
		cg_passbook_apply(c->passes, ev, NULL);
out:
	json_decref(rec);
	return ev;
}
