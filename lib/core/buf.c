#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

char cg_buf_empty[1];

void cg_buf_init(struct cg_buf *b, size_t limit)
{
	b->buf = cg_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->limit = limit;
}

void cg_buf_release(struct cg_buf *b)
{
	if (b->alloc)
		free(b->buf);
	cg_buf_init(b, b->limit);
}

int cg_buf_grow(struct cg_buf *b, size_t n)
{
	size_t want, alloc;
	char *p;

	if (n > b->limit || b->len > b->limit - n || n >= SIZE_MAX - b->len) {
		errno = E2BIG;
		return -1;
	}
	want = b->len + n + 1;
	if (want <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < want)
		alloc = alloc < ((size_t)-1) / 2 ? alloc * 2 : want;
	p = realloc(b->alloc ? b->buf : NULL, alloc);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	if (!b->alloc)
		p[0] = '\0';
	b->buf = p;
	b->alloc = alloc;
	return 0;
}

int cg_buf_add(struct cg_buf *b, const void *data, size_t len)
{
	if (cg_buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int cg_buf_addstr(struct cg_buf *b, const char *s)
{
	return cg_buf_add(b, s, strlen(s));
}

int cg_buf_addch(struct cg_buf *b, char c)
{
	return cg_buf_add(b, &c, 1);
}

int cg_buf_addf(struct cg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || cg_buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void cg_buf_setlen(struct cg_buf *b, size_t len)
{
	if (len > b->len)
		abort();
	b->len = len;
	b->buf[len] = '\0';
}

char *cg_buf_detach(struct cg_buf *b, size_t *len)
{
	char *s;

	if (cg_buf_grow(b, 0) < 0 || !b->alloc) {
		s = strdup("");
		if (!s)
			abort();
	} else {
		s = b->buf;
	}
	if (len)
		*len = b->len;
	cg_buf_init(b, b->limit);
	return s;
}
