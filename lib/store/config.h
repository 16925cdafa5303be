#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <jansson.h>

#include "core/error.h"
#include "core/form.h"
#include "core/home.h"

/*
 * Configuration, in layers laid over each other key by key: the defaults
 * of share/cg/config.json compiled into the binaries (they fix the shape:
 * every key and its type); the installed share/cg/config.json, the system
 * layer an administrator may edit; config.json in the data directory;
 * then what options and the environment say.  Unknown keys and wrong
 * types are errors that name the key and the file.
 */

/* The reason codes of cg-checkin, in the order they are reported. */
enum cg_reason {
	CG_R_FEVER,
	CG_R_SYMPTOMS,
	CG_R_NO_MASK,
	CG_R_COURIER,
	CG_R_VISITOR_NO_HOST,
	CG_R_VEHICLE_UNREGISTERED,
	CG_R_PASS_INVALID,
	CG_R_QUARANTINED,
	CG_R_IDENTITY_CHECK,
	CG_R_REMEASURE,
	CG_R_NO_PASS,
	CG_R_RISK_AREA,
	CG_R_EXIT_QUOTA,
	CG_R_HOUSEHOLD_UNKNOWN,
	CG_R_COUNT
};

/* "fever", "no_mask", ...; NULL past the end. */
const char *cg_reason_code(enum cg_reason r);

/* 1 for a reason that denies, 0 for one that refers. */
int cg_reason_denies(enum cg_reason r);

struct cg_policy {
	double fever_threshold;		/* at or above is a fever */
	double temp_min, temp_max;	/* plausible readings */
	int remeasure_wait_min;		/* 0: a first high reading decides */
	int visit_max_min;
	int visit_grace_min;		/* after visit_until, before an overstay */
	int late_grace_min;		/* after a day ends, before a record of it
					 * registered then is a late registration */
	int pass_check;			/* residents and tenants need a pass */
	int duty_start_min, duty_end_min;	/* duty hours, minutes of the day */
	int duty_gap_max_min;
	/* Household exit quota (rules/exitquota.h); persons 0: off. */
	int exit_quota_persons, exit_quota_days, exit_quota_hours;
	int night_start_min, night_end_min;	/* may wrap midnight; equal: none */
	int night_gap_max_min;
	const json_t *gate_duty;	/* gate -> its own duty; borrowed */
	const json_t *risk_areas;	/* array of strings; borrowed from root */
	unsigned rules;			/* bit (1u << enum cg_reason): rule on */
};

#define CG_MAX_CHECK_WINDOWS 6

/* Home observation (居家观察), the "quarantine" section. */
struct cg_quarantine_policy {
	int days;			/* default length of a case */
	int min_days;			/* extend never goes below this */
	int lost_after_days;		/* no check for this long: lost to follow-up */
	int nwindows;			/* daily temperature-check windows */
	int window_start_min[CG_MAX_CHECK_WINDOWS];	/* minutes of the day */
	int window_end_min[CG_MAX_CHECK_WINDOWS];	/* exclusive */
	int release_checks_normal;	/* the last N checks must be normal */
	int release_needs_final_day_check;
};

/* Contact tracing (cg-quarantine trace), the "trace" section. */
struct cg_trace_policy {
	int days;			/* the period: this many days before onset */
	int window_min;			/* same gate within this many minutes */
	int households;			/* household members are contacts */
	int staff, couriers;		/* staff and couriers at the gate count */
};

/* When a gate is staffed, and how long it may be quiet. */
struct cg_duty {
	int start_min, end_min;		/* duty hours, minutes of the day */
	int gap_max_min;		/* longest quiet time outside the night */
	int night_start_min, night_end_min;	/* may wrap midnight */
	int night_gap_max_min;		/* longest quiet time reaching into it */
};

struct cg_config {
	json_t *root;			/* the merged configuration; owned */
	const char *compound_code;	/* borrowed from root */
	const char *compound_name;	/* borrowed from root */
	enum cg_household_form household;	/* "compound.household" */
	/* compound.tz: the zone of its local days ("" the machine's TZ);
	 * compound.street, compound.district: the codes of the street and
	 * district it reports to ("" none).  Borrowed from root. */
	const char *compound_tz, *street_code, *district_code;
	const json_t *gates;		/* array of strings; borrowed */
	struct cg_policy policy;
	struct cg_quarantine_policy quarantine;
	struct cg_trace_policy trace;
	const json_t *pass_classes;	/* name -> {"colour", "days"}; borrowed */
};

/* The installed defaults, the system layer: path and text (malloc'd;
 * NULL when there is none). */
struct cg_layer {
	char path[4096];
	char *text;
	size_t len;
};

/*
 * Read the system layer: share/cg/config.json beside the program's
 * directory (../share/cg/config.json: the build tree's copy, or an
 * installed tree moved or staged under DESTDIR), else
 * DATADIR/cg/config.json of make install.  Neither there is no error.
 * 0, or -1 with *err (CG_EXIT_SYSTEM) when one cannot be read.
 */
int cg_config_system(struct cg_layer *l, struct cg_err *err);
void cg_layer_release(struct cg_layer *l);

/* As cg_config_parse, with the system layer sys (may be NULL) between
 * the built-in defaults and text. */
int cg_config_parse_layers(struct cg_config *cfg, const struct cg_layer *sys,
			   const char *text, size_t len, const char *label,
			   struct cg_err *err);

/* Load the defaults, the system layer and the data directory's
 * config.json (h may be NULL for the first two only), and make compound.tz the process's zone
 * (cg_clock_set_zone): every command loads its configuration before it
 * reads or writes a local time.  0, or -1 with *err (CG_EXIT_SYSTEM). */
int cg_config_load(struct cg_config *cfg, const struct cg_home *h,
		   struct cg_err *err);

/* Parse a configuration from text over the built-in defaults (not the
 * system layer); label names it in messages.  Used by cg_config_load and the tests.  On failure nothing is
 * left to release. */
int cg_config_parse(struct cg_config *cfg, const char *text, size_t len,
		    const char *label, struct cg_err *err);

void cg_config_release(struct cg_config *cfg);

/*
 * Check a configuration's text as cg_config_load would load it: parsed
 * over the defaults and the system layer, and compound.tz made the process's zone.  0, or -1
 * with *err naming the key (label: the file in messages).
 */
int cg_config_check(const char *text, size_t len, const char *label, struct cg_err *err);

/* A gate name is at most this many bytes, */
#define CG_GATE_NAME_MAX 63

/* without spaces, control characters, commas, quotes or slashes (so that
 * a list of gates is written "north,south"): 1 when name is one. */
int cg_config_gate_name_ok(const char *name);

static inline int cg_rule_on(const struct cg_policy *p, enum cg_reason r)
{
	return (p->rules >> r) & 1u;
}

/* 1 when gate is one of the configured gates (or none are configured),
 * compared as cg_config_gate does. */
int cg_config_has_gate(const struct cg_config *cfg, const char *gate);

/*
 * The configured spelling of gate (borrowed from cfg): gate names compare
 * without case, so "North" is the gate "north".  gate itself when no gates
 * are configured; NULL when it is not one of them.
 */
const char *cg_config_gate(const struct cg_config *cfg, const char *gate);

/*
 * The reason for a value that is not in set (an array of strings, or an
 * object: its keys), written to why: "unknown WHAT 'VALUE' (the allowed
 * values)" and, when one is close (core/suggest.h), "; did you mean
 * 'north'?".  what is a translated noun ("gate", "pass class").
 */
void cg_config_unknown(const json_t *set, const char *what, const char *value,
		       char *why, size_t whylen);

/*
 * The duty of gate: the policy's duty hours and limits, with what
 * policy.gate_duty.GATE sets for it (a gate closed at night has its own
 * duty hours; a staffed gate may be quiet at night).
 */
void cg_config_gate_duty(const struct cg_config *cfg, const char *gate, struct cg_duty *d);

/* A time of day "HH:MM" (00:00 to 24:00) in v as minutes since midnight:
 * 0, or -1 when v is not one. */
int cg_config_hhmm(const json_t *v, int *minutes);

#endif
