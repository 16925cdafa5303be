#include <string.h>

#include "core/mask.h"

/*
 * Length of the well-formed UTF-8 sequence at p (1-4), or 0.  Overlong
 * forms, surrogates and code points past U+10FFFF are refused so that a
 * crafted name cannot smuggle bytes past the one-character rule.
 */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned int c = p[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p; p += n)
		if (!(n = utf8_len(p)))
			return 0;
	return 1;
}

/*
 * Append n bytes at out[*len] only when they fit with the final NUL:
 * a truncated result never ends inside a UTF-8 sequence.
 */
static int put(char *out, size_t outlen, size_t *len, const char *s, size_t n)
{
	if (*len + n >= outlen)
		return -1;
	memcpy(out + *len, s, n);
	*len += n;
	return 0;
}

static char *stars(size_t count, char *out, size_t outlen)
{
	size_t len = 0;

	while (count-- > 0 && put(out, outlen, &len, "*", 1) == 0)
		;
	out[len] = '\0';
	return out;
}

char *cg_mask_name(const char *name, char *out, size_t outlen)
{
	const unsigned char *p;
	size_t len = 0, n;

	if (!outlen)
		return out;
	if (!name)
		name = "";
	if (!utf8_valid(name))
		return stars(strlen(name), out, outlen);
	p = (const unsigned char *)name;
	if (!*p)
		return stars(0, out, outlen);
	n = utf8_len(p);
	/* A one-character name would be shown whole. */
	if (!p[n])
		return stars(1, out, outlen);
	if (put(out, outlen, &len, name, n) == 0)
		for (p += n; *p; p += n) {
			n = utf8_len(p);
			if (put(out, outlen, &len, "*", 1) < 0)
				break;
		}
	out[len] = '\0';
	return out;
}

/*
 * Show s[0..head) and its last tail bytes, '*' elsewhere.  A shown byte
 * that is not printable ASCII is starred too: these fields are ASCII once
 * valid, and raw input must not put escapes or broken UTF-8 on a terminal.
 */
static char *keep_ends(const char *s, size_t head, size_t tail, char *out,
		       size_t outlen)
{
	size_t len = strlen(s), i, o = 0;
	char c;

	for (i = 0; i < len && o + 1 < outlen; i++) {
		c = s[i];
		if ((i >= head && i < len - tail) || c < 0x20 || c > 0x7e)
			c = '*';
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

char *cg_mask_phone(const char *phone, char *out, size_t outlen)
{
	size_t len;

	if (!outlen)
		return out;
	if (!phone)
		phone = "";
	len = strlen(phone);
	if (len == 11)
		return keep_ends(phone, 3, 4, out, outlen);
	if (len <= 4)
		return stars(len, out, outlen);
	return keep_ends(phone, 0, 4, out, outlen);
}

char *cg_mask_id_no(const char *id_no, char *out, size_t outlen)
{
	size_t len;

	if (!outlen)
		return out;
	if (!id_no)
		id_no = "";
	len = strlen(id_no);
	if (len == 18)
		return keep_ends(id_no, 4, 4, out, outlen);
	if (len < 8)
		return stars(len, out, outlen);
	return keep_ends(id_no, 2, 2, out, outlen);
}
