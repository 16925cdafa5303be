#ifndef CG_MASK_H
#define CG_MASK_H

#include <stddef.h>

/*
 * Masking of personal data for human-facing output.  Each writes a
 * NUL-terminated string into out (truncating safely to outlen) and returns
 * out.  Input that is too short to mask meaningfully is masked whole with
 * '*' rather than shown.
 */

/* "张三" -> "张*", "欧阳娜娜" -> "欧***" (one '*' per further character). */
char *cg_mask_name(const char *name, char *out, size_t outlen);

/* "13812348000" -> "138****8000". */
char *cg_mask_phone(const char *phone, char *out, size_t outlen);

/* "110101199003074514" -> "1101**********4514". */
char *cg_mask_id_no(const char *id_no, char *out, size_t outlen);

/*
 * A message as a person may read it: every run that looks like a mainland
 * ID number (18 characters, 17 digits then a digit or X; or 15 digits) or
 * a mainland mobile number (11 digits starting with 1, after an optional
 * "+86", "0086" or "86", with single spaces, hyphens or dots between
 * digits) is masked as cg_mask_id_no and cg_mask_phone do, whatever field
 * it was typed into.  A run counts only between characters that are not
 * ASCII letters or digits, so a hash or a longer number is left alone.
 * The result is never longer than msg; out may be msg itself.
 */
char *cg_mask_message(const char *msg, char *out, size_t outlen);

#endif
