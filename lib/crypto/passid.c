#include <ctype.h>
#include <string.h>
#include <sodium.h>

#include "crypto/passid.h"

static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

void cg_passid_format(uint64_t value, char out[CG_PASSID_TEXT])
{
	char digits[8];

	value &= (1ULL << CG_PASSID_BITS) - 1;
	for (int i = 7; i >= 0; i--)
		digits[7 - i] = symbols[(value >> (5 * i)) & 31];
	memcpy(out, digits, 4);
	out[4] = '-';
	memcpy(out + 5, digits + 4, 4);
	out[9] = '-';
	out[10] = symbols[value % 37];
	out[11] = '\0';
}

static int symbol_value(char c, int max)
{
	const char *p = memchr(symbols, c, (size_t)max);

	return p && c ? (int)(p - symbols) : -1;
}

int cg_passid_parse(const char *s, uint64_t *value)
{
	char norm[CG_PASS_ID_LEN];
	uint64_t v = 0;
	int check;

	cg_pass_id_normalise(s, norm);
	if (strlen(norm) != 9)
		return -1;
	for (int i = 0; i < 8; i++) {
		int d = symbol_value(norm[i], 32);

		if (d < 0)
			return -1;
		v = v << 5 | (uint64_t)d;
	}
	check = symbol_value(norm[8], 37);
	if (check < 0 || (uint64_t)check != v % 37)
		return -1;
	*value = v;
	return 0;
}

uint64_t cg_passid_random(void)
{
	unsigned char b[5];
	uint64_t v = 0;

	randombytes_buf(b, sizeof(b));
	for (int i = 0; i < 5; i++)
		v = v << 8 | b[i];
	return v;
}

void cg_pass_id_normalise(const char *in, char out[CG_PASS_ID_LEN])
{
	size_t n = 0;

	for (; *in && n < CG_PASS_ID_LEN - 1; in++) {
		int c = toupper((unsigned char)*in);

		if (c == '-' || c == ' ')
			continue;
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		out[n++] = (char)c;
	}
	out[n] = '\0';
}
