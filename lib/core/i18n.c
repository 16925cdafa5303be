#include <locale.h>
#include <stdlib.h>

#include "core/i18n.h"

#ifndef CG_LOCALEDIR
#define CG_LOCALEDIR "/usr/local/share/locale"
#endif

void cg_i18n_init(void)
{
	const char *dir = getenv("CG_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* Numbers in records must stay "37.3" whatever the locale says. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("cg", dir && *dir ? dir : CG_LOCALEDIR);
	bind_textdomain_codeset("cg", "UTF-8");
	textdomain("cg");
}
