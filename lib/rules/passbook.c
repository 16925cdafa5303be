#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "rules/passbook.h"
#include "rules/person.h"

const char *cg_pass_status_code(enum cg_pass_status s)
{
	static const char *const codes[] = {
		"ok", "unknown", "expired", "not_yet_valid", "revoked"
	};

	return (unsigned)s < sizeof(codes) / sizeof(codes[0]) ? codes[s] : "unknown";
}

void cg_passbook_init(struct cg_passbook *pb)
{
	pb->passes = json_object();
	pb->index = calloc(1, sizeof(*pb->index));
	pb->pos = malloc(sizeof(*pb->pos));
	if (!pb->passes || !pb->index || !pb->pos)
		abort();
	cg_journal_pos_init(pb->pos);
}

void cg_passbook_release(struct cg_passbook *pb)
{
	json_decref(pb->passes);
	if (pb->index) {
		json_decref(pb->index->holders);
		json_decref(pb->index->plates);
	}
	free(pb->index);
	free(pb->pos);
	pb->passes = NULL;
	pb->index = NULL;
	pb->pos = NULL;
}

void cg_plate_normalise(const char *in, char out[CG_PLATE_LEN])
{
	size_t n = 0;

	while (*in && n < CG_PLATE_LEN - 1) {
		if (*in == ' ' || *in == '-' || *in == '.') {
			in++;
		} else if (!strncmp(in, "\xC2\xB7", 2)) {	/* middle dot */
			in += 2;
		} else if (!strncmp(in, "\xE2\x80\xA2", 3)) {	/* bullet */
			in += 3;
		} else {
			out[n++] = (char)toupper((unsigned char)*in);
			in++;
		}
	}
	out[n] = '\0';
}

static void index_add(json_t *index, const char *key, const char *id)
{
	json_t *arr = json_object_get(index, key);

	if (!arr) {
		arr = json_array();
		json_object_set_new(index, key, arr);
	}
	json_array_append_new(arr, json_string(id));
}

static void index_issue(struct cg_passbook_index *ix, const json_t *ev, const char *id)
{
	char keys[3][CG_PERSON_KEY_LEN], plate[CG_PLATE_LEN];
	const char *p = json_string_value(json_object_get(ev, "plate"));
	const char *hh = json_string_value(json_object_get(ev, "household"));
	int n = cg_person_keys(ev, keys);

	for (int i = n - 1; i >= 0; i--)
		index_add(ix->holders, keys[i], id);
	/* A household's own pass, held by nobody in particular. */
	if (!n && hh) {
		char key[CG_PERSON_KEY_LEN];

		snprintf(key, sizeof(key), "household:%s", hh);
		index_add(ix->holders, key, id);
	}
	if (p) {
		cg_plate_normalise(p, plate);
		index_add(ix->plates, plate, id);
	}
}

/* The index, built now if this is its first use.  Passes keep the order
 * they were issued in, so the index lists ids as a fold would have. */
static const struct cg_passbook_index *index_of(const struct cg_passbook *pb)
{
	struct cg_passbook_index *ix = pb->index;
	const char *id;
	json_t *ev;

	if (ix->holders)
		return ix;
	ix->holders = json_object();
	ix->plates = json_object();
	json_object_foreach(pb->passes, id, ev)
		index_issue(ix, ev, id);
	return ix;
}

static int apply_issue(struct cg_passbook *pb, const json_t *ev, const char *id,
		       struct cg_err *err)
{
	cg_time_t t;

	if (cg_time_parse(json_string_value(json_object_get(ev, "valid_from")), 0, &t) < 0 ||
	    cg_time_parse(json_string_value(json_object_get(ev, "valid_until")), 0, &t) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("pass '%s' has no valid_from or valid_until"), id);
	json_object_set(pb->passes, id, (json_t *)ev);
	if (pb->index->holders)
		index_issue(pb->index, ev, id);
	return 0;
}

int cg_passbook_apply(struct cg_passbook *pb, const json_t *ev, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(ev, "event"));
	const char *raw = json_string_value(json_object_get(ev, "pass_id"));
	char id[CG_PASS_ID_LEN];
	json_t *pass, *copy;

	if (!event || !raw)
		return 0;
	cg_pass_id_normalise(raw, id);
	if (!strcmp(event, "issue"))
		return apply_issue(pb, ev, id, err);
	if (strcmp(event, "revoke") || !(pass = json_object_get(pb->passes, id)))
		return 0;
	/* Issue events are shared with the journal reader's records: copy
	 * before marking, so a revoke never edits what was read. */
	copy = json_copy(pass);
	/* A revoke without a time still revokes: fail closed. */
	json_object_set_new(copy, "revoked", json_object_get(ev, "ts") ?
			    json_incref(json_object_get(ev, "ts")) : json_true());
	if (json_object_get(ev, "reason"))
		json_object_set(copy, "revoke_reason", json_object_get(ev, "reason"));
	json_object_set_new(pb->passes, id, copy);
	return 0;
}

static int fold(void *ctx, const json_t *rec, struct cg_err *err)
{
	return cg_passbook_apply(ctx, rec, err);
}

int cg_passbook_load(struct cg_passbook *pb, const struct cg_home *h,
		     struct cg_err *err)
{
	return cg_journal_fold_from(h, "pass", pb->pos, fold, pb, err);
}

int cg_passbook_catch_up(struct cg_passbook *pb, struct cg_journal *j,
			 struct cg_err *err)
{
	return cg_journal_catch_up(j, pb->pos, fold, pb, err);
}

static enum cg_pass_status status_of(const json_t *ev, cg_time_t now)
{
	cg_time_t from, until;

	if (json_object_get(ev, "revoked"))
		return CG_PASS_REVOKED;
	cg_time_parse(json_string_value(json_object_get(ev, "valid_from")), 0, &from);
	cg_time_parse(json_string_value(json_object_get(ev, "valid_until")), 0, &until);
	if (now < from)
		return CG_PASS_NOT_YET_VALID;
	if (now >= until)
		return CG_PASS_EXPIRED;
	return CG_PASS_OK;
}

enum cg_pass_status cg_passbook_check(const struct cg_passbook *pb,
				      const char *pass_id, cg_time_t now,
				      const json_t **evp)
{
	char id[CG_PASS_ID_LEN];
	const json_t *ev;

	cg_pass_id_normalise(pass_id, id);
	ev = json_object_get(pb->passes, id);
	if (evp)
		*evp = ev;
	return ev ? status_of(ev, now) : CG_PASS_UNKNOWN;
}

static const json_t *first_valid(const struct cg_passbook *pb, const json_t *ids,
				 cg_time_t now, const char *class_)
{
	size_t i;
	json_t *id;

	json_array_foreach(ids, i, id) {
		const json_t *ev = json_object_get(pb->passes, json_string_value(id));
		const char *c = json_string_value(json_object_get(ev, "class"));

		if (class_ && (!c || strcmp(c, class_)))
			continue;
		if (status_of(ev, now) == CG_PASS_OK)
			return ev;
	}
	return NULL;
}

const json_t *cg_passbook_for_holder(const struct cg_passbook *pb,
				     const char *key, cg_time_t now)
{
	return first_valid(pb, json_object_get(index_of(pb)->holders, key), now, NULL);
}

const json_t *cg_passbook_for_person(const struct cg_passbook *pb,
				     const json_t *person, cg_time_t now)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(person, keys);

	for (int i = 0; i < n; i++) {
		const json_t *ev = cg_passbook_for_holder(pb, keys[i], now);

		if (ev && cg_person_same(ev, person))
			return ev;
	}
	return NULL;
}

const json_t *cg_passbook_find(const struct cg_passbook *pb, const json_t *holder,
			       const char *class_, cg_time_t now)
{
	char keys[3][CG_PERSON_KEY_LEN], norm[CG_PLATE_LEN];
	const char *plate = json_string_value(json_object_get(holder, "plate"));
	const char *hh = json_string_value(json_object_get(holder, "household"));
	int n = cg_person_keys(holder, keys);
	const struct cg_passbook_index *ix = index_of(pb);
	const json_t *ev;

	for (int i = 0; i < n; i++) {
		ev = first_valid(pb, json_object_get(ix->holders, keys[i]), now, class_);
		if (ev && cg_person_same(ev, holder))
			return ev;
	}
	if (plate) {
		cg_plate_normalise(plate, norm);
		return first_valid(pb, json_object_get(ix->plates, norm), now, class_);
	}
	if (!n && hh) {
		snprintf(keys[0], sizeof(keys[0]), "household:%s", hh);
		return first_valid(pb, json_object_get(ix->holders, keys[0]), now, class_);
	}
	return NULL;
}

const json_t *cg_passbook_get(const struct cg_passbook *pb, const char *pass_id)
{
	char id[CG_PASS_ID_LEN];

	cg_pass_id_normalise(pass_id, id);
	return json_object_get(pb->passes, id);
}

enum cg_pass_status cg_passbook_status(const json_t *ev, cg_time_t now)
{
	return status_of(ev, now);
}

const json_t *cg_passbook_for_plate(const struct cg_passbook *pb,
				    const char *plate, cg_time_t now)
{
	char norm[CG_PLATE_LEN];

	cg_plate_normalise(plate, norm);
	return first_valid(pb, json_object_get(index_of(pb)->plates, norm), now, "vehicle");
}
