#include <stdlib.h>
#include <string.h>

#include "core/error.h"
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

static const char *message(const char *s)
{
	return masked(cg_mask_message, s, strlen(s) + 1);
}

TEST(messages)
{
	char buf[64];

	CHECK_STR(message("invalid host '110101199003074514': must be building-unit-room"),
		  "invalid host '1101**********4514': must be building-unit-room");
	CHECK_STR(message("unknown pass '11010119900307451X'"), "unknown pass '1101**********451X'");
	CHECK_STR(message("unknown pass '11010119900307451x'"), "unknown pass '1101**********451X'");
	CHECK_STR(message("unknown gate '13812348000' (see 'gates')"),
		  "unknown gate '138****8000' (see 'gates')");
	CHECK_STR(message("13812348000"), "138****8000");
	CHECK_STR(message("a 110101900307451 b"), "a 11***********51 b");
	CHECK_STR(message("gate '+86 138-1234-8000'"), "gate '+86 138****8000'");
	CHECK_STR(message("gate '+8613812348000'"), "gate '+86138****8000'");
	CHECK_STR(message("gate '008613812348000'"), "gate '0086138****8000'");
	CHECK_STR(message("gate '8613812348000'"), "gate '86138****8000'");
	CHECK_STR(message("138 1234 8000 and 138.1234.8000"), "138****8000 and 138****8000");
	CHECK_STR(message("张三 13812348000，110101199003074514。"),
		  "张三 138****8000，1101**********4514。");
	CHECK_STR(message("stdin:3: kind '13812348000' and '110101199003074514'"),
		  "stdin:3: kind '138****8000' and '1101**********4514'");
	/* Not a phone or an ID: left alone. */
	CHECK_STR(message("1381234800"), "1381234800");
	CHECK_STR(message("138123480001"), "138123480001");
	CHECK_STR(message("23812348000"), "23812348000");
	CHECK_STR(message("+23812348000"), "+23812348000");
	CHECK_STR(message("+13812348000"), "+13812348000");
	CHECK_STR(message("1101011990030745141"), "1101011990030745141");
	CHECK_STR(message("x13812348000"), "x13812348000");
	CHECK_STR(message("13812348000b"), "13812348000b");
	CHECK_STR(message("sha256:ab13812348000cd"), "sha256:ab13812348000cd");
	CHECK_STR(message("2026-01-25T08:00:00+08:00 37.3"), "2026-01-25T08:00:00+08:00 37.3");
	CHECK_STR(message("1767225600000"), "1767225600000");
	CHECK_STR(message(""), "");
	CHECK_STR(masked(cg_mask_message, NULL, 8), "");
	/* Cut short, never past outlen; in place. */
	CHECK_STR(masked(cg_mask_message, "id 110101199003074514", 10), "id ");
	CHECK_STR(masked(cg_mask_message, "ab13812348000", 5), "ab13");
	snprintf(buf, sizeof(buf), "%s", "x +86 138 1234 8000 y 110101199003074514 z");
	CHECK_STR(cg_mask_message(buf, buf, sizeof(buf)), "x +86 138****8000 y 1101**********4514 z");
}

static void capture(void *ctx, enum cg_msg_kind kind, const char *msg)
{
	(void)kind;
	snprintf(ctx, 2048, "%s", msg);
}

/* What a notifier is handed is masked already, long messages too. */
TEST(notify_masks)
{
	static char got[2048], want[2048], pad[1500];
	struct cg_notifier n = { capture, got };

	cg_notify(&n, CG_MSG_ERROR, "%s:%lu: invalid %s '%s': %s", "stdin", 3UL, "host",
		  "110101199003074514", "must be building-unit-room");
	CHECK_STR(got, "stdin:3: invalid host '1101**********4514': must be building-unit-room");
	cg_notify(&n, CG_MSG_WARNING, "unknown gate '%s'", "+86 138 1234 8000");
	CHECK_STR(got, "unknown gate '+86 138****8000'");
	memset(pad, 'a', sizeof(pad) - 1);
	cg_notify(&n, CG_MSG_TRACE, "%s 13812348000", pad);
	snprintf(want, sizeof(want), "%s 138****8000", pad);
	CHECK_STR(got, want);
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
	RUN(messages);
	RUN(notify_masks);
	return UNIT_DONE();
}
