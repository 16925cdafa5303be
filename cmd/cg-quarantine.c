/*
 * cg-quarantine: home-observation cases (居家观察), from arrival to release.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/casebook.h"
#include "core/clock.h"
#include "core/cmd.h"
#include "store/config.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/loop.h"
#include "rules/quarantine.h"
#include "rules/validate.h"

static const char usage_text[] = N_(
"Usage: cg-quarantine open [OPTION]... [FILE]...\n"
"   or: cg-quarantine check [OPTION]... [FILE]...\n"
"   or: cg-quarantine escalate [--reason TEXT] [OPTION]... [FILE]...\n"
"   or: cg-quarantine close [--reason REASON] [OPTION]... [FILE]...\n"
"   or: cg-quarantine extend [--days [+]N] [OPTION]... [FILE]...\n"
"   or: cg-quarantine need [OPTION]... [FILE]...\n"
"   or: cg-quarantine due [--date DATE] [OPTION]...\n"
"   or: cg-quarantine release [--date DATE] [--explain] [OPTION]...\n"
"   or: cg-quarantine list [--status STATUS] [OPTION]...\n"
"   or: cg-quarantine show [OPTION]... CASE_ID...\n"
"Home-observation cases (居家观察): open them, record the daily temperature\n"
"checks, see what is due, release the finished ones for a pass.  Records are\n"
"JSON lines from FILEs or standard input; every event is journaled in the\n"
"data directory and made durable before it is printed.\n"
"\n"
"Subcommands:\n"
"  open      person records in (reason, from, start, days, officer), cases out\n"
"  check     checks in (case_id or id_no/phone, temp, symptoms, by); a fever\n"
"            or symptoms escalate the case and print an alert\n"
"  escalate  escalate open cases by hand\n"
"  close     close cases: transferred, hospital, moved_out, cancelled, error\n"
"  extend    change the length of cases (\"days\", or \"add_days\")\n"
"  need      service requests (supplies, garbage, repair, medical, ...);\n"
"            {\"need_id\":ID,\"done\":true} closes one\n"
"  due       what is due on a day: check windows, missed ones, cases ending\n"
"  release   release the cases whose period is over and whose checks are good;\n"
"            the output feeds 'cg-pass issue'\n"
"  list      the cases\n"
"  show      cases with their checks, needs and history\n"
"\n"
"Options:\n"
"      --date DATE       the day due and release look at (default today)\n"
"      --days N          open: the length of cases; extend: the new length,\n"
"                        or +N to add N days\n"
"  -n, --dry-run         check and print, but journal nothing\n"
"      --explain         release: print why each ended case is not\n"
"                        releasable, release nothing\n"
"      --home DIR        data directory (default $CG_HOME, else\n"
"                        $XDG_STATE_HOME/cg, else ~/.local/state/cg)\n"
"      --household HOUSEHOLD  list: only the cases of this household\n"
"      --line-buffered   flush every record (default when stdout is a terminal)\n"
"      --no-final-day-check  release: do not require a check in every window\n"
"                        of the final day\n"
"      --now TIME        fix the clock (RFC 3339; default $CG_NOW, else now)\n"
"      --officer NAME    list: only the cases of this officer\n"
"  -q, --quiet           no warnings\n"
"      --reason REASON   escalate, close: the reason of every record\n"
"      --rejects FILE    append every rejected input line to FILE\n"
"      --status STATUS   list: open, escalated, released, closed or active\n"
"      --strict          stop at the first rejected line\n"
"  -v, --verbose         a summary on standard error at the end\n"
"  -h, --help            show this help and exit\n"
"  -V, --version         show the version and exit\n"
"\n"
"Exit status: 0 all good, 1 some lines rejected (or an unknown CASE_ID),\n"
"2 usage error, 3 system error, 6 a journal is damaged.\n"
"\n"
"Examples:\n"
"  echo '{\"name\":\"张三\",\"household\":\"3-2-501\",\"reason\":\"other\"}' | cg-quarantine open\n"
"  echo '{\"case_id\":\"Q260125-001\",\"temp\":36.6}' | cg-quarantine check\n"
"  cg-quarantine due | jq -r 'select(.windows_due != []) | .household'\n"
"  cg-quarantine release | cg-pass issue --class returnee\n");

enum {
	OPT_DATE = 256,
	OPT_DAYS,
	OPT_EXPLAIN,
	OPT_HOUSEHOLD,
	OPT_NO_FINAL_DAY_CHECK,
	OPT_OFFICER,
	OPT_REASON,
	OPT_STATUS
};

static const struct option options[] = {
	{ "date", required_argument, NULL, OPT_DATE },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "help", no_argument, NULL, 'h' },
	{ "household", required_argument, NULL, OPT_HOUSEHOLD },
	{ "no-final-day-check", no_argument, NULL, OPT_NO_FINAL_DAY_CHECK },
	{ "officer", required_argument, NULL, OPT_OFFICER },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "status", required_argument, NULL, OPT_STATUS },
	CG_RECORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* What a subcommand does with input, the journal and operands. */
enum {
	READS = 1,	/* JSON lines from FILEs or stdin */
	WRITES = 2,	/* journals events */
	IDS = 4		/* operands are case ids */
};

struct subcommand {
	const char *name;
	cg_quarantine_fn *fn;
	int flags;
};

static const struct subcommand subcommands[] = {
	{ "open", cg_quarantine_open, READS | WRITES },
	{ "check", cg_quarantine_check, READS | WRITES },
	{ "escalate", cg_quarantine_escalate, READS | WRITES },
	{ "close", cg_quarantine_close, READS | WRITES },
	{ "extend", cg_quarantine_extend, READS | WRITES },
	{ "need", cg_quarantine_need, READS | WRITES },
	{ "due", NULL, 0 },
	{ "release", NULL, WRITES },
	{ "list", NULL, 0 },
	{ "show", NULL, IDS },
	{ NULL, NULL, 0 }
};

struct opts {
	const struct subcommand *sub;
	struct cg_common_opts common;
	int dry_run, explain, no_final_day_check;
	int days, add_days;
	const char *date, *officer, *reason, *status;
	char household[CG_HOUSEHOLD_LEN];
	int has_household;
	char **operands;
	int noperands;
};

static void usage_error(const char *fmt, const char *arg)
{
	cg_error(fmt, arg);
	cg_usage_hint();
}

/* The option given goes with the subcommands named in `with`. */
static void only_for(int given, const char *option, const struct opts *o,
		     const char *const *with)
{
	if (!given)
		return;
	for (; *with; with++)
		if (!strcmp(*with, o->sub->name))
			return;
	cg_error(_("%s does not go with '%s'"), option, o->sub->name);
	cg_usage_hint();
}

static void parse_days(const char *arg, struct opts *o)
{
	char *end;
	long n = strtol(arg + (*arg == '+'), &end, 10);

	if (!*arg || *end || n < 1 || n > 365 || arg[*arg == '+'] == '-' ||
	    arg[*arg == '+'] == '+' || arg[*arg == '+'] == ' ')
		usage_error(_("invalid number of days '%s' for --days (1 to 365, or +N)"), arg);
	if (*arg == '+')
		o->add_days = (int)n;
	else
		o->days = (int)n;
}

static void check_combinations(struct opts *o)
{
	static const char *const reads[] = {
		"open", "check", "escalate", "close", "extend", "need", NULL
	};
	static const char *const writes[] = {
		"open", "check", "escalate", "close", "extend", "need", "release", NULL
	};
	static const char *const dated[] = { "due", "release", NULL };
	static const char *const release[] = { "release", NULL };
	static const char *const reasoned[] = { "escalate", "close", NULL };
	static const char *const days[] = { "open", "extend", NULL };
	static const char *const listing[] = { "list", NULL };
	int flags = o->sub->flags;

	only_for(o->date != NULL, "--date", o, dated);
	only_for(o->days || o->add_days, "--days", o, days);
	only_for(o->dry_run, "--dry-run", o, writes);
	only_for(o->explain, "--explain", o, release);
	only_for(o->has_household, "--household", o, listing);
	only_for(o->no_final_day_check, "--no-final-day-check", o, release);
	only_for(o->officer != NULL, "--officer", o, listing);
	only_for(o->reason != NULL, "--reason", o, reasoned);
	only_for(o->common.rejects != NULL, "--rejects", o, reads);
	only_for(o->status != NULL, "--status", o, listing);
	only_for(o->common.strict, "--strict", o, reads);
	if (o->add_days && strcmp(o->sub->name, "extend"))
		usage_error(_("--days +N goes with '%s' only"), "extend");
	if (o->reason && !strcmp(o->sub->name, "close") &&
	    !cg_quarantine_close_reason_ok(o->reason))
		usage_error(_("unknown close reason '%s' for --reason (transferred, hospital, moved_out, cancelled, error)"),
			    o->reason);
	if (o->reason && !*o->reason)
		usage_error(_("empty reason for --reason%s"), "");
	if (o->status && strcmp(o->status, "open") && strcmp(o->status, "escalated") &&
	    strcmp(o->status, "released") && strcmp(o->status, "closed") &&
	    strcmp(o->status, "active"))
		usage_error(_("unknown status '%s' for --status (open, escalated, released, closed, active)"),
			    o->status);
	if (o->officer && !*o->officer)
		usage_error(_("empty name for --officer%s"), "");
	if (!(flags & (READS | IDS)) && o->noperands)
		usage_error(_("'%s' takes no operands"), o->sub->name);
	if ((flags & IDS) && !o->noperands)
		usage_error(_("'%s' needs at least one CASE_ID"), o->sub->name);
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	const struct subcommand *s;
	const char *why;
	int c;

	memset(o, 0, sizeof(*o));
	argv[0] = (char *)cg_progname();	/* getopt's messages use it */
	while ((c = getopt_long(argc, argv, "hnqvV", options, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(_(usage_text), stdout); exit(CG_EXIT_OK);
		case 'n': o->dry_run = 1; break;
		case OPT_DATE: o->date = optarg; break;
		case OPT_DAYS: parse_days(optarg, o); break;
		case OPT_EXPLAIN: o->explain = 1; break;
		case OPT_HOUSEHOLD:
			if (cg_valid_household(optarg, o->household, &why) < 0) {
				cg_error(_("invalid household '%s' for --household: %s"), optarg, why);
				cg_usage_hint();
			}
			o->has_household = 1;
			break;
		case OPT_NO_FINAL_DAY_CHECK: o->no_final_day_check = 1; break;
		case OPT_OFFICER: o->officer = optarg; break;
		case OPT_REASON: o->reason = optarg; break;
		case OPT_STATUS: o->status = optarg; break;
		default:
			if (!cg_common_option(c, optarg, &o->common))
				cg_usage_hint();
		}
	}
	if (optind >= argc)
		usage_error(_("missing subcommand (open, check, escalate, close, extend, need, due, release, list, show)%s"),
			    "");
	for (s = subcommands; s->name; s++)
		if (!strcmp(s->name, argv[optind]))
			break;
	if (!s->name)
		usage_error(_("unknown subcommand '%s'"), argv[optind]);
	o->sub = s;
	o->operands = argv + optind + 1;
	o->noperands = argc - optind - 1;
	check_combinations(o);
}

struct world {
	struct cg_home home;
	struct cg_config cfg;
	struct cg_casebook cases;
	struct cg_clock clock;
	struct cg_journal journal;
	struct cg_loop loop;
	struct cg_quarantine q;
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
	cg_casebook_init(&w->cases);
	if (o->sub->flags & IDS)
		for (int i = 0; i < o->noperands; i++)
			cg_casebook_keep_events(&w->cases, o->operands[i]);
	w->journaling = (o->sub->flags & WRITES) && !o->dry_run && !o->explain;
	if (cg_home_open(&w->home, o->common.home, err) < 0 ||
	    cg_config_load(&w->cfg, &w->home, err) < 0)
		cg_die_err(err);
	/* What a run checks its records against must stay true until its
	 * events are journaled: writers take turns, and read after the lock. */
	if (w->journaling &&
	    (w->lockfd = cg_quarantine_lock(&w->home, &CG_NOTIFIER_STDERR, err)) < 0)
		cg_die_err(err);
	if (cg_casebook_load(&w->cases, &w->home, err) < 0)
		cg_die_err(err);
	if (w->journaling && cg_journal_open(&w->journal, &w->home, "quarantine", err) < 0)
		cg_die_err(err);
	if (cg_loop_init(&w->loop, o->common.rejects, o->common.line_buffered, err) < 0)
		cg_die_err(err);
	w->loop.notify = CG_NOTIFIER_STDERR;
	w->loop.clock = &w->clock;
	w->loop.strict = o->common.strict;
	if (w->journaling)
		w->loop.journal = &w->journal;
	cg_quarantine_init(&w->q, &w->cfg, &w->cases, cg_clock_now(&w->clock));
	w->q.reason = o->reason;
	w->q.days = o->days;
	w->q.add_days = o->add_days;
	if (o->no_final_day_check)
		w->q.final_day_check = 0;
}

static void release_world(struct world *w)
{
	if (w->journaling)
		cg_journal_release(&w->journal);
	if (w->lockfd >= 0)
		close(w->lockfd);
	cg_casebook_release(&w->cases);
	cg_config_release(&w->cfg);
	cg_home_release(&w->home);
}

/* The day of --date, else today. */
static int32_t the_day(const struct world *w, const struct opts *o)
{
	int32_t day;

	if (!o->date)
		return w->q.today;
	if (cg_day_parse(o->date, &day) < 0)
		usage_error(_("invalid date '%s' for --date (YYYY-MM-DD)"), o->date);
	if (!strcmp(o->sub->name, "release") && day > w->q.today) {
		char today[CG_DATE_LEN];

		cg_day_format(w->q.today, today);
		cg_error(_("--date %s is after today (%s): a period is over only once its last day has passed"),
			 o->date, today);
		cg_usage_hint();
	}
	return day;
}

/* A case with its whole history: hundreds of events of a few hundred
 * bytes each; room for records that carry large fields of their own. */
#define SHOW_MAX (64 * 1024 * 1024)

static int show(struct world *w, const struct opts *o, struct cg_err *err)
{
	int status = CG_EXIT_OK;

	for (int i = 0; i < o->noperands; i++) {
		struct cg_case *c = cg_casebook_find(&w->cases, o->operands[i]);
		struct cg_buf line = CG_BUF_INIT(SHOW_MAX);
		json_t *rec;
		int ret;

		if (!c) {
			cg_error(_("unknown case '%s'"), o->operands[i]);
			status = CG_EXIT_REJECTED;
			continue;
		}
		rec = cg_quarantine_show_record(&w->q, c);
		ret = cg_jsonl_dump(rec, &line);
		json_decref(rec);
		if (ret == 0)
			ret = cg_out_line(&w->loop.out, line.buf, line.len, err);
		else
			ret = cg_err_set(err, CG_EXIT_SYSTEM, _("cannot write a record"));
		cg_buf_release(&line);
		if (ret < 0)
			return -1;
	}
	return status;
}

static int run(struct world *w, const struct opts *o, struct cg_err *err)
{
	const char *name = o->sub->name;
	struct cg_quarantine_select sel;
	long n;

	if (o->sub->fn) {
		w->q.rule = o->sub->fn;
		w->loop.fn = cg_quarantine_take;
		w->loop.ctx = &w->q;
		w->loop.parse = 1;
		if (cg_loop_run_files(&w->loop, o->operands, o->noperands, err) < 0)
			return -1;
		if (o->common.verbose && !strcmp(name, "open"))
			fprintf(stderr, _("%s: %lu accepted (%lu already open), %lu rejected\n"),
				cg_progname(), w->loop.taken, w->q.existing, w->loop.rejected);
		else if (o->common.verbose && !strcmp(name, "check"))
			fprintf(stderr, _("%s: %lu accepted (%lu alerts), %lu rejected\n"),
				cg_progname(), w->loop.taken, w->q.alerts, w->loop.rejected);
		else if (o->common.verbose)
			fprintf(stderr, _("%s: %lu accepted, %lu rejected\n"),
				cg_progname(), w->loop.taken, w->loop.rejected);
		return cg_loop_status(&w->loop);
	}
	if (!strcmp(name, "show"))
		return show(w, o, err);
	if (!strcmp(name, "due")) {
		if ((n = cg_quarantine_due(&w->q, the_day(w, o), &w->loop, err)) < 0)
			return -1;
		if (o->common.verbose)
			fprintf(stderr, _("%s: %ld cases under observation\n"), cg_progname(), n);
	} else if (!strcmp(name, "release")) {
		if ((n = cg_quarantine_release(&w->q, the_day(w, o), o->explain, &w->loop, err)) < 0)
			return -1;
		if (o->common.verbose)
			fprintf(stderr, o->explain ? _("%s: %ld cases not releasable\n") :
				_("%s: %ld cases released\n"), cg_progname(), n);
	} else {
		sel.status = o->status;
		sel.officer = o->officer;
		sel.household = o->has_household ? o->household : NULL;
		if ((n = cg_quarantine_list(&w->q, &sel, &w->loop, err)) < 0)
			return -1;
		if (o->common.verbose)
			fprintf(stderr, _("%s: %ld cases\n"), cg_progname(), n);
	}
	return CG_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct opts o;
	struct world w;
	int status;

	cg_cmd_setup("cg-quarantine");
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	memset(&w, 0, sizeof(w));
	load_world(&w, &o, &err);
	status = run(&w, &o, &err);
	if (status >= 0 && (cg_loop_finish(&w.loop, &err) < 0 || cg_out_close(&w.loop.out, &err) < 0))
		status = -1;
	if (status < 0) {
		/* Print what was already made durable before giving up. */
		struct cg_err ignored;

		cg_out_close(&w.loop.out, &ignored);
		cg_die_err(&err);
	}
	release_world(&w);
	return status;
}
