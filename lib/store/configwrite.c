#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/configwrite.h"
#include "store/config.h"
#include "core/buf.h"
#include "core/exitcode.h"
#include "core/i18n.h"

#define CONFIG_FILE_MAX (1024 * 1024)

/* More gates than any compound keeps open; the loader sets no limit. */
#define GATES_MAX 64

static const char *const keys[CG_SETUP_COUNT] = {
	[CG_SETUP_CODE] = "code",
	[CG_SETUP_NAME] = "name",
	[CG_SETUP_STREET] = "street",
	[CG_SETUP_DISTRICT] = "district",
	[CG_SETUP_TZ] = "tz",
	[CG_SETUP_HOUSEHOLD] = "household",
};

const char *cg_setup_key(enum cg_setup_field f)
{
	static const char *const full[CG_SETUP_COUNT] = {
		"compound.code", "compound.name", "compound.street", "compound.district",
		"compound.tz", "compound.household", "gates"
	};

	return (unsigned)f < CG_SETUP_COUNT ? full[f] : NULL;
}

int cg_setup_init(struct cg_setup *s, const struct cg_home *h, int keep,
		  struct cg_err *err)
{
	char *text = NULL;
	size_t len;
	int st = keep ? cg_read_file(h->fd, "config.json", CONFIG_FILE_MAX, &text, &len,
				     "config.json", err) : -2;

	s->obj = NULL;
	if (st == -1)
		return -1;
	/* A file that is not a JSON object is what --force replaces whole. */
	if (st == 0)
		s->obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (!json_is_object(s->obj)) {
		json_decref(s->obj);
		s->obj = json_object();
	}
	if (!s->obj)
		abort();
	return 0;
}

void cg_setup_release(struct cg_setup *s)
{
	json_decref(s->obj);
	s->obj = NULL;
}

/* Where f lives in obj: the object holding it (created with make). */
static json_t *holder(json_t *obj, enum cg_setup_field f, int make)
{
	json_t *comp;

	if (f == CG_SETUP_GATES)
		return obj;
	comp = json_object_get(obj, "compound");
	if (!comp && make) {
		comp = json_object();
		json_object_set_new(obj, "compound", comp);
	}
	return json_is_object(comp) ? comp : NULL;
}

static int is_separator(const char *p, size_t *n)
{
	if (*p == ',') {
		*n = 1;
		return 1;
	}
	/* "，" (full-width comma) and "、" from a Chinese input method */
	if (!strncmp(p, "\xef\xbc\x8c", 3) || !strncmp(p, "\xe3\x80\x81", 3)) {
		*n = 3;
		return 1;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "north, south" as ["north", "south"]: blanks around a name go, blanks
 * inside stay (for the loader to refuse); NULL when too many. */
static json_t *gate_list(const char *value)
{
	json_t *arr = json_array();
	const char *p = value, *start, *end;
	size_t n = 0;

	if (!arr)
		abort();
	while (*p) {
		if (is_separator(p, &n) || is_blank(*p)) {
			p += is_blank(*p) ? 1 : n;
			continue;
		}
		for (start = p; *p && !is_separator(p, &n); p++)
			;
		for (end = p; is_blank(end[-1]); end--)
			;
		if (json_array_size(arr) == GATES_MAX) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, json_stringn(start, (size_t)(end - start)));
	}
	return arr;
}

static int check(const struct cg_setup *s, struct cg_err *err)
{
	char *text = json_dumps(s->obj, JSON_COMPACT);
	int ret;

	if (!text)
		abort();
	ret = cg_config_check(text, strlen(text), "config.json", err);
	free(text);
	if (ret < 0)
		err->status = CG_EXIT_USAGE;
	return ret;
}

int cg_setup_set(struct cg_setup *s, enum cg_setup_field f, const char *value,
		 struct cg_err *err)
{
	json_t *h = holder(s->obj, f, 1), *v, *old;
	const char *key = f == CG_SETUP_GATES ? "gates" : keys[f];

	if (!h)
		return cg_err_set(err, CG_EXIT_USAGE,
				  _("config.json: 'compound' has the wrong type"));
	v = f == CG_SETUP_GATES ? gate_list(value) : json_string(value);
	if (!v && f == CG_SETUP_GATES)
		return cg_err_set(err, CG_EXIT_USAGE, _("more than %d gates"), GATES_MAX);
	if (!v)
		return cg_err_set(err, CG_EXIT_USAGE, "%s", _("the value is not valid UTF-8"));
	old = json_incref(json_object_get(h, key));
	json_object_set_new(h, key, v);
	if (check(s, err) == 0) {
		json_decref(old);
		return 0;
	}
	if (old)
		json_object_set_new(h, key, old);
	else
		json_object_del(h, key);
	return -1;
}

int cg_setup_has(const struct cg_setup *s, enum cg_setup_field f)
{
	const json_t *h = holder(s->obj, f, 0);

	return h && json_object_get(h, f == CG_SETUP_GATES ? "gates" : keys[f]) != NULL;
}

/* A list of gates as cg_setup_set takes it. */
static char *gates_text(const json_t *arr)
{
	struct cg_buf b = CG_BUF_INIT(CONFIG_FILE_MAX);
	size_t i;
	json_t *v;
	char *text;

	json_array_foreach(arr, i, v)
		if ((i && cg_buf_addstr(&b, ",") < 0) ||
		    cg_buf_addstr(&b, json_is_string(v) ? json_string_value(v) : "") < 0)
			break;
	text = strdup(b.len ? b.buf : "");
	cg_buf_release(&b);
	return text;
}

char *cg_setup_get(const struct cg_setup *s, enum cg_setup_field f)
{
	struct cg_config cfg;
	struct cg_layer sys;
	struct cg_err err = CG_ERR_INIT;
	char *text = json_dumps(s->obj, JSON_COMPACT), *val;
	const json_t *h;
	int ret;

	if (!text)
		abort();
	/* The file's value over the defaults: what the loader would see. */
	ret = cg_config_system(&sys, &err) == 0 ?
		cg_config_parse_layers(&cfg, &sys, text, strlen(text), "config.json", &err) : -1;
	cg_layer_release(&sys);
	free(text);
	if (ret < 0)
		return strdup("");
	h = holder(cfg.root, f, 0);
	if (f == CG_SETUP_GATES)
		val = gates_text(json_object_get(h, "gates"));
	else
		val = strdup(json_string_value(json_object_get(h, keys[f])) ?
			     json_string_value(json_object_get(h, keys[f])) : "");
	cg_config_release(&cfg);
	if (!val)
		abort();
	return val;
}

/* tmp written whole and made durable, or removed. */
static int write_tmp(int dirfd, const char *tmp, const char *text, size_t len,
		     struct cg_err *err)
{
	int fd = cg_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL);
	int e;

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot create '%s'"), tmp);
	if (cg_write_all(fd, text, len) == 0 && fsync(fd) == 0 && close(fd) == 0)
		return 0;
	e = errno;
	close(fd);
	unlinkat(dirfd, tmp, 0);
	return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot write '%s'"), tmp);
}

/* tmp becomes config.json: a link that fails when it is there, or a
 * rename over it with force.  Either way tmp is gone after. */
static int put_in_place(int dirfd, const char *tmp, int force, struct cg_err *err)
{
	int ret = force ? renameat(dirfd, tmp, dirfd, "config.json")
			: linkat(dirfd, tmp, dirfd, "config.json", 0);
	int e = errno;

	if (ret < 0 || !force)
		unlinkat(dirfd, tmp, 0);
	if (ret < 0 && e == EEXIST)
		return cg_err_set(err, CG_EXIT_REJECTED,
				  _("'config.json' is there already: give --force to replace it "
				    "(its other settings are kept)"));
	if (ret < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot write '%s'"), "config.json");
	if (cg_fsync_dir(dirfd) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot sync '%s'"),
				    "config.json");
	return 0;
}

int cg_setup_write(struct cg_setup *s, const struct cg_home *h, int force,
		   char **line, struct cg_err *err)
{
	char tmp[64], *text;
	int ret;

	*line = NULL;
	if (check(s, err) < 0)
		return -1;
	text = json_dumps(s->obj, JSON_INDENT(2));
	*line = json_dumps(s->obj, JSON_COMPACT);
	if (!text || !*line || !(text = realloc(text, strlen(text) + 2)))
		abort();
	/* A text file ends in a newline. */
	strcat(text, "\n");
	/* Of this process: two runs at once do not write one file. */
	snprintf(tmp, sizeof(tmp), ".config.json.%ld.tmp", (long)getpid());
	ret = write_tmp(h->fd, tmp, text, strlen(text), err);
	free(text);
	if (ret == 0)
		ret = put_in_place(h->fd, tmp, force, err);
	if (ret < 0) {
		free(*line);
		*line = NULL;
	}
	return ret;
}
