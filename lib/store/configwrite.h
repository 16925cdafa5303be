#ifndef CG_CONFIGWRITE_H
#define CG_CONFIGWRITE_H

#include <jansson.h>

#include "core/error.h"
#include "core/home.h"

/*
 * Writing the data directory's config.json (cg-journal init, issue 19):
 * the compound's identity and gates, from flags or answers, checked with
 * the loader's own validators (store/config.h) before anything is written.
 */

/* The fields init writes, in the order they are asked. */
enum cg_setup_field {
	CG_SETUP_CODE,		/* compound.code */
	CG_SETUP_NAME,		/* compound.name */
	CG_SETUP_STREET,	/* compound.street */
	CG_SETUP_DISTRICT,	/* compound.district */
	CG_SETUP_TZ,		/* compound.tz */
	CG_SETUP_HOUSEHOLD,	/* compound.household */
	CG_SETUP_GATES,		/* gates: "north,south" */
	CG_SETUP_COUNT
};

/* "compound.code", ..., "gates": the key a field sets. */
const char *cg_setup_key(enum cg_setup_field f);

/*
 * The configuration being written: a JSON object (owned) holding the
 * existing file's keys (with --force) and the values set so far.
 */
struct cg_setup {
	json_t *obj;
};

/*
 * Start from nothing, or (keep set) from the data directory's config.json
 * when it is there and is a JSON object, so that replacing it keeps its
 * policy and targets.  0, or -1 with *err.
 */
int cg_setup_init(struct cg_setup *s, const struct cg_home *h, int keep,
		  struct cg_err *err);
void cg_setup_release(struct cg_setup *s);

/*
 * Set field f to value (gates: names separated by commas, "，" or "、").  The whole configuration is then checked as the loader checks it;
 * when it fails, the field keeps its old value and -1 comes back with *err
 * (CG_EXIT_USAGE) naming the key.
 */
int cg_setup_set(struct cg_setup *s, enum cg_setup_field f, const char *value,
		 struct cg_err *err);

/*
 * The value of f as it would be loaded (the file's, else the built-in
 * default), as the text cg_setup_set takes; "" when none.  Malloc'd.
 */
char *cg_setup_get(const struct cg_setup *s, enum cg_setup_field f);

/* 1 when the configuration names f itself (not the built-in default). */
int cg_setup_has(const struct cg_setup *s, enum cg_setup_field f);

/*
 * Check the whole and write it as config.json (2-space indented, keys in
 * order) atomically: a temporary file, fsync, then a link that fails when
 * config.json exists (CG_EXIT_REJECTED), or with force a rename over it;
 * then fsync of the directory.  The compact text of what was written goes
 * to *line (malloc'd) for the caller to print.  0, or -1 with *err.
 */
int cg_setup_write(struct cg_setup *s, const struct cg_home *h, int force,
		   char **line, struct cg_err *err);

#endif
