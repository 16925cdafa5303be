#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "store/index.h"

/* The format of meta and of this file's handling; with def->version it
 * makes PRAGMA user_version. */
#define INDEX_FORMAT 2

static const char meta_schema[] =
	"CREATE TABLE IF NOT EXISTS meta(id INTEGER PRIMARY KEY CHECK (id = 1),"
	" end INTEGER NOT NULL, seq INTEGER NOT NULL, chain TEXT NOT NULL,"
	" ino INTEGER NOT NULL, mtime INTEGER NOT NULL);";

void cg_index_file_of(const struct stat *sb, struct cg_index_file *f)
{
	f->ino = (int64_t)sb->st_ino;
	f->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

int cg_index_file_same(const struct stat *sb, off_t end, const struct cg_index_file *f)
{
	struct cg_index_file now;

	if (!f->ino || !sb->st_ino)
		return 1;	/* nothing recorded, or no file: the seq/chain check decides */
	cg_index_file_of(sb, &now);
	if (now.ino != f->ino)
		return 0;
	return sb->st_size != end || now.mtime_ns == f->mtime_ns;
}

int cg_index_fail(struct cg_index *ix, struct cg_err *err)
{
	return cg_err_set(err, CG_EXIT_SYSTEM, _("index '%s': %s"), ix->label,
			  ix->db ? sqlite3_errmsg(ix->db) : _("cannot open"));
}

static int exec(struct cg_index *ix, const char *sql, struct cg_err *err)
{
	return sqlite3_exec(ix->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
		cg_index_fail(ix, err);
}

sqlite3_stmt *cg_index_stmt(struct cg_index *ix, const char *sql,
			    struct cg_err *err)
{
	int i;

	for (i = 0; i < CG_INDEX_STMTS && ix->sql[i]; i++)
		if (ix->sql[i] == sql) {
			sqlite3_reset(ix->stmt[i]);
			sqlite3_clear_bindings(ix->stmt[i]);
			return ix->stmt[i];
		}
	if (i == CG_INDEX_STMTS) {
		cg_err_set(err, CG_EXIT_SYSTEM, _("index '%s': too many statements"), ix->label);
		return NULL;
	}
	if (sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &ix->stmt[i], NULL) != SQLITE_OK) {
		cg_index_fail(ix, err);
		return NULL;
	}
	ix->sql[i] = sql;
	return ix->stmt[i];
}

int cg_index_run(struct cg_index *ix, sqlite3_stmt *st, struct cg_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : cg_index_fail(ix, err);
}

static void finalize_all(struct cg_index *ix)
{
	for (int i = 0; i < CG_INDEX_STMTS && ix->sql[i]; i++) {
		sqlite3_finalize(ix->stmt[i]);
		ix->sql[i] = NULL;
		ix->stmt[i] = NULL;
	}
}

static int version_wanted(const struct cg_index *ix)
{
	return INDEX_FORMAT * 1000 + ix->def->version;
}

/* The file's user_version, or -1 when it is no database at all. */
static int version_of(struct cg_index *ix)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(ix->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	/* A truncated file can answer the pragma: make it read a table. */
	if (v > 0 && sqlite3_exec(ix->db, "SELECT count(*) FROM meta", NULL, NULL,
				  NULL) != SQLITE_OK)
		v = -1;
	return v;
}

static int open_db(struct cg_index *ix, const char *path, struct cg_err *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;

	int one = 1;

	if (sqlite3_open_v2(path, &ix->db, flags, NULL) != SQLITE_OK)
		return cg_index_fail(ix, err);
	sqlite3_busy_timeout(ix->db, 30000);
	/*
	 * The write-ahead log and its shared index stay when the last
	 * connection closes, and that connection does not fold the log back
	 * into the file: a command that looks up one thing is not made to
	 * create and remove two files and sync the log, the file and the
	 * directory (three fsyncs of a one-event cg-checkin besides its
	 * journal's).  SQLite folds the log back once it passes 1000 pages
	 * (its automatic checkpoint); after a crash the seq/chain check at
	 * open catches an index behind its journal, as before.
	 */
	sqlite3_file_control(ix->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_db_config(ix->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return 0;
}

static void close_db(struct cg_index *ix)
{
	finalize_all(ix);
	sqlite3_close(ix->db);
	ix->db = NULL;
}

/* A new, empty file of this version in place of whatever was there. */
static int recreate(struct cg_index *ix, int dirfd, const char *path,
		    struct cg_err *err)
{
	char name[64], pragma[64];
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };

	close_db(ix);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(name, sizeof(name), "%s.db%s", ix->def->stream, ext[i]);
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return cg_err_errno(err, CG_EXIT_SYSTEM, errno,
					    _("cannot remove 'index/%s'"), name);
	}
	if (open_db(ix, path, err) < 0 ||
	    exec(ix, "PRAGMA journal_mode=WAL", err) < 0 ||
	    exec(ix, "BEGIN IMMEDIATE", err) < 0 ||
	    exec(ix, meta_schema, err) < 0 || exec(ix, ix->def->schema, err) < 0)
		return -1;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", version_wanted(ix));
	if (exec(ix, pragma, err) < 0 || exec(ix, "COMMIT", err) < 0)
		return -1;
	ix->rebuilt++;
	return 0;
}

/*
 * Open path; a file that is not this version's index is replaced, under
 * index/STREAM.lock so that two processes do not replace each other's.
 */
static int open_checked(struct cg_index *ix, int dirfd, const char *path,
			struct cg_err *err)
{
	char lockname[64];
	int fd, ret = 0;

	if (open_db(ix, path, err) < 0)
		return -1;
	if (version_of(ix) == version_wanted(ix))
		return 0;
	snprintf(lockname, sizeof(lockname), "%s.lock", ix->def->stream);
	fd = cg_openat(dirfd, lockname, O_RDWR | O_CREAT);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		ret = cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot lock 'index/%s'"),
				   lockname);
	} else {
		close_db(ix);
		if (open_db(ix, path, err) < 0)
			ret = -1;
		else if (version_of(ix) != version_wanted(ix))
			ret = recreate(ix, dirfd, path, err);
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

int cg_index_open(struct cg_index *ix, const struct cg_home *h,
		  const struct cg_index_def *def, void *user, struct cg_err *err)
{
	char path[4096];
	int dirfd, ret;

	memset(ix, 0, sizeof(*ix));
	ix->def = def;
	ix->home = h;
	ix->user = user;
	cg_journal_pos_init(&ix->pos);
	snprintf(ix->label, sizeof(ix->label), "index/%s.db", def->stream);
	if ((dirfd = cg_home_dir(h, "index", 1, err)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/index/%s.db", h->path, def->stream);
	ret = open_checked(ix, dirfd, path, err);
	close(dirfd);
	if (ret == 0)
		ret = exec(ix, "PRAGMA synchronous=NORMAL", err);
	if (ret == 0 && def->fold)
		ret = cg_index_sync(ix, err);
	if (ret < 0)
		cg_index_close(ix);
	return ret;
}

void cg_index_close(struct cg_index *ix)
{
	if (ix->db)
		close_db(ix);
}

static const char sql_meta_get[] =
	"SELECT end, seq, chain, ino, mtime FROM meta WHERE id = 1";
static const char sql_meta_put[] =
	"INSERT OR REPLACE INTO meta(id, end, seq, chain, ino, mtime) VALUES (1, ?, ?, ?, ?, ?)";

static int meta_get(struct cg_index *ix, struct cg_journal_pos *pos,
		    struct cg_index_file *file, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_meta_get, err);
	const unsigned char *chain;
	int rc;

	cg_journal_pos_init(pos);
	memset(file, 0, sizeof(*file));
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (chain = sqlite3_column_text(st, 2)) &&
	    strlen((const char *)chain) == CG_CHAIN_HEX) {
		pos->end = (off_t)sqlite3_column_int64(st, 0);
		pos->seq = (uint64_t)sqlite3_column_int64(st, 1);
		memcpy(pos->chain, chain, CG_CHAIN_HEX + 1);
		file->ino = sqlite3_column_int64(st, 3);
		file->mtime_ns = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : cg_index_fail(ix, err);
}

static int meta_put(struct cg_index *ix, const struct cg_journal_pos *pos,
		    const struct cg_index_file *file, struct cg_err *err)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql_meta_put, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)pos->end);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)pos->seq);
	sqlite3_bind_text(st, 3, pos->chain, CG_CHAIN_HEX, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, file->ino);
	sqlite3_bind_int64(st, 5, file->mtime_ns);
	return cg_index_run(ix, st, err);
}

/* Where the index stands and whether the journal still holds it:
 * 1 current, 0 behind (*holds says whether from there), -1 error. */
static int look(struct cg_index *ix, struct cg_journal_pos *pos, int *holds,
		struct cg_err *err)
{
	struct cg_index_file file;
	struct stat sb;

	if (meta_get(ix, pos, &file, err) < 0)
		return -1;
	*holds = cg_journal_pos_holds(ix->home, ix->def->stream, NULL, pos, &sb, err);
	if (*holds < 0)
		return -1;
	if (*holds && !cg_index_file_same(&sb, pos->end, &file))
		*holds = 0;
	ix->file = file;
	return *holds && sb.st_size == pos->end;
}

/* The journal file as it is after a fold to pos. */
static int file_now(struct cg_index *ix, const struct cg_journal_pos *pos,
		    struct cg_index_file *file, struct cg_err *err)
{
	struct stat sb;

	if (cg_journal_pos_holds(ix->home, ix->def->stream, NULL, pos, &sb, err) < 0)
		return -1;
	cg_index_file_of(&sb, file);
	/* Grown since the fold: the time is not that of pos, record none. */
	if (sb.st_size != pos->end)
		memset(file, 0, sizeof(*file));
	return 0;
}

/* In the write transaction: start again if need be, fold the tail. */
static int fold_tail(struct cg_index *ix, struct cg_journal_pos *pos,
		     struct cg_err *err)
{
	int holds, st = look(ix, pos, &holds, err);

	if (st != 0)
		return st < 0 ? -1 : 0;
	if (!holds) {
		cg_journal_pos_init(pos);
		if (exec(ix, ix->def->clear, err) < 0)
			return -1;
		ix->rebuilt++;
	}
	ix->folding = pos;
	st = cg_journal_fold_from(ix->home, ix->def->stream, pos, ix->def->fold,
				  ix->user, err);
	ix->folding = NULL;
	if (st < 0 || file_now(ix, pos, &ix->file, err) < 0)
		return -1;
	return meta_put(ix, pos, &ix->file, err);
}

int cg_index_any(struct cg_index *ix, const char *sql)
{
	sqlite3_stmt *st = cg_index_stmt(ix, sql, NULL);
	int rc;

	if (!st)
		return 1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc != SQLITE_DONE;
}

int cg_index_exec(struct cg_index *ix, const char *sql, struct cg_err *err)
{
	return exec(ix, sql, err);
}

/* Lines folded at once past which the log is folded back into the file
 * and cut short: the log is kept between runs (open_db), and a rebuild
 * would leave it the size of the whole index. */
#define FOLD_BIG 10000

int cg_index_sync(struct cg_index *ix, struct cg_err *err)
{
	struct cg_journal_pos pos;
	int holds, st = look(ix, &pos, &holds, err);
	uint64_t from = pos.seq;
	unsigned long rebuilt = ix->rebuilt;

	if (st < 0)
		return -1;
	if (st == 0) {
		/* Another process may be folding the same tail: the write
		 * lock waits for it, and fold_tail looks again. */
		if (exec(ix, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		if (fold_tail(ix, &pos, err) < 0 || exec(ix, "COMMIT", err) < 0) {
			sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		/* Best effort: a reader in the way only leaves the log long. */
		if (ix->rebuilt != rebuilt || pos.seq - from >= FOLD_BIG || pos.seq < from)
			sqlite3_wal_checkpoint_v2(ix->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
						  NULL, NULL);
	}
	ix->pos = pos;
	return 0;
}
