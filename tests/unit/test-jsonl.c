#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/exitcode.h"
#include "json/jsonl.h"
#include "unit.h"

#define CHUNK (64 * 1024)

/* ---- feeding the reader ------------------------------------------------ */

/*
 * A pipe whose other end a child process writes data into and closes, so
 * that any amount can be fed and reads return what the pipe holds (at most
 * 64 KiB at a time on Linux), as from a real producer.
 */
struct feed {
	int fd;
	pid_t pid;
};

static void write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len > CHUNK ? CHUNK : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		data += n;
		len -= (size_t)n;
	}
}

static void feed_start(struct feed *f, const char *data, size_t len)
{
	int p[2];

	if (pipe(p) < 0)
		abort();
	f->pid = fork();
	if (f->pid < 0)
		abort();
	if (f->pid == 0) {
		close(p[0]);
		write_all(p[1], data, len);
		close(p[1]);
		_exit(0);
	}
	close(p[1]);
	f->fd = p[0];
}

static void feed_end(struct feed *f)
{
	close(f->fd);
	waitpid(f->pid, NULL, 0);
}

/* A private temporary directory for files; removed by tmp_cleanup. */
static char tmpdir[4096];

static const char *tmp_path(const char *name)
{
	static char path[4200];

	if (!tmpdir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/cg-unit-jsonl-XXXXXX",
			 t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir))
			abort();
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void write_file(const char *name, const char *data, size_t len)
{
	int fd = open(tmp_path(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		abort();
	if (write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void write_gzip(const char *name, const char *data, size_t len)
{
	gzFile gz = gzopen(tmp_path(name), "wb");

	if (!gz)
		abort();
	while (len) {
		unsigned n = len > CHUNK ? CHUNK : (unsigned)len;

		if (gzwrite(gz, data, n) != (int)n)
			abort();
		data += n;
		len -= n;
	}
	if (gzclose(gz) != Z_OK)
		abort();
}

static void tmp_cleanup(void)
{
	static const char *const names[] = {
		"plain.jsonl", "day.jsonl.gz", "big.jsonl.gz", "empty.jsonl", "cut.jsonl.gz",
		"flat.jsonl.gz",
		NULL
	};
	int i;

	if (!tmpdir[0])
		return;
	for (i = 0; names[i]; i++)
		unlink(tmp_path(names[i]));
	rmdir(tmpdir);
}

/* ---- reading it back --------------------------------------------------- */

/*
 * The whole conversation with a reader as text, one entry per call:
 * "LINENO:text" for a line (bytes outside printable ASCII and UTF-8 shown
 * as \xNN, CR as \r), with "$" appended when it was unterminated;
 * "LINENO:TOO_LONG(LEN)" for a skipped line; "ERR(...)" for an error.
 * Entries are separated by "|".
 */
static void describe(struct cg_buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			cg_buf_addstr(out, "\\r");
		else if (c == '|' || c == '\\')
			cg_buf_addf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			cg_buf_addf(out, "\\x%02X", c);
		else if (c == 0xEF && i + 2 < len && !memcmp(s + i, "\xEF\xBB\xBF", 3)) {
			cg_buf_addstr(out, "<BOM>");
			i += 2;
		} else
			cg_buf_addch(out, (char)c);
	}
}

static const char *transcript(struct cg_jsonl_reader *r)
{
	static struct cg_buf t = CG_BUF_INIT(1 << 20);
	struct cg_err err = CG_ERR_INIT;
	char *line;
	size_t len;
	int st, calls = 0;

	cg_buf_release(&t);
	while ((st = cg_jsonl_next(r, &line, &len, &err)) != CG_JSONL_EOF) {
		if (t.len)
			cg_buf_addch(&t, '|');
		if (st == CG_JSONL_LINE) {
			cg_buf_addf(&t, "%lu:", r->lineno);
			if (line[len] != '\0')
				cg_buf_addstr(&t, "(not NUL-terminated)");
			describe(&t, line, len);
			if (r->unterminated)
				cg_buf_addch(&t, '$');
		} else if (st == CG_JSONL_TOO_LONG) {
			cg_buf_addf(&t, "%lu:TOO_LONG(%zu)%s", r->lineno, len,
				    r->unterminated ? "$" : "");
		} else {
			cg_buf_addf(&t, "ERR(%s)", err.msg);
			break;
		}
		if (++calls > 1000) {
			cg_buf_addstr(&t, "(runaway)");
			break;
		}
	}
	return t.buf;
}

/* Transcript of data fed through a pipe with the given options. */
static const char *read_pipe(const char *data, size_t len, size_t max_line, int raw)
{
	struct cg_jsonl_reader r;
	struct feed f;
	const char *t;

	feed_start(&f, data, len);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", max_line);
	r.raw = raw;
	t = transcript(&r);
	cg_jsonl_reader_release(&r);
	feed_end(&f);
	return t;
}

#define PIPE(s) read_pipe((s), sizeof(s) - 1, 0, 0)
#define PIPE_MAX(s, max) read_pipe((s), sizeof(s) - 1, (max), 0)
#define PIPE_RAW(s) read_pipe((s), sizeof(s) - 1, 0, 1)

/* Collects what the overflow callback is handed. */
struct spill {
	struct cg_buf data;
	int calls, ends, after_end;
	size_t first_piece_len;
};

static void spill_cb(void *ctx, const char *data, size_t len, int end)
{
	struct spill *s = ctx;

	if (s->ends)
		s->after_end++;
	if (!s->calls)
		s->first_piece_len = len;
	s->calls++;
	if (cg_buf_add(&s->data, data, len) < 0)
		abort();
	if (end)
		s->ends++;
}

static void spill_init(struct spill *s)
{
	memset(s, 0, sizeof(*s));
	cg_buf_init(&s->data, SIZE_MAX);
}

/* A buffer of len bytes of a pattern that shows misplaced pieces. */
static char *pattern(size_t len, unsigned seed)
{
	char *p = malloc(len + 1);
	size_t i;

	if (!p)
		abort();
	for (i = 0; i < len; i++)
		p[i] = (char)('a' + (i * 7 + seed + i / 4093) % 26);
	p[len] = '\0';
	return p;
}

/* ---- the reader -------------------------------------------------------- */

TEST(reader_plain_lines)
{
	CHECK_STR(PIPE("{\"a\":1}\n{\"b\":2}\n"), "1:{\"a\":1}|2:{\"b\":2}");
	CHECK_STR(PIPE(""), "");
	CHECK_STR(PIPE("{}\n"), "1:{}");
}

TEST(reader_crlf)
{
	CHECK_STR(PIPE("{\"a\":1}\r\n{\"b\":2}\r\n"), "1:{\"a\":1}|2:{\"b\":2}");
	/* Mixed endings, and only one CR goes with the LF. */
	CHECK_STR(PIPE("{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}\r\r\n"),
		  "1:{\"a\":1}|2:{\"b\":2}|3:{\"c\":3}\\r");
	/* A CR inside a line is not a line end. */
	CHECK_STR(PIPE("{\"a\":\r1}\n"), "1:{\"a\":\\r1}");
	/* CRLF at the end of an unterminated stream: the CR still goes. */
	CHECK_STR(PIPE("{\"a\":1}\r"), "1:{\"a\":1}$");
}

TEST(reader_bom)
{
	CHECK_STR(PIPE("\xEF\xBB\xBF{\"a\":1}\n\xEF\xBB\xBF{\"b\":2}\n"),
		  "1:{\"a\":1}|2:<BOM>{\"b\":2}");
	CHECK_STR(PIPE("\xEF\xBB\xBF{\"a\":1}\r\n"), "1:{\"a\":1}");
	/* A BOM alone on line 1 leaves a blank line, which is skipped. */
	CHECK_STR(PIPE("\xEF\xBB\xBF\n{\"a\":1}\n"), "2:{\"a\":1}");
	/* Not a BOM: only two of its bytes. */
	CHECK_STR(PIPE("\xEF\xBB{}\n"), "1:\xEF\xBB{}");
	/* Line 2 keeps its BOM even when line 1 was blank. */
	CHECK_STR(PIPE("\n\xEF\xBB\xBF{}\n"), "2:<BOM>{}");
}

TEST(reader_blank_lines_counted)
{
	CHECK_STR(PIPE("\n  \n{\"a\":1}\n\t\r\n\n{\"b\":2}\n\n"),
		  "3:{\"a\":1}|6:{\"b\":2}");
	CHECK_STR(PIPE("\n\n\r\n \t \n"), "");
	/* Leading spaces on a real line are kept. */
	CHECK_STR(PIPE("  {}\n"), "1:  {}");
}

TEST(reader_unterminated)
{
	CHECK_STR(PIPE("{\"a\":1}\n{\"b\":2}"), "1:{\"a\":1}|2:{\"b\":2}$");
	CHECK_STR(PIPE("{\"a\":1}"), "1:{\"a\":1}$");
	/* Trailing blanks without a newline are a blank line: nothing. */
	CHECK_STR(PIPE("{\"a\":1}\n   "), "1:{\"a\":1}");
	/* The flag is cleared again for a later terminated line. */
	CHECK_STR(PIPE("{}\n{}\n"), "1:{}|2:{}");
}

TEST(reader_raw)
{
	CHECK_STR(PIPE_RAW("\xEF\xBB\xBF{}\r\n\n  \n\r\n{\"a\":1}\n{}"),
		  "1:<BOM>{}\\r|2:|3:  |4:\\r|5:{\"a\":1}|6:{}$");
	CHECK_STR(PIPE_RAW("\n"), "1:");
	CHECK_STR(PIPE_RAW(""), "");
}

TEST(reader_too_long_small)
{
	static const char in[] =
		"{\"a\":1}\n"
		"{\"long\":\"0123456789012345678901234567890\"}\n"
		"{\"b\":2}\n";
	const char *longline = "{\"long\":\"0123456789012345678901234567890\"}";
	struct cg_jsonl_reader r;
	struct spill s;
	struct feed f;
	char *line;
	size_t len;
	struct cg_err err = CG_ERR_INIT;

	CHECK_STR(PIPE_MAX(in, 16),
		  "1:{\"a\":1}|2:TOO_LONG(42)|3:{\"b\":2}");

	spill_init(&s);
	feed_start(&f, in, sizeof(in) - 1);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", 16);
	r.overflow = spill_cb;
	r.overflow_ctx = &s;
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
	CHECK_INT(s.calls, 0);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_TOO_LONG);
	CHECK_INT(r.lineno, 2);
	CHECK_INT(len, strlen(longline));
	CHECK_INT(s.data.len, strlen(longline));
	CHECK_STR(s.data.buf, longline);
	CHECK_INT(s.ends, 1);
	CHECK_INT(s.after_end, 0);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
	CHECK_INT(r.lineno, 3);
	CHECK_STR(line, "{\"b\":2}");
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_EOF);
	cg_jsonl_reader_release(&r);
	feed_end(&f);
	cg_buf_release(&s.data);
}

TEST(reader_max_line_boundary)
{
	/* Exactly max_line bytes is a line; one more is too long. */
	CHECK_STR(PIPE_MAX("12345678\n123456789\n1\n", 8),
		  "1:12345678|2:TOO_LONG(9)|3:1");
	/* The same at the end of the stream, without a newline. */
	CHECK_STR(PIPE_MAX("1\n12345678", 8), "1:1|2:12345678$");
	CHECK_STR(PIPE_MAX("1\n123456789", 8), "1:1|2:TOO_LONG(9)$");
	/* Blank lines before a long one are still counted. */
	CHECK_STR(PIPE_MAX("\n\n123456789\n{}\n", 8), "3:TOO_LONG(9)|4:{}");
}

/*
 * A line far longer than max_line arriving through a pipe in many reads:
 * it is never held whole, its bytes reach the callback in order, and the
 * next line is read normally.
 */
static void long_line_streamed(size_t longlen, size_t max_line, int terminated)
{
	size_t head = strlen("{\"a\":1}\n"), tail = strlen("{\"b\":2}\n");
	size_t total = head + longlen + (terminated ? 1 + tail : 0);
	char *in = malloc(total + 1), *lng = pattern(longlen, 3);
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	struct spill s;
	struct feed f;
	char *line;
	size_t len = 0;

	if (!in)
		abort();
	memcpy(in, "{\"a\":1}\n", head);
	memcpy(in + head, lng, longlen);
	if (terminated) {
		in[head + longlen] = '\n';
		memcpy(in + head + longlen + 1, "{\"b\":2}\n", tail);
	}
	spill_init(&s);
	feed_start(&f, in, total);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", max_line);
	r.overflow = spill_cb;
	r.overflow_ctx = &s;

	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
	CHECK_INT(r.lineno, 1);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_TOO_LONG);
	CHECK_INT(r.lineno, 2);
	CHECK_INT(len, longlen);
	CHECK_INT(r.unterminated, !terminated);
	CHECK_INT(s.data.len, longlen);
	CHECK(s.data.len == longlen && !memcmp(s.data.buf, lng, longlen));
	CHECK_INT(s.ends, 1);
	CHECK_INT(s.after_end, 0);
	CHECK(s.calls > 1);
	/* It started reporting before the whole line had arrived. */
	CHECK(s.first_piece_len < longlen);
	/* The reader's own buffer stayed near max_line, far below the line. */
	CHECK(r.alloc <= 2 * max_line + 4 * CHUNK);
	if (terminated) {
		CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
		CHECK_INT(r.lineno, 3);
		CHECK_STR(line, "{\"b\":2}");
		CHECK_INT(r.unterminated, 0);
	}
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_EOF);
	cg_jsonl_reader_release(&r);
	feed_end(&f);
	cg_buf_release(&s.data);
	free(in);
	free(lng);
}

TEST(reader_too_long_streamed)
{
	long_line_streamed(1 << 20, 100000, 1);
	long_line_streamed(3 * CHUNK + 17, 1000, 1);
	long_line_streamed(5 * CHUNK, 4096, 0);
}

TEST(reader_too_long_without_callback)
{
	size_t n = 4 * CHUNK;
	char *in = pattern(n + 8, 1);

	in[n] = '\n';
	memcpy(in + n + 1, "{\"x\":1}", 7);
	CHECK_STR(read_pipe(in, n + 8, 1000, 0), "1:TOO_LONG(262144)|2:{\"x\":1}$");
	free(in);
}

/* Lines of up to max_line bytes, each spanning many 64 KiB pipe reads. */
TEST(reader_lines_across_reads)
{
	static const size_t lens[] = {
		1000000, 3, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 5,
		CG_JSONL_MAX_LINE_DEFAULT, 1, 2 * CHUNK
	};
	size_t nlines = sizeof(lens) / sizeof(lens[0]), total = 0, i, at = 0;
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	struct feed f;
	char *in, *line;
	size_t len;
	int st;

	for (i = 0; i < nlines; i++)
		total += lens[i] + 1;
	in = malloc(total);
	if (!in)
		abort();
	for (i = 0; i < nlines; i++) {
		char *p = pattern(lens[i], (unsigned)i);

		memcpy(in + at, p, lens[i]);
		in[at + lens[i]] = '\n';
		at += lens[i] + 1;
		free(p);
	}
	feed_start(&f, in, total);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", 0);
	CHECK_INT(r.max_line, CG_JSONL_MAX_LINE_DEFAULT);
	for (i = 0; i < nlines; i++) {
		char *want = pattern(lens[i], (unsigned)i);

		st = cg_jsonl_next(&r, &line, &len, &err);
		CHECK_INT(st, CG_JSONL_LINE);
		CHECK_INT(r.lineno, i + 1);
		CHECK_INT(len, lens[i]);
		if (st == CG_JSONL_LINE)
			CHECK(len == lens[i] && !memcmp(line, want, len) &&
			      line[len] == '\0');
		free(want);
	}
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_EOF);
	cg_jsonl_reader_release(&r);
	feed_end(&f);
	free(in);
}

/* Many short lines: boundaries of reads fall everywhere inside them. */
TEST(reader_many_short_lines)
{
	struct cg_buf in = CG_BUF_INIT(SIZE_MAX);
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	struct feed f;
	char *line, want[64];
	size_t len;
	int i, n = 200000, bad = 0, st;

	for (i = 1; i <= n; i++)
		cg_buf_addf(&in, i % 3 ? "{\"n\":%d}\n" : "{\"n\":%d}\r\n", i);
	feed_start(&f, in.buf, in.len);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", 0);
	for (i = 1; (st = cg_jsonl_next(&r, &line, &len, &err)) == CG_JSONL_LINE; i++) {
		snprintf(want, sizeof(want), "{\"n\":%d}", i);
		if (strcmp(line, want) || r.lineno != (unsigned long)i || len != strlen(want))
			bad++;
	}
	CHECK_INT(st, CG_JSONL_EOF);
	CHECK_INT(i - 1, n);
	CHECK_INT(bad, 0);
	cg_jsonl_reader_release(&r);
	feed_end(&f);
	cg_buf_release(&in);
}

/* Line i of the peek test's input, in buf. */
static size_t peek_line(char *buf, size_t size, int i)
{
	return (size_t)snprintf(buf, size, "{\"n\":%d,\"pad\":\"%.*s\"}", i, i % 97,
				"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
				"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu");
}

/*
 * cg_jsonl_peek shows the lines the next calls return when they are
 * whole in the buffer, and nothing when they are not (a raw reader only);
 * peeking ahead by 0 to 3 lines or not, the lines read are the same,
 * across reads of every size.
 */
TEST(reader_peek)
{
	struct cg_buf in = CG_BUF_INIT(SIZE_MAX);
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	struct feed f;
	const char *peeked[CG_JSONL_PEEK];
	size_t plen[CG_JSONL_PEEK];
	char *line, want[160];
	size_t len;
	int i, n = 50000, bad = 0, seen = 0, cut = 0, st;

	for (i = 1; i <= n; i++) {
		peek_line(want, sizeof(want), i);
		cg_buf_addf(&in, "%s\n", want);
	}
	feed_start(&f, in.buf, in.len);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", 0);
	CHECK_INT(cg_jsonl_peek(&r, 0, &peeked[0], &plen[0]), 0);	/* not raw */
	r.raw = 1;
	CHECK_INT(cg_jsonl_peek(&r, 0, &peeked[0], &plen[0]), 0);	/* nothing read yet */
	CHECK_INT(cg_jsonl_peek(&r, CG_JSONL_PEEK, &peeked[0], &plen[0]), 0);
	for (i = 1; (st = cg_jsonl_next(&r, &line, &len, &err)) == CG_JSONL_LINE; i++) {
		int ahead = i % (CG_JSONL_PEEK + 1), k;

		if (len != peek_line(want, sizeof(want), i) || strcmp(line, want))
			bad++;
		/* Peek 0 to 4 lines ahead (the last one from the far end
		 * first), then read them: the same lines, where they were. */
		for (k = ahead - 1; k >= 0; k--)
			if (!cg_jsonl_peek(&r, k, &peeked[k], &plen[k]))
				break;
		if (k >= 0) {
			cut++;
			continue;
		}
		seen += ahead > 0;
		for (k = 0; k < ahead; k++) {
			char *next;
			size_t nlen;

			if (cg_jsonl_next(&r, &next, &nlen, &err) != CG_JSONL_LINE ||
			    next != peeked[k] || nlen != plen[k] ||
			    nlen != peek_line(want, sizeof(want), ++i) || strcmp(next, want))
				bad++;
		}
	}
	CHECK_INT(st, CG_JSONL_EOF);
	CHECK_INT(i - 1, n);
	CHECK_INT(bad, 0);
	CHECK(seen > n / 10);
	CHECK(cut > 0);		/* lines cut by the end of a read */
	CHECK_INT(cg_jsonl_peek(&r, 0, &peeked[0], &plen[0]), 0);
	cg_jsonl_reader_release(&r);
	feed_end(&f);
	cg_buf_release(&in);
}

TEST(reader_open_plain_file)
{
	static const char in[] = "\xEF\xBB\xBF{\"a\":1}\r\n\n{\"b\":\"张三\"}";
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	int dirfd;

	write_file("plain.jsonl", in, sizeof(in) - 1);
	CHECK_INT(cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path("plain.jsonl"),
				       "plain.jsonl", 0, &err), 0);
	CHECK_STR(r.name, "plain.jsonl");
	CHECK(r.gz == NULL);
	CHECK_STR(transcript(&r), "1:{\"a\":1}|3:{\"b\":\"张三\"}$");
	cg_jsonl_reader_release(&r);

	/* Relative to a directory descriptor. */
	dirfd = open(tmp_path(""), O_RDONLY | O_DIRECTORY);
	CHECK(dirfd >= 0);
	CHECK_INT(cg_jsonl_reader_open(&r, dirfd, "plain.jsonl", "plain.jsonl",
				       0, &err), 0);
	CHECK_STR(transcript(&r), "1:{\"a\":1}|3:{\"b\":\"张三\"}$");
	cg_jsonl_reader_release(&r);
	close(dirfd);

	write_file("empty.jsonl", "", 0);
	CHECK_INT(cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path("empty.jsonl"),
				       "empty.jsonl", 0, &err), 0);
	CHECK_STR(transcript(&r), "");
	cg_jsonl_reader_release(&r);
}

TEST(reader_open_missing)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;

	CHECK_INT(cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path("nope.jsonl"),
				       "journal/nope.jsonl", 0, &err), -1);
	CHECK_INT(err.status, CG_EXIT_SYSTEM);
	CHECK(strstr(err.msg, "'journal/nope.jsonl'") != NULL);
	CHECK(strstr(err.msg, strerror(ENOENT)) != NULL);
}

TEST(reader_gzip)
{
	static const char in[] =
		"{\"ts\":\"2026-01-25T08:00:00+08:00\",\"gate\":\"north\"}\n"
		"\r\n"
		"{\"name\":\"张三\"}\r\n"
		"{\"last\":true}";
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;

	write_gzip("day.jsonl.gz", in, sizeof(in) - 1);
	CHECK_INT(cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path("day.jsonl.gz"),
				       "day.jsonl.gz", 0, &err), 0);
	CHECK(r.gz != NULL);
	CHECK_STR(transcript(&r),
		  "1:{\"ts\":\"2026-01-25T08:00:00+08:00\",\"gate\":\"north\"}|"
		  "3:{\"name\":\"张三\"}|4:{\"last\":true}$");
	cg_jsonl_reader_release(&r);
}

/* A file's bytes, malloc'd, and their number in *len. */
static char *read_whole(const char *name, size_t *len)
{
	FILE *fp = fopen(tmp_path(name), "rb");
	char *data = malloc(1 << 20);

	if (!fp || !data)
		abort();
	*len = fread(data, 1, 1 << 20, fp);
	fclose(fp);
	return data;
}

/* A file of any size, malloc'd, and its length in *len. */
static char *read_whole_big(const char *name, size_t *len)
{
	FILE *fp = fopen(tmp_path(name), "rb");
	long n;
	char *data;

	if (!fp || fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0)
		abort();
	rewind(fp);
	data = malloc((size_t)n + 1);
	if (!data || fread(data, 1, (size_t)n, fp) != (size_t)n)
		abort();
	fclose(fp);
	*len = (size_t)n;
	return data;
}

/*
 * A gzip file of lines with its bytes from off on (from the end when
 * negative, none for LONG_MAX) replaced by tail (tlen bytes, may be none), read through: "N:LINE|..." then "!why"
 * on damage or "$" at the end.
 */
static char *read_damaged_gzip(const char *lines, long off, const char *tail, size_t tlen)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	struct cg_buf out = CG_BUF_INIT(SIZE_MAX);
	char *gz, *line;
	size_t glen, len;
	int st;

	write_gzip("cut.jsonl.gz", lines, strlen(lines));
	gz = read_whole("cut.jsonl.gz", &glen);
	if (off < 0)
		off += (long)glen;
	if (off > (long)glen)
		off = (long)glen;
	{
		struct cg_buf b = CG_BUF_INIT(SIZE_MAX);

		cg_buf_add(&b, gz, (size_t)off);
		if (tail)
			cg_buf_add(&b, tail, tlen);
		write_file("cut.jsonl.gz", b.buf, b.len);
		cg_buf_release(&b);
	}
	free(gz);
	if (cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path("cut.jsonl.gz"), "cut.jsonl.gz", 0,
				 &err) < 0)
		return strdup("open failed");
	while ((st = cg_jsonl_next(&r, &line, &len, &err)) == CG_JSONL_LINE)
		cg_buf_addf(&out, "%lu:%s%s|", r.lineno, line, r.unterminated ? "(torn)" : "");
	if (st < 0)
		cg_buf_addf(&out, "!%s", r.damaged ? r.damaged : err.msg);
	else
		cg_buf_addstr(&out, "$");
	/* After damage, the end: never a line the damage cut. */
	if (st < 0 && cg_jsonl_next(&r, &line, &len, &err) != CG_JSONL_EOF)
		cg_buf_addstr(&out, "(more)");
	cg_jsonl_reader_release(&r);
	return cg_buf_detach(&out, NULL);
}

TEST(reader_gzip_damage)
{
	static const char lines[] = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n";
	static const char zeros[8] = { 0 };
	char *got;

	/* Whole, and two members one after the other (gzip allows it). */
	got = read_damaged_gzip(lines, LONG_MAX, "", 0);
	CHECK_STR(got, "1:{\"n\":1}|2:{\"n\":2}|3:{\"n\":3}|$");
	free(got);
	write_gzip("day.jsonl.gz", lines, strlen(lines));
	{
		size_t glen;
		char *gz = read_whole("day.jsonl.gz", &glen);

		got = read_damaged_gzip(lines, LONG_MAX, gz, glen);
		free(gz);
	}
	CHECK(strstr(got, "6:{\"n\":3}|$") != NULL);
	free(got);
	/* Cut short: in the trailer, in the data. */
	got = read_damaged_gzip(lines, -3, NULL, 0);
	CHECK(strstr(got, "!the compressed data ends early") != NULL);
	CHECK(strstr(got, "(more)") == NULL);
	free(got);
	got = read_damaged_gzip(lines, 14, NULL, 0);
	CHECK(strncmp(got, "!the compressed data ends early", 31) == 0);
	CHECK(strstr(got, "(torn)") == NULL);
	free(got);
	/* A bad CRC: the lines come first, then the damage. */
	got = read_damaged_gzip(lines, -8, zeros, 8);
	CHECK_STR(got, "1:{\"n\":1}|2:{\"n\":2}|3:{\"n\":3}|!incorrect data check");
	free(got);
	/* Bytes after the data, which gzread() would skip. */
	got = read_damaged_gzip(lines, LONG_MAX, "garbage!", 8);
	CHECK(strstr(got, "|!") != NULL && strstr(got, "$") == NULL);
	free(got);
	got = read_damaged_gzip(lines, LONG_MAX, zeros, 8);
	CHECK(strstr(got, "|!") != NULL && strstr(got, "$") == NULL);
	free(got);
}

TEST(reader_gzip_large)
{
	struct cg_buf in = CG_BUF_INIT(SIZE_MAX);
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	struct spill s;
	char *line, *lng = pattern(300000, 9), want[64];
	size_t len;
	int i, bad = 0;

	for (i = 1; i <= 50000; i++)
		cg_buf_addf(&in, "{\"n\":%d}\n", i);
	cg_buf_addstr(&in, lng);
	cg_buf_addstr(&in, "\n{\"end\":1}\n");
	write_gzip("big.jsonl.gz", in.buf, in.len);

	spill_init(&s);
	CHECK_INT(cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path("big.jsonl.gz"),
				       "big.jsonl.gz", 100000, &err), 0);
	r.overflow = spill_cb;
	r.overflow_ctx = &s;
	for (i = 1; i <= 50000; i++) {
		snprintf(want, sizeof(want), "{\"n\":%d}", i);
		if (cg_jsonl_next(&r, &line, &len, &err) != CG_JSONL_LINE ||
		    strcmp(line, want))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_TOO_LONG);
	CHECK_INT(r.lineno, 50001);
	CHECK_INT(len, 300000);
	CHECK(s.data.len == 300000 && !memcmp(s.data.buf, lng, 300000));
	CHECK_INT(s.ends, 1);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
	CHECK_STR(line, "{\"end\":1}");
	CHECK_INT(r.lineno, 50002);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_EOF);
	cg_jsonl_reader_release(&r);
	cg_buf_release(&s.data);
	cg_buf_release(&in);
	free(lng);
}

/*
 * Lines "{"n":N,"h":"HEX"}" for N in 1..count, hex digits from a fixed
 * xorshift when random, all '0' otherwise.
 */
static void hex_lines(struct cg_buf *b, int count, int hex_digits, int random)
{
	static const char digits[] = "0123456789abcdef";
	uint32_t x = 2463534242u;
	char hex[128];

	for (int n = 1; n <= count; n++) {
		for (int i = 0; i < hex_digits && i < (int)sizeof(hex); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			hex[i] = digits[random ? x & 15 : 0];
		}
		cg_buf_addf(b, "{\"n\":%d,\"h\":\"%.*s\"}\n", n, hex_digits, hex);
	}
}

static void write_gzip_fast(const char *name, const char *data, size_t len)
{
	gzFile gz = gzopen(tmp_path(name), "wb1");

	if (!gz || gzwrite(gz, data, (unsigned)len) != (int)len || gzclose(gz) != Z_OK)
		abort();
}

/* How many lines read in order ("n" counting up from 1), then "$" or "!why". */
static char *count_gzip_lines(const char *name)
{
	struct cg_buf out = CG_BUF_INIT(SIZE_MAX);
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	char *line, want[32];
	size_t len, wlen;
	long n = 0;
	int st;

	if (cg_jsonl_reader_open(&r, AT_FDCWD, tmp_path(name), name, 0, &err) < 0)
		return strdup("open failed");
	while ((st = cg_jsonl_next(&r, &line, &len, &err)) == CG_JSONL_LINE) {
		wlen = (size_t)snprintf(want, sizeof(want), "{\"n\":%ld,", n + 1);
		if (len < wlen || memcmp(line, want, wlen))
			break;
		n++;
	}
	cg_buf_addf(&out, "%ld%s%s", n, st < 0 ? "!" : st == CG_JSONL_EOF ? "$" : "?",
		    st < 0 ? err.msg : "");
	cg_jsonl_reader_release(&r);
	return cg_buf_detach(&out, NULL);
}

/*
 * Small finished days are decoded whole, anything else by inflate() from
 * the file: a file too large to hold, a member too large to decode whole,
 * and damage in a large file all read the same lines.
 */
TEST(reader_gzip_whole_and_streamed)
{
	struct cg_buf in = CG_BUF_INIT(SIZE_MAX);
	char *got, *gz;
	size_t glen;

	/* Incompressible enough to be over 4 MB compressed: streamed. */
	hex_lines(&in, 150000, 56, 1);
	write_gzip_fast("big.jsonl.gz", in.buf, in.len);
	got = count_gzip_lines("big.jsonl.gz");
	CHECK_STR(got, "150000$");
	free(got);
	gz = read_whole_big("big.jsonl.gz", &glen);
	CHECK(glen > (4u << 20));
	write_file("big.jsonl.gz", gz, glen / 2);
	got = count_gzip_lines("big.jsonl.gz");
	CHECK(strstr(got, "!") && strstr(got, "ends early") && atol(got) > 50000);
	free(got);
	free(gz);
	cg_buf_release(&in);

	/* Small compressed, over 16 MB decoded: one member handed to inflate(). */
	in = (struct cg_buf)CG_BUF_INIT(SIZE_MAX);
	hex_lines(&in, 300000, 48, 0);
	CHECK(in.len > (16u << 20));
	write_gzip_fast("flat.jsonl.gz", in.buf, in.len);
	free(read_whole_big("flat.jsonl.gz", &glen));
	CHECK(glen < (4u << 20));
	got = count_gzip_lines("flat.jsonl.gz");
	CHECK_STR(got, "300000$");
	free(got);
	cg_buf_release(&in);
}

/* Lines first..last of hex_lines as one gzip member appended to name. */
static void append_member(const char *name, int first, int last)
{
	struct cg_buf in = CG_BUF_INIT(SIZE_MAX);
	const char *p;
	gzFile gz = gzopen(tmp_path(name), "ab6");

	hex_lines(&in, last, 40, 1);
	p = in.buf;
	for (int n = 1; n < first; n++)
		p = strchr(p, '\n') + 1;
	if (!gz || gzwrite(gz, p, (unsigned)(in.buf + in.len - p)) != (int)(in.buf + in.len - p) ||
	    gzclose(gz) != Z_OK)
		abort();
	cg_buf_release(&in);
}

/*
 * Members as cg writes them (about CG_GZIP_MEMBER each) are decoded
 * straight into the reader's buffer; an empty member, a member larger
 * than the buffer and damage in a later member read as before: every line
 * before the damage, then the damage.
 */
TEST(reader_gzip_members)
{
	char *got, *gz;
	size_t glen;

	remove(tmp_path("m.jsonl.gz"));
	append_member("m.jsonl.gz", 1, 15000);		/* about 1 MB */
	append_member("m.jsonl.gz", 1, 0);		/* empty */
	append_member("m.jsonl.gz", 15001, 30000);
	append_member("m.jsonl.gz", 30001, 90000);	/* 4 MB: larger */
	append_member("m.jsonl.gz", 90001, 91000);
	got = count_gzip_lines("m.jsonl.gz");
	CHECK_STR(got, "91000$");
	free(got);
	/* A byte of the third member's data changed. */
	gz = read_whole_big("m.jsonl.gz", &glen);
	CHECK(glen > (2u << 20));
	{
		size_t at = 0, members = 0;

		/* The third member's header (1f 8b 08), past its first bytes. */
		for (size_t i = 0; i + 3 < glen && members < 3; i++)
			if ((unsigned char)gz[i] == 0x1f && (unsigned char)gz[i + 1] == 0x8b &&
			    gz[i + 2] == 8 && ++members == 3)
				at = i + 200;
		CHECK(at > 0);
		gz[at] ^= 0x55;
	}
	write_file("m.jsonl.gz", gz, glen);
	got = count_gzip_lines("m.jsonl.gz");
	/* Every line of the first two before it (a changed byte may also
	 * decode, to be caught by the member's CRC after its lines). */
	CHECK(strstr(got, "!") != NULL);
	CHECK(atol(got) >= 15000 && atol(got) <= 30000);
	free(got);
	free(gz);
}

TEST(reader_fd_not_closed)
{
	struct cg_jsonl_reader r;
	struct feed f;

	feed_start(&f, "{}\n", 3);
	cg_jsonl_reader_init_fd(&r, f.fd, "stdin", 0);
	CHECK_STR(transcript(&r), "1:{}");
	cg_jsonl_reader_release(&r);
	CHECK(fcntl(f.fd, F_GETFD) != -1);
	feed_end(&f);
}

TEST(reader_would_block)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_jsonl_reader r;
	char *line;
	size_t len;
	int p[2];

	CHECK_INT(pipe(p), 0);
	cg_jsonl_reader_init_fd(&r, p[0], "stdin", 0);
	CHECK_INT(cg_jsonl_would_block(&r), 1);
	CHECK_INT(write(p[1], "{\"a\":1}\n{\"b\":2}\n", 16), 16);
	CHECK_INT(cg_jsonl_would_block(&r), 0);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
	/* The second line is already buffered. */
	CHECK_INT(cg_jsonl_would_block(&r), 0);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_LINE);
	CHECK_STR(line, "{\"b\":2}");
	CHECK_INT(cg_jsonl_would_block(&r), 1);
	close(p[1]);
	CHECK_INT(cg_jsonl_would_block(&r), 0);
	CHECK_INT(cg_jsonl_next(&r, &line, &len, &err), CG_JSONL_EOF);
	cg_jsonl_reader_release(&r);
	close(p[0]);
}

/* ---- parsing ----------------------------------------------------------- */

/* "ok N" (N members) for an accepted line, else the reason. */
static const char *parse_len(const char *line, size_t len)
{
	static char why[512];
	json_t *obj;

	strcpy(why, "(why not set)");
	obj = cg_jsonl_parse(line, len, why, sizeof(why));
	if (obj) {
		snprintf(why, sizeof(why), "ok %zu", json_object_size(obj));
		json_decref(obj);
	}
	return why;
}

#define PARSE(s) parse_len((s), sizeof(s) - 1)

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

TEST(parse_valid)
{
	static const char line[] =
		"{\"ts\":\"2026-01-25T08:00:00+08:00\",\"name\":\"张三\","
		"\"temp\":36.5,\"mask\":true,\"symptoms\":[],\"x\":{\"y\":null}}";
	char why[128] = "";
	json_t *obj;

	CHECK_STR(PARSE("{}"), "ok 0");
	CHECK_STR(PARSE(" { \"a\" : 1 } "), "ok 1");
	CHECK_STR(PARSE(line), "ok 6");
	obj = cg_jsonl_parse(line, sizeof(line) - 1, why, sizeof(why));
	CHECK(obj != NULL);
	CHECK_STR(json_string_value(json_object_get(obj, "name")), "张三");
	CHECK(json_real_value(json_object_get(obj, "temp")) == 36.5);
	CHECK(json_is_true(json_object_get(obj, "mask")));
	json_decref(obj);
	/* Only len bytes are parsed: what follows is not looked at. */
	CHECK_STR(parse_len("{\"a\":1}GARBAGE", 7), "ok 1");
	/* Valid multibyte UTF-8 of every length, and escapes. */
	CHECK_STR(PARSE("{\"a\":\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\"}"),
		  "ok 1");
	CHECK_STR(PARSE("{\"a\":\"\\u00e9\\ud83d\\ude00\\\"\\\\\"}"), "ok 1");
}

TEST(parse_invalid_json)
{
	CHECK(starts(PARSE("{\"a\":1"), "invalid JSON at column "));
	CHECK(starts(PARSE("{\"a\":}"), "invalid JSON at column "));
	CHECK(starts(PARSE("{a:1}"), "invalid JSON at column "));
	CHECK(starts(PARSE("{\"a\":1,}"), "invalid JSON at column "));
	CHECK(starts(PARSE("{\"a\":1} {\"b\":2}"), "invalid JSON at column "));
	CHECK(starts(PARSE("{\"a\":'x'}"), "invalid JSON at column "));
	CHECK(starts(PARSE(""), "invalid JSON at column "));
	CHECK(starts(PARSE("{\"a\":1}x"), "invalid JSON at column "));
}

TEST(parse_nul)
{
	/* {"a":"x  NUL  y"} : the NUL is byte 8. */
	CHECK_STR(PARSE("{\"a\":\"x\0y\"}"), "NUL byte at column 8");
	CHECK_STR(PARSE("\0{}"), "NUL byte at column 1");
	CHECK_STR(PARSE("{}\0"), "NUL byte at column 3");
	CHECK_STR(PARSE("{\"a\":1,\0\"b\":2}"), "NUL byte at column 8");
}

/*
 * The byte after a backslash inside a string is still a byte of the line:
 * a NUL or a bad UTF-8 byte there is reported as such, at its column.
 */
TEST(parse_nul_after_backslash)
{
	CHECK_STR(PARSE("{\"a\":\"\\\0\"}"), "NUL byte at column 8");
	CHECK_STR(PARSE("{\"a\":\"\\\xF5\"}"), "invalid UTF-8 at column 8");
}

TEST(parse_invalid_utf8)
{
	/* {"a":" is 6 bytes: the bad sequence starts at column 7. */
	CHECK_STR(PARSE("{\"a\":\"\xC0\x80\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xC1\xBF\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xE0\x80\xAF\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xF0\x80\x80\xAF\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xED\xA0\x80\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xED\xBF\xBF\"}"), "invalid UTF-8 at column 7");
	/* Truncated: a lead byte followed by too few continuation bytes. */
	CHECK_STR(PARSE("{\"a\":\"\xE4\xB8\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xC3\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xF0\x9F\x98\"}"), "invalid UTF-8 at column 7");
	/* Truncated by the end of the line. */
	CHECK_STR(PARSE("{\"a\":\"\xE4\xB8"), "invalid UTF-8 at column 7");
	/* Past U+10FFFF, and bytes that never start a sequence. */
	CHECK_STR(PARSE("{\"a\":\"\xF5\x80\x80\x80\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xF4\x90\x80\x80\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\xFF\"}"), "invalid UTF-8 at column 7");
	CHECK_STR(PARSE("{\"a\":\"\x80\"}"), "invalid UTF-8 at column 7");
	/* After valid text the column still counts bytes. */
	CHECK_STR(PARSE("{\"abc\":\"x\",\"k\":\"\xC0\x80\"}"),
		  "invalid UTF-8 at column 17");
	/* In a key, too. */
	CHECK_STR(PARSE("{\"\xC0\x80\":1}"), "invalid UTF-8 at column 3");
}

TEST(parse_duplicate_keys)
{
	const char *why = PARSE("{\"a\":1,\"b\":2,\"a\":3}");

	CHECK(starts(why, "invalid JSON at column "));
	CHECK(strstr(why, "duplicate") != NULL);
	/* The same key in different objects is fine. */
	CHECK_STR(PARSE("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), "ok 2");
}

TEST(parse_not_object)
{
	CHECK_STR(PARSE("[1,2]"), "not a JSON object");
	CHECK_STR(PARSE("[{\"a\":1}]"), "not a JSON object");
	CHECK_STR(PARSE("[]"), "not a JSON object");
	/* Valid JSON that is not an object is not "invalid JSON". */
	CHECK_STR(PARSE("42"), "not a JSON object");
	CHECK_STR(PARSE("\"x\""), "not a JSON object");
	CHECK_STR(PARSE("null"), "not a JSON object");
}

/* An object nested depth levels deep: {"a":{"a":...1...}}. */
static const char *nested(int depth, const char *open, const char *close)
{
	static char line[4096];
	size_t n = 0;
	int i;

	for (i = 0; i < depth; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s",
				      i == 0 ? "{\"a\":" : open);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "1");
	for (i = depth - 1; i >= 0; i--)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s",
				      i == 0 ? "}" : close);
	return line;
}

TEST(parse_depth)
{
	char deeper[64];
	const char *s;

	snprintf(deeper, sizeof(deeper), "nesting deeper than %d levels",
		 CG_JSONL_MAX_DEPTH);
	s = nested(CG_JSONL_MAX_DEPTH, "{\"a\":", "}");
	CHECK_STR(parse_len(s, strlen(s)), "ok 1");
	s = nested(CG_JSONL_MAX_DEPTH + 1, "{\"a\":", "}");
	CHECK_STR(parse_len(s, strlen(s)), deeper);
	s = nested(CG_JSONL_MAX_DEPTH, "[", "]");
	CHECK_STR(parse_len(s, strlen(s)), "ok 1");
	s = nested(CG_JSONL_MAX_DEPTH + 1, "[", "]");
	CHECK_STR(parse_len(s, strlen(s)), deeper);
	s = nested(200, "[", "]");
	CHECK_STR(parse_len(s, strlen(s)), deeper);
	/* Depth is nesting, not the number of brackets. */
	CHECK_STR(PARSE("{\"a\":[],\"b\":[],\"c\":[[]],\"d\":{},\"e\":[{},{}],"
			"\"f\":[],\"g\":[],\"h\":[],\"i\":[],\"j\":[],\"k\":[],"
			"\"l\":[],\"m\":[],\"n\":[],\"o\":[],\"p\":[],\"q\":[]}"),
		  "ok 17");
}

TEST(parse_depth_ignores_strings)
{
	char deeper[64];

	snprintf(deeper, sizeof(deeper), "nesting deeper than %d levels",
		 CG_JSONL_MAX_DEPTH);
	CHECK_STR(PARSE("{\"a\":\"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{\"}"), "ok 1");
	CHECK_STR(PARSE("{\"[[[[[[[[[[[[[[[[[[[[\":\"]]]]]]]]]]]]]]]]]]]]]]]]\"}"), "ok 1");
	/* An escaped quote does not end the string... */
	CHECK_STR(PARSE("{\"a\":\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[\"}"), "ok 1");
	/* ...but an escaped backslash before a quote does. */
	CHECK_STR(PARSE("{\"a\":\"\\\\\",\"b\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}"),
		  deeper);
	CHECK_STR(PARSE("{\"a\":\"\\\\\",\"b\":[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}"),
		  "ok 2");
	/* Closing brackets inside strings do not lower the depth either. */
	CHECK_STR(PARSE("{\"a\":[[[[[[[[[[[[[[[\"]]]]]]]]]]]]]]]\",[1]]]]]]]]]]]]]]]}"),
		  deeper);
}

/* ---- dumping ----------------------------------------------------------- */

static const char *dumped(const json_t *obj)
{
	static struct cg_buf out = CG_BUF_INIT(1 << 16);

	cg_buf_release(&out);
	if (cg_jsonl_dump(obj, &out) < 0)
		return "(failed)";
	return out.buf;
}

TEST(dump_compact_ordered)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "z", json_integer(1));
	json_object_set_new(obj, "a", json_string("x"));
	json_object_set_new(obj, "m", json_pack("[i,i,{s:n}]", 1, 2, "k"));
	json_object_set_new(obj, "b", json_false());
	CHECK_STR(dumped(obj), "{\"z\":1,\"a\":\"x\",\"m\":[1,2,{\"k\":null}],\"b\":false}\n");
	/* Replacing a value keeps the key where it was. */
	json_object_set_new(obj, "z", json_integer(2));
	CHECK_STR(dumped(obj), "{\"z\":2,\"a\":\"x\",\"m\":[1,2,{\"k\":null}],\"b\":false}\n");
	json_decref(obj);
	obj = json_object();
	CHECK_STR(dumped(obj), "{}\n");
	json_decref(obj);
}

TEST(dump_chinese_unescaped)
{
	json_t *obj = json_pack("{s:s,s:s,s:s}", "name", "张三", "from", "湖北省武汉市",
				"q", "a\"b\\c\nd");

	CHECK_STR(dumped(obj),
		  "{\"name\":\"张三\",\"from\":\"湖北省武汉市\",\"q\":\"a\\\"b\\\\c\\nd\"}\n");
	json_decref(obj);
}

TEST(dump_numbers)
{
	json_t *obj = json_pack("{s:f,s:f,s:f,s:f,s:f,s:i}", "temp", 37.3, "b", 36.6,
				"c", 38.0, "d", 0.1, "e", 35.95, "n", 120);

	CHECK_STR(dumped(obj),
		  "{\"temp\":37.3,\"b\":36.6,\"c\":38.0,\"d\":0.1,\"e\":35.95,\"n\":120}\n");
	json_decref(obj);
}

TEST(dump_appends_and_limits)
{
	struct cg_buf out = CG_BUF_INIT(20);
	json_t *a = json_pack("{s:i}", "a", 1);
	json_t *big = json_pack("{s:s}", "k", "0123456789012345678901234567890");

	CHECK_INT(cg_jsonl_dump(a, &out), 0);
	CHECK_INT(cg_jsonl_dump(a, &out), 0);
	CHECK_STR(out.buf, "{\"a\":1}\n{\"a\":1}\n");
	cg_buf_reset(&out);
	CHECK_INT(cg_jsonl_dump(big, &out), -1);
	cg_buf_release(&out);

	/* A record that fits exactly, newline included, is not refused. */
	out.limit = 8;
	CHECK_INT(cg_jsonl_dump(a, &out), 0);
	CHECK_STR(out.buf, "{\"a\":1}\n");
	CHECK_INT(cg_jsonl_dump(a, &out), -1);
	cg_buf_release(&out);
	json_decref(a);
	json_decref(big);
}

TEST(dump_large_record)
{
	struct cg_buf out = CG_BUF_INIT(SIZE_MAX);
	char *v = pattern(100000, 5);
	json_t *obj = json_pack("{s:s,s:i}", "v", v, "n", 1);
	int i, ok = 1;

	/* After a short record, so the large one starts mid-buffer. */
	CHECK_INT(cg_buf_addstr(&out, "x\n"), 0);
	for (i = 0; i < 3; i++) {
		size_t at = out.len;

		CHECK_INT(cg_jsonl_dump(obj, &out), 0);
		if (out.len - at != 100000 + 15 ||
		    strncmp(out.buf + at, "{\"v\":\"", 6) ||
		    memcmp(out.buf + at + 6, v, 100000) ||
		    strcmp(out.buf + at + 100006, "\",\"n\":1}\n"))
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(out.len, 2 + 3 * (100000 + 15));
	CHECK(!strncmp(out.buf, "x\n{", 3));
	json_decref(obj);
	free(v);
	cg_buf_release(&out);
}

TEST(parse_dump_round_trip)
{
	static const char line[] =
		"{\"ts\":\"2026-01-25T08:00:00+08:00\",\"compound\":\"DEMO-0001\","
		"\"name\":\"张三\",\"temp\":37.3,\"mask\":true,\"symptoms\":[\"cough\"],"
		"\"x_custom\":{\"b\":1,\"a\":2}}";
	char why[128] = "";
	json_t *obj = cg_jsonl_parse(line, sizeof(line) - 1, why, sizeof(why));
	char want[sizeof(line) + 1];

	CHECK(obj != NULL);
	if (!obj)
		return;
	snprintf(want, sizeof(want), "%s\n", line);
	CHECK_STR(dumped(obj), want);
	json_decref(obj);
}

/* cg_json_dumpb writes what json_dumpb does, byte for byte. */
static int dumps_as_jansson(const json_t *v)
{
	char a[4096], b[4096];
	size_t na = json_dumpb(v, a, sizeof(a), CG_JSON_DUMP_FLAGS);
	size_t nb = cg_json_dumpb(v, b, sizeof(b));

	return na == nb && na <= sizeof(a) && !memcmp(a, b, na);
}

TEST(dump_fast_as_jansson)
{
	static const char *const lines[] = {
		"{}", "[]", "[[],{},[{}]]",
		"{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"}",
		"{\"名\":\"张三 𝄞 é\",\"kk\":\"\\u0000x\"}",
		"{\"n\":[0,-1,1,9223372036854775807,-9223372036854775808,12345678901]}",
		"{\"r\":[37.3,36.0,-0.5,1e300,1.0000000000000002,0.1,37.29999999999999,1e-7]}",
		"{\"b\":[true,false,null],\"o\":{\"z\":1,\"a\":{\"y\":[1,{\"x\":\"\"}]}}}",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		json_t *v = json_loads(lines[i], JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

		CHECK(v != NULL);
		if (v)
			CHECK(dumps_as_jansson(v));
		json_decref(v);
	}
}

/* Strings of every kind of byte run (plain, quotes, backslashes, controls,
 * DEL, UTF-8 of each length) at every offset from a word's start, each
 * written as Jansson writes it. */
TEST(dump_fast_strings_as_jansson)
{
	static const char *const parts[] = {
		"a", "0123456789abcdef", "\"", "\\", "\n", "\x01", "\x1f", " ", "\x7f",
		"é", "张", "𝄞", "/", "~",
	};
	unsigned seed = 12345;

	for (int n = 0; n < 3000; n++) {
		char text[256];
		size_t len = 0;
		int pieces = n % 12;
		json_t *v;

		for (int p = 0; p < pieces; p++) {
			const char *s;

			seed = seed * 1103515245u + 12345u;
			s = parts[(seed >> 16) % (sizeof(parts) / sizeof(parts[0]))];
			if (len + strlen(s) >= sizeof(text))
				break;
			memcpy(text + len, s, strlen(s));
			len += strlen(s);
		}
		v = json_pack("{s:s#}", "k", text, (int)len);
		CHECK(v != NULL);
		if (v)
			CHECK(dumps_as_jansson(v));
		json_decref(v);
	}
}

/* The tenths written without printf, over the range a reading takes and
 * its edges, each as Jansson writes it. */
TEST(dump_fast_reals_as_jansson)
{
	static const double edges[] = {
		0.0, -0.0, 0.1, -0.1, 0.05, 1.0, 10.0, 35.95, 36.6, 37.29999999999999,
		99999.9, 999999.9, 1000000.0, -999999.9, 1e7, 1e15, 1e16, 0.30000000000000004,
		1.0 / 3, 123456.75, 42.0000001,
	};
	json_t *arr = json_array();
	int same = 1;

	for (int n = -1000; n <= 1500; n++)
		json_array_append_new(arr, json_real(n / 10.0));
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		json_array_append_new(arr, json_real(edges[i]));
	for (size_t i = 0; i < json_array_size(arr) && same; i++) {
		json_t *one = json_pack("[O]", json_array_get(arr, i));

		same = dumps_as_jansson(one);
		if (!same)
			fprintf(stderr, "differs: %.17g\n", json_real_value(json_array_get(arr, i)));
		json_decref(one);
	}
	CHECK(same);
	json_decref(arr);
}

/* One string's text, as the record's dump writes it. */
TEST(string_text_as_dumped)
{
	static const char *const strings[] = {
		"", "plain", "\"\\\b\f\n\r\t\x01\x1f\x7f", "\xe5\xbc\xa0\xe4\xb8\x89 \xf0\x9d\x84\x9e",
	};
	char a[128], b[128];

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		json_t *arr = json_pack("[s]", strings[i]);
		size_t na = cg_json_dumpb(arr, a, sizeof(a));
		size_t nb = cg_json_string_text(strings[i], strlen(strings[i]), b, sizeof(b));

		/* The array's text is "[" the string's "]". */
		CHECK(na == nb + 2 && !memcmp(a + 1, b, nb));
		json_decref(arr);
	}
	CHECK_INT((int)cg_json_string_text("\xff", 1, b, sizeof(b)), 0);
	CHECK_INT((int)cg_json_string_text("ab", 2, NULL, 0), 4);
}

TEST(dump_fast_sizes)
{
	json_t *v = json_pack("{s:s,s:i}", "k", "\u4e2d\u6587", "n", 5);
	char small[8];

	/* Past the room: the length wanted, only what fits written. */
	CHECK_INT((int)cg_json_dumpb(v, small, sizeof(small)), 20);
	CHECK(!memcmp(small, "{\"k\":\"\xe4\xb8", 8));
	CHECK_INT((int)cg_json_dumpb(v, NULL, 0), 20);
	json_decref(v);
	/* Neither an object nor an array, as Jansson without JSON_ENCODE_ANY. */
	v = json_string("x");
	CHECK_INT((int)cg_json_dumpb(v, small, sizeof(small)), 0);
	json_decref(v);
	/* A string that is not UTF-8 is refused, as Jansson refuses it. */
	v = json_pack("{s:o}", "k", json_stringn_nocheck("\xff", 1));
	CHECK_INT((int)cg_json_dumpb(v, small, sizeof(small)), 0);
	CHECK_INT((int)json_dumpb(v, small, sizeof(small), CG_JSON_DUMP_FLAGS), 0);
	json_decref(v);
}

int main(void)
{
	/* A reader of a closed pipe must see an error, not die. */
	signal(SIGPIPE, SIG_IGN);

	RUN(reader_plain_lines);
	RUN(reader_crlf);
	RUN(reader_bom);
	RUN(reader_blank_lines_counted);
	RUN(reader_unterminated);
	RUN(reader_raw);
	RUN(reader_too_long_small);
	RUN(reader_max_line_boundary);
	RUN(reader_too_long_streamed);
	RUN(reader_peek);
	RUN(reader_too_long_without_callback);
	RUN(reader_lines_across_reads);
	RUN(reader_many_short_lines);
	RUN(reader_open_plain_file);
	RUN(reader_open_missing);
	RUN(reader_gzip);
	RUN(reader_gzip_large);
	RUN(reader_gzip_damage);
	RUN(reader_gzip_whole_and_streamed);
	RUN(reader_gzip_members);
	RUN(reader_fd_not_closed);
	RUN(reader_would_block);
	RUN(parse_valid);
	RUN(parse_invalid_json);
	RUN(parse_nul);
	RUN(parse_nul_after_backslash);
	RUN(parse_invalid_utf8);
	RUN(parse_duplicate_keys);
	RUN(parse_not_object);
	RUN(parse_depth);
	RUN(parse_depth_ignores_strings);
	RUN(dump_compact_ordered);
	RUN(dump_chinese_unescaped);
	RUN(dump_fast_strings_as_jansson);
	RUN(dump_numbers);
	RUN(dump_appends_and_limits);
	RUN(dump_large_record);
	RUN(parse_dump_round_trip);
	RUN(dump_fast_as_jansson);
	RUN(dump_fast_reals_as_jansson);
	RUN(string_text_as_dumped);
	RUN(dump_fast_sizes);
	tmp_cleanup();
	return UNIT_DONE();
}
