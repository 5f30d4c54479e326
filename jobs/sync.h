/*
 * sync.h - the nightly LAS sync of one school (issue: tc-worker).
 *
 * For a school with a LAS link, sync on, an active year and no import in
 * progress, the active year is fetched (a full pull: whether a LAS's delta
 * answers are partial is not known, SPEC §10) and staged like any import.
 * What needs no decision is applied: changes to linked pupils, groups and
 * teachers, new pupils and groups of the year.  What does is kept for the
 * administrator and never done by the sync: pupils the LAS no longer lists
 * stay active ("keep"), a new pupil with a hand-entered look-alike is not
 * imported, and a pupil the administrator archived is never reactivated.
 * These show in the sync's result and come back each night until the
 * administrator imports the active year.  A sync that would change more than
 * sync.max_share_percent of the school's active pupils is not applied: it
 * stays in review ("sync_held") for the administrator's approval.
 */
#ifndef TC_SYNC_H
#define TC_SYNC_H

#include "job.h"

/* The job "sync" {date}: once per school per day (a marker). */
tc_status	job_sync(struct wctx *, const struct job *, char *err, size_t errlen);

#endif
