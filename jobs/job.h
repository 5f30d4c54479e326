/*
 * job.h - what a job handler of tc-worker sees, and the table of kinds.
 *
 * A handler returns TC_OK when the job is done (or had nothing to do: every
 * job is idempotent or guarded), TC_UNAVAILABLE when it should be tried again
 * later (back-off doubles per attempt, then the job is parked as dead),
 * TC_CONFLICT when it cannot run yet and should wait without counting an
 * attempt (no free LAS slot), and anything else for a permanent failure.
 */
#ifndef TC_JOB_H
#define TC_JOB_H

#include <jansson.h>
#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "kv.h"
#include "log.h"
#include "status.h"
#include "tenant.h"

struct proc;

/* One worker thread: its own connections and clock. */
struct wctx {
	const struct config	*cfg;
	struct db		*db;
	struct kv		*kv;
	struct clock		 clock;
	struct proc		*proc;		/* the process (stop flag, in-flight jobs) */
	int			 index;		/* thread number */
	char			 consumer[128];	/* consumer name in the group */
	struct log_ctx		 log;
};

struct job {
	char		 id[64];	/* stream entry id */
	char		 kind[32];
	uint64_t	 tenant;
	int		 attempt;	/* 0 for the first run */
	json_t		*payload;	/* object, borrowed */
	/* The school, looked up once by the consumer before the handler runs:
	 * school_st TC_OK (school valid), TC_NOT_FOUND (gone), or a failure. */
	struct tenant	 school;
	tc_status	 school_st;
};

/* The failure a handler returns when j has no school: none for a school
 * that is gone (the job is done), the lookup's failure else (retried). */
#define JOB_NO_SCHOOL(j)	((j)->school_st == TC_NOT_FOUND ? TC_OK : (j)->school_st)

typedef tc_status (*job_fn)(struct wctx *, const struct job *, char *err, size_t errlen);

/* The handler of kind, or NULL for an unknown kind; *large tells whether
 * its job may hold a whole school in memory (an import, a sync). */
job_fn		job_handler(const char *kind, bool *large);

#endif
