#ifndef CG_I18N_H
#define CG_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Set the locale from the environment and bind the "cg" text domain.
 * $CG_LOCALEDIR overrides the compiled-in directory so that tests can run
 * the uninstalled binaries against the freshly built catalogs.
 */
void cg_i18n_init(void);

#endif
