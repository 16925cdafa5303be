#ifndef CG_VALIDATE_H
#define CG_VALIDATE_H

#include <stddef.h>

#include "core/clock.h"
#include "core/form.h"

/*
 * Validators for the identifying fields of a record.  Each returns 0 and
 * writes the normalised form into out (NUL-terminated), or -1 and a short
 * reason (a translatable English phrase, already passed through gettext)
 * in why.  Each first folds its input with cg_form_fold (core/form.h):
 * every Unicode space (U+3000, NBSP, tab, newline, ...) is dropped and
 * full-width digits, letters and signs become ASCII.
 */

#define CG_ID_NO_LEN 19		/* 18 characters and NUL */
#define CG_PHONE_LEN 12		/* 11 digits and NUL */
#define CG_HOUSEHOLD_LEN 32

/*
 * GB 11643 mainland resident ID: 18 characters, 17 digits then the
 * ISO 7064 MOD 11-2 check character (0-9 or X; lowercase x accepted and
 * normalised to X), a known province prefix, and a real calendar birth date
 * (YYYYMMDD at positions 7-14) from 1900 on and not after the local date of
 * now.
 */
int cg_valid_id_no(const char *s, cg_time_t now, char out[CG_ID_NO_LEN],
		   const char **why);

/*
 * Mainland mobile number: the country code "+86" or "0086" (or "86"
 * before 11 more digits), a "(0)" after it or the national prefix "0"
 * ("013800138000"), hyphens, dots and parentheses are stripped; what is
 * left must be 11 digits in a mobile range of China's numbering plan (the
 * table in validate.c, from libphonenumber's metadata, names its source).
 */
int cg_valid_phone(const char *s, char out[CG_PHONE_LEN], const char **why);

/*
 * Household: "building-unit-room", or "building-room" in a compound
 * without units, parts of 1-8 ASCII letters or digits.  Written with '-'
 * or '/' between the parts ("3/2/501", "3－2－501" once folded) or the
 * Chinese way ("3栋2单元501", "3号楼2单元501室", "12幢301"): building
 * after 号楼, 栋, 幢, 座 or 楼, unit after 单元, and 室 or 号 closing the
 * room.  form says which of the two shapes the compound uses
 * (config "compound.household").  The one canonical form, used in every
 * record: the parts joined with '-', letters upper-cased: "3-2-501",
 * "A3-1-1102", "12-301".
 */
int cg_valid_household(const char *s, enum cg_household_form form,
		       char out[CG_HOUSEHOLD_LEN], const char **why);

/*
 * A body temperature as it is stored and decided on: rounded once, where a
 * reading enters (cg-checkin's events, cg-quarantine's checks), to 0.1 °C,
 * halves away from zero, as the decimal it was written in reads: 37.25 ->
 * 37.3, 36.95 -> 37.0, 37.24999 -> 37.2, 37.29999999999999 -> 37.3.  A
 * half goes up because a screen errs on the side of the fever.  Every rule
 * and every report then uses the stored value, never the raw reading.
 */
double cg_temp_round(double t);

#endif
