#include <string.h>

#include "core/form.h"

unsigned cg_utf8_decode(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned c = p[0];

	if (c < 0x80) {
		*s = p + 1;
		return c;
	}
	if (c >= 0xC0 && c < 0xE0 && p[1]) {
		*s = p + 2;
		return (c & 0x1F) << 6 | (p[1] & 0x3F);
	}
	if (c >= 0xC0 && c < 0xF0 && p[1] && p[2]) {
		*s = p + 3;
		return (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	}
	if (c >= 0xC0 && p[1] && p[2] && p[3]) {
		*s = p + 4;
		return (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	}
	*s = p + 1;	/* not valid UTF-8: kept byte by byte */
	return c;
}

size_t cg_utf8_encode(unsigned c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3F));
	out[2] = (char)(0x80 | (c >> 6 & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

int cg_unicode_space(unsigned c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static int is_dash(unsigned c)
{
	return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0x30FC;
}

int cg_form_fold(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0;

	while (*p) {
		const unsigned char *from = p;
		unsigned c;
		size_t k;

		/* Most of what is folded is printable ASCII, kept as it is. */
		if (*p > ' ' && *p < 0x7F) {
			if (len + 1 >= n) {
				out[0] = '\0';
				return -1;
			}
			out[len++] = (char)*p++;
			continue;
		}
		c = cg_utf8_decode(&p);

		if (cg_unicode_space(c))
			continue;
		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFEE0;	/* full-width ASCII */
		else if (is_dash(c))
			c = '-';
		/* Anything else is copied as it came, valid UTF-8 or not. */
		k = c < 0x80 ? 1 : (size_t)(p - from);
		if (len + k >= n) {
			out[0] = '\0';
			return -1;
		}
		if (c < 0x80)
			out[len] = (char)c;
		else
			memcpy(out + len, from, k);
		len += k;
	}
	out[len] = '\0';
	return 0;
}

static const char *const household_forms[] = {
	[CG_HOUSEHOLD_ANY] = "any",
	[CG_HOUSEHOLD_UNITS] = "building-unit-room",
	[CG_HOUSEHOLD_NO_UNITS] = "building-room",
};

const char *cg_household_form_name(enum cg_household_form f)
{
	return household_forms[f];
}

int cg_household_form_parse(const char *s, enum cg_household_form *f)
{
	for (size_t i = 0; i < sizeof(household_forms) / sizeof(household_forms[0]); i++)
		if (!strcmp(s, household_forms[i])) {
			*f = (enum cg_household_form)i;
			return 0;
		}
	return -1;
}
