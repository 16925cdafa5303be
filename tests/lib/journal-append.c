/*
 * helper-journal-append STREAM: append the records on stdin to a stream's
 * journal in $CG_HOME, as the commands do.  Lets the tests build pass and
 * quarantine journals, and concurrent writers, without the commands that
 * will own those journals.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/cmd.h"
#include "core/error.h"
#include "store/filter.h"
#include "core/home.h"
#include "store/journal.h"

static json_t *keep(void *ctx, const json_t *rec, char *why, size_t whylen)
{
	(void)ctx;
	(void)why;
	(void)whylen;
	return json_incref((json_t *)rec);
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home home;
	struct cg_journal j;
	struct cg_clock clock;
	struct cg_filter f;

	cg_cmd_setup("helper-journal-append");
	if (argc != 2)
		cg_die(2, "usage: helper-journal-append STREAM");
	if (cg_clock_init(&clock, NULL, &err) < 0 ||
	    cg_home_open(&home, NULL, &err) < 0 ||
	    cg_journal_open(&j, &home, argv[1], &err) < 0 ||
	    cg_filter_init(&f, NULL, 0, &err) < 0)
		cg_die_err(&err);
	f.process = keep;
	f.journal = &j;
	f.clock = &clock;
	if (cg_filter_run_files(&f, NULL, 0, &err) < 0 || cg_filter_finish(&f, &err) < 0)
		cg_die_err(&err);
	cg_journal_release(&j);
	cg_home_release(&home);
	return cg_filter_status(&f);
}
