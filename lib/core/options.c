#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "core/options.h"
#include "core/table.h"

enum { OPT_DUMP = 0x1100 };

/* The shared options, in the order --help lists them. */
static const struct shared {
	unsigned group;
	struct cg_option opt;
} shared[] = {
	{ CG_COMMON_BASIC, { "home", 0, CG_OPT_HOME, "DIR",
	  N_("data directory (default $CG_HOME, else\n$XDG_STATE_HOME/cg, else ~/.local/state/cg)"),
	  "dir", NULL, NULL,
	  "Use\n.Ar DIR\nas the data directory, instead of\n.Ev CG_HOME ,\nelse\n"
	  ".Pa $XDG_STATE_HOME/cg ,\nelse\n.Pa ~/.local/state/cg .\n" } },
	{ CG_COMMON_LINE_BUFFERED, { "line-buffered", 0, CG_OPT_LINE_BUFFERED, NULL,
	  N_("flush every record (default when stdout is a terminal)"),
	  NULL, NULL, NULL,
	  "Flush standard output after every record.\n"
	  "This is the default when standard output is a terminal.\n" } },
	{ CG_COMMON_BASIC, { "now", 0, CG_OPT_NOW, "TIME",
	  N_("fix the clock (RFC 3339; default $CG_NOW, else now)"),
	  "time", NULL, NULL,
	  "Fix the clock at\n.Ar TIME ,\nRFC 3339\n.Pq Li 2026-01-25T08:00:00+08:00 ;\n"
	  "a time without offset or a bare date\n.Ar YYYY-MM-DD\n"
	  "(its midnight) is taken as local time.\nThe default is\n.Ev CG_NOW ,\n"
	  "else the system clock.\n" } },
	{ CG_COMMON_BASIC, { "quiet", 'q', 'q', NULL, N_("no warnings"), NULL, NULL, NULL,
	  "No warnings (such as a torn journal line set aside).\n"
	  "Rejected lines and errors are still reported.\n" } },
	{ CG_COMMON_INPUT, { "rejects", 0, CG_OPT_REJECTS, "FILE",
	  N_("append every rejected input line to FILE"), "file", NULL, NULL,
	  "Append every rejected input line, whole and unchanged, to\n.Ar FILE\n"
	  "(created with mode 0600 when missing), so that it can be corrected and fed\n"
	  "again.\n" } },
	{ CG_COMMON_INPUT, { "input-format", 0, CG_OPT_INPUT_FORMAT, "FORMAT",
	  N_("read records as json (lines) or csv (default: csv\nfor a FILE ending in .csv, else json)"),
	  "choice:json csv", NULL, NULL,
	  "Read the input records as\n.Cm json\n(JSON lines) or\n.Cm csv :\n"
	  "a header row, then one record a row, as Excel or WPS save a sheet: UTF-8\n"
	  "with or without a byte order mark, or GB18030 (Excel on Chinese Windows),\n"
	  "quoted cells with commas, quotes or newlines, CRLF or LF.\n"
	  "The header names the fields, in English\n.Pq Cm name , id_no , phone , household , temp ...\n"
	  "or in Chinese\n.Pq 姓名, 身份证号, 手机号, 房号, 体温, 门岗, 方向, 类型, 口罩, 症状 ... ;\n"
	  "an empty cell is an absent field;\n.Cm temp\nand\n.Cm days\nare numbers,\n"
	  ".Cm mask\ntrue or false (also yes/no, 是/否, 1/0),\n.Cm symptoms\n"
	  "a list split at commas, semicolons or 、.\n"
	  "A bad row is reported as\n.Ar FILE : Ns Ar ROW ,\n"
	  "the header being row 1, and goes to the rejects file as the JSON line\n"
	  "it was read as (or as its text when it could not be read).\n"
	  "The default is\n.Cm csv\nfor a\n.Ar FILE\nwhose name ends in\n.Pa .csv ,\n"
	  "else\n.Cm json .\n" } },
	{ CG_COMMON_INPUT, { "strict", 0, CG_OPT_STRICT, NULL,
	  N_("stop at the first rejected line"), NULL, NULL, NULL,
	  "Stop at the first rejected line.\n"
	  "What was done before it stands; the exit status is 1.\n" } },
	{ CG_COMMON_BASIC, { "verbose", 'v', 'v', NULL,
	  N_("a summary on standard error at the end"), NULL, NULL, NULL,
	  "At the end, write a summary to standard error.\n" } },
	{ CG_COMMON_BASIC, { "help", 'h', 'h', NULL, N_("show this help and exit"),
	  NULL, NULL, NULL,
	  "Show the usage text with examples on standard output and exit 0.\n" } },
	{ CG_COMMON_BASIC, { "version", 'V', 'V', NULL, N_("show the version and exit"),
	  NULL, NULL, NULL, "Show the version and exit 0.\n" } },
};

#define NSHARED (sizeof(shared) / sizeof(shared[0]))

/* ---- the description ---- */

static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = list; s && *s; ) {
		const char *e = strchr(s, ' ');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len == n && !strncmp(s, word, n))
			return 1;
		s += len;
		while (*s == ' ')
			s++;
	}
	return 0;
}

static unsigned sub_common(const struct cg_command *cmd, const struct cg_subcommand *sub)
{
	return sub && sub->common ? sub->common : cmd->common;
}

static const struct cg_option *find_in(const struct cg_option *t, const char *name)
{
	for (; t && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* A shared option as the command describes it: its own help or man text,
 * when it gives them. */
static struct cg_option shared_as(const struct cg_command *cmd, const struct cg_subcommand *sub,
				  const struct cg_option *o)
{
	struct cg_option r = *o;
	const struct cg_option *ov = NULL;

	if (sub)
		ov = find_in(sub->options, o->name);
	if (!ov)
		ov = find_in(cmd->options, o->name);
	if (ov && ov->id == 0) {
		if (ov->help)
			r.help = ov->help;
		if (ov->man)
			r.man = ov->man;
	}
	return r;
}

/* Whether sub takes the command-level or shared option named name. */
static int takes(const struct cg_command *cmd, const struct cg_subcommand *sub, const char *name)
{
	const struct cg_option *o;

	if (!sub)
		return 1;
	if ((o = find_in(sub->options, name)) && o->id)
		return 1;
	if ((o = find_in(cmd->options, name)) && o->id)
		return !o->subs || in_list(o->subs, sub->name);
	for (size_t i = 0; i < NSHARED; i++)
		if (!strcmp(shared[i].opt.name, name))
			return (shared[i].group & sub_common(cmd, sub)) != 0;
	return 0;
}

static unsigned all_common(const struct cg_command *cmd)
{
	unsigned c = cmd->common;

	for (const struct cg_subcommand *s = cmd->subs; s && s->name; s++)
		c |= s->common;
	return c;
}

static const struct cg_subcommand *find_sub(const struct cg_command *cmd, const char *name)
{
	for (const struct cg_subcommand *s = cmd->subs; s && s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* ---- output ---- */

void cg_exit_closing_stdout(void)
{
	int e;

	errno = 0;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		e = errno;
		fclose(stdout);
	} else if (fclose(stdout) == EOF) {
		e = errno;
	} else {
		exit(CG_EXIT_OK);
	}
	if (e == EPIPE)
		exit(CG_EXIT_OK);
	cg_die(CG_EXIT_SYSTEM, "%s: %s", _("cannot write to standard output"),
	       strerror(e ? e : EIO));
}

/* Columns a string takes on a terminal, whatever the locale. */
static size_t width(const char *s)
{
	return cg_text_width(s);
}

/* Text whose lines after the first are indented by col. */
static void put_hanging(const char *text, size_t col)
{
	for (const char *s = text; *s; ) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (s != text)
			printf("%*s", (int)col, "");
		printf("%.*s\n", (int)len, s);
		s += len + (e != NULL);
	}
}

static void opt_lhs(const struct cg_option *o, char *buf, size_t size)
{
	snprintf(buf, size, "  %c%c%c --%s%s%s",
		 o->letter ? '-' : ' ', o->letter ? o->letter : ' ', o->letter ? ',' : ' ',
		 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

struct help_list {
	struct cg_option opt[96];
	size_t n;
};

static void list_add(struct help_list *l, const struct cg_option *o)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->opt[i].name, o->name))
			return;
	if (l->n < sizeof(l->opt) / sizeof(l->opt[0]))
		l->opt[l->n++] = *o;
}

/* The options a subcommand (or the command without one) takes that are
 * not its own: the command's, then the shared ones. */
static void list_general(struct help_list *l, const struct cg_command *cmd,
			 const struct cg_subcommand *sub, unsigned common)
{
	struct cg_option o;

	for (const struct cg_option *t = cmd->options; t && t->name; t++)
		if (t->id && (!sub || !t->subs || in_list(t->subs, sub->name)))
			list_add(l, t);
	for (size_t i = 0; i < NSHARED; i++)
		if (shared[i].group & common) {
			o = shared_as(cmd, sub, &shared[i].opt);
			list_add(l, &o);
		}
}

static void list_own(struct help_list *l, const struct cg_subcommand *sub)
{
	for (const struct cg_option *t = sub->options; t && t->name; t++)
		if (t->id)
			list_add(l, t);
}

static size_t list_col(const struct help_list *l, size_t col)
{
	char lhs[128];

	for (size_t i = 0; i < l->n; i++) {
		opt_lhs(&l->opt[i], lhs, sizeof(lhs));
		if (strlen(lhs) + 2 > col && strlen(lhs) + 2 <= 30)
			col = strlen(lhs) + 2;
	}
	return col;
}

static void list_print(const struct help_list *l, size_t col)
{
	char lhs[128];

	for (size_t i = 0; i < l->n; i++) {
		size_t w;

		opt_lhs(&l->opt[i], lhs, sizeof(lhs));
		w = strlen(lhs);
		printf("%s%*s", lhs, (int)(w + 2 <= col ? col - w : 2), "");
		put_hanging(_(l->opt[i].help), col);
	}
}

static void usage_lines(const char *usage, int *first)
{
	const char *prefix;

	for (const char *s = usage; *s; ) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (*s == ' ') {
			printf("%*s%.*s\n", (int)width(_("Usage: ")), "", (int)len, s);
		} else {
			prefix = *first ? _("Usage: ") : _("   or: ");
			*first = 0;
			printf("%s%.*s\n", prefix, (int)len, s);
		}
		s += len + (e != NULL);
	}
}

void cg_help_print(const struct cg_command *cmd, const struct cg_subcommand *sub)
{
	struct help_list own[16], general;
	size_t col = 24, nown = 0, subcol = 0;
	int first = 1;
	/* The whole help in one buffer, written by cg_exit_closing_stdout
	 * below (so before this frame ends): a write that fails in the middle
	 * of printf loses its errno, and a full disk would be reported as an
	 * I/O error.  glibc ignores the size of a buffer it is not given. */
	char buf[1 << 16];

	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	general.n = 0;
	if (sub) {
		own[0].n = 0;
		list_own(&own[0], sub);
		nown = 1;
		list_general(&general, cmd, sub, sub_common(cmd, sub));
	} else {
		for (const struct cg_subcommand *s = cmd->subs; s && s->name && nown < 16; s++) {
			own[nown].n = 0;
			list_own(&own[nown++], s);
			if (strlen(s->name) + 4 > subcol)
				subcol = strlen(s->name) + 4;
		}
		list_general(&general, cmd, NULL, all_common(cmd));
	}
	for (size_t i = 0; i < nown; i++)
		col = list_col(&own[i], col);
	col = list_col(&general, col);

	if (sub) {
		usage_lines(sub->usage, &first);
		printf("%s\n\n%s", _(sub->help), _("Options:\n"));
		list_print(&own[0], col);
	} else if (cmd->subs) {
		for (const struct cg_subcommand *s = cmd->subs; s->name; s++)
			usage_lines(s->usage, &first);
		printf("%s\n%s", _(cmd->summary), _("Subcommands:\n"));
		for (const struct cg_subcommand *s = cmd->subs; s->name; s++) {
			printf("  %-*s", (int)subcol - 2, s->name);
			put_hanging(_(s->help), subcol);
		}
		for (size_t i = 0; i < nown; i++) {
			if (!own[i].n)
				continue;
			putchar('\n');
			printf(_("Options of %s:\n"), cmd->subs[i].name);
			list_print(&own[i], col);
		}
		printf("\n%s", _("Options:\n"));
	} else {
		usage_lines(cmd->usage, &first);
		printf("%s\n", _(cmd->summary));
	}
	list_print(&general, col);
	printf("\n%s", _(cmd->footer));
	cg_exit_closing_stdout();
}

/* ---- --dump-options ---- */

static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_field(const char *key, const char *value, int last)
{
	json_str(key);
	putchar(':');
	json_str(value);
	fputs(last ? "}\n" : ",", stdout);
}

/* Whether sub takes the command's own entry of name: not when it has one
 * of its own (cg-sync's --format is push's wire format, status's text or
 * JSON). */
static int takes_general(const struct cg_command *cmd, const struct cg_subcommand *sub,
			 const char *name)
{
	const struct cg_option *own = find_in(sub->options, name);

	return !(own && own->id) && takes(cmd, sub, name);
}

/* The subcommands that take a command-level or shared option, as a JSON
 * array; null when all do. */
static void json_subs(const struct cg_command *cmd, const char *name)
{
	int all = 1, n = 0;

	for (const struct cg_subcommand *s = cmd->subs; s && s->name; s++)
		all &= takes_general(cmd, s, name);
	fputs("\"subs\":", stdout);
	if (all) {
		fputs("null,", stdout);
		return;
	}
	putchar('[');
	for (const struct cg_subcommand *s = cmd->subs; s->name; s++)
		if (takes_general(cmd, s, name)) {
			if (n++)
				putchar(',');
			json_str(s->name);
		}
	fputs("],", stdout);
}

static void dump_option(const struct cg_command *cmd, const char *sub,
			const struct cg_option *o)
{
	char letter[2] = { (char)o->letter, 0 };

	fputs("{\"option\":", stdout);
	json_str(o->name);
	fputs(",\"sub\":", stdout);
	json_str(sub);
	fputs(",\"short\":", stdout);
	json_str(o->letter ? letter : NULL);
	fputs(",\"arg\":", stdout);
	json_str(o->arg);
	fputs(",\"help\":", stdout);
	json_str(o->help);
	fputs(",\"complete\":", stdout);
	json_str(o->complete);
	fputs(",\"operands\":", stdout);
	json_str(o->operands);
	putchar(',');
	if (sub)
		fputs("\"subs\":null,", stdout);
	else
		json_subs(cmd, o->name);
	json_field("man", o->man, 1);
}

void cg_options_dump(const struct cg_command *cmd)
{
	struct help_list general = { .n = 0 };
	unsigned common = all_common(cmd);

	fputs("{\"command\":", stdout);
	json_str(cmd->name);
	fputs(",\"usage\":", stdout);
	json_str(cmd->usage);
	fputs(",\"summary\":", stdout);
	json_str(cmd->summary);
	fputs(",\"footer\":", stdout);
	json_str(cmd->footer);
	putchar(',');
	json_field("operands", cmd->operands, 1);
	for (const struct cg_subcommand *s = cmd->subs; s && s->name; s++) {
		fputs("{\"subcommand\":", stdout);
		json_str(s->name);
		fputs(",\"usage\":", stdout);
		json_str(s->usage);
		fputs(",\"help\":", stdout);
		json_str(s->help);
		putchar(',');
		json_field("operands", s->operands, 1);
		for (const struct cg_option *o = s->options; o && o->name; o++)
			if (o->id)
				dump_option(cmd, s->name, o);
	}
	list_general(&general, cmd, NULL, common);
	for (size_t i = 0; i < general.n; i++)
		dump_option(cmd, NULL, &general.opt[i]);
	cg_exit_closing_stdout();
}

/* ---- parsing ---- */

void cg_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cg_error("%s", msg);
	cg_usage_hint();
}

const char *cg_format_pick(const char *arg, const char *allowed)
{
	char list[256];
	const char *name, *p;
	size_t len, n = 0;

	if (!arg)
		return isatty(STDOUT_FILENO) ? "text" : "json";
	name = cg_format_name(arg);
	len = strlen(name);
	for (p = allowed; *p; p += strcspn(p, " "), p += *p == ' ')
		if (len && !strncmp(p, name, len) && (p[len] == ' ' || !p[len]))
			return name;
	/* "text, json, html": the names as a person reads them in a list. */
	for (p = allowed; *p && n + 3 < sizeof(list); p++) {
		if (*p == ' ')
			list[n++] = ',';
		list[n++] = *p;
	}
	list[n] = '\0';
	cg_usage_error(_("unknown format '%s' for --format (%s)"), arg, list);
}

static void add_long(struct cg_parse *p, const struct cg_option *o)
{
	for (size_t i = 0; i < p->nlong; i++)
		if (!strcmp(p->longopts[i].name, o->name))
			return;
	p->longopts[p->nlong] = (struct option){ o->name,
		o->arg ? required_argument : no_argument, NULL, o->id };
	p->described[p->nlong++] = o;
	if (o->letter && !strchr(p->shortopts, o->letter)) {
		size_t n = strlen(p->shortopts);

		if (n + 3 < sizeof(p->shortopts)) {
			p->shortopts[n++] = (char)o->letter;
			if (o->arg)
				p->shortopts[n++] = ':';
			p->shortopts[n] = '\0';
		}
	}
}

static const struct option *long_match(const struct cg_parse *p, const char *name, size_t len)
{
	const struct option *found = NULL;

	for (size_t i = 0; i < p->nlong; i++) {
		if (strncmp(p->longopts[i].name, name, len))
			continue;
		if (strlen(p->longopts[i].name) == len)
			return &p->longopts[i];
		found = found ? NULL : &p->longopts[i];
	}
	return found;
}

/* The first operand, as getopt_long will see it, to know the subcommand
 * while the options are parsed. */
static const char *first_operand(const struct cg_parse *p)
{
	for (int i = 1; i < p->argc; i++) {
		const char *a = p->argv[i];

		if (!strcmp(a, "--"))
			return i + 1 < p->argc ? p->argv[i + 1] : NULL;
		if (a[0] != '-' || !a[1])
			return a;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			const struct option *lo = long_match(p, a + 2,
				eq ? (size_t)(eq - a - 2) : strlen(a + 2));

			if (lo && lo->has_arg && !eq)
				i++;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			const char *s = strchr(p->shortopts, *c);

			if (s && s[1] == ':') {
				if (!c[1])
					i++;
				break;
			}
		}
	}
	return NULL;
}

void cg_parse_init(struct cg_parse *p, const struct cg_command *cmd,
		   int argc, char **argv, struct cg_common_opts *common)
{
	static const struct cg_option dump = { "dump-options", 0, OPT_DUMP, NULL,
		NULL, NULL, NULL, NULL, NULL };
	size_t n = NSHARED + 2;

	memset(p, 0, sizeof(*p));
	memset(common, 0, sizeof(*common));
	p->cmd = cmd;
	p->common = common;
	p->argc = argc;
	p->argv = argv;
	argv[0] = (char *)cg_progname();	/* getopt's messages use it */
	for (const struct cg_option *o = cmd->options; o && o->name; o++)
		n++;
	for (const struct cg_subcommand *s = cmd->subs; s && s->name; s++)
		for (const struct cg_option *o = s->options; o && o->name; o++)
			n++;
	p->longopts = calloc(n, sizeof(*p->longopts));
	p->described = calloc(n, sizeof(*p->described));
	if (!p->longopts || !p->described)
		cg_die(CG_EXIT_SYSTEM, "%s", _("out of memory"));
	for (const struct cg_subcommand *s = cmd->subs; s && s->name; s++)
		for (const struct cg_option *o = s->options; o && o->name; o++)
			if (o->id)
				add_long(p, o);
	for (const struct cg_option *o = cmd->options; o && o->name; o++)
		if (o->id)
			add_long(p, o);
	for (size_t i = 0; i < NSHARED; i++)
		if (shared[i].group & all_common(cmd))
			add_long(p, &shared[i].opt);
	add_long(p, &dump);
	if (cmd->subs && (p->sub_word = first_operand(p)))
		p->sub = find_sub(cmd, p->sub_word);
}

static const struct cg_option *described_short(const struct cg_parse *p, int c)
{
	for (size_t i = 0; i < p->nlong; i++)
		if (p->described[i]->letter == c)
			return p->described[i];
	return NULL;
}

int cg_parse_next(struct cg_parse *p, const char **arg)
{
	for (;;) {
		int idx = -1, c;
		const struct cg_option *o;

		c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, &idx);
		if (c == -1)
			return -1;
		if (c == '?' || c == ':')
			cg_usage_hint();
		o = idx >= 0 ? p->described[idx] : described_short(p, c);
		if (!o)
			cg_usage_hint();
		if (c == OPT_DUMP)
			cg_options_dump(p->cmd);
		if (p->sub && !takes(p->cmd, p->sub, o->name)) {
			char flag[64];

			if (idx >= 0 || !o->letter)
				snprintf(flag, sizeof(flag), "--%s", o->name);
			else
				snprintf(flag, sizeof(flag), "-%c", c);
			cg_usage_error(_("%s does not go with '%s'"), flag, p->sub->name);
		}
		if (c == 'h')
			cg_help_print(p->cmd, p->sub);
		if (cg_common_option(c, optarg, p->common))
			continue;
		*arg = optarg;
		return c;
	}
}

static void sub_names(const struct cg_command *cmd, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const struct cg_subcommand *s = cmd->subs; s->name && len < size; s++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					s == cmd->subs ? "" : ", ", s->name);
}

void cg_parse_end(struct cg_parse *p)
{
	char names[256];

	free(p->longopts);
	free(p->described);
	p->longopts = NULL;
	p->described = NULL;
	p->operands = p->argv + optind;
	p->noperands = p->argc - optind;
	if (!p->cmd->subs)
		return;
	sub_names(p->cmd, names, sizeof(names));
	if (!p->noperands)
		cg_usage_error(_("missing subcommand (%s)"), names);
	p->sub = find_sub(p->cmd, p->operands[0]);
	if (!p->sub)
		cg_usage_error(_("unknown subcommand '%s' (%s)"), p->operands[0], names);
	p->operands++;
	p->noperands--;
}
