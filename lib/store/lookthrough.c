/*
 * Looking through check-in days for matching lines (see lookthrough.h):
 * the files are read in blocks and searched for the needle, so that a day
 * without a match costs little more than reading it.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/lookthrough.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define BLOCK (1024 * 1024)
#define BUF_MAX (CG_JOURNAL_MAX_LINE + BLOCK)

struct look {
	const char *day, *needle;
	size_t nlen;
	cg_lookthrough_fn *fn;
	void *ctx;
	/* Looking for odd lines only (cg_lookthrough_odd): the day's own ts
	 * prefix, and where to keep the odd lines found (-1: nowhere). */
	int odd;
	char prefix[32];
	size_t plen;
	int keep;
	int kept_ok;		/* every write to keep succeeded */
	int clean;		/* the file was read to its end, undamaged */
	uint64_t consumed;	/* bytes of the whole lines read (and skipped) */
};

/* The seq of a journal line: the number after its last "seq":, else 0. */
static uint64_t line_seq(const char *line, size_t len)
{
	const char *p = line + len;
	uint64_t seq = 0;

	while (p - line > 7 && memcmp(p - 7, ",\"seq\":", 7))
		if (line + len - p > 128)
			return 0;
		else
			p--;
	if (p - line <= 7)
		return 0;
	for (; p < line + len && *p >= '0' && *p <= '9'; p++)
		seq = seq * 10 + (uint64_t)(*p - '0');
	return seq;
}

/*
 * The first needle[0..nlen) in hay[0..len), as memmem() finds it.  A day
 * without a correction is searched whole, every byte of it (today's
 * journal, a million lines, was a tenth of a report's time in memmem):
 * 16 places at a time are tested for two bytes of the needle, its second
 * and its last but one (rarer in journal lines than the quotes at its
 * ends), and only those that have both are compared whole.
 */
static const char *find(const char *hay, size_t len, const char *needle, size_t nlen)
{
#if defined(__SSE2__)
	const char *p = hay, *end = hay + len;
	size_t a = nlen >= 4 ? 1 : 0, b = nlen >= 4 ? nlen - 2 : nlen - 1;
	__m128i ca, cb;

	if (nlen < 2 || len < nlen + 16)
		return memmem(hay, len, needle, nlen);
	ca = _mm_set1_epi8(needle[a]);
	cb = _mm_set1_epi8(needle[b]);
	/* Starts p..p+15, while the needle at the last of them fits. */
	for (; end - p >= (ptrdiff_t)(nlen + 15); p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + a));
		__m128i y = _mm_loadu_si128((const __m128i *)(p + b));
		unsigned mask = (unsigned)_mm_movemask_epi8(
			_mm_and_si128(_mm_cmpeq_epi8(x, ca), _mm_cmpeq_epi8(y, cb)));

		while (mask) {
			const char *at = p + __builtin_ctz(mask);

			if (!memcmp(at, needle, nlen))
				return at;
			mask &= mask - 1;
		}
	}
	return memmem(p, (size_t)(end - p), needle, nlen);
#else
	return memmem(hay, len, needle, nlen);
#endif
}

/* A line of another day than the journal's, or a correction. */
static int is_odd(const struct look *lk, const char *line, size_t len)
{
	return len < lk->plen || memcmp(line, lk->prefix, lk->plen) ||
	       find(line, len, CG_LOOKTHROUGH_CORRECTED, sizeof(CG_LOOKTHROUGH_CORRECTED) - 1);
}

/* The matches among whole lines buf[0..len) (with lk->odd, odd ones only). */
static int scan(const struct look *lk, const char *buf, size_t len, struct cg_err *err)
{
	const char *p = buf, *end = buf + len, *hit;

	while ((hit = find(p, (size_t)(end - p), lk->needle, lk->nlen))) {
		const char *start = hit, *stop = memchr(hit, '\n', (size_t)(end - hit));
		uint64_t seq;

		while (start > p && start[-1] != '\n')
			start--;
		if (!stop)
			stop = end;
		/* A line longer than a journal's is no record, wherever the
		 * blocks that bring it begin. */
		seq = (size_t)(stop - start) > CG_JOURNAL_MAX_LINE ? 0 :
		      line_seq(start, (size_t)(stop - start));
		if (lk->odd && !is_odd(lk, start, (size_t)(stop - start)))
			seq = 0;
		if (seq && lk->fn(lk->ctx, lk->day, seq, start, (size_t)(stop - start), err) < 0)
			return -1;
		p = stop < end ? stop + 1 : end;
	}
	return 0;
}

/*
 * The odd lines among whole lines buf[0..len): each kept, and those with
 * the needle to fn.  Every line is looked at, but only at its start and
 * for one needle: the lines of the day's own are skipped after a memcmp.
 */
static int scan_odd(struct look *lk, const char *buf, size_t len, struct cg_err *err)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *stop = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		uint64_t seq;

		if (!stop)
			stop = end;
		n = (size_t)(stop - p);
		if (n && n <= CG_JOURNAL_MAX_LINE && is_odd(lk, p, n)) {
			if (lk->keep >= 0 && lk->kept_ok && cg_write_all(lk->keep, p, n + (stop < end)) < 0)
				lk->kept_ok = 0;
			if (find(p, n, lk->needle, lk->nlen) && (seq = line_seq(p, n)) &&
			    lk->fn(lk->ctx, lk->day, seq, p, n, err) < 0)
				return -1;
		}
		p = stop < end ? stop + 1 : end;
	}
	return 0;
}

static int look_file(struct look *lk, struct cg_jsonl_reader *in, struct cg_err *err)
{
	char *buf = malloc(BUF_MAX);
	size_t have = 0;
	uint64_t total = 0;
	int skipping = 0, ret = 0;
	ssize_t n;

	if (!buf)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	lk->clean = 0;
	lk->consumed = 0;
	while ((n = cg_jsonl_reader_read_block(in, buf + have, BLOCK, err)) > 0) {
		const char *nl;
		size_t whole;

		have += (size_t)n;
		total += (uint64_t)n;
		if (!(nl = memrchr(buf, '\n', have))) {
			/* A line longer than a journal line is no record. */
			if (have + BLOCK > BUF_MAX)
				have = 0, skipping = 1;
			continue;
		}
		whole = (size_t)(nl - buf) + 1;
		if (skipping) {
			const char *first = memchr(buf, '\n', have);

			memmove(buf, first + 1, have - (size_t)(first + 1 - buf));
			have -= (size_t)(first + 1 - buf);
			whole -= (size_t)(first + 1 - buf);
			skipping = 0;
		}
		/* Only what is kept needs every odd line looked at. */
		if ((ret = lk->keep >= 0 ? scan_odd(lk, buf, whole, err) : scan(lk, buf, whole, err)) < 0)
			break;
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	/*
	 * A damaged archive is looked through up to its damage: damage is
	 * the business of whoever verifies that day (the report does for its
	 * own days, --verify for all), not a reason to give up the others.
	 */
	if (n < 0 && ret == 0)
		ret = in->damaged ? 0 : -1;
	else if (n == 0 && ret == 0 && !have)
		lk->clean = 1;
	/* Up to the end of the last whole line (a line being skipped at the
	 * end is no whole line: the caller finds no line end there). */
	lk->consumed = total - have;
	/* What is left has no newline: a torn last line, skipped. */
	free(buf);
	return ret;
}

/* ---- the days to look at ---- */

/*
 * Past this many days, the days looked at are those the directory has a
 * file of: a report of a day in 0816 looks through every day after it up
 * to today, 440,000 days, each a failed open (seconds for nothing).
 */
#define LIST_PAST_DAYS 366

struct days {
	int32_t *d;
	size_t n, alloc;
};

static int days_add(struct days *ds, int32_t d)
{
	if (ds->n == ds->alloc) {
		size_t a = ds->alloc ? ds->alloc * 2 : 64;
		int32_t *p = realloc(ds->d, a * sizeof(*p));

		if (!p)
			return -1;
		ds->d = p;
		ds->alloc = a;
	}
	ds->d[ds->n++] = d;
	return 0;
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* The days from..to that daydir has a file of, ascending. */
static int days_listed(int daydir, int32_t from, int32_t to, struct days *ds,
		       struct cg_err *err)
{
	int fd = fcntl(daydir, F_DUPFD_CLOEXEC, 0);
	struct dirent *de;
	size_t m = 0;
	DIR *dp;

	if (fd < 0 || !(dp = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"),
				    "journal/checkin");
	}
	rewinddir(dp);
	while ((de = readdir(dp))) {
		char date[CG_DATE_LEN];
		int32_t d;

		if (strlen(de->d_name) < 10)
			continue;
		memcpy(date, de->d_name, 10);
		date[10] = '\0';
		if (cg_day_parse(date, &d) == 0 && d >= from && d <= to && days_add(ds, d) < 0) {
			closedir(dp);
			return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
		}
	}
	closedir(dp);
	if (ds->n)
		qsort(ds->d, ds->n, sizeof(*ds->d), cmp_day);
	for (size_t i = 0; i < ds->n; i++)
		if (!m || ds->d[m - 1] != ds->d[i])
			ds->d[m++] = ds->d[i];
	ds->n = m;
	return 0;
}

/* The days from..to to look at: every one, or past LIST_PAST_DAYS those
 * daydir (-2: none) has a file of.  0, or -1 with *err. */
static int days_to_look(int daydir, int32_t from, int32_t to, struct days *ds,
			struct cg_err *err)
{
	memset(ds, 0, sizeof(*ds));
	if ((int64_t)to - from > LIST_PAST_DAYS)
		return daydir == -2 ? 0 : days_listed(daydir, from, to, ds, err);
	for (int32_t d = from; d <= to; d++)
		if (days_add(ds, d) < 0)
			return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	return 0;
}

int cg_lookthrough_days(const struct cg_home *h, int32_t from, int32_t to,
			const char *needle, cg_lookthrough_fn *fn, void *ctx,
			struct cg_err *err)
{
	struct look lk = { .needle = needle, .nlen = strlen(needle), .fn = fn, .ctx = ctx,
			   .keep = -1 };
	struct cg_journal_reader jr;
	char day[CG_DATE_LEN];
	struct days ds;
	int daydir = -2, ret = 0;

	if (from > to)
		return 0;
	if ((int64_t)to - from > LIST_PAST_DAYS &&
	    (daydir = cg_home_dir(h, "journal/checkin", 0, err)) == -1)
		return -1;
	ret = days_to_look(daydir, from, to, &ds, err);
	if (daydir >= 0)
		close(daydir);
	for (size_t i = 0; i < ds.n && ret == 0; i++) {
		cg_day_format(ds.d[i], day);
		lk.day = day;
		if (cg_journal_reader_open_stream(&jr, h, "checkin", day, err) < 0) {
			ret = -1;
			break;
		}
		if (jr.missing)
			continue;
		ret = look_file(&lk, &jr.in, err) < 0 ? -1 : 0;
		cg_journal_reader_release(&jr);
	}
	free(ds.d);
	return ret;
}

/* ---- the odd lines of finished days, kept in index/lookthrough ---- */

#define KEPT_DIR "index/lookthrough"
#define KEPT_END "{\"complete\":true}\n"

/* The first line of a day's kept odd lines: the compressed file they are of. */
static void kept_header(const char *day, const struct stat *sb, char *out, size_t size)
{
	snprintf(out, size, "{\"v\":1,\"day\":\"%s\",\"ino\":%" PRIu64 ",\"size\":%" PRId64
		 ",\"mtime_ns\":%" PRId64 "}\n", day, (uint64_t)sb->st_ino, (int64_t)sb->st_size,
		 (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec);
}

/*
 * The kept odd lines of day, when they are of the file sb and whole (the
 * header names the file, the last line says they are complete): each
 * with the needle to fn.  1 done, 0 nothing usable kept, -1 with *err.
 */
static int kept_read(struct look *lk, int keptdir, const struct stat *sb, struct cg_err *err)
{
	char name[32], head[256], got[256], tail[sizeof(KEPT_END) - 1];
	struct cg_jsonl_reader in;
	struct stat ks;
	size_t hlen;
	int fd, ret;

	snprintf(name, sizeof(name), "%s.jsonl", lk->day);
	kept_header(lk->day, sb, head, sizeof(head));
	hlen = strlen(head);
	if ((fd = cg_openat(keptdir, name, O_RDONLY)) < 0)
		return 0;
	if (fstat(fd, &ks) < 0 || ks.st_size < (off_t)(hlen + sizeof(tail)) ||
	    pread(fd, got, hlen, 0) != (ssize_t)hlen || memcmp(got, head, hlen) ||
	    pread(fd, tail, sizeof(tail), ks.st_size - (off_t)sizeof(tail)) != (ssize_t)sizeof(tail) ||
	    memcmp(tail, KEPT_END, sizeof(tail))) {
		close(fd);
		return 0;
	}
	cg_jsonl_reader_init_fd(&in, fd, name, 0);
	lk->odd = 0;
	ret = look_file(lk, &in, err);
	lk->odd = 1;
	cg_jsonl_reader_release(&in);
	close(fd);
	return ret < 0 ? -1 : 1;
}

/*
 * Look through the compressed day for its odd lines, keeping them in
 * keptdir (when >= 0) for the next time: written to a file of this
 * process's own, which takes the place of the old one only when the day
 * was read whole and undamaged.  The kept lines are derived: failing to
 * keep them is no error.
 */
static int kept_build(struct look *lk, const struct cg_home *h, int keptdir,
		      const struct stat *sb, struct cg_err *err)
{
	struct cg_journal_reader jr;
	char name[32], tmp[64], head[256];
	int ret;

	snprintf(name, sizeof(name), "%s.jsonl", lk->day);
	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
	kept_header(lk->day, sb, head, sizeof(head));
	if (cg_journal_reader_open_stream(&jr, h, "checkin", lk->day, err) < 0)
		return -1;
	lk->keep = keptdir < 0 ? -1 : cg_openat(keptdir, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	lk->kept_ok = lk->keep >= 0 && cg_write_all(lk->keep, head, strlen(head)) == 0;
	ret = jr.missing ? 0 : look_file(lk, &jr.in, err);
	if (lk->keep >= 0) {
		if (ret == 0 && lk->clean && lk->kept_ok && !jr.missing && jr.archive &&
		    cg_write_all(lk->keep, KEPT_END, sizeof(KEPT_END) - 1) == 0 &&
		    close(lk->keep) == 0) {
			if (renameat(keptdir, tmp, keptdir, name) < 0)
				unlinkat(keptdir, tmp, 0);
			/* What was kept of it while it was today's is done with. */
			snprintf(tmp, sizeof(tmp), "%s.open.jsonl", lk->day);
			unlinkat(keptdir, tmp, 0);
		} else {
			close(lk->keep);
			unlinkat(keptdir, tmp, 0);
		}
		lk->keep = -1;
	}
	cg_journal_reader_release(&jr);
	return ret;
}

/* ---- a plain day (today's, still growing): kept up to a line ---- */

#define OPEN_MARK_MAX 256		/* the tail of a line read to find its seq and chain */
#define OPEN_KEPT_MAX (64 << 20)	/* kept lines read whole, up to this */

/*
 * The seq and chain the journal line ending at off (its newline the byte
 * before off) ends with: 0, or -1 when no journal line ends there.
 */
static int line_mark(int fd, uint64_t off, uint64_t *seq, char chain[CG_CHAIN_HEX + 1])
{
	static const char key[] = ",\"chain\":\"";
	char buf[OPEN_MARK_MAX];
	size_t n = off < OPEN_MARK_MAX ? (size_t)off : OPEN_MARK_MAX, k = sizeof(key) - 1;
	const char *tail, *p;

	if (n < k + CG_CHAIN_HEX + 3 + 8 ||
	    pread(fd, buf, n, (off_t)(off - n)) != (ssize_t)n || memcmp(buf + n - 3, "\"}\n", 3))
		return -1;
	tail = buf + n - 3 - CG_CHAIN_HEX - k;
	if (memcmp(tail, key, k))
		return -1;
	for (size_t i = 0; i < CG_CHAIN_HEX; i++)
		if (!strchr("0123456789abcdef", tail[k + i]) || !tail[k + i])
			return -1;
	memcpy(chain, tail + k, CG_CHAIN_HEX);
	chain[CG_CHAIN_HEX] = '\0';
	for (p = tail; p > buf && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	if (p == tail || tail - p > 19 || p - buf < 7 || memcmp(p - 7, ",\"seq\":", 7))
		return -1;
	for (*seq = 0; p < tail; p++)
		*seq = *seq * 10 + (uint64_t)(*p - '0');
	return 0;
}

static int mark_line(char *out, size_t size, uint64_t off, uint64_t seq, const char *chain)
{
	return snprintf(out, size, "{\"complete\":true,\"offset\":%" PRIu64 ",\"seq\":%" PRIu64
			",\"chain\":\"%s\"}\n", off, seq, chain);
}

/*
 * What is kept of the plain day up to a line, when it is of this file
 * (head) and the journal's line there still ends with the seq and chain
 * the kept lines end with (a chain commits to every byte before it, so
 * the journal up to there is the one they were found in): each through
 * scan_odd (kept anew, and those with the needle to fn), and *from, *seq,
 * chain set to that line's end.  *from 0 when nothing usable is kept.
 */
static int open_replay(struct look *lk, int keptdir, const char *kname, const char *head,
		       int fd, uint64_t *from, uint64_t *seq, char chain[CG_CHAIN_HEX + 1],
		       struct cg_err *err)
{
	char mark[OPEN_MARK_MAX], ch[CG_CHAIN_HEX + 1], jch[CG_CHAIN_HEX + 1];
	size_t hlen = strlen(head), size;
	uint64_t off, sq, jsq;
	const char *m;
	struct stat ks;
	char *buf = NULL;
	int kfd, ret = 0;

	*from = 0;
	if ((kfd = cg_openat(keptdir, kname, O_RDONLY)) < 0)
		return 0;
	if (fstat(kfd, &ks) < 0 || ks.st_size < (off_t)hlen + 2 || ks.st_size > OPEN_KEPT_MAX ||
	    !(buf = malloc((size_t)ks.st_size + 1)) ||
	    pread(kfd, buf, (size_t)ks.st_size, 0) != (ssize_t)ks.st_size)
		goto none;
	size = (size_t)ks.st_size;
	buf[size] = '\0';	/* for sscanf */
	if (memcmp(buf, head, hlen) || buf[size - 1] != '\n' ||
	    !(m = memrchr(buf, '\n', size - 1)) || m < buf + hlen - 1)
		goto none;
	m++;
	if (sscanf(m, "{\"complete\":true,\"offset\":%" SCNu64 ",\"seq\":%" SCNu64
		   ",\"chain\":\"%64[0-9a-f]\"}", &off, &sq, ch) != 3 ||
	    (size_t)mark_line(mark, sizeof(mark), off, sq, ch) != size - (size_t)(m - buf) ||
	    memcmp(mark, m, size - (size_t)(m - buf)) ||
	    line_mark(fd, off, &jsq, jch) < 0 || jsq != sq || strcmp(jch, ch))
		goto none;
	ret = scan_odd(lk, buf + hlen, (size_t)(m - buf) - hlen, err);
	*from = off;
	*seq = sq;
	memcpy(chain, ch, sizeof(ch));
none:
	free(buf);
	close(kfd);
	return ret;
}

/*
 * A plain day: the odd lines up to its last whole line are kept in
 * index/lookthrough/DAY.open.jsonl, ending with that line's offset, seq
 * and chain, so that the next look-through (the next report of today)
 * reads only what was appended since.  Kept anew each time, written to a
 * file of this process's own first; without a kept directory, or when
 * the journal went meanwhile (compressed), the day is read whole.
 */
static int open_day(struct look *lk, const struct cg_home *h, int daydir, int keptdir,
		    const struct stat *sb, struct cg_err *err)
{
	char name[32], kname[48], tmp[80], head[160], mark[OPEN_MARK_MAX];
	char chain[CG_CHAIN_HEX + 1] = "";
	uint64_t from = 0, seq = 0, end;
	struct cg_jsonl_reader in;
	int fd, ret;

	snprintf(name, sizeof(name), "%s.jsonl", lk->day);
	if (keptdir < 0 || (fd = cg_openat(daydir, name, O_RDONLY)) < 0)
		return kept_build(lk, h, -1, sb, err);
	snprintf(kname, sizeof(kname), "%s.open.jsonl", lk->day);
	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", kname, (long)getpid());
	snprintf(head, sizeof(head), "{\"v\":1,\"day\":\"%s\",\"ino\":%" PRIu64 "}\n", lk->day,
		 (uint64_t)sb->st_ino);
	lk->keep = cg_openat(keptdir, tmp, O_WRONLY | O_CREAT | O_TRUNC);
	lk->kept_ok = lk->keep >= 0 && cg_write_all(lk->keep, head, strlen(head)) == 0;
	ret = open_replay(lk, keptdir, kname, head, fd, &from, &seq, chain, err);
	lk->consumed = 0;
	if (ret == 0 && lseek(fd, (off_t)from, SEEK_SET) != (off_t)from)
		ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot read '%s'"), name);
	if (ret == 0) {
		cg_jsonl_reader_init_fd(&in, fd, name, 0);
		ret = look_file(lk, &in, err) < 0 ? -1 : 0;
		cg_jsonl_reader_release(&in);
	}
	if (lk->keep >= 0) {
		end = from + lk->consumed;
		if (ret == 0 && lk->kept_ok && end > 0 &&
		    (end == from || line_mark(fd, end, &seq, chain) == 0) &&
		    cg_write_all(lk->keep, mark, (size_t)mark_line(mark, sizeof(mark), end, seq, chain)) == 0 &&
		    close(lk->keep) == 0) {
			if (renameat(keptdir, tmp, keptdir, kname) < 0)
				unlinkat(keptdir, tmp, 0);
		} else {
			close(lk->keep);
			unlinkat(keptdir, tmp, 0);
		}
		lk->keep = -1;
	}
	close(fd);
	return ret;
}

/* One day: a plain file is read (it may still grow), a compressed one's
 * odd lines are taken from what is kept, or found and kept. */
static int odd_day(struct look *lk, const struct cg_home *h, int daydir, int keptdir,
		   struct cg_err *err)
{
	char name[32];
	struct stat sb;
	int st;

	lk->plen = (size_t)snprintf(lk->prefix, sizeof(lk->prefix), "{\"ts\":\"%sT", lk->day);
	snprintf(name, sizeof(name), "%s.jsonl", lk->day);
	if (fstatat(daydir, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return open_day(lk, h, daydir, keptdir, &sb, err);
	snprintf(name, sizeof(name), "%s.jsonl.gz", lk->day);
	if (fstatat(daydir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;	/* no journal that day (or it went meanwhile) */
	if (keptdir >= 0 && (st = kept_read(lk, keptdir, &sb, err)) != 0)
		return st < 0 ? -1 : 0;
	return kept_build(lk, h, keptdir, &sb, err);
}

int cg_lookthrough_odd(const struct cg_home *h, int32_t from, int32_t to,
		       const char *needle, cg_lookthrough_fn *fn, void *ctx,
		       struct cg_err *err)
{
	struct look lk = { .needle = needle, .nlen = strlen(needle), .fn = fn, .ctx = ctx,
			   .odd = 1, .keep = -1 };
	char day[CG_DATE_LEN];
	struct days ds;
	int daydir, keptdir, ret = 0;

	if (from > to)
		return 0;
	if ((daydir = cg_home_dir(h, "journal/checkin", 0, err)) == -2)
		return 0;
	if (daydir < 0)
		return -1;
	/* Kept where the data directory lets us; else every day is read. */
	if ((keptdir = cg_home_dir(h, KEPT_DIR, 1, err)) < 0)
		keptdir = -1;
	ret = days_to_look(daydir, from, to, &ds, err);
	for (size_t i = 0; i < ds.n && ret == 0; i++) {
		cg_day_format(ds.d[i], day);
		lk.day = day;
		ret = odd_day(&lk, h, daydir, keptdir, err);
	}
	free(ds.d);
	if (keptdir >= 0)
		close(keptdir);
	close(daydir);
	return ret;
}
