#include <errno.h>
#include <qrencode.h>

#include "ui/qr.h"

#define QUIET 4

static QRcode *encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static int dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

int cg_qr_svg(const char *text, double x, double y, double size, struct cg_buf *out)
{
	QRcode *q = encode(text);
	int n, ret = 0;

	if (!q)
		return -1;
	n = q->width + 2 * QUIET;
	/* One path of unit squares: small, and crisp at any scale. */
	ret |= cg_buf_addf(out, "<svg x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			   "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
			   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
			   x, y, size, size, n, n, n, n);
	for (int row = 0; row < q->width; row++)
		for (int col = 0; col < q->width; col++)
			if (dark(q, col, row))
				ret |= cg_buf_addf(out, "M%d %dh1v1h-1z", col + QUIET, row + QUIET);
	ret |= cg_buf_addstr(out, "\"/></svg>");
	QRcode_free(q);
	return ret ? -1 : 0;
}

int cg_qr_text(const char *text, struct cg_buf *out)
{
	/* Indexed by (upper light, lower light). */
	static const char *const cell[2][2] = {
		{ " ", "\xE2\x96\x84" },		/* lower half block */
		{ "\xE2\x96\x80", "\xE2\x96\x88" }	/* upper half, full block */
	};
	QRcode *q = encode(text);
	int ret = 0;

	if (!q)
		return -1;
	for (int row = -QUIET; row < q->width + QUIET; row += 2) {
		for (int col = -QUIET; col < q->width + QUIET; col++)
			ret |= cg_buf_addstr(out, cell[!dark(q, col, row)][!dark(q, col, row + 1)]);
		ret |= cg_buf_addch(out, '\n');
	}
	QRcode_free(q);
	return ret ? -1 : 0;
}
