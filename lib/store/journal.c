#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "crypto/sha256.h"

static const char zero_chain[CG_CHAIN_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

#define CHAIN_KEY ",\"chain\":\""
#define CHAIN_SUFFIX_LEN (sizeof(CHAIN_KEY) - 1 + CG_CHAIN_HEX + 2)

static void to_hex(const unsigned char *h, char out[CG_CHAIN_HEX])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < CG_SHA256_BYTES; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
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

static int is_hex64(const char *s)
{
	for (int i = 0; i < CG_CHAIN_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
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
	    !is_hex64(tail + sizeof(CHAIN_KEY) - 1) ||
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
	j->fd = j->lockfd = j->dirfd = -1;
	j->size = -1;
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
	if (j->fd >= 0)
		close(j->fd);
	if (j->lockfd >= 0)
		close(j->lockfd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	j->fd = j->lockfd = j->dirfd = -1;
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

/* Write the first size bytes of fd, gzipped, to dirfd/tmp, durably. */
static int gzip_copy(int fd, off_t size, int dirfd, const char *tmp,
		     const char *label, struct cg_err *err)
{
	char chunk[64 * 1024];
	int out, out2;
	gzFile gz;
	off_t off = 0;
	int ok = 1;

	out = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	if (out < 0 || (out2 = dup(out)) < 0 || !(gz = gzdopen(out2, "wb6"))) {
		int e = errno;

		if (out >= 0)
			close(out);
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot compress '%s'"), label);
	}
	while (ok && off < size) {
		size_t want = size - off < (off_t)sizeof(chunk) ? (size_t)(size - off) : sizeof(chunk);

		ok = read_at(fd, chunk, want, off) == 0 &&
		     gzwrite(gz, chunk, (unsigned)want) == (int)want;
		off += (off_t)want;
	}
	if (gzclose(gz) != Z_OK || !ok || fsync(out) < 0) {
		close(out);
		unlinkat(dirfd, tmp, 0);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot compress '%s'"), label);
	}
	close(out);
	return 0;
}

/* The reverse, for a back-fill into a day already compressed. */
static int gunzip_file(int dirfd, const char *src, const char *dst,
		       const char *label, struct cg_err *err)
{
	char tmp[96], chunk[64 * 1024];
	int in, out;
	gzFile gz;
	int n;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", dst);
	in = cg_openat(dirfd, src, O_RDONLY);
	if (in < 0 || !(gz = gzdopen(in, "rb"))) {
		if (in >= 0)
			close(in);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), label);
	}
	out = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	if (out < 0) {
		gzclose(gz);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot create '%s'"), label);
	}
	while ((n = gzread(gz, chunk, sizeof(chunk))) > 0)
		if (cg_write_all(out, chunk, (size_t)n) < 0)
			break;
	if (gzclose(gz) != Z_OK || n != 0 || fsync(out) < 0) {
		close(out);
		unlinkat(dirfd, tmp, 0);
		return cg_err_set(err, CG_EXIT_SYSTEM, _("cannot decompress '%s'"), label);
	}
	close(out);
	if (renameat(dirfd, tmp, dirfd, dst) < 0 || cg_fsync_dir(dirfd) < 0 ||
	    unlinkat(dirfd, src, 0) < 0 || cg_fsync_dir(dirfd) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot reopen '%s'"), label);
	return 0;
}

/*
 * Gzip one finished day.  The slow part runs without the journal lock, so
 * that check-ins at midnight never wait for it; the swap happens under the
 * lock and only if nobody appended in the meantime (a late back-fill).
 */
static int compress_day(struct cg_journal *j, const char *name, struct cg_err *err)
{
	char gzname[300], tmp[310], label[320];
	struct stat st, now;
	struct tail t;
	int fd, ret = -1;

	snprintf(gzname, sizeof(gzname), "%s.gz", name);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", gzname);
	snprintf(label, sizeof(label), "journal/checkin/%s", name);
	fd = cg_openat(j->dirfd, name, O_RDWR);
	if (fd < 0)
		return errno == ENOENT ? 0 :
			cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), label);
	if (lock_journal(j, err) < 0)
		goto out;
	ret = settle_tail(j->dirfd, name, label, fd, &t, err);
	unlock_journal(j);
	if (ret < 0 || fstat(fd, &st) < 0 ||
	    gzip_copy(fd, st.st_size, j->dirfd, tmp, label, err) < 0) {
		ret = -1;
		goto out;
	}
	if (lock_journal(j, err) < 0) {
		ret = -1;
		goto out;
	}
	if (fstatat(j->dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_ino == st.st_ino && now.st_size == st.st_size) {
		if (renameat(j->dirfd, tmp, j->dirfd, gzname) < 0 ||
		    cg_fsync_dir(j->dirfd) < 0 || unlinkat(j->dirfd, name, 0) < 0 ||
		    cg_fsync_dir(j->dirfd) < 0)
			ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					   _("cannot compress '%s'"), label);
	} else {
		unlinkat(j->dirfd, tmp, 0);
	}
	unlock_journal(j);
out:
	close(fd);
	return ret;
}

int cg_journal_tidy(struct cg_journal *j, struct cg_err *err)
{
	struct dirent *de;
	DIR *d;
	int fd, lockfd, ret = 0;

	if (!j->tidy_due)
		return 0;
	j->tidy_due = 0;
	lockfd = cg_openat(j->dirfd, ".compress.lock", O_RDWR | O_CREAT);
	if (lockfd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot open lock file for '%s'"), "journal/checkin");
	/* Another process compressing the same days is as good as us. */
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		close(lockfd);
		return 0;
	}
	fd = dup(j->dirfd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		close(lockfd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
				    _("cannot list '%s'"), "journal/checkin");
	}
	rewinddir(d);
	while (ret == 0 && (de = readdir(d)))
		if (is_day_name(de->d_name, ".jsonl") &&
		    strncmp(de->d_name, j->day, 10) < 0)
			ret = compress_day(j, de->d_name, err);
	closedir(d);
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
		if (cg_buf_addf(&j->committed, CHAIN_KEY "%s\"}\n", chain) < 0)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot write '%s'"), j->label);
		p = nl + 1;
	}
	j->seq = seq;
	memcpy(j->chain, chain, sizeof(chain));
	return 0;
}

int cg_journal_commit(struct cg_journal *j, struct cg_err *err)
{
	uint64_t old_seq = j->seq;
	char old_chain[CG_CHAIN_HEX + 1];
	int ret = -1;

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
	if (fdatasync(j->fd) < 0) {
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

/* ---- reading ---- */

int cg_journal_reader_open(struct cg_journal_reader *jr, int dirfd,
			   const char *name, const char *label,
			   struct cg_err *err)
{
	char gzname[96];
	struct stat st;
	const char *open_name = name;

	memset(jr, 0, sizeof(*jr));
	jr->in.fd = -1;
	memcpy(jr->chain, zero_chain, sizeof(zero_chain));
	snprintf(jr->label, sizeof(jr->label), "%s", label);
	snprintf(gzname, sizeof(gzname), "%s.gz", name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot open '%s'"), label);
		if (fstatat(dirfd, gzname, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			jr->missing = 1;
			return 0;
		}
		open_name = gzname;
		snprintf(jr->label, sizeof(jr->label), "%s.gz", label);
	}
	/* A journal is never read through a symbolic link, as it is never
	 * written through one. */
	if (!S_ISREG(st.st_mode))
		return cg_err_set(err, CG_EXIT_SYSTEM, _("'%s' is not a regular file"), jr->label);
	if (cg_jsonl_reader_open(&jr->in, dirfd, open_name, jr->label,
				 CG_JOURNAL_MAX_LINE, err) < 0)
		return -1;
	jr->in.raw = 1;
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

int cg_journal_reader_next(struct cg_journal_reader *jr, json_t **rec,
			   struct cg_err *err)
{
	char *line;
	size_t len;
	const char *why;
	char reason[256];
	int st;

	if (jr->missing)
		return 0;
	st = cg_jsonl_next(&jr->in, &line, &len, err);
	if (st < 0)
		return -1;
	if (st == CG_JSONL_EOF)
		return 0;
	if (jr->in.unterminated) {
		/* Only the very last line can be torn; the writer sets it
		 * aside at its next append. */
		jr->torn++;
		return 0;
	}
	if (st == CG_JSONL_TOO_LONG)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
				  jr->label, jr->in.lineno, _("line too long"));
	if (cg_journal_check_line(line, len, &jr->seq, jr->chain, &why) < 0)
		return cg_err_set(err, CG_EXIT_DAMAGED, _("%s:%lu: journal damaged: %s"),
				  jr->label, jr->in.lineno, why);
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
