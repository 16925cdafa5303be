/*
 * cg-sync: push journal records (or standard input) upstream in gzip
 * batches, exactly once as the upstream sees it.
 */
#include <dirent.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "core/cmd.h"
#include "store/config.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "core/options.h"
#include "sync/lock.h"
#include "sync/sync.h"
#include "ui/listing.h"

static const char summary[] = N_(
"Push the journals (check-ins, passes, cases) from the target's cursor, or\n"
"records from files or standard input (JSON lines, or CSV such as Excel\n"
"saves), to an upstream in gzip batches.  Every batch is kept in an outbox\n"
"until the upstream acknowledges it, carries an Idempotency-Key, and is\n"
"re-sent byte for byte after a failure or a crash; every record carries a\n"
"stable \"rid\".  One result line per batch.\n");

static const char footer[] = N_(
"Exit status: 0 all good, 1 some input lines rejected, 2 usage error, 3 system\n"
"error, 4 the upstream failed (nothing is lost: the batch stays in the outbox\n"
"or the dead letters), 6 a journal or the outbox is damaged, 7 another run\n"
"holds the target (see --wait).\n"
"\n"
"Examples:\n"
"  cg-sync push --from-start city   (city: a target in config.json)\n"
"  cg-sync push city\n"
"  cg-sync push --url http://127.0.0.1:8123/ --format clickhouse --target ch\n"
"  cg-report --date 2026-01-25 | cg-sync push --url https://street.example/r -\n"
"  cg-sync push street visitors.csv   (street: a target in config.json)\n"
"  cg-sync status\n"
"  cg-sync dead list city\n"
"  17 * * * * cg-sync push -q city >>/var/log/cg-sync.jsonl   (crontab)\n");

enum {
	OPT_BACKOFF_BASE = 256,
	OPT_BACKOFF_CAP,
	OPT_BATCH_BYTES,
	OPT_BATCH_RECORDS,
	OPT_CACERT,
	OPT_FOLLOW,
	OPT_FORMAT,
	OPT_FROM_START,
	OPT_GZIP_LEVEL,
	OPT_INSECURE,
	OPT_KEEP_GOING,
	OPT_MAX_RETRIES,
	OPT_MAX_TIME,
	OPT_NO_GZIP,
	OPT_PIN,
	OPT_REDACT,
	OPT_TABLE,
	OPT_TARGET,
	OPT_TIMEOUT,
	OPT_TOKEN_FILE,
	OPT_URL,
	OPT_WAIT
};

static const struct cg_option push_options[] = {
	{ "batch-bytes", 0, OPT_BATCH_BYTES, "BYTES",
	  N_("batch size before compression (default 4M)"), "size", NULL, NULL,
	  "Batch size before compression (default 4M).\n" },
	{ "batch-records", 0, OPT_BATCH_RECORDS, "N", N_("records per batch at most (default: no limit)"),
	  "number", NULL, NULL,
	  "Records per batch at most (default: no limit; batches end at\n"
	  ".Fl -batch-bytes ) .\n" },
	{ "dry-run", 'n', 'n', NULL, N_("print the batches instead of sending them"),
	  NULL, NULL, NULL,
	  "Print the batches (the outbox first) instead of sending them; nothing is\n"
	  "written: no cursor, no\n.Pa sync/NAME/\nfolder, no key.\n" },
	{ "follow", 0, OPT_FOLLOW, NULL,
	  N_("keep pushing as the journals grow, until SIGTERM"), NULL, NULL, NULL,
	  "Keep pushing as the journals grow: after the push, look again every\n"
	  ".Cm follow_interval_ms\n"
	  "of the target (default 5000) and push what was appended, a new day's\n"
	  "check-in journal included, holding the target's lock all along.\n"
	  "A round the upstream fails is reported like a push and tried again the\n"
	  "next round.\n"
	  "SIGTERM or SIGINT ends it: no new batch is made, the one in flight is\n"
	  "settled (acknowledged, or kept in the outbox for the next run), and it\n"
	  "exits 0; nothing is lost and nothing sent twice (see\n"
	  ".Sx Following ) .\n" },
	{ "from-start", 0, OPT_FROM_START, NULL,
	  N_("no cursor yet (or a bad one): send every record"), NULL, NULL, NULL,
	  "Start from the first record: with no cursor, or to replace a bad one.\n" },
	{ "gzip-level", 0, OPT_GZIP_LEVEL, "N",
	  N_("gzip level 1-9 of request bodies (default 1)"),
	  "choice:1 2 3 4 5 6 7 8 9", NULL, NULL,
	  "Gzip level 1-9 of request bodies (default 1).\n" },
	{ "keep-going", 0, OPT_KEEP_GOING, NULL, N_("go on after a batch refused for good"),
	  NULL, NULL, NULL, "Go on after a batch refused for good.\n" },
	{ "no-gzip", 0, OPT_NO_GZIP, NULL, N_("send request bodies uncompressed"),
	  NULL, NULL, NULL, "Send request bodies uncompressed.\n" },
	{ "redact", 0, OPT_REDACT, NULL,
	  N_("send name, id_no, phone, plate as keyed hashes"), NULL, NULL, NULL,
	  "Send name, id_no, phone, plate and a check-in's pass id as keyed hashes\n"
	  "(BLAKE2b keyed with the target's\n"
	  ".Cm redact_key_file ,\n"
	  "the city's key, else\n"
	  ".Pa keys/sync-redact.key ,\n"
	  "created on first use), so that the upstream can still join the records\n"
	  "of one person; pass tokens are never sent (see\n"
	  ".Sx UPSTREAM DATA ) .\n" },
	{ "table", 0, OPT_TABLE, "NAME",
	  N_("ClickHouse table or index; {stream} is replaced\n"
	     "(default cg_{stream}, cg-{stream} for es-bulk)"), "text", NULL, NULL,
	  "The ClickHouse table or Elasticsearch index;\n"
	  ".Ql {stream}\n"
	  "is replaced by the journal (default cg_{stream}, cg-{stream} for es-bulk).\n" },
	CG_OPTION_END
};

/* push and dead retry send; push and status read the journals. */
#define SENDING "push dead"
#define READING "push status"

static const struct cg_option options[] = {
	{ "backoff-base", 0, OPT_BACKOFF_BASE, "SECONDS",
	  N_("first retry wait, doubled per retry (default 0.5)"), "seconds", NULL, SENDING,
	  "The first retry waits up to this long, doubled per retry (default 0.5).\n" },
	{ "backoff-cap", 0, OPT_BACKOFF_CAP, "SECONDS",
	  N_("longest wait between retries (default 30)"), "seconds", NULL, SENDING,
	  "The longest wait between retries (default 30).\n" },
	{ "cacert", 0, OPT_CACERT, "FILE", N_("trust the CA certificates in FILE"),
	  "file", NULL, SENDING, "Trust the CA certificates in\n.Ar FILE .\n" },
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("ndjson, clickhouse or es-bulk (default ndjson)"),
	  "choice:ndjson clickhouse es-bulk", NULL, "push",
	  ".Cm ndjson ,\n.Cm clickhouse\nor\n.Cm es-bulk\n(default\n.Cm ndjson ) .\n" },
	{ "insecure", 0, OPT_INSECURE, NULL,
	  N_("do not verify the server's certificate (warns)"), NULL, NULL, SENDING,
	  "Do not verify the server's certificate; a warning says so.\n" },
	{ "max-retries", 0, OPT_MAX_RETRIES, "N", N_("retries of one batch (default 8)"),
	  "number", NULL, SENDING, "Retries of one batch (default 8).\n" },
	{ "max-time", 0, OPT_MAX_TIME, "SECONDS",
	  N_("time for one batch with its retries (default 300)"), "seconds", NULL, SENDING,
	  "Time for one batch with its retries (default 300).\n" },
	{ "pin", 0, OPT_PIN, "PINS",
	  N_("pin the server's public key (sha256//BASE64;...)"), "text", NULL, SENDING,
	  "Pin the server's public key,\n"
	  ".Ql sha256//BASE64\n"
	  "(several joined by ;).\n" },
	{ "stream", 's', 's', "LIST",
	  N_("journals to push: checkin,pass,quarantine,duty,checkpoint (all)"),
	  "choice:checkin pass quarantine duty checkpoint checkin,pass,quarantine", NULL, READING,
	  "The journals to push: checkin, pass, quarantine, duty, comma-separated,\n"
	  "and checkpoint, the checkpoints signed of them (all five).\n" },
	{ "target", 0, OPT_TARGET, "NAME",
	  N_("the target (names cursor, outbox, dead letters)"), "target", NULL, NULL,
	  "The target: its settings in\n.Pa config.json ,\n"
	  "and the name of its cursor, outbox and dead letters.\n" },
	{ "timeout", 0, OPT_TIMEOUT, "SECONDS", N_("time for one request (default 60)"),
	  "seconds", NULL, SENDING, "Time for one request (default 60).\n" },
	{ "token-file", 0, OPT_TOKEN_FILE, "FILE",
	  N_("the upstream token (else $CG_SYNC_TOKEN); FILE\n"
	     "must not be readable by group or others"), "file", NULL, SENDING,
	  "The upstream token, refused when\n.Ar FILE\nis readable by group or others;\n"
	  "else\n"
	  ".Ev CG_SYNC_TOKEN .\n"
	  "A token with a space is a whole Authorization value\n"
	  ".Pq Ql Basic ... ;\n"
	  "otherwise it is sent as a Bearer token.\n"
	  "Tokens are never taken from arguments and never printed.\n" },
	{ "url", 0, OPT_URL, "URL", N_("the upstream URL (overrides the target's)"),
	  "url", NULL, NULL, "The upstream URL (overrides the target's).\n" },
	{ "wait", 0, OPT_WAIT, "SECONDS",
	  N_("wait this long for another run on the target\n"
	     "to finish (default 0: give up at once, exit 7)"), "seconds", NULL, SENDING,
	  "One run at a time works on a target: a push from the journals, or a\n"
	  "retry or drop of dead letters, holds\n"
	  ".Pa sync/ Ns Ar NAME Ns Pa /lock\n"
	  "while it runs.\n"
	  "When another run holds it, wait up to\n"
	  ".Ar SECONDS\n"
	  "for it to finish (default 0: not at all), then give up with exit status 7\n"
	  "and nothing sent.\n"
	  "A push from standard input takes no lock.\n" },
	/* The shared options, as they read here. */
	{ "quiet", 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "No warnings.\n"
	  "When standard error is a terminal and\n"
	  ".Fl q\n"
	  "is not given, a journal push draws a progress bar there: the records sent\n"
	  "out of the backlog it found when it started.\n" },
	{ "verbose", 0, 0, NULL, N_("trace requests on standard error (secrets redacted)"),
	  NULL, NULL, NULL,
	  "Trace the requests on standard error, with Authorization redacted.\n" },
	CG_OPTION_END
};

/* status and dead list: what a person reads, or what a script does. */
static const struct cg_option listing_options[] = {
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("text (aligned, masked; the default on a terminal)\nor json (the default otherwise)"),
	  "choice:text json", NULL, NULL,
	  ".Cm text :\n"
	  "aligned lines for a person, personal data masked (the default when\n"
	  "standard output is a terminal), or\n"
	  ".Cm json :\n"
	  "the records as JSON lines (the default otherwise).\n"
	  "For\n"
	  ".Cm dead ,\n"
	  "it goes with\n"
	  ".Cm list\n"
	  "only.\n" },
	CG_OPTION_END
};

static const struct cg_subcommand subs[] = {
	{ "push", "cg-sync push [OPTION]... [TARGET]\n"
		  "cg-sync push [OPTION]... TARGET -|FILE...\n"
		  "cg-sync push --url URL [OPTION]... -",
	  N_("push the journals from the target's cursor, or records from files or\n"
	     "standard input (JSON lines or CSV)"),
	  push_options, CG_COMMON_BASIC | CG_COMMON_INPUT, "target" },
	{ "status", "cg-sync status [--format FORMAT] [OPTION]... [TARGET]...",
	  N_("the cursor, backlog and dead letters of targets"), listing_options, 0, "target" },
	{ "dead", "cg-sync dead list [--format FORMAT] [OPTION]... TARGET\n"
		  "cg-sync dead retry|drop [OPTION]... TARGET [ID]...",
	  N_("list, retry or drop the batches refused for good"), listing_options, 0,
	  "choice:list retry drop" },
	{ NULL, NULL, NULL, NULL, 0, NULL }
};

static const struct cg_command command = {
	.name = "cg-sync",
	.summary = summary,
	.options = options,
	.subs = subs,
	.common = CG_COMMON_BASIC,
	.footer = footer,
};

struct opts {
	struct cg_common_opts common;
	const char *sub;	/* push, status or dead */
	char **args;		/* the operands after it */
	int nargs;
	int dry_run, follow, from_start, insecure, keep_going, no_gzip, redact;
	int max_retries, gzip_level;
	double backoff_base, backoff_cap, max_time, timeout, wait;
	size_t batch_bytes, batch_records;
	unsigned streams;
	const char *cacert, *format, *pin, *table, *target, *token_file, *url;
	const char *format_arg;	/* --format: push's wire format, else text or json */
	int text;		/* status and dead list: text for a person */
};

static void usage_error(const char *fmt, const char *arg)
{
	cg_error(fmt, arg);
	cg_usage_hint();
}

/* --format: what push sends, or how status and dead list print. */
static void check_format(struct opts *o)
{
	if (!strcmp(o->sub, "push")) {
		if (o->format_arg)
			o->format = cg_format_pick(o->format_arg, "ndjson clickhouse es-bulk");
		return;
	}
	if (!strcmp(o->sub, "dead") && (!o->nargs || strcmp(o->args[0], "list"))) {
		if (o->format_arg)
			usage_error(_("%s goes with 'dead list' only"), "--format");
		return;
	}
	o->text = !strcmp(cg_format_pick(o->format_arg, "text json"), "text");
}

static double parse_secs(const char *s, const char *opt)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= 0 && v <= 86400 * 7))
		usage_error(_("invalid number of seconds '%s'"), s);
	(void)opt;
	return v;
}

static int parse_int(const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < lo || v > hi)
		usage_error(_("invalid number '%s'"), s);
	return (int)v;
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	struct cg_parse p;
	const char *arg;
	int c;

	memset(o, 0, sizeof(*o));
	o->max_retries = -1;
	o->gzip_level = -1;
	o->backoff_base = o->backoff_cap = o->max_time = o->timeout = -1;
	cg_parse_init(&p, &command, argc, argv, &o->common);
	while ((c = cg_parse_next(&p, &arg)) != -1) {
		switch (c) {
		case 'n': o->dry_run = 1; break;
		case 's':
			if (cg_sync_streams_parse(arg, &o->streams) < 0)
				usage_error(_("invalid --stream '%s' (checkin, pass, quarantine, duty, checkpoint)"), arg);
			break;
		case OPT_BACKOFF_BASE: o->backoff_base = parse_secs(arg, "--backoff-base"); break;
		case OPT_BACKOFF_CAP: o->backoff_cap = parse_secs(arg, "--backoff-cap"); break;
		case OPT_BATCH_BYTES:
			if (cg_parse_size(arg, &o->batch_bytes) < 0 || o->batch_bytes > (1u << 30))
				usage_error(_("invalid size '%s' for --batch-bytes (at most 1G)"), arg);
			break;
		case OPT_BATCH_RECORDS:
			o->batch_records = (size_t)parse_int(arg, 1, 1000000);
			break;
		case OPT_CACERT: o->cacert = arg; break;
		case OPT_FORMAT: o->format_arg = arg; break;
		case OPT_FOLLOW: o->follow = 1; break;
		case OPT_FROM_START: o->from_start = 1; break;
		case OPT_GZIP_LEVEL: o->gzip_level = parse_int(arg, 1, 9); break;
		case OPT_INSECURE: o->insecure = 1; break;
		case OPT_KEEP_GOING: o->keep_going = 1; break;
		case OPT_MAX_RETRIES: o->max_retries = parse_int(arg, 0, 1000); break;
		case OPT_MAX_TIME: o->max_time = parse_secs(arg, "--max-time"); break;
		case OPT_NO_GZIP: o->no_gzip = 1; break;
		case OPT_PIN: o->pin = arg; break;
		case OPT_REDACT: o->redact = 1; break;
		case OPT_TABLE: o->table = arg; break;
		case OPT_TARGET: o->target = arg; break;
		case OPT_TIMEOUT: o->timeout = parse_secs(arg, "--timeout"); break;
		case OPT_TOKEN_FILE: o->token_file = arg; break;
		case OPT_URL:
			if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
				usage_error(_("invalid --url '%s' (http:// or https://)"), arg);
			o->url = arg;
			break;
		case OPT_WAIT: o->wait = parse_secs(arg, "--wait"); break;
		}
	}
	cg_parse_end(&p);
	o->sub = p.sub->name;
	o->args = p.operands;
	o->nargs = p.noperands;
	check_format(o);
}

/* The target names the configuration defines. */
static int pick_default_target(const struct cg_config *cfg, const char **name)
{
	json_t *targets = json_object_get(cfg->root, "targets");

	if (json_object_size(targets) != 1)
		return -1;
	*name = json_object_iter_key(json_object_iter(targets));
	return 0;
}

static void setup_target(struct cg_sync_target *t, const struct cg_config *cfg,
			 const struct opts *o, const char *name, int need_url)
{
	struct cg_err err = CG_ERR_INIT;
	int found;

	if (cg_sync_target_load(t, cfg, name, &found, &err) < 0) {
		cg_error("%s", err.msg);
		cg_usage_hint();
	}
	if (o->url)
		cg_sync_set_str(&t->url, o->url);
	if (o->format)
		t->format = cg_sync_format_parse(o->format);
	if (o->table)
		cg_sync_set_str(&t->table, o->table);
	if (o->token_file)
		cg_sync_set_str(&t->token_file, o->token_file);
	if (o->batch_records)
		t->batch_records = o->batch_records;
	if (o->batch_bytes)
		t->batch_bytes = o->batch_bytes;
	if (o->gzip_level > 0)
		t->gzip_level = o->gzip_level;
	if (o->no_gzip)
		t->gzip_level = 0;
	if (need_url && !t->url)
		usage_error(found ? _("target '%s' has no url") :
			    _("no target '%s' in config.json (give --url to name a new one)"), name);
}

static void setup_sync(struct cg_sync *s, const struct opts *o)
{
	if (o->max_retries >= 0)
		s->max_retries = o->max_retries;
	if (o->max_time >= 0)
		s->max_time = o->max_time;
	if (o->backoff_base >= 0)
		s->backoff_base = o->backoff_base;
	if (o->backoff_cap >= 0)
		s->backoff_cap = o->backoff_cap;
	if (o->timeout >= 0)
		s->http_opts.timeout_ms = (long)(o->timeout * 1000);
	if (o->streams)
		s->streams = o->streams;
	s->dry_run = o->dry_run;
	s->keep_going = o->keep_going;
	s->from_start = o->from_start;
	s->verbose = o->common.verbose;
	s->http_opts.cacert = o->cacert;
	s->http_opts.pin = o->pin;
	s->http_opts.insecure = o->insecure;
	s->http_opts.verbose = o->common.verbose;
	s->http_opts.trace = CG_NOTIFIER_STDERR;
	s->notify = CG_NOTIFIER_STDERR;
	if (o->insecure)
		cg_warning(_("--insecure: the server's certificate is not checked"));
}

/*
 * Set by SIGTERM and SIGINT during push --follow.  The one global a
 * signal handler needs: the library reads it through s->halt.
 */
static volatile sig_atomic_t halted;

static void on_halt(int sig)
{
	(void)sig;
	halted = 1;
}

/* SA_RESTART: a write or a read of the push is not cut short; the wait
 * between rounds (nanosleep) is, whatever the flag. */
static void catch_halt(struct cg_sync *s)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_halt;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	s->halt = &halted;
}

/* "cg-sync: [#########.........]  45% 4500/10000 records", redrawn in place. */
static void progress_bar(void *ctx, long long sent, long long total)
{
	enum { WIDTH = 30 };
	long long pct = total > 0 ? sent * 100 / total : 100;
	int fill = (int)(pct > 100 ? WIDTH : pct * WIDTH / 100);

	fprintf(stderr, "\r%s: [%.*s%.*s] %3lld%% %lld/%lld", (const char *)ctx,
		fill, "##############################", WIDTH - fill,
		"..............................", pct > 100 ? 100 : pct, sent, total);
	fputs(_(" records"), stderr);
	fflush(stderr);
}

static int run_push(struct cg_sync *s, const struct opts *o, struct cg_config *cfg,
		    char **args, int nargs, struct cg_err *err)
{
	struct cg_sync_target t;
	const char *name = o->target;
	int from_stdin, ret, lockfd = -1;

	/* [TARGET] then the inputs, "-" or files: the records to push
	 * instead of the journals.  With --target every operand is one. */
	if (!name && nargs > 0 && strcmp(args[0], "-")) {
		name = args[0];
		args++;
		nargs--;
	}
	from_stdin = nargs > 0;
	if (!from_stdin && (o->common.rejects || o->common.strict ||
			    o->common.input_format != CG_INPUT_AUTO))
		usage_error("%s", _("--input-format, --rejects and --strict go with records "
				    "read from files or '-', not the journals"));
	if (!name && from_stdin && o->url)
		name = "stdin";
	if (!name && from_stdin && !o->url)
		usage_error("%s", _("push - needs --url: standard input goes to no named target"));
	if (!name && pick_default_target(cfg, &name) < 0) {
		cg_error(o->url ? _("--target NAME is needed with --url: the name keys the cursor") :
			 _("which target? name one (config.json has none or several)"));
		cg_usage_hint();
	}
	if (from_stdin && (o->from_start || o->streams))
		usage_error("%s", _("--from-start and --stream go with the journals, not '-'"));
	if (o->follow && (from_stdin || o->dry_run))
		usage_error("%s", _("--follow goes with the journals, not with '-' or --dry-run"));
	setup_target(&t, cfg, o, name, !o->dry_run);
	s->t = &t;
	/* A push from the journals moves the target's cursor and outbox:
	 * one at a time. */
	if ((!from_stdin && !o->dry_run &&
	     (lockfd = cg_sync_lock_target(s->home, name, o->wait, &s->notify, err)) < 0) ||
	    cg_sync_load_token(s, t.token_file, err) < 0 ||
	    ((o->redact || t.redact) && cg_sync_load_redact_key(s, err) < 0)) {
		if (lockfd >= 0)
			close(lockfd);
		cg_sync_target_release(&t);
		return -1;
	}
	if (!from_stdin && !o->follow && isatty(STDERR_FILENO) && !o->common.quiet) {
		s->progress = progress_bar;
		s->progress_ctx = (void *)cg_progname();
	}
	if (o->follow)
		catch_halt(s);
	ret = from_stdin ? cg_sync_push_inputs(s, args, nargs, &o->common, err) :
	      o->follow ? cg_sync_follow(s, err) : cg_sync_push(s, err);
	if (s->progress && s->sent)
		fputc('\n', stderr);
	if (lockfd >= 0)
		close(lockfd);
	cg_sync_target_release(&t);
	return ret;
}

static void add_name(json_t *names, const char *n)
{
	size_t i;
	json_t *v;

	json_array_foreach(names, i, v)
		if (!strcmp(json_string_value(v), n))
			return;
	json_array_append_new(names, json_string(n));
}

/* A target named in config.json, or one pushed to before (it has a folder). */
static int known_target(struct cg_sync *s, const struct cg_config *cfg, const char *name)
{
	struct cg_err ignored = CG_ERR_INIT;
	char rel[96];
	int fd;

	if (json_object_get(json_object_get(cfg->root, "targets"), name))
		return 1;
	if (!cg_sync_name_ok(name))
		return 0;
	snprintf(rel, sizeof(rel), "sync/%s", name);
	fd = cg_home_dir(s->home, rel, 0, &ignored);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int run_status(struct cg_sync *s, const struct opts *o, struct cg_config *cfg,
		      char **args, int nargs, struct cg_err *err)
{
	json_t *names = json_array(), *v;
	const char *key;
	size_t i;
	int ret = CG_EXIT_OK;

	for (int k = 0; k < nargs; k++)
		add_name(names, args[k]);
	if (o->target)
		add_name(names, o->target);
	if (!json_array_size(names)) {
		int fd = cg_home_dir(s->home, "sync", 0, err);
		DIR *d;
		struct dirent *de;

		json_object_foreach(json_object_get(cfg->root, "targets"), key, v)
			add_name(names, key);
		if (fd >= 0 && (d = fdopendir(fd))) {
			while ((de = readdir(d)))
				if (cg_sync_name_ok(de->d_name))
					add_name(names, de->d_name);
			closedir(d);
		} else if (fd >= 0) {
			close(fd);
		}
	}
	json_array_foreach(names, i, v) {
		struct cg_sync_target t;

		if (!known_target(s, cfg, json_string_value(v))) {
			ret = cg_err_set(err, CG_EXIT_USAGE,
					 _("no target '%s': not in config.json, and never pushed"),
					 json_string_value(v));
			break;
		}
		setup_target(&t, cfg, o, json_string_value(v), 0);
		s->t = &t;
		ret = cg_sync_status(s, err);
		cg_sync_target_release(&t);
		if (s->dirfd >= 0)
			close(s->dirfd);
		s->dirfd = -1;
		if (ret < 0)
			break;
	}
	json_decref(names);
	return ret;
}

static int run_dead(struct cg_sync *s, const struct opts *o, struct cg_config *cfg,
		    char **args, int nargs, struct cg_err *err)
{
	struct cg_sync_target t;
	const char *what = nargs ? args[0] : "";
	const char *name = o->target;
	int ret, lockfd = -1;

	if (strcmp(what, "list") && strcmp(what, "retry") && strcmp(what, "drop"))
		usage_error(_("dead takes list, retry or drop, not '%s'"), what);
	args++, nargs--;
	if (!name && nargs) {
		name = args[0];
		args++, nargs--;
	}
	if (!name && pick_default_target(cfg, &name) < 0)
		usage_error("%s", _("dead: which target?"));
	if (!strcmp(what, "drop") && !nargs)
		usage_error("%s", _("dead drop: which dead letters? (ids from 'dead list')"));
	if (!strcmp(what, "list") && nargs)
		usage_error(_("dead list takes no ids, not '%s'"), args[0]);
	setup_target(&t, cfg, o, name, !strcmp(what, "retry"));
	s->t = &t;
	if (strcmp(what, "list") &&
	    (lockfd = cg_sync_lock_target(s->home, name, o->wait, &s->notify, err)) < 0)
		ret = -1;
	else if (!strcmp(what, "list"))
		ret = cg_sync_dead_list(s, err);
	else if (!strcmp(what, "drop"))
		ret = cg_sync_dead_drop(s, args, nargs, err);
	else if (cg_sync_load_token(s, t.token_file, err) < 0)
		ret = -1;
	else
		ret = cg_sync_dead_retry(s, args, nargs, err);
	if (lockfd >= 0)
		close(lockfd);
	cg_sync_target_release(&t);
	return ret;
}

/* status and dead list for a person: the records gathered, then laid out;
 * a few hundred bytes a target or a dead letter. */
static int print_text(struct cg_sync *s, int dead, struct cg_err *err)
{
	struct cg_buf text = CG_BUF_INIT(64 * 1024 * 1024);
	json_t *rec;
	size_t i;
	int ret = 0;

	if (dead)
		ret = cg_listing_dead(s->collect, &text);
	else if (!json_array_size(s->collect))
		ret = cg_buf_addf(&text, "%s\n", _("(nothing to list)"));
	else
		json_array_foreach(s->collect, i, rec)
			if (ret == 0)
				ret = cg_listing_sync_status(rec, &text);
	ret = ret < 0 ? cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) :
	      cg_out_line(s->out, text.buf, text.len, err);
	cg_buf_release(&text);
	return ret;
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct opts o;
	struct cg_home home;
	struct cg_config cfg;
	struct cg_sync s;
	struct cg_out out;
	const char *cmd;
	int status, http = 0;

	cg_cmd_setup("cg-sync");
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	cmd = o.sub;
	cg_sync_init(&s);
	if (cg_clock_init(&s.clock, o.common.now, &err) < 0) {
		cg_error("%s", err.msg);
		cg_usage_hint();
	}
	if (cg_home_open(&home, o.common.home, &err) < 0)
		cg_die_err(&err);
	if (cg_config_load(&cfg, &home, &err) < 0)
		cg_die_err(&err);
	cg_out_init(&out, stdout, 1);
	s.home = &home;
	s.cfg = &cfg;
	s.out = &out;
	setup_sync(&s, &o);
	if (strcmp(cmd, "status")) {
		if (cg_http_global_init(&err) < 0)
			cg_die_err(&err);
		http = 1;
	}
	if (o.text)
		s.collect = json_array();
	if (!strcmp(cmd, "push"))
		status = run_push(&s, &o, &cfg, o.args, o.nargs, &err);
	else if (!strcmp(cmd, "status"))
		status = run_status(&s, &o, &cfg, o.args, o.nargs, &err);
	else
		status = run_dead(&s, &o, &cfg, o.args, o.nargs, &err);
	if (status >= 0 && o.text && print_text(&s, !strcmp(cmd, "dead"), &err) < 0)
		status = -1;
	json_decref(s.collect);
	cg_sync_release(&s);
	if (http)
		cg_http_global_cleanup();
	if (status >= 0 && cg_out_close(&out, &err) < 0)
		status = -1;
	cg_config_release(&cfg);
	cg_home_release(&home);
	if (status < 0) {
		if (err.status == CG_EXIT_USAGE) {
			cg_error("%s", err.msg);
			cg_usage_hint();
		}
		cg_die_err(&err);
	}
	return status;
}
