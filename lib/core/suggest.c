#include <string.h>

#include "core/suggest.h"

#define WORD_MAX 63

static char fold_case(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

int cg_edit_distance(const char *a, const char *b)
{
	int row[WORD_MAX + 1];
	size_t la = strnlen(a, WORD_MAX), lb = strnlen(b, WORD_MAX), i, j;

	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int up = row[j];

			row[j] = min3(row[j] + 1, row[j - 1] + 1,
				      diag + (fold_case(a[i - 1]) != fold_case(b[j - 1])));
			diag = up;
		}
	}
	return row[lb];
}

const char *cg_suggest(const char *word, const char *const *choices, size_t n)
{
	int limit = (int)(strlen(word) / 3), best_d = -1;
	const char *best = NULL;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (size_t i = 0; i < n; i++) {
		int d = cg_edit_distance(word, choices[i]);

		if (d <= limit && (best_d < 0 || d < best_d)) {
			best = choices[i];
			best_d = d;
		}
	}
	return best;
}

char *cg_choices_join(const char *const *choices, size_t n, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(choices[i]), sep = i ? 2 : 0;

		/* Room for this one and, should another follow, for ", ...". */
		if (used + sep + k + 5 >= len) {
			if (used + 5 < len)
				strcpy(out + used, i ? ", ..." : "...");
			break;
		}
		if (sep)
			memcpy(out + used, ", ", 2);
		memcpy(out + used + sep, choices[i], k + 1);
		used += sep + k;
	}
	return out;
}
