#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/home.h"
#include "store/eventtab.h"
#include "store/journal.h"
#include "scratch.h"
#include "unit.h"

#define DAY "2026-01-25"

struct fx {
	struct cg_err err;
	struct cg_home h;
	struct cg_journal j;
	struct cg_eventtab t;
};

/* A day of n records, "e-1" .. "e-N", committed, and its table. */
static int fx_open(struct fx *x, int n)
{
	memset(x, 0, sizeof(*x));
	tmp_make();
	if (cg_home_open(&x->h, at("home"), &x->err) < 0 ||
	    cg_journal_open(&x->j, &x->h, "checkin", &x->err) < 0 ||
	    cg_journal_set_day(&x->j, DAY, &x->err) < 0)
		return -1;
	for (int i = 1; i <= n; i++) {
		char id[16];
		json_t *rec;

		snprintf(id, sizeof(id), "e-%d", i);
		rec = json_pack("{s:s, s:i}", "event_id", id, "n", i);
		if (cg_journal_add(&x->j, rec, &x->err) < 0)
			return -1;
		json_decref(rec);
	}
	if (cg_journal_commit(&x->j, &x->err) < 0)
		return -1;
	cg_eventtab_init(&x->t, &x->h, DAY);
	return cg_eventtab_catch_up(&x->t, &x->j, &x->err);
}

static void fx_close(struct fx *x)
{
	cg_eventtab_release(&x->t);
	cg_journal_release(&x->j);
	cg_home_release(&x->h);
	tmp_remove();
}

/* The n of the record found for id, 0 when none, -1 on error. */
static int found(struct fx *x, const char *id)
{
	json_t *rec;
	int n;

	if (cg_eventtab_find(&x->t, id, strlen(id), &rec, &x->err) < 0)
		return -1;
	n = rec ? (int)json_integer_value(json_object_get(rec, "n")) : 0;
	json_decref(rec);
	return n;
}

TEST(finds_each_id_once_journaled)
{
	struct fx x;

	CHECK_INT(fx_open(&x, 5000), 0);
	CHECK_INT(found(&x, "e-1"), 1);
	CHECK_INT(found(&x, "e-4321"), 4321);
	CHECK_INT(found(&x, "e-5000"), 5000);
	CHECK_INT(found(&x, "e-5001"), 0);
	CHECK_INT(found(&x, "e-"), 0);
	fx_close(&x);
}

/*
 * Every slot made to point at the first line, as a collision of tags
 * would: only the id of that line is found, never another's record.
 */
TEST(a_match_is_confirmed_by_the_journal_line)
{
	struct fx x;
	uint64_t *s;

	CHECK_INT(fx_open(&x, 300), 0);
	s = (uint64_t *)(void *)(x.t.map + 256);
	for (uint64_t i = 0; i <= x.t.mask; i++)
		if (s[i])
			s[i] = (s[i] & ~((UINT64_C(1) << 36) - 1)) | 1;
	CHECK_INT(found(&x, "e-1"), 1);
	for (int i = 2; i <= 300; i++) {
		char id[16];

		snprintf(id, sizeof(id), "e-%d", i);
		if (found(&x, id) != 0) {
			CHECK_STR(id, "not found");
			break;
		}
	}
	fx_close(&x);
}

TEST(idset_says_maybe_for_members_only)
{
	struct cg_idset s;
	char id[16];
	int wrong = 0;

	cg_idset_init(&s);
	CHECK_INT(cg_idset_maybe(&s, "a", 1), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "id-%d", i);
		cg_idset_add(&s, id, strlen(id));
	}
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "id-%d", i);
		wrong += cg_idset_maybe(&s, id, strlen(id)) != (i < 5000);
	}
	CHECK_INT(wrong, 0);
	cg_idset_clear(&s);
	CHECK_INT(cg_idset_maybe(&s, "id-1", 4), 0);
	cg_idset_release(&s);
}

/*
 * The ids of a commit given by the caller or read out of its lines: one
 * table.  Four homes get the same commits, lines of every shape (no id,
 * an id with escapes, a nested object's event_id, an id not a string);
 * one table is given the ids, one reads them, one is given one id too few
 * (and reads them), one is given none for every line (and so finds none:
 * the ids given are what it takes).
 */
enum { GIVEN, READ, FEW, NONE, SIDES };

struct side {
	struct cg_home h;
	struct cg_journal j;
	struct cg_eventtab t;
	struct cg_eventids ids;
};

/* Line k of round r, and its id as the caller has it (NULL: none). */
static json_t *shaped(int r, int k, char id[32])
{
	json_t *rec = json_pack("{s:i}", "n", 1000 + 100 * r + k);

	snprintf(id, 32, k % 5 == 1 ? "r%d \"q\\ \xc3\xa9 %d" : "r%d-%d", r, k);
	switch (k % 5) {
	case 2:
		id[0] = 0;
		break;
	case 3:
		json_object_set_new(rec, "x", json_pack("{s:s}", "event_id", "inner"));
		break;
	case 4:
		json_object_set_new(rec, "event_id", json_integer(k));
		id[0] = 0;
		break;
	}
	if (id[0])
		json_object_set_new(rec, "event_id", json_string(id));
	return rec;
}

static int side_commit(struct side *sd, int which, int r, struct cg_err *err)
{
	char id[32];

	cg_eventids_clear(&sd->ids);
	for (int k = 0; k < 40; k++) {
		json_t *rec = shaped(r, k, id);

		if (cg_journal_add(&sd->j, rec, err) < 0)
			return -1;
		json_decref(rec);
		if (which == FEW && k == 39)
			continue;
		cg_eventids_add(&sd->ids, id[0] && which != NONE ? id : NULL, strlen(id));
	}
	if (cg_journal_commit(&sd->j, err) < 0)
		return -1;
	return cg_eventtab_catch_up_ids(&sd->t, &sd->j, which == READ ? NULL : &sd->ids, err);
}

/* The n of the record found for id in sd's table: 0 none, -1 error. */
static int side_found(struct side *sd, const char *id, struct cg_err *err)
{
	json_t *rec;
	int n;

	if (cg_eventtab_find(&sd->t, id, strlen(id), &rec, err) < 0)
		return -1;
	n = rec ? (int)json_integer_value(json_object_get(rec, "n")) : 0;
	json_decref(rec);
	return n;
}

TEST(ids_given_or_read_make_one_table)
{
	static const char *const names[SIDES] = { "given", "read", "few", "none" };
	struct cg_err err = CG_ERR_INIT;
	struct side sd[SIDES];
	int wrong = 0, none_found = 0;
	char id[32];

	tmp_make();
	for (int i = 0; i < SIDES; i++) {
		memset(&sd[i], 0, sizeof(sd[i]));
		cg_eventids_init(&sd[i].ids);
		CHECK(cg_home_open(&sd[i].h, at(names[i]), &err) == 0 &&
		      cg_journal_open(&sd[i].j, &sd[i].h, "checkin", &err) == 0 &&
		      cg_journal_set_day(&sd[i].j, DAY, &err) == 0);
		cg_eventtab_init(&sd[i].t, &sd[i].h, DAY);
		/* Round 0 builds the table; the others are folded. */
		for (int r = 0; r < 4; r++)
			CHECK_INT(side_commit(&sd[i], i, r, &err), 0);
	}
	for (int r = 0; r < 4; r++)
		for (int k = 0; k < 40; k++) {
			json_decref(shaped(r, k, id));
			if (!id[0])
				snprintf(id, sizeof(id), "inner");
			for (int i = 0; i < NONE; i++)
				wrong += side_found(&sd[i], id, &err) !=
					 (k % 5 == 3 || k % 5 == 0 || k % 5 == 1 ? 1000 + 100 * r + k : 0);
			none_found += side_found(&sd[NONE], id, &err) != 0;
		}
	CHECK_INT(wrong, 0);
	/* Round 0's 24 ids, read when the table was built. */
	CHECK_INT(none_found, 24);
	for (int i = 0; i < SIDES; i++) {
		cg_eventids_release(&sd[i].ids);
		cg_eventtab_release(&sd[i].t);
		cg_journal_release(&sd[i].j);
		cg_home_release(&sd[i].h);
	}
	tmp_remove();
}

int main(void)
{
	RUN(finds_each_id_once_journaled);
	RUN(a_match_is_confirmed_by_the_journal_line);
	RUN(idset_says_maybe_for_members_only);
	RUN(ids_given_or_read_make_one_table);
	return UNIT_DONE();
}
