#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "json/jsonl.h"
#include "rules/presented.h"

/* ---- the pass a line presents ---- */

/*
 * The pass a record presents: its "pass" (what a gate event carries), else
 * its "token", else its "pass_id" (what issue and list print).
 */
static const char *presented(const json_t *rec, char *why, size_t whylen)
{
	static const char *const fields[] = { "pass", "token", "pass_id" };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const json_t *v = json_object_get(rec, fields[i]);

		if (v && !json_is_string(v)) {
			snprintf(why, whylen, _("'%s' must be a string"), fields[i]);
			return NULL;
		}
		if (v)
			return json_string_value(v);
	}
	snprintf(why, whylen, _("missing field 'pass' (or 'token' or 'pass_id')"));
	return NULL;
}

int cg_presented_parse(struct cg_presented *p, const char *line, size_t len,
		       char *why, size_t whylen)
{
	const char *text;

	while (*line == ' ' || *line == '\t')
		line++, len--;
	/* A token may end in a space (base45 has one); an id typed by hand
	 * may carry stray ones. */
	while (!cg_token_is_token(line) && len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (*line != '{') {
		p->rec = NULL;
		p->text = strndup(line, len);
		if (!p->text)
			abort();
		return 0;
	}
	p->text = NULL;
	p->rec = cg_jsonl_parse(line, len, why, whylen);
	if (p->rec && !(text = presented(p->rec, why, whylen))) {
		json_decref(p->rec);
		p->rec = NULL;
	}
	if (!p->rec)
		return 1;
	p->text = strdup(text);
	if (!p->text)
		abort();
	return 0;
}

void cg_presented_release(struct cg_presented *p)
{
	json_decref(p->rec);
	free(p->text);
	p->rec = NULL;
	p->text = NULL;
}

/* ---- verify ---- */

static json_t *result(const struct cg_pass_ctx *c, const struct cg_presented *it,
		      const struct cg_pass_check *pc)
{
	json_t *out = it->rec ? json_copy(it->rec) : json_object();
	const json_t *ev = pc->ev;
	char buf[CG_TIME_LEN];

	if (!it->rec)
		json_object_set_new(out, "pass", json_string(it->text));
	/* An unverified token's contents are not repeated as facts. */
	if (pc->pass_id[0] && pc->reason != CG_PR_BAD_SIGNATURE)
		json_object_set_new(out, "pass_id", json_string(pc->pass_id));
	json_object_set_new(out, "valid", json_boolean(pc->reason == CG_PR_OK));
	json_object_set_new(out, "reason", json_string(cg_pass_reason_code(pc->reason)));
	if (pc->reason != CG_PR_MALFORMED && pc->reason != CG_PR_BAD_SIGNATURE) {
		if (pc->is_token) {
			json_object_set_new(out, "class", json_string(pc->tok.class_));
			if (pc->tok.ref[0])
				json_object_set_new(out, strcmp(pc->tok.class_, "vehicle") ?
						    "household" : "plate", json_string(pc->tok.ref));
			cg_time_format(pc->tok.valid_until, buf);
			json_object_set_new(out, "valid_until", json_string(buf));
		} else if (ev) {
			json_object_set(out, "class", json_object_get(ev, "class"));
			json_object_set(out, "valid_until", json_object_get(ev, "valid_until"));
		}
	}
	json_object_set_new(out, "revocation", json_string(
		c->offline && !c->extra_revoked ? "unchecked" :
		c->offline ? "list" : "checked"));
	return out;
}

void cg_pass_verify(const struct cg_pass_ctx *c, const struct cg_presented *items,
		    size_t n, cg_time_t now, json_t *good, json_t **results)
{
	const char **texts = calloc(n ? n : 1, sizeof(*texts));
	enum cg_token_status *st = calloc(n ? n : 1, sizeof(*st));
	struct cg_token *toks = calloc(n ? n : 1, sizeof(*toks));

	if (!texts || !st || !toks)
		abort();
	for (size_t i = 0; i < n; i++)
		texts[i] = cg_token_is_token(items[i].text) ? items[i].text : "";
	cg_pass_verify_many(c, texts, n, st, toks, good);
	for (size_t i = 0; i < n; i++) {
		struct cg_pass_check pc;

		if (*texts[i])
			cg_pass_check_token(c, st[i], &toks[i], now, &pc);
		else
			cg_pass_check(c, items[i].text, now, &pc);
		results[i] = result(c, &items[i], &pc);
	}
	free(texts);
	free(st);
	free(toks);
}

/* ---- revoke ---- */

/* The revoke event of a pass id, or (*existing set) the revocation it
 * already has; NULL with why when there is no such pass. */
static json_t *revoke_id(struct cg_pass_ctx *c, const char *id, const char *reason,
			 cg_time_t now, int *existing, char *why, size_t whylen)
{
	const json_t *ev = cg_passbook_get(c->passes, id);
	char buf[CG_TIME_LEN];
	json_t *out;

	*existing = 0;
	if (!ev) {
		snprintf(why, whylen, _("unknown pass '%s'"), id);
		return NULL;
	}
	if (json_object_get(ev, "revoked")) {
		/* Revoking twice is harmless: say it was done already. */
		*existing = 1;
		return json_pack("{s:s, s:O, s:b}", "pass_id",
				 json_string_value(json_object_get(ev, "pass_id")),
				 "revoked", json_object_get(ev, "revoked"), "existing", 1);
	}
	cg_time_format(now, buf);
	out = json_pack("{s:s, s:s, s:s, s:O, s:s}", "ts", buf, "compound", c->cfg->compound_code,
			"event", "revoke", "pass_id", json_object_get(ev, "pass_id"),
			"reason", reason);
	cg_passbook_apply(c->passes, out, NULL);
	return out;
}

json_t *cg_pass_revoke(struct cg_pass_ctx *c, const char *text, const char *reason,
		       cg_time_t now, int *existing, char *why, size_t whylen)
{
	struct cg_token tok;

	*existing = 0;
	if (cg_token_is_token(text)) {
		/* Only its pass id counts: the office names the pass to
		 * revoke, whatever the signature. */
		if (cg_token_decode(text, &tok) < 0) {
			snprintf(why, whylen, _("not a pass id or token"));
			return NULL;
		}
		text = tok.pass_id;
	}
	return revoke_id(c, text, reason, now, existing, why, whylen);
}
