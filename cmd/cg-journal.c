/*
 * cg-journal: the register itself.  Start a data directory's config.json
 * (issue 19), verify the journals, sign Merkle-tree checkpoints of them,
 * prove that one record is in a journal, and check such proofs offline
 * (issue 15).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include "crypto/logkey.h"
#include "crypto/tlogproof.h"
#include "json/jsonl.h"
#include "store/config.h"
#include "store/configwrite.h"
#include "store/tlog.h"
#include "store/witness.h"
#include "ui/configask.h"
#include "ui/listing.h"

static const char summary[] = N_(
"Write the data directory's config.json (init); verify the journals (seq,\n"
"chain and Merkle tree), sign checkpoints of them (C2SP tlog-checkpoint in a\n"
"signed note), prove that one record is in a journal (C2SP tlog-proof) and\n"
"check such proofs offline.\n");

static const char footer[] = N_(
"Exit status: 0 all good, 1 a proof or checkpoint given does not verify\n"
"(init: config.json is there already), 2 usage error, 3 system error, 6 a\n"
"journal is damaged or no longer extends a signed checkpoint.\n"
"\n"
"Examples:\n"
"  cg-journal init --code 310104-012-007 --name 梅花新村 --gate north --gate south\n"
"  cg-journal checkpoint >>signed.jsonl\n"
"  cg-journal verify --against signed.jsonl\n"
"  cg-journal prove DEMO-0001/checkin/2026-01-25/2 >record.tlog-proof\n"
"  cg-journal key export >demo.vkey\n"
"  cg-journal check-proof --key demo.vkey record.tlog-proof\n");

enum {
	OPT_AGAINST = 256, OPT_FORMAT, OPT_FROM, OPT_KEY, OPT_TRUST, OPT_ASK, OPT_FORCE, OPT_GATE,
	/* init's fields: OPT_FIELD + enum cg_setup_field */
	OPT_FIELD = 512
};

static const struct cg_option init_options[] = {
	{ "ask", 0, OPT_ASK, NULL,
	  N_("ask for each value not given as an option"), NULL, NULL, NULL,
	  "Ask on standard error, one question a line, for each value not given\n"
	  "as an option; an empty answer keeps the value in brackets,\n"
	  ".Ql -\n"
	  "empties an optional one.\n"
	  "A bad answer is explained and asked again; the end of input writes\n"
	  "nothing (exit status 2).\n" },
	{ "code", 0, OPT_FIELD + CG_SETUP_CODE, "CODE",
	  N_("the compound's code (letters, digits, '-', '_', '.')"), "text", NULL, NULL,
	  "The compound's code,\n"
	  ".Li compound.code :\n"
	  "letters, digits,\n"
	  ".Ql - ,\n"
	  ".Ql _\n"
	  "and\n"
	  ".Ql \\&. ;\n"
	  "it goes into every record and record id.\n" },
	{ "district", 0, OPT_FIELD + CG_SETUP_DISTRICT, "CODE",
	  N_("the code of the district it reports to"), "text", NULL, NULL, NULL },
	{ "force", 0, OPT_FORCE, NULL,
	  N_("replace an existing config.json, keeping its other settings"), NULL, NULL, NULL,
	  "Replace an existing\n"
	  ".Pa config.json .\n"
	  "What the options and answers do not set (policy, pass classes,\n"
	  "targets) is kept from it, unless it is not a JSON object.\n" },
	{ "gate", 0, OPT_GATE, "NAME",
	  N_("an open gate (again for each; or NAME,NAME...)"), "text", NULL, NULL,
	  "An open gate; give it once for each gate, or list them separated by\n"
	  "commas.\n"
	  "Names compare without case, so no two may differ only in case; a name\n"
	  "has no spaces, commas, quotes or slashes.\n" },
	{ "household", 0, OPT_FIELD + CG_SETUP_HOUSEHOLD, "FORM",
	  N_("how households are written"), "choice:building-unit-room building-room any",
	  NULL, NULL,
	  "How households are written:\n"
	  ".Li building-unit-room ,\n"
	  ".Li building-room\n"
	  "(a compound without units) or\n"
	  ".Li any .\n" },
	{ "name", 0, OPT_FIELD + CG_SETUP_NAME, "NAME",
	  N_("the compound's name, as it goes on cards and reports"), "text", NULL, NULL, NULL },
	{ "street", 0, OPT_FIELD + CG_SETUP_STREET, "CODE",
	  N_("the code of the street it reports to"), "text", NULL, NULL, NULL },
	{ "tz", 0, OPT_FIELD + CG_SETUP_TZ, "ZONE",
	  N_("the compound's time zone (default Asia/Shanghai)"), "text", NULL, NULL,
	  "The compound's time zone,\n"
	  ".Li compound.tz ,\n"
	  "a name of the tz database: it decides the local days and the offsets\n"
	  "written, whatever\n"
	  ".Ev TZ\n"
	  "the machine has.\n"
	  "Without it,\n"
	  ".Li Asia/Shanghai\n"
	  "for a new file;\n"
	  ".Ql -\n"
	  "leaves it to the machine's.\n" },
	CG_OPTION_END
};

static const struct cg_option verify_options[] = {
	{ "against", 0, OPT_AGAINST, "FILE",
	  N_("check that each journal extends the signed checkpoints in FILE"),
	  "file", NULL, NULL,
	  "Also check that each journal still extends the signed checkpoint of it\n"
	  "in\n"
	  ".Ar FILE :\n"
	  "the output of\n"
	  ".Cm checkpoint\n"
	  "(JSON lines), or one signed note.\n"
	  "A journal cut short, or with a line before the checkpoint's size changed,\n"
	  "fails whatever chain was recomputed (exit status 6).\n"
	  "Without\n"
	  ".Ar JOURNAL\n"
	  "operands, the journals the checkpoints name.\n" },
	{ "key", 0, OPT_KEY, "FILE",
	  N_("verifier keys (key export) to check signatures with"), "file", NULL, NULL,
	  "The verifier keys to check signatures with, one per line, as\n"
	  ".Cm key export\n"
	  "prints them.\n"
	  ".Cm check-proof\n"
	  "needs it; with\n"
	  ".Fl -against\n"
	  "the default is the data directory's own log key.\n" },
	{ "format", 0, OPT_FORMAT, "FORMAT",
	  N_("text (aligned, masked; the default on a terminal)\nor json (the default otherwise)"),
	  "choice:text json", NULL, NULL,
	  ".Cm text :\n"
	  "a line a journal for a person (the default when standard output is a\n"
	  "terminal), or\n"
	  ".Cm json :\n"
	  "the records as JSON lines (the default otherwise).\n" },
	CG_OPTION_END
};

static const struct cg_option check_options[] = {
	{ "key", 0, OPT_KEY, "FILE",
	  N_("verifier keys (key export) to check signatures with"), "file", NULL, NULL,
	  NULL },
	CG_OPTION_END
};

static const struct cg_option consistency_options[] = {
	{ "from", 0, OPT_FROM, "FILE", N_("the older signed checkpoint"), "file", NULL, NULL,
	  "The older signed checkpoint: a line of\n"
	  ".Cm checkpoint\n"
	  "output, or one signed note.\n"
	  "Without it, the proof is from the empty tree of the\n"
	  ".Ar JOURNAL\n"
	  "named, for a witness's first sight of it.\n" },
	CG_OPTION_END
};

static const struct cg_option witness_options[] = {
	{ "trust", 0, OPT_TRUST, "FILE", N_("the compounds' verifier keys (key export)"),
	  "file", NULL, NULL,
	  "The verifier keys of the logs this witness watches, one per line, as\n"
	  ".Cm key export\n"
	  "prints them; a checkpoint signed by none of them is refused (exit\n"
	  "status 1).\n" },
	CG_OPTION_END
};

static const struct cg_subcommand subs[] = {
	{ "init", "cg-journal init --code CODE --name NAME [--gate NAME]... [OPTION]...\n"
		  "cg-journal init --ask [OPTION]...",
	  N_("write the data directory's config.json (compound, gates, time zone)"),
	  init_options, CG_COMMON_BASIC, "none" },
	{ "verify", "cg-journal verify [--against FILE [--key FILE]] [--format FORMAT]\n"
		    "                  [OPTION]... [JOURNAL]...",
	  N_("check seq, chain and tree of the journals (all when none is named)"),
	  verify_options, CG_COMMON_BASIC, "journal-day" },
	{ "checkpoint", "cg-journal checkpoint [OPTION]... [JOURNAL]...",
	  N_("sign and print the current checkpoints of the journals"),
	  NULL, CG_COMMON_BASIC, "journal-day" },
	{ "prove", "cg-journal prove [OPTION]... RID",
	  N_("an inclusion proof of one record (C2SP tlog-proof)"),
	  NULL, CG_COMMON_BASIC, "text" },
	{ "check-proof", "cg-journal check-proof --key FILE [OPTION]... PROOF...",
	  N_("check proofs offline and print the records they prove"),
	  check_options, CG_COMMON_BASIC, "file" },
	{ "consistency", "cg-journal consistency --from FILE [OPTION]...\n"
			 "cg-journal consistency [OPTION]... JOURNAL",
	  N_("prove that a journal extends an older checkpoint"),
	  consistency_options, CG_COMMON_BASIC, "journal-day" },
	{ "witness", "cg-journal witness --trust FILE [OPTION]... [FILE]",
	  N_("cosign checkpoints that extend those seen before (a street)"),
	  witness_options, CG_COMMON_BASIC, "file" },
	{ "key", "cg-journal key export|witness",
	  N_("print the log's verifier key, or the witness's"), NULL, CG_COMMON_BASIC,
	  "choice:export witness" },
	{ NULL, NULL, NULL, NULL, 0, NULL }
};

static const struct cg_command command = {
	.name = "cg-journal",
	.summary = summary,
	.subs = subs,
	.common = CG_COMMON_BASIC,
	.footer = footer,
};

struct opts {
	struct cg_common_opts common;
	char **args;
	int nargs;
	const char *sub, *against, *from, *keyfile, *format;
	int text;	/* verify: a line a journal for a person */
	/* init */
	const char *field[CG_SETUP_COUNT];
	char *gates;			/* the --gate options, joined with ',' */
	int ask, force;
};

/* Another --gate: the list so far, a comma, NAME. */
static void add_gate(struct opts *o, const char *name)
{
	size_t had = o->gates ? strlen(o->gates) + 1 : 0;
	char *g = realloc(o->gates, had + strlen(name) + 1);

	if (!g)
		abort();
	if (had)
		g[had - 1] = ',';
	strcpy(g + had, name);
	o->gates = g;
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
		case OPT_AGAINST: o->against = arg; break;
		case OPT_FORMAT: o->format = arg; break;
		case OPT_FROM: o->from = arg; break;
		case OPT_KEY: o->keyfile = arg; break;
		case OPT_TRUST: o->keyfile = arg; break;
		case OPT_ASK: o->ask = 1; break;
		case OPT_FORCE: o->force = 1; break;
		case OPT_GATE: add_gate(o, arg); break;
		default:
			if (c >= OPT_FIELD && c < OPT_FIELD + CG_SETUP_COUNT)
				o->field[c - OPT_FIELD] = arg;
			break;
		}
	}
	cg_parse_end(&p);
	o->sub = p.sub->name;
	o->field[CG_SETUP_GATES] = o->gates;
	o->args = p.operands;
	o->nargs = p.noperands;
	if (!strcmp(o->sub, "check-proof") && !o->keyfile)
		cg_usage_error(_("%s needs --key"), o->sub);
	if (!strcmp(o->sub, "consistency") && !o->from && o->nargs != 1)
		cg_usage_error("%s", _("consistency: give --from FILE, or name one journal"));
	if (!strcmp(o->sub, "consistency") && o->from && o->nargs)
		cg_usage_error("%s", _("consistency: --from names the journal already"));
	if (!strcmp(o->sub, "witness") && !o->keyfile)
		cg_usage_error(_("%s needs --trust"), o->sub);
	if (!strcmp(o->sub, "witness") && o->nargs > 1)
		cg_usage_error("%s", _("witness: one file at a time"));
	if (!strcmp(o->sub, "verify") && o->keyfile && !o->against)
		cg_usage_error("%s", _("verify: --key goes with --against"));
	if (!strcmp(o->sub, "verify"))
		o->text = !strcmp(cg_format_pick(o->format, "text json"), "text");
	if (!strcmp(o->sub, "prove") && o->nargs != 1)
		cg_usage_error("%s", _("prove: name one record id"));
	if (!strcmp(o->sub, "key") &&
	    (o->nargs != 1 || (strcmp(o->args[0], "export") && strcmp(o->args[0], "witness"))))
		cg_usage_error("%s", _("key: say 'export' or 'witness'"));
	if ((!strcmp(o->sub, "check-proof")) && o->nargs == 0)
		cg_usage_error("%s", _("check-proof: name the proof files"));
}

/* What the subcommands share. */
struct world {
	struct opts *o;
	struct cg_clock clock;
	struct cg_home home;
	int have_home;
	struct cg_config cfg;
	struct cg_note_key key;		/* the log key (secret wiped at exit) */
	struct cg_note_key *trust;	/* --key, else the log key's public half */
	size_t ntrust;
	struct cg_note_cache verified;	/* check-proof: notes verified with trust */
	struct cg_out out;
	int status;			/* the worst status so far */
};

static void worse(struct world *w, int status)
{
	/* 6 (damage) outranks 3 (system) and 1 (a bad proof). */
	if (status == CG_EXIT_DAMAGED || (w->status != CG_EXIT_DAMAGED && status > w->status))
		w->status = status;
}

/* Print err and go on with the next journal or file. */
static void carry_on(struct world *w, struct cg_err *err)
{
	if (err->status == CG_EXIT_PIPE)
		cg_die_err(err);
	cg_error("%s", err->msg);
	worse(w, err->status);
	*err = (struct cg_err)CG_ERR_INIT;
}

static int print_json(struct world *w, json_t *j, struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(64 * 1024 * 1024);
	int ret = cg_jsonl_dump(j, &line) < 0 ?
		cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) :
		cg_out_line(&w->out, line.buf, line.len, err);

	cg_buf_release(&line);
	json_decref(j);
	return ret;
}

static void load_key(struct world *w, int create, struct cg_err *err)
{
	int st = cg_logkey_load(&w->key, &w->home, create, w->cfg.compound_code,
				cg_clock_now(&w->clock), err);

	if (st == -2)
		cg_die(CG_EXIT_SYSTEM, "%s",
		       _("no log key yet in 'keys/log.json': 'cg-journal checkpoint' makes it"));
	if (st < 0)
		cg_die_err(err);
}

static void load_world(struct world *w, struct cg_err *err)
{
	const struct opts *o = w->o;
	int offline = !strcmp(o->sub, "check-proof");

	if (cg_clock_init(&w->clock, o->common.now, err) < 0)
		cg_usage_error("%s", err->msg);
	cg_out_init(&w->out, stdout, 0);
	if (o->keyfile && cg_logkey_load_trust(o->keyfile, &w->trust, &w->ntrust, err) < 0)
		cg_die_err(err);
	if (offline)
		return;
	w->have_home = 1;
	/* init writes the configuration: it need not load, nor be valid. */
	if (!strcmp(o->sub, "init")) {
		if (cg_home_open(&w->home, o->common.home, err) < 0)
			cg_die_err(err);
		w->have_home = 2;
		return;
	}
	if (cg_home_open(&w->home, o->common.home, err) < 0 ||
	    cg_config_load(&w->cfg, &w->home, err) < 0)
		cg_die_err(err);
	/* Signing makes the key on first use; verifying needs it there.  A
	 * witness cosigns with a key of its own. */
	if (!strcmp(o->sub, "witness") ||
	    (!strcmp(o->sub, "key") && !strcmp(o->args[0], "witness"))) {
		if (cg_witnesskey_load(&w->key, &w->home, 1, w->cfg.compound_code,
				       cg_clock_now(&w->clock), err) < 0)
			cg_die_err(err);
	} else if (strcmp(o->sub, "verify") || (o->against && !o->keyfile)) {
		load_key(w, strcmp(o->sub, "verify") != 0, err);
	}
	if (!w->trust) {
		w->trust = malloc(sizeof(*w->trust));
		if (!w->trust)
			abort();
		*w->trust = w->key;
		sodium_memzero(w->trust->sk, sizeof(w->trust->sk));
		w->trust->has_secret = 0;
		w->ntrust = 1;
	}
}

static void release_world(struct world *w)
{
	sodium_memzero(&w->key, sizeof(w->key));
	free(w->trust);
	if (!CG_FREE_AT_EXIT)
		return;
	if (w->have_home == 1)
		cg_config_release(&w->cfg);
	if (w->have_home)
		cg_home_release(&w->home);
	free(w->o->gates);
}

/* The journals named, or every one there is. */
static int journals(struct world *w, char **args, int nargs, struct cg_tlog_id **ids,
		    size_t *n, struct cg_err *err)
{
	if (nargs == 0)
		return cg_tlog_list(&w->home, ids, n, err);
	*ids = calloc((size_t)nargs, sizeof(**ids));
	if (!*ids)
		abort();
	for (*n = 0; *n < (size_t)nargs; (*n)++)
		if (cg_tlog_id_parse(args[*n], &(*ids)[*n]) < 0)
			cg_usage_error(_("unknown journal '%s' (pass, quarantine, YYYY-MM-DD)"),
				       args[*n]);
	return 0;
}

/* ---- init ---- */

/* The options' values into s: a bad one is a usage error naming its key. */
static void set_given(struct world *w, struct cg_setup *s, int given[CG_SETUP_COUNT])
{
	struct cg_err err = CG_ERR_INIT;

	for (int f = 0; f < CG_SETUP_COUNT; f++) {
		const char *v = w->o->field[f];

		if (!v)
			continue;
		/* "-" empties an optional field, as an answer does */
		if (!strcmp(v, "-") && (f == CG_SETUP_TZ || f == CG_SETUP_STREET ||
					f == CG_SETUP_DISTRICT))
			v = "";
		if (cg_setup_set(s, (enum cg_setup_field)f, v, &err) < 0)
			cg_usage_error("%s", err.msg);
		given[f] = 1;
	}
	/* A new file names the zone of the compounds cg serves, so that a
	 * server on UTC still keeps Beijing's days; without tzdata, the
	 * machine's zone as before. */
	if (!given[CG_SETUP_TZ] && !cg_setup_has(s, CG_SETUP_TZ) &&
	    cg_setup_set(s, CG_SETUP_TZ, "Asia/Shanghai", &err) < 0)
		err = (struct cg_err)CG_ERR_INIT;
}

static int run_init(struct world *w, struct cg_err *err)
{
	struct cg_setup s;
	int given[CG_SETUP_COUNT] = { 0 };
	char *line;
	int ret;

	/* Said before any question is asked; the write checks it again. */
	if (!w->o->force && faccessat(w->home.fd, "config.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return cg_err_set(err, CG_EXIT_REJECTED,
				  _("'config.json' is there already: give --force to replace it "
				    "(its other settings are kept)"));
	if (cg_setup_init(&s, &w->home, w->o->force, err) < 0)
		return -1;
	set_given(w, &s, given);
	if (w->o->ask)
		ret = cg_setup_ask(&s, given, stdin, stderr, err);
	else if (!cg_setup_has(&s, CG_SETUP_CODE) || !cg_setup_has(&s, CG_SETUP_NAME))
		cg_usage_error("%s", _("init: give --code and --name, or --ask"));
	else
		ret = 0;
	if (ret == 0)
		ret = cg_setup_write(&s, &w->home, w->o->force, &line, err);
	if (ret == 0) {
		ret = cg_out_line(&w->out, line, strlen(line), err);
		if (ret == 0)
			ret = cg_out_line(&w->out, "\n", 1, err);
		free(line);
	}
	cg_setup_release(&s);
	return ret;
}

/* ---- verify ---- */

static json_t *verified_record(const struct cg_tlog_id *id, const struct cg_tlog_leaves *l)
{
	unsigned char root[CG_HASH_LEN];
	char b64[CG_HASH_B64];

	cg_merkle_root(l->hash, l->n, root);
	cg_hash_b64(root, b64);
	return json_pack("{s:s, s:I, s:s, s:i, s:s, s:b}", "journal", id->label,
			 "records", (json_int_t)l->n, "chain", l->chain, "torn", l->torn,
			 "root", b64, "ok", 1);
}

/* A journal verified, as a line for a person; j is taken. */
static int print_verified(struct world *w, json_t *j, struct cg_err *err)
{
	struct cg_buf line = CG_BUF_INIT(64 * 1024);
	int ret = cg_listing_verified(j, &line) < 0 ?
		cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory")) :
		cg_out_line(&w->out, line.buf, line.len, err);

	cg_buf_release(&line);
	json_decref(j);
	return ret;
}

/* One journal through; with cp, also that it extends cp. */
static int verify_one(struct world *w, const struct cg_tlog_id *id,
		      const struct cg_checkpoint *cp, struct cg_err *err)
{
	struct cg_tlog_leaves l;
	const char *why;
	json_t *j;

	if (cg_tlog_read(&w->home, id, 0, &l, err) < 0) {
		cg_tlog_leaves_release(&l);
		carry_on(w, err);
		return 0;
	}
	j = verified_record(id, &l);
	if (cp) {
		int ok = cg_tlog_extends(&l, cp, &why) == 0;

		json_object_set_new(j, "checkpoint_size", json_integer((json_int_t)cp->size));
		json_object_set_new(j, "extends", json_boolean(ok));
		/* Lines after the checkpoint are in no signed tree yet. */
		json_object_set_new(j, "unsigned", json_integer(ok ? (json_int_t)(l.n - cp->size) : 0));
		json_object_set_new(j, "ok", json_boolean(ok));
		if (!ok) {
			cg_error(_("%s does not extend the checkpoint signed at size %llu: %s"),
				 id->label, (unsigned long long)cp->size, _(why));
			worse(w, CG_EXIT_DAMAGED);
		}
	}
	cg_tlog_leaves_release(&l);
	return w->o->text ? print_verified(w, j, err) : print_json(w, j, err);
}

struct against {
	struct world *w;
	const char *path;
	char **args;
	int nargs;
};

static int named(const struct against *a, const struct cg_tlog_id *id)
{
	struct cg_tlog_id other;

	if (a->nargs == 0)
		return 1;
	for (int i = 0; i < a->nargs; i++)
		if (cg_tlog_id_parse(a->args[i], &other) == 0 && !strcmp(other.key, id->key))
			return 1;
	return 0;
}

static int against_one(void *ctx, const char *note, size_t len, unsigned long lineno,
		       struct cg_err *err)
{
	struct against *a = ctx;
	struct world *w = a->w;
	struct cg_checkpoint cp;
	struct cg_tlog_id id;
	size_t signer;
	const char *why;

	if (cg_tlog_checkpoint_check(note, len, w->trust, w->ntrust, &cp, &signer, &why) < 0) {
		cg_error(_("%s:%lu: %s"), a->path, lineno, _(why));
		worse(w, CG_EXIT_REJECTED);
		return 0;
	}
	if (cg_tlog_id_from_origin(cp.origin, w->trust[signer].name, &id) < 0) {
		cg_error(_("%s:%lu: origin '%s' names no journal"), a->path, lineno, cp.origin);
		worse(w, CG_EXIT_REJECTED);
		return 0;
	}
	return named(a, &id) ? verify_one(w, &id, &cp, err) : 0;
}

static int run_verify(struct world *w, struct cg_err *err)
{
	struct cg_tlog_id *ids;
	size_t n;
	int ret = 0;

	if (w->o->against) {
		struct against a = { w, w->o->against, w->o->args, w->o->nargs };

		return cg_tlog_notes_read(a.path, against_one, &a, err);
	}
	if (journals(w, w->o->args, w->o->nargs, &ids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = verify_one(w, &ids[i], NULL, err);
	free(ids);
	return ret;
}

/* ---- checkpoint ---- */

static json_t *signed_record(const struct cg_tlog_id *id, const struct cg_tlog_signed *s,
			     int fresh)
{
	char b64[CG_HASH_B64];
	json_t *j;

	cg_hash_b64(s->cp.root, b64);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:s}", "ts", s->ts,
		      "journal", id->label, "origin", s->cp.origin,
		      "size", (json_int_t)s->cp.size, "root", b64, "new", fresh,
		      "checkpoint", s->note);
	if (s->consistency)
		json_object_set(j, "consistency", s->consistency);
	return j;
}

static int run_checkpoint(struct world *w, struct cg_err *err)
{
	struct cg_tlog_id *ids;
	size_t n;
	int ret = 0;

	if (journals(w, w->o->args, w->o->nargs, &ids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct cg_tlog_signed s;
		int fresh;

		if (cg_tlog_checkpoint(&w->home, &ids[i], &w->key, cg_clock_now(&w->clock),
				       &s, &fresh, err) < 0) {
			carry_on(w, err);
			continue;
		}
		ret = print_json(w, signed_record(&ids[i], &s, fresh), err);
		cg_tlog_signed_release(&s);
	}
	free(ids);
	return ret;
}

/* ---- prove and consistency ---- */

/* "COMPOUND/checkin/DATE/SEQ", "COMPOUND/pass/SEQ", "COMPOUND/quarantine/SEQ". */
static int parse_rid(const char *rid, const char *compound, struct cg_tlog_id *id,
		     uint64_t *seq)
{
	const char *slash = strrchr(rid, '/');
	char head[CG_ORIGIN_MAX], *end;
	unsigned long long v;

	if (!slash || (size_t)(slash - rid) >= sizeof(head) || slash[1] < '1' || slash[1] > '9')
		return -1;
	errno = 0;
	v = strtoull(slash + 1, &end, 10);
	if (*end || errno)
		return -1;
	memcpy(head, rid, (size_t)(slash - rid));
	head[slash - rid] = '\0';
	*seq = v;
	return cg_tlog_id_from_origin(head, compound, id);
}

static int not_extended(const struct cg_tlog_id *id, const struct cg_checkpoint *cp,
			const char *why, struct cg_err *err)
{
	return cg_err_set(err, CG_EXIT_DAMAGED,
			  _("%s does not extend the checkpoint signed at size %llu: %s"),
			  id->label, (unsigned long long)cp->size, _(why));
}

/*
 * The journal as signed now (signing when it grew) and its leaves.  With
 * check, they must give the signed root (prove checks its own proof
 * against the root instead, which tells the same in O(log n)).
 */
static int signed_now(struct world *w, const struct cg_tlog_id *id, uint64_t want,
		      int check, int kept, struct cg_tlog_signed *s, struct cg_tlog_leaves *l,
		      struct cg_err *err)
{
	const char *why;
	int fresh;

	memset(l, 0, sizeof(*l));
	if (cg_tlog_checkpoint(&w->home, id, &w->key, cg_clock_now(&w->clock), s, &fresh, err) < 0)
		return -1;
	/* prove takes the leaves the checkpoints kept when it can. */
	if (kept && want >= 1 && want <= s->cp.size) {
		int st = cg_tlog_read_kept(&w->home, id, s->cp.size, want, l, err);

		if (st != -2)
			return st;
		cg_tlog_leaves_release(l);
	}
	if (cg_tlog_read(&w->home, id, want, l, err) < 0)
		return -1;
	if (!check)	/* for the next prove */
		cg_tlog_leaves_keep(&w->home, id, l);
	if (check && cg_tlog_extends(l, &s->cp, &why) < 0)
		return not_extended(id, &s->cp, why, err);
	if (l->n < s->cp.size)
		return not_extended(id, &s->cp, N_("the journal is shorter than the checkpoint: lines were removed"), err);
	return 0;
}

/* The inclusion proof of record seq, which must lead to the signed root. */
static int proof_holds(const struct cg_tlog_leaves *l, const struct cg_tlog_signed *s,
		       uint64_t seq, unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
		       size_t *n)
{
	cg_merkle_inclusion(l->hash, s->cp.size, seq - 1, proof, n);
	return cg_merkle_verify_inclusion(seq - 1, s->cp.size, l->hash + (seq - 1) * CG_HASH_LEN,
					  (const unsigned char (*)[CG_HASH_LEN])proof, *n,
					  s->cp.root) == 0;
}

static int prove(struct world *w, const struct cg_tlog_id *id, uint64_t seq,
		 struct cg_tlog_signed *s, struct cg_tlog_leaves *l, struct cg_err *err)
{
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
	struct cg_buf text = CG_BUF_INIT(64 * 1024 * 1024);
	size_t n;
	int ret;

	if (signed_now(w, id, seq, 0, 1, s, l, err) < 0)
		return -1;
	if (seq > s->cp.size)
		return cg_err_set(err, CG_EXIT_REJECTED, _("%s has no record %llu (%llu records)"),
				  id->label, (unsigned long long)seq,
				  (unsigned long long)s->cp.size);
	if (!proof_holds(l, s, seq, proof, &n) && l->kept) {
		/* The kept leaves are stale or damaged: the journal itself. */
		cg_tlog_leaves_release(l);
		cg_tlog_signed_release(s);
		if (signed_now(w, id, seq, 0, 0, s, l, err) < 0)
			return -1;
	}
	/* Else a line before the checkpoint's size changed. */
	if (!l->kept && !proof_holds(l, s, seq, proof, &n))
		return not_extended(id, &s->cp, N_("the journal's first lines are not those the checkpoint signed: lines were changed"), err);
	ret = cg_tlog_proof_format(seq - 1, l->line.buf, l->line.len,
				   (const unsigned char (*)[CG_HASH_LEN])proof, n,
				   s->note, s->len, &text);
	if (ret == 0)
		ret = cg_out_line(&w->out, text.buf, text.len, err);
	else
		ret = cg_err_set(err, CG_EXIT_SYSTEM, "%s", _("out of memory"));
	cg_buf_release(&text);
	return ret;
}

static int run_prove(struct world *w, struct cg_err *err)
{
	struct cg_tlog_signed s;
	struct cg_tlog_leaves l;
	struct cg_tlog_id id;
	uint64_t seq;
	int ret;

	if (parse_rid(w->o->args[0], w->cfg.compound_code, &id, &seq) < 0)
		cg_usage_error(_("'%s' is not a record id of this compound (%s/pass/SEQ, %s/checkin/DATE/SEQ, ...)"),
			       w->o->args[0], w->cfg.compound_code, w->cfg.compound_code);
	memset(&s, 0, sizeof(s));
	ret = prove(w, &id, seq, &s, &l, err);
	cg_tlog_signed_release(&s);
	cg_tlog_leaves_release(&l);
	return ret;
}

struct older {
	struct world *w;
	const char *path;
	struct cg_checkpoint cp;
	struct cg_tlog_id id;
	int found;
};

/* The last checkpoint of --from FILE, verified. */
static int take_older(void *ctx, const char *note, size_t len, unsigned long lineno,
		      struct cg_err *err)
{
	struct older *o = ctx;
	size_t signer;
	const char *why;

	if (cg_tlog_checkpoint_check(note, len, o->w->trust, o->w->ntrust, &o->cp, &signer,
				     &why) < 0)
		return cg_err_set(err, CG_EXIT_REJECTED, "%s:%lu: %s", o->path, lineno, _(why));
	if (cg_tlog_id_from_origin(o->cp.origin, o->w->trust[signer].name, &o->id) < 0)
		return cg_err_set(err, CG_EXIT_REJECTED, _("%s:%lu: origin '%s' names no journal"),
				  o->path, lineno, o->cp.origin);
	o->found = 1;
	return 0;
}

static int consistency(struct world *w, const struct older *o, struct cg_tlog_signed *s,
		       struct cg_tlog_leaves *l, struct cg_err *err)
{
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
	struct cg_buf text = CG_BUF_INIT(1024 * 1024);
	const char *why;
	size_t n = 0;
	int ret;

	if (signed_now(w, &o->id, 0, 1, 0, s, l, err) < 0)
		return -1;
	if (o->cp.size > 0 && (cg_tlog_extends(l, &o->cp, &why) < 0 || o->cp.size > s->cp.size))
		return cg_err_set(err, CG_EXIT_DAMAGED,
				  _("%s does not extend the checkpoint signed at size %llu: %s"),
				  o->id.label, (unsigned long long)o->cp.size, _(why));
	if (o->cp.size > 0)
		cg_merkle_consistency(l->hash, s->cp.size, o->cp.size, proof, &n);
	ret = cg_tlog_consistency_format(o->cp.size, (const unsigned char (*)[CG_HASH_LEN])proof,
					 n, s->note, s->len, &text);
	if (ret == 0)
		ret = cg_out_line(&w->out, text.buf, text.len, err);
	cg_buf_release(&text);
	return ret;
}

static int run_consistency(struct world *w, struct cg_err *err)
{
	struct older o = { w, w->o->from, { "", 0, { 0 } }, { "", "", "", "", "" }, 0 };
	struct cg_tlog_signed s;
	struct cg_tlog_leaves l;
	int ret;

	if (!o.path) {
		/* From the empty tree: what a witness that never saw the
		 * journal needs. */
		if (cg_tlog_id_parse(w->o->args[0], &o.id) < 0)
			cg_usage_error(_("unknown journal '%s' (pass, quarantine, YYYY-MM-DD)"),
				       w->o->args[0]);
	} else if (cg_tlog_notes_read(o.path, take_older, &o, err) < 0) {
		return -1;
	} else if (!o.found) {
		return cg_err_set(err, CG_EXIT_REJECTED, _("%s: no checkpoint"), o.path);
	}
	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	ret = consistency(w, &o, &s, &l, err);
	cg_tlog_signed_release(&s);
	cg_tlog_leaves_release(&l);
	return ret;
}

/* ---- witness ---- */

#define BODY_MAX (1024 * 1024)

/* The add-checkpoint body: FILE, or standard input. */
static int read_body(const char *path, struct cg_buf *body, struct cg_err *err)
{
	char chunk[8192];
	ssize_t n;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;

	if (fd < 0)
		return cg_err_errno(err, CG_EXIT_SYSTEM, errno, _("cannot open '%s'"), path);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || cg_buf_add(body, chunk, (size_t)n) < 0) {
			int e = n < 0 ? errno : EFBIG;

			if (path)
				close(fd);
			return cg_err_errno(err, CG_EXIT_SYSTEM, e, _("cannot read '%s'"),
					    path ? path : "stdin");
		}
	}
	if (path)
		close(fd);
	return 0;
}

static int run_witness(struct world *w, struct cg_err *err)
{
	struct cg_buf body = CG_BUF_INIT(BODY_MAX), cosig = CG_BUF_INIT(4096);
	int ret = read_body(w->o->nargs ? w->o->args[0] : NULL, &body, err);

	if (ret == 0)
		ret = cg_witness_add(&w->home, w->trust, w->ntrust, &w->key,
				     cg_clock_now(&w->clock), body.buf, body.len, &cosig, err);
	if (ret == 0)
		ret = cg_out_line(&w->out, cosig.buf, cosig.len, err);
	cg_buf_release(&body);
	cg_buf_release(&cosig);
	return ret;
}

/* ---- check-proof and key export ---- */

#define PROOF_FILE_MAX (16 * 1024 * 1024)

/* What the record of a checked proof must say of itself. */
static const char *record_fits(const json_t *rec, const struct cg_tlog_proof_result *r)
{
	json_int_t seq = json_integer_value(json_object_get(rec, "seq"));

	if (!rec)
		return N_("the proved line is not a JSON record");
	if (seq < 1 || (uint64_t)seq != r->index + 1)
		return N_("the record's seq is not the proof's index plus one");
	return NULL;
}

static int check_one(struct world *w, const char *path, struct cg_err *err)
{
	struct cg_tlog_proof_result r;
	char *text, reason[256];
	const char *why = NULL;
	json_t *rec = NULL, *j;
	size_t len;
	int st = cg_read_file(AT_FDCWD, path, PROOF_FILE_MAX, &text, &len, path, err);

	if (st < 0) {
		if (st == -2)
			cg_err_errno(err, CG_EXIT_SYSTEM, ENOENT, _("cannot open '%s'"), path);
		carry_on(w, err);
		return 0;
	}
	st = cg_tlog_proof_check(text, len, w->trust, w->ntrust, &w->verified, &r, &why);
	free(text);
	if (st == 0) {
		rec = cg_jsonl_parse(r.extra.buf, r.extra.len, reason, sizeof(reason));
		why = record_fits(rec, &r);
	}
	cg_buf_release(&r.extra);
	if (why) {
		json_decref(rec);
		cg_error(_("%s: the proof does not verify: %s"), path, _(why));
		worse(w, CG_EXIT_REJECTED);
		return 0;
	}
	j = json_pack("{s:s, s:s, s:I, s:I, s:b, s:o}", "proof", path, "origin", r.cp.origin,
		      "size", (json_int_t)r.cp.size, "index", (json_int_t)r.index, "ok", 1,
		      "record", rec);
	return print_json(w, j, err);
}

static int run_check_proof(struct world *w, struct cg_err *err)
{
	int ret = 0;

	for (int i = 0; i < w->o->nargs && ret == 0; i++)
		ret = check_one(w, w->o->args[i], err);
	return ret;
}

static int run_key(struct world *w, struct cg_err *err)
{
	struct cg_buf vkey = CG_BUF_INIT(4096);
	int ret = cg_note_vkey(&w->key, &vkey) < 0 || cg_buf_addch(&vkey, '\n') < 0 ? -1 : 0;

	if (ret == 0)
		ret = cg_out_line(&w->out, vkey.buf, vkey.len, err);
	cg_buf_release(&vkey);
	return ret;
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct opts o;
	struct world w;
	int ret;

	cg_cmd_setup("cg-journal");
	/* A file size limit fails the write (EFBIG) instead of killing us
	 * half-way through a checkpoint: the write is then taken back. */
	signal(SIGXFSZ, SIG_IGN);
	parse_options(argc, argv, &o);
	cg_set_quiet(o.common.quiet);
	memset(&w, 0, sizeof(w));
	w.o = &o;
	load_world(&w, &err);
	if (!strcmp(o.sub, "init"))
		ret = run_init(&w, &err);
	else if (!strcmp(o.sub, "verify"))
		ret = run_verify(&w, &err);
	else if (!strcmp(o.sub, "checkpoint"))
		ret = run_checkpoint(&w, &err);
	else if (!strcmp(o.sub, "prove"))
		ret = run_prove(&w, &err);
	else if (!strcmp(o.sub, "check-proof"))
		ret = run_check_proof(&w, &err);
	else if (!strcmp(o.sub, "consistency"))
		ret = run_consistency(&w, &err);
	else if (!strcmp(o.sub, "witness"))
		ret = run_witness(&w, &err);
	else
		ret = run_key(&w, &err);
	if (ret == 0 && cg_out_close(&w.out, &err) < 0)
		ret = -1;
	if (ret < 0)
		cg_die_err(&err);
	release_world(&w);
	return w.status;
}
