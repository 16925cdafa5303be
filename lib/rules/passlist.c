#include <string.h>

#include "rules/passlist.h"

int cg_pass_filter_match(const struct cg_pass_filter *f, const json_t *ev, cg_time_t now)
{
	enum cg_pass_status st = cg_passbook_status(ev, now);
	const char *cls = json_string_value(json_object_get(ev, "class"));
	const char *hh = json_string_value(json_object_get(ev, "household"));

	if ((f->active && st != CG_PASS_OK) || (f->expired && st != CG_PASS_EXPIRED) ||
	    (f->revoked && st != CG_PASS_REVOKED))
		return 0;
	if (f->class_ && (!cls || strcmp(cls, f->class_)))
		return 0;
	return !f->household || (hh && !strcmp(hh, f->household));
}

json_t *cg_pass_list_record(const json_t *ev, cg_time_t now)
{
	json_t *j = json_copy((json_t *)ev);

	json_object_del(j, "seq");
	json_object_del(j, "chain");
	json_object_set_new(j, "status", json_string(
		cg_pass_status_code(cg_passbook_status(ev, now))));
	return j;
}

json_t *cg_pass_revocation_record(const json_t *ev)
{
	json_t *j;

	if (!json_object_get(ev, "revoked"))
		return NULL;
	j = json_pack("{s:O, s:O}", "pass_id", json_object_get(ev, "pass_id"),
		      "revoked", json_object_get(ev, "revoked"));
	if (json_object_get(ev, "revoke_reason"))
		json_object_set(j, "reason", json_object_get(ev, "revoke_reason"));
	return j;
}
