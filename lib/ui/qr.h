#ifndef CG_QR_H
#define CG_QR_H

#include "core/buf.h"

/*
 * QR codes (libqrencode, error correction M) as SVG or terminal text.
 * A token's characters are all in QR's alphanumeric set, which libqrencode
 * picks by itself.
 */

/*
 * Append an <svg> element drawing text's QR code, quiet zone included, in
 * the square (x, y, size) of the enclosing user units.  0, or -1 when the
 * text does not fit a QR code.
 */
int cg_qr_svg(const char *text, double x, double y, double size, struct cg_buf *out);

/*
 * Append text's QR code drawn with Unicode half blocks, two modules a
 * character cell, light modules as ink (for a dark terminal, like
 * qrencode -t UTF8), one line per two rows, quiet zone included.
 */
int cg_qr_text(const char *text, struct cg_buf *out);

#endif
