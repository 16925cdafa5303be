/*
 * core/table: display width of UTF-8 text, aligned tables for listings.
 */
#include <stdio.h>
#include <string.h>

#include "core/table.h"
#include "unit.h"

TEST(width)
{
	CHECK_INT(cg_text_width(""), 0);
	CHECK_INT(cg_text_width("Q260125-001"), 11);
	CHECK_INT(cg_text_width("张*"), 3);
	CHECK_INT(cg_text_width("已放行"), 6);
	CHECK_INT(cg_text_width("３－２"), 6);		/* full-width digits and hyphen */
	CHECK_INT(cg_text_width("e\xcc\x81"), 1);	/* a combining accent */
	CHECK_INT(cg_text_width("\xff" "a"), 2);	/* not UTF-8: one a byte */
}

static void check_table(const struct cg_table *t, const char *want)
{
	struct cg_buf out = CG_BUF_INIT(4096);

	CHECK_INT(cg_table_write(t, &out), 0);
	CHECK_STR(out.buf, want);
	cg_buf_release(&out);
}

TEST(aligned)
{
	static const char *const head[] = { "case", "name", "missed" };
	static const char *const r1[] = { "Q1", "张*", "1" };
	static const char *const r2[] = { "Q260125-002", "Li", "12" };
	static const char *const r3[] = { "Q3", NULL, "" };
	struct cg_table t;

	cg_table_init(&t, 3, head, "llr");
	check_table(&t, "case  name  missed\n");
	CHECK_INT(cg_table_add(&t, r1), 0);
	CHECK_INT(cg_table_add(&t, r2), 0);
	CHECK_INT(cg_table_add(&t, r3), 0);
	/* CJK counts two columns; right-aligned numbers; no trailing blanks. */
	check_table(&t,
		"case         name  missed\n"
		"Q1           张*        1\n"
		"Q260125-002  Li        12\n"
		"Q3\n");
	cg_table_release(&t);
}

TEST(no_heading_and_control_characters)
{
	static const char *const r1[] = { "状态", "open\n\x1b[2J" };
	static const char *const r2[] = { "case", "Q1" };
	struct cg_table t;

	cg_table_init(&t, 2, NULL, NULL);
	check_table(&t, "");
	CHECK_INT(cg_table_add(&t, r1), 0);
	CHECK_INT(cg_table_add(&t, r2), 0);
	check_table(&t, "状态  open  [2J\ncase  Q1\n");
	cg_table_release(&t);
}

TEST(full_buffer)
{
	static const char *const r1[] = { "a long cell that does not fit" };
	struct cg_buf out = CG_BUF_INIT(8);
	struct cg_table t;

	cg_table_init(&t, 1, NULL, NULL);
	CHECK_INT(cg_table_add(&t, r1), 0);
	CHECK_INT(cg_table_write(&t, &out), -1);
	cg_buf_release(&out);
	cg_table_release(&t);
}

int main(void)
{
	RUN(width);
	RUN(aligned);
	RUN(no_heading_and_control_characters);
	RUN(full_buffer);
	return UNIT_DONE();
}
