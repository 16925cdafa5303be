#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/index.h"
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
	pb->ix = NULL;
	pb->cache = NULL;
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
	if (pb->ix) {
		cg_index_close(pb->ix);
		free(pb->ix);
	}
	json_decref(pb->cache);
	pb->ix = NULL;
	pb->cache = NULL;
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

static const char sql_get[] = "SELECT rec FROM pass WHERE id = ?";

/* The issue event of a normal id: what this process folded, else the
 * index's row (kept in the cache, so that it stays borrowed). */
/* The index's row of a normal id as a new reference, or NULL. */
static json_t *row_get(struct cg_index *ix, const char *id)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_get, NULL);
	json_t *ev = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		ev = json_loadb((const char *)sqlite3_column_text(st, 0),
				(size_t)sqlite3_column_bytes(st, 0), 0, NULL);
	sqlite3_reset(st);
	return ev;
}

static const json_t *lookup(const struct cg_passbook *pb, const char *id)
{
	json_t *ev = json_object_get(pb->passes, id);

	if (ev || !pb->ix || !pb->ix_rows)
		return ev;
	if ((ev = json_object_get(pb->cache, id)))
		return ev;
	if ((ev = row_get(pb->ix, id)))
		json_object_set_new(pb->cache, id, ev);
	return ev;
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

static int check_issue(const json_t *ev, const char *id, struct cg_err *err)
{
	cg_time_t t;

	if (cg_time_parse(json_string_value(json_object_get(ev, "valid_from")), 0, &t) < 0 ||
	    cg_time_parse(json_string_value(json_object_get(ev, "valid_until")), 0, &t) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("pass '%s' has no valid_from or valid_until"), id);
	return 0;
}

static int apply_issue(struct cg_passbook *pb, const json_t *ev, const char *id,
		       struct cg_err *err)
{
	if (check_issue(ev, id, err) < 0)
		return -1;
	json_object_set(pb->passes, id, (json_t *)ev);
	if (pb->index->holders)
		index_issue(pb->index, ev, id);
	return 0;
}

/*
 * The pass marked revoked by ev.  Issue events are shared with the journal
 * reader's records: copy before marking, so a revoke never edits what was
 * read.
 */
static json_t *revoked_copy(const json_t *pass, const json_t *ev)
{
	json_t *copy = json_copy((json_t *)pass);

	/* A revoke without a time still revokes: fail closed. */
	json_object_set_new(copy, "revoked", json_object_get(ev, "ts") ?
			    json_incref(json_object_get(ev, "ts")) : json_true());
	if (json_object_get(ev, "reason"))
		json_object_set(copy, "revoke_reason", json_object_get(ev, "reason"));
	return copy;
}

int cg_passbook_apply(struct cg_passbook *pb, const json_t *ev, struct cg_err *err)
{
	const char *event = json_string_value(json_object_get(ev, "event"));
	const char *raw = json_string_value(json_object_get(ev, "pass_id"));
	char id[CG_PASS_ID_LEN];
	json_t *pass;

	if (!event || !raw)
		return 0;
	cg_pass_id_normalise(raw, id);
	if (!strcmp(event, "issue"))
		return apply_issue(pb, ev, id, err);
	if (strcmp(event, "revoke") || !(pass = (json_t *)lookup(pb, id)))
		return 0;
	json_object_set_new(pb->passes, id, revoked_copy(pass, ev));
	return 0;
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

static int fold(void *ctx, const json_t *rec, struct cg_err *err)
{
	return cg_passbook_apply(ctx, rec, err);
}

/* ---- the index: what rows a pass event makes ---- */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS pass(id TEXT PRIMARY KEY, ord INTEGER NOT NULL,"
	" rec TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS pass_holder(key TEXT NOT NULL, ord INTEGER NOT NULL,"
	" id TEXT NOT NULL, PRIMARY KEY (key, ord, id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS pass_plate(plate TEXT NOT NULL, ord INTEGER NOT NULL,"
	" id TEXT NOT NULL, PRIMARY KEY (plate, ord, id)) WITHOUT ROWID;";
static const char sql_put[] =
	"INSERT INTO pass(id, ord, rec) VALUES (?, ?, ?)"
	" ON CONFLICT(id) DO UPDATE SET rec = excluded.rec";
static const char sql_set[] = "UPDATE pass SET rec = ? WHERE id = ?";
static const char sql_holder_put[] =
	"INSERT OR IGNORE INTO pass_holder(key, ord, id) VALUES (?, ?, ?)";
static const char sql_plate_put[] =
	"INSERT OR IGNORE INTO pass_plate(plate, ord, id) VALUES (?, ?, ?)";
static const char sql_holder_ids[] =
	"SELECT id FROM pass_holder WHERE key = ? ORDER BY ord";
static const char sql_plate_ids[] =
	"SELECT id FROM pass_plate WHERE plate = ? ORDER BY ord";
static const char sql_all[] = "SELECT id, rec FROM pass ORDER BY ord";
static const char sql_has[] = "SELECT 1 FROM pass WHERE id = ?";

static int put_key(struct cg_index *ix, const char *sql, const char *key,
		   sqlite3_int64 ord, const char *id, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql, err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ord);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return cg_index_run(ix, st, err);
}

static int put_rec(struct cg_index *ix, const char *sql, const char *id,
		   sqlite3_int64 ord, const json_t *ev, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql, err);
	char *text = json_dumps(ev, CG_JSON_DUMP_FLAGS);
	int ret;

	if (!st || !text) {
		free(text);
		return st ? cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) : -1;
	}
	if (sql == sql_put) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ord);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	}
	ret = cg_index_run(ix, st, err);
	free(text);
	return ret;
}

/* An issue: the pass, its holder's keys (as index_issue), its plate. */
static int rows_issue(struct cg_index *ix, const json_t *ev, const char *id,
		      struct cg_err *err)
{
	char keys[3][CG_PERSON_KEY_LEN], plate[CG_PLATE_LEN];
	const char *p = json_string_value(json_object_get(ev, "plate"));
	const char *hh = json_string_value(json_object_get(ev, "household"));
	sqlite3_int64 ord = (sqlite3_int64)json_integer_value(json_object_get(ev, "seq"));
	int n = cg_person_keys(ev, keys);

	if (check_issue(ev, id, err) < 0 || put_rec(ix, sql_put, id, ord, ev, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (put_key(ix, sql_holder_put, keys[i], ord, id, err) < 0)
			return -1;
	if (!n && hh) {
		snprintf(keys[0], sizeof(keys[0]), "household:%s", hh);
		if (put_key(ix, sql_holder_put, keys[0], ord, id, err) < 0)
			return -1;
	}
	if (p) {
		cg_plate_normalise(p, plate);
		if (put_key(ix, sql_plate_put, plate, ord, id, err) < 0)
			return -1;
	}
	return 0;
}

static int index_fold(void *ctx, const json_t *rec, struct cg_err *err)
{
	struct cg_passbook *pb = ctx;
	const char *event = json_string_value(json_object_get(rec, "event"));
	const char *raw = json_string_value(json_object_get(rec, "pass_id"));
	char id[CG_PASS_ID_LEN];
	json_t *pass, *copy;
	int ret;

	if (!event || !raw)
		return 0;
	cg_pass_id_normalise(raw, id);
	if (!strcmp(event, "issue"))
		return rows_issue(pb->ix, rec, id, err);
	if (strcmp(event, "revoke") || !(pass = row_get(pb->ix, id)))
		return 0;
	copy = revoked_copy(pass, rec);
	ret = put_rec(pb->ix, sql_set, id, 0, copy, err);
	json_decref(copy);
	json_decref(pass);
	return ret;
}

static const struct cg_index_def pass_index = {
	.stream = "pass",
	.version = 1,
	.schema = schema,
	.clear = "DELETE FROM pass; DELETE FROM pass_holder; DELETE FROM pass_plate;",
	.fold = index_fold,
};

int cg_passbook_load(struct cg_passbook *pb, const struct cg_home *h,
		     struct cg_err *err)
{
	struct cg_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	pb->cache = json_object();
	pb->ix = ix;
	if (cg_index_open(ix, h, &pass_index, pb, err) == 0) {
		*pb->pos = ix->pos;
		/* An empty book answers from memory, as fast as before. */
		pb->ix_rows = cg_index_any(ix, "SELECT 1 FROM pass LIMIT 1");
		return 0;
	}
	free(ix);
	pb->ix = NULL;
	/* A damaged journal is damaged either way; an index that cannot be
	 * opened (a read-only data directory) only costs time. */
	if (err->status == CG_EXIT_DAMAGED)
		return -1;
	cg_journal_pos_init(pb->pos);
	return cg_journal_fold_from(h, "pass", pb->pos, fold, pb, err);
}

int cg_passbook_sync(struct cg_passbook *pb, struct cg_err *err)
{
	return pb->ix ? cg_index_sync(pb->ix, err) : 0;
}

int cg_passbook_catch_up(struct cg_passbook *pb, struct cg_journal *j,
			 struct cg_err *err)
{
	return cg_journal_catch_up(j, pb->pos, fold, pb, err);
}

static int index_has(const struct cg_passbook *pb, const char *id)
{
	sqlite3_stmt *st = cg_index_stmt(pb->ix, sql_has, NULL);
	int has;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return has;
}

static int each_indexed(const struct cg_passbook *pb, cg_passbook_each_fn *fn,
			void *ctx, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(pb->ix, sql_all, err);
	int rc, ret = 0;

	if (!st)
		return -1;
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const json_t *mine = json_object_get(pb->passes, id);
		json_t *ev = mine ? NULL :
			json_loadb((const char *)sqlite3_column_text(st, 1),
				   (size_t)sqlite3_column_bytes(st, 1), 0, NULL);

		if (!mine && !ev) {
			ret = cg_err_set(err, CG_EXIT_SYSTEM, _("index '%s': bad row '%s'"),
					 pb->ix->label, id);
			break;
		}
		ret = fn(ctx, id, mine ? mine : ev);
		json_decref(ev);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = cg_index_fail(pb->ix, err);
	sqlite3_reset(st);
	return ret;
}

int cg_passbook_each(const struct cg_passbook *pb, cg_passbook_each_fn *fn,
		     void *ctx, struct cg_err *err)
{
	const char *id;
	json_t *ev;
	int ret;

	if (pb->ix && (ret = each_indexed(pb, fn, ctx, err)) != 0)
		return ret;
	json_object_foreach(pb->passes, id, ev)
		if ((!pb->ix || !index_has(pb, id)) && (ret = fn(ctx, id, ev)) != 0)
			return ret;
	return 0;
}

/*
 * The ids of the passes under key in the holder or plate index, in the
 * order issued: the index's, then those this process folded.  A new
 * array.
 */
static json_t *ids_for(const struct cg_passbook *pb, int plates, const char *key)
{
	const struct cg_passbook_index *mem = index_of(pb);
	json_t *ids = json_array(), *more;
	sqlite3_stmt *st;

	if (pb->ix && pb->ix_rows &&
	    (st = cg_index_stmt(pb->ix, plates ? sql_plate_ids : sql_holder_ids,
					  NULL))) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(ids, json_string((const char *)
							       sqlite3_column_text(st, 0)));
		sqlite3_reset(st);
	}
	more = json_object_get(plates ? mem->plates : mem->holders, key);
	if (more)
		json_array_extend(ids, more);
	return ids;
}

enum cg_pass_status cg_passbook_check(const struct cg_passbook *pb,
				      const char *pass_id, cg_time_t now,
				      const json_t **evp)
{
	char id[CG_PASS_ID_LEN];
	const json_t *ev;

	cg_pass_id_normalise(pass_id, id);
	ev = lookup(pb, id);
	if (evp)
		*evp = ev;
	return ev ? status_of(ev, now) : CG_PASS_UNKNOWN;
}

/* The first pass valid at now (of class_ unless NULL) under key. */
static const json_t *first_valid(const struct cg_passbook *pb, int plates,
				 const char *key, cg_time_t now, const char *class_)
{
	json_t *ids = ids_for(pb, plates, key), *id;
	const json_t *found = NULL;
	size_t i;

	json_array_foreach(ids, i, id) {
		const json_t *ev = lookup(pb, json_string_value(id));
		const char *c = json_string_value(json_object_get(ev, "class"));

		if (!ev || (class_ && (!c || strcmp(c, class_))))
			continue;
		if (status_of(ev, now) == CG_PASS_OK) {
			found = ev;
			break;
		}
	}
	json_decref(ids);
	return found;
}

const json_t *cg_passbook_for_holder(const struct cg_passbook *pb,
				     const char *key, cg_time_t now)
{
	return first_valid(pb, 0, key, now, NULL);
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
	const json_t *ev;

	for (int i = 0; i < n; i++) {
		ev = first_valid(pb, 0, keys[i], now, class_);
		if (ev && cg_person_same(ev, holder))
			return ev;
	}
	if (plate) {
		cg_plate_normalise(plate, norm);
		return first_valid(pb, 1, norm, now, class_);
	}
	if (!n && hh) {
		snprintf(keys[0], sizeof(keys[0]), "household:%s", hh);
		return first_valid(pb, 0, keys[0], now, class_);
	}
	return NULL;
}

const json_t *cg_passbook_get(const struct cg_passbook *pb, const char *pass_id)
{
	char id[CG_PASS_ID_LEN];

	cg_pass_id_normalise(pass_id, id);
	return lookup(pb, id);
}

/* Passes read from the index kept for lookups: two batches of cg-pass
 * verify, so that a compound's passes shown again and again are read
 * once, while 100k distinct ones no longer take 300 MB. */
#define CACHE_MAX 8192

void cg_passbook_forget(struct cg_passbook *pb)
{
	if (pb->cache && json_object_size(pb->cache) > CACHE_MAX)
		json_object_clear(pb->cache);
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
	return first_valid(pb, 1, norm, now, "vehicle");
}
