/*
 * A scratch directory per test, for the unit tests that touch files:
 * tmp_make() before, tmp_remove() after, at("rel") for a path inside
 * (two may be in use at once), exists(path) without following links.
 */
#ifndef CG_UNIT_SCRATCH_H
#define CG_UNIT_SCRATCH_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char tmp[64];

static inline void tmp_make(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/cg-unit-XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("# mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
}

static inline int scratch_rm_one(const char *path, const struct stat *st, int flag,
				 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void tmp_remove(void)
{
	if (nftw(tmp, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		printf("# cannot remove %s: %s\n", tmp, strerror(errno));
}

static inline const char *at(const char *rel)
{
	static char path[2][256];
	static int which;

	which = !which;
	snprintf(path[which], sizeof(path[which]), "%s/%s", tmp, rel);
	return path[which];
}

static inline int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The whole file, malloc'd and NUL-terminated ("" when missing); its
 * length in *lenp unless NULL. */
static inline char *slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, alloc = 0, n;

	if (fp) {
		do {
			if (alloc - len < 65536) {
				alloc = alloc ? alloc * 2 : 131072;
				data = realloc(data, alloc + 1);
				if (!data)
					abort();
			}
			n = fread(data + len, 1, alloc - len, fp);
			len += n;
		} while (n > 0);
		fclose(fp);
	}
	if (!data) {
		data = malloc(1);
		if (!data)
			abort();
	}
	data[len] = '\0';
	if (lenp)
		*lenp = len;
	return data;
}

#endif
