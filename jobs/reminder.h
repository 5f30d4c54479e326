/*
 * reminder.h - the daily reminder (DESIGN.md §2.7): while a school's year
 * that was activated automatically has no applied import (year_import_due(),
 * kept in MariaDB), each of its active administrators gets one e-mail a day,
 * in Dutch, with a link to a live import (dueimport.h: a cancelled or
 * expired one is fetched again first).  The e-mail says what is true: the
 * data were fetched (check them), are being fetched, or the fetch failed
 * (and what to do); a school without a LAS link is told how to import a
 * file.  email_log holds one row per (school, "reminder:DATE:USER"): an
 * e-mail that failed is retried (the job runs again), one that was sent is
 * never sent again.
 */
#ifndef TC_REMINDER_H
#define TC_REMINDER_H

#include "job.h"

/* The job "reminder" {date}: the reminders of one school for one day. */
tc_status	job_reminder(struct wctx *, const struct job *, char *err, size_t errlen);

#endif
