#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "rules/validate.h"
#include "unit.h"

#define TZ_SHANGHAI "CST-8"	/* Asia/Shanghai without needing tzdata */

#define R_LENGTH "must be 18 characters"
#define R_DIGITS "must be 17 digits and a check digit"
#define R_PROVINCE "unknown province code"
#define R_BIRTH "invalid birth date"
#define R_FUTURE "birth date in the future"
#define R_CHECK "wrong check character"
#define R_PHONE "not a mainland mobile number"
#define R_RANGE "not in a mobile range of China's numbering plan"
#define R_HOUSEHOLD "must be building-unit-room or building-room, e.g. 3-2-501 or 12-301"
#define R_HOUSEHOLD_UNITS "must be building-unit-room, e.g. 3-2-501"
#define R_HOUSEHOLD_NO_UNITS "must be building-room, e.g. 12-301 (this compound has no units)"

/* 2026-01-25T08:00:00+08:00 */
#define NOW 1769299200LL

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/*
 * An independent MOD 11-2: the check value is (12 - sum(d_i * 2^(17-i))
 * mod 11) mod 11, with 10 written X (the weights 7 9 10 ... are 2^k mod
 * 11).  Writes the 17 digits of body and their check character into id.
 */
static void make_id(const char *body, char id[CG_ID_NO_LEN])
{
	int i, sum = 0, pow = 1, check;

	for (i = 16; i >= 0; i--) {
		pow = pow * 2 % 11;
		sum += (body[i] - '0') * pow;
	}
	check = (12 - sum % 11) % 11;
	memcpy(id, body, 17);
	id[17] = check == 10 ? 'X' : (char)('0' + check);
	id[18] = '\0';
}

/* The reason for s, or "ok" with out checked against want. */
static const char *id_check(const char *s, cg_time_t now, const char *want)
{
	char out[CG_ID_NO_LEN];
	const char *why = "unset";

	if (cg_valid_id_no(s, now, out, &why) < 0) {
		if (out[0])
			return "out not cleared";
		return why;
	}
	if (strcmp(out, want ? want : s))
		return "wrong normalised form";
	return "ok";
}

TEST(id_known_good)
{
	/*
	 * Check characters worked by hand, weights 7 9 10 5 8 4 2 1 6 3 7 9
	 * 10 5 8 4 2 and "10X98765432"[sum % 11]:
	 * 11010519491231002X (the GB 11643 example):
	 *   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 % 11 = 2 -> X
	 * 110101199003074514:
	 *   7+9+0+5+0+4+2+9+54+0+0+27+0+35+32+20+2 = 206, 206 % 11 = 8 -> 4
	 * 310104198506151237:
	 *   21+9+0+5+0+16+2+9+48+15+0+54+10+25+8+8+6 = 236, 236 % 11 = 5 -> 7
	 * 510107200012298761:
	 *   35+9+0+5+0+28+4+0+0+0+7+18+20+45+64+28+12 = 275, 275 % 11 = 0 -> 1
	 */
	CHECK_STR(id_check("11010519491231002X", NOW, NULL), "ok");
	CHECK_STR(id_check("110101199003074514", NOW, NULL), "ok");
	CHECK_STR(id_check("310104198506151237", NOW, NULL), "ok");
	CHECK_STR(id_check("510107200012298761", NOW, NULL), "ok");
}

TEST(id_computed)
{
	static const char *bodies[] = {
		"11010119900307451", "11010119900307001", "11010119900307002",
		"11010119900307010", "44030419770101123", "65010219850228000",
		"81000020000229999", "71000019000101000", "82000020251231000",
		"83000020000101001", "15000019991231888"
	};
	char id[CG_ID_NO_LEN];
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		make_id(bodies[i], id);
		CHECK_STR(id_check(id, NOW, NULL), "ok");
	}
	make_id("11010119900307451", id);
	CHECK_STR(id, "110101199003074514");
	make_id("11010519491231002", id);
	CHECK_STR(id, "11010519491231002X");
}

TEST(id_every_wrong_check)
{
	static const char checks[] = "0123456789Xx";
	char id[CG_ID_NO_LEN] = "110101199003074514";
	size_t i;

	for (i = 0; checks[i]; i++) {
		id[17] = checks[i];
		if (checks[i] == '4')
			CHECK_STR(id_check(id, NOW, NULL), "ok");
		else
			CHECK_STR(id_check(id, NOW, NULL), R_CHECK);
	}
	/* And every wrong one where X is right. */
	strcpy(id, "11010519491231002X");
	for (i = 0; i < 10; i++) {
		id[17] = checks[i];
		CHECK_STR(id_check(id, NOW, NULL), R_CHECK);
	}
	/* A changed body digit is caught as well. */
	CHECK_STR(id_check("110101199003074524", NOW, NULL), R_CHECK);
}

TEST(id_lowercase_x)
{
	CHECK_STR(id_check("11010519491231002x", NOW, "11010519491231002X"),
		  "ok");
	CHECK_STR(id_check("11010119900307002x", NOW, "11010119900307002X"),
		  "ok");
}

TEST(id_length)
{
	CHECK_STR(id_check("", NOW, NULL), R_LENGTH);
	CHECK_STR(id_check("11010119900307451", NOW, NULL), R_LENGTH);
	CHECK_STR(id_check("1101011990030745140", NOW, NULL), R_LENGTH);
	/* Bytes, not characters: six CJK characters are 18 bytes. */
	CHECK_STR(id_check("张三李四王五", NOW, NULL), R_DIGITS);
}

TEST(id_letters)
{
	CHECK_STR(id_check("1101011990030A4514", NOW, NULL), R_DIGITS);
	CHECK_STR(id_check("A10101199003074514", NOW, NULL), R_DIGITS);
	CHECK_STR(id_check("110101-99003074514", NOW, NULL), R_DIGITS);
	CHECK_STR(id_check(" 10101199003074514", NOW, NULL), R_LENGTH);
	CHECK_STR(id_check("11010119900307451Y", NOW, NULL), R_DIGITS);
	CHECK_STR(id_check("1101011990030745X4", NOW, NULL), R_DIGITS);
}

TEST(id_province)
{
	static const int good[] = {
		11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
		71, 81, 82, 83
	};
	char body[18] = "11010119900307451";
	char id[CG_ID_NO_LEN];
	int code, i, n = 0;

	for (code = 0; code <= 99; code++) {
		int known = 0;

		for (i = 0; i < (int)(sizeof(good) / sizeof(good[0])); i++)
			known |= good[i] == code;
		body[0] = (char)('0' + code / 10);
		body[1] = (char)('0' + code % 10);
		make_id(body, id);
		if (known) {
			CHECK_STR(id_check(id, NOW, NULL), "ok");
			n++;
		} else {
			CHECK_STR(id_check(id, NOW, NULL), R_PROVINCE);
		}
	}
	CHECK_INT(n, 35);
	make_id("99010119900307451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_PROVINCE);
}

TEST(id_birth_date)
{
	char id[CG_ID_NO_LEN];

	make_id("11010119900230451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010120230229451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010120240229451", id);
	CHECK_STR(id_check(id, NOW, NULL), "ok");
	make_id("11010119000229451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010118991231451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010119000101451", id);
	CHECK_STR(id_check(id, NOW, NULL), "ok");
	make_id("11010119901301451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010119900001451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010119900100451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010119900431451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	make_id("11010100000101451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_BIRTH);
	/* The date is checked before the check character. */
	CHECK_STR(id_check("110101199002304510", NOW, NULL), R_BIRTH);
}

TEST(id_future)
{
	char id[CG_ID_NO_LEN];

	set_tz(TZ_SHANGHAI);
	make_id("11010120260125451", id);
	CHECK_STR(id_check(id, NOW, NULL), "ok");
	make_id("11010120260126451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_FUTURE);
	make_id("11010120270101451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_FUTURE);
	make_id("11010199991231451", id);
	CHECK_STR(id_check(id, NOW, NULL), R_FUTURE);

	/*
	 * 2026-01-24T16:30:00Z is already the 25th in Shanghai but still
	 * the 24th in UTC: "today" is the local date.
	 */
	make_id("11010120260125451", id);
	CHECK_STR(id_check(id, 1769272200LL, NULL), "ok");
	set_tz("UTC0");
	CHECK_STR(id_check(id, 1769272200LL, NULL), R_FUTURE);
}

TEST(id_why_optional)
{
	char out[CG_ID_NO_LEN];

	CHECK_INT(cg_valid_id_no("bad", NOW, out, NULL), -1);
	CHECK_INT(cg_valid_id_no("110101199003074514", NOW, out, NULL), 0);
	CHECK_STR(out, "110101199003074514");
}

static const char *phone(const char *s, char out[CG_PHONE_LEN])
{
	const char *why = "unset";

	if (cg_valid_phone(s, out, &why) < 0)
		return why;
	return out;
}

TEST(phone_forms)
{
	char out[CG_PHONE_LEN];

	CHECK_STR(phone("13812348000", out), "13812348000");
	CHECK_STR(phone("+86 138-1234-8000", out), "13812348000");
	CHECK_STR(phone("0086 13812348000", out), "13812348000");
	CHECK_STR(phone("(+86)13812348000", out), "13812348000");
	CHECK_STR(phone("+8613812348000", out), "13812348000");
	CHECK_STR(phone("8613812348000", out), "13812348000");
	CHECK_STR(phone("86 138 1234 8000", out), "13812348000");
	CHECK_STR(phone("138.1234.8000", out), "13812348000");
	CHECK_STR(phone("(138) 1234-8000", out), "13812348000");
	CHECK_STR(phone("19912348000", out), "19912348000");
	CHECK_STR(phone("13012348000", out), "13012348000");
	/* The forms of issue 19: national prefix, "(0)", any space, full
	 * width. */
	CHECK_STR(phone("013800138000", out), "13800138000");
	CHECK_STR(phone("0138-0013-8000", out), "13800138000");
	CHECK_STR(phone("+86 (0) 138 0013 8000", out), "13800138000");
	CHECK_STR(phone("+86(0)13800138000", out), "13800138000");
	CHECK_STR(phone("0086 (0)138 0013 8000", out), "13800138000");
	CHECK_STR(phone("1381234\t8000", out), "13812348000");
	CHECK_STR(phone("13812348000\n", out), "13812348000");
	CHECK_STR(phone("\t13812348000\r\n", out), "13812348000");
	CHECK_STR(phone("138\u30001234\u30008000", out), "13812348000");
	CHECK_STR(phone("138\u00a01234\u00a08000", out), "13812348000");
	CHECK_STR(phone("\ufeff138\u202f1234\u20098000", out), "13812348000");
	CHECK_STR(phone("１３８１２３４８０００", out), "13812348000");
	CHECK_STR(phone("＋８６　１３８－１２３４－８０００", out), "13812348000");
	CHECK_STR(phone("（＋８６）１３８１２３４８０００", out), "13812348000");
	CHECK_STR(phone("138\u20141234\u20148000", out), "13812348000");
}

/*
 * libphonenumber's CN mobile pattern (resources/PhoneNumberMetadata.xml,
 * v9.0.35), copied as POSIX ERE: the independent judge of every prefix.
 */
#define LIBPHONENUMBER_CN_MOBILE \
	"^(1(610[0-9]|740[0-5])[0-9]{6}|" \
	"1([38][0-9]|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])[0-9]{8})$"

TEST(phone_every_range_boundary)
{
	regex_t re;
	char num[24], out[CG_PHONE_LEN];
	int accepted = 0;

	CHECK_INT(regcomp(&re, LIBPHONENUMBER_CN_MOBILE, REG_EXTENDED | REG_NOSUB), 0);
	/* Every 5-digit prefix from 13000 to 19999, with the lowest and the
	 * highest number after it: each range's first and last number. */
	for (int pre = 13000; pre <= 19999; pre++) {
		for (int hi = 0; hi < 2; hi++) {
			snprintf(num, sizeof(num), "%d%s", pre, hi ? "999999" : "000000");
			int want = regexec(&re, num, 0, NULL, 0) == 0;

			CHECK_STR(phone(num, out), want ? num : R_RANGE);
			accepted += want;
		}
	}
	regfree(&re);
	/* Of 7000 prefixes (14000 numbers), these many are mobiles. */
	CHECK_INT(accepted, 2 * (1000 + 1000 + 100 + 100 + 400 + 500 + 10 + 100 +
				 300 + 400 + 6 + 400 + 400 + 500));
}

TEST(phone_refused_ranges)
{
	char out[CG_PHONE_LEN];
	static const char *const refused[] = {
		"14012348000", "14112348000", "14212348000", "14312348000",
		"14412348000", "14612348000", "14812348000", "14912348000",
		"15412348000", "16012348000", "16112348000", "16119999999",
		"16110000000", "16312348000", "16412348000", "16812348000",
		"16912348000", "17412348000", "17406000000", "17499999999", "17912348000", "19412348000",
		/* no 10x, 11x, 12x mobiles at all */
		"10012348000", "11012348000", "12012348000",
	};
	static const char *const taken[] = {
		"14512348000", "14712348000", "15012348000", "15312348000",
		"15512348000", "15912348000", "16100000000", "16109999999",
		"16212348000", "16512348000", "16712348000", "17012348000",
		"17312348000", "17399999999", "17400000000", "17405999999", "17512348000",
		"17812348000", "18012348000", "18912348000", "19012348000",
		"19312348000", "19512348000", "19912348000",
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *want = refused[i][1] < '3' ? R_PHONE : R_RANGE;

		CHECK_STR(phone(refused[i], out), want);
	}
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		CHECK_STR(phone(taken[i], out), taken[i]);
	/* A refused range keeps its reason whatever the form. */
	CHECK_STR(phone("+86 140 1234 8000", out), R_RANGE);
	CHECK_STR(phone("014012348000", out), R_RANGE);
}

TEST(phone_bad)
{
	char out[CG_PHONE_LEN];

	CHECK_STR(phone("12812348000", out), R_PHONE);
	CHECK_STR(phone("10012348000", out), R_PHONE);
	CHECK_STR(phone("23812348000", out), R_PHONE);
	CHECK_STR(phone("1381234800", out), R_PHONE);
	CHECK_STR(phone("138123480001", out), R_PHONE);
	CHECK_STR(phone("+86 1381234800", out), R_PHONE);
	CHECK_STR(phone("+1 2025550123", out), R_PHONE);
	CHECK_STR(phone("+8513812348000", out), R_PHONE);
	CHECK_STR(phone("+86+8613812348000", out), R_PHONE);
	CHECK_STR(phone("1381234800a", out), R_PHONE);
	CHECK_STR(phone("138 1234 800O", out), R_PHONE);
	CHECK_STR(phone("13812348000+", out), R_PHONE);
	CHECK_STR(phone("", out), R_PHONE);
	CHECK_STR(phone("  --  ", out), R_PHONE);
	CHECK_STR(phone("138123480001381234800013812348000", out), R_PHONE);
	CHECK_STR(phone("0013812348000", out), R_PHONE);
	CHECK_STR(phone("+86 00 13812348000", out), R_PHONE);
	CHECK_STR(phone("１３８１２３４８０００１", out), R_PHONE);
	CHECK_STR(phone("\u3000\u3000", out), R_PHONE);
	/* 86 is a prefix only when 11 digits follow it. */
	CHECK_STR(phone("861381234800", out), R_PHONE);
	CHECK_STR(out, "");
}

static const char *household(const char *s, char out[CG_HOUSEHOLD_LEN])
{
	const char *why = "unset";

	if (cg_valid_household(s, CG_HOUSEHOLD_ANY, out, &why) < 0)
		return why;
	return out;
}

static const char *household_in(const char *s, enum cg_household_form f,
				char out[CG_HOUSEHOLD_LEN])
{
	const char *why = "unset";

	if (cg_valid_household(s, f, out, &why) < 0)
		return why;
	return out;
}

TEST(household_written_forms)
{
	char out[CG_HOUSEHOLD_LEN];

	CHECK_STR(household("3栋2单元501", out), "3-2-501");
	CHECK_STR(household("3号楼2单元501室", out), "3-2-501");
	CHECK_STR(household("3幢2单元501号", out), "3-2-501");
	CHECK_STR(household("A座1单元1102", out), "A-1-1102");
	CHECK_STR(household("3 栋 2 单元 501", out), "3-2-501");
	CHECK_STR(household("３栋２单元５０１", out), "3-2-501");
	CHECK_STR(household("3－2－501", out), "3-2-501");
	CHECK_STR(household("3/2/501", out), "3-2-501");
	CHECK_STR(household("3／2／501", out), "3-2-501");
	CHECK_STR(household("3—2—501", out), "3-2-501");
	CHECK_STR(household("3-2-501 ", out), "3-2-501");
	CHECK_STR(household(" 3-2-501\n", out), "3-2-501");
	CHECK_STR(household("3-2-501室", out), "3-2-501");
	CHECK_STR(household("12-301", out), "12-301");
	CHECK_STR(household("12栋301", out), "12-301");
	CHECK_STR(household("12号楼301室", out), "12-301");
	CHECK_STR(household("12/301", out), "12-301");
	CHECK_STR(household("3 2 501", out), R_HOUSEHOLD);
}

TEST(household_compound_form)
{
	char out[CG_HOUSEHOLD_LEN];

	CHECK_STR(household_in("3-2-501", CG_HOUSEHOLD_UNITS, out), "3-2-501");
	CHECK_STR(household_in("3栋2单元501", CG_HOUSEHOLD_UNITS, out), "3-2-501");
	CHECK_STR(household_in("12-301", CG_HOUSEHOLD_UNITS, out), R_HOUSEHOLD_UNITS);
	CHECK_STR(household_in("12栋301", CG_HOUSEHOLD_UNITS, out), R_HOUSEHOLD_UNITS);
	CHECK_STR(household_in("12-301", CG_HOUSEHOLD_NO_UNITS, out), "12-301");
	CHECK_STR(household_in("12幢301室", CG_HOUSEHOLD_NO_UNITS, out), "12-301");
	CHECK_STR(household_in("3-2-501", CG_HOUSEHOLD_NO_UNITS, out), R_HOUSEHOLD_NO_UNITS);
	CHECK_STR(household_in("3", CG_HOUSEHOLD_NO_UNITS, out), R_HOUSEHOLD_NO_UNITS);
	CHECK_STR(out, "");
}

TEST(household_forms)
{
	char out[CG_HOUSEHOLD_LEN];

	CHECK_STR(household("3-2-501", out), "3-2-501");
	CHECK_STR(household("a3-1-1102", out), "A3-1-1102");
	CHECK_STR(household("b-c-d", out), "B-C-D");
	CHECK_STR(household("12345678-abcdefgh-ABCD1234", out),
		  "12345678-ABCDEFGH-ABCD1234");
}

TEST(household_bad)
{
	char out[CG_HOUSEHOLD_LEN];

	CHECK_STR(household("单元501", out), R_HOUSEHOLD);
	CHECK_STR(household("3单元2栋501", out), R_HOUSEHOLD);
	CHECK_STR(household("3栋2栋501", out), R_HOUSEHOLD);
	CHECK_STR(household("3-2单元", out), R_HOUSEHOLD);
	CHECK_STR(household("3-2-501室5", out), R_HOUSEHOLD);
	CHECK_STR(household("501室", out), R_HOUSEHOLD);
	CHECK_STR(household("3--2", out), R_HOUSEHOLD);
	CHECK_STR(household("3-2-501-", out), R_HOUSEHOLD);
	CHECK_STR(household("3\\2\\501", out), R_HOUSEHOLD);
	CHECK_STR(household("3--501", out), R_HOUSEHOLD);
	CHECK_STR(household("3-2-501-1", out), R_HOUSEHOLD);
	CHECK_STR(household("3-2-五01", out), R_HOUSEHOLD);
	CHECK_STR(household("123456789-1-1", out), R_HOUSEHOLD);
	CHECK_STR(household("1-1-123456789", out), R_HOUSEHOLD);
	CHECK_STR(household("-2-501", out), R_HOUSEHOLD);
	CHECK_STR(household("3-2-", out), R_HOUSEHOLD);
	CHECK_STR(household("3_2_501", out), R_HOUSEHOLD);
	CHECK_STR(household("", out), R_HOUSEHOLD);
	CHECK_STR(household("-", out), R_HOUSEHOLD);
	CHECK_STR(household("--", out), R_HOUSEHOLD);
	CHECK_STR(household("3", out), R_HOUSEHOLD);
	/* Long input must not run past out. */
	CHECK_STR(household("12345678-12345678-12345678-12345678-12345678",
			    out), R_HOUSEHOLD);
	CHECK_STR(household("1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", out),
		  R_HOUSEHOLD);
	CHECK_STR(out, "");
}

/* Exactly the double the decimal text parses to: what the stored value is. */
static const char *temp_text(double t)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%.17g", t);
	return buf;
}

TEST(temp_round)
{
	char want[64];

	snprintf(want, sizeof(want), "%.17g", 37.3);
	CHECK_STR(temp_text(cg_temp_round(37.25)), want);
	CHECK_STR(temp_text(cg_temp_round(37.2999999)), want);
	CHECK_STR(temp_text(cg_temp_round(37.29999999999999)), want);
	CHECK_STR(temp_text(cg_temp_round(37.3)), want);
	CHECK_STR(temp_text(cg_temp_round(37.34999)), want);
	snprintf(want, sizeof(want), "%.17g", 37.2);
	CHECK_STR(temp_text(cg_temp_round(37.24999)), want);
	CHECK_STR(temp_text(cg_temp_round(37.2)), want);
	snprintf(want, sizeof(want), "%.17g", 37.0);
	CHECK_STR(temp_text(cg_temp_round(36.95)), want);
	snprintf(want, sizeof(want), "%.17g", 36.6);
	CHECK_STR(temp_text(cg_temp_round(36.55)), want);
	snprintf(want, sizeof(want), "%.17g", 35.1);
	CHECK_STR(temp_text(cg_temp_round(35.05)), want);
	snprintf(want, sizeof(want), "%.17g", 42.5);
	CHECK_STR(temp_text(cg_temp_round(42.45)), want);
	snprintf(want, sizeof(want), "%.17g", -0.2);
	CHECK_STR(temp_text(cg_temp_round(-0.15)), want);
	/* Idempotent: a stored value rounds to itself. */
	for (int i = 300; i <= 450; i++)
		CHECK(cg_temp_round(i / 10.0) == i / 10.0);
	/* Every two-decimal half in range goes up. */
	for (int i = 3000; i <= 4500; i += 10) {
		double half = (i + 5) / 100.0;

		CHECK(cg_temp_round(half) == (i / 10 + 1) / 10.0);
	}
}

int main(void)
{
	RUN(id_known_good);
	RUN(id_computed);
	RUN(id_every_wrong_check);
	RUN(id_lowercase_x);
	RUN(id_length);
	RUN(id_letters);
	RUN(id_province);
	RUN(id_birth_date);
	RUN(id_future);
	RUN(id_why_optional);
	RUN(phone_forms);
	RUN(phone_bad);
	RUN(phone_every_range_boundary);
	RUN(phone_refused_ranges);
	RUN(household_forms);
	RUN(household_written_forms);
	RUN(household_compound_form);
	RUN(household_bad);
	RUN(temp_round);
	return UNIT_DONE();
}
