#include "crypto/base45.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int cg_base45_encode(const unsigned char *data, size_t len, struct cg_buf *out)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		unsigned n = (unsigned)data[i] * 256 + data[i + 1];
		char c[3] = { alphabet[n % 45], alphabet[n / 45 % 45], alphabet[n / 2025] };

		if (cg_buf_add(out, c, 3) < 0)
			return -1;
	}
	if (i < len) {
		char c[2] = { alphabet[data[i] % 45], alphabet[data[i] / 45] };

		if (cg_buf_add(out, c, 2) < 0)
			return -1;
	}
	return 0;
}

/* A table, not a search: a gate decodes every token it is shown.  It
 * holds value + 1, so that the zero of every other byte means none. */
static const unsigned char values[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16, ['G'] = 17, ['H'] = 18, ['I'] = 19, ['J'] = 20,
	['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24, ['O'] = 25,
	['P'] = 26, ['Q'] = 27, ['R'] = 28, ['S'] = 29, ['T'] = 30,
	['U'] = 31, ['V'] = 32, ['W'] = 33, ['X'] = 34, ['Y'] = 35,
	['Z'] = 36, [' '] = 37, ['$'] = 38, ['%'] = 39, ['*'] = 40,
	['+'] = 41, ['-'] = 42, ['.'] = 43, ['/'] = 44, [':'] = 45,
};

static int value(char c)
{
	return values[(unsigned char)c] - 1;
}

long cg_base45_decode(const char *s, size_t len, unsigned char *out)
{
	size_t i, n = 0;

	if (len % 3 == 1)
		return -1;
	for (i = 0; i < len; i += 3) {
		int a = value(s[i]), b = value(s[i + 1]);
		int c = i + 2 < len ? value(s[i + 2]) : 0;
		unsigned v;

		if (a < 0 || b < 0 || c < 0)
			return -1;
		v = (unsigned)(a + b * 45 + c * 2025);
		if (i + 2 < len) {
			if (v > 0xFFFF)
				return -1;
			out[n++] = (unsigned char)(v >> 8);
			out[n++] = (unsigned char)(v & 0xFF);
		} else {
			if (v > 0xFF)
				return -1;
			out[n++] = (unsigned char)v;
		}
	}
	return (long)n;
}
