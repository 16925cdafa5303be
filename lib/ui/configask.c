#include <stdlib.h>
#include <string.h>

#include "ui/configask.h"
#include "core/exitcode.h"
#include "core/i18n.h"

static const char *const prompts[CG_SETUP_COUNT] = {
	[CG_SETUP_CODE] = N_("Compound code (letters, digits, '-', '_' or '.')"),
	[CG_SETUP_NAME] = N_("Compound name"),
	[CG_SETUP_STREET] = N_("Street code (- for none)"),
	[CG_SETUP_DISTRICT] = N_("District code (- for none)"),
	[CG_SETUP_TZ] = N_("Time zone (- for the machine's)"),
	[CG_SETUP_HOUSEHOLD] = N_("Households are written (building-unit-room, building-room or any)"),
	[CG_SETUP_GATES] = N_("Gates, separated by commas"),
};

/* Fields a compound may leave empty. */
static int optional(enum cg_setup_field f)
{
	return f == CG_SETUP_STREET || f == CG_SETUP_DISTRICT || f == CG_SETUP_TZ;
}

/* One answer, trimmed of the line end and surrounding blanks; NULL at
 * the end of input. */
static char *answer(FILE *in, char **line, size_t *cap)
{
	ssize_t n = getline(line, cap, in);
	char *s, *e;

	if (n < 0)
		return NULL;
	for (s = *line; *s == ' ' || *s == '\t'; s++)
		;
	for (e = *line + n; e > s && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	return s;
}

static int ask_one(struct cg_setup *s, enum cg_setup_field f, FILE *in, FILE *out,
		   char **line, size_t *cap, struct cg_err *err)
{
	/* The demo compound's code and name are no answer for a real one. */
	int fresh = (f == CG_SETUP_CODE || f == CG_SETUP_NAME) && !cg_setup_has(s, f);
	char *now = fresh ? strdup("") : cg_setup_get(s, f);
	const char *a;
	int ret = -1;

	for (;;) {
		fprintf(out, *now ? "%s [%s]: " : "%s: ", _(prompts[f]), now);
		fflush(out);
		if (!(a = answer(in, line, cap))) {
			fputc('\n', out);
			cg_err_set(err, CG_EXIT_USAGE,
				   _("no answer for '%s': config.json not written"),
				   cg_setup_key(f));
			break;
		}
		if (!*a && !*now && !optional(f)) {
			fprintf(out, "%s\n", _("an answer is needed"));
			continue;
		}
		if (!strcmp(a, "-") && optional(f))
			a = "";
		else if (!*a)
			a = now;
		if (cg_setup_set(s, f, a, err) == 0) {
			ret = 0;
			break;
		}
		fprintf(out, "%s\n", err->msg);
		*err = (struct cg_err)CG_ERR_INIT;
	}
	free(now);
	return ret;
}

int cg_setup_ask(struct cg_setup *s, const int given[CG_SETUP_COUNT], FILE *in,
		 FILE *out, struct cg_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	for (int f = 0; f < CG_SETUP_COUNT && ret == 0; f++)
		if (!given[f])
			ret = ask_one(s, (enum cg_setup_field)f, in, out, &line, &cap, err);
	free(line);
	return ret;
}
