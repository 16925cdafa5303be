/*
 * The case book of the gate, answered from the case index
 * (index/quarantine.db; see store/index.h and cg_casebook_open_index).
 *
 * One row per case: its record as the fold keeps it (the open event
 * without seq and chain, plus "status" and what escalate, release, close
 * and extend note), its status, and a column per identity key so that
 * every lookup by person is an indexed one: the three keys of
 * cg_person_keys and the normalised name alone (for identity checks on
 * weaker keys).  The row also keeps what cg-quarantine due and release
 * need of the case, so that they read the open cases instead of folding
 * the whole journal (cg_casebook_load_active): the fields of its record
 * they read (column brief, see put_rec), its checks (column checks,
 * CHECK_BYTES each, in journal order, voided and amended ones taken out)
 * and its service requests (column needs, the fold's array as JSON).
 * Alerts make no rows.  Column lines points back at the case's journal
 * lines (where each starts, in decimal, separated by spaces, from its
 * open on) so that show reads the case's history alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "rules/casebook.h"
#include "rules/caseindex.h"
#include "rules/person.h"
#include "store/index.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS qcase(case_id TEXT PRIMARY KEY, ord INTEGER NOT NULL,"
	" status TEXT NOT NULL, k_id TEXT, k_phone TEXT, k_name TEXT, name_norm TEXT,"
	" rec TEXT NOT NULL, brief TEXT, checks BLOB, needs TEXT, lines TEXT);"
	"CREATE INDEX IF NOT EXISTS qcase_id ON qcase(k_id, ord);"
	"CREATE INDEX IF NOT EXISTS qcase_phone ON qcase(k_phone, ord);"
	"CREATE INDEX IF NOT EXISTS qcase_name ON qcase(k_name, ord);"
	"CREATE INDEX IF NOT EXISTS qcase_name_norm ON qcase(name_norm, ord);";
static const char sql_put[] =
	"INSERT OR IGNORE INTO qcase(case_id, ord, status, k_id, k_phone, k_name,"
	" name_norm, rec, brief, lines) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)";
static const char sql_any[] = "SELECT 1 FROM qcase LIMIT 1";
static const char sql_get[] = "SELECT status, rec FROM qcase WHERE case_id = ?";
static const char sql_set[] =
	"UPDATE qcase SET status = ?, rec = ?, brief = ?, lines = lines || ?5 WHERE case_id = ?4";
static const char sql_checks_get[] = "SELECT checks FROM qcase WHERE case_id = ?";
static const char sql_checks_set[] =
	"UPDATE qcase SET checks = ?, lines = lines || ?3 WHERE case_id = ?2";
static const char sql_needs_get[] = "SELECT needs FROM qcase WHERE case_id = ?";
static const char sql_needs_set[] =
	"UPDATE qcase SET needs = ?, lines = lines || ?3 WHERE case_id = ?2";
static const char sql_line[] = "UPDATE qcase SET lines = lines || ? WHERE case_id = ?";
/* In the order the cases were opened.  That is rowid order: rows are only
 * ever inserted, by rows_open in journal order, and the table is emptied
 * whole before a rebuild (a new rowid is the largest plus one), so the
 * scan needs no sort.  Sorting by ord instead made SQLite copy every open
 * case's row into a temporary B-tree, spilled to a file in /var/tmp at
 * 10,000 cases. */
static const char sql_load[] =
	"SELECT status, brief, checks, needs FROM qcase"
	" WHERE status IN ('open', 'escalated') ORDER BY rowid";
/* Every case with its whole record, in the order opened (list, stats). */
static const char sql_all[] = "SELECT status, rec, checks, needs FROM qcase ORDER BY rowid";
/* One case, for a book of cg_casebook_open_lookup; columns 4 and 5 are
 * those of sql_load_since, none here. */
static const char sql_case[] =
	"SELECT status, rec, checks, needs, NULL, NULL, ord FROM qcase WHERE case_id = ?";
static const char sql_lines[] = "SELECT lines FROM qcase WHERE case_id = ?";
/* The serials of a date's case ids as serial_of (casebook.c) reads
 * them: "QYYMMDD-" and one to six digits, above 0. */
static const char sql_serial[] =
	"SELECT max(CAST(substr(case_id, 9) AS INTEGER)) FROM qcase"
	" WHERE case_id > ?1 || '-' AND case_id < ?1 || '.' AND length(case_id) BETWEEN 9 AND 14"
	" AND substr(case_id, 9) NOT GLOB '*[^0-9]*'";
/* By the key's kind, the cases of a person newest first: all of them,
 * or the open and escalated ones. */
static const char *const sql_newest[2][3] = { {
	"SELECT case_id FROM qcase WHERE k_id = ? ORDER BY ord DESC",
	"SELECT case_id FROM qcase WHERE k_phone = ? ORDER BY ord DESC",
	"SELECT case_id FROM qcase WHERE k_name = ? ORDER BY ord DESC",
}, {
	"SELECT case_id FROM qcase WHERE k_id = ? AND status IN ('open', 'escalated')"
	" ORDER BY ord DESC",
	"SELECT case_id FROM qcase WHERE k_phone = ? AND status IN ('open', 'escalated')"
	" ORDER BY ord DESC",
	"SELECT case_id FROM qcase WHERE k_name = ? AND status IN ('open', 'escalated')"
	" ORDER BY ord DESC",
} };
/* And the cases that ended on or after a date (bound: the day before the
 * one asked, so that any offset of the times' own is within it), with the
 * time they ended. */
static const char sql_load_since[] =
	"SELECT status, brief, checks, needs, json_extract(rec, '$.released_at'),"
	" json_extract(rec, '$.closed_at') FROM qcase"
	" WHERE status IN ('open', 'escalated') OR (status IN ('released', 'closed')"
	" AND substr(coalesce(json_extract(rec, '$.released_at'),"
	" json_extract(rec, '$.closed_at'), '9'), 1, 10) >= ?) ORDER BY rowid";

/* By the key's kind (id, phone, name@household): the newest case of that
 * person in a status, as the fold's lists of active cases end with it. */
static const char *const sql_active[3] = {
	"SELECT rec FROM qcase WHERE k_id = ? AND status IN ('open', 'escalated')"
	" ORDER BY ord DESC LIMIT 1",
	"SELECT rec FROM qcase WHERE k_phone = ? AND status IN ('open', 'escalated')"
	" ORDER BY ord DESC LIMIT 1",
	"SELECT rec FROM qcase WHERE k_name = ? AND status IN ('open', 'escalated')"
	" ORDER BY ord DESC LIMIT 1",
};
static const char *const sql_released[3] = {
	"SELECT rec FROM qcase WHERE k_id = ? AND status = 'released' ORDER BY ord",
	"SELECT rec FROM qcase WHERE k_phone = ? AND status = 'released' ORDER BY ord",
	"SELECT rec FROM qcase WHERE k_name = ? AND status = 'released' ORDER BY ord",
};

/* The column of a key from cg_person_keys: 0 id, 1 phone, 2 name. */
static int kind_of(const char *key)
{
	if (!strncmp(key, "id:", 3))
		return 0;
	return strncmp(key, "phone:", 6) ? 2 : 1;
}

static int status_code(const char *name)
{
	for (int s = CG_CASE_OPEN; s <= CG_CASE_CLOSED; s++)
		if (name && !strcmp(name, cg_case_status_name(s)))
			return s;
	return CG_CASE_OPEN;
}

/* Where the line being folded starts, as column lines keeps it: after a
 * space unless first. */
static void line_at(const struct cg_index *ix, int first, char out[32])
{
	snprintf(out, 32, first ? "%lld" : " %lld",
		 ix->folding ? (long long)ix->folding->end : -1LL);
}

/* An event of case id that changes nothing but its history. */
static int rows_line(struct cg_index *ix, const char *id, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_line, err);
	char at[32];

	if (!st)
		return -1;
	line_at(ix, 0, at);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return cg_index_run(ix, st, err);
}

static int put_text(struct cg_index *ix, sqlite3_stmt *st, int col, const json_t *v,
		    struct cg_err *err)
{
	char *text = json_dumps(v, CG_JSON_DUMP_FLAGS);

	if (!text)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	(void)ix;
	sqlite3_bind_text(st, col, text, -1, free);
	return 0;
}

/*
 * Bind the record rec and its brief, the fields of it that due and
 * release read (cg_casebook_load_active), at col and col + 1: a record
 * read for each open case costs what it holds.
 */
static int put_rec(struct cg_index *ix, sqlite3_stmt *st, int col, const json_t *rec,
		   struct cg_err *err)
{
	static const char *const keep[] = {
		"ts", "case_id", "name", "id_no", "phone", "household", "start", "end",
		"officer", "status"
	};
	json_t *brief = json_object();
	int ret;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(rec, keep[i]);

		if (v)
			json_object_set(brief, keep[i], v);
	}
	ret = put_text(ix, st, col, rec, err);
	if (ret == 0)
		ret = put_text(ix, st, col + 1, brief, err);
	json_decref(brief);
	return ret;
}

static int rows_open(struct cg_index *ix, const json_t *ev, const char *id,
		     struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_put, err);
	char keys[3][CG_PERSON_KEY_LEN], norm[CG_PERSON_NAME_LEN], at[32];
	const char *name = json_string_value(json_object_get(ev, "name"));
	int n = cg_person_keys(ev, keys), ret;
	json_t *rec;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	line_at(ix, 1, at);
	sqlite3_bind_text(st, 9, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)json_integer_value(json_object_get(ev, "seq")));
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, 3 + kind_of(keys[i]), keys[i], -1, SQLITE_STATIC);
	/* The gate's identity check compares names in this form; a name of
	 * spaces alone names nobody. */
	if (name && *cg_person_name_normalise(name, norm))
		sqlite3_bind_text(st, 6, norm, -1, SQLITE_STATIC);
	rec = json_copy((json_t *)ev);
	json_object_del(rec, "seq");
	json_object_del(rec, "chain");
	json_object_set_new(rec, "status", json_string("open"));
	ret = put_rec(ix, st, 7, rec, err);
	json_decref(rec);
	return ret < 0 ? -1 : cg_index_run(ix, st, err);
}

/* escalate, release, close, extend: the row as cg_case_event leaves it. */
static int rows_event(struct cg_index *ix, const json_t *ev, const char *event,
		      const char *id, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_get, err);
	json_t *rec = NULL;
	int from = CG_CASE_OPEN, to;
	char at[32];

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		from = status_code((const char *)sqlite3_column_text(st, 0));
		rec = json_loadb((const char *)sqlite3_column_text(st, 1),
				 (size_t)sqlite3_column_bytes(st, 1), 0, NULL);
	}
	sqlite3_reset(st);
	if (!rec)
		return 0;	/* an event of a case never opened */
	to = (int)cg_case_event(rec, (enum cg_case_status)from, event, ev);
	json_object_set_new(rec, "status", json_string(cg_case_status_name(to)));
	if (!(st = cg_index_stmt(ix, sql_set, err)) || put_rec(ix, st, 2, rec, err) < 0) {
		json_decref(rec);
		return -1;
	}
	json_decref(rec);
	sqlite3_bind_text(st, 1, cg_case_status_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	line_at(ix, 0, at);
	sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
	return cg_index_run(ix, st, err);
}

/* ---- checks and needs ---- */

/* A check in the column checks: ts (seconds), seq, result alert (1) or
 * ok (0); little-endian, so that the file means the same anywhere. */
#define CHECK_BYTES 17

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * What a check, amend or void does to the case's checks, as add_check
 * and cg_case_drop_check do in memory: the check journaled at drop (0:
 * none) is taken out, then a check at (when add) is added.
 */
static int rows_checks(struct cg_index *ix, const char *id, uint64_t drop, int add,
		       cg_time_t at, int alert, uint64_t seq, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_checks_get, err);
	unsigned char *buf;
	char at_text[32];
	size_t len, i;
	int ret;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;	/* a check of a case never opened */
	}
	len = (size_t)sqlite3_column_bytes(st, 0);
	if (!(buf = malloc(len + CHECK_BYTES))) {
		sqlite3_reset(st);
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	}
	if (len)
		memcpy(buf, sqlite3_column_blob(st, 0), len);
	sqlite3_reset(st);
	for (i = 0; drop && i + CHECK_BYTES <= len; i += CHECK_BYTES)
		if (get_u64(buf + i + 8) == drop) {
			memmove(buf + i, buf + i + CHECK_BYTES, len - i - CHECK_BYTES);
			len -= CHECK_BYTES;
			break;
		}
	if (add) {
		put_u64(buf + len, (uint64_t)at);
		put_u64(buf + len + 8, seq);
		buf[len + 16] = (unsigned char)(alert != 0);
		len += CHECK_BYTES;
	}
	if (!(st = cg_index_stmt(ix, sql_checks_set, err))) {
		free(buf);
		return -1;
	}
	sqlite3_bind_blob(st, 1, buf, (int)len, free);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	line_at(ix, 0, at_text);
	sqlite3_bind_text(st, 3, at_text, -1, SQLITE_TRANSIENT);
	ret = cg_index_run(ix, st, err);
	return ret;
}

static int rows_check(struct cg_index *ix, const json_t *ev, const char *event,
		      const char *id, struct cg_err *err)
{
	const char *result = json_string_value(json_object_get(ev, "result"));
	const json_t *seq = json_object_get(ev, "seq");
	uint64_t drop = cg_casebook_corrected_seq(ev);
	cg_time_t at = 0;
	int add = !strcmp(event, "check") &&
		  cg_time_parse(json_string_value(json_object_get(ev, "ts")), 0, &at) == 0;

	if (!drop && !add)
		return rows_line(ix, id, err);
	return rows_checks(ix, id, drop, add, at, result && !strcmp(result, "alert"),
			   json_is_integer(seq) ? (uint64_t)json_integer_value(seq) : 0, err);
}

/* need, need_done: the case's needs as the fold keeps them. */
static int rows_need(struct cg_index *ix, const json_t *ev, const char *event,
		     const char *id, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_needs_get, err);
	json_t *needs = NULL;
	int changed, ret;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	if (sqlite3_column_type(st, 0) == SQLITE_TEXT)
		needs = json_loadb((const char *)sqlite3_column_text(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0), 0, NULL);
	sqlite3_reset(st);
	if (!needs && !(needs = json_array()))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	changed = !strcmp(event, "need") ? cg_case_needs_add(needs, ev) :
		  cg_case_needs_done(needs, ev);
	ret = 0;
	if (changed) {
		char at[32];

		line_at(ix, 0, at);
		if (!(st = cg_index_stmt(ix, sql_needs_set, err)) ||
		    put_text(ix, st, 1, needs, err) < 0) {
			json_decref(needs);
			return -1;
		}
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
		ret = cg_index_run(ix, st, err);
	} else {
		ret = rows_line(ix, id, err);
	}
	json_decref(needs);
	return ret;
}

static int index_fold(void *ctx, const json_t *ev, struct cg_err *err)
{
	struct cg_casebook *cb = ctx;
	const char *event = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "case_id"));

	if (!event || !id)
		return 0;
	if (!strcmp(event, "alert"))
		return rows_line(cb->ix, id, err);
	if (!strcmp(event, "open"))
		return rows_open(cb->ix, ev, id, err);
	if (!strcmp(event, "check") || !strcmp(event, "void"))
		return rows_check(cb->ix, ev, event, id, err);
	if (!strcmp(event, "need") || !strcmp(event, "need_done"))
		return rows_need(cb->ix, ev, event, id, err);
	return rows_event(cb->ix, ev, event, id, err);
}

static const struct cg_index_def case_index = {
	.stream = "quarantine",
	.version = 4,
	.schema = schema,
	.clear = "DELETE FROM qcase;",
	.fold = index_fold,
};

int cg_casebook_open_index(struct cg_casebook *cb, const struct cg_home *h,
			   struct cg_err *err)
{
	struct cg_index *ix;
	struct stat sb;

	/* No case journal, no case: nothing to look up and no index to open
	 * (a third of a one-token cg-pass verify).  A journal that appears
	 * later is read by cg_casebook_refresh, as without an index. */
	if (fstatat(h->fd, "journal/quarantine.jsonl", &sb, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT)
		return 0;
	if (!(ix = calloc(1, sizeof(*ix))))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	cb->ix = ix;
	if (cg_index_open(ix, h, &case_index, cb, err) == 0) {
		cb->seq = ix->pos.seq;
		cb->cache = json_object();
		cb->ix_rows = cg_index_any(ix, sql_any);
		return 0;
	}
	free(ix);
	cb->ix = NULL;
	/* A damaged journal is damaged either way; an index that cannot be
	 * opened only costs time. */
	if (err->status == CG_EXIT_DAMAGED)
		return -1;
	return cg_casebook_load(cb, h, err);
}

/* One row of sql_load (or of a query with the same first columns) into
 * cb: the case, its needs and its checks; the case in *cp when there is
 * one, else NULL. */
static int load_row(struct cg_casebook *cb, sqlite3_stmt *st, struct cg_case **cp,
		    struct cg_err *err)
{
	const unsigned char *checks = sqlite3_column_blob(st, 2);
	size_t len = (size_t)sqlite3_column_bytes(st, 2);
	json_t *rec, *needs = NULL;
	struct cg_case *c;
	char why[128];

	*cp = NULL;
	/* The fast parser, on the brief: a record per open case. */
	rec = cg_jsonl_parse((const char *)sqlite3_column_text(st, 1),
			     (size_t)sqlite3_column_bytes(st, 1), why, sizeof(why));
	if (sqlite3_column_type(st, 3) == SQLITE_TEXT)
		needs = json_loadb((const char *)sqlite3_column_text(st, 3),
				   (size_t)sqlite3_column_bytes(st, 3), 0, NULL);
	if (!rec) {
		json_decref(needs);
		return 0;	/* a row the fold would not have made: skip it */
	}
	/* sql_load_since: when the case ended, as the fold notes it. */
	for (int col = 4; col < sqlite3_column_count(st) && col < 6; col++)
		if (sqlite3_column_type(st, col) == SQLITE_TEXT)
			json_object_set_new(rec, col == 4 ? "released_at" : "closed_at",
					    json_string((const char *)sqlite3_column_text(st, col)));
	c = cg_casebook_add(cb, rec, (enum cg_case_status)status_code(
				(const char *)sqlite3_column_text(st, 0)), needs);
	if (!c)
		return 0;
	for (size_t i = 0; i + CHECK_BYTES <= len; i += CHECK_BYTES)
		if (cg_case_add_check(cb, c, (cg_time_t)get_u64(checks + i + 0),
				      checks[i + 16], get_u64(checks + i + 8)) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	*cp = c;
	return 0;
}

/*
 * Read the active cases of the index (and with since, those ended on or
 * after it) into cb, each handed to fn (ctx) as it is read and then
 * forgotten, or, without fn, kept.  When the index cannot be opened, the
 * journal is folded (and fn called for each case).
 */
static int read_rows(struct cg_casebook *cb, const struct cg_home *h, const char *sql,
		     const char *since, cg_case_fn *fn, void *ctx, struct cg_err *err)
{
	struct cg_index *ix = calloc(1, sizeof(*ix));
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, ret = 0;

	if (!ix)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	cb->ix = ix;
	if (cg_index_open(ix, h, &case_index, cb, err) < 0) {
		free(ix);
		cb->ix = NULL;
		if (err->status == CG_EXIT_DAMAGED || cg_casebook_load(cb, h, err) < 0)
			return -1;
		for (size_t i = 0; fn && ret == 0 && i < cb->ncases; i++)
			ret = fn(ctx, cb->list[i], err);
		return ret;
	}
	cb->seq = ix->pos.seq;
	if (!(st = cg_index_stmt(ix, sql, err))) {
		ret = -1;
	} else {
		if (since)
			sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
		while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct cg_case *c;

			ret = load_row(cb, st, &c, err);
			if (fn && ret == 0 && c)
				ret = fn(ctx, c, err);
			if (fn)
				cg_casebook_forget(cb);
		}
		if (ret == 0 && rc != SQLITE_DONE)
			ret = cg_index_fail(ix, err);
		sqlite3_reset(st);
	}
	/* What was read is a book in memory from here on. */
	cg_caseindex_close(cb);
	return ret;
}

int cg_casebook_load_active(struct cg_casebook *cb, const struct cg_home *h,
			    struct cg_err *err)
{
	return read_rows(cb, h, sql_load, NULL, NULL, NULL, err);
}

int cg_casebook_load_since(struct cg_casebook *cb, const struct cg_home *h,
			   int32_t day, struct cg_err *err)
{
	char date[CG_DATE_LEN];

	cg_day_format(day - 1, date);
	return read_rows(cb, h, sql_load_since, date, NULL, NULL, err);
}

int cg_casebook_each_active(struct cg_casebook *cb, const struct cg_home *h,
			    cg_case_fn *fn, void *ctx, struct cg_err *err)
{
	return read_rows(cb, h, sql_load, NULL, fn, ctx, err);
}

int cg_casebook_each(struct cg_casebook *cb, const struct cg_home *h,
		     cg_case_fn *fn, void *ctx, struct cg_err *err)
{
	return read_rows(cb, h, sql_all, NULL, fn, ctx, err);
}

int cg_caseindex_refresh(struct cg_casebook *cb, struct cg_err *err)
{
	if (cg_index_sync(cb->ix, err) < 0)
		return -1;
	cb->seq = cb->ix->pos.seq;
	cb->ix_rows = cg_index_any(cb->ix, sql_any);
	return 0;
}

void cg_caseindex_close(struct cg_casebook *cb)
{
	cg_index_close(cb->ix);
	free(cb->ix);
	cb->ix = NULL;
}

/*
 * The first record a query on key finds (of person's, unless NULL), kept
 * in cb->cache until release; a case read again is the one kept.
 */
static const json_t *each_row(const struct cg_casebook *cb, const char *sql,
			      const char *key, const json_t *person)
{
	sqlite3_stmt *st = cg_index_stmt(cb->ix, sql, NULL);
	const json_t *found = NULL;

	if (!st || !cb->ix_rows)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while (!found && sqlite3_step(st) == SQLITE_ROW) {
		json_t *rec = json_loadb((const char *)sqlite3_column_text(st, 0),
					 (size_t)sqlite3_column_bytes(st, 0), 0, NULL);
		const char *id = json_string_value(json_object_get(rec, "case_id"));
		json_t *kept = id ? json_object_get(cb->cache, id) : NULL;

		if (!id) {
			json_decref(rec);
			continue;
		}
		if (kept) {
			json_decref(rec);
			rec = kept;
		} else {
			json_object_set_new(cb->cache, id, rec);
		}
		if (!person || cg_person_same(rec, person))
			found = rec;
	}
	sqlite3_reset(st);
	return found;
}

const json_t *cg_caseindex_active(const struct cg_casebook *cb, const char *key)
{
	return each_row(cb, sql_active[kind_of(key)], key, NULL);
}

const json_t *cg_caseindex_active_for(const struct cg_casebook *cb, const json_t *person)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(person, keys);

	for (int i = 0; i < n; i++) {
		const json_t *c = cg_caseindex_active(cb, keys[i]);

		if (c && cg_person_same(c, person))
			return c;
	}
	return NULL;
}

int cg_caseindex_any_active(const struct cg_casebook *cb)
{
	return cb->ix_rows &&
	       cg_index_any(cb->ix, "SELECT 1 FROM qcase WHERE status IN ('open', 'escalated') LIMIT 1");
}

int cg_caseindex_released_for(const struct cg_casebook *cb, const json_t *person)
{
	char keys[3][CG_PERSON_KEY_LEN];
	int n = cg_person_keys(person, keys);

	for (int i = 0; i < n; i++)
		if (each_row(cb, sql_released[kind_of(keys[i])], keys[i], person))
			return 1;
	return 0;
}

/* The open or escalated cases under one identifier, by the column it goes
 * in; in journal order. */
static const char *const sql_sharing[3] = {
	"SELECT ord, rec FROM qcase WHERE k_id = ? AND status IN ('open', 'escalated')",
	"SELECT ord, rec FROM qcase WHERE k_phone = ? AND status IN ('open', 'escalated')",
	"SELECT ord, rec FROM qcase WHERE name_norm = ? AND status IN ('open', 'escalated')",
};

struct sharing {
	const json_t *rec[CG_CASES_SHARING_MAX];
	sqlite3_int64 ord[CG_CASES_SHARING_MAX];
	size_t n;
};

/* Add the rows of one query, each case once, kept in cb->cache. */
static void add_sharing(const struct cg_casebook *cb, const char *sql, const char *key,
			struct sharing *sh)
{
	sqlite3_stmt *st = cg_index_stmt(cb->ix, sql, NULL);

	if (!st || !cb->ix_rows)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && sh->n < CG_CASES_SHARING_MAX) {
		sqlite3_int64 ord = sqlite3_column_int64(st, 0);
		json_t *rec = json_loadb((const char *)sqlite3_column_text(st, 1),
					 (size_t)sqlite3_column_bytes(st, 1), 0, NULL);
		const char *id = json_string_value(json_object_get(rec, "case_id"));
		json_t *kept = id ? json_object_get(cb->cache, id) : NULL;
		size_t i;

		if (!id) {
			json_decref(rec);
			continue;
		}
		if (kept) {
			json_decref(rec);
			rec = kept;
		} else {
			json_object_set_new(cb->cache, id, rec);
		}
		for (i = 0; i < sh->n && sh->rec[i] != rec; i++)
			;
		if (i < sh->n)
			continue;
		/* In journal order: insert by ord. */
		for (i = sh->n; i > 0 && sh->ord[i - 1] > ord; i--) {
			sh->rec[i] = sh->rec[i - 1];
			sh->ord[i] = sh->ord[i - 1];
		}
		sh->rec[i] = rec;
		sh->ord[i] = ord;
		sh->n++;
	}
	sqlite3_reset(st);
}

size_t cg_caseindex_active_sharing(const struct cg_casebook *cb, const json_t *person,
				   const json_t **out, size_t max)
{
	static const char *const fields[] = { "id_no", "phone", "name" };
	struct sharing sh = { .n = 0 };

	for (int f = 0; f < 3; f++) {
		const char *v = json_string_value(json_object_get(person, fields[f]));
		char key[CG_PERSON_KEY_LEN], norm[CG_PERSON_NAME_LEN];

		if (!v)
			continue;
		if (f == 0)
			snprintf(key, sizeof(key), "id:%s", v);
		else if (f == 1)
			snprintf(key, sizeof(key), "phone:%s", v);
		else if (*cg_person_name_normalise(v, norm))
			snprintf(key, sizeof(key), "%s", norm);
		else
			continue;
		add_sharing(cb, sql_sharing[f], key, &sh);
	}
	for (size_t i = 0; i < sh.n && i < max; i++)
		out[i] = sh.rec[i];
	return sh.n;
}

/* ---- a book of cg_casebook_open_lookup ---- */

int cg_casebook_open_lookup(struct cg_casebook *cb, const struct cg_home *h,
			    struct cg_err *err)
{
	struct cg_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	cb->ix = ix;
	if (cg_index_open(ix, h, &case_index, cb, err) == 0) {
		cb->seq = ix->pos.seq;
		cb->lookup = 1;
		cb->ix_serials = json_object();
		return 0;
	}
	free(ix);
	cb->ix = NULL;
	/* A damaged journal is damaged either way; an index that cannot be
	 * opened only costs time. */
	if (err->status == CG_EXIT_DAMAGED)
		return -1;
	return cg_casebook_load(cb, h, err);
}

/* The case of sql_case's row into cb, held; NULL when there is none or
 * it cannot be read (a lookup answers what it can: the index is derived,
 * and a case it cannot give is one the caller reports unknown). */
struct cg_case *cg_caseindex_find(struct cg_casebook *cb, const char *id)
{
	sqlite3_stmt *st = cg_index_stmt(cb->ix, sql_case, NULL);
	struct cg_case *c = NULL;
	struct cg_err err = CG_ERR_INIT;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && load_row(cb, st, &c, &err) == 0 && c) {
		c->ord = (uint64_t)sqlite3_column_int64(st, 6);
		cg_casebook_hold(cb, c);
	}
	sqlite3_reset(st);
	return c;
}

int cg_caseindex_newest(struct cg_casebook *cb, const char *key, int active)
{
	sqlite3_stmt *st = cg_index_stmt(cb->ix, sql_newest[active != 0][kind_of(key)], NULL);
	char id[CG_CASE_ID_LEN] = "";
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		/* A case held is as the book has it, maybe changed since. */
		if (s && !json_object_get(cb->index, s) && strlen(s) < sizeof(id)) {
			strcpy(id, s);
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (!id[0])
		return 0;
	return cg_caseindex_find(cb, id) ? 1 : -1;
}

long cg_caseindex_serial(const struct cg_casebook *cb, const char pre[8])
{
	json_t *kept = json_object_get(cb->ix_serials, pre);
	sqlite3_stmt *st;
	long n = 0;

	if (kept)
		return (long)json_integer_value(kept);
	if (!(st = cg_index_stmt(cb->ix, sql_serial, NULL)))
		return 0;
	sqlite3_bind_text(st, 1, pre, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	json_object_set_new(cb->ix_serials, pre, json_integer(n));
	return n;
}

/* The line of the journal (fd) that starts at off, parsed; NULL with *err
 * when it is not there or not a record. */
static json_t *line_at_offset(int fd, off_t off, const char *label, struct cg_buf *buf,
			      size_t *len, struct cg_err *err)
{
	char why[256], *nl = NULL;
	json_t *rec;

	buf->len = 0;
	while (!nl) {
		ssize_t n;

		if (cg_buf_grow(buf, 4096) < 0) {
			cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
			return NULL;
		}
		n = pread(fd, buf->buf + buf->len, 4096, off + (off_t)buf->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), label);
			else
				cg_err_set(err, CG_EXIT_DAMAGED, _("%s: no line at byte %lld, where index/quarantine.db points"),
					   label, (long long)off);
			return NULL;
		}
		nl = memchr(buf->buf + buf->len, '\n', (size_t)n);
		buf->len += (size_t)n;
	}
	*len = (size_t)(nl - buf->buf);
	rec = cg_jsonl_parse(buf->buf, *len, why, sizeof(why));
	if (!rec)
		cg_err_set(err, CG_EXIT_DAMAGED, _("%s: byte %lld, where index/quarantine.db points: %s"),
			   label, (long long)off, why);
	return rec;
}

/* Fold the lines at the offsets of text (column lines) into cb: every
 * one must be an event of case id, in journal order. */
static int fold_lines(struct cg_casebook *cb, int fd, const char *text, const char *id,
		      struct cg_err *err)
{
	/* Any line the journal's reader takes, and more. */
	struct cg_buf buf = CG_BUF_INIT(64 * 1024 * 1024);
	const char *label = "journal/quarantine.jsonl";
	json_int_t last = 0;
	int ret = 0;

	while (ret == 0 && *text) {
		char *end;
		long long off = strtoll(text, &end, 10);
		json_t *rec;
		json_int_t seq;
		size_t len;

		if (end == text || off < 0) {
			ret = cg_err_set(err, CG_EXIT_DAMAGED, "%s",
					 _("index/quarantine.db: a case's lines are unreadable"));
			break;
		}
		text = end + strspn(end, " ");
		if (!(rec = line_at_offset(fd, (off_t)off, label, &buf, &len, err))) {
			ret = -1;
			break;
		}
		seq = json_integer_value(json_object_get(rec, "seq"));
		if (strcmp(json_string_value(json_object_get(rec, "case_id")) ?: "", id) || seq <= last)
			ret = cg_err_set(err, CG_EXIT_DAMAGED,
					 _("%s: byte %lld is not the line of case '%s' that index/quarantine.db points at"),
					 label, off, id);
		else
			ret = cg_casebook_apply(cb, rec, err);
		last = seq;
		json_decref(rec);
	}
	cg_buf_release(&buf);
	return ret;
}

int cg_casebook_read_case(struct cg_casebook *cb, const struct cg_home *h,
			  const char *id, struct cg_err *err)
{
	sqlite3_stmt *st;
	char *text = NULL;
	int fd, ret;

	if (!cb->lookup || json_object_get(cb->index, id))
		return 0;
	if (!(st = cg_index_stmt(cb->ix, sql_lines, err)))
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
		text = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (!text)
		return 0;
	fd = cg_openat(h->fd, "journal/quarantine.jsonl", O_RDONLY);
	if (fd < 0) {
		free(text);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"),
				    "journal/quarantine.jsonl");
	}
	cg_casebook_keep_events(cb, id);
	ret = fold_lines(cb, fd, text, id, err);
	close(fd);
	free(text);
	return ret;
}

/* ---- a journal line by seq ---- */

/* Where the first line starting at or after off (> 0) starts, or hi when
 * none starts before hi; -1 with *err. */
static off_t line_start_from(int fd, off_t off, off_t hi, struct cg_err *err)
{
	char chunk[4096];

	for (off--; off < hi;) {
		ssize_t n = pread(fd, chunk, sizeof(chunk), off);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"),
					    "journal/quarantine.jsonl");
		if (n == 0)
			return hi;
		if ((nl = memchr(chunk, '\n', (size_t)n)))
			return off + (nl - chunk) + 1 < hi ? off + (nl - chunk) + 1 : hi;
		off += n;
	}
	return hi;
}

/* The seq of the line at off (its length in *len), its record in *rec
 * when it is seq, else released; -1 with *err. */
static json_int_t seq_at(int fd, off_t off, uint64_t seq, struct cg_buf *buf, size_t *len,
			 json_t **rec, struct cg_err *err)
{
	json_t *r = line_at_offset(fd, off, "journal/quarantine.jsonl", buf, len, err);
	json_int_t s;

	if (!r)
		return -1;
	s = json_integer_value(json_object_get(r, "seq"));
	if ((uint64_t)s == seq)
		*rec = r;
	else
		json_decref(r);
	return s;
}

/*
 * Bisect [0, end) of the journal (fd), whose lines are in seq order, for
 * the line of seq: each step reads the line at lo and the first one past
 * the middle of what is left, and keeps the half that holds seq.
 */
static int bisect(int fd, off_t end, uint64_t seq, json_t **rec, struct cg_err *err)
{
	struct cg_buf buf = CG_BUF_INIT(64 * 1024 * 1024);
	off_t lo = 0, hi = end;
	int ret = 0;

	while (lo < hi) {
		size_t len;
		json_int_t s = seq_at(fd, lo, seq, &buf, &len, rec, err);
		off_t next = lo + (off_t)len + 1, mid, at;

		if (s < 0 || (uint64_t)s >= seq) {
			ret = s < 0 ? -1 : (uint64_t)s == seq;
			break;
		}
		if (next >= hi)
			break;
		mid = next + (hi - next) / 2;
		if ((at = line_start_from(fd, mid > next ? mid : next + 1, hi, err)) < 0) {
			ret = -1;
			break;
		}
		lo = next;
		if (at < hi) {
			s = seq_at(fd, at, seq, &buf, &len, rec, err);
			if (s < 0 || (uint64_t)s == seq) {
				ret = s < 0 ? -1 : 1;
				break;
			}
			if ((uint64_t)s < seq)
				lo = at;
			else
				hi = at;
		} else {
			hi = mid > next ? mid : next + 1;
		}
	}
	cg_buf_release(&buf);
	return ret;
}

int cg_casebook_read_seq(struct cg_casebook *cb, const struct cg_home *h, uint64_t seq,
			 json_t **rec, struct cg_err *err)
{
	int fd, ret;

	if (!cb->lookup)
		return -2;
	*rec = NULL;
	if (!seq || seq > cb->ix->pos.seq)
		return 0;
	if ((fd = cg_openat(h->fd, "journal/quarantine.jsonl", O_RDONLY)) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"),
				    "journal/quarantine.jsonl");
	ret = bisect(fd, cb->ix->pos.end, seq, rec, err);
	close(fd);
	return ret;
}
