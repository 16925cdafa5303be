#ifndef CG_CASEINDEX_H
#define CG_CASEINDEX_H

#include <jansson.h>

#include "core/error.h"
#include "rules/casebook.h"

/*
 * The case book's lookups when it is answered from the case index
 * (cg_casebook_open_index; casebook.c calls these when cb->ix is set).
 * Records returned are borrowed: they live in cb->cache until release.
 */
int cg_caseindex_refresh(struct cg_casebook *cb, struct cg_err *err);
void cg_caseindex_close(struct cg_casebook *cb);
const json_t *cg_caseindex_active(const struct cg_casebook *cb, const char *key);
const json_t *cg_caseindex_active_for(const struct cg_casebook *cb,
				      const json_t *person);
size_t cg_caseindex_active_sharing(const struct cg_casebook *cb, const json_t *person,
				   const json_t **out, size_t max);
int cg_caseindex_any_active(const struct cg_casebook *cb);
int cg_caseindex_released_for(const struct cg_casebook *cb, const json_t *person);

/* For a book of cg_casebook_open_lookup (cb->lookup): case id read from
 * the index into cb (held), or NULL when the index has none. */
struct cg_case *cg_caseindex_find(struct cg_casebook *cb, const char *id);
/* The newest case under key (a key of cg_person_keys; with active, of the
 * open and escalated ones) that cb does not hold, read into it: 1, 0 when
 * there is none, -1 when it cannot be read. */
int cg_caseindex_newest(struct cg_casebook *cb, const char *key, int active);
/* The highest serial of the index's case ids "PRE-N", 0 none (kept in
 * cb->ix_serials). */
long cg_caseindex_serial(const struct cg_casebook *cb, const char pre[8]);

#endif
