#include <math.h>
#include <string.h>

#include "core/clock.h"
#include "core/form.h"
#include "core/i18n.h"
#include "rules/validate.h"

/* ctype follows the locale and takes int; these are about ASCII bytes. */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* out is cleared so a caller that ignores the status prints nothing stale. */
static int fail(char *out, const char **why, const char *reason)
{
	out[0] = '\0';
	if (why)
		*why = reason;
	return -1;
}

static int num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* The first n bytes of s printable ASCII (no space), as cg_form_fold()
 * keeps them. */
static int printable_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7F)
			return 0;
	return 1;
}

/* GB/T 2260 first-level divisions, including Taiwan, Hong Kong, Macao. */
static int known_province(int code)
{
	static const struct { int lo, hi; } ranges[] = {
		{ 11, 15 }, { 21, 23 }, { 31, 37 }, { 41, 46 }, { 50, 54 },
		{ 61, 65 }, { 71, 71 }, { 81, 83 }
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (code >= ranges[i].lo && code <= ranges[i].hi)
			return 1;
	return 0;
}

/* ISO 7064 MOD 11-2 over the first 17 digits. */
static char id_check_char(const char *s)
{
	static const int weight[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * weight[i];
	return "10X98765432"[sum % 11];
}

static int id_chars_ok(const char *s)
{
	int i;

	for (i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return 0;
	return is_digit(s[17]) || s[17] == 'X' || s[17] == 'x';
}

/* -1 when the birth date is impossible, 1 when after today, else 0. */
static int id_birth_date(const char *s, cg_time_t now)
{
	char today[CG_DATE_LEN];
	int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
	int ty, tm, td;

	if (y < 1900 || !cg_date_valid(y, m, d))
		return -1;
	/* The local day of now is within a day of its UTC day (offsets are
	 * under 24 hours): a birth before that needs no local time, whose
	 * glibc conversion parses the zone's rule again on every call. */
	if (cg_days_from_civil(y, m, d) < now / 86400 - 1)
		return 0;
	cg_time_date(now, today);
	if (cg_date_parse(today, &ty, &tm, &td) < 0)
		return 0;
	if (y * 10000 + m * 100 + d > ty * 10000 + tm * 100 + td)
		return 1;
	return 0;
}

int cg_valid_id_no(const char *raw, cg_time_t now, char out[CG_ID_NO_LEN],
		   const char **why)
{
	char s[64];
	int birth;

	/* A stray space, a newline or full-width digits from an input
	 * method are how the number was typed, not what it is.  Printable
	 * ASCII folds to itself: as a record holds it, nothing to fold. */
	if (printable_ascii(raw, 18) && !raw[18])
		memcpy(s, raw, 19);
	else if (cg_form_fold(raw, s, sizeof(s)) < 0 || strlen(s) != 18)
		return fail(out, why, _("must be 18 characters"));
	if (!id_chars_ok(s))
		return fail(out, why, _("must be 17 digits and a check digit"));
	if (!known_province(num(s, 2)))
		return fail(out, why, _("unknown province code"));
	birth = id_birth_date(s, now);
	if (birth < 0)
		return fail(out, why, _("invalid birth date"));
	if (birth > 0)
		return fail(out, why, _("birth date in the future"));
	if (to_upper(s[17]) != id_check_char(s))
		return fail(out, why, _("wrong check character"));
	memcpy(out, s, 17);
	out[17] = to_upper(s[17]);
	out[18] = '\0';
	return 0;
}

/*
 * The mobile ranges of China's numbering plan, taken from libphonenumber's
 * resources/PhoneNumberMetadata.xml, territory CN, the <mobile> pattern for
 * 11 national digits (libphonenumber v9.0.35, 16 July 2026, commit
 * f7e3e88c92b9):
 *
 *   1(?:610\d|740[0-5])\d{6} |
 *   1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}
 *
 * written out as ranges of leading digits.  So 140-144, 146, 148, 149,
 * 154, 160, 161 (but 1610), 163, 164, 168, 169, 174 (but 17400-17405),
 * 179 and 194 are no carrier's mobiles.  This is the one table of them:
 * when the plan changes, change it here and the boundaries tested in
 * tests/unit/test-validate.c.  Keep the ranges in ascending order:
 * mobile_range() stops at the first one above the number.
 */
static const struct { const char *lo, *hi; } mobile_ranges[] = {
	{ "130", "139" }, { "145", "145" }, { "147", "147" },
	{ "150", "153" }, { "155", "159" }, { "1610", "1610" },
	{ "162", "162" }, { "165", "167" }, { "170", "173" },
	{ "17400", "17405" }, { "175", "178" }, { "180", "189" },
	{ "190", "193" }, { "195", "199" },
};

/* p's leading digits against the digits of bound, as memcmp() of
 * strlen(bound) bytes (a call and a strlen are most of a check). */
static int cmp_lead(const char *p, const char *bound)
{
	for (; *bound; p++, bound++)
		if (*p != *bound)
			return *p < *bound ? -1 : 1;
	return 0;
}

/* 1 when the 11 digits of p are in a mobile range. */
static int mobile_range(const char *p)
{
	/* p has 11 digits, more than any bound: never read past.  The
	 * ranges are in ascending order: below one, below all after it. */
	for (size_t i = 0; i < sizeof(mobile_ranges) / sizeof(mobile_ranges[0]); i++) {
		if (cmp_lead(p, mobile_ranges[i].lo) < 0)
			return 0;
		if (cmp_lead(p, mobile_ranges[i].hi) <= 0)
			return 1;
	}
	return 0;
}

/* Copy s to out without the characters in drop (out is as large as s). */
static void drop_chars(const char *s, const char *drop, char *out)
{
	for (; *s; s++)
		if (!strchr(drop, *s))
			*out++ = *s;
	*out = '\0';
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return s[n] == '\0';
}

/*
 * The national number in s (folded, without hyphens and dots): after the
 * country code "+86", "0086" or "86" (this one only before 11 more
 * digits), the "(0)" written after it, or the national "0" prefix.
 */
static const char *phone_national(char *s)
{
	char digits[64];
	const char *p = s;

	drop_chars(s, "()", digits);
	if (!strncmp(p, "(+86)", 5) || !strncmp(p, "(0086)", 6))
		p = strchr(p, ')') + 1;
	else if (!strncmp(p, "+86", 3))
		p += 3;
	else if (!strncmp(p, "0086", 4))
		p += 4;
	else if (!strncmp(p, "86", 2) && strlen(digits) == 13)
		p += 2;
	if (!strncmp(p, "(0)", 3))
		p += 3;
	drop_chars(p, "()", s);
	if (strlen(s) == 12 && s[0] == '0')
		return s + 1;
	return s;
}

int cg_valid_phone(const char *s, char out[CG_PHONE_LEN], const char **why)
{
	char folded[64], buf[64];
	const char *p = s;

	/* As most are typed: eleven digits, nothing to take away. */
	if (!all_digits(s, 11)) {
		if (cg_form_fold(s, folded, sizeof(folded)) < 0)
			goto bad;
		drop_chars(folded, "-.", buf);
		p = phone_national(buf);
	}
	if (!all_digits(p, 11) || p[0] != '1' || p[1] < '3')
		goto bad;
	if (!mobile_range(p))
		return fail(out, why, _("not in a mobile range of China's numbering plan"));
	memcpy(out, p, 12);
	return 0;
bad:
	return fail(out, why, _("not a mainland mobile number"));
}

/* The words written after a building, a unit and a room: 3号楼2单元501室. */
static const char *const building_words[] = { "号楼", "栋", "幢", "座", "楼", NULL };
static const char *const unit_words[] = { "单元", NULL };
static const char *const room_words[] = { "室", "号", NULL };

/* The length of the word of words that s starts with, or 0. */
static size_t word_at(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strncmp(s, *words, strlen(*words)))
			return strlen(*words);
	return 0;
}

/* After part n (from 1) of a household, what separates it from the next:
 * its length, 0 at the end (a room word may close it), -1 when wrong. */
static int household_sep(const char *s, int n)
{
	size_t k;

	if (*s == '-' || *s == '/')
		return 1;
	if (n == 1 && (k = word_at(s, building_words)))
		return (int)k;
	if (n == 2 && (k = word_at(s, unit_words)))
		return (int)k;
	k = word_at(s, room_words);
	if (n >= 2 && s[k] == '\0')
		return 0;
	return -1;
}

static const char *household_form_reason(enum cg_household_form form)
{
	switch (form) {
	case CG_HOUSEHOLD_UNITS:
		return _("must be building-unit-room, e.g. 3-2-501");
	case CG_HOUSEHOLD_NO_UNITS:
		return _("must be building-room, e.g. 12-301 (this compound has no units)");
	default:
		return _("must be building-unit-room or building-room, e.g. 3-2-501 or 12-301");
	}
}

int cg_valid_household(const char *s, enum cg_household_form form,
		       char out[CG_HOUSEHOLD_LEN], const char **why)
{
	char buf[128];
	const char *p = buf;
	size_t len = 0, part;
	int parts = 0, sep = 1;

	if (cg_form_fold(s, buf, sizeof(buf)) < 0)
		goto bad;
	while (sep > 0) {
		for (part = 0; is_alnum(*p) && part < 8; p++, part++)
			out[len++] = to_upper(*p);	/* 3 parts of 8 and 2 '-' fit */
		if (part == 0 || ++parts > 3)
			goto bad;
		sep = household_sep(p, parts);
		if (sep < 0 || (sep > 0 && parts == 3))
			goto bad;
		if (sep > 0)
			out[len++] = '-';
		p += sep;
	}
	if (parts < 2 || (parts == 2 && form == CG_HOUSEHOLD_UNITS) ||
	    (parts == 3 && form == CG_HOUSEHOLD_NO_UNITS))
		goto bad;
	out[len] = '\0';
	return 0;
bad:
	return fail(out, why, household_form_reason(form));
}

double cg_temp_round(double t)
{
	double x = t * 10, whole = trunc(x), frac = fabs(x - whole);

	if (!isfinite(x))
		return t;
	/*
	 * A reading written as a half (36.95) is a hair off it as a double
	 * (36.9500000000000028...), either way: within 1e-9 of a tenth it is
	 * taken as the half it was written as, and goes away from zero.
	 */
	if (fabs(frac - 0.5) < 1e-9)
		x = whole + (x < 0 ? -1 : 1);
	else
		x = round(x);
	return x / 10;
}
