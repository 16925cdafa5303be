/*
 * cg-checkin: gate events in, decisions out, every decision journaled.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/duty.h"
#include "core/mask.h"
#include "ui/ask.h"
#include "rules/casebook.h"
#include "rules/checkin.h"
#include "rules/correction.h"
#include "core/clock.h"
#include "core/cmd.h"
#include "store/config.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "core/options.h"
#include "store/eventtab.h"
#include "store/journal.h"
#include "store/loop.h"
#include "rules/passbook.h"

static const char summary[] = N_(
"Decide gate events (JSON lines from FILEs or standard input): admit, deny\n"
"or refer, with reason codes.  Every decision is journaled in the data\n"
"directory and made durable before it is printed.\n");

static const char footer[] = N_(
"Exit status: 0 all good, 1 some lines rejected, 2 usage error, 3 system\n"
"error, 6 a journal is damaged.\n"
"\n"
"Examples:\n"
"  cg-checkin <gate.jsonl >decisions.jsonl\n"
"  echo '{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,\"mask\":true}' | cg-checkin\n"
"  cg-checkin --ask --gate north\n"
"  cg-checkin --amend 17 --set gate=south --reason 'wrong gate typed'\n"
"  cg-checkin --void 2026-01-25/17 --reason 'entered twice'\n");

enum {
	OPT_MAX_LINE = 256,
	OPT_VERIFY,
	OPT_COMPRESS,
	OPT_VOID,
	OPT_AMEND,
	OPT_SET,
	OPT_REASON,
	OPT_BY,
	OPT_GUARD
};

static const struct cg_option options[] = {
	{ "ask", 'a', 'a', NULL,
	  N_("interactive guard mode at a terminal (一问二测三登记)"),
	  NULL, "none", NULL,
	  "Interactive guard mode at a terminal, as described above.\n"
	  "Reads answers from standard input; takes no\n"
	  ".Ar FILE .\n" },
	{ "gate", 'g', 'g', "NAME",
	  N_("the gate --ask registers at (default: the first gate)"),
	  "gate", NULL, NULL,
	  "The gate\n"
	  ".Fl -ask\n"
	  "registers at; it must be one of\n"
	  ".Cm gates\n"
	  "in\n"
	  ".Pa config.json ,\n"
	  "in any case.\n"
	  "The default is the first gate.\n"
	  "Only valid with\n"
	  ".Fl -ask ;\n"
	  "events read from files name their own gate.\n" },
	{ "guard", 0, OPT_GUARD, "NAME",
	  N_("with --ask: sign this guard on at the gate for the\nsession (cg-duty)"),
	  "text", NULL, NULL,
	  "With\n"
	  ".Fl -ask :\n"
	  "sign the guard\n"
	  ".Ar NAME\n"
	  "on at the gate when the session starts and off when it ends, in the\n"
	  "duty journal of\n"
	  ".Xr cg-duty 1\n"
	  "(a guard already on there is left on).\n" },
	{ "compress", 0, OPT_COMPRESS, NULL,
	  N_("gzip the finished days' journals now (for cron)"),
	  NULL, "none", NULL,
	  "Compress the journals of finished days (plain files of days before\n"
	  "today) now, waiting for a compression already running, instead of\n"
	  "deciding events; as described above.\n"
	  "Takes no operands.\n" },
	{ "dry-run", 'n', 'n', NULL, N_("decide and print, but journal nothing"),
	  NULL, NULL, NULL,
	  "Decide and print, but journal nothing: the records have no\n"
	  ".Cm seq\n"
	  "and\n"
	  ".Cm chain .\n"
	  "The data directory is still read for the configuration, passes and cases.\n" },
	{ "max-line", 0, OPT_MAX_LINE, "BYTES",
	  N_("reject input lines longer than BYTES (default 1M,\nat most 2M)"),
	  "size", NULL, NULL,
	  "Reject input lines longer than\n"
	  ".Ar BYTES\n"
	  "(at most 2M, so that a decision still fits a journal line)\n"
	  "(with the message\n"
	  ".Ql line longer than BYTES bytes ;\n"
	  "the line is still kept whole by\n"
	  ".Fl -rejects ) .\n"
	  "A suffix\n"
	  ".Cm k ,\n"
	  ".Cm M\n"
	  "or\n"
	  ".Cm G\n"
	  "multiplies by 1024, 1024^2 or 1024^3.\n"
	  "The default is\n"
	  ".Cm 1M .\n" },
	{ "verify", 0, OPT_VERIFY, NULL,
	  N_("verify the check-in journals (all days, or DATEs)"),
	  NULL, "journal-day", NULL,
	  "Verify the check-in journals instead of deciding events, as described\n"
	  "above.\n"
	  "The operands are dates, not files.\n" },
	{ "amend", 0, OPT_AMEND, "RID",
	  N_("correct the record RID: journal it again with the\n--set changes, decided anew"),
	  "text", "none", NULL,
	  "Correct the check-in record\n"
	  ".Ar RID\n"
	  "(see\n"
	  ".Sx CORRECTIONS ) :\n"
	  "journal an amended record, the fields of the record as it stands with the\n"
	  ".Fl -set\n"
	  "changes, decided again by the same rules, and print it.\n"
	  "Needs\n"
	  ".Fl -set\n"
	  "and\n"
	  ".Fl -reason .\n" },
	{ "by", 0, OPT_BY, "NAME",
	  N_("who corrects (default: the login name)"),
	  "text", NULL, NULL,
	  "Who makes the correction, journaled as\n"
	  ".Cm corrected_by .\n"
	  "The default is the login name.\n" },
	{ "reason", 0, OPT_REASON, "TEXT",
	  N_("why the record is corrected (required with --void\nand --amend)"),
	  "text", NULL, NULL,
	  "Why the record is corrected, journaled as\n"
	  ".Cm correction_reason ;\n"
	  "required with\n"
	  ".Fl -void\n"
	  "and\n"
	  ".Fl -amend .\n" },
	{ "set", 0, OPT_SET, "FIELD=VALUE",
	  N_("with --amend: the corrected value of a field\n(repeatable; VALUE is JSON, else text)"),
	  "text", NULL, NULL,
	  "With\n"
	  ".Fl -amend :\n"
	  "the corrected value of\n"
	  ".Ar FIELD ;\n"
	  "may be given more than once.\n"
	  ".Ar VALUE\n"
	  "is read as JSON when it is JSON\n"
	  ".Pq Li temp=36.5 , Li mask=true ,\n"
	  ".Li symptoms='[\"cough\"]' ,\n"
	  "else as text\n"
	  ".Pq Li gate=south ;\n"
	  "a field that holds text, or a person field\n"
	  ".Pq Cm name , id_no , phone , household , host , plate , gate , pass , from ,\n"
	  "takes it as text\n"
	  ".Pq Li phone=13912348001 .\n"
	  "The fields the command sets itself\n"
	  ".Pq Cm ts , compound , decision , reasons , seq , chain\n"
	  "and the correction fields cannot be set.\n" },
	{ "void", 0, OPT_VOID, "RID",
	  N_("void the record RID: it no longer counts"),
	  "text", "none", NULL,
	  "Void the check-in record\n"
	  ".Ar RID\n"
	  "(see\n"
	  ".Sx CORRECTIONS ) :\n"
	  "journal a void record that names it, and print it.\n"
	  "Needs\n"
	  ".Fl -reason .\n" },
	/* The shared options, as they read here. */
	{ "line-buffered", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Flush standard output after every record.\n"
	  "This is the default when standard output is a terminal.\n"
	  "Without it, output is still flushed whenever\n"
	  ".Nm\n"
	  "would wait for input, so a program that writes one event to a pipe gets its\n"
	  "decision back at once.\n" },
	{ "now", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Fix the clock at\n"
	  ".Ar TIME ,\n"
	  "RFC 3339\n"
	  ".Pq Li 2026-01-25T08:00:00+08:00 ;\n"
	  "a time without offset or a bare date\n"
	  ".Ar YYYY-MM-DD\n"
	  "(its midnight) is taken as local time.\n"
	  "The default is\n"
	  ".Ev CG_NOW ,\n"
	  "else the system clock.\n"
	  "The clock stamps events that have no\n"
	  ".Cm ts\n"
	  "and picks the day whose journal is written, for tests and for back-filling\n"
	  "a paper register.\n" },
	{ "quiet", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "No warnings (such as a torn journal line set aside, or a finished day\n"
	  "that could not be compressed).\n"
	  "Rejected lines and errors are still reported.\n" },
	{ "strict", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Stop at the first rejected line.\n"
	  "What was decided before it is journaled and printed; the exit status is 1.\n" },
	{ "verbose", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "At the end, write a summary to standard error:\n"
	  ".Ql cg-checkin: 412 decided, 3 rejected .\n" },
	CG_OPTION_END
};

static const struct cg_command command = {
	.name = "cg-checkin",
	.usage = "cg-checkin [OPTION]... [FILE]...\n"
		 "cg-checkin --ask [--gate NAME] [--guard NAME] [OPTION]...\n"
		 "cg-checkin --verify [DATE]...\n"
		 "cg-checkin --compress\n"
		 "cg-checkin --void RID --reason TEXT [--by NAME] [OPTION]...\n"
		 "cg-checkin --amend RID --set FIELD=VALUE... --reason TEXT [--by NAME] [OPTION]...",
	.summary = summary,
	.options = options,
	.common = CG_COMMON_RECORD,
	.operands = "file",
	.footer = footer,
};

#define MAX_SETS 32

struct opts {
	struct cg_common_opts common;
	int ask, dry_run, verify, compress;
	const char *gate, *guard;
	const char *void_rid, *amend_rid, *reason, *by;
	json_t *set;		/* --set FIELD=VALUE; owned */
	const char *sets[MAX_SETS];
	int nset;
	size_t max_line;
};

/* The --set values, read once every option is parsed (--help first). */
static void read_sets(struct opts *o)
{
	const char *why;

	for (int i = 0; i < o->nset; i++) {
		if (!o->set)
			o->set = json_object();
		if (cg_correction_parse_set(o->set, o->sets[i], &why) < 0)
			cg_usage_error(_("invalid --set '%s': %s"), o->sets[i], why);
	}
}

/* --void and --amend: one record, with a reason, and nothing else to do. */
static void check_correction(const struct opts *o, int argc)
{
	int correcting = o->void_rid || o->amend_rid;

	if (o->void_rid && o->amend_rid)
		cg_usage_error("%s", _("--void and --amend cannot be used together"));
	if (!correcting && (o->set || o->reason || o->by))
		cg_usage_error("%s", _("--set, --reason and --by go with --void or --amend"));
	if (!correcting)
		return;
	if (o->ask || o->verify || o->compress || o->dry_run || optind < argc)
		cg_usage_error("%s", _("--void and --amend take no files, --ask, --compress, --verify or --dry-run"));
	if (!o->reason || !*o->reason)
		cg_usage_error("%s", _("a correction needs --reason TEXT"));
	if (o->void_rid && o->set)
		cg_usage_error("%s", _("--set goes with --amend"));
	if (o->amend_rid && !o->set)
		cg_usage_error("%s", _("--amend needs at least one --set FIELD=VALUE"));
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
		case 'a': o->ask = 1; break;
		case 'g': o->gate = arg; break;
		case OPT_GUARD: o->guard = arg; break;
		case 'n': o->dry_run = 1; break;
		case OPT_MAX_LINE:
			/* A decision must still fit a journal line. */
			if (cg_parse_size(arg, &o->max_line) < 0 ||
			    o->max_line > CG_JOURNAL_MAX_LINE / 2)
				cg_usage_error(_("invalid size '%s' for --max-line (at most 2M)"), arg);
			break;
		case OPT_VERIFY: o->verify = 1; break;
		case OPT_COMPRESS: o->compress = 1; break;
		case OPT_VOID: o->void_rid = arg; break;
		case OPT_AMEND: o->amend_rid = arg; break;
		case OPT_REASON: o->reason = arg; break;
		case OPT_BY: o->by = arg; break;
		case OPT_SET:
			if (o->nset == MAX_SETS)
				cg_usage_error(_("at most %d --set"), MAX_SETS);
			o->sets[o->nset++] = arg;
			break;
		}
	}
	cg_parse_end(&p);
	read_sets(o);
	check_correction(o, argc);
	if (o->ask + o->verify + o->compress > 1) {
		cg_error(_("--ask, --compress and --verify cannot be used together"));
		cg_usage_hint();
	}
	if (o->compress && (o->dry_run || optind < argc)) {
		cg_error(_("--compress takes no files and no --dry-run"));
		cg_usage_hint();
	}
	if (o->gate && !o->ask) {
		cg_error(_("--gate goes with --ask (events on input name their gate)"));
		cg_usage_hint();
	}
	if (o->guard && (!o->ask || o->dry_run || !*o->guard)) {
		cg_error(_("--guard goes with --ask (and not with --dry-run)"));
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
	struct cg_dayindex days;
	int journaling;		/* decisions are journaled (not --dry-run) */
	/* The event ids journaled today and the day before (tab[1] is
	 * today's), and those decided since the last commit. */
	struct cg_eventtab tab[2];
	int tabs_read;		/* caught up once (all a dry run reads) */
	cg_time_t day_at;	/* today is day_of for this time (a local */
	char day_of[CG_DATE_LEN];	/* date costs a time zone conversion) */
	struct cg_idset decided;
	/* The event ids of the lines queued, and of the last commit's, for
	 * the table to take without reading them out of the lines. */
	struct cg_eventids queued, last;
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
	if (jr.notice[0])
		cg_warning("%s", jr.notice);
	cg_journal_reader_release(&jr);
	if (st < 0)
		cg_die_err(err);
}

/*
 * Today's journal is verified before anything is added to it: an append
 * looks only at the last line, and a chain damaged further up must not be
 * sealed over.  Only some rules need earlier decisions: re-measuring those
 * within its wait, which after midnight reaches into yesterday's journal,
 * and the exit quota those within its window (load_exits).  Without the
 * day index, both mean reading the days whole.
 */
static void read_recent(struct world *w, struct cg_err *err)
{
	cg_time_t now = cg_clock_now(&w->clock),
		  reach = cg_checkin_reach(&w->checkin);
	int32_t first = cg_local_day(now - reach, NULL), today = cg_local_day(now, NULL);
	char day[CG_DATE_LEN];

	for (int32_t d = first; d <= today; d++) {
		cg_day_format(d, day);
		load_day(w, day, reach != 0, err);
	}
}

/*
 * The exit quota counts the exits of the days its window reaches, read
 * whole (only when the quota is on).
 */
static void load_exits(struct world *w, struct cg_err *err)
{
	cg_time_t now = cg_clock_now(&w->clock),
		  reach = cg_exit_quota_reach(&w->cfg.policy);
	int32_t today = cg_local_day(now, NULL);
	char day[CG_DATE_LEN];
	struct cg_journal_reader jr;
	json_t *rec;
	int st;

	if (!reach)
		return;
	for (int32_t d = cg_local_day(now - reach, NULL); d <= today; d++) {
		cg_day_format(d, day);
		if (cg_journal_reader_open_stream(&jr, &w->home, "checkin", day, err) < 0)
			cg_die_err(err);
		while ((st = cg_journal_reader_next(&jr, &rec, err)) > 0) {
			cg_checkin_note_exit(&w->checkin, rec);
			json_decref(rec);
		}
		cg_journal_reader_release(&jr);
		if (st < 0)
			cg_die_err(err);
	}
}

/*
 * The same through the day index: only what was appended since the last
 * verified point is read; readings are looked up when a rule needs them.
 */
static void load_recent(struct world *w, const struct opts *o, struct cg_err *err)
{
	cg_time_t now = cg_clock_now(&w->clock);
	int wait = w->cfg.policy.remeasure_wait_min;
	char day[CG_DATE_LEN], before[CG_DATE_LEN];

	if (cg_dayindex_open(&w->days, &w->home, wait != 0, err) < 0) {
		if (err->status == CG_EXIT_DAMAGED)
			cg_die_err(err);
		read_recent(w, err);
		return;
	}
	cg_time_date(now, day);
	cg_time_date(now - (cg_time_t)wait * 60, before);
	if ((wait && strcmp(before, day) && cg_dayindex_catch_up(&w->days, before, err) < 0) ||
	    cg_dayindex_catch_up(&w->days, day, err) < 0)
		cg_die_err(err);
	w->days.track = !o->dry_run;
	w->checkin.days = &w->days;
}

/* After each commit: the day index follows the journal. */
static int committed(void *ctx, const struct cg_journal *j, struct cg_err *err)
{
	struct world *w = ctx;

	/* Committed: found in the journal (its event table) from now on. */
	struct cg_eventids t = w->last;

	cg_idset_clear(&w->decided);
	w->last = w->queued;
	w->queued = t;
	cg_eventids_clear(&w->queued);
	return cg_dayindex_committed(&w->days, j, err);
}

/* The local day before day ("YYYY-MM-DD"). */
static void day_before(const char *day, char out[CG_DATE_LEN])
{
	int y, m, d;

	cg_date_parse(day, &y, &m, &d);
	cg_civil_from_days(cg_days_from_civil(y, m, d) - 1, &y, &m, &d);
	snprintf(out, CG_DATE_LEN, "%04d-%02d-%02d", y, m, d);
}

/* The event tables of day and the day before it, caught up. */
static int catch_up_tabs(struct world *w, const char *day, struct cg_err *err)
{
	const struct cg_journal *j = w->journaling ? &w->journal : NULL;
	char before[CG_DATE_LEN];

	if (strcmp(w->tab[1].day, day)) {
		day_before(day, before);
		for (int i = 0; i < 2; i++)
			cg_eventtab_release(&w->tab[i]);
		cg_eventtab_init(&w->tab[0], &w->home, before);
		cg_eventtab_init(&w->tab[1], &w->home, day);
		w->tabs_read = 0;
	}
	/* The day before once a run, as the day index reads it. */
	if ((!w->tabs_read && cg_eventtab_catch_up(&w->tab[0], NULL, err) < 0) ||
	    cg_eventtab_catch_up_ids(&w->tab[1], j, &w->last, err) < 0)
		return -1;
	w->tabs_read = 1;
	for (int i = 0; i < 2; i++)
		if (w->tab[i].notice[0]) {
			cg_warning("%s", w->tab[i].notice);
			w->tab[i].notice[0] = 0;
		}
	return 0;
}

/*
 * The decision journaled for event_id today or the day before, as a new
 * reference, or NULL.  Decided under today's journal lock, after reading
 * what other processes appended: the lock is kept until this run's
 * decision is committed, so that two runs never both decide the same id.
 */
static int event_seen(struct world *w, struct cg_loop *lp, const char *id, size_t len,
		      json_t **orig, struct cg_err *err)
{
	cg_time_t now = cg_clock_now(&w->clock);
	const char *day = w->day_of;
	int fresh = !w->tabs_read;

	*orig = NULL;
	if (!day[0] || now != w->day_at) {
		cg_time_date(now, w->day_of);
		w->day_at = now;
	}
	/* Maybe decided by this run and still queued: commit it first. */
	if (cg_idset_maybe(&w->decided, id, len) && cg_loop_flush(lp, err) < 0)
		return -1;
	if (w->journaling &&
	    (cg_journal_lock_day(&w->journal, day, &fresh, err) < 0 ||
	     (fresh && w->days.open && cg_dayindex_catch_up(&w->days, day, err) < 0)))
		return -1;
	if (fresh || strcmp(w->tab[1].day, day)) {
		if (catch_up_tabs(w, day, err) < 0)
			return -1;
		/* Under the lock, caught up: one read for the readings
		 * until the commit. */
		if (w->journaling)
			cg_dayindex_hold(&w->days);
	}
	for (int i = 0; i < 2 && !*orig; i++)
		if (cg_eventtab_find(&w->tab[i], id, len, orig, err) < 0)
			return -1;
	return 0;
}

/* A repeated event: its first decision again, marked, journaled once. */
static int print_existing(struct cg_loop *lp, json_t *orig, struct cg_err *err)
{
	int ret;

	json_object_set_new(orig, "existing", json_true());
	ret = cg_loop_print(lp, orig, err);
	json_decref(orig);
	return ret;
}

static void load_world(struct world *w, const struct opts *o, struct cg_err *err)
{
	const char *compress = getenv("CG_COMPRESS");
	int mode = cg_journal_compress_mode(compress);

	if (cg_clock_init(&w->clock, o->common.now, err) < 0) {
		cg_error("%s", err->msg);
		cg_usage_hint();
	}
	if (mode < 0) {
		cg_error(_("invalid CG_COMPRESS '%s' (background, wait or off)"), compress);
		cg_usage_hint();
	}
	cg_passbook_init(&w->passes);
	cg_casebook_init(&w->cases);
	cg_keyring_init(&w->keys);
	if (cg_home_open(&w->home, o->common.home, err) < 0 ||
	    cg_config_load(&w->cfg, &w->home, err) < 0 ||
	    cg_passbook_load(&w->passes, &w->home, err) < 0 ||
	    cg_casebook_open_index(&w->cases, &w->home, err) < 0 ||
	    cg_keyring_load(&w->keys, &w->home, 0, 0, err) < 0)
		cg_die_err(err);
	cg_checkin_init(&w->checkin, &w->cfg, &w->passes, &w->cases);
	w->pass = (struct cg_pass_ctx){ &w->cfg, &w->passes, &w->cases, &w->keys, NULL, 0 };
	w->checkin.pass = &w->pass;
	w->journaling = !o->dry_run && !o->verify && !o->compress;
	cg_idset_init(&w->decided);
	cg_eventids_init(&w->queued);
	cg_eventids_init(&w->last);
	for (int i = 0; i < 2; i++)
		cg_eventtab_init(&w->tab[i], &w->home, "");
	if (!o->verify && !o->compress) {
		load_exits(w, err);
		load_recent(w, o, err);
	}
	if (!o->dry_run && !o->verify &&
	    cg_journal_open(&w->journal, &w->home, "checkin", err) < 0)
		cg_die_err(err);
	w->journal.compress = mode;
}

static void release_world(struct world *w, const struct opts *o)
{
	if (!o->dry_run && !o->verify)
		cg_journal_release(&w->journal);
	cg_checkin_release(&w->checkin);
	cg_dayindex_close(&w->days);
	for (int i = 0; i < 2; i++)
		cg_eventtab_release(&w->tab[i]);
	cg_idset_release(&w->decided);
	cg_eventids_release(&w->queued);
	cg_eventids_release(&w->last);
	cg_keyring_release(&w->keys);
	cg_casebook_release(&w->cases);
	cg_passbook_release(&w->passes);
	cg_config_release(&w->cfg);
	cg_home_release(&w->home);
}

/* Each line is parsed into the head of its decision (see decide). */
static json_t *record_head(void *ctx)
{
	struct world *w = ctx;

	return cg_checkin_record_head(&w->checkin);
}

/* One gate event in, its decision journaled and printed. */
static int decide(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		  char *why, size_t whylen, struct cg_err *err)
{
	struct world *w = ctx;
	const json_t *idv = json_object_get(ln->rec, "event_id");
	const char *id = json_string_value(idv);
	json_t *d, *orig;
	int ret;

	if (idv && (!id || !*id)) {
		snprintf(why, whylen, _("'%s' must be a non-empty string"), "event_id");
		return 1;
	}
	if (id && event_seen(w, lp, id, json_string_length(idv), &orig, err) < 0)
		return -1;
	if (id && orig)
		return print_existing(lp, orig, err);
	d = cg_checkin_decide_record(&w->checkin, ln->rec, cg_clock_now(&w->clock), why, whylen);
	if (!d)
		return 1;
	ret = cg_loop_emit(lp, d, err);
	if (ret == 0 && w->journaling) {
		/* The line queued has the event_id of the event (or none). */
		cg_eventids_add(&w->queued, id, json_string_length(idv));
		if (id)
			cg_idset_add(&w->decided, id, json_string_length(idv));
	}
	json_decref(d);
	cg_passbook_forget(&w->passes);	/* none is held now */
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
	if (jr.notice[0])
		cg_warning("%s", jr.notice);
	if (ret == 0) {
		head = json_pack("{s:s, s:I, s:s, s:i, s:b}", "journal", jr.label,
				 "records", (json_int_t)jr.seq, "chain", jr.chain,
				 "torn", jr.torn, "ok", 1);
		if (jr.leftover[0])
			json_object_set_new(head, "leftover", json_string(jr.leftover));
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

/* Compress the finished days now: those before today. */
static int run_compress(struct world *w, struct cg_err *err)
{
	char day[CG_DATE_LEN];

	cg_time_date(cg_clock_now(&w->clock), day);
	if (cg_journal_set_day(&w->journal, day, err) < 0 ||
	    cg_journal_compress(&w->journal, err) < 0)
		return -1;
	return CG_EXIT_OK;
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
	lp.committed = committed;
	lp.parse = 1;
	lp.record_head = record_head;
	lp.notify = CG_NOTIFIER_STDERR;
	lp.clock = &w->clock;
	lp.strict = o->common.strict;
	lp.input_format = o->common.input_format;
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

static const char *login_name(void)
{
	const struct passwd *pw = getpwuid(geteuid());

	return pw && pw->pw_name[0] ? pw->pw_name : "unknown";
}

/*
 * --void, --amend: the correction is decided under the journal's lock,
 * journaled in today's journal and printed as journaled.
 */
static int run_correct(struct world *w, const struct opts *o, struct cg_err *err)
{
	const struct cg_correction_req q = {
		o->void_rid ? o->void_rid : o->amend_rid, o->amend_rid != NULL,
		o->set, o->reason, o->by ? o->by : login_name()
	};
	cg_time_t now = cg_clock_now(&w->clock);
	struct cg_err tidy = CG_ERR_INIT;
	char day[CG_DATE_LEN];
	struct cg_out out;
	json_t *rec;
	int ret;

	cg_time_date(now, day);
	if (cg_journal_set_day(&w->journal, day, err) < 0 ||
	    cg_journal_lock(&w->journal, err) < 0)
		return -1;
	rec = cg_correction_make(&q, &w->checkin, &w->home, now, err);
	if (!rec) {
		cg_journal_unlock(&w->journal);
		return -1;
	}
	ret = cg_journal_add(&w->journal, rec, err);
	json_decref(rec);
	if (ret < 0 || cg_journal_commit(&w->journal, err) < 0) {
		cg_journal_unlock(&w->journal);
		return -1;
	}
	if (w->journal.notice[0])
		cg_warning("%s", w->journal.notice);
	cg_out_init(&out, stdout, 0);
	if (cg_out_line(&out, w->journal.committed.buf, w->journal.committed.len, err) < 0 ||
	    cg_out_close(&out, err) < 0)
		return -1;
	/* As after every commit: finished days are compressed, and a
	 * failure only leaves one plain. */
	if (cg_journal_tidy(&w->journal, &tidy) < 0)
		cg_warning("%s", tidy.msg);
	return CG_EXIT_OK;
}

/* One sign-on or sign-off of --guard, said on standard error. */
static int sign(struct world *w, const struct opts *o, const char *gate, int on,
		int *done, struct cg_err *err)
{
	char masked[128];

	if (cg_duty_sign(&w->home, &w->cfg, o->guard, gate, on, cg_clock_now(&w->clock),
			 done, err) < 0)
		return -1;
	if (*done)
		fprintf(stderr, on ? _("%s: guard %s signed on at gate '%s'\n") :
			_("%s: guard %s signed off at gate '%s'\n"), cg_progname(),
			cg_mask_name(o->guard, masked, sizeof(masked)), gate);
	return 0;
}

/* --ask, with --guard signed on for the session and off at its end. */
static int run_ask(struct world *w, const struct opts *o, struct cg_err *err)
{
	const char *gate = o->gate ? o->gate : json_string_value(json_array_get(w->cfg.gates, 0));
	int status, signed_on = 0, signed_off;

	/* A guard found on at the gate already stays on afterwards. */
	if (o->guard && gate && cg_config_has_gate(&w->cfg, gate) &&
	    sign(w, o, gate, 1, &signed_on, err) < 0)
		return -1;
	status = cg_ask_run(&w->checkin, o->dry_run ? NULL : &w->journal, &w->clock, o->gate, err);
	if (status >= 0 && signed_on && sign(w, o, gate, 0, &signed_off, err) < 0)
		return -1;
	return status;
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
	else if (o.compress)
		status = run_compress(&w, &err);
	else if (o.void_rid || o.amend_rid)
		status = run_correct(&w, &o, &err);
	else if (o.ask)
		status = run_ask(&w, &o, &err);
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
	json_decref(o.set);
	return status;
}
