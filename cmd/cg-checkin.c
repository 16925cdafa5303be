/*
 * cg-checkin: gate events in, decisions out, every decision journaled.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/ask.h"
#include "rules/casebook.h"
#include "rules/checkin.h"
#include "core/clock.h"
#include "core/cmd.h"
#include "store/config.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "store/journal.h"
#include "store/loop.h"
#include "rules/passbook.h"

static const char usage_text[] = N_(
"Usage: cg-checkin [OPTION]... [FILE]...\n"
"   or: cg-checkin --ask [--gate NAME] [OPTION]...\n"
"   or: cg-checkin --verify [DATE]...\n"
"Decide gate events (JSON lines from FILEs or standard input): admit, deny\n"
"or refer, with reason codes.  Every decision is journaled in the data\n"
"directory and made durable before it is printed.\n"
"\n"
"  -a, --ask             interactive guard mode at a terminal (一问二测三登记)\n"
"  -g, --gate NAME       the gate --ask registers at (default: the first gate)\n"
"  -n, --dry-run         decide and print, but journal nothing\n"
"      --home DIR        data directory (default $CG_HOME, else\n"
"                        $XDG_STATE_HOME/cg, else ~/.local/state/cg)\n"
"      --line-buffered   flush every record (default when stdout is a terminal)\n"
"      --max-line BYTES  reject input lines longer than BYTES (default 1M,\n"
"                        at most 2M)\n"
"      --now TIME        fix the clock (RFC 3339; default $CG_NOW, else now)\n"
"  -q, --quiet           no warnings\n"
"      --rejects FILE    append every rejected input line to FILE\n"
"      --strict          stop at the first rejected line\n"
"  -v, --verbose         a summary on standard error at the end\n"
"      --verify          verify the check-in journals (all days, or DATEs)\n"
"  -h, --help            show this help and exit\n"
"  -V, --version         show the version and exit\n"
"\n"
"Exit status: 0 all good, 1 some lines rejected, 2 usage error, 3 system\n"
"error, 6 a journal is damaged.\n"
"\n"
"Examples:\n"
"  cg-checkin <gate.jsonl >decisions.jsonl\n"
"  echo '{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,\"mask\":true}' | cg-checkin\n"
"  cg-checkin --ask --gate north\n");

enum {
	OPT_MAX_LINE = 256,
	OPT_VERIFY
};

static const struct option options[] = {
	{ "ask", no_argument, NULL, 'a' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "gate", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	CG_RECORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct cg_common_opts common;
	int ask, dry_run, verify;
	const char *gate;
	size_t max_line;
};

static void parse_options(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	argv[0] = (char *)cg_progname();	/* getopt's messages use it */
	while ((c = getopt_long(argc, argv, "ag:hnqvV", options, NULL)) != -1) {
		switch (c) {
		case 'a': o->ask = 1; break;
		case 'g': o->gate = optarg; break;
		case 'h': fputs(_(usage_text), stdout); exit(CG_EXIT_OK);
		case 'n': o->dry_run = 1; break;
		case OPT_MAX_LINE:
			/* A decision must still fit a journal line. */
			if (cg_parse_size(optarg, &o->max_line) < 0 ||
			    o->max_line > CG_JOURNAL_MAX_LINE / 2) {
				cg_error(_("invalid size '%s' for --max-line (at most 2M)"), optarg);
				cg_usage_hint();
			}
			break;
		case OPT_VERIFY: o->verify = 1; break;
		default:
			if (!cg_common_option(c, optarg, &o->common))
				cg_usage_hint();
		}
	}
	if (o->ask && o->verify) {
		cg_error(_("--ask and --verify cannot be used together"));
		cg_usage_hint();
	}
	if (o->gate && !o->ask) {
		cg_error(_("--gate goes with --ask (events on input name their gate)"));
		cg_usage_hint();
	}
	if (o->ask && optind < argc) {
		cg_error(_("--ask reads the terminal, not files"));
		cg_usage_hint();
	}
}

/* Everything the rules consult: config, passes, cases. */
struct world {
	struct cg_home home;
	struct cg_config cfg;
	struct cg_passbook passes;
	struct cg_casebook cases;
	struct cg_checkin checkin;
	struct cg_keyring keys;
	struct cg_pass_ctx pass;
	struct cg_clock clock;
	struct cg_journal journal;
};

/* Read a day's journal, checking its chain; with learn, remember its
 * readings for re-measuring. */
static void load_day(struct world *w, const char *day, int learn, struct cg_err *err)
{
	struct cg_journal_reader jr;
	json_t *rec;
	int st;

	if (cg_journal_reader_open_stream(&jr, &w->home, "checkin", day, err) < 0)
		cg_die_err(err);
	while ((st = cg_journal_reader_next(&jr, learn ? &rec : NULL, err)) > 0) {
		if (!learn)
			continue;
		cg_checkin_note(&w->checkin, rec);
		json_decref(rec);
	}
	cg_journal_reader_release(&jr);
	if (st < 0)
		cg_die_err(err);
}

/*
 * Today's journal is read whole before anything is added to it: an append
 * looks only at the last line, and a chain damaged further up must not be
 * sealed over.  Only re-measuring needs earlier readings: those within
 * the wait, which after midnight reaches into yesterday's journal.
 */
static void load_recent(struct world *w, struct cg_err *err)
{
	cg_time_t now = cg_clock_now(&w->clock);
	int wait = w->cfg.policy.remeasure_wait_min;
	char day[CG_DATE_LEN], before[CG_DATE_LEN];

	cg_time_date(now, day);
	cg_time_date(now - (cg_time_t)wait * 60, before);
	if (wait && strcmp(before, day))
		load_day(w, before, 1, err);
	load_day(w, day, wait != 0, err);
}

static void load_world(struct world *w, const struct opts *o, struct cg_err *err)
{
	if (cg_clock_init(&w->clock, o->common.now, err) < 0) {
		cg_error("%s", err->msg);
		cg_usage_hint();
	}
	cg_passbook_init(&w->passes);
	cg_casebook_init(&w->cases);
	cg_keyring_init(&w->keys);
	if (cg_home_open(&w->home, o->common.home, err) < 0 ||
	    cg_config_load(&w->cfg, &w->home, err) < 0 ||
	    cg_passbook_load(&w->passes, &w->home, err) < 0 ||
	    cg_casebook_load(&w->cases, &w->home, err) < 0 ||
	    cg_keyring_load(&w->keys, &w->home, 0, 0, err) < 0)
		cg_die_err(err);
	cg_checkin_init(&w->checkin, &w->cfg, &w->passes, &w->cases);
	w->pass = (struct cg_pass_ctx){ &w->cfg, &w->passes, &w->cases, &w->keys, NULL, 0 };
	w->checkin.pass = &w->pass;
	if (!o->verify)
		load_recent(w, err);
	if (!o->dry_run && !o->verify &&
	    cg_journal_open(&w->journal, &w->home, "checkin", err) < 0)
		cg_die_err(err);
}

static void release_world(struct world *w, const struct opts *o)
{
	if (!o->dry_run && !o->verify)
		cg_journal_release(&w->journal);
	cg_checkin_release(&w->checkin);
	cg_keyring_release(&w->keys);
	cg_casebook_release(&w->cases);
	cg_passbook_release(&w->passes);
	cg_config_release(&w->cfg);
	cg_home_release(&w->home);
}

/* One gate event in, its decision journaled and printed. */
static int decide(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		  char *why, size_t whylen, struct cg_err *err)
{
	struct world *w = ctx;
	json_t *d = cg_checkin_decide(&w->checkin, ln->rec, cg_clock_now(&w->clock),
				      why, whylen);
	int ret;

	if (!d)
		return 1;
	ret = cg_loop_emit(lp, d, err);
	json_decref(d);
	return ret;
}

/*
 * One line per day: its head (records, chain) when it verifies.  A damaged
 * day is reported on stderr and the others are still checked; the worst
 * status wins.
 */
static int verify_day(struct world *w, const char *day)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_journal_reader jr;
	json_t *head;
	int ret;

	if (cg_journal_reader_open_stream(&jr, &w->home, "checkin", day, &err) < 0)
		return cg_error("%s", err.msg), err.status;
	if (jr.missing) {
		cg_journal_reader_release(&jr);
		cg_error(_("no check-in journal for %s"), day);
		return CG_EXIT_REJECTED;
	}
	ret = cg_journal_verify(&jr, &err);
	if (ret == 0) {
		head = json_pack("{s:s, s:I, s:s, s:i, s:b}", "journal", jr.label,
				 "records", (json_int_t)jr.seq, "chain", jr.chain,
				 "torn", jr.torn, "ok", 1);
		json_dumpf(head, stdout, CG_JSON_DUMP_FLAGS);
		putchar('\n');
		json_decref(head);
	} else {
		cg_error("%s", err.msg);
		ret = err.status;
	}
	cg_journal_reader_release(&jr);
	return ret;
}

static int worse(int a, int b)
{
	return b > a ? b : a;
}

static int run_verify(struct world *w, char **days, int ndays, struct cg_err *err)
{
	json_t *all = NULL;
	size_t i;
	json_t *d;
	int status = CG_EXIT_OK;

	for (int k = 0; k < ndays; k++) {
		int y, m, dd;

		if (cg_date_parse(days[k], &y, &m, &dd) < 0)
			return cg_err_set(err, CG_EXIT_USAGE, _("invalid date '%s' (YYYY-MM-DD)"), days[k]);
	}
	if (ndays)
		for (int k = 0; k < ndays; k++)
			status = worse(status, verify_day(w, days[k]));
	else if (cg_journal_days(&w->home, &all, err) < 0)
		return -1;
	json_array_foreach(all, i, d)
		status = worse(status, verify_day(w, json_string_value(d)));
	json_decref(all);
	return status;
}

static int run_filter(struct world *w, const struct opts *o, char **files,
		      int nfiles, struct cg_err *err)
{
	struct cg_loop lp;
	int ret;

	if (cg_loop_init(&lp, o->common.rejects, o->common.line_buffered, err) < 0)
		cg_die_err(err);
	lp.fn = decide;
	lp.ctx = w;
	lp.parse = 1;
	lp.notify = CG_NOTIFIER_STDERR;
	lp.clock = &w->clock;
	lp.strict = o->common.strict;
	if (o->max_line)
		lp.max_line = o->max_line;
	if (!o->dry_run)
		lp.journal = &w->journal;
	ret = cg_loop_run_files(&lp, files, nfiles, err);
	if (ret < 0) {
		/* Print what was already made durable before giving up. */
		struct cg_err ignored;

		cg_out_close(&lp.out, &ignored);
		return -1;
	}
	if (cg_loop_finish(&lp, err) < 0 || cg_out_close(&lp.out, err) < 0)
		return -1;
	if (o->common.verbose)
		fprintf(stderr, _("%s: %lu decided, %lu rejected\n"),
			cg_progname(), lp.emitted, lp.rejected);
	return cg_loop_status(&lp);
}

/* The loop's stdout is closed by run_filter; the other modes print with
 * stdio. */
static int close_stdout(struct cg_err *err)
{
	struct cg_out out;

	cg_out_init(&out, stdout, 0);
	return cg_out_close(&out, err);
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct opts o;
	struct world w;
	int status;

	cg_cmd_setup("cg-checkin");
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	memset(&w, 0, sizeof(w));
	load_world(&w, &o, &err);

	if (o.verify)
		status = run_verify(&w, argv + optind, argc - optind, &err);
	else if (o.ask)
		status = cg_ask_run(&w.checkin, o.dry_run ? NULL : &w.journal,
				    &w.clock, o.gate, &err);
	else
		status = run_filter(&w, &o, argv + optind, argc - optind, &err);
	if (status >= 0 && (o.verify || o.ask) && close_stdout(&err) < 0)
		status = -1;
	if (status < 0) {
		if (err.status == CG_EXIT_USAGE) {
			cg_error("%s", err.msg);
			cg_usage_hint();
		}
		cg_die_err(&err);
	}
	release_world(&w, &o);
	return status;
}
