/*
 * index/duty.snap: the fold of journal/duty.jsonl as it stood at a place
 * in the journal, so that cg-duty due starts without reading a year of
 * records.  Derived, never a source of truth: a snapshot that is missing,
 * damaged (its checksum), of another version, or whose place the journal
 * no longer holds (cg_journal_pos_holds: the line there must still carry
 * the seq and chain recorded) is ignored and the journal read whole.
 * Written only under cg-duty's run lock (one writer at a time), replaced
 * atomically.
 *
 * Layout (host byte order: the file never leaves the machine):
 *   "CGDUTYS3", the place (end, seq, chain), the counts (stints, done,
 *   moves, alerts, names bytes), the stints (on, off, lengths, gate and
 *   guard bytes), the done and move arrays as they are in memory, the
 *   names (one JSON object: tasks, places, items, units, and the
 *   care ledger's changes), then FNV-1a 64
 *   of everything before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "rules/duty.h"
#include "store/journal.h"

#define MAGIC "CGDUTYS3"
#define SNAP_MAX (512 * 1024 * 1024)

struct head {
	char magic[8];
	int64_t end;
	uint64_t seq;
	char chain[CG_CHAIN_HEX];
	uint64_t nstints, ndone, nmoves, alerts, names_len;
};

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

/* ---- writing ---- */

static void put_stints(struct cg_buf *out, const struct cg_dutybook *b)
{
	for (size_t i = 0; i < b->nstints; i++) {
		const struct cg_duty_stint *s = &b->stints[i];
		uint32_t lens[2] = { (uint32_t)strlen(s->gate), (uint32_t)strlen(s->guard) };

		cg_buf_add(out, &s->on, sizeof(s->on));
		cg_buf_add(out, &s->off, sizeof(s->off));
		cg_buf_add(out, lens, sizeof(lens));
		cg_buf_add(out, s->gate, lens[0]);
		cg_buf_add(out, s->guard, lens[1]);
	}
}

int cg_dutybook_save(const struct cg_dutybook *b, const struct cg_home *h,
		     const struct cg_journal_pos *pos, struct cg_err *err)
{
	struct cg_buf out = CG_BUF_INIT(SNAP_MAX);
	json_t *names = json_pack("{s:O, s:O, s:O, s:O, s:O}", "tasks", b->task_names,
				  "places", b->place_names, "items", b->item_names,
				  "units", b->item_units, "care", b->care);
	char *text = json_dumps(names, JSON_COMPACT);
	struct head hd;
	uint64_t sum;
	int dirfd, ret = -1;

	json_decref(names);
	if (!text)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	memset(&hd, 0, sizeof(hd));
	memcpy(hd.magic, MAGIC, 8);
	hd.end = (int64_t)pos->end;
	hd.seq = pos->seq;
	memcpy(hd.chain, pos->chain, CG_CHAIN_HEX);
	hd.nstints = b->nstints;
	hd.ndone = b->ndone;
	hd.nmoves = b->nmoves;
	hd.alerts = b->alerts;
	hd.names_len = strlen(text);
	if (cg_buf_add(&out, &hd, sizeof(hd)) < 0)
		goto out;
	put_stints(&out, b);
	cg_buf_add(&out, b->done, b->ndone * sizeof(*b->done));
	cg_buf_add(&out, b->moves, b->nmoves * sizeof(*b->moves));
	if (cg_buf_add(&out, text, hd.names_len) < 0) {
		cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
		goto out;
	}
	sum = fnv((const unsigned char *)out.buf, out.len);
	cg_buf_add(&out, &sum, sizeof(sum));
	if ((dirfd = cg_home_dir(h, "index", 1, err)) < 0)
		goto out;
	ret = cg_replace_file(dirfd, "duty.snap", out.buf, out.len, "index/duty.snap", err);
	close(dirfd);
out:
	free(text);
	cg_buf_release(&out);
	return ret;
}

/* ---- reading ---- */

struct cursor {
	const char *p, *end;
};

static const void *take(struct cursor *c, size_t n)
{
	const char *p = c->p;

	if ((size_t)(c->end - c->p) < n)
		return NULL;
	c->p += n;
	return p;
}

static int get_stints(struct cg_dutybook *b, struct cursor *c, uint64_t n)
{
	if (n > (uint64_t)(c->end - c->p) || !(b->stints = calloc(n + 1, sizeof(*b->stints))))
		return -1;
	b->astints = n + 1;
	for (uint64_t i = 0; i < n; i++) {
		struct cg_duty_stint *s = &b->stints[i];
		const void *on = take(c, sizeof(s->on)), *off = take(c, sizeof(s->off));
		const void *lp = take(c, 2 * sizeof(uint32_t));
		const char *gate, *guard;
		uint32_t lens[2];

		/* The names are packed: nothing after the first is aligned. */
		if (!on || !off || !lp)
			return -1;
		memcpy(lens, lp, sizeof(lens));
		if (!(gate = take(c, lens[0])) || !(guard = take(c, lens[1])))
			return -1;
		memcpy(&s->on, on, sizeof(s->on));
		memcpy(&s->off, off, sizeof(s->off));
		if (!(s->gate = strndup(gate, lens[0])) || !(s->guard = strndup(guard, lens[1])))
			return -1;
		b->nstints++;
	}
	return 0;
}

static int get_array(void **arr, size_t *n, size_t *alloc, struct cursor *c, uint64_t count,
		     size_t size)
{
	const void *p;

	if (count > (uint64_t)(c->end - c->p) / size || !(p = take(c, count * size)) ||
	    !(*arr = malloc((count + 1) * size)))
		return -1;
	memcpy(*arr, p, count * size);
	*n = count;
	*alloc = count + 1;
	return 0;
}

static int get_names(struct cg_dutybook *b, struct cursor *c, uint64_t len)
{
	const char *p = len <= (uint64_t)(c->end - c->p) ? take(c, len) : NULL;
	json_t *names = p ? json_loadb(p, len, 0, NULL) : NULL;
	int ret = -1;

	if (json_is_object(json_object_get(names, "tasks")) &&
	    json_is_object(json_object_get(names, "places")) &&
	    json_is_object(json_object_get(names, "items")) &&
	    json_is_object(json_object_get(names, "units")) &&
	    json_is_object(json_object_get(names, "care"))) {
		json_object_update(b->task_names, json_object_get(names, "tasks"));
		json_object_update(b->place_names, json_object_get(names, "places"));
		json_object_update(b->item_names, json_object_get(names, "items"));
		json_object_update(b->item_units, json_object_get(names, "units"));
		json_object_update(b->care, json_object_get(names, "care"));
		ret = 0;
	}
	json_decref(names);
	return ret;
}

/* The snapshot into b (empty) and its place into *pos: 0, or -1 when there
 * is none to use (b is left empty again). */
static int read_snap(struct cg_dutybook *b, const struct cg_home *h, struct cg_journal_pos *pos)
{
	struct cg_err ignored;
	struct cursor c;
	struct head hd;
	uint64_t sum;
	char *data = NULL;
	size_t len = 0;
	int dirfd = cg_home_dir(h, "index", 0, &ignored), ret = -1;

	if (dirfd < 0)
		return -1;
	if (cg_read_file(dirfd, "duty.snap", SNAP_MAX, &data, &len, "index/duty.snap", &ignored) < 0)
		goto out;
	if (len < sizeof(hd) + sizeof(sum))
		goto out;
	memcpy(&sum, data + len - sizeof(sum), sizeof(sum));
	memcpy(&hd, data, sizeof(hd));
	if (sum != fnv((const unsigned char *)data, len - sizeof(sum)) || memcmp(hd.magic, MAGIC, 8))
		goto out;
	c.p = data + sizeof(hd);
	c.end = data + len - sizeof(sum);
	if (get_stints(b, &c, hd.nstints) < 0 ||
	    get_array((void **)&b->done, &b->ndone, &b->adone, &c, hd.ndone, sizeof(*b->done)) < 0 ||
	    get_array((void **)&b->moves, &b->nmoves, &b->amoves, &c, hd.nmoves, sizeof(*b->moves)) < 0 ||
	    get_names(b, &c, hd.names_len) < 0 || c.p != c.end)
		goto out;
	b->alerts = (unsigned long)hd.alerts;
	pos->end = (off_t)hd.end;
	pos->seq = hd.seq;
	memcpy(pos->chain, hd.chain, CG_CHAIN_HEX);
	pos->chain[CG_CHAIN_HEX] = '\0';
	ret = 0;
out:
	free(data);
	close(dirfd);
	return ret;
}

static int fold_one(void *ctx, const json_t *rec, struct cg_err *err)
{
	struct cg_dutybook *b = ctx;

	b->tail++;
	return cg_dutybook_apply(b, rec, err);
}

int cg_dutybook_load(struct cg_dutybook *b, const struct cg_home *h, struct cg_err *err)
{
	struct stat sb;
	int holds;

	cg_journal_pos_init(&b->pos);
	b->tail = 0;
	b->from_snap = 0;
	if (read_snap(b, h, &b->pos) == 0) {
		holds = cg_journal_pos_holds(h, "duty", NULL, &b->pos, &sb, err);
		if (holds < 0)
			return -1;
		b->from_snap = holds;
	}
	if (!b->from_snap) {
		/* Start again from the journal's first line. */
		cg_dutybook_release(b);
		cg_dutybook_init(b);
		cg_journal_pos_init(&b->pos);
	}
	return cg_journal_fold_from(h, "duty", &b->pos, fold_one, b, err);
}
