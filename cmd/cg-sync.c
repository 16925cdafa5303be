/*
 * cg-sync: not implemented yet; its issue builds on the foundation.
 */
#include <stdio.h>

#include "cmd.h"
#include "error.h"
#include "exitcode.h"
#include "i18n.h"

int main(void)
{
	cg_cmd_setup("cg-sync");
	cg_error(_("not implemented yet"));
	return CG_EXIT_USAGE;
}
