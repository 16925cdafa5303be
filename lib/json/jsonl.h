#ifndef CG_JSONL_H
#define CG_JSONL_H

#include <stdio.h>
#include <jansson.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

#define CG_JSONL_MAX_LINE_DEFAULT (1024 * 1024)
#define CG_JSONL_MAX_DEPTH 16
/*
 * Finished days are written as gzip members of this many bytes each
 * (store/journal.c), which the reader decodes one at a time: its memory
 * stays small whatever the size of the day.
 */
#define CG_GZIP_MEMBER (1u << 20)

/*
 * Reads JSON lines from a descriptor or a (possibly gzip-compressed) file,
 * one line at a time, without ever holding more than max_line bytes of a
 * line.  Handles CRLF, a UTF-8 BOM on line 1, blank lines and a missing
 * final newline.
 */
struct cg_gunzip;

#define CG_JSONL_PEEK 4	/* lines cg_jsonl_peek looks ahead */

struct cg_jsonl_reader {
	const char *name;	/* for messages: "stdin" or the path; borrowed */
	unsigned long lineno;	/* number of the line last returned */
	size_t max_line;
	int unterminated;	/* the last line returned had no newline */
	int raw;		/* return every line as is: no BOM, CR or blank skipping */

	/*
	 * Called with the bytes of a line longer than max_line as they are
	 * skipped (end is 1 on the last piece), so that the line can be kept
	 * whole in a rejects file without being held in memory.
	 */
	void (*overflow)(void *ctx, const char *data, size_t len, int end);
	void *overflow_ctx;

	int fd;			/* plain source, or -1 */
	struct cg_gunzip *gz;	/* compressed source, or NULL; owned */
	/*
	 * The compressed source does not decompress to its end: cut short,
	 * a bad CRC or length, corrupt data, or bytes after the last gzip
	 * member: why, or NULL.  The read that found it failed; later reads
	 * find the end.
	 */
	const char *damaged;
	int own_fd;
	int eof;
	char *buf;
	size_t alloc, start, end;
	/* The ends of the lines cg_jsonl_peek found, from buf + peek_from. */
	char *peek_nl[CG_JSONL_PEEK];
	int npeek;
	size_t peek_from;
};

enum cg_jsonl_status {
	CG_JSONL_EOF = 0,
	CG_JSONL_LINE = 1,
	CG_JSONL_TOO_LONG = 2
};

/* Read from fd (not closed by the reader). */
void cg_jsonl_reader_init_fd(struct cg_jsonl_reader *r, int fd,
			     const char *name, size_t max_line);

/*
 * Open path relative to dirfd (AT_FDCWD for the cwd), decompressing when the
 * file is gzip (one or more members, nothing after them).  name is borrowed
 * for messages.  Returns 0 or -1 with *err.
 */
/*
 * Up to n bytes of the file (decompressed) from where r stands, for a
 * reader that scans blocks instead of lines; do not mix with
 * cg_jsonl_reader_next.  How many, 0 at the end, or -1 with *err
 * (CG_EXIT_DAMAGED for a compressed file that does not decompress to its
 * end).
 */
ssize_t cg_jsonl_reader_read_block(struct cg_jsonl_reader *r, char *to, size_t n,
				   struct cg_err *err);

int cg_jsonl_reader_open(struct cg_jsonl_reader *r, int dirfd, const char *path,
			 const char *name, size_t max_line, struct cg_err *err);

void cg_jsonl_reader_release(struct cg_jsonl_reader *r);

/*
 * Next non-blank line, without its line ending and NUL-terminated in place
 * (valid until the next call).  Returns CG_JSONL_LINE, CG_JSONL_EOF,
 * CG_JSONL_TOO_LONG (the line was skipped; *len is its length) or -1 on a
 * read error with *err filled.
 */
int cg_jsonl_next(struct cg_jsonl_reader *r, char **line, size_t *len,
		  struct cg_err *err);

/*
 * The line the (k+1)th cg_jsonl_next of a raw reader from now will return
 * (k < CG_JSONL_PEEK), when it and those before it are whole in the
 * buffer already: 1 with *line and *len (no newline, not NUL-terminated;
 * borrowed, valid until the next cg_jsonl_next reads), else 0 (nothing is
 * read to find out).  Those calls do not look for the lines' ends again.
 */
int cg_jsonl_peek(struct cg_jsonl_reader *r, int k, const char **line, size_t *len);

/*
 * True when the next cg_jsonl_next() would have to wait for input: nothing
 * buffered and nothing readable right now.  Group commit syncs then.
 */
int cg_jsonl_would_block(struct cg_jsonl_reader *r);

/* Length of the valid UTF-8 sequence at s (1 to 4 bytes; no overlongs,
 * surrogates or code points past U+10FFFF), or 0 when it is invalid. */
size_t cg_utf8_seq(const unsigned char *s, size_t avail);

/*
 * The checks of a whole line that come before its JSON: a NUL byte,
 * invalid UTF-8 (with the column), nesting deeper than CG_JSONL_MAX_DEPTH.
 * 0, or -1 with the reason in why.  cg_jsonl_parse makes them only of a
 * line the parser refuses (tests/unit/test-jsonparse.c holds the two ways
 * together).
 */
int cg_jsonl_prescan(const char *line, size_t len, char *why, size_t whylen);

/*
 * Check one line and parse it: NUL bytes, invalid UTF-8, nesting deeper
 * than CG_JSONL_MAX_DEPTH, invalid JSON, duplicate keys and non-objects are
 * refused with a reason in why.  Returns a new reference or NULL.
 */
json_t *cg_jsonl_parse(const char *line, size_t len, char *why, size_t whylen);

/* The same, parsed into head (borrowed; see cg_json_parse_into) when it is
 * not NULL. */
json_t *cg_jsonl_parse_into(json_t *head, const char *line, size_t len,
			    char *why, size_t whylen);

/* Append obj in the canonical compact form plus a newline.  0 or -1. */
int cg_jsonl_dump(const json_t *obj, struct cg_buf *out);

/* Flags used for every record cg writes. */
#define CG_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/*
 * The JSON text of the string s (len bytes, with its quotes), escaped as
 * cg_json_dumpb escapes strings, for a writer that puts records together
 * without Jansson: the bytes wanted (written up to size), or 0 when s is
 * not valid UTF-8.  6 * len + 2 bytes always suffice.
 */
size_t cg_json_string_text(const char *s, size_t len, char *buf, size_t size);

/*
 * What json_dumpb(v, buf, size, CG_JSON_DUMP_FLAGS) returns and writes, an
 * object or array v in the compact form, only faster: the length of the
 * whole text (written only up to size, not NUL-terminated), or 0 when v
 * cannot be written (not an object or array, a string that is not UTF-8,
 * nesting past Jansson's 2048 levels).
 */
size_t cg_json_dumpb(const json_t *v, char *buf, size_t size);

/*
 * stdout for records: write errors are detected; EPIPE is an error with
 * the status CG_EXIT_PIPE, which main turns into a quiet exit.
 */
struct cg_out {
	FILE *fp;
	int line_buffered;
};

void cg_out_init(struct cg_out *o, FILE *fp, int line_buffered);
/* Write one line (with its newline); flush when line buffered.  -1 with
 * *err on a write error (CG_EXIT_PIPE for EPIPE). */
int cg_out_line(struct cg_out *o, const char *line, size_t len, struct cg_err *err);
/* Flush what is buffered; -1 with *err on a write error. */
int cg_out_flush(struct cg_out *o, struct cg_err *err);
/* Flush and close; -1 with *err on a write error. */
int cg_out_close(struct cg_out *o, struct cg_err *err);

/* Set obj's key to the time t (RFC 3339, local offset). */
void cg_json_set_time(json_t *obj, const char *key, cg_time_t t);
/* Set obj's key to that day, "YYYY-MM-DD". */
void cg_json_set_day(json_t *obj, const char *key, int32_t day);

#endif
