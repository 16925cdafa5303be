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

#endif
