/*
 * cg-duty: the office's duty work (值班、消杀、物资、关爱): guards on and
 * off duty per gate, scheduled tasks done and due, supplies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/cmd.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "core/options.h"
#include "rules/duty.h"
#include "store/config.h"
#include "store/journal.h"
#include "store/loop.h"
#include "ui/listing.h"

static const char summary[] = N_(
"The office's duty work (值班、消杀、物资、关爱): guards signing on and off\n"
"at the gates, the tasks of the plan in config.json (disinfection, patrols,\n"
"staff temperatures, care calls, supplies and garbage of the households\n"
"under observation) done and due, supplies in and out.  Records are JSON\n"
"lines from FILEs or standard input, or one record from the options; every\n"
"event is journaled in journal/duty.jsonl and made durable before it is\n"
"printed.\n");

static const char footer[] = N_(
"Exit status: 0 all good, 1 some lines rejected, 2 usage error, 3 system\n"
"error, 6 a journal is damaged.\n"
"\n"
"Examples:\n"
"  cg-duty on --guard 王师傅 --gate north\n"
"  echo '{\"task\":\"disinfect\",\"place\":\"lift-1\",\"by\":\"李四\"}' | cg-duty done\n"
"  cg-duty due | jq -r 'select(.status == \"missed\") | .place'\n"
"  cg-duty done --need Q260125-001-N1 --by 李四\n"
"  cg-duty stock </dev/null\n");

enum {
	OPT_AT = 256,
	OPT_BY,
	OPT_DATE,
	OPT_FORMAT,
	OPT_GATE,
	OPT_GUARD,
	OPT_NEED,
	OPT_PLACE,
	OPT_TASK
};

#define OPT_AT_ENTRY \
	{ "at", 0, OPT_AT, "TIME", N_("the time of the record made from the options"), \
	  "time", NULL, NULL, \
	  "The time of the one record made from the options, RFC 3339;\n" \
	  "the clock by default.\n" }

static const struct cg_option guard_options[] = {
	OPT_AT_ENTRY,
	{ "gate", 0, OPT_GATE, "GATE", N_("the gate"), "gate", NULL, NULL,
	  "The gate, one of config.json's\n"
	  ".Cm gates .\n" },
	{ "guard", 0, OPT_GUARD, "NAME", N_("the guard: one record from the options,\nno input read"),
	  "text", NULL, NULL,
	  "The guard.\n"
	  "With it, one record is made from the options and no input is read.\n" },
	CG_OPTION_END
};

static const struct cg_option done_options[] = {
	OPT_AT_ENTRY,
	{ "by", 0, OPT_BY, "NAME", N_("who did the task"), "text", NULL, NULL,
	  "Who did the task.\n" },
	{ "need", 0, OPT_NEED, "NEED_ID", N_("a need of a household under observation\ndelivered: one record from the options"),
	  "text", NULL, NULL,
	  "A need of a household under observation\n"
	  ".Pq Xr cg-quarantine 1 Cm need\n"
	  "delivered, by its\n"
	  ".Cm need_id ;\n"
	  "one record is made from the options and no input is read.\n"
	  "Not with\n"
	  ".Fl -task .\n" },
	{ "place", 0, OPT_PLACE, "PLACE", N_("where the task was done"), "text", NULL, NULL,
	  "Where the task was done: a place of the task, a gate for a task per\n"
	  "shift, a care id for a task per care entry.\n" },
	{ "task", 0, OPT_TASK, "TASK", N_("the task: one record from the options,\nno input read"),
	  "text", NULL, NULL,
	  "The task, a key of\n"
	  ".Cm duty.tasks .\n"
	  "With it, one record is made from the options and no input is read.\n" },
	CG_OPTION_END
};


#define FORMAT_ENTRY \
	{ "format", 0, OPT_FORMAT, "FORMAT", \
	  N_("text (aligned, masked; the default on a terminal)\nor json (the default otherwise)"), \
	  "choice:text json", NULL, NULL, \
	  ".Cm text :\n" \
	  "aligned lines for a person, personal data masked (the default when\n" \
	  "standard output is a terminal), or\n" \
	  ".Cm json :\n" \
	  "the records as JSON lines (the default otherwise).\n" }

/* The levels, what stock prints with no input, are a listing. */
static const struct cg_option stock_options[] = {
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("the levels: text (aligned; the default on a terminal)\nor json (the default otherwise)"),
	  "choice:text json", NULL, NULL,
	  "How the levels are printed, with no input:\n"
	  ".Cm text ,\n"
	  "a line an item, aligned for a person (the default when standard output\n"
	  "is a terminal), or\n"
	  ".Cm json ,\n"
	  "the records as JSON lines (the default otherwise).\n"
	  "The events of records read are JSON lines whatever the format.\n" },
	CG_OPTION_END
};

static const struct cg_option list_options[] = {
	{ "date", 0, OPT_DATE, "DATE", N_("only the events of this day"), "date", NULL, NULL,
	  "Only the events whose\n"
	  ".Cm ts\n"
	  "falls on that local day,\n"
	  ".Ar YYYY-MM-DD .\n" },
	FORMAT_ENTRY,
	{ "guard", 0, OPT_GUARD, "NAME", N_("only the events of this guard or doer"),
	  "text", NULL, NULL,
	  "Only the events whose\n"
	  ".Cm guard\n"
	  "or\n"
	  ".Cm by\n"
	  "is\n"
	  ".Ar NAME .\n" },
	{ "place", 0, OPT_PLACE, "PLACE", N_("only the events at this place or gate"),
	  "text", NULL, NULL,
	  "Only the events whose\n"
	  ".Cm place\n"
	  "or\n"
	  ".Cm gate\n"
	  "is\n"
	  ".Ar PLACE .\n" },
	{ "task", 0, OPT_TASK, "TASK", N_("only the events of this task"), "text", NULL, NULL,
	  "Only the events of that task.\n" },
	CG_OPTION_END
};

static const struct cg_option due_options[] = {
	{ "date", 0, OPT_DATE, "DATE", N_("the day to look at (default yesterday and today)"),
	  "date", NULL, NULL,
	  "The day to look at,\n"
	  ".Ar YYYY-MM-DD ;\n"
	  "by default yesterday and today.\n" },
	FORMAT_ENTRY,
	CG_OPTION_END
};

static const struct cg_option care_options[] = {
	FORMAT_ENTRY,
	CG_OPTION_END
};

#define READING CG_COMMON_RECORD
#define LISTING (CG_COMMON_BASIC | CG_COMMON_LINE_BUFFERED)

static const struct cg_option options[] = {
	{ "dry-run", 'n', 'n', NULL, N_("check and print, but journal nothing"),
	  NULL, NULL, "on off done stock care",
	  "Check and print, but journal nothing: the records have no\n"
	  ".Cm seq\n"
	  "and\n"
	  ".Cm chain .\n" },
	{ "now", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Fix the clock at\n"
	  ".Ar TIME ,\n"
	  "RFC 3339; a time without offset or a bare date is local time.\n"
	  "The default is\n"
	  ".Ev CG_NOW ,\n"
	  "else the system clock.\n"
	  "The clock stamps records without\n"
	  ".Cm ts\n"
	  "and decides what is due and what was missed.\n" },
	{ "strict", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Stop at the first rejected line.\n"
	  "What was accepted before it is journaled and printed; the exit status is 1.\n" },
	CG_OPTION_END
};

static const struct cg_subcommand subs[] = {
	{ "on", "cg-duty on [--guard NAME --gate GATE [--at TIME]] [OPTION]... [FILE]...",
	  N_("a guard signs on at a gate (guard, gate, ts)"),
	  guard_options, READING, "file" },
	{ "off", "cg-duty off [--guard NAME [--gate GATE] [--at TIME]] [OPTION]... [FILE]...",
	  N_("a guard signs off (guard, gate, ts)"),
	  guard_options, READING, "file" },
	{ "done", "cg-duty done [--task TASK --place PLACE | --need NEED_ID] [--by NAME]\n"
		  " [--at TIME] [OPTION]... [FILE]...",
	  N_("tasks done (task, place, by, ts, free fields; temp for a staff\n"
	     "temperature: a fever prints an alert)"),
	  done_options, READING, "file" },
	{ "stock", "cg-duty stock [--format FORMAT] [OPTION]... [FILE]...",
	  N_("supplies in and out (item, qty, unit, op receive or issue, to);\n"
	     "with no input, the levels"),
	  stock_options, READING, "file" },
	{ "due", "cg-duty due [--date DATE] [--format FORMAT] [OPTION]...",
	  N_("shifts with nobody on, and tasks due now or missed"),
	  due_options, LISTING, "none" },
	{ "list", "cg-duty list [--task TASK] [--place PLACE] [--guard NAME] [--date DATE]\n"
		  " [--format FORMAT] [OPTION]...",
	  N_("the journal's events, filtered"), list_options, LISTING, "none" },
	{ "care", "cg-duty care [--format FORMAT] [OPTION]... [FILE]...",
	  N_("entries of the special-care ledger added, changed (care_id, name,\n"
	     "household, phone, ...) or removed (remove: true); with no input,\n"
	     "the ledger with the last call and the days missed"),
	  care_options, READING, "file" },
	{ NULL, NULL, NULL, NULL, 0, NULL }
};

static const struct cg_command command = {
	.name = "cg-duty",
	.summary = summary,
	.options = options,
	.subs = subs,
	.common = CG_COMMON_RECORD,
	.footer = footer,
};

struct subcommand {
	const char *name;
	cg_duty_fn *fn;
};

static const struct subcommand subcommands[] = {
	{ "on", cg_duty_on },
	{ "off", cg_duty_off },
	{ "done", cg_duty_done_rule },
	{ "stock", cg_duty_stock_rule },
	{ "care", cg_duty_care_rule },
	{ "due", NULL },
	{ "list", NULL },
	{ NULL, NULL }
};

struct opts {
	const struct subcommand *sub;
	struct cg_common_opts common;
	int dry_run;
	const char *at, *by, *date, *format, *gate, *guard, *need, *place, *task;
	char **operands;
	int noperands;
};

static void usage_error(const char *fmt, const char *arg)
{
	cg_error(fmt, arg);
	cg_usage_hint();
}

static void check_combinations(struct opts *o)
{
	const char *name = o->sub->name;
	int from_options = o->sub->fn && (o->guard || o->task || o->need);

	if ((o->gate || o->at) && !o->guard && strcmp(name, "done"))
		usage_error(_("--gate and --at go with --guard (%s)"), name);
	if ((o->place || o->by || o->at) && !o->task && !o->need && !strcmp(name, "done"))
		usage_error(_("--place, --by and --at go with --task (%s)"), name);
	if (o->need && (o->task || o->place))
		usage_error(_("--need goes without --task and --place (%s)"), name);
	if (o->format)
		o->format = cg_format_pick(o->format, "text json");
	if (!o->sub->fn)
		return;
	if (o->guard && !strcmp(name, "on") && !o->gate)
		usage_error(_("'%s --guard' needs --gate"), name);
	if (o->task && !o->place)
		usage_error(_("'%s --task' needs --place"), name);
	if (from_options && o->noperands)
		usage_error(_("'%s' takes no FILE with a record from the options"), name);
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	const struct subcommand *s;
	struct cg_parse p;
	const char *arg;
	int c;

	memset(o, 0, sizeof(*o));
	cg_parse_init(&p, &command, argc, argv, &o->common);
	while ((c = cg_parse_next(&p, &arg)) != -1) {
		switch (c) {
		case 'n': o->dry_run = 1; break;
		case OPT_AT: o->at = arg; break;
		case OPT_BY: o->by = arg; break;
		case OPT_DATE: o->date = arg; break;
		case OPT_FORMAT: o->format = arg; break;
		case OPT_GATE: o->gate = arg; break;
		case OPT_GUARD: o->guard = arg; break;
		case OPT_NEED: o->need = arg; break;
		case OPT_PLACE: o->place = arg; break;
		case OPT_TASK: o->task = arg; break;
		}
	}
	cg_parse_end(&p);
	for (s = subcommands; strcmp(s->name, p.sub->name); s++)
		;
	o->sub = s;
	o->operands = p.operands;
	o->noperands = p.noperands;
	if (!o->sub->fn && o->noperands)
		usage_error(_("'%s' takes no operands"), o->sub->name);
	check_combinations(o);
}

struct world {
	struct cg_home home;
	struct cg_config cfg;
	struct cg_duty_plan plan;
	struct cg_dutybook book;
	struct cg_clock clock;
	struct cg_journal journal;
	struct cg_loop loop;
	struct cg_dutywork work;
	struct cg_duty_needs needs;
	struct cg_duty_observed observed;
	int lockfd;
	int journaling;
};

static void load_world(struct world *w, const struct opts *o, struct cg_err *err)
{
	w->lockfd = -1;
	if (cg_clock_init(&w->clock, o->common.now, err) < 0) {
		cg_error("%s", err->msg);
		cg_usage_hint();
	}
	cg_dutybook_init(&w->book);
	w->journaling = o->sub->fn && !o->dry_run;
	if (cg_home_open(&w->home, o->common.home, err) < 0 ||
	    cg_config_load(&w->cfg, &w->home, err) < 0 ||
	    cg_duty_plan_load(&w->plan, &w->cfg, err) < 0)
		cg_die_err(err);
	/* What a run checks its records against (who is on) must stay true
	 * until its events are journaled: writers take turns, and read
	 * after the lock. */
	if (w->journaling && (w->lockfd = cg_duty_lock(&w->home, &CG_NOTIFIER_STDERR, err)) < 0)
		cg_die_err(err);
	if (cg_dutybook_load(&w->book, &w->home, err) < 0)
		cg_die_err(err);
	if (w->journaling && cg_journal_open(&w->journal, &w->home, "duty", err) < 0)
		cg_die_err(err);
	if (cg_loop_init(&w->loop, o->common.rejects, o->common.line_buffered, err) < 0)
		cg_die_err(err);
	w->loop.notify = CG_NOTIFIER_STDERR;
	w->loop.clock = &w->clock;
	w->loop.strict = o->common.strict;
	if (w->journaling)
		w->loop.journal = &w->journal;
	w->work.cfg = &w->cfg;
	w->work.plan = &w->plan;
	w->work.book = &w->book;
	w->work.now = cg_clock_now(&w->clock);
	/* done delivers needs, due lists the open ones: the cases are read
	 * when done first meets a need_id, or here for due. */
	cg_duty_needs_init(&w->needs, &w->home, w->journaling);
	if (!strcmp(o->sub->name, "done") || !strcmp(o->sub->name, "due"))
		w->work.needs = &w->needs;
	if (!strcmp(o->sub->name, "due") && cg_duty_needs_load(&w->needs, err) < 0)
		cg_die_err(err);
	/* A task done at a household under observation may be of any day. */
	cg_duty_observed_init(&w->observed);
	if (!strcmp(o->sub->name, "done") && cg_duty_plan_observes(&w->plan) &&
	    (cg_duty_observed_load(&w->observed, &w->home, 0, err) < 0))
		cg_die_err(err);
	w->work.observed = &w->observed;
}

static void release_world(struct world *w)
{
	if (w->journaling)
		cg_journal_release(&w->journal);
	cg_duty_needs_release(&w->needs);
	cg_duty_observed_release(&w->observed);
	if (w->lockfd >= 0)
		close(w->lockfd);
	cg_dutybook_release(&w->book);
	cg_duty_plan_release(&w->plan);
	cg_config_release(&w->cfg);
	cg_home_release(&w->home);
}

/* The one record the options describe, as a line of "options". */
static int take_options(struct world *w, const struct opts *o, struct cg_err *err)
{
	json_t *rec = json_object();
	char *text;
	int ret;

	if (o->guard)
		json_object_set_new(rec, "guard", json_string(o->guard));
	if (o->gate)
		json_object_set_new(rec, "gate", json_string(o->gate));
	if (o->task)
		json_object_set_new(rec, "task", json_string(o->task));
	if (o->need)
		json_object_set_new(rec, "need_id", json_string(o->need));
	if (o->place)
		json_object_set_new(rec, "place", json_string(o->place));
	if (o->by)
		json_object_set_new(rec, "by", json_string(o->by));
	if (o->at) {
		cg_time_t at;

		if (cg_time_parse(o->at, 1, &at) < 0)
			usage_error(_("invalid time '%s' for --at (RFC 3339)"), o->at);
		cg_json_set_time(rec, "ts", at);
	}
	text = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	if (!text)
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	ret = cg_loop_take(&w->loop, "options", 1, text, strlen(text), err);
	free(text);
	return ret;
}

static int text_wanted(const struct opts *o);

/* The levels as a table: their records gathered, then laid out. */
static long stock_text(struct world *w, unsigned long *low, struct cg_err *err)
{
	struct cg_buf text = CG_BUF_INIT(64 * 1024 * 1024);
	json_t *items = json_array();
	long n;

	w->loop.collect = items;
	n = cg_duty_stock_levels(&w->work, &w->loop, low, err);
	w->loop.collect = NULL;
	if (n >= 0 && cg_listing_stock(items, &text) < 0)
		n = cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	else if (n >= 0 && cg_out_line(&w->loop.out, text.buf, text.len, err) < 0)
		n = -1;
	cg_buf_release(&text);
	json_decref(items);
	return n;
}

static int stock_levels(struct world *w, const struct opts *o, struct cg_err *err)
{
	unsigned long low = 0;
	long n = text_wanted(o) ? stock_text(w, &low, err) :
		 cg_duty_stock_levels(&w->work, &w->loop, &low, err);

	if (n < 0)
		return -1;
	if (o->common.verbose)
		fprintf(stderr, _("%s: %ld items, %lu under their minimum\n"), cg_progname(), n, low);
	return CG_EXIT_OK;
}

/* Text for a person: asked for, or the default on a terminal. */
static int text_wanted(const struct opts *o)
{
	if (o->format)
		return !strcmp(o->format, "text");
	return isatty(STDOUT_FILENO);
}

static int run_care(struct world *w, const struct opts *o, struct cg_err *err)
{
	unsigned long missed = 0;
	long n = cg_duty_care(&w->work, text_wanted(o), &w->loop, &missed, err);

	if (n < 0)
		return -1;
	if (missed)
		cg_warning(_("%lu care entries missed a call in the last 7 days"), missed);
	if (o->common.verbose)
		fprintf(stderr, _("%s: %ld care entries\n"), cg_progname(), n);
	return CG_EXIT_OK;
}

static int run_records(struct world *w, const struct opts *o, struct cg_err *err)
{
	const char *name = o->sub->name;

	w->work.rule = o->sub->fn;
	w->loop.fn = cg_duty_take;
	w->loop.ctx = &w->work;
	w->loop.parse = 1;
	/* stock and care with no input at all: the levels, the ledger. */
	if (!strcmp(name, "stock") && !o->noperands && isatty(STDIN_FILENO))
		return stock_levels(w, o, err);
	if (!strcmp(name, "care") && !o->noperands && isatty(STDIN_FILENO))
		return run_care(w, o, err);
	/* The ledger's changes on a terminal: masked. */
	if (!strcmp(name, "care") && text_wanted(o))
		w->loop.show = cg_duty_care_show;
	if (o->guard || o->task || o->need) {
		if (take_options(w, o, err) < 0)
			return -1;
	} else if (cg_loop_run_files(&w->loop, o->operands, o->noperands, err) < 0) {
		return -1;
	}
	if (!strcmp(name, "stock") && !w->loop.taken && !w->loop.rejected)
		return stock_levels(w, o, err);
	if (!strcmp(name, "care") && !w->loop.taken && !w->loop.rejected) {
		w->loop.show = NULL;
		return run_care(w, o, err);
	}
	if (o->common.verbose)
		fprintf(stderr, _("%s: %lu accepted (%lu alerts), %lu rejected\n"),
			cg_progname(), w->loop.taken, w->work.alerts, w->loop.rejected);
	return cg_loop_status(&w->loop);
}

static int run(struct world *w, const struct opts *o, struct cg_err *err)
{
	struct cg_duty_select sel = { o->task, o->place, o->guard, -1 };
	int32_t day = -1;
	long n;

	if (o->sub->fn)
		return run_records(w, o, err);
	if (o->date && cg_day_parse(o->date, &day) < 0)
		usage_error(_("invalid date '%s' for --date (YYYY-MM-DD)"), o->date);
	if (!strcmp(o->sub->name, "list")) {
		sel.day = day;
		if ((n = cg_duty_list(&w->home, &sel, text_wanted(o), &w->loop, err)) < 0)
			return -1;
		if (o->common.verbose)
			fprintf(stderr, _("%s: %ld events\n"), cg_progname(), n);
		return CG_EXIT_OK;
	}
	w->work.text = text_wanted(o);
	/* Who was under observation from the first day looked at. */
	if (cg_duty_plan_observes(&w->plan) &&
	    cg_duty_observed_load(&w->observed, &w->home,
				  day < 0 ? cg_local_day(w->work.now, NULL) - 1 : day, err) < 0)
		return -1;
	if ((n = cg_duty_due(&w->work, day, &w->loop, err)) < 0)
		return -1;
	if (o->common.verbose)
		fprintf(stderr, _("%s: %ld due or missed\n"), cg_progname(), n);
	return CG_EXIT_OK;
}

/*
 * After a run that wrote, under the run lock: the snapshot of the fold
 * for the next start (index/duty.snap), at the end of what this run
 * committed, else where the fold stood.  A failure is a warning: the
 * snapshot is derived, the journal is the truth.
 */
static void save_snapshot(struct world *w)
{
	const struct cg_journal_pos *pos = &w->book.pos;
	struct cg_err err = CG_ERR_INIT;

	if (!w->journaling)
		return;
	if (w->journal.commit_to.seq > pos->seq)
		pos = &w->journal.commit_to;
	else if (!w->book.tail)
		return;
	if (cg_dutybook_save(&w->book, &w->home, pos, &err) < 0)
		cg_warning("%s", err.msg);
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct opts o;
	struct world w;
	int status;

	cg_cmd_setup("cg-duty");
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	memset(&w, 0, sizeof(w));
	load_world(&w, &o, &err);
	status = run(&w, &o, &err);
	if (status >= 0 && (cg_loop_finish(&w.loop, &err) < 0 || cg_out_close(&w.loop.out, &err) < 0))
		status = -1;
	if (status >= 0)
		save_snapshot(&w);
	if (status < 0) {
		/* Print what was already made durable before giving up. */
		struct cg_err ignored;

		cg_out_close(&w.loop.out, &ignored);
		cg_die_err(&err);
	}
	release_world(&w);
	return status;
}
