#ifndef CG_SUGGEST_H
#define CG_SUGGEST_H

#include <stddef.h>

/*
 * "Did you mean": the allowed value closest to what was typed, so that an
 * error about an unknown gate or pass class can name the one meant.
 */

/*
 * The edit distance (insertions, deletions, substitutions) between a and
 * b, ASCII letters compared without case; words longer than 63 bytes are
 * compared on their first 63.
 */
int cg_edit_distance(const char *a, const char *b);

/*
 * Of choices[0..n), the one word is closest to: equal without case, else
 * within an edit distance of a third of its length (at least 1, at most
 * 3); the first of equals wins.  NULL when none is that close.  The
 * result is borrowed from choices.
 */
const char *cg_suggest(const char *word, const char *const *choices, size_t n);

/*
 * choices joined with ", " into out (size len, NUL-terminated), ending in
 * "..." when they do not all fit: the list an error message gives.
 * Returns out.
 */
char *cg_choices_join(const char *const *choices, size_t n, char *out, size_t len);

#endif
