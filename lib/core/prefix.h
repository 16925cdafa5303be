#ifndef CG_PREFIX_H
#define CG_PREFIX_H

#include <stddef.h>

/*
 * Where what make install puts beside the commands is found at run time:
 * relative to the running program (/proc/self/exe), so that a build tree
 * (BUILD/bin/cg-NAME, BUILD/locale, BUILD/share) and an installed tree
 * moved or staged under DESTDIR find their own files, as git's
 * RUNTIME_PREFIX does.
 */

/* The path rel (e.g. "../locale") from the directory of the running
 * program, into buf: 0, or -1 when it cannot be told or does not fit. */
int cg_beside_program(const char *rel, char *buf, size_t size);

#endif
