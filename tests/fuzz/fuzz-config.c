/*
 * libFuzzer target: the configuration parser on arbitrary bytes.  Built by
 * "make fuzz"; its corpus, tests/fuzz/corpus/config, is replayed by make
 * check.
 *
 * cg_config_parse must never crash or leak, whatever config.json holds.
 * A refusal says why (under the file's label, with the system exit
 * status) and leaves nothing to release.  What it accepts is checked
 * against config.h: the merged configuration has exactly the keys of the
 * shipped defaults with values of the same types, plus only pass classes,
 * upstream targets and gates' own duty (policy.gate_duty) of the office's; the figures it read are in
 * their ranges; and the merged configuration, written out and read
 * again, is accepted and is the same.
 */
#include <stdlib.h>
#include <string.h>

#include "store/config.h"
#include "core/exitcode.h"
#include "fuzz.h"

#define LABEL "fuzz.json"

extern const char cg_default_config[];

static json_t *defaults;

static int same_kind(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return 1;
	if (json_is_boolean(a) && json_is_boolean(b))
		return 1;
	return json_typeof(a) == json_typeof(b);
}

/*
 * got has every key of def with a value of its kind, and no other key,
 * except where open: there new keys are what an office adds.
 */
static int same_shape(const json_t *def, const json_t *got, const char *path)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)def, key, v)
		if (!json_object_get(got, key))
			return 0;
	json_object_foreach((json_t *)got, key, v) {
		const json_t *d = json_object_get(def, key);
		char sub[128];

		if (!d) {
			if (strcmp(path, "passes.classes") && strcmp(path, "targets") &&
			    strcmp(path, "policy.gate_duty"))
				return 0;
			continue;
		}
		if (!same_kind(d, v))
			return 0;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		if (json_is_object(d) && !same_shape(d, v, sub))
			return 0;
	}
	return 1;
}

static int names(const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!json_is_string(v) || !json_string_length(v))
			return 0;
	return json_is_array(arr);
}

/* What config.h promises of a configuration that parsed. */
static void check(const struct cg_config *cfg)
{
	const struct cg_policy *p = &cfg->policy;
	const struct cg_quarantine_policy *q = &cfg->quarantine;
	const char *name;
	size_t i;
	json_t *v;

	if (!same_shape(defaults, cfg->root, ""))
		abort();
	if (!cfg->compound_code || !*cfg->compound_code ||
	    strspn(cfg->compound_code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789-_.") != strlen(cfg->compound_code) || !cfg->compound_name)
		abort();
	if (!names(cfg->gates) || !names(p->risk_areas))
		abort();
	json_array_foreach(cfg->gates, i, v)
		if (!cg_config_has_gate(cfg, json_string_value(v)))
			abort();
	if (!(p->fever_threshold >= 35 && p->fever_threshold <= 43) ||
	    !(p->temp_min >= 25 && p->temp_min < p->temp_max && p->temp_max <= 45) ||
	    p->remeasure_wait_min < 0 || p->remeasure_wait_min > 24 * 60 ||
	    p->visit_max_min < 1 || p->visit_max_min > 7 * 24 * 60 ||
	    p->duty_gap_max_min < 1 || p->duty_gap_max_min > 24 * 60 ||
	    p->duty_start_min < 0 || p->duty_start_min >= p->duty_end_min ||
	    p->duty_end_min > 24 * 60 || (p->rules >> CG_R_COUNT))
		abort();
	if (q->days < 1 || q->days > 365 || q->min_days < 1 || q->min_days > q->days ||
	    q->release_checks_normal < 0 || q->release_checks_normal > 100 ||
	    q->nwindows < 0 || q->nwindows > CG_MAX_CHECK_WINDOWS)
		abort();
	for (int w = 0; w < q->nwindows; w++)
		if (q->window_start_min[w] < (w ? q->window_end_min[w - 1] : 0) ||
		    q->window_start_min[w] >= q->window_end_min[w] ||
		    q->window_end_min[w] > 24 * 60)
			abort();
	json_object_foreach((json_t *)cfg->pass_classes, name, v) {
		double days = json_number_value(json_object_get(v, "days"));

		if (json_object_size(v) != 2 ||
		    !json_string_length(json_object_get(v, "colour")) ||
		    !(days >= 1 && days <= 3660 && days == (int)days))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_config cfg, again;
	struct cg_err err = CG_ERR_INIT;
	char *text;

	if (!defaults && !(defaults = json_loads(cg_default_config, 0, NULL)))
		abort();
	if (cg_config_parse(&cfg, (const char *)data, size, LABEL, &err) < 0) {
		if (err.status != CG_EXIT_SYSTEM || strncmp(err.msg, LABEL, strlen(LABEL)) ||
		    cfg.root)
			abort();
		return 0;
	}
	check(&cfg);
	/* The merged configuration is a configuration, and the same one. */
	text = json_dumps(cfg.root, JSON_COMPACT);
	if (!text || cg_config_parse(&again, text, strlen(text), LABEL, &err) < 0 ||
	    !json_equal(cfg.root, again.root) ||
	    memcmp(&cfg.policy.fever_threshold, &again.policy.fever_threshold, sizeof(double)) ||
	    cfg.policy.rules != again.policy.rules ||
	    cfg.quarantine.nwindows != again.quarantine.nwindows)
		abort();
	free(text);
	cg_config_release(&again);
	cg_config_release(&cfg);
	return 0;
}
