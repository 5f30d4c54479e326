/*
 * pwreset_mail.h - the "wachtwoord vergeten" e-mail, sent by tc-worker.
 *
 * tc-fcgi only queues the job (payload {"email": what was typed}), so that
 * its answer neither waits for the mail relay nor takes longer for an
 * address that exists (issue 19).  The job looks the address up; for an
 * active user it makes a new token (the user's earlier one stops working)
 * and e-mails the link.  An unknown address is done at once.
 */
#ifndef TC_PWRESET_MAIL_H
#define TC_PWRESET_MAIL_H

#include "job.h"

tc_status	job_pwreset_mail(struct wctx *, const struct job *, char *err, size_t errlen);

#endif
