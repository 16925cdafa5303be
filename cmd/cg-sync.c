/*
 * cg-sync: push journal records (or standard input) upstream in gzip
 * batches, exactly once as the upstream sees it.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "core/cmd.h"
#include "store/config.h"
#include "core/exitcode.h"
#include "core/home.h"
#include "core/i18n.h"
#include "sync/sync.h"

static const char usage_text[] = N_(
"Usage: cg-sync push [OPTION]... [TARGET]\n"
"   or: cg-sync push --url URL [OPTION]... -\n"
"   or: cg-sync status [OPTION]... [TARGET]...\n"
"   or: cg-sync dead list|retry|drop [OPTION]... TARGET [ID]...\n"
"Push the journals (check-ins, passes, cases) from the target's cursor, or\n"
"JSON lines from standard input, to an upstream in gzip batches.  Every\n"
"batch is kept in an outbox until the upstream acknowledges it, carries an\n"
"Idempotency-Key, and is re-sent byte for byte after a failure or a crash;\n"
"every record carries a stable \"rid\".  One result line per batch.\n"
"\n"
"      --backoff-base SECONDS  first retry wait, doubled per retry (default 0.5)\n"
"      --backoff-cap SECONDS   longest wait between retries (default 30)\n"
"      --batch-bytes BYTES     batch size before compression (default 4M)\n"
"      --batch-records N       records per batch (default 1000)\n"
"      --cacert FILE           trust the CA certificates in FILE\n"
"  -n, --dry-run               print the batches instead of sending them\n"
"      --format FORMAT         ndjson, clickhouse or es-bulk (default ndjson)\n"
"      --from-start            no cursor yet (or a bad one): send every record\n"
"      --gzip-level N          gzip level 1-9 of request bodies (default 6)\n"
"      --home DIR              data directory (default $CG_HOME, else\n"
"                              $XDG_STATE_HOME/cg, else ~/.local/state/cg)\n"
"      --insecure              do not verify the server's certificate (warns)\n"
"      --keep-going            go on after a batch refused for good\n"
"      --max-retries N         retries of one batch (default 8)\n"
"      --max-time SECONDS      time for one batch with its retries (default 300)\n"
"      --no-gzip               send request bodies uncompressed\n"
"      --now TIME              fix the clock (RFC 3339; default $CG_NOW, else now)\n"
"      --pin PINS              pin the server's public key (sha256//BASE64;...)\n"
"  -q, --quiet                 no warnings\n"
"      --redact                replace id_no, phone and name with keyed hashes\n"
"  -s, --stream LIST           journals to push: checkin,pass,quarantine (all)\n"
"      --table NAME            ClickHouse table or index; {stream} is replaced\n"
"                              (default cg_{stream}, cg-{stream} for es-bulk)\n"
"      --target NAME           the target (names cursor, outbox, dead letters)\n"
"      --timeout SECONDS       time for one request (default 60)\n"
"      --token-file FILE       the upstream token (else $CG_SYNC_TOKEN); FILE\n"
"                              must not be readable by group or others\n"
"      --url URL               the upstream URL (overrides the target's)\n"
"  -v, --verbose               trace requests on standard error (secrets redacted)\n"
"  -h, --help                  show this help and exit\n"
"  -V, --version               show the version and exit\n"
"\n"
"Exit status: 0 all good, 1 some input lines rejected, 2 usage error, 3 system\n"
"error, 4 the upstream failed (nothing is lost: the batch stays in the outbox\n"
"or the dead letters), 6 a journal or the outbox is damaged.\n"
"\n"
"Examples:\n"
"  cg-sync push --from-start city   (city: a target in config.json)\n"
"  cg-sync push city\n"
"  cg-sync push --url http://127.0.0.1:8123/ --format clickhouse --target ch\n"
"  cg-report --date 2026-01-25 | cg-sync push --url https://street.example/r -\n"
"  cg-sync status\n"
"  cg-sync dead list city\n"
"  17 * * * * cg-sync push -q city >>/var/log/cg-sync.jsonl   (crontab)\n");

enum {
	OPT_BACKOFF_BASE = 256,
	OPT_BACKOFF_CAP,
	OPT_BATCH_BYTES,
	OPT_BATCH_RECORDS,
	OPT_CACERT,
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
	OPT_URL
};

static const struct option options[] = {
	{ "backoff-base", required_argument, NULL, OPT_BACKOFF_BASE },
	{ "backoff-cap", required_argument, NULL, OPT_BACKOFF_CAP },
	{ "batch-bytes", required_argument, NULL, OPT_BATCH_BYTES },
	{ "batch-records", required_argument, NULL, OPT_BATCH_RECORDS },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "from-start", no_argument, NULL, OPT_FROM_START },
	{ "gzip-level", required_argument, NULL, OPT_GZIP_LEVEL },
	{ "help", no_argument, NULL, 'h' },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
	{ "max-retries", required_argument, NULL, OPT_MAX_RETRIES },
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "no-gzip", no_argument, NULL, OPT_NO_GZIP },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "redact", no_argument, NULL, OPT_REDACT },
	{ "stream", required_argument, NULL, 's' },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
	{ "url", required_argument, NULL, OPT_URL },
	CG_BASIC_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct cg_common_opts common;
	int dry_run, from_start, insecure, keep_going, no_gzip, redact;
	int max_retries, gzip_level;
	double backoff_base, backoff_cap, max_time, timeout;
	size_t batch_bytes, batch_records;
	unsigned streams;
	const char *cacert, *format, *pin, *table, *target, *token_file, *url;
};

static void usage_error(const char *fmt, const char *arg)
{
	cg_error(fmt, arg);
	cg_usage_hint();
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
	int c;

	memset(o, 0, sizeof(*o));
	o->max_retries = -1;
	o->gzip_level = -1;
	o->backoff_base = o->backoff_cap = o->max_time = o->timeout = -1;
	argv[0] = (char *)cg_progname();	/* getopt's messages use it */
	while ((c = getopt_long(argc, argv, "hnqs:vV", options, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(_(usage_text), stdout); exit(CG_EXIT_OK);
		case 'n': o->dry_run = 1; break;
		case 's':
			if (cg_sync_streams_parse(optarg, &o->streams) < 0)
				usage_error(_("invalid --stream '%s' (checkin, pass, quarantine)"), optarg);
			break;
		case OPT_BACKOFF_BASE: o->backoff_base = parse_secs(optarg, "--backoff-base"); break;
		case OPT_BACKOFF_CAP: o->backoff_cap = parse_secs(optarg, "--backoff-cap"); break;
		case OPT_BATCH_BYTES:
			if (cg_parse_size(optarg, &o->batch_bytes) < 0 || o->batch_bytes > (1u << 30))
				usage_error(_("invalid size '%s' for --batch-bytes (at most 1G)"), optarg);
			break;
		case OPT_BATCH_RECORDS:
			o->batch_records = (size_t)parse_int(optarg, 1, 1000000);
			break;
		case OPT_CACERT: o->cacert = optarg; break;
		case OPT_FORMAT:
			if (cg_sync_format_parse(optarg) < 0)
				usage_error(_("invalid --format '%s' (ndjson, clickhouse, es-bulk)"), optarg);
			o->format = optarg;
			break;
		case OPT_FROM_START: o->from_start = 1; break;
		case OPT_GZIP_LEVEL: o->gzip_level = parse_int(optarg, 1, 9); break;
		case OPT_INSECURE: o->insecure = 1; break;
		case OPT_KEEP_GOING: o->keep_going = 1; break;
		case OPT_MAX_RETRIES: o->max_retries = parse_int(optarg, 0, 1000); break;
		case OPT_MAX_TIME: o->max_time = parse_secs(optarg, "--max-time"); break;
		case OPT_NO_GZIP: o->no_gzip = 1; break;
		case OPT_PIN: o->pin = optarg; break;
		case OPT_REDACT: o->redact = 1; break;
		case OPT_TABLE: o->table = optarg; break;
		case OPT_TARGET: o->target = optarg; break;
		case OPT_TIMEOUT: o->timeout = parse_secs(optarg, "--timeout"); break;
		case OPT_TOKEN_FILE: o->token_file = optarg; break;
		case OPT_URL:
			if (strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8))
				usage_error(_("invalid --url '%s' (http:// or https://)"), optarg);
			o->url = optarg;
			break;
		default:
			if (!cg_common_option(c, optarg, &o->common))
				cg_usage_hint();
		}
	}
	if (optind >= argc) {
		cg_error(_("no command (push, status or dead)"));
		cg_usage_hint();
	}
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
	int from_stdin = nargs > 0 && !strcmp(args[nargs - 1], "-");
	int ret;

	if (from_stdin)
		nargs--;
	if (nargs > 1)
		usage_error(_("push takes one target, not '%s'"), args[1]);
	if (nargs == 1) {
		if (name && strcmp(name, args[0]))
			usage_error(_("two targets named: '%s'"), args[0]);
		name = args[0];
	}
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
	setup_target(&t, cfg, o, name, !o->dry_run);
	s->t = &t;
	if (cg_sync_load_token(s, t.token_file, err) < 0 ||
	    (o->redact && cg_sync_load_redact_key(s, err) < 0)) {
		cg_sync_target_release(&t);
		return -1;
	}
	if (!from_stdin && isatty(STDERR_FILENO) && !o->common.quiet) {
		s->progress = progress_bar;
		s->progress_ctx = (void *)cg_progname();
	}
	ret = from_stdin ? cg_sync_push_fd(s, 0, "stdin", err) : cg_sync_push(s, err);
	if (s->progress && s->sent)
		fputc('\n', stderr);
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
	int ret;

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
	if (!strcmp(what, "list"))
		ret = cg_sync_dead_list(s, err);
	else if (!strcmp(what, "drop"))
		ret = cg_sync_dead_drop(s, args, nargs, err);
	else if (cg_sync_load_token(s, t.token_file, err) < 0)
		ret = -1;
	else
		ret = cg_sync_dead_retry(s, args, nargs, err);
	cg_sync_target_release(&t);
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
	cmd = argv[optind++];
	if (strcmp(cmd, "push") && strcmp(cmd, "status") && strcmp(cmd, "dead"))
		usage_error(_("unknown command '%s' (push, status or dead)"), cmd);
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
	if (!strcmp(cmd, "push"))
		status = run_push(&s, &o, &cfg, argv + optind, argc - optind, &err);
	else if (!strcmp(cmd, "status"))
		status = run_status(&s, &o, &cfg, argv + optind, argc - optind, &err);
	else
		status = run_dead(&s, &o, &cfg, argv + optind, argc - optind, &err);
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
