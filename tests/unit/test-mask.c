#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "unit.h"

typedef char *(*mask_fn)(const char *, char *, size_t);

/*
 * Mask s into a heap buffer of exactly outlen bytes, so ASan reports any
 * write past it, and return a copy of the result (or "(unterminated)").
 */
static const char *masked(mask_fn fn, const char *s, size_t outlen)
{
	static char result[256];
	char *out = malloc(outlen ? outlen : 1);

	if (!out)
		abort();
	if (fn(s, out, outlen) != out)
		strcpy(result, "(wrong return)");
	else if (!outlen)
		strcpy(result, "(nothing)");
	else if (!memchr(out, '\0', outlen))
		strcpy(result, "(unterminated)");
	else
		snprintf(result, sizeof(result), "%s", out);
	free(out);
	return result;
}

TEST(name)
{
	CHECK_STR(masked(cg_mask_name, "张三", 64), "张*");
	CHECK_STR(masked(cg_mask_name, "欧阳娜娜", 64), "欧***");
	CHECK_STR(masked(cg_mask_name, "李", 64), "*");
	CHECK_STR(masked(cg_mask_name, "Li Lei", 64), "L*****");
	CHECK_STR(masked(cg_mask_name, "A", 64), "*");
	CHECK_STR(masked(cg_mask_name, "", 64), "");
	CHECK_STR(masked(cg_mask_name, NULL, 64), "");
	CHECK_STR(masked(cg_mask_name, "阿卜杜拉·买买提", 64), "阿*******");
	CHECK_STR(masked(cg_mask_name, "Zoë", 64), "Z**");
	CHECK_STR(masked(cg_mask_name, "😀😀", 64), "😀*");
}

TEST(name_invalid_utf8)
{
	CHECK_STR(masked(cg_mask_name, "\xff\xfe", 64), "**");
	CHECK_STR(masked(cg_mask_name, "\xe5\xbc", 64), "**");
	CHECK_STR(masked(cg_mask_name, "张\xe4", 64), "****");
	CHECK_STR(masked(cg_mask_name, "ab\x80", 64), "***");
	/* Overlong '/', a surrogate, past U+10FFFF. */
	CHECK_STR(masked(cg_mask_name, "\xc0\xaf", 64), "**");
	CHECK_STR(masked(cg_mask_name, "\xe0\x80\xaf", 64), "***");
	CHECK_STR(masked(cg_mask_name, "\xed\xa0\x80x", 64), "****");
	CHECK_STR(masked(cg_mask_name, "\xf4\x90\x80\x80", 64), "****");
	CHECK_STR(masked(cg_mask_name, "\xf0\x90\x80\x80", 64), "*");
}

TEST(name_truncated)
{
	/* "张" is 3 bytes: it is written whole or not at all. */
	CHECK_STR(masked(cg_mask_name, "张三", 3), "");
	CHECK_STR(masked(cg_mask_name, "张三", 4), "张");
	CHECK_STR(masked(cg_mask_name, "张三", 5), "张*");
	CHECK_STR(masked(cg_mask_name, "欧阳娜娜", 5), "欧*");
	CHECK_STR(masked(cg_mask_name, "欧阳娜娜", 6), "欧**");
	CHECK_STR(masked(cg_mask_name, "李", 1), "");
	CHECK_STR(masked(cg_mask_name, "李", 2), "*");
	CHECK_STR(masked(cg_mask_name, "\xff\xfe\xfd", 2), "*");
	CHECK_STR(masked(cg_mask_name, "张三", 1), "");
	CHECK_STR(masked(cg_mask_name, "张三", 0), "(nothing)");
}

TEST(phone)
{
	CHECK_STR(masked(cg_mask_phone, "13812348000", 64), "138****8000");
	CHECK_STR(masked(cg_mask_phone, "1381234800", 64), "******4800");
	CHECK_STR(masked(cg_mask_phone, "138123480001", 64), "********0001");
	CHECK_STR(masked(cg_mask_phone, "12345", 64), "*2345");
	CHECK_STR(masked(cg_mask_phone, "1234", 64), "****");
	CHECK_STR(masked(cg_mask_phone, "1", 64), "*");
	CHECK_STR(masked(cg_mask_phone, "", 64), "");
	CHECK_STR(masked(cg_mask_phone, NULL, 64), "");
	/* Shown bytes that are not printable ASCII are starred too. */
	CHECK_STR(masked(cg_mask_phone, "123456\x1b", 64), "***456*");
	CHECK_STR(masked(cg_mask_phone, "1381234五", 64), "******4***");
}

TEST(phone_truncated)
{
	CHECK_STR(masked(cg_mask_phone, "13812348000", 12), "138****8000");
	CHECK_STR(masked(cg_mask_phone, "13812348000", 11), "138****800");
	CHECK_STR(masked(cg_mask_phone, "13812348000", 5), "138*");
	CHECK_STR(masked(cg_mask_phone, "1234", 3), "**");
	CHECK_STR(masked(cg_mask_phone, "13812348000", 1), "");
	CHECK_STR(masked(cg_mask_phone, "13812348000", 0), "(nothing)");
}

TEST(id_no)
{
	CHECK_STR(masked(cg_mask_id_no, "110101199003074514", 64),
		  "1101**********4514");
	CHECK_STR(masked(cg_mask_id_no, "11010519491231002X", 64),
		  "1101**********002X");
	CHECK_STR(masked(cg_mask_id_no, "11010119900307451", 64),
		  "11*************51");
	CHECK_STR(masked(cg_mask_id_no, "1101011990030745140", 64),
		  "11***************40");
	CHECK_STR(masked(cg_mask_id_no, "12345678", 64), "12****78");
	CHECK_STR(masked(cg_mask_id_no, "1234567", 64), "*******");
	CHECK_STR(masked(cg_mask_id_no, "", 64), "");
	CHECK_STR(masked(cg_mask_id_no, NULL, 64), "");
	CHECK_STR(masked(cg_mask_id_no, "\n2345678", 64), "*2****78");
}

TEST(id_no_truncated)
{
	CHECK_STR(masked(cg_mask_id_no, "110101199003074514", 19),
		  "1101**********4514");
	CHECK_STR(masked(cg_mask_id_no, "110101199003074514", 18),
		  "1101**********451");
	CHECK_STR(masked(cg_mask_id_no, "110101199003074514", 6), "1101*");
	CHECK_STR(masked(cg_mask_id_no, "1234567", 4), "***");
	CHECK_STR(masked(cg_mask_id_no, "110101199003074514", 1), "");
	CHECK_STR(masked(cg_mask_id_no, "110101199003074514", 0), "(nothing)");
}

/* outlen 0 must leave out alone entirely. */
TEST(zero_outlen)
{
	char out[4] = "abc";

	CHECK(cg_mask_name("张三", out, 0) == out);
	CHECK(cg_mask_phone("13812348000", out, 0) == out);
	CHECK(cg_mask_id_no("110101199003074514", out, 0) == out);
	CHECK_STR(out, "abc");
}

int main(void)
{
	RUN(name);
	RUN(name_invalid_utf8);
	RUN(name_truncated);
	RUN(phone);
	RUN(phone_truncated);
	RUN(id_no);
	RUN(id_no_truncated);
	RUN(zero_outlen);
	return UNIT_DONE();
}
