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

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_sep(char c)
{
	return c == ' ' || c == '-' || c == '.';
}

#define RUN_MAX 20

/*
 * The number that starts at s (after a boundary): its digits (and a final
 * X) into d, NUL-terminated, and the length of the text they span; 0 when
 * it is not a run of digits or is too long to be either number.
 */
static size_t number_at(const char *s, char d[RUN_MAX + 1], size_t *nd)
{
	size_t i = 0, n = 0;

	if (s[i] == '+')
		i++;
	if (!is_digit(s[i]))
		return 0;
	for (;;) {
		if (is_digit(s[i])) {
			if (n == RUN_MAX)
				return 0;
			d[n++] = s[i++];
		} else if ((s[i] == 'X' || s[i] == 'x') && n == 17 && !is_alnum(s[i + 1])) {
			d[n++] = 'X';
			i++;
			break;
		} else if (is_sep(s[i]) && (is_digit(s[i + 1]) ||
					    (n == 17 && (s[i + 1] == 'X' || s[i + 1] == 'x')))) {
			i++;
		} else {
			break;
		}
	}
	if (is_alnum(s[i]))
		return 0;
	d[n] = '\0';
	*nd = n;
	return i;
}

/* Where the 11 digits of a mobile number start in d, or -1. */
static int phone_in(const char *d, size_t n, int plus)
{
	size_t skip = n == 15 && !strncmp(d, "0086", 4) ? 4 :
		      n == 13 && !strncmp(d, "86", 2) ? 2 : n == 11 && !plus ? 0 : 99;

	if (skip == 99 || d[skip] != '1' || d[n - 1] == 'X')
		return -1;
	return (int)skip;
}

char *cg_mask_message(const char *msg, char *out, size_t outlen)
{
	char d[RUN_MAX + 1], m[RUN_MAX + 1];
	size_t i = 0, o = 0, span, nd, k, mlen;
	int skip;

	if (!outlen)
		return out;
	if (!msg)
		msg = "";
	while (msg[i] && o + 1 < outlen) {
		span = (i && is_alnum(msg[i - 1])) ? 0 : number_at(msg + i, d, &nd);
		if (!span) {
			out[o++] = msg[i++];
			continue;
		}
		if ((skip = phone_in(d, nd, msg[i] == '+')) >= 0) {
			/* The prefix as written, then the masked number. */
			/* (Each byte is read before out, which is never
			 * ahead of it, can overwrite it.) */
			for (k = i, nd = 0; k < i + span && o + 1 < outlen; k++) {
				if (is_digit(msg[k]) && nd++ == (size_t)skip)
					break;
				out[o++] = msg[k];
			}
			cg_mask_phone(d + skip, m, sizeof(m));
		} else if (msg[i] != '+' && (nd == 18 || nd == 15)) {
			cg_mask_id_no(d, m, sizeof(m));
		} else {
			/* Neither: copied as it is. */
			for (k = 0; k < span && o + 1 < outlen; k++)
				out[o++] = msg[i + k];
			i += span;
			continue;
		}
		mlen = strlen(m);
		if (o + mlen >= outlen)
			break;
		memcpy(out + o, m, mlen);
		o += mlen;
		i += span;
	}
	out[o] = '\0';
	return out;
}
