#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libdeflate.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/tlog.h"
#include "crypto/sha256.h"

static const char zero_chain[CG_CHAIN_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

#define CHAIN_KEY CG_SCAN_CHAIN_MEMBER
#define CHAIN_SUFFIX_LEN (sizeof(CHAIN_KEY) - 1 + CG_CHAIN_HEX + 2)

/* Every line read is hashed and its hash compared as hex: 16 bytes at a
 * time, a nibble to a digit by a compare and an add. */
static void to_hex(const unsigned char *h, char out[CG_CHAIN_HEX])
{
#if defined(__SSE2__)
	const __m128i low = _mm_set1_epi8(0x0F), nine = _mm_set1_epi8(9);

	for (int i = 0; i < CG_SHA256_BYTES; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(h + i));
		__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low);
		__m128i lo = _mm_and_si128(v, low);
		__m128i a = _mm_unpacklo_epi8(hi, lo), b = _mm_unpackhi_epi8(hi, lo);

		/* n + '0', and 'a' - '0' - 10 more above 9 */
		a = _mm_add_epi8(_mm_add_epi8(a, _mm_set1_epi8('0')),
				 _mm_and_si128(_mm_cmpgt_epi8(a, nine), _mm_set1_epi8(39)));
		b = _mm_add_epi8(_mm_add_epi8(b, _mm_set1_epi8('0')),
				 _mm_and_si128(_mm_cmpgt_epi8(b, nine), _mm_set1_epi8(39)));
		_mm_storeu_si128((__m128i *)(out + 2 * i), a);
		_mm_storeu_si128((__m128i *)(out + 2 * i + 16), b);
	}
#else
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < CG_SHA256_BYTES; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
#endif
}

/* chain = hex(SHA-256(prev || body-up-to-seq || "}")). */
static void chain_hash(const char *prev, const char *body, size_t len,
		       char out[CG_CHAIN_HEX + 1])
{
	struct cg_sha256 s;
	unsigned char h[CG_SHA256_BYTES];

	cg_sha256_init(&s);
	cg_sha256_update(&s, prev, CG_CHAIN_HEX);
	cg_sha256_update(&s, body, len);
	cg_sha256_update(&s, "}", 1);
	cg_sha256_final(&s, h);
	to_hex(h, out);
	out[CG_CHAIN_HEX] = '\0';
}

/*
 * The chains of n lines at once (n at most CG_SHA256_LANES), each from
 * the chain before it: line i's from prev[i] (for a line after another,
 * the chain that one records).  Four lines take much less than four
 * times the time of one.
 */
static void chain_hash_n(const char *const prev[], const char *const body[],
			 const size_t len[], char (*out)[CG_CHAIN_HEX + 1], int n)
{
	struct cg_sha256 ctx[CG_SHA256_LANES], *s[CG_SHA256_LANES];
	unsigned char h[CG_SHA256_LANES][CG_SHA256_BYTES];
	const void *d[CG_SHA256_LANES];
	size_t hex[CG_SHA256_LANES];

	for (int i = 0; i < n; i++) {
		s[i] = &ctx[i];
		cg_sha256_init(s[i]);
		d[i] = prev[i];
		hex[i] = CG_CHAIN_HEX;
	}
	cg_sha256_update_n(s, d, hex, n);
	for (int i = 0; i < n; i++)
		d[i] = body[i];
	cg_sha256_update_n(s, d, len, n);
	for (int i = 0; i < n; i++)
		cg_sha256_update(s[i], "}", 1);
	cg_sha256_final_n(s, h, n);
	for (int i = 0; i < n; i++) {
		to_hex(h[i], out[i]);
		out[i][CG_CHAIN_HEX] = '\0';
	}
}

/*
 * Split a journal line into its trailing seq and chain fields: the line
 * must end with ,"seq":N,"chain":"HEX"}.  *hashed is the length of the
 * text the chain covers (before ,"chain").
 */
static int split_line(const char *line, size_t len, uint64_t *seq,
		      const char **chain, size_t *hashed, const char **why)
{
	const char *tail, *p;
	uint64_t n = 0;

	if (len < CHAIN_SUFFIX_LEN + 8) {
		*why = _("line too short for a journal record");
		return -1;
	}
	tail = line + len - CHAIN_SUFFIX_LEN;
	if (memcmp(tail, CHAIN_KEY, sizeof(CHAIN_KEY) - 1) ||
	    !cg_scan_hex64(tail + sizeof(CHAIN_KEY) - 1) ||
	    memcmp(line + len - 2, "\"}", 2)) {
		*why = _("no chain field at the end of the line");
		return -1;
	}
	p = tail;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == tail || tail - p > 19 || p - line < 7 || memcmp(p - 6, "\"seq\":", 6)) {
		*why = _("no seq field before the chain");
		return -1;
	}
	for (const char *d = p; d < tail; d++)
		n = n * 10 + (uint64_t)(*d - '0');
	*seq = n;
	*chain = tail + sizeof(CHAIN_KEY) - 1;
	*hashed = (size_t)(tail - line);
	return 0;
}

int cg_journal_check_line(const char *line, size_t len, uint64_t *seq,
			  char chain[CG_CHAIN_HEX + 1], const char **why)
{
	char want[CG_CHAIN_HEX + 1];
	const char *have;
	size_t hashed;
	uint64_t n;

	if (split_line(line, len, &n, &have, &hashed, why) < 0)
		return -1;
	if (n != *seq + 1) {
		*why = _("seq out of order (a line was inserted or deleted)");
		return -1;
	}
	chain_hash(chain, line, hashed, want);
	if (memcmp(want, have, CG_CHAIN_HEX)) {
		*why = _("chain mismatch (the line or one before it was edited)");
		return -1;
	}
	*seq = n;
	memcpy(chain, want, sizeof(want));
	return 0;
}

static int lock_journal(struct cg_journal *j, struct cg_err *err)
{
	while (flock(j->lockfd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot lock '%s'"), j->label);
	}
	return 0;
}

static void unlock_journal(struct cg_journal *j)
{
	flock(j->lockfd, LOCK_UN);
	j->locked = 0;
}

int cg_journal_lock(struct cg_journal *j, struct cg_err *err)
{
	if (j->locked)
		return 0;
	if (lock_journal(j, err) < 0)
		return -1;
	j->locked = 1;
	return 0;
}

void cg_journal_unlock(struct cg_journal *j)
{
	if (j->locked)
		unlock_journal(j);
}

void cg_journal_pos_init(struct cg_journal_pos *pos)
{
	pos->end = 0;
	pos->seq = 0;
	memcpy(pos->chain, zero_chain, sizeof(zero_chain));
}

static int pos_same(const struct cg_journal_pos *a, const struct cg_journal_pos *b)
{
	return a->end == b->end && a->seq == b->seq && !memcmp(a->chain, b->chain, CG_CHAIN_HEX);
}

int cg_journal_open(struct cg_journal *j, const struct cg_home *h,
		    const char *stream, struct cg_err *err)
{
	char lockname[32];

	memset(j, 0, sizeof(*j));
	j->fd = j->lockfd = j->dirfd = j->sync_fd = -1;
	j->size = -1;
	j->home.fd = fcntl(h->fd, F_DUPFD_CLOEXEC, 0);
	j->home.path = h->path ? strdup(h->path) : NULL;
	cg_buf_init(&j->pending, CG_JOURNAL_MAX_PENDING);
	cg_buf_init(&j->committed, CG_JOURNAL_MAX_COMMIT);
	snprintf(j->stream, sizeof(j->stream), "%s", stream);
	j->daily = !strcmp(stream, "checkin");
	j->dirfd = cg_home_dir(h, j->daily ? "journal/checkin" : "journal", 1, err);
	if (j->dirfd < 0)
		return -1;
	if (j->daily) {
		snprintf(lockname, sizeof(lockname), ".lock");
	} else {
		snprintf(lockname, sizeof(lockname), ".%s.lock", stream);
		snprintf(j->name, sizeof(j->name), "%s.jsonl", stream);
		snprintf(j->label, sizeof(j->label), "journal/%s", j->name);
	}
	j->lockfd = cg_openat(j->dirfd, lockname, O_RDWR | O_CREAT);
	if (j->lockfd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open lock file for '%s'"), stream);
	return 0;
}

void cg_journal_release(struct cg_journal *j)
{
	struct cg_err ignored;

	cg_journal_settle(j, &ignored);
	if (j->fd >= 0)
		close(j->fd);
	if (j->lockfd >= 0)
		close(j->lockfd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	j->fd = j->lockfd = j->dirfd = -1;
	cg_home_release(&j->home);
	cg_buf_release(&j->pending);
	cg_buf_release(&j->committed);
}

int cg_journal_set_day(struct cg_journal *j, const char *day, struct cg_err *err)
{
	int y, m, d;

	if (!j->daily)
		return 0;
	if (!strcmp(j->day, day))
		return 0;
	/* The day names a file: nothing but a real date may get there. */
	if (strlen(day) != CG_DATE_LEN - 1 || cg_date_parse(day, &y, &m, &d) < 0)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("bad journal day '%s'"), day);
	memcpy(j->day, day, CG_DATE_LEN);
	snprintf(j->name, sizeof(j->name), "%s.jsonl", day);
	snprintf(j->label, sizeof(j->label), "journal/checkin/%s", j->name);
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	j->size = -1;
	return 0;
}

int cg_journal_add(struct cg_journal *j, const json_t *rec, struct cg_err *err)
{
	size_t start = j->pending.len;

	if (cg_jsonl_dump(rec, &j->pending) < 0) {
		cg_buf_setlen(&j->pending, start);
		if (errno == E2BIG)
			return cg_err_set(err, CG_EXIT_SYSTEM,
					  _("cannot queue a record for '%s': more than %d bytes not committed"),
					  j->stream, CG_JOURNAL_MAX_PENDING);
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM,
				    _("cannot queue a record for '%s'"), j->stream);
	}
	j->npending++;
	return 0;
}

/* ---- the tail: torn lines, last seq and chain ---- */

/* Copy a torn tail to NAME.torn, durably, before it is cut off. */
static int set_aside(int dirfd, const char *name, const char *label,
		     const char *data, size_t len, struct cg_err *err)
{
	char torn[96];
	int fd;

	snprintf(torn, sizeof(torn), "%s.torn", name);
	fd = cg_openat(dirfd, torn, O_WRONLY | O_CREAT | O_APPEND);
	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot set aside the torn tail of '%s'"), label);
	if (cg_write_all(fd, data, len) < 0 || cg_write_all(fd, "\n", 1) < 0 ||
	    fdatasync(fd) < 0) {
		int e = errno;

		close(fd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, e,
				    _("cannot set aside the torn tail of '%s'"), label);
	}
	close(fd);
	return cg_fsync_dir(dirfd) < 0 ?
		cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync '%s'"), label) : 0;
}

/* Read [off, off+len) of fd into buf. */
static int read_at(int fd, char *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

struct tail {
	off_t size;		/* size once any torn part is cut off */
	uint64_t seq;
	char chain[CG_CHAIN_HEX + 1];
	size_t torn_bytes;
};

/* The last *have bytes of a file of size bytes, at most win, into *buf. */
static int read_tail(int fd, off_t size, size_t win, char **buf, size_t *have,
		     const char *label, struct cg_err *err)
{
	size_t n = (off_t)win < size ? win : (size_t)size;
	char *p = realloc(*buf, n + 1);

	if (!p)
		return cg_err_errno(err, CG_EXIT_SYSTEM, ENOMEM, _("cannot read '%s'"), label);
	*buf = p;
	*have = n;
	if (read_at(fd, p, n, size - (off_t)n) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), label);
	return 0;
}

/* Read twice as much from the end next time, up to what the longest line needs. */
static int widen(size_t *win, const char *label, struct cg_err *err)
{
	if (*win >= CG_JOURNAL_MAX_LINE * 2)
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("%s: journal damaged: last line longer than %d bytes"),
				  label, CG_JOURNAL_MAX_LINE);
	*win *= 2;
	return 0;
}

/* Set a torn last line (len bytes at from) aside, then cut the file to size. */
static int cut_torn(int dirfd, const char *name, const char *label, int fd,
		    const char *from, size_t len, off_t size, struct tail *t,
		    struct cg_err *err)
{
	t->torn_bytes = len;
	if (set_aside(dirfd, name, label, from, len, err) < 0)
		return -1;
	t->size = size;
	if (ftruncate(fd, size) < 0 || fdatasync(fd) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot cut the torn tail of '%s'"), label);
	return 0;
}

/*
 * seq and chain from the last whole line.  Only that line is looked at
 * here: the whole chain is checked by readers, not on every append.
 */
static int take_last_line(const char *line, size_t len, struct tail *t, const char *label,
			  struct cg_err *err)
{
	const char *chain, *why;
	size_t hashed;

	if (split_line(line, len, &t->seq, &chain, &hashed, &why) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s: journal damaged at its last line: %s"),
				  label, why);
	memcpy(t->chain, chain, CG_CHAIN_HEX);
	t->chain[CG_CHAIN_HEX] = '\0';
	return 0;
}

/*
 * Find the last whole line of an open journal file: set a torn last line
 * aside, then take seq and chain from the line before it.  The end of the
 * file is read in a window that widens until it holds that line.
 */
static int settle_tail(int dirfd, const char *name, const char *label, int fd,
		       struct tail *t, struct cg_err *err)
{
	struct stat st;
	size_t win = 64 * 1024, have = 0;
	char *buf = NULL, *end, *nl, *last;
	off_t off;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	memcpy(t->chain, zero_chain, sizeof(zero_chain));
	if (fstat(fd, &st) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot stat '%s'"), label);
	t->size = st.st_size;
	while (t->size > 0) {
		if (read_tail(fd, t->size, win, &buf, &have, label, err) < 0)
			goto out;
		off = t->size - (off_t)have;
		end = buf + have;
		nl = memrchr(buf, '\n', have);
		if (!nl && off > 0) {
			if (widen(&win, label, err) < 0)
				goto out;
			continue;
		}
		if (!nl || nl + 1 != end) {
			/* A torn last line: from after the last newline to EOF.
			 * Then look again at the file as it is now, which ends
			 * with a whole line (or is empty). */
			char *from = nl ? nl + 1 : buf;

			if (cut_torn(dirfd, name, label, fd, from, (size_t)(end - from),
				     off + (from - buf), t, err) < 0)
				goto out;
			continue;
		}
		/* The last whole line ends at end - 1; find where it starts. */
		last = end - 1 > buf ? memrchr(buf, '\n', (size_t)(end - 1 - buf)) : NULL;
		if (!last && off > 0) {
			if (widen(&win, label, err) < 0)
				goto out;
			continue;
		}
		last = last ? last + 1 : buf;
		ret = take_last_line(last, (size_t)(end - 1 - last), t, label, err);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

/* ---- daily files: compress finished days, reopen a compressed one ---- */

static int is_day_name(const char *s, const char *ext)
{
	size_t n = strlen(ext);

	if (strlen(s) != 10 + n || strcmp(s + 10, ext))
		return 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] < '0' || s[i] > '9') {
			return 0;
		}
	}
	return 1;
}

/*
 * Finished days are gzipped so that a year of days stays small.  A day is
 * compressed into a temporary file, made durable, read back through and
 * checked to end on the plain file's last seq and chain, and only then
 * renamed into place before the plain file goes: a crash at any point
 * leaves a day that reads whole (the plain file counts while both exist).
 */

static void reader_init(struct cg_journal_reader *jr, const char *label);
static int reader_open_file(struct cg_journal_reader *jr, int dirfd, const char *name,
			    const struct stat *st, int archive, struct cg_err *err);

/*
 * Write the first size bytes of fd, gzipped, to dirfd/tmp, durably: a
 * gzip member for each CG_GZIP_MEMBER bytes, so that a reader decodes a
 * member at a time in little memory (json/jsonl.h).  libdeflate at level
 * 6 compresses a little better than zlib's 6 and in less time; splitting
 * costs about 1% of the size.
 */
static int gzip_copy(int fd, off_t size, int dirfd, const char *tmp,
		     const char *label, struct cg_err *err)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
	size_t bound = c ? libdeflate_gzip_compress_bound(c, CG_GZIP_MEMBER) : 0;
	char *plain = malloc(CG_GZIP_MEMBER), *packed = malloc(bound ? bound : 1);
	int out = -1, ok = c && plain && packed;
	off_t off = 0;

	if (ok && (out = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC)) < 0)
		ok = 0;
	/* An empty day (a run that appended nothing) is one empty member:
	 * gzip data all the same. */
	do {
		size_t want = size - off < (off_t)CG_GZIP_MEMBER ? (size_t)(size - off) : CG_GZIP_MEMBER;
		size_t n;

		ok = ok && read_at(fd, plain, want, off) == 0 &&
		     (n = libdeflate_gzip_compress(c, plain, want, packed, bound)) > 0 &&
		     cg_write_all(out, packed, n) == 0;
		off += (off_t)want;
	} while (ok && off < size);
	ok = ok && fsync(out) == 0;
	if (out >= 0)
		close(out);
	if (c)
		libdeflate_free_compressor(c);
	free(plain);
	free(packed);
	if (!ok) {
		unlinkat(dirfd, tmp, 0);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot compress '%s'"), label);
	}
	return 0;
}

/*
 * Read the compressed dirfd/tmp back through, verifying it: it must end on
 * the seq and chain of the plain day t.  Removed when it does not.
 */
static int check_archive(int dirfd, const char *tmp, const char *label,
			 const struct tail *t, struct cg_err *err)
{
	struct cg_journal_reader a;
	struct stat st;
	int ret;

	reader_init(&a, label);
	if (fstatat(dirfd, tmp, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), label);
	ret = reader_open_file(&a, dirfd, tmp, &st, 1, err);
	if (ret == 0)
		ret = cg_journal_verify(&a, err);
	if (ret == 0 && (a.seq != t->seq || memcmp(a.chain, t->chain, CG_CHAIN_HEX)))
		ret = cg_err_set(err, CG_EXIT_SYSTEM,
				 _("cannot compress '%s': read back, it ends at seq %llu, not %llu"),
				 label, (unsigned long long)a.seq, (unsigned long long)t->seq);
	cg_journal_reader_release(&a);
	if (ret < 0)
		unlinkat(dirfd, tmp, 0);
	return ret;
}

/*
 * The reverse, for a back-fill into a day already compressed: the day is
 * read through, verified, into a plain file that replaces it.  A damaged
 * day is refused (CG_EXIT_DAMAGED): nothing is appended after damage.
 */
static int gunzip_file(int dirfd, const char *src, const char *dst,
		       const char *label, struct cg_err *err)
{
	struct cg_journal_reader a;
	struct stat st;
	char tmp[96];
	int out, st_next = -1;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", dst);
	reader_init(&a, label);
	snprintf(a.label, sizeof(a.label), "%.120s.gz", label);
	if (fstatat(dirfd, src, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), a.label);
	if (reader_open_file(&a, dirfd, src, &st, 1, err) < 0)
		return -1;
	out = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	if (out < 0) {
		cg_journal_reader_release(&a);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot create '%s'"), label);
	}
	while ((st_next = cg_journal_reader_next(&a, NULL, err)) > 0) {
		a.line[a.len] = '\n';
		if (cg_write_all(out, a.line, a.len + 1) < 0) {
			st_next = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					       _("cannot reopen '%s'"), label);
			break;
		}
	}
	cg_journal_reader_release(&a);
	if (st_next == 0 && fsync(out) < 0)
		st_next = cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot reopen '%s'"), label);
	close(out);
	if (st_next < 0) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (renameat(dirfd, tmp, dirfd, dst) < 0 || cg_fsync_dir(dirfd) < 0 ||
	    unlinkat(dirfd, src, 0) < 0 || cg_fsync_dir(dirfd) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot reopen '%s'"), label);
	return 0;
}

/*
 * A day found compressed as well as plain (a compression cut short after
 * its rename): compressed again only when the compressed copy holds the
 * plain file's first records; otherwise both stay, as evidence.
 */
static int check_both(struct cg_journal *j, const char *name, const char *label,
		      struct cg_err *err)
{
	struct cg_journal_reader jr;
	int ret;

	if (cg_journal_reader_open(&jr, j->dirfd, name, label, err) < 0)
		return -1;
	ret = jr.leftover[0] ? cg_journal_verify(&jr, err) : 0;
	cg_journal_reader_release(&jr);
	return ret;
}

/* Swap the checked copy in under the lock, if the day is as it was read. */
static int swap_in(struct cg_journal *j, const char *name, const char *tmp,
		   const char *gzname, const char *label, const struct stat *st,
		   struct cg_err *err)
{
	struct stat now;
	int ret = 0;

	if (lock_journal(j, err) < 0)
		return -1;
	if (fstatat(j->dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_ino == st->st_ino && now.st_size == st->st_size) {
		if (renameat(j->dirfd, tmp, j->dirfd, gzname) < 0 ||
		    cg_fsync_dir(j->dirfd) < 0 || unlinkat(j->dirfd, name, 0) < 0 ||
		    cg_fsync_dir(j->dirfd) < 0)
			ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					   _("cannot compress '%s'"), label);
	} else {
		/* A late back-fill came in meanwhile: next time. */
		unlinkat(j->dirfd, tmp, 0);
	}
	unlock_journal(j);
	return ret;
}

/*
 * Gzip one finished day.  The slow part runs without the journal lock, so
 * that check-ins never wait for it; the swap happens under the lock and
 * only if nobody appended in the meantime (a late back-fill).
 */
static int compress_day(struct cg_journal *j, const char *name, struct cg_err *err)
{
	char gzname[64], tmp[80], label[128], tmplabel[128];
	struct stat st;
	struct tail t;
	int fd, ret = -1;

	snprintf(gzname, sizeof(gzname), "%s.gz", name);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", gzname);
	snprintf(label, sizeof(label), "journal/checkin/%s", name);
	snprintf(tmplabel, sizeof(tmplabel), "journal/checkin/%s", tmp);
	fd = cg_openat(j->dirfd, name, O_RDWR);
	if (fd < 0)
		return errno == ENOENT ? 0 :
			cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), label);
	if (lock_journal(j, err) < 0)
		goto out;
	ret = settle_tail(j->dirfd, name, label, fd, &t, err);
	unlock_journal(j);
	if (ret < 0 || check_both(j, name, label, err) < 0 || fstat(fd, &st) < 0 ||
	    gzip_copy(fd, st.st_size, j->dirfd, tmp, label, err) < 0 ||
	    check_archive(j->dirfd, tmp, tmplabel, &t, err) < 0 ||
	    swap_in(j, name, tmp, gzname, label, &st, err) < 0)
		ret = -1;
out:
	close(fd);
	return ret;
}

/*
 * Each finished day (a plain file of a day before j->day) through fn; with
 * fn NULL, only whether there is one (1) or not (0).  -1 with *err.
 */
static int finished_days(struct cg_journal *j,
			 int (*fn)(struct cg_journal *, const char *, struct cg_err *),
			 struct cg_err *err)
{
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	fd = dup(j->dirfd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot list '%s'"), "journal/checkin");
	}
	rewinddir(d);
	while (ret == 0 && (de = readdir(d)))
		if (is_day_name(de->d_name, ".jsonl") &&
		    strncmp(de->d_name, j->day, 10) < 0)
			ret = fn ? fn(j, de->d_name, err) : 1;
	closedir(d);
	return ret;
}

/*
 * The lock every compression holds: its descriptor, or -2 when another
 * process holds it and wait is 0, or -1 with *err.
 */
static int lock_compress(struct cg_journal *j, int wait, struct cg_err *err)
{
	int fd = cg_openat(j->dirfd, ".compress.lock", O_RDWR | O_CREAT);

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open lock file for '%s'"), "journal/checkin");
	while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		close(fd);
		if (e == EWOULDBLOCK && !wait)
			return -2;
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot lock '%s'"),
				    "journal/checkin/.compress.lock");
	}
	return fd;
}

int cg_journal_tidy(struct cg_journal *j, struct cg_err *err)
{
	int lockfd, ret;

	if (!j->tidy_due)
		return 0;
	j->tidy_due = 0;
	/* Another process compressing the same days is as good as us. */
	lockfd = lock_compress(j, 0, err);
	if (lockfd < 0)
		return lockfd == -2 ? 0 : -1;
	ret = finished_days(j, compress_day, err);
	close(lockfd);
	return ret;
}

int cg_journal_compress(struct cg_journal *j, struct cg_err *err)
{
	int lockfd = lock_compress(j, 1, err), ret;

	if (lockfd < 0)
		return -1;
	j->tidy_due = 0;
	ret = finished_days(j, compress_day, err);
	close(lockfd);
	return ret;
}

int cg_journal_compress_mode(const char *s)
{
	if (!s || !*s || !strcmp(s, "background"))
		return CG_COMPRESS_BACKGROUND;
	if (!strcmp(s, "wait"))
		return CG_COMPRESS_WAIT;
	if (!strcmp(s, "off"))
		return CG_COMPRESS_OFF;
	return -1;
}

/*
 * Standard input and output of the detached compression are /dev/null, so
 * that a reader of the command's output sees its end when the command
 * ends; standard error is kept only where it cannot hold anyone up (a
 * terminal or a file).
 */
static void detach_stdio(void)
{
	struct stat st;
	int null = open("/dev/null", O_RDWR);

	if (null < 0)
		return;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (fstat(STDERR_FILENO, &st) < 0 || !(S_ISREG(st.st_mode) || isatty(STDERR_FILENO)))
		dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
}

/*
 * Nor does it keep any other descriptor of the command's but the journal
 * directory and the compression lock: one may be the end of a pipe that
 * someone reads to its end.
 */
static void close_others(int keep1, int keep2)
{
	int lo = keep1 < keep2 ? keep1 : keep2, hi = keep1 < keep2 ? keep2 : keep1;
	long max = sysconf(_SC_OPEN_MAX);

#ifdef CLOSE_RANGE_CLOEXEC
	/* Three calls, not one per possible descriptor. */
	if ((lo <= STDERR_FILENO + 1 || close_range(STDERR_FILENO + 1, (unsigned)lo - 1, 0) == 0) &&
	    (hi <= lo + 1 || close_range((unsigned)lo + 1, (unsigned)hi - 1, 0) == 0) &&
	    close_range((unsigned)hi + 1, ~0U, 0) == 0)
		return;
#endif
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = STDERR_FILENO + 1; fd < max; fd++)
		if (fd != lo && fd != hi)
			close(fd);
}

/* In the detached process: compress, holding the inherited compression lock. */
static int compress_detached(struct cg_journal *j, int lockfd)
{
	struct cg_err err = CG_ERR_INIT;
	int ret;

	detach_stdio();
	/* The parent's descriptor of the journal lock shares its lock
	 * (flock locks belong to the open file): take a lock of our own. */
	close_others(j->dirfd, lockfd);
	j->fd = -1;
	j->lockfd = cg_openat(j->dirfd, ".lock", O_RDWR | O_CREAT);
	ret = j->lockfd < 0 ?
		cg_err_errno(&err, CG_EXIT_SYSTEM, errno, _("cannot open lock file for '%s'"),
			     "checkin") :
		finished_days(j, compress_day, &err);
	if (ret < 0)
		fprintf(stderr, "%s: %s\n", cg_progname(), err.msg);
	return ret < 0;
}

/*
 * Start a process that compresses the finished days and end at once: a
 * grandchild in its own session, so that nobody waits for it and no
 * terminal signal reaches it.  It inherits lockfd, the compression lock
 * the caller took, so that it holds it from before this returns.
 */
static int tidy_detached(struct cg_journal *j, int lockfd, struct cg_err *err)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot start compressing '%s'"), "journal/checkin");
	if (pid == 0) {
		setsid();
		pid = fork();
		if (pid != 0)
			_exit(pid < 0);
		_exit(compress_detached(j, lockfd));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int cg_journal_tidy_start(struct cg_journal *j, struct cg_err *err)
{
	int lockfd, ret;

	if (!j->tidy_due || j->compress == CG_COMPRESS_WAIT)
		return cg_journal_tidy(j, err);
	j->tidy_due = 0;
	if (j->compress == CG_COMPRESS_OFF)
		return 0;
	ret = finished_days(j, NULL, err);
	if (ret <= 0)
		return ret;
	lockfd = lock_compress(j, 0, err);
	if (lockfd < 0)
		return lockfd == -2 ? 0 : -1;
	ret = tidy_detached(j, lockfd, err);
	close(lockfd);
	return ret;
}

/* Make j->fd the current file of j->name, as it is now on disk. */
static int reopen_if_replaced(struct cg_journal *j, struct cg_err *err)
{
	struct stat st, cur;
	int created = 0;

	if (j->fd >= 0 && fstatat(j->dirfd, j->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == j->dev && st.st_ino == j->ino)
		return 0;
	if (j->fd >= 0)
		close(j->fd);
	j->size = -1;
	if (j->daily) {
		char gzname[80];

		j->tidy_due = 1;
		snprintf(gzname, sizeof(gzname), "%s.gz", j->name);
		if (fstatat(j->dirfd, j->name, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
		    fstatat(j->dirfd, gzname, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    gunzip_file(j->dirfd, gzname, j->name, j->label, err) < 0)
			return -1;
	}
	j->fd = cg_openat(j->dirfd, j->name, O_RDWR | O_APPEND);
	if (j->fd < 0 && errno == ENOENT) {
		j->fd = cg_openat(j->dirfd, j->name, O_RDWR | O_APPEND | O_CREAT | O_EXCL);
		created = 1;
	}
	if (j->fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), j->label);
	if (created && cg_fsync_dir(j->dirfd) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync '%s'"), j->label);
	if (fstat(j->fd, &cur) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot stat '%s'"), j->label);
	if (!S_ISREG(cur.st_mode))
		return cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is not a regular file"), j->label);
	j->dev = cur.st_dev;
	j->ino = cur.st_ino;
	return 0;
}

static int refresh_tail(struct cg_journal *j, struct cg_err *err)
{
	struct stat st;
	struct tail t;

	if (fstat(j->fd, &st) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot stat '%s'"), j->label);
	if (st.st_size == j->size)
		return 0;
	if (settle_tail(j->dirfd, j->name, j->label, j->fd, &t, err) < 0)
		return -1;
	if (t.torn_bytes)
		snprintf(j->notice, sizeof(j->notice),
			 _("%s: torn last line (%zu bytes, left by a crash) set aside in %s.torn"),
			 j->label, t.torn_bytes, j->name);
	j->size = t.size;
	j->seq = t.seq;
	memcpy(j->chain, t.chain, sizeof(t.chain));
	return 0;
}

/* printf is a measurable part of sealing a million lines. */
static int add_decimal(struct cg_buf *b, uint64_t n)
{
	char digits[20];
	size_t i = sizeof(digits);

	do
		digits[--i] = (char)('0' + n % 10);
	while ((n /= 10));
	return cg_buf_add(b, digits + i, sizeof(digits) - i);
}

/* Turn the queued bodies into journal lines in j->committed. */
static int seal_pending(struct cg_journal *j, struct cg_err *err)
{
	const char *p = j->pending.buf, *end = p + j->pending.len;
	uint64_t seq = j->seq;
	char chain[CG_CHAIN_HEX + 1];

	memcpy(chain, j->chain, sizeof(chain));
	cg_buf_reset(&j->committed);
	if (cg_buf_grow(&j->committed, j->pending.len + j->npending * 100) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot write '%s'"), j->label);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t body = (size_t)(nl - p) - 1;	/* without the closing '}' */
		size_t start = j->committed.len;
		int ok;

		ok = cg_buf_add(&j->committed, p, body) == 0 &&
		     cg_buf_addstr(&j->committed, body > 1 ? ",\"seq\":" : "\"seq\":") == 0 &&
		     add_decimal(&j->committed, ++seq) == 0;
		if (!ok)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot write '%s'"), j->label);
		chain_hash(chain, j->committed.buf + start, j->committed.len - start, chain);
		if (cg_buf_add(&j->committed, CHAIN_KEY, sizeof(CHAIN_KEY) - 1) < 0 ||
		    cg_buf_add(&j->committed, chain, CG_CHAIN_HEX) < 0 ||
		    cg_buf_add(&j->committed, "\"}\n", 3) < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot write '%s'"), j->label);
		p = nl + 1;
	}
	j->seq = seq;
	memcpy(j->chain, chain, sizeof(chain));
	return 0;
}

static void *sync_behind(void *arg)
{
	struct cg_journal *j = arg;

	j->sync_errno = fdatasync(j->sync_fd) < 0 ? errno : 0;
	close(j->sync_fd);
	return NULL;
}

/* Start the sync of what was written on a thread; 0, or -1 (errno) when
 * no thread could be had: the caller syncs as usual. */
static int start_sync(struct cg_journal *j)
{
	int e;

	j->sync_fd = fcntl(j->fd, F_DUPFD_CLOEXEC, 0);
	if (j->sync_fd < 0)
		return -1;
	j->sync_errno = 0;
	if ((e = pthread_create(&j->syncer, NULL, sync_behind, j))) {
		close(j->sync_fd);
		j->sync_fd = -1;
		errno = e;
		return -1;
	}
	j->syncing = 1;
	return 0;
}

int cg_journal_settle(struct cg_journal *j, struct cg_err *err)
{
	if (!j->syncing)
		return 0;
	pthread_join(j->syncer, NULL);
	j->syncing = 0;
	j->sync_fd = -1;
	if (!j->sync_errno)
		return 0;
	/* As after a failed sync in the commit itself: never retried. */
	j->size = -1;
	return cg_err_errno(err, CG_EXIT_SYSTEM, j->sync_errno, _("cannot sync '%s'"), j->label);
}

static int commit(struct cg_journal *j, int behind, struct cg_err *err)
{
	uint64_t old_seq = j->seq;
	char old_chain[CG_CHAIN_HEX + 1];
	int ret = -1;

	if (cg_journal_settle(j, err) < 0)
		return -1;
	cg_buf_reset(&j->committed);
	if (!j->npending) {
		cg_journal_unlock(j);
		return 0;
	}
	if (j->daily && !j->day[0])
		return cg_err_set(err, CG_EXIT_SYSTEM, _("no day selected for the check-in journal"));
	if (lock_journal(j, err) < 0)
		return -1;
	if (reopen_if_replaced(j, err) < 0 || refresh_tail(j, err) < 0)
		goto out;
	old_seq = j->seq;
	memcpy(old_chain, j->chain, sizeof(old_chain));
	if (seal_pending(j, err) < 0)
		goto restore;
	if (cg_write_all(j->fd, j->committed.buf, j->committed.len) < 0) {
		int e = errno;

		/* Take a partial append back so no torn line is left. */
		if (ftruncate(j->fd, j->size) == 0)
			fdatasync(j->fd);
		cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot write '%s'"), j->label);
		goto restore;
	}
	if ((!behind || start_sync(j) < 0) && fdatasync(j->fd) < 0) {
		/* Never retried: after a failed sync the page cache may have
		 * dropped the data, so the write cannot be reported as done. */
		cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync '%s'"), j->label);
		j->size = -1;
		goto restore;
	}
	j->commit_from.end = j->size;
	j->commit_from.seq = old_seq;
	memcpy(j->commit_from.chain, old_chain, sizeof(old_chain));
	j->size += (off_t)j->committed.len;
	j->commit_to.end = j->size;
	j->commit_to.seq = j->seq;
	memcpy(j->commit_to.chain, j->chain, sizeof(j->chain));
	/* Still under the lock: the tree follows the journal line for line. */
	if (j->home.fd >= 0 && j->home.path)
		cg_tlog_appended(&j->home, j->stream, j->daily ? j->day : NULL, &j->commit_from,
				 &j->commit_to, j->committed.buf, j->committed.len);
	cg_buf_reset(&j->pending);
	j->npending = 0;
	ret = 0;
	goto out;
restore:
	j->seq = old_seq;
	memcpy(j->chain, old_chain, sizeof(old_chain));
	cg_buf_reset(&j->committed);
out:
	unlock_journal(j);
	return ret;
}

int cg_journal_commit(struct cg_journal *j, struct cg_err *err)
{
	return commit(j, 0, err);
}

int cg_journal_commit_behind(struct cg_journal *j, struct cg_err *err)
{
	return commit(j, 1, err);
}

/* ---- reading ---- */

/* The compressed copy beside a plain day holds its first records: say so. */
static void leftover_agrees(struct cg_journal_reader *jr)
{
	snprintf(jr->notice, sizeof(jr->notice),
		 _("%s: also found compressed as %s, left by an interrupted compression "
		   "(its %llu records are this file's first): the plain file counts"),
		 jr->label, jr->leftover, (unsigned long long)jr->leftover_seq);
}

static void reader_init(struct cg_journal_reader *jr, const char *label)
{
	memset(jr, 0, sizeof(*jr));
	jr->in.fd = -1;
	memcpy(jr->chain, zero_chain, sizeof(zero_chain));
	snprintf(jr->label, sizeof(jr->label), "%s", label);
}

/* Open one file found by fstatat as st; archive: it must be gzip. */
static int reader_open_file(struct cg_journal_reader *jr, int dirfd, const char *name,
			    const struct stat *st, int archive, struct cg_err *err)
{
	/* A journal is never read through a symbolic link, as it is never
	 * written through one. */
	if (!S_ISREG(st->st_mode))
		return cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is not a regular file"), jr->label);
	if (cg_jsonl_reader_open(&jr->in, dirfd, name, jr->label,
				 CG_JOURNAL_MAX_LINE, err) < 0)
		return -1;
	jr->in.raw = 1;
	jr->archive = archive;
	if (archive && !jr->in.gz)
		snprintf(jr->damage, sizeof(jr->damage), _("%s:%lu: journal damaged: %s"),
			 jr->label, 1UL, _("not gzip data"));
	return 0;
}

/*
 * The compressed copy gzname of a day that is also plain: read it through
 * for its last seq and chain, which the plain file's must agree with, or
 * keep its damage for the first cg_journal_reader_next.
 */
static int reader_take_leftover(struct cg_journal_reader *jr, int dirfd,
				const char *gzname, const struct stat *st,
				struct cg_err *err)
{
	struct cg_journal_reader a;
	struct cg_err aerr = CG_ERR_INIT;
	int ret;

	snprintf(jr->leftover, sizeof(jr->leftover), "%s.gz", jr->label);
	reader_init(&a, jr->leftover);
	ret = reader_open_file(&a, dirfd, gzname, st, 1, err);
	if (ret < 0)
		return -1;
	ret = cg_journal_verify(&a, &aerr);
	jr->leftover_seq = a.seq;
	memcpy(jr->leftover_chain, a.chain, sizeof(a.chain));
	cg_journal_reader_release(&a);
	if (ret < 0 && aerr.status != CG_EXIT_DAMAGED) {
		*err = aerr;
		return -1;
	}
	if (ret < 0)
		snprintf(jr->damage, sizeof(jr->damage), "%s", aerr.msg);
	return 0;
}

int cg_journal_reader_open(struct cg_journal_reader *jr, int dirfd,
			   const char *name, const char *label,
			   struct cg_err *err)
{
	char gzname[96];
	struct stat st, gzst;
	int plain, gz;

	reader_init(jr, label);
	snprintf(gzname, sizeof(gzname), "%s.gz", name);
	plain = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!plain && errno != ENOENT)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), label);
	gz = fstatat(dirfd, gzname, &gzst, AT_SYMLINK_NOFOLLOW) == 0;
	if (!plain && !gz) {
		jr->missing = 1;
		return 0;
	}
	if (!plain) {
		snprintf(jr->label, sizeof(jr->label), "%s.gz", label);
		return reader_open_file(jr, dirfd, gzname, &gzst, 1, err);
	}
	if (gz && reader_take_leftover(jr, dirfd, gzname, &gzst, err) < 0)
		return -1;
	if (reader_open_file(jr, dirfd, name, &st, 0, err) < 0)
		return -1;
	if (jr->leftover[0] && !jr->damage[0] && jr->leftover_seq == 0)
		leftover_agrees(jr);
	return 0;
}

int cg_journal_reader_open_stream(struct cg_journal_reader *jr,
				  const struct cg_home *h, const char *stream,
				  const char *day, struct cg_err *err)
{
	int daily = !strcmp(stream, "checkin");
	char name[64], label[128];
	int dirfd, ret;

	dirfd = cg_home_dir(h, daily ? "journal/checkin" : "journal", 0, err);
	if (daily)
		snprintf(name, sizeof(name), "%s.jsonl", day);
	else
		snprintf(name, sizeof(name), "%s.jsonl", stream);
	snprintf(label, sizeof(label), daily ? "journal/checkin/%s" : "journal/%s", name);
	if (dirfd == -2) {
		memset(jr, 0, sizeof(*jr));
		jr->in.fd = -1;
		jr->missing = 1;
		snprintf(jr->label, sizeof(jr->label), "%s", label);
		memcpy(jr->chain, zero_chain, sizeof(zero_chain));
		return 0;
	}
	if (dirfd < 0)
		return -1;
	ret = cg_journal_reader_open(jr, dirfd, name, label, err);
	close(dirfd);
	return ret;
}

/* Damage at the line after the last one read: nothing more is read. */
static int reader_damaged_after(struct cg_journal_reader *jr, const char *why,
				struct cg_err *err)
{
	jr->ended = 1;
	jr->in.lineno++;
	return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
			  jr->label, jr->in.lineno, why);
}

/* At the end: a compressed copy beside the file must not hold more. */
static int reader_end(struct cg_journal_reader *jr, struct cg_err *err)
{
	char why[256];

	if (!jr->leftover[0] || jr->seq >= jr->leftover_seq)
		return 0;
	snprintf(why, sizeof(why),
		 _("the compressed copy %s has %llu records, this file only %llu"),
		 jr->leftover, (unsigned long long)jr->leftover_seq,
		 (unsigned long long)jr->seq);
	return reader_damaged_after(jr, why, err);
}

/* The line just read has the compressed copy's last seq: the same chain? */
static int reader_compare_leftover(struct cg_journal_reader *jr, struct cg_err *err)
{
	if (!memcmp(jr->chain, jr->leftover_chain, CG_CHAIN_HEX)) {
		leftover_agrees(jr);
		return 0;
	}
	jr->ended = 1;
	return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s %s"),
			  jr->label, jr->in.lineno,
			  _("not the same record as the last of the compressed copy"),
			  jr->leftover);
}

/*
 * The line after the last one read, when its chain was hashed ahead:
 * the entry, taken off the queue, or NULL (the queue emptied).  It is
 * the one if its number, text and length are the line's, and the line
 * before it was intact (the chain read is the one it was hashed from).
 */
static const struct cg_journal_ahead *ahead_of(struct cg_journal_reader *jr,
					       const char *line, size_t len)
{
	const struct cg_journal_ahead *a = &jr->ahead[jr->iahead];

	if (jr->iahead < jr->nahead && a->line == line && a->len == len &&
	    a->lineno == jr->in.lineno && !memcmp(a->prev, jr->chain, CG_CHAIN_HEX)) {
		jr->iahead++;
		return a;
	}
	jr->nahead = jr->iahead = 0;
	return NULL;
}

/*
 * The chain of line (whose own is at have, the text it covers hashed
 * bytes long) into want, and of up to CG_JOURNAL_AHEAD lines after it
 * that are whole in the buffer already, each from the chain the line
 * before it records, into the queue for the next calls.
 */
static void hash_ahead(struct cg_journal_reader *jr, const char *line, size_t hashed,
		       const char *have, char want[CG_CHAIN_HEX + 1])
{
	const char *prev[CG_SHA256_LANES], *body[CG_SHA256_LANES], *why;
	size_t len[CG_SHA256_LANES];
	char out[CG_SHA256_LANES][CG_CHAIN_HEX + 1];
	int n = 1;

	prev[0] = jr->chain;
	body[0] = line;
	len[0] = hashed;
	while (n <= CG_JOURNAL_AHEAD) {
		struct cg_journal_ahead *a = &jr->ahead[n - 1];
		const char *next, *next_have;

		if (!cg_jsonl_peek(&jr->in, n - 1, &next, &a->len) ||
		    split_line(next, a->len, &a->seq, &next_have, &a->hashed, &why) < 0)
			break;
		a->line = next;
		a->lineno = jr->in.lineno + (unsigned long)n;
		memcpy(a->prev, have, CG_CHAIN_HEX);
		prev[n] = have;
		body[n] = next;
		len[n] = a->hashed;
		have = next_have;
		n++;
	}
	chain_hash_n(prev, body, len, out, n);
	memcpy(want, out[0], CG_CHAIN_HEX + 1);
	for (int i = 1; i < n; i++)
		memcpy(jr->ahead[i - 1].chain, out[i], CG_CHAIN_HEX + 1);
	jr->nahead = n - 1;
	jr->iahead = 0;
}

/*
 * cg_journal_check_line for a reader, hashing the lines after it too
 * when they are whole in the buffer already (their chains wait in
 * jr->ahead for the next calls).  The checks and their order are those
 * of one line at a time.
 */
static int check_line_ahead(struct cg_journal_reader *jr, const char *line, size_t len,
			    const char **why)
{
	char want[CG_CHAIN_HEX + 1];
	const char *have;
	size_t hashed = 0;
	uint64_t n;
	const struct cg_journal_ahead *a = ahead_of(jr, line, len);

	if (a) {
		n = a->seq;	/* split when it was hashed */
		have = line + a->hashed + sizeof(CHAIN_KEY) - 1;
	} else if (split_line(line, len, &n, &have, &hashed, why) < 0) {
		return -1;
	}
	if (n != jr->seq + 1) {
		*why = _("seq out of order (a line was inserted or deleted)");
		return -1;
	}
	if (a)
		memcpy(want, a->chain, sizeof(want));
	else
		hash_ahead(jr, line, hashed, have, want);
	if (memcmp(want, have, CG_CHAIN_HEX)) {
		*why = _("chain mismatch (the line or one before it was edited)");
		return -1;
	}
	jr->seq = n;
	memcpy(jr->chain, want, sizeof(want));
	return 0;
}

int cg_journal_reader_next(struct cg_journal_reader *jr, json_t **rec,
			   struct cg_err *err)
{
	char *line;
	size_t len;
	const char *why;
	char reason[256];
	int st;

	if (jr->missing || jr->ended)
		return 0;
	if (jr->damage[0]) {
		jr->ended = 1;
		return cg_err_set(err, CG_EXIT_DAMAGED, "%s", jr->damage);
	}
	st = cg_jsonl_next(&jr->in, &line, &len, err);
	if (st < 0 && jr->in.damaged)
		return reader_damaged_after(jr, jr->in.damaged, err);
	if (st < 0)
		return -1;
	if (st == CG_JSONL_EOF)
		return reader_end(jr, err);
	if (jr->in.unterminated && jr->archive) {
		/* Nobody appends to a compressed day: it was cut. */
		jr->in.lineno--;
		return reader_damaged_after(jr, _("the last line has no newline (the compressed day was cut short)"), err);
	}
	if (jr->in.unterminated) {
		/* Only the very last line can be torn; the writer sets it
		 * aside at its next append. */
		jr->torn++;
		return reader_end(jr, err);
	}
	if (st == CG_JSONL_TOO_LONG)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
				  jr->label, jr->in.lineno, _("line too long"));
	if (check_line_ahead(jr, line, len, &why) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
				  jr->label, jr->in.lineno, why);
	if (jr->leftover[0] && jr->seq == jr->leftover_seq &&
	    reader_compare_leftover(jr, err) < 0)
		return -1;
	jr->line = line;
	jr->len = len;
	if (rec) {
		*rec = cg_jsonl_parse(line, len, reason, sizeof(reason));
		if (!*rec)
			return cg_err_set(err, CG_EXIT_DAMAGED,
					  _("%s:%lu: journal damaged: %s"),
					  jr->label, jr->in.lineno, reason);
	}
	return 1;
}

void cg_journal_reader_release(struct cg_journal_reader *jr)
{
	if (!jr->missing)
		cg_jsonl_reader_release(&jr->in);
}

int cg_journal_verify(struct cg_journal_reader *jr, struct cg_err *err)
{
	int st;

	while ((st = cg_journal_reader_next(jr, NULL, err)) > 0)
		;
	return st;
}

int cg_journal_fold(const struct cg_home *h, const char *stream,
		    cg_fold_fn *fn, void *ctx, struct cg_err *err)
{
	struct cg_journal_reader jr;
	json_t *rec;
	int st;

	if (cg_journal_reader_open_stream(&jr, h, stream, NULL, err) < 0)
		return -1;
	while ((st = cg_journal_reader_next(&jr, &rec, err)) > 0) {
		st = fn(ctx, rec, err);
		json_decref(rec);
		if (st < 0)
			break;
	}
	cg_journal_reader_release(&jr);
	return st < 0 ? -1 : 0;
}

/* Fold the records of jr, a plain file, from *pos on; *pos follows. */
static int fold_reader_from(struct cg_journal_reader *jr, struct cg_journal_pos *pos,
			    cg_fold_fn *fn, void *ctx, struct cg_err *err)
{
	json_t *rec;
	int st;

	if (jr->missing)
		return pos->end == 0 ? 0 :
			cg_err_errno(err, CG_EXIT_SYSTEM, ENOENT, _("cannot open '%s'"), jr->label);
	if (pos->end > 0) {
		struct stat sb;

		if (jr->in.gz)
			return cg_err_errno(err, CG_EXIT_SYSTEM, ESPIPE, _("cannot read '%s'"),
					    jr->label);
		if (fstat(jr->in.fd, &sb) < 0 || lseek(jr->in.fd, pos->end, SEEK_SET) < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"),
					    jr->label);
		if (sb.st_size < pos->end)
			return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
					  jr->label, (unsigned long)pos->seq,
					  _("the file is shorter than when it was read"));
		jr->in.lineno = (unsigned long)pos->seq;
		jr->seq = pos->seq;
		memcpy(jr->chain, pos->chain, sizeof(jr->chain));
	}
	while ((st = cg_journal_reader_next(jr, &rec, err)) > 0) {
		st = fn(ctx, rec, err);
		json_decref(rec);
		if (st < 0)
			break;
		pos->end += (off_t)jr->len + 1;
		pos->seq = jr->seq;
		memcpy(pos->chain, jr->chain, sizeof(pos->chain));
	}
	return st < 0 ? -1 : 0;
}

int cg_journal_fold_from(const struct cg_home *h, const char *stream,
			 struct cg_journal_pos *pos, cg_fold_fn *fn, void *ctx,
			 struct cg_err *err)
{
	struct cg_journal_reader jr;
	int ret;

	if (cg_journal_reader_open_stream(&jr, h, stream, NULL, err) < 0)
		return -1;
	ret = fold_reader_from(&jr, pos, fn, ctx, err);
	cg_journal_reader_release(&jr);
	return ret;
}

int cg_journal_lock_day(struct cg_journal *j, const char *day, int *fresh,
			struct cg_err *err)
{
	*fresh = 0;
	if (j->locked && !strcmp(j->day, day))
		return 0;
	cg_journal_unlock(j);
	if (cg_journal_set_day(j, day, err) < 0 || lock_journal(j, err) < 0)
		return -1;
	j->locked = 1;
	if (reopen_if_replaced(j, err) < 0 || refresh_tail(j, err) < 0) {
		unlock_journal(j);
		return -1;
	}
	*fresh = 1;
	return 0;
}

int cg_journal_fold_day_from(const struct cg_home *h, const char *day,
			     struct cg_journal_pos *pos, cg_fold_fn *fn, void *ctx,
			     struct cg_err *err)
{
	struct cg_journal_reader jr;
	int ret;

	if (cg_journal_reader_open_stream(&jr, h, "checkin", day, err) < 0)
		return -1;
	ret = fold_reader_from(&jr, pos, fn, ctx, err);
	cg_journal_reader_release(&jr);
	return ret;
}

int cg_journal_catch_up(struct cg_journal *j, struct cg_journal_pos *pos,
			cg_fold_fn *fn, void *ctx, struct cg_err *err)
{
	struct cg_journal_reader jr;
	int ret;

	if (!j->locked) {
		if (lock_journal(j, err) < 0)
			return -1;
		j->locked = 1;
		if (reopen_if_replaced(j, err) < 0 || refresh_tail(j, err) < 0)
			goto fail;
	}
	/* Our own last commit was folded when it was queued. */
	if (j->commit_to.seq && pos_same(pos, &j->commit_from))
		*pos = j->commit_to;
	if (pos->seq == j->seq && pos->end == j->size)
		return 0;
	if (cg_journal_reader_open(&jr, j->dirfd, j->name, j->label, err) < 0)
		goto fail;
	ret = fold_reader_from(&jr, pos, fn, ctx, err);
	cg_journal_reader_release(&jr);
	if (ret == 0)
		return 0;
fail:
	unlock_journal(j);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cg_journal_days(const struct cg_home *h, json_t **days, struct cg_err *err)
{
	int fd = cg_home_dir(h, "journal/checkin", 0, err);
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;

	*days = json_array();
	if (fd == -2)
		return 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return fd < 0 ? -1 : cg_err_errno(err, CG_EXIT_SYSTEM, errno,
						  _("cannot list '%s'"), "journal/checkin");
	}
	while ((de = readdir(d))) {
		if (!is_day_name(de->d_name, ".jsonl") && !is_day_name(de->d_name, ".jsonl.gz"))
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			names = realloc(names, alloc * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = strndup(de->d_name, 10);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]))
			json_array_append_new(*days, json_string(names[i]));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

/* Whether the line ending at pos->end in fd carries pos's seq and chain. */
static int line_at_matches(int fd, const struct cg_journal_pos *pos)
{
	char buf[160];
	size_t n = pos->end < (off_t)sizeof(buf) ? (size_t)pos->end : sizeof(buf);
	const char *chain, *why;
	size_t hashed;
	uint64_t seq;

	if (read_at(fd, buf, n, pos->end - (off_t)n) < 0 || n < 2 || buf[n - 1] != '\n')
		return 0;
	if (split_line(buf, n - 1, &seq, &chain, &hashed, &why) < 0)
		return 0;
	return seq == pos->seq && !memcmp(chain, pos->chain, CG_CHAIN_HEX);
}

int cg_journal_pos_holds(const struct cg_home *h, const char *stream,
			 const char *day, const struct cg_journal_pos *pos,
			 struct stat *sbp, struct cg_err *err)
{
	struct cg_journal_reader jr;
	struct stat sb;
	int ret;

	memset(sbp, 0, sizeof(*sbp));
	if (cg_journal_reader_open_stream(&jr, h, stream, day, err) < 0)
		return -1;
	if (jr.missing) {
		cg_journal_reader_release(&jr);
		return pos->end == 0;
	}
	if (jr.in.gz || fstat(jr.in.fd, &sb) < 0) {
		ret = jr.in.gz ? 0 : cg_err_errno(err, CG_EXIT_SYSTEM, errno,
						  _("cannot read '%s'"), jr.label);
		cg_journal_reader_release(&jr);
		return ret;
	}
	*sbp = sb;
	if (pos->end == 0)
		ret = 1;
	else
		ret = sb.st_size >= pos->end && line_at_matches(jr.in.fd, pos);
	cg_journal_reader_release(&jr);
	return ret;
}
