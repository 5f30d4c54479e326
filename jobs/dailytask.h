/*
 * dailytask.h - the daily tasks of each school as jobs: "activate" (the new
 * school year after 1 October: auto_activate), "reminders" (reminder) and
 * "sync" (the nightly LAS sync of every school with a link and sync on).
 * tc-worker's clock (jobs/tasks.c) runs them once a day; `tcctl task run`
 * runs them by hand.  The jobs themselves are guarded per school and day.
 */
#ifndef TC_DAILYTASK_H
#define TC_DAILYTASK_H

#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "kv.h"
#include "status.h"

/* Enqueues the jobs of task for one school (tenant_id) or all (0) for the
 * day of the clock; *count gets the number of jobs. */
tc_status	dailytask_enqueue(struct db *, struct kv *, struct clock *, const struct config *,
		    const char *task, uint64_t tenant_id, unsigned *count);

#endif
