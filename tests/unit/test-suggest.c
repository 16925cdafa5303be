#include <string.h>

#include "core/suggest.h"
#include "unit.h"

TEST(edit_distance)
{
	CHECK_INT(cg_edit_distance("", ""), 0);
	CHECK_INT(cg_edit_distance("north", "north"), 0);
	CHECK_INT(cg_edit_distance("North", "NORTH"), 0);
	CHECK_INT(cg_edit_distance("visiter", "visitor"), 1);
	CHECK_INT(cg_edit_distance("nrth", "north"), 1);
	CHECK_INT(cg_edit_distance("noth", "north"), 1);
	CHECK_INT(cg_edit_distance("south", "north"), 2);
	CHECK_INT(cg_edit_distance("", "abc"), 3);
	CHECK_INT(cg_edit_distance("kitten", "sitting"), 3);
}

TEST(suggest)
{
	static const char *const gates[] = { "north", "south", "east-2" };
	static const char *const classes[] = { "resident", "returnee", "temporary",
					       "visitor", "vehicle" };

	CHECK_STR(cg_suggest("nrth", gates, 3), "north");
	CHECK_STR(cg_suggest("SOUTH", gates, 3), "south");
	CHECK_STR(cg_suggest("east2", gates, 3), "east-2");
	CHECK_STR(cg_suggest("visiter", classes, 5), "visitor");
	CHECK_STR(cg_suggest("Resident", classes, 5), "resident");
	CHECK_STR(cg_suggest("temprary", classes, 5), "temporary");
	/* Nothing close: no guess. */
	CHECK(cg_suggest("west", gates, 3) == NULL);
	CHECK(cg_suggest("x", gates, 3) == NULL);
	CHECK(cg_suggest("vip", classes, 5) == NULL);
	CHECK(cg_suggest("north", gates, 0) == NULL);
	CHECK(cg_suggest("北门", gates, 3) == NULL);
}

TEST(choices_join)
{
	static const char *const gates[] = { "north", "south", "east-2" };
	char out[64], small[16];

	CHECK_STR(cg_choices_join(gates, 3, out, sizeof(out)), "north, south, east-2");
	CHECK_STR(cg_choices_join(gates, 1, out, sizeof(out)), "north");
	CHECK_STR(cg_choices_join(gates, 0, out, sizeof(out)), "");
	CHECK_STR(cg_choices_join(gates, 3, small, sizeof(small)), "north, ...");
	CHECK(strlen(small) < sizeof(small));
}

int main(void)
{
	RUN(edit_distance);
	RUN(suggest);
	RUN(choices_join);
	return UNIT_DONE();
}
