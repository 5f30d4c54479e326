/*
 * tasks.h - the clock-driven tasks of tc-worker.  Each tick (a few seconds)
 * one thread of each process looks at the deployment's clock; the first
 * process to see a new day takes that day's scan (a marker in Redis) and
 * puts one job per school on the stream, which all workers share:
 *   - from activation.month/day (2 October) 00:00: auto_activate for every
 *     school whose active year is older than the current school year;
 *   - from reminder.hour (08:00): reminder for every school whose
 *     automatically started import waits;
 *   - from sync.hour (02:00): sync for every school with a LAS link and
 *     sync on (jobs/sync.h).
 * The jobs themselves are guarded per school and day, so each task happens
 * once per school per day however many workers run.
 */
#ifndef TC_TASKS_H
#define TC_TASKS_H

#include "job.h"

/* Runs the scans that are due.  Cheap when nothing is due. */
void		tasks_tick(struct wctx *);

#endif
