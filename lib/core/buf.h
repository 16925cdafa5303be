#ifndef CG_BUF_H
#define CG_BUF_H

#include <stddef.h>

/*
 * A growable byte buffer with a hard size limit, after curl's dynbuf.
 * ->buf is never NULL (it points at a shared empty string until the first
 * append) and is always NUL-terminated.  Growth past ->limit is an error,
 * not an allocation.  The buffer owns ->buf; cg_buf_detach() is the only
 * way to take ownership, cg_buf_release() frees it.
 */
struct cg_buf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t limit;
};

extern char cg_buf_empty[];

#define CG_BUF_INIT(lim) { cg_buf_empty, 0, 0, (lim) }

void cg_buf_init(struct cg_buf *b, size_t limit);
void cg_buf_release(struct cg_buf *b);

/* Returns 0, or -1 (errno ENOMEM or E2BIG) leaving the buffer unchanged. */
int cg_buf_add(struct cg_buf *b, const void *data, size_t len);
int cg_buf_addstr(struct cg_buf *b, const char *s);
int cg_buf_addch(struct cg_buf *b, char c);
int cg_buf_addf(struct cg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Make room for at least n more bytes without changing len. */
int cg_buf_grow(struct cg_buf *b, size_t n);

static inline void cg_buf_reset(struct cg_buf *b)
{
	b->len = 0;
	b->buf[0] = '\0';
}

void cg_buf_setlen(struct cg_buf *b, size_t len);

/* The caller owns the returned string (free() it); the buffer is empty
 * again afterwards.  Never returns NULL. */
char *cg_buf_detach(struct cg_buf *b, size_t *len);

#endif
