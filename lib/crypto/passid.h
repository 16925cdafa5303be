#ifndef CG_PASSID_H
#define CG_PASSID_H

#include <stdint.h>

/*
 * Pass ids: 40 random bits in Crockford base32, in groups, with Crockford's
 * mod-37 check symbol, e.g. "K3F9-2XQ7-M": short enough to read out on the
 * phone, hard to mistype without noticing.  Case, hyphens and spaces do
 * not matter, and O, I and L read as 0, 1 and 1 (cg_pass_id_normalise).
 */

#define CG_PASSID_BITS 40
#define CG_PASSID_TEXT 12	/* "XXXX-XXXX-C" and NUL */

void cg_passid_format(uint64_t value, char out[CG_PASSID_TEXT]);

/* 0 with the value, or -1 when s is not a pass id (or its check fails). */
int cg_passid_parse(const char *s, uint64_t *value);

/* A fresh random value (libsodium's randombytes). */
uint64_t cg_passid_random(void);

/* Upper case, no hyphens or spaces, O read as 0, I and L as 1: the form
 * ids are compared in (any text, not only valid ids). */
#define CG_PASS_ID_LEN 64
void cg_pass_id_normalise(const char *in, char out[CG_PASS_ID_LEN]);

#endif
