#ifndef CG_CARDS_H
#define CG_CARDS_H

#include <jansson.h>

#include "core/buf.h"
#include "store/config.h"

/*
 * Printable pass cards: A4 sheets of eight 85 x 54 mm cards (the size of a
 * bank card) with cutting marks, each in its class's colour with the QR
 * code of its token, the pass id in large type, the holder's name masked,
 * the household or plate, and the validity.  passes is an array of issue
 * events (borrowed).  Labels follow the locale (gettext).
 */

#define CG_CARDS_PER_PAGE 8

/*
 * One SVG document: an A4 sheet for up to eight passes; for more, the
 * sheets one under another (210 mm by 297 mm each), each its own nested
 * <svg> element.  Nothing for no passes.  0 or -1.
 */
int cg_cards_svg(const struct cg_config *cfg, const json_t *passes, struct cg_buf *out);

/* One self-contained HTML page, a printed sheet per eight cards. */
int cg_cards_html(const struct cg_config *cfg, const json_t *passes, struct cg_buf *out);

/* Cards for a terminal: the facts and the QR code in half blocks. */
int cg_cards_txt(const struct cg_config *cfg, const json_t *passes, struct cg_buf *out);

/* "#rrggbb" for a colour name ("pink", "green"...) or a "#rrggbb" itself. */
const char *cg_colour_hex(const char *name);

#endif
