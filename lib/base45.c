#include "base45.h"

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

static int value(char c)
{
	for (int i = 0; i < 45; i++)
		if (alphabet[i] == c)
			return i;
	return -1;
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
