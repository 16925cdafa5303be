#ifndef CG_UNIT_H
#define CG_UNIT_H

/*
 * A minimal unit-test harness.  Each TEST is a function; main lists them
 * with RUN().  Output is TAP-like: "ok - NAME" or "not ok - NAME" with
 * "# file:line: ..." diagnostics; tests/run counts those lines.
 */

#include <stdio.h>
#include <string.h>

static int unit_failed_checks;
static int unit_passed, unit_failed;

#define TEST(name) static void name(void)

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		unit_failed_checks++; \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long unit_a = (long long)(a), unit_b = (long long)(b); \
	if (unit_a != unit_b) { \
		printf("# %s:%d: %s == %lld, expected %lld\n", \
		       __FILE__, __LINE__, #a, unit_a, unit_b); \
		unit_failed_checks++; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *unit_a = (a), *unit_b = (b); \
	if (!unit_a || !unit_b || strcmp(unit_a, unit_b)) { \
		printf("# %s:%d: %s == \"%s\", expected \"%s\"\n", \
		       __FILE__, __LINE__, #a, unit_a ? unit_a : "(null)", \
		       unit_b ? unit_b : "(null)"); \
		unit_failed_checks++; \
	} \
} while (0)

#define RUN(name) do { \
	unit_failed_checks = 0; \
	name(); \
	if (unit_failed_checks) { \
		printf("not ok - %s\n", #name); \
		unit_failed++; \
	} else { \
		printf("ok - %s\n", #name); \
		unit_passed++; \
	} \
} while (0)

#define UNIT_DONE() (unit_failed ? 1 : 0)

#endif
