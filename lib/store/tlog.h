#ifndef CG_TLOG_H
#define CG_TLOG_H

#include <stdint.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "crypto/merkle.h"
#include "store/journal.h"
#include "crypto/note.h"

/*
 * Transparency-log views of the journals (issue 15): an RFC 6962 tree over
 * each journal's lines (crypto/merkle.h), and the checkpoints the
 * compound's log key signs (crypto/note.h, crypto/logkey.h).
 *
 *   checkpoints/KEY.jsonl   every checkpoint signed for a journal, one JSON
 *                           line each, append-only (the truth: what the
 *                           compound has shown others)
 *   index/tlog/KEY.json     the right frontier of the tree at the last
 *                           signed checkpoint, and where in the journal it
 *                           stands; derived, rebuilt from the journal when
 *                           missing or not at the last checkpoint
 *   index/tlog/KEY.head.json  the same at the journal's last append, kept
 *                           by the appends (cg_tlog_appended) once a
 *                           checkpoint made it
 *   index/tlog/KEY.leaves   the leaf hash of every line, 32 bytes each
 *
 * KEY is "pass", "quarantine" or "checkin-YYYY-MM-DD".  A checkpoint after
 * appends reads the frontier and the new lines only.  A checkpoint that the
 * journal no longer extends is never followed by a new one: that is
 * CG_EXIT_DAMAGED.
 */

struct cg_tlog_id {
	char stream[16];		/* "checkin", "pass", "quarantine" */
	char day[CG_DATE_LEN];		/* checkin: the day; else "" */
	char key[32];			/* "pass", "checkin-2026-01-25" */
	char tail[32];			/* of the origin: "pass", "checkin/2026-01-25" */
	char label[64];			/* "journal/checkin/2026-01-25.jsonl" */
};

/*
 * A journal named on the command line: "pass", "quarantine",
 * "checkin/YYYY-MM-DD" or "YYYY-MM-DD" (a check-in day).  0 or -1.
 */
int cg_tlog_id_parse(const char *text, struct cg_tlog_id *id);

/* The journal an origin "NAME/TAIL" names, for key name NAME.  0 or -1. */
int cg_tlog_id_from_origin(const char *origin, const char *name, struct cg_tlog_id *id);

/* The origin of id's checkpoints: "NAME/TAIL". */
void cg_tlog_origin(const struct cg_tlog_id *id, const char *name,
		    char out[CG_ORIGIN_MAX]);

/* Every journal of the data directory: pass, quarantine (when there),
 * then the check-in days in order.  *ids is malloc'd. */
int cg_tlog_list(const struct cg_home *h, struct cg_tlog_id **ids, size_t *n,
		 struct cg_err *err);

/*
 * A journal read through (seq and chain verified, as cg-checkin --verify
 * does): the leaf hash of each whole line, 32 bytes each in ->hash
 * (malloc'd), their number, the torn lines left at the tail, and the
 * head's chain.  With want (a seq, 0: none) the text of that line is kept
 * in ->line.
 */
struct cg_tlog_leaves {
	unsigned char *hash;
	uint64_t n;
	int torn;
	int missing;
	char chain[65];
	char label[128];
	struct cg_buf line;
	int kept;		/* from index/tlog/KEY.leaves (cg_tlog_read_kept) */
};

int cg_tlog_read(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t want,
		 struct cg_tlog_leaves *l, struct cg_err *err);
void cg_tlog_leaves_release(struct cg_tlog_leaves *l);

/*
 * The same for prove, quickly: the first size leaf hashes from
 * index/tlog/KEY.leaves (kept by each checkpoint) and the text of line
 * want (1 <= want <= size), found without verifying the chain; its leaf
 * must be the one kept.  0; -2 when the kept leaves cannot serve (the
 * caller reads the journal with cg_tlog_read, and cg_tlog_leaves_keep
 * keeps them again); -1 with *err.  Whether the leaves give the signed
 * root is for the caller to check.
 */
int cg_tlog_read_kept(const struct cg_home *h, const struct cg_tlog_id *id, uint64_t size,
		      uint64_t want, struct cg_tlog_leaves *l, struct cg_err *err);
void cg_tlog_leaves_keep(const struct cg_home *h, const struct cg_tlog_id *id,
			 const struct cg_tlog_leaves *l);

/*
 * A signed checkpoint: the parsed text and the whole note (malloc'd), and
 * the proof that it extends the checkpoint signed before it,
 * {"old":SIZE,"proof":[BASE64...]} (owned; NULL for the first).
 */
struct cg_tlog_signed {
	struct cg_checkpoint cp;
	char *note;
	size_t len;
	char ts[CG_TIME_LEN];
	json_t *consistency;
};

void cg_tlog_signed_release(struct cg_tlog_signed *s);

/* The last checkpoint signed for id: 0, -2 when none, or -1 with *err. */
int cg_tlog_last(const struct cg_home *h, const struct cg_tlog_id *id,
		 struct cg_tlog_signed *s, struct cg_err *err);

/*
 * The signed checkpoint of id's journal as it is now: the last one signed
 * when the journal has not grown since (*fresh 0), else a new one signed
 * with key and kept (*fresh 1).  The new checkpoint is appended to
 * checkpoints/KEY.jsonl in one write and made durable before this returns;
 * a failed write is taken back, so that no half checkpoint stays.  When the
 * journal no longer extends the last signed checkpoint (shorter, or a line
 * before its size changed): CG_EXIT_DAMAGED, and nothing is signed.
 */
int cg_tlog_checkpoint(const struct cg_home *h, const struct cg_tlog_id *id,
		       const struct cg_note_key *key, cg_time_t now,
		       struct cg_tlog_signed *out, int *fresh, struct cg_err *err);

/*
 * The tree kept current as lines are appended, for the journal to call
 * under its lock once the commit of lines (len bytes of whole lines),
 * which took it from *from to *to, is durable.  When KEY.head.json stands
 * where the commit began, the lines' leaves are appended to KEY.leaves
 * and the head moved on (a leaf hash and O(1) node hashes a line), so
 * that the next checkpoint reads neither the journal nor the lines: from
 * the frontier at the last checkpoint, the leaves since and the head, it
 * signs in O(k + log n) hashes of 64 bytes for k lines appended.  Else
 * nothing: the checkpoint reads what it lacks.  Derived: never an error.
 */
void cg_tlog_appended(const struct cg_home *h, const char *stream, const char *day,
		      const struct cg_journal_pos *from, const struct cg_journal_pos *to,
		      const char *lines, size_t len);

/*
 * Whether the tree of l's first cp->size leaves has cp->root: 0, or -1
 * with why the journal does not extend it (shorter, or another root).
 */
int cg_tlog_extends(const struct cg_tlog_leaves *l, const struct cg_checkpoint *cp,
		    const char **why);

#endif
