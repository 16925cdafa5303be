#include <stdlib.h>
#include <string.h>

#include "store/config.h"
#include "core/exitcode.h"
#include "unit.h"

#define LABEL "config.json"

/* Every reason code, in enum order, and whether it denies. */
static const struct {
	enum cg_reason r;
	const char *code;
	int denies;
} all_reasons[] = {
	{ CG_R_FEVER, "fever", 1 },
	{ CG_R_SYMPTOMS, "symptoms", 1 },
	{ CG_R_NO_MASK, "no_mask", 1 },
	{ CG_R_COURIER, "courier", 1 },
	{ CG_R_VISITOR_NO_HOST, "visitor_no_host", 1 },
	{ CG_R_VEHICLE_UNREGISTERED, "vehicle_unregistered", 1 },
	{ CG_R_PASS_INVALID, "pass_invalid", 1 },
	{ CG_R_QUARANTINED, "quarantined", 1 },
	{ CG_R_IDENTITY_CHECK, "identity_check", 0 },
	{ CG_R_REMEASURE, "remeasure", 0 },
	{ CG_R_NO_PASS, "no_pass", 0 },
	{ CG_R_RISK_AREA, "risk_area", 0 },
	{ CG_R_EXIT_QUOTA, "exit_quota", 1 },
	{ CG_R_HOUSEHOLD_UNKNOWN, "household_unknown", 0 },
};

#define N_REASONS (sizeof(all_reasons) / sizeof(all_reasons[0]))

/* The rules share/cg/config.json lists (pass checking has its own switch). */
static const char *const default_rules[] = {
	"fever", "remeasure", "symptoms", "no_mask", "courier",
	"visitor_no_host", "vehicle_unregistered", "quarantined", "risk_area",
	NULL
};

static int parse(struct cg_config *cfg, const char *text, struct cg_err *err)
{
	return cg_config_parse(cfg, text, text ? strlen(text) : 0, LABEL, err);
}

/*
 * The message for a configuration that must be refused, or "(accepted)".
 * The configuration is released either way.
 */
static const char *refused(const char *text)
{
	static struct cg_err err;
	struct cg_config cfg;

	memset(&err, 0, sizeof(err));
	if (parse(&cfg, text, &err) == 0) {
		cg_config_release(&cfg);
		return "(accepted)";
	}
	if (err.status != CG_EXIT_SYSTEM)
		snprintf(err.msg, sizeof(err.msg), "(status %d)", err.status);
	cg_config_release(&cfg);
	return err.msg;
}

static enum cg_reason reason_of(const char *code)
{
	size_t i;

	for (i = 0; i < N_REASONS; i++)
		if (!strcmp(all_reasons[i].code, code))
			return all_reasons[i].r;
	return CG_R_COUNT;
}

TEST(defaults)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;
	const struct cg_policy *p = &cfg.policy;

	CHECK_INT(parse(&cfg, NULL, &err), 0);
	CHECK(cfg.root != NULL);
	CHECK_STR(cfg.compound_code, "DEMO-0001");
	CHECK_STR(cfg.compound_name, "示范小区");
	CHECK_INT(json_array_size(cfg.gates), 2);
	CHECK_STR(json_string_value(json_array_get(cfg.gates, 0)), "north");
	CHECK_STR(json_string_value(json_array_get(cfg.gates, 1)), "south");
	CHECK(p->fever_threshold == 37.3);
	CHECK(p->temp_min == 35.0);
	CHECK(p->temp_max == 42.5);
	CHECK_INT(p->remeasure_wait_min, 0);
	CHECK_INT(p->visit_max_min, 120);
	/* The exit quota is off unless an office turns it on. */
	CHECK_INT(p->exit_quota_persons, 0);
	CHECK_INT(p->exit_quota_days, 2);
	CHECK_INT(p->exit_quota_hours, 3);
	CHECK_INT(p->pass_check, 0);
	CHECK(json_is_array(p->risk_areas));
	CHECK_INT(json_array_size(p->risk_areas), 0);
	CHECK_INT(p->duty_start_min, 0);
	CHECK_INT(p->duty_end_min, 24 * 60);
	CHECK_INT(p->duty_gap_max_min, 60);
	cg_config_release(&cfg);
	CHECK(cfg.root == NULL);
}

TEST(defaults_all_rules_on)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;
	const json_t *rules;
	const char *key;
	json_t *val;
	int i, n = 0;

	CHECK_INT(parse(&cfg, NULL, &err), 0);
	for (i = 0; default_rules[i]; i++)
		CHECK(cg_rule_on(&cfg.policy, reason_of(default_rules[i])));
	/* The pass rules are on too: pass_check decides whether they apply. */
	CHECK(cg_rule_on(&cfg.policy, CG_R_NO_PASS));
	CHECK(cg_rule_on(&cfg.policy, CG_R_PASS_INVALID));
	CHECK_INT(cfg.policy.rules, (1u << CG_R_COUNT) - 1);

	/* And the shipped table lists exactly those rules, all true. */
	rules = json_object_get(json_object_get(cfg.root, "policy"), "rules");
	json_object_foreach((json_t *)rules, key, val) {
		CHECK(json_is_true(val));
		CHECK(reason_of(key) != CG_R_COUNT);
		n++;
	}
	CHECK_INT(n, i);
	cg_config_release(&cfg);
}

TEST(empty_overlay_is_defaults)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config a, b;

	CHECK_INT(parse(&a, NULL, &err), 0);
	CHECK_INT(parse(&b, "{}", &err), 0);
	CHECK(json_equal(a.root, b.root));
	CHECK(!memcmp(&a.policy.fever_threshold, &b.policy.fever_threshold,
		      sizeof(double)));
	CHECK_INT(a.policy.rules, b.policy.rules);
	cg_config_release(&a);
	cg_config_release(&b);
	CHECK_INT(parse(&b, " \n{ }\n", &err), 0);
	cg_config_release(&b);
}

TEST(overlay_partial)
{
	static const char text[] =
		"{\"compound\":{\"code\":\"BJ-CY-0042\"},"
		"\"policy\":{\"fever_threshold\":37.5,\"pass_check\":true,"
		"\"risk_areas\":[\"武汉\",\"黄冈\"],\"remeasure_wait_min\":10,"
		"\"duty_hours\":[\"06:30\",\"22:00\"]}}";
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;
	const struct cg_policy *p = &cfg.policy;

	CHECK_INT(parse(&cfg, text, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_STR(cfg.compound_code, "BJ-CY-0042");
	/* A sibling key of an overlaid object keeps its default. */
	CHECK_STR(cfg.compound_name, "示范小区");
	CHECK(p->fever_threshold == 37.5);
	CHECK_INT(p->pass_check, 1);
	CHECK_INT(p->remeasure_wait_min, 10);
	CHECK_INT(json_array_size(p->risk_areas), 2);
	CHECK_STR(json_string_value(json_array_get(p->risk_areas, 0)), "武汉");
	CHECK_INT(p->duty_start_min, 6 * 60 + 30);
	CHECK_INT(p->duty_end_min, 22 * 60);
	/* Untouched values stay. */
	CHECK(p->temp_min == 35.0);
	CHECK(p->temp_max == 42.5);
	CHECK_INT(p->visit_max_min, 120);
	CHECK_INT(json_array_size(cfg.gates), 2);
	CHECK_INT(p->rules, (1u << CG_R_COUNT) - 1);
	cg_config_release(&cfg);
}

TEST(overlay_replaces_arrays)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;

	CHECK_INT(parse(&cfg, "{\"gates\":[\"east\"]}", &err), 0);
	CHECK_INT(json_array_size(cfg.gates), 1);
	CHECK_INT(cg_config_has_gate(&cfg, "east"), 1);
	CHECK_INT(cg_config_has_gate(&cfg, "north"), 0);
	cg_config_release(&cfg);
}

TEST(integer_for_real)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;

	CHECK_INT(parse(&cfg, "{\"policy\":{\"fever_threshold\":38,\"temp_max\":43}}",
			&err), 0);
	CHECK(cfg.policy.fever_threshold == 38.0);
	CHECK(cfg.policy.temp_max == 43.0);
	cg_config_release(&cfg);
	CHECK_INT(parse(&cfg, "{\"policy\":{\"visit_max_min\":30.0}}", &err), 0);
	CHECK_INT(cfg.policy.visit_max_min, 30);
	cg_config_release(&cfg);
}

TEST(unknown_key)
{
	CHECK_STR(refused("{\"policy\":{\"fevr_threshold\":37.5}}"),
		  LABEL ": unknown key 'policy.fevr_threshold'");
	CHECK_STR(refused("{\"colour\":\"pink\"}"), LABEL ": unknown key 'colour'");
	CHECK_STR(refused("{\"compound\":{\"name\":\"x\",\"cod\":\"y\"}}"),
		  LABEL ": unknown key 'compound.cod'");
	CHECK_STR(refused("{\"policy\":{\"rules\":{\"fevre\":false}}}"),
		  LABEL ": unknown key 'policy.rules.fevre'");
	/* The path does not carry over from an earlier, valid sibling. */
	CHECK_STR(refused("{\"compound\":{\"name\":\"x\"},\"policy\":{\"bogus\":1}}"),
		  LABEL ": unknown key 'policy.bogus'");
	CHECK_STR(refused("{\"policy\":{\"pass_check\":true},\"bogus\":1}"),
		  LABEL ": unknown key 'bogus'");
	/* New keys are taken only right under passes.classes and targets,
	 * not under keys that merely spell the same path. */
	CHECK_STR(refused("{\"targets.\":{\"city\":{\"url\":\"https://x\"}}}"),
		  LABEL ": unknown key 'targets.'");
	CHECK_STR(refused("{\"targets.city\":{\"url\":\"https://x\"}}"),
		  LABEL ": unknown key 'targets.city'");
	CHECK_STR(refused("{\"passes.classes.x\":{\"colour\":\"red\",\"days\":1}}"),
		  LABEL ": unknown key 'passes.classes.x'");
	CHECK_STR(refused("{\"passes\":{\"classes.x\":{\"colour\":\"red\",\"days\":1}}}"),
		  LABEL ": unknown key 'passes.classes.x'");
	CHECK_STR(refused("{\"passes\":{\"classes\":{\"resident\":{\"colour\":\"red\",\"x\":1}}}}"),
		  LABEL ": unknown key 'passes.classes.resident.x'");
	CHECK_STR(refused("{\"passes\":{\"classes\":{\"elderly\":{\"colour\":\"white\",\"days\":30}}}}"),
		  "(accepted)");
}

TEST(wrong_type)
{
	CHECK_STR(refused("{\"policy\":{\"fever_threshold\":\"37.5\"}}"),
		  LABEL ": 'policy.fever_threshold' has the wrong type");
	CHECK_STR(refused("{\"gates\":\"north\"}"), LABEL ": 'gates' has the wrong type");
	CHECK_STR(refused("{\"policy\":{\"pass_check\":1}}"),
		  LABEL ": 'policy.pass_check' has the wrong type");
	CHECK_STR(refused("{\"policy\":{\"rules\":{\"fever\":\"off\"}}}"),
		  LABEL ": 'policy.rules.fever' has the wrong type");
	CHECK_STR(refused("{\"policy\":[]}"), LABEL ": 'policy' has the wrong type");
	CHECK_STR(refused("{\"compound\":{\"code\":null}}"),
		  LABEL ": 'compound.code' has the wrong type");
	CHECK_STR(refused("{\"policy\":{\"visit_max_min\":true}}"),
		  LABEL ": 'policy.visit_max_min' has the wrong type");
}

TEST(invalid_json)
{
	const char *msg = refused("{\"policy\":");

	CHECK(!strncmp(msg, LABEL ":1: ", strlen(LABEL ":1: ")));
	msg = refused("{\n\"policy\": {\n\"pass_check\": tru\n}}");
	CHECK(!strncmp(msg, LABEL ":3: ", strlen(LABEL ":3: ")));
	msg = refused("");
	CHECK(!strncmp(msg, LABEL ":", strlen(LABEL ":")));
	CHECK(strcmp(msg, "(accepted)"));
	/* Duplicate keys are refused, not silently resolved. */
	msg = refused("{\"policy\":{\"pass_check\":true,\"pass_check\":false}}");
	CHECK(!strncmp(msg, LABEL ":1: ", strlen(LABEL ":1: ")));
	CHECK(strstr(msg, "duplicate") != NULL);
}

TEST(not_object)
{
	CHECK_STR(refused("[]"), LABEL ": not a JSON object");
	CHECK_STR(refused("[{\"policy\":{}}]"), LABEL ": not a JSON object");
}

TEST(threshold_range)
{
	CHECK_STR(refused("{\"policy\":{\"fever_threshold\":34.9}}"),
		  LABEL ": 'policy.fever_threshold' must be between 35 and 43");
	CHECK_STR(refused("{\"policy\":{\"fever_threshold\":43.1}}"),
		  LABEL ": 'policy.fever_threshold' must be between 35 and 43");
	CHECK_STR(refused("{\"policy\":{\"fever_threshold\":-37.3}}"),
		  LABEL ": 'policy.fever_threshold' must be between 35 and 43");
	CHECK_STR(refused("{\"policy\":{\"fever_threshold\":35}}"), "(accepted)");
	CHECK_STR(refused("{\"policy\":{\"fever_threshold\":43}}"), "(accepted)");
	CHECK_STR(refused("{\"policy\":{\"visit_max_min\":0}}"),
		  LABEL ": 'policy.visit_max_min' must be between 1 and 10080");
	CHECK_STR(refused("{\"policy\":{\"remeasure_wait_min\":-1}}"),
		  LABEL ": 'policy.remeasure_wait_min' must be between 0 and 1440");
	CHECK_STR(refused("{\"policy\":{\"remeasure_wait_min\":1.5}}"),
		  LABEL ": 'policy.remeasure_wait_min' must be a whole number");
	CHECK_STR(refused("{\"policy\":{\"duty_gap_max_min\":0}}"),
		  LABEL ": 'policy.duty_gap_max_min' must be between 1 and 1440");
}

TEST(temp_range)
{
	CHECK_STR(refused("{\"policy\":{\"temp_min\":40,\"temp_max\":40}}"),
		  LABEL ": 'policy.temp_min' must be below 'policy.temp_max'");
	CHECK_STR(refused("{\"policy\":{\"temp_min\":41,\"temp_max\":36}}"),
		  LABEL ": 'policy.temp_min' must be below 'policy.temp_max'");
	CHECK_STR(refused("{\"policy\":{\"temp_min\":43}}"),
		  LABEL ": 'policy.temp_min' must be below 'policy.temp_max'");
	CHECK_STR(refused("{\"policy\":{\"temp_min\":24.9}}"),
		  LABEL ": 'policy.temp_min' must be between 25 and 45");
	CHECK_STR(refused("{\"policy\":{\"temp_max\":45.5}}"),
		  LABEL ": 'policy.temp_max' must be between 25 and 45");
	CHECK_STR(refused("{\"policy\":{\"temp_min\":36.0,\"temp_max\":36.1}}"),
		  "(accepted)");
}

TEST(duty_hours)
{
	static const char msg[] = LABEL ": 'policy.duty_hours' must be "
		"[\"HH:MM\", \"HH:MM\"], start before end";
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;

	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"18:00\",\"08:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:00\",\"08:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"8am\",\"20:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\",\"22:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:60\",\"20:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:00\",\"24:01\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:00\",\"25:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[\"08:00x\",\"20:00\"]}}"), msg);
	CHECK_STR(refused("{\"policy\":{\"duty_hours\":[8,20]}}"), msg);

	CHECK_INT(parse(&cfg, "{\"policy\":{\"duty_hours\":[\"08:00\",\"20:30\"]}}", &err), 0);
	CHECK_INT(cfg.policy.duty_start_min, 8 * 60);
	CHECK_INT(cfg.policy.duty_end_min, 20 * 60 + 30);
	cg_config_release(&cfg);
	CHECK_INT(parse(&cfg, "{\"policy\":{\"duty_hours\":[\"23:59\",\"24:00\"]}}", &err), 0);
	CHECK_INT(cfg.policy.duty_start_min, 23 * 60 + 59);
	CHECK_INT(cfg.policy.duty_end_min, 24 * 60);
	cg_config_release(&cfg);
}

TEST(names_lists)
{
	CHECK_STR(refused("{\"policy\":{\"risk_areas\":[\"武汉\",1]}}"),
		  LABEL ": 'policy.risk_areas' must be a list of names");
	CHECK_STR(refused("{\"policy\":{\"risk_areas\":[\"\"]}}"),
		  LABEL ": 'policy.risk_areas' must be a list of names");
	CHECK_STR(refused("{\"gates\":[\"north\",\"\"]}"),
		  LABEL ": 'gates' must be a list of names");
	CHECK_STR(refused("{\"gates\":[null]}"), LABEL ": 'gates' must be a list of names");
}

/* The message for a refused compound code, or why it is not that. */
static const char *code_refused(const char *code)
{
	static const char prefix[] = LABEL ": 'compound.code' must be ";
	char text[256];
	const char *msg;

	snprintf(text, sizeof(text), "{\"compound\":{\"code\":\"%s\"}}", code);
	msg = refused(text);
	return strncmp(msg, prefix, strlen(prefix)) ? msg : "refused";
}

TEST(compound_code)
{
	CHECK_STR(code_refused(""), "refused");
	CHECK_STR(code_refused("BJ 0042"), "refused");
	CHECK_STR(code_refused("BJ\\t0042"), "refused");
	CHECK_STR(code_refused("../etc"), "refused");
	CHECK_STR(code_refused("BJ/0042"), "refused");
	CHECK_STR(code_refused("BJ\\\"0042"), "refused");
	CHECK_STR(code_refused("BJ-0042"), "(accepted)");
	CHECK_STR(code_refused("bj_cy.0042"), "(accepted)");
}

TEST(unknown_rule)
{
	CHECK_STR(refused("{\"policy\":{\"rules\":{\"fevr\":false}}}"),
		  LABEL ": unknown key 'policy.rules.fevr'");
	/* The pass rules are switched by pass_check, not in the table. */
	CHECK_STR(refused("{\"policy\":{\"rules\":{\"no_pass\":false}}}"),
		  LABEL ": unknown key 'policy.rules.no_pass'");
	CHECK_STR(refused("{\"policy\":{\"rules\":{\"pass_invalid\":true}}}"),
		  LABEL ": unknown key 'policy.rules.pass_invalid'");
	/* identity_check goes with quarantined and pass_check. */
	CHECK_STR(refused("{\"policy\":{\"rules\":{\"identity_check\":false}}}"),
		  LABEL ": unknown key 'policy.rules.identity_check'");
}

TEST(rule_off_clears_its_bit)
{
	int i;

	for (i = 0; default_rules[i]; i++) {
		struct cg_err err = CG_ERR_INIT;
		struct cg_config cfg;
		char text[128];
		enum cg_reason r = reason_of(default_rules[i]);

		snprintf(text, sizeof(text), "{\"policy\":{\"rules\":{\"%s\":false}}}",
			 default_rules[i]);
		CHECK_INT(parse(&cfg, text, &err), 0);
		CHECK(!cg_rule_on(&cfg.policy, r));
		/* Only that one. */
		CHECK_INT(cfg.policy.rules, ((1u << CG_R_COUNT) - 1) & ~(1u << r));
		cg_config_release(&cfg);
	}
}

TEST(rules_off_and_on)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;

	CHECK_INT(parse(&cfg, "{\"policy\":{\"rules\":{\"courier\":false,"
			"\"risk_area\":false,\"fever\":true}}}", &err), 0);
	CHECK(!cg_rule_on(&cfg.policy, CG_R_COURIER));
	CHECK(!cg_rule_on(&cfg.policy, CG_R_RISK_AREA));
	CHECK(cg_rule_on(&cfg.policy, CG_R_FEVER));
	CHECK(cg_rule_on(&cfg.policy, CG_R_NO_MASK));
	CHECK(cg_rule_on(&cfg.policy, CG_R_NO_PASS));
	cg_config_release(&cfg);
}

TEST(unknown_lists_choices)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;
	char why[256];

	CHECK_INT(parse(&cfg, "{\"gates\":[\"north\",\"south\",\"东门\"]}", &err), 0);
	cg_config_unknown(cfg.gates, "gate", "nrth", why, sizeof(why));
	CHECK_STR(why, "unknown gate 'nrth' (north, south, 东门); did you mean 'north'?");
	cg_config_unknown(cfg.gates, "gate", "west", why, sizeof(why));
	CHECK_STR(why, "unknown gate 'west' (north, south, 东门)");
	cg_config_unknown(cfg.pass_classes, "pass class", "visiter", why, sizeof(why));
	CHECK(strstr(why, "unknown pass class 'visiter' (") == why);
	CHECK(strstr(why, "visitor, ") != NULL || strstr(why, ", visitor)") != NULL);
	CHECK(strstr(why, "; did you mean 'visitor'?") != NULL);
	cg_config_release(&cfg);
}

TEST(has_gate)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;

	CHECK_INT(parse(&cfg, NULL, &err), 0);
	CHECK_INT(cg_config_has_gate(&cfg, "north"), 1);
	CHECK_INT(cg_config_has_gate(&cfg, "south"), 1);
	CHECK_INT(cg_config_has_gate(&cfg, "east"), 0);
	/* Gate names compare without case (issue 19), and give the
	 * configured spelling. */
	CHECK_INT(cg_config_has_gate(&cfg, "North"), 1);
	CHECK_STR(cg_config_gate(&cfg, "NORTH"), "north");
	CHECK_STR(cg_config_gate(&cfg, "south"), "south");
	CHECK(cg_config_gate(&cfg, "east") == NULL);
	CHECK_INT(cg_config_has_gate(&cfg, "north "), 0);
	CHECK_INT(cg_config_has_gate(&cfg, ""), 0);
	cg_config_release(&cfg);

	CHECK_INT(parse(&cfg, "{\"gates\":[\"北门\",\"south\"]}", &err), 0);
	CHECK_INT(cg_config_has_gate(&cfg, "北门"), 1);
	CHECK_INT(cg_config_has_gate(&cfg, "north"), 0);
	cg_config_release(&cfg);

	/* No gates configured: any gate will do. */
	CHECK_INT(parse(&cfg, "{\"gates\":[]}", &err), 0);
	CHECK_INT(cg_config_has_gate(&cfg, "north"), 1);
	CHECK_INT(cg_config_has_gate(&cfg, "anything"), 1);
	cg_config_release(&cfg);
}

TEST(reason_codes)
{
	size_t i;

	CHECK_INT(N_REASONS, CG_R_COUNT);
	for (i = 0; i < N_REASONS; i++) {
		CHECK_INT(all_reasons[i].r, i);
		CHECK_STR(cg_reason_code(all_reasons[i].r), all_reasons[i].code);
		CHECK_INT(cg_reason_denies(all_reasons[i].r), all_reasons[i].denies);
	}
	CHECK(cg_reason_code(CG_R_COUNT) == NULL);
	CHECK(cg_reason_code((enum cg_reason)(CG_R_COUNT + 5)) == NULL);
	CHECK(cg_reason_code((enum cg_reason)-1) == NULL);
	CHECK_INT(cg_reason_denies(CG_R_COUNT), 0);
	CHECK_INT(cg_reason_denies((enum cg_reason)-1), 0);
}

/*
 * A parse that fails leaves nothing behind for the caller to free, as
 * cg_config_load's own failure path and the other lib constructors do
 * (cg_jsonl_reader_open releases on failure): a caller that treats -1
 * as "nothing to release" must not leak the merged tree.
 */
TEST(failed_parse_owns_nothing)
{
	static const char *const bad[] = {
		"{\"policy\":",				/* invalid JSON */
		"[]",					/* not an object */
		"{\"bogus\":1}",			/* unknown key */
		"{\"policy\":{\"fever_threshold\":50}}",	/* out of range */
		"{\"compound\":{\"code\":\"\"}}",	/* bad identity */
		NULL
	};
	int i;

	for (i = 0; bad[i]; i++) {
		struct cg_err err = CG_ERR_INIT;
		struct cg_config cfg;

		CHECK_INT(parse(&cfg, bad[i], &err), -1);
		CHECK(err.msg[0] != '\0');
		CHECK(cfg.root == NULL);
		/* Releasing anyway must stay harmless. */
		cg_config_release(&cfg);
	}
}

int main(void)
{
	RUN(defaults);
	RUN(defaults_all_rules_on);
	RUN(empty_overlay_is_defaults);
	RUN(overlay_partial);
	RUN(overlay_replaces_arrays);
	RUN(integer_for_real);
	RUN(unknown_key);
	RUN(wrong_type);
	RUN(invalid_json);
	RUN(not_object);
	RUN(threshold_range);
	RUN(temp_range);
	RUN(duty_hours);
	RUN(names_lists);
	RUN(compound_code);
	RUN(unknown_rule);
	RUN(rule_off_clears_its_bit);
	RUN(rules_off_and_on);
	RUN(has_gate);
	RUN(unknown_lists_choices);
	RUN(reason_codes);
	RUN(failed_parse_owns_nothing);
	return UNIT_DONE();
}
