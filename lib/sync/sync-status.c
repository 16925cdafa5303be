/* A target's status: cursor, backlog, last success, outbox, dead letters. */

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

static int count_dead(int dirfd, json_int_t *n)
{
	int fd = openat(dirfd, "dead", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	*n = 0;
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
			(*n)++;
	}
	closedir(d);
	return 0;
}

int cg_sync_status(struct cg_sync *s, struct cg_err *err)
{
	json_t *cur = NULL, *o, *meta = NULL;
	json_int_t backlog, dead;
	size_t off;
	int st;
	struct cg_buf line = CG_BUF_INIT(RESULT_LINE_MAX);

	if (cg_sync_open_dir(s, err) < 0)
		return -1;
	st = cg_sync_load_cursor(s, &cur, err);
	if (st == -1)
		return -1;
	if (cg_sync_count_after(s, cur, s->streams, &backlog, err) < 0) {
		json_decref(cur);
		return -1;
	}
	st = cg_sync_read_outbox(s, &meta, &off, err);
	if (st == -1) {
		json_decref(cur);
		return -1;
	}
	count_dead(s->dirfd, &dead);
	if (meta) {
		json_object_del(meta, "before");
		json_object_del(meta, "format");
		json_object_del(meta, "encoding");
	}
	o = json_pack("{s:s, s:s?, s:s, s:O?, s:I, s:O?, s:o, s:I}", "target", s->t->name,
		      "url", s->t->url, "format", cg_sync_format_name(s->t->format),
		      "cursor", cur, "backlog", backlog,
		      "last_success", json_object_get(cur, "last_success"),
		      "outbox", meta ? meta : json_null(), "dead", dead);
	if (!o)
		st = -1;
	else if (s->collect)
		st = json_array_append(s->collect, o) < 0 ?
		     cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) : 0;
	else if ((st = cg_jsonl_dump(o, &line)) == 0)
		st = cg_out_line(s->out, line.buf, line.len, err);
	cg_buf_release(&line);
	json_decref(o);
	json_decref(cur);
	return st < 0 ? -1 : CG_EXIT_OK;
}
