#include <dirent.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/prefix.h"

#ifndef CG_LOCALEDIR
#define CG_LOCALEDIR "/usr/local/share/locale"
#endif

/* Whether DIR holds a catalog of cg in some language: LANG/LC_MESSAGES/cg.mo. */
static bool has_catalog(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/cg.mo", dir,
			     e->d_name) < (int)sizeof(path))
			found = access(path, R_OK) == 0;
	}
	closedir(d);
	return found;
}

/*
 * Where the catalogs are: $CG_LOCALEDIR; else the one of the build tree
 * the program was built in (BUILD/bin/cg-NAME, BUILD/locale), so that
 * LANGUAGE=zh_CN works before make install, and with this build's own
 * messages rather than an older installed catalog's; else the compiled-in
 * directory of make install; else PREFIX/share/locale beside PREFIX/bin,
 * for an installed tree moved elsewhere (as git's RUNTIME_PREFIX).
 */
static const char *catalog_dir(char *buf, size_t size)
{
	const char *env = getenv("CG_LOCALEDIR");

	if (env && *env)
		return env;
	if (cg_beside_program("../locale", buf, size) == 0 && has_catalog(buf))
		return buf;
	if (has_catalog(CG_LOCALEDIR))
		return CG_LOCALEDIR;
	if (cg_beside_program("../share/locale", buf, size) == 0 && has_catalog(buf))
		return buf;
	return CG_LOCALEDIR;
}

void cg_i18n_init(void)
{
	char buf[PATH_MAX];

	setlocale(LC_ALL, "");
	/* Numbers in records must stay "37.3" whatever the locale says. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("cg", catalog_dir(buf, sizeof(buf)));
	bind_textdomain_codeset("cg", "UTF-8");
	textdomain("cg");
}
