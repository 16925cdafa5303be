#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "unit.h"

/* A snapshot of a buffer, to tell that a failed call left it unchanged. */
struct snap {
	char *buf;
	size_t len, alloc, limit;
	char text[256];
};

static void take(struct snap *s, const struct cg_buf *b)
{
	s->buf = b->buf;
	s->len = b->len;
	s->alloc = b->alloc;
	s->limit = b->limit;
	snprintf(s->text, sizeof(s->text), "%s", b->buf);
}

static int unchanged(const struct snap *s, const struct cg_buf *b)
{
	return s->buf == b->buf && s->len == b->len && s->alloc == b->alloc &&
	       s->limit == b->limit && !strcmp(s->text, b->buf) &&
	       b->buf[b->len] == '\0';
}

TEST(init_never_null)
{
	struct cg_buf a = CG_BUF_INIT(10);
	struct cg_buf b;

	cg_buf_init(&b, 20);
	CHECK(a.buf != NULL);
	CHECK(b.buf != NULL);
	CHECK_STR(a.buf, "");
	CHECK_STR(b.buf, "");
	CHECK_INT(a.len, 0);
	CHECK_INT(b.len, 0);
	CHECK_INT(a.limit, 10);
	CHECK_INT(b.limit, 20);
	CHECK(a.buf == cg_buf_empty);
	CHECK(b.buf == cg_buf_empty);

	/* Resetting and releasing an untouched buffer is harmless. */
	cg_buf_reset(&a);
	cg_buf_release(&a);
	CHECK(a.buf != NULL);
	CHECK_STR(a.buf, "");
	CHECK_INT(a.limit, 10);
	cg_buf_release(&b);
	cg_buf_release(&b);
	CHECK(b.buf != NULL);
	CHECK_STR(cg_buf_empty, "");
}

TEST(add_and_terminate)
{
	struct cg_buf b = CG_BUF_INIT(1024);

	CHECK_INT(cg_buf_add(&b, "abc", 3), 0);
	CHECK_INT(b.len, 3);
	CHECK_STR(b.buf, "abc");
	CHECK(b.buf != cg_buf_empty);
	CHECK_INT(cg_buf_addstr(&b, "de"), 0);
	CHECK_INT(cg_buf_addch(&b, 'f'), 0);
	CHECK_STR(b.buf, "abcdef");
	CHECK_INT(b.len, 6);
	/* Bytes, NULs included, are kept as they are. */
	CHECK_INT(cg_buf_add(&b, "g\0h", 3), 0);
	CHECK_INT(b.len, 9);
	CHECK(!memcmp(b.buf, "abcdefg\0h", 10));
	/* An empty append changes nothing. */
	CHECK_INT(cg_buf_add(&b, "", 0), 0);
	CHECK_INT(cg_buf_addstr(&b, ""), 0);
	CHECK_INT(b.len, 9);
	cg_buf_reset(&b);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	CHECK(b.alloc > 0);
	cg_buf_release(&b);
	CHECK(b.buf == cg_buf_empty);
	CHECK_INT(b.alloc, 0);
}

TEST(grows_across_many_appends)
{
	struct cg_buf b = CG_BUF_INIT(100000);
	size_t i;
	int ok = 1;

	for (i = 0; i < 100000; i++)
		if (cg_buf_addch(&b, (char)('a' + i % 26)) < 0)
			ok = 0;
	CHECK(ok);
	CHECK_INT(b.len, 100000);
	CHECK(b.alloc > b.len);
	for (i = 0; i < 100000; i++)
		if (b.buf[i] != (char)('a' + i % 26))
			ok = 0;
	CHECK(ok);
	CHECK_INT(b.buf[100000], '\0');
	cg_buf_release(&b);
}

TEST(limit_exact_fits)
{
	struct cg_buf b = CG_BUF_INIT(8);

	CHECK_INT(cg_buf_add(&b, "12345678", 8), 0);
	CHECK_INT(b.len, 8);
	CHECK_STR(b.buf, "12345678");
	/* Full: an empty append is still fine, one more byte is not. */
	CHECK_INT(cg_buf_add(&b, "", 0), 0);
	errno = 0;
	CHECK_INT(cg_buf_addch(&b, '9'), -1);
	CHECK_INT(errno, E2BIG);
	CHECK_STR(b.buf, "12345678");
	cg_buf_release(&b);
}

TEST(limit_add_unchanged)
{
	struct cg_buf b = CG_BUF_INIT(10);
	struct snap s;

	CHECK_INT(cg_buf_addstr(&b, "hello"), 0);
	take(&s, &b);

	errno = 0;
	CHECK_INT(cg_buf_add(&b, "world!", 6), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(unchanged(&s, &b));

	errno = 0;
	CHECK_INT(cg_buf_addstr(&b, "123456"), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(unchanged(&s, &b));

	errno = 0;
	CHECK_INT(cg_buf_addf(&b, "%d", 123456), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(unchanged(&s, &b));

	errno = 0;
	CHECK_INT(cg_buf_grow(&b, 6), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(unchanged(&s, &b));

	/* Up to the limit still works after a refusal. */
	CHECK_INT(cg_buf_addstr(&b, "12345"), 0);
	CHECK_STR(b.buf, "hello12345");
	cg_buf_release(&b);
}

TEST(limit_on_empty_buffer)
{
	struct cg_buf b = CG_BUF_INIT(4);
	struct cg_buf z = CG_BUF_INIT(0);

	/* The first allocation is refused too, and nothing is allocated. */
	errno = 0;
	CHECK_INT(cg_buf_add(&b, "12345", 5), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(b.buf == cg_buf_empty);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.alloc, 0);
	CHECK_STR(b.buf, "");

	errno = 0;
	CHECK_INT(cg_buf_addch(&z, 'x'), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(z.buf == cg_buf_empty);
	CHECK_INT(z.alloc, 0);
	CHECK_INT(cg_buf_addstr(&z, ""), 0);
	CHECK_STR(z.buf, "");
	cg_buf_release(&b);
	cg_buf_release(&z);
}

TEST(limit_huge_request)
{
	struct cg_buf b = CG_BUF_INIT(100);
	struct snap s;

	CHECK_INT(cg_buf_addstr(&b, "abc"), 0);
	take(&s, &b);
	errno = 0;
	CHECK_INT(cg_buf_grow(&b, SIZE_MAX), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(unchanged(&s, &b));
	errno = 0;
	CHECK_INT(cg_buf_grow(&b, SIZE_MAX - 2), -1);
	CHECK_INT(errno, E2BIG);
	CHECK(unchanged(&s, &b));
	cg_buf_release(&b);
}

/*
 * With no practical limit (SIZE_MAX, as the journal and the line readers
 * use), a request that cannot be met must still fail: len + n + 1 must not
 * wrap around to a small number and report room that is not there.
 */
TEST(unlimited_overflow_refused)
{
	struct cg_buf b = CG_BUF_INIT(SIZE_MAX);
	struct snap s;

	take(&s, &b);
	errno = 0;
	CHECK_INT(cg_buf_grow(&b, SIZE_MAX), -1);
	CHECK(errno == E2BIG || errno == ENOMEM);
	CHECK(unchanged(&s, &b));

	CHECK_INT(cg_buf_addstr(&b, "abcde"), 0);
	take(&s, &b);
	errno = 0;
	CHECK_INT(cg_buf_grow(&b, SIZE_MAX - 5), -1);
	CHECK(errno == E2BIG || errno == ENOMEM);
	CHECK(unchanged(&s, &b));
	cg_buf_release(&b);
}

TEST(addf)
{
	struct cg_buf b = CG_BUF_INIT(1024);
	struct cg_buf big = CG_BUF_INIT(SIZE_MAX);
	size_t i;
	int ok = 1;

	CHECK_INT(cg_buf_addf(&b, "%s-%d", "gate", 7), 0);
	CHECK_STR(b.buf, "gate-7");
	CHECK_INT(b.len, 6);
	CHECK_INT(cg_buf_addf(&b, "%.1f°C", 37.3), 0);
	CHECK_STR(b.buf, "gate-737.3°C");
	CHECK_INT(b.len, strlen("gate-737.3°C"));
	CHECK_INT(cg_buf_addf(&b, "%s", ""), 0);
	CHECK_INT(b.len, strlen("gate-737.3°C"));
	cg_buf_reset(&b);
	/* Exactly up to the limit. */
	CHECK_INT(cg_buf_addf(&b, "%1024s", "x"), 0);
	CHECK_INT(b.len, 1024);
	CHECK_INT(b.buf[1023], 'x');
	CHECK_INT(b.buf[1024], '\0');
	cg_buf_release(&b);

	/* Longer than any first allocation: formats in one go. */
	CHECK_INT(cg_buf_addf(&big, "<%5000d>", 42), 0);
	CHECK_INT(big.len, 5002);
	CHECK_INT(big.buf[0], '<');
	for (i = 1; i < 4999; i++)
		if (big.buf[i] != ' ')
			ok = 0;
	CHECK(ok);
	CHECK(!strcmp(big.buf + 4999, "42>"));
	cg_buf_release(&big);
}

TEST(setlen)
{
	struct cg_buf b = CG_BUF_INIT(64);
	struct cg_buf e = CG_BUF_INIT(64);

	CHECK_INT(cg_buf_addstr(&b, "abcdef"), 0);
	cg_buf_setlen(&b, 3);
	CHECK_INT(b.len, 3);
	CHECK_STR(b.buf, "abc");
	cg_buf_setlen(&b, 3);
	CHECK_STR(b.buf, "abc");
	CHECK_INT(cg_buf_addstr(&b, "XY"), 0);
	CHECK_STR(b.buf, "abcXY");
	cg_buf_setlen(&b, 0);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	cg_buf_release(&b);

	/* On a buffer that never allocated, setlen(0) keeps it valid. */
	cg_buf_setlen(&e, 0);
	CHECK(e.buf == cg_buf_empty);
	CHECK_STR(e.buf, "");
	CHECK_STR(cg_buf_empty, "");
}

TEST(grow_keeps_len)
{
	struct cg_buf b = CG_BUF_INIT(1000);

	CHECK_INT(cg_buf_addstr(&b, "ab"), 0);
	CHECK_INT(cg_buf_grow(&b, 500), 0);
	CHECK_INT(b.len, 2);
	CHECK_STR(b.buf, "ab");
	CHECK(b.alloc >= 503);
	/* The room is usable: write into it, then set the length. */
	memset(b.buf + 2, 'z', 500);
	b.len += 500;
	b.buf[b.len] = '\0';
	cg_buf_setlen(&b, 4);
	CHECK_STR(b.buf, "abzz");
	cg_buf_release(&b);
}

TEST(detach_owns)
{
	struct cg_buf b = CG_BUF_INIT(64);
	char *s;
	size_t len = 99;

	CHECK_INT(cg_buf_addstr(&b, "张三 3-2-501"), 0);
	s = cg_buf_detach(&b, &len);
	CHECK(s != NULL);
	CHECK_STR(s, "张三 3-2-501");
	CHECK_INT(len, strlen("张三 3-2-501"));
	/* The buffer is empty again and no longer points at s. */
	CHECK(b.buf != s);
	CHECK(b.buf == cg_buf_empty);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.alloc, 0);
	CHECK_INT(b.limit, 64);
	CHECK_STR(b.buf, "");
	/* And still works; writing to it does not touch s. */
	CHECK_INT(cg_buf_addstr(&b, "next"), 0);
	CHECK_STR(b.buf, "next");
	CHECK_STR(s, "张三 3-2-501");
	s[0] = 'X';
	CHECK_STR(b.buf, "next");
	free(s);
	/* Releasing after a detach frees only what the buffer owns now. */
	cg_buf_release(&b);
	CHECK(b.buf == cg_buf_empty);
}

TEST(detach_empty)
{
	struct cg_buf b = CG_BUF_INIT(16);
	struct cg_buf z = CG_BUF_INIT(0);
	char *s, *t, *u;
	size_t len = 99;

	/* Never NULL, always the caller's to free(), even when empty. */
	s = cg_buf_detach(&b, &len);
	CHECK(s != NULL);
	CHECK(s != cg_buf_empty);
	CHECK_STR(s, "");
	CHECK_INT(len, 0);
	free(s);

	/* len may be NULL. */
	CHECK_INT(cg_buf_addstr(&b, "abc"), 0);
	cg_buf_reset(&b);
	t = cg_buf_detach(&b, NULL);
	CHECK(t != NULL && t != cg_buf_empty);
	CHECK_STR(t, "");
	free(t);

	/* A zero limit still detaches an owned empty string. */
	u = cg_buf_detach(&z, &len);
	CHECK(u != NULL && u != cg_buf_empty);
	CHECK_STR(u, "");
	CHECK_INT(len, 0);
	free(u);
	CHECK_STR(cg_buf_empty, "");
}

TEST(detach_full_buffer)
{
	struct cg_buf b = CG_BUF_INIT(5);
	char *s;
	size_t len = 0;

	CHECK_INT(cg_buf_addstr(&b, "12345"), 0);
	s = cg_buf_detach(&b, &len);
	CHECK_STR(s, "12345");
	CHECK_INT(len, 5);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.limit, 5);
	free(s);
}

int main(void)
{
	RUN(init_never_null);
	RUN(add_and_terminate);
	RUN(grows_across_many_appends);
	RUN(limit_exact_fits);
	RUN(limit_add_unchanged);
	RUN(limit_on_empty_buffer);
	RUN(limit_huge_request);
	RUN(unlimited_overflow_refused);
	RUN(addf);
	RUN(setlen);
	RUN(grow_keeps_len);
	RUN(detach_owns);
	RUN(detach_empty);
	RUN(detach_full_buffer);
	return UNIT_DONE();
}
