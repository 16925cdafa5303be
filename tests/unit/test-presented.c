/*
 * cg-pass verify and revoke as functions: a line in, the pass it presents;
 * passes presented, their results; a pass named, its revoke event.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/presented.h"
#include "unit.h"

/* 2026-01-25T08:00:00+08:00 */
#define NOW 1769299200LL
#define DAY 86400LL

#define ID_A "110101199003074514"
#define PERSON "{\"name\":\"张三\",\"id_no\":\"" ID_A "\",\"household\":\"3-2-501\"}"
/* A well-formed pass id that no pass has. */
#define NOBODY "0000-0000-0"

struct world {
	struct cg_config cfg;
	struct cg_passbook pb;
	struct cg_casebook cb;
	struct cg_keyring kr;
	struct cg_pass_ctx ctx;
	json_t *pass;		/* the issue event of PERSON's pass */
};

/* A keyring of one fresh key pair, its id "00000000" whatever the key. */
static void make_ring(struct cg_keyring *kr)
{
	struct cg_key *k;

	cg_keyring_init(kr);
	kr->keys = calloc(1, sizeof(*kr->keys));
	if (!kr->keys)
		abort();
	kr->n = 1;
	kr->current = 0;
	k = &kr->keys[0];
	crypto_sign_keypair(k->pk, k->sk);
	k->has_secret = 1;
	strcpy(k->id, "00000000");
}

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	if (!j) {
		printf("# bad test JSON: %s: %s\n", text, jerr.text);
		abort();
	}
	return j;
}

/* The default configuration, no cases, and one resident pass issued at NOW. */
static void world_init(struct world *w)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_issue_opts io;
	char why[256];
	json_t *person = load(PERSON);
	int existing;

	if (sodium_init() < 0 || cg_config_parse(&w->cfg, NULL, 0, "test", &err) < 0)
		abort();
	cg_passbook_init(&w->pb);
	cg_casebook_init(&w->cb);
	make_ring(&w->kr);
	w->ctx = (struct cg_pass_ctx){ &w->cfg, &w->pb, &w->cb, &w->kr, NULL, 0 };
	memset(&io, 0, sizeof(io));
	w->pass = cg_pass_issue(&w->ctx, person, &io, NOW, &existing, why, sizeof(why));
	if (!w->pass) {
		printf("# issue: %s\n", why);
		abort();
	}
	json_decref(person);
}

static void world_release(struct world *w)
{
	json_decref(w->pass);
	cg_keyring_release(&w->kr);
	cg_casebook_release(&w->cb);
	cg_passbook_release(&w->pb);
	cg_config_release(&w->cfg);
}

static const char *field(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static const char *token_of(const struct world *w)
{
	return field(w->pass, "token");
}

static const char *id_of(const struct world *w)
{
	return field(w->pass, "pass_id");
}

/* The result of verifying one line at now (a new reference), or NULL when
 * the line presents no pass. */
static json_t *verify(const struct world *w, const char *line, cg_time_t now)
{
	struct cg_presented p;
	char why[256];
	json_t *out;

	if (cg_presented_parse(&p, line, strlen(line), why, sizeof(why)))
		return NULL;
	cg_pass_verify(&w->ctx, &p, 1, now, NULL, &out);
	cg_presented_release(&p);
	return out;
}

/* The reason verify gives a line at now: "ok", "revoked"... */
static const char *reason(const struct world *w, const char *line, cg_time_t now)
{
	static char buf[64];
	json_t *out = verify(w, line, now);

	snprintf(buf, sizeof(buf), "%s", out ? field(out, "reason") : "(none)");
	json_decref(out);
	return buf;
}

/* ---- reading what a line presents ----------------------------------- */

static const char *parsed(const char *line, char *why, size_t whylen)
{
	static char buf[256];
	struct cg_presented p;

	if (cg_presented_parse(&p, line, strlen(line), why, whylen))
		return NULL;
	snprintf(buf, sizeof(buf), "%s%s", p.rec ? "rec " : "", p.text);
	cg_presented_release(&p);
	return buf;
}

TEST(parse_bare_lines_and_records)
{
	char why[256];

	CHECK_STR(parsed("  K3F9-2XQ7-MC \t", why, sizeof(why)), "K3F9-2XQ7-MC");
	/* A token keeps its trailing space: base45 has one. */
	CHECK_STR(parsed("CG1:AB ", why, sizeof(why)), "CG1:AB ");
	CHECK_STR(parsed("{\"pass\":\"A\",\"token\":\"B\",\"pass_id\":\"C\"}", why, sizeof(why)),
		  "rec A");
	CHECK_STR(parsed("{\"token\":\"B\",\"pass_id\":\"C\"}", why, sizeof(why)), "rec B");
	CHECK_STR(parsed("{\"pass_id\":\"C\",\"gate\":\"north\"}", why, sizeof(why)), "rec C");
}

TEST(parse_malformed_records)
{
	char why[256];

	CHECK(!parsed("{\"pass\":5}", why, sizeof(why)));
	CHECK_STR(why, "'pass' must be a string");
	CHECK(!parsed("{\"gate\":\"north\"}", why, sizeof(why)));
	CHECK_STR(why, "missing field 'pass' (or 'token' or 'pass_id')");
	why[0] = '\0';
	CHECK(!parsed("{\"pass\":", why, sizeof(why)));
	CHECK(why[0] != '\0');
}

/* ---- verify ----------------------------------------------------------- */

TEST(verify_valid_token_id_and_record)
{
	struct world w;
	char line[512];
	json_t *out;

	world_init(&w);
	out = verify(&w, token_of(&w), NOW);
	CHECK(json_is_true(json_object_get(out, "valid")));
	CHECK_STR(field(out, "reason"), "ok");
	CHECK_STR(field(out, "pass"), token_of(&w));
	CHECK_STR(field(out, "pass_id"), id_of(&w));
	CHECK_STR(field(out, "class"), "resident");
	CHECK_STR(field(out, "household"), "3-2-501");
	CHECK_STR(field(out, "valid_until"), field(w.pass, "valid_until"));
	CHECK_STR(field(out, "revocation"), "checked");
	json_decref(out);

	CHECK_STR(reason(&w, id_of(&w), NOW), "ok");
	snprintf(line, sizeof(line), "{\"pass\":\"%s\",\"gate\":\"north\"}", id_of(&w));
	out = verify(&w, line, NOW);
	CHECK_STR(field(out, "reason"), "ok");
	CHECK_STR(field(out, "gate"), "north");
	CHECK_STR(field(out, "pass"), id_of(&w));
	CHECK_STR(field(out, "class"), "resident");
	json_decref(out);
	world_release(&w);
}

TEST(verify_expired_and_not_yet_valid)
{
	struct world w;
	cg_time_t until;

	world_init(&w);
	CHECK(cg_time_parse(field(w.pass, "valid_until"), 0, &until) == 0);
	CHECK_STR(reason(&w, token_of(&w), until - 1), "ok");
	CHECK_STR(reason(&w, token_of(&w), until), "expired");
	CHECK_STR(reason(&w, id_of(&w), until), "expired");
	CHECK_STR(reason(&w, token_of(&w), NOW - 1), "not_yet_valid");
	CHECK_STR(reason(&w, id_of(&w), NOW - 1), "not_yet_valid");
	world_release(&w);
}

TEST(verify_unknown_pass)
{
	struct world w;
	json_t *out;

	world_init(&w);
	out = verify(&w, NOBODY, NOW);
	CHECK_STR(field(out, "reason"), "unknown");
	CHECK(json_is_false(json_object_get(out, "valid")));
	CHECK_STR(field(out, "pass_id"), NOBODY);
	CHECK(!json_object_get(out, "class"));
	json_decref(out);
	world_release(&w);
}

TEST(verify_forged_token)
{
	struct cg_buf forged = CG_BUF_INIT(4096);
	struct cg_keyring other;
	struct cg_token t;
	struct world w;
	json_t *out;

	world_init(&w);
	/* The same pass, signed by a key of the same id that is not ours. */
	make_ring(&other);
	CHECK(cg_token_decode(token_of(&w), &t) == 0);
	CHECK(cg_token_sign(&other, &t, &forged, NULL) == 0);
	out = verify(&w, forged.buf, NOW);
	CHECK_STR(field(out, "reason"), "bad_signature");
	CHECK(json_is_false(json_object_get(out, "valid")));
	/* What an unverified token says is not repeated as fact. */
	CHECK(!json_object_get(out, "pass_id"));
	CHECK(!json_object_get(out, "class"));
	CHECK(!json_object_get(out, "household"));
	json_decref(out);
	cg_keyring_release(&other);
	cg_buf_release(&forged);
	world_release(&w);
}

TEST(verify_malformed)
{
	struct world w;
	json_t *out;

	world_init(&w);
	out = verify(&w, "garbage", NOW);
	CHECK_STR(field(out, "reason"), "malformed");
	CHECK_STR(field(out, "pass"), "garbage");
	CHECK(!json_object_get(out, "pass_id"));
	json_decref(out);
	CHECK_STR(reason(&w, "CG1:", NOW), "malformed");
	CHECK_STR(reason(&w, "CG1:%%%", NOW), "malformed");
	CHECK_STR(reason(&w, "{\"pass\":\"K3F9\"}", NOW), "malformed");
	world_release(&w);
}

TEST(verify_a_batch_keeps_its_order)
{
	struct cg_presented items[4];
	const char *lines[4];
	json_t *out[4];
	struct world w;
	json_t *good = json_object();

	world_init(&w);
	lines[0] = token_of(&w);
	lines[1] = "garbage";
	lines[2] = NOBODY;
	lines[3] = id_of(&w);
	for (int i = 0; i < 4; i++)
		CHECK(cg_presented_parse(&items[i], lines[i], strlen(lines[i]), NULL, 0) == 0);
	cg_pass_verify(&w.ctx, items, 4, NOW, good, out);
	CHECK_STR(field(out[0], "reason"), "ok");
	CHECK_STR(field(out[1], "reason"), "malformed");
	CHECK_STR(field(out[2], "reason"), "unknown");
	CHECK_STR(field(out[3], "reason"), "ok");
	for (int i = 0; i < 4; i++) {
		json_decref(out[i]);
		cg_presented_release(&items[i]);
	}
	json_decref(good);
	world_release(&w);
}

TEST(verify_offline)
{
	struct world w;
	json_t *list = json_object(), *out;
	char norm[CG_PASS_ID_LEN];

	world_init(&w);
	w.ctx.offline = 1;
	w.ctx.cases = NULL;
	out = verify(&w, token_of(&w), NOW);
	CHECK_STR(field(out, "reason"), "ok");
	CHECK_STR(field(out, "revocation"), "unchecked");
	json_decref(out);
	cg_pass_id_normalise(id_of(&w), norm);
	json_object_set_new(list, norm, json_true());
	w.ctx.extra_revoked = list;
	out = verify(&w, token_of(&w), NOW);
	CHECK_STR(field(out, "reason"), "revoked");
	CHECK_STR(field(out, "revocation"), "list");
	json_decref(out);
	json_decref(list);
	world_release(&w);
}

/* ---- revoke ----------------------------------------------------------- */

TEST(revoke_then_verify)
{
	struct world w;
	char why[256];
	json_t *ev;
	int existing;

	world_init(&w);
	ev = cg_pass_revoke(&w.ctx, id_of(&w), "lost", NOW + DAY, &existing, why, sizeof(why));
	CHECK(ev && !existing);
	CHECK_STR(field(ev, "event"), "revoke");
	CHECK_STR(field(ev, "pass_id"), id_of(&w));
	CHECK_STR(field(ev, "reason"), "lost");
	CHECK_STR(field(ev, "compound"), w.cfg.compound_code);
	CHECK_STR(field(ev, "ts"), "2026-01-26T08:00:00+08:00");
	CHECK(!json_object_get(ev, "existing"));
	json_decref(ev);
	/* The fold knows at once: verify refuses, and a second revoke says
	 * it was done already. */
	CHECK_STR(reason(&w, token_of(&w), NOW + DAY), "revoked");
	CHECK_STR(reason(&w, id_of(&w), NOW + DAY), "revoked");
	ev = cg_pass_revoke(&w.ctx, token_of(&w), "again", NOW + 2 * DAY, &existing, why,
			    sizeof(why));
	CHECK(ev && existing);
	CHECK(json_is_true(json_object_get(ev, "existing")));
	CHECK_STR(field(ev, "pass_id"), id_of(&w));
	CHECK(!json_object_get(ev, "event"));
	json_decref(ev);
	world_release(&w);
}

TEST(revoke_refuses_unknown_and_malformed)
{
	struct world w;
	char why[256];
	int existing;

	world_init(&w);
	CHECK(!cg_pass_revoke(&w.ctx, NOBODY, "lost", NOW, &existing, why, sizeof(why)));
	CHECK_STR(why, "unknown pass '" NOBODY "'");
	CHECK(!cg_pass_revoke(&w.ctx, "CG1:%%%", "lost", NOW, &existing, why, sizeof(why)));
	CHECK_STR(why, "not a pass id or token");
	CHECK_INT(existing, 0);
	/* Nothing was revoked on the way. */
	CHECK_STR(reason(&w, token_of(&w), NOW), "ok");
	world_release(&w);
}

int main(void)
{
	setenv("TZ", "CST-8", 1);
	tzset();

	RUN(parse_bare_lines_and_records);
	RUN(parse_malformed_records);
	RUN(verify_valid_token_id_and_record);
	RUN(verify_expired_and_not_yet_valid);
	RUN(verify_unknown_pass);
	RUN(verify_forged_token);
	RUN(verify_malformed);
	RUN(verify_a_batch_keeps_its_order);
	RUN(verify_offline);
	RUN(revoke_then_verify);
	RUN(revoke_refuses_unknown_and_malformed);
	return UNIT_DONE();
}
