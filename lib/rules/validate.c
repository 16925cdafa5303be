#include <math.h>
#include <string.h>

#include "core/clock.h"
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
	cg_time_date(now, today);
	if (cg_date_parse(today, &ty, &tm, &td) < 0)
		return 0;
	if (y * 10000 + m * 100 + d > ty * 10000 + tm * 100 + td)
		return 1;
	return 0;
}

int cg_valid_id_no(const char *s, cg_time_t now, char out[CG_ID_NO_LEN],
		   const char **why)
{
	int birth;

	if (strlen(s) != 18)
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

static int phone_sep(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

/*
 * Drop separators into buf (size n); -1 when too long to be a phone
 * number at all, so the buffer never needs to grow.
 */
static int phone_compact(const char *s, char *buf, size_t n)
{
	size_t len = 0;

	for (; *s; s++) {
		if (phone_sep(*s))
			continue;
		if (len + 1 >= n)
			return -1;
		buf[len++] = *s;
	}
	buf[len] = '\0';
	return 0;
}

int cg_valid_phone(const char *s, char out[CG_PHONE_LEN], const char **why)
{
	/* "0086" and 11 digits is the longest accepted form. */
	char buf[16];
	const char *p = buf;
	int i;

	if (phone_compact(s, buf, sizeof(buf)) < 0)
		goto bad;
	if (!strncmp(p, "+86", 3))
		p += 3;
	else if (!strncmp(p, "0086", 4))
		p += 4;
	else if (!strncmp(p, "86", 2) && strlen(p) == 13)
		p += 2;
	if (strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9')
		goto bad;
	for (i = 2; i < 11; i++)
		if (!is_digit(p[i]))
			goto bad;
	memcpy(out, p, 12);
	return 0;
bad:
	return fail(out, why, _("not a mainland mobile number"));
}

int cg_valid_household(const char *s, char out[CG_HOUSEHOLD_LEN],
		       const char **why)
{
	size_t len = 0, part = 0;
	int parts = 1;

	for (; *s; s++) {
		if (*s == '-') {
			if (part == 0 || parts == 3)
				break;
			part = 0;
			parts++;
		} else if (is_alnum(*s) && part < 8) {
			part++;
		} else {
			break;
		}
		/* Three parts of at most 8 and two hyphens always fit. */
		out[len++] = to_upper(*s);
	}
	if (*s || part == 0 || parts != 3)
		return fail(out, why,
			    _("must be building-unit-room, e.g. 3-2-501"));
	out[len] = '\0';
	return 0;
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
