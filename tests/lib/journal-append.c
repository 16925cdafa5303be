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
#include "core/home.h"
#include "json/jsonl.h"
#include "store/journal.h"
#include "store/loop.h"

static int keep(void *ctx, struct cg_loop *lp, struct cg_loop_line *ln,
		char *why, size_t whylen, struct cg_err *err)
{
	(void)ctx;
	(void)why;
	(void)whylen;
	return cg_loop_emit(lp, ln->rec, err);
}

int main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_home home;
	struct cg_journal j;
	struct cg_clock clock;
	struct cg_loop lp;

	cg_cmd_setup("helper-journal-append");
	if (argc != 2)
		cg_die(2, "usage: helper-journal-append STREAM");
	if (cg_clock_init(&clock, NULL, &err) < 0 ||
	    cg_home_open(&home, NULL, &err) < 0 ||
	    cg_journal_open(&j, &home, argv[1], &err) < 0 ||
	    cg_loop_init(&lp, NULL, 0, &err) < 0)
		cg_die_err(&err);
	lp.fn = keep;
	lp.parse = 1;
	lp.notify = CG_NOTIFIER_STDERR;
	lp.journal = &j;
	lp.clock = &clock;
	if (cg_loop_run_files(&lp, NULL, 0, &err) < 0 || cg_loop_finish(&lp, &err) < 0 ||
	    cg_out_close(&lp.out, &err) < 0)
		cg_die_err(&err);
	cg_journal_release(&j);
	cg_home_release(&home);
	return cg_loop_status(&lp);
}
