#ifndef CG_FORM_H
#define CG_FORM_H

#include <stddef.h>

/*
 * The forms people type, before any field is checked: the one place that
 * knows which characters are spaces and which are full-width forms of
 * ASCII.  Every validator of an identifying field (ID number, phone,
 * household) folds its input here first.
 */

/* The code point at *s, advancing *s past it; a byte that does not start
 * valid UTF-8 is returned as it is (and *s moves one byte). */
unsigned cg_utf8_decode(const unsigned char **s);

/* Write c as UTF-8 to out (room for 4); returns the length. */
size_t cg_utf8_encode(unsigned c, char *out);

/*
 * 1 for a space of any kind: ASCII white space (tab, newline, ...),
 * U+00A0, U+1680, U+2000-U+200B, U+2028, U+2029, U+202F, U+205F, U+3000
 * (the ideographic space of Chinese input methods) and U+FEFF.
 */
int cg_unicode_space(unsigned c);

/*
 * Fold s into out (size n, NUL-terminated): every space dropped, full-width
 * ASCII (U+FF01-U+FF5E: "１３８", "＋", "－", "（") made ASCII, and the
 * dashes people type for a hyphen (U+2010-U+2015, U+2212, U+FE63, U+30FC)
 * made '-'.  Other characters are kept.  0, or -1 (out "") when the folded
 * form does not fit in n.
 */
int cg_form_fold(const char *s, char *out, size_t n);

/*
 * How a compound numbers its households (config "compound.household"):
 * building-unit-room ("3-2-501"), building-room for compounds without
 * units ("12-301"), or either ("any", the default).
 */
enum cg_household_form {
	CG_HOUSEHOLD_ANY,
	CG_HOUSEHOLD_UNITS,		/* "building-unit-room" */
	CG_HOUSEHOLD_NO_UNITS		/* "building-room" */
};

/* The config spelling of f. */
const char *cg_household_form_name(enum cg_household_form f);

/* 0 with *f for a config spelling, -1 for anything else. */
int cg_household_form_parse(const char *s, enum cg_household_form *f);

#endif
