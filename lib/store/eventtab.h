#ifndef CG_EVENTTAB_H
#define CG_EVENTTAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "store/journal.h"

/*
 * The event ids of one day's check-in journal, for cg-checkin to find the
 * first decision of an event_id without a database lookup per event:
 * index/checkin-events-DAY.tab, a file of our own (SQLite cost some 9 us
 * for the lookup and insert of each id, more than all of a decision).
 *
 * It is an open-addressing hash table (linear probing) of 8-byte slots,
 * each the top 28 bits of a 64-bit hash of an id (keyed with a random
 * seed kept in the file) and the byte offset of its line in the day's
 * journal, mapped into memory.  It stores no record: a slot whose bits
 * match is confirmed against the journal's line, which is read only then
 * (a repeat, or one time in 2^28 another id) and whose own event_id must
 * be the one asked for, so a collision or a damaged slot can never return
 * a wrong record.
 *
 * Its header records how far the journal was folded (offset, seq and
 * chain of the last line, the file's inode and time, plain or gzip) and
 * the boot it was written in.  Each catch-up checks that against the
 * journal: what was appended is folded; a journal shorter, replaced,
 * rewritten or compressed since, a table damaged (bad magic, version,
 * checksum or size, slots that do not add up to the count and sum in the
 * header, checked once a process maps it), missing, or written before
 * the last boot (pages
 * not yet on disk when the machine went down may be lost: the table is
 * never synced, the journal is) is built again from the journal, in a
 * temporary file renamed into place.  Deleting it loses nothing.
 *
 * Writers (catch-ups) hold index/.checkin-events.lock; a slot is filled
 * with one store of its word, and a table grows or is rebuilt into a new
 * file renamed over the old, so lookups need no lock: they see a slot
 * whole or empty, and a table replaced meanwhile stays mapped as it was.
 * A lookup finds what the last catch-up folded: callers that must not
 * decide an id twice catch up under the journal's lock and keep it until
 * their decision is committed.
 *
 * When the table cannot be written (the index directory is read-only or
 * full), it is built in this process's memory instead and ->notice says
 * so once (the lookups stay exact; the next start reads the day again).
 */
struct cg_eventtab {
	const struct cg_home *home;	/* borrowed */
	char day[CG_DATE_LEN];		/* "" until opened */
	int dirfd;			/* index/, -1 when private */
	int lockfd;			/* index/.checkin-events.lock, or -1 */
	int fd;				/* the mapped table, -1 when private */
	ino_t ino;			/* its inode */
	unsigned char *map;		/* header and slots; NULL until caught up */
	size_t maplen;
	uint64_t mask;			/* slots - 1 */
	uint64_t seed;
	int private;			/* in memory only (see above) */
	unsigned long rebuilt;		/* times built from the start */
	char name[64];			/* checkin-events-DAY.tab */
	char notice[256];		/* a warning for the caller, or "" */
};

/* Ready t for day (nothing is read yet).  Cannot fail. */
void cg_eventtab_init(struct cg_eventtab *t, const struct cg_home *h, const char *day);
void cg_eventtab_release(struct cg_eventtab *t);

/*
 * Bring the table up to the day's journal.  j (may be NULL) is the
 * caller's appending journal: when the table stands where j's last commit
 * of this day started, that commit's lines are taken from j->committed
 * instead of read back.  0, or -1 with *err: CG_EXIT_DAMAGED when the
 * journal is, CG_EXIT_SYSTEM otherwise.
 */
int cg_eventtab_catch_up(struct cg_eventtab *t, const struct cg_journal *j,
			 struct cg_err *err);

/*
 * The event ids of the lines a caller queues on its journal, in their
 * order, each line's own event_id or none, kept by the caller that made
 * the lines (cg-checkin has each id in hand): catching up with the commit
 * of those lines then takes them from here instead of finding them in
 * the lines' text.
 */
struct cg_eventids {
	struct cg_buf bytes;		/* the ids, one after another */
	struct cg_eventid_line {
		size_t off, len;	/* in bytes; off SIZE_MAX: no id */
	} *line;
	size_t n, cap;
};

void cg_eventids_init(struct cg_eventids *l);
void cg_eventids_release(struct cg_eventids *l);
void cg_eventids_clear(struct cg_eventids *l);
/* The next line's id (len bytes), or none when id is NULL. */
void cg_eventids_add(struct cg_eventids *l, const char *id, size_t len);

/*
 * cg_eventtab_catch_up, with ids (may be NULL) the ids of the lines of
 * j's last commit.  They are used only when they are as many as the lines
 * committed; they must be the lines' own (test-eventtab holds a table
 * caught up so to one caught up from the text).
 */
int cg_eventtab_catch_up_ids(struct cg_eventtab *t, const struct cg_journal *j,
			     const struct cg_eventids *ids, struct cg_err *err);

/*
 * The journaled line of event id (the first of that id in the day), as a
 * new reference, or NULL (*rec); 0, or -1 with *err when the journal
 * cannot be read or its line does not parse.
 */
int cg_eventtab_find(struct cg_eventtab *t, const char *id, size_t idlen,
		     json_t **rec, struct cg_err *err);

/*
 * The event_id of a journal line, read from its text: 0 with its bytes
 * (into the line), 1 when the line has none, -1 when it must be parsed
 * (escapes, a nested object, the key twice).
 */
int cg_event_id_of_line(const char *line, size_t len, const char **id, size_t *idlen);

/*
 * A small set of ids by their 64-bit hash (cg-checkin's ids decided and
 * not yet committed): a hash that is in it may also be another id's, so a
 * member means "maybe", never "no".
 */
struct cg_idset {
	uint64_t *slot;		/* 0: empty */
	size_t cap, n;
};

void cg_idset_init(struct cg_idset *s);
void cg_idset_release(struct cg_idset *s);
void cg_idset_clear(struct cg_idset *s);
void cg_idset_add(struct cg_idset *s, const char *id, size_t len);
int cg_idset_maybe(const struct cg_idset *s, const char *id, size_t len);

#endif
