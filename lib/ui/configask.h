#ifndef CG_CONFIGASK_H
#define CG_CONFIGASK_H

#include <stdio.h>

#include "core/error.h"
#include "store/configwrite.h"

/*
 * The questions of cg-journal init --ask: for each field that given[f]
 * does not mark, a prompt on out with the current value in brackets, an
 * answer read from in (empty keeps the bracketed value, "-" empties an
 * optional one); a bad answer is explained with the loader's own message
 * and asked again.  0 when every field has a value; -1 with *err
 * (CG_EXIT_USAGE) when input ends first: then nothing is to be written.
 */
int cg_setup_ask(struct cg_setup *s, const int given[CG_SETUP_COUNT], FILE *in,
		 FILE *out, struct cg_err *err);

#endif
