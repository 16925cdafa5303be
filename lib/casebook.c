#include <string.h>

#include "casebook.h"
#include "journal.h"
#include "person.h"

void cg_casebook_init(struct cg_casebook *cb)
{
	cb->cases = json_object();
	cb->active = json_object();
}

void cg_casebook_release(struct cg_casebook *cb)
{
	json_decref(cb->cases);
	json_decref(cb->active);
	cb->cases = cb->active = NULL;
}

/*
 * cb->active maps each identity key to the ids of that person's open or
 * escalated cases, oldest first: one normally, but a fold must stay right
 * whatever the journal holds.
 */
static void activate(struct cg_casebook *cb, const char *key, const char *id)
{
	json_t *ids = json_object_get(cb->active, key);

	if (!ids) {
		ids = json_array();
		json_object_set_new(cb->active, key, ids);
	}
	json_array_append_new(ids, json_string(id));
}

static void deactivate(struct cg_casebook *cb, const char *key, const char *id)
{
	json_t *ids = json_object_get(cb->active, key);
	size_t i;
	json_t *v;

	json_array_foreach(ids, i, v)
		if (!strcmp(json_string_value(v), id)) {
			json_array_remove(ids, i);
			break;
		}
	if (ids && !json_array_size(ids))
		json_object_del(cb->active, key);
}

static void set_status(struct cg_casebook *cb, json_t *c, const char *status)
{
	const char *id = json_string_value(json_object_get(c, "case_id"));
	const char *was = json_string_value(json_object_get(c, "status"));
	char keys[3][CG_PERSON_KEY_LEN];

	if (!strcmp(was, "released") || !strcmp(was, "closed"))
		return;		/* ended cases stay ended */
	json_object_set_new(c, "status", json_string(status));
	if (strcmp(status, "released") && strcmp(status, "closed"))
		return;
	for (int i = cg_person_keys(c, keys) - 1; i >= 0; i--)
		deactivate(cb, keys[i], id);
}

int cg_casebook_apply(struct cg_casebook *cb, const json_t *ev, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "case_id"));
	char keys[3][CG_PERSON_KEY_LEN];
	json_t *c;

	(void)err;
	if (!event || !id)
		return 0;
	if (!strcmp(event, "open")) {
		if (json_object_get(cb->cases, id))
			return 0;	/* a case id is opened once */
		c = json_deep_copy(ev);
		json_object_del(c, "seq");
		json_object_del(c, "chain");
		json_object_set_new(c, "status", json_string("open"));
		for (int i = cg_person_keys(ev, keys) - 1; i >= 0; i--)
			activate(cb, keys[i], id);
		json_object_set_new(cb->cases, id, c);
		return 0;
	}
	if (!(c = json_object_get(cb->cases, id)))
		return 0;
	if (!strcmp(event, "escalate"))
		set_status(cb, c, "escalated");
	else if (!strcmp(event, "release"))
		set_status(cb, c, "released");
	else if (!strcmp(event, "close"))
		set_status(cb, c, "closed");
	else if (!strcmp(event, "extend") && json_object_get(ev, "end"))
		json_object_set(c, "end", json_object_get(ev, "end"));
	return 0;
}

static int fold(void *ctx, const json_t *rec, struct cg_err *err)
{
	return cg_casebook_apply(ctx, rec, err);
}

int cg_casebook_load(struct cg_casebook *cb, const struct cg_home *h,
		     struct cg_err *err)
{
	return cg_journal_fold(h, "quarantine", fold, cb, err);
}

const json_t *cg_casebook_active(const struct cg_casebook *cb, const char *key)
{
	const json_t *ids = json_object_get(cb->active, key);
	const char *id = json_string_value(json_array_get(ids, json_array_size(ids) - 1));

	return id ? json_object_get(cb->cases, id) : NULL;
}

const json_t *cg_casebook_active_for(const struct cg_casebook *cb, const json_t *person)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(person, keys);

	for (int i = 0; i < n; i++) {
		const json_t *c = cg_casebook_active(cb, keys[i]);

		if (c && cg_person_same(c, person))
			return c;
	}
	return NULL;
}
