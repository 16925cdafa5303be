#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/eventtab.h"
#include "store/index.h"

#define TAB_MAGIC "cgevtab\n"
#define TAB_VERSION 1
#define TAB_HEAD 256		/* bytes before the slots */
#define TAB_MIN_BITS 12		/* 4096 slots: 64 KiB */
#define TAB_MAX_BITS 28		/* the tag's bits: homes spread over them */
#define LOCK_NAME ".checkin-events.lock"

/* The header, at the start of the file. */
struct head {
	char magic[8];
	uint32_t version, bits;
	uint64_t seed, count;
	uint64_t slotsum;		/* sum of slot_sum() of every slot filled */
	char day[16];
	int64_t end;			/* the journal folded up to here */
	uint64_t seq;
	char chain[CG_CHAIN_HEX];
	int64_t ino, mtime_ns, size;	/* the journal file then (0: unknown) */
	int32_t gz, pad;		/* it was the compressed day */
	char boot[40];			/* the boot it was written in */
	uint64_t sum;			/* of everything before */
};

_Static_assert(sizeof(struct head) <= TAB_HEAD, "head too big");

/*
 * A slot is one word: the top 28 bits of the id's hash (its tag, whose
 * low bits are also its home slot, so that a table can grow without the
 * ids) above the line's offset plus one (36 bits: 64 GiB a day); 0 is
 * empty.  Half the size of a hash and an offset apiece: the table of a
 * million ids is 16 MiB.  A tag that matches another id's (one in 2^28)
 * only costs reading that line.
 */
#define OFF_BITS 36
#define OFF_MASK ((UINT64_C(1) << OFF_BITS) - 1)

static uint64_t tag_of(uint64_t hash)
{
	return hash >> OFF_BITS;
}

static uint64_t word_of(uint64_t tag, uint64_t off)
{
	return tag << OFF_BITS | (off + 1);
}

/* The day's journal file as found now. */
struct jfile {
	int missing, gz;
	struct stat sb;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* MurmurHash3's finaliser: every bit of the FNV sum reaches the slot. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static uint64_t id_hash(uint64_t seed, const char *id, size_t len)
{
	uint64_t h = mix(fnv(0xcbf29ce484222325ULL ^ seed, id, len));

	return h ? h : 1;
}

/* What a filled slot adds to ->slotsum: a slot damaged (zeroed, or
 * changed) is found when the table is mapped. */
static uint64_t slot_sum(uint64_t word)
{
	return mix(word);
}

static uint64_t head_sum(const struct head *hd)
{
	return fnv(0xcbf29ce484222325ULL, hd, offsetof(struct head, sum));
}

static struct head *head_of(const struct cg_eventtab *t)
{
	return (struct head *)(void *)t->map;
}

static uint64_t *slots_of(unsigned char *map)
{
	return (uint64_t *)(void *)(map + TAB_HEAD);
}

/* The kernel's id of this boot, or "" where there is none. */
static void boot_id(char out[40])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	memset(out, 0, 40);
	if (f) {
		if (!fgets(out, 40, f))
			out[0] = 0;
		out[strcspn(out, "\n")] = 0;
		fclose(f);
	}
}

static uint64_t fresh_seed(void)
{
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s))
		s = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	return s;
}

int cg_event_id_of_line(const char *p, size_t len, const char **id, size_t *idlen)
{
	static const char key[] = "\"event_id\":";
	const char *k = memmem(p, len, key, sizeof(key) - 1), *end = p + len, *q;

	if (!k)
		return 1;
	/* A nested object may hold a key of that name: parse. */
	if (len > 1 && memchr(p + 1, '{', len - 1))
		return -1;
	q = k + sizeof(key) - 1;
	if (q >= end || *q != '"')
		return -1;
	*id = ++q;
	while (q < end && *q != '"' && *q != '\\')
		q++;
	if (q >= end || *q != '"' || memmem(q, (size_t)(end - q), key, sizeof(key) - 1))
		return -1;
	*idlen = (size_t)(q - *id);
	return 0;
}

/* The event_id of line, however written: 1 with it in *id (into line or
 * into *rec, a new reference the caller drops), 0 when it has none. */
static int line_id(const char *line, size_t len, const char **id, size_t *idlen,
		   json_t **rec)
{
	int st = cg_event_id_of_line(line, len, id, idlen);
	const json_t *v;

	*rec = NULL;
	if (st >= 0)
		return st == 0;
	*rec = json_loadb(line, len, 0, NULL);
	v = json_object_get(*rec, "event_id");
	if (!json_is_string(v))
		return 0;
	*id = json_string_value(v);
	*idlen = json_string_length(v);
	return 1;
}

void cg_eventtab_init(struct cg_eventtab *t, const struct cg_home *h, const char *day)
{
	memset(t, 0, sizeof(*t));
	t->home = h;
	t->dirfd = t->lockfd = t->fd = -1;
	snprintf(t->day, sizeof(t->day), "%s", day);
	snprintf(t->name, sizeof(t->name), "checkin-events-%s.tab", day);
}

static void unmap(struct cg_eventtab *t)
{
	if (t->map)
		munmap(t->map, t->maplen);
	if (t->fd >= 0)
		close(t->fd);
	t->map = NULL;
	t->maplen = 0;
	t->fd = -1;
}

void cg_eventtab_release(struct cg_eventtab *t)
{
	unmap(t);
	if (t->lockfd >= 0)
		close(t->lockfd);
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->lockfd = t->dirfd = -1;
}

/* From now on in memory only (see the header). */
static void go_private(struct cg_eventtab *t, const char *why)
{
	if (!t->private)
		snprintf(t->notice, sizeof(t->notice),
			 _("index 'index/%s' not written (%s): the event ids of %s are kept in memory"),
			 t->name, why, t->day);
	t->private = 1;
}

/* A table being built: a temporary file (or memory), mapped. */
struct build {
	int fd;
	unsigned char *map;
	size_t len;
	uint64_t mask;
};

static int build_new(struct cg_eventtab *t, unsigned bits, uint64_t seed, struct build *b)
{
	struct head hd;
	int e;

	b->fd = -1;
	b->len = TAB_HEAD + (sizeof(uint64_t) << bits);
	b->mask = ((uint64_t)1 << bits) - 1;
	b->map = MAP_FAILED;
	if (!t->private) {
		char tmp[80];

		snprintf(tmp, sizeof(tmp), "%s.tmp", t->name);
		b->fd = cg_openat(t->dirfd, tmp, O_RDWR | O_CREAT | O_TRUNC);
		/* Blocks reserved now: a full disk is an error here, never a
		 * SIGBUS at a store into the mapping. */
		e = b->fd < 0 ? errno : posix_fallocate(b->fd, 0, (off_t)b->len);
		if (e == 0 && (b->map = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED,
					     b->fd, 0)) == MAP_FAILED)
			e = errno;
		if (e) {
			go_private(t, strerror(e));
			if (b->fd >= 0) {
				close(b->fd);
				unlinkat(t->dirfd, tmp, 0);
			}
			b->fd = -1;
		}
	}
	if (t->private)
		b->map = mmap(NULL, b->len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->map == MAP_FAILED)
		return -1;
	memset(&hd, 0, sizeof(hd));
	memcpy(hd.magic, TAB_MAGIC, sizeof(hd.magic));
	hd.version = TAB_VERSION;
	hd.bits = bits;
	hd.seed = seed;
	snprintf(hd.day, sizeof(hd.day), "%s", t->day);
	memset(hd.chain, '0', sizeof(hd.chain));
	memcpy(b->map, &hd, sizeof(hd));
	return 0;
}

/* Put the built table in place of the current one. */
static int install(struct cg_eventtab *t, struct build *b, struct cg_err *err)
{
	struct stat sb;

	if (b->fd >= 0) {
		char tmp[80];

		snprintf(tmp, sizeof(tmp), "%s.tmp", t->name);
		if (renameat(t->dirfd, tmp, t->dirfd, t->name) < 0 || fstat(b->fd, &sb) < 0) {
			int e = errno;

			munmap(b->map, b->len);
			close(b->fd);
			unlinkat(t->dirfd, tmp, 0);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot write '%s'"),
					    "index");
		}
		t->ino = sb.st_ino;
	}
	unmap(t);
	t->fd = b->fd;
	t->map = b->map;
	t->maplen = b->len;
	t->mask = b->mask;
	t->seed = head_of(t)->seed;
	return 0;
}

/* Add word unless it is there: one store, seen whole or not at all by a
 * lookup running at once. */
static void put(unsigned char *map, uint64_t mask, uint64_t word)
{
	uint64_t *s = slots_of(map);
	struct head *hd = (struct head *)(void *)map;

	for (uint64_t i = (word >> OFF_BITS) & mask;; i = (i + 1) & mask) {
		uint64_t w = __atomic_load_n(&s[i], __ATOMIC_RELAXED);

		if (!w) {
			__atomic_store_n(&s[i], word, __ATOMIC_RELAXED);
			hd->count++;
			hd->slotsum += slot_sum(word);
			return;
		}
		if (w == word)
			return;
	}
}

/* Double the slots: a new table with the same entries and place. */
static int grow(struct cg_eventtab *t, struct cg_err *err)
{
	struct head *old = head_of(t);
	const uint64_t *s = slots_of(t->map);
	struct build b;

	if (old->bits >= TAB_MAX_BITS)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("index 'index/%s' is full"), t->name);
	if (build_new(t, old->bits + 1, old->seed, &b) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot map '%s'"), t->name);
	memcpy(b.map + offsetof(struct head, end), (char *)old + offsetof(struct head, end),
	       sizeof(struct head) - offsetof(struct head, end));
	for (uint64_t i = 0; i <= t->mask; i++)
		if (s[i])
			put(b.map, b.mask, s[i]);
	return install(t, &b, err);
}

/* The slot word of id on the line at off: 1 with it, -1 with *err. */
static int id_word(struct cg_eventtab *t, const char *id, size_t idlen, uint64_t off,
		   uint64_t *word, struct cg_err *err)
{
	if (off >= OFF_MASK)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("index 'index/%s' is full"), t->name);
	*word = word_of(tag_of(id_hash(t->seed, id, idlen)), off);
	return 1;
}

/* The slot word of the line at off: 1 with it, 0 when the line has no
 * event_id, -1 with *err. */
static int line_word(struct cg_eventtab *t, const char *line, size_t len, uint64_t off,
		     uint64_t *word, struct cg_err *err)
{
	const char *id;
	size_t idlen;
	json_t *rec;
	int has = line_id(line, len, &id, &idlen, &rec);

	if (has > 0)
		has = id_word(t, id, idlen, off, word, err);
	json_decref(rec);
	return has;
}

static int insert(struct cg_eventtab *t, uint64_t word, struct cg_err *err)
{
	/* At most 70% full: probes stay short. */
	if ((head_of(t)->count + 1) * 10 > (t->mask + 1) * 7 && grow(t, err) < 0)
		return -1;
	put(t->map, t->mask, word);
	return 0;
}

static int add_line(struct cg_eventtab *t, const char *line, size_t len, uint64_t off,
		    struct cg_err *err)
{
	uint64_t word;
	int st = line_word(t, line, len, off, &word, err);

	return st > 0 ? insert(t, word, err) : st;
}

static void journal_file(struct cg_eventtab *t, struct jfile *jf)
{
	struct cg_err ignore = CG_ERR_INIT;
	int dirfd = cg_home_dir(t->home, "journal/checkin", 0, &ignore);
	char name[40];

	memset(jf, 0, sizeof(*jf));
	jf->missing = 1;
	if (dirfd < 0)
		return;
	snprintf(name, sizeof(name), "%s.jsonl", t->day);
	if (fstatat(dirfd, name, &jf->sb, AT_SYMLINK_NOFOLLOW) == 0) {
		jf->missing = 0;
	} else {
		snprintf(name, sizeof(name), "%s.jsonl.gz", t->day);
		if (fstatat(dirfd, name, &jf->sb, AT_SYMLINK_NOFOLLOW) == 0)
			jf->missing = 0, jf->gz = 1;
	}
	close(dirfd);
}

static void pos_of(const struct head *hd, struct cg_journal_pos *pos)
{
	pos->end = (off_t)hd->end;
	pos->seq = hd->seq;
	memcpy(pos->chain, hd->chain, CG_CHAIN_HEX);
	pos->chain[CG_CHAIN_HEX] = 0;
}

/* Where the table stands now, and the journal file it was caught up to;
 * the checksum last. */
static void seal(struct cg_eventtab *t, const struct cg_journal_pos *pos)
{
	struct head *hd = head_of(t);
	struct jfile jf;

	journal_file(t, &jf);
	hd->end = (int64_t)pos->end;
	hd->seq = pos->seq;
	memcpy(hd->chain, pos->chain, CG_CHAIN_HEX);
	hd->gz = jf.gz;
	hd->ino = hd->mtime_ns = hd->size = 0;
	/* A plain file's identity only when the table reached its end. */
	if (!jf.missing && (jf.gz || jf.sb.st_size == pos->end)) {
		struct cg_index_file f;

		cg_index_file_of(&jf.sb, &f);
		hd->ino = f.ino;
		hd->mtime_ns = f.mtime_ns;
		hd->size = (int64_t)jf.sb.st_size;
	}
	boot_id(hd->boot);
	hd->sum = head_sum(hd);
}

/* Fold the journal's lines from *pos on (a compressed day only from its
 * start: 1 then when *pos is not). */
static int fold_journal(struct cg_eventtab *t, struct cg_journal_pos *pos,
			struct cg_err *err)
{
	struct cg_journal_reader jr;
	struct stat sb;
	int st;

	if (cg_journal_reader_open_stream(&jr, t->home, "checkin", t->day, err) < 0)
		return -1;
	if ((jr.missing || jr.in.gz) && pos->end > 0) {
		cg_journal_reader_release(&jr);
		return 1;
	}
	if (pos->end > 0) {
		if (fstat(jr.in.fd, &sb) < 0 || sb.st_size < pos->end ||
		    lseek(jr.in.fd, pos->end, SEEK_SET) < 0) {
			cg_journal_reader_release(&jr);
			return 1;
		}
		jr.in.lineno = (unsigned long)pos->seq;
		jr.seq = pos->seq;
		memcpy(jr.chain, pos->chain, sizeof(jr.chain));
	}
	while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0) {
		if (add_line(t, jr.line, jr.len, (uint64_t)pos->end, err) < 0) {
			st = -1;
			break;
		}
		pos->end += (off_t)jr.len + 1;
		pos->seq = jr.seq;
		memcpy(pos->chain, jr.chain, sizeof(pos->chain));
	}
	cg_journal_reader_release(&jr);
	return st < 0 ? -1 : 0;
}

/* The slot word of the k-th line of a commit, at off: as line_word, its
 * id taken from ids when given. */
static int commit_word(struct cg_eventtab *t, const struct cg_eventids *ids, size_t k,
		       const char *line, size_t len, uint64_t off, uint64_t *word,
		       struct cg_err *err)
{
	const struct cg_eventid_line *l;

	if (!ids)
		return line_word(t, line, len, off, word, err);
	l = &ids->line[k];
	return l->off == SIZE_MAX ? 0 : id_word(t, ids->bytes.buf + l->off, l->len, off, word, err);
}

/* The lines of j's last commit, which started at *pos; their ids from
 * ids when it has one for each line. */
static int fold_committed(struct cg_eventtab *t, const struct cg_journal *j,
			  const struct cg_eventids *ids, struct cg_journal_pos *pos,
			  struct cg_err *err)
{
	const char *p = j->committed.buf, *end = p + j->committed.len;
	uint64_t off = (uint64_t)pos->end;
	static const char key[] = "\"event_id\":";
	uint64_t word[64];
	size_t k = 0;
	int n = 0, st;

	if (ids && ids->n != j->commit_to.seq - j->commit_from.seq)
		ids = NULL;
	if (!ids && !memmem(p, j->committed.len, key, sizeof(key) - 1))
		p = end;
	/* A batch of slots asked of memory at once, then filled: one
	 * cache miss after another was most of the cost. */
	for (; p < end || n; n = 0) {
		while (p < end && n < 64) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = (size_t)((nl ? nl : end) - p);

			if ((st = commit_word(t, ids, k++, p, len, off, &word[n], err)) < 0)
				return -1;
			if (st)
				__builtin_prefetch(slots_of(t->map) +
						   ((word[n++] >> OFF_BITS) & t->mask), 1);
			off += len + 1;
			p += len + 1;
		}
		for (int i = 0; i < n; i++)
			if (insert(t, word[i], err) < 0)
				return -1;
	}
	*pos = j->commit_to;
	return 0;
}

static int same_pos(const struct cg_journal_pos *a, const struct cg_journal_pos *b)
{
	return a->end == b->end && a->seq == b->seq && !memcmp(a->chain, b->chain, CG_CHAIN_HEX);
}

/* Build the table again from the journal's start. */
static int rebuild(struct cg_eventtab *t, struct cg_err *err)
{
	struct cg_journal_pos pos;
	struct build b;
	int st;

	if (build_new(t, TAB_MIN_BITS, fresh_seed(), &b) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot map '%s'"), t->name);
	if (install(t, &b, err) < 0)
		return -1;
	t->rebuilt++;
	cg_journal_pos_init(&pos);
	if ((st = fold_journal(t, &pos, err)) < 0)
		return -1;
	seal(t, &pos);
	return 0;
}

/* Whether the slots add up to what the header says (one pass over the
 * table, once a process maps it). */
static int slots_whole(unsigned char *map, unsigned bits, const struct head *hd)
{
	const uint64_t *s = slots_of(map);
	uint64_t n = 0, sum = 0;

	for (uint64_t i = 0; i < (uint64_t)1 << bits; i++)
		if (s[i]) {
			n++;
			sum += slot_sum(s[i]);
		}
	return n == hd->count && sum == hd->slotsum;
}

/* The table in the file, mapped, when it is whole and of this boot:
 * 1, else 0 (to be built again). */
static int map_file(struct cg_eventtab *t)
{
	struct head hd;
	struct stat sb;
	char boot[40];
	void *map;
	int fd;

	unmap(t);
	if ((fd = cg_openat(t->dirfd, t->name, O_RDWR)) < 0)
		return 0;
	if (fstat(fd, &sb) < 0 || sb.st_size < TAB_HEAD ||
	    pread(fd, &hd, sizeof(hd), 0) != (ssize_t)sizeof(hd) ||
	    memcmp(hd.magic, TAB_MAGIC, sizeof(hd.magic)) || hd.version != TAB_VERSION ||
	    hd.sum != head_sum(&hd) || hd.bits < TAB_MIN_BITS || hd.bits > TAB_MAX_BITS ||
	    strncmp(hd.day, t->day, sizeof(hd.day)) ||
	    hd.count * 10 > ((uint64_t)7 << hd.bits) ||	/* lookups end at an empty slot */
	    (uint64_t)sb.st_size != TAB_HEAD + (sizeof(uint64_t) << hd.bits)) {
		close(fd);
		return 0;
	}
	boot_id(boot);
	if (!boot[0] || memcmp(boot, hd.boot, sizeof(boot))) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return 0;
	}
	if (!slots_whole(map, hd.bits, &hd)) {
		munmap(map, (size_t)sb.st_size);
		close(fd);
		return 0;
	}
	t->fd = fd;
	t->map = map;
	t->maplen = (size_t)sb.st_size;
	t->mask = ((uint64_t)1 << hd.bits) - 1;
	t->seed = hd.seed;
	t->ino = sb.st_ino;
	return 1;
}

/* Whether the mapped table is still the file (and the file whole). */
static int mapped_current(struct cg_eventtab *t)
{
	struct stat sb;
	struct head *hd;

	if (!t->map || t->private)
		return t->map != NULL;
	hd = head_of(t);
	return fstatat(t->dirfd, t->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	       sb.st_ino == t->ino && hd->sum == head_sum(hd);
}

/*
 * What the table's place is worth against the journal: 1 up to date,
 * 0 read on from *pos, -1 build again.
 */
static int judge(struct cg_eventtab *t, struct cg_journal_pos *pos, struct cg_err *err)
{
	struct head *hd = head_of(t);
	struct cg_index_file f = { hd->ino, hd->mtime_ns };
	struct jfile jf;
	struct stat sb;
	int holds;

	pos_of(hd, pos);
	journal_file(t, &jf);
	if (jf.missing)
		return pos->end == 0 ? 1 : -1;
	if (jf.gz || hd->gz) {
		struct cg_index_file now;

		cg_index_file_of(&jf.sb, &now);
		return jf.gz && hd->gz && now.ino == f.ino && now.mtime_ns == f.mtime_ns &&
		       hd->size == (int64_t)jf.sb.st_size ? 1 : -1;
	}
	holds = cg_journal_pos_holds(t->home, "checkin", t->day, pos, &sb, err);
	if (holds < 0)
		return -2;
	if (!holds || !cg_index_file_same(&sb, pos->end, &f))
		return -1;
	return sb.st_size == pos->end;
}

/* Under the writers' lock (when not private). */
static int catch_up_locked(struct cg_eventtab *t, const struct cg_journal *j,
			   const struct cg_eventids *ids, struct cg_err *err)
{
	struct cg_journal_pos pos;
	int st;

	if (!mapped_current(t) && (t->private || !map_file(t)))
		return rebuild(t, err);
	if ((st = judge(t, &pos, err)) == -2)
		return -1;
	if (st < 0)
		return rebuild(t, err);
	if (st == 1)
		return 0;
	if (j && j->daily && !strcmp(j->day, t->day) && j->commit_to.seq &&
	    same_pos(&pos, &j->commit_from) && fold_committed(t, j, ids, &pos, err) < 0)
		return -1;
	if ((st = fold_journal(t, &pos, err)) < 0)
		return -1;
	if (st > 0)
		return rebuild(t, err);
	seal(t, &pos);
	return 0;
}

/* Tables of days before the day before are no longer looked at. */
static void drop_old(struct cg_eventtab *t)
{
	int32_t n;
	char keep[CG_DATE_LEN], old[80];
	DIR *d;
	struct dirent *de;
	int fd;

	if (cg_day_parse(t->day, &n) < 0 || (fd = dup(t->dirfd)) < 0)
		return;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	cg_day_format(n - 1, keep);
	snprintf(old, sizeof(old), "checkin-events-%s.tab", keep);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "checkin-events-", 15) &&
		    strlen(de->d_name) == strlen(old) && strcmp(de->d_name, old) < 0)
			unlinkat(t->dirfd, de->d_name, 0);
	closedir(d);
}

/* The index directory and the writers' lock, once. */
static void open_dir(struct cg_eventtab *t)
{
	struct cg_err err = CG_ERR_INIT;

	if (t->private || t->dirfd >= 0)
		return;
	t->dirfd = cg_home_dir(t->home, "index", 1, &err);
	if (t->dirfd < 0) {
		t->dirfd = -1;
		go_private(t, err.msg);
		return;
	}
	t->lockfd = cg_openat(t->dirfd, LOCK_NAME, O_RDWR | O_CREAT);
	if (t->lockfd < 0)
		go_private(t, strerror(errno));
}

int cg_eventtab_catch_up(struct cg_eventtab *t, const struct cg_journal *j,
			 struct cg_err *err)
{
	return cg_eventtab_catch_up_ids(t, j, NULL, err);
}

int cg_eventtab_catch_up_ids(struct cg_eventtab *t, const struct cg_journal *j,
			     const struct cg_eventids *ids, struct cg_err *err)
{
	unsigned long rebuilt = t->rebuilt;
	int locked = 0, ret;

	open_dir(t);
	if (!t->private) {
		while (!(locked = flock(t->lockfd, LOCK_EX) == 0) && errno == EINTR)
			;
		if (!locked)
			go_private(t, strerror(errno));
	}
	ret = catch_up_locked(t, j, ids, err);
	if (ret == 0 && t->rebuilt != rebuilt && !t->private)
		drop_old(t);
	if (locked)
		flock(t->lockfd, LOCK_UN);
	return ret;
}

/* Read the line at off of a plain file: its length, or -1 when there is
 * no whole line there. */
static ssize_t pread_line(int fd, uint64_t off, char **buf)
{
	size_t have = 0, cap = 0;
	char *nl = NULL;

	*buf = NULL;
	while (!nl && cap < CG_JOURNAL_MAX_LINE + 1) {
		ssize_t n;

		cap = cap ? 2 * cap : 4096;
		if (!(*buf = realloc(*buf, cap)))
			abort();
		n = pread(fd, *buf + have, cap - have, (off_t)(off + have));
		if (n <= 0)
			break;
		nl = memchr(*buf + have, '\n', (size_t)n);
		have += (size_t)n;
	}
	if (nl)
		return nl - *buf;
	free(*buf);
	*buf = NULL;
	return -1;
}

/* The line that starts at off in the day's journal: 1 with it in *buf
 * (malloc'd, without its newline), 0 when there is none, -1 with *err. */
static int line_at(struct cg_eventtab *t, uint64_t off, char **buf, size_t *len,
		   struct cg_err *err)
{
	struct cg_journal_reader jr;
	uint64_t at = 0;
	ssize_t n;
	int st = 0;

	*buf = NULL;
	if (cg_journal_reader_open_stream(&jr, t->home, "checkin", t->day, err) < 0)
		return -1;
	if (!jr.missing && !jr.in.gz) {
		if ((n = pread_line(jr.in.fd, off, buf)) >= 0)
			*len = (size_t)n;
	} else if (!jr.missing) {
		/* A finished day is compressed: read through to the line. */
		while ((st = cg_journal_reader_next(&jr, NULL, err)) > 0 && at < off)
			at += jr.len + 1;
		if (st > 0 && at == off) {
			if (!(*buf = malloc(jr.len + 1)))
				abort();
			memcpy(*buf, jr.line, jr.len);
			*len = jr.len;
		}
	}
	cg_journal_reader_release(&jr);
	return st < 0 ? -1 : *buf != NULL;
}

/* 1 when the line at off is the event id's, with it parsed in *rec. */
static int confirm(struct cg_eventtab *t, uint64_t off, const char *id, size_t idlen,
		   json_t **rec, struct cg_err *err)
{
	size_t len = 0, l;
	char *line;
	const char *got;
	json_t *parsed;
	int same = line_at(t, off, &line, &len, err);

	if (same <= 0)
		return same;
	same = line_id(line, len, &got, &l, &parsed) && l == idlen && !memcmp(got, id, l);
	json_decref(parsed);
	if (same && !(*rec = json_loadb(line, len, 0, NULL)))
		same = cg_err_set(err, CG_EXIT_DAMAGED,
				  _("journal/checkin/%s.jsonl: journal damaged: %s"),
				  t->day, _("a line does not parse"));
	free(line);
	return same;
}

int cg_eventtab_find(struct cg_eventtab *t, const char *id, size_t idlen,
		     json_t **rec, struct cg_err *err)
{
	const uint64_t *s;
	uint64_t tag, w;

	*rec = NULL;
	if (!t->map || !head_of(t)->count)
		return 0;
	s = slots_of(t->map);
	tag = tag_of(id_hash(t->seed, id, idlen));
	for (uint64_t i = tag & t->mask; (w = __atomic_load_n(&s[i], __ATOMIC_RELAXED));
	     i = (i + 1) & t->mask) {
		int st;

		if (w >> OFF_BITS != tag)
			continue;
		if ((st = confirm(t, (w & OFF_MASK) - 1, id, idlen, rec, err)) != 0)
			return st < 0 ? -1 : 0;
	}
	return 0;
}

/* ---- the ids of this run not yet committed ---- */

void cg_idset_init(struct cg_idset *s)
{
	memset(s, 0, sizeof(*s));
}

void cg_idset_release(struct cg_idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

void cg_idset_clear(struct cg_idset *s)
{
	if (s->n)
		memset(s->slot, 0, s->cap * sizeof(*s->slot));
	s->n = 0;
}

static void idset_put(struct cg_idset *s, uint64_t h)
{
	for (size_t i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == h)
			return;
		if (!s->slot[i]) {
			s->slot[i] = h;
			s->n++;
			return;
		}
	}
}

void cg_idset_add(struct cg_idset *s, const char *id, size_t len)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct cg_idset bigger = { calloc(s->cap ? 2 * s->cap : 1024, sizeof(uint64_t)),
					   s->cap ? 2 * s->cap : 1024, 0 };

		if (!bigger.slot)
			abort();
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				idset_put(&bigger, s->slot[i]);
		free(s->slot);
		*s = bigger;
	}
	idset_put(s, id_hash(0, id, len));
}

int cg_idset_maybe(const struct cg_idset *s, const char *id, size_t len)
{
	uint64_t h;

	if (!s->n)
		return 0;
	h = id_hash(0, id, len);
	for (size_t i = (size_t)h & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == h)
			return 1;
	return 0;
}

/* ---- the ids of the lines queued ---- */

void cg_eventids_init(struct cg_eventids *l)
{
	memset(l, 0, sizeof(*l));
	cg_buf_init(&l->bytes, CG_JOURNAL_MAX_PENDING);
}

void cg_eventids_release(struct cg_eventids *l)
{
	cg_buf_release(&l->bytes);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

void cg_eventids_clear(struct cg_eventids *l)
{
	cg_buf_reset(&l->bytes);
	l->n = 0;
}

void cg_eventids_add(struct cg_eventids *l, const char *id, size_t len)
{
	struct cg_eventid_line line = { SIZE_MAX, 0 };

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		if (!(l->line = realloc(l->line, l->cap * sizeof(*l->line))))
			abort();
	}
	if (id) {
		line.off = l->bytes.len;
		line.len = len;
		/* No bigger than the lines queued, which fit their limit. */
		if (cg_buf_add(&l->bytes, id, len) < 0)
			abort();
	}
	l->line[l->n++] = line;
}
