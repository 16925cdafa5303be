#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "rules/dayindex.h"
#include "rules/person.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS point(day TEXT PRIMARY KEY, end INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, chain TEXT NOT NULL, readings INTEGER NOT NULL,"
	" ino INTEGER NOT NULL, mtime INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS reading(key TEXT PRIMARY KEY, ord INTEGER NOT NULL,"
	" at INTEGER NOT NULL, temp REAL NOT NULL, held INTEGER NOT NULL) WITHOUT ROWID;";
static const char sql_point_get[] =
	"SELECT end, seq, chain, readings, ino, mtime FROM point WHERE day = ?";
static const char sql_point_put[] =
	"INSERT OR REPLACE INTO point(day, end, seq, chain, readings, ino, mtime)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_reading_put[] =
	"INSERT INTO reading(key, ord, at, temp, held) VALUES (?, ?, ?, ?, ?)"
	" ON CONFLICT(key) DO UPDATE SET ord = excluded.ord, at = excluded.at,"
	" temp = excluded.temp, held = excluded.held WHERE excluded.ord >= reading.ord";
static const char sql_reading_get[] =
	"SELECT at, temp, held FROM reading WHERE key = ?";
static const char sql_day_clear[] =
	"DELETE FROM reading WHERE ord >= ? AND ord < ?";

static const struct cg_index_def day_index = {
	.stream = "checkin",
	/* 3: event ids moved to their own table (store/eventtab.h) */
	.version = 3,
	.schema = schema,
	.clear = "DELETE FROM point; DELETE FROM reading;",
	.fold = NULL,
};

struct point {
	struct cg_journal_pos pos;
	int readings;
	struct cg_index_file file;
};

/* Days and seqs in one order: a day's readings after the day before's. */
static sqlite3_int64 ord_base(const char *day)
{
	int32_t n = 0;

	cg_day_parse(day, &n);
	return (sqlite3_int64)n << 32;
}

int cg_dayindex_open(struct cg_dayindex *d, const struct cg_home *h,
		     int readings, struct cg_err *err)
{
	memset(d, 0, sizeof(*d));
	if (cg_index_open(&d->ix, h, &day_index, d, err) < 0)
		return -1;
	d->open = 1;
	d->readings = readings;
	d->dirty = json_object();
	return 0;
}

/* End the read transaction of cg_dayindex_hold, if one is open. */
static void let_go(struct cg_dayindex *d)
{
	if (d->held) {
		sqlite3_exec(d->ix.db, "COMMIT", NULL, NULL, NULL);
		d->held = 0;
	}
}

void cg_dayindex_hold(struct cg_dayindex *d)
{
	if (d->open && !d->held && sqlite3_exec(d->ix.db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		d->held = 1;
}

void cg_dayindex_close(struct cg_dayindex *d)
{
	let_go(d);
	if (d->open)
		cg_index_close(&d->ix);
	json_decref(d->dirty);
	memset(d, 0, sizeof(*d));
}

/* The day's point; the start of the day (all readings in) when none. */
static int point_get(struct cg_dayindex *d, const char *day, struct point *p,
		     struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(&d->ix, sql_point_get, err);
	const unsigned char *chain;
	int rc;

	cg_journal_pos_init(&p->pos);
	p->readings = 1;
	memset(&p->file, 0, sizeof(p->file));
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (chain = sqlite3_column_text(st, 2)) &&
	    strlen((const char *)chain) == CG_CHAIN_HEX) {
		p->pos.end = (off_t)sqlite3_column_int64(st, 0);
		p->pos.seq = (uint64_t)sqlite3_column_int64(st, 1);
		memcpy(p->pos.chain, chain, CG_CHAIN_HEX + 1);
		p->readings = sqlite3_column_int(st, 3);
		p->file.ino = sqlite3_column_int64(st, 4);
		p->file.mtime_ns = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : cg_index_fail(&d->ix, err);
}

static int point_put(struct cg_dayindex *d, const char *day, const struct point *p,
		     struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(&d->ix, sql_point_put, err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)p->pos.end);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)p->pos.seq);
	sqlite3_bind_text(st, 4, p->pos.chain, CG_CHAIN_HEX, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, p->readings);
	sqlite3_bind_int64(st, 6, p->file.ino);
	sqlite3_bind_int64(st, 7, p->file.mtime_ns);
	return cg_index_run(&d->ix, st, err);
}

static int reading_put(struct cg_dayindex *d, const char *key, sqlite3_int64 ord,
		       cg_time_t at, double temp, int held, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(&d->ix, sql_reading_put, err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ord);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	sqlite3_bind_double(st, 4, temp);
	sqlite3_bind_int(st, 5, held);
	return cg_index_run(&d->ix, st, err);
}

/* The reading a decision carries, as cg_checkin_note reads it: 0 when it
 * has one (a number temp, an identity key and a time). */
static int reading_of(const json_t *rec, char key[CG_PERSON_KEY_LEN], cg_time_t *at,
		      double *temp, int *held)
{
	const json_t *t = json_object_get(rec, "temp");
	size_t i;
	json_t *r;

	if (!json_is_number(t) || cg_person_key(rec, key) < 0 ||
	    cg_time_parse(json_string_value(json_object_get(rec, "ts")), 0, at) < 0)
		return -1;
	*temp = json_number_value(t);
	*held = 0;
	json_array_foreach(json_object_get(rec, "reasons"), i, r)
		if (json_is_string(r) && !strcmp(json_string_value(r), "remeasure"))
			*held = 1;
	return 0;
}

struct fold_ctx {
	struct cg_dayindex *d;
	const char *day;
	sqlite3_int64 base;
};

static int fold_line(void *ctx, const json_t *rec, struct cg_err *err)
{
	struct fold_ctx *f = ctx;
	char key[CG_PERSON_KEY_LEN];
	double temp;
	cg_time_t at;
	int held;

	if (reading_of(rec, key, &at, &temp, &held) < 0)
		return 0;
	return reading_put(f->d, key, f->base |
			   (sqlite3_int64)json_integer_value(json_object_get(rec, "seq")),
			   at, temp, held, err);
}

/*
 * The day's point and whether the journal still holds it (*holds): 1 when
 * nothing is to be read, 0 when something is, -1 with *err.
 */
static int look(struct cg_dayindex *d, const char *day, struct point *p, int *holds,
		struct cg_err *err)
{
	struct stat sb;

	if (point_get(d, day, p, err) < 0)
		return -1;
	*holds = cg_journal_pos_holds(d->ix.home, "checkin", day, &p->pos, &sb, err);
	if (*holds < 0)
		return -1;
	if (*holds && !cg_index_file_same(&sb, p->pos.end, &p->file))
		*holds = 0;
	return *holds && sb.st_size == p->pos.end && (p->readings || !d->readings);
}

/* In the write transaction: from the point, or from the start. */
static int fold_day(struct cg_dayindex *d, const char *day, struct cg_err *err)
{
	struct fold_ctx f = { d, day, ord_base(day) };
	struct point p;
	struct stat sb;
	int holds, st = look(d, day, &p, &holds, err);

	if (st != 0)
		return st < 0 ? -1 : 0;
	if (!holds || (d->readings && !p.readings)) {
		sqlite3_stmt *clear = cg_index_stmt(&d->ix, sql_day_clear, err);

		if (!clear)
			return -1;
		sqlite3_bind_int64(clear, 1, f.base);
		sqlite3_bind_int64(clear, 2, f.base + ((sqlite3_int64)1 << 32));
		if (cg_index_run(&d->ix, clear, err) < 0)
			return -1;
		cg_journal_pos_init(&p.pos);
		p.readings = 1;
		d->ix.rebuilt++;
	}
	if (cg_journal_fold_day_from(d->ix.home, day, &p.pos, fold_line, &f, err) < 0 ||
	    cg_journal_pos_holds(d->ix.home, "checkin", day, &p.pos, &sb, err) < 0)
		return -1;
	memset(&p.file, 0, sizeof(p.file));
	if (sb.st_size == p.pos.end)
		cg_index_file_of(&sb, &p.file);
	return point_put(d, day, &p, err);
}

int cg_dayindex_catch_up(struct cg_dayindex *d, const char *day,
			 struct cg_err *err)
{
	struct point p;
	int holds, st;

	let_go(d);
	st = look(d, day, &p, &holds, err);

	if (st != 0)
		return st < 0 ? -1 : 0;
	/* Another process may be folding the same lines: the write lock
	 * waits for it, and fold_day looks again. */
	if (cg_index_exec(&d->ix, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (fold_day(d, day, err) < 0 || cg_index_exec(&d->ix, "COMMIT", err) < 0) {
		sqlite3_exec(d->ix.db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int cg_dayindex_reading(struct cg_dayindex *d, const char *key, cg_time_t *at,
			double *temp, int *held)
{
	sqlite3_stmt *st = cg_index_stmt(&d->ix, sql_reading_get, NULL);
	int found = 0;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*at = (cg_time_t)sqlite3_column_int64(st, 0);
		*temp = sqlite3_column_double(st, 1);
		*held = sqlite3_column_int(st, 2);
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

void cg_dayindex_note(struct cg_dayindex *d, const char *key, cg_time_t at,
		      double temp, int held)
{
	if (d->open && d->track)
		json_object_set_new(d->dirty, key, json_pack("[I,f,b]", (json_int_t)at,
							      temp, held));
}

static int same_pos(const struct cg_journal_pos *a, const struct cg_journal_pos *b)
{
	return a->end == b->end && a->seq == b->seq && !strcmp(a->chain, b->chain);
}

static int write_commit(struct cg_dayindex *d, const struct cg_journal *j,
			struct cg_err *err)
{
	sqlite3_int64 ord = ord_base(j->day) | (sqlite3_int64)j->commit_to.seq;
	struct point p;
	const char *key;
	json_t *r;

	if (point_get(d, j->day, &p, err) < 0)
		return -1;
	if (same_pos(&p.pos, &j->commit_from)) {
		struct stat sb;

		p.pos = j->commit_to;
		p.readings = p.readings && d->readings;
		memset(&p.file, 0, sizeof(p.file));
		if (fstat(j->fd, &sb) == 0 && sb.st_size == p.pos.end)
			cg_index_file_of(&sb, &p.file);
		if (point_put(d, j->day, &p, err) < 0)
			return -1;
	}
	json_object_foreach(d->dirty, key, r)
		if (reading_put(d, key, ord, (cg_time_t)json_integer_value(json_array_get(r, 0)),
				json_real_value(json_array_get(r, 1)),
				json_is_true(json_array_get(r, 2)), err) < 0)
			return -1;
	return 0;
}

int cg_dayindex_committed(struct cg_dayindex *d, const struct cg_journal *j,
			  struct cg_err *err)
{
	int ret;

	let_go(d);
	if (!d->open || !j->commit_to.seq)
		return 0;
	if (cg_index_exec(&d->ix, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	ret = write_commit(d, j, err);
	if (ret == 0 && cg_index_exec(&d->ix, "COMMIT", err) < 0)
		ret = -1;
	if (ret < 0)
		sqlite3_exec(d->ix.db, "ROLLBACK", NULL, NULL, NULL);
	json_object_clear(d->dirty);
	return ret;
}
