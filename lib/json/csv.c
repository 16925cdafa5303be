#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "core/form.h"
#include "core/i18n.h"
#include "json/csv.h"
#include "json/jsonl.h"

#define MAX_CELLS 256

/*
 * The column names people give a record's fields, after folding (no
 * spaces, full-width made ASCII, ASCII lower case).  One table: add a
 * name here and every command takes it.
 */
static const struct { const char *header, *field; } columns[] = {
	{ "姓名", "name" }, { "名字", "name" }, { "住户姓名", "name" },
	{ "身份证号", "id_no" }, { "身份证号码", "id_no" }, { "身份证", "id_no" },
	{ "证件号码", "id_no" }, { "证件号", "id_no" },
	{ "手机号", "phone" }, { "手机号码", "phone" }, { "手机", "phone" },
	{ "电话", "phone" }, { "联系电话", "phone" }, { "电话号码", "phone" },
	{ "房号", "household" }, { "户号", "household" }, { "住户", "household" },
	{ "门牌号", "household" }, { "楼栋单元房号", "household" },
	{ "体温", "temp" }, { "温度", "temp" },
	{ "门岗", "gate" }, { "岗口", "gate" }, { "出入口", "gate" },
	{ "方向", "dir" }, { "进出", "dir" },
	{ "类型", "kind" }, { "人员类型", "kind" },
	{ "口罩", "mask" }, { "佩戴口罩", "mask" }, { "戴口罩", "mask" },
	{ "症状", "symptoms" },
	{ "来自", "from" }, { "来源地", "from" }, { "从何处来", "from" },
	{ "被访住户", "host" }, { "拜访住户", "host" }, { "访问住户", "host" },
	{ "车牌", "plate" }, { "车牌号", "plate" },
	{ "出入证", "pass" }, { "通行证", "pass" },
	{ "时间", "ts" }, { "登记时间", "ts" },
	{ "出入证类别", "class" }, { "类别", "class" }, { "有效期至", "valid_until" },
	{ "天数", "days" }, { "原因", "reason" }, { "备注", "note" },
};

/* Cell values written in Chinese for the fields that take a code. */
static const struct { const char *field, *text, *value; } values[] = {
	{ "dir", "进", "in" }, { "dir", "入", "in" }, { "dir", "进入", "in" },
	{ "dir", "出", "out" }, { "dir", "外出", "out" },
	{ "kind", "居民", "resident" }, { "kind", "住户", "resident" },
	{ "kind", "租户", "tenant" }, { "kind", "访客", "visitor" },
	{ "kind", "快递", "courier" }, { "kind", "外卖", "courier" },
	{ "kind", "快递外卖", "courier" }, { "kind", "工作人员", "staff" },
	{ "kind", "员工", "staff" }, { "kind", "车辆", "vehicle" },
};

static const char *const yes_words[] = { "true", "yes", "y", "1", "是", "戴", "有", NULL };
static const char *const no_words[] = { "false", "no", "n", "0", "否", "未戴", "无", "没有", NULL };

void cg_csv_init(struct cg_csv *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	c->gb = (iconv_t)-1;
	cg_buf_init(&c->record, max);
	cg_buf_init(&c->json, 2 * max + 64);
}

static void free_fields(struct cg_csv *c)
{
	for (size_t i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	free(c->fields);
	c->fields = NULL;
	c->nfields = 0;
}

void cg_csv_release(struct cg_csv *c)
{
	free_fields(c);
	if (c->gb != (iconv_t)-1)
		iconv_close(c->gb);
	cg_buf_release(&c->record);
	cg_buf_release(&c->json);
}

int cg_csv_path(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && path[n - 4] == '.' && (path[n - 3] | 0x20) == 'c' &&
	       (path[n - 2] | 0x20) == 's' && (path[n - 1] | 0x20) == 'v';
}

/* 0 all ASCII, 1 valid UTF-8 with more, -1 not UTF-8. */
static int utf8_kind(const char *s, size_t len)
{
	int wide = 0;

	for (size_t i = 0; i < len; ) {
		size_t n;

		if (!((unsigned char)s[i] & 0x80)) {
			i++;
			continue;
		}
		n = cg_utf8_seq((const unsigned char *)s + i, len - i);
		if (!n)
			return -1;
		wide = 1;
		i += n;
	}
	return wide;
}

/* Append GB18030 text to the record as UTF-8; -1 when it is not GB18030. */
static int add_gb18030(struct cg_csv *c, char *s, size_t len)
{
	char out[4096];

	if (c->gb == (iconv_t)-1 && (c->gb = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return -1;
	iconv(c->gb, NULL, NULL, NULL, NULL);
	while (len) {
		char *o = out;
		size_t room = sizeof(out);

		if (iconv(c->gb, &s, &len, &o, &room) == (size_t)-1 && errno != E2BIG)
			return -1;
		if (cg_buf_add(&c->record, out, (size_t)(o - out)) < 0)
			return -1;
	}
	return 0;
}

/* Append one physical line to the record, as UTF-8.  0, or -1 with why. */
static int add_line(struct cg_csv *c, char *line, size_t len, char *why, size_t whylen)
{
	int kind;

	if (len && line[len - 1] == '\r')
		len--;
	if (c->row == 0 && !c->record.len && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
		line += 3;
		len -= 3;
		c->encoding = 1;
	}
	if (c->in_quotes && cg_buf_addch(&c->record, '\n') < 0)
		goto too_long;
	kind = utf8_kind(line, len);
	/* The first line that is not ASCII decides the encoding. */
	if (kind != 0 && !c->encoding)
		c->encoding = kind > 0 ? 1 : 2;
	if (kind == 0 || (kind > 0 && c->encoding == 1)) {
		if (cg_buf_add(&c->record, line, len) < 0)
			goto too_long;
		return 0;
	}
	if (c->encoding == 1) {
		snprintf(why, whylen, "%s", _("invalid UTF-8 (the file began as UTF-8)"));
		return -1;
	}
	if (add_gb18030(c, line, len) < 0) {
		snprintf(why, whylen, "%s", _("neither UTF-8 nor GB18030 text"));
		return -1;
	}
	return 0;
too_long:
	snprintf(why, whylen, _("row longer than %zu bytes"), c->record.limit);
	return -1;
}

/* Whether the record ends inside a quoted cell: only a quote that opens
 * a cell opens one (a quote inside an unquoted cell is text). */
static int open_quote(const char *s)
{
	int start = 1, in = 0;

	for (; *s; s++) {
		if (in) {
			if (*s == '"' && s[1] == '"')
				s++;
			else if (*s == '"')
				in = 0;
		} else if (start && *s == '"') {
			in = 1;
		}
		start = !in && *s == ',';
	}
	return in;
}

/*
 * Split the record into cells, unquoted, in place: cell[i] points into
 * the record.  The number of cells, or -1 with why.
 */
static int split(char *s, char **cell, char *why, size_t whylen)
{
	int n = 0;

	for (;;) {
		char *out = s;

		if (n == MAX_CELLS) {
			snprintf(why, whylen, _("more than %d cells"), MAX_CELLS);
			return -1;
		}
		cell[n++] = s;
		if (*s == '"') {
			for (s++; *s; s++) {
				if (*s == '"' && s[1] != '"')
					break;
				if (*s == '"')
					s++;
				*out++ = *s;
			}
			if (!*s) {
				snprintf(why, whylen, _("cell %d: a quoted cell does not end"), n);
				return -1;
			}
			s++;	/* past the closing quote */
			if (*s && *s != ',') {
				snprintf(why, whylen, _("text after the closing quote of cell %d"), n);
				return -1;
			}
		} else {
			while (*s && *s != ',')
				*out++ = *s++;
		}
		if (!*s) {
			*out = '\0';
			return n;
		}
		*out = '\0';
		if (out == s)
			*s = '\0';
		s++;
	}
}

/* The field a header cell names: its folded form looked up, else itself. */
static char *field_of(const char *header)
{
	char folded[256];
	size_t i;

	if (cg_form_fold(header, folded, sizeof(folded)) < 0)
		return NULL;
	for (i = 0; folded[i]; i++)
		if (folded[i] >= 'A' && folded[i] <= 'Z')
			folded[i] = (char)(folded[i] - 'A' + 'a');
	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (!strcmp(folded, columns[i].header))
			return strdup(columns[i].field);
	return strdup(folded);
}

static enum cg_csv_status take_header(struct cg_csv *c, char **cell, int n,
				      char *why, size_t whylen)
{
	c->fields = calloc((size_t)n, sizeof(*c->fields));
	if (!c->fields) {
		snprintf(why, whylen, "%s", _("out of memory"));
		goto bad;
	}
	for (int i = 0; i < n; i++) {
		char *f = field_of(cell[i]);

		if (!f || !*f) {
			free(f);
			snprintf(why, whylen, _("header: column %d has no name"), i + 1);
			goto bad;
		}
		c->fields[c->nfields++] = f;
		for (int j = 0; j < i; j++)
			if (!strcmp(c->fields[j], f)) {
				snprintf(why, whylen, _("header: columns %d and %d both name '%s'"),
					 j + 1, i + 1, f);
				goto bad;
			}
	}
	return CG_CSV_SKIP;
bad:
	free_fields(c);
	c->bad_header = 1;
	return CG_CSV_BAD;
}

static int word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcasecmp(s, *words))
			return 1;
	return 0;
}

/* symptoms: the cell split at , ; 、 ， ； (none for 无). */
static json_t *symptom_list(const char *s)
{
	json_t *a = json_array();
	char buf[1024], *p, *tok;

	snprintf(buf, sizeof(buf), "%s", s);
	/* The Chinese separators become ',' first. */
	while ((p = strstr(buf, "、")) || (p = strstr(buf, "，")) || (p = strstr(buf, "；"))) {
		*p = ',';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	for (tok = strtok(buf, ",;"); tok; tok = strtok(NULL, ",;")) {
		char t[256];

		char *e = tok + strlen(tok);

		while (*tok == ' ')
			tok++;
		while (e > tok && e[-1] == ' ')
			*--e = '\0';
		if (cg_form_fold(tok, t, sizeof(t)) == 0 && *t && strcmp(t, "无") &&
		    strcasecmp(t, "none"))
			json_array_append_new(a, json_string(tok));
	}
	return a;
}

/* The JSON value of a cell of field f. */
static json_t *cell_value(const char *f, const char *s)
{
	char folded[256];
	size_t i;

	if (cg_form_fold(s, folded, sizeof(folded)) < 0)
		folded[0] = '\0';
	if (!strcmp(f, "temp") || !strcmp(f, "days")) {
		char *end;
		double d = strtod(folded, &end);

		if (*folded && !*end)
			return !strcmp(f, "days") && d == (double)(long long)d ?
			       json_integer((json_int_t)d) : json_real(d);
	} else if (!strcmp(f, "mask")) {
		if (word_in(folded, yes_words))
			return json_true();
		if (word_in(folded, no_words))
			return json_false();
	} else if (!strcmp(f, "symptoms") || !strcmp(f, "reasons")) {
		return symptom_list(s);
	} else {
		for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
			if (!strcmp(f, values[i].field) && !strcmp(folded, values[i].text))
				return json_string(values[i].value);
	}
	/* As written: the command says what is wrong with it. */
	return json_string(s);
}

static enum cg_csv_status take_row(struct cg_csv *c, char **cell, int n,
				   char *why, size_t whylen)
{
	json_t *rec;
	int empty = 1;

	if (c->bad_header) {
		snprintf(why, whylen, "%s", _("no usable header row (row 1)"));
		return CG_CSV_BAD;
	}
	if ((size_t)n > c->nfields) {
		snprintf(why, whylen, _("%d cells, but the header names %zu columns"), n,
			 c->nfields);
		return CG_CSV_BAD;
	}
	rec = json_object();
	for (int i = 0; i < n; i++) {
		if (!*cell[i]) {
			/* A decision's reasons are always there, if none. */
			if (!strcmp(c->fields[i], "reasons"))
				json_object_set_new(rec, "reasons", json_array());
			continue;
		}
		empty = 0;
		json_object_set_new(rec, c->fields[i], cell_value(c->fields[i], cell[i]));
	}
	if (empty) {
		json_decref(rec);
		return CG_CSV_SKIP;
	}
	cg_buf_reset(&c->json);
	if (cg_jsonl_dump(rec, &c->json) < 0) {
		json_decref(rec);
		snprintf(why, whylen, "%s", _("row too long"));
		return CG_CSV_BAD;
	}
	json_decref(rec);
	/* The line without its newline, as the loop takes lines. */
	if (c->json.len && c->json.buf[c->json.len - 1] == '\n')
		cg_buf_setlen(&c->json, c->json.len - 1);
	return CG_CSV_ROW;
}

enum cg_csv_status cg_csv_feed(struct cg_csv *c, char *line, size_t len,
			       char *why, size_t whylen)
{
	char *cell[MAX_CELLS], *text;
	int n;

	if (!c->in_quotes) {
		cg_buf_reset(&c->record);
		c->row++;
	}
	if (add_line(c, line, len, why, whylen) < 0) {
		c->in_quotes = 0;
		return CG_CSV_BAD;
	}
	c->in_quotes = open_quote(c->record.buf);
	if (c->in_quotes)
		return CG_CSV_MORE;
	/* Split a copy: the record's text stays whole for a rejects file. */
	text = strdup(c->record.buf);
	if (!text) {
		snprintf(why, whylen, "%s", _("out of memory"));
		return CG_CSV_BAD;
	}
	n = split(text, cell, why, whylen);
	if (n < 0) {
		free(text);
		if (c->row == 1)
			c->bad_header = 1;
		return CG_CSV_BAD;
	}
	enum cg_csv_status st = c->row == 1 ? take_header(c, cell, n, why, whylen) :
				take_row(c, cell, n, why, whylen);
	free(text);
	return st;
}

enum cg_csv_status cg_csv_end(struct cg_csv *c, char *why, size_t whylen)
{
	if (!c->in_quotes)
		return CG_CSV_SKIP;
	c->in_quotes = 0;
	snprintf(why, whylen, "%s", _("a quoted cell does not end before the end of the input"));
	return CG_CSV_BAD;
}
