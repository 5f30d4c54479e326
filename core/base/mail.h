/*
 * mail.h - sending one e-mail (plain text and HTML) through the configured
 * relay with libcurl's SMTP: smtps://, or smtp:// with STARTTLS when the relay
 * offers it.  With smtp.user set the login never travels in the clear:
 * STARTTLS is then required.  The relay's certificate is verified (against
 * smtp.ca_file when set).  The address is never logged.
 */
#ifndef TC_MAIL_H
#define TC_MAIL_H

#include <stddef.h>

#include "config.h"
#include "kv.h"
#include "status.h"

struct mail {
	const char	*to;		/* one address */
	const char	*subject;	/* UTF-8 */
	const char	*text;		/* UTF-8 plain text body */
	const char	*html;		/* UTF-8 HTML body (escaped by the caller) */
};

/* libcurl's global set-up: once per process, before its threads start. */
tc_status	mail_init(void);

/*
 * Sends m.  TC_OK when the relay accepted it; TC_UNAVAILABLE for a failure
 * worth retrying (relay down, timeout, 4xx); TC_INVALID for a permanent one
 * (5xx, a bad address).  err gets a short reason without the address.
 */
tc_status	mail_send(const struct config *, const struct mail *m, char *err, size_t errlen);

/* Counts the outcome st of one mail_send in the deployment's counters
 * tc:stats:mail_sent and tc:stats:mail_failed (shown by /metrics).  A Redis
 * that is down loses the count, never the e-mail. */
void		mail_count(struct kv *, tc_status st);

/* Writes the HTML-escaped form of s into an allocated string (free()). */
char		*mail_html_escape(const char *s);

#endif
