#ifndef CG_I18N_H
#define CG_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Set the locale from the environment and bind the "cg" text domain to
 * the first of: $CG_LOCALEDIR; the catalogs of the build tree the program
 * runs from (BUILD/locale beside BUILD/bin), so that an uninstalled build
 * speaks Chinese under LANGUAGE=zh_CN; the compiled-in directory of make
 * install; PREFIX/share/locale beside the program's PREFIX/bin (a moved
 * install).  A directory counts only when it holds a catalog of cg.
 */
void cg_i18n_init(void);

#endif
