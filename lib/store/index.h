#ifndef CG_INDEX_H
#define CG_INDEX_H

#include <sqlite3.h>
#include <jansson.h>

#include "core/error.h"
#include "core/home.h"
#include "store/journal.h"

/*
 * A derived, on-disk index of one journal, index/STREAM.db (SQLite): the
 * rows a fold of the journal makes, so that a command looks up what it
 * needs instead of reading the whole journal at every start.  It is never
 * a source of truth: deleting it loses nothing.
 *
 * Its table "meta" records how far the journal was folded (the byte offset
 * after the last line folded, that line's seq and chain).  At open the
 * index is checked against the journal: if the line ending at that offset
 * still carries that seq and chain (which stand for every line before it),
 * only what was appended since is folded; if the journal is shorter, was
 * replaced or rewritten, the index is emptied and built again from the
 * start.  A file that is not a database of this schema version (missing,
 * truncated, garbage, older) is deleted and built again.  Folding happens
 * in one write transaction (BEGIN IMMEDIATE), so processes that open the
 * index at once fold the tail once, one after the other; the journal's own
 * checks of seq and chain run on every line folded.
 *
 * The rules layer decides what rows a record makes: def->schema creates
 * its tables, def->clear empties them and def->fold adds one record's rows
 * (called with def's user pointer, inside the transaction).
 *
 * The database runs in WAL mode with synchronous=NORMAL: after a crash the
 * seq/chain check catches an index behind or ahead of its journal.  The
 * log (STREAM.db-wal, -shm) is kept when the last process closes it, not
 * folded back then: a one-event run syncs its journal and nothing else.
 * SQLite folds it back past 1000 pages; a fold of many lines (a rebuild)
 * folds it back and cuts it short at once.
 */

struct cg_index_def {
	const char *stream;	/* "pass", "quarantine" */
	int version;		/* of schema and rows; a change rebuilds */
	const char *schema;	/* CREATE TABLE IF NOT EXISTS ... */
	const char *clear;	/* DELETE FROM ... for every table of schema */
	cg_fold_fn *fold;	/* one record's rows; NULL: the caller keeps
				 * the index current itself (meta unused) */
};

#define CG_INDEX_STMTS 24

/*
 * What an index remembers of a journal file besides the place it folded
 * to: its inode and modification time when it stood at that place.  A
 * file replaced (another inode), or changed without growing (an edit in
 * place), is read again from its start, so that the journal's own checks
 * see every line; growth is the normal case and only the tail is read.
 * (An edit that also appends and sets the time back is found by the full
 * verification of cg-checkin --verify, cg-journal and cg-report.)
 */
struct cg_index_file {
	int64_t ino, mtime_ns;	/* 0 when unknown */
};

struct stat;
void cg_index_file_of(const struct stat *sb, struct cg_index_file *f);
/* Whether the file now (sb) is the one recorded as f at end. */
int cg_index_file_same(const struct stat *sb, off_t end, const struct cg_index_file *f);

struct cg_index {
	sqlite3 *db;			/* owned */
	const struct cg_index_def *def;	/* borrowed */
	const struct cg_home *home;	/* borrowed */
	void *user;			/* what def->fold gets as ctx */
	struct cg_journal_pos pos;	/* what the index covers */
	struct cg_index_file file;	/* the journal file it covers */
	unsigned long rebuilt;		/* times built from the start (tests) */
	/* While def->fold runs: where the journal line being folded starts
	 * (folding->end; the fold moves it past the line once def->fold
	 * returns), so that rows can point back at their lines.  NULL
	 * otherwise. */
	const struct cg_journal_pos *folding;
	/* Prepared statements, by the address of their SQL text. */
	const char *sql[CG_INDEX_STMTS];
	sqlite3_stmt *stmt[CG_INDEX_STMTS];
	char label[64];			/* "index/pass.db" */
};

/*
 * Open (creating) the index of def->stream in the data directory and bring
 * it up to the journal's end.  0, or -1 with *err: CG_EXIT_DAMAGED when
 * the journal is, CG_EXIT_SYSTEM when the index cannot be opened or
 * written (a caller may then fold the journal itself).
 */
int cg_index_open(struct cg_index *ix, const struct cg_home *h,
		  const struct cg_index_def *def, void *user, struct cg_err *err);

/* Fold what was appended to the journal since; 0 or -1 with *err. */
int cg_index_sync(struct cg_index *ix, struct cg_err *err);

void cg_index_close(struct cg_index *ix);

/*
 * The prepared statement of sql (a string that lives as long as ix, as a
 * literal does), reset and with its bindings cleared.  NULL with *err.
 */
sqlite3_stmt *cg_index_stmt(struct cg_index *ix, const char *sql,
			    struct cg_err *err);

/* Run a statement that returns no rows to its end.  0 or -1 with *err. */
int cg_index_run(struct cg_index *ix, sqlite3_stmt *st, struct cg_err *err);

/* Run SQL text (BEGIN IMMEDIATE, COMMIT, ...).  0 or -1 with *err. */
int cg_index_exec(struct cg_index *ix, const char *sql, struct cg_err *err);

/* Whether the query sql (a literal) returns any row: 1, 0, or 1 when it
 * fails (the caller then asks anyway). */
int cg_index_any(struct cg_index *ix, const char *sql);

/* An SQLite failure as an error of ix (CG_EXIT_SYSTEM); returns -1. */
int cg_index_fail(struct cg_index *ix, struct cg_err *err);

#endif
