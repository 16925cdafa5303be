/*
 * cg-quarantine: home-observation cases (居家观察), from arrival to release.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
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
#include "core/options.h"
#include "store/journal.h"
#include "store/loop.h"
#include "rules/correction.h"
#include "rules/quarantine.h"
#include "rules/followup.h"
#include "rules/trace.h"
#include "rules/validate.h"
#include "ui/followsheet.h"
#include "ui/listing.h"

static const char summary[] = N_(
"Home-observation cases (居家观察): open them, record the daily temperature\n"
"checks, see what is due, release the finished ones for a pass.  Records are\n"
"JSON lines from FILEs or standard input; every event is journaled in the\n"
"data directory and made durable before it is printed.\n");

static const char footer[] = N_(
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
	OPT_STATUS,
	OPT_BY,
	OPT_SET,
	OPT_ONSET,
	OPT_WINDOW,
	OPT_DEPTH,
	OPT_FROM_CASES,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FORMAT
};

#define CORRECTION_BY \
	{ "by", 0, OPT_BY, "NAME", N_("who corrects (default: the login name)"), \
	  "text", NULL, NULL, \
	  "Who makes the correction, journaled as\n" \
	  ".Cm corrected_by .\n" \
	  "The default is the login name.\n" }
#define CORRECTION_REASON \
	{ "reason", 0, OPT_REASON, "TEXT", N_("why the check is corrected (required)"), \
	  "text", NULL, NULL, \
	  "Why the check is corrected, journaled as\n" \
	  ".Cm correction_reason ;\n" \
	  "required.\n" }

static const struct cg_option void_options[] = {
	CORRECTION_BY,
	CORRECTION_REASON,
	CG_OPTION_END
};

static const struct cg_option amend_options[] = {
	CORRECTION_BY,
	CORRECTION_REASON,
	{ "set", 0, OPT_SET, "FIELD=VALUE",
	  N_("the corrected value of a field of the check\n(repeatable; VALUE is JSON, else text)"),
	  "text", NULL, NULL,
	  "The corrected value of\n"
	  ".Ar FIELD\n"
	  "of the check\n"
	  ".Pq Li temp=36.6 , Li symptoms='[]' ;\n"
	  "may be given more than once, and at least once.\n"
	  ".Ar VALUE\n"
	  "is read as JSON when it is JSON, else as text; a field that holds text\n"
	  "takes it as text.\n" },
	CG_OPTION_END
};

static const struct cg_option open_options[] = {
	{ "days", 0, OPT_DAYS, "N", N_("the length of cases"), "number", NULL, NULL,
	  "The length of the cases whose records have no\n"
	  ".Cm days ,\n"
	  "1 to 365.\n" },
	{ "reason", 0, OPT_REASON, "REASON",
	  N_("the reason of records without one: risk_area_return,\n"
	     "close_contact, secondary_contact or other"),
	  "choice:risk_area_return close_contact secondary_contact other", NULL, NULL,
	  "The reason of the records that carry none; one of the open reasons.\n"
	  "A record's own\n"
	  ".Cm reason\n"
	  "wins: the output of\n"
	  ".Cm trace\n"
	  "names each contact's.\n" },
	CG_OPTION_END
};

static const struct cg_option escalate_options[] = {
	{ "reason", 0, OPT_REASON, "TEXT", N_("the reason of every record"),
	  "text", NULL, NULL,
	  "The reason of every record, over the records' own.\n" },
	CG_OPTION_END
};

static const struct cg_option close_options[] = {
	{ "reason", 0, OPT_REASON, "REASON",
	  N_("the reason of every record: transferred, hospital,\n"
	     "moved_out, cancelled or error"),
	  "choice:transferred hospital moved_out cancelled error", NULL, NULL,
	  "The reason of every record, over the records' own; one of the close\n"
	  "reasons.\n" },
	CG_OPTION_END
};

static const struct cg_option extend_options[] = {
	{ "days", 0, OPT_DAYS, "N", N_("the new length, or +N to add N days"),
	  "number", NULL, NULL,
	  "The new length of cases whose records have neither\n"
	  ".Cm days\n"
	  "nor\n"
	  ".Cm add_days ,\n"
	  "or with a leading\n"
	  ".Sq + ,\n"
	  "the days to add\n"
	  ".Pq Fl -days Li +7 .\n"
	  "1 to 365.\n" },
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

static const struct cg_option show_options[] = {
	FORMAT_ENTRY,
	CG_OPTION_END
};

static const struct cg_option due_options[] = {
	{ "date", 0, OPT_DATE, "DATE", N_("the day to look at (default today)"),
	  "date", NULL, NULL,
	  "The day to look at,\n"
	  ".Ar YYYY-MM-DD ;\n"
	  "today (the local date of the clock) by default.\n" },
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("text (aligned, masked; the default on a terminal),\njson (the default otherwise) or html: the daily\nfollow-up sheet, per officer, printable on A4"),
	  "choice:text json html", NULL, NULL,
	  ".Cm text :\n"
	  "a line a case, aligned for a person, names and phone numbers masked\n"
	  "(the default when standard output is a terminal);\n"
	  ".Cm json :\n"
	  "the due records (the default otherwise); or\n"
	  ".Cm html :\n"
	  "the daily follow-up sheet: a page per responsible officer, printable on\n"
	  "A4 (see\n"
	  ".Cm due ) .\n" },
	CG_OPTION_END
};

static const struct cg_option release_options[] = {
	{ "date", 0, OPT_DATE, "DATE", N_("the day to look at (default today)"),
	  "date", NULL, NULL,
	  "The day to look at,\n"
	  ".Ar YYYY-MM-DD ;\n"
	  "today (the local date of the clock) by default.\n"
	  "It may not be after today.\n" },
	{ "explain", 0, OPT_EXPLAIN, NULL,
	  N_("print why each ended case is not releasable,\nrelease nothing"),
	  NULL, NULL, NULL,
	  "Release nothing; print why each case whose period is over cannot be\n"
	  "released.\n" },
	{ "no-final-day-check", 0, OPT_NO_FINAL_DAY_CHECK, NULL,
	  N_("do not require a check in every window of the\nfinal day"),
	  NULL, NULL, NULL,
	  "Do not require a check in every window of the final day.\n" },
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("with --explain: text (aligned, masked; the default\non a terminal) or json (the default otherwise)"),
	  "choice:text json", NULL, NULL,
	  "With\n"
	  ".Fl -explain :\n"
	  ".Cm text ,\n"
	  "a line a reason for a person, the cases' names masked (the default when\n"
	  "standard output is a terminal), or\n"
	  ".Cm json ,\n"
	  "the records as JSON lines (the default otherwise).\n"
	  "What is released is always JSON lines, the input of\n"
	  ".Xr cg-pass 1 .\n" },
	CG_OPTION_END
};

static const struct cg_option list_options[] = {
	{ "household", 0, OPT_HOUSEHOLD, "HOUSEHOLD",
	  N_("only the cases of this household"), "household", NULL, NULL,
	  "Only the cases of this household (building-unit-room, as\n"
	  ".Li 3-2-501 ) .\n" },
	{ "officer", 0, OPT_OFFICER, "NAME", N_("only the cases of this officer"),
	  "text", NULL, NULL,
	  "Only the cases whose\n"
	  ".Cm officer\n"
	  "is\n"
	  ".Ar NAME .\n" },
	{ "status", 0, OPT_STATUS, "STATUS",
	  N_("open, escalated, released, closed or active"),
	  "choice:open escalated released closed active", NULL, NULL,
	  "Only the cases with that status:\n"
	  ".Cm open ,\n"
	  ".Cm escalated ,\n"
	  ".Cm released ,\n"
	  ".Cm closed ,\n"
	  "or\n"
	  ".Cm active\n"
	  "(open or escalated).\n" },
	FORMAT_ENTRY,
	CG_OPTION_END
};

static const struct cg_option trace_options[] = {
	{ "depth", 0, OPT_DEPTH, "N",
	  N_("1: contacts (default); 2: their contacts too,\nas secondary_contact"),
	  "choice:1 2", NULL, NULL,
	  "How far to trace:\n"
	  ".Cm 1 ,\n"
	  "the index persons' contacts (the default), or\n"
	  ".Cm 2 ,\n"
	  "their contacts too, with the reason\n"
	  ".Cm secondary_contact ;\n"
	  "for them only what happened after their own first exposure counts.\n" },
	{ "from-cases", 0, OPT_FROM_CASES, NULL,
	  N_("a sweep: every case escalated in the period\nis an index person"),
	  NULL, "none", NULL,
	  "A sweep: every case escalated in the period is an index person, all\n"
	  "traced in one pass over the journals; no records are read.\n" },
	{ "onset", 0, OPT_ONSET, "DATE",
	  N_("the index persons' onset: the period is the\ntrace.days before it (default today)"),
	  "date", NULL, NULL,
	  "The onset of the index persons,\n"
	  ".Ar YYYY-MM-DD ;\n"
	  "the period traced is the\n"
	  ".Cm trace.days\n"
	  "(policy, 14) days before it and the day itself.\n"
	  "Today by default; it may not be after today.\n" },
	{ "window", 0, OPT_WINDOW, "MINUTES",
	  N_("same gate within this many minutes\n(default trace.window_min, 15)"),
	  "number", NULL, NULL,
	  "Passages through the same gate at most\n"
	  ".Ar MINUTES\n"
	  "apart, before or after, are contacts; 0 to 1440, by default\n"
	  ".Cm trace.window_min\n"
	  "(policy, 15).\n" },
	CG_OPTION_END
};

static const struct cg_option stats_options[] = {
	{ "date", 0, OPT_DATE, "DATE", N_("the day to count (default today)"),
	  "date", NULL, NULL,
	  "The day to count,\n"
	  ".Ar YYYY-MM-DD ;\n"
	  "today by default.\n" },
	FORMAT_ENTRY,
	{ "since", 0, OPT_SINCE, "DATE", N_("the first day to count"),
	  "date", NULL, NULL,
	  "The first day to count; with\n"
	  ".Fl -until\n"
	  "(today by default), one figure a day.\n" },
	{ "until", 0, OPT_UNTIL, "DATE", N_("the last day to count (default today)"),
	  "date", NULL, NULL,
	  "The last day to count; it may not be after today.\n" },
	CG_OPTION_END
};

/* The subcommands that read records take --rejects and --strict. */
#define READING CG_COMMON_RECORD
#define LISTING (CG_COMMON_BASIC | CG_COMMON_LINE_BUFFERED)

static const struct cg_option options[] = {
	{ "dry-run", 'n', 'n', NULL, N_("check and print, but journal nothing"),
	  NULL, NULL, "open check escalate close extend need release trace",
	  "Check and print, but journal nothing: the records have no\n"
	  ".Cm seq\n"
	  "and\n"
	  ".Cm chain .\n"
	  "Later records of the same run see the earlier ones.\n" },
	/* The shared options, as they read here. */
	{ "line-buffered", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Flush standard output after every record.\n"
	  "This is the default when standard output is a terminal.\n"
	  "Without it, output is still flushed whenever\n"
	  ".Nm\n"
	  "would wait for input.\n" },
	{ "now", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Fix the clock at\n"
	  ".Ar TIME ,\n"
	  "RFC 3339\n"
	  ".Pq Li 2026-01-25T08:00:00+08:00 ;\n"
	  "a time without offset or a bare date is local time.\n"
	  "The default is\n"
	  ".Ev CG_NOW ,\n"
	  "else the system clock.\n"
	  "The clock stamps records without\n"
	  ".Cm ts ,\n"
	  "picks today for\n"
	  ".Cm due\n"
	  "and\n"
	  ".Cm release ,\n"
	  "and decides which windows have closed.\n" },
	{ "quiet", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "No warnings (checks outside every window, checks of escalated cases, a\n"
	  "torn journal line set aside, waiting for another run).\n"
	  "Rejected lines and errors are still reported.\n" },
	{ "strict", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Stop at the first rejected line.\n"
	  "What was accepted before it is journaled and printed; the exit status is 1.\n" },
	{ "verbose", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "At the end, write a summary to standard error, such as\n"
	  ".Ql cg-quarantine: 12 accepted (1 alerts), 0 rejected .\n" },
	CG_OPTION_END
};

/* What a subcommand does with input, the journal and operands. */
enum {
	READS = 1,	/* JSON lines from FILEs or stdin */
	WRITES = 2,	/* journals events */
	IDS = 4,	/* operands are case ids */
	CORRECTS = 8	/* the operand is the rid of a check */
};

static const struct cg_subcommand subs[] = {
	{ "open", "cg-quarantine open [--reason REASON] [OPTION]... [FILE]...",
	  N_("person records in (reason, from, start, days, officer), cases out"),
	  open_options, READING, "file" },
	{ "check", "cg-quarantine check [OPTION]... [FILE]...",
	  N_("checks in (case_id or id_no/phone, temp, symptoms, by); a fever\n"
	     "or symptoms escalate the case and print an alert"),
	  NULL, READING, "file" },
	{ "escalate", "cg-quarantine escalate [--reason TEXT] [OPTION]... [FILE]...",
	  N_("escalate open cases by hand"), escalate_options, READING, "file" },
	{ "close", "cg-quarantine close [--reason REASON] [OPTION]... [FILE]...",
	  N_("close cases: transferred, hospital, moved_out, cancelled, error"),
	  close_options, READING, "file" },
	{ "extend", "cg-quarantine extend [--days [+]N] [OPTION]... [FILE]...",
	  N_("change the length of cases (\"days\", or \"add_days\")"),
	  extend_options, READING, "file" },
	{ "need", "cg-quarantine need [OPTION]... [FILE]...",
	  N_("service requests (supplies, garbage, repair, medical, ...);\n"
	     "{\"need_id\":ID,\"done\":true} closes one"),
	  NULL, READING, "file" },
	{ "due", "cg-quarantine due [--date DATE] [--format FORMAT] [OPTION]...",
	  N_("what is due on a day: check windows, missed ones, cases ending"),
	  due_options, LISTING, "none" },
	{ "release", "cg-quarantine release [--date DATE] [--explain [--format FORMAT]] [OPTION]...",
	  N_("release the cases whose period is over and whose checks are good;\n"
	     "the output feeds 'cg-pass issue'"),
	  release_options, LISTING, "none" },
	{ "trace", "cg-quarantine trace [--onset DATE] [--window MINUTES] [--depth N]\n"
		   " [OPTION]... [FILE]...\n"
		   "cg-quarantine trace --from-cases [--onset DATE] [OPTION]...",
	  N_("index persons in (case_id, or id_no, phone, name and household),\n"
	     "the people the gate register shows at risk out, ready for 'open'"),
	  trace_options, READING, "file" },
	{ "stats", "cg-quarantine stats [--date DATE | --since DATE [--until DATE]]\n"
		   " [--format FORMAT] [OPTION]...",
	  N_("follow-up per day: cases open, seen in every window, a window\n"
	     "missed, lost to follow-up, released after being seen every day"),
	  stats_options, LISTING, "none" },
	{ "list", "cg-quarantine list [--status STATUS] [--format FORMAT] [OPTION]...",
	  N_("the cases"), list_options, LISTING, "none" },
	{ "show", "cg-quarantine show [--format FORMAT] [OPTION]... CASE_ID...",
	  N_("cases with their checks, needs and history"), show_options, LISTING, "case" },
	{ "void", "cg-quarantine void --reason TEXT [--by NAME] [OPTION]... RID",
	  N_("void a check journaled by mistake: it no longer counts"),
	  void_options, CG_COMMON_BASIC, "text" },
	{ "amend", "cg-quarantine amend --set FIELD=VALUE... --reason TEXT [--by NAME]\n"
		   " [OPTION]... RID",
	  N_("correct a check (a wrong temperature): journal it again with\n"
	     "the --set changes, its result decided anew"),
	  amend_options, CG_COMMON_BASIC, "text" },
	{ NULL, NULL, NULL, NULL, 0, NULL }
};

static const struct cg_command command = {
	.name = "cg-quarantine",
	.summary = summary,
	.options = options,
	.subs = subs,
	.common = CG_COMMON_RECORD,
	.footer = footer,
};

/* What each subcommand does, by the name of its entry in subs[]. */
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
	{ "trace", NULL, READS },
	{ "stats", NULL, 0 },
	{ "list", NULL, 0 },
	{ "show", NULL, IDS },
	{ "void", NULL, WRITES | CORRECTS },
	{ "amend", NULL, WRITES | CORRECTS },
	{ NULL, NULL, 0 }
};

struct opts {
	const struct subcommand *sub;
	struct cg_common_opts common;
	int dry_run, explain, no_final_day_check;
	int days, add_days;
	int window, depth, from_cases;
	const char *onset, *since, *until, *format;
	const char *date, *officer, *reason, *status, *by;
	const char *sets[32];
	int nset;
	json_t *set;		/* amend: FIELD -> value; owned */
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

static int parse_window(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (!*arg || *end || *arg == '-' || *arg == '+' || *arg == ' ' || n < 0 || n > 24 * 60)
		usage_error(_("invalid number of minutes '%s' for --window (0 to 1440)"), arg);
	return (int)n;
}

/* void and amend: one rid, a reason, and for amend the changes. */
static void check_correction(struct opts *o)
{
	const char *why;

	if (o->noperands != 1)
		usage_error(_("'%s' needs one RID, the record id of a check"), o->sub->name);
	if (!o->reason)
		usage_error("%s", _("a correction needs --reason TEXT"));
	if (!strcmp(o->sub->name, "amend") && !o->nset)
		usage_error(_("'%s' needs at least one --set FIELD=VALUE"), "amend");
	o->set = json_object();
	for (int i = 0; i < o->nset; i++)
		if (cg_correction_parse_set(o->set, o->sets[i], &why) < 0) {
			cg_error(_("invalid --set '%s': %s"), o->sets[i], why);
			cg_usage_hint();
		}
}

/* Which option goes with which subcommand is in subs[]; these are the
 * values and the operands. */
static void check_combinations(struct opts *o)
{
	int flags = o->sub->flags;

	if (o->add_days && strcmp(o->sub->name, "extend"))
		usage_error(_("--days +N goes with '%s' only"), "extend");
	if (o->reason && !strcmp(o->sub->name, "close") &&
	    !cg_quarantine_close_reason_ok(o->reason))
		usage_error(_("unknown close reason '%s' for --reason (transferred, hospital, moved_out, cancelled, error)"),
			    o->reason);
	if (o->reason && !strcmp(o->sub->name, "open") &&
	    !cg_quarantine_open_reason_ok(o->reason))
		usage_error(_("unknown reason '%s' for --reason (risk_area_return, close_contact, secondary_contact, other)"),
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
	if (flags & CORRECTS)
		check_correction(o);
	if (!(flags & (READS | IDS | CORRECTS)) && o->noperands)
		usage_error(_("'%s' takes no operands"), o->sub->name);
	if (!strcmp(o->sub->name, "due"))
		o->format = cg_format_pick(o->format, "text json html");
	else if (!strcmp(o->sub->name, "stats") || !strcmp(o->sub->name, "list") ||
		 !strcmp(o->sub->name, "show") || o->explain)
		o->format = cg_format_pick(o->format, "text json");
	else if (o->format)
		usage_error(_("%s goes with --explain"), "--format");
	if (o->date && (o->since || o->until))
		usage_error("%s", _("--date excludes --since and --until"));
	if (o->until && !o->since)
		usage_error("%s", _("--until goes with --since"));
	if (o->from_cases && o->noperands)
		usage_error(_("'%s' takes no FILE: the index persons are the cases"), "--from-cases");
	if ((flags & IDS) && !o->noperands)
		usage_error(_("'%s' needs at least one CASE_ID"), o->sub->name);
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	const struct subcommand *s;
	struct cg_parse p;
	const char *why, *arg;
	int c;

	memset(o, 0, sizeof(*o));
	o->window = -1;
	cg_parse_init(&p, &command, argc, argv, &o->common);
	while ((c = cg_parse_next(&p, &arg)) != -1) {
		switch (c) {
		case 'n': o->dry_run = 1; break;
		case OPT_DATE: o->date = arg; break;
		case OPT_DAYS: parse_days(arg, o); break;
		case OPT_EXPLAIN: o->explain = 1; break;
		case OPT_HOUSEHOLD:
			if (cg_valid_household(arg, CG_HOUSEHOLD_ANY, o->household, &why) < 0) {
				cg_error(_("invalid household '%s' for --household: %s"), arg, why);
				cg_usage_hint();
			}
			o->has_household = 1;
			break;
		case OPT_NO_FINAL_DAY_CHECK: o->no_final_day_check = 1; break;
		case OPT_OFFICER: o->officer = arg; break;
		case OPT_REASON: o->reason = arg; break;
		case OPT_STATUS: o->status = arg; break;
		case OPT_BY: o->by = arg; break;
		case OPT_ONSET: o->onset = arg; break;
		case OPT_WINDOW: o->window = parse_window(arg); break;
		case OPT_DEPTH:
			if (strcmp(arg, "1") && strcmp(arg, "2"))
				usage_error(_("invalid depth '%s' for --depth (1 or 2)"), arg);
			o->depth = *arg - '0';
			break;
		case OPT_FROM_CASES: o->from_cases = 1; break;
		case OPT_SINCE: o->since = arg; break;
		case OPT_UNTIL: o->until = arg; break;
		case OPT_FORMAT: o->format = arg; break;
		case OPT_SET:
			if (o->nset == 32)
				usage_error(_("at most %s --set"), "32");
			o->sets[o->nset++] = arg;
			break;
		}
	}
	cg_parse_end(&p);
	for (s = subcommands; strcmp(s->name, p.sub->name); s++)
		;
	o->sub = s;
	o->operands = p.operands;
	o->noperands = p.noperands;
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

/* Whether the run reads its records from standard input. */
static int reads_stdin(const struct opts *o)
{
	if (!(o->sub->flags & READS))
		return 0;
	for (int i = 0; i < o->noperands; i++)
		if (!strcmp(o->operands[i], "-"))
			return 1;
	return o->noperands == 0;
}

/*
 * Until standard input has something to read, or its end.  A writer in a
 * pipeline after another (cg-quarantine open | cg-quarantine escalate)
 * must not hold the run lock while it waits for the first one's output:
 * the first one waits for that lock.
 */
static void wait_for_input(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

/*
 * What a subcommand reads of the cases at start.  due, release, list and
 * stats read them one at a time from the case index as they go
 * (cg_casebook_each_active, cg_casebook_each); trace, which reads the
 * gate's journals whole anyway, folds the case journal; the others touch
 * a few cases, looked up in the index as they are named.
 */
static int load_cases(struct world *w, const struct opts *o, struct cg_err *err)
{
	static const char *const streaming[] = { "due", "release", "list", "stats", NULL };

	for (const char *const *s = streaming; *s; s++)
		if (!strcmp(o->sub->name, *s))
			return 0;
	if (!strcmp(o->sub->name, "trace"))
		return cg_casebook_load(&w->cases, &w->home, err);
	return cg_casebook_open_lookup(&w->cases, &w->home, err);
}

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
	if (w->journaling && reads_stdin(o))
		wait_for_input();
	if (w->journaling &&
	    (w->lockfd = cg_quarantine_lock(&w->home, &CG_NOTIFIER_STDERR, err)) < 0)
		cg_die_err(err);
	if (load_cases(w, o, err) < 0)
		cg_die_err(err);
	if (w->journaling && cg_journal_open(&w->journal, &w->home, "quarantine", err) < 0)
		cg_die_err(err);
	if (cg_loop_init(&w->loop, o->common.rejects, o->common.line_buffered, err) < 0)
		cg_die_err(err);
	w->loop.notify = CG_NOTIFIER_STDERR;
	w->loop.clock = &w->clock;
	w->loop.strict = o->common.strict;
	w->loop.input_format = o->common.input_format;
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
	struct cg_err ignored;

	/* The index kept current by the writer, under its lock: the next run
	 * need not fold this one's events.  Best effort: the index is
	 * derived, and the next run folds what this one did not. */
	if (w->journaling && w->cases.lookup)
		(void)cg_casebook_refresh(&w->cases, &w->home, &ignored);
	if (w->journaling)
		cg_journal_release(&w->journal);
	if (w->lockfd >= 0)
		close(w->lockfd);
	/* Every case, check and need is a few allocations: freeing them
	 * one by one at exit cost due a tenth of its time. */
	if (!CG_FREE_AT_EXIT)
		return;
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

/* Text for a person, laid out by fn from recs (borrowed). */
static int print_text(struct world *w, int (*fn)(const json_t *, struct cg_buf *),
		      const json_t *recs, struct cg_err *err)
{
	struct cg_buf text = CG_BUF_INIT(SHOW_MAX);
	int ret = fn(recs, &text) < 0 ? cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) :
		  cg_out_line(&w->loop.out, text.buf, text.len, err);

	cg_buf_release(&text);
	return ret;
}

static int show_one(struct world *w, const struct opts *o, const json_t *rec,
		    struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(SHOW_MAX);
	int ret;

	if (!strcmp(o->format, "text"))
		return print_text(w, cg_listing_case_show, rec, err);
	ret = cg_jsonl_dump(rec, &line);
	if (ret == 0)
		ret = cg_out_line(&w->loop.out, line.buf, line.len, err);
	else
		ret = cg_err_set(err, CG_EXIT_SYSTEM, _("cannot write a record"));
	cg_buf_release(&line);
	return ret;
}

/*
 * A case's lines not where the index says (an index gone wrong, or a
 * journal damaged): the cases asked for from a fold of the journal, which
 * reports a damaged journal as such.
 */
static int show_from_fold(struct world *w, const struct opts *o, struct cg_err *err)
{
	cg_warning(_("%s; reading the journal instead"), err->msg);
	cg_casebook_release(&w->cases);
	cg_casebook_init(&w->cases);
	for (int i = 0; i < o->noperands; i++)
		cg_casebook_keep_events(&w->cases, o->operands[i]);
	w->q.cb = &w->cases;
	return cg_casebook_load(&w->cases, &w->home, err);
}

static int show(struct world *w, const struct opts *o, struct cg_err *err)
{
	int status = CG_EXIT_OK;

	for (int i = 0; i < o->noperands; i++) {
		struct cg_case *c;
		json_t *rec;
		int ret;

		if (cg_casebook_read_case(&w->cases, &w->home, o->operands[i], err) < 0 &&
		    show_from_fold(w, o, err) < 0)
			return -1;
		if (!(c = cg_casebook_find(&w->cases, o->operands[i]))) {
			cg_error(_("unknown case '%s'"), o->operands[i]);
			status = CG_EXIT_REJECTED;
			continue;
		}
		rec = cg_quarantine_show_record(&w->q, c);
		ret = show_one(w, o, rec, err);
		json_decref(rec);
		if (ret < 0)
			return -1;
	}
	return status;
}

/* due, list and release --explain as text: their records gathered, then
 * laid out. */
static long listed_as_text(struct world *w, const struct opts *o,
			   const struct cg_quarantine_select *sel, struct cg_err *err)
{
	json_t *recs = json_array();
	long n;

	w->loop.collect = recs;
	if (!strcmp(o->sub->name, "list"))
		n = cg_quarantine_list_each(&w->q, &w->home, sel, &w->loop, err);
	else if (!strcmp(o->sub->name, "due"))
		n = cg_quarantine_due_each(&w->q, &w->home, the_day(w, o), &w->loop, err);
	else
		n = cg_quarantine_release_each(&w->q, &w->home, the_day(w, o), 1, &w->loop, err);
	w->loop.collect = NULL;
	if (n >= 0 && print_text(w, !strcmp(o->sub->name, "list") ? cg_listing_cases :
				 !strcmp(o->sub->name, "due") ? cg_listing_due :
				 cg_listing_unreleasable, recs, err) < 0)
		n = -1;
	json_decref(recs);
	return n;
}

/* ---- trace ---- */

/* The period of --onset: the policy's trace.days before it, and the day. */
static void trace_period(const struct world *w, const struct opts *o,
			 int32_t *since, int32_t *until)
{
	char today[CG_DATE_LEN];

	*until = w->q.today;
	if (o->onset && cg_day_parse(o->onset, until) < 0)
		usage_error(_("invalid date '%s' for --onset (YYYY-MM-DD)"), o->onset);
	if (*until > w->q.today) {
		cg_day_format(w->q.today, today);
		cg_error(_("--onset %s is after today (%s): the period to trace is in the future"),
			 o->onset, today);
		cg_usage_hint();
	}
	*since = *until - w->cfg.trace.days;
}

struct trace_input {
	struct cg_trace *t;
	cg_time_t now;
};

static int trace_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		      char *why, size_t whylen, struct cg_err *err)
{
	struct trace_input *in = ctx;

	(void)lp;
	(void)err;
	return cg_trace_add_index(in->t, ln->rec, in->now, why, whylen);
}

/* --dry-run: the figures, nothing for open to act on. */
static json_t *trace_summary(const struct cg_trace *t, const struct cg_trace_counts *n)
{
	json_t *rec = json_object();

	cg_json_set_day(rec, "since", t->since);
	cg_json_set_day(rec, "until", t->until);
	json_object_set_new(rec, "index", json_integer((json_int_t)n->index));
	json_object_set_new(rec, "contacts", json_integer((json_int_t)n->contacts));
	static const enum cg_trace_why order[] = {
		CG_TRACE_HOUSEHOLD, CG_TRACE_VISITOR, CG_TRACE_HOST, CG_TRACE_GATE
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		json_object_set_new(rec, cg_trace_why_code(order[i]),
				    json_integer((json_int_t)n->by_why[order[i]]));
	json_object_set_new(rec, "secondary_contact", json_integer((json_int_t)n->secondary));
	json_object_set_new(rec, "under_observation",
			    json_integer((json_int_t)n->under_observation));
	json_object_set_new(rec, "events", json_integer((json_int_t)t->events));
	json_object_set_new(rec, "dry_run", json_true());
	return rec;
}

static int trace_emit(void *ctx, const char *line, size_t len, struct cg_err *err)
{
	return cg_loop_print_line(ctx, line, len, err);
}

static int trace_print(struct world *w, const struct opts *o, struct cg_trace *t,
		       struct cg_err *err)
{
	struct cg_trace_counts n;
	json_t *rec;
	int ret;

	ret = cg_trace_run(t, &n, o->dry_run ? NULL : trace_emit, &w->loop, err);
	if (ret == 0 && o->dry_run) {
		rec = trace_summary(t, &n);
		ret = cg_loop_print(&w->loop, rec, err);
		json_decref(rec);
	}
	if (ret == 0)
		ret = cg_loop_flush(&w->loop, err);
	if (ret == 0 && (o->common.verbose || o->dry_run))
		fprintf(stderr, _("%s: %lu index persons, %lu contacts (%lu same household, %lu hosted visitors, %lu visited by the index, %lu same gate window, %lu secondary), %lu already under observation\n"),
			cg_progname(), n.index, n.contacts, n.by_why[CG_TRACE_HOUSEHOLD],
			n.by_why[CG_TRACE_VISITOR], n.by_why[CG_TRACE_HOST], n.by_why[CG_TRACE_GATE],
			n.secondary, n.under_observation);
	return ret;
}

static int trace(struct world *w, const struct opts *o, struct cg_err *err)
{
	struct trace_input in;
	struct cg_trace t;
	int32_t since, until;
	const char *one;
	int ret;

	trace_period(w, o, &since, &until);
	cg_trace_init(&t, &w->cfg, &w->cases, since, until);
	if (o->window >= 0)
		t.window_min = o->window;
	if (o->depth)
		t.depth = o->depth;
	/* The tests' reference for the records written by two threads. */
	one = getenv("CG_TRACE_ONE_THREAD");
	t.one_thread = one && *one && strcmp(one, "0");
	if (cg_trace_read(&t, &w->home, &w->loop.notify, err) < 0) {
		cg_trace_release(&t);
		return -1;
	}
	in.t = &t;
	in.now = cg_clock_now(&w->clock);
	if (o->from_cases) {
		cg_trace_add_escalated(&t);
	} else {
		w->loop.fn = trace_take;
		w->loop.ctx = &in;
		w->loop.parse = 1;
		if (cg_loop_run_files(&w->loop, o->operands, o->noperands, err) < 0) {
			cg_trace_release(&t);
			return -1;
		}
	}
	ret = trace_print(w, o, &t, err);
	cg_trace_release(&t);
	return ret < 0 ? -1 : cg_loop_status(&w->loop);
}

/* ---- stats ---- */

static int32_t stats_day(const struct world *w, const char *arg, const char *opt)
{
	char today[CG_DATE_LEN];
	int32_t day;

	if (!arg)
		return w->q.today;
	if (cg_day_parse(arg, &day) < 0) {
		cg_error(_("invalid date '%s' for %s (YYYY-MM-DD)"), arg, opt);
		cg_usage_hint();
	}
	if (day > w->q.today) {
		cg_day_format(w->q.today, today);
		cg_error(_("%s %s is after today (%s): nothing to count yet"), opt, arg, today);
		cg_usage_hint();
	}
	return day;
}

static int stats(struct world *w, const struct opts *o, struct cg_err *err)
{
	int32_t since = stats_day(w, o->since ? o->since : o->date, o->since ? "--since" : "--date");
	int32_t until = o->since ? stats_day(w, o->until, "--until") : since;
	json_t *days;
	struct cg_followup_day *f;
	int ret;

	if (since > until)
		usage_error(_("--since %s is after --until"), o->since);
	/* Every case read once for all the days. */
	if (!(f = calloc((size_t)(until - since + 1), sizeof(*f))))
		return cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	ret = cg_followup_tally_days(&w->cfg, &w->cases, &w->home, cg_clock_now(&w->clock),
				     since, until, f, err);
	days = !strcmp(o->format, "text") ? json_array() : NULL;
	for (int32_t d = since; d <= until && ret == 0; d++) {
		json_t *rec = cg_followup_record(&f[d - since]);

		if (!days)
			ret = cg_loop_print(&w->loop, rec, err);
		else if (json_array_append(days, rec) < 0)
			ret = cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
		json_decref(rec);
	}
	if (days && ret == 0)
		ret = print_text(w, cg_listing_followup, days, err);
	json_decref(days);
	free(f);
	return ret < 0 ? -1 : CG_EXIT_OK;
}

/* due --format html: the follow-up sheet of the due records. */
static int due_html(struct world *w, const struct opts *o, struct cg_err *err)
{
	int32_t day = the_day(w, o);
	json_t *due = json_array();
	long n;

	w->loop.collect = due;
	n = cg_quarantine_due_each(&w->q, &w->home, day, &w->loop, err);
	w->loop.collect = NULL;
	if (n >= 0 && cg_followsheet_html(w->loop.out.fp, &w->cfg, due, day) < 0)
		n = cg_err_set(err, CG_EXIT_SYSTEM, _("cannot write the follow-up sheet"));
	json_decref(due);
	if (n < 0 || cg_out_flush(&w->loop.out, err) < 0)
		return -1;
	if (o->common.verbose)
		fprintf(stderr, _("%s: %ld cases under observation\n"), cg_progname(), n);
	return CG_EXIT_OK;
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
	if (!strcmp(name, "trace"))
		return trace(w, o, err);
	if (!strcmp(name, "stats"))
		return stats(w, o, err);
	if (o->sub->flags & CORRECTS) {
		const struct passwd *pw = getpwuid(geteuid());
		const struct cg_correction_req req = {
			o->operands[0], !strcmp(name, "amend"), o->set, o->reason,
			o->by ? o->by : pw && pw->pw_name[0] ? pw->pw_name : "unknown"
		};

		return cg_quarantine_correct(&w->q, &w->home, &req, &w->loop, err) < 0 ?
		       -1 : CG_EXIT_OK;
	}
	if (!strcmp(name, "due") && !strcmp(o->format, "html"))
		return due_html(w, o, err);
	if (!strcmp(name, "due")) {
		n = !strcmp(o->format, "text") ? listed_as_text(w, o, NULL, err) :
		    cg_quarantine_due_each(&w->q, &w->home, the_day(w, o), &w->loop, err);
		if (n < 0)
			return -1;
		if (o->common.verbose)
			fprintf(stderr, _("%s: %ld cases under observation\n"), cg_progname(), n);
	} else if (!strcmp(name, "release")) {
		n = o->explain && !strcmp(o->format, "text") ? listed_as_text(w, o, NULL, err) :
		    cg_quarantine_release_each(&w->q, &w->home, the_day(w, o), o->explain,
					       &w->loop, err);
		if (n < 0)
			return -1;
		if (o->common.verbose)
			fprintf(stderr, o->explain ? _("%s: %ld cases not releasable\n") :
				_("%s: %ld cases released\n"), cg_progname(), n);
	} else {
		sel.status = o->status;
		sel.officer = o->officer;
		sel.household = o->has_household ? o->household : NULL;
		n = !strcmp(o->format, "text") ? listed_as_text(w, o, &sel, err) :
		    cg_quarantine_list_each(&w->q, &w->home, &sel, &w->loop, err);
		if (n < 0)
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
	json_decref(o.set);
	return status;
}
