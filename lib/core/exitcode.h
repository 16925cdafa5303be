#ifndef CG_EXITCODE_H
#define CG_EXITCODE_H

/*
 * Exit statuses shared by every cg command.  Each man page repeats this
 * table in EXIT STATUS; keep them in step.
 */
enum cg_exit {
	CG_EXIT_OK = 0,		/* all input accepted */
	CG_EXIT_REJECTED = 1,	/* some input lines were rejected */
	CG_EXIT_USAGE = 2,	/* bad options or arguments */
	CG_EXIT_SYSTEM = 3,	/* I/O, lock, permissions, disk full, config */
	CG_EXIT_UPSTREAM = 4,	/* the upstream failed (cg-sync) */
	CG_EXIT_WARNINGS = 5,	/* --fail-on warnings and there were some */
	CG_EXIT_DAMAGED = 6,	/* a journal is damaged before its tail */
	CG_EXIT_BUSY = 7	/* another run holds the target (cg-sync) */
};

/*
 * Not an exit status but a struct cg_err status: standard output's reader
 * went away (EPIPE).  Library functions return it like any error;
 * cg_die_err() turns it into a quiet exit 0.
 */
#define CG_EXIT_PIPE 256

#endif
