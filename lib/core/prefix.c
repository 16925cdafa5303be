#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/prefix.h"

int cg_beside_program(const char *rel, char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	/* "../share" from /p/bin is /p/share, as messages should name it */
	while (!strncmp(rel, "../", 3) && (slash = strrchr(exe, '/')) && slash != exe) {
		*slash = '\0';
		rel += 3;
	}
	return snprintf(buf, size, "%s/%s", exe, rel) < (int)size ? 0 : -1;
}
