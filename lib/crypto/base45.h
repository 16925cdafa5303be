#ifndef CG_BASE45_H
#define CG_BASE45_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Base45 (RFC 9285): binary data as characters of the QR code's
 * alphanumeric mode ("0-9A-Z $%*+-./:"), which packs them at 5.5 bits each,
 * so a signed pass token makes a smaller QR code than with base64.
 */

/* Append the encoding of data to out.  0 or -1 (out of room). */
int cg_base45_encode(const unsigned char *data, size_t len, struct cg_buf *out);

/*
 * Decode s (len characters) into out, which must hold len * 2 / 3 bytes.
 * Returns the number of bytes, or -1 when s is not valid base45.
 */
long cg_base45_decode(const char *s, size_t len, unsigned char *out);

#endif
