/*
 * cg-pass: signed, printable, revocable passes (出入证) that a gate can
 * verify offline.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/cards.h"
#include "ui/listing.h"
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
#include "rules/pass.h"
#include "rules/passbook.h"
#include "rules/passlist.h"
#include "rules/presented.h"
#include "crypto/token.h"
#include "rules/validate.h"

static const char summary[] = N_(
"Issue passes (出入证) with signed tokens for their QR codes, verify them\n"
"offline, revoke, list and print them.  Records are JSON lines.\n");

static const char footer[] = N_(
"Exit status: 0 all good, 1 some input rejected, 2 usage error, 3 system\n"
"error, 6 a journal is damaged.\n"
"\n"
"Examples:\n"
"  cg-pass issue --class resident <residents.jsonl >passes.jsonl\n"
"  cg-quarantine release | cg-pass issue --class returnee\n"
"  cg-pass list --active --class resident | cg-pass print >sheets.html\n"
"  cg-pass key export >gate.pub; cg-pass revocations >revoked.jsonl\n"
"  cg-pass verify --pubkey gate.pub --revocations revoked.jsonl <scans.txt\n");

enum {
	OPT_ACTIVE = 256, OPT_CLASS, OPT_DAYS, OPT_EXPIRED, OPT_FORCE, OPT_FORMAT,
	OPT_HOUSEHOLD, OPT_PUBKEY, OPT_REASON, OPT_REVOCATIONS, OPT_REVOKED,
	OPT_VALID_UNTIL
};

static const struct cg_option issue_options[] = {
	{ "class", 0, OPT_CLASS, "CLASS",
	  N_("pass class (default: the record's \"class\", else\n"
	     "vehicle for a plate alone, else resident)"), "class", NULL, NULL,
	  "Issue passes of class\n"
	  ".Ar CLASS ,\n"
	  "whatever the records say.\n" },
	{ "days", 0, OPT_DAYS, "N", N_("valid for N days (through the end of the last)"),
	  "number", NULL, NULL,
	  "Valid for\n"
	  ".Ar N\n"
	  "days (1 to 3660), through the end of the last, instead of the record's\n"
	  ".Cm valid_until ,\n"
	  ".Cm lease_until\n"
	  "or the class's days.\n" },
	{ "valid-until", 0, OPT_VALID_UNTIL, "TIME",
	  N_("valid until TIME (RFC 3339 or YYYY-MM-DD)"), "time", NULL, NULL,
	  "Valid until\n"
	  ".Ar TIME ,\n"
	  "RFC 3339 or\n"
	  ".Ar YYYY-MM-DD\n"
	  "(through the end of that day), for every record.\n"
	  "Excludes\n"
	  ".Fl -days .\n" },
	{ "force", 0, OPT_FORCE, NULL,
	  N_("issue a returnee pass without a released case"), NULL, NULL, NULL,
	  "Issue\n"
	  ".Cm returnee\n"
	  "passes to holders without a released observation case.\n"
	  "Needs\n"
	  ".Fl -reason .\n"
	  "Holders under observation are refused all the same.\n" },
	{ "reason", 0, OPT_REASON, "TEXT", N_("why (journaled; --force needs it)"),
	  "text", NULL, NULL,
	  "Why: with\n"
	  ".Fl -force ,\n"
	  "journaled as the\n"
	  ".Cm force_reason\n"
	  "of a forced returnee pass; without\n"
	  ".Fl -force\n"
	  "it is a usage error.\n" },
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

static const struct cg_option verify_options[] = {
	FORMAT_ENTRY,
	{ "pubkey", 0, OPT_PUBKEY, "FILE",
	  N_("verify with exported public keys only (offline)"), "file", NULL, NULL,
	  "Verify offline with the public keys of\n"
	  ".Ar FILE ,\n"
	  "the output of\n"
	  ".Cm key export ,\n"
	  "instead of the data directory.\n" },
	{ "revocations", 0, OPT_REVOCATIONS, "FILE",
	  N_("also refuse the passes revoked in FILE"), "file", NULL, NULL,
	  "Also refuse the passes listed in\n"
	  ".Ar FILE ,\n"
	  "the output of\n"
	  ".Cm revocations ;\n"
	  "a line of it without a\n"
	  ".Cm pass_id\n"
	  "is an error (exit status 3).\n" },
	CG_OPTION_END
};

static const struct cg_option revoke_options[] = {
	{ "reason", 0, OPT_REASON, "TEXT", N_("why the passes are revoked (journaled)"),
	  "text", NULL, NULL,
	  "Why the passes are revoked, journaled with each revoke event.\n"
	  "Required.\n" },
	CG_OPTION_END
};

static const struct cg_option list_options[] = {
	FORMAT_ENTRY,
	{ "active", 0, OPT_ACTIVE, NULL, N_("only passes valid now"), NULL, NULL, NULL,
	  "Only passes valid now\n"
	  ".Pq status Cm ok .\n" },
	{ "expired", 0, OPT_EXPIRED, NULL, N_("only expired passes"), NULL, NULL, NULL,
	  "Only expired passes.\n" },
	{ "revoked", 0, OPT_REVOKED, NULL, N_("only revoked passes"), NULL, NULL, NULL,
	  "Only revoked passes.\n" },
	{ "class", 0, OPT_CLASS, "CLASS", N_("only passes of class CLASS"),
	  "class", NULL, NULL,
	  "Only passes of class\n"
	  ".Ar CLASS .\n" },
	{ "household", 0, OPT_HOUSEHOLD, "HOUSEHOLD",
	  N_("only that household's passes"), "household", NULL, NULL,
	  "Only the passes of household\n"
	  ".Ar HOUSEHOLD ,\n"
	  "vehicles' included, written as the journal has it\n"
	  ".Pq Li 3-2-501 ,\n"
	  "upper case.\n" },
	CG_OPTION_END
};

static const struct cg_option print_options[] = {
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("html (A4 sheets, default), svg or text (terminal;\ntxt also accepted)"),
	  "choice:html svg text", NULL, NULL,
	  ".Cm html\n"
	  "(the default): one self-contained HTML page of A4 sheets, eight cards\n"
	  "each with cutting marks, one sheet per eight passes; print it at 100%\n"
	  "scale.\n"
	  ".Cm svg :\n"
	  "one valid SVG document: an A4 sheet for up to eight passes; for more,\n"
	  "the sheets one under another (210 mm by 297 mm each), each a nested\n"
	  ".Li <svg>\n"
	  "element of its own.\n"
	  ".Cm text\n"
	  "(also spelt\n"
	  ".Cm txt ) :\n"
	  "for a terminal, each card's facts and its QR code drawn in Unicode half\n"
	  "blocks, to be scanned from the screen.\n" },
	CG_OPTION_END
};

static const struct cg_option options[] = {
	{ "dry-run", 'n', 'n', NULL, N_("do everything but journal"), NULL, NULL,
	  "issue revoke",
	  "Issue or revoke and print, but journal nothing: the records have no\n"
	  ".Cm seq\n"
	  "and\n"
	  ".Cm chain ,\n"
	  "and the passes so issued are unknown to\n"
	  ".Cm verify\n"
	  "and\n"
	  ".Cm list .\n" },
	/* The shared options, as they read here. */
	{ "now", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "Fix the clock at\n"
	  ".Ar TIME ,\n"
	  "RFC 3339\n"
	  ".Pq Li 2026-01-25T09:00:00+08:00 ;\n"
	  "a time without offset or a bare date\n"
	  ".Ar YYYY-MM-DD\n"
	  "(its midnight) is taken as local time.\n"
	  "The default is\n"
	  ".Ev CG_NOW ,\n"
	  "else the system clock.\n"
	  "The clock stamps issue and revoke events, starts passes, and decides\n"
	  "which passes are valid, expired or not yet valid.\n" },
	{ "verbose", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "After\n"
	  ".Cm issue ,\n"
	  "or\n"
	  ".Cm revoke\n"
	  "reading records, write a summary to standard error:\n"
	  ".Ql cg-pass: 412 done, 3 rejected .\n" },
	CG_OPTION_END
};

/* The subcommands that read records take --rejects and --strict. */
#define READING CG_COMMON_RECORD
#define LISTING (CG_COMMON_BASIC | CG_COMMON_LINE_BUFFERED)

static const struct cg_subcommand subs[] = {
	{ "issue", "cg-pass issue [--class CLASS] [--days N | --valid-until TIME]\n"
		   "              [--force --reason TEXT] [OPTION]... [FILE]...",
	  N_("person, household or vehicle records in, one pass out each"),
	  issue_options, READING, "file" },
	{ "verify", "cg-pass verify [--pubkey FILE] [--revocations FILE] [--format FORMAT]\n"
		    "               [OPTION]... [FILE]...",
	  N_("tokens, pass ids or records with a \"pass\" field in"),
	  verify_options, READING, "file" },
	{ "revoke", "cg-pass revoke --reason TEXT [OPTION]... [PASS_ID]...",
	  N_("revoke the passes named, or those on standard input"),
	  revoke_options, READING, "pass" },
	{ "revocations", "cg-pass revocations [OPTION]...",
	  N_("the revocation list for offline gates"), NULL, LISTING, "none" },
	{ "list", "cg-pass list [--active | --expired | --revoked] [--class CLASS]\n"
		  "             [--household HOUSEHOLD] [--format FORMAT] [OPTION]...",
	  N_("the passes of the journal"), list_options, LISTING, "none" },
	{ "print", "cg-pass print [--format html|svg|text] [OPTION]... [FILE]...",
	  N_("pass records in, printable cards out"), print_options, READING, "file" },
	{ "key", "cg-pass key export|rotate",
	  N_("export the public keys, or rotate the signing key"), NULL, LISTING,
	  "choice:export rotate" },
	{ NULL, NULL, NULL, NULL, 0, NULL }
};

static const struct cg_command command = {
	.name = "cg-pass",
	.summary = summary,
	.options = options,
	.subs = subs,
	.common = CG_COMMON_RECORD,
	.footer = footer,
};

struct opts {
	struct cg_common_opts common;
	char **args;		/* the operands after the subcommand */
	int nargs;
	const char *sub, *class_, *reason, *pubkey;
	const char *revocations, *household, *format, *valid_until;
	int days, dry_run, force;
	int active, expired, revoked;
	int text;		/* list and verify: text for a person */
};

static void usage_error(const char *fmt, const char *arg)
{
	cg_error(fmt, arg);
	cg_usage_hint();
}

/* Which option goes with which subcommand is in subs[]; these are the
 * options that go together, and the values. */
static void check_combination(struct opts *o)
{
	const char *s = o->sub;

	if (o->active + o->expired + o->revoked > 1)
		usage_error(_("%s: choose one of --active, --expired, --revoked"), s);
	if (o->days && o->valid_until)
		usage_error(_("%s: --days and --valid-until exclude each other"), s);
	if (o->force && !o->reason)
		usage_error(_("%s: --force needs --reason"), s);
	if (!strcmp(s, "revoke") && !o->reason)
		usage_error(_("%s needs --reason"), s);
	if (o->reason && !o->force && strcmp(s, "revoke"))
		usage_error(_("%s: --reason goes with --force (or with revoke)"), s);
	if (!strcmp(s, "list") || !strcmp(s, "verify"))
		o->text = !strcmp(cg_format_pick(o->format, "text json"), "text");
	else if (o->format)
		o->format = cg_format_pick(o->format, "html svg text");
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
		case 'n': o->dry_run = 1; break;
		case OPT_ACTIVE: o->active = 1; break;
		case OPT_CLASS: o->class_ = arg; break;
		case OPT_DAYS: {
			char *end;
			long d = strtol(arg, &end, 10);

			if (*end || end == arg || d < 1 || d > 3660)
				usage_error(_("invalid number of days '%s'"), arg);
			o->days = (int)d;
			break;
		}
		case OPT_EXPIRED: o->expired = 1; break;
		case OPT_FORCE: o->force = 1; break;
		case OPT_FORMAT: o->format = cg_format_name(arg); break;
		case OPT_HOUSEHOLD: o->household = arg; break;
		case OPT_PUBKEY: o->pubkey = arg; break;
		case OPT_REASON: o->reason = arg; break;
		case OPT_REVOCATIONS: o->revocations = arg; break;
		case OPT_REVOKED: o->revoked = 1; break;
		case OPT_VALID_UNTIL: o->valid_until = arg; break;
		}
	}
	cg_parse_end(&p);
	o->sub = p.sub->name;
	o->args = p.operands;
	o->nargs = p.noperands;
	check_combination(o);
}

/* What every subcommand may need, loaded once. */
struct world {
	struct opts *o;
	struct cg_clock clock;
	struct cg_home home;
	int have_home;
	struct cg_config cfg;
	struct cg_passbook passes;
	struct cg_casebook cases;
	struct cg_keyring keys;
	json_t *revoked_list;
	json_t *good_signatures;	/* tokens already verified in this run */
	char household[CG_HOUSEHOLD_LEN];	/* --household, normalised */
	struct cg_pass_ctx ctx;
	struct cg_issue_opts issue;
	struct cg_journal journal;
};

static int load_revocations(struct world *w, const char *path, struct cg_err *err)
{
	struct cg_jsonl_reader in;
	char *line, why[256];
	size_t len;
	int st, ret = 0;

	w->revoked_list = json_object();
	if (cg_jsonl_reader_open(&in, AT_FDCWD, path, path, 0, err) < 0)
		return -1;
	while (ret == 0 && (st = cg_jsonl_next(&in, &line, &len, err)) != CG_JSONL_EOF) {
		json_t *r = st == CG_JSONL_LINE ? cg_jsonl_parse(line, len, why, sizeof(why)) : NULL;
		const char *id = json_string_value(json_object_get(r, "pass_id"));
		char norm[CG_PASS_ID_LEN];

		if (st < 0)
			ret = -1;
		else if (!id)
			ret = cg_err_set(err, CG_EXIT_SYSTEM, _("%s:%lu: not a revocation record"),
					 path, in.lineno);
		else {
			cg_pass_id_normalise(id, norm);
			json_object_set_new(w->revoked_list, norm, json_true());
		}
		json_decref(r);
	}
	cg_jsonl_reader_release(&in);
	return ret;
}

/*
 * issue and key export need a signing key (made on first use); key rotate
 * is the repair of a broken one, so it takes keys/ as it finds it.
 */
static int keys_needed(const struct opts *o)
{
	if (!strcmp(o->sub, "key"))
		return o->nargs == 1 && !strcmp(o->args[0], "rotate") ? CG_KEYS_REPAIR :
			CG_KEYS_SIGN;
	return !strcmp(o->sub, "issue") ? CG_KEYS_SIGN : CG_KEYS_READ;
}

static void load_world(struct world *w, struct cg_err *err)
{
	struct opts *o = w->o;
	int offline = o->pubkey != NULL;
	cg_time_t now;

	if (cg_clock_init(&w->clock, o->common.now, err) < 0)
		usage_error("%s", err->msg);
	now = cg_clock_now(&w->clock);
	cg_passbook_init(&w->passes);
	cg_casebook_init(&w->cases);
	cg_keyring_init(&w->keys);
	if (offline) {
		if (cg_config_load(&w->cfg, NULL, err) < 0 ||
		    cg_keyring_load_public(&w->keys, o->pubkey, err) < 0)
			cg_die_err(err);
	} else {
		w->have_home = 1;
		if (cg_home_open(&w->home, o->common.home, err) < 0 ||
		    cg_config_load(&w->cfg, &w->home, err) < 0 ||
		    cg_passbook_load(&w->passes, &w->home, err) < 0 ||
		    cg_casebook_open_index(&w->cases, &w->home, err) < 0 ||
		    cg_keyring_load(&w->keys, &w->home, keys_needed(o), now, err) < 0)
			cg_die_err(err);
	}
	if (o->revocations && load_revocations(w, o->revocations, err) < 0)
		cg_die_err(err);
	w->good_signatures = json_object();
	if (o->household) {
		const char *why;

		if (cg_valid_household(o->household, w->cfg.household, w->household, &why) < 0)
			cg_usage_error(_("invalid --household '%s': %s"), o->household, why);
	}
	if (o->valid_until && cg_pass_until(o->valid_until, &w->issue.valid_until) < 0)
		usage_error(_("invalid time '%s' for --valid-until"), o->valid_until);
	w->issue.has_valid_until = o->valid_until != NULL;
	if (o->class_ && !json_object_get(w->cfg.pass_classes, o->class_)) {
		char why[512];

		cg_config_unknown(w->cfg.pass_classes, _("pass class"), o->class_, why, sizeof(why));
		cg_usage_error(_("%s for --class"), why);
	}
	w->issue.class_ = o->class_;
	w->issue.days = o->days;
	w->issue.force_reason = o->force ? o->reason : NULL;
	w->ctx = (struct cg_pass_ctx){ &w->cfg, &w->passes, offline ? NULL : &w->cases,
				       &w->keys, w->revoked_list, offline };
	if (!o->dry_run && w->have_home &&
	    (!strcmp(o->sub, "issue") || !strcmp(o->sub, "revoke")) &&
	    cg_journal_open(&w->journal, &w->home, "pass", err) < 0)
		cg_die_err(err);
}

static void release_world(struct world *w)
{
	if (w->journal.lockfd > 0)
		cg_journal_release(&w->journal);
	cg_keyring_release(&w->keys);	/* wipes the secret keys */
	/* Closes the indexes too, so that the last process out folds its
	 * write-ahead log back into the file. */
	cg_passbook_release(&w->passes);
	cg_casebook_release(&w->cases);
	if (!CG_FREE_AT_EXIT)
		return;
	json_decref(w->revoked_list);
	json_decref(w->good_signatures);
	cg_config_release(&w->cfg);
	if (w->have_home)
		cg_home_release(&w->home);
}

/* ---- issue and revoke: through the loop ---- */

/* A loop set up as every subcommand that reads records has it. */
static int loop_init(struct world *w, struct cg_loop *lp, int line_buffered,
		     struct cg_err *err)
{
	if (cg_loop_init(lp, w->o->common.rejects, line_buffered, err) < 0)
		return -1;
	lp->ctx = w;
	lp->notify = CG_NOTIFIER_STDERR;
	lp->clock = &w->clock;
	lp->strict = w->o->common.strict;
	lp->input_format = w->o->common.input_format;
	return 0;
}

/* The end of a loop: what is queued, the rejects file, stdout. */
static int loop_finish(struct cg_loop *lp, int ret, struct cg_err *err)
{
	if (ret == 0)
		ret = cg_loop_finish(lp, err);
	if (ret == 0)
		ret = cg_out_close(&lp->out, err);
	return ret < 0 ? -1 : cg_loop_status(lp);
}

/*
 * Before deciding whether a holder has a pass or a pass is revoked: lock
 * the pass journal and fold what other runs journaled since, so that two
 * runs at once never both issue or both revoke.  The lock is kept until
 * what is decided is committed.
 */
static int catch_up(struct world *w, struct cg_err *err)
{
	if (w->o->dry_run || !w->have_home)
		return 0;
	return cg_passbook_catch_up(&w->passes, &w->journal, err);
}

/* One person, household or vehicle record in, a pass out (printed, not
 * journaled again, when it already existed). */
static int issue_one(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		     char *why, size_t whylen, struct cg_err *err)
{
	struct world *w = ctx;
	uint64_t seen = w->cases.seq;
	int existing, ret;
	json_t *ev;

	if (catch_up(w, err) < 0)
		return -1;
	ev = cg_pass_issue(&w->ctx, ln->rec, &w->issue, cg_clock_now(&w->clock),
			   &existing, why, whylen);

	/*
	 * In "cg-quarantine release | cg-pass issue" the releases reach the
	 * journal after this run loaded it: a refusal may be out of date, so
	 * look at the journal again before saying no.
	 */
	if (!ev && w->have_home) {
		if (cg_casebook_refresh(&w->cases, &w->home, err) < 0)
			return -1;
		if (w->cases.seq != seen)
			ev = cg_pass_issue(&w->ctx, ln->rec, &w->issue, cg_clock_now(&w->clock),
					   &existing, why, whylen);
	}
	if (!ev)
		return 1;
	ret = existing ? cg_loop_print(lp, ev, err) : cg_loop_emit(lp, ev, err);
	json_decref(ev);
	return ret;
}

/* Revoke the pass a text names: a pass id, or a token scanned from a card.
 * 0 done, 1 refused (why), -1 with *err. */
static int revoke_text(struct world *w, struct cg_loop *lp, const char *text,
		       char *why, size_t whylen, struct cg_err *err)
{
	json_t *out;
	int existing, ret;

	if (catch_up(w, err) < 0)
		return -1;
	if (!(out = cg_pass_revoke(&w->ctx, text, w->o->reason, cg_clock_now(&w->clock),
				   &existing, why, whylen)))
		return 1;
	ret = existing ? cg_loop_print(lp, out, err) : cg_loop_emit(lp, out, err);
	json_decref(out);
	return ret;
}

static int run_issue(struct world *w, char **files, int nfiles, struct cg_err *err)
{
	struct cg_loop lp;
	int ret;

	if (loop_init(w, &lp, w->o->common.line_buffered, err) < 0)
		return -1;
	lp.fn = issue_one;
	lp.parse = 1;
	if (!w->o->dry_run)
		lp.journal = &w->journal;
	ret = loop_finish(&lp, cg_loop_run_files(&lp, files, nfiles, err), err);
	if (ret >= 0 && w->o->common.verbose)
		fprintf(stderr, _("%s: %lu done, %lu rejected\n"), cg_progname(), lp.emitted,
			lp.rejected);
	return ret;
}

/* ---- verify: in batches, signatures checked on every core ---- */

#define VERIFY_BATCH 4096

/* The lines verify holds back while their signatures wait for a batch. */
struct verify_batch {
	struct world *w;
	struct cg_presented items[VERIFY_BATCH];
	json_t *results[VERIFY_BATCH];
	size_t n;
};

/* A result as a line for the guard at the gate. */
static int print_verdict(struct cg_loop *lp, const json_t *res, struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(64 * 1024);
	int ret = cg_listing_verdict(res, &line) < 0 ?
		  cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) :
		  cg_out_line(&lp->out, line.buf, line.len, err);

	lp->emitted++;
	cg_buf_release(&line);
	return ret;
}

/* Check the signatures of the batch on every core, and print a result for
 * each of its lines in their order. */
static int verify_drain(void *ctx, struct cg_loop *lp, struct cg_err *err)
{
	struct verify_batch *vb = ctx;
	struct world *w = vb->w;
	int ret = 0;

	cg_pass_verify(&w->ctx, vb->items, vb->n, cg_clock_now(&w->clock), w->good_signatures,
		       vb->results);
	for (size_t i = 0; i < vb->n; i++) {
		if (ret == 0 && w->o->text)
			ret = print_verdict(lp, vb->results[i], err);
		else if (ret == 0)
			ret = cg_loop_emit(lp, vb->results[i], err);
		json_decref(vb->results[i]);
		cg_presented_release(&vb->items[i]);
	}
	vb->n = 0;
	cg_passbook_forget(&w->passes);	/* none is held now */
	return ret;
}

static int verify_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		       char *why, size_t whylen, struct cg_err *err)
{
	struct verify_batch *vb = ctx;

	if (cg_presented_parse(&vb->items[vb->n], ln->text, ln->len, why, whylen))
		return 1;
	if (++vb->n == VERIFY_BATCH)
		return verify_drain(vb, lp, err);
	return 0;
}

static int run_verify(struct world *w, char **files, int nfiles, struct cg_err *err)
{
	struct verify_batch *vb = calloc(1, sizeof(*vb));
	struct cg_loop lp;
	int ret;

	if (!vb)
		abort();
	vb->w = w;
	if (loop_init(w, &lp, w->o->common.line_buffered, err) < 0) {
		free(vb);
		return -1;
	}
	lp.fn = verify_take;
	lp.drain = verify_drain;
	lp.ctx = vb;
	lp.too_long = _("line too long");
	ret = cg_loop_run_files(&lp, files, nfiles, err);
	if (ret < 0) {
		/* Release what an error left held back. */
		for (size_t i = 0; i < vb->n; i++)
			cg_presented_release(&vb->items[i]);
	}
	free(vb);
	return loop_finish(&lp, ret, err);
}

/* ---- revoke ---- */

/*
 * Revoke takes pass ids or tokens as arguments, or on standard input as
 * bare lines or records (as verify reads them).
 */
static int revoke_take(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		       char *why, size_t whylen, struct cg_err *err)
{
	struct cg_presented it;
	int ret;

	if (cg_presented_parse(&it, ln->text, ln->len, why, whylen))
		return 1;
	ret = revoke_text(ctx, lp, it.text, why, whylen, err);
	cg_presented_release(&it);
	return ret;
}

static int run_revoke(struct world *w, char **args, int nargs, struct cg_err *err)
{
	char why[CG_LOOP_WHY_MAX];
	struct cg_loop lp;
	int ret = 0;

	if (loop_init(w, &lp, w->o->common.line_buffered, err) < 0)
		return -1;
	lp.fn = revoke_take;
	lp.too_long = _("line too long");
	if (!w->o->dry_run)
		lp.journal = &w->journal;
	if (nargs) {
		for (int i = 0; i < nargs && ret >= 0; i++)
			if ((ret = revoke_text(w, &lp, args[i], why, sizeof(why), err)) > 0)
				cg_loop_refuse(&lp, why);
		ret = ret < 0 ? -1 : 0;
	} else {
		ret = cg_loop_run_files(&lp, NULL, 0, err);
	}
	ret = loop_finish(&lp, ret, err);
	if (ret >= 0 && w->o->common.verbose)
		fprintf(stderr, _("%s: %lu done, %lu rejected\n"), cg_progname(), lp.emitted,
			lp.rejected);
	return ret;
}

/* ---- list, revocations, key: from the fold ---- */

/* A pass or key printed from the fold: what its journal line holds. */
#define RECORD_MAX CG_JOURNAL_MAX_LINE

static int print_json(struct cg_out *out, json_t *j, struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(RECORD_MAX);
	int ret = cg_jsonl_dump(j, &line) < 0 ? -1 : cg_out_line(out, line.buf, line.len, err);

	cg_buf_release(&line);
	json_decref(j);
	return ret;
}

struct list_ctx {
	struct cg_out out;
	json_t *collect;	/* text: the records, laid out at the end */
	struct cg_pass_filter f;
	cg_time_t now;
	int revocations;
	struct cg_err *err;
};

static int list_one(void *ctx, const char *id, const json_t *ev)
{
	struct list_ctx *c = ctx;
	json_t *j = NULL;

	(void)id;
	if (c->revocations)
		j = cg_pass_revocation_record(ev);
	else if (cg_pass_filter_match(&c->f, ev, c->now))
		j = cg_pass_list_record(ev, c->now);
	if (j && c->collect)
		return json_array_append_new(c->collect, j) < 0 ?
		       cg_err_set(c->err, CG_EXIT_SYSTEM, "%s", _("out of memory")) : 0;
	return j ? print_json(&c->out, j, c->err) : 0;
}

/* The passes as a table for a person: some 100 bytes a pass. */
static int print_passes(struct cg_out *out, const json_t *passes, struct cg_err *err)
{
	struct cg_buf text = CG_BUF_INIT((size_t)1 << 30);
	int ret = cg_listing_passes(passes, &text) < 0 ?
		  cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) :
		  cg_out_line(out, text.buf, text.len, err);

	cg_buf_release(&text);
	return ret;
}

static int run_list(struct world *w, int revocations, struct cg_err *err)
{
	const struct opts *o = w->o;
	struct list_ctx c = {
		.f = { o->active, o->expired, o->revoked, o->class_,
		       w->household[0] ? w->household : NULL },
		.now = cg_clock_now(&w->clock),
		.revocations = revocations,
		.err = err,
	};
	int ret;

	cg_out_init(&c.out, stdout, o->common.line_buffered);
	if (o->text && !revocations)
		c.collect = json_array();
	ret = cg_passbook_each(&w->passes, list_one, &c, err);
	if (ret == 0 && c.collect)
		ret = print_passes(&c.out, c.collect, err);
	json_decref(c.collect);
	return ret < 0 || cg_out_close(&c.out, err) < 0 ? -1 : CG_EXIT_OK;
}

static int run_key(struct world *w, char **args, int nargs, struct cg_err *err)
{
	struct cg_out out;
	int ret = 0;

	if (nargs != 1 || (strcmp(args[0], "export") && strcmp(args[0], "rotate")))
		usage_error("%s", _("key: say 'export' or 'rotate'"));
	if (!strcmp(args[0], "rotate") &&
	    cg_keyring_rotate(&w->keys, &w->home, cg_clock_now(&w->clock), err) < 0)
		return -1;
	cg_out_init(&out, stdout, 0);
	for (size_t i = 0; i < w->keys.n && ret == 0; i++)
		if (!strcmp(args[0], "export") || (int)i == w->keys.current)
			ret = print_json(&out, cg_key_export(&w->keys, i), err);
	return ret < 0 || cg_out_close(&out, err) < 0 ? -1 : CG_EXIT_OK;
}

/* ---- print ---- */

static int pass_record(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		       char *why, size_t whylen, struct cg_err *err)
{
	(void)ctx;
	if (!json_is_string(json_object_get(ln->rec, "token")) ||
	    !json_is_string(json_object_get(ln->rec, "pass_id"))) {
		snprintf(why, whylen, _("not a pass record (no pass_id or token)"));
		return 1;
	}
	return cg_loop_emit(lp, ln->rec, err);
}

/* A sheet of cards for every pass given: a card is some 10 KiB of SVG,
 * so 1 GiB is a hundred thousand passes. */
#define PAGE_MAX ((size_t)1 << 30)

static int run_print(struct world *w, char **files, int nfiles, struct cg_err *err)
{
	const char *format = w->o->format ? w->o->format : "html";
	struct cg_buf page = CG_BUF_INIT(PAGE_MAX);
	json_t *passes = json_array();
	struct cg_loop lp;
	int ret;

	if (loop_init(w, &lp, 0, err) < 0)
		return -1;
	lp.fn = pass_record;
	lp.parse = 1;
	lp.collect = passes;
	ret = cg_loop_run_files(&lp, files, nfiles, err);
	if (ret == 0) {
		ret = !strcmp(format, "svg") ? cg_cards_svg(&w->cfg, passes, &page) :
		      !strcmp(format, "text") ? cg_cards_txt(&w->cfg, passes, &page) :
					       cg_cards_html(&w->cfg, passes, &page);
		if (ret < 0 && errno == E2BIG)
			cg_err_set(err, CG_EXIT_SYSTEM, _("cannot print more than %zu bytes of cards"),
				   PAGE_MAX);
		else if (ret < 0)
			cg_err_set(err, CG_EXIT_SYSTEM, _("a token does not fit a QR code"));
		else if (page.len)
			ret = cg_out_line(&lp.out, page.buf, page.len, err);
	}
	cg_buf_release(&page);
	json_decref(passes);
	return loop_finish(&lp, ret, err);
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct opts o;
	struct world w;
	char **args;
	int nargs, status;

	cg_cmd_setup("cg-pass");
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	memset(&w, 0, sizeof(w));
	w.o = &o;
	w.journal.lockfd = -1;
	args = o.args;
	nargs = o.nargs;
	load_world(&w, &err);

	if (!strcmp(o.sub, "issue"))
		status = run_issue(&w, args, nargs, &err);
	else if (!strcmp(o.sub, "verify"))
		status = run_verify(&w, args, nargs, &err);
	else if (!strcmp(o.sub, "revoke"))
		status = run_revoke(&w, args, nargs, &err);
	else if (!strcmp(o.sub, "revocations"))
		status = run_list(&w, 1, &err);
	else if (!strcmp(o.sub, "list"))
		status = run_list(&w, 0, &err);
	else if (!strcmp(o.sub, "print"))
		status = run_print(&w, args, nargs, &err);
	else
		status = run_key(&w, args, nargs, &err);
	if (status < 0)
		cg_die_err(&err);
	/* What was journaled goes into the index now rather than at the next
	 * start; the index is derived, so a failure here costs only time. */
	if (w.journal.lockfd > 0 && cg_passbook_sync(&w.passes, &err) < 0)
		cg_warning("%s", err.msg);
	release_world(&w);
	return status;
}
