/*
 * status.h - the one result type of every fallible call in Testcentrum.
 *
 * Functions return a tc_status and pass results out through parameters.
 * Only fcgi/ maps a status to an HTTP code (fcgi/response.c), and only the
 * CLI maps it to an exit code.
 */
#ifndef TC_STATUS_H
#define TC_STATUS_H

typedef enum tc_status {
	TC_OK = 0,
	TC_NOT_FOUND,		/* no such record (in this school) */
	TC_INVALID,		/* bad input: nothing changed */
	TC_CONFLICT,		/* a rule forbids it now: nothing changed */
	TC_FORBIDDEN,		/* the actor may not do this */
	TC_UNAVAILABLE,		/* a server (MariaDB, Redis, LAS, SMTP) is unreachable */
	TC_TOO_LARGE,		/* input over a limit of limits.h */
	TC_INTERNAL,		/* a bug or an unexpected library failure */
	TC_STATUS_MAX
} tc_status;

/* Returns a static, lower-case English name of st ("ok", "not_found", ...). */
const char	*status_name(tc_status st);

#endif
