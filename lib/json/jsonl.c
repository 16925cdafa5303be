#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdint.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "json/jsonparse.h"

#define READ_CHUNK (64 * 1024)

void cg_jsonl_reader_init_fd(struct cg_jsonl_reader *r, int fd,
			     const char *name, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->max_line = max_line ? max_line : CG_JSONL_MAX_LINE_DEFAULT;
	r->fd = fd;
}

static int is_gzip(int fd)
{
	unsigned char magic[2];
	ssize_t n = pread(fd, magic, 2, 0);

	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

/*
 * gzip decoded with inflate() rather than gzread(): gzread() takes bytes
 * after the last member for the end of the data and a stream cut short
 * for a short read, and a journal archive must be whole or damaged.
 *
 * A finished day small enough to hold (GUNZIP_WHOLE_IN compressed, each
 * member GUNZIP_WHOLE_OUT decoded) is decoded a member at a time by
 * libdeflate, which does it in about half the time of inflate().  Anything
 * libdeflate does not decode whole (a cut, a bad CRC, bytes after the last
 * member) is decoded again from that member by inflate(), so that damage
 * is found and reported exactly as for a large file, after the lines that
 * precede it.
 */
#define GUNZIP_WHOLE_IN (4u << 20)
#define GUNZIP_WHOLE_OUT (16u << 20)

struct cg_gunzip {
	z_stream z;
	int streaming;		/* inflate() decodes; no libdeflate from here */
	int in_eof;		/* read() found the end of the file */
	int member_end;		/* the last inflate() finished a member */
	int done;		/* the end, or damage already reported */
	const char *damage;	/* found after some output: for the next read */
	unsigned char *whole;	/* the whole file, or NULL: streamed */
	size_t whole_len, whole_pos;	/* the next member starts at whole_pos */
	char *plain;		/* the decoded member being handed out */
	size_t plain_len, plain_pos, plain_alloc;
	struct libdeflate_decompressor *dec;
	unsigned char in[READ_CHUNK];
};

/* The whole file into g->whole when it is small: 0, or -1 to stream it. */
static int gunzip_slurp(struct cg_gunzip *g, int fd)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 18 ||
	    (uintmax_t)st.st_size > GUNZIP_WHOLE_IN)
		return -1;
	g->whole = malloc((size_t)st.st_size);
	g->dec = libdeflate_alloc_decompressor();
	if (!g->whole || !g->dec)
		return -1;
	while (got < (size_t)st.st_size) {
		n = pread(fd, g->whole + got, (size_t)st.st_size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	g->whole_len = got;
	return 0;
}

static void gunzip_free_whole(struct cg_gunzip *g)
{
	free(g->whole);
	free(g->plain);
	if (g->dec)
		libdeflate_free_decompressor(g->dec);
	g->whole = NULL;
	g->plain = NULL;
	g->dec = NULL;
}

static int gunzip_start(struct cg_jsonl_reader *r)
{
	struct cg_gunzip *g = calloc(1, sizeof(*g));

	if (!g)
		return -1;
	/* 15 + 16: gzip only, never raw deflate or zlib data. */
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		free(g);
		return -1;
	}
	if (gunzip_slurp(g, r->fd) < 0) {
		gunzip_free_whole(g);
		g->streaming = 1;
	}
	r->gz = g;
	return 0;
}

static void gunzip_end(struct cg_jsonl_reader *r)
{
	if (!r->gz)
		return;
	inflateEnd(&r->gz->z);
	gunzip_free_whole(r->gz);
	free(r->gz);
	r->gz = NULL;
}

static ssize_t gunzip_damaged(struct cg_jsonl_reader *r, const char *why,
			      struct cg_err *err)
{
	r->damaged = why;
	r->gz->done = 1;
	/* What is buffered is a line the damage cut: never a line. */
	r->start = r->end;
	return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot read '%s': %s"), r->name, why);
}

/* Compressed bytes into r->gz->z, unless there are some; -1 on error. */
static int gunzip_input(struct cg_jsonl_reader *r, struct cg_err *err)
{
	struct cg_gunzip *g = r->gz;
	ssize_t n;

	if (g->z.avail_in || g->in_eof)
		return 0;
	if (g->whole) {
		/* The rest of the file is in memory: inflate() takes it all. */
		g->z.next_in = g->whole + g->whole_pos;
		g->z.avail_in = (uInt)(g->whole_len - g->whole_pos);
		g->in_eof = 1;
		return 0;
	}
	do
		n = read(r->fd, g->in, sizeof(g->in));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), r->name);
	g->in_eof = n == 0;
	g->z.next_in = g->in;
	g->z.avail_in = (uInt)n;
	return 0;
}

/* Up to room bytes decoded by inflate(): how many, 0 at the end, -1 on error. */
static ssize_t gunzip_inflate(struct cg_jsonl_reader *r, char *out, size_t room,
			   struct cg_err *err)
{
	struct cg_gunzip *g = r->gz;
	uInt want = room > (1u << 30) ? 1u << 30 : (uInt)room;
	int zr;

	if (g->done)
		return 0;
	if (g->damage)
		return gunzip_damaged(r, g->damage, err);
	g->z.next_out = (unsigned char *)out;
	g->z.avail_out = want;
	while (!g->done && g->z.avail_out == want) {
		if (gunzip_input(r, err) < 0)
			return -1;
		if (!g->z.avail_in && g->in_eof) {
			if (g->member_end) {
				g->done = 1;
				break;
			}
			return gunzip_damaged(r, _("the compressed data ends early (the file was cut short)"), err);
		}
		if (g->member_end) {
			/* Only another gzip member may follow one. */
			inflateReset(&g->z);
			g->member_end = 0;
		}
		zr = inflate(&g->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			g->member_end = 1;
		else if (zr == Z_MEM_ERROR)
			return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM, _("cannot read '%s'"), r->name);
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			g->damage = g->z.msg ? g->z.msg : _("corrupt compressed data");
		/* The lines before the damage (a bad CRC is found at the end)
		 * are read first. */
		if (g->damage && g->z.avail_out == want)
			return gunzip_damaged(r, g->damage, err);
		if (g->damage)
			break;
	}
	return (ssize_t)(want - g->z.avail_out);
}

/* The last member's length mod 2^32 (its trailer): a guess at the next one's. */
static size_t gunzip_size_hint(const struct cg_gunzip *g)
{
	const unsigned char *t = g->whole + g->whole_len - 4;

	return (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
}

/*
 * The next member decoded whole into g->plain by libdeflate: 1, 0 at the
 * end of the file, or -1 when inflate() must take over from this member
 * (damage, or a member too large to hold).
 */
static int gunzip_member(struct cg_gunzip *g)
{
	size_t want, used, got;
	enum libdeflate_result res;

	if (!g->whole)
		return 0;
	/* Exact for a file of one member (larger than its compressed bytes);
	 * else members are CG_GZIP_MEMBER as cg writes them, or doubled
	 * below when they are more. */
	want = gunzip_size_hint(g);
	if (want < g->whole_len - g->whole_pos && want < CG_GZIP_MEMBER)
		want = CG_GZIP_MEMBER;
	for (;;) {
		if (want > GUNZIP_WHOLE_OUT)
			want = GUNZIP_WHOLE_OUT;
		if (want > g->plain_alloc) {
			char *p = realloc(g->plain, want);

			if (!p)
				return -1;
			g->plain = p;
			g->plain_alloc = want;
		}
		res = libdeflate_gzip_decompress_ex(g->dec, g->whole + g->whole_pos,
						    g->whole_len - g->whole_pos,
						    g->plain, g->plain_alloc, &used, &got);
		if (res != LIBDEFLATE_INSUFFICIENT_SPACE || g->plain_alloc >= GUNZIP_WHOLE_OUT)
			break;
		want = 2 * g->plain_alloc;
	}
	if (res != LIBDEFLATE_SUCCESS)
		return -1;
	g->whole_pos += used;
	g->plain_len = got;
	g->plain_pos = 0;
	if (g->whole_pos == g->whole_len) {
		/* The last member: the compressed bytes are of no more use. */
		free(g->whole);
		g->whole = NULL;
		g->whole_len = g->whole_pos = 0;
	}
	return 1;
}

/*
 * The next member decoded by libdeflate straight into out, when it fits
 * in room (cg's members, CG_GZIP_MEMBER, do in a reader's buffer): bytes
 * decoded, or 0 when it did not (damage, a member larger than room, an
 * empty member), and gunzip_member then decodes it as before.  Saves the
 * copy of every decoded byte from g->plain.
 */
static size_t gunzip_member_into(struct cg_gunzip *g, char *out, size_t room)
{
	size_t used, got;

	if (!g->whole || room < CG_GZIP_MEMBER ||
	    libdeflate_gzip_decompress_ex(g->dec, g->whole + g->whole_pos,
					  g->whole_len - g->whole_pos, out, room, &used,
					  &got) != LIBDEFLATE_SUCCESS || !got)
		return 0;
	g->whole_pos += used;
	if (g->whole_pos == g->whole_len) {
		free(g->whole);
		g->whole = NULL;
		g->whole_len = g->whole_pos = 0;
	}
	return got;
}

/* Up to room decompressed bytes: how many, 0 at the end, -1 on error. */
static ssize_t gunzip_read(struct cg_jsonl_reader *r, char *out, size_t room,
			   struct cg_err *err)
{
	struct cg_gunzip *g = r->gz;
	size_t n;

	if (!g->streaming && g->plain_pos == g->plain_len &&
	    (n = gunzip_member_into(g, out, room)) > 0)
		return (ssize_t)n;
	while (!g->streaming && g->plain_pos == g->plain_len) {
		int m = gunzip_member(g);

		if (m == 0)
			return 0;
		if (m < 0)
			g->streaming = 1;
	}
	if (g->streaming)
		return gunzip_inflate(r, out, room, err);
	n = g->plain_len - g->plain_pos;
	if (n > room)
		n = room;
	memcpy(out, g->plain + g->plain_pos, n);
	g->plain_pos += n;
	return (ssize_t)n;
}

ssize_t cg_jsonl_reader_read_block(struct cg_jsonl_reader *r, char *to, size_t n,
				   struct cg_err *err)
{
	ssize_t got;

	if (r->gz)
		return gunzip_read(r, to, n, err);
	do
		got = read(r->fd, to, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), r->name);
	return got;
}

int cg_jsonl_reader_open(struct cg_jsonl_reader *r, int dirfd, const char *path,
			 const char *name, size_t max_line, struct cg_err *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open '%s'"), name);
	cg_jsonl_reader_init_fd(r, fd, name, max_line);
	r->own_fd = 1;
	if (is_gzip(fd) && gunzip_start(r) < 0) {
		cg_jsonl_reader_release(r);
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM,
				    _("cannot read '%s' as gzip"), name);
	}
	return 0;
}

void cg_jsonl_reader_release(struct cg_jsonl_reader *r)
{
	gunzip_end(r);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
	r->fd = -1;
	r->alloc = r->start = r->end = 0;
}

/* Read more bytes after r->end; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t fill(struct cg_jsonl_reader *r, struct cg_err *err)
{
	r->npeek = 0;		/* the buffer may move */
	/* A compressed file's member is decoded straight into the buffer
	 * when it has room for one (gunzip_member_into). */
	size_t room_min = r->gz && !r->gz->streaming ? CG_GZIP_MEMBER : READ_CHUNK;
	ssize_t n;

	if (r->start > 0 && r->start == r->end) {
		r->start = r->end = 0;
	} else if (r->start > 0 && r->alloc - r->end < room_min) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	while (r->alloc - r->end < room_min) {
		size_t alloc = r->alloc ? r->alloc * 2 : 2 * READ_CHUNK;
		char *p = realloc(r->buf, alloc + 1);

		if (!p)
			return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM,
					    _("cannot read '%s'"), r->name);
		r->buf = p;
		r->alloc = alloc;
	}
	for (;;) {
		size_t room = r->alloc - r->end;

		if (r->gz) {
			n = gunzip_read(r, r->buf + r->end, room, err);
			if (n < 0)
				return -1;
		} else {
			n = read(r->fd, r->buf + r->end, room);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot read '%s'"), r->name);
		break;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return n;
}

/* Skip the rest of an over-long line, handing its bytes to ->overflow. */
static int skip_long_line(struct cg_jsonl_reader *r, size_t *len,
			  struct cg_err *err)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		size_t piece = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;

		if (r->overflow)
			r->overflow(r->overflow_ctx, r->buf + r->start, piece, !!nl);
		*len += piece;
		if (nl) {
			r->start += piece + 1;
			return CG_JSONL_TOO_LONG;
		}
		r->start = r->end;
		if (r->eof) {
			if (r->overflow)
				r->overflow(r->overflow_ctx, "", 0, 1);
			r->unterminated = 1;
			return CG_JSONL_TOO_LONG;
		}
		if (fill(r, err) < 0)
			return -1;
	}
}

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int cg_jsonl_next(struct cg_jsonl_reader *r, char **line, size_t *len,
		  struct cg_err *err)
{
	for (;;) {
		char *p, *nl;
		size_t n;

		if (r->npeek && r->peek_from == r->start) {
			/* Found by cg_jsonl_peek: the others move up. */
			nl = r->peek_nl[0];
			memmove(r->peek_nl, r->peek_nl + 1, --r->npeek * sizeof(*r->peek_nl));
			r->peek_from = (size_t)(nl + 1 - r->buf);
		} else {
			r->npeek = 0;
			nl = r->buf ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
		}
		if (!nl && r->end - r->start > r->max_line) {
			r->lineno++;
			r->unterminated = 0;
			*len = 0;
			return skip_long_line(r, len, err);
		}
		if (!nl && !r->eof) {
			if (fill(r, err) < 0)
				return -1;
			continue;
		}
		if (!nl && r->start == r->end)
			return CG_JSONL_EOF;

		p = r->buf + r->start;
		n = nl ? (size_t)(nl - p) : r->end - r->start;
		r->start += n + (nl ? 1 : 0);
		r->lineno++;
		r->unterminated = !nl;
		if (n > r->max_line) {
			if (r->overflow) {
				r->overflow(r->overflow_ctx, p, n, 1);
			}
			*len = n;
			return CG_JSONL_TOO_LONG;
		}
		if (!r->raw) {
			if (n && p[n - 1] == '\r')
				n--;
			if (r->lineno == 1 && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
				p += 3;
				n -= 3;
			}
			if (is_blank(p, n))
				continue;
		}
		p[n] = '\0';
		*line = p;
		*len = n;
		return CG_JSONL_LINE;
	}
}

int cg_jsonl_peek(struct cg_jsonl_reader *r, int k, const char **line, size_t *len)
{
	char *p;

	if (!r->buf || !r->raw || k < 0 || k >= CG_JSONL_PEEK)
		return 0;
	if (r->peek_from != r->start)
		r->npeek = 0;
	if (!r->npeek)
		r->peek_from = r->start;
	while (r->npeek <= k) {
		char *nl;

		p = r->npeek ? r->peek_nl[r->npeek - 1] + 1 : r->buf + r->start;
		if (p >= r->buf + r->end ||
		    !(nl = memchr(p, '\n', (size_t)(r->buf + r->end - p))) ||
		    (size_t)(nl - p) > r->max_line)
			return 0;
		r->peek_nl[r->npeek++] = nl;
	}
	p = k ? r->peek_nl[k - 1] + 1 : r->buf + r->start;
	*line = p;
	*len = (size_t)(r->peek_nl[k] - p);
	return 1;
}

int cg_jsonl_would_block(struct cg_jsonl_reader *r)
{
	struct pollfd pfd;

	if (r->start < r->end || r->eof || r->gz)
		return 0;
	pfd.fd = r->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 0;
}


size_t cg_utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : 0xBF;

		return avail >= 3 && s[1] >= lo && s[1] <= hi &&
		       (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;

		return avail >= 4 && s[1] >= lo && s[1] <= hi &&
		       (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/*
 * One pass over the raw bytes for what Jansson reports poorly or not at all:
 * NUL bytes, invalid UTF-8 (with the column), and nesting depth.
 */
int cg_jsonl_prescan(const char *line, size_t len, char *why, size_t whylen)
{
	const unsigned char *s = (const unsigned char *)line;
	int depth = 0, in_string = 0;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;

		if (c == 0) {
			snprintf(why, whylen, _("NUL byte at column %zu"), i + 1);
			return -1;
		}
		if (c >= 0x80) {
			n = cg_utf8_seq(s + i, len - i);
			if (!n) {
				snprintf(why, whylen, _("invalid UTF-8 at column %zu"), i + 1);
				return -1;
			}
			i += n;
			continue;
		}
		if (in_string) {
			/* Skip an escaped quote or backslash, but let a NUL or
			 * a non-ASCII byte after '\\' be checked as any other. */
			if (c == '\\' && i + 1 < len && s[i + 1] >= 0x20 && s[i + 1] < 0x7F)
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > CG_JSONL_MAX_DEPTH) {
				snprintf(why, whylen,
					 _("nesting deeper than %d levels"),
					 CG_JSONL_MAX_DEPTH);
				return -1;
			}
		} else if (c == '}' || c == ']') {
			depth--;
		}
		i++;
	}
	return 0;
}

json_t *cg_jsonl_parse(const char *line, size_t len, char *why, size_t whylen)
{
	return cg_jsonl_parse_into(NULL, line, len, why, whylen);
}

json_t *cg_jsonl_parse_into(json_t *head, const char *line, size_t len,
			    char *why, size_t whylen)
{
	json_t *obj;

	/* The parser checks what cg_jsonl_prescan checks wherever a line
	 * that parses could hold it (UTF-8 in strings, the depth), so a good
	 * line is read once; a bad one gets the prescan's reason first, as
	 * it always has. */
	obj = head ? cg_json_parse_into(head, line, len, CG_JSONL_MAX_DEPTH, why, whylen) :
		     cg_json_parse(line, len, CG_JSONL_MAX_DEPTH, why, whylen);
	if (!obj) {
		cg_jsonl_prescan(line, len, why, whylen);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		snprintf(why, whylen, _("not a JSON object"));
		return NULL;
	}
	return obj;
}

/* ---- the compact form, written directly ---- */

/*
 * What json_dumpb(v, CG_JSON_DUMP_FLAGS) writes, byte for byte, without
 * its one callback per piece (the larger part of printing a record):
 * keys in insertion order, strings escaped as Jansson escapes them (",
 * \\, and control characters, \b \f \n \r \t or \u00XX; UTF-8 as is),
 * integers in decimal.  Reals are left to Jansson, whose precision rules
 * are its own.  tests/unit/test-jsonl.c holds the two together.
 */
/* Jansson's own limit for nesting. */
#define DUMP_MAX_DEPTH 2048

struct sink {
	char *p;
	size_t size, n;		/* n: bytes wanted so far, even past size */
};

static void put(struct sink *k, const char *s, size_t len)
{
	if (k->n < k->size)
		memcpy(k->p + k->n, s, k->size - k->n < len ? k->size - k->n : len);
	k->n += len;
}

static void put_ch(struct sink *k, char c)
{
	if (k->n < k->size)
		k->p[k->n] = c;
	k->n++;
}

/* The escape of c, a control character, '"' or '\\'. */
static void put_escape(struct sink *k, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
	size_t elen = 2;

	switch (c) {
	case '"': esc[1] = '"'; break;
	case '\\': esc[1] = '\\'; break;
	case '\b': esc[1] = 'b'; break;
	case '\f': esc[1] = 'f'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	case '\t': esc[1] = 't'; break;
	default: elen = 6;
	}
	put(k, esc, elen);
}

/*
 * The end of the run of eight-byte words from i with no byte that needs a
 * look (below 0x20, '"', '\\', or of a UTF-8 sequence), found a word at a
 * time: a journal's times, ids and phones are such runs.  Each test below
 * is nonzero exactly when some byte of the word has the property (a
 * borrow reaches upper bytes only past a byte that has it); where in the
 * word is left to the byte loop.
 */
static size_t plain_words(const unsigned char *u, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;

	for (; i + 8 <= len; i += 8) {
		uint64_t w, q, b;

		memcpy(&w, u + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if ((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high)
			break;
	}
	return i;
}

static int put_string(struct sink *k, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, from = 0;

	put_ch(k, '"');
	for (;;) {
		/* Runs of bytes written as they are, in one copy. */
		i = plain_words(u, i, len);
		while (i < len && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\')
			i++;
		if (i >= len)
			break;
		if (u[i] >= 0x80) {
			size_t n = cg_utf8_seq(u + i, len - i);

			if (!n)
				return -1;	/* as Jansson refuses it */
			i += n;
			continue;
		}
		put(k, s + from, i - from);
		put_escape(k, u[i]);
		from = ++i;
	}
	put(k, s + from, len - from);
	put_ch(k, '"');
	return 0;
}

static void put_integer(struct sink *k, json_int_t v)
{
	char buf[24], *e = buf + sizeof(buf), *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*--p = '-';
	put(k, p, (size_t)(e - p));
}

/*
 * A real that is a whole number of tenths (a temperature) below 10^6 as
 * Jansson prints it with JSON_REAL_PRECISION(15) ("%.15g", then ".0" when
 * there is no point), without printf, which was a twentieth of deciding
 * a gate event: v is the double nearest n/10, so its error is far below
 * the fifteenth digit and "%.15g" prints n/10 exactly.  0, or -1 for
 * every other real (and -0.0), left to Jansson.
 */
static int put_tenths(struct sink *k, double v)
{
	double t = v * 10;
	long long n;

	if (!(t > -1e7 && t < 1e7))
		return -1;
	n = llround(t);
	if ((double)n / 10 != v || (n == 0 && signbit(v)))
		return -1;
	if (n < 0) {
		put_ch(k, '-');
		n = -n;
	}
	put_integer(k, n / 10);
	put_ch(k, '.');
	put_ch(k, (char)('0' + n % 10));
	return 0;
}

static int put_value(struct sink *k, const json_t *v, int depth)
{
	json_t *item;
	size_t i, n;
	char buf[64];

	if (depth > DUMP_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put_ch(k, '{');
		/* Each key's length as Jansson keeps it, not counted again. */
		i = 0;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			if (i++)
				put_ch(k, ',');
			if (put_string(k, json_object_iter_key(it), json_object_iter_key_len(it)) < 0)
				return -1;
			put_ch(k, ':');
			if (put_value(k, json_object_iter_value(it), depth + 1) < 0)
				return -1;
		}
		put_ch(k, '}');
		return 0;
	case JSON_ARRAY:
		put_ch(k, '[');
		json_array_foreach(v, i, item) {
			if (i)
				put_ch(k, ',');
			if (put_value(k, item, depth + 1) < 0)
				return -1;
		}
		put_ch(k, ']');
		return 0;
	case JSON_STRING:
		return put_string(k, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		put_integer(k, json_integer_value(v));
		return 0;
	case JSON_REAL:
		if (put_tenths(k, json_real_value(v)) == 0)
			return 0;
		n = json_dumpb(v, buf, sizeof(buf), CG_JSON_DUMP_FLAGS | JSON_ENCODE_ANY);
		if (!n || n > sizeof(buf))
			return -1;
		put(k, buf, n);
		return 0;
	case JSON_TRUE:
		put(k, "true", 4);
		return 0;
	case JSON_FALSE:
		put(k, "false", 5);
		return 0;
	case JSON_NULL:
		put(k, "null", 4);
		return 0;
	}
	return -1;
}

size_t cg_json_string_text(const char *s, size_t len, char *buf, size_t size)
{
	struct sink k = { buf, size, 0 };

	return put_string(&k, s, len) < 0 ? 0 : k.n;
}

size_t cg_json_dumpb(const json_t *v, char *buf, size_t size)
{
	struct sink k = { buf, size, 0 };

	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	return put_value(&k, v, 0) < 0 ? 0 : k.n;
}

int cg_jsonl_dump(const json_t *obj, struct cg_buf *out)
{
	size_t room, n;

	/* Straight into the buffer; only a record bigger than the room left
	 * is encoded twice. */
	if (cg_buf_grow(out, out->limit - out->len > 1024 ? 1024 : 1) < 0)
		return -1;
	room = out->alloc - out->len - 1;
	n = cg_json_dumpb(obj, out->buf + out->len, room);
	if (n == 0)
		return -1;
	if (n > room) {
		if (cg_buf_grow(out, n + 1) < 0)
			return -1;
		room = out->alloc - out->len - 1;
		if (cg_json_dumpb(obj, out->buf + out->len, room) != n)
			return -1;
	}
	out->len += n;
	return cg_buf_addch(out, '\n');
}

void cg_out_init(struct cg_out *o, FILE *fp, int line_buffered)
{
	o->fp = fp;
	o->line_buffered = line_buffered || isatty(fileno(fp));
}

static int out_failed(struct cg_out *o, struct cg_err *err)
{
	(void)o;
	return cg_err_errno(err, errno == EPIPE ? CG_EXIT_PIPE : CG_EXIT_SYSTEM, errno,
			    _("cannot write to standard output"));
}

int cg_out_line(struct cg_out *o, const char *line, size_t len, struct cg_err *err)
{
	if (fwrite(line, 1, len, o->fp) != len)
		return out_failed(o, err);
	if (o->line_buffered && fflush(o->fp) == EOF)
		return out_failed(o, err);
	return 0;
}

int cg_out_flush(struct cg_out *o, struct cg_err *err)
{
	if (fflush(o->fp) == EOF)
		return out_failed(o, err);
	return 0;
}

int cg_out_close(struct cg_out *o, struct cg_err *err)
{
	if (fflush(o->fp) == EOF || ferror(o->fp))
		return out_failed(o, err);
	if (fclose(o->fp) == EOF)
		return out_failed(o, err);
	return 0;
}

void cg_json_set_time(json_t *obj, const char *key, cg_time_t t)
{
	char buf[CG_TIME_LEN];

	cg_time_format(t, buf);
	json_object_set_new(obj, key, json_string(buf));
}

void cg_json_set_day(json_t *obj, const char *key, int32_t day)
{
	char buf[CG_DATE_LEN];

	cg_day_format(day, buf);
	json_object_set_new(obj, key, json_string(buf));
}
