#ifndef CG_TRACE_H
#define CG_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/home.h"
#include "rules/casebook.h"
#include "rules/correction.h"
#include "store/config.h"

/*
 * Contact tracing (cg-quarantine trace): from index persons to the people
 * the check-in register shows at risk.
 *
 * The check-in journals of the period (local days since..until, plain or
 * compressed, verified as they are read, by two reader threads and taken
 * in order; gate records as they stand after their corrections) are read
 * once into a compact register: every person seen (identified as
 * cg_person_key does, the fields of their first record kept) and every
 * passage (time, gate, person, the household a visitor named as host).  Then any number of
 * index persons are traced against it in memory: a sweep of many index
 * persons costs one pass over the journals, not one per person.
 *
 * A contact of an index person is someone else in the register with
 *
 *   same_household    the index person's household (rank 1)
 *   hosted_visitor    a visit naming that household as host (rank 2)
 *   visited_by_index  living in a household the index person visited
 *                     (named as host when passing a gate) (rank 2)
 *   same_gate_window  a passage through a gate the index person passed,
 *                     at most window minutes before or after (rank 3),
 *                     whatever the directions
 *
 * The rank of a contact is that of its strongest reason (1 strongest).
 * Staff and couriers count at the gate only when the policy says so
 * (trace.staff, trace.couriers); households only with trace.households.
 * With depth 2 the contacts are traced in turn (reason
 * "secondary_contact"): for them only what happened after their own first
 * exposure counts (a household contact is exposed from the period's start).
 */

enum cg_trace_why {
	CG_TRACE_HOUSEHOLD = 1,
	CG_TRACE_VISITOR = 2,
	CG_TRACE_GATE = 3,
	CG_TRACE_HOST = 4
};

/* "same_household", "hosted_visitor", "same_gate_window",
 * "visited_by_index". */
const char *cg_trace_why_code(enum cg_trace_why w);

/* Its rank: 1 strongest; a visit either way is 2. */
int cg_trace_why_rank(enum cg_trace_why w);

struct cg_trace_register;	/* private to trace.c */
struct cg_trace_index;
struct cg_trace_contact;

struct cg_trace {
	const struct cg_config *cfg;		/* borrowed */
	const struct cg_casebook *cb;		/* borrowed */
	int32_t since, until;			/* local days, inclusive */
	int window_min, households, staff, couriers;
	int depth;				/* 1 or 2 */
	int one_thread;				/* cg_trace_run writes the
						 * records on this thread
						 * alone (the differential
						 * tests' reference) */

	struct cg_trace_register *reg;		/* owned */
	struct cg_trace_index *index;		/* owned */
	size_t nindex, index_alloc;
	struct cg_trace_contact *contacts;	/* per person of reg; owned */
	unsigned long events, days;		/* what was read */
	struct cg_corrections fix;		/* of the period's records */
	int fixing;				/* reading them as corrected */
};

/* Set up with the policy of cfg (trace.*) for since..until. */
void cg_trace_init(struct cg_trace *t, const struct cg_config *cfg,
		   const struct cg_casebook *cb, int32_t since, int32_t until);
void cg_trace_release(struct cg_trace *t);

/*
 * Read the check-in journals of the period into the register, and the
 * corrections of its records (from the days after it too: a second pass
 * over the period only when a record of it was corrected).  Warnings (a
 * torn tail, a leftover compressed copy) go to n.  0, or -1 with *err
 * (CG_EXIT_DAMAGED for a damaged journal).
 */
int cg_trace_read(struct cg_trace *t, const struct cg_home *h,
		  const struct cg_notifier *n, struct cg_err *err);

/*
 * Add an index person: rec (borrowed) carries "case_id", or the person's
 * id_no, phone, or name and household.  Returns 0 when taken, 1 when
 * rejected with the reason in why: malformed fields, an unknown case, or
 * a person neither the register of the period nor the household lists
 * know.  Call after cg_trace_read.
 */
int cg_trace_add_index(struct cg_trace *t, const json_t *rec, cg_time_t now,
		       char *why, size_t whylen);

/*
 * Add every case escalated in the period ("escalated_at" on since..until)
 * as an index person; those the register does not know are skipped.
 * Returns how many were added.
 */
size_t cg_trace_add_escalated(struct cg_trace *t);

/* The figures of a trace (after cg_trace_run). */
struct cg_trace_counts {
	unsigned long index, contacts, under_observation, secondary;
	unsigned long by_why[5];	/* by the code of the contact's strongest
					 * reason (enum cg_trace_why) */
};

/* What takes each contact record, one JSON line of len bytes with its
 * newline (borrowed): 0, or -1 with *err. */
typedef int cg_trace_emit_fn(void *ctx, const char *line, size_t len, struct cg_err *err);

/*
 * Trace every index person added, to t->depth, and hand emit (when not
 * NULL) each contact record in the order to act on them (depth, rank,
 * fewest minutes apart, first exposure), ready for "cg-quarantine open";
 * *counts is filled as they go.  0, or -1 with *err from emit.
 */
int cg_trace_run(struct cg_trace *t, struct cg_trace_counts *counts,
		 cg_trace_emit_fn *emit, void *ctx, struct cg_err *err);

#endif
