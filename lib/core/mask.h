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

#endif
