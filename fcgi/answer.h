/*
 * answer.h - the cached answers of a school's list pages (answercache.h) at
 * the door of tc-fcgi.
 *
 * For a route marked cached, the session lookup also reads the school's
 * generation and the cached answer of this path and query, in the same round
 * trip.  Only an administrator's answers are cached: a teacher's lists depend
 * on the teacher.  A cached answer is sent when it was stored under the
 * current generation; otherwise the handler runs and its 200 answer is
 * stored under the generation read before it ran.  Every change request
 * whose handler ran and was not refused (4xx: nothing changed) bumps the
 * generation before its answer is written.
 */
#ifndef TC_ANSWER_H
#define TC_ANSWER_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "route.h"

/* Looks up r's session, for a cached route with the cached answer.  When a
 * current answer exists *hit is set (owned by the caller: freeReplyObject)
 * and *body, *len point into it.  Otherwise r->answer says what to store. */
tc_status	answer_session(struct request *, enum route_answers, redisReply **hit,
		    const char **body, size_t *len);

/* Called by the one writer of responses before the head goes out: stores a
 * 200 answer of a cached route, or bumps the generation after a change. */
void		answer_before_response(struct request *, int status, const char *body,
		    size_t len);

#endif
