/*
 * reminder.h - the daily reminder (DESIGN.md §2.7): while an automatically
 * started import of a school is not applied, each of its active
 * administrators gets one e-mail a day, in Dutch, with a link straight to
 * the check screen.  email_log holds one row per (school, "reminder:DATE:USER"):
 * an e-mail that failed is retried (the job runs again), one that was sent is
 * never sent again.
 */
#ifndef TC_REMINDER_H
#define TC_REMINDER_H

#include "job.h"

/* The job "reminder" {date}: the reminders of one school for one day. */
tc_status	job_reminder(struct wctx *, const struct job *, char *err, size_t errlen);

#endif
