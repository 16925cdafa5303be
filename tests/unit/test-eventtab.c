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

int main(void)
{
	RUN(finds_each_id_once_journaled);
	RUN(a_match_is_confirmed_by_the_journal_line);
	RUN(idset_says_maybe_for_members_only);
	return UNIT_DONE();
}
