/*
 * cg-report: the daily report (日报) of a compound, from its journals or
 * from records, in JSON, text, CSV, Markdown or HTML; --merge rolls the
 * reports of many compounds up into one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rules/casebook.h"
#include "core/clock.h"
#include "core/cmd.h"
#include "store/config.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "core/options.h"
#include "crypto/logkey.h"
#include "json/jsonl.h"
#include "report/report-read.h"
#include "report/report-trust.h"
#include "report/report.h"

static const char summary[] = N_(
"Make the daily report (日报) of the compound: traffic and duty coverage of\n"
"every gate, fevers and denials, visitors, home observation, passes and the\n"
"integrity of the journals.  It reads the journals of the data directory, or\n"
"the records (check-in decisions, pass and case events) in FILEs.\n");

static const char footer[] = N_(
"Exit status: 0 the report was made, 1 some input rejected, 2 usage error,\n"
"3 system error, 5 a warning as severe as --fail-on names or worse,\n"
"6 a journal is damaged (the report is still made).\n"
"\n"
"Examples:\n"
"  cg-report --format text\n"
"  cg-report --date yesterday --format html >report.html\n"
"  cg-report --since 2026-01-19 --until 2026-01-25 --table gates\n"
"  cat reports/*.json | cg-report --merge --format text\n"
"  cg-report --merge --trust compounds.vkeys --witness /var/lib/cg reports/*.json\n");

enum {
	OPT_DATE = 256, OPT_EXCEL, OPT_FAIL_ON, OPT_FORMAT, OPT_MERGE, OPT_NO_MASK, OPT_SINCE,
	OPT_TABLE, OPT_TRUST, OPT_UNTIL, OPT_WITNESS
};

static const struct cg_option options[] = {
	{ "date", 0, OPT_DATE, "DATE",
	  N_("the day: today, yesterday or YYYY-MM-DD (default today)"),
	  "day", NULL, NULL,
	  "The day of the report:\n"
	  ".Cm today ,\n"
	  ".Cm yesterday\n"
	  "(by the clock) or\n"
	  ".Ar YYYY-MM-DD .\n"
	  "The default is today, except for\n"
	  ".Ar FILE Ns s ,\n"
	  "whose records give the period.\n" },
	{ "since", 0, OPT_SINCE, "DATE", N_("the first day of a period"),
	  "day", NULL, NULL,
	  "The first day of a period of several days, inclusive; the same forms as\n"
	  ".Fl -date .\n" },
	{ "until", 0, OPT_UNTIL, "DATE", N_("the last day of a period (default today)"),
	  "day", NULL, NULL,
	  "The last day of the period, inclusive; the default is today.\n"
	  "Needs\n"
	  ".Fl -since .\n" },
	{ "merge", 0, OPT_MERGE, NULL,
	  N_("roll JSON reports of many compounds up into one"), NULL, NULL, NULL,
	  "Roll reports up, as described in\n"
	  ".Sx MERGING .\n"
	  "Takes no period options.\n" },
	{ "trust", 0, OPT_TRUST, "FILE",
	  N_("with --merge: check each compound's checkpoints with these verifier keys"),
	  "file", NULL, NULL,
	  "With\n"
	  ".Fl -merge ,\n"
	  "check the signed checkpoint that each compound's report carries for\n"
	  "each of its journals with the verifier keys in\n"
	  ".Ar FILE ,\n"
	  "one per line as\n"
	  ".Nm cg-journal Cm key export\n"
	  "prints them; see\n"
	  ".Sx CHECKPOINTS .\n" },
	{ "witness", 0, OPT_WITNESS, "DIR",
	  N_("with --trust: the data directory of the witness (cg-journal witness) to hold them to"),
	  "dir", NULL, NULL,
	  "With\n"
	  ".Fl -trust ,\n"
	  "hold each checkpoint to the one that the witness whose data directory\n"
	  "is\n"
	  ".Ar DIR\n"
	  "holds for its journal\n"
	  ".Po Nm cg-journal Cm witness Pc ;\n"
	  "nothing there is changed.\n" },
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("json (default, one line), text, csv, md or html"),
	  "choice:json text csv md html", NULL, NULL,
	  ".Cm json\n"
	  "(the default),\n"
	  ".Cm text\n"
	  "(also spelt\n"
	  ".Cm txt ) ,\n"
	  ".Cm csv ,\n"
	  ".Cm md\n"
	  "(also spelt\n"
	  ".Cm markdown )\n"
	  "or\n"
	  ".Cm html ;\n"
	  "see\n"
	  ".Sx FORMATS .\n" },
	{ "excel", 0, OPT_EXCEL, NULL,
	  N_("CSV that Excel opens as UTF-8: a byte order mark first (implies csv)"),
	  NULL, NULL, NULL,
	  "CSV for Microsoft Excel, which takes a file without a byte order mark\n"
	  "for the system's code page (mojibake on Chinese Windows): the UTF-8\n"
	  "byte order mark first, lines ending in CR LF as always.\n"
	  "Implies\n"
	  ".Fl -format Cm csv .\n" },
	{ "table", 0, OPT_TABLE, "TABLE",
	  N_("one list as CSV: fevers, denials, gates, hours, cases,\n"
	     "overstays, warnings, journals or compounds"),
	  "choice:fevers denials gates hours cases overstays warnings journals compounds corrections",
	  NULL, NULL,
	  "One list as CSV:\n"
	  ".Cm fevers ,\n"
	  ".Cm denials ,\n"
	  ".Cm gates ,\n"
	  ".Cm hours ,\n"
	  ".Cm cases ,\n"
	  ".Cm overstays ,\n"
	  ".Cm warnings ,\n"
	  ".Cm journals\n"
	  "or\n"
	  ".Cm compounds .\n"
	  "Implies\n"
	  ".Fl -format Cm csv ;\n"
	  "other formats refuse it.\n" },
	{ "no-mask", 0, OPT_NO_MASK, NULL,
	  N_("show names, phone and ID numbers in full"), NULL, NULL, NULL,
	  "Names, phone and ID numbers in full, in every format.\n" },
	{ "fail-on", 0, OPT_FAIL_ON, "SEVERITY",
	  N_("exit 5 when the report has a warning of SEVERITY (alert, warning or notice) or worse"),
	  "choice:alert warning notice warnings", NULL, NULL,
	  "Exit 5 when the report has a warning of\n"
	  ".Ar SEVERITY\n"
	  "or a more severe one:\n"
	  ".Cm alert\n"
	  "(only alerts),\n"
	  ".Cm warning\n"
	  "(alerts and warnings;\n"
	  ".Cm warnings\n"
	  "is the same) or\n"
	  ".Cm notice\n"
	  "(any), so that\n"
	  ".Xr cron 8\n"
	  "mails only when something is wrong.\n"
	  "The report is written all the same.\n" },
	/* The shared options, as they read here. */
	{ "home", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Use\n"
	  ".Ar DIR\n"
	  "as the data directory, instead of\n"
	  ".Ev CG_HOME ,\n"
	  "else\n"
	  ".Pa $XDG_STATE_HOME/cg ,\n"
	  "else\n"
	  ".Pa ~/.local/state/cg .\n"
	  "Its\n"
	  ".Pa config.json\n"
	  "gives the compound, the gates and the policy, also for\n"
	  ".Ar FILE Ns s .\n" },
	{ "line-buffered", 0, 0, NULL,
	  N_("flush the output as soon as it is written"), NULL, NULL, NULL,
	  "Flush standard output as soon as the report is written (it is written\n"
	  "at once in any case).\n" },
	{ "now", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Fix the clock at\n"
	  ".Ar TIME ,\n"
	  "RFC 3339; a time without offset or a bare date is local time.\n"
	  "The default is\n"
	  ".Ev CG_NOW ,\n"
	  "else the system clock.\n"
	  "The clock picks today, ends the period when it is earlier than the end of\n"
	  "the period's last day, and is\n"
	  ".Cm generated_at .\n" },
	{ "quiet", 0, 0, NULL,
	  N_("no warnings and no progress on standard error"), NULL, NULL, NULL,
	  "No warnings and no progress on standard error.\n"
	  "Rejected lines and errors are still reported.\n" },
	{ "strict", 0, 0, NULL,
	  N_("stop at the first rejected line, with no report"), NULL, NULL, NULL,
	  "Stop at the first rejected line and make no report; the exit status is\n"
	  "1.\n" },
	{ "verbose", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "At the end, write a summary to standard error:\n"
	  ".Ql cg-report: 412 check-ins, 3 pass events, 5 case events, 0 unknown, 0 outside the period, 0 rejected; 3 journals, 2 warnings; 0.02 s .\n" },
	CG_OPTION_END
};

static const struct cg_command command = {
	.name = "cg-report",
	.usage = "cg-report [--date DATE | --since DATE [--until DATE]] [OPTION]...\n"
		 "          [FILE]...\n"
		 "cg-report --merge [OPTION]... [FILE]...",
	.summary = summary,
	.options = options,
	.common = CG_COMMON_RECORD,
	.operands = "file",
	.footer = footer,
};
struct opts {
	struct cg_common_opts common;
	const char *date, *since, *until, *format, *table, *trust, *witness;
	int merge, no_mask, excel;
	int fail_on;		/* 0 none, else the severity rank + 1 */
	int fmt;
};

static void usage_error(const char *fmt, const char *arg)
{
	cg_error(fmt, arg);
	cg_usage_hint();
}

static void check_options(struct opts *o)
{
	if (o->date && (o->since || o->until))
		usage_error("%s", _("--date excludes --since and --until"));
	if (o->until && !o->since)
		usage_error("%s", _("--until goes with --since"));
	if (o->merge && (o->date || o->since))
		usage_error("%s", _("--merge takes no --date, --since or --until (the reports say)"));
	if (o->trust && !o->merge)
		usage_error("%s", _("--trust goes with --merge"));
	if (o->witness && !o->trust)
		usage_error("%s", _("--witness goes with --trust"));
	o->fmt = CG_REPORT_JSON;
	if (o->format)
		o->fmt = cg_report_format_parse(cg_format_pick(o->format, "json text csv md html"));
	if (o->table) {
		int i;

		for (i = 0; cg_report_tables[i] && strcmp(cg_report_tables[i], o->table); i++)
			;
		if (!cg_report_tables[i])
			usage_error(_("unknown table '%s' (fevers, denials, gates, hours, cases, "
				      "overstays, warnings, journals, compounds)"), o->table);
		if (o->format && o->fmt != CG_REPORT_CSV)
			usage_error("%s", _("--table goes with --format csv"));
		o->fmt = CG_REPORT_CSV;
	}
	if (o->excel) {
		if (o->format && o->fmt != CG_REPORT_CSV)
			usage_error("%s", _("--excel goes with --format csv"));
		o->fmt = CG_REPORT_EXCEL;
	}
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	struct cg_parse p;
	const char *arg;
	int c;

	memset(o, 0, sizeof(*o));
	cg_parse_init(&p, &command, argc, argv, &o->common);
	while ((c = cg_parse_next(&p, &arg)) != -1) {
		switch (c) {
		case OPT_DATE: o->date = arg; break;
		case OPT_FAIL_ON:
			/* "warnings", the only value before severities,
			 * is kept for the crontabs that say it. */
			o->fail_on = cg_report_severity_rank(strcmp(arg, "warnings") ? arg : "warning");
			if (o->fail_on < 0)
				usage_error(_("--fail-on takes 'alert', 'warning' or 'notice', not '%s'"), arg);
			o->fail_on++;
			break;
		case OPT_EXCEL: o->excel = 1; break;
		case OPT_FORMAT: o->format = arg; break;
		case OPT_MERGE: o->merge = 1; break;
		case OPT_NO_MASK: o->no_mask = 1; break;
		case OPT_SINCE: o->since = arg; break;
		case OPT_TABLE: o->table = arg; break;
		case OPT_TRUST: o->trust = arg; break;
		case OPT_UNTIL: o->until = arg; break;
		case OPT_WITNESS: o->witness = arg; break;
		}
	}
	cg_parse_end(&p);
	check_options(o);
}

/* today, yesterday or YYYY-MM-DD, as a local day number. */
static int32_t parse_day(const char *opt, const char *s, cg_time_t now)
{
	int32_t day;

	if (!strcmp(s, "today"))
		return cg_local_day(now, NULL);
	if (!strcmp(s, "yesterday"))
		return cg_local_day(now, NULL) - 1;
	if (strlen(s) != 10 || cg_day_parse(s, &day) < 0) {
		cg_error(_("invalid date '%s' for %s (today, yesterday or YYYY-MM-DD)"), s, opt);
		cg_usage_hint();
	}
	return day;
}

static int worse(int a, int b)
{
	return b > a ? b : a;
}

static int write_report(const json_t *rep, const struct opts *o, struct cg_err *err)
{
	if (cg_report_write(rep, o->fmt, o->table, stdout, err) < 0)
		return -1;
	if (o->common.line_buffered && fflush(stdout) == EOF)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot write to standard output"));
	return 0;
}

static int status_of(const json_t *rep, const struct opts *o, int status)
{
	if (o->fail_on && cg_report_fails(rep, o->fail_on - 1))
		status = worse(status, CG_EXIT_WARNINGS);
	return status;
}

/* The reader of every input, with the options of every command that
 * reads records. */
static void reader_init(struct cg_report_reader *rd, struct cg_report *r,
			const struct opts *o, struct cg_err *err)
{
	if (cg_report_reader_init(rd, r, o->common.rejects, err) < 0)
		cg_die_err(err);
	rd->loop.strict = o->common.strict;
	rd->loop.input_format = o->common.input_format;
	rd->notify = CG_NOTIFIER_STDERR;
}

static const char *generator(void)
{
	return "cg-report " CG_VERSION;
}

/* ---- --merge ---- */

static int merge_line(void *ctx, const char *line, size_t len, char *why,
		      size_t whylen, struct cg_err *err)
{
	json_t *rep = cg_jsonl_parse(line, len, why, whylen);
	int st;

	(void)err;
	if (!rep)
		return 1;
	st = cg_merge_add(ctx, rep, why, whylen);
	json_decref(rep);
	return st;
}

static int merge_files(const struct opts *o, cg_time_t now, char **files, int nfiles,
		       struct cg_trust *trust, struct cg_err *err)
{
	struct cg_merge *m = cg_merge_new(!o->no_mask);
	struct cg_report_reader rd;
	struct cg_err ignored;
	char *dash[] = { (char *)"-" };
	json_t *rep;
	int status;

	if (!m)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	cg_merge_set_trust(m, trust);
	reader_init(&rd, NULL, o, err);
	if (!nfiles) {
		files = dash;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles && !rd.loop.stopped; i++) {
		struct cg_jsonl_reader in;
		int ret;

		if (!strcmp(files[i], "-"))
			cg_jsonl_reader_init_fd(&in, STDIN_FILENO, "stdin", 0);
		else if (cg_jsonl_reader_open(&in, AT_FDCWD, files[i], files[i], 0, err) < 0)
			goto fail;
		/* A report of thousands of gates is long; allow for it. */
		in.max_line = 64 * 1024 * 1024;
		ret = cg_report_read_lines(&rd, &in, merge_line, m, err);
		cg_jsonl_reader_release(&in);
		if (ret < 0)
			goto fail;
	}
	if (cg_report_reader_finish(&rd, err) < 0)
		goto fail;
	if (rd.loop.stopped) {
		cg_merge_free(m);
		return CG_EXIT_REJECTED;
	}
	rep = cg_merge_finish(m, now, generator());
	cg_merge_free(m);
	status = cg_loop_status(&rd.loop);
	if (write_report(rep, o, err) < 0) {
		json_decref(rep);
		return -1;
	}
	status = status_of(rep, o, status);
	if (o->common.verbose)
		fprintf(stderr, _("%s: %lu reports merged, %lu rejected\n"), cg_progname(),
			(unsigned long)json_integer_value(json_object_get(json_object_get(rep, "compound"), "count")),
			rd.loop.rejected);
	json_decref(rep);
	return status;
fail:
	cg_report_reader_finish(&rd, &ignored);
	cg_merge_free(m);
	return -1;
}

/* What --trust and --witness check the checkpoints with. */
struct trust {
	struct cg_note_key *keys;
	size_t nkeys;
	struct cg_home witness;
	struct cg_trust *t;
};

static int trust_open(struct trust *tr, const struct opts *o, struct cg_err *err)
{
	struct stat st;

	memset(tr, 0, sizeof(*tr));
	tr->witness.fd = -1;
	if (!o->trust)
		return 0;
	if (cg_logkey_load_trust(o->trust, &tr->keys, &tr->nkeys, err) < 0)
		return -1;
	/* The witness's directory is read, never made. */
	if (o->witness && stat(o->witness, &st) < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), o->witness);
	if (o->witness && cg_home_open(&tr->witness, o->witness, err) < 0)
		return -1;
	tr->t = cg_trust_new(tr->keys, tr->nkeys, o->witness ? &tr->witness : NULL);
	if (!tr->t)
		return cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
	return 0;
}

static void trust_release(struct trust *tr)
{
	cg_trust_free(tr->t);
	free(tr->keys);
	cg_home_release(&tr->witness);
}

static int run_merge(const struct opts *o, cg_time_t now, char **files, int nfiles,
		     struct cg_err *err)
{
	struct trust tr;
	int status;

	if (trust_open(&tr, o, err) < 0) {
		trust_release(&tr);
		return -1;
	}
	status = merge_files(o, now, files, nfiles, tr.t, err);
	trust_release(&tr);
	return status;
}

/* ---- a report ---- */

/* The days the report is of: --date, or --since and --until; without
 * them today, or, reading files, every day they hold. */
static void report_period(const struct opts *o, cg_time_t now, int nfiles,
			  struct cg_report_opts *ro)
{
	ro->since = ro->until = CG_REPORT_NO_DAY;
	if (o->date) {
		ro->since = ro->until = parse_day("--date", o->date, now);
	} else if (o->since) {
		ro->since = parse_day("--since", o->since, now);
		ro->until = o->until ? parse_day("--until", o->until, now) : cg_local_day(now, NULL);
		if (ro->until < ro->since)
			usage_error("%s", _("--until is before --since"));
		if (ro->until - ro->since > 3660)
			usage_error("%s", _("a period of at most ten years"));
	} else if (!nfiles) {
		ro->since = ro->until = cg_local_day(now, NULL);
	}
}

/* Read the files given, else the journals of the period: the duty
 * journal, its check-ins day by day, then the passes and the cases.  0, or -1 with *err. */
static int read_inputs(struct cg_report_reader *rd, const struct cg_home *home,
		       const struct cg_report_opts *ro, char **files, int nfiles,
		       struct cg_err *err)
{
	for (int i = 0; i < nfiles && !rd->loop.stopped; i++)
		if (cg_report_read_file(rd, files[i], err) < 0)
			return -1;
	if (nfiles)
		return 0;
	if (cg_report_read_corrections(rd, home, ro->cfg->compound_code, ro->since, ro->until,
				       cg_local_day(ro->now, NULL), err) < 0)
		return -1;
	if (cg_report_read_exits_before(rd, home, &ro->cfg->policy, ro->since, err) < 0)
		return -1;
	/* The duty journal first: a check-in is checked against the guards
	 * signed on at its gate as it is read. */
	if (cg_report_read_journal(rd, home, "duty", NULL, err) < 0)
		return -1;
	if (!rd->loop.stopped && cg_report_read_checkins(rd, home, ro->since, ro->until, err) < 0)
		return -1;
	if (!rd->loop.stopped &&
	    cg_report_read_backfilled(rd, home, ro->since, ro->until, cg_local_day(ro->now, NULL),
				      err) < 0)
		return -1;
	if (!rd->loop.stopped && (cg_report_read_journal(rd, home, "pass", NULL, err) < 0 ||
				  cg_report_read_journal(rd, home, "quarantine", NULL, err) < 0))
		return -1;
	return 0;
}

/* --verbose: what was read, and in how long since t0. */
static void report_summary(const struct cg_report_counts *counts, const json_t *rep,
			   double t0)
{
	fprintf(stderr, _("%s: %lu check-ins, %lu pass events, %lu case events, "
			  "%lu unknown, %lu outside the period, %lu rejected; "
			  "%zu journals, %zu warnings; %.2f s\n"),
		cg_progname(), counts->checkins, counts->passes, counts->cases,
		counts->unknown, counts->outside, counts->rejected,
		json_array_size(json_object_get(rep, "journals")),
		json_array_size(json_object_get(rep, "warnings")),
		(double)clock() / CLOCKS_PER_SEC - t0);
}

/* Each record whose ts is outside the report's period, as FILE:LINE
 * (its day's first, when the records gave the period). */
static void tell_strays(const json_t *rep)
{
	const json_t *w, *e;
	size_t i, k;

	json_array_foreach(json_object_get(rep, "warnings"), i, w) {
		if (strcmp(json_string_value(json_object_get(w, "code")) ?: "", "ts_outside_period"))
			continue;
		json_array_foreach(json_object_get(w, "records"), k, e)
			cg_warning(_("%s: ts outside the report's period (%s)"),
				   json_string_value(json_object_get(e, "line")),
				   json_string_value(json_object_get(e, "day")));
	}
}

/* Finish the report of what rd read (r is freed) and write it.  The exit
 * status, or -1 with *err. */
static int report_write(struct cg_report *r, const struct cg_report_reader *rd,
			const struct opts *o, double t0, struct cg_err *err)
{
	struct cg_report_counts counts;
	json_t *rep;
	int status;

	cg_report_counts(r, &counts);
	rep = cg_report_finish(r, generator());
	cg_report_free(r);
	tell_strays(rep);
	status = cg_loop_status(&rd->loop);
	if (rd->damaged)
		status = worse(status, CG_EXIT_DAMAGED);
	if (write_report(rep, o, err) < 0) {
		json_decref(rep);
		return -1;
	}
	status = status_of(rep, o, status);
	if (o->common.verbose)
		report_summary(&counts, rep, t0);
	json_decref(rep);
	return status;
}

static int run_report(const struct opts *o, cg_time_t now, char **files, int nfiles,
		      struct cg_err *err)
{
	struct cg_report_opts ro = { 0 };
	struct cg_report_reader rd;
	struct cg_err ignored;
	struct cg_home home;
	struct cg_config cfg;
	struct cg_report *r;
	const char *slow = getenv("CG_REPORT_SLOW");
	double t0 = (double)clock() / CLOCKS_PER_SEC;
	int status;

	if (cg_home_open(&home, o->common.home, err) < 0 || cg_config_load(&cfg, &home, err) < 0)
		cg_die_err(err);
	ro.cfg = &cfg;
	ro.now = now;
	ro.mask = !o->no_mask;
	ro.fast = !(slow && *slow && strcmp(slow, "0"));
	report_period(o, now, nfiles, &ro);
	if (!(r = cg_report_new(&ro)))
		cg_die(CG_EXIT_SYSTEM, "%s", _("out of memory"));
	reader_init(&rd, r, o, err);
	rd.progress = !o->common.quiet && isatty(STDERR_FILENO);

	if (read_inputs(&rd, &home, &ro, files, nfiles, err) < 0 ||
	    cg_report_reader_finish(&rd, err) < 0) {
		cg_report_reader_finish(&rd, &ignored);
		cg_report_free(r);
		status = -1;
	} else if (rd.loop.stopped) {
		cg_report_free(r);
		status = CG_EXIT_REJECTED;
	} else {
		status = report_write(r, &rd, o, t0, err);
	}
	cg_config_release(&cfg);
	cg_home_release(&home);
	return status;
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_clock clock_;
	struct cg_out out;
	struct opts o;
	int status;

	cg_cmd_setup("cg-report");
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	if (cg_clock_init(&clock_, o.common.now, &err) < 0)
		usage_error("%s", err.msg);
	if (o.merge)
		status = run_merge(&o, cg_clock_now(&clock_), argv + optind, argc - optind, &err);
	else
		status = run_report(&o, cg_clock_now(&clock_), argv + optind, argc - optind, &err);
	if (status < 0)
		cg_die_err(&err);
	cg_out_init(&out, stdout, 0);
	if (cg_out_close(&out, &err) < 0)
		cg_die_err(&err);
	return status;
}
